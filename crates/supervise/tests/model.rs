//! Randomised comparison against a naive model (a plain map scanned in full at every step).

use std::collections::{BTreeMap, BTreeSet};
use supervise::{AccountId, LinkId, LinkSpec, LinkState, Supervisor, Transition};

/// xorshift64*: a tiny deterministic PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const LINKS: i64 = 10;
const ACCOUNTS: i64 = 4;

/// The rules of the crate documentation, written as directly as possible.
#[derive(Default)]
struct Model {
    links: BTreeMap<LinkId, LinkState>,
    alarmed: BTreeSet<AccountId>,
    pending_at: Option<i64>,
    clock: i64,
}

fn period(spec: &LinkSpec) -> i64 {
    spec.interval_ms.max(0) + spec.grace_ms.max(0)
}

impl Model {
    fn paths(&self, account: AccountId) -> impl Iterator<Item = &LinkState> {
        self.links.values().filter(move |s| s.spec.account == account)
    }

    fn needs_alarm(&self, account: AccountId) -> bool {
        self.paths(account).count() > 0 && self.paths(account).all(|s| s.failed) && !self.alarmed.contains(&account)
    }

    fn after_structural_change(&mut self, account: AccountId) {
        if self.paths(account).count() == 0 {
            self.alarmed.remove(&account);
        }
        if self.needs_alarm(account) {
            self.pending_at.get_or_insert(self.clock);
        }
    }

    fn upsert(&mut self, spec: LinkSpec, now: i64) {
        self.clock = self.clock.max(now);
        let Some(old) = self.links.get(&spec.link).copied() else {
            let state = LinkState { spec, last_seen_ms: None, deadline_ms: now + period(&spec), failed: false };
            self.links.insert(spec.link, state);
            return;
        };
        if old.spec == spec {
            return;
        }
        let mut new = LinkState { spec, ..old };
        let timing = |s: &LinkSpec| (s.interval_ms, s.grace_ms);
        if !old.failed && timing(&old.spec) != timing(&spec) {
            let base = old.last_seen_ms.unwrap_or(old.deadline_ms - period(&old.spec));
            new.deadline_ms = base + period(&spec);
            if new.deadline_ms < now + spec.grace_ms.max(0) {
                new.deadline_ms = now + period(&spec);
            }
        }
        self.links.insert(spec.link, new);
        if old.spec.account != spec.account {
            self.after_structural_change(old.spec.account);
            self.after_structural_change(spec.account);
        }
    }

    fn remove(&mut self, link: LinkId) {
        if let Some(old) = self.links.remove(&link) {
            self.after_structural_change(old.spec.account);
        }
    }

    fn observe(&mut self, link: LinkId, now: i64) -> Vec<Transition> {
        self.clock = self.clock.max(now);
        let mut out = Vec::new();
        let Some(state) = self.links.get_mut(&link) else {
            return out;
        };
        let seen = state.last_seen_ms.map_or(now, |last| last.max(now));
        state.last_seen_ms = Some(seen);
        state.deadline_ms = seen + period(&state.spec);
        let account = state.spec.account;
        if std::mem::replace(&mut state.failed, false) {
            out.push(Transition::LinkRestored { link, account });
        }
        if self.alarmed.remove(&account) {
            out.push(Transition::AllPathsRestored { account });
        }
        out
    }

    fn due(&mut self, now: i64) -> Vec<Transition> {
        self.clock = self.clock.max(now);
        let mut out = Vec::new();
        if self.pending_at.take().is_some() {
            for account in 0..ACCOUNTS {
                if self.needs_alarm(account) {
                    self.alarmed.insert(account);
                    out.push(Transition::AllPathsFailed { account });
                }
            }
        }
        let mut hits: Vec<(i64, LinkId)> = self
            .links
            .values()
            .filter(|s| !s.failed && s.deadline_ms <= now)
            .map(|s| (s.deadline_ms, s.spec.link))
            .collect();
        hits.sort();
        for (deadline, link) in hits {
            let state = self.links.get_mut(&link).unwrap();
            state.failed = true;
            let account = state.spec.account;
            out.push(Transition::LinkFailed { link, account, last_seen_ms: state.last_seen_ms, deadline_ms: deadline });
            if self.needs_alarm(account) {
                self.alarmed.insert(account);
                out.push(Transition::AllPathsFailed { account });
            }
        }
        out
    }

