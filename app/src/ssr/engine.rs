//! The handle to the running alarm engine: the one task that owns the pure
//! [`engine::Engine`] (`server/src/alarm`). Commands and reads are sent to it over a channel,
//! so every change is made by one writer, in order, and stored before it is answered.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use engine::{Actor, Command, CommandError, Engine, Reply};
use tokio::sync::{mpsc, oneshot, Notify};

/// Vigil's clock: the system clock, plus an offset that tests move forward.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now, unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (tests only; the system clock is never changed).
    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Why the engine did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine refused the command.
    #[error(transparent)]
    Refused(#[from] CommandError),
    /// The change could not be stored; nothing was done.
    #[error("could not store the change: {0}")]
    Store(String),
    /// The engine is not running (shutting down).
    #[error("the alarm engine is not running")]
    Stopped,
    /// This node does not run the engine and no node that does answered in time; the
    /// command was withdrawn, so nothing was done.
    #[error("no node runs the alarm engine right now (no answer within {0} s); nothing was done, try again")]
    NoLeader(u64),
    /// This node already has this many commands waiting for the node that runs the engine;
    /// this one was not sent, so nothing was done.
    #[error("{0} commands already wait for the node that runs the alarm engine; nothing was done, try again")]
    Busy(usize),
}

/// Work for the engine sent through the store by a node that does not run it, to the node
/// that does (`server/src/alarm/remote.rs`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remote {
    /// [`Job::Command`].
    Command {
        /// Who.
        actor: Actor,
        /// What.
        command: Command,
    },
    /// [`Job::Settle`].
    Settle,
    /// [`Job::ReloadSite`].
    ReloadSite(i64),
    /// [`Job::ReloadCrews`].
    ReloadCrews,
    /// [`Job::ReloadCentre`].
    ReloadCentre,
}

/// The engine's answer to a [`Remote`], stored with what it changed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// A command's reply.
    Reply(Reply),
    /// Done (settle, reloads).
    Done,
    /// The command was refused.
    Refused(CommandError),
    /// It could not be stored.
    Failed(String),
}

impl Answer {
    /// The answer to a command as its caller takes it.
    pub fn into_reply(self) -> Result<Reply, EngineError> {
        match self {
            Answer::Reply(reply) => Ok(reply),
            Answer::Done => Err(EngineError::Store("the engine answered a command without a reply".into())),
            Answer::Refused(e) => Err(EngineError::Refused(e)),
            Answer::Failed(e) => Err(EngineError::Store(e)),
        }
    }

    /// The answer to a settle or reload as its caller takes it.
    pub fn into_done(self) -> Result<(), EngineError> {
        match self {
            Answer::Reply(_) | Answer::Done => Ok(()),
            Answer::Refused(e) => Err(EngineError::Refused(e)),
            Answer::Failed(e) => Err(EngineError::Store(e)),
        }
    }
}

/// A read of the engine's state, run inside its task.
pub type ReadFn = Box<dyn FnOnce(&Engine, i64) + Send>;

/// Work for the engine task.
pub enum Job {
    /// Carry out a command, store its effects, answer.
    Command {
        /// Who.
        actor: Actor,
        /// What.
        command: Command,
        /// The answer, once stored.
        reply: oneshot::Sender<Result<Reply, EngineError>>,
    },
    /// Read the state.
    Read(ReadFn),
    /// Process every stored signal and every due timer now, then answer.
    Settle(oneshot::Sender<Result<(), EngineError>>),
    /// Reload a site's settings and contacts from the store.
    ReloadSite(i64, oneshot::Sender<Result<(), EngineError>>),
    /// Reload the crews from the store (one added or changed by an administrator).
    ReloadCrews(oneshot::Sender<Result<(), EngineError>>),
    /// Reload the centre's plans and public holidays from the store.
    ReloadCentre(oneshot::Sender<Result<(), EngineError>>),
}

/// A cheap, cloneable handle to the engine task.
#[derive(Clone)]
pub struct EngineHandle {
    jobs: mpsc::Sender<Job>,
    poke: Arc<Notify>,
    clock: Clock,
}

impl EngineHandle {
    /// A handle and the receiving ends for the engine task.
    pub fn new(clock: Clock, queue: usize) -> (EngineHandle, mpsc::Receiver<Job>, Arc<Notify>) {
        let (jobs, rx) = mpsc::channel(queue);
        let poke = Arc::new(Notify::new());
        (EngineHandle { jobs, poke: poke.clone(), clock }, rx, poke)
    }

    /// The clock the engine runs on.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Tells the engine that new signals are stored.
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// Carries out a command; answers once its effects are stored.
    pub async fn command(&self, actor: Actor, command: Command) -> Result<Reply, EngineError> {
        let (reply, rx) = oneshot::channel();
        self.jobs.send(Job::Command { actor, command, reply }).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }

    /// Reads from the engine's state at the engine's now.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine, i64) -> R + Send + 'static,
    ) -> Result<R, EngineError> {
        let (tx, rx) = oneshot::channel();
        let job: ReadFn = Box::new(move |engine, now| {
            let _ = tx.send(f(engine, now));
        });
        self.jobs.send(Job::Read(job)).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)
    }

    /// Processes every stored signal and due timer now; returns once stored.
    pub async fn settle(&self) -> Result<(), EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send(Job::Settle(tx)).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }

    /// Reloads a site's settings and contacts after they changed in the store.
    pub async fn reload_site(&self, site_id: i64) -> Result<(), EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send(Job::ReloadSite(site_id, tx)).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }

    /// Makes the engine read the crews again (added, renamed, moved by an administrator).
    pub async fn reload_crews(&self) -> Result<(), EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send(Job::ReloadCrews(tx)).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }

    /// Makes the engine read the centre's plans and holidays again (changed by an
    /// administrator).
    pub async fn reload_centre(&self) -> Result<(), EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs.send(Job::ReloadCentre(tx)).await.map_err(|_| EngineError::Stopped)?;
        rx.await.map_err(|_| EngineError::Stopped)?
    }
}
