//! The [`Frame`] type: one decoded DC-09 message, and its wire encoding.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::body;
use crate::envelope;
use crate::error::DecodeError;
use crate::event::{self, Event, EventError};
use crate::header::{self, Header};
use crate::timestamp::Timestamp;
use crate::token::Token;
use crate::xdata::XData;

/// One plain (decrypted) DC-09 message.
///
/// Wire form: `LF crc len "token" seq [Rrcvr] Lpref #acct [data][xdata]... [_timestamp] CR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The message token.
    pub token: Token,
    /// Whether the frame was encrypted on the wire (decoded by [`Frame::decode_with`]).
    /// [`Frame::encode`] ignores it; [`Frame::encode_encrypted`] always encrypts.
    pub encrypted: bool,
    /// Sequence number, 4 decimal digits on the wire (0..=9999).
    pub seq: u16,
    /// Receiver number: hex digits after `R`, case as received; compare case-insensitively.
    pub receiver: Option<String>,
    /// Line prefix: hex digits after `L`, case as received.
    pub line: String,
    /// Account: 3-16 hex digits after `#`, upper case. Empty when the frame carries the spec's
    /// `A0` placeholder instead (as in the receiver's `"NAK"0000R0L0A0[]`).
    pub account: String,
    /// Content of the first `[...]` block, without brackets (`""` for `[]`).
    pub data: String,
    /// The extended data blocks that follow the data block.
    pub xdata: Vec<XData>,
    /// The `_HH:MM:SS,MM-DD-YYYY` timestamp, if present.
    pub timestamp: Option<Timestamp>,
}

impl Frame {
    /// Decodes one whole frame, LF through CR.
    ///
    /// Checks, in order: framing, CRC, length, header, body. CRC and length are taken over the
    /// bytes from the opening quote to before CR; hex fields may be lower case. An encrypted
    /// frame yields [`DecodeError::NoKey`] with its decoded header; use
    /// [`Frame::decode_with`] to decrypt.
    pub fn decode(raw: &[u8]) -> Result<Frame, DecodeError> {
        let region = envelope::open(raw)?;
        let text = region_text(region);
        let (header, rest) = header::parse(&text)?;
        if header.encrypted {
            return Err(DecodeError::NoKey(Box::new(header)));
        }
        let body = body::parse(rest)?;
        Ok(Frame::from_parts(header, body))
    }

    /// Joins a decoded header and body.
    pub(crate) fn from_parts(header: Header, body: body::Body) -> Frame {
        let Header { token, encrypted, seq, receiver, line, account } = header;
        Frame {
            token,
            encrypted,
            seq,
            receiver,
            line,
            account,
            data: body.data,
            xdata: body.xdata,
            timestamp: body.timestamp,
        }
    }

    /// Encodes the frame as plain wire bytes, LF through CR, with CRC and length computed.
    ///
    /// `encrypted` is ignored (see [`Frame::encode_encrypted`]); a sequence number above 9999 is
    /// written modulo 10000; an empty account is written as the `A0` placeholder. Data and
    /// extended data must not contain `]`, LF or CR, or the frame will not decode.
    pub fn encode(&self) -> Vec<u8> {
        let mut region = String::with_capacity(64 + self.data.len());
        self.write_header(&mut region, false);
        region.push('[');
        self.write_body_after_bracket(&mut region);
        envelope::seal(region.as_bytes())
    }

    /// Writes `"[*]token"seq[Rrcvr]Lline#acct` (or `A0` for an empty account).
    pub(crate) fn write_header(&self, region: &mut String, encrypted: bool) {
        let star = if encrypted { "*" } else { "" };
        let _ = write!(region, "\"{star}{}\"{:04}", self.token.as_str(), self.seq % 10_000);
        if let Some(receiver) = &self.receiver {
            let _ = write!(region, "R{receiver}");
        }
        let _ = write!(region, "L{}", self.line);
        if self.account.is_empty() {
            region.push_str("A0");
        } else {
            let _ = write!(region, "#{}", self.account);
        }
    }

    /// Writes `data][xdata]..._timestamp`: the body after the opening `[`, which is also the
    /// part of an encrypted frame's plaintext after the pad and `|`.
    pub(crate) fn write_body_after_bracket(&self, region: &mut String) {
        let _ = write!(region, "{}]", self.data);
        for x in &self.xdata {
            let _ = write!(region, "{x}");
        }
        if let Some(ts) = &self.timestamp {
            let _ = write!(region, "_{ts}");
        }
    }

    /// The header fields of this frame.
    pub fn header(&self) -> Header {
        Header {
            token: self.token.clone(),
            encrypted: self.encrypted,
            seq: self.seq,
            receiver: self.receiver.clone(),
            line: self.line.clone(),
            account: self.account.clone(),
        }
    }

