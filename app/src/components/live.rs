//! Browser side of the live push: an `EventSource` on the server's signal stream.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use crate::model::SignalView;

/// Where the server streams new signals.
pub const STREAM_URL: &str = "/api/v1/signals/stream";

/// Opens the stream: each pushed signal lands in `pushed`, `live` tells whether the stream is
/// connected, and `on_open` runs on every (re)connect so that missed rows can be fetched.
pub fn subscribe(pushed: RwSignal<Vec<SignalView>>, live: RwSignal<bool>, on_open: impl Fn() + 'static) {
    let Ok(source) = EventSource::new(STREAM_URL) else {
        return;
    };
    let on_signal = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let Some(text) = ev.data().as_string() else { return };
        match serde_json::from_str::<SignalView>(&text) {
            Ok(view) => pushed.update(|rows| {
                if !rows.iter().any(|r| r.id == view.id) {
                    rows.insert(0, view);
                    rows.truncate(super::signal_feed::FEED_ROWS);
                }
            }),
            Err(e) => leptos::logging::warn!("bad signal event: {e}"),
        }
    });
    let _ = source.add_event_listener_with_callback("signal", on_signal.as_ref().unchecked_ref());
    on_signal.forget();
    let opened = Closure::<dyn FnMut()>::new(move || {
        live.set(true);
        on_open();
    });
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    opened.forget();
    let failed = Closure::<dyn FnMut()>::new(move || live.set(false));
    source.set_onerror(Some(failed.as_ref().unchecked_ref()));
    failed.forget();
    let source = StoredValue::new_local(source);
    on_cleanup(move || source.with_value(|s| s.close()));
}
