//! Users of a centre run without the demo, on both backends: the first user only on an empty
//! database, disabling and enabling, roles, password resets, and the last administrator who
//! can be neither disabled nor demoted.

#[macro_use]
mod common;

use store::{AuditQuery, NewAudit, NewUser, Store, StoreError};

store_tests! {
    the_first_user_is_created_only_on_an_empty_database,
    a_disabled_user_has_no_session_and_the_last_admin_stays,
    a_new_password_or_role_ends_the_sessions,
    the_audit_journal_is_searched_by_time_actor_action_and_text,
    a_login_keeps_its_language,
}

fn user(name: &str, role: &str) -> NewUser {
    NewUser {
        username: name.into(),
        password_hash: format!("hash-{name}"),
        role: role.into(),
        display_name: name.to_uppercase(),
    }
}

async fn the_first_user_is_created_only_on_an_empty_database(store: Store, _url: String) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let first = store.create_first_user(&user("boss", "admin")).await.unwrap();
    assert!(first.is_some());
    assert_eq!(store.create_first_user(&user("second", "admin")).await.unwrap(), None, "only while there is none");
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert!(store.user_by_username("second").await.unwrap().is_none());
    let boss = store.user(first.unwrap()).await.unwrap().unwrap();
    assert_eq!((boss.username.as_str(), boss.role.as_str(), boss.disabled), ("boss", "admin", false));
    assert!(matches!(store.create_first_user(&user("x", "root")).await, Err(StoreError::Invalid(_))));
}

async fn a_disabled_user_has_no_session_and_the_last_admin_stays(store: Store, _url: String) {
    let boss = store.create_user(&user("boss", "admin")).await.unwrap();
    let ana = store.create_user(&user("ana", "operator")).await.unwrap();
    store.create_session("t-ana", ana, 1, i64::MAX).await.unwrap();
    store.create_session("t-boss", boss, 1, i64::MAX).await.unwrap();
    assert!(store.session_user("t-ana", 2).await.unwrap().is_some());

    store.set_user_disabled(ana, Some(5)).await.unwrap();
    assert!(store.session_user("t-ana", 6).await.unwrap().is_none(), "disabling ends the sessions");
    assert!(store.user_by_username("ana").await.unwrap().unwrap().disabled, "kept, marked disabled");
    store.create_session("t-ana2", ana, 7, i64::MAX).await.unwrap();
    assert!(store.session_user("t-ana2", 8).await.unwrap().is_none(), "a disabled user's session never counts");
    assert!(store.signed_in_users(8).await.unwrap().iter().all(|u| u.id != ana));

    let refused = store.set_user_disabled(boss, Some(9)).await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
    assert!(store.session_user("t-boss", 10).await.unwrap().is_some(), "the refused change did nothing");
    assert!(matches!(store.set_user_role(boss, "operator").await, Err(StoreError::Conflict(_))));

    store.set_user_disabled(ana, None).await.unwrap();
    assert!(!store.user(ana).await.unwrap().unwrap().disabled);
    store.set_user_role(ana, "admin").await.unwrap();
    store.set_user_disabled(boss, Some(11)).await.unwrap();
    assert!(
        matches!(store.set_user_disabled(ana, Some(12)).await, Err(StoreError::Conflict(_))),
        "ana is now the last admin"
    );
    assert!(matches!(store.set_user_disabled(999, Some(12)).await, Err(StoreError::NotFound(_))));
}

