//! Error types.

use thiserror::Error;

use crate::Channel;

/// An error in configuration, keys or message encoding. It never carries a secret.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NotifyError {
    /// A channel's configuration is unusable (bad address, bad URL, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A key is malformed (bad base64url, not a P-256 scalar or point, wrong length).
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// The browser push subscription JSON is malformed.
    #[error("invalid push subscription: {0}")]
    InvalidSubscription(String),
    /// The payload is too large for one aes128gcm record.
    #[error("payload too large: {len} bytes, at most {max}")]
    PayloadTooLarge {
        /// The plaintext length.
        len: usize,
        /// The largest plaintext that fits.
        max: usize,
    },
    /// An aes128gcm body could not be decrypted (malformed header or failed authentication).
    #[error("cannot decrypt: {0}")]
    Decrypt(&'static str),
    /// A VAPID `Authorization` header failed verification.
    #[error("invalid VAPID authorization: {0}")]
    Vapid(String),
}

/// Why a send failed, and whether trying again later may help.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The message's channel has no configuration. Permanent.
    #[error("channel {0} is not configured")]
    NotConfigured(Channel),
    /// The message cannot be delivered as it is (bad recipient, rejected by the
    /// server, subscription gone). Do not retry.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// A transient failure (connection error, timeout, 5xx, 429). Retry later.
    #[error("retryable failure: {0}")]
    Retryable(String),
}

impl SendError {
    /// Whether the outbox should try this message again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Retryable(_))
    }
}

impl From<NotifyError> for SendError {
    /// A [`NotifyError`] met while sending is about the message or the
    /// configuration, so retrying the same message cannot help.
    fn from(e: NotifyError) -> Self {
        SendError::Permanent(e.to_string())
    }
}
