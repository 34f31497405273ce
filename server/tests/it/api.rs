//! End-to-end tests of `vigil serve` over real sockets with a real SQLite file: DC-09 frames
//! in over TCP, the API and the live stream out.

use std::time::Duration;

use crate::support::{spawn_app, TestApp};
use dc09::{Frame, Token};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn cid_frame(seq: u16, account: &str, event: &str) -> Vec<u8> {
    crate::support::cid_frame(seq, account, event).encode()
}

/// Reads and decodes one whole reply frame.
async fn read_reply(stream: &mut TcpStream) -> Frame {
    let reply = crate::support::read_frame(stream).await;
    Frame::decode(&reply).unwrap_or_else(|e| panic!("reply {:?} does not decode: {e}", String::from_utf8_lossy(&reply)))
}

async fn signals(app: &TestApp, client: &reqwest::Client) -> Vec<serde_json::Value> {
    let resp = client.get(app.url("/api/v1/signals")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn a_frame_is_acknowledged_with_its_sequence_and_found_through_the_api() {
    let app = spawn_app().await;
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    panel.write_all(&cid_frame(42, "1234", "1130 01 003")).await.unwrap();
    let ack = read_reply(&mut panel).await;
    assert_eq!(ack.token, Token::Ack);
    assert_eq!(
        (ack.seq, ack.account.as_str(), ack.line.as_str(), ack.receiver.as_deref()),
        (42, "1234", "1", Some("1"))
    );

    let client = app.signed_in("operator").await;
    let list = signals(&app, &client).await;
    let s = &list[0];
    assert_eq!(s["account"], "1234");
    assert_eq!(s["event_code"], "130");
    assert_eq!(s["zone"], "003");
    assert_eq!(s["zone_name"], "Back door");
    assert_eq!(s["site_name"], "Test shop");
    assert_eq!(s["known"], true);
    assert_eq!(s["class"], "alarm");
    assert_eq!(s["tz_abbr"].as_str().map(|t| t == "EET" || t == "EEST"), Some(true));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_account_is_stored_flagged_and_answered_duh() {
    let app = spawn_app().await;
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    panel.write_all(&cid_frame(7, "BEEF", "1110 01 001")).await.unwrap();
    assert_eq!(read_reply(&mut panel).await.token, Token::Duh);
    let client = app.signed_in("operator").await;
    let list = signals(&app, &client).await;
    assert_eq!(list[0]["account"], "BEEF");
    assert_eq!(list[0]["known"], false);
    assert!(list[0]["site_name"].is_null());
    app.stop().await;
}

#[tokio::test]
async fn a_malformed_frame_gets_no_ack_and_the_connection_survives() {
    let app = spawn_app().await;
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    let mut bad = cid_frame(1, "1234", "1130 01 003");
    bad[1] = if bad[1] == b'0' { b'1' } else { b'0' }; // break the CRC
    panel.write_all(&bad).await.unwrap();
    panel.write_all(b"garbage without a frame\r").await.unwrap();
    panel.write_all(&cid_frame(2, "1234", "3130 01 003")).await.unwrap();
    let reply = read_reply(&mut panel).await;
    assert_eq!((reply.token, reply.seq), (Token::Ack, 2), "the first reply must be the good frame's ACK");
    let client = app.signed_in("operator").await;
    let list = signals(&app, &client).await;
    assert_eq!(list.len(), 1, "only the good frame is stored");
    assert_eq!(list[0]["qualifier"], "restore");
    app.stop().await;
}

#[tokio::test]
async fn a_link_test_is_acknowledged_without_a_signal() {
    let app = spawn_app().await;
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    let null = Frame {
        token: Token::Null,
        data: String::new(),
        ..Frame::decode(&cid_frame(9, "1234", "1602 00 000")).unwrap()
    };
    panel.write_all(&null.encode()).await.unwrap();
    let reply = read_reply(&mut panel).await;
    assert_eq!((reply.token, reply.seq), (Token::Ack, 9));
    assert!(app.store.account("1234").await.unwrap().is_some());
    let client = app.signed_in("operator").await;
    assert!(signals(&app, &client).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn api_routes_need_a_session_and_the_right_role() {
    let app = spawn_app().await;
    let anonymous = app.client();
    assert_eq!(anonymous.get(app.url("/api/v1/signals")).send().await.unwrap().status(), 401);
    assert_eq!(anonymous.get(app.url("/api/v1/signals/stream")).send().await.unwrap().status(), 401);
    assert_eq!(anonymous.get(app.url("/api/v1/session")).send().await.unwrap().status(), 401);
    let wrong = anonymous
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "operator", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let empty = anonymous
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);

    let customer = app.signed_in("customer").await;
    assert_eq!(customer.get(app.url("/api/v1/signals")).send().await.unwrap().status(), 403);
    let me: serde_json::Value = customer.get(app.url("/api/v1/session")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "customer");

    let operator = app.signed_in("operator").await;
    assert_eq!(operator.get(app.url("/api/v1/signals?limit=0")).send().await.unwrap().status(), 422);
    assert_eq!(operator.delete(app.url("/api/v1/session")).send().await.unwrap().status(), 204);
    assert_eq!(operator.get(app.url("/api/v1/signals")).send().await.unwrap().status(), 401, "signed out");

    let journal = app.store.list_audit(20).await.unwrap();
    let actions: Vec<&str> = journal.iter().map(|a| a.action.as_str()).collect();
    for action in ["login", "login_failed", "logout"] {
        assert!(actions.contains(&action), "{action} missing from the audit journal: {actions:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn stored_signals_are_pushed_to_the_live_stream() {
    let app = spawn_app().await;
    let operator = app.signed_in("operator").await;
    let resp = operator.get(app.url("/api/v1/signals/stream")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.bytes_stream();

    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    panel.write_all(&cid_frame(5, "1234", "1110 01 002")).await.unwrap();
    assert_eq!(read_reply(&mut panel).await.token, Token::Ack);

    let mut text = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while !text.contains("\n\n") || !text.contains("event: signal") {
            let chunk = body.next().await.expect("stream ended").unwrap();
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("no signal event within 5 s");
    let data = text.lines().find_map(|l| l.strip_prefix("data: ")).expect("event without data");
    let view: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        (view["account"].as_str(), view["event_code"].as_str(), view["zone_name"].as_str()),
        (Some("1234"), Some("110"), Some("Hall"))
    );
    app.stop().await;
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    let doc: serde_json::Value =
        client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/api/v1/session", "/api/v1/signals", "/api/v1/signals/stream", "/healthz"] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["SignalView"].is_object());
    // Every server function of the admin and set-up pages is described there too.
    for (path, _) in leptos::server_fn::axum::server_fn_paths()
        .filter(|(p, _)| p.starts_with("/rpc/admin/") || p.starts_with("/rpc/setup/"))
    {
        let summary = doc["paths"][path]["post"]["summary"].as_str().unwrap_or_default();
        assert!(!summary.is_empty(), "{path} is not in the OpenAPI document");
    }
    assert!(doc["paths"]["/rpc/admin/site-plan"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"]["steps"]
        .is_object());
    app.stop().await;
}

#[tokio::test]
async fn supervisors_manage_accounts_and_keys_which_are_never_shown() {
    let app = spawn_app().await;
    let supervisor = app.signed_in("supervisor").await;
    let operator = app.signed_in("operator").await;
    let site_id = app.store.list_sites().await.unwrap()[0].id;
    let body = serde_json::json!({
        "number": "abc123", "site_id": site_id,
        "key": { "text": "0123456789abcdef" },
        "paths": [{ "line": "1", "name": "ethernet", "interval_s": 90, "grace_s": 30 }, { "line": "2", "name": "gsm", "interval_s": 86400, "grace_s": 3600 }]
    });
    let denied = operator.post(app.url("/api/v1/accounts")).json(&body).send().await.unwrap();
    assert_eq!(denied.status(), 403, "operators may not add accounts");
    let created = supervisor.post(app.url("/api/v1/accounts")).json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let text = created.text().await.unwrap();
    assert!(!text.contains("0123456789abcdef") && !text.contains("30313233"), "the key is never returned: {text}");
    let shown: serde_json::Value =
        operator.get(app.url("/api/v1/accounts/ABC123")).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown["key"], "AES-128");
    assert_eq!(shown["paths"].as_array().unwrap().len(), 2);
    assert_eq!(app.store.account("ABC123").await.unwrap().unwrap().key.unwrap().bits(), 128);

    let again = supervisor.post(app.url("/api/v1/accounts")).json(&body).send().await.unwrap();
    assert_eq!(again.status(), 409, "the number is taken");
    let bad_key = supervisor
        .put(app.url("/api/v1/accounts/ABC123/key"))
        .json(&serde_json::json!({ "hex": "abcd" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 422);
    let cleared =
        supervisor.put(app.url("/api/v1/accounts/ABC123/key")).json(&serde_json::Value::Null).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(app.store.account("ABC123").await.unwrap().unwrap().key.is_none());
    let paths = supervisor
        .put(app.url("/api/v1/accounts/ABC123/paths"))
        .json(&serde_json::json!([{ "line": "*", "name": "any", "interval_s": 600, "grace_s": 60 }]))
        .send()
        .await
        .unwrap();
    assert_eq!(paths.status(), 200);
    let missing =
        supervisor.put(app.url("/api/v1/accounts/FFFF/paths")).json(&serde_json::json!([])).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    let journal = app.store.list_audit(100).await.unwrap();
    let actions: Vec<&str> = journal.iter().map(|a| a.action.as_str()).collect();
    for action in ["account.create", "account.key", "account.paths"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(journal.iter().all(|a| !a.detail.as_deref().unwrap_or("").contains("0123456789abcdef")));
    app.stop().await;
}
