# Installs what Vigil's build and tests need, only where it is missing or the wrong version.
# Sourced by scripts/demo.sh and scripts/test.sh.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
CARGO_DENY_VERSION=0.20.2
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"

# Each line says how long the whole run (scripts it calls included) has taken so far.
export VIGIL_RUN_STARTED="${VIGIL_RUN_STARTED:-$(date +%s)}"
log() {
  local took=$(($(date +%s) - VIGIL_RUN_STARTED))
  printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((took / 60)) $((took % 60)) "$*" >&2
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (Debian packages)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo (rustup) is required" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "adding the $component component"
      rustup component add "$component"
    fi
  done
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# Release builds need binaryen's wasm-opt 0.116.1 (Debian's older binaryen makes wasm that
# fails to hydrate; cargo-leptos would try to download one and fail). Built once, ~15 min.
WASM_OPT_VERSION=0.116.1
ensure_wasm_opt() {
  # 0.116.1 says "wasm-opt version 116 (version_116)".
  if ! wasm-opt --version 2>/dev/null | grep "version $(echo "$WASM_OPT_VERSION" | cut -d. -f2) " >/dev/null; then
    log "installing wasm-opt $WASM_OPT_VERSION"
    cargo install wasm-opt --version "$WASM_OPT_VERSION" --locked
  fi
  command -v objdump >/dev/null || apt_install binutils
  command -v curl >/dev/null || apt_install curl
}

# cargo-deny checks the dependencies' licences and sources (about 3 minutes to build, once).
ensure_cargo_deny() {
  if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
    log "installing cargo-deny $CARGO_DENY_VERSION"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
}

ensure_node() {
  command -v npm >/dev/null || apt_install nodejs npm
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

ensure_e2e_packages() {
  ensure_node
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/web-push ]; then
    log "installing the browser-test packages (npm)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 (installing and starting one when
# needed) and exports VIGIL_TEST_POSTGRES for the store tests.
ensure_postgres() {
  export VIGIL_TEST_POSTGRES="${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  apt_install postgresql
  local version
  version=$(ls /etc/postgresql | sort -n | tail -1)
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start" >&2; exit 1; }
  # Local test server only: let the test role in without a password over loopback.
  if ! psql "$VIGIL_TEST_POSTGRES" -c 'select 1' >/dev/null 2>&1; then
    local hba
    hba=$(ls /etc/postgresql/"$version"/main/pg_hba.conf)
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
}
