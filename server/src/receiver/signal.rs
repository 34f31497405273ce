//! The stored form of a received frame: one signal per event, all carrying the frame's
//! dedupe key.

use std::net::SocketAddr;

use dc09::{Event, Frame, Protocol, Qualifier};
use sha2::{Digest, Sha256};
use store::{AccountRecord, NewSignal};

use super::ingest::Transport;

/// The identity of a frame's content: account, token, sequence, data, extended data and the
/// panel's timestamp. The same frame sent again (after a lost ACK, or over a second path)
/// has the same key; two real events differ in sequence, data or time.
pub fn dedupe_key(frame: &Frame) -> String {
    let mut h = Sha256::new();
    for part in [frame.account.as_str(), frame.token.as_str(), &frame.seq.to_string(), frame.data.as_str()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for x in &frame.xdata {
        h.update(format!("{x:?}").as_bytes());
        h.update([0]);
    }
    if let Some(ts) = &frame.timestamp {
        h.update(ts.to_unix().to_string().as_bytes());
    }
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The signals of a frame, and whether its event data could be read.
pub fn to_signals(
    frame: &Frame,
    account: Option<&AccountRecord>,
    received_at_ms: i64,
    raw: String,
    peer: SocketAddr,
    transport: Transport,
) -> (Vec<NewSignal>, bool) {
    let key = dedupe_key(frame);
    let position = frame.position();
    let base = NewSignal {
        received_at_ms,
        account: frame.account.clone(),
        site_id: account.map(|a| a.site_id),
        known: account.is_some(),
        token: frame.token.as_str().to_owned(),
        seq: i64::from(frame.seq),
        receiver: frame.receiver.clone(),
        line: frame.line.clone(),
        raw,
        remote_addr: peer.to_string(),
        transport: transport.as_str().to_owned(),
        encrypted: frame.encrypted,
        dedupe_key: Some(key),
        lat: position.map(|p| p.0),
        lon: position.map(|p| p.1),
        ..NewSignal::default()
    };
    match frame.events() {
        Ok(events) if !events.is_empty() => (events.iter().map(|e| with_event(&base, e)).collect(), true),
        Ok(_) => (vec![NewSignal { meaning: "No event in data".into(), ..base }], false),
        Err(_) => (vec![NewSignal { meaning: "Unreadable event data".into(), ..base }], false),
    }
}

fn with_event(base: &NewSignal, e: &Event) -> NewSignal {
    NewSignal {
        protocol: Some(protocol_name(&e.protocol).to_owned()),
        qualifier: e.qualifier.as_ref().map(|q| qualifier_name(q).to_owned()),
        event_code: Some(e.code.clone()),
        zone: e.zone.clone(),
        area: e.partition.clone(),
        user_number: e.user.clone(),
        meaning: e.meaning.to_owned(),
        ..base.clone()
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
