//! The customer app's records: site memberships, commands queued for panels, push
//! settings, invoices, service requests and the server's own secrets.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Store, StoreError};

/// Roles a login may have on a site.
pub const MEMBER_ROLES: [&str; 2] = ["owner", "contact"];
/// Commands a panel can be sent.
pub const PANEL_COMMANDS: [&str; 3] = ["arm", "disarm", "night"];
/// Kinds of service request.
pub const REQUEST_KINDS: [&str; 6] = ["technician", "forgotten_code", "pause", "move", "transfer", "pets_keys"];

/// A site a login may reach, with its role there.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberSite {
    /// Site id.
    pub site_id: i64,
    /// Site name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// IANA time zone.
    pub time_zone: String,
    /// `owner` or `contact`.
    pub role: String,
}

/// A command for a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelCommand {
    /// Row id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// `arm`, `disarm` or `night`.
    pub command: String,
    /// Who asked.
    pub user_id: Option<i64>,
    /// Their display name.
    pub user_name: Option<String>,
    /// When it was asked for, unix ms.
    pub requested_at_ms: i64,
    /// `queued`, `done` or `failed`.
    pub status: String,
    /// Last change, unix ms.
    pub updated_at_ms: i64,
    /// Why it failed, or what the panel answered.
    pub detail: Option<String>,
}

/// The insert of an invoice, its eight values `$1..$8` bound by [`bind_invoice`].
const INSERT_INVOICE: &str =
    "INSERT INTO invoices (site_id, number, issued_on, due_on, description, amount_cents, currency, paid_on) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

fn bind_invoice<'q>(
    q: sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>>,
    i: &'q InvoiceRecord,
) -> sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>> {
    q.bind(i.site_id)
        .bind(i.number.as_str())
        .bind(i.issued_on.as_str())
        .bind(i.due_on.as_str())
        .bind(i.description.as_str())
        .bind(i.amount_cents)
        .bind(i.currency.as_str())
        .bind(i.paid_on.as_deref())
}

/// An invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceRecord {
    /// Row id.
    pub id: i64,
    /// Site billed.
    pub site_id: i64,
    /// Invoice number.
    pub number: String,
    /// Issue date (`YYYY-MM-DD`).
    pub issued_on: String,
    /// Due date (`YYYY-MM-DD`).
    pub due_on: String,
    /// What it is for.
    pub description: String,
    /// Amount in minor units.
    pub amount_cents: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Payment date, if paid.
    pub paid_on: Option<String>,
}

/// A customer's request to the alarm company.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    /// Row id.
    pub id: i64,
    /// Site.
    pub site_id: i64,
    /// Who asked.
    pub user_id: Option<i64>,
    /// One of [`REQUEST_KINDS`].
    pub kind: String,
    /// Free text.
    pub details: String,
    /// Start date for a pause or a move (`YYYY-MM-DD`).
    pub from_date: Option<String>,
    /// End date for a pause (`YYYY-MM-DD`).
    pub until_date: Option<String>,
    /// `open` or `done`.
    pub status: String,
    /// When it was made, unix ms.
    pub created_at_ms: i64,
}

const SELECT_COMMANDS: &str = "SELECT c.id, c.site_id, c.command, c.user_id, u.display_name, \
     c.requested_at, c.status, c.updated_at, c.detail FROM panel_commands c \
     LEFT JOIN users u ON u.id = c.user_id";

const SELECT_REQUESTS: &str = "SELECT id, site_id, user_id, kind, details, from_date, until_date, \
     status, created_at FROM service_requests";

