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

    /// Creates the first user, only while there is none (the set-up page and `vigil user
    /// add` on an empty database). `Ok(None)`: someone else was first.
    pub async fn create_first_user(&self, u: &NewUser) -> Result<Option<i64>, StoreError> {
        if !ROLES.contains(&u.role.as_str()) {
            return Err(StoreError::Invalid(format!("unknown role {:?}", u.role)));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, display_name, created_at) \
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
        )
        .bind(u.username.as_str())
        .bind(u.password_hash.as_str())
        .bind(u.role.as_str())
        .bind(u.display_name.as_str())
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    /// How many users there are (disabled ones too).
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
    }

    /// One user by id.
    pub async fn user(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT id, username, password_hash, role, display_name, disabled_at, must_change, phone, email FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Sets the language a login reads the pages in (`None`: the browser's).
    /// [`StoreError::NotFound`] for an unknown user.
    pub async fn set_user_language(&self, user_id: i64, language: Option<&str>) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(user_id)
            .bind(language)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        Ok(())
    }

    /// The language a login chose, if any.
    pub async fn user_language(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT language FROM users WHERE id = $1").bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.and_then(|r| r.try_get::<Option<String>, _>("language").ok().flatten()))
    }

    /// Replaces a user's password hash and ends their sessions (a reset locks out whoever
    /// knew the old one); `must_change`: they must choose their own at the next sign-in.
    /// [`StoreError::NotFound`] for an unknown user.
    pub async fn set_password(&self, user_id: i64, password_hash: &str, must_change: bool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET password_hash = $2, must_change = $3 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .bind(i64::from(must_change))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        self.end_sessions_of(user_id).await
    }

    /// Disables (`Some(at_ms)`) or enables (`None`) a user; disabling ends their sessions.
    /// The last enabled administrator cannot be disabled ([`StoreError::Conflict`]): nobody
    /// could then manage the centre.
    pub async fn set_user_disabled(&self, user_id: i64, at_ms: Option<i64>) -> Result<(), StoreError> {
        self.user(user_id).await?.ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))?;
        let done = sqlx::query(
            "UPDATE users SET disabled_at = $2 WHERE id = $1 AND ($2 IS NULL OR role <> 'admin' \
             OR EXISTS (SELECT 1 FROM users o WHERE o.role = 'admin' AND o.disabled_at IS NULL AND o.id <> $1))",
        )
        .bind(user_id)
        .bind(at_ms)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("the last administrator cannot be disabled".into()));
        }
        if at_ms.is_some() {
            self.end_sessions_of(user_id).await?;
        }
        Ok(())
    }

    /// Gives a user another role and ends their sessions (pages open under the old role
    /// must not keep its rights). The last enabled administrator keeps the role
    /// ([`StoreError::Conflict`]).
    pub async fn set_user_role(&self, user_id: i64, role: &str) -> Result<(), StoreError> {
        if !ROLES.contains(&role) {
            return Err(StoreError::Invalid(format!("unknown role {role:?}")));
        }
        self.user(user_id).await?.ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))?;
        let done = sqlx::query(
            "UPDATE users SET role = $2 WHERE id = $1 AND ($2 = 'admin' OR role <> 'admin' OR disabled_at IS NOT NULL \
             OR EXISTS (SELECT 1 FROM users o WHERE o.role = 'admin' AND o.disabled_at IS NULL AND o.id <> $1))",
        )
        .bind(user_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("the last administrator keeps the role".into()));
        }
        self.end_sessions_of(user_id).await
    }

    /// Sets where a member of staff is alerted (`None`: not by that channel).
    /// [`StoreError::NotFound`] for an unknown user.
    pub async fn set_user_contact(
        &self,
        user_id: i64,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET phone = $2, email = $3 WHERE id = $1")
            .bind(user_id)
            .bind(phone)
            .bind(email)
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("user {user_id}"))
    }

    async fn end_sessions_of(&self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
        Ok(())
    }

    /// Looks a user up by exact username.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, display_name, disabled_at, must_change, phone, email FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by id.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, username, password_hash, role, display_name, disabled_at, must_change, phone, email FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Users with a session still valid at `now_ms` (signed in, so on shift), by id.
    pub async fn signed_in_users(&self, now_ms: i64) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, password_hash, role, display_name, disabled_at, must_change, phone, email FROM users \
             WHERE disabled_at IS NULL AND id IN (SELECT user_id FROM sessions WHERE expires_at > $1) ORDER BY id",
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
    pub async fn session_user(&self, token_hash: &str, now_ms: i64) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.password_hash, u.role, u.display_name, u.disabled_at, u.must_change, u.phone, u.email \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Ends a session (logout). Missing sessions are ignored.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// Removes sessions expired at `now_ms`; returns how many.
    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(&self.pool).await?;
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
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        must_change: row.try_get::<i64, _>("must_change")? != 0,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
    })
}
