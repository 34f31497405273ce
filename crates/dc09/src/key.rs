//! AES keys for encrypted frames, and the AES-CBC (zero IV, no padding scheme) of DC-09.

use std::fmt;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

/// AES block size in bytes; DC-09 ciphertext is a whole number of blocks.
pub(crate) const BLOCK: usize = 16;

/// DC-09 uses an all-zero initialisation vector.
const IV: [u8; BLOCK] = [0; BLOCK];

/// An AES-128, AES-192 or AES-256 key (16, 24 or 32 bytes) for encrypted DC-09 frames.
///
/// Keys are configured in the field in two forms: as ASCII text of 16/24/32 characters whose
/// bytes are the key (pysiaalarm, dc09-spt, Ajax) or as 32/48/64 hex digits (siadc09).
/// [`Key::parse`] accepts both; see there for the rule when a text could be either, and use
/// [`Key::ascii`] or [`Key::hex`] when the form is known.
///
/// The [`Debug`](fmt::Debug) form shows the key size only, never key bytes; the bytes are
/// overwritten when the key is dropped.
#[derive(Clone)]
pub struct Key {
    bytes: [u8; 32],
    len: usize,
}

/// A text or byte string that is not a usable AES key. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key bytes are not 16, 24 or 32 long.
    #[error("AES key must be 16, 24 or 32 bytes, got {0}")]
    BadLength(usize),
    /// The text is neither 16/24/32 ASCII characters nor 32/48/64 hex digits.
    #[error("key text of {0} characters is neither 16/24/32 ASCII characters nor 32/48/64 hex digits")]
    BadText(usize),
    /// [`Key::hex`]: the text is not 32, 48 or 64 hex digits.
    #[error("hex key must be 32, 48 or 64 hex digits")]
    BadHex,
}

impl Key {
    /// A key from its raw bytes: 16 (AES-128), 24 (AES-192) or 32 (AES-256).
    pub fn from_bytes(bytes: &[u8]) -> Result<Key, KeyError> {
        if !matches!(bytes.len(), 16 | 24 | 32) {
            return Err(KeyError::BadLength(bytes.len()));
        }
        let mut key = Key { bytes: [0; 32], len: bytes.len() };
        key.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(key)
    }

    /// A key from a configuration text in either field form.
    ///
    /// Rule: a text of exactly 32, 48 or 64 hex digits (either case) is **hex** (16/24/32
    /// bytes); any other text of 16, 24 or 32 bytes is **ASCII** (its bytes are the key).
    /// The only ambiguous case is a 32-character text made only of hex digits, which could be
    /// an ASCII AES-256 key or a hex AES-128 key: it is read as hex. A caller who knows the
    /// form uses [`Key::ascii`] or [`Key::hex`]. Whitespace is not trimmed.
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let is_hex = matches!(text.len(), 32 | 48 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit());
        if is_hex {
            Key::hex(text)
        } else if matches!(text.len(), 16 | 24 | 32) {
            Key::ascii(text)
        } else {
            Err(KeyError::BadText(text.chars().count()))
        }
    }

    /// A key whose bytes are the bytes of `text` (16, 24 or 32 of them).
    pub fn ascii(text: &str) -> Result<Key, KeyError> {
        Key::from_bytes(text.as_bytes())
    }

    /// A key written as 32, 48 or 64 hex digits (either case).
    pub fn hex(text: &str) -> Result<Key, KeyError> {
        if !matches!(text.len(), 32 | 48 | 64) {
            return Err(KeyError::BadHex);
        }
        let mut buf = [0u8; 32];
        let n = text.len() / 2;
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            buf[i] = hex_byte(pair[0], pair[1]).ok_or(KeyError::BadHex)?;
        }
        let key = Key::from_bytes(&buf[..n]);
        wipe(&mut buf);
        key
    }

    /// The key size in bits: 128, 192 or 256.
    pub fn bits(&self) -> usize {
        self.len * 8
    }

    /// The raw key bytes (for storing the key; never log them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Encrypts whole blocks in place (AES-CBC, zero IV, no padding).
    pub(crate) fn encrypt(&self, buf: &mut [u8]) {
        debug_assert_eq!(buf.len() % BLOCK, 0);
        let len = buf.len();
        let key = self.as_bytes();
        // Key length and block alignment are guaranteed, so these cannot fail.
        let done = match self.len {
            16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, &IV)
                .map(|c| c.encrypt_padded_mut::<NoPadding>(buf, len).is_ok()),
            24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, &IV)
                .map(|c| c.encrypt_padded_mut::<NoPadding>(buf, len).is_ok()),
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, &IV)
                .map(|c| c.encrypt_padded_mut::<NoPadding>(buf, len).is_ok()),
        };
        debug_assert_eq!(done, Ok(true));
    }

    /// Decrypts whole blocks in place (AES-CBC, zero IV, no padding).
    pub(crate) fn decrypt(&self, buf: &mut [u8]) {
        debug_assert_eq!(buf.len() % BLOCK, 0);
        let key = self.as_bytes();
        let done = match self.len {
            16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, &IV)
                .map(|c| c.decrypt_padded_mut::<NoPadding>(buf).is_ok()),
            24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, &IV)
                .map(|c| c.decrypt_padded_mut::<NoPadding>(buf).is_ok()),
            _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, &IV)
                .map(|c| c.decrypt_padded_mut::<NoPadding>(buf).is_ok()),
        };
        debug_assert_eq!(done, Ok(true));
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(AES-{}, <redacted>)", self.bits())
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

