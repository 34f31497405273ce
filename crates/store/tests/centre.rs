//! The centre's own settings, removing an account from its site, and zone types, on both
//! backends.

#[macro_use]
mod common;

use common::{site, user};
use store::{PathSpec, SecretKey, Store, StoreError};

store_tests! {
    a_centre_setting_is_stored_and_replaced,
    a_removed_account_stops_being_supervised_and_frees_its_number,
    a_zone_has_a_type_or_none,
    an_archived_site_leaves_every_list_but_its_history,
}

async fn a_centre_setting_is_stored_and_replaced(store: Store, _url: String) {
    assert_eq!(store.centre_setting("plans").await.unwrap(), None);
    store.put_centre_setting("plans", "[1]", 10).await.unwrap();
    store.put_centre_setting("plans", "[2]", 20).await.unwrap();
    assert_eq!(store.centre_setting("plans").await.unwrap().as_deref(), Some("[2]"));
}

async fn a_removed_account_stops_being_supervised_and_frees_its_number(store: Store, _url: String) {
    let site_id = store.create_site(&site("Removed", None)).await.unwrap();
    store.create_account(site_id, "7A01").await.unwrap();
    store.set_account_key("7A01", Some(&SecretKey::from_bytes(&[7u8; 16]).expect("a 128-bit key"))).await.unwrap();
    let spec = PathSpec { line: "1".into(), name: "IP".into(), interval_ms: 90_000, grace_ms: 30_000 };
    store.set_account_paths("7A01", &[spec]).await.unwrap();
    let before = store.active_paths().await.unwrap().len();
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64 - 1;

    let gone = store.remove_account("7a01").await.unwrap();
    assert_eq!(gone.site_id, site_id);
    assert_eq!(store.account("7A01").await.unwrap(), None, "a panel sending under it is no longer known");
    assert_eq!(store.active_paths().await.unwrap().len(), before - 1);
    let changed = store.paths_changed_since(since).await.unwrap();
    assert!(
        changed.iter().any(|p| p.account_id == gone.id && !p.active),
        "the supervisor reads the path as ended: {changed:?}"
    );
    assert!(store.list_accounts().await.unwrap().iter().all(|a| a.site_id != site_id));
    assert!(store.list_accounts_page(None, 100).await.unwrap().iter().all(|a| a.site_id != site_id));
    assert!(matches!(store.remove_account("7A01").await, Err(StoreError::NotFound(_))));
    // The number is free again, for this site or another.
    store.create_account(site_id, "7A01").await.unwrap();
    assert_eq!(store.account("7A01").await.unwrap().unwrap().key, None, "the old key is not carried over");
}

async fn a_zone_has_a_type_or_none(store: Store, _url: String) {
    let site_id = store.create_site(&site("Zoned", None)).await.unwrap();
    store.create_zone(site_id, 3, "Hall").await.unwrap();
    assert!(store.zone_kinds(site_id).await.unwrap().is_empty());
    store.set_zone_kind(site_id, 3, Some("entry")).await.unwrap();
    assert_eq!(store.zone_kinds(site_id).await.unwrap().get(&3).map(String::as_str), Some("entry"));
    assert!(matches!(store.set_zone_kind(site_id, 3, Some("garden")).await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.set_zone_kind(site_id, 4, Some("fire")).await, Err(StoreError::NotFound(_))));
    store.set_zone_kind(site_id, 3, None).await.unwrap();
    assert!(store.zone_kinds(site_id).await.unwrap().is_empty());
}

async fn an_archived_site_leaves_every_list_but_its_history(store: Store, _url: String) {
    let owner = store.create_user(&user("900001", "customer")).await.unwrap();
    let kept = store.create_site(&site("Kept", Some(owner))).await.unwrap();
    let gone = store.create_site(&site("Gone", Some(owner))).await.unwrap();
    store.set_site_member(gone, owner, "owner").await.unwrap();
    store.set_site_member(kept, owner, "owner").await.unwrap();
    store.set_site_archived(gone, Some(5)).await.unwrap();
    assert_eq!(store.list_sites().await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![kept]);
    assert_eq!(store.archived_sites().await.unwrap()[0].archived_at_ms, Some(5));
    assert!(store.search_sites("", 0, 50).await.unwrap().hits.iter().all(|s| s.id != gone));
    assert_eq!(store.site_ids_owned_by(owner).await.unwrap(), vec![kept]);
    assert!(store.member_sites(owner).await.unwrap().iter().all(|m| m.site_id != gone));
    assert_eq!(store.member_role(owner, gone).await.unwrap(), None, "its customers no longer reach it");
    assert_eq!(store.site(gone).await.unwrap().unwrap().name, "Gone", "its history still names it");
    assert_eq!(store.site_names().await.unwrap().get(&gone).map(String::as_str), Some("Gone"));
    store.set_site_archived(gone, None).await.unwrap();
    assert_eq!(store.list_sites().await.unwrap().len(), 2);
    assert!(matches!(store.set_site_archived(999_999, None).await, Err(StoreError::NotFound(_))));
}
