//! Starting and stopping all of Vigil's parts in one process.

use std::net::SocketAddr;
use std::time::Duration;

use app::ssr::engine::{Clock, EngineHandle};
use app::ssr::setup::SetupGate;
use app::ssr::Ctx;
use store::{Store, StoreError};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::health::{Failure, Health};
use crate::receiver::ingest::Ingest;
use crate::recorder::Recorder;
use crate::supervision::Supervision;
use crate::web::{self, AppState};

/// How `vigil serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Web server address (port 0 picks a free port).
    pub http: SocketAddr,
    /// DC-09 receiver address, TCP and UDP on the same port (port 0 picks a free port).
    pub dc09: SocketAddr,
    /// Database URL.
    pub database: String,
    /// Folder with the built front end.
    pub site_root: String,
    /// The demo city, if wanted.
    pub demo: Option<DemoConfig>,
    /// The clock the alarm engine runs on (tests move it forward).
    pub clock: Clock,
    /// How notifications are sent (channels left out are recorded as not sent).
    pub notify: notify::Config,
    /// The dashboards' map, queue limits and time zone.
    pub dashboard: app::ssr::Dashboard,
    /// Accept Web Push subscriptions to any http(s) endpoint, not only the browser makers'
    /// push services (tests with a local push service).
    pub push_any_endpoint: bool,
    /// The public URL and where client addresses come from.
    pub web: crate::web::guard::WebSecurity,
    /// The DC-09 receiver's bounds.
    pub receiver: crate::receiver::limits::Limits,
    /// The key that seals secrets at rest, if configured.
    pub secrets_key: Option<store::SecretsKey>,
    /// HTTPS: the certificate chain and key (PEM files), if Vigil terminates TLS itself.
    pub tls: Option<TlsFiles>,
    /// A plain-HTTP address that redirects to HTTPS (with `tls`).
    pub http_redirect: Option<SocketAddr>,
    /// Where Prometheus scrapes `/metrics`, if anywhere (port 0 picks a free port).
    pub metrics: Option<SocketAddr>,
    /// The largest engine lag (ms) `/readyz` still counts as ready.
    pub ready_max_lag_ms: i64,
    /// How long rows are kept (the daily retention job).
    pub retention: store::Retention,
    /// Apply pending migrations at start (else refuse a schema that is not this build's).
    pub migrate: bool,
    /// Test hook: the engine panics once it has taken this many signals in this run.
    pub engine_panic_after: Option<u64>,
}

/// The PEM files of the web server's certificate.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: std::path::PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1).
    pub key: std::path::PathBuf,
}

/// The demo city's size and pace.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Number of sites.
    pub sites: usize,
    /// Mean seconds between two signals of one panel.
    pub mean_interval_s: f64,
    /// Whether the scripted stories play.
    pub stories: bool,
}

