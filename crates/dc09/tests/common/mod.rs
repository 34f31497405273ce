//! Proptest strategies shared by the integration tests.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use dc09::{crc16_arc, Frame, Key, Timestamp, Token, XData};
use proptest::prelude::*;

/// Data block text: printable ASCII except `]`, which would end the block.
pub const DATA: &str = "[ -\\\\^-~]{0,60}";
/// Extended data value: printable ASCII except `]`.
pub const XVALUE: &str = "[ -\\\\^-~]{0,20}";
/// Latest Unix time used, so that a few minutes of clock skew stay within year 9999.
pub const MAX_SECS: i64 = 253_402_300_000;

/// A timestamp parsed from its wire text.
pub fn ts(text: &str) -> Timestamp {
    text.parse().expect("valid timestamp")
}

/// Any token: mostly the data tokens, sometimes replies and unknown tokens.
pub fn token() -> impl Strategy<Value = Token> {
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

/// A valid timestamp between 1970 and 9999.
pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0..MAX_SECS).prop_map(Timestamp::from_unix)
}

/// An extended data block with an upper-case identifier and a value without `]`.
pub fn xdata() -> impl Strategy<Value = XData> {
    ("[A-Z]", XVALUE).prop_map(|(id, value)| XData { id: id.chars().next().expect("one identifier letter"), value })
}

/// An AES-128, AES-192 or AES-256 key with random bytes.
pub fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 16),
        proptest::collection::vec(any::<u8>(), 24),
        proptest::collection::vec(any::<u8>(), 32),
    ]
    .prop_map(|bytes| Key::from_bytes(&bytes).expect("valid key length"))
}

prop_compose! {
    /// A frame with the given timestamp strategy; `encrypted` is copied into the frame.
    pub fn frame_with(timestamp: BoxedStrategy<Option<Timestamp>>, encrypted: bool)(
        token in token(),
        seq in 0u16..=9999,
        receiver in proptest::option::of("[0-9A-Fa-f]{1,6}"),
        line in "[0-9A-Fa-f]{1,6}",
        account in "[0-9A-F]{3,16}",
        data in DATA,
        xdata in proptest::collection::vec(xdata(), 0..4),
        timestamp in timestamp,
    ) -> Frame {
        Frame { token, encrypted, seq, receiver, line, account, data, xdata, timestamp }
    }
}

/// A plain frame, with or without timestamp.
pub fn frame() -> impl Strategy<Value = Frame> {
    frame_with(proptest::option::of(timestamp()).boxed(), false)
}

/// A frame as decoded from an encrypted frame: `encrypted: true`, timestamp mandatory.
pub fn encrypted_frame() -> impl Strategy<Value = Frame> {
    frame_with(timestamp().prop_map(Some).boxed(), true)
}

/// `LF crc len region CR` with correct CRC and length, whatever the region holds.
pub fn sealed(region: &[u8]) -> Vec<u8> {
    let mut raw = format!("\n{:04X}{:04X}", crc16_arc(region), region.len()).into_bytes();
    raw.extend_from_slice(region);
    raw.push(b'\r');
    raw
}
