//! The load generator against tiny in-test receivers (TCP and UDP) built on the dc09 codec.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use dc09::{Frame, FrameSplitter, Key, Timestamp};
use loadgen::{run, EventFormat, LoadArgs, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

const KEY_HEX: &str = "000102030405060708090A0B0C0D0E0F";

/// How the test receiver misbehaves.
#[derive(Clone, Default)]
struct Quirks {
    key: Option<Key>,
    /// The receiver's clock is this many seconds ahead of the system clock.
    clock_ahead: i64,
    /// Ignore the first transmission of frames with this sequence number.
    ignore_first_of: Option<u16>,
    /// Close the connection on the first transmission of frames with this sequence number.
    close_on_first_of: Option<u16>,
}

/// Every frame the receiver got, in order.
type Received = Arc<Mutex<Vec<Vec<u8>>>>;

fn now(quirks: &Quirks) -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    Timestamp::from_unix(secs + quirks.clock_ahead)
}

enum Action {
    Reply(Vec<u8>),
    Silent,
    Close,
}

/// What the receiver does with one frame (and records it).
fn handle(raw: &[u8], quirks: &Quirks, received: &Received, seen: &Mutex<HashSet<Vec<u8>>>) -> Action {
    received.lock().unwrap().push(raw.to_vec());
    let first_time = seen.lock().unwrap().insert(raw.to_vec());
    let now = now(quirks);
    let key = quirks.key.clone();
    match Frame::decode_with(raw, |_| key.clone(), now) {
        Ok(f) => {
            if first_time && quirks.ignore_first_of == Some(f.seq) {
                return Action::Silent;
            }
            if first_time && quirks.close_on_first_of == Some(f.seq) {
                return Action::Close;
            }
            let reply = match &quirks.key {
                Some(k) => f.reply_encrypted(k, b"pad", now),
                None => f.reply(),
            };
            reply.map_or(Action::Silent, Action::Reply)
        }
        Err(e) => e.reply(now).map_or(Action::Silent, Action::Reply),
    }
}

async fn tcp_acker(quirks: Quirks) -> (SocketAddr, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Received::default();
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let rec = received.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let (quirks, rec, seen) = (quirks.clone(), rec.clone(), seen.clone());
            tokio::spawn(async move {
                let mut splitter = FrameSplitter::new();
                let mut buf = [0u8; 2048];
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    splitter.push(&buf[..n]);
                    while let Some(Ok(raw)) = splitter.next_frame() {
                        match handle(&raw, &quirks, &rec, &seen) {
                            Action::Reply(bytes) => stream.write_all(&bytes).await.unwrap(),
                            Action::Silent => {}
                            Action::Close => return,
                        }
                    }
                }
            });
        }
    });
    (addr, received)
}

async fn udp_acker(quirks: Quirks) -> (SocketAddr, Received) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let received = Received::default();
    let seen = Mutex::new(HashSet::new());
    let rec = received.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        loop {
            let (n, peer) = socket.recv_from(&mut buf).await.unwrap();
            if let Action::Reply(bytes) = handle(&buf[..n], &quirks, &rec, &seen) {
                socket.send_to(&bytes, peer).await.unwrap();
            }
        }
    });
    (addr, received)
}

fn args(addr: SocketAddr, transport: Transport) -> LoadArgs {
    LoadArgs {
        target: addr.to_string(),
        panels: 4,
        transport,
        key_hex: None,
        first_account: "100000".into(),
        duration: None,
        frames_per_panel: Some(5),
        rate: None,
        ack_timeout_ms: 300,
        acked_log: None,
        format: EventFormat::Sia,
        json: false,
    }
}

