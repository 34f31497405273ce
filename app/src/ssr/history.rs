//! Reading the audit journal: the viewer's pages and the CSV export, with times in the
//! centre's zone and people by login and name.

use std::collections::HashMap;

use chrono::TimeZone;

use super::work::WorkError;
use super::Ctx;
use crate::model::admin::FieldErrors;
use crate::model::history::{AuditFilter, AuditLine, AuditPage, CheckedAudit};

/// Entries per page in the viewer.
pub const AUDIT_PAGE: i64 = 100;
/// The most entries one CSV export holds (a longer period is exported in parts).
pub const AUDIT_EXPORT_MAX: i64 = 10_000;

/// The start of `day` in `tz`, unix ms.
fn day_start(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc().timestamp_millis(), |t| t.timestamp_millis())
}

/// The store's query for a checked filter; `Err`: the login named does not exist.
async fn query(ctx: &Ctx, f: &CheckedAudit, before_id: Option<i64>, limit: i64) -> Result<Result<store::AuditQuery, FieldErrors>, WorkError> {
    let tz = ctx.dashboard.time_zone;
    let actor = match &f.who {
        None => None,
        Some(login) => match ctx.store.user_by_username(login).await? {
            Some(u) => Some(u.id),
            None => return Ok(Err(FieldErrors { fields: vec![("who".into(), format!("No login {login:?}."))], form: None })),
        },
    };
    Ok(Ok(store::AuditQuery {
        since_ms: f.from.map(|d| day_start(d, tz)),
        until_ms: f.until.map(|d| day_start(d, tz)),
        actor_user_id: actor,
        action: f.action.clone(),
        text: f.text.clone(),
        before_id,
        limit,
    }))
}

/// Audit entries matching `filter`, newest first, at most `limit`; `Err`: what to fix.
pub async fn audit_lines(ctx: &Ctx, filter: &AuditFilter, before_id: Option<i64>, limit: i64) -> Result<Result<Vec<AuditLine>, FieldErrors>, WorkError> {
    let checked = match filter.check() {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let q = match query(ctx, &checked, before_id, limit).await? {
        Ok(q) => q,
        Err(e) => return Ok(Err(e)),
    };
    let people: HashMap<i64, String> = ctx.store.list_users().await?.into_iter().map(|u| (u.id, format!("{} ({})", u.username, u.display_name))).collect();
    let tz = ctx.dashboard.time_zone;
    Ok(Ok(ctx
        .store
        .search_audit(&q)
        .await?
        .into_iter()
        .map(|a| AuditLine {
            id: a.id,
            at: tz.timestamp_millis_opt(a.at_ms).single().map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
            who: match a.actor_user_id {
                Some(id) => people.get(&id).cloned().unwrap_or_else(|| format!("user {id}")),
                None => "Vigil (system or command line)".into(),
            },
            action: a.action,
            subject: a.subject.unwrap_or_default(),
            detail: a.detail.unwrap_or_default(),
        })
        .collect()))
}

/// One page of the viewer: [`AUDIT_PAGE`] entries older than `before_id`.
pub async fn audit_page(ctx: &Ctx, filter: &AuditFilter, before_id: Option<i64>) -> Result<AuditPage, WorkError> {
    Ok(match audit_lines(ctx, filter, before_id, AUDIT_PAGE + 1).await? {
        Ok(mut lines) => {
            let more = lines.len() as i64 > AUDIT_PAGE;
            lines.truncate(AUDIT_PAGE as usize);
            AuditPage { lines, more, errors: FieldErrors::default() }
        }
        Err(errors) => AuditPage { errors, ..Default::default() },
    })
}
