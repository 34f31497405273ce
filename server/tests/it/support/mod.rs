//! `spawn_app`: a whole Vigil on free ports with a fresh SQLite file.

#![allow(dead_code)] // helpers for the suites; not every one is used by every configuration

use std::net::SocketAddr;

use app::ssr::engine::{Clock, EngineHandle};
use server::startup::{start, Config, Running};
use store::{NewSite, NewUser, Store};
use tokio::io::AsyncReadExt;

/// A running Vigil for one test.
pub struct TestApp {
    /// The web server's address.
    pub http: SocketAddr,
    /// The DC-09 receiver's address.
    pub dc09: SocketAddr,
    /// Direct access to its store.
    pub store: Store,
    /// The test site's id.
    pub site: i64,
    running: Running,
    dir: tempfile::TempDir,
    tweak: fn(&mut Config),
    /// The database (kept across a restart).
    database: Database,
}

/// A test's database URL; a PostgreSQL one the test made is dropped with it (also when the
/// test failed).
pub struct Database {
    url: String,
    owned: bool,
}

impl Drop for Database {
    fn drop(&mut self) {
        if self.owned && self.url.starts_with("postgres") {
            let url = self.url.clone();
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(drop_postgres(&url));
            });
            let _ = dropped.join();
        }
    }
}

/// Whether the suite runs on PostgreSQL (`VIGIL_IT_DATABASE=postgres`: a fresh database per
/// test on the server `VIGIL_TEST_POSTGRES` names) instead of a SQLite file per test.
pub fn on_postgres() -> bool {
    std::env::var("VIGIL_IT_DATABASE").is_ok_and(|v| v == "postgres")
}

/// A fresh database for one test: see [`on_postgres`].
async fn test_database(dir: &tempfile::TempDir) -> Database {
    let url = if on_postgres() {
        fresh_postgres().await
    } else {
        format!("sqlite://{}", dir.path().join("vigil.db").display())
    };
    Database { url, owned: true }
}

/// Starts Vigil on `database` with the test configuration of `dir` (nothing made in it).
async fn launch(
    dir: tempfile::TempDir,
    clock: Clock,
    tweak: fn(&mut Config),
    database: Database,
    site: i64,
) -> TestApp {
    let mut settings = config(&dir, clock, tweak);
    settings.database.clone_from(&database.url);
    let running = start(settings).await.expect("vigil starts");
    TestApp {
        http: running.http_addr,
        dc09: running.dc09_addr,
        store: running.store.clone(),
        running,
        site,
        dir,
        tweak,
        database,
    }
}

/// Password of every test user.
pub const PASSWORD: &str = "correct horse battery";

/// The password (safe word) of the test site's contacts.
pub const SAFE_WORD: &str = "blue heron";

/// The configuration of a test Vigil on `dir` (free ports, its SQLite file), changed by `tweak`.
pub fn config(dir: &tempfile::TempDir, clock: Clock, tweak: fn(&mut Config)) -> Config {
    let mut config = Config {
        push_any_endpoint: true,
        http: "127.0.0.1:0".parse().unwrap(),
        dc09: "127.0.0.1:0".parse().unwrap(),
        database: format!("sqlite://{}", dir.path().join("vigil.db").display()),
        site_root: dir.path().display().to_string(),
        demo: None,
        clock,
        notify: Default::default(),
        dashboard: Default::default(),
        web: Default::default(),
        receiver: Default::default(),
        secrets_key: None,
        metrics: Some("127.0.0.1:0".parse().unwrap()),
        ready_max_lag_ms: 60_000,
        tls: None,
        http_redirect: None,
        retention: Default::default(),
        migrate: true,
        engine_panic_after: None,
    };
    tweak(&mut config);
    config
}