/// Overwrites key material so it does not linger in freed memory.
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference to a byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// The value of two hex digits.
pub(crate) fn hex_byte(hi: u8, lo: u8) -> Option<u8> {
    let hi = char::from(hi).to_digit(16)?;
    let lo = char::from(lo).to_digit(16)?;
    Some((hi << 4 | lo) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_forms() {
        assert_eq!(Key::from_bytes(&[7; 16]).unwrap().bits(), 128);
        assert_eq!(Key::from_bytes(&[7; 24]).unwrap().bits(), 192);
        assert_eq!(Key::from_bytes(&[7; 32]).unwrap().bits(), 256);
        assert_eq!(Key::from_bytes(&[7; 17]).unwrap_err(), KeyError::BadLength(17));
        let ascii = Key::parse("0123456789ABCDEF").unwrap();
        assert_eq!(ascii.as_bytes(), b"0123456789ABCDEF");
        let hex = Key::parse("850cba22f7dd4f033405da83e4c5bae9").unwrap();
        assert_eq!(hex.bits(), 128);
        assert_eq!(hex.as_bytes()[..2], [0x85, 0x0c]);
        assert_eq!(Key::parse("ABCDABCDABCDABCDABCDABCDABCDABCD").unwrap().bits(), 128);
        // Ambiguous 32 hex digits: hex by default, ASCII on request.
        let text = "FEDCBA9876543210FEDCBA9876543210";
        assert_eq!(Key::parse(text).unwrap().bits(), 128);
        assert_eq!(Key::ascii(text).unwrap().bits(), 256);
        assert_eq!(Key::parse("AAAAAAAAAAAAAAAAAAAAAAAA").unwrap().bits(), 192);
        assert_eq!(Key::parse(&"ab".repeat(24)).unwrap().bits(), 192);
        assert_eq!(Key::parse(&"ab".repeat(32)).unwrap().bits(), 256);
        let not_hex_32 = "0123456789ABCDEF0123456789ABCDEG";
        assert_eq!(Key::parse(not_hex_32).unwrap().bits(), 256);
        assert!(Key::parse("short").is_err());
        assert_eq!(Key::hex(not_hex_32).unwrap_err(), KeyError::BadHex);
        assert_eq!(Key::hex("00").unwrap_err(), KeyError::BadHex);
    }

    #[test]
    fn debug_hides_key_bytes() {
        let key = Key::ascii("SECRETSECRETSECR").unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "Key(AES-128, <redacted>)");
        assert!(!shown.contains("SECRET"));
    }

    #[test]
    fn cbc_round_trip_all_sizes() {
        for n in [16, 24, 32] {
            let key = Key::from_bytes(&vec![0x42; n]).unwrap();
            let plain: Vec<u8> = (0..48u8).collect();
            let mut buf = plain.clone();
            key.encrypt(&mut buf);
            assert_ne!(buf, plain);
            key.decrypt(&mut buf);
            assert_eq!(buf, plain);
        }
    }
}
