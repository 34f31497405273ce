//! Server functions: the pages' calls to the server. Each checks the caller's role.

use leptos::prelude::*;

pub mod admin;
pub mod customer;
pub mod ops;
pub mod setup;

use crate::model::{DemoLogin, LoginErrors, SessionUser, SignalView, SiteSummary};

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use axum::http::{header, HeaderMap, HeaderValue};
    use leptos::prelude::*;

    use crate::model::{Role, SessionUser};
    use crate::ssr::auth::{self, AuthError};
    use crate::ssr::Ctx;

    /// The request context the server binary provides.
    pub fn ctx() -> Result<Ctx, ServerFnError> {
        use_context::<Ctx>().ok_or_else(|| ServerFnError::new("server context missing"))
    }

    /// The request's headers.
    pub async fn headers() -> Result<HeaderMap, ServerFnError> {
        Ok(leptos_axum::extract::<HeaderMap>().await?)
    }

    /// The caller, if signed in with one of `roles`; otherwise a 401/403 error.
    pub async fn require(roles: &[Role]) -> Result<SessionUser, ServerFnError> {
        let ctx = ctx()?;
        auth::require(&ctx.store, &headers().await?, roles).await.map_err(|e| {
            let status = match e {
                AuthError::Unauthenticated | AuthError::BadCredentials => 401,
                AuthError::Forbidden => 403,
                _ => 500,
            };
            if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
                opts.set_status(axum::http::StatusCode::from_u16(status).unwrap_or_default());
            }
            tracing::warn!(error = %e, "server function refused");
            ServerFnError::new(e.to_string())
        })
    }

    /// The caller's address, as the configured source says (the socket, or a trusted
    /// proxy's header).
    pub async fn client_ip() -> Option<std::net::IpAddr> {
        leptos_axum::extract::<axum_client_ip::ClientIp>().await.ok().map(|ip| ip.0)
    }

    /// Sets the session cookie for `token` (or clears it with `None`).
    pub fn set_session_cookie(ctx: &crate::ssr::Ctx, token: Option<&str>) {
        use crate::ssr::auth;
        let value = match token {
            Some(token) => auth::session_cookie(token, ctx.secure_cookies),
            None => auth::clear_cookie(ctx.secure_cookies),
        };
        set_cookie(&value);
    }

    /// A failed piece of work as the browser sees it: 404 for what does not exist, 422 for
    /// what is not acceptable, 409 for a conflict, 503 while no node runs the engine, 500
    /// (logged) for the rest.
    pub fn work_failed(e: crate::ssr::work::WorkError) -> ServerFnError {
        use crate::ssr::engine::EngineError;
        use crate::ssr::work::WorkError;
        use engine::CommandError;
        let status = match &e {
            WorkError::NotFound(_)
            | WorkError::Store(store::StoreError::NotFound(_))
            | WorkError::Engine(EngineError::Refused(CommandError::NotFound(_))) => 404,
            WorkError::Invalid(_)
            | WorkError::Store(store::StoreError::Invalid(_))
            | WorkError::Engine(EngineError::Refused(CommandError::Invalid(_))) => 422,
            WorkError::Store(store::StoreError::Conflict(_))
            | WorkError::Engine(EngineError::Refused(CommandError::Claimed { .. } | CommandError::CrewsOut(_))) => 409,
            WorkError::Engine(EngineError::Refused(CommandError::Forbidden(_))) => 403,
            WorkError::Engine(EngineError::NoLeader(_) | EngineError::Busy(_) | EngineError::Stopped) => 503,
            _ => 500,
        };
        if status == 500 {
            tracing::error!(error = %e, "server function failed");
        }
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(axum::http::StatusCode::from_u16(status).unwrap_or_default());
        }
        ServerFnError::new(e.to_string())
    }

    /// Sets a `Set-Cookie` header on the response.
    pub fn set_cookie(value: &str) {
        if let (Some(opts), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(value)) {
            opts.append_header(header::SET_COOKIE, v);
        }
    }
}

