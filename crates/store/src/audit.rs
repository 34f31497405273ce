//! The append-only audit journal.

use sqlx::{Any, Executor, Row};

use crate::{clamp_limit, AuditRecord, NewAudit, Store, StoreError};

impl Store {
    /// Appends an entry and returns its id. Entries are never updated or deleted.
    pub async fn append_audit(&self, e: &NewAudit) -> Result<i64, StoreError> {
        insert_audit(&self.pool, e).await
    }

    /// The latest `limit` entries, newest first.
    pub async fn list_audit(&self, limit: i64) -> Result<Vec<AuditRecord>, StoreError> {
        let limit = clamp_limit(limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, action, subject, detail \
             FROM audit_journal ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id")?,
                    at_ms: row.try_get("at")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}

/// Appends one audit entry through `executor` (a pool or a transaction); returns its id.
pub(crate) async fn insert_audit<'e, E>(executor: E, e: &NewAudit) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let id = sqlx::query_scalar(
        "INSERT INTO audit_journal (at, actor_user_id, action, subject, detail) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(e.at_ms)
    .bind(e.actor_user_id)
    .bind(e.action.as_str())
    .bind(e.subject.as_deref())
    .bind(e.detail.as_deref())
    .fetch_one(executor)
    .await?;
    Ok(id)
}
