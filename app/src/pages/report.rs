//! `/operator/incidents/:id/report`: one incident as a printable report (for the customer,
//! the police or the insurer): the site, every signal, every action with who and when, the
//! crews' times, notes and photos. It prints on white paper without the page's chrome.

use crate::tx;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::ops::load_incident;
use crate::components::require_role::RequireRole;
use crate::components::words;
use crate::model::ops::IncidentWork;
use crate::model::SessionUser;

/// The report page (staff).
#[component]
pub fn IncidentReport() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role.is_staff() render=|user: SessionUser| view! { <ReportBody user/> }/>
    }
}

#[component]
fn ReportBody(user: SessionUser) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let work = LocalResource::new(move || {
        let n = id();
        async move { load_incident(n).await.map_err(|e| crate::components::readable(&e)) }
    });
    let printed_by = user.display_name.clone();
    view! {
        <main class="report" data-testid="incident-report">
            <div class="report-tools no-print">
                <a href=move || format!("/operator/incidents/{}", id())>{tx!(staff.report.back)}</a>
                <button class="btn primary" data-testid="print" on:click=move |_| { let _ = window().print(); }>{tx!(staff.report.print)}</button>
            </div>
            {move || work.get().map(|r| match r {
                Ok(w) => view! { <Report w printed_by=printed_by.clone()/> }.into_any(),
                Err(e) => view! { <p class="field-error">{e}</p> }.into_any(),
            })}
        </main>
    }
}

