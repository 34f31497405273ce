//! What the administration page edits, and the checks on its fields (shared by the browser,
//! which shows each message next to its field, and the server, which enforces them).

use crate::tx;
use serde::{Deserialize, Serialize};

use super::ops::ZoneLine;

/// A contact as administrators order it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminContact {
    /// Contact id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// A safe word is on file (never shown).
    pub has_safe_word: bool,
    /// What the edit form shows.
    pub card: ContactForm,
}

/// A contact as the admin form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail (empty: none).
    pub email: String,
    /// Language of what they are sent (`en`, `ro`, `hu`, `fi`, `nb`, `fr`; empty: the centre's).
    pub language: String,
    /// Alarms by SMS too.
    pub sms: bool,
}

/// What is wrong with an e-mail address (empty is fine: none), if anything.
pub fn email_problem(email: &str) -> Option<&'static str> {
    let email = email.trim();
    let at = email.split_once('@');
    let bad = email.len() > 120
        || email.contains(char::is_whitespace)
        || !at.is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
    (!email.is_empty() && bad).then_some(tx!(staff.check.e_mail_address_ana))
}

/// The languages a contact may be written to in, with their names.
pub const LANGUAGES: [(&str, &str); 6] = [
    ("en", "English"),
    ("ro", "Română"),
    ("hu", "Magyar"),
    ("fi", "Suomi"),
    ("nb", "Norsk bokmål"),
    ("fr", "Français"),
];

impl ContactForm {
    /// The form checked (trimmed), or a message per bad field.
    pub fn check(&self) -> Result<ContactForm, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            e.add("contact_name", tx!(staff.check.enter_person_s_name));
        }
        if super::customer::phone_problem(&self.phone).is_some() {
            e.add("contact_phone", tx!(staff.check.phone_number_40_721));
        }
        let email = self.email.trim();
        if let Some(problem) = email_problem(email) {
            e.add("contact_email", problem);
        }
        if !self.language.is_empty() && !LANGUAGES.iter().any(|(c, _)| *c == self.language) {
            e.add("contact_language", tx!(staff.check.choose_language));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ContactForm {
            name: name.into(),
            phone: self.phone.trim().into(),
            email: email.into(),
            language: self.language.clone(),
            sms: self.sms,
        })
    }
}

/// One site opened for editing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminSiteDetail {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address and city.
    pub address: String,
    /// Keys held.
    pub keys: String,
    /// Pets.
    pub pets: String,
    /// Notes for operators and crews.
    pub notes: String,
    /// Zones.
    pub zones: Vec<ZoneLine>,
    /// Contacts in calling order.
    pub contacts: Vec<AdminContact>,
    /// Customer logins with access.
    pub members: Vec<AdminMember>,
    /// Name, address, position, zone and kind, for editing.
    pub form: SiteForm,
    /// Panel accounts.
    pub accounts: Vec<super::accounts::AdminAccount>,
    /// Duress, cancel windows, life sign, crew SLA, billing terms.
    pub rules: SiteRules,
    /// Weekly opening hours.
    pub hours: HoursForm,
    /// Changes of single days from today on.
    pub hour_changes: Vec<HourChange>,
    /// Archived: no longer monitored nor shown to its customers.
    pub archived: bool,
    /// Every category's plan and where it comes from.
    pub plans: Vec<super::plans::PlanForm>,
    /// Code overrides.
    pub overrides: Vec<super::plans::OverrideLine>,
}

/// An archived site, as the sites page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedSite {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address and city.
    pub address: String,
    /// When it was archived, in the site's zone.
    pub archived: String,
}

/// A customer login with access to a site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminMember {
    /// User id.
    pub user_id: i64,
    /// Customer ID (their login).
    pub code: String,
    /// Name.
    pub name: String,
    /// `owner` or `contact`.
    pub role: String,
    /// Has not yet chosen their own PIN.
    pub first_pin: bool,
}

/// What an invitation made: the login, and the first PIN when the login is new (shown to
/// the administrator this once, to pass on; the customer must change it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    /// Customer ID.
    pub code: String,
    /// The first PIN of a new login.
    pub pin: Option<String>,
}

