use super::*;
use chrono::{TimeZone, Utc};
use chrono_tz::Europe::Bucharest;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn hours(open: (u32, u32), close: (u32, u32)) -> Option<OpenHours> {
    Some(OpenHours { open: t(open.0, open.1), close: t(close.0, close.1) })
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Unix ms of a UTC wall time, computed independently of the code under test.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().timestamp_millis()
}

const MIN: i64 = 60_000;

/// A shop: weekdays 08:00-18:00, Saturday 09:00-13:00, and a bakery counter open on Sunday
/// from 03:30 (inside the spring-forward gap, and ambiguous at fall back) to 12:00.
fn shop() -> WeeklySchedule {
    let weekday = hours((8, 0), (18, 0));
    WeeklySchedule {
        days: [weekday, weekday, weekday, weekday, weekday, hours((9, 0), (13, 0)), hours((3, 30), (12, 0))],
        later: Default::default(),
        tolerance_min: 15,
    }
}

fn due(expect: Expectation, scheduled_ms: i64, tolerance_min: i64) -> Due {
    Due { expect, scheduled_ms, deadline_ms: scheduled_ms + tolerance_min * MIN }
}

fn day(schedule: &WeeklySchedule, changes: &[TempChange], y: i32, m: u32, d: u32) -> Vec<Due> {
    // The whole local day in Bucharest, with room for the tolerance.
    let from = utc(y, m, d, 0, 0) - 4 * 60 * MIN;
    dues_between(schedule, changes, Bucharest, from, from + 24 * 60 * MIN)
}

#[test]
fn validation() {
    assert_eq!(validate(&WeeklySchedule::default()), Ok(()));
    assert_eq!(validate(&shop()), Ok(()));
    let mut night = shop();
    night.days[2] = hours((18, 0), (2, 0));
    assert_eq!(validate(&night), Ok(()), "a closing before the opening is the next day's");
    let mut bad = shop();
    bad.days[2] = hours((8, 0), (8, 0));
    assert_eq!(validate(&bad), Err(ScheduleError::SameOpenAndClose { day: 2 }));
    assert_eq!(
        ScheduleError::SameOpenAndClose { day: 2 }.to_string(),
        "Wednesday: opening and closing must differ (a closing before the opening is on the next day)"
    );
    let mut slow = shop();
    slow.tolerance_min = 240;
    assert_eq!(validate(&slow), Ok(()));
    slow.tolerance_min = 241;
    assert_eq!(validate(&slow), Err(ScheduleError::ToleranceTooLong(241)));
}

#[test]
fn default_is_closed_with_fifteen_minutes() {
    let d = WeeklySchedule::default();
    assert_eq!(d.tolerance_min, 15);
    let week = dues_between(&d, &[], Bucharest, utc(2026, 3, 1, 0, 0), utc(2026, 3, 9, 0, 0));
    assert!(week.is_empty());
}

#[test]
fn winter_and_summer_offsets() {
    use Expectation::*;
    // Friday 27 March: EET (UTC+2). Monday 30 March: EEST (UTC+3).
    assert_eq!(
        day(&shop(), &[], 2026, 3, 27),
        vec![due(Open, utc(2026, 3, 27, 6, 0), 15), due(Close, utc(2026, 3, 27, 16, 0), 15)]
    );
    assert_eq!(
        day(&shop(), &[], 2026, 3, 30),
        vec![due(Open, utc(2026, 3, 30, 5, 0), 15), due(Close, utc(2026, 3, 30, 15, 0), 15)]
    );
}

#[test]
fn spring_forward_gap_maps_to_the_end_of_the_gap() {
    use Expectation::*;
    // The Sunday before: 03:30 EET exists.
    assert_eq!(day(&shop(), &[], 2026, 3, 22)[0], due(Open, utc(2026, 3, 22, 1, 30), 15));
    // 29 March 2026: 03:00 EET jumps to 04:00 EEST; 03:30 does not exist -> 04:00 EEST.
    assert_eq!(
        day(&shop(), &[], 2026, 3, 29),
        vec![due(Open, utc(2026, 3, 29, 1, 0), 15), due(Close, utc(2026, 3, 29, 9, 0), 15)]
    );
}

#[test]
fn fall_back_ambiguity_takes_the_earlier_instant() {
    use Expectation::*;
    // 25 October 2026: 04:00 EEST falls back to 03:00 EET; 03:30 happens twice.
    assert_eq!(
        day(&shop(), &[], 2026, 10, 25),
        vec![due(Open, utc(2026, 10, 25, 0, 30), 15), due(Close, utc(2026, 10, 25, 10, 0), 15)]
    );
    // And the Monday after is on winter time.
    assert_eq!(day(&shop(), &[], 2026, 10, 26)[0], due(Open, utc(2026, 10, 26, 6, 0), 15));
}

