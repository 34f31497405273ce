//! The same store tests on both backends: a fresh SQLite file and a fresh
//! PostgreSQL database (server from `VIGIL_TEST_POSTGRES`).

#[macro_use]
mod common;

use common::{signal, site, user, with_database};
use store::{
    ArrivalOf, NewArrival, NewAudit, NewSignal, PathSpec, PathUpdate, SecretKey, SignalQuery, Store, StoreError,
    WriteItem,
};

store_tests! {
    migrations_run_twice,
    signals_newest_first_with_paging,
    unknown_account_signal_is_kept,
    batch_insert_is_atomic_and_ordered,
    account_lookup_is_case_insensitive,
    signal_joins_site_and_zone,
    list_signals_filters_by_site,
    duplicate_username_conflicts,
    session_expiry,
    audit_append_and_list,
    site_ids_owned_by_user,
    list_sites_and_accounts,
    touch_account_updates_last_seen,
    foreign_keys_are_enforced,
    account_keys_are_stored_and_cleared,
    account_paths_keep_state_when_reconfigured,
    bulk_accounts_are_all_or_nothing,
    batch_records_repeated_arrivals,
    a_large_batch_keeps_each_frame_with_its_ids,
    supervision_saves_states_with_signals,
}

// ---- test bodies (each runs on both backends) ------------------------------

async fn migrations_run_twice(store: Store, url: String) {
    let site_id = store.create_site(&site("Depot", None)).await.unwrap();
    let again = Store::connect(&url).await.expect("second connect reruns migrations");
    assert_eq!(again.count_sites().await.unwrap(), 1);
    assert_eq!(again.list_sites().await.unwrap()[0].id, site_id);
    again.close().await;
    let third = Store::connect(&url).await.expect("third connect");
    assert_eq!(third.count_sites().await.unwrap(), 1);
    third.close().await;
}

async fn signals_newest_first_with_paging(store: Store, _url: String) {
    assert_eq!(store.count_signals().await.unwrap(), 0);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(store.insert_signal(&signal("1234", 1_000 + i, i)).await.unwrap());
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    assert_eq!(store.count_signals().await.unwrap(), 5);

    let page1 = store.list_signals(&SignalQuery { limit: 2, before_id: None, site_ids: None }).await.unwrap();
    assert_eq!(page1.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ids[4], ids[3]]);
    assert_eq!(page1[0].seq, 4);
    assert_eq!(page1[0].received_at_ms, 1_004);

    let page2 =
        store.list_signals(&SignalQuery { limit: 2, before_id: Some(page1[1].id), site_ids: None }).await.unwrap();
    assert_eq!(page2.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ids[2], ids[1]]);

    let page3 =
        store.list_signals(&SignalQuery { limit: 2, before_id: Some(page2[1].id), site_ids: None }).await.unwrap();
    assert_eq!(page3.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ids[0]]);

    let none = store.list_signals(&SignalQuery { limit: 0, before_id: None, site_ids: None }).await.unwrap();
    assert!(none.is_empty());

    let one = store.signal(ids[2]).await.unwrap().expect("signal by id");
    assert_eq!(one.seq, 2);
    assert_eq!(store.signal(ids[4] + 1000).await.unwrap(), None);
}

