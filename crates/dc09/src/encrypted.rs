//! Encrypted frames: `"*TOKEN"... [` + hex of AES-CBC(zero IV) of
//! `pad|data][xdata]..._timestamp`, and the encrypted ACK/DUH.

use crate::body;
use crate::envelope;
use crate::error::DecodeError;
use crate::frame::{region_text, Frame};
use crate::header::{self, Header};
use crate::key::{hex_byte, Key, BLOCK};
use crate::reply::ReplyKind;
use crate::timestamp::Timestamp;
use crate::token::Token;

/// How far (seconds) a decrypted frame's timestamp may be ahead of the receiver's clock.
pub const MAX_AHEAD_SECS: i64 = 20;
/// How far (seconds) a decrypted frame's timestamp may be behind the receiver's clock.
pub const MAX_BEHIND_SECS: i64 = 40;

/// Bytes DC-09 forbids in the pad.
fn forbidden_in_pad(b: u8) -> bool {
    matches!(b, b'|' | b'[' | b']')
}

impl Frame {
    /// Decodes one whole frame, decrypting it if it is encrypted.
    ///
    /// Plain frames are decoded exactly as by [`Frame::decode`] (no timestamp window). For an
    /// encrypted frame (`"*TOKEN"`), `key_for` is asked for the key of the header's account
    /// (upper-case hex, `""` for the `A0` placeholder); then:
    ///
    /// * no key: [`DecodeError::NoKey`];
    /// * ciphertext (after `[`, an optional closing `]` tolerated) not hex, empty, or not a
    ///   whole number of 16-byte blocks: [`DecodeError::DecryptFailed`];
    /// * plaintext `pad|data][xdata]..._timestamp`: the pad ends at the first `|`. The form
    ///   without `|` (`pad][xdata]..._timestamp`, empty data), written by siadc09 and others
    ///   for empty data, is accepted when no `|` comes before the first `]` and the rest
    ///   parses. A pad containing `[` or `]`: [`DecodeError::PadForbiddenChars`]; a
    ///   plaintext without `]`, with control characters after the pad, or whose rest does not
    ///   parse: [`DecodeError::DecryptFailed`] (a wrong key looks like this);
    /// * no timestamp: [`DecodeError::MissingTimestamp`]; a timestamp more than 20 s ahead of
    ///   or 40 s behind `now` (bounds included in the window):
    ///   [`DecodeError::TimestampInFuture`] / [`DecodeError::TimestampTooOld`].
    ///
    /// All these errors are answered with the plain NAK carrying `now`
    /// ([`DecodeError::reply`]). A decrypted frame has `encrypted: true`; answer it with
    /// [`Frame::reply_encrypted`] (or [`Frame::ack_encrypted`]).
    pub fn decode_with(
        raw: &[u8],
        key_for: impl Fn(&str) -> Option<Key>,
        now: Timestamp,
    ) -> Result<Frame, DecodeError> {
        let region = envelope::open(raw)?;
        let text = region_text(region);
        let (header, rest) = header::parse(&text)?;
        if !header.encrypted {
            return Ok(Frame::from_parts(header, body::parse(rest)?));
        }
        let Some(key) = key_for(&header.account) else {
            return Err(DecodeError::NoKey(Box::new(header)));
        };
        let failed = |header: Header, detail| DecodeError::DecryptFailed { header: Box::new(header), detail };
        // `rest` starts with `[`.
        let hex = &rest[1..];
        let hex = hex.strip_suffix(']').unwrap_or(hex);
        let Some(mut plain) = unhex(hex) else {
            return Err(failed(header, "ciphertext is not hex"));
        };
        if plain.is_empty() || !plain.len().is_multiple_of(BLOCK) {
            return Err(failed(header, "ciphertext is not a whole number of AES blocks"));
        }
        key.decrypt(&mut plain);
        let body = match parse_plaintext(&plain) {
            Ok(body) => body,
            Err(Plain::Failed(detail)) => return Err(failed(header, detail)),
            Err(Plain::Pad) => return Err(DecodeError::PadForbiddenChars(Box::new(header))),
        };
        let Some(ts) = body.timestamp else {
            return Err(DecodeError::MissingTimestamp(Box::new(header)));
        };
        let frame = Box::new(Frame::from_parts(header, body));
        let skew = ts.to_unix() - now.to_unix();
        if skew > MAX_AHEAD_SECS {
            Err(DecodeError::TimestampInFuture { frame, now })
        } else if skew < -MAX_BEHIND_SECS {
            Err(DecodeError::TimestampTooOld { frame, now })
        } else {
            Ok(*frame)
        }
    }

