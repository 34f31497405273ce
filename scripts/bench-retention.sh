#!/usr/bin/env bash
# The DC-09 receiver's ACK latency while retention deletes old signals (docs/benchmarks.md,
# "Retention"). Not run in CI.
#   1. a SQLite database holding ROWS old signals, each with its arrival row (made with SQL
#      directly, already handled by the engine), and PANELS accounts;
#   2. `vigil serve` on it under `vigil loadgen` at RATE signals/s for DURATION s: baseline;
#   3. the same load while `vigil db purge` (the daily job's code) deletes the old rows;
#   4. how long the whole purge took.
# Environment: ROWS (10000000), RATE (2000), DURATION (60), VIGIL_BIN (target/release/vigil).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
RATE=${RATE:-2000}
DURATION=${DURATION:-60}
PANELS=200
VIGIL_BIN=${VIGIL_BIN:-target/release/vigil}
WORK=$(mktemp -d /tmp/vigil-retention-XXXX)
DB=$WORK/vigil.db
URL=sqlite://$DB
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
trap '[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; [ -n "${PURGE:-}" ] && kill "$PURGE" 2>/dev/null; rm -rf "$WORK"' EXIT

"$VIGIL_BIN" db migrate --database "$URL" >/dev/null
"$VIGIL_BIN" account bulk --database "$URL" --first 100000 --count "$PANELS" >/dev/null
log "writing $ROWS old signals with their arrivals"
python3 - "$DB" "$ROWS" <<'PY'
import sqlite3, sys, time
db, rows = sys.argv[1], int(sys.argv[2])
old = int(time.time() * 1000) - 800 * 86_400_000
c = sqlite3.connect(db)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=OFF")
c.execute("""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO signals (received_at, account, site_id, known, token, seq, receiver, line, protocol,
    event_code, zone, zone_number, area, meaning, raw, remote_addr, transport, dedupe_key)
SELECT ? + i * 6, printf('%06d', 100000 + i % 200), NULL, 0, 'SIA-DCS', i % 10000, 'R1', 'L1', 'sia',
    'BA', '003', 3, '1', 'Burglary alarm',
    printf('"SIA-DCS"%04dR1L1#%06d[#%06d|Nri1/BA003]', i % 10000, 100000 + i % 200, 100000 + i % 200),
    '192.0.2.10:40000', 'tcp', printf('%d/%d', i, i)
FROM n""", (rows, old))
c.execute("""INSERT INTO signal_arrivals (signal_id, received_at, transport, remote_addr, receiver, line)
             SELECT id, received_at, 'tcp', remote_addr, receiver, line FROM signals""")
c.execute("INSERT OR REPLACE INTO cursors (name, signal_id) VALUES ('engine', (SELECT MAX(id) FROM signals))")
c.commit()
c.close()
PY
log "database: $(du -h "$DB" | cut -f1)"

RUST_LOG=warn "$VIGIL_BIN" serve --database "$URL" --http 127.0.0.1:0 --dc09 127.0.0.1:7391 \
  --retain-signals-days 0 >"$WORK/vigil.log" 2>&1 &
SERVER=$!
for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/7391) 2>/dev/null && break; sleep 0.1; done
load() {
  "$VIGIL_BIN" loadgen --target 127.0.0.1:7391 --panels "$PANELS" --first-account 100000 \
    --rate "$RATE" --duration "$DURATION" --json
}
log "baseline: $RATE signals/s for $DURATION s"
baseline=$(load)
echo "baseline: $baseline"

log "the same load during the purge"
start=$(date +%s)
"$VIGIL_BIN" db purge --database "$URL" --retain-signals-days 400 >"$WORK/purge.log" 2>&1 &
PURGE=$!
during=$(load)
echo "during purge: $during"
left=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM signals WHERE received_at < strftime(\"%s\",\"now\")*1000 - 400*86400000').fetchone()[0])" "$DB")
echo "old signals still there after $DURATION s of purge: $left"
wait "$PURGE"
PURGE=""
echo "purge: $(cat "$WORK/purge.log") in $(( $(date +%s) - start )) s"