/// Starts Vigil with an operator, a supervisor, a customer, and one site (account 1234,
/// zones 1-3, two contacts who know [`SAFE_WORD`]) and two crews 3 and 6 km away.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with its configuration changed by `tweak` (kept across a restart).
pub async fn spawn_app_with(tweak: fn(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir).await;
    let mut app = launch(dir, Clock::default(), tweak, database, 0).await;
    let store = app.store.clone();
    let hash = app::ssr::auth::hash_password(PASSWORD.into()).await.unwrap();
    let mut customer = 0;
    for role in ["operator", "supervisor", "customer"] {
        let id = store
            .create_user(&NewUser {
                username: role.into(),
                password_hash: hash.clone(),
                role: role.into(),
                display_name: format!("Test {role}"),
            })
            .await
            .unwrap();
        if role == "customer" {
            customer = id;
        }
    }
    let site = add_test_shop(&store, Some(customer)).await;
    let safe = app::ssr::auth::hash_password(SAFE_WORD.into()).await.unwrap();
    for (n, name, phone) in [(1, "Ana Popescu", "+40700000001"), (2, "Mihai Ionescu", "+40700000002")] {
        let c = store.create_contact(site, n, name, phone).await.unwrap();
        store.set_contact_password(c, Some(&safe)).await.unwrap();
        if n == 1 {
            store.set_contact_details(c, Some("ana@example.org"), Some(customer)).await.unwrap();
        }
    }
    store.create_crew("Echo 1", 44.4522, 26.0862, "available").await.unwrap();
    store.create_crew("Echo 2", 44.48, 26.05, "available").await.unwrap();
    app.engine().reload_site(site).await.unwrap();
    app.site = site;
    app
}

/// Adds the site "Test shop" in Bucharest with account 1234 and zones 1-3; returns its id.
pub async fn add_test_shop(store: &Store, owner: Option<i64>) -> i64 {
    let site = NewSite {
        name: "Test shop".into(),
        address: "Strada Lipscani 1".into(),
        city: "București".into(),
        lat: 44.43,
        lon: 26.10,
        time_zone: "Europe/Bucharest".into(),
        owner_user_id: owner,
    };
    let site = store.create_site(&site).await.unwrap();
    store.create_account(site, "1234").await.unwrap();
    for (n, name) in [(1, "Front door"), (2, "Hall"), (3, "Back door")] {
        store.create_zone(site, n, name).await.unwrap();
    }
    site
}

/// Starts Vigil on an empty database: no user, no site (`site` is 0), as a new company's
/// first start.
pub async fn spawn_empty() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir).await;
    launch(dir, Clock::default(), |_| {}, database, 0).await
}

/// A fresh, empty PostgreSQL database on the server `VIGIL_TEST_POSTGRES` names (default:
/// the local one); returns its URL.
pub async fn fresh_postgres() -> String {
    use sqlx::{Connection, Executor};
    let admin =
        std::env::var("VIGIL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL reachable (VIGIL_TEST_POSTGRES)");
    let name = format!("vigil_it_{}_{:08x}", std::process::id(), rand_u32());
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("CREATE DATABASE");
    let (base, _) = admin.rsplit_once('/').expect("a database URL");
    format!("{base}/{name}")
}

/// Drops a database made by [`fresh_postgres`] (its nodes stopped).
pub async fn drop_postgres(url: &str) {
    use sqlx::{Connection, Executor};
    let (base, name) = url.rsplit_once('/').expect("a database URL");
    let mut conn = sqlx::PgConnection::connect(&format!("{base}/postgres")).await.expect("PostgreSQL reachable");
    conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("DROP DATABASE");
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now()) as u32
}

/// One node of several on the database `url` (no users or sites made; `site` is 0).
pub async fn spawn_node(url: &str) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    // The caller drops the shared database once every node is stopped.
    let database = Database { url: url.to_owned(), owned: false };
    launch(dir, Clock::default(), |_| {}, database, 0).await
}

impl TestApp {
    /// Whether this node runs the engine now.
    pub fn leads(&self) -> bool {
        matches!(self.running.leadership.role(), server::leader::Role::Leader { .. })
    }

    /// The set-up page's one-time token (started on an empty database).
    pub fn setup_token(&self) -> Option<String> {
        self.running.setup_token.clone()
    }

