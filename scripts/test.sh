#!/usr/bin/env bash
# Runs every test: unit and integration tests (SQLite and PostgreSQL), then the browser tests
# in headless Chromium against a built Vigil. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_rust
ensure_postgres
ensure_chromium
ensure_e2e_packages

log "cargo test (workspace, without the wasm entry)"
cargo test --workspace --exclude frontend

log "building the web app"
cargo leptos build

log "browser tests (Playwright, Debian's Chromium)"
(cd end2end && npx playwright test)
