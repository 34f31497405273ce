//! Sign-in attempt limits: after [`MAX_FAILURES`] failed attempts on one customer code, or
//! [`MAX_FAILURES_PER_PEER`] from one address, within [`WINDOW_MS`], further attempts are
//! refused until the oldest failure leaves the window. A success clears the code's count.
//! Kept in memory per node: a restart forgets the counts.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Failed attempts allowed per code in the window.
pub const MAX_FAILURES: usize = 5;
/// Failed attempts allowed per peer address in the window.
pub const MAX_FAILURES_PER_PEER: usize = 20;
/// The window, in ms (15 minutes).
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Failed attempts by key (code or address), with their times.
#[derive(Debug, Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl Limiter {
    /// When the key may try again (unix ms), or `None` if it may try now.
    pub fn blocked_until(&self, key: &str, max: usize, now_ms: i64) -> Option<i64> {
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = map.get_mut(key)?;
        while times.front().is_some_and(|t| *t <= now_ms - WINDOW_MS) {
            times.pop_front();
        }
        (times.len() >= max).then(|| times.front().map_or(now_ms, |t| t + WINDOW_MS))
    }

    /// Records a failed attempt.
    pub fn fail(&self, key: &str, now_ms: i64) {
        let mut map = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            map.retain(|_, t| t.back().is_some_and(|last| *last > now_ms - WINDOW_MS));
        }
        map.entry(key.to_owned()).or_default().push_back(now_ms);
    }

    /// Forgets a key's failures (after a successful sign-in).
    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let l = Limiter::default();
        for i in 0..MAX_FAILURES as i64 {
            assert_eq!(l.blocked_until("100001", MAX_FAILURES, 1000 + i), None);
            l.fail("100001", 1000 + i);
        }
        assert_eq!(l.blocked_until("100001", MAX_FAILURES, 2000), Some(1000 + WINDOW_MS));
        assert_eq!(l.blocked_until("100002", MAX_FAILURES, 2000), None, "other codes are not blocked");
        assert_eq!(l.blocked_until("100001", MAX_FAILURES, 1000 + WINDOW_MS), None, "the oldest failure left the window");
        l.clear("100001");
        assert_eq!(l.blocked_until("100001", MAX_FAILURES, 2000), None);
    }
}
