#!/usr/bin/env python3
"""pysiaalarm's asyncio DC-09 receiver, as the baseline of the receiver benchmark.

Serves the accounts FIRST..FIRST+COUNT-1 (decimal, as `vigil loadgen` uses them) over TCP or
UDP and answers every valid frame with ACK, as pysiaalarm does: nothing is stored, the event
callback only counts. With --key-hex the accounts use that AES key (hex; any bytes).

Prints "READY host:port" on stdout once listening, then runs until SIGINT/SIGTERM and prints
the event count and pysiaalarm's counters on exit.

Usage: pysiaalarm_receiver.py --port 7791 [--host 127.0.0.1] [--first 100000] [--count 200]
       [--key-hex HEX] [--transport tcp|udp]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys

from pysiaalarm import SIAAccount
from pysiaalarm.aio import SIAClient
from pysiaalarm.aio.server import SIAServerUDP
from pysiaalarm.utils import CommunicationsProtocol


def _connection_made(self, transport) -> None:
    """pysiaalarm asserts isinstance(transport, asyncio.DatagramTransport), which CPython
    3.11's selector datagram transport is not (it is from 3.12 on), so its UDP server never
    answers on 3.11; keep the transport without the assertion."""
    self.transport = transport


if sys.version_info < (3, 12):
    SIAServerUDP.connection_made = _connection_made


def accounts(first: str, count: int, key_hex: str | None) -> list[SIAAccount]:
    """The accounts first..first+count-1, zero-padded to the width of first."""
    width = len(first)
    out = []
    for i in range(count):
        acc = SIAAccount(f"{int(first) + i:0{width}d}")
        if key_hex:
            # pysiaalarm keys are text whose UTF-8 bytes are the key; set the raw bytes so
            # any key works. `key` only has to be non-empty.
            acc.key = key_hex
            acc.key_b = bytes.fromhex(key_hex)
        out.append(acc)
    return out


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first", default="100000")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--key-hex")
    parser.add_argument("--transport", choices=["tcp", "udp"], default="tcp")
    args = parser.parse_args()
    # Keep pysiaalarm's per-event debug and warning logging out of the measurement.
    logging.basicConfig(level=logging.ERROR)

    events = 0

    async def on_event(_event) -> None:
        nonlocal events
        events += 1

    protocol = CommunicationsProtocol.UDP if args.transport == "udp" else CommunicationsProtocol.TCP
    client = SIAClient(
        args.host,
        args.port,
        accounts(args.first, args.count, args.key_hex),
        on_event,
        protocol=protocol,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await client.async_start()
    print(f"READY {args.host}:{args.port}", flush=True)
    await stop.wait()
    await client.async_stop()
    print(f"events {events} counters {dataclasses.asdict(client.counts)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
