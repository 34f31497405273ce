-- Retention deletes old rows in small batches; these indexes let each batch find its rows
-- without scanning: an incident's notifications, and notifications by age.
CREATE INDEX outbox_incident ON outbox (incident_id);
CREATE INDEX outbox_created ON outbox (created_at);

-- The journals stay append-only, except that retention may delete entries older than its
-- limit: it writes the limit here inside its own transaction (and removes it before the
-- commit); then audit entries older than the limit, and the journal of incidents closed
-- before it, can be deleted.
CREATE TABLE retention_gate (before_ms INTEGER NOT NULL);

DROP TRIGGER audit_journal_no_delete;
CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_journal
WHEN NOT EXISTS (SELECT 1 FROM retention_gate WHERE OLD.at < before_ms)
BEGIN
    SELECT RAISE(ABORT, 'audit_journal is append-only');
END;

DROP TRIGGER incident_journal_no_delete;
CREATE TRIGGER incident_journal_no_delete BEFORE DELETE ON incident_journal
WHEN NOT EXISTS (
    SELECT 1 FROM retention_gate g JOIN incidents i ON i.id = OLD.incident_id WHERE i.closed_at < g.before_ms
)
BEGIN
    SELECT RAISE(ABORT, 'incident_journal is append-only');
END;
