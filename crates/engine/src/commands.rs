//! Commands from operators, customers and crews.

use rules::classify::{default_priority, Category};

use crate::command::{Actor, CancelResult, Command, CommandError, CrewStatus, Reply};
use crate::engine::{journal, Engine};
use crate::incident::{Call, CallOutcome, CancelAttempt, CrewEnd, Incident, Resolution, Status, StepStatus};
use crate::output::{Notice, NoticeKind, NoticeWords, Output, SiteEvent};
use crate::settings::StepKind;
use crate::site::TestMode;
use crate::words;

/// A crew must move at least this far between two reports for its heading to change, metres.
const HEADING_MIN_MOVE_M: f64 = 15.0;

/// Wrong cancel passwords on one alarm before cancels from the customer side stop.
pub const MAX_WRONG_CANCELS: usize = 3;

impl Engine {
    /// Carries out a command at `now_ms`.
    pub fn on_command(&mut self, actor: Actor, command: Command, now_ms: i64) -> Result<(Reply, Output), CommandError> {
        let mut out = Output::default();
        let reply = match command {
            Command::Acknowledge { incident } => {
                let by = operator(actor)?;
                let inc = self.claimable(incident, by)?;
                if inc.claimed_by != Some(by) {
                    inc.claimed_by = Some(by);
                    // Someone works it now: it leaves its storm group's fold.
                    inc.group_key = None;
                    inc.acknowledged_at_ms.get_or_insert(now_ms);
                    if inc.status == Status::New {
                        inc.status = Status::Acknowledged;
                    }
                    inc.updated_at_ms = now_ms;
                    journal(&mut out, incident, now_ms, actor, "acknowledged", None);
                }
                Reply::Done
            }
            Command::Release { incident } => {
                let by = operator(actor)?;
                let inc = self.claimable(incident, by)?;
                inc.claimed_by = None;
                if inc.status == Status::Acknowledged {
                    inc.status = Status::New;
                }
                inc.updated_at_ms = now_ms;
                journal(&mut out, incident, now_ms, actor, "released", None);
                Reply::Done
            }
            Command::Call { incident, contact_id, outcome } => {
                let by = operator(actor)?;
                let name = self.contact_name(incident, contact_id)?;
                let inc = self.working(incident, by, now_ms)?;
                inc.calls.push(Call { contact_id, outcome, at_ms: now_ms, by: Some(by) });
                let detail = format!("{name}: {}", words::call_outcome(outcome));
                journal(&mut out, incident, now_ms, actor, "call", Some(detail));
                if outcome == CallOutcome::WrongPassword {
                    journal(
                        &mut out,
                        incident,
                        now_ms,
                        actor,
                        "warning",
                        Some(format!("wrong password given by {name}")),
                    );
                }
                if matches!(outcome, CallOutcome::Reached | CallOutcome::DeclinedDispatch) {
                    inc.mark(&StepKind::CallContacts, StepStatus::Done, now_ms, Some(name.clone()));
                    inc.mark(
                        &StepKind::VerifyPassword,
                        StepStatus::Done,
                        now_ms,
                        Some(format!("password of {name} verified")),
                    );
                }
                self.after_call(incident, now_ms, &mut out);
                Reply::Done
            }
            Command::StepDone { incident, step, note } => {
                let by = operator(actor)?;
                let inc = self.working(incident, by, now_ms)?;
                let progress = inc.steps.get_mut(step).ok_or_else(|| CommandError::NotFound(format!("step {step}")))?;
                if progress.status != StepStatus::Pending && progress.status != StepStatus::Failed {
                    return Err(CommandError::Invalid(format!(
                        "\"{}\" is already done",
                        words::step(&progress.step.kind)
                    )));
                }
                if progress.step.kind == StepKind::Dispatch {
                    return Err(CommandError::Invalid("dispatch a crew instead".into()));
                }
                progress.status = StepStatus::Done;
                progress.at_ms = Some(now_ms);
                progress.note = note.clone();
                let label = words::step(&progress.step.kind);
                journal(
                    &mut out,
                    incident,
                    now_ms,
                    actor,
                    "step",
                    Some(format!("{}{}", label, note.map(|n| format!(": {n}")).unwrap_or_default())),
                );
                Reply::Done
            }
            Command::Dispatch { incident, crew_id } => {
                let by = operator(actor)?;
                self.working(incident, by, now_ms)?;
                let crew = self.choose_crew(incident, crew_id)?;
                self.dispatch(incident, crew, actor, now_ms, &mut out);
                Reply::Done
            }
            Command::Recall { incident, crew_id } => {
                let by = operator(actor)?;
                self.working(incident, by, now_ms)?;
                self.recall(incident, crew_id, actor, now_ms, &mut out)?;
                Reply::Done
            }
            Command::Reassign { incident, from_crew, to_crew } => {
                let by = operator(actor)?;
                self.working(incident, by, now_ms)?;
                // The replacement is chosen before the recalled crew is free again, so the
                // nearest free crew is never the one just called back.
                let to = self.choose_crew(incident, to_crew)?;
                self.recall(incident, from_crew, actor, now_ms, &mut out)?;
                self.dispatch(incident, to, actor, now_ms, &mut out);
                Reply::Done
            }
            Command::TakeOver { incident } => {
                let by = operator(actor)?;
                let inc = self
                    .incidents
                    .get_mut(&incident)
                    .ok_or_else(|| CommandError::NotFound(format!("open incident {incident}")))?;
                let from = inc
                    .claimed_by
                    .filter(|o| *o != by)
                    .ok_or_else(|| CommandError::Invalid("nobody else holds this incident: claim it".into()))?;
                inc.claimed_by = Some(by);
                inc.group_key = None;
                inc.updated_at_ms = now_ms;
                journal(&mut out, incident, now_ms, actor, "taken_over", Some(format!("from user {from}")));
                Reply::Done
            }
            Command::AcknowledgeStorm { group } => {
                operator(actor)?;
                let (done, skipped) = self.storm_members(&group)?;
                for id in &done {
                    let inc = self.incidents.get_mut(id).expect("member");
                    inc.acknowledged_at_ms.get_or_insert(now_ms);
                    if inc.status == Status::New {
                        inc.status = Status::Acknowledged;
                    }
                    inc.updated_at_ms = now_ms;
                    journal(
                        &mut out,
                        *id,
                        now_ms,
                        actor,
                        "acknowledged_group",
                        Some(format!("with its storm of {}", done.len())),
                    );
                }
                Reply::Storm { done, skipped }
            }
            Command::CloseStorm { group, resolution } => {
                operator(actor)?;
                let (members, mut skipped) = self.storm_members(&group)?;
                let mut done = Vec::new();
                for id in members {
                    if self.incidents[&id].active_crews().next().is_some() {
                        skipped.push(id);
                        continue;
                    }
                    self.close(id, resolution, actor, now_ms, "closed with its storm group", &mut out);
                    done.push(id);
                }
                Reply::Storm { done, skipped }
            }
            Command::Note { incident, text } => {
                let by = operator(actor)?;
                let text = text.trim().to_owned();
                if text.is_empty() {
                    return Err(CommandError::Invalid("the note is empty".into()));
                }
                let inc = self.working(incident, by, now_ms)?;
                inc.notes.push((now_ms, Some(by), text.clone()));
                journal(&mut out, incident, now_ms, actor, "note", Some(text));
                Reply::Done
            }
            Command::Close { incident, resolution, recall_crews } => {
                let by = operator(actor)?;
                self.claimable(incident, by)?;
                let out_now: Vec<(i64, String)> =
                    self.incidents[&incident].active_crews().map(|a| (a.crew_id, a.name.clone())).collect();
                if !out_now.is_empty() && !recall_crews {
                    return Err(CommandError::CrewsOut(out_now.into_iter().map(|(_, n)| n).collect()));
                }
                self.working(incident, by, now_ms)?;
                for (crew, _) in out_now {
                    self.recall(incident, crew, actor, now_ms, &mut out)?;
                }
                self.close(incident, resolution, actor, now_ms, "closed by the operator", &mut out);
                Reply::Done
            }
            Command::Cancel { site_id, password_ok } => {
                self.site_exists(site_id)?;
                Reply::Cancel { result: self.cancel(site_id, password_ok, actor, now_ms, &mut out) }
            }
            Command::Panic { site_id, position } => {
                self.site_exists(site_id)?;
                let id = self.open(
                    site_id,
                    Category::Panic,
                    default_priority(Category::Panic),
                    "Panic from the app",
                    now_ms,
                    &mut out,
                );
                let inc = self.incidents.get_mut(&id).expect("opened");
                inc.position = position;
                let detail = position.map(|(lat, lon)| format!("phone at {lat:.5},{lon:.5}"));
                journal(&mut out, id, now_ms, actor, "panic", detail);
                self.start_plan(id, now_ms, &mut out);
                Reply::Opened { incident: id }
            }
            Command::StartTest { site_id, until_ms, scope } => {
                if matches!(actor, Actor::Customer(_)) && (!scope.zones.is_empty() || !scope.categories.is_empty()) {
                    return Err(CommandError::Forbidden(
                        "only an operator can put some zones or categories on test".into(),
                    ));
                }
                if until_ms <= now_ms {
                    return Err(CommandError::Invalid("the test must end in the future".into()));
                }
                if until_ms - now_ms > 7 * 24 * 3_600_000 {
                    return Err(CommandError::Invalid("a test lasts at most 7 days".into()));
                }
                let site = self.site_mut(site_id)?;
                site.state.test =
                    Some(TestMode { until_ms, scope: scope.clone(), by: actor.user_id(), since_ms: Some(now_ms) });
                out.sites.insert(site_id);
                let tz = site.info.time_zone;
                site_event(
                    &mut out,
                    site_id,
                    now_ms,
                    actor,
                    "test_started",
                    Some(format!("{} until {}", words::test_scope(&scope), crate::local_time(until_ms, tz))),
                );
                self.notice_test(site_id, true, &mut out);
                Reply::Done
            }
            Command::EndTest { site_id } => {
                let site = self.site_mut(site_id)?;
                if site.state.test.take().is_none() {
                    return Err(CommandError::Invalid("the site is not on test".into()));
                }
                out.sites.insert(site_id);
                site_event(&mut out, site_id, now_ms, actor, "test_ended", Some("ended by hand".into()));
                self.notice_test(site_id, false, &mut out);
                Reply::Done
            }
            Command::Suspend { site_id, until_ms, reason } => {
                if !matches!(actor, Actor::Operator(_)) {
                    return Err(CommandError::Forbidden("only the alarm company suspends a service".into()));
                }
                let site = self.site_mut(site_id)?;
                site.state.suspended_until_ms = until_ms.filter(|u| *u > now_ms);
                out.sites.insert(site_id);
                let tz = site.info.time_zone;
                let action = if until_ms.is_some() { "suspended" } else { "resumed" };
                let detail = match (
                    until_ms.map(|u| crate::local_time(u, tz)),
                    reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
                ) {
                    (Some(u), Some(r)) => Some(format!("until {u}: {r}")),
                    (Some(u), None) => Some(format!("until {u}")),
                    (None, r) => r.map(str::to_owned),
                };
                site_event(&mut out, site_id, now_ms, actor, action, detail);
                Reply::Done
            }
            Command::ScheduleChange { site_id, change } => {
                let site = self.site_mut(site_id)?;
                site.state.schedule_changes.retain(|c| c.date != change.date);
                site.state.schedule_changes.push(change);
                site.state.schedule_changes.sort_by_key(|c| c.date);
                out.sites.insert(site_id);
                let detail = match change.hours {
                    Some(h) => {
                        format!("{}: open {} to {}", change.date, h.open.format("%H:%M"), h.close.format("%H:%M"))
                    }
                    None => format!("{}: closed all day", change.date),
                };
                site_event(&mut out, site_id, now_ms, actor, "schedule_changed", Some(detail));
                Reply::Done
            }
            Command::ScheduleRevert { site_id, date } => {
                let site = self.site_mut(site_id)?;
                let before = site.state.schedule_changes.len();
                site.state.schedule_changes.retain(|c| c.date != date);
                if site.state.schedule_changes.len() == before {
                    return Err(CommandError::Invalid(format!("no change of the hours on {date}")));
                }
                out.sites.insert(site_id);
                site_event(
                    &mut out,
                    site_id,
                    now_ms,
                    actor,
                    "schedule_change_removed",
                    Some(format!("{date}: the usual hours again")),
                );
                Reply::Done
            }
            Command::CrewFinding { crew_id, text, photo } => {
                if let Actor::Crew(c) = actor {
                    if c != crew_id {
                        return Err(CommandError::Forbidden("a crew reports only for itself".into()));
                    }
                }
                let crew = self.crews.get(&crew_id).ok_or_else(|| CommandError::NotFound(format!("crew {crew_id}")))?;
                let incident = crew
                    .incident
                    .filter(|i| self.incidents.contains_key(i))
                    .ok_or_else(|| CommandError::Invalid("no job to report on".into()))?;
                let text = text.trim();
                if text.is_empty() && photo.is_none() {
                    return Err(CommandError::Invalid("say what you found, or add a photo".into()));
                }
                let detail = match (text.is_empty(), photo) {
                    (false, Some(p)) => format!("{}: {text} (photo {p})", crew.name),
                    (false, None) => format!("{}: {text}", crew.name),
                    (true, Some(p)) => format!("{}: photo {p}", crew.name),
                    (true, None) => unreachable!("checked"),
                };
                journal(&mut out, incident, now_ms, actor, "crew_finding", Some(detail));
                Reply::Done
            }
            Command::CrewReport { crew_id, status, position } => {
                if let Actor::Crew(c) = actor {
                    if c != crew_id {
                        return Err(CommandError::Forbidden("a crew reports only for itself".into()));
                    }
                }
                self.crew_report(crew_id, status, position, actor, now_ms, &mut out)?;
                Reply::Done
            }
        };
        for id in out.journal.iter().map(|j| j.incident).collect::<Vec<_>>() {
            if let Some(inc) = self.incidents.get(&id) {
                out.incidents.insert(id, inc.clone());
            }
        }
        Ok((reply, out))
    }

