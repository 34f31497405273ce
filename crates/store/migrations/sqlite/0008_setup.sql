-- Vigil schema v8: running a company without the demo. A user can be disabled (kept for the
-- journals that name them, but no longer able to sign in), and may have to choose a new
-- password or PIN at the next sign-in (an invited customer's first PIN).
ALTER TABLE users ADD COLUMN disabled_at INTEGER NULL;
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1));
-- What a site is, as people say it: a home, a business, or a vehicle (the engine's settings
-- tell premises from vehicles).
ALTER TABLE sites ADD COLUMN kind TEXT NOT NULL DEFAULT 'business' CHECK (kind IN ('home', 'business', 'vehicle'));
-- Whether a contact gets alarms by SMS, and the language of what they are sent (NULL: the
-- centre's).
ALTER TABLE contacts ADD COLUMN sms INTEGER NOT NULL DEFAULT 1 CHECK (sms IN (0, 1));
ALTER TABLE contacts ADD COLUMN language TEXT NULL;
-- Where a member of staff is alerted (an incident nobody claimed, while they are signed in).
ALTER TABLE users ADD COLUMN phone TEXT NULL;
ALTER TABLE users ADD COLUMN email TEXT NULL;
