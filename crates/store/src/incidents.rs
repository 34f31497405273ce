//! Incidents, the signals attached to them and their append-only journal. The engine
//! writes them only through [`Store::apply_engine_batch`]; this module reads them.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{clamp_limit, HistoryQuery, IncidentQuery, IncidentRow, JournalEntry, JournalRecord, Store, StoreError};

const SELECT_INCIDENTS: &str = "SELECT id, site_id, category, priority, status, opened_at, \
     updated_at, closed_at, resolution, claimed_by, crew_id, group_key, deadline_at, silent, detail \
     FROM incidents";

/// Order of open incidents: most urgent first, then oldest.
const OPEN_ORDER: &str = " ORDER BY priority ASC, opened_at ASC, id ASC";

impl Store {
    /// Incidents matching `q`: open ones by priority, opening time and id; otherwise
    /// newest (highest id) first.
    pub async fn list_incidents(&self, q: &IncidentQuery) -> Result<Vec<IncidentRow>, StoreError> {
        let limit = clamp_limit(q.limit);
        if limit == 0 || q.site_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let mut conditions: Vec<String> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if q.open_only {
            conditions.push("closed_at IS NULL".into());
        }
        if !q.include_silent {
            conditions.push("silent = 0".into());
        }
        if let Some(ids) = &q.site_ids {
            let placeholders: Vec<String> = ids.iter().map(|_| next()).collect();
            conditions.push(format!("site_id IN ({})", placeholders.join(", ")));
        }
        if q.since_ms.is_some() {
            conditions.push(format!("opened_at >= {}", next()));
        }
        if q.until_ms.is_some() {
            conditions.push(format!("opened_at < {}", next()));
        }
        if q.before_id.is_some() {
            conditions.push(format!("id < {}", next()));
        }
        let limit_placeholder = next();

        let mut sql = String::from(SELECT_INCIDENTS);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(if q.open_only { OPEN_ORDER } else { " ORDER BY id DESC" });
        sql.push_str(&format!(" LIMIT {limit_placeholder}"));

        let mut query = sqlx::query(&sql);
        for id in q.site_ids.iter().flatten() {
            query = query.bind(*id);
        }
        for value in [q.since_ms, q.until_ms, q.before_id].into_iter().flatten() {
            query = query.bind(value);
        }
        let rows = query.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// Incidents for the history search, newest first: every filter given must hold
    /// (`operator`: someone who acted on it, by the journal).
    pub async fn incident_history(&self, q: &HistoryQuery) -> Result<Vec<IncidentRow>, StoreError> {
        let limit = clamp_limit(q.limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{SELECT_INCIDENTS} WHERE ($1 IS NULL OR site_id = $1) AND ($2 IS NULL OR opened_at >= $2) AND ($3 IS NULL OR opened_at < $3) \
             AND ($4 IS NULL OR category = $4) AND ($5 IS NULL OR resolution = $5) \
             AND ($6 IS NULL OR id IN (SELECT incident_id FROM incident_journal WHERE actor_user_id = $6)) \
             AND ($7 IS NULL OR id < $7) ORDER BY id DESC LIMIT $8"
        );
        let rows = sqlx::query(&sql)
            .bind(q.site_id)
            .bind(q.since_ms)
            .bind(q.until_ms)
            .bind(q.category.as_deref())
            .bind(q.resolution.as_deref())
            .bind(q.operator)
            .bind(q.before_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// Every open incident (`closed_at` unset), by priority, opening time and id: the
    /// engine's state at start.
    pub async fn open_incidents(&self) -> Result<Vec<IncidentRow>, StoreError> {
        let sql = format!("{SELECT_INCIDENTS} WHERE closed_at IS NULL{OPEN_ORDER}");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// One incident by id.
    pub async fn incident(&self, id: i64) -> Result<Option<IncidentRow>, StoreError> {
        let sql = format!("{SELECT_INCIDENTS} WHERE id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(incident_from_row).transpose()
    }

    /// The highest incident id, 0 when there is none (the engine numbers on from it).
    pub async fn max_incident_id(&self) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM incidents").fetch_one(&self.pool).await?;
        Ok(id)
    }

    /// An incident's journal, oldest first (by id).
    pub async fn incident_journal(&self, incident_id: i64) -> Result<Vec<JournalRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, incident_id, at, actor, actor_user_id, action, detail \
             FROM incident_journal WHERE incident_id = $1 ORDER BY id",
        )
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(JournalRecord {
                    id: row.try_get("id")?,
                    incident_id: row.try_get("incident_id")?,
                    at_ms: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    action: row.try_get("action")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Ids of the signals attached to an incident, ascending.
    pub async fn incident_signal_ids(&self, incident_id: i64) -> Result<Vec<i64>, StoreError> {
        let ids =
            sqlx::query_scalar("SELECT signal_id FROM incident_signals WHERE incident_id = $1 ORDER BY signal_id")
                .bind(incident_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids)
    }

    /// The incident a signal is attached to (the lowest id if several).
    pub async fn incident_of_signal(&self, signal_id: i64) -> Result<Option<i64>, StoreError> {
        let id = sqlx::query_scalar(
            "SELECT incident_id FROM incident_signals WHERE signal_id = $1 \
             ORDER BY incident_id LIMIT 1",
        )
        .bind(signal_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }
}

/// Inserts incidents, or overwrites every column of those with their ids, a few rows per
/// statement (each id at most once).
pub(crate) async fn upsert_incidents(conn: &mut AnyConnection, incidents: &[IncidentRow]) -> Result<(), StoreError> {
    crate::rows::insert(
        conn,
        "INSERT INTO incidents (id, site_id, category, priority, status, opened_at, updated_at, \
         closed_at, resolution, claimed_by, crew_id, group_key, deadline_at, silent, detail) VALUES ",
        15,
        " ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, \
         category = excluded.category, priority = excluded.priority, status = excluded.status, \
         opened_at = excluded.opened_at, updated_at = excluded.updated_at, \
         closed_at = excluded.closed_at, resolution = excluded.resolution, \
         claimed_by = excluded.claimed_by, crew_id = excluded.crew_id, \
         group_key = excluded.group_key, deadline_at = excluded.deadline_at, \
         silent = excluded.silent, detail = excluded.detail",
        incidents,
        |query, i| {
            query
                .bind(i.id)
                .bind(i.site_id)
                .bind(i.category.as_str())
                .bind(i.priority)
                .bind(i.status.as_str())
                .bind(i.opened_at_ms)
                .bind(i.updated_at_ms)
                .bind(i.closed_at_ms)
                .bind(i.resolution.as_deref())
                .bind(i.claimed_by)
                .bind(i.crew_id)
                .bind(i.group_key.as_deref())
                .bind(i.deadline_at_ms)
                .bind(i64::from(i.silent))
                .bind(i.detail.as_str())
        },
    )
    .await
}

/// Attaches signals to incidents (each link kept once), a few rows per statement.
pub(crate) async fn attach_signals(conn: &mut AnyConnection, links: &[(i64, i64)]) -> Result<(), StoreError> {
    crate::rows::insert(
        conn,
        "INSERT INTO incident_signals (incident_id, signal_id) VALUES ",
        2,
        " ON CONFLICT DO NOTHING",
        links,
        |query, &(incident_id, signal_id)| query.bind(incident_id).bind(signal_id),
    )
    .await
}

/// Appends incident journal entries, a few rows per statement.
pub(crate) async fn insert_journal(conn: &mut AnyConnection, entries: &[JournalEntry]) -> Result<(), StoreError> {
    crate::rows::insert(
        conn,
        "INSERT INTO incident_journal (incident_id, at, actor, actor_user_id, action, detail) VALUES ",
        6,
        "",
        entries,
        |query, e| {
            query
                .bind(e.incident_id)
                .bind(e.at_ms)
                .bind(e.actor.as_str())
                .bind(e.actor_user_id)
                .bind(e.action.as_str())
                .bind(e.detail.as_deref())
        },
    )
    .await
}

fn incident_from_row(row: &AnyRow) -> Result<IncidentRow, StoreError> {
    Ok(IncidentRow {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        category: row.try_get("category")?,
        priority: row.try_get("priority")?,
        status: row.try_get("status")?,
        opened_at_ms: row.try_get("opened_at")?,
        updated_at_ms: row.try_get("updated_at")?,
        closed_at_ms: row.try_get("closed_at")?,
        resolution: row.try_get("resolution")?,
        claimed_by: row.try_get("claimed_by")?,
        crew_id: row.try_get("crew_id")?,
        group_key: row.try_get("group_key")?,
        deadline_at_ms: row.try_get("deadline_at")?,
        silent: row.try_get::<i64, _>("silent")? != 0,
        detail: row.try_get("detail")?,
    })
}
