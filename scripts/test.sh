#!/usr/bin/env bash
# Runs every test: unit and integration tests (the store's and the server's on SQLite and on
# PostgreSQL), the release build and its Debian package (installed, served and hydrated:
# scripts/package-deb.sh --check), the DC-09 interop run (senders from PyPI against the
# release vigil, interop/run.sh), the high-availability chaos run (scripts/chaos-ha.sh), the
# whole-system benchmark's short run (scripts/bench-system.sh, SHORT=1), then the browser
# tests in headless Chromium against it. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_rust
ensure_wasm_opt
ensure_cargo_deny
ensure_postgres
ensure_chromium
ensure_e2e_packages

log "cargo deny: licences, bans and sources of the dependencies (deny.toml)"
cargo deny check licenses bans sources

log "formatting (rustfmt.toml)"
cargo fmt --all --check

log "translations: every language holds every text with its placeholders (app/locales)"
python3 scripts/check-locales.py

# Clippy's lints run while the workspace's own crates compile: clippy-driver is rustc with
# more lints (as `cargo clippy` runs it), here for the test build (every test, example and
# the server) and the release build (the server and the browser's wasm), where a warning
# fails the build. The tree is then compiled twice (tests, release), not four times; the
# separate `cargo clippy` passes took 18 of a 60-minute run. Same lints, same -D warnings.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

log "cargo test (workspace, without the wasm entry), linted by clippy (a warning fails)"
cargo test --workspace --exclude frontend

log "the server's integration tests again, each on a fresh PostgreSQL database"
VIGIL_IT_DATABASE=postgres cargo test -p server --test it

log "the release build (server and wasm, linted by clippy) and the Debian package: built, installed, served, hydrated"
bash scripts/package-deb.sh --check

log "interop: DC-09 senders from PyPI (dc09-spt, siadc09) against the release vigil"
VIGIL_BIN=target/release/vigil bash interop/run.sh

log "high availability: two nodes on PostgreSQL, the leader killed and paused, PostgreSQL restarted (scripts/chaos-ha.sh)"
VIGIL_BIN=target/release/vigil bash scripts/chaos-ha.sh

log "the whole-system benchmark, short: every scenario end to end on both databases (scripts/bench-system.sh)"
SHORT=1 VIGIL_BIN=target/release/vigil bash scripts/bench-system.sh

log "browser tests (Playwright, Debian's Chromium) against the release vigil"
(cd end2end && VIGIL_BIN=../target/release/vigil npx playwright test)

log "all tests passed"
