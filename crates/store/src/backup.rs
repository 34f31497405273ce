//! SQLite backups: a consistent copy of a live database (`VACUUM INTO`, which reads one
//! snapshot while writers go on) and the checks a copy must pass before it is trusted.
//! PostgreSQL is backed up with its own tools (`pg_dump`, base backups).

use std::path::Path;

use sqlx::{AnyConnection, Connection};

use crate::{Backend, Store, StoreError};

/// What a database file holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// `PRAGMA integrity_check` said `ok`.
    pub intact: bool,
    /// Its highest applied migration (0: none).
    pub schema_version: i64,
    /// Signals it holds.
    pub signals: i64,
    /// The highest signal id (0: none).
    pub last_signal_id: i64,
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `path` (which must not exist), while
    /// others keep writing. [`StoreError::Invalid`] on PostgreSQL.
    pub async fn vacuum_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Invalid("VACUUM INTO is SQLite's; back up PostgreSQL with pg_dump".into()));
        }
        let target = path.to_str().ok_or_else(|| StoreError::Invalid("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }
}

/// Opens the SQLite file at `path` read-only and checks it (integrity, schema, signals).
pub async fn check_sqlite_file(path: &Path) -> Result<FileCheck, StoreError> {
    let path = path.to_str().ok_or_else(|| StoreError::Invalid("the path is not UTF-8".into()))?;
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&format!("sqlite://{path}?mode=ro")).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    let schema_version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?;
    let (signals, last_signal_id): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM signals").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(FileCheck { intact: integrity == "ok", schema_version, signals, last_signal_id })
}
