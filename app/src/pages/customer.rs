//! `/app`: the customer's start page (the full customer app is its own piece of work).

use leptos::prelude::*;

use crate::api::my_sites;
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::model::{Role, SessionUser};

/// The customer's sites.
#[component]
pub fn CustomerPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role == Role::Customer render=|user: SessionUser| view! {
                <Header user title="My sites"><span></span></Header>
                <main class="page">
                    <SiteList/>
                </main>
            }/>
    }
}

#[component]
fn SiteList() -> impl IntoView {
    let sites = Resource::new(|| (), |_| my_sites());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || sites.get().map(|r| match r {
                Ok(sites) if sites.is_empty() => view! { <p>"No sites are registered to you yet."</p> }.into_any(),
                Ok(sites) => view! {
                    <ul class="sites">
                        {sites.into_iter().map(|s| view! {
                            <li class="card"><strong>{s.name}</strong><br/><span>{s.address}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}
