//! The customer app on the server: who may reach which site, and what each screen shows and
//! does. Every function takes the signed-in customer and checks their membership of the site
//! first; a site they may not reach is "not found", exactly like one that does not exist.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use engine::rules::schedule::{OpenHours, TempChange};
use engine::{Actor, CancelResult, Command, CommandError, Reply, TestScope};

use super::engine::EngineError;
use super::work::WorkError;
use super::Ctx;
use crate::model::customer::{
    phone_problem, AppAlarm, AppCommand, AppContact, AppDay, AppHome, AppInvoice, AppMoney, AppPush, AppRequest,
    AppSchedule, AppScheduleChange, AppSite, Errors, JournalFilter, JournalLine, SiteRole,
};
use crate::model::SessionUser;

/// How far back the journal may reach, in days.
pub const JOURNAL_MAX_DAYS: i64 = 31;
/// Signals read for a journal at most.
const JOURNAL_MAX_SIGNALS: usize = 5000;

/// Why a customer call was refused.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not one of the caller's sites (or no such thing).
    #[error("{0} not found")]
    NotFound(String),
    /// The caller's role on the site does not allow it.
    #[error("only the site's owner may do this")]
    OwnerOnly,
    /// A field is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Storage or engine failed.
    #[error(transparent)]
    Work(#[from] WorkError),
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        AppError::Work(e.into())
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        AppError::Work(e.into())
    }
}

/// The caller's role on a site; "not found" if they have none.
pub async fn member(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<SiteRole, AppError> {
    let role = ctx.store.member_role(user.id, site_id).await?;
    role.as_deref().and_then(SiteRole::parse).ok_or_else(|| AppError::NotFound(format!("site {site_id}")))
}

/// Like [`member`], and the caller must own the site.
pub async fn owner(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<(), AppError> {
    match member(ctx, user, site_id).await? {
        SiteRole::Owner => Ok(()),
        SiteRole::Contact => Err(AppError::OwnerOnly),
    }
}

async fn audit(ctx: &Ctx, user: &SessionUser, action: &str, site_id: i64, detail: String) -> Result<(), AppError> {
    super::admin::audit(ctx, user, action, format!("site:{site_id}"), detail).await?;
    Ok(())
}

/// The time zone a site's times are shown in.
pub async fn site_tz(ctx: &Ctx, site_id: i64) -> Result<Tz, AppError> {
    let site = ctx.store.site(site_id).await?.ok_or_else(|| AppError::NotFound(format!("site {site_id}")))?;
    Ok(site.time_zone.parse().unwrap_or(chrono_tz::UTC))
}

/// A time in a zone with a format.
pub fn fmt(at_ms: i64, tz: Tz, format: &str) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.with_timezone(&tz).format(format).to_string())
        .unwrap_or_default()
}

/// The start of a local day, unix ms.
fn day_start(date: NaiveDate, tz: Tz) -> i64 {
    tz.from_local_datetime(&date.and_time(NaiveTime::MIN)).earliest().map_or(0, |t| t.timestamp_millis())
}

/// The caller's sites for the selector.
pub async fn sites(ctx: &Ctx, user: &SessionUser) -> Result<Vec<AppSite>, AppError> {
    Ok(ctx
        .store
        .member_sites(user.id)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(AppSite { site_id: m.site_id, name: m.name, address: m.address, role: SiteRole::parse(&m.role)? })
        })
        .collect())
}

