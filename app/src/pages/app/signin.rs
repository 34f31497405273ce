//! The customer's sign-in: customer ID code and PIN.

use leptos::prelude::*;

use super::{field_error, LangSelect};
use crate::api::customer::app_sign_in;
use crate::i18n::td_string;
use crate::lang::use_lang;

/// Sign-in with the customer ID code and PIN; on success the app opens.
#[component]
pub fn SignIn() -> impl IntoView {
    let lang = use_lang();
    let code = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match app_sign_in(code.get_untracked(), pin.get_untracked()).await {
                Ok(e) if e.is_empty() => {
                    let _ = window().location().assign("/app");
                }
                Ok(e) => errors.set(e),
                Err(_) => errors.set(vec![("form".into(), "unavailable".into())]),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="app-signin">
            <div class="signin-top"><span class="brand big">"Vigil"</span><LangSelect/></div>
            <h1>{move || td_string!(lang.get().locale(), app.signin.title)}</h1>
            <form on:submit=submit novalidate>
                <label>{move || td_string!(lang.get().locale(), app.signin.code)}
                    <input name="code" inputmode="numeric" autocomplete="username" data-testid="code"
                        prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                </label>
                {field_error(errors, "code")}
                <label>{move || td_string!(lang.get().locale(), app.signin.pin)}
                    <input name="pin" type="password" inputmode="numeric" autocomplete="current-password" data-testid="pin"
                        prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                </label>
                {field_error(errors, "pin")}
                {field_error(errors, "form")}
                <button type="submit" class="primary wide" data-testid="sign-in" disabled=busy>{move || td_string!(lang.get().locale(), app.signin.submit)}</button>
            </form>
            <p class="muted small">{move || td_string!(lang.get().locale(), app.signin.help)}</p>
        </main>
    }
}
