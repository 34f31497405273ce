//! One received frame: decode (and decrypt) it, store what it says, and say what to answer.
//! A frame is acknowledged only after the signals it carries are committed.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dc09::{DecodeError, Frame, Key, Timestamp, Token};
use rand::Rng;
use store::{AccountRecord, NewArrival, Store};

use super::guard::{Counters, Guard};
use super::signal::to_signals;
use app::ssr::engine::EngineHandle;

use crate::live::Feed;
use crate::recorder::{Recorded, Recorder};
use crate::supervision::Supervision;

/// How a frame arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// DC-09 over TCP.
    Tcp,
    /// DC-09 over UDP.
    Udp,
}

impl Transport {
    /// `tcp` or `udp`, as stored.
    pub fn as_str(self) -> &'static str {
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
    feed: Feed,
    supervision: Supervision,
    accounts: AccountCache,
    engine: EngineHandle,
    guard: Arc<Guard>,
}

/// What a frame is answered with (a NAK may be withheld: its source had its share).
enum Reply {
    Ack(Vec<u8>),
    Duh(Vec<u8>),
    Nak(Option<Vec<u8>>),
}

/// A decoded frame with its account and, if it came encrypted, the key to answer with.
struct Received {
    frame: Frame,
    account: Option<AccountRecord>,
    key: Option<Key>,
}

impl Ingest {
    /// Builds the ingest path over a store, its recorder, link supervision, the live feed
    /// and the alarm engine (told of every new signal).
    pub fn new(store: Store, recorder: Recorder, supervision: Supervision, feed: Feed, engine: EngineHandle) -> Ingest {
        Ingest { store, recorder, feed, supervision, accounts: AccountCache::default(), engine, guard: Arc::default() }
    }

    /// What the receiver refused or dropped.
    pub fn counters(&self) -> &Counters {
        self.guard.counters()
    }

    /// The reply to a frame the codec refused (NAK or nothing), unless its source has had
    /// its share of NAKs for now.
    pub fn nak_for(&self, e: &DecodeError, peer: SocketAddr) -> Option<Vec<u8>> {
        let reply = e.reply(self.receiver_time())?;
        self.guard.nak_allowed(peer.ip(), chrono::Utc::now().timestamp_millis()).then_some(reply)
    }

    /// Stores the row summing up the unknown accounts' frames beyond their limits, if any
    /// came since the last call.
    pub async fn flush_unknown(&self) {
        let Some(signal) = self.guard.take_aggregate(chrono::Utc::now().timestamp_millis()) else { return };
        self.store_internal(signal).await;
    }

    /// Stores a signal Vigil raises itself, tells the engine and the live feed.
    async fn store_internal(&self, signal: store::NewSignal) {
        match self.store.insert_signal(&signal).await {
            Ok(id) => {
                self.engine.poke();
                self.feed.publish(&[id]);
            }
            Err(e) => tracing::error!(error = %e, code = ?signal.event_code, "internal signal not stored"),
        }
    }

    /// The receiver's clock in DC-09 form (for NAKs).
    pub fn receiver_time(&self) -> Timestamp {
        Timestamp::from_unix(chrono::Utc::now().timestamp())
    }

    /// Handles one whole frame and returns the reply to send, if any.
    ///
    /// - a malformed frame gets the codec's reply for its fault (NAK or nothing); an encrypted
    ///   frame with no key for its account, a wrong key or a stale timestamp gets a NAK with
    ///   the receiver's time;
    /// - a plain frame (event or `NULL`) for an account with a key is refused with a NAK,
    ///   stored as nothing, and is no life sign, unless the account allows plain frames
    ///   (from its networks); a security signal is raised once per account and window;
    /// - `NULL` (link test) from a known account is acknowledged at once (a life sign);
    /// - event frames are stored first, then acknowledged; a retransmission is recognised,
    ///   recorded as a further arrival and acknowledged again; an unknown account or
    ///   unreadable event data is stored too, flagged, and answered `DUH`; frames from
    ///   unknown accounts beyond their limits are summed up in one row a minute instead;
    /// - NAKs are limited per source address;
    /// - when the store fails, nothing is sent, so the panel sends again.
    ///
    /// Replies to encrypted frames are encrypted with the account's key.
    pub async fn handle(&self, raw: &[u8], peer: SocketAddr, transport: Transport) -> Option<Vec<u8>> {
        let started = Instant::now();
        let (kind, reply) = match self.reply(raw, peer, transport).await {
            Some(Reply::Ack(bytes)) => ("ack", Some(bytes)),
            Some(Reply::Duh(bytes)) => ("duh", Some(bytes)),
            Some(Reply::Nak(bytes)) => ("nak", bytes),
            None => ("none", None),
        };
        let transport = transport.as_str();
        metrics::counter!("vigil_dc09_frames_total", "transport" => transport, "reply" => kind).increment(1);
        if kind == "ack" {
            metrics::histogram!("vigil_dc09_ack_seconds", "transport" => transport).record(started.elapsed());
        }
        reply
    }

