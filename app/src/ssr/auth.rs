//! Passwords, sessions and the session cookie.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::{NewAudit, Store, StoreError, UserRecord};

use crate::model::{Role, SessionUser};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "vigil_session";
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
    /// The password hash could not be made or read.
    #[error("password hashing failed")]
    Hash,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes a password with Argon2id (off the async runtime; it is slow on purpose).
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| AuthError::Hash)
    })
    .await
    .map_err(|_| AuthError::Hash)?
}

/// Checks a password against a stored Argon2 hash.
pub async fn verify_password(password: String, hash: String) -> bool {
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
        Argon2::default()
            .hash_password(b"no such user", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
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
    })
}

/// Checks the credentials, opens a session and journals the sign-in; returns the person and
/// the token for the cookie.
pub async fn sign_in(store: &Store, username: &str, password: &str) -> Result<(SessionUser, String), AuthError> {
    let user = store.user_by_username(username.trim()).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let ok = verify_password(password.to_owned(), hash).await;
    let at_ms = now_ms();
    let Some(person) = user.as_ref().filter(|_| ok).and_then(session_user) else {
        store
            .append_audit(&NewAudit {
                at_ms,
                actor_user_id: user.as_ref().map(|u| u.id),
                action: "login_failed".into(),
                subject: Some(username.trim().chars().take(64).collect()),
                detail: None,
            })
            .await?;
        return Err(AuthError::BadCredentials);
    };
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

/// The `Set-Cookie` value that carries a new session: HttpOnly, SameSite=Lax.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_TTL_MS / 1000
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token from a request's cookies, if any.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
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
    fn cookie_is_http_only_and_same_site() {
        let c = session_cookie("t");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.starts_with("vigil_session=t;"));
    }
}
