//! `/login`: sign in, with each field's problem shown beside it.

use crate::tx;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::{demo_logins, Login};
use crate::model::LoginErrors;

/// The sign-in form; in demo mode it also lists the demo logins.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let errors = move || match login.value().get() {
        Some(Ok(errors)) => errors,
        Some(Err(e)) => LoginErrors { form: Some(e.to_string()), ..Default::default() },
        None => LoginErrors::default(),
    };
    let demo = Resource::new(|| (), |_| demo_logins());
    let first_start = Resource::new(|| (), |_| crate::api::setup::setup_open());
    view! {
        <main class="login">
            <h1>"Vigil"</h1>
            <p class="subtitle">{tx!(staff.login.subtitle)}</p>
            <ActionForm action=login attr:class="card" attr:novalidate=true>
                <label for="username">{tx!(staff.login.username)}</label>
                <input id="username" name="username" autocomplete="username" autofocus=true/>
                <FieldError message=Signal::derive(move || errors().username)/>
                <label for="password">{tx!(staff.login.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password"/>
                <FieldError message=Signal::derive(move || errors().password)/>
                <FieldError message=Signal::derive(move || errors().form)/>
                <button type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { tx!(staff.login.signing_in) } else { tx!(staff.login.sign_in) }}
                </button>
            </ActionForm>
            <Suspense>
                {move || first_start.get().and_then(Result::ok).filter(|open| *open).map(|_| view! {
                    <section class="card" data-testid="first-start">
                        <h2>{tx!(staff.login.no_login)}</h2>
                        <p>{tx!(staff.login.first_start_before)}<code>"vigil user add NAME --role admin"</code>{tx!(staff.login.first_start_after)}</p>
                    </section>
                })}
            </Suspense>
            <Suspense>
                {move || demo.get().and_then(Result::ok).filter(|d| !d.is_empty()).map(|logins| view! {
                    <section class="card demo" data-testid="demo-logins">
                        <h2>{tx!(staff.login.demo)}</h2>
                        <table>
                            <thead><tr><th>{tx!(staff.login.role)}</th><th>{tx!(staff.login.username)}</th><th>{tx!(staff.login.password)}</th></tr></thead>
                            <tbody>
                                {logins.into_iter().map(|l| { let role = l.role.clone(); view! {
                                    <tr data-role=role>
                                        <td>{l.role}</td>
                                        <td class="mono">{l.username}</td>
                                        <td class="mono">{l.password}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })}
            </Suspense>
        </main>
    }
}

/// A message under a form field, shown only when there is one.
#[component]
fn FieldError(message: Signal<Option<String>>) -> impl IntoView {
    move || message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })
}
