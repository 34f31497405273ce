//! Command-line options of the load generator (`vigil loadgen`, `examples/loadgen.rs`).

use std::time::Duration;

use clap::{Args, ValueEnum};

/// How the simulated panels reach the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// One persistent TCP connection per panel, reconnected when it breaks.
    Tcp,
    /// One UDP socket per panel; one datagram per frame and per reply.
    Udp,
}

impl Transport {
    /// `tcp` or `udp`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

/// Which event data the panels send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    /// `"SIA-DCS"` frames with one event each: `#ACCT|Nri1/BA<zone counter>`.
    Sia,
    /// `"ADM-CID"` frames with one Contact ID event each: `#ACCT|1130 GG ZZZ`.
    Cid,
}

impl EventFormat {
    /// `sia` or `cid`.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventFormat::Sia => "sia",
            EventFormat::Cid => "cid",
        }
    }
}

/// Options of a load run: which receiver, how many panels, how much load, for how long.
///
/// Without `--duration` or `--frames-per-panel` a run lasts 10 seconds.
#[derive(Args, Debug, Clone)]
pub struct LoadArgs {
    /// Address of the DC-09 receiver, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub target: String,
    /// Number of simulated panels, each with its own account and connection.
    #[arg(long, default_value_t = 100)]
    pub panels: u32,
    /// Transport of every panel.
    #[arg(long, value_enum, default_value_t = Transport::Tcp)]
    pub transport: Transport,
    /// AES key as 32, 48 or 64 hex digits: the panels send encrypted frames (with timestamp).
    #[arg(long, value_name = "HEX")]
    pub key_hex: Option<String>,
    /// First account number; the panels use first..first+panels-1 as decimal strings (same
    /// width as this one, zero padded).
    #[arg(long, default_value = "100000")]
    pub first_account: String,
    /// Run for this many seconds, then stop sending new frames (frames in flight get one
    /// last reply timeout to be acknowledged).
    #[arg(long, value_name = "SECS", conflicts_with = "frames_per_panel")]
    pub duration: Option<f64>,
    /// Each panel sends exactly this many frames (each retransmitted until acknowledged).
    #[arg(long, value_name = "N")]
    pub frames_per_panel: Option<u64>,
    /// Cap on the total signals per second, paced evenly per panel (panels / rate seconds
    /// between two frames of one panel). Without it every panel sends its next frame as soon
    /// as the previous one is answered.
    #[arg(long, value_name = "SIGNALS_PER_S")]
    pub rate: Option<f64>,
    /// How long a panel waits for the receiver's reply before it sends the same bytes again.
    #[arg(long, default_value_t = 2000)]
    pub ack_timeout_ms: u64,
    /// Append one line per acknowledged frame, `account<TAB>seq<TAB>frame text without
    /// LF/CR`, flushed continuously (for the crash test).
    #[arg(long, value_name = "FILE")]
    pub acked_log: Option<std::path::PathBuf>,
    /// Event data of the frames.
    #[arg(long, value_enum, default_value_t = EventFormat::Sia)]
    pub format: EventFormat,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl LoadArgs {
    /// Default run length when neither `--duration` nor `--frames-per-panel` is given.
    pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);

    /// How long the run sends new frames, if it is bounded by time.
    pub fn run_duration(&self) -> Option<Duration> {
        match (self.duration, self.frames_per_panel) {
            (Some(secs), _) => Some(Duration::from_secs_f64(secs.max(0.0))),
            (None, Some(_)) => None,
            (None, None) => Some(Self::DEFAULT_DURATION),
        }
    }

    /// The reply timeout as a [`Duration`] (at least 1 ms).
    pub fn ack_timeout(&self) -> Duration {
        Duration::from_millis(self.ack_timeout_ms.max(1))
    }

    /// Time between two frames of one panel under `--rate`, if any.
    pub fn panel_interval(&self) -> Option<Duration> {
        let rate = self.rate.filter(|r| *r > 0.0)?;
        Some(Duration::from_secs_f64(f64::from(self.panels.max(1)) / rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: LoadArgs,
    }

    fn parse(line: &[&str]) -> Result<LoadArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("loadgen").chain(line.iter().copied())).map(|c| c.args)
    }

    #[test]
    fn defaults() {
        let a = parse(&["--target", "127.0.0.1:7777"]).unwrap();
        assert_eq!((a.panels, a.transport, a.first_account.as_str()), (100, Transport::Tcp, "100000"));
        assert_eq!(a.run_duration(), Some(LoadArgs::DEFAULT_DURATION));
        assert_eq!(a.ack_timeout(), Duration::from_secs(2));
        assert_eq!(a.panel_interval(), None);
        assert!(!a.json && a.key_hex.is_none() && a.acked_log.is_none());
    }

    #[test]
    fn rate_and_frames() {
        let a = parse(&[
            "--target",
            "h:1",
            "--panels",
            "200",
            "--rate",
            "2000",
            "--frames-per-panel",
            "5",
            "--transport",
            "udp",
            "--format",
            "cid",
            "--json",
        ])
        .unwrap();
        assert_eq!(a.panel_interval(), Some(Duration::from_millis(100)));
        assert_eq!((a.run_duration(), a.frames_per_panel), (None, Some(5)));
        assert_eq!((a.transport, a.format, a.json), (Transport::Udp, EventFormat::Cid, true));
    }

    #[test]
    fn duration_and_frames_conflict() {
        assert!(parse(&["--target", "h:1", "--duration", "3", "--frames-per-panel", "5"]).is_err());
        assert!(parse(&["--panels", "3"]).is_err());
    }
}
