//! Dispatch billing per site and calendar year, in the site's time zone.
//!
//! Each dispatch of a year is, in time order, free for the first matching reason, counted
//! against the yearly included number, or billable:
//! 1. within the first calendar month after connection: [`FreeReason::FirstMonth`] (unless
//!    the contract says otherwise: [`Terms::free_first_month`]);
//! 2. a technical false alarm under warranty: [`FreeReason::Warranty`];
//! 3. the crew arrived late: [`FreeReason::CrewLate`];
//! 4. the first user false alarm of the calendar year: [`FreeReason::FirstFalseCallOfYear`]
//!    (only the very first one, even when it was already free for an earlier reason; unless
//!    [`Terms::free_first_false_alarm`] is off);
//! 5. tests and duplicates: [`FreeReason::NotChargeable`];
//! 6. otherwise [`Charge::Included`] while the included number lasts, then
//!    [`Charge::Billable`].

use crate::local::{instant_ms, local};
use chrono::{Datelike, Months};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

/// A site's contract terms for dispatches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// When monitoring started (Unix ms).
    pub connected_at_ms: i64,
    /// Technical false alarms up to this instant (inclusive) are free.
    pub warranty_until_ms: Option<i64>,
    /// Dispatches included in the fee per calendar year.
    pub included_per_year: u32,
    /// Dispatches within the first calendar month after connection are free.
    #[serde(default = "yes")]
    pub free_first_month: bool,
    /// The first user false alarm of each calendar year is free.
    #[serde(default = "yes")]
    pub free_first_false_alarm: bool,
}

fn yes() -> bool {
    true
}

impl Default for Terms {
    /// Connected at the epoch, no warranty, 4 dispatches included a year, the first month
    /// and the first false alarm of a year free.
    fn default() -> Self {
        Self {
            connected_at_ms: 0,
            warranty_until_ms: None,
            included_per_year: 4,
            free_first_month: true,
            free_first_false_alarm: true,
        }
    }
}

/// How a dispatch turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A real alarm.
    Real,
    /// False alarm caused by the user.
    FalseUser,
    /// False alarm caused by a technical fault.
    FalseTechnical,
    /// An agreed test dispatch.
    Test,
    /// Called off after the crew had left.
    Cancelled,
    /// A second dispatch for the same event.
    Duplicate,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 6] = [
        Outcome::Real,
        Outcome::FalseUser,
        Outcome::FalseTechnical,
        Outcome::Test,
        Outcome::Cancelled,
        Outcome::Duplicate,
    ];

    /// The stored name (`false_user`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Real => "real",
            Outcome::FalseUser => "false_user",
            Outcome::FalseTechnical => "false_technical",
            Outcome::Test => "test",
            Outcome::Cancelled => "cancelled",
            Outcome::Duplicate => "duplicate",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// One crew dispatch to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispatch {
    /// The incident it belongs to.
    pub incident_id: i64,
    /// When the crew was sent (Unix ms).
    pub at_ms: i64,
    /// How it turned out.
    pub outcome: Outcome,
    /// Whether the crew arrived later than agreed.
    pub crew_late: bool,
    /// A silent (duress) incident's dispatch: in the company's books, never in what the
    /// customer is shown or billed.
    #[serde(default)]
    pub silent: bool,
}

/// Why a dispatch is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeReason {
    /// Within the first calendar month after connection.
    FirstMonth,
    /// Technical false alarm under warranty.
    Warranty,
    /// The crew was late.
    CrewLate,
    /// The first user false alarm of the calendar year.
    FirstFalseCallOfYear,
    /// Tests and duplicates.
    NotChargeable,
}

/// What one dispatch costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charge {
    /// Free, for this reason.
    Free(FreeReason),
    /// The `n`th of the `of` dispatches included this year.
    Included {
        /// 1-based count of included dispatches used so far, this one included.
        n: u32,
        /// Included per year.
        of: u32,
    },
    /// Billed on top of the fee.
    Billable,
}

/// The dispatches of one site in one calendar year and what each costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearAccount {
    /// Calendar year in the site's zone.
    pub year: i32,
    /// Number of dispatches in the year.
    pub dispatches: u32,
    /// Dispatches included per year.
    pub included: u32,
    /// Included dispatches used.
    pub included_used: u32,
    /// Free dispatches.
    pub free: u32,
    /// Billable dispatches.
    pub billable: u32,
    /// `(incident_id, charge)` per dispatch, in time order.
    pub charges: Vec<(i64, Charge)>,
}

/// The calendar year of an instant in the site's zone (saturating outside chrono's range).
pub fn year_of(at_ms: i64, tz: Tz) -> i32 {
    match local(at_ms, tz) {
        Some(t) => t.year(),
        None if at_ms < 0 => i32::MIN,
        None => i32::MAX,
    }
}

/// The account of the dispatches whose local year is `year`; the order of `dispatches` does
/// not matter (they are taken by time, then incident id).
pub fn year_account(terms: &Terms, dispatches: &[Dispatch], tz: Tz, year: i32) -> YearAccount {
    let first_month_end = first_month_end(terms.connected_at_ms, tz);
    let mut year_dispatches: Vec<&Dispatch> = dispatches.iter().filter(|d| year_of(d.at_ms, tz) == year).collect();
    year_dispatches.sort_by_key(|d| (d.at_ms, d.incident_id));
    let mut account = YearAccount {
        year,
        dispatches: 0,
        included: terms.included_per_year,
        included_used: 0,
        free: 0,
        billable: 0,
        charges: Vec::with_capacity(year_dispatches.len()),
    };
    let mut seen_false_user = false;
    for d in year_dispatches {
        let first_false_user = d.outcome == Outcome::FalseUser && !seen_false_user;
        seen_false_user |= d.outcome == Outcome::FalseUser;
        let under_warranty = terms.warranty_until_ms.is_some_and(|w| d.at_ms <= w);
        let free = if terms.free_first_month && d.at_ms < first_month_end {
            Some(FreeReason::FirstMonth)
        } else if d.outcome == Outcome::FalseTechnical && under_warranty {
            Some(FreeReason::Warranty)
        } else if d.crew_late {
            Some(FreeReason::CrewLate)
        } else if first_false_user && terms.free_first_false_alarm {
            Some(FreeReason::FirstFalseCallOfYear)
        } else if matches!(d.outcome, Outcome::Test | Outcome::Duplicate) {
            Some(FreeReason::NotChargeable)
        } else {
            None
        };
        let charge = match free {
            Some(reason) => {
                account.free += 1;
                Charge::Free(reason)
            }
            None if account.included_used < account.included => {
                account.included_used += 1;
                Charge::Included { n: account.included_used, of: account.included }
            }
            None => {
                account.billable += 1;
                Charge::Billable
            }
        };
        account.dispatches += 1;
        account.charges.push((d.incident_id, charge));
    }
    account
}

/// One calendar month after connection, in local time (31 January + 1 month = 28/29 February).
fn first_month_end(connected_at_ms: i64, tz: Tz) -> i64 {
    local(connected_at_ms, tz)
        .and_then(|t| t.checked_add_months(Months::new(1)))
        .and_then(|t| instant_ms(t, tz))
        .unwrap_or_else(|| connected_at_ms.saturating_add(31 * 24 * 3_600_000))
}
