//! Link supervision at run time: the pure [`supervise::Supervisor`] behind a lock, fed life
//! signs by the receiver, stepped by a clock, and persisted in batches.
//!
//! Each step fails the links whose deadline has passed, then saves the changed path states
//! together with the signals their transitions raise, in one transaction: after a crash the
//! store holds either both or neither, so a failure is never raised twice or lost. Life
//! signs are kept in memory until the next step (at most a second); a crash before that only
//! makes a deadline earlier, and [`supervise::Supervisor::restore`] gives every path a full
//! period after a restart, so no storm of false failures follows.
//!
//! Only the node holding the engine lease supervises (its saves carry the lease's token);
//! the others pass the life signs their receivers see to it through the store, each second.
//! A node that takes the lease reloads every path from the store first.

mod config;
mod signals;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use store::{LifeSign, PathRecord, PathUpdate, Store, StoreError};
use supervise::{AccountId, LinkId, LinkState, Supervisor, Transition};
use tokio::sync::watch;

use crate::leader::{Leadership, Role};

pub use config::{parse_duration, parse_path};

/// How often the runtime steps (fails due links, saves states).
const STEP: Duration = Duration::from_secs(1);
/// How often path changes made by other processes (`vigil account`) are picked up.
const SYNC_EVERY_MS: i64 = 10_000;

/// A handle to link supervision; cheap to clone.
#[derive(Clone)]
pub struct Supervision {
    inner: Arc<Mutex<Inner>>,
    store: Store,
    leadership: Leadership,
}

struct Inner {
    /// The lease token the states were loaded under (`None` on a node that does not lead).
    token: Option<i64>,
    /// Life signs for the leader, kept until the next step.
    forward: HashMap<(AccountId, Box<str>), i64>,
    sup: Supervisor,
    accounts: HashMap<AccountId, AccountLinks>,
    transitions: Vec<Transition>,
    synced_at_ms: i64,
}

/// The paths of one account, for matching a frame's line and naming the signals.
struct AccountLinks {
    number: Box<str>,
    site_id: i64,
    links: Vec<Link>,
}

struct Link {
    id: LinkId,
    line: Box<str>,
    name: Box<str>,
}

impl Supervision {
    /// Loads every active path from the store and rebuilds the supervisor as of `now_ms`.
    pub async fn load(store: Store, leadership: Leadership, now_ms: i64) -> Result<Supervision, StoreError> {
        let token = match leadership.role() {
            Role::Leader { token } => Some(token),
            Role::Follower => None,
        };
        let inner = Inner::load(&store, token, now_ms).await?;
        Ok(Supervision { inner: Arc::new(Mutex::new(inner)), store, leadership })
    }

