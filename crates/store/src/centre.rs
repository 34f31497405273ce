//! Settings of the whole centre, by name (the centre's action plans): JSON the caller
//! reads and writes.

use crate::{Store, StoreError};

impl Store {
    /// A centre setting's stored value, if it was ever set.
    pub async fn centre_setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT value FROM centre_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Sets a centre setting (written first, so no read races another writer).
    pub async fn put_centre_setting(&self, name: &str, value: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO centre_settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(value)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
