//! Working an incident's plan: the automatic steps (notify, dispatch, wait) and dispatching
//! a crew.

use rules::classify::Category;
use rules::geo::{distance_m, eta_s, motion, Motion};

use crate::command::{Actor, CrewStatus};
use crate::crew::Candidate;
use crate::engine::{journal, Engine};
use crate::incident::{Status, StepStatus};
use crate::output::{Notice, NoticeKind, Output};
use crate::settings::{SiteKind, StepKind};

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
                            inc.mark(progress.step.kind, StepStatus::Done, now_ms, None);
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
                StepKind::NotifyPolice | StepKind::NotifyFire | StepKind::CallContacts | StepKind::VerifyPassword => {
                    let inc = self.incidents.get_mut(&id).expect("checked");
                    inc.mark(progress.step.kind, StepStatus::Done, now_ms, Some("requested automatically".into()));
                    journal(out, id, now_ms, Actor::Engine, "step", Some(format!("{:?}", progress.step.kind)));
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
            inc.mark(StepKind::NotifyCustomer, StepStatus::Skipped, now_ms, None);
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
        });
        inc.mark(StepKind::NotifyCustomer, StepStatus::Done, now_ms, None);
        journal(out, id, now_ms, Actor::Engine, "notified", Some("customer notified".into()));
    }

    /// The crews that could go to an incident, nearest first.
    pub fn candidates(&self, id: i64) -> Vec<Candidate> {
        let Some(inc) = self.incidents.get(&id) else { return Vec::new() };
        let target = inc.position.unwrap_or_else(|| self.sites[&inc.site_id].position());
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
                inc.mark(StepKind::Dispatch, StepStatus::Skipped, now_ms, Some("vehicle is moving".into()));
                inc.steps.push(crate::incident::StepProgress {
                    step: crate::settings::Step::auto(StepKind::NotifyPolice),
                    status: StepStatus::Done,
                    at_ms: Some(now_ms),
                    note: Some(format!("track: {}", track.join(" "))),
                });
                journal(out, id, now_ms, Actor::Engine, "police_notified", Some(format!("moving vehicle; track {}", track.join(" "))));
                return;
            }
        }
        match self.candidates(id).first() {
            Some(c) => {
                let (crew, d, eta) = (c.crew_id, c.distance_m, c.eta_s);
                self.dispatch(id, crew, Actor::Engine, now_ms, out);
                journal(out, id, now_ms, Actor::Engine, "nearest_crew", Some(format!("{:.1} km, about {} min", d / 1000.0, eta.div_ceil(60))));
            }
            None => {
                let inc = self.incidents.get_mut(&id).expect("checked");
                inc.mark(StepKind::Dispatch, StepStatus::Failed, now_ms, Some("no crew available".into()));
                journal(out, id, now_ms, Actor::Engine, "no_crew", Some("no crew available: operator to dispatch".into()));
            }
        }
    }

    /// Sends a crew to an incident.
    pub(crate) fn dispatch(&mut self, id: i64, crew_id: i64, actor: Actor, now_ms: i64, out: &mut Output) {
        let Some(crew) = self.crews.get_mut(&crew_id) else { return };
        crew.status = CrewStatus::Dispatched;
        crew.incident = Some(id);
        crew.updated_at_ms = now_ms;
        let name = crew.name.clone();
        out.crews.insert(crew_id, crew.clone());
        let inc = self.incidents.get_mut(&id).expect("dispatch to an open incident");
        inc.crew_id = Some(crew_id);
        inc.dispatched_at_ms = Some(now_ms);
        inc.status = Status::Dispatched;
        inc.updated_at_ms = now_ms;
        if inc.steps.iter().any(|s| s.step.kind == StepKind::Dispatch && s.status != StepStatus::Done) {
            let pending = inc.steps.iter_mut().find(|s| s.step.kind == StepKind::Dispatch && s.status != StepStatus::Done);
            if let Some(s) = pending {
                s.status = StepStatus::Done;
                s.at_ms = Some(now_ms);
                s.note = Some(format!("crew {name}"));
            }
        }
        journal(out, id, now_ms, actor, "dispatched", Some(format!("crew {name}")));
        let (site_id, silent, category) = (inc.site_id, inc.silent, inc.category);
        out.incidents.insert(id, inc.clone());
        if !silent && category != Category::Duress {
            let site = &self.sites[&site_id];
            out.notices.push(Notice {
                site_id,
                incident: Some(id),
                kind: NoticeKind::CrewDispatched,
                subject: format!("{}: crew on its way", site.info.name),
                body: format!("A response crew ({name}) is on its way to {}.", site.info.name),
                sms: false,
            });
        }
    }
}
