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
            let config = (*args).into_config().context("the secrets key")?;
            let running = server::startup::start(config).await.context("starting vigil")?;
            tracing::info!(http = %running.http_addr, dc09 = %running.dc09_addr, "vigil is running");
            running.run_until_ctrl_c().await.context("running vigil")?;
        }
        Command::Account(args) => {
            let out = server::account_cli::run(args).await.context("vigil account")?;
            print!("{out}");
            if !out.ends_with('\n') {
                println!();
            }
        }
        Command::User(args) => println!("{}", server::user_cli::run(args).await.context("vigil user")?.trim_end()),
        Command::Loadgen(args) => {
            let json = args.json;
            let report = loadgen::run(args).await.context("vigil loadgen")?;
            print!("{}", report.render(json));
        }
    }
    Ok(())
}
