//! Administration: searching sites, importing accounts from CSV (each row in one
//! transaction), editing a site's instructions, zones and calling order, crews' tracking
//! devices, and users. Every change lands in the audit journal.

use super::work::WorkError;
use super::Ctx;
use crate::model::admin::{
    check_crew, check_device_id, check_new_user, check_zone, password_problem, safe_word_problem, AdminContact,
    AdminMember, AdminSiteDetail, ContactForm, FieldErrors, HourChange, HoursForm, Invited, SiteForm, SiteRules,
    UserChange, ROLES,
};
use crate::model::import::{check_row, split_csv, ImportResult, ImportRow};
use crate::model::ops::{AdminCrew, AdminSearch, AdminSite, AdminUser};
use crate::model::SessionUser;

/// Search results per page.
pub const SEARCH_PAGE: usize = 50;

/// Sites whose account, name, address or a contact's name or phone contains `query`,
/// ignoring case and accents; page `page` (0-based) of [`SEARCH_PAGE`] rows, with the count.
pub async fn search(ctx: &Ctx, query: &str, page: usize) -> Result<AdminSearch, WorkError> {
    if query.chars().count() > 200 {
        return Err(WorkError::Invalid("A search is at most 200 characters".into()));
    }
    let offset = page.saturating_mul(SEARCH_PAGE);
    let found = ctx.store.search_sites(query, offset, SEARCH_PAGE).await?;
    let sites = found
        .hits
        .into_iter()
        .map(|s| AdminSite {
            id: s.id,
            name: s.name,
            address: format!("{}, {}", s.address, s.city),
            accounts: s.accounts,
            contacts: s.contacts,
        })
        .collect();
    Ok(AdminSearch { total: found.total, offset, per_page: SEARCH_PAGE, sites })
}

async fn import_one(ctx: &Ctx, user: &SessionUser, row: ImportRow) -> Result<i64, String> {
    if row.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err("time_zone: unknown zone".into());
    }
    let site = store::NewSite {
        name: row.name.clone(),
        address: row.address.clone(),
        city: row.city.clone(),
        lat: row.lat,
        lon: row.lon,
        time_zone: row.time_zone.clone(),
        owner_user_id: None,
    };
    let id = ctx.store.import_site(&site, &row.account, &row.contacts).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => format!("account: {} is already in use", row.account),
        e => e.to_string(),
    })?;
    let audit = store::NewAudit {
        at_ms: ctx.engine.clock().now_ms(),
        actor_user_id: Some(user.id),
        action: "site.imported".into(),
        subject: Some(format!("site:{id}")),
        detail: Some(format!("account {} · {}", row.account, row.name)),
    };
    ctx.store.append_audit(&audit).await.map_err(|e| e.to_string())?;
    ctx.engine.reload_site(id).await.map_err(|e| e.to_string())?;
    Ok(id)
}

/// Imports CSV lines given with their line numbers; each row succeeds or fails alone.
pub async fn import(ctx: &Ctx, user: &SessionUser, lines: Vec<(usize, String)>) -> Vec<ImportResult> {
    let mut out = Vec::with_capacity(lines.len());
    for (line, text) in lines {
        let fields = split_csv(&text);
        let account = fields.first().cloned().unwrap_or_default();
        let result = match check_row(&fields) {
            Ok(row) => import_one(ctx, user, row).await.map_err(|e| vec![e]),
            Err(errors) => Err(errors),
        };
        out.push(match result {
            Ok(id) => ImportResult { line, account, site_id: Some(id), errors: Vec::new() },
            Err(errors) => ImportResult { line, account, site_id: None, errors },
        });
    }
    out
}

/// Imports invoices from the billing system's CSV lines (line number, text); each row
/// succeeds or fails alone. A number already imported for its site takes its payment date.
pub async fn import_invoices(ctx: &Ctx, user: &SessionUser, lines: Vec<(usize, String)>) -> Vec<ImportResult> {
    let mut out = Vec::with_capacity(lines.len());
    for (line, text) in lines {
        let fields = split_csv(&text);
        let account = fields.first().cloned().unwrap_or_default();
        let result = match crate::model::import::check_invoice_row(&fields) {
            Ok(row) => import_invoice(ctx, user, row).await.map_err(|e| vec![e]),
            Err(errors) => Err(errors),
        };
        out.push(match result {
            Ok(id) => ImportResult { line, account, site_id: Some(id), errors: Vec::new() },
            Err(errors) => ImportResult { line, account, site_id: None, errors },
        });
    }
    out
}

async fn import_invoice(ctx: &Ctx, user: &SessionUser, row: crate::model::import::InvoiceRow) -> Result<i64, String> {
    let site_id = match ctx.store.account(&row.account).await.map_err(|e| e.to_string())? {
        Some(a) => a.site_id,
        None => return Err(format!("account: no account {}", row.account)),
    };
    let record = store::InvoiceRecord {
        id: 0,
        site_id,
        number: row.number.clone(),
        issued_on: row.issued_on,
        due_on: row.due_on,
        description: row.description,
        amount_cents: row.amount_cents,
        currency: row.currency,
        paid_on: row.paid_on.clone(),
    };
    ctx.store
        .upsert_invoice(&record)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("number: {} is another site's invoice", row.number))?;
    let detail = format!(
        "{} for account {}{}",
        row.number,
        row.account,
        row.paid_on.map(|p| format!(", paid {p}")).unwrap_or_default()
    );
    audit(ctx, user, "invoice.imported", format!("site:{site_id}"), detail).await.map_err(|e| e.to_string())?;
    Ok(site_id)
}

