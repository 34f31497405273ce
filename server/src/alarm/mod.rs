//! The alarm engine at run time: one task owns the pure [`engine::Engine`]. It reads new
//! signals from the store after its cursor, runs the clock every second, and carries out
//! commands one at a time; each result is stored (with the cursor) in one transaction
//! before anyone is answered.
//!
//! The signals table is the engine's queue: a signal is acknowledged to the panel once
//! stored, and the engine's cursor moves only in the transaction that stores what the signal
//! caused. A crash between the two replays the signal; nothing is lost or done twice.

pub mod load;
pub mod outbox;
pub mod persist;

use std::sync::Arc;
use std::time::Duration;

use app::model::ops::OpsEvent;
use app::ssr::engine::{Clock, EngineError, EngineHandle, Job};
use app::ssr::ops::Names;
use app::ssr::Dashboard;
use engine::{Engine, Output};
use store::{Store, StoreError};

use crate::health::Health;
use tokio::sync::{broadcast, mpsc, watch, Notify};

/// Signals read from the store per batch.
const BATCH: i64 = 500;
/// How often timers are checked.
const TICK: Duration = Duration::from_secs(1);

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
    let (mut engine, cursor) = load::load(&store).await?;
    engine.set_escalation(escalate_ms);
    tracing::info!(open = engine.open_incidents().len(), cursor, "alarm engine loaded");
    let names = app::ssr::ops::user_names(&store).await?;
    wiring.health.engine_beat(cursor);
    let Wiring { ops, outbox, health, panic_after } = wiring;
    let runtime =
        Runtime { store, clock, engine, cursor, ops, outbox, names, escalate_ms, health, panic_after, taken: 0 };
    Ok((handle, runtime.run(jobs, poke, shutdown)))
}

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
}

impl Runtime {
    async fn run(mut self, mut jobs: mpsc::Receiver<Job>, poke: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.health.engine_beat(self.cursor);
            tokio::select! {
                job = jobs.recv() => match job {
                    Some(job) => self.job(job).await,
                    None => break,
                },
                _ = poke.notified() => {
                    if let Err(e) = self.signals().await {
                        tracing::error!(error = %e, "alarm engine could not store; will retry");
                    }
                }
                _ = tick.tick() => {
                    if let Err(e) = self.settle().await {
                        tracing::error!(error = %e, "alarm engine could not store; will retry");
                    }
                }
                _ = shutdown.changed() => break,
            }
        }
    }

    async fn job(&mut self, job: Job) {
        match job {
            Job::Command { actor, command, reply } => {
                let now = self.clock.now_ms();
                let result = match self.engine.on_command(actor, command, now) {
                    Ok((answer, out)) => self.store_output(&out, None, now).await.map(|()| answer),
                    Err(e) => Err(EngineError::Refused(e)),
                };
                let _ = reply.send(result);
            }
            Job::Read(f) => f(&self.engine, self.clock.now_ms()),
            Job::Settle(reply) => {
                let _ = reply.send(self.settle().await.map_err(|e| EngineError::Store(e.to_string())));
            }
            Job::ReloadSite(site_id, reply) => {
                let result = match self.reload_crews().await.and(self.reload_site(site_id).await) {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(EngineError::Store(format!("site {site_id} not found"))),
                    Err(e) => Err(EngineError::Store(e.to_string())),
                };
                let _ = reply.send(result);
            }
            Job::ReloadCrews(reply) => {
                let _ = reply.send(self.reload_crews().await.map_err(|e| EngineError::Store(e.to_string())));
            }
            Job::ReloadCentre(reply) => {
                let result = match (
                    app::ssr::plans::centre_plans(&self.store).await,
                    app::ssr::plans::holiday_dates(&self.store).await,
                ) {
                    (Ok(plans), Ok(holidays)) => {
                        self.engine.set_centre_plans(plans);
                        self.engine.set_holidays(holidays);
                        Ok(())
                    }
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                let _ = reply.send(result.map_err(|e| EngineError::Store(e.to_string())));
            }
        }
    }

    /// Every stored signal, then the timers.
    async fn settle(&mut self) -> Result<(), StoreError> {
        self.signals().await?;
        let now = self.clock.now_ms();
        let out = self.engine.tick(now);
        self.store_output(&out, None, now).await.map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// Signals after the cursor, in batches; each batch is stored with the moved cursor.
    async fn signals(&mut self) -> Result<(), StoreError> {
        loop {
            let batch = self.store.signals_after(self.cursor, BATCH).await?;
            let Some(last) = batch.last().map(|s| s.id) else { return Ok(()) };
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
            self.store_output(&out, Some(last), now).await.map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.cursor = last;
        }
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

    /// Pushes what was just stored to the dashboards (nothing when nobody watches).
    async fn publish(&mut self, out: &Output, now: i64) {
        if self.ops.receiver_count() == 0 || out.is_empty() {
            return;
        }
        let unknown = out.incidents.values().filter_map(|i| i.claimed_by).any(|id| !self.names.contains_key(&id));
        if unknown {
            if let Ok(names) = app::ssr::ops::user_names(&self.store).await {
                self.names = names;
            }
        }
        for event in app::ssr::ops::events(&self.engine, out, &self.names, now) {
            let _ = self.ops.send(event);
        }
    }

    /// Stores an output; if that fails, the engine is rebuilt from the store, so memory never
    /// runs ahead of what is stored.
    async fn store_output(&mut self, out: &Output, cursor: Option<i64>, now: i64) -> Result<(), EngineError> {
        match persist::persist(&self.store, &self.engine, out, cursor, now).await {
            Ok(()) => {
                if !out.notices.is_empty() {
                    self.outbox.notify_one();
                }
                self.publish(out, now).await;
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "alarm engine output not stored; reloading from the store");
                if let Ok((mut engine, cursor)) = load::load(&self.store).await {
                    engine.set_escalation(self.escalate_ms);
                    self.engine = engine;
                    self.cursor = cursor;
                }
                Err(EngineError::Store(e.to_string()))
            }
        }
    }
}
