//! Command-line interface.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

use crate::startup::{Config, DemoConfig};

/// Vigil, an alarm receiving centre.
#[derive(Debug, Parser)]
#[command(name = "vigil", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server, the DC-09 receiver and live push.
    Serve(ServeArgs),
    /// Manage panel accounts: keys and supervised paths.
    Account(crate::account_cli::AccountArgs),
    /// Play many simulated panels against a DC-09 receiver and print throughput and ACK latency.
    Loadgen(loadgen::LoadArgs),
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(ServeArgs::parse_from(["serve"]))
    }
}

/// Options of `vigil serve`.
#[derive(Debug, Clone, Parser)]
pub struct ServeArgs {
    /// Address of the web server (pages, REST API, live push).
    #[arg(long, env = "VIGIL_HTTP", default_value = "127.0.0.1:3000")]
    pub http: SocketAddr,
    /// Address of the SIA DC-09 receiver (TCP and UDP on the same port).
    #[arg(long, env = "VIGIL_DC09", default_value = "127.0.0.1:7777")]
    pub dc09: SocketAddr,
    /// Database URL: `sqlite://FILE` (embedded, created if missing) or `postgres://...`.
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db")]
    pub database: String,
    /// Seed a demo city (sites, zones, contacts, crews, demo users) and run simulated panels
    /// that send real DC-09 frames to the receiver.
    #[arg(long, env = "VIGIL_DEMO")]
    pub demo: bool,
    /// Number of demo sites (with --demo).
    #[arg(long, default_value_t = 200)]
    pub demo_sites: usize,
    /// Mean seconds between two signals of one simulated panel (with --demo).
    #[arg(long, default_value_t = 180.0)]
    pub demo_mean_interval: f64,
    /// Folder with the built front end (wasm, JS, CSS, assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl ServeArgs {
    /// The runtime configuration these options describe.
    pub fn into_config(self) -> Config {
        Config {
            http: self.http,
            dc09: self.dc09,
            database: self.database,
            site_root: self.site_root,
            demo: self.demo.then_some(DemoConfig { sites: self.demo_sites, mean_interval_s: self.demo_mean_interval }),
        }
    }
}
