//! A new company's first start, without the demo: the set-up page creates the first
//! administrator once, with the token from the log; `vigil user` manages logins from the
//! command line (passwords from standard input, never the arguments), and a disabled login
//! cannot sign in.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{spawn_empty, TestApp};
use serde_json::Value;

async fn setup_open(app: &TestApp) -> bool {
    let resp = app.client().post(app.url("/rpc/setup/open")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json::<bool>().await.unwrap()
}

async fn first_admin(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    password: &str,
    again: &str,
) -> (u16, Value) {
    let form = [
        ("token", token),
        ("username", "boss"),
        ("display_name", "Ana Boss"),
        ("password", password),
        ("again", again),
    ];
    let resp = client.post(app.url("/rpc/setup/first-admin")).form(&form).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_first_administrator_is_made_once_with_the_token_from_the_log() {
    let app = spawn_empty().await;
    let token = app.setup_token().expect("an empty database opens the set-up page");
    assert!(setup_open(&app).await);
    let client = app.client();

    let (_, wrong) = first_admin(&client, &app, "guessed", "a long password", "a long password").await;
    assert!(wrong["form"].as_str().unwrap().contains("not valid"), "{wrong}");
    let (_, short) = first_admin(&client, &app, &token, "short", "short").await;
    assert_eq!(short["fields"][0][0], "password", "{short}");
    let (_, differ) = first_admin(&client, &app, &token, "a long password", "a long passw0rd").await;
    assert_eq!(differ["fields"][0], serde_json::json!(["again", "The two passwords differ."]));
    assert_eq!(app.store.count_users().await.unwrap(), 0, "nothing made by a refused form");

    let (status, made) = first_admin(&client, &app, &token, "a long password", "a long password").await;
    assert!(status < 400, "{status} {made}");
    let me: Value = client.post(app.url("/rpc/whoami")).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("boss"), Some("admin")),
        "signed in as the new admin: {me}"
    );
    assert!(!setup_open(&app).await, "closed for good");
    let (_, again) = first_admin(&app.client(), &app, &token, "another long one", "another long one").await;
    assert_eq!(again["form"], "Vigil is already set up: sign in.");
    assert_eq!(app.store.count_users().await.unwrap(), 1);
    let audit = app.store.list_audit(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "user.created"
                && a.detail.as_deref().is_some_and(|d| d.contains("first administrator"))),
        "{audit:?}"
    );

    // The audit export is spreadsheet-safe: a formula someone typed stays text.
    let planted = store::NewAudit {
        at_ms: 1,
        actor_user_id: None,
        action: "site.instructions".into(),
        subject: Some("site:1".into()),
        detail: Some("=HYPERLINK(\"http://evil\",\"x\")".into()),
    };
    app.store.append_audit(&planted).await.unwrap();
    let resp = client.get(app.url("/api/v1/audit.csv?action=site.")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"vigil-audit-"));
    let csv = resp.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}time,who,action,subject,detail\n"), "{csv}");
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), "{csv}");
    assert!(!csv.contains("user.created"), "filtered: {csv}");
    let bad = client.get(app.url("/api/v1/audit.csv?from=yesterday")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("from: A date: YYYY-MM-DD."));
    let exported = app.store.list_audit(5).await.unwrap();
    assert!(
        exported.iter().any(|a| a.action == "audit.exported" && a.actor_user_id.is_some()),
        "the export is journaled"
    );
    app.stop().await;
}

