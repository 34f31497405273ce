-- Vigil schema v2 (SQLite): account keys, supervised paths, retransmission dedupe,
-- repeated arrivals, and signals raised by Vigil itself (transport 'internal').

ALTER TABLE accounts ADD COLUMN aes_key    TEXT    NULL;
ALTER TABLE accounts ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

-- One supervised communication path of an account. `line` is the DC-09 line
-- prefix it arrives on, or '*' for any line.
CREATE TABLE account_paths (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    line         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    interval_ms  INTEGER NOT NULL CHECK (interval_ms > 0),
    grace_ms     INTEGER NOT NULL CHECK (grace_ms >= 0),
    last_seen_at INTEGER NULL,
    deadline_at  INTEGER NOT NULL,
    failed       INTEGER NOT NULL DEFAULT 0 CHECK (failed IN (0, 1)),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at   INTEGER NOT NULL,
    UNIQUE (account_id, line)
);
CREATE INDEX account_paths_updated_at ON account_paths (updated_at);

-- SQLite cannot alter a CHECK constraint: rebuild the signals table.
CREATE TABLE signals_v2 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    account     TEXT    NOT NULL,
    site_id     INTEGER NULL REFERENCES sites (id),
    known       INTEGER NOT NULL CHECK (known IN (0, 1)),
    token       TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    receiver    TEXT    NULL,
    line        TEXT    NOT NULL,
    protocol    TEXT    NULL CHECK (protocol IN ('cid', 'sia')),
    qualifier   TEXT    NULL,
    event_code  TEXT    NULL,
    zone        TEXT    NULL,
    zone_number INTEGER NULL,
    area        TEXT    NULL,
    user_number TEXT    NULL,
    meaning     TEXT    NOT NULL,
    raw         TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL,
    transport   TEXT    NOT NULL CHECK (transport IN ('tcp', 'udp', 'internal')),
    encrypted   INTEGER NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1)),
    dedupe_key  TEXT    NULL
);
INSERT INTO signals_v2 (id, received_at, account, site_id, known, token, seq, receiver, line,
    protocol, qualifier, event_code, zone, zone_number, area, user_number, meaning, raw,
    remote_addr, transport)
SELECT id, received_at, account, site_id, known, token, seq, receiver, line, protocol,
    qualifier, event_code, zone, zone_number, area, user_number, meaning, raw, remote_addr,
    transport
FROM signals;
DROP TABLE signals;
ALTER TABLE signals_v2 RENAME TO signals;
CREATE INDEX signals_received_at ON signals (received_at);
CREATE INDEX signals_site_id_id ON signals (site_id, id);

-- A frame that arrived again (retransmission, or the same event over a second
-- path): the signal is stored once, each further arrival is recorded here.
CREATE TABLE signal_arrivals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    signal_id   INTEGER NOT NULL REFERENCES signals (id),
    received_at INTEGER NOT NULL,
    transport   TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL,
    receiver    TEXT    NULL,
    line        TEXT    NOT NULL
);
CREATE INDEX signal_arrivals_signal_id ON signal_arrivals (signal_id);
