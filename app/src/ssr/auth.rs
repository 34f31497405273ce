//! Passwords, sessions and the session cookie.

use std::net::IpAddr;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::{Attempt, Backoff, NewAudit, Store, StoreError, UserRecord};
use tokio::sync::Semaphore;

use crate::model::{Role, SessionUser};

/// Name of the session cookie over plain http (development, or a proxy that is not set up
/// as the public URL).
pub const SESSION_COOKIE: &str = "vigil_session";
/// Name of the session cookie over https: the `__Host-` prefix makes the browser refuse it
/// unless it is `Secure`, for this host only, with `Path=/` (no subdomain can plant one).
pub const SECURE_SESSION_COOKIE: &str = "__Host-vigil_session";
/// How long a session lasts without signing in again: one operator shift.
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;

/// What can go wrong while signing in or checking a session.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The username or password is wrong (never says which).
    #[error("wrong username or password")]
    BadCredentials,
    /// No valid session.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role may not do this.
    #[error("not allowed for this role")]
    Forbidden,
    /// Too many attempts on this login or from this address: wait until then.
    #[error("too many sign-in attempts; try again in {} minute(s)", minutes_left(*until_ms))]
    TooManyAttempts {
        /// When the next attempt may be made (unix ms).
        until_ms: i64,
    },
    /// The password hash could not be made or read.
    #[error("password hashing failed")]
    Hash,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whole minutes from now until `until_ms`, at least 1.
pub fn minutes_left(until_ms: i64) -> i64 {
    (until_ms - now_ms()).max(0).div_euclid(60_000) + 1
}

/// Argon2 runs this many at once at most (one per core): each takes about 19 MiB and a
/// core's worth of time, so a flood of sign-ins waits here instead of exhausting memory.
fn argon2_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

/// Hashes a password with Argon2id (off the async runtime; it is slow on purpose).
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    let _permit = argon2_permits().acquire().await.map_err(|_| AuthError::Hash)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AuthError::Hash)
    })
    .await
    .map_err(|_| AuthError::Hash)?
}

/// Checks a password against a stored Argon2 hash.
pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = argon2_permits().acquire().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to check against when the username does not exist, so both cases take as long.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"no such user", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// Makes a new random session token (what the cookie holds).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a session token: only its hash is kept.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Turns a stored user into the signed-in person; `None` for an unknown role.
pub fn session_user(u: &UserRecord) -> Option<SessionUser> {
    Some(SessionUser {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: Role::parse(&u.role)?,
        must_change: u.must_change,
    })
}

/// Attempts per login: 5, then a wait of 30 s doubling up to 15 minutes. A growing wait
/// rather than a long lock, so that nobody can keep a customer out for long (an alarm
/// may need them), while a 4-digit PIN would take months to guess.
pub const LOGIN_BACKOFF: Backoff = Backoff { free: 5, base_ms: 30_000, max_ms: 15 * 60_000, forget_ms: 24 * 3_600_000 };
/// Attempts per client address (an office behind one address has many people): 30, then a
/// wait of 10 s doubling up to 15 minutes.
pub const ADDRESS_BACKOFF: Backoff = Backoff { free: 30, base_ms: 10_000, max_ms: 15 * 60_000, forget_ms: 3_600_000 };

/// The limiter's key for a login name.
fn login_key(username: &str) -> String {
    format!("login:{}", username.trim().to_lowercase().chars().take(64).collect::<String>())
}

