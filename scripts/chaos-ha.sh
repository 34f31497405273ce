#!/usr/bin/env bash
# High availability under attack: two Vigil nodes on one PostgreSQL database, the leader
# SIGKILLed in a cancel window and SIGSTOPped past its lease, PostgreSQL restarted under
# load, a frame sent to both nodes (scripts/chaos/ha.py says what is checked); then PostgreSQL
# itself failing over to a promoted synchronous standby, the nodes given both hosts
# (scripts/chaos/failover.py). Bounded to 7 minutes; exits non-zero on any failed check.
#
# Environment:
#   VIGIL_BIN=PATH           vigil binary (default: target/release/vigil, else a debug build)
#   VIGIL_TEST_POSTGRES=URL  a PostgreSQL server where the user may CREATE DATABASE
#   RUNS=N                   run it N times in a row (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${VIGIL_BIN:-} ]]; then
    VIGIL_BIN=target/release/vigil
    if [[ ! -x $VIGIL_BIN ]]; then
        cargo build -p server
        VIGIL_BIN=target/debug/vigil
    fi
fi
POSTGRES=${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
for run in $(seq "${RUNS:-1}"); do
    echo "== chaos-ha run $run of ${RUNS:-1}" >&2
    timeout --signal=INT 300 python3 scripts/chaos/ha.py --vigil "$VIGIL_BIN" --postgres "$POSTGRES"
    timeout --signal=INT 120 python3 scripts/chaos/failover.py --vigil "$VIGIL_BIN"
done
