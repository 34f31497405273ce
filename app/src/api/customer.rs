//! The customer app's server functions (`/rpc/app/...`, fixed names). Each takes the site
//! id from the caller and checks that the signed-in customer is a member of that site
//! before anything else; another customer's site is "not found".

use leptos::prelude::*;

use crate::model::customer::{
    AppContact, AppHome, AppMoney, AppPush, AppSchedule, AppSite, Errors, JournalFilter, JournalLine,
};

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::*;

    use crate::api::server::{ctx, require};
    use crate::model::{Role, SessionUser};
    use crate::ssr::customer::AppError;
    use crate::ssr::Ctx;

    /// The signed-in customer and the context. A customer who must still choose their own
    /// PIN gets nothing else (403) until they have.
    pub async fn customer() -> Result<(Ctx, SessionUser), ServerFnError> {
        let user = require(&[Role::Customer]).await?;
        if user.must_change {
            if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
                opts.set_status(axum::http::StatusCode::FORBIDDEN);
            }
            return Err(ServerFnError::new("choose your own PIN first"));
        }
        Ok((ctx()?, user))
    }

    /// A customer-call error as the browser sees it (404 for another's site).
    pub fn refuse(e: AppError) -> ServerFnError {
        let status = match &e {
            AppError::NotFound(_) => 404,
            AppError::OwnerOnly => 403,
            AppError::Invalid(_) => 422,
            AppError::Work(_) => 500,
        };
        if status == 500 {
            tracing::error!(error = %e, "customer call failed");
        } else {
            tracing::info!(error = %e, status, "customer call refused");
        }
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(axum::http::StatusCode::from_u16(status).unwrap_or_default());
        }
        ServerFnError::new(e.to_string())
    }
}

/// Signs a customer in with their customer ID code and PIN. Attempts are limited per code
/// and per address (the one limiter of `auth::sign_in`); on success the session cookie is
/// set. Returns field errors by name.
#[server(prefix = "/rpc", endpoint = "app/sign_in")]
pub async fn app_sign_in(code: String, pin: String) -> Result<Errors, ServerFnError> {
    use crate::model::customer::code_problem;
    use crate::ssr::auth;
    let mut errors = Errors::new();
    let code = code.trim().to_owned();
    if let Some(p) = code_problem(&code) {
        errors.push(("code".into(), p.into()));
    }
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(("pin".into(), "pin_format".into()));
    }
    if !errors.is_empty() {
        return Ok(errors);
    }
    let ctx = crate::api::server::ctx()?;
    match auth::sign_in(&ctx.store, &code, &pin, crate::api::server::client_ip().await).await {
        Ok((user, token)) if user.role == crate::model::Role::Customer => {
            crate::api::server::set_session_cookie(&ctx, Some(&token));
            Ok(Errors::new())
        }
        Ok((_, token)) => {
            // Staff sign in at /login, not with a customer ID.
            let _ = auth::sign_out(&ctx.store, &token).await;
            Ok(vec![("form".into(), "bad_credentials".into())])
        }
        Err(auth::AuthError::BadCredentials) => Ok(vec![("form".into(), "bad_credentials".into())]),
        Err(auth::AuthError::TooManyAttempts { until_ms }) => {
            Ok(vec![("form".into(), format!("locked:{}", auth::minutes_left(until_ms)))])
        }
        Err(e) => {
            tracing::error!(error = %e, "customer sign-in failed");
            Err(ServerFnError::new("sign-in is not available right now"))
        }
    }
}

