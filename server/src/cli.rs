//! Command-line interface.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::startup::{Config, DemoConfig};

/// Vigil, an alarm receiving centre.
#[derive(Debug, Parser)]
#[command(name = "vigil", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Log lines as text (for people) or JSON (one object a line, for a log collector).
    #[arg(long, global = true, env = "VIGIL_LOG_FORMAT", default_value = "text")]
    pub log_format: crate::telemetry::LogFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server, the DC-09 receiver and live push.
    Serve(Box<ServeArgs>),
    /// Manage panel accounts: keys and supervised paths.
    Account(crate::account_cli::AccountArgs),
    /// Manage logins: the first administrator, passwords, disabling.
    User(crate::user_cli::UserArgs),
    /// Play many simulated panels against a DC-09 receiver and print throughput and ACK latency.
    Loadgen(loadgen::LoadArgs),
    /// The database's schema: its version, or migrate it.
    Db(crate::db_cli::DbArgs),
    /// Copy the SQLite database to a file while vigil runs.
    Backup(crate::db_cli::BackupArgs),
    /// Put a backup in place of the SQLite database (vigil stopped).
    Restore(crate::db_cli::RestoreArgs),
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(Box::new(ServeArgs::parse_from(["serve"])))
    }
}

/// Options of `vigil serve`.
#[derive(Debug, Clone, Parser)]
pub struct ServeArgs {
    /// Address of the web server (pages, REST API, live push).
    #[arg(long, env = "VIGIL_HTTP", default_value = "127.0.0.1:3000")]
    pub http: SocketAddr,
    /// Address of the SIA DC-09 receiver (TCP and UDP on the same port).
    #[arg(long, env = "VIGIL_DC09", default_value = "127.0.0.1:7777")]
    pub dc09: SocketAddr,
    /// Database URL: `sqlite://FILE` (embedded, created if missing) or `postgres://...`.
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db")]
    pub database: String,
    /// Seed a demo city (sites, zones, contacts, crews, demo users) and run simulated panels
    /// that send real DC-09 frames to the receiver.
    #[arg(long, env = "VIGIL_DEMO")]
    pub demo: bool,
    /// Number of demo sites (with --demo).
    #[arg(long, default_value_t = 200)]
    pub demo_sites: usize,
    /// Mean seconds between two signals of one simulated panel (with --demo).
    #[arg(long, default_value_t = 180.0)]
    pub demo_mean_interval: f64,
    /// Play the demo's scripted stories (burglaries, fire, duress...) every 45 s (with --demo).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_stories: bool,
    /// Accept Web Push subscriptions to any http(s) endpoint; by default only the browser
    /// makers' push services (Google, Mozilla, Apple, Microsoft), so that a subscription
    /// cannot make the server post to hosts of the caller's choosing. For tests.
    #[arg(long, env = "VIGIL_PUSH_ANY_ENDPOINT")]
    pub push_any_endpoint: bool,
    /// Folder with the built front end (wasm, JS, CSS, assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Notification channels.
    #[command(flatten)]
    pub notify: NotifyArgs,
    /// Dashboard options.
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    /// How Vigil faces the network.
    #[command(flatten)]
    pub security: SecurityArgs,
    /// The key that seals secrets at rest.
    #[command(flatten)]
    pub secrets: crate::secrets::SecretsArgs,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); read again on SIGHUP.
    #[arg(long, env = "VIGIL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "VIGIL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// With HTTPS: also listen for plain HTTP here (e.g. 0.0.0.0:80) and redirect it to HTTPS.
    #[arg(long, env = "VIGIL_HTTP_REDIRECT", requires = "tls_cert")]
    pub http_redirect: Option<SocketAddr>,
    /// How long rows are kept.
    #[command(flatten)]
    pub retention: crate::retention::RetentionArgs,
    /// Where Prometheus scrapes `/metrics` (e.g. 127.0.0.1:9477); unset: no metrics. Keep it
    /// off the public network: it is not signed in.
    #[arg(long, env = "VIGIL_METRICS")]
    pub metrics: Option<SocketAddr>,
    /// `/readyz` answers 503 when the oldest signal the engine has not handled is older than
    /// this many seconds.
    #[arg(long, env = "VIGIL_READY_MAX_LAG", default_value_t = 60)]
    pub ready_max_lag: u32,
    /// Start without migrating: refuse a database whose schema is not this vigil's (run
    /// `vigil db migrate` first). By default serve applies pending migrations itself.
    #[arg(long, env = "VIGIL_NO_MIGRATE")]
    pub no_migrate: bool,
    /// Test hook: the alarm engine panics after taking this many signals (restart tests).
    #[arg(long, env = "VIGIL_TEST_ENGINE_PANIC_AFTER", hide = true)]
    pub test_engine_panic_after: Option<u64>,
}