async fn unknown_account_signal_is_kept(store: Store, _url: String) {
    let mut s = signal("beef", 5_000, 7);
    s.protocol = Some("cid".to_owned());
    s.qualifier = Some("1".to_owned());
    s.event_code = Some("130".to_owned());
    s.zone = Some("zone-A".to_owned());
    s.user_number = Some("005".to_owned());
    s.transport = "udp".to_owned();
    s.receiver = None;
    let id = store.insert_signal(&s).await.unwrap();

    let listed = store.list_signals(&SignalQuery::default()).await.unwrap();
    assert_eq!(listed.len(), 1);
    let got = &listed[0];
    assert_eq!(got.id, id);
    assert!(!got.known);
    assert_eq!(got.account, "BEEF");
    assert_eq!(got.site_id, None);
    assert_eq!(got.site_name, None);
    assert_eq!(got.time_zone, None);
    assert_eq!(got.zone_name, None);
    assert_eq!(got.zone.as_deref(), Some("zone-A"));
    assert_eq!(got.receiver, None);
    assert_eq!(got.protocol.as_deref(), Some("cid"));
    assert_eq!(got.qualifier.as_deref(), Some("1"));
    assert_eq!(got.event_code.as_deref(), Some("130"));
    assert_eq!(got.user_number.as_deref(), Some("005"));
    assert_eq!(got.area.as_deref(), Some("1"));
    assert_eq!(got.transport, "udp");
    assert_eq!(got.token, "SIA-DCS");
    assert_eq!(got.line, "L1");
    assert_eq!(got.meaning, "Burglary alarm");
    assert_eq!(got.raw, s.raw);
    assert_eq!(got.remote_addr, "192.0.2.10:40000");
    assert_eq!(store.signal(id).await.unwrap().as_ref(), Some(got));
}

async fn batch_insert_is_atomic_and_ordered(store: Store, _url: String) {
    assert_eq!(store.insert_signals(&[]).await.unwrap(), Vec::<i64>::new());

    let batch: Vec<NewSignal> = (0..4).map(|i| signal("1234", 2_000 + i, 100 + i)).collect();
    let ids = store.insert_signals(&batch).await.unwrap();
    assert_eq!(ids.len(), 4);
    for (id, s) in ids.iter().zip(&batch) {
        assert_eq!(store.signal(*id).await.unwrap().unwrap().seq, s.seq);
    }

    // The third row violates a check constraint: nothing of this batch may remain.
    let mut bad = (0..3).map(|i| signal("1234", 3_000 + i, 200 + i)).collect::<Vec<_>>();
    bad[2].transport = "carrier-pigeon".to_owned();
    let err = store.insert_signals(&bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "got {err:?}");
    assert_eq!(store.count_signals().await.unwrap(), 4);
    let seqs: Vec<i64> = store.list_signals(&SignalQuery::default()).await.unwrap().iter().map(|s| s.seq).collect();
    assert_eq!(seqs, vec![103, 102, 101, 100]);
}

async fn account_lookup_is_case_insensitive(store: Store, _url: String) {
    let site_id = store.create_site(&site("Bakery", None)).await.unwrap();
    let account_id = store.create_account(site_id, "ab12f").await.unwrap();

    for query in ["AB12F", "ab12f", "Ab12F", " ab12f "] {
        let acc = store.account(query).await.unwrap().unwrap_or_else(|| panic!("{query:?}"));
        assert_eq!(acc.id, account_id);
        assert_eq!(acc.number, "AB12F");
        assert_eq!(acc.site_id, site_id);
        assert_eq!(acc.site_name, "Bakery");
        assert_eq!(acc.time_zone, "Europe/Berlin");
    }
    assert_eq!(store.account("AB12E").await.unwrap(), None);

    let dup = store.create_account(site_id, "AB12F").await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "got {dup:?}");
    let bad = store.create_account(site_id, "not-hex").await.unwrap_err();
    assert!(matches!(bad, StoreError::Invalid(_)), "got {bad:?}");
}

