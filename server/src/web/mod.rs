//! The web server: pages (SSR + hydration), server functions, the REST API and live push.

pub mod accounts;
pub mod api;
pub mod error;
pub mod incidents;
pub mod openapi;
pub mod ops;
pub mod session;
pub mod sites;
pub mod sse;

use std::net::SocketAddr;

use app::ssr::Ctx;
use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl AppState {
    /// State for a server whose front end was built into `site_root`.
    pub fn new(site_root: &str, addr: SocketAddr, ctx: Ctx, shutdown: watch::Receiver<bool>) -> AppState {
        let leptos = LeptosOptions::builder().output_name("vigil").site_root(site_root).site_pkg_dir("pkg").site_addr(addr).build();
        AppState { leptos, ctx, shutdown }
    }
}

/// All routes.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.ctx.clone();
    let options = state.leptos.clone();
    Router::new()
        .merge(api::routes())
        .merge(accounts::routes())
        .merge(incidents::routes())
        .merge(sites::routes())
        .merge(ops::routes())
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the web app until shutdown.
pub async fn serve(listener: TcpListener, state: AppState) {
    let mut shutdown = state.shutdown.clone();
    let app = router(state);
    let stop = async move {
        let _ = shutdown.changed().await;
    };
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
        tracing::error!(error = %e, "web server failed");
    }
}
