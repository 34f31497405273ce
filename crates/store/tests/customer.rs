//! The customer app's records on both backends: memberships, panel commands, push
//! settings, invoices, service requests, secrets and contacts' away periods.

#[macro_use]
mod common;

use common::{site, user};
use store::{InvoiceRecord, ServiceRequest, Store, StoreError};

store_tests! {
    members_and_roles,
    panel_commands_queue_and_finish,
    push_prefs_default_to_everything,
    invoices_and_requests,
    secrets_are_made_once,
    contacts_change_and_go_away,
}

async fn members_and_roles(store: Store, _url: String) {
    let owner = store.create_user(&user("100001", "customer")).await.unwrap();
    let other = store.create_user(&user("100002", "customer")).await.unwrap();
    let home = store.create_site(&site("Home", Some(owner))).await.unwrap();
    let shop = store.create_site(&site("Shop", None)).await.unwrap();
    store.set_site_member(shop, owner, "contact").await.unwrap();
    let sites = store.member_sites(owner).await.unwrap();
    let roles: Vec<_> = sites.iter().map(|m| (m.site_id, m.role.as_str())).collect();
    assert_eq!(roles, vec![(home, "owner"), (shop, "contact")], "a site's owner becomes its member");
    assert_eq!(store.member_role(owner, shop).await.unwrap().as_deref(), Some("contact"));
    assert_eq!(store.member_role(other, home).await.unwrap(), None);
    assert_eq!(store.site_ids_owned_by(owner).await.unwrap(), vec![home, shop]);
    store.set_site_member(shop, owner, "owner").await.unwrap();
    assert_eq!(
        store.member_role(owner, shop).await.unwrap().as_deref(),
        Some("owner"),
        "a role is replaced, not added"
    );
    assert_eq!(store.site_member_ids(shop).await.unwrap(), vec![owner]);
    assert_eq!(store.sites_with_members().await.unwrap(), vec![home, shop]);
    assert!(matches!(store.set_site_member(shop, other, "boss").await, Err(StoreError::Invalid(_))));
}

async fn panel_commands_queue_and_finish(store: Store, _url: String) {
    let u = store.create_user(&user("100001", "customer")).await.unwrap();
    let s = store.create_site(&site("Home", Some(u))).await.unwrap();
    let first = store.queue_panel_command(s, "arm", Some(u), 1_000).await.unwrap();
    let second = store.queue_panel_command(s, "night", Some(u), 2_000).await.unwrap();
    let queued = store.queued_panel_commands().await.unwrap();
    assert_eq!(
        queued.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![second],
        "the newer wish supersedes the queued one"
    );
    assert_eq!(queued[0].user_name.as_deref(), Some("User 100001"));
    assert!(store.finish_panel_command(second, true, None, 3_000).await.unwrap());
    assert!(
        !store.finish_panel_command(second, false, Some("late"), 4_000).await.unwrap(),
        "a finished command stays as it is"
    );
    let all = store.panel_commands(s, 0).await.unwrap();
    let states: Vec<_> = all.iter().map(|c| (c.id, c.status.as_str(), c.detail.as_deref())).collect();
    assert_eq!(states, vec![(second, "done", None), (first, "failed", Some("superseded"))]);
    assert!(store.panel_commands(s, 1_500).await.unwrap().iter().all(|c| c.id == second));
    assert!(matches!(store.queue_panel_command(s, "open sesame", None, 5_000).await, Err(StoreError::Invalid(_))));
}

