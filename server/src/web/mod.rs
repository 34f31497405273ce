//! The web server: pages (SSR + hydration), server functions, the REST API and live push.

pub mod accounts;
pub mod api;
pub mod error;
pub mod exports;
pub mod guard;
pub mod incidents;
pub mod openapi;
pub mod ops;
pub mod osmand;
pub mod photos;
pub mod rate;
pub mod rpc_doc;
pub mod serve;
pub mod session;
pub mod sites;
pub mod slots;
pub mod sse;

use std::net::SocketAddr;
use std::time::Duration;

use app::ssr::Ctx;
use app::{shell, App};
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::sync::watch;

/// The web server's state: Leptos' options and Vigil's request context.
#[derive(Clone)]
pub struct AppState {
    /// Where the built front end is and how it is named.
    pub leptos: LeptosOptions,
    /// Store, live feed and demo data.
    pub ctx: Ctx,
    /// Flips to `true` at shutdown, ending live streams so the server can stop.
    pub shutdown: watch::Receiver<bool>,
    /// Public URL, client addresses.
    pub security: guard::WebSecurity,
    /// The tracking door's limits and counts.
    pub devices: std::sync::Arc<osmand::DeviceGuard>,
    /// The longest a site's service may be suspended at once, ms.
    pub max_suspension_ms: i64,
    /// Live streams open per login.
    pub streams: slots::StreamSlots,
    /// The watched tasks (`/readyz`).
    pub health: crate::health::Health,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl AppState {
    /// State for a server whose front end was built into `site_root`.
    pub fn new(
        site_root: &str,
        addr: SocketAddr,
        ctx: Ctx,
        shutdown: watch::Receiver<bool>,
        security: guard::WebSecurity,
        health: crate::health::Health,
    ) -> AppState {
        let leptos = LeptosOptions::builder()
            .output_name("vigil")
            .site_root(site_root)
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let max_suspension_ms = security.max_suspension_days.max(1) * 86_400_000;
        AppState {
            leptos,
            ctx,
            shutdown,
            security,
            devices: Default::default(),
            max_suspension_ms,
            streams: Default::default(),
            health,
        }
    }
}

/// The longest a suspension may last unless configured otherwise, days.
pub const DEFAULT_MAX_SUSPENSION_DAYS: i64 = 90;

/// A request that has not been answered within this gets 408 (live streams are answered at
/// once and are not cut by it).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Requests handled at once; more wait for a turn.
const MAX_CONCURRENT_REQUESTS: usize = 256;
/// The largest request body (an accounts CSV of several thousand rows fits).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// All routes, with the security layers: cross-site refusal, security headers, the client
/// address source, a timeout, a concurrency limit and a body limit.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.ctx.clone();
    let options = state.leptos.clone();
    let security = state.security.clone();
    Router::new()
        .merge(api::routes())
        .merge(accounts::routes())
        .merge(incidents::routes())
        .merge(sites::routes())
        .merge(ops::routes())
        .merge(photos::routes())
        .merge(exports::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(rate::SignInRate::default(), rate::limit_sign_in))
        .layer(axum::middleware::from_fn_with_state(security.clone(), guard::refuse_cross_site))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(tower::limit::ConcurrencyLimitLayer::new(MAX_CONCURRENT_REQUESTS))
        .layer(axum::middleware::from_fn_with_state(security.clone(), guard::security_headers))
        .layer(security.client_ip.clone().into_extension())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(crate::telemetry::request_span)
                .on_response(crate::telemetry::log_response),
        )
        .with_state(state)
}
