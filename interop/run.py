#!/usr/bin/env python3
"""Interop run against Vigil: the PyPI DC-09 senders (dc09-spt, siadc09) against `vigil serve`.

    VIGIL_BIN=target/debug/vigil python run.py [--only SUBSTRING] [--verbose] [--keep]

Run it with the interop venv's python (`bash interop/run.sh` does both). It:

1. makes a temp dir, registers three accounts with `vigil account add` (plain, AES-128 text
   key, AES-256 hex key), starts `vigil serve` with the DC-09 receiver (TCP and UDP) on a free
   127.0.0.1 port, and waits until it is ready;
2. runs send.py for every case (lib x transport x key x event, NULL link tests, an unknown
   account, stale encrypted frames with --nak-retry) and checks each reply;
3. checks in the SQLite file that every accepted event is stored exactly once, with the right
   transport and encrypted flag, and that nothing else was stored;
4. stops vigil (also on failure or Ctrl-C), prints a table and "N passed, M failed".

Exit status 0 only if every check passed. Each case gets its own zone number, so that no two
cases send the same frame content (Vigil stores a repeated frame once, as a further arrival).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable
HOST = "127.0.0.1"

# Accounts without leading zeros (siadc09 drops them) and keys both libraries take
# (dc09-spt refuses 24-byte keys).
KEY128_TEXT = "Vigil-interop-16"                                                  # 16 ASCII bytes
KEY256_HEX = "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a"  # 32 bytes
KEYS: dict[str, tuple[str, list[str], list[str]]] = {
    # name: (account, send.py key args, `vigil account add` key args)
    "plain": ("1234", [], []),
    "aes128-text": ("5678", ["--key-text", KEY128_TEXT], ["--key-format", "text", "--key", KEY128_TEXT]),
    "aes256-hex": ("ABCD", ["--key-hex", KEY256_HEX], ["--key-format", "hex", "--key", KEY256_HEX]),
}
UNKNOWN_ACCOUNT = "7777"  # never registered

LIBS = ("dc09spt", "siadc09")
TRANSPORTS = ("tcp", "udp")
SEND_TIMEOUT_S = 5.0
READY_TIMEOUT_S = 60.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Case:
    name: str
    lib: str
    transport: str
    account: str
    key_args: list[str]
    event: str
    zone: int
    seq: int
    extra: list[str] = field(default_factory=list)
    # expected reply
    kind: str = "ACK"
    valid: bool | None = True          # None: not checked (siadc09 cannot parse a NAK)
    retry_kind: str | None = None      # expected kind of the --nak-retry reply
    # expected storage: None = nothing stored (NULL); else (known, encrypted)
    stored: tuple[bool, bool] | None = None
    # results
    result: dict[str, Any] = field(default_factory=dict)
    rc: int | None = None
    problems: list[str] = field(default_factory=list)
    db: str = ""

    @property
    def protocol(self) -> str | None:
        return {"cid": "cid", "sia": "sia"}.get(self.event)

    @property
    def code(self) -> str | None:
        return {"cid": "130", "sia": "FA"}.get(self.event)  # send.py's defaults


def build_cases() -> list[Case]:
    cases: list[Case] = []
    zone = 0

    def add(**kw: Any) -> None:
        nonlocal zone
        zone += 1
        # dc09-spt writes the sequence number in hex: stay within 1..9 (README, dc09-spt limit 4).
        cases.append(Case(zone=zone, seq=(zone - 1) % 9 + 1, **kw))

    for lib in LIBS:
        for tr in TRANSPORTS:
            for kname, (acct, kargs, _) in KEYS.items():
                enc = bool(kargs)
                for ev in ("cid", "sia"):
                    add(name=f"{lib} {tr} {kname} {ev}", lib=lib, transport=tr, account=acct,
                        key_args=kargs, event=ev, stored=(True, enc))
                add(name=f"{lib} {tr} {kname} null", lib=lib, transport=tr, account=acct,
                    key_args=kargs, event="null", stored=None)
            add(name=f"{lib} {tr} unknown account sia -> DUH", lib=lib, transport=tr,
                account=UNKNOWN_ACCOUNT, key_args=[], event="sia", kind="DUH", stored=(False, False))
            # A plain frame for an account with a key could be forged by anyone: refused.
            add(name=f"{lib} {tr} plain frame for keyed aes128 account -> NAK", lib=lib, transport=tr,
                account=KEYS["aes128-text"][0], key_args=[], event="cid", kind="NAK",
                valid=True if lib == "dc09spt" else None, stored=None)
            for kname, ev in (("aes128-text", "cid"), ("aes256-hex", "sia")):
                acct, kargs, _ = KEYS[kname]
                add(name=f"{lib} {tr} {kname} {ev} stale -> NAK, retry -> ACK", lib=lib, transport=tr,
                    account=acct, key_args=kargs, event=ev,
                    extra=["--timestamp-offset", "-3600", "--nak-retry"],
                    # siadc09's parse_frame refuses the DC-09 NAK (no #acct): README, siadc09 limit 5.
                    kind="NAK", valid=True if lib == "dc09spt" else None, retry_kind="ACK",
                    stored=(True, True))
    return cases


# --------------------------------------------------------------------------- vigil


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        t = socket.socket()
        t.bind((HOST, 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind((HOST, port))
        except OSError:
            continue
        finally:
            u.close()
            t.close()
        return port
    raise RuntimeError("no free port for TCP and UDP")


def vigil(bin_: str, *args: str) -> str:
    """Runs `vigil ARGS`; a `--key K` pair is given on standard input (`--key-file -`), as keys
    never go on a command line."""
    args_l, stdin = list(args), None
    if "--key" in args_l:
        i = args_l.index("--key")
        stdin = args_l[i + 1] + "\n"
        args_l[i:i + 2] = ["--key-file", "-"]
    p = subprocess.run([bin_, *args_l], capture_output=True, text=True, timeout=120, input=stdin)
    if p.returncode != 0:
        raise RuntimeError(f"vigil {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()[-800:]}")
    return p.stdout


def tail(path: str, n: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(_ANSI.sub("", l) for l in f.readlines()[-n:])
    except OSError:
        return ""


def tcp_listening(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def udp_bound(port: int) -> bool:
    """True when something (vigil) holds the UDP port: our own bind then fails."""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind((HOST, port))
        return False
    except OSError:
        return True
    finally:
        u.close()


def wait_ready(proc: subprocess.Popen, log_path: str, port: int) -> str:
    """Waits for "vigil is running" on stderr, or for the TCP and UDP ports to be taken."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"vigil serve exited with {proc.returncode}:\n{tail(log_path)}")
        if "vigil is running" in tail(log_path, 200):
            return 'log line "vigil is running"'
        if tcp_listening(port) and udp_bound(port):
            return "TCP and UDP port polled (no \"vigil is running\" line on stderr)"
        time.sleep(0.1)
    raise RuntimeError(f"vigil serve not ready after {READY_TIMEOUT_S:.0f} s:\n{tail(log_path)}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------- checks


def run_case(c: Case, port: int) -> None:
    args = [PY, os.path.join(HERE, "send.py"), "--lib", c.lib, "--host", HOST, "--port", str(port),
            "--transport", c.transport, "--account", c.account, *c.key_args, "--event", c.event,
            "--zone", str(c.zone), "--seq", str(c.seq), "--timeout", str(SEND_TIMEOUT_S), *c.extra]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=4 * SEND_TIMEOUT_S + 30)
    except subprocess.TimeoutExpired:
        c.problems.append("send.py timed out")
        return
    c.rc = p.returncode
    try:
        c.result = json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        c.problems.append(f"no JSON from send.py (rc {p.returncode}): {p.stderr.strip()[-300:]}")
        return
    r = c.result
    if p.returncode != 0:
        c.problems.append(f"send.py rc {p.returncode}: {r.get('error')}")
    if r.get("reply_kind") != c.kind:
        c.problems.append(f"reply_kind {r.get('reply_kind')} != {c.kind}")
    if c.valid is not None and r.get("reply_valid") is not c.valid:
        c.problems.append(f"reply_valid {r.get('reply_valid')} != {c.valid}: {failed_checks(r)}")
    if c.retry_kind is not None:
        rr = r.get("retry") or {}
        if rr.get("reply_kind") != c.retry_kind:
            c.problems.append(f"retry reply_kind {rr.get('reply_kind')} != {c.retry_kind}"
                              f"{': ' + rr['error'] if rr.get('error') else ''}")
        if rr.get("reply_valid") is not True:
            c.problems.append(f"retry reply_valid {rr.get('reply_valid')}: {failed_checks(rr)}")


