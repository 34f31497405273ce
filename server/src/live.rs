//! Pushing stored signals to the browsers, off the acknowledgement path.

use app::model::SignalView;
use app::ssr::engine::EngineHandle;
use store::Store;
use tokio::sync::broadcast;

/// Reads the signals back (with site and zone names) and sends them to the live feed,
/// marked when their site is on test (with the engine, when the caller has it).
pub fn publish(store: &Store, live: &broadcast::Sender<SignalView>, engine: Option<&EngineHandle>, ids: Vec<i64>) {
    if live.receiver_count() == 0 || ids.is_empty() {
        return;
    }
    let (store, live, engine) = (store.clone(), live.clone(), engine.cloned());
    tokio::spawn(async move {
        for id in ids {
            match store.signal(id).await {
                Ok(Some(record)) => {
                    let view = match &engine {
                        Some(engine) => {
                            let plain = app::ssr::views::signal_view(&record);
                            engine.read(move |e, _| app::ssr::views::signal_view_in(e, &record)).await.unwrap_or(plain)
                        }
                        None => app::ssr::views::signal_view(&record),
                    };
                    let _ = live.send(view);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not read back a stored signal"),
            }
        }
    });
}
