#!/usr/bin/env bash
# Runs every test: unit and integration tests (SQLite and PostgreSQL), the DC-09 interop run
# (senders from PyPI against the built vigil, interop/run.sh), then the browser tests in
# headless Chromium against a built Vigil. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_rust
ensure_cargo_deny
ensure_postgres
ensure_chromium
ensure_e2e_packages

log "cargo deny: licences, bans and sources of the dependencies (deny.toml)"
cargo deny check licenses bans sources

log "formatting (rustfmt.toml) and lints (clippy; a warning fails)"
cargo fmt --all --check
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

log "translations: every language holds every text with its placeholders (app/locales)"
python3 scripts/check-locales.py

log "cargo test (workspace, without the wasm entry)"
cargo test --workspace --exclude frontend

log "building the web app"
cargo leptos build

log "interop: DC-09 senders from PyPI (dc09-spt, siadc09) against vigil"
bash interop/run.sh

log "browser tests (Playwright, Debian's Chromium)"
(cd end2end && npx playwright test)
