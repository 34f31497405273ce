//! The administrators' site search on both backends: case and accents ignored alike, phones
//! by their digits, a count of every match and pages of it.

#[macro_use]
mod common;

use common::site;
use store::{NewSite, Store};

store_tests! {
    search_ignores_case_and_accents_on_every_field,
    search_counts_every_match_and_pages_them,
}

async fn search_ignores_case_and_accents_on_every_field(store: Store, _url: String) {
    let a = store
        .create_site(&NewSite {
            name: "Farmacia Lazăr".into(),
            address: "Șos. Ştefan cel Mare 3".into(),
            city: "București".into(),
            ..site("x", None)
        })
        .await
        .unwrap();
    let b = store.create_site(&site("Depot", None)).await.unwrap();
    store.create_account(b, "7a03").await.unwrap();
    store.create_contact(b, 1, "Ödön Győri", "+40 722-555-003").await.unwrap();
    let ids = |q: &'static str| {
        let store = store.clone();
        async move { store.search_sites(q, 0, 50).await.unwrap().hits.into_iter().map(|h| h.id).collect::<Vec<_>>() }
    };
    assert_eq!(ids("lazar").await, vec![a], "name without its accent");
    assert_eq!(ids("LAZĂR").await, vec![a], "upper case with it");
    assert_eq!(ids("sos. stefan").await, vec![a], "address, with comma-below and cedilla letters");
    assert_eq!(ids("bucuresti").await, vec![a], "city");
    assert_eq!(ids("7A03").await, vec![b], "account");
    assert_eq!(ids("odon gyori").await, vec![b], "contact's name");
    assert_eq!(ids("722 555 003").await, vec![b], "phone by its digits");
    assert_eq!(ids("nowhere").await, Vec::<i64>::new());
    let hit = &store.search_sites("depot", 0, 50).await.unwrap().hits[0];
    assert_eq!(
        (hit.accounts.clone(), hit.contacts.clone()),
        (vec!["7A03".to_owned()], vec!["Ödön Győri +40 722-555-003".to_owned()])
    );
}

async fn search_counts_every_match_and_pages_them(store: Store, _url: String) {
    let mut ids = Vec::new();
    for n in 0..23 {
        ids.push(store.create_site(&site(&format!("Shop {n}"), None)).await.unwrap());
    }
    store.create_site(&site("Depot", None)).await.unwrap();
    let first = store.search_sites("shop", 0, 10).await.unwrap();
    assert_eq!((first.total, first.hits.len()), (23, 10));
    assert_eq!(first.hits.iter().map(|h| h.id).collect::<Vec<_>>(), ids[..10]);
    let last = store.search_sites("SHOP", 20, 10).await.unwrap();
    assert_eq!((last.total, last.hits.iter().map(|h| h.id).collect::<Vec<_>>()), (23, ids[20..].to_vec()));
    assert_eq!(
        store.search_sites("", 0, 1000).await.unwrap().hits.len(),
        store::MAX_SEARCH_PAGE.min(24),
        "a page is bounded"
    );
    assert_eq!(store.search_sites("", 0, 5).await.unwrap().total, 24);
}
