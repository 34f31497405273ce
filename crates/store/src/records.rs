//! Plain data types passed to and returned by [`Store`](crate::Store).

use crate::SecretKey;

/// Upper bound applied to every `limit` argument of the list methods.
pub const MAX_LIST_LIMIT: i64 = 10_000;

/// The user roles accepted by the schema.
pub const ROLES: [&str; 5] = ["operator", "supervisor", "customer", "admin", "crew"];

/// A signal as received from an alarm panel, ready to be stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewSignal {
    /// Receive time, unix milliseconds.
    pub received_at_ms: i64,
    /// Panel account as sent (stored upper-case).
    pub account: String,
    /// Site the account belongs to; `None` for unknown accounts.
    pub site_id: Option<i64>,
    /// `false` if the account is unknown: stored and flagged, never dropped.
    pub known: bool,
    /// DC-09 message token (e.g. `SIA-DCS`, `ADM-CID`).
    pub token: String,
    /// DC-09 sequence number.
    pub seq: i64,
    /// Receiver number (`R…`), if sent.
    pub receiver: Option<String>,
    /// Line number (`L…`).
    pub line: String,
    /// Event protocol: `cid` or `sia`.
    pub protocol: Option<String>,
    /// Contact ID qualifier (`1` new, `3` restore, `6` status).
    pub qualifier: Option<String>,
    /// Event code (CID `130`, SIA `BA`).
    pub event_code: Option<String>,
    /// Zone as sent; numeric zones are joined to `zones.number`.
    pub zone: Option<String>,
    /// Partition / area.
    pub area: Option<String>,
    /// User number.
    pub user_number: Option<String>,
    /// Human-readable meaning of the event.
    pub meaning: String,
    /// Raw message text.
    pub raw: String,
    /// Peer address of the panel.
    pub remote_addr: String,
    /// `tcp`, `udp`, or `internal` for signals Vigil raises itself (link supervision).
    pub transport: String,
    /// Whether the frame was AES-encrypted on the wire.
    pub encrypted: bool,
    /// Identity of the frame's content (account, sequence, data, panel time): a second
    /// arrival with the same key within the dedupe window is the same signal.
    pub dedupe_key: Option<String>,
    /// Latitude the panel reported with the event (mobile units), degrees.
    pub lat: Option<f64>,
    /// Longitude the panel reported with the event, degrees.
    pub lon: Option<f64>,
}

/// A stored signal, joined with its site and zone names.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRecord {
    /// Row id; ids increase in arrival order.
    pub id: i64,
    /// Receive time, unix milliseconds.
    pub received_at_ms: i64,
    /// Panel account (upper-case).
    pub account: String,
    /// Site the account belonged to when received.
    pub site_id: Option<i64>,
    /// `false` if the account was unknown.
    pub known: bool,
    /// DC-09 message token.
    pub token: String,
    /// DC-09 sequence number.
    pub seq: i64,
    /// Receiver number.
    pub receiver: Option<String>,
    /// Line number.
    pub line: String,
    /// `cid` or `sia`.
    pub protocol: Option<String>,
    /// Contact ID qualifier.
    pub qualifier: Option<String>,
    /// Event code.
    pub event_code: Option<String>,
    /// Zone as sent.
    pub zone: Option<String>,
    /// Partition / area.
    pub area: Option<String>,
    /// User number.
    pub user_number: Option<String>,
    /// Human-readable meaning.
    pub meaning: String,
    /// Raw message text.
    pub raw: String,
    /// Peer address of the panel.
    pub remote_addr: String,
    /// `tcp`, `udp` or `internal`.
    pub transport: String,
    /// Whether the frame was AES-encrypted on the wire.
    pub encrypted: bool,
    /// Latitude reported with the event, degrees.
    pub lat: Option<f64>,
    /// Longitude reported with the event, degrees.
    pub lon: Option<f64>,
    /// Name of the site, if the signal has one.
    pub site_name: Option<String>,
    /// IANA time zone of the site.
    pub time_zone: Option<String>,
    /// Name of the zone, if `zone` is numeric and the site defines it.
    pub zone_name: Option<String>,
}

