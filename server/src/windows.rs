//! Counting events per key in fixed windows: the receiver's NAK and unknown-account limits,
//! the tracking door's and the sign-in doors' request limits.

use std::collections::HashMap;
use std::sync::Mutex;

/// Counts events per key in fixed windows: [`Windows::allow`] says whether one more is
/// within `max` for its key's current window. At most `max_keys` keys are remembered; when
/// full, the oldest windows are dropped (a flood of new keys cannot grow it).
pub struct Windows<K> {
    window_ms: i64,
    max: u32,
    max_keys: usize,
    counts: Mutex<HashMap<K, (i64, u32)>>,
}

impl<K: std::hash::Hash + Eq + Clone> Windows<K> {
    /// `max` events per key per `window_ms`.
    pub fn new(max: u32, window_ms: i64, max_keys: usize) -> Self {
        Windows { window_ms, max, max_keys, counts: Mutex::new(HashMap::new()) }
    }

    /// Counts one event for `key` at `now_ms`; `true` if it is within the limit.
    pub fn allow(&self, key: &K, now_ms: i64) -> bool {
        let mut map = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = now_ms - now_ms.rem_euclid(self.window_ms.max(1));
        if map.len() >= self.max_keys && !map.contains_key(key) {
            map.retain(|_, (at, _)| *at >= start);
            if map.len() >= self.max_keys {
                map.clear();
            }
        }
        let entry = map.entry(key.clone()).or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_allow_up_to_the_most_per_key_and_window() {
        let w = Windows::new(2, 1000, 10);
        assert!(w.allow(&1, 0) && w.allow(&1, 10));
        assert!(!w.allow(&1, 20), "a third in one window");
        assert!(w.allow(&2, 20), "other keys have their own count");
        assert!(w.allow(&1, 1000), "a new window starts again");
        for key in 100..200 {
            w.allow(&key, 1000);
        }
        assert!(w.counts.lock().unwrap().len() <= 10, "the keys stay bounded");
    }
}
