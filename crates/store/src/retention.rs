//! Retention: old rows deleted in small batches, each its own short transaction, so that the
//! receiver's writes are never held up for long.
//!
//! - signals older than their limit go with their arrivals, except the signals an incident
//!   still kept refers to (they go with it);
//! - closed incidents older than theirs go with their journal, photos, signal links and
//!   notifications;
//! - the audit journal, and notifications sent or given up, after theirs.

use crate::{Store, StoreError};

/// How long each kind of row is kept, days (`None`: for ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retention {
    /// Signals and their arrivals (those of kept incidents stay).
    pub signals_days: Option<u32>,
    /// Closed incidents, counted from their closing.
    pub incidents_days: Option<u32>,
    /// The audit journal.
    pub audit_days: Option<u32>,
    /// Notifications sent or failed.
    pub outbox_days: Option<u32>,
}

/// Rows deleted by one [`Store::purge_batch`] or a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    /// Signals (their arrivals went with them).
    pub signals: u64,
    /// Closed incidents (with journal, photos, links and notifications).
    pub incidents: u64,
    /// Audit entries.
    pub audit: u64,
    /// Notifications.
    pub outbox: u64,
}

impl Purged {
    /// All rows counted.
    pub fn total(&self) -> u64 {
        self.signals + self.incidents + self.audit + self.outbox
    }

    /// Adds another count.
    pub fn add(&mut self, other: Purged) {
        self.signals += other.signals;
        self.incidents += other.incidents;
        self.audit += other.audit;
        self.outbox += other.outbox;
    }
}

const DAY_MS: i64 = 86_400_000;

fn cutoff(now_ms: i64, days: Option<u32>) -> Option<i64> {
    days.map(|d| now_ms - i64::from(d) * DAY_MS)
}

/// The ids in a comma list for `IN (...)` (numbers read from the database).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Lets this transaction delete journal entries older than `before` (the journals are
/// append-only otherwise; see migration 0011).
async fn open_gate(tx: &mut Tx, before: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO retention_gate (before_ms) VALUES ($1)").bind(before).execute(&mut **tx).await?;
    Ok(())
}

/// Removes the gate again before the commit, so no other transaction ever sees it.
async fn close_gate(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM retention_gate").execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    /// Deletes at most `batch` rows of each kind past its limit at `now_ms`; call again
    /// while it deletes anything.
    pub async fn purge_batch(&self, policy: &Retention, now_ms: i64, batch: i64) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        if let Some(before) = cutoff(now_ms, policy.incidents_days) {
            purged.incidents = self.purge_incidents(before, batch).await?;
        }
        if let Some(before) = cutoff(now_ms, policy.signals_days) {
            purged.signals = self.purge_signals(before, batch).await?;
        }
        if let Some(before) = cutoff(now_ms, policy.audit_days) {
            let sql = "DELETE FROM audit_journal WHERE id IN \
                       (SELECT id FROM audit_journal WHERE at < $1 ORDER BY id LIMIT $2)";
            let mut tx = self.pool.begin().await?;
            open_gate(&mut tx, before).await?;
            purged.audit = sqlx::query(sql).bind(before).bind(batch).execute(&mut *tx).await?.rows_affected();
            close_gate(&mut tx).await?;
            tx.commit().await?;
        }
        if let Some(before) = cutoff(now_ms, policy.outbox_days) {
            let sql = "SELECT id FROM outbox WHERE created_at < $1 AND status IN ('sent', 'failed') \
                       ORDER BY id LIMIT $2";
            let ids: Vec<i64> = sqlx::query_scalar(sql).bind(before).bind(batch).fetch_all(&self.pool).await?;
            purged.outbox = self.delete_outbox(&ids).await?;
        }
        Ok(purged)
    }

    async fn purge_signals(&self, before: i64, batch: i64) -> Result<u64, StoreError> {
        let sql = "SELECT s.id FROM signals s WHERE s.received_at < $1 \
                   AND NOT EXISTS (SELECT 1 FROM incident_signals i WHERE i.signal_id = s.id) \
                   AND s.id <= COALESCE((SELECT MIN(signal_id) FROM cursors), 0) \
                   ORDER BY s.id LIMIT $2";
        let ids: Vec<i64> = sqlx::query_scalar(sql).bind(before).bind(batch).fetch_all(&self.pool).await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let list = id_list(&ids);
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!("DELETE FROM signal_arrivals WHERE signal_id IN ({list})")).execute(&mut *tx).await?;
        let n = sqlx::query(&format!("DELETE FROM signals WHERE id IN ({list})")).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(n.rows_affected())
    }

    async fn purge_incidents(&self, before: i64, batch: i64) -> Result<u64, StoreError> {
        let sql = "SELECT id FROM incidents WHERE closed_at IS NOT NULL AND closed_at < $1 ORDER BY id LIMIT $2";
        let ids: Vec<i64> = sqlx::query_scalar(sql).bind(before).bind(batch).fetch_all(&self.pool).await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let list = id_list(&ids);
        let outbox: Vec<i64> = sqlx::query_scalar(&format!("SELECT id FROM outbox WHERE incident_id IN ({list})"))
            .fetch_all(&self.pool)
            .await?;
        let outbox = id_list(&outbox);
        let mut tx = self.pool.begin().await?;
        if !outbox.is_empty() {
            sqlx::query(&format!("DELETE FROM outbox_attempts WHERE outbox_id IN ({outbox})"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!("DELETE FROM outbox WHERE id IN ({outbox})")).execute(&mut *tx).await?;
        }
        open_gate(&mut tx, before).await?;
        for table in ["incident_journal", "incident_photos", "incident_signals"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE incident_id IN ({list})")).execute(&mut *tx).await?;
        }
        let n = sqlx::query(&format!("DELETE FROM incidents WHERE id IN ({list})")).execute(&mut *tx).await?;
        close_gate(&mut tx).await?;
        tx.commit().await?;
        Ok(n.rows_affected())
    }

    async fn delete_outbox(&self, ids: &[i64]) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let list = id_list(ids);
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!("DELETE FROM outbox_attempts WHERE outbox_id IN ({list})")).execute(&mut *tx).await?;
        let n = sqlx::query(&format!("DELETE FROM outbox WHERE id IN ({list})")).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(n.rows_affected())
    }
}
