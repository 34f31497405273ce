//! A server-sent event stream in the browser: `EventSource` with its reconnects. Every
//! (re)connect runs `on_open`, so a page reloads what it may have missed while away.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

/// Listens to `url`: each event named in `events` goes to `on_event(name, data)`, `live`
/// tells whether the stream is connected. Closed when the calling component is cleaned up.
pub fn listen(
    url: &str,
    events: &[&'static str],
    live: RwSignal<bool>,
    on_event: impl Fn(&str, String) + Clone + 'static,
    on_open: impl Fn() + 'static,
) {
    let Ok(source) = EventSource::new(url) else { return };
    for &name in events {
        let handle = on_event.clone();
        let cb = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                handle(name, text);
            }
        });
        let _ = source.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        cb.forget();
    }
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
