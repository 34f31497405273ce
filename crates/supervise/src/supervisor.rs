//! The [`Supervisor`]: deadlines, failures and restores of every supervised link.

use crate::accounts::Accounts;
use crate::hash::IdMap;
use crate::index::DeadlineIndex;
use crate::state::{AccountId, LinkId, LinkSpec, LinkState, Slot, Transition};

/// Supervises the test intervals of many links; sans-IO, every call takes the time.
///
/// Links live in a slab of 56-byte slots found through an id map; a min-heap holds one entry
/// per live (not failed) link, keyed by a lower bound of its deadline (see the `index`
/// module); accounts keep only path counters. The rules are in the crate documentation.
#[derive(Clone, Default)]
pub struct Supervisor {
    /// Link id -> slot index.
    ids: IdMap<u32>,
    slots: Vec<Slot>,
    /// Vacant slot indices.
    free: Vec<u32>,
    /// Deadline lower bounds of live links; its top entry is always current and exact.
    index: DeadlineIndex,
    accounts: Accounts,
    /// Occupied, not failed slots.
    live: usize,
    /// Slots whose dirty flag was set since the last `take_dirty` (may repeat; the flag dedups).
    dirty: Vec<u32>,
    /// Accounts left with only failed paths by `upsert`/`remove`, to alarm at the next `due`.
    recheck: Vec<AccountId>,
    /// When the first of `recheck` was queued.
    recheck_at: Option<i64>,
    /// The latest `now_ms` any call passed in (`remove` takes none).
    clock: i64,
}

impl Supervisor {
    /// An empty supervisor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds from stored states after a restart.
    ///
    /// Failed links stay failed and nothing is re-fired; an account whose paths are all failed
    /// counts as having raised `AllPathsFailed`. A live link whose stored deadline is earlier
    /// than `now_ms` + its grace gets a fresh deadline of `now_ms` + interval + grace (the
    /// receiver could not hear it while down), so a restart never fires a storm; such links
    /// are reported by the next [`take_dirty`](Self::take_dirty). A link id given twice: the
    /// last state wins. Runs in O(n).
    pub fn restore(states: impl IntoIterator<Item = LinkState>, now_ms: i64) -> Self {
        let states = states.into_iter();
        let mut sup = Self { clock: now_ms, ..Self::default() };
        let (hint, _) = states.size_hint();
        sup.ids.reserve(hint);
        sup.slots.reserve_exact(hint);
        for state in states {
            if sup.ids.contains_key(&state.spec.link) {
                sup.remove(state.spec.link);
            }
            let mut slot = Slot::from_state(&state);
            let rebase = !slot.failed() && slot.deadline_ms < now_ms.saturating_add(state.spec.grace());
            if rebase {
                slot.deadline_ms = now_ms.saturating_add(state.spec.period_ms());
            }
            let idx = sup.insert(slot);
            if rebase {
                sup.mark_dirty(idx);
            }
        }
        sup.accounts.assume_alarms_raised();
        sup.recheck.clear();
        sup.recheck_at = None;
        sup.rebuild_index();
        sup
    }

    /// Adds or reconfigures a link.
    ///
    /// A new link is live with deadline `now_ms` + interval + grace. A known link keeps its
    /// last life sign and failed flag; if it is live and its timing changed, its deadline
    /// becomes last sign (or, never seen, when it was added) + the new interval + grace, but
    /// no earlier than `now_ms` + grace, else `now_ms` + interval + grace (as after
    /// [`restore`](Self::restore)): a reconfiguration never fires a failure by itself. An
    /// account left with only failed paths by a move gets `AllPathsFailed` at the next
    /// [`due`](Self::due).
    pub fn upsert(&mut self, spec: LinkSpec, now_ms: i64) {
        self.tick(now_ms);
        let Some(&idx) = self.ids.get(&spec.link) else {
            let idx = self.insert(Slot::from_state(&LinkState {
                spec,
                last_seen_ms: None,
                deadline_ms: now_ms.saturating_add(spec.period_ms()),
                failed: false,
            }));
            self.arm(idx);
            self.mark_dirty(idx);
            self.settle_index();
            return;
        };
        let old = self.slots[idx as usize];
        let old_spec = old.spec();
        if old_spec == spec {
            return;
        }
        if old.account != spec.account {
            self.accounts.detach(old.account, old.failed());
            self.accounts.attach(spec.account, old.failed());
            self.queue_recheck(old.account);
            self.queue_recheck(spec.account);
        }
        let slot = &mut self.slots[idx as usize];
        slot.set_spec(spec);
        let timing_changed = (old_spec.interval_ms, old_spec.grace_ms) != (spec.interval_ms, spec.grace_ms);
        if !old.failed() && timing_changed {
            let base = old.last_seen().unwrap_or_else(|| old.deadline_ms.saturating_sub(old_spec.period_ms()));
            let mut deadline = base.saturating_add(spec.period_ms());
            if deadline < now_ms.saturating_add(spec.grace()) {
                deadline = now_ms.saturating_add(spec.period_ms());
            }
            slot.deadline_ms = deadline;
            if deadline < old.deadline_ms {
                self.arm(idx);
            }
        }
        self.mark_dirty(idx);
        self.settle_index();
    }

