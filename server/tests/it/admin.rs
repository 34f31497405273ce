//! The admin pages' server functions set a real company up: an account added with its key
//! and paths takes the panel's encrypted frames at once and refuses plain ones; the key
//! shows back only as its size; bad fields come back one message each.

use dc09::{Frame, Key, Timestamp, Token};
use serde_json::{json, Value};
use tokio::net::TcpStream;

use crate::support::{spawn_app, tcp_exchange};

fn frame(seq: u16, account: &str, data: &str) -> Frame {
    Frame {
        timestamp: Some(Timestamp::from_unix(chrono::Utc::now().timestamp())),
        ..crate::support::frame(seq, account, Token::SiaDcs, data, Vec::new())
    }
}

#[tokio::test]
async fn an_account_added_on_the_admin_page_takes_its_panels_encrypted_frames() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let call = |path: &'static str, body: Value| {
        let (boss, url) = (boss.clone(), app.url(path));
        async move { boss.post(url).json(&body).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let path = json!({ "line": "*", "name": "link", "interval": "24h", "grace": "" });
    let bad = call("/rpc/admin/account-add", json!({ "site_id": app.site, "number": "7G", "key_format": "hex", "key": "abc", "paths": [{ "line": "?", "name": "", "interval": "soon", "grace": "" }] })).await;
    assert_eq!(bad["fields"][0][0], "number", "{bad}");
    let bad = call(
        "/rpc/admin/account-add",
        json!({ "site_id": app.site, "number": "7A10", "key_format": "hex", "key": "abc", "paths": [path] }),
    )
    .await;
    assert_eq!(bad["fields"][0], json!(["key", "32, 48 or 64 hex digits (AES-128, -192, -256)."]));
    let bad = call(
        "/rpc/admin/account-add",
        json!({ "site_id": app.site, "number": "7A10", "key_format": "text", "key": "", "paths": [path, path] }),
    )
    .await;
    assert_eq!(bad["fields"][0], json!(["path1", "Line * is listed twice."]));
    let taken = call(
        "/rpc/admin/account-add",
        json!({ "site_id": app.site, "number": "1234", "key_format": "hex", "key": "", "paths": [] }),
    )
    .await;
    assert_eq!(taken["fields"][0], json!(["number", "Account 1234 is already in use."]));

    let ok = call("/rpc/admin/account-add", json!({ "site_id": app.site, "number": "7a10", "key_format": "text", "key": "0123456789abcdef", "paths": [path] })).await;
    assert_eq!(ok, json!({ "fields": [], "form": null }));
    let detail = app.site_detail(&boss, app.site).await;
    let account =
        detail["accounts"].as_array().unwrap().iter().find(|a| a["number"] == "7A10").expect("listed").clone();
    assert_eq!(account["key"], "AES-128", "only the key's size comes back: {account}");
    assert!(!detail.to_string().contains("0123456789abcdef"));
    assert_eq!(account["paths"][0][0]["interval"], "1d");

    let key = Key::ascii("0123456789abcdef").unwrap();
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    let reply = tcp_exchange(&mut panel, &frame(1, "7A10", "Nri1/BA003").encode_encrypted(&key, b"pad")).await;
    let ack = Frame::decode_with(&reply, |_| Some(key.clone()), Timestamp::from_unix(chrono::Utc::now().timestamp()))
        .unwrap();
    assert_eq!((ack.token, ack.seq), (Token::Ack, 1), "the new account's encrypted frame is taken");
    let plain = Frame::decode(&tcp_exchange(&mut panel, &frame(2, "7A10", "Nri1/BA003").encode()).await).unwrap();
    assert_eq!(plain.token, Token::Nak, "a keyed account refuses plain frames");

    // The key removed on the page: plain frames are taken again.
    let cleared = call(
        "/rpc/admin/account-key",
        json!({ "site_id": app.site, "number": "7A10", "key_format": "hex", "key": "", "allow_plain": false }),
    )
    .await;
    assert_eq!(cleared["fields"], json!([]));
    // The receiver keeps a looked-up account for a second; the panel sends again after a NAK.
    let mut answer = Token::Nak;
    for _ in 0..30 {
        answer =
            Frame::decode(&tcp_exchange(&mut panel, &frame(3, "7A10", "Nri1/BA004").encode()).await).unwrap().token;
        if answer == Token::Ack {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(answer, Token::Ack, "plain frames taken once the key is gone");
    let paths = call("/rpc/admin/account-paths", json!({ "site_id": app.site, "number": "7A10", "paths": [{ "line": "1", "name": "ethernet", "interval": "90s", "grace": "30s" }] })).await;
    assert_eq!(paths["fields"], json!([]));
    let other_site = boss
        .post(app.url("/rpc/admin/account-paths"))
        .json(&json!({ "site_id": app.site + 1000, "number": "7A10", "paths": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(other_site.status(), 404);
    assert!(other_site.text().await.unwrap().contains("No account 7A10 of site"));
    let audit = app.store.list_audit(20).await.unwrap();
    for action in ["account.create", "account.key", "account.paths"] {
        assert!(audit.iter().any(|a| a.action == action && a.subject.as_deref() == Some("7A10")), "{action}");
    }
    assert!(
        audit.iter().all(|a| !a.detail.as_deref().unwrap_or_default().contains("0123456789")),
        "no key in the journal"
    );
    app.stop().await;
}
