//! The incident workspace and the crew's job, read from the store and the engine, and the
//! operators' and guards' actions carried out by the engine (which journals each one).

use chrono_tz::Tz;
use engine::{Actor, CallOutcome, Command, CommandError, CrewStatus, Incident, Resolution, Site, StepStatus};
use engine::rules::billing::{Charge, FreeReason, Outcome};
use engine::rules::geo::LatLon;

use super::engine::EngineError;
use super::ops::{card, crew_marker, name_of, step_label, user_names, Names};
use super::Ctx;
use crate::model::ops::{
    ActionOutcome, CandidateLine, ContactLine, CrewIncident, CrewJob, IncidentWork, JournalLine, OpsAction,
    ResolutionChoice, SiteSheet, StepLine, ZoneLine,
};
use crate::model::SessionUser;

/// Why a workspace or an action failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// No such incident or crew (or not the caller's).
    #[error("{0} not found")]
    NotFound(String),
    /// A field is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The engine failed or stopped.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

fn tz_of(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

fn local(at_ms: Option<i64>, tz: Tz) -> Option<String> {
    at_ms.map(|t| engine::local_time(t, tz))
}

/// The site sheet: address, accounts, zones, instructions, schedule, test and suspension.
pub async fn site_sheet(ctx: &Ctx, site_id: i64, live: Option<&Site>, now_ms: i64) -> Result<SiteSheet, WorkError> {
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let tz = tz_of(&rec.time_zone);
    let accounts = ctx.store.list_accounts().await?.into_iter().filter(|a| a.site_id == site_id).map(|a| a.number).collect();
    let zones = ctx.store.zones(site_id).await?.into_iter().map(|(n, name)| ZoneLine { zone: format!("{n:03}"), name }).collect();
    let mut sheet = SiteSheet {
        id: site_id,
        name: rec.name,
        address: format!("{}, {}", rec.address, rec.city),
        time_zone: rec.time_zone.clone(),
        lat: rec.lat,
        lon: rec.lon,
        accounts,
        arm: "unknown".into(),
        zones,
        keys: String::new(),
        pets: String::new(),
        notes: String::new(),
        schedule: Vec::new(),
        test_until: None,
        suspended_until: None,
    };
    if let Some(site) = live {
        let st = &site.state;
        sheet.arm = match (&st.arm_user, st.arm_changed_at_ms) {
            (Some(user), Some(at)) => format!("{} by user {user} at {}", name_of(&st.arm), engine::local_time(at, tz)),
            (None, Some(at)) => format!("{} at {}", name_of(&st.arm), engine::local_time(at, tz)),
            _ => name_of(&st.arm),
        };
        let i = &site.settings.instructions;
        (sheet.keys, sheet.pets, sheet.notes) = (i.keys.clone(), i.pets.clone(), i.notes.clone());
        if let Some(s) = &site.settings.schedule {
            sheet.schedule = s.describe();
        }
        sheet.test_until = local(st.test_at(now_ms).map(|t| t.until_ms), tz);
        sheet.suspended_until = local(st.suspended_until_ms.filter(|u| *u > now_ms), tz);
    }
    Ok(sheet)
}

fn charge_text(charge: Option<Charge>) -> String {
    match charge {
        None => "No crew sent: nothing billed".into(),
        Some(Charge::Billable) => "Billed on top of the fee".into(),
        Some(Charge::Included { n, of }) => format!("Included dispatch {n} of {of} this year"),
        Some(Charge::Free(reason)) => match reason {
            FreeReason::FirstMonth => "Free: first month of service".into(),
            FreeReason::Warranty => "Free: technical fault under warranty".into(),
            FreeReason::CrewLate => "Free: the crew was late".into(),
            FreeReason::FirstFalseCallOfYear => "Free: first false alarm of the year".into(),
            FreeReason::NotChargeable => "Free: not chargeable".into(),
        },
    }
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Real => "Real alarm",
        Outcome::FalseUser => "False alarm (user error)",
        Outcome::FalseTechnical => "False alarm (technical)",
        Outcome::Test => "Test",
        Outcome::Cancelled => "Cancelled by the customer",
        Outcome::Duplicate => "Duplicate",
    }
}

