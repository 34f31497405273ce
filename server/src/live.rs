//! Pushing stored signals to the browsers, off the acknowledgement path.

use app::model::SignalView;
use store::Store;
use tokio::sync::broadcast;

/// Reads the signals back (with site and zone names) and sends them to the live feed.
pub fn publish(store: &Store, live: &broadcast::Sender<SignalView>, ids: Vec<i64>) {
    if live.receiver_count() == 0 || ids.is_empty() {
        return;
    }
    let (store, live) = (store.clone(), live.clone());
    tokio::spawn(async move {
        for id in ids {
            match store.signal(id).await {
                Ok(Some(record)) => {
                    let _ = live.send(app::ssr::views::signal_view(&record));
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not read back a stored signal"),
            }
        }
    });
}
