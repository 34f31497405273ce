//! Housekeeping that keeps tables from growing without bound: expired sessions and old
//! sign-in attempt counts are deleted, and the receiver's aggregated row for unknown
//! accounts' frames over their limits is written, once a minute; the engine commands and
//! dashboard events nodes passed each other are kept ten minutes. On SQLite, the write-ahead
//! log is copied into the database each second, beside the writers (`store::Store::checkpoint`).

use std::time::Duration;

use store::Store;
use tokio::sync::watch;

use crate::receiver::ingest::Ingest;

/// How often the housekeeping runs.
const EVERY: Duration = Duration::from_secs(60);
/// Sign-in counts whose last attempt is older than this (and that are not waiting) go.
const ATTEMPTS_KEPT_MS: i64 = 24 * 3600 * 1000;
/// Engine commands and dashboard events between nodes are kept this long.
const CLUSTER_KEPT_MS: i64 = 10 * 60 * 1000;

/// How often the SQLite write-ahead log is copied into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// SQLite: checkpoints until shutdown.
pub async fn checkpoints(store: Store, shutdown: watch::Receiver<bool>) {
    let mut ticks = crate::ticks::Ticks::new(CHECKPOINT_EVERY, shutdown);
    while ticks.next().await {
        if let Err(e) = store.checkpoint().await {
            tracing::warn!(error = %e, "write-ahead log not checkpointed");
        }
    }
}

/// Runs until shutdown.
pub async fn run(store: Store, ingest: Ingest, shutdown: watch::Receiver<bool>) {
    let mut ticks = crate::ticks::Ticks::new(EVERY, shutdown);
    while ticks.next().await {
        ingest.flush_unknown().await;
        let now = chrono::Utc::now().timestamp_millis();
        match store.delete_expired_sessions(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
            Err(e) => tracing::warn!(error = %e, "expired sessions not deleted"),
        }
        if let Err(e) = store.sweep_attempts(now - ATTEMPTS_KEPT_MS).await {
            tracing::warn!(error = %e, "old sign-in counts not deleted");
        }
        if let Err(e) = store.prune_cluster(now, CLUSTER_KEPT_MS).await {
            tracing::warn!(error = %e, "old engine commands and dashboard events not deleted");
        }
    }
}
