//! The signals link supervision raises: stored like received ones (transport `internal`,
//! token `VIGIL`), so operators see them in the same feed and the alarm engine acts on them.

use store::NewSignal;
use supervise::Transition;

use super::Inner;

/// Event code: one path of an account missed its deadline.
pub const LINK_FAIL: &str = "LINK-FAIL";
/// Event code: a failed path sent a life sign again.
pub const LINK_RESTORE: &str = "LINK-RESTORE";
/// Event code: every path of an account has failed (higher priority).
pub const ALL_PATHS_FAIL: &str = "ALL-PATHS-FAIL";
/// Event code: an account with all paths failed is heard from again.
pub const ALL_PATHS_RESTORE: &str = "ALL-PATHS-RESTORE";

/// The signal for one transition, if its account is still known.
pub(super) fn signal(t: &Transition, inner: &Inner, now_ms: i64) -> Option<NewSignal> {
    let account = inner.accounts.get(&t.account())?;
    let path = |link| account.links.iter().find(|l| l.id == link);
    let (code, line, meaning) = match *t {
        Transition::LinkFailed { link, .. } => {
            let p = path(link)?;
            (LINK_FAIL, p.line.to_string(), format!("Link failure: path {} missed its test", p.name))
        }
        Transition::LinkRestored { link, .. } => {
            let p = path(link)?;
            (LINK_RESTORE, p.line.to_string(), format!("Link restored: path {}", p.name))
        }
        Transition::AllPathsFailed { .. } => {
            (ALL_PATHS_FAIL, "*".to_owned(), "All communication paths failed".to_owned())
        }
        Transition::AllPathsRestored { .. } => (ALL_PATHS_RESTORE, "*".to_owned(), "Communication restored".to_owned()),
    };
    Some(NewSignal {
        received_at_ms: now_ms,
        account: account.number.to_string(),
        site_id: Some(account.site_id),
        known: true,
        token: "VIGIL".to_owned(),
        line,
        event_code: Some(code.to_owned()),
        meaning,
        remote_addr: "vigil".to_owned(),
        transport: "internal".to_owned(),
        ..NewSignal::default()
    })
}