/// What to fix in a form, field by field (`None`: fine).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    /// Per field name.
    pub fields: Vec<(String, String)>,
    /// About the whole form.
    pub form: Option<String>,
}

impl FieldErrors {
    /// No problem at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }

    /// The message for one field.
    pub fn get(&self, field: &str) -> Option<String> {
        self.fields.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }

    pub(crate) fn add(&mut self, field: &str, message: &str) {
        self.fields.push((field.into(), message.into()));
    }
}

/// What a zone can be, with what people call it (the store keeps the same names).
pub const ZONE_KINDS: [(&str, &str); 7] = [
    ("entry", "Entry/exit"),
    ("interior", "Interior"),
    ("perimeter", "Perimeter"),
    ("fire", "Fire"),
    ("panic", "Panic"),
    ("technical", "Technical"),
    ("24h", "24-hour"),
];

/// What people call a zone type (empty for none).
pub fn zone_kind_label(kind: &str) -> &str {
    ZONE_KINDS.iter().find(|(k, _)| *k == kind).map_or("", |(_, l)| l)
}

/// Roles an administrator may give.
pub const ROLES: [&str; 5] = ["operator", "supervisor", "admin", "crew", "customer"];

/// Checks a new user: a name and a known role; staff: a login of 3-32 of `a-z 0-9 . _ -` and a
/// password of 10+ characters (at most 256); customers: a customer ID of 6-10 digits and a PIN
/// of 4-8 digits that is not trivial (see [`pin_problem`](super::customer::pin_problem)).
pub fn check_new_user(username: &str, display_name: &str, password: &str, role: &str) -> FieldErrors {
    use super::customer::code_problem;
    let mut e = FieldErrors::default();
    let u = username.trim();
    if role == "customer" {
        if code_problem(u).is_some() {
            e.add("username", tx!(staff.check.customer_id_6_10));
        }
    } else if !(3..=32).contains(&u.len())
        || !u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    {
        e.add("username", "3-32 characters: lower-case letters, digits, . _ -");
    }
    if let Some(problem) = password_problem(role, password) {
        e.add("password", problem);
    }
    if display_name.trim().is_empty() || display_name.len() > 80 {
        e.add("display_name", tx!(staff.check.enter_person_s_name));
    }
    if !ROLES.contains(&role) {
        e.add("role", tx!(staff.check.choose_role));
    }
    e
}

/// What is wrong with a new password for a user of `role`, if anything: customers have a
/// PIN of 4-8 digits that is not trivial, everyone else 10-256 characters.
pub fn password_problem(role: &str, password: &str) -> Option<&'static str> {
    if role == "customer" {
        return match super::customer::pin_problem(password) {
            Some("pin_trivial") => Some(tx!(staff.check.this_pin_too_easy)),
            Some(_) => Some(tx!(staff.check.pin_4_8_digits)),
            None => None,
        };
    }
    (password.chars().count() < 10 || password.len() > 256).then_some(tx!(staff.check.least_10_characters))
}

/// What an administrator changes about a login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum UserChange {
    /// Gives another role (their sessions end).
    Role {
        /// One of [`ROLES`].
        role: String,
    },
    /// Disables the login: no sign-in, sessions ended; journals keep the name.
    Disable,
    /// Enables it again.
    Enable,
    /// Sets a new password (their sessions end).
    Password {
        /// The new password (or PIN for customers).
        password: String,
    },
    /// Where they are alerted of an incident nobody claimed (staff on shift): phone for SMS,
    /// e-mail (empty: none).
    Alerts {
        /// Phone.
        phone: String,
        /// E-mail.
        email: String,
    },
}

/// A contact's safe word (the password that cancels an alarm on the phone): 4-64
/// characters, not only spaces.
pub fn safe_word_problem(word: &str) -> Option<&'static str> {
    let n = word.trim().chars().count();
    (!(4..=64).contains(&n)).then_some(tx!(staff.check.safe_word_4_64))
}

