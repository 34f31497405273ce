//! The message to deliver.

use serde::{Deserialize, Serialize};

use crate::Channel;

/// One notification for one recipient over one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The channel to send it over.
    pub channel: Channel,
    /// Who receives it: an e-mail address ([`Channel::Email`]), an E.164-style
    /// phone number such as `+4915112345678` ([`Channel::Sms`]), or the JSON of a
    /// browser `PushSubscription` ([`Channel::Push`]).
    pub recipient: String,
    /// A short title: the e-mail subject and the push notification title
    /// (SMS does not use it).
    pub subject: String,
    /// The plain-text content.
    pub body: String,
}
