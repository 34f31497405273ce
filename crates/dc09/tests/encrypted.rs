//! Encrypted frames: round trips for every key size, encrypted replies, the timestamp window,
//! and no panics on arbitrary bytes.

mod common;

use common::{encrypted_frame as frame, key, ts, MAX_SECS};
use dc09::{nak, DecodeError, Frame, Key, ReplyKind, Timestamp, Token};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn encode_encrypted_then_decode_with_is_identity(
        f in frame(),
        key in key(),
        pad in proptest::collection::vec(any::<u8>(), 0..40),
        skew in -40i64..=20,
    ) {
        let raw = f.encode_encrypted(&key, &pad);
        let now = Timestamp::from_unix(f.timestamp.unwrap().to_unix() - skew);
        let got = Frame::decode_with(&raw, |acct| (acct == f.account).then(|| key.clone()), now);
        prop_assert_eq!(got, Ok(f.clone()));
        // Without the key: the header only.
        match Frame::decode(&raw) {
            Err(DecodeError::NoKey(h)) => prop_assert_eq!(*h, f.header()),
            other => prop_assert!(false, "expected NoKey, got {:?}", other),
        }
    }

    #[test]
    fn ack_encrypted_decodes_as_an_ack(
        f in frame(),
        key in key(),
        pad in proptest::collection::vec(any::<u8>(), 0..40),
        secs in 0..MAX_SECS,
    ) {
        let now = Timestamp::from_unix(secs);
        for (bytes, token) in [
            (f.ack_encrypted(&key, &pad, now), Token::Ack),
            (f.duh_encrypted(&key, &pad, now), Token::Duh),
        ] {
            let r = Frame::decode_with(&bytes, |_| Some(key.clone()), now).unwrap();
            prop_assert_eq!(&r.token, &token);
            prop_assert!(r.encrypted);
            prop_assert_eq!(
                (r.seq, &r.receiver, &r.line, &r.account),
                (f.seq, &f.receiver, &f.line, &f.account)
            );
            prop_assert_eq!((r.data.as_str(), r.xdata.len(), r.timestamp), ("", 0, Some(now)));
        }
    }

    #[test]
    fn decode_with_never_panics_on_encrypted_frames(
        hex in "[0-9A-Fa-f]{0,200}\\]?",
        header in "\"\\*(ADM-CID|SIA-DCS|NULL|ACK)\"[0-9]{4}(R[0-9A-F]{1,6})?L[0-9A-F]{1,6}#[0-9A-F]{3,16}\\[",
        key in key(),
    ) {
        let region = format!("{header}{hex}");
        let raw = format!(
            "\n{:04X}{:04X}{region}\r",
            dc09::crc16_arc(region.as_bytes()),
            region.len()
        );
        let now = ts("12:00:00,01-02-2026");
        match Frame::decode_with(raw.as_bytes(), |_| Some(key.clone()), now) {
            Ok(f) => prop_assert!(f.encrypted),
            Err(e) => prop_assert_eq!(e.reply_kind(), ReplyKind::Nak),
        }
    }

    #[test]
    fn lower_case_ciphertext_and_closing_bracket_decode_the_same(f in frame(), key in key()) {
        let raw = f.encode_encrypted(&key, b"pad");
        let region = format!("{}]", String::from_utf8(raw[9..raw.len() - 1].to_vec()).unwrap());
        let (head, hex) = region.split_at(region.find('[').unwrap());
        let lower = common::sealed(format!("{head}{}", hex.to_ascii_lowercase()).as_bytes());
        let now = f.timestamp.unwrap();
        prop_assert_eq!(Frame::decode_with(&lower, |_| Some(key.clone()), now), Ok(f));
    }

    #[test]
    fn wrong_key_is_refused(f in frame(), key in key(), other in key()) {
        prop_assume!(key.as_bytes() != other.as_bytes());
        let raw = f.encode_encrypted(&key, b"pad");
        let now = f.timestamp.unwrap();
        let got = Frame::decode_with(&raw, |_| Some(other.clone()), now);
        prop_assert!(got.is_err(), "decoded with the wrong key: {:?}", got);
    }
}

