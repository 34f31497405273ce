//! The result of a run: counts, throughput and latency, as a table or as JSON.

use std::fmt;
use std::time::Duration;

use crate::args::{EventFormat, Transport};
use crate::stats::{Latency, PanelStats};

/// What a load run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The receiver address as given.
    pub target: String,
    /// Transport used by the panels.
    pub transport: Transport,
    /// Event data sent.
    pub format: EventFormat,
    /// Whether frames were AES-encrypted.
    pub encrypted: bool,
    /// Number of panels.
    pub panels: u32,
    /// The `--rate` cap, if any (signals per second).
    pub rate_cap: Option<f64>,
    /// Distinct frames sent.
    pub sent: u64,
    /// Frames acknowledged.
    pub acked: u64,
    /// NAKs received.
    pub naks: u64,
    /// DUHs received.
    pub duhs: u64,
    /// Reply waits that timed out.
    pub timeouts: u64,
    /// Retransmissions (timeouts, broken connections, NAKs).
    pub resends: u64,
    /// TCP reconnections.
    pub reconnects: u64,
    /// Failed TCP connection attempts.
    pub connect_failures: u64,
    /// Frames sent but not acknowledged when the run ended (DUH, too many NAKs, or still
    /// unanswered at the end).
    pub unacked: u64,
    /// Replies that answered no frame in flight.
    pub stray_replies: u64,
    /// Time the panels took to make their first connection attempts (not part of `elapsed`).
    pub connect_phase: Duration,
    /// Wall-clock time of the run, from the start (all panels connected) to the last panel
    /// stop.
    pub elapsed: Duration,
    /// Acknowledged frames per second of `elapsed`.
    pub signals_per_s: f64,
    /// Delivery latency (first transmission to ACK) of the acknowledged frames.
    pub latency: Latency,
}

/// The run's settings that the report repeats.
#[derive(Debug, Clone)]
pub(crate) struct RunInfo {
    pub target: String,
    pub transport: Transport,
    pub format: EventFormat,
    pub encrypted: bool,
    pub panels: u32,
    pub rate_cap: Option<f64>,
}

impl Report {
    /// Builds the report from the panels' summed counts and the run time.
    pub(crate) fn new(info: RunInfo, mut total: PanelStats, connect_phase: Duration, elapsed: Duration) -> Report {
        let secs = elapsed.as_secs_f64();
        Report {
            target: info.target,
            transport: info.transport,
            format: info.format,
            encrypted: info.encrypted,
            panels: info.panels,
            rate_cap: info.rate_cap,
            sent: total.sent,
            acked: total.acked,
            naks: total.naks,
            duhs: total.duhs,
            timeouts: total.timeouts,
            resends: total.resends,
            reconnects: total.reconnects,
            connect_failures: total.connect_failures,
            unacked: total.sent.saturating_sub(total.acked),
            stray_replies: total.stray_replies,
            connect_phase,
            elapsed,
            signals_per_s: if secs > 0.0 { total.acked as f64 / secs } else { 0.0 },
            latency: Latency::from_micros(&mut total.latencies_us),
        }
    }

    /// The report as one JSON object (flat; times in seconds and milliseconds).
    pub fn to_json(&self) -> String {
        let rate = self.rate_cap.map_or("null".to_owned(), num);
        let l = &self.latency;
        format!(
            concat!(
                "{{\"target\":{},\"transport\":\"{}\",\"format\":\"{}\",\"encrypted\":{},",
                "\"panels\":{},\"rate_cap\":{},\"sent\":{},\"acked\":{},\"naks\":{},\"duhs\":{},",
                "\"timeouts\":{},\"resends\":{},\"reconnects\":{},\"connect_failures\":{},",
                "\"unacked\":{},\"stray_replies\":{},\"connect_phase_s\":{},\"elapsed_s\":{},",
                "\"signals_per_s\":{},",
                "\"latency_ms\":{{\"samples\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"p99_9\":{},\"max\":{}}}}}"
            ),
            json_string(&self.target),
            self.transport.as_str(),
            self.format.as_str(),
            self.encrypted,
            self.panels,
            rate,
            self.sent,
            self.acked,
            self.naks,
            self.duhs,
            self.timeouts,
            self.resends,
            self.reconnects,
            self.connect_failures,
            self.unacked,
            self.stray_replies,
            num(self.connect_phase.as_secs_f64()),
            num(self.elapsed.as_secs_f64()),
            num(self.signals_per_s),
            l.samples,
            num(l.p50_ms),
            num(l.p90_ms),
            num(l.p99_ms),
            num(l.p999_ms),
            num(l.max_ms),
        )
    }

