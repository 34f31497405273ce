//! One received frame: decode it, store what it says, and say what to answer. A frame is
//! acknowledged only after the signals it carries are committed.

use std::net::SocketAddr;

use app::model::SignalView;
use dc09::{DecodeError, Event, Frame, Protocol, Qualifier, Timestamp, Token};
use store::{AccountRecord, NewSignal, Store};
use tokio::sync::broadcast;

use crate::recorder::Recorder;

/// How a frame arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// DC-09 over TCP.
    Tcp,
    /// DC-09 over UDP.
    Udp,
}

impl Transport {
    fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

/// Everything a receiver connection needs; cheap to clone.
#[derive(Clone)]
pub struct Ingest {
    store: Store,
    recorder: Recorder,
    live: broadcast::Sender<SignalView>,
}

impl Ingest {
    /// Builds the ingest path over a store, its recorder and the live feed.
    pub fn new(store: Store, recorder: Recorder, live: broadcast::Sender<SignalView>) -> Ingest {
        Ingest { store, recorder, live }
    }

    /// The receiver's clock in DC-09 form (for NAKs).
    pub fn receiver_time(&self) -> Timestamp {
        Timestamp::from_unix(chrono::Utc::now().timestamp())
    }

    /// Handles one whole frame and returns the reply to send, if any.
    ///
    /// - a malformed frame gets the codec's reply for its fault (NAK or nothing);
    /// - `NULL` (link test) is acknowledged after the account's last-seen time is stored;
    /// - event frames are stored first, then acknowledged; an unknown account or unreadable
    ///   event data is stored too, flagged, and answered `DUH`;
    /// - when the store fails, nothing is sent, so the panel sends again.
    pub async fn handle(&self, raw: &[u8], peer: SocketAddr, transport: Transport) -> Option<Vec<u8>> {
        let frame = match Frame::decode(raw) {
            Ok(frame) => frame,
            Err(e) => return self.reject(&e, peer),
        };
        match &frame.token {
            Token::AdmCid | Token::SiaDcs => self.handle_events(&frame, raw, peer, transport).await,
            Token::Null => self.handle_link_test(&frame).await,
            Token::Ack | Token::Nak | Token::Duh => None,
            Token::Other(_) => Some(frame.duh()),
        }
    }

    fn reject(&self, e: &DecodeError, peer: SocketAddr) -> Option<Vec<u8>> {
        tracing::warn!(%peer, reason = e.reason(), "rejected frame");
        e.reply(self.receiver_time())
    }

    async fn handle_link_test(&self, frame: &Frame) -> Option<Vec<u8>> {
        match self.store.account(&frame.account).await {
            Ok(Some(_)) => {}
            Ok(None) => return Some(frame.duh()),
            Err(e) => {
                tracing::error!(error = %e, "account lookup failed");
                return None;
            }
        }
        match self.store.touch_account(&frame.account, chrono::Utc::now().timestamp_millis()).await {
            Ok(()) => Some(frame.ack()),
            Err(e) => {
                tracing::error!(error = %e, "could not record link test");
                None
            }
        }
    }

    async fn handle_events(&self, frame: &Frame, raw: &[u8], peer: SocketAddr, transport: Transport) -> Option<Vec<u8>> {
        let account = match self.store.account(&frame.account).await {
            Ok(account) => account,
            Err(e) => {
                tracing::error!(error = %e, "account lookup failed");
                return None;
            }
        };
        let base = Base {
            received_at_ms: chrono::Utc::now().timestamp_millis(),
            frame,
            account: account.as_ref(),
            raw: String::from_utf8_lossy(raw).trim_matches(['\n', '\r']).to_owned(),
            remote_addr: peer.to_string(),
            transport,
        };
        let (signals, readable) = match frame.events() {
            Ok(events) if !events.is_empty() => (events.iter().map(|e| base.signal(Some(e), None)).collect(), true),
            Ok(_) => (vec![base.signal(None, Some("No event in data"))], false),
            Err(e) => {
                tracing::warn!(%peer, account = %frame.account, error = %e, "unreadable event data; stored raw");
                (vec![base.signal(None, Some("Unreadable event data"))], false)
            }
        };
        let ids = match self.recorder.record(signals).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = %e, "signal not stored; not acknowledged");
                return None;
            }
        };
        self.publish(ids);
        if account.is_some() && readable {
            Some(frame.ack())
        } else {
            if account.is_none() {
                tracing::warn!(%peer, account = %frame.account, "signal from unknown account stored and flagged");
            }
            Some(frame.duh())
        }
    }

    /// Pushes stored signals to the browsers, off the acknowledgement path.
    fn publish(&self, ids: Vec<i64>) {
        if self.live.receiver_count() == 0 {
            return;
        }
        let (store, live) = (self.store.clone(), self.live.clone());
        tokio::spawn(async move {
            for id in ids {
                match store.signal(id).await {
                    Ok(Some(record)) => {
                        let _ = live.send(app::ssr::views::signal_view(&record));
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "could not read back a stored signal"),
                }
            }
        });
    }
}

/// What all signals of one frame share.
struct Base<'a> {
    received_at_ms: i64,
    frame: &'a Frame,
    account: Option<&'a AccountRecord>,
    raw: String,
    remote_addr: String,
    transport: Transport,
}

impl Base<'_> {
    fn signal(&self, event: Option<&Event>, meaning: Option<&str>) -> NewSignal {
        let f = self.frame;
        NewSignal {
            received_at_ms: self.received_at_ms,
            account: f.account.clone(),
            site_id: self.account.map(|a| a.site_id),
            known: self.account.is_some(),
            token: f.token.as_str().to_owned(),
            seq: i64::from(f.seq),
            receiver: f.receiver.clone(),
            line: f.line.clone(),
            protocol: event.map(|e| protocol_name(&e.protocol).to_owned()),
            qualifier: event.and_then(|e| e.qualifier.as_ref()).map(|q| qualifier_name(q).to_owned()),
            event_code: event.map(|e| e.code.clone()),
            zone: event.and_then(|e| e.zone.clone()),
            area: event.and_then(|e| e.partition.clone()),
            user_number: event.and_then(|e| e.user.clone()),
            meaning: meaning.map(str::to_owned).or_else(|| event.map(|e| e.meaning.to_owned())).unwrap_or_default(),
            raw: self.raw.clone(),
            remote_addr: self.remote_addr.clone(),
            transport: self.transport.as_str().to_owned(),
        }
    }
}

fn protocol_name(p: &Protocol) -> &'static str {
    match p {
        Protocol::ContactId => "cid",
        Protocol::Sia => "sia",
    }
}

fn qualifier_name(q: &Qualifier) -> &'static str {
    match q {
        Qualifier::New => "new",
        Qualifier::Restore => "restore",
        Qualifier::Status => "status",
    }
}
