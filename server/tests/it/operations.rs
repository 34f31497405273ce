//! Running Vigil for real: `/metrics` and `/readyz`, a core task that dies, backups under
//! load, the schema check and the JSON and access logs.

use std::time::{Duration, Instant};

use dc09::{Frame, Token};
use store::Store;
use tokio::net::TcpStream;

use crate::process::{vigil, Vigil};
use crate::support::{add_test_shop, cid_frame, spawn_app, tcp_exchange};

/// The value of the sample `name{labels}` in a Prometheus page (0 when absent).
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

async fn acked(stream: &mut TcpStream, seq: u16, event: &str) -> bool {
    let reply = tcp_exchange(stream, &cid_frame(seq, "1234", event).encode()).await;
    Frame::decode(&reply).map(|f| f.token == Token::Ack).unwrap_or(false)
}

#[tokio::test]
async fn metrics_count_a_frame_and_readyz_says_ready() {
    let app = spawn_app().await;
    let page = || async { reqwest::get(app.metrics_url("/metrics")).await.unwrap().text().await.unwrap() };
    let acks = r#"vigil_dc09_frames_total{transport="tcp",reply="ack"}"#;
    let latency = r#"vigil_dc09_ack_seconds_count{transport="tcp"}"#;
    let before = page().await;

    let mut stream = TcpStream::connect(app.dc09).await.unwrap();
    assert!(acked(&mut stream, 1, "1130 01 003").await);
    app.engine().settle().await.unwrap();

    let resp = reqwest::get(app.metrics_url("/metrics")).await.unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let after = resp.text().await.unwrap();
    // Other tests in this process count too: at least one more.
    assert!(sample(&after, acks) >= sample(&before, acks) + 1.0, "{after}");
    assert!(sample(&after, latency) >= sample(&before, latency) + 1.0, "{after}");
    assert!(after.contains("# TYPE vigil_dc09_ack_seconds histogram"), "{after}");
    assert!(sample(&after, "vigil_recorder_batch_size_count") >= 1.0);
    assert_eq!(sample(&after, "vigil_ready"), 1.0);
    assert!(sample(&after, r#"vigil_incidents_open{priority="3"}"#) >= 1.0, "a burglary is open: {after}");
    for series in [
        r#"vigil_outbox_backlog{channel="sms"}"#,
        "vigil_engine_lag_signals",
        "vigil_engine_lag_seconds",
        r#"vigil_dc09_refused_total{kind="connection_cap"}"#,
    ] {
        assert!(after.lines().any(|l| l.starts_with(series)), "{series} missing: {after}");
    }
    assert!(after.contains("vigil_dc09_connections_open"));
    // Counters exist before their first event, so alert rules see it.
    assert!(after.lines().any(|l| l.starts_with(r#"vigil_outbox_failures_total{channel="push"} "#)), "{after}");
    // The alert rules and the Grafana dashboard in docs/ name only metrics Vigil exposes.
    let docs = ["docs/prometheus/vigil-alerts.yml", "docs/grafana/vigil.json"]
        .map(|f| std::fs::read_to_string(format!("{}/../{f}", env!("CARGO_MANIFEST_DIR"))).unwrap());
    let named = metric_names(&docs.concat());
    assert!(named.len() >= 12, "{named:?}");
    for name in named {
        let base = ["_bucket", "_count", "_sum"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(&name);
        assert!(after.contains(&format!("# TYPE {base} ")), "{name} in docs/ is not in /metrics: {after}");
    }

    let resp = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["ready"], true, "{body}");
    assert_eq!(body["tasks"]["engine"], true);
    assert_eq!(body["tasks"]["dc09-tcp"], true);
    // Metrics are not on the public web server.
    assert_eq!(reqwest::get(app.url("/metrics")).await.unwrap().status(), 404);
    app.stop().await;
}

/// The `vigil_...` metric names a text mentions.
fn metric_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for (at, _) in text.match_indices("vigil_") {
        let name: String =
            text[at..].chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
        names.insert(name);
    }
    names
}

/// A database with site "Test shop", account 1234, zones 1-3.
async fn prepared(dir: &tempfile::TempDir) -> String {
    let url = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let store = Store::connect(&url).await.unwrap();
    add_test_shop(&store, None).await;
    store.close().await;
    url
}

#[tokio::test]
async fn a_panicking_engine_stops_vigil_and_nothing_acked_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let url = prepared(&dir).await;
    let root = dir.path().display().to_string();
    let mut first = Vigil::start(&url, &root, &["--test-engine-panic-after", "3"]);
    assert_eq!(reqwest::get(first.url("/readyz")).await.unwrap().status(), 200);

    // Eight alarms, each ACKed once stored; the engine dies at its fourth.
    let mut stream = TcpStream::connect(first.dc09).await.unwrap();
    let mut acks = Vec::new();
    for seq in 1..=8u16 {
        if acked(&mut stream, seq, &format!("1130 01 00{}", 1 + seq % 3)).await {
            acks.push(seq);
        }
    }
    assert_eq!(acks.len(), 8, "the receiver ACKs what it stored: {:?}", first.log());

    // Not ready from the failure on, until the process is gone.
    let mut said = None;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        match reqwest::get(first.url("/readyz")).await {
            Ok(resp) if resp.status() == 503 => {
                said = Some(resp.text().await.unwrap());
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(_) => break,
        }
    }
    let said = said.expect("/readyz answered 503 before vigil stopped");
    assert!(said.contains(r#""failure":"the engine task panicked: test hook"#), "{said}");
    let status = first.wait_exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(70), "a failed core task exits 70: {:?}", first.log());
    let log = first.log().join("\n");
    assert!(log.contains("a core task stopped"), "{log}");
    assert!(
        first.log().iter().any(|l| l.contains(r#""target":"access""#) && l.contains(r#""path":"/readyz""#)),
        "access log lines are JSON: {log}"
    );
    drop(first);

    // Started again (as the service manager does), it catches up on what was stored.
    let second = Vigil::start(&url, &root, &[]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let resp = reqwest::get(second.url("/readyz")).await.unwrap();
        if resp.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not ready again: {}", resp.text().await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let store = Store::connect(&url).await.unwrap();
    let signals = store.signals_after(0, 100).await.unwrap();
    let stored: Vec<i64> = signals.iter().filter(|s| s.account == "1234").map(|s| s.seq).collect();
    for seq in &acks {
        assert!(stored.contains(&i64::from(*seq)), "ACKed frame {seq} lost: {stored:?}");
    }
    let fault = signals.iter().find(|s| s.event_code.as_deref() == Some(server::startup::TASK_FAILED));
    assert!(fault.is_some_and(|s| s.meaning.contains("engine")), "a system signal tells the operators");
    let last = signals.iter().map(|s| s.id).max().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.cursor("engine").await.unwrap().unwrap_or(0) < last {
        assert!(Instant::now() < deadline, "the engine did not take the replayed signals");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let journal = store.list_audit(50).await.unwrap();
    assert!(journal.iter().any(|a| a.action == "system.task_failed" && a.subject.as_deref() == Some("engine")));
    store.close().await;
    assert_eq!(second.terminate().code(), Some(0), "asked to stop, vigil exits 0");
}

#[tokio::test]
async fn a_backup_under_load_holds_every_signal_acked_before_it_began() {
    if crate::support::on_postgres() {
        return; // `vigil backup` copies a SQLite file; PostgreSQL is backed up by its own tools.
    }
    let app = spawn_app().await;
    let url = format!("sqlite://{}", app.database_path());
    let dc09 = app.dc09;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let (acked_tx, mut acked_rx) = tokio::sync::watch::channel(Vec::<u16>::new());
    let load = tokio::spawn(async move {
        let mut stream = TcpStream::connect(dc09).await.unwrap();
        let mut seq = 0u16;
        while !*stop.borrow() {
            seq += 1;
            if acked(&mut stream, seq, "1602 00 000").await {
                acked_tx.send_modify(|a| a.push(seq));
            }
        }
        seq
    });
    let _ = acked_rx.wait_for(|a| a.len() >= 30).await;
    let before: Vec<u16> = acked_rx.borrow().clone();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let file_s = file.display().to_string();
    let (status, out, err) =
        tokio::task::spawn_blocking(move || vigil(&["backup", "--database", &url, "--to", &file_s])).await.unwrap();
    assert!(status.success(), "{out}{err}");
    assert!(out.starts_with("backed up"), "{out}");
    let _ = stop_tx.send(true);
    let sent = load.await.unwrap();
    assert!(usize::from(sent) > before.len(), "frames went on during the backup");
    assert!(!dir.path().join("backup.db-partial").exists());

    // Restored into a new place, it holds everything ACKed before the backup began.
    let target = format!("sqlite://{}", dir.path().join("restored/vigil.db").display());
    let file_s = file.display().to_string();
    let (status, out, err) = vigil(&["restore", "--from", &file_s, "--database", &target]);
    assert!(status.success(), "{out}{err}");
    let restored = Store::connect(&target).await.unwrap();
    let seqs: Vec<i64> = restored.signals_after(0, 10_000).await.unwrap().iter().map(|s| s.seq).collect();
    for seq in &before {
        assert!(seqs.contains(&i64::from(*seq)), "signal {seq} ACKed before the backup is missing");
    }
    restored.close().await;

    // A second restore onto it is refused without --force, and keeps the old one with it.
    let (status, _, err) = vigil(&["restore", "--from", &file_s, "--database", &target]);
    assert!(!status.success() && err.contains("exists already"), "{err}");
    let (status, out, err) = vigil(&["restore", "--from", &file_s, "--database", &target, "--force"]);
    assert!(status.success() && out.contains("kept as"), "{out}{err}");
    // A file that is no database is refused, and nothing is replaced.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let (status, _, err) = vigil(&["restore", "--from", &junk.display().to_string(), "--database", &target, "--force"]);
    assert!(!status.success(), "{err}");
    assert!(store::check_sqlite_file(&dir.path().join("restored/vigil.db")).await.unwrap().intact);
    app.stop().await;
}

#[tokio::test]
async fn a_database_from_a_newer_vigil_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let url = prepared(&dir).await;
    let (status, out, _) = vigil(&["db", "status", "--database", &url]);
    assert!(status.success() && out.contains("up to date"), "{out}");

    let store = Store::open(&url).await.unwrap();
    let known = store.backend().latest_version();
    store.close().await;
    // A newer Vigil's migration, as it would leave it.
    let file = dir.path().join("vigil.db");
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 1)\"); c.commit()",
            &file.display().to_string(),
        ])
        .status()
        .unwrap();
    assert!(status.success());

    let (status, _, err) = vigil(&["serve", "--database", &url, "--http", "127.0.0.1:0", "--dc09", "127.0.0.1:0"]);
    assert!(!status.success());
    assert!(err.contains(&format!("schema version 9999, newer than this Vigil knows (up to {known})")), "{err}");
    let (status, out, err) = vigil(&["db", "status", "--database", &url]);
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(err.contains("migrated by a newer vigil"), "{err}");
    let (status, _, err) = vigil(&["db", "migrate", "--database", &url]);
    assert!(!status.success() && err.contains("newer than this Vigil knows"), "{err}");
}
