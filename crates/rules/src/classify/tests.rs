use super::*;
use Category::*;

fn c(category: Category, kind: Kind, priority: Priority) -> Classification {
    Classification { category, kind, priority }
}

fn cid(qualifier: &str, code: &str) -> Classification {
    classify(EventFacts { protocol: Some("cid"), qualifier: Some(qualifier), code: Some(code) }, &[])
}

fn sia(code: &str) -> Classification {
    classify(EventFacts { protocol: Some("sia"), qualifier: None, code: Some(code) }, &[])
}

fn internal(protocol: Option<&str>, code: &str) -> Classification {
    classify(EventFacts { protocol, qualifier: None, code: Some(code) }, &[])
}

const INFO: Classification = Classification { category: Other, kind: Kind::Info, priority: 8 };

#[test]
fn priorities() {
    let table = [
        (Duress, 0),
        (Panic, 1),
        (Fire, 1),
        (Medical, 2),
        (Burglary, 3),
        (Tamper, 4),
        (LinkFailure, 4),
        (Trouble, 5),
        (Other, 8),
        (OpenClose, 9),
        (Test, 9),
        (Restore, 9),
    ];
    for (category, priority) in table {
        assert_eq!(default_priority(category), priority, "{category:?}");
    }
}

#[test]
fn contact_id_alarms() {
    let table = [
        ("100", Medical, 2),
        ("101", Medical, 2),
        ("109", Medical, 2),
        ("110", Fire, 1),
        ("111", Fire, 1),
        ("114", Fire, 1),
        ("118", Fire, 1),
        ("120", Panic, 1),
        ("121", Duress, 0),
        ("122", Panic, 1),
        ("123", Panic, 1),
        ("124", Duress, 0),
        ("129", Panic, 1),
        ("130", Burglary, 3),
        ("131", Burglary, 3),
        ("134", Burglary, 3),
        ("139", Burglary, 3),
        ("137", Tamper, 4),
        ("140", Burglary, 3),
        ("141", Trouble, 5),
        ("144", Tamper, 4),
        ("145", Tamper, 4),
        ("146", Burglary, 3),
        ("147", Trouble, 5),
        ("150", Trouble, 5),
        ("151", Trouble, 5),
        ("154", Trouble, 5),
        ("162", Trouble, 5),
        ("200", Trouble, 5),
        ("206", Trouble, 5),
        ("300", Trouble, 5),
        ("301", Trouble, 5),
        ("302", Trouble, 5),
        ("341", Tamper, 4),
        ("344", Trouble, 5),
        ("350", LinkFailure, 4),
        ("351", LinkFailure, 4),
        ("354", LinkFailure, 4),
        ("359", LinkFailure, 4),
        ("370", Trouble, 5),
        ("380", Trouble, 5),
        ("381", Trouble, 5),
        ("383", Tamper, 4),
        ("384", Trouble, 5),
        ("393", Trouble, 5),
    ];
    for (code, category, priority) in table {
        assert_eq!(cid("1", code), c(category, Kind::Alarm, priority), "new {code}");
        assert_eq!(cid("3", code), c(category, Kind::Restore, 9), "restore {code}");
        assert_eq!(cid("6", code), INFO, "status {code}");
    }
}

#[test]
fn contact_id_open_close() {
    let table = [
        ("400", Kind::Closing),
        ("401", Kind::Closing),
        ("403", Kind::Closing),
        ("407", Kind::Closing),
        ("409", Kind::Closing),
        ("441", Kind::NightClosing),
        ("442", Kind::NightClosing),
        ("456", Kind::NightClosing),
    ];
    for (code, closing) in table {
        assert_eq!(cid("1", code), c(OpenClose, Kind::Opening, 9), "{code}");
        assert_eq!(cid("3", code), c(OpenClose, closing, 9), "{code}");
        assert_eq!(cid("6", code), INFO, "{code}");
    }
    for code in ["406", "411", "421", "453", "454", "461", "499"] {
        assert_eq!(cid("1", code), INFO, "{code}");
        assert_eq!(cid("3", code), INFO, "{code}");
    }
}

#[test]
fn contact_id_tests_bypasses_and_unknowns() {
    for code in ["601", "602", "603", "604", "607", "608"] {
        assert_eq!(cid("1", code), c(Test, Kind::Test, 9), "{code}");
        assert_eq!(cid("6", code), INFO, "{code}");
    }
    let info = [
        "500", "501", "520", "570", "573", "577", "599", "605", "606", "609", "616", "654", "000", "099", "170", "700",
        "999", "13", "1300", "13A", "", "  ",
    ];
    for code in info {
        assert_eq!(cid("1", code), INFO, "{code:?}");
        assert_eq!(cid("3", code), INFO, "{code:?}");
    }
}

