-- The operator dashboard: crew members sign in (role 'crew'), and crews' phones report
-- positions by a device id (Traccar Client / OsmAnd protocol).
--
-- SQLite cannot change a CHECK constraint, so the users table is rebuilt. Migrations run in
-- a transaction with foreign keys on, where dropping users would delete sessions and push
-- subscriptions (ON DELETE CASCADE) and clear owners, contacts' and crews' users (SET NULL).
-- Those rows are kept aside and put back; checks of the references that have no action
-- (incidents, journals) are deferred to the commit, and are met again when the users are
-- put back into the new table.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE keep_users AS SELECT id, username, password_hash, role, display_name, created_at FROM users;
CREATE TEMP TABLE keep_sessions AS SELECT * FROM sessions;
CREATE TEMP TABLE keep_push AS SELECT * FROM push_subscriptions;
CREATE TEMP TABLE keep_site_owners AS SELECT id, owner_user_id FROM sites WHERE owner_user_id IS NOT NULL;
CREATE TEMP TABLE keep_contact_users AS SELECT id, user_id FROM contacts WHERE user_id IS NOT NULL;
CREATE TEMP TABLE keep_crew_users AS SELECT id, user_id FROM crews WHERE user_id IS NOT NULL;

CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('operator', 'supervisor', 'customer', 'admin', 'crew')),
    display_name  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
-- Filled after the drop, so the deferred checks see every referenced user come back.
INSERT INTO users (id, username, password_hash, role, display_name, created_at)
    SELECT id, username, password_hash, role, display_name, created_at FROM keep_users;

INSERT INTO sessions SELECT * FROM keep_sessions;
INSERT INTO push_subscriptions SELECT * FROM keep_push;
UPDATE sites SET owner_user_id = (SELECT k.owner_user_id FROM keep_site_owners k WHERE k.id = sites.id)
    WHERE id IN (SELECT id FROM keep_site_owners);
UPDATE contacts SET user_id = (SELECT k.user_id FROM keep_contact_users k WHERE k.id = contacts.id)
    WHERE id IN (SELECT id FROM keep_contact_users);
UPDATE crews SET user_id = (SELECT k.user_id FROM keep_crew_users k WHERE k.id = crews.id)
    WHERE id IN (SELECT id FROM keep_crew_users);
DROP TABLE keep_users;
DROP TABLE keep_sessions;
DROP TABLE keep_push;
DROP TABLE keep_site_owners;
DROP TABLE keep_contact_users;
DROP TABLE keep_crew_users;

ALTER TABLE crews ADD COLUMN device_id TEXT NULL;
CREATE UNIQUE INDEX crews_device_id ON crews (device_id);
