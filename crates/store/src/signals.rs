//! The signal log.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::sites::normalize_account;
use crate::{clamp_limit, NewSignal, SignalQuery, SignalRecord, Store, StoreError};

const INSERT_SIGNAL: &str = "INSERT INTO signals (received_at, account, site_id, known, token, \
     seq, receiver, line, protocol, qualifier, event_code, zone, zone_number, area, user_number, \
     meaning, raw, remote_addr, transport) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
     RETURNING id";

const SELECT_SIGNALS: &str = "SELECT s.id, s.received_at, s.account, s.site_id, s.known, \
     s.token, s.seq, s.receiver, s.line, s.protocol, s.qualifier, s.event_code, s.zone, s.area, \
     s.user_number, s.meaning, s.raw, s.remote_addr, s.transport, \
     st.name AS site_name, st.time_zone AS time_zone, z.name AS zone_name \
     FROM signals s \
     LEFT JOIN sites st ON st.id = s.site_id \
     LEFT JOIN zones z ON z.site_id = s.site_id AND z.number = s.zone_number";

impl Store {
    /// Stores one signal; it is committed (durable) when this returns.
    pub async fn insert_signal(&self, s: &NewSignal) -> Result<i64, StoreError> {
        insert(&self.pool, s).await
    }

    /// Stores a batch in one transaction (group commit): all rows or none.
    /// Returns the new ids in the order of `batch`.
    pub async fn insert_signals(&self, batch: &[NewSignal]) -> Result<Vec<i64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(batch.len());
        for s in batch {
            ids.push(insert(&mut *tx, s).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Signals newest first (by id), optionally before an id and limited to sites.
    pub async fn list_signals(&self, q: &SignalQuery) -> Result<Vec<SignalRecord>, StoreError> {
        let limit = clamp_limit(q.limit);
        if limit == 0 || q.site_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let mut conditions = Vec::new();
        let mut n = 0;
        if q.before_id.is_some() {
            n += 1;
            conditions.push(format!("s.id < ${n}"));
        }
        if let Some(ids) = &q.site_ids {
            let placeholders: Vec<String> = (0..ids.len())
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            conditions.push(format!("s.site_id IN ({})", placeholders.join(", ")));
        }
        let mut sql = String::from(SELECT_SIGNALS);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY s.id DESC LIMIT ${}", n + 1));

        let mut query = sqlx::query(&sql);
        if let Some(before) = q.before_id {
            query = query.bind(before);
        }
        for id in q.site_ids.iter().flatten() {
            query = query.bind(*id);
        }
        let rows = query.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(signal_from_row).collect()
    }

    /// One signal by id.
    pub async fn signal(&self, id: i64) -> Result<Option<SignalRecord>, StoreError> {
        let sql = format!("{SELECT_SIGNALS} WHERE s.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(signal_from_row).transpose()
    }

    /// Number of stored signals.
    pub async fn count_signals(&self) -> Result<i64, StoreError> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM signals")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}

async fn insert<'e, E>(executor: E, s: &NewSignal) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let id = sqlx::query_scalar(INSERT_SIGNAL)
        .bind(s.received_at_ms)
        .bind(normalize_account(&s.account))
        .bind(s.site_id)
        .bind(i64::from(s.known))
        .bind(s.token.as_str())
        .bind(s.seq)
        .bind(s.receiver.as_deref())
        .bind(s.line.as_str())
        .bind(s.protocol.as_deref())
        .bind(s.qualifier.as_deref())
        .bind(s.event_code.as_deref())
        .bind(s.zone.as_deref())
        .bind(zone_number(s.zone.as_deref()))
        .bind(s.area.as_deref())
        .bind(s.user_number.as_deref())
        .bind(s.meaning.as_str())
        .bind(s.raw.as_str())
        .bind(s.remote_addr.as_str())
        .bind(s.transport.as_str())
        .fetch_one(executor)
        .await?;
    Ok(id)
}

/// The zone as a number when it is all ASCII digits (e.g. `"003"` → 3).
fn zone_number(zone: Option<&str>) -> Option<i64> {
    let zone = zone?.trim();
    if zone.is_empty() || !zone.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    zone.parse().ok()
}

fn signal_from_row(row: &AnyRow) -> Result<SignalRecord, StoreError> {
    Ok(SignalRecord {
        id: row.try_get("id")?,
        received_at_ms: row.try_get("received_at")?,
        account: row.try_get("account")?,
        site_id: row.try_get("site_id")?,
        known: row.try_get::<i64, _>("known")? != 0,
        token: row.try_get("token")?,
        seq: row.try_get("seq")?,
        receiver: row.try_get("receiver")?,
        line: row.try_get("line")?,
        protocol: row.try_get("protocol")?,
        qualifier: row.try_get("qualifier")?,
        event_code: row.try_get("event_code")?,
        zone: row.try_get("zone")?,
        area: row.try_get("area")?,
        user_number: row.try_get("user_number")?,
        meaning: row.try_get("meaning")?,
        raw: row.try_get("raw")?,
        remote_addr: row.try_get("remote_addr")?,
        transport: row.try_get("transport")?,
        site_name: row.try_get("site_name")?,
        time_zone: row.try_get("time_zone")?,
        zone_name: row.try_get("zone_name")?,
    })
}

#[cfg(test)]
mod tests {
    use super::zone_number;

    #[test]
    fn zone_numbers() {
        assert_eq!(zone_number(Some("003")), Some(3));
        assert_eq!(zone_number(Some(" 12 ")), Some(12));
        assert_eq!(zone_number(Some("12a")), None);
        assert_eq!(zone_number(Some("-1")), None);
        assert_eq!(zone_number(Some("")), None);
        assert_eq!(zone_number(Some("99999999999999999999")), None);
        assert_eq!(zone_number(None), None);
    }
}
