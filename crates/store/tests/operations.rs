//! What running Vigil needs of the store: retention in batches, the schema version and the
//! refusal of a database from a newer Vigil, and SQLite backups; each on SQLite and, where
//! it applies, PostgreSQL (server from `VIGIL_TEST_POSTGRES`).

#[macro_use]
mod common;

use common::{raw_connection, signal, site};
use sqlx::Executor;
use store::{Backend, NewArrival, Retention, Store, StoreError, WriteItem};

const DAY: i64 = 86_400_000;
const NOW: i64 = 1_800_000_000_000;

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = raw_connection(url).await;
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

/// Old and new signals (with arrivals), an old closed incident with its journal, link and
/// notification, an open incident holding an old signal, old and new audit rows and sent
/// notifications: what goes and what stays.
async fn retention_deletes_what_is_past_its_time_in_batches(store: Store, url: String) {
    let site_id = store.create_site(&site("Shop", None)).await.unwrap();
    let mut ids = Vec::new();
    for (n, at) in [(1, NOW - 500 * DAY), (2, NOW - 450 * DAY), (3, NOW - 420 * DAY), (4, NOW - 10 * DAY), (5, NOW)] {
        let written = store.write_batch(&[WriteItem::Signals(vec![signal("1234", at, n)])]).await.unwrap();
        let id = written[0][0];
        let arrival = NewArrival {
            received_at_ms: at,
            transport: "tcp".into(),
            remote_addr: "192.0.2.1:1".into(),
            receiver: None,
            line: "L1".into(),
        };
        store.write_batch(&[WriteItem::Arrival { of: store::ArrivalOf::Signal(id), arrival }]).await.unwrap();
        ids.push(id);
    }
    let mut conn = raw_connection(&url).await;
    let last = ids[4];
    for sql in [
        format!("INSERT INTO cursors (name, signal_id) VALUES ('engine', {last})"),
        // Closed 3000 days ago, holding signal 1; open incident 2 holds signal 3.
        format!(
            "INSERT INTO incidents (id, site_id, category, priority, status, opened_at, updated_at, closed_at, detail) \
             VALUES (1, {site_id}, 'burglary', 3, 'closed', {o}, {o}, {o}, '{{}}'), \
                    (2, {site_id}, 'burglary', 3, 'new', {n}, {n}, NULL, '{{}}')",
            o = NOW - 3000 * DAY,
            n = NOW - 420 * DAY
        ),
        format!("INSERT INTO incident_signals (incident_id, signal_id) VALUES (1, {}), (2, {})", ids[0], ids[2]),
        format!(
            "INSERT INTO incident_journal (incident_id, at, actor, action) VALUES (1, {}, 'engine', 'opened')",
            NOW
        ),
        format!(
            "INSERT INTO outbox (created_at, channel, recipient, subject, body, incident_id, status, next_attempt_at) \
             VALUES ({o}, 'sms', '+40', 's', 'b', 1, 'sent', 0), ({o}, 'sms', '+40', 's', 'b', NULL, 'sent', 0), \
                    ({o}, 'sms', '+40', 's', 'b', NULL, 'pending', 0), ({n}, 'sms', '+40', 's', 'b', NULL, 'sent', 0)",
            o = NOW - 200 * DAY,
            n = NOW - DAY
        ),
        format!(
            "INSERT INTO audit_journal (at, action) VALUES ({}, 'old'), ({}, 'old'), ({}, 'new')",
            NOW - 2000 * DAY,
            NOW - 1900 * DAY,
            NOW
        ),
    ] {
        conn.execute(sql.as_str()).await.unwrap();
    }
    let policy = Retention {
        signals_days: Some(400),
        incidents_days: Some(1825),
        audit_days: Some(1825),
        outbox_days: Some(90),
    };

    // One batch of at most 1 row of each kind.
    let first = store.purge_batch(&policy, NOW, 1).await.unwrap();
    assert_eq!((first.incidents, first.signals, first.audit, first.outbox), (1, 1, 1, 1));
    let mut total = first;
    loop {
        let p = store.purge_batch(&policy, NOW, 1).await.unwrap();
        if p.total() == 0 {
            break;
        }
        total.add(p);
    }
    // Signal 1 went with its incident (then as an old signal), 2 as old; 3 stays with the
    // open incident; 4 and 5 are recent.
    assert_eq!(total.incidents, 1);
    assert_eq!(total.signals, 2);
    assert_eq!(total.audit, 2);
    assert_eq!(total.outbox, 1, "the incident's notification went with it; the pending one stays");
    let kept: Vec<i64> = sqlx::query_scalar("SELECT id FROM signals ORDER BY id").fetch_all(&mut conn).await.unwrap();
    assert_eq!(kept, vec![ids[2], ids[3], ids[4]]);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM signal_arrivals").await, 3, "arrivals go with their signals");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM incidents").await, 1);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM incident_journal").await, 0);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM outbox").await, 2, "pending and recent notifications stay");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM audit_journal").await, 1);

    // A signal the engine has not handled yet is never deleted, however old.
    conn.execute("UPDATE cursors SET signal_id = 0").await.unwrap();
    store.write_batch(&[WriteItem::Signals(vec![signal("1234", NOW - 900 * DAY, 9)])]).await.unwrap();
    assert_eq!(store.purge_batch(&policy, NOW, 10).await.unwrap().signals, 0);
    // Nothing is deleted when nothing is limited.
    assert_eq!(store.purge_batch(&Retention::default(), NOW + 9000 * DAY, 10).await.unwrap().total(), 0);
}

