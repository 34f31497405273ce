#!/usr/bin/env bash
# Builds Vigil and runs the demo city: http://127.0.0.1:3000 (sign-in page lists the demo
# logins), DC-09 receiver on 127.0.0.1:7777, data in vigil-data/vigil.db.
# Extra arguments go to `vigil serve` (see `target/debug/vigil serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_rust
log "building (cold: a few minutes)"
cargo leptos build
log "Vigil demo: open http://127.0.0.1:3000"
exec target/debug/vigil serve --demo --site-root target/site "$@"
