//! What the customer app shows and sends, and the checks both sides make on its fields.

use serde::{Deserialize, Serialize};

/// A login's role on one site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteRole {
    /// Holds the contract: may change contacts, schedules, test mode, and sees the money.
    Owner,
    /// On the call list: sees the state and journal, arms, disarms, cancels, raises a panic.
    Contact,
}

impl SiteRole {
    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<SiteRole> {
        match s {
            "owner" => Some(SiteRole::Owner),
            "contact" => Some(SiteRole::Contact),
            _ => None,
        }
    }
}

/// One site on the selector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSite {
    /// Site id.
    pub site_id: i64,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// The login's role there.
    pub role: SiteRole,
}

/// An open alarm as the customer sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppAlarm {
    /// Incident id.
    pub id: i64,
    /// Category (`burglary`, `fire`, ...).
    pub category: String,
    /// Opening time, site-local `HH:MM`.
    pub opened: String,
    /// Cancel possible until then (unix ms), while no crew is sent.
    pub cancel_until_ms: Option<i64>,
    /// A crew is on its way or there.
    pub crew_dispatched: bool,
}

/// A command waiting for the panel, or its latest outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppCommand {
    /// Row id.
    pub id: i64,
    /// `arm`, `disarm` or `night`.
    pub command: String,
    /// `queued`, `done` or `failed`.
    pub status: String,
    /// Who asked.
    pub by: Option<String>,
    /// When, site-local `HH:MM`.
    pub at: String,
    /// How long ago it was asked, ms (a finished one's line goes after [`COMMAND_SHOWN_MS`]).
    #[serde(default)]
    pub age_ms: i64,
}

/// How long the home screen shows a finished panel command ("Disarm: done").
pub const COMMAND_SHOWN_MS: i64 = 2 * 60_000;

/// The home screen of one site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppHome {
    /// Site id.
    pub site_id: i64,
    /// Name.
    pub name: String,
    /// The login's role.
    pub role: SiteRole,
    /// `armed`, `night`, `disarmed` or `unknown`.
    pub arm: String,
    /// Who armed or disarmed last: `#3` (panel user), a person's name (the app), or `app`.
    pub arm_user: Option<String>,
    /// When it last changed, site-local `YYYY-MM-DD HH:MM`.
    pub arm_changed: Option<String>,
    /// On test until then (unix ms and site-local `HH:MM`).
    pub test_until: Option<(i64, String)>,
    /// Suspended until then, site-local date and time.
    pub suspended_until: Option<String>,
    /// Open alarms (never a silent one).
    pub alarms: Vec<AppAlarm>,
    /// The newest panel command of the last 10 minutes.
    pub command: Option<AppCommand>,
    /// The site's IANA time zone.
    pub time_zone: String,
    /// When this was read, site-local `HH:MM:SS`.
    pub read_at: String,
}

/// What kind of thing a journal line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalKind {
    /// Armed (full).
    Armed,
    /// Armed in night mode.
    Night,
    /// Disarmed.
    Disarmed,
    /// An alarm.
    Alarm,
    /// A fault, a lost link, a missed test.
    Trouble,
    /// Test mode, a test alarm.
    Test,
}

/// Which journal lines to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalFilter {
    /// Everything.
    #[default]
    All,
    /// Arming and disarming.
    Arming,
    /// Alarms.
    Alarms,
    /// Faults and tests.
    Other,
}

impl JournalFilter {
    /// Whether a line of this kind passes.
    pub fn admits(self, kind: JournalKind) -> bool {
        match self {
            JournalFilter::All => true,
            JournalFilter::Arming => matches!(kind, JournalKind::Armed | JournalKind::Night | JournalKind::Disarmed),
            JournalFilter::Alarms => kind == JournalKind::Alarm,
            JournalFilter::Other => matches!(kind, JournalKind::Trouble | JournalKind::Test),
        }
    }
}

/// One line of a site's journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalLine {
    /// Unix ms (for order).
    pub at_ms: i64,
    /// Site-local `YYYY-MM-DD`.
    pub date: String,
    /// Site-local `HH:MM`.
    pub time: String,
    /// What it is about.
    pub kind: JournalKind,
    /// Category of an alarm or fault (`burglary`, `link_failure`, ...).
    pub category: Option<String>,
    /// Who: a person's name (from the app) or the panel user (`user 3`).
    pub who: Option<String>,
    /// How an alarm ended: `open`, or the resolution (`cancelled`, `real`, ...).
    pub outcome: Option<String>,
    /// A crew was sent.
    pub crew: bool,
    /// The zone's name, if any.
    pub zone: Option<String>,
}

/// One person on the call list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppContact {
    /// Contact id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Unavailable from (site-local date), if a period is set.
    pub away_from: Option<String>,
    /// Unavailable until (site-local date), if a period is set.
    pub away_until: Option<String>,
    /// Unavailable right now.
    pub away_now: bool,
}

/// One weekday's opening hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppDay {
    /// 0 = Monday.
    pub weekday: u8,
    /// `HH:MM`-`HH:MM`, or `None` when closed.
    pub hours: Option<(String, String)>,
    /// The day's later windows (closed at lunch, open again in the afternoon).
    #[serde(default)]
    pub later: Vec<(String, String)>,
}