    /// Follows the lease: a node that takes it reloads every path (another node supervised
    /// until now); one that loses it stops. Returns the token to save with, if leading.
    async fn take_role(&self, now_ms: i64) -> Result<Option<i64>, StoreError> {
        let role = self.leadership.role();
        let current = self.lock().token;
        match role {
            Role::Leader { token } if current != Some(token) => {
                let inner = Inner::load(&self.store, Some(token), now_ms).await?;
                let seen_before = std::mem::replace(&mut *self.lock(), inner).forward;
                for ((account, line), at_ms) in seen_before {
                    self.observe(account, &line, at_ms);
                }
                tracing::info!(token, "link supervision runs here");
                Ok(Some(token))
            }
            Role::Leader { token } => Ok(Some(token)),
            Role::Follower => {
                if current.is_some() {
                    self.lock().token = None;
                    tracing::warn!("link supervision stopped here (another node runs it)");
                }
                Ok(None)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A frame from `account` arrived on `line` at `now_ms`: a life sign for the matching
    /// path (the only path, a path on that line, or a `*` path).
    pub fn observe(&self, account: AccountId, line: &str, now_ms: i64) {
        let mut inner = self.lock();
        if inner.token.is_none() {
            inner.forward_later(account, line, now_ms);
            return;
        }
        let Some(link) = inner.accounts.get(&account).and_then(|a| a.link_for(line)) else { return };
        let fired = inner.sup.observe(link, now_ms);
        inner.transitions.extend(fired);
    }

    /// Fails the due links and saves what changed; returns the ids of the signals raised.
    /// On a node that does not lead, passes its life signs on instead.
    pub async fn step(&self, now_ms: i64) -> Result<Vec<i64>, StoreError> {
        let Some(token) = self.take_role(now_ms).await? else {
            self.pass_on().await?;
            return Ok(Vec::new());
        };
        for sign in self.store.take_life_signs().await? {
            self.observe(sign.account_id, &sign.line, sign.at_ms);
        }
        let (updates, signals, transitions) = {
            let mut inner = self.lock();
            let due = inner.sup.due(now_ms);
            inner.transitions.extend(due);
            let transitions = std::mem::take(&mut inner.transitions);
            let signals = transitions.iter().filter_map(|t| signals::signal(t, &inner, now_ms)).collect::<Vec<_>>();
            let updates = inner.sup.take_dirty().iter().map(update_of).collect::<Vec<_>>();
            (updates, signals, transitions)
        };
        match self.store.save_supervision(&updates, &signals, Some(token)).await {
            Ok(ids) => {
                for t in &transitions {
                    tracing::warn!(?t, "link supervision");
                    if matches!(
                        t,
                        supervise::Transition::LinkFailed { .. } | supervise::Transition::AllPathsFailed { .. }
                    ) {
                        metrics::counter!("vigil_link_failures_total").increment(1);
                    }
                }
                Ok(ids)
            }
            Err(e) => {
                // Nothing was saved: hand the work back so the next step retries it.
                let mut inner = self.lock();
                let mut kept = transitions;
                kept.append(&mut inner.transitions);
                inner.transitions = kept;
                for u in &updates {
                    inner.sup.mark_changed(u.id);
                }
                Err(e)
            }
        }
    }

    /// Stores the life signs seen here for the leader.
    async fn pass_on(&self) -> Result<(), StoreError> {
        let signs: Vec<LifeSign> = std::mem::take(&mut self.lock().forward)
            .into_iter()
            .map(|((account_id, line), at_ms)| LifeSign { account_id, line: line.into(), at_ms })
            .collect();
        if let Err(e) = self.store.put_life_signs(&signs).await {
            // Kept for the next second.
            let mut inner = self.lock();
            for s in signs {
                inner.forward_later(s.account_id, &s.line, s.at_ms);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Applies path changes stored since the last sync (by this or another process).
    pub async fn sync(&self, now_ms: i64) -> Result<(), StoreError> {
        let since = self.lock().synced_at_ms - 2_000;
        let changed = self.store.paths_changed_since(since).await?;
        let mut inner = self.lock();
        inner.synced_at_ms = now_ms;
        for p in &changed {
            inner.detach(p.id, p.account_id);
            if p.active {
                inner.sup.upsert(spec_of(p), now_ms);
                inner.attach(p);
            } else {
                inner.sup.remove(p.id);
            }
        }
        Ok(())
    }

    /// Number of supervised links.
    pub fn len(&self) -> usize {
        self.lock().sup.len()
    }

    /// Whether no link is supervised.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    /// Keeps a life sign for the leader (the newest per account and line).
    fn forward_later(&mut self, account: AccountId, line: &str, at_ms: i64) {
        let at = self.forward.entry((account, line.into())).or_insert(at_ms);
        *at = (*at).max(at_ms);
    }

    async fn load(store: &Store, token: Option<i64>, now_ms: i64) -> Result<Inner, StoreError> {
        let paths = store.active_paths().await?;
        let states: Vec<LinkState> = paths.iter().map(state_of).collect();
        let mut inner = Inner {
            token,
            forward: HashMap::new(),
            sup: Supervisor::restore(states, now_ms),
            accounts: HashMap::new(),
            transitions: Vec::new(),
            synced_at_ms: now_ms,
        };
        for p in &paths {
            inner.attach(p);
        }
        tracing::info!(links = inner.sup.len(), "link supervision loaded");
        Ok(inner)
    }

    fn attach(&mut self, p: &PathRecord) {
        let entry = self.accounts.entry(p.account_id).or_insert_with(|| AccountLinks {
            number: p.account_number.clone().into(),
            site_id: p.site_id,
            links: Vec::new(),
        });
        entry.links.push(Link { id: p.id, line: p.line.clone().into(), name: p.name.clone().into() });
    }

    fn detach(&mut self, link: LinkId, account: AccountId) {
        if let Some(a) = self.accounts.get_mut(&account) {
            a.links.retain(|l| l.id != link);
            if a.links.is_empty() {
                self.accounts.remove(&account);
            }
        }
    }
}

impl AccountLinks {
    fn link_for(&self, line: &str) -> Option<LinkId> {
        if let [only] = self.links.as_slice() {
            return Some(only.id);
        }
        let exact = self.links.iter().find(|l| l.line.eq_ignore_ascii_case(line));
        exact.or_else(|| self.links.iter().find(|l| &*l.line == "*")).map(|l| l.id)
    }
}

fn spec_of(p: &PathRecord) -> supervise::LinkSpec {
    supervise::LinkSpec { link: p.id, account: p.account_id, interval_ms: p.interval_ms, grace_ms: p.grace_ms }
}

fn state_of(p: &PathRecord) -> LinkState {
    LinkState { spec: spec_of(p), last_seen_ms: p.last_seen_ms, deadline_ms: p.deadline_ms, failed: p.failed }
}

fn update_of(s: &LinkState) -> PathUpdate {
    PathUpdate { id: s.spec.link, last_seen_ms: s.last_seen_ms, deadline_ms: s.deadline_ms, failed: s.failed }
}

/// Steps supervision every second on the wall clock and syncs configuration changes, until
/// shutdown; raised signals go to the live feed.
pub async fn run(supervision: Supervision, feed: crate::live::Feed, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(STEP);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_sync = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => {
                let _ = supervision.step(chrono::Utc::now().timestamp_millis()).await;
                return;
            }
        }
        let now = chrono::Utc::now().timestamp_millis();
        if now - last_sync >= SYNC_EVERY_MS {
            last_sync = now;
            if let Err(e) = supervision.sync(now).await {
                tracing::warn!(error = %e, "could not read path changes");
            }
        }
        match supervision.step(now).await {
            Ok(ids) => feed.publish(&ids),
            Err(e) => tracing::error!(error = %e, "could not save link supervision; retrying"),
        }
    }
}
