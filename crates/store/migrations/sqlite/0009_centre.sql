-- Vigil schema v9: the centre's own settings (its action plans, as JSON by name), accounts
-- removed from their site (the row stays under the number NUMBER~ID, so the history that
-- names it stays whole and the number is free again), a zone's type, and sites archived
-- (no longer monitored nor shown to their customers; their history stays).
CREATE TABLE centre_settings (
    name       TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at INTEGER NOT NULL
);
ALTER TABLE accounts ADD COLUMN removed_at INTEGER NULL;
ALTER TABLE zones ADD COLUMN kind TEXT NULL;
ALTER TABLE sites ADD COLUMN archived_at INTEGER NULL;
