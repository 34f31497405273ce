//! Extractors for the signed-in caller of an API route.

use app::model::SessionUser;
use app::ssr::auth::{self, STAFF};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;
use super::AppState;

/// A caller who works at the monitoring centre.
pub struct Staff(pub SessionUser);

/// Any signed-in caller.
pub struct Signed(pub SessionUser);

/// A guard of a rapid-response crew.
pub struct Guard(pub SessionUser);

/// An administrator.
pub struct Admin(pub SessionUser);

/// A supervisor or an administrator.
pub struct Manager(pub SessionUser);

impl FromRequestParts<AppState> for Manager {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let roles = [app::model::Role::Supervisor, app::model::Role::Admin];
        Ok(Manager(auth::require(&state.ctx.store, &parts.headers, &roles).await?))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Admin(auth::require(&state.ctx.store, &parts.headers, &[app::model::Role::Admin]).await?))
    }
}

impl FromRequestParts<AppState> for Guard {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Guard(auth::require(&state.ctx.store, &parts.headers, &[app::model::Role::Crew]).await?))
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Staff(auth::require(&state.ctx.store, &parts.headers, STAFF).await?))
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = auth::user_from_headers(&state.ctx.store, &parts.headers).await?;
        Ok(Signed(user.ok_or(auth::AuthError::Unauthenticated)?))
    }
}
