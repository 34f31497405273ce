//! Several PostgreSQL hosts in one URL (`postgres://user@db1:5432,db2:5432/vigil`, as libpq
//! writes them): the store connects to the one that accepts writes, and moves its pools to
//! another when that one stops answering or turns read-only (a standby promoted in its place).
//!
//! sqlx takes one host per pool, so the list is split here into one URL per host (a few lines
//! of string work; the `url` crate cannot parse a host list) and the pools are pointed at the
//! chosen one with `set_connect_options`. Connections opened before a switch are closed when
//! next acquired.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::connect::redact;
use crate::{Backend, Store, StoreError};

/// How long one host gets to accept a connection and answer whether it takes writes.
const PROBE: Duration = Duration::from_secs(2);

/// The hosts of a PostgreSQL URL and which one the pools use now.
pub(crate) struct Hosts {
    /// One URL per host, in the order given.
    urls: Vec<String>,
    /// The index of the host in use, and when the pools last moved to it.
    current: Mutex<(usize, Option<Instant>)>,
}

impl Hosts {
    /// Splits `url` into one URL per host (one host: a list of one).
    pub(crate) fn parse(url: &str) -> Result<Hosts, StoreError> {
        Ok(Hosts { urls: split_hosts(url)?, current: Mutex::new((0, None)) })
    }

    /// Whether more than one host was given.
    pub(crate) fn several(&self) -> bool {
        self.urls.len() > 1
    }

    /// The host in use, as `host:port` (for logs and the status page; no credentials).
    pub(crate) fn current_host(&self) -> String {
        host_of(&self.urls[self.current()])
    }

    /// When the pools last moved to another host.
    pub(crate) fn switched_at(&self) -> Option<Instant> {
        self.lock().1
    }

    /// Finds a host that accepts writes, trying the one in use first, then the others in
    /// order. `None`: none does now.
    pub(crate) async fn find_primary(&self) -> Option<usize> {
        let current = self.lock().0;
        for i in (0..self.urls.len()).map(|i| (current + i) % self.urls.len()) {
            if accepts_writes(&self.urls[i]).await {
                return Some(i);
            }
        }
        None
    }

    /// Records host `i` as the one in use; `switched`: the pools were moved to it now (so the
    /// connections opened before are closed when next acquired).
    pub(crate) fn use_host(&self, i: usize, switched: bool) {
        let mut current = self.lock();
        current.0 = i;
        if switched {
            current.1 = Some(Instant::now());
        }
    }

    /// The index of the host in use.
    pub(crate) fn current(&self) -> usize {
        self.lock().0
    }

    /// The connect options of host `i`, for both pools.
    pub(crate) fn options(&self, i: usize) -> Result<(AnyConnectOptions, PgConnectOptions), StoreError> {
        let url = &self.urls[i];
        Ok((AnyConnectOptions::from_str(url)?, PgConnectOptions::from_str(url)?))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, Option<Instant>)> {
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Hosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<String> = self.urls.iter().map(|u| host_of(u)).collect();
        f.debug_struct("Hosts").field("hosts", &hosts).field("current", &self.current_host()).finish()
    }
}

/// What [`Store::check_database`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseCheck {
    /// The database answered and takes writes.
    pub reachable: bool,
    /// PostgreSQL: the host in use (`host:port`), after any move.
    pub host: Option<String>,
    /// The store has just moved to another host (given in the URL's host list).
    pub moved: bool,
}

