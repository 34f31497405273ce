-- Vigil schema v1 (SQLite).
-- Times are unix milliseconds (INTEGER), booleans are 0/1 (INTEGER), so that
-- every integer decodes to i64 through sqlx's Any driver on both backends.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('operator', 'supervisor', 'customer', 'admin')),
    display_name  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE sites (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    city          TEXT    NOT NULL,
    lat           REAL    NOT NULL,
    lon           REAL    NOT NULL,
    time_zone     TEXT    NOT NULL,
    owner_user_id INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX sites_owner_user_id ON sites (owner_user_id);

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    number       TEXT    NOT NULL UNIQUE CHECK (number = upper(number)),
    site_id      INTEGER NOT NULL REFERENCES sites (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NULL
);
CREATE INDEX accounts_site_id ON accounts (site_id);

CREATE TABLE zones (
    id      INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    number  INTEGER NOT NULL,
    name    TEXT    NOT NULL,
    UNIQUE (site_id, number)
);

CREATE TABLE contacts (
    id       INTEGER PRIMARY KEY,
    site_id  INTEGER NOT NULL REFERENCES sites (id),
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    phone    TEXT    NOT NULL
);
CREATE INDEX contacts_site_id ON contacts (site_id, position);

CREATE TABLE crews (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    lat    REAL NOT NULL,
    lon    REAL NOT NULL,
    status TEXT NOT NULL
);

-- AUTOINCREMENT: ids are never reused, so id order is arrival order and
-- `before_id` paging stays stable.
CREATE TABLE signals (
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
    transport   TEXT    NOT NULL CHECK (transport IN ('tcp', 'udp'))
);
CREATE INDEX signals_received_at ON signals (received_at);
CREATE INDEX signals_site_id_id ON signals (site_id, id);

CREATE TABLE audit_journal (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    actor_user_id INTEGER NULL REFERENCES users (id),
    action        TEXT    NOT NULL,
    subject       TEXT    NULL,
    detail        TEXT    NULL
);
CREATE INDEX audit_journal_at ON audit_journal (at);

CREATE TRIGGER audit_journal_no_update BEFORE UPDATE ON audit_journal
BEGIN
    SELECT RAISE(ABORT, 'audit_journal is append-only');
END;

CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_journal
BEGIN
    SELECT RAISE(ABORT, 'audit_journal is append-only');
END;
