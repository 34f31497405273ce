//! Panel accounts as the receiver needs them: AES keys and supervised paths.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::sites::{account_from_row, valid_account, SELECT_ACCOUNTS};
use crate::{now_ms, AccountRecord, PathRecord, PathSpec, SecretKey, Store, StoreError};

const SELECT_PATHS: &str = "SELECT p.id, p.account_id, a.number AS account_number, a.site_id, \
     p.line, p.name, p.interval_ms, p.grace_ms, p.last_seen_at, p.deadline_at, p.failed, p.active \
     FROM account_paths p JOIN accounts a ON a.id = p.account_id";

impl Store {
    /// Sets or clears an account's AES key. Unknown account: [`StoreError::NotFound`].
    pub async fn set_account_key(&self, number: &str, key: Option<&SecretKey>) -> Result<(), StoreError> {
        let number = valid_account(number)?;
        let done = sqlx::query("UPDATE accounts SET aes_key = $1, updated_at = $2 WHERE number = $3")
            .bind(key.map(|k| self.seal(k.expose_hex())))
            .bind(now_ms())
            .bind(number.as_str())
            .execute(&self.pool)
            .await?;
        crate::changed(&done, || format!("account {number}"))
    }

    /// Sets whether a keyed account still takes plain frames, and from which source networks
    /// (CIDR, such as `10.1.0.0/16` or `192.0.2.7/32`; empty: any). A network that is not
    /// CIDR is [`StoreError::Invalid`]; an unknown account [`StoreError::NotFound`].
    pub async fn set_account_plain_policy(
        &self,
        number: &str,
        allow_plain: bool,
        networks: &[String],
    ) -> Result<(), StoreError> {
        let number = valid_account(number)?;
        let networks = valid_networks(networks)?;
        let done =
            sqlx::query("UPDATE accounts SET allow_plain = $1, plain_networks = $2, updated_at = $3 WHERE number = $4")
                .bind(i64::from(allow_plain))
                .bind((!networks.is_empty()).then(|| networks.join(",")))
                .bind(now_ms())
                .bind(number.as_str())
                .execute(&self.pool)
                .await?;
        crate::changed(&done, || format!("account {number}"))
    }

    /// Replaces an account's supervised paths. A path whose line is kept keeps its state
    /// (last sign, failure) and takes the new interval; a new path is due one interval plus
    /// grace from now; a dropped path is deactivated.
    pub async fn set_account_paths(&self, number: &str, paths: &[PathSpec]) -> Result<Vec<PathRecord>, StoreError> {
        let account = self.account(number).await?.ok_or_else(|| StoreError::NotFound(format!("account {number}")))?;
        for p in paths {
            p.validate()?;
        }
        let mut tx = self.pool.begin().await?;
        write_paths(&mut tx, account.id, paths, now_ms()).await?;
        tx.commit().await?;
        self.account_paths(account.id).await
    }

    /// The active supervised paths of an account, by line.
    pub async fn account_paths(&self, account_id: i64) -> Result<Vec<PathRecord>, StoreError> {
        let sql = format!("{SELECT_PATHS} WHERE p.account_id = $1 AND p.active = 1 ORDER BY p.line");
        let rows = sqlx::query(&sql).bind(account_id).fetch_all(&self.pool).await?;
        rows.iter().map(path_from_row).collect()
    }

    /// Every active supervised path (the supervisor's state at start).
    pub async fn active_paths(&self) -> Result<Vec<PathRecord>, StoreError> {
        let sql = format!("{SELECT_PATHS} WHERE p.active = 1");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(path_from_row).collect()
    }

    /// Paths (active or not) configured at or after `since_ms`: changes made by another
    /// process, such as `vigil account`.
    pub async fn paths_changed_since(&self, since_ms: i64) -> Result<Vec<PathRecord>, StoreError> {
        let sql = format!("{SELECT_PATHS} WHERE p.updated_at >= $1");
        let rows = sqlx::query(&sql).bind(since_ms).fetch_all(&self.pool).await?;
        rows.iter().map(path_from_row).collect()
    }

