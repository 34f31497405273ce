//! What the engine asks the world to do after each input: store the changed incidents, site
//! states and crews, append journal entries, link signals, and send notices.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::command::Actor;
use crate::crew::Crew;
use crate::incident::Incident;

/// One line of an incident's journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The incident.
    pub incident: i64,
    /// When.
    pub at_ms: i64,
    /// Who.
    pub actor: Actor,
    /// What (`opened`, `acknowledged`, `call`, `dispatched`, `cancel_refused`, ...).
    pub action: String,
    /// Details for people.
    pub detail: Option<String>,
}

/// An event about a site rather than an incident (test mode, suspension), for the audit
/// journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEvent {
    /// The site.
    pub site_id: i64,
    /// When.
    pub at_ms: i64,
    /// Who.
    pub actor: Actor,
    /// What (`test_started`, `test_ended`, `suspended`, ...).
    pub action: String,
    /// Details.
    pub detail: Option<String>,
}

/// Why the customer side is told something; decides the wording and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// An alarm came in.
    Alarm,
    /// An alarm and none of the contacts could be reached.
    NoContactReached,
    /// A vehicle or site missed its life sign.
    LifeSignMissed,
    /// Late to open or failed to close.
    Schedule,
    /// The alarm was cancelled.
    Cancelled,
    /// A crew was sent.
    CrewDispatched,
    /// Test mode started or ended.
    TestMode,
}

/// A message to a site's contacts (the runtime turns it into outbox rows per channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// The site.
    pub site_id: i64,
    /// The incident, if any.
    pub incident: Option<i64>,
    /// Why.
    pub kind: NoticeKind,
    /// Subject line.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Also by SMS (else push and e-mail only).
    pub sms: bool,
    /// What it says, for writing it in each contact's language (`subject` and `body` are
    /// the English).
    #[serde(default)]
    pub words: Option<NoticeWords>,
}

/// What a notice says, without the words: each language writes it its own way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "say")]
pub enum NoticeWords {
    /// An alarm of this category (at this zone); the customer may still cancel it.
    Alarm {
        /// What kind of alarm.
        category: rules::classify::Category,
        /// The zone's name, if the alarm named one.
        place: Option<String>,
        /// A cancel window is open.
        cancellable: bool,
    },
    /// An alarm and none of the contacts answered.
    NobodyReached {
        /// What kind of alarm.
        category: rules::classify::Category,
        /// The zone's name.
        place: Option<String>,
    },
    /// The alarm was cancelled with the password.
    Cancelled,
    /// A crew is on its way.
    CrewOnItsWay {
        /// The crew's name.
        crew: String,
    },
    /// Test mode started (`on`) or ended.
    TestMode {
        /// Started.
        on: bool,
    },
}

/// The result of one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Incidents as they are now, by id (closed ones included once, when they close).
    pub incidents: BTreeMap<i64, Incident>,
    /// Sites whose state changed.
    pub sites: BTreeSet<i64>,
    /// Crews as they are now.
    pub crews: BTreeMap<i64, Crew>,
    /// Journal lines.
    pub journal: Vec<JournalEntry>,
    /// Signals that joined incidents: (incident, signal).
    pub links: Vec<(i64, i64)>,
    /// Messages to send.
    pub notices: Vec<Notice>,
    /// Site events for the audit journal.
    pub site_events: Vec<SiteEvent>,
}

impl Output {
    /// Whether there is nothing to store.
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
            && self.sites.is_empty()
            && self.crews.is_empty()
            && self.journal.is_empty()
            && self.links.is_empty()
            && self.notices.is_empty()
            && self.site_events.is_empty()
    }

    /// Adds another output after this one.
    pub fn merge(&mut self, other: Output) {
        self.incidents.extend(other.incidents);
        self.sites.extend(other.sites);
        self.crews.extend(other.crews);
        self.journal.extend(other.journal);
        self.links.extend(other.links);
        self.notices.extend(other.notices);
        self.site_events.extend(other.site_events);
    }
}