async fn a_database_from_a_newer_vigil_is_refused(store: Store, url: String) {
    let status = store.schema_status().await.unwrap();
    assert_eq!(status.version(), status.latest_known());
    assert!(status.pending().is_empty() && status.newer().is_empty());
    assert_eq!(status.latest_known(), store.backend().latest_version());

    let mut conn = raw_connection(&url).await;
    let checksum = match store.backend() {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    conn.execute(
        format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', TRUE, {checksum}, 1)"
        )
        .as_str(),
    )
    .await
    .unwrap();
    let known = store.backend().latest_version();
    match Store::connect(&url).await {
        Err(StoreError::NewerSchema { database: 9999, known: k }) => assert_eq!(k, known),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = Store::connect_current(&url).await.unwrap_err().to_string();
    assert!(message.contains("newer than this Vigil knows"), "{message}");
    assert_eq!(Store::open(&url).await.unwrap().schema_status().await.unwrap().newer(), vec![9999]);
}

#[tokio::test]
async fn pending_migrations_are_reported_and_refused_when_told_not_to_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let store = Store::open(&url).await.unwrap();
    let status = store.schema_status().await.unwrap();
    assert_eq!(status.version(), 0);
    assert_eq!(status.pending().len(), status.known.len());
    let e = Store::connect_current(&url).await.unwrap_err();
    assert!(matches!(e, StoreError::MigrationsPending { first: 1, .. }), "{e}");
    store.migrate().await.unwrap();
    assert!(Store::connect_current(&url).await.is_ok());
}

#[tokio::test]
async fn a_backup_is_a_checked_copy() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.write_batch(&[WriteItem::Signals(vec![signal("1234", NOW, 1), signal("1234", NOW, 2)])]).await.unwrap();
    let copy = dir.path().join("copy.db");
    store.vacuum_into(&copy).await.unwrap();
    let check = store::check_sqlite_file(&copy).await.unwrap();
    assert!(check.intact);
    assert_eq!((check.signals, check.schema_version), (2, Backend::Sqlite.latest_version()));
    assert!(store.vacuum_into(&copy).await.is_err(), "an existing file is not overwritten");
    std::fs::write(dir.path().join("junk.db"), b"not a database at all, just some bytes").unwrap();
    assert!(store::check_sqlite_file(&dir.path().join("junk.db")).await.is_err());
}

/// The journals stay append-only outside retention: a plain delete is refused.
async fn journals_refuse_deletes_outside_retention(store: Store, url: String) {
    store
        .append_audit(&store::NewAudit {
            at_ms: NOW - 4000 * DAY,
            actor_user_id: None,
            action: "old".into(),
            subject: None,
            detail: None,
        })
        .await
        .unwrap();
    let mut conn = raw_connection(&url).await;
    let e = conn.execute("DELETE FROM audit_journal").await.unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM audit_journal").await, 1);
}

store_tests!(
    retention_deletes_what_is_past_its_time_in_batches,
    a_database_from_a_newer_vigil_is_refused,
    journals_refuse_deletes_outside_retention,
);
