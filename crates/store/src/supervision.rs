//! Persisting link supervision: path states and the signals their transitions raise,
//! written together so a restart sees exactly what was raised.

use crate::signals::insert;
use crate::write_gate::Priority;
use crate::{NewSignal, PathUpdate, Store, StoreError};

impl Store {
    /// Saves path states and the signals raised by their transitions in one transaction;
    /// returns the signals' ids. With `fence`, refused whole unless that is still the
    /// engine lease's token ([`StoreError::Fenced`]).
    pub async fn save_supervision(
        &self,
        updates: &[PathUpdate],
        signals: &[NewSignal],
        fence: Option<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        if updates.is_empty() && signals.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write(Priority::Signals).await?;
        for u in updates {
            sqlx::query("UPDATE account_paths SET last_seen_at = $1, deadline_at = $2, failed = $3 WHERE id = $4")
                .bind(u.last_seen_ms)
                .bind(u.deadline_ms)
                .bind(i64::from(u.failed))
                .bind(u.id)
                .execute(&mut *tx)
                .await?;
        }
        let mut ids = Vec::with_capacity(signals.len());
        for s in signals {
            ids.push(insert(&mut *tx, s).await?);
        }
        if let Some(token) = fence {
            crate::cluster::fence(&mut *tx, token).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }
}
