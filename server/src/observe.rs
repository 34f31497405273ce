//! Prometheus metrics on their own listening address (`--metrics`), apart from the public
//! web server: counters and histograms are recorded where things happen (the receiver, the
//! recorder, the outbox, supervision, sign-in); gauges that describe a state (engine lag,
//! open incidents, outbox backlog) are read when Prometheus scrapes.
//!
//! The `metrics` facade with its Prometheus exporter (rendering only: no listener or push
//! gateway of its own); the page is served by a small axum router here.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use app::ssr::engine::EngineHandle;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::health::Health;
use crate::receiver::ingest::Ingest;

/// Buckets of the ACK latency histogram, seconds.
const ACK_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
/// The notification channels, as the outbox stores them.
const CHANNELS: [&str; 3] = ["email", "sms", "push"];
/// Buckets of the recorder's batch sizes (it takes at most 256 frames at once).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder once; later calls return the same handle.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = builder
                .set_buckets_for_metric(Matcher::Full("vigil_dc09_ack_seconds".into()), ACK_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full("vigil_recorder_batch_size".into()), BATCH_BUCKETS)
                })
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics shows only the scraped gauges");
            }
            describe();
            zero();
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(
        "vigil_dc09_frames_total",
        "DC-09 frames answered, by transport and reply (ack, nak, duh, none)."
    );
    describe_histogram!(
        "vigil_dc09_ack_seconds",
        Unit::Seconds,
        "From a frame read to its ACK ready to send (stored and committed), by transport."
    );
    describe_counter!("vigil_dc09_refused_total", "What the receiver refused or dropped since start, by kind.");
    describe_gauge!("vigil_dc09_connections_open", "DC-09 TCP connections open.");
    describe_histogram!("vigil_recorder_batch_size", "Frames committed in one recorder transaction.");
    describe_gauge!("vigil_engine_lag_signals", "Signals stored that the alarm engine has not handled yet.");
    describe_gauge!("vigil_engine_lag_seconds", Unit::Seconds, "Age of the oldest signal the engine has not handled.");
    describe_gauge!(
        "vigil_incidents_open",
        "Open incidents, by priority (0 is the most urgent: duress; 1 panic and fire)."
    );
    describe_gauge!("vigil_outbox_backlog", "Notifications waiting to be sent, by channel.");
    describe_counter!("vigil_outbox_sent_total", "Notifications sent, by channel.");
    describe_counter!(
        "vigil_live_feed_dropped_total",
        "Stored signals not pushed to the browsers because the live feed was too far behind."
    );
    describe_counter!("vigil_outbox_failures_total", "Failed notification attempts, by channel.");
    describe_counter!(
        "vigil_link_failures_total",
        "Supervised paths and sites that went silent (link failures raised)."
    );
    describe_gauge!("vigil_live_streams_open", "Live streams (dashboards, the customer app) open.");
    describe_counter!("vigil_sign_in_failures_total", "Refused sign-ins, by reason (wrong, waiting).");
    describe_gauge!("vigil_ready", "1 when /readyz would answer 200.");
    describe_gauge!(
        "vigil_engine_leader",
        "1 while this node holds the engine lease (runs the engine, supervision, the outbox)."
    );
}

/// Every counter's series (and the two counting gauges) exists from the start at 0, so `rate()` and `increase()` see the
/// first event and an alert rule is not silently empty before it (Prometheus' advice).
fn zero() {
    for transport in ["tcp", "udp"] {
        for reply in ["ack", "nak", "duh", "none"] {
            counter!("vigil_dc09_frames_total", "transport" => transport, "reply" => reply).increment(0);
        }
    }
    for channel in CHANNELS {
        counter!("vigil_outbox_sent_total", "channel" => channel).increment(0);
        counter!("vigil_outbox_failures_total", "channel" => channel).increment(0);
    }
    counter!("vigil_link_failures_total").increment(0);
    for reason in ["wrong", "waiting"] {
        counter!("vigil_sign_in_failures_total", "reason" => reason).increment(0);
    }
    gauge!("vigil_dc09_connections_open").increment(0.0);
    gauge!("vigil_live_streams_open").increment(0.0);
    gauge!("vigil_engine_leader").increment(0.0);
}

/// What the scrape reads.
#[derive(Clone)]
pub struct Scrape {
    /// The process-wide exporter.
    pub handle: PrometheusHandle,
    /// Outbox backlog, engine lag.
    pub store: Store,
    /// Open incidents.
    pub engine: EngineHandle,
    /// Readiness and the engine's cursor.
    pub health: Health,
    /// The receiver's refusal counters.
    pub ingest: Ingest,
}

/// Serves `/metrics` until shutdown.
pub async fn serve(listener: TcpListener, scrape: Scrape, shutdown: watch::Receiver<bool>) {
    let app = Router::new().route("/metrics", get(metrics_page)).with_state(scrape);
    crate::web::serve::side(listener, app, shutdown).await;
}

async fn metrics_page(State(scrape): State<Scrape>) -> impl IntoResponse {
    collect(&scrape).await;
    scrape.handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], scrape.handle.render())
}

/// Sets the gauges that describe the current state.
async fn collect(scrape: &Scrape) {
    let readiness = scrape.health.readiness(&scrape.store).await;
    gauge!("vigil_ready").set(f64::from(u8::from(readiness.ready)));
    gauge!("vigil_engine_lag_seconds").set(readiness.engine_lag_ms as f64 / 1000.0);
    if let Ok(max) = scrape.store.max_signal_id().await {
        gauge!("vigil_engine_lag_signals").set((max - scrape.health.engine_cursor()).max(0) as f64);
    }
    let by_priority = scrape
        .engine
        .read(|engine, _| {
            let mut counts = BTreeMap::<u8, u64>::new();
            for incident in engine.open_incidents() {
                *counts.entry(incident.priority).or_default() += 1;
            }
            counts
        })
        .await;
    if let Ok(counts) = by_priority {
        // Every priority is written each time, so one that empties reads 0, not its last count.
        for priority in 0..=9u8 {
            let n = counts.get(&priority).copied().unwrap_or(0);
            gauge!("vigil_incidents_open", "priority" => priority.to_string()).set(n as f64);
        }
    }
    if let Ok(backlog) = scrape.store.outbox_backlog().await {
        for channel in CHANNELS {
            let n = backlog.iter().find(|(c, _)| c == channel).map_or(0, |(_, n)| *n);
            gauge!("vigil_outbox_backlog", "channel" => channel).set(n as f64);
        }
    }
    let refused = scrape.ingest.counters().values();
    for (kind, n) in [
        ("connection_cap", refused.refused_connections),
        ("slow_connection", refused.slow_connections),
        ("udp_dropped", refused.udp_dropped),
        ("plain_refused", refused.plain_refused),
        ("nak_withheld", refused.naks_withheld),
        ("unknown_aggregated", refused.unknown_aggregated),
    ] {
        counter!("vigil_dc09_refused_total", "kind" => kind).absolute(n);
    }
}