#[tokio::test]
async fn tcp_every_frame_acked_once() {
    let (addr, received) = tcp_acker(Quirks::default()).await;
    let log = std::env::temp_dir().join(format!("loadgen-test-{}-tcp.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let report = run(LoadArgs { acked_log: Some(log.clone()), ..args(addr, Transport::Tcp) }).await.unwrap();
    assert_eq!((report.sent, report.acked, report.unacked, report.resends), (20, 20, 0, 0));
    assert_eq!(report.latency.samples, 20);
    assert!(report.latency.max_ms >= report.latency.p50_ms);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 20);
    let texts: HashSet<String> =
        received.iter().map(|r| String::from_utf8_lossy(&r[1..r.len() - 1]).into_owned()).collect();
    assert_eq!(texts.len(), 20, "every frame's text is unique");
    let lines = std::fs::read_to_string(&log).unwrap();
    assert_eq!(lines.lines().count(), 20);
    for line in lines.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{line}");
        assert!(texts.contains(cols[2]), "{line}");
        assert!(cols[2].contains(&format!("\"SIA-DCS\"{}R1L0#{}[", cols[1], cols[0])), "{line}");
    }
    std::fs::remove_file(&log).unwrap();
    assert!(report.to_string().contains("4 panels, TCP SIA plain"));
}

#[tokio::test]
async fn tcp_timeout_and_broken_connection_resend_same_bytes() {
    let quirks = Quirks { ignore_first_of: Some(2), close_on_first_of: Some(4), ..Quirks::default() };
    let (addr, received) = tcp_acker(quirks).await;
    let report = run(LoadArgs { panels: 2, ..args(addr, Transport::Tcp) }).await.unwrap();
    assert_eq!((report.sent, report.acked), (10, 10));
    assert_eq!(report.timeouts, 2, "seq 2 ignored once per panel");
    assert_eq!(report.resends, 4, "seq 2 after the timeout, seq 4 after the reconnect");
    assert_eq!(report.reconnects, 2);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 14);
    let distinct: HashSet<_> = received.iter().collect();
    assert_eq!(distinct.len(), 10, "resends are the same bytes");
}

#[tokio::test]
async fn udp_acks_and_resends() {
    let quirks = Quirks { ignore_first_of: Some(3), ..Quirks::default() };
    let (addr, received) = udp_acker(quirks).await;
    let report = run(LoadArgs { format: EventFormat::Cid, ..args(addr, Transport::Udp) }).await.unwrap();
    assert_eq!((report.sent, report.acked, report.timeouts, report.resends), (20, 20, 4, 4));
    assert_eq!(received.lock().unwrap().len(), 24);
    assert!(received.lock().unwrap()[0].windows(9).any(|w| w == b"\"ADM-CID\""));
}

#[tokio::test]
async fn encrypted_panels_follow_the_receivers_clock() {
    let key = Key::hex(KEY_HEX).unwrap();
    let quirks = Quirks { key: Some(key), clock_ahead: 3600, ..Quirks::default() };
    let (addr, received) = tcp_acker(quirks).await;
    let report = run(LoadArgs { key_hex: Some(KEY_HEX.into()), ..args(addr, Transport::Tcp) }).await.unwrap();
    assert!(report.encrypted);
    assert_eq!((report.sent, report.acked), (20, 20));
    assert_eq!(report.naks, 4, "one NAK per panel, then its clock follows the receiver");
    assert_eq!(received.lock().unwrap().len(), 24);
}

#[tokio::test]
async fn duration_and_rate_cap() {
    let (addr, _) = tcp_acker(Quirks::default()).await;
    let report =
        run(LoadArgs { frames_per_panel: None, duration: Some(1.0), rate: Some(40.0), ..args(addr, Transport::Tcp) })
            .await
            .unwrap();
    assert!((25..=50).contains(&report.acked), "{report}");
    assert_eq!(report.unacked, 0);
    assert!(report.elapsed.as_secs_f64() < 1.5, "{report}");
}

#[tokio::test]
async fn nobody_listening_ends_at_the_deadline() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let report = run(LoadArgs { frames_per_panel: None, duration: Some(0.5), panels: 2, ..args(port, Transport::Tcp) })
        .await
        .unwrap();
    assert_eq!(report.acked, 0);
    assert!(report.connect_failures > 0);
    assert!(report.to_json().contains("\"acked\":0"));
}
