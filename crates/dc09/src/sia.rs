//! SIA DCS data (`#acct|Nri1/BA12|Atext`) and its code table.
//!
//! Dialects accepted in an `N` block: modifiers and codes with or without `/` between them
//! (`Nri1/BA12`, `Nri1OP3`, `Nri2ti10:15:00CL5`), several events (`Nri1/FA01/FA02`), modifiers
//! without an event address (`Npi012/YX`), and `^text^` after a modifier or code (Jablotron
//! `Nri01^TOTAL^/LX901^text^`). An `A` block (`|Atext`) gives the text of the events of the
//! block before it; other block kinds are ignored.

use crate::event::{AddressKind, Event, EventError, Protocol, UNKNOWN_EVENT};

/// One SIA DC-03 event code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SiaCode {
    /// The 2-letter code.
    pub code: &'static str,
    /// Meaning.
    pub meaning: &'static str,
    /// Whether the code ends a condition (restoral, unbypass, ...).
    pub restore: bool,
    /// What the address after the code designates.
    pub address: AddressKind,
}

/// Looks a SIA code up in [`SIA_CODES`].
pub fn sia_code(code: &str) -> Option<&'static SiaCode> {
    SIA_CODES.iter().find(|c| c.code == code)
}

/// Parses the SIA data `body` (after any `#acct|` block) of `data` into its events.
pub(crate) fn parse(data: &str, body: &str) -> Result<Vec<Event>, EventError> {
    let malformed = |detail| EventError::MalformedSia { data: data.to_owned(), detail };
    let mut events = Vec::new();
    let mut block_start = 0;
    for block in split_blocks(body).map_err(malformed)? {
        if let Some(rest) = block.strip_prefix('N') {
            block_start = events.len();
            parse_event_block(rest, &mut events).map_err(malformed)?;
        } else if let Some(text) = block.strip_prefix('A') {
            for event in &mut events[block_start..] {
                event.text.get_or_insert_with(|| text.to_owned());
            }
        }
    }
    if events.is_empty() {
        return Err(malformed("no event code"));
    }
    Ok(events)
}

/// Splits on `|` outside `^text^`.
fn split_blocks(body: &str) -> Result<Vec<&str>, &'static str> {
    let mut blocks = Vec::new();
    let (mut start, mut in_text) = (0, false);
    for (i, c) in body.char_indices() {
        match c {
            '^' => in_text = !in_text,
            '|' if !in_text => {
                blocks.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_text {
        return Err("unterminated ^text^");
    }
    blocks.push(&body[start..]);
    Ok(blocks)
}

fn parse_event_block(block: &str, events: &mut Vec<Event>) -> Result<(), &'static str> {
    let b = block.as_bytes();
    let mut modifiers: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' || c == b' ' {
            i += 1;
        } else if c.is_ascii_lowercase() {
            if !b.get(i + 1).is_some_and(u8::is_ascii_lowercase) {
                return Err("modifier name must be two lower-case letters");
            }
            let name = &block[i..i + 2];
            i += 2;
            let start = i;
            while b.get(i).is_some_and(|&c| c.is_ascii_digit() || b":-.".contains(&c)) {
                i += 1;
            }
            let text_name = format!("{name}_text");
            modifiers.retain(|(n, _)| n != name && *n != text_name);
            modifiers.push((name.to_owned(), block[start..i].to_owned()));
            if let Some((text, next)) = caret_text(block, i)? {
                modifiers.push((text_name, text.to_owned()));
                i = next;
            }
        } else if c.is_ascii_uppercase() {
            if !b.get(i + 1).is_some_and(u8::is_ascii_uppercase) {
                return Err("event code must be two upper-case letters");
            }
            let start = i;
            i += 2;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let address = &block[start + 2..i];
            let text = match caret_text(block, i)? {
                Some((text, next)) => {
                    i = next;
                    Some(text.to_owned())
                }
                None => None,
            };
            events.push(event(&block[start..start + 2], address, text, &modifiers, &block[start..i]));
        } else {
            return Err("unexpected character");
        }
    }
    Ok(())
}

