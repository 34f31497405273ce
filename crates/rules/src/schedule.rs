//! Weekly open/close supervision in the site's own time zone.
//!
//! A site is expected to be disarmed (opened) and armed (closed) at agreed local times; a
//! [`Due`] is one such expectation with its deadline (the scheduled time plus the tolerance).
//! Temporary changes ([`TempChange`]) replace one local day's hours (holiday, working late).
//!
//! Local times are turned into instants in the site's zone: a time that does not exist
//! (spring forward) maps to the first instant after the gap, an ambiguous one (fall back) to
//! the earlier instant.

use crate::local::{instant_ms, local};
use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(test)]
mod tests;

/// The longest allowed tolerance, in minutes.
pub const MAX_TOLERANCE_MIN: u32 = 240;
/// How far [`next_deadline_after`] looks ahead.
const LOOK_AHEAD_DAYS: i64 = 8;
const MINUTE_MS: i64 = 60_000;

/// One day's opening hours, in local time. A closing at or before the opening is on the next
/// day (a bar open 18:00-02:00); they may not be equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHours {
    /// When the site should be disarmed.
    pub open: NaiveTime,
    /// When the site should be armed.
    pub close: NaiveTime,
}

/// The most opening windows in one day.
pub const MAX_WINDOWS_A_DAY: usize = 4;

/// The agreed hours of each weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySchedule {
    /// Monday first; `None` = closed all day.
    pub days: [Option<OpenHours>; 7],
    /// Later windows of the same weekday, Monday first (a shop closed at lunch: 08:00-12:00
    /// in `days`, then 14:00-18:00 here). Each opens after the day's previous window closed;
    /// only a day's last window may run past midnight.
    #[serde(default, skip_serializing_if = "no_later_windows")]
    pub later: [Vec<OpenHours>; 7],
    /// Minutes after the scheduled time before the site is late.
    pub tolerance_min: u32,
}

fn no_later_windows(later: &[Vec<OpenHours>; 7]) -> bool {
    later.iter().all(Vec::is_empty)
}

impl WeeklySchedule {
    /// A weekday's windows (0 = Monday), in order.
    pub fn windows(&self, weekday: usize) -> impl Iterator<Item = OpenHours> + '_ {
        self.days[weekday % 7].into_iter().chain(self.later[weekday % 7].iter().copied())
    }

    /// One line per day, Monday first: `Mon 08:00-18:00`, `Sat 08:00-12:00, 14:00-18:00`,
    /// `Fri 18:00-02:00 (next day)` or `Sun closed`.
    pub fn describe(&self) -> Vec<String> {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        DAYS.iter()
            .enumerate()
            .map(|(n, day)| {
                let windows: Vec<String> = self
                    .windows(n)
                    .map(|h| {
                        format!(
                            "{}-{}{}",
                            h.open.format("%H:%M"),
                            h.close.format("%H:%M"),
                            if h.close < h.open { " (next day)" } else { "" }
                        )
                    })
                    .collect();
                if windows.is_empty() {
                    format!("{day} closed")
                } else {
                    format!("{day} {}", windows.join(", "))
                }
            })
            .collect()
    }
}

impl Default for WeeklySchedule {
    /// Closed every day, 15 minutes' tolerance.
    fn default() -> Self {
        Self { days: [None; 7], later: Default::default(), tolerance_min: 15 }
    }
}

/// A one-day change of the hours (holiday, working late), in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TempChange {
    /// The local day it replaces.
    pub date: NaiveDate,
    /// That day's hours; `None` = closed all day.
    pub hours: Option<OpenHours>,
}

/// What the site should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// Be disarmed (opened).
    Open,
    /// Be armed (closed).
    Close,
}

/// One expected opening or closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// Open or close.
    pub expect: Expectation,
    /// The scheduled instant (Unix ms).
    pub scheduled_ms: i64,
    /// `scheduled_ms` plus the tolerance: late after this instant.
    pub deadline_ms: i64,
}

