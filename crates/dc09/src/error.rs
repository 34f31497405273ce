//! Why a frame could not be decoded, and what the receiver answers to it.

use crate::frame::Frame;
use crate::header::Header;
use crate::reply::{nak, ReplyKind};
use crate::timestamp::Timestamp;

/// A frame, or a piece of a byte stream, that could not be decoded.
///
/// Each variant has a stable [`reason`](DecodeError::reason) (the `reason` names of the shared
/// test vectors) and a [`reply_kind`](DecodeError::reply_kind): `None` when the receiver cannot
/// trust what it got (the panel will retransmit), `Nak` when the frame arrived intact but is not
/// a valid message. See the crate docs for the choices made where implementations disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The frame ends before its closing CR (or is empty, or a new LF starts before the CR).
    #[error("truncated frame: no closing CR")]
    Truncated,
    /// Bytes that do not look like a frame at all.
    #[error("garbage: bytes that are not a DC-09 frame")]
    Garbage,
    /// Looks like a frame but is not framed as `LF ... CR`.
    #[error("malformed frame: {0}")]
    MalformedFrame(&'static str),
    /// The CRC or length field is not 4 hex digits, so nothing can be verified.
    #[error("malformed header: {0}")]
    UnreadablePrefix(&'static str),
    /// The CRC field does not match the CRC of the frame.
    #[error("CRC mismatch: field says {field:04X}, frame has {computed:04X}")]
    CrcMismatch {
        /// Value of the CRC field.
        field: u16,
        /// CRC computed over the frame.
        computed: u16,
    },
    /// The length field does not match the length of the frame.
    #[error("length mismatch: field says {field}, frame has {actual} bytes")]
    LengthMismatch {
        /// Value of the length field.
        field: usize,
        /// Bytes from the opening quote to before CR.
        actual: usize,
    },
    /// The header after the token is not `seq [Rrcvr] Lpref #acct`.
    #[error("malformed header: {0}")]
    MalformedHeader(&'static str),
    /// The sequence number is not 4 decimal digits.
    #[error("bad sequence number {0:?}: expected 4 decimal digits")]
    BadSequence(String),
    /// The mandatory `L` (line prefix) field is missing.
    #[error("missing line prefix (L field)")]
    MissingLinePrefix,
    /// The `[data][xdata]...` part is malformed.
    #[error("malformed body: {0}")]
    MalformedBody(&'static str),
    /// The text after `_` is not a valid `HH:MM:SS,MM-DD-YYYY` timestamp.
    #[error("bad timestamp {0:?}")]
    BadTimestamp(String),
    /// The frame is encrypted (`"*..."`) and this receiver has no key for it.
    ///
    /// The header was decoded and is returned so the caller can log the account.
    #[error("encrypted frame from account {:?} and no key to decrypt it", .0.account)]
    NoKey(Box<Header>),
    /// The encrypted data could not be decrypted: the ciphertext is not hex or not a whole
    /// number of AES blocks, or the plaintext is not `pad|data]...` (most likely a wrong key;
    /// AES-CBC carries no integrity check, so the two cannot be told apart).
    #[error("cannot decrypt frame from account {:?}: {detail}", .header.account)]
    DecryptFailed {
        /// The frame's (plain) header.
        header: Box<Header>,
        /// What was wrong.
        detail: &'static str,
    },
    /// The decrypted pad contains `[` or `]`, which DC-09 forbids in the pad.
    #[error("encrypted frame from account {:?}: pad contains '[' or ']'", .0.account)]
    PadForbiddenChars(Box<Header>),
    /// A decrypted frame has no timestamp, which is mandatory for encrypted frames.
    #[error("encrypted frame from account {:?} has no timestamp", .0.account)]
    MissingTimestamp(Box<Header>),
    /// A decrypted frame's timestamp is more than 40 s behind the receiver's clock.
    ///
    /// The decoded frame is returned for logging; it must not be acted on (possible replay).
    #[error("timestamp too old: {} vs receiver time {now}", .frame.timestamp.map(|t| t.to_string()).unwrap_or_default())]
    TimestampTooOld {
        /// The decrypted frame.
        frame: Box<Frame>,
        /// The receiver's time it was checked against.
        now: Timestamp,
    },
    /// A decrypted frame's timestamp is more than 20 s ahead of the receiver's clock.
    ///
    /// The decoded frame is returned for logging; it must not be acted on.
    #[error("timestamp in the future: {} vs receiver time {now}", .frame.timestamp.map(|t| t.to_string()).unwrap_or_default())]
    TimestampInFuture {
        /// The decrypted frame.
        frame: Box<Frame>,
        /// The receiver's time it was checked against.
        now: Timestamp,
    },
    /// A frame grew beyond the stream splitter's bound without a closing CR.
    #[error("frame longer than {limit} bytes without a closing CR")]
    Oversized {
        /// The bound that was exceeded.
        limit: usize,
    },
}

impl DecodeError {
    /// A short stable name for logs and tests (the `reason` names of the shared vectors).
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Truncated => "truncated",
            DecodeError::Garbage => "garbage",
            DecodeError::MalformedFrame(_) => "malformed_frame",
            DecodeError::UnreadablePrefix(_) | DecodeError::MalformedHeader(_) => "malformed_header",
            DecodeError::CrcMismatch { .. } => "crc_mismatch",
            DecodeError::LengthMismatch { .. } => "length_mismatch",
            DecodeError::BadSequence(_) => "bad_sequence",
            DecodeError::MissingLinePrefix => "missing_line_prefix",
            DecodeError::MalformedBody(_) => "malformed_body",
            DecodeError::BadTimestamp(_) => "bad_timestamp",
            DecodeError::NoKey(_) => "no_key",
            DecodeError::DecryptFailed { .. } => "decrypt_failed",
            DecodeError::PadForbiddenChars(_) => "pad_contains_forbidden_chars",
            DecodeError::MissingTimestamp(_) => "missing_timestamp",
            DecodeError::TimestampTooOld { .. } => "timestamp_too_old",
            DecodeError::TimestampInFuture { .. } => "timestamp_in_future",
            DecodeError::Oversized { .. } => "oversized",
        }
    }

    /// What the receiver should answer: `None` (send nothing) or `Nak`.
    pub fn reply_kind(&self) -> ReplyKind {
        match self {
            DecodeError::Truncated
            | DecodeError::Garbage
            | DecodeError::MalformedFrame(_)
            | DecodeError::UnreadablePrefix(_)
            | DecodeError::CrcMismatch { .. }
            | DecodeError::LengthMismatch { .. }
            | DecodeError::Oversized { .. } => ReplyKind::None,
            DecodeError::MalformedHeader(_)
            | DecodeError::BadSequence(_)
            | DecodeError::MissingLinePrefix
            | DecodeError::MalformedBody(_)
            | DecodeError::BadTimestamp(_)
            | DecodeError::NoKey(_)
            | DecodeError::DecryptFailed { .. }
            | DecodeError::PadForbiddenChars(_)
            | DecodeError::MissingTimestamp(_)
            | DecodeError::TimestampTooOld { .. }
            | DecodeError::TimestampInFuture { .. } => ReplyKind::Nak,
        }
    }

    /// The header of the frame, when it was readable: for the errors of encrypted frames
    /// (no key, decryption, pad, timestamp), so the caller can log the account.
    pub fn header(&self) -> Option<Header> {
        match self {
            DecodeError::NoKey(h)
            | DecodeError::DecryptFailed { header: h, .. }
            | DecodeError::PadForbiddenChars(h)
            | DecodeError::MissingTimestamp(h) => Some((**h).clone()),
            DecodeError::TimestampTooOld { frame, .. } | DecodeError::TimestampInFuture { frame, .. } => {
                Some(frame.header())
            }
            _ => None,
        }
    }

    /// The bytes to send back, if any: a plain NAK carrying the receiver's time `now`
    /// (also to encrypted frames: the spec's NAK is never encrypted, so a panel with a wrong
    /// clock or key can read it and resynchronise).
    pub fn reply(&self, now: Timestamp) -> Option<Vec<u8>> {
        match self.reply_kind() {
            ReplyKind::Nak => Some(nak(now)),
            ReplyKind::Ack | ReplyKind::Duh | ReplyKind::None => None,
        }
    }
}