async fn signal_joins_site_and_zone(store: Store, _url: String) {
    let site_id = store.create_site(&site("Warehouse", None)).await.unwrap();
    store.create_account(site_id, "C0FFEE").await.unwrap();
    store.create_zone(site_id, 3, "Back door").await.unwrap();
    store.create_zone(site_id, 4, "Loading bay").await.unwrap();
    let other_site = store.create_site(&site("Elsewhere", None)).await.unwrap();
    store.create_zone(other_site, 3, "Not this one").await.unwrap();
    assert_eq!(store.zone_name(site_id, 3).await.unwrap().as_deref(), Some("Back door"));
    assert_eq!(store.zone_name(site_id, 9).await.unwrap(), None);
    let dup = store.create_zone(site_id, 3, "Again").await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "got {dup:?}");

    let mut s = signal("c0ffee", 9_000, 1);
    s.site_id = Some(site_id);
    s.known = true;
    let with_zone = store.insert_signal(&s).await.unwrap();
    s.zone = Some("12".to_owned());
    let undefined_zone = store.insert_signal(&s).await.unwrap();
    s.zone = None;
    let no_zone = store.insert_signal(&s).await.unwrap();

    let got = store.signal(with_zone).await.unwrap().unwrap();
    assert!(got.known);
    assert_eq!(got.account, "C0FFEE");
    assert_eq!(got.site_id, Some(site_id));
    assert_eq!(got.site_name.as_deref(), Some("Warehouse"));
    assert_eq!(got.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(got.zone.as_deref(), Some("003"));
    assert_eq!(got.zone_name.as_deref(), Some("Back door"));

    let got = store.signal(undefined_zone).await.unwrap().unwrap();
    assert_eq!(got.site_name.as_deref(), Some("Warehouse"));
    assert_eq!(got.zone_name, None);
    let got = store.signal(no_zone).await.unwrap().unwrap();
    assert_eq!(got.zone, None);
    assert_eq!(got.zone_name, None);
}

async fn list_signals_filters_by_site(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    let c = store.create_site(&site("C", None)).await.unwrap();
    let mut ids = Vec::new();
    for (i, site_id) in [a, b, c, a, b, c].into_iter().enumerate() {
        let mut s = signal("1234", 100, i as i64);
        s.site_id = Some(site_id);
        s.known = true;
        ids.push(store.insert_signal(&s).await.unwrap());
    }
    store.insert_signal(&signal("FFFF", 100, 99)).await.unwrap();

    let q = |site_ids: Option<Vec<i64>>, before_id| SignalQuery { limit: 10, before_id, site_ids };
    let ab = store.list_signals(&q(Some(vec![a, b]), None)).await.unwrap();
    assert_eq!(ab.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ids[4], ids[3], ids[1], ids[0]]);
    let ab_before = store.list_signals(&q(Some(vec![a, b]), Some(ids[3]))).await.unwrap();
    assert_eq!(ab_before.iter().map(|s| s.id).collect::<Vec<_>>(), vec![ids[1], ids[0]]);
    let only_c = store.list_signals(&q(Some(vec![c]), None)).await.unwrap();
    assert!(only_c.iter().all(|s| s.site_name.as_deref() == Some("C")));
    assert_eq!(only_c.len(), 2);
    assert!(store.list_signals(&q(Some(vec![]), None)).await.unwrap().is_empty());
    assert_eq!(store.list_signals(&q(None, None)).await.unwrap().len(), 7);
}

async fn duplicate_username_conflicts(store: Store, _url: String) {
    let id = store.create_user(&user("alice", "operator")).await.unwrap();
    let err = store.create_user(&user("alice", "admin")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    let bad_role = store.create_user(&user("bob", "root")).await.unwrap_err();
    assert!(matches!(bad_role, StoreError::Invalid(_)), "got {bad_role:?}");

    let alice = store.user_by_username("alice").await.unwrap().unwrap();
    assert_eq!(alice.id, id);
    assert_eq!(alice.username, "alice");
    assert_eq!(alice.password_hash, "$argon2id$hash-of-alice");
    assert_eq!(alice.role, "operator");
    assert_eq!(alice.display_name, "User alice");
    assert_eq!(store.user_by_username("bob").await.unwrap(), None);
}

async fn session_expiry(store: Store, _url: String) {
    let uid = store.create_user(&user("carol", "supervisor")).await.unwrap();
    store.create_session("hash-1", uid, 1_000, 2_000).await.unwrap();

    let u = store.session_user("hash-1", 1_500).await.unwrap().expect("valid session");
    assert_eq!(u.id, uid);
    assert_eq!(u.role, "supervisor");
    assert_eq!(store.session_user("hash-1", 1_999).await.unwrap().map(|u| u.id), Some(uid));
    assert_eq!(store.session_user("hash-1", 2_000).await.unwrap(), None);
    assert_eq!(store.session_user("hash-1", 5_000).await.unwrap(), None);
    assert_eq!(store.session_user("other", 1_500).await.unwrap(), None);

    let dup = store.create_session("hash-1", uid, 1_000, 9_000).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "got {dup:?}");

    store.create_session("hash-2", uid, 1_000, 9_000).await.unwrap();
    store.delete_session("hash-2").await.unwrap();
    assert_eq!(store.session_user("hash-2", 1_500).await.unwrap(), None);
    store.delete_session("hash-2").await.unwrap();

    store.create_session("hash-3", uid, 1_000, 9_000).await.unwrap();
    assert_eq!(store.delete_expired_sessions(5_000).await.unwrap(), 1);
    assert!(store.session_user("hash-3", 5_000).await.unwrap().is_some());
}

