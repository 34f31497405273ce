//! Scenario tests with a fake clock (plain integers, milliseconds).

use std::collections::BTreeMap;
use supervise::{LinkSpec, LinkState, Supervisor, Transition};

const MIN: i64 = 60_000;

fn spec(link: i64, account: i64, interval_ms: i64, grace_ms: i64) -> LinkSpec {
    LinkSpec { link, account, interval_ms, grace_ms }
}

fn failed(link: i64, account: i64, last_seen_ms: Option<i64>, deadline_ms: i64) -> Transition {
    Transition::LinkFailed { link, account, last_seen_ms, deadline_ms }
}

fn restored(link: i64, account: i64) -> Transition {
    Transition::LinkRestored { link, account }
}

fn all_failed(account: i64) -> Transition {
    Transition::AllPathsFailed { account }
}

fn all_restored(account: i64) -> Transition {
    Transition::AllPathsRestored { account }
}

/// The persisted side of a simulated server: what `take_dirty` has written so far.
#[derive(Default)]
struct Db(BTreeMap<i64, LinkState>);

impl Db {
    fn flush(&mut self, sup: &mut Supervisor) -> usize {
        let dirty = sup.take_dirty();
        for state in &dirty {
            self.0.insert(state.spec.link, *state);
        }
        dirty.len()
    }

    fn restart(&mut self, sup: &mut Supervisor, now_ms: i64) {
        self.flush(sup);
        *sup = Supervisor::restore(self.0.values().copied(), now_ms);
    }
}

#[test]
fn a_missed_test_raises_exactly_one_failure() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, MIN, 5_000), 0);
    assert_eq!(sup.next_deadline(), Some(65_000));
    assert_eq!(sup.due(64_999), []);
    assert_eq!(sup.due(65_000), [failed(1, 10, None, 65_000), all_failed(10)]);
    for now in [65_000, 65_001, 10 * MIN, 1_000 * MIN] {
        assert_eq!(sup.due(now), [], "re-fired at {now}");
    }
    assert_eq!(sup.next_deadline(), None);
    let state = sup.state(1).unwrap();
    assert!(state.failed);
    assert_eq!(state.deadline_ms, 65_000);
    assert!(sup.all_paths_failed(10));
}

#[test]
fn life_signs_postpone_the_deadline() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, MIN, 0), 0);
    for t in (50_000..=500_000).step_by(50_000) {
        assert_eq!(sup.due(t), []);
        assert_eq!(sup.observe(1, t), []);
        assert_eq!(sup.next_deadline(), Some(t + MIN));
    }
    assert_eq!(sup.due(560_000), [failed(1, 10, Some(500_000), 560_000), all_failed(10)]);
}

#[test]
fn a_later_life_sign_restores_and_supervision_resumes() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, MIN, 0), 0);
    assert_eq!(sup.due(MIN).len(), 2);
    assert_eq!(sup.observe(1, 5 * MIN), [restored(1, 10), all_restored(10)]);
    assert_eq!(sup.observe(1, 5 * MIN + 1), [], "restore reported twice");
    assert!(!sup.all_paths_failed(10));
    let state = sup.state(1).unwrap();
    assert_eq!((state.failed, state.last_seen_ms, state.deadline_ms), (false, Some(5 * MIN + 1), 6 * MIN + 1));
    assert_eq!(sup.due(6 * MIN), []);
    assert_eq!(sup.due(6 * MIN + 1), [failed(1, 10, Some(5 * MIN + 1), 6 * MIN + 1), all_failed(10)]);
}

#[test]
fn unknown_links_are_ignored() {
    let mut sup = Supervisor::new();
    assert_eq!(sup.observe(42, 0), []);
    sup.remove(42);
    assert!(sup.is_empty());
    assert_eq!(sup.state(42), None);
    assert_eq!(sup.next_deadline(), None);
    assert_eq!(sup.due(i64::MAX), []);
}

#[test]
fn restart_does_not_refire_a_failed_link() {
    let mut db = Db::default();
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, MIN, 0), 0);
    sup.upsert(spec(2, 20, 24 * 60 * MIN, 0), 0);
    assert_eq!(sup.due(MIN), [failed(1, 10, None, MIN), all_failed(10)]);
    db.restart(&mut sup, 2 * MIN);
    assert_eq!(sup.len(), 2);
    assert!(sup.state(1).unwrap().failed);
    assert!(sup.all_paths_failed(10));
    assert_eq!(sup.due(2 * MIN), []);
    assert_eq!(sup.due(100 * MIN), []);
    assert_eq!(sup.observe(1, 101 * MIN), [restored(1, 10), all_restored(10)]);
}

