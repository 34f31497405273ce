//! Two Vigil nodes on one PostgreSQL database (server from `VIGIL_TEST_POSTGRES`): one runs
//! the engine, the other sends it commands through the store and shows what it did; the
//! survivor takes over when the leader stops; a node whose lease was taken is fenced. And on
//! the test's own database: work asked while the lease is still held is done once it is free.

use std::time::Duration;

use engine::{Actor, Command, CommandError};
use sqlx::{Connection, Executor};
use tokio::io::AsyncWriteExt;

use crate::support::{add_test_shop, cid_frame, drop_postgres, fresh_postgres, read_frame, spawn_node, TestApp};

/// Polls `check` every 50 ms until it holds or `within` passes.
async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends a Contact ID event from account 1234 to a node's receiver; returns the reply.
async fn send(node: &TestApp, seq: u16, event: &str) -> String {
    let mut panel = tokio::net::TcpStream::connect(node.dc09).await.unwrap();
    panel.write_all(&cid_frame(seq, "1234", event).encode()).await.unwrap();
    String::from_utf8_lossy(&read_frame(&mut panel).await).into_owned()
}

async fn open_incidents(node: &TestApp) -> Vec<(i64, Option<i64>)> {
    node.engine().read(|e, _| e.open_incidents().iter().map(|i| (i.id, i.claimed_by)).collect()).await.unwrap()
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

/// An operator user on the shared database.
async fn operator(node: &TestApp, name: &str) -> i64 {
    let user = store::NewUser {
        username: name.into(),
        password_hash: "x".into(),
        role: "operator".into(),
        display_name: name.into(),
    };
    node.store.create_user(&user).await.unwrap()
}

#[tokio::test]
async fn two_nodes_run_one_engine_and_the_survivor_takes_over() {
    let url = fresh_postgres().await;
    let a = spawn_node(&url).await;
    let b = spawn_node(&url).await;
    assert!(a.leads() && !b.leads(), "the first node leads, the second follows");
    let site = add_test_shop(&a.store, None).await;
    b.engine().reload_site(site).await.expect("a reload asked on the follower is done by the leader");
    let (ana, dan) = (operator(&a, "ana").await, operator(&a, "dan").await);

    // A burglary received by the follower: stored, acknowledged, handled by the leader.
    assert!(send(&b, 1, "1130 01 001").await.contains("ACK"));
    eventually(Duration::from_secs(3), "the leader opens the incident", || async {
        open_incidents(&a).await.len() == 1
    })
    .await;
    let incident = open_incidents(&a).await[0].0;
    eventually(Duration::from_secs(3), "the follower's copy shows it", || async {
        open_incidents(&b).await.len() == 1
    })
    .await;

    // The same frame sent to both nodes (a panel's two receivers): stored once, both
    // arrivals recorded, both acknowledged.
    let frame = cid_frame(9, "1234", "1602 00 000").encode();
    for node in [&a, &b] {
        let mut panel = tokio::net::TcpStream::connect(node.dc09).await.unwrap();
        panel.write_all(&frame).await.unwrap();
        assert!(String::from_utf8_lossy(&read_frame(&mut panel).await).contains("ACK"));
    }
    assert_eq!(count(&url, "SELECT COUNT(*) FROM signals WHERE event_code = '602'").await, 1);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM signal_arrivals").await, 1);

    // A claim made on the follower holds on the leader, and the other operator is refused on
    // either node.
    b.engine().command(Actor::Operator(ana), Command::Acknowledge { incident }).await.expect("claimed via the store");
    assert_eq!(open_incidents(&a).await, [(incident, Some(ana))]);
    assert_eq!(open_incidents(&b).await, [(incident, Some(ana))], "the follower answers after refreshing");
    let refused = a.engine().command(Actor::Operator(dan), Command::Acknowledge { incident }).await;
    assert!(matches!(refused, Err(app::ssr::engine::EngineError::Refused(CommandError::Claimed { .. }))));
    let refused = b.engine().command(Actor::Operator(dan), Command::Acknowledge { incident }).await;
    assert!(matches!(refused, Err(app::ssr::engine::EngineError::Refused(CommandError::Claimed { .. }))));

    // The leader stops (and gives the lease up): the follower leads at once, from the store.
    a.stop().await;
    eventually(Duration::from_secs(3), "the survivor leads", || async { b.leads() }).await;
    eventually(Duration::from_secs(3), "and runs the engine", || async {
        b.engine().command(Actor::Operator(dan), Command::Acknowledge { incident }).await.is_err()
    })
    .await;
    assert!(send(&b, 2, "1130 01 002").await.contains("ACK"));
    eventually(Duration::from_secs(3), "the new leader handles the next alarm", || async {
        count(&url, "SELECT COUNT(*) FROM incident_signals").await == 2
    })
    .await;
    assert_eq!(open_incidents(&b).await, [(incident, Some(ana))], "the same incident, still claimed");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM incidents").await, 1);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM signals").await, 3);
    b.stop().await;
    drop_postgres(&url).await;
}