/// The limiter's key for a client address: IPv4 as it is, IPv6 by its /64 (one subscriber's
/// network hands out any number of addresses within it).
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("addr:{v4}"),
            None => {
                let s = v6.segments();
                format!("addr:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Checks the credentials, opens a session and journals the sign-in; returns the person and
/// the token for the cookie. Every door (REST, the staff sign-in, the customer app) comes
/// here, so one limiter holds for all: the attempt is counted on the client's address and
/// on the login before the password is checked, in the database (every node, across
/// restarts). A refused or failed attempt is journaled once per login while the wait grows,
/// not once per guess.
pub async fn sign_in(
    store: &Store,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<(SessionUser, String), AuthError> {
    let result = check_and_open(store, username, password, client).await;
    let reason = match &result {
        Err(AuthError::BadCredentials) => "wrong",
        Err(AuthError::TooManyAttempts { .. }) => "waiting",
        _ => return result,
    };
    metrics::counter!("vigil_sign_in_failures_total", "reason" => reason).increment(1);
    result
}

async fn check_and_open(
    store: &Store,
    username: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<(SessionUser, String), AuthError> {
    let at_ms = now_ms();
    let login = login_key(username);
    let address = client.map(address_key);
    if let Some(address) = &address {
        match store.reserve_attempt(address, at_ms, &ADDRESS_BACKOFF).await? {
            Attempt::Blocked { until_ms } => {
                tracing::warn!(%address, "sign-in refused: too many attempts from this address");
                return Err(AuthError::TooManyAttempts { until_ms });
            }
            // Names that do not exist are journaled per address, when its wait begins.
            Attempt::Allowed { failures } if failures == ADDRESS_BACKOFF.free => {
                audit_failure(
                    store,
                    at_ms,
                    None,
                    address,
                    format!("{failures} attempts from this address; further attempts wait"),
                )
                .await?;
            }
            Attempt::Allowed { .. } => {}
        }
    }
    let failures = match store.reserve_attempt(&login, at_ms, &LOGIN_BACKOFF).await? {
        Attempt::Allowed { failures } => failures,
        Attempt::Blocked { until_ms } => return Err(AuthError::TooManyAttempts { until_ms }),
    };
    let user = store.user_by_username(username.trim()).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let ok = verify_password(password.to_owned(), hash).await;
    if let Some(u) = user.as_ref().filter(|u| ok && u.disabled) {
        // The right password for a disabled login: said as a wrong one (nobody learns which
        // logins exist), journaled as what it is.
        audit_failure(store, at_ms, Some(u.id), &u.username, "this login is disabled".into()).await?;
        return Err(AuthError::BadCredentials);
    }
    let Some(person) = user.as_ref().filter(|_| ok).and_then(session_user) else {
        // Journaled only for logins that exist (a guesser of names cannot grow the journal),
        // at the first failure and when the wait begins.
        if let Some(u) = user.as_ref().filter(|_| failures == 1 || failures == LOGIN_BACKOFF.free) {
            let detail = if failures > 1 {
                format!("{failures} failed attempts; further attempts wait")
            } else {
                "wrong password".to_owned()
            };
            audit_failure(store, at_ms, Some(u.id), &u.username, detail).await?;
        }
        return Err(AuthError::BadCredentials);
    };
    store.clear_attempts(&login).await?;
    if let Some(address) = &address {
        store.refund_attempt(address).await?;
    }
    let token = new_token();
    store.create_session(&token_hash(&token), person.id, at_ms, at_ms + SESSION_TTL_MS).await?;
    store
        .append_audit(&NewAudit {
            at_ms,
            actor_user_id: Some(person.id),
            action: "login".into(),
            subject: Some(person.username.clone()),
            detail: None,
        })
        .await?;
    Ok((person, token))
}

async fn audit_failure(
    store: &Store,
    at_ms: i64,
    user_id: Option<i64>,
    subject: &str,
    detail: String,
) -> Result<(), AuthError> {
    let entry = NewAudit {
        at_ms,
        actor_user_id: user_id,
        action: "login_failed".into(),
        subject: Some(subject.to_owned()),
        detail: Some(detail),
    };
    store.append_audit(&entry).await?;
    Ok(())
}

/// Changes one's own password or PIN: the current one is checked through [`sign_in`]'s
/// limiter (a stolen session cannot guess it faster than a sign-in could), every session of
/// the person ends, and a new one is returned for the caller's cookie.
pub async fn change_own_password(
    store: &Store,
    user: &SessionUser,
    current: &str,
    new: String,
    client: Option<IpAddr>,
) -> Result<String, AuthError> {
    let (_, _) = sign_in(store, &user.username, current, client).await?;
    let hash = hash_password(new).await?;
    store.set_password(user.id, &hash, false).await?;
    let token = new_token();
    let at_ms = now_ms();
    store.create_session(&token_hash(&token), user.id, at_ms, at_ms + SESSION_TTL_MS).await?;
    Ok(token)
}

/// Ends the session behind a token and journals it.
pub async fn sign_out(store: &Store, token: &str) -> Result<(), AuthError> {
    let hash = token_hash(token);
    if let Some(user) = store.session_user(&hash, now_ms()).await? {
        store
            .append_audit(&NewAudit {
                at_ms: now_ms(),
                actor_user_id: Some(user.id),
                action: "logout".into(),
                subject: Some(user.username),
                detail: None,
            })
            .await?;
    }
    store.delete_session(&hash).await?;
    Ok(())
}

/// The `Set-Cookie` value that carries a new session: HttpOnly, SameSite=Lax; over https
/// `__Host-` and `Secure`.
pub fn session_cookie(token: &str, secure: bool) -> String {
    cookie(token, secure, SESSION_TTL_MS / 1000)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    cookie("", secure, 0)
}

fn cookie(value: &str, secure: bool, max_age_s: i64) -> String {
    let (name, flag) = if secure { (SECURE_SESSION_COOKIE, "; Secure") } else { (SESSION_COOKIE, "") };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{flag}; Max-Age={max_age_s}")
}

/// The session token from a request's cookies, if any: the `__Host-` cookie if there is
/// one, else the plain one.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    let named = |wanted: &str| {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == wanted)
            .map(|(_, value)| value.to_owned())
            .filter(|v| !v.is_empty())
    };
    named(SECURE_SESSION_COOKIE).or_else(|| named(SESSION_COOKIE))
}

/// The signed-in person behind a request's session cookie.
pub async fn user_from_headers(store: &Store, headers: &HeaderMap) -> Result<Option<SessionUser>, AuthError> {
    let Some(token) = token_from_headers(headers) else {
        return Ok(None);
    };
    Ok(store.session_user(&token_hash(&token), now_ms()).await?.as_ref().and_then(session_user))
}

/// The signed-in person, if their role is one of `roles`.
pub async fn require(store: &Store, headers: &HeaderMap, roles: &[Role]) -> Result<SessionUser, AuthError> {
    let user = user_from_headers(store, headers).await?.ok_or(AuthError::Unauthenticated)?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AuthError::Forbidden)
    }
}

