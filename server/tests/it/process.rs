//! The `vigil` binary as a process, for what only a process shows: its exit code, its log,
//! a restart on the same database.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `vigil serve`.
pub struct Vigil {
    child: Child,
    /// The web server.
    pub http: SocketAddr,
    /// The DC-09 receiver.
    pub dc09: SocketAddr,
    /// Its "vigil is running" log line.
    pub running: serde_json::Value,
    log: Arc<Mutex<Vec<String>>>,
}

/// Runs `vigil ARGS` to its end; returns its exit status, stdout and stderr.
pub fn vigil(args: &[&str]) -> (ExitStatus, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vigil")).args(args).env_remove("RUST_LOG").output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

impl Vigil {
    /// Starts `vigil serve` on free ports with JSON logs, waits (30 s at most) until it says
    /// it runs; `extra` adds options.
    pub fn start(database: &str, site_root: &str, extra: &[&str]) -> Vigil {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(["--log-format", "json", "serve", "--http", "127.0.0.1:0", "--dc09", "127.0.0.1:0"])
            .args(["--database", database, "--site-root", site_root])
            .args(extra)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) {
                    if json["message"] == "vigil is running" {
                        let _ = tx.send(json.clone());
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
        let Ok(running) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            panic!("vigil did not start: {}", log.lock().unwrap().join("\n"));
        };
        let addr = |field: &str| running[field].as_str().and_then(|a| a.parse().ok()).expect(field);
        Vigil { child, http: addr("http"), dc09: addr("dc09"), running, log }
    }

    /// A URL on its web server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.http, path)
    }

    /// Its log lines so far (JSON).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) for it to exit on its own.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("vigil did not exit within {limit:?}: {}", self.log().join("\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a signal (`HUP`, `TERM`).
    pub fn signal(&self, name: &str) {
        Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().unwrap();
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        self.signal("TERM");
        self.wait_exit(Duration::from_secs(30))
    }
}

impl Drop for Vigil {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
