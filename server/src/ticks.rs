//! A background task's steady beat, until shutdown.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{Interval, MissedTickBehavior};

/// Beats every `every` (a late beat delays the next ones rather than bunching them).
pub struct Ticks {
    interval: Interval,
    shutdown: watch::Receiver<bool>,
}

impl Ticks {
    /// The first beat comes at once.
    pub fn new(every: Duration, shutdown: watch::Receiver<bool>) -> Ticks {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Ticks { interval, shutdown }
    }

    /// Waits for the next beat: `false` once shutdown is asked.
    pub async fn next(&mut self) -> bool {
        tokio::select! {
            _ = self.interval.tick() => true,
            _ = self.shutdown.changed() => false,
        }
    }
}
