//! The server functions of the admin and set-up pages in the OpenAPI document: each is a
//! `POST` of a JSON object whose fields are the function's arguments, answered with JSON;
//! each checks the caller's role first (see the authorization matrix in the tests).

use utoipa::openapi::path::{OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType};
use utoipa::openapi::{ContentBuilder, HttpMethod, OpenApi, ResponseBuilder};

/// `(path, what it does and who may call it, the JSON body's fields)`.
pub const RPC: &[(&str, &str, &[&str])] = &[
    ("/rpc/admin/search", "Sites matching an account, name, address, contact name or phone (case and accents do not matter), one page (0-based) at a time with the count of all matches.", &["query", "page"]),
    ("/rpc/admin/import", "Imports CSV rows `(line number, text)`; answers per row (admins).", &["rows"]),
    ("/rpc/admin/import-invoices", "Imports invoices from the billing system's CSV rows `(line number, text)`; answers per row (admins).", &["rows"]),
    ("/rpc/admin/crews", "Crews with their logins and device ids (admins).", &[]),
    ("/rpc/admin/users", "Users and roles (admins).", &[]),
    ("/rpc/admin/site", "One site with its instructions, zones and contacts (supervisors and admins).", &["site_id"]),
    ("/rpc/admin/site-save", "Creates a site (`site_id` empty) or changes its name, address, position, time zone and kind (supervisors and admins). `Ok(Err(..))`: what to fix; `Ok(Ok(id))`: the site.", &["site_id", "form"]),
    ("/rpc/admin/account-add", "Adds a panel account to a site with its key (`key_format` `hex` or `text`; empty key: plain frames) and supervised paths (supervisors and admins).", &["site_id", "number", "key_format", "key", "paths"]),
    ("/rpc/admin/account-key", "Sets or removes (empty) an account's key, and whether plain frames are still taken with it (supervisors and admins).", &["site_id", "number", "key_format", "key", "allow_plain"]),
    ("/rpc/admin/account-remove", "Removes an account from its site (supervisors and admins).", &["site_id", "number"]),
    ("/rpc/admin/account-paths", "Replaces an account's supervised paths (supervisors and admins).", &["site_id", "number", "paths"]),
    ("/rpc/admin/site-rules", "Changes a site's rules: duress code, cancel windows, vehicle life sign, crew SLA and billing terms (supervisors and admins); answers what to fix.", &["site_id", "rules"]),
    ("/rpc/admin/site-hours", "Sets a site's weekly opening hours, or ends their supervision (supervisors and admins); answers what to fix.", &["site_id", "hours"]),
    ("/rpc/admin/site-plan", "Sets a site's own plan for a category, or with `steps` `None` makes the site follow the centre's plan again (supervisors and admins); answers what to fix.", &["site_id", "category", "steps"]),
    ("/rpc/admin/centre-plans", "The centre's plan of every category and where each comes from (supervisors and admins).", &[]),
    ("/rpc/admin/centre-plan", "Sets the centre's plan for a category, or with `steps` `None` goes back to the built-in plan (admins only: it changes every site without a plan of its own); answers what to fix.", &["category", "steps"]),
    ("/rpc/admin/site-archive", "Archives a site (no open incident; its accounts are removed) or brings it back (admins).", &["site_id", "archive"]),
    ("/rpc/admin/archived-sites", "The archived sites (supervisors and admins).", &[]),
    ("/rpc/admin/holidays", "The centre's public holidays (supervisors and admins).", &[]),
    ("/rpc/admin/holiday-preset", "A country's public holidays in a year (RO, HU, FI, NO, FR; 1900-2099), named in its language, to add to the centre's calendar (supervisors and admins; nothing is saved).", &["country", "year"]),
    ("/rpc/admin/holidays-save", "Replaces the centre's public holidays (admins only: they change every site closed on holidays); answers what to fix.", &["holidays"]),
    ("/rpc/admin/hours-change", "Changes one day's hours of a site, or with `remove` takes that change back (supervisors and admins); answers the site's changes from today on, or what to fix.", &["site_id", "date", "open", "close", "remove"]),
    ("/rpc/admin/site-overrides", "Replaces a site's code overrides (supervisors and admins); answers what to fix.", &["site_id", "overrides"]),
    ("/rpc/admin/map", "The map's settings, for picking positions (supervisors and admins).", &[]),
    ("/rpc/admin/instructions", "Replaces a site's keys, pets and notes (supervisors and admins).", &["site_id", "keys", "pets", "notes"]),
    ("/rpc/admin/move-contact", "Moves a contact up or down the calling order (supervisors and admins).", &["site_id", "contact_id", "up"]),
    ("/rpc/admin/contact", "Adds a contact (`contact_id` empty) or changes one (supervisors and admins); answers what to fix.", &["site_id", "contact_id", "form"]),
    ("/rpc/admin/contact-remove", "Removes a contact from the call list (supervisors and admins).", &["site_id", "contact_id"]),
    ("/rpc/admin/zone", "Renames a zone, or removes it with no name (supervisors and admins).", &["site_id", "number", "name", "kind"]),
    ("/rpc/admin/add-zone", "Names a new zone (supervisors and admins); answers what to fix, if anything.", &["site_id", "number", "name"]),
    ("/rpc/admin/crew-device", "Sets a crew's tracking device id (admins). `Ok(Some(key))`: the device's new key, shown this once; `Ok(None)`: cleared; `Err(problem)`: nothing saved.", &["crew_id", "device_id"]),
    ("/rpc/admin/crew", "Creates a crew (`crew_id` empty) or renames one and moves its base (admins).", &["crew_id", "name", "lat", "lon"]),
    ("/rpc/admin/crew-guard", "Links a guard's login to a crew, or none with an empty login (admins).", &["crew_id", "login"]),
    ("/rpc/admin/create-user", "Creates a user with a role (admins); answers what to fix, field by field.", &["username", "display_name", "password", "role"]),
    ("/rpc/admin/invite", "Gives a person access to a site as owner or contact; a new customer ID gets a first PIN, returned this once (supervisors and admins). `Ok(Err(..))`: what to fix.", &["site_id", "code", "name", "role"]),
    ("/rpc/admin/remove-member", "Takes a customer login's access to a site away (supervisors and admins).", &["site_id", "user_id"]),
    ("/rpc/admin/user", "Changes a login's role, disables or enables it, or sets its password (admins).", &["user_id", "change"]),
    ("/rpc/admin/safe-word", "Sets or removes (empty) a contact's safe word (supervisors and admins).", &["site_id", "contact_id", "safe_word"]),
    ("/rpc/admin/audit", "One page of the audit journal, filtered, newest first; `before_id` pages back (admins).", &["filter", "before_id"]),
    ("/rpc/admin/history", "One page of the incident history, filtered, newest first (supervisors and admins).", &["filter", "before_id"]),
    ("/rpc/admin/monthly", "A site's month for its service review, by one of its accounts and `YYYY-MM` (supervisors and admins). `Ok(Err(..))`: what to fix.", &["account", "month"]),
    ("/rpc/admin/requests", "The customers' open service requests (supervisors and admins).", &[]),
    ("/rpc/admin/request_done", "Marks a service request handled (supervisors and admins).", &["id"]),
    ("/rpc/setup/open", "Whether the set-up page is open (the database has no user yet).", &[]),
    ("/rpc/setup/first-admin", "Creates the first administrator and signs them in (then to `/admin`); otherwise answers what to fix, field by field.", &["token", "username", "display_name", "password", "again"]),
];

/// Adds every row of [`RPC`] to `doc` under the tag `admin` (or `setup`).
pub fn add_to(doc: &mut OpenApi) {
    for (path, summary, fields) in RPC {
        let mut body = ObjectBuilder::new();
        for f in *fields {
            body = body.property(
                *f,
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some("as the admin pages send it (app::model)")),
            );
        }
        let tag = if path.starts_with("/rpc/setup/") { "setup" } else { "admin" };
        let operation = OperationBuilder::new()
            .tag(tag)
            .summary(Some(*summary))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/json", ContentBuilder::new().schema(Some(body.build())).build())
                    .build(),
            ))
            .response("200", ResponseBuilder::new().description("JSON: the answer, or the fields to fix"))
            .response("401", ResponseBuilder::new().description("not signed in"))
            .response("403", ResponseBuilder::new().description("the caller's role may not"))
            .build();
        doc.paths.paths.insert((*path).to_owned(), PathItem::new(HttpMethod::Post, operation));
    }
}
