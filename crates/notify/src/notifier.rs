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
    /// For push endpoints, which come from browsers: public addresses only, no redirects.
    push_http: reqwest::Client,
    private_push: bool,
    email: Option<EmailSender>,
    sms: Option<SmsSender>,
    push: Option<PushSender>,
}

impl Notifier {
    /// Validates `config` (addresses, URLs, the VAPID key) and prepares the
    /// senders; no connection is made yet.
    pub fn new(config: Config) -> Result<Notifier, NotifyError> {
        let client = || {
            reqwest::Client::builder()
                .use_rustls_tls()
                .timeout(HTTP_TIMEOUT)
                .connect_timeout(HTTP_CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("vigil-notify/", env!("CARGO_PKG_VERSION")))
        };
        let built = |b: reqwest::ClientBuilder| b.build().map_err(|e| NotifyError::Config(format!("HTTP client: {e}")));
        Ok(Notifier {
            http: built(client())?,
            push_http: built(client().dns_resolver(std::sync::Arc::new(crate::public_net::PublicOnly)))?,
            private_push: false,
            email: config.smtp.as_ref().map(EmailSender::new).transpose()?,
            sms: config.sms.as_ref().map(SmsSender::new).transpose()?,
            push: config.push.as_ref().map(PushSender::new).transpose()?,
        })
    }

    /// Lets pushes go to endpoints on private and loopback addresses (a local push service
    /// in tests); by default they are refused.
    pub fn allow_private_push_endpoints(mut self) -> Self {
        self.push_http = self.http.clone();
        self.private_push = true;
        self
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
            Channel::Email => self.email.as_ref().ok_or_else(not_configured)?.send(msg).await,
            Channel::Sms => self.sms.as_ref().ok_or_else(not_configured)?.send(&self.http, msg).await,
            Channel::Push => {
                let push = self.push.as_ref().ok_or_else(not_configured)?;
                if !self.private_push {
                    refuse_private_literal(&msg.recipient)?;
                }
                push.send(&self.push_http, msg).await
            }
        }
    }
}

/// Refuses a push subscription whose endpoint names a non-public IP address itself (the
/// resolver checks names; a literal address is never resolved).
fn refuse_private_literal(recipient: &str) -> Result<(), SendError> {
    let endpoint = crate::webpush::Subscription::parse(recipient)?.endpoint;
    let url = url::Url::parse(&endpoint).map_err(|_| SendError::Permanent("push endpoint is not a URL".into()))?;
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        _ => None,
    };
    match ip {
        Some(ip) if !crate::public_net::is_public(ip) => {
            Err(SendError::Permanent(format!("push endpoint address {ip} is not public")))
        }
        _ => Ok(()),
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
