//! Live push of stored signals to browsers as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

use super::session::Staff;
use super::AppState;

/// `GET /api/v1/signals/stream`: an `EventSource` stream of `signal` events (JSON
/// `SignalView`); a `lagged` event tells a slow client to fetch the list again.
#[utoipa::path(get, path = "/api/v1/signals/stream", responses(
    (status = 200, description = "text/event-stream of `signal` events", content_type = "text/event-stream", body = String),
    (status = 401, description = "not signed in"),
    (status = 403, description = "not staff"),
    (status = 429, description = "this login has its most live streams open"),
))]
pub async fn signal_stream(
    Staff(user): Staff,
    State(state): State<AppState>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, super::error::ApiError> {
    let slot = super::ops::stream_slot(&state, user.id)?;
    let mut shutdown = state.shutdown.clone();
    let stop = async move {
        let _ = shutdown.wait_for(|stopping| *stopping).await;
    };
    let stream = BroadcastStream::new(state.ctx.signals.subscribe()).take_until(stop).map(|item| {
        Ok(match item {
            Ok(view) => {
                Event::default().event("signal").json_data(&view).unwrap_or_else(|_| Event::default().event("lagged"))
            }
            Err(BroadcastStreamRecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
        })
    });
    Ok(Sse::new(super::slots::holding(stream, slot)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
