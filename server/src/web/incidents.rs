//! `/api/v1/incidents` and `/api/v1/queue`: the operators' side of the alarm engine. Staff
//! only; every action is carried out by the engine, stored, and journaled with who and when.

use app::model::SessionUser;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use engine::{Actor, CallOutcome, Candidate, Command, Incident, Reply, Resolution};
use serde::{Deserialize, Serialize};
use store::IncidentQuery;

use super::error::ApiError;
use super::session::Staff;
use super::AppState;

/// The incident routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/incidents", get(list))
        .route("/api/v1/queue", get(queue))
        .route("/api/v1/incidents/{id}", get(show))
        .route("/api/v1/incidents/{id}/{action}", post(act))
}

/// Listing filter.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    /// Only open incidents.
    #[serde(default)]
    pub open: bool,
    /// At most this many (default 100).
    pub limit: Option<i64>,
    /// Only this site's.
    pub site_id: Option<i64>,
}

/// One incident as staff see it.
#[derive(Debug, Serialize)]
pub struct IncidentView {
    /// The incident.
    #[serde(flatten)]
    pub incident: Incident,
    /// Site name.
    pub site_name: String,
}

/// An incident with its journal and dispatch candidates.
#[derive(Debug, Serialize)]
pub struct IncidentDetail {
    /// The incident.
    #[serde(flatten)]
    pub view: IncidentView,
    /// Its journal, oldest first.
    pub journal: Vec<JournalLine>,
    /// Crews that could go, nearest first (open incidents).
    pub candidates: Vec<Candidate>,
}

/// One journal line.
#[derive(Debug, Serialize)]
pub struct JournalLine {
    /// When.
    pub at_ms: i64,
    /// `engine`, `operator`, `customer`, `crew`.
    pub actor: String,
    /// The user, if a person.
    pub actor_user_id: Option<i64>,
    /// What.
    pub action: String,
    /// Details.
    pub detail: Option<String>,
}

/// A line of the queue: one incident, or a storm group folded.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueueEntry {
    /// One incident.
    Incident(Box<IncidentView>),
    /// Many incidents of one kind in one area.
    Group {
        /// The group key (`burglary@44.40:26.10`).
        key: String,
        /// Highest priority in the group.
        priority: u8,
        /// Oldest opening.
        opened_at_ms: i64,
        /// How many.
        count: usize,
        /// Their ids, highest priority then oldest first.
        incidents: Vec<i64>,
    },
}

async fn views(state: &AppState, q: &IncidentQuery) -> Result<Vec<IncidentView>, ApiError> {
    let rows = state.ctx.store.list_incidents(q).await?;
    let names = state.ctx.store.site_names().await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let incident: Incident = serde_json::from_str(&r.detail).ok()?;
            Some(IncidentView { site_name: names.get(&incident.site_id).cloned().unwrap_or_default(), incident })
        })
        .collect())
}

/// Incidents, newest first, or the open ones by priority (staff).
#[utoipa::path(get, path = "/api/v1/incidents", params(("open" = Option<bool>, Query, description = "only open ones"), ("limit" = Option<i64>, Query, description = "at most this many"), ("site_id" = Option<i64>, Query, description = "only this site's")), responses((status = 200, description = "incidents with their plan, calls and state", body = Object), (status = 401, description = "not signed in", body = super::error::ErrorBody), (status = 403, description = "not staff", body = super::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Staff(_): Staff,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<IncidentView>>, ApiError> {
    let q = IncidentQuery {
        open_only: p.open,
        site_ids: p.site_id.map(|s| vec![s]),
        limit: p.limit.unwrap_or(100),
        ..IncidentQuery::default()
    };
    Ok(Json(views(&state, &q).await?))
}