#[test]
fn temporary_changes() {
    use Expectation::*;
    let changes = [
        // Labour Day (a Friday): closed.
        TempChange { date: date(2026, 5, 1), hours: None },
        // Friday 27 March: working late, closing at 21:00.
        TempChange { date: date(2026, 3, 27), hours: hours((8, 0), (21, 0)) },
        // A wrong entry for the same day, corrected by the later one.
        TempChange { date: date(2026, 3, 26), hours: None },
        TempChange { date: date(2026, 3, 26), hours: hours((10, 0), (14, 0)) },
    ];
    assert!(day(&shop(), &changes, 2026, 5, 1).is_empty());
    assert_eq!(day(&shop(), &[], 2026, 5, 1).len(), 2);
    assert_eq!(
        day(&shop(), &changes, 2026, 3, 27),
        vec![due(Open, utc(2026, 3, 27, 6, 0), 15), due(Close, utc(2026, 3, 27, 19, 0), 15)]
    );
    assert_eq!(
        day(&shop(), &changes, 2026, 3, 26),
        vec![due(Open, utc(2026, 3, 26, 8, 0), 15), due(Close, utc(2026, 3, 26, 12, 0), 15)]
    );
    // A change only touches its own date.
    assert_eq!(day(&shop(), &changes, 2026, 3, 25)[1], due(Close, utc(2026, 3, 25, 16, 0), 15));
}

#[test]
fn tolerance_and_range_bounds() {
    use Expectation::*;
    let mut s = shop();
    s.tolerance_min = 30;
    let open = utc(2026, 3, 27, 6, 0);
    let deadline = open + 30 * MIN;
    let range = |s: &WeeklySchedule, from, to| dues_between(s, &[], Bucharest, from, to);
    // (from, to]: a deadline equal to `to` is in, equal to `from` is out.
    assert_eq!(range(&s, deadline - 1, deadline), vec![due(Open, open, 30)]);
    assert!(range(&s, deadline, deadline + 1).is_empty());
    // Scheduled before the range, but its deadline is inside.
    assert_eq!(range(&s, open + MIN, open + 31 * MIN), vec![due(Open, open, 30)]);
    // Scheduled inside the range, deadline after it: not yet due.
    assert!(range(&s, open - MIN, open + 29 * MIN).is_empty());
    s.tolerance_min = 0;
    assert_eq!(range(&s, open - 1, open), vec![due(Open, open, 0)]);
}

#[test]
fn a_week_across_the_spring_change() {
    // Monday 23 March 00:00 EET to Monday 30 March 12:00 EEST.
    let dues = dues_between(&shop(), &[], Bucharest, utc(2026, 3, 22, 22, 0), utc(2026, 3, 30, 9, 0));
    let got: Vec<(Expectation, i64)> = dues.iter().map(|d| (d.expect, d.scheduled_ms)).collect();
    use Expectation::*;
    let mut want = Vec::new();
    for d in 23..=27 {
        want.push((Open, utc(2026, 3, d, 6, 0)));
        want.push((Close, utc(2026, 3, d, 16, 0)));
    }
    want.extend([
        (Open, utc(2026, 3, 28, 7, 0)),
        (Close, utc(2026, 3, 28, 11, 0)),
        (Open, utc(2026, 3, 29, 1, 0)),
        (Close, utc(2026, 3, 29, 9, 0)),
        (Open, utc(2026, 3, 30, 5, 0)),
    ]);
    assert_eq!(got, want);
    assert!(dues.windows(2).all(|w| w[0].deadline_ms <= w[1].deadline_ms));
}

#[test]
fn next_deadline() {
    let s = shop();
    // Friday 27 March 18:20 local (after the close deadline): next is Saturday's opening.
    let after = utc(2026, 3, 27, 16, 20);
    assert_eq!(next_deadline_after(&s, &[], Bucharest, after), Some(utc(2026, 3, 28, 7, 15)));
    // Exactly at a deadline: that one is not "after".
    let close_deadline = utc(2026, 3, 27, 16, 15);
    assert_eq!(next_deadline_after(&s, &[], Bucharest, close_deadline - 1), Some(close_deadline));
    assert_eq!(next_deadline_after(&s, &[], Bucharest, close_deadline), Some(utc(2026, 3, 28, 7, 15)));
    assert_eq!(next_deadline_after(&WeeklySchedule::default(), &[], Bucharest, after), None);
    // Open on Mondays only: a week ahead is found; a holiday on that Monday pushes the next
    // one beyond the 8-day look-ahead.
    let mut mondays = WeeklySchedule::default();
    mondays.days[0] = hours((8, 0), (18, 0));
    let monday_evening = utc(2026, 3, 23, 17, 0);
    assert_eq!(next_deadline_after(&mondays, &[], Bucharest, monday_evening), Some(utc(2026, 3, 30, 5, 15)));
    let holiday = [TempChange { date: date(2026, 3, 30), hours: None }];
    assert_eq!(next_deadline_after(&mondays, &holiday, Bucharest, monday_evening), None);
}