    fn site_exists(&self, site_id: i64) -> Result<(), CommandError> {
        self.sites.get(&site_id).map(|_| ()).ok_or_else(|| CommandError::NotFound(format!("site {site_id}")))
    }

    fn site_mut(&mut self, site_id: i64) -> Result<&mut crate::site::Site, CommandError> {
        self.sites.get_mut(&site_id).ok_or_else(|| CommandError::NotFound(format!("site {site_id}")))
    }

    /// An open incident another operator has not claimed.
    fn claimable(&mut self, id: i64, by: i64) -> Result<&mut Incident, CommandError> {
        let inc = self.incidents.get_mut(&id).ok_or_else(|| CommandError::NotFound(format!("open incident {id}")))?;
        match inc.claimed_by {
            Some(other) if other != by => Err(CommandError::Claimed { incident: id, by: other }),
            _ => Ok(inc),
        }
    }

    /// An incident being worked by `by`: claims it if nobody has, and moves it on from new
    /// or acknowledged to in progress.
    fn working(&mut self, id: i64, by: i64, now_ms: i64) -> Result<&mut Incident, CommandError> {
        let inc = self.claimable(id, by)?;
        inc.claimed_by = Some(by);
        inc.group_key = None;
        inc.acknowledged_at_ms.get_or_insert(now_ms);
        if matches!(inc.status, Status::New | Status::Acknowledged) {
            inc.status = Status::InProgress;
        }
        inc.updated_at_ms = now_ms;
        Ok(inc)
    }