/// Open incidents, highest priority then oldest first, storm groups folded into one line
/// placed where their most urgent member would be.
#[utoipa::path(get, path = "/api/v1/queue", responses((status = 200, description = "queue lines: `incident` or `group`", body = Object), (status = 401, description = "not signed in", body = super::error::ErrorBody), (status = 403, description = "not staff", body = super::error::ErrorBody)))]
pub async fn queue(State(state): State<AppState>, Staff(_): Staff) -> Result<Json<Vec<QueueEntry>>, ApiError> {
    let q = IncidentQuery { open_only: true, limit: store::MAX_LIST_LIMIT, ..IncidentQuery::default() };
    let mut entries: Vec<QueueEntry> = Vec::new();
    let mut groups: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for v in views(&state, &q).await? {
        match v.incident.group_key.clone() {
            Some(key) => match groups.get(&key) {
                Some(&at) => {
                    if let QueueEntry::Group { count, incidents, .. } = &mut entries[at] {
                        *count += 1;
                        incidents.push(v.incident.id);
                    }
                }
                None => {
                    groups.insert(key.clone(), entries.len());
                    entries.push(QueueEntry::Group {
                        key,
                        priority: v.incident.priority,
                        opened_at_ms: v.incident.opened_at_ms,
                        count: 1,
                        incidents: vec![v.incident.id],
                    });
                }
            },
            None => entries.push(QueueEntry::Incident(Box::new(v))),
        }
    }
    Ok(Json(entries))
}

/// One incident with its journal and the crews that could go.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", params(("id" = i64, Path, description = "incident id")), responses((status = 200, description = "the incident", body = Object), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    Staff(_): Staff,
    Path(id): Path<i64>,
) -> Result<Json<IncidentDetail>, ApiError> {
    let row = state.ctx.store.incident(id).await?.ok_or_else(|| ApiError::NotFound(format!("incident {id}")))?;
    let incident: Incident =
        serde_json::from_str(&row.detail).map_err(|e| ApiError::BadRequest(format!("unreadable incident: {e}")))?;
    let site_name = state.ctx.store.site(incident.site_id).await?.map(|s| s.name).unwrap_or_default();
    let journal = state
        .ctx
        .store
        .incident_journal(id)
        .await?
        .into_iter()
        .map(|j| JournalLine {
            at_ms: j.at_ms,
            actor: j.actor,
            actor_user_id: j.actor_user_id,
            action: j.action,
            detail: j.detail,
        })
        .collect();
    let candidates = state.ctx.engine.read(move |e, _| e.candidates(id)).await?;
    Ok(Json(IncidentDetail { view: IncidentView { incident, site_name }, journal, candidates }))
}

/// The body of an incident action; which fields matter depends on the action.
#[derive(Debug, Default, Deserialize)]
pub struct ActionBody {
    /// `call`, `password`: the contact.
    pub contact_id: Option<i64>,
    /// `call`: `reached`, `no_answer`, `wrong_password`, `declined_dispatch`.
    pub outcome: Option<CallOutcome>,
    /// `password`: what the person on the phone said.
    pub password: Option<String>,
    /// `step`: the step's index.
    pub step: Option<usize>,
    /// `step`, `note`: text.
    pub note: Option<String>,
    /// `note`: text.
    pub text: Option<String>,
    /// `dispatch`: the crew (none: the nearest available); `recall`: the crew called back.
    pub crew_id: Option<i64>,
    /// `reassign`: the crew called back.
    pub from_crew: Option<i64>,
    /// `reassign`: the crew sent instead (none: the nearest free).
    pub to_crew: Option<i64>,
    /// `close`: how it ended.
    pub resolution: Option<Resolution>,
    /// `close`: call back the crews still on it (otherwise a close with a crew out is 409).
    #[serde(default)]
    pub recall_crews: bool,
}

/// What an action returns.
#[derive(Debug, Serialize)]
pub struct ActionResult {
    /// The engine's answer.
    #[serde(flatten)]
    pub reply: Reply,
    /// `password`: whether it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_ok: Option<bool>,
}

