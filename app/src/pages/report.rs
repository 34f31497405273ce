//! `/operator/incidents/:id/report`: one incident as a printable report (for the customer,
//! the police or the insurer): the site, every signal, every action with who and when, the
//! crews' times, notes and photos. It prints on white paper without the page's chrome.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::ops::load_incident;
use crate::components::require_role::RequireRole;
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
                <a href=move || format!("/operator/incidents/{}", id())>"← Back to the incident"</a>
                <button class="btn primary" data-testid="print" on:click=move |_| { let _ = window().print(); }>"Print or save as PDF"</button>
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
            <h1>{format!("Incident {} · {}", card.id, card.category_label)}</h1>
            <p>{format!("{} · {}", site.name, site.address)}</p>
            <p class="muted">{format!("Accounts {} · times in {}", site.accounts.join(", "), site.time_zone)}</p>
        </header>
        <table class="report-facts">
            <tr><th>"Priority"</th><td>{format!("P{}", card.priority)}</td><th>"Status"</th><td data-testid="report-status">{card.status_text.clone()}</td></tr>
            <tr><th>"Opened"</th><td>{opened}</td><th>"Closed"</th><td>{closed.unwrap_or_else(|| "still open".into())}</td></tr>
            <tr><th>"Resolution"</th><td colspan="3">{resolution.unwrap_or_else(|| "none yet".into())}</td></tr>
        </table>
        <h2>"Crews"</h2>
        {if card.crews.is_empty() {
            view! { <p>"No crew was sent."</p> }.into_any()
        } else {
            view! { <ul>{card.crews.iter().map(|c| view! { <li>{format!("{}{}: {}", c.name, if c.backup { " (backup)" } else { "" }, c.state)}</li> }).collect_view()}</ul> }.into_any()
        }}
        <h2>"Signals"</h2>
        <table class="grid report-table" data-testid="report-signals">
            <thead><tr><th>"Received"</th><th>"Account"</th><th>"Event"</th><th>"Zone or user"</th></tr></thead>
            <tbody>{w.signals.into_iter().map(|s| view! {
                <tr><td class="nowrap">{format!("{} {}", s.local_date, s.local_time)}</td><td class="mono">{s.account}</td>
                <td>{format!("{} {}", s.event_code.unwrap_or_default(), s.meaning)}</td>
                <td>{s.zone_name.or(s.zone).or(s.user_number.map(|u| format!("user {u}"))).unwrap_or_default()}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <h2>"Every action"</h2>
        <table class="grid report-table" data-testid="report-journal">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Detail"</th></tr></thead>
            <tbody>{w.journal.into_iter().map(|j| view! {
                <tr data-action=j.action.clone()><td class="nowrap">{j.at}</td><td>{j.who.unwrap_or(j.actor)}</td><td>{j.label}</td><td class="wrap-anywhere">{j.detail.unwrap_or_default()}</td></tr>
            }).collect_view()}</tbody>
        </table>
        {(!w.notes.is_empty()).then(|| view! { <h2>"Notes"</h2><ul>{w.notes.into_iter().map(|n| view! { <li class="wrap-anywhere">{n}</li> }).collect_view()}</ul> })}
        {(!w.photos.is_empty()).then(|| view! {
            <h2>"Photos from the site"</h2>
            <div class="report-photos">{w.photos.into_iter().map(|(src, label)| view! { <figure><img src=src alt=label.clone()/><figcaption>{label}</figcaption></figure> }).collect_view()}</div>
        })}
        <p class="muted report-foot">{format!("Printed by {printed_by} from Vigil.")}</p>
    }
}
