#!/usr/bin/env python3
"""Check send.py against the reference receiver (pysiaalarm), over real loopback sockets.

    python selftest.py [--port N] [--only SUBSTRING] [--verbose]

Starts ref_receiver.py (TCP and UDP on one free 127.0.0.1 port), runs the matrix below with
send.py, compares each JSON result with the expectation, stops the receiver, and prints a
table and the closing line "N passed, N failed". Exit status 0 only if all passed.
Run it with the interop venv's python (see setup.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

KEY16_TEXT = "0123456789abcdef"                  # pysiaalarm key text; AES-128 key = these 16 ASCII bytes
KEY24_TEXT = "0123456789abcdef01234567"          # AES-192
KEY32_TEXT = "0123456789abcdef0123456789abcdef"  # AES-256
ACCOUNTS = {"1234": None, "5678": KEY16_TEXT, "2424": KEY24_TEXT, "ABCD": KEY32_TEXT}


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            u.close()
            t.close()
        return port
    raise RuntimeError("no free port")


def cases() -> list[tuple[str, list[str], dict]]:
    """(name, send.py args, expectation)."""
    out = []
    keys = {
        "plain": ("1234", []),
        "aes128-text": ("5678", ["--key-text", KEY16_TEXT]),
        "aes256-hex": ("ABCD", ["--key-hex", KEY32_TEXT.encode().hex()]),
    }
    for lib in ("dc09spt", "siadc09"):
        for tr in ("tcp", "udp"):
            for kname, (acct, kargs) in keys.items():
                for ev in ("sia", "cid", "null"):
                    out.append((f"{lib} {tr} {kname} {ev}",
                                ["--lib", lib, "--transport", tr, "--account", acct, "--event", ev, "--seq", "7", *kargs],
                                {"rc": 0, "kind": "ACK", "valid": True}))
            # stale encrypted frame -> NAK with receiver time; --nak-retry resends -> ACK
            out.append((f"{lib} {tr} aes128 stale -> NAK, retry -> ACK",
                        ["--lib", lib, "--transport", tr, "--account", "5678", "--key-text", KEY16_TEXT,
                         "--event", "cid", "--timestamp-offset", "-3600", "--nak-retry"],
                        # siadc09's parse_frame cannot parse a DC-09 NAK (no #acct): reply_valid false
                        {"rc": 0, "kind": "NAK", "valid": lib == "dc09spt", "retry_kind": "ACK", "retry_valid": True}))
            # unknown SIA code -> DUH (pysiaalarm's choice), plain and AES
            out.append((f"{lib} {tr} plain unknown code -> DUH",
                        ["--lib", lib, "--transport", tr, "--account", "1234", "--event", "sia", "--code", "ZX"],
                        {"rc": 0, "kind": "DUH", "valid": True}))
            out.append((f"{lib} {tr} aes128 unknown code -> DUH",
                        ["--lib", lib, "--transport", tr, "--account", "5678", "--key-text", KEY16_TEXT,
                         "--event", "sia", "--code", "ZX"],
                        {"rc": 0, "kind": "DUH", "valid": True}))
            # wrong key -> NAK
            out.append((f"{lib} {tr} wrong key -> NAK",
                        ["--lib", lib, "--transport", tr, "--account", "5678", "--key-text", "XXXXXXXXXXXXXXXX",
                         "--event", "cid"],
                        {"rc": 0, "kind": "NAK", "valid": lib == "dc09spt"}))
        # AES-192: siadc09 does it, dc09-spt refuses 24-byte keys before sending
        out.append((f"{lib} tcp aes192-text cid",
                    ["--lib", lib, "--transport", "tcp", "--account", "2424", "--key-text", KEY24_TEXT, "--event", "cid"],
                    {"rc": 0, "kind": "ACK", "valid": True} if lib == "siadc09" else {"rc": 2}))
    # dc09-spt writes the sequence number in hex: seq 10 -> "000A", which pysiaalarm refuses (NAK)
    out.append(("dc09spt tcp plain seq 10 (sent as 000A) -> NAK",
                ["--lib", "dc09spt", "--transport", "tcp", "--account", "1234", "--event", "cid", "--seq", "10"],
                {"rc": 0, "kind": "NAK", "valid": True}))
    out.append(("siadc09 tcp plain seq 10 -> ACK",
                ["--lib", "siadc09", "--transport", "tcp", "--account", "1234", "--event", "cid", "--seq", "10"],
                {"rc": 0, "kind": "ACK", "valid": True}))
    return out


def check(res: dict, rc: int, exp: dict) -> list[str]:
    bad = []
    if rc != exp["rc"]:
        bad.append(f"rc {rc} != {exp['rc']}")
    if "kind" in exp and res.get("reply_kind") != exp["kind"]:
        bad.append(f"reply_kind {res.get('reply_kind')} != {exp['kind']}")
    if "valid" in exp and res.get("reply_valid") != exp["valid"]:
        bad.append(f"reply_valid {res.get('reply_valid')} != {exp['valid']}")
    if "retry_kind" in exp:
        r = res.get("retry") or {}
        if r.get("reply_kind") != exp["retry_kind"]:
            bad.append(f"retry.reply_kind {r.get('reply_kind')} != {exp['retry_kind']}")
        if r.get("reply_valid") != exp["retry_valid"]:
            bad.append(f"retry.reply_valid {r.get('reply_valid')} != {exp['retry_valid']}")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=None)
    ap.add_argument("--only", default=None, help="run only cases whose name contains this")
    ap.add_argument("--verbose", action="store_true", help="print each JSON result")
    a = ap.parse_args()
    port = a.port or free_port()

    cmd = [PY, os.path.join(HERE, "ref_receiver.py"), "--host", "127.0.0.1", "--port", str(port),
           "--duration", "600"]
    for acct, key in ACCOUNTS.items():
        cmd += ["--account", f"{acct}:{key}" if key else acct]
    rx = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = rx.stdout.readline()
        if not line.startswith("READY"):
            print(f"ref_receiver did not start: {line!r}", file=sys.stderr)
            return 1
        passed = failed = 0
        for name, args, exp in cases():
            if a.only and a.only not in name:
                continue
            p = subprocess.run([PY, os.path.join(HERE, "send.py"), "--host", "127.0.0.1", "--port", str(port),
                                "--timeout", "3", *args], capture_output=True, text=True, timeout=60)
            try:
                res = json.loads(p.stdout.strip().splitlines()[-1])
            except Exception:
                res = {}
            bad = check(res, p.returncode, exp) if res else [f"no JSON on stdout (rc {p.returncode}): {p.stderr[-300:]}"]
            status = "ok  " if not bad else "FAIL"
            kind = res.get("reply_kind")
            retry = res.get("retry", {}).get("reply_kind") if res.get("retry") else None
            print(f"{status} {name:55s} rc={p.returncode} kind={kind}{' retry=' + retry if retry else ''}"
                  f" valid={res.get('reply_valid')}{'  ' + '; '.join(bad) if bad else ''}", flush=True)
            if a.verbose:
                print("     " + p.stdout.strip(), flush=True)
            passed += not bad
            failed += bool(bad)
            time.sleep(0.05)
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 and passed > 0 else 1
    finally:
        rx.terminate()
        try:
            rx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rx.kill()


if __name__ == "__main__":
    sys.exit(main())