/// The home screen: state, open alarms (never a silent one), the latest panel command.
pub async fn home(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<AppHome, AppError> {
    let role = member(ctx, user, site_id).await?;
    let (view, arm_user, tz, now) = ctx
        .engine
        .read(move |e, now| {
            let site = e.site(site_id)?;
            Some((e.customer_site(site_id, now)?, site.state.arm_user.clone(), site.info.time_zone, now))
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("site {site_id}")))?;
    let arm = crate::ssr::ops::name_of(&view.arm);
    let command = ctx.store.panel_commands(site_id, now - 10 * 60_000).await?.into_iter().next().map(|c| {
        // The panel's report can overtake the command's own receipt: a command whose effect
        // is already reported is done.
        let reported = c.status == "queued"
            && view.arm_changed_at_ms.is_some_and(|t| t >= c.requested_at_ms)
            && arm == armed_name(&c.command);
        AppCommand {
            id: c.id,
            status: if reported { "done".into() } else { c.status },
            command: c.command,
            by: c.user_name,
            at: fmt(c.requested_at_ms, tz, "%H:%M"),
            age_ms: now - c.requested_at_ms,
        }
    });
    // User 0 is the panel's remote user: the app's command carried out.
    let arm_user = arm_user.map(|u| u.trim_start_matches('0').to_owned()).map(|u| match u.as_str() {
        "" => {
            command.as_ref().filter(|c| c.status == "done").and_then(|c| c.by.clone()).unwrap_or_else(|| "app".into())
        }
        _ => format!("#{u}"),
    });
    // A finished command's line is shown for a while only; a queued one until it is done.
    let command = command.filter(|c| c.status == "queued" || c.age_ms < crate::model::customer::COMMAND_SHOWN_MS);
    Ok(AppHome {
        site_id,
        name: view.name,
        role,
        arm,
        arm_user,
        arm_changed: view.arm_changed_at_ms.map(|t| fmt(t, tz, "%Y-%m-%d %H:%M")),
        test_until: view.test_until_ms.map(|t| (t, fmt(t, tz, "%H:%M"))),
        suspended_until: view.suspended_until_ms.map(|t| fmt(t, tz, "%Y-%m-%d %H:%M")),
        alarms: view
            .alarms
            .into_iter()
            .map(|a| AppAlarm {
                id: a.id,
                category: crate::ssr::ops::name_of(&a.category),
                opened: fmt(a.opened_at_ms, tz, "%H:%M"),
                cancel_until_ms: if a.crew_dispatched { None } else { a.cancel_until_ms.or(Some(i64::MAX)) },
                crew_dispatched: a.crew_dispatched,
            })
            .collect(),
        command,
        time_zone: tz.name().to_owned(),
        read_at: fmt(now, tz, "%H:%M:%S"),
    })
}

/// The arm state a panel command leads to.
fn armed_name(command: &str) -> &'static str {
    match command {
        "arm" => "armed",
        "night" => "night",
        _ => "disarmed",
    }
}

/// Queues arm, disarm or night mode for the site's panel.
pub async fn panel_command(ctx: &Ctx, user: &SessionUser, site_id: i64, command: &str) -> Result<i64, AppError> {
    member(ctx, user, site_id).await?;
    if !store::PANEL_COMMANDS.contains(&command) {
        return Err(AppError::Invalid(format!("unknown command {command:?}")));
    }
    let id = ctx.store.queue_panel_command(site_id, command, Some(user.id), ctx.engine.clock().now_ms()).await?;
    audit(ctx, user, "app.panel_command", site_id, format!("{command} (#{id})")).await?;
    Ok(id)
}

/// Cancels the site's alarm with a contact's password.
pub async fn cancel(ctx: &Ctx, user: &SessionUser, site_id: i64, password: String) -> Result<CancelResult, AppError> {
    member(ctx, user, site_id).await?;
    if password.trim().is_empty() {
        return Err(AppError::Invalid("password_required".into()));
    }
    let password_ok = super::work::site_password_ok(ctx, site_id, password).await?;
    match ctx.engine.command(Actor::Customer(user.id), Command::Cancel { site_id, password_ok }).await? {
        Reply::Cancel { result } => Ok(result),
        other => Err(AppError::Invalid(format!("unexpected answer {other:?}"))),
    }
}

