//! The notification outbox: messages queued with the change that caused them
//! ([`Store::apply_engine_batch`]), sent and retried by the delivery worker.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{clamp_limit, NewOutbox, OutboxRecord, Store, StoreError};

const SELECT_OUTBOX: &str = "SELECT id, created_at, channel, recipient, subject, body, site_id, \
     incident_id, status, attempts, next_attempt_at, sent_at, last_error FROM outbox";

impl Store {
    /// At most `limit` pending messages due at `now_ms` (`next_attempt_at <= now_ms`),
    /// oldest (lowest id) first.
    pub async fn due_outbox(&self, now_ms: i64, limit: i64) -> Result<Vec<OutboxRecord>, StoreError> {
        let limit = clamp_limit(limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!("{SELECT_OUTBOX} WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(&sql).bind(now_ms).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(outbox_from_row).collect()
    }

    /// Messages waiting to be sent, per channel.
    pub async fn outbox_backlog(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT channel, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY channel")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// Claims due message `id` before it is sent: moves its next attempt to `until_ms`, so
    /// no other sender takes it meanwhile; with `fence`, only while that is still the engine
    /// lease's token. `false` when it is no longer due as `due_at_ms` said (someone took it).
    /// A sender that dies after the claim leaves the message to be retried at `until_ms`.
    pub async fn claim_outbox(
        &self,
        id: i64,
        due_at_ms: i64,
        until_ms: i64,
        fence: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
        )
        .bind(until_ms)
        .bind(id)
        .bind(due_at_ms)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(token) = fence {
            crate::cluster::fence(&mut *tx, token).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Records one delivery attempt of message `id` in one transaction: the attempt is
    /// logged and counted; `Ok` marks the message sent; an error with `retry_at_ms` keeps
    /// it pending until then; an error without marks it failed. Unknown id:
    /// [`StoreError::NotFound`].
    pub async fn record_outbox_attempt(
        &self,
        id: i64,
        at_ms: i64,
        result: Result<(), String>,
        retry_at_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = match (&result, retry_at_ms) {
            (Ok(()), _) => {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, status = 'sent', sent_at = $1 \
                     WHERE id = $2",
                )
                .bind(at_ms)
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
            (Err(error), Some(retry_at)) => {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, status = 'pending', \
                     next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(retry_at)
                .bind(error.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
            (Err(error), None) => {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, status = 'failed', last_error = $1 \
                     WHERE id = $2",
                )
                .bind(error.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("outbox message {id}")));
        }
        sqlx::query("INSERT INTO outbox_attempts (outbox_id, at, ok, error) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(at_ms)
            .bind(i64::from(result.is_ok()))
            .bind(result.as_ref().err().map(String::as_str))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest `limit` messages, newest first, optionally only those of one incident.
    pub async fn list_outbox(&self, incident_id: Option<i64>, limit: i64) -> Result<Vec<OutboxRecord>, StoreError> {
        let limit = clamp_limit(limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = match incident_id {
            Some(incident_id) => {
                let sql = format!("{SELECT_OUTBOX} WHERE incident_id = $1 ORDER BY id DESC LIMIT $2");
                sqlx::query(&sql).bind(incident_id).bind(limit).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("{SELECT_OUTBOX} ORDER BY id DESC LIMIT $1");
                sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(outbox_from_row).collect()
    }

    /// The delivery attempts of a message, oldest first: time, success, error.
    pub async fn outbox_attempts(&self, outbox_id: i64) -> Result<Vec<(i64, bool, Option<String>)>, StoreError> {
        let rows: Vec<(i64, i64, Option<String>)> =
            sqlx::query_as("SELECT at, ok, error FROM outbox_attempts WHERE outbox_id = $1 ORDER BY id")
                .bind(outbox_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(at, ok, error)| (at, ok != 0, error)).collect())
    }
}

/// Queues one message, due at its creation time; returns its id.
pub(crate) async fn insert_outbox<'e, E>(executor: E, m: &NewOutbox) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let id = sqlx::query_scalar(
        "INSERT INTO outbox (created_at, channel, recipient, subject, body, site_id, incident_id, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $1) RETURNING id",
    )
    .bind(m.created_at_ms)
    .bind(m.channel.as_str())
    .bind(m.recipient.as_str())
    .bind(m.subject.as_str())
    .bind(m.body.as_str())
    .bind(m.site_id)
    .bind(m.incident_id)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

fn outbox_from_row(row: &AnyRow) -> Result<OutboxRecord, StoreError> {
    Ok(OutboxRecord {
        id: row.try_get("id")?,
        created_at_ms: row.try_get("created_at")?,
        channel: row.try_get("channel")?,
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        site_id: row.try_get("site_id")?,
        incident_id: row.try_get("incident_id")?,
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at_ms: row.try_get("next_attempt_at")?,
        sent_at_ms: row.try_get("sent_at")?,
        last_error: row.try_get("last_error")?,
    })
}
