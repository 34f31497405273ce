//! The receiver's answers: ACK, NAK and DUH.
//!
//! Choices where the shared vectors list alternatives (`alt_response_kinds`):
//!
//! | vector | vectors say | Vigil | why |
//! | --- | --- | --- | --- |
//! | `sia_unknown_code_ZX` | DUH (alt ACK) | ACK | the frame is intact and the event is kept raw with `known = false`, so an alarm is never lost to an outdated code table |
//! | `unknown_account_plain` | DUH (alt NAK, NONE) | codec: ACK | the codec cannot know accounts; the server overrides [`Frame::reply_kind`] for accounts it does not monitor |
//! | `encrypted_but_no_key_configured` | NAK (alt DUH) | NAK | the frame may be valid; a NAK with the receiver's time is what the spec gives for frames the receiver cannot accept |
//! | `wrong_key` | NAK (alt DUH, NONE) | NAK | a wrong key and a corrupted plaintext look the same (CBC has no MAC); the panel learns that the receiver refused it |
//! | `ciphertext_not_block_aligned`, `ciphertext_not_hex` | NAK (alt NONE) | NAK | CRC and length were right, so the frame arrived intact: it is refused, not lost |
//! | `encrypted_pad_contains_brackets` | NAK (alt ACK) | NAK | DC-09 forbids `[` `]` in the pad; accepting it would mean guessing where the data starts |
//!
//! All other vectors get their primary `response_kind`: nothing for frames that cannot be
//! trusted (garbage, truncated, bad framing, unreadable CRC/length, CRC or length mismatch:
//! the panel retransmits), NAK for intact frames that are not valid messages (bad sequence,
//! missing `L`, malformed header/body, bad timestamp, encrypted without a key, undecryptable,
//! timestamp outside +20 s / -40 s). The NAK is always the plain one carrying the receiver's
//! time, also for encrypted frames, so a panel with a drifting clock can resynchronise.
//! The answer to a decrypted frame is encrypted ([`Frame::reply_encrypted`]).

use crate::frame::Frame;
use crate::timestamp::Timestamp;
use crate::token::Token;

/// The kind of answer the receiver sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyKind {
    /// Positive acknowledgement.
    Ack,
    /// Negative acknowledgement: the plain `"NAK"0000R0L0A0[]_<receiver time>`.
    Nak,
    /// Received correctly but cannot be processed.
    Duh,
    /// Send nothing.
    None,
}

impl ReplyKind {
    /// Upper-case name as used by the shared vectors (`ACK`, `NAK`, `DUH`, `NONE`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ReplyKind::Ack => "ACK",
            ReplyKind::Nak => "NAK",
            ReplyKind::Duh => "DUH",
            ReplyKind::None => "NONE",
        }
    }
}

/// The plain NAK carrying the receiver's time: `"NAK"0000R0L0A0[]_HH:MM:SS,MM-DD-YYYY`.
pub fn nak(now: Timestamp) -> Vec<u8> {
    Frame {
        token: Token::Nak,
        encrypted: false,
        seq: 0,
        receiver: Some("0".to_owned()),
        line: "0".to_owned(),
        account: String::new(),
        data: String::new(),
        xdata: Vec::new(),
        timestamp: Some(now),
    }
    .encode()
}

impl Frame {
    /// `ACK` echoing this frame's sequence number, receiver, line, account and timestamp,
    /// with an empty `[]` body.
    pub fn ack(&self) -> Vec<u8> {
        self.answer(Token::Ack)
    }

    /// `DUH` echoing this frame's sequence number, receiver, line, account and timestamp,
    /// with an empty `[]` body.
    pub fn duh(&self) -> Vec<u8> {
        self.answer(Token::Duh)
    }

    /// The codec's answer to this decoded frame: nothing to a reply (`ACK`/`NAK`/`DUH`),
    /// `DUH` to an unknown token or to event data that cannot be parsed, else `ACK` (also for
    /// unknown event codes). Account checks are the caller's.
    pub fn reply_kind(&self) -> ReplyKind {
        match self.token {
            Token::Ack | Token::Nak | Token::Duh => ReplyKind::None,
            Token::Other(_) => ReplyKind::Duh,
            Token::AdmCid | Token::SiaDcs | Token::Null => match self.events() {
                Ok(_) => ReplyKind::Ack,
                Err(_) => ReplyKind::Duh,
            },
        }
    }

    /// The bytes of [`reply_kind`](Frame::reply_kind)'s answer, if any, always plain. For a
    /// frame decrypted by [`Frame::decode_with`] use [`Frame::reply_encrypted`].
    pub fn reply(&self) -> Option<Vec<u8>> {
        match self.reply_kind() {
            ReplyKind::Ack => Some(self.ack()),
            ReplyKind::Duh => Some(self.duh()),
            ReplyKind::Nak | ReplyKind::None => None,
        }
    }

    fn answer(&self, token: Token) -> Vec<u8> {
        self.reply_frame(token, false, self.timestamp).encode()
    }

    /// The reply frame to this one: same seq, receiver, line and account, empty body.
    pub(crate) fn reply_frame(&self, token: Token, encrypted: bool, timestamp: Option<Timestamp>) -> Frame {
        Frame {
            token,
            encrypted,
            seq: self.seq,
            receiver: self.receiver.clone(),
            line: self.line.clone(),
            account: self.account.clone(),
            data: String::new(),
            xdata: Vec::new(),
            timestamp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nak_matches_spec_shape() {
        let now: Timestamp = "16:09:09,04-14-2015".parse().unwrap();
        assert_eq!(nak(now), b"\n3C830025\"NAK\"0000R0L0A0[]_16:09:09,04-14-2015\r");
    }

    #[test]
    fn ack_echoes_header() {
        let f = Frame::decode(b"\n1D85002B\"NULL\"0001L0#00653210[]_09:17:32,05-18-2016\r").unwrap();
        let ack = Frame::decode(&f.ack()).unwrap();
        assert_eq!(ack.token, Token::Ack);
        assert_eq!((ack.seq, ack.receiver, ack.line, ack.account), (1, None, "0".into(), "00653210".into()));
        assert_eq!((ack.data.as_str(), ack.timestamp), ("", f.timestamp));
        assert_eq!(Frame::decode(&f.duh()).unwrap().token, Token::Duh);
    }

    #[test]
    fn reply_kinds() {
        let cid = Frame::decode(b"\n7EE80027\"ADM-CID\"0001L0#1234[#1234|1130 01 005]\r").unwrap();
        assert_eq!(cid.reply_kind(), ReplyKind::Ack);
        assert_eq!(cid.reply(), Some(cid.ack()));
        let bad = Frame { data: "#1234|9130 01 005".into(), ..cid.clone() };
        assert_eq!(bad.reply_kind(), ReplyKind::Duh);
        assert_eq!(bad.reply(), Some(bad.duh()));
        let odd = Frame { token: Token::Other("ADM-XYZ".into()), ..cid.clone() };
        assert_eq!(odd.reply_kind(), ReplyKind::Duh);
        let ack = Frame { token: Token::Ack, data: String::new(), ..cid };
        assert_eq!((ack.reply_kind(), ack.reply()), (ReplyKind::None, None));
    }
}
