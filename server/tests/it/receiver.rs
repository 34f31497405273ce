//! The receiver over real sockets: UDP, AES with per-account keys, the stale-frame NAK and
//! its corrected resend, retransmission and second-path dedupe, and link supervision stepped
//! with a fake clock across a restart.

use crate::support::{spawn_app, tcp_exchange, udp_exchange};
use dc09::{Frame, Key, Timestamp, Token};
use server::supervision::Supervision;
use store::{PathSpec, SecretKey, SignalQuery, Store};
use tokio::net::{TcpStream, UdpSocket};

const KEY_TEXT: &str = "0123456789abcdef";

fn sia_frame(seq: u16, account: &str, event: &str, line: &str, timestamp: Option<Timestamp>) -> Frame {
    Frame {
        token: Token::SiaDcs,
        encrypted: false,
        seq,
        receiver: Some("1".into()),
        line: line.into(),
        account: account.into(),
        data: format!("#{account}|{event}"),
        xdata: Vec::new(),
        timestamp,
    }
}

fn now() -> Timestamp {
    Timestamp::from_unix(chrono::Utc::now().timestamp())
}

async fn keyed_account(store: &Store, number: &str) -> Key {
    let key = Key::ascii(KEY_TEXT).unwrap();
    let site = store.list_sites().await.unwrap()[0].id;
    store.create_account(site, number).await.unwrap();
    store.set_account_key(number, SecretKey::from_bytes(key.as_bytes()).as_ref()).await.unwrap();
    key
}

#[tokio::test]
async fn a_udp_frame_is_stored_and_acknowledged_to_its_sender() {
    let app = spawn_app().await;
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(app.dc09).await.unwrap();
    let reply = udp_exchange(&socket, &sia_frame(7, "1234", "Nri1/BA003", "1", None).encode()).await;
    let ack = Frame::decode(&reply).unwrap();
    assert_eq!((ack.token, ack.seq, ack.account.as_str()), (Token::Ack, 7, "1234"));
    let stored = app.store.list_signals(&SignalQuery::default()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].transport.as_str(), stored[0].event_code.as_deref()), ("udp", Some("BA")));
    // Garbage gets no answer and the receiver keeps working.
    socket.send(b"\nnot a frame\r").await.unwrap();
    let again = udp_exchange(&socket, &sia_frame(8, "1234", "Nri1/BR003", "1", None).encode()).await;
    assert_eq!(Frame::decode(&again).unwrap().seq, 8);
    app.stop().await;
}

#[tokio::test]
async fn an_encrypted_frame_gets_an_encrypted_ack_and_a_stale_one_a_nak_then_its_resend_is_accepted() {
    let app = spawn_app().await;
    let key = keyed_account(&app.store, "5678").await;
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();

    let fresh = sia_frame(1, "5678", "Nri1/FA001", "1", Some(now()));
    let reply = tcp_exchange(&mut stream, &fresh.encode_encrypted(&key, b"pad")).await;
    assert!(Frame::decode(&reply).is_err(), "an encrypted frame is answered encrypted");
    let ack = Frame::decode_with(&reply, |_| Some(key.clone()), now()).unwrap();
    assert_eq!((ack.token, ack.encrypted, ack.seq), (Token::Ack, true, 1));

    // A panel whose clock is an hour behind: NAK with the receiver's time, nothing stored.
    let stale_clock = Timestamp::from_unix(chrono::Utc::now().timestamp() - 3600);
    let stale = sia_frame(2, "5678", "Nri1/BA002", "1", Some(stale_clock));
    let nak = Frame::decode(&tcp_exchange(&mut stream, &stale.encode_encrypted(&key, b"pad")).await).unwrap();
    assert_eq!(nak.token, Token::Nak);
    let receiver_time = nak.timestamp.expect("the NAK carries the receiver's time");
    assert!((receiver_time.to_unix() - chrono::Utc::now().timestamp()).abs() <= 5);
    assert_eq!(app.store.count_signals().await.unwrap(), 1);

    // The panel corrects its clock from the NAK and sends again: accepted.
    let corrected = sia_frame(2, "5678", "Nri1/BA002", "1", Some(receiver_time));
    let ack = Frame::decode_with(
        &tcp_exchange(&mut stream, &corrected.encode_encrypted(&key, b"xyz")).await,
        |_| Some(key.clone()),
        now(),
    )
    .unwrap();
    assert_eq!((ack.token, ack.seq), (Token::Ack, 2));
    let stored = app.store.list_signals(&SignalQuery::default()).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|s| s.encrypted && s.account == "5678"));
    assert_eq!(stored[0].event_code.as_deref(), Some("BA"));

    // The wrong key is a NAK too, and the key never reaches the stored raw text in clear.
    let wrong = Key::ascii("fedcba9876543210").unwrap();
    let nak = Frame::decode(
        &tcp_exchange(
            &mut stream,
            &sia_frame(3, "5678", "Nri1/BA002", "1", Some(now())).encode_encrypted(&wrong, b"p"),
        )
        .await,
    )
    .unwrap();
    assert_eq!(nak.token, Token::Nak);
    assert!(stored.iter().all(|s| !s.raw.contains("BA002")), "raw keeps the ciphertext");
    app.stop().await;
}

