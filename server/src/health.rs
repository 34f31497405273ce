//! Whether Vigil is fit to take alarms: every long-running task is watched, and `/readyz`
//! answers from what is watched here.
//!
//! A task that panics or ends before shutdown marks Vigil failed at once (`/readyz` answers
//! 503 from that moment) and wakes [`Health::failed`]; the process then raises a system
//! signal, drains for a bounded time and exits non-zero, so that the service manager starts
//! it again. That is safe because a frame is acknowledged only after its commit: what the
//! engine had not handled yet is replayed from the store after the restart.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use serde::Serialize;
use store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How old the engine's last turn may be before it counts as stuck.
const ENGINE_BEAT_MAX_MS: i64 = 10_000;
/// How long the database gets to answer a readiness check.
const DB_PING: Duration = Duration::from_secs(2);

/// A task's failure: which task and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The task's name (`engine`, `recorder`, `dc09-tcp`, ...).
    pub task: &'static str,
    /// What happened (`panicked: ...`, `ended unexpectedly`).
    pub reason: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the {} task {}", self.task, self.reason)
    }
}

/// Shared by every task; cheap to clone.
#[derive(Clone)]
pub struct Health {
    inner: Arc<Inner>,
}

struct Inner {
    tasks: Mutex<BTreeMap<&'static str, bool>>,
    failed: watch::Sender<Option<Failure>>,
    stopping: AtomicBool,
    engine_beat_ms: AtomicI64,
    engine_cursor: AtomicI64,
    max_lag_ms: i64,
}

/// `/readyz`'s answer.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// Whether every check passed.
    pub ready: bool,
    /// The database answered.
    pub database: bool,
    /// The engine task is alive and turned recently.
    pub engine: bool,
    /// How long the oldest signal the engine has not handled has waited, ms (0: none).
    pub engine_lag_ms: i64,
    /// The largest lag still counted as ready, ms.
    pub engine_lag_max_ms: i64,
    /// The DC-09 receivers (TCP and UDP) are listening.
    pub receivers: bool,
    /// Each watched task: running or not.
    pub tasks: BTreeMap<&'static str, bool>,
    /// The first failure, if any.
    pub failure: Option<String>,
}

impl Health {
    /// Health with the engine's lag bound for readiness.
    pub fn new(max_lag_ms: i64) -> Health {
        let (failed, _) = watch::channel(None);
        Health {
            inner: Arc::new(Inner {
                tasks: Mutex::default(),
                failed,
                stopping: AtomicBool::new(false),
                engine_beat_ms: AtomicI64::new(now_ms()),
                engine_cursor: AtomicI64::new(0),
                max_lag_ms,
            }),
        }
    }

    /// Runs `task` as a watched task named `name`.
    pub fn spawn(&self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        self.lock().insert(name, true);
        let health = self.clone();
        tokio::spawn(async move {
            let outcome = AssertUnwindSafe(task).catch_unwind().await;
            health.lock().insert(name, false);
            let reason = match outcome {
                Ok(()) if health.inner.stopping.load(Ordering::SeqCst) => return,
                Ok(()) => "ended unexpectedly".to_owned(),
                Err(panic) => format!("panicked: {}", panic_text(panic.as_ref())),
            };
            health.fail(Failure { task: name, reason });
        })
    }

    /// Marks Vigil failed (the first failure is kept).
    pub fn fail(&self, failure: Failure) {
        tracing::error!(task = failure.task, reason = %failure.reason, "a core task stopped; vigil will exit");
        self.inner.failed.send_if_modified(|f| {
            let first = f.is_none();
            if first {
                *f = Some(failure);
            }
            first
        });
    }

    /// Resolves with the first failure.
    pub async fn failed(&self) -> Failure {
        let mut rx = self.inner.failed.subscribe();
        let failure = rx.wait_for(Option::is_some).await.map(|f| f.clone());
        match failure {
            Ok(Some(f)) => f,
            _ => std::future::pending().await,
        }
    }

    /// The first failure, if any.
    pub fn failure(&self) -> Option<Failure> {
        self.inner.failed.borrow().clone()
    }

    /// Shutdown has begun: tasks ending now end as asked.
    pub fn stopping(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
    }

    /// The engine took a turn, its cursor (the last signal it handled) now at `cursor`.
    pub fn engine_beat(&self, cursor: i64) {
        self.inner.engine_beat_ms.store(now_ms(), Ordering::Relaxed);
        self.inner.engine_cursor.store(cursor, Ordering::Relaxed);
    }

    /// The engine's cursor as last reported.
    pub fn engine_cursor(&self) -> i64 {
        self.inner.engine_cursor.load(Ordering::Relaxed)
    }

    /// Checks everything `/readyz` reports.
    pub async fn readiness(&self, store: &Store) -> Readiness {
        let now = now_ms();
        let tasks = self.lock().clone();
        let alive = |name: &str| tasks.get(name).copied().unwrap_or(false);
        let failure = self.failure().map(|f| f.to_string());
        let lag = tokio::time::timeout(DB_PING, store.oldest_signal_after(self.engine_cursor())).await;
        let (database, engine_lag_ms) = match lag {
            Ok(Ok(oldest)) => (true, oldest.map_or(0, |at| (now - at).max(0))),
            _ => (false, 0),
        };
        let beat = self.inner.engine_beat_ms.load(Ordering::Relaxed);
        let engine = alive("engine") && now - beat <= ENGINE_BEAT_MAX_MS;
        let receivers = alive("dc09-tcp") && alive("dc09-udp");
        let ready = failure.is_none()
            && database
            && engine
            && receivers
            && engine_lag_ms <= self.inner.max_lag_ms
            && !self.inner.stopping.load(Ordering::SeqCst);
        Readiness {
            ready,
            database,
            engine,
            engine_lag_ms,
            engine_lag_max_ms: self.inner.max_lag_ms,
            receivers,
            tasks,
            failure,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, bool>> {
        self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_fails_health_with_its_message() {
        let health = Health::new(60_000);
        let task = health.spawn("engine", async { panic!("boom") });
        let _ = task.await;
        let failure = health.failure().expect("failed");
        assert_eq!(failure.task, "engine");
        assert_eq!(failure.reason, "panicked: boom");
        assert_eq!(health.failed().await, failure);
    }

    #[tokio::test]
    async fn a_task_ending_early_fails_but_not_at_shutdown() {
        let health = Health::new(60_000);
        health.spawn("recorder", async {}).await.unwrap();
        assert_eq!(health.failure().map(|f| f.reason), Some("ended unexpectedly".into()));

        let health = Health::new(60_000);
        health.stopping();
        health.spawn("recorder", async {}).await.unwrap();
        assert_eq!(health.failure(), None);
    }
}