impl Store {
    /// The sites a login may reach and its role on each, by site id.
    pub async fn member_sites(&self, user_id: i64) -> Result<Vec<MemberSite>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, s.address, s.time_zone, m.role FROM site_members m \
             JOIN sites s ON s.id = m.site_id WHERE m.user_id = $1 AND s.archived_at IS NULL ORDER BY s.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MemberSite {
                    site_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    address: r.try_get("address")?,
                    time_zone: r.try_get("time_zone")?,
                    role: r.try_get("role")?,
                })
            })
            .collect()
    }

    /// The login's role on a site, or `None` when it may not reach it.
    pub async fn member_role(&self, user_id: i64, site_id: i64) -> Result<Option<String>, StoreError> {
        let role = sqlx::query_scalar(
            "SELECT m.role FROM site_members m JOIN sites s ON s.id = m.site_id \
             WHERE m.user_id = $1 AND m.site_id = $2 AND s.archived_at IS NULL",
        )
        .bind(user_id)
        .bind(site_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(role)
    }

    /// The logins that may reach a site, by id.
    pub async fn site_member_ids(&self, site_id: i64) -> Result<Vec<i64>, StoreError> {
        let ids = sqlx::query_scalar("SELECT user_id FROM site_members WHERE site_id = $1 ORDER BY user_id")
            .bind(site_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids)
    }

    /// The sites some login may reach, by id.
    pub async fn sites_with_members(&self) -> Result<Vec<i64>, StoreError> {
        let ids = sqlx::query_scalar("SELECT DISTINCT site_id FROM site_members ORDER BY site_id")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids)
    }

    /// Gives a login a role on a site (replacing any role it had there).
    pub async fn set_site_member(&self, site_id: i64, user_id: i64, role: &str) -> Result<(), StoreError> {
        if !MEMBER_ROLES.contains(&role) {
            return Err(StoreError::Invalid(format!("unknown site role {role:?}")));
        }
        sqlx::query(
            "INSERT INTO site_members (site_id, user_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(site_id)
        .bind(user_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The logins with access to a site and their role there, by user id.
    pub async fn site_members(&self, site_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT user_id, role FROM site_members WHERE site_id = $1 ORDER BY user_id")
            .bind(site_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("user_id")?, r.try_get("role")?))).collect()
    }

    /// Takes a login's access to a site away (and it stops being the site's recorded owner).
    /// `false`: it had none.
    pub async fn remove_site_member(&self, site_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM site_members WHERE site_id = $1 AND user_id = $2")
            .bind(site_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        sqlx::query("UPDATE sites SET owner_user_id = NULL WHERE id = $1 AND owner_user_id = $2")
            .bind(site_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Queues a command for a site's panel and returns its id. A command still queued for
    /// the site is superseded (failed, "superseded"): the panel acts on the latest wish only.
    pub async fn queue_panel_command(
        &self,
        site_id: i64,
        command: &str,
        user_id: Option<i64>,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        if !PANEL_COMMANDS.contains(&command) {
            return Err(StoreError::Invalid(format!("unknown panel command {command:?}")));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE panel_commands SET status = 'failed', detail = 'superseded', updated_at = $1 \
             WHERE site_id = $2 AND status = 'queued'",
        )
        .bind(at_ms)
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
        let id = sqlx::query_scalar(
            "INSERT INTO panel_commands (site_id, command, user_id, requested_at, status, updated_at) \
             VALUES ($1, $2, $3, $4, 'queued', $4) RETURNING id",
        )
        .bind(site_id)
        .bind(command)
        .bind(user_id)
        .bind(at_ms)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Commands waiting for their panels, oldest first.
    pub async fn queued_panel_commands(&self) -> Result<Vec<PanelCommand>, StoreError> {
        let sql = format!("{SELECT_COMMANDS} WHERE c.status = 'queued' ORDER BY c.id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(command_from_row).collect()
    }

    /// A site's commands asked for since `since_ms`, newest first.
    pub async fn panel_commands(&self, site_id: i64, since_ms: i64) -> Result<Vec<PanelCommand>, StoreError> {
        let sql = format!("{SELECT_COMMANDS} WHERE c.site_id = $1 AND c.requested_at >= $2 ORDER BY c.id DESC");
        let rows = sqlx::query(&sql).bind(site_id).bind(since_ms).fetch_all(&self.pool).await?;
        rows.iter().map(command_from_row).collect()
    }

    /// Records what came of a queued command. A command no longer queued is left as it
    /// is, and the answer is `false`.
    pub async fn finish_panel_command(
        &self,
        id: i64,
        ok: bool,
        detail: Option<&str>,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE panel_commands SET status = $1, detail = $2, updated_at = $3 \
             WHERE id = $4 AND status = 'queued'",
        )
        .bind(if ok { "done" } else { "failed" })
        .bind(detail)
        .bind(at_ms)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Which pushes a login wants for a site: (alarms, notices); both by default.
    pub async fn push_prefs(&self, user_id: i64, site_id: i64) -> Result<(bool, bool), StoreError> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT alarms, notices FROM push_prefs WHERE user_id = $1 AND site_id = $2")
                .bind(user_id)
                .bind(site_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map_or((true, true), |(a, n)| (a == 1, n == 1)))
    }

    /// The logins that turned off alarm pushes (`alarms`) or other notices (`!alarms`) for a
    /// site, by id.
    pub async fn push_opted_out(&self, site_id: i64, alarms: bool) -> Result<Vec<i64>, StoreError> {
        let sql = if alarms {
            "SELECT user_id FROM push_prefs WHERE site_id = $1 AND alarms = 0 ORDER BY user_id"
        } else {
            "SELECT user_id FROM push_prefs WHERE site_id = $1 AND notices = 0 ORDER BY user_id"
        };
        let ids = sqlx::query_scalar(sql).bind(site_id).fetch_all(&self.pool).await?;
        Ok(ids)
    }

    /// Sets which pushes a login wants for a site.
    pub async fn set_push_prefs(
        &self,
        user_id: i64,
        site_id: i64,
        alarms: bool,
        notices: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO push_prefs (user_id, site_id, alarms, notices) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, site_id) DO UPDATE SET alarms = excluded.alarms, notices = excluded.notices",
        )
        .bind(user_id)
        .bind(site_id)
        .bind(i64::from(alarms))
        .bind(i64::from(notices))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds an invoice from the billing system, or, for a number already imported for the same
    /// site, takes its payment date (a later export marks it paid). `Ok(None)`: the number
    /// belongs to another site; nothing changed.
    pub async fn upsert_invoice(&self, i: &InvoiceRecord) -> Result<Option<i64>, StoreError> {
        let sql = format!("{INSERT_INVOICE} ON CONFLICT (number) DO UPDATE SET paid_on = excluded.paid_on WHERE invoices.site_id = excluded.site_id RETURNING id");
        Ok(bind_invoice(sqlx::query_scalar(&sql), i).fetch_optional(&self.pool).await?)
    }

    /// Adds an invoice; returns its id. A taken number is a [`StoreError::Conflict`].
    pub async fn add_invoice(&self, i: &InvoiceRecord) -> Result<i64, StoreError> {
        let sql = format!("{INSERT_INVOICE} RETURNING id");
        Ok(bind_invoice(sqlx::query_scalar(&sql), i).fetch_one(&self.pool).await?)
    }

    /// A site's invoices, newest first.
    pub async fn invoices(&self, site_id: i64) -> Result<Vec<InvoiceRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, site_id, number, issued_on, due_on, description, amount_cents, currency, paid_on \
             FROM invoices WHERE site_id = $1 ORDER BY issued_on DESC, id DESC",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InvoiceRecord {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    number: r.try_get("number")?,
                    issued_on: r.try_get("issued_on")?,
                    due_on: r.try_get("due_on")?,
                    description: r.try_get("description")?,
                    amount_cents: r.try_get("amount_cents")?,
                    currency: r.try_get("currency")?,
                    paid_on: r.try_get("paid_on")?,
                })
            })
            .collect()
    }

    /// Stores a service request; returns its id.
    pub async fn add_service_request(&self, r: &ServiceRequest) -> Result<i64, StoreError> {
        if !REQUEST_KINDS.contains(&r.kind.as_str()) {
            return Err(StoreError::Invalid(format!("unknown request kind {:?}", r.kind)));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO service_requests (site_id, user_id, kind, details, from_date, until_date, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) RETURNING id",
        )
        .bind(r.site_id)
        .bind(r.user_id)
        .bind(r.kind.as_str())
        .bind(r.details.as_str())
        .bind(r.from_date.as_deref())
        .bind(r.until_date.as_deref())
        .bind(r.created_at_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Service requests, newest first: a site's (`Some`) or every site's open ones (`None`).
    pub async fn service_requests(&self, site_id: Option<i64>) -> Result<Vec<ServiceRequest>, StoreError> {
        let rows = match site_id {
            Some(id) => {
                let sql = format!("{SELECT_REQUESTS} WHERE site_id = $1 ORDER BY id DESC");
                sqlx::query(&sql).bind(id).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("{SELECT_REQUESTS} WHERE status = 'open' ORDER BY id DESC");
                sqlx::query(&sql).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(request_from_row).collect()
    }

    /// Marks a service request done. Unknown request: [`StoreError::NotFound`].
    pub async fn close_service_request(&self, id: i64, at_ms: i64) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE service_requests SET status = 'done', updated_at = $1 WHERE id = $2")
            .bind(at_ms)
            .bind(id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("service request {id}"))
    }

    /// The secret stored under `name`, storing `make()`'s value first if there is none.
    /// Two nodes racing both end up with the first one stored.
    pub async fn secret_or_insert(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
        at_ms: i64,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO app_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(self.seal(&make()))
        .bind(at_ms)
        .execute(&self.pool)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        self.open_secret(&value)
    }

    /// Changes a contact's name and phone. Unknown contact: [`StoreError::NotFound`].
    pub async fn update_contact(&self, contact_id: i64, name: &str, phone: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE contacts SET name = $1, phone = $2 WHERE id = $3")
            .bind(name)
            .bind(phone)
            .bind(contact_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("contact {contact_id}"))
    }

    /// Marks a contact unavailable from `from_ms` (now if `None`) until `until_ms`, or
    /// available again when `until_ms` is `None`. Unknown contact: [`StoreError::NotFound`].
    pub async fn set_contact_away(
        &self,
        contact_id: i64,
        from_ms: Option<i64>,
        until_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let from_ms = until_ms.and(from_ms);
        let done = sqlx::query("UPDATE contacts SET unavailable_from = $1, unavailable_until = $2 WHERE id = $3")
            .bind(from_ms)
            .bind(until_ms)
            .bind(contact_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("contact {contact_id}"))
    }
}

fn command_from_row(r: &AnyRow) -> Result<PanelCommand, StoreError> {
    Ok(PanelCommand {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        command: r.try_get("command")?,
        user_id: r.try_get("user_id")?,
        user_name: r.try_get("display_name")?,
        requested_at_ms: r.try_get("requested_at")?,
        status: r.try_get("status")?,
        updated_at_ms: r.try_get("updated_at")?,
        detail: r.try_get("detail")?,
    })
}

fn request_from_row(r: &AnyRow) -> Result<ServiceRequest, StoreError> {
    Ok(ServiceRequest {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        user_id: r.try_get("user_id")?,
        kind: r.try_get("kind")?,
        details: r.try_get("details")?,
        from_date: r.try_get("from_date")?,
        until_date: r.try_get("until_date")?,
        status: r.try_get("status")?,
        created_at_ms: r.try_get("created_at")?,
    })
}
