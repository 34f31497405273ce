//! Property tests: encode then decode is the identity, for streams and datagrams.

mod common;

use common::frame;
use dc09::{Frame, FrameSplitter, Timestamp, Token};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn encode_then_decode_is_identity(f in frame()) {
        let raw = f.encode();
        prop_assert_eq!(Frame::decode(&raw), Ok(f));
    }

    #[test]
    fn encoded_frames_survive_a_stream_and_a_datagram(
        frames in proptest::collection::vec(frame(), 1..4),
        chunk in 1usize..40,
        padding in prop_oneof![Just(&b""[..]), Just(&b"\r\n"[..]), Just(&b"\0\0"[..])],
    ) {
        let stream: Vec<u8> = frames.iter().flat_map(Frame::encode).collect();
        let mut splitter = FrameSplitter::new();
        let mut got = Vec::new();
        for piece in stream.chunks(chunk) {
            splitter.push(piece);
            while let Some(raw) = splitter.next_frame() {
                got.push(Frame::decode(&raw.expect("a whole frame")).expect("decodes"));
            }
        }
        prop_assert_eq!(&got, &frames);
        for f in &frames {
            let raw = f.encode();
            let datagram = [&raw[1..raw.len() - 1], padding].concat();
            prop_assert_eq!(Frame::decode_datagram(&datagram), Ok(f.clone()));
            prop_assert_eq!(Frame::decode_datagram(&raw), Ok(f.clone()));
        }
    }

    #[test]
    fn lower_case_hex_fields_decode_the_same(f in frame()) {
        let raw = f.encode();
        let region = &raw[9..raw.len() - 1];
        let lower = [&raw[..9].to_ascii_lowercase()[..], region, b"\r"].concat();
        prop_assert_eq!(Frame::decode(&lower), Ok(f.clone()));
        // Receiver and line keep their case; the account is upper-cased.
        let mut g = f.clone();
        g.account = g.account.to_ascii_lowercase();
        prop_assert_eq!(Frame::decode(&g.encode()), Ok(f));
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
}
