//! The engine's rules over a fake clock: each test is a short story of signals, commands
//! and time.

mod common;

use common::*;
use engine::rules::classify::Category;
use engine::rules::schedule::{OpenHours, WeeklySchedule};
use engine::*;

const OP: Actor = Actor::Operator(1);
const CUSTOMER: Actor = Actor::Customer(101);

fn only_open(e: &Engine) -> Incident {
    let open = e.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    open[0].clone()
}

#[test]
fn burglary_cancelled_within_the_window_closes_without_a_crew() {
    let mut e = city(SiteSettings::default());
    let out = e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let inc = only_open(&e);
    assert_eq!((inc.category, inc.priority, inc.status), (Category::Burglary, 3, Status::New));
    assert_eq!(inc.cancel_until_ms, Some(T0 + 150 * SEC), "default intrusion window 150 s");
    assert!(out.notices.iter().any(|n| n.kind == NoticeKind::Alarm), "customer told at once");
    assert!(e.tick(T0 + 60 * SEC).crews.is_empty(), "no crew inside the window");
    let (reply, out) =
        e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: true }, T0 + 90 * SEC).unwrap();
    assert_eq!(reply, Reply::Cancel { result: CancelResult::Cancelled });
    let closed = &out.incidents[&inc.id];
    assert_eq!((closed.status, closed.resolution), (Status::Closed, Some(Resolution::Cancelled)));
    assert_eq!(closed.crew_id, None);
    assert!(e.open_incidents().is_empty());
    let later = e.tick(T0 + 10 * MIN);
    assert!(later.crews.is_empty() && later.incidents.is_empty(), "nothing is dispatched after a cancel");
}

#[test]
fn burglary_without_cancel_dispatches_the_nearest_crew_and_a_late_cancel_is_refused() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let out = e.tick(T0 + 150 * SEC);
    let inc = only_open(&e);
    assert_eq!(inc.status, Status::Dispatched);
    assert_eq!(inc.crew_id, Some(7), "crew 7 is 3 km away, crew 8 further");
    assert_eq!(out.crews[&7].status, CrewStatus::Dispatched);
    assert!(
        out.journal
            .iter()
            .any(|j| j.action == "dispatched" && j.detail.as_deref().unwrap().starts_with("nearest free: Echo 7, 3.")),
        "{:?}",
        out.journal
    );
    let (reply, out) =
        e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: true }, T0 + 200 * SEC).unwrap();
    assert_eq!(reply, Reply::Cancel { result: CancelResult::CrewAlreadyDispatched });
    assert!(out.journal.iter().any(|j| j.action == "cancel_refused"));
    let inc = only_open(&e);
    assert_eq!(inc.cancel_attempts.len(), 1, "the attempt is recorded and shown");
    assert_eq!(inc.status, Status::Dispatched, "the crew is not recalled");
}

#[test]
fn a_wrong_password_cancels_nothing_and_is_a_warning() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let (reply, out) =
        e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: false }, T0 + 10 * SEC).unwrap();
    assert_eq!(reply, Reply::Cancel { result: CancelResult::WrongPassword });
    assert!(out.journal.iter().any(|j| j.action == "warning"));
    assert_eq!(only_open(&e).status, Status::New);
}

#[test]
fn duress_is_silent_top_priority_and_the_customer_sees_a_normal_disarm() {
    let settings = SiteSettings { duress_user: Some("9".into()), ..SiteSettings::default() };
    let mut e = city(settings);
    e.on_signal(&cid(1, T0 - MIN, "3", "401", "001"), T0 - MIN);
    let out = e.on_signal(&cid(2, T0, "1", "401", "009"), T0);
    let inc = only_open(&e);
    assert_eq!((inc.category, inc.priority, inc.silent), (Category::Duress, 0, true));
    assert!(out.notices.is_empty(), "nobody at the site is told: {:?}", out.notices);
    assert_eq!(inc.crew_id, Some(7), "a crew goes at once");
    let view = e.customer_site(1, T0).unwrap();
    assert_eq!(view.arm, ArmState::Disarmed);
    assert!(view.alarms.is_empty(), "{view:?}");
    let (reply, _) = e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: true }, T0 + SEC).unwrap();
    assert_eq!(reply, Reply::Cancel { result: CancelResult::NothingToCancel }, "as if there were no alarm");
    assert!(e.incident(inc.id).unwrap().is_open());
}

#[test]
fn contact_id_121_is_duress_and_a_later_burglary_opens_its_own_visible_incident() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "121", "002"), T0);
    e.on_signal(&cid(2, T0 + SEC, "1", "130", "003"), T0 + SEC);
    let open = e.open_incidents();
    assert_eq!(open.len(), 2);
    assert_eq!((open[0].category, open[0].silent), (Category::Duress, true));
    assert_eq!((open[1].category, open[1].silent), (Category::Burglary, false));
    assert_eq!(e.customer_site(1, T0 + SEC).unwrap().alarms.len(), 1);
}