    /// Creates many accounts on one site in one transaction, each with the same key and
    /// paths (provisioning, load tests). All or none.
    pub async fn create_accounts_bulk(
        &self,
        site_id: i64,
        numbers: &[String],
        key: Option<&SecretKey>,
        paths: &[PathSpec],
    ) -> Result<Vec<i64>, StoreError> {
        for p in paths {
            p.validate()?;
        }
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(numbers.len());
        for number in numbers {
            let number = valid_account(number)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (number, site_id, created_at, updated_at, aes_key) \
                 VALUES ($1, $2, $3, $3, $4) RETURNING id",
            )
            .bind(number)
            .bind(site_id)
            .bind(now)
            .bind(key.map(|k| self.seal(k.expose_hex())))
            .fetch_one(&mut *tx)
            .await?;
            write_paths(&mut tx, id, paths, now).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Removes an account from its site: its paths stop being supervised (the supervisor
    /// reads them as deactivated), its key is forgotten, and its number is free for a new
    /// account. The row stays, renamed `NUMBER~ID` (no panel can send that), so what was
    /// stored under it keeps its site. Returns the account as it was.
    pub async fn remove_account(&self, number: &str) -> Result<AccountRecord, StoreError> {
        let account =
            self.account(number).await?.ok_or_else(|| StoreError::NotFound(format!("account {}", number.trim())))?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE accounts SET number = $1, aes_key = NULL, removed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(format!("{}~{}", account.number, account.id))
            .bind(now)
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE account_paths SET active = 0, updated_at = $1 WHERE account_id = $2 AND active = 1")
            .bind(now)
            .bind(account.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Accounts by number, at most `limit` after `after` (paging), with their sites.
    pub async fn list_accounts_page(&self, after: Option<&str>, limit: i64) -> Result<Vec<AccountRecord>, StoreError> {
        let sql = format!("{SELECT_ACCOUNTS} WHERE a.removed_at IS NULL AND a.number > $1 ORDER BY a.number LIMIT $2");
        let rows =
            sqlx::query(&sql).bind(after.unwrap_or("")).bind(crate::clamp_limit(limit)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| account_from_row(self, r)).collect()
    }
}

/// The networks in canonical CIDR form, or which one is not a network. At most 32.
pub fn valid_networks(networks: &[String]) -> Result<Vec<String>, StoreError> {
    if networks.len() > 32 {
        return Err(StoreError::Invalid("at most 32 networks".into()));
    }
    networks
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            let net = n.parse::<ipnet::IpNet>().or_else(|_| n.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            net.map(|net| net.trunc().to_string())
                .map_err(|_| StoreError::Invalid(format!("{n:?} is not a network such as 192.0.2.0/24")))
        })
        .collect()
}

async fn write_paths(
    tx: &mut sqlx::Transaction<'_, Any>,
    account_id: i64,
    paths: &[PathSpec],
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE account_paths SET active = 0, updated_at = $1 WHERE account_id = $2")
        .bind(now)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    for p in paths {
        upsert_path(&mut **tx, account_id, p, now).await?;
    }
    Ok(())
}

async fn upsert_path<'e, E>(executor: E, account_id: i64, p: &PathSpec, now: i64) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO account_paths (account_id, line, name, interval_ms, grace_ms, deadline_at, \
         failed, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $7) \
         ON CONFLICT (account_id, line) DO UPDATE SET name = excluded.name, \
         interval_ms = excluded.interval_ms, grace_ms = excluded.grace_ms, active = 1, \
         updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(p.line.to_ascii_uppercase())
    .bind(p.name.as_str())
    .bind(p.interval_ms)
    .bind(p.grace_ms)
    .bind(now + p.interval_ms + p.grace_ms)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

pub(crate) fn path_from_row(row: &AnyRow) -> Result<PathRecord, StoreError> {
    Ok(PathRecord {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        account_number: row.try_get("account_number")?,
        site_id: row.try_get("site_id")?,
        line: row.try_get("line")?,
        name: row.try_get("name")?,
        interval_ms: row.try_get("interval_ms")?,
        grace_ms: row.try_get("grace_ms")?,
        last_seen_ms: row.try_get("last_seen_at")?,
        deadline_ms: row.try_get("deadline_at")?,
        failed: row.try_get::<i64, _>("failed")? != 0,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}
