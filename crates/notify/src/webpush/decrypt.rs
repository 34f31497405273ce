//! The user agent's side of RFC 8291: decrypting an aes128gcm push body.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};

use super::derive::{content_keys, record_nonce};
use crate::NotifyError;

/// Decrypts an aes128gcm body (RFC 8188 header with the sender's key as keyid)
/// with the subscription's private key and auth secret, returning the plaintext
/// without padding. Accepts any number of records.
pub fn decrypt_aes128gcm(body: &[u8], ua_private: &SecretKey, auth: &[u8; 16]) -> Result<Vec<u8>, NotifyError> {
    if body.len() < 21 {
        return Err(NotifyError::Decrypt("body shorter than the header"));
    }
    let salt: [u8; 16] = body[..16].try_into().expect("16 bytes");
    let rs = u32::from_be_bytes(body[16..20].try_into().expect("4 bytes")) as usize;
    let idlen = body[20] as usize;
    if rs < 18 {
        return Err(NotifyError::Decrypt("record size below 18"));
    }
    let rest = &body[21..];
    if rest.len() < idlen {
        return Err(NotifyError::Decrypt("body shorter than the key id"));
    }
    let (keyid, records) = rest.split_at(idlen);
    let as_public =
        PublicKey::from_sec1_bytes(keyid).map_err(|_| NotifyError::Decrypt("key id is not a P-256 point"))?;
    if records.is_empty() {
        return Err(NotifyError::Decrypt("no records"));
    }

    let ua_point = ua_private.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(ua_private.to_nonzero_scalar(), as_public.as_affine());
    let keys = content_keys(shared.raw_secret_bytes().as_slice(), auth, ua_point.as_bytes(), keyid, &salt);
    let cipher = Aes128Gcm::new_from_slice(&keys.cek).map_err(|_| NotifyError::Decrypt("bad CEK"))?;

    let chunks: Vec<&[u8]> = records.chunks(rs).collect();
    let mut plaintext = Vec::with_capacity(records.len());
    for (seq, chunk) in chunks.iter().enumerate() {
        let last = seq + 1 == chunks.len();
        let nonce = record_nonce(&keys.nonce, seq as u64);
        let mut record = cipher
            .decrypt(Nonce::from_slice(&nonce), *chunk)
            .map_err(|_| NotifyError::Decrypt("authentication failed"))?;
        // Strip the padding: zeros, then the delimiter (2 on the last record, 1 before).
        let end = record.iter().rposition(|&b| b != 0).ok_or(NotifyError::Decrypt("record without delimiter"))?;
        let expected = if last { 0x02 } else { 0x01 };
        if record[end] != expected {
            return Err(NotifyError::Decrypt("wrong padding delimiter"));
        }
        record.truncate(end);
        plaintext.extend_from_slice(&record);
    }
    Ok(plaintext)
}
