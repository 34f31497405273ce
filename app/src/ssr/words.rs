//! The engine's values in words for a staff member's request, in their page's language
//! (`engine::words` holds the English the engine writes into journals and the API): plan
//! steps, resolutions and what they cost, call outcomes, journal headings, who acted.

use engine::incident::CallOutcome;
use engine::rules::billing::{Charge, FreeReason, Outcome};
use engine::rules::classify::Category;
use engine::rules::schedule::WeeklySchedule;
use engine::{ArmState, StepKind};

use crate::i18n::td_string;
use crate::lang::Lang;

/// The language of the request being answered (English outside one).
pub fn lang() -> Lang {
    crate::lang::initial()
}

/// A plan step.
pub fn step(lang: Lang, kind: &StepKind) -> String {
    let l = lang.locale();
    match kind {
        StepKind::NotifyCustomer => td_string!(l, staff.words.step_notify_customer).into(),
        StepKind::CallContacts => td_string!(l, staff.words.step_call_contacts).into(),
        StepKind::VerifyPassword => td_string!(l, staff.words.step_verify_password).into(),
        StepKind::Dispatch => td_string!(l, staff.words.step_dispatch).into(),
        StepKind::NotifyPolice => td_string!(l, staff.words.step_notify_police).into(),
        StepKind::NotifyFire => td_string!(l, staff.words.step_notify_fire).into(),
        StepKind::Wait { seconds } => td_string!(l, staff.words.step_wait, seconds = seconds),
        StepKind::Instruction { text } => text.clone(),
    }
}

/// An alarm category as a title ("Burglary").
pub fn category(lang: Lang, c: Category) -> &'static str {
    crate::components::words::category_in(lang, &super::ops::name_of(&c))
}

/// How an incident ended.
pub fn resolution(lang: Lang, o: Outcome) -> &'static str {
    let l = lang.locale();
    match o {
        Outcome::Real => td_string!(l, staff.words.real),
        Outcome::FalseUser => td_string!(l, staff.words.false_user),
        Outcome::FalseTechnical => td_string!(l, staff.words.false_technical),
        Outcome::Test => td_string!(l, staff.words.test),
        Outcome::Cancelled => td_string!(l, staff.words.cancelled),
        Outcome::Duplicate => td_string!(l, staff.words.duplicate),
    }
}

/// What a closed incident costs the customer.
pub fn charge(lang: Lang, c: Option<Charge>) -> String {
    let l = lang.locale();
    match c {
        None => td_string!(l, staff.words.charge_none).into(),
        Some(Charge::Billable) => td_string!(l, staff.words.charge_billed).into(),
        Some(Charge::Included { n, of }) => {
            td_string!(l, staff.words.charge_included, n = n, of = of)
        }
        Some(Charge::Free(reason)) => match reason {
            FreeReason::FirstMonth => td_string!(l, staff.words.free_first_month),
            FreeReason::Warranty => td_string!(l, staff.words.free_warranty),
            FreeReason::CrewLate => td_string!(l, staff.words.free_crew_late),
            FreeReason::FirstFalseCallOfYear => td_string!(l, staff.words.free_first_false),
            FreeReason::NotChargeable => td_string!(l, staff.words.free_not_chargeable),
        }
        .into(),
    }
}

/// A call's outcome.
pub fn call_outcome(lang: Lang, o: CallOutcome) -> &'static str {
    let l = lang.locale();
    match o {
        CallOutcome::Reached => td_string!(l, staff.words.call_reached),
        CallOutcome::NoAnswer => td_string!(l, staff.words.call_no_answer),
        CallOutcome::WrongPassword => td_string!(l, staff.words.call_wrong_password),
        CallOutcome::DeclinedDispatch => td_string!(l, staff.words.call_declined),
    }
}

/// A site's arming state, with who changed it and when if known.
pub fn arm_state(lang: Lang, arm: ArmState, user: Option<&str>, at: Option<&str>) -> String {
    let l = lang.locale();
    let state = match arm {
        ArmState::Unknown => td_string!(l, staff.words.arm_unknown),
        ArmState::Armed => td_string!(l, staff.words.arm_armed),
        ArmState::Night => td_string!(l, staff.words.arm_night),
        ArmState::Disarmed => td_string!(l, staff.words.arm_disarmed),
    };
    match (user, at) {
        (Some(user), Some(time)) => td_string!(l, staff.words.arm_by_at, state = state, user = user, time = time),
        (None, Some(time)) => td_string!(l, staff.words.arm_at, state = state, time = time),
        _ => state.to_owned(),
    }
}

/// A week's opening hours, one line per day, Monday first ("Tuesday 08:00–12:00,
/// 14:00–18:00", "Sunday closed").
pub fn week(lang: Lang, schedule: &WeeklySchedule) -> Vec<String> {
    let l = lang.locale();
    (0u8..7)
        .map(|day| {
            let windows: Vec<String> = schedule
                .windows(usize::from(day))
                .map(|h| format!("{}–{}", h.open.format("%H:%M"), h.close.format("%H:%M")))
                .collect();
            let hours =
                if windows.is_empty() { td_string!(l, app.schedule.closed).to_owned() } else { windows.join(", ") };
            format!("{} {hours}", crate::lang::words::weekday(lang, day))
        })
        .collect()
}

