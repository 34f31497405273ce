//! The RFC 8291 section 3.4 key schedule shared by encryption and decryption.

use hkdf::Hkdf;
use sha2::Sha256;

/// The content-encryption key and base nonce of one aes128gcm message.
pub(super) struct ContentKeys {
    /// The AES-128-GCM key (CEK).
    pub cek: [u8; 16],
    /// The nonce of record 0; record `i` XORs `i` into its low bytes.
    pub nonce: [u8; 12],
}

/// Derives the keys from the ECDH shared secret, the subscription's auth
/// secret, both public keys (uncompressed points) and the salt.
pub(super) fn content_keys(
    ecdh_secret: &[u8],
    auth: &[u8; 16],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8; 16],
) -> ContentKeys {
    // IKM = HKDF(salt = auth_secret, ikm = ecdh_secret, info = "WebPush: info" 0x00 ua_public as_public, L = 32)
    let mut key_info = Vec::with_capacity(14 + ua_public.len() + as_public.len());
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), ecdh_secret)
        .expand(&key_info, &mut ikm)
        .expect("32 bytes is a valid HKDF-SHA-256 length");

    // RFC 8188 section 2.2 and 2.3, with the salt from the header.
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).expect("16 bytes is a valid HKDF-SHA-256 length");
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce).expect("12 bytes is a valid HKDF-SHA-256 length");
    ContentKeys { cek, nonce }
}

/// The nonce of record `seq`: the base nonce XOR the big-endian sequence number.
pub(super) fn record_nonce(base: &[u8; 12], seq: u64) -> [u8; 12] {
    let mut nonce = *base;
    for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
        *n ^= s;
    }
    nonce
}