#[test]
fn restart_does_not_fail_links_whose_deadline_passed_while_down() {
    let mut db = Db::default();
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, MIN, 5_000), 0); // deadline 65 s, passes while down
    sup.upsert(spec(2, 10, MIN, 5_000), 0);
    sup.upsert(spec(3, 30, 20 * MIN, 0), 0); // deadline 20 min, still ahead after restart
    sup.observe(2, 100_000); // deadline 165 s: within grace of the restart time
    db.flush(&mut sup);
    // Down from 100 s to 161 s.
    db.restart(&mut sup, 161_000);
    assert_eq!(sup.due(161_000), []);
    assert_eq!(sup.state(1).unwrap().deadline_ms, 161_000 + 65_000);
    assert_eq!(sup.state(2).unwrap().deadline_ms, 161_000 + 65_000);
    assert_eq!(sup.state(3).unwrap().deadline_ms, 20 * MIN, "a future deadline is kept");
    let rebased: Vec<i64> = sup.take_dirty().iter().map(|s| s.spec.link).collect();
    assert_eq!(rebased, [1, 2], "rebased deadlines must be persisted");
    assert_eq!(sup.due(225_999), []);
    assert_eq!(sup.due(226_000), [failed(1, 10, None, 226_000), failed(2, 10, Some(100_000), 226_000), all_failed(10)]);
}

#[test]
fn restore_from_state_snapshots_changes_nothing() {
    let mut sup = Supervisor::new();
    for link in 1..=6 {
        sup.upsert(spec(link, link % 3, MIN * link, 1_000), 0);
    }
    sup.observe(4, 30_000);
    let fired = sup.due(3 * MIN + 1_000);
    // Links 1, 2, 3 fail; their accounts (1, 2, 0) keep a live path (links 4, 5, 6).
    assert_eq!(fired.len(), 3, "{fired:?}");
    let snapshot: Vec<LinkState> = (1..=6).filter_map(|link| sup.state(link)).collect();
    let now = 3 * MIN + 2_000;
    let mut again = Supervisor::restore(snapshot.iter().rev().copied(), now);
    for link in 1..=6 {
        assert_eq!(again.state(link), sup.state(link), "link {link}");
    }
    assert_eq!(again.next_deadline(), sup.next_deadline());
    assert_eq!(again.take_dirty(), []);
    assert_eq!(again.due(4 * MIN), sup.due(4 * MIN));
    assert_eq!(again.due(10 * MIN), sup.due(10 * MIN));
}

#[test]
fn two_paths_fail_and_restore_per_path_and_per_account() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 7, MIN, 0), 0); // Ethernet
    sup.upsert(spec(2, 7, 2 * MIN, 0), 0); // GSM
    assert_eq!(sup.due(MIN), [failed(1, 7, None, MIN)], "one path down: no account alarm");
    assert!(!sup.all_paths_failed(7));
    assert_eq!(sup.due(2 * MIN), [failed(2, 7, None, 2 * MIN), all_failed(7)]);
    assert_eq!(sup.due(3 * MIN), []);
    assert_eq!(sup.observe(2, 4 * MIN), [restored(2, 7), all_restored(7)]);
    assert_eq!(sup.observe(1, 4 * MIN), [restored(1, 7)], "account restored only once");
    // Both fail again in one sweep: deadline order, then link order, then the account.
    sup.observe(2, 5 * MIN - 30_000);
    assert_eq!(
        sup.due(10 * MIN),
        [failed(1, 7, Some(4 * MIN), 5 * MIN), failed(2, 7, Some(5 * MIN - 30_000), 7 * MIN - 30_000), all_failed(7)]
    );
    // Path 1 back, path 1 down again: the account was restored, so it alarms again.
    assert_eq!(sup.observe(1, 11 * MIN), [restored(1, 7), all_restored(7)]);
    assert_eq!(sup.due(12 * MIN), [failed(1, 7, Some(11 * MIN), 12 * MIN), all_failed(7)]);
}

