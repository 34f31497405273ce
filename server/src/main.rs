//! The `vigil` binary.
#![recursion_limit = "256"]

use anyhow::Context;
use clap::Parser;
use server::cli::{Cli, Command};

/// The exit code when a core task failed (EX_SOFTWARE): the service manager restarts vigil.
const EXIT_TASK_FAILED: i32 = 70;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    server::telemetry::init(cli.log_format);
    match cli.command.unwrap_or_default() {
        Command::Serve(args) => {
            let config = (*args).into_config().context("the secrets key")?;
            let running = server::startup::start(config).await.context("starting vigil")?;
            tracing::info!(
                http = %running.http_addr,
                https = running.certificates.is_some(),
                dc09 = %running.dc09_addr,
                metrics = ?running.metrics_addr,
                redirect = ?running.redirect_addr,
                "vigil is running"
            );
            match running.run_until_ctrl_c().await {
                Ok(()) => {}
                Err(server::startup::RunError::TaskFailed(failed)) => {
                    tracing::error!("vigil stops: {failed}");
                    std::process::exit(EXIT_TASK_FAILED);
                }
                Err(e) => return Err(e).context("running vigil"),
            }
        }
        Command::Db(args) => println!("{}", server::db_cli::run(args).await.context("vigil db")?),
        Command::Backup(args) => println!("{}", server::db_cli::run_backup(args).await.context("vigil backup")?),
        Command::Restore(args) => println!("{}", server::db_cli::run_restore(args).await.context("vigil restore")?),
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
