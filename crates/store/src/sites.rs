//! Sites, panel accounts, zones, contacts and crews.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now_ms, AccountRecord, NewSite, SecretKey, SiteRecord, Store, StoreError, SITE_KINDS};

pub(crate) const SELECT_ACCOUNTS: &str = "SELECT a.id, a.number, a.site_id, s.name AS site_name, \
     s.time_zone, a.aes_key, a.allow_plain, a.plain_networks FROM accounts a JOIN sites s ON s.id = a.site_id";

/// Canonical form of a panel account number: trimmed, upper-case.
pub(crate) fn normalize_account(number: &str) -> String {
    number.trim().to_ascii_uppercase()
}

/// The canonical account number, or why it is not one (DC-09: 3–16 hex digits).
pub(crate) fn valid_account(number: &str) -> Result<String, StoreError> {
    let number = normalize_account(number);
    if !(3..=16).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Invalid(format!("account number {number:?} is not 3-16 hex digits")));
    }
    Ok(number)
}

/// Inserts a site through `executor`; returns its id.
async fn insert_site<'e, E>(executor: E, s: &NewSite, now: i64) -> Result<i64, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id = sqlx::query_scalar(
        "INSERT INTO sites (name, address, city, lat, lon, time_zone, owner_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.name.as_str())
    .bind(s.address.as_str())
    .bind(s.city.as_str())
    .bind(s.lat)
    .bind(s.lon)
    .bind(s.time_zone.as_str())
    .bind(s.owner_user_id)
    .bind(now)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

