#!/usr/bin/env bash
# The whole system under load: Vigil with the demo city running (alarm engine, link
# supervision, the demo's panels), one operator signed in with the dashboard's live streams
# open, and PANELS benchmark panels sending over TCP (`vigil loadgen`), on SQLite and on
# PostgreSQL; pysiaalarm (no storage) under the same load beside it.
#
# Scenarios, per backend:
#   scale     SCALE accounts, each supervised on a 90 s link test: how long provisioning
#             (`vigil account bulk`) and a start take, the memory after the start
#   max       as fast as Vigil acknowledges, DURATION s (fresh database)
#   catch-up  the same database restarted with the engine BACKLOG signals behind (its cursor
#             set back), RATE signals/s for DURATION s while it catches up
#   fixed     RATE signals/s, DURATION s (fresh database)
# Each: ACK p50/p99/p99.9 and timeouts (loadgen), the engine's lag (max, and when it was
# back to zero), frame-to-operator-stream latency, the server's CPU and peak memory
# (bench/watch_system.py).
#
# SHORT=1 (CI) runs every scenario with a small load for a few seconds and checks that it
# works end to end: frames acknowledged, pushed to the operator, the backlog drained, the
# baseline answering. It checks no figures. Otherwise the table goes to BENCH_DOC under
# LABEL (a block of its own, so "before" and "after" can stand side by side).
#
# Environment:
#   VIGIL_BIN=target/release/vigil  VIGIL_TEST_POSTGRES=URL (may CREATE DATABASE)
#   BACKENDS="sqlite postgres"  PANELS=200 DURATION=20 RATE=2000 BACKLOG=200000 SCALE=100000
#   PYSIAALARM=1 (0: leave it out)  LABEL=after  BENCH_DOC=docs/benchmarks.md ("-": stdout)
#   VIGIL_COMMIT=REV   the commit VIGIL_BIN was built from, for the table (default: this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VIGIL_BIN=${VIGIL_BIN:-target/release/vigil}
POSTGRES=${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
BACKENDS=${BACKENDS:-sqlite postgres}
if [[ ${SHORT:-0} == 1 ]]; then
    PANELS=${PANELS:-20} DURATION=${DURATION:-3} RATE=${RATE:-200} BACKLOG=${BACKLOG:-2000} SCALE=${SCALE:-2000}
    BENCH_DOC=${BENCH_DOC:--}
fi
PANELS=${PANELS:-200}
DURATION=${DURATION:-20}
RATE=${RATE:-2000}
BACKLOG=${BACKLOG:-200000}
SCALE=${SCALE:-100000}
PYSIAALARM=${PYSIAALARM:-1}
LABEL=${LABEL:-after}
BENCH_DOC=${BENCH_DOC:-docs/benchmarks.md}
HTTP=${HTTP_PORT:-3190}
DC09=${DC09_PORT:-7190}
METRICS=${METRICS_PORT:-9190}
PY_PORT=${PY_PORT:-7191}
FIRST=100000
# How long the engine may take to drain what it is behind after a run, at most.
DRAIN_LIMIT=${DRAIN_LIMIT:-300}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-system.XXXXXX")
PG_DB=vigil_bench_system_$$
SERVER= WATCHER=
log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'bench-system: %s\n' "$*" >&2; exit 1; }

