//! Simulated alarm panels: each keeps a TCP connection to the receiver and reports like a
//! real one (periodic tests, arming and disarming, now and then a trouble, rarely an alarm),
//! sends real DC-09 frames, waits for the acknowledgement, and sends again when none comes.
//! The alarms worth watching come from the scripted show ([`super::scenario`]).

use std::net::SocketAddr;
use std::time::Duration;

use dc09::Token;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::link::{Held, Link};
use super::DemoError;

/// One report of a panel: the DC-09 token and the data block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `ADM-CID` or `SIA-DCS`.
    pub token: Token,
    /// The data block without brackets, `#acct|...`.
    pub data: String,
}

/// Picks what a panel reports next; `sia` panels speak SIA DCS, the others Contact ID.
/// Mostly tests, openings and closings; about one report in a hundred is a trouble or an
/// alarm, so two hundred panels give an operator a few incidents an hour besides the show.
pub fn next_report(rng: &mut impl Rng, account: &str, sia: bool) -> Report {
    let roll = rng.gen_range(0..1000);
    let zone = rng.gen_range(1..=6);
    let user = rng.gen_range(1..=4);
    let area = 1;
    let (cid, dcs) = match roll {
        0..=399 => ((1, 602, 0, 0), "RP".to_owned()),
        400..=689 => ((1, 401, area, user), format!("id{user}/OP{user}")),
        690..=979 => ((3, 401, area, user), format!("id{user}/CL{user}")),
        980..=981 => ((1, 130, area, zone), format!("ri{area}/BA{zone}")),
        982..=985 => ((3, 130, area, zone), format!("ri{area}/BR{zone}")),
        986..=987 => ((1, 301, 0, 0), "AT".to_owned()),
        988..=993 => ((3, 301, 0, 0), "AR".to_owned()),
        994..=995 => ((1, 302, 0, 0), "YT".to_owned()),
        _ => ((3, 302, 0, 0), "YR".to_owned()),
    };
    if sia {
        Report { token: Token::SiaDcs, data: format!("#{account}|N{dcs}") }
    } else {
        let (q, code, group, zone) = cid;
        Report { token: Token::AdmCid, data: format!("#{account}|{q}{code:03} {group:02} {zone:03}") }
    }
}

/// Starts one simulated panel per account in the store (vehicle trackers excepted: the show
/// drives them); returns the task that runs them. Panels of `held` accounts do not arm or
/// disarm; panels of the demo customers' sites send only their link tests, so what the
/// customers see there is what they (and the show) did.
pub async fn spawn(
    store: &Store,
    receiver: SocketAddr,
    mean_interval_s: f64,
    held: Held,
    shutdown: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, DemoError> {
    let accounts = store.list_accounts().await?;
    let quiet = store.sites_with_members().await?;
    Ok(tokio::spawn(async move {
        let panels: Vec<_> = accounts
            .into_iter()
            .filter(|a| !super::city::is_vehicle_account(&a.number))
            .enumerate()
            .map(|(i, a)| {
                // A mean of 30 years: never, in practice.
                let mean = if quiet.contains(&a.site_id) { 1.0e9 } else { mean_interval_s };
                tokio::spawn(run_panel(i as u64, a.number, receiver, mean, held.clone(), shutdown.clone()))
            })
            .collect();
        for p in panels {
            let _ = p.await;
        }
    }))
}

async fn run_panel(
    n: u64,
    account: String,
    receiver: SocketAddr,
    mean_s: f64,
    held: Held,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut rng = StdRng::seed_from_u64(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ rand::random::<u64>());
    let sia = n % 3 == 2;
    let mut link = Link::new(&account, receiver, 0);
    let start = tokio::time::Instant::now();
    let mut next_report_at = start + Duration::from_secs_f64(rng.gen_range(0.0..mean_s.max(0.1)));
    let mut next_test_at = start + Duration::from_secs_f64(rng.gen_range(0.0..LINK_TEST.as_secs_f64()));
    loop {
        let link_test = next_test_at < next_report_at;
        tokio::select! {
            _ = tokio::time::sleep_until(next_test_at.min(next_report_at)) => {}
            _ = shutdown.changed() => return,
        }
        if link_test {
            next_test_at += LINK_TEST;
        } else {
            let u: f64 = rng.gen_range(f64::EPSILON..1.0);
            next_report_at += Duration::from_secs_f64(-mean_s * u.ln());
        }
        if flaky(n) && in_outage(start.elapsed()) {
            link.hang_up();
            continue;
        }
        let _ = if link_test {
            link.link_test().await
        } else {
            let report = next_report(&mut rng, &account, sia);
            if is_arming(&report) && held.is_held(&account) {
                continue;
            }
            link.send(report.token, report.data, Vec::new()).await
        };
    }
}

/// Whether a report is an opening or a closing.
fn is_arming(report: &Report) -> bool {
    let body = report.data.split('|').nth(1).unwrap_or_default();
    body.contains("/OP") || body.contains("/CL") || body.get(1..4) == Some("401")
}

/// Every simulated panel sends a NULL link test this often (its supervised path expects one
/// every [`super::city::LINK_INTERVAL_MS`]).
const LINK_TEST: Duration = Duration::from_secs(60);

/// One panel in fifty loses its line now and then, so the demo shows link failures.
fn flaky(n: u64) -> bool {
    n % 50 == 7
}

/// A flaky panel is silent for the 6th to 10th minute of every quarter hour.
fn in_outage(elapsed: Duration) -> bool {
    (360..600).contains(&(elapsed.as_secs() % 900))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dc09::Frame;

    #[test]
    fn reports_decode_as_events_of_their_account() {
        let mut rng = StdRng::seed_from_u64(1);
        for i in 0..3000 {
            let sia = i % 2 == 0;
            let report = next_report(&mut rng, "2001", sia);
            let frame = Frame {
                token: report.token.clone(),
                encrypted: false,
                seq: 1,
                receiver: None,
                line: "1".into(),
                account: "2001".into(),
                data: report.data.clone(),
                xdata: Vec::new(),
                timestamp: None,
            };
            let decoded = Frame::decode(&frame.encode()).expect("demo frame decodes");
            let events = decoded.events().expect("demo events decode");
            assert!(!events.is_empty(), "no event in {}", report.data);
            assert!(events.iter().all(|e| e.known), "unknown code in {}", report.data);
            let arming = events.iter().all(|e| e.code == "401" || e.code == "OP" || e.code == "CL");
            assert_eq!(is_arming(&report), arming, "{}", report.data);
        }
    }
}