#[test]
fn contact_id_qualifier_edge_cases() {
    let facts = |qualifier| EventFacts { protocol: Some("CID"), qualifier, code: Some("130") };
    let burglary = c(Burglary, Kind::Alarm, 3);
    assert_eq!(classify(facts(None), &[]), burglary);
    assert_eq!(classify(facts(Some("2")), &[]), burglary);
    assert_eq!(classify(facts(Some(" 3 ")), &[]).kind, Kind::Restore);
}

#[test]
fn sia_codes() {
    use Kind::{Alarm, Closing, NightClosing, Opening, Restore as R};
    let table = [
        ("BA", Burglary, Alarm, 3),
        ("BV", Burglary, Alarm, 3),
        ("BM", Burglary, Alarm, 3),
        ("BR", Burglary, R, 9),
        ("BH", Burglary, R, 9),
        ("BT", Trouble, Alarm, 5),
        ("BJ", Trouble, R, 9),
        ("UA", Burglary, Alarm, 3),
        ("FA", Fire, Alarm, 1),
        ("FR", Fire, R, 9),
        ("FH", Fire, R, 9),
        ("FS", Trouble, Alarm, 5),
        ("FT", Trouble, Alarm, 5),
        ("FV", Trouble, R, 9),
        ("KA", Fire, Alarm, 1),
        ("SA", Fire, Alarm, 1),
        ("PA", Panic, Alarm, 1),
        ("PR", Panic, R, 9),
        ("HA", Panic, Alarm, 1),
        ("HR", Panic, R, 9),
        ("MA", Medical, Alarm, 2),
        ("MR", Medical, R, 9),
        ("QA", Medical, Alarm, 2),
        ("TA", Tamper, Alarm, 4),
        ("TT", Tamper, Alarm, 4),
        ("TR", Tamper, R, 9),
        ("ES", Tamper, Alarm, 4),
        ("XS", Tamper, Alarm, 4),
        ("AT", Trouble, Alarm, 5),
        ("AR", Trouble, R, 9),
        ("YT", Trouble, Alarm, 5),
        ("YR", Trouble, R, 9),
        ("YX", Trouble, Alarm, 5),
        ("XT", Trouble, Alarm, 5),
        ("XQ", Trouble, Alarm, 5),
        ("GA", Trouble, Alarm, 5),
        ("WA", Trouble, Alarm, 5),
        ("ZA", Trouble, Alarm, 5),
        ("YC", LinkFailure, Alarm, 4),
        ("YS", LinkFailure, Alarm, 4),
        ("LT", LinkFailure, Alarm, 4),
        ("NT", LinkFailure, Alarm, 4),
        ("YK", LinkFailure, R, 9),
        ("LR", LinkFailure, R, 9),
        ("OP", OpenClose, Opening, 9),
        ("OA", OpenClose, Opening, 9),
        ("OR", OpenClose, Opening, 9),
        ("CL", OpenClose, Closing, 9),
        ("CA", OpenClose, Closing, 9),
        ("CG", OpenClose, Closing, 9),
        ("NL", OpenClose, NightClosing, 9),
        ("NF", OpenClose, NightClosing, 9),
        ("RP", Test, Kind::Test, 9),
        ("RX", Test, Kind::Test, 9),
        ("TX", Test, Kind::Test, 9),
        ("BX", Test, Kind::Test, 9),
    ];
    for (code, category, kind, priority) in table {
        assert_eq!(sia(code), c(category, kind, priority), "{code}");
        let lower = code.to_ascii_lowercase();
        assert_eq!(sia(&lower), c(category, kind, priority), "{lower}");
    }
}

#[test]
fn sia_informational() {
    let info = [
        "BB", "BU", "BC", "FB", "FC", "FL", "OC", "CR", "CI", "OI", "OT", "TS", "TE", "TC", "DF", "JP", "RR", "VR",
        "YY", "YG", "SC", "UX", "NS", "ZX", "AB", "B", "BAR", "1A", "",
    ];
    for code in info {
        assert_eq!(sia(code), INFO, "{code:?}");
    }
}

