//! Panel keys as people give them (hex digits or the ASCII text typed into panels), for the
//! CLI, the API and the admin pages alike.

use dc09::Key;
use store::SecretKey;

/// Why a given key is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyInputError {
    /// Both forms were given.
    #[error("give the key as exactly one of hex or text")]
    Both,
    /// Not a valid AES key in the form given.
    #[error("bad key: {0}")]
    Invalid(String),
}

/// The key given as `hex` or as `text`; `None` when neither is given.
pub fn parse_key(hex: Option<&str>, text: Option<&str>) -> Result<Option<SecretKey>, KeyInputError> {
    let key = match (hex, text) {
        (Some(_), Some(_)) => return Err(KeyInputError::Both),
        (Some(hex), None) => Key::hex(hex),
        (None, Some(text)) => Key::ascii(text),
        (None, None) => return Ok(None),
    };
    let key = key.map_err(|e| KeyInputError::Invalid(e.to_string()))?;
    SecretKey::from_bytes(key.as_bytes())
        .map(Some)
        .ok_or_else(|| KeyInputError::Invalid("the key must be 16, 24 or 32 bytes".into()))
}

/// `AES-128` and so on, or `none`: what may be shown of a key.
pub fn key_label(key: Option<&SecretKey>) -> String {
    key.map_or_else(|| "none".to_owned(), SecretKey::algorithm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_name_the_same_key() {
        let text = parse_key(None, Some("0123456789abcdef")).unwrap().unwrap();
        let hex = parse_key(Some("30313233343536373839616263646566"), None).unwrap().unwrap();
        assert_eq!(text, hex);
        assert_eq!(key_label(Some(&text)), "AES-128");
        assert_eq!(key_label(None), "none");
        assert_eq!(parse_key(None, None), Ok(None));
        assert_eq!(parse_key(Some("ab"), Some("cd")), Err(KeyInputError::Both));
        assert!(matches!(parse_key(Some("abcd"), None), Err(KeyInputError::Invalid(_))));
    }
}
