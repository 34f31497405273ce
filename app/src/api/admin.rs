//! Server functions of the administration page: search (supervisors and admins), CSV import,
//! crews and users (admins).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::admin::{AdminSiteDetail, FieldErrors, UserChange};
use crate::model::import::ImportResult;
use crate::model::ops::{AdminCrew, AdminSearch, AdminUser};

#[cfg(feature = "ssr")]
const MANAGERS: &[crate::model::Role] = &[crate::model::Role::Supervisor, crate::model::Role::Admin];

#[cfg(feature = "ssr")]
fn fail(e: impl Into<crate::ssr::work::WorkError>) -> ServerFnError {
    super::server::work_failed(e.into())
}

/// At most this many rows per import call (the page sends a file in such chunks).
pub const IMPORT_CHUNK: usize = 25;

/// An administrator sending at most [`IMPORT_CHUNK`] rows.
#[cfg(feature = "ssr")]
async fn importer(rows: &[(usize, String)]) -> Result<(crate::ssr::Ctx, crate::model::SessionUser), ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    if rows.len() > IMPORT_CHUNK {
        return Err(ServerFnError::new(format!("at most {IMPORT_CHUNK} rows per call")));
    }
    Ok((super::server::ctx()?, user))
}

/// Sites matching an account, name, address, contact name or phone (case and accents do
/// not matter), one page (0-based) at a time with the count of all matches.
#[server(prefix = "/rpc", endpoint = "admin/search")]
pub async fn search_sites(query: String, #[server(default)] page: usize) -> Result<AdminSearch, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::search(&ctx, &query, page).await.map_err(fail)
}

/// Imports CSV rows `(line number, text)`; answers per row (admins).
#[server(prefix = "/rpc", endpoint = "admin/import", input = Json)]
pub async fn import_rows(rows: Vec<(usize, String)>) -> Result<Vec<ImportResult>, ServerFnError> {
    let (ctx, user) = importer(&rows).await?;
    Ok(crate::ssr::admin::import(&ctx, &user, rows).await)
}

/// Imports invoices from the billing system's CSV rows `(line number, text)`; answers per
/// row (admins).
#[server(prefix = "/rpc", endpoint = "admin/import-invoices", input = Json)]
pub async fn import_invoices(rows: Vec<(usize, String)>) -> Result<Vec<ImportResult>, ServerFnError> {
    let (ctx, user) = importer(&rows).await?;
    Ok(crate::ssr::admin::import_invoices(&ctx, &user, rows).await)
}

/// Crews with their logins and device ids (admins).
#[server(prefix = "/rpc", endpoint = "admin/crews")]
pub async fn admin_crews() -> Result<Vec<AdminCrew>, ServerFnError> {
    super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::crews(&ctx).await.map_err(fail)
}

/// Users and roles (admins).
#[server(prefix = "/rpc", endpoint = "admin/users")]
pub async fn admin_users() -> Result<Vec<AdminUser>, ServerFnError> {
    super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::users(&ctx).await.map_err(fail)
}

/// One site with its instructions, zones and contacts (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/site")]
pub async fn load_admin_site(site_id: i64) -> Result<AdminSiteDetail, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::site_detail(&ctx, site_id).await.map_err(fail)
}

/// Creates a site (`site_id` empty) or changes its name, address, position, time zone and
/// kind (supervisors and admins). `Ok(Err(..))`: what to fix; `Ok(Ok(id))`: the site.
#[server(prefix = "/rpc", endpoint = "admin/site-save", input = Json)]
pub async fn save_site(
    site_id: Option<i64>,
    form: crate::model::admin::SiteForm,
) -> Result<Result<i64, FieldErrors>, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::save_site(&ctx, &user, site_id, &form).await.map_err(fail)
}

/// Adds a panel account to a site with its key (`key_format` `hex` or `text`; empty key:
/// plain frames) and supervised paths (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/account-add", input = Json)]
pub async fn add_account(
    site_id: i64,
    number: String,
    key_format: String,
    key: String,
    paths: Vec<crate::model::accounts::PathLine>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::accounts::add(&ctx, &user, site_id, &number, &key_format, &key, &paths).await.map_err(fail)
}

