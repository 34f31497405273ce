//! The receiver's defences that need memory: counts of what was refused or dropped, NAKs
//! limited per source, frames from unknown accounts limited per account and per source
//! (beyond, counted into one aggregated row a minute), and one security notice per account
//! and window for refused plain frames.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use store::{AccountRecord, NewSignal};

use crate::windows::Windows;

/// Event code of the signal raised when a keyed account's plain frame is refused.
pub const PLAIN_REFUSED: &str = "PLAIN-REFUSED";
/// Event code of the row that sums up frames from unknown accounts beyond their limit.
pub const UNKNOWN_FLOOD: &str = "UNKNOWN-FLOOD";

/// NAKs to one source address per 10 s at most; beyond, nothing is sent.
const NAKS_PER_SOURCE: u32 = 50;
/// Frames stored one by one per unknown account per minute.
const UNKNOWN_PER_ACCOUNT: u32 = 10;
/// Frames from unknown accounts stored one by one per source address per minute.
const UNKNOWN_PER_SOURCE: u32 = 60;
/// One security notice per account per this many ms.
const NOTICE_WINDOW_MS: i64 = 10 * 60_000;
/// Addresses or accounts remembered per limit.
const MAX_KEYS: usize = 100_000;

/// What the receiver refused or dropped since it started.
#[derive(Debug, Default)]
pub struct Counters {
    refused_connections: AtomicU64,
    slow_connections: AtomicU64,
    udp_dropped: AtomicU64,
    plain_refused: AtomicU64,
    naks_withheld: AtomicU64,
    unknown_aggregated: AtomicU64,
}

/// A reading of [`Counters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CounterValues {
    /// TCP connections refused at the caps.
    pub refused_connections: u64,
    /// TCP connections closed for not sending a whole frame in time.
    pub slow_connections: u64,
    /// UDP datagrams dropped with every worker busy.
    pub udp_dropped: u64,
    /// Plain frames refused for keyed accounts.
    pub plain_refused: u64,
    /// NAKs not sent (a source over its limit).
    pub naks_withheld: u64,
    /// Frames from unknown accounts counted into an aggregated row instead of stored.
    pub unknown_aggregated: u64,
}

impl Counters {
    /// One connection refused at a cap.
    pub fn refused_connection(&self) {
        self.refused_connections.fetch_add(1, Ordering::Relaxed);
    }

    /// One connection closed as too slow.
    pub fn slow_connection(&self) {
        self.slow_connections.fetch_add(1, Ordering::Relaxed);
    }

    /// One datagram dropped.
    pub fn udp_dropped(&self) {
        self.udp_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now.
    pub fn values(&self) -> CounterValues {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CounterValues {
            refused_connections: get(&self.refused_connections),
            slow_connections: get(&self.slow_connections),
            udp_dropped: get(&self.udp_dropped),
            plain_refused: get(&self.plain_refused),
            naks_withheld: get(&self.naks_withheld),
            unknown_aggregated: get(&self.unknown_aggregated),
        }
    }
}

/// Frames from unknown accounts not stored one by one since the last aggregated row.
#[derive(Default)]
struct Aggregate {
    frames: u64,
    accounts: BTreeSet<String>,
    sources: BTreeSet<IpAddr>,
}

/// At most this many accounts and sources are named in an aggregated row.
const NAMED: usize = 10;

/// The receiver's memory of what it limits.
pub struct Guard {
    counters: Counters,
    naks: Windows<IpAddr>,
    unknown_accounts: Windows<String>,
    unknown_sources: Windows<IpAddr>,
    notices: Windows<i64>,
    aggregate: Mutex<Aggregate>,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            counters: Counters::default(),
            naks: Windows::new(NAKS_PER_SOURCE, 10_000, MAX_KEYS),
            unknown_accounts: Windows::new(UNKNOWN_PER_ACCOUNT, 60_000, MAX_KEYS),
            unknown_sources: Windows::new(UNKNOWN_PER_SOURCE, 60_000, MAX_KEYS),
            notices: Windows::new(1, NOTICE_WINDOW_MS, MAX_KEYS),
            aggregate: Mutex::default(),
        }
    }
}

impl Guard {
    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Whether a NAK may go to `peer` now (counted when withheld).
    pub fn nak_allowed(&self, peer: IpAddr, now_ms: i64) -> bool {
        let ok = self.naks.allow(&peer, now_ms);
        if !ok {
            self.counters.naks_withheld.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// Whether a frame from an unknown account may be stored one by one; otherwise it is
    /// counted into the next aggregated row.
    pub fn unknown_allowed(&self, account: &str, peer: IpAddr, now_ms: i64) -> bool {
        if self.unknown_accounts.allow(&account.to_owned(), now_ms) && self.unknown_sources.allow(&peer, now_ms) {
            return true;
        }
        self.counters.unknown_aggregated.fetch_add(1, Ordering::Relaxed);
        let mut agg = self.aggregate.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        agg.frames += 1;
        if agg.accounts.len() < NAMED {
            agg.accounts.insert(account.chars().take(16).collect());
        }
        if agg.sources.len() < NAMED {
            agg.sources.insert(peer);
        }
        false
    }

    /// Counts a refused plain frame; returns the security signal to store when this
    /// account's notice for the window has not been raised yet.
    pub fn plain_refused(&self, account: &AccountRecord, peer: SocketAddr, now_ms: i64) -> Option<NewSignal> {
        self.counters.plain_refused.fetch_add(1, Ordering::Relaxed);
        if !self.notices.allow(&account.id, now_ms) {
            return None;
        }
        Some(internal_signal(
            now_ms,
            account.number.clone(),
            Some(account.site_id),
            PLAIN_REFUSED,
            format!("Security: unencrypted frame refused for an encrypted account (from {})", peer.ip()),
        ))
    }

    /// The aggregated row for frames from unknown accounts beyond their limits since the
    /// last call, if there were any.
    pub fn take_aggregate(&self, now_ms: i64) -> Option<NewSignal> {
        let agg = std::mem::take(&mut *self.aggregate.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        if agg.frames == 0 {
            return None;
        }
        let list = |items: Vec<String>| items.join(", ");
        let meaning = format!(
            "{} frames from unknown accounts over their limit, not stored one by one (accounts {}; from {})",
            agg.frames,
            list(agg.accounts.into_iter().collect()),
            list(agg.sources.iter().map(IpAddr::to_string).collect()),
        );
        Some(internal_signal(now_ms, "UNKNOWN".into(), None, UNKNOWN_FLOOD, meaning))
    }
}

/// A signal Vigil raises itself (transport `internal`, token `VIGIL`).
pub(crate) fn internal_signal(
    now_ms: i64,
    account: String,
    site_id: Option<i64>,
    code: &str,
    meaning: String,
) -> NewSignal {
    NewSignal {
        received_at_ms: now_ms,
        account,
        site_id,
        known: site_id.is_some(),
        token: "VIGIL".to_owned(),
        line: "*".to_owned(),
        event_code: Some(code.to_owned()),
        meaning,
        remote_addr: "vigil".to_owned(),
        transport: "internal".to_owned(),
        ..NewSignal::default()
    }
}
