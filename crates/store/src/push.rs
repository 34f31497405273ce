//! Users' Web Push subscriptions.

use sqlx::Row;

use crate::{PushSubscription, Store, StoreError};

/// Push subscriptions (browsers, phones) one user keeps at most.
pub const MAX_PUSH_SUBSCRIPTIONS: i64 = 10;

impl Store {
    /// Stores a subscription for a user and returns its id. The same user subscribing the
    /// same endpoint again replaces its keys and time, keeping its id; an endpoint another
    /// user holds is [`StoreError::Conflict`] (it is never taken over silently). A user
    /// keeps at most [`MAX_PUSH_SUBSCRIPTIONS`]: the oldest beyond go. Unknown user:
    /// [`StoreError::MissingReference`].
    pub async fn add_push_subscription(
        &self,
        user_id: i64,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (endpoint) DO UPDATE SET \
             p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at \
             WHERE push_subscriptions.user_id = excluded.user_id \
             RETURNING id",
        )
        .bind(user_id)
        .bind(endpoint)
        .bind(p256dh)
        .bind(auth)
        .bind(at_ms)
        .fetch_optional(&self.pool)
        .await?;
        let id = id.ok_or_else(|| StoreError::Conflict("this push endpoint belongs to another login".into()))?;
        sqlx::query(
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN \
             (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)",
        )
        .bind(user_id)
        .bind(MAX_PUSH_SUBSCRIPTIONS)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// The subscriptions of these users, by id; an empty slice matches nothing.
    pub async fn push_subscriptions_of_users(&self, user_ids: &[i64]) -> Result<Vec<PushSubscription>, StoreError> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=user_ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT id, user_id, endpoint, p256dh, auth, created_at FROM push_subscriptions \
             WHERE user_id IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in user_ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(PushSubscription {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    endpoint: row.try_get("endpoint")?,
                    p256dh: row.try_get("p256dh")?,
                    auth: row.try_get("auth")?,
                    created_at_ms: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Removes the subscription with this endpoint (e.g. when the push service reports it
    /// gone); removing an unknown endpoint is not an error.
    pub async fn remove_push_subscription(&self, endpoint: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1").bind(endpoint).execute(&self.pool).await?;
        Ok(())
    }
}
