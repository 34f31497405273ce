//! `/api/v1/sites/{id}/...`: a site's state and the actions its customer may take (cancel
//! an alarm with the password, panic, test mode, temporary opening hours, the dispatch
//! counters). Customers reach only their own sites; staff reach every site. The state shown
//! is the customer's view: a duress alarm does not exist there.

use app::model::{Role, SessionUser};
use app::ssr::auth::{self, STAFF};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{NaiveDate, NaiveTime};
use engine::rules::billing::YearAccount;
use engine::rules::classify::Category;
use engine::rules::schedule::{OpenHours, TempChange};
use engine::{Actor, CancelResult, Command, CrewStatus, CustomerSite, Reply, SiteSettings, TestScope};
use serde::{Deserialize, Serialize};

use super::error::{json_body, ApiError};
use super::session::{Signed, Staff};
use super::AppState;

/// The site routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites/{id}/status", get(status))
        .route("/api/v1/sites/{id}/cancel", post(cancel))
        .route("/api/v1/sites/{id}/panic", post(panic))
        .route("/api/v1/sites/{id}/test", post(start_test).delete(end_test))
        .route("/api/v1/sites/{id}/schedule-change", post(schedule_change))
        .route("/api/v1/sites/{id}/billing", get(billing))
        .route("/api/v1/sites/{id}/suspend", post(suspend))
        .route("/api/v1/sites/{id}/settings", put(put_settings))
        .route("/api/v1/crews/{id}/report", post(crew_report))
}

/// The caller, if they may reach this site, as the engine's actor: staff, the site's
/// owner, or (unless `owner_only`) one of its contacts with a login.
async fn site_actor_as(
    state: &AppState,
    user: &SessionUser,
    site_id: i64,
    owner_only: bool,
) -> Result<Actor, ApiError> {
    if STAFF.contains(&user.role) {
        return Ok(Actor::Operator(user.id));
    }
    let role = if user.role == Role::Customer { state.ctx.store.member_role(user.id, site_id).await? } else { None };
    match role.as_deref() {
        Some("owner") => return Ok(Actor::Customer(user.id)),
        Some(_) if !owner_only => return Ok(Actor::Customer(user.id)),
        Some(_) => return Err(ApiError::Auth(app::ssr::auth::AuthError::Forbidden)),
        None => {}
    }
    // The same answer as for a site that does not exist: ids reveal nothing.
    Err(ApiError::NotFound(format!("site {site_id}")))
}

/// [`site_actor_as`] for what contacts may do too.
async fn site_actor(state: &AppState, user: &SessionUser, site_id: i64) -> Result<Actor, ApiError> {
    site_actor_as(state, user, site_id, false).await
}

/// A site as its customer sees it: arming, test, suspension, open alarms (never a silent one).
#[utoipa::path(get, path = "/api/v1/sites/{id}/status", params(("id" = i64, Path, description = "site id")), responses((status = 200, description = "the site", body = Object), (status = 401, description = "not signed in", body = super::error::ErrorBody), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
) -> Result<Json<CustomerSite>, ApiError> {
    site_actor(&state, &user, id).await?;
    let site = state.ctx.engine.read(move |e, now| e.customer_site(id, now)).await?;
    Ok(Json(site.ok_or_else(|| ApiError::NotFound(format!("site {id}")))?))
}

/// A cancel request.
#[derive(Debug, Deserialize)]
pub struct CancelBody {
    /// The site's password (safe word) of any of its contacts.
    pub password: String,
}

/// What came of a cancel.
#[derive(Debug, Serialize)]
pub struct CancelAnswer {
    /// `cancelled`, `crew_already_dispatched`, `wrong_password`, `nothing_to_cancel`.
    pub result: CancelResult,
}

/// Cancels the site's alarm with the password, until a crew is dispatched.
#[utoipa::path(post, path = "/api/v1/sites/{id}/cancel", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "`cancelled`, `crew_already_dispatched`, `wrong_password`, `locked` (after 3 wrong passwords on the alarm) or `nothing_to_cancel`", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<CancelAnswer>, ApiError> {
    let actor = site_actor(&state, &user, id).await?;
    let b: CancelBody = json_body(&body)?;
    if b.password.trim().is_empty() {
        return Err(ApiError::BadRequest("password: enter the site's password".into()));
    }
    let password_ok = app::ssr::work::site_password_ok(&state.ctx, id, b.password).await?;
    match state.ctx.engine.command(actor, Command::Cancel { site_id: id, password_ok }).await? {
        Reply::Cancel { result } => Ok(Json(CancelAnswer { result })),
        other => Err(ApiError::BadRequest(format!("unexpected answer {other:?}"))),
    }
}

