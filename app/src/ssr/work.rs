//! The incident workspace and the crew's job, read from the store and the engine, and the
//! operators' and guards' actions carried out by the engine (which journals each one).

use chrono_tz::Tz;
use engine::rules::billing::{Charge, Outcome};
use engine::rules::geo::LatLon;
use engine::{Actor, CallOutcome, Command, CommandError, CrewStatus, Incident, Resolution, Site, StepStatus};

use super::engine::EngineError;
use super::ops::{card, crew_marker, user_names, Names};
use super::{words, Ctx};
use crate::i18n::td_string;
use crate::model::ops::{
    ActionOutcome, CandidateLine, ContactLine, CrewIncident, CrewJob, IncidentWork, JournalLine, OpsAction,
    ResolutionChoice, SiteSheet, StepLine, StormAction, ZoneLine,
};
use crate::model::SessionUser;

/// Why a workspace or an action failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// No such incident or crew (or not the caller's).
    #[error("No {0}")]
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

/// A site's zones with their names and types, by number.
pub async fn zone_lines(ctx: &Ctx, site_id: i64) -> Result<Vec<ZoneLine>, WorkError> {
    let mut kinds = ctx.store.zone_kinds(site_id).await?;
    Ok(ctx
        .store
        .zones(site_id)
        .await?
        .into_iter()
        .map(|(n, name)| ZoneLine { zone: format!("{n:03}"), name, kind: kinds.remove(&n).unwrap_or_default() })
        .collect())
}

/// The site sheet: address, accounts, zones, instructions, schedule, test and suspension.
pub async fn site_sheet(ctx: &Ctx, site_id: i64, live: Option<&Site>, now_ms: i64) -> Result<SiteSheet, WorkError> {
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let tz = tz_of(&rec.time_zone);
    let accounts =
        ctx.store.list_accounts().await?.into_iter().filter(|a| a.site_id == site_id).map(|a| a.number).collect();
    let zones = zone_lines(ctx, site_id).await?;
    let mut sheet = SiteSheet {
        id: site_id,
        name: rec.name,
        address: format!("{}, {}", rec.address, rec.city),
        time_zone: rec.time_zone.clone(),
        lat: rec.lat,
        lon: rec.lon,
        accounts,
        arm: words::arm_state(words::lang(), engine::ArmState::Unknown, None, None),
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
        let at = st.arm_changed_at_ms.map(|at| engine::local_time(at, tz));
        sheet.arm = words::arm_state(words::lang(), st.arm, st.arm_user.as_deref(), at.as_deref());
        let i = &site.settings.instructions;
        (sheet.keys, sheet.pets, sheet.notes) = (i.keys.clone(), i.pets.clone(), i.notes.clone());
        if let Some(s) = &site.settings.schedule {
            sheet.schedule = words::week(words::lang(), s);
        }
        sheet.test_until = local(st.test_at(now_ms).map(|t| t.until_ms), tz);
        sheet.suspended_until = local(st.suspended_until_ms.filter(|u| *u > now_ms), tz);
    }
    Ok(sheet)
}

