//! The authorization matrix: every route of the OpenAPI document and every server function,
//! called as each kind of caller, answers what one table says. A route or server function
//! that has no row fails the test, and so does a row for one that no longer exists.

use std::collections::BTreeSet;

use crate::support::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};
use store::NewUser;

/// Who calls, in the order of the expectations in [`TABLE`].
const CALLERS: [&str; 8] = ["anonymous", "stranger", "contact", "owner", "guard", "operator", "supervisor", "admin"];

/// A request's body.
enum Body {
    None,
    /// A query string.
    Query(&'static str),
    Json(fn() -> Value),
    Form(&'static [(&'static str, &'static str)]),
}

/// `(method, path as documented, expected per caller, body)`. Expected: `p` passes the
/// checks (any answer but 401, 403, 404 or a server error), `1` 401, `3` 403, `4` 404 (the
/// answer for another customer's site, as for one that does not exist). In paths, `{site}`
/// is the test site, `{incident}` its open incident, `{crew}` a crew the guard is not on,
/// `{number}` the site's account. Callers: anonymous, a customer who is not a member of the
/// site, a contact of it, its owner, a guard of another crew, operator, supervisor, admin.
const TABLE: &[(&str, &str, &str, Body)] = &[
    // Public.
    ("GET", "/healthz", "p p p p p p p p", Body::None),
    ("GET", "/readyz", "p p p p p p p p", Body::None),
    ("GET", "/api/v1/openapi.json", "p p p p p p p p", Body::None),
    ("POST", "/api/v1/session", "p p p p p p p p", Body::Json(json_empty_login)),
    ("POST", "/rpc/login", "p p p p p p p p", Body::Form(&[("username", ""), ("password", "")])),
    ("POST", "/rpc/app/sign_in", "p p p p p p p p", Body::Form(&[("code", "1"), ("pin", "1")])),
    ("POST", "/rpc/whoami", "p p p p p p p p", Body::None),
    // Whether the database is up: the sign-in check would need it (tells what /readyz does).
    ("POST", "/rpc/database_up", "p p p p p p p p", Body::None),
    ("POST", "/rpc/demo_logins", "p p p p p p p p", Body::None),
    // The first start's set-up page: open to all, but it makes nothing once a user exists.
    ("POST", "/rpc/setup/open", "p p p p p p p p", Body::None),
    (
        "POST",
        "/rpc/setup/first-admin",
        "p p p p p p p p",
        Body::Form(&[("token", "x"), ("username", "x"), ("display_name", "x"), ("password", "x"), ("again", "x")]),
    ),
    // The tracking door takes no session: without a device key it is 403 for everyone.
    ("GET", "/api/v1/osmand", "3 3 3 3 3 3 3 3", Body::Query("id=crew-x&key=guess&lat=44.4&lon=26.1")),
    ("POST", "/api/v1/osmand", "3 3 3 3 3 3 3 3", Body::Query("id=crew-x&key=guess&lat=44.4&lon=26.1")),
    // Signed in, any role.
    ("GET", "/api/v1/session", "1 p p p p p p p", Body::None),
    // Staff.
    ("GET", "/api/v1/signals", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/signals/stream", "1 3 3 3 3 p p p", Body::None),
    ("POST", "/rpc/my_language", "1 3 3 3 p p p p", Body::Form(&[("language", "fr")])),
    ("POST", "/rpc/recent_signals", "1 3 3 3 3 p p p", Body::Form(&[])),
    ("GET", "/api/v1/accounts", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/accounts/{number}", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/incidents", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/queue", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/incidents/{incident}", "1 3 3 3 3 p p p", Body::None),
    ("POST", "/api/v1/incidents/{incident}/{action}", "1 3 3 3 3 p p p", Body::Json(json_note)),
    ("GET", "/api/v1/ops/stream", "1 3 3 3 3 p p p", Body::None),
    ("POST", "/rpc/ops/snapshot", "1 3 3 3 3 p p p", Body::None),
    ("GET", "/api/v1/incidents/{incident}/photos/{photo}", "1 3 3 3 3 4 4 4", Body::None),
    ("POST", "/rpc/ops/incident", "1 3 3 3 3 p p p", Body::Form(&[("id", "{incident}")])),
    ("POST", "/rpc/ops/act", "1 3 3 3 3 p p p", Body::Json(json_act)),
    // Supervisors and admins.
    ("POST", "/api/v1/accounts", "1 3 3 3 3 3 p p", Body::Json(json_empty)),
    ("PUT", "/api/v1/accounts/{number}/key", "1 3 3 3 3 3 p p", Body::Json(json_bad_key)),
    ("PUT", "/api/v1/accounts/{number}/paths", "1 3 3 3 3 3 p p", Body::Json(json_no_paths)),
    ("PUT", "/api/v1/accounts/{number}/plain", "1 3 3 3 3 3 p p", Body::Json(json_refuse_plain)),
    ("POST", "/api/v1/sites/{site}/suspend", "1 3 3 3 3 3 p p", Body::Json(json_empty)),
    ("PUT", "/api/v1/sites/{site}/settings", "1 3 3 3 3 3 p p", Body::Json(json_empty)),
    ("POST", "/rpc/ops/supervisor", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/ops/storm", "1 3 3 3 3 3 p p", Body::Json(json_storm)),
    ("POST", "/rpc/admin/search", "1 3 3 3 3 3 p p", Body::Form(&[("query", "shop")])),
    ("POST", "/rpc/admin/site", "1 3 3 3 3 3 p p", Body::Form(&[("site_id", "{site}")])),
    ("POST", "/rpc/admin/instructions", "1 3 3 3 3 3 p p", Body::Json(json_instructions)),
    ("POST", "/rpc/admin/move-contact", "1 3 3 3 3 3 p p", Body::Json(json_move_contact)),
    ("POST", "/rpc/admin/add-zone", "1 3 3 3 3 3 p p", Body::Json(json_add_zone)),
    ("POST", "/rpc/admin/requests", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/admin/request_done", "1 3 3 3 3 3 p p", Body::Form(&[("id", "1")])),
    // Admins.
    ("POST", "/rpc/admin/import", "1 3 3 3 3 3 3 p", Body::Json(json_import)),
    ("POST", "/rpc/admin/import-invoices", "1 3 3 3 3 3 3 p", Body::Json(json_import)),
    ("POST", "/rpc/admin/crews", "1 3 3 3 3 3 3 p", Body::None),
    ("POST", "/rpc/admin/users", "1 3 3 3 3 3 3 p", Body::None),
    ("POST", "/rpc/admin/user", "1 3 3 3 3 3 3 p", Body::Json(json_user_change)),
    ("POST", "/rpc/admin/contact", "1 3 3 3 3 3 p p", Body::Json(json_contact)),
    ("POST", "/rpc/admin/contact-remove", "1 3 3 3 3 3 4 4", Body::Json(json_contact_remove)),
    ("POST", "/rpc/admin/zone", "1 3 3 3 3 3 p p", Body::Json(json_zone)),
    ("POST", "/rpc/admin/account-add", "1 3 3 3 3 3 p p", Body::Json(json_account_add)),
    ("POST", "/rpc/admin/account-key", "1 3 3 3 3 3 p p", Body::Json(json_account_key)),
    ("POST", "/rpc/admin/account-paths", "1 3 3 3 3 3 p p", Body::Json(json_account_paths)),
    ("POST", "/rpc/admin/site-save", "1 3 3 3 3 3 p p", Body::Json(json_site_save)),
    ("POST", "/rpc/admin/site-rules", "1 3 3 3 3 3 p p", Body::Json(json_site_rules)),
    ("POST", "/rpc/admin/site-hours", "1 3 3 3 3 3 p p", Body::Json(json_site_hours)),
    ("POST", "/rpc/admin/site-plan", "1 3 3 3 3 3 p p", Body::Json(json_site_plan)),
    ("POST", "/rpc/admin/site-overrides", "1 3 3 3 3 3 p p", Body::Json(json_site_overrides)),
    ("POST", "/rpc/admin/centre-plans", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/admin/centre-plan", "1 3 3 3 3 3 3 p", Body::Json(json_centre_plan)),
    ("POST", "/rpc/admin/account-remove", "1 3 3 3 3 3 4 4", Body::Json(json_account_remove)),
    ("POST", "/rpc/admin/holidays", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/admin/archived-sites", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/admin/site-archive", "1 3 3 3 3 3 3 4", Body::Json(json_site_archive)),
    ("POST", "/rpc/admin/holidays-save", "1 3 3 3 3 3 3 p", Body::Json(json_holidays)),
    ("POST", "/rpc/admin/holiday-preset", "1 3 3 3 3 3 p p", Body::Json(json_holiday_preset)),
    ("POST", "/rpc/admin/hours-change", "1 3 3 3 3 3 p p", Body::Json(json_hours_change)),
    ("POST", "/rpc/admin/map", "1 3 3 3 3 3 p p", Body::None),
    ("POST", "/rpc/admin/invite", "1 3 3 3 3 3 p p", Body::Json(json_invite)),
    ("POST", "/rpc/admin/remove-member", "1 3 3 3 3 3 4 4", Body::Json(json_remove_member)),
    ("POST", "/rpc/admin/crew", "1 3 3 3 3 3 3 p", Body::Json(json_crew)),
    ("POST", "/rpc/admin/crew-guard", "1 3 3 3 3 3 3 p", Body::Json(json_crew_guard)),
    ("POST", "/rpc/admin/audit", "1 3 3 3 3 3 3 p", Body::Json(json_audit)),
    ("GET", "/api/v1/audit.csv", "1 3 3 3 3 3 3 p", Body::Query("action=user.")),
    ("POST", "/rpc/admin/history", "1 3 3 3 3 3 p p", Body::Json(json_history)),
    ("POST", "/rpc/admin/monthly", "1 3 3 3 3 3 p p", Body::Json(json_monthly)),
    ("GET", "/api/v1/incidents.csv", "1 3 3 3 3 3 p p", Body::Query("category=burglary")),
    ("POST", "/rpc/admin/safe-word", "1 3 3 3 3 3 p p", Body::Json(json_safe_word)),
    ("POST", "/rpc/admin/crew-device", "1 3 3 3 3 3 3 p", Body::Json(json_crew_device)),
    ("POST", "/rpc/admin/create-user", "1 3 3 3 3 3 3 p", Body::Json(json_create_user)),
    // Guards: their own crew only.
    ("GET", "/api/v1/crew/stream", "1 3 3 3 p 3 3 3", Body::None),
    ("POST", "/api/v1/crew/photo", "1 3 3 3 p 3 3 3", Body::None),
    ("POST", "/rpc/crew/finding", "1 3 3 3 p 3 3 3", Body::Json(json_finding)),
    ("POST", "/rpc/crew/job", "1 3 3 3 p 3 3 3", Body::None),
    ("POST", "/rpc/crew/report", "1 3 3 3 p 3 3 3", Body::Json(json_crew_report)),
    ("POST", "/api/v1/crews/{crew}/report", "1 3 3 3 3 p p p", Body::Json(json_empty)),
    // A site: its members (and staff) see and cancel; owners change; others get 404.
    ("GET", "/api/v1/sites/{site}/status", "1 4 p p 4 p p p", Body::None),
    ("POST", "/api/v1/sites/{site}/cancel", "1 4 p p 4 p p p", Body::Json(json_cancel)),
    ("POST", "/api/v1/sites/{site}/panic", "1 4 p p 4 p p p", Body::Json(json_far_away)),
    ("POST", "/api/v1/sites/{site}/test", "1 4 3 p 4 p p p", Body::Json(json_bad_minutes)),
    ("DELETE", "/api/v1/sites/{site}/test", "1 4 3 p 4 p p p", Body::None),
    ("POST", "/api/v1/sites/{site}/schedule-change", "1 4 3 p 4 p p p", Body::Json(json_bad_date)),
    ("GET", "/api/v1/sites/{site}/billing", "1 4 3 p 4 p p p", Body::None),
    // The customer app: customers only, members of the site; some for owners only.
    ("GET", "/api/v1/app/stream", "1 p p p 3 3 3 3", Body::None),
    ("POST", "/rpc/my_sites", "1 p p p 3 3 3 3", Body::None),
    ("POST", "/rpc/app/sites", "1 p p p 3 3 3 3", Body::None),
    ("POST", "/rpc/app/change_pin", "1 p p p 3 3 3 3", Body::Form(&[("current", "x"), ("pin", "1"), ("again", "1")])),
    (
        "POST",
        "/rpc/app/safe_word",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("contact_id", "{contact}"), ("safe_word", "x")]),
    ),
    ("POST", "/rpc/app/subscribe", "1 p p p 3 3 3 3", Body::Form(&[("endpoint", "x"), ("p256dh", "x"), ("auth", "x")])),
    ("POST", "/rpc/app/home", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}")])),
    ("POST", "/rpc/app/arm", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}"), ("command", "none")])),
    ("POST", "/rpc/app/cancel", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}"), ("password", "no")])),
    ("POST", "/rpc/app/panic", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}"), ("lat", "95")])),
    (
        "POST",
        "/rpc/app/journal",
        "1 4 p p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("days", "1"), ("filter", "all")]),
    ),
    ("POST", "/rpc/app/contacts", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}")])),
    ("POST", "/rpc/app/schedule", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}")])),
    ("POST", "/rpc/app/push", "1 4 p p 3 3 3 3", Body::Form(&[("site_id", "{site}")])),
    (
        "POST",
        "/rpc/app/push_set",
        "1 4 p p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("alarms", "true"), ("notices", "true")]),
    ),
    (
        "POST",
        "/rpc/app/contact_save",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("contact_id", "{contact}"), ("name", ""), ("phone", "")]),
    ),
    (
        "POST",
        "/rpc/app/contact_move",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("contact_id", "{contact}"), ("up", "false")]),
    ),
    (
        "POST",
        "/rpc/app/contact_away",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("contact_id", "{contact}"), ("from", "x"), ("until", "x")]),
    ),
    (
        "POST",
        "/rpc/app/schedule_change",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("date", "x"), ("open", ""), ("close", "")]),
    ),
    ("POST", "/rpc/app/test_mode", "1 4 3 p 3 3 3 3", Body::Form(&[("site_id", "{site}"), ("minutes", "0")])),
    ("POST", "/rpc/app/money", "1 4 3 p 3 3 3 3", Body::Form(&[("site_id", "{site}")])),
    (
        "POST",
        "/rpc/app/request",
        "1 4 3 p 3 3 3 3",
        Body::Form(&[("site_id", "{site}"), ("kind", "x"), ("details", ""), ("from", ""), ("until", "")]),
    ),
    // Signing out ends only the caller's own session (called last, see below).
    ("DELETE", "/api/v1/session", "p p p p p p p p", Body::None),
    ("POST", "/rpc/logout", "p p p p p p p p", Body::None),
];

