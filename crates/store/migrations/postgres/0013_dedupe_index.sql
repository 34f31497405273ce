-- Vigil schema v13: the recorder's look-up of a frame's dedupe key across nodes takes the
-- key's first signal from one index on (key, id). On the key alone, the planner could walk
-- the primary key for MIN(id), or combine the received_at index over the whole window, both
-- growing with the table (measured: the receiver slowed from 2,975 to 1,134 frames/s within
-- 15 s on a fresh database).
DROP INDEX signals_dedupe;
CREATE INDEX signals_dedupe ON signals (dedupe_key, id) WHERE dedupe_key IS NOT NULL;