#[test]
fn fire_has_a_120_second_window_and_outranks_a_joined_burglary() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    e.on_signal(&cid(2, T0 + SEC, "1", "110", "005"), T0 + SEC);
    let inc = only_open(&e);
    assert_eq!((inc.category, inc.priority, inc.signals.len()), (Category::Fire, 1, 2));
    assert!(inc.steps.iter().any(|s| s.step.kind == StepKind::NotifyFire));
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "110", "005"), T0);
    assert_eq!(only_open(&e).cancel_until_ms, Some(T0 + 120 * SEC));
    e.tick(T0 + 119 * SEC);
    assert_eq!(only_open(&e).status, Status::New);
    e.tick(T0 + 120 * SEC);
    assert_eq!(only_open(&e).status, Status::Dispatched);
}

#[test]
fn restores_join_and_close_nothing() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let out = e.on_signal(&cid(2, T0 + SEC, "3", "130", "003"), T0 + SEC);
    assert!(out.journal.iter().any(|j| j.action == "restore"));
    assert!(only_open(&e).is_open());
}

#[test]
fn test_mode_records_alarms_as_test_and_expires_by_itself() {
    let mut e = city(SiteSettings::default());
    e.on_command(CUSTOMER, Command::StartTest { site_id: 1, until_ms: T0 + 30 * MIN, scope: TestScope::default() }, T0)
        .unwrap();
    let out = e.on_signal(&cid(1, T0 + MIN, "1", "130", "003"), T0 + MIN);
    let inc = out.incidents.values().next().unwrap();
    assert_eq!((inc.test, inc.resolution), (true, Some(Resolution::Test)));
    assert!(out.notices.is_empty() && out.crews.is_empty(), "no action on test");
    assert!(e.open_incidents().is_empty());
    let out = e.tick(T0 + 30 * MIN);
    assert!(out.site_events.iter().any(|s| s.action == "test_ended"));
    e.on_signal(&cid(2, T0 + 31 * MIN, "1", "130", "003"), T0 + 31 * MIN);
    assert!(!only_open(&e).test, "live again");
}

#[test]
fn only_an_operator_puts_some_zones_on_test_and_other_zones_stay_live() {
    let mut e = city(SiteSettings::default());
    let scope = TestScope { zones: vec!["3".into()], categories: vec![] };
    let err = e
        .on_command(CUSTOMER, Command::StartTest { site_id: 1, until_ms: T0 + MIN, scope: scope.clone() }, T0)
        .unwrap_err();
    assert!(matches!(err, CommandError::Forbidden(_)));
    e.on_command(OP, Command::StartTest { site_id: 1, until_ms: T0 + 30 * MIN, scope }, T0).unwrap();
    e.on_signal(&cid(1, T0 + MIN, "1", "130", "003"), T0 + MIN);
    assert!(e.open_incidents().is_empty(), "zone 3 is on test");
    e.on_signal(&cid(2, T0 + MIN, "1", "130", "004"), T0 + MIN);
    assert!(!only_open(&e).test, "zone 4 is live");
}

#[test]
fn a_suspended_site_takes_no_action_but_life_safety_alarms_still_reach_the_operators() {
    let mut e = city(SiteSettings { duress_user: Some("9".into()), ..SiteSettings::default() });
    e.on_command(
        OP,
        Command::Suspend { site_id: 1, until_ms: Some(T0 + 60 * MIN), reason: Some("renovation".into()) },
        T0,
    )
    .unwrap();
    let out = e.on_signal(&cid(1, T0 + MIN, "1", "130", "003"), T0 + MIN);
    assert!(out.incidents.is_empty() && out.notices.is_empty(), "a burglary at a suspended site: nothing");
    for (seq, code, user) in [(2, "110", "003"), (3, "120", "003"), (4, "100", "003"), (5, "401", "009")] {
        let out = e.on_signal(&cid(seq, T0 + 2 * MIN, "1", code, user), T0 + 2 * MIN);
        let inc = out.incidents.values().next().unwrap_or_else(|| panic!("code {code} must reach the operators"));
        assert!(inc.title.contains("suspended site"), "{}", inc.title);
    }
    assert!(matches!(
        e.on_command(CUSTOMER, Command::Suspend { site_id: 1, until_ms: None, reason: None }, T0),
        Err(CommandError::Forbidden(_))
    ));
}

#[test]
fn three_wrong_cancel_passwords_lock_cancelling_and_raise_the_priority() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let priority = only_open(&e).priority;
    for i in 0..3 {
        let reply = e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: false }, T0 + i * SEC).unwrap();
        assert_eq!(reply.0, Reply::Cancel { result: CancelResult::WrongPassword });
    }
    let inc = only_open(&e);
    assert_eq!(inc.priority, priority - 1, "raised one step");
    let reply = e.on_command(CUSTOMER, Command::Cancel { site_id: 1, password_ok: true }, T0 + 5 * SEC).unwrap();
    assert_eq!(reply.0, Reply::Cancel { result: CancelResult::Locked }, "even the right password is not taken now");
    assert!(only_open(&e).is_open());
}

