//! `/api/v1/accounts`: panel accounts, their AES keys and supervised paths. Staff may read
//! (a key shows only as its size); supervisors and admins may change, and every change lands
//! in the audit journal. Keys are write-only.

use app::model::{Role, SessionUser};
use app::ssr::auth;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use store::{AccountRecord, NewAudit, PathRecord, PathSpec, SecretKey, Store};

use super::error::{json_body, ApiError, ErrorBody};
use super::session::Staff;
use super::AppState;
use crate::keys::{key_label, parse_key, KeyInputError};

/// Who may change accounts and keys.
const MANAGERS: &[Role] = &[Role::Supervisor, Role::Admin];

/// The account routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", get(list_accounts).post(create_account))
        .route("/api/v1/accounts/{number}", get(show_account))
        .route("/api/v1/accounts/{number}/key", put(set_key))
        .route("/api/v1/accounts/{number}/paths", put(set_paths))
        .route("/api/v1/accounts/{number}/plain", put(set_plain))
}

/// A supervised path as the API shows and takes it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PathView {
    /// DC-09 line prefix (hex) or `*` for any line.
    pub line: String,
    /// Name, e.g. `ethernet`.
    pub name: String,
    /// Expected seconds between two life signs.
    pub interval_s: i64,
    /// Grace seconds before the path counts as failed.
    pub grace_s: i64,
    /// Last life sign, unix milliseconds (read only).
    #[serde(default)]
    pub last_seen_ms: Option<i64>,
    /// Whether the path is failed now (read only).
    #[serde(default)]
    pub failed: bool,
}

/// An account as the API shows it; the key only as its size.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    /// Account number (upper-case hex).
    pub number: String,
    /// Site id.
    pub site_id: i64,
    /// Site name.
    pub site_name: String,
    /// Site time zone.
    pub time_zone: String,
    /// `AES-128`, `AES-192`, `AES-256`, or null when frames come plain.
    pub key: Option<String>,
    /// With a key: whether plain (unencrypted) frames are still taken (a panel downgraded
    /// in the field); otherwise they are refused with a NAK.
    pub allow_plain: bool,
    /// With `allow_plain`: the only source networks plain frames are taken from (empty: any).
    pub plain_networks: Vec<String>,
    /// Supervised paths.
    pub paths: Vec<PathView>,
}

/// Whether a keyed account takes plain frames, and from where.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PlainPolicy {
    /// Take plain frames although the account has a key.
    pub allow: bool,
    /// Only from these networks (CIDR, such as `192.0.2.0/24`; at most 32; empty: any).
    #[serde(default)]
    pub networks: Vec<String>,
}

/// A new account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAccountRequest {
    /// Account number, 3-16 hex digits.
    pub number: String,
    /// The site it belongs to.
    pub site_id: i64,
    /// The AES key, if any.
    #[serde(default)]
    pub key: Option<KeyRequest>,
    /// Supervised paths (none: unsupervised).
    #[serde(default)]
    pub paths: Vec<PathView>,
}

/// An AES key in one of its two field forms.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct KeyRequest {
    /// Hex digits (32, 48 or 64).
    pub hex: Option<String>,
    /// ASCII text (16, 24 or 32 characters).
    pub text: Option<String>,
}

/// Paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AccountParams {
    /// Accounts after this number.
    pub after: Option<String>,
    /// At most this many (1-1000, default 100).
    pub limit: Option<i64>,
}

fn view(a: &AccountRecord, paths: &[PathRecord]) -> AccountView {
    AccountView {
        number: a.number.clone(),
        site_id: a.site_id,
        site_name: a.site_name.clone(),
        time_zone: a.time_zone.clone(),
        key: a.key.as_ref().map(SecretKey::algorithm),
        allow_plain: a.allow_plain,
        plain_networks: a.plain_networks.clone(),
        paths: paths
            .iter()
            .map(|p| PathView {
                line: p.line.clone(),
                name: p.name.clone(),
                interval_s: p.interval_ms / 1000,
                grace_s: p.grace_ms / 1000,
                last_seen_ms: p.last_seen_ms,
                failed: p.failed,
            })
            .collect(),
    }
}

fn specs(paths: &[PathView]) -> Result<Vec<PathSpec>, ApiError> {
    paths
        .iter()
        .map(|p| {
            let spec = PathSpec {
                line: p.line.trim().to_ascii_uppercase(),
                name: p.name.trim().to_owned(),
                interval_ms: p.interval_s.saturating_mul(1000),
                grace_ms: p.grace_s.saturating_mul(1000),
            };
            spec.validate().map_err(|e| ApiError::BadRequest(e.to_string()))?;
            Ok(spec)
        })
        .collect()
}

fn secret(key: &KeyRequest) -> Result<SecretKey, ApiError> {
    let given = parse_key(key.hex.as_deref(), key.text.as_deref()).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    given.ok_or(ApiError::BadRequest(KeyInputError::Both.to_string()))
}

async fn manager(state: &AppState, headers: &axum::http::HeaderMap) -> Result<SessionUser, ApiError> {
    Ok(auth::require(&state.ctx.store, headers, MANAGERS).await?)
}

