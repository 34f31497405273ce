//! Plain data types of the alarm engine's tables: incidents and their journal, the
//! notification outbox, contacts, crews and Web Push subscriptions.

use crate::NewAudit;

/// An incident as the engine keeps it: written whole (upsert by id) and read back whole.
/// The id is chosen by the engine, the single writer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentRow {
    /// Row id, given by the engine.
    pub id: i64,
    /// Site the incident is about.
    pub site_id: i64,
    /// Category, e.g. `burglary`, `fire`, `technical`.
    pub category: String,
    /// Priority; lower is more urgent.
    pub priority: i64,
    /// `new`, `acknowledged`, `in_progress`, `dispatched`, `on_site` or `closed`.
    pub status: String,
    /// Opening time, unix milliseconds.
    pub opened_at_ms: i64,
    /// Time of the last change, unix milliseconds.
    pub updated_at_ms: i64,
    /// Closing time, unix milliseconds; `None` while open.
    pub closed_at_ms: Option<i64>,
    /// How it was closed: `real`, `false_user`, `false_technical`, `test`, `cancelled`
    /// or `duplicate`.
    pub resolution: Option<String>,
    /// Operator (user id) handling it.
    pub claimed_by: Option<i64>,
    /// Crew dispatched to it.
    pub crew_id: Option<i64>,
    /// Key under which further signals join this incident.
    pub group_key: Option<String>,
    /// When the next escalation is due, unix milliseconds.
    pub deadline_at_ms: Option<i64>,
    /// Recorded but not shown as an alarm (e.g. a site in test mode).
    pub silent: bool,
    /// The engine's detail document (JSON).
    pub detail: String,
}

/// Filters of [`Store::incident_history`](crate::Store::incident_history); `None`: any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryQuery {
    /// One site.
    pub site_id: Option<i64>,
    /// Opened at or after (unix ms).
    pub since_ms: Option<i64>,
    /// Opened before (unix ms).
    pub until_ms: Option<i64>,
    /// Category (`burglary`...).
    pub category: Option<String>,
    /// Resolution (`false_user`...).
    pub resolution: Option<String>,
    /// Someone who acted on it.
    pub operator: Option<i64>,
    /// Older than this incident.
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// Filter, order and paging for [`Store::list_incidents`](crate::Store::list_incidents).
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentQuery {
    /// Only open incidents (`closed_at` unset), ordered by priority, opening time and id;
    /// otherwise all incidents, newest (highest id) first.
    pub open_only: bool,
    /// Only incidents of these sites; `Some(vec![])` matches nothing.
    pub site_ids: Option<Vec<i64>>,
    /// `false` hides silent incidents.
    pub include_silent: bool,
    /// Only incidents opened at or after this time, unix milliseconds.
    pub since_ms: Option<i64>,
    /// Only incidents opened before this time, unix milliseconds.
    pub until_ms: Option<i64>,
    /// Maximum rows to return (clamped to `0..=MAX_LIST_LIMIT`).
    pub limit: i64,
    /// Only incidents with `id < before_id` (the next page after the last row seen).
    pub before_id: Option<i64>,
}

impl Default for IncidentQuery {
    fn default() -> Self {
        IncidentQuery {
            open_only: false,
            site_ids: None,
            include_silent: true,
            since_ms: None,
            until_ms: None,
            limit: 100,
            before_id: None,
        }
    }
}

/// An incident journal entry to append.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JournalEntry {
    /// The incident it belongs to.
    pub incident_id: i64,
    /// Time of the action, unix milliseconds.
    pub at_ms: i64,
    /// Who acted: `engine`, `operator`, `customer` or `crew`.
    pub actor: String,
    /// The acting user, if a user acted.
    pub actor_user_id: Option<i64>,
    /// What happened, e.g. `opened`, `acknowledged`, `called`.
    pub action: String,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// A stored incident journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalRecord {
    /// Row id; ids increase in append order.
    pub id: i64,
    /// The incident it belongs to.
    pub incident_id: i64,
    /// Time of the action, unix milliseconds.
    pub at_ms: i64,
    /// `engine`, `operator`, `customer` or `crew`.
    pub actor: String,
    /// The acting user.
    pub actor_user_id: Option<i64>,
    /// What happened.
    pub action: String,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// A message to send, stored with the change that caused it. It is due at `created_at_ms`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewOutbox {
    /// Creation time, unix milliseconds; also the first attempt's due time.
    pub created_at_ms: i64,
    /// `email`, `sms` or `push`.
    pub channel: String,
    /// Address, phone number or push endpoint.
    pub recipient: String,
    /// Subject (e-mail) or title (push).
    pub subject: String,
    /// Message text.
    pub body: String,
    /// Site the message is about.
    pub site_id: Option<i64>,
    /// Incident the message is about.
    pub incident_id: Option<i64>,
}

