//! Server functions of the administration page: search (supervisors and admins), CSV import,
//! crews and users (admins).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::import::ImportResult;
use crate::model::ops::{AdminCrew, AdminSite, AdminUser};

#[cfg(feature = "ssr")]
const MANAGERS: &[crate::model::Role] = &[crate::model::Role::Supervisor, crate::model::Role::Admin];

/// At most this many rows per import call (the page sends a file in such chunks).
pub const IMPORT_CHUNK: usize = 25;

/// Sites matching an account, name, address, contact name or phone.
#[server(prefix = "/rpc", endpoint = "admin/search")]
pub async fn search_sites(query: String) -> Result<Vec<AdminSite>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::search(&ctx, &query).await.map_err(|e| ServerFnError::new(e.to_string()))
}

/// Imports CSV rows `(line number, text)`; answers per row (admins).
#[server(prefix = "/rpc", endpoint = "admin/import", input = Json)]
pub async fn import_rows(rows: Vec<(usize, String)>) -> Result<Vec<ImportResult>, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    if rows.len() > IMPORT_CHUNK {
        return Err(ServerFnError::new(format!("at most {IMPORT_CHUNK} rows per call")));
    }
    let ctx = super::server::ctx()?;
    Ok(crate::ssr::admin::import(&ctx, &user, rows).await)
}

/// Crews with their logins and device ids (admins).
#[server(prefix = "/rpc", endpoint = "admin/crews")]
pub async fn admin_crews() -> Result<Vec<AdminCrew>, ServerFnError> {
    super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::crews(&ctx).await.map_err(|e| ServerFnError::new(e.to_string()))
}

/// Users and roles (admins).
#[server(prefix = "/rpc", endpoint = "admin/users")]
pub async fn admin_users() -> Result<Vec<AdminUser>, ServerFnError> {
    super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::users(&ctx).await.map_err(|e| ServerFnError::new(e.to_string()))
}
