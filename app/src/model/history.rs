//! What the audit viewer asks for and shows, and the checks on its filter (shared by the
//! page, the server function and the CSV export).

use crate::tx;
use serde::{Deserialize, Serialize};

use super::admin::FieldErrors;

/// The groups of audit actions the viewer offers: `(prefix, words)`.
pub const AUDIT_GROUPS: [(&str, &str); 9] = [
    ("", "Everything"),
    ("login", "Sign-ins and sign-outs"),
    ("user.", "Logins and roles"),
    ("site.", "Sites"),
    ("contact.", "Contacts and safe words"),
    ("account.", "Panel accounts and keys"),
    ("crew.", "Crews"),
    ("app.", "Customers in the app"),
    ("service_request.", "Service requests"),
];

/// The audit viewer's filter, as typed (dates `YYYY-MM-DD` in the centre's zone, both
/// days included; empty: any).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
    /// Who acted: a login.
    #[serde(default)]
    pub who: String,
    /// Actions starting with this (one of [`AUDIT_GROUPS`]).
    #[serde(default)]
    pub action: String,
    /// Subject or detail containing this.
    #[serde(default)]
    pub text: String,
}

/// A checked filter: days parsed, text bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAudit {
    /// First day.
    pub from: Option<chrono::NaiveDate>,
    /// Day after the last.
    pub until: Option<chrono::NaiveDate>,
    /// Login of who acted.
    pub who: Option<String>,
    /// Action prefix.
    pub action: Option<String>,
    /// Text.
    pub text: Option<String>,
}

fn day(text: &str) -> Result<Option<chrono::NaiveDate>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| ())
}

fn given(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl AuditFilter {
    /// The filter checked, or a message per bad field.
    pub fn check(&self) -> Result<CheckedAudit, FieldErrors> {
        let mut e = FieldErrors::default();
        let from = day(&self.from).unwrap_or_else(|()| {
            e.fields.push(("from".into(), tx!(staff.check.date_yyyy_mm_dd_2).into()));
            None
        });
        let to = day(&self.to).unwrap_or_else(|()| {
            e.fields.push(("to".into(), tx!(staff.check.date_yyyy_mm_dd_2).into()));
            None
        });
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.fields.push(("to".into(), tx!(staff.check.last_day_comes_after).into()));
            }
        }
        if !AUDIT_GROUPS.iter().any(|(p, _)| *p == self.action.trim()) {
            e.fields.push(("action".into(), tx!(staff.check.choose_what_show).into()));
        }
        if self.who.chars().count() > 64 {
            e.fields.push(("who".into(), tx!(staff.check.n_64_characters).into()));
        }
        if self.text.chars().count() > 200 {
            e.fields.push(("text".into(), tx!(staff.check.n_200_characters).into()));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(CheckedAudit {
            from,
            until: to.and_then(|t| t.succ_opt()),
            who: given(&self.who),
            action: given(&self.action),
            text: given(&self.text),
        })
    }
}

/// One audit entry as people read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    /// Entry id (pages go back from the last one shown).
    pub id: i64,
    /// When, in the centre's zone: `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    /// Who: login and name, or "Vigil" / "command line" when no person acted.
    pub who: String,
    /// The stored action (`user.created`).
    pub action: String,
    /// What it happened to (`user:7`, `site:12`).
    pub subject: String,
    /// The detail.
    pub detail: String,
}

/// One page of the audit journal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Entries, newest first.
    pub lines: Vec<AuditLine>,
    /// There are older entries (ask again with the last id).
    pub more: bool,
    /// What to fix in the filter; no lines then.
    pub errors: FieldErrors,
}

/// The incident history's filter, as typed (dates `YYYY-MM-DD` in the centre's zone, both
/// days included; empty: any).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFilter {
    /// A panel account number of the site.
    #[serde(default)]
    pub account: String,
    /// First day.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
    /// Category (stored name, such as `burglary`).
    #[serde(default)]
    pub category: String,
    /// Resolution (stored name, such as `false_user`).
    #[serde(default)]
    pub resolution: String,
    /// Login of someone who acted on it.
    #[serde(default)]
    pub operator: String,
}