async fn push_prefs_default_to_everything(store: Store, _url: String) {
    let u = store.create_user(&user("100001", "customer")).await.unwrap();
    let s = store.create_site(&site("Home", Some(u))).await.unwrap();
    assert_eq!(store.push_prefs(u, s).await.unwrap(), (true, true));
    store.set_push_prefs(u, s, true, false).await.unwrap();
    assert_eq!(store.push_prefs(u, s).await.unwrap(), (true, false));
    assert_eq!(
        (store.push_opted_out(s, true).await.unwrap(), store.push_opted_out(s, false).await.unwrap()),
        (vec![], vec![u])
    );
    store.set_push_prefs(u, s, false, true).await.unwrap();
    assert_eq!(store.push_prefs(u, s).await.unwrap(), (false, true));
    assert_eq!(
        (store.push_opted_out(s, true).await.unwrap(), store.push_opted_out(s, false).await.unwrap()),
        (vec![u], vec![])
    );
}

async fn invoices_and_requests(store: Store, _url: String) {
    let u = store.create_user(&user("100001", "customer")).await.unwrap();
    let s = store.create_site(&site("Home", Some(u))).await.unwrap();
    let invoice = |number: &str, issued: &str, paid: Option<&str>| InvoiceRecord {
        id: 0,
        site_id: s,
        number: number.into(),
        issued_on: issued.into(),
        due_on: issued.into(),
        description: "Monitoring".into(),
        amount_cents: 12_900,
        currency: "RON".into(),
        paid_on: paid.map(Into::into),
    };
    store.add_invoice(&invoice("A-1", "2026-10-01", Some("2026-10-05"))).await.unwrap();
    store.add_invoice(&invoice("A-2", "2026-11-01", None)).await.unwrap();
    assert!(matches!(store.add_invoice(&invoice("A-2", "2026-12-01", None)).await, Err(StoreError::Conflict(_))));
    let numbers: Vec<_> = store.invoices(s).await.unwrap().into_iter().map(|i| (i.number, i.paid_on)).collect();
    assert_eq!(numbers, vec![("A-2".to_owned(), None), ("A-1".to_owned(), Some("2026-10-05".to_owned()))]);

    let request = |kind: &str| ServiceRequest {
        id: 0,
        site_id: s,
        user_id: Some(u),
        kind: kind.into(),
        details: "the siren beeps".into(),
        from_date: None,
        until_date: None,
        status: "open".into(),
        created_at_ms: 1_000,
    };
    let id = store.add_service_request(&request("technician")).await.unwrap();
    assert!(matches!(store.add_service_request(&request("pizza")).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.service_requests(None).await.unwrap().len(), 1);
    store.close_service_request(id, 2_000).await.unwrap();
    assert!(store.service_requests(None).await.unwrap().is_empty(), "done requests leave the open list");
    assert_eq!(store.service_requests(Some(s)).await.unwrap()[0].status, "done");
    assert!(matches!(store.close_service_request(id + 100, 2_000).await, Err(StoreError::NotFound(_))));
}

async fn secrets_are_made_once(store: Store, _url: String) {
    let first = store.secret_or_insert("vapid_private_key", || "one".into(), 1).await.unwrap();
    let second = store.secret_or_insert("vapid_private_key", || "two".into(), 2).await.unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
}

async fn contacts_change_and_go_away(store: Store, _url: String) {
    let s = store.create_site(&site("Home", None)).await.unwrap();
    let c = store.create_contact(s, 1, "Ana", "+40 700 000 001").await.unwrap();
    store.update_contact(c, "Ana Pop", "+40 700 000 009").await.unwrap();
    store.set_contact_away(c, Some(5_000), Some(9_000)).await.unwrap();
    let got = &store.contacts(s).await.unwrap()[0];
    assert_eq!((got.name.as_str(), got.phone.as_str()), ("Ana Pop", "+40 700 000 009"));
    assert_eq!((got.unavailable_from_ms, got.unavailable_until_ms), (Some(5_000), Some(9_000)));
    store.set_contact_away(c, Some(5_000), None).await.unwrap();
    let got = &store.contacts(s).await.unwrap()[0];
    assert_eq!((got.unavailable_from_ms, got.unavailable_until_ms), (None, None), "back: no period left");
    assert!(matches!(store.update_contact(c + 100, "x", "y").await, Err(StoreError::NotFound(_))));
}
