//! Live counts shared by the panels, printed to stderr every few seconds during a run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// How often the progress line is printed.
pub(crate) const EVERY: Duration = Duration::from_secs(5);

/// Counts updated by every panel as they happen.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    acked: AtomicU64,
    timeouts: AtomicU64,
    connect_failures: AtomicU64,
}

impl Progress {
    pub(crate) fn acked(&self) {
        self.acked.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn timeout(&self) {
        self.timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn connect_failure(&self) {
        self.connect_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// One progress line: time since `start`, counts, rate since the previous line.
    fn line(&self, start: Instant, prev_acked: u64, secs: f64) -> (String, u64) {
        let acked = self.acked.load(Ordering::Relaxed);
        let line = format!(
            "loadgen: {:>6.1} s  {acked} acked ({:.0}/s)  {} timeouts  {} failed connects",
            start.elapsed().as_secs_f64(),
            (acked - prev_acked) as f64 / secs,
            self.timeouts.load(Ordering::Relaxed),
            self.connect_failures.load(Ordering::Relaxed),
        );
        (line, acked)
    }
}

/// Prints a progress line to stderr every [`EVERY`] until aborted.
pub(crate) async fn print_progress(progress: Arc<Progress>, start: Instant) {
    let mut prev = 0;
    let mut tick = tokio::time::interval_at(start + EVERY, EVERY);
    loop {
        tick.tick().await;
        let (line, acked) = progress.line(start, prev, EVERY.as_secs_f64());
        prev = acked;
        eprintln!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counts() {
        let p = Progress::default();
        p.acked();
        p.acked();
        p.timeout();
        let (line, acked) = p.line(Instant::now(), 0, 2.0);
        assert_eq!(acked, 2);
        assert!(line.contains("2 acked (1/s)  1 timeouts  0 failed connects"), "{line}");
    }
}