stop_pid() { # pid
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
stop_server() { [[ -n $SERVER ]] && stop_pid "$SERVER"; SERVER=; }
cleanup() {
    [[ -n ${KEEP_WORK:-} ]] && cp -r "$WORK" "$KEEP_WORK"
    [[ -n $WATCHER ]] && stop_pid "$WATCHER"
    stop_server
    psql "$POSTGRES" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[[ -x $VIGIL_BIN ]] || die "no vigil binary at $VIGIL_BIN (cargo build --release -p server)"
PY=$(bash interop/setup.sh) # a python with pysiaalarm (the interop venv)

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

sql() { # url statement: runs one statement on the benchmark database
    if [[ $1 == sqlite://* ]]; then
        "$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' \
            "${1#sqlite://}" "$2"
    else
        psql "$1" -qAtc "$2" >/dev/null
    fi
}

query() { # url query: prints the first column of the first row
    if [[ $1 == sqlite://* ]]; then
        "$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
            "${1#sqlite://}" "$2"
    else
        psql "$1" -qAtc "$2"
    fi
}

wait_port() { # port pid
    for _ in $(seq 600); do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

STARTUP_S=
start_vigil() { # url: the demo city (no stories), the engine, supervision, metrics
    local t0
    t0=$(date +%s.%N)
    RUST_LOG=${RUST_LOG:-warn} "$VIGIL_BIN" serve --database "$1" --http "127.0.0.1:$HTTP" \
        --dc09 "127.0.0.1:$DC09" --metrics "127.0.0.1:$METRICS" --site-root target/site \
        --demo --demo-stories false >>"$WORK/vigil.log" 2>&1 &
    SERVER=$!
    wait_port "$DC09" "$SERVER" && wait_port "$HTTP" "$SERVER" || { tail -20 "$WORK/vigil.log" >&2; die "vigil did not start"; }
    STARTUP_S=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 2))")
}

start_watcher() { # first-account
    "$PY" bench/watch_system.py --http "127.0.0.1:$HTTP" --metrics "127.0.0.1:$METRICS" --pid "$SERVER" \
        --first "$1" --count "$PANELS" >"$WORK/watch.json" 2>"$WORK/watch.log" &
    WATCHER=$!
    for _ in $(seq 200); do
        grep -q '^WATCHING' "$WORK/watch.json" 2>/dev/null && return 0
        kill -0 "$WATCHER" 2>/dev/null || break
        sleep 0.05
    done
    cat "$WORK/watch.log" >&2
    die "the operator's streams did not open"
}

# Waits until the engine has handled every stored signal (lag 0 on /metrics); prints the
# seconds that took, or nothing when it did not within DRAIN_LIMIT.
drain() {
    local t0 lag
    t0=$(date +%s.%N)
    for _ in $(seq $((DRAIN_LIMIT * 10))); do
        lag=$(curl -s "http://127.0.0.1:$METRICS/metrics" | awk '$1 == "vigil_engine_lag_signals" {print $2}')
        if [[ $lag == 0 ]]; then
            python3 -c "print(round($(date +%s.%N) - $t0, 1))"
            return 0
        fi
        sleep 0.1
    done
    log "the engine was still behind after ${DRAIN_LIMIT} s"
}

loadgen() { # target-port first-account extra-args...
    local port=$1 first=$2
    shift 2
    "$VIGIL_BIN" loadgen --target "127.0.0.1:$port" --panels "$PANELS" --first-account "$first" \
        --transport tcp --duration "$DURATION" --json "$@"
}

RESULTS=$WORK/results.jsonl
record() { # receiver backend scenario loadgen-json [watch-json startup-s drained-s backlog]
    "$PY" -c '
import json, sys
receiver, backend, scenario, load, *rest = sys.argv[1:]
rest += [""] * (4 - len(rest))
num = lambda v: float(v) if v else None
print(json.dumps({"receiver": receiver, "backend": backend, "scenario": scenario,
                  "load": json.loads(load), "watch": json.loads(rest[0]) if rest[0] else None,
                  "startup_s": num(rest[1]), "drained_s": num(rest[2]), "backlog": num(rest[3])}))
' "$@" >>"$RESULTS"
}

BACKLOG_NOW=
vigil_run() { # backend scenario url first-account loadgen-args...
    local backend=$1 scenario=$2 url=$3 first=$4 load watch drained
    shift 4
    start_vigil "$url"
    start_watcher "$first"
    log "vigil on $backend / $scenario (started in ${STARTUP_S} s)"
    load=$(loadgen "$DC09" "$first" "$@")
    drained=$(drain)
    stop_pid "$WATCHER"
    WATCHER=
    watch=$(grep -v '^WATCHING' "$WORK/watch.json" | tail -1)
    stop_server
    record vigil "$backend" "$scenario" "$load" "$watch" "$STARTUP_S" "$drained" "$BACKLOG_NOW"
    BACKLOG_NOW=
}

accounts() { # url: PANELS accounts for the runs, PANELS more for the catch-up's new frames
    "$VIGIL_BIN" account bulk --database "$1" --first "$FIRST" --count $((2 * PANELS)) >"$WORK/accounts.log" 2>&1 ||
        { cat "$WORK/accounts.log" >&2; die "vigil account bulk failed"; }
}

# SCALE supervised accounts: provisioning, then a start (to /readyz) and the memory after it.
scale() { # backend
    local url t0 provisioned ready rss
    url=$(fresh "$1")
    t0=$(date +%s.%N)
    "$VIGIL_BIN" account bulk --database "$url" --first 500000 --count "$SCALE" --path '*:link:90s:30s' \
        >"$WORK/scale.log" 2>&1 || { cat "$WORK/scale.log" >&2; die "vigil account bulk ($SCALE) failed"; }
    provisioned=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
    t0=$(date +%s.%N)
    RUST_LOG=${RUST_LOG:-warn} "$VIGIL_BIN" serve --database "$url" --http "127.0.0.1:$HTTP" \
        --dc09 "127.0.0.1:$DC09" --site-root target/site >>"$WORK/vigil.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1200); do
        curl -sf "http://127.0.0.1:$HTTP/readyz" >/dev/null 2>&1 && break
        kill -0 "$SERVER" 2>/dev/null || die "vigil with $SCALE accounts did not start"
        sleep 0.05
    done
    ready=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
    sleep 1
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status")
    stop_server
    log "vigil on $1 / $SCALE supervised accounts: provisioned in $provisioned s, ready in $ready s, RSS $((rss / 1024)) MB"
    printf '{"receiver": "vigil", "backend": "%s", "scenario": "scale", "accounts": %s, "provisioned_s": %s, "ready_s": %s, "rss_mb": %s}\n' \
        "$1" "$SCALE" "$provisioned" "$ready" "$((rss / 1024))" >>"$RESULTS"
}

for backend in $BACKENDS; do
    scale "$backend"
    url=$(fresh "$backend")
    accounts "$url"
    vigil_run "$backend" max "$url" "$FIRST"
    # The same database, the engine set BACKLOG signals back: a restart after an outage. The
    # load then comes from other panels (the same ones would send the frames just stored
    # again, which are recognised as repeats).
    greatest=GREATEST
    [[ $backend == sqlite ]] && greatest=MAX
    sql "$url" "UPDATE cursors SET signal_id = $greatest(0, (SELECT MAX(id) FROM signals) - $BACKLOG) WHERE name = 'engine'"
    BACKLOG_NOW=$(query "$url" "SELECT (SELECT MAX(id) FROM signals) - signal_id FROM cursors WHERE name = 'engine'")
    vigil_run "$backend" catch-up "$url" $((FIRST + PANELS)) --rate "$RATE"
    url=$(fresh "$backend")
    accounts "$url"
    vigil_run "$backend" fixed "$url" "$FIRST" --rate "$RATE"
done

if [[ $PYSIAALARM == 1 ]]; then
    for scenario in max fixed; do
        "$PY" bench/pysiaalarm_receiver.py --port "$PY_PORT" --first "$FIRST" --count "$PANELS" >"$WORK/py.log" 2>&1 &
        SERVER=$!
        wait_port "$PY_PORT" "$SERVER" || { cat "$WORK/py.log" >&2; die "pysiaalarm did not start"; }
        log "pysiaalarm / $scenario"
        args=()
        [[ $scenario == fixed ]] && args=(--rate "$RATE")
        load=$(loadgen "$PY_PORT" "$FIRST" "${args[@]}")
        stop_server
        record pysiaalarm memory "$scenario" "$load"
    done
fi

# --- checks (SHORT) and the table ---------------------------------------------------------
CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
# The commit the measured vigil was built from: this tree's unless VIGIL_COMMIT says.
COMMIT=${VIGIL_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
[[ -z ${VIGIL_COMMIT:-} ]] && ! git diff --quiet HEAD 2>/dev/null && COMMIT="$COMMIT (with uncommitted changes)"
"$PY" bench/system_report.py "$RESULTS" --doc "$BENCH_DOC" --label "$LABEL" --check "${SHORT:-0}" \
    --machine "$(nproc) CPUs, $CPU, $(free -g | awk '/^Mem:/ {print $2}') GiB" --commit "$COMMIT" \
    --load "$PANELS panels over TCP, $DURATION s a run, fixed rate $RATE/s, backlog $BACKLOG signals"