#[test]
fn a_duress_opening_shows_as_the_user_it_stands_for_and_its_dispatch_is_not_the_customers() {
    let mut e = city(SiteSettings {
        duress_user: Some("9".into()),
        duress_shown_as: Some("2".into()),
        ..SiteSettings::default()
    });
    e.on_signal(&cid(1, T0, "1", "401", "009"), T0);
    assert_eq!(e.site(1).unwrap().state.arm_user.as_deref(), Some("2"));
    let duress = e.open_incidents().into_iter().find(|i| i.silent).expect("a silent incident").id;
    e.on_command(
        OP,
        Command::Close { incident: duress, resolution: Resolution::FalseUser, recall_crews: true },
        T0 + MIN,
    )
    .unwrap();
    let year = engine::rules::billing::year_of(T0, chrono_tz::Europe::Bucharest);
    assert_eq!(e.billing(1, year).unwrap().dispatches, 1, "the company's books have it");
    assert_eq!(e.customer_billing(1, year).unwrap().dispatches, 0, "the customer's do not");
}

fn weekdays_8_to_18() -> WeeklySchedule {
    let h = |o: u32, c: u32| {
        Some(OpenHours {
            open: chrono::NaiveTime::from_hms_opt(o, 0, 0).unwrap(),
            close: chrono::NaiveTime::from_hms_opt(c, 0, 0).unwrap(),
        })
    };
    WeeklySchedule {
        days: [h(8, 18), h(8, 18), h(8, 18), h(8, 18), h(8, 18), None, None],
        later: Default::default(),
        tolerance_min: 15,
    }
}

#[test]
fn fail_to_close_and_late_to_open_raise_low_priority_incidents() {
    // T0 is Monday 2026-11-30 12:00 in Bucharest (UTC+2).
    let mut e = city(SiteSettings { schedule: Some(weekdays_8_to_18()), ..SiteSettings::default() });
    e.on_signal(&cid(1, T0, "1", "401", "001"), T0);
    e.tick(T0);
    assert!(e.tick(T0 + 6 * 60 * MIN + 14 * MIN).incidents.is_empty(), "18:14: within tolerance");
    e.tick(T0 + 6 * 60 * MIN + 15 * MIN);
    let inc = only_open(&e);
    assert_eq!((inc.title.as_str(), inc.priority), ("Fail to close", SCHEDULE_PRIORITY));
    e.on_command(
        OP,
        Command::Close { incident: inc.id, resolution: Resolution::FalseUser, recall_crews: true },
        T0 + 7 * 60 * MIN,
    )
    .unwrap();
    e.on_signal(&cid(2, T0 + 7 * 60 * MIN, "3", "401", "001"), T0 + 7 * 60 * MIN);
    e.tick(T0 + 22 * 60 * MIN);
    let inc = only_open(&e);
    assert_eq!(inc.title, "Late to open", "still armed at 08:15 on Tuesday");
}

#[test]
fn working_late_moves_the_closing_time_for_that_day() {
    let mut e = city(SiteSettings { schedule: Some(weekdays_8_to_18()), ..SiteSettings::default() });
    e.on_signal(&cid(1, T0, "1", "401", "001"), T0);
    e.tick(T0);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let late = OpenHours {
        open: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        close: chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
    };
    e.on_command(
        CUSTOMER,
        Command::ScheduleChange { site_id: 1, change: rules::schedule::TempChange { date: today, hours: Some(late) } },
        T0,
    )
    .unwrap();
    e.tick(T0 + 7 * 60 * MIN);
    assert!(e.open_incidents().is_empty(), "19:00 is fine tonight");
    e.tick(T0 + 9 * 60 * MIN + 16 * MIN);
    assert_eq!(only_open(&e).title, "Fail to close");
}

fn vehicle() -> Engine {
    let settings = SiteSettings {
        kind: SiteKind::Vehicle,
        cancel_window_s: 0,
        life_sign_ms: Some(3 * 24 * 60 * MIN),
        ..SiteSettings::default()
    };
    city(settings)
}

fn fix(id: i64, at: i64, pos: (f64, f64)) -> Signal {
    Signal { position: Some(pos), ..cid(id, at, "1", "602", "000") }
}

#[test]
fn a_standing_vehicle_gets_a_crew_and_a_moving_one_goes_to_the_police_with_its_track() {
    let mut e = vehicle();
    e.on_signal(&fix(1, T0 - 2 * MIN, (44.4300, 26.1000)), T0 - 2 * MIN);
    e.on_signal(&Signal { position: Some((44.4300, 26.1001)), ..cid(2, T0, "1", "130", "001") }, T0);
    e.tick(T0);
    let inc = only_open(&e);
    assert_eq!((inc.moving, inc.status), (Some(false), Status::Dispatched));

    let mut e = vehicle();
    e.on_signal(&fix(1, T0 - 2 * MIN, (44.4300, 26.1000)), T0 - 2 * MIN);
    e.on_signal(&fix(2, T0 - MIN, (44.4400, 26.1000)), T0 - MIN);
    let out = e.on_signal(&Signal { position: Some((44.4500, 26.1000)), ..cid(3, T0, "1", "130", "001") }, T0);
    let mut out2 = e.tick(T0);
    out2.merge(out);
    let inc = only_open(&e);
    assert_eq!((inc.moving, inc.crew_id), (Some(true), None));
    let police = out2.journal.iter().find(|j| j.action == "police_notified").expect("police notified");
    assert!(police.detail.as_deref().unwrap().contains("44.44000,26.10000"), "{police:?}");
}

