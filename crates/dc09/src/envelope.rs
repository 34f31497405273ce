//! The outer layer of a frame: `LF crc(4 hex) len(4 hex) ... CR`.

use crate::crc::crc16_arc;
use crate::error::DecodeError;

/// Line feed, the first byte of every frame.
pub(crate) const LF: u8 = b'\n';
/// Carriage return, the last byte of every frame.
pub(crate) const CR: u8 = b'\r';

/// Bytes of LF, CRC field and length field before the checked region.
const PREFIX_LEN: usize = 9;

/// Checks the framing, CRC and length of one whole frame and returns the checked region
/// (from the opening quote to before CR).
pub(crate) fn open(raw: &[u8]) -> Result<&[u8], DecodeError> {
    let Some(&first) = raw.first() else {
        return Err(DecodeError::Truncated);
    };
    if first != LF {
        return Err(if raw.contains(&b'"') {
            DecodeError::MalformedFrame("does not start with LF")
        } else {
            DecodeError::Garbage
        });
    }
    if raw.last() != Some(&CR) || raw.len() == 1 {
        return Err(DecodeError::Truncated);
    }
    let inner = &raw[1..raw.len() - 1];
    if inner.iter().any(|&b| b == LF || b == CR) {
        return Err(DecodeError::MalformedFrame("LF or CR inside the frame"));
    }
    if raw.len() <= PREFIX_LEN + 1 {
        return Err(DecodeError::MalformedFrame("too short for CRC and length fields"));
    }
    let crc_field = hex4(&raw[1..5]).ok_or(DecodeError::UnreadablePrefix("CRC field is not 4 hex digits"))?;
    let len_field =
        hex4(&raw[5..PREFIX_LEN]).ok_or(DecodeError::UnreadablePrefix("length field is not 4 hex digits"))?;
    let region = &raw[PREFIX_LEN..raw.len() - 1];
    let computed = crc16_arc(region);
    if computed != crc_field {
        return Err(DecodeError::CrcMismatch { field: crc_field, computed });
    }
    if usize::from(len_field) != region.len() {
        return Err(DecodeError::LengthMismatch { field: usize::from(len_field), actual: region.len() });
    }
    Ok(region)
}

/// Wraps a region into a whole frame: LF, CRC, length (upper-case hex), region, CR.
pub(crate) fn seal(region: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(region.len() + PREFIX_LEN + 1);
    out.push(LF);
    out.extend_from_slice(format!("{:04X}{:04X}", crc16_arc(region), region.len()).as_bytes());
    out.extend_from_slice(region);
    out.push(CR);
    out
}

fn hex4(field: &[u8]) -> Option<u16> {
    field.iter().try_fold(0u16, |acc, &c| {
        let digit = char::from(c).to_digit(16)?;
        Some(acc << 4 | digit as u16)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open() {
        let region = b"\"NULL\"0000L0#1234[]";
        let frame = seal(region);
        assert_eq!(frame, b"\n1EF20013\"NULL\"0000L0#1234[]\r");
        assert_eq!(open(&frame).unwrap(), region);
    }

    #[test]
    fn lower_case_fields_accepted() {
        assert!(open(b"\n1ef20013\"NULL\"0000L0#1234[]\r").is_ok());
    }

    #[test]
    fn errors() {
        assert_eq!(open(b""), Err(DecodeError::Truncated));
        assert_eq!(open(b"\n"), Err(DecodeError::Truncated));
        assert_eq!(open(b"\n1EF20013\"NULL\"0000L0#1234[]"), Err(DecodeError::Truncated));
        assert_eq!(open(b"abc"), Err(DecodeError::Garbage));
        assert_eq!(open(b"\n\r").unwrap_err().reason(), "malformed_frame");
        assert_eq!(open(b"1EF2\"NULL\"\r").unwrap_err().reason(), "malformed_frame");
        assert_eq!(open(b"\n1EF2\n0013\"NULL\"\r").unwrap_err().reason(), "malformed_frame");
        assert_eq!(open(b"\nZZZZ0013\"NULL\"0000L0#1234[]\r").unwrap_err().reason(), "malformed_header");
        assert_eq!(open(b"\n1EF2001g\"NULL\"0000L0#1234[]\r").unwrap_err().reason(), "malformed_header");
        assert_eq!(
            open(b"\n1EF30013\"NULL\"0000L0#1234[]\r"),
            Err(DecodeError::CrcMismatch { field: 0x1EF3, computed: 0x1EF2 })
        );
        assert_eq!(
            open(b"\n1EF20014\"NULL\"0000L0#1234[]\r"),
            Err(DecodeError::LengthMismatch { field: 0x14, actual: 0x13 })
        );
    }
}