/// The `^text^` at byte `at`, if any, and the index after it.
fn caret_text(block: &str, at: usize) -> Result<Option<(&str, usize)>, &'static str> {
    let Some(rest) = block[at..].strip_prefix('^') else {
        return Ok(None);
    };
    let end = rest.find('^').ok_or("unterminated ^text^")?;
    Ok(Some((&rest[..end], at + end + 2)))
}

fn event(code: &str, address: &str, text: Option<String>, modifiers: &[(String, String)], raw: &str) -> Event {
    let entry = sia_code(code);
    let modifier = |name: &str| modifiers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let address = (!address.is_empty()).then(|| address.to_owned());
    let address_is_user = entry.is_some_and(|e| e.address == AddressKind::User);
    Event {
        code: code.to_owned(),
        protocol: Protocol::Sia,
        qualifier: None,
        restore: entry.is_some_and(|e| e.restore),
        partition: modifier("ri"),
        user: modifier("id").or_else(|| address.clone().filter(|_| address_is_user)),
        zone: address,
        text,
        modifiers: modifiers.to_vec(),
        meaning: entry.map_or(UNKNOWN_EVENT, |e| e.meaning),
        known: entry.is_some(),
        raw: raw.to_owned(),
    }
}

const fn z(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: false, address: AddressKind::Zone }
}

const fn zr(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: true, address: AddressKind::Zone }
}

const fn u(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: false, address: AddressKind::User }
}

const fn a(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: false, address: AddressKind::Area }
}

const fn o(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: false, address: AddressKind::Other }
}

const fn or(code: &'static str, meaning: &'static str) -> SiaCode {
    SiaCode { code, meaning, restore: true, address: AddressKind::Other }
}

