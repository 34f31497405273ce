//! Upgrading an existing SQLite database: migration 0004 rebuilds the users table (to allow
//! the crew role) without losing sessions, owners, push subscriptions or the users that
//! incidents and journals point at, and foreign keys still hold afterwards.

use std::borrow::Cow;
use std::path::Path;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;
use store::Store;

#[tokio::test]
async fn migration_0004_keeps_every_row_that_points_at_users() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    let url = format!("sqlite://{}", file.display());

    // A database as the previous release left it: migrations 1-3 and some rows.
    let options = SqliteConnectOptions::new().filename(&file).create_if_missing(true).foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
    let mut old = Migrator::new(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))).await.unwrap();
    old.migrations = Cow::Owned(old.migrations.iter().filter(|m| m.version < 4).cloned().collect());
    old.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES (1, 'ana', 'h', 'operator', 'Ana', 1), (2, 'elena', 'h', 'customer', 'Elena', 1)",
        "INSERT INTO sessions VALUES ('t1', 1, 1, 99), ('t2', 2, 1, 99)",
        "INSERT INTO sites (id, name, address, city, lat, lon, time_zone, owner_user_id, created_at) VALUES (1, 'S', 'a', 'c', 44.4, 26.1, 'UTC', 2, 1)",
        "INSERT INTO contacts (id, site_id, position, name, phone, user_id) VALUES (1, 1, 1, 'Elena', '+40 721 000 000', 2)",
        "INSERT INTO crews (id, name, lat, lon, status, user_id) VALUES (1, 'Alpha', 44.4, 26.1, 'available', 1)",
        "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) VALUES (1, 2, 'https://push/1', 'p', 'a', 1)",
        "INSERT INTO incidents (id, site_id, category, priority, status, opened_at, updated_at, claimed_by, detail) VALUES (1, 1, 'burglary', 3, 'new', 1, 1, 1, '{}')",
        "INSERT INTO incident_journal (incident_id, at, actor, actor_user_id, action) VALUES (1, 1, 'operator', 1, 'acknowledged')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;

    // The new release opens it and migrates.
    let store = Store::connect(&url).await.expect("0004 applies to a database with rows");
    store.close().await;

    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(&file).foreign_keys(true))
        .await
        .unwrap();
    let one = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql).fetch_all(&pool).await.unwrap().iter().map(|r| r.get::<i64, _>(0)).collect::<Vec<i64>>()
        }
    };
    assert_eq!(one("SELECT user_id FROM sessions ORDER BY token_hash").await, vec![1, 2], "sessions kept");
    assert_eq!(one("SELECT owner_user_id FROM sites").await, vec![2], "owner kept");
    assert_eq!(
        one("SELECT user_id FROM site_members WHERE role = 'owner'").await,
        vec![2],
        "0005: the owner is the site's member"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM site_members").await,
        vec![1],
        "0005: an owner who is also a contact is one member"
    );
    assert_eq!(one("SELECT user_id FROM contacts").await, vec![2]);
    assert_eq!(one("SELECT user_id FROM crews").await, vec![1]);
    assert_eq!(one("SELECT user_id FROM push_subscriptions").await, vec![2]);
    assert_eq!(one("SELECT claimed_by FROM incidents").await, vec![1]);
    assert!(sqlx::query("PRAGMA foreign_key_check").fetch_all(&pool).await.unwrap().is_empty());
    sqlx::query("INSERT INTO users (username, password_hash, role, display_name, created_at) VALUES ('guard', 'h', 'crew', 'Guard', 1)")
        .execute(&pool)
        .await
        .expect("the crew role is allowed");
    let err = sqlx::query("INSERT INTO sessions VALUES ('t9', 99, 1, 2)").execute(&pool).await;
    assert!(err.is_err(), "foreign keys still point at users");
    sqlx::query("DELETE FROM sessions WHERE user_id = 2").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM push_subscriptions").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM users WHERE id = 2").execute(&pool).await.unwrap();
    assert_eq!(
        sqlx::query("SELECT owner_user_id FROM sites").fetch_one(&pool).await.unwrap().get::<Option<i64>, _>(0),
        None,
        "ON DELETE SET NULL still acts"
    );
}