    fn contact_name(&self, incident: i64, contact_id: i64) -> Result<String, CommandError> {
        let inc =
            self.incidents.get(&incident).ok_or_else(|| CommandError::NotFound(format!("open incident {incident}")))?;
        self.sites[&inc.site_id]
            .info
            .contacts
            .iter()
            .find(|c| c.id == contact_id)
            .map(|c| c.name.clone())
            .ok_or_else(|| CommandError::NotFound(format!("contact {contact_id} of this site")))
    }

    /// After a call: when every available contact was tried without reaching anyone, the
    /// customer gets an SMS ("alarm and no contact reachable").
    fn after_call(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let inc = &self.incidents[&id];
        let site = &self.sites[&inc.site_id];
        let callable: Vec<i64> = site.info.contacts.iter().filter(|c| c.reachable(now_ms)).map(|c| c.id).collect();
        let reached = inc.calls.iter().any(|c| c.outcome != CallOutcome::NoAnswer);
        let all_tried = callable.iter().all(|c| inc.calls.iter().any(|call| call.contact_id == *c));
        let already = out.notices.iter().any(|n| n.kind == NoticeKind::NoContactReached);
        if reached || !all_tried || callable.is_empty() || already || inc.silent {
            return;
        }
        out.notices.push(Notice {
            site_id: inc.site_id,
            incident: Some(id),
            kind: NoticeKind::NoContactReached,
            subject: format!("{}: alarm, nobody reached", site.info.name),
            body: format!(
                "Alarm at {}: {}. We could not reach any of your contacts. Call us back.",
                site.info.name, inc.title
            ),
            sms: true,
            words: Some(NoticeWords::NobodyReached { category: inc.category, place: words::place(&inc.title) }),
        });
        journal(out, id, now_ms, Actor::Engine, "no_contact_reached", Some("SMS sent to the contacts".into()));
    }

