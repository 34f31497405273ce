//! The frames one simulated panel sends: one event per frame, unique content, sequence
//! numbers 1..=9999 wrapping, plain or AES with the panel's (adjustable) clock.

use std::time::{SystemTime, UNIX_EPOCH};

use dc09::{Frame, Key, Timestamp, Token};
use rand::Rng;

use crate::args::EventFormat;

/// Receiver number written in every frame (`R1`).
pub const RECEIVER: &str = "1";
/// Line prefix written in every frame (`L0`).
pub const LINE: &str = "0";

/// Seconds since the Unix epoch by the system clock.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The sequence number after `seq`: 1, 2, ..., 9999, 1, ... (0 is never used).
pub fn next_seq(seq: u16) -> u16 {
    if seq >= 9999 {
        1
    } else {
        seq + 1
    }
}

/// The data block of the `counter`-th frame (1-based) of `account`.
///
/// SIA: `#ACCT|Nri1/BA<counter>` (burglary alarm, zone = counter, so every frame of a panel
/// differs). Contact ID: `#ACCT|1130 GG ZZZ`, with group and zone taken from the counter
/// (`GG = counter / 1000 % 100`, `ZZZ = counter % 1000`), unique for 100,000 frames.
pub fn event_data(format: EventFormat, account: &str, counter: u64) -> String {
    match format {
        EventFormat::Sia => format!("#{account}|Nri1/BA{counter}"),
        EventFormat::Cid => format!("#{account}|1130 {:02} {:03}", counter / 1000 % 100, counter % 1000),
    }
}

/// One frame in flight: its fields and the exact bytes sent (and re-sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The frame as built.
    pub frame: Frame,
    /// The wire bytes, LF through CR.
    pub bytes: Vec<u8>,
}

impl Outgoing {
    /// Sequence number of the frame.
    pub fn seq(&self) -> u16 {
        self.frame.seq
    }

    /// The frame text without LF and CR (as a receiver stores it).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).trim_matches(['\n', '\r']).to_owned()
    }
}

/// Builds the successive frames of one panel.
#[derive(Debug, Clone)]
pub struct PanelFrames {
    account: String,
    format: EventFormat,
    key: Option<Key>,
    seq: u16,
    counter: u64,
    clock_offset: i64,
}

impl PanelFrames {
    /// A panel with `account` (3-16 hex digits), sending encrypted frames when `key` is set.
    pub fn new(account: String, format: EventFormat, key: Option<Key>) -> Self {
        PanelFrames { account, format, key, seq: 0, counter: 0, clock_offset: 0 }
    }

    /// The panel's account.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The panel's key, if it encrypts.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// The panel's clock: the system clock plus the correction learned from NAKs.
    pub fn clock(&self, system_unix: i64) -> Timestamp {
        Timestamp::from_unix(system_unix + self.clock_offset)
    }

    /// Sets the panel's clock to the receiver's time `receiver` (from a NAK), given the
    /// system clock `system_unix` when it arrived.
    pub fn set_clock(&mut self, receiver: Timestamp, system_unix: i64) {
        self.clock_offset = receiver.to_unix() - system_unix;
    }

    /// The next frame: next sequence number and zone counter; encrypted frames carry the
    /// panel's time. `rng` provides the pad bytes.
    pub fn next(&mut self, system_unix: i64, rng: &mut impl Rng) -> Outgoing {
        self.seq = next_seq(self.seq);
        self.counter += 1;
        let frame = Frame {
            token: match self.format {
                EventFormat::Sia => Token::SiaDcs,
                EventFormat::Cid => Token::AdmCid,
            },
            encrypted: self.key.is_some(),
            seq: self.seq,
            receiver: Some(RECEIVER.to_owned()),
            line: LINE.to_owned(),
            account: self.account.clone(),
            data: event_data(self.format, &self.account, self.counter),
            xdata: Vec::new(),
            timestamp: None,
        };
        self.seal(frame, system_unix, rng)
    }

    /// The same frame with the panel's current time (after a NAK corrected the clock):
    /// same sequence number and content, new timestamp and pad. Plain frames are unchanged.
    pub fn restamp(&self, out: Outgoing, system_unix: i64, rng: &mut impl Rng) -> Outgoing {
        if self.key.is_none() {
            return out;
        }
        self.seal(out.frame, system_unix, rng)
    }

