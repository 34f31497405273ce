//! Counters of one panel, their sum, and latency percentiles.

use std::time::Duration;

/// What one panel counted during a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanelStats {
    /// Distinct frames sent (first transmissions).
    pub sent: u64,
    /// Frames acknowledged.
    pub acked: u64,
    /// NAKs received.
    pub naks: u64,
    /// DUHs received (the frame is then given up: the receiver cannot process it).
    pub duhs: u64,
    /// Waits for a reply that ended without one.
    pub timeouts: u64,
    /// Retransmissions (after a timeout, a broken connection or a NAK).
    pub resends: u64,
    /// TCP connections re-established after the first.
    pub reconnects: u64,
    /// Failed TCP connection attempts.
    pub connect_failures: u64,
    /// Frames given up after too many NAKs.
    pub gave_up: u64,
    /// Replies that answered no frame in flight (late answers to earlier transmissions).
    pub stray_replies: u64,
    /// Delivery latency of each acknowledged frame in microseconds: from its first
    /// transmission to its ACK, retransmissions included.
    pub latencies_us: Vec<u64>,
}

impl PanelStats {
    /// Adds another panel's counts to these.
    pub fn merge(&mut self, other: PanelStats) {
        self.sent += other.sent;
        self.acked += other.acked;
        self.naks += other.naks;
        self.duhs += other.duhs;
        self.timeouts += other.timeouts;
        self.resends += other.resends;
        self.reconnects += other.reconnects;
        self.connect_failures += other.connect_failures;
        self.gave_up += other.gave_up;
        self.stray_replies += other.stray_replies;
        self.latencies_us.extend(other.latencies_us);
    }

    /// Records an acknowledged frame's latency.
    pub fn record_latency(&mut self, latency: Duration) {
        self.latencies_us.push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
    }
}

/// The `p`-th percentile (0 < p <= 100) of ascending `sorted` values by the nearest-rank
/// method: the smallest value with at least p % of the values at or below it. `None` when
/// there are no values.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    // The small tolerance keeps float error (99.9 % of 1000 = 999.0000000000001) from
    // pushing the rank up by one.
    let rank = (p * sorted.len() as f64 / 100.0 - 1e-9).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Latency summary of the acknowledged frames, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    /// Number of samples (acknowledged frames).
    pub samples: u64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Latency {
    /// Summarises latencies in microseconds (sorts them in place).
    pub fn from_micros(values: &mut [u64]) -> Latency {
        values.sort_unstable();
        let ms = |p: f64| percentile(values, p).map_or(0.0, |us| us as f64 / 1000.0);
        Latency {
            samples: values.len() as u64,
            p50_ms: ms(50.0),
            p90_ms: ms(90.0),
            p99_ms: ms(99.0),
            p999_ms: ms(99.9),
            max_ms: values.last().map_or(0.0, |&us| us as f64 / 1000.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 90.0), Some(90));
        assert_eq!(percentile(&v, 99.0), Some(99));
        assert_eq!(percentile(&v, 99.9), Some(100));
        assert_eq!(percentile(&v, 100.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[7], 99.9), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
        let v: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&v, 99.9), Some(999));
        assert_eq!(percentile(&[1, 2, 3, 4], 50.0), Some(2));
    }

    #[test]
    fn summary_in_ms() {
        let mut v: Vec<u64> = (1..=1000).rev().map(|i| i * 1000).collect();
        let l = Latency::from_micros(&mut v);
        assert_eq!(l.samples, 1000);
        assert_eq!((l.p50_ms, l.p90_ms, l.p99_ms, l.p999_ms, l.max_ms), (500.0, 900.0, 990.0, 999.0, 1000.0));
        assert_eq!(Latency::from_micros(&mut []), Latency::default());
    }

    #[test]
    fn merge_adds() {
        let mut a = PanelStats { sent: 2, acked: 1, latencies_us: vec![5], ..Default::default() };
        let b = PanelStats { sent: 3, acked: 3, naks: 1, latencies_us: vec![1, 2], ..Default::default() };
        a.merge(b);
        assert_eq!((a.sent, a.acked, a.naks, a.latencies_us.len()), (5, 4, 1, 3));
        a.record_latency(Duration::from_millis(3));
        assert_eq!(a.latencies_us.last(), Some(&3000));
    }
}