/// The DC-03 codes that end a condition, apart from unbypasses, doors, printer and activity.
#[test]
fn every_sia_restore_is_a_restore() {
    let restores = [
        "AN", "AR", "BE", "BH", "BJ", "BR", "EJ", "EN", "ER", "FH", "FJ", "FQ", "FR", "FV", "GH", "GJ", "GR", "HH",
        "HJ", "HR", "IR", "KH", "KJ", "KR", "LR", "MH", "MJ", "MR", "NR", "PH", "PJ", "PR", "QH", "QJ", "QR", "SH",
        "SJ", "SR", "TH", "TJ", "TR", "UH", "UJ", "UR", "WH", "WJ", "WR", "XH", "XJ", "XR", "YE", "YH", "YJ", "YK",
        "YQ", "YR", "ZH", "ZJ", "ZR",
    ];
    for code in restores {
        let r = sia(code);
        assert_eq!((r.kind, r.priority), (Kind::Restore, 9), "{code}");
        // In the zone-type families, the restore names the category of the condition it ends.
        if !"BFGHKMPQSTUWZ".contains(&code[..1]) {
            continue;
        }
        let alarm = match code.as_bytes()[1] {
            b'H' | b'R' => format!("{}A", &code[..1]),
            _ => format!("{}T", &code[..1]),
        };
        let a = sia(&alarm);
        assert_eq!(a.kind, Kind::Alarm, "{alarm}");
        assert_eq!(a.category, r.category, "{alarm} vs {code}");
    }
}

#[test]
fn internal_codes() {
    for protocol in [None, Some("internal"), Some("INTERNAL")] {
        assert_eq!(internal(protocol, "LINK-FAIL"), c(LinkFailure, Kind::Alarm, 4));
        assert_eq!(internal(protocol, "ALL-PATHS-FAIL"), c(LinkFailure, Kind::Alarm, 3));
        assert_eq!(internal(protocol, "link-restore"), c(LinkFailure, Kind::Restore, 9));
        assert_eq!(internal(protocol, "ALL-PATHS-RESTORE"), c(LinkFailure, Kind::Restore, 9));
        assert_eq!(internal(protocol, "130"), INFO);
        assert_eq!(internal(protocol, "PLAIN-REFUSED"), c(Tamper, Kind::Alarm, 4));
        assert_eq!(internal(protocol, "UNKNOWN-FLOOD"), INFO);
    }
    assert_eq!(internal(Some("cid"), "LINK-FAIL"), INFO);
    assert_eq!(internal(Some("sia"), "ALL-PATHS-FAIL"), INFO);
    assert_eq!(internal(Some("xyz"), "BA"), INFO);
}

#[test]
fn missing_facts() {
    let none = EventFacts { protocol: None, qualifier: None, code: None };
    assert_eq!(classify(none, &[]), INFO);
    let no_code = EventFacts { protocol: Some("cid"), qualifier: Some("1"), code: None };
    assert_eq!(classify(no_code, &[]), INFO);
}

fn ov(protocol: &str, code: &str, category: Category, priority: Priority) -> Override {
    Override { protocol: protocol.into(), code: code.into(), category, priority }
}

#[test]
fn overrides_replace_category_and_priority_but_keep_the_kind() {
    // This site's 24-hour zone 150 is a hold-up button; its BT is wired to a freezer.
    let overrides =
        [ov("cid", "150", Panic, 0), ov("SIA", "bt", Other, 7), ov("internal", "LINK-FAIL", LinkFailure, 2)];
    let facts = |protocol, qualifier, code| EventFacts { protocol, qualifier, code: Some(code) };
    let cid = |q, code| classify(facts(Some("cid"), Some(q), code), &overrides);
    assert_eq!(cid("1", "150"), c(Panic, Kind::Alarm, 0));
    assert_eq!(cid("3", "150"), c(Panic, Kind::Restore, 0));
    assert_eq!(cid("1", "151"), c(Trouble, Kind::Alarm, 5));
    let sia = |code| classify(facts(Some("sia"), None, code), &overrides);
    assert_eq!(sia("BT"), c(Other, Kind::Alarm, 7));
    assert_eq!(sia("BA"), c(Burglary, Kind::Alarm, 3));
    assert_eq!(classify(facts(None, None, "link-fail"), &overrides), c(LinkFailure, Kind::Alarm, 2));
    // An override of one protocol does not touch the same code in another.
    let cross = [ov("sia", "130", Fire, 1)];
    assert_eq!(classify(facts(Some("cid"), Some("1"), "130"), &cross), c(Burglary, Kind::Alarm, 3));
    // The first matching override wins.
    let two = [ov("cid", "130", Fire, 1), ov("cid", "130", Medical, 2)];
    assert_eq!(classify(facts(Some("cid"), Some("1"), "130"), &two), c(Fire, Kind::Alarm, 1));
}