/// The public address, trusted proxies and the receiver's bounds.
#[derive(Debug, Clone, Args)]
pub struct SecurityArgs {
    /// The URL people reach Vigil at, such as https://arc.example.com when a TLS proxy is in
    /// front. With https, session cookies are `__Host-` and `Secure` and HSTS is sent; cross-
    /// site checks compare requests' Origin with it. Unset: each request's Host.
    #[arg(long, env = "VIGIL_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Where the client's address comes from: ConnectInfo (the socket: no proxy), or the
    /// header your proxy sets and clients cannot: RightmostXForwardedFor, XRealIp,
    /// CfConnectingIp, TrueClientIp, FlyClientIp, CloudFrontViewerAddress,
    /// XEnvoyExternalAddress. Sign-in limits per address use it.
    #[arg(long, env = "VIGIL_CLIENT_IP_SOURCE", default_value = "ConnectInfo")]
    pub client_ip_source: axum_client_ip::ClientIpSource,
    /// The longest a site's service may be suspended at once (supervisors and admins
    /// suspend, with a reason and an end).
    #[arg(long, env = "VIGIL_MAX_SUSPENSION_DAYS", default_value_t = 90)]
    pub max_suspension_days: i64,
    /// DC-09 TCP connections open at most.
    #[arg(long, env = "VIGIL_DC09_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub dc09_max_connections: usize,
    /// DC-09 TCP connections from one address at most.
    #[arg(long, env = "VIGIL_DC09_MAX_PER_ADDRESS", default_value_t = 256)]
    pub dc09_max_per_address: usize,
}

impl SecurityArgs {
    fn web(&self) -> crate::web::guard::WebSecurity {
        crate::web::guard::WebSecurity {
            public_url: self.public_url.clone(),
            client_ip: self.client_ip_source.clone(),
            max_suspension_days: self.max_suspension_days,
            tls: false,
        }
    }

    fn receiver(&self) -> crate::receiver::limits::Limits {
        crate::receiver::limits::Limits {
            max_connections: self.dc09_max_connections,
            max_per_address: self.dc09_max_per_address,
            ..Default::default()
        }
    }
}

/// How the operators' dashboards look and escalate.
#[derive(Debug, Clone, Args)]
pub struct DashboardArgs {
    /// Map tile URL template; empty for the bundled offline basemap only.
    #[arg(long, env = "VIGIL_TILE_URL", default_value = "https://tile.openstreetmap.org/{z}/{x}/{y}.png")]
    pub tile_url: String,
    /// Attribution shown for the tiles.
    #[arg(long, env = "VIGIL_TILE_ATTRIBUTION", default_value = "© OpenStreetMap contributors")]
    pub tile_attribution: String,
    /// Where the map opens: latitude,longitude.
    #[arg(long, env = "VIGIL_MAP_CENTER", default_value = "44.4268,26.1025", value_parser = parse_lat_lon)]
    pub map_center: (f64, f64),
    /// Map zoom to open at.
    #[arg(long, env = "VIGIL_MAP_ZOOM", default_value_t = 12)]
    pub map_zoom: u8,
    /// Seconds an incident may wait unclaimed before its clock turns amber.
    #[arg(long, env = "VIGIL_QUEUE_AMBER", default_value_t = 30)]
    pub queue_amber: u32,
    /// Seconds an incident may wait unclaimed before its clock turns red.
    #[arg(long, env = "VIGIL_QUEUE_RED", default_value_t = 60)]
    pub queue_red: u32,
    /// Seconds an incident may wait unclaimed before supervisors are alerted.
    #[arg(long, env = "VIGIL_ESCALATE_AFTER", default_value_t = 60)]
    pub escalate_after: u32,
    /// The centre's time zone (supervisor figures per day).
    #[arg(long, env = "VIGIL_TIME_ZONE", default_value = "Europe/Bucharest")]
    pub time_zone: chrono_tz::Tz,
}

