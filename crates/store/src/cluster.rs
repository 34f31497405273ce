//! Several nodes on one database: the engine lease and its fencing token, the commands
//! other nodes send the lease holder, the dashboard events it writes for every node, and
//! the life signs other nodes received. Times that decide who leads are the database's own
//! clock, so the nodes' clocks need not agree.

use sqlx::{Any, AnyConnection, Executor, Row};

use crate::{changed, clamp_limit, Backend, Store, StoreError};

/// The lease of the alarm engine (and supervision, timers and the outbox sender).
pub const ENGINE_LEASE: &str = "engine";

/// A lease held: its fencing token and when it ends (database time, unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Grows by one each time the lease changes hands; every write of the holder checks it.
    pub token: i64,
    /// When the lease ends unless renewed (database time).
    pub expires_at_ms: i64,
}

/// Who holds a lease now, as the database sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    /// The holder's name (empty when nobody ever held it).
    pub holder: String,
    /// The current token.
    pub token: i64,
    /// Whether the lease is still valid (not expired) by the database's clock.
    pub valid: bool,
}

/// A life sign a node received for another node's supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeSign {
    /// The account's id.
    pub account_id: i64,
    /// The DC-09 line it came on.
    pub line: String,
    /// When it arrived (unix ms).
    pub at_ms: i64,
}

/// The database's clock in unix milliseconds, as SQL.
fn db_now(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
    }
}

/// The advisory lock every transaction that adds signals takes first on PostgreSQL, so
/// signal ids are given in commit order across nodes and the engine, which reads signals
/// after its cursor, never passes one that commits late.
pub(crate) const SIGNALS_LOCK: i64 = 0x5649_4749_4c53; // "VIGILS"