/// A panic from the phone, with its position when the customer allowed it.
pub async fn panic(ctx: &Ctx, user: &SessionUser, site_id: i64, position: Option<(f64, f64)>) -> Result<i64, AppError> {
    member(ctx, user, site_id).await?;
    let position = position.filter(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0);
    match ctx.engine.command(Actor::Customer(user.id), Command::Panic { site_id, position }).await? {
        Reply::Opened { incident } => Ok(incident),
        other => Err(AppError::Invalid(format!("unexpected answer {other:?}"))),
    }
}

/// The journal of the last `days` days, newest first. Duress does not exist here: silent
/// incidents are never read, duress codes are not arming events, and a duress disarm is a
/// disarm like any other.
pub async fn journal(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    days: i64,
    filter: JournalFilter,
) -> Result<Vec<JournalLine>, AppError> {
    member(ctx, user, site_id).await?;
    let tz = site_tz(ctx, site_id).await?;
    let now = ctx.engine.clock().now_ms();
    let since = now - days.clamp(1, JOURNAL_MAX_DAYS) * 86_400_000;
    let mut signals = Vec::new();
    let mut before_id = None;
    while signals.len() < JOURNAL_MAX_SIGNALS {
        let page = ctx
            .store
            .list_signals(&store::SignalQuery { limit: 500, before_id, site_ids: Some(vec![site_id]) })
            .await?;
        let full = page.len() == 500;
        before_id = page.last().map(|s| s.id);
        let old = page.last().is_none_or(|s| s.received_at_ms < since);
        signals.extend(page.into_iter().filter(|s| s.received_at_ms >= since));
        if !full || old {
            break;
        }
    }
    let query = store::IncidentQuery {
        open_only: false,
        include_silent: false,
        site_ids: Some(vec![site_id]),
        since_ms: Some(since),
        until_ms: None,
        before_id: None,
        limit: 500,
    };
    let incidents = ctx.store.list_incidents(&query).await?;
    let commands = ctx.store.panel_commands(site_id, since).await?;
    let duress = ctx
        .engine
        .read(move |e, _| {
            e.site(site_id).and_then(|s| s.settings.duress_user.clone().map(|d| (d, s.settings.duress_shown_as())))
        })
        .await?;
    let lines = super::journal::lines(
        &signals,
        &incidents,
        &commands,
        tz,
        duress.as_ref().map(|(d, s)| (d.as_str(), s.as_str())),
    );
    Ok(lines.into_iter().filter(|l| filter.admits(l.kind)).collect())
}

