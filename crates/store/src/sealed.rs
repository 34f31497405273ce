//! Secrets at rest: panel AES keys and the VAPID private key are stored sealed with a
//! key-encryption key (AES-256-GCM, a random nonce per value) when the store is given one,
//! so a copy of the database or of a backup does not hold them in the clear. A sealed value
//! is `sealed:v1:` followed by base64 of nonce and ciphertext; a plain value (written before
//! the key was configured) is read as it is and sealed by [`Store::seal_plain_secrets`].

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore;
use sqlx::Row;

use crate::{Store, StoreError};

/// The prefix of a sealed value.
const SEALED: &str = "sealed:v1:";

/// The key-encryption key: 32 bytes. Never printed.
#[derive(Clone)]
pub struct SecretsKey(Aes256Gcm);

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretsKey(<redacted>)")
    }
}

impl SecretsKey {
    /// The key from 64 hex digits (surrounding white space ignored), as `openssl rand -hex
    /// 32` writes it.
    pub fn from_hex(text: &str) -> Result<SecretsKey, StoreError> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid("the secrets key must be 64 hex digits (32 bytes)".into()));
        }
        let bytes: Vec<u8> =
            (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or_default()).collect();
        Aes256Gcm::new_from_slice(&bytes).map(SecretsKey).map_err(|_| StoreError::Invalid("bad secrets key".into()))
    }

    /// `plain`, sealed.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self.0.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{SEALED}{}", STANDARD.encode(out))
    }

    /// A sealed value opened (a plain one is returned as it is).
    pub fn open(&self, stored: &str) -> Result<String, StoreError> {
        let Some(body) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_owned());
        };
        let bytes = STANDARD.decode(body).map_err(|_| wrong_key())?;
        if bytes.len() < 12 {
            return Err(wrong_key());
        }
        let plain = self.0.decrypt(Nonce::from_slice(&bytes[..12]), &bytes[12..]).map_err(|_| wrong_key())?;
        String::from_utf8(plain).map_err(|_| wrong_key())
    }
}

fn wrong_key() -> StoreError {
    StoreError::Invalid("a stored secret cannot be opened: wrong secrets key".into())
}

/// Whether a stored value is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED)
}

impl Store {
    /// This store, sealing the secrets it writes and opening those it reads with `key`.
    pub fn with_secrets_key(mut self, key: SecretsKey) -> Store {
        self.secrets = Some(std::sync::Arc::new(key));
        self
    }

    /// A secret as it is to be stored: sealed when a key is set.
    pub(crate) fn seal(&self, plain: &str) -> String {
        match &self.secrets {
            Some(key) => key.seal(plain),
            None => plain.to_owned(),
        }
    }

    /// A stored secret opened. A sealed one without a key is an error.
    pub(crate) fn open_secret(&self, stored: &str) -> Result<String, StoreError> {
        match (&self.secrets, is_sealed(stored)) {
            (Some(key), _) => key.open(stored),
            (None, false) => Ok(stored.to_owned()),
            (None, true) => Err(StoreError::Invalid(
                "the database holds sealed secrets: give the secrets key (--secrets-key-file)".into(),
            )),
        }
    }

    /// Seals every secret still stored in the clear (panel keys, the VAPID key) and checks
    /// that the sealed ones open with this key; returns how many were sealed now. Without a
    /// key: checks that nothing is sealed.
    pub async fn seal_plain_secrets(&self) -> Result<u64, StoreError> {
        let mut sealed = 0;
        let rows =
            sqlx::query("SELECT id, aes_key FROM accounts WHERE aes_key IS NOT NULL").fetch_all(&self.pool).await?;
        for row in rows {
            let (id, value): (i64, String) = (row.try_get("id")?, row.try_get("aes_key")?);
            self.open_secret(&value)?;
            if self.secrets.is_some() && !is_sealed(&value) {
                sqlx::query("UPDATE accounts SET aes_key = $1 WHERE id = $2")
                    .bind(self.seal(&value))
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                sealed += 1;
            }
        }
        let rows = sqlx::query("SELECT name, value FROM app_secrets").fetch_all(&self.pool).await?;
        for row in rows {
            let (name, value): (String, String) = (row.try_get("name")?, row.try_get("value")?);
            self.open_secret(&value)?;
            if self.secrets.is_some() && !is_sealed(&value) {
                sqlx::query("UPDATE app_secrets SET value = $1 WHERE name = $2")
                    .bind(self.seal(&value))
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                sealed += 1;
            }
        }
        Ok(sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key() {
        let key = SecretsKey::from_hex(&"ab".repeat(32)).unwrap();
        let sealed = key.seal("000102030405060708090a0b0c0d0e0f");
        assert!(is_sealed(&sealed) && !sealed.contains("0001020304"));
        assert_ne!(sealed, key.seal("000102030405060708090a0b0c0d0e0f"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), "000102030405060708090a0b0c0d0e0f");
        let other = SecretsKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(other.open(&sealed).is_err());
        assert_eq!(key.open("plain").unwrap(), "plain");
        assert!(SecretsKey::from_hex("abcd").is_err());
        assert!(!format!("{key:?}").contains("ab"));
    }
}