    /// Encodes the frame encrypted with `key`: `"*TOKEN"seq[Rrcvr]Lline#acct[` followed by the
    /// upper-case hex of AES-CBC (zero IV) of `pad|data][xdata]..._timestamp`, CRC and length
    /// computed. `encrypted` is ignored.
    ///
    /// The timestamp is mandatory for encrypted frames: set [`Frame::timestamp`] (a frame
    /// without one is written without one, and receivers reject it).
    ///
    /// `pad` supplies the random pad bytes (sans-IO: the caller owns the random number
    /// generator). If `pad` is non-empty and its length makes the plaintext a whole number of
    /// blocks, it is used as is; otherwise the pad is the shortest 1..=16 bytes that does,
    /// taken cyclically from `pad` (all `'0'` when `pad` is empty: deterministic, as
    /// pysiaalarm). The forbidden bytes `|`, `[`, `]` are replaced by themselves XOR 0x80.
    pub fn encode_encrypted(&self, key: &Key, pad: &[u8]) -> Vec<u8> {
        let mut after = String::from("|");
        self.write_body_after_bracket(&mut after);
        self.seal_encrypted(key, pad, after.as_bytes())
    }

    /// The encrypted `ACK` to this frame: `"*ACK"` echoing sequence number, receiver, line and
    /// account, with the encrypted body `pad|]_now` (`now` is the receiver's time). `pad` as
    /// for [`Frame::encode_encrypted`].
    pub fn ack_encrypted(&self, key: &Key, pad: &[u8], now: Timestamp) -> Vec<u8> {
        self.answer_encrypted(Token::Ack, key, pad, now)
    }

    /// The encrypted `DUH` to this frame, like [`Frame::ack_encrypted`].
    pub fn duh_encrypted(&self, key: &Key, pad: &[u8], now: Timestamp) -> Vec<u8> {
        self.answer_encrypted(Token::Duh, key, pad, now)
    }

    /// The bytes of [`reply_kind`](Frame::reply_kind)'s answer, if any, encrypted with `key`
    /// when this frame was encrypted (the spec: the ACK to an encrypted message is itself
    /// encrypted), else the plain [`Frame::reply`].
    pub fn reply_encrypted(&self, key: &Key, pad: &[u8], now: Timestamp) -> Option<Vec<u8>> {
        if !self.encrypted {
            return self.reply();
        }
        match self.reply_kind() {
            ReplyKind::Ack => Some(self.ack_encrypted(key, pad, now)),
            ReplyKind::Duh => Some(self.duh_encrypted(key, pad, now)),
            ReplyKind::Nak | ReplyKind::None => None,
        }
    }

    fn answer_encrypted(&self, token: Token, key: &Key, pad: &[u8], now: Timestamp) -> Vec<u8> {
        self.reply_frame(token, true, Some(now)).encode_encrypted(key, pad)
    }

    fn seal_encrypted(&self, key: &Key, pad: &[u8], after_pad: &[u8]) -> Vec<u8> {
        let mut plain = make_pad(pad, after_pad.len());
        plain.extend_from_slice(after_pad);
        key.encrypt(&mut plain);
        let mut region = String::with_capacity(40 + 2 * plain.len());
        self.write_header(&mut region, true);
        region.push('[');
        for b in &plain {
            region.push_str(&format!("{b:02X}"));
        }
        envelope::seal(region.as_bytes())
    }
}

/// The pad for a plaintext whose part after the pad is `rest_len` bytes long.
fn make_pad(pad: &[u8], rest_len: usize) -> Vec<u8> {
    let n = if !pad.is_empty() && (pad.len() + rest_len).is_multiple_of(BLOCK) {
        pad.len()
    } else {
        BLOCK - rest_len % BLOCK
    };
    (0..n)
        .map(|i| match pad.get(i % pad.len().max(1)) {
            None => b'0',
            Some(&b) if forbidden_in_pad(b) => b ^ 0x80,
            Some(&b) => b,
        })
        .collect()
}

