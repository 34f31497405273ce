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
        self.search_audit(&AuditQuery { limit, ..AuditQuery::default() }).await
    }

    /// Entries matching every filter given, newest first; `before_id` pages back.
    pub async fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let limit = clamp_limit(q.limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let action = q.action.as_deref().map(|a| format!("{}%", escape_like(a)));
        let text = q.text.as_deref().map(|t| format!("%{}%", escape_like(&t.to_lowercase())));
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, action, subject, detail FROM audit_journal \
             WHERE ($1 IS NULL OR at >= $1) AND ($2 IS NULL OR at < $2) \
             AND ($3 IS NULL OR actor_user_id = $3) AND ($4 IS NULL OR action LIKE $4 ESCAPE '\\') \
             AND ($5 IS NULL OR LOWER(subject) LIKE $5 ESCAPE '\\' OR LOWER(detail) LIKE $5 ESCAPE '\\') \
             AND ($6 IS NULL OR id < $6) ORDER BY id DESC LIMIT $7",
        )
        .bind(q.since_ms)
        .bind(q.until_ms)
        .bind(q.actor_user_id)
        .bind(action)
        .bind(text)
        .bind(q.before_id)
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

/// Filters of [`Store::search_audit`]; `None`: any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// From this time (unix ms, inclusive).
    pub since_ms: Option<i64>,
    /// Until this time (unix ms, exclusive).
    pub until_ms: Option<i64>,
    /// Done by this user.
    pub actor_user_id: Option<i64>,
    /// Actions starting with this (`user.` finds every change to logins).
    pub action: Option<String>,
    /// Subject or detail containing this, whatever its case.
    pub text: Option<String>,
    /// Older than this entry.
    pub before_id: Option<i64>,
    /// At most this many (clamped to `0..=MAX_LIST_LIMIT`).
    pub limit: i64,
}

/// `text` with LIKE's wildcards and the escape character taken literally (escape `\`).
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
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
