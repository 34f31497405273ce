//! What the operator dashboard, the incident workspace, the crew page and the supervisor view
//! show: plain data shared by the server (which builds it from the engine and the store) and
//! the browser (which renders it and receives it pushed).

use serde::{Deserialize, Serialize};

/// A site on the operators' map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteMarker {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// `armed`, `night`, `disarmed`, `alarm`, `test`, `trouble`, `suspended` or `unknown`.
    pub state: String,
}

/// One open (or just closed) incident as a queue line and a map marker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentCard {
    /// Incident id.
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// Site name.
    pub site_name: String,
    /// Title ("Burglary", "Duress", ...).
    pub title: String,
    /// Category (`burglary`, `fire`, ...).
    pub category: String,
    /// 0 highest.
    pub priority: u8,
    /// `new`, `acknowledged`, `in_progress`, `dispatched`, `on_site`, `closed`.
    pub status: String,
    /// When it opened (first signal), unix ms.
    pub opened_at_ms: i64,
    /// When first claimed.
    pub acknowledged_at_ms: Option<i64>,
    /// The operator working it (user id).
    pub claimed_by: Option<i64>,
    /// That operator's name.
    pub claimed_by_name: Option<String>,
    /// Escalated to supervisors (not claimed in time).
    pub escalated: bool,
    /// Silent (duress): never shown to the customer side.
    pub silent: bool,
    /// What its status means, in words ("crew on site", "crews left: to close").
    pub status_text: String,
    /// Its category in words, with a capital ("Burglary"): storm labels name it.
    pub category_label: String,
    /// Every crew sent to it and where each is now, first sent first.
    pub crews: Vec<CrewOnCard>,
    /// The crews in one line for the queue and the map ("Echo 7 on site · backup Echo 8
    /// en route"); `None` when no crew was sent.
    pub crew_text: Option<String>,
    /// Storm group key, if folded into a group.
    pub group_key: Option<String>,
    /// Where (the site, or the vehicle's position).
    pub lat: f64,
    /// Where.
    pub lon: f64,
}

/// A crew on an incident's card, as it is now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrewOnCard {
    /// Crew id.
    pub crew_id: i64,
    /// Call sign.
    pub name: String,
    /// Sent as a backup.
    pub backup: bool,
    /// Still on the incident (sent, en route or on site).
    pub active: bool,
    /// Where it is, in words: "dispatched", "en route", "on site", "left at 22:10",
    /// "recalled at 22:05".
    pub state: String,
    /// The same as a value, for pages to say in their language: a crew status
    /// (`dispatched`, `en_route`, `on_site`...), or `left` / `recalled`.
    #[serde(default)]
    pub status: String,
    /// When it left or was recalled (local clock, `22:10`).
    #[serde(default)]
    pub at: Option<String>,
}

impl IncidentCard {
    /// What the queue's list compares to decide a row must be drawn again: every field a
    /// row shows.
    pub fn row_key(&self) -> String {
        format!(
            "{}:{}:{:?}:{}:{:?}:{:?}:{}",
            self.id, self.status_text, self.claimed_by, self.escalated, self.crew_text, self.group_key, self.priority
        )
    }

    /// Whether it is closed (leaves the queue and the map).
    pub fn is_closed(&self) -> bool {
        self.status == "closed"
    }
}

/// A crew on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrewMarker {
    /// Crew id.
    pub id: i64,
    /// Call sign.
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Degrees clockwise from north.
    pub heading: Option<f64>,
    /// `available`, `dispatched`, `en_route`, `on_site`, `returning`, `off`.
    pub status: String,
    /// On shift.
    pub on_shift: bool,
    /// The incident it is sent to.
    pub incident: Option<i64>,
    /// Last report, unix ms.
    pub updated_at_ms: i64,
}

/// A change pushed to the dashboards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum OpsEvent {
    /// An incident opened or changed (or closed).
    Incident(IncidentCard),
    /// A crew moved or changed status.
    Crew(CrewMarker),
    /// A site's state changed.
    Site(SiteMarker),
}

/// When queue clocks turn amber and red, and when an unclaimed incident escalates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLimits {
    /// Seconds unclaimed before amber.
    pub amber_s: u32,
    /// Seconds unclaimed before red.
    pub red_s: u32,
    /// Seconds unclaimed before supervisors are alerted.
    pub escalate_s: u32,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits { amber_s: 30, red_s: 60, escalate_s: 60 }
    }
}

/// How the map is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapConfig {
    /// Tile URL template (`""`: the bundled basemap only).
    pub tile_url: String,
    /// Tile attribution.
    pub attribution: String,
    /// Where the map opens.
    pub center: (f64, f64),
    /// Zoom it opens at.
    pub zoom: u8,
}

