//! One simulated panel: sends a frame, waits for the answer, resends the same bytes after a
//! timeout (reconnecting TCP when the connection broke), follows the receiver's clock after a
//! NAK (encrypted frames), and only then sends the next frame.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use dc09::Key;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use crate::acked_log::{acked_line, LineSender};
use crate::args::{EventFormat, Transport};
use crate::frames::{unix_now, Outgoing, PanelFrames};
use crate::link::Link;
use crate::progress::Progress;
use crate::reply::{parse_reply, Answer, Reply};
use crate::stats::PanelStats;
use crate::stop::{Gate, Stop};

/// A frame answered by this many NAKs is given up.
pub const MAX_NAKS_PER_FRAME: u32 = 5;
/// First pause before reconnecting; doubled up to [`RECONNECT_MAX`].
const RECONNECT_MIN: Duration = Duration::from_millis(50);
/// Longest pause between two connection attempts.
const RECONNECT_MAX: Duration = Duration::from_secs(1);

/// Settings shared by all panels of a run.
#[derive(Debug)]
pub(crate) struct PanelConfig {
    pub addr: SocketAddr,
    pub transport: Transport,
    pub format: EventFormat,
    pub key: Option<Key>,
    pub ack_timeout: Duration,
    /// Time between two frames of one panel (`--rate`).
    pub interval: Option<Duration>,
    /// Frames per panel (`--frames-per-panel`).
    pub frames: Option<u64>,
    pub acked_log: Option<LineSender>,
    pub progress: Arc<Progress>,
}

/// How waiting for an answer ended.
enum Waited {
    Reply(Reply),
    Timeout,
    Broken,
    Interrupted,
}

struct Panel<'a> {
    cfg: &'a PanelConfig,
    frames: PanelFrames,
    link: Link,
    stop: Stop,
    rng: StdRng,
    stats: PanelStats,
    connected_before: bool,
}

/// Runs one panel with `account`: one connection attempt, then waits at `gate` for the start,
/// then sends until its frames are sent or the run stops; its first frame goes out
/// `start_after` after the start.
pub(crate) async fn run_panel(cfg: &PanelConfig, account: String, gate: &Gate, start_after: Duration) -> PanelStats {
    let mut stats = PanelStats::default();
    let mut link = match Link::new(cfg.transport, cfg.addr).await {
        Ok(link) => link,
        Err(_) => {
            stats.connect_failures += 1;
            cfg.progress.connect_failure();
            let _ = gate.ready_and_wait().await;
            return stats;
        }
    };
    // First attempt only; a panel that could not connect keeps trying once the run starts.
    let connected_before = matches!(tokio::time::timeout(cfg.ack_timeout, link.connect()).await, Ok(Ok(())));
    if !connected_before {
        stats.connect_failures += 1;
        cfg.progress.connect_failure();
    }
    let Some(stop) = gate.ready_and_wait().await else {
        return stats;
    };
    let mut panel = Panel {
        cfg,
        frames: PanelFrames::new(account, cfg.format, cfg.key.clone()),
        link,
        stop,
        rng: StdRng::from_entropy(),
        stats,
        connected_before,
    };
    panel.run(start_after).await;
    panel.stats
}

