//! More: test mode, notifications, invoices and dispatches, requests, language, sign-out.

use leptos::prelude::*;

use super::{field_error, show, site_data, use_app, LangSelect};
use crate::api::customer::{app_push_set, app_request, app_subscribe, app_test_mode, home_of, money_of, push_of};
use crate::api::logout;
use crate::components::appjs;
use crate::i18n::td_string;
use crate::lang::use_lang;
use crate::lang::words;
use crate::model::customer::{AppHome, AppMoney, AppPush, SiteRole};

/// `/app/more`.
#[component]
pub fn More() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let sign_out = move |_| {
        appjs::forget();
        leptos::task::spawn_local(async move {
            let _ = logout().await;
            let _ = window().location().assign("/app");
        });
    };
    view! {
        <section class="screen more">
            <h1>{move || td_string!(lang.get().locale(), app.tab.more)}</h1>
            {move || (app.role() == Some(SiteRole::Owner)).then(|| view! { <TestMode/> })}
            <Notifications/>
            {move || (app.role() == Some(SiteRole::Owner)).then(|| view! { <Money/> <Requests/> })}
            {move || (app.role() == Some(SiteRole::Contact)).then(|| view! { <p class="muted" data-testid="contact-role">{td_string!(lang.get().locale(), app.more.contact_role)}</p> })}
            <super::pin::ChangePin first=false/>
            <div class="card-form">
                <h2>{move || td_string!(lang.get().locale(), app.more.language)}</h2>
                <LangSelect/>
            </div>
            <button class="ghost wide sign-out" data-testid="sign-out" on:click=sign_out>{move || td_string!(lang.get().locale(), app.more.sign_out)}</button>
        </section>
    }
}

