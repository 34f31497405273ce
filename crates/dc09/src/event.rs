//! One typed event model for Contact ID and SIA DCS data.

use crate::token::Token;
use crate::{cid, sia};

/// The event data format a frame carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Ademco Contact ID (`ADM-CID`).
    ContactId,
    /// SIA DC-03 / DC-04 (`SIA-DCS`).
    Sia,
}

/// The Contact ID event qualifier (first digit of `QEEE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `1`: new event, or opening (disarm) for open/close codes.
    New,
    /// `3`: restore, or closing (arm) for open/close codes.
    Restore,
    /// `6`: previously reported condition still present (status report).
    Status,
}

impl Qualifier {
    /// The qualifier of a wire digit (`1`, `3`, `6`).
    pub fn from_digit(digit: char) -> Option<Qualifier> {
        match digit {
            '1' => Some(Qualifier::New),
            '3' => Some(Qualifier::Restore),
            '6' => Some(Qualifier::Status),
            _ => None,
        }
    }

    /// The wire digit.
    pub fn digit(&self) -> char {
        match self {
            Qualifier::New => '1',
            Qualifier::Restore => '3',
            Qualifier::Status => '6',
        }
    }
}

/// What the number after an event code designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKind {
    /// A zone (detector, input).
    Zone,
    /// A user (keypad code, card, remote).
    User,
    /// An area (partition).
    Area,
    /// Nothing in particular (module, output, 0).
    Other,
}

/// One event from a panel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The event code: 3 digits for Contact ID (`"130"`), 2 letters for SIA (`"BA"`).
    pub code: String,
    /// Which data format the event came in.
    pub protocol: Protocol,
    /// Contact ID qualifier; `None` for SIA.
    pub qualifier: Option<Qualifier>,
    /// Whether the event ends a condition: Contact ID qualifier 3 (except on open/close codes,
    /// where 3 means closing), or a SIA restore code (`BR`, `FR`, ...).
    pub restore: bool,
    /// Contact ID group/area (`"01"`); SIA `ri` modifier.
    pub partition: Option<String>,
    /// Contact ID zone or user number (`"005"`); SIA address after the code.
    pub zone: Option<String>,
    /// The user number, when known: SIA `id` modifier, or the address of a code whose address
    /// is a user (SIA `OP`/`CL`, Contact ID open/close codes, duress, ...).
    pub user: Option<String>,
    /// Free text: SIA `^text^` after the code, else the `|A` text block.
    pub text: Option<String>,
    /// SIA modifiers in force for this event (`ri`, `id`, `ti`, `pi`, ...) as (name, value);
    /// a `^text^` after a modifier is added as (`"<name>_text"`, text). Empty for Contact ID.
    pub modifiers: Vec<(String, String)>,
    /// Human meaning: "Burglary", "Fire Alarm", "Opening (disarm) by user", ...;
    /// "Unknown event" when the code is not in the table.
    pub meaning: &'static str,
    /// Whether the code is in the code table.
    pub known: bool,
    /// The event as received: Contact ID `QEEE GG ZZZ`, SIA code with address and text.
    pub raw: String,
}

/// Meaning given to codes that are not in the tables.
pub const UNKNOWN_EVENT: &str = "Unknown event";

/// Event data that could not be parsed. The frame itself was valid; the receiver answers DUH
/// (see [`crate::Frame::reply_kind`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The Contact ID body is not `QEEE GG ZZZ`.
    #[error("malformed Contact ID data {0:?}: expected QEEE GG ZZZ")]
    MalformedContactId(String),
    /// The Contact ID qualifier is not 1, 3 or 6.
    #[error("Contact ID qualifier {0:?} is not 1, 3 or 6")]
    BadQualifier(char),
    /// The SIA DCS data cannot be split into modifiers and events.
    #[error("malformed SIA DCS data {data:?}: {detail}")]
    MalformedSia {
        /// The data as received.
        data: String,
        /// What is wrong.
        detail: &'static str,
    },
    /// The token carries no event data this codec understands.
    #[error("token {0:?} carries no event data this codec understands")]
    UnsupportedToken(String),
}

impl EventError {
    /// A short stable name for logs.
    pub fn reason(&self) -> &'static str {
        match self {
            EventError::MalformedContactId(_) => "malformed_contact_id",
            EventError::BadQualifier(_) => "bad_qualifier",
            EventError::MalformedSia { .. } => "malformed_sia",
            EventError::UnsupportedToken(_) => "unsupported_token",
        }
    }
}

/// The events of a frame's data block.
pub(crate) fn events_of(token: &Token, data: &str) -> Result<Vec<Event>, EventError> {
    match token {
        Token::Null | Token::Ack | Token::Nak | Token::Duh => Ok(Vec::new()),
        Token::Other(t) => Err(EventError::UnsupportedToken(t.clone())),
        _ if data.is_empty() => Ok(Vec::new()),
        Token::AdmCid => cid::parse(strip_account(data)).map(|e| vec![e]),
        Token::SiaDcs => sia::parse(data, strip_account(data)),
    }
}

/// The data after a leading `#acct|` block, or all of it when there is none.
fn strip_account(data: &str) -> &str {
    match data.strip_prefix('#') {
        Some(rest) => rest.split_once('|').map_or("", |(_, body)| body),
        None => data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_events_for_replies_null_and_empty_data() {
        for t in [Token::Null, Token::Ack, Token::Nak, Token::Duh, Token::AdmCid, Token::SiaDcs] {
            assert_eq!(events_of(&t, ""), Ok(vec![]));
        }
        assert!(events_of(&Token::Other("X".into()), "").is_err());
    }

    #[test]
    fn account_block_is_optional() {
        let with = events_of(&Token::SiaDcs, "#1234|Nri1/WA000").unwrap();
        let without = events_of(&Token::SiaDcs, "Nri1/WA000").unwrap();
        assert_eq!(with, without);
        assert!(events_of(&Token::AdmCid, "#1234").is_err());
    }

    #[test]
    fn qualifier_digits() {
        for q in [Qualifier::New, Qualifier::Restore, Qualifier::Status] {
            assert_eq!(Qualifier::from_digit(q.digit()), Some(q));
        }
        assert_eq!(Qualifier::from_digit('2'), None);
    }
}
