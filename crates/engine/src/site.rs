//! A site as the engine keeps it: what it was told (settings, contacts) and what it learned
//! from signals and commands (state, stored as JSON).

use rules::billing::Dispatch as BilledDispatch;
use rules::classify::Category;
use rules::geo::{Fix, LatLon};
use rules::schedule::TempChange;
use serde::{Deserialize, Serialize};

use crate::settings::SiteSettings;

/// Arming state as the panel last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArmState {
    /// Nothing reported yet.
    #[default]
    Unknown,
    /// Fully armed.
    Armed,
    /// Armed in night (stay) mode.
    Night,
    /// Disarmed.
    Disarmed,
}

/// What a test period covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TestScope {
    /// Only these zones (empty: all).
    pub zones: Vec<String>,
    /// Only these categories (empty: all).
    pub categories: Vec<Category>,
}

impl TestScope {
    /// Whether a signal of this zone and category is covered.
    pub fn covers(&self, zone: Option<&str>, category: Category) -> bool {
        let zone_ok = self.zones.is_empty() || zone.is_some_and(|z| self.zones.iter().any(|t| same_zone(t, z)));
        let category_ok = self.categories.is_empty() || self.categories.contains(&category);
        zone_ok && category_ok
    }
}

fn same_zone(a: &str, b: &str) -> bool {
    match (a.parse::<u32>(), b.parse::<u32>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// A test period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMode {
    /// When it ends by itself.
    pub until_ms: i64,
    /// What it covers.
    pub scope: TestScope,
    /// Who started it (user id).
    pub by: Option<i64>,
    /// When it started (unknown for tests started before this was kept).
    #[serde(default)]
    pub since_ms: Option<i64>,
}

/// What the engine learned about a site.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteState {
    /// Arming state.
    pub arm: ArmState,
    /// The panel user who armed or disarmed last.
    pub arm_user: Option<String>,
    /// When the arming state last changed.
    pub arm_changed_at_ms: Option<i64>,
    /// The active test period.
    pub test: Option<TestMode>,
    /// Service suspended until then: no action at all.
    pub suspended_until_ms: Option<i64>,
    /// Temporary changes to the opening hours.
    pub schedule_changes: Vec<TempChange>,
    /// Schedules are checked up to this time.
    pub schedule_checked_ms: Option<i64>,
    /// Last signal of any kind.
    pub last_contact_ms: Option<i64>,
    /// A life-sign incident was raised for the current silence.
    pub life_sign_raised: bool,
    /// Recent positions (vehicles), oldest first.
    pub track: Vec<Fix>,
    /// Dispatches of this and the previous year, for the billing counters.
    pub dispatches: Vec<BilledDispatch>,
}

impl SiteState {
    /// Whether the service is suspended at `now`.
    pub fn suspended(&self, now_ms: i64) -> bool {
        self.suspended_until_ms.is_some_and(|u| u > now_ms)
    }

    /// The test period in force at `now`.
    pub fn test_at(&self, now_ms: i64) -> Option<&TestMode> {
        self.test.as_ref().filter(|t| t.until_ms > now_ms)
    }
}

fn yes() -> bool {
    true
}

/// One person on a site's call list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Contact id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Their Vigil user, for push notifications.
    pub user_id: Option<i64>,
    /// Unavailable from then (with `unavailable_until_ms`; `None`: already).
    #[serde(default)]
    pub unavailable_from_ms: Option<i64>,
    /// Not to be called until then.
    pub unavailable_until_ms: Option<i64>,
    /// Alarms reach them by SMS too.
    #[serde(default = "yes")]
    pub sms: bool,
    /// The language of what they are sent (`ro`, `hu`...; `None`: the centre's English).
    #[serde(default)]
    pub language: Option<String>,
}

impl Contact {
    /// Whether the contact may be called (and notified) at `now_ms`.
    pub fn reachable(&self, now_ms: i64) -> bool {
        match self.unavailable_until_ms {
            Some(until) if until > now_ms => self.unavailable_from_ms.is_some_and(|from| from > now_ms),
            _ => true,
        }
    }
}

/// Fixed facts about a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: chrono_tz::Tz,
    /// Where it is (a vehicle: its home base).
    pub location: LatLon,
    /// The owner's user id.
    pub owner_user_id: Option<i64>,
    /// Contacts in calling order.
    pub contacts: Vec<Contact>,
}

/// A site: facts, settings, state.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Fixed facts.
    pub info: SiteInfo,
    /// Agreed settings.
    pub settings: SiteSettings,
    /// Learned state.
    pub state: SiteState,
}

/// Positions older than this are dropped from a vehicle's track.
pub const TRACK_KEEP_MS: i64 = 30 * 60_000;
/// At most this many positions are kept.
pub const TRACK_MAX: usize = 50;

impl Site {
    /// Records a position in the track.
    pub fn add_fix(&mut self, fix: Fix) {
        let at_ms = fix.at_ms;
        self.state.track.push(fix);
        self.state.track.sort_by_key(|f| f.at_ms);
        let newest = self.state.track.last().map_or(at_ms, |f| f.at_ms);
        self.state.track.retain(|f| f.at_ms > newest - TRACK_KEEP_MS);
        let excess = self.state.track.len().saturating_sub(TRACK_MAX);
        self.state.track.drain(..excess);
    }

    /// Where the site (or vehicle) is now.
    pub fn position(&self) -> LatLon {
        self.state.track.last().map_or(self.info.location, |f| f.pos)
    }
}
