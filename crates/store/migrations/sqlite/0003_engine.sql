-- Vigil schema v3 (SQLite): the alarm engine. Incidents and their journal, each
-- site's engine settings and run-time state, contacts' passwords, crews' state,
-- the notification outbox, Web Push subscriptions, and the engine's cursor.
--
-- Settings, site state and incident details are JSON documents owned by the
-- pure engine crate (`crates/engine`); the columns beside them are what queries
-- filter and sort on.

ALTER TABLE signals ADD COLUMN lat REAL NULL;
ALTER TABLE signals ADD COLUMN lon REAL NULL;

ALTER TABLE contacts ADD COLUMN email             TEXT    NULL;
ALTER TABLE contacts ADD COLUMN password_hash     TEXT    NULL;
ALTER TABLE contacts ADD COLUMN user_id           INTEGER NULL REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE contacts ADD COLUMN unavailable_until INTEGER NULL;

ALTER TABLE crews ADD COLUMN heading    REAL    NULL;
ALTER TABLE crews ADD COLUMN on_shift   INTEGER NOT NULL DEFAULT 1 CHECK (on_shift IN (0, 1));
ALTER TABLE crews ADD COLUMN user_id    INTEGER NULL REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE crews ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

-- What the engine is told about a site: kind, plans, windows, schedules, overrides,
-- billing terms (engine::SiteSettings as JSON).
CREATE TABLE site_settings (
    site_id    INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    settings   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- What the engine knows about a site at run time: arm state, test mode, suspension,
-- temporary schedule changes, last contact and position (engine::SiteState as JSON).
CREATE TABLE site_state (
    site_id    INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Ids are given by the engine (one writer), so a batch can refer to a new incident.
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites (id),
    category    TEXT    NOT NULL,
    priority    INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('new', 'acknowledged', 'in_progress',
                    'dispatched', 'on_site', 'closed')),
    opened_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    closed_at   INTEGER NULL,
    resolution  TEXT    NULL CHECK (resolution IS NULL OR resolution IN ('real', 'false_user',
                    'false_technical', 'test', 'cancelled', 'duplicate')),
    claimed_by  INTEGER NULL REFERENCES users (id),
    crew_id     INTEGER NULL REFERENCES crews (id),
    group_key   TEXT    NULL,
    deadline_at INTEGER NULL,
    silent      INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    detail      TEXT    NOT NULL
);
CREATE INDEX incidents_open ON incidents (closed_at, priority, opened_at);
CREATE INDEX incidents_site ON incidents (site_id, opened_at);

CREATE TABLE incident_signals (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    signal_id   INTEGER NOT NULL REFERENCES signals (id),
    PRIMARY KEY (incident_id, signal_id)
);
CREATE INDEX incident_signals_signal ON incident_signals (signal_id);

-- Every transition and action on an incident, who and when. Append-only.
CREATE TABLE incident_journal (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    at            INTEGER NOT NULL,
    actor         TEXT    NOT NULL CHECK (actor IN ('engine', 'operator', 'customer', 'crew')),
    actor_user_id INTEGER NULL REFERENCES users (id),
    action        TEXT    NOT NULL,
    detail        TEXT    NULL
);
CREATE INDEX incident_journal_incident ON incident_journal (incident_id, id);

CREATE TRIGGER incident_journal_no_update BEFORE UPDATE ON incident_journal
BEGIN
    SELECT RAISE(ABORT, 'incident_journal is append-only');
END;

CREATE TRIGGER incident_journal_no_delete BEFORE DELETE ON incident_journal
BEGIN
    SELECT RAISE(ABORT, 'incident_journal is append-only');
END;

-- Messages to send (e-mail, SMS, Web Push), stored with the change that caused them,
-- sent and retried by the delivery worker.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      INTEGER NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    site_id         INTEGER NULL REFERENCES sites (id),
    incident_id     INTEGER NULL REFERENCES incidents (id),
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER NULL,
    last_error      TEXT    NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE outbox_attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
    at        INTEGER NOT NULL,
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error     TEXT    NULL
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id);

CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   TEXT    NOT NULL UNIQUE,
    p256dh     TEXT    NOT NULL,
    auth       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- How far a consumer (the engine) has read the signals table.
CREATE TABLE cursors (
    name      TEXT    PRIMARY KEY,
    signal_id INTEGER NOT NULL
);
