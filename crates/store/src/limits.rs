//! Sign-in attempts by key, shared by every node on the database: each attempt is counted
//! before its password is checked, so concurrent guesses cannot slip past the count.

use sqlx::Row;

use crate::{Store, StoreError};

/// How attempts on one key are limited: `free` attempts, then a wait that doubles with each
/// further failure from `base_ms` up to `max_ms`. Failures older than `forget_ms` are
/// forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Attempts allowed before any wait.
    pub free: i64,
    /// The first wait, ms.
    pub base_ms: i64,
    /// The longest wait, ms.
    pub max_ms: i64,
    /// A key whose last attempt is older than this starts again from zero, ms.
    pub forget_ms: i64,
}

impl Backoff {
    /// How long the next attempt must wait after `failures` counted attempts.
    pub fn wait_ms(&self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = u32::try_from((failures - self.free).min(30)).unwrap_or(30);
        self.base_ms.saturating_mul(1_i64 << doublings).min(self.max_ms)
    }
}

impl Backoff {
    /// Until when the key waits after `failures` counted attempts made at `now_ms`: 0 (no
    /// wait) while attempts are free. (Not `now_ms`: a concurrent attempt stamped a moment
    /// earlier must not read that as a wait.)
    fn blocked_until(&self, failures: i64, now_ms: i64) -> i64 {
        match self.wait_ms(failures) {
            0 => 0,
            wait => now_ms + wait,
        }
    }
}

/// The answer to [`Store::reserve_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt may go ahead; it is already counted (the `failures`-th).
    Allowed {
        /// Attempts counted on the key, this one included.
        failures: i64,
    },
    /// The key must wait until then (unix ms).
    Blocked {
        /// When the key may try again.
        until_ms: i64,
    },
}

/// How often a reservation is retried when another one changed the key first.
const RESERVE_TRIES: usize = 64;

impl Store {
    /// Counts an attempt on `key` before it is made, unless the key must wait. The count is
    /// changed by compare-and-set, so two attempts at once never both see the same count.
    pub async fn reserve_attempt(&self, key: &str, now_ms: i64, backoff: &Backoff) -> Result<Attempt, StoreError> {
        for _ in 0..RESERVE_TRIES {
            let row = sqlx::query("SELECT failures, last_at, blocked_until FROM sign_in_limits WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else {
                let done = sqlx::query(
                    "INSERT INTO sign_in_limits (key, failures, last_at, blocked_until) VALUES ($1, 1, $2, $3) \
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind(key)
                .bind(now_ms)
                .bind(backoff.blocked_until(1, now_ms))
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 1 {
                    return Ok(Attempt::Allowed { failures: 1 });
                }
                continue;
            };
            let (failures, last_at, blocked_until): (i64, i64, i64) =
                (row.try_get("failures")?, row.try_get("last_at")?, row.try_get("blocked_until")?);
            if blocked_until > now_ms {
                return Ok(Attempt::Blocked { until_ms: blocked_until });
            }
            let counted = if last_at < now_ms - backoff.forget_ms { 1 } else { failures + 1 };
            let done = sqlx::query(
                "UPDATE sign_in_limits SET failures = $1, last_at = $2, blocked_until = $3 \
                 WHERE key = $4 AND failures = $5 AND last_at = $6",
            )
            .bind(counted)
            .bind(now_ms)
            .bind(backoff.blocked_until(counted, now_ms))
            .bind(key)
            .bind(failures)
            .bind(last_at)
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 1 {
                return Ok(Attempt::Allowed { failures: counted });
            }
        }
        // So many attempts at once on one key that it never got its turn: that is a flood.
        Ok(Attempt::Blocked { until_ms: now_ms + backoff.base_ms.max(1000) })
    }

    /// Forgets a key's attempts (after a successful sign-in).
    pub async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_limits WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    /// Takes back one counted attempt that turned out to be a success (an address's count:
    /// its other failures stay).
    pub async fn refund_attempt(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sign_in_limits SET failures = failures - 1 WHERE key = $1 AND failures > 0")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes the keys whose last attempt is before `before_ms` and that are not waiting;
    /// returns how many.
    pub async fn sweep_attempts(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sign_in_limits WHERE last_at < $1 AND blocked_until < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_after_the_free_attempts_up_to_the_most() {
        let b = Backoff { free: 5, base_ms: 30_000, max_ms: 900_000, forget_ms: 3_600_000 };
        assert_eq!(b.wait_ms(4), 0);
        assert_eq!(b.wait_ms(5), 30_000);
        assert_eq!(b.wait_ms(6), 60_000);
        assert_eq!(b.wait_ms(9), 480_000);
        assert_eq!(b.wait_ms(10), 900_000);
        assert_eq!(b.wait_ms(1_000), 900_000);
    }
}
