//! Server-side parts of the app: the request context, sign-in and views of stored records.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod csp;
pub mod customer;
pub mod engine;
pub mod history;
pub mod journal;
pub mod keys;
pub mod notices;
pub mod ops;
pub mod plans;
pub mod setup;
pub mod sla;
pub mod views;
pub mod words;
pub mod work;

use crate::model::{DemoLogin, SignalView};

/// What every server function and page handler can reach, provided by the server binary.
#[derive(Clone)]
pub struct Ctx {
    /// The one storage API.
    pub store: store::Store,
    /// Live feed of stored signals, for pushing to browsers.
    pub signals: tokio::sync::broadcast::Sender<SignalView>,
    /// Demo logins to show on the sign-in page; empty unless running the demo.
    pub demo_logins: Vec<DemoLogin>,
    /// The alarm engine.
    pub engine: engine::EngineHandle,
    /// Live feed of incident, crew and site changes, for the dashboards.
    pub ops: tokio::sync::broadcast::Sender<crate::model::ops::OpsEvent>,
    /// How the dashboards are set up.
    pub dashboard: Dashboard,
    /// The VAPID public key browsers subscribe with; `None`: Web Push is off.
    pub push_key: Option<String>,
    /// Subscriptions may name any http(s) endpoint (tests), not only the known push services.
    pub push_any_endpoint: bool,
    /// People reach Vigil over https: session cookies are `__Host-` and `Secure`.
    pub secure_cookies: bool,
    /// The first start's set-up page (open only while the database has no user).
    pub setup: std::sync::Arc<setup::SetupGate>,
    /// Whether the database answers and takes writes now (the node's database watch).
    pub database: tokio::sync::watch::Receiver<bool>,
}

/// The dashboards' settings: the map, the queue's limits and the centre's time zone.
#[derive(Clone, Debug)]
pub struct Dashboard {
    /// The map.
    pub map: crate::model::ops::MapConfig,
    /// Queue clock colours and escalation.
    pub limits: crate::model::ops::QueueLimits,
    /// The centre's time zone (supervisor figures per day).
    pub time_zone: chrono_tz::Tz,
}

impl Default for Dashboard {
    fn default() -> Self {
        Dashboard {
            map: crate::model::ops::MapConfig {
                tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
                attribution: "© OpenStreetMap contributors".into(),
                center: (44.4268, 26.1025),
                zoom: 12,
            },
            limits: crate::model::ops::QueueLimits::default(),
            time_zone: chrono_tz::UTC,
        }
    }
}
