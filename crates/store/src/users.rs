//! Users and login sessions. Only hashes are stored; hashing is the caller's job.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now_ms, NewUser, Store, StoreError, UserRecord, ROLES};

impl Store {
    /// Creates a user. A taken username is a [`StoreError::Conflict`]; a role
    /// outside [`ROLES`] is [`StoreError::Invalid`].
    pub async fn create_user(&self, u: &NewUser) -> Result<i64, StoreError> {
        if !ROLES.contains(&u.role.as_str()) {
            return Err(StoreError::Invalid(format!("unknown role {:?}", u.role)));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, display_name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(u.username.as_str())
        .bind(u.password_hash.as_str())
        .bind(u.role.as_str())
        .bind(u.display_name.as_str())
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Looks a user up by exact username.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, display_name FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by id.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, username, password_hash, role, display_name FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Users with a session still valid at `now_ms` (signed in, so on shift), by id.
    pub async fn signed_in_users(&self, now_ms: i64) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, password_hash, role, display_name FROM users \
             WHERE id IN (SELECT user_id FROM sessions WHERE expires_at > $1) ORDER BY id",
        )
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Stores a session for `user_id`, valid until `expires_ms`.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms)
        .bind(expires_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user of a session that exists and has not expired at `now_ms`.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.password_hash, u.role, u.display_name \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Ends a session (logout). Missing sessions are ignored.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sessions expired at `now_ms`; returns how many.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

fn user_from_row(row: &AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        display_name: row.try_get("display_name")?,
    })
}
