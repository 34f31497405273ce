//! Logging setup: text for people or JSON for a log collector, and the web server's access
//! log (one line per request at info: method, path without its query, status, latency).

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use tracing::Span;
use tracing_subscriber::{fmt, EnvFilter};

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The filter when `RUST_LOG` is unset: Vigil at info, the access log at info, others warn.
const DEFAULT_FILTER: &str = "warn,vigil=info,server=info,app=info,store=info,access=info";

/// Logs to stderr; `RUST_LOG` chooses what (default: [`DEFAULT_FILTER`]).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
    };
}

/// The access log's span: method, path (never the query: tokens travel there) and the
/// client's socket address.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.to_string()).unwrap_or_default();
    tracing::info_span!(target: "access", "request", method = %request.method(), path = %request.uri().path(), %peer)
}

/// One access log line per answered request.
pub fn log_response<B>(response: &axum::http::Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(target: "access", status = response.status().as_u16(), ms = latency.as_millis() as u64, "answered");
}
