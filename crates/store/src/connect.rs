//! URL parsing, pool setup, SQLite pragmas and migrations.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolOptions;
use sqlx::{AnyConnection, Connection, Executor};

use crate::hosts::{opened_after_switch, Hosts};
use crate::{Store, StoreError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Per-connection SQLite settings. `synchronous=FULL` because a signal is
/// acknowledged to the panel only after its commit is durable. The write-ahead log is
/// copied into the database by [`Store::checkpoint`], which the server runs each second
/// beside the writers; SQLite's own checkpoint, run inside whichever commit crosses the
/// threshold (often a frame's, whose ACK then waited for it), is left only as a backstop
/// at 10,000 pages (40 MB).
const SQLITE_CONNECTION_PRAGMAS: &str = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 10000;";

/// See [`SQLITE_CONNECTION_PRAGMAS`] (which spells it out).
#[cfg(test)]
const SQLITE_WAL_BACKSTOP_PAGES: i64 = 10_000;

/// Per-connection PostgreSQL settings: a session left inside a transaction (a node paused or
/// cut off in the middle of a write) is ended after 5 s, so the locks it holds (the engine
/// lease's row) never keep another node from taking over.
const POSTGRES_SESSION: &str = "SET idle_in_transaction_session_timeout = '5s'";

/// How long a caller waits for a PostgreSQL connection before its call fails (the database
/// unreachable, or every connection busy): a receiver then withholds its ACK and a page shows
/// the error, instead of both hanging for sqlx's default 30 s.
const POSTGRES_ACQUIRE: Duration = Duration::from_secs(5);

/// Connections of the native pool (the recorder's group commit, one at a time per node).
const POSTGRES_NATIVE_CONNECTIONS: u32 = 4;

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite file (`sqlite://path/to/file.db`).
    Sqlite,
    /// PostgreSQL server (`postgres://…` or `postgresql://…`).
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            _ => Err(StoreError::UnsupportedUrl(redact(url))),
        }
    }

    /// Lower-case name: `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The schema version this build migrates to.
    pub fn latest_version(self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Store {
    /// SQLite: copies what the write-ahead log holds into the database without waiting for
    /// readers or writers (`wal_checkpoint(PASSIVE)`); returns `true`. PostgreSQL checkpoints
    /// itself: `false`.
    pub async fn checkpoint(&self) -> Result<bool, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").fetch_all(&self.pool).await?;
        Ok(true)
    }

    /// Connects to `sqlite://path/to/file.db` (created if missing; WAL,
    /// `synchronous=FULL`, `foreign_keys=ON`, `busy_timeout=5000`) or
    /// `postgres://…`, without touching the schema.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        match backend {
            Backend::Postgres => open_postgres(url).await,
            Backend::Sqlite => open_sqlite(url).await,
        }
    }

    /// [`Store::open`], then applies any pending migrations; a database migrated by a newer
    /// Vigil is refused ([`StoreError::NewerSchema`]) and left as it is.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = Store::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// [`Store::open`], then refuses a schema that is not exactly this build's: newer
    /// ([`StoreError::NewerSchema`]) or with migrations pending
    /// ([`StoreError::MigrationsPending`]). For nodes that must not migrate on their own.
    pub async fn connect_current(url: &str) -> Result<Store, StoreError> {
        let store = Store::open(url).await?;
        let status = store.schema_status().await?;
        status.refuse_newer()?;
        if let Some(&first) = status.pending().first() {
            return Err(StoreError::MigrationsPending { first, count: status.pending().len() });
        }
        Ok(store)
    }

    /// Applies this build's pending migrations; refuses a newer schema first.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.schema_status().await?.refuse_newer()?;
        self.backend.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Which migrations the database holds and which this build knows.
    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let exists = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_name = '_sqlx_migrations'"
            }
        };
        let n: i64 = sqlx::query_scalar(exists).fetch_one(&self.pool).await?;
        let applied = if n == 0 {
            Vec::new()
        } else {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&self.pool)
                .await?
        };
        let known = self.backend.migrator().iter().map(|m| (m.version, m.description.to_string())).collect();
        Ok(SchemaStatus { backend: self.backend, applied, known })
    }
}

/// A database's migrations against this build's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// The backend.
    pub backend: Backend,
    /// Versions applied to the database, in order.
    pub applied: Vec<i64>,
    /// Versions this build carries, with their descriptions, in order.
    pub known: Vec<(i64, String)>,
}

impl SchemaStatus {
    /// The database's version: its highest applied migration (0: none).
    pub fn version(&self) -> i64 {
        self.applied.last().copied().unwrap_or(0)
    }

    /// The version this build migrates to.
    pub fn latest_known(&self) -> i64 {
        self.known.last().map_or(0, |(v, _)| *v)
    }

    /// Known migrations not applied yet.
    pub fn pending(&self) -> Vec<i64> {
        self.known.iter().map(|(v, _)| *v).filter(|v| !self.applied.contains(v)).collect()
    }

