//! Live streams open per login: each holds a slot until it ends, so one signed-in caller
//! cannot hold an unbounded number of connections (and broadcast receivers) open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};

/// Live streams one login may have open at once (a few tabs of the dashboard, two each).
pub const STREAMS_PER_LOGIN: usize = 12;

/// Open streams by login.
#[derive(Clone, Default)]
pub struct StreamSlots(Arc<Mutex<HashMap<i64, usize>>>);

/// One open stream's place; dropping it frees the place.
pub struct Slot {
    slots: StreamSlots,
    user_id: i64,
}

impl StreamSlots {
    /// A place for one more stream of `user_id`, or `None` when it has its most open.
    pub fn open(&self, user_id: i64) -> Option<Slot> {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = map.entry(user_id).or_insert(0);
        if *open >= STREAMS_PER_LOGIN {
            return None;
        }
        *open += 1;
        metrics::gauge!("vigil_live_streams_open").increment(1.0);
        Some(Slot { slots: self.clone(), user_id })
    }

    /// Streams `user_id` has open now.
    pub fn open_for(&self, user_id: i64) -> usize {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&user_id).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        metrics::gauge!("vigil_live_streams_open").decrement(1.0);
        let mut map = self.slots.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.user_id) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                map.remove(&self.user_id);
            }
        }
    }
}

/// `stream`, holding `slot` for as long as it lives.
pub fn holding<S: Stream>(stream: S, slot: Slot) -> impl Stream<Item = S::Item> {
    stream.map(move |item| {
        let _ = &slot;
        item
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_holds_at_most_its_share_and_a_closed_stream_frees_its_place() {
        let slots = StreamSlots::default();
        let held: Vec<Slot> = (0..STREAMS_PER_LOGIN).map(|_| slots.open(7).unwrap()).collect();
        assert!(slots.open(7).is_none());
        assert!(slots.open(8).is_some(), "other logins have their own");
        drop(held);
        assert_eq!(slots.open_for(7), 0);
        assert!(slots.open(7).is_some());
    }
}
