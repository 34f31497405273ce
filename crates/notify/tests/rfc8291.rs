//! RFC 8291 section 5 (appendix A) test vector and encryption round trips.

mod common;

use common::b64d;
use notify::p256::elliptic_curve::sec1::ToEncodedPoint;
use notify::p256::{PublicKey, SecretKey};
use notify::webpush::{encrypt_aes128gcm, encrypt_aes128gcm_with, MAX_PLAINTEXT};
use notify::{decrypt_aes128gcm, NotifyError};

const PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const AS_PUBLIC: &str = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const UA_PUBLIC: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn auth() -> [u8; 16] {
    b64d(AUTH).try_into().unwrap()
}

fn salt() -> [u8; 16] {
    b64d(SALT).try_into().unwrap()
}

fn ua_private() -> SecretKey {
    SecretKey::from_slice(&b64d(UA_PRIVATE)).unwrap()
}

#[test]
fn the_rfc_keys_are_consistent() {
    let as_private = SecretKey::from_slice(&b64d(AS_PRIVATE)).unwrap();
    assert_eq!(as_private.public_key().to_encoded_point(false).as_bytes(), b64d(AS_PUBLIC));
    assert_eq!(ua_private().public_key().to_encoded_point(false).as_bytes(), b64d(UA_PUBLIC));
}

#[test]
fn encryption_reproduces_the_rfc_body() {
    let as_private = SecretKey::from_slice(&b64d(AS_PRIVATE)).unwrap();
    let ua_public = PublicKey::from_sec1_bytes(&b64d(UA_PUBLIC)).unwrap();
    let body = encrypt_aes128gcm_with(PLAINTEXT, &ua_public, &auth(), &as_private, &salt()).unwrap();
    assert_eq!(body, b64d(BODY));
}

#[test]
fn decryption_recovers_the_rfc_plaintext() {
    let plaintext = decrypt_aes128gcm(&b64d(BODY), &ua_private(), &auth()).unwrap();
    assert_eq!(plaintext, PLAINTEXT);
}

#[test]
fn decryption_rejects_a_tampered_body_and_a_wrong_secret() {
    let mut body = b64d(BODY);
    let last = body.len() - 1;
    body[last] ^= 1;
    assert!(matches!(decrypt_aes128gcm(&body, &ua_private(), &auth()), Err(NotifyError::Decrypt(_))));
    let mut wrong = auth();
    wrong[0] ^= 1;
    assert!(decrypt_aes128gcm(&b64d(BODY), &ua_private(), &wrong).is_err());
    assert!(decrypt_aes128gcm(&b64d(BODY)[..40], &ua_private(), &auth()).is_err());
}

#[test]
fn random_encryptions_differ_and_round_trip() {
    let ua = SecretKey::random(&mut rand::rngs::OsRng);
    let auth = [7u8; 16];
    let text = "Einbruch Zone 3 – Objekt 12".as_bytes();
    let a = encrypt_aes128gcm(text, &ua.public_key(), &auth).unwrap();
    let b = encrypt_aes128gcm(text, &ua.public_key(), &auth).unwrap();
    assert_ne!(a, b, "fresh salt and ephemeral key per message");
    assert_eq!(decrypt_aes128gcm(&a, &ua, &auth).unwrap(), text);
    assert_eq!(decrypt_aes128gcm(&b, &ua, &auth).unwrap(), text);
    let other = SecretKey::random(&mut rand::rngs::OsRng);
    assert!(decrypt_aes128gcm(&a, &other, &auth).is_err());
}

#[test]
fn the_largest_payload_fits_4096_bytes_and_one_more_byte_is_refused() {
    let ua = SecretKey::random(&mut rand::rngs::OsRng);
    let auth = [1u8; 16];
    let body = encrypt_aes128gcm(&vec![b'x'; MAX_PLAINTEXT], &ua.public_key(), &auth).unwrap();
    assert_eq!(body.len(), 4096);
    assert_eq!(decrypt_aes128gcm(&body, &ua, &auth).unwrap().len(), MAX_PLAINTEXT);
    assert!(matches!(
        encrypt_aes128gcm(&vec![b'x'; MAX_PLAINTEXT + 1], &ua.public_key(), &auth),
        Err(NotifyError::PayloadTooLarge { .. })
    ));
}

#[test]
fn long_push_payloads_are_shortened_to_fit() {
    let body = "ü".repeat(5000);
    let payload = notify::webpush::payload("Alarm", &body);
    assert!(payload.len() <= MAX_PLAINTEXT);
    let json: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(json["title"], "Alarm");
    assert!(json["body"].as_str().unwrap().ends_with('…'));
    let short = notify::webpush::payload("Alarm", "Zone 3");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&short).unwrap(),
        serde_json::json!({"title": "Alarm", "body": "Zone 3"})
    );
}
