//! Photos a crew took at the site of an incident: bounded in size and in number, of three
//! image types recognised by their first bytes (not by what the sender says).

use sqlx::Row;

use crate::{Store, StoreError};

/// The largest photo kept, bytes.
pub const MAX_PHOTO_BYTES: usize = 4 * 1024 * 1024;
/// The most photos one incident keeps.
pub const MAX_PHOTOS_PER_INCIDENT: i64 = 20;

/// A stored photo, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoMeta {
    /// Photo id.
    pub id: i64,
    /// The incident.
    pub incident_id: i64,
    /// The crew that took it.
    pub crew_id: i64,
    /// When it was kept, unix ms.
    pub at_ms: i64,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub mime: String,
}

/// The image type of `bytes` from their signature: JPEG, PNG or WebP, else `None`.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

impl Store {
    /// Keeps a crew's photo for an incident; refuses what is not a JPEG, PNG or WebP image,
    /// what is larger than [`MAX_PHOTO_BYTES`], and more than [`MAX_PHOTOS_PER_INCIDENT`].
    pub async fn add_photo(&self, incident_id: i64, crew_id: i64, at_ms: i64, bytes: &[u8]) -> Result<i64, StoreError> {
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(StoreError::Invalid(format!("a photo is at most {} MB", MAX_PHOTO_BYTES / (1024 * 1024))));
        }
        let mime = image_type(bytes).ok_or_else(|| StoreError::Invalid("not a JPEG, PNG or WebP photo".into()))?;
        let mut tx = self.pool.begin().await?;
        // Written first, counted after: two uploads at once cannot both slip under the cap.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incident_photos (incident_id, crew_id, at, mime, bytes) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(incident_id)
        .bind(crew_id)
        .bind(at_ms)
        .bind(mime)
        .bind(bytes.to_vec())
        .fetch_one(&mut *tx)
        .await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incident_photos WHERE incident_id = $1")
            .bind(incident_id)
            .fetch_one(&mut *tx)
            .await?;
        if count > MAX_PHOTOS_PER_INCIDENT {
            tx.rollback().await?;
            return Err(StoreError::Conflict(format!("an incident keeps at most {MAX_PHOTOS_PER_INCIDENT} photos")));
        }
        tx.commit().await?;
        Ok(id)
    }

    /// An incident's photos, oldest first, without their bytes.
    pub async fn photos_of(&self, incident_id: i64) -> Result<Vec<PhotoMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, incident_id, crew_id, at, mime FROM incident_photos WHERE incident_id = $1 ORDER BY id",
        )
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PhotoMeta {
                    id: r.try_get("id")?,
                    incident_id: r.try_get("incident_id")?,
                    crew_id: r.try_get("crew_id")?,
                    at_ms: r.try_get("at")?,
                    mime: r.try_get("mime")?,
                })
            })
            .collect()
    }

    /// One photo of an incident: its type and bytes.
    pub async fn photo(&self, incident_id: i64, id: i64) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT mime, bytes FROM incident_photos WHERE incident_id = $1 AND id = $2")
            .bind(incident_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("mime")?, r.try_get("bytes")?))).transpose()
    }
}