    /// [`Ingest::handle`]'s work: the reply and what kind it is (a NAK may be withheld).
    async fn reply(&self, raw: &[u8], peer: SocketAddr, transport: Transport) -> Option<Reply> {
        let now = self.receiver_time();
        let received = match self.open(raw, now).await {
            Ok(Some(received)) => received,
            Ok(None) => return None,
            Err(e) => return Some(Reply::Nak(self.reject(&e, peer))),
        };
        if let Some(account) = received.account.as_ref().filter(|a| !plain_allowed(&received, a, peer.ip())) {
            // Logged once per account and window, like the signal: a flood must not flood the log.
            if let Some(signal) = self.guard.plain_refused(account, peer, chrono::Utc::now().timestamp_millis()) {
                tracing::warn!(%peer, account = %account.number, "plain frame refused: the account is encrypted");
                self.store_internal(signal).await;
            }
            let nak = dc09::nak(now);
            return Some(Reply::Nak(
                self.guard.nak_allowed(peer.ip(), chrono::Utc::now().timestamp_millis()).then_some(nak),
            ));
        }
        let reply_ok = match &received.frame.token {
            Token::AdmCid | Token::SiaDcs => self.handle_events(&received, raw, peer, transport).await?,
            Token::Null => received.account.is_some(),
            Token::Ack | Token::Nak | Token::Duh => return None,
            Token::Other(_) => false,
        };
        if let Some(account) = &received.account {
            self.supervision.observe(account.id, &received.frame.line, chrono::Utc::now().timestamp_millis());
        }
        let bytes = answer(&received, reply_ok, now);
        Some(if reply_ok { Reply::Ack(bytes) } else { Reply::Duh(bytes) })
    }

    /// Decodes, looking up the account (and its key for an encrypted frame). `Ok(None)`: the
    /// store failed, so no answer is given.
    async fn open(&self, raw: &[u8], now: Timestamp) -> Result<Option<Received>, DecodeError> {
        let (frame, account, key) = match Frame::decode(raw) {
            Ok(frame) => {
                let Some(account) = self.account(&frame.account).await else { return Ok(None) };
                (frame, account, None)
            }
            Err(DecodeError::NoKey(header)) => {
                let Some(account) = self.account(&header.account).await else { return Ok(None) };
                let key = account.as_ref().and_then(|a| a.key.as_ref()).and_then(|k| Key::hex(k.expose_hex()).ok());
                let Some(key) = key else { return Err(DecodeError::NoKey(header)) };
                let frame = Frame::decode_with(raw, |_| Some(key.clone()), now)?;
                (frame, account, Some(key))
            }
            Err(e) => return Err(e),
        };
        Ok(Some(Received { frame, account, key }))
    }

    /// The account, `Some(None)` when unknown, `None` when the store failed. A known account
    /// is reused for [`ACCOUNT_TTL`] (see [`AccountCache`]).
    async fn account(&self, number: &str) -> Option<Option<AccountRecord>> {
        if let Some(account) = self.accounts.get(number) {
            return Some(Some(account));
        }
        match self.store.account(number).await {
            Ok(account) => {
                if let Some(account) = &account {
                    self.accounts.put(number, account.clone());
                }
                Some(account)
            }
            Err(e) => {
                tracing::error!(error = %e, "account lookup failed");
                None
            }
        }
    }

    fn reject(&self, e: &DecodeError, peer: SocketAddr) -> Option<Vec<u8>> {
        let reply = self.nak_for(e, peer);
        if reply.is_some() {
            tracing::warn!(%peer, reason = e.reason(), "rejected frame");
        }
        reply
    }

    /// Stores the frame's events; `Some(true)` to ACK, `Some(false)` to DUH, `None` when
    /// nothing was stored (no answer).
    async fn handle_events(&self, r: &Received, raw: &[u8], peer: SocketAddr, transport: Transport) -> Option<bool> {
        let received_at_ms = chrono::Utc::now().timestamp_millis();
        if r.account.is_none() && !self.guard.unknown_allowed(&r.frame.account, peer.ip(), received_at_ms) {
            return None;
        }
        let raw_text = String::from_utf8_lossy(raw).trim_matches(['\n', '\r']).to_owned();
        let (signals, readable) = to_signals(&r.frame, r.account.as_ref(), received_at_ms, raw_text, peer, transport);
        if !readable {
            tracing::warn!(%peer, account = %r.frame.account, "unreadable event data; stored raw");
        }
        let arrival = NewArrival {
            received_at_ms,
            transport: transport.as_str().to_owned(),
            remote_addr: peer.to_string(),
            receiver: r.frame.receiver.clone(),
            line: r.frame.line.clone(),
        };
        match self.recorder.record(signals, arrival).await {
            Ok(Recorded::New(ids)) => {
                self.engine.poke();
                self.feed.publish(&ids);
            }
            Ok(Recorded::Repeat(id)) => {
                tracing::debug!(%peer, signal = id, "repeated frame recorded as a further arrival")
            }
            Err(e) => {
                tracing::error!(error = %e, "signal not stored; not acknowledged");
                return None;
            }
        }
        if r.account.is_none() {
            tracing::warn!(%peer, account = %r.frame.account, "signal from unknown account stored and flagged");
        }
        Some(r.account.is_some() && readable)
    }
}

