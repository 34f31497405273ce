//! The alarm engine at run time: one task owns the pure [`engine::Engine`]. It reads new
//! signals from the store after its cursor, runs the clock every second, and carries out
//! commands one at a time; each result is stored (with the cursor) in one transaction
//! before anyone is answered.
//!
//! Only the node holding the engine lease (`crate::leader`) runs it; every write carries the
//! lease's token and is refused if another node took over (the fence). A node that does not
//! lead keeps a copy of the engine for reads, refreshed from the store, pushes the leader's
//! dashboard events to its own pages, and sends commands to the leader through the store
//! (`remote.rs`). On taking the lease a node rebuilds the engine from the store.
//!
//! The signals table is the engine's queue: a signal is acknowledged to the panel once
//! stored, and the engine's cursor moves only in the transaction that stores what the signal
//! caused. A crash between the two replays the signal; nothing is lost or done twice.

pub mod load;
pub mod outbox;
pub mod persist;
pub mod remote;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::ops::OpsEvent;
use app::ssr::engine::{Answer, Clock, EngineError, EngineHandle, Job, Remote};
use app::ssr::ops::Names;
use app::ssr::Dashboard;
use engine::{Engine, Output};
use store::{Backend, Store, StoreError};

use crate::health::Health;
use crate::leader::{Leadership, Role};
use persist::Extras;
use remote::Waiter;
use tokio::sync::{broadcast, mpsc, watch, Notify};

/// Signals taken per step (one transaction). A frame's commit may wait for one step to be
/// written (SQLite has one writer), so a step is kept short; after each, the engine answers
/// what else waits (reads, commands) before it takes the next.
const BATCH: i64 = 128;
/// While signals trickle in, a step starts at most this long after the last one: many
/// frames, few transactions (each a disk sync the frames' own commits would queue behind).
/// A backlog is taken step after step without the wait.
const STEP_GAP: Duration = Duration::from_millis(20);
/// How often timers are checked (one node on SQLite).
const TICK: Duration = Duration::from_secs(1);
/// How often, on PostgreSQL, the leader looks for signals stored by other nodes and queued
/// commands, and a follower for the leader's events.
const SHARED_TICK: Duration = Duration::from_millis(200);
/// A follower rebuilds its copy at most this often after changes, and at least this often.
const REFRESH_MIN: Duration = Duration::from_secs(1);
const REFRESH_MAX: Duration = Duration::from_secs(10);
/// Queued commands carried out per turn.
const QUEUED: i64 = 50;

/// What the engine task is connected to besides the store.
pub struct Wiring {
    /// Changes pushed to the dashboards once stored.
    pub ops: broadcast::Sender<OpsEvent>,
    /// Wakes the delivery worker when notices were stored.
    pub outbox: Arc<Notify>,
    /// Told of every turn and the cursor (for `/readyz`).
    pub health: Health,
    /// Test hook: panic once this many signals were taken in this run.
    pub panic_after: Option<u64>,
    /// Whether this node runs the engine.
    pub leadership: Leadership,
}

/// Loads the engine; returns its handle and the task to run (watched by the caller).
pub async fn spawn(
    store: Store,
    clock: Clock,
    dashboard: &Dashboard,
    wiring: Wiring,
    shutdown: watch::Receiver<bool>,
) -> Result<(EngineHandle, impl std::future::Future<Output = ()> + Send + 'static), StoreError> {
    let (handle, jobs, poke) = EngineHandle::new(clock.clone(), 1024);
    let escalate_ms = i64::from(dashboard.limits.escalate_s) * 1000;
    let (engine, cursor) = load_engine(&store, escalate_ms).await?;
    tracing::info!(open = engine.open_incidents().len(), cursor, "alarm engine loaded");
    let names = app::ssr::ops::user_names(&store).await?;
    let shared = store.backend() == Backend::Postgres;
    let last_event = if shared { store.last_ops_event().await? } else { 0 };
    wiring.health.engine_beat(cursor);
    let Wiring { ops, outbox, health, panic_after, leadership } = wiring;
    let (answered, answers) = mpsc::channel(256);
    let runtime = Runtime {
        store,
        clock,
        engine,
        cursor,
        ops,
        outbox,
        names,
        escalate_ms,
        health,
        panic_after,
        taken: 0,
        leadership,
        token: None,
        shared,
        last_event,
        stale: false,
        refreshed: Instant::now(),
        answered,
        waiting: Arc::new(tokio::sync::Semaphore::new(remote::MAX_WAITING)),
    };
    Ok((handle, runtime.run(jobs, answers, poke, shutdown)))
}

