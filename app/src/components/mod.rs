//! Pieces shared by several pages.

pub mod appjs;
pub mod clock;
pub mod database;
pub mod header;
#[cfg(feature = "hydrate")]
mod live;
pub mod opsmap;
pub mod require_role;
pub mod signal_feed;
#[cfg(feature = "hydrate")]
pub mod stream;
pub mod words;

/// A failed server call in words for the page: the server's own message ("No incident 7"),
/// never "error running server function".
pub fn readable(e: &leptos::prelude::ServerFnError) -> String {
    use leptos::prelude::ServerFnError;
    let text = match e {
        ServerFnError::ServerError(msg) => msg.clone(),
        ServerFnError::Request(_) | ServerFnError::Response(_) => {
            return crate::tx!(staff.common.unreachable).into();
        }
        other => other.to_string(),
    };
    let text = text.trim_start_matches("error running server function: ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => crate::tx!(staff.common.went_wrong).into(),
    }
}
