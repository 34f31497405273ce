//! The browser's `PushSubscription`, as its JSON.

use p256::PublicKey;
use serde::Deserialize;

use crate::{b64, NotifyError};

/// A parsed browser push subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The push service URL to POST to.
    pub endpoint: String,
    /// The endpoint's origin (`scheme://host[:port]`), the VAPID `aud`.
    pub origin: String,
    /// The user agent's ECDH public key (`keys.p256dh`).
    pub p256dh: PublicKey,
    /// The user agent's authentication secret (`keys.auth`).
    pub auth: [u8; 16],
}

/// The JSON as the browser serializes it (`expirationTime` and others ignored).
#[derive(Deserialize)]
struct RawSubscription {
    endpoint: String,
    keys: RawKeys,
}

/// The `keys` member.
#[derive(Deserialize)]
struct RawKeys {
    p256dh: String,
    auth: String,
}

impl Subscription {
    /// Parses `{"endpoint": "...", "keys": {"p256dh": "<base64url>", "auth": "<base64url>"}}`.
    pub fn parse(json: &str) -> Result<Subscription, NotifyError> {
        let invalid = |why: &str| NotifyError::InvalidSubscription(why.to_owned());
        let raw: RawSubscription = serde_json::from_str(json)
            .map_err(|e| NotifyError::InvalidSubscription(format!("not subscription JSON: {e}")))?;
        let url = reqwest::Url::parse(&raw.endpoint).map_err(|_| invalid("endpoint is not a URL"))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(invalid("endpoint is not an http(s) URL"));
        }
        let p256dh = b64::decode(&raw.keys.p256dh)
            .and_then(|b| PublicKey::from_sec1_bytes(&b).ok())
            .ok_or_else(|| invalid("keys.p256dh is not a base64url P-256 point"))?;
        let auth = b64::decode(&raw.keys.auth)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or_else(|| invalid("keys.auth is not 16 bytes of base64url"))?;
        Ok(Subscription { endpoint: raw.endpoint, origin: url.origin().ascii_serialization(), p256dh, auth })
    }
}
