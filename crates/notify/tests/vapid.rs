//! RFC 8292 VAPID tokens: what verify_vapid accepts and refuses.

mod common;

use common::{b64d, b64e, now};
use notify::webpush::vapid_authorization;
use notify::{verify_vapid, NotifyError, PushConfig};

const ORIGIN: &str = "https://push.example.net";

fn config() -> PushConfig {
    PushConfig::generate("mailto:ops@example.org")
}

#[test]
fn generated_public_key_is_an_uncompressed_point() {
    let key = config().public_key_b64().unwrap();
    let bytes = b64d(&key);
    assert_eq!(bytes.len(), 65);
    assert_eq!(bytes[0], 0x04);
    assert_ne!(config().vapid_private_key, config().vapid_private_key);
}

#[test]
fn malformed_private_keys_are_refused() {
    for bad in ["", "not base64!", &b64e(&[1u8; 31]), &b64e(&[0u8; 32]), &b64e(&[0xffu8; 32])] {
        let cfg = PushConfig { vapid_private_key: bad.to_owned(), ..config() };
        assert!(matches!(cfg.public_key_b64(), Err(NotifyError::InvalidKey(_))), "{bad:?}");
    }
}

#[test]
fn a_fresh_token_verifies_and_carries_the_claims() {
    let cfg = config();
    let now = now();
    let header = vapid_authorization(&cfg, ORIGIN, now).unwrap();
    verify_vapid(&header, ORIGIN, now).unwrap();
    assert!(header.ends_with(&format!("k={}", cfg.public_key_b64().unwrap())));
    let token = header.strip_prefix("vapid t=").unwrap().split(',').next().unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64d(token.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(claims["aud"], ORIGIN);
    assert_eq!(claims["sub"], "mailto:ops@example.org");
    assert_eq!(claims["exp"].as_u64().unwrap(), now + 12 * 3600);
}

#[test]
fn wrong_audience_expiry_and_lifetime_are_refused() {
    let cfg = config();
    let now = now();
    let header = vapid_authorization(&cfg, ORIGIN, now).unwrap();
    assert!(verify_vapid(&header, "https://other.example.net", now).is_err());
    assert!(verify_vapid(&header, ORIGIN, now + 12 * 3600).is_err(), "expired");
    let early = vapid_authorization(&cfg, ORIGIN, now + 13 * 3600).unwrap();
    assert!(verify_vapid(&early, ORIGIN, now).is_err(), "exp more than 24 h ahead");
}

#[test]
fn a_forged_signature_or_a_swapped_key_is_refused() {
    let cfg = config();
    let now = now();
    let header = vapid_authorization(&cfg, ORIGIN, now).unwrap();
    let (token, key) = header.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
    let parts: Vec<&str> = token.split('.').collect();

    // Claims changed after signing (aud of another origin).
    let forged_claims = b64e(
        serde_json::json!({"aud": "https://evil.example", "exp": now + 3600, "sub": "mailto:x@y"})
            .to_string()
            .as_bytes(),
    );
    let forged = format!("vapid t={}.{}.{}, k={key}", parts[0], forged_claims, parts[2]);
    assert!(verify_vapid(&forged, "https://evil.example", now).is_err());

    // A valid token, presented with someone else's key.
    let other = config().public_key_b64().unwrap();
    let swapped = format!("vapid t={token}, k={other}");
    assert!(verify_vapid(&swapped, ORIGIN, now).is_err());

    // A flipped signature bit.
    let mut sig = b64d(parts[2]);
    sig[10] ^= 1;
    let flipped = format!("vapid t={}.{}.{}, k={key}", parts[0], parts[1], b64e(&sig));
    assert!(verify_vapid(&flipped, ORIGIN, now).is_err());

    assert!(verify_vapid(&format!("WebPush {token}"), ORIGIN, now).is_err());
}
