//! The first start. An empty database has no login, so nobody could sign in: the server
//! opens `/setup` with a one-time token, printed in its log, to create the first
//! administrator. The token, not the caller's address, opens the form: behind a reverse
//! proxy on the same host every request comes from loopback, so loopback proves nothing.
//! The gate closes for good once any user exists (made here or by `vigil user add`).

use std::sync::Mutex;

use super::auth::{hash_password, new_token, token_hash};
use super::work::WorkError;
use super::Ctx;
use crate::model::admin::{check_new_user, FieldErrors};

/// Whether the set-up page is open, and the hash of its token.
#[derive(Debug, Default)]
pub struct SetupGate {
    token_hash: Mutex<Option<String>>,
}

impl SetupGate {
    /// A gate that stays shut (the database has users).
    pub fn closed() -> Self {
        Self::default()
    }

    /// An open gate and its token (to print once; only its hash is kept).
    pub fn open() -> (Self, String) {
        let token = new_token();
        (SetupGate { token_hash: Mutex::new(Some(token_hash(&token))) }, token)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.token_hash.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn admits(&self, token: &str) -> bool {
        self.lock().as_deref().is_some_and(|h| h == token_hash(token.trim()))
    }

    fn close(&self) {
        *self.lock() = None;
    }
}

/// The gate is open and no user exists yet (a user made by `vigil user add` meanwhile
/// closes it).
pub async fn is_open(ctx: &Ctx) -> Result<bool, WorkError> {
    if ctx.setup.lock().is_none() {
        return Ok(false);
    }
    if ctx.store.count_users().await? > 0 {
        ctx.setup.close();
        return Ok(false);
    }
    Ok(true)
}

/// What the set-up form asks for.
#[derive(Debug, Clone)]
pub struct SetupForm {
    /// The token from the log.
    pub token: String,
    /// Login.
    pub username: String,
    /// The person's name.
    pub display_name: String,
    /// Password.
    pub password: String,
    /// The password again.
    pub again: String,
}

/// Creates the first administrator. `Ok(Err(errors))`: what to fix, nothing made.
pub async fn create_first_admin(ctx: &Ctx, form: SetupForm) -> Result<Result<i64, FieldErrors>, WorkError> {
    let refuse = |message: &str| Ok(Err(FieldErrors { fields: Vec::new(), form: Some(message.into()) }));
    if !is_open(ctx).await? {
        return refuse("Vigil is already set up: sign in.");
    }
    if !ctx.setup.admits(&form.token) {
        tracing::warn!("set-up refused: wrong or missing token");
        return refuse("This set-up link is not valid: open the one in the server's log.");
    }
    let mut errors = check_new_user(&form.username, &form.display_name, &form.password, "admin");
    if errors.get("password").is_none() && form.password != form.again {
        errors.fields.push(("again".into(), "The two passwords differ.".into()));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let password_hash = hash_password(form.password).await.map_err(|e| WorkError::Invalid(e.to_string()))?;
    let new = store::NewUser {
        username: form.username.trim().into(),
        password_hash,
        role: "admin".into(),
        display_name: form.display_name.trim().into(),
    };
    let Some(id) = ctx.store.create_first_user(&new).await? else {
        ctx.setup.close();
        return refuse("Vigil is already set up: sign in.");
    };
    ctx.setup.close();
    let entry = store::NewAudit {
        at_ms: ctx.engine.clock().now_ms(),
        actor_user_id: Some(id),
        action: "user.created".into(),
        subject: Some(format!("user:{id}")),
        detail: Some(format!("{} (admin), the first administrator, on the set-up page", new.username)),
    };
    ctx.store.append_audit(&entry).await?;
    Ok(Ok(id))
}