    /// Stops supervising a link (unknown link: nothing happens).
    ///
    /// Nothing is reported for the link itself; an account left with only failed paths gets
    /// `AllPathsFailed` at the next [`due`](Self::due). The caller deletes the stored state.
    pub fn remove(&mut self, link: LinkId) {
        let Some(idx) = self.ids.remove(&link) else {
            return;
        };
        let old = self.slots[idx as usize];
        self.slots[idx as usize].vacate();
        self.free.push(idx);
        self.live -= usize::from(!old.failed());
        self.accounts.detach(old.account, old.failed());
        self.queue_recheck(old.account);
        self.settle_index();
    }

    /// A life sign on `link` at `now_ms`: its deadline moves to `now_ms` + interval + grace.
    ///
    /// Returns `LinkRestored` if the link had failed, then `AllPathsRestored` if the account's
    /// `AllPathsFailed` was raised; otherwise nothing. Unknown link: empty. A sign older than
    /// the last one counts as at the last one (time never runs backwards for a link).
    pub fn observe(&mut self, link: LinkId, now_ms: i64) -> Vec<Transition> {
        self.tick(now_ms);
        let mut out = Vec::new();
        let Some(&idx) = self.ids.get(&link) else {
            return out;
        };
        let slot = &mut self.slots[idx as usize];
        let old = *slot;
        let seen = old.last_seen().map_or(now_ms, |last| last.max(now_ms));
        slot.set_last_seen(seen);
        slot.deadline_ms = seen.saturating_add(old.spec().period_ms());
        slot.set_failed(false);
        let (account, deadline) = (slot.account, slot.deadline_ms);
        if old.failed() {
            self.live += 1;
            self.accounts.restore_one(account);
            out.push(Transition::LinkRestored { link, account });
        }
        if self.accounts.clear_alarm(account) {
            out.push(Transition::AllPathsRestored { account });
        }
        // A later deadline keeps the index entry (a lower bound); an earlier one needs a new.
        let rearm = old.failed() || deadline < old.deadline_ms;
        if rearm {
            self.arm(idx);
        }
        if rearm || deadline != old.deadline_ms || old.last_seen() != Some(seen) {
            self.mark_dirty(idx);
        }
        self.settle_index(); // O(1) unless `link` held the earliest entry
        out
    }

    /// Fails every live link whose deadline is `<= now_ms`.
    ///
    /// Returns one `LinkFailed` per such link in `(deadline, link)` order, each followed by
    /// `AllPathsFailed` when it was its account's last live path. `AllPathsFailed` for accounts
    /// left with only failed paths by [`upsert`](Self::upsert)/[`remove`](Self::remove) come
    /// first, by account id. A failed link is never reported again until a life sign restores
    /// it. Costs O(log n) per failing link and per index entry whose key has passed.
    pub fn due(&mut self, now_ms: i64) -> Vec<Transition> {
        self.tick(now_ms);
        let mut out = Vec::new();
        if !self.recheck.is_empty() {
            let mut accounts = std::mem::take(&mut self.recheck);
            accounts.sort_unstable();
            accounts.dedup();
            for &account in &accounts {
                if self.accounts.raise_alarm(account) {
                    out.push(Transition::AllPathsFailed { account });
                }
            }
            accounts.clear();
            self.recheck = accounts;
            self.recheck_at = None;
        }
        let mut hits: Vec<(i64, LinkId, u32)> = Vec::new();
        while let Some((key, idx, gen)) = self.index.peek() {
            if key > now_ms {
                break;
            }
            let slot = &mut self.slots[idx as usize];
            if !slot.has_entry(gen) {
                self.index.drop_top();
            } else if key < slot.deadline_ms {
                self.index.delay_top(slot.deadline_ms);
            } else {
                self.index.drop_top();
                slot.set_failed(true);
                hits.push((slot.deadline_ms, slot.link, idx));
            }
        }
        hits.sort_unstable();
        self.live -= hits.len();
        for (deadline, link, idx) in hits {
            self.mark_dirty(idx);
            let slot = &self.slots[idx as usize];
            let account = slot.account;
            out.push(Transition::LinkFailed { link, account, last_seen_ms: slot.last_seen(), deadline_ms: deadline });
            if self.accounts.fail_one(account) {
                out.push(Transition::AllPathsFailed { account });
            }
        }
        self.settle_index();
        out
    }