#[test]
fn a_vehicle_silent_for_its_life_sign_period_raises_one_incident() {
    let mut e = vehicle();
    e.on_signal(&fix(1, T0, (44.43, 26.10)), T0);
    assert!(e.tick(T0 + 3 * 24 * 60 * MIN - 1).incidents.is_empty());
    let out = e.tick(T0 + 3 * 24 * 60 * MIN);
    let inc = only_open(&e);
    assert_eq!(inc.title, "No life sign for 3 days");
    assert!(out.notices.iter().any(|n| n.kind == NoticeKind::LifeSignMissed && n.sms));
    let later = e.tick(T0 + 4 * 24 * 60 * MIN);
    assert!(later.journal.iter().all(|j| j.action != "opened"), "raised once");
    assert_eq!(only_open(&e).id, inc.id);
}

#[test]
fn one_operator_claims_and_another_is_refused() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    e.on_command(OP, Command::Acknowledge { incident: id }, T0 + SEC).unwrap();
    let err = e.on_command(Actor::Operator(2), Command::Acknowledge { incident: id }, T0 + 2 * SEC).unwrap_err();
    assert_eq!(err, CommandError::Claimed { incident: id, by: 1 });
    assert!(e.on_command(Actor::Operator(2), Command::Note { incident: id, text: "x".into() }, T0).is_err());
    let (_, out) = e.on_command(OP, Command::Release { incident: id }, T0 + 3 * SEC).unwrap();
    assert_eq!(
        (out.incidents[&id].status, out.incidents[&id].claimed_by),
        (Status::New, None),
        "back in the queue, unclaimed"
    );
    e.on_command(Actor::Operator(2), Command::Acknowledge { incident: id }, T0 + 4 * SEC).unwrap();
}

#[test]
fn nobody_reached_sends_an_sms_and_a_crew_goes_en_route_then_on_site() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    let (_, out) = e
        .on_command(OP, Command::Call { incident: id, contact_id: 11, outcome: CallOutcome::NoAnswer }, T0 + 20 * SEC)
        .unwrap();
    assert!(out.notices.is_empty());
    let (_, out) = e
        .on_command(OP, Command::Call { incident: id, contact_id: 12, outcome: CallOutcome::NoAnswer }, T0 + 40 * SEC)
        .unwrap();
    assert!(out.notices.iter().any(|n| n.kind == NoticeKind::NoContactReached && n.sms));
    e.on_command(OP, Command::Dispatch { incident: id, crew_id: Some(8) }, T0 + 50 * SEC).unwrap();
    e.on_command(
        Actor::Crew(8),
        Command::CrewReport { crew_id: 8, status: Some(CrewStatus::EnRoute), position: None },
        T0 + 60 * SEC,
    )
    .unwrap();
    e.on_command(
        Actor::Crew(8),
        Command::CrewReport { crew_id: 8, status: Some(CrewStatus::OnSite), position: Some((44.4268, 26.1025)) },
        T0 + 9 * MIN,
    )
    .unwrap();
    assert_eq!(only_open(&e).status, Status::OnSite);
    let err = e
        .on_command(
            OP,
            Command::Close { incident: id, resolution: Resolution::Real, recall_crews: false },
            T0 + 30 * MIN,
        )
        .unwrap_err();
    assert_eq!(err, CommandError::CrewsOut(vec!["Echo 8".into()]), "closing with a crew on it asks first");
    let (_, out) = e
        .on_command(
            OP,
            Command::Close { incident: id, resolution: Resolution::Real, recall_crews: true },
            T0 + 30 * MIN,
        )
        .unwrap();
    assert!(out.crews.contains_key(&8), "the crew is free again");
    assert!(e.crews().find(|c| c.id == 8).unwrap().incident.is_none());
    assert!(out.journal.iter().any(|j| j.action == "crew_recalled"));
}

