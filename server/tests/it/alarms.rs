//! The alarm engine end to end: real DC-09 frames into a running Vigil, the customer's and
//! the operator's HTTP API, and the engine's clock moved forward by hand.

use crate::support::{frame, spawn_app, TestApp, SAFE_WORD};
use dc09::{Frame, Token, XData};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;

/// Contact ID event `QEEE GG ZZZ` from account 1234.
fn cid(seq: u16, event: &str) -> Frame {
    frame(seq, "1234", Token::AdmCid, event, Vec::new())
}

/// Sends frames over one connection, each acknowledged before the next.
async fn send(app: &TestApp, frames: &[Frame]) {
    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    for f in frames {
        stream.write_all(&f.encode()).await.unwrap();
        let reply = Frame::decode(&crate::support::read_frame(&mut stream).await).unwrap();
        assert_eq!(reply.token, Token::Ack, "{f:?}");
    }
}

/// Sends, then lets the engine process everything stored and due.
async fn send_settled(app: &TestApp, frames: &[Frame]) {
    send(app, frames).await;
    app.engine().settle().await.unwrap();
}

async fn advance(app: &TestApp, ms: i64) {
    app.engine().clock().advance(ms);
    app.engine().settle().await.unwrap();
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}: {}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Value {
    let resp = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{url}: {}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

async fn put_settings(app: &TestApp, site: i64, settings: Value) {
    let supervisor = app.signed_in("supervisor").await;
    let resp = supervisor.put(app.url(&format!("/api/v1/sites/{site}/settings"))).json(&settings).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

async fn incidents(app: &TestApp, open: bool) -> Vec<Value> {
    let operator = app.signed_in("operator").await;
    get(&operator, app.url(&format!("/api/v1/incidents?open={open}"))).await.as_array().unwrap().clone()
}

async fn only_incident(app: &TestApp, open: bool) -> Value {
    let all = incidents(app, open).await;
    assert_eq!(all.len(), 1, "{all:#?}");
    all[0].clone()
}

async fn journal(app: &TestApp, id: i64) -> Vec<String> {
    let operator = app.signed_in("operator").await;
    let detail = get(&operator, app.url(&format!("/api/v1/incidents/{id}"))).await;
    detail["journal"].as_array().unwrap().iter().map(|j| j["action"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn burglary_cancelled_by_the_customer_in_time_sends_no_crew() {
    let app = spawn_app().await;
    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    let customer = app.signed_in("customer").await;
    let status = get(&customer, app.url(&format!("/api/v1/sites/{}/status", app.site))).await;
    let alarm = &status["alarms"][0];
    assert_eq!(alarm["category"], "burglary");
    let opened = alarm["opened_at_ms"].as_i64().unwrap();
    assert_eq!(alarm["cancel_until_ms"].as_i64().unwrap(), opened + 150 * SEC);
    advance(&app, 100 * SEC).await;
    let wrong =
        post(&customer, app.url(&format!("/api/v1/sites/{}/cancel", app.site)), json!({ "password": "guess" })).await;
    assert_eq!(wrong["result"], "wrong_password");
    let answer =
        post(&customer, app.url(&format!("/api/v1/sites/{}/cancel", app.site)), json!({ "password": SAFE_WORD })).await;
    assert_eq!(answer["result"], "cancelled");
    advance(&app, 10 * MIN).await;
    let inc = only_incident(&app, false).await;
    assert_eq!(
        (inc["status"].as_str(), inc["resolution"].as_str(), &inc["crew_id"]),
        (Some("closed"), Some("cancelled"), &Value::Null)
    );
    let actions = journal(&app, inc["id"].as_i64().unwrap()).await;
    assert!(actions.contains(&"warning".to_owned()) && actions.contains(&"closed".to_owned()), "{actions:?}");
    assert!(!actions.contains(&"dispatched".to_owned()));
    let mail = app.store.list_outbox(Some(inc["id"].as_i64().unwrap()), 10).await.unwrap();
    assert!(
        mail.iter().any(|m| m.channel == "email" && m.recipient == "ana@example.org"),
        "the customer was told: {mail:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn burglary_without_a_cancel_dispatches_the_nearest_crew_and_a_late_cancel_is_refused() {
    let app = spawn_app().await;
    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    advance(&app, 149 * SEC).await;
    assert_eq!(only_incident(&app, true).await["status"], "new", "still in the window");
    advance(&app, 2 * SEC).await;
    let inc = only_incident(&app, true).await;
    assert_eq!(inc["status"], "dispatched");
    let crews = app.store.list_crews().await.unwrap();
    let echo1 = crews.iter().find(|c| c.name == "Echo 1").unwrap();
    assert_eq!(inc["crew_id"].as_i64(), Some(echo1.id), "Echo 1 is the nearest");
    assert_eq!(echo1.status, "dispatched");
    let customer = app.signed_in("customer").await;
    let answer =
        post(&customer, app.url(&format!("/api/v1/sites/{}/cancel", app.site)), json!({ "password": SAFE_WORD })).await;
    assert_eq!(answer["result"], "crew_already_dispatched");
    let inc = only_incident(&app, true).await;
    assert_eq!(inc["status"], "dispatched");
    assert_eq!(inc["cancel_attempts"].as_array().unwrap().len(), 1);
    assert!(journal(&app, inc["id"].as_i64().unwrap()).await.contains(&"cancel_refused".to_owned()));
    app.stop().await;
}

#[tokio::test]
async fn duress_looks_like_a_normal_disarm_to_the_customer_and_tops_the_operator_queue() {
    let app = spawn_app().await;
    put_settings(&app, app.site, json!({ "duress_user": "9" })).await;
    send_settled(&app, &[cid(1, "3401 01 001"), cid(2, "1130 01 002"), cid(3, "1401 01 009")]).await;
    let customer = app.signed_in("customer").await;
    let status = get(&customer, app.url(&format!("/api/v1/sites/{}/status", app.site))).await;
    assert_eq!(status["arm"], "disarmed");
    let alarms = status["alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1, "only the burglary: {alarms:?}");
    assert_eq!(alarms[0]["category"], "burglary");
    let operator = app.signed_in("operator").await;
    let queue = get(&operator, app.url("/api/v1/queue")).await;
    assert_eq!(queue[0]["category"], "duress", "{queue:#?}");
    assert_eq!(queue[0]["priority"], 0);
    assert_eq!(queue[0]["silent"], true);
    let duress = queue[0]["id"].as_i64().unwrap();
    assert!(app.store.list_outbox(Some(duress), 10).await.unwrap().is_empty(), "nobody at the site is told");
    let text = customer
        .get(app.url(&format!("/api/v1/sites/{}/status", app.site)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.to_lowercase().contains("duress"), "{text}");
    let resp = customer.get(app.url("/api/v1/incidents")).send().await.unwrap();
    assert_eq!(resp.status(), 403, "customers never list incidents");
    app.stop().await;
}

#[tokio::test]
async fn fire_opens_a_top_priority_incident_with_a_two_minute_window() {
    let app = spawn_app().await;
    send_settled(&app, &[frame(1, "1234", Token::SiaDcs, "Nri1/FA005", Vec::new())]).await;
    let inc = only_incident(&app, true).await;
    assert_eq!((inc["category"].as_str(), inc["priority"].as_i64()), (Some("fire"), Some(1)));
    assert_eq!(inc["cancel_until_ms"].as_i64().unwrap(), inc["opened_at_ms"].as_i64().unwrap() + 120 * SEC);
    assert!(inc["steps"].as_array().unwrap().iter().any(|s| s["step"]["kind"] == "notify_fire"), "{inc:#?}");
    advance(&app, 121 * SEC).await;
    assert_eq!(only_incident(&app, true).await["status"], "dispatched");
    app.stop().await;
}

#[tokio::test]
async fn test_mode_records_alarms_as_tests_and_goes_live_at_expiry() {
    let app = spawn_app().await;
    let customer = app.signed_in("customer").await;
    post(&customer, app.url(&format!("/api/v1/sites/{}/test", app.site)), json!({ "minutes": 10 })).await;
    let status = get(&customer, app.url(&format!("/api/v1/sites/{}/status", app.site))).await;
    assert!(status["test_until_ms"].as_i64().is_some());
    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    assert!(incidents(&app, true).await.is_empty(), "nothing to act on");
    let test = only_incident(&app, false).await;
    assert_eq!((test["test"].as_bool(), test["resolution"].as_str()), (Some(true), Some("test")));
    advance(&app, 5 * MIN).await;
    send_settled(&app, &[cid(2, "1130 01 002")]).await;
    assert!(incidents(&app, true).await.is_empty(), "still on test after 5 minutes");
    advance(&app, 6 * MIN).await;
    let status = get(&customer, app.url(&format!("/api/v1/sites/{}/status", app.site))).await;
    assert_eq!(status["test_until_ms"], Value::Null, "live again by itself");
    send_settled(&app, &[cid(3, "1130 01 001")]).await;
    let live = only_incident(&app, true).await;
    assert_eq!(live["test"], false);
    let audit = app.store.list_audit(50).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "site.test_ended"), "{audit:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_site_left_disarmed_after_closing_time_raises_fail_to_close() {
    let app = spawn_app().await;
    let tz: chrono_tz::Tz = "Europe/Bucharest".parse().unwrap();
    let local = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap().with_timezone(&tz);
    use chrono::Timelike;
    if local(app.engine().clock().now_ms()).hour() >= 22 {
        app.engine().clock().advance(3 * 60 * MIN);
    }
    let close =
        local(app.engine().clock().now_ms() + 10 * MIN).time().with_second(0).unwrap().with_nanosecond(0).unwrap();
    let hours = json!({ "open": "00:00:00", "close": close.format("%H:%M:%S").to_string() });
    put_settings(
        &app,
        app.site,
        json!({ "schedule": { "days": [hours, hours, hours, hours, hours, hours, hours], "tolerance_min": 0 } }),
    )
    .await;
    send_settled(&app, &[cid(1, "1401 01 001")]).await;
    assert!(incidents(&app, true).await.is_empty(), "disarmed during opening hours");
    advance(&app, 11 * MIN).await;
    let inc = only_incident(&app, true).await;
    assert_eq!((inc["title"].as_str(), inc["priority"].as_i64()), (Some("Fail to close"), Some(6)));
    app.stop().await;
}

fn at(pos: (f64, f64)) -> Vec<XData> {
    vec![XData { id: 'X', value: format!("{:.5}", pos.1) }, XData { id: 'Y', value: format!("{:.5}", pos.0) }]
}

#[tokio::test]
async fn a_standing_vehicle_gets_a_crew_and_a_moving_one_goes_to_the_police() {
    let app = spawn_app().await;
    for (account, moving) in [("5678", false), ("5679", true)] {
        let site = app
            .store
            .create_site(&store::NewSite {
                name: format!("Van {account}"),
                address: "-".into(),
                city: "București".into(),
                lat: 44.43,
                lon: 26.10,
                time_zone: "Europe/Bucharest".into(),
                owner_user_id: None,
            })
            .await
            .unwrap();
        app.store.create_account(site, account).await.unwrap();
        put_settings(&app, site, json!({ "kind": "vehicle", "cancel_window_s": 0 })).await;
        let second = if moving { (44.4400, 26.1000) } else { (44.4300, 26.1000) };
        send_settled(
            &app,
            &[
                frame(1, account, Token::AdmCid, "1602 00 000", at((44.4300, 26.1000))),
                frame(2, account, Token::AdmCid, "1130 01 001", at(second)),
            ],
        )
        .await;
        let operator = app.signed_in("operator").await;
        let list = get(&operator, app.url(&format!("/api/v1/incidents?open=true&site_id={site}"))).await;
        let inc = &list[0];
        assert_eq!(inc["moving"], moving, "{inc:#?}");
        if moving {
            assert_eq!(inc["crew_id"], Value::Null);
            assert!(journal(&app, inc["id"].as_i64().unwrap()).await.contains(&"police_notified".to_owned()));
        } else {
            assert_eq!(inc["status"], "dispatched");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_restart_in_the_middle_of_a_cancel_window_keeps_its_deadline() {
    let app = spawn_app().await;
    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    advance(&app, 60 * SEC).await;
    let app = app.restart().await;
    app.engine().settle().await.unwrap();
    let inc = only_incident(&app, true).await;
    assert_eq!(inc["status"], "new", "the window is still running after the restart");
    advance(&app, 91 * SEC).await;
    let after = only_incident(&app, true).await;
    assert_eq!(after["id"], inc["id"], "the same incident, not a second one");
    assert_eq!(after["status"], "dispatched");
    app.stop().await;
}

#[tokio::test]
async fn billing_counters_over_a_year_of_incidents() {
    let app = spawn_app().await;
    let tz: chrono_tz::Tz = "Europe/Bucharest".parse().unwrap();
    let now = app.engine().clock().now_ms();
    let year = chrono::DateTime::from_timestamp_millis(now)
        .unwrap()
        .with_timezone(&tz)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1;
    let jan10 = chrono::NaiveDate::from_ymd_opt(year, 1, 10)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    app.engine().clock().advance(jan10 - now);
    let start = app.engine().clock().now_ms();
    put_settings(&app, app.site, json!({ "billing": { "connected_at_ms": start - 400 * 24 * 60 * MIN, "warranty_until_ms": start + 400 * 24 * 60 * MIN, "included_per_year": 4 }, "price": { "per_dispatch_minor": 25000, "currency": "RON" } })).await;
    let operator = app.signed_in("operator").await;
    let outcomes = ["false_user", "false_user", "real", "false_technical", "real", "real", "real", "false_user"];
    for (n, resolution) in outcomes.iter().enumerate() {
        send_settled(&app, &[cid(10 + n as u16, "1130 01 003")]).await;
        advance(&app, 151 * SEC).await;
        let inc = only_incident(&app, true).await;
        assert_eq!(inc["status"], "dispatched");
        post(
            &operator,
            app.url(&format!("/api/v1/incidents/{}/close", inc["id"])),
            json!({ "resolution": resolution, "recall_crews": true }),
        )
        .await;
        advance(&app, 40 * 24 * 60 * MIN).await;
    }
    let customer = app.signed_in("customer").await;
    let account = get(&customer, app.url(&format!("/api/v1/sites/{}/billing?year={year}", app.site))).await;
    assert_eq!(account["dispatches"], 8, "{account:#?}");
    assert_eq!(account["free"], 2, "first false call of the year, technical fault under warranty");
    assert_eq!(account["included_used"], 4);
    assert_eq!(account["billable"], 2);
    let other = get(&customer, app.url(&format!("/api/v1/sites/{}/billing?year={}", app.site, year - 1))).await;
    assert_eq!(other["dispatches"], 0);

    // The monthly reports of the service review: January held the first false call (free),
    // February the second (one of the included).
    let boss = app.signed_in("supervisor").await;
    let month = |m: u32| {
        post(&boss, app.url("/rpc/admin/monthly"), json!({ "account": "1234", "month": format!("{year}-{m:02}") }))
    };
    let january = month(1).await;
    let r = &january["Ok"];
    assert_eq!(
        (r["total"].as_u64(), r["dispatches"].as_u64(), r["free"].as_u64(), r["false_alarms"].as_u64()),
        (Some(1), Some(1), Some(1), Some(1)),
        "{january}"
    );
    assert_eq!(r["by_category"], json!([["Burglary", 1]]));
    let february = month(2).await;
    assert_eq!(
        (february["Ok"]["included"].as_u64(), february["Ok"]["billed"].as_u64()),
        (Some(1), Some(0)),
        "{february}"
    );
    // September's dispatch is past the included ones: billed at the contract's price.
    let september = month(9).await;
    assert_eq!(september["Ok"]["billed_amount"], "1 × 250.00 RON = 250.00 RON", "{september}");
    let bad = post(&boss, app.url("/rpc/admin/monthly"), json!({ "account": "1234", "month": "January" })).await;
    assert_eq!(bad["Err"]["fields"][0], json!(["month", "A month: YYYY-MM."]));
    app.stop().await;
}

#[tokio::test]
async fn a_storm_of_2000_alarms_folds_into_a_few_groups_with_fire_still_first() {
    let app = spawn_app().await;
    let areas = [(44.43, 26.10), (44.38, 26.01), (45.76, 21.23), (46.77, 23.59)];
    let mut accounts = Vec::new();
    for n in 0..2000u32 {
        let (lat, lon) = areas[(n % 4) as usize];
        let site = app
            .store
            .create_site(&store::NewSite {
                name: format!("Storm {n}"),
                address: "-".into(),
                city: "-".into(),
                lat: lat + f64::from(n % 50) * 0.0002,
                lon,
                time_zone: "Europe/Bucharest".into(),
                owner_user_id: None,
            })
            .await
            .unwrap();
        let account = format!("{:04X}", 0x4000 + n);
        app.store.create_account(site, &account).await.unwrap();
        accounts.push(account);
    }
    let mut senders = tokio::task::JoinSet::new();
    for chunk in accounts.chunks(100) {
        let frames: Vec<Frame> = chunk.iter().map(|a| frame(1, a, Token::AdmCid, "1130 01 001", Vec::new())).collect();
        let dc09 = app.dc09;
        senders.spawn(async move {
            let mut stream = TcpStream::connect(dc09).await.unwrap();
            for f in frames {
                stream.write_all(&f.encode()).await.unwrap();
                assert_eq!(Frame::decode(&crate::support::read_frame(&mut stream).await).unwrap().token, Token::Ack);
            }
        });
    }
    while let Some(done) = senders.join_next().await {
        done.unwrap();
    }
    send_settled(&app, &[cid(1, "1110 01 005")]).await;
    let operator = app.signed_in("operator").await;
    let queue = get(&operator, app.url("/api/v1/queue")).await;
    let queue = queue.as_array().unwrap();
    assert_eq!(queue[0]["category"], "fire", "highest priority first: {:#?}", &queue[..2]);
    let groups: Vec<&Value> = queue.iter().filter(|e| e["kind"] == "group").collect();
    assert_eq!(groups.len(), 4, "one group per area");
    let grouped: i64 = groups.iter().map(|g| g["count"].as_i64().unwrap()).sum();
    assert_eq!(grouped, 2000);
    assert!(queue.len() <= 6, "{} lines", queue.len());
    app.stop().await;
}

#[tokio::test]
async fn an_incident_nobody_claims_alerts_the_supervisors_on_shift_by_sms_and_email() {
    let app = spawn_app().await;
    let boss = app.store.user_by_username("supervisor").await.unwrap().unwrap();
    app.store.set_user_contact(boss.id, Some("+40700000099"), Some("boss@example.org")).await.unwrap();
    let operator = app.store.user_by_username("operator").await.unwrap().unwrap();
    app.store.set_user_contact(operator.id, Some("+40700000077"), None).await.unwrap();
    let _on_shift = app.signed_in("supervisor").await;
    let _also = app.signed_in("operator").await;
    send_settled(&app, &[cid(1, "1137 01 001")]).await;
    let inc = only_incident(&app, true).await["id"].as_i64().unwrap();
    let alerts = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .list_outbox(Some(inc), 50)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.subject.contains("not claimed"))
                .collect::<Vec<_>>()
        }
    };
    advance(&app, 30 * SEC).await;
    assert!(alerts(&app).await.is_empty(), "not yet late");
    advance(&app, 2 * MIN).await;
    let sent = alerts(&app).await;
    let to: Vec<(&str, &str)> = sent.iter().map(|m| (m.channel.as_str(), m.recipient.as_str())).collect();
    assert_eq!(to.len(), 2, "{to:?} {:?}", journal(&app, inc).await);
    assert!(to.contains(&("sms", "+40700000099")) && to.contains(&("email", "boss@example.org")), "{to:?}");
    assert!(sent.iter().all(|m| m.body.contains(&format!("/operator/incidents/{inc}"))));
    advance(&app, 5 * MIN).await;
    assert_eq!(alerts(&app).await.len(), 2, "once per incident");
    app.stop().await;
}

#[tokio::test]
async fn a_duress_code_and_billing_terms_set_on_the_admin_page_take_effect() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let rules = |duress: &str, connected: &str| {
        json!({ "site_id": app.site, "rules": {
        "duress_user": duress, "duress_shown_as": "1", "cancel_window_s": "150", "fire_cancel_window_s": "120",
        "life_sign": "", "crew_sla_min": "25", "connected": connected, "warranty_until": "2026-03-31", "included_per_year": "2" } })
    };
    let bad = post(&boss, app.url("/rpc/admin/site-rules"), rules("nine", "")).await;
    assert_eq!(bad["fields"][0], json!(["duress_user", "A panel user number: 1 to 6 digits, or nothing."]));
    let ok = post(&boss, app.url("/rpc/admin/site-rules"), rules("9", "2026-01-15")).await;
    assert_eq!(ok["fields"], json!([]));
    let settings: Value = serde_json::from_str(&app.store.site_settings(app.site).await.unwrap().unwrap()).unwrap();
    assert_eq!(
        (
            settings["duress_user"].as_str(),
            settings["billing"]["included_per_year"].as_u64(),
            settings["crew_sla_ms"].as_i64()
        ),
        (Some("9"), Some(2), Some(25 * MIN))
    );
    // 2026-03-31 23:59:59.999 in Bucharest (UTC+3 in summer time).
    assert_eq!(settings["billing"]["warranty_until_ms"].as_i64(), Some(1_774_990_799_999));
    send_settled(&app, &[cid(1, "1401 01 009")]).await;
    let operator = app.signed_in("operator").await;
    let queue = get(&operator, app.url("/api/v1/queue")).await;
    assert_eq!(queue[0]["category"], "duress", "the duress code set on the page raises a duress alarm: {queue:#?}");
    let detail = app.site_detail(&boss, app.site).await;
    assert_eq!(
        (detail["rules"]["connected"].as_str(), detail["rules"]["warranty_until"].as_str()),
        (Some("2026-01-15"), Some("2026-03-31"))
    );

    // Opening hours past midnight on Fridays; a day that opens and closes at once is refused.
    let mut days = vec![json!(["", ""]); 7];
    days[4] = json!(["18:00", "02:00"]);
    days[1] = json!(["09:00", "09:00"]);
    let hours = |days: &Vec<Value>| json!({ "site_id": app.site, "hours": { "supervised": true, "days": days, "tolerance_min": "15" } });
    let bad = post(&boss, app.url("/rpc/admin/site-hours"), hours(&days)).await;
    assert_eq!(bad["fields"][0], json!(["day1", "Opening and closing must differ."]));
    days[1] = json!(["", ""]);
    assert_eq!(post(&boss, app.url("/rpc/admin/site-hours"), hours(&days)).await["fields"], json!([]));
    let settings: Value = serde_json::from_str(&app.store.site_settings(app.site).await.unwrap().unwrap()).unwrap();
    assert_eq!(settings["schedule"]["days"][4], json!({ "open": "18:00:00", "close": "02:00:00" }));
    assert_eq!(settings["duress_user"], "9", "the hours leave the other rules alone");

    // Closed at lunch on Tuesdays: a second window, after the first; the engine and the
    // form read it back.
    days[1] = json!(["08:00", "12:00"]);
    let mut later = vec![json!(["", ""]); 7];
    later[1] = json!(["11:30", "18:00"]);
    let two = |later: &Vec<Value>| json!({ "site_id": app.site, "hours": { "supervised": true, "days": days, "later": later, "tolerance_min": "15" } });
    let overlap = post(&boss, app.url("/rpc/admin/site-hours"), two(&later)).await;
    assert_eq!(overlap["fields"][0][0], "later1");
    later[1] = json!(["14:00", "18:00"]);
    assert_eq!(post(&boss, app.url("/rpc/admin/site-hours"), two(&later)).await["fields"], json!([]));
    let site = app.site;
    let windows = app
        .engine()
        .read(move |e, _| e.site(site).and_then(|s| s.settings.schedule.clone()).map(|s| s.windows(1).count()))
        .await
        .unwrap();
    assert_eq!(windows, Some(2));
    let detail = app.site_detail(&boss, app.site).await;
    assert_eq!(detail["hours"]["later"][1], json!(["14:00", "18:00"]));
    app.stop().await;
}

#[tokio::test]
async fn plans_and_overrides_made_on_the_admin_pages_are_what_the_engine_follows() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let admin = app.signed_in_admin().await;
    let step = |kind: &str, auto: bool, seconds: &str, text: &str| json!({ "kind": kind, "auto": auto, "seconds": seconds, "text": text });

    let bad = post(
        &boss,
        app.url("/rpc/admin/site-plan"),
        json!({ "site_id": app.site, "category": "burglary", "steps": [step("wait", true, "0", "")] }),
    )
    .await;
    assert_eq!(bad["fields"][0], json!(["step0", "Wait 1 to 3600 seconds."]));
    // The centre's fire plan (seed 001): the fire brigade at once, no crew of ours.
    let fire = json!({ "category": "fire", "steps": [step("notify_fire", false, "", ""), step("notify_customer", true, "", "")] });
    assert_eq!(post(&admin, app.url("/rpc/admin/centre-plan"), fire).await["fields"], json!([]));
    assert_eq!(
        app.engine().read(|e, _| e.centre_plans().len()).await.unwrap(),
        1,
        "the engine has the centre's plan at once"
    );
    // This site's own burglary plan starts with an instruction.
    let own = json!({ "site_id": app.site, "category": "burglary", "steps": [
        step("instruction", false, "", "Ring the caretaker on 0740 000 000"), step("call_contacts", false, "", ""), step("dispatch", true, "", "")
    ] });
    assert_eq!(post(&boss, app.url("/rpc/admin/site-plan"), own).await["fields"], json!([]));
    // A door wired to a panic button: Contact ID 134 means panic, priority 1, at this site.
    let bad = post(&boss, app.url("/rpc/admin/site-overrides"), json!({ "site_id": app.site, "overrides": [{ "protocol": "cid", "code": "13", "category": "panic", "priority": "1" }] })).await;
    assert_eq!(bad["fields"][0], json!(["override0", "A Contact ID code is three digits (130)."]));
    let ok = post(&boss, app.url("/rpc/admin/site-overrides"), json!({ "site_id": app.site, "overrides": [{ "protocol": "cid", "code": "134", "category": "panic", "priority": "1" }] })).await;
    assert_eq!(ok["fields"], json!([]));

    let detail = app.site_detail(&boss, app.site).await;
    let source =
        |c: &str| detail["plans"].as_array().unwrap().iter().find(|p| p["category"] == c).map(|p| p["source"].clone());
    assert_eq!(
        (source("burglary"), source("fire"), source("panic")),
        (Some(json!("site")), Some(json!("centre")), Some(json!("built-in")))
    );
    assert_eq!(detail["overrides"][0]["code"], "134");

    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    let inc = only_incident(&app, true).await;
    let kinds: Vec<Value> = inc["steps"].as_array().unwrap().iter().map(|s| s["step"]["kind"].clone()).collect();
    assert_eq!(kinds, vec![json!("instruction"), json!("call_contacts"), json!("dispatch")], "{inc:#?}");
    assert_eq!(inc["steps"][0]["step"]["text"], "Ring the caretaker on 0740 000 000");
    send_settled(&app, &[cid(2, "1134 01 005")]).await;
    let inc = only_incident(&app, true).await;
    assert_eq!(
        (inc["category"].as_str(), inc["priority"].as_i64()),
        (Some("panic"), Some(1)),
        "the override made it a panic: {inc:#?}"
    );

    // Back to the centre's plan; the journal has every change.
    let reset = post(
        &boss,
        app.url("/rpc/admin/site-plan"),
        json!({ "site_id": app.site, "category": "burglary", "steps": null }),
    )
    .await;
    assert_eq!(reset["fields"], json!([]));
    let audit = app.store.list_audit(20).await.unwrap();
    let said = |action: &str, text: &str| {
        audit.iter().any(|a| a.action == action && a.detail.as_deref().unwrap_or_default().contains(text))
    };
    assert!(said("centre.plan", "Fire: Notify the fire brigade, Notify the customer (auto)"), "{audit:#?}");
    assert!(said(
        "site.plan",
        "Burglary: Ring the caretaker on 0740 000 000, Call the contacts in order, Dispatch the nearest crew (auto)"
    ));
    assert!(said("site.plan", "Burglary: the centre's plan"));
    assert!(said("site.overrides", "CID 134 → Panic (priority 1)"));
    app.stop().await;
}

#[tokio::test]
async fn a_removed_account_is_no_longer_its_sites_and_its_number_is_free() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let paths = json!({ "site_id": app.site, "number": "1234", "paths": [{ "line": "1", "name": "ethernet", "interval": "90s", "grace": "30s" }] });
    assert_eq!(post(&boss, app.url("/rpc/admin/account-paths"), paths).await["fields"], json!([]));
    app.supervision().sync(app.engine().clock().now_ms()).await.unwrap();
    let supervised = app.supervision().len();
    let resp = boss
        .post(app.url("/rpc/admin/account-remove"))
        .json(&json!({ "site_id": app.site, "number": "1234" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    app.supervision().sync(app.engine().clock().now_ms()).await.unwrap();
    assert_eq!(app.supervision().len(), supervised - 1, "its link is no longer supervised");
    assert!(app.store.account("1234").await.unwrap().is_none());
    // A frame under the old number is an unknown account's: answered DUH, not the site's.
    let mut panel = TcpStream::connect(app.dc09).await.unwrap();
    panel.write_all(&cid(1, "1130 01 003").encode()).await.unwrap();
    let reply = Frame::decode(&crate::support::read_frame(&mut panel).await).unwrap();
    assert_eq!(reply.token, Token::Duh, "its panel is no longer received");
    app.engine().settle().await.unwrap();
    assert!(incidents(&app, true).await.is_empty(), "no incident for the site it left");
    let again = post(
        &boss,
        app.url("/rpc/admin/account-add"),
        json!({ "site_id": app.site, "number": "1234", "key_format": "hex", "key": "", "paths": [] }),
    )
    .await;
    assert_eq!(again["fields"], json!([]), "the number can be given again");
    assert!(app
        .store
        .list_audit(10)
        .await
        .unwrap()
        .iter()
        .any(|a| a.action == "account.remove" && a.subject.as_deref() == Some("1234")));
    app.stop().await;
}

#[tokio::test]
async fn holidays_and_changes_of_single_days_are_set_on_the_admin_pages() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let admin = app.signed_in_admin().await;

    let bad = post(
        &admin,
        app.url("/rpc/admin/holidays-save"),
        json!({ "holidays": [{ "date": "2026-12-01", "name": "" }] }),
    )
    .await;
    assert_eq!(bad["fields"][0], json!(["holiday0", "Name the holiday (at most 80 characters)."]));
    let ok = post(&admin, app.url("/rpc/admin/holidays-save"), json!({ "holidays": [{ "date": "2027-12-25", "name": "Crăciunul" }, { "date": "2027-12-01", "name": "Ziua Națională" }] })).await;
    assert_eq!(ok["fields"], json!([]));
    let dates = app.engine().read(|e, _| e.holidays().iter().map(|d| d.to_string()).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(dates, vec!["2027-12-01", "2027-12-25"], "the engine has them at once, by date");
    let listed = post(&boss, app.url("/rpc/admin/holidays"), json!({})).await;
    assert_eq!(listed[0]["name"], "Ziua Națională");

    let hours = json!({ "site_id": app.site, "hours": { "supervised": true, "closed_on_holidays": true, "days": [["08:00", "18:00"], ["08:00", "18:00"], ["08:00", "18:00"], ["08:00", "18:00"], ["08:00", "18:00"], ["", ""], ["", ""]], "tolerance_min": "15" } });
    assert_eq!(post(&boss, app.url("/rpc/admin/site-hours"), hours).await["fields"], json!([]));
    let settings: Value = serde_json::from_str(&app.store.site_settings(app.site).await.unwrap().unwrap()).unwrap();
    assert_eq!(settings["closed_on_holidays"], true);

    let tz: chrono_tz::Tz = "Europe/Bucharest".parse().unwrap();
    let today =
        chrono::DateTime::from_timestamp_millis(app.engine().clock().now_ms()).unwrap().with_timezone(&tz).date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let change = |date: String, open: &str, close: &str, remove: bool| json!({ "site_id": app.site, "date": date, "open": open, "close": close, "remove": remove });
    let past = post(&boss, app.url("/rpc/admin/hours-change"), change(day(-1), "", "", false)).await;
    assert_eq!(past["Err"]["fields"][0], json!(["change_date", "A day from today on."]));
    let late = post(&boss, app.url("/rpc/admin/hours-change"), change(day(3), "08:00", "21:00", false)).await;
    assert_eq!(late["Ok"], json!([{ "date": day(3), "hours": "08:00-21:00" }]));
    let closed = post(&boss, app.url("/rpc/admin/hours-change"), change(day(5), "", "", false)).await;
    assert_eq!(closed["Ok"][1], json!({ "date": day(5), "hours": "closed" }));
    let detail = app.site_detail(&boss, app.site).await;
    assert_eq!(detail["hour_changes"].as_array().unwrap().len(), 2);
    assert_eq!(detail["hours"]["closed_on_holidays"], true);
    let removed = post(&boss, app.url("/rpc/admin/hours-change"), change(day(3), "", "", true)).await;
    assert_eq!(removed["Ok"], json!([{ "date": day(5), "hours": "closed" }]));

    let audit = app.store.list_audit(20).await.unwrap();
    for action in ["centre.holidays", "site.hours", "site.hours_change", "site.hours_change_removed"] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
    assert!(audit
        .iter()
        .any(|a| a.action == "site.hours"
            && a.detail.as_deref().unwrap_or_default().contains("closed on public holidays")));
    app.stop().await;
}

#[tokio::test]
async fn a_contact_gets_the_alarm_in_their_own_language() {
    let app = spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let form = json!({ "name": "Ilona Kovács", "phone": "+36301234567", "email": "ilona@example.hu", "language": "hu", "sms": true });
    let saved =
        post(&boss, app.url("/rpc/admin/contact"), json!({ "site_id": app.site, "contact_id": null, "form": form }))
            .await;
    assert_eq!(saved["fields"], json!([]));
    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    let inc = only_incident(&app, true).await;
    let sent = app.store.list_outbox(Some(inc["id"].as_i64().unwrap()), 20).await.unwrap();
    let to = |recipient: &str| {
        sent.iter().find(|m| m.recipient == recipient).unwrap_or_else(|| panic!("nothing to {recipient}: {sent:#?}"))
    };
    let sms = to("+36301234567");
    assert!(sms.body.starts_with("Riasztás itt: ") && sms.body.contains("Betörés"), "Hungarian: {}", sms.body);
    assert!(sms.body.contains("törölje az alkalmazásban"), "the cancel window is open: {}", sms.body);
    assert!(to("ilona@example.hu").subject.contains("Betörés"));
    assert!(
        to("ana@example.org").body.starts_with("Alarm at "),
        "a contact without a language reads the centre's English"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_archived_site_is_no_longer_monitored_nor_its_customers_and_comes_back() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let archive = |on: bool| {
        admin.post(app.url("/rpc/admin/site-archive")).json(&json!({ "site_id": app.site, "archive": on })).send()
    };

    send_settled(&app, &[cid(1, "1130 01 003")]).await;
    let refused = archive(true).await.unwrap();
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("open incident"), "an open incident is closed first");
    let operator = app.signed_in("operator").await;
    let inc = only_incident(&app, true).await;
    post(
        &operator,
        app.url(&format!("/api/v1/incidents/{}/close", inc["id"])),
        json!({ "resolution": "test", "recall_crews": true }),
    )
    .await;

    assert_eq!(archive(true).await.unwrap().status(), 200);
    let site = app.site;
    assert!(app.engine().read(move |e, _| e.site(site).is_none()).await.unwrap(), "no longer monitored");
    assert!(app.store.account("1234").await.unwrap().is_none(), "its account is removed");
    let customer = app.signed_in("customer").await;
    let status = customer.get(app.url(&format!("/api/v1/sites/{site}/status"))).send().await.unwrap();
    assert_eq!(status.status(), 404, "its customers no longer see it");
    let archived = post(&admin, app.url("/rpc/admin/archived-sites"), json!({})).await;
    assert_eq!(archived[0]["id"], site);
    let detail = app.site_detail(&admin, site).await;
    assert_eq!(detail["archived"], true);

    assert_eq!(archive(false).await.unwrap().status(), 200);
    assert!(app.engine().read(move |e, _| e.site(site).is_some()).await.unwrap(), "monitored again");
    assert_eq!(customer.get(app.url(&format!("/api/v1/sites/{site}/status"))).send().await.unwrap().status(), 200);
    let audit = app.store.list_audit(10).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "site.archived"
            && a.detail.as_deref().unwrap_or_default().contains("accounts removed: 1234")));
    assert!(audit.iter().any(|a| a.action == "site.restored"));
    app.stop().await;
}

/// A burglary signal of the test site, stored as the receiver stores one.
fn stored_burglary(site: i64, seq: i64, at_ms: i64) -> store::NewSignal {
    store::NewSignal {
        received_at_ms: at_ms,
        account: "1234".into(),
        site_id: Some(site),
        known: true,
        token: "ADM-CID".into(),
        seq,
        receiver: Some("1".into()),
        line: "1".into(),
        protocol: Some("cid".into()),
        qualifier: Some("new".into()),
        event_code: Some("130".into()),
        zone: Some("003".into()),
        area: Some("01".into()),
        user_number: None,
        meaning: "Burglary".into(),
        raw: String::new(),
        remote_addr: "127.0.0.1:1".into(),
        transport: "tcp".into(),
        encrypted: false,
        dedupe_key: None,
        lat: None,
        lon: None,
    }
}

#[tokio::test]
async fn the_engine_takes_a_backlog_in_steps_and_answers_between_them() {
    let app = spawn_app().await;
    // 6,000 signals the engine has not seen, as after a restart behind a busy receiver.
    let first = app.store.max_signal_id().await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let backlog: Vec<_> = (0..6_000).map(|i| stored_burglary(app.site, i % 9999 + 1, now)).collect();
    app.store.insert_signals(&backlog).await.unwrap();
    let last = app.store.max_signal_id().await.unwrap();
    let cursor = || async { app.store.cursor("engine").await.unwrap().unwrap_or(0) };
    // Nobody poked it: its next tick finds them, and it takes them a step at a time.
    let started = std::time::Instant::now();
    while cursor().await <= first {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the engine did not start on the backlog");
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    // A read asked now is answered between two steps, long before the last one.
    app.engine().read(|_, _| ()).await.unwrap();
    let answered_at = cursor().await;
    assert!(answered_at < last, "answered only after the whole backlog (cursor {answered_at} of {last})");
    while cursor().await < last {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the backlog was not taken");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // All in one incident, every signal linked to it.
    let query = store::IncidentQuery { open_only: true, limit: 10, ..Default::default() };
    let open = app.store.list_incidents(&query).await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(app.store.incident_signal_ids(open[0].id).await.unwrap().len(), backlog.len());
    app.stop().await;
}