#[test]
fn equal_deadlines_fail_in_link_order() {
    let mut sup = Supervisor::new();
    for link in [5, 3, 9, 1] {
        sup.upsert(spec(link, link, MIN, 0), 0);
    }
    let links: Vec<i64> = sup
        .due(MIN)
        .iter()
        .filter_map(|t| match t {
            Transition::LinkFailed { link, .. } => Some(*link),
            _ => None,
        })
        .collect();
    assert_eq!(links, [1, 3, 5, 9]);
}

#[test]
fn upsert_reconfigures_timing_without_false_failures() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, 24 * 60 * MIN, 0), 0);
    sup.observe(1, MIN);
    // Same spec: no change, nothing dirty.
    sup.take_dirty();
    sup.upsert(spec(1, 10, 24 * 60 * MIN, 0), 2 * MIN);
    assert_eq!(sup.take_dirty(), []);
    // Shortened to 20 min: last sign + 20 min = 21 min, still ahead.
    sup.upsert(spec(1, 10, 20 * MIN, 0), 2 * MIN);
    assert_eq!(sup.next_deadline(), Some(21 * MIN));
    assert_eq!(sup.take_dirty().len(), 1);
    // Shortened to 60 s at 30 min: last sign + 60 s lies in the past: a fresh full period.
    sup.upsert(spec(1, 10, MIN, 10_000), 30 * MIN);
    assert_eq!(sup.due(30 * MIN), []);
    assert_eq!(sup.next_deadline(), Some(31 * MIN + 10_000));
    // Lengthened: measured from the last sign.
    sup.upsert(spec(1, 10, 60 * MIN, 0), 31 * MIN);
    assert_eq!(sup.next_deadline(), Some(61 * MIN));
    assert_eq!(sup.due(60 * MIN), []);
    assert_eq!(sup.due(61 * MIN), [failed(1, 10, Some(MIN), 61 * MIN), all_failed(10)]);
    // A failed link stays failed through a reconfiguration.
    sup.upsert(spec(1, 10, 5 * MIN, 0), 62 * MIN);
    assert!(sup.state(1).unwrap().failed);
    assert_eq!(sup.due(100 * MIN), []);
    assert_eq!(sup.observe(1, 100 * MIN), [restored(1, 10), all_restored(10)]);
    assert_eq!(sup.next_deadline(), Some(105 * MIN));
}

#[test]
fn upsert_of_a_never_seen_link_measures_from_when_it_was_added() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 10, 20 * MIN, 0), 0);
    sup.upsert(spec(1, 10, 10 * MIN, 0), 5 * MIN);
    assert_eq!(sup.state(1).unwrap().deadline_ms, 10 * MIN);
}

#[test]
fn moving_a_path_to_another_account() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 7, MIN, 0), 0);
    sup.upsert(spec(2, 7, 10 * MIN, 0), 0);
    assert_eq!(sup.due(MIN), [failed(1, 7, None, MIN)]);
    // The live path leaves: account 7 has only failed paths now.
    sup.upsert(spec(2, 8, 10 * MIN, 0), 2 * MIN);
    assert_eq!(sup.next_deadline(), Some(2 * MIN), "pending account alarm");
    assert_eq!(sup.due(2 * MIN), [all_failed(7)]);
    assert_eq!(sup.due(3 * MIN), []);
    assert_eq!(sup.due(10 * MIN), [failed(2, 8, None, 10 * MIN), all_failed(8)]);
}

#[test]
fn remove_stops_supervision() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 7, MIN, 0), 0);
    sup.upsert(spec(2, 7, 2 * MIN, 0), 0);
    sup.upsert(spec(3, 9, 3 * MIN, 0), 0);
    assert_eq!(sup.len(), 3);
    sup.remove(1);
    assert_eq!(sup.len(), 2);
    assert_eq!(sup.state(1), None);
    assert_eq!(sup.next_deadline(), Some(2 * MIN));
    assert_eq!(sup.observe(1, 10_000), []);
    assert_eq!(sup.due(2 * MIN), [failed(2, 7, None, 2 * MIN), all_failed(7)], "last path of account 7");
    sup.remove(3);
    assert_eq!(sup.due(10 * MIN), []);
    assert_eq!(sup.next_deadline(), None);
    // Removed while dirty: not reported; re-added: reported once, as the new link.
    sup.upsert(spec(3, 9, 5 * MIN, 0), 10 * MIN);
    let dirty = sup.take_dirty();
    assert_eq!(dirty.iter().map(|s| s.spec.link).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(dirty[1].deadline_ms, 15 * MIN);
}

