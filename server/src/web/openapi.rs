//! The OpenAPI document of the REST API.

use axum::Json;
use utoipa::OpenApi;

/// The API description, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "Vigil API", description = "Alarm receiving centre: sessions and received signals."),
    paths(
        super::api::healthz,
        super::api::create_session,
        super::api::current_session,
        super::api::delete_session,
        super::api::list_signals,
        super::sse::signal_stream,
    ),
    components(schemas(app::model::SessionUser, app::model::Role, app::model::SignalView, app::model::SignalClass, super::api::LoginRequest, super::error::ErrorBody))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
