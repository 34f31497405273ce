//! The body of a plain frame: `[data]` then `[xdata]...` then an optional `_timestamp`.

use crate::error::DecodeError;
use crate::timestamp::Timestamp;
use crate::xdata::XData;

/// The decoded parts of a plain body.
pub(crate) struct Body {
    pub data: String,
    pub xdata: Vec<XData>,
    pub timestamp: Option<Timestamp>,
}

/// Parses a body that starts with `[`.
pub(crate) fn parse(body: &str) -> Result<Body, DecodeError> {
    let (data, mut rest) = block(body).ok_or(DecodeError::MalformedBody("data block has no closing ]"))?;
    let mut xdata = Vec::new();
    while rest.starts_with('[') {
        let (content, r) = block(rest).ok_or(DecodeError::MalformedBody("extended data block has no closing ]"))?;
        xdata.push(XData::parse(content).ok_or(DecodeError::MalformedBody("empty extended data block"))?);
        rest = r;
    }
    let timestamp = match rest.strip_prefix('_') {
        Some(text) => Some(text.parse().map_err(|_| DecodeError::BadTimestamp(text.to_owned()))?),
        None if rest.is_empty() => None,
        None => return Err(DecodeError::MalformedBody("unexpected text after the data blocks")),
    };
    Ok(Body { data: data.to_owned(), xdata, timestamp })
}

/// Splits `[content]rest` into content and rest.
fn block(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    Some((&inner[..end], &inner[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_xdata_timestamp() {
        let b = parse("[#1234|Nri1/BA05][X093W23.456][H03:04:00,01-02-2026]_03:04:05,01-02-2026").unwrap();
        assert_eq!(b.data, "#1234|Nri1/BA05");
        assert_eq!(b.xdata.len(), 2);
        assert_eq!(b.xdata[1].id, 'H');
        assert_eq!(b.timestamp.unwrap().to_string(), "03:04:05,01-02-2026");
    }

    #[test]
    fn empty_data() {
        let b = parse("[]").unwrap();
        assert_eq!((b.data.as_str(), b.xdata.len(), b.timestamp), ("", 0, None));
    }

    #[test]
    fn errors() {
        let reason = |s: &str| parse(s).err().map(|e| e.reason());
        assert_eq!(reason("[#1234|1130 01 005"), Some("malformed_body"));
        assert_eq!(reason("[a][b"), Some("malformed_body"));
        assert_eq!(reason("[a][]"), Some("malformed_body"));
        assert_eq!(reason("[a]x"), Some("malformed_body"));
        assert_eq!(reason("[a]_not-a-timestamp"), Some("bad_timestamp"));
        assert_eq!(reason("[a]_"), Some("bad_timestamp"));
        assert_eq!(reason("[a]_03:04:05,01-02-2026x"), Some("bad_timestamp"));
    }
}