#[test]
fn a_night_window_closes_the_next_morning() {
    use Expectation::*;
    // Friday 2026-03-06 18:00 to Saturday 02:00, Bucharest (UTC+2 in March before the change).
    let mut bar = WeeklySchedule::default();
    bar.days[4] = hours((18, 0), (2, 0));
    let dues = dues_between(&bar, &[], Bucharest, utc(2026, 3, 6, 0, 0), utc(2026, 3, 8, 0, 0));
    assert_eq!(dues, vec![due(Open, utc(2026, 3, 6, 16, 0), 15), due(Close, utc(2026, 3, 7, 0, 0), 15)]);
    assert_eq!(bar.describe()[4], "Fri 18:00-02:00 (next day)");
    // A one-day change may run past midnight too.
    let late = [TempChange { date: date(2026, 3, 9), hours: hours((20, 0), (1, 30)) }];
    let dues =
        dues_between(&WeeklySchedule::default(), &late, Bucharest, utc(2026, 3, 9, 0, 0), utc(2026, 3, 11, 0, 0));
    assert_eq!(
        dues.iter().map(|d| (d.expect, d.scheduled_ms)).collect::<Vec<_>>(),
        vec![(Open, utc(2026, 3, 9, 18, 0)), (Close, utc(2026, 3, 9, 23, 30))]
    );
}

#[test]
fn a_day_may_have_several_windows() {
    use Expectation::*;
    // A pharmacy closed at lunch on Tuesday 2026-03-10 (Bucharest, UTC+2): 08:00-12:00 and
    // 14:00-18:00, then a night counter 21:00-01:00.
    let mut pharmacy = WeeklySchedule::default();
    pharmacy.days[1] = hours((8, 0), (12, 0));
    pharmacy.later[1] = vec![hours((14, 0), (18, 0)).unwrap(), hours((21, 0), (1, 0)).unwrap()];
    assert_eq!(validate(&pharmacy), Ok(()));
    assert_eq!(pharmacy.describe()[1], "Tue 08:00-12:00, 14:00-18:00, 21:00-01:00 (next day)");
    let dues = dues_between(&pharmacy, &[], Bucharest, utc(2026, 3, 10, 0, 0), utc(2026, 3, 11, 12, 0));
    assert_eq!(
        dues.iter().map(|d| (d.expect, d.scheduled_ms)).collect::<Vec<_>>(),
        vec![
            (Open, utc(2026, 3, 10, 6, 0)),
            (Close, utc(2026, 3, 10, 10, 0)),
            (Open, utc(2026, 3, 10, 12, 0)),
            (Close, utc(2026, 3, 10, 16, 0)),
            (Open, utc(2026, 3, 10, 19, 0)),
            (Close, utc(2026, 3, 10, 23, 0)),
        ]
    );
    // A change of that day replaces every window.
    let short = [TempChange { date: date(2026, 3, 10), hours: hours((9, 0), (13, 0)) }];
    assert_eq!(dues_between(&pharmacy, &short, Bucharest, utc(2026, 3, 10, 0, 0), utc(2026, 3, 11, 0, 0)).len(), 2);

    // Windows must follow one another, the first must exist, only the last may cross midnight.
    let mut overlap = pharmacy.clone();
    overlap.later[1][0] = hours((11, 0), (15, 0)).unwrap();
    assert_eq!(validate(&overlap), Err(ScheduleError::WindowsOverlap { day: 1 }));
    let mut after_night = WeeklySchedule::default();
    after_night.days[4] = hours((18, 0), (2, 0));
    after_night.later[4] = vec![hours((22, 0), (23, 0)).unwrap()];
    assert_eq!(validate(&after_night), Err(ScheduleError::WindowsOverlap { day: 4 }));
    let mut orphan = WeeklySchedule::default();
    orphan.later[6] = vec![hours((14, 0), (18, 0)).unwrap()];
    assert_eq!(validate(&orphan), Err(ScheduleError::WindowsOverlap { day: 6 }));
    let mut many = WeeklySchedule::default();
    many.days[0] = hours((1, 0), (2, 0));
    many.later[0] = (3..7).map(|h| hours((h * 2, 0), (h * 2 + 1, 0)).unwrap()).collect();
    assert_eq!(validate(&many), Err(ScheduleError::TooManyWindows { day: 0 }));

    // Stored schedules without later windows read as before and are written as before.
    let json = serde_json::to_string(&shop()).unwrap();
    assert!(!json.contains("later"), "{json}");
    let old: WeeklySchedule = serde_json::from_str(&json).unwrap();
    assert_eq!(old, shop());
}
