//! DC-09 timestamps (`HH:MM:SS,MM-DD-YYYY`, UTC) and their Unix-time conversion.

use std::fmt;
use std::str::FromStr;

const SECS_PER_DAY: i64 = 86_400;
const MIN_YEAR: i64 = 0;
const MAX_YEAR: i64 = 9999;

/// A calendar time in UTC, as carried by DC-09 frames (`_HH:MM:SS,MM-DD-YYYY`).
///
/// Fields are ordered from the year down, so the derived ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Year, 0..=9999.
    pub year: u16,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59.
    pub second: u8,
}

/// A text that is not a valid `HH:MM:SS,MM-DD-YYYY` timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {0:?}: expected a real date and time as HH:MM:SS,MM-DD-YYYY")]
pub struct ParseTimestampError(pub String);

impl Timestamp {
    /// Length of the wire form `HH:MM:SS,MM-DD-YYYY`.
    pub const TEXT_LEN: usize = 19;

    /// Builds a timestamp, or `None` when the fields do not name a real date and time.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let ts = Timestamp { year, month, day, hour, minute, second };
        ts.is_valid().then_some(ts)
    }

    /// Whether the fields name a real date and time within years 0..=9999.
    pub fn is_valid(&self) -> bool {
        i64::from(self.year) <= MAX_YEAR
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(i64::from(self.year), self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
    }

    /// The UTC calendar time of a Unix time in seconds.
    ///
    /// Times before 0000-01-01 00:00:00 or after 9999-12-31 23:59:59 saturate to those bounds,
    /// the range that the four-digit wire year can carry.
    pub fn from_unix(secs: i64) -> Timestamp {
        let min = days_from_civil(MIN_YEAR, 1, 1) * SECS_PER_DAY;
        let max = days_from_civil(MAX_YEAR, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;
        let secs = secs.clamp(min, max);
        let days = secs.div_euclid(SECS_PER_DAY);
        let rem = secs.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Timestamp {
            year: year as u16,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// The Unix time in seconds of this UTC calendar time.
    pub fn to_unix(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day) * SECS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}:{:02},{:02}-{:02}-{:04}",
            self.hour, self.minute, self.second, self.month, self.day, self.year
        )
    }
}

impl FromStr for Timestamp {
    type Err = ParseTimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseTimestampError(s.to_owned());
        let b = s.as_bytes();
        if b.len() != Self::TEXT_LEN || b[2] != b':' || b[5] != b':' || b[8] != b',' || b[11] != b'-' || b[14] != b'-' {
            return Err(err());
        }
        let num = |from: usize, to: usize| -> Result<u16, ParseTimestampError> {
            b[from..to].iter().try_fold(0u16, |acc, &c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u16::from(c - b'0'))
                } else {
                    Err(err())
                }
            })
        };
        let hour = num(0, 2)? as u8;
        let minute = num(3, 5)? as u8;
        let second = num(6, 8)? as u8;
        let month = num(9, 11)? as u8;
        let day = num(12, 14)? as u8;
        let year = num(15, 19)?;
        Timestamp::new(year, month, day, hour, minute, second).ok_or_else(err)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Timestamp {
        Timestamp::new(year, month, day, hour, minute, second).expect("valid test timestamp")
    }

    #[test]
    fn unix_epoch() {
        assert_eq!(Timestamp::from_unix(0), ts(1970, 1, 1, 0, 0, 0));
        assert_eq!(ts(1970, 1, 1, 0, 0, 0).to_unix(), 0);
    }

    #[test]
    fn known_instants() {
        assert_eq!(Timestamp::from_unix(1_435_000_000), ts(2015, 6, 22, 19, 6, 40));
        assert_eq!(ts(2026, 11, 22, 2, 46, 2).to_unix(), 1_795_315_562);
        assert_eq!(Timestamp::from_unix(-1), ts(1969, 12, 31, 23, 59, 59));
        assert_eq!(ts(2000, 2, 29, 12, 0, 0).to_unix(), 951_825_600);
    }

    #[test]
    fn leap_days() {
        assert!(Timestamp::new(2024, 2, 29, 0, 0, 0).is_some());
        assert!(Timestamp::new(2000, 2, 29, 0, 0, 0).is_some());
        assert!(Timestamp::new(1900, 2, 29, 0, 0, 0).is_none());
        assert!(Timestamp::new(2023, 2, 29, 0, 0, 0).is_none());
        let feb29 = ts(2024, 2, 29, 23, 59, 59);
        assert_eq!(Timestamp::from_unix(feb29.to_unix() + 1), ts(2024, 3, 1, 0, 0, 0));
        let dec31 = ts(2024, 12, 31, 0, 0, 0);
        assert_eq!(dec31.to_unix() - ts(2024, 1, 1, 0, 0, 0).to_unix(), 365 * 86_400);
    }

    #[test]
    fn round_trip_every_day_across_centuries() {
        let start = ts(1896, 1, 1, 0, 0, 0).to_unix();
        let end = ts(2404, 12, 31, 0, 0, 0).to_unix();
        let mut prev: Option<Timestamp> = None;
        for secs in (start..=end).step_by(86_400 + 3_607) {
            let t = Timestamp::from_unix(secs);
            assert!(t.is_valid(), "{t:?}");
            assert_eq!(t.to_unix(), secs);
            if let Some(p) = prev {
                assert!(p < t);
            }
            prev = Some(t);
        }
    }

    #[test]
    fn saturates_outside_four_digit_years() {
        assert_eq!(Timestamp::from_unix(i64::MAX), ts(9999, 12, 31, 23, 59, 59));
        assert_eq!(Timestamp::from_unix(i64::MIN), ts(0, 1, 1, 0, 0, 0));
    }

    #[test]
    fn text_round_trip() {
        let t: Timestamp = "16:09:09,04-14-2015".parse().unwrap();
        assert_eq!(t, ts(2015, 4, 14, 16, 9, 9));
        assert_eq!(t.to_string(), "16:09:09,04-14-2015");
        assert_eq!(ts(5, 1, 2, 3, 4, 5).to_string(), "03:04:05,01-02-0005");
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "not-a-timestamp",
            "14:12:04,09-25-201",
            "14:12:04,09-25-20155",
            "24:00:00,01-01-2020",
            "12:60:00,01-01-2020",
            "12:00:60,01-01-2020",
            "12:00:00,13-01-2020",
            "12:00:00,00-01-2020",
            "12:00:00,04-31-2020",
            "12:00:00,02-29-2021",
            "12-00-00,01-01-2020",
            "12:00:00 01-01-2020",
            "+2:00:00,01-01-2020",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad:?} accepted");
        }
    }
}
