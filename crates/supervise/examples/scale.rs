//! Scale benchmark: `cargo run --release -p supervise --example scale -- 1000000`.
//!
//! Builds N links (interval classes 60 s / 20 min / 24 h; a third of the accounts have two
//! paths) and prints build time, resident memory, and the mean cost of observe, a due() sweep
//! with 1 % overdue, restore() of all states and take_dirty(); then compares three candidate
//! deadline indexes on the same access pattern.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use supervise::{LinkSpec, LinkState, Supervisor};

const SEC: i64 = 1_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
/// Interval and grace of the three classes.
const CLASSES: [(i64, i64); 3] = [(MIN, 30 * SEC), (20 * MIN, 5 * MIN), (24 * HOUR, HOUR)];
/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600_000;

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

/// VmRSS (or another /proc/self/status field) in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

fn rss_mib() -> f64 {
    status_kib("VmRSS:") as f64 / 1024.0
}

fn ns_per(elapsed: Duration, ops: usize) -> f64 {
    elapsed.as_nanos() as f64 / ops.max(1) as f64
}

fn ms(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1e3
}

/// Link specs: accounts numbered from 1, every third account with two paths; class by link.
fn specs(n: usize) -> Vec<LinkSpec> {
    let mut out = Vec::with_capacity(n);
    let mut account = 0;
    while out.len() < n {
        account += 1;
        let paths = if account % 3 == 0 { 2 } else { 1 };
        for _ in 0..paths {
            if out.len() == n {
                break;
            }
            let link = out.len() as i64 + 1;
            let (interval_ms, grace_ms) = CLASSES[(link % 3) as usize];
            out.push(LinkSpec { link, account, interval_ms, grace_ms });
        }
    }
    out
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut rng = Rng(42);
    let specs = specs(n);
    let accounts = specs.last().map_or(0, |s| s.account);
    println!("supervise scale benchmark: {n} links, {accounts} accounts, classes 60 s / 20 min / 24 h");

    // Build: each link last heard at a random point of its interval before T0.
    let rss_before = rss_mib();
    let alloc_before = allocated();
    let start = Instant::now();
    let mut sup = Supervisor::new();
    for spec in &specs {
        sup.upsert(*spec, T0 - rng.below(spec.interval_ms as u64));
    }
    let build = start.elapsed();
    let rss_after = rss_mib();
    let sup_bytes = allocated() - alloc_before;
    println!("build (upsert x {n}):          {:8.1} ms  ({:.0} ns/link)", ms(build), ns_per(build, n));
    println!(
        "resident memory:              {rss_before:8.1} MiB before, {rss_after:.1} MiB after = {:.1} MiB ({:.0} B/link)",
        rss_after - rss_before,
        (rss_after - rss_before) * 1024.0 * 1024.0 / n as f64
    );
    println!(
        "allocated by the Supervisor:  {:8.1} MiB ({:.0} B/link)",
        sup_bytes as f64 / 1024.0 / 1024.0,
        sup_bytes as f64 / n as f64
    );

    // take_dirty right after the build: every link is dirty.
    let start = Instant::now();
    let all = sup.take_dirty();
    let take_all = start.elapsed();
    assert_eq!(all.len(), n);
    println!("take_dirty, all {n} dirty:   {:8.1} ms  ({:.1} ns/state)", ms(take_all), ns_per(take_all, n));

    // observe: random links, time advancing 1 ms per 10 signs (10,000 signs/s).
    let ops = 2 * n;
    let links: Vec<i64> = (0..ops).map(|_| 1 + rng.below(n as u64)).collect();
    let start = Instant::now();
    for (i, &link) in links.iter().enumerate() {
        black_box(sup.observe(link, T0 + (i / 10) as i64));
    }
    let observe = start.elapsed();
    println!("observe (random link) x {ops}: {:8.1} ms  ({:.0} ns/observe, mean)", ms(observe), ns_per(observe, ops));
    println!("after the signs:              {sup:?}");
    sup.take_dirty();

    // take_dirty after a typical batch of 10,000 signs.
    let batch = 10_000.min(n);
    let now = T0 + (ops / 10) as i64;
    for i in 0..batch {
        sup.observe(1 + rng.below(n as u64), now + i as i64);
    }
    let start = Instant::now();
    let dirty = sup.take_dirty();
    let take_batch = start.elapsed();
    println!(
        "take_dirty, {} dirty:        {:8.3} ms  ({:.0} ns/state)",
        dirty.len(),
        ms(take_batch),
        ns_per(take_batch, dirty.len())
    );
    drop(sup);

    // restore() of all states: 1 % overdue in each of 5 consecutive sweeps, the rest later.
    let t1 = T0 + 2 * HOUR;
    let step = 10 * MIN;
    let sweeps = 5;
    let states: Vec<LinkState> = all
        .iter()
        .map(|s| {
            let slice = s.spec.link % 100;
            let deadline_ms = if slice < sweeps {
                t1 + slice * step - rng.below(SEC as u64)
            } else {
                t1 + 10 * step + rng.below(24 * HOUR as u64)
            };
            LinkState { deadline_ms, ..*s }
        })
        .collect();
    drop(all);
    let runs = 3;
    let mut restore = Duration::ZERO;
    let mut sup = Supervisor::new();
    let mut restored_bytes = 0;
    for _ in 0..runs {
        drop(sup);
        let before = allocated();
        let start = Instant::now();
        sup = Supervisor::restore(states.iter().copied(), T0);
        restore += start.elapsed();
        restored_bytes = allocated() - before;
    }
    println!(
        "restore() of {n} states:     {:8.1} ms  ({:.0} ns/state, mean of {runs})",
        ms(restore) / runs as f64,
        ns_per(restore, runs * n)
    );
    assert!(sup.take_dirty().is_empty());
    println!(
        "allocated by the restored one: {:7.1} MiB ({:.0} B/link)",
        restored_bytes as f64 / 1024.0 / 1024.0,
        restored_bytes as f64 / n as f64
    );

    // due(): an idle tick, then sweeps each failing 1 % of the links.
    let idle_ticks = 100_000;
    let start = Instant::now();
    for i in 0..idle_ticks {
        black_box(sup.due(T0 + i as i64));
    }
    let idle = start.elapsed();
    println!("due() with nothing due:       {:8.1} ns/call", ns_per(idle, idle_ticks));
    let mut sweep_total = Duration::ZERO;
    let mut failed = 0;
    for k in 0..sweeps {
        let start = Instant::now();
        let fired = sup.due(t1 + k * step);
        sweep_total += start.elapsed();
        failed += fired.iter().filter(|t| matches!(t, supervise::Transition::LinkFailed { .. })).count();
    }
    println!(
        "due() sweep, 1 % overdue:     {:8.2} ms/sweep ({} links failed per sweep, {:.0} ns/failed link, mean of {sweeps})",
        ms(sweep_total) / sweeps as f64,
        failed / sweeps as usize,
        ns_per(sweep_total, failed)
    );
    let start = Instant::now();
    let failed_states = sup.take_dirty();
    let take_failed = start.elapsed();
    println!(
        "take_dirty after sweeps:      {:8.3} ms  ({} states, {:.0} ns/state)",
        ms(take_failed),
        failed_states.len(),
        ns_per(take_failed, failed_states.len())
    );
    println!("peak resident memory (VmHWM): {:8.1} MiB", status_kib("VmHWM:") as f64 / 1024.0);
    drop(sup);
    drop(states);

    compare_indexes(n, &mut rng);
}

