#!/usr/bin/env bash
# Benchmarks Vigil's DC-09 receiver against pysiaalarm's asyncio receiver with the same load
# (`vigil loadgen`), and writes the table to docs/benchmarks.md, section "DC-09 receiver".
# Not run in CI.
#
# Scenarios (each on a fresh receiver; Vigil on a fresh SQLite database):
#   max      PANELS panels, TCP, plain, as fast as the receiver answers, DURATION s
#   rate     the same, capped at RATE signals/s in total
#   aes      max throughput with AES-128 (KEY_HEX) frames
#   udp      max throughput, plain, over UDP (one datagram per frame and per reply)
#
# Environment:
#   ONLY=vigil|pysiaalarm   measure one receiver only (default: both)
#   VIGIL_BIN=PATH          use this vigil binary (default: cargo build --release -p server)
#   LOADGEN="CMD ..."       load generator command (default: "$VIGIL_BIN loadgen"; with
#                           ONLY=pysiaalarm and no VIGIL_BIN: the loadgen example, built here)
#   PANELS=200 DURATION=20 RATE=2000 KEY_HEX=... VIGIL_PORT=7790 PY_PORT=7791
#   BENCH_DOC=docs/benchmarks.md   where the table goes ("-" for stdout only)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYSIAALARM_VERSION=3.2.2
ONLY=${ONLY:-both}
PANELS=${PANELS:-200}
DURATION=${DURATION:-20}
RATE=${RATE:-2000}
KEY_HEX=${KEY_HEX:-000102030405060708090A0B0C0D0E0F}
VIGIL_PORT=${VIGIL_PORT:-7790}
PY_PORT=${PY_PORT:-7791}
FIRST=100000
BENCH_DOC=${BENCH_DOC:-docs/benchmarks.md}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$ROOT/target/bench-venv

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { printf 'bench-receiver: %s\n' "$*" >&2; exit 1; }

