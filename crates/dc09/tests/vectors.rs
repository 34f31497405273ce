//! Checks the codec against the shared public DC-09 vectors (`shared/dc09-vectors.json`, copied
//! to `tests/data/` so a clone tests on its own; `VIGIL_DC09_VECTORS` points elsewhere).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use dc09::{nak, DecodeError, Event, Frame, FrameSplitter, Key, Protocol, ReplyKind, Timestamp, Token};
use serde_json::Value;

/// Vectors whose `response_kind` Vigil deliberately does not follow, with the answer it gives
/// (documented in `src/reply.rs` and the crate docs).
const CHOSEN: &[(&str, &str)] = &[
    // Alternative listed by the vector: ACK and keep the unknown code raw.
    ("sia_unknown_code_ZX", "ACK"),
    // Account policy belongs to the server; the codec ACKs what it can decode.
    ("unknown_account_plain", "ACK"),
];

const MIN_PLAIN_CHECKED: usize = 60;
/// Encrypted vectors that must decrypt, fail after decryption, and re-encrypt byte for byte.
const MIN_DECRYPTED: usize = 20;
const MIN_DECRYPT_ERRORS: usize = 6;
const MIN_REPRODUCED: usize = 12;

static DECRYPTED: AtomicUsize = AtomicUsize::new(0);
static DECRYPT_ERRORS: AtomicUsize = AtomicUsize::new(0);
static REPRODUCED: AtomicUsize = AtomicUsize::new(0);
const MIN_TOTAL_CHECKED: usize = 90;

fn vectors_path() -> PathBuf {
    match std::env::var_os("VIGIL_DC09_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dc09-vectors.json"),
    }
}

fn load() -> Vec<Value> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("DC-09 vectors missing at {} ({e}); set VIGIL_DC09_VECTORS", path.display()));
    let json: Value = serde_json::from_str(&text).expect("vectors file is not JSON");
    json["vectors"].as_array().expect("no \"vectors\" array").clone()
}

fn raw_bytes(v: &Value) -> Vec<u8> {
    let hex = v["raw_hex"].as_str().expect("raw_hex");
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("raw_hex is hex")).collect()
}

fn is_encrypted(v: &Value) -> bool {
    v["expected"]["encrypted"] == Value::Bool(true) || !v["key_hex"].is_null()
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn expected_reply(v: &Value) -> String {
    v["expected"]["response_kind"].as_str().unwrap_or("NONE").to_owned()
}

fn vector_key(v: &Value) -> Option<Key> {
    let hex = v["key_hex"].as_str()?;
    let bytes: Vec<u8> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("key_hex is hex")).collect();
    Some(Key::from_bytes(&bytes).expect("key_hex is 16, 24 or 32 bytes"))
}

/// The vector's receiver clock; vectors without `now_utc` were generated at their own
/// timestamp (skew 0).
fn vector_now(v: &Value) -> Timestamp {
    if let Some(text) = v["now_utc"].as_str() {
        return parse_iso(text);
    }
    match v["expected"]["timestamp"].as_str() {
        Some(t) => t.parse().expect("vector timestamp"),
        None => some_now(),
    }
}

fn parse_iso(text: &str) -> Timestamp {
    let n = |r: std::ops::Range<usize>| text[r].parse::<u16>().expect("ISO time digits");
    Timestamp::new(n(0..4), n(5..7) as u8, n(8..10) as u8, n(11..13) as u8, n(14..16) as u8, n(17..19) as u8)
        .expect("valid now_utc")
}

