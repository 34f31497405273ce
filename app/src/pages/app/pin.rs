//! Choosing one's own PIN: at the first sign-in with a PIN the centre gave (nothing else is
//! reachable until then), or any time from More.

use leptos::prelude::*;

use super::field_error;
use crate::api::customer::app_change_pin;
use crate::i18n::td_string;
use crate::lang::use_lang;

/// The PIN form. `first`: the customer signed in with the PIN they were given; once changed
/// the app opens.
#[component]
pub fn ChangePin(first: bool) -> impl IntoView {
    let lang = use_lang();
    let (current, pin, again) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let done = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match app_change_pin(current.get_untracked(), pin.get_untracked(), again.get_untracked()).await {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    if first {
                        let _ = window().location().assign("/app");
                    } else {
                        done.set(true);
                        for s in [current, pin, again] {
                            s.set(String::new());
                        }
                    }
                }
                Ok(e) => errors.set(e),
                Err(_) => errors.set(vec![("current".into(), "unavailable".into())]),
            }
        });
    };
    let input = move |s: RwSignal<String>| {
        move |ev| {
            done.set(false);
            s.set(event_target_value(&ev))
        }
    };
    view! {
        <form class="card-form" data-testid="change-pin" on:submit=save>
            <h2>{move || td_string!(lang.get().locale(), app.pin.title)}</h2>
            {first.then(|| view! { <p class="muted small">{move || td_string!(lang.get().locale(), app.pin.first)}</p> })}
            <label>{move || td_string!(lang.get().locale(), app.pin.current)}
                <input type="password" inputmode="numeric" autocomplete="current-password" maxlength="8" data-testid="pin-current" prop:value=current on:input=input(current)/></label>
            {field_error(errors, "current")}
            <label>{move || td_string!(lang.get().locale(), app.pin.new)}
                <input type="password" inputmode="numeric" autocomplete="new-password" maxlength="8" data-testid="pin-new" prop:value=pin on:input=input(pin)/></label>
            {field_error(errors, "pin")}
            <label>{move || td_string!(lang.get().locale(), app.pin.again)}
                <input type="password" inputmode="numeric" autocomplete="new-password" maxlength="8" data-testid="pin-again" prop:value=again on:input=input(again)/></label>
            {field_error(errors, "again")}
            <button type="submit" class="primary wide" data-testid="pin-save">{move || td_string!(lang.get().locale(), app.pin.save)}</button>
            {move || done.get().then(|| view! { <p class="muted" data-testid="pin-done">{td_string!(lang.get().locale(), app.pin.done)}</p> })}
        </form>
    }
}