/// Every crew with its guard's login and device id.
pub async fn crews(ctx: &Ctx) -> Result<Vec<AdminCrew>, WorkError> {
    let users = ctx.store.list_users().await?;
    Ok(ctx
        .store
        .list_crews()
        .await?
        .into_iter()
        .map(|c| AdminCrew {
            login: c.user_id.and_then(|u| users.iter().find(|x| x.id == u)).map(|u| u.username.clone()),
            id: c.id,
            name: c.name,
            device_id: c.device_id,
            status: c.status,
            lat: c.lat,
            lon: c.lon,
        })
        .collect())
}

/// Every user and role.
pub async fn users(ctx: &Ctx) -> Result<Vec<AdminUser>, WorkError> {
    Ok(ctx
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| AdminUser {
            id: u.id,
            username: u.username,
            name: u.display_name,
            role: u.role,
            disabled: u.disabled,
            phone: u.phone.unwrap_or_default(),
            email: u.email.unwrap_or_default(),
        })
        .collect())
}

/// Appends an administrator's change to the audit journal.
pub async fn audit(
    ctx: &Ctx,
    user: &SessionUser,
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), WorkError> {
    let entry = store::NewAudit {
        at_ms: ctx.engine.clock().now_ms(),
        actor_user_id: Some(user.id),
        action: action.into(),
        subject: Some(subject),
        detail: Some(detail),
    };
    ctx.store.append_audit(&entry).await?;
    Ok(())
}

/// One site with what administrators edit: instructions, zones, contacts in order.
pub async fn site_detail(ctx: &Ctx, site_id: i64) -> Result<AdminSiteDetail, WorkError> {
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let settings = settings_of(ctx, site_id).await?;
    let zones = super::work::zone_lines(ctx, site_id).await?;
    let (plans, overrides) = (super::plans::plans(ctx, Some(&settings)).await?, super::plans::overrides(&settings));
    let contacts = ctx
        .store
        .contacts(site_id)
        .await?
        .into_iter()
        .map(|c| AdminContact {
            id: c.id,
            card: ContactForm {
                name: c.name.clone(),
                phone: c.phone.clone(),
                email: c.email.unwrap_or_default(),
                language: c.language.unwrap_or_default(),
                sms: c.sms,
            },
            name: c.name,
            phone: c.phone,
            has_safe_word: c.has_password,
        })
        .collect();
    let members = members(ctx, site_id).await?;
    let rules = rules_of(&settings, rec.time_zone.parse().unwrap_or(chrono_tz::UTC));
    let hours = hours_of(&settings);
    let i = settings.instructions;
    let form = SiteForm {
        name: rec.name.clone(),
        address: rec.address.clone(),
        city: rec.city.clone(),
        lat: format!("{:.6}", rec.lat),
        lon: format!("{:.6}", rec.lon),
        time_zone: rec.time_zone.clone(),
        kind: rec.kind.clone(),
    };
    let accounts = super::accounts::site_accounts(ctx, site_id, ctx.engine.clock().now_ms()).await?;
    Ok(AdminSiteDetail {
        id: site_id,
        name: rec.name,
        address: format!("{}, {}", rec.address, rec.city),
        keys: i.keys,
        pets: i.pets,
        notes: i.notes,
        zones,
        contacts,
        members,
        form,
        accounts,
        rules,
        hours,
        hour_changes: hour_changes(ctx, site_id).await?,
        plans,
        overrides,
        archived: rec.archived_at_ms.is_some(),
    })
}

/// Creates a site (`site_id` `None`) or changes one: name, address, position, time zone
/// and kind (a vehicle also becomes one for the engine). `Ok(Err(..))`: what to fix.
pub async fn save_site(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: Option<i64>,
    form: &SiteForm,
) -> Result<Result<i64, FieldErrors>, WorkError> {
    let c = match form.check() {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if c.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Ok(Err(FieldErrors {
            fields: vec![(
                "time_zone".into(),
                format!("No time zone {:?}: use one such as Europe/Bucharest.", c.time_zone),
            )],
            form: None,
        }));
    }
    let new = store::NewSite {
        name: c.name.clone(),
        address: c.address,
        city: c.city,
        lat: c.lat,
        lon: c.lon,
        time_zone: c.time_zone,
        owner_user_id: None,
    };
    let (id, action) = match site_id {
        None => (ctx.store.create_site(&new).await?, "site.created"),
        Some(id) => (id, "site.changed"),
    };
    ctx.store.update_site(id, &new, &c.kind).await?;
    let mut settings = settings_of(ctx, id).await?;
    let kind = if c.kind == "vehicle" { engine::SiteKind::Vehicle } else { engine::SiteKind::Premises };
    if settings.kind != kind {
        settings.kind = kind;
        let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
        ctx.store.put_site_settings(id, &json, ctx.engine.clock().now_ms()).await?;
    }
    audit(
        ctx,
        user,
        action,
        format!("site:{id}"),
        format!(
            "{} ({}), {}, {}, {:.5}, {:.5}, {}",
            new.name, c.kind, new.address, new.city, new.lat, new.lon, new.time_zone
        ),
    )
    .await?;
    ctx.engine.reload_site(id).await?;
    Ok(Ok(id))
}

