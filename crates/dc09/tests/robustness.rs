//! Property tests: no input makes the codec panic, and every failure has a defined reply.

mod common;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use common::{key, sealed, ts};
use dc09::{Frame, FrameSplitter, Key, ReplyKind, Token};
use proptest::prelude::*;

/// Bytes that are mostly frame syntax, so that random input gets past the first checks.
fn frame_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => proptest::sample::select(&b"\n\r\"[]|#_*^/:,- 0123456789ABCDEFabcdefLRNAKSIDUHX"[..]),
        1 => any::<u8>(),
    ]
}

/// Feeds `raw` to every decoding entry point; none may panic.
fn exercise(raw: &[u8], key: &Key) {
    let now = ts("12:00:00,01-02-2026");
    let keys = |_: &str| Some(key.clone());
    for result in [
        Frame::decode(raw),
        Frame::decode_with(raw, keys, now),
        Frame::decode_datagram(raw),
        Frame::decode_datagram_with(raw, keys, now),
    ] {
        match result {
            Ok(f) => {
                let _ = f.events();
                let _ = f.reply();
                let _ = f.reply_encrypted(key, b"pad", now);
                let _ = f.position();
                for x in &f.xdata {
                    let _ = (x.longitude(), x.latitude(), x.altitude(), x.time(), x.mac());
                    let _ = x.verification_url();
                }
            }
            Err(e) => {
                let _ = (e.reason(), e.header(), e.reply(now), e.to_string());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        raw in proptest::collection::vec(any::<u8>(), 0..300),
        key in key(),
    ) {
        exercise(&raw, &key);
        exercise(&sealed(&raw), &key);
    }

    #[test]
    fn frame_like_bytes_never_panic(
        region in proptest::collection::vec(frame_byte(), 0..200),
        key in key(),
    ) {
        exercise(&region, &key);
        exercise(&sealed(&region), &key);
        let mut quoted = b"\"SIA-DCS\"0001L0#1234[".to_vec();
        quoted.extend_from_slice(&region);
        exercise(&sealed(&quoted), &key);
    }

    #[test]
    fn checksummed_header_variants_never_panic(
        body in "\"\\*?(ADM-CID|SIA-DCS|NULL|ACK|NAK|X)?\"?[0-9A]{0,5}(R[0-9a-fN]{0,7})?(L[0-9A-F]{0,7})?(A0|#[0-9a-fG]{0,17})?[\\[\\]_|#RLAN0-9a-z:,^/ -]{0,80}",
        noise in proptest::collection::vec(any::<u8>(), 0..3),
        key in key(),
    ) {
        let mut region = body.into_bytes();
        exercise(&sealed(&region), &key);
        region.extend_from_slice(&noise);
        exercise(&sealed(&region), &key);
    }

    #[test]
    fn splitter_never_panics_and_only_yields_lf_cr_frames(
        chunks in proptest::collection::vec(proptest::collection::vec(frame_byte(), 0..50), 0..20),
        max_len in 0usize..80,
    ) {
        let mut s = FrameSplitter::with_max_len(max_len);
        let bound = max_len.max(2);
        for chunk in &chunks {
            s.push(chunk);
            while let Some(item) = s.next_frame() {
                match item {
                    Ok(frame) => {
                        prop_assert!(frame.len() >= 2 && frame.len() <= bound);
                        prop_assert_eq!(frame[0], b'\n');
                        prop_assert_eq!(frame[frame.len() - 1], b'\r');
                        let _ = Frame::decode(&frame);
                    }
                    Err(e) => prop_assert_eq!(e.reply_kind(), ReplyKind::None),
                }
            }
            prop_assert!(s.buffered() < bound);
        }
    }

    /// Arbitrary plaintext behind a correct header and valid ciphertext: whatever the
    /// decryption yields, the result is a decrypted frame or a NAKed error.
    #[test]
    fn arbitrary_plaintext_never_panics(
        plain in proptest::collection::vec(frame_byte(), 1..80),
        key in key(),
    ) {
        let mut buf = plain.clone();
        buf.resize(plain.len().div_ceil(16) * 16, b'0');
        let len = buf.len();
        let iv = [0u8; 16];
        let k = key.as_bytes();
        match k.len() {
            16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(k, &iv).unwrap().encrypt_padded_mut::<NoPadding>(&mut buf, len).map(|_| ()),
            24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(k, &iv).unwrap().encrypt_padded_mut::<NoPadding>(&mut buf, len).map(|_| ()),
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(k, &iv).unwrap().encrypt_padded_mut::<NoPadding>(&mut buf, len).map(|_| ()),
        }.unwrap();
        let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
        let raw = sealed(format!("\"*ADM-CID\"0001L0#1234[{hex}").as_bytes());
        let now = ts("12:00:00,01-02-2026");
        match Frame::decode_with(&raw, |_| Some(key.clone()), now) {
            Ok(f) => prop_assert!(f.encrypted && f.token == Token::AdmCid),
            Err(e) => prop_assert_eq!(e.reply_kind(), ReplyKind::Nak),
        }
        exercise(&raw, &key);
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
}