#[tokio::test]
async fn a_retransmission_and_the_same_event_over_a_second_path_are_stored_once() {
    let app = spawn_app().await;
    let frame = sia_frame(42, "1234", "Nri1/BA002", "1", Some(now())).encode();
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    let first = Frame::decode(&tcp_exchange(&mut stream, &frame).await).unwrap();
    // The ACK was "lost": the panel sends the same bytes again; it is ACKed again.
    let second = Frame::decode(&tcp_exchange(&mut stream, &frame).await).unwrap();
    assert_eq!((first.token, second.token), (Token::Ack, Token::Ack));
    // The same event over the second path (UDP).
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(app.dc09).await.unwrap();
    assert_eq!(Frame::decode(&udp_exchange(&socket, &frame).await).unwrap().token, Token::Ack);

    let stored = app.store.list_signals(&SignalQuery::default()).await.unwrap();
    assert_eq!(stored.len(), 1, "stored once");
    let arrivals = app.store.arrivals(stored[0].id).await.unwrap();
    assert_eq!(arrivals.iter().map(|a| a.transport.as_str()).collect::<Vec<_>>(), ["tcp", "udp"]);
    // A different event with the next sequence number is a new signal.
    tcp_exchange(&mut stream, &sia_frame(43, "1234", "Nri1/BA002", "1", Some(now())).encode()).await;
    assert_eq!(app.store.count_signals().await.unwrap(), 2);
    app.stop().await;
}

#[tokio::test]
async fn dedupe_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::support::config(&dir, Default::default(), |c| c.push_any_endpoint = false);
    let frame = sia_frame(9, "ABC", "Nri1/BA001", "1", Some(now())).encode();
    for _ in 0..2 {
        let running = server::startup::start(config.clone()).await.unwrap();
        let mut stream = TcpStream::connect(running.dc09_addr).await.unwrap();
        assert_eq!(
            Frame::decode(&tcp_exchange(&mut stream, &frame).await).unwrap().token,
            Token::Duh,
            "unknown account"
        );
        assert_eq!(running.store.count_signals().await.unwrap(), 1);
        running.shutdown().await;
    }
}

fn path(line: &str, name: &str) -> PathSpec {
    PathSpec { line: line.into(), name: name.into(), interval_ms: 60_000, grace_ms: 0 }
}

async fn codes(store: &Store) -> Vec<String> {
    let mut all = store.list_signals(&SignalQuery::default()).await.unwrap();
    all.reverse();
    all.into_iter().filter_map(|s| s.event_code).collect()
}