fn json_empty() -> Value {
    json!({})
}
fn json_empty_login() -> Value {
    json!({ "username": "", "password": "" })
}
fn json_note() -> Value {
    json!({ "text": "checked" })
}
fn json_finding() -> Value {
    json!({ "text": "back door forced", "photo": null })
}

fn json_storm() -> Value {
    json!({ "group": "burglary@0:0", "action": { "action": "acknowledge" } })
}

fn json_act() -> Value {
    json!({ "id": "{incident}", "action": { "action": "note", "text": "checked" } })
}
fn json_bad_key() -> Value {
    json!({ "hex": "00" })
}
fn json_no_paths() -> Value {
    json!([{ "line": "?", "name": "", "interval_s": 0, "grace_s": 0 }])
}
fn json_refuse_plain() -> Value {
    json!({ "allow": false })
}
fn json_instructions() -> Value {
    json!({ "site_id": "{site}", "keys": "", "pets": "", "notes": "" })
}
fn json_move_contact() -> Value {
    json!({ "site_id": "{site}", "contact_id": "{contact}", "up": false })
}
fn json_add_zone() -> Value {
    json!({ "site_id": "{site}", "number": "x", "name": "" })
}
fn json_import() -> Value {
    json!({ "rows": [] })
}
fn json_crew_device() -> Value {
    json!({ "crew_id": "{crew}", "device_id": "bad id with spaces" })
}
fn json_create_user() -> Value {
    json!({ "username": "", "display_name": "", "password": "", "role": "operator" })
}
fn json_user_change() -> Value {
    json!({ "user_id": "{user}", "change": { "change": "role", "role": "nonsense" } })
}
fn json_crew() -> Value {
    json!({ "crew_id": "{crew}", "name": "", "lat": "x", "lon": "x" })
}
fn json_crew_guard() -> Value {
    json!({ "crew_id": "{crew}", "login": "nobody" })
}
fn json_invite() -> Value {
    json!({ "site_id": "{site}", "code": "x", "name": "", "role": "owner" })
}
fn json_remove_member() -> Value {
    json!({ "site_id": "{site}", "user_id": "{user}" })
}
fn json_site_save() -> Value {
    json!({ "site_id": "{site}", "form": { "name": "", "address": "", "city": "", "lat": "", "lon": "", "time_zone": "", "kind": "" } })
}
fn json_account_add() -> Value {
    json!({ "site_id": "{site}", "number": "x", "key_format": "hex", "key": "", "paths": [] })
}
fn json_account_key() -> Value {
    json!({ "site_id": "{site}", "number": "1234", "key_format": "hex", "key": "00", "allow_plain": false })
}
fn json_account_paths() -> Value {
    json!({ "site_id": "{site}", "number": "1234", "paths": [{ "line": "?", "name": "", "interval": "", "grace": "" }] })
}
fn json_contact() -> Value {
    json!({ "site_id": "{site}", "contact_id": "{contact}", "form": { "name": "", "phone": "", "email": "", "language": "", "sms": true } })
}
fn json_contact_remove() -> Value {
    json!({ "site_id": "{site}", "contact_id": 999999 })
}
fn json_zone() -> Value {
    json!({ "site_id": "{site}", "number": 1, "name": "" })
}
fn json_monthly() -> Value {
    json!({ "account": "1234", "month": "2026-11" })
}
fn json_history() -> Value {
    json!({ "filter": { "category": "burglary" }, "before_id": null })
}
fn json_site_rules() -> Value {
    json!({ "site_id": "{site}", "rules": { "duress_user": "x", "duress_shown_as": "", "cancel_window_s": "", "fire_cancel_window_s": "", "life_sign": "", "crew_sla_min": "", "connected": "", "warranty_until": "", "included_per_year": "" } })
}
fn json_site_plan() -> Value {
    json!({ "site_id": "{site}", "category": "burglary", "steps": [] })
}
fn json_site_overrides() -> Value {
    json!({ "site_id": "{site}", "overrides": [{ "protocol": "cid", "code": "1", "category": "fire", "priority": "1" }] })
}
fn json_centre_plan() -> Value {
    json!({ "category": "burglary", "steps": [] })
}
fn json_site_archive() -> Value {
    json!({ "site_id": 999999, "archive": true })
}
fn json_holiday_preset() -> Value {
    json!({ "country": "RO", "year": 2026 })
}

