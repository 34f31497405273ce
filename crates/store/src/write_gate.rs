//! Turns at SQLite's one writer, taken in this process instead of in SQLite.
//!
//! SQLite lets one transaction write at a time. A writer that finds the database locked
//! waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15 ... ms between tries: a
//! frame's group commit that arrived while the engine wrote its step waited up to twice as
//! long as the step itself, and an acknowledgement paid for it. Here the store's busy
//! writers queue for their turn (first come, first served, woken at once, no sleeping), and
//! the signals' writers (the recorder, link supervision) go before the engine's steps: a
//! step waits while a signals writer waits, up to [`YIELD`], so the engine still moves under
//! a load that never stops, at most one step's length ahead of a frame. Writers that come
//! rarely (sign-ins, settings, the nightly clean-up) take no turn and meet SQLite's handler
//! as before.
//!
//! PostgreSQL has row locks and no such handler, so its store has no gate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::cluster::SIGNALS_LOCK;
use crate::{Backend, Store, StoreError};

/// How long a background writer lets signals writers go first before it queues anyway.
pub(crate) const YIELD: Duration = Duration::from_millis(20);

/// Whose turn it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Priority {
    /// Signals: someone waits for the commit to be acknowledged.
    Signals,
    /// Work nobody waits on by the millisecond (the engine's steps).
    Background,
}

/// The queue for the writer's turn.
#[derive(Debug, Default)]
pub(crate) struct WriteGate {
    turn: Arc<Mutex<()>>,
    /// Signals writers waiting for a turn.
    waiting: AtomicUsize,
    /// Told when no signals writer waits any more.
    clear: Notify,
}

/// A turn at the writer: held until the transaction ends.
pub(crate) type Turn = OwnedMutexGuard<()>;

/// Counts a waiting signals writer until it has its turn (or gave up waiting).
struct Waiting<'a>(&'a WriteGate);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.0.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.clear.notify_waiters();
        }
    }
}

impl WriteGate {
    /// Waits for a turn.
    pub(crate) async fn turn(&self, priority: Priority) -> Turn {
        match priority {
            Priority::Signals => {
                self.waiting.fetch_add(1, Ordering::AcqRel);
                let _waiting = Waiting(self);
                self.turn.clone().lock_owned().await
            }
            Priority::Background => {
                let until = tokio::time::Instant::now() + YIELD;
                loop {
                    let _ = tokio::time::timeout_at(until, self.no_signals_waiting()).await;
                    let turn = self.turn.clone().lock_owned().await;
                    // A signals writer that came while this one queued goes first.
                    if self.waiting.load(Ordering::Acquire) == 0 || tokio::time::Instant::now() >= until {
                        return turn;
                    }
                }
            }
        }
    }

    async fn no_signals_waiting(&self) {
        loop {
            let cleared = self.clear.notified();
            if self.waiting.load(Ordering::Acquire) == 0 {
                return;
            }
            cleared.await;
        }
    }
}

/// A write transaction holding its turn at the writer (none on PostgreSQL) until it ends.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<Turn>,
}

impl WriteTx {
    /// Commits, then gives the turn to the next writer.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Store {
    /// Begins a write transaction in its turn ([`WriteGate`]); for signals on PostgreSQL,
    /// under the lock that orders signal ids ([`crate::cluster::SIGNALS_LOCK`]).
    pub(crate) async fn begin_write(&self, priority: Priority) -> Result<WriteTx, StoreError> {
        let turn = match &self.gate {
            Some(gate) => Some(gate.turn(priority).await),
            None => None,
        };
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres && priority == Priority::Signals {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SIGNALS_LOCK).execute(&mut *tx).await?;
        }
        Ok(WriteTx { tx, _turn: turn })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_signals_writer_goes_before_a_background_one_queued_earlier() {
        let gate = Arc::new(WriteGate::default());
        let first = gate.turn(Priority::Background).await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (g, o) = (gate.clone(), order.clone());
        let background = tokio::spawn(async move {
            let _turn = g.turn(Priority::Background).await;
            o.lock().unwrap().push("background");
        });
        tokio::task::yield_now().await;
        let (g, o) = (gate.clone(), order.clone());
        let signals = tokio::spawn(async move {
            let _turn = g.turn(Priority::Signals).await;
            o.lock().unwrap().push("signals");
        });
        tokio::task::yield_now().await;
        drop(first);
        signals.await.unwrap();
        background.await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["signals", "background"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_background_writer_waits_for_signals_writers_at_most_its_yield() {
        let gate = Arc::new(WriteGate::default());
        // A signals writer that holds its turn for long: the background one queues after
        // YIELD and gets its turn as soon as the writer is done, not later.
        let held = gate.turn(Priority::Signals).await;
        gate.waiting.fetch_add(1, Ordering::AcqRel); // one more always waiting
        let g = gate.clone();
        let started = tokio::time::Instant::now();
        let background = tokio::spawn(async move {
            let _turn = g.turn(Priority::Background).await;
            started.elapsed()
        });
        tokio::time::sleep(YIELD * 3).await;
        drop(held);
        let waited = tokio::time::timeout(YIELD * 10, background).await.expect("not starved").unwrap();
        assert_eq!(waited, YIELD * 3, "it had its turn when the writer let go");
    }
}
