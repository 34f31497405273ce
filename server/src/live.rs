//! Pushing stored signals to the browsers, off the acknowledgement path. On SQLite the
//! writers hand the ids they stored to one task, which reads them back a batch at a time
//! (one query and one engine read for many signals, not one each). On PostgreSQL, where
//! several nodes may store signals, every node follows the signals table instead (signal
//! ids are given in commit order there) and pushes every node's signals alike.

use std::time::Duration;

use app::model::SignalView;
use app::ssr::engine::EngineHandle;
use store::{Backend, SignalRecord, Store};
use tokio::sync::{broadcast, mpsc, watch};

/// How often a node looks for signals stored by any node (PostgreSQL).
const FOLLOW: Duration = Duration::from_millis(100);
/// Signals read per look.
const FOLLOW_BATCH: i64 = 500;
/// Ids waiting to be pushed (SQLite); beyond it the browsers miss some, as a slow browser
/// does beyond its own buffer.
const WAITING: usize = 8192;

/// Where a node's writers hand the signals they stored, for the browsers.
#[derive(Clone)]
pub struct Feed {
    /// `None` on PostgreSQL (the table is followed).
    ids: Option<mpsc::Sender<i64>>,
    live: broadcast::Sender<SignalView>,
}

impl Feed {
    /// The feed and the task that pushes to `live` until shutdown.
    pub fn start(
        store: Store,
        live: broadcast::Sender<SignalView>,
        engine: EngineHandle,
        shutdown: watch::Receiver<bool>,
    ) -> (Feed, std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) {
        if store.backend() == Backend::Postgres {
            return (Feed { ids: None, live: live.clone() }, Box::pin(follow(store, live, engine, shutdown)));
        }
        let (ids, rx) = mpsc::channel(WAITING);
        (Feed { ids: Some(ids), live: live.clone() }, Box::pin(push(store, live, engine, rx, shutdown)))
    }

    /// Signals just stored (committed) by this node.
    pub fn publish(&self, ids: &[i64]) {
        let Some(tx) = &self.ids else { return };
        if self.live.receiver_count() == 0 {
            return;
        }
        for &id in ids {
            if tx.try_send(id).is_err() {
                metrics::counter!("vigil_live_feed_dropped_total").increment(1);
            }
        }
    }
}

/// SQLite: reads back what the writers handed over, a batch at a time, and pushes it.
async fn push(
    store: Store,
    live: broadcast::Sender<SignalView>,
    engine: EngineHandle,
    mut rx: mpsc::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ids = Vec::with_capacity(FOLLOW_BATCH as usize);
    loop {
        tokio::select! {
            n = rx.recv_many(&mut ids, FOLLOW_BATCH as usize) => if n == 0 { return },
            _ = shutdown.changed() => return,
        }
        ids.sort_unstable();
        ids.dedup();
        let (first, last) = (ids[0], ids[ids.len() - 1]);
        match store.signals_after(first - 1, last - first + 1).await {
            Ok(records) => {
                let records: Vec<SignalRecord> =
                    records.into_iter().filter(|r| ids.binary_search(&r.id).is_ok()).collect();
                send(&live, &engine, records).await;
            }
            Err(e) => tracing::warn!(error = %e, "live feed: signals not readable"),
        }
        ids.clear();
    }
}

/// Pushes records as views, marked when their site is on test (the engine knows).
async fn send(live: &broadcast::Sender<SignalView>, engine: &EngineHandle, records: Vec<SignalRecord>) {
    if live.receiver_count() == 0 || records.is_empty() {
        return;
    }
    let records = std::sync::Arc::new(records);
    let read = records.clone();
    let views = engine
        .read(move |e, _| read.iter().map(|r| app::ssr::views::signal_view_in(e, r)).collect::<Vec<_>>())
        .await
        .unwrap_or_else(|_| records.iter().map(app::ssr::views::signal_view).collect());
    for view in views {
        let _ = live.send(view);
    }
}

/// On PostgreSQL: pushes every signal any node stores, in order, until shutdown.
async fn follow(
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
        // A full batch: more are waiting; read on at once (under a high load one batch a
        // tick would fall behind for good).
        loop {
            let records = match store.signals_after(after, FOLLOW_BATCH).await {
                Ok(records) => records,
                Err(e) => {
                    tracing::warn!(error = %e, "live feed: signals not readable");
                    break;
                }
            };
            let Some(last) = records.last().map(|r| r.id) else { break };
            after = last;
            let full = records.len() as i64 == FOLLOW_BATCH;
            send(&live, &engine, records).await;
            if !full {
                break;
            }
        }
    }
}
