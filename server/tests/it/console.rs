//! The operator console's truth over the real API: crews on an incident (backup, recall,
//! reassign, a close that asks first), a supervisor's take-over, test-mode signals marked in
//! the feed, notes bounded in size, and plain words in the workspace.

use dc09::{Frame, Token};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::{cid_frame, read_frame, spawn_app, TestApp};

async fn alarm(app: &TestApp, seq: u16) -> i64 {
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    stream.write_all(&cid_frame(seq, "1234", "1130 01 003").encode()).await.unwrap();
    assert_eq!(Frame::decode(&read_frame(&mut stream).await).unwrap().token, Token::Ack);
    app.engine().settle().await.unwrap();
    let operator = app.signed_in("operator").await;
    let open: Value = operator.get(app.url("/api/v1/incidents?open=true")).send().await.unwrap().json().await.unwrap();
    open[0]["id"].as_i64().unwrap()
}

async fn act(client: &reqwest::Client, app: &TestApp, id: i64, action: &str, body: Value) -> (u16, Value) {
    let resp = client.post(app.url(&format!("/api/v1/incidents/{id}/{action}"))).json(&body).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

async fn crew_ids(app: &TestApp) -> (i64, i64) {
    let crews = app.store.list_crews().await.unwrap();
    let id = |name: &str| crews.iter().find(|c| c.name == name).unwrap().id;
    (id("Echo 1"), id("Echo 2"))
}

#[tokio::test]
async fn backup_recall_reassign_and_a_close_that_asks_about_the_crew() {
    let app = spawn_app().await;
    let id = alarm(&app, 1).await;
    let (echo1, echo2) = crew_ids(&app).await;
    let operator = app.signed_in("operator").await;
    assert_eq!(act(&operator, &app, id, "dispatch", json!({ "crew_id": echo1 })).await.0, 200);
    // A second crew is a backup, not "a crew is already dispatched".
    let (status, body) = act(&operator, &app, id, "dispatch", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let inc: Value =
        operator.get(app.url(&format!("/api/v1/incidents/{id}"))).send().await.unwrap().json().await.unwrap();
    let crews: Vec<(i64, bool)> = inc["crews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["crew_id"].as_i64().unwrap(), c["backup"].as_bool().unwrap()))
        .collect();
    assert_eq!(crews, vec![(echo1, false), (echo2, true)]);
    // Closing with crews out is a conflict that names them; nothing changes.
    let (status, body) = act(&operator, &app, id, "close", json!({ "resolution": "real" })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "Echo 1 and Echo 2 still on this incident: recall them to close it");
    // Recall the backup; reassign the first: the nearest free crew is chosen before Echo 1 is
    // free again, so it is Echo 2.
    assert_eq!(act(&operator, &app, id, "recall", json!({ "crew_id": echo2 })).await.0, 200);
    let (status, body) = act(&operator, &app, id, "reassign", json!({ "from_crew": echo1 })).await;
    assert_eq!(status, 200, "{body}");
    let crews = app.store.list_crews().await.unwrap();
    let status_of = |id: i64| crews.iter().find(|c| c.id == id).unwrap().status.clone();
    assert_eq!((status_of(echo1).as_str(), status_of(echo2).as_str()), ("available", "dispatched"));
    // Closed with the crews called back, in one action.
    let (status, body) = act(&operator, &app, id, "close", json!({ "resolution": "real", "recall_crews": true })).await;
    assert_eq!(status, 200, "{body}");
    let crews = app.store.list_crews().await.unwrap();
    assert!(crews.iter().all(|c| c.status == "available"), "{crews:?}");
    app.stop().await;
}

#[tokio::test]
async fn only_a_supervisor_takes_over_and_the_operator_is_locked_out() {
    let app = spawn_app().await;
    let id = alarm(&app, 1).await;
    let operator = app.signed_in("operator").await;
    let supervisor = app.signed_in("supervisor").await;
    assert_eq!(act(&operator, &app, id, "ack", json!({})).await.0, 200);
    assert_eq!(act(&supervisor, &app, id, "note", json!({ "text": "mine?" })).await.0, 409, "claimed by the operator");
    assert_eq!(act(&operator, &app, id, "take_over", json!({})).await.0, 403, "an operator cannot take over");
    assert_eq!(act(&supervisor, &app, id, "take_over", json!({})).await.0, 200);
    assert_eq!(act(&operator, &app, id, "note", json!({ "text": "still mine?" })).await.0, 409);
    let inc: Value =
        supervisor.get(app.url(&format!("/api/v1/incidents/{id}"))).send().await.unwrap().json().await.unwrap();
    let last = inc["journal"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["actor"].as_str()), (Some("taken_over"), Some("operator")));
    app.stop().await;
}

#[tokio::test]
async fn a_note_is_bounded_and_says_so() {
    let app = spawn_app().await;
    let id = alarm(&app, 1).await;
    let operator = app.signed_in("operator").await;
    let (status, body) = act(&operator, &app, id, "note", json!({ "text": "x".repeat(5000) })).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "A note is at most 2000 characters (5000 written)");
    assert_eq!(act(&operator, &app, id, "note", json!({ "text": "x".repeat(2000) })).await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_signal_of_a_site_on_test_is_marked_in_the_feed() {
    let app = spawn_app().await;
    let operator = app.signed_in("operator").await;
    alarm(&app, 1).await;
    let customer = app.signed_in("customer").await;
    let resp = customer
        .post(app.url(&format!("/api/v1/sites/{}/test", app.site)))
        .json(&json!({ "minutes": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    stream.write_all(&cid_frame(2, "1234", "1130 01 002").encode()).await.unwrap();
    read_frame(&mut stream).await;
    app.engine().settle().await.unwrap();
    let feed: Vec<Value> = operator
        .post(app.url("/rpc/recent_signals"))
        .header("origin", app.origin())
        .form(&[] as &[(&str, &str)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let marks: Vec<(String, bool)> =
        feed.iter().map(|s| (s["zone"].as_str().unwrap_or("").to_owned(), s["test"].as_bool().unwrap())).collect();
    assert_eq!(
        marks,
        vec![("002".to_owned(), true), ("003".to_owned(), false)],
        "newest first: the test one marked, the live one not"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_long_contact_name_gets_its_own_message() {
    let app = spawn_app().await;
    let customer = app.signed_in("customer").await;
    let contact = app.store.contacts(app.site).await.unwrap()[0].id;
    let save = |name: String| {
        let (customer, url, site) = (customer.clone(), app.url("/rpc/app/contact_save"), app.site.to_string());
        async move {
            let resp = customer
                .post(url)
                .form(&[
                    ("site_id", site.as_str()),
                    ("contact_id", contact.to_string().as_str()),
                    ("name", name.as_str()),
                    ("phone", "+40 721 555 010"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            resp.json::<Vec<(String, String)>>().await.unwrap()
        }
    };
    assert_eq!(save("x".repeat(400)).await, vec![("name".to_owned(), "name_long".to_owned())]);
    assert_eq!(save("  ".into()).await, vec![("name".to_owned(), "name_required".to_owned())]);
    assert_eq!(save("Ana Maria Popescu".into()).await, Vec::<(String, String)>::new());
    app.stop().await;
}

#[tokio::test]
async fn a_guard_reports_what_was_found_with_a_photo_into_the_journal() {
    let app = spawn_app().await;
    let id = alarm(&app, 1).await;
    let (echo1, _) = crew_ids(&app).await;
    let hash = app::ssr::auth::hash_password(crate::support::PASSWORD.into()).await.unwrap();
    let guard_id = app
        .store
        .create_user(&store::NewUser {
            username: "guard".into(),
            password_hash: hash,
            role: "crew".into(),
            display_name: "Guard".into(),
        })
        .await
        .unwrap();
    app.store.set_crew_user(echo1, Some(guard_id)).await.unwrap();
    let guard = app.signed_in("guard").await;
    let finding = |text: &'static str, photo: Option<i64>| {
        let (guard, url) = (guard.clone(), app.url("/rpc/crew/finding"));
        async move {
            let resp = guard.post(url).json(&json!({ "text": text, "photo": photo })).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // No job yet: nothing to report on, and no photo is kept.
    assert_eq!(finding("nothing", None).await.1["ok"], false);
    assert_eq!(
        guard.post(app.url("/api/v1/crew/photo")).body(vec![0xFF, 0xD8, 0xFF, 0xE0]).send().await.unwrap().status(),
        409
    );

    let operator = app.signed_in("operator").await;
    assert_eq!(act(&operator, &app, id, "dispatch", json!({ "crew_id": echo1 })).await.0, 200);
    let script =
        guard.post(app.url("/api/v1/crew/photo")).body(b"<script>alert(1)</script>".to_vec()).send().await.unwrap();
    assert_eq!(script.status(), 422, "only images are kept");
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[9u8; 2048][..]].concat();
    let kept: Value =
        guard.post(app.url("/api/v1/crew/photo")).body(jpeg.clone()).send().await.unwrap().json().await.unwrap();
    let photo = kept["photo_id"].as_i64().unwrap();
    let answer = finding("Back door forced, nobody inside", Some(photo)).await;
    assert_eq!(answer.1["ok"], true, "{answer:?}");
    assert_eq!(finding("x", Some(photo + 100)).await.0, 404, "a photo that is not the crew's is refused");

    let inc: Value =
        operator.get(app.url(&format!("/api/v1/incidents/{id}"))).send().await.unwrap().json().await.unwrap();
    let line = inc["journal"].as_array().unwrap().iter().find(|j| j["action"] == "crew_finding").unwrap().clone();
    assert_eq!(line["detail"], json!(format!("Echo 1: Back door forced, nobody inside (photo {photo})")));
    let image = operator.get(app.url(&format!("/api/v1/incidents/{id}/photos/{photo}"))).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    assert_eq!(image.bytes().await.unwrap().to_vec(), jpeg);
    assert_eq!(
        guard.get(app.url(&format!("/api/v1/incidents/{id}/photos/{photo}"))).send().await.unwrap().status(),
        403,
        "staff only"
    );
    app.stop().await;
}