#[tokio::test]
async fn a_node_whose_lease_was_taken_writes_nothing_and_a_command_without_a_leader_is_refused() {
    let url = fresh_postgres().await;
    let a = spawn_node(&url).await;
    assert!(a.leads());
    let site = add_test_shop(&a.store, None).await;
    a.engine().reload_site(site).await.unwrap();
    let ana = operator(&a, "ana").await;

    // Another holder takes the lease (as a node would after this one stalled past it).
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    conn.execute("UPDATE leases SET holder = 'elsewhere', token = token + 1, expires_at = 9e15").await.unwrap();
    assert!(send(&a, 1, "1130 01 001").await.contains("ACK"), "the receiver still stores and acknowledges");
    eventually(Duration::from_secs(3), "the node steps down", || async { !a.leads() }).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(&url, "SELECT COUNT(*) FROM incidents").await, 0, "the fenced node wrote no incident");

    // Nobody runs the engine: a command is withdrawn after the wait, and never done. As many
    // as a node lets wait at once are all refused so; one more is refused at once, unsent.
    let started = tokio::time::Instant::now();
    let ack = || a.engine().command(Actor::Operator(ana), Command::Acknowledge { incident: 1 });
    let waiting: Vec<_> = (0..server::alarm::remote::MAX_WAITING).map(|_| ack()).collect();
    let (refused, over) = tokio::join!(futures::future::join_all(waiting), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        ack().await
    });
    assert!(matches!(over, Err(app::ssr::engine::EngineError::Busy(_))), "{over:?}");
    for r in &refused {
        assert!(matches!(r, Err(app::ssr::engine::EngineError::NoLeader(_))), "{r:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(12));
    let queued = count(&url, "SELECT COUNT(*) FROM engine_commands WHERE answer IS NULL").await;
    assert_eq!(queued, server::alarm::remote::MAX_WAITING as i64, "the one over was never queued");

    // The other holder goes: this node leads again and handles the waiting signal once.
    conn.execute("UPDATE leases SET expires_at = 0").await.unwrap();
    eventually(Duration::from_secs(3), "the node leads again", || async { a.leads() }).await;
    eventually(Duration::from_secs(3), "the waiting alarm is handled", || async {
        count(&url, "SELECT COUNT(*) FROM incidents").await == 1
    })
    .await;
    assert!(open_incidents(&a).await[0].1.is_none(), "the withdrawn claim was never carried out");
    a.stop().await;
    drop(conn);
    drop_postgres(&url).await;
}

#[tokio::test]
async fn work_asked_before_the_lease_is_free_is_done_once_it_is() {
    // As after a crash: the lease is still held (by the run that died) for a moment.
    let app = crate::support::spawn_app().await;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&app.database_url()).await.unwrap();
    let soon = chrono::Utc::now().timestamp_millis() + 1_500;
    sqlx::query("UPDATE leases SET holder = 'the run that died', token = token + 1, expires_at = $1")
        .bind(soon)
        .execute(&mut conn)
        .await
        .unwrap();
    eventually(Duration::from_secs(3), "the node follows", || async { !app.leads() }).await;
    let started = tokio::time::Instant::now();
    app.engine().settle().await.expect("done by this node once it leads");
    assert!(app.leads());
    assert!(started.elapsed() < Duration::from_secs(5), "not left to time out");
    app.stop().await;
}

/// Whether the node's pages are told the database is up (`/rpc/database_up`).
async fn database_up(node: &TestApp, client: &reqwest::Client) -> bool {
    let resp = client.post(node.url("/rpc/database_up")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap().trim() == "true"
}

/// The database URL given with a host that refuses connections first (libpq's host list):
/// the node uses the one that answers. Then the database stops taking connections: the node
/// withholds its ACK, its pages say "database unreachable" (a signed-in operator is not sent
/// to the sign-in page), and when the database is back everything resumes without a restart.
#[tokio::test]
async fn a_node_uses_the_host_that_answers_and_says_when_the_database_is_unreachable() {
    let url = fresh_postgres().await;
    let (base, name) = url.rsplit_once('/').unwrap();
    let (scheme, host) = base.split_once("://").unwrap();
    let (user, host) = host.rsplit_once('@').map_or(("", host), |(u, h)| (u, h));
    let at = if user.is_empty() { String::new() } else { format!("{user}@") };
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // closed again: refuses
    let hosts = format!("{scheme}://{at}{refused},{host}/{name}");
    let node = spawn_node(&hosts).await;
    let check = node.store.check_database().await;
    assert!(check.reachable, "{check:?}");
    assert_eq!(check.host.as_deref(), Some(host), "the host that answers is in use");
    add_test_shop(&node.store, None).await;
    assert!(send(&node, 1, "1130 01 001").await.contains("ACK"));
    let operator = node.signed_in_admin().await;
    assert!(database_up(&node, &operator).await);

    let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres")).await.unwrap();
    let cut = format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    );
    admin.execute(cut.as_str()).await.unwrap();
    let client = node.client();
    eventually(Duration::from_secs(5), "the pages are told the database is down", || async {
        !database_up(&node, &client).await
    })
    .await;
    let mut panel = tokio::net::TcpStream::connect(node.dc09).await.unwrap();
    panel.write_all(&cid_frame(2, "1234", "1130 01 002").encode()).await.unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(2), read_frame(&mut panel)).await;
    assert!(reply.is_err(), "no reply while nothing can be stored: {reply:?}");
    let page = operator.get(node.url("/operator")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Database unreachable"), "the page says why, not a sign-in form");

    admin.execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true").as_str()).await.unwrap();
    eventually(Duration::from_secs(5), "the pages are told the database is back", || async {
        database_up(&node, &client).await
    })
    .await;
    assert!(send(&node, 3, "1130 01 003").await.contains("ACK"), "frames are acknowledged again");
    let page = operator.get(node.url("/operator")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Database unreachable"));
    node.stop().await;
    drop_postgres(&url).await;
}
