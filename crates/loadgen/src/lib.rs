//! Load generator for DC-09 receivers: many concurrent simulated alarm panels.
//!
//! Each panel has its own account (`--first-account` upwards, decimal) and its own link to
//! the receiver: one persistent TCP connection or one UDP socket. Like a real panel it sends
//! one frame, **waits for the answer** (ACK, NAK or DUH) and only then sends the next one.
//! Without an answer within `--ack-timeout-ms` it sends the **same bytes** again, reconnecting
//! first when the TCP connection broke, until the frame is acknowledged or the run ends.
//!
//! * Frames carry one SIA-DCS event each, `#ACCT|Nri1/BA<n>` with `n` the panel's frame
//!   counter (so every frame's text is unique), or one Contact ID event with `--format cid`.
//!   Sequence numbers run 1..=9999 per panel and wrap to 1. Header: `R1 L0 #ACCT`.
//! * With `--key-hex` frames are AES-encrypted and carry the panel's timestamp. A NAK
//!   carrying the receiver's time sets the panel's clock, and the frame is re-encrypted with
//!   the corrected timestamp and sent again at once. A plain frame is resent after the
//!   timeout. After [`MAX_NAKS_PER_FRAME`] NAKs a frame is given up; a DUH ends it too.
//! * `--rate` caps the total signals per second, pacing each panel at panels / rate seconds
//!   (random phase per panel). Latency is measured from a frame's first transmission to its
//!   ACK, so retransmissions count, but not time a frame spent waiting for its slot.
//! * `--acked-log FILE` appends `account<TAB>seq<TAB>frame text without LF/CR` for every
//!   acknowledged frame, flushed continuously; the crash test compares it with the store.
//! * The panels connect first; the clock (duration, rate, throughput) starts once all have
//!   made their first connection attempt, so a connection storm is not counted as latency.
//! * Ctrl-C or SIGTERM end the run early; the report still covers it. A progress line goes
//!   to stderr every 5 seconds.
//!
//! ```no_run
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     load: loadgen::LoadArgs,
//! }
//!
//! # async fn example() -> Result<(), loadgen::LoadError> {
//! let cli = Cli::parse_from(["loadgen", "--target", "127.0.0.1:7777", "--panels", "50"]);
//! let json = cli.load.json;
//! let report = loadgen::run(cli.load).await?;
//! print!("{}", report.render(json));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod acked_log;
mod args;
mod error;
mod frames;
mod link;
mod panel;
mod progress;
mod reply;
mod report;
mod stats;
mod stop;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::watch;
use tokio::time::Instant;

pub use acked_log::acked_line;
pub use args::{EventFormat, LoadArgs, Transport};
pub use error::LoadError;
pub use frames::{event_data, next_seq, Outgoing, PanelFrames};
pub use panel::MAX_NAKS_PER_FRAME;
pub use reply::{parse_reply, Answer, Reply};
pub use report::Report;
pub use stats::{percentile, Latency, PanelStats};

use acked_log::AckedLog;
use panel::{run_panel, PanelConfig};
use progress::{print_progress, Progress};
use report::RunInfo;
use stop::{interrupt_on_signal, Gate, Stop};

/// Longest wait for the panels' first connections before the run starts anyway.
const MAX_CONNECT_PHASE: Duration = Duration::from_secs(10);

