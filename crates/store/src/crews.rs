//! Response crews' run-time state: position, status, shift and the user on the device.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::{opt_real, CrewRecord, CrewUpdate, Store, StoreError};

/// The columns of a [`CrewRecord`], and the device key's hash.
const SELECT_CREWS: &str = "SELECT id, name, lat, lon, status, heading, on_shift, user_id, updated_at, device_id, \
     device_key_hash FROM crews";

fn crew_from_row(row: &AnyRow) -> Result<CrewRecord, StoreError> {
    Ok(CrewRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        status: row.try_get("status")?,
        heading: row.try_get("heading")?,
        on_shift: row.try_get::<i64, _>("on_shift")? != 0,
        user_id: row.try_get("user_id")?,
        updated_at_ms: row.try_get("updated_at")?,
        device_id: row.try_get("device_id")?,
    })
}

impl Store {
    /// Every crew with its state, by id.
    pub async fn list_crews(&self) -> Result<Vec<CrewRecord>, StoreError> {
        let rows = sqlx::query(&format!("{SELECT_CREWS} ORDER BY id")).fetch_all(&self.pool).await?;
        rows.iter().map(crew_from_row).collect()
    }

    /// Stores a crew's new state. Unknown crew: [`StoreError::NotFound`].
    pub async fn update_crew(&self, u: &CrewUpdate) -> Result<(), StoreError> {
        write_crew(&self.pool, u).await
    }

    /// Sets or clears the tracking-app device id a crew's positions arrive under. A device id
    /// used by another crew: [`StoreError::Conflict`]; unknown crew: [`StoreError::NotFound`].
    pub async fn set_crew_device(&self, crew_id: i64, device_id: Option<&str>) -> Result<(), StoreError> {
        self.set_crew_text("UPDATE crews SET device_id = $1 WHERE id = $2", crew_id, device_id).await
    }

    /// Sets or clears the SHA-256 (hex) of the key a crew's tracking device must carry.
    /// Unknown crew: [`StoreError::NotFound`].
    pub async fn set_crew_device_key(&self, crew_id: i64, key_hash: Option<&str>) -> Result<(), StoreError> {
        self.set_crew_text("UPDATE crews SET device_key_hash = $1 WHERE id = $2", crew_id, key_hash).await
    }

    /// Runs an update of one text column of a crew (`$1` the value, `$2` the crew).
    async fn set_crew_text(&self, sql: &str, crew_id: i64, value: Option<&str>) -> Result<(), StoreError> {
        let done = sqlx::query(sql).bind(value).bind(crew_id).execute(&self.pool).await?;
        crate::changed(&done, || format!("crew {crew_id}"))
    }

    /// The crew a tracking device id belongs to, with the SHA-256 (hex) of its device key.
    pub async fn crew_by_device(&self, device_id: &str) -> Result<Option<(CrewRecord, Option<String>)>, StoreError> {
        let row = sqlx::query(&format!("{SELECT_CREWS} WHERE device_id = $1"))
            .bind(device_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((crew_from_row(&r)?, r.try_get("device_key_hash")?))).transpose()
    }

    /// Renames a crew and puts it at its base (where it waits while it sends no position).
    /// Unknown crew: [`StoreError::NotFound`].
    pub async fn set_crew_base(&self, crew_id: i64, name: &str, lat: f64, lon: f64) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE crews SET name = $1, lat = $2, lon = $3 WHERE id = $4")
            .bind(name)
            .bind(lat)
            .bind(lon)
            .bind(crew_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("crew {crew_id}"))
    }

    /// Sets or clears the user a crew logs in as. Unknown crew: [`StoreError::NotFound`];
    /// unknown user: [`StoreError::MissingReference`].
    pub async fn set_crew_user(&self, crew_id: i64, user_id: Option<i64>) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE crews SET user_id = $1 WHERE id = $2")
            .bind(user_id)
            .bind(crew_id)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("crew {crew_id}"))
    }
}

/// Writes a crew's state through `executor`; [`StoreError::NotFound`] if there is no such crew.
pub(crate) async fn write_crew<'e, E>(executor: E, u: &CrewUpdate) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (heading, heading_set) = opt_real(u.heading);
    let done = sqlx::query(
        "UPDATE crews SET lat = $1, lon = $2, status = $3, \
         heading = CASE WHEN $8 = 1 THEN $4 END, on_shift = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(u.lat)
    .bind(u.lon)
    .bind(u.status.as_str())
    .bind(heading)
    .bind(i64::from(u.on_shift))
    .bind(u.at_ms)
    .bind(u.id)
    .bind(heading_set)
    .execute(executor)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("crew {}", u.id)));
    }
    Ok(())
}