/// The index choice, on the same access pattern: `n` entries, `2n` life signs on random
/// links with time advancing, then one sweep handling every key that has passed.
fn compare_indexes(n: usize, rng: &mut Rng) {
    println!("\nindex comparison: {n} entries, {} signs on random links, then one sweep:", 2 * n);
    let period = |slot: usize| CLASSES[slot % 3].0 + CLASSES[slot % 3].1;
    let initial: Vec<i64> = (0..n).map(|slot| T0 + rng.below(period(slot) as u64)).collect();
    let signs: Vec<(usize, i64)> = (0..2 * n)
        .map(|i| {
            let slot = rng.below(n as u64) as usize;
            (slot, T0 + (i / 10) as i64 + period(slot))
        })
        .collect();
    let sweep_to = T0 + (2 * n / 10) as i64 + MIN;
    let report = |name: &str, signs_t: Duration, sweep_t: Duration, expired: usize, bytes: usize| {
        println!(
            "  {name:<34} sign {:6.0} ns, sweep {:7.1} ms ({expired} expired), total {:5.0} ns/sign, {:5.1} B/entry",
            ns_per(signs_t, 2 * n),
            ms(sweep_t),
            ns_per(signs_t + sweep_t, 2 * n),
            bytes as f64 / n as f64
        );
    };

    // 1. Heap, rescheduled on every sign; stale entries dropped when they reach the top.
    let mut deadline = initial.clone();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> =
        deadline.iter().enumerate().map(|(slot, &d)| Reverse((d, slot as u32))).collect();
    let start = Instant::now();
    for &(slot, d) in &signs {
        deadline[slot] = d;
        heap.push(Reverse((d, slot as u32)));
        while let Some(&Reverse((key, s))) = heap.peek() {
            if deadline[s as usize] == key {
                break;
            }
            heap.pop();
        }
    }
    let signs_t = start.elapsed();
    let bytes = heap.capacity() * 16;
    let start = Instant::now();
    let mut expired = 0;
    while let Some(&Reverse((key, s))) = heap.peek() {
        if key > sweep_to {
            break;
        }
        heap.pop();
        expired += usize::from(deadline[s as usize] == key);
    }
    report("BinaryHeap, push per sign:", signs_t, start.elapsed(), expired, bytes);
    drop(heap);

    // 2. Heap keyed by a lower bound (the crate's choice): a sign only writes the deadline.
    let mut deadline = initial.clone();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> =
        deadline.iter().enumerate().map(|(slot, &d)| Reverse((d, slot as u32))).collect();
    let start = Instant::now();
    for &(slot, d) in &signs {
        deadline[slot] = d;
    }
    let signs_t = start.elapsed();
    let bytes = heap.capacity() * 16;
    let start = Instant::now();
    let mut expired = 0;
    while let Some(mut top) = heap.peek_mut() {
        let Reverse((key, s)) = *top;
        if key > sweep_to {
            break;
        }
        if key < deadline[s as usize] {
            top.0 .0 = deadline[s as usize]; // sifts down when dropped
        } else {
            std::collections::binary_heap::PeekMut::pop(top);
            expired += 1;
        }
    }
    report("BinaryHeap, lower-bound keys:", signs_t, start.elapsed(), expired, bytes);
    drop(heap);

    // 3. BTreeSet with exact keys: remove the old, insert the new.
    let mut deadline = initial.clone();
    let alloc_before = allocated();
    let mut set: BTreeSet<(i64, u32)> = deadline.iter().enumerate().map(|(slot, &d)| (d, slot as u32)).collect();
    let start = Instant::now();
    for &(slot, d) in &signs {
        set.remove(&(deadline[slot], slot as u32));
        deadline[slot] = d;
        set.insert((d, slot as u32));
    }
    let signs_t = start.elapsed();
    let bytes = allocated().saturating_sub(alloc_before);
    let start = Instant::now();
    let mut expired = 0;
    while set.first().is_some_and(|&(key, _)| key <= sweep_to) {
        set.pop_first();
        expired += 1;
    }
    report("BTreeSet, exact keys:", signs_t, start.elapsed(), expired, bytes);
}

/// Counts the bytes currently allocated, for exact memory figures next to VmRSS.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged, only counting sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}
