//! Several nodes on one database: the engine lease and its fence, commands for the lease
//! holder, dashboard events, forwarded life signs, the outbox claim, and signal ids that a
//! reader after a cursor never passes; on SQLite and PostgreSQL.

#[macro_use]
mod common;

use std::time::Duration;

use common::signal;
use store::{EngineBatch, LifeSign, Store, StoreError, WriteItem, ENGINE_LEASE};

const TTL: i64 = 300;

fn cursor_batch(id: i64, fence: Option<i64>) -> EngineBatch {
    EngineBatch { cursor: Some(("engine".into(), id)), fence, ..EngineBatch::default() }
}

/// One holder at a time; the token grows when the lease changes hands; a stale holder's
/// batch is refused whole.
async fn a_lease_has_one_holder_and_fences_the_one_before(store: Store, _url: String) {
    let a = store.hold_lease(ENGINE_LEASE, "node-a", TTL).await.unwrap().expect("a takes the free lease");
    assert!(store.hold_lease(ENGINE_LEASE, "node-b", TTL).await.unwrap().is_none(), "b must wait");
    let renewed = store.hold_lease(ENGINE_LEASE, "node-a", TTL).await.unwrap().expect("a renews");
    assert_eq!(renewed.token, a.token, "renewing keeps the token");
    let holder = store.lease_holder(ENGINE_LEASE).await.unwrap();
    assert_eq!((holder.holder.as_str(), holder.token, holder.valid), ("node-a", a.token, true));

    store.apply_engine_batch(&cursor_batch(5, Some(a.token))).await.unwrap();
    assert_eq!(store.cursor("engine").await.unwrap(), Some(5));

    tokio::time::sleep(Duration::from_millis(TTL as u64 + 100)).await;
    let b = store.hold_lease(ENGINE_LEASE, "node-b", TTL).await.unwrap().expect("b takes the expired lease");
    assert_eq!(b.token, a.token + 1);
    assert!(store.hold_lease(ENGINE_LEASE, "node-a", TTL).await.unwrap().is_none(), "a lost it");

    let refused = store.apply_engine_batch(&cursor_batch(9, Some(a.token))).await;
    assert!(matches!(refused, Err(StoreError::Fenced { token }) if token == a.token), "{refused:?}");
    assert_eq!(store.cursor("engine").await.unwrap(), Some(5), "nothing of a stale batch is stored");
    let sign = signal("7001", 1, 1);
    let refused = store.save_supervision(&[], std::slice::from_ref(&sign), Some(a.token)).await;
    assert!(matches!(refused, Err(StoreError::Fenced { .. })), "{refused:?}");
    assert!(store.signals_after(0, 10).await.unwrap().is_empty(), "a stale supervisor's signal is not stored");

    store.apply_engine_batch(&cursor_batch(9, Some(b.token))).await.unwrap();
    assert_eq!(store.cursor("engine").await.unwrap(), Some(9));

    assert!(store.release_lease(ENGINE_LEASE, "node-b").await.unwrap());
    let a2 = store.hold_lease(ENGINE_LEASE, "node-a", TTL).await.unwrap().expect("a released lease is free at once");
    assert_eq!(a2.token, b.token + 1);
}

/// A queued command is answered with the batch that carries its effects; one its caller gave
/// up on is never carried out (the batch answering it is refused).
async fn commands_are_answered_once_or_abandoned(store: Store, _url: String) {
    let first = store.queue_engine_command("{\"n\":1}", 1_000).await.unwrap();
    let second = store.queue_engine_command("{\"n\":2}", 2_000).await.unwrap();
    let open = store.open_engine_commands(0, 10).await.unwrap();
    assert_eq!(open, vec![(first, "{\"n\":1}".to_owned()), (second, "{\"n\":2}".to_owned())]);
    assert_eq!(store.open_engine_commands(1_500, 10).await.unwrap().len(), 1, "too old ones are left");

    let batch = EngineBatch { answers: vec![(first, "\"ok\"".into())], ..cursor_batch(3, None) };
    store.apply_engine_batch(&batch).await.unwrap();
    assert_eq!(store.engine_command_answer(first).await.unwrap().as_deref(), Some("\"ok\""));
    assert!(!store.abandon_engine_command(first, 3_000).await.unwrap(), "an answered command stays answered");

    assert!(store.abandon_engine_command(second, 3_000).await.unwrap());
    let late = EngineBatch { answers: vec![(second, "\"ok\"".into())], ..cursor_batch(4, None) };
    assert!(store.apply_engine_batch(&late).await.is_err(), "an abandoned command's effects are refused");
    assert_eq!(store.cursor("engine").await.unwrap(), Some(3));
    assert_eq!(store.engine_command_answer(second).await.unwrap(), None);
    assert!(!store.answer_engine_command(second, "\"ok\"", 4_000).await.unwrap());
    assert!(store.open_engine_commands(0, 10).await.unwrap().is_empty());

    let events = EngineBatch { events: vec!["{\"e\":1}".into(), "{\"e\":2}".into()], ..EngineBatch::default() };
    store.apply_engine_batch(&events).await.unwrap();
    let last = store.last_ops_event().await.unwrap();
    let after = store.ops_events_after(last - 2, 10).await.unwrap();
    assert_eq!(after.iter().map(|(_, b)| b.as_str()).collect::<Vec<_>>(), ["{\"e\":1}", "{\"e\":2}"]);
    assert!(store.prune_cluster(i64::MAX / 2, 0).await.unwrap() >= 4);
    assert_eq!(store.last_ops_event().await.unwrap(), 0);
}

