//! Pushing stored signals to the browsers, off the acknowledgement path. On PostgreSQL,
//! where several nodes may store signals, every node follows the signals table instead
//! (signal ids are given in commit order there) and pushes every node's signals alike.

use std::time::Duration;

use app::model::SignalView;
use app::ssr::engine::EngineHandle;
use store::{Backend, Store};
use tokio::sync::{broadcast, watch};

/// How often a node looks for signals stored by any node (PostgreSQL).
const FOLLOW: Duration = Duration::from_millis(200);
/// Signals read per look.
const FOLLOW_BATCH: i64 = 500;

/// Reads the signals back (with site and zone names) and sends them to the live feed,
/// marked when their site is on test (with the engine, when the caller has it).
pub fn publish(store: &Store, live: &broadcast::Sender<SignalView>, engine: Option<&EngineHandle>, ids: Vec<i64>) {
    if live.receiver_count() == 0 || ids.is_empty() || store.backend() == Backend::Postgres {
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

/// On PostgreSQL: pushes every signal any node stores, in order, until shutdown.
pub async fn follow(
    store: Store,
    live: broadcast::Sender<SignalView>,
    engine: EngineHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut after = loop {
        match store.max_signal_id().await {
            Ok(id) => break id,
            Err(e) => tracing::warn!(error = %e, "live feed: signals not readable"),
        }
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW) => {}
            _ = shutdown.changed() => return,
        }
    };
    let mut ticks = crate::ticks::Ticks::new(FOLLOW, shutdown);
    while ticks.next().await {
        let records = match store.signals_after(after, FOLLOW_BATCH).await {
            Ok(records) => records,
            Err(e) => {
                tracing::warn!(error = %e, "live feed: signals not readable");
                continue;
            }
        };
        let Some(last) = records.last().map(|r| r.id) else { continue };
        after = last;
        if live.receiver_count() == 0 {
            continue;
        }
        let views = engine
            .read(move |e, _| records.iter().map(|r| app::ssr::views::signal_view_in(e, r)).collect::<Vec<_>>())
            .await
            .unwrap_or_default();
        for view in views {
            let _ = live.send(view);
        }
    }
}
