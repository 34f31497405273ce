use super::*;
use chrono::{TimeZone, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Bucharest;
use Charge::{Billable, Free, Included};
use FreeReason::*;
use Outcome::*;

/// Unix ms of a local wall time in `tz` (unambiguous times only).
fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap().timestamp_millis()
}

fn buc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    at(Bucharest, y, mo, d, h, mi)
}

fn dispatch(incident_id: i64, at_ms: i64, outcome: Outcome, crew_late: bool) -> Dispatch {
    Dispatch { incident_id, at_ms, outcome, crew_late, silent: false }
}

#[test]
fn default_terms_include_four() {
    let t = Terms::default();
    assert_eq!((t.included_per_year, t.warranty_until_ms), (4, None));
}

#[test]
fn a_year_covering_every_rule() {
    let terms = Terms {
        connected_at_ms: buc(2025, 3, 10, 10, 0),
        warranty_until_ms: Some(buc(2026, 3, 10, 0, 0)),
        included_per_year: 4,
        ..Terms::default()
    };
    // Given out of order, with dispatches of the years before and after.
    let dispatches = [
        dispatch(12, buc(2026, 9, 1, 12, 0), FalseUser, false),
        dispatch(1, buc(2026, 1, 5, 3, 0), FalseTechnical, false),
        dispatch(2, buc(2026, 2, 1, 22, 0), Real, false),
        dispatch(3, buc(2026, 2, 14, 20, 0), FalseUser, false),
        dispatch(4, buc(2026, 3, 3, 10, 0), Test, false),
        dispatch(5, buc(2026, 3, 20, 4, 0), FalseTechnical, false),
        dispatch(6, buc(2026, 4, 2, 1, 0), Real, true),
        dispatch(7, buc(2026, 5, 1, 9, 0), FalseUser, false),
        dispatch(8, buc(2026, 6, 1, 9, 0), Duplicate, false),
        dispatch(9, buc(2026, 7, 1, 9, 0), Cancelled, false),
        dispatch(10, buc(2026, 8, 1, 9, 0), Real, false),
        dispatch(90, buc(2025, 12, 15, 9, 0), FalseUser, false),
        dispatch(91, buc(2027, 1, 3, 9, 0), Real, false),
    ];
    let account = year_account(&terms, &dispatches, Bucharest, 2026);
    assert_eq!(
        account.charges,
        vec![
            (1, Free(Warranty)),
            (2, Included { n: 1, of: 4 }),
            (3, Free(FirstFalseCallOfYear)),
            (4, Free(NotChargeable)),
            (5, Included { n: 2, of: 4 }),
            (6, Free(CrewLate)),
            (7, Included { n: 3, of: 4 }),
            (8, Free(NotChargeable)),
            (9, Included { n: 4, of: 4 }),
            (10, Billable),
            (12, Billable),
        ]
    );
    assert_eq!(
        (account.year, account.dispatches, account.included, account.included_used, account.free, account.billable),
        (2026, 11, 4, 4, 5, 2)
    );
    // The next year starts afresh.
    let next = year_account(&terms, &dispatches, Bucharest, 2027);
    assert_eq!(next.charges, vec![(91, Included { n: 1, of: 4 })]);
    // 2025: inside the first false call of that year.
    let before = year_account(&terms, &dispatches, Bucharest, 2025);
    assert_eq!(before.charges, vec![(90, Free(FirstFalseCallOfYear))]);
}

#[test]
fn warranty_ends_inclusive() {
    let until = buc(2026, 6, 30, 23, 59);
    let terms = Terms {
        connected_at_ms: buc(2025, 1, 1, 0, 0),
        warranty_until_ms: Some(until),
        included_per_year: 0,
        ..Terms::default()
    };
    let d = [
        dispatch(1, until, FalseTechnical, false),
        dispatch(2, until + 1, FalseTechnical, false),
        // Warranty covers technical faults only.
        dispatch(3, until - 1000, Real, false),
    ];
    let account = year_account(&terms, &d, Bucharest, 2026);
    assert_eq!(account.charges, vec![(3, Billable), (1, Free(Warranty)), (2, Billable)]);
    let no_warranty = Terms { warranty_until_ms: None, ..terms };
    assert_eq!(year_account(&no_warranty, &d[..1], Bucharest, 2026).charges, vec![(1, Billable)]);
}