/// Everything the operator needs on one incident.
pub async fn workspace(ctx: &Ctx, user: &SessionUser, id: i64) -> Result<IncidentWork, WorkError> {
    let row = ctx.store.incident(id).await?.ok_or_else(|| WorkError::NotFound(format!("incident {id}")))?;
    let stored: Incident = serde_json::from_str(&row.detail).map_err(|e| WorkError::Invalid(format!("unreadable incident: {e}")))?;
    let site_id = stored.site_id;
    let names = user_names(&ctx.store).await?;
    let (inc, site, card_view, candidates, charges, now_ms) = ctx
        .engine
        .read({
            let names = names.clone();
            move |e, now| {
                let inc = e.incident(id).cloned().unwrap_or(stored);
                let charges: Vec<(Outcome, Option<Charge>)> =
                    Outcome::ALL.iter().map(|&o| (o, e.charge_if_closed(id, o))).collect();
                (card(e, &inc, &names), e.site(site_id).cloned(), e.candidates(id), charges, now, inc)
            }
        })
        .await
        .map(|(c, s, cand, ch, now, inc)| (inc, s, c, cand, ch, now))?;
    let sheet = site_sheet(ctx, site_id, site.as_ref(), now_ms).await?;
    let tz = tz_of(&sheet.time_zone);
    let mut signals = Vec::new();
    for sid in ctx.store.incident_signal_ids(id).await? {
        if let Some(r) = ctx.store.signal(sid).await? {
            signals.push(super::views::signal_view(&r));
        }
    }
    let contacts = ctx
        .store
        .contacts(site_id)
        .await?
        .into_iter()
        .map(|c| ContactLine {
            calls: inc.calls.iter().filter(|k| k.contact_id == c.id).map(|k| name_of(&k.outcome)).collect(),
            id: c.id,
            name: c.name,
            phone: c.phone,
            unavailable_until_ms: c.unavailable_until_ms.filter(|u| *u > now_ms && c.unavailable_from_ms.is_none_or(|f| f <= now_ms)),
            has_password: c.has_password,
        })
        .collect();
    let steps = inc
        .steps
        .iter()
        .enumerate()
        .map(|(index, s)| StepLine {
            index,
            kind: step_label(s.step.kind),
            auto: s.step.auto,
            status: match s.status {
                StepStatus::Pending => "pending",
                StepStatus::Done => "done",
                StepStatus::Skipped => "skipped",
                StepStatus::Failed => "failed",
            }
            .into(),
            at: local(s.at_ms, tz),
            note: s.note.clone(),
        })
        .collect();
    let journal = journal_lines(ctx, id, tz, &names).await?;
    let resolutions = charges
        .into_iter()
        .map(|(o, c)| ResolutionChoice { value: o.as_str().into(), label: outcome_label(o).into(), billing: charge_text(c) })
        .collect();
    Ok(IncidentWork {
        mine: inc.claimed_by == Some(user.id),
        card: card_view,
        site: sheet,
        signals,
        steps,
        contacts,
        candidates: candidates
            .into_iter()
            .map(|c| CandidateLine { crew_id: c.crew_id, name: c.name, distance_m: c.distance_m, eta_s: c.eta_s })
            .collect(),
        journal,
        resolutions,
        cancel_until: local(inc.cancel_until_ms.filter(|c| *c > now_ms && inc.crew_id.is_none()), tz),
        notes: inc.notes.iter().map(|(at, by, text)| {
            let who = by.and_then(|b| names.get(&b).cloned()).unwrap_or_default();
            format!("{} {who}: {text}", engine::local_time(*at, tz))
        }).collect(),
        now_ms,
    })
}

/// An incident's journal with local times and names.
pub async fn journal_lines(ctx: &Ctx, id: i64, tz: Tz, names: &Names) -> Result<Vec<JournalLine>, WorkError> {
    Ok(ctx
        .store
        .incident_journal(id)
        .await?
        .into_iter()
        .map(|j| JournalLine {
            at: engine::local_time(j.at_ms, tz),
            at_ms: j.at_ms,
            who: j.actor_user_id.and_then(|u| names.get(&u).cloned()),
            actor: j.actor,
            action: j.action,
            detail: j.detail,
        })
        .collect())
}

