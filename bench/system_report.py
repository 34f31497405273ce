#!/usr/bin/env python3
"""The whole-system benchmark's table (scripts/bench-system.sh): prints it, and either
checks that every part worked (--check 1, the short run in CI) or writes it into the doc
as the block LABEL of the section "The whole system".

Usage: system_report.py RESULTS.jsonl --doc docs/benchmarks.md|- --label after --check 0|1
       --machine TEXT --commit TEXT --load TEXT
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys

SECTION = "## The whole system"
SCENARIOS = {"max": "max throughput", "fixed": "fixed rate", "catch-up": "catch-up after a restart"}


def fmt(value, digits=1, unit=""):
    if value is None:
        return "-"
    return f"{value:.{digits}f}{unit}"


def table(rows: list[dict]) -> list[str]:
    out = [
        "| receiver | scenario | signals/s | ACK p50 ms | p99 ms | p99.9 ms | timeouts | engine lag max s "
        "| drained after s | to operator p50 / p99 ms | CPU % | peak RSS MB | start s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        load, watch = r["load"], r.get("watch") or {}
        lat = load["latency_ms"]
        lag = watch.get("engine_lag") or {}
        stream = watch.get("stream") or {}
        receiver = "Vigil, " + ("SQLite" if r["backend"] == "sqlite" else "PostgreSQL") \
            if r["receiver"] == "vigil" else "pysiaalarm 3.2.2 (no storage)"
        to_op = "-" if not stream.get("samples") else f"{fmt(stream['p50_ms'], 0)} / {fmt(stream['p99_ms'], 0)}"
        out.append(
            f"| {receiver} | {SCENARIOS[r['scenario']]} | {load['signals_per_s']:.0f} | {fmt(lat['p50'], 2)} "
            f"| {fmt(lat['p99'], 2)} | {fmt(lat['p99_9'], 2)} | {load['timeouts']} "
            f"| {fmt(lag.get('max_seconds'))} | {fmt(r.get('drained_s'))} | {to_op} "
            f"| {fmt(watch.get('cpu_percent'), 0)} | {fmt(watch.get('peak_rss_mb'), 0)} | {fmt(r.get('startup_s'), 2)} |"
        )
    return out


def scale_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    out = [
        "",
        "| backend | supervised accounts (90 s link test each) | provisioning s | start to ready s | RSS after start MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        backend = "SQLite" if r["backend"] == "sqlite" else "PostgreSQL"
        out.append(f"| {backend} | {r['accounts']} | {r['provisioned_s']} | {r['ready_s']} | {r['rss_mb']} |")
    return out


def check(rows: list[dict], scale: list[dict]) -> list[str]:
    """What did not work end to end (the figures are not checked)."""
    problems = [f"{r['backend']}/scale: no memory reading" for r in scale if not r["rss_mb"]]
    seen = {(r["receiver"], r["backend"], r["scenario"]) for r in rows}
    for r in rows:
        name = f"{r['receiver']}/{r['backend']}/{r['scenario']}"
        load = r["load"]
        if load["acked"] == 0:
            problems.append(f"{name}: nothing acknowledged")
        if load["naks"] or load["duhs"]:
            problems.append(f"{name}: {load['naks']} NAK, {load['duhs']} DUH")
        if r["receiver"] != "vigil":
            continue
        watch = r.get("watch")
        if not watch:
            problems.append(f"{name}: the watcher reported nothing")
            continue
        if not watch["stream"]["samples"]:
            problems.append(f"{name}: no benchmark signal reached the operator's stream")
        if not watch["stream"]["ops_events"]:
            problems.append(f"{name}: no dashboard event reached the operator")
        if r.get("drained_s") is None:
            problems.append(f"{name}: the engine did not catch up after the load")
        if r["scenario"] == "catch-up" and not r.get("backlog"):
            problems.append(f"{name}: the engine had no backlog to catch up")
    for backend in {r["backend"] for r in rows if r["receiver"] == "vigil"} - {r["backend"] for r in scale}:
        problems.append(f"vigil/{backend}/scale: did not run")
    for key in {(r["receiver"], r["backend"]) for r in rows}:
        wanted = ("max", "fixed") if key[0] != "vigil" else ("max", "catch-up", "fixed")
        for scenario in wanted:
            if (*key, scenario) not in seen:
                problems.append(f"{key[0]}/{key[1]}/{scenario}: did not run")
    return problems


def write_doc(path: str, label: str, block: list[str]) -> None:
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = ""
    start, end = f"<!-- bench-system:{label} -->", f"<!-- /bench-system:{label} -->"
    body = "\n".join([start, *block, end])
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: body, text, flags=re.S)
    elif SECTION in text:
        # After the section's own text, before the next section.
        at = text.index(SECTION)
        nxt = text.find("\n## ", at + len(SECTION))
        nxt = len(text) if nxt < 0 else nxt + 1
        text = text[:nxt].rstrip("\n") + "\n\n" + body + "\n\n" + text[nxt:]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{body}\n"
    with open(path, "w") as f:
        f.write(text)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--doc", default="-")
    p.add_argument("--label", default="after")
    p.add_argument("--check", default="0")
    p.add_argument("--machine", default="")
    p.add_argument("--commit", default="")
    p.add_argument("--load", default="")
    args = p.parse_args()
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    scale = [r for r in rows if r["scenario"] == "scale"]
    rows = [r for r in rows if r["scenario"] != "scale"]
    order = {"max": 0, "fixed": 1, "catch-up": 2}
    rows.sort(key=lambda r: (order[r["scenario"]], r["receiver"] != "vigil", r["backend"]))
    block = [
        f"### {args.label}",
        "",
        f"- vigil built from {args.commit}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}Z",
        f"- machine: {args.machine}",
        f"- load: {args.load}",
        "",
        *table(rows),
        *scale_table(scale),
    ]
    print("\n".join(block))
    if args.check == "1":
        problems = check(rows, scale)
        for problem in problems:
            print(f"bench-system: {problem}", file=sys.stderr)
        if problems:
            return 1
        print("bench-system: every part worked end to end (figures not checked)", file=sys.stderr)
    elif args.doc != "-":
        write_doc(args.doc, args.label, block)
        print(f"bench-system: written to {args.doc} ({args.label})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
