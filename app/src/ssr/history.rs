//! Reading the audit journal: the viewer's pages and the CSV export, with times in the
//! centre's zone and people by login and name.

use std::collections::HashMap;

use chrono::TimeZone;

use super::work::WorkError;
use super::Ctx;
use crate::model::admin::FieldErrors;
use crate::model::history::{AuditFilter, AuditLine, AuditPage, CheckedAudit, IncidentFilter, IncidentLine, IncidentPage};

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

/// Incidents per page in the history.
pub const INCIDENT_PAGE: i64 = 100;

fn stored_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The categories and resolutions people choose from: (stored name, words).
pub fn choices() -> (Vec<(String, String)>, Vec<(String, String)>) {
    use engine::rules::classify::Category;
    let categories = [
        Category::Fire, Category::Panic, Category::Duress, Category::Medical, Category::Burglary, Category::Tamper,
        Category::Trouble, Category::LinkFailure, Category::OpenClose, Category::Test, Category::Other,
    ];
    let categories = categories.into_iter().map(|c| (stored_name(&c), engine::words::category_title(c))).collect();
    let resolutions = engine::rules::billing::Outcome::ALL.into_iter().map(|o| (stored_name(&o), engine::words::resolution(o).to_owned())).collect();
    (categories, resolutions)
}

fn words_of(list: &[(String, String)], stored: &str) -> String {
    list.iter().find(|(s, _)| s == stored).map_or_else(|| stored.to_owned(), |(_, w)| w.clone())
}

/// Incidents matching `filter`, newest first; `Err`: what to fix.
pub async fn incident_lines(ctx: &Ctx, filter: &IncidentFilter, before_id: Option<i64>, limit: i64) -> Result<Result<Vec<IncidentLine>, FieldErrors>, WorkError> {
    let (from, until) = match filter.days() {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let one = |field: &str, m: String| Ok(Err(FieldErrors { fields: vec![(field.into(), m)], form: None }));
    let site_id = match filter.account.trim() {
        "" => None,
        number => match ctx.store.account(number).await? {
            Some(a) => Some(a.site_id),
            None => return one("account", format!("No account {number}.")),
        },
    };
    let operator = match filter.operator.trim() {
        "" => None,
        login => match ctx.store.user_by_username(login).await? {
            Some(u) => Some(u.id),
            None => return one("operator", format!("No login {login:?}.")),
        },
    };
    let (categories, resolutions) = choices();
    let pick = |v: &str, list: &[(String, String)]| Some(v.trim().to_owned()).filter(|v| !v.is_empty() && list.iter().any(|(s, _)| s == v));
    let tz = ctx.dashboard.time_zone;
    let q = store::HistoryQuery {
        site_id,
        since_ms: from.map(|d| day_start(d, tz)),
        until_ms: until.map(|d| day_start(d, tz)),
        category: pick(&filter.category, &categories),
        resolution: pick(&filter.resolution, &resolutions),
        operator,
        before_id,
        limit,
    };
    let names: HashMap<i64, String> = ctx.store.list_users().await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let mut sites: HashMap<i64, (String, chrono_tz::Tz)> = HashMap::new();
    let mut out = Vec::new();
    for row in ctx.store.incident_history(&q).await? {
        if let std::collections::hash_map::Entry::Vacant(slot) = sites.entry(row.site_id) {
            let site = ctx.store.site(row.site_id).await?;
            slot.insert(site.map(|s| (s.name, s.time_zone.parse().unwrap_or(tz))).unwrap_or_else(|| (format!("site {}", row.site_id), tz)));
        }
        let (site, site_tz) = sites[&row.site_id].clone();
        out.push(IncidentLine {
            id: row.id,
            site,
            category: words_of(&categories, &row.category),
            opened: engine::local_time(row.opened_at_ms, site_tz),
            closed: row.closed_at_ms.map(|t| engine::local_time(t, site_tz)),
            resolution: row.resolution.as_deref().map(|r| words_of(&resolutions, r)),
            operator: row.claimed_by.and_then(|u| names.get(&u).cloned()),
        });
    }
    Ok(Ok(out))
}

/// One page of the history: [`INCIDENT_PAGE`] incidents older than `before_id`, with the
/// choices for the filter.
pub async fn incident_page(ctx: &Ctx, filter: &IncidentFilter, before_id: Option<i64>) -> Result<IncidentPage, WorkError> {
    let (categories, resolutions) = choices();
    let mut page = match incident_lines(ctx, filter, before_id, INCIDENT_PAGE + 1).await? {
        Ok(mut lines) => {
            let more = lines.len() as i64 > INCIDENT_PAGE;
            lines.truncate(INCIDENT_PAGE as usize);
            IncidentPage { lines, more, ..Default::default() }
        }
        Err(errors) => IncidentPage { errors, ..Default::default() },
    };
    page.categories = categories;
    page.resolutions = resolutions;
    Ok(page)
}
