//! Local wall time in a site's zone, and back.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

/// The local wall time of an instant (Unix ms); `None` outside chrono's range.
pub(crate) fn local(at_ms: i64, tz: Tz) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(at_ms).map(|t| t.with_timezone(&tz).naive_local())
}

/// The instant (Unix ms) of a local wall time: the earlier one if it is ambiguous (fall back),
/// the first instant after the gap if it does not exist (spring forward).
pub(crate) fn instant_ms(local: NaiveDateTime, tz: Tz) -> Option<i64> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(a, b) => Some(a.timestamp_millis().min(b.timestamp_millis())),
        LocalResult::None => {
            // Walk forward minute by minute to the first local time that exists: the end of
            // the gap (transitions fall on whole minutes). Gaps last hours, at most a day.
            let start = local.with_second(0)?.with_nanosecond(0)?;
            (1..=2 * 24 * 60).find_map(|m| {
                let t = start.checked_add_signed(Duration::minutes(m))?;
                tz.from_local_datetime(&t).earliest().map(|t| t.timestamp_millis())
            })
        }
    }
}