/// A site's weekly hours as the form shows them.
fn hours_of(s: &engine::SiteSettings) -> HoursForm {
    let schedule = s.schedule.clone().unwrap_or_default();
    let text = |h: Option<&engine::rules::schedule::OpenHours>| {
        h.map_or_else(
            || (String::new(), String::new()),
            |h| (h.open.format("%H:%M").to_string(), h.close.format("%H:%M").to_string()),
        )
    };
    HoursForm {
        supervised: s.schedule.is_some(),
        closed_on_holidays: s.closed_on_holidays,
        days: schedule.days.iter().map(|d| text(d.as_ref())).collect(),
        later: schedule.later.iter().map(|l| text(l.first())).collect(),
        tolerance_min: schedule.tolerance_min.to_string(),
    }
}

/// Archives a site (`archive`) or brings it back. Archiving needs no open incident there; it
/// removes the site's accounts (its panels are no longer received, their numbers are free
/// again), stops its monitoring, and hides it from its customers; its history stays. A
/// site brought back has no account until one is added.
pub async fn archive_site(ctx: &Ctx, user: &SessionUser, site_id: i64, archive: bool) -> Result<(), WorkError> {
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    if !archive {
        ctx.store.set_site_archived(site_id, None).await?;
        audit(ctx, user, "site.restored", format!("site:{site_id}"), rec.name).await?;
        ctx.engine.reload_site(site_id).await?;
        return Ok(());
    }
    let open = ctx.engine.read(move |e, _| e.open_incidents().iter().filter(|i| i.site_id == site_id).count()).await?;
    if open > 0 {
        return Err(WorkError::Store(store::StoreError::Conflict(format!(
            "{} has {open} open incident(s): close them first",
            rec.name
        ))));
    }
    let mut removed = Vec::new();
    for a in ctx.store.list_accounts().await?.into_iter().filter(|a| a.site_id == site_id) {
        ctx.store.remove_account(&a.number).await?;
        removed.push(a.number);
    }
    ctx.store.set_site_archived(site_id, Some(ctx.engine.clock().now_ms())).await?;
    let detail =
        if removed.is_empty() { rec.name } else { format!("{}; accounts removed: {}", rec.name, removed.join(", ")) };
    audit(ctx, user, "site.archived", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(())
}

/// The archived sites, by id.
pub async fn archived_sites(ctx: &Ctx) -> Result<Vec<crate::model::admin::ArchivedSite>, WorkError> {
    Ok(ctx
        .store
        .archived_sites()
        .await?
        .into_iter()
        .map(|s| {
            let tz: chrono_tz::Tz = s.time_zone.parse().unwrap_or(chrono_tz::UTC);
            crate::model::admin::ArchivedSite {
                id: s.id,
                name: s.name,
                address: format!("{}, {}", s.address, s.city),
                archived: s.archived_at_ms.map(|t| engine::local_time(t, tz)).unwrap_or_default(),
            }
        })
        .collect())
}

/// A site's changes of single days, from its today on.
pub async fn hour_changes(ctx: &Ctx, site_id: i64) -> Result<Vec<HourChange>, WorkError> {
    let changes = ctx
        .engine
        .read(move |e, now| {
            e.site(site_id).map(|s| {
                let today = chrono::DateTime::from_timestamp_millis(now)
                    .unwrap_or_default()
                    .with_timezone(&s.info.time_zone)
                    .date_naive();
                s.state.schedule_changes.iter().filter(|c| c.date >= today).copied().collect::<Vec<_>>()
            })
        })
        .await?
        .unwrap_or_default();
    Ok(changes
        .into_iter()
        .map(|c| HourChange {
            date: c.date.to_string(),
            hours: c.hours.map_or_else(
                || "closed".to_owned(),
                |h| format!("{}-{}", h.open.format("%H:%M"), h.close.format("%H:%M")),
            ),
        })
        .collect())
}

/// Changes one day's hours of a site (both times, or neither for closed all day), or with
/// `remove` takes the day's change back; answers the site's changes from today on.
pub async fn change_hours_day(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    date: &str,
    open: &str,
    close: &str,
    remove: bool,
) -> Result<Result<Vec<HourChange>, FieldErrors>, WorkError> {
    use engine::rules::schedule::{OpenHours, TempChange};
    use engine::{Actor, Command};
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let tz: chrono_tz::Tz = rec.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let today = chrono::DateTime::from_timestamp_millis(ctx.engine.clock().now_ms())
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive();
    let actor = Actor::Operator(user.id);
    if remove {
        let Ok(day) = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") else {
            return Ok(Err(FieldErrors {
                fields: vec![("change_date".into(), crate::tx!(staff.check.date_yyyy_mm_dd_2).into())],
                form: None,
            }));
        };
        ctx.engine.command(actor, Command::ScheduleRevert { site_id, date: day }).await?;
        audit(ctx, user, "site.hours_change_removed", format!("site:{site_id}"), day.to_string()).await?;
        return Ok(Ok(hour_changes(ctx, site_id).await?));
    }
    let (day, hours) = match crate::model::admin::check_hour_change(date, open, close, today) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let time = |(h, m): (u32, u32)| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let hours = hours.map(|(o, c)| OpenHours { open: time(o), close: time(c) });
    ctx.engine.command(actor, Command::ScheduleChange { site_id, change: TempChange { date: day, hours } }).await?;
    let detail = match hours {
        Some(h) => format!("{day}: open {} to {}", h.open.format("%H:%M"), h.close.format("%H:%M")),
        None => format!("{day}: closed all day"),
    };
    audit(ctx, user, "site.hours_change", format!("site:{site_id}"), detail).await?;
    Ok(Ok(hour_changes(ctx, site_id).await?))
}

