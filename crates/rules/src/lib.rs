//! Pure rules of an alarm receiving centre: what an event means (`classify`), when a site
//! should open and close (`schedule`), what a dispatch costs (`billing`), and distances and
//! motion on the map (`geo`). No I/O and no clock: every function takes the time it needs.

#![warn(missing_docs)]

pub mod billing;
pub mod classify;
pub mod geo;
pub mod holidays;
mod local;
pub mod schedule;
pub mod sla;
