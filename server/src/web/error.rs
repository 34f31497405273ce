//! API errors as JSON with the right status.

use app::ssr::auth::AuthError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words.
    pub error: String,
}

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Signing in or the session failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A request field is not acceptable.
    #[error("{0}")]
    BadRequest(String),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The caller sent too much too fast.
    #[error("{0}")]
    TooMany(String),
    /// The alarm engine refused or could not do it.
    #[error(transparent)]
    Engine(#[from] app::ssr::engine::EngineError),
}

/// A JSON request body, read after the caller's right to the route was checked (an
/// extractor would answer a stranger's malformed body with 422 before saying 403 or 404).
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("the JSON body is not acceptable: {e}")))
}

impl From<app::ssr::work::WorkError> for ApiError {
    fn from(e: app::ssr::work::WorkError) -> Self {
        use app::ssr::work::WorkError;
        match e {
            WorkError::Store(e) => ApiError::Store(e),
            WorkError::Engine(e) => ApiError::Engine(e),
            WorkError::NotFound(what) => ApiError::NotFound(what),
            WorkError::Invalid(why) => ApiError::BadRequest(why),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::Auth(AuthError::BadCredentials | AuthError::Unauthenticated) => StatusCode::UNAUTHORIZED,
            ApiError::Auth(AuthError::Forbidden) => StatusCode::FORBIDDEN,
            ApiError::Auth(AuthError::TooManyAttempts { .. }) | ApiError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadRequest(_)
            | ApiError::Store(store::StoreError::Invalid(_) | store::StoreError::MissingReference(_)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::NotFound(_) | ApiError::Store(store::StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            ApiError::Store(store::StoreError::Conflict(_)) => StatusCode::CONFLICT,
            ApiError::Engine(e) => engine_status(e),
            ApiError::Auth(_) | ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let error = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "API request failed");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let mut response = (status, Json(ErrorBody { error })).into_response();
        if let ApiError::Auth(AuthError::TooManyAttempts { until_ms }) = &self {
            let seconds = ((*until_ms - app::ssr::auth::now_ms()) / 1000).max(1);
            if let Ok(v) = axum::http::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}

fn engine_status(e: &app::ssr::engine::EngineError) -> StatusCode {
    use app::ssr::engine::EngineError;
    use engine::CommandError;
    match e {
        EngineError::Refused(CommandError::NotFound(_)) => StatusCode::NOT_FOUND,
        EngineError::Refused(CommandError::Claimed { .. } | CommandError::CrewsOut(_)) => StatusCode::CONFLICT,
        EngineError::Refused(CommandError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        EngineError::Refused(CommandError::Forbidden(_)) => StatusCode::FORBIDDEN,
        EngineError::Stopped | EngineError::NoLeader(_) | EngineError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        EngineError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
