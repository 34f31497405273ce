//! The engine's storage (incidents, journal, outbox, documents, cursor, contacts,
//! crews, push subscriptions) on both backends: a fresh SQLite file and a fresh
//! PostgreSQL database (server from `VIGIL_TEST_POSTGRES`).

#[macro_use]
mod common;

use common::{raw_connection, signal, site, user};
use sqlx::Executor;
use store::{
    Backend, CrewUpdate, EngineBatch, HistoryQuery, IncidentQuery, IncidentRow, JournalEntry, NewAudit, NewOutbox,
    Store, StoreError,
};

store_tests! {
    signals_after_pages_forward_with_positions,
    site_documents_are_upserted,
    engine_batch_writes_everything,
    engine_batch_is_atomic,
    incident_upsert_overwrites_every_column,
    list_incidents_orders_and_filters,
    incident_history_filters_by_site_time_category_resolution_and_operator,
    incident_journal_is_append_only,
    outbox_due_attempt_retry_failed,
    contacts_reorder_and_passwords,
    crews_are_updated,
    push_subscriptions_are_kept_per_login_and_capped,
    crew_logins_devices_and_who_is_signed_in,
    import_site_is_all_or_nothing,
    crew_photos_are_images_bounded_in_size_and_number,
}

// ---- fixtures -------------------------------------------------------------

fn incident(id: i64, site_id: i64, priority: i64, opened_at_ms: i64) -> IncidentRow {
    IncidentRow {
        id,
        site_id,
        category: "burglary".to_owned(),
        priority,
        status: "new".to_owned(),
        opened_at_ms,
        updated_at_ms: opened_at_ms,
        closed_at_ms: None,
        resolution: None,
        claimed_by: None,
        crew_id: None,
        group_key: Some(format!("site-{site_id}/burglary")),
        deadline_at_ms: Some(opened_at_ms + 60_000),
        silent: false,
        detail: format!("{{\"incident\":{id}}}"),
    }
}

fn journal(incident_id: i64, at_ms: i64, action: &str) -> JournalEntry {
    JournalEntry {
        incident_id,
        at_ms,
        actor: "engine".to_owned(),
        actor_user_id: None,
        action: action.to_owned(),
        detail: None,
    }
}

fn message(created_at_ms: i64, incident_id: Option<i64>) -> NewOutbox {
    NewOutbox {
        created_at_ms,
        channel: "email".to_owned(),
        recipient: "owner@example.com".to_owned(),
        subject: format!("Alarm {created_at_ms}"),
        body: "Burglary alarm at your site".to_owned(),
        site_id: None,
        incident_id,
    }
}

fn ids(rows: &[IncidentRow]) -> Vec<i64> {
    rows.iter().map(|i| i.id).collect()
}

// ---- test bodies (each runs on both backends) ------------------------------

async fn signals_after_pages_forward_with_positions(store: Store, _url: String) {
    assert_eq!(store.max_signal_id().await.unwrap(), 0);
    assert!(store.signals_after(0, 10).await.unwrap().is_empty());
    assert_eq!(store.cursor("engine").await.unwrap(), None);

    let site_id = store.create_site(&site("Van", None)).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut s = signal("4242", 1_000 + i, i);
        if i == 2 {
            s.site_id = Some(site_id);
            s.known = true;
            s.lat = Some(52.516_275);
            s.lon = Some(-13.377_704);
        }
        ids.push(store.insert_signal(&s).await.unwrap());
    }
    assert_eq!(store.max_signal_id().await.unwrap(), ids[4]);

    let page = |after, limit| {
        let store = store.clone();
        async move { store.signals_after(after, limit).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>() }
    };
    assert_eq!(page(0, 2).await, vec![ids[0], ids[1]]);
    assert_eq!(page(ids[1], 2).await, vec![ids[2], ids[3]]);
    assert_eq!(page(ids[3], 2).await, vec![ids[4]]);
    assert!(page(ids[4], 2).await.is_empty());
    assert!(page(0, 0).await.is_empty());

    let placed = store.signals_after(ids[1], 1).await.unwrap().remove(0);
    assert_eq!(placed.id, ids[2]);
    assert_eq!(placed.lat, Some(52.516_275));
    assert_eq!(placed.lon, Some(-13.377_704));
    assert_eq!(placed.site_name.as_deref(), Some("Van"), "joined like list_signals");
    assert_eq!(store.signal(ids[2]).await.unwrap().unwrap(), placed);
    let plain = store.signal(ids[0]).await.unwrap().unwrap();
    assert_eq!((plain.lat, plain.lon), (None, None));
}