#[tokio::test]
async fn a_missed_test_raises_one_failure_a_later_test_restores_it_and_a_restart_changes_neither() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("s.db").display())).await.unwrap();
    let site = store
        .create_site(&store::NewSite {
            name: "Bank".into(),
            time_zone: "Europe/Bucharest".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let account = store.create_account(site, "9999").await.unwrap();
    store.set_account_paths("9999", &[path("1", "ethernet"), path("2", "gsm")]).await.unwrap();
    let t0 = chrono::Utc::now().timestamp_millis();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let (lead, _renewals) = server::leader::start(store.clone(), stopped).await;

    let sup = Supervision::load(store.clone(), lead.clone(), t0).await.unwrap();
    sup.observe(account, "1", t0 + 1_000);
    sup.observe(account, "2", t0 + 1_000);
    assert!(sup.step(t0 + 30_000).await.unwrap().is_empty());
    // Ethernet keeps testing, GSM goes silent: exactly one failure, for GSM.
    sup.observe(account, "1", t0 + 50_000);
    assert_eq!(sup.step(t0 + 62_000).await.unwrap().len(), 1);
    assert!(sup.step(t0 + 63_000).await.unwrap().is_empty(), "never raised twice");
    assert_eq!(codes(&store).await, ["LINK-FAIL"]);
    let fail = store.list_signals(&SignalQuery::default()).await.unwrap().remove(0);
    assert_eq!((fail.line.as_str(), fail.transport.as_str(), fail.site_id), ("2", "internal", Some(site)));

    // Restart (the server was down 30 s): the failure is not raised again, and ethernet,
    // whose deadline passed while down, does not fail either.
    drop(sup);
    let sup = Supervision::load(store.clone(), lead.clone(), t0 + 112_000).await.unwrap();
    assert!(sup.step(t0 + 113_000).await.unwrap().is_empty());
    assert_eq!(codes(&store).await, ["LINK-FAIL"]);

    // GSM tests again: restored.
    sup.observe(account, "2", t0 + 120_000);
    assert_eq!(sup.step(t0 + 121_000).await.unwrap().len(), 1);
    assert_eq!(codes(&store).await, ["LINK-FAIL", "LINK-RESTORE"]);

    // Both silent: each path fails once, then the higher "all paths" alarm once.
    assert_eq!(sup.step(t0 + 400_000).await.unwrap().len(), 3);
    assert_eq!(codes(&store).await, ["LINK-FAIL", "LINK-RESTORE", "LINK-FAIL", "LINK-FAIL", "ALL-PATHS-FAIL"]);
    drop(sup);
    let sup = Supervision::load(store.clone(), lead, t0 + 500_000).await.unwrap();
    assert!(sup.step(t0 + 900_000).await.unwrap().is_empty(), "a restart raises nothing again");
    sup.observe(account, "1", t0 + 901_000);
    sup.step(t0 + 902_000).await.unwrap();
    assert_eq!(codes(&store).await[5..], ["LINK-RESTORE", "ALL-PATHS-RESTORE"]);
}

#[tokio::test]
async fn link_tests_over_the_socket_feed_supervision() {
    let app = spawn_app().await;
    app.store
        .set_account_paths(
            "1234",
            &[PathSpec { line: "*".into(), name: "ip".into(), interval_ms: 60_000, grace_ms: 0 }],
        )
        .await
        .unwrap();
    app.supervision().sync(chrono::Utc::now().timestamp_millis()).await.unwrap();
    assert_eq!(app.supervision().len(), 1);
    let null = Frame { token: Token::Null, data: String::new(), ..sia_frame(5, "1234", "", "0", None) };
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    assert_eq!(Frame::decode(&tcp_exchange(&mut stream, &null.encode()).await).unwrap().token, Token::Ack);
    let t = chrono::Utc::now().timestamp_millis();
    app.supervision().step(t).await.unwrap();
    let path = app.store.active_paths().await.unwrap().remove(0);
    let seen = path.last_seen_ms.expect("the NULL counted as a life sign");
    assert!((seen - t).abs() < 5_000);
    assert_eq!(path.deadline_ms, seen + 60_000);
    app.stop().await;
}