/// Checks a zone: number 1-999 and a name of at most 60 characters.
pub fn check_zone(number: &str, name: &str) -> Result<(i64, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let n = number.trim().parse::<i64>().ok().filter(|n| (1..=999).contains(n));
    if n.is_none() {
        e.add("zone_number", tx!(staff.check.number_1_999));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        e.add("zone_name", tx!(staff.check.name_zone_60_characters));
    }
    match n {
        Some(n) if e.is_empty() => Ok((n, name.to_owned())),
        _ => Err(e),
    }
}

/// A position typed as latitude and longitude, checked: `Err((field, message))`.
pub fn check_position(lat: &str, lon: &str) -> Result<(f64, f64), Vec<(String, String)>> {
    let mut e = Vec::new();
    let lat = lat.trim().replace(',', ".").parse::<f64>().ok().filter(|v| (-90.0..=90.0).contains(v));
    let lon = lon.trim().replace(',', ".").parse::<f64>().ok().filter(|v| (-180.0..=180.0).contains(v));
    if lat.is_none() {
        e.push(("lat".into(), tx!(staff.check.latitude_90_90_44).into()));
    }
    if lon.is_none() {
        e.push(("lon".into(), tx!(staff.check.longitude_180_180_26).into()));
    }
    match (lat, lon) {
        (Some(lat), Some(lon)) => Ok((lat, lon)),
        _ => Err(e),
    }
}

/// A site as the admin form sends it (text as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteForm {
    /// Name.
    pub name: String,
    /// Street and number.
    pub address: String,
    /// City.
    pub city: String,
    /// Latitude.
    pub lat: String,
    /// Longitude.
    pub lon: String,
    /// IANA time zone, such as `Europe/Bucharest`.
    pub time_zone: String,
    /// `home`, `business` or `vehicle`.
    pub kind: String,
}

/// What a site can be, with its words.
pub const SITE_KINDS: [(&str, &str); 3] = [("home", "Home"), ("business", "Business"), ("vehicle", "Vehicle")];

fn yes() -> bool {
    true
}

/// A site's rules as the admin form shows and sends them (text as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRules {
    /// Panel user number whose code is the duress code (empty: none).
    pub duress_user: String,
    /// The user a duress opening is shown as to the customer (empty: user 1).
    pub duress_shown_as: String,
    /// Seconds the customer may cancel a burglary alarm.
    pub cancel_window_s: String,
    /// Seconds the customer may cancel a fire alarm.
    pub fire_cancel_window_s: String,
    /// Vehicles: no contact for this long raises a life-sign incident (`3d`, `30d`; empty: never).
    pub life_sign: String,
    /// Minutes after which a crew's arrival counts as late (no charge).
    pub crew_sla_min: String,
    /// Monitoring started (YYYY-MM-DD, site time; empty: unknown).
    pub connected: String,
    /// Technical false alarms are free up to this day (YYYY-MM-DD; empty: no warranty).
    pub warranty_until: String,
    /// Dispatches included in the fee per calendar year.
    pub included_per_year: String,
    /// Dispatches in the first calendar month are free.
    #[serde(default = "yes")]
    pub free_first_month: bool,
    /// The first user false alarm of a year is free.
    #[serde(default = "yes")]
    pub free_first_false_alarm: bool,
    /// Price of a billable dispatch ("250", "49.90"; empty: not agreed).
    #[serde(default)]
    pub price: String,
    /// Its currency (ISO 4217: EUR, RON, HUF, NOK).
    #[serde(default)]
    pub currency: String,
}

/// A checked [`SiteRules`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRules {
    /// Duress user.
    pub duress_user: Option<String>,
    /// Shown as.
    pub duress_shown_as: Option<String>,
    /// Burglary cancel window, s.
    pub cancel_window_s: u32,
    /// Fire cancel window, s.
    pub fire_cancel_window_s: u32,
    /// Life sign, ms.
    pub life_sign_ms: Option<i64>,
    /// Crew SLA, ms.
    pub crew_sla_ms: i64,
    /// Connected day.
    pub connected: Option<chrono::NaiveDate>,
    /// Warranty's last day.
    pub warranty_until: Option<chrono::NaiveDate>,
    /// Included dispatches a year.
    pub included_per_year: u32,
    /// First month free.
    pub free_first_month: bool,
    /// First false alarm of a year free.
    pub free_first_false_alarm: bool,
    /// A billable dispatch's price in minor units (0: not agreed).
    pub price_minor: u64,
    /// Its currency (empty when no price).
    pub currency: String,
}

