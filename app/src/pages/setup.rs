//! `/setup`: the first start's page, to create the first administrator with the one-time
//! link from the server's log. Closed for good once any login exists.

use crate::tx;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::setup::{setup_open, FirstAdmin};
use crate::model::admin::FieldErrors;

/// The set-up form, or a word that Vigil is set up.
#[component]
pub fn SetupPage() -> impl IntoView {
    let create = ServerAction::<FirstAdmin>::new();
    let open = Resource::new(|| (), |_| setup_open());
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let errors = move || match create.value().get() {
        Some(Ok(errors)) => errors,
        Some(Err(e)) => FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() },
        None => FieldErrors::default(),
    };
    let field = move |name: &'static str| {
        move || errors().get(name).map(|m| view! { <p class="field-error" role="alert">{m}</p> })
    };
    view! {
        <main class="login setup">
            <h1>"Vigil"</h1>
            <p class="subtitle">{tx!(staff.setup.subtitle)}</p>
            <Suspense fallback=|| view! { <p class="card muted">{tx!(staff.setup.loading)}</p> }>
                {move || open.get().map(|open| match open {
                    Ok(true) => view! {
                        <ActionForm action=create attr:class="card" attr:novalidate=true attr:data-testid="setup-form">
                            <p class="muted">{tx!(staff.setup.intro)}</p>
                            <input type="hidden" name="token" value=token/>
                            <label for="username">{tx!(staff.setup.login)}</label>
                            <input id="username" name="username" autocomplete="username" autofocus=true/>
                            {field("username")}
                            <label for="display_name">{tx!(staff.setup.name)}</label>
                            <input id="display_name" name="display_name" autocomplete="name"/>
                            {field("display_name")}
                            <label for="password">{tx!(staff.setup.password)}</label>
                            <input id="password" name="password" type="password" autocomplete="new-password"/>
                            {field("password")}
                            <label for="again">{tx!(staff.setup.again)}</label>
                            <input id="again" name="again" type="password" autocomplete="new-password"/>
                            {field("again")}
                            {move || errors().form.map(|m| view! { <p class="field-error" role="alert" data-testid="setup-error">{m}</p> })}
                            <button type="submit" disabled=move || create.pending().get()>
                                {move || if create.pending().get() { tx!(staff.setup.creating) } else { tx!(staff.setup.create) }}
                            </button>
                        </ActionForm>
                    }.into_any(),
                    Ok(false) => view! {
                        <section class="card" data-testid="setup-closed">
                            <p>{tx!(staff.setup.done)}</p>
                            <p><a href="/login">{tx!(staff.setup.sign_in)}</a></p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="card field-error">{crate::components::readable(&e)}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