fn parse_lat_lon(s: &str) -> Result<(f64, f64), String> {
    let (lat, lon) = s.split_once(',').ok_or("expected latitude,longitude")?;
    let lat: f64 = lat.trim().parse().map_err(|_| "latitude is not a number")?;
    let lon: f64 = lon.trim().parse().map_err(|_| "longitude is not a number")?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err("latitude or longitude out of range".into());
    }
    Ok((lat, lon))
}

impl DashboardArgs {
    /// The dashboard settings these options describe.
    pub fn into_dashboard(self) -> app::ssr::Dashboard {
        app::ssr::Dashboard {
            map: app::model::ops::MapConfig {
                tile_url: self.tile_url,
                attribution: self.tile_attribution,
                center: self.map_center,
                zoom: self.map_zoom,
            },
            limits: app::model::ops::QueueLimits {
                amber_s: self.queue_amber,
                red_s: self.queue_red.max(self.queue_amber),
                escalate_s: self.escalate_after.max(1),
            },
            time_zone: self.time_zone,
        }
    }
}

/// How notifications leave Vigil. A channel without settings is not used: its messages are
/// recorded in the outbox as not sent.
#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    /// SMTP server for e-mail.
    #[arg(long, env = "VIGIL_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "VIGIL_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// Plain SMTP without TLS (a relay on the same host only).
    #[arg(long, env = "VIGIL_SMTP_PLAIN")]
    pub smtp_plain: bool,
    /// SMTP user name.
    #[arg(long, env = "VIGIL_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password.
    #[arg(long, env = "VIGIL_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender address of e-mails.
    #[arg(long, env = "VIGIL_SMTP_FROM", default_value = "Vigil <alarms@localhost>")]
    pub smtp_from: String,
    /// URL of the SMS gateway (POST JSON {from, to, text}).
    #[arg(long, env = "VIGIL_SMS_URL")]
    pub sms_url: Option<String>,
    /// Bearer token of the SMS gateway.
    #[arg(long, env = "VIGIL_SMS_TOKEN", hide_env_values = true)]
    pub sms_token: Option<String>,
    /// Sender name or number of SMS.
    #[arg(long, env = "VIGIL_SMS_FROM", default_value = "Vigil")]
    pub sms_from: String,
    /// VAPID private key for Web Push (base64url P-256 scalar); without it, Vigil makes one
    /// on first start and keeps it in the database.
    #[arg(long, env = "VIGIL_VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<String>,
    /// VAPID subject (a mailto: or https: URL the push services can reach you at).
    #[arg(long, env = "VIGIL_VAPID_SUBJECT", default_value = "mailto:ops@localhost")]
    pub vapid_subject: String,
}

impl NotifyArgs {
    /// The notification configuration these options describe.
    pub fn into_config(self) -> notify::Config {
        notify::Config {
            smtp: self.smtp_host.map(|host| notify::SmtpConfig {
                host,
                port: self.smtp_port,
                tls: !self.smtp_plain,
                username: self.smtp_username,
                password: self.smtp_password,
                from: self.smtp_from,
            }),
            sms: self.sms_url.map(|url| notify::SmsConfig { url, token: self.sms_token, from: self.sms_from }),
            push: Some(notify::PushConfig {
                vapid_private_key: self.vapid_private_key.unwrap_or_default(),
                subject: self.vapid_subject,
                ttl_s: 3600,
            }),
        }
    }
}

impl ServeArgs {
    /// The runtime configuration these options describe.
    pub fn into_config(self) -> Result<Config, crate::secrets::SecretsError> {
        let secrets_key = self.secrets.load()?;
        Ok(Config {
            http: self.http,
            dc09: self.dc09,
            database: self.database,
            site_root: self.site_root,
            push_any_endpoint: self.push_any_endpoint,
            demo: self.demo.then_some(DemoConfig {
                sites: self.demo_sites,
                mean_interval_s: self.demo_mean_interval,
                stories: self.demo_stories,
            }),
            clock: app::ssr::engine::Clock::default(),
            notify: self.notify.into_config(),
            dashboard: self.dashboard.into_dashboard(),
            web: self.security.web(),
            receiver: self.security.receiver(),
            secrets_key,
            tls: self.tls_cert.zip(self.tls_key).map(|(cert, key)| crate::startup::TlsFiles { cert, key }),
            http_redirect: self.http_redirect,
            metrics: self.metrics,
            retention: self.retention.policy(),
            ready_max_lag_ms: i64::from(self.ready_max_lag) * 1000,
            migrate: !self.no_migrate,
            engine_panic_after: self.test_engine_panic_after,
        })
    }
}