async fn site_documents_are_upserted(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    assert!(store.site_settings_all().await.unwrap().is_empty());
    assert!(store.site_states_all().await.unwrap().is_empty());

    store.put_site_settings(b, r#"{"kind":"shop"}"#, 10).await.unwrap();
    store.put_site_settings(a, r#"{"kind":"home"}"#, 10).await.unwrap();
    store.put_site_settings(b, r#"{"kind":"bank"}"#, 20).await.unwrap();
    assert_eq!(
        store.site_settings_all().await.unwrap(),
        vec![(a, r#"{"kind":"home"}"#.to_owned()), (b, r#"{"kind":"bank"}"#.to_owned())]
    );
    assert_eq!(store.site_settings(b).await.unwrap().as_deref(), Some(r#"{"kind":"bank"}"#));
    assert_eq!(store.site_settings(a + b + 100).await.unwrap(), None);
    let err = store.put_site_settings(a + b + 100, "{}", 30).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");

    let states = |site_states: Vec<(i64, String)>| EngineBatch { site_states, ..EngineBatch::default() };
    store
        .apply_engine_batch(&states(vec![(a, r#"{"armed":true}"#.into()), (b, r#"{"armed":false}"#.into())]))
        .await
        .unwrap();
    store.apply_engine_batch(&states(vec![(a, r#"{"armed":false}"#.into())])).await.unwrap();
    assert_eq!(
        store.site_states_all().await.unwrap(),
        vec![(a, r#"{"armed":false}"#.to_owned()), (b, r#"{"armed":false}"#.to_owned())]
    );

    assert_eq!(store.site(a).await.unwrap().map(|s| s.name), Some("A".to_owned()));
    assert_eq!(store.site(a + b + 100).await.unwrap(), None);
}

async fn engine_batch_writes_everything(store: Store, _url: String) {
    let site_id = store.create_site(&site("Bank", None)).await.unwrap();
    let operator = store.create_user(&user("olga", "operator")).await.unwrap();
    let crew = store.create_crew("Crew 1", 52.5, 13.4, "available").await.unwrap();
    let s1 = store.insert_signal(&signal("1234", 1_000, 1)).await.unwrap();
    let s2 = store.insert_signal(&signal("1234", 1_100, 2)).await.unwrap();

    // An empty batch writes nothing, not even a cursor.
    store.apply_engine_batch(&EngineBatch::default()).await.unwrap();
    assert_eq!(store.cursor("engine").await.unwrap(), None);

    let mut opened = incident(7, site_id, 1, 1_000);
    opened.claimed_by = Some(operator);
    opened.crew_id = Some(crew);
    let batch = EngineBatch {
        cursor: Some(("engine".to_owned(), s2)),
        site_states: vec![(site_id, r#"{"armed":true}"#.to_owned())],
        incidents: vec![opened.clone()],
        journal: vec![
            journal(7, 1_000, "opened"),
            JournalEntry {
                actor: "operator".to_owned(),
                actor_user_id: Some(operator),
                detail: Some("on it".to_owned()),
                ..journal(7, 1_050, "acknowledged")
            },
        ],
        incident_signals: vec![(7, s1), (7, s2), (7, s1)],
        outbox: vec![message(1_000, Some(7))],
        audit: vec![NewAudit {
            at_ms: 1_000,
            actor_user_id: None,
            action: "incident.open".to_owned(),
            subject: Some("7".to_owned()),
            detail: None,
        }],
        crews: vec![CrewUpdate {
            id: crew,
            lat: 52.6,
            lon: 13.5,
            status: "dispatched".to_owned(),
            heading: Some(90.0),
            on_shift: true,
            at_ms: 1_060,
        }],
        ..EngineBatch::default()
    };
    store.apply_engine_batch(&batch).await.unwrap();

    assert_eq!(store.cursor("engine").await.unwrap(), Some(s2));
    assert_eq!(store.cursor("other").await.unwrap(), None);
    assert_eq!(store.site_states_all().await.unwrap(), vec![(site_id, r#"{"armed":true}"#.to_owned())]);
    assert_eq!(store.incident(7).await.unwrap(), Some(opened.clone()));
    assert_eq!(store.incident(8).await.unwrap(), None);
    assert_eq!(store.max_incident_id().await.unwrap(), 7);
    assert_eq!(store.incident_signal_ids(7).await.unwrap(), vec![s1, s2]);
    assert_eq!(store.incident_of_signal(s2).await.unwrap(), Some(7));
    assert_eq!(store.incident_of_signal(s2 + 1).await.unwrap(), None);

    let entries = store.incident_journal(7).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].id < entries[1].id);
    assert_eq!((entries[0].action.as_str(), entries[0].actor.as_str()), ("opened", "engine"));
    assert_eq!(entries[1].incident_id, 7);
    assert_eq!(entries[1].at_ms, 1_050);
    assert_eq!(entries[1].actor, "operator");
    assert_eq!(entries[1].actor_user_id, Some(operator));
    assert_eq!(entries[1].detail.as_deref(), Some("on it"));

    let queued = store.list_outbox(Some(7), 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].status.as_str(), queued[0].attempts), ("pending", 0));
    assert_eq!(queued[0].next_attempt_at_ms, 1_000, "due when created");
    assert_eq!(queued[0].incident_id, Some(7));

    let audit = store.list_audit(10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "incident.open");

    let crews = store.list_crews().await.unwrap();
    assert_eq!((crews[0].status.as_str(), crews[0].heading, crews[0].updated_at_ms), ("dispatched", Some(90.0), 1_060));

    // The next step moves the cursor on and attaches a signal already attached: no change.
    let next = EngineBatch {
        cursor: Some(("engine".to_owned(), s2 + 5)),
        incident_signals: vec![(7, s2)],
        ..EngineBatch::default()
    };
    store.apply_engine_batch(&next).await.unwrap();
    assert_eq!(store.cursor("engine").await.unwrap(), Some(s2 + 5));
    assert_eq!(store.incident_signal_ids(7).await.unwrap(), vec![s1, s2]);
}

async fn engine_batch_is_atomic(store: Store, _url: String) {
    let site_id = store.create_site(&site("Shop", None)).await.unwrap();
    let crew = store.create_crew("Crew 2", 50.0, 10.0, "available").await.unwrap();
    let s1 = store.insert_signal(&signal("1234", 1_000, 1)).await.unwrap();
    let full = |journal_for: i64, crew_id: i64| EngineBatch {
        cursor: Some(("engine".to_owned(), s1)),
        site_states: vec![(site_id, "{}".to_owned())],
        incidents: vec![incident(1, site_id, 1, 1_000)],
        journal: vec![journal(1, 1_000, "opened"), journal(journal_for, 1_000, "opened")],
        incident_signals: vec![(1, s1)],
        outbox: vec![message(1_000, Some(1))],
        audit: vec![NewAudit { at_ms: 1_000, action: "incident.open".to_owned(), ..NewAudit::default() }],
        crews: vec![CrewUpdate {
            id: crew_id,
            lat: 1.0,
            lon: 2.0,
            status: "busy".to_owned(),
            heading: None,
            on_shift: false,
            at_ms: 1_000,
        }],
        ..EngineBatch::default()
    };
    let nothing_written = |store: Store| async move {
        assert_eq!(store.cursor("engine").await.unwrap(), None, "cursor rolled back");
        assert!(store.site_states_all().await.unwrap().is_empty());
        assert_eq!(store.incident(1).await.unwrap(), None);
        assert_eq!(store.max_incident_id().await.unwrap(), 0);
        assert!(store.incident_journal(1).await.unwrap().is_empty());
        assert!(store.incident_signal_ids(1).await.unwrap().is_empty());
        assert!(store.list_outbox(None, 10).await.unwrap().is_empty());
        assert!(store.list_audit(10).await.unwrap().is_empty());
        let crews = store.list_crews().await.unwrap();
        assert_eq!((crews[0].status.as_str(), crews[0].updated_at_ms), ("available", 0));
    };

    // A journal entry for an incident that does not exist (foreign key).
    let err = store.apply_engine_batch(&full(999, crew)).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
    nothing_written(store.clone()).await;

    // An unknown crew, the second-to-last write.
    let err = store.apply_engine_batch(&full(1, crew + 100)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    nothing_written(store.clone()).await;

    // A check constraint on an incident.
    let mut bad = full(1, crew);
    bad.incidents[0].status = "forgotten".to_owned();
    let err = store.apply_engine_batch(&bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "got {err:?}");
    nothing_written(store.clone()).await;

    // The same batch, valid, is written whole.
    store.apply_engine_batch(&full(1, crew)).await.unwrap();
    assert_eq!(store.cursor("engine").await.unwrap(), Some(s1));
    assert_eq!(store.incident_journal(1).await.unwrap().len(), 2);
}

async fn incident_upsert_overwrites_every_column(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    let operator = store.create_user(&user("otto", "operator")).await.unwrap();
    let crew = store.create_crew("Crew 3", 50.0, 10.0, "available").await.unwrap();
    let first = incident(41, a, 3, 5_000);
    store.apply_engine_batch(&EngineBatch { incidents: vec![first.clone()], ..EngineBatch::default() }).await.unwrap();
    assert_eq!(store.incident(41).await.unwrap(), Some(first));

    let changed = IncidentRow {
        id: 41,
        site_id: b,
        category: "fire".to_owned(),
        priority: 1,
        status: "closed".to_owned(),
        opened_at_ms: 4_000,
        updated_at_ms: 9_000,
        closed_at_ms: Some(9_000),
        resolution: Some("false_technical".to_owned()),
        claimed_by: Some(operator),
        crew_id: Some(crew),
        group_key: None,
        deadline_at_ms: None,
        silent: true,
        detail: r#"{"closed":true}"#.to_owned(),
    };
    store
        .apply_engine_batch(&EngineBatch { incidents: vec![changed.clone()], ..EngineBatch::default() })
        .await
        .unwrap();
    assert_eq!(store.incident(41).await.unwrap(), Some(changed.clone()));
    assert_eq!(store.list_incidents(&IncidentQuery::default()).await.unwrap(), vec![changed]);
    assert!(store.open_incidents().await.unwrap().is_empty());

    // And back: cleared columns are cleared.
    let reopened = incident(41, a, 2, 5_000);
    store
        .apply_engine_batch(&EngineBatch { incidents: vec![reopened.clone()], ..EngineBatch::default() })
        .await
        .unwrap();
    assert_eq!(store.incident(41).await.unwrap(), Some(reopened.clone()));
    assert_eq!(store.open_incidents().await.unwrap(), vec![reopened]);
    assert_eq!(store.max_incident_id().await.unwrap(), 41);
}

async fn list_incidents_orders_and_filters(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    let mut rows = vec![
        incident(1, a, 2, 100),
        incident(2, b, 1, 200),
        incident(3, a, 1, 300),
        incident(4, a, 1, 150),
        incident(5, b, 2, 50),
        incident(6, b, 2, 50),
    ];
    rows[2].silent = true;
    rows[3].status = "closed".to_owned();
    rows[3].closed_at_ms = Some(400);
    rows[3].resolution = Some("real".to_owned());
    store.apply_engine_batch(&EngineBatch { incidents: rows.clone(), ..EngineBatch::default() }).await.unwrap();

    let list = |q: IncidentQuery| {
        let store = store.clone();
        async move { ids(&store.list_incidents(&q).await.unwrap()) }
    };
    let open = IncidentQuery { open_only: true, ..IncidentQuery::default() };
    assert_eq!(list(open.clone()).await, vec![2, 3, 5, 6, 1], "priority, opened_at, id");
    assert_eq!(ids(&store.open_incidents().await.unwrap()), vec![2, 3, 5, 6, 1]);
    assert_eq!(list(IncidentQuery::default()).await, vec![6, 5, 4, 3, 2, 1], "newest first");
    assert_eq!(list(IncidentQuery { include_silent: false, ..IncidentQuery::default() }).await, vec![6, 5, 4, 2, 1]);
    assert_eq!(list(IncidentQuery { include_silent: false, ..open.clone() }).await, vec![2, 5, 6, 1]);
    assert_eq!(list(IncidentQuery { site_ids: Some(vec![a]), ..IncidentQuery::default() }).await, vec![4, 3, 1]);
    assert_eq!(list(IncidentQuery { site_ids: Some(vec![b]), ..open.clone() }).await, vec![2, 5, 6]);
    assert_eq!(list(IncidentQuery { site_ids: Some(vec![a, b]), ..IncidentQuery::default() }).await.len(), 6);
    assert!(list(IncidentQuery { site_ids: Some(vec![]), ..IncidentQuery::default() }).await.is_empty());
    assert_eq!(
        list(IncidentQuery { since_ms: Some(100), until_ms: Some(250), ..IncidentQuery::default() }).await,
        vec![4, 2, 1],
        "opened in [since, until)"
    );
    assert_eq!(list(IncidentQuery { since_ms: Some(150), ..IncidentQuery::default() }).await, vec![4, 3, 2]);
    assert_eq!(list(IncidentQuery { until_ms: Some(100), ..IncidentQuery::default() }).await, vec![6, 5]);
    assert_eq!(list(IncidentQuery { limit: 2, before_id: Some(4), ..IncidentQuery::default() }).await, vec![3, 2]);
    assert_eq!(list(IncidentQuery { limit: 2, ..open.clone() }).await, vec![2, 3]);
    assert!(list(IncidentQuery { limit: 0, ..IncidentQuery::default() }).await.is_empty());
    assert_eq!(
        list(IncidentQuery {
            site_ids: Some(vec![a]),
            include_silent: false,
            since_ms: Some(0),
            until_ms: Some(1_000),
            before_id: Some(4),
            ..IncidentQuery::default()
        })
        .await,
        vec![1],
        "all filters together"
    );
}

async fn incident_history_filters_by_site_time_category_resolution_and_operator(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    let ana = store.create_user(&user("ana", "operator")).await.unwrap();
    let mut rows = vec![incident(1, a, 2, 100), incident(2, b, 1, 200), incident(3, a, 1, 300)];
    rows[1].category = "fire".into();
    rows[0].resolution = Some("false_user".into());
    rows[0].closed_at_ms = Some(150);
    let mut by_ana = journal(3, 310, "acknowledged");
    by_ana.actor_user_id = Some(ana);
    store
        .apply_engine_batch(&EngineBatch { incidents: rows, journal: vec![by_ana], ..EngineBatch::default() })
        .await
        .unwrap();
    let find = |q: HistoryQuery| {
        let store = store.clone();
        async move { ids(&store.incident_history(&HistoryQuery { limit: 50, ..q }).await.unwrap()) }
    };
    assert_eq!(find(HistoryQuery::default()).await, vec![3, 2, 1], "newest first, open and closed");
    assert_eq!(find(HistoryQuery { site_id: Some(a), ..Default::default() }).await, vec![3, 1]);
    assert_eq!(find(HistoryQuery { since_ms: Some(150), until_ms: Some(300), ..Default::default() }).await, vec![2]);
    assert_eq!(find(HistoryQuery { category: Some("fire".into()), ..Default::default() }).await, vec![2]);
    assert_eq!(find(HistoryQuery { resolution: Some("false_user".into()), ..Default::default() }).await, vec![1]);
    assert_eq!(find(HistoryQuery { operator: Some(ana), ..Default::default() }).await, vec![3]);
    assert_eq!(find(HistoryQuery { before_id: Some(3), ..Default::default() }).await, vec![2, 1]);
    assert!(find(HistoryQuery { category: Some("fire".into()), site_id: Some(a), ..Default::default() })
        .await
        .is_empty());
}

async fn incident_journal_is_append_only(store: Store, url: String) {
    let site_id = store.create_site(&site("Vault", None)).await.unwrap();
    store
        .apply_engine_batch(&EngineBatch {
            incidents: vec![incident(1, site_id, 1, 1_000)],
            journal: vec![journal(1, 1_000, "opened"), journal(1, 2_000, "escalated")],
            ..EngineBatch::default()
        })
        .await
        .unwrap();
    let before = store.incident_journal(1).await.unwrap();
    assert_eq!(before.len(), 2);

    let mut conn = raw_connection(&url).await;
    let update = conn.execute("UPDATE incident_journal SET action = 'forged'").await;
    assert!(update.is_err(), "UPDATE must fail: {update:?}");
    let delete = conn.execute("DELETE FROM incident_journal WHERE incident_id = 1").await;
    assert!(delete.is_err(), "DELETE must fail: {delete:?}");
    if store.backend() == Backend::Postgres {
        let truncate = conn.execute("TRUNCATE incident_journal").await;
        assert!(truncate.is_err(), "TRUNCATE must fail: {truncate:?}");
    }
    // Appending still works.
    conn.execute("INSERT INTO incident_journal (incident_id, at, actor, action) VALUES (1, 3000, 'crew', 'arrived')")
        .await
        .unwrap();
    drop(conn);

    let after = store.incident_journal(1).await.unwrap();
    assert_eq!(after[..2], before[..]);
    assert_eq!(after.len(), 3);
    assert_eq!((after[2].actor.as_str(), after[2].action.as_str()), ("crew", "arrived"));

    let bad_actor = store
        .apply_engine_batch(&EngineBatch {
            journal: vec![JournalEntry { actor: "ghost".to_owned(), ..journal(1, 4_000, "x") }],
            ..EngineBatch::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(bad_actor, StoreError::Invalid(_)), "got {bad_actor:?}");
}

async fn outbox_due_attempt_retry_failed(store: Store, _url: String) {
    let site_id = store.create_site(&site("Office", None)).await.unwrap();
    let mut sms = message(2_000, Some(1));
    sms.channel = "sms".to_owned();
    sms.recipient = "+49 30 1234".to_owned();
    sms.site_id = Some(site_id);
    store
        .apply_engine_batch(&EngineBatch {
            incidents: vec![incident(1, site_id, 1, 1_000)],
            outbox: vec![message(1_000, Some(1)), sms.clone(), message(3_000, None)],
            ..EngineBatch::default()
        })
        .await
        .unwrap();
    let all = store.list_outbox(None, 10).await.unwrap();
    assert_eq!(all.len(), 3);
    let (m1, m2, m3) = (all[2].id, all[1].id, all[0].id);
    assert!(m1 < m2 && m2 < m3, "newest first");
    assert_eq!(all[1].channel, "sms");
    assert_eq!(all[1].recipient, sms.recipient);
    assert_eq!(all[1].subject, sms.subject);
    assert_eq!(all[1].body, sms.body);
    assert_eq!(all[1].site_id, Some(site_id));
    assert_eq!((all[1].sent_at_ms, all[1].last_error.as_deref()), (None, None));
    assert_eq!(all[0].incident_id, None);
    let of_incident: Vec<i64> = store.list_outbox(Some(1), 10).await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(of_incident, vec![m2, m1]);
    assert_eq!(store.list_outbox(None, 1).await.unwrap().len(), 1);

    let due = |now, limit| {
        let store = store.clone();
        async move { store.due_outbox(now, limit).await.unwrap().iter().map(|m| m.id).collect::<Vec<_>>() }
    };
    assert!(due(999, 10).await.is_empty());
    assert_eq!(due(1_000, 10).await, vec![m1]);
    assert_eq!(due(5_000, 2).await, vec![m1, m2]);

    // Sent at the first attempt.
    store.record_outbox_attempt(m1, 1_100, Ok(()), None).await.unwrap();
    let sent = store.list_outbox(None, 10).await.unwrap().into_iter().find(|m| m.id == m1).unwrap();
    assert_eq!((sent.status.as_str(), sent.attempts, sent.sent_at_ms), ("sent", 1, Some(1_100)));
    assert_eq!(due(5_000, 10).await, vec![m2, m3]);

    // Fails, retried later, then given up.
    store.record_outbox_attempt(m2, 2_100, Err("timeout".to_owned()), Some(4_000)).await.unwrap();
    let retrying = store.list_outbox(None, 10).await.unwrap().into_iter().find(|m| m.id == m2).unwrap();
    assert_eq!(retrying.status, "pending");
    assert_eq!((retrying.attempts, retrying.next_attempt_at_ms), (1, 4_000));
    assert_eq!(retrying.last_error.as_deref(), Some("timeout"));
    assert_eq!(due(3_999, 10).await, vec![m3]);
    assert_eq!(due(4_000, 10).await, vec![m2, m3]);
    store.record_outbox_attempt(m2, 4_100, Err("refused".to_owned()), None).await.unwrap();
    let failed = store.list_outbox(None, 10).await.unwrap().into_iter().find(|m| m.id == m2).unwrap();
    assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 2));
    assert_eq!((failed.last_error.as_deref(), failed.sent_at_ms), (Some("refused"), None));
    assert_eq!(due(i64::MAX, 10).await, vec![m3]);

    assert_eq!(store.outbox_attempts(m1).await.unwrap(), vec![(1_100, true, None)]);
    assert_eq!(
        store.outbox_attempts(m2).await.unwrap(),
        vec![(2_100, false, Some("timeout".to_owned())), (4_100, false, Some("refused".to_owned()))]
    );
    assert!(store.outbox_attempts(m3).await.unwrap().is_empty());

    let err = store.record_outbox_attempt(m3 + 100, 5_000, Ok(()), None).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    assert!(store.outbox_attempts(m3 + 100).await.unwrap().is_empty());

    let bad = store
        .apply_engine_batch(&EngineBatch {
            outbox: vec![NewOutbox { channel: "pigeon".to_owned(), ..message(6_000, None) }],
            ..EngineBatch::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(bad, StoreError::Invalid(_)), "got {bad:?}");
}

async fn contacts_reorder_and_passwords(store: Store, _url: String) {
    let a = store.create_site(&site("A", None)).await.unwrap();
    let b = store.create_site(&site("B", None)).await.unwrap();
    let c1 = store.create_contact(a, 1, "Ann", "+1 1").await.unwrap();
    let c2 = store.create_contact(a, 2, "Ben", "+1 2").await.unwrap();
    let c3 = store.create_contact(a, 3, "Cid", "+1 3").await.unwrap();
    let other = store.create_contact(b, 1, "Dot", "+1 4").await.unwrap();
    let order = |site_id| {
        let store = store.clone();
        async move { store.contacts(site_id).await.unwrap().iter().map(|c| (c.id, c.position)).collect::<Vec<_>>() }
    };
    assert_eq!(order(a).await, vec![(c1, 1), (c2, 2), (c3, 3)]);

    store.reorder_contacts(a, &[c3, c1, c2]).await.unwrap();
    assert_eq!(order(a).await, vec![(c3, 1), (c1, 2), (c2, 3)]);
    for wrong in [vec![c3, c1], vec![c3, c1, c2, other], vec![c1, c1, c2], vec![c1, c2, other], vec![]] {
        let err = store.reorder_contacts(a, &wrong).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{wrong:?}: got {err:?}");
    }
    assert_eq!(order(a).await, vec![(c3, 1), (c1, 2), (c2, 3)], "a refused order changes nothing");
    assert_eq!(order(b).await, vec![(other, 1)]);
    store.reorder_contacts(b + a + 100, &[]).await.unwrap();

    assert!(store.contact_password_hashes(a).await.unwrap().is_empty());
    assert!(store.contacts(a).await.unwrap().iter().all(|c| !c.has_password));
    store.set_contact_password(c2, Some("$argon2id$ben")).await.unwrap();
    store.set_contact_password(other, Some("$argon2id$dot")).await.unwrap();
    assert_eq!(store.contact_password_hashes(a).await.unwrap(), vec![(c2, "$argon2id$ben".to_owned())]);
    let with_password: Vec<i64> =
        store.contacts(a).await.unwrap().iter().filter(|c| c.has_password).map(|c| c.id).collect();
    assert_eq!(with_password, vec![c2]);
    store.set_contact_password(c2, None).await.unwrap();
    assert!(store.contact_password_hashes(a).await.unwrap().is_empty());

    let customer = store.create_user(&user("ann", "customer")).await.unwrap();
    store.set_contact_details(c1, Some("ann@example.com"), Some(customer)).await.unwrap();
    store.set_contact_unavailable(c1, Some(99_000)).await.unwrap();
    let ann = store.contacts(a).await.unwrap().into_iter().find(|c| c.id == c1).unwrap();
    assert_eq!(ann.site_id, a);
    assert_eq!((ann.name.as_str(), ann.phone.as_str()), ("Ann", "+1 1"));
    assert_eq!(ann.email.as_deref(), Some("ann@example.com"));
    assert_eq!(ann.user_id, Some(customer));
    assert_eq!(ann.unavailable_until_ms, Some(99_000));
    store.set_contact_unavailable(c1, None).await.unwrap();
    store.set_contact_details(c1, None, None).await.unwrap();
    let ann = store.contacts(a).await.unwrap().into_iter().find(|c| c.id == c1).unwrap();
    assert_eq!((ann.email, ann.user_id, ann.unavailable_until_ms), (None, None, None));

    let all: Vec<(i64, i64)> = store.all_contacts().await.unwrap().iter().map(|c| (c.site_id, c.id)).collect();
    assert_eq!(all, vec![(a, c3), (a, c1), (a, c2), (b, other)]);

    let missing = other + 100;
    for err in [
        store.set_contact_password(missing, Some("x")).await.unwrap_err(),
        store.set_contact_details(missing, None, None).await.unwrap_err(),
        store.set_contact_unavailable(missing, None).await.unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    }
    let err = store.set_contact_details(c1, None, Some(customer + 100)).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
}

async fn crews_are_updated(store: Store, _url: String) {
    let c1 = store.create_crew("Alpha", 52.5, 13.4, "available").await.unwrap();
    let c2 = store.create_crew("Bravo", 48.1, 11.6, "off").await.unwrap();
    let crews = store.list_crews().await.unwrap();
    assert_eq!(crews.iter().map(|c| c.id).collect::<Vec<_>>(), vec![c1, c2]);
    assert_eq!(crews[0].name, "Alpha");
    assert_eq!((crews[0].lat, crews[0].lon), (52.5, 13.4));
    assert_eq!((crews[0].heading, crews[0].on_shift, crews[0].user_id, crews[0].updated_at_ms), (None, true, None, 0));

    let update = CrewUpdate {
        id: c2,
        lat: 48.2,
        lon: 11.7,
        status: "en_route".to_owned(),
        heading: Some(271.5),
        on_shift: false,
        at_ms: 7_000,
    };
    // First without a heading, then with one: a NULL real must not fix the bound type.
    store.update_crew(&CrewUpdate { heading: None, ..update.clone() }).await.unwrap();
    assert_eq!(store.list_crews().await.unwrap()[1].heading, None);
    store.update_crew(&update).await.unwrap();
    let driver = store.create_user(&user("dan", "operator")).await.unwrap();
    store.set_crew_user(c2, Some(driver)).await.unwrap();
    let bravo = store.list_crews().await.unwrap().remove(1);
    assert_eq!((bravo.lat, bravo.lon, bravo.status.as_str()), (48.2, 11.7, "en_route"));
    assert_eq!((bravo.heading, bravo.on_shift, bravo.updated_at_ms), (Some(271.5), false, 7_000));
    assert_eq!((bravo.name.as_str(), bravo.user_id), ("Bravo", Some(driver)));
    assert_eq!(store.list_crews().await.unwrap()[0].status, "available", "other crews untouched");
    store.set_crew_user(c2, None).await.unwrap();
    assert_eq!(store.list_crews().await.unwrap()[1].user_id, None);
    // Losing the heading clears it.
    store.update_crew(&CrewUpdate { heading: None, at_ms: 9_000, ..update.clone() }).await.unwrap();
    let bravo = store.list_crews().await.unwrap().remove(1);
    assert_eq!((bravo.heading, bravo.updated_at_ms), (None, 9_000));

    let err = store.update_crew(&CrewUpdate { id: c2 + 100, ..update }).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    let err = store.set_crew_user(c2 + 100, None).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");
    let err = store.set_crew_user(c1, Some(driver + 100)).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
}

async fn push_subscriptions_are_kept_per_login_and_capped(store: Store, _url: String) {
    let u1 = store.create_user(&user("una", "operator")).await.unwrap();
    let u2 = store.create_user(&user("udo", "customer")).await.unwrap();
    let e1 = "https://push.example/one";
    let e2 = "https://push.example/two";
    let first = store.add_push_subscription(u1, e1, "key-1", "auth-1", 100).await.unwrap();
    let second = store.add_push_subscription(u1, e2, "key-2", "auth-2", 200).await.unwrap();
    assert_ne!(first, second);
    // Another user cannot take the endpoint over; the same user renews its keys in place.
    let err = store.add_push_subscription(u2, e1, "key-3", "auth-3", 300).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    let again = store.add_push_subscription(u1, e1, "key-3", "auth-3", 300).await.unwrap();
    assert_eq!(again, first);
    assert!(store.push_subscriptions_of_users(&[u2]).await.unwrap().is_empty());
    let of_u1 = store.push_subscriptions_of_users(&[u1]).await.unwrap();
    assert_eq!(of_u1.len(), 2);
    let renewed = of_u1.iter().find(|s| s.id == first).unwrap();
    assert_eq!(
        (renewed.user_id, renewed.p256dh.as_str(), renewed.auth.as_str(), renewed.created_at_ms),
        (u1, "key-3", "auth-3", 300)
    );

    // A login keeps at most MAX_PUSH_SUBSCRIPTIONS: the oldest go.
    for i in 0..store::MAX_PUSH_SUBSCRIPTIONS {
        store.add_push_subscription(u2, &format!("https://push.example/u2/{i}"), "k", "a", 1_000 + i).await.unwrap();
    }
    let newest = store.add_push_subscription(u2, "https://push.example/u2/new", "k", "a", 5_000).await.unwrap();
    let of_u2 = store.push_subscriptions_of_users(&[u2]).await.unwrap();
    assert_eq!(of_u2.len() as i64, store::MAX_PUSH_SUBSCRIPTIONS);
    assert!(of_u2.iter().any(|s| s.id == newest) && !of_u2.iter().any(|s| s.endpoint == "https://push.example/u2/0"));

    store.remove_push_subscription(e1).await.unwrap();
    store.remove_push_subscription(e1).await.unwrap();
    assert_eq!(store.push_subscriptions_of_users(&[u1]).await.unwrap().len(), 1);
    assert!(store.push_subscriptions_of_users(&[]).await.unwrap().is_empty());

    let err = store.add_push_subscription(u2 + 100, "https://push.example/x", "k", "a", 1).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingReference(_)), "got {err:?}");
}

async fn crew_logins_devices_and_who_is_signed_in(store: Store, _url: String) {
    let guard = store.create_user(&user("guard1", "crew")).await.expect("the crew role exists after migration 0004");
    let op = store.create_user(&user("op1", "operator")).await.unwrap();
    let c1 = store.create_crew("Alpha", 44.4, 26.1, "available").await.unwrap();
    let c2 = store.create_crew("Bravo", 44.5, 26.2, "available").await.unwrap();
    store.set_crew_user(c1, Some(guard)).await.unwrap();
    store.set_crew_device(c1, Some("861234")).await.unwrap();
    let crews = store.list_crews().await.unwrap();
    assert_eq!((crews[0].device_id.as_deref(), crews[0].user_id), (Some("861234"), Some(guard)));
    assert_eq!(crews[1].device_id, None);
    let err = store.set_crew_device(c2, Some("861234")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "one device, one crew: got {err:?}");
    let err = store.set_crew_device(c2 + 100, Some("x")).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "got {err:?}");

    store.create_session("t-guard", guard, 1_000, 10_000).await.unwrap();
    store.create_session("t-op-old", op, 1_000, 4_000).await.unwrap();
    let on: Vec<i64> = store.signed_in_users(5_000).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(on, vec![guard], "expired sessions do not count");
    store.create_session("t-op", op, 5_000, 20_000).await.unwrap();
    let on: Vec<i64> = store.signed_in_users(5_000).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(on, vec![guard, op]);
    let all: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.role).collect();
    assert_eq!(all, vec!["crew", "operator"]);
}

async fn import_site_is_all_or_nothing(store: Store, _url: String) {
    let new = store::NewSite {
        name: "Depozit Nord".into(),
        address: "Strada Polonă 3".into(),
        city: "București".into(),
        lat: 44.45,
        lon: 26.1,
        time_zone: "Europe/Bucharest".into(),
        owner_user_id: None,
    };
    let contacts = vec![
        ("Ana Pop".to_owned(), "+40 721 000 001".to_owned()),
        ("Dan Pop".to_owned(), "+40 721 000 002".to_owned()),
    ];
    let id = store.import_site(&new, "a1b2", &contacts).await.unwrap();
    assert_eq!(store.account("A1B2").await.unwrap().map(|a| a.site_id), Some(id));
    let names: Vec<(i64, String)> =
        store.contacts(id).await.unwrap().into_iter().map(|c| (c.position, c.name)).collect();
    assert_eq!(names, vec![(1, "Ana Pop".to_owned()), (2, "Dan Pop".to_owned())]);
    let before = store.count_sites().await.unwrap();
    let err = store.import_site(&new, "A1B2", &contacts).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert_eq!(store.count_sites().await.unwrap(), before, "no site left behind by a failed import");
    let err = store.import_site(&new, "not-hex", &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "got {err:?}");
}

async fn crew_photos_are_images_bounded_in_size_and_number(store: Store, _url: String) {
    let site_id = store.create_site(&site("Depot", None)).await.unwrap();
    store
        .apply_engine_batch(&EngineBatch { incidents: vec![incident(1, site_id, 3, 1_000)], ..EngineBatch::default() })
        .await
        .unwrap();
    let crew = store.create_crew("Echo 1", 44.4, 26.1, "available").await.unwrap();
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 1000][..]].concat();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[1u8; 10][..]].concat();
    let a = store.add_photo(1, crew, 2_000, &jpeg).await.unwrap();
    let b = store.add_photo(1, crew, 3_000, &png).await.unwrap();
    assert_eq!(store.photo(1, a).await.unwrap(), Some(("image/jpeg".to_owned(), jpeg.clone())));
    assert_eq!(
        store.photos_of(1).await.unwrap().iter().map(|p| (p.id, p.mime.as_str())).collect::<Vec<_>>(),
        vec![(a, "image/jpeg"), (b, "image/png")]
    );
    assert_eq!(store.photo(2, a).await.unwrap(), None, "a photo is read through its own incident only");
    assert!(matches!(store.add_photo(1, crew, 4_000, b"<svg onload=alert(1)>").await, Err(StoreError::Invalid(_))));
    let huge = [&[0xFF, 0xD8, 0xFF][..], &vec![0u8; store::MAX_PHOTO_BYTES][..]].concat();
    assert!(matches!(store.add_photo(1, crew, 4_000, &huge).await, Err(StoreError::Invalid(_))));
    for n in 2..store::MAX_PHOTOS_PER_INCIDENT {
        store.add_photo(1, crew, 5_000 + n, &jpeg).await.unwrap();
    }
    assert!(matches!(store.add_photo(1, crew, 9_000, &jpeg).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.photos_of(1).await.unwrap().len() as i64, store::MAX_PHOTOS_PER_INCIDENT);
}