    /// A cancel with the password: after [`MAX_WRONG_CANCELS`] wrong ones on an alarm, no
    /// more are taken. Silent (duress) incidents are never cancelled this way and
    /// never mentioned: the caller sees what it would see without them.
    fn cancel(&mut self, site_id: i64, password_ok: bool, actor: Actor, now_ms: i64, out: &mut Output) -> CancelResult {
        let Some(id) = self.open_incident_of(site_id).map(|i| i.id) else {
            return CancelResult::NothingToCancel;
        };
        let inc = self.incidents.get_mut(&id).expect("found");
        let wrong = inc
            .cancel_attempts
            .iter()
            .filter(|a| matches!(a.result, CancelResult::WrongPassword | CancelResult::Locked))
            .count();
        let result = if wrong >= MAX_WRONG_CANCELS {
            CancelResult::Locked
        } else if !password_ok {
            journal(out, id, now_ms, actor, "warning", Some("cancel attempt with a wrong password".into()));
            if wrong + 1 == MAX_WRONG_CANCELS {
                // Someone may be guessing the safe word at the door: operators must look now.
                inc.priority = inc.priority.saturating_sub(1);
                journal(out, id, now_ms, Actor::Engine, "warning", Some(format!("cancel password guessed wrong {MAX_WRONG_CANCELS} times: no more cancels from the app; priority raised")));
            }
            CancelResult::WrongPassword
        } else if inc.crew_id.is_some() {
            journal(out, id, now_ms, actor, "cancel_refused", Some("crew already dispatched: it goes on".into()));
            CancelResult::CrewAlreadyDispatched
        } else {
            CancelResult::Cancelled
        };
        inc.cancel_attempts.push(CancelAttempt { at_ms: now_ms, by: actor.user_id(), result });
        inc.updated_at_ms = now_ms;
        out.incidents.insert(id, inc.clone());
        if result == CancelResult::Cancelled {
            let name = self.sites[&site_id].info.name.clone();
            self.close(id, Resolution::Cancelled, actor, now_ms, "cancelled with the password", out);
            out.notices.push(Notice {
                site_id,
                incident: Some(id),
                kind: NoticeKind::Cancelled,
                subject: format!("{name}: alarm cancelled"),
                body: format!("The alarm at {name} was cancelled with the password. No crew is sent."),
                sms: false,
                words: Some(NoticeWords::Cancelled),
            });
        }
        result
    }