/// The engine as stored, with the centre's escalation time.
async fn load_engine(store: &Store, escalate_ms: i64) -> Result<(Engine, i64), StoreError> {
    let (mut engine, cursor) = load::load(store).await?;
    engine.set_escalation(escalate_ms);
    Ok((engine, cursor))
}

type Answered = (Result<Answer, EngineError>, Waiter);

struct Runtime {
    store: Store,
    clock: Clock,
    engine: Engine,
    cursor: i64,
    /// Changes pushed to the dashboards once stored.
    ops: broadcast::Sender<OpsEvent>,
    /// Wakes the delivery worker when notices were stored.
    outbox: Arc<Notify>,
    /// Operators' names for the cards (re-read when an unknown one claims).
    names: Names,
    escalate_ms: i64,
    health: Health,
    panic_after: Option<u64>,
    /// Signals taken in this run (for the test hook).
    taken: u64,
    leadership: Leadership,
    /// The lease token while this node runs the engine (its writes carry it).
    token: Option<i64>,
    /// Several nodes may share the database (PostgreSQL): events are stored for the others.
    shared: bool,
    /// A follower's last pushed event.
    last_event: i64,
    /// A follower's copy is older than the store.
    stale: bool,
    refreshed: Instant,
    /// Answers from the leader to work this node sent it.
    answered: mpsc::Sender<Answered>,
    /// Room for work waiting for the leader ([`remote::MAX_WAITING`]).
    waiting: Arc<tokio::sync::Semaphore>,
}

impl Runtime {
    async fn run(
        mut self,
        mut jobs: mpsc::Receiver<Job>,
        mut answers: mpsc::Receiver<Answered>,
        poke: Arc<Notify>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut tick = tokio::time::interval(if self.shared { SHARED_TICK } else { TICK });
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        self.take_role().await;
        // A poke marks signals waiting; the step runs at `next_step`.
        let (mut waiting, mut next_step) = (false, tokio::time::Instant::now());
        loop {
            self.health.engine_beat(self.cursor);
            tokio::select! {
                job = jobs.recv() => match job {
                    Some(job) => self.job(job).await,
                    None => break,
                },
                Some((answer, waiter)) = answers.recv() => {
                    if self.token.is_none() {
                        // What the caller reads next must show what the leader did.
                        self.refresh().await;
                    }
                    waiter.send(answer);
                }
                _ = poke.notified(), if self.token.is_some() && !waiting => waiting = true,
                _ = tokio::time::sleep_until(next_step), if waiting && self.token.is_some() => {
                    waiting = false;
                    next_step = tokio::time::Instant::now() + STEP_GAP;
                    match self.step().await {
                        Ok(true) => (waiting, next_step) = (true, tokio::time::Instant::now()),
                        Ok(false) => {}
                        Err(e) => tracing::error!(error = %e, "alarm engine could not store; will retry"),
                    }
                }
                _ = tick.tick() => self.turn(&poke).await,
                _ = shutdown.changed() => break,
            }
        }
    }

    /// Each tick: follow the lease; lead (signals, timers, queued commands) or follow. Timers
    /// run once the stored signals are all taken (a backlog is taken a step at a time).
    async fn turn(&mut self, poke: &Notify) {
        self.take_role().await;
        if self.token.is_some() {
            match self.step().await {
                Ok(true) => poke.notify_one(),
                Ok(false) => {
                    if let Err(e) = self.timers().await {
                        tracing::error!(error = %e, "alarm engine could not store; will retry");
                    }
                }
                Err(e) => tracing::error!(error = %e, "alarm engine could not store; will retry"),
            }
            // Also on SQLite: work this node queued in the seconds after a crash, before the
            // lease of its previous run expired.
            self.run_queued().await;
        } else {
            self.follow().await;
        }
    }

    /// Starts or stops running the engine as the lease says. A node that takes the lease
    /// rebuilds the engine from the store first: the last leader's work is all there.
    async fn take_role(&mut self) {
        match self.leadership.role() {
            Role::Leader { token } if self.token != Some(token) => match self.reload().await {
                Ok(()) => {
                    self.token = Some(token);
                    let open = self.engine.open_incidents().len();
                    tracing::info!(token, cursor = self.cursor, open, "alarm engine runs here");
                }
                Err(e) => tracing::error!(error = %e, "alarm engine not loaded; will retry"),
            },
            Role::Follower if self.token.is_some() => {
                self.token = None;
                self.stale = true;
                if let Ok(last) = self.store.last_ops_event().await {
                    self.last_event = last;
                }
                tracing::warn!("alarm engine stopped here (another node runs it)");
            }
            _ => {}
        }
    }

