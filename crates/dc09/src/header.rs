//! The header between the checked region's opening quote and the first `[`:
//! `"[*]TOKEN"seq [Rrcvr] Lpref #acct`.

use crate::error::DecodeError;
use crate::token::Token;

/// Longest receiver number and line prefix (hex digits).
const MAX_PREFIX_DIGITS: usize = 6;
/// Shortest account number (hex digits).
const MIN_ACCOUNT_DIGITS: usize = 3;
/// Longest account number (hex digits).
const MAX_ACCOUNT_DIGITS: usize = 16;

/// The fields of a frame before its body; all that is readable of an encrypted frame
/// without its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// The message token.
    pub token: Token,
    /// Whether the token was marked encrypted (`"*ADM-CID"`).
    pub encrypted: bool,
    /// Sequence number, 0..=9999.
    pub seq: u16,
    /// Receiver number (hex digits after `R`, case as received), if present.
    pub receiver: Option<String>,
    /// Line prefix (hex digits after `L`, case as received).
    pub line: String,
    /// Account (hex digits after `#`, upper case); empty for the spec's `A0` placeholder.
    pub account: String,
}

/// Parses the header of a checked region and returns it with the rest, which starts at `[`.
pub(crate) fn parse(region: &str) -> Result<(Header, &str), DecodeError> {
    let after_quote =
        region.strip_prefix('"').ok_or(DecodeError::MalformedHeader("no opening quote before the token"))?;
    let close = after_quote.find('"').ok_or(DecodeError::MalformedHeader("token has no closing quote"))?;
    let (encrypted, token_text) = match after_quote[..close].strip_prefix('*') {
        Some(t) => (true, t),
        None => (false, &after_quote[..close]),
    };
    if token_text.is_empty() || !token_text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DecodeError::MalformedHeader("empty or unprintable token"));
    }
    let rest = &after_quote[close + 1..];

    let seq_text = rest.get(..4).filter(|s| s.bytes().all(|b| b.is_ascii_digit()));
    let Some(seq_text) = seq_text else {
        return Err(DecodeError::BadSequence(rest.chars().take(4).collect()));
    };
    let seq: u16 = seq_text.parse().map_err(|_| DecodeError::BadSequence(seq_text.to_owned()))?;
    let mut rest = &rest[4..];

    let receiver = match rest.strip_prefix('R') {
        Some(r) => {
            let (digits, r) = hex_run(r);
            if digits.is_empty() || digits.len() > MAX_PREFIX_DIGITS {
                return Err(DecodeError::MalformedHeader("receiver must be 1-6 hex digits"));
            }
            rest = r;
            Some(digits.to_owned())
        }
        None => None,
    };

    let after_l = match rest.strip_prefix('L') {
        Some(r) => r,
        None if rest.starts_with('#') => return Err(DecodeError::MissingLinePrefix),
        None => return Err(DecodeError::MalformedHeader("expected R or L after the sequence number")),
    };
    let (run, rest) = hex_run(after_l);
    let (line, account, rest) = if let Some(r) = rest.strip_prefix('#') {
        let (digits, r) = hex_run(r);
        if !(MIN_ACCOUNT_DIGITS..=MAX_ACCOUNT_DIGITS).contains(&digits.len()) {
            return Err(DecodeError::MalformedHeader("account must be 3-16 hex digits"));
        }
        (run, digits.to_ascii_uppercase(), r)
    } else {
        let line = split_placeholder(run).ok_or(DecodeError::MalformedHeader("missing #account"))?;
        (line, String::new(), rest)
    };
    if line.is_empty() || line.len() > MAX_PREFIX_DIGITS {
        return Err(DecodeError::MalformedHeader("line prefix must be 1-6 hex digits"));
    }
    if !rest.starts_with('[') {
        return Err(DecodeError::MalformedHeader("expected [ after the account"));
    }
    let header = Header { token: Token::parse(token_text), encrypted, seq, receiver, line: line.to_owned(), account };
    Ok((header, rest))
}

/// Splits `0A0` (line prefix followed by the spec's `A<n>` account placeholder, as in
/// `"NAK"0000R0L0A0[]`) at its last `A` and returns the line prefix.
fn split_placeholder(run: &str) -> Option<&str> {
    let at = run.rfind(['A', 'a'])?;
    let (line, placeholder) = (&run[..at], &run[at + 1..]);
    (!line.is_empty() && !placeholder.is_empty()).then_some(line)
}

fn hex_run(s: &str) -> (&str, &str) {
    let end = s.bytes().position(|b| !b.is_ascii_hexdigit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(region: &str) -> Header {
        parse(region).unwrap().0
    }

    #[test]
    fn full_header() {
        let (h, rest) = parse("\"*SIA-DCS\"9876R579bdfL789ABC#123456a[x").unwrap();
        assert_eq!(h.token, Token::SiaDcs);
        assert!(h.encrypted);
        assert_eq!(h.seq, 9876);
        assert_eq!(h.receiver.as_deref(), Some("579bdf"));
        assert_eq!(h.line, "789ABC");
        assert_eq!(h.account, "123456A");
        assert_eq!(rest, "[x");
    }

    #[test]
    fn nak_placeholder_account() {
        let h = ok("\"NAK\"0000R0L0A0[]");
        assert_eq!((h.receiver.as_deref(), h.line.as_str(), h.account.as_str()), (Some("0"), "0", ""));
    }

    #[test]
    fn errors() {
        let reason = |r: &str| parse(r).unwrap_err().reason();
        assert_eq!(reason("\"ADM-CID\"000AL0#1234[]"), "bad_sequence");
        assert_eq!(reason("\"ADM-CID\"12L0#1234[]"), "bad_sequence");
        assert_eq!(reason("\"ADM-CID\"0006#1234[]"), "missing_line_prefix");
        assert_eq!(reason("\"ADM-CID\"0006R1#1234[]"), "missing_line_prefix");
        assert_eq!(reason("\"ACK\"0001NoneL0#1234[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001L0#12[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001L0#12345678901234567[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001L0#123G[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001L0[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001L1234567#123[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001R1234567L0#123[]"), "malformed_header");
        assert_eq!(reason("\"ACK\"0001RL0#123[]"), "malformed_header");
        assert_eq!(reason("\"\"0001L0#123[]"), "malformed_header");
        assert_eq!(reason("\"ACK0001L0#123[]"), "malformed_header");
        assert_eq!(reason("ACK\"0001L0#123[]"), "malformed_header");
    }
}
