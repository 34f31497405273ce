//! Logging setup.

use tracing_subscriber::{fmt, EnvFilter};

/// Logs to stderr; `RUST_LOG` chooses what (default: info for Vigil, warnings otherwise).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,vigil=info,server=info,app=info,store=info"));
    let _ = fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