/// Sets or removes (empty) an account's key, and whether plain frames are still taken with
/// it (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/account-key", input = Json)]
pub async fn account_key(
    site_id: i64,
    number: String,
    key_format: String,
    key: String,
    allow_plain: bool,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::accounts::set_key(&ctx, &user, site_id, &number, &key_format, &key, allow_plain).await.map_err(fail)
}

/// Removes an account from its site (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/account-remove", input = Json)]
pub async fn account_remove(site_id: i64, number: String) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::accounts::remove(&ctx, &user, site_id, &number).await.map_err(fail)
}

/// Replaces an account's supervised paths (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/account-paths", input = Json)]
pub async fn account_paths(
    site_id: i64,
    number: String,
    paths: Vec<crate::model::accounts::PathLine>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::accounts::set_paths(&ctx, &user, site_id, &number, &paths).await.map_err(fail)
}

/// Changes a site's rules: duress code, cancel windows, vehicle life sign, crew SLA and
/// billing terms (supervisors and admins); answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/site-rules", input = Json)]
pub async fn save_rules(site_id: i64, rules: crate::model::admin::SiteRules) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::save_rules(&ctx, &user, site_id, &rules).await.map_err(fail)
}

/// Sets a site's weekly opening hours, or ends their supervision (supervisors and admins);
/// answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/site-hours", input = Json)]
pub async fn save_hours(site_id: i64, hours: crate::model::admin::HoursForm) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::save_hours(&ctx, &user, site_id, &hours).await.map_err(fail)
}

/// Sets a site's own plan for a category, or with `steps` `None` makes the site follow the
/// centre's plan again (supervisors and admins); answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/site-plan", input = Json)]
pub async fn save_site_plan(
    site_id: i64,
    category: String,
    steps: Option<Vec<crate::model::plans::StepLine>>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::save_site_plan(&ctx, &user, site_id, &category, steps.as_deref()).await.map_err(fail)
}

/// The centre's plan of every category and where each comes from (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/centre-plans")]
pub async fn centre_plans() -> Result<Vec<crate::model::plans::PlanForm>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::plans(&ctx, None).await.map_err(fail)
}

/// Sets the centre's plan for a category, or with `steps` `None` goes back to the built-in
/// plan (admins only: it changes every site without a plan of its own); answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/centre-plan", input = Json)]
pub async fn save_centre_plan(
    category: String,
    steps: Option<Vec<crate::model::plans::StepLine>>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::save_centre_plan(&ctx, &user, &category, steps.as_deref()).await.map_err(fail)
}

/// Archives a site (no open incident; its accounts are removed) or brings it back (admins).
#[server(prefix = "/rpc", endpoint = "admin/site-archive", input = Json)]
pub async fn archive_site(site_id: i64, archive: bool) -> Result<(), ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::archive_site(&ctx, &user, site_id, archive).await.map_err(fail)
}

/// The archived sites (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/archived-sites")]
pub async fn archived_sites() -> Result<Vec<crate::model::admin::ArchivedSite>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::archived_sites(&ctx).await.map_err(fail)
}

/// The centre's public holidays (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/holidays")]
pub async fn holidays() -> Result<Vec<crate::model::plans::HolidayLine>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::centre_holidays(&ctx.store).await.map_err(fail)
}

/// Replaces the centre's public holidays (admins only: they change every site closed on
/// holidays); answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/holidays-save", input = Json)]
pub async fn save_holidays(holidays: Vec<crate::model::plans::HolidayLine>) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::save_holidays(&ctx, &user, &holidays).await.map_err(fail)
}

/// A country's public holidays in a year, with their names in its language, for the admin
/// to add to the centre's calendar (supervisors and admins; nothing is saved).
#[server(prefix = "/rpc", endpoint = "admin/holiday-preset", input = Json)]
pub async fn holiday_preset(
    country: String,
    year: i32,
) -> Result<Vec<crate::model::plans::HolidayLine>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    crate::ssr::plans::holiday_preset(&country, year).map_err(fail)
}

