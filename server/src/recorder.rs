//! Group commit: signals from many connections are written in one transaction, and each
//! caller learns its ids only once that transaction is committed.

use std::sync::Arc;

use store::{NewSignal, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// How many waiting requests one transaction takes at most.
const MAX_BATCH: usize = 256;

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

struct Job {
    signals: Vec<NewSignal>,
    done: oneshot::Sender<Result<Vec<i64>, RecordError>>,
}

/// A handle to the recorder task.
#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Starts the recorder task on `store`.
    pub fn spawn(store: Store) -> Recorder {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, rx));
        Recorder { jobs }
    }

    /// Stores `signals` durably; returns their ids once committed.
    pub async fn record(&self, signals: Vec<NewSignal>) -> Result<Vec<i64>, RecordError> {
        let (done, wait) = oneshot::channel();
        self.jobs.send(Job { signals, done }).await.map_err(|_| RecordError::Stopped)?;
        wait.await.map_err(|_| RecordError::Stopped)?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let lens: Vec<usize> = batch.iter().map(|j| j.signals.len()).collect();
        let all: Vec<NewSignal> = batch.iter_mut().flat_map(|j| std::mem::take(&mut j.signals)).collect();
        match store.insert_signals(&all).await {
            Ok(ids) => {
                let mut ids = ids.into_iter();
                for (job, len) in batch.drain(..).zip(lens) {
                    let mine = ids.by_ref().take(len).collect();
                    let _ = job.done.send(Ok(mine));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, signals = all.len(), "could not store signals; none acknowledged");
                let e = RecordError::Store(Arc::new(e));
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(e.clone()));
                }
            }
        }
    }
}