    /// Applied migrations this build does not know: written by a newer Vigil.
    pub fn newer(&self) -> Vec<i64> {
        self.applied.iter().copied().filter(|v| !self.known.iter().any(|(k, _)| k == v)).collect()
    }

    /// [`StoreError::NewerSchema`] when the database holds migrations this build lacks.
    pub fn refuse_newer(&self) -> Result<(), StoreError> {
        match self.newer().last() {
            Some(&database) => Err(StoreError::NewerSchema { database, known: self.latest_known() }),
            None => Ok(()),
        }
    }
}

async fn open_sqlite(url: &str) -> Result<Store, StoreError> {
    let url = sqlite_url(url);
    let mut options = AnyPoolOptions::new();
    if is_sqlite_memory(&url) {
        // Every new connection would open a distinct in-memory database, so keep exactly
        // one alive.
        options = options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
    } else {
        enable_wal(&url).await?;
    }
    let pool = options
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(SQLITE_CONNECTION_PRAGMAS).await?;
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    Ok(Store { pool, pg: None, hosts: None, backend: Backend::Sqlite, secrets: None, gate: Some(Default::default()) })
}

/// Opens both pools (the main `Any` one and the small native one) on the host of `url` that
/// takes writes, when several are given.
async fn open_postgres(url: &str) -> Result<Store, StoreError> {
    let hosts = Arc::new(Hosts::parse(url)?);
    if hosts.several() {
        let Some(i) = hosts.find_primary().await else {
            return Err(StoreError::Setup(format!("none of the database hosts in {} takes writes", redact(url))));
        };
        hosts.use_host(i, false);
    }
    let (any_options, pg_options) = hosts.options(hosts.current())?;
    let pool = postgres_pool::<sqlx::Any>(&hosts).connect_with(any_options).await?;
    let pg = postgres_pool::<sqlx::Postgres>(&hosts)
        .max_connections(POSTGRES_NATIVE_CONNECTIONS)
        .connect_with(pg_options)
        .await?;
    Ok(Store { pool, pg: Some(pg), hosts: Some(hosts), backend: Backend::Postgres, secrets: None, gate: None })
}

/// A PostgreSQL pool's settings, for either driver: the session settings on each new
/// connection, the acquire timeout, and connections opened before a move to another host
/// closed instead of used.
fn postgres_pool<DB>(hosts: &Arc<Hosts>) -> PoolOptions<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let hosts = hosts.clone();
    PoolOptions::<DB>::new()
        .acquire_timeout(POSTGRES_ACQUIRE)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(POSTGRES_SESSION).await?;
                Ok(())
            })
        })
        .before_acquire(move |_conn, meta| {
            let fresh = opened_after_switch(&hosts, meta.age);
            Box::pin(async move { Ok(fresh) })
        })
}

/// Switches the file to WAL once, on a single connection, before the pool
/// opens several (the switch needs an exclusive lock).
async fn enable_wal(url: &str) -> Result<(), StoreError> {
    let mut conn = AnyConnection::connect(url).await?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL").fetch_one(&mut conn).await?;
    conn.close().await?;
    if mode.eq_ignore_ascii_case("wal") {
        Ok(())
    } else {
        Err(StoreError::Setup(format!("SQLite refused journal_mode=WAL (got {mode:?})")))
    }
}

/// Adds `mode=rwc` (create if missing) unless the URL sets a mode itself.
fn sqlite_url(url: &str) -> String {
    let has_mode = url.split_once('?').is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("mode=")));
    if has_mode || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The URL with any password replaced, for error messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url() {
        assert_eq!(Backend::from_url("sqlite://a.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("PostgreSQL://h/db").unwrap(), Backend::Postgres);
        assert!(matches!(
            Backend::from_url("mysql://u:secret@h/db"),
            Err(StoreError::UnsupportedUrl(u)) if u == "mysql://u:***@h/db"
        ));
        assert!(Backend::from_url("vigil.db").is_err());
    }

    #[test]
    fn sqlite_url_creates_if_missing() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://a.db?cache=shared"), "sqlite://a.db?cache=shared&mode=rwc");
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
        assert_eq!(sqlite_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[tokio::test]
    async fn sqlite_pragmas_applied() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("sub.db").display());
        let store = Store::connect(&url).await.unwrap();
        let mut conn = store.pool.acquire().await.unwrap();
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *conn).await.unwrap();
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(journal, "wal");
        assert_eq!(synchronous, 2, "synchronous must be FULL");
        assert_eq!(foreign_keys, 1);
        assert_eq!(busy, 5000);
        let backstop: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(backstop, SQLITE_WAL_BACKSTOP_PAGES);
        drop(conn);
        assert!(store.checkpoint().await.unwrap(), "a checkpoint on SQLite");
    }

    #[tokio::test]
    async fn sqlite_memory_keeps_one_database() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        assert_eq!(store.count_sites().await.unwrap(), 0);
        assert_eq!(store.count_signals().await.unwrap(), 0);
    }
}
