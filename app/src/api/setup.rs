//! Server functions of the first start's set-up page (no sign-in: there is nobody yet; the
//! one-time token from the server's log opens it).

use leptos::prelude::*;

use crate::model::admin::FieldErrors;

/// Whether the set-up page is open (the database has no user yet).
#[server(prefix = "/rpc", endpoint = "setup/open")]
pub async fn setup_open() -> Result<bool, ServerFnError> {
    let ctx = super::server::ctx()?;
    crate::ssr::setup::is_open(&ctx).await.map_err(super::server::work_failed)
}

/// Creates the first administrator and signs them in (then to `/admin`); otherwise answers
/// what to fix, field by field.
#[server(prefix = "/rpc", endpoint = "setup/first-admin")]
pub async fn first_admin(
    token: String,
    username: String,
    display_name: String,
    password: String,
    again: String,
) -> Result<FieldErrors, ServerFnError> {
    use crate::ssr::setup::{create_first_admin, SetupForm};
    let ctx = super::server::ctx()?;
    let form = SetupForm { token, username: username.clone(), display_name, password: password.clone(), again };
    match create_first_admin(&ctx, form).await.map_err(super::server::work_failed)? {
        Err(errors) => Ok(errors),
        Ok(_) => {
            match crate::ssr::auth::sign_in(&ctx.store, &username, &password, super::server::client_ip().await).await {
                Ok((_, token)) => {
                    super::server::set_session_cookie(&ctx, Some(&token));
                    leptos_axum::redirect("/admin");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the first administrator was created but not signed in");
                    leptos_axum::redirect("/login");
                }
            }
            Ok(FieldErrors::default())
        }
    }
}
