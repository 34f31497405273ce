//! Channel configuration. Secrets are redacted from `Debug` output.

use std::fmt;

use serde::Deserialize;

use crate::webpush::vapid;
use crate::NotifyError;

/// The text that stands in for a secret in `Debug` output.
const REDACTED: &str = "<redacted>";

/// Which channels are available and how to reach them; `None` leaves a channel
/// unconfigured, and sending over it fails with [`crate::SendError::NotConfigured`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    /// E-mail over SMTP.
    pub smtp: Option<SmtpConfig>,
    /// SMS through an HTTP gateway.
    pub sms: Option<SmsConfig>,
    /// Web Push with VAPID.
    pub push: Option<PushConfig>,
}

/// How to submit e-mail.
#[derive(Clone, Deserialize)]
pub struct SmtpConfig {
    /// The SMTP server's host name.
    pub host: String,
    /// Its port: 465 with `tls` means implicit TLS, any other port with `tls`
    /// means STARTTLS (required), typically 587.
    pub port: u16,
    /// `false` speaks plain SMTP with no TLS at all, for a relay on the local host or network.
    pub tls: bool,
    /// The login name, if the server wants authentication (with `password`).
    pub username: Option<String>,
    /// The password; a secret, never shown by `Debug`.
    pub password: Option<String>,
    /// The `From` mailbox, e.g. `Vigil <alarms@example.org>`.
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("from", &self.from)
            .finish()
    }
}

/// How to reach the HTTP SMS gateway: `POST url` with JSON
/// `{"from": from, "to": recipient, "text": body}`.
#[derive(Clone, Deserialize)]
pub struct SmsConfig {
    /// The gateway's URL, the POST target.
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`; a secret, never shown by `Debug`.
    pub token: Option<String>,
    /// The sender id or number.
    pub from: String,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| REDACTED))
            .field("from", &self.from)
            .finish()
    }
}

/// The application server's VAPID identity for Web Push.
#[derive(Clone, Deserialize)]
pub struct PushConfig {
    /// The VAPID private key: the raw 32-byte P-256 scalar, base64url. A secret,
    /// never shown by `Debug`.
    pub vapid_private_key: String,
    /// The contact put in the JWT `sub` claim, e.g. `mailto:ops@example.org`.
    pub subject: String,
    /// How long the push service keeps an undelivered message, in seconds (the `TTL` header).
    pub ttl_s: u32,
}

impl PushConfig {
    /// The `ttl_s` that [`PushConfig::generate`] picks: one hour.
    pub const DEFAULT_TTL_S: u32 = 3600;

    /// A new configuration with a fresh random VAPID key pair and a TTL of
    /// [`PushConfig::DEFAULT_TTL_S`]. Store the result: subscriptions are bound to its key.
    pub fn generate(subject: impl Into<String>) -> PushConfig {
        PushConfig {
            vapid_private_key: vapid::generate_private_key_b64(),
            subject: subject.into(),
            ttl_s: Self::DEFAULT_TTL_S,
        }
    }

    /// The VAPID public key, base64url of the uncompressed point (65 bytes):
    /// the `applicationServerKey` the browser subscribes with.
    pub fn public_key_b64(&self) -> Result<String, NotifyError> {
        let key = vapid::parse_private_key(&self.vapid_private_key)?;
        Ok(vapid::public_key_b64(&key))
    }
}

impl fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushConfig")
            .field("vapid_private_key", &REDACTED)
            .field("subject", &self.subject)
            .field("ttl_s", &self.ttl_s)
            .finish()
    }
}