/// What can stop Vigil from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] store::StoreError),
    /// A listening address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The notification channels are misconfigured.
    #[error("notifications: {0}")]
    Notify(#[from] notify::NotifyError),
    /// The demo city could not be seeded.
    #[error("demo: {0}")]
    Demo(#[from] crate::demo::DemoError),
    /// The certificate or key could not be used.
    #[error("HTTPS: {0}")]
    Tls(#[from] crate::tls::TlsError),
    /// The folder for the SQLite file could not be made.
    #[error("cannot create the database folder: {0}")]
    DataDir(std::io::Error),
}

/// A running Vigil: its bound addresses, its store, and its tasks.
pub struct Running {
    /// Where the web server listens.
    pub http_addr: SocketAddr,
    /// Where the DC-09 receiver listens.
    pub dc09_addr: SocketAddr,
    /// Where `/metrics` is served, if it is.
    pub metrics_addr: Option<SocketAddr>,
    /// Where plain HTTP is redirected to HTTPS, if it is.
    pub redirect_addr: Option<SocketAddr>,
    /// The certificate in use, when serving HTTPS.
    pub certificates: Option<std::sync::Arc<crate::tls::Certificates>>,
    /// The store it uses.
    pub store: Store,
    /// Link supervision (for tests that step it by hand).
    pub supervision: Supervision,
    /// The alarm engine.
    pub engine: EngineHandle,
    /// Whether this node runs the engine (holds the engine lease).
    pub leadership: crate::leader::Leadership,
    /// The receiver's ingest path (its counters of what it refused).
    pub ingest: Ingest,
    /// The set-up page's one-time token, when the database had no user at start.
    pub setup_token: Option<String>,
    /// Every long-running task, watched.
    pub health: Health,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// How many pushed signals a slow browser may fall behind before it misses some.
const LIVE_BUFFER: usize = 1024;
/// How many dashboard changes a slow browser may fall behind before it reloads its snapshot.
const OPS_BUFFER: usize = 4096;

/// Opens the store, binds both listeners, and starts the receiver, the web server and (in demo
/// mode) the demo city.
pub async fn start(config: Config) -> Result<Running, StartError> {
    ensure_sqlite_dir(&config.database).map_err(StartError::DataDir)?;
    let store = crate::secrets::open_store(&config.database, config.secrets_key.clone(), config.migrate).await?;
    let demo_logins = match &config.demo {
        Some(demo) => crate::demo::seed(&store, demo.sites).await?,
        None => Vec::new(),
    };
    let (signals, _) = broadcast::channel(LIVE_BUFFER);
    let (ops, _) = broadcast::channel(OPS_BUFFER);
    let (shutdown, _) = watch::channel(false);
    let bind = |addr| async move { TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source }) };
    let dc09_listener = bind(config.dc09).await?;
    let http_listener = bind(config.http).await?;
    let dc09_addr = dc09_listener.local_addr().map_err(|source| StartError::Bind { addr: config.dc09, source })?;
    let http_addr = http_listener.local_addr().map_err(|source| StartError::Bind { addr: config.http, source })?;

    let udp = UdpSocket::bind(dc09_addr).await.map_err(|source| StartError::Bind { addr: dc09_addr, source })?;
    let metrics_listener = match config.metrics {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let metrics_addr = metrics_listener.as_ref().and_then(|l| l.local_addr().ok());
    let metrics_handle = crate::observe::install();
    let certificates = match &config.tls {
        Some(files) => Some(std::sync::Arc::new(crate::tls::Certificates::load(&files.cert, &files.key)?)),
        None => None,
    };
    let acceptor = certificates.clone().map(crate::tls::acceptor).transpose()?;
    let redirect_listener = match config.http_redirect.filter(|_| certificates.is_some()) {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let redirect_addr = redirect_listener.as_ref().and_then(|l| l.local_addr().ok());

    let health = Health::new(config.ready_max_lag_ms);
    let recorder = Recorder::spawn(store.clone(), &health).await?;
    let (leadership, election) = crate::leader::start(store.clone(), shutdown.subscribe()).await;
    let supervision =
        Supervision::load(store.clone(), leadership.clone(), chrono::Utc::now().timestamp_millis()).await?;
    let outbox_wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let (engine, engine_task) = crate::alarm::spawn(
        store.clone(),
        config.clock.clone(),
        &config.dashboard,
        crate::alarm::Wiring {
            ops: ops.clone(),
            outbox: outbox_wake.clone(),
            health: health.clone(),
            panic_after: config.engine_panic_after,
            leadership: leadership.clone(),
        },
        shutdown.subscribe(),
    )
    .await?;
    let notify_config = with_stored_vapid_key(&store, config.notify.clone()).await?;
    let push_key = notify_config.push.as_ref().and_then(|p| p.public_key_b64().ok());
    let notifier = notify::Notifier::new(notify_config)?;
    let notifier = if config.push_any_endpoint { notifier.allow_private_push_endpoints() } else { notifier };
    let (feed, feed_task) =
        crate::live::Feed::start(store.clone(), signals.clone(), engine.clone(), shutdown.subscribe());
    let ingest = Ingest::new(store.clone(), recorder, supervision.clone(), feed.clone(), engine.clone());
    let outbox = crate::alarm::outbox::run(
        store.clone(),
        notifier,
        config.clock.clone(),
        outbox_wake,
        leadership.clone(),
        shutdown.subscribe(),
    );
    let (database, database_watch) = crate::database::start(store.clone(), shutdown.subscribe());
    let mut tasks = vec![
        health.spawn("database-watch", database_watch),
        health.spawn("election", election),
        health.spawn("engine", engine_task),
        health.spawn("outbox", outbox),
        health.spawn(
            "dc09-tcp",
            crate::receiver::tcp::serve(dc09_listener, ingest.clone(), config.receiver, shutdown.subscribe()),
        ),
        health
            .spawn("dc09-udp", crate::receiver::udp::serve(udp, ingest.clone(), config.receiver, shutdown.subscribe())),
        health.spawn("supervision", crate::supervision::run(supervision.clone(), feed, shutdown.subscribe())),
        health.spawn("live-feed", feed_task),
        health.spawn("maintenance", crate::maintenance::run(store.clone(), ingest.clone(), shutdown.subscribe())),
        health.spawn("retention", crate::retention::run(store.clone(), config.retention, shutdown.subscribe())),
    ];
    if store.backend() == store::Backend::Sqlite {
        tasks.push(health.spawn("checkpoint", crate::maintenance::checkpoints(store.clone(), shutdown.subscribe())));
    }

    if let Some(listener) = metrics_listener {
        let scrape = crate::observe::Scrape {
            handle: metrics_handle,
            store: store.clone(),
            engine: engine.clone(),
            health: health.clone(),
            ingest: ingest.clone(),
        };
        tasks.push(health.spawn("metrics", crate::observe::serve(listener, scrape, shutdown.subscribe())));
    }

    let web = crate::web::guard::WebSecurity { tls: certificates.is_some(), ..config.web.clone() };
    let (setup, setup_token) = setup_gate(&store, &config, http_addr).await?;
    let ctx = Ctx {
        store: store.clone(),
        signals,
        demo_logins,
        engine: engine.clone(),
        ops,
        dashboard: config.dashboard.clone(),
        push_key,
        push_any_endpoint: config.push_any_endpoint,
        secure_cookies: web.https(),
        setup,
        database,
    };
    let state = AppState::new(&config.site_root, http_addr, ctx, shutdown.subscribe(), web, health.clone());
    tasks.push(health.spawn("web", web::serve::serve(http_listener, state, acceptor)));
    if let Some(certs) = &certificates {
        tasks.push(health.spawn("tls-reload", crate::tls::reload_on_hangup(certs.clone(), shutdown.subscribe())));
    }
    if let Some(listener) = redirect_listener {
        let redirect = crate::tls::redirect(listener, config.web.origin(), http_addr.port(), shutdown.subscribe());
        tasks.push(health.spawn("http-redirect", redirect));
    }

    if let Some(demo) = &config.demo {
        // The demo city is not watched: it plays panels, and a panel may fail.
        tasks.push(crate::demo::spawn(&store, dc09_addr, engine.clone(), demo, shutdown.subscribe()).await?);
    }
    Ok(Running {
        http_addr,
        dc09_addr,
        metrics_addr,
        redirect_addr,
        certificates,
        store,
        supervision,
        engine,
        leadership,
        ingest,
        setup_token,
        health,
        shutdown,
        tasks,
    })
}

/// Vigil stopped because a core task failed (the service manager should start it again).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TaskFailed(pub Failure);

/// How long a failed Vigil keeps answering `/readyz` with 503 before it stops (so monitors
/// and load balancers see why).
const FAIL_GRACE: Duration = Duration::from_secs(2);
/// How long tasks get to end at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

impl Running {
    /// Runs until Ctrl-C or SIGTERM, then shuts down; or until a core task fails, then raises
    /// a system signal, shuts down within a bound and returns the failure.
    pub async fn run_until_ctrl_c(self) -> Result<(), RunError> {
        let health = self.health.clone();
        tokio::select! {
            r = wait_for_signal() => {
                r.map_err(RunError::Signal)?;
                tracing::info!("shutting down");
                self.shutdown().await;
                Ok(())
            }
            failure = health.failed() => {
                raise_system_signal(&self.store, &failure).await;
                tokio::time::sleep(FAIL_GRACE).await;
                self.shutdown().await;
                Err(RunError::TaskFailed(TaskFailed(failure)))
            }
        }
    }

    /// Stops accepting work and waits (at most [`DRAIN`]) for the tasks to end.
    pub async fn shutdown(self) {
        self.health.stopping();
        let _ = self.shutdown.send(true);
        let all = futures::future::join_all(self.tasks);
        if tokio::time::timeout(DRAIN, all).await.is_err() {
            tracing::warn!("some tasks did not end within {DRAIN:?}");
        }
    }
}

/// Why `vigil serve` stopped other than as asked.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The stop signals could not be listened for.
    #[error("signals: {0}")]
    Signal(std::io::Error),
    /// A core task failed.
    #[error(transparent)]
    TaskFailed(TaskFailed),
}

/// Event code of the signal Vigil raises when one of its own tasks fails.
pub const TASK_FAILED: &str = "VIGIL-FAULT";

/// Tells the operators (the signal feed, and the journal) that a core task failed: a
/// signal without a site, stored like the receiver's own notices.
async fn raise_system_signal(store: &Store, failure: &Failure) {
    let now = chrono::Utc::now().timestamp_millis();
    let meaning = format!("Vigil restarts: {failure}");
    let signal = crate::receiver::guard::internal_signal(now, "VIGIL".into(), None, TASK_FAILED, meaning);
    if let Err(e) = store.insert_signal(&signal).await {
        tracing::error!(error = %e, "the failure signal was not stored");
    }
    let audit = store::NewAudit {
        at_ms: now,
        actor_user_id: None,
        action: "system.task_failed".into(),
        subject: Some(failure.task.into()),
        detail: Some(failure.reason.clone()),
    };
    if let Err(e) = store.append_audit(&audit).await {
        tracing::error!(error = %e, "the failure was not journaled");
    }
}

async fn wait_for_signal() -> std::io::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r,
        _ = term.recv() => Ok(()),
    }
}

