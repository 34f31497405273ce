//! The hardening's storage on both backends: sign-in attempts counted before the password is
//! checked (concurrently, by compare-and-set), accounts' plain-frame policy, secrets sealed
//! at rest, and crews' device keys.

#[macro_use]
mod common;

use common::site;
use store::{Attempt, Backoff, SecretKey, SecretsKey, Store, StoreError};

store_tests! {
    attempts_are_reserved_once_each_even_at_once,
    an_accounts_plain_policy_is_kept_and_checked,
    secrets_are_sealed_and_need_their_key,
    a_crew_device_key_is_found_by_device,
}

const BACKOFF: Backoff = Backoff { free: 3, base_ms: 1_000, max_ms: 60_000, forget_ms: 3_600_000 };

async fn attempts_are_reserved_once_each_even_at_once(store: Store, _url: String) {
    // Stamped a moment apart and arriving in any order (as concurrent requests do): the
    // free attempts are free whatever their order.
    for (n, at) in [10_000, 9_998, 9_999].into_iter().enumerate() {
        let attempt = store.reserve_attempt("login:bob", at, &BACKOFF).await.unwrap();
        assert_eq!(attempt, Attempt::Allowed { failures: n as i64 + 1 }, "attempt stamped {at}");
    }
    store.clear_attempts("login:bob").await.unwrap();

    let tries = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.reserve_attempt("login:ana", 10_000, &BACKOFF).await.unwrap() })
    });
    let mut allowed = Vec::new();
    for t in tries {
        if let Attempt::Allowed { failures } = t.await.unwrap() {
            allowed.push(failures);
        }
    }
    allowed.sort();
    assert_eq!(allowed, vec![1, 2, 3], "exactly the free attempts, each counted once");
    assert_eq!(
        store.reserve_attempt("login:ana", 10_500, &BACKOFF).await.unwrap(),
        Attempt::Blocked { until_ms: 11_000 }
    );
    assert_eq!(store.reserve_attempt("login:ana", 11_000, &BACKOFF).await.unwrap(), Attempt::Allowed { failures: 4 });
    assert_eq!(
        store.reserve_attempt("login:ana", 11_001, &BACKOFF).await.unwrap(),
        Attempt::Blocked { until_ms: 13_000 },
        "the wait doubles"
    );
    store.clear_attempts("login:ana").await.unwrap();
    assert_eq!(store.reserve_attempt("login:ana", 11_002, &BACKOFF).await.unwrap(), Attempt::Allowed { failures: 1 });
    assert_eq!(
        store.reserve_attempt("login:ana", 11_002 + BACKOFF.forget_ms + 1, &BACKOFF).await.unwrap(),
        Attempt::Allowed { failures: 1 },
        "old failures are forgotten"
    );
    store.refund_attempt("login:ana").await.unwrap();
    assert_eq!(store.sweep_attempts(i64::MAX).await.unwrap(), 1);
}

async fn an_accounts_plain_policy_is_kept_and_checked(store: Store, _url: String) {
    let site = store.create_site(&site("Bank", None)).await.unwrap();
    store.create_account(site, "5a17").await.unwrap();
    let a = store.account("5A17").await.unwrap().unwrap();
    assert!(!a.allow_plain && a.plain_networks.is_empty());
    store.set_account_plain_policy("5A17", true, &["192.0.2.7".into(), " 10.1.2.3/16 ".into()]).await.unwrap();
    let a = store.account("5A17").await.unwrap().unwrap();
    assert!(a.allow_plain);
    assert_eq!(a.plain_networks, vec!["192.0.2.7/32".to_owned(), "10.1.0.0/16".to_owned()]);
    let err = store.set_account_plain_policy("5A17", true, &["not a net".into()]).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let err = store.set_account_plain_policy("FFFF", false, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

async fn secrets_are_sealed_and_need_their_key(store: Store, url: String) {
    let kek = SecretsKey::from_hex(&"3c".repeat(32)).unwrap();
    let sealed = store.clone().with_secrets_key(kek.clone());
    let site = sealed.create_site(&site("Bank", None)).await.unwrap();
    sealed.create_account(site, "AB12").await.unwrap();
    let key = SecretKey::from_bytes(&[7; 16]).unwrap();
    sealed.set_account_key("AB12", Some(&key)).await.unwrap();
    assert_eq!(sealed.account("AB12").await.unwrap().unwrap().key, Some(key.clone()));
    let vapid = sealed.secret_or_insert("vapid_private_key", || "private".into(), 1).await.unwrap();
    assert_eq!(vapid, "private");
    assert!(store.account("AB12").await.is_err(), "without the key the sealed value does not open");
    let other = Store::connect(&url).await.unwrap().with_secrets_key(SecretsKey::from_hex(&"3d".repeat(32)).unwrap());
    assert!(other.account("AB12").await.is_err(), "nor with another key");
    assert_eq!(sealed.seal_plain_secrets().await.unwrap(), 0, "nothing left in the clear");
    other.close().await;
}

async fn a_crew_device_key_is_found_by_device(store: Store, _url: String) {
    let crew = store.create_crew("Alpha", 44.4, 26.1, "available").await.unwrap();
    store.set_crew_device(crew, Some("phone-1")).await.unwrap();
    store.set_crew_device_key(crew, Some("abc")).await.unwrap();
    let (found, hash) = store.crew_by_device("phone-1").await.unwrap().expect("the crew of phone-1");
    assert_eq!((found.id, found.device_id.as_deref(), hash.as_deref()), (crew, Some("phone-1"), Some("abc")));
    assert_eq!(store.crew_by_device("phone-2").await.unwrap(), None);
    assert!(matches!(store.set_crew_device_key(crew + 99, None).await.unwrap_err(), StoreError::NotFound(_)));
}
