//! The page for an unknown address.

use crate::tx;
use leptos::prelude::*;

/// "Not found", with a 404 status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="centered">
            <h1>{tx!(staff.common.not_found)}</h1>
            <a href="/">{tx!(staff.common.back)}</a>
        </main>
    }
}