impl IncidentFilter {
    /// The days checked (through [`AuditFilter::check`]'s rules), or a message per bad field.
    pub fn days(&self) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>), FieldErrors> {
        let as_audit = AuditFilter { from: self.from.clone(), to: self.to.clone(), ..Default::default() };
        let mut errors = FieldErrors::default();
        if self.account.chars().count() > 16 || self.operator.chars().count() > 64 {
            errors.fields.push(("account".into(), tx!(staff.check.n_16_characters).into()));
        }
        match as_audit.check() {
            Ok(c) if errors.is_empty() => Ok((c.from, c.until)),
            Ok(_) => Err(errors),
            Err(e) => {
                errors.fields.extend(e.fields);
                Err(errors)
            }
        }
    }
}

/// One incident in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentLine {
    /// Incident id.
    pub id: i64,
    /// Site name.
    pub site: String,
    /// Category in words.
    pub category: String,
    /// Opened, site-local `YYYY-MM-DD HH:MM`.
    pub opened: String,
    /// Closed, site-local, if closed.
    pub closed: Option<String>,
    /// Resolution in words, if closed.
    pub resolution: Option<String>,
    /// Who held it last.
    pub operator: Option<String>,
}

/// One page of the incident history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentPage {
    /// Incidents, newest first.
    pub lines: Vec<IncidentLine>,
    /// There are older ones (ask again with the last id).
    pub more: bool,
    /// What to fix in the filter; no lines then.
    pub errors: FieldErrors,
    /// The categories to choose from: (stored name, words).
    pub categories: Vec<(String, String)>,
    /// The resolutions to choose from: (stored name, words).
    pub resolutions: Vec<(String, String)>,
}

/// A site's month for its service review: alarms by kind, dispatches billed and free,
/// tests and link failures, and every incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    /// Site name.
    pub site: String,
    /// Address and city.
    pub address: String,
    /// Panel accounts.
    pub accounts: Vec<String>,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Incidents by category (words), most first.
    pub by_category: Vec<(String, u32)>,
    /// Incidents in all.
    pub total: u32,
    /// Crews sent.
    pub dispatches: u32,
    /// Dispatches billed on top of the fee.
    pub billed: u32,
    /// What the billed dispatches cost at the contract's price ("2 × 250.00 RON =
    /// 500.00 RON"; empty when the contract names no price).
    pub billed_amount: String,
    /// Dispatches within the included ones of the year.
    pub included: u32,
    /// Dispatches free (warranty, first month, first false alarm, test, real alarm...).
    pub free: u32,
    /// Closed as false alarms (user or technical).
    pub false_alarms: u32,
    /// Test incidents.
    pub tests: u32,
    /// Link failures.
    pub link_failures: u32,
    /// Every incident of the month, newest first.
    pub lines: Vec<IncidentLine>,
}

/// Checks a month typed as `YYYY-MM`: its first day.
pub fn month_start(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()
}

/// A spreadsheet-safe CSV cell: text that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) is led by an apostrophe, so that it
/// shows as the text it is (OWASP's advice against CSV injection).
pub fn csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// `name=value&...` with each value percent-encoded (RFC 3986: all but unreserved
/// characters), leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encode = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_checks_its_days_and_group() {
        let ok = AuditFilter {
            from: "2026-12-01".into(),
            to: "2026-12-06".into(),
            action: "user.".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(ok.until, chrono::NaiveDate::from_ymd_opt(2026, 12, 7), "the last day is included");
        let bad = AuditFilter {
            from: "1/12/2026".into(),
            to: "2026-11-01".into(),
            action: "drop".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert!(bad.get("from").is_some() && bad.get("action").is_some(), "{bad:?}");
        let backwards = AuditFilter { from: "2026-12-02".into(), to: "2026-12-01".into(), ..Default::default() }
            .check()
            .unwrap_err();
        assert_eq!(backwards.get("to").as_deref(), Some("The last day comes after the first."));
    }

    #[test]
    fn query_strings_encode_their_values() {
        let q = query_string(&[("from", "2026-12-01".into()), ("who", String::new()), ("text", "Lazăr & co=1".into())]);
        assert_eq!(q, "from=2026-12-01&text=Laz%C4%83r%20%26%20co%3D1");
    }

    #[test]
    fn formulas_are_disarmed_in_csv_cells() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Ana Pop"), "Ana Pop");
        assert_eq!(csv_cell(""), "");
    }
}
