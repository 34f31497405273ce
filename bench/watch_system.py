#!/usr/bin/env python3
"""What the whole-system benchmark watches while `vigil loadgen` runs (scripts/bench-system.sh).

- One operator signed in, with the dashboard's two live streams open (`/api/v1/ops/stream`
  and `/api/v1/signals/stream`), as an operator's page has them. For every signal pushed
  for a benchmark account (FIRST.. FIRST+COUNT-1), frame-to-operator-stream latency = the
  time it reached this client - the time Vigil received the frame (same machine clock).
- The engine's lag (`vigil_engine_lag_signals`, `vigil_engine_lag_seconds` on --metrics),
  sampled every 0.25 s: its maximum, its last value, and when it was last seen above zero.
- The server's CPU time and memory (/proc/PID): CPU seconds used while watching, peak RSS.

Runs until SIGTERM/SIGINT (or --duration), then prints one JSON object on stdout.

Usage: watch_system.py --http 127.0.0.1:3000 --metrics 127.0.0.1:9000 --pid PID
       [--first 100000 --count 200] [--username operator --password demo-operator]
       [--duration SECONDS]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import threading
import time
import urllib.parse

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now_ms() -> float:
    return time.time() * 1000.0


def sign_in(host: str, port: int, username: str, password: str) -> str:
    """Signs in through the login server function; returns the session cookie."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    body = urllib.parse.urlencode({"username": username, "password": password})
    conn.request("POST", "/rpc/login", body, {
        "content-type": "application/x-www-form-urlencoded",
        "origin": f"http://{host}:{port}",
    })
    res = conn.getresponse()
    res.read()
    cookies = [v.split(";", 1)[0] for k, v in res.getheaders() if k.lower() == "set-cookie"]
    if res.status >= 400 or not cookies:
        raise SystemExit(f"watch_system: sign-in as {username} failed: HTTP {res.status}")
    return "; ".join(cookies)


class Stream(threading.Thread):
    """One server-sent event stream; hands each (event, data) to `on_event`."""

    def __init__(self, host: str, port: int, path: str, cookie: str, on_event) -> None:
        super().__init__(daemon=True)
        self.args = (host, port, path, cookie)
        self.on_event = on_event
        self.opened = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        host, port, path, cookie = self.args
        try:
            conn = http.client.HTTPConnection(host, port, timeout=3600)
            conn.request("GET", path, headers={"cookie": cookie, "accept": "text/event-stream"})
            res = conn.getresponse()
            if res.status != 200:
                self.error = f"{path}: HTTP {res.status}"
                self.opened.set()
                return
            self.opened.set()
            event, data = "message", []
            while True:
                line = res.fp.readline()
                if not line:
                    return
                line = line.decode("utf-8", "replace").rstrip("\r\n")
                if not line:
                    if data:
                        self.on_event(event, "\n".join(data))
                    event, data = "message", []
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
        except Exception as e:  # the server stopped: the report says how far it got
            self.error = self.error or str(e)
            self.opened.set()


def metric(host: str, port: int, names: tuple[str, ...]) -> dict[str, float]:
    conn = http.client.HTTPConnection(host, port, timeout=2)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    out = {}
    for line in text.splitlines():
        for name in names:
            if line.startswith(name + " ") or line.startswith(name + "{"):
                out[name] = float(line.rsplit(" ", 1)[1])
    return out


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--http", required=True)
    p.add_argument("--metrics", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--first", type=int, default=100000)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--username", default="operator")
    p.add_argument("--password", default="demo-operator")
    p.add_argument("--duration", type=float, default=None)
    args = p.parse_args()
    host, port = args.http.rsplit(":", 1)
    mhost, mport = args.metrics.rsplit(":", 1)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"signals": 0, "ops": 0}
    accounts = {str(a) for a in range(args.first, args.first + args.count)}

    def on_signal(event: str, data: str) -> None:
        if event != "signal":
            return
        at = now_ms()
        try:
            view = json.loads(data)
        except ValueError:
            return
        with lock:
            counts["signals"] += 1
            if view.get("account") in accounts:
                latencies.append(at - view["received_at_ms"])

    def on_ops(event: str, _data: str) -> None:
        with lock:
            counts["ops"] += 1

    cookie = sign_in(host, int(port), args.username, args.password)
    streams = [
        Stream(host, int(port), "/api/v1/signals/stream", cookie, on_signal),
        Stream(host, int(port), "/api/v1/ops/stream", cookie, on_ops),
    ]
    for s in streams:
        s.start()
    for s in streams:
        s.opened.wait(10)
        if s.error:
            raise SystemExit(f"watch_system: stream failed: {s.error}")
    print("WATCHING", flush=True)

    started = time.monotonic()
    cpu0 = cpu_seconds(args.pid)
    lag = {"max_signals": 0.0, "max_seconds": 0.0, "last_signals": None, "last_seconds": None, "caught_up_s": None}
    names = ("vigil_engine_lag_signals", "vigil_engine_lag_seconds")
    while not stop.is_set():
        if args.duration is not None and time.monotonic() - started >= args.duration:
            break
        try:
            m = metric(mhost, int(mport), names)
        except OSError:
            m = {}
        if names[0] in m:
            signals_behind, seconds_behind = m[names[0]], m.get(names[1], 0.0)
            lag["max_signals"] = max(lag["max_signals"], signals_behind)
            lag["max_seconds"] = max(lag["max_seconds"], seconds_behind)
            lag["last_signals"], lag["last_seconds"] = signals_behind, seconds_behind
            if signals_behind > 0:
                lag["caught_up_s"] = None
            elif lag["caught_up_s"] is None:
                lag["caught_up_s"] = round(time.monotonic() - started, 2)
        stop.wait(0.25)
    watched = time.monotonic() - started
    try:
        cpu = cpu_seconds(args.pid) - cpu0
        peak_rss_kb, rss_kb = status_kb(args.pid, "VmHWM"), status_kb(args.pid, "VmRSS")
    except OSError:
        cpu, peak_rss_kb, rss_kb = None, None, None

    with lock:
        lat = sorted(latencies)
        report = {
            "watched_s": round(watched, 2),
            "stream": {
                "signals": counts["signals"],
                "ops_events": counts["ops"],
                "samples": len(lat),
                "p50_ms": percentile(lat, 50),
                "p99_ms": percentile(lat, 99),
                "max_ms": lat[-1] if lat else None,
            },
            "engine_lag": lag,
            "cpu_percent": round(100 * cpu / watched, 1) if cpu is not None and watched > 0 else None,
            "peak_rss_mb": round(peak_rss_kb / 1024, 1) if peak_rss_kb else None,
            "rss_mb": round(rss_kb / 1024, 1) if rss_kb else None,
        }
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