/// Changes one day's hours of a site, or with `remove` takes that change back (supervisors
/// and admins); answers the site's changes from today on, or what to fix.
#[server(prefix = "/rpc", endpoint = "admin/hours-change", input = Json)]
pub async fn change_hours_day(
    site_id: i64,
    date: String,
    open: String,
    close: String,
    remove: bool,
) -> Result<Result<Vec<crate::model::admin::HourChange>, FieldErrors>, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::change_hours_day(&ctx, &user, site_id, &date, &open, &close, remove).await.map_err(fail)
}

/// Replaces a site's code overrides (supervisors and admins); answers what to fix.
#[server(prefix = "/rpc", endpoint = "admin/site-overrides", input = Json)]
pub async fn save_overrides(
    site_id: i64,
    overrides: Vec<crate::model::plans::OverrideLine>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::plans::save_overrides(&ctx, &user, site_id, &overrides).await.map_err(fail)
}

/// The map's settings, for picking positions (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/map")]
pub async fn admin_map() -> Result<crate::model::ops::MapConfig, ServerFnError> {
    super::server::require(MANAGERS).await?;
    Ok(super::server::ctx()?.dashboard.map)
}

/// Replaces a site's keys, pets and notes (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/instructions", input = Json)]
pub async fn save_instructions(site_id: i64, keys: String, pets: String, notes: String) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    let instructions =
        engine::Instructions { keys: keys.trim().into(), pets: pets.trim().into(), notes: notes.trim().into() };
    crate::ssr::admin::save_instructions(&ctx, &user, site_id, instructions).await.map_err(fail)
}

/// Moves a contact up or down the calling order (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/move-contact", input = Json)]
pub async fn move_contact(site_id: i64, contact_id: i64, up: bool) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::move_contact(&ctx, &user, site_id, contact_id, up).await.map_err(fail)
}

/// Adds a contact (`contact_id` empty) or changes one (supervisors and admins); answers
/// what to fix.
#[server(prefix = "/rpc", endpoint = "admin/contact", input = Json)]
pub async fn save_contact(
    site_id: i64,
    contact_id: Option<i64>,
    form: crate::model::admin::ContactForm,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::save_contact(&ctx, &user, site_id, contact_id, &form).await.map_err(fail)
}

/// Removes a contact from the call list (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/contact-remove", input = Json)]
pub async fn remove_contact(site_id: i64, contact_id: i64) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::remove_contact(&ctx, &user, site_id, contact_id).await.map_err(fail)
}

/// Renames a zone, or removes it with no name (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/zone", input = Json)]
pub async fn change_zone(
    site_id: i64,
    number: i64,
    name: Option<String>,
    kind: Option<String>,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::change_zone(&ctx, &user, site_id, number, name.as_deref(), kind.as_deref()).await.map_err(fail)
}

/// Names a new zone (supervisors and admins); answers what to fix, if anything.
#[server(prefix = "/rpc", endpoint = "admin/add-zone", input = Json)]
pub async fn add_zone(site_id: i64, number: String, name: String) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::add_zone(&ctx, &user, site_id, &number, &name).await.map_err(fail)
}

/// Sets a crew's tracking device id (admins). `Ok(Some(key))`: the device's new key, shown
/// this once; `Ok(None)`: cleared; `Err(problem)`: nothing saved.
#[server(prefix = "/rpc", endpoint = "admin/crew-device", input = Json)]
pub async fn crew_device(crew_id: i64, device_id: String) -> Result<Result<Option<String>, String>, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::set_crew_device(&ctx, &user, crew_id, &device_id).await.map_err(fail)
}

/// Creates a crew (`crew_id` empty) or renames one and moves its base (admins).
#[server(prefix = "/rpc", endpoint = "admin/crew", input = Json)]
pub async fn save_crew(
    crew_id: Option<i64>,
    name: String,
    lat: String,
    lon: String,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::save_crew(&ctx, &user, crew_id, &name, &lat, &lon).await.map_err(fail)
}

