//! Stored records turned into what pages and the API show.

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use store::SignalRecord;

use crate::model::{SignalClass, SignalView};

/// The time zone used for signals of unknown accounts (no site, so no site zone).
pub const FALLBACK_TZ: Tz = chrono_tz::UTC;

/// Formats a stored signal for display, with its time in the site's time zone.
pub fn signal_view(r: &SignalRecord) -> SignalView {
    let tz: Tz = r.time_zone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(FALLBACK_TZ);
    let at = Utc.timestamp_millis_opt(r.received_at_ms).single().unwrap_or_default().with_timezone(&tz);
    SignalView {
        id: r.id,
        received_at_ms: r.received_at_ms,
        local_time: at.format("%H:%M:%S").to_string(),
        local_date: at.format("%Y-%m-%d").to_string(),
        tz_abbr: at.format("%Z").to_string(),
        account: r.account.clone(),
        site_name: r.site_name.clone(),
        known: r.known,
        token: r.token.clone(),
        event_code: r.event_code.clone(),
        qualifier: r.qualifier.clone(),
        meaning: r.meaning.clone(),
        zone: r.zone.clone(),
        zone_name: r.zone_name.clone(),
        area: r.area.clone(),
        user_number: r.user_number.clone(),
        class: classify(r.protocol.as_deref(), r.event_code.as_deref(), r.qualifier.as_deref()),
        test: false,
    }
}

/// [`signal_view`], marked when its site was on test for it (the engine knows the test).
pub fn signal_view_in(engine: &engine::Engine, r: &SignalRecord) -> SignalView {
    let mut view = signal_view(r);
    if let Some(site) = r.site_id {
        let facts = engine::rules::classify::EventFacts {
            protocol: r.protocol.as_deref(),
            qualifier: r.qualifier.as_deref(),
            code: r.event_code.as_deref(),
        };
        view.test = engine.on_test_at(site, r.received_at_ms, r.zone.as_deref(), facts);
    }
    view
}

/// How the feed colours a signal: the alarm rules' classification (`rules::classify`, the
/// same the engine uses), folded into the feed's few classes. Technical alarms of low
/// priority (tamper, a single lost path) show as trouble.
pub fn classify(protocol: Option<&str>, code: Option<&str>, qualifier: Option<&str>) -> SignalClass {
    use engine::rules::classify::{classify as rule, Category, EventFacts, Kind};
    if code.is_none() {
        return SignalClass::Other;
    }
    let facts = EventFacts { protocol, qualifier: qualifier.map(qualifier_digit), code };
    let c = rule(facts, &[]);
    match c.kind {
        Kind::Alarm
            if matches!(c.category, Category::Trouble | Category::Tamper | Category::LinkFailure) && c.priority > 3 =>
        {
            SignalClass::Trouble
        }
        Kind::Alarm => SignalClass::Alarm,
        Kind::Restore => SignalClass::Restore,
        Kind::Opening | Kind::Closing | Kind::NightClosing => SignalClass::OpenClose,
        Kind::Test => SignalClass::Test,
        Kind::Info => SignalClass::Other,
    }
}

/// The Contact ID qualifier digit of a stored qualifier name (`new` -> `1`, `restore` -> `3`,
/// `status` -> `6`).
pub fn qualifier_digit(name: &str) -> &str {
    match name {
        "new" => "1",
        "restore" => "3",
        "status" => "6",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_supervision_signals_are_classified() {
        assert_eq!(classify(None, Some("ALL-PATHS-FAIL"), None), SignalClass::Alarm);
        assert_eq!(classify(None, Some("LINK-FAIL"), None), SignalClass::Trouble);
        assert_eq!(classify(None, Some("LINK-RESTORE"), None), SignalClass::Restore);
        assert_eq!(classify(None, Some("XX"), None), SignalClass::Other);
    }

    fn record(tz: Option<&str>) -> SignalRecord {
        SignalRecord {
            id: 7,
            received_at_ms: 1_782_000_000_000, // 2026-06-21T00:00:00Z, summer time in Bucharest
            account: "1234".into(),
            site_id: Some(1),
            known: true,
            token: "ADM-CID".into(),
            seq: 1,
            receiver: None,
            line: "0".into(),
            protocol: Some("cid".into()),
            qualifier: Some("new".into()),
            event_code: Some("130".into()),
            zone: Some("005".into()),
            area: Some("01".into()),
            user_number: None,
            meaning: "Burglary".into(),
            raw: String::new(),
            remote_addr: "127.0.0.1:1".into(),
            transport: "tcp".into(),
            encrypted: false,
            lat: None,
            lon: None,
            site_name: Some("Shop".into()),
            time_zone: tz.map(Into::into),
            zone_name: Some("Front door".into()),
        }
    }

    #[test]
    fn time_is_shown_in_the_sites_zone() {
        let v = signal_view(&record(Some("Europe/Bucharest")));
        assert_eq!(
            (v.local_date.as_str(), v.local_time.as_str(), v.tz_abbr.as_str()),
            ("2026-06-21", "03:00:00", "EEST")
        );
        let v = signal_view(&record(None));
        assert_eq!((v.local_time.as_str(), v.tz_abbr.as_str()), ("00:00:00", "UTC"));
        assert_eq!(v.class, SignalClass::Alarm);
    }

    #[test]
    fn codes_are_classified() {
        assert_eq!(classify(Some("cid"), Some("130"), Some("restore")), SignalClass::Restore);
        assert_eq!(classify(Some("cid"), Some("401"), Some("restore")), SignalClass::OpenClose);
        assert_eq!(classify(Some("cid"), Some("602"), Some("new")), SignalClass::Test);
        assert_eq!(classify(Some("cid"), Some("301"), Some("new")), SignalClass::Trouble);
        assert_eq!(classify(Some("sia"), Some("FA"), None), SignalClass::Alarm);
        assert_eq!(classify(Some("sia"), Some("BR"), None), SignalClass::Restore);
        assert_eq!(classify(Some("sia"), Some("CL"), None), SignalClass::OpenClose);
        assert_eq!(classify(None, None, None), SignalClass::Other);
    }
}
