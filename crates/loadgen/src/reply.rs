//! Reading the receiver's answers (ACK, NAK, DUH), strictly where possible and leniently for
//! intact frames with a header the codec refuses (pysiaalarm writes `"ACK"0001NoneL0...` for
//! frames without a receiver number).

use dc09::{DecodeError, Frame, Key, ReplyKind, Timestamp, Token};

use crate::frames::Outgoing;

/// What kind of answer the receiver sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Positive acknowledgement: the frame is taken.
    Ack,
    /// Negative acknowledgement: refused (possibly with the receiver's time).
    Nak,
    /// Received but cannot be processed.
    Duh,
}

/// One answer from the receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// ACK, NAK or DUH.
    pub answer: Answer,
    /// The sequence number it echoes, if readable.
    pub seq: Option<u16>,
    /// The account it echoes (upper case), if any (a NAK carries the `A0` placeholder).
    pub account: Option<String>,
    /// The timestamp it carries (the receiver's time in a NAK), if readable.
    pub timestamp: Option<Timestamp>,
}

impl Reply {
    /// Whether this reply answers `out`: a NAK answers whatever is in flight (it carries no
    /// sequence number); an ACK or DUH must echo the frame's sequence number and, when it
    /// carries one, its account.
    pub fn answers(&self, out: &Outgoing) -> bool {
        if self.answer == Answer::Nak {
            return true;
        }
        self.seq == Some(out.seq())
            && self.account.as_deref().is_none_or(|a| a.eq_ignore_ascii_case(&out.frame.account))
    }
}

fn answer_of(token: &Token) -> Option<Answer> {
    match token {
        Token::Ack => Some(Answer::Ack),
        Token::Nak => Some(Answer::Nak),
        Token::Duh => Some(Answer::Duh),
        _ => None,
    }
}

/// Reads one frame received from the receiver; `None` if it is not an intact ACK, NAK or DUH.
///
/// Encrypted answers are decrypted with `key` and checked against the panel clock `now`; one
/// that cannot be decrypted or is outside the time window still counts by its (plain) header.
/// Frames whose CRC, length or framing are wrong are ignored, as a panel would.
pub fn parse_reply(raw: &[u8], key: Option<&Key>, now: Timestamp) -> Option<Reply> {
    match Frame::decode_with(raw, |_| key.cloned(), now) {
        Ok(f) => Some(Reply {
            answer: answer_of(&f.token)?,
            seq: Some(f.seq),
            account: (!f.account.is_empty()).then_some(f.account),
            timestamp: f.timestamp,
        }),
        Err(e) => match e.header() {
            Some(h) => Some(Reply {
                answer: answer_of(&h.token)?,
                seq: Some(h.seq),
                account: (!h.account.is_empty()).then_some(h.account),
                timestamp: match &e {
                    DecodeError::TimestampTooOld { frame, .. } | DecodeError::TimestampInFuture { frame, .. } => {
                        frame.timestamp
                    }
                    _ => None,
                },
            }),
            // NAK-class errors are intact frames (CRC and length right) that the codec refuses.
            None if e.reply_kind() == ReplyKind::Nak => lenient(raw),
            None => None,
        },
    }
}

