//! Shared by the store test files: runs a test body on a fresh SQLite file and on a
//! fresh PostgreSQL database (server from `VIGIL_TEST_POSTGRES`), plus fixtures.
//! Each test file uses only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AnyConnection, Connection, Executor, PgConnection};
use store::{Backend, NewSignal, NewSite, NewUser, Store};

const POSTGRES_ENV: &str = "VIGIL_TEST_POSTGRES";
const POSTGRES_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Runs `body` on a fresh SQLite file in a temp dir.
pub async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&url).await.expect("connect sqlite");
    assert_eq!(store.backend(), Backend::Sqlite);
    body(store.clone(), url).await;
    store.close().await;
}

/// Runs `body` on a fresh PostgreSQL database, dropped afterwards even if
/// `body` panics.
pub async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| POSTGRES_DEFAULT.to_owned());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "cannot reach PostgreSQL at {admin_url}: {e}\n\
             set {POSTGRES_ENV} to the URL of a server where the user may CREATE DATABASE"
        )
    });
    let name = unique_db_name();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name} via {POSTGRES_ENV}={admin_url}: {e}"));
    let url = with_database(&admin_url, &name);

    let outcome = match Store::connect(&url).await {
        Ok(store) => {
            assert_eq!(store.backend(), Backend::Postgres);
            let result = tokio::spawn(body(store.clone(), url)).await;
            store.close().await;
            result.map_err(|e| e.into_panic())
        }
        Err(e) => Err(Box::new(format!("connect to {name}: {e}")) as Box<dyn std::any::Any + Send>),
    };

    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {name}: {e}"));
    admin.close().await.ok();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub fn unique_db_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one((std::process::id(), n, std::time::SystemTime::now()));
    format!("vigil_t_{random:016x}")
}

/// `admin_url` with its database path replaced by `db` (query kept).
pub fn with_database(admin_url: &str, db: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut url = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// Declares each test twice: `sqlite::name` and `postgres::name`.
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    $crate::common::on_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    $crate::common::on_postgres(super::$name).await;
                }
            )*
        }
    };
}

/// A plain connection to the store's database, for SQL the store does not offer.
pub async fn raw_connection(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(url).await.expect("raw connection")
}

// ---- fixtures -------------------------------------------------------------

/// A signal of an unknown account, received at `at_ms`.
pub fn signal(account: &str, at_ms: i64, seq: i64) -> NewSignal {
    NewSignal {
        received_at_ms: at_ms,
        account: account.to_owned(),
        site_id: None,
        known: false,
        token: "SIA-DCS".to_owned(),
        seq,
        receiver: Some("R1".to_owned()),
        line: "L1".to_owned(),
        protocol: Some("sia".to_owned()),
        qualifier: None,
        event_code: Some("BA".to_owned()),
        zone: Some("003".to_owned()),
        area: Some("1".to_owned()),
        user_number: None,
        meaning: "Burglary alarm".to_owned(),
        raw: format!("\"SIA-DCS\"{seq:04}R1L1#{account}[#{account}|NBA003]"),
        remote_addr: "192.0.2.10:40000".to_owned(),
        transport: "tcp".to_owned(),
        encrypted: false,
        dedupe_key: Some(format!("{account}/{seq}/{at_ms}")),
        lat: None,
        lon: None,
    }
}

/// A site in Berlin.
pub fn site(name: &str, owner: Option<i64>) -> NewSite {
    NewSite {
        name: name.to_owned(),
        address: "1 Main Street".to_owned(),
        city: "Springfield".to_owned(),
        lat: 52.520_008,
        lon: 13.404_954,
        time_zone: "Europe/Berlin".to_owned(),
        owner_user_id: owner,
    }
}

/// A user whose password hash names them.
pub fn user(username: &str, role: &str) -> NewUser {
    NewUser {
        username: username.to_owned(),
        password_hash: format!("$argon2id$hash-of-{username}"),
        role: role.to_owned(),
        display_name: format!("User {username}"),
    }
}