    /// The earliest pending deadline (when [`due`](Self::due) has something to report), for the
    /// runtime's sleep; `None` if nothing is pending. May lie in the past. O(1).
    pub fn next_deadline(&self) -> Option<i64> {
        let top = self.index.peek().map(|(key, _, _)| key);
        match (top, self.recheck_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// States changed since the last call, each link at most once, for batched persistence.
    ///
    /// Removed links are not reported (the caller deletes them when it removes them).
    pub fn take_dirty(&mut self) -> Vec<LinkState> {
        let mut dirty = std::mem::take(&mut self.dirty);
        let mut out = Vec::with_capacity(dirty.len());
        for &idx in &dirty {
            let slot = &mut self.slots[idx as usize];
            if slot.occupied() && slot.dirty() {
                slot.set_dirty(false);
                out.push(slot.state());
            }
        }
        dirty.clear();
        self.dirty = dirty;
        out
    }

    /// Reports `link` again at the next [`take_dirty`](Self::take_dirty) (its state could not
    /// be saved). Unknown link: nothing.
    pub fn mark_changed(&mut self, link: LinkId) {
        if let Some(&idx) = self.ids.get(&link) {
            self.mark_dirty(idx);
        }
    }

    /// The current state of `link`.
    pub fn state(&self, link: LinkId) -> Option<LinkState> {
        self.ids.get(&link).map(|&idx| self.slots[idx as usize].state())
    }

    /// Whether `AllPathsFailed` is raised for `account` (and no life sign came since).
    pub fn all_paths_failed(&self, account: AccountId) -> bool {
        self.accounts.alarmed(account)
    }

    /// Number of supervised links.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// No link is supervised.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn tick(&mut self, now_ms: i64) {
        self.clock = self.clock.max(now_ms);
    }

    /// Places a new link (not yet in the id map) in a slot and counts it; no index entry.
    fn insert(&mut self, mut slot: Slot) -> u32 {
        let idx = match self.free.pop() {
            Some(idx) => {
                // Keep the generation climbing so entries of the previous link stay stale.
                slot.gen = self.slots[idx as usize].gen;
                self.slots[idx as usize] = slot;
                idx
            }
            None => {
                let idx = u32::try_from(self.slots.len()).expect("at most 2^32 links");
                self.slots.push(slot);
                idx
            }
        };
        self.ids.insert(slot.link, idx);
        self.live += usize::from(!slot.failed());
        self.accounts.attach(slot.account, slot.failed());
        idx
    }

    /// Gives a live slot a fresh index entry at its deadline, superseding any older one.
    fn arm(&mut self, idx: u32) {
        let slot = &mut self.slots[idx as usize];
        slot.gen = slot.gen.wrapping_add(1);
        self.index.push((slot.deadline_ms, idx, slot.gen));
        if self.index.needs_rebuild(self.live) {
            self.rebuild_index();
        }
    }

    fn mark_dirty(&mut self, idx: u32) {
        let slot = &mut self.slots[idx as usize];
        if !slot.dirty() {
            slot.set_dirty(true);
            self.dirty.push(idx);
        }
    }

    fn queue_recheck(&mut self, account: AccountId) {
        if self.accounts.needs_alarm(account) {
            self.recheck.push(account);
            self.recheck_at.get_or_insert(self.clock);
        }
    }

    /// Makes the index's top entry current and exact (for `next_deadline`).
    fn settle_index(&mut self) {
        while let Some((key, idx, gen)) = self.index.peek() {
            let slot = &self.slots[idx as usize];
            if !slot.has_entry(gen) {
                self.index.drop_top();
            } else if key < slot.deadline_ms {
                self.index.delay_top(slot.deadline_ms);
            } else {
                break;
            }
        }
    }

    fn rebuild_index(&mut self) {
        let entries = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(idx, slot)| slot.live().then_some((slot.deadline_ms, idx as u32, slot.gen)));
        self.index.rebuild(entries);
    }
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field("links", &self.ids.len())
            .field("live", &self.live)
            .field("accounts", &self.accounts.len())
            .field("accounts_all_failed", &self.accounts.alarmed_len())
            .field("index_entries", &self.index.len())
            .field("dirty", &self.dirty.len())
            .field("next_deadline", &self.next_deadline())
            .finish()
    }
}
