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
        metrics::gauge!("vigil_dc09_connections_open").increment(1.0);
        Ok(Admission { _permit: permit, per_address: self.per_address.clone(), ip })
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        metrics::gauge!("vigil_dc09_connections_open").decrement(1.0);
        let mut map = self.per_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = map.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