/// Everything the dashboard needs on (re)connect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpsSnapshot {
    /// Every site.
    pub sites: Vec<SiteMarker>,
    /// Open incidents, highest priority then oldest first.
    pub incidents: Vec<IncidentCard>,
    /// Every crew.
    pub crews: Vec<CrewMarker>,
    /// The server's now (the browser's clock may be off), unix ms.
    pub now_ms: i64,
    /// Clock colours and escalation.
    pub limits: QueueLimits,
    /// The map.
    pub map: MapConfig,
}

/// A zone of a site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneLine {
    /// Zone number.
    pub zone: String,
    /// Its name ("Front door").
    pub name: String,
    /// Its type (one of `store::ZONE_KINDS`; empty: none).
    #[serde(default)]
    pub kind: String,
}

/// A contact in calling order, with no password (it is only ever checked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactLine {
    /// Contact id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Unavailable until then (unix ms).
    pub unavailable_until_ms: Option<i64>,
    /// Whether a password is on file to check.
    pub has_password: bool,
    /// Calls already made on this incident: outcomes in order.
    pub calls: Vec<String>,
}

/// A step of the action plan on this incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepLine {
    /// Index in the plan.
    pub index: usize,
    /// Kind (`call_contacts`, `verify_password`, `dispatch`, `notify_police`, ...).
    pub kind: String,
    /// Done by the engine.
    pub auto: bool,
    /// `pending`, `done`, `skipped`, `failed`.
    pub status: String,
    /// When it changed, in the site's time.
    pub at: Option<String>,
    /// What happened.
    pub note: Option<String>,
}

/// One journal line, with local time and who.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalLine {
    /// Unix ms.
    pub at_ms: i64,
    /// In the site's time zone.
    pub at: String,
    /// `engine`, `operator`, `customer`, `crew`.
    pub actor: String,
    /// The person's name, if one.
    pub who: Option<String>,
    /// What (the stored name: `dispatched`, `crew_left`, ...).
    pub action: String,
    /// What, in words ("Crew sent", "Crew left").
    pub label: String,
    /// Details.
    pub detail: Option<String>,
}

/// A crew that could be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateLine {
    /// Crew id.
    pub crew_id: i64,
    /// Call sign.
    pub name: String,
    /// Straight-line distance, metres.
    pub distance_m: f64,
    /// Estimated time, seconds.
    pub eta_s: u32,
}

/// A resolution an operator may close with, and what it does to the bill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolutionChoice {
    /// Stored name (`real`, `false_user`, ...).
    pub value: String,
    /// Label.
    pub label: String,
    /// Billing effect of closing with it now.
    pub billing: String,
}

/// The site as the operator needs it while working an incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteSheet {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Street address and city.
    pub address: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Account numbers.
    pub accounts: Vec<String>,
    /// Arming state, with who and when.
    pub arm: String,
    /// Zones with names.
    pub zones: Vec<ZoneLine>,
    /// Keys held by the company.
    pub keys: String,
    /// Pets on the premises.
    pub pets: String,
    /// Notes for operators and crews.
    pub notes: String,
    /// Opening hours, one line per day, if supervised.
    pub schedule: Vec<String>,
    /// On test until (site time).
    pub test_until: Option<String>,
    /// Suspended until (site time).
    pub suspended_until: Option<String>,
}

/// Everything the incident workspace shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentWork {
    /// The incident.
    pub card: IncidentCard,
    /// The site.
    pub site: SiteSheet,
    /// Its signals, oldest first.
    pub signals: Vec<super::SignalView>,
    /// The plan.
    pub steps: Vec<StepLine>,
    /// Contacts in calling order.
    pub contacts: Vec<ContactLine>,
    /// Crews that could go, nearest first.
    pub candidates: Vec<CandidateLine>,
    /// Journal, oldest first.
    pub journal: Vec<JournalLine>,
    /// How it may be closed.
    pub resolutions: Vec<ResolutionChoice>,
    /// The customer may still cancel until then (site time).
    pub cancel_until: Option<String>,
    /// Operator notes.
    pub notes: Vec<String>,
    /// Whether the caller holds the claim.
    pub mine: bool,
    /// A supervisor took it over from the caller: who.
    #[serde(default)]
    pub taken_from_me: Option<String>,
    /// Photos the crews sent from the site: (address, "HH:MM Echo 1").
    #[serde(default)]
    pub photos: Vec<(String, String)>,
    /// The server's now, unix ms.
    pub now_ms: i64,
}

/// What an operator does on an incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OpsAction {
    /// Claim it (locks it for the others).
    Claim,
    /// Give it back to the queue.
    Release,
    /// A call's outcome (`reached`, `no_answer`, `wrong_password`, `declined_dispatch`).
    Call {
        /// Contact.
        contact_id: i64,
        /// Outcome.
        outcome: String,
    },
    /// Check what the person on the phone said against the contact's password.
    Password {
        /// Contact.
        contact_id: i64,
        /// What they said.
        password: String,
    },
    /// Tick off a manual step.
    Step {
        /// Step index.
        step: usize,
        /// Note.
        note: Option<String>,
    },
    /// Send a crew (`None`: the nearest available).
    Dispatch {
        /// Crew.
        crew_id: Option<i64>,
    },
    /// Add a note.
    Note {
        /// Text.
        text: String,
    },
    /// Close with a resolution.
    Close {
        /// Resolution's stored name.
        resolution: String,
        /// Call back the crews still on it (asked when one is).
        #[serde(default)]
        recall_crews: bool,
    },
    /// Call a crew back: it is free again.
    Recall {
        /// Crew.
        crew_id: i64,
    },
    /// Call a crew back and send another (`None`: the nearest free).
    Reassign {
        /// The crew called back.
        from_crew: i64,
        /// The crew sent instead.
        to_crew: Option<i64>,
    },
    /// A supervisor takes the incident from the operator holding it.
    TakeOver,
}