#[test]
fn a_storm_folds_into_groups_by_area_and_kind() {
    let sites = (1..=40).map(|i| {
        let pos = if i <= 30 { (44.43 + (i as f64) * 0.0005, 26.10) } else { (45.75, 21.23) };
        site(i, pos, SiteSettings::default())
    });
    let mut e = Engine::new(sites, [], [crew(7, (44.45, 26.08))], 0);
    for i in 1..=40 {
        e.on_signal(&Signal { site_id: Some(i), ..cid(i, T0, "1", "130", "001") }, T0 + i);
    }
    let open = e.open_incidents();
    assert_eq!(open.len(), 40);
    let mut keys: Vec<_> = open.iter().filter_map(|i| i.group_key.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(open.iter().filter(|i| i.group_key.is_some()).count(), 40);
}

#[test]
fn billing_over_a_year_follows_the_rules() {
    let connected = T0 - 400 * 24 * 60 * MIN;
    let settings = SiteSettings {
        billing: rules::billing::Terms {
            connected_at_ms: connected,
            warranty_until_ms: None,
            included_per_year: 4,
            ..Default::default()
        },
        ..SiteSettings::default()
    };
    let mut e = city(settings);
    let mut t = T0 - 300 * 24 * 60 * MIN; // early February 2026
    let outcomes = [
        Resolution::FalseUser,
        Resolution::FalseUser,
        Resolution::Real,
        Resolution::Real,
        Resolution::FalseTechnical,
        Resolution::Real,
        Resolution::FalseUser,
    ];
    for (n, r) in outcomes.iter().enumerate() {
        let n = n as i64;
        e.on_signal(&cid(n + 1, t, "1", "130", "003"), t);
        e.tick(t + 150 * SEC);
        let id = only_open(&e).id;
        e.on_command(OP, Command::Close { incident: id, resolution: *r, recall_crews: true }, t + 20 * MIN).unwrap();
        t += 30 * 24 * 60 * MIN;
    }
    let account = e.billing(1, 2026).unwrap();
    assert_eq!(account.dispatches, 7);
    assert_eq!(account.free, 1, "the first false call of the year");
    assert_eq!(account.included_used, 4);
    assert_eq!(account.billable, 2);
}

#[test]
fn an_unclaimed_incident_escalates_once_and_a_claimed_one_never() {
    let mut e = city(SiteSettings::default());
    e.set_escalation(45 * SEC);
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let inc = only_open(&e);
    assert!(e.tick(T0 + 44 * SEC).journal.iter().all(|j| j.action != "escalated"), "not before the limit");
    let out = e.tick(T0 + 46 * SEC);
    assert_eq!(out.journal.iter().filter(|j| j.action == "escalated").count(), 1);
    assert_eq!(out.incidents[&inc.id].escalated_at_ms, Some(T0 + 46 * SEC));
    assert!(e.tick(T0 + 50 * SEC).journal.iter().all(|j| j.action != "escalated"), "only once");

    let mut e = city(SiteSettings::default());
    e.set_escalation(45 * SEC);
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let inc = only_open(&e);
    e.on_command(OP, Command::Acknowledge { incident: inc.id }, T0 + 10 * SEC).unwrap();
    assert!(e.tick(T0 + 60 * SEC).journal.iter().all(|j| j.action != "escalated"), "claimed in time");
}

#[test]
fn the_billing_preview_changes_nothing_and_matches_the_real_close() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    assert_eq!(e.charge_if_closed(id, Resolution::Real), None, "no crew sent: nothing to bill");
    e.tick(T0 + 10 * MIN);
    let preview = e.charge_if_closed(id, Resolution::FalseUser).expect("a crew was sent");
    assert_eq!(e.charge_if_closed(id, Resolution::FalseUser), Some(preview), "previewing changes nothing");
    e.on_command(OP, Command::Acknowledge { incident: id }, T0 + 11 * MIN).unwrap();
    let (_, out) = e
        .on_command(
            OP,
            Command::Close { incident: id, resolution: Resolution::FalseUser, recall_crews: true },
            T0 + 12 * MIN,
        )
        .unwrap();
    assert_eq!(out.incidents[&id].charge, Some(preview));
}

#[test]
fn a_moving_crew_gets_a_heading_and_jitter_does_not_turn_it() {
    let mut e = city(SiteSettings::default());
    let crew = e.crews().next().unwrap().clone();
    let north = (crew.position.0 + 0.01, crew.position.1);
    let (_, out) = e
        .on_command(
            Actor::Crew(crew.id),
            Command::CrewReport { crew_id: crew.id, status: None, position: Some(north) },
            T0,
        )
        .unwrap();
    let heading = out.crews[&crew.id].heading.expect("moved 1 km north");
    assert!(!(1.0..=359.0).contains(&heading), "{heading}");
    let jitter = (north.0, north.1 + 0.00005);
    let (_, out) = e
        .on_command(
            Actor::Crew(crew.id),
            Command::CrewReport { crew_id: crew.id, status: None, position: Some(jitter) },
            T0 + SEC,
        )
        .unwrap();
    assert_eq!(out.crews[&crew.id].heading, Some(heading), "4 m of jitter keeps the heading");
}

fn report(e: &mut Engine, crew: i64, status: CrewStatus, at: i64) -> Output {
    e.on_command(Actor::Crew(crew), Command::CrewReport { crew_id: crew, status: Some(status), position: None }, at)
        .unwrap()
        .1
}

#[test]
fn the_incident_follows_its_crew_through_every_status_and_shows_when_it_left() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    e.on_command(OP, Command::Dispatch { incident: id, crew_id: Some(7) }, T0 + 10 * SEC).unwrap();
    let walk = [
        (CrewStatus::EnRoute, Status::Dispatched, true),
        (CrewStatus::OnSite, Status::OnSite, true),
        (CrewStatus::Returning, Status::InProgress, false),
        (CrewStatus::Available, Status::InProgress, false),
    ];
    for (n, (crew_status, incident_status, active)) in walk.into_iter().enumerate() {
        let at = T0 + (n as i64 + 1) * MIN;
        report(&mut e, 7, crew_status, at);
        let inc = e.incident(id).unwrap();
        assert_eq!(inc.status, incident_status, "crew {crew_status:?}");
        assert_eq!(inc.crews[0].active(), active, "crew {crew_status:?}");
        if !active {
            assert_eq!(
                (inc.crews[0].end, inc.crews[0].ended_at_ms),
                (Some(CrewEnd::Left), Some(T0 + 3 * MIN)),
                "left when it said it was leaving"
            );
        }
    }
    let crew = e.crews().find(|c| c.id == 7).unwrap();
    assert_eq!((crew.status, crew.incident), (CrewStatus::Available, None));
    // The crew, free again, can be sent elsewhere; the old incident keeps what it did.
    e.on_command(OP, Command::Close { incident: id, resolution: Resolution::Real, recall_crews: false }, T0 + 10 * MIN)
        .unwrap();
}

