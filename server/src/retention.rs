//! The daily retention job: deletes what is past its keeping time ([`store::Retention`]) in
//! batches of [`BATCH`] rows, pausing between batches so the receiver's commits go first.

use std::time::Duration;

use clap::Args;
use store::{Purged, Retention, Store, StoreError};
use tokio::sync::watch;

/// Rows of each kind per batch (one short transaction each).
pub const BATCH: i64 = 1000;
/// The pause between two batches.
const PAUSE: Duration = Duration::from_millis(20);
/// The first run, after start.
const FIRST_RUN: Duration = Duration::from_secs(300);
/// Then once a day.
const EVERY: Duration = Duration::from_secs(86_400);

/// How long rows are kept (0: for ever).
#[derive(Debug, Clone, Copy, Args)]
pub struct RetentionArgs {
    /// Days signals (and their arrivals) are kept; signals of a kept incident stay with it.
    #[arg(long, env = "VIGIL_RETAIN_SIGNALS_DAYS", default_value_t = 400)]
    pub retain_signals_days: u32,
    /// Days closed incidents (journal, photos, notifications) are kept after closing.
    #[arg(long, env = "VIGIL_RETAIN_INCIDENTS_DAYS", default_value_t = 1825)]
    pub retain_incidents_days: u32,
    /// Days the audit journal is kept.
    #[arg(long, env = "VIGIL_RETAIN_AUDIT_DAYS", default_value_t = 1825)]
    pub retain_audit_days: u32,
    /// Days sent or failed notifications are kept.
    #[arg(long, env = "VIGIL_RETAIN_OUTBOX_DAYS", default_value_t = 90)]
    pub retain_outbox_days: u32,
}

impl RetentionArgs {
    /// The policy these options describe.
    pub fn policy(&self) -> Retention {
        let days = |d: u32| (d > 0).then_some(d);
        Retention {
            signals_days: days(self.retain_signals_days),
            incidents_days: days(self.retain_incidents_days),
            audit_days: days(self.retain_audit_days),
            outbox_days: days(self.retain_outbox_days),
        }
    }
}

/// Deletes everything past its time now, batch by batch; stops early when `stop` turns true.
pub async fn purge(
    store: &Store,
    policy: &Retention,
    now_ms: i64,
    stop: &watch::Receiver<bool>,
) -> Result<Purged, StoreError> {
    let mut total = Purged::default();
    loop {
        let purged = store.purge_batch(policy, now_ms, BATCH).await?;
        total.add(purged);
        if purged.total() == 0 || *stop.borrow() {
            return Ok(total);
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// Runs [`purge`] five minutes after start, then daily, until shutdown.
pub async fn run(store: Store, policy: Retention, mut shutdown: watch::Receiver<bool>) {
    if policy == Retention::default() {
        let _ = shutdown.wait_for(|stop| *stop).await;
        return;
    }
    let mut next = tokio::time::Instant::now() + FIRST_RUN;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        next += EVERY;
        let started = std::time::Instant::now();
        match purge(&store, &policy, chrono::Utc::now().timestamp_millis(), &shutdown).await {
            Ok(p) if p.total() == 0 => tracing::debug!("retention: nothing past its time"),
            Ok(p) => tracing::info!(
                signals = p.signals,
                incidents = p.incidents,
                audit = p.audit,
                outbox = p.outbox,
                ms = started.elapsed().as_millis() as u64,
                "retention: old rows deleted"
            ),
            Err(e) => tracing::warn!(error = %e, "retention: stopped; tries again tomorrow"),
        }
    }
}
