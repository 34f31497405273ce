//! The entry point: one configured sender per channel.

use std::fmt;
use std::time::Duration;

use crate::email::EmailSender;
use crate::sms::SmsSender;
use crate::webpush::PushSender;
use crate::{Channel, Config, Message, NotifyError, SendError};

/// The longest an HTTP request (SMS gateway, push service) may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest an HTTP connection attempt may take.
const HTTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends messages over the configured channels. Cheap to share behind an `Arc`;
/// `send` may run concurrently.
pub struct Notifier {
    http: reqwest::Client,
    email: Option<EmailSender>,
    sms: Option<SmsSender>,
    push: Option<PushSender>,
}

impl Notifier {
    /// Validates `config` (addresses, URLs, the VAPID key) and prepares the
    /// senders; no connection is made yet.
    pub fn new(config: Config) -> Result<Notifier, NotifyError> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(HTTP_CONNECT_TIMEOUT)
            .user_agent(concat!("vigil-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Config(format!("HTTP client: {e}")))?;
        Ok(Notifier {
            http,
            email: config.smtp.as_ref().map(EmailSender::new).transpose()?,
            sms: config.sms.as_ref().map(SmsSender::new).transpose()?,
            push: config.push.as_ref().map(PushSender::new).transpose()?,
        })
    }

    /// Whether `channel` has a configuration.
    pub fn is_configured(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email.is_some(),
            Channel::Sms => self.sms.is_some(),
            Channel::Push => self.push.is_some(),
        }
    }

    /// Makes one delivery attempt of `msg` over its channel. `Ok` means the
    /// server, gateway or push service accepted it.
    pub async fn send(&self, msg: &Message) -> Result<(), SendError> {
        let not_configured = || SendError::NotConfigured(msg.channel);
        match msg.channel {
            Channel::Email => {
                self.email
                    .as_ref()
                    .ok_or_else(not_configured)?
                    .send(msg)
                    .await
            }
            Channel::Sms => {
                self.sms
                    .as_ref()
                    .ok_or_else(not_configured)?
                    .send(&self.http, msg)
                    .await
            }
            Channel::Push => {
                self.push
                    .as_ref()
                    .ok_or_else(not_configured)?
                    .send(&self.http, msg)
                    .await
            }
        }
    }
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("email", &self.email.is_some())
            .field("sms", &self.sms.is_some())
            .field("push", &self.push.is_some())
            .finish()
    }
}
