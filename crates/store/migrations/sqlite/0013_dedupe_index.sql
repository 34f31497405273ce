-- Vigil schema v13: PostgreSQL's cross-node dedupe index changes (see its migration). SQLite
-- has one node, whose recorder keeps the keys in memory: nothing changes here.
SELECT 1;