/// Whether `password` is the password of any of the site's contacts (the customer's cancel).
pub async fn site_password_ok(ctx: &Ctx, site_id: i64, password: String) -> Result<bool, WorkError> {
    for (_, hash) in ctx.store.contact_password_hashes(site_id).await? {
        if super::auth::verify_password(password.clone(), hash).await {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Checks what a caller said against a contact's stored password hash (never revealed).
pub async fn contact_password_ok(ctx: &Ctx, site_id: i64, contact_id: i64, password: String) -> Result<bool, WorkError> {
    let hashes = ctx.store.contact_password_hashes(site_id).await?;
    let Some((_, hash)) = hashes.into_iter().find(|(c, _)| *c == contact_id) else {
        return Err(WorkError::Invalid("this contact has no password on file".into()));
    };
    Ok(super::auth::verify_password(password, hash).await)
}

/// Carries out an operator's action on an incident. A refusal (claimed by someone else, not
/// possible now) is an outcome with `ok: false` and the reason, not an error.
pub async fn act(ctx: &Ctx, user: &SessionUser, id: i64, action: OpsAction) -> Result<ActionOutcome, WorkError> {
    let mut message = String::from("Done");
    let command = match action {
        OpsAction::Claim => {
            message = "Claimed: it is yours".into();
            Command::Acknowledge { incident: id }
        }
        OpsAction::Release => {
            message = "Released to the queue".into();
            Command::Release { incident: id }
        }
        OpsAction::Call { contact_id, outcome } => {
            let outcome = parse_outcome(&outcome)?;
            message = format!("Call recorded: {}", name_of(&outcome).replace('_', " "));
            Command::Call { incident: id, contact_id, outcome }
        }
        OpsAction::Password { contact_id, password } => {
            let row = ctx.store.incident(id).await?.ok_or_else(|| WorkError::NotFound(format!("incident {id}")))?;
            let ok = contact_password_ok(ctx, row.site_id, contact_id, password).await?;
            message = if ok { "Password correct".into() } else { "Wrong password: treat as a warning".into() };
            let outcome = if ok { CallOutcome::Reached } else { CallOutcome::WrongPassword };
            Command::Call { incident: id, contact_id, outcome }
        }
        OpsAction::Step { step, note } => Command::StepDone { incident: id, step, note: note.filter(|n| !n.trim().is_empty()) },
        OpsAction::Dispatch { crew_id } => {
            message = "Crew sent".into();
            Command::Dispatch { incident: id, crew_id }
        }
        OpsAction::Note { text } => {
            if text.trim().is_empty() {
                return Err(WorkError::Invalid("write the note first".into()));
            }
            Command::Note { incident: id, text: text.trim().to_owned() }
        }
        OpsAction::Close { resolution } => {
            let resolution = Resolution::parse(&resolution).ok_or_else(|| WorkError::Invalid(format!("no resolution {resolution:?}")))?;
            message = format!("Closed: {}", outcome_label(resolution));
            Command::Close { incident: id, resolution }
        }
    };
    match ctx.engine.command(Actor::Operator(user.id), command).await {
        Ok(_) => Ok(ActionOutcome { ok: true, message }),
        Err(EngineError::Refused(CommandError::Claimed { by, .. })) => {
            let names = user_names(&ctx.store).await?;
            let who = names.get(&by).cloned().unwrap_or_else(|| "another operator".into());
            Ok(ActionOutcome { ok: false, message: format!("Locked: {who} is working this incident") })
        }
        Err(EngineError::Refused(e)) => Ok(ActionOutcome { ok: false, message: e.to_string() }),
        Err(e) => Err(e.into()),
    }
}

fn parse_outcome(s: &str) -> Result<CallOutcome, WorkError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| WorkError::Invalid(format!("no call outcome {s:?}")))
}

/// The crew a guard's login drives.
pub async fn crew_of(ctx: &Ctx, user: &SessionUser) -> Result<i64, WorkError> {
    ctx.store
        .list_crews()
        .await?
        .into_iter()
        .find(|c| c.user_id == Some(user.id))
        .map(|c| c.id)
        .ok_or_else(|| WorkError::NotFound("your crew".into()))
}

/// The guard's crew and the incident it is sent to, with what the guard needs on the spot.
pub async fn crew_job(ctx: &Ctx, user: &SessionUser) -> Result<CrewJob, WorkError> {
    let crew_id = crew_of(ctx, user).await?;
    let (crew, inc, site, now_ms) = ctx
        .engine
        .read(move |e, now| {
            let crew = e.crews().find(|c| c.id == crew_id).cloned();
            let inc = crew.as_ref().and_then(|c| c.incident).and_then(|i| e.incident(i)).cloned();
            let site = inc.as_ref().and_then(|i| e.site(i.site_id)).cloned();
            (crew, inc, site, now)
        })
        .await?;
    let crew = crew.ok_or_else(|| WorkError::NotFound(format!("crew {crew_id}")))?;
    let incident = match inc {
        Some(inc) => {
            let sheet = site_sheet(ctx, inc.site_id, site.as_ref(), now_ms).await?;
            let tz = tz_of(&sheet.time_zone);
            let at: LatLon = inc.position.unwrap_or((sheet.lat, sheet.lon));
            Some(CrewIncident {
                id: inc.id,
                title: inc.title.clone(),
                priority: inc.priority,
                status: inc.status.as_str().into(),
                navigate_url: format!("https://www.google.com/maps/dir/?api=1&destination={:.6},{:.6}", at.0, at.1),
                dispatched_at: local(inc.dispatched_at_ms, tz),
                zones: inc.zones.clone(),
                site: sheet,
            })
        }
        None => None,
    };
    Ok(CrewJob { crew: crew_marker(&crew), incident })
}

/// A guard's report from the crew page: status, shift, position.
pub async fn crew_report(
    ctx: &Ctx,
    user: &SessionUser,
    status: Option<String>,
    position: Option<(f64, f64)>,
) -> Result<ActionOutcome, WorkError> {
    let crew_id = crew_of(ctx, user).await?;
    let status = match status.as_deref() {
        None => None,
        Some(s) => Some(CrewStatus::parse(s).ok_or_else(|| WorkError::Invalid(format!("no crew status {s:?}")))?),
    };
    if let Some((lat, lon)) = position {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(WorkError::Invalid("position out of range".into()));
        }
    }
    let position: Option<LatLon> = position;
    match ctx.engine.command(Actor::Crew(crew_id), Command::CrewReport { crew_id, status, position }).await {
        Ok(_) => Ok(ActionOutcome { ok: true, message: status.map(|s| format!("Status: {}", s.as_str().replace('_', " "))).unwrap_or_else(|| "Position sent".into()) }),
        Err(EngineError::Refused(e)) => Ok(ActionOutcome { ok: false, message: e.to_string() }),
        Err(e) => Err(e.into()),
    }
}
