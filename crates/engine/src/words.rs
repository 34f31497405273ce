//! Plain words for people: what journal lines, queue cards and the workspace say about the
//! engine's values. Stored names (`false_user`, `en_route`) stay in the database and the
//! API; whatever a person reads comes from here, so no `snake_case` or enum name reaches a
//! page.

use rules::billing::{Charge, FreeReason, Outcome};
use rules::classify::Category;

use crate::command::CrewStatus;
use crate::incident::CallOutcome;
use crate::settings::StepKind;
use crate::site::TestScope;

/// A category as a noun ("burglary", "link failure").
pub fn category(c: Category) -> &'static str {
    match c {
        Category::Fire => "fire",
        Category::Panic => "panic",
        Category::Duress => "duress",
        Category::Medical => "medical",
        Category::Burglary => "burglary",
        Category::Tamper => "tamper",
        Category::Trouble => "trouble",
        Category::LinkFailure => "link failure",
        Category::OpenClose => "arming",
        Category::Test => "test",
        Category::Restore => "restore",
        Category::Other => "other",
    }
}

/// A category with a capital, for titles and storm labels ("Burglary").
pub fn category_title(c: Category) -> String {
    capitalized(category(c))
}

/// How an incident ended.
pub fn resolution(o: Outcome) -> &'static str {
    match o {
        Outcome::Real => "Real alarm",
        Outcome::FalseUser => "False alarm (user error)",
        Outcome::FalseTechnical => "False alarm (technical)",
        Outcome::Test => "Test",
        Outcome::Cancelled => "Cancelled by the customer",
        Outcome::Duplicate => "Duplicate",
    }
}

/// What a closed incident costs the customer.
pub fn charge(c: Option<Charge>) -> String {
    match c {
        None => "No crew sent: nothing billed".into(),
        Some(Charge::Billable) => "Billed on top of the fee".into(),
        Some(Charge::Included { n, of }) => format!("Included dispatch {n} of {of} this year"),
        Some(Charge::Free(reason)) => match reason {
            FreeReason::FirstMonth => "Free: first month of service".into(),
            FreeReason::Warranty => "Free: technical fault under warranty".into(),
            FreeReason::CrewLate => "Free: the crew was late".into(),
            FreeReason::FirstFalseCallOfYear => "Free: first false alarm of the year".into(),
            FreeReason::NotChargeable => "Free: not chargeable".into(),
        },
    }
}

/// A call's outcome.
pub fn call_outcome(o: CallOutcome) -> &'static str {
    match o {
        CallOutcome::Reached => "reached",
        CallOutcome::NoAnswer => "no answer",
        CallOutcome::WrongPassword => "wrong password",
        CallOutcome::DeclinedDispatch => "declined a crew",
    }
}

/// A crew's status.
pub fn crew_status(s: CrewStatus) -> &'static str {
    match s {
        CrewStatus::Available => "available",
        CrewStatus::Dispatched => "dispatched",
        CrewStatus::EnRoute => "en route",
        CrewStatus::OnSite => "on site",
        CrewStatus::Returning => "returning",
        CrewStatus::Off => "off shift",
    }
}

/// The zone an incident's title names ("Burglary: Hall" → "Hall"), if any.
pub fn place(title: &str) -> Option<String> {
    title.split_once(": ").map(|(_, zone)| zone.trim().to_owned()).filter(|z| !z.is_empty())
}

/// A plan step.
pub fn step(kind: &StepKind) -> String {
    match kind {
        StepKind::NotifyCustomer => "Notify the customer".into(),
        StepKind::CallContacts => "Call the contacts in order".into(),
        StepKind::VerifyPassword => "Verify the password".into(),
        StepKind::Dispatch => "Dispatch the nearest crew".into(),
        StepKind::NotifyPolice => "Notify the police".into(),
        StepKind::NotifyFire => "Notify the fire brigade".into(),
        StepKind::Wait { seconds } => format!("Wait {seconds} s for a cancel"),
        StepKind::Instruction { text } => text.clone(),
    }
}

/// What a test period covers ("the whole site", "zones 003, 004", "fire alarms").
pub fn test_scope(scope: &TestScope) -> String {
    let mut parts = Vec::new();
    if !scope.zones.is_empty() {
        parts.push(format!("zones {}", scope.zones.join(", ")));
    }
    if !scope.categories.is_empty() {
        let names: Vec<&str> = scope.categories.iter().map(|c| category(*c)).collect();
        parts.push(format!("{} alarms", names.join(", ")));
    }
    if parts.is_empty() {
        "the whole site".into()
    } else {
        parts.join(" and ")
    }
}

/// A journal action as a heading people read ("Crew sent", "Claimed"). Unknown actions are
/// shown with spaces and a capital.
pub fn action(name: &str) -> String {
    let known = match name {
        "opened" => "Opened",
        "signal" => "Signal",
        "restore" => "Restore",
        "escalated" => "Escalated",
        "acknowledged" => "Claimed",
        "acknowledged_group" => "Acknowledged with its storm",
        "released" => "Released to the queue",
        "taken_over" => "Taken over",
        "call" => "Call",
        "warning" => "Warning",
        "step" => "Step done",
        "notified" => "Customer notified",
        "cancel_window" => "Cancel window",
        "cancel_window_ended" => "Cancel window ended",
        "cancel_refused" => "Cancel refused",
        "dispatched" => "Crew sent",
        "backup_dispatched" => "Backup crew sent",
        "crew_recalled" => "Crew recalled",
        "crew_en_route" => "Crew en route",
        "crew_on_site" => "Crew on site",
        "crew_left" => "Crew left",
        "crew_status" => "Crew status",
        "crew_finding" => "Crew's report",
        "no_crew" => "No crew available",
        "police_notified" => "Police notified",
        "no_contact_reached" => "Nobody reached",
        "panic" => "Panic",
        "note" => "Note",
        "schedule" => "Opening hours not kept",
        "closed" => "Closed",
        "test_started" => "Test started",
        "test_ended" => "Test ended",
        "suspended" => "Service suspended",
        "resumed" => "Service resumed",
        "schedule_changed" => "Opening hours changed",
        "schedule_change_removed" => "Opening hours change removed",
        other => return capitalized(&other.replace('_', " ")),
    };
    known.to_owned()
}

/// The first letter in upper case.
pub fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A distance for people: metres up to a kilometre, then kilometres with one decimal.
pub fn distance(m: f64) -> String {
    if m < 1000.0 {
        format!("{:.0} m", m)
    } else {
        format!("{:.1} km", m / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_action_reads_as_words() {
        for a in ["opened", "acknowledged", "backup_dispatched", "crew_left", "cancel_window_ended", "taken_over"] {
            let s = action(a);
            assert!(!s.contains('_') && s.chars().next().unwrap().is_uppercase(), "{a} -> {s}");
        }
        assert_eq!(action("some_new_thing"), "Some new thing");
    }

    #[test]
    fn distances_switch_to_kilometres() {
        assert_eq!(distance(640.0), "640 m");
        assert_eq!(distance(3140.0), "3.1 km");
    }
}
