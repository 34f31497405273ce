//! Working an incident's plan: the automatic steps (notify, dispatch, wait) and dispatching
//! a crew.

use rules::classify::Category;
use rules::geo::{distance_m, eta_s, motion, Motion};

use crate::command::{Actor, CrewStatus};
use crate::crew::Candidate;
use crate::engine::{journal, Engine};
use crate::incident::{Assignment, CrewEnd, Status, StepStatus};
use crate::output::{Notice, NoticeKind, NoticeWords, Output};
use crate::settings::{SiteKind, StepKind};
use crate::words;

/// Positions within this window before the alarm decide whether a vehicle is moving.
pub const MOTION_WINDOW_MS: i64 = 5 * 60_000;

impl Engine {
    /// Runs the incident's pending automatic steps in order, up to the first unfinished wait.
    /// Dispatch waits for the cancel window to end.
    pub(crate) fn run_auto(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let mut i = 0;
        loop {
            let Some(inc) = self.incidents.get(&id) else { return };
            let Some(progress) = inc.steps.get(i).cloned() else { break };
            i += 1;
            if progress.status != StepStatus::Pending || !progress.step.auto {
                continue;
            }
            match progress.step.kind {
                StepKind::Wait { seconds } => {
                    let inc = self.incidents.get_mut(&id).expect("checked");
                    match inc.wait_until_ms {
                        Some(until) if until <= now_ms => {
                            inc.wait_until_ms = None;
                            inc.mark(&progress.step.kind, StepStatus::Done, now_ms, None);
                        }
                        Some(_) => break,
                        None => {
                            inc.wait_until_ms = Some(now_ms + i64::from(seconds) * 1000);
                            break;
                        }
                    }
                }
                StepKind::Dispatch => {
                    if inc.cancel_until_ms.is_some_and(|c| c > now_ms) {
                        continue;
                    }
                    self.auto_dispatch(id, now_ms, out);
                }
                StepKind::NotifyCustomer => {
                    self.notify_alarm(id, now_ms, out);
                }
                StepKind::NotifyPolice
                | StepKind::NotifyFire
                | StepKind::CallContacts
                | StepKind::VerifyPassword
                | StepKind::Instruction { .. } => {
                    let inc = self.incidents.get_mut(&id).expect("checked");
                    inc.mark(&progress.step.kind, StepStatus::Done, now_ms, Some("requested automatically".into()));
                    journal(
                        out,
                        id,
                        now_ms,
                        Actor::Engine,
                        "step",
                        Some(format!("{}: requested automatically", words::step(&progress.step.kind))),
                    );
                }
            }
        }
        if let Some(inc) = self.incidents.get(&id) {
            out.incidents.insert(id, inc.clone());
        }
    }

    /// Tells the site's contacts about the alarm (never for a silent incident).
    fn notify_alarm(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let Some(inc) = self.incidents.get_mut(&id) else { return };
        if inc.silent {
            inc.mark(&StepKind::NotifyCustomer, StepStatus::Skipped, now_ms, None);
            return;
        }
        let site = &self.sites[&inc.site_id];
        let cancel = inc
            .cancel_until_ms
            .map(|_| " Cancel it in the app with your password if it is a false alarm.")
            .unwrap_or_default();
        out.notices.push(Notice {
            site_id: inc.site_id,
            incident: Some(id),
            kind: if inc.category == Category::LinkFailure { NoticeKind::LifeSignMissed } else { NoticeKind::Alarm },
            subject: format!("{}: {}", site.info.name, inc.title),
            body: format!("Alarm at {}: {}.{cancel}", site.info.name, inc.title),
            sms: inc.priority <= 3 || inc.category == Category::LinkFailure,
            words: Some(NoticeWords::Alarm {
                category: inc.category,
                place: words::place(&inc.title),
                cancellable: inc.cancel_until_ms.is_some(),
            }),
        });
        inc.mark(&StepKind::NotifyCustomer, StepStatus::Done, now_ms, None);
        journal(out, id, now_ms, Actor::Engine, "notified", Some("customer notified".into()));
    }