/// Whether a frame may be taken for its known account: an encrypted frame always; a plain
/// one when the account has no key, or is set to allow plain frames (from its networks, if
/// it names any).
fn plain_allowed(r: &Received, account: &AccountRecord, ip: IpAddr) -> bool {
    if r.key.is_some() || account.key.is_none() {
        return true;
    }
    account.allow_plain
        && (account.plain_networks.is_empty()
            || account.plain_networks.iter().filter_map(|n| n.parse::<ipnet::IpNet>().ok()).any(|n| n.contains(&ip)))
}

/// How long a looked-up account (site, key) is reused without asking the store again.
const ACCOUNT_TTL: Duration = Duration::from_secs(1);

/// At most this many accounts are cached; beyond it expired ones are dropped, then all.
const ACCOUNT_CACHE_MAX: usize = 65_536;

/// Known accounts by the number as the frame spells it, each for [`ACCOUNT_TTL`]: a panel
/// sending several frames in a row costs one store lookup, not one per frame. Only known
/// accounts are kept, so an account that is added is heard at once; a changed key or site
/// (or a removed account) takes effect within the TTL (a frame with the new key is NAKed
/// until then, and the panel sends it again).
#[derive(Clone, Default)]
struct AccountCache(Arc<Mutex<HashMap<String, (Instant, AccountRecord)>>>);

impl AccountCache {
    fn get(&self, number: &str) -> Option<AccountRecord> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(number).filter(|(at, _)| at.elapsed() < ACCOUNT_TTL).map(|(_, a)| a.clone())
    }

    fn put(&self, number: &str, account: AccountRecord) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= ACCOUNT_CACHE_MAX && !map.contains_key(number) {
            map.retain(|_, (at, _)| at.elapsed() < ACCOUNT_TTL);
            if map.len() >= ACCOUNT_CACHE_MAX {
                map.clear();
            }
        }
        map.insert(number.to_owned(), (Instant::now(), account));
    }
}

/// ACK (or DUH), encrypted with the account's key when the frame came encrypted.
fn answer(r: &Received, ok: bool, now: Timestamp) -> Vec<u8> {
    match (&r.key, ok) {
        (Some(key), true) => r.frame.ack_encrypted(key, &pad(), now),
        (Some(key), false) => r.frame.duh_encrypted(key, &pad(), now),
        (None, true) => r.frame.ack(),
        (None, false) => r.frame.duh(),
    }
}

/// Random pad bytes for an encrypted reply (the codec replaces the few forbidden ones).
fn pad() -> [u8; 16] {
    let mut rng = rand::thread_rng();
    std::array::from_fn(|_| rng.sample(rand::distributions::Alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64) -> AccountRecord {
        AccountRecord {
            id,
            number: "1234".into(),
            site_id: 1,
            site_name: "Site".into(),
            time_zone: "UTC".into(),
            key: None,
            allow_plain: false,
            plain_networks: vec![],
        }
    }

    #[test]
    fn a_cached_account_is_reused_until_its_ttl_ends() {
        let cache = AccountCache::default();
        assert!(cache.get("1234").is_none());
        cache.put("1234", record(1));
        assert_eq!(cache.get("1234").map(|a| a.id), Some(1));
        let expired = Instant::now().checked_sub(ACCOUNT_TTL).unwrap();
        cache.0.lock().unwrap().get_mut("1234").unwrap().0 = expired;
        assert!(cache.get("1234").is_none(), "an expired account is looked up again");
    }

    #[test]
    fn a_full_cache_drops_expired_accounts_then_all() {
        let cache = AccountCache::default();
        for i in 0..ACCOUNT_CACHE_MAX {
            cache.put(&i.to_string(), record(1));
        }
        cache.put("0", record(2));
        assert_eq!(cache.0.lock().unwrap().len(), ACCOUNT_CACHE_MAX, "replacing an entry keeps the rest");
        cache.put("new", record(3));
        assert_eq!(cache.0.lock().unwrap().len(), 1);
        assert_eq!(cache.get("new").map(|a| a.id), Some(3));
    }
}
