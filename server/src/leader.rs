//! Which node runs the alarm engine, supervision, the timers and the outbox sender: the one
//! holding the engine lease in the store (`store::ENGINE_LEASE`). Every node runs this task;
//! it takes the lease when it is free or expired and renews it while it holds it.
//!
//! A leader knows how long its lease is valid by its own monotonic clock (from just before
//! the renewal it sent, so never later than the database's expiry) and steps down when a
//! renewal has not succeeded in that time, before any other node may take over. Its writes
//! carry the lease's token and are refused by the store once the token is stale (the
//! fence), so even a leader paused past its lease (SIGSTOP, a long stall) cannot write after
//! a new one took over. On SQLite the one node takes the lease at start.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store::{Store, ENGINE_LEASE};
use tokio::sync::watch;

/// How long a lease lasts unless renewed.
pub const TTL: Duration = Duration::from_millis(2_500);
/// How often the holder renews, and others try to take it.
const RENEW: Duration = Duration::from_millis(500);
/// How much earlier than its lease a leader counts itself out (clock rates differ).
const MARGIN: Duration = Duration::from_millis(300);
/// How long one renewal may take before it counts as failed.
const ATTEMPT: Duration = Duration::from_millis(1_500);

/// This node's part in running the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Another node (or none) runs the engine; commands go through the store.
    Follower,
    /// This node runs it; its writes carry `token`.
    Leader {
        /// The lease's fencing token.
        token: i64,
    },
}

/// A cheap handle to this node's role.
#[derive(Clone)]
pub struct Leadership {
    holder: Arc<str>,
    role: watch::Receiver<Role>,
    valid_until: Arc<Mutex<Option<Instant>>>,
}

impl Leadership {
    /// The name this node holds the lease under (host, process, random).
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The role as last decided.
    pub fn role(&self) -> Role {
        *self.role.borrow()
    }

    /// Told of every change of role.
    pub fn watch(&self) -> watch::Receiver<Role> {
        self.role.clone()
    }

    /// The token to write with, if this node leads and its lease is valid right now by its
    /// own clock (checked before an act that no fence can take back, such as sending an SMS).
    pub fn token_now(&self) -> Option<i64> {
        let valid = still_valid(&self.valid_until);
        match self.role() {
            Role::Leader { token } if valid => Some(token),
            _ => None,
        }
    }
}

/// Takes part in the election: tries the lease once now (so a lone node leads from its first
/// moment), then returns the handle and the task that keeps renewing until shutdown, when it
/// gives the lease up so another node takes over at once.
pub async fn start(
    store: Store,
    mut shutdown: watch::Receiver<bool>,
) -> (Leadership, impl std::future::Future<Output = ()> + Send + 'static) {
    let holder: Arc<str> = holder_name().into();
    let (tx, rx) = watch::channel(Role::Follower);
    let valid_until = Arc::new(Mutex::new(None));
    let leadership = Leadership { holder: holder.clone(), role: rx, valid_until: valid_until.clone() };
    let mut election = Election { store, holder, tx, valid_until };
    election.attempt().await;
    let task = async move {
        let mut tick = tokio::time::interval(RENEW);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => election.attempt().await,
                _ = shutdown.changed() => break,
            }
        }
        election.resign().await;
    };
    (leadership, task)
}

struct Election {
    store: Store,
    holder: Arc<str>,
    tx: watch::Sender<Role>,
    valid_until: Arc<Mutex<Option<Instant>>>,
}

impl Election {
    async fn attempt(&mut self) {
        let sent = Instant::now();
        let ttl_ms = i64::try_from(TTL.as_millis()).unwrap_or(i64::MAX);
        let result = tokio::time::timeout(ATTEMPT, self.store.hold_lease(ENGINE_LEASE, &self.holder, ttl_ms)).await;
        let role = match result {
            Ok(Ok(Some(lease))) => {
                self.set_valid_until(Some(sent + TTL - MARGIN));
                Role::Leader { token: lease.token }
            }
            Ok(Ok(None)) => {
                self.set_valid_until(None);
                Role::Follower
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "engine lease not renewed");
                self.unless_still_valid()
            }
            Err(_) => {
                tracing::warn!("engine lease not renewed within {ATTEMPT:?}");
                self.unless_still_valid()
            }
        };
        self.set(role);
    }

    /// After a failed renewal: still the leader while the lease held by the last success
    /// lasts, a follower after.
    fn unless_still_valid(&mut self) -> Role {
        let valid = still_valid(&self.valid_until);
        match *self.tx.borrow() {
            Role::Leader { token } if valid => Role::Leader { token },
            _ => {
                self.set_valid_until(None);
                Role::Follower
            }
        }
    }

    fn set_valid_until(&self, until: Option<Instant>) {
        *self.valid_until.lock().unwrap_or_else(|p| p.into_inner()) = until;
    }

    fn set(&mut self, role: Role) {
        let before = *self.tx.borrow();
        if before == role {
            return;
        }
        match role {
            Role::Leader { token } => tracing::info!(holder = %self.holder, token, "this node runs the alarm engine"),
            Role::Follower => tracing::warn!(holder = %self.holder, "this node does not run the alarm engine"),
        }
        metrics::gauge!("vigil_engine_leader").set(f64::from(u8::from(matches!(role, Role::Leader { .. }))));
        let _ = self.tx.send(role);
    }

    async fn resign(&mut self) {
        if matches!(*self.tx.borrow(), Role::Leader { .. }) {
            self.set_valid_until(None);
            self.set(Role::Follower);
            match self.store.release_lease(ENGINE_LEASE, &self.holder).await {
                Ok(_) => tracing::info!("engine lease given up"),
                Err(e) => tracing::warn!(error = %e, "engine lease not given up; it expires in {TTL:?}"),
            }
        }
    }
}

/// Whether a lease valid until the given instant (if any) is valid now.
fn still_valid(valid_until: &Mutex<Option<Instant>>) -> bool {
    valid_until.lock().unwrap_or_else(|p| p.into_inner()).is_some_and(|t| Instant::now() < t)
}

/// `host/pid/random`: unique per run, readable in the lease row and the logs.
fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = if host.trim().is_empty() { "vigil" } else { host.trim() };
    format!("{host}/{}/{:04x}", std::process::id(), rand::random::<u16>())
}