/// Why a plaintext could not be read.
enum Plain {
    Failed(&'static str),
    Pad,
}

/// Splits a plaintext into pad and body and parses the body.
fn parse_plaintext(plain: &[u8]) -> Result<body::Body, Plain> {
    let close = plain.iter().position(|&b| b == b']').ok_or(Plain::Failed("no ']' in the plaintext: wrong key?"))?;
    let bar = plain.iter().position(|&b| b == b'|');
    match bar {
        Some(p) if p < close => {
            if plain[..p].contains(&b'[') {
                return Err(Plain::Pad);
            }
            parse_after_pad(&plain[p + 1..])
        }
        _ => {
            // No `|` before the first `]`: the form without pad terminator (empty data), or a
            // pad that contains `]` before its `|`.
            let pad = &plain[..close];
            match parse_after_pad(&plain[close..]) {
                Ok(body) if !pad.contains(&b'[') => Ok(body),
                Ok(_) => Err(Plain::Pad),
                Err(_) if bar.is_some() => Err(Plain::Pad),
                Err(e) => Err(e),
            }
        }
    }
}

/// Parses `data][xdata]..._timestamp`.
fn parse_after_pad(rest: &[u8]) -> Result<body::Body, Plain> {
    if rest.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(Plain::Failed("control characters after the pad: wrong key?"));
    }
    let mut text = String::from("[");
    text.push_str(&region_text(rest));
    body::parse(&text).map_err(|e| {
        Plain::Failed(match e {
            DecodeError::BadTimestamp(_) => "plaintext has a bad timestamp",
            _ => "plaintext is not data]...: wrong key?",
        })
    })
}

/// The bytes of an even-length hex text, or `None`.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2).map(|p| hex_byte(p[0], p[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn pad_lengths() {
        assert_eq!(make_pad(b"", 22), b"0000000000");
        assert_eq!(make_pad(b"ab", 32).len(), 16);
        assert_eq!(make_pad(b"ab", 35), b"ababababababa");
        assert_eq!(make_pad(b"|[]", 29), vec![0xfc, 0xdb, 0xdd]);
        assert_eq!(make_pad(&[1; 27], 21).len(), 27);
    }

    #[test]
    fn plaintext_forms() {
        let body = |p: &[u8]| parse_plaintext(p).ok().map(|b| (b.data, b.xdata.len()));
        assert_eq!(body(b"pad|#1234|NBA1]_03:04:05,01-02-2026"), Some(("#1234|NBA1".into(), 0)));
        assert_eq!(body(b"ppp]_03:04:05,01-02-2026"), Some((String::new(), 0)));
        assert_eq!(body(b"ppp][Ia|b]_03:04:05,01-02-2026"), Some((String::new(), 1)));
        assert!(matches!(parse_plaintext(b"00]0|#1234|NBA1]_03:04:05,01-02-2026"), Err(Plain::Pad)));
        assert!(matches!(parse_plaintext(b"0[0|#1234|NBA1]_03:04:05,01-02-2026"), Err(Plain::Pad)));
        assert!(matches!(parse_plaintext(b"no bracket at all"), Err(Plain::Failed(_))));
        assert!(matches!(parse_plaintext(b"p|a\x01b]_03:04:05,01-02-2026"), Err(Plain::Failed(_))));
    }

    #[test]
    fn window_bounds() {
        let key = Key::ascii("0123456789ABCDEF").unwrap();
        let now = ts("12:00:00,01-02-2026");
        let frame = |t: &str| Frame {
            token: Token::Null,
            encrypted: true,
            seq: 1,
            receiver: None,
            line: "0".into(),
            account: "1234".into(),
            data: String::new(),
            xdata: Vec::new(),
            timestamp: Some(ts(t)),
        };
        let decode = |f: &Frame| {
            Frame::decode_with(&f.encode_encrypted(&key, b"x"), |_| Some(key.clone()), now).map_err(|e| e.reason())
        };
        for ok in ["12:00:20,01-02-2026", "11:59:20,01-02-2026", "12:00:00,01-02-2026"] {
            assert_eq!(decode(&frame(ok)), Ok(frame(ok)), "{ok}");
        }
        assert_eq!(decode(&frame("12:00:21,01-02-2026")), Err("timestamp_in_future"));
        assert_eq!(decode(&frame("11:59:19,01-02-2026")), Err("timestamp_too_old"));
        let untimed = Frame { timestamp: None, ..frame("12:00:00,01-02-2026") };
        assert_eq!(decode(&untimed), Err("missing_timestamp"));
    }
}