/// Filter and paging for [`Store::list_signals`](crate::Store::list_signals).
#[derive(Debug, Clone, PartialEq)]
pub struct SignalQuery {
    /// Maximum rows to return (clamped to `0..=MAX_LIST_LIMIT`).
    pub limit: i64,
    /// Only signals with `id < before_id` (the next page after the last row seen).
    pub before_id: Option<i64>,
    /// Only signals of these sites; `Some(vec![])` matches nothing.
    pub site_ids: Option<Vec<i64>>,
}

impl Default for SignalQuery {
    fn default() -> Self {
        SignalQuery { limit: 100, before_id: None, site_ids: None }
    }
}

/// A panel account and the site it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    /// Row id.
    pub id: i64,
    /// Account number, upper-case hex.
    pub number: String,
    /// Owning site.
    pub site_id: i64,
    /// Name of the owning site.
    pub site_name: String,
    /// IANA time zone of the owning site.
    pub time_zone: String,
    /// The account's AES key, if its frames are encrypted.
    pub key: Option<SecretKey>,
    /// Whether a keyed account still takes plain (unencrypted) frames: an explicit setting
    /// for a panel downgraded in the field. Without a key every frame is plain anyway.
    pub allow_plain: bool,
    /// With `allow_plain`, the source networks (CIDR) plain frames may come from; empty:
    /// any.
    pub plain_networks: Vec<String>,
}

/// A site to create.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewSite {
    /// Display name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// Customer user who owns the site, if any.
    pub owner_user_id: Option<i64>,
}

/// A stored site.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRecord {
    /// Row id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// IANA time zone.
    pub time_zone: String,
    /// Customer user who owns the site, if any.
    pub owner_user_id: Option<i64>,
    /// Creation time, unix milliseconds.
    pub created_at_ms: i64,
    /// One of [`SITE_KINDS`].
    pub kind: String,
    /// Archived then (no longer monitored nor shown to its customers).
    pub archived_at_ms: Option<i64>,
}

/// What a site can be.
pub const SITE_KINDS: [&str; 3] = ["home", "business", "vehicle"];

/// What a zone can be: an entry/exit door, an interior or perimeter detector, a fire,
/// panic, technical or 24-hour zone.
pub const ZONE_KINDS: [&str; 7] = ["entry", "interior", "perimeter", "fire", "panic", "technical", "24h"];

/// A user to create. The caller hashes the password.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewUser {
    /// Unique login name.
    pub username: String,
    /// Password hash (never the password).
    pub password_hash: String,
    /// One of [`ROLES`].
    pub role: String,
    /// Name shown in the UI.
    pub display_name: String,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    /// Row id.
    pub id: i64,
    /// Unique login name.
    pub username: String,
    /// Password hash.
    pub password_hash: String,
    /// One of [`ROLES`].
    pub role: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Disabled: kept for the journals that name them, but cannot sign in.
    pub disabled: bool,
    /// Must choose a new password or PIN before anything else (a first PIN given to them).
    pub must_change: bool,
    /// Phone for staff alerts (SMS).
    pub phone: Option<String>,
    /// E-mail for staff alerts.
    pub email: Option<String>,
}

/// An audit journal entry to append.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewAudit {
    /// Time of the action, unix milliseconds.
    pub at_ms: i64,
    /// User who acted; `None` for the system or an unauthenticated peer.
    pub actor_user_id: Option<i64>,
    /// What happened, e.g. `login`, `signal.ack`.
    pub action: String,
    /// What it happened to, e.g. a signal id.
    pub subject: Option<String>,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// A stored audit journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Row id; ids increase in append order.
    pub id: i64,
    /// Time of the action, unix milliseconds.
    pub at_ms: i64,
    /// User who acted.
    pub actor_user_id: Option<i64>,
    /// What happened.
    pub action: String,
    /// What it happened to.
    pub subject: Option<String>,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// A supervised communication path to configure on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSpec {
    /// DC-09 line prefix the path's frames arrive on (hex), or `*` for any line.
    pub line: String,
    /// Name shown to operators, e.g. `ethernet`, `gsm`.
    pub name: String,
    /// Expected time between two life signs, milliseconds.
    pub interval_ms: i64,
    /// Extra time allowed before the path counts as failed, milliseconds.
    pub grace_ms: i64,
}

