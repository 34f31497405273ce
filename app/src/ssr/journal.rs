//! A site's journal for its customer, built from stored signals, incidents and the app's
//! panel commands. Pure: the caller reads the records. Silent (duress) incidents must not be
//! passed in; duress codes never become lines, since only openings and closings are taken
//! from the signals.

use chrono_tz::Tz;
use engine::rules::classify::{classify, EventFacts, Kind};
use store::{IncidentRow, PanelCommand, SignalRecord};

use super::customer::fmt;
use crate::model::customer::{JournalKind, JournalLine};

/// A panel reports arming done for the app as this user number.
pub const APP_USER: &str = "0";
/// How far a panel's report may be from the command it carries out.
const MATCH_MS: i64 = 120_000;

/// The journal lines, newest first. `duress` is the site's duress user and the user it is
/// shown as: an opening by the duress code reads as one by the person it stands for.
pub fn lines(
    signals: &[SignalRecord],
    incidents: &[IncidentRow],
    commands: &[PanelCommand],
    tz: Tz,
    duress: Option<(&str, &str)>,
) -> Vec<JournalLine> {
    let mut out: Vec<JournalLine> = Vec::new();
    for s in signals {
        let facts = EventFacts {
            protocol: s.protocol.as_deref(),
            qualifier: s.qualifier.as_deref().map(super::views::qualifier_digit),
            code: s.event_code.as_deref(),
        };
        let kind = match classify(facts, &[]).kind {
            Kind::Opening => JournalKind::Disarmed,
            Kind::Closing => JournalKind::Armed,
            Kind::NightClosing => JournalKind::Night,
            _ => continue,
        };
        let user = s.user_number.as_deref().map(|u| match duress {
            Some((code, shown)) if engine::settings::same_user(u, code) => shown,
            _ => u,
        });
        let user = user.map(|u| u.trim_start_matches('0')).map(|u| if u.is_empty() { APP_USER } else { u });
        let who = match user {
            Some(APP_USER) => app_user(commands, kind, s.received_at_ms).or(Some("app".into())),
            Some(n) => Some(format!("#{n}")),
            None => None,
        };
        // The number an opening or closing carries is the user's, not a zone: no zone is
        // named (a duress code's number would name a different one, or none).
        out.push(line(s.received_at_ms, tz, kind, None, who, None, false));
    }
    for i in incidents.iter().filter(|i| !i.silent && i.category != "duress") {
        let kind = match (i.resolution.as_deref(), i.category.as_str()) {
            (Some("test"), _) => JournalKind::Test,
            (_, "fire" | "panic" | "medical" | "burglary") => JournalKind::Alarm,
            _ => JournalKind::Trouble,
        };
        let outcome = Some(i.resolution.clone().unwrap_or_else(|| "open".into()));
        out.push(line(i.opened_at_ms, tz, kind, Some(i.category.clone()), None, outcome, i.crew_id.is_some()));
    }
    out.sort_by_key(|l| std::cmp::Reverse(l.at_ms));
    out
}

/// The person whose app command a panel report carried out: the nearest done command of
/// the same kind asked for before the report.
fn app_user(commands: &[PanelCommand], kind: JournalKind, at_ms: i64) -> Option<String> {
    let wanted = match kind {
        JournalKind::Armed => "arm",
        JournalKind::Night => "night",
        _ => "disarm",
    };
    commands
        .iter()
        .filter(|c| {
            c.command == wanted
                && c.status != "failed"
                && c.requested_at_ms <= at_ms
                && at_ms - c.requested_at_ms <= MATCH_MS
        })
        .max_by_key(|c| c.requested_at_ms)
        .and_then(|c| c.user_name.clone())
}

#[allow(clippy::too_many_arguments)]
fn line(
    at_ms: i64,
    tz: Tz,
    kind: JournalKind,
    category: Option<String>,
    who: Option<String>,
    outcome: Option<String>,
    crew: bool,
) -> JournalLine {
    JournalLine {
        at_ms,
        date: fmt(at_ms, tz, "%Y-%m-%d"),
        time: fmt(at_ms, tz, "%H:%M"),
        kind,
        category,
        who,
        outcome,
        crew,
        zone: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Contact ID signal: `q` is `new` (1) or `restore` (3; a closing for 401).
    fn signal(id: i64, at: i64, q: &str, code: &str, user: &str) -> SignalRecord {
        SignalRecord {
            id,
            received_at_ms: at,
            account: "2001".into(),
            site_id: Some(1),
            known: true,
            token: "ADM-CID".into(),
            seq: id,
            receiver: None,
            line: "1".into(),
            protocol: Some("cid".into()),
            qualifier: Some(q.into()),
            event_code: Some(code.into()),
            zone: Some(user.into()),
            area: Some("01".into()),
            user_number: Some(user.into()),
            meaning: String::new(),
            raw: String::new(),
            remote_addr: "127.0.0.1:1".into(),
            transport: "tcp".into(),
            encrypted: false,
            lat: None,
            lon: None,
            site_name: None,
            time_zone: None,
            zone_name: None,
        }
    }

    fn incident(id: i64, at: i64, category: &str, silent: bool, resolution: Option<&str>) -> IncidentRow {
        IncidentRow {
            id,
            site_id: 1,
            category: category.into(),
            priority: 3,
            status: "closed".into(),
            opened_at_ms: at,
            updated_at_ms: at,
            closed_at_ms: Some(at + 1),
            resolution: resolution.map(Into::into),
            claimed_by: None,
            crew_id: None,
            group_key: None,
            deadline_at_ms: None,
            silent,
            detail: "{}".into(),
        }
    }

    #[test]
    fn a_duress_disarm_reads_as_a_disarm() {
        let tz = chrono_tz::Europe::Bucharest;
        // User 9 disarms under duress: the panel sends the duress code and the opening.
        let signals = [
            signal(1, 1_000, "new", "121", "9"),
            signal(2, 1_001, "new", "401", "9"),
            signal(3, 2_000, "restore", "401", "3"),
        ];
        let incidents =
            [incident(7, 1_000, "duress", true, None), incident(8, 5_000, "burglary", false, Some("cancelled"))];
        let lines = lines(&signals, &incidents, &[], tz, Some(("9", "1")));
        let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.who.clone(), l.outcome.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (JournalKind::Alarm, None, Some("cancelled".into())),
                (JournalKind::Armed, Some("#3".into()), None),
                (JournalKind::Disarmed, Some("#1".into()), None),
            ],
            "the duress opening names user 1, whom the code stands for"
        );
        assert!(lines.iter().all(|l| l.category.as_deref() != Some("duress")));
    }

    #[test]
    fn app_commands_name_the_person() {
        let tz = chrono_tz::UTC;
        let command = PanelCommand {
            id: 1,
            site_id: 1,
            command: "disarm".into(),
            user_id: Some(5),
            user_name: Some("Elena Dumitru".into()),
            requested_at_ms: 10_000,
            status: "done".into(),
            updated_at_ms: 11_000,
            detail: None,
        };
        let lines = lines(&[signal(1, 11_000, "new", "401", "000")], &[], std::slice::from_ref(&command), tz, None);
        assert_eq!(lines[0].who.as_deref(), Some("Elena Dumitru"));
        let late = super::lines(&[signal(1, 10_000 + MATCH_MS + 1, "new", "401", "0")], &[], &[command], tz, None);
        assert_eq!(late[0].who.as_deref(), Some("app"));
    }
}
