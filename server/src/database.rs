//! The database watch: every second each node asks the store whether its database answers
//! and takes writes ([`store::Store::check_database`]). Pages read the answer to show
//! "database unreachable" while it is not; with several PostgreSQL hosts in `--database`, the
//! check also moves the node to the one that takes writes (a standby promoted in place of a
//! failed primary), without a restart.

use std::time::Duration;

use store::Store;
use tokio::sync::watch;

/// How often the database is asked.
const EVERY: Duration = Duration::from_secs(1);

/// Starts the watch: its receiver (`true` while the database takes writes) and its task.
pub fn start(
    store: Store,
    shutdown: watch::Receiver<bool>,
) -> (watch::Receiver<bool>, impl std::future::Future<Output = ()> + Send + 'static) {
    let (up, reader) = watch::channel(true);
    let task = async move {
        let mut ticks = crate::ticks::Ticks::new(EVERY, shutdown);
        while ticks.next().await {
            let check = store.check_database().await;
            let host = check.host.as_deref().unwrap_or("");
            if check.moved {
                tracing::warn!(host, "moved to another database host: the one in use stopped taking writes");
            }
            metrics::gauge!("vigil_database_up").set(f64::from(u8::from(check.reachable)));
            up.send_if_modified(|was| {
                if *was == check.reachable {
                    return false;
                }
                if check.reachable {
                    tracing::info!(host, "the database is reachable again");
                } else {
                    tracing::error!(
                        host,
                        "the database is unreachable: no signal is stored or acknowledged until it returns"
                    );
                }
                *was = check.reachable;
                true
            });
        }
    };
    (reader, task)
}