#[component]
fn TestMode() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let minutes = RwSignal::new(60_i64);
    let data = site_data("home", true, home_of);
    let set = move |m: Option<i64>| {
        let site = app.site.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            let _ = app_test_mode(site, m).await;
            app.reload();
        });
    };
    view! {
        <div class="card-form" data-testid="test-mode">
            <h2>{move || td_string!(lang.get().locale(), app.test.title)}</h2>
            <p class="muted small">{move || td_string!(lang.get().locale(), app.test.help)}</p>
            {show(data, move |h: AppHome| match h.test_until {
                Some((_, until)) => view! {
                    <p class="badge-line test" data-testid="test-on">{move || td_string!(lang.get().locale(), app.home.test_until, time = &until)}</p>
                    <button class="primary wide" data-testid="test-end" on:click=move |_| set(None)>{move || td_string!(lang.get().locale(), app.test.end)}</button>
                }.into_any(),
                None => view! {
                    <label>{move || td_string!(lang.get().locale(), app.test.duration)}
                        <select data-testid="test-minutes" prop:value=move || minutes.get().to_string()
                            on:change=move |ev| minutes.set(event_target_value(&ev).parse().unwrap_or(60))>
                            {[30_i64, 60, 120, 240, 480].into_iter().map(|m| view! {
                                <option value=m.to_string()>{move || td_string!(lang.get().locale(), app.test.minutes, n = &m.to_string())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button class="primary wide" data-testid="test-start" on:click=move |_| set(Some(minutes.get_untracked()))>{move || td_string!(lang.get().locale(), app.test.start)}</button>
                }.into_any(),
            })}
        </div>
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let status = RwSignal::new(None::<String>);
    let data = site_data("push", true, push_of);
    let enable = move |key: String| {
        leptos::task::spawn_local(async move {
            let outcome = match appjs::subscribe_push(&key).await {
                Ok((endpoint, p256dh, auth)) => match app_subscribe(endpoint, p256dh, auth).await {
                    Ok(()) => "on".to_owned(),
                    Err(_) => "failed".to_owned(),
                },
                Err(why) if why.contains("denied") => "denied".to_owned(),
                Err(_) => "unsupported".to_owned(),
            };
            status.set(Some(outcome));
            app.reload();
        });
    };
    let save = move |alarms: bool, notices: bool| {
        let site = app.site.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            let _ = app_push_set(site, alarms, notices).await;
            app.reload();
        });
    };
    view! {
        <div class="card-form" data-testid="notifications">
            <h2>{move || td_string!(lang.get().locale(), app.push.title)}</h2>
            {show(data, move |p: AppPush| {
                let key = p.vapid_key.clone();
                view! {
                    <p class="muted small" data-testid="push-devices">{move || td_string!(lang.get().locale(), app.push.devices, n = &p.devices.to_string())}</p>
                    {key.map(|k| view! { <button class="primary wide" data-testid="push-enable" on:click=move |_| enable(k.clone())>{move || td_string!(lang.get().locale(), app.push.enable)}</button> })}
                    <label class="check"><input type="checkbox" data-testid="push-alarms" prop:checked=p.alarms
                        on:change=move |ev| save(event_target_checked(&ev), p.notices)/>{move || td_string!(lang.get().locale(), app.push.alarms)}</label>
                    <label class="check"><input type="checkbox" data-testid="push-notices" prop:checked=p.notices
                        on:change=move |ev| save(p.alarms, event_target_checked(&ev))/>{move || td_string!(lang.get().locale(), app.push.notices)}</label>
                }
            })}
            // `try_`: a late server evaluation after the page's owner is gone reads as nothing.
            {move || status.try_get().flatten().map(|s| view! { <p class="result" data-testid="push-status">{words::push_status(lang.get(), &s)}</p> })}
        </div>
    }
}

/// An amount in minor units as text: `129.00 RON` in English, `129,00 RON` elsewhere.
fn money(lang: crate::lang::Lang, cents: i64, currency: &str) -> String {
    let mark = if lang == crate::lang::Lang::En { '.' } else { ',' };
    format!("{}{mark}{:02}\u{a0}{currency}", cents / 100, (cents % 100).abs())
}

#[component]
fn Money() -> impl IntoView {
    let lang = use_lang();
    let data = site_data("money", true, money_of);
    view! {
        <div class="card-form" data-testid="money">
            <h2>{move || td_string!(lang.get().locale(), app.money.title)}</h2>
            {show(data, move |m: AppMoney| {
                let balance = money(lang.get_untracked(), m.balance_cents, &m.currency);
                let counter = (m.dispatches.to_string(), m.included.to_string(), m.billable.to_string(), m.year.to_string());
                view! {
                    <p class="balance" data-testid="balance">{move || td_string!(lang.get().locale(), app.money.balance, amount = &balance)}</p>
                    <p data-testid="dispatches">{move || td_string!(lang.get().locale(), app.money.dispatches, n = &counter.0, included = &counter.1, billed = &counter.2, year = &counter.3)}</p>
                    <ul class="invoices">
                        {m.invoices.into_iter().map(|i| {
                            let state = if i.paid_on.is_some() { "paid" } else if i.overdue { "overdue" } else { "open" };
                            let amount = money(lang.get_untracked(), i.amount_cents, &i.currency);
                            view! {
                                <li class=format!("invoice {state}") data-testid="invoice">
                                    <span><strong>{i.number.clone()}</strong><br/><small data-testid="invoice-text">{
                                        // The billing system's own text, or (none given) the service in the customer's language.
                                        let (text, month) = (i.description.clone(), i.issued_on.chars().take(7).collect::<String>());
                                        move || if text.is_empty() { td_string!(lang.get().locale(), app.money.service, month = &month) } else { text.clone() }
                                    }</small></span>
                                    <span class="right">{amount}<br/><small>{move || words::invoice_state(lang.get(), state, i.paid_on.as_deref().unwrap_or(&i.due_on))}</small></span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(!m.requests.is_empty()).then(|| view! {
                        <h3>{move || td_string!(lang.get().locale(), app.request.made)}</h3>
                        <ul class="requests">
                            {m.requests.into_iter().map(|r| {
                                let kind = r.kind.clone();
                                let status = r.status.clone();
                                view! { <li data-testid="request"><strong>{move || words::request_kind(lang.get(), &kind)}</strong>" · "{r.date.clone()}" · "{move || words::request_status(lang.get(), &status)}</li> }
                            }).collect_view()}
                        </ul>
                    })}
                }
            })}
        </div>
    }
}

#[component]
fn Requests() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let kind = RwSignal::new("technician".to_owned());
    let details = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let sent = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let site = app.site.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            match app_request(
                site,
                kind.get_untracked(),
                details.get_untracked(),
                from.get_untracked(),
                until.get_untracked(),
            )
            .await
            {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    sent.set(true);
                    details.set(String::new());
                    app.reload();
                }
                Ok(e) => {
                    sent.set(false);
                    errors.set(e);
                }
                Err(_) => errors.set(vec![("form".into(), "unavailable".into())]),
            }
        });
    };
    let dated = move || matches!(kind.get().as_str(), "pause" | "move" | "transfer");
    view! {
        <form class="card-form" data-testid="request-form" on:submit=submit novalidate>
            <h2>{move || td_string!(lang.get().locale(), app.request.title)}</h2>
            <label>{move || td_string!(lang.get().locale(), app.request.kind)}
                <select data-testid="request-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                    {["technician", "forgotten_code", "pause", "move", "transfer", "pets_keys"].into_iter().map(|k| view! {
                        <option value=k>{move || words::request_kind(lang.get(), k)}</option>
                    }).collect_view()}
                </select>
            </label>
            {field_error(errors, "kind")}
            <label>{move || td_string!(lang.get().locale(), app.request.details)}
                <textarea data-testid="request-details" prop:value=details on:input=move |ev| details.set(event_target_value(&ev))></textarea>
            </label>
            {field_error(errors, "details")}
            <Show when=dated>
                <div class="two-col">
                    <label>{move || td_string!(lang.get().locale(), app.contacts.from)}<input type="date" data-testid="request-from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/></label>
                    <label>{move || td_string!(lang.get().locale(), app.contacts.until)}<input type="date" data-testid="request-until" prop:value=until on:input=move |ev| until.set(event_target_value(&ev))/></label>
                </div>
            </Show>
            {field_error(errors, "from")}
            {field_error(errors, "until")}
            {field_error(errors, "form")}
            <button type="submit" class="primary wide" data-testid="request-send">{move || td_string!(lang.get().locale(), app.request.send)}</button>
            {move || sent.get().then(|| view! { <p class="result" data-testid="request-sent">{td_string!(lang.get().locale(), app.request.sent)}</p> })}
        </form>
    }
}