async fn audit_append_and_list(store: Store, _url: String) {
    let uid = store.create_user(&user("dave", "admin")).await.unwrap();
    let first = store
        .append_audit(&NewAudit {
            at_ms: 10,
            actor_user_id: None,
            action: "login.failed".to_owned(),
            subject: Some("dave".to_owned()),
            detail: None,
        })
        .await
        .unwrap();
    let second = store
        .append_audit(&NewAudit {
            at_ms: 20,
            actor_user_id: Some(uid),
            action: "login".to_owned(),
            subject: None,
            detail: Some("from 192.0.2.1".to_owned()),
        })
        .await
        .unwrap();
    assert!(second > first);

    let all = store.list_audit(10).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, second);
    assert_eq!(all[0].at_ms, 20);
    assert_eq!(all[0].actor_user_id, Some(uid));
    assert_eq!(all[0].action, "login");
    assert_eq!(all[0].subject, None);
    assert_eq!(all[0].detail.as_deref(), Some("from 192.0.2.1"));
    assert_eq!(all[1].id, first);
    assert_eq!(all[1].actor_user_id, None);
    assert_eq!(all[1].subject.as_deref(), Some("dave"));

    let latest = store.list_audit(1).await.unwrap();
    assert_eq!(latest.iter().map(|e| e.id).collect::<Vec<_>>(), vec![second]);
    assert!(store.list_audit(0).await.unwrap().is_empty());
}

async fn site_ids_owned_by_user(store: Store, _url: String) {
    let cust = store.create_user(&user("erin", "customer")).await.unwrap();
    let other = store.create_user(&user("frank", "customer")).await.unwrap();
    let s1 = store.create_site(&site("Erin 1", Some(cust))).await.unwrap();
    let _s2 = store.create_site(&site("Frank", Some(other))).await.unwrap();
    let s3 = store.create_site(&site("Erin 2", Some(cust))).await.unwrap();
    let _s4 = store.create_site(&site("Nobody", None)).await.unwrap();

    assert_eq!(store.site_ids_owned_by(cust).await.unwrap(), vec![s1, s3]);
    assert_eq!(store.site_ids_owned_by(other).await.unwrap().len(), 1);
    assert_eq!(store.site_ids_owned_by(other + cust + 100).await.unwrap(), Vec::<i64>::new());
}

