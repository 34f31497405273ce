//! Reading the audit journal: the viewer's pages and the CSV export, with times in the
//! centre's zone and people by login and name.

use std::collections::HashMap;

use chrono::TimeZone;

use super::work::WorkError;
use super::Ctx;
use crate::model::admin::FieldErrors;
use crate::model::history::{
    AuditFilter, AuditLine, AuditPage, CheckedAudit, IncidentFilter, IncidentLine, IncidentPage, MonthlyReport,
};

/// Entries per page in the viewer.
pub const AUDIT_PAGE: i64 = 100;
/// The most entries one CSV export holds (a longer period is exported in parts).
pub const AUDIT_EXPORT_MAX: i64 = 10_000;

/// The start of `day` in `tz`, unix ms.
pub(crate) fn day_start(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc().timestamp_millis(), |t| t.timestamp_millis())
}

/// The store's query for a checked filter; `Err`: the login named does not exist.
async fn query(
    ctx: &Ctx,
    f: &CheckedAudit,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Result<store::AuditQuery, FieldErrors>, WorkError> {
    let tz = ctx.dashboard.time_zone;
    let actor = match &f.who {
        None => None,
        Some(login) => match ctx.store.user_by_username(login).await? {
            Some(u) => Some(u.id),
            None => {
                return Ok(Err(FieldErrors {
                    fields: vec![("who".into(), format!("No login {login:?}."))],
                    form: None,
                }))
            }
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
pub async fn audit_lines(
    ctx: &Ctx,
    filter: &AuditFilter,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Result<Vec<AuditLine>, FieldErrors>, WorkError> {
    let checked = match filter.check() {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let q = match query(ctx, &checked, before_id, limit).await? {
        Ok(q) => q,
        Err(e) => return Ok(Err(e)),
    };
    let people: HashMap<i64, String> = ctx
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.username, u.display_name)))
        .collect();
    let tz = ctx.dashboard.time_zone;
    Ok(Ok(ctx
        .store
        .search_audit(&q)
        .await?
        .into_iter()
        .map(|a| AuditLine {
            id: a.id,
            at: tz
                .timestamp_millis_opt(a.at_ms)
                .single()
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
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

/// Stored names with the words people read: `("false_user", "False alarm (user error)")`.
pub type Choices = Vec<(String, String)>;

/// The categories and resolutions people choose from, in the request's language.
pub fn choices() -> (Choices, Choices) {
    use engine::rules::classify::Category;
    let lang = super::words::lang();
    let categories = [
        Category::Fire,
        Category::Panic,
        Category::Duress,
        Category::Medical,
        Category::Burglary,
        Category::Tamper,
        Category::Trouble,
        Category::LinkFailure,
        Category::OpenClose,
        Category::Test,
        Category::Other,
    ];
    let categories =
        categories.into_iter().map(|c| (super::ops::name_of(&c), super::words::category(lang, c).to_owned())).collect();
    let resolutions = engine::rules::billing::Outcome::ALL
        .into_iter()
        .map(|o| (super::ops::name_of(&o), super::words::resolution(lang, o).to_owned()))
        .collect();
    (categories, resolutions)
}

fn words_of(list: &[(String, String)], stored: &str) -> String {
    list.iter().find(|(s, _)| s == stored).map_or_else(|| stored.to_owned(), |(_, w)| w.clone())
}

/// An incident as the history and the monthly report show it, times in `tz`.
fn incident_line(
    row: &store::IncidentRow,
    site: String,
    tz: chrono_tz::Tz,
    (categories, resolutions): (&Choices, &Choices),
    names: &super::ops::Names,
) -> IncidentLine {
    IncidentLine {
        id: row.id,
        site,
        category: words_of(categories, &row.category),
        opened: engine::local_time(row.opened_at_ms, tz),
        closed: row.closed_at_ms.map(|t| engine::local_time(t, tz)),
        resolution: row.resolution.as_deref().map(|r| words_of(resolutions, r)),
        operator: row.claimed_by.and_then(|u| names.get(&u).cloned()),
    }
}

/// Incidents matching `filter`, newest first; `Err`: what to fix.
pub async fn incident_lines(
    ctx: &Ctx,
    filter: &IncidentFilter,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Result<Vec<IncidentLine>, FieldErrors>, WorkError> {
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
    let pick = |v: &str, list: &[(String, String)]| {
        Some(v.trim().to_owned()).filter(|v| !v.is_empty() && list.iter().any(|(s, _)| s == v))
    };
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
    let names = super::ops::user_names(&ctx.store).await?;
    let mut sites: HashMap<i64, (String, chrono_tz::Tz)> = HashMap::new();
    let mut out = Vec::new();
    for row in ctx.store.incident_history(&q).await? {
        if let std::collections::hash_map::Entry::Vacant(slot) = sites.entry(row.site_id) {
            let site = ctx.store.site(row.site_id).await?;
            slot.insert(
                site.map(|s| (s.name, s.time_zone.parse().unwrap_or(tz)))
                    .unwrap_or_else(|| (format!("site {}", row.site_id), tz)),
            );
        }
        let (site, site_tz) = sites[&row.site_id].clone();
        out.push(incident_line(&row, site, site_tz, (&categories, &resolutions), &names));
    }
    Ok(Ok(out))
}

/// One page of the history: [`INCIDENT_PAGE`] incidents older than `before_id`, with the
/// choices for the filter.
pub async fn incident_page(
    ctx: &Ctx,
    filter: &IncidentFilter,
    before_id: Option<i64>,
) -> Result<IncidentPage, WorkError> {
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

/// A site's month (`YYYY-MM`, the site's time zone): counts for the service review and every
/// incident. `Err(field, message)` for an unknown account or a bad month.
pub async fn monthly(ctx: &Ctx, account: &str, month: &str) -> Result<Result<MonthlyReport, FieldErrors>, WorkError> {
    let one = |field: &str, m: String| Ok(Err(FieldErrors { fields: vec![(field.into(), m)], form: None }));
    let Some(start) = crate::model::history::month_start(month) else {
        return one("month", "A month: YYYY-MM.".into());
    };
    let Some(account) = ctx.store.account(account.trim()).await? else {
        return one("account", format!("No account {:?}.", account.trim()));
    };
    let site = ctx
        .store
        .site(account.site_id)
        .await?
        .ok_or_else(|| WorkError::NotFound(format!("site {}", account.site_id)))?;
    let tz: chrono_tz::Tz = site.time_zone.parse().unwrap_or(ctx.dashboard.time_zone);
    let next = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
    let q = store::HistoryQuery {
        site_id: Some(site.id),
        since_ms: Some(day_start(start, tz)),
        until_ms: Some(day_start(next, tz)),
        limit: store::MAX_LIST_LIMIT,
        ..Default::default()
    };
    let (categories, resolutions) = choices();
    let mut report = MonthlyReport {
        site: site.name.clone(),
        address: format!("{}, {}", site.address, site.city),
        accounts: ctx
            .store
            .list_accounts()
            .await?
            .into_iter()
            .filter(|a| a.site_id == site.id)
            .map(|a| a.number)
            .collect(),
        month: start.format("%Y-%m").to_string(),
        ..Default::default()
    };
    let names = super::ops::user_names(&ctx.store).await?;
    let mut counts: HashMap<String, u32> = HashMap::new();
    for row in ctx.store.incident_history(&q).await? {
        let inc: Option<engine::Incident> = serde_json::from_str(&row.detail).ok();
        report.total += 1;
        *counts.entry(words_of(&categories, &row.category)).or_default() += 1;
        match row.category.as_str() {
            "test" => report.tests += 1,
            "link_failure" => report.link_failures += 1,
            _ => {}
        }
        if matches!(row.resolution.as_deref(), Some("false_user" | "false_technical")) {
            report.false_alarms += 1;
        }
        if let Some(inc) = inc.filter(|i| i.dispatched_at_ms.is_some() || !i.crews.is_empty()) {
            report.dispatches += 1;
            match inc.charge {
                Some(engine::rules::billing::Charge::Billable) => report.billed += 1,
                Some(engine::rules::billing::Charge::Included { .. }) => report.included += 1,
                Some(engine::rules::billing::Charge::Free(_)) => report.free += 1,
                None => {}
            }
        }
        report.lines.push(incident_line(&row, site.name.clone(), tz, (&categories, &resolutions), &names));
    }
    let mut by_category: Vec<(String, u32)> = counts.into_iter().collect();
    by_category.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    report.by_category = by_category;
    let price = super::admin::settings_of(ctx, site.id).await?.price;
    if price.per_dispatch_minor > 0 {
        let each = crate::model::admin::price_text;
        report.billed_amount = format!(
            "{} × {} {cur} = {} {cur}",
            report.billed,
            each(price.per_dispatch_minor),
            each(price.per_dispatch_minor * u64::from(report.billed)),
            cur = price.currency
        );
    }
    Ok(Ok(report))
}