/// Signs in. On success sets the session cookie and redirects to the role's home page;
/// otherwise returns what to fix, field by field.
#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<LoginErrors, ServerFnError> {
    use crate::ssr::auth;
    let errors = crate::model::validate_login(&username, &password);
    if !errors.is_empty() {
        return Ok(errors);
    }
    let ctx = server::ctx()?;
    match auth::sign_in(&ctx.store, &username, &password, server::client_ip().await).await {
        Ok((user, token)) => {
            server::set_session_cookie(&ctx, Some(&token));
            if let Some(lang) =
                ctx.store.user_language(user.id).await.ok().flatten().and_then(|l| crate::lang::Lang::parse(&l))
            {
                server::set_cookie(&crate::lang::cookie(lang));
            }
            leptos_axum::redirect(user.role.home_path());
            Ok(LoginErrors::default())
        }
        Err(auth::AuthError::BadCredentials) => Ok(LoginErrors {
            form: Some(crate::i18n::td_string!(crate::lang::initial().locale(), staff.login.wrong).to_owned()),
            ..Default::default()
        }),
        Err(auth::AuthError::TooManyAttempts { until_ms }) => Ok(LoginErrors {
            form: Some(crate::i18n::td_string!(
                crate::lang::initial().locale(),
                staff.login.locked,
                count = auth::minutes_left(until_ms)
            )),
            ..Default::default()
        }),
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            Err(ServerFnError::new("sign-in is not available right now"))
        }
    }
}

/// Signs out and returns to the sign-in page.
#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    use crate::ssr::auth;
    let ctx = server::ctx()?;
    if let Some(token) = auth::token_from_headers(&server::headers().await?) {
        auth::sign_out(&ctx.store, &token).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    }
    server::set_session_cookie(&ctx, None);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/rpc", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SessionUser>, ServerFnError> {
    let ctx = server::ctx()?;
    crate::ssr::auth::user_from_headers(&ctx.store, &server::headers().await?)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// Whether the database answers and takes writes now, as this node's database watch saw it
/// within the last second. Open to anyone (it touches no data, and the sign-in check would
/// need the database); `/readyz` tells the same.
#[server(prefix = "/rpc", endpoint = "database_up")]
pub async fn database_up() -> Result<bool, ServerFnError> {
    Ok(*server::ctx()?.database.borrow())
}

/// Sets the language the signed-in staff member or guard reads the pages in (kept with their login,
/// so it follows them to any browser) and in this browser now.
#[server(prefix = "/rpc", endpoint = "my_language")]
pub async fn set_my_language(language: String) -> Result<(), ServerFnError> {
    let user = server::require(crate::ssr::auth::PEOPLE).await?;
    let Some(lang) = crate::lang::Lang::parse(&language).filter(|l| l.code() == language) else {
        return Err(server::work_failed(crate::ssr::work::WorkError::Invalid(
            "choose one of the languages offered".into(),
        )));
    };
    let ctx = server::ctx()?;
    ctx.store.set_user_language(user.id, Some(lang.code())).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    crate::ssr::admin::audit(&ctx, &user, "user.language", user.username.clone(), lang.code().to_owned())
        .await
        .map_err(server::work_failed)?;
    server::set_cookie(&crate::lang::cookie(lang));
    Ok(())
}

/// The newest signals (staff only), newest first; `before_id` pages back.
#[server(prefix = "/rpc", endpoint = "recent_signals")]
pub async fn recent_signals(before_id: Option<i64>) -> Result<Vec<SignalView>, ServerFnError> {
    server::require(crate::ssr::auth::STAFF).await?;
    let ctx = server::ctx()?;
    let records = ctx
        .store
        .list_signals(&store::SignalQuery { limit: 100, before_id, site_ids: None })
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    ctx.engine
        .read(move |e, _| records.iter().map(|r| crate::ssr::views::signal_view_in(e, r)).collect())
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// The demo logins, shown on the sign-in page in demo mode only (empty otherwise).
#[server(prefix = "/rpc", endpoint = "demo_logins")]
pub async fn demo_logins() -> Result<Vec<DemoLogin>, ServerFnError> {
    Ok(server::ctx()?.demo_logins)
}

/// The sites a customer owns.
#[server(prefix = "/rpc", endpoint = "my_sites")]
pub async fn my_sites() -> Result<Vec<SiteSummary>, ServerFnError> {
    let user = server::require(&[crate::model::Role::Customer]).await?;
    let ctx = server::ctx()?;
    let owned = ctx.store.site_ids_owned_by(user.id).await.map_err(|e| ServerFnError::new(e.to_string()))?;
    let sites = ctx.store.list_sites().await.map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(sites
        .into_iter()
        .filter(|s| owned.contains(&s.id))
        .map(|s| SiteSummary { id: s.id, name: s.name, address: format!("{}, {}", s.address, s.city) })
        .collect())
}
