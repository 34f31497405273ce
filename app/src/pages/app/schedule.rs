//! Opening hours and temporary changes (working late tonight, closed tomorrow).

use leptos::prelude::*;

use super::{field_error, show, site_data, use_app};
use crate::api::customer::{app_schedule_change, schedule_of};
use crate::i18n::td_string;
use crate::lang::use_lang;
use crate::lang::words;
use crate::model::customer::{AppSchedule, SiteRole};

/// `/app/schedule`.
#[component]
pub fn Schedule() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let data = site_data("schedule", false, schedule_of);
    view! {
        <section class="screen schedule">
            <h1>{move || td_string!(lang.get().locale(), app.schedule.title)}</h1>
            {show(data, |s: AppSchedule| view! { <Week s/> })}
            {move || (app.role() == Some(SiteRole::Owner)).then(|| view! { <ChangeForm/> })}
        </section>
    }
}

#[component]
fn Week(s: AppSchedule) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let hours = |h: &Option<(String, String)>| h.as_ref().map(|(o, c)| format!("{o}–{c}"));
    view! {
        {if s.days.is_empty() {
            view! { <p class="muted" data-testid="no-hours">{move || td_string!(lang.get().locale(), app.schedule.none)}</p> }.into_any()
        } else {
            view! {
                <table class="week" data-testid="week">
                    {s.days.iter().map(|d| {
                        let h = hours(&d.hours).map(|first| {
                            d.later.iter().fold(first, |text, (o, c)| format!("{text}, {o}–{c}"))
                        });
                        let day = d.weekday;
                        view! { <tr><th>{move || words::weekday(lang.get(), day)}</th><td>{move || h.clone().unwrap_or_else(|| td_string!(lang.get().locale(), app.schedule.closed).to_owned())}</td></tr> }
                    }).collect_view()}
                </table>
                <p class="muted small">{move || td_string!(lang.get().locale(), app.schedule.tolerance, n = &s.tolerance_min.to_string())}</p>
            }.into_any()
        }}
        <h2>{move || td_string!(lang.get().locale(), app.schedule.changes)}</h2>
        {if s.changes.is_empty() {
            view! { <p class="muted">{move || td_string!(lang.get().locale(), app.schedule.no_changes)}</p> }.into_any()
        } else {
            view! {
                <ul class="changes">
                    {s.changes.iter().map(|c| {
                        let h = hours(&c.hours);
                        let date = c.date.clone();
                        let remove = {
                            let date = date.clone();
                            move |_| {
                                let (site, date) = (app.site.get_untracked().unwrap_or_default(), date.clone());
                                leptos::task::spawn_local(async move {
                                    let _ = app_schedule_change(site, date, String::new(), String::new(), true).await;
                                    app.reload();
                                });
                            }
                        };
                        view! {
                            <li data-testid="change"><strong>{date}</strong>" "{move || h.clone().unwrap_or_else(|| td_string!(lang.get().locale(), app.schedule.closed).to_owned())}
                                {move || (app.role() == Some(SiteRole::Owner)).then(|| {
                                    let remove = remove.clone();
                                    view! { <button class="ghost small" data-testid="change-remove" on:click=remove>{move || td_string!(lang.get().locale(), app.schedule.remove)}</button> }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn ChangeForm() -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let date = RwSignal::new(String::new());
    let open = RwSignal::new(String::new());
    let close = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let site = app.site.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            match app_schedule_change(site, date.get_untracked(), open.get_untracked(), close.get_untracked(), false)
                .await
            {
                Ok(e) => {
                    done.set(e.is_empty());
                    if e.is_empty() {
                        app.reload();
                    }
                    errors.set(e);
                }
                Err(_) => errors.set(vec![("form".into(), "unavailable".into())]),
            }
        });
    };
    view! {
        <form class="card-form" on:submit=submit novalidate>
            <h2>{move || td_string!(lang.get().locale(), app.schedule.change)}</h2>
            <p class="muted small">{move || td_string!(lang.get().locale(), app.schedule.change_help)}</p>
            <label>{move || td_string!(lang.get().locale(), app.schedule.date)}<input type="date" data-testid="change-date" prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/></label>
            {field_error(errors, "date")}
            <div class="two-col">
                <label>{move || td_string!(lang.get().locale(), app.schedule.open)}<input type="time" data-testid="change-open" prop:value=open on:input=move |ev| open.set(event_target_value(&ev))/></label>
                <label>{move || td_string!(lang.get().locale(), app.schedule.close)}<input type="time" data-testid="change-close" prop:value=close on:input=move |ev| close.set(event_target_value(&ev))/></label>
            </div>
            {field_error(errors, "open")}
            {field_error(errors, "close")}
            {field_error(errors, "form")}
            <button type="submit" class="primary wide" data-testid="change-save">{move || td_string!(lang.get().locale(), app.common.save)}</button>
            {move || done.get().then(|| view! { <p class="result" data-testid="change-saved">{td_string!(lang.get().locale(), app.common.saved)}</p> })}
        </form>
    }
}
