//! `vigil db status|migrate`, `vigil backup` and `vigil restore`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use store::Store;

use crate::backup::{self, BackupError};

/// Options of `vigil db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database URL.
    #[arg(long, global = true, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db")]
    pub database: String,
    /// What to do.
    #[command(subcommand)]
    pub command: DbCommand,
}

/// `vigil db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// The database's schema version against this Vigil's; exits 1 when they differ.
    Status,
    /// Applies this Vigil's pending migrations (refuses a database from a newer Vigil).
    Migrate,
    /// Deletes now what is past its keeping time (as the daily job does), printing counts.
    Purge(crate::retention::RetentionArgs),
}

/// Options of `vigil backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Database URL (SQLite; it may be in use).
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db")]
    pub database: String,
    /// The backup file to write (must not exist).
    #[arg(long)]
    pub to: PathBuf,
}

/// Options of `vigil restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long)]
    pub from: PathBuf,
    /// Database URL to restore into (SQLite). Stop vigil first.
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db")]
    pub database: String,
    /// Replace an existing database (it is kept beside, renamed).
    #[arg(long)]
    pub force: bool,
}

/// What `vigil db` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The schema is not this Vigil's (status only).
    #[error("{0}")]
    Differs(String),
}

/// Runs `vigil db`; returns what to print.
pub async fn run(args: DbArgs) -> Result<String, DbError> {
    let reads_only = !matches!(args.command, DbCommand::Migrate);
    if let Some(path) = backup::sqlite_path(&args.database).filter(|p| reads_only && !p.exists()) {
        return Err(DbError::Differs(format!("there is no database at {}", path.display())));
    }
    let store = Store::open(&args.database).await?;
    let out = match args.command {
        DbCommand::Status => {
            let status = store.schema_status().await?;
            let text = format!(
                "{} database at schema version {}; this vigil knows up to {}",
                status.backend,
                status.version(),
                status.latest_known()
            );
            if !status.newer().is_empty() {
                Err(DbError::Differs(format!("{text}: it was migrated by a newer vigil")))
            } else if !status.pending().is_empty() {
                Err(DbError::Differs(format!("{text}: {} migration(s) pending", status.pending().len())))
            } else {
                Ok(format!("{text}: up to date"))
            }
        }
        DbCommand::Migrate => {
            let before = store.schema_status().await?.version();
            store.migrate().await?;
            let after = store.schema_status().await?.version();
            Ok(if before == after {
                format!("already at schema version {after}")
            } else {
                format!("migrated from schema version {before} to {after}")
            })
        }
        DbCommand::Purge(retention) => {
            let (_, stop) = tokio::sync::watch::channel(false);
            let now = chrono::Utc::now().timestamp_millis();
            let p = crate::retention::purge(&store, &retention.policy(), now, &stop).await?;
            Ok(format!(
                "deleted {} signals, {} closed incidents, {} audit entries, {} notifications",
                p.signals, p.incidents, p.audit, p.outbox
            ))
        }
    };
    store.close().await;
    out
}

/// Runs `vigil backup`.
pub async fn run_backup(args: BackupArgs) -> Result<String, BackupError> {
    Ok(format!("backed up {}", backup::backup(&args.database, &args.to).await?))
}

/// Runs `vigil restore`.
pub async fn run_restore(args: RestoreArgs) -> Result<String, BackupError> {
    Ok(format!("restored {}", backup::restore(&args.from, &args.database, args.force).await?))
}
