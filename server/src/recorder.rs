//! Group commit with retransmission dedupe: signals from many connections are written in one
//! transaction, and each caller learns its ids only once that transaction is committed.
//!
//! A frame whose dedupe key was seen within [`DEDUPE_WINDOW_MS`] (a retransmission after a
//! lost ACK, or the same event over a second path) is not stored again: its arrival is
//! recorded against the first signal and the caller is told it is a repeat. The recorder is
//! one task, so two arrivals of the same frame can never both be stored; its memory of keys
//! is reloaded from the store at start, so a restart does not forget it either. On
//! PostgreSQL, where other nodes store signals too, the store also looks for the key among
//! recent signals of every node, under the lock that orders signal writes.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use store::{ArrivalOf, NewArrival, NewSignal, Store, StoreError, WriteItem, Written};
use tokio::sync::{mpsc, oneshot};

/// How many waiting requests one transaction takes at most.
const MAX_BATCH: usize = 256;

/// How long a frame's identity is remembered for dedupe, milliseconds.
pub const DEDUPE_WINDOW_MS: i64 = 5 * 60 * 1000;

/// Why signals were not recorded (nothing of the batch was committed).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RecordError {
    /// The store failed; the whole batch was rolled back.
    #[error("store: {0}")]
    Store(Arc<StoreError>),
    /// The recorder has stopped.
    #[error("recorder stopped")]
    Stopped,
}

/// What became of one frame's signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Stored now, with these ids.
    New(Vec<i64>),
    /// Already stored as this signal (the first of the frame); this arrival was recorded.
    Repeat(i64),
}

struct Job {
    signals: Vec<NewSignal>,
    arrival: NewArrival,
    done: oneshot::Sender<Result<Recorded, RecordError>>,
}

/// A handle to the recorder task.
#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Loads the recent dedupe keys and starts the recorder task on `store`.
    pub async fn spawn(store: Store, health: &crate::health::Health) -> Result<Recorder, StoreError> {
        let now = chrono::Utc::now().timestamp_millis();
        let mut seen = Seen::default();
        for (key, id) in store.recent_dedupe_keys(now - DEDUPE_WINDOW_MS).await? {
            seen.insert(key, id, now);
        }
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        health.spawn("recorder", run(store, rx, seen));
        Ok(Recorder { jobs })
    }

    /// Stores one frame's `signals` durably (or records a repeated arrival); returns once
    /// committed. All signals of a frame carry the same dedupe key.
    pub async fn record(&self, signals: Vec<NewSignal>, arrival: NewArrival) -> Result<Recorded, RecordError> {
        let (done, wait) = oneshot::channel();
        self.jobs.send(Job { signals, arrival, done }).await.map_err(|_| RecordError::Stopped)?;
        wait.await.map_err(|_| RecordError::Stopped)?
    }
}

/// Dedupe keys seen within the window, oldest first for expiry.
#[derive(Default)]
struct Seen {
    ids: HashMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

impl Seen {
    fn insert(&mut self, key: String, id: i64, at_ms: i64) {
        self.order.push_back((at_ms, key.clone()));
        self.ids.insert(key, id);
    }

    fn expire(&mut self, now_ms: i64) {
        while let Some((at, _)) = self.order.front() {
            if *at >= now_ms - DEDUPE_WINDOW_MS {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.ids.remove(&key);
            }
        }
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>, mut seen: Seen) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let now = chrono::Utc::now().timestamp_millis();
        seen.expire(now);
        let items = plan(&mut batch, &seen);
        match store.write_frames(&items, Some(DEDUPE_WINDOW_MS)).await {
            Ok(written) => {
                metrics::histogram!("vigil_recorder_batch_size").record(batch.len() as f64);
                for (item, written) in items.iter().zip(&written) {
                    if let (WriteItem::Signals(signals), Some(first)) = (item, written.first()) {
                        if let Some(key) = signals.first().and_then(|s| s.dedupe_key.clone()) {
                            seen.insert(key, first, now);
                        }
                    }
                }
                for (job, written) in batch.drain(..).zip(written) {
                    let outcome = match written {
                        Written::New(ids) => Recorded::New(ids),
                        Written::Repeat(id) => Recorded::Repeat(id),
                    };
                    let _ = job.done.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, frames = batch.len(), "could not store signals; none acknowledged");
                let e = RecordError::Store(Arc::new(e));
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Turns a batch of jobs into store writes, moving each job's signals out: a frame whose key
/// is known (committed earlier or earlier in this batch) becomes an arrival of the first one.
fn plan(batch: &mut [Job], seen: &Seen) -> Vec<WriteItem> {
    let mut in_batch: HashMap<String, usize> = HashMap::new();
    let mut items = Vec::with_capacity(batch.len());
    for (i, job) in batch.iter_mut().enumerate() {
        let key = job.signals.first().and_then(|s| s.dedupe_key.clone());
        let of = key.as_deref().and_then(|k| {
            seen.ids.get(k).map(|id| ArrivalOf::Signal(*id)).or_else(|| in_batch.get(k).map(|i| ArrivalOf::Item(*i)))
        });
        match of {
            Some(of) => items.push(WriteItem::Arrival { of, arrival: std::mem::take(&mut job.arrival) }),
            None => {
                if let Some(k) = key {
                    in_batch.insert(k, i);
                }
                items.push(WriteItem::Signals(std::mem::take(&mut job.signals)));
            }
        }
    }
    items
}
