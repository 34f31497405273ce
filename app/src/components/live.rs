//! Browser side of the live signal feed: an `EventSource` on the server's signal stream.

use leptos::prelude::*;

use crate::model::SignalView;

/// Where the server streams new signals.
pub const STREAM_URL: &str = "/api/v1/signals/stream";

/// Opens the stream: each pushed signal lands in `pushed`, `live` tells whether the stream is
/// connected, and `on_open` runs on every (re)connect so that missed rows can be fetched.
pub fn subscribe(pushed: RwSignal<Vec<SignalView>>, live: RwSignal<bool>, on_open: impl Fn() + 'static) {
    let on_signal = move |_: &str, text: String| match serde_json::from_str::<SignalView>(&text) {
        Ok(view) => pushed.update(|rows| {
            if !rows.iter().any(|r| r.id == view.id) {
                rows.insert(0, view);
                rows.truncate(super::signal_feed::FEED_ROWS);
            }
        }),
        Err(e) => leptos::logging::warn!("bad signal event: {e}"),
    };
    super::stream::listen(STREAM_URL, &["signal"], live, on_signal, on_open);
}
