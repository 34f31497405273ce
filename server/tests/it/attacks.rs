//! The attack suite: what an attacker would try against a running Vigil, over real sockets.
//! Forged plain frames for encrypted accounts, guessing a PIN at every door (concurrently and
//! across a restart), a trusted proxy's address, cross-site requests and the security
//! headers, idle connections and a slowloris against the receiver, and a flood of frames
//! from unknown accounts. Each is bounded in count and time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::support::{cid_frame, spawn_app, spawn_app_with, tcp_exchange, udp_exchange, TestApp, PASSWORD};
use dc09::{Frame, Key, Token};
use futures::future::join_all;
use serde_json::{json, Value};
use store::{NewUser, SecretKey, SignalQuery};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream, UdpSocket};

const KEY_TEXT: &str = "0123456789abcdef";

/// Gives the test site's account 1234 an AES key.
async fn key_account(app: &TestApp) -> Key {
    let key = Key::ascii(KEY_TEXT).unwrap();
    app.store.set_account_key("1234", SecretKey::from_bytes(key.as_bytes()).as_ref()).await.unwrap();
    key
}

async fn signals_of(app: &TestApp, account: &str) -> Vec<store::SignalRecord> {
    let all = app.store.list_signals(&SignalQuery { limit: 500, ..Default::default() }).await.unwrap();
    all.into_iter().filter(|s| s.account == account).collect()
}

/// Waits (at most 5 s) for the account cache (1 s) to see a changed key or policy.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1_100)).await;
}

#[tokio::test]
async fn a_plain_frame_for_an_encrypted_account_is_refused_over_tcp_and_udp() {
    let app = spawn_app().await;
    let key = key_account(&app).await;
    let mut tcp = TcpStream::connect(app.dc09).await.unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    udp.connect(app.dc09).await.unwrap();

    // Forged: a plain "disarmed", a plain burglary, and a plain link test keeping the line alive.
    let forged = [cid_frame(1, "1234", "1401 01 003"), cid_frame(2, "1234", "1130 01 001")];
    for frame in &forged {
        let reply = Frame::decode(&tcp_exchange(&mut tcp, &frame.encode()).await).unwrap();
        assert_eq!(reply.token, Token::Nak, "plain frame over TCP");
        let reply = Frame::decode(&udp_exchange(&udp, &frame.encode()).await).unwrap();
        assert_eq!(reply.token, Token::Nak, "plain frame over UDP");
    }
    let null = Frame { token: Token::Null, data: String::new(), ..cid_frame(3, "1234", "") };
    assert_eq!(
        Frame::decode(&tcp_exchange(&mut tcp, &null.encode()).await).unwrap().token,
        Token::Nak,
        "a plain NULL is no life sign"
    );

    let stored = signals_of(&app, "1234").await;
    assert!(stored.iter().all(|s| s.transport == "internal"), "no forged event stored: {stored:?}");
    let security: Vec<_> = stored.iter().filter(|s| s.event_code.as_deref() == Some("PLAIN-REFUSED")).collect();
    assert_eq!(security.len(), 1, "one security signal per account and window, not one per frame");
    assert_eq!(app.receiver_counters().plain_refused, 5);

    // The operators see it as an incident.
    app.engine().settle().await.unwrap();
    let operator = app.signed_in("operator").await;
    let queue: Value = operator.get(app.url("/api/v1/queue")).send().await.unwrap().json().await.unwrap();
    assert!(queue.to_string().contains("Tamper"), "a tamper incident for the refused frames: {queue}");

    // The panel's own encrypted frame is still taken.
    let real = cid_frame(4, "1234", "1130 01 001").encode_encrypted(&key, b"pad");
    let reply = tcp_exchange(&mut tcp, &real).await;
    assert!(Frame::decode(&reply).is_err(), "an encrypted reply (ACK) to the encrypted frame");
    assert_eq!(signals_of(&app, "1234").await.iter().filter(|s| s.transport == "tcp").count(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_keyed_account_set_to_allow_plain_takes_them_only_from_its_networks() {
    let app = spawn_app().await;
    key_account(&app).await;
    let supervisor = app.signed_in("supervisor").await;
    let operator = app.signed_in("operator").await;
    let url = app.url("/api/v1/accounts/1234/plain");
    let policy = json!({ "allow": true, "networks": ["192.0.2.0/24"] });
    assert_eq!(
        operator.put(&url).json(&policy).send().await.unwrap().status(),
        403,
        "operators may not weaken an account"
    );
    let bad = supervisor.put(&url).json(&json!({ "allow": true, "networks": ["not a network"] })).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    let saved: Value = supervisor.put(&url).json(&policy).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (saved["allow_plain"].as_bool(), saved["plain_networks"][0].as_str()),
        (Some(true), Some("192.0.2.0/24"))
    );
    settle().await;

    let mut tcp = TcpStream::connect(app.dc09).await.unwrap();
    let reply = Frame::decode(&tcp_exchange(&mut tcp, &cid_frame(1, "1234", "1130 01 001").encode()).await).unwrap();
    assert_eq!(reply.token, Token::Nak, "127.0.0.1 is not in 192.0.2.0/24");

    supervisor.put(&url).json(&json!({ "allow": true, "networks": ["127.0.0.0/8"] })).send().await.unwrap();
    settle().await;
    let reply = Frame::decode(&tcp_exchange(&mut tcp, &cid_frame(2, "1234", "1130 01 001").encode()).await).unwrap();
    assert_eq!(reply.token, Token::Ack, "allowed from its network");
    let audit = app.store.list_audit(20).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "account.plain_policy"), "the change is audited");
    app.stop().await;
}