    /// A follower: pushes the leader's new events to this node's pages and refreshes its
    /// copy of the engine when the leader changed something (at most once a second).
    async fn follow(&mut self) {
        if self.shared {
            match self.store.ops_events_after(self.last_event, 500).await {
                Ok(rows) => {
                    for (id, body) in rows {
                        self.last_event = id;
                        self.stale = true;
                        match serde_json::from_str::<OpsEvent>(&body) {
                            Ok(event) => {
                                let _ = self.ops.send(event);
                            }
                            Err(e) => tracing::warn!(event = id, error = %e, "unreadable dashboard event"),
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "dashboard events not readable"),
            }
        }
        let age = self.refreshed.elapsed();
        if (self.stale && age >= REFRESH_MIN) || age >= REFRESH_MAX {
            self.refresh().await;
        }
    }

    /// Rebuilds this follower's copy of the engine from the store.
    async fn refresh(&mut self) {
        match self.reload().await {
            Ok(()) => self.stale = false,
            Err(e) => tracing::warn!(error = %e, "alarm engine copy not refreshed"),
        }
        self.refreshed = Instant::now();
    }

    /// Replaces the engine and its cursor with what the store holds.
    async fn reload(&mut self) -> Result<(), StoreError> {
        let (engine, cursor) = load_engine(&self.store, self.escalate_ms).await?;
        self.engine = engine;
        self.cursor = cursor;
        Ok(())
    }

    async fn job(&mut self, job: Job) {
        let (remote, waiter) = match job {
            Job::Read(f) => return f(&self.engine, self.clock.now_ms()),
            Job::Command { actor, command, reply } => (Remote::Command { actor, command }, Waiter::Reply(reply)),
            Job::Settle(reply) => (Remote::Settle, Waiter::Done(reply)),
            Job::ReloadSite(site_id, reply) => (Remote::ReloadSite(site_id), Waiter::Done(reply)),
            Job::ReloadCrews(reply) => (Remote::ReloadCrews, Waiter::Done(reply)),
            Job::ReloadCentre(reply) => (Remote::ReloadCentre, Waiter::Done(reply)),
        };
        // The lease may have moved since the last turn: decide with the current role.
        self.take_role().await;
        if self.token.is_some() {
            let (answer, _) = self.carry_out(remote, None).await;
            waiter.send(Ok(answer));
        } else {
            let Ok(permit) = self.waiting.clone().try_acquire_owned() else {
                waiter.send(Err(EngineError::Busy(remote::MAX_WAITING)));
                return;
            };
            let (store, answered) = (self.store.clone(), self.answered.clone());
            tokio::spawn(async move {
                let answer = remote::ask(&store, &remote).await;
                drop(permit);
                let _ = answered.send((answer, waiter)).await;
            });
        }
    }

    /// Does what was asked (here or queued by another node as command `id`); returns the
    /// answer and whether it was stored with the effects.
    async fn carry_out(&mut self, remote: Remote, id: Option<i64>) -> (Answer, bool) {
        let failed = |e: &dyn std::fmt::Display| Answer::Failed(e.to_string());
        let answer = match remote {
            Remote::Command { actor, command } => {
                let now = self.clock.now_ms();
                match self.engine.on_command(actor, command, now) {
                    Ok((reply, out)) => {
                        let answer = Answer::Reply(reply);
                        let answers = id.map(|id| (id, remote::json(&answer))).into_iter().collect();
                        return match self.store_output(&out, Extras { answers, ..Extras::default() }, now).await {
                            Ok(()) => (answer, id.is_some()),
                            Err(e) => (failed(&e), false),
                        };
                    }
                    Err(e) => Answer::Refused(e),
                }
            }
            Remote::Settle => self.settle().await.map_or_else(|e| failed(&e), |()| Answer::Done),
            Remote::ReloadSite(site_id) => match self.reload_crews().await.and(self.reload_site(site_id).await) {
                Ok(true) => Answer::Done,
                Ok(false) => Answer::Failed(format!("site {site_id} not found")),
                Err(e) => failed(&e),
            },
            Remote::ReloadCrews => self.reload_crews().await.map_or_else(|e| failed(&e), |()| Answer::Done),
            Remote::ReloadCentre => match (
                app::ssr::plans::centre_plans(&self.store).await,
                app::ssr::plans::holiday_dates(&self.store).await,
            ) {
                (Ok(plans), Ok(holidays)) => {
                    self.engine.set_centre_plans(plans);
                    self.engine.set_holidays(holidays);
                    Answer::Done
                }
                (Err(e), _) | (_, Err(e)) => failed(&e),
            },
        };
        (answer, false)
    }

    /// The leader: carries out what other nodes queued.
    async fn run_queued(&mut self) {
        let queued =
            match self.store.open_engine_commands(remote::wall_ms() - remote::WAIT.as_millis() as i64, QUEUED).await {
                Ok(queued) => queued,
                Err(e) => return tracing::warn!(error = %e, "queued engine commands not readable"),
            };
        for (id, body) in queued {
            let answer = match serde_json::from_str::<Remote>(&body) {
                Ok(remote) => match self.carry_out(remote, Some(id)).await {
                    (_, true) => continue,
                    (answer, false) => answer,
                },
                Err(e) => Answer::Failed(format!("unreadable command: {e}")),
            };
            if let Err(e) = self.store.answer_engine_command(id, &remote::json(&answer), remote::wall_ms()).await {
                tracing::warn!(command = id, error = %e, "engine command not answered");
            }
        }
    }

    /// Every stored signal, then the timers.
    async fn settle(&mut self) -> Result<(), StoreError> {
        while self.step().await? {}
        self.timers().await
    }

    /// The timers due now.
    async fn timers(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now_ms();
        let out = self.engine.tick(now);
        self.store_output(&out, Extras::default(), now).await.map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// One step: up to [`BATCH`] signals after the cursor, stored with the moved cursor.
    /// Returns whether a whole batch was taken (more may wait).
    async fn step(&mut self) -> Result<bool, StoreError> {
        let batch = self.store.signals_after(self.cursor, BATCH).await?;
        let Some(last) = batch.last().map(|s| s.id) else { return Ok(false) };
        for site_id in batch.iter().filter_map(|s| s.site_id) {
            if self.engine.site(site_id).is_none() {
                self.reload_site(site_id).await?;
            }
        }
        self.taken += batch.len() as u64;
        if self.panic_after.is_some_and(|n| self.taken > n) {
            panic!("test hook: the engine stops after {} signals", self.panic_after.unwrap_or(0));
        }
        let now = self.clock.now_ms();
        let mut out = Output::default();
        for record in &batch {
            out.merge(self.engine.on_signal(&load::signal(record), now));
        }
        let extras = Extras { cursor: Some(last), ..Extras::default() };
        self.store_output(&out, extras, now).await.map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.cursor = last;
        Ok(batch.len() as i64 == BATCH)
    }

    /// Reads the crews again from the store (added or changed by an administrator).
    async fn reload_crews(&mut self) -> Result<(), StoreError> {
        for crew in load::crews(&self.store).await? {
            self.engine.upsert_crew(crew);
        }
        Ok(())
    }

    /// Reads a site's settings and contacts again from the store: a site added after the
    /// start, or changed by an administrator.
    async fn reload_site(&mut self, site_id: i64) -> Result<bool, StoreError> {
        if self.store.site(site_id).await?.is_some_and(|s| s.archived_at_ms.is_some()) {
            self.engine.remove_site(site_id);
            return Ok(true);
        }
        match load::site(&self.store, site_id).await? {
            Some(site) => {
                self.engine.upsert_site(site);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The dashboard events an output makes (none when nobody here watches and no other
    /// node may).
    async fn events(&mut self, out: &Output, now: i64) -> Vec<OpsEvent> {
        if out.is_empty() || (!self.shared && self.ops.receiver_count() == 0) {
            return Vec::new();
        }
        let unknown = out.incidents.values().filter_map(|i| i.claimed_by).any(|id| !self.names.contains_key(&id));
        if unknown {
            if let Ok(names) = app::ssr::ops::user_names(&self.store).await {
                self.names = names;
            }
        }
        app::ssr::ops::events(&self.engine, out, &self.names, now)
    }

    /// Stores an output with the lease's token, then pushes its events; if that fails, the
    /// engine is rebuilt from the store, so memory never runs ahead of what is stored.
    async fn store_output(&mut self, out: &Output, mut extras: Extras, now: i64) -> Result<(), EngineError> {
        let events = self.events(out, now).await;
        if self.shared {
            extras.events = events.iter().filter_map(|e| serde_json::to_string(e).ok()).collect();
        }
        extras.fence = self.token;
        match persist::persist(&self.store, &self.engine, out, extras, now).await {
            Ok(()) => {
                if !out.notices.is_empty() {
                    self.outbox.notify_one();
                }
                for event in events {
                    let _ = self.ops.send(event);
                }
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "alarm engine output not stored; reloading from the store");
                if matches!(e, StoreError::Fenced { .. }) {
                    // Another node took the lease: stop here; the next turn follows.
                    self.token = None;
                    self.stale = true;
                } else {
                    // On failure the next turn retries with the engine as it was.
                    let _ = self.reload().await;
                }
                Err(EngineError::Store(e.to_string()))
            }
        }
    }
}