#[test]
fn a_backup_crew_a_recall_and_a_reassignment() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    e.on_command(OP, Command::Dispatch { incident: id, crew_id: Some(7) }, T0 + 10 * SEC).unwrap();
    let err = e.on_command(OP, Command::Dispatch { incident: id, crew_id: Some(7) }, T0 + 11 * SEC).unwrap_err();
    assert!(matches!(err, CommandError::Invalid(ref m) if m.contains("already on this incident")), "{err:?}");
    let (_, out) = e.on_command(OP, Command::Dispatch { incident: id, crew_id: None }, T0 + 20 * SEC).unwrap();
    let inc = &out.incidents[&id];
    assert_eq!(inc.crews.iter().map(|a| (a.crew_id, a.backup)).collect::<Vec<_>>(), vec![(7, false), (8, true)]);
    let backup = out.journal.iter().find(|j| j.action == "backup_dispatched").and_then(|j| j.detail.clone()).unwrap();
    assert!(
        !backup.contains("nearer but busy"),
        "the crew already on this incident is not a busy alternative: {backup}"
    );
    assert!(out.notices.is_empty(), "the customer was told of the first crew only");
    // Recall the backup: it is free again, the first crew still goes.
    let (_, out) = e.on_command(OP, Command::Recall { incident: id, crew_id: 8 }, T0 + 30 * SEC).unwrap();
    assert_eq!(out.crews[&8].status, CrewStatus::Available);
    assert_eq!(out.incidents[&id].status, Status::Dispatched);
    // Reassign: crew 7 back, the nearest free crew (8, not 7 just freed) instead.
    let (_, out) =
        e.on_command(OP, Command::Reassign { incident: id, from_crew: 7, to_crew: None }, T0 + 40 * SEC).unwrap();
    let inc = &out.incidents[&id];
    let active: Vec<i64> = inc.active_crews().map(|a| a.crew_id).collect();
    assert_eq!(active, vec![8]);
    assert_eq!(e.crews().find(|c| c.id == 7).unwrap().status, CrewStatus::Available);
    assert_eq!(inc.crews.iter().filter(|a| a.end == Some(CrewEnd::Recalled)).count(), 2);
    // Billing counts one dispatch however many crews went.
    let (_, out) = e
        .on_command(
            OP,
            Command::Close { incident: id, resolution: Resolution::Real, recall_crews: true },
            T0 + 50 * SEC,
        )
        .unwrap();
    assert!(out.incidents[&id].charge.is_some());
    assert!(e.crews().all(|c| c.incident.is_none()));
}

#[test]
fn dispatch_says_why_when_a_nearer_crew_is_busy() {
    let sites =
        [site(1, (44.4268, 26.1025), SiteSettings::default()), site(2, (44.4270, 26.1030), SiteSettings::default())];
    let mut e = Engine::new(sites, [], [crew(5, (44.4300, 26.1000)), crew(8, (44.45, 26.08))], 0);
    // A duress alarm at site 2 takes crew 5, the nearest.
    e.on_signal(&Signal { site_id: Some(2), ..cid(1, T0, "1", "121", "009") }, T0);
    let duress = e.open_incidents()[0].clone();
    assert_eq!(duress.crews[0].crew_id, 5, "a duress alarm gets the nearest crew at once");
    e.on_signal(&cid(2, T0 + 2 * SEC, "1", "130", "003"), T0 + 2 * SEC);
    let id = e.open_incidents().iter().find(|i| i.site_id == 1).unwrap().id;
    let (_, out) = e.on_command(OP, Command::Dispatch { incident: id, crew_id: None }, T0 + 3 * SEC).unwrap();
    let line = out.journal.iter().find(|j| j.action == "dispatched").and_then(|j| j.detail.clone()).unwrap();
    assert!(line.starts_with("sent: Echo 8, 3."), "{line}");
    assert!(line.contains("nearer but busy: Echo 5, ") && line.contains("is on a duress alarm"), "{line}");
}

