#!/usr/bin/env bash
# Create (if missing) the interop virtualenv and install interop/requirements.txt into it.
#
#   bash interop/setup.sh            # venv at target/interop-venv (relative to the repo root)
#   VIGIL_INTEROP_VENV=/tmp/v bash interop/setup.sh
#   VIGIL_INTEROP_PYTHON=python3.12 bash interop/setup.sh
#
# Idempotent: an existing, working venv is kept, and pip only runs when requirements.txt
# changed since the last successful install (a sha256 stamp inside the venv).
# All progress goes to stderr; the last (and only) stdout line is the venv's python.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
req="$here/requirements.txt"

venv="${VIGIL_INTEROP_VENV:-target/interop-venv}"
case "$venv" in
  /*) ;;
  *) venv="$root/$venv" ;;
esac

log() { echo "interop/setup.sh: $*" >&2; }

# A python >= 3.11 with the venv and ensurepip modules (`python3 -m venv` needs both; Debian
# ships ensurepip in python3-venv, so a bare python3 fails here). ensurepip.version() also
# rejects an ensurepip without its bundled pip.
usable() {
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys, venv, ensurepip; ensurepip.version(); sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

first_usable() {
  local c
  for c in python3.11 python3 python3.12 python3.13 /usr/bin/python3.11 /usr/bin/python3; do
    if usable "$c"; then echo "$c"; return 0; fi
  done
  return 1
}

# Installs the Debian packages that are missing, as scripts/tools.sh's apt_install does
# (sudo when not root). apt's output goes to stderr: stdout is only the python path.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (Debian packages)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

pick_python() {
  if [ -n "${VIGIL_INTEROP_PYTHON:-}" ]; then
    usable "$VIGIL_INTEROP_PYTHON" || { log "VIGIL_INTEROP_PYTHON=$VIGIL_INTEROP_PYTHON is not a usable python >= 3.11 with venv"; exit 1; }
    echo "$VIGIL_INTEROP_PYTHON"; return
  fi
  first_usable && return
  # A fresh Debian/Ubuntu machine: python3 without `python3 -m venv` (ensurepip lives in
  # python3-venv), or no python3 at all.
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
    apt_install python3 python3-venv
    first_usable && return
  fi
  log "no python >= 3.11 with the venv module found (Debian 12 or later: apt-get install python3 python3-venv;" \
      "or set VIGIL_INTEROP_PYTHON)"
  exit 1
}

py="$venv/bin/python"
if ! { [ -x "$py" ] && "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; }; then
  base="$(pick_python)"
  log "creating venv $venv with $base ($("$base" --version 2>&1))"
  mkdir -p "$(dirname "$venv")"
  "$base" -m venv --clear "$venv" >&2
fi

stamp="$venv/.vigil-interop-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  log "installing $req into $venv (pip --no-deps)"
  "$py" -m pip install --disable-pip-version-check --no-input --quiet --no-deps -r "$req" >&2
  # Import every module the scripts use, so a broken install fails here and not mid-test.
  "$py" -c 'import Crypto.Cipher.AES, Cryptodome.Cipher.AES, pytz, dc09_spt, dc09_spt.msg.dc09_msg, siadc09.message, pysiaalarm, pysiaalarm.sync' >&2
  echo "$want" >"$stamp"
else
  log "venv $venv is up to date"
fi

echo "$py"