/// Runs the load described by `args` and reports what it measured.
///
/// All panels first make one connection attempt; the run and its clock start when all are
/// done (at most 10 s). Returns once every panel has stopped: after `--duration` (frames in flight get one more
/// reply timeout), after `--frames-per-panel` frames each, or on Ctrl-C / SIGTERM. Does not
/// print anything; use [`Report::render`] with `args.json`.
pub async fn run(args: LoadArgs) -> Result<Report, LoadError> {
    let accounts = accounts(&args.first_account, args.panels)?;
    let key = args.key_hex.as_deref().map(dc09::Key::hex).transpose()?;
    let addr = resolve(&args.target).await?;
    let (log, log_tx) = match &args.acked_log {
        Some(path) => {
            let (log, tx) = AckedLog::open(path)?;
            (Some(log), Some(tx))
        }
        None => (None, None),
    };
    let info = RunInfo {
        target: args.target.clone(),
        transport: args.transport,
        format: args.format,
        encrypted: key.is_some(),
        panels: args.panels,
        rate_cap: args.rate.filter(|r| *r > 0.0),
    };
    let cfg = Arc::new(PanelConfig {
        addr,
        transport: args.transport,
        format: args.format,
        key,
        ack_timeout: args.ack_timeout(),
        interval: args.panel_interval(),
        frames: args.frames_per_panel,
        acked_log: log_tx,
        progress: Arc::new(Progress::default()),
    });

    let (interrupt_tx, mut interrupt_rx) = watch::channel(false);
    let signals = tokio::spawn(interrupt_on_signal(interrupt_tx));
    let gate = Arc::new(Gate::new());
    let mut rng = rand::thread_rng();
    let panels: Vec<_> = accounts
        .into_iter()
        .map(|account| {
            let phase = cfg.interval.map_or(Duration::ZERO, |i| i.mul_f64(rng.gen::<f64>()));
            let (cfg, gate) = (Arc::clone(&cfg), Arc::clone(&gate));
            tokio::spawn(async move { run_panel(&cfg, account, &gate, phase).await })
        })
        .collect();
    let connecting = Instant::now();
    gate.wait_ready(args.panels, MAX_CONNECT_PHASE, &mut interrupt_rx).await;
    let start = Instant::now();
    let connect_phase = start - connecting;
    gate.open(Stop::new(args.run_duration().map(|d| start + d), interrupt_rx));
    let progress = tokio::spawn(print_progress(Arc::clone(&cfg.progress), start));
    let mut total = PanelStats::default();
    let mut failed = None;
    for panel in panels {
        match panel.await {
            Ok(stats) => total.merge(stats),
            Err(e) => failed = Some(e.to_string()),
        }
    }
    let elapsed = start.elapsed();
    signals.abort();
    progress.abort();
    drop(cfg);
    if let Some(log) = log {
        log.finish().await?;
    }
    if let Some(e) = failed {
        return Err(LoadError::Panel(e));
    }
    Ok(Report::new(info, total, connect_phase, elapsed))
}

/// The panels' accounts: `first`, `first + 1`, ... as decimal strings zero-padded to the
/// width of `first`; each must be 3-16 digits (DC-09 accounts are 3-16 hex digits).
pub fn accounts(first: &str, panels: u32) -> Result<Vec<String>, LoadError> {
    if panels == 0 {
        return Err(LoadError::Accounts("--panels must be at least 1".into()));
    }
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LoadError::Accounts(format!("--first-account {first:?} is not a decimal number")));
    }
    let start: u64 =
        first.parse().map_err(|_| LoadError::Accounts(format!("--first-account {first:?} is too large")))?;
    let width = first.len();
    let list: Vec<String> = (0..u64::from(panels)).map(|i| format!("{:0width$}", start + i)).collect();
    match list.last() {
        Some(last) if (3..=16).contains(&width) && last.len() <= 16 => Ok(list),
        _ => Err(LoadError::Accounts(format!("accounts {first}.. must have 3 to 16 digits"))),
    }
}

async fn resolve(target: &str) -> Result<std::net::SocketAddr, LoadError> {
    let err = |detail: String| LoadError::Target { target: target.to_owned(), detail };
    tokio::net::lookup_host(target)
        .await
        .map_err(|e| err(e.to_string()))?
        .next()
        .ok_or_else(|| err("no address".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ranges() {
        assert_eq!(accounts("100000", 3).unwrap(), ["100000", "100001", "100002"]);
        assert_eq!(accounts("0099", 2).unwrap(), ["0099", "0100"]);
        assert_eq!(accounts("998", 3).unwrap(), ["998", "999", "1000"]);
        assert!(accounts("12", 1).is_err());
        assert!(accounts("12AB", 1).is_err());
        assert!(accounts("100000", 0).is_err());
        assert!(accounts("9999999999999999", 2).is_err());
    }
}