#[test]
fn a_storm_holds_one_category_and_never_a_claimed_incident_and_closes_in_one_action() {
    let sites = (1..=8).map(|i| site(i, (44.43 + (i as f64) * 0.0005, 26.10), SiteSettings::default()));
    let mut e = Engine::new(sites, [], [crew(7, (44.45, 26.08))], 0);
    for i in 1..=6 {
        e.on_signal(&Signal { site_id: Some(i), ..cid(i, T0, "1", "130", "001") }, T0 + i);
    }
    let group = e.open_incidents()[0].group_key.clone().expect("six burglaries in one cell are a storm");
    // A fire at a seventh site is not a burglary: it stays out of the burglary storm.
    e.on_signal(&Signal { site_id: Some(7), ..cid(7, T0 + 10, "1", "110", "001") }, T0 + 10);
    let fire = e.open_incidents().into_iter().find(|i| i.site_id == 7).unwrap().clone();
    assert_ne!(fire.group_key.as_deref(), Some(group.as_str()));
    // A burglary that turns into a fire leaves the burglary storm.
    e.on_signal(&Signal { site_id: Some(2), ..cid(8, T0 + 20, "1", "110", "002") }, T0 + 20);
    let two = e.open_incidents().into_iter().find(|i| i.site_id == 2).unwrap().clone();
    assert_eq!(two.category, Category::Fire);
    assert_ne!(two.group_key.as_deref(), Some(group.as_str()), "{two:#?}");
    // A claimed one leaves the fold: someone is working it.
    let one = e.open_incidents().into_iter().find(|i| i.site_id == 1).unwrap().id;
    let (_, out) = e.on_command(OP, Command::Acknowledge { incident: one }, T0 + 30).unwrap();
    assert_eq!(out.incidents[&one].group_key, None);
    // One more burglary joins the storm; the fire and the claimed one are not pulled back in.
    e.on_signal(&Signal { site_id: Some(8), ..cid(9, T0 + 40, "1", "130", "001") }, T0 + 40);
    let members: Vec<Incident> =
        e.open_incidents().into_iter().filter(|i| i.group_key.as_deref() == Some(group.as_str())).cloned().collect();
    assert_eq!(members.len(), 5, "{members:#?}");
    assert!(members.iter().all(|i| i.category == Category::Burglary && i.claimed_by.is_none()));
    // Acknowledged at once: they stay folded, and stop counting as unclaimed for escalation.
    let (reply, out) =
        e.on_command(Actor::Operator(9), Command::AcknowledgeStorm { group: group.clone() }, T0 + MIN).unwrap();
    assert_eq!(reply, Reply::Storm { done: members.iter().map(|i| i.id).collect(), skipped: vec![] });
    assert_eq!(out.journal.iter().filter(|j| j.action == "acknowledged_group").count(), 5);
    assert!(e
        .tick(T0 + 5 * MIN)
        .journal
        .iter()
        .all(|j| j.action != "escalated" || !members.iter().any(|m| m.id == j.incident)));
    // Closed in one action, journaled on each.
    let (reply, out) = e
        .on_command(
            Actor::Operator(9),
            Command::CloseStorm { group: group.clone(), resolution: Resolution::FalseTechnical },
            T0 + 6 * MIN,
        )
        .unwrap();
    let Reply::Storm { done, .. } = reply else { panic!() };
    assert_eq!(done.len(), 5);
    assert_eq!(out.journal.iter().filter(|j| j.action == "closed").count(), 5);
    assert!(e.open_incidents().iter().any(|i| i.id == one), "the claimed one is still open");
    assert!(e
        .on_command(
            Actor::Operator(9),
            Command::CloseStorm { group, resolution: Resolution::FalseTechnical },
            T0 + 7 * MIN
        )
        .is_err());
}

#[test]
fn a_supervisor_takes_over_a_claimed_incident() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    assert!(
        e.on_command(Actor::Operator(9), Command::TakeOver { incident: id }, T0).is_err(),
        "nobody holds it: claim it instead"
    );
    e.on_command(OP, Command::Acknowledge { incident: id }, T0 + SEC).unwrap();
    let (_, out) = e.on_command(Actor::Operator(9), Command::TakeOver { incident: id }, T0 + MIN).unwrap();
    assert_eq!(out.incidents[&id].claimed_by, Some(9));
    assert_eq!(out.journal[0].action, "taken_over");
    assert_eq!(out.journal[0].detail.as_deref(), Some("from user 1"));
    let err = e.on_command(OP, Command::Note { incident: id, text: "still mine?".into() }, T0 + 2 * MIN).unwrap_err();
    assert_eq!(err, CommandError::Claimed { incident: id, by: 9 });
}

#[test]
fn signals_in_a_test_period_are_known_as_test_and_only_what_it_covers() {
    let mut e = city(SiteSettings::default());
    let facts = |code| rules::classify::EventFacts { protocol: Some("cid"), qualifier: Some("1"), code: Some(code) };
    assert!(!e.on_test_at(1, T0, Some("003"), facts("130")));
    let scope = TestScope { zones: vec!["003".into()], categories: vec![] };
    e.on_command(OP, Command::StartTest { site_id: 1, until_ms: T0 + 30 * MIN, scope }, T0).unwrap();
    assert!(!e.on_test_at(1, T0 - SEC, Some("003"), facts("130")), "before the test began");
    assert!(e.on_test_at(1, T0 + MIN, Some("003"), facts("130")));
    assert!(!e.on_test_at(1, T0 + MIN, Some("004"), facts("130")), "another zone is live");
    assert!(!e.on_test_at(1, T0 + 31 * MIN, Some("003"), facts("130")), "after it ends");
}