impl Panel<'_> {
    async fn run(&mut self, start_after: Duration) {
        let mut next_at = Instant::now() + start_after;
        let mut sent = 0u64;
        while self.cfg.frames.is_none_or(|max| sent < max) {
            if !self.stop.sleep_until(next_at).await {
                return;
            }
            let out = self.frames.next(unix_now(), &mut self.rng);
            sent += 1;
            if !self.deliver(out).await {
                return;
            }
            let now = Instant::now();
            next_at = match self.cfg.interval {
                Some(interval) => (next_at + interval).max(now),
                None => now,
            };
        }
    }

    /// Sends `out` until it is answered by ACK or DUH, given up after NAKs, or the run stops.
    /// `false` when the run is over (deadline passed before a resend, or interrupted).
    async fn deliver(&mut self, mut out: Outgoing) -> bool {
        self.stats.sent += 1;
        let first = Instant::now();
        let mut naks = 0;
        let mut attempt = 0u32;
        loop {
            if attempt > 0 {
                if self.stop.is_set() {
                    return false;
                }
                self.stats.resends += 1;
            }
            attempt += 1;
            if !self.connect().await {
                return false;
            }
            if self.link.send(&out.bytes).await.is_err() {
                if !self.stop.sleep_until(Instant::now() + RECONNECT_MIN).await {
                    return false;
                }
                continue;
            }
            let wait_until = Instant::now() + self.cfg.ack_timeout;
            let reply = match self.wait_reply(&out, wait_until).await {
                Waited::Reply(reply) => reply,
                Waited::Timeout => {
                    self.stats.timeouts += 1;
                    self.cfg.progress.timeout();
                    continue;
                }
                Waited::Broken => continue,
                Waited::Interrupted => return false,
            };
            match reply.answer {
                Answer::Ack => {
                    self.stats.acked += 1;
                    self.cfg.progress.acked();
                    self.stats.record_latency(first.elapsed());
                    if let Some(log) = &self.cfg.acked_log {
                        let _ = log.send(acked_line(self.frames.account(), out.seq(), &out.text()));
                    }
                    return true;
                }
                Answer::Duh => {
                    self.stats.duhs += 1;
                    return true;
                }
                Answer::Nak => {
                    self.stats.naks += 1;
                    naks += 1;
                    if naks >= MAX_NAKS_PER_FRAME {
                        self.stats.gave_up += 1;
                        return true;
                    }
                    if self.frames.key().is_some() {
                        // A real panel takes the receiver's time from the NAK and resends
                        // at once with a fresh timestamp.
                        let now = unix_now();
                        if let Some(receiver) = reply.timestamp {
                            self.frames.set_clock(receiver, now);
                        }
                        out = self.frames.restamp(out, now, &mut self.rng);
                    } else if !self.stop.sleep_until(wait_until).await {
                        return false;
                    }
                }
            }
        }
    }

    /// Connects TCP if needed, retrying with back-off; `false` when the run stops first.
    async fn connect(&mut self) -> bool {
        let mut pause = RECONNECT_MIN;
        while !self.link.is_up() {
            match tokio::time::timeout(self.cfg.ack_timeout, self.link.connect()).await {
                Ok(Ok(())) => {
                    if self.connected_before {
                        self.stats.reconnects += 1;
                    }
                    self.connected_before = true;
                }
                Ok(Err(_)) | Err(_) => {
                    self.stats.connect_failures += 1;
                    self.cfg.progress.connect_failure();
                    let jitter = pause.mul_f64(self.rng.gen_range(0.5..1.5));
                    if !self.stop.sleep_until(Instant::now() + jitter).await {
                        return false;
                    }
                    pause = (pause * 2).min(RECONNECT_MAX);
                }
            }
        }
        true
    }

    /// Waits until `until` for the answer to `out`, skipping answers to earlier frames.
    async fn wait_reply(&mut self, out: &Outgoing, until: Instant) -> Waited {
        loop {
            let got = tokio::select! {
                got = tokio::time::timeout_at(until, self.link.recv()) => got,
                () = self.stop.interrupted() => return Waited::Interrupted,
            };
            let raw = match got {
                Err(_) => return Waited::Timeout,
                Ok(Err(_)) if self.cfg.transport == Transport::Tcp => return Waited::Broken,
                // UDP: ICMP "port unreachable" while the receiver is down; keep waiting.
                Ok(Err(_)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                Ok(Ok(raw)) => raw,
            };
            let now = self.frames.clock(unix_now());
            match parse_reply(&raw, self.frames.key(), now) {
                Some(reply) if reply.answers(out) => return Waited::Reply(reply),
                Some(_) => self.stats.stray_replies += 1,
                None => {}
            }
        }
    }
}
