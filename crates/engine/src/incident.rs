//! An incident: the work about one or more signals of a site, from the first alarm to its
//! resolution, with its action plan's progress.

use rules::classify::{Category, Priority};
use rules::geo::LatLon;
use serde::{Deserialize, Serialize};

use crate::settings::{Step, StepKind};

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nobody has taken it yet.
    New,
    /// Claimed by one operator.
    Acknowledged,
    /// The operator is working the plan.
    InProgress,
    /// A crew is on its way.
    Dispatched,
    /// The crew is at the site.
    OnSite,
    /// Done, with a resolution.
    Closed,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in_progress",
            Status::Dispatched => "dispatched",
            Status::OnSite => "on_site",
            Status::Closed => "closed",
        }
    }
}

/// How an incident ended: the same outcomes the billing rules know (a real alarm, false by
/// the user, false technical, test, cancelled by the customer, duplicate).
pub use rules::billing::Outcome as Resolution;

/// The outcome of one call to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Reached, and the password was right.
    Reached,
    /// No answer (or busy, or voicemail).
    NoAnswer,
    /// Reached, but the password was wrong: itself a warning.
    WrongPassword,
    /// Reached, and they declined a dispatch.
    DeclinedDispatch,
}

/// A step's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Not done yet.
    Pending,
    /// Done.
    Done,
    /// Not needed (e.g. dispatch after a cancel, police for a standing vehicle).
    Skipped,
    /// Tried and could not be done (e.g. no crew available); the operator takes over.
    Failed,
}

/// One step of the plan on this incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepProgress {
    /// The step.
    pub step: Step,
    /// How far it is.
    pub status: StepStatus,
    /// When it last changed.
    pub at_ms: Option<i64>,
    /// Why, or what happened.
    pub note: Option<String>,
}

/// One call made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// Who was called.
    pub contact_id: i64,
    /// What came of it.
    pub outcome: CallOutcome,
    /// When.
    pub at_ms: i64,
    /// The operator.
    pub by: Option<i64>,
}

/// A customer's attempt to cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAttempt {
    /// When.
    pub at_ms: i64,
    /// The user who tried.
    pub by: Option<i64>,
    /// What came of it.
    pub result: crate::command::CancelResult,
}

/// How a crew's part in an incident ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrewEnd {
    /// It reported returning, available or off shift: it has left the site.
    Left,
    /// The operator called it back (or sent another crew instead).
    Recalled,
}

/// A crew sent to an incident, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The crew.
    pub crew_id: i64,
    /// Its call sign when it was sent.
    pub name: String,
    /// Sent as a backup (another crew was already on the incident).
    pub backup: bool,
    /// When it was sent.
    pub sent_at_ms: i64,
    /// When it reported on site.
    pub arrived_at_ms: Option<i64>,
    /// When its part ended.
    pub ended_at_ms: Option<i64>,
    /// How its part ended (`None`: still on the incident).
    pub end: Option<CrewEnd>,
}

impl Assignment {
    /// Whether the crew is still on this incident (sent, en route or on site).
    pub fn active(&self) -> bool {
        self.end.is_none()
    }
}

/// An incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Id (given by the engine).
    pub id: i64,
    /// The site.
    pub site_id: i64,
    /// What it is about (the highest-priority category of its signals).
    pub category: Category,
    /// 0 highest.
    pub priority: Priority,
    /// Short title ("Burglary", "Fail to close", "No life sign for 3 days").
    pub title: String,
    /// Where it is in its life.
    pub status: Status,
    /// When it opened.
    pub opened_at_ms: i64,
    /// Last change.
    pub updated_at_ms: i64,
    /// When an operator first claimed it.
    pub acknowledged_at_ms: Option<i64>,
    /// The operator working it.
    pub claimed_by: Option<i64>,
    /// When it was escalated to supervisors for not being claimed in time.
    #[serde(default)]
    pub escalated_at_ms: Option<i64>,
    /// The first [`SIGNALS_KEPT`] signals that belong to it (the store links them all).
    pub signals: Vec<i64>,
    /// Zones that reported.
    pub zones: Vec<String>,
    /// The plan and its progress.
    pub steps: Vec<StepProgress>,
    /// Calls made.
    pub calls: Vec<Call>,
    /// Cancel attempts.
    pub cancel_attempts: Vec<CancelAttempt>,
    /// The customer may cancel until then.
    pub cancel_until_ms: Option<i64>,
    /// A `Wait` step ends then.
    pub wait_until_ms: Option<i64>,
    /// The first crew sent (billing counts a dispatch from it).
    pub crew_id: Option<i64>,
    /// Every crew sent, in order, with what became of each (backups, recalls).
    #[serde(default)]
    pub crews: Vec<Assignment>,
    /// When it was sent.
    pub dispatched_at_ms: Option<i64>,
    /// When it arrived.
    pub on_site_at_ms: Option<i64>,
    /// Silent (duress): never shown or told to the customer side.
    pub silent: bool,
    /// Opened while the site was on test: recorded, not acted on.
    pub test: bool,
    /// Storm group (area and kind) when many alarms arrive at once.
    pub group_key: Option<String>,
    /// Where it happened (vehicles: the alarm's position).
    pub position: Option<LatLon>,
    /// Vehicles: whether it was moving at the alarm.
    pub moving: Option<bool>,
    /// When it closed.
    pub closed_at_ms: Option<i64>,
    /// How it ended.
    pub resolution: Option<Resolution>,
    /// Billing decision when a dispatched incident closed.
    pub charge: Option<rules::billing::Charge>,
    /// Operator notes.
    pub notes: Vec<(i64, Option<i64>, String)>,
}

/// Signal ids an incident keeps in itself. A site that keeps sending (a faulty detector, a
/// flood) would otherwise make every later signal copy and store an ever longer list.
pub const SIGNALS_KEPT: usize = 100;

impl Incident {
    /// Notes a signal that belongs to it (kept in itself up to [`SIGNALS_KEPT`]).
    pub fn add_signal(&mut self, id: i64) {
        if self.signals.len() < SIGNALS_KEPT {
            self.signals.push(id);
        }
    }

    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.status != Status::Closed
    }

    /// The crews still on it (sent, en route or on site).
    pub fn active_crews(&self) -> impl Iterator<Item = &Assignment> {
        self.crews.iter().filter(|a| a.active())
    }

    /// The next time the engine must look at it.
    pub fn deadline(&self) -> Option<i64> {
        if !self.is_open() {
            return None;
        }
        let cancel = self.cancel_until_ms.filter(|_| self.pending(&StepKind::Dispatch, true));
        match (cancel, self.wait_until_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a step of this kind (auto or not, as asked) is pending.
    pub fn pending(&self, kind: &StepKind, auto: bool) -> bool {
        self.steps.iter().any(|s| s.step.kind == *kind && s.step.auto == auto && s.status == StepStatus::Pending)
    }

    /// Marks the first pending step of this kind.
    pub fn mark(&mut self, kind: &StepKind, status: StepStatus, at_ms: i64, note: Option<String>) {
        if let Some(s) = self.steps.iter_mut().find(|s| s.step.kind == *kind && s.status == StepStatus::Pending) {
            s.status = status;
            s.at_ms = Some(at_ms);
            s.note = note;
        }
    }
}
