//! `/`: sends each person to their own home page.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::whoami;

/// Redirects to the sign-in page, the operator dashboard or the customer app.
#[component]
pub fn Home() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p class="centered">{crate::tx!(staff.common.loading)}</p> }>
            {move || me.get().map(|r| match r {
                Ok(Some(user)) => view! { <Redirect path=user.role.home_path()/> }.into_any(),
                _ => view! { <Redirect path="/login"/> }.into_any(),
            })}
        </Suspense>
    }
}