fn json_holidays() -> Value {
    json!({ "holidays": [{ "date": "x", "name": "" }] })
}
fn json_hours_change() -> Value {
    json!({ "site_id": "{site}", "date": "x", "open": "", "close": "", "remove": false })
}
fn json_account_remove() -> Value {
    json!({ "site_id": "{site}", "number": "FFFF" })
}
fn json_site_hours() -> Value {
    json!({ "site_id": "{site}", "hours": { "supervised": true, "days": [], "tolerance_min": "15" } })
}
fn json_audit() -> Value {
    json!({ "filter": { "action": "user." }, "before_id": null })
}
fn json_safe_word() -> Value {
    json!({ "site_id": "{site}", "contact_id": "{contact}", "safe_word": "x" })
}
fn json_crew_report() -> Value {
    json!({ "status": "nonsense", "lat": null, "lon": null })
}
fn json_cancel() -> Value {
    json!({ "password": "not it" })
}
fn json_far_away() -> Value {
    json!({ "lat": 95.0, "lon": 0.0 })
}
fn json_bad_minutes() -> Value {
    json!({ "minutes": -1 })
}
fn json_bad_date() -> Value {
    json!({ "date": "not a date" })
}

/// The ids the paths and bodies name.
struct Ids {
    site: i64,
    incident: i64,
    crew: i64,
    contact: i64,
    user: i64,
}

