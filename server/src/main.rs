//! The `vigil` binary.

use anyhow::Context;
use clap::Parser;
use server::cli::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let cli = Cli::parse();
    match cli.command.unwrap_or_default() {
        Command::Serve(args) => {
            let running = server::startup::start(args.into_config()).await.context("starting vigil")?;
            tracing::info!(http = %running.http_addr, dc09 = %running.dc09_addr, "vigil is running");
            running.run_until_ctrl_c().await.context("running vigil")?;
        }
    }
    Ok(())
}
