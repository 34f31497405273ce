-- Vigil schema v5: the customer app. Who may reach which site (owner or contact), the
-- commands customers queue for their panels, push settings, invoices, service requests,
-- the server's own secrets (the VAPID key), and contacts' unavailability periods.

-- A login's sites: 'owner' may do everything; 'contact' sees the state and journal,
-- arms, disarms, cancels and raises a panic.
CREATE TABLE site_members (
    site_id BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('owner', 'contact')),
    PRIMARY KEY (site_id, user_id)
);
CREATE INDEX site_members_user ON site_members (user_id);
INSERT INTO site_members (site_id, user_id, role)
    SELECT id, owner_user_id, 'owner' FROM sites WHERE owner_user_id IS NOT NULL;
INSERT INTO site_members (site_id, user_id, role)
    SELECT DISTINCT c.site_id, c.user_id, 'contact' FROM contacts c
    WHERE c.user_id IS NOT NULL AND NOT EXISTS
        (SELECT 1 FROM site_members m WHERE m.site_id = c.site_id AND m.user_id = c.user_id);

ALTER TABLE contacts ADD COLUMN unavailable_from BIGINT NULL;

-- Arm, disarm and night mode asked for in the app, waiting for the panel to take them;
-- the panel's own report (DC-09) is what changes the site's state.
CREATE TABLE panel_commands (
    id           BIGSERIAL PRIMARY KEY,
    site_id      BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    command      TEXT    NOT NULL CHECK (command IN ('arm', 'disarm', 'night')),
    user_id      BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    requested_at BIGINT NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
    updated_at   BIGINT NOT NULL,
    detail       TEXT    NULL
);
CREATE INDEX panel_commands_status ON panel_commands (status, id);
CREATE INDEX panel_commands_site ON panel_commands (site_id, id);

-- Which pushes a login wants for a site (no row: everything).
CREATE TABLE push_prefs (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    alarms  BIGINT NOT NULL CHECK (alarms IN (0, 1)),
    notices BIGINT NOT NULL CHECK (notices IN (0, 1)),
    PRIMARY KEY (user_id, site_id)
);

CREATE TABLE invoices (
    id           BIGSERIAL PRIMARY KEY,
    site_id      BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    number       TEXT    NOT NULL UNIQUE,
    issued_on    TEXT    NOT NULL,
    due_on       TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency     TEXT    NOT NULL,
    paid_on      TEXT    NULL
);
CREATE INDEX invoices_site ON invoices (site_id, issued_on);

CREATE TABLE service_requests (
    id         BIGSERIAL PRIMARY KEY,
    site_id    BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id    BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('technician', 'forgotten_code', 'pause',
                   'move', 'transfer', 'pets_keys')),
    details    TEXT    NOT NULL,
    from_date  TEXT    NULL,
    until_date TEXT    NULL,
    status     TEXT    NOT NULL CHECK (status IN ('open', 'done')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX service_requests_status ON service_requests (status, id);

-- Secrets the server makes for itself once (the VAPID key pair for Web Push).
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