/// Changes the customer's own PIN (also the first PIN they were given); the current PIN is
/// checked as a sign-in is (same limits). Field errors come back by name.
#[server(prefix = "/rpc", endpoint = "app/change_pin")]
pub async fn app_change_pin(current: String, pin: String, again: String) -> Result<Errors, ServerFnError> {
    use crate::model::customer::pin_problem;
    use crate::ssr::auth::{self, AuthError};
    let user = crate::api::server::require(&[crate::model::Role::Customer]).await?;
    let ctx = crate::api::server::ctx()?;
    let mut errors = Errors::new();
    if let Some(p) = pin_problem(&pin) {
        errors.push(("pin".into(), p.into()));
    } else if pin != again {
        errors.push(("again".into(), "pin_differ".into()));
    } else if pin == current {
        errors.push(("pin".into(), "pin_same".into()));
    }
    if !errors.is_empty() {
        return Ok(errors);
    }
    match auth::change_own_password(&ctx.store, &user, &current, pin, crate::api::server::client_ip().await).await {
        Ok(token) => {
            crate::api::server::set_session_cookie(&ctx, Some(&token));
            let entry = store::NewAudit {
                at_ms: auth::now_ms(),
                actor_user_id: Some(user.id),
                action: "app.pin_changed".into(),
                subject: Some(format!("user:{}", user.id)),
                detail: None,
            };
            ctx.store.append_audit(&entry).await.map_err(|e| ServerFnError::new(e.to_string()))?;
            Ok(Errors::new())
        }
        Err(AuthError::BadCredentials) => Ok(vec![("current".into(), "pin_wrong".into())]),
        Err(AuthError::TooManyAttempts { until_ms }) => {
            Ok(vec![("current".into(), format!("locked:{}", auth::minutes_left(until_ms)))])
        }
        Err(e) => {
            tracing::error!(error = %e, "PIN change failed");
            Err(ServerFnError::new("the PIN cannot be changed right now"))
        }
    }
}

/// Sets a contact's safe word (owner).
#[server(prefix = "/rpc", endpoint = "app/safe_word")]
pub async fn app_safe_word(site_id: i64, contact_id: i64, safe_word: String) -> Result<Errors, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::contact_safe_word(&ctx, &user, site_id, contact_id, &safe_word).await.map_err(server::refuse)
}

/// The sites the customer may reach, with their role on each.
#[server(prefix = "/rpc", endpoint = "app/sites")]
pub async fn app_sites() -> Result<Vec<AppSite>, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::sites(&ctx, &user).await.map_err(server::refuse)
}

/// A site's home screen.
#[server(prefix = "/rpc", endpoint = "app/home")]
pub async fn home_of(site_id: i64) -> Result<AppHome, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::home(&ctx, &user, site_id).await.map_err(server::refuse)
}

/// Queues `arm`, `disarm` or `night` for the site's panel; returns the command's id.
#[server(prefix = "/rpc", endpoint = "app/arm")]
pub async fn app_arm(site_id: i64, command: String) -> Result<i64, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::panel_command(&ctx, &user, site_id, &command).await.map_err(server::refuse)
}

/// Cancels the site's alarm with the password: `cancelled`, `crew_already_dispatched`,
/// `wrong_password` or `nothing_to_cancel`.
#[server(prefix = "/rpc", endpoint = "app/cancel")]
pub async fn app_cancel(site_id: i64, password: String) -> Result<String, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    let result = crate::ssr::customer::cancel(&ctx, &user, site_id, password).await.map_err(server::refuse)?;
    Ok(crate::ssr::customer::cancel_name(result))
}

/// Raises a panic for the site, with the phone's position if given; returns the incident id.
#[server(prefix = "/rpc", endpoint = "app/panic")]
pub async fn app_panic(site_id: i64, lat: Option<f64>, lon: Option<f64>) -> Result<i64, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::panic(&ctx, &user, site_id, lat.zip(lon)).await.map_err(server::refuse)
}

/// The site's journal of the last `days` days (1-31), newest first.
#[server(prefix = "/rpc", endpoint = "app/journal")]
pub async fn app_journal(site_id: i64, days: i64, filter: JournalFilter) -> Result<Vec<JournalLine>, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::journal(&ctx, &user, site_id, days, filter).await.map_err(server::refuse)
}