impl Store {
    /// Looks up a panel account (case-insensitive) with its site.
    pub async fn account(&self, number: &str) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("{SELECT_ACCOUNTS} WHERE a.number = $1");
        let row = sqlx::query(&sql).bind(normalize_account(number)).fetch_optional(&self.pool).await?;
        row.as_ref().map(|r| account_from_row(self, r)).transpose()
    }

    /// Records that the account was heard from at `at_ms` (never moves backwards).
    /// Unknown accounts are ignored.
    pub async fn touch_account(&self, number: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET last_seen_at = $1 \
             WHERE number = $2 AND (last_seen_at IS NULL OR last_seen_at < $1)",
        )
        .bind(at_ms)
        .bind(normalize_account(number))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When the account was last heard from, unix milliseconds.
    pub async fn account_last_seen(&self, number: &str) -> Result<Option<i64>, StoreError> {
        let seen: Option<Option<i64>> = sqlx::query_scalar("SELECT last_seen_at FROM accounts WHERE number = $1")
            .bind(normalize_account(number))
            .fetch_optional(&self.pool)
            .await?;
        Ok(seen.flatten())
    }

    /// Creates a site and returns its id.
    pub async fn create_site(&self, s: &NewSite) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_site(&mut *tx, s, now_ms()).await?;
        if let Some(owner) = s.owner_user_id {
            sqlx::query("INSERT INTO site_members (site_id, user_id, role) VALUES ($1, $2, 'owner')")
                .bind(id)
                .bind(owner)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a site with its panel account and contacts (in calling order) in one
    /// transaction: all or nothing. A taken account number is a [`StoreError::Conflict`].
    pub async fn import_site(
        &self,
        s: &NewSite,
        account: &str,
        contacts: &[(String, String)],
    ) -> Result<i64, StoreError> {
        let number = valid_account(account)?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let id = insert_site(&mut *tx, s, now).await?;
        sqlx::query("INSERT INTO accounts (number, site_id, created_at, updated_at) VALUES ($1, $2, $3, $3)")
            .bind(number)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (n, (name, phone)) in contacts.iter().enumerate() {
            sqlx::query("INSERT INTO contacts (site_id, position, name, phone) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(n as i64 + 1)
                .bind(name.as_str())
                .bind(phone.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a panel account (3–16 hex digits, stored upper-case) for a site, with no key
    /// and no supervised path. A number already in use is a [`StoreError::Conflict`].
    pub async fn create_account(&self, site_id: i64, number: &str) -> Result<i64, StoreError> {
        let number = valid_account(number)?;
        let now = now_ms();
        let id = sqlx::query_scalar(
            "INSERT INTO accounts (number, site_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             RETURNING id",
        )
        .bind(number)
        .bind(site_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Names zone `number` of a site; a duplicate number is a [`StoreError::Conflict`].
    pub async fn create_zone(&self, site_id: i64, number: i64, name: &str) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar("INSERT INTO zones (site_id, number, name) VALUES ($1, $2, $3) RETURNING id")
            .bind(site_id)
            .bind(number)
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// Adds a contact at `position` in the site's call list.
    pub async fn create_contact(
        &self,
        site_id: i64,
        position: i64,
        name: &str,
        phone: &str,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO contacts (site_id, position, name, phone) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(site_id)
        .bind(position)
        .bind(name)
        .bind(phone)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Creates a response crew.
    pub async fn create_crew(&self, name: &str, lat: f64, lon: f64, status: &str) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar("INSERT INTO crews (name, lat, lon, status) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(name)
            .bind(lat)
            .bind(lon)
            .bind(status)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// Number of sites.
    pub async fn count_sites(&self) -> Result<i64, StoreError> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM sites").fetch_one(&self.pool).await?;
        Ok(n)
    }

    /// Archived sites, by id.
    pub async fn archived_sites(&self) -> Result<Vec<SiteRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, address, city, lat, lon, time_zone, owner_user_id, created_at, kind, archived_at \
             FROM sites WHERE archived_at IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site_from_row).collect()
    }

    /// Every site's name, archived ones too (for the history).
    pub async fn site_names(&self) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM sites").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect()
    }

    /// Archives a site at `at_ms` (or with `None` brings it back). Unknown site:
    /// [`StoreError::NotFound`].
    pub async fn set_site_archived(&self, id: i64, at_ms: Option<i64>) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE sites SET archived_at = $1 WHERE id = $2")
            .bind(at_ms)
            .bind(id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("site {id}"))
    }

    /// The sites being monitored (not archived), by id.
    pub async fn list_sites(&self) -> Result<Vec<SiteRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, address, city, lat, lon, time_zone, owner_user_id, created_at, kind, archived_at \
             FROM sites WHERE archived_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site_from_row).collect()
    }

    /// Changes a site's name, address, position and time zone, and what it is (one of
    /// [`SITE_KINDS`]). Unknown site: [`StoreError::NotFound`].
    pub async fn update_site(&self, id: i64, s: &NewSite, kind: &str) -> Result<(), StoreError> {
        if !SITE_KINDS.contains(&kind) {
            return Err(StoreError::Invalid(format!("unknown site kind {kind:?}")));
        }
        let done = sqlx::query("UPDATE sites SET name = $1, address = $2, city = $3, lat = $4, lon = $5, time_zone = $6, kind = $7 WHERE id = $8")
            .bind(s.name.as_str())
            .bind(s.address.as_str())
            .bind(s.city.as_str())
            .bind(s.lat)
            .bind(s.lon)
            .bind(s.time_zone.as_str())
            .bind(kind)
            .bind(id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("site {id}"))
    }

    /// Renames a zone. Unknown zone: [`StoreError::NotFound`].
    pub async fn rename_zone(&self, site_id: i64, number: i64, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE zones SET name = $1 WHERE site_id = $2 AND number = $3")
            .bind(name)
            .bind(site_id)
            .bind(number)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("zone {number} of site {site_id}"))
    }

    /// Sets a zone's type (one of [`crate::ZONE_KINDS`], or none). Unknown zone:
    /// [`StoreError::NotFound`].
    pub async fn set_zone_kind(&self, site_id: i64, number: i64, kind: Option<&str>) -> Result<(), StoreError> {
        if let Some(k) = kind.filter(|k| !crate::ZONE_KINDS.contains(k)) {
            return Err(StoreError::Invalid(format!("zone type {k:?}")));
        }
        let done = sqlx::query("UPDATE zones SET kind = $1 WHERE site_id = $2 AND number = $3")
            .bind(kind)
            .bind(site_id)
            .bind(number)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("zone {number} of site {site_id}"))
    }

    /// A site's zone types by number (zones without a type left out).
    pub async fn zone_kinds(&self, site_id: i64) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let rows = sqlx::query("SELECT number, kind FROM zones WHERE site_id = $1 AND kind IS NOT NULL")
            .bind(site_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("number")?, r.try_get("kind")?))).collect()
    }

    /// Removes a zone's name (its signals then show the number only). Unknown zone:
    /// [`StoreError::NotFound`].
    pub async fn remove_zone(&self, site_id: i64, number: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM zones WHERE site_id = $1 AND number = $2")
            .bind(site_id)
            .bind(number)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("zone {number} of site {site_id}"))
    }

    /// One site by id.
    pub async fn site(&self, id: i64) -> Result<Option<SiteRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, address, city, lat, lon, time_zone, owner_user_id, created_at, kind, archived_at \
             FROM sites WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(site_from_row).transpose()
    }

    /// All panel accounts with their sites, by number.
    pub async fn list_accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        let sql = format!("{SELECT_ACCOUNTS} WHERE a.removed_at IS NULL ORDER BY a.number");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(|r| account_from_row(self, r)).collect()
    }

    /// A site's zones as `(number, name)`, by number.
    pub async fn zones(&self, site_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT number, name FROM zones WHERE site_id = $1 ORDER BY number")
            .bind(site_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("number")?, r.try_get("name")?))).collect()
    }

    /// Name of zone `number` at a site.
    pub async fn zone_name(&self, site_id: i64, number: i64) -> Result<Option<String>, StoreError> {
        let name = sqlx::query_scalar("SELECT name FROM zones WHERE site_id = $1 AND number = $2")
            .bind(site_id)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        Ok(name)
    }

    /// Ids of the sites a (customer) user owns or is a member of, ascending (archived ones
    /// left out).
    pub async fn site_ids_owned_by(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        let ids = sqlx::query_scalar(
            "SELECT id FROM sites WHERE owner_user_id = $1 AND archived_at IS NULL \
             UNION SELECT m.site_id FROM site_members m JOIN sites s ON s.id = m.site_id \
             WHERE m.user_id = $1 AND s.archived_at IS NULL ORDER BY 1",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }
}

pub(crate) fn account_from_row(store: &Store, row: &AnyRow) -> Result<AccountRecord, StoreError> {
    let key: Option<String> = row.try_get("aes_key")?;
    let key = key.map(|k| store.open_secret(&k)).transpose()?;
    Ok(AccountRecord {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        site_id: row.try_get("site_id")?,
        site_name: row.try_get("site_name")?,
        time_zone: row.try_get("time_zone")?,
        key: key.map(SecretKey::from_stored),
        allow_plain: row.try_get::<i64, _>("allow_plain")? != 0,
        plain_networks: split_networks(row.try_get("plain_networks")?),
    })
}

/// The stored comma-separated networks as a list.
fn split_networks(stored: Option<String>) -> Vec<String> {
    stored.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

fn site_from_row(row: &AnyRow) -> Result<SiteRecord, StoreError> {
    Ok(SiteRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        city: row.try_get("city")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        time_zone: row.try_get("time_zone")?,
        owner_user_id: row.try_get("owner_user_id")?,
        created_at_ms: row.try_get("created_at")?,
        kind: row.try_get("kind")?,
        archived_at_ms: row.try_get("archived_at")?,
    })
}
