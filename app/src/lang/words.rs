//! Texts chosen by a value (a category, an outcome, a server's error code...): each a match
//! over the values Vigil knows, so every one of them names a text that exists, with the
//! group's general word for a value this version does not know.

use super::Lang;
use crate::i18n::td_string;

/// `match value { "a" => app.group.a, ... _ => app.group.fallback }` in `lang`.
macro_rules! pick {
    ($lang:expr, $value:expr, $group:ident { $($name:ident),+ $(,)? } else $fallback:ident) => {
        match $value {
            $(stringify!($name) => td_string!($lang.locale(), app.$group.$name),)+
            _ => td_string!($lang.locale(), app.$group.$fallback),
        }
    };
}

/// An alarm category's name (`burglary`, `fire`, ...).
pub fn category(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, cat {
        fire, panic, duress, medical, burglary, tamper, trouble, link_failure, open_close, test, restore
    } else other)
}

/// An incident's outcome (`real`, `false_user`, ...).
pub fn outcome(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, outcome { real, false_user, false_technical, test, cancelled, duplicate } else open)
}

/// An arming state (`armed`, `night`, `disarmed`).
pub fn state(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, state { armed, night, disarmed } else unknown)
}

/// A command from the app (`arm`, `night`, `disarm`).
pub fn command(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, cmd { night, disarm } else arm)
}

/// The result of a cancel with the password.
pub fn cancel_result(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, cancel { cancelled, crew_already_dispatched, wrong_password, locked, nothing_to_cancel } else failed)
}

/// The state of this device's notifications.
pub fn push_status(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, push { on, denied, unsupported } else failed)
}

/// A journal filter's name.
pub fn journal_filter(lang: Lang, name: &str) -> &'static str {
    pick!(lang, name, journal { arming, alarms, other } else all)
}

/// A kind of request to the centre (`technician`, `move`, ...).
pub fn request_kind(lang: Lang, name: &str) -> &'static str {
    match name {
        "move" => td_string!(lang.locale(), app.request.moving),
        _ => {
            pick!(lang, name, request { forgotten_code, pause, transfer, pets_keys } else technician)
        }
    }
}

/// A request's state (`open`, `done`).
pub fn request_status(lang: Lang, name: &str) -> &'static str {
    match name {
        "done" => td_string!(lang.locale(), app.request.status_done),
        _ => td_string!(lang.locale(), app.request.status_open),
    }
}

/// A server's error code for a field (`pin_trivial`, `date_order`...; `locked:15` with the
/// minutes to wait).
pub fn error(lang: Lang, code: &str) -> String {
    if let Some(minutes) = code.strip_prefix("locked:") {
        let count = minutes.parse::<u32>().unwrap_or(15);
        return td_string!(lang.locale(), app.err.locked, count = count);
    }
    pick!(lang, code, err {
        bad_credentials, code_format, pin_format, pin_trivial, name_required, name_long,
        phone_format, date_invalid, date_order, date_past, time_invalid, time_order, minutes_range,
        kind_invalid, details_long, details_required, password_required, subscription_invalid,
        subscription_taken, pin_wrong, pin_differ, pin_same, safe_word_length
    } else unavailable)
    .to_owned()
}

/// An invoice's state with its date (`paid`, `open`, `overdue`).
pub fn invoice_state(lang: Lang, state: &str, date: &str) -> String {
    match state {
        "paid" => td_string!(lang.locale(), app.money.paid, date = date),
        "overdue" => td_string!(lang.locale(), app.money.overdue, date = date),
        _ => td_string!(lang.locale(), app.money.open, date = date),
    }
}

/// A weekday's name, Monday being 0.
pub fn weekday(lang: Lang, day: u8) -> &'static str {
    let l = lang.locale();
    match day {
        0 => td_string!(l, app.day.mon),
        1 => td_string!(l, app.day.tue),
        2 => td_string!(l, app.day.wed),
        3 => td_string!(l, app.day.thu),
        4 => td_string!(l, app.day.fri),
        5 => td_string!(l, app.day.sat),
        _ => td_string!(l, app.day.sun),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_pick_their_text_and_unknown_ones_the_general_word() {
        assert_eq!(category(Lang::En, "fire"), "Fire");
        assert_eq!(category(Lang::En, "something_new"), category(Lang::En, "other"));
        assert_eq!(request_kind(Lang::En, "move"), "Moving house");
        assert_eq!(error(Lang::En, "locked:1"), "Too many attempts. Try again in 1 minute.");
        assert_eq!(error(Lang::En, "locked:15"), "Too many attempts. Try again in 15 minutes.");
        assert_eq!(weekday(Lang::Fr, 6), "Dimanche");
        assert_ne!(outcome(Lang::Hu, "real"), outcome(Lang::En, "real"));
    }
}