/// An operator action on an incident: `ack`, `release`, `call`, `password`, `step`, `dispatch`
/// (a second one is a backup), `recall`, `reassign`, `note`, `close`, and `take_over`
/// (supervisors).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/{action}", params(("id" = i64, Path, description = "incident id"), ("action" = String, Path, description = "ack, release, call, password, step, dispatch, recall, reassign, note, close, take_over")), request_body = Object, responses((status = 200, description = "done (`password`: whether it matched)", body = Object), (status = 403, description = "not staff", body = super::error::ErrorBody), (status = 404, description = "no such incident or site (or not yours)", body = super::error::ErrorBody), (status = 409, description = "claimed by another operator, or (close) a crew is still on it", body = super::error::ErrorBody), (status = 422, description = "not possible now, or a field is not acceptable", body = super::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, action)): Path<(i64, String)>,
    body: Option<Json<ActionBody>>,
) -> Result<Json<ActionResult>, ApiError> {
    let b = body.map(|Json(b)| b).unwrap_or_default();
    let need = |what: &str| ApiError::BadRequest(format!("{what} is required"));
    let mut password_ok = None;
    let command = match action.as_str() {
        "ack" => Command::Acknowledge { incident: id },
        "release" => Command::Release { incident: id },
        "call" => Command::Call {
            incident: id,
            contact_id: b.contact_id.ok_or_else(|| need("contact_id"))?,
            outcome: b.outcome.ok_or_else(|| need("outcome"))?,
        },
        "password" => {
            let contact_id = b.contact_id.ok_or_else(|| need("contact_id"))?;
            let ok = contact_password_ok(&state, id, contact_id, b.password.ok_or_else(|| need("password"))?).await?;
            password_ok = Some(ok);
            let outcome = if ok { CallOutcome::Reached } else { CallOutcome::WrongPassword };
            Command::Call { incident: id, contact_id, outcome }
        }
        "step" => Command::StepDone { incident: id, step: b.step.ok_or_else(|| need("step"))?, note: b.note },
        "dispatch" => Command::Dispatch { incident: id, crew_id: b.crew_id },
        "recall" => Command::Recall { incident: id, crew_id: b.crew_id.ok_or_else(|| need("crew_id"))? },
        "reassign" => Command::Reassign {
            incident: id,
            from_crew: b.from_crew.ok_or_else(|| need("from_crew"))?,
            to_crew: b.to_crew,
        },
        "take_over" => {
            if !user.role.is_supervisor() {
                return Err(ApiError::Auth(app::ssr::auth::AuthError::Forbidden));
            }
            Command::TakeOver { incident: id }
        }
        "note" => {
            let text = b.text.or(b.note).ok_or_else(|| need("text"))?;
            app::ssr::work::check_note(&text)?;
            Command::Note { incident: id, text }
        }
        "close" => Command::Close {
            incident: id,
            resolution: b.resolution.ok_or_else(|| need("resolution"))?,
            recall_crews: b.recall_crews,
        },
        other => return Err(ApiError::NotFound(format!("no incident action {other:?}"))),
    };
    let reply = state.ctx.engine.command(operator(&user), command).await?;
    Ok(Json(ActionResult { reply, password_ok }))
}

/// The engine actor of a staff member.
pub fn operator(user: &SessionUser) -> Actor {
    Actor::Operator(user.id)
}

/// Checks what a caller said against one contact's stored password hash (never revealed),
/// with the same check the workspace uses.
async fn contact_password_ok(
    state: &AppState,
    incident: i64,
    contact_id: i64,
    password: String,
) -> Result<bool, ApiError> {
    let row =
        state.ctx.store.incident(incident).await?.ok_or_else(|| ApiError::NotFound(format!("incident {incident}")))?;
    Ok(app::ssr::work::contact_password_ok(&state.ctx, row.site_id, contact_id, password).await?)
}
