//! What people do: operators, customers and crews act on incidents and sites through
//! commands; each returns what came of it or why it was refused.

use rules::geo::LatLon;
use rules::schedule::TempChange;
use serde::{Deserialize, Serialize};

use crate::incident::{CallOutcome, Resolution};
use crate::site::TestScope;

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "user_id")]
pub enum Actor {
    /// The engine itself (timers, automatic steps).
    Engine,
    /// An operator (or supervisor) by user id.
    Operator(i64),
    /// A customer or contact by user id.
    Customer(i64),
    /// A crew member by crew id.
    Crew(i64),
}

impl Actor {
    /// The journal's actor name.
    pub fn name(self) -> &'static str {
        match self {
            Actor::Engine => "engine",
            Actor::Operator(_) => "operator",
            Actor::Customer(_) => "customer",
            Actor::Crew(_) => "crew",
        }
    }

    /// The user id, for operators and customers.
    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::Operator(id) | Actor::Customer(id) => Some(id),
            _ => None,
        }
    }
}

/// A crew's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrewStatus {
    /// Free to be sent.
    Available,
    /// Sent, not yet moving.
    Dispatched,
    /// On the way.
    EnRoute,
    /// At the site.
    OnSite,
    /// Coming back (free again once available).
    Returning,
    /// Off shift.
    Off,
}

impl CrewStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CrewStatus::Available => "available",
            CrewStatus::Dispatched => "dispatched",
            CrewStatus::EnRoute => "en_route",
            CrewStatus::OnSite => "on_site",
            CrewStatus::Returning => "returning",
            CrewStatus::Off => "off",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<CrewStatus> {
        [
            CrewStatus::Available,
            CrewStatus::Dispatched,
            CrewStatus::EnRoute,
            CrewStatus::OnSite,
            CrewStatus::Returning,
            CrewStatus::Off,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Something a person does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    /// Claim an incident (locks it for other operators).
    Acknowledge {
        /// The incident.
        incident: i64,
    },
    /// Give a claimed incident back to the queue.
    Release {
        /// The incident.
        incident: i64,
    },
    /// Record a call to a contact.
    Call {
        /// The incident.
        incident: i64,
        /// The contact.
        contact_id: i64,
        /// What came of it.
        outcome: CallOutcome,
    },
    /// Tick off a manual step (notify police/fire, verify password, call contacts).
    StepDone {
        /// The incident.
        incident: i64,
        /// Index of the step in the plan.
        step: usize,
        /// What was done.
        note: Option<String>,
    },
    /// Send a crew (`None`: the nearest available).
    Dispatch {
        /// The incident.
        incident: i64,
        /// The crew.
        crew_id: Option<i64>,
    },
    /// A note on the incident.
    Note {
        /// The incident.
        incident: i64,
        /// The text.
        text: String,
    },
    /// Close with a resolution. Refused while a crew is still on it, unless the operator
    /// chose to call the crews back (`recall_crews`).
    Close {
        /// The incident.
        incident: i64,
        /// How it ended.
        resolution: Resolution,
        /// Call back the crews still on it.
        #[serde(default)]
        recall_crews: bool,
    },
    /// Call a crew back from an incident: it is free again.
    Recall {
        /// The incident.
        incident: i64,
        /// The crew.
        crew_id: i64,
    },
    /// Call a crew back and send another (`None`: the nearest free) in its place.
    Reassign {
        /// The incident.
        incident: i64,
        /// The crew called back.
        from_crew: i64,
        /// The crew sent instead.
        to_crew: Option<i64>,
    },
    /// A supervisor takes a claimed incident over (the caller checked the role).
    TakeOver {
        /// The incident.
        incident: i64,
    },
    /// A supervisor acknowledges every unclaimed incident of a storm group at once.
    AcknowledgeStorm {
        /// The group key.
        group: String,
    },
    /// A supervisor closes every unclaimed incident of a storm group with one resolution
    /// (those with a crew out are left open and named in the reply).
    CloseStorm {
        /// The group key.
        group: String,
        /// How they ended.
        resolution: Resolution,
    },
    /// Cancel the site's alarm with the password (the caller checked it: `password_ok`).
    Cancel {
        /// The site.
        site_id: i64,
        /// Whether the password matched.
        password_ok: bool,
    },
    /// Panic from the customer's phone.
    Panic {
        /// The site.
        site_id: i64,
        /// The phone's position, if given.
        position: Option<LatLon>,
    },
    /// Put the site (or some zones or categories, operators only) on test until a time.
    StartTest {
        /// The site.
        site_id: i64,
        /// When it goes live again.
        until_ms: i64,
        /// What is on test.
        scope: TestScope,
    },
    /// End a test period now.
    EndTest {
        /// The site.
        site_id: i64,
    },
    /// Suspend the service until a time (`None`: resume now).
    Suspend {
        /// The site.
        site_id: i64,
        /// Until when.
        until_ms: Option<i64>,
        /// Why (journaled with it).
        #[serde(default)]
        reason: Option<String>,
    },
    /// A temporary change of the opening hours.
    ScheduleChange {
        /// The site.
        site_id: i64,
        /// The change.
        change: TempChange,
    },
    /// Removes the temporary change of one day: the usual hours apply again.
    ScheduleRevert {
        /// The site.
        site_id: i64,
        /// The day.
        date: chrono::NaiveDate,
    },
    /// A crew says what it found at the site (its words, and whether it took a photo); the
    /// line lands in the journal of the incident it is on.
    CrewFinding {
        /// The crew.
        crew_id: i64,
        /// What it found.
        text: String,
        /// The stored photo that goes with it.
        photo: Option<i64>,
    },
    /// A crew reports its status and position.
    CrewReport {
        /// The crew.
        crew_id: i64,
        /// New status (`None`: position only).
        status: Option<CrewStatus>,
        /// Where it is.
        position: Option<LatLon>,
    },
}

/// What came of a cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelResult {
    /// The alarm was called off; no crew goes.
    Cancelled,
    /// Too late: a crew is already on its way (the attempt is recorded).
    CrewAlreadyDispatched,
    /// The password was wrong (recorded as a warning).
    WrongPassword,
    /// Too many wrong passwords on this alarm: no more cancels are taken from the customer
    /// side; the operators were told and its priority raised.
    Locked,
    /// No alarm to cancel.
    NothingToCancel,
}

/// What came of a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reply")]
pub enum Reply {
    /// Done.
    Done,
    /// A cancel's result.
    Cancel {
        /// The result.
        result: CancelResult,
    },
    /// An incident was opened (panic).
    Opened {
        /// Its id.
        incident: i64,
    },
    /// A storm group's action: the incidents it was done to and those left alone.
    Storm {
        /// Done to these.
        done: Vec<i64>,
        /// Left alone (claimed by someone, or a crew still out).
        skipped: Vec<i64>,
    },
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CommandError {
    /// No such incident, site or crew.
    #[error("no {0}")]
    NotFound(String),
    /// Another operator holds the incident.
    #[error("incident {incident} is claimed by another operator")]
    Claimed {
        /// The incident.
        incident: i64,
        /// Who holds it.
        by: i64,
    },
    /// Not possible in the incident's state.
    #[error("{0}")]
    Invalid(String),
    /// The actor may not do this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Crews are still on the incident: the operator decides what they do first.
    #[error("{} still on this incident: recall {} to close it", .0.join(" and "), if .0.len() == 1 { "it" } else { "them" })]
    CrewsOut(Vec<String>),
}