#[test]
fn stale_frame_gets_nak_with_receiver_time_then_corrected_frame_is_accepted() {
    let key = Key::parse("0123456789ABCDEF").unwrap();
    let now = ts("02:46:02,11-22-2026");
    let panel_clock = ts("02:44:02,11-22-2026");
    let frame = Frame {
        token: Token::AdmCid,
        encrypted: true,
        seq: 4,
        receiver: None,
        line: "0".into(),
        account: "1234".into(),
        data: "#1234|1301 00 000".into(),
        xdata: Vec::new(),
        timestamp: Some(panel_clock),
    };
    let keys = |acct: &str| (acct == "1234").then(|| key.clone());
    let err = Frame::decode_with(&frame.encode_encrypted(&key, b"@`)@uddyf"), keys, now).expect_err("stale frame");
    assert_eq!(err.reason(), "timestamp_too_old");
    assert_eq!(err.reply_kind(), ReplyKind::Nak);
    let reply = err.reply(now).expect("a NAK");
    assert_eq!(reply, nak(now));
    assert_eq!(reply, b"\nEF4A0025\"NAK\"0000R0L0A0[]_02:46:02,11-22-2026\r");
    // The panel takes the receiver's time from the NAK and sends the frame again.
    let nak_frame = Frame::decode(&reply).unwrap();
    assert_eq!(nak_frame.token, Token::Nak);
    let corrected = Frame { timestamp: nak_frame.timestamp, ..frame };
    let later = Timestamp::from_unix(now.to_unix() + 3);
    let accepted = Frame::decode_with(&corrected.encode_encrypted(&key, b"x7Qp"), keys, later).unwrap();
    assert_eq!(accepted, corrected);
    assert_eq!(accepted.reply_kind(), ReplyKind::Ack);
    let ack = accepted.reply_encrypted(&key, b"", later).unwrap();
    let ack = Frame::decode_with(&ack, keys, later).unwrap();
    assert_eq!((ack.token, ack.seq, ack.encrypted), (Token::Ack, 4, true));
}

#[test]
fn future_frame_gets_nak() {
    let key = Key::parse("0123456789ABCDEF").unwrap();
    let now = ts("02:46:02,11-22-2026");
    let frame = Frame {
        token: Token::Null,
        encrypted: true,
        seq: 5,
        receiver: None,
        line: "0".into(),
        account: "1234".into(),
        data: String::new(),
        xdata: Vec::new(),
        timestamp: Some(ts("02:46:32,11-22-2026")),
    };
    let err = Frame::decode_with(&frame.encode_encrypted(&key, b""), |_| Some(key.clone()), now).unwrap_err();
    assert_eq!(err.reason(), "timestamp_in_future");
    assert_eq!(err.reply(now), Some(nak(now)));
    assert_eq!(err.header(), Some(frame.header()));
}

/// `dbg_encrypted_ack` of the shared vectors, reproduced byte for byte.
#[test]
fn ack_encrypted_reproduces_the_debugger_vector() {
    let key = Key::parse("ABCDABCDABCDABCDABCDABCDABCDABCD").unwrap();
    let now = ts("16:08:12,04-14-2015");
    let frame = Frame {
        token: Token::SiaDcs,
        encrypted: true,
        seq: 1,
        receiver: Some("5678".into()),
        line: "1234".into(),
        account: "080027E62A64".into(),
        data: "#080027E62A64|NRP".into(),
        xdata: Vec::new(),
        timestamp: Some(now),
    };
    let pad = [0x12, 0xf1, 0xc2, 0x2a, 0x88, 0xeb, 0x44, 0x56, 0x79, 0xda];
    let want: &[u8] = b"\nE34C0062\"*ACK\"0001R5678L1234#080027E62A64[14F088FF5DCB19D1908069507EAB97C7CDB20F1C6EFA550BB59864D54B2DFA1C\r";
    assert_eq!(frame.ack_encrypted(&key, &pad, now), want);
}

/// `pysia_encrypted_null_real`: the pad-only form (no `|`) from pysiaalarm decodes.
#[test]
fn pad_without_terminator_is_accepted() {
    let key = Key::parse("AAAAAAAAAAAAAAAA").unwrap();
    let raw = b"\n76D80055\"*NULL\"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9\r";
    let f = Frame::decode_with(raw, |_| Some(key.clone()), ts("18:25:00,07-05-2020")).unwrap();
    assert_eq!((f.token, f.encrypted, f.data.as_str()), (Token::Null, true, ""));
    assert_eq!(f.timestamp, Some(ts("18:24:52,07-05-2020")));
}

#[test]
fn plain_frames_decode_as_before() {
    let raw = b"\n7EE80027\"ADM-CID\"0001L0#1234[#1234|1130 01 005]\r";
    let now = ts("00:00:00,01-01-2000");
    assert_eq!(Frame::decode_with(raw, |_| None, now), Frame::decode(raw));
}

#[test]
fn bad_ciphertext_is_decrypt_failed() {
    let key = Key::parse("0123456789ABCDEF").unwrap();
    let now = ts("00:00:00,01-01-2000");
    for body in ["", "00", "0011223344556677889900112233445", "zz112233445566778899001122334455"] {
        let region = format!("\"*NULL\"0001L0#1234[{body}");
        let raw = format!("\n{:04X}{:04X}{region}\r", dc09::crc16_arc(region.as_bytes()), region.len());
        let err = Frame::decode_with(raw.as_bytes(), |_| Some(key.clone()), now).unwrap_err();
        assert_eq!(err.reason(), "decrypt_failed", "{body:?}");
        assert_eq!(err.reply(now), Some(nak(now)));
    }
}