/// The SIA DC-03 event codes, sorted by code.
pub const SIA_CODES: &[SiaCode] = &[
    z("AA", "Alarm - Panel Substitution"),
    u("AB", "Abort"),
    or("AN", "Analog Restoral"),
    or("AR", "AC Restoral"),
    z("AS", "Analog Service"),
    o("AT", "AC Trouble"),
    z("BA", "Burglary Alarm"),
    z("BB", "Burglary Bypass"),
    u("BC", "Burglary Cancel"),
    z("BD", "Swinger Trouble"),
    zr("BE", "Swinger Trouble Restore"),
    z("BG", "Unverified Event - Burglary"),
    zr("BH", "Burglary Alarm Restore"),
    zr("BJ", "Burglary Trouble Restore"),
    z("BM", "Burglary Alarm - Cross Point"),
    zr("BR", "Burglary Restoral"),
    z("BS", "Burglary Supervisory"),
    z("BT", "Burglary Trouble"),
    zr("BU", "Burglary Unbypass"),
    z("BV", "Burglary Verified"),
    z("BX", "Burglary Test"),
    z("BZ", "Missing Supervision"),
    a("CA", "Automatic Closing"),
    a("CD", "Closing Delinquent"),
    u("CE", "Closing Extend"),
    u("CF", "Forced Closing"),
    u("CG", "Close Area"),
    a("CI", "Fail to Close"),
    u("CJ", "Late Close"),
    u("CK", "Early Close"),
    u("CL", "Closing Report"),
    z("CM", "Missing Alarm - Recent Closing"),
    a("CP", "Automatic Closing"),
    u("CQ", "Remote Closing"),
    u("CR", "Recent Closing"),
    z("CS", "Closing Keyswitch"),
    a("CT", "Late to Open"),
    u("CW", "Was Force Armed"),
    z("CZ", "Point Closing"),
    u("DA", "Card Assigned"),
    u("DB", "Card Deleted"),
    z("DC", "Access Closed"),
    u("DD", "Access Denied"),
    z("DE", "Request to Enter"),
    z("DF", "Door Forced"),
    u("DG", "Access Granted"),
    zr("DH", "Door Left Open - Restoral"),
    u("DI", "Access Denied - Passback"),
    z("DJ", "Door Forced - Trouble"),
    z("DK", "Access Lockout"),
    z("DL", "Door Left Open - Alarm"),
    z("DM", "Door Left Open - Trouble"),
    z("DN", "Door Left Open (non-alarm)"),
    z("DO", "Access Open"),
    u("DP", "Access Denied - Unauthorized Time"),
    u("DQ", "Access Denied - Unauthorized Arming State"),
    zr("DR", "Door Restoral"),
    z("DS", "Door Station"),
    z("DT", "Access Trouble"),
    o("DU", "Dealer ID"),
    u("DV", "Access Denied - Unauthorized Entry Level"),
    u("DW", "Access Denied - Interlock"),
    z("DX", "Request to Exit"),
    z("DY", "Door Locked"),
    z("DZ", "Access Denied - Door Secured"),
    z("EA", "Exit Alarm"),
    z("EE", "Exit Error"),
    or("EJ", "Expansion Tamper Restore"),
    o("EM", "Expansion Device Missing"),
    or("EN", "Expansion Missing Restore"),
    or("ER", "Expansion Restoral"),
    o("ES", "Expansion Device Tamper"),
    o("ET", "Expansion Trouble"),
    z("EX", "External Device Condition"),
    z("EZ", "Missing Alarm - Exit Error"),
    z("FA", "Fire Alarm"),
    z("FB", "Fire Bypass"),
    u("FC", "Fire Cancel"),
    z("FG", "Unverified Event - Fire"),
    zr("FH", "Fire Alarm Restore"),
    z("FI", "Fire Test Begin"),
    zr("FJ", "Fire Trouble Restore"),
    z("FK", "Fire Test End"),
    u("FL", "Fire Alarm Silenced"),
    z("FM", "Fire Alarm - Cross Point"),
    zr("FQ", "Fire Supervisory Trouble Restore"),
    zr("FR", "Fire Restoral"),
    z("FS", "Fire Supervisory"),
    z("FT", "Fire Trouble"),
    zr("FU", "Fire Unbypass"),
    zr("FV", "Fire Supervision Restore"),
    z("FX", "Fire Test"),
    z("FY", "Missing Fire Trouble"),
    z("FZ", "Missing Fire Supervision"),
    z("GA", "Gas Alarm"),
    z("GB", "Gas Bypass"),
    zr("GH", "Gas Alarm Restore"),
    zr("GJ", "Gas Trouble Restore"),
    zr("GR", "Gas Restoral"),
    z("GS", "Gas Supervisory"),
    z("GT", "Gas Trouble"),
    zr("GU", "Gas Unbypass"),
    z("GX", "Gas Test"),
    z("HA", "Holdup Alarm"),
    z("HB", "Holdup Bypass"),
    zr("HH", "Holdup Alarm Restore"),
    zr("HJ", "Holdup Trouble Restore"),
    zr("HR", "Holdup Restoral"),
    z("HS", "Holdup Supervisory"),
    z("HT", "Holdup Trouble"),
    zr("HU", "Holdup Unbypass"),
    z("IA", "Equipment Failure Condition"),
    zr("IR", "Equipment Fail - Restoral"),
    u("JA", "User Code Tamper"),
    u("JD", "Date Changed"),
    u("JH", "Holiday Changed"),
    u("JK", "Latchkey Alert"),
    o("JL", "Log Threshold"),
    o("JO", "Log Overflow"),
    u("JP", "User On Premises"),
    o("JR", "Schedule Executed"),
    u("JS", "Schedule Changed"),
    u("JT", "Time Changed"),
    u("JV", "User Code Changed"),
    u("JX", "User Code Deleted"),
    u("JY", "User Code Added"),
    u("JZ", "User Level Set"),
    z("KA", "Heat Alarm"),
    z("KB", "Heat Bypass"),
    zr("KH", "Heat Alarm Restore"),
    zr("KJ", "Heat Trouble Restore"),
    zr("KR", "Heat Restoral"),
    z("KS", "Heat Supervisory"),
    z("KT", "Heat Trouble"),
    zr("KU", "Heat Unbypass"),
    o("LB", "Local Program"),
    o("LD", "Local Program Denied"),
    o("LE", "Listen-in Ended"),
    o("LF", "Listen-in Begin"),
    or("LR", "Phone Line Restoral"),
    o("LS", "Local Program Success"),
    o("LT", "Phone Line Trouble"),
    o("LU", "Local Program Fail"),
    o("LX", "Local Programming Ended"),
    z("MA", "Medical Alarm"),
    z("MB", "Medical Bypass"),
    zr("MH", "Medical Alarm Restore"),
    zr("MJ", "Medical Trouble Restore"),
    zr("MR", "Medical Restoral"),
    z("MS", "Medical Supervisory"),
    z("MT", "Medical Trouble"),
    zr("MU", "Medical Unbypass"),
    a("NA", "No Activity"),
    o("NC", "Network Condition"),
    a("NF", "Forced Perimeter Arm"),
    a("NL", "Perimeter Armed"),
    a("NM", "Perimeter Armed, User Defined"),
    or("NR", "Network Restoral"),
    zr("NS", "Activity Resumed"),
    o("NT", "Network Failure"),
    a("OA", "Automatic Opening"),
    u("OC", "Cancel Report"),
    u("OG", "Open Area"),
    u("OH", "Early to Open from Alarm"),
    a("OI", "Fail to Open"),
    u("OJ", "Late Open"),
    u("OK", "Early Open"),
    u("OL", "Late to Open from Alarm"),
    u("OP", "Opening Report"),
    u("OQ", "Remote Opening"),
    u("OR", "Disarm From Alarm"),
    z("OS", "Opening Keyswitch"),
    a("OT", "Late to Close"),
    z("OZ", "Point Opening"),
    z("PA", "Panic Alarm"),
    z("PB", "Panic Bypass"),
    zr("PH", "Panic Alarm Restore"),
    zr("PJ", "Panic Trouble Restore"),
    zr("PR", "Panic Restoral"),
    z("PS", "Panic Supervisory"),
    z("PT", "Panic Trouble"),
    zr("PU", "Panic Unbypass"),
    z("QA", "Emergency Alarm"),
    z("QB", "Emergency Bypass"),
    zr("QH", "Emergency Alarm Restore"),
    zr("QJ", "Emergency Trouble Restore"),
    zr("QR", "Emergency Restoral"),
    z("QS", "Emergency Supervisory"),
    z("QT", "Emergency Trouble"),
    zr("QU", "Emergency Unbypass"),
    o("RA", "Remote Programmer Call Failed"),
    o("RB", "Remote Program Begin"),
    o("RC", "Relay Close"),
    o("RD", "Remote Program Denied"),
    o("RN", "Remote Reset"),
    o("RO", "Relay Open"),
    o("RP", "Automatic Test"),
    o("RR", "Power Up"),
    o("RS", "Remote Program Success"),
    o("RT", "Data Lost"),
    o("RU", "Remote Program Fail"),
    u("RX", "Manual Test"),
    o("RY", "Test Off Normal"),
    z("SA", "Sprinkler Alarm"),
    z("SB", "Sprinkler Bypass"),
    z("SC", "Change of State"),
    zr("SH", "Sprinkler Alarm Restore"),
    zr("SJ", "Sprinkler Trouble Restore"),
    zr("SR", "Sprinkler Restoral"),
    z("SS", "Sprinkler Supervisory"),
    z("ST", "Sprinkler Trouble"),
    zr("SU", "Sprinkler Unbypass"),
    z("TA", "Tamper Alarm"),
    z("TB", "Tamper Bypass"),
    u("TC", "All Points Tested"),
    u("TE", "Test End"),
    zr("TH", "Tamper Alarm Restore"),
    zr("TJ", "Tamper Trouble Restore"),
    z("TP", "Walk Test Point"),
    zr("TR", "Tamper Restoral"),
    u("TS", "Test Start"),
    z("TT", "Tamper Trouble"),
    zr("TU", "Tamper Unbypass"),
    a("TW", "Area Watch Start"),
    o("TX", "Test Report"),
    a("TZ", "Area Watch End"),
    z("UA", "Untyped Zone Alarm"),
    z("UB", "Untyped Zone Bypass"),
    zr("UH", "Untyped Alarm Restore"),
    zr("UJ", "Untyped Trouble Restore"),
    zr("UR", "Untyped Zone Restoral"),
    z("US", "Untyped Zone Supervisory"),
    z("UT", "Untyped Zone Trouble"),
    zr("UU", "Untyped Zone Unbypass"),
    z("UX", "Undefined"),
    z("UY", "Untyped Missing Trouble"),
    z("UZ", "Untyped Missing Alarm"),
    o("VI", "Printer Paper In"),
    o("VO", "Printer Paper Out"),
    or("VR", "Printer Restore"),
    o("VT", "Printer Trouble"),
    o("VX", "Printer Test"),
    o("VY", "Printer Online"),
    o("VZ", "Printer Offline"),
    z("WA", "Water Alarm"),
    z("WB", "Water Bypass"),
    zr("WH", "Water Alarm Restore"),
    zr("WJ", "Water Trouble Restore"),
    zr("WR", "Water Restoral"),
    z("WS", "Water Supervisory"),
    z("WT", "Water Trouble"),
    zr("WU", "Water Unbypass"),
    o("XA", "Extra Account Report"),
    z("XE", "Extra Point"),
    z("XF", "Extra RF Point"),
    or("XH", "RF Interference Restoral"),
    z("XI", "Sensor Reset"),
    or("XJ", "RF Receiver Tamper Restoral"),
    z("XL", "Low Received Signal Strength"),
    z("XM", "Missing Alarm - Cross Point"),
    o("XQ", "RF Interference"),
    zr("XR", "Transmitter Battery Restoral"),
    o("XS", "RF Receiver Tamper"),
    z("XT", "Transmitter Battery Trouble"),
    z("XW", "Forced Point"),
    o("YA", "Bell Fault"),
    o("YB", "Busy Seconds"),
    o("YC", "Communications Fail"),
    o("YD", "Receiver Line Card Trouble"),
    or("YE", "Receiver Line Card Restored"),
    o("YF", "Parameter Checksum Fail"),
    o("YG", "Parameter Changed"),
    or("YH", "Bell Restored"),
    o("YI", "Overcurrent Trouble"),
    or("YJ", "Overcurrent Restore"),
    or("YK", "Communications Restoral"),
    o("YM", "System Battery Missing"),
    o("YN", "Invalid Report"),
    o("YO", "Unknown Message"),
    o("YP", "Power Supply Trouble"),
    or("YQ", "Power Supply Restored"),
    or("YR", "System Battery Restoral"),
    o("YS", "Communications Trouble"),
    o("YT", "System Battery Trouble"),
    o("YU", "Diagnostic Error"),
    o("YW", "Watchdog Reset"),
    o("YX", "Service Required"),
    o("YY", "Status Report"),
    o("YZ", "Service Completed"),
    z("ZA", "Freeze Alarm"),
    z("ZB", "Freeze Bypass"),
    zr("ZH", "Freeze Alarm Restore"),
    zr("ZJ", "Freeze Trouble Restore"),
    zr("ZR", "Freeze Restoral"),
    z("ZS", "Freeze Supervisory"),
    z("ZT", "Freeze Trouble"),
    zr("ZU", "Freeze Unbypass"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn events(body: &str) -> Vec<Event> {
        parse(body, body).unwrap()
    }

    fn codes(body: &str) -> Vec<(String, Option<String>, Option<String>)> {
        events(body).into_iter().map(|e| (e.code, e.zone, e.partition)).collect()
    }

    fn t(code: &str, zone: Option<&str>, partition: Option<&str>) -> (String, Option<String>, Option<String>) {
        (code.into(), zone.map(Into::into), partition.map(Into::into))
    }

    #[test]
    fn table_sorted_and_unique() {
        assert!(SIA_CODES.windows(2).all(|w| w[0].code < w[1].code));
        assert!(SIA_CODES.iter().all(|c| c.code.len() == 2 && c.code.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(SIA_CODES.len() > 250);
        assert!(sia_code("ZX").is_none());
    }

    #[test]
    fn dialects() {
        assert_eq!(codes("NHB0003"), [t("HB", Some("0003"), None)]);
        assert_eq!(codes("Nri1/BA12"), [t("BA", Some("12"), Some("1"))]);
        assert_eq!(codes("Nri1OP3"), [t("OP", Some("3"), Some("1"))]);
        assert_eq!(codes("Nri2ti10:15:00CL5"), [t("CL", Some("5"), Some("2"))]);
        assert_eq!(codes("Npi012/YX"), [t("YX", None, None)]);
        assert_eq!(codes("Nri0/RP"), [t("RP", None, Some("0"))]);
        assert_eq!(codes("Nri1/FA01/FA02"), [t("FA", Some("01"), Some("1")), t("FA", Some("02"), Some("1"))]);
        assert_eq!(codes("Nri1/BA1/ri2/BA2"), [t("BA", Some("1"), Some("1")), t("BA", Some("2"), Some("2"))]);
        assert_eq!(codes("NYXBA1"), [t("YX", None, None), t("BA", Some("1"), None)]);
    }

    #[test]
    fn modifiers_and_users() {
        let e = &events("Nid3/ri2/OP3")[0];
        assert_eq!(e.modifiers, [("id".to_owned(), "3".to_owned()), ("ri".to_owned(), "2".to_owned())]);
        assert_eq!(e.user.as_deref(), Some("3"));
        assert_eq!(events("Nri1OP7")[0].user.as_deref(), Some("7"));
        assert_eq!(events("Nri1BA7")[0].user, None);
        let ti = &events("Nti10:15/ri1/CL5")[0];
        assert_eq!(ti.modifiers[0], ("ti".to_owned(), "10:15".to_owned()));
    }

    #[test]
    fn texts() {
        let e = &events("Nri01^TOTAL^/LX901^centrale d'alarme JA-106K(R)^")[0];
        assert_eq!((e.code.as_str(), e.zone.as_deref(), e.partition.as_deref()), ("LX", Some("901"), Some("01")));
        assert_eq!(e.text.as_deref(), Some("centrale d'alarme JA-106K(R)"));
        assert!(e.modifiers.contains(&("ri_text".to_owned(), "TOTAL".to_owned())));
        assert_eq!(e.meaning, "Local Programming Ended");
        let a = &events("Nri1TA9|ATamper Kitchen")[0];
        assert_eq!((a.text.as_deref(), a.meaning), (Some("Tamper Kitchen"), "Tamper Alarm"));
        assert_eq!(events("NRR|Atest")[0].text.as_deref(), Some("test"));
        assert_eq!(events("NBA1^a|b^")[0].text.as_deref(), Some("a|b"));
    }

    #[test]
    fn restore_and_unknown() {
        assert!(events("Nri1/BR05")[0].restore);
        assert!(!events("Nri1/BA05")[0].restore);
        assert!(!events("NCR1")[0].restore);
        let z = &events("Nri1/ZX05")[0];
        assert_eq!((z.known, z.meaning, z.zone.as_deref()), (false, UNKNOWN_EVENT, Some("05")));
    }

    #[test]
    fn errors() {
        for bad in ["", "N", "Nri1", "NB1", "Nr1/BA1", "NBA1^open", "N#BA1", "Atext", "NBA1 ~"] {
            assert!(matches!(parse(bad, bad), Err(EventError::MalformedSia { .. })), "{bad:?} accepted");
        }
    }
}
