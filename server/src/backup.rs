//! `vigil backup` and `vigil restore` for the embedded SQLite database.
//!
//! A backup is taken while Vigil runs: `VACUUM INTO` copies one consistent snapshot (every
//! signal committed, and so acknowledged, before it began is in it), into a temporary file
//! that is checked and only then renamed to the name asked for; a half-written backup never
//! carries that name. A restore checks the file the same way, refuses one from a newer
//! Vigil, keeps the database it replaces beside it, and moves the copy into place in one
//! rename. PostgreSQL is backed up with its own tools (see `docs/operations.md`).

use std::path::{Path, PathBuf};

use store::{Backend, FileCheck, Store, StoreError};

/// Why a backup or restore did not happen (nothing was changed).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Only SQLite is backed up by Vigil itself.
    #[error("vigil backs up its SQLite database only; for PostgreSQL use pg_dump -Fc (or base backups) and pg_restore, as docs/operations.md shows")]
    Postgres,
    /// The database URL names no file.
    #[error("{0:?} is not a sqlite:// file URL")]
    NotAFile(String),
    /// There is no database at that path.
    #[error("there is no database at {0}")]
    Missing(PathBuf),
    /// The target exists.
    #[error("{0} exists already: choose a new name, or for a restore stop vigil and pass --force (the current database is kept beside it)")]
    Exists(PathBuf),
    /// The file failed its checks.
    #[error("{path} is damaged (integrity check failed); it was not used")]
    Damaged {
        /// The file.
        path: PathBuf,
    },
    /// The backup comes from a newer Vigil.
    #[error("{path} is at schema version {found}, newer than this Vigil knows (up to {known}); restore it with that version")]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// This build's.
        known: i64,
    },
    /// The store failed.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// A file could not be written, renamed or removed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What was backed up or restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// What it holds.
    pub check: FileCheck,
    /// Where the database a restore replaced was kept.
    pub replaced: Option<PathBuf>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} bytes, schema version {}, {} signals (last id {})",
            self.path.display(),
            self.bytes,
            self.check.schema_version,
            self.check.signals,
            self.check.last_signal_id
        )?;
        if let Some(old) = &self.replaced {
            write!(f, "; the database it replaced is kept as {}", old.display())?;
        }
        Ok(())
    }
}

/// The file of a `sqlite://` URL (query string left out).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://")?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

fn file_of(database: &str) -> Result<PathBuf, BackupError> {
    if Backend::from_url(database)? == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    sqlite_path(database).ok_or_else(|| BackupError::NotAFile(database.to_owned()))
}

/// Copies the database at `database` (running or not) into `to`, which must not exist.
pub async fn backup(database: &str, to: &Path) -> Result<Report, BackupError> {
    let source = file_of(database)?;
    if !source.exists() {
        return Err(BackupError::Missing(source));
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let partial = with_suffix(to, "partial");
    remove_if_there(&partial)?;
    let store = Store::open(database).await?;
    let copied = store.vacuum_into(&partial).await;
    store.close().await;
    copied?;
    let check = checked_or_removed(&partial).await?;
    rename(&partial, to)?;
    Ok(Report { path: to.to_owned(), bytes: size(to)?, check, replaced: None })
}

/// Puts the backup `from` in place of the database at `database`. Vigil must be stopped; an
/// existing database is replaced only with `force`, and kept as `<file>.replaced-<time>`.
pub async fn restore(from: &Path, database: &str, force: bool) -> Result<Report, BackupError> {
    let target = file_of(database)?;
    if !from.exists() {
        return Err(BackupError::Missing(from.to_owned()));
    }
    if target.exists() && !force {
        return Err(BackupError::Exists(target));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| BackupError::Io { path: dir.to_owned(), source })?;
    }
    let incoming = with_suffix(&target, "restoring");
    remove_if_there(&incoming)?;
    std::fs::copy(from, &incoming).map_err(|source| BackupError::Io { path: incoming.clone(), source })?;
    let check = checked_or_removed(&incoming).await?;
    let replaced = if target.exists() {
        let kept = with_suffix(&target, &format!("replaced-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        rename(&target, &kept)?;
        for side in ["wal", "shm"] {
            let file = with_suffix(&target, side);
            if file.exists() {
                rename(&file, &with_suffix(&kept, side))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    rename(&incoming, &target)?;
    Ok(Report { path: target.clone(), bytes: size(&target)?, check, replaced })
}

/// [`checked`], removing the file when it fails (it is a copy of ours).
async fn checked_or_removed(path: &Path) -> Result<FileCheck, BackupError> {
    checked(path).await.inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// The file's checks: intact, and not from a newer Vigil.
async fn checked(path: &Path) -> Result<FileCheck, BackupError> {
    let check = store::check_sqlite_file(path).await?;
    if !check.intact {
        return Err(BackupError::Damaged { path: path.to_owned() });
    }
    let known = Backend::Sqlite.latest_version();
    if check.schema_version > known {
        return Err(BackupError::Newer { path: path.to_owned(), found: check.schema_version, known });
    }
    Ok(check)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!("-{suffix}"));
    PathBuf::from(name)
}

fn remove_if_there(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(BackupError::Io { path: path.to_owned(), source: e }),
        _ => Ok(()),
    }
}

fn rename(from: &Path, to: &Path) -> Result<(), BackupError> {
    std::fs::rename(from, to).map_err(|source| BackupError::Io { path: to.to_owned(), source })
}

fn size(path: &Path) -> Result<u64, BackupError> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|source| BackupError::Io { path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_path("sqlite://data/vigil.db?mode=rwc"), Some(PathBuf::from("data/vigil.db")));
        assert_eq!(sqlite_path("sqlite:///var/lib/vigil/vigil.db"), Some(PathBuf::from("/var/lib/vigil/vigil.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[tokio::test]
    async fn postgres_is_sent_to_its_own_tools() {
        let e = backup("postgres://127.0.0.1/vigil", Path::new("/tmp/x.db")).await.unwrap_err();
        assert!(matches!(e, BackupError::Postgres), "{e}");
    }
}
