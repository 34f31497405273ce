//! The signal log.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::sites::normalize_account;
use crate::write_gate::Priority;
use crate::{
    clamp_limit, opt_real, ArrivalOf, ArrivalRecord, NewArrival, NewSignal, SignalQuery, SignalRecord, Store,
    StoreError, WriteItem,
};

const INSERT_SIGNAL: &str = "INSERT INTO signals (received_at, account, site_id, known, token, \
     seq, receiver, line, protocol, qualifier, event_code, zone, zone_number, area, user_number, \
     meaning, raw, remote_addr, transport, encrypted, dedupe_key, lat, lon) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
     $20, $21, CASE WHEN $23 = 1 THEN $22 END, CASE WHEN $25 = 1 THEN $24 END) \
     RETURNING id";

const SELECT_SIGNALS: &str = "SELECT s.id, s.received_at, s.account, s.site_id, s.known, \
     s.token, s.seq, s.receiver, s.line, s.protocol, s.qualifier, s.event_code, s.zone, s.area, \
     s.user_number, s.meaning, s.raw, s.remote_addr, s.transport, s.encrypted, s.lat, s.lon, \
     st.name AS site_name, st.time_zone AS time_zone, z.name AS zone_name \
     FROM signals s \
     LEFT JOIN sites st ON st.id = s.site_id \
     LEFT JOIN zones z ON z.site_id = s.site_id AND z.number = s.zone_number";

impl Store {
    /// Stores one signal; it is committed (durable) when this returns.
    pub async fn insert_signal(&self, s: &NewSignal) -> Result<i64, StoreError> {
        let mut tx = self.begin_write(Priority::Signals).await?;
        let id = insert(&mut *tx, s).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stores a batch in one transaction (group commit): all rows or none.
    /// Returns the new ids in the order of `batch`.
    pub async fn insert_signals(&self, batch: &[NewSignal]) -> Result<Vec<i64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        if self.pg.is_some() {
            let written = self.write_frames(&[WriteItem::Signals(batch.to_vec())], None).await?;
            return Ok(written.into_iter().flat_map(Written::into_ids).collect());
        }
        let mut tx = self.begin_write(Priority::Signals).await?;
        let mut ids = Vec::with_capacity(batch.len());
        for s in batch {
            ids.push(insert(&mut *tx, s).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Writes one group commit: new signals and repeated arrivals, all or nothing.
    /// Returns, per item, the ids of its signals (for an arrival: the signal it repeats).
    pub async fn write_batch(&self, items: &[WriteItem]) -> Result<Vec<Vec<i64>>, StoreError> {
        let written = self.write_frames(items, None).await?;
        Ok(written.into_iter().map(Written::into_ids).collect())
    }

    /// [`Store::write_batch`], and on PostgreSQL, where other nodes store signals too, a frame
    /// whose dedupe key another node stored within `dedupe_window_ms` before it is not stored
    /// again: its arrival is recorded against that signal ([`Written::Repeat`]). The check
    /// runs under the signals lock, so two nodes never both store one frame.
    pub async fn write_frames(
        &self,
        items: &[WriteItem],
        dedupe_window_ms: Option<i64>,
    ) -> Result<Vec<Written>, StoreError> {
        let mut out: Vec<Written> = Vec::with_capacity(items.len());
        if items.is_empty() {
            return Ok(out);
        }
        if let Some(pg) = &self.pg {
            return crate::signals_pg::write_frames(pg, items, dedupe_window_ms).await;
        }
        // SQLite has one node: the recorder's memory of keys is the whole dedupe.
        let mut tx = self.begin_write(Priority::Signals).await?;
        for item in items {
            let written = match item {
                WriteItem::Signals(signals) => {
                    let mut ids = Vec::with_capacity(signals.len());
                    for s in signals {
                        ids.push(insert(&mut *tx, s).await?);
                    }
                    Written::New(ids)
                }
                WriteItem::Arrival { of, arrival } => {
                    let signal_id = match *of {
                        ArrivalOf::Signal(id) => id,
                        ArrivalOf::Item(i) => out.get(i).and_then(Written::first).ok_or_else(|| {
                            StoreError::Invalid(format!("arrival refers to item {i}, which stored no signal"))
                        })?,
                    };
                    insert_arrival(&mut *tx, signal_id, arrival).await?;
                    Written::Repeat(signal_id)
                }
            };
            out.push(written);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Dedupe keys of signals received at or after `since_ms`, each with the first id that
    /// carries it (the recorder's memory after a restart).
    pub async fn recent_dedupe_keys(&self, since_ms: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT dedupe_key, MIN(id) FROM signals WHERE received_at >= $1 AND dedupe_key IS NOT NULL \
             GROUP BY dedupe_key",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Further arrivals of a signal, oldest first.
    pub async fn arrivals(&self, signal_id: i64) -> Result<Vec<ArrivalRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, signal_id, received_at, transport, remote_addr, receiver, line \
             FROM signal_arrivals WHERE signal_id = $1 ORDER BY id",
        )
        .bind(signal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ArrivalRecord {
                    id: row.try_get("id")?,
                    signal_id: row.try_get("signal_id")?,
                    received_at_ms: row.try_get("received_at")?,
                    transport: row.try_get("transport")?,
                    remote_addr: row.try_get("remote_addr")?,
                    receiver: row.try_get("receiver")?,
                    line: row.try_get("line")?,
                })
            })
            .collect()
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
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(signal_from_row).transpose()
    }

    /// At most `limit` signals with `id > after_id`, oldest first (by id), joined like
    /// [`Store::list_signals`]: how a consumer such as the engine reads the log forward.
    pub async fn signals_after(&self, after_id: i64, limit: i64) -> Result<Vec<SignalRecord>, StoreError> {
        let limit = clamp_limit(limit);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!("{SELECT_SIGNALS} WHERE s.id > $1 ORDER BY s.id LIMIT $2");
        let rows = sqlx::query(&sql).bind(after_id).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(signal_from_row).collect()
    }

    /// The highest signal id, 0 when there is none.
    pub async fn max_signal_id(&self) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM signals").fetch_one(&self.pool).await?;
        Ok(id)
    }

    /// When the first signal after `after_id` was received (unix ms), if there is one: how
    /// long the alarm engine's oldest unhandled signal has waited.
    pub async fn oldest_signal_after(&self, after_id: i64) -> Result<Option<i64>, StoreError> {
        let at = sqlx::query_scalar("SELECT received_at FROM signals WHERE id > $1 ORDER BY id LIMIT 1")
            .bind(after_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(at)
    }

    /// Number of stored signals.
    pub async fn count_signals(&self) -> Result<i64, StoreError> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM signals").fetch_one(&self.pool).await?;
        Ok(n)
    }
}

pub(crate) async fn insert<'e, E>(executor: E, s: &NewSignal) -> Result<i64, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (lat, lat_set) = opt_real(s.lat);
    let (lon, lon_set) = opt_real(s.lon);
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
        .bind(i64::from(s.encrypted))
        .bind(s.dedupe_key.as_deref())
        .bind(lat)
        .bind(lat_set)
        .bind(lon)
        .bind(lon_set)
        .fetch_one(executor)
        .await?;
    Ok(id)
}

