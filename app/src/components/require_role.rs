//! Renders its children only for a signed-in person whose role fits.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::whoami;
use crate::components::database::Unreachable;
use crate::model::SessionUser;

/// Shows `render` with the signed-in person when `allowed` accepts their role; sends
/// everyone else to the sign-in page (or their own home). Data is still checked by every
/// server function: this only keeps people off pages that are not theirs.
#[component]
pub fn RequireRole<F, V>(allowed: fn(&SessionUser) -> bool, render: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p class="centered">{crate::tx!(staff.common.loading)}</p> }>
            {move || me.get().map(|r| match r {
                Ok(Some(user)) if allowed(&user) => render(user).into_any(),
                Ok(Some(user)) => view! { <Redirect path=user.role.home_path()/> }.into_any(),
                Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                // The database (or Vigil) is unreachable: say so and ask again, rather than
                // send a signed-in operator to a sign-in page that cannot work either.
                Err(e) => {
                    let server = matches!(e, ServerFnError::ServerError(_));
                    view! { <Unreachable server retry=move || me.refetch()/> }.into_any()
                }
            })}
        </Suspense>
    }
}