    fn crew_report(
        &mut self,
        crew_id: i64,
        status: Option<CrewStatus>,
        position: Option<rules::geo::LatLon>,
        actor: Actor,
        now_ms: i64,
        out: &mut Output,
    ) -> Result<(), CommandError> {
        let crew = self.crews.get_mut(&crew_id).ok_or_else(|| CommandError::NotFound(format!("crew {crew_id}")))?;
        if let Some(p) = position {
            // A heading only from a real move: GPS jitter of a standing crew is not a direction.
            if rules::geo::distance_m(crew.position, p) >= HEADING_MIN_MOVE_M {
                crew.heading = Some(rules::geo::bearing_deg(crew.position, p));
            }
            crew.position = p;
        }
        crew.updated_at_ms = now_ms;
        let incident = crew.incident;
        if let Some(s) = status {
            crew.status = s;
            crew.on_shift = s != CrewStatus::Off;
            if matches!(s, CrewStatus::Available | CrewStatus::Off | CrewStatus::Returning) {
                crew.incident = None;
            }
        }
        let name = crew.name.clone();
        out.crews.insert(crew_id, crew.clone());
        let (Some(id), Some(s)) = (incident, status) else { return Ok(()) };
        let Some(inc) = self.incidents.get_mut(&id) else { return Ok(()) };
        match s {
            CrewStatus::EnRoute => journal(out, id, now_ms, actor, "crew_en_route", Some(name)),
            CrewStatus::OnSite => {
                inc.on_site_at_ms.get_or_insert(now_ms);
                if let Some(a) = inc.crews.iter_mut().find(|a| a.crew_id == crew_id && a.active()) {
                    a.arrived_at_ms.get_or_insert(now_ms);
                }
                journal(out, id, now_ms, actor, "crew_on_site", Some(name));
            }
            CrewStatus::Available | CrewStatus::Off | CrewStatus::Returning => {
                journal(out, id, now_ms, actor, "crew_left", Some(format!("{name}: {}", words::crew_status(s))));
                self.end_assignment(id, crew_id, CrewEnd::Left, now_ms, out);
            }
            CrewStatus::Dispatched => {
                journal(out, id, now_ms, actor, "crew_status", Some(format!("{name}: {}", words::crew_status(s))))
            }
        }
        if let Some(inc) = self.incidents.get_mut(&id) {
            inc.updated_at_ms = now_ms;
        }
        self.follow_crews(id, now_ms);
        Ok(())
    }

