//! The call list: who is called, in which order; edit, reorder, away for a period.

use leptos::prelude::*;

use super::{field_error, show, site_data, use_app};
use crate::api::customer::{app_contact_away, app_contact_move, app_contact_save, app_contacts, app_safe_word};
use crate::i18n::td_string;
use crate::lang::use_lang;
use crate::model::customer::{AppContact, SiteRole};

/// `/app/contacts`.
#[component]
pub fn Contacts() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let data = site_data("contacts", false, app_contacts);
    view! {
        <section class="screen contacts">
            <h1>{move || td_string!(lang.get().locale(), app.contacts.title)}</h1>
            <p class="muted small">{move || td_string!(lang.get().locale(), app.contacts.help)}</p>
            {show(data, move |list: Vec<AppContact>| {
                let owner = app.role() == Some(SiteRole::Owner);
                let last = list.len().saturating_sub(1);
                view! {
                    <ol class="contact-list">
                        {list.into_iter().enumerate().map(|(i, c)| view! { <ContactRow c owner first={i == 0} last={i == last}/> }).collect_view()}
                    </ol>
                }
            })}
        </section>
    }
}

#[component]
fn ContactRow(c: AppContact, owner: bool, first: bool, last: bool) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let editing = RwSignal::new(false);
    let away_form = RwSignal::new(false);
    let name = RwSignal::new(c.name.clone());
    let phone = RwSignal::new(c.phone.clone());
    let from = RwSignal::new(c.away_from.clone().unwrap_or_default());
    let until = RwSignal::new(c.away_until.clone().unwrap_or_default());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let id = c.id;
    let site = move || app.site.get_untracked().unwrap_or_default();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match app_contact_save(site(), id, name.get_untracked(), phone.get_untracked()).await {
                Ok(e) if e.is_empty() => {
                    editing.set(false);
                    app.reload();
                }
                Ok(e) => errors.set(e),
                Err(_) => errors.set(vec![("form".into(), "unavailable".into())]),
            }
        });
    };
    let save_away = move |clear: bool| {
        // Saving needs the last day away; "back" clears the period.
        if !clear && until.get_untracked().trim().is_empty() {
            errors.set(vec![("until".into(), "date_invalid".into())]);
            return;
        }
        leptos::task::spawn_local(async move {
            let (f, u) =
                if clear { (String::new(), String::new()) } else { (from.get_untracked(), until.get_untracked()) };
            match app_contact_away(site(), id, f, u).await {
                Ok(e) if e.is_empty() => {
                    away_form.set(false);
                    app.reload();
                }
                Ok(e) => errors.set(e),
                Err(_) => errors.set(vec![("form".into(), "unavailable".into())]),
            }
        });
    };
    let mover = move |up: bool| {
        leptos::task::spawn_local(async move {
            let _ = app_contact_move(site(), id, up).await;
            app.reload();
        });
    };
    let away = c.away_until.clone().map(|u| (c.away_from.clone().unwrap_or_default(), u, c.away_now));
    view! {
        <li class="contact" data-testid="contact" data-id=c.id.to_string()>
            <div class="contact-main">
                <div>
                    <strong class="contact-name">{c.name.clone()}</strong><br/>
                    <a href=format!("tel:{}", c.phone.replace(' ', "")) class="small">{c.phone.clone()}</a>
                    {away.map(|(f, u, now)| view! {
                        <p class=if now { "badge-line away now" } else { "badge-line away" } data-testid="away">
                            {move || td_string!(lang.get().locale(), app.contacts.away, from = &f, until = &u)}
                        </p>
                    })}
                </div>
                {owner.then(|| view! {
                    <div class="row-buttons">
                        <button class="icon" aria-label=move || td_string!(lang.get().locale(), app.contacts.up) data-testid="up" disabled=first on:click=move |_| mover(true)>"▲"</button>
                        <button class="icon" aria-label=move || td_string!(lang.get().locale(), app.contacts.down) data-testid="down" disabled=last on:click=move |_| mover(false)>"▼"</button>
                    </div>
                })}
            </div>
            {owner.then(|| view! {
                <div class="contact-tools">
                    <button class="ghost small" data-testid="edit" on:click=move |_| editing.update(|e| *e = !*e)>{move || td_string!(lang.get().locale(), app.contacts.edit)}</button>
                    <button class="ghost small" data-testid="away-toggle" on:click=move |_| away_form.update(|e| *e = !*e)>{move || td_string!(lang.get().locale(), app.contacts.set_away)}</button>
                </div>
            })}
            <Show when=move || editing.get()>
                <form class="inline-form" on:submit=save>
                    <label>{move || td_string!(lang.get().locale(), app.contacts.name)}<input data-testid="contact-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    {field_error(errors, "name")}
                    <label>{move || td_string!(lang.get().locale(), app.contacts.phone)}<input type="tel" data-testid="contact-phone" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/></label>
                    {field_error(errors, "phone")}
                    <button type="submit" class="primary" data-testid="contact-save">{move || td_string!(lang.get().locale(), app.common.save)}</button>
                </form>
                <SafeWord contact=id/>
            </Show>
            <Show when=move || away_form.get()>
                <div class="inline-form">
                    <label>{move || td_string!(lang.get().locale(), app.contacts.from)}<input type="date" data-testid="away-from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/></label>
                    {field_error(errors, "from")}
                    <label>{move || td_string!(lang.get().locale(), app.contacts.until)}<input type="date" data-testid="away-until" prop:value=until on:input=move |ev| until.set(event_target_value(&ev))/></label>
                    {field_error(errors, "until")}
                    <div class="actions two">
                        <button class="primary" data-testid="away-save" on:click=move |_| save_away(false)>{move || td_string!(lang.get().locale(), app.common.save)}</button>
                        <button class="ghost" data-testid="away-clear" on:click=move |_| save_away(true)>{move || td_string!(lang.get().locale(), app.contacts.back)}</button>
                    </div>
                </div>
            </Show>
            {field_error(errors, "form")}
        </li>
    }
}

/// A contact's safe word (owner): set or change; never shown.
#[component]
fn SafeWord(contact: i64) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let word = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let site = app.site.get_untracked().unwrap_or_default();
        leptos::task::spawn_local(async move {
            match app_safe_word(site, contact, word.get_untracked()).await {
                Ok(e) => {
                    saved.set(e.is_empty());
                    if e.is_empty() {
                        word.set(String::new());
                    }
                    errors.set(e);
                }
                Err(_) => errors.set(vec![("safe_word".into(), "unavailable".into())]),
            }
        });
    };
    view! {
        <form class="inline-form safe-word" on:submit=save data-testid="safe-word">
            <label>{move || td_string!(lang.get().locale(), app.contacts.safe_word)}
                <input type="password" autocomplete="off" maxlength="64" data-testid="safe-word-input" prop:value=word
                    on:input=move |ev| { saved.set(false); word.set(event_target_value(&ev)) }/>
            </label>
            <p class="muted small">{move || td_string!(lang.get().locale(), app.contacts.safe_word_help)}</p>
            {field_error(errors, "safe_word")}
            <button type="submit" class="ghost" data-testid="safe-word-save">{move || td_string!(lang.get().locale(), app.contacts.safe_word_set)}</button>
            {move || saved.get().then(|| view! { <span class="muted small" data-testid="safe-word-saved">{td_string!(lang.get().locale(), app.common.saved)}</span> })}
        </form>
    }
}