/// The pad bytes of the vector's plaintext (one char per byte).
fn vector_pad(v: &Value) -> Vec<u8> {
    let e = &v["expected"];
    let len = e["pad_len"].as_u64().unwrap_or(0) as usize;
    e["plaintext"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(len)
        .map(|c| u8::try_from(u32::from(c)).expect("plaintext chars are bytes"))
        .collect()
}

fn some_now() -> Timestamp {
    Timestamp::from_unix(1_795_315_562)
}

struct Checker {
    name: String,
    problems: Vec<String>,
}

impl Checker {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.problems.push(format!("{}: {what}: got {got:?}, want {want:?}", self.name));
        }
    }

    fn fail(&mut self, msg: String) {
        self.problems.push(format!("{}: {msg}", self.name));
    }

    fn reply(&mut self, got: ReplyKind, v: &Value) {
        let name = v["name"].as_str().unwrap_or_default();
        let want = expected_reply(v);
        match CHOSEN.iter().find(|(n, _)| *n == name) {
            Some((_, choice)) => self.eq("reply (documented choice)", got.as_str(), choice),
            None => self.eq("reply", got.as_str(), want.as_str()),
        }
    }

    fn header(&mut self, token: &Token, seq: u16, receiver: Option<&str>, line: &str, account: &str, e: &Value) {
        self.eq("token", Some(token.as_str()), opt_str(&e["token"]));
        self.eq("seq", Some(format!("{seq:04}")), e["seq"].as_str().map(str::to_owned));
        self.eq("receiver", receiver, opt_str(&e["receiver"]));
        self.eq("line", line, e["line"].as_str().unwrap_or(""));
        self.eq("account", account, e["account"].as_str().unwrap_or(""));
    }

    fn plain_ok(&mut self, v: &Value, raw: &[u8]) {
        let e = &v["expected"];
        let f = match Frame::decode(raw) {
            Ok(f) => f,
            Err(err) => return self.fail(format!("decode failed: {err} ({})", err.reason())),
        };
        self.header(&f.token, f.seq, f.receiver.as_deref(), &f.line, &f.account, e);
        self.eq("encrypted", f.encrypted, false);
        self.eq("data", Some(f.data.as_str()), opt_str(&e["data"]));
        let xdata: Vec<String> = f.xdata.iter().map(|x| format!("{}{}", x.id, x.value)).collect();
        let want_xdata: Vec<String> = e["xdata"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        self.eq("xdata", xdata, want_xdata);
        self.eq("timestamp", f.timestamp.map(|t| t.to_string()), e["timestamp"].as_str().map(str::to_owned));
        match f.events() {
            Ok(events) => self.events(&events, e),
            Err(err) => self.fail(format!("events failed: {err}")),
        }
        self.reply(f.reply_kind(), v);
        match Frame::decode(&f.encode()) {
            Ok(again) => self.eq("re-encoded frame", again, f.clone()),
            Err(err) => self.fail(format!("re-encoded frame does not decode: {err}")),
        }
        if !f.token.is_reply() {
            match Frame::decode(&f.ack()) {
                Ok(ack) => {
                    self.eq("ack token", ack.token, Token::Ack);
                    self.eq(
                        "ack header",
                        (ack.seq, ack.receiver, ack.line, ack.account),
                        (f.seq, f.receiver, f.line, f.account),
                    );
                }
                Err(err) => self.fail(format!("ack does not decode: {err}")),
            }
        }
    }

    fn events(&mut self, events: &[Event], e: &Value) {
        let Some(code) = e["event_code"].as_str() else {
            return self.eq("event count", events.len(), 0);
        };
        let Some(first) = events.first() else {
            return self.fail("no events".into());
        };
        self.eq("event code", first.code.as_str(), code);
        self.eq(
            "qualifier",
            first.qualifier.map(|q| q.digit().to_string()),
            e["qualifier"].as_str().map(str::to_owned),
        );
        self.eq("zone", first.zone.as_deref(), opt_str(&e["zone"]));
        self.eq("partition", first.partition.as_deref(), opt_str(&e["partition"]));
        if e["address_kind"] == "User" {
            self.eq("user", first.user.as_deref(), opt_str(&e["zone"]));
        }
        let want_protocol = if e["token"] == "ADM-CID" { Protocol::ContactId } else { Protocol::Sia };
        self.eq("protocol", first.protocol, want_protocol);
        if let (Protocol::Sia, Some(name)) = (first.protocol, e["event_name"].as_str()) {
            self.eq("meaning", first.meaning, name);
        }
        self.eq("known", first.known, e["reason"] != "unknown_event_code");
        if let Some(want) = e["sia_events"].as_array() {
            self.eq("SIA event count", events.len(), want.len());
            for (got, want) in events.iter().zip(want) {
                self.eq("SIA code", Some(got.code.as_str()), opt_str(&want["code"]));
                self.eq("SIA address", got.zone.as_deref(), opt_str(&want["address"]));
                if let Some(text) = want["text"].as_str() {
                    self.eq("SIA text", got.text.as_deref(), Some(text));
                }
                for m in ["ri", "id", "ti", "pi", "ri_text"] {
                    let got_m = got.modifiers.iter().find(|(n, _)| n == m).map(|(_, v)| v.as_str());
                    self.eq(m, got_m, opt_str(&want[m]));
                }
            }
        }
        for block in e["extra_blocks"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if let Some(text) = block.strip_prefix('A') {
                self.eq("A block text", first.text.as_deref(), Some(text));
            }
        }
    }

    fn plain_err(&mut self, v: &Value, raw: &[u8]) {
        let e = &v["expected"];
        match Frame::decode(raw) {
            Ok(f) => self.fail(format!("decoded but should fail with {}: {f:?}", e["reason"])),
            Err(err) => {
                self.eq("reason", Some(err.reason()), opt_str(&e["reason"]));
                self.reply(err.reply_kind(), v);
                self.error_reply(&err);
            }
        }
    }

    fn encrypted(&mut self, v: &Value, raw: &[u8]) {
        let e = &v["expected"];
        let malformed = e["reference_parser_reason"] == "malformed_header";
        // Without a key, the header is still decoded and the frame is NAKed.
        match Frame::decode(raw) {
            Err(DecodeError::NoKey(h)) if !malformed => {
                self.header(&h.token, h.seq, h.receiver.as_deref(), &h.line, &h.account, e);
                self.eq("encrypted", h.encrypted, true);
                let err = DecodeError::NoKey(h);
                self.eq("reply", err.reply_kind(), ReplyKind::Nak);
                self.error_reply(&err);
            }
            Err(err) if malformed => {
                self.eq("reason", err.reason(), "malformed_header");
            }
            other => self.fail(format!("expected the no-key error, got {other:?}")),
        }
        // With the vector's key and clock.
        let key = vector_key(v);
        let now = vector_now(v);
        let key_for = |_: &str| key.clone();
        let result = Frame::decode_with(raw, key_for, now);
        if malformed {
            return match result {
                Err(err) => self.eq("reason with key", err.reason(), "malformed_header"),
                Ok(f) => self.fail(format!("decoded a malformed header: {f:?}")),
            };
        }
        if e["ok"] != Value::Bool(true) {
            return match result {
                Ok(f) => self.fail(format!("decrypted but should fail with {}: {f:?}", e["reason"])),
                Err(err) => {
                    DECRYPT_ERRORS.fetch_add(1, Ordering::Relaxed);
                    self.eq("reason", Some(err.reason()), opt_str(&e["reason"]));
                    self.reply(err.reply_kind(), v);
                    self.error_reply(&err);
                    if let Some(h) = err.header() {
                        self.header(&h.token, h.seq, h.receiver.as_deref(), &h.line, &h.account, e);
                    } else {
                        self.fail(format!("error without header: {err:?}"));
                    }
                    if let DecodeError::TimestampTooOld { frame, .. } | DecodeError::TimestampInFuture { frame, .. } =
                        &err
                    {
                        self.eq("data", Some(frame.data.as_str()), opt_str(&e["data"]));
                        self.eq(
                            "timestamp",
                            frame.timestamp.map(|t| t.to_string()),
                            e["timestamp"].as_str().map(str::to_owned),
                        );
                    }
                }
            };
        }
        let f = match result {
            Ok(f) => f,
            Err(err) => return self.fail(format!("decrypt failed: {err} ({})", err.reason())),
        };
        DECRYPTED.fetch_add(1, Ordering::Relaxed);
        self.header(&f.token, f.seq, f.receiver.as_deref(), &f.line, &f.account, e);
        self.eq("encrypted", f.encrypted, true);
        self.eq("data", Some(f.data.as_str()), opt_str(&e["data"]));
        if let Some(want) = e["xdata"].as_array() {
            let got: Vec<String> = f.xdata.iter().map(|x| format!("{}{}", x.id, x.value)).collect();
            let want: Vec<String> = want.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect();
            self.eq("xdata", got, want);
        }
        self.eq("timestamp", f.timestamp.map(|t| t.to_string()), e["timestamp"].as_str().map(str::to_owned));
        match f.events() {
            Ok(events) => self.events(&events, e),
            Err(err) => self.fail(format!("events failed: {err}")),
        }
        self.reply(f.reply_kind(), v);
        let Some(key) = key else {
            return self.fail("ok encrypted vector without key".into());
        };
        let key_for = |_: &str| Some(key.clone());
        // Re-encrypting with the vector's pad gives the same ciphertext (where the vector's
        // plaintext has the `pad|` form that the encoder writes).
        let pad = vector_pad(v);
        if e["pad_terminator"] == Value::Bool(true) {
            let ours = f.encode_encrypted(&key, &pad);
            REPRODUCED.fetch_add(1, Ordering::Relaxed);
            self.eq(
                "re-encrypted frame (case-insensitive, after CRC/length)",
                ours[9..].to_ascii_uppercase(),
                raw[9..].to_ascii_uppercase(),
            );
        }
        let ts = f.timestamp.unwrap_or(now);
        match Frame::decode_with(&f.encode_encrypted(&key, b"random pad"), key_for, ts) {
            Ok(again) => self.eq("re-encrypted frame decodes", again, f.clone()),
            Err(err) => self.fail(format!("re-encrypted frame does not decode: {err}")),
        }
        if e["response_encrypted"] == Value::Bool(true) {
            let Some(reply) = f.reply_encrypted(&key, &pad, now) else {
                return self.fail("no encrypted reply".into());
            };
            match Frame::decode_with(&reply, key_for, now) {
                Ok(ack) => {
                    self.eq("encrypted ack token", ack.token, Token::Ack);
                    self.eq("encrypted ack is encrypted", ack.encrypted, true);
                    self.eq(
                        "encrypted ack header",
                        (ack.seq, ack.receiver, ack.line, ack.account, ack.timestamp),
                        (f.seq, f.receiver, f.line, f.account, Some(now)),
                    );
                }
                Err(err) => self.fail(format!("encrypted ack does not decode: {err}")),
            }
        }
    }

    fn error_reply(&mut self, err: &DecodeError) {
        let now = some_now();
        let want = (err.reply_kind() == ReplyKind::Nak).then(|| nak(now));
        self.eq("reply bytes", err.reply(now), want);
    }
}

