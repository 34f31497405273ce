//! Sans-IO codec for SIA DC-09 alarm transmission frames (Contact ID and SIA DCS over IP).
//!
//! No sockets, no clocks, no async: bytes in, typed values out, and back.
//!
//! # Frame
//!
//! ```text
//! LF crc len "[*]TOKEN" seq [Rrcvr] Lpref #acct [data][xdata]... [_HH:MM:SS,MM-DD-YYYY] CR
//! ```
//!
//! * `crc`: CRC-16/ARC ([`crc16_arc`]) and `len`: byte count, both 4 hex digits (either case),
//!   both over the bytes from the opening `"` to before CR.
//! * `TOKEN`: `ADM-CID`, `SIA-DCS`, `NULL`, `ACK`, `NAK`, `DUH` ([`Token`]); `*` marks an
//!   encrypted frame.
//! * `seq`: 4 decimal digits; `R` receiver (optional) and `L` line prefix (mandatory): 1-6 hex
//!   digits; `#acct`: 3-16 hex digits.
//! * `[data]`: Contact ID `#acct|QEEE GG ZZZ` or SIA `#acct|Nri1/BA12...`; then extended data
//!   blocks ([`XData`]); then an optional timestamp ([`Timestamp`]).
//!
//! Use [`FrameSplitter`] to cut a TCP stream into frames, [`Frame::decode`] to read one,
//! [`Frame::events`] for its [`Event`]s, and [`Frame::reply`] / [`DecodeError::reply`] for the
//! answer. A UDP datagram is exactly one frame: [`Frame::decode_datagram`] (and
//! [`Frame::decode_datagram_with`]) tolerate padding and a missing LF or CR around it; a
//! datagram that is not one frame (two frames, text after the frame, garbage) is an error
//! answered with nothing ([`datagram_frame`] has the rule).
//!
//! Extended data blocks are kept raw ([`XData`]); [`XData::longitude`], [`XData::latitude`],
//! [`XData::altitude`], [`XData::time`], [`XData::mac`] and [`XData::verification_url`] read
//! the known ones.
//!
//! # Replies
//!
//! * Intact frame: `ACK` echoing seq, receiver, line, account ([`Frame::ack`]); also for an
//!   unknown event code, which is kept with `known = false` so an alarm is never lost (the
//!   shared vectors' `sia_unknown_code_ZX` prefers DUH; ACK is its listed alternative).
//! * Intact frame whose token or event data cannot be processed: `DUH` ([`Frame::duh`]).
//! * Frame that cannot be trusted (garbage, truncated, no LF, unreadable CRC/length, CRC or
//!   length mismatch): nothing; the panel retransmits. (In a UDP datagram a missing LF or CR
//!   is supplied before these checks: [`datagram_frame`].)
//! * Intact frame that is not a valid message (bad sequence, missing `L`, malformed header or
//!   body, bad timestamp) and encrypted frames that cannot be accepted (no key, bad
//!   ciphertext, wrong key, forbidden pad bytes, missing timestamp, timestamp outside the
//!   window): the plain `"NAK"0000R0L0A0[]_<receiver time>` ([`nak`]).
//! * Decrypted frame: the encrypted `ACK`/`DUH` ([`Frame::reply_encrypted`]).
//! * Unknown accounts are the server's decision; the codec ACKs what it can decode.
//!
//! # Encryption
//!
//! `"*TOKEN"seq [Rrcvr] Lpref #acct [` then the hex of AES-CBC (128/192/256-bit [`Key`],
//! all-zero IV, no padding scheme) of `pad|data][xdata]..._timestamp`; the pad is 1-16 (or
//! more) bytes that are never `|`, `[` or `]`, and the timestamp is mandatory.
//!
//! * [`Frame::decode_with`] decrypts with the key of the header's account and checks the
//!   timestamp against the receiver's clock (+20 s / -40 s, [`MAX_AHEAD_SECS`],
//!   [`MAX_BEHIND_SECS`]). It also reads the form without `|` after the pad (empty data),
//!   written by siadc09, pysiaalarm and others. [`Frame::decode`] still returns
//!   [`DecodeError::NoKey`] with the header for encrypted frames.
//! * [`Frame::encode_encrypted`], [`Frame::ack_encrypted`], [`Frame::duh_encrypted`] take the
//!   random pad bytes from the caller: the codec has no random number generator.
//! * [`Key::parse`] reads both field forms of a key (ASCII text or hex); a 32-character text
//!   of hex digits is hex ([`Key::ascii`] forces ASCII).

#![warn(missing_docs)]

mod body;
mod cid;
mod coord;
mod crc;
mod datagram;
mod encrypted;
mod envelope;
mod error;
mod event;
mod frame;
mod header;
mod key;
mod reply;
mod sia;
mod stream;
mod timestamp;
mod token;
mod xdata;

pub use cid::{cid_code, CidCode, CID_CODES};
pub use crc::crc16_arc;
pub use datagram::datagram_frame;
pub use encrypted::{MAX_AHEAD_SECS, MAX_BEHIND_SECS};
pub use error::DecodeError;
pub use event::{AddressKind, Event, EventError, Protocol, Qualifier, UNKNOWN_EVENT};
pub use frame::Frame;
pub use header::Header;
pub use key::{Key, KeyError};
pub use reply::{nak, ReplyKind};
pub use sia::{sia_code, SiaCode, SIA_CODES};
pub use stream::{FrameSplitter, MAX_FRAME_LEN};
pub use timestamp::{ParseTimestampError, Timestamp};
pub use token::Token;
pub use xdata::XData;
