//! The engine's documents (site settings and run-time site state), its signal cursor,
//! and its one write: [`Store::apply_engine_batch`].

use sqlx::{Any, Executor};

use crate::audit::insert_audit;
use crate::cluster::{fence, write_engine_extras};
use crate::crews::write_crew;
use crate::incidents::{attach_signals, insert_journal, upsert_incidents};
use crate::outbox::insert_outbox;
use crate::write_gate::Priority;
use crate::{now_ms, EngineBatch, Store, StoreError};

impl Store {
    /// Every site's engine settings document (JSON), by site id.
    pub async fn site_settings_all(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query_as("SELECT site_id, settings FROM site_settings ORDER BY site_id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows)
    }

    /// One site's engine settings document, if it has one.
    pub async fn site_settings(&self, site_id: i64) -> Result<Option<String>, StoreError> {
        let json = sqlx::query_scalar("SELECT settings FROM site_settings WHERE site_id = $1")
            .bind(site_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(json)
    }

    /// Stores (inserts or replaces) a site's engine settings document. Unknown site:
    /// [`StoreError::MissingReference`].
    pub async fn put_site_settings(&self, site_id: i64, json: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO site_settings (site_id, settings, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (site_id) DO UPDATE SET settings = excluded.settings, \
             updated_at = excluded.updated_at",
        )
        .bind(site_id)
        .bind(json)
        .bind(at_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every site's run-time state document (JSON), by site id.
    pub async fn site_states_all(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows =
            sqlx::query_as("SELECT site_id, state FROM site_state ORDER BY site_id").fetch_all(&self.pool).await?;
        Ok(rows)
    }

    /// The cursor `name`, first set to `signal_id` if it has none; returns its value. (Set
    /// at once, so every later load, on any node, starts where the first did.)
    pub async fn init_cursor(&self, name: &str, signal_id: i64) -> Result<i64, StoreError> {
        sqlx::query("INSERT INTO cursors (name, signal_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(signal_id)
            .execute(&self.pool)
            .await?;
        let id = sqlx::query_scalar("SELECT signal_id FROM cursors WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// The last signal id the consumer `name` has handled, if it has a cursor.
    pub async fn cursor(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let id = sqlx::query_scalar("SELECT signal_id FROM cursors WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id)
    }

    /// Writes one engine step in one transaction, all or nothing, in this order:
    /// incidents (upsert by id), site states (upsert), incident signals (kept once),
    /// incident journal, outbox, audit journal, crew states, cursor. An empty batch
    /// does nothing.
    pub async fn apply_engine_batch(&self, b: &EngineBatch) -> Result<(), StoreError> {
        if b.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let mut tx = self.begin_write(Priority::Background).await?;
        upsert_incidents(&mut tx, &b.incidents).await?;
        for (site_id, state) in &b.site_states {
            upsert_site_state(&mut *tx, *site_id, state, now).await?;
        }
        attach_signals(&mut tx, &b.incident_signals).await?;
        insert_journal(&mut tx, &b.journal).await?;
        for message in &b.outbox {
            insert_outbox(&mut *tx, message).await?;
        }
        for entry in &b.audit {
            insert_audit(&mut *tx, entry).await?;
        }
        for update in &b.crews {
            write_crew(&mut *tx, update).await?;
        }
        if let Some((name, signal_id)) = &b.cursor {
            sqlx::query(
                "INSERT INTO cursors (name, signal_id) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET signal_id = excluded.signal_id",
            )
            .bind(name.as_str())
            .bind(*signal_id)
            .execute(&mut *tx)
            .await?;
        }
        write_engine_extras(&mut tx, &b.events, &b.answers, now).await?;
        if let Some(token) = b.fence {
            fence(&mut *tx, token).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn upsert_site_state<'e, E>(executor: E, site_id: i64, state: &str, at_ms: i64) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO site_state (site_id, state, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (site_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(site_id)
    .bind(state)
    .bind(at_ms)
    .execute(executor)
    .await?;
    Ok(())
}
