//! The clock's part: cancel windows and waits that end, test periods and suspensions that
//! expire, opening hours not kept, vehicles that stop reporting. Every timer is a stored
//! deadline, so a restart only delays what is due until the first tick.

use rules::classify::{default_priority, Category};
use rules::schedule::{dues_between, Expectation, TempChange};

use crate::command::Actor;
use crate::commands::site_event;
use crate::engine::{journal, Engine};
use crate::incident::Status;
use crate::output::{Notice, NoticeKind, Output};
use crate::site::ArmState;

/// Priority of late-to-open and fail-to-close incidents.
pub const SCHEDULE_PRIORITY: u8 = 6;
/// Priority of a missed life sign.
pub const LIFE_SIGN_PRIORITY: u8 = 5;

impl Engine {
    /// Does everything due at `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> Output {
        let mut out = Output::default();
        let due: Vec<i64> =
            self.incidents.values().filter(|i| i.deadline().is_some_and(|d| d <= now_ms)).map(|i| i.id).collect();
        for id in due {
            let inc = self.incidents.get_mut(&id).expect("listed");
            if inc.cancel_until_ms.is_some_and(|c| c <= now_ms) {
                inc.cancel_until_ms = None;
                journal(&mut out, id, now_ms, Actor::Engine, "cancel_window_ended", None);
            }
            self.run_auto(id, now_ms, &mut out);
        }
        self.escalate(now_ms, &mut out);
        let site_ids: Vec<i64> = self.sites.keys().copied().collect();
        for site_id in site_ids {
            self.expire(site_id, now_ms, &mut out);
            self.check_schedule(site_id, now_ms, &mut out);
            self.check_life_sign(site_id, now_ms, &mut out);
        }
        out
    }

    /// Incidents still unclaimed after the escalation time are flagged for supervisors,
    /// once each (test incidents close at once and are never escalated).
    fn escalate(&mut self, now_ms: i64, out: &mut Output) {
        let after = self.escalate_after_ms;
        for inc in self.incidents.values_mut() {
            let late = inc.status == Status::New && !inc.test && inc.escalated_at_ms.is_none();
            if late && inc.opened_at_ms + after <= now_ms {
                inc.escalated_at_ms = Some(now_ms);
                let detail = format!("not claimed within {} s: supervisors alerted", after / 1000);
                journal(out, inc.id, now_ms, Actor::Engine, "escalated", Some(detail));
                out.incidents.insert(inc.id, inc.clone());
            }
        }
    }

    fn expire(&mut self, site_id: i64, now_ms: i64, out: &mut Output) {
        let site = self.sites.get_mut(&site_id).expect("listed");
        if site.state.test.as_ref().is_some_and(|t| t.until_ms <= now_ms) {
            site.state.test = None;
            out.sites.insert(site_id);
            site_event(out, site_id, now_ms, Actor::Engine, "test_ended", Some("expired: live again".into()));
            let name = site.info.name.clone();
            out.notices.push(Notice {
                site_id,
                incident: None,
                kind: NoticeKind::TestMode,
                subject: format!("{name}: test mode off"),
                body: format!("{name} is live again."),
                sms: false,
                words: Some(crate::output::NoticeWords::TestMode { on: false }),
            });
        }
        if site.state.suspended_until_ms.is_some_and(|u| u <= now_ms) {
            site.state.suspended_until_ms = None;
            out.sites.insert(site_id);
            site_event(out, site_id, now_ms, Actor::Engine, "resumed", Some("suspension ended".into()));
        }
    }

    /// Late-to-open and fail-to-close: each opening or closing time (plus tolerance) that
    /// passed since the last check is compared with the arming state.
    fn check_schedule(&mut self, site_id: i64, now_ms: i64, out: &mut Output) {
        let site = self.sites.get_mut(&site_id).expect("listed");
        let Some(schedule) = site.settings.schedule.clone() else { return };
        let from = match site.state.schedule_checked_ms {
            Some(t) => t,
            None => {
                site.state.schedule_checked_ms = Some(now_ms);
                out.sites.insert(site_id);
                return;
            }
        };
        if from >= now_ms {
            return;
        }
        // A site's own change of a day wins over the holiday (the last change of a date holds).
        let holidays = self
            .holidays
            .iter()
            .filter(|_| site.settings.closed_on_holidays)
            .map(|&date| TempChange { date, hours: None });
        let changes: Vec<TempChange> = holidays.chain(site.state.schedule_changes.iter().copied()).collect();
        let dues = dues_between(&schedule, &changes, site.info.time_zone, from, now_ms);
        site.state.schedule_checked_ms = Some(now_ms);
        out.sites.insert(site_id);
        let arm = site.state.arm;
        let suspended = site.state.suspended(now_ms) || site.state.test_at(now_ms).is_some();
        for due in dues {
            let title = match (due.expect, arm) {
                (Expectation::Open, ArmState::Armed | ArmState::Night) => "Late to open",
                (Expectation::Close, ArmState::Disarmed) => "Fail to close",
                _ => continue,
            };
            if suspended {
                continue;
            }
            let id = self.open(site_id, Category::OpenClose, SCHEDULE_PRIORITY, title, now_ms, out);
            let expected = crate::local_time(due.scheduled_ms, self.sites[&site_id].info.time_zone);
            journal(out, id, now_ms, Actor::Engine, "schedule", Some(format!("expected at {expected}")));
            self.start_plan(id, now_ms, out);
        }
    }

    /// Vehicles (and any site with a life-sign period): no contact for that long raises one
    /// incident until the next signal.
    fn check_life_sign(&mut self, site_id: i64, now_ms: i64, out: &mut Output) {
        let site = self.sites.get_mut(&site_id).expect("listed");
        let Some(period) = site.settings.life_sign_ms else { return };
        let Some(last) = site.state.last_contact_ms else { return };
        if site.state.life_sign_raised || last + period > now_ms || site.state.suspended(now_ms) {
            return;
        }
        site.state.life_sign_raised = true;
        out.sites.insert(site_id);
        let days = period as f64 / 86_400_000.0;
        let title = if days >= 1.0 {
            format!("No life sign for {days:.0} days")
        } else {
            format!("No life sign for {} min", period / 60_000)
        };
        let id = self.open(
            site_id,
            Category::LinkFailure,
            LIFE_SIGN_PRIORITY.min(default_priority(Category::LinkFailure) + 1),
            &title,
            now_ms,
            out,
        );
        self.start_plan(id, now_ms, out);
    }
}
