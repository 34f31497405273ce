-- Vigil schema v8: running a company without the demo. A user can be disabled (kept for the
-- journals that name them, but no longer able to sign in).
ALTER TABLE users ADD COLUMN disabled_at BIGINT NULL;