/// Links a guard's login to a crew, or none with an empty login (admins).
#[server(prefix = "/rpc", endpoint = "admin/crew-guard", input = Json)]
pub async fn crew_guard(crew_id: i64, login: String) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::set_crew_guard(&ctx, &user, crew_id, &login).await.map_err(fail)
}

/// Creates a user with a role (admins); answers what to fix, field by field.
#[server(prefix = "/rpc", endpoint = "admin/create-user", input = Json)]
pub async fn create_user(
    username: String,
    display_name: String,
    password: String,
    role: String,
) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::create_user(&ctx, &user, &username, &display_name, password, &role).await.map_err(fail)
}

/// Gives a person access to a site as owner or contact; a new customer ID gets a first PIN,
/// returned this once (supervisors and admins). `Ok(Err(..))`: what to fix.
#[server(prefix = "/rpc", endpoint = "admin/invite", input = Json)]
pub async fn invite_member(
    site_id: i64,
    code: String,
    name: String,
    role: String,
) -> Result<Result<crate::model::admin::Invited, FieldErrors>, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::invite(&ctx, &user, site_id, &code, &name, &role).await.map_err(fail)
}

/// Takes a customer login's access to a site away (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/remove-member", input = Json)]
pub async fn remove_member(site_id: i64, user_id: i64) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::remove_member(&ctx, &user, site_id, user_id).await.map_err(fail)
}

/// Changes a login's role, disables or enables it, or sets its password (admins).
#[server(prefix = "/rpc", endpoint = "admin/user", input = Json)]
pub async fn change_user(user_id: i64, change: UserChange) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::change_user(&ctx, &user, user_id, change).await.map_err(fail)
}

/// Sets or removes (empty) a contact's safe word (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/safe-word", input = Json)]
pub async fn set_safe_word(site_id: i64, contact_id: i64, safe_word: String) -> Result<FieldErrors, ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::set_safe_word(&ctx, &user, site_id, contact_id, safe_word).await.map_err(fail)
}

/// One page of the audit journal, filtered, newest first; `before_id` pages back (admins).
#[server(prefix = "/rpc", endpoint = "admin/audit", input = Json)]
pub async fn audit_page(
    filter: crate::model::history::AuditFilter,
    before_id: Option<i64>,
) -> Result<crate::model::history::AuditPage, ServerFnError> {
    super::server::require(&[crate::model::Role::Admin]).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::history::audit_page(&ctx, &filter, before_id).await.map_err(fail)
}

/// One page of the incident history, filtered, newest first (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/history", input = Json)]
pub async fn incident_history(
    filter: crate::model::history::IncidentFilter,
    before_id: Option<i64>,
) -> Result<crate::model::history::IncidentPage, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::history::incident_page(&ctx, &filter, before_id).await.map_err(fail)
}

/// A site's month for its service review, by one of its accounts and `YYYY-MM`
/// (supervisors and admins). `Ok(Err(..))`: what to fix.
#[server(prefix = "/rpc", endpoint = "admin/monthly", input = Json)]
pub async fn month_report(
    account: String,
    month: String,
) -> Result<Result<crate::model::history::MonthlyReport, FieldErrors>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::history::monthly(&ctx, &account, &month).await.map_err(fail)
}

/// The customers' open service requests (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/requests")]
pub async fn admin_requests() -> Result<Vec<crate::model::admin::AdminRequest>, ServerFnError> {
    super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::requests(&ctx).await.map_err(fail)
}

/// Marks a service request handled (supervisors and admins).
#[server(prefix = "/rpc", endpoint = "admin/request_done")]
pub async fn request_done(id: i64) -> Result<(), ServerFnError> {
    let user = super::server::require(MANAGERS).await?;
    let ctx = super::server::ctx()?;
    crate::ssr::admin::close_request(&ctx, &user, id).await.map_err(fail)
}
