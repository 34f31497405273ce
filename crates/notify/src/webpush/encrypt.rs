//! RFC 8291 encryption of a push message into one aes128gcm record.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::rngs::OsRng;
use rand::RngCore;

use super::derive::{content_keys, record_nonce};
use crate::NotifyError;

/// The record size written in the header (`rs`).
pub const RECORD_SIZE: u32 = 4096;

/// The largest plaintext sent: the body (86-byte header, plaintext, 1-byte
/// delimiter, 16-byte tag) then fits the 4096 bytes every push service accepts.
pub const MAX_PLAINTEXT: usize = 4096 - HEADER_LEN - 1 - TAG_LEN;

/// salt (16) + rs (4) + idlen (1) + keyid (65-byte uncompressed point).
const HEADER_LEN: usize = 16 + 4 + 1 + 65;
/// The AES-GCM authentication tag.
const TAG_LEN: usize = 16;

/// Encrypts `plaintext` for a subscription (its `p256dh` key and `auth`
/// secret) with a fresh ephemeral key and random salt, returning the request body.
pub fn encrypt_aes128gcm(plaintext: &[u8], ua_public: &PublicKey, auth: &[u8; 16]) -> Result<Vec<u8>, NotifyError> {
    let as_private = SecretKey::random(&mut OsRng);
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    encrypt_aes128gcm_with(plaintext, ua_public, auth, &as_private, &salt)
}

/// [`encrypt_aes128gcm`] with the ephemeral application-server key and the salt
/// given, so that known vectors (RFC 8291 section 5) can be reproduced.
/// Never reuse a key and salt pair for real messages.
pub fn encrypt_aes128gcm_with(
    plaintext: &[u8],
    ua_public: &PublicKey,
    auth: &[u8; 16],
    as_private: &SecretKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, NotifyError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(NotifyError::PayloadTooLarge { len: plaintext.len(), max: MAX_PLAINTEXT });
    }
    let ua_point = ua_public.to_encoded_point(false);
    let as_point = as_private.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(as_private.to_nonzero_scalar(), ua_public.as_affine());
    let keys = content_keys(shared.raw_secret_bytes().as_slice(), auth, ua_point.as_bytes(), as_point.as_bytes(), salt);

    // One record, the last: plaintext then the delimiter 0x02, no further padding.
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(0x02);
    let cipher = Aes128Gcm::new_from_slice(&keys.cek).map_err(|_| NotifyError::InvalidKey("CEK"))?;
    let nonce = record_nonce(&keys.nonce, 0);
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| NotifyError::InvalidKey("AES-GCM encryption failed"))?;

    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_point.as_bytes().len() as u8);
    body.extend_from_slice(as_point.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}