async fn list_sites_and_accounts(store: Store, _url: String) {
    let owner = store.create_user(&user("gina", "customer")).await.unwrap();
    let s1 = store.create_site(&site("Zoo", Some(owner))).await.unwrap();
    let mut other = site("Museum", None);
    other.time_zone = "America/New_York".to_owned();
    other.lat = -33.5;
    other.lon = 151.25;
    let s2 = store.create_site(&other).await.unwrap();
    store.create_account(s1, "F00D").await.unwrap();
    store.create_account(s2, "0A1B").await.unwrap();
    store.create_contact(s1, 1, "Keeper", "+49 30 1234").await.unwrap();
    store.create_contact(s1, 2, "Director", "+49 30 5678").await.unwrap();
    store.create_crew("Crew 7", 52.5, 13.4, "available").await.unwrap();
    assert_eq!(store.count_sites().await.unwrap(), 2);

    let sites = store.list_sites().await.unwrap();
    assert_eq!(sites.len(), 2);
    assert_eq!(sites[0].id, s1);
    assert_eq!(sites[0].name, "Zoo");
    assert_eq!(sites[0].address, "1 Main Street");
    assert_eq!(sites[0].city, "Springfield");
    assert_eq!(sites[0].lat, 52.520_008);
    assert_eq!(sites[0].lon, 13.404_954);
    assert_eq!(sites[0].owner_user_id, Some(owner));
    assert!(sites[0].created_at_ms > 1_600_000_000_000);
    assert_eq!(sites[1].id, s2);
    assert_eq!(sites[1].time_zone, "America/New_York");
    assert_eq!(sites[1].lat, -33.5);
    assert_eq!(sites[1].owner_user_id, None);

    let accounts = store.list_accounts().await.unwrap();
    let summary: Vec<(&str, i64, &str)> =
        accounts.iter().map(|a| (a.number.as_str(), a.site_id, a.site_name.as_str())).collect();
    assert_eq!(summary, vec![("0A1B", s2, "Museum"), ("F00D", s1, "Zoo")]);
}

async fn touch_account_updates_last_seen(store: Store, _url: String) {
    let site_id = store.create_site(&site("Shop", None)).await.unwrap();
    store.create_account(site_id, "ABCD").await.unwrap();
    assert_eq!(store.account_last_seen("ABCD").await.unwrap(), None);
    store.touch_account("abcd", 5_000).await.unwrap();
    assert_eq!(store.account_last_seen("ABCD").await.unwrap(), Some(5_000));
    store.touch_account("ABCD", 4_000).await.unwrap();
    assert_eq!(store.account_last_seen("abcd").await.unwrap(), Some(5_000));
    store.touch_account("ABCD", 6_000).await.unwrap();
    assert_eq!(store.account_last_seen("ABCD").await.unwrap(), Some(6_000));
    store.touch_account("9999", 6_000).await.unwrap();
    assert_eq!(store.account_last_seen("9999").await.unwrap(), None);
}

async fn foreign_keys_are_enforced(store: Store, _url: String) {
    let err = store.create_account(424_242, "1111").await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
    let err = store.create_session("h", 424_242, 0, 10).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
    let mut s = signal("1111", 1, 1);
    s.site_id = Some(424_242);
    let err = store.insert_signal(&s).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
    assert_eq!(store.count_signals().await.unwrap(), 0);
}

#[test]
fn with_database_replaces_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

// ---- receiver: keys, paths, dedupe, supervision ------------------------------

fn path(line: &str, interval_s: i64) -> PathSpec {
    PathSpec { line: line.to_owned(), name: format!("path {line}"), interval_ms: interval_s * 1000, grace_ms: 30_000 }
}

async fn account_keys_are_stored_and_cleared(store: Store, _url: String) {
    let site_id = store.create_site(&site("Keyed", None)).await.unwrap();
    store.create_account(site_id, "5A5A").await.unwrap();
    assert_eq!(store.account("5a5a").await.unwrap().unwrap().key, None);
    let key = SecretKey::from_bytes(b"0123456789abcdef").unwrap();
    store.set_account_key("5a5a", Some(&key)).await.unwrap();
    let stored = store.account("5A5A").await.unwrap().unwrap();
    assert_eq!(stored.key.as_ref().map(SecretKey::expose_hex), Some(key.expose_hex()));
    assert!(!format!("{stored:?}").contains(key.expose_hex()), "the key must not show in Debug");
    store.set_account_key("5A5A", None).await.unwrap();
    assert_eq!(store.account("5A5A").await.unwrap().unwrap().key, None);
    let missing = store.set_account_key("BEEF", Some(&key)).await.unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    let short = store.create_account(site_id, "AB").await.unwrap_err();
    assert!(matches!(short, StoreError::Invalid(_)), "{short:?}");
}