/// Sets a site's weekly opening hours (or ends their supervision). `Ok(errors)`: what to fix.
pub async fn save_hours(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    form: &HoursForm,
) -> Result<FieldErrors, WorkError> {
    use engine::rules::schedule::{validate, OpenHours, WeeklySchedule};
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let checked = match form.check() {
        Ok(d) => d,
        Err(e) => return Ok(e),
    };
    let time = |(h, m): (u32, u32)| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let hours = |(o, c): crate::model::admin::Window| OpenHours { open: time(o), close: time(c) };
    let mut schedule = WeeklySchedule { tolerance_min: checked.tolerance_min, ..WeeklySchedule::default() };
    for (slot, day) in schedule.days.iter_mut().zip(checked.days) {
        *slot = day.map(hours);
    }
    for (slot, day) in schedule.later.iter_mut().zip(checked.later) {
        *slot = day.map(hours).into_iter().collect();
    }
    if let Err(e) = validate(&schedule) {
        return Ok(FieldErrors { fields: Vec::new(), form: Some(e.to_string()) });
    }
    let mut settings = settings_of(ctx, site_id).await?;
    let mut detail = if form.supervised { schedule.describe().join(", ") } else { "not supervised".to_owned() };
    if form.closed_on_holidays {
        detail.push_str(", closed on public holidays");
    }
    settings.schedule = form.supervised.then_some(schedule);
    settings.closed_on_holidays = form.closed_on_holidays;
    let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_site_settings(site_id, &json, ctx.engine.clock().now_ms()).await?;
    audit(ctx, user, "site.hours", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// A site's rules as the form shows them.
fn rules_of(s: &engine::SiteSettings, tz: chrono_tz::Tz) -> SiteRules {
    let day = |ms: i64| engine::local_time(ms, tz).split(' ').next().unwrap_or_default().to_owned();
    SiteRules {
        duress_user: s.duress_user.clone().unwrap_or_default(),
        duress_shown_as: s.duress_shown_as.clone().unwrap_or_default(),
        cancel_window_s: s.cancel_window_s.to_string(),
        fire_cancel_window_s: s.fire_cancel_window_s.to_string(),
        life_sign: s.life_sign_ms.map(crate::model::accounts::duration_text).unwrap_or_default(),
        crew_sla_min: (s.crew_sla_ms / 60_000).to_string(),
        connected: Some(s.billing.connected_at_ms).filter(|t| *t > 0).map(day).unwrap_or_default(),
        warranty_until: s.billing.warranty_until_ms.map(day).unwrap_or_default(),
        included_per_year: s.billing.included_per_year.to_string(),
        free_first_month: s.billing.free_first_month,
        free_first_false_alarm: s.billing.free_first_false_alarm,
        price: Some(s.price.per_dispatch_minor)
            .filter(|p| *p > 0)
            .map(crate::model::admin::price_text)
            .unwrap_or_default(),
        currency: s.price.currency.clone(),
    }
}

/// Changes a site's rules: duress code, cancel windows, vehicle life sign, crew SLA and
/// billing terms. `Ok(Err(..))`: what to fix, nothing changed.
pub async fn save_rules(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    form: &SiteRules,
) -> Result<FieldErrors, WorkError> {
    let rec = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let c = match form.check() {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let tz: chrono_tz::Tz = rec.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let start = |d: chrono::NaiveDate| super::history::day_start(d, tz);
    let mut settings = settings_of(ctx, site_id).await?;
    settings.duress_user = c.duress_user;
    settings.duress_shown_as = c.duress_shown_as;
    settings.cancel_window_s = c.cancel_window_s;
    settings.fire_cancel_window_s = c.fire_cancel_window_s;
    settings.life_sign_ms = c.life_sign_ms;
    settings.crew_sla_ms = c.crew_sla_ms;
    settings.billing.connected_at_ms = c.connected.map(start).unwrap_or(0);
    // The warranty covers its last day whole.
    settings.billing.warranty_until_ms = c.warranty_until.and_then(|d| d.succ_opt()).map(|d| start(d) - 1);
    settings.billing.included_per_year = c.included_per_year;
    settings.billing.free_first_month = c.free_first_month;
    settings.billing.free_first_false_alarm = c.free_first_false_alarm;
    settings.price = engine::Price { per_dispatch_minor: c.price_minor, currency: c.currency.clone() };
    let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_site_settings(site_id, &json, ctx.engine.clock().now_ms()).await?;
    let shown = rules_of(&settings, tz);
    let detail = format!(
        "duress user {}, cancel {} s (fire {} s), life sign {}, crew late after {} min, connected {}, warranty {}, {} dispatches a year, first month {}, first false alarm {}, price {}",
        if shown.duress_user.is_empty() { "none" } else { &shown.duress_user },
        shown.cancel_window_s,
        shown.fire_cancel_window_s,
        if shown.life_sign.is_empty() { "none" } else { &shown.life_sign },
        shown.crew_sla_min,
        if shown.connected.is_empty() { "unknown" } else { &shown.connected },
        if shown.warranty_until.is_empty() { "none" } else { &shown.warranty_until },
        shown.included_per_year,
        if shown.free_first_month { "free" } else { "billed" },
        if shown.free_first_false_alarm { "free" } else { "billed" },
        if shown.price.is_empty() { "none".to_owned() } else { format!("{} {}", shown.price, shown.currency) },
    );
    audit(ctx, user, "site.rules", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// The customer logins with access to a site.
async fn members(ctx: &Ctx, site_id: i64) -> Result<Vec<AdminMember>, WorkError> {
    let mut out = Vec::new();
    for (user_id, role) in ctx.store.site_members(site_id).await? {
        if let Some(u) = ctx.store.user(user_id).await? {
            out.push(AdminMember { user_id, code: u.username, name: u.display_name, role, first_pin: u.must_change });
        }
    }
    Ok(out)
}

/// A random first PIN of 6 digits that [`pin_problem`](crate::model::customer::pin_problem)
/// accepts.
fn first_pin() -> String {
    use rand::Rng;
    loop {
        let pin = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        if crate::model::customer::pin_problem(&pin).is_none() {
            return pin;
        }
    }
}

/// Gives a person access to a site as `owner` or `contact`. A customer ID that is new
/// becomes a login with a random first PIN (returned this once, to pass on; the customer
/// must change it at the first sign-in); an existing customer login just gains the site.
pub async fn invite(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    code: &str,
    name: &str,
    role: &str,
) -> Result<Result<Invited, FieldErrors>, WorkError> {
    let site = ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let code = code.trim();
    let mut errors = check_new_user(code, name, &first_pin(), "customer");
    if !store::MEMBER_ROLES.contains(&role) {
        errors.fields.push(("member_role".into(), "Owner or contact.".into()));
    }
    let existing = ctx.store.user_by_username(code).await?;
    if let Some(u) = &existing {
        errors.fields.retain(|(f, _)| f != "display_name");
        if u.role != "customer" {
            errors.fields.push(("username".into(), "This login is not a customer's.".into()));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (user_id, pin) = match existing {
        Some(u) => (u.id, None),
        None => {
            let pin = first_pin();
            let password_hash =
                super::auth::hash_password(pin.clone()).await.map_err(|e| WorkError::Invalid(e.to_string()))?;
            let id = ctx
                .store
                .create_user(&store::NewUser {
                    username: code.into(),
                    password_hash: password_hash.clone(),
                    role: "customer".into(),
                    display_name: name.trim().into(),
                })
                .await?;
            ctx.store.set_password(id, &password_hash, true).await?;
            audit(ctx, user, "user.created", format!("user:{id}"), format!("{code} (customer), first PIN to change"))
                .await?;
            (id, Some(pin))
        }
    };
    ctx.store.set_site_member(site_id, user_id, role).await?;
    audit(ctx, user, "site.member_added", format!("site:{site_id}"), format!("{code} as {role} of {}", site.name))
        .await?;
    Ok(Ok(Invited { code: code.into(), pin }))
}

/// Takes a customer login's access to a site away (the login stays, with its other sites).
pub async fn remove_member(ctx: &Ctx, user: &SessionUser, site_id: i64, user_id: i64) -> Result<(), WorkError> {
    let who = ctx.store.user(user_id).await?.ok_or_else(|| WorkError::NotFound(format!("user {user_id}")))?;
    if !ctx.store.remove_site_member(site_id, user_id).await? {
        return Err(WorkError::NotFound(format!("access of {} to site {site_id}", who.username)));
    }
    audit(ctx, user, "site.member_removed", format!("site:{site_id}"), who.username).await
}

pub(crate) async fn settings_of(ctx: &Ctx, site_id: i64) -> Result<engine::SiteSettings, WorkError> {
    match ctx.store.site_settings(site_id).await? {
        Some(json) => {
            serde_json::from_str(&json).map_err(|e| WorkError::Invalid(format!("site settings unreadable: {e}")))
        }
        None => Ok(engine::SiteSettings::default()),
    }
}

/// Replaces a site's instructions (keys, pets, notes); the engine reloads the site.
pub async fn save_instructions(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    instructions: engine::Instructions,
) -> Result<(), WorkError> {
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let mut settings = settings_of(ctx, site_id).await?;
    settings.instructions = instructions;
    let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
    let now = ctx.engine.clock().now_ms();
    ctx.store.put_site_settings(site_id, &json, now).await?;
    audit(
        ctx,
        user,
        "site.instructions",
        format!("site:{site_id}"),
        serde_json::to_string(&settings.instructions).unwrap_or_default(),
    )
    .await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(())
}

/// Moves a contact one place up or down in the calling order.
pub async fn move_contact(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    up: bool,
) -> Result<(), WorkError> {
    let mut ids: Vec<i64> = ctx.store.contacts(site_id).await?.into_iter().map(|c| c.id).collect();
    let at = ids
        .iter()
        .position(|&c| c == contact_id)
        .ok_or_else(|| WorkError::NotFound(format!("contact {contact_id} of site {site_id}")))?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|&o| o < ids.len()) };
    let Some(other) = other else { return Ok(()) };
    ids.swap(at, other);
    ctx.store.reorder_contacts(site_id, &ids).await?;
    audit(ctx, user, "site.contacts_reordered", format!("site:{site_id}"), format!("{ids:?}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(())
}

/// Adds a contact at the end of the call list (`contact_id` `None`) or changes one.
pub async fn save_contact(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: Option<i64>,
    form: &ContactForm,
) -> Result<FieldErrors, WorkError> {
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let c = match form.check() {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let card = store::ContactCard {
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: Some(c.email.clone()).filter(|e| !e.is_empty()),
        language: Some(c.language.clone()).filter(|l| !l.is_empty()),
        sms: c.sms,
    };
    let (action, id) = match contact_id {
        None => ("contact.added", ctx.store.add_contact(site_id, &card).await?),
        Some(id) => {
            ctx.store.update_contact_card(site_id, id, &card).await?;
            ("contact.changed", id)
        }
    };
    let detail = format!(
        "{}: {}, {}{}{}",
        c.name,
        c.phone,
        if c.email.is_empty() { "no e-mail" } else { &c.email },
        if c.sms { ", SMS" } else { ", no SMS" },
        if c.language.is_empty() { String::new() } else { format!(", {}", c.language) }
    );
    audit(ctx, user, action, format!("site:{site_id}"), format!("contact {id} {detail}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// Removes a contact from the call list.
pub async fn remove_contact(ctx: &Ctx, user: &SessionUser, site_id: i64, contact_id: i64) -> Result<(), WorkError> {
    let name = ctx.store.contacts(site_id).await?.into_iter().find(|c| c.id == contact_id).map(|c| c.name);
    let name = name.ok_or_else(|| WorkError::NotFound(format!("contact {contact_id} of site {site_id}")))?;
    ctx.store.remove_contact(site_id, contact_id).await?;
    audit(ctx, user, "contact.removed", format!("site:{site_id}"), format!("contact {contact_id} {name}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(())
}

/// Renames a zone (`name` given) or removes it (`None`).
/// A renamed zone may also get a type (`kind`: `Some("")` clears it, `None` keeps it).
pub async fn change_zone(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    number: i64,
    name: Option<&str>,
    kind: Option<&str>,
) -> Result<FieldErrors, WorkError> {
    match name {
        Some(name) => {
            let (_, name) = match check_zone(&number.to_string(), name) {
                Ok(z) => z,
                Err(e) => return Ok(e),
            };
            let kind = kind.map(str::trim);
            if let Some(k) =
                kind.filter(|k| !k.is_empty() && !crate::model::admin::ZONE_KINDS.iter().any(|(z, _)| z == k))
            {
                return Ok(FieldErrors {
                    fields: vec![("zone_kind".into(), format!("No zone type {k:?}."))],
                    form: None,
                });
            }
            ctx.store.rename_zone(site_id, number, &name).await?;
            let mut detail = format!("{number:03} {name}");
            if let Some(k) = kind {
                ctx.store.set_zone_kind(site_id, number, Some(k).filter(|k| !k.is_empty())).await?;
                detail.push_str(&format!(
                    " ({})",
                    if k.is_empty() { "no type" } else { crate::model::admin::zone_kind_label(k) }
                ));
            }
            audit(ctx, user, "site.zone_renamed", format!("site:{site_id}"), detail).await?;
        }
        None => {
            ctx.store.remove_zone(site_id, number).await?;
            audit(ctx, user, "site.zone_removed", format!("site:{site_id}"), format!("{number:03}")).await?;
        }
    }
    Ok(FieldErrors::default())
}

/// Names a new zone of a site.
pub async fn add_zone(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    number: &str,
    name: &str,
) -> Result<FieldErrors, WorkError> {
    let (n, name) = match check_zone(number, name) {
        Ok(z) => z,
        Err(e) => return Ok(e),
    };
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    match ctx.store.create_zone(site_id, n, &name).await {
        Ok(_) => {}
        Err(store::StoreError::Conflict(_)) => {
            return Ok(FieldErrors {
                fields: vec![("zone_number".into(), format!("Zone {n} already exists."))],
                form: None,
            })
        }
        Err(e) => return Err(e.into()),
    }
    audit(ctx, user, "site.zone_added", format!("site:{site_id}"), format!("{n:03} {name}")).await?;
    Ok(FieldErrors::default())
}

/// Sets or clears a crew's tracking device id. A device that is set gets a new random key,
/// returned this once (only its hash is kept): Traccar Client carries it in its server URL,
/// so a guessed device id alone moves nothing. `Err(problem)`: nothing was saved.
pub async fn set_crew_device(
    ctx: &Ctx,
    user: &SessionUser,
    crew_id: i64,
    device: &str,
) -> Result<Result<Option<String>, String>, WorkError> {
    let device = match check_device_id(device) {
        Ok(d) => d,
        Err(message) => return Ok(Err(message)),
    };
    match ctx.store.set_crew_device(crew_id, device.as_deref()).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(_)) => return Ok(Err("Another crew has this device id.".into())),
        Err(e) => return Err(e.into()),
    }
    let key = device.as_ref().map(|_| crate::ssr::auth::new_token());
    ctx.store.set_crew_device_key(crew_id, key.as_deref().map(crate::ssr::auth::token_hash).as_deref()).await?;
    audit(
        ctx,
        user,
        "crew.device",
        format!("crew:{crew_id}"),
        format!("{} (new key)", device.as_deref().unwrap_or("none")),
    )
    .await?;
    Ok(Ok(key))
}

/// Creates a crew (`crew_id` `None`) or renames one and puts it at its base.
pub async fn save_crew(
    ctx: &Ctx,
    user: &SessionUser,
    crew_id: Option<i64>,
    name: &str,
    lat: &str,
    lon: &str,
) -> Result<FieldErrors, WorkError> {
    let (name, lat, lon) = match check_crew(name, lat, lon) {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let (action, id) = match crew_id {
        None => ("crew.created", ctx.store.create_crew(&name, lat, lon, "available").await?),
        Some(id) => {
            ctx.store.set_crew_base(id, &name, lat, lon).await?;
            ("crew.changed", id)
        }
    };
    audit(ctx, user, action, format!("crew:{id}"), format!("{name} at {lat:.5}, {lon:.5}")).await?;
    ctx.engine.reload_crews().await?;
    Ok(FieldErrors::default())
}

/// Links a guard's login to a crew (empty: none). The login must be a crew login, and the
/// guard of no other crew (their phone must know which crew it is).
pub async fn set_crew_guard(
    ctx: &Ctx,
    user: &SessionUser,
    crew_id: i64,
    login: &str,
) -> Result<FieldErrors, WorkError> {
    let problem = |m: String| Ok(FieldErrors { fields: vec![("guard".into(), m)], form: None });
    let crews = ctx.store.list_crews().await?;
    let crew = crews.iter().find(|c| c.id == crew_id).ok_or_else(|| WorkError::NotFound(format!("crew {crew_id}")))?;
    let login = login.trim();
    let guard = if login.is_empty() {
        None
    } else {
        let Some(u) = ctx.store.user_by_username(login).await?.filter(|u| u.role == "crew") else {
            return problem(format!("No crew login {login:?}: create it on the Logins page with the role crew."));
        };
        if let Some(other) = crews.iter().find(|c| c.user_id == Some(u.id) && c.id != crew_id) {
            return problem(format!("{login} is already the guard of {}.", other.name));
        }
        Some(u.id)
    };
    ctx.store.set_crew_user(crew_id, guard).await?;
    audit(
        ctx,
        user,
        "crew.guard",
        format!("crew:{crew_id}"),
        format!("{}: {}", crew.name, if login.is_empty() { "no guard login" } else { login }),
    )
    .await?;
    ctx.engine.reload_crews().await?;
    Ok(FieldErrors::default())
}

/// Creates a user with a role; the password is stored only as an argon2 hash.
pub async fn create_user(
    ctx: &Ctx,
    user: &SessionUser,
    username: &str,
    display_name: &str,
    password: String,
    role: &str,
) -> Result<FieldErrors, WorkError> {
    let errors = check_new_user(username, display_name, &password, role);
    if !errors.is_empty() {
        return Ok(errors);
    }
    let password_hash = super::auth::hash_password(password).await.map_err(|e| WorkError::Invalid(e.to_string()))?;
    let new = store::NewUser {
        username: username.trim().into(),
        password_hash,
        role: role.into(),
        display_name: display_name.trim().into(),
    };
    match ctx.store.create_user(&new).await {
        Ok(id) => {
            audit(ctx, user, "user.created", format!("user:{id}"), format!("{} ({role})", new.username)).await?;
            Ok(FieldErrors::default())
        }
        Err(store::StoreError::Conflict(_)) => {
            Ok(FieldErrors { fields: vec![("username".into(), "This login is taken.".into())], form: None })
        }
        Err(e) => Err(e.into()),
    }
}

/// One message about the whole form.
fn form_error(message: impl Into<String>) -> FieldErrors {
    FieldErrors { fields: Vec::new(), form: Some(message.into()) }
}

/// Changes a login: role, disabled or not, password. Administrators cannot disable or
/// demote themselves (another administrator must), and the last one stays.
pub async fn change_user(
    ctx: &Ctx,
    user: &SessionUser,
    target: i64,
    change: UserChange,
) -> Result<FieldErrors, WorkError> {
    let who = ctx.store.user(target).await?.ok_or_else(|| WorkError::NotFound(format!("user {target}")))?;
    let own = target == user.id;
    let now = ctx.engine.clock().now_ms();
    let (action, detail, result) = match change {
        UserChange::Role { role } => {
            if !ROLES.contains(&role.as_str()) {
                return Ok(FieldErrors {
                    fields: vec![("role".into(), crate::tx!(staff.check.choose_role).into())],
                    form: None,
                });
            }
            if own {
                return Ok(form_error("Another administrator must change your own role."));
            }
            let result = ctx.store.set_user_role(target, &role).await;
            ("user.role", format!("{}: {} → {role}", who.username, who.role), result)
        }
        UserChange::Disable => {
            if own {
                return Ok(form_error("You cannot disable yourself."));
            }
            ("user.disabled", who.username.clone(), ctx.store.set_user_disabled(target, Some(now)).await)
        }
        UserChange::Enable => ("user.enabled", who.username.clone(), ctx.store.set_user_disabled(target, None).await),
        UserChange::Alerts { phone, email } => {
            let (phone, email) = (phone.trim().to_owned(), email.trim().to_owned());
            let mut e = FieldErrors::default();
            if !phone.is_empty() && crate::model::customer::phone_problem(&phone).is_some() {
                e.fields.push(("phone".into(), "A phone number, such as +40 721 555 010, or nothing.".into()));
            }
            if let Some(problem) = crate::model::admin::email_problem(&email) {
                e.fields.push(("email".into(), problem.into()));
            }
            if !e.is_empty() {
                return Ok(e);
            }
            let result = ctx
                .store
                .set_user_contact(
                    target,
                    Some(phone.as_str()).filter(|p| !p.is_empty()),
                    Some(email.as_str()).filter(|e| !e.is_empty()),
                )
                .await;
            (
                "user.alerts",
                format!(
                    "{}: phone {}, e-mail {}",
                    who.username,
                    if phone.is_empty() { "none" } else { &phone },
                    if email.is_empty() { "none" } else { &email }
                ),
                result,
            )
        }
        UserChange::Password { password } => {
            if let Some(problem) = password_problem(&who.role, &password) {
                return Ok(FieldErrors { fields: vec![("password".into(), problem.into())], form: None });
            }
            let hash = super::auth::hash_password(password).await.map_err(|e| WorkError::Invalid(e.to_string()))?;
            (
                "user.password_reset",
                who.username.clone(),
                ctx.store.set_password(target, &hash, who.role == "customer").await,
            )
        }
    };
    match result {
        Ok(()) => {}
        Err(store::StoreError::Conflict(_)) => {
            return Ok(form_error("The last administrator stays an enabled administrator."))
        }
        Err(e) => return Err(e.into()),
    }
    audit(ctx, user, action, format!("user:{target}"), detail).await?;
    Ok(FieldErrors::default())
}

/// Sets a contact's safe word (kept only as an argon2 hash, never shown again), or clears
/// it with an empty word.
pub async fn set_safe_word(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    word: String,
) -> Result<FieldErrors, WorkError> {
    let contact = ctx.store.contacts(site_id).await?.into_iter().find(|c| c.id == contact_id);
    let contact = contact.ok_or_else(|| WorkError::NotFound(format!("contact {contact_id} of site {site_id}")))?;
    let word = word.trim().to_owned();
    let hash = if word.is_empty() {
        None
    } else if let Some(problem) = safe_word_problem(&word) {
        return Ok(FieldErrors { fields: vec![("safe_word".into(), problem.into())], form: None });
    } else {
        Some(super::auth::hash_password(word).await.map_err(|e| WorkError::Invalid(e.to_string()))?)
    };
    ctx.store.set_contact_password(contact_id, hash.as_deref()).await?;
    let detail = format!("{}: {}", contact.name, if hash.is_some() { "safe word set" } else { "safe word removed" });
    audit(ctx, user, "contact.safe_word", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// The customers' open service requests, newest first.
pub async fn requests(ctx: &Ctx) -> Result<Vec<crate::model::admin::AdminRequest>, WorkError> {
    let names: std::collections::HashMap<i64, String> =
        ctx.store.list_users().await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let mut out = Vec::new();
    for r in ctx.store.service_requests(None).await? {
        let site = ctx.store.site(r.site_id).await?;
        let tz: chrono_tz::Tz = site.as_ref().and_then(|s| s.time_zone.parse().ok()).unwrap_or(chrono_tz::UTC);
        let dates = match (&r.from_date, &r.until_date) {
            (None, None) => None,
            (f, u) => Some(format!("{} – {}", f.as_deref().unwrap_or(""), u.as_deref().unwrap_or(""))),
        };
        out.push(crate::model::admin::AdminRequest {
            id: r.id,
            site_id: r.site_id,
            site_name: site.map(|s| s.name).unwrap_or_default(),
            kind: r.kind,
            details: r.details,
            dates,
            by: r.user_id.and_then(|u| names.get(&u).cloned()),
            at: engine::local_time(r.created_at_ms, tz),
        });
    }
    Ok(out)
}

/// Marks a service request handled.
pub async fn close_request(ctx: &Ctx, user: &SessionUser, id: i64) -> Result<(), WorkError> {
    ctx.store.close_service_request(id, ctx.engine.clock().now_ms()).await?;
    audit(ctx, user, "service_request.done", format!("request:{id}"), String::new()).await
}