/// On a database without any user, opens the set-up page and prints its one-time link: the
/// only way in besides `vigil user add`. The token is printed on purpose (it is the
/// operator's own console); it stops working once the first user exists.
async fn setup_gate(
    store: &Store,
    config: &Config,
    http_addr: SocketAddr,
) -> Result<(std::sync::Arc<SetupGate>, Option<String>), StoreError> {
    if store.count_users().await? > 0 {
        return Ok((std::sync::Arc::new(SetupGate::closed()), None));
    }
    let (gate, token) = SetupGate::open();
    let base = match &config.web.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => format!("http://{http_addr}"),
    };
    tracing::warn!("no login exists yet: create the first administrator at {base}/setup?token={token} (or run `vigil user add NAME --role admin`)");
    Ok((std::sync::Arc::new(gate), Some(token)))
}

/// Web Push with an empty VAPID key uses the key kept in the database, made on first use
/// (subscriptions are bound to it, so it must outlive restarts).
async fn with_stored_vapid_key(store: &Store, mut config: notify::Config) -> Result<notify::Config, StoreError> {
    if let Some(push) = config.push.as_mut().filter(|p| p.vapid_private_key.is_empty()) {
        let make = || notify::PushConfig::generate(String::new()).vapid_private_key;
        push.vapid_private_key =
            store.secret_or_insert("vapid_private_key", make, chrono::Utc::now().timestamp_millis()).await?;
    }
    Ok(config)
}

/// Creates the folder of an SQLite database file, so that a fresh checkout just runs.
pub fn ensure_sqlite_dir(url: &str) -> std::io::Result<()> {
    match crate::backup::sqlite_path(url).as_deref().and_then(std::path::Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}