    /// The first extended data block with identifier `id` (`'X'`, `'H'`, ...), if any.
    pub fn find_xdata(&self, id: char) -> Option<&XData> {
        self.xdata.iter().find(|x| x.id == id)
    }

    /// Where the event happened, as (latitude, longitude) in decimal degrees, from the first
    /// readable `[Y..]` and `[X..]` blocks ([`XData::latitude`], [`XData::longitude`]).
    pub fn position(&self) -> Option<(f64, f64)> {
        let lat = self.xdata.iter().find_map(XData::latitude)?;
        let lon = self.xdata.iter().find_map(XData::longitude)?;
        Some((lat, lon))
    }

    /// The events carried by the data block: Contact ID or SIA DCS; none for `NULL`, `ACK`,
    /// `NAK`, `DUH` or an empty data block.
    pub fn events(&self) -> Result<Vec<Event>, EventError> {
        event::events_of(&self.token, &self.data)
    }
}

/// The region as text: UTF-8 if valid, else Latin-1 (one char per byte), so no frame is
/// refused for the encoding of a free-text field.
pub(crate) fn region_text(region: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(region) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(region.iter().map(|&b| char::from(b)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CID: &[u8] = b"\n7EE80027\"ADM-CID\"0001L0#1234[#1234|1130 01 005]\r";

    #[test]
    fn decode_cid() {
        let f = Frame::decode(CID).unwrap();
        assert_eq!(f.token, Token::AdmCid);
        assert_eq!((f.seq, f.receiver.as_deref(), f.line.as_str()), (1, None, "0"));
        assert_eq!((f.account.as_str(), f.data.as_str()), ("1234", "#1234|1130 01 005"));
        assert!(f.xdata.is_empty() && f.timestamp.is_none() && !f.encrypted);
    }

    #[test]
    fn encode_reproduces_wire_bytes() {
        assert_eq!(Frame::decode(CID).unwrap().encode(), CID);
        let with_all = b"\nAD75006B\"SIA-DCS\"0047R3L12#1234[#1234|Nri1/BA05][X093W23.456][Y45N23.456][H03:04:00,01-02-2026]_03:04:05,01-02-2026\r";
        assert_eq!(Frame::decode(with_all).unwrap().encode(), with_all);
    }

    #[test]
    fn typed_extended_data() {
        let raw = b"\nAD75006B\"SIA-DCS\"0047R3L12#1234[#1234|Nri1/BA05][X093W23.456][Y45N23.456][H03:04:00,01-02-2026]_03:04:05,01-02-2026\r";
        let f = Frame::decode(raw).unwrap();
        let (lat, lon) = f.position().unwrap();
        assert!((lat - 45.390_933).abs() < 1e-6 && (lon + 93.390_933).abs() < 1e-6);
        let h = f.find_xdata('H').and_then(XData::time).unwrap();
        assert_eq!(h.to_string(), "03:04:00,01-02-2026");
        assert!(f.find_xdata('M').is_none());
        let mac = Frame::decode(b"\n8C860043\"SIA-DCS\"9876R579BDFL789ABC#123456A[#123456A|NFA129][M1234567890AB]\r")
            .unwrap();
        assert_eq!(mac.find_xdata('M').and_then(XData::mac), Some([0x12, 0x34, 0x56, 0x78, 0x90, 0xAB]));
        assert_eq!(mac.position(), None);
    }

    #[test]
    fn lower_case_account_is_normalised() {
        let raw = envelope::seal(b"\"NULL\"0001L0#abc[]");
        assert_eq!(Frame::decode(&raw).unwrap().account, "ABC");
    }

    #[test]
    fn latin1_text_is_kept() {
        let raw = envelope::seal(b"\"SIA-DCS\"0001L0#1234[#1234|NBA1|Acuisine \xe9t\xe9]");
        assert_eq!(Frame::decode(&raw).unwrap().data, "#1234|NBA1|Acuisine été");
    }

    #[test]
    fn encrypted_frame_returns_header() {
        let raw = b"\n41BD0076\"*ADM-CID\"0001L0#1234[D41C7E5288F1B68F7A0DC639D777222E1AF9924CAEE7B6504A073219D6BB3962804AF236B894A4D904EFC6835A1E0521\r";
        match Frame::decode(raw) {
            Err(DecodeError::NoKey(h)) => {
                assert_eq!((h.token, h.encrypted, h.seq), (Token::AdmCid, true, 1));
                assert_eq!((h.line.as_str(), h.account.as_str()), ("0", "1234"));
            }
            other => panic!("expected NoKey, got {other:?}"),
        }
    }
}