/// The longest report a guard writes about what was found.
pub const MAX_FINDING_CHARS: usize = 1000;

/// What a supervisor does to a whole storm group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StormAction {
    /// Acknowledge every unclaimed incident of the group (they stay in the fold).
    Acknowledge,
    /// Close every unclaimed incident of the group with one resolution.
    Close {
        /// Resolution's stored name.
        resolution: String,
    },
}

/// What came of an action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionOutcome {
    /// Done.
    pub ok: bool,
    /// For the operator ("Claimed by Ana", "Password correct", "Alpha sent, 4 min").
    pub message: String,
    /// A close was refused because these crews are still on the incident: the page asks
    /// whether to call them back and close.
    #[serde(default)]
    pub crews_out: Vec<String>,
}

impl ActionOutcome {
    /// Done, with this message.
    pub fn done(message: impl Into<String>) -> ActionOutcome {
        ActionOutcome { ok: true, message: message.into(), crews_out: Vec::new() }
    }

    /// Refused, with this reason.
    pub fn refused(message: impl Into<String>) -> ActionOutcome {
        ActionOutcome { ok: false, message: message.into(), crews_out: Vec::new() }
    }
}

/// The crew page's view: the crew and what it is sent to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrewJob {
    /// The crew.
    pub crew: CrewMarker,
    /// The incident it is sent to, if any.
    pub incident: Option<CrewIncident>,
}

/// An incident as the guard sent to it sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrewIncident {
    /// Incident id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: u8,
    /// Status.
    pub status: String,
    /// The site.
    pub site: SiteSheet,
    /// Zones that reported.
    pub zones: Vec<String>,
    /// A link that opens navigation to the site.
    pub navigate_url: String,
    /// When dispatched (site time).
    pub dispatched_at: Option<String>,
}

/// One figure of the supervisor view: how many and how fast.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaFigure {
    /// Incidents measured.
    pub count: u32,
    /// Mean, seconds.
    pub mean_s: Option<f64>,
    /// 90th percentile, seconds.
    pub p90_s: Option<f64>,
}

/// One operator's share of the work.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorLine {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Signed in now.
    pub on_shift: bool,
    /// Incidents claimed now.
    pub open: u32,
    /// Incidents handled today.
    pub today: u32,
}

/// SLA figures over one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaPeriod {
    /// Label ("Today", "2026-11-29").
    pub label: String,
    /// Time to acknowledge.
    pub to_ack: SlaFigure,
    /// Time to the first call.
    pub to_call: SlaFigure,
    /// Time to dispatch.
    pub to_dispatch: SlaFigure,
    /// Incidents opened.
    pub incidents: u32,
    /// Escalated (not claimed in time).
    pub escalated: u32,
}

/// The supervisor view.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupervisorView {
    /// Operators and their work.
    pub operators: Vec<OperatorLine>,
    /// Open incidents nobody has claimed.
    pub unclaimed: u32,
    /// Of those, escalated.
    pub escalated: u32,
    /// The last hour (live).
    pub live: SlaPeriod,
    /// Per day, newest first (7 days).
    pub days: Vec<SlaPeriod>,
}

/// A site found by the administrators' search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminSite {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address and city.
    pub address: String,
    /// Account numbers.
    pub accounts: Vec<String>,
    /// Contacts as `name phone`, in calling order.
    pub contacts: Vec<String>,
}

/// One page of the administrators' site search and how many sites match in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminSearch {
    /// Every match.
    pub total: usize,
    /// The first row of this page (0-based).
    pub offset: usize,
    /// Rows per page.
    pub per_page: usize,
    /// This page's sites.
    pub sites: Vec<AdminSite>,
}

/// A crew as administrators manage it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminCrew {
    /// Crew id.
    pub id: i64,
    /// Call sign.
    pub name: String,
    /// The login of its guard, if any.
    pub login: Option<String>,
    /// The tracking app's device id, if any.
    pub device_id: Option<String>,
    /// Status.
    pub status: String,
    /// Latitude (its base, or where it last reported).
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A user as administrators see it (never the password hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Disabled: cannot sign in.
    pub disabled: bool,
    /// Phone for alerts.
    #[serde(default)]
    pub phone: String,
    /// E-mail for alerts.
    #[serde(default)]
    pub email: String,
}