case $ONLY in vigil | pysiaalarm | both) ;; *) die "ONLY must be vigil, pysiaalarm or both" ;; esac
want() { [[ $ONLY == both || $ONLY == "$1" ]]; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT

# --- pysiaalarm in its own venv ---------------------------------------------------------
if want pysiaalarm; then
    if ! "$VENV/bin/python" -c "import pysiaalarm, sys; sys.exit(pysiaalarm.__version__ != '$PYSIAALARM_VERSION')" 2>/dev/null; then
        log "installing pysiaalarm $PYSIAALARM_VERSION into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "pysiaalarm==$PYSIAALARM_VERSION"
    fi
fi

# --- vigil and the load generator --------------------------------------------------------
if want vigil && [[ -z ${VIGIL_BIN:-} ]]; then
    log "cargo build --release -p server"
    cargo build --release -p server
    VIGIL_BIN=$TARGET_DIR/release/vigil
fi
if [[ -z ${LOADGEN:-} ]]; then
    if [[ -n ${VIGIL_BIN:-} ]]; then
        LOADGEN="$VIGIL_BIN loadgen"
    else
        log "cargo build --release -p loadgen --example loadgen"
        cargo build --release -p loadgen --example loadgen
        LOADGEN=$TARGET_DIR/release/examples/loadgen
    fi
fi
read -r -a LOADGEN_CMD <<<"$LOADGEN"

wait_tcp() { # port pid
    for _ in $(seq 300); do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_vigil() { # scenario [key]
    local db="$WORK/$1/bench.db" key_args=()
    mkdir -p "$WORK/$1"
    [[ -n ${2:-} ]] && { printf '%s\n' "$2" >"$WORK/$1/key.hex"; key_args=(--key-file "$WORK/$1/key.hex"); }
    "$VIGIL_BIN" account bulk --database "sqlite://$db" --first "$FIRST" --count "$PANELS" "${key_args[@]}" \
        >"$WORK/$1/accounts.log" 2>&1 || { cat "$WORK/$1/accounts.log" >&2; die "vigil account bulk failed"; }
    RUST_LOG=${RUST_LOG:-warn} "$VIGIL_BIN" serve --database "sqlite://$db" --http 127.0.0.1:0 \
        --dc09 "127.0.0.1:$VIGIL_PORT" >"$WORK/$1/vigil.log" 2>&1 &
    SERVER_PID=$!
    wait_tcp "$VIGIL_PORT" "$SERVER_PID" || { cat "$WORK/$1/vigil.log" >&2; die "vigil serve did not start"; }
}

start_pysiaalarm() { # scenario key transport
    local out="$WORK/$1/pysiaalarm.log" key_args=()
    mkdir -p "$WORK/$1"
    [[ -n ${2:-} ]] && key_args=(--key-hex "$2")
    "$VENV/bin/python" "$ROOT/bench/pysiaalarm_receiver.py" --port "$PY_PORT" --first "$FIRST" \
        --count "$PANELS" --transport "${3:-tcp}" "${key_args[@]}" >"$out" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^READY' "$out" && return 0; sleep 0.1; done
    cat "$out" >&2
    die "pysiaalarm receiver did not start"
}

RESULTS=$WORK/results.tsv
: >"$RESULTS"

run_load() { # receiver scenario port transport extra-args...
    local receiver=$1 scenario=$2 port=$3 transport=$4
    shift 4
    log "$receiver / $scenario: ${LOADGEN_CMD[*]} --target 127.0.0.1:$port --panels $PANELS --transport $transport --duration $DURATION $*"
    local json
    json=$("${LOADGEN_CMD[@]}" --target "127.0.0.1:$port" --panels "$PANELS" --first-account "$FIRST" \
        --transport "$transport" --duration "$DURATION" --json "$@")
    printf '%s\t%s\t%s\n' "$receiver" "$scenario" "$json" >>"$RESULTS"
    printf '%s\n' "$json" >&2
}

scenario() { # name key rate transport
    local name=$1 key=$2 rate=$3 transport=${4:-tcp} args=()
    [[ -n $key ]] && args+=(--key-hex "$key")
    [[ -n $rate ]] && args+=(--rate "$rate")
    if want vigil; then
        start_vigil "vigil-$name" "$key"
        run_load vigil "$name" "$VIGIL_PORT" "$transport" "${args[@]}"
        stop_server
    fi
    if want pysiaalarm; then
        start_pysiaalarm "py-$name" "$key" "$transport"
        run_load pysiaalarm "$name" "$PY_PORT" "$transport" "${args[@]}"
        stop_server
        grep '^events' "$WORK/py-$name/pysiaalarm.log" >&2 || true
    fi
}

scenario max "" ""
scenario rate "" "$RATE"
scenario aes "$KEY_HEX" ""
scenario udp "" "" udp

# --- the table --------------------------------------------------------------------------
CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
PYVER=$([[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import platform; print(platform.python_version())' || echo "?")
VIGIL_VERSION=$([[ -n ${VIGIL_BIN:-} ]] && "$VIGIL_BIN" --version 2>/dev/null || echo "not measured")

[[ $BENCH_DOC == - ]] || mkdir -p "$(dirname "$BENCH_DOC")"
python3 - "$RESULTS" "$BENCH_DOC" <<PY
import json, re, sys
results, doc = sys.argv[1], sys.argv[2]
rows = {}
for line in open(results):
    receiver, scenario, js = line.rstrip("\n").split("\t", 2)
    rows[(scenario, receiver)] = json.loads(js)
labels = {
    "max": "max throughput, TCP plain",
    "rate": "fixed $RATE signals/s, TCP plain",
    "aes": "max throughput, TCP AES-128",
    "udp": "max throughput, UDP plain",
}
receivers = [("vigil", "Vigil (SQLite, synchronous=FULL, ACK after commit)"),
             ("pysiaalarm", "pysiaalarm $PYSIAALARM_VERSION (no storage)")]
out = []
out.append("## DC-09 receiver\n")
out.append("Vigil's DC-09 receiver against the asyncio receiver of "
           "[pysiaalarm](https://pypi.org/project/pysiaalarm/) $PYSIAALARM_VERSION "
           "(\`bench/pysiaalarm_receiver.py\`), under the same load from \`vigil loadgen\`: "
           "$PANELS simulated panels, one persistent TCP connection each (in the UDP scenario one "
           "UDP socket each, one datagram per frame and per reply), one SIA-DCS event per "
           "frame, each panel waiting for the ACK before its next frame (resending the same "
           "bytes after 2 s without one), $DURATION s per run. Vigil stores every signal in "
           "SQLite (WAL, \`synchronous=FULL\`) and ACKs only after the commit; pysiaalarm ACKs "
           "at once and stores nothing. Latency is from a frame's first transmission to its "
           "ACK. Receiver and load generator share the machine and talk over loopback.\n")
out.append("pysiaalarm runs in one asyncio thread on Python $PYVER; its TCP handler takes each "
           "read as one frame, which holds for panels that wait for the ACK (it would merge "
           "pipelined frames). Its UDP server fails an assertion on Python < 3.12; the "
           "receiver script patches that.\n")
out.append("Generated by \`scripts/bench-receiver.sh\` (not run in CI; \`ONLY=vigil\` or "
           "\`ONLY=pysiaalarm\` measures one side and leaves the other \"not measured\").\n")
out.append("- machine: $(nproc) CPUs, $CPU")
out.append("- date: $(date -u +%Y-%m-%dT%H:%MZ)")
out.append("- vigil commit: $COMMIT; vigil: $VIGIL_VERSION")
out.append("- load: $PANELS panels, $DURATION s per run\n")
out.append("| scenario | receiver | acked | signals/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | timeouts |")
out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in ("max", "rate", "aes", "udp"):
    for key, name in receivers:
        r = rows.get((s, key))
        if r is None:
            out.append(f"| {labels[s]} | {name} | not measured | | | | | | | |")
            continue
        l = r["latency_ms"]
        out.append(f"| {labels[s]} | {name} | {r['acked']} | {r['signals_per_s']:.0f} | "
                   f"{l['p50']:.2f} | {l['p90']:.2f} | {l['p99']:.2f} | {l['p99_9']:.2f} | "
                   f"{l['max']:.2f} | {r['timeouts']} |")
out.append("")
out.append("Vigil's signals/s as a multiple of pysiaalarm's, per scenario:\n")
out.append("| scenario | Vigil / pysiaalarm |")
out.append("| --- | ---: |")
for s in ("max", "rate", "aes", "udp"):
    v, p = rows.get((s, "vigil")), rows.get((s, "pysiaalarm"))
    if v and p and p["signals_per_s"] > 0:
        out.append(f"| {labels[s]} | {v['signals_per_s'] / p['signals_per_s']:.2f}x |")
    else:
        out.append(f"| {labels[s]} | not measured |")
section = "\n".join(out) + "\n"
print(section)
if doc != "-":
    try:
        text = open(doc).read()
    except FileNotFoundError:
        text = "# Benchmarks\n\n"
    pattern = re.compile(r"^## DC-09 receiver\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(doc, "w").write(text)
    print(f"written to {doc}", file=sys.stderr)
PY
