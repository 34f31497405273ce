//! The message token between quotes (`"ADM-CID"`, `"SIA-DCS"`, ...).

use std::fmt;

/// The DC-09 message token (the text between the quotes, without the `*` of encrypted frames).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Token {
    /// `ADM-CID`: Ademco Contact ID data.
    AdmCid,
    /// `SIA-DCS`: SIA DC-03 / DC-04 data.
    SiaDcs,
    /// `NULL`: link test (supervision), no event data.
    Null,
    /// `ACK`: positive acknowledgement.
    Ack,
    /// `NAK`: negative acknowledgement (timestamp rejected or message refused).
    Nak,
    /// `DUH`: received correctly but cannot be processed.
    Duh,
    /// Any other token, kept as received.
    Other(String),
}

impl Token {
    /// The token as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Token::AdmCid => "ADM-CID",
            Token::SiaDcs => "SIA-DCS",
            Token::Null => "NULL",
            Token::Ack => "ACK",
            Token::Nak => "NAK",
            Token::Duh => "DUH",
            Token::Other(s) => s,
        }
    }

    /// The token for a wire text; unknown texts become [`Token::Other`].
    pub fn parse(text: &str) -> Token {
        match text {
            "ADM-CID" => Token::AdmCid,
            "SIA-DCS" => Token::SiaDcs,
            "NULL" => Token::Null,
            "ACK" => Token::Ack,
            "NAK" => Token::Nak,
            "DUH" => Token::Duh,
            other => Token::Other(other.to_owned()),
        }
    }

    /// Whether this token is one of the receiver's replies (`ACK`, `NAK`, `DUH`).
    pub fn is_reply(&self) -> bool {
        matches!(self, Token::Ack | Token::Nak | Token::Duh)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn wire_names_round_trip() {
        for t in [Token::AdmCid, Token::SiaDcs, Token::Null, Token::Ack, Token::Nak, Token::Duh] {
            assert_eq!(Token::parse(t.as_str()), t);
        }
        assert_eq!(Token::parse("ADM-CID2"), Token::Other("ADM-CID2".into()));
        assert_eq!(Token::Other("X".into()).as_str(), "X");
    }
}