def failed_checks(r: dict[str, Any]) -> str:
    d = r.get("reply_detail") or {}
    lib = d.get("library") or {}
    bad = [k for k, v in (d.get("harness") or {}).items() if not v]
    out = []
    if lib and not lib.get("ok"):
        out.append(f"library: {lib.get('error')}")
    if bad:
        out.append("harness: " + ", ".join(bad))
    return "; ".join(out) or "-"


def check_store(db_path: str, cases: list[Case]) -> tuple[bool, str]:
    """Each accepted event stored exactly once with the right transport and encrypted flag;
    nothing else stored. Returns (ok, summary) for the whole table."""
    con = sqlite3.connect(db_path, timeout=10)
    con.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in con.execute(
            "SELECT id, account, known, token, protocol, event_code, zone, zone_number, transport, "
            "encrypted, raw FROM signals ORDER BY id")]
        arrivals = con.execute("SELECT COUNT(*) FROM signal_arrivals").fetchone()[0]
    finally:
        con.close()

    def zone_of(r: dict[str, Any]) -> int | None:
        if r["zone_number"] is not None:
            return int(r["zone_number"])
        z = (r["zone"] or "").strip()
        return int(z) if z.isdigit() else None

    used: set[int] = set()
    for c in cases:
        if c.stored is None:
            continue
        known, enc = c.stored
        hits = [r for r in rows if r["account"].upper() == c.account.upper() and zone_of(r) == c.zone
                and r["protocol"] == c.protocol]
        used.update(r["id"] for r in hits)
        if len(hits) != 1:
            c.db = f"{len(hits)}x"
            c.problems.append(f"stored {len(hits)} times, want once")
            continue
        r = hits[0]
        c.db = f"1x {r['transport']}{' enc' if r['encrypted'] else ''}{'' if r['known'] else ' unknown'}"
        want = {"transport": c.transport, "encrypted": int(enc), "known": int(known), "event_code": c.code}
        for col, v in want.items():
            if r[col] != v:
                c.problems.append(f"stored {col}={r[col]!r}, want {v!r}")
    # Vigil's own security rows for the refused plain frames (one per account and window).
    internal = [r for r in rows if r["transport"] == "internal"]
    if any(r["event_code"] != "PLAIN-REFUSED" for r in internal) or len(internal) > 1:
        return False, f"unexpected internal rows: {internal}"
    used.update(r["id"] for r in internal)
    stray = [r for r in rows if r["id"] not in used]
    summary = (f"{len(rows)} rows, {len(rows) - len(stray)} matched to cases, {len(stray)} unexpected, "
               f"{arrivals} repeat arrivals")
    if stray:
        summary += ": " + "; ".join(
            f"id {r['id']} acct {r['account']} {r['token']} {r['event_code']} zone {r['zone']} {r['transport']}"
            for r in stray[:5])
    # Every case sends distinct content, so no arrival may be taken for a repeat.
    return not stray and arrivals == 0, summary


