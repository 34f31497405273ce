//! Event classification: Contact ID and SIA DCS codes to a category, a kind and a priority.
//!
//! [`classify`] maps one event's protocol, qualifier and code to a [`Classification`]; a site's
//! [`Override`]s replace the category and priority of single codes. Code meanings follow SIA
//! DC-05 (Contact ID) and SIA DC-03 (SIA DCS); unknown codes are [`Kind::Info`].

use serde::{Deserialize, Serialize};

mod cid;
mod sia;
#[cfg(test)]
mod tests;

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Fire, smoke, heat.
    Fire,
    /// Panic / hold-up button (panel, key fob, phone).
    Panic,
    /// Duress code: silent, top priority.
    Duress,
    /// Medical emergency.
    Medical,
    /// Intrusion.
    Burglary,
    /// Tamper of a detector, panel or siren.
    Tamper,
    /// Technical trouble: mains, battery, detector faults, jamming.
    Trouble,
    /// The link to the site failed (missed test signals, all paths down).
    LinkFailure,
    /// Arming and disarming.
    OpenClose,
    /// Periodic or manual test signals.
    Test,
    /// A condition ended.
    Restore,
    /// Anything else (bypass, status, unknown codes).
    Other,
}

/// Whether an event starts, ends or merely reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A new condition that should open (or join) an incident.
    Alarm,
    /// A condition ended; closes nothing by itself.
    Restore,
    /// The site was disarmed (opening).
    Opening,
    /// The site was armed (closing).
    Closing,
    /// The site was armed in night (stay, perimeter) mode.
    NightClosing,
    /// A test signal.
    Test,
    /// Informational: recorded and shown, no incident.
    Info,
}

/// Priority: 0 is the highest.
pub type Priority = u8;

/// The result of classifying one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// What it is about.
    pub category: Category,
    /// What it does.
    pub kind: Kind,
    /// 0 highest.
    pub priority: Priority,
}

/// The facts about one stored event that classification needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFacts<'a> {
    /// `"cid"` or `"sia"`; `None` for a signal without readable event data.
    pub protocol: Option<&'a str>,
    /// Contact ID qualifier digit (`"1"`, `"3"`, `"6"`).
    pub qualifier: Option<&'a str>,
    /// Event code (`"130"`, `"BA"`, or Vigil's internal codes such as `"LINK-FAIL"`).
    pub code: Option<&'a str>,
}

/// A site's override of one code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// Protocol the code belongs to (`"cid"`, `"sia"`, `"internal"`).
    pub protocol: String,
    /// The code.
    pub code: String,
    /// Category to use instead.
    pub category: Category,
    /// Priority to use instead.
    pub priority: Priority,
}

/// What a code means before priorities and overrides are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Alarm(Category),
    Restore(Category),
    Opening,
    Closing,
    NightClosing,
    Test,
    Info,
}

/// Priority of restores, openings, closings and tests.
const ROUTINE: Priority = 9;
/// Priority of informational events.
const INFO: Priority = 8;
/// Priority of `ALL-PATHS-FAIL`: every path to the site is down.
const ALL_PATHS_FAIL: Priority = 3;

/// The default priority of an alarm of `category` (0 highest).
///
/// Duress 0; panic and fire 1; medical 2; burglary 3; tamper and link failure 4; trouble 5;
/// other 8; open/close, test and restore 9.
pub fn default_priority(category: Category) -> Priority {
    match category {
        Category::Duress => 0,
        Category::Panic | Category::Fire => 1,
        Category::Medical => 2,
        Category::Burglary => 3,
        Category::Tamper | Category::LinkFailure => 4,
        Category::Trouble => 5,
        Category::Other => INFO,
        Category::OpenClose | Category::Test | Category::Restore => ROUTINE,
    }
}

/// Classifies one event.
///
/// `facts.protocol` is `"cid"`, `"sia"` or `"internal"` (case-insensitive); a missing protocol
/// means Vigil's internal codes (`LINK-FAIL`, `ALL-PATHS-FAIL`, `LINK-RESTORE`,
/// `ALL-PATHS-RESTORE`). A missing or unknown code is [`Category::Other`] / [`Kind::Info`].
/// The first override whose protocol and code match (both case-insensitive) replaces the
/// category and the priority; the kind stays (an overridden restore is still a restore).
pub fn classify(facts: EventFacts<'_>, overrides: &[Override]) -> Classification {
    let protocol = facts.protocol.unwrap_or("internal");
    let Some(code) = facts.code.map(str::trim).filter(|c| !c.is_empty()) else {
        return from_meaning(Meaning::Info, None);
    };
    let (meaning, priority) = if protocol.eq_ignore_ascii_case("cid") {
        (cid::meaning(code, facts.qualifier), None)
    } else if protocol.eq_ignore_ascii_case("sia") {
        (sia::meaning(code), None)
    } else if protocol.eq_ignore_ascii_case("internal") {
        internal(code)
    } else {
        (Meaning::Info, None)
    };
    let base = from_meaning(meaning, priority);
    match overrides
        .iter()
        .find(|o| o.protocol.trim().eq_ignore_ascii_case(protocol) && o.code.trim().eq_ignore_ascii_case(code))
    {
        Some(o) => Classification { category: o.category, priority: o.priority, kind: base.kind },
        None => base,
    }
}

/// Vigil's own codes: supervision of the site's paths, and the receiver's security events.
fn internal(code: &str) -> (Meaning, Option<Priority>) {
    let is = |name: &str| code.eq_ignore_ascii_case(name);
    if is("LINK-FAIL") {
        (Meaning::Alarm(Category::LinkFailure), None)
    } else if is("ALL-PATHS-FAIL") {
        (Meaning::Alarm(Category::LinkFailure), Some(ALL_PATHS_FAIL))
    } else if is("LINK-RESTORE") || is("ALL-PATHS-RESTORE") {
        (Meaning::Restore(Category::LinkFailure), None)
    } else if is("PLAIN-REFUSED") {
        // Someone sent unencrypted frames for an encrypted account: forged signals or a
        // panel whose encryption was switched off. Either way a person must look.
        (Meaning::Alarm(Category::Tamper), None)
    } else {
        (Meaning::Info, None)
    }
}

fn from_meaning(meaning: Meaning, priority: Option<Priority>) -> Classification {
    let (category, kind) = match meaning {
        Meaning::Alarm(c) => (c, Kind::Alarm),
        Meaning::Restore(c) => (c, Kind::Restore),
        Meaning::Opening => (Category::OpenClose, Kind::Opening),
        Meaning::Closing => (Category::OpenClose, Kind::Closing),
        Meaning::NightClosing => (Category::OpenClose, Kind::NightClosing),
        Meaning::Test => (Category::Test, Kind::Test),
        Meaning::Info => (Category::Other, Kind::Info),
    };
    let default = match kind {
        Kind::Alarm => default_priority(category),
        Kind::Info => INFO,
        _ => ROUTINE,
    };
    Classification { category, kind, priority: priority.unwrap_or(default) }
}
