#!/usr/bin/env bash
# Crash safety of the DC-09 receiver: every signal Vigil acknowledged is in the store exactly
# once, although the server is killed with SIGKILL again and again under load.
#
# Starts `vigil serve` on a fresh SQLite database, runs `vigil loadgen` against it with
# --acked-log (panels resend the same bytes until they get an ACK), kills the server KILLS
# times at random moments (1-4 s apart) and restarts it on the same database and port, then
# stops the load and compares the acked log with the `signals` table (by raw frame text).
# Exits non-zero if an acknowledged signal is missing or stored more than once.
#
# Environment:
#   VIGIL_BIN=PATH      vigil binary (default: cargo build -p server, target/debug/vigil)
#   LOADGEN="CMD ..."   load generator (default: "$VIGIL_BIN loadgen")
#   PANELS=50 KILLS=5 PORT=7795 RATE=  (RATE: optional --rate cap, signals/s)
#   KEEP=1              keep the work folder (database, logs) for inspection
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PANELS=${PANELS:-50}
KILLS=${KILLS:-5}
PORT=${PORT:-7795}
RATE=${RATE:-}
FIRST=100000

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'crash-test: %s\n' "$*" >&2; exit 2; }

if [[ -z ${VIGIL_BIN:-} ]]; then
    log "cargo build -p server"
    cargo build -p server
    VIGIL_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/vigil
fi
[[ -x $VIGIL_BIN ]] || die "no vigil binary at $VIGIL_BIN"
read -r -a LOADGEN_CMD <<<"${LOADGEN:-$VIGIL_BIN loadgen}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-crash.XXXXXX")
DB_FILE=$WORK/crash.db
DB=sqlite://$DB_FILE
ACKED=$WORK/acked.log
SERVER_PID=
LOADGEN_PID=
cleanup() {
    [[ -n $LOADGEN_PID ]] && kill -KILL "$LOADGEN_PID" 2>/dev/null || true
    [[ -n $SERVER_PID ]] && kill -KILL "$SERVER_PID" 2>/dev/null || true
    if [[ ${KEEP:-} == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start_server() {
    for _try in 1 2 3 4 5; do
        "$VIGIL_BIN" serve --database "$DB" --http 127.0.0.1:0 --dc09 "127.0.0.1:$PORT" \
            >>"$WORK/vigil.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 300); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            port_open && return 0
            sleep 0.05
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        sleep 0.5
    done
    tail -n 30 "$WORK/vigil.log" >&2
    die "vigil serve does not start"
}

random_pause() { # 1.000-4.000 s
    local ms=$((1000 + RANDOM % 3001))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

acked_count() { [[ -f $ACKED ]] && wc -l <"$ACKED" || echo 0; }

log "registering $PANELS accounts in $DB"
"$VIGIL_BIN" account bulk --database "$DB" --first "$FIRST" --count "$PANELS" >"$WORK/accounts.log" 2>&1 ||
    { cat "$WORK/accounts.log" >&2; die "vigil account bulk failed"; }

start_server
rate_args=()
[[ -n $RATE ]] && rate_args=(--rate "$RATE")
log "load: ${LOADGEN_CMD[*]} --panels $PANELS --ack-timeout-ms 1000 ${rate_args[*]}"
"${LOADGEN_CMD[@]}" --target "127.0.0.1:$PORT" --panels "$PANELS" --first-account "$FIRST" \
    --transport tcp --duration 86400 --ack-timeout-ms 1000 --acked-log "$ACKED" "${rate_args[@]}" \
    >"$WORK/loadgen.out" 2>"$WORK/loadgen.err" &
LOADGEN_PID=$!

for i in $(seq "$KILLS"); do
    sleep "$(random_pause)"
    kill -0 "$LOADGEN_PID" 2>/dev/null || { cat "$WORK/loadgen.err" >&2; die "the load generator stopped"; }
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    log "kill $i/$KILLS: SIGKILL to vigil ($(acked_count) signals acknowledged so far); restarting"
    start_server
done
sleep "$(random_pause)"

log "stopping the load"
kill -TERM "$LOADGEN_PID"
for _ in $(seq 100); do kill -0 "$LOADGEN_PID" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$LOADGEN_PID" 2>/dev/null && log "load generator did not stop on SIGTERM: killed"
wait "$LOADGEN_PID" 2>/dev/null || true
LOADGEN_PID=
cat "$WORK/loadgen.out" >&2

log "stopping vigil"
kill -TERM "$SERVER_PID"
for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

log "checking every acknowledged signal against the store"
python3 - "$ACKED" "$DB_FILE" "$KILLS" <<'PY'
import collections, sqlite3, sys

acked_path, db_path, kills = sys.argv[1], sys.argv[2], sys.argv[3]
acked = collections.Counter()
with open(acked_path, encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            print(f"malformed acked-log line: {line!r}")
            continue
        acked[parts[2]] += 1

db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
stored = collections.Counter(dict(db.execute("SELECT raw, COUNT(*) FROM signals GROUP BY raw")))
total_rows = sum(stored.values())

lost = [raw for raw in acked if stored[raw] == 0]
duplicated = [raw for raw in acked if stored[raw] > 1]
acked_twice = [raw for raw, n in acked.items() if n > 1]
unacked_stored = sum(n for raw, n in stored.items() if raw not in acked)

print(f"server kills:                      {kills}")
print(f"acknowledged frames (acked log):   {sum(acked.values())} ({len(acked)} distinct)")
print(f"signal rows in the store:          {total_rows} ({len(stored)} distinct frames)")
print(f"stored, never acknowledged:        {unacked_stored} (in flight at a kill or at the end: allowed)")
print(f"acknowledged but LOST:             {len(lost)}")
print(f"acknowledged but stored 2+ times:  {len(duplicated)}")
if acked_twice:
    print(f"frames acknowledged more than once: {len(acked_twice)} (load generator bug?)")
for raw in lost[:10]:
    print(f"  lost: {raw}")
for raw in duplicated[:10]:
    print(f"  duplicated x{stored[raw]}: {raw}")
if not acked:
    print("FAIL: nothing was acknowledged")
    sys.exit(1)
if lost or duplicated:
    print("FAIL")
    sys.exit(1)
print("OK: every acknowledged signal is stored exactly once")
PY
