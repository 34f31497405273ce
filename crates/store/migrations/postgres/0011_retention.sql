-- Retention deletes old rows in small batches; these indexes let each batch find its rows
-- without scanning: an incident's notifications, and notifications by age.
CREATE INDEX outbox_incident ON outbox (incident_id);
CREATE INDEX outbox_created ON outbox (created_at);

-- The journals stay append-only, except that retention may delete entries older than its
-- limit: it writes the limit here inside its own transaction (and removes it before the
-- commit); then audit entries older than the limit, and the journal of incidents closed
-- before it, can be deleted.
CREATE TABLE retention_gate (before_ms BIGINT NOT NULL);

CREATE FUNCTION audit_journal_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_gate WHERE OLD.at < before_ms) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_journal is append-only';
END;
$$;

CREATE FUNCTION incident_journal_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM retention_gate g JOIN incidents i ON i.id = OLD.incident_id WHERE i.closed_at < g.before_ms
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'incident_journal is append-only';
END;
$$;

DROP TRIGGER audit_journal_no_update_delete ON audit_journal;
CREATE TRIGGER audit_journal_no_update BEFORE UPDATE ON audit_journal
    FOR EACH ROW EXECUTE FUNCTION audit_journal_append_only();
CREATE TRIGGER audit_journal_no_delete BEFORE DELETE ON audit_journal
    FOR EACH ROW EXECUTE FUNCTION audit_journal_delete_guard();

DROP TRIGGER incident_journal_no_change ON incident_journal;
CREATE TRIGGER incident_journal_no_update BEFORE UPDATE ON incident_journal
    FOR EACH ROW EXECUTE FUNCTION incident_journal_append_only();
CREATE TRIGGER incident_journal_no_delete BEFORE DELETE ON incident_journal
    FOR EACH ROW EXECUTE FUNCTION incident_journal_delete_guard();
