#!/usr/bin/env python3
"""Reference DC-09 receiver: pysiaalarm's SIAClient on TCP and UDP, same host and port.

    python ref_receiver.py [--host 127.0.0.1] [--port 7778] --account ACCT[:KEYTEXT] ...
                           [--transport both|tcp|udp] [--duration SECONDS] [--verbose]

--account is repeatable; an account with ":KEYTEXT" is encrypted. pysiaalarm takes the key
as TEXT: the ASCII bytes of a 16/24/32-character string are the AES key (it calls
key.encode("utf-8"), it does not hex-decode). Each account id must be unique (pysiaalarm keys
its account table by id), so use different ids for plain and AES accounts.

Prints "READY <host> <port> <tcp,udp>" on stdout once listening, then one JSON line per event
that pysiaalarm accepted (it only calls back for events it ACKs). Runs until SIGINT/SIGTERM or
--duration seconds. Replies (ACK / NAK / DUH) are pysiaalarm's own.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from pysiaalarm import CommunicationsProtocol, SIAAccount, SIAClient


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7778)
    p.add_argument("--account", action="append", required=True, metavar="ACCT[:KEYTEXT]")
    p.add_argument("--transport", choices=["both", "tcp", "udp"], default="both")
    p.add_argument("--duration", type=float, default=None, help="stop after SECONDS")
    p.add_argument("--verbose", action="store_true", help="pysiaalarm debug log on stderr")
    args = p.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="ref_receiver %(name)s: %(message)s")

    accounts = []
    for a in args.account:
        acct, _, key = a.partition(":")
        SIAAccount.validate_account(acct, key or None)
        accounts.append(SIAAccount(acct, key or None))

    lock = threading.Lock()

    def on_event(event) -> None:  # called by pysiaalarm for events it acknowledged
        with lock:
            print(json.dumps({
                "account": event.account,
                "message_type": getattr(event.message_type, "value", event.message_type),
                "encrypted": event.encrypted,
                "sequence": event.sequence,
                "code": event.code,
                "ri": event.ri,
                "timestamp": event.timestamp.isoformat() if event.timestamp else None,
                "content": event.content,
            }), flush=True)

    protos = {"both": ["tcp", "udp"], "tcp": ["tcp"], "udp": ["udp"]}[args.transport]
    clients = []
    for proto in protos:
        c = SIAClient(args.host, args.port, accounts, on_event,
                      protocol=CommunicationsProtocol.TCP if proto == "tcp" else CommunicationsProtocol.UDP)
        c.start()
        clients.append(c)
    print(f"READY {args.host} {args.port} {','.join(protos)}", flush=True)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait(args.duration)
    for c in clients:
        c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
