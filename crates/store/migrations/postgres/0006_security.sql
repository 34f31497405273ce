-- Vigil schema v6: hardening. An account's encryption policy, sign-in attempts shared by
-- every node, and refused plain frames kept apart from signals.

-- A keyed account takes only encrypted frames unless allow_plain is set (a panel
-- downgraded in the field); plain_networks, when set, are the only source networks
-- (comma-separated CIDRs) plain frames are taken from.
ALTER TABLE accounts ADD COLUMN allow_plain BIGINT NOT NULL DEFAULT 0 CHECK (allow_plain IN (0, 1));
ALTER TABLE accounts ADD COLUMN plain_networks TEXT NULL;

-- Sign-in attempts by key ('login:NAME', 'addr:IP'): each attempt is counted before its
-- password is checked; blocked_until grows with the failures; a success clears the login.
CREATE TABLE sign_in_limits (
    key           TEXT    PRIMARY KEY,
    failures      BIGINT NOT NULL,
    last_at       BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);
CREATE INDEX sign_in_limits_last_at ON sign_in_limits (last_at);

-- A tracking device (Traccar Client) proves itself with a long random key it carries in its
-- URL; only the key's SHA-256 is kept.
ALTER TABLE crews ADD COLUMN device_key_hash TEXT NULL;
