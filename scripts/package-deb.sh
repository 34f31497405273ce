#!/usr/bin/env bash
# Builds the Debian package target/debian/vigil_<version>_<arch>.deb: the release binary
# (/usr/bin/vigil), the release-built web front end (/usr/share/vigil/site), the hardened
# systemd unit, the settings file /etc/vigil/vigil.env and the operations guide. The vigil
# user and /var/lib/vigil are made at install (packaging/debian/postinst).
#
#   bash scripts/package-deb.sh            build the package
#   bash scripts/package-deb.sh --check    build it, then install it (dpkg -i as root, or
#                                          unpacked elsewhere), verify the unit with
#                                          systemd-analyze, serve the installed site as the
#                                          vigil user, load a page in Chromium until it
#                                          hydrates, and remove the package again
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_rust
ensure_wasm_opt
if [ "${1:-}" = "--check" ]; then
  ensure_chromium
  ensure_e2e_packages
fi

# --precompress writes a .br and a .gz beside every file of the site, which the server sends
# to browsers that accept them (the wasm goes out at about a third of its size).
log "cargo leptos build --release --precompress (server and wasm)"
cargo leptos build --release --precompress

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
glibc=$(objdump -T target/release/vigil | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
stage=target/debian/stage
deb=target/debian/vigil_${version}_${arch}.deb
rm -rf "$stage"
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/vigil" "$stage/lib/systemd/system" \
  "$stage/etc/vigil" "$stage/usr/share/doc/vigil"
install -m 0755 target/release/vigil "$stage/usr/bin/vigil"
cp -r target/site "$stage/usr/share/vigil/site"
find "$stage/usr/share/vigil/site" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
install -m 0644 packaging/vigil.service "$stage/lib/systemd/system/vigil.service"
install -m 0640 packaging/vigil.env "$stage/etc/vigil/vigil.env"
install -m 0644 docs/operations.md "$stage/usr/share/doc/vigil/operations.md"
printf 'Vigil, an alarm receiving centre.\nLicense: AGPL-3.0-or-later\n' > "$stage/usr/share/doc/vigil/copyright"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
echo /etc/vigil/vigil.env > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: vigil
Version: $version
Architecture: $arch
Maintainer: Vigil developers <vigil@localhost>
Depends: adduser, libc6 (>= $glibc)
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: alarm receiving centre (SIA DC-09 receiver, operators' console, customer app)
 Vigil receives alarm panels' SIA DC-09 signals, turns them into incidents with action
 plans, and serves the operators' dashboard, the guards' phones and the customers' app.
 One binary with an embedded SQLite database, or PostgreSQL for several nodes.
CONTROL
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
log "built $deb ($(du -h "$deb" | cut -f1))"

[ "${1:-}" = "--check" ] || exit 0

# ---- the check: install, verify, serve, hydrate, remove ----------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
dc09_port=$(free_port)
metrics_port=$(free_port)
pid=""
cleanup() {
  # runuser does not pass the signal on: stop its child, vigil, first.
  if [ -n "$pid" ]; then pkill -TERM -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; fi
  if [ "$(id -u)" -eq 0 ] && dpkg -s vigil >/dev/null 2>&1; then
    dpkg --purge vigil >/dev/null
    [ -n "${made_data:-}" ] && rm -rf /var/lib/vigil
  fi
  if [ -n "${unpacked:-}" ]; then rm -rf "$unpacked"; fi
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ]; then
  log "dpkg -i $deb"
  [ -d /var/lib/vigil ] || made_data=1
  dpkg -i "$deb" >/dev/null
  getent passwd vigil >/dev/null || { echo "postinst made no vigil user" >&2; exit 1; }
  [ "$(stat -c %U:%a /var/lib/vigil)" = "vigil:750" ] || { echo "/var/lib/vigil is not vigil's, mode 750" >&2; exit 1; }
  [ "$(stat -c %G:%a /etc/vigil/vigil.env)" = "vigil:640" ] || { echo "vigil.env is not root:vigil 640" >&2; exit 1; }
  unit=/lib/systemd/system/vigil.service
  root=""
  run() { runuser -u vigil -- "$@"; }
else
  unpacked=$(mktemp -d)
  dpkg-deb -x "$deb" "$unpacked"
  root=$unpacked
  unit=$unpacked/vigil.service
  sed "s#/usr/bin/vigil#$unpacked/usr/bin/vigil#" "$unpacked/lib/systemd/system/vigil.service" > "$unit"
  run() { "$@"; }
fi
log "systemd-analyze verify $unit"
verify=$(systemd-analyze verify --man=no "$unit" 2>&1 || true)
# Off a booted systemd (a container) the unit's dependencies cannot be looked up; the unit's
# own lines are still checked.
problems=$(printf '%s\n' "$verify" | grep -v -e 'network-online.target' -e 'postgresql.service' -e 'multi-user.target' -e '^$' || true)
[ -z "$problems" ] || { printf 'systemd-analyze verify:\n%s\n' "$problems" >&2; exit 1; }

log "serving the installed package on 127.0.0.1:$http_port"
data=$(mktemp -d)
chmod 0777 "$data"
run env $(grep -v '^#' "$root/etc/vigil/vigil.env" | grep -v '^$' | xargs) \
  VIGIL_HTTP="127.0.0.1:$http_port" VIGIL_DC09="127.0.0.1:$dc09_port" VIGIL_METRICS="127.0.0.1:$metrics_port" \
  VIGIL_DATABASE="sqlite://$data/vigil.db" LEPTOS_SITE_ROOT="$root/usr/share/vigil/site" \
  "$root/usr/bin/vigil" serve > "$data/log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$http_port/readyz" >/dev/null || { cat "$data/log" >&2; exit 1; }
wasm=$(basename "$(ls "$root/usr/share/vigil/site/pkg/"*.wasm)")
curl -fsS -o /dev/null -w '%{content_type}\n' "http://127.0.0.1:$http_port/pkg/$wasm" | grep application/wasm >/dev/null
curl -fsS -o /dev/null -D - -H 'Accept-Encoding: br' "http://127.0.0.1:$http_port/pkg/$wasm" |
  grep -i '^content-encoding: br' >/dev/null || { echo "the wasm is not sent brotli-compressed" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep -x 'vigil_ready 1' >/dev/null
(cd end2end && node hydrates.mjs "http://127.0.0.1:$http_port/login")
log "the package installs, its unit verifies, and the installed site serves and hydrates"