async fn account_paths_keep_state_when_reconfigured(store: Store, _url: String) {
    let site_id = store.create_site(&site("Dual path", None)).await.unwrap();
    let account_id = store.create_account(site_id, "7777").await.unwrap();
    let paths = store.set_account_paths("7777", &[path("1", 60), path("2", 1200)]).await.unwrap();
    assert_eq!(paths.len(), 2);
    assert_eq!((paths[0].line.as_str(), paths[0].interval_ms), ("1", 60_000));
    assert!(paths.iter().all(|p| p.active && !p.failed && p.account_number == "7777"));
    let first = paths[0].clone();
    store
        .save_supervision(
            &[PathUpdate { id: first.id, last_seen_ms: Some(5), deadline_ms: 99, failed: true }],
            &[],
            None,
        )
        .await
        .unwrap();
    let again = store.set_account_paths("7777", &[path("1", 90)]).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, first.id);
    assert_eq!((again[0].interval_ms, again[0].failed, again[0].last_seen_ms), (90_000, true, Some(5)));
    assert_eq!(store.account_paths(account_id).await.unwrap(), again);
    let changed = store.paths_changed_since(0).await.unwrap();
    assert_eq!(changed.iter().filter(|p| !p.active).count(), 1, "the dropped path is kept inactive");
    assert_eq!(store.active_paths().await.unwrap(), again);
    let bad = store.set_account_paths("7777", &[path("xyz", 60)]).await.unwrap_err();
    assert!(matches!(bad, StoreError::Invalid(_)), "{bad:?}");
}

async fn bulk_accounts_are_all_or_nothing(store: Store, _url: String) {
    let site_id = store.create_site(&site("Fleet", None)).await.unwrap();
    let key = SecretKey::from_bytes(&[7; 32]).unwrap();
    let numbers: Vec<String> = (100_000..100_050).map(|n| n.to_string()).collect();
    let ids = store.create_accounts_bulk(site_id, &numbers, Some(&key), &[path("*", 60)]).await.unwrap();
    assert_eq!(ids.len(), 50);
    assert_eq!(store.active_paths().await.unwrap().len(), 50);
    assert_eq!(store.account("100049").await.unwrap().unwrap().key.unwrap().bits(), 256);
    let page = store.list_accounts_page(Some("100010"), 5).await.unwrap();
    assert_eq!(
        page.iter().map(|a| a.number.as_str()).collect::<Vec<_>>(),
        ["100011", "100012", "100013", "100014", "100015"]
    );
    let clash = vec!["200000".to_owned(), "100000".to_owned()];
    let err = store.create_accounts_bulk(site_id, &clash, None, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(store.account("200000").await.unwrap().is_none(), "nothing of a failed bulk is kept");
}

async fn batch_records_repeated_arrivals(store: Store, _url: String) {
    let first = signal("ABC1", 1_000, 1);
    let arrival = NewArrival {
        received_at_ms: 1_500,
        transport: "udp".into(),
        remote_addr: "192.0.2.20:1".into(),
        receiver: None,
        line: "2".into(),
    };
    let out = store
        .write_batch(&[
            WriteItem::Signals(vec![first.clone(), signal("ABC1", 1_000, 2)]),
            WriteItem::Arrival { of: ArrivalOf::Item(0), arrival: arrival.clone() },
        ])
        .await
        .unwrap();
    assert_eq!(out[0].len(), 2);
    assert_eq!(out[1], vec![out[0][0]]);
    let later = store
        .write_batch(&[WriteItem::Arrival { of: ArrivalOf::Signal(out[0][1]), arrival: arrival.clone() }])
        .await
        .unwrap();
    assert_eq!(later, vec![vec![out[0][1]]]);
    let arrivals = store.arrivals(out[0][0]).await.unwrap();
    assert_eq!(arrivals.len(), 1);
    assert_eq!((arrivals[0].transport.as_str(), arrivals[0].line.as_str()), ("udp", "2"));
    assert_eq!(store.count_signals().await.unwrap(), 2);
    let keys = store.recent_dedupe_keys(0).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&(first.dedupe_key.clone().unwrap(), out[0][0])));
    assert!(store.recent_dedupe_keys(2_000).await.unwrap().is_empty());
    let broken = store
        .write_batch(&[
            WriteItem::Signals(vec![signal("ABC1", 3_000, 3)]),
            WriteItem::Arrival { of: ArrivalOf::Item(7), arrival },
        ])
        .await;
    assert!(broken.is_err());
    assert_eq!(store.count_signals().await.unwrap(), 2, "a failed batch stores nothing");
}