/// The site's call list.
#[server(prefix = "/rpc", endpoint = "app/contacts")]
pub async fn app_contacts(site_id: i64) -> Result<Vec<AppContact>, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::contacts(&ctx, &user, site_id).await.map_err(server::refuse)
}

/// Changes a contact's name and phone (owner).
#[server(prefix = "/rpc", endpoint = "app/contact_save")]
pub async fn app_contact_save(
    site_id: i64,
    contact_id: i64,
    name: String,
    phone: String,
) -> Result<Errors, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::save_contact(&ctx, &user, site_id, contact_id, &name, &phone).await.map_err(server::refuse)
}

/// Moves a contact up or down the call list (owner).
#[server(prefix = "/rpc", endpoint = "app/contact_move")]
pub async fn app_contact_move(site_id: i64, contact_id: i64, up: bool) -> Result<(), ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::move_contact(&ctx, &user, site_id, contact_id, up).await.map_err(server::refuse)
}

/// Marks a contact away between two dates (owner); empty dates: available again.
#[server(prefix = "/rpc", endpoint = "app/contact_away")]
pub async fn app_contact_away(
    site_id: i64,
    contact_id: i64,
    from: String,
    until: String,
) -> Result<Errors, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::contact_away(&ctx, &user, site_id, contact_id, &from, &until).await.map_err(server::refuse)
}

/// Opening hours and their changes.
#[server(prefix = "/rpc", endpoint = "app/schedule")]
pub async fn schedule_of(site_id: i64) -> Result<AppSchedule, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::schedule(&ctx, &user, site_id).await.map_err(server::refuse)
}

/// Changes one day's hours (owner); empty times: closed that day; `remove`: that day's
/// change is taken back.
#[server(prefix = "/rpc", endpoint = "app/schedule_change")]
pub async fn app_schedule_change(
    site_id: i64,
    date: String,
    open: String,
    close: String,
    #[server(default)] remove: bool,
) -> Result<Errors, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::schedule_change(&ctx, &user, site_id, &date, &open, &close, remove)
        .await
        .map_err(server::refuse)
}

/// Test mode for some minutes, or off with `None` (owner).
#[server(prefix = "/rpc", endpoint = "app/test_mode")]
pub async fn app_test_mode(site_id: i64, minutes: Option<i64>) -> Result<(), ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::test_mode(&ctx, &user, site_id, minutes).await.map_err(server::refuse)
}

/// Invoices, balance, dispatch counter and requests (owner).
#[server(prefix = "/rpc", endpoint = "app/money")]
pub async fn money_of(site_id: i64) -> Result<AppMoney, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::money(&ctx, &user, site_id).await.map_err(server::refuse)
}

/// A service request (owner).
#[server(prefix = "/rpc", endpoint = "app/request")]
pub async fn app_request(
    site_id: i64,
    kind: String,
    details: String,
    from: String,
    until: String,
) -> Result<Errors, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::request(&ctx, &user, site_id, &kind, &details, &from, &until).await.map_err(server::refuse)
}

/// Push settings for a site.
#[server(prefix = "/rpc", endpoint = "app/push")]
pub async fn push_of(site_id: i64) -> Result<AppPush, ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::push_settings(&ctx, &user, site_id).await.map_err(server::refuse)
}

/// Sets which pushes are wanted for a site.
#[server(prefix = "/rpc", endpoint = "app/push_set")]
pub async fn app_push_set(site_id: i64, alarms: bool, notices: bool) -> Result<(), ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::set_push(&ctx, &user, site_id, alarms, notices).await.map_err(server::refuse)
}

/// Stores this browser's push subscription.
#[server(prefix = "/rpc", endpoint = "app/subscribe")]
pub async fn app_subscribe(endpoint: String, p256dh: String, auth: String) -> Result<(), ServerFnError> {
    let (ctx, user) = server::customer().await?;
    crate::ssr::customer::subscribe(&ctx, &user, &endpoint, &p256dh, &auth).await.map_err(server::refuse)
}