async fn audit(store: &Store, user: &SessionUser, action: &str, number: &str, detail: String) -> Result<(), ApiError> {
    store
        .append_audit(&NewAudit {
            at_ms: chrono::Utc::now().timestamp_millis(),
            actor_user_id: Some(user.id),
            action: action.into(),
            subject: Some(number.to_ascii_uppercase()),
            detail: Some(detail),
        })
        .await?;
    Ok(())
}

async fn found(store: &Store, number: &str) -> Result<AccountView, ApiError> {
    let account = store.account(number).await?.ok_or_else(|| ApiError::NotFound(format!("no account {number}")))?;
    let paths = store.account_paths(account.id).await?;
    Ok(view(&account, &paths))
}

/// Accounts by number (staff).
#[utoipa::path(get, path = "/api/v1/accounts", params(AccountParams), responses(
    (status = 200, description = "accounts", body = Vec<AccountView>),
    (status = 401, description = "not signed in", body = ErrorBody),
    (status = 403, description = "not staff", body = ErrorBody),
))]
pub async fn list_accounts(
    Staff(_): Staff,
    State(state): State<AppState>,
    Query(p): Query<AccountParams>,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest("limit must be between 1 and 1000".into()));
    }
    let store = &state.ctx.store;
    let mut out = Vec::new();
    for a in store.list_accounts_page(p.after.as_deref(), limit).await? {
        let paths = store.account_paths(a.id).await?;
        out.push(view(&a, &paths));
    }
    Ok(Json(out))
}

/// One account (staff).
#[utoipa::path(get, path = "/api/v1/accounts/{number}", responses(
    (status = 200, description = "the account", body = AccountView),
    (status = 404, description = "no such account", body = ErrorBody),
))]
pub async fn show_account(
    Staff(_): Staff,
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(found(&state.ctx.store, &number).await?))
}

/// Creates an account (supervisor, admin).
#[utoipa::path(post, path = "/api/v1/accounts", request_body = NewAccountRequest, responses(
    (status = 201, description = "created", body = AccountView),
    (status = 403, description = "not a supervisor or admin", body = ErrorBody),
    (status = 409, description = "the number is taken", body = ErrorBody),
    (status = 422, description = "a field is not acceptable", body = ErrorBody),
))]
pub async fn create_account(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let user = manager(&state, &headers).await?;
    let req: NewAccountRequest = json_body(&body)?;
    let key = req.key.as_ref().map(secret).transpose()?;
    let paths = specs(&req.paths)?;
    let store = &state.ctx.store;
    store.create_accounts_bulk(req.site_id, std::slice::from_ref(&req.number), key.as_ref(), &paths).await?;
    audit(
        store,
        &user,
        "account.create",
        &req.number,
        format!("site {}, key {}, {} path(s)", req.site_id, key_label(key.as_ref()), paths.len()),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(found(store, &req.number).await?)))
}

/// Sets (body: a key) or clears (body: null) an account's AES key (supervisor, admin).
#[utoipa::path(put, path = "/api/v1/accounts/{number}/key", request_body = Option<KeyRequest>, responses(
    (status = 204, description = "saved"),
    (status = 404, description = "no such account", body = ErrorBody),
    (status = 422, description = "not a valid key", body = ErrorBody),
))]
pub async fn set_key(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let user = manager(&state, &headers).await?;
    let req: Option<KeyRequest> = json_body(&body)?;
    let key = req.as_ref().map(secret).transpose()?;
    state.ctx.store.set_account_key(&number, key.as_ref()).await?;
    audit(&state.ctx.store, &user, "account.key", &number, format!("key {}", key_label(key.as_ref()))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces an account's supervised paths (supervisor, admin).
#[utoipa::path(put, path = "/api/v1/accounts/{number}/paths", request_body = Vec<PathView>, responses(
    (status = 200, description = "saved", body = AccountView),
    (status = 404, description = "no such account", body = ErrorBody),
    (status = 422, description = "a path is not acceptable", body = ErrorBody),
))]
pub async fn set_paths(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Json<AccountView>, ApiError> {
    let user = manager(&state, &headers).await?;
    let req: Vec<PathView> = json_body(&body)?;
    let paths = specs(&req)?;
    let store = &state.ctx.store;
    store.set_account_paths(&number, &paths).await?;
    audit(store, &user, "account.paths", &number, format!("{} path(s)", paths.len())).await?;
    Ok(Json(found(store, &number).await?))
}

/// Sets whether an account with a key still takes plain frames, and from which networks
/// (supervisor, admin).
#[utoipa::path(put, path = "/api/v1/accounts/{number}/plain", request_body = PlainPolicy, responses(
    (status = 200, description = "saved", body = AccountView),
    (status = 404, description = "no such account", body = ErrorBody),
    (status = 422, description = "a network is not CIDR", body = ErrorBody),
))]
pub async fn set_plain(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Json<AccountView>, ApiError> {
    let user = manager(&state, &headers).await?;
    let req: PlainPolicy = json_body(&body)?;
    let store = &state.ctx.store;
    store.set_account_plain_policy(&number, req.allow, &req.networks).await?;
    let saved = found(store, &number).await?;
    let detail = format!(
        "plain frames {}{}",
        if saved.allow_plain { "allowed" } else { "refused" },
        if saved.plain_networks.is_empty() {
            String::new()
        } else {
            format!(" from {}", saved.plain_networks.join(", "))
        }
    );
    audit(store, &user, "account.plain_policy", &number, detail).await?;
    Ok(Json(saved))
}
