#!/usr/bin/env python3
"""PostgreSQL itself fails over (scripts/chaos-ha.sh runs this after ha.py).

A throwaway primary and a synchronous hot standby (initdb, pg_basebackup) on free ports; two
Vigil nodes given both hosts in `--database` (node a primary first, node b standby first);
panels sending to both nodes. In turn:

1. both nodes connect to the host that takes writes, whatever the order given;
2. the primary dies (`pg_ctl stop -m immediate`): no frame is acknowledged while no host
   takes writes, and each node answers `database_up` false (the pages' "database
   unreachable");
3. the standby is promoted: both nodes move to it without a restart, alarms are
   acknowledged and handled again, `database_up` is true again;

and at the end every frame any node acknowledged is on the promoted standby exactly once
(synchronous replication: a commit, hence an ACK, waits for the standby's flush). Needs the
PostgreSQL server binaries (`pg_config --bindir`); run as root, they run as `postgres`.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

from ha import (PANELS, STORED_PANEL_FRAMES, Node, Panels, SmsSink, check, exchange, fail, frame, free_port, log,
                stored_once, wait_for)


def bindir():
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if os.path.exists(os.path.join(out, "initdb")):
            return out
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not dirs:
        fail("no PostgreSQL server binaries (initdb) found")
    return dirs[-1]


class Cluster:
    """One throwaway PostgreSQL server in `work`, run by `postgres` when we are root."""

    def __init__(self, bin_dir, work, name):
        self.bin, self.dir, self.port = bin_dir, os.path.join(work, name), free_port()
        self.sockets = work

    def run(self, tool, *args, check_ok=True):
        cmd = [os.path.join(self.bin, tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if check_ok and r.returncode != 0:
            fail(f"{tool}: {r.stderr.strip() or r.stdout.strip()}")
        return r

    def start(self):
        self.run("pg_ctl", "-D", self.dir, "-l", self.dir + ".log", "-w", "-t", "30",
                 "-o", f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1", "start")

    def url(self, db="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def sql(self, sql, db="postgres"):
        r = subprocess.run(["psql", self.url(db), "-qAtc", sql], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"psql on {self.port}: {r.stderr.strip()}")
        return r.stdout.strip()


def database_up(node):
    request = urllib.request.Request(f"{node.base()}/rpc/database_up", data=b"", method="POST",
                                     headers={"Origin": node.base(), "Accept": "application/json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=3) as r:
            return json.loads(r.read().decode())
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", required=True)
    args = parser.parse_args()
    bin_dir = bindir()
    work = tempfile.mkdtemp(prefix="vigil-failover-")
    os.chmod(work, 0o777)
    primary, standby = Cluster(bin_dir, work, "primary"), Cluster(bin_dir, work, "standby")
    nodes, panels = [], None
    try:
        log(f"a primary on {primary.port} and a synchronous standby on {standby.port} (in {work})")
        primary.run("initdb", "-D", primary.dir, "-A", "trust", "-U", "postgres", "--no-sync")
        with open(os.path.join(primary.dir, "postgresql.conf"), "a") as conf:
            conf.write("synchronous_standby_names = '*'\nfsync = on\nmax_connections = 200\n")
        primary.start()
        primary.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                    "-D", standby.dir, "-R", "-X", "stream")
        # Once promoted it is alone: waiting for a synchronous standby of its own would hold
        # every commit (Patroni's synchronous_mode makes the same change on a failover).
        with open(os.path.join(standby.dir, "postgresql.conf"), "a") as conf:
            conf.write("synchronous_standby_names = ''\n")
        standby.start()
        wait_for("the standby replicates synchronously",
                 lambda: primary.sql("SELECT sync_state FROM pg_stat_replication") == "sync", 20)
        primary.sql("CREATE DATABASE vigil")
        # Accounts 7001-7200 (the panels' 71xx among them), so their frames are acknowledged.
        subprocess.run([args.vigil, "account", "bulk", "--database", primary.url("vigil"), "--first", "7001",
                        "--count", "200"], check=True, capture_output=True, env=dict(os.environ, RUST_LOG="warn"))

        class Db:  # what Node needs of a database
            url = f"postgres://postgres@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/vigil"

        class Reversed:
            url = f"postgres://postgres@127.0.0.1:{standby.port},127.0.0.1:{primary.port}/vigil"

        sms = SmsSink()
        nodes = [Node("a", args.vigil, Db, sms.url, work), Node("b", args.vigil, Reversed, sms.url, work)]
        log("1. both nodes find the host that takes writes")
        nodes[0].start()
        nodes[1].start()
        for n in nodes:
            check(exchange(n.dc09, frame("7001", 1, "1130 01 001")),
                  f"node {n.name} (hosts in its order) stores and acknowledges a frame")
            check(database_up(n) is True, f"node {n.name} says the database is up")
        panels = Panels(nodes)
        panels.start()
        wait_for("frames acknowledged", lambda: len(panels.acked) > 2 * PANELS, 15)

        log("2. the primary dies")
        primary.run("pg_ctl", "-D", primary.dir, "-m", "immediate", "stop")
        time.sleep(1.5)  # ACKs in flight at the kill
        wait_for("both nodes say the database is unreachable",
                 lambda: all(database_up(n) is False for n in nodes), 10)
        during = len(panels.acked)
        time.sleep(3)
        check(len(panels.acked) == during, f"no frame acknowledged while no host takes writes ({len(panels.acked) - during})")

        log("3. the standby is promoted")
        promoted_at = time.monotonic()
        standby.run("pg_ctl", "-D", standby.dir, "-w", "promote")
        wait_for("frames acknowledged again", lambda: len(panels.acked) > during + 2 * PANELS, 20)
        log(f"   acknowledging again {time.monotonic() - promoted_at:.1f} s after the promotion")
        check(all(n.proc.poll() is None for n in nodes), "no node restarted")
        check(all(database_up(n) is True for n in nodes), "both nodes say the database is up again")
        check(all("moved to another database host" in n.log_text() for n in nodes),
              "each node logged its move to the promoted standby")
        check(exchange(nodes[1].dc09, frame("7002", 1, "1130 01 001")), "an alarm after the promotion is acknowledged")
        wait_for("the engine (on one node or the other) opens its incident", lambda: standby.sql(
            "SELECT COUNT(*) FROM incidents i JOIN accounts a ON a.site_id = i.site_id WHERE a.number = '7002'",
            db="vigil") not in ("", "0"), 10)

        acked = panels.finish()
        panels = None
        stored_once(acked, standby.sql(STORED_PANEL_FRAMES, db="vigil"))
        log("failover: all checks passed")
    finally:
        if panels:
            panels.finish()
        for n in nodes:
            if n.proc and n.proc.poll() is None:
                n.proc.terminate()
                try:
                    n.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    n.proc.kill()
        for c in (standby, primary):
            if os.path.exists(os.path.join(c.dir, "postmaster.pid")):
                c.run("pg_ctl", "-D", c.dir, "-m", "immediate", "stop", check_ok=False)
        if os.environ.get("KEEP_WORK") is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
