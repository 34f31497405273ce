//! Runs the load generator from the command line, like `vigil loadgen`:
//!
//! ```text
//! cargo run --release -p loadgen --example loadgen -- --target 127.0.0.1:7777 --panels 200 --duration 20
//! ```

use clap::Parser;

/// Simulated DC-09 alarm panels against a receiver.
#[derive(Parser, Debug)]
#[command(name = "loadgen", about)]
struct Cli {
    #[command(flatten)]
    load: loadgen::LoadArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let json = cli.load.json;
    match loadgen::run(cli.load).await {
        Ok(report) => {
            print!("{}", report.render(json));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