#[component]
fn Report(w: IncidentWork, printed_by: String) -> impl IntoView {
    let card = w.card;
    let site = w.site;
    let opened = w.journal.first().map(|j| j.at.clone()).unwrap_or_default();
    let closed = w.journal.iter().rev().find(|j| j.action == "closed").map(|j| j.at.clone());
    let resolution = w.journal.iter().rev().find(|j| j.action == "closed").and_then(|j| j.detail.clone());
    view! {
        <header class="report-head">
            <h1>{tx!(staff.report.heading, id = card.id, what = words::category(&card.category))}</h1>
            <p>{format!("{} · {}", site.name, site.address)}</p>
            <p class="muted">{tx!(staff.report.accounts_tz, accounts = site.accounts.join(", "), zone = &site.time_zone)}</p>
        </header>
        <table class="report-facts">
            <tr><th>{tx!(staff.report.priority)}</th><td>{format!("P{}", card.priority)}</td><th>{tx!(staff.report.status)}</th><td data-testid="report-status">{words::incident_status(&card)}</td></tr>
            <tr><th>{tx!(staff.report.opened)}</th><td>{opened}</td><th>{tx!(staff.report.closed)}</th><td>{closed.unwrap_or_else(|| tx!(staff.report.still_open).into())}</td></tr>
            <tr><th>{tx!(staff.report.resolution)}</th><td colspan="3">{resolution.unwrap_or_else(|| tx!(staff.report.none_yet).into())}</td></tr>
        </table>
        <h2>{tx!(staff.report.crews)}</h2>
        {if card.crews.is_empty() {
            view! { <p>{tx!(staff.report.no_crew)}</p> }.into_any()
        } else {
            view! { <ul>{card.crews.iter().map(|c| view! { <li>{if c.backup { tx!(staff.report.crew_backup, name = &c.name, state = words::crew_state(c)) } else { tx!(staff.report.crew, name = &c.name, state = words::crew_state(c)) }}</li> }).collect_view()}</ul> }.into_any()
        }}
        <h2>{tx!(staff.report.signals)}</h2>
        <table class="grid report-table" data-testid="report-signals">
            <thead><tr><th>{tx!(staff.report.received)}</th><th>{tx!(staff.report.account)}</th><th>{tx!(staff.report.event)}</th><th>{tx!(staff.report.zone_user)}</th></tr></thead>
            <tbody>{w.signals.into_iter().map(|s| view! {
                <tr><td class="nowrap">{format!("{} {}", s.local_date, s.local_time)}</td><td class="mono">{s.account}</td>
                <td>{format!("{} {}", s.event_code.unwrap_or_default(), s.meaning)}</td>
                <td>{s.zone_name.or(s.zone).or(s.user_number.map(|u| tx!(staff.feed.user, n = u))).unwrap_or_default()}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <h2>{tx!(staff.report.actions)}</h2>
        <table class="grid report-table" data-testid="report-journal">
            <thead><tr><th>{tx!(staff.report.when)}</th><th>{tx!(staff.report.who)}</th><th>{tx!(staff.report.what)}</th><th>{tx!(staff.report.detail)}</th></tr></thead>
            <tbody>{w.journal.into_iter().map(|j| view! {
                <tr data-action=j.action.clone()><td class="nowrap">{j.at}</td><td>{j.who.unwrap_or(j.actor)}</td><td>{j.label}</td><td class="wrap-anywhere">{j.detail.unwrap_or_default()}</td></tr>
            }).collect_view()}</tbody>
        </table>
        {(!w.notes.is_empty()).then(|| view! { <h2>{tx!(staff.report.notes)}</h2><ul>{w.notes.into_iter().map(|n| view! { <li class="wrap-anywhere">{n}</li> }).collect_view()}</ul> })}
        {(!w.photos.is_empty()).then(|| view! {
            <h2>{tx!(staff.report.photos)}</h2>
            <div class="report-photos">{w.photos.into_iter().map(|(src, label)| view! { <figure><img src=src alt=label.clone()/><figcaption>{label}</figcaption></figure> }).collect_view()}</div>
        })}
        <p class="muted report-foot">{tx!(staff.report.printed_by, who = &printed_by)}</p>
    }
}

/// `/admin/monthly?account=..&month=YYYY-MM`: a site's month for its service review, printable
/// (supervisors and admins).
#[component]
pub fn MonthlyReportPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role.is_supervisor() render=|user: SessionUser| view! { <MonthlyBody user/> }/>
    }
}

#[component]
fn MonthlyBody(user: SessionUser) -> impl IntoView {
    use leptos_router::hooks::use_query_map;
    let query = use_query_map();
    let account = move || query.with(|q| q.get("account").unwrap_or_default());
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    let report = LocalResource::new(move || {
        let (a, m) = (account(), month());
        async move {
            if a.is_empty() || m.is_empty() {
                return None;
            }
            Some(crate::api::admin::month_report(a, m).await.map_err(|e| crate::components::readable(&e)))
        }
    });
    let printed_by = user.display_name.clone();
    view! {
        <main class="report" data-testid="monthly-report">
            <form class="report-tools no-print filters" method="get" action="/admin/monthly">
                <a href="/admin/history">{tx!(staff.report.history)}</a>
                <label>{tx!(staff.report.account)}<input name="account" size="8" maxlength="16" prop:value=account data-testid="monthly-account"/></label>
                <label>{tx!(staff.report.month)}<input name="month" type="month" prop:value=month data-testid="monthly-month"/></label>
                <button type="submit" class="btn" data-testid="monthly-show">{tx!(staff.report.show)}</button>
                <button type="button" class="btn primary" on:click=move |_| { let _ = window().print(); }>{tx!(staff.report.print)}</button>
            </form>
            {move || report.get().flatten().map(|r| match r {
                Ok(Ok(m)) => view! { <Monthly m printed_by=printed_by.clone()/> }.into_any(),
                Ok(Err(e)) => view! { <p class="field-error" data-testid="monthly-error">{e.fields.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")}</p> }.into_any(),
                Err(e) => view! { <p class="field-error">{e}</p> }.into_any(),
            })}
        </main>
    }
}

#[component]
fn Monthly(m: crate::model::history::MonthlyReport, printed_by: String) -> impl IntoView {
    view! {
        <header class="report-head">
            <h1>{format!("{} · {}", m.site, m.month)}</h1>
            <p>{m.address.clone()}</p>
            <p class="muted">{tx!(staff.report.accounts, accounts = m.accounts.join(", "))}</p>
        </header>
        <table class="report-facts" data-testid="monthly-facts">
            <tr><th>{tx!(staff.report.incidents)}</th><td data-testid="monthly-total">{m.total}</td><th>{tx!(staff.report.false_alarms)}</th><td>{m.false_alarms}</td></tr>
            <tr><th>{tx!(staff.report.crews_sent)}</th><td data-testid="monthly-dispatches">{m.dispatches}</td><th>{tx!(staff.report.billed_split)}</th><td>{format!("{} · {} · {}", m.billed, m.included, m.free)}</td></tr>
            <tr><th>{tx!(staff.report.tests)}</th><td>{m.tests}</td><th>{tx!(staff.report.link_failures)}</th><td>{m.link_failures}</td></tr>
            {(!m.billed_amount.is_empty()).then(|| view! { <tr><th>{tx!(staff.report.to_bill)}</th><td colspan="3" data-testid="monthly-amount">{m.billed_amount.clone()}</td></tr> })}
        </table>
        <h2>{tx!(staff.report.by_kind)}</h2>
        <ul>{m.by_category.into_iter().map(|(c, n)| view! { <li>{format!("{c}: {n}")}</li> }).collect_view()}</ul>
        <h2>{tx!(staff.report.every_incident)}</h2>
        <table class="grid report-table" data-testid="monthly-lines">
            <thead><tr><th>{tx!(staff.report.number)}</th><th>{tx!(staff.report.what)}</th><th>{tx!(staff.report.opened)}</th><th>{tx!(staff.report.closed)}</th><th>{tx!(staff.report.resolution)}</th></tr></thead>
            <tbody>{m.lines.into_iter().map(|l| view! {
                <tr><td class="mono">{l.id}</td><td>{l.category}</td><td class="nowrap">{l.opened}</td><td class="nowrap">{l.closed.unwrap_or_else(|| tx!(staff.report.open).into())}</td><td>{l.resolution.unwrap_or_default()}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <p class="muted report-foot">{tx!(staff.report.printed_by, who = &printed_by)}</p>
    }
}