impl Store {
    /// Takes or renews lease `name` for `holder` for `ttl_ms` of database time. `None` when
    /// another holder has it and it has not expired. The token stays while the same holder
    /// renews, and grows by one when the lease changes hands.
    pub async fn hold_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<Option<Lease>, StoreError> {
        let now = db_now(self.backend);
        let sql = format!(
            "UPDATE leases SET token = CASE WHEN holder = $2 THEN token ELSE token + 1 END, \
             holder = $2, expires_at = {now} + $3 \
             WHERE name = $1 AND (holder = $2 OR expires_at <= {now}) \
             RETURNING token, expires_at"
        );
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            // A paused holder in the middle of a fenced write holds the row; do not queue
            // behind it for long (the session's idle-in-transaction limit ends it).
            tx.execute("SET LOCAL lock_timeout = '1000ms'").await?;
        }
        let row = sqlx::query(&sql).bind(name).bind(holder).bind(ttl_ms).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        row.map(|r| Ok(Lease { token: r.try_get(0)?, expires_at_ms: r.try_get(1)? })).transpose()
    }

    /// Gives lease `name` up if `holder` has it (at shutdown), so another node takes it at
    /// once instead of waiting for it to expire.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Who holds lease `name`.
    pub async fn lease_holder(&self, name: &str) -> Result<LeaseHolder, StoreError> {
        let sql = format!(
            "SELECT holder, token, CASE WHEN expires_at > {} THEN 1 ELSE 0 END FROM leases WHERE name = $1",
            db_now(self.backend)
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("lease {name}")))?;
        let valid: i64 = row.try_get(2)?;
        Ok(LeaseHolder { holder: row.try_get(0)?, token: row.try_get(1)?, valid: valid == 1 })
    }

    /// Queues a command for the engine's holder; returns its id.
    pub async fn queue_engine_command(&self, body: &str, now_ms: i64) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar("INSERT INTO engine_commands (created_at, body) VALUES ($1, $2) RETURNING id")
            .bind(now_ms)
            .bind(body)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// Commands not yet answered nor abandoned, queued at or after `since_ms`, oldest first.
    pub async fn open_engine_commands(&self, since_ms: i64, limit: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT id, body FROM engine_commands WHERE answered_at IS NULL AND created_at >= $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(since_ms)
        .bind(clamp_limit(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// The answer to command `id`, once the holder has stored it.
    pub async fn engine_command_answer(&self, id: i64) -> Result<Option<String>, StoreError> {
        let answer: Option<Option<String>> =
            sqlx::query_scalar("SELECT answer FROM engine_commands WHERE id = $1 AND answered_at IS NOT NULL")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(answer.flatten())
    }

    /// Answers command `id` without other changes (a refusal, a read). `false` when it was
    /// already answered or abandoned.
    pub async fn answer_engine_command(&self, id: i64, answer: &str, now_ms: i64) -> Result<bool, StoreError> {
        answer_command(&self.pool, id, answer, now_ms).await
    }

    /// The caller stops waiting for command `id`: unless it was answered meanwhile, it is
    /// marked done without an answer and will never be carried out. `true` when abandoned.
    pub async fn abandon_engine_command(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE engine_commands SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL")
            .bind(now_ms)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Dashboard events after `id`, oldest first.
    pub async fn ops_events_after(&self, id: i64, limit: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query_as("SELECT id, body FROM ops_events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(id)
            .bind(clamp_limit(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows)
    }

    /// The newest dashboard event's id (0 when there is none).
    pub async fn last_ops_event(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM ops_events").fetch_one(&self.pool).await?;
        Ok(id.unwrap_or(0))
    }

    /// Stores life signs for the engine's holder, keeping the newest per account and line.
    pub async fn put_life_signs(&self, signs: &[LifeSign]) -> Result<(), StoreError> {
        if signs.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for s in signs {
            sqlx::query(
                "INSERT INTO life_signs (account_id, line, at_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id, line) DO UPDATE SET at_ms = CASE WHEN excluded.at_ms > life_signs.at_ms \
                 THEN excluded.at_ms ELSE life_signs.at_ms END",
            )
            .bind(s.account_id)
            .bind(s.line.as_str())
            .bind(s.at_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Takes (deletes and returns) every stored life sign.
    pub async fn take_life_signs(&self) -> Result<Vec<LifeSign>, StoreError> {
        let rows =
            sqlx::query("DELETE FROM life_signs RETURNING account_id, line, at_ms").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(LifeSign { account_id: r.try_get(0)?, line: r.try_get(1)?, at_ms: r.try_get(2)? }))
            .collect()
    }

    /// Deletes answered and old commands and old dashboard events (kept `keep_ms`).
    pub async fn prune_cluster(&self, now_ms: i64, keep_ms: i64) -> Result<u64, StoreError> {
        let before = now_ms - keep_ms;
        let commands =
            sqlx::query("DELETE FROM engine_commands WHERE created_at < $1").bind(before).execute(&self.pool).await?;
        let events = sqlx::query("DELETE FROM ops_events WHERE at_ms < $1").bind(before).execute(&self.pool).await?;
        Ok(commands.rows_affected() + events.rows_affected())
    }
}

/// The fence: inside a transaction of the engine's holder, refuses the whole transaction
/// when `token` is no longer the engine lease's. Run last, just before the commit; on
/// PostgreSQL it locks the lease row until then, so a takeover waits for this commit or
/// sees its token refused.
pub(crate) async fn fence<'e, E>(executor: E, token: i64) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let done = sqlx::query("UPDATE leases SET token = token WHERE name = $1 AND token = $2")
        .bind(ENGINE_LEASE)
        .bind(token)
        .execute(executor)
        .await?;
    changed(&done, String::new).map_err(|_| StoreError::Fenced { token })
}

/// Inserts dashboard events and answers commands, inside the engine's transaction.
pub(crate) async fn write_engine_extras(
    tx: &mut AnyConnection,
    events: &[String],
    answers: &[(i64, String)],
    now_ms: i64,
) -> Result<(), StoreError> {
    for body in events {
        sqlx::query("INSERT INTO ops_events (at_ms, body) VALUES ($1, $2)")
            .bind(now_ms)
            .bind(body.as_str())
            .execute(&mut *tx)
            .await?;
    }
    for (id, answer) in answers {
        if !answer_command(&mut *tx, *id, answer, now_ms).await? {
            return Err(StoreError::NotFound(format!("engine command {id} (its caller stopped waiting)")));
        }
    }
    Ok(())
}

/// Answers command `id` unless it was already answered or withdrawn; `true` when it was.
async fn answer_command<'e, E>(executor: E, id: i64, answer: &str, now_ms: i64) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let done =
        sqlx::query("UPDATE engine_commands SET answered_at = $1, answer = $2 WHERE id = $3 AND answered_at IS NULL")
            .bind(now_ms)
            .bind(answer)
            .bind(id)
            .execute(executor)
            .await?;
    Ok(done.rows_affected() > 0)
}
