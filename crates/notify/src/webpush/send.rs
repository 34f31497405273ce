//! Delivering one encrypted, VAPID-signed message to a push service.

use std::time::{SystemTime, UNIX_EPOCH};

use p256::SecretKey;

use super::vapid::{self, TOKEN_LIFETIME_S};
use super::{encrypt_aes128gcm, payload, Subscription};
use crate::http::{check_response, transport_error};
use crate::{Message, NotifyError, PushConfig, SendError};

/// The Web Push channel, ready to send.
pub(crate) struct PushSender {
    key: SecretKey,
    subject: String,
    ttl_s: u32,
}

impl PushSender {
    /// Validates the VAPID key.
    pub(crate) fn new(config: &PushConfig) -> Result<PushSender, NotifyError> {
        Ok(PushSender {
            key: vapid::parse_private_key(&config.vapid_private_key)?,
            subject: config.subject.clone(),
            ttl_s: config.ttl_s,
        })
    }

    /// Encrypts `{"title": subject, "body": body}` for the subscription in
    /// `msg.recipient` and POSTs it to its endpoint.
    pub(crate) async fn send(&self, http: &reqwest::Client, msg: &Message) -> Result<(), SendError> {
        let sub = Subscription::parse(&msg.recipient)?;
        let body = encrypt_aes128gcm(&payload(&msg.subject, &msg.body), &sub.p256dh, &sub.auth)?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let authorization = vapid::authorization(&self.key, &sub.origin, &self.subject, now + TOKEN_LIFETIME_S);
        let response = http
            .post(&sub.endpoint)
            .header("Authorization", authorization)
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("TTL", self.ttl_s.to_string())
            .header("Urgency", "high")
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error("push service", e))?;
        match response.status().as_u16() {
            404 | 410 => Err(SendError::Permanent(format!(
                "push service answered {}: the subscription is gone",
                response.status()
            ))),
            _ => check_response("push service", response).await,
        }
    }
}
