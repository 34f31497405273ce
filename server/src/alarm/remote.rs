//! Engine work asked on a node that does not run the engine: queued in the store
//! (`engine_commands`), carried out by the node that holds the engine lease, and answered in
//! the same transaction as its effects. A caller waits at most [`WAIT`]; then it withdraws
//! the command, unless the answer came meanwhile, so a command is done once or clearly not
//! done, never lost in between.

use std::time::Duration;

use app::ssr::engine::{Answer, EngineError, Remote};
use engine::Reply;
use store::Store;
use tokio::sync::oneshot;

/// How long a caller waits for the leader.
pub const WAIT: Duration = Duration::from_secs(10);
/// How often it looks for the answer.
const POLL: Duration = Duration::from_millis(40);
/// How many commands one node may have waiting for the leader at once (each looks for its
/// answer every [`POLL`]); more are refused at once with [`EngineError::Busy`]. A centre's
/// operators send a few a minute; a flood (a script, a stuck client) must not turn into
/// thousands of queries a second.
pub const MAX_WAITING: usize = 64;

/// Who waits for an answer.
pub enum Waiter {
    /// A command's caller.
    Reply(oneshot::Sender<Result<Reply, EngineError>>),
    /// A settle's or reload's caller.
    Done(oneshot::Sender<Result<(), EngineError>>),
}

impl Waiter {
    /// Answers the caller.
    pub fn send(self, answer: Result<Answer, EngineError>) {
        match self {
            Waiter::Reply(tx) => {
                let _ = tx.send(answer.and_then(Answer::into_reply));
            }
            Waiter::Done(tx) => {
                let _ = tx.send(answer.and_then(Answer::into_done));
            }
        }
    }
}

/// Wall-clock now (command ages are compared across nodes, never on a test's moved clock).
pub fn wall_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Queues `remote` for the leader and waits for its answer.
pub async fn ask(store: &Store, remote: &Remote) -> Result<Answer, EngineError> {
    let body = serde_json::to_string(remote).map_err(|e| EngineError::Store(e.to_string()))?;
    let store_err = |e: store::StoreError| EngineError::Store(e.to_string());
    let id = store.queue_engine_command(&body, wall_ms()).await.map_err(store_err)?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(answer) = store.engine_command_answer(id).await.map_err(store_err)? {
            return parse(&answer);
        }
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    if store.abandon_engine_command(id, wall_ms()).await.map_err(store_err)? {
        tracing::warn!(command = id, "no node ran the alarm engine within {WAIT:?}; command withdrawn");
        return Err(EngineError::NoLeader(WAIT.as_secs()));
    }
    // Answered between the last look and the withdrawal.
    match store.engine_command_answer(id).await.map_err(store_err)? {
        Some(answer) => parse(&answer),
        None => Err(EngineError::NoLeader(WAIT.as_secs())),
    }
}

fn parse(answer: &str) -> Result<Answer, EngineError> {
    serde_json::from_str(answer).map_err(|e| EngineError::Store(format!("unreadable answer from the engine: {e}")))
}

/// An answer as stored.
pub fn json(answer: &Answer) -> String {
    serde_json::to_string(answer).unwrap_or_else(|_| "\"done\"".to_owned())
}