    /// A URL on the web server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.http, path)
    }

    /// A URL on the metrics listener.
    pub fn metrics_url(&self, path: &str) -> String {
        format!("http://{}{}", self.running.metrics_addr.expect("metrics listen"), path)
    }

    /// The SQLite file it runs on.
    pub fn database_path(&self) -> String {
        self.dir.path().join("vigil.db").display().to_string()
    }

    /// The database's URL (SQLite file or PostgreSQL database).
    pub fn database_url(&self) -> String {
        self.database.url.clone()
    }

    /// Vigil's origin, as a browser on its pages sends it.
    pub fn origin(&self) -> String {
        format!("http://{}", self.http)
    }

    /// An HTTP client that sends Vigil's own `Origin` (as its pages do) and keeps cookies.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.origin().parse().unwrap());
        reqwest::Client::builder().cookie_store(true).default_headers(headers).build().unwrap()
    }

    /// An HTTP client signed in as the user named `username` (its session cookie kept).
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let resp = client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "sign-in as {username}");
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        client
    }

    /// An HTTP client signed in as an administrator (the login `admin`, made at the first
    /// call).
    pub async fn signed_in_admin(&self) -> reqwest::Client {
        if self.store.user_by_username("admin").await.unwrap().is_none() {
            let hash = app::ssr::auth::hash_password(PASSWORD.into()).await.unwrap();
            let admin = NewUser {
                username: "admin".into(),
                password_hash: hash,
                role: "admin".into(),
                display_name: "Test admin".into(),
            };
            self.store.create_user(&admin).await.unwrap();
        }
        self.signed_in("admin").await
    }

    /// A site as the admin page loads it (`/rpc/admin/site`), asked by `client`.
    pub async fn site_detail(&self, client: &reqwest::Client, site_id: i64) -> serde_json::Value {
        let resp =
            client.post(self.url("/rpc/admin/site")).form(&[("site_id", site_id.to_string())]).send().await.unwrap();
        assert_eq!(resp.status(), 200, "site {site_id}");
        resp.json().await.unwrap()
    }

    /// The receiver's counters of what it refused or dropped.
    pub fn receiver_counters(&self) -> server::receiver::guard::CounterValues {
        self.running.ingest.counters().values()
    }

    /// Writes the receiver's aggregated row for unknown accounts now (the housekeeping does
    /// it once a minute).
    pub async fn flush_unknown(&self) {
        self.running.ingest.flush_unknown().await;
    }

    /// Its link supervision.
    pub fn supervision(&self) -> &server::supervision::Supervision {
        &self.running.supervision
    }

    /// The alarm engine.
    pub fn engine(&self) -> &EngineHandle {
        &self.running.engine
    }

    /// Stops Vigil and starts it again on the same database, with the same clock.
    pub async fn restart(self) -> TestApp {
        let clock = self.running.engine.clock().clone();
        let TestApp { running, site, dir, tweak, database, .. } = self;
        running.shutdown().await;
        launch(dir, clock, tweak, database, site).await
    }

    /// Shuts it down.
    pub async fn stop(self) {
        self.running.shutdown().await;
    }
}

/// A plain frame from `account` on receiver 1, line 1, without a timestamp.
pub fn frame(seq: u16, account: &str, token: dc09::Token, data: &str, xdata: Vec<dc09::XData>) -> dc09::Frame {
    dc09::Frame {
        token,
        encrypted: false,
        seq,
        receiver: Some("1".into()),
        line: "1".into(),
        account: account.into(),
        data: format!("#{account}|{data}"),
        xdata,
        timestamp: None,
    }
}

/// A Contact ID frame (`QEEE GG ZZZ`) from `account` on line 1, stamped with the receiver's
/// time (as encrypted frames must be).
pub fn cid_frame(seq: u16, account: &str, event: &str) -> dc09::Frame {
    dc09::Frame {
        timestamp: Some(dc09::Timestamp::from_unix(chrono::Utc::now().timestamp())),
        ..frame(seq, account, dc09::Token::AdmCid, event, Vec::new())
    }
}

/// Sends a frame over a panel's connection and reads the reply frame.
pub async fn tcp_exchange(stream: &mut tokio::net::TcpStream, bytes: &[u8]) -> Vec<u8> {
    tokio::io::AsyncWriteExt::write_all(stream, bytes).await.unwrap();
    read_frame(stream).await
}

/// Sends a datagram over a connected UDP socket and waits (5 s at most) for the reply.
pub async fn udp_exchange(socket: &tokio::net::UdpSocket, bytes: &[u8]) -> Vec<u8> {
    socket.send(bytes).await.unwrap();
    let mut buf = vec![0u8; 2048];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), socket.recv(&mut buf))
        .await
        .expect("no UDP reply within 5 s")
        .unwrap();
    buf.truncate(n);
    buf
}

/// Reads one whole reply frame (LF ... CR) from a panel's connection; fails after 5 s.
pub async fn read_frame(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !reply.ends_with(b"\r") {
            assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "connection closed before a reply");
            reply.push(byte[0]);
        }
    })
    .await
    .expect("no reply within 5 s");
    reply
}
