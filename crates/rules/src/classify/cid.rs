//! Contact ID (SIA DC-05) codes: `QEEE`, qualifier 1 new / opening, 3 restore / closing,
//! 6 status.

use super::{Category, Meaning};

/// What a Contact ID code means without its qualifier.
enum Base {
    Alarm(Category),
    /// An open/close code; `night` when qualifier 3 arms in stay / partial mode.
    OpenClose {
        night: bool,
    },
    Test,
    Info,
}

/// The meaning of a Contact ID `code` (3 decimal digits) with `qualifier`.
///
/// Qualifier 6 (status) is always informational; qualifier 3 turns an alarm into the restore
/// of its category and an open/close code into a closing. A missing or unknown qualifier is
/// read as 1 (new event), so that an alarm is never lost to a malformed qualifier.
pub(super) fn meaning(code: &str, qualifier: Option<&str>) -> Meaning {
    let Some(code) = parse(code) else {
        return Meaning::Info;
    };
    let qualifier = qualifier.map(str::trim);
    if qualifier == Some("6") {
        return Meaning::Info;
    }
    let restore = qualifier == Some("3");
    match (base(code), restore) {
        (Base::Alarm(c), false) => Meaning::Alarm(c),
        (Base::Alarm(c), true) => Meaning::Restore(c),
        (Base::OpenClose { .. }, false) => Meaning::Opening,
        (Base::OpenClose { night: false }, true) => Meaning::Closing,
        (Base::OpenClose { night: true }, true) => Meaning::NightClosing,
        (Base::Test, _) => Meaning::Test,
        (Base::Info, _) => Meaning::Info,
    }
}

fn parse(code: &str) -> Option<u16> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        code.parse().ok()
    } else {
        None
    }
}

fn base(code: u16) -> Base {
    use Category::*;
    match code {
        100..=109 => Base::Alarm(Medical),
        110..=119 => Base::Alarm(Fire),
        // 124/125: duress code entered at an access point.
        121 | 124 | 125 => Base::Alarm(Duress),
        120..=129 => Base::Alarm(Panic),
        137 | 144 | 145 => Base::Alarm(Tamper),
        // Polling loop open/short, expansion module failure, sensor supervision failure.
        141..=143 | 147 => Base::Alarm(Trouble),
        130..=149 => Base::Alarm(Burglary),
        150..=169 | 200..=299 => Base::Alarm(Trouble),
        341 | 383 => Base::Alarm(Tamper),
        350..=359 => Base::Alarm(LinkFailure),
        300..=399 => Base::Alarm(Trouble),
        441 | 442 | 456 => Base::OpenClose { night: true },
        400..=405 | 407..=409 | 450..=452 => Base::OpenClose { night: false },
        // 605 status report / 606 listen-in to follow are not tests.
        601..=604 | 607 | 608 => Base::Test,
        _ => Base::Info,
    }
}