/// Runs `vigil user ARGS` on `database` with `stdin`; answers (success, stdout + stderr).
fn vigil_user(database: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("user")
        .args(args)
        .args(["--database", database])
        .env_remove("VIGIL_DATABASE")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> u16 {
    let body = serde_json::json!({ "username": username, "password": password });
    app.client().post(app.url("/api/v1/session")).json(&body).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn vigil_user_adds_the_first_admin_and_manages_logins() {
    let app = spawn_empty().await;
    let db = app.database_url();
    let run = |args: &[&str], stdin: &str| vigil_user(&db, args, stdin);

    let (ok, out) = run(&["add", "boss", "--role", "admin", "--name", "Ana Boss"], "short\n");
    assert!(!ok && out.contains("password: At least 10 characters."), "{out}");
    let (ok, out) = run(&["add", "Not Valid", "--role", "admin"], "a long password\n");
    assert!(!ok && out.contains("username:"), "{out}");
    let (ok, out) = run(&["add", "boss", "--role", "root"], "a long password\n");
    assert!(!ok && out.contains("role:"), "{out}");
    let (ok, out) = run(&["add", "boss", "--role", "admin", "--name", "Ana Boss"], "a long password\n");
    assert!(ok, "{out}");
    assert!(!setup_open(&app).await, "a login from the command line closes the set-up page");
    assert_eq!(sign_in(&app, "boss", "a long password").await, 200);

    let (ok, out) = run(&["add", "boss", "--role", "operator"], "another long one\n");
    assert!(!ok && out.contains("taken"), "{out}");
    let (ok, out) = run(&["disable", "boss"], "");
    assert!(!ok && out.contains("last administrator"), "{out}");
    assert!(run(&["add", "ion", "--role", "operator", "--name", "Ion Pop"], "operator password\n").0);
    let (ok, out) = run(&["disable", "ion"], "");
    assert!(ok, "{out}");
    let (_, list) = run(&["list"], "");
    assert!(list.lines().any(|l| l.contains("boss") && l.contains("admin") && l.contains("Ana Boss")), "{list}");
    assert!(list.lines().any(|l| l.contains("ion") && l.contains("operator (disabled)")), "{list}");
    assert_eq!(sign_in(&app, "ion", "operator password").await, 401, "a disabled login cannot sign in");

    assert!(run(&["enable", "ion"], "").0);
    let (ok, out) = run(&["passwd", "ion"], "a new operator password\n");
    assert!(ok, "{out}");
    assert_eq!(sign_in(&app, "ion", "operator password").await, 401, "the old password is gone");
    assert_eq!(sign_in(&app, "ion", "a new operator password").await, 200);

    let audit = app.store.list_audit(50).await.unwrap();
    for action in ["user.created", "user.disabled", "user.enabled", "user.password_reset"] {
        assert!(
            audit
                .iter()
                .any(|a| a.action == action
                    && a.detail.as_deref().is_some_and(|d| d.ends_with("(from the command line)"))),
            "{action} in {audit:?}"
        );
    }
    assert!(audit.iter().any(|a| a.action == "login_failed" && a.detail.as_deref() == Some("this login is disabled")));
    app.stop().await;
}

#[tokio::test]
async fn an_invited_customer_chooses_their_own_pin_before_anything_else() {
    let app = crate::support::spawn_app().await;
    let boss = app.signed_in("supervisor").await;
    let invite = |code: &'static str, role: &'static str| {
        let (boss, url, site) = (boss.clone(), app.url("/rpc/admin/invite"), app.site);
        async move {
            let body = serde_json::json!({ "site_id": site, "code": code, "name": "Ion Pop", "role": role });
            boss.post(url).json(&body).send().await.unwrap().json::<Value>().await.unwrap()
        }
    };
    let bad = invite("12ab", "guest").await;
    let fields: Vec<String> =
        bad["Err"]["fields"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["username", "member_role"], "{bad}");
    let made = invite("100777", "contact").await;
    let pin = made["Ok"]["pin"].as_str().expect("a new login gets a first PIN").to_owned();
    assert!(app::model::customer::pin_problem(&pin).is_none(), "{pin}");

    let ion = app.client();
    let signed =
        ion.post(app.url("/rpc/app/sign_in")).form(&[("code", "100777"), ("pin", pin.as_str())]).send().await.unwrap();
    assert_eq!(signed.json::<Value>().await.unwrap(), serde_json::json!([]));
    let sites = ion.post(app.url("/rpc/app/sites")).send().await.unwrap();
    assert_eq!(sites.status(), 403, "nothing before their own PIN");
    let change = |current: String, new: &'static str, again: &'static str| {
        let (ion, url) = (ion.clone(), app.url("/rpc/app/change_pin"));
        async move {
            ion.post(url)
                .form(&[("current", current.as_str()), ("pin", new), ("again", again)])
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(change(pin.clone(), "1234", "1234").await, serde_json::json!([["pin", "pin_trivial"]]));
    assert_eq!(change(pin.clone(), "4826", "4827").await, serde_json::json!([["again", "pin_differ"]]));
    assert_eq!(change("9999".into(), "4826", "4826").await, serde_json::json!([["current", "pin_wrong"]]));
    assert_eq!(change(pin.clone(), "4826", "4826").await, serde_json::json!([]));
    let sites: Value = ion.post(app.url("/rpc/app/sites")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sites[0]["site_id"], app.site, "{sites}");
    assert_eq!(sites[0]["role"], "contact");

    let again = invite("100777", "owner").await;
    assert_eq!(again["Ok"]["pin"], Value::Null, "an existing login just gains the site");
    let user = app.store.user_by_username("100777").await.unwrap().unwrap();
    assert_eq!(app.store.member_role(user.id, app.site).await.unwrap().as_deref(), Some("owner"));
    let removed = boss
        .post(app.url("/rpc/admin/remove-member"))
        .json(&serde_json::json!({ "site_id": app.site, "user_id": user.id }))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 200);
    let sites: Value = ion.post(app.url("/rpc/app/sites")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sites, serde_json::json!([]));
    let audit = app.store.list_audit(30).await.unwrap();
    for action in ["site.member_added", "site.member_removed", "app.pin_changed"] {
        assert!(audit.iter().any(|a| a.action == action), "{action}");
    }
    app.stop().await;
}

/// A locale file's text at a dotted key.
fn text(lang: &str, namespace: &str, key: &str) -> String {
    let path = format!("{}/../app/locales/{lang}/{namespace}.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    key.split('.').fold(&json, |v, k| &v[k]).as_str().unwrap_or_else(|| panic!("{path}: {key}")).to_owned()
}

#[tokio::test]
async fn a_login_keeps_its_language_and_its_pages_come_in_it() {
    let app = crate::support::spawn_app().await;
    let admin = app.signed_in_admin().await;
    let set = |code: &'static str| admin.post(app.url("/rpc/my_language")).form(&[("language", code)]).send();
    assert_eq!(set("xx").await.unwrap().status(), 422, "only a language Vigil has");
    let resp = set("fr").await.unwrap();
    assert_eq!(resp.status(), 200);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("vigil_lang=fr;"), "{cookie}");
    let audit = app.store.list_audit(5).await.unwrap();
    assert!(
        audit.iter().any(|a| a.action == "user.language" && a.detail.as_deref().is_some_and(|d| d.contains("fr"))),
        "{audit:?}"
    );

    // A form checked on the server answers in the page's language.
    let bad_crew = admin
        .post(app.url("/rpc/admin/crew"))
        .header("origin", app.origin())
        .json(&serde_json::json!({ "crew_id": null, "name": "", "lat": "44.4", "lon": "26.1" }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad_crew.contains(&text("fr", "staff", "check.name_crew_40_characters")), "{bad_crew}");

    // Another browser: signing in brings the login's language along.
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let sign_in = |password: &'static str| {
        browser
            .post(app.url("/rpc/login"))
            .header("origin", app.origin())
            .header("accept", "application/json")
            .form(&[("username", "admin"), ("password", password)])
            .send()
    };
    let login = sign_in(crate::support::PASSWORD).await.unwrap();
    let cookies: Vec<String> =
        login.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("vigil_lang=fr;")), "{cookies:?}");

    // Pages are drawn in it: the sign-in page of that browser, and the error of a wrong password.
    let page = browser.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"lang="fr""#), "html lang");
    assert!(page.contains(&text("fr", "staff", "login.subtitle")), "French sign-in page");
    assert!(!page.contains(&text("en", "staff", "login.subtitle")));
    let wrong = sign_in("not the password").await.unwrap().text().await.unwrap();
    assert!(wrong.contains(&text("fr", "staff", "login.wrong")), "{wrong}");
}
