//! Rapid-response crews as the engine tracks them.

use rules::geo::LatLon;
use serde::{Deserialize, Serialize};

use crate::command::CrewStatus;

/// A crew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crew {
    /// Crew id.
    pub id: i64,
    /// Call sign.
    pub name: String,
    /// Last known position.
    pub position: LatLon,
    /// Heading in degrees, if known.
    pub heading: Option<f64>,
    /// Status.
    pub status: CrewStatus,
    /// On shift.
    pub on_shift: bool,
    /// The incident it was sent to.
    pub incident: Option<i64>,
    /// Last report.
    pub updated_at_ms: i64,
}

impl Crew {
    /// Whether it can be sent now.
    pub fn available(&self) -> bool {
        self.on_shift && self.status == CrewStatus::Available && self.incident.is_none()
    }
}

/// A crew that could be sent, with its distance and estimated time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Crew id.
    pub crew_id: i64,
    /// Call sign.
    pub name: String,
    /// Straight-line distance, metres.
    pub distance_m: f64,
    /// Estimated time to arrive, seconds.
    pub eta_s: u32,
}
