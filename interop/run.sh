#!/usr/bin/env bash
# Interop run against Vigil: the PyPI DC-09 senders (dc09-spt, siadc09) against `vigil serve`.
#
#   bash interop/run.sh                          # uses target/debug/vigil
#   VIGIL_BIN=target/release/vigil bash interop/run.sh [--only TEXT] [--verbose] [--keep]
#
# Creates or updates the interop venv (setup.sh), then runs run.py with it. Exits non-zero
# when the venv cannot be made, the vigil binary is missing, or any check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export VIGIL_BIN="${VIGIL_BIN:-target/debug/vigil}"
if [ ! -x "$VIGIL_BIN" ]; then
  echo "interop/run.sh: vigil binary $VIGIL_BIN not found (build it first, e.g. cargo leptos build)" >&2
  exit 1
fi

py="$(bash interop/setup.sh | tail -n1)"
[ -x "$py" ] || { echo "interop/run.sh: setup.sh gave no usable python ($py)" >&2; exit 1; }

exec "$py" interop/run.py "$@"