/// Reads token, sequence number, account and trailing timestamp from an intact frame whose
/// header is not valid DC-09.
fn lenient(raw: &[u8]) -> Option<Reply> {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_matches(['\n', '\r']);
    let open = text.find('"')?;
    let rest = &text[open + 1..];
    let close = rest.find('"')?;
    let token = Token::parse(rest[..close].trim_start_matches('*'));
    let after = &rest[close + 1..];
    let seq = after.get(..4).filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse().ok());
    let head = after.split('[').next().unwrap_or("");
    let account = head
        .split_once('#')
        .map(|(_, a)| a.chars().take_while(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase());
    let timestamp =
        text.rsplit_once("]_").and_then(|(_, ts)| ts.get(..Timestamp::TEXT_LEN)).and_then(|ts| ts.parse().ok());
    Some(Reply { answer: answer_of(&token)?, seq, account: account.filter(|a| !a.is_empty()), timestamp })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::EventFormat;
    use crate::frames::PanelFrames;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    const NOW: i64 = 1_780_000_000;

    fn seal(region: &str) -> Vec<u8> {
        let mut out = format!("\n{:04X}{:04X}", dc09::crc16_arc(region.as_bytes()), region.len()).into_bytes();
        out.extend_from_slice(region.as_bytes());
        out.push(b'\r');
        out
    }

    fn outgoing(key: Option<Key>) -> Outgoing {
        let mut p = PanelFrames::new("100000".into(), EventFormat::Sia, key);
        p.next(NOW, &mut StdRng::seed_from_u64(1))
    }

    #[test]
    fn codec_ack_nak_duh() {
        let now = Timestamp::from_unix(NOW);
        let out = outgoing(None);
        let ack = parse_reply(&out.frame.ack(), None, now).unwrap();
        assert_eq!((ack.answer, ack.seq, ack.account.as_deref()), (Answer::Ack, Some(1), Some("100000")));
        assert!(ack.answers(&out));
        let duh = parse_reply(&out.frame.duh(), None, now).unwrap();
        assert_eq!(duh.answer, Answer::Duh);
        let nak = parse_reply(&dc09::nak(now), None, now).unwrap();
        assert_eq!((nak.answer, nak.account.clone(), nak.timestamp), (Answer::Nak, None, Some(now)));
        assert!(nak.answers(&out));
    }

    #[test]
    fn stale_or_foreign_ack_does_not_answer() {
        let now = Timestamp::from_unix(NOW);
        let out = outgoing(None);
        let other_seq = Frame { seq: 7, ..out.frame.clone() }.ack();
        assert!(!parse_reply(&other_seq, None, now).unwrap().answers(&out));
        let other_acct = Frame { account: "100001".into(), ..out.frame.clone() }.ack();
        assert!(!parse_reply(&other_acct, None, now).unwrap().answers(&out));
    }

    #[test]
    fn encrypted_ack_with_and_without_key() {
        let key = Key::hex("000102030405060708090A0B0C0D0E0F").unwrap();
        let now = Timestamp::from_unix(NOW);
        let out = outgoing(Some(key.clone()));
        let ack = out.frame.ack_encrypted(&key, b"pad", now);
        let r = parse_reply(&ack, Some(&key), now).unwrap();
        assert_eq!((r.answer, r.seq, r.timestamp), (Answer::Ack, Some(1), Some(now)));
        // Wrong key or clock far off: still an ACK by its header.
        let other = Key::hex("FF0102030405060708090A0B0C0D0E0F").unwrap();
        assert_eq!(parse_reply(&ack, Some(&other), now).unwrap().answer, Answer::Ack);
        let late = Timestamp::from_unix(NOW + 3600);
        assert!(parse_reply(&ack, Some(&key), late).unwrap().answers(&out));
    }

    #[test]
    fn pysiaalarm_replies() {
        let now = Timestamp::from_unix(NOW);
        // pysiaalarm writes Python's None for a missing receiver number.
        let ack = seal("\"ACK\"0001NoneL0#100000[]");
        let r = parse_reply(&ack, None, now).unwrap();
        assert_eq!((r.answer, r.seq, r.account.as_deref()), (Answer::Ack, Some(1), Some("100000")));
        let nak = seal("\"NAK\"0000NoneL0A0[]_16:09:09,04-14-2015");
        let r = parse_reply(&nak, None, now).unwrap();
        assert_eq!((r.answer, r.timestamp), (Answer::Nak, Some("16:09:09,04-14-2015".parse().unwrap())));
        // pysiaalarm's plain ACK with a receiver number is valid DC-09.
        let r = parse_reply(&seal("\"ACK\"0042R1L0#100000[]"), None, now).unwrap();
        assert_eq!((r.answer, r.seq), (Answer::Ack, Some(42)));
    }

    #[test]
    fn ignores_damaged_and_non_replies() {
        let now = Timestamp::from_unix(NOW);
        let mut ack = seal("\"ACK\"0001R1L0#100000[]");
        ack[12] = b'X';
        assert_eq!(parse_reply(&ack, None, now), None);
        assert_eq!(parse_reply(b"\n\r", None, now), None);
        assert_eq!(parse_reply(b"\"NAK\"", None, now), None);
        let out = outgoing(None);
        assert_eq!(parse_reply(&out.bytes, None, now), None);
    }
}
