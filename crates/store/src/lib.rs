//! Vigil's storage: one narrow async API ([`Store`]) over SQLite (embedded
//! default, one file) and PostgreSQL (several nodes).
//!
//! Both backends are reached through sqlx's `Any` driver, so every query is
//! written once with `$n` placeholders; only the migrations differ per
//! backend (`migrations/sqlite`, `migrations/postgres`). Times are unix
//! milliseconds and flags are 0/1, both stored as 64-bit integers.

#![warn(missing_docs)]

mod accounts;
mod audit;
mod backup;
mod centre;
mod cluster;
mod connect;
mod contacts;
mod crews;
mod customer;
mod engine_records;
mod engine_state;
mod error;
mod hosts;
mod incidents;
mod limits;
mod outbox;
mod photos;
mod push;
mod records;
mod retention;
mod rows;
mod sealed;
mod search;
mod secret;
mod signals;
mod signals_pg;
mod sites;
mod supervision;
mod users;
mod write_gate;

pub use accounts::valid_networks;
pub use audit::AuditQuery;
pub use backup::{check_sqlite_file, FileCheck};
pub use cluster::{Lease, LeaseHolder, LifeSign, ENGINE_LEASE};
pub use connect::{Backend, SchemaStatus};
pub use customer::{
    InvoiceRecord, MemberSite, PanelCommand, ServiceRequest, MEMBER_ROLES, PANEL_COMMANDS, REQUEST_KINDS,
};
pub use engine_records::{
    ContactCard, ContactRecord, CrewRecord, CrewUpdate, EngineBatch, HistoryQuery, IncidentQuery, IncidentRow,
    JournalEntry, JournalRecord, NewOutbox, OutboxRecord, PushSubscription,
};
pub use error::StoreError;
pub use hosts::DatabaseCheck;
pub use limits::{Attempt, Backoff};
pub use photos::{image_type, PhotoMeta, MAX_PHOTOS_PER_INCIDENT, MAX_PHOTO_BYTES};
pub use push::MAX_PUSH_SUBSCRIPTIONS;
pub use records::{
    AccountRecord, ArrivalOf, ArrivalRecord, AuditRecord, NewArrival, NewAudit, NewSignal, NewSite, NewUser,
    PathRecord, PathSpec, PathUpdate, SignalQuery, SignalRecord, SiteRecord, UserRecord, WriteItem, MAX_LIST_LIMIT,
    ROLES, SITE_KINDS, ZONE_KINDS,
};
pub use retention::{Purged, Retention};
pub use sealed::SecretsKey;
pub use search::{fold, SearchPage, SiteHit, MAX_SEARCH_PAGE};
pub use secret::SecretKey;
pub use signals::Written;

use sqlx::AnyPool;

/// Handle to Vigil's database. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    /// PostgreSQL only: a small native pool for what the `Any` driver cannot bind (arrays).
    pg: Option<sqlx::PgPool>,
    /// PostgreSQL only: the hosts given and which one takes writes now.
    hosts: Option<std::sync::Arc<hosts::Hosts>>,
    backend: Backend,
    secrets: Option<std::sync::Arc<SecretsKey>>,
    /// SQLite only: turns at the one writer ([`write_gate`]).
    gate: Option<std::sync::Arc<write_gate::WriteGate>>,
}

impl Store {
    /// The backend this store is connected to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every pooled connection; later calls on any clone fail.
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
    }
}

/// Current wall-clock time in unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// An optional real as two always-typed bind values: the number (0 when absent) and a
/// 0/1 presence flag, written in SQL as `CASE WHEN $flag = 1 THEN $value END`.
///
/// sqlx 0.8's `Any` driver sends a `None::<f64>` to PostgreSQL as a `float4` NULL (and
/// `Some` as `float8`), so binding `Option<f64>` directly breaks a cached statement that
/// was first prepared with the other kind ("incorrect binary data format").
pub(crate) fn opt_real(value: Option<f64>) -> (f64, i64) {
    (value.unwrap_or(0.0), i64::from(value.is_some()))
}

/// `Ok` when a statement changed a row, otherwise [`StoreError::NotFound`] naming `what`.
pub(crate) fn changed(done: &sqlx::any::AnyQueryResult, what: impl FnOnce() -> String) -> Result<(), StoreError> {
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(what()));
    }
    Ok(())
}

/// Clamps a caller-supplied row limit to `0..=MAX_LIST_LIMIT`.
pub(crate) fn clamp_limit(limit: i64) -> i64 {
    limit.clamp(0, MAX_LIST_LIMIT)
}