/// A group commit of many frames (the recorder's largest batch and more), some of several
/// signals, some repeats of earlier ones: every id returned is the signal of its own frame,
/// with every field as given (on PostgreSQL the batch is one multi-row statement).
async fn a_large_batch_keeps_each_frame_with_its_ids(store: Store, _url: String) {
    let mut items = Vec::new();
    let mut frames = Vec::new();
    for n in 0..300_i64 {
        if n % 7 == 6 {
            let arrival = NewArrival {
                received_at_ms: 5_000 + n,
                transport: "udp".into(),
                remote_addr: format!("192.0.2.{}:9", n % 200),
                receiver: None,
                line: "2".into(),
            };
            items.push(WriteItem::Arrival { of: ArrivalOf::Item(items.len() - 1), arrival });
            continue;
        }
        let signals: Vec<NewSignal> = (0..1 + n % 3)
            .map(|k| {
                let mut s = signal(&format!("{:04}", 1000 + n), 4_000 + n, n * 10 + k);
                s.zone = Some(format!("{:03}", k + 1));
                s.lat = (n % 2 == 0).then_some(50.0 + n as f64 / 1000.0);
                s.known = n % 5 == 0;
                s
            })
            .collect();
        frames.push(items.len());
        items.push(WriteItem::Signals(signals));
    }
    let out = store.write_batch(&items).await.unwrap();
    assert_eq!(out.len(), items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            WriteItem::Signals(signals) => {
                assert_eq!(out[i].len(), signals.len());
                for (s, id) in signals.iter().zip(&out[i]) {
                    let stored = store.signal(*id).await.unwrap().unwrap();
                    assert_eq!(
                        (stored.raw.as_str(), stored.seq, stored.zone.as_deref(), stored.lat, stored.known),
                        (s.raw.as_str(), s.seq, s.zone.as_deref(), s.lat, s.known),
                        "item {i}"
                    );
                }
            }
            WriteItem::Arrival { of: ArrivalOf::Item(j), .. } => {
                assert_eq!(out[i], vec![out[*j][0]], "item {i}");
                assert_eq!(store.arrivals(out[*j][0]).await.unwrap().len(), 1);
            }
            WriteItem::Arrival { .. } => unreachable!(),
        }
    }
    let expected: usize = frames.iter().map(|&i| out[i].len()).sum();
    assert_eq!(store.count_signals().await.unwrap() as usize, expected);
}

async fn supervision_saves_states_with_signals(store: Store, _url: String) {
    let site_id = store.create_site(&site("Supervised", None)).await.unwrap();
    store.create_account(site_id, "5151").await.unwrap();
    let p = store.set_account_paths("5151", &[path("*", 60)]).await.unwrap().remove(0);
    let mut failure = signal("5151", 10_000, 0);
    failure.transport = "internal".into();
    failure.token = "VIGIL".into();
    let ids = store
        .save_supervision(
            &[PathUpdate { id: p.id, last_seen_ms: Some(1), deadline_ms: 2, failed: true }],
            &[failure],
            None,
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(store.signal(ids[0]).await.unwrap().unwrap().transport, "internal");
    let saved = store.active_paths().await.unwrap().remove(0);
    assert_eq!((saved.last_seen_ms, saved.deadline_ms, saved.failed), (Some(1), 2, true));
}
