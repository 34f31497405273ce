//! The OpenAPI document of the REST API.

use axum::Json;
use utoipa::OpenApi;

/// The API description, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vigil API",
        description = "Alarm receiving centre: sessions, received signals, panel accounts, incidents, sites."
    ),
    paths(
        super::api::healthz,
        super::api::readyz,
        super::api::create_session,
        super::api::current_session,
        super::api::delete_session,
        super::api::list_signals,
        super::sse::signal_stream,
        super::accounts::list_accounts,
        super::accounts::show_account,
        super::accounts::create_account,
        super::accounts::set_key,
        super::accounts::set_paths,
        super::accounts::set_plain,
        super::incidents::list,
        super::incidents::queue,
        super::incidents::show,
        super::incidents::act,
        super::sites::status,
        super::sites::cancel,
        super::sites::panic,
        super::sites::start_test,
        super::sites::end_test,
        super::sites::schedule_change,
        super::sites::billing,
        super::sites::suspend,
        super::sites::put_settings,
        super::sites::crew_report,
        super::ops::ops_stream,
        super::ops::crew_stream,
        super::photos::upload,
        super::photos::show,
        super::ops::app_stream,
        super::osmand::osmand,
        super::exports::audit_csv,
        super::exports::incidents_csv,
    ),
    components(schemas(
        app::model::SessionUser,
        app::model::Role,
        app::model::SignalView,
        app::model::SignalClass,
        super::api::LoginRequest,
        super::error::ErrorBody,
        super::accounts::AccountView,
        super::accounts::PathView,
        super::accounts::NewAccountRequest,
        super::accounts::KeyRequest,
        super::accounts::PlainPolicy
    ))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    super::rpc_doc::add_to(&mut doc);
    Json(doc)
}
