//! The key that seals secrets at rest (panel AES keys, the VAPID key): read from a file or
//! the environment, never from the argument list, and never logged.

use std::path::PathBuf;

use clap::Args;
use store::{SecretsKey, Store, StoreError};

/// Where the secrets key comes from.
#[derive(Debug, Clone, Default, Args)]
pub struct SecretsArgs {
    /// File holding the secrets key, 64 hex digits (`openssl rand -hex 32 > FILE`; keep it
    /// apart from the database and its backups). Or give the digits in the environment as
    /// VIGIL_SECRETS_KEY. With a key, panel keys and the VAPID key are stored sealed, and
    /// those stored in the clear are sealed at start.
    #[arg(long, env = "VIGIL_SECRETS_KEY_FILE", global = true)]
    pub secrets_key_file: Option<PathBuf>,
}

/// Why the secrets key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The file could not be read.
    #[error("cannot read the secrets key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a key.
    #[error(transparent)]
    Invalid(#[from] StoreError),
}

impl SecretsArgs {
    /// The key, if one is configured: the file, else `VIGIL_SECRETS_KEY`.
    pub fn load(&self) -> Result<Option<SecretsKey>, SecretsError> {
        let text = match &self.secrets_key_file {
            Some(path) => {
                std::fs::read_to_string(path).map_err(|source| SecretsError::Read { path: path.clone(), source })?
            }
            None => match std::env::var("VIGIL_SECRETS_KEY") {
                Ok(text) if !text.trim().is_empty() => text,
                _ => return Ok(None),
            },
        };
        Ok(Some(SecretsKey::from_hex(&text)?))
    }
}

/// Opens the store with the secrets key, if any, and seals what is still in the clear. A
/// database with sealed secrets and no key (or another key) does not open.
pub async fn open_store(url: &str, key: Option<SecretsKey>, migrate: bool) -> Result<Store, StoreError> {
    let store = if migrate { Store::connect(url).await? } else { Store::connect_current(url).await? };
    let store = match key {
        Some(key) => store.with_secrets_key(key),
        None => store,
    };
    let sealed = store.seal_plain_secrets().await?;
    if sealed > 0 {
        tracing::info!(sealed, "secrets stored in the clear are now sealed");
    }
    Ok(store)
}
