//! Property tests: encode/decode round trips, and no panics on arbitrary input.

use dc09::{crc16_arc, Frame, FrameSplitter, Timestamp, Token, XData};
use proptest::prelude::*;

/// Data block text: printable ASCII except `]`, which would end the block.
const DATA: &str = "[ -\\\\^-~]{0,60}";
/// Extended data value: printable ASCII except `]`.
const XVALUE: &str = "[ -\\\\^-~]{0,20}";

fn token() -> impl Strategy<Value = Token> {
    prop_oneof![
        4 => Just(Token::AdmCid),
        4 => Just(Token::SiaDcs),
        4 => Just(Token::Null),
        1 => Just(Token::Ack),
        1 => Just(Token::Nak),
        1 => Just(Token::Duh),
        1 => "[A-Z][A-Z0-9-]{0,10}".prop_map(|t| Token::parse(&t)),
    ]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..253_402_300_800).prop_map(Timestamp::from_unix)
}

fn xdata() -> impl Strategy<Value = XData> {
    ("[A-Z]", XVALUE).prop_map(|(id, value)| XData {
        id: id.chars().next().unwrap(),
        value,
    })
}

prop_compose! {
    fn frame()(
        token in token(),
        seq in 0u16..=9999,
        receiver in proptest::option::of("[0-9A-Fa-f]{1,6}"),
        line in "[0-9A-Fa-f]{1,6}",
        account in "[0-9A-F]{3,16}",
        data in DATA,
        xdata in proptest::collection::vec(xdata(), 0..4),
        timestamp in proptest::option::of(timestamp()),
    ) -> Frame {
        Frame { token, encrypted: false, seq, receiver, line, account, data, xdata, timestamp }
    }
}

fn sealed(region: &[u8]) -> Vec<u8> {
    let mut raw = format!("\n{:04X}{:04X}", crc16_arc(region), region.len()).into_bytes();
    raw.extend_from_slice(region);
    raw.push(b'\r');
    raw
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_decode_is_identity(f in frame()) {
        let raw = f.encode();
        prop_assert_eq!(Frame::decode(&raw), Ok(f));
    }

    #[test]
    fn ack_and_duh_echo_the_header(f in frame()) {
        for (bytes, token) in [(f.ack(), Token::Ack), (f.duh(), Token::Duh)] {
            let r = Frame::decode(&bytes).unwrap();
            prop_assert_eq!(r.token, token);
            prop_assert_eq!((r.seq, &r.receiver, &r.line, &r.account), (f.seq, &f.receiver, &f.line, &f.account));
            prop_assert_eq!((r.data.as_str(), r.xdata.len(), r.timestamp), ("", 0, f.timestamp));
        }
    }

    #[test]
    fn timestamp_round_trips(secs in -100_000_000_000i64..300_000_000_000) {
        let t = Timestamp::from_unix(secs);
        prop_assert!(t.is_valid());
        prop_assert_eq!(Timestamp::from_unix(t.to_unix()), t);
        prop_assert_eq!(t.to_string().parse::<Timestamp>(), Ok(t));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(raw in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Frame::decode(&raw);
        let mut framed = vec![b'\n'];
        framed.extend_from_slice(&raw);
        framed.push(b'\r');
        let _ = Frame::decode(&framed);
    }

    #[test]
    fn decode_never_panics_on_checksummed_frame_like_text(
        body in "\"\\*?(ADM-CID|SIA-DCS|NULL|ACK|NAK|X)?\"?[0-9A]{0,5}(R[0-9a-fN]{0,7})?(L[0-9A-F]{0,7})?(A0|#[0-9a-fG]{0,17})?[\\[\\]_|#RLAN0-9a-z:,^/ -]{0,80}",
        noise in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        let _ = Frame::decode(&sealed(body.as_bytes()));
        let mut region = body.into_bytes();
        region.extend_from_slice(&noise);
        if let Ok(f) = Frame::decode(&sealed(&region)) {
            let _ = f.events();
            let _ = f.reply();
        }
    }

    #[test]
    fn events_never_panic_on_arbitrary_data(data in "\\PC{0,80}", sia in any::<bool>()) {
        let token = if sia { Token::SiaDcs } else { Token::AdmCid };
        let f = Frame { token, encrypted: false, seq: 1, receiver: None, line: "0".into(), account: "1234".into(), data, xdata: vec![], timestamp: None };
        let _ = f.events();
    }

    #[test]
    fn events_never_panic_on_sia_like_data(data in "#1234\\|N[a-zA-Z0-9/^|: é]{0,40}") {
        let f = Frame { token: Token::SiaDcs, encrypted: false, seq: 1, receiver: None, line: "0".into(), account: "1234".into(), data, xdata: vec![], timestamp: None };
        let _ = f.events();
    }

    #[test]
    fn splitter_only_yields_lf_cr_frames(
        chunks in proptest::collection::vec(proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()], 0..50), 0..20),
    ) {
        let mut s = FrameSplitter::with_max_len(64);
        for chunk in &chunks {
            s.push(chunk);
            while let Some(item) = s.next_frame() {
                if let Ok(frame) = item {
                    prop_assert!(frame.len() >= 2 && frame.len() <= 64);
                    prop_assert_eq!(frame[0], b'\n');
                    prop_assert_eq!(frame[frame.len() - 1], b'\r');
                }
            }
            prop_assert!(s.buffered() < 64);
        }
    }
}
