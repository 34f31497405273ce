#!/usr/bin/env python3
"""Send one SIA DC-09 event with an independent implementation from PyPI and parse the reply.

    python send.py --lib {dc09spt,siadc09} --host H --port P --transport {tcp,udp}
                   --account ACCT [--key-hex HEX | --key-text TEXT]
                   --event {cid,sia,null} [--code CODE] [--zone N] [--area N] [--qualifier Q]
                   [--seq N] [--timestamp-offset SECONDS] [--receiver HEX] [--line HEX]
                   [--timeout SECONDS] [--nak-retry]

Prints exactly one JSON line on stdout:

    {"lib": ..., "transport": ..., "encrypted": bool, "sent": "<frame>", "reply": "<raw reply>"|null,
     "reply_kind": "ACK"|"NAK"|"DUH"|null, "reply_valid": bool, "reply_detail": {...},
     ["retry": {...same keys...}], ["error": "..."]}

Exit status: 0 a reply was received (whatever its kind or validity), 1 no reply (timeout,
connection refused/closed), 2 the frame could not be built (bad arguments, library error).

Message construction (header, CRC, length, pad, AES, timestamp) and reply parsing are done
by the library's own API; see README.md for what each library does and does not do, and
for the few places where this script fills a gap (marked "HARNESS" below).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import re
import socket
import sys
import time
from typing import Any

# Libraries log warnings (e.g. dc09-spt's dropped zone) through `logging`: keep them on stderr.
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
for _h in logging.getLogger().handlers:
    _h.setLevel(logging.WARNING)  # siadc09 sets its loggers to DEBUG: keep those for reply_detail


class _Capture(logging.Handler):
    """Collects a library's log records (e.g. siadc09's parse diagnostics) for reply_detail."""

    def __init__(self, name: str) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []
        self._logger = logging.getLogger(name)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")

    def __enter__(self) -> "_Capture":
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._logger.removeHandler(self)

REPLY_KINDS = ("ACK", "NAK", "DUH")
# HARNESS: only used to name a reply that the library refused to parse (reply_valid is then false).
_TOKEN_RE = re.compile(rb'^\n?[0-9A-Fa-f]{4}[0-9A-Fa-f]{4}"(\*?)([A-Z0-9-]+)"')
_ACCT_RE = re.compile(rb'"[0-9]{4}(?:R[0-9A-Fa-f]{1,6})?[^#\[]*#([0-9A-Za-z]+)\[')


def _text(b: bytes | None) -> str | None:
    return None if b is None else b.decode("latin-1")


def _token_of(raw: bytes) -> tuple[str | None, bool]:
    m = _TOKEN_RE.match(raw)
    if not m:
        return None, False
    return m.group(2).decode("ascii"), bool(m.group(1))


def _kind(token: str | None) -> str | None:
    return token if token in REPLY_KINDS else None


# --------------------------------------------------------------------------- transport (HARNESS)
# Used for siadc09, which has no transport of its own. dc09-spt uses its own TransPath.


def _exchange_socket(sock: socket.socket, transport: str, host: str, port: int, frame: bytes,
                     timeout: float) -> bytes | None:
    """Send `frame` on an open socket and return one reply frame (up to CR), or None."""
    sock.settimeout(timeout)
    if transport == "tcp":
        sock.sendall(frame)
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\r" not in buf:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(1024)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
        return buf or None
    sock.sendto(frame, (host, port))
    try:
        data, _ = sock.recvfrom(2048)
    except socket.timeout:
        return None
    return data


def _open_socket(transport: str, host: str, port: int, timeout: float) -> socket.socket:
    if transport == "tcp":
        return socket.create_connection((host, port), timeout=timeout)
    family = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][0]
    return socket.socket(family, socket.SOCK_DGRAM)


# --------------------------------------------------------------------------- dc09-spt


def _dc09spt_aes_adapter(dc09_msg_module: Any) -> None:
    """Give dc09-spt the str-tolerant PyCrypto AES API it was written for.

    dc09-spt 0.0.4 calls AES.new(key, MODE_CBC, 16 * chr(0)) and .encrypt(<str>); PyCryptodome
    (the only maintained `Crypto` package) raises TypeError for str. This adapter only converts
    str arguments to bytes (latin-1; dc09-spt's plaintext is ASCII): padding, timestamp, IV and
    framing stay the library's.
    """
    from Crypto.Cipher import AES as _AES

    def b(v: Any) -> Any:
        return v.encode("latin-1") if isinstance(v, str) else v

    class _Cipher:
        def __init__(self, c: Any) -> None:
            self._c = c

        def encrypt(self, data: Any) -> bytes:
            return self._c.encrypt(b(data))

        def decrypt(self, data: Any) -> bytes:
            return self._c.decrypt(b(data))

    class PyCryptoCompatAES:
        MODE_CBC = _AES.MODE_CBC

        @staticmethod
        def new(key: Any, mode: Any, iv: Any = None) -> _Cipher:
            return _Cipher(_AES.new(b(key), mode, b(iv)))

    dc09_msg_module.AES = PyCryptoCompatAES


def _dc09spt_check(dc09: Any, seq: int, raw: bytes, args: argparse.Namespace,
                   encrypted: bool) -> tuple[str | None, bool, dict[str, Any], float | None]:
    """Parse a reply with dc09_msg.dc09answer (CRC, length, seq, decrypt + receiver time)."""
    detail: dict[str, Any] = {}
    offset = None
    token, enc_flag = _token_of(raw)
    try:
        kind, offset = dc09.dc09answer(seq, raw.decode("latin-1"))
        detail["library"] = {"ok": True, "answer": kind, "receiver_offset_s": offset}
        lib_ok = True
    except Exception as e:  # dc09answer raises plain Exception (and others on bad input)
        kind = token
        detail["library"] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        lib_ok = False
    kind = _kind(kind)
    # HARNESS: dc09answer checks CRC, length, sequence (not for NAK) and decrypts encrypted
    # replies, but does not check the account or that an encrypted frame got an encrypted ACK.
    detail["reply_encrypted"] = enc_flag
    checks = _harness_checks(raw, kind, args, encrypted, enc_flag)
    if kind == "NAK":
        checks["nak_has_timestamp"] = lib_ok and offset is not None
    detail["harness"] = checks
    valid = lib_ok and all(checks.values())
    return kind, valid, detail, offset


def _harness_checks(raw: bytes, kind: str | None, args: argparse.Namespace, encrypted: bool,
                    enc_flag: bool) -> dict[str, bool]:
    checks: dict[str, bool] = {}
    if kind in ("ACK", "DUH"):
        m = _ACCT_RE.search(raw)
        got = m.group(1).decode("ascii").upper() if m else None
        checks["account_echoed"] = got == args.account.upper()
    if kind == "ACK":
        checks["ack_encrypted_iff_sent_encrypted"] = enc_flag == encrypted
    if kind == "NAK":
        checks["nak_not_encrypted"] = not enc_flag  # DC-09: "The NAK message is never encrypted."
    # DUH: no check on encryption (pysiaalarm and siadc09 never encrypt it; the spec text we
    # have does not say): the flag is reported as reply_detail.reply_encrypted.
    return checks


def send_dc09spt(args: argparse.Namespace, key: bytes | None) -> tuple[dict[str, Any], int]:
    import importlib

    # dc09_spt.msg re-exports the class dc09_msg under the module's name: fetch the module.
    dc09_msg_module = importlib.import_module("dc09_spt.msg.dc09_msg")
    from dc09_spt.msg.dc03_msg import dc03_msg
    from dc09_spt.msg.dc05_msg import dc05_msg
    from dc09_spt.comm.transpath import TransPath

    if key is not None:
        _dc09spt_aes_adapter(dc09_msg_module)
    dc09_msg = dc09_msg_module.dc09_msg

    # What dc09_spt.send_msg() does, minus its queue/thread: build the DC-03/DC-05 payload.
    params: dict[str, Any] = {}
    if args.code is not None:
        params["code"] = args.code
    if args.zone is not None:
        params["zone"] = args.zone
    if args.area is not None:
        params["area"] = args.area
    if args.event == "sia":
        mtype, payload = "SIA-DCS", dc03_msg.dc03event(args.account, params)
    elif args.event == "cid":
        if args.qualifier is not None:
            params["q"] = args.qualifier
        mtype, payload = "ADM-CID", dc05_msg.dc05event(args.account, params)
    else:
        mtype, payload = "NULL", "]"
    extra = dc09_msg.dc09_extra(params)  # always None in 0.0.4 (missing return); kept as the library does
    if extra is not None:
        payload += extra

    # What dc09_spt.transfer_msg() does, but keeping the raw reply: TransPath + dc09_msg.
    path = TransPath(args.host, args.port, args.account, key=key, receiver=args.receiver,
                     line=args.line, timeout=args.timeout, type=args.transport)
    dc09 = dc09_msg(path.get_account(), path.get_key(), path.get_receiver(), path.get_line(),
                    args.timestamp_offset or 0)
    frame = dc09.dc09block(args.seq, mtype, payload).encode("latin-1")
    out: dict[str, Any] = {"sent": _text(frame)}

    conn = path.connect()  # TransPathTCP / TransPathUDP (their own sockets, 5 s timeout)
    if conn is None or conn.s is None:
        out.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                   error=f"dc09-spt could not open a {args.transport} path to {args.host}:{args.port}")
        return out, 1
    if args.transport == "tcp":
        conn.s.settimeout(args.timeout)
    else:
        # TransPathUDP waits timeout/5 per try and means to retry 5 times, but its retry loop
        # re-raises the first timeout (it compares the exception to TimeoutError with !=), so
        # it sends once and waits timeout/5: scale it so that one wait is --timeout.
        conn.timeout = args.timeout * 5
    try:
        raw = conn.sendAndReceive(frame, 1024)
        if not raw:
            out.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                       error="no reply")
            return out, 1
        kind, valid, detail, offset = _dc09spt_check(dc09, args.seq, raw, args, key is not None)
        out.update(reply=_text(raw), reply_kind=kind, reply_valid=valid, reply_detail=detail)
        if args.nak_retry and kind == "NAK":
            # As transfer_msg(): adopt the receiver's clock from the NAK and resend on the same path.
            retry: dict[str, Any] = {}
            if offset is None:
                retry["error"] = "NAK carried no receiver time the library could read"
            else:
                dc09.set_offset(offset)
                frame2 = dc09.dc09block(args.seq, mtype, payload).encode("latin-1")
                retry["sent"] = _text(frame2)
                conn.send(frame2)
                raw2 = conn.receive(1024)
                if raw2:
                    k2, v2, d2, _ = _dc09spt_check(dc09, args.seq, raw2, args, key is not None)
                    retry.update(reply=_text(raw2), reply_kind=k2, reply_valid=v2, reply_detail=d2)
                else:
                    retry.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                                 error="no reply")
            out["retry"] = retry
        return out, 0
    finally:
        conn.disconnect()


# --------------------------------------------------------------------------- siadc09


def _siadc09_check(raw: bytes, key: bytes | None, args: argparse.Namespace, encrypted: bool,
                   acct_int: int) -> tuple[str | None, bool, dict[str, Any], Any]:
    """Parse a reply with siadc09.message.parse_frame (envelope, CRC, length, header, AES)."""
    from siadc09 import message, dc09, util

    token, enc_flag = _token_of(raw)
    detail: dict[str, Any] = {"reply_encrypted": enc_flag}
    with _Capture("siadc09") as cap:
        try:
            msg = message.parse_frame(bytes(raw), keys=key)
        except Exception as e:
            msg = None
            err = f"{type(e).__name__}: {e}"
    if msg is None:
        detail["library"] = {"ok": False, "error": err, "log": cap.records}
        detail["harness"] = {}
        return _kind(token), False, detail, None
    ts = msg.timestamp
    lib: dict[str, Any] = {
        "ok": True,
        "class": type(msg).__name__,
        "idtoken": msg.idtoken,
        "seq": msg.seq,
        "account": "%X" % msg.account.acct if msg.account.acct is not None else None,
        "encrypted": msg.encrypted,
        "timestamp": util.totimestamp(ts) if ts is not None else None,
        "log": cap.records,
    }
    if ts is not None:
        lib["timestamp_skew_s"] = (ts - util.now()).total_seconds()
    detail["library"] = lib
    kind = _kind(msg.idtoken)
    # Checks on the library-parsed fields (parse_frame itself only checks the framing).
    checks: dict[str, bool] = {}
    if kind in ("ACK", "DUH"):
        checks["account_echoed"] = msg.account.acct == acct_int
        checks["seq_echoed"] = msg.seq == args.seq % 10000
    if kind == "ACK":
        checks["ack_encrypted_iff_sent_encrypted"] = msg.encrypted == encrypted
        if encrypted:
            # DC-09 5.5.1.9 window, with the library's own constants.
            checks["ack_timestamp_in_window"] = (
                ts is not None and dc09.MINDIFF <= (ts - util.now()).total_seconds() <= dc09.MAXDIFF)
    if kind == "NAK":
        checks["nak_has_timestamp"] = ts is not None
    if kind == "NAK":
        checks["nak_not_encrypted"] = not enc_flag
    detail["harness"] = checks
    return kind, all(checks.values()), detail, msg


def send_siadc09(args: argparse.Namespace, key: bytes | None) -> tuple[dict[str, Any], int]:
    from siadc09 import account, admcid, message, siadcs, util

    acct_int = int(args.account, 16)  # siadc09 accounts are hex integers
    acct = account.Account(acct=acct_int, pref=args.line, rcvr=args.receiver, key=key)

    # siadc09 has no event builder: its Data objects come from its own parsers, which validate
    # the DC-03 / DC-05 group and pack it back unchanged.
    if args.event == "sia":
        block = "N"
        if args.area is not None:
            block += f"ri{args.area}/"
        block += f"{args.code}{args.zone}"
        data = siadcs.parse_siadcs(f"#{args.account.upper()}|{block}".encode("ascii"))
        msg = message.EventMessage(acct, config={"idtoken": "SIA-DCS", "seqno": args.seq, "data": data})
    elif args.event == "cid":
        q = str(args.qualifier)
        code = args.code
        area = f"{args.area:02d}"
        zone = f"{args.zone:03d}"
        data = admcid.parse_admcid(f"#{args.account.upper()}|{q}{code} {area} {zone}".encode("ascii"))
        msg = message.EventMessage(acct, config={"idtoken": "ADM-CID", "seqno": args.seq, "data": data})
    else:
        msg = message.NullMessage(acct, seqno=args.seq)

    ts = None
    if args.timestamp_offset is not None:
        ts = util.now() + _dt.timedelta(seconds=args.timestamp_offset)
    # encode(): header, decimal seq, pad (16..31 random bytes), AES-CBC (zero IV), timestamp
    # (always on encrypted frames, on plain ones only when given), length, CRC.
    frame = msg.encode(seq=args.seq, timestamp=ts)
    out: dict[str, Any] = {"sent": _text(frame)}
    if data_label := getattr(getattr(msg, "data", None), "label", None):
        out["payload_parsed_as"] = data_label

    try:
        sock = _open_socket(args.transport, args.host, args.port, args.timeout)
    except OSError as e:
        out.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                   error=f"{type(e).__name__}: {e}")
        return out, 1
    try:
        try:
            raw = _exchange_socket(sock, args.transport, args.host, args.port, frame, args.timeout)
        except OSError as e:
            raw = None
            out["error"] = f"{type(e).__name__}: {e}"
        if not raw:
            out.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={})
            out.setdefault("error", "no reply")
            return out, 1
        kind, valid, detail, parsed = _siadc09_check(raw, key, args, key is not None, acct_int)
        out.update(reply=_text(raw), reply_kind=kind, reply_valid=valid, reply_detail=detail)
        if args.nak_retry and kind == "NAK":
            retry: dict[str, Any] = {}
            receiver_time = parsed.timestamp if parsed is not None else None
            if receiver_time is not None:
                retry["receiver_time_from"] = "siadc09 parse_frame"
            else:
                # HARNESS: parse_frame refuses the DC-09 NAK `"NAK"0000R0L0A0[]_<time>` (it wants
                # `#acct`); read the `_<time>` tail and convert it with siadc09's own helper.
                m = re.search(rb"\]_([0-9:,-]{19})\r?$", raw)
                if m:
                    receiver_time = util.fromtimestamp(m.group(1).decode("ascii"))
                    retry["receiver_time_from"] = "harness regex + siadc09.util.fromtimestamp"
            if receiver_time is None:
                retry["error"] = "no receiver time in the NAK"
            else:
                # Resend the same message stamped with the receiver's time from the NAK.
                frame2 = msg.encode(seq=args.seq, timestamp=receiver_time)
                retry["sent"] = _text(frame2)
                raw2 = _exchange_socket(sock, args.transport, args.host, args.port, frame2, args.timeout)
                if raw2:
                    k2, v2, d2, _ = _siadc09_check(raw2, key, args, key is not None, acct_int)
                    retry.update(reply=_text(raw2), reply_kind=k2, reply_valid=v2, reply_detail=d2)
                else:
                    retry.update(reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                                 error="no reply")
            out["retry"] = retry
        return out, 0
    finally:
        sock.close()


# --------------------------------------------------------------------------- CLI


def _hex_int(s: str) -> int:
    return int(s, 16)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lib", required=True, choices=["dc09spt", "siadc09"])
    p.add_argument("--host", required=True)
    p.add_argument("--port", required=True, type=int)
    p.add_argument("--transport", required=True, choices=["tcp", "udp"])
    p.add_argument("--account", required=True, help="account number, hex digits (e.g. 1234)")
    k = p.add_mutually_exclusive_group()
    k.add_argument("--key-hex", help="AES key as hex: 32/48/64 hex digits = 16/24/32 key bytes")
    k.add_argument("--key-text", help="AES key as ASCII text: its 16/24/32 bytes are the key")
    p.add_argument("--event", required=True, choices=["cid", "sia", "null"],
                   help="cid = ADM-CID, sia = SIA-DCS, null = NULL link test")
    p.add_argument("--code", help="event code: cid 3 digits (default 130), sia 2 letters (default FA)")
    p.add_argument("--zone", type=int, help="zone number (default 1)")
    p.add_argument("--area", type=int, help="area / partition number (default: cid 0, sia none)")
    p.add_argument("--qualifier", type=int, choices=[1, 3, 6], help="cid event qualifier (default 1)")
    p.add_argument("--seq", type=int, default=1, help="sequence number 1..9999 (default 1)")
    p.add_argument("--timestamp-offset", type=float, default=None,
                   help="shift the frame's timestamp by SECONDS (e.g. -3600 for a stale frame)")
    p.add_argument("--receiver", type=_hex_int, default=None, help="Rrcvr value, hex (default: no R field)")
    p.add_argument("--line", type=_hex_int, default=0, help="Lpref value, hex (default 0)")
    p.add_argument("--timeout", type=float, default=5.0, help="reply timeout in seconds (default 5)")
    p.add_argument("--nak-retry", action="store_true",
                   help="on NAK, resend once with the receiver's time from the NAK (result in \"retry\")")
    args = p.parse_args(argv)
    # One set of defaults, so both libraries send the same event.
    if args.event == "cid":
        args.code = args.code or "130"
        args.qualifier = args.qualifier if args.qualifier is not None else 1
        args.area = args.area if args.area is not None else 0
    elif args.event == "sia":
        args.code = args.code or "FA"
    if args.zone is None:
        args.zone = 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: dict[str, Any] = {"lib": args.lib, "transport": args.transport}
    try:
        key = None
        if args.key_hex is not None:
            key = bytes.fromhex(args.key_hex)
        elif args.key_text is not None:
            key = args.key_text.encode("ascii")
        if key is not None and len(key) not in (16, 24, 32):
            raise ValueError(f"key is {len(key)} bytes, must be 16, 24 or 32")
        int(args.account, 16)
        out["encrypted"] = key is not None
        sender = send_dc09spt if args.lib == "dc09spt" else send_siadc09
        result, code = sender(args, key)
    except Exception as e:  # building the frame failed
        out.update(sent=None, reply=None, reply_kind=None, reply_valid=False, reply_detail={},
                   error=f"{type(e).__name__}: {e}")
        print(json.dumps(out), flush=True)
        return 2
    out.update(result)
    print(json.dumps(out), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