/// Life signs keep the newest per account and line until the holder takes them.
async fn life_signs_keep_the_newest_until_taken(store: Store, _url: String) {
    let sign = |account_id, line: &str, at_ms| LifeSign { account_id, line: line.into(), at_ms };
    store.put_life_signs(&[sign(1, "L1", 100), sign(1, "L2", 50), sign(2, "L1", 70)]).await.unwrap();
    store.put_life_signs(&[sign(1, "L1", 90), sign(2, "L1", 80)]).await.unwrap();
    let mut taken = store.take_life_signs().await.unwrap();
    taken.sort_by_key(|s| (s.account_id, s.line.clone()));
    assert_eq!(taken, vec![sign(1, "L1", 100), sign(1, "L2", 50), sign(2, "L1", 80)]);
    assert!(store.take_life_signs().await.unwrap().is_empty());
}

/// A due message is claimed by one sender; a stale holder cannot claim.
async fn an_outbox_message_is_claimed_once(store: Store, _url: String) {
    let lease = store.hold_lease(ENGINE_LEASE, "node-a", 60_000).await.unwrap().unwrap();
    let message = store::NewOutbox {
        channel: "sms".into(),
        recipient: "+40700000000".into(),
        subject: String::new(),
        body: "Alarm".into(),
        site_id: None,
        incident_id: None,
        created_at_ms: 1_000,
    };
    store.apply_engine_batch(&EngineBatch { outbox: vec![message], ..EngineBatch::default() }).await.unwrap();
    let due = store.due_outbox(2_000, 10).await.unwrap();
    let m = &due[0];
    let stale = store.claim_outbox(m.id, m.next_attempt_at_ms, 62_000, Some(lease.token - 1)).await;
    assert!(matches!(stale, Err(StoreError::Fenced { .. })), "{stale:?}");
    assert!(store.claim_outbox(m.id, m.next_attempt_at_ms, 62_000, Some(lease.token)).await.unwrap());
    assert!(!store.claim_outbox(m.id, m.next_attempt_at_ms, 62_000, Some(lease.token)).await.unwrap());
    assert!(store.due_outbox(2_000, 10).await.unwrap().is_empty(), "claimed: not due again until the claim ends");
    assert_eq!(store.due_outbox(62_000, 10).await.unwrap().len(), 1);
}

/// Two nodes storing signals at once while a reader follows them after its cursor, as the
/// engine does: the reader sees every signal (ids are given in commit order).
async fn a_reader_after_a_cursor_misses_no_signal_of_two_writers(store: Store, url: String) {
    let other = Store::connect(&url).await.unwrap();
    let write = |store: Store, node: i64| async move {
        for n in 0..60 {
            let batch: Vec<_> = (0..3).map(|k| signal(&format!("{node}"), 1_000, n * 3 + k)).collect();
            store.write_batch(&[WriteItem::Signals(batch)]).await.unwrap();
        }
    };
    let (a, b) = (store.clone(), other.clone());
    let writers = tokio::spawn(async move { tokio::join!(write(a, 1), write(b, 2)) });
    let (mut cursor, mut seen) = (0, 0);
    loop {
        let done = writers.is_finished();
        let batch = store.signals_after(cursor, 500).await.unwrap();
        seen += batch.len();
        cursor = batch.last().map_or(cursor, |s| s.id);
        if done && batch.is_empty() {
            break;
        }
    }
    writers.await.unwrap();
    assert_eq!(seen, 360, "the reader passed signals that committed after a higher id");
    other.close().await;
}

/// The same frame stored by two nodes: on PostgreSQL the second finds the first's signal and
/// records an arrival instead (SQLite has one node, whose recorder remembers keys itself).
async fn a_frame_stored_by_two_nodes_is_one_signal_with_two_arrivals(store: Store, url: String) {
    let other = Store::connect(&url).await.unwrap();
    let frame = signal("5555", 10_000, 7);
    let mut again = frame.clone();
    again.received_at_ms += 800;
    again.remote_addr = "198.51.100.7:5000".into();
    let first = store.write_frames(&[WriteItem::Signals(vec![frame])], Some(300_000)).await.unwrap();
    let second = other.write_frames(&[WriteItem::Signals(vec![again])], Some(300_000)).await.unwrap();
    let store::Written::New(ids) = &first[0] else { panic!("first arrival is stored: {first:?}") };
    match store.backend() {
        store::Backend::Postgres => {
            assert_eq!(second, vec![store::Written::Repeat(ids[0])]);
            let arrivals = store.arrivals(ids[0]).await.unwrap();
            assert_eq!(arrivals.len(), 1);
            assert_eq!((arrivals[0].received_at_ms, arrivals[0].remote_addr.as_str()), (10_800, "198.51.100.7:5000"));
            assert_eq!(store.signals_after(0, 10).await.unwrap().len(), 1);
        }
        store::Backend::Sqlite => assert!(matches!(second[0], store::Written::New(_))),
    }
    // Outside the window it is a new signal.
    let mut later = signal("5555", 10_000, 7);
    later.received_at_ms += 400_000;
    let third = other.write_frames(&[WriteItem::Signals(vec![later])], Some(300_000)).await.unwrap();
    assert!(matches!(third[0], store::Written::New(_)), "{third:?}");
    other.close().await;
}

store_tests!(
    a_frame_stored_by_two_nodes_is_one_signal_with_two_arrivals,
    a_lease_has_one_holder_and_fences_the_one_before,
    commands_are_answered_once_or_abandoned,
    life_signs_keep_the_newest_until_taken,
    an_outbox_message_is_claimed_once,
    a_reader_after_a_cursor_misses_no_signal_of_two_writers,
);