async fn a_new_password_or_role_ends_the_sessions(store: Store, _url: String) {
    let boss = store.create_user(&user("boss", "admin")).await.unwrap();
    let ana = store.create_user(&user("ana", "operator")).await.unwrap();
    store.create_session("t1", ana, 1, i64::MAX).await.unwrap();
    assert!(!store.user(ana).await.unwrap().unwrap().must_change);
    store.set_password(ana, "new-hash", true).await.unwrap();
    assert!(store.session_user("t1", 2).await.unwrap().is_none());
    let after = store.user(ana).await.unwrap().unwrap();
    assert_eq!((after.password_hash.as_str(), after.must_change), ("new-hash", true));
    store.set_password(ana, "own-hash", false).await.unwrap();
    assert!(!store.user(ana).await.unwrap().unwrap().must_change, "their own choice clears it");
    store.create_session("t2", ana, 3, i64::MAX).await.unwrap();
    store.set_user_role(ana, "supervisor").await.unwrap();
    assert!(store.session_user("t2", 4).await.unwrap().is_none());
    assert_eq!(store.user(ana).await.unwrap().unwrap().role, "supervisor");
    assert!(matches!(store.set_user_role(ana, "root").await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.set_password(999, "h", false).await, Err(StoreError::NotFound(_))));
    let _ = boss;
}

async fn the_audit_journal_is_searched_by_time_actor_action_and_text(store: Store, _url: String) {
    let boss = store.create_user(&user("boss", "admin")).await.unwrap();
    let entries = [
        (1_000, Some(boss), "user.created", "user:2", "ana (operator)"),
        (2_000, Some(boss), "site.zone_added", "site:7", "003 Back_door 100%"),
        (3_000, None, "user.disabled", "user:2", "ana (from the command line)"),
        (4_000, Some(boss), "user.role", "user:2", "ANA: operator → supervisor"),
    ];
    for (at_ms, actor, action, subject, detail) in entries {
        let e = NewAudit {
            at_ms,
            actor_user_id: actor,
            action: action.into(),
            subject: Some(subject.into()),
            detail: Some(detail.into()),
        };
        store.append_audit(&e).await.unwrap();
    }
    let find = |q: AuditQuery| {
        let store = store.clone();
        async move {
            store
                .search_audit(&AuditQuery { limit: 100, ..q })
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.at_ms)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find(AuditQuery::default()).await, vec![4_000, 3_000, 2_000, 1_000], "newest first");
    assert_eq!(
        find(AuditQuery { action: Some("user.".into()), ..Default::default() }).await,
        vec![4_000, 3_000, 1_000]
    );
    assert_eq!(find(AuditQuery { actor_user_id: Some(boss), ..Default::default() }).await, vec![4_000, 2_000, 1_000]);
    assert_eq!(
        find(AuditQuery { since_ms: Some(2_000), until_ms: Some(4_000), ..Default::default() }).await,
        vec![3_000, 2_000]
    );
    assert_eq!(
        find(AuditQuery { text: Some("ana".into()), ..Default::default() }).await,
        vec![4_000, 3_000, 1_000],
        "any case"
    );
    assert_eq!(
        find(AuditQuery { text: Some("_door 100%".into()), ..Default::default() }).await,
        vec![2_000],
        "wildcards taken literally"
    );
    assert_eq!(find(AuditQuery { text: Some("k%d".into()), ..Default::default() }).await, Vec::<i64>::new());
    let page = store.search_audit(&AuditQuery { limit: 2, ..Default::default() }).await.unwrap();
    let older =
        store.search_audit(&AuditQuery { limit: 2, before_id: Some(page[1].id), ..Default::default() }).await.unwrap();
    assert_eq!(older.iter().map(|a| a.at_ms).collect::<Vec<_>>(), vec![2_000, 1_000]);
}

async fn a_login_keeps_its_language(store: Store, _url: String) {
    let ana = store.create_user(&user("ana", "operator")).await.unwrap();
    assert_eq!(store.user_language(ana).await.unwrap(), None, "the browser's until chosen");
    store.set_user_language(ana, Some("hu")).await.unwrap();
    assert_eq!(store.user_language(ana).await.unwrap().as_deref(), Some("hu"));
    store.set_user_language(ana, None).await.unwrap();
    assert_eq!(store.user_language(ana).await.unwrap(), None);
    assert!(matches!(store.set_user_language(ana + 99, Some("fr")).await, Err(StoreError::NotFound(_))));
}