#[test]
fn shared_vectors() {
    let vectors = load();
    let (mut plain, mut encrypted) = (0, 0);
    let mut problems = Vec::new();
    for v in &vectors {
        let name = v["name"].as_str().expect("vector name").to_owned();
        let raw = raw_bytes(v);
        let mut c = Checker { name, problems: Vec::new() };
        if is_encrypted(v) {
            c.encrypted(v, &raw);
            encrypted += 1;
        } else if v["expected"]["ok"] == Value::Bool(true) {
            c.plain_ok(v, &raw);
            plain += 1;
        } else {
            c.plain_err(v, &raw);
            plain += 1;
        }
        problems.extend(c.problems);
    }
    println!("checked {plain} plain and {encrypted} encrypted vectors of {}", vectors.len());
    assert!(plain >= MIN_PLAIN_CHECKED, "only {plain} plain vectors checked");
    assert!(plain + encrypted >= MIN_TOTAL_CHECKED, "only {} vectors checked", plain + encrypted);
    assert_eq!(plain + encrypted, vectors.len());
    let decrypted = DECRYPTED.load(Ordering::Relaxed);
    let decrypt_errors = DECRYPT_ERRORS.load(Ordering::Relaxed);
    let reproduced = REPRODUCED.load(Ordering::Relaxed);
    println!("decrypted {decrypted}, rejected after key lookup {decrypt_errors}, re-encrypted {reproduced}");
    assert!(decrypted >= MIN_DECRYPTED, "only {decrypted} decrypted");
    assert!(decrypt_errors >= MIN_DECRYPT_ERRORS, "only {decrypt_errors} rejected");
    assert!(reproduced >= MIN_REPRODUCED, "only {reproduced} re-encrypted");
    assert!(problems.is_empty(), "{} mismatches:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn chosen_alternatives_are_listed_by_their_vectors_or_left_to_the_server() {
    let vectors = load();
    for (name, choice) in CHOSEN {
        let v = vectors.iter().find(|v| v["name"] == *name).unwrap_or_else(|| panic!("vector {name} missing"));
        let alts: Vec<&str> = v["expected"]["alt_response_kinds"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let server_policy = v["expected"]["reason"] == "unknown_account";
        assert!(alts.contains(choice) || server_policy, "{name}: {choice} is not an alternative");
    }
}

#[test]
fn nak_matches_the_vectors_nak_frames() {
    let vectors = load();
    let mut seen = 0;
    for v in &vectors {
        let e = &v["expected"];
        if e["token"] == "NAK" && e["receiver"] == "0" && e["account"].is_null() {
            let ts: Timestamp = e["timestamp"].as_str().expect("NAK timestamp").parse().expect("valid timestamp");
            assert_eq!(nak(ts), raw_bytes(v), "{}", v["name"]);
            seen += 1;
        }
    }
    assert!(seen >= 2, "only {seen} spec-style NAK vectors found");
}

#[test]
fn splitter_recovers_every_framed_vector_from_one_stream() {
    let vectors = load();
    let framed: Vec<Vec<u8>> = vectors
        .iter()
        .map(raw_bytes)
        .filter(|r| {
            r.len() > 2
                && r[0] == b'\n'
                && r[r.len() - 1] == b'\r'
                && !r[1..r.len() - 1].iter().any(|&b| b == b'\n' || b == b'\r')
        })
        .collect();
    assert!(framed.len() >= 80, "only {} framed vectors", framed.len());
    let stream = framed.concat();
    for chunk in [1, 7, 64, stream.len()] {
        let mut splitter = FrameSplitter::new();
        let mut out = Vec::new();
        for piece in stream.chunks(chunk) {
            splitter.push(piece);
            while let Some(frame) = splitter.next_frame() {
                out.push(frame.expect("framed vectors split cleanly"));
            }
        }
        assert_eq!(out, framed, "chunk size {chunk}");
    }
}

/// Vectors that only a datagram accepts: over UDP the datagram delimits the frame, so the
/// missing LF is supplied (CRC and length still check the message).
const DATAGRAM_ONLY: &[&str] = &["missing_leading_lf"];

#[test]
fn every_vector_as_a_udp_datagram() {
    let vectors = load();
    let mut accepted_as_datagram = 0;
    for v in &vectors {
        let name = v["name"].as_str().expect("vector name");
        let raw = raw_bytes(v);
        let plain = Frame::decode(&raw);
        for datagram in [raw.clone(), [&raw[..], b"\r\n"].concat(), [&raw[..], b"\0\0"].concat()] {
            let got = Frame::decode_datagram(&datagram);
            match (&plain, &got) {
                (Ok(want), Ok(got)) => assert_eq!(got, want, "{name}"),
                (Err(want), Err(got)) => {
                    assert_eq!(got.reply_kind(), want.reply_kind(), "{name}: {got:?}")
                }
                (Err(_), Ok(f)) if DATAGRAM_ONLY.contains(&name) => {
                    assert_eq!(f.reply_kind(), ReplyKind::Ack, "{name}");
                    accepted_as_datagram += 1;
                }
                _ => panic!("{name}: frame {plain:?}, datagram {got:?}"),
            }
        }
    }
    assert_eq!(accepted_as_datagram, 3 * DATAGRAM_ONLY.len());
}