impl Store {
    /// Asks the database whether it answers and takes writes (within 2 s); on PostgreSQL with
    /// several hosts, when the one in use does not, looks for another that does and moves the
    /// pools to it. Called about once a second by the node's database watch.
    pub async fn check_database(&self) -> DatabaseCheck {
        let ping = match self.backend {
            Backend::Sqlite => "SELECT 0",
            Backend::Postgres => "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END",
        };
        let answered = tokio::time::timeout(PROBE, sqlx::query_scalar::<_, i64>(ping).fetch_one(&self.pool)).await;
        let writable = matches!(answered, Ok(Ok(0)));
        let host = self.hosts.as_ref().map(|h| h.current_host());
        let Some(hosts) = self.hosts.as_ref().filter(|h| h.several() && !writable) else {
            return DatabaseCheck { reachable: writable, host, moved: false };
        };
        let Some(i) = hosts.find_primary().await else {
            return DatabaseCheck { reachable: false, host, moved: false };
        };
        let moved = i != hosts.current();
        if moved {
            let Ok((any, pg)) = hosts.options(i) else {
                return DatabaseCheck { reachable: false, host, moved: false };
            };
            self.pool.set_connect_options(any);
            if let Some(native) = &self.pg {
                native.set_connect_options(pg);
            }
            hosts.use_host(i, true);
        }
        DatabaseCheck { reachable: true, host: Some(hosts.current_host()), moved }
    }
}

/// Whether the host at `url` answers within [`PROBE`] and is not a standby.
async fn accepts_writes(url: &str) -> bool {
    let probe = async {
        let mut conn = PgConnection::connect(url).await?;
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&mut conn).await?;
        let _ = conn.close().await;
        Ok::<bool, sqlx::Error>(!standby)
    };
    match tokio::time::timeout(PROBE, probe).await {
        Ok(Ok(writable)) => writable,
        Ok(Err(_)) | Err(_) => false,
    }
}

/// `postgres://u:p@h1:5432,h2/db?x=1` → `postgres://u:p@h1:5432/db?x=1`, `postgres://u:p@h2/db?x=1`.
/// `target_session_attrs` is dropped: the store always looks for the host that takes writes.
pub(crate) fn split_hosts(url: &str) -> Result<Vec<String>, StoreError> {
    let bad = || StoreError::UnsupportedUrl(redact(url));
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hosts) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let tail = drop_param(tail, "target_session_attrs");
    hosts
        .split(',')
        .map(|host| {
            if host.trim().is_empty() {
                Err(bad())
            } else {
                Ok(format!("{scheme}://{userinfo}{}{tail}", host.trim()))
            }
        })
        .collect()
}

/// `tail` (`/db?a=1&b=2`) without the query parameter `name`.
fn drop_param(tail: &str, name: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else { return tail.to_owned() };
    let kept: Vec<&str> = query.split('&').filter(|p| p.split('=').next() != Some(name) && !p.is_empty()).collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// `host:port` of a one-host URL.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_owned()
}

/// Shared with the pools' `before_acquire`: a connection opened before the last switch is
/// closed instead of used (it may lead to the old primary, now a standby or gone).
pub(crate) fn opened_after_switch(hosts: &Arc<Hosts>, age: Duration) -> bool {
    match hosts.switched_at() {
        Some(at) => age < at.elapsed(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_hosts() {
        assert_eq!(split_hosts("postgres://u:p@h1:5432/db").unwrap(), vec!["postgres://u:p@h1:5432/db"]);
        assert_eq!(
            split_hosts("postgres://u:p@h1:5432,h2/db?sslmode=require&target_session_attrs=read-write").unwrap(),
            vec!["postgres://u:p@h1:5432/db?sslmode=require", "postgres://u:p@h2/db?sslmode=require"]
        );
        assert_eq!(split_hosts("postgresql://a,b:6543").unwrap(), vec!["postgresql://a", "postgresql://b:6543"]);
        assert_eq!(
            split_hosts("postgres://u@a,b/db?target_session_attrs=any").unwrap(),
            vec!["postgres://u@a/db", "postgres://u@b/db"]
        );
        assert!(
            matches!(split_hosts("postgres://u:secret@a,,b/db"), Err(StoreError::UnsupportedUrl(u)) if !u.contains("secret"))
        );
    }

    #[test]
    fn names_the_host() {
        assert_eq!(host_of("postgres://u:p@h1:5432/db?x=1"), "h1:5432");
        assert_eq!(host_of("postgres://h2"), "h2");
    }
}
