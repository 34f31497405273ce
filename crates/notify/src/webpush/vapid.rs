//! RFC 8292 VAPID: the ES256 JWT that identifies the application server.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::SecretKey;
use rand::rngs::OsRng;
use serde::Deserialize;

use crate::{b64, NotifyError, PushConfig};

/// The longest a VAPID JWT may live (RFC 8292 section 2: `exp` no more than 24 hours ahead).
pub const VAPID_MAX_LIFETIME_S: u64 = 24 * 3600;

/// The lifetime this crate gives its tokens: 12 hours.
pub(crate) const TOKEN_LIFETIME_S: u64 = 12 * 3600;

/// The JOSE header of every token.
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// A fresh random VAPID private key, base64url of the 32-byte scalar.
pub(crate) fn generate_private_key_b64() -> String {
    b64::encode(&SecretKey::random(&mut OsRng).to_bytes())
}

/// Parses a base64url raw 32-byte P-256 scalar.
pub(crate) fn parse_private_key(s: &str) -> Result<SecretKey, NotifyError> {
    let bytes = b64::decode(s).ok_or(NotifyError::InvalidKey("VAPID private key is not base64url"))?;
    if bytes.len() != 32 {
        return Err(NotifyError::InvalidKey("VAPID private key is not 32 bytes"));
    }
    SecretKey::from_slice(&bytes).map_err(|_| NotifyError::InvalidKey("VAPID private key is not a P-256 scalar"))
}

/// base64url of the uncompressed public point of `key`.
pub(crate) fn public_key_b64(key: &SecretKey) -> String {
    b64::encode(key.public_key().to_encoded_point(false).as_bytes())
}

/// Builds the header value `vapid t=<JWT>, k=<public key>` for a request to a
/// push service whose origin (`scheme://host[:port]`) is `endpoint_origin`,
/// valid for 12 hours from `now_unix`.
pub fn vapid_authorization(config: &PushConfig, endpoint_origin: &str, now_unix: u64) -> Result<String, NotifyError> {
    let key = parse_private_key(&config.vapid_private_key)?;
    Ok(authorization(&key, endpoint_origin, &config.subject, now_unix + TOKEN_LIFETIME_S))
}

/// The header value for a parsed key and an explicit expiry.
pub(crate) fn authorization(key: &SecretKey, aud: &str, sub: &str, exp: u64) -> String {
    let claims = serde_json::json!({ "aud": aud, "exp": exp, "sub": sub });
    let signing_input =
        format!("{}.{}", b64::encode(JWT_HEADER.as_bytes()), b64::encode(claims.to_string().as_bytes()));
    let signature: Signature = SigningKey::from(key).sign(signing_input.as_bytes());
    format!("vapid t={signing_input}.{}, k={}", b64::encode(&signature.to_bytes()), public_key_b64(key))
}

/// The JOSE header fields checked.
#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
}

/// The claims checked.
#[derive(Deserialize)]
struct Claims {
    aud: String,
    exp: u64,
}

/// Checks a VAPID `Authorization` header as a push service would: the ES256
/// signature against the key in `k=`, `aud` equal to `endpoint_origin`, and
/// `exp` after `now_unix` but no more than 24 hours ahead of it.
pub fn verify_vapid(authorization_header: &str, endpoint_origin: &str, now_unix: u64) -> Result<(), NotifyError> {
    let bad = |why: &str| NotifyError::Vapid(why.to_owned());
    let header = authorization_header.trim();
    let params = header
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("vapid "))
        .map(|_| &header[6..])
        .ok_or_else(|| bad("scheme is not vapid"))?;
    let (mut token, mut key) = (None, None);
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", v)) => token = Some(v.trim()),
            Some(("k", v)) => key = Some(v.trim()),
            _ => {}
        }
    }
    let token = token.ok_or_else(|| bad("no t= parameter"))?;
    let key = key.ok_or_else(|| bad("no k= parameter"))?;

    let key_bytes = b64::decode(key).ok_or_else(|| bad("k is not base64url"))?;
    let verifying_key = VerifyingKey::from_sec1_bytes(&key_bytes).map_err(|_| bad("k is not a P-256 point"))?;

    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad("token is not a three-part JWT"));
    };
    let sig_bytes = b64::decode(s).ok_or_else(|| bad("signature is not base64url"))?;
    let signature = Signature::from_slice(&sig_bytes).map_err(|_| bad("signature is not 64 bytes"))?;
    verifying_key.verify(format!("{h}.{c}").as_bytes(), &signature).map_err(|_| bad("signature does not verify"))?;

    let jose: JoseHeader =
        b64::decode(h).and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| bad("malformed JWT header"))?;
    if jose.alg != "ES256" {
        return Err(bad("alg is not ES256"));
    }
    let claims: Claims =
        b64::decode(c).and_then(|b| serde_json::from_slice(&b).ok()).ok_or_else(|| bad("malformed JWT claims"))?;
    if claims.aud != endpoint_origin {
        return Err(NotifyError::Vapid(format!(
            "aud {:?} is not the endpoint origin {:?}",
            claims.aud, endpoint_origin
        )));
    }
    if claims.exp <= now_unix {
        return Err(bad("token has expired"));
    }
    if claims.exp > now_unix + VAPID_MAX_LIFETIME_S {
        return Err(bad("exp is more than 24 hours ahead"));
    }
    Ok(())
}