impl PathSpec {
    /// Checks the line (`*` or 1–6 hex digits), the name and the times.
    pub fn validate(&self) -> Result<(), crate::StoreError> {
        let line_ok = self.line == "*"
            || ((1..=6).contains(&self.line.len()) && self.line.bytes().all(|b| b.is_ascii_hexdigit()));
        if !line_ok {
            return Err(crate::StoreError::Invalid(format!("path line {:?} is not * or 1-6 hex digits", self.line)));
        }
        if self.name.trim().is_empty() {
            return Err(crate::StoreError::Invalid("path name is empty".into()));
        }
        if self.interval_ms < 1_000 || self.grace_ms < 0 {
            return Err(crate::StoreError::Invalid("path interval must be at least 1 s and grace not negative".into()));
        }
        Ok(())
    }
}

/// A stored supervised path with its supervision state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRecord {
    /// Row id (the supervisor's link id).
    pub id: i64,
    /// Owning account.
    pub account_id: i64,
    /// Owning account's number.
    pub account_number: String,
    /// The account's site.
    pub site_id: i64,
    /// DC-09 line prefix, upper-case, or `*`.
    pub line: String,
    /// Name shown to operators.
    pub name: String,
    /// Expected time between two life signs, milliseconds.
    pub interval_ms: i64,
    /// Grace, milliseconds.
    pub grace_ms: i64,
    /// Last life sign, unix milliseconds.
    pub last_seen_ms: Option<i64>,
    /// When the path fails without a sign, unix milliseconds.
    pub deadline_ms: i64,
    /// Whether the path is failed now.
    pub failed: bool,
    /// `false` once removed from the account's configuration.
    pub active: bool,
}

/// New supervision state of one path, to persist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathUpdate {
    /// Path row id.
    pub id: i64,
    /// Last life sign, unix milliseconds.
    pub last_seen_ms: Option<i64>,
    /// Next deadline, unix milliseconds.
    pub deadline_ms: i64,
    /// Whether the path is failed.
    pub failed: bool,
}

/// A further arrival of a signal already stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewArrival {
    /// Receive time, unix milliseconds.
    pub received_at_ms: i64,
    /// `tcp` or `udp`.
    pub transport: String,
    /// Peer address.
    pub remote_addr: String,
    /// Receiver number, if sent.
    pub receiver: Option<String>,
    /// Line prefix.
    pub line: String,
}

/// A recorded further arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalRecord {
    /// Row id.
    pub id: i64,
    /// The signal that arrived again.
    pub signal_id: i64,
    /// Receive time, unix milliseconds.
    pub received_at_ms: i64,
    /// `tcp` or `udp`.
    pub transport: String,
    /// Peer address.
    pub remote_addr: String,
    /// Receiver number.
    pub receiver: Option<String>,
    /// Line prefix.
    pub line: String,
}

/// One element of a group commit ([`Store::write_batch`](crate::Store::write_batch)).
#[derive(Debug, Clone, PartialEq)]
pub enum WriteItem {
    /// New signals (one frame's events).
    Signals(Vec<NewSignal>),
    /// A repeated arrival of a frame stored earlier.
    Arrival {
        /// Which signal it repeats.
        of: ArrivalOf,
        /// How it arrived.
        arrival: NewArrival,
    },
}

/// The signal a repeated arrival belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalOf {
    /// A signal committed earlier.
    Signal(i64),
    /// The first signal of an earlier item of the same batch.
    Item(usize),
}
