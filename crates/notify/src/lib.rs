//! Delivers one notification over one channel: e-mail (SMTP), SMS (an HTTP
//! gateway) or Web Push (RFC 8291 encryption, RFC 8292 VAPID).
//!
//! This is the sending half of Vigil's notification outbox: the server stores
//! messages, and a worker calls [`Notifier::send`] for each due one, records the
//! attempt, and retries those whose error [`SendError::is_retryable`].
//!
//! Secrets (SMTP password, SMS token, VAPID private key) never appear in `Debug`
//! output or in errors.
#![warn(missing_docs)]

mod b64;
mod channel;
mod config;
mod email;
mod error;
mod http;
mod message;
mod notifier;
mod public_net;
mod sms;
pub mod webpush;

pub use channel::Channel;
pub use config::{Config, PushConfig, SmsConfig, SmtpConfig};
pub use error::{NotifyError, SendError};
pub use message::Message;
pub use notifier::Notifier;
/// The `p256` crate, whose key types appear in this API.
pub use p256;
pub use public_net::is_public;
pub use webpush::{decrypt_aes128gcm, verify_vapid};
