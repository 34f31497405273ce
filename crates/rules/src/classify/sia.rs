//! SIA DCS (SIA DC-03) two-letter event codes.

use super::{Category, Meaning};

/// The meaning of a SIA DCS `code` (two letters, case-insensitive).
pub(super) fn meaning(code: &str) -> Meaning {
    let code = code.to_ascii_uppercase();
    let bytes = code.as_bytes();
    if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_uppercase) {
        return Meaning::Info;
    }
    special(&code).unwrap_or_else(|| family(bytes[0], bytes[1]))
}

/// Codes whose meaning does not follow their family's pattern.
fn special(code: &str) -> Option<Meaning> {
    use Category::*;
    use Meaning::{Alarm, Restore};
    Some(match code {
        // Verified, cross-point and unverified burglary; exit alarm.
        "BV" | "BM" | "BG" | "EA" => Alarm(Burglary),
        "FM" | "FG" => Alarm(Fire),
        // Swinger trouble, missing supervision, missing fire trouble / supervision, exit error.
        "BD" | "BZ" | "FY" | "FZ" | "UY" | "UZ" | "EE" | "EZ" => Alarm(Trouble),
        "BE" | "FQ" | "FV" => Restore(Trouble),
        // Tamper family: tamper trouble is a tamper too; TS/TE/TC/TP are walk tests.
        "TA" | "TT" => Alarm(Tamper),
        "TH" | "TR" | "TJ" => Restore(Tamper),
        "TX" => Meaning::Test,
        // Panel substitution, expansion / RF receiver tamper, user code tamper.
        "AA" | "ES" | "XS" | "JA" => Alarm(Tamper),
        "EJ" | "XJ" => Restore(Tamper),
        // AC, analog, expansion, equipment, RF and system troubles.
        "AT" | "AS" | "EM" | "ET" | "IA" | "XT" | "XQ" | "XL" => Alarm(Trouble),
        "YA" | "YD" | "YF" | "YI" | "YM" | "YP" | "YT" | "YU" | "YX" => Alarm(Trouble),
        "AR" | "AN" | "EN" | "ER" | "IR" | "XR" | "XH" => Restore(Trouble),
        "YE" | "YH" | "YJ" | "YQ" | "YR" => Restore(Trouble),
        // Communications fail / trouble, phone line and network failures.
        "YC" | "YS" | "LT" | "NT" => Alarm(LinkFailure),
        "YK" | "LR" | "NR" => Restore(LinkFailure),
        "OP" | "OA" | "OG" | "OQ" | "OS" | "OZ" | "OR" | "OK" | "OJ" | "OH" | "OL" => Meaning::Opening,
        "CL" | "CA" | "CP" | "CG" | "CQ" | "CS" | "CZ" | "CF" | "CJ" | "CK" => Meaning::Closing,
        "NL" | "NF" | "NM" => Meaning::NightClosing,
        // Automatic, manual and off-normal tests; burglary, fire and gas zone tests.
        "RP" | "RX" | "RY" | "BX" | "FX" | "GX" => Meaning::Test,
        _ => return None,
    })
}

/// Zone-type families: `xA` alarm, `xH`/`xR` restore, `xS`/`xT` supervisory / trouble,
/// `xJ` trouble restore; bypass, unbypass, cancel, test and the rest are informational.
fn family(letter: u8, suffix: u8) -> Meaning {
    use Category::*;
    let category = match letter {
        b'B' | b'U' => Burglary,
        b'F' | b'K' | b'S' => Fire,
        b'P' | b'H' => Panic,
        b'M' | b'Q' => Medical,
        b'G' | b'W' | b'Z' => Trouble,
        _ => return Meaning::Info,
    };
    match suffix {
        b'A' => Meaning::Alarm(category),
        b'H' | b'R' => Meaning::Restore(category),
        b'S' | b'T' => Meaning::Alarm(Trouble),
        b'J' => Meaning::Restore(Trouble),
        _ => Meaning::Info,
    }
}
