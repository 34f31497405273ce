//! The dashboards' live push and the crews' phones: `GET /api/v1/ops/stream` (staff),
//! `GET /api/v1/crew/stream` (a guard: only their own crew), `GET /api/v1/app/stream` (a
//! customer), and the route of `/api/v1/osmand` (`osmand.rs`).

use std::convert::Infallible;
use std::time::Duration;

use app::model::ops::OpsEvent;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

use super::error::ApiError;
use super::session::{Guard, Signed, Staff};
use super::AppState;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ops/stream", get(ops_stream))
        .route("/api/v1/crew/stream", get(crew_stream))
        .route("/api/v1/osmand", get(super::osmand::osmand).post(super::osmand::osmand))
        .route("/api/v1/app/stream", get(app_stream))
}

/// A place for one more live stream of this login, or 429.
pub fn stream_slot(state: &AppState, user_id: i64) -> Result<super::slots::Slot, ApiError> {
    state
        .streams
        .open(user_id)
        .ok_or_else(|| ApiError::TooMany("this login has its most live streams open; close a tab".into()))
}

/// The customer's view of a site as text, to tell whether it changed.
async fn customer_view(engine: &app::ssr::engine::EngineHandle, site_id: i64) -> Option<String> {
    engine.read(move |e, now| e.customer_site(site_id, now).map(|v| format!("{v:?}"))).await.ok().flatten()
}

fn until_shutdown(state: &AppState) -> impl std::future::Future<Output = ()> + Send + 'static {
    let mut shutdown = state.shutdown.clone();
    async move {
        let _ = shutdown.wait_for(|stopping| *stopping).await;
    }
}

/// `ops` events (JSON [`OpsEvent`]) as the engine stores changes; `lagged` tells a client
/// that fell behind to load its snapshot again. A reconnecting client reloads its snapshot
/// on `open`, so nothing is missed across a dropped connection.
#[utoipa::path(get, path = "/api/v1/ops/stream", responses(
    (status = 200, description = "text/event-stream of `ops` events: incident, crew and site changes", content_type = "text/event-stream", body = String),
    (status = 401, description = "not signed in"),
    (status = 403, description = "not staff"),
))]
pub async fn ops_stream(
    Staff(user): Staff,
    State(state): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let slot = stream_slot(&state, user.id)?;
    let stream = BroadcastStream::new(state.ctx.ops.subscribe()).take_until(until_shutdown(&state)).map(|item| {
        Ok(match item {
            Ok(ev) => Event::default().event("ops").json_data(&ev).unwrap_or_else(|_| Event::default().event("lagged")),
            Err(BroadcastStreamRecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
        })
    });
    Ok(Sse::new(super::slots::holding(stream, slot)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A `job` event whenever the guard's own crew changes (sent, recalled, moved); the page
/// then reloads its job. Nothing about other crews or incidents is sent.
#[utoipa::path(get, path = "/api/v1/crew/stream", responses(
    (status = 200, description = "text/event-stream of `job` events", content_type = "text/event-stream", body = String),
    (status = 401, description = "not signed in"),
    (status = 403, description = "not a crew login"),
    (status = 404, description = "no crew for this login"),
))]
pub async fn crew_stream(
    Guard(user): Guard,
    State(state): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let crew_id = app::ssr::work::crew_of(&state.ctx, &user).await.map_err(|e| ApiError::NotFound(e.to_string()))?;
    let slot = stream_slot(&state, user.id)?;
    let stream = BroadcastStream::new(state.ctx.ops.subscribe()).take_until(until_shutdown(&state)).filter_map(
        move |item| async move {
            match item {
                Ok(OpsEvent::Crew(c)) if c.id == crew_id => Some(Ok(Event::default().event("job").data(c.status))),
                Ok(_) => None,
                Err(BroadcastStreamRecvError::Lagged(_)) => Some(Ok(Event::default().event("job").data("lagged"))),
            }
        },
    );
    Ok(Sse::new(super::slots::holding(stream, slot)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A `site` event (the site id) whenever the customer's own view of one of their sites
/// changes: its state, or an alarm that is not silent. Each candidate change is compared with
/// the view last pinged for, so work on a silent (duress) incident, which moves the site on
/// the operators' map, sends nothing at all. The app then reloads that view.
#[utoipa::path(get, path = "/api/v1/app/stream", responses(
    (status = 200, description = "text/event-stream of `site` events", content_type = "text/event-stream", body = String),
    (status = 401, description = "not signed in"),
    (status = 403, description = "not a customer"),
))]
pub async fn app_stream(
    Signed(user): Signed,
    State(state): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    if user.role != app::model::Role::Customer {
        return Err(ApiError::Auth(app::ssr::auth::AuthError::Forbidden));
    }
    let slot = stream_slot(&state, user.id)?;
    let sites: std::collections::HashSet<i64> =
        state.ctx.store.member_sites(user.id).await?.into_iter().map(|m| m.site_id).collect();
    let engine = state.ctx.engine.clone();
    let mut seen = std::collections::HashMap::new();
    for id in &sites {
        seen.insert(*id, customer_view(&engine, *id).await);
    }
    let seen = std::sync::Arc::new(tokio::sync::Mutex::new(seen));
    let stream =
        BroadcastStream::new(state.ctx.ops.subscribe()).take_until(until_shutdown(&state)).filter_map(move |item| {
            let site = match item {
                Ok(OpsEvent::Site(s)) => Some(s.id),
                Ok(OpsEvent::Incident(i)) if !i.silent && i.category != "duress" => Some(i.site_id),
                Ok(_) => None,
                Err(BroadcastStreamRecvError::Lagged(_)) => Some(0),
            };
            let site = site.filter(|id| *id == 0 || sites.contains(id));
            let (engine, seen) = (engine.clone(), seen.clone());
            async move {
                let id = site?;
                if id != 0 {
                    let view = customer_view(&engine, id).await;
                    if seen.lock().await.insert(id, view.clone()) == Some(view) {
                        return None;
                    }
                }
                Some(Ok(Event::default().event("site").data(id.to_string())))
            }
        });
    Ok(Sse::new(super::slots::holding(stream, slot)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