    /// The crews that could go to an incident, nearest first.
    pub fn candidates(&self, id: i64) -> Vec<Candidate> {
        let Some(target) = self.target(id) else { return Vec::new() };
        let mut v: Vec<Candidate> = self
            .crews
            .values()
            .filter(|c| c.available())
            .map(|c| {
                let d = distance_m(c.position, target);
                Candidate { crew_id: c.id, name: c.name.clone(), distance_m: d, eta_s: eta_s(d) }
            })
            .collect();
        v.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.crew_id.cmp(&b.crew_id)));
        v
    }

    /// Where a crew goes for an incident: the alarm's position, else its site's.
    fn target(&self, id: i64) -> Option<rules::geo::LatLon> {
        let inc = self.incidents.get(&id)?;
        Some(inc.position.unwrap_or_else(|| self.sites[&inc.site_id].position()))
    }

    /// Why a crew was chosen, in words: its distance and time, and every crew on shift that
    /// is nearer but busy, with what it is busy with ("Echo 5, 600 m, is on a duress alarm").
    pub fn dispatch_reason(&self, id: i64, crew_id: i64) -> String {
        let Some(target) = self.target(id) else { return String::new() };
        let Some(chosen) = self.crews.get(&crew_id) else { return String::new() };
        let d = distance_m(chosen.position, target);
        let mut text = format!("{}, {}, about {} min", chosen.name, words::distance(d), eta_s(d).div_ceil(60));
        let mut nearer: Vec<(f64, String)> = self
            .crews
            .values()
            .filter(|c| c.id != crew_id && c.on_shift && !c.available() && c.incident != Some(id))
            .map(|c| (distance_m(c.position, target), c))
            .filter(|(dc, _)| *dc < d)
            .map(|(dc, c)| (dc, format!("{}, {}, {}", c.name, words::distance(dc), self.busy_with(c))))
            .collect();
        nearer.sort_by(|a, b| a.0.total_cmp(&b.0));
        if !nearer.is_empty() {
            let list: Vec<String> = nearer.into_iter().take(3).map(|(_, t)| t).collect();
            text.push_str("; nearer but busy: ");
            text.push_str(&list.join("; "));
        }
        text
    }

    /// What keeps a crew from being sent, in words.
    fn busy_with(&self, c: &crate::crew::Crew) -> String {
        match c.incident.and_then(|i| self.incidents.get(&i)) {
            Some(inc) => format!("is on a {} alarm (incident {})", words::category(inc.category), inc.id),
            None => format!("is {}", words::crew_status(c.status)),
        }
    }

    /// The dispatch step run by the engine: a moving vehicle goes to the police with its
    /// track; otherwise the nearest available crew is sent.
    fn auto_dispatch(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let inc = &self.incidents[&id];
        let site = &self.sites[&inc.site_id];
        if site.settings.kind == SiteKind::Vehicle {
            let moving = matches!(motion(&site.state.track, now_ms, MOTION_WINDOW_MS), Motion::Moving { .. });
            let track: Vec<String> =
                site.state.track.iter().map(|f| format!("{:.5},{:.5}", f.pos.0, f.pos.1)).collect();
            let inc = self.incidents.get_mut(&id).expect("checked");
            inc.moving = Some(moving);
            if moving {
                inc.mark(&StepKind::Dispatch, StepStatus::Skipped, now_ms, Some("vehicle is moving".into()));
                inc.steps.push(crate::incident::StepProgress {
                    step: crate::settings::Step::auto(StepKind::NotifyPolice),
                    status: StepStatus::Done,
                    at_ms: Some(now_ms),
                    note: Some(format!("track: {}", track.join(" "))),
                });
                journal(
                    out,
                    id,
                    now_ms,
                    Actor::Engine,
                    "police_notified",
                    Some(format!("moving vehicle; track {}", track.join(" "))),
                );
                return;
            }
        }
        match self.candidates(id).first() {
            Some(c) => {
                let crew = c.crew_id;
                self.dispatch(id, crew, Actor::Engine, now_ms, out);
            }
            None => {
                let busy = self.busy_crews(id);
                let inc = self.incidents.get_mut(&id).expect("checked");
                inc.mark(&StepKind::Dispatch, StepStatus::Failed, now_ms, Some("no crew available".into()));
                journal(
                    out,
                    id,
                    now_ms,
                    Actor::Engine,
                    "no_crew",
                    Some(format!("no crew free: the operator dispatches{busy}")),
                );
            }
        }
    }

    /// The crews on shift that are busy, nearest first, for a "no crew" line.
    fn busy_crews(&self, id: i64) -> String {
        let Some(target) = self.target(id) else { return String::new() };
        let mut busy: Vec<(f64, String)> = self
            .crews
            .values()
            .filter(|c| c.on_shift && !c.available())
            .map(|c| {
                let d = distance_m(c.position, target);
                (d, format!("{}, {}, {}", c.name, words::distance(d), self.busy_with(c)))
            })
            .collect();
        busy.sort_by(|a, b| a.0.total_cmp(&b.0));
        if busy.is_empty() {
            return String::new();
        }
        let list: Vec<String> = busy.into_iter().take(3).map(|(_, t)| t).collect();
        format!(" ({})", list.join("; "))
    }

    /// Sends a crew to an incident: the first one, or a backup when another is still on it.
    /// The journal line says why this crew ("nearest free: ...").
    pub(crate) fn dispatch(&mut self, id: i64, crew_id: i64, actor: Actor, now_ms: i64, out: &mut Output) {
        let reason = self.dispatch_reason(id, crew_id);
        let Some(crew) = self.crews.get_mut(&crew_id) else { return };
        crew.status = CrewStatus::Dispatched;
        crew.incident = Some(id);
        crew.updated_at_ms = now_ms;
        let name = crew.name.clone();
        out.crews.insert(crew_id, crew.clone());
        let inc = self.incidents.get_mut(&id).expect("dispatch to an open incident");
        let backup = inc.active_crews().next().is_some();
        inc.crews.push(Assignment {
            crew_id,
            name: name.clone(),
            backup,
            sent_at_ms: now_ms,
            arrived_at_ms: None,
            ended_at_ms: None,
            end: None,
        });
        inc.crew_id.get_or_insert(crew_id);
        inc.dispatched_at_ms.get_or_insert(now_ms);
        inc.cancel_until_ms = None;
        inc.updated_at_ms = now_ms;
        if let Some(s) =
            inc.steps.iter_mut().find(|s| s.step.kind == StepKind::Dispatch && s.status != StepStatus::Done)
        {
            s.status = StepStatus::Done;
            s.at_ms = Some(now_ms);
            s.note = Some(format!("crew {name}"));
        }
        let (action, how) = match (backup, actor) {
            (true, _) => ("backup_dispatched", "backup"),
            (false, Actor::Engine) => ("dispatched", "nearest free"),
            (false, _) => ("dispatched", "sent"),
        };
        journal(out, id, now_ms, actor, action, Some(format!("{how}: {reason}")));
        let (site_id, silent, category) = (inc.site_id, inc.silent, inc.category);
        self.follow_crews(id, now_ms);
        out.incidents.insert(id, self.incidents[&id].clone());
        if !silent && category != Category::Duress && !backup {
            let site = &self.sites[&site_id];
            out.notices.push(Notice {
                site_id,
                incident: Some(id),
                kind: NoticeKind::CrewDispatched,
                subject: format!("{}: crew on its way", site.info.name),
                body: format!("A response crew ({name}) is on its way to {}.", site.info.name),
                sms: false,
                words: Some(NoticeWords::CrewOnItsWay { crew: name.clone() }),
            });
        }
    }

    /// Ends a crew's part in an incident (it left, or it was recalled) and frees it when it
    /// was called back.
    pub(crate) fn end_assignment(
        &mut self,
        id: i64,
        crew_id: i64,
        end: CrewEnd,
        now_ms: i64,
        out: &mut Output,
    ) -> bool {
        let Some(inc) = self.incidents.get_mut(&id) else { return false };
        let Some(a) = inc.crews.iter_mut().find(|a| a.crew_id == crew_id && a.active()) else { return false };
        a.end = Some(end);
        a.ended_at_ms = Some(now_ms);
        inc.updated_at_ms = now_ms;
        if end == CrewEnd::Recalled {
            if let Some(crew) = self.crews.get_mut(&crew_id).filter(|c| c.incident == Some(id)) {
                crew.incident = None;
                crew.status = CrewStatus::Available;
                crew.updated_at_ms = now_ms;
                out.crews.insert(crew_id, crew.clone());
            }
        }
        self.follow_crews(id, now_ms);
        true
    }

    /// An incident's status follows its crews: on site while one is there, dispatched while
    /// one is on its way, back to in progress (the operator finishes it) once all have left.
    pub(crate) fn follow_crews(&mut self, id: i64, _now_ms: i64) {
        let crews = &self.crews;
        let Some(inc) = self.incidents.get_mut(&id) else { return };
        if inc.crews.is_empty() || !inc.is_open() {
            return;
        }
        let statuses: Vec<CrewStatus> =
            inc.active_crews().map(|a| crews.get(&a.crew_id).map_or(CrewStatus::Dispatched, |c| c.status)).collect();
        inc.status = if statuses.contains(&CrewStatus::OnSite) {
            Status::OnSite
        } else if !statuses.is_empty() {
            Status::Dispatched
        } else {
            Status::InProgress
        };
    }
}