impl SiteRules {
    /// The rules checked, or a message per bad field.
    pub fn check(&self) -> Result<CheckedRules, FieldErrors> {
        let mut e = FieldErrors::default();
        let user = |e: &mut FieldErrors, field: &str, v: &str| {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            if v.len() > 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
                e.add(field, tx!(staff.check.panel_user_number_1));
            }
            Some(v.to_owned())
        };
        let duress_user = user(&mut e, "duress_user", &self.duress_user);
        let duress_shown_as = user(&mut e, "duress_shown_as", &self.duress_shown_as);
        let number =
            |e: &mut FieldErrors, field: &str, v: &str, range: std::ops::RangeInclusive<u32>, message: &str| {
                let n = v.trim().parse::<u32>().ok().filter(|n| range.contains(n));
                if n.is_none() {
                    e.add(field, message);
                }
                n.unwrap_or_default()
            };
        let cancel_window_s = number(&mut e, "cancel_window_s", &self.cancel_window_s, 0..=600, "0 to 600 seconds.");
        let fire_cancel_window_s =
            number(&mut e, "fire_cancel_window_s", &self.fire_cancel_window_s, 0..=600, "0 to 600 seconds.");
        let crew_sla_min = number(&mut e, "crew_sla_min", &self.crew_sla_min, 1..=240, "1 to 240 minutes.");
        let included_per_year =
            number(&mut e, "included_per_year", &self.included_per_year, 0..=365, "0 to 365 a year.");
        let life_sign_ms = match self.life_sign.trim() {
            "" => None,
            t => match super::accounts::parse_duration(t).filter(|ms| *ms >= 3_600_000) {
                Some(ms) => Some(ms),
                None => {
                    e.add("life_sign", tx!(staff.check.least_hour_3d_30d));
                    None
                }
            },
        };
        let day = |e: &mut FieldErrors, field: &str, v: &str| match v.trim() {
            "" => None,
            t => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map_err(|_| e.add(field, tx!(staff.check.date_yyyy_mm_dd)))
                .ok(),
        };
        let connected = day(&mut e, "connected", &self.connected);
        let warranty_until = day(&mut e, "warranty_until", &self.warranty_until);
        let price_minor = match self.price.trim() {
            "" => 0,
            t => price_minor(t).unwrap_or_else(|| {
                e.add("price", tx!(staff.check.amount_250_49_90));
                0
            }),
        };
        let currency = super::import::currency_code(&self.currency);
        if price_minor > 0 && currency.is_none() {
            e.add("currency", tx!(staff.check.currency_code_three_letters));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(CheckedRules {
            duress_user,
            duress_shown_as,
            cancel_window_s,
            fire_cancel_window_s,
            life_sign_ms,
            crew_sla_ms: i64::from(crew_sla_min) * 60_000,
            connected,
            warranty_until,
            included_per_year,
            free_first_month: self.free_first_month,
            free_first_false_alarm: self.free_first_false_alarm,
            currency: currency.filter(|_| price_minor > 0).unwrap_or_default(),
            price_minor,
        })
    }
}

/// An amount with at most two decimals ("49.90", "250", "12,5") in minor units (cents),
/// at most a million (the invoice import's reading of amounts).
pub fn price_minor(text: &str) -> Option<u64> {
    super::import::amount_cents(text).and_then(|c| u64::try_from(c).ok()).filter(|c| *c <= 100_000_000)
}

/// Minor units as an amount ("49.90").
pub fn price_text(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// A site's weekly opening hours as the admin form shows and sends them: Monday first, each
/// day `(open, close)` as `HH:MM` (both empty: closed; a closing before the opening is on
/// the next day).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursForm {
    /// Late openings and closings raise alarms.
    pub supervised: bool,
    /// Closed on the centre's public holidays.
    #[serde(default)]
    pub closed_on_holidays: bool,
    /// Monday first, seven days.
    pub days: Vec<(String, String)>,
    /// A second window of each day, Monday first (a shop closed at lunch); empty or seven.
    #[serde(default)]
    pub later: Vec<(String, String)>,
    /// Minutes late before it counts.
    pub tolerance_min: String,
}