/// A temporary change of one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppScheduleChange {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`-`HH:MM`, or `None`: closed all day.
    pub hours: Option<(String, String)>,
}

/// A site's opening hours and changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSchedule {
    /// Empty: the site has no opening hours (a home).
    pub days: Vec<AppDay>,
    /// Minutes of tolerance.
    pub tolerance_min: u32,
    /// Changes from today on.
    pub changes: Vec<AppScheduleChange>,
    /// Today, site-local `YYYY-MM-DD`.
    pub today: String,
}

/// An invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppInvoice {
    /// Number.
    pub number: String,
    /// Issued (`YYYY-MM-DD`).
    pub issued_on: String,
    /// Due (`YYYY-MM-DD`).
    pub due_on: String,
    /// What for.
    pub description: String,
    /// Amount, minor units.
    pub amount_cents: i64,
    /// Currency.
    pub currency: String,
    /// Paid on, if paid.
    pub paid_on: Option<String>,
    /// Unpaid and past its due date.
    pub overdue: bool,
}

/// Money and service of one site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppMoney {
    /// Invoices, newest first.
    pub invoices: Vec<AppInvoice>,
    /// Unpaid total, minor units.
    pub balance_cents: i64,
    /// Currency of the balance.
    pub currency: String,
    /// This year.
    pub year: i32,
    /// Dispatches included per year.
    pub included: u32,
    /// Dispatches this year.
    pub dispatches: u32,
    /// Billed dispatches this year.
    pub billable: u32,
    /// Requests made, newest first.
    pub requests: Vec<AppRequest>,
}

/// A service request as the customer sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppRequest {
    /// Kind (`technician`, `forgotten_code`, `pause`, `move`, `transfer`, `pets_keys`).
    pub kind: String,
    /// Text.
    pub details: String,
    /// `open` or `done`.
    pub status: String,
    /// When, site-local `YYYY-MM-DD`.
    pub date: String,
}

/// Push settings of one login for one site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppPush {
    /// The server's VAPID public key (base64url); `None`: push is off.
    pub vapid_key: Option<String>,
    /// Alarms wanted.
    pub alarms: bool,
    /// Other notices wanted.
    pub notices: bool,
    /// Browsers of this login that get pushes.
    pub devices: usize,
}

/// Field errors of a form, by field name.
pub type Errors = Vec<(String, String)>;

/// Why a PIN is not acceptable, or `None`: 4-8 digits, not all one digit, not a straight run
/// up or down (1234, 4321, 0123, 9876...), not a repeated pair (1212), not a year 19xx/20xx.
pub fn pin_problem(pin: &str) -> Option<&'static str> {
    let digits: Vec<u8> = pin.bytes().collect();
    if !(4..=8).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return Some("pin_format");
    }
    let steps: Vec<i16> = digits.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    let run = steps.iter().all(|s| *s == 0) || steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1);
    let pairs = digits.len().is_multiple_of(2) && digits.chunks(2).all(|c| c == &digits[..2]);
    let year = digits.len() == 4 && (pin.starts_with("19") || pin.starts_with("20"));
    (run || pairs || year).then_some("pin_trivial")
}

/// Why a customer ID code is not acceptable (6-10 digits), or `None`.
pub fn code_problem(code: &str) -> Option<&'static str> {
    let ok = (6..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
    (!ok).then_some("code_format")
}

/// Why a phone number is not acceptable, or `None`: digits with spaces, an optional leading
/// `+`, 6 to 16 digits.
pub fn phone_problem(phone: &str) -> Option<&'static str> {
    let t = phone.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let ok = body.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') && (6..=16).contains(&digits);
    (!ok).then_some("phone_format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_pins_are_refused() {
        for pin in
            ["0000", "1111", "1234", "4321", "0123", "9876", "12345678", "1212", "2580258", "1990", "2024", "99999"]
        {
            let expected = if pin == "2580258" { None } else { Some("pin_trivial") };
            assert_eq!(pin_problem(pin), expected, "{pin}");
        }
        for pin in ["123", "123456789", "12a4", "", "12 34"] {
            assert_eq!(pin_problem(pin), Some("pin_format"), "{pin}");
        }
        for pin in ["2580", "7391", "4826", "13579", "80417263"] {
            assert_eq!(pin_problem(pin), None, "{pin}");
        }
    }

    #[test]
    fn codes_and_phones() {
        assert_eq!(code_problem("100001"), None);
        assert_eq!(code_problem("10001"), Some("code_format"));
        assert_eq!(code_problem("10000a"), Some("code_format"));
        assert_eq!(phone_problem("+40 721 555 010"), None);
        assert_eq!(phone_problem("0721-555-010"), None);
        assert_eq!(phone_problem("call me"), Some("phone_format"));
        assert_eq!(phone_problem("+40"), Some("phone_format"));
    }

    #[test]
    fn filters_admit_their_kinds() {
        assert!(JournalFilter::Arming.admits(JournalKind::Night));
        assert!(!JournalFilter::Arming.admits(JournalKind::Alarm));
        assert!(JournalFilter::Alarms.admits(JournalKind::Alarm));
        assert!(JournalFilter::Other.admits(JournalKind::Trouble));
        assert!(JournalFilter::All.admits(JournalKind::Test));
    }
}
