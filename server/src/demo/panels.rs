//! Simulated alarm panels: each keeps a TCP connection to the receiver and reports like a
//! real one (periodic tests, arming and disarming, now and then an alarm or a trouble), sends
//! real DC-09 frames, waits for the acknowledgement, and sends again when none comes.

use std::net::SocketAddr;
use std::time::Duration;

use dc09::{Frame, Timestamp, Token};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::DemoError;

/// How long a panel waits for the receiver's answer before sending again.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// One report of a panel: the DC-09 token and the data block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `ADM-CID` or `SIA-DCS`.
    pub token: Token,
    /// The data block without brackets, `#acct|...`.
    pub data: String,
}

/// Picks what a panel reports next; `sia` panels speak SIA DCS, the others Contact ID.
pub fn next_report(rng: &mut impl Rng, account: &str, sia: bool) -> Report {
    let roll = rng.gen_range(0..100);
    let zone = rng.gen_range(1..=6);
    let user = rng.gen_range(1..=4);
    let area = 1;
    let (cid, dcs) = match roll {
        0..=29 => ((1, 602, 0, 0), "RP".to_owned()),
        30..=49 => ((1, 401, area, user), format!("id{user}/OP{user}")),
        50..=69 => ((3, 401, area, user), format!("id{user}/CL{user}")),
        70..=77 => ((1, 130, area, zone), format!("ri{area}/BA{zone}")),
        78..=83 => ((3, 130, area, zone), format!("ri{area}/BR{zone}")),
        84..=85 => ((1, 110, area, zone), format!("ri{area}/FA{zone}")),
        86..=87 => ((1, 120, area, zone), format!("ri{area}/PA{zone}")),
        88..=92 => ((1, 301, 0, 0), "AT".to_owned()),
        93..=96 => ((3, 301, 0, 0), "AR".to_owned()),
        _ => ((1, 302, 0, 0), "YT".to_owned()),
    };
    if sia {
        Report { token: Token::SiaDcs, data: format!("#{account}|N{dcs}") }
    } else {
        let (q, code, group, zone) = cid;
        Report { token: Token::AdmCid, data: format!("#{account}|{q}{code:03} {group:02} {zone:03}") }
    }
}

/// Starts one simulated panel per account in the store; returns the task that runs them.
pub async fn spawn(store: &Store, receiver: SocketAddr, mean_interval_s: f64, shutdown: watch::Receiver<bool>) -> Result<JoinHandle<()>, DemoError> {
    let accounts = store.list_accounts().await?;
    Ok(tokio::spawn(async move {
        let panels: Vec<_> = accounts
            .into_iter()
            .enumerate()
            .map(|(i, a)| tokio::spawn(run_panel(i as u64, a.number, receiver, mean_interval_s, shutdown.clone())))
            .collect();
        for p in panels {
            let _ = p.await;
        }
    }))
}

async fn run_panel(n: u64, account: String, receiver: SocketAddr, mean_s: f64, mut shutdown: watch::Receiver<bool>) {
    let mut rng = StdRng::seed_from_u64(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ rand::random::<u64>());
    let sia = n % 3 == 2;
    let mut seq: u16 = 0;
    let mut conn: Option<TcpStream> = None;
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
            conn = None;
            continue;
        }
        let report = if link_test { Report { token: Token::Null, data: String::new() } } else { next_report(&mut rng, &account, sia) };
        seq = if seq >= 9999 { 1 } else { seq + 1 };
        let frame = Frame {
            token: report.token,
            encrypted: false,
            seq,
            receiver: Some("1".into()),
            line: "1".into(),
            account: account.clone(),
            data: report.data,
            xdata: Vec::new(),
            timestamp: Some(Timestamp::from_unix(chrono::Utc::now().timestamp())),
        }
        .encode();
        for _attempt in 0..3 {
            if send(&mut conn, receiver, &frame).await.is_ok() {
                break;
            }
            conn = None;
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
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

/// Sends one frame and waits for any whole reply (panels retry on anything but ACK; the demo
/// only needs to know the receiver answered).
async fn send(conn: &mut Option<TcpStream>, receiver: SocketAddr, frame: &[u8]) -> std::io::Result<Vec<u8>> {
    if conn.is_none() {
        *conn = Some(TcpStream::connect(receiver).await?);
    }
    let stream = conn.as_mut().ok_or(std::io::ErrorKind::NotConnected)?;
    stream.write_all(frame).await?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    tokio::time::timeout(ACK_TIMEOUT, async {
        while !reply.contains(&b'\r') {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
            }
            reply.extend_from_slice(&buf[..n]);
        }
        Ok(())
    })
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_decode_as_events_of_their_account() {
        let mut rng = StdRng::seed_from_u64(1);
        for i in 0..500 {
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
        }
    }
}
