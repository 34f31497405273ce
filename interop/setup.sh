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

# A python >= 3.11 with the venv and ensurepip modules.
usable() {
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

pick_python() {
  if [ -n "${VIGIL_INTEROP_PYTHON:-}" ]; then
    usable "$VIGIL_INTEROP_PYTHON" || { log "VIGIL_INTEROP_PYTHON=$VIGIL_INTEROP_PYTHON is not a usable python >= 3.11 with venv"; exit 1; }
    echo "$VIGIL_INTEROP_PYTHON"; return
  fi
  local c
  for c in python3.11 python3 python3.12 python3.13 /usr/bin/python3.11 /usr/bin/python3; do
    if usable "$c"; then echo "$c"; return; fi
  done
  log "no python >= 3.11 with the venv module found (Debian: apt-get install python3-venv)"
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