#[test]
fn journal_details_are_plain_words() {
    let mut e = city(SiteSettings::default());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let id = only_open(&e).id;
    let mut lines = Vec::new();
    for (actor, command) in [
        (OP, Command::Call { incident: id, contact_id: 11, outcome: CallOutcome::NoAnswer }),
        (OP, Command::Call { incident: id, contact_id: 12, outcome: CallOutcome::WrongPassword }),
        (OP, Command::Dispatch { incident: id, crew_id: None }),
        (OP, Command::StartTest { site_id: 1, until_ms: T0 + 60 * MIN, scope: TestScope::default() }),
        (OP, Command::Close { incident: id, resolution: Resolution::FalseUser, recall_crews: true }),
    ] {
        let (_, out) = e.on_command(actor, command, T0 + MIN).unwrap();
        lines.extend(out.journal.into_iter().filter_map(|j| j.detail));
        lines.extend(out.site_events.into_iter().filter_map(|j| j.detail));
    }
    let text = lines.join("\n");
    for word in ["NoAnswer", "WrongPassword", "FalseUser", "Free(", "Included {", "TestScope", "_"] {
        assert!(!text.contains(word), "{word:?} in:\n{text}");
    }
    assert!(text.contains("Mihai: wrong password") && text.contains("False alarm (user error)"), "{text}");
}

#[test]
fn the_centres_plan_replaces_the_builtin_one_and_a_sites_own_plan_replaces_the_centres() {
    let centre = vec![Plan {
        categories: vec![Category::Burglary],
        steps: vec![
            Step::manual(StepKind::Instruction { text: "Ring the caretaker on 0740 000 000".into() }),
            Step::auto(StepKind::Dispatch),
        ],
    }];
    let mut e = city(SiteSettings::default());
    e.set_centre_plans(centre.clone());
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let inc = only_open(&e);
    let kinds: Vec<StepKind> = inc.steps.iter().map(|s| s.step.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![StepKind::Instruction { text: "Ring the caretaker on 0740 000 000".into() }, StepKind::Dispatch]
    );
    // The operator ticks the instruction off; its words are the journal's.
    let (_, out) = e.on_command(OP, Command::Acknowledge { incident: inc.id }, T0 + SEC).unwrap();
    assert!(!out.incidents.is_empty());
    let (_, out) = e.on_command(OP, Command::StepDone { incident: inc.id, step: 0, note: None }, T0 + 2 * SEC).unwrap();
    assert!(
        out.journal.iter().any(|j| j.detail.as_deref() == Some("Ring the caretaker on 0740 000 000")),
        "{:?}",
        out.journal
    );
    // Fire is not in the centre's plans: the built-in plan still holds.
    e.on_signal(&cid(2, T0 + 3 * SEC, "1", "110", "004"), T0 + 3 * SEC);
    let fire = e.open_incidents().into_iter().find(|i| i.category == Category::Fire).expect("a fire incident");
    assert!(fire.steps.iter().any(|s| s.step.kind == StepKind::NotifyFire));

    // A site's own plan wins over the centre's.
    let own = Plan { categories: vec![Category::Burglary], steps: vec![Step::manual(StepKind::CallContacts)] };
    let mut e = city(SiteSettings { plans: vec![own], ..SiteSettings::default() });
    e.set_centre_plans(centre);
    e.on_signal(&cid(1, T0, "1", "130", "003"), T0);
    let kinds: Vec<StepKind> = only_open(&e).steps.iter().map(|s| s.step.kind.clone()).collect();
    assert_eq!(kinds, vec![StepKind::CallContacts]);
}

#[test]
fn a_site_closed_on_public_holidays_is_not_late_to_open_on_one_unless_it_changed_that_day() {
    // Tuesday 2026-12-01 is Romania's national day: the shop closed on holidays stays armed.
    let holiday = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let story = |closed_on_holidays: bool, own_change: bool| {
        let mut e =
            city(SiteSettings { schedule: Some(weekdays_8_to_18()), closed_on_holidays, ..SiteSettings::default() });
        e.set_holidays(vec![holiday]);
        e.on_signal(&cid(1, T0, "3", "401", "001"), T0);
        e.tick(T0);
        if own_change {
            let hours = OpenHours {
                open: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                close: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            };
            e.on_command(
                CUSTOMER,
                Command::ScheduleChange {
                    site_id: 1,
                    change: rules::schedule::TempChange { date: holiday, hours: Some(hours) },
                },
                T0,
            )
            .unwrap();
        }
        // Tuesday 11:00 in Bucharest.
        e.tick(T0 + 23 * 60 * MIN);
        e.open_incidents().into_iter().map(|i| i.title.clone()).collect::<Vec<_>>()
    };
    assert_eq!(story(true, false), Vec::<String>::new(), "closed for the holiday");
    assert_eq!(story(false, false), vec!["Late to open".to_owned()], "a site that works on holidays is expected");
    assert_eq!(story(true, true), vec!["Late to open".to_owned()], "the site's own hours for that day win");
}

#[test]
fn a_site_that_keeps_sending_links_every_signal_but_its_incident_keeps_only_the_first() {
    let mut e = city(SiteSettings::default());
    let mut links = 0;
    for n in 0..(SIGNALS_KEPT as i64 + 50) {
        let out = e.on_signal(&cid(n + 1, T0 + n, "1", "130", "003"), T0 + n);
        links += out.links.len();
    }
    let inc = only_open(&e);
    assert_eq!(links, SIGNALS_KEPT + 50, "every signal is linked in the store");
    assert_eq!(inc.signals.len(), SIGNALS_KEPT);
    assert_eq!(inc.signals.first(), Some(&1));
}