#[test]
fn year_boundary_in_the_sites_zone() {
    // 31 Dec 2026 23:30 in New York is 1 Jan 2027 04:30 UTC.
    let ny_evening = at(New_York, 2026, 12, 31, 23, 30);
    assert_eq!(ny_evening, Utc.with_ymd_and_hms(2027, 1, 1, 4, 30, 0).unwrap().timestamp_millis());
    assert_eq!(year_of(ny_evening, New_York), 2026);
    assert_eq!(year_of(ny_evening, chrono_tz::UTC), 2027);
    // 1 Jan 2027 00:30 in Bucharest is 31 Dec 2026 22:30 UTC.
    let buc_night = buc(2027, 1, 1, 0, 30);
    assert_eq!(year_of(buc_night, Bucharest), 2027);
    assert_eq!(year_of(buc_night, chrono_tz::UTC), 2026);
    assert_eq!(year_of(buc(2026, 12, 31, 23, 30), Bucharest), 2026);

    let terms = Terms { connected_at_ms: buc(2020, 1, 1, 0, 0), ..Terms::default() };
    let d = [dispatch(1, buc(2026, 12, 31, 23, 30), Real, false), dispatch(2, buc_night, Real, false)];
    let ids = |tz, year| -> Vec<i64> { year_account(&terms, &d, tz, year).charges.iter().map(|c| c.0).collect() };
    assert_eq!(ids(Bucharest, 2026), vec![1]);
    assert_eq!(ids(Bucharest, 2027), vec![2]);
    assert_eq!(ids(chrono_tz::UTC, 2026), vec![1, 2]);
    assert_eq!(ids(chrono_tz::UTC, 2027), Vec::<i64>::new());
}

#[test]
fn connection_mid_year() {
    let terms = Terms {
        connected_at_ms: buc(2026, 6, 15, 14, 0),
        warranty_until_ms: None,
        included_per_year: 1,
        ..Terms::default()
    };
    let d = [
        dispatch(1, buc(2026, 6, 20, 2, 0), FalseUser, false),
        dispatch(2, buc(2026, 7, 15, 13, 59), Real, false),
        dispatch(3, buc(2026, 7, 15, 14, 0), Real, false),
        // Only the very first user false alarm of the year is free, and that was no. 1.
        dispatch(4, buc(2026, 8, 1, 8, 0), FalseUser, false),
    ];
    let account = year_account(&terms, &d, Bucharest, 2026);
    assert_eq!(
        account.charges,
        vec![(1, Free(FirstMonth)), (2, Free(FirstMonth)), (3, Included { n: 1, of: 1 }), (4, Billable),]
    );
    assert_eq!((account.free, account.included_used, account.billable), (2, 1, 1));
}

#[test]
fn first_month_is_a_calendar_month() {
    // Connected 31 January: the first month ends on 28 February at the same time.
    let terms = Terms { connected_at_ms: buc(2026, 1, 31, 12, 0), ..Terms::default() };
    let d = [dispatch(1, buc(2026, 2, 28, 11, 59), Real, false), dispatch(2, buc(2026, 2, 28, 12, 0), Real, false)];
    assert_eq!(
        year_account(&terms, &d, Bucharest, 2026).charges,
        vec![(1, Free(FirstMonth)), (2, Included { n: 1, of: 4 })]
    );
}

#[test]
fn serde_names() {
    let json = |v: serde_json::Result<String>| v.unwrap();
    assert_eq!(json(serde_json::to_string(&FalseTechnical)), "\"false_technical\"");
    assert_eq!(json(serde_json::to_string(&Free(FirstFalseCallOfYear))), r#"{"free":"first_false_call_of_year"}"#);
    assert_eq!(json(serde_json::to_string(&Included { n: 1, of: 4 })), r#"{"included":{"n":1,"of":4}}"#);
}

#[test]
fn a_contract_without_the_free_first_month_or_first_false_alarm() {
    let connected = buc(2026, 3, 10, 10, 0);
    let dispatches =
        [dispatch(1, buc(2026, 3, 12, 10, 0), Real, false), dispatch(2, buc(2026, 5, 1, 9, 0), FalseUser, false)];
    let usual = Terms { connected_at_ms: connected, included_per_year: 0, ..Terms::default() };
    let charges = year_account(&usual, &dispatches, Bucharest, 2026).charges;
    assert_eq!(charges, vec![(1, Free(FirstMonth)), (2, Free(FirstFalseCallOfYear))]);
    let strict = Terms { free_first_month: false, free_first_false_alarm: false, ..usual };
    let charges = year_account(&strict, &dispatches, Bucharest, 2026).charges;
    assert_eq!(charges, vec![(1, Billable), (2, Billable)]);
}

#[test]
fn terms_stored_before_the_toggles_keep_both_free() {
    let t: Terms =
        serde_json::from_str(r#"{"connected_at_ms":0,"warranty_until_ms":null,"included_per_year":2}"#).unwrap();
    assert!(t.free_first_month && t.free_first_false_alarm);
}
