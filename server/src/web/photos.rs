//! Photos from the site: a guard sends one from the crew page for the incident the crew is
//! on; staff see it in the incident workspace. The bytes are checked to be an image (JPEG,
//! PNG or WebP) by their signature and bounded in size and number (`store::photos`).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::error::ApiError;
use super::session::{Guard, Staff};
use super::AppState;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/crew/photo", post(upload).layer(DefaultBodyLimit::max(store::MAX_PHOTO_BYTES)))
        .route("/api/v1/incidents/{id}/photos/{photo}", get(show))
}

/// A kept photo's id.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    /// The photo's id, for the report that goes with it.
    pub photo_id: i64,
}

/// The guard's photo (the request body: a JPEG, PNG or WebP image of at most 4 MB) for the
/// incident the crew is on now.
#[utoipa::path(post, path = "/api/v1/crew/photo", request_body(content = Vec<u8>, content_type = "image/jpeg"), responses(
    (status = 200, description = "kept: `{ photo_id }`", body = Object),
    (status = 401, description = "not signed in", body = super::error::ErrorBody),
    (status = 403, description = "not a crew login", body = super::error::ErrorBody),
    (status = 409, description = "the crew is on no incident, or it has its most photos", body = super::error::ErrorBody),
    (status = 413, description = "larger than 4 MB"),
    (status = 422, description = "not a JPEG, PNG or WebP image", body = super::error::ErrorBody),
))]
pub async fn upload(
    Guard(user): Guard,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Uploaded>, ApiError> {
    let crew_id = app::ssr::work::crew_of(&state.ctx, &user).await?;
    let incident = app::ssr::work::crew_incident(&state.ctx, crew_id).await?.ok_or_else(|| {
        ApiError::Store(store::StoreError::Conflict("the crew is on no incident: no photo to keep".into()))
    })?;
    let at = state.ctx.engine.clock().now_ms();
    let photo_id = state.ctx.store.add_photo(incident, crew_id, at, &body).await?;
    Ok(Json(Uploaded { photo_id }))
}

/// One photo of an incident (staff).
#[utoipa::path(get, path = "/api/v1/incidents/{id}/photos/{photo}", params(("id" = i64, Path, description = "incident id"), ("photo" = i64, Path, description = "photo id")), responses(
    (status = 200, description = "the image", content_type = "image/jpeg", body = Vec<u8>),
    (status = 401, description = "not signed in", body = super::error::ErrorBody),
    (status = 403, description = "not staff", body = super::error::ErrorBody),
    (status = 404, description = "no such photo of this incident", body = super::error::ErrorBody),
))]
pub async fn show(
    Staff(_): Staff,
    State(state): State<AppState>,
    Path((id, photo)): Path<(i64, i64)>,
) -> Result<impl IntoResponse, ApiError> {
    let (mime, bytes) = state
        .ctx
        .store
        .photo(id, photo)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("photo {photo} of incident {id}")))?;
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=3600".to_owned())], bytes))
}
