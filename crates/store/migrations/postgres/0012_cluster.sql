-- Vigil schema v12: several nodes on one database.
--
-- leases: who runs the alarm engine (and supervision, timers, the outbox). A node holds a
-- lease while it renews it before expires_at (database time, unix ms); token grows by one
-- each time the lease changes hands, and every write of the holder checks it in its own
-- transaction (the fence), so a paused old holder can never write after a new one took over.
CREATE TABLE leases (
    name       TEXT   PRIMARY KEY,
    holder     TEXT   NOT NULL DEFAULT '',
    token      BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO leases (name) VALUES ('engine');

-- Commands for the engine from nodes that do not hold the lease: the holder carries them
-- out and writes the answer in the same transaction as their effects; a caller that stops
-- waiting marks its command abandoned first, so a command is done once or clearly not.
CREATE TABLE engine_commands (
    id          BIGSERIAL PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    body        TEXT   NOT NULL,
    answered_at BIGINT NULL,
    answer      TEXT   NULL
);
CREATE INDEX engine_commands_open ON engine_commands (id) WHERE answered_at IS NULL;

-- What the dashboards are pushed, written by the engine's holder with the change itself, so
-- every node pushes the same events to the pages it serves.
CREATE TABLE ops_events (
    id    BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    body  TEXT   NOT NULL
);

-- Life signs received by nodes that do not hold the lease, for the holder's supervisor:
-- the newest per path line, taken (deleted) by the holder each second.
CREATE TABLE life_signs (
    account_id BIGINT NOT NULL,
    line       TEXT   NOT NULL,
    at_ms      BIGINT NOT NULL,
    PRIMARY KEY (account_id, line)
);

-- A frame sent to two nodes (a panel's two receivers) is stored once: each node looks for
-- its dedupe key among recent signals, under the signals lock, before storing it.
CREATE INDEX signals_dedupe ON signals (dedupe_key) WHERE dedupe_key IS NOT NULL;
