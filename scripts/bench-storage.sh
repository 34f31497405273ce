#!/usr/bin/env bash
# The DC-09 receiver on SQLite and on PostgreSQL, same load (`vigil loadgen`): max throughput
# and a fixed RATE, PANELS panels over TCP, DURATION s each, one node on a fresh database.
# Prints one line per run (signals/s, ACK p50/p99/p99.9); docs/benchmarks.md has the table.
# Not run in CI.
#
# Environment:
#   VIGIL_BIN=PATH           vigil binary (default: target/release/vigil)
#   VIGIL_TEST_POSTGRES=URL  a PostgreSQL server where the user may CREATE DATABASE
#   PANELS=200 DURATION=20 RATE=2000 PORT=7792 BACKENDS="sqlite postgres"
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL_BIN=${VIGIL_BIN:-target/release/vigil}
POSTGRES=${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
PANELS=${PANELS:-200}
DURATION=${DURATION:-20}
RATE=${RATE:-2000}
PORT=${PORT:-7792}
FIRST=100000
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-storage.XXXXXX")
PG_DB=vigil_bench_$$
SERVER=
cleanup() {
    [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    psql "$POSTGRES" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fresh() { # backend -> database URL
    if [[ $1 == sqlite ]]; then
        rm -f "$WORK"/bench.db*
        echo "sqlite://$WORK/bench.db"
    else
        psql "$POSTGRES" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
        psql "$POSTGRES" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
        echo "${POSTGRES%/*}/$PG_DB"
    fi
}

run() { # backend label loadgen-args...
    local backend=$1 label=$2 url
    shift 2
    url=$(fresh "$backend")
    "$VIGIL_BIN" account bulk --database "$url" --first "$FIRST" --count "$PANELS" >"$WORK/accounts.log" 2>&1
    RUST_LOG=warn "$VIGIL_BIN" serve --database "$url" --http 127.0.0.1:0 --dc09 "127.0.0.1:$PORT" \
        --site-root target/site >"$WORK/vigil.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    local json
    json=$("$VIGIL_BIN" loadgen --target "127.0.0.1:$PORT" --panels "$PANELS" --first-account "$FIRST" \
        --transport tcp --duration "$DURATION" --json "$@")
    kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
    SERVER=
    python3 -c '
import json, sys
backend, label, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
lat, rate, timeouts = r["latency_ms"], r["signals_per_s"], r["timeouts"]
p50, p99, p999 = lat["p50"], lat["p99"], lat["p99_9"]
print(f"{backend:<9} {label:<22} {rate:>8.0f}/s  p50 {p50:.2f} ms  p99 {p99:.2f} ms  p99.9 {p999:.2f} ms  timeouts {timeouts}")
' "$backend" "$label" "$json"
    echo "$json" >>"$WORK/raw.jsonl"
}

for backend in ${BACKENDS:-sqlite postgres}; do
    run "$backend" "max throughput"
    run "$backend" "fixed $RATE signals/s" --rate "$RATE"
done
