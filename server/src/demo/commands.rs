//! The simulated panels' side of the app's arm, disarm and night-mode commands: queued
//! commands are taken from the store, carried out, and reported back over DC-09 like a real
//! panel does (Contact ID 401 closing or opening, 441 stay arming) by user 0, the remote
//! user. The report, not the command, changes the site's state.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use store::Store;
use tokio::sync::watch;

use super::link::Link;

/// How often the queue is looked at.
const POLL: Duration = Duration::from_millis(300);

/// The Contact ID event that reports a command done: (qualifier, code).
pub fn report_of(command: &str) -> Option<(u8, u16)> {
    match command {
        "arm" => Some((3, 401)),
        "disarm" => Some((1, 401)),
        "night" => Some((3, 441)),
        _ => None,
    }
}

/// Carries out queued commands until shutdown.
pub async fn run(store: Store, receiver: SocketAddr, mut shutdown: watch::Receiver<bool>) {
    let mut links: HashMap<i64, Link> = HashMap::new();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
        let queued = match store.queued_panel_commands().await {
            Ok(q) => q,
            Err(e) => {
                tracing::warn!(error = %e, "panel commands not readable");
                continue;
            }
        };
        for c in queued {
            let outcome = carry_out(&store, receiver, &mut links, c.site_id, &c.command).await;
            let now = chrono::Utc::now().timestamp_millis();
            let (ok, detail) = match &outcome {
                Ok(()) => (true, None),
                Err(why) => (false, Some(why.as_str())),
            };
            if let Err(e) = store.finish_panel_command(c.id, ok, detail, now).await {
                tracing::warn!(error = %e, id = c.id, "panel command outcome not stored");
            }
        }
    }
}

async fn carry_out(
    store: &Store,
    receiver: SocketAddr,
    links: &mut HashMap<i64, Link>,
    site_id: i64,
    command: &str,
) -> Result<(), String> {
    let (qualifier, code) = report_of(command).ok_or_else(|| format!("unknown command {command}"))?;
    let link = match links.entry(site_id) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            let accounts = store.list_accounts().await.map_err(|e| e.to_string())?;
            let account = accounts.into_iter().find(|a| a.site_id == site_id).ok_or("the site has no panel")?;
            e.insert(Link::new(&account.number, receiver, rand::random::<u16>()))
        }
    };
    link.cid(qualifier, code, 1, 0, Vec::new()).await.map_err(|e| format!("the panel did not get through: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::rules::classify::{classify, EventFacts, Kind};

    #[test]
    fn reports_mean_what_was_asked() {
        for (command, kind) in [("arm", Kind::Closing), ("disarm", Kind::Opening), ("night", Kind::NightClosing)] {
            let (q, code) = report_of(command).expect("known command");
            let (q, code) = (q.to_string(), code.to_string());
            let facts = EventFacts { protocol: Some("cid"), qualifier: Some(&q), code: Some(&code) };
            assert_eq!(classify(facts, &[]).kind, kind, "{command}");
        }
        assert_eq!(report_of("open sesame"), None);
    }
}
