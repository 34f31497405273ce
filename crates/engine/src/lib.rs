//! The alarm engine, pure: stored signals, people's commands and the clock go in; changed
//! incidents, journal lines, site states and notices come out ([`Output`]). It never reads
//! a clock or does I/O, so every rule is tested with a fake clock and the runtime around it
//! (`server/src/engine`) only loads, stores and forwards.

#![warn(missing_docs)]

mod billing;
pub mod command;
mod commands;
pub mod crew;
mod engine;
pub mod incident;
pub mod output;
mod plan;
pub mod settings;
pub mod site;
pub mod storm;
mod timers;
pub mod view;
pub mod words;

pub use command::{Actor, CancelResult, Command, CommandError, CrewStatus, Reply};
pub use crew::{Candidate, Crew};
pub use engine::{Engine, Signal, ESCALATE_AFTER_MS};
pub use incident::{Assignment, CallOutcome, CrewEnd, Incident, Resolution, Status, StepStatus, SIGNALS_KEPT};
pub use output::{JournalEntry, Notice, NoticeKind, NoticeWords, Output, SiteEvent};
pub use plan::MOTION_WINDOW_MS;
pub use settings::{default_plan, Instructions, Plan, Price, SiteKind, SiteSettings, Step, StepKind};
pub use site::{ArmState, Contact, Site, SiteInfo, SiteState, TestMode, TestScope};
pub use storm::StormRule;
pub use timers::{LIFE_SIGN_PRIORITY, SCHEDULE_PRIORITY};
pub use view::{CustomerAlarm, CustomerSite};

pub use rules;

/// The time of day as people at the site read it (`14:05`).
pub fn local_clock(at_ms: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_else(|| at_ms.to_string())
}

/// A time as people at the site read it (`2026-11-30 14:05`).
pub fn local_time(at_ms: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| at_ms.to_string())
}
