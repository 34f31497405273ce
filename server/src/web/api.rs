//! The REST API under `/api/v1`, `/healthz` (alive) and `/readyz` (fit to take alarms).

use app::model::{validate_login, SessionUser, SignalView};
use app::ssr::auth;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::error::{ApiError, ErrorBody};
use super::session::{Signed, Staff};
use super::AppState;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/session", get(current_session).post(create_session).delete(delete_session))
        .route("/api/v1/signals", get(list_signals))
        .route("/api/v1/signals/stream", get(super::sse::signal_stream))
        .route("/api/v1/openapi.json", get(super::openapi::document))
}

/// Liveness: answers while the process serves requests.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: 200 when the database answers, the alarm engine is alive and keeping up,
/// and the DC-09 receivers listen; 503 otherwise (and from the moment a core task fails).
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "ready: every check passed", body = Object),
    (status = 503, description = "not ready: the body says which check failed", body = Object),
))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state.health.readiness(&state.ctx.store).await;
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(readiness)).into_response()
}

/// Credentials for signing in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Signs in; the session travels in an HttpOnly, SameSite=Lax cookie.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest, responses(
    (status = 200, description = "signed in; session cookie set", body = SessionUser),
    (status = 401, description = "wrong username or password", body = ErrorBody),
    (status = 429, description = "too many attempts on this login or from this address; Retry-After says when to try again", body = ErrorBody),
    (status = 422, description = "a field is missing or too long", body = ErrorBody),
))]
pub async fn create_session(
    State(state): State<AppState>,
    axum_client_ip::ClientIp(client): axum_client_ip::ClientIp,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let errors = validate_login(&req.username, &req.password);
    if let Some(message) = errors.username.or(errors.password) {
        return Err(ApiError::BadRequest(message));
    }
    let (user, token) = auth::sign_in(&state.ctx.store, &req.username, &req.password, Some(client)).await?;
    Ok(([(header::SET_COOKIE, auth::session_cookie(&token, state.ctx.secure_cookies))], Json(user)).into_response())
}

/// The signed-in caller.
#[utoipa::path(get, path = "/api/v1/session", responses(
    (status = 200, description = "the caller", body = SessionUser),
    (status = 401, description = "not signed in", body = ErrorBody),
))]
pub async fn current_session(Signed(user): Signed) -> Json<SessionUser> {
    Json(user)
}

/// Signs out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "signed out")))]
pub async fn delete_session(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::token_from_headers(&headers) {
        auth::sign_out(&state.ctx.store, &token).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::clear_cookie(state.ctx.secure_cookies))]).into_response())
}

/// Paging through signals.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SignalParams {
    /// At most this many (1-500, default 100).
    pub limit: Option<i64>,
    /// Only signals older than this id (for the next page).
    pub before_id: Option<i64>,
}

/// Received signals, newest first (staff only).
#[utoipa::path(get, path = "/api/v1/signals", params(SignalParams), responses(
    (status = 200, description = "signals, newest first", body = Vec<SignalView>),
    (status = 401, description = "not signed in", body = ErrorBody),
    (status = 403, description = "not staff", body = ErrorBody),
    (status = 422, description = "limit out of range", body = ErrorBody),
))]
pub async fn list_signals(
    Staff(_): Staff,
    State(state): State<AppState>,
    Query(params): Query<SignalParams>,
) -> Result<Json<Vec<SignalView>>, ApiError> {
    let limit = params.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::BadRequest("limit must be between 1 and 500".into()));
    }
    let records = state
        .ctx
        .store
        .list_signals(&store::SignalQuery { limit, before_id: params.before_id, site_ids: None })
        .await?;
    Ok(Json(records.iter().map(app::ssr::views::signal_view).collect()))
}