/// The zone as a number when it is all ASCII digits (e.g. `"003"` → 3).
pub(crate) fn zone_number(zone: Option<&str>) -> Option<i64> {
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
        encrypted: row.try_get::<i64, _>("encrypted")? != 0,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
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

/// What became of one item of a group commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Stored now, with these ids.
    New(Vec<i64>),
    /// An arrival of this signal, stored before.
    Repeat(i64),
}

impl Written {
    /// The ids of the item's signals (for a repeat: the signal it repeats).
    pub fn into_ids(self) -> Vec<i64> {
        match self {
            Written::New(ids) => ids,
            Written::Repeat(id) => vec![id],
        }
    }

    /// The first signal's id (for a repeat: the signal it repeats).
    pub fn first(&self) -> Option<i64> {
        match self {
            Written::New(ids) => ids.first().copied(),
            Written::Repeat(id) => Some(*id),
        }
    }
}

/// The signal that already carries `s`'s dedupe key, received within `window_ms` before it.
/// How a signal arrived, as a repeated arrival of another.
pub(crate) fn arrival_of(s: &NewSignal) -> NewArrival {
    NewArrival {
        received_at_ms: s.received_at_ms,
        transport: s.transport.clone(),
        remote_addr: s.remote_addr.clone(),
        receiver: s.receiver.clone(),
        line: s.line.clone(),
    }
}

async fn insert_arrival<'e, E>(executor: E, signal_id: i64, arrival: &NewArrival) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO signal_arrivals (signal_id, received_at, transport, remote_addr, receiver, line)          VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(signal_id)
    .bind(arrival.received_at_ms)
    .bind(arrival.transport.as_str())
    .bind(arrival.remote_addr.as_str())
    .bind(arrival.receiver.as_deref())
    .bind(arrival.line.as_str())
    .execute(executor)
    .await?;
    Ok(())
}