    /// The report as `--json` asks: JSON (one line) or the table, ending with a newline.
    pub fn render(&self, json: bool) -> String {
        if json {
            format!("{}\n", self.to_json())
        } else {
            self.to_string()
        }
    }
}

/// A finite number with three decimals (JSON has no NaN or infinity).
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "null".to_owned()
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = self.rate_cap.map_or("max".to_owned(), |r| format!("{r} signals/s cap"));
        writeln!(
            f,
            "DC-09 load: {} panels, {} {}{}, {} -> {}",
            self.panels,
            self.transport.as_str().to_uppercase(),
            self.format.as_str().to_uppercase(),
            if self.encrypted { " AES" } else { " plain" },
            rate,
            self.target
        )?;
        let rows: [(&str, String); 13] = [
            ("connect phase", format!("{:.2} s", self.connect_phase.as_secs_f64())),
            ("elapsed", format!("{:.2} s", self.elapsed.as_secs_f64())),
            ("sent", self.sent.to_string()),
            ("acked", self.acked.to_string()),
            ("signals/s", format!("{:.1}", self.signals_per_s)),
            ("naks / duhs", format!("{} / {}", self.naks, self.duhs)),
            ("timeouts", self.timeouts.to_string()),
            ("resends", self.resends.to_string()),
            ("reconnects", format!("{} ({} failed connects)", self.reconnects, self.connect_failures)),
            ("unacked", self.unacked.to_string()),
            ("latency p50 / p90", format!("{:.2} / {:.2} ms", self.latency.p50_ms, self.latency.p90_ms)),
            ("latency p99 / p99.9", format!("{:.2} / {:.2} ms", self.latency.p99_ms, self.latency.p999_ms)),
            ("latency max", format!("{:.2} ms", self.latency.max_ms)),
        ];
        for (name, value) in rows {
            writeln!(f, "  {name:<20} {value:>24}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let info = RunInfo {
            target: "127.0.0.1:7777".into(),
            transport: Transport::Tcp,
            format: EventFormat::Sia,
            encrypted: false,
            panels: 2,
            rate_cap: None,
        };
        let total =
            PanelStats { sent: 5, acked: 4, naks: 1, latencies_us: vec![4000, 1000, 3000, 2000], ..Default::default() };
        Report::new(info, total, Duration::ZERO, Duration::from_secs(2))
    }

    #[test]
    fn figures() {
        let r = report();
        assert_eq!((r.unacked, r.signals_per_s), (1, 2.0));
        assert_eq!((r.latency.p50_ms, r.latency.p99_ms, r.latency.max_ms), (2.0, 4.0, 4.0));
    }

    #[test]
    fn table_and_json() {
        let r = report();
        let table = r.to_string();
        assert!(table.contains("2 panels, TCP SIA plain"), "{table}");
        assert!(table.contains("signals/s") && table.contains("2.0"), "{table}");
        let json = r.render(true);
        assert!(json.starts_with("{\"target\":\"127.0.0.1:7777\",\"transport\":\"tcp\""), "{json}");
        assert!(json.contains("\"rate_cap\":null") && json.contains("\"acked\":4"), "{json}");
        assert!(json.trim_end().ends_with("\"max\":4.000}}"), "{json}");
        assert_eq!(json_string("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }
}