/// The roles that work at the monitoring centre.
pub const STAFF: &[Role] = &[Role::Operator, Role::Supervisor, Role::Admin];

/// The centre's people: staff and guards.
pub const PEOPLE: &[Role] = &[Role::Crew, Role::Operator, Role::Supervisor, Role::Admin];

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn token_is_found_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; vigil_session=abc; b=2"));
        assert_eq!(token_from_headers(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, HeaderValue::from_static("vigil_session="));
        assert_eq!(token_from_headers(&h), None);
    }

    #[test]
    fn tokens_are_random_and_only_hashes_are_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[tokio::test]
    async fn password_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), h.clone()).await);
        assert!(!verify_password("wrong".into(), h).await);
    }

    #[test]
    fn cookie_is_http_only_and_same_site_and_secure_over_https() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.starts_with("vigil_session=t;"));
        assert!(!c.contains("Secure"));
        let c = session_cookie("t", true);
        assert!(c.starts_with("__Host-vigil_session=t;") && c.contains("; Secure") && c.contains("Path=/"), "{c}");
        assert!(clear_cookie(true).contains("Max-Age=0"));
    }

    #[test]
    fn the_host_cookie_wins_over_a_plain_one() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("vigil_session=planted; __Host-vigil_session=mine"));
        assert_eq!(token_from_headers(&h).as_deref(), Some("mine"));
    }

    #[test]
    fn addresses_are_keyed_by_host_or_ipv6_network() {
        assert_eq!(address_key("192.0.2.7".parse().unwrap()), "addr:192.0.2.7");
        assert_eq!(
            address_key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            address_key("2001:db8:1:2:ffff::1".parse().unwrap())
        );
        assert_ne!(address_key("2001:db8:1:2::1".parse().unwrap()), address_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_key("::ffff:192.0.2.7".parse().unwrap()), "addr:192.0.2.7");
        assert_eq!(login_key(" Ana "), "login:ana");
    }
}
