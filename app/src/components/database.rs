//! "Database unreachable": what a staff page shows while the node serving it cannot reach its
//! database (no alarm is stored or acknowledged then; panels keep resending).

use leptos::prelude::*;

use crate::api::database_up;
use crate::tx;

/// How often an open page asks whether the database is back.
#[cfg(feature = "hydrate")]
const EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// Runs `check` every [`EVERY`] while the calling component lives (in the browser).
pub fn every_few_seconds(check: impl Fn() + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(check, EVERY) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = check;
}

/// A red bar under the top bar while the database is unreachable; gone when it is back.
#[component]
pub fn DatabaseBanner() -> impl IntoView {
    let up = RwSignal::new(true);
    let check = move || {
        leptos::task::spawn_local(async move {
            if let Ok(now) = database_up().await {
                up.try_set(now);
            }
        });
    };
    #[cfg(feature = "hydrate")]
    check();
    every_few_seconds(check);
    view! {
        <Show when=move || !up.try_get().unwrap_or(true)>
            <div class="db-down" role="alert" data-testid="db-down">{tx!(staff.header.db_down)}</div>
        </Show>
    }
}

/// In place of a page that could not learn who is signed in: the database (or Vigil itself)
/// is unreachable. `retry` asks again every few seconds; the page appears when it answers.
#[component]
pub fn Unreachable(server: bool, retry: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    every_few_seconds(retry);
    let text = if server { tx!(staff.header.db_down) } else { tx!(staff.common.unreachable) };
    view! {
        <div class="centered db-down-page" role="alert" data-testid="db-down">
            <p>{text}</p>
            <p class="muted">{tx!(staff.header.retrying)}</p>
        </div>
    }
}