/// Everything the operator needs on one incident.
pub async fn workspace(ctx: &Ctx, user: &SessionUser, id: i64) -> Result<IncidentWork, WorkError> {
    let lang = words::lang();
    let row = ctx.store.incident(id).await?.ok_or_else(|| WorkError::NotFound(format!("incident {id}")))?;
    let stored: Incident =
        serde_json::from_str(&row.detail).map_err(|e| WorkError::Invalid(format!("unreadable incident: {e}")))?;
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
    let mut records = Vec::new();
    for sid in ctx.store.incident_signal_ids(id).await? {
        records.extend(ctx.store.signal(sid).await?);
    }
    // Marked when the site was on test for them, as in the feed.
    let signals = ctx
        .engine
        .read(move |e, _| records.iter().map(|r| super::views::signal_view_in(e, r)).collect::<Vec<_>>())
        .await?;
    let contacts = ctx
        .store
        .contacts(site_id)
        .await?
        .into_iter()
        .map(|c| ContactLine {
            calls: inc
                .calls
                .iter()
                .filter(|k| k.contact_id == c.id)
                .map(|k| words::call_outcome(lang, k.outcome).to_owned())
                .collect(),
            id: c.id,
            name: c.name,
            phone: c.phone,
            unavailable_until_ms: c
                .unavailable_until_ms
                .filter(|u| *u > now_ms && c.unavailable_from_ms.is_none_or(|f| f <= now_ms)),
            has_password: c.has_password,
        })
        .collect();
    let steps = inc
        .steps
        .iter()
        .enumerate()
        .map(|(index, s)| StepLine {
            index,
            kind: words::step(lang, &s.step.kind),
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
        .map(|(o, c)| ResolutionChoice {
            value: o.as_str().into(),
            label: words::resolution(lang, o).into(),
            billing: words::charge(lang, c),
        })
        .collect();
    let taken_from_me = journal
        .iter()
        .rev()
        .find(|j| j.action == "taken_over")
        .filter(|j| {
            inc.claimed_by != Some(user.id)
                && j.detail.as_deref() == names.get(&user.id).map(|n| format!("from {n}")).as_deref()
        })
        .map(|j| j.who.clone().unwrap_or_else(|| "A supervisor".into()));
    let crews = ctx.store.list_crews().await?;
    let photos = ctx
        .store
        .photos_of(id)
        .await?
        .into_iter()
        .map(|p| {
            let crew = crews.iter().find(|c| c.id == p.crew_id).map(|c| c.name.clone()).unwrap_or_default();
            (format!("/api/v1/incidents/{id}/photos/{}", p.id), format!("{} {crew}", engine::local_clock(p.at_ms, tz)))
        })
        .collect();
    Ok(IncidentWork {
        mine: inc.claimed_by == Some(user.id),
        taken_from_me,
        photos,
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
        notes: inc
            .notes
            .iter()
            .map(|(at, by, text)| {
                let who = by.and_then(|b| names.get(&b).cloned()).unwrap_or_default();
                format!("{} {who}: {text}", engine::local_time(*at, tz))
            })
            .collect(),
        now_ms,
    })
}

/// An incident's journal with local times and names.
pub async fn journal_lines(ctx: &Ctx, id: i64, tz: Tz, names: &Names) -> Result<Vec<JournalLine>, WorkError> {
    let lang = words::lang();
    Ok(ctx
        .store
        .incident_journal(id)
        .await?
        .into_iter()
        .map(|j| JournalLine {
            at: engine::local_time(j.at_ms, tz),
            at_ms: j.at_ms,
            who: j.actor_user_id.and_then(|u| names.get(&u).cloned()),
            label: words::action(lang, &j.action),
            detail: j.detail.map(|d| named(&d, names)),
            actor: words::actor(lang, &j.actor),
            action: j.action,
        })
        .collect())
}

/// A journal detail with user numbers ("from user 12") given as names.
fn named(detail: &str, names: &Names) -> String {
    match detail.strip_prefix("from user ").and_then(|n| n.parse::<i64>().ok()) {
        Some(id) => format!("from {}", names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"))),
        None => detail.to_owned(),
    }
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
pub async fn contact_password_ok(
    ctx: &Ctx,
    site_id: i64,
    contact_id: i64,
    password: String,
) -> Result<bool, WorkError> {
    let hashes = ctx.store.contact_password_hashes(site_id).await?;
    let Some((_, hash)) = hashes.into_iter().find(|(c, _)| *c == contact_id) else {
        return Err(WorkError::Invalid("this contact has no password on file".into()));
    };
    Ok(super::auth::verify_password(password, hash).await)
}

/// Carries out an operator's action on an incident. A refusal (claimed by someone else, not
/// possible now) is an outcome with `ok: false` and the reason, not an error.
pub async fn act(ctx: &Ctx, user: &SessionUser, id: i64, action: OpsAction) -> Result<ActionOutcome, WorkError> {
    let lang = words::lang();
    let l = lang.locale();
    let mut message = String::from(td_string!(l, staff.act.done));
    let mut reread = false;
    // Done, but a warning for the operator (a wrong password): shown in warning colours.
    let mut warn = false;
    let command = match action {
        OpsAction::Claim => {
            message = td_string!(l, staff.act.claimed).into();
            Command::Acknowledge { incident: id }
        }
        OpsAction::Release => {
            message = td_string!(l, staff.act.released).into();
            Command::Release { incident: id }
        }
        OpsAction::Call { contact_id, outcome } => {
            let outcome = parse_outcome(&outcome)?;
            message = td_string!(l, staff.act.call_recorded, outcome = words::call_outcome(lang, outcome));
            Command::Call { incident: id, contact_id, outcome }
        }
        OpsAction::Password { contact_id, password } => {
            let row = ctx.store.incident(id).await?.ok_or_else(|| WorkError::NotFound(format!("incident {id}")))?;
            let ok = contact_password_ok(ctx, row.site_id, contact_id, password).await?;
            message =
                if ok { td_string!(l, staff.act.password_ok) } else { td_string!(l, staff.act.password_wrong) }.into();
            warn = !ok;
            let outcome = if ok { CallOutcome::Reached } else { CallOutcome::WrongPassword };
            Command::Call { incident: id, contact_id, outcome }
        }
        OpsAction::Step { step, note } => {
            let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            if let Some(n) = &note {
                check_note(n)?;
            }
            Command::StepDone { incident: id, step, note }
        }
        OpsAction::Dispatch { crew_id } => {
            reread = true;
            Command::Dispatch { incident: id, crew_id }
        }
        OpsAction::Recall { crew_id } => {
            message = td_string!(l, staff.act.recalled).into();
            Command::Recall { incident: id, crew_id }
        }
        OpsAction::Reassign { from_crew, to_crew } => {
            reread = true;
            Command::Reassign { incident: id, from_crew, to_crew }
        }
        OpsAction::TakeOver => {
            if !user.role.is_supervisor() {
                return Ok(ActionOutcome::refused("Only a supervisor can take over an incident"));
            }
            message = td_string!(l, staff.act.taken_over).into();
            Command::TakeOver { incident: id }
        }
        OpsAction::Note { text } => {
            let text = text.trim().to_owned();
            check_note(&text)?;
            Command::Note { incident: id, text }
        }
        OpsAction::Close { resolution, recall_crews } => {
            let resolution = Resolution::parse(&resolution)
                .ok_or_else(|| WorkError::Invalid(format!("no resolution {resolution:?}")))?;
            message = td_string!(l, staff.act.closed, resolution = words::resolution(lang, resolution));
            Command::Close { incident: id, resolution, recall_crews }
        }
    };
    match ctx.engine.command(Actor::Operator(user.id), command).await {
        Ok(_) if reread => {
            // What the engine wrote about its choice ("sent: Echo 7, 3.1 km, ...; nearer but busy: ...").
            let line =
                ctx.store.incident_journal(id).await?.into_iter().rev().find(|j| j.action.ends_with("dispatched"));
            Ok(ActionOutcome::done(
                line.and_then(|j| j.detail)
                    .map(|d| engine::words::capitalized(&d))
                    .unwrap_or_else(|| td_string!(l, staff.act.crew_sent).into()),
            ))
        }
        Ok(_) if warn => Ok(ActionOutcome::refused(message)),
        Ok(_) => Ok(ActionOutcome::done(message)),
        Err(EngineError::Refused(CommandError::Claimed { by, .. })) => {
            let names = user_names(&ctx.store).await?;
            let who = names.get(&by).cloned().unwrap_or_else(|| "another operator".into());
            Ok(ActionOutcome::refused(td_string!(l, staff.act.locked, who = who)))
        }
        Err(EngineError::Refused(e @ CommandError::CrewsOut(_))) => {
            let CommandError::CrewsOut(names) = &e else { unreachable!() };
            Ok(ActionOutcome {
                ok: false,
                message: engine::words::capitalized(&e.to_string()),
                crews_out: names.clone(),
            })
        }
        Err(EngineError::Refused(e)) => Ok(ActionOutcome::refused(engine::words::capitalized(&e.to_string()))),
        Err(e) => Err(e.into()),
    }
}

/// The longest note or step remark an operator can write (a journal line, not a report).
pub const MAX_NOTE_CHARS: usize = 2000;

/// A note must say something and fit in the journal.
pub fn check_note(text: &str) -> Result<(), WorkError> {
    if text.trim().is_empty() {
        return Err(WorkError::Invalid("Write the note first".into()));
    }
    let n = text.chars().count();
    if n > MAX_NOTE_CHARS {
        return Err(WorkError::Invalid(format!("A note is at most {MAX_NOTE_CHARS} characters ({n} written)")));
    }
    Ok(())
}

/// A supervisor's action on a whole storm group: each incident is journaled on its own. An
/// unknown group (it may just have closed) is a refusal, not an error.
pub async fn storm_act(
    ctx: &Ctx,
    user: &SessionUser,
    group: String,
    action: StormAction,
) -> Result<ActionOutcome, WorkError> {
    if !user.role.is_supervisor() {
        return Ok(ActionOutcome::refused("Only a supervisor acts on a whole storm"));
    }
    let command = match action {
        StormAction::Acknowledge => Command::AcknowledgeStorm { group },
        StormAction::Close { resolution } => {
            let resolution = Resolution::parse(&resolution)
                .ok_or_else(|| WorkError::Invalid(format!("no resolution {resolution:?}")))?;
            Command::CloseStorm { group, resolution }
        }
    };
    let closing = matches!(command, Command::CloseStorm { .. });
    match ctx.engine.command(Actor::Operator(user.id), command).await {
        Ok(engine::Reply::Storm { done, skipped }) => {
            let verb = if closing { "Closed" } else { "Acknowledged" };
            let mut message = format!("{verb} {} incident{}", done.len(), if done.len() == 1 { "" } else { "s" });
            if !skipped.is_empty() {
                let ids: Vec<String> = skipped.iter().map(|i| format!("#{i}")).collect();
                message.push_str(&format!("; left open (claimed, or a crew still out): {}", ids.join(", ")));
            }
            Ok(ActionOutcome::done(message))
        }
        Ok(_) => Ok(ActionOutcome::done("Done")),
        Err(EngineError::Refused(CommandError::NotFound(_))) => {
            Ok(ActionOutcome::refused("That storm group is no longer open"))
        }
        Err(EngineError::Refused(e)) => Ok(ActionOutcome::refused(engine::words::capitalized(&e.to_string()))),
        Err(e) => Err(e.into()),
    }
}

fn parse_outcome(s: &str) -> Result<CallOutcome, WorkError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| WorkError::Invalid(format!("no call outcome {s:?}")))
}

/// The crew a guard's login drives.
pub async fn crew_of(ctx: &Ctx, user: &SessionUser) -> Result<i64, WorkError> {
    ctx.store
        .list_crews()
        .await?
        .into_iter()
        .find(|c| c.user_id == Some(user.id))
        .map(|c| c.id)
        .ok_or_else(|| WorkError::NotFound("crew for this login".into()))
}

/// The incident a crew is on now, if any.
pub async fn crew_incident(ctx: &Ctx, crew_id: i64) -> Result<Option<i64>, WorkError> {
    Ok(ctx.engine.read(move |e, _| e.crews().find(|c| c.id == crew_id).and_then(|c| c.incident)).await?)
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

/// What the guard found at the site (words, and a photo already kept for the crew's
/// incident), into that incident's journal.
pub async fn crew_finding(
    ctx: &Ctx,
    user: &SessionUser,
    text: &str,
    photo: Option<i64>,
) -> Result<ActionOutcome, WorkError> {
    let crew_id = crew_of(ctx, user).await?;
    let (n, max) = (text.trim().chars().count(), crate::model::ops::MAX_FINDING_CHARS);
    if n > max {
        return Ok(ActionOutcome::refused(format!("A report is at most {max} characters ({n} written)")));
    }
    if let Some(p) = photo {
        let ours = match crew_incident(ctx, crew_id).await? {
            Some(i) => ctx.store.photos_of(i).await?.iter().any(|m| m.id == p && m.crew_id == crew_id),
            None => false,
        };
        if !ours {
            return Err(WorkError::NotFound(format!("photo {p} of your crew's job")));
        }
    }
    let command = Command::CrewFinding { crew_id, text: text.trim().to_owned(), photo };
    match ctx.engine.command(Actor::Crew(crew_id), command).await {
        Ok(_) => Ok(ActionOutcome::done("Report sent to the control room")),
        Err(EngineError::Refused(e)) => Ok(ActionOutcome::refused(engine::words::capitalized(&e.to_string()))),
        Err(e) => Err(e.into()),
    }
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
        Ok(_) => Ok(ActionOutcome::done(
            status
                .map(|s| format!("Status: {}", engine::words::crew_status(s)))
                .unwrap_or_else(|| "Position sent".into()),
        )),
        Err(EngineError::Refused(e)) => Ok(ActionOutcome::refused(engine::words::capitalized(&e.to_string()))),
        Err(e) => Err(e.into()),
    }
}
