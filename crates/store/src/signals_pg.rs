//! The recorder's group commit on PostgreSQL as a fixed handful of statements, whatever the
//! batch's size: one look-up of the batch's dedupe keys, one `INSERT … SELECT FROM UNNEST`
//! for every new signal and one for every repeated arrival. The `Any` driver cannot bind
//! arrays, so this runs on a small native pool beside the main one.

use sqlx::{PgPool, Postgres, Transaction};

use crate::cluster::SIGNALS_LOCK;
use crate::signals::{arrival_of, zone_number, Written};
use crate::sites::normalize_account;
use crate::{ArrivalOf, NewArrival, NewSignal, StoreError, WriteItem};

const INSERT_SIGNALS: &str = "INSERT INTO signals (received_at, account, site_id, known, token, \
     seq, receiver, line, protocol, qualifier, event_code, zone, zone_number, area, user_number, \
     meaning, raw, remote_addr, transport, encrypted, dedupe_key, lat, lon) \
     SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], \
     $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
     $13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], \
     $20::bigint[], $21::text[], $22::float8[], $23::float8[]) \
     RETURNING id";

const INSERT_ARRIVALS: &str = "INSERT INTO signal_arrivals (signal_id, received_at, transport, \
     remote_addr, receiver, line) \
     SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])";

/// The columns of new signals, one vector each, in the batch's order.
#[derive(Default)]
struct SignalColumns {
    received_at: Vec<i64>,
    account: Vec<String>,
    site_id: Vec<Option<i64>>,
    known: Vec<i64>,
    token: Vec<String>,
    seq: Vec<i64>,
    receiver: Vec<Option<String>>,
    line: Vec<String>,
    protocol: Vec<Option<String>>,
    qualifier: Vec<Option<String>>,
    event_code: Vec<Option<String>>,
    zone: Vec<Option<String>>,
    zone_number: Vec<Option<i64>>,
    area: Vec<Option<String>>,
    user_number: Vec<Option<String>>,
    meaning: Vec<String>,
    raw: Vec<String>,
    remote_addr: Vec<String>,
    transport: Vec<String>,
    encrypted: Vec<i64>,
    dedupe_key: Vec<Option<String>>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
}

impl SignalColumns {
    fn push(&mut self, s: &NewSignal) {
        self.received_at.push(s.received_at_ms);
        self.account.push(normalize_account(&s.account));
        self.site_id.push(s.site_id);
        self.known.push(i64::from(s.known));
        self.token.push(s.token.clone());
        self.seq.push(s.seq);
        self.receiver.push(s.receiver.clone());
        self.line.push(s.line.clone());
        self.protocol.push(s.protocol.clone());
        self.qualifier.push(s.qualifier.clone());
        self.event_code.push(s.event_code.clone());
        self.zone.push(s.zone.clone());
        self.zone_number.push(zone_number(s.zone.as_deref()));
        self.area.push(s.area.clone());
        self.user_number.push(s.user_number.clone());
        self.meaning.push(s.meaning.clone());
        self.raw.push(s.raw.clone());
        self.remote_addr.push(s.remote_addr.clone());
        self.transport.push(s.transport.clone());
        self.encrypted.push(i64::from(s.encrypted));
        self.dedupe_key.push(s.dedupe_key.clone());
        self.lat.push(s.lat);
        self.lon.push(s.lon);
    }

    fn len(&self) -> usize {
        self.received_at.len()
    }

    /// Inserts every row in one statement; returns the new ids in the columns' order.
    async fn insert(self, tx: &mut Transaction<'static, Postgres>) -> Result<Vec<i64>, StoreError> {
        if self.len() == 0 {
            return Ok(Vec::new());
        }
        let mut ids: Vec<i64> = sqlx::query_scalar(INSERT_SIGNALS)
            .bind(self.received_at)
            .bind(self.account)
            .bind(self.site_id)
            .bind(self.known)
            .bind(self.token)
            .bind(self.seq)
            .bind(self.receiver)
            .bind(self.line)
            .bind(self.protocol)
            .bind(self.qualifier)
            .bind(self.event_code)
            .bind(self.zone)
            .bind(self.zone_number)
            .bind(self.area)
            .bind(self.user_number)
            .bind(self.meaning)
            .bind(self.raw)
            .bind(self.remote_addr)
            .bind(self.transport)
            .bind(self.encrypted)
            .bind(self.dedupe_key)
            .bind(self.lat)
            .bind(self.lon)
            .fetch_all(&mut **tx)
            .await?;
        // The identity draws its values row by row in UNNEST's order, and no other writer
        // draws any meanwhile (every signal write holds SIGNALS_LOCK), so ascending ids are
        // the rows' order whatever order RETURNING lists them in.
        ids.sort_unstable();
        Ok(ids)
    }
}