/// How a door answered one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Wrong,
    Limited,
    SignedIn,
}

/// One attempt through a door, from `client` (sent as the trusted proxy's header).
async fn attempt(app: &TestApp, door: &str, login: &str, password: &str, client: &str) -> Answer {
    let http = app.client();
    match door {
        "rest" => {
            let resp = http
                .post(app.url("/api/v1/session"))
                .header("x-forwarded-for", client)
                .json(&json!({ "username": login, "password": password }))
                .send()
                .await
                .unwrap();
            match resp.status().as_u16() {
                200 => Answer::SignedIn,
                401 => Answer::Wrong,
                429 => {
                    assert!(resp.headers().contains_key("retry-after"));
                    Answer::Limited
                }
                other => panic!("REST sign-in answered {other}"),
            }
        }
        "rpc" => {
            let resp = http
                .post(app.url("/rpc/login"))
                .header("x-forwarded-for", client)
                .header("accept", "application/json")
                .form(&[("username", login), ("password", password)])
                .send()
                .await
                .unwrap();
            let text = resp.text().await.unwrap();
            if text.contains("Too many attempts") {
                Answer::Limited
            } else if text.contains("Wrong username") {
                Answer::Wrong
            } else {
                Answer::SignedIn
            }
        }
        _ => {
            let resp = http
                .post(app.url("/rpc/app/sign_in"))
                .header("x-forwarded-for", client)
                .form(&[("code", login), ("pin", password)])
                .send()
                .await
                .unwrap();
            let text = resp.text().await.unwrap();
            if text.contains("locked:") {
                Answer::Limited
            } else if text.contains("bad_credentials") {
                Answer::Wrong
            } else {
                assert_eq!(text, "[]", "app sign-in");
                Answer::SignedIn
            }
        }
    }
}

fn behind_proxy(config: &mut server::startup::Config) {
    config.web.client_ip = axum_client_ip::ClientIpSource::RightmostXForwardedFor;
}

