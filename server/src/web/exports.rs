//! CSV exports for spreadsheets: every cell that a spreadsheet would run as a formula is
//! disarmed (`app::model::history::csv_cell`), and each export is itself journaled.

use app::model::history::{csv_cell, AuditFilter, IncidentFilter};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::error::ApiError;
use super::session::{Admin, Manager};
use super::AppState;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit.csv", get(audit_csv)).route("/api/v1/incidents.csv", get(incidents_csv))
}

/// Writes `rows` under `header` as CSV (RFC 4180, UTF-8 with a byte-order mark so that
/// spreadsheets read accents right).
fn csv_bytes(head: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| ApiError::BadRequest(format!("CSV: {e}"));
    out.write_record(head).map_err(fail)?;
    for row in rows {
        out.write_record(row.iter().map(|c| csv_cell(c))).map_err(fail)?;
    }
    out.into_inner().map_err(|e| ApiError::BadRequest(format!("CSV: {e}")))
}

/// A filter's problems as a 422.
fn refused(e: app::model::admin::FieldErrors) -> ApiError {
    ApiError::BadRequest(e.fields.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join(" "))
}

/// Writes an export as a download named `vigil-<what>-<day>.csv` and journals it as
/// `<what>.exported` with `detail`.
async fn export(
    ctx: &app::ssr::Ctx,
    user: &app::model::SessionUser,
    what: &str,
    head: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    detail: String,
) -> Result<Response, ApiError> {
    let bytes = csv_bytes(head, rows)?;
    app::ssr::admin::audit(ctx, user, &format!("{what}.exported"), what.to_owned(), detail).await?;
    let today = chrono::Utc::now().format("%Y%m%d");
    Ok(download(&format!("vigil-{what}-{today}.csv"), bytes))
}

/// A CSV file as a download named `name`.
fn download(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The audit journal as CSV, newest first, filtered as the viewer is (admins; at most
/// 10,000 entries: export a long period in parts).
#[utoipa::path(get, path = "/api/v1/audit.csv", params(
    ("from" = Option<String>, Query, description = "first day, YYYY-MM-DD in the centre's zone"),
    ("to" = Option<String>, Query, description = "last day (included)"),
    ("who" = Option<String>, Query, description = "login of who acted"),
    ("action" = Option<String>, Query, description = "actions starting with this: login, user., site., contact., account., crew., app., service_request."),
    ("text" = Option<String>, Query, description = "subject or detail containing this"),
), responses(
    (status = 200, description = "CSV: time, who, action, subject, detail", content_type = "text/csv", body = String),
    (status = 401, description = "not signed in", body = super::error::ErrorBody),
    (status = 403, description = "not an administrator", body = super::error::ErrorBody),
    (status = 422, description = "a filter is not acceptable", body = super::error::ErrorBody),
))]
pub async fn audit_csv(
    Admin(user): Admin,
    State(state): State<AppState>,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, ApiError> {
    let ctx = &state.ctx;
    let lines = app::ssr::history::audit_lines(ctx, &filter, None, app::ssr::history::AUDIT_EXPORT_MAX)
        .await?
        .map_err(refused)?;
    let detail = format!("{} entries; {filter:?}", lines.len());
    let rows = lines.into_iter().map(|l| vec![l.at, l.who, l.action, l.subject, l.detail]);
    export(ctx, &user, "audit", &["time", "who", "action", "subject", "detail"], rows, detail).await
}

/// The incident history as CSV, newest first, filtered as the history page is (supervisors
/// and admins; at most 10,000 incidents).
#[utoipa::path(get, path = "/api/v1/incidents.csv", params(
    ("account" = Option<String>, Query, description = "a panel account of the site"),
    ("from" = Option<String>, Query, description = "first day, YYYY-MM-DD in the centre's zone"),
    ("to" = Option<String>, Query, description = "last day (included)"),
    ("category" = Option<String>, Query, description = "burglary, fire, panic..."),
    ("resolution" = Option<String>, Query, description = "real, false_user, false_technical, test, cancelled, duplicate"),
    ("operator" = Option<String>, Query, description = "login of someone who acted on it"),
), responses(
    (status = 200, description = "CSV: incident, site, category, opened, closed, resolution, operator", content_type = "text/csv", body = String),
    (status = 401, description = "not signed in", body = super::error::ErrorBody),
    (status = 403, description = "not a supervisor or administrator", body = super::error::ErrorBody),
    (status = 422, description = "a filter is not acceptable", body = super::error::ErrorBody),
))]
pub async fn incidents_csv(
    Manager(user): Manager,
    State(state): State<AppState>,
    Query(filter): Query<IncidentFilter>,
) -> Result<Response, ApiError> {
    let ctx = &state.ctx;
    let lines = app::ssr::history::incident_lines(ctx, &filter, None, app::ssr::history::AUDIT_EXPORT_MAX)
        .await?
        .map_err(refused)?;
    let detail = format!("{} incidents; {filter:?}", lines.len());
    let rows = lines.into_iter().map(|l| {
        vec![
            l.id.to_string(),
            l.site,
            l.category,
            l.opened,
            l.closed.unwrap_or_default(),
            l.resolution.unwrap_or_default(),
            l.operator.unwrap_or_default(),
        ]
    });
    export(
        ctx,
        &user,
        "incidents",
        &["incident", "site", "category", "opened", "closed", "resolution", "operator"],
        rows,
        detail,
    )
    .await
}
