//! Sites' call lists: contacts' order, e-mail, login, password and availability.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{ContactCard, ContactRecord, Store, StoreError};

const SELECT_CONTACTS: &str = "SELECT id, site_id, position, name, phone, email, \
     CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password, user_id, \
     unavailable_from, unavailable_until, sms, language FROM contacts";

impl Store {
    /// A site's contacts in call order (position, then id).
    pub async fn contacts(&self, site_id: i64) -> Result<Vec<ContactRecord>, StoreError> {
        let sql = format!("{SELECT_CONTACTS} WHERE site_id = $1 ORDER BY position, id");
        let rows = sqlx::query(&sql).bind(site_id).fetch_all(&self.pool).await?;
        rows.iter().map(contact_from_row).collect()
    }

    /// Every contact, by site and call order.
    pub async fn all_contacts(&self) -> Result<Vec<ContactRecord>, StoreError> {
        let sql = format!("{SELECT_CONTACTS} ORDER BY site_id, position, id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(contact_from_row).collect()
    }

    /// Changes a contact's name, phone, e-mail, language and whether alarms reach them by
    /// SMS. A contact of another site: [`StoreError::NotFound`].
    pub async fn update_contact_card(&self, site_id: i64, contact_id: i64, c: &ContactCard) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE contacts SET name = $1, phone = $2, email = $3, language = $4, sms = $5 WHERE id = $6 AND site_id = $7")
            .bind(c.name.as_str())
            .bind(c.phone.as_str())
            .bind(c.email.as_deref())
            .bind(c.language.as_deref())
            .bind(i64::from(c.sms))
            .bind(contact_id)
            .bind(site_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("contact {contact_id} of site {site_id}"))
    }

    /// Adds a contact at the end of a site's call list; returns its id.
    pub async fn add_contact(&self, site_id: i64, c: &ContactCard) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO contacts (site_id, position, name, phone, email, language, sms) \
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM contacts WHERE site_id = $1), $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(site_id)
        .bind(c.name.as_str())
        .bind(c.phone.as_str())
        .bind(c.email.as_deref())
        .bind(c.language.as_deref())
        .bind(i64::from(c.sms))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Removes a contact from a site's call list (journals keep the name they wrote).
    /// A contact of another site: [`StoreError::NotFound`].
    pub async fn remove_contact(&self, site_id: i64, contact_id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM contacts WHERE id = $1 AND site_id = $2")
            .bind(contact_id)
            .bind(site_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("contact {contact_id} of site {site_id}"))
    }

    /// Password hashes of a site's contacts that have one: (contact id, hash), by call order.
    pub async fn contact_password_hashes(&self, site_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT id, password_hash FROM contacts \
             WHERE site_id = $1 AND password_hash IS NOT NULL ORDER BY position, id",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Sets or clears a contact's password hash (the caller hashes). Unknown contact:
    /// [`StoreError::NotFound`].
    pub async fn set_contact_password(&self, contact_id: i64, hash: Option<&str>) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE contacts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(contact_id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), contact_id)
    }

    /// Sets a contact's e-mail address and user. Unknown contact: [`StoreError::NotFound`];
    /// unknown user: [`StoreError::MissingReference`].
    pub async fn set_contact_details(
        &self,
        contact_id: i64,
        email: Option<&str>,
        user_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE contacts SET email = $1, user_id = $2 WHERE id = $3")
            .bind(email)
            .bind(user_id)
            .bind(contact_id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), contact_id)
    }

    /// Marks a contact unavailable until `until_ms`, or available again with `None`.
    /// Unknown contact: [`StoreError::NotFound`].
    pub async fn set_contact_unavailable(&self, contact_id: i64, until_ms: Option<i64>) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE contacts SET unavailable_until = $1 WHERE id = $2")
            .bind(until_ms)
            .bind(contact_id)
            .execute(&self.pool)
            .await?;
        found(done.rows_affected(), contact_id)
    }

    /// Renumbers a site's call list: `ordered_ids[0]` gets position 1 and so on, in one
    /// transaction. The ids must be exactly the site's contacts, each once, otherwise
    /// nothing changes and the result is [`StoreError::Invalid`].
    pub async fn reorder_contacts(&self, site_id: i64, ordered_ids: &[i64]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Write first: on SQLite a transaction that reads and then writes fails at once
        // (SQLITE_BUSY_SNAPSHOT) if another writer committed in between; taking the write
        // lock first makes it wait its turn instead.
        sqlx::query("UPDATE contacts SET position = position WHERE site_id = $1")
            .bind(site_id)
            .execute(&mut *tx)
            .await?;
        let mut current: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM contacts WHERE site_id = $1").bind(site_id).fetch_all(&mut *tx).await?;
        let mut wanted = ordered_ids.to_vec();
        current.sort_unstable();
        wanted.sort_unstable();
        if current != wanted {
            return Err(StoreError::Invalid(format!(
                "contact ids {ordered_ids:?} are not exactly the contacts of site {site_id}"
            )));
        }
        for (position, id) in (1_i64..).zip(ordered_ids) {
            sqlx::query("UPDATE contacts SET position = $1 WHERE id = $2")
                .bind(position)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn found(rows_affected: u64, contact_id: i64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        return Err(StoreError::NotFound(format!("contact {contact_id}")));
    }
    Ok(())
}

fn contact_from_row(row: &AnyRow) -> Result<ContactRecord, StoreError> {
    Ok(ContactRecord {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        position: row.try_get("position")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        has_password: row.try_get::<i64, _>("has_password")? != 0,
        user_id: row.try_get("user_id")?,
        unavailable_from_ms: row.try_get("unavailable_from")?,
        unavailable_until_ms: row.try_get("unavailable_until")?,
        sms: row.try_get::<i64, _>("sms")? != 0,
        language: row.try_get("language")?,
    })
}