#[tokio::test]
async fn fifty_concurrent_wrong_pins_at_each_door_then_the_right_one_is_refused_even_after_a_restart() {
    let app = spawn_app_with(behind_proxy).await;
    let pin_hash = app::ssr::auth::hash_password("2580".into()).await.unwrap();
    for code in ["100001", "100002", "100003"] {
        let user = NewUser {
            username: code.into(),
            password_hash: pin_hash.clone(),
            role: "customer".into(),
            display_name: code.into(),
        };
        app.store.create_user(&user).await.unwrap();
    }
    let doors = [("rest", "100001"), ("rpc", "100002"), ("app", "100003")];
    for (d, (door, login)) in doors.iter().enumerate() {
        // Each guess from its own address, so only the login's own limit can stop them.
        let guesses = (0..50).map(|i| {
            let client = format!("198.51.{d}.{i}");
            let app = &app;
            async move { attempt(app, door, login, &format!("{:04}", 1000 + i), &client).await }
        });
        let answers = join_all(guesses).await;
        let checked = answers.iter().filter(|a| **a == Answer::Wrong).count();
        assert_eq!(
            checked,
            app::ssr::auth::LOGIN_BACKOFF.free as usize,
            "{door}: only the free attempts were checked: {answers:?}"
        );
        assert!(answers.iter().all(|a| *a != Answer::SignedIn));
        assert_eq!(
            attempt(&app, door, login, "2580", "203.0.113.1").await,
            Answer::Limited,
            "{door}: the right PIN now waits too"
        );
    }
    let audit = app.store.list_audit(500).await.unwrap();
    let failed = audit.iter().filter(|a| a.action == "login_failed").count();
    assert!(failed <= 2 * doors.len(), "failed logins are journaled per login and wait, not per guess: {failed}");

    let app = app.restart().await;
    for (door, login) in doors {
        assert_eq!(
            attempt(&app, door, login, "2580", "203.0.113.2").await,
            Answer::Limited,
            "{door}: a restart does not reset the count"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_address_limit_reads_the_trusted_proxy_header() {
    let app = spawn_app_with(behind_proxy).await;
    let free = app::ssr::auth::ADDRESS_BACKOFF.free;
    // One address guessing many logins (one try each, so no login's own limit applies).
    for i in 0..free {
        assert_eq!(attempt(&app, "rest", &format!("nobody{i}"), "x", "192.0.2.66").await, Answer::Wrong);
    }
    assert_eq!(
        attempt(&app, "rest", "operator", PASSWORD, "192.0.2.66").await,
        Answer::Limited,
        "that address waits now"
    );
    let journaled = app.store.list_audit(500).await.unwrap().into_iter().filter(|a| a.action == "login_failed").count();
    assert_eq!(journaled, 1, "guessing names that do not exist is journaled once, when the address's wait begins");
    assert_eq!(
        attempt(&app, "rest", "operator", PASSWORD, "192.0.2.67").await,
        Answer::SignedIn,
        "another client behind the proxy does not"
    );
    app.stop().await;

    // Without a trusted proxy the header is the client's own word, and is ignored.
    let app = spawn_app().await;
    for i in 0..free {
        attempt(&app, "rest", &format!("nobody{i}"), "x", "192.0.2.1").await;
    }
    assert_eq!(
        attempt(&app, "rest", "operator", PASSWORD, "192.0.2.2").await,
        Answer::Limited,
        "a forged header does not escape the limit"
    );
    app.stop().await;
}

#[tokio::test]
async fn cross_site_requests_are_refused_and_security_headers_are_sent() {
    let app = spawn_app().await;
    let plain = reqwest::Client::new();
    for (path, body) in [
        ("/api/v1/session", None),
        ("/rpc/login", Some("username=operator&password=x")),
        ("/rpc/app/sign_in", Some("code=100001&pin=2580")),
    ] {
        let mut req = plain.post(app.url(path)).header("origin", "http://evil.example");
        req = match body {
            Some(form) => req.header("content-type", "application/x-www-form-urlencoded").body(form),
            None => req.json(&json!({ "username": "operator", "password": PASSWORD })),
        };
        assert_eq!(req.send().await.unwrap().status(), 403, "cross-origin POST {path}");
        let bare = plain.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body("a=b");
        assert_eq!(bare.send().await.unwrap().status(), 403, "POST {path} without Origin or fetch metadata");
        let fetched = plain
            .post(app.url(path))
            .header("sec-fetch-site", "same-origin")
            .json(&json!({ "username": "operator", "password": PASSWORD }));
        assert_ne!(fetched.send().await.unwrap().status(), 403, "a same-origin fetch passes {path}");
    }
    // A signed-in operator's cookie does not make a body-less cross-site action work.
    let operator = app.signed_in("operator").await;
    let cross = operator
        .post(app.url("/api/v1/incidents/1/ack"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);

    for path in ["/login", "/healthz", "/api/v1/openapi.json"] {
        let resp = plain.get(app.url(path)).send().await.unwrap();
        let h = resp.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!h.contains_key("strict-transport-security"), "no HSTS over plain http");
    }
    let page = plain.get(app.url("/login")).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("the page's policy has a nonce");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
    assert!(
        !csp.contains("'unsafe-inline'; img") || csp.contains("style-src 'self' 'unsafe-inline'"),
        "inline scripts are not allowed: {csp}"
    );
    app.stop().await;
}

#[tokio::test]
async fn behind_https_cookies_are_host_only_and_secure_and_hsts_is_sent() {
    let app = spawn_app_with(|c| c.web.public_url = Some("https://arc.example.com".parse().unwrap())).await;
    let client = reqwest::Client::new();
    let resp = client
        .post(app.url("/api/v1/session"))
        .header("origin", "https://arc.example.com")
        .json(&json!({ "username": "operator", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-vigil_session=") && cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(resp.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
    let own_host =
        client.post(app.url("/api/v1/session")).header("origin", app.origin()).json(&json!({})).send().await.unwrap();
    assert_eq!(own_host.status(), 403, "with a public URL, only its origin counts");
    app.stop().await;
}

/// A TCP connection to the receiver from `source` (another loopback address).
async fn connect_from(source: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{source}:0").parse().unwrap())?;
    socket.connect(to).await
}

fn quick_deadlines(config: &mut server::startup::Config) {
    config.receiver.first_frame = Duration::from_secs(2);
    config.receiver.frame = Duration::from_secs(2);
}

#[tokio::test]
async fn two_thousand_idle_connections_and_a_slowloris_do_not_keep_a_panel_out() {
    let app = spawn_app_with(quick_deadlines).await;
    let mut idle = Vec::new();
    for _ in 0..2_000 {
        if let Ok(stream) = connect_from("127.0.0.2", app.dc09).await {
            idle.push(stream);
        }
    }
    // A slowloris: the start of a frame, then a byte a second.
    let mut slow = connect_from("127.0.0.3", app.dc09).await.unwrap();
    let frame = cid_frame(1, "1234", "1130 01 001").encode();
    slow.write_all(&frame[..10]).await.unwrap();
    let started = Instant::now();
    let mut slow_closed = false;
    for byte in &frame[10..20] {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if slow.write_all(&[*byte]).await.is_err() {
            slow_closed = true;
            break;
        }
        // The real panel, from its own address, is answered within a second all along.
        let mut panel = TcpStream::connect(app.dc09).await.unwrap();
        let sent = Instant::now();
        let null = Frame { token: Token::Null, data: String::new(), ..cid_frame(2, "1234", "") };
        let reply = Frame::decode(&tcp_exchange(&mut panel, &null.encode()).await).unwrap();
        assert_eq!(reply.token, Token::Ack);
        assert!(sent.elapsed() < Duration::from_secs(1), "panel answered in {:?}", sent.elapsed());
    }
    let mut probe = [0u8; 1];
    let closed =
        tokio::time::timeout(Duration::from_secs(5), tokio::io::AsyncReadExt::read(&mut slow, &mut probe)).await;
    assert!(slow_closed || matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "the slowloris is cut off");
    assert!(started.elapsed() < Duration::from_secs(8));
    let counters = app.receiver_counters();
    assert!(
        counters.refused_connections >= 2_000 - 256,
        "connections beyond the per-address cap are refused: {counters:?}"
    );
    assert!(counters.slow_connections >= 1, "{counters:?}");
    drop(idle);
    app.stop().await;
}

/// Frames in the UDP flood, and how fast they are sent (frames per 10 ms).
const FLOOD_FRAMES: u32 = 20_000;
const FLOOD_BURST: u32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_udp_flood_from_unknown_accounts_stays_bounded_and_a_panel_is_still_answered_fast() {
    let app = spawn_app().await;
    // 5,000 frames a second for 4 s, from one forged source, each of 5,000 unknown accounts.
    let flood = tokio::spawn({
        let to = app.dc09;
        async move {
            let socket = UdpSocket::bind("127.0.0.2:0").await.unwrap();
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            for burst in 0..FLOOD_FRAMES / FLOOD_BURST {
                tick.tick().await;
                for j in 0..FLOOD_BURST {
                    let i = burst * FLOOD_BURST + j;
                    let account = format!("{:06X}", 0xA00000 + i % 5_000);
                    let frame = cid_frame((i % 9 + 1) as u16, &account, "1130 01 001").encode();
                    let _ = socket.send_to(&frame, to).await;
                }
            }
        }
    });
    // The real panel sends its link test every 20 ms meanwhile; a lost datagram would be
    // sent again by a panel, so the test resends after 200 ms (and counts that time).
    let panel = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    panel.connect(app.dc09).await.unwrap();
    let mut times = Vec::new();
    let mut seq = 1u16;
    while !flood.is_finished() {
        let null = Frame { token: Token::Null, data: String::new(), ..cid_frame(seq, "1234", "") }.encode();
        seq = seq % 9999 + 1;
        let sent = Instant::now();
        let mut buf = vec![0u8; 2048];
        let reply = loop {
            panel.send(&null).await.unwrap();
            if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(200), panel.recv(&mut buf)).await {
                break Frame::decode(&buf[..n]).unwrap();
            }
            assert!(sent.elapsed() < Duration::from_secs(5), "no answer within 5 s");
        };
        times.push(sent.elapsed());
        assert_eq!(reply.token, Token::Ack);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    flood.await.unwrap();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    assert!(times.len() >= 50, "{} samples", times.len());
    assert!(p99 < Duration::from_millis(50), "the panel's p99 ACK under the flood: {p99:?} ({} samples)", times.len());
    app.flush_unknown().await;
    let stored = app.store.count_signals().await.unwrap();
    assert!(
        stored <= 2 * 60 + 1,
        "stored rows stay bounded: {stored} of {FLOOD_FRAMES} frames (60 a minute from one source, plus the summary)"
    );
    let summary = signals_of(&app, "UNKNOWN").await;
    assert!(!summary.is_empty(), "an aggregated row");
    assert!(summary[0].meaning.contains("frames from unknown accounts"), "{}", summary[0].meaning);
    let counters = app.receiver_counters();
    eprintln!(
        "UDP flood: panel ACK p50 {:?}, p99 {p99:?}, max {:?} over {} samples; {stored} rows stored; {counters:?}",
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
    assert!(
        counters.unknown_aggregated + counters.udp_dropped >= u64::from(FLOOD_FRAMES) - 2 * 60 - 1000,
        "{counters:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn tracking_reports_need_the_device_key_and_a_plausible_position() {
    let app = spawn_app().await;
    let crew = app.store.list_crews().await.unwrap()[0].clone();
    app.store.set_crew_device(crew.id, Some("phone-1")).await.unwrap();
    app.store.set_crew_device_key(crew.id, Some(&app::ssr::auth::token_hash("k3y-0f-phone-1"))).await.unwrap();
    let http = reqwest::Client::new();
    let report = |id: &str, key: &str, lat: f64, lon: f64| {
        let url = app.url(&format!(
            "/api/v1/osmand?id={id}&key={key}&lat={lat}&lon={lon}&timestamp={}",
            chrono::Utc::now().timestamp()
        ));
        let http = http.clone();
        async move {
            let resp = http.post(url).send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let unknown = report("phone-2", "k3y-0f-phone-1", 44.44, 26.09).await;
    let wrong = report("phone-1", "guess", 44.44, 26.09).await;
    let missing = report("phone-1", "", 44.44, 26.09).await;
    assert_eq!(unknown.0, 403);
    assert_eq!(unknown, wrong, "a guessed id and a wrong key get one answer");
    assert_eq!(wrong, missing);
    app.engine().settle().await.unwrap();
    let unmoved = app.store.list_crews().await.unwrap()[0].clone();
    assert_eq!((unmoved.lat, unmoved.lon), (crew.lat, crew.lon), "nothing moved");

    assert_eq!(report("phone-1", "k3y-0f-phone-1", crew.lat + 0.0005, crew.lon).await.0, 200, "its own key, 55 m away");
    let far = report("phone-1", "k3y-0f-phone-1", crew.lat + 9.0, crew.lon).await;
    assert_eq!(far.0, 422, "a 1,000 km jump: {}", far.1);
    app.engine().settle().await.unwrap();
    let after = app.store.list_crews().await.unwrap()[0].clone();
    assert!((after.lat - (crew.lat + 0.0005)).abs() < 1e-9, "only the plausible report moved the crew");

    // Failures are limited per address.
    for _ in 0..20 {
        report("phone-1", "guess", 44.44, 26.09).await;
    }
    assert_eq!(report("phone-1", "guess", 44.44, 26.09).await.0, 429);
    app.stop().await;
}

/// Everything a customer can see of their site, with ids and times taken out.
async fn customer_surface(app: &TestApp, customer: &reqwest::Client, site: i64) -> Value {
    let rpc = |name: &'static str, form: Vec<(&'static str, String)>| {
        let req = customer.post(app.url(&format!("/rpc/app/{name}"))).form(&form);
        async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 200, "{name}");
            resp.json::<Value>().await.unwrap()
        }
    };
    let site_form = || vec![("site_id", site.to_string())];
    let mut journal_form = site_form();
    journal_form.extend([("days", "10".to_owned()), ("filter", "all".to_owned())]);
    let rest = |path: String| {
        let req = customer.get(app.url(&path));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let surface = json!({
        "sites": rpc("sites", vec![]).await,
        "home": rpc("home", site_form()).await,
        "journal": rpc("journal", journal_form).await,
        "money": rpc("money", site_form()).await,
        "status": rest(format!("/api/v1/sites/{site}/status")).await,
        "billing": rest(format!("/api/v1/sites/{site}/billing")).await,
    });
    anonymize(surface)
}

/// Drops ids and replaces times, so that two sites' surfaces compare.
fn anonymize(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "id" | "site_id"
                            | "read_at"
                            | "arm_changed"
                            | "arm_changed_at_ms"
                            | "at"
                            | "at_ms"
                            | "date"
                            | "time"
                    )
                })
                .map(|(k, v)| (k, anonymize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(anonymize).collect()),
        other => other,
    }
}

/// Counts the `site` pings a customer's live stream sends until `done` resolves, plus 1.5 s.
async fn count_pings(app: &TestApp, customer: &reqwest::Client) -> tokio::task::JoinHandle<usize> {
    use futures::StreamExt;
    let resp = customer.get(app.url("/api/v1/app/stream")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    tokio::spawn(async move {
        let mut body = resp.bytes_stream();
        let mut text = String::new();
        let until = tokio::time::Instant::now() + Duration::from_secs(6);
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(until, body.next()).await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        text.matches("event: site").count()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_duress_disarm_every_customer_surface_reads_as_after_a_normal_one() {
    let app = spawn_app().await;
    let hash = app::ssr::auth::hash_password(PASSWORD.into()).await.unwrap();
    let twin_owner = app
        .store
        .create_user(&NewUser {
            username: "customer2".into(),
            password_hash: hash,
            role: "customer".into(),
            display_name: "Test customer".into(),
        })
        .await
        .unwrap();
    let first = app.store.site(app.site).await.unwrap().unwrap();
    let twin = app
        .store
        .create_site(&store::NewSite {
            name: first.name.clone(),
            address: first.address.clone(),
            city: first.city.clone(),
            lat: first.lat,
            lon: first.lon,
            time_zone: first.time_zone.clone(),
            owner_user_id: Some(twin_owner),
        })
        .await
        .unwrap();
    app.store.create_account(twin, "5678").await.unwrap();
    for (n, name) in app.store.zones(app.site).await.unwrap() {
        app.store.create_zone(twin, n, &name).await.unwrap();
    }
    let supervisor = app.signed_in("supervisor").await;
    for site in [app.site, twin] {
        let put = supervisor
            .put(app.url(&format!("/api/v1/sites/{site}/settings")))
            .json(&json!({ "duress_user": "9" }))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 200);
    }
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    let send = |seq: u16, account: &'static str, event: &'static str| cid_frame(seq, account, event).encode();
    for (seq, account) in [(1, "1234"), (2, "5678")] {
        assert_eq!(
            Frame::decode(&tcp_exchange(&mut panel, &send(seq, account, "3401 01 001")).await).unwrap().token,
            Token::Ack,
            "armed by user 1"
        );
    }
    app.engine().settle().await.unwrap();
    let normal_customer = app.signed_in("customer").await;
    let duress_customer = app.signed_in("customer2").await;
    let normal_pings = count_pings(&app, &normal_customer).await;
    let duress_pings = count_pings(&app, &duress_customer).await;

    // Site 1: user 1 disarms. The twin: user 9 disarms with the duress code.
    tcp_exchange(&mut panel, &send(3, "1234", "1401 01 001")).await;
    tcp_exchange(&mut panel, &send(4, "5678", "1401 01 009")).await;
    app.engine().settle().await.unwrap();
    // The centre works the silent incident (its plan sent a crew at once): claims it, notes, closes it.
    let operator = app.signed_in("operator").await;
    let incidents: Value =
        operator.get(app.url("/api/v1/incidents?open=true")).send().await.unwrap().json().await.unwrap();
    let duress =
        incidents.as_array().unwrap().iter().find(|i| i["site_id"] == json!(twin)).expect("the duress incident")["id"]
            .as_i64()
            .unwrap();
    for (action, body) in [
        ("ack", json!({})),
        ("note", json!({ "text": "police informed" })),
        ("close", json!({ "resolution": "false_user", "recall_crews": true })),
    ] {
        let resp =
            operator.post(app.url(&format!("/api/v1/incidents/{duress}/{action}"))).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{action}: {}", resp.text().await.unwrap());
    }
    app.engine().settle().await.unwrap();

    let normal = customer_surface(&app, &normal_customer, app.site).await;
    let under_duress = customer_surface(&app, &duress_customer, twin).await;
    assert_eq!(normal, under_duress, "every customer surface is the same after a duress disarm");
    assert!(!under_duress.to_string().to_lowercase().contains("duress") && !under_duress.to_string().contains("#9"));
    let (normal_pings, duress_pings) = (normal_pings.await.unwrap(), duress_pings.await.unwrap());
    assert_eq!(normal_pings, duress_pings, "the live stream pinged as often");
    let outbox = app.store.list_outbox(None, 100).await.unwrap();
    let to_site = |s: i64| outbox.iter().filter(|o| o.site_id == Some(s)).count();
    assert_eq!(to_site(app.site), to_site(twin), "no push, e-mail or SMS more for the duress site");
    let books: Value =
        supervisor.get(app.url(&format!("/api/v1/sites/{twin}/billing"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(books["dispatches"], json!(1), "the company's books keep the dispatch");
    app.stop().await;
}

#[tokio::test]
async fn the_safe_word_cannot_be_guessed_and_suspension_never_hides_a_life_safety_alarm() {
    let app = spawn_app().await;
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    tcp_exchange(&mut panel, &cid_frame(1, "1234", "1130 01 002").encode()).await;
    app.engine().settle().await.unwrap();
    let customer = app.signed_in("customer").await;
    let cancel = |password: &'static str| {
        let req = customer
            .post(app.url(&format!("/api/v1/sites/{}/cancel", app.site)))
            .json(&json!({ "password": password }));
        async move { req.send().await.unwrap().json::<Value>().await.unwrap()["result"].as_str().unwrap().to_owned() }
    };
    for guess in ["red heron", "blue crane", "grey heron"] {
        assert_eq!(cancel(guess).await, "wrong_password");
    }
    assert_eq!(
        cancel(crate::support::SAFE_WORD).await,
        "locked",
        "after 3 wrong guesses even the right word is not taken"
    );
    let operator = app.signed_in("operator").await;
    let queue: Value = operator.get(app.url("/api/v1/queue")).send().await.unwrap().json().await.unwrap();
    let card = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["site_id"] == json!(app.site))
        .expect("the alarm stays open")
        .clone();
    assert_eq!(card["priority"], json!(2), "burglary 3 raised one step: {card}");
    let detail: Value =
        operator.get(app.url(&format!("/api/v1/incidents/{}", card["id"]))).send().await.unwrap().json().await.unwrap();
    assert!(detail.to_string().contains("cancel password guessed wrong 3 times"), "the operators are told");

    // Suspension: supervisors only, with a reason and an end within the maximum.
    let url = app.url(&format!("/api/v1/sites/{}/suspend", app.site));
    let now = chrono::Utc::now().timestamp_millis();
    let day = 86_400_000;
    assert_eq!(
        operator.post(&url).json(&json!({ "until_ms": now + day, "reason": "works" })).send().await.unwrap().status(),
        403
    );
    let supervisor = app.signed_in("supervisor").await;
    assert_eq!(
        supervisor.post(&url).json(&json!({ "until_ms": now + day })).send().await.unwrap().status(),
        422,
        "no reason"
    );
    assert_eq!(
        supervisor
            .post(&url)
            .json(&json!({ "until_ms": now + 91 * day, "reason": "works" }))
            .send()
            .await
            .unwrap()
            .status(),
        422,
        "too long"
    );
    assert_eq!(
        supervisor
            .post(&url)
            .json(&json!({ "until_ms": now + day, "reason": "renovation" }))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    tcp_exchange(&mut panel, &cid_frame(2, "1234", "1110 01 003").encode()).await;
    app.engine().settle().await.unwrap();
    let queue: Value = operator.get(app.url("/api/v1/queue")).send().await.unwrap().json().await.unwrap();
    assert!(
        queue.to_string().contains("(suspended site)"),
        "a fire at a suspended site still reaches the operators: {queue}"
    );
    app.stop().await;
}

#[tokio::test]
async fn panel_and_vapid_keys_are_sealed_at_rest_and_need_the_secrets_key() {
    let key = "5e".repeat(32);
    let app = spawn_app_with(|c| c.secrets_key = Some(store::SecretsKey::from_hex(&"5e".repeat(32)).unwrap())).await;
    let panel_key = key_account(&app).await;
    // The receiver opens the sealed key: an encrypted frame is acknowledged.
    let mut tcp = TcpStream::connect(app.dc09).await.unwrap();
    let reply = tcp_exchange(&mut tcp, &cid_frame(1, "1234", "1130 01 001").encode_encrypted(&panel_key, b"pad")).await;
    assert!(Frame::decode(&reply).is_err(), "an encrypted ACK");
    assert_eq!(signals_of(&app, "1234").await.len(), 1);

    // The same database without the key (or with another) does not give the keys away.
    let url = app.database_url();
    let bare = store::Store::connect(&url).await.unwrap();
    let err = bare.account("1234").await.unwrap_err();
    assert!(err.to_string().contains("sealed"), "{err}");
    assert!(bare.seal_plain_secrets().await.is_err(), "the VAPID key is sealed too");
    let wrong = store::Store::connect(&url)
        .await
        .unwrap()
        .with_secrets_key(store::SecretsKey::from_hex(&"77".repeat(32)).unwrap());
    assert!(wrong.account("1234").await.is_err());
    let right = store::Store::connect(&url).await.unwrap().with_secrets_key(store::SecretsKey::from_hex(&key).unwrap());
    assert_eq!(right.account("1234").await.unwrap().unwrap().key.unwrap().expose_hex(), hex_of(panel_key.as_bytes()));
    app.stop().await;
}

#[tokio::test]
async fn keys_stored_in_the_clear_are_sealed_when_a_secrets_key_is_given() {
    let app = spawn_app().await;
    key_account(&app).await;
    let url = app.database_url();
    // As a restart with a secrets key would (the database is shared while the app runs).
    let key = store::SecretsKey::from_hex(&"42".repeat(32)).unwrap();
    let store = server::secrets::open_store(&url, Some(key), true).await.unwrap();
    assert!(store.account("1234").await.unwrap().unwrap().key.is_some());
    let bare = store::Store::connect(&url).await.unwrap();
    assert!(bare.account("1234").await.is_err(), "the panel key was sealed in place");
    app.stop().await;
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