/// An opening window checked: (open, close), each (hours, minutes).
pub type Window = ((u32, u32), (u32, u32));

/// A week's hours checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedHours {
    /// Each day's first window, Monday first; `None`: closed.
    pub days: Vec<Option<Window>>,
    /// Each day's second window, Monday first.
    pub later: Vec<Option<Window>>,
    /// Minutes late before it counts.
    pub tolerance_min: u32,
}

/// A change of one day's hours, as the admin page lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourChange {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// `08:00-13:00` or `closed`.
    pub hours: String,
}

/// Checks a change of one day's hours typed on the admin page: a day from `today` on, and
/// both times (opening before closing) or neither (closed all day). Answers the date and
/// the times, or a message per bad field (`change_date`, `change_hours`).
#[allow(clippy::type_complexity)]
pub fn check_hour_change(
    date: &str,
    open: &str,
    close: &str,
    today: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, Option<((u32, u32), (u32, u32))>), FieldErrors> {
    let mut e = FieldErrors::default();
    let day = match chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
        Ok(d) if d < today => {
            e.add("change_date", tx!(staff.check.day_today));
            None
        }
        Ok(d) if d > today + chrono::Days::new(366) => {
            e.add("change_date", tx!(staff.check.year_ahead));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            e.add("change_date", tx!(staff.check.date_yyyy_mm_dd_2));
            None
        }
    };
    let hours = match (open.trim(), close.trim()) {
        ("", "") => None,
        (o, c) => match (clock_time(o), clock_time(c)) {
            (Some(o), Some(c)) if o < c => Some((o, c)),
            (Some(_), Some(_)) => {
                e.add("change_hours", tx!(staff.check.opening_comes_before_closing));
                None
            }
            _ => {
                e.add("change_hours", tx!(staff.check.both_times_hh_mm));
                None
            }
        },
    };
    match day {
        Some(d) if e.is_empty() => Ok((d, hours)),
        _ => Err(e),
    }
}

/// The weekdays, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// `HH:MM` as (hours, minutes).
pub fn clock_time(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.get(..2).unwrap_or(m).parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

impl HoursForm {
    /// The hours checked; or a message per bad field (`day0`..`day6`, `later0`..`later6`,
    /// `tolerance_min`).
    pub fn check(&self) -> Result<CheckedHours, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.days.len() != 7 || !(self.later.is_empty() || self.later.len() == 7) {
            e.add("days", tx!(staff.check.seven_days_monday_first));
            return Err(e);
        }
        let mut days = Vec::new();
        for (n, (open, close)) in self.days.iter().enumerate() {
            days.push(window(&mut e, format!("day{n}"), open, close));
        }
        let mut later = Vec::new();
        for (n, (open, close)) in self.later.iter().enumerate() {
            let field = format!("later{n}");
            let second = window(&mut e, field.clone(), open, close);
            match (days[n], second) {
                (None, Some(_)) => e.fields.push((field, tx!(staff.check.later_needs_first).into())),
                (Some((o1, c1)), Some((o2, _))) if c1 <= o1 || o2 <= c1 => {
                    e.fields.push((field, tx!(staff.check.later_after_first).into()))
                }
                _ => {}
            }
            later.push(second);
        }
        let tolerance = self.tolerance_min.trim().parse::<u32>().ok().filter(|t| *t <= 240);
        if tolerance.is_none() {
            e.add("tolerance_min", tx!(staff.check.tolerance_range));
        }
        match tolerance {
            Some(tolerance_min) if e.is_empty() => Ok(CheckedHours { days, later, tolerance_min }),
            _ => Err(e),
        }
    }
}