/// The columns of repeated arrivals.
#[derive(Default)]
struct ArrivalColumns {
    signal_id: Vec<i64>,
    received_at: Vec<i64>,
    transport: Vec<String>,
    remote_addr: Vec<String>,
    receiver: Vec<Option<String>>,
    line: Vec<String>,
}

impl ArrivalColumns {
    fn push(&mut self, signal_id: i64, a: &NewArrival) {
        self.signal_id.push(signal_id);
        self.received_at.push(a.received_at_ms);
        self.transport.push(a.transport.clone());
        self.remote_addr.push(a.remote_addr.clone());
        self.receiver.push(a.receiver.clone());
        self.line.push(a.line.clone());
    }

    async fn insert(self, tx: &mut Transaction<'static, Postgres>) -> Result<(), StoreError> {
        if self.signal_id.is_empty() {
            return Ok(());
        }
        sqlx::query(INSERT_ARRIVALS)
            .bind(self.signal_id)
            .bind(self.received_at)
            .bind(self.transport)
            .bind(self.remote_addr)
            .bind(self.receiver)
            .bind(self.line)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// What each item becomes before the signals are inserted.
enum Plan {
    /// New signals: this many, taken from the inserted ids in order.
    New(usize),
    /// Another node (or an earlier batch) stored this frame as this signal.
    Stored(i64),
    /// A repeated arrival, of a known signal or of an earlier item.
    Arrival(ArrivalOf),
}

/// [`Store::write_frames`](crate::Store::write_frames) on PostgreSQL.
pub(crate) async fn write_frames(
    pool: &PgPool,
    items: &[WriteItem],
    window_ms: Option<i64>,
) -> Result<Vec<Written>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SIGNALS_LOCK).execute(&mut *tx).await?;
    let stored = match window_ms {
        Some(window) => stored_keys(&mut tx, items, window).await?,
        None => Default::default(),
    };

    let mut plans = Vec::with_capacity(items.len());
    let mut signals = SignalColumns::default();
    for item in items {
        plans.push(match item {
            WriteItem::Signals(batch) => {
                let known = batch.first().and_then(|s| s.dedupe_key.as_deref()).and_then(|k| stored.get(k));
                match known {
                    Some(&id) => Plan::Stored(id),
                    None => {
                        batch.iter().for_each(|s| signals.push(s));
                        Plan::New(batch.len())
                    }
                }
            }
            WriteItem::Arrival { of, .. } => Plan::Arrival(*of),
        });
    }

    let mut ids = signals.insert(&mut tx).await?.into_iter();
    let mut arrivals = ArrivalColumns::default();
    let mut out: Vec<Written> = Vec::with_capacity(items.len());
    for (item, plan) in items.iter().zip(plans) {
        let written = match plan {
            Plan::New(n) => Written::New(ids.by_ref().take(n).collect()),
            Plan::Stored(id) => {
                if let WriteItem::Signals(batch) = item {
                    if let Some(first) = batch.first() {
                        arrivals.push(id, &arrival_of(first));
                    }
                }
                Written::Repeat(id)
            }
            Plan::Arrival(of) => {
                let id = match of {
                    ArrivalOf::Signal(id) => id,
                    ArrivalOf::Item(i) => out.get(i).and_then(Written::first).ok_or_else(|| {
                        StoreError::Invalid(format!("arrival refers to item {i}, which stored no signal"))
                    })?,
                };
                if let WriteItem::Arrival { arrival, .. } = item {
                    arrivals.push(id, arrival);
                }
                Written::Repeat(id)
            }
        };
        out.push(written);
    }
    arrivals.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// The first stored signal of each dedupe key the batch's frames carry, among signals
/// received within `window_ms` before the batch's earliest frame.
async fn stored_keys(
    tx: &mut Transaction<'static, Postgres>,
    items: &[WriteItem],
    window_ms: i64,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let firsts = items.iter().filter_map(|item| match item {
        WriteItem::Signals(batch) => batch.first(),
        WriteItem::Arrival { .. } => None,
    });
    let (mut keys, mut since) = (Vec::new(), i64::MAX);
    for s in firsts {
        if let Some(key) = &s.dedupe_key {
            keys.push(key.clone());
            since = since.min(s.received_at_ms - window_ms);
        }
    }
    if keys.is_empty() {
        return Ok(Default::default());
    }
    // One look-up of `signals_dedupe` (key, id) per key. `received_at + 0` keeps the planner
    // off the `received_at` index, whose scan covers the whole window (migration 13).
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT k.key, (SELECT s.id FROM signals s WHERE s.dedupe_key = k.key AND s.received_at + 0 >= $2 \
         ORDER BY s.id LIMIT 1) FROM UNNEST($1::text[]) AS k(key)",
    )
    .bind(keys)
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    let rows = rows.into_iter().filter_map(|(key, id)| Some((key, id?)));
    Ok(rows.into_iter().collect())
}
