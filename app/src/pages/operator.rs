//! `/operator`: the operator's live view of incoming signals.

use leptos::prelude::*;

use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::components::signal_feed::SignalFeed;
use crate::model::SessionUser;

/// The operator dashboard (staff only).
#[component]
pub fn OperatorPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role.is_staff() render=|user: SessionUser| view! {
                <Header user title="Operator"><span></span></Header>
                <main class="page">
                    <SignalFeed/>
                </main>
            }/>
    }
}