/// Who acted, for a journal line without a named person.
pub fn actor(lang: Lang, actor: &str) -> String {
    let l = lang.locale();
    match actor {
        "engine" => "Vigil",
        "operator" => td_string!(l, staff.words.actor_operator),
        "customer" => td_string!(l, staff.words.actor_customer),
        "crew" => td_string!(l, staff.words.actor_crew),
        other => other,
    }
    .to_owned()
}

/// A journal action as a heading ("Crew sent"); one this version does not know, as the
/// engine words it.
pub fn action(lang: Lang, name: &str) -> String {
    let l = lang.locale();
    let known = match name {
        "opened" => td_string!(l, staff.journal.opened),
        "signal" => td_string!(l, staff.journal.signal),
        "restore" => td_string!(l, staff.journal.restore),
        "escalated" => td_string!(l, staff.journal.escalated),
        "acknowledged" => td_string!(l, staff.journal.acknowledged),
        "acknowledged_group" => td_string!(l, staff.journal.acknowledged_group),
        "released" => td_string!(l, staff.journal.released),
        "taken_over" => td_string!(l, staff.journal.taken_over),
        "call" => td_string!(l, staff.journal.call),
        "warning" => td_string!(l, staff.journal.warning),
        "step" => td_string!(l, staff.journal.step),
        "notified" => td_string!(l, staff.journal.notified),
        "cancel_window" => td_string!(l, staff.journal.cancel_window),
        "cancel_window_ended" => td_string!(l, staff.journal.cancel_window_ended),
        "cancel_refused" => td_string!(l, staff.journal.cancel_refused),
        "dispatched" => td_string!(l, staff.journal.dispatched),
        "backup_dispatched" => td_string!(l, staff.journal.backup_dispatched),
        "crew_recalled" => td_string!(l, staff.journal.crew_recalled),
        "crew_en_route" => td_string!(l, staff.journal.crew_en_route),
        "crew_on_site" => td_string!(l, staff.journal.crew_on_site),
        "crew_left" => td_string!(l, staff.journal.crew_left),
        "crew_status" => td_string!(l, staff.journal.crew_status),
        "crew_finding" => td_string!(l, staff.journal.crew_finding),
        "no_crew" => td_string!(l, staff.journal.no_crew),
        "police_notified" => td_string!(l, staff.journal.police_notified),
        "no_contact_reached" => td_string!(l, staff.journal.no_contact_reached),
        "panic" => td_string!(l, staff.journal.panic),
        "note" => td_string!(l, staff.journal.note),
        "schedule" => td_string!(l, staff.journal.schedule),
        "closed" => td_string!(l, staff.journal.closed),
        "test_started" => td_string!(l, staff.journal.test_started),
        "test_ended" => td_string!(l, staff.journal.test_ended),
        "suspended" => td_string!(l, staff.journal.suspended),
        "resumed" => td_string!(l, staff.journal.resumed),
        "schedule_changed" => td_string!(l, staff.journal.schedule_changed),
        "schedule_change_removed" => td_string!(l, staff.journal.schedule_change_removed),
        other => return engine::words::action(other),
    };
    known.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// English here is the engine's own English, word for word, so a journal or a plan
    /// reads the same on an English page and in the API.
    #[test]
    fn english_is_the_engines_words() {
        for a in
            ["opened", "acknowledged", "backup_dispatched", "crew_left", "schedule_change_removed", "some_new_action"]
        {
            assert_eq!(action(Lang::En, a), engine::words::action(a), "{a}");
        }
        for k in [StepKind::NotifyCustomer, StepKind::Dispatch, StepKind::Wait { seconds: 90 }, StepKind::NotifyFire] {
            assert_eq!(step(Lang::En, &k), engine::words::step(&k));
        }
        for o in [Outcome::Real, Outcome::FalseUser, Outcome::Cancelled, Outcome::Duplicate] {
            assert_eq!(resolution(Lang::En, o), engine::words::resolution(o));
        }
        for c in [
            None,
            Some(Charge::Billable),
            Some(Charge::Included { n: 2, of: 3 }),
            Some(Charge::Free(FreeReason::CrewLate)),
        ] {
            assert_eq!(charge(Lang::En, c), engine::words::charge(c));
        }
        for o in [CallOutcome::Reached, CallOutcome::DeclinedDispatch] {
            assert_eq!(call_outcome(Lang::En, o), engine::words::call_outcome(o));
        }
        for c in [Category::Burglary, Category::LinkFailure, Category::OpenClose] {
            assert_eq!(category(Lang::En, c), engine::words::category_title(c));
        }
        assert_ne!(action(Lang::Fr, "dispatched"), action(Lang::En, "dispatched"));
    }
}