/// The call list in order, with unavailability periods as site-local dates.
pub async fn contacts(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<Vec<AppContact>, AppError> {
    member(ctx, user, site_id).await?;
    let tz = site_tz(ctx, site_id).await?;
    let now = ctx.engine.clock().now_ms();
    Ok(ctx
        .store
        .contacts(site_id)
        .await?
        .into_iter()
        .map(|c| {
            let current = c.unavailable_until_ms.filter(|u| *u > now);
            AppContact {
                id: c.id,
                name: c.name,
                phone: c.phone,
                away_from: current.map(|_| fmt(c.unavailable_from_ms.unwrap_or(now).max(now), tz, "%Y-%m-%d")),
                // The period ends at the start of the day after the last day away.
                away_until: current.map(|u| fmt(u - 1, tz, "%Y-%m-%d")),
                away_now: current.is_some() && c.unavailable_from_ms.is_none_or(|f| f <= now),
            }
        })
        .collect())
}

async fn site_contact(ctx: &Ctx, site_id: i64, contact_id: i64) -> Result<(), AppError> {
    let found = ctx.store.contacts(site_id).await?.iter().any(|c| c.id == contact_id);
    found.then_some(()).ok_or_else(|| AppError::NotFound(format!("contact {contact_id}")))
}

/// Changes a contact's name and phone (owner); field errors come back by name.
pub async fn save_contact(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    name: &str,
    phone: &str,
) -> Result<Errors, AppError> {
    owner(ctx, user, site_id).await?;
    site_contact(ctx, site_id, contact_id).await?;
    let mut errors = Errors::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(("name".into(), "name_required".into()));
    } else if name.chars().count() > 80 {
        errors.push(("name".into(), "name_long".into()));
    }
    if let Some(p) = phone_problem(phone) {
        errors.push(("phone".into(), p.into()));
    }
    if !errors.is_empty() {
        return Ok(errors);
    }
    ctx.store.update_contact(contact_id, name, phone.trim()).await?;
    audit(ctx, user, "app.contact_changed", site_id, format!("contact {contact_id}: {name}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(errors)
}

/// Sets a contact's safe word (owner); never shown again. Field errors come back by name.
pub async fn contact_safe_word(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    word: &str,
) -> Result<Errors, AppError> {
    owner(ctx, user, site_id).await?;
    site_contact(ctx, site_id, contact_id).await?;
    if crate::model::admin::safe_word_problem(word).is_some() {
        return Ok(vec![("safe_word".into(), "safe_word_length".into())]);
    }
    let hash =
        super::auth::hash_password(word.trim().to_owned()).await.map_err(|e| AppError::Invalid(e.to_string()))?;
    ctx.store.set_contact_password(contact_id, Some(&hash)).await?;
    audit(ctx, user, "app.safe_word_changed", site_id, format!("contact {contact_id}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(Errors::new())
}

/// Moves a contact one place up or down (owner).
pub async fn move_contact(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    up: bool,
) -> Result<(), AppError> {
    owner(ctx, user, site_id).await?;
    site_contact(ctx, site_id, contact_id).await?;
    super::admin::move_contact(ctx, user, site_id, contact_id, up).await?;
    Ok(())
}

/// Marks a contact away from one local date to another, both included (owner); no dates:
/// available again.
pub async fn contact_away(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    contact_id: i64,
    from: &str,
    until: &str,
) -> Result<Errors, AppError> {
    owner(ctx, user, site_id).await?;
    site_contact(ctx, site_id, contact_id).await?;
    let tz = site_tz(ctx, site_id).await?;
    let now = ctx.engine.clock().now_ms();
    let today = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default().with_timezone(&tz).date_naive();
    let (from_ms, until_ms) = if from.is_empty() && until.is_empty() {
        (None, None)
    } else {
        let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let mut errors = Errors::new();
        let from_date = if from.trim().is_empty() { Some(today) } else { parse(from) };
        let until_date = parse(until);
        match (from_date, until_date) {
            (None, _) => errors.push(("from".into(), "date_invalid".into())),
            (_, None) => errors.push(("until".into(), "date_invalid".into())),
            (Some(f), Some(u)) if u < f || u < today => errors.push(("until".into(), "date_order".into())),
            _ => {}
        }
        if !errors.is_empty() {
            return Ok(errors);
        }
        let (f, u) = (from_date.unwrap_or(today), until_date.unwrap_or(today));
        let from_ms = (f > today).then(|| day_start(f, tz));
        (from_ms, Some(day_start(u + chrono::Days::new(1), tz)))
    };
    ctx.store.set_contact_away(contact_id, from_ms, until_ms).await?;
    audit(ctx, user, "app.contact_away", site_id, format!("contact {contact_id}: {from}..{until}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(Errors::new())
}

fn hours(h: &OpenHours) -> (String, String) {
    (h.open.format("%H:%M").to_string(), h.close.format("%H:%M").to_string())
}

/// Opening hours and their changes from today on.
pub async fn schedule(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<AppSchedule, AppError> {
    member(ctx, user, site_id).await?;
    ctx.engine
        .read(move |e, now| {
            let site = e.site(site_id)?;
            let tz = site.info.time_zone;
            let today = chrono::DateTime::from_timestamp_millis(now)?.with_timezone(&tz).date_naive();
            let (days, tolerance_min) = match &site.settings.schedule {
                Some(s) => (
                    s.days
                        .iter()
                        .zip(s.later.iter())
                        .zip(0u8..)
                        .map(|((d, later), weekday)| AppDay {
                            weekday,
                            hours: d.as_ref().map(hours),
                            later: later.iter().map(hours).collect(),
                        })
                        .collect(),
                    s.tolerance_min,
                ),
                None => (Vec::new(), 0),
            };
            let mut changes: Vec<AppScheduleChange> = site
                .state
                .schedule_changes
                .iter()
                .filter(|c| c.date >= today)
                .map(|c| AppScheduleChange { date: c.date.to_string(), hours: c.hours.as_ref().map(hours) })
                .collect();
            changes.sort_by(|a, b| a.date.cmp(&b.date));
            Some(AppSchedule { days, tolerance_min, changes, today: today.to_string() })
        })
        .await?
        .ok_or_else(|| AppError::NotFound(format!("site {site_id}")))
}

/// A temporary change of one day's hours (owner): both times, or neither for closed;
/// `remove`: the day's change is taken back.
pub async fn schedule_change(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    date: &str,
    open: &str,
    close: &str,
    remove: bool,
) -> Result<Errors, AppError> {
    owner(ctx, user, site_id).await?;
    if remove {
        let Ok(date) = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") else {
            return Ok(vec![("date".into(), "date_invalid".into())]);
        };
        return match ctx.engine.command(Actor::Customer(user.id), Command::ScheduleRevert { site_id, date }).await {
            Ok(_) => Ok(Errors::new()),
            Err(EngineError::Refused(CommandError::Invalid(_))) => Ok(vec![("date".into(), "date_invalid".into())]),
            Err(e) => Err(e.into()),
        };
    }
    let tz = site_tz(ctx, site_id).await?;
    let today = chrono::DateTime::from_timestamp_millis(ctx.engine.clock().now_ms())
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive();
    let mut errors = Errors::new();
    let date = match NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
        Ok(d) if d >= today => Some(d),
        Ok(_) => {
            errors.push(("date".into(), "date_past".into()));
            None
        }
        Err(_) => {
            errors.push(("date".into(), "date_invalid".into()));
            None
        }
    };
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    let hours = match (open.trim().is_empty(), close.trim().is_empty()) {
        (true, true) => None,
        _ => match (time(open), time(close)) {
            (Some(o), Some(c)) if o < c => Some(OpenHours { open: o, close: c }),
            (None, _) => {
                errors.push(("open".into(), "time_invalid".into()));
                None
            }
            _ => {
                errors.push(("close".into(), "time_order".into()));
                None
            }
        },
    };
    let Some(date) = date.filter(|_| errors.is_empty()) else { return Ok(errors) };
    ctx.engine
        .command(Actor::Customer(user.id), Command::ScheduleChange { site_id, change: TempChange { date, hours } })
        .await?;
    Ok(errors)
}

/// Starts test mode for `minutes` (1 minute to 7 days), or ends it with `None` (owner).
pub async fn test_mode(ctx: &Ctx, user: &SessionUser, site_id: i64, minutes: Option<i64>) -> Result<(), AppError> {
    owner(ctx, user, site_id).await?;
    let command = match minutes {
        Some(m) if (1..=7 * 24 * 60).contains(&m) => Command::StartTest {
            site_id,
            until_ms: ctx.engine.clock().now_ms() + m * 60_000,
            scope: TestScope::default(),
        },
        Some(_) => return Err(AppError::Invalid("minutes_range".into())),
        None => Command::EndTest { site_id },
    };
    ctx.engine.command(Actor::Customer(user.id), command).await?;
    Ok(())
}

/// Invoices, balance, the year's dispatch counter and the requests made (owner).
pub async fn money(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<AppMoney, AppError> {
    owner(ctx, user, site_id).await?;
    let tz = site_tz(ctx, site_id).await?;
    let now = ctx.engine.clock().now_ms();
    let today = fmt(now, tz, "%Y-%m-%d");
    let invoices: Vec<AppInvoice> = ctx
        .store
        .invoices(site_id)
        .await?
        .into_iter()
        .map(|i| AppInvoice {
            overdue: i.paid_on.is_none() && i.due_on < today,
            number: i.number,
            issued_on: i.issued_on,
            due_on: i.due_on,
            description: i.description,
            amount_cents: i.amount_cents,
            currency: i.currency,
            paid_on: i.paid_on,
        })
        .collect();
    let balance_cents = invoices.iter().filter(|i| i.paid_on.is_none()).map(|i| i.amount_cents).sum();
    let currency = invoices.first().map_or_else(|| "RON".to_owned(), |i| i.currency.clone());
    let year = engine::rules::billing::year_of(now, tz);
    let account = ctx.engine.read(move |e, _| e.customer_billing(site_id, year)).await?;
    let requests = ctx
        .store
        .service_requests(Some(site_id))
        .await?
        .into_iter()
        .map(|r| AppRequest {
            kind: r.kind,
            details: r.details,
            status: r.status,
            date: fmt(r.created_at_ms, tz, "%Y-%m-%d"),
        })
        .collect();
    Ok(AppMoney {
        invoices,
        balance_cents,
        currency,
        year,
        included: account.as_ref().map_or(0, |a| a.included),
        dispatches: account.as_ref().map_or(0, |a| a.dispatches),
        billable: account.as_ref().map_or(0, |a| a.billable),
        requests,
    })
}

/// A request to the alarm company (owner). Pauses and moves need a start date; a pause an
/// end date after it.
pub async fn request(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    kind: &str,
    details: &str,
    from: &str,
    until: &str,
) -> Result<Errors, AppError> {
    owner(ctx, user, site_id).await?;
    let mut errors = Errors::new();
    if !store::REQUEST_KINDS.contains(&kind) {
        errors.push(("kind".into(), "kind_invalid".into()));
    }
    let details = details.trim();
    if details.chars().count() > 2000 {
        errors.push(("details".into(), "details_long".into()));
    }
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (from_date, until_date) = (date(from), date(until));
    if matches!(kind, "pause" | "move") && from_date.is_none() {
        errors.push(("from".into(), "date_invalid".into()));
    }
    if kind == "pause" && !matches!((from_date, until_date), (Some(f), Some(u)) if u >= f) {
        errors.push(("until".into(), "date_order".into()));
    }
    if details.is_empty() && !matches!(kind, "pause" | "forgotten_code") {
        errors.push(("details".into(), "details_required".into()));
    }
    if !errors.is_empty() {
        return Ok(errors);
    }
    let r = store::ServiceRequest {
        id: 0,
        site_id,
        user_id: Some(user.id),
        kind: kind.into(),
        details: details.into(),
        from_date: from_date.map(|d| d.to_string()),
        until_date: until_date.map(|d| d.to_string()),
        status: "open".into(),
        created_at_ms: ctx.engine.clock().now_ms(),
    };
    let id = ctx.store.add_service_request(&r).await?;
    audit(ctx, user, "app.service_request", site_id, format!("{kind} (#{id})")).await?;
    Ok(errors)
}

/// Push settings of the caller for a site.
pub async fn push_settings(ctx: &Ctx, user: &SessionUser, site_id: i64) -> Result<AppPush, AppError> {
    member(ctx, user, site_id).await?;
    let (alarms, notices) = ctx.store.push_prefs(user.id, site_id).await?;
    let devices = ctx.store.push_subscriptions_of_users(&[user.id]).await?.len();
    Ok(AppPush { vapid_key: ctx.push_key.clone(), alarms, notices, devices })
}

/// Sets which pushes the caller wants for a site.
pub async fn set_push(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    alarms: bool,
    notices: bool,
) -> Result<(), AppError> {
    member(ctx, user, site_id).await?;
    ctx.store.set_push_prefs(user.id, site_id, alarms, notices).await?;
    audit(ctx, user, "app.push_settings", site_id, format!("alarms {alarms}, notices {notices}")).await
}

/// Stores a browser's push subscription for the caller.
pub async fn subscribe(
    ctx: &Ctx,
    user: &SessionUser,
    endpoint: &str,
    p256dh: &str,
    auth_secret: &str,
) -> Result<(), AppError> {
    let url_ok = push_endpoint_allowed(endpoint, ctx.push_any_endpoint);
    // Base64url without padding: 65 bytes are 87 characters, 16 bytes are 22.
    let key = |s: &str, bytes: usize| {
        let s = s.trim_end_matches('=');
        s.len() == (bytes * 8).div_ceil(6) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !url_ok || endpoint.len() > 2000 || !key(p256dh, 65) || !key(auth_secret, 16) {
        return Err(AppError::Invalid("subscription_invalid".into()));
    }
    match ctx.store.add_push_subscription(user.id, endpoint, p256dh, auth_secret, ctx.engine.clock().now_ms()).await {
        Ok(_) => Ok(()),
        Err(store::StoreError::Conflict(_)) => {
            tracing::warn!(user = user.id, "push subscription refused: the endpoint belongs to another login");
            Err(AppError::Invalid("subscription_taken".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The push services of the browser makers (Chrome and Edge use FCM or Windows, Firefox
/// Mozilla's, Safari Apple's).
const PUSH_SERVICES: [&str; 5] = [
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
];

/// Whether the server may post pushes to `endpoint`: an https URL of a known push service
/// on its default port, named by host (no address literal, no user info), parsed as a
/// browser would (`url`, so a backslash, `@` and percent tricks cannot hide another host); with
/// `any` (tests' local push service), any http(s) URL with a host. Where the name then
/// resolves is checked again when sending (public addresses only, no redirects).
pub fn push_endpoint_allowed(endpoint: &str, any: bool) -> bool {
    let Ok(url) = url::Url::parse(endpoint) else { return false };
    if any {
        return matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty());
    }
    let Some(url::Host::Domain(host)) = url.host() else { return false };
    let host = host.to_ascii_lowercase();
    url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && PUSH_SERVICES.iter().any(|s| host == *s || host.ends_with(&format!(".{s}")))
}

/// What a cancel's result is called on the wire.
pub fn cancel_name(r: CancelResult) -> String {
    crate::ssr::ops::name_of(&r)
}

#[cfg(test)]
mod tests {
    use super::push_endpoint_allowed;

    #[test]
    fn pushes_go_only_to_the_browser_makers_services() {
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://web.push.apple.com/Q",
            "https://wns2-par02p.notify.windows.com/w/?token=1",
        ] {
            assert!(push_endpoint_allowed(ok, false), "{ok}");
        }
        for bad in [
            "http://fcm.googleapis.com/x",
            "https://127.0.0.1/push",
            "https://[::1]/push",
            "https://2130706433/push",
            "https://fcm.googleapis.com.evil.example/x",
            "https://evil@fcm.googleapis.com/x",
            "https://user:pw@fcm.googleapis.com/x",
            "https://fcm.googleapis.com:8443/x",
            "ftp://x",
            "https://evilfcm.googleapis.com.example/",
            "https://evil.example\\@fcm.googleapis.com/x",
            "https://evil.example\\.fcm.googleapis.com/x",
            "https://fcm.googleapis.com%2f@evil.example/x",
            "https://evil.example#@fcm.googleapis.com/",
            "not a url",
        ] {
            assert!(!push_endpoint_allowed(bad, false), "{bad}");
        }
        assert!(push_endpoint_allowed("http://127.0.0.1:4000/push/a", true));
        assert!(!push_endpoint_allowed("http://", true));
        assert!(!push_endpoint_allowed("file:///etc/passwd", true));
    }
}