/// A panic from the phone.
#[derive(Debug, Default, Deserialize)]
pub struct PanicBody {
    /// Latitude of the phone.
    pub lat: Option<f64>,
    /// Longitude of the phone.
    pub lon: Option<f64>,
}

/// Panic from the customer's phone, with its position if given.
#[utoipa::path(post, path = "/api/v1/sites/{id}/panic", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "the incident opened", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody)))]
pub async fn panic(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Reply>, ApiError> {
    let actor = site_actor(&state, &user, id).await?;
    let b: PanicBody = if body.is_empty() { PanicBody::default() } else { json_body(&body)? };
    let position = b.lat.zip(b.lon).filter(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0);
    Ok(Json(state.ctx.engine.command(actor, Command::Panic { site_id: id, position }).await?))
}

/// A test period.
#[derive(Debug, Deserialize)]
pub struct TestBody {
    /// Minutes (1 to 10080).
    pub minutes: i64,
    /// Only these zones (operators only).
    #[serde(default)]
    pub zones: Vec<String>,
    /// Only these categories (operators only).
    #[serde(default)]
    pub categories: Vec<Category>,
}

/// Puts the site on test for some minutes (some zones or categories: operators only).
#[utoipa::path(post, path = "/api/v1/sites/{id}/test", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "on test", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn start_test(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Reply>, ApiError> {
    let actor = site_actor_as(&state, &user, id, true).await?;
    let b: TestBody = json_body(&body)?;
    if !(1..=7 * 24 * 60).contains(&b.minutes) {
        return Err(ApiError::BadRequest("minutes: between 1 and 10080 (7 days)".into()));
    }
    let until_ms = state.ctx.engine.clock().now_ms() + b.minutes * 60_000;
    let scope = TestScope { zones: b.zones, categories: b.categories };
    Ok(Json(state.ctx.engine.command(actor, Command::StartTest { site_id: id, until_ms, scope }).await?))
}

/// Ends the site's test period now.
#[utoipa::path(delete, path = "/api/v1/sites/{id}/test", params(("id" = i64, Path, description = "site id")), responses((status = 200, description = "live again", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn end_test(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
) -> Result<Json<Reply>, ApiError> {
    let actor = site_actor_as(&state, &user, id, true).await?;
    Ok(Json(state.ctx.engine.command(actor, Command::EndTest { site_id: id }).await?))
}

/// A temporary change of one day's opening hours.
#[derive(Debug, Deserialize)]
pub struct ScheduleChangeBody {
    /// The local date (`2026-12-01`).
    pub date: NaiveDate,
    /// Opening time (`08:00`); absent with `close`: closed all day.
    pub open: Option<NaiveTime>,
    /// Closing time (`21:30`).
    pub close: Option<NaiveTime>,
}

/// A temporary change of one day's opening hours (working late, closed).
#[utoipa::path(post, path = "/api/v1/sites/{id}/schedule-change", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "changed", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn schedule_change(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Reply>, ApiError> {
    let actor = site_actor_as(&state, &user, id, true).await?;
    let b: ScheduleChangeBody = json_body(&body)?;
    let hours = match (b.open, b.close) {
        (Some(open), Some(close)) if open < close => Some(OpenHours { open, close }),
        (None, None) => None,
        _ => return Err(ApiError::BadRequest("close: give both times, closing after opening".into())),
    };
    Ok(Json(
        state
            .ctx
            .engine
            .command(actor, Command::ScheduleChange { site_id: id, change: TempChange { date: b.date, hours } })
            .await?,
    ))
}

/// Which year.
#[derive(Debug, Deserialize)]
pub struct YearParam {
    /// Calendar year in the site's time zone (default: this year).
    pub year: Option<i32>,
}

/// The dispatch counters of a year: included, used, free, billable.
#[utoipa::path(get, path = "/api/v1/sites/{id}/billing", params(("id" = i64, Path, description = "site id"), ("year" = Option<i32>, Query, description = "calendar year")), responses((status = 200, description = "the year's account", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody)))]
pub async fn billing(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
    Query(p): Query<YearParam>,
) -> Result<Json<YearAccount>, ApiError> {
    let actor = site_actor_as(&state, &user, id, true).await?;
    let company = matches!(actor, Actor::Operator(_));
    let account = state
        .ctx
        .engine
        .read(move |e, now| {
            let tz = e.site(id)?.info.time_zone;
            let year = p.year.unwrap_or_else(|| engine::rules::billing::year_of(now, tz));
            // Staff see the company's books; the customer never a silent (duress) dispatch.
            if company {
                e.billing(id, year)
            } else {
                e.customer_billing(id, year)
            }
        })
        .await?;
    Ok(Json(account.ok_or_else(|| ApiError::NotFound(format!("site {id}")))?))
}