    fn seal(&self, mut frame: Frame, system_unix: i64, rng: &mut impl Rng) -> Outgoing {
        let bytes = match &self.key {
            None => frame.encode(),
            Some(key) => {
                frame.timestamp = Some(self.clock(system_unix));
                let pad: Vec<u8> = (0..16).map(|_| rng.sample(rand::distributions::Alphanumeric)).collect();
                frame.encode_encrypted(key, &pad)
            }
        };
        Outgoing { frame, bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn sequence_wraps_to_one() {
        assert_eq!(next_seq(0), 1);
        assert_eq!(next_seq(1), 2);
        assert_eq!(next_seq(9998), 9999);
        assert_eq!(next_seq(9999), 1);
    }

    #[test]
    fn event_data_is_unique_per_frame() {
        assert_eq!(event_data(EventFormat::Sia, "100000", 7), "#100000|Nri1/BA7");
        assert_eq!(event_data(EventFormat::Cid, "100000", 12_345), "#100000|1130 12 345");
        let cid: std::collections::HashSet<_> = (1..=100_000).map(|n| event_data(EventFormat::Cid, "1", n)).collect();
        assert_eq!(cid.len(), 100_000);
    }

    #[test]
    fn plain_sia_frames_decode_with_one_event() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut p = PanelFrames::new("100042".into(), EventFormat::Sia, None);
        let a = p.next(NOW, &mut rng);
        let b = p.next(NOW, &mut rng);
        assert_eq!((a.seq(), b.seq()), (1, 2));
        assert_ne!(a.text(), b.text());
        assert_eq!(a.text(), String::from_utf8_lossy(&a.bytes[1..a.bytes.len() - 1]));
        let f = Frame::decode(&a.bytes).unwrap();
        assert_eq!((&f.token, f.account.as_str(), f.seq), (&Token::SiaDcs, "100042", 1));
        assert_eq!((f.receiver.as_deref(), f.line.as_str(), f.timestamp), (Some("1"), "0", None));
        let events = f.events().unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].code.as_str(), events[0].zone.as_deref()), ("BA", Some("1")));
        assert!(events[0].known);
    }

    #[test]
    fn cid_frames_decode() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut p = PanelFrames::new("100000".into(), EventFormat::Cid, None);
        let f = Frame::decode(&p.next(NOW, &mut rng).bytes).unwrap();
        assert_eq!(f.token, Token::AdmCid);
        let events = f.events().unwrap();
        assert_eq!((events.len(), events[0].code.as_str()), (1, "130"));
    }

    #[test]
    fn sequence_wraps_across_many_frames() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut p = PanelFrames::new("100000".into(), EventFormat::Sia, None);
        let seqs: Vec<u16> = (0..10_001).map(|_| p.next(NOW, &mut rng).seq()).collect();
        assert_eq!((seqs[0], seqs[9998], seqs[9999], seqs[10_000]), (1, 9999, 1, 2));
    }

    #[test]
    fn encrypted_frames_decrypt_and_restamp_after_nak() {
        let key = Key::hex("000102030405060708090A0B0C0D0E0F").unwrap();
        let mut rng = StdRng::seed_from_u64(2);
        let mut p = PanelFrames::new("100001".into(), EventFormat::Sia, Some(key.clone()));
        let out = p.next(NOW, &mut rng);
        assert_eq!(&out.text()[8..], &String::from_utf8_lossy(&out.bytes)[9..out.bytes.len() - 1]);
        assert!(out.text()[8..].starts_with("\"*SIA-DCS\"0001R1L0#100001["), "{}", out.text());
        let now = Timestamp::from_unix(NOW);
        let f = Frame::decode_with(&out.bytes, |_| Some(key.clone()), now).unwrap();
        assert!(f.encrypted);
        assert_eq!((f.data.as_str(), f.timestamp), ("#100001|Nri1/BA1", Some(now)));

        // The receiver is an hour ahead: its NAK sets the panel's clock, the resend carries it.
        let receiver = Timestamp::from_unix(NOW + 3600);
        assert!(Frame::decode_with(&out.bytes, |_| Some(key.clone()), receiver).is_err());
        p.set_clock(receiver, NOW);
        let again = p.restamp(out.clone(), NOW, &mut rng);
        assert_eq!(again.seq(), out.seq());
        let f = Frame::decode_with(&again.bytes, |_| Some(key.clone()), receiver).unwrap();
        assert_eq!((f.data.as_str(), f.timestamp), ("#100001|Nri1/BA1", Some(receiver)));
    }

    #[test]
    fn plain_restamp_keeps_bytes() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut p = PanelFrames::new("100000".into(), EventFormat::Sia, None);
        let out = p.next(NOW, &mut rng);
        p.set_clock(Timestamp::from_unix(NOW + 99), NOW);
        assert_eq!(p.restamp(out.clone(), NOW, &mut rng), out);
    }
}