/// A stored outbox message with its delivery state.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRecord {
    /// Row id; ids increase in creation order.
    pub id: i64,
    /// Creation time, unix milliseconds.
    pub created_at_ms: i64,
    /// `email`, `sms` or `push`.
    pub channel: String,
    /// Address, phone number or push endpoint.
    pub recipient: String,
    /// Subject or title.
    pub subject: String,
    /// Message text.
    pub body: String,
    /// Site the message is about.
    pub site_id: Option<i64>,
    /// Incident the message is about.
    pub incident_id: Option<i64>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Number of delivery attempts so far.
    pub attempts: i64,
    /// When the next attempt is due, unix milliseconds.
    pub next_attempt_at_ms: i64,
    /// When it was sent, unix milliseconds.
    pub sent_at_ms: Option<i64>,
    /// The last attempt's error.
    pub last_error: Option<String>,
}

/// What administrators set of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactCard {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Language code (`ro`, `hu`...).
    pub language: Option<String>,
    /// Alarms by SMS.
    pub sms: bool,
}

/// A contact of a site's call list.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRecord {
    /// Row id.
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// Place in the call list, 1 first.
    pub position: i64,
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the contact has a password (to identify themselves on a call).
    pub has_password: bool,
    /// The contact's user, if they can log in.
    pub user_id: Option<i64>,
    /// Unavailable from this time (with `unavailable_until_ms`; `None`: already), unix ms.
    pub unavailable_from_ms: Option<i64>,
    /// Not to be called before this time, unix milliseconds.
    pub unavailable_until_ms: Option<i64>,
    /// Alarms reach them by SMS too.
    pub sms: bool,
    /// The language of what they are sent (`None`: the centre's).
    pub language: Option<String>,
}

/// A response crew with its state.
#[derive(Debug, Clone, PartialEq)]
pub struct CrewRecord {
    /// Row id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Status, e.g. `available`, `dispatched`.
    pub status: String,
    /// Heading, degrees clockwise from north.
    pub heading: Option<f64>,
    /// Whether the crew is on shift.
    pub on_shift: bool,
    /// The crew's user (its device's login).
    pub user_id: Option<i64>,
    /// Time of the last update, unix milliseconds (0 if never updated).
    pub updated_at_ms: i64,
    /// The id its phone's tracking app reports under (Traccar Client / OsmAnd).
    pub device_id: Option<String>,
}

/// New state of a crew, to persist.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrewUpdate {
    /// Crew row id.
    pub id: i64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Status.
    pub status: String,
    /// Heading, degrees clockwise from north.
    pub heading: Option<f64>,
    /// Whether the crew is on shift.
    pub on_shift: bool,
    /// Time of the update, unix milliseconds.
    pub at_ms: i64,
}

/// A user's Web Push subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct PushSubscription {
    /// Row id.
    pub id: i64,
    /// The subscribed user.
    pub user_id: i64,
    /// Push service endpoint URL (unique).
    pub endpoint: String,
    /// The subscription's P-256 public key (base64url).
    pub p256dh: String,
    /// The subscription's authentication secret (base64url).
    pub auth: String,
    /// Subscription time, unix milliseconds.
    pub created_at_ms: i64,
}

/// Everything one engine step writes, applied atomically by
/// [`Store::apply_engine_batch`](crate::Store::apply_engine_batch).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EngineBatch {
    /// The consumer cursor to set: name and last signal id handled.
    pub cursor: Option<(String, i64)>,
    /// Site states to store: site id and state document (JSON).
    pub site_states: Vec<(i64, String)>,
    /// Incidents to insert or update (by id).
    pub incidents: Vec<IncidentRow>,
    /// Incident journal entries to append.
    pub journal: Vec<JournalEntry>,
    /// Signals to attach to incidents: (incident id, signal id).
    pub incident_signals: Vec<(i64, i64)>,
    /// Messages to queue.
    pub outbox: Vec<NewOutbox>,
    /// Audit journal entries to append.
    pub audit: Vec<NewAudit>,
    /// Crew states to store.
    pub crews: Vec<CrewUpdate>,
    /// Dashboard events (JSON) for every node to push.
    pub events: Vec<String>,
    /// Answers to queued engine commands: command id and answer (JSON). A command its
    /// caller gave up on refuses the whole batch.
    pub answers: Vec<(i64, String)>,
    /// The engine lease's fencing token: the batch is refused whole if it is stale.
    pub fence: Option<i64>,
}

impl EngineBatch {
    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.cursor.is_none()
            && self.site_states.is_empty()
            && self.incidents.is_empty()
            && self.journal.is_empty()
            && self.incident_signals.is_empty()
            && self.outbox.is_empty()
            && self.audit.is_empty()
            && self.crews.is_empty()
            && self.events.is_empty()
            && self.answers.is_empty()
    }
}
