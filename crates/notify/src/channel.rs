//! The delivery channels.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A way of reaching a person: e-mail, SMS or Web Push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// E-mail over SMTP.
    Email,
    /// A text message through an HTTP SMS gateway.
    Sms,
    /// A Web Push message (RFC 8030/8291/8292) to a browser subscription.
    Push,
}

impl Channel {
    /// Every channel, in a fixed order.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Push];

    /// Parses the stored name (`"email"`, `"sms"`, `"push"`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            "push" => Some(Channel::Push),
            _ => None,
        }
    }

    /// The stored name, the inverse of [`Channel::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
