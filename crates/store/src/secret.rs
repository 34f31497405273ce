//! A panel's AES key as stored: never printed, never logged.

use std::fmt;

/// An AES key (16, 24 or 32 bytes) held as lower-case hex. `Debug` and `Display` print
/// `<redacted>`; only [`SecretKey::expose_hex`] reveals it, for the decoder.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// Wraps the raw key bytes; `None` unless they are 16, 24 or 32 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Option<SecretKey> {
        if !matches!(bytes.len(), 16 | 24 | 32) {
            return None;
        }
        Some(SecretKey(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// Reads a stored value (trusted: written by [`SecretKey::from_bytes`]).
    pub(crate) fn from_stored(hex: String) -> SecretKey {
        SecretKey(hex)
    }

    /// The key bytes as hex, for the decoder only.
    pub fn expose_hex(&self) -> &str {
        &self.0
    }

    /// Key size in bits.
    pub fn bits(&self) -> usize {
        self.0.len() * 4
    }

    /// What may be shown of the key: its algorithm and size, e.g. `AES-128`.
    pub fn algorithm(&self) -> String {
        format!("AES-{}", self.bits())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, <redacted>)", self.algorithm())
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted {} key>", self.algorithm())
    }
}

#[cfg(test)]
mod tests {
    use super::SecretKey;

    #[test]
    fn never_printed() {
        let key = SecretKey::from_bytes(&[0xab; 16]).unwrap();
        assert_eq!(key.expose_hex(), "ab".repeat(16));
        assert!(!format!("{key:?}").contains("ab"));
        assert!(!format!("{key}").contains("ab"));
        assert_eq!(key.bits(), 128);
        assert_eq!(key.algorithm(), "AES-128");
        assert!(SecretKey::from_bytes(&[1; 15]).is_none());
    }
}