# --------------------------------------------------------------------------- main


def print_table(cases: list[Case], store_ok: bool | None, store_summary: str) -> tuple[int, int]:
    w = max(len(c.name) for c in cases)
    print("reply: *ACK = encrypted ACK; (inv) = reply_valid false, expected only for siadc09's NAK "
          "(README, siadc09 limit 5). stored: rows in `signals` for the case's zone; - = none expected.")
    print(f"{'case':{w}}  {'reply':12} {'retry':10} {'stored':18} result")
    passed = failed = 0
    for c in cases:
        r = c.result
        reply = f"{r.get('reply_kind')}{'' if r.get('reply_valid') else ' (inv)'}" if r else "-"
        if r.get("reply") and r.get("reply", "").lstrip("\n")[8:10] == '"*':
            reply = "*" + reply
        rr = r.get("retry") or {}
        retry = f"{rr.get('reply_kind')}{'' if rr.get('reply_valid') else ' (inv)'}" if rr else ""
        db = c.db or ("-" if c.stored is None else "")
        ok = not c.problems
        passed += ok
        failed += not ok
        print(f"{c.name:{w}}  {reply:12} {retry:10} {db:18} {'ok' if ok else 'FAIL: ' + '; '.join(c.problems)}")
    if store_ok is not None:
        passed += store_ok
        failed += not store_ok
        print(f"{'signals table':{w}}  {store_summary}  {'ok' if store_ok else 'FAIL'}")
    return passed, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.environ.get("VIGIL_BIN", os.path.join(ROOT, "target/debug/vigil")),
                    help="vigil binary (default: $VIGIL_BIN, else target/debug/vigil)")
    ap.add_argument("--only", default=None, help="run only cases whose name contains this")
    ap.add_argument("--verbose", action="store_true", help="print each send.py JSON result")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (it is always kept on failure)")
    a = ap.parse_args()

    bin_ = os.path.abspath(a.vigil)
    if not os.access(bin_, os.X_OK):
        print(f"run.py: vigil binary {bin_} not found or not executable (set VIGIL_BIN)", file=sys.stderr)
        return 1

    cases = [c for c in build_cases() if not a.only or a.only in c.name]
    if not cases:
        print("run.py: no case matches --only", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="vigil-interop-")
    db_path = os.path.join(tmp, "vigil.db")
    db_url = f"sqlite://{db_path}"
    log_path = os.path.join(tmp, "vigil.log")
    proc: subprocess.Popen | None = None
    started = time.monotonic()
    store_ok: bool | None = None
    store_summary = ""
    ok = False
    # SIGTERM (e.g. from CI) should also stop vigil: turn it into an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        for kname, (acct, _, vkargs) in KEYS.items():
            vigil(bin_, "account", "add", acct, "--database", db_url, "--site-name", f"interop {kname}",
                  "--unsupervised", *vkargs)
        port = free_port()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([bin_, "serve", "--database", db_url, "--http", f"{HOST}:0",
                                     "--dc09", f"{HOST}:{port}"],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    cwd=tmp, start_new_session=True)
        how = wait_ready(proc, log_path, port)
        print(f"vigil serve ready on {HOST}:{port} (tcp+udp) after {time.monotonic() - started:.1f} s: {how}",
              flush=True)

        for c in cases:
            if proc.poll() is not None:
                c.problems.append(f"not run: vigil exited ({proc.returncode})")
                continue
            run_case(c, port)
            if a.verbose:
                print(json.dumps(c.result), flush=True)
        store_ok, store_summary = check_store(db_path, cases)
        if a.only:
            store_ok = None  # a partial run cannot judge the whole table
        passed, failed = print_table(cases, store_ok, store_summary)
        print(f"{passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
        ok = failed == 0 and passed > 0
    except Exception as e:
        print(f"run.py: {type(e).__name__}: {e}", file=sys.stderr)
    finally:
        stop(proc)
        if not ok:
            print(f"run.py: temp dir kept: {tmp} (vigil.log, vigil.db); vigil log tail:\n{tail(log_path)}",
                  file=sys.stderr)
        elif a.keep:
            print(f"run.py: temp dir kept: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