/// A suspension.
#[derive(Debug, Deserialize)]
pub struct SuspendBody {
    /// Until when, unix ms; absent: resume now.
    pub until_ms: Option<i64>,
    /// Why (required to suspend).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Suspends the service until a time, with a reason, or resumes it (supervisors, admins).
/// The end is at most `--max-suspension-days` away. Fire, panic, duress and medical alarms
/// of a suspended site still reach the operators.
#[utoipa::path(post, path = "/api/v1/sites/{id}/suspend", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "done", body = Object), (status = 403, description = "not a supervisor or admin", body = super::error::ErrorBody), (status = 404, description = "no such site", body = super::error::ErrorBody), (status = 422, description = "no reason, or the end is missing, past or too far", body = super::error::ErrorBody)))]
pub async fn suspend(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Reply>, ApiError> {
    let user = auth::require(&state.ctx.store, &headers, &[Role::Supervisor, Role::Admin]).await?;
    let b: SuspendBody = json_body(&body)?;
    let reason =
        b.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(|r| r.chars().take(500).collect::<String>());
    if let Some(until) = b.until_ms {
        let now = state.ctx.engine.clock().now_ms();
        if reason.is_none() {
            return Err(ApiError::BadRequest("a suspension needs a reason".into()));
        }
        if until <= now || until - now > state.max_suspension_ms {
            return Err(ApiError::BadRequest(format!(
                "the end must be in the future and at most {} days away",
                state.max_suspension_ms / 86_400_000
            )));
        }
    }
    Ok(Json(
        state
            .ctx
            .engine
            .command(Actor::Operator(user.id), Command::Suspend { site_id: id, until_ms: b.until_ms, reason })
            .await?,
    ))
}

/// Replaces the site's engine settings: kind, plans, windows, schedule, overrides, billing terms (supervisor, admin).
#[utoipa::path(put, path = "/api/v1/sites/{id}/settings", params(("id" = i64, Path, description = "site id")), request_body = Object, responses((status = 200, description = "stored and in force", body = Object), (status = 403, description = "not staff", body = super::error::ErrorBody), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<SiteSettings>, ApiError> {
    let user = auth::require(&state.ctx.store, &headers, &[Role::Supervisor, Role::Admin]).await?;
    let settings: SiteSettings = json_body(&body)?;
    if state.ctx.store.site(id).await?.is_none() {
        return Err(ApiError::NotFound(format!("site {id}")));
    }
    if let Some(s) = &settings.schedule {
        engine::rules::schedule::validate(s).map_err(|e| ApiError::BadRequest(format!("schedule: {e}")))?;
    }
    let now = state.ctx.engine.clock().now_ms();
    let json = serde_json::to_string(&settings).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    state.ctx.store.put_site_settings(id, &json, now).await?;
    state
        .ctx
        .store
        .append_audit(&store::NewAudit {
            at_ms: now,
            actor_user_id: Some(user.id),
            action: "site.settings".into(),
            subject: Some(format!("site:{id}")),
            detail: Some(json),
        })
        .await?;
    state.ctx.engine.reload_site(id).await?;
    Ok(Json(settings))
}

/// A crew's report.
#[derive(Debug, Deserialize)]
pub struct CrewReportBody {
    /// New status.
    pub status: Option<CrewStatus>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
}

/// A crew's status and position (staff on the crew's behalf).
#[utoipa::path(post, path = "/api/v1/crews/{id}/report", params(("id" = i64, Path, description = "crew id")), request_body = Object, responses((status = 200, description = "recorded", body = Object), (status = 403, description = "not staff", body = super::error::ErrorBody), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody)))]
pub async fn crew_report(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Json(b): Json<CrewReportBody>,
) -> Result<Json<Reply>, ApiError> {
    let command = Command::CrewReport { crew_id: id, status: b.status, position: b.lat.zip(b.lon) };
    Ok(Json(state.ctx.engine.command(Actor::Operator(user.id), command).await?))
}