/// Why a schedule is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleError {
    /// A day opens and closes at the same time; `day` is 0 for Monday.
    SameOpenAndClose {
        /// 0 = Monday … 6 = Sunday.
        day: usize,
    },
    /// The tolerance is longer than [`MAX_TOLERANCE_MIN`].
    ToleranceTooLong(u32),
    /// A later window of a day starts before the previous one closed, follows one that runs
    /// past midnight, or has no first window before it.
    WindowsOverlap {
        /// 0 = Monday … 6 = Sunday.
        day: usize,
    },
    /// More than [`MAX_WINDOWS_A_DAY`] windows in one day.
    TooManyWindows {
        /// 0 = Monday … 6 = Sunday.
        day: usize,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        let name = |day: &usize| DAYS.get(*day).copied().unwrap_or("?");
        match self {
            Self::WindowsOverlap { day } => {
                write!(f, "{}: each opening window starts after the previous one closed, and only the last may run past midnight", name(day))
            }
            Self::TooManyWindows { day } => {
                write!(f, "{}: at most {MAX_WINDOWS_A_DAY} opening windows a day", name(day))
            }
            Self::SameOpenAndClose { day } => {
                let name = name(day);
                write!(f, "{name}: opening and closing must differ (a closing before the opening is on the next day)")
            }
            Self::ToleranceTooLong(min) => {
                write!(f, "tolerance {min} min is longer than {MAX_TOLERANCE_MIN} min")
            }
        }
    }
}

impl std::error::Error for ScheduleError {}

/// Checks that no window opens and closes at the same time, a day's windows follow one
/// another (at most [`MAX_WINDOWS_A_DAY`]), and the tolerance is at most 240 minutes.
pub fn validate(schedule: &WeeklySchedule) -> Result<(), ScheduleError> {
    for day in 0..7 {
        let windows: Vec<OpenHours> = schedule.windows(day).collect();
        if windows.iter().any(|h| h.open == h.close) {
            return Err(ScheduleError::SameOpenAndClose { day });
        }
        if windows.len() > MAX_WINDOWS_A_DAY {
            return Err(ScheduleError::TooManyWindows { day });
        }
        let in_order = windows.windows(2).all(|w| w[0].open < w[0].close && w[0].close < w[1].open);
        if (schedule.days[day].is_none() && !schedule.later[day].is_empty()) || !in_order {
            return Err(ScheduleError::WindowsOverlap { day });
        }
    }
    if schedule.tolerance_min > MAX_TOLERANCE_MIN {
        return Err(ScheduleError::ToleranceTooLong(schedule.tolerance_min));
    }
    Ok(())
}

/// Every [`Due`] whose deadline is in `(from_ms, to_ms]`, sorted by deadline.
///
/// A [`TempChange`] for a local date replaces all that weekday's windows (the last one given
/// for a date wins).
pub fn dues_between(schedule: &WeeklySchedule, changes: &[TempChange], tz: Tz, from_ms: i64, to_ms: i64) -> Vec<Due> {
    let tolerance_ms = i64::from(schedule.tolerance_min) * MINUTE_MS;
    let (Some(first), Some(last)) = (local_date(from_ms.saturating_sub(tolerance_ms), tz), local_date(to_ms, tz))
    else {
        return Vec::new();
    };
    let mut dues = Vec::new();
    // One day of margin on each side: a day's instants can spill over the UTC-local offset.
    let mut date = first.pred_opt().unwrap_or(first);
    let end = last.succ_opt().unwrap_or(last);
    while date <= end {
        let weekday = date.weekday().num_days_from_monday() as usize;
        let windows: Vec<OpenHours> = match changes.iter().rev().find(|c| c.date == date) {
            Some(change) => change.hours.into_iter().collect(),
            None => schedule.windows(weekday).collect(),
        };
        for hours in windows {
            // A closing at or before the opening is the next morning's.
            let close_date = if hours.close <= hours.open { date.succ_opt().unwrap_or(date) } else { date };
            for (expect, day, time) in
                [(Expectation::Open, date, hours.open), (Expectation::Close, close_date, hours.close)]
            {
                let Some(scheduled_ms) = instant_ms(day.and_time(time), tz) else {
                    continue;
                };
                let deadline_ms = scheduled_ms + tolerance_ms;
                if from_ms < deadline_ms && deadline_ms <= to_ms {
                    dues.push(Due { expect, scheduled_ms, deadline_ms });
                }
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    dues.sort_by_key(|d| (d.deadline_ms, d.scheduled_ms));
    dues
}

/// The first deadline after `after_ms`, looking at most 8 days ahead.
pub fn next_deadline_after(schedule: &WeeklySchedule, changes: &[TempChange], tz: Tz, after_ms: i64) -> Option<i64> {
    let to_ms = after_ms.saturating_add(LOOK_AHEAD_DAYS * 24 * 60 * MINUTE_MS);
    dues_between(schedule, changes, tz, after_ms, to_ms).first().map(|d| d.deadline_ms)
}

fn local_date(at_ms: i64, tz: Tz) -> Option<NaiveDate> {
    local(at_ms, tz).map(|t| t.date())
}
