//! When the panels stop: at the end of `--duration`, or on Ctrl-C / SIGTERM.

use std::future::pending;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::time::Instant;

/// The shared stop condition: an optional deadline and an interrupt flag.
#[derive(Debug, Clone)]
pub(crate) struct Stop {
    deadline: Option<Instant>,
    interrupt: watch::Receiver<bool>,
}

impl Stop {
    /// Stops at `deadline` (if any) or when `interrupt` turns true.
    pub(crate) fn new(deadline: Option<Instant>, interrupt: watch::Receiver<bool>) -> Stop {
        Stop { deadline, interrupt }
    }

    /// Whether the run is over: deadline passed or interrupted.
    pub(crate) fn is_set(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d) || *self.interrupt.borrow()
    }

    /// Resolves when the run is interrupted (never if it cannot be).
    pub(crate) async fn interrupted(&mut self) {
        if self.interrupt.wait_for(|v| *v).await.is_err() {
            pending::<()>().await;
        }
    }

    /// Sleeps until `at`; `false` (possibly early) when the run is over by then.
    pub(crate) async fn sleep_until(&mut self, at: Instant) -> bool {
        if self.is_set() {
            return false;
        }
        let until = match self.deadline {
            Some(d) if d < at => d,
            _ => at,
        };
        tokio::select! {
            () = tokio::time::sleep_until(until) => !self.is_set(),
            () = self.interrupted() => false,
        }
    }
}

/// The start line: panels make their first connection attempt, report ready and wait; the
/// run (and its clock) starts when all are ready, so the connection storm of many panels
/// is not measured as frame latency.
#[derive(Debug)]
pub(crate) struct Gate {
    ready: AtomicU32,
    notify: Notify,
    go: watch::Sender<Option<Stop>>,
}

impl Gate {
    /// A closed gate.
    pub(crate) fn new() -> Gate {
        Gate { ready: AtomicU32::new(0), notify: Notify::new(), go: watch::Sender::new(None) }
    }

    /// Panel side: reports ready and waits for the start; returns the run's [`Stop`].
    pub(crate) async fn ready_and_wait(&self) -> Option<Stop> {
        let mut go = self.go.subscribe();
        self.ready.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_one();
        let stop = go.wait_for(Option::is_some).await.ok()?.clone();
        stop
    }

    /// Waits until `panels` panels are ready, at most `max`, or until `interrupt` is set.
    pub(crate) async fn wait_ready(&self, panels: u32, max: Duration, interrupt: &mut watch::Receiver<bool>) {
        let until = Instant::now() + max;
        while self.ready.load(Ordering::SeqCst) < panels {
            tokio::select! {
                () = self.notify.notified() => {}
                () = tokio::time::sleep_until(until) => return,
                _ = interrupt.wait_for(|v| *v) => return,
            }
        }
    }

    /// Starts the run: every waiting panel gets `stop`.
    pub(crate) fn open(&self, stop: Stop) {
        self.go.send_replace(Some(stop));
    }
}

/// Sets `interrupt` on Ctrl-C or (Unix) SIGTERM.
pub(crate) async fn interrupt_on_signal(interrupt: watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    let _ = interrupt.send(true);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn deadline_and_interrupt() {
        let (tx, rx) = watch::channel(false);
        let start = Instant::now();
        let mut stop = Stop::new(Some(start + Duration::from_secs(5)), rx);
        assert!(stop.sleep_until(start + Duration::from_secs(1)).await);
        assert!(!stop.sleep_until(start + Duration::from_secs(9)).await);
        assert_eq!(Instant::now(), start + Duration::from_secs(5));
        assert!(stop.is_set());

        let (tx2, rx2) = watch::channel(false);
        let mut stop = Stop::new(None, rx2);
        let waker = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            tx2.send(true).unwrap();
        });
        assert!(!stop.sleep_until(Instant::now() + Duration::from_secs(60)).await);
        assert!(stop.is_set());
        waker.await.unwrap();
        drop(tx);
    }

    #[tokio::test(start_paused = true)]
    async fn gate_opens_when_all_are_ready_or_late() {
        let (_tx, mut rx) = watch::channel(false);
        let gate = std::sync::Arc::new(Gate::new());
        let panels: Vec<_> = (0..3)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.ready_and_wait().await.is_some() })
            })
            .collect();
        let t0 = Instant::now();
        gate.wait_ready(3, Duration::from_secs(10), &mut rx).await;
        assert!(t0.elapsed() < Duration::from_secs(1));
        gate.open(Stop::new(None, rx.clone()));
        for p in panels {
            assert!(p.await.unwrap());
        }
        let late = Gate::new();
        late.wait_ready(1, Duration::from_secs(10), &mut rx).await;
        assert_eq!(t0.elapsed(), Duration::from_secs(10));
    }
}