    fn next_deadline(&self) -> Option<i64> {
        let live = self.links.values().filter(|s| !s.failed).map(|s| s.deadline_ms).min();
        match (live, self.pending_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A restart from `states`: the model becomes them, with the restore rule applied.
    fn restart(&mut self, states: &BTreeMap<LinkId, LinkState>, now: i64) {
        self.links = states.clone();
        for state in self.links.values_mut() {
            if !state.failed && state.deadline_ms < now + state.spec.grace_ms.max(0) {
                state.deadline_ms = now + period(&state.spec);
            }
        }
        self.alarmed =
            (0..ACCOUNTS).filter(|&a| self.paths(a).count() > 0 && self.paths(a).all(|s| s.failed)).collect();
        self.pending_at = None;
        self.clock = self.clock.max(now);
    }
}

fn random_spec(rng: &mut Rng, link: LinkId) -> LinkSpec {
    LinkSpec {
        link,
        account: rng.below(ACCOUNTS as u64),
        interval_ms: rng.pick(&[0, 10, 30, 100, 100, -5]),
        grace_ms: rng.pick(&[0, 0, 5, 20, -1]),
    }
}

/// Applies `take_dirty` to the simulated store, checking it against the model.
fn flush(sup: &mut Supervisor, model: &Model, db: &mut BTreeMap<LinkId, LinkState>, ctx: &str) {
    let dirty = sup.take_dirty();
    let links: BTreeSet<LinkId> = dirty.iter().map(|s| s.spec.link).collect();
    assert_eq!(links.len(), dirty.len(), "{ctx}: a link reported twice: {dirty:?}");
    for state in &dirty {
        assert_eq!(Some(state), model.links.get(&state.spec.link), "{ctx}: dirty state is not current");
        db.insert(state.spec.link, *state);
    }
    assert_eq!(db, &model.links, "{ctx}: a changed state was not reported dirty");
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut sup = Supervisor::new();
    let mut model = Model::default();
    let mut db: BTreeMap<LinkId, LinkState> = BTreeMap::new();
    let mut now: i64 = rng.below(1_000);
    for step in 0..steps {
        let ctx = format!("seed {seed} step {step} now {now}");
        // Mostly monotonic time, sometimes a call with a slightly older timestamp.
        let at = if rng.below(10) == 0 { now - rng.below(20) } else { now };
        let link = 1 + rng.below(LINKS as u64);
        match rng.below(100) {
            0..=34 => assert_eq!(sup.observe(link, at), model.observe(link, at), "{ctx}: observe {link}"),
            35..=54 => assert_eq!(sup.due(at), model.due(at), "{ctx}: due"),
            55..=69 => {
                let spec = match model.links.get(&link) {
                    // Often a partial change of an existing link.
                    Some(old) if rng.below(2) == 0 => {
                        let new = random_spec(&mut rng, link);
                        match rng.below(3) {
                            0 => LinkSpec { account: new.account, ..old.spec },
                            1 => LinkSpec { interval_ms: new.interval_ms, ..old.spec },
                            _ => old.spec,
                        }
                    }
                    _ => random_spec(&mut rng, link),
                };
                sup.upsert(spec, at);
                model.upsert(spec, at);
            }
            70..=74 => {
                sup.remove(link);
                model.remove(link);
                db.remove(&link);
            }
            75..=86 => now += rng.below(60),
            87..=91 => flush(&mut sup, &model, &mut db, &ctx),
            92..=94 => {
                // Orderly restart: flush, then restore from the store.
                flush(&mut sup, &model, &mut db, &ctx);
                now += rng.below(200);
                sup = Supervisor::restore(db.values().rev().copied(), now);
                model.restart(&db, now);
                flush(&mut sup, &model, &mut db, &ctx);
            }
            95..=96 => {
                // Crash: states changed since the last flush are lost.
                now += rng.below(200);
                sup = Supervisor::restore(db.values().copied(), now);
                let stored = db.clone();
                model.restart(&stored, now);
                flush(&mut sup, &model, &mut db, &ctx);
            }
            _ => {
                // Restore from `state()` snapshots, in random order, some duplicated.
                let mut snapshot: Vec<LinkState> = (1..=LINKS).filter_map(|l| sup.state(l)).collect();
                for i in (1..snapshot.len()).rev() {
                    snapshot.swap(i, rng.below(i as u64 + 1) as usize);
                }
                if let Some(&first) = snapshot.first() {
                    snapshot.push(first);
                }
                flush(&mut sup, &model, &mut db, &ctx);
                sup = Supervisor::restore(snapshot, now);
                let current = model.links.clone();
                model.restart(&current, now);
            }
        }
        for l in 1..=LINKS {
            assert_eq!(sup.state(l), model.links.get(&l).copied(), "{ctx}: state of link {l}");
        }
        for a in 0..ACCOUNTS {
            assert_eq!(sup.all_paths_failed(a), model.alarmed.contains(&a), "{ctx}: account {a}");
        }
        assert_eq!(sup.len(), model.links.len(), "{ctx}: len");
        assert_eq!(sup.is_empty(), model.links.is_empty(), "{ctx}: is_empty");
        assert_eq!(sup.next_deadline(), model.next_deadline(), "{ctx}: next_deadline");
    }
}

#[test]
fn matches_the_naive_model_over_random_event_sequences() {
    for seed in 0..400 {
        run(seed, 400);
    }
}

#[test]
fn a_failure_is_reported_once_per_outage() {
    // Independent of the model: across random sequences, between two LinkFailed of a link
    // there is always a LinkRestored, and AllPathsFailed / AllPathsRestored alternate.
    for seed in 1_000..1_100 {
        let mut rng = Rng(seed | 1);
        let mut sup = Supervisor::new();
        let mut down: BTreeSet<LinkId> = BTreeSet::new();
        let mut accounts_down: BTreeSet<AccountId> = BTreeSet::new();
        let mut now = 0;
        for link in 1..=LINKS {
            sup.upsert(LinkSpec { link, account: link % ACCOUNTS, interval_ms: 30, grace_ms: 5 }, now);
        }
        for _ in 0..2_000 {
            now += rng.below(15);
            let fired = if rng.below(3) == 0 { sup.due(now) } else { sup.observe(1 + rng.below(LINKS as u64), now) };
            for t in fired {
                match t {
                    Transition::LinkFailed { link, .. } => {
                        assert!(down.insert(link), "seed {seed}: {t:?} twice")
                    }
                    Transition::LinkRestored { link, .. } => {
                        assert!(down.remove(&link), "seed {seed}: {t:?}")
                    }
                    Transition::AllPathsFailed { account } => {
                        assert!(accounts_down.insert(account), "seed {seed}: {t:?} twice")
                    }
                    Transition::AllPathsRestored { account } => {
                        assert!(accounts_down.remove(&account), "seed {seed}: {t:?}")
                    }
                }
            }
        }
    }
}
