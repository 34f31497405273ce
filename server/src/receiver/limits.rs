//! What one sender may hold of the receiver: connections in all and per address, how long a
//! connection may take to send a whole frame, and the UDP workers. Bounds against a flood
//! or a slow sender (slowloris) taking the port from real panels.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The receiver's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open TCP connections at most.
    pub max_connections: usize,
    /// Open TCP connections from one address at most (a carrier's NAT may put many panels
    /// behind one address).
    pub max_per_address: usize,
    /// A new connection must deliver a whole frame within this.
    pub first_frame: Duration,
    /// A frame that has begun must be complete within this.
    pub frame: Duration,
    /// A connection must deliver a whole frame at least this often (bytes that are not a
    /// frame do not count), else it is closed.
    pub idle: Duration,
    /// UDP datagrams handled at once; beyond, datagrams are dropped and counted.
    pub udp_workers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 10_000,
            max_per_address: 256,
            first_frame: Duration::from_secs(10),
            frame: Duration::from_secs(10),
            idle: Duration::from_secs(300),
            udp_workers: 512,
        }
    }
}

/// Counts open connections, in all and per address.
#[derive(Clone)]
pub struct Gate {
    total: Arc<Semaphore>,
    per_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max_per_address: usize,
}

/// One admitted connection; dropping it frees its places.
pub struct Admission {
    _permit: OwnedSemaphorePermit,
    per_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The receiver holds its most connections.
    Full,
    /// That address holds its most connections.
    AddressFull,
}

impl Gate {
    /// A gate for these limits.
    pub fn new(limits: &Limits) -> Gate {
        Gate {
            total: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            per_address: Arc::default(),
            max_per_address: limits.max_per_address.max(1),
        }
    }

    /// Admits a connection from `ip`, or says why not.
    pub fn admit(&self, ip: IpAddr) -> Result<Admission, Refusal> {
        let permit = self.total.clone().try_acquire_owned().map_err(|_| Refusal::Full)?;
        let mut map = self.per_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = map.entry(ip).or_insert(0);
        if *open >= self.max_per_address {
            return Err(Refusal::AddressFull);
        }
        *open += 1;
        Ok(Admission { _permit: permit, per_address: self.per_address.clone(), ip })
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut map = self.per_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

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

    #[test]
    fn caps_in_all_and_per_address_and_frees_on_drop() {
        let gate = Gate::new(&Limits { max_connections: 3, max_per_address: 2, ..Limits::default() });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = gate.admit(a).unwrap();
        let _second = gate.admit(a).unwrap();
        assert_eq!(gate.admit(a).err(), Some(Refusal::AddressFull));
        let _third = gate.admit(b).unwrap();
        assert_eq!(gate.admit(b).err(), Some(Refusal::Full));
        drop(first);
        assert!(gate.admit(a).is_ok(), "a closed connection frees its places");
    }
}