/// One window of a day: both times, or neither (closed); a message under `field` otherwise.
fn window(e: &mut FieldErrors, field: String, open: &str, close: &str) -> Option<Window> {
    match (open.trim(), close.trim()) {
        ("", "") => None,
        (o, c) => match (clock_time(o), clock_time(c)) {
            (Some(o), Some(c)) if o == c => {
                e.fields.push((field, tx!(staff.check.opening_closing_differ).into()));
                None
            }
            (Some(o), Some(c)) => Some((o, c)),
            _ => {
                e.fields.push((field, tx!(staff.check.both_times_hh_mm_2).into()));
                None
            }
        },
    }
}

/// A checked site form.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedSite {
    /// Name.
    pub name: String,
    /// Street and number.
    pub address: String,
    /// City.
    pub city: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Time zone (its existence is checked by the server).
    pub time_zone: String,
    /// Kind.
    pub kind: String,
}

impl SiteForm {
    /// The form checked, or a message per bad field. The server also checks that the time
    /// zone exists.
    pub fn check(&self) -> Result<CheckedSite, FieldErrors> {
        let mut e = FieldErrors::default();
        let text = |e: &mut FieldErrors, field: &str, value: &str, max: usize, message: &str| {
            let v = value.trim();
            if v.is_empty() || v.chars().count() > max {
                e.add(field, message);
            }
            v.to_owned()
        };
        let name = text(&mut e, "name", &self.name, 120, tx!(staff.check.name_site_120_characters));
        let address = text(&mut e, "address", &self.address, 200, tx!(staff.check.street_number_200_characters));
        let city = text(&mut e, "city", &self.city, 80, tx!(staff.check.city_80_characters));
        let position = check_position(&self.lat, &self.lon).map_err(|fields| e.fields.extend(fields)).ok();
        let tz = self.time_zone.trim();
        if tz.is_empty() || tz.len() > 64 || !tz.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c)) {
            e.add("time_zone", tx!(staff.check.time_zone_europe_bucharest));
        }
        if !SITE_KINDS.iter().any(|(k, _)| *k == self.kind) {
            e.add("kind", tx!(staff.check.home_business_vehicle));
        }
        match position {
            Some((lat, lon)) if e.is_empty() => {
                Ok(CheckedSite { name, address, city, lat, lon, time_zone: tz.to_owned(), kind: self.kind.clone() })
            }
            _ => Err(e),
        }
    }
}

/// Checks a crew: a call sign of 1-40 characters and its base position.
pub fn check_crew(name: &str, lat: &str, lon: &str) -> Result<(String, f64, f64), FieldErrors> {
    let mut e = FieldErrors::default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        e.add("name", tx!(staff.check.name_crew_40_characters));
    }
    let position = check_position(lat, lon).map_err(|fields| e.fields.extend(fields)).ok();
    match position {
        Some((lat, lon)) if e.is_empty() => Ok((name.to_owned(), lat, lon)),
        _ => Err(e),
    }
}

