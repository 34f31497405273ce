//! Feeds arbitrary bytes to every decoding entry point of `dc09`.
//!
//! The first byte picks how the rest is used:
//! * even: as wire bytes, to `Frame::decode`, `Frame::decode_with` (fixed key and clock),
//!   `Frame::decode_datagram` and a `FrameSplitter` (in two pushes);
//! * odd: as the plaintext of an encrypted frame (AES-128-CBC, zero IV, with the fixed key),
//!   so the fuzzer can steer what the decrypted-body parser sees.
//!
//! Besides "no panic" it checks: every decoded frame re-encodes to itself (plain and
//! encrypted), every error has a defined reply, the splitter only yields `LF ... CR` frames.

#![no_main]

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use dc09::{DecodeError, Frame, FrameSplitter, Key, ReplyKind, Timestamp};
use libfuzzer_sys::fuzz_target;

const KEY: &[u8; 16] = b"0123456789ABCDEF";
const MAX_LEN: usize = 256;

fn now() -> Timestamp {
    Timestamp::new(2026, 2, 1, 12, 0, 0).expect("valid clock")
}

fn key() -> Key {
    Key::from_bytes(KEY).expect("valid key")
}

/// Checks a decoded frame: its events and replies, and that it re-encodes to itself.
fn check_frame(f: Frame) {
    let _ = f.events();
    let _ = (f.reply(), f.reply_kind(), f.position());
    for x in &f.xdata {
        let _ = (x.longitude(), x.latitude(), x.altitude(), x.time(), x.mac());
        let _ = x.verification_url();
    }
    if f.encrypted {
        let key = key();
        // A decrypted frame always has a timestamp; decode the re-encryption at that time.
        let at = f.timestamp.expect("decrypted frames have a timestamp");
        let _ = f.reply_encrypted(&key, b"pad", at);
        let again = f.encode_encrypted(&key, b"fuzz pad");
        assert_eq!(Frame::decode_with(&again, |_| Some(key.clone()), at), Ok(f));
    } else {
        assert_eq!(Frame::decode(&f.encode()), Ok(f));
    }
}

/// Checks a decoding result; the frames of timestamp-window errors are checked too.
fn check(result: Result<Frame, DecodeError>) {
    match result {
        Ok(f) => check_frame(f),
        Err(e) => {
            let _ = (e.reason(), e.header(), e.to_string());
            assert_eq!(e.reply(now()).is_some(), e.reply_kind() == ReplyKind::Nak);
            if let DecodeError::TimestampTooOld { frame, .. }
            | DecodeError::TimestampInFuture { frame, .. } = e
            {
                check_frame(*frame);
            }
        }
    }
}

fn wire(data: &[u8]) {
    let keys = |_: &str| Some(key());
    check(Frame::decode(data));
    check(Frame::decode_with(data, keys, now()));
    check(Frame::decode_datagram(data));
    check(Frame::decode_datagram_with(data, keys, now()));
    let mut splitter = FrameSplitter::with_max_len(MAX_LEN);
    let (a, b) = data.split_at(data.len() / 2);
    for part in [a, b] {
        splitter.push(part);
        while let Some(item) = splitter.next_frame() {
            match item {
                Ok(frame) => {
                    assert!(frame.len() >= 2 && frame.len() <= MAX_LEN);
                    assert!(frame[0] == b'\n' && frame[frame.len() - 1] == b'\r');
                    check(Frame::decode_with(&frame, keys, now()));
                }
                Err(e) => assert_eq!(e.reply_kind(), ReplyKind::None),
            }
        }
        assert!(splitter.buffered() < MAX_LEN);
    }
}

fn plaintext(data: &[u8]) {
    if data.is_empty() {
        return;
    }
    let mut buf = data.to_vec();
    buf.resize(data.len().div_ceil(16) * 16, b'0');
    let len = buf.len();
    cbc::Encryptor::<aes::Aes128>::new_from_slices(KEY, &[0; 16])
        .expect("valid key and IV")
        .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        .expect("whole blocks");
    let hex: String = buf.iter().map(|b| format!("{b:02X}")).collect();
    let region = format!("\"*SIA-DCS\"0001R1L0#1234[{hex}");
    let raw = format!(
        "\n{:04X}{:04X}{region}\r",
        dc09::crc16_arc(region.as_bytes()),
        region.len()
    );
    match Frame::decode_with(raw.as_bytes(), |_| Some(key()), now()) {
        Ok(f) => {
            assert!(f.encrypted);
            check(Ok(f));
        }
        Err(e) => {
            assert_eq!(e.reply_kind(), ReplyKind::Nak);
            check(Err(e));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => plaintext(rest),
        _ => wire(data),
    }
});