    /// The crew for a dispatch: the one named (free, and not already on this incident), or
    /// the nearest free one.
    fn choose_crew(&self, incident: i64, crew_id: Option<i64>) -> Result<i64, CommandError> {
        let inc = &self.incidents[&incident];
        match crew_id {
            Some(c) => {
                let crew = self.crews.get(&c).ok_or_else(|| CommandError::NotFound(format!("crew {c}")))?;
                if inc.active_crews().any(|a| a.crew_id == c) {
                    return Err(CommandError::Invalid(format!("{} is already on this incident", crew.name)));
                }
                if !crew.available() {
                    return Err(CommandError::Invalid(format!(
                        "{} is not free: it {}",
                        crew.name,
                        words::crew_status(crew.status)
                    )));
                }
                Ok(c)
            }
            None => self
                .candidates(incident)
                .first()
                .map(|c| c.crew_id)
                .ok_or_else(|| CommandError::Invalid("no crew is free".into())),
        }
    }

    /// Calls a crew back from an incident.
    fn recall(
        &mut self,
        incident: i64,
        crew_id: i64,
        actor: Actor,
        now_ms: i64,
        out: &mut Output,
    ) -> Result<(), CommandError> {
        let name = self.incidents[&incident]
            .active_crews()
            .find(|a| a.crew_id == crew_id)
            .map(|a| a.name.clone())
            .ok_or_else(|| CommandError::Invalid(format!("crew {crew_id} is not on this incident")))?;
        self.end_assignment(incident, crew_id, CrewEnd::Recalled, now_ms, out);
        journal(out, incident, now_ms, actor, "crew_recalled", Some(format!("{name}: free again")));
        Ok(())
    }

    /// The open incidents of a storm group that nobody claimed, and those someone did.
    fn storm_members(&self, group: &str) -> Result<(Vec<i64>, Vec<i64>), CommandError> {
        let members: Vec<&Incident> =
            self.incidents.values().filter(|i| i.group_key.as_deref() == Some(group)).collect();
        if members.is_empty() {
            return Err(CommandError::NotFound(format!("storm group {group}")));
        }
        let (free, claimed): (Vec<&Incident>, Vec<&Incident>) =
            members.into_iter().partition(|i| i.claimed_by.is_none());
        Ok((free.iter().map(|i| i.id).collect(), claimed.iter().map(|i| i.id).collect()))
    }

    fn notice_test(&self, site_id: i64, on: bool, out: &mut Output) {
        let name = &self.sites[&site_id].info.name;
        let (subject, body) = if on {
            (format!("{name}: test mode on"), format!("{name} is on test: alarms are recorded but nobody is sent."))
        } else {
            (format!("{name}: test mode off"), format!("{name} is live again."))
        };
        out.notices.push(Notice {
            site_id,
            incident: None,
            kind: NoticeKind::TestMode,
            subject,
            body,
            sms: false,
            words: Some(NoticeWords::TestMode { on }),
        });
    }
}

fn operator(actor: Actor) -> Result<i64, CommandError> {
    match actor {
        Actor::Operator(id) => Ok(id),
        _ => Err(CommandError::Forbidden("operators only".into())),
    }
}

/// Appends a site event.
pub(crate) fn site_event(
    out: &mut Output,
    site_id: i64,
    at_ms: i64,
    actor: Actor,
    action: &str,
    detail: Option<String>,
) {
    out.site_events.push(SiteEvent { site_id, at_ms, actor, action: action.to_owned(), detail });
}
