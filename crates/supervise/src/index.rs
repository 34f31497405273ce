//! The deadline index: a binary min-heap of `(key_ms, slot, gen)`, 16 bytes an entry.
//!
//! Each live link has exactly one current entry: the one whose `gen` equals its slot's
//! generation. Its key is a lower bound of the link's deadline, not necessarily the deadline:
//! a life sign only moves a deadline later, so `observe` leaves the index alone, and an entry
//! whose key turns out early when it reaches the top is moved to the real deadline in place
//! (one sift-down). A link's deadline moving earlier, a failed link coming back and a new link
//! push a fresh entry under a new generation; superseded entries and those of failed or
//! removed links are dropped when they reach the top. So per link there is about one heap
//! operation per test interval however chatty it is, and the heap stays about as large as the
//! number of live links (a rebuild caps stale entries at `live + SLACK`).
//!
//! `examples/scale.rs` compares this with a heap rescheduled on every life sign and with an
//! exact `BTreeSet<(deadline, slot)>`.

use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::BinaryHeap;

/// Stale entries tolerated on top of the live ones before a rebuild.
const SLACK: usize = 1024;

/// An index entry: `(key_ms, slot index, slot generation)`.
pub(crate) type Entry = (i64, u32, u32);

/// Min-heap of [`Entry`].
#[derive(Debug, Clone, Default)]
pub(crate) struct DeadlineIndex {
    heap: BinaryHeap<Reverse<Entry>>,
}

impl DeadlineIndex {
    pub fn push(&mut self, entry: Entry) {
        self.heap.push(Reverse(entry));
    }

    /// The earliest entry, current or not.
    pub fn peek(&self) -> Option<Entry> {
        self.heap.peek().map(|entry| entry.0)
    }

    #[cfg(test)]
    pub fn pop(&mut self) -> Option<Entry> {
        self.heap.pop().map(|entry| entry.0)
    }

    /// Gives the earliest entry the key `key_ms` (not earlier than its current key), in place.
    pub fn delay_top(&mut self, key_ms: i64) {
        if let Some(mut top) = self.heap.peek_mut() {
            debug_assert!(key_ms >= top.0 .0);
            top.0 .0 = key_ms;
            drop(top); // sifts down
        }
    }

    /// Removes the earliest entry without returning it.
    pub fn drop_top(&mut self) {
        if let Some(top) = self.heap.peek_mut() {
            PeekMut::pop(top);
        }
    }

    /// Number of entries, stale ones included.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether stale entries are numerous enough to warrant [`rebuild`](Self::rebuild).
    pub fn needs_rebuild(&self, live: usize) -> bool {
        self.heap.len() > live.saturating_add(SLACK)
    }

    /// Replaces the contents with `entries` (all current), in O(n).
    pub fn rebuild(&mut self, entries: impl Iterator<Item = Entry>) {
        let mut buf = std::mem::take(&mut self.heap).into_vec();
        buf.clear();
        buf.extend(entries.map(Reverse));
        buf.shrink_to(buf.len().saturating_add(SLACK));
        self.heap = BinaryHeap::from(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(index: &mut DeadlineIndex) -> Vec<Entry> {
        std::iter::from_fn(|| index.pop()).collect()
    }

    #[test]
    fn pops_in_key_then_slot_order() {
        let mut index = DeadlineIndex::default();
        for (key, slot) in [(30, 0), (10, 3), (20, 2), (10, 1), (40, 4)] {
            index.push((key, slot, 0));
        }
        assert_eq!(index.peek(), Some((10, 1, 0)));
        assert_eq!(drain(&mut index), [(10, 1, 0), (10, 3, 0), (20, 2, 0), (30, 0, 0), (40, 4, 0)]);
    }

    #[test]
    fn delay_top_reorders_in_place() {
        let mut index = DeadlineIndex::default();
        for (key, slot) in [(1, 0), (2, 1), (3, 2)] {
            index.push((key, slot, 7));
        }
        index.delay_top(5);
        assert_eq!(index.len(), 3);
        index.drop_top();
        assert_eq!(drain(&mut index), [(3, 2, 7), (5, 0, 7)]);
    }

    #[test]
    fn rebuild_replaces_everything() {
        let mut index = DeadlineIndex::default();
        for slot in 0..3000 {
            index.push((i64::from(slot % 7), slot, 0));
        }
        assert!(index.needs_rebuild(10));
        assert!(!index.needs_rebuild(2000));
        index.rebuild([(9, 1, 0), (5, 2, 1)].into_iter());
        assert_eq!(drain(&mut index), [(5, 2, 1), (9, 1, 0)]);
    }
}