impl Ids {
    fn fill(&self, text: &str) -> String {
        text.replace("{site}", &self.site.to_string())
            .replace("{incident}", &self.incident.to_string())
            .replace("{crew}", &self.crew.to_string())
            .replace("{contact}", &self.contact.to_string())
            .replace("{user}", &self.user.to_string())
            .replace("{number}", "1234")
            .replace("{photo}", "1")
            .replace("{action}", "note")
    }

    /// A JSON body with its placeholders filled (numbers where a number is meant).
    fn fill_json(&self, v: &Value) -> Value {
        match v {
            Value::String(s) if s.starts_with('{') && s.ends_with('}') => {
                self.fill(s).parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(self.fill(s)))
            }
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), self.fill_json(v))).collect()),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.fill_json(v)).collect()),
            other => other.clone(),
        }
    }
}

/// A documented path in the table's words: `{id}` named after what it is the id of.
fn table_path(documented: &str) -> String {
    documented
        .replace("/sites/{id}", "/sites/{site}")
        .replace("/incidents/{id}", "/incidents/{incident}")
        .replace("/crews/{id}", "/crews/{crew}")
}

/// Signs in `username` and returns its client.
async fn client_of(app: &TestApp, username: Option<&str>) -> reqwest::Client {
    match username {
        Some(name) => app.signed_in(name).await,
        None => app.client(),
    }
}

