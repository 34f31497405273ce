//! Server functions of the operator dashboard, the incident workspace, the crew page and the
//! supervisor view. Each checks the caller's role first; guards reach only their own crew.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::ops::{ActionOutcome, CrewJob, IncidentWork, OpsAction, OpsSnapshot, StormAction, SupervisorView};

#[cfg(feature = "ssr")]
fn fail(e: impl Into<crate::ssr::work::WorkError>) -> ServerFnError {
    super::server::work_failed(e.into())
}

/// Everything the dashboard shows: sites, open incidents, crews, limits and the map (staff).
#[server(prefix = "/rpc", endpoint = "ops/snapshot")]
pub async fn load_ops() -> Result<OpsSnapshot, ServerFnError> {
    use crate::ssr::ops;
    super::server::require(crate::ssr::auth::STAFF).await?;
    let ctx = super::server::ctx()?;
    let names = ops::user_names(&ctx.store).await.map_err(fail)?;
    let (sites, incidents, crews, now_ms) = ctx
        .engine
        .read(move |e, now| {
            (ops::site_markers(e, now), ops::queue(e, &names), e.crews().map(ops::crew_marker).collect(), now)
        })
        .await
        .map_err(fail)?;
    Ok(OpsSnapshot { sites, incidents, crews, now_ms, limits: ctx.dashboard.limits, map: ctx.dashboard.map.clone() })
}

/// One incident's workspace (staff).
#[server(prefix = "/rpc", endpoint = "ops/incident")]
pub async fn load_incident(id: i64) -> Result<IncidentWork, ServerFnError> {
    let user = super::server::require(crate::ssr::auth::STAFF).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::work::workspace(&ctx, &user, id).await.map_err(fail)
}

/// An operator's action on an incident (staff); refusals come back as `ok: false`.
#[server(prefix = "/rpc", endpoint = "ops/act", input = Json)]
pub async fn incident_action(id: i64, action: OpsAction) -> Result<ActionOutcome, ServerFnError> {
    let user = super::server::require(crate::ssr::auth::STAFF).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::work::act(&ctx, &user, id, action).await.map_err(fail)
}

/// A supervisor's action on a whole storm group (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "ops/storm", input = Json)]
pub async fn act_on_storm(group: String, action: StormAction) -> Result<ActionOutcome, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Supervisor, crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::work::storm_act(&ctx, &user, group, action).await.map_err(fail)
}

/// The guard's crew and its current job (crew role).
#[server(prefix = "/rpc", endpoint = "crew/job")]
pub async fn load_crew_job() -> Result<CrewJob, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Crew]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::work::crew_job(&ctx, &user).await.map_err(fail)
}

/// The guard reports a status (`available`, `en_route`, `on_site`, `returning`, `off`)
/// and/or a position (crew role).
#[server(prefix = "/rpc", endpoint = "crew/report", input = Json)]
pub async fn crew_report(
    status: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<ActionOutcome, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Crew]).await?;
    let ctx = super::server::ctx()?;
    let position = lat.zip(lon);
    crate::ssr::work::crew_report(&ctx, &user, status, position).await.map_err(fail)
}

/// What the guard found at the site, with the id of a photo sent before (crew role).
#[server(prefix = "/rpc", endpoint = "crew/finding", input = Json)]
pub async fn crew_finding(text: String, photo: Option<i64>) -> Result<ActionOutcome, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Crew]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::work::crew_finding(&ctx, &user, &text, photo).await.map_err(fail)
}

/// The supervisor view (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "ops/supervisor")]
pub async fn load_supervisor() -> Result<SupervisorView, ServerFnError> {
    use crate::model::Role;
    super::server::require(&[Role::Supervisor, Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::sla::supervisor_view(&ctx, ctx.dashboard.time_zone).await.map_err(fail)
}