#[test]
fn removing_the_live_path_alarms_the_account_at_the_next_sweep() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 7, MIN, 0), 0);
    sup.upsert(spec(2, 7, 10 * MIN, 0), 0);
    assert_eq!(sup.due(MIN), [failed(1, 7, None, MIN)]);
    sup.remove(2);
    assert_eq!(sup.next_deadline(), Some(MIN));
    assert_eq!(sup.due(MIN + 1), [all_failed(7)]);
    assert_eq!(sup.next_deadline(), None);
    assert_eq!(sup.observe(1, 2 * MIN), [restored(1, 7), all_restored(7)]);
}

#[test]
fn take_dirty_reports_each_changed_link_once() {
    let mut sup = Supervisor::new();
    for link in 1..=5 {
        sup.upsert(spec(link, link, MIN, 0), 0);
    }
    assert_eq!(sup.take_dirty().len(), 5);
    assert_eq!(sup.take_dirty(), []);
    for t in 1..100 {
        sup.observe(2, t * 100);
        sup.observe(4, t * 100);
    }
    let dirty = sup.take_dirty();
    assert_eq!(dirty.iter().map(|s| s.spec.link).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(dirty[0], sup.state(2).unwrap());
    sup.observe(2, 9_900); // same instant: no change
    assert_eq!(sup.take_dirty(), []);
    let fired = sup.due(MIN);
    assert_eq!(fired.len(), 6); // links 1, 3, 5 with their single-path accounts
    let dirty = sup.take_dirty();
    assert_eq!(dirty.len(), 3);
    assert!(dirty.iter().all(|s| s.failed));
}

#[test]
fn next_deadline_follows_the_earliest_live_link() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 1, MIN, 0), 0);
    sup.upsert(spec(2, 2, 2 * MIN, 0), 0);
    assert_eq!(sup.next_deadline(), Some(MIN));
    sup.observe(1, 90_000); // 1 now due at 150 s, after 2
    assert_eq!(sup.next_deadline(), Some(2 * MIN));
    sup.remove(2);
    assert_eq!(sup.next_deadline(), Some(150_000));
    sup.due(150_000);
    assert_eq!(sup.next_deadline(), None);
}

#[test]
fn a_chatty_link_costs_no_growing_memory_or_extra_failures() {
    let mut sup = Supervisor::new();
    sup.upsert(spec(1, 1, 24 * 60 * MIN, 0), 0);
    sup.upsert(spec(2, 2, 24 * 60 * MIN, 0), 0);
    for t in 1..200_000 {
        assert_eq!(sup.observe(1, t), []);
    }
    let debug = format!("{sup:?}");
    assert!(debug.contains("live: 2"), "{debug}");
    let entries: usize = debug
        .split("index_entries: ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(entries <= 2 * 2 + 1024 + 1, "stale index entries pile up: {entries}");
    assert_eq!(sup.due(24 * 60 * MIN), [failed(2, 2, None, 24 * 60 * MIN), all_failed(2)]);
    assert_eq!(sup.due(24 * 60 * MIN + 199_999), [failed(1, 1, Some(199_999), 24 * 60 * MIN + 199_999), all_failed(1)]);
}

#[test]
fn churn_of_removed_and_re_added_links_fires_each_outage_once() {
    let mut sup = Supervisor::new();
    for round in 0..50 {
        let now = round * 10 * MIN;
        for link in 1..=20 {
            sup.remove(link);
            sup.upsert(spec(link, link / 2, MIN + link, 0), now);
        }
        // Half of them give a sign with an older timestamp: deadline measured from it.
        for link in (1..=20).step_by(2) {
            sup.observe(link, now - 30_000);
        }
        let fired = sup.due(now + 5 * MIN);
        let failures = fired.iter().filter(|t| matches!(t, Transition::LinkFailed { .. })).count();
        let accounts = fired.iter().filter(|t| matches!(t, Transition::AllPathsFailed { .. })).count();
        assert_eq!((failures, accounts), (20, 11), "round {round}: {fired:?}");
        assert_eq!(sup.due(now + 9 * MIN), []);
        assert_eq!(sup.state(1).unwrap().deadline_ms, now - 30_000 + MIN + 1);
    }
}
