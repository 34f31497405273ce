//! Typed models shared by the server and the browser.

pub mod accounts;
pub mod admin;
pub mod customer;
pub mod history;
pub mod import;
pub mod ops;
pub mod plans;

use crate::tx;
use serde::{Deserialize, Serialize};

/// What a signed-in person may do; checked by every server function and API route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Works incidents at the monitoring centre.
    Operator,
    /// An operator who also oversees the others.
    Supervisor,
    /// A customer of the alarm company; sees only their own sites.
    Customer,
    /// Configures the centre.
    Admin,
    /// A rapid-response guard on a phone: sees only the incident the crew is sent to.
    Crew,
}

impl Role {
    /// The stored name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::Customer => "customer",
            Role::Admin => "admin",
            Role::Crew => "crew",
        }
    }

    /// Parses a stored role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "operator" => Some(Role::Operator),
            "supervisor" => Some(Role::Supervisor),
            "customer" => Some(Role::Customer),
            "admin" => Some(Role::Admin),
            "crew" => Some(Role::Crew),
            _ => None,
        }
    }

    /// Whether the role works at the monitoring centre (sees every site's signals).
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Operator | Role::Supervisor | Role::Admin)
    }

    /// Whether the role supervises the shift (take-over, storm groups, figures).
    pub fn is_supervisor(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// The page a person of this role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Operator | Role::Supervisor | Role::Admin => "/operator",
            Role::Crew => "/crew",
            Role::Customer => "/app",
        }
    }
}

/// The signed-in person, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the header and the audit journal.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// Must choose their own PIN or password before anything else (a first PIN given to them).
    #[serde(default)]
    pub must_change: bool,
}

/// How a signal is shown: what kind of thing happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SignalClass {
    /// An alarm condition (burglary, fire, panic, ...).
    Alarm,
    /// A trouble condition (AC loss, low battery, tamper, ...).
    Trouble,
    /// Arming or disarming.
    OpenClose,
    /// A periodic test or link test.
    Test,
    /// A restore of an earlier condition.
    Restore,
    /// Anything else, including unreadable data.
    Other,
}

/// One received signal as the operator's feed and the API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignalView {
    /// Signal id; higher is newer.
    pub id: i64,
    /// When the centre received it, Unix milliseconds.
    pub received_at_ms: i64,
    /// Receipt time in the site's time zone, `HH:MM:SS`.
    pub local_time: String,
    /// Receipt date in the site's time zone, `YYYY-MM-DD`.
    pub local_date: String,
    /// The site's time zone abbreviation at that moment (e.g. `EET`).
    pub tz_abbr: String,
    /// The panel's account number.
    pub account: String,
    /// The site's name; `None` for an unknown account.
    pub site_name: Option<String>,
    /// Whether the account is known to the centre.
    pub known: bool,
    /// The DC-09 token (`ADM-CID`, `SIA-DCS`).
    pub token: String,
    /// The event code (`130`, `BA`), if the data carried one.
    pub event_code: Option<String>,
    /// Contact ID qualifier (`new`, `restore`, `status`).
    pub qualifier: Option<String>,
    /// The event's meaning in words.
    pub meaning: String,
    /// Zone (or user) number as sent.
    pub zone: Option<String>,
    /// The zone's name at the site, when known.
    pub zone_name: Option<String>,
    /// Area (partition).
    pub area: Option<String>,
    /// User number for arming and disarming.
    pub user_number: Option<String>,
    /// What kind of event it is, for colour and sorting.
    pub class: SignalClass,
    /// Its site was on test for it: recorded, nobody acts on it.
    #[serde(default)]
    pub test: bool,
}

/// A demo login shown on the sign-in page in demo mode only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoLogin {
    /// Role name.
    pub role: String,
    /// Login name.
    pub username: String,
    /// Password (demo users only).
    pub password: String,
}

/// The answer to a sign-in attempt: where to go, or what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LoginErrors {
    /// A message for the username field.
    pub username: Option<String>,
    /// A message for the password field.
    pub password: Option<String>,
    /// A message for the whole form.
    pub form: Option<String>,
}

impl LoginErrors {
    /// Whether there is nothing to fix.
    pub fn is_empty(&self) -> bool {
        self.username.is_none() && self.password.is_none() && self.form.is_none()
    }
}

/// Checks the sign-in fields before anything is looked up.
pub fn validate_login(username: &str, password: &str) -> LoginErrors {
    let mut errors = LoginErrors::default();
    if username.trim().is_empty() {
        errors.username = Some(tx!(staff.check.enter_your_username).into());
    } else if username.len() > 64 {
        errors.username = Some(tx!(staff.check.username_has_64_characters).into());
    }
    if password.is_empty() {
        errors.password = Some(tx!(staff.check.enter_your_password).into());
    } else if password.len() > 256 {
        errors.password = Some(tx!(staff.check.password_has_256_characters).into());
    }
    errors
}

/// A site a customer can see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteSummary {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Street address and city.
    pub address: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Operator, Role::Supervisor, Role::Customer, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn empty_and_oversized_login_fields_are_named() {
        let e = validate_login("  ", "");
        assert!(e.username.is_some() && e.password.is_some());
        assert!(validate_login("ana", "secret").is_empty());
        assert!(validate_login(&"a".repeat(65), "x").username.is_some());
    }
}