/// Checks a tracking device id (empty: none): 1-64 of `A-Z a-z 0-9 . _ -`.
pub fn check_device_id(id: &str) -> Result<Option<String>, String> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    if id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        Ok(Some(id.to_owned()))
    } else {
        Err("1-64 letters, digits, . _ -".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_user_gets_a_message_per_bad_field() {
        assert!(check_new_user("ana.pop", "Ana Pop", "long enough pw", "operator").is_empty());
        let e = check_new_user("A", "", "short", "root");
        for f in ["username", "display_name", "password", "role"] {
            assert!(e.get(f).is_some(), "{f} in {e:?}");
        }
    }

    #[test]
    fn customers_get_an_id_and_a_pin_that_is_not_trivial() {
        assert!(check_new_user("100003", "Ion Pop", "4826", "customer").is_empty());
        let e = check_new_user("ion", "Ion Pop", "1234", "customer");
        assert_eq!(e.get("username").as_deref(), Some("A customer ID: 6 to 10 digits."));
        assert!(e.get("password").is_some_and(|m| m.starts_with("This PIN is too easy")));
        assert_eq!(
            check_new_user("100003", "Ion Pop", "long enough pw", "customer").get("password").as_deref(),
            Some("A PIN: 4 to 8 digits.")
        );
    }

    #[test]
    fn a_site_form_gets_a_message_per_bad_field() {
        let good = SiteForm {
            name: "Farmacia Lazăr".into(),
            address: "Șos. Ștefan cel Mare 3".into(),
            city: "București".into(),
            lat: "44.45".into(),
            lon: "26.12".into(),
            time_zone: "Europe/Bucharest".into(),
            kind: "business".into(),
        };
        assert_eq!(good.check().unwrap().lat, 44.45);
        let e =
            SiteForm { time_zone: "Mars Base".into(), kind: "castle".into(), lat: "x".into(), ..Default::default() }
                .check()
                .unwrap_err();
        for f in ["name", "address", "city", "lat", "lon", "time_zone", "kind"] {
            assert!(e.get(f).is_some(), "{f} in {e:?}");
        }
    }

    #[test]
    fn a_contact_needs_a_name_a_phone_and_a_real_looking_email() {
        let ok = ContactForm {
            name: " Ana Pop ".into(),
            phone: "+40 721 555 010".into(),
            email: "ana@example.org".into(),
            language: "ro".into(),
            sms: true,
        };
        assert_eq!(ok.check().unwrap().name, "Ana Pop");
        let bad = ContactForm {
            name: String::new(),
            phone: "call me".into(),
            email: "ana@localhost".into(),
            language: "xx".into(),
            sms: false,
        }
        .check()
        .unwrap_err();
        for f in ["contact_name", "contact_phone", "contact_email", "contact_language"] {
            assert!(bad.get(f).is_some(), "{f} in {bad:?}");
        }
        assert!(ContactForm { email: String::new(), ..ok }.check().is_ok(), "no e-mail is fine");
    }

    #[test]
    fn site_rules_are_checked_field_by_field() {
        let ok = SiteRules {
            duress_user: "9".into(),
            cancel_window_s: "150".into(),
            fire_cancel_window_s: "120".into(),
            life_sign: "3d".into(),
            crew_sla_min: "20".into(),
            connected: "2026-01-15".into(),
            included_per_year: "4".into(),
            ..Default::default()
        };
        let c = ok.check().unwrap();
        assert_eq!(
            (c.duress_user.as_deref(), c.life_sign_ms, c.crew_sla_ms),
            (Some("9"), Some(3 * 86_400_000), 1_200_000)
        );
        let bad = SiteRules {
            duress_user: "x".into(),
            cancel_window_s: "999".into(),
            life_sign: "5m".into(),
            connected: "15.01.2026".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        for f in [
            "duress_user",
            "cancel_window_s",
            "fire_cancel_window_s",
            "crew_sla_min",
            "included_per_year",
            "life_sign",
            "connected",
        ] {
            assert!(bad.get(f).is_some(), "{f} in {bad:?}");
        }
        let priced = SiteRules { price: "49,9".into(), currency: "ron".into(), ..ok.clone() }.check().unwrap();
        assert_eq!((priced.price_minor, priced.currency.as_str()), (4990, "RON"));
        assert_eq!(
            SiteRules { price: String::new(), currency: "x".into(), ..ok.clone() }.check().unwrap().currency,
            "",
            "no price, no currency"
        );
        let bad = SiteRules { price: "12.345".into(), ..ok.clone() }.check().unwrap_err();
        assert!(bad.get("price").is_some());
        let bad = SiteRules { price: "250".into(), currency: "euro".into(), ..ok }.check().unwrap_err();
        assert!(bad.get("currency").is_some());
        assert_eq!(
            (price_minor("250"), price_minor("0.5"), price_minor("-1"), price_minor("1000001")),
            (Some(25_000), Some(50), None, None)
        );
        assert_eq!(price_text(4990), "49.90");
    }

    #[test]
    fn a_days_change_is_from_today_on_with_both_times_or_none() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            check_hour_change("2026-12-24", "08:00", "13:00", today).unwrap(),
            (chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(), Some(((8, 0), (13, 0))))
        );
        assert_eq!(check_hour_change("2026-12-25", "", "", today).unwrap().1, None, "closed all day");
        let e = check_hour_change("2026-12-06", "13:00", "08:00", today).unwrap_err();
        assert!(e.get("change_date").is_some() && e.get("change_hours").is_some(), "{e:?}");
        assert!(check_hour_change("24.12.2026", "08:00", "", today).unwrap_err().get("change_hours").is_some());
        assert!(check_hour_change("2028-01-01", "", "", today).unwrap_err().get("change_date").is_some());
    }

    #[test]
    fn opening_hours_may_run_past_midnight_but_not_open_and_close_at_once() {
        let mut days = vec![(String::new(), String::new()); 7];
        days[4] = ("18:00".into(), "02:00".into());
        days[0] = ("08:00".into(), "17:30".into());
        let form = |days: Vec<(String, String)>, later: Vec<(String, String)>, tolerance: &str| HoursForm {
            supervised: true,
            closed_on_holidays: false,
            days,
            later,
            tolerance_min: tolerance.into(),
        };
        let parsed = form(days.clone(), Vec::new(), "15").check().unwrap();
        assert_eq!(
            (parsed.days[4], parsed.days[0], parsed.days[6], parsed.tolerance_min),
            (Some(((18, 0), (2, 0))), Some(((8, 0), (17, 30))), None, 15)
        );
        days[1] = ("09:00".into(), "09:00".into());
        days[2] = ("09:00".into(), String::new());
        let e = form(days, Vec::new(), "300").check().unwrap_err();
        assert_eq!(e.get("day1").as_deref(), Some("Opening and closing must differ."));
        assert!(e.get("day2").is_some() && e.get("tolerance_min").is_some());
    }

    #[test]
    fn a_second_window_follows_the_first() {
        let mut days = vec![(String::new(), String::new()); 7];
        days[0] = ("08:00".into(), "12:00".into());
        days[1] = ("08:00".into(), "12:00".into());
        days[2] = ("18:00".into(), "02:00".into());
        let mut later = vec![(String::new(), String::new()); 7];
        later[0] = ("14:00".into(), "18:30".into());
        let ok = HoursForm {
            supervised: true,
            closed_on_holidays: false,
            days: days.clone(),
            later: later.clone(),
            tolerance_min: "15".into(),
        };
        assert_eq!(ok.check().unwrap().later[0], Some(((14, 0), (18, 30))));
        later[1] = ("11:00".into(), "15:00".into());
        later[2] = ("23:00".into(), "23:30".into());
        later[3] = ("14:00".into(), "18:00".into());
        let e = HoursForm { later, ..ok }.check().unwrap_err();
        assert_eq!(
            e.get("later1").as_deref(),
            Some("The second window opens after the first closes; only the second may run past midnight.")
        );
        assert!(e.get("later2").is_some(), "the first runs past midnight");
        assert_eq!(e.get("later3").as_deref(), Some("Fill in the first window of this day first."));
    }

    #[test]
    fn crews_need_a_name_and_a_position_on_earth() {
        assert_eq!(check_crew(" Echo 3 ", "44,43", "26.1"), Ok(("Echo 3".to_owned(), 44.43, 26.1)));
        let e = check_crew("", "95", "east").unwrap_err();
        for f in ["name", "lat", "lon"] {
            assert!(e.get(f).is_some(), "{f} in {e:?}");
        }
    }

    #[test]
    fn zones_and_device_ids_are_checked() {
        assert_eq!(check_zone(" 7 ", "Garage"), Ok((7, "Garage".to_owned())));
        let e = check_zone("0", "").unwrap_err();
        assert!(e.get("zone_number").is_some() && e.get("zone_name").is_some());
        assert_eq!(check_device_id(""), Ok(None));
        assert_eq!(check_device_id("crew-9"), Ok(Some("crew-9".to_owned())));
        assert!(check_device_id("no spaces").is_err());
    }
}

/// A customer's open service request, as the administrators see it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdminRequest {
    /// Request id.
    pub id: i64,
    /// Site id.
    pub site_id: i64,
    /// Site name.
    pub site_name: String,
    /// Kind (`technician`, `forgotten_code`, `pause`, `move`, `transfer`, `pets_keys`).
    pub kind: String,
    /// What the customer wrote.
    pub details: String,
    /// Dates asked for (pause, move), `from – until`.
    pub dates: Option<String>,
    /// Who asked.
    pub by: Option<String>,
    /// When, in the site's time zone.
    pub at: String,
}
