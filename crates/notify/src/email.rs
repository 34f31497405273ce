//! E-mail over SMTP with lettre.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::{Message, NotifyError, SendError, SmtpConfig};

/// How long one SMTP conversation step may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The e-mail channel, ready to send.
pub(crate) struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl EmailSender {
    /// Checks the `From` address and credentials and sets up the transport
    /// (no connection is made until the first send).
    pub(crate) fn new(config: &SmtpConfig) -> Result<EmailSender, NotifyError> {
        let from: Mailbox =
            config.from.parse().map_err(|e| NotifyError::Config(format!("smtp.from {:?}: {e}", config.from)))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .timeout(Some(TIMEOUT));
        if config.tls {
            let params =
                TlsParameters::new(config.host.clone()).map_err(|e| NotifyError::Config(format!("smtp TLS: {e}")))?;
            builder = builder.tls(if config.port == 465 { Tls::Wrapper(params) } else { Tls::Required(params) });
        }
        match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => return Err(NotifyError::Config("smtp.username and smtp.password go together".into())),
        }
        Ok(EmailSender { transport: builder.build(), from })
    }

    /// Sends `msg` as a plain-text e-mail to `msg.recipient`.
    pub(crate) async fn send(&self, msg: &Message) -> Result<(), SendError> {
        let to: Mailbox =
            msg.recipient.parse().map_err(|e| SendError::Permanent(format!("invalid e-mail address: {e}")))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(msg.body.clone())
            .map_err(|e| SendError::Permanent(format!("cannot build the e-mail: {e}")))?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| {
            let text = format!("smtp: {e}");
            if e.is_permanent() {
                SendError::Permanent(text)
            } else {
                SendError::Retryable(text)
            }
        })
    }
}
