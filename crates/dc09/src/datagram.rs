//! DC-09 over UDP: one datagram carries exactly one frame ([`datagram_frame`]).

use std::borrow::Cow;

use crate::envelope::{CR, LF};
use crate::error::DecodeError;
use crate::frame::Frame;
use crate::key::Key;
use crate::timestamp::Timestamp;

/// The frame carried by a UDP datagram.
///
/// Over TCP, LF and CR are what delimit frames ([`crate::FrameSplitter`]); in a datagram the
/// datagram's own boundaries do, and CRC and length still check every byte of the message.
/// So a datagram is taken as one frame after this normalisation:
///
/// * NUL, space, tab, CR and LF before the frame's CRC field and after its last byte are
///   padding (`"\n...\r\n"`, zero-padded datagrams) and are dropped;
/// * a missing leading LF or closing CR is supplied, when what is left starts like a frame
///   (4 + 4 hex digits and `"`).
///
/// Anything else is left as received and fails to decode like any bad frame, answered with
/// nothing: bytes that do not start like a frame ([`DecodeError::Garbage`]), two frames or
/// text after the frame ([`DecodeError::MalformedFrame`]: LF or CR inside the frame), a frame
/// cut short (CRC or length mismatch). A datagram is never split into several frames.
///
/// The result is borrowed when the datagram is exactly one `LF ... CR` frame already, or is
/// not frame-like at all.
pub fn datagram_frame(datagram: &[u8]) -> Cow<'_, [u8]> {
    let is_padding = |b: &u8| matches!(b, 0 | b' ' | b'\t' | b'\r' | b'\n');
    let end = datagram.iter().rposition(|b| !is_padding(b)).map_or(0, |i| i + 1);
    let start = datagram[..end].iter().position(|b| !is_padding(b)).unwrap_or(end);
    let core = &datagram[start..end];
    let exact = start == 1 && datagram[0] == LF && datagram[end..] == [CR];
    if exact || !starts_like_frame(core) {
        return Cow::Borrowed(datagram);
    }
    let mut frame = Vec::with_capacity(core.len() + 2);
    frame.push(LF);
    frame.extend_from_slice(core);
    frame.push(CR);
    Cow::Owned(frame)
}

/// 8 hex digits (CRC and length fields) followed by the token's opening quote.
fn starts_like_frame(core: &[u8]) -> bool {
    core.len() > 8 && core[..8].iter().all(u8::is_ascii_hexdigit) && core[8] == b'"'
}

impl Frame {
    /// Decodes the frame of one UDP datagram: [`datagram_frame`], then [`Frame::decode`].
    pub fn decode_datagram(datagram: &[u8]) -> Result<Frame, DecodeError> {
        Frame::decode(&datagram_frame(datagram))
    }

    /// Decodes and, if encrypted, decrypts the frame of one UDP datagram:
    /// [`datagram_frame`], then [`Frame::decode_with`].
    pub fn decode_datagram_with(
        datagram: &[u8],
        key_for: impl Fn(&str) -> Option<Key>,
        now: Timestamp,
    ) -> Result<Frame, DecodeError> {
        Frame::decode_with(&datagram_frame(datagram), key_for, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[u8] = b"\n7EE80027\"ADM-CID\"0001L0#1234[#1234|1130 01 005]\r";

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn exact_frame_is_borrowed() {
        assert!(matches!(datagram_frame(A), Cow::Borrowed(f) if f == A));
        assert!(Frame::decode_datagram(A).is_ok());
    }

    #[test]
    fn padding_and_missing_delimiters_are_tolerated() {
        let inner = &A[1..A.len() - 1];
        for d in [
            cat(&[A, b"\n"]),
            cat(&[A, b"\0\0\0\0"]),
            cat(&[b"\r\n", A, b"\r\n"]),
            cat(&[inner, b"\r"]),
            cat(&[b"\n", inner]),
            inner.to_vec(),
            cat(&[inner, b"\r\n"]),
        ] {
            assert_eq!(datagram_frame(&d).as_ref(), A, "{d:?}");
            assert_eq!(Frame::decode_datagram(&d), Frame::decode(A), "{d:?}");
        }
    }

    #[test]
    fn not_exactly_one_frame_is_an_error() {
        let reason = |d: &[u8]| Frame::decode_datagram(d).unwrap_err().reason();
        assert_eq!(reason(&cat(&[A, A])), "malformed_frame");
        assert_eq!(reason(&cat(&[A, b"junk"])), "malformed_frame");
        assert_eq!(reason(b"this is not a parsable event"), "garbage");
        assert_eq!(reason(b""), "truncated");
        assert_eq!(reason(b"\0\0"), "garbage");
        assert_eq!(reason(&A[..30]), "crc_mismatch");
        assert_eq!(reason(&cat(&[b"junk", A])), "malformed_frame");
    }
}