fn class(status: u16) -> char {
    match status {
        401 => '1',
        403 => '3',
        404 => '4',
        _ => 'p',
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_server_function_answers_each_caller_as_the_table_says() {
    let app = spawn_app().await;
    let store = &app.store;
    let hash = app::ssr::auth::hash_password(PASSWORD.into()).await.unwrap();
    let user = |username: &str, role: &str| NewUser {
        username: username.into(),
        password_hash: hash.clone(),
        role: role.into(),
        display_name: username.into(),
    };
    let stranger = store.create_user(&user("stranger", "customer")).await.unwrap();
    let contact = store.create_user(&user("contact", "customer")).await.unwrap();
    store.create_user(&user("admin", "admin")).await.unwrap();
    let guard = store.create_user(&user("guard", "crew")).await.unwrap();
    store.set_site_member(app.site, contact, "contact").await.unwrap();
    let crews = store.list_crews().await.unwrap();
    store.set_crew_user(crews[1].id, Some(guard)).await.unwrap();
    let stranger_site = store
        .create_site(&store::NewSite {
            name: "Elsewhere".into(),
            time_zone: "Europe/Bucharest".into(),
            owner_user_id: Some(stranger),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_ne!(stranger_site, app.site);
    // An open incident on the site.
    let mut panel = tokio::net::TcpStream::connect(app.dc09).await.unwrap();
    crate::support::tcp_exchange(&mut panel, &crate::support::cid_frame(1, "1234", "1130 01 002").encode()).await;
    app.engine().settle().await.unwrap();
    let incident = store
        .list_incidents(&store::IncidentQuery {
            open_only: true,
            include_silent: true,
            site_ids: Some(vec![app.site]),
            since_ms: None,
            until_ms: None,
            before_id: None,
            limit: 10,
        })
        .await
        .unwrap()[0]
        .id;
    let site_contact = store.contacts(app.site).await.unwrap()[0].id;
    let request = store::ServiceRequest {
        id: 0,
        site_id: app.site,
        user_id: None,
        kind: "technician".into(),
        details: "x".into(),
        from_date: None,
        until_date: None,
        status: "open".into(),
        created_at_ms: 1,
    };
    assert_eq!(store.add_service_request(&request).await.unwrap(), 1, "the request the table names");
    let ids = Ids { site: app.site, incident, crew: crews[0].id, contact: site_contact, user: stranger };

    // Every documented route and every server function has a row, and every row one of them.
    let doc: Value = app.client().get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut exposed = BTreeSet::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            exposed.insert((method.to_uppercase(), table_path(path)));
        }
    }
    // Routes the document does not describe: itself, and the tracking door's GET twin.
    for (method, path) in [("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/osmand")] {
        exposed.insert((method.to_owned(), path.to_owned()));
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        exposed.insert((method.as_str().to_owned(), path.to_owned()));
    }
    let rows: BTreeSet<(String, String)> = TABLE.iter().map(|(m, p, _, _)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = exposed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&exposed).collect();
    assert!(missing.is_empty(), "routes or server functions without a row in the authorization table: {missing:?}");
    assert!(stale.is_empty(), "rows for routes that do not exist: {stale:?}");

    let usernames = [
        None,
        Some("stranger"),
        Some("contact"),
        Some("customer"),
        Some("guard"),
        Some("operator"),
        Some("supervisor"),
        Some("admin"),
    ];
    let mut clients = Vec::new();
    for name in usernames {
        clients.push(client_of(&app, name).await);
    }
    let mut wrong = Vec::new();
    for (method, path, expected, body) in TABLE {
        let expected: Vec<char> = expected.split(' ').map(|e| e.chars().next().unwrap()).collect();
        assert_eq!(expected.len(), CALLERS.len(), "{method} {path}");
        for (who, client) in clients.iter().enumerate() {
            // Signing out is tried without a session, so the callers keep theirs.
            let client = if path.contains("session") && *method == "DELETE" || path.ends_with("logout") {
                &clients[0]
            } else {
                client
            };
            let mut url = app.url(&ids.fill(path));
            if let Body::Query(q) = body {
                url = format!("{url}?{q}");
            }
            let mut req = client.request(method.parse().unwrap(), &url);
            req = match body {
                Body::None | Body::Query(_) => req,
                Body::Json(make) => req.json(&ids.fill_json(&make())),
                Body::Form(pairs) => req.form(&pairs.iter().map(|(k, v)| (*k, ids.fill(v))).collect::<Vec<_>>()),
            };
            if path.starts_with("/rpc/") && matches!(body, Body::None) {
                req = req.header("content-type", "application/x-www-form-urlencoded").body("");
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let got = class(status);
            if status >= 500 || got != expected[who] {
                let text: String = resp.text().await.unwrap_or_default().chars().take(160).collect();
                wrong.push(format!("{method} {path} as {}: {status} (want {}) {text}", CALLERS[who], expected[who]));
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers differ from the table:\n{}", wrong.len(), wrong.join("\n"));
    app.stop().await;
}
