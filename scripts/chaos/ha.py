#!/usr/bin/env python3
"""Two Vigil nodes on one PostgreSQL database, attacked (scripts/chaos-ha.sh runs this).

Panels send to both nodes (a primary and a backup receiver each, moving to the other when an
ACK does not come), operators work on both, an SMS sink counts every message. In turn:

1. a frame sent to both nodes is stored once, with two arrivals;
2. the leader is SIGKILLed in the middle of an intrusion's cancel window: the other node
   leads within 5 s, the incident exists once, the window's dispatch happens once, every
   SMS is sent once; an operator on the survivor claims, and the claim shows on the killed
   node once it is back (and refuses a second operator there);
3. the leader is SIGSTOPped past its lease, then continued: the other node leads, the
   stopped one's late writes are refused by the fence and it steps down;
4. PostgreSQL restarts under load: nothing acknowledged is lost, no Vigil restarts.

At the end every frame any node acknowledged is in the signals table exactly once. Uses only
the standard library, `psql` and `pg_ctlcluster`; bounded by the caller's timeout.
"""

import argparse
import http.cookiejar
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

CANCEL_WINDOW_S = 20
LEASE_S = 2.5
PANELS = 12


def log(msg):
    print(f"\033[1m== {msg}\033[0m", file=sys.stderr, flush=True)


def fail(msg):
    print(f"chaos-ha: FAILED: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"   ok: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, cond, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.1)
    fail(f"not within {within} s: {what}")


# ---- DC-09 ------------------------------------------------------------------------------


def crc16_arc(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(account: str, seq: int, event: str) -> bytes:
    """A plain ADM-CID frame (no timestamp: a resend is the same bytes, the same key)."""
    body = f'"ADM-CID"{seq:04d}R1L1#{account}[#{account}|{event}]'.encode()
    return b"\n" + f"{crc16_arc(body):04X}0{len(body):03X}".encode() + body + b"\r"


def exchange(port: int, data: bytes, timeout=2.0) -> bool:
    """Sends one frame on a new connection; True when the node answered ACK."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(data)
            reply = b""
            while not reply.endswith(b"\r"):
                chunk = s.recv(256)
                if not chunk:
                    break
                reply += chunk
            return b'"ACK"' in reply
    except OSError:
        return False


class Panels:
    """PANELS panels, each sending a test report every ~0.3 s to its primary node, moving to
    the other node when no ACK comes (as a panel with two receivers does), and resending the
    same frame until one node acknowledges it."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.acked = set()
        self.unanswered = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(PANELS)]

    def start(self):
        for t in self.threads:
            t.start()

    def run(self, i):
        account = f"{7101 + i}"
        which = i % 2
        seq = 0
        while not self.stop.is_set():
            seq += 1
            data = frame(account, seq, "1602 00 000")
            while not self.stop.is_set():
                if exchange(self.nodes[which].dc09, data):
                    with self.lock:
                        self.acked.add((account, seq))
                    break
                with self.lock:
                    self.unanswered += 1
                which = 1 - which
                time.sleep(0.2)
            time.sleep(0.3)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=10)
        return self.acked


# ---- sinks ------------------------------------------------------------------------------


class SmsSink:
    """The SMS gateway: every POST is one message, counted."""

    def __init__(self):
        self.messages = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                sink.messages.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---- the database and the nodes -------------------------------------------------------


class Database:
    def __init__(self, admin_url):
        self.admin = admin_url
        self.name = f"vigil_chaos_{os.getpid()}"
        self.url = admin_url.rsplit("/", 1)[0] + "/" + self.name
        self.psql_admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self.psql_admin(f"CREATE DATABASE {self.name}")

    def psql_admin(self, sql):
        subprocess.run(["psql", self.admin, "-qAtc", sql], check=True, capture_output=True)

    def one(self, sql):
        for _ in range(50):
            r = subprocess.run(["psql", self.url, "-qAtc", sql], capture_output=True, text=True)
            if r.returncode == 0:
                return r.stdout.strip()
            time.sleep(0.2)  # PostgreSQL restarting
        fail(f"psql: {r.stderr.strip()}")

    def leader(self):
        """The pid in the valid engine lease's holder (host/pid/random), or None."""
        row = self.one(
            "SELECT holder FROM leases WHERE name = 'engine' "
            "AND expires_at > EXTRACT(EPOCH FROM clock_timestamp()) * 1000"
        )
        return int(row.split("/")[1]) if row else None

    def drop(self):
        self.psql_admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


class Node:
    def __init__(self, name, vigil, db, sms_url, work):
        self.name, self.vigil, self.db, self.sms_url = name, vigil, db, sms_url
        self.http, self.dc09 = free_port(), free_port()
        self.log_path = os.path.join(work, f"{name}.log")
        self.proc = None

    def start(self):
        args = [
            self.vigil, "serve", "--database", self.db.url,
            "--http", f"127.0.0.1:{self.http}", "--dc09", f"127.0.0.1:{self.dc09}",
            "--sms-url", self.sms_url, "--site-root", "target/site",
        ]
        env = dict(os.environ, RUST_LOG="warn,server=info,vigil=info")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "a"), env=env)
        wait_for(f"{self.name} answers", self.healthy, 30)

    def healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/healthz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def base(self):
        return f"http://127.0.0.1:{self.http}"


class Session:
    """A signed-in person's cookie, good on every node (sessions are in the database)."""

    def __init__(self, node, username, password):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        status, _ = self.call(node, "POST", "/api/v1/session", {"username": username, "password": password})
        check(status == 200, f"{username} signs in on {node.name}")

    def call(self, node, method, path, body=None, form=None):
        data, headers = None, {"Origin": node.base(), "Accept": "application/json"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(node.base() + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as r:
                text = r.read().decode()
                return r.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text


def add_user(vigil, db, name, role):
    password = "chaos password 42"
    subprocess.run(
        [vigil, "user", "add", name, "--role", role, "--name", name.title(), "--database", db.url],
        input=password + "\n", text=True, check=True, capture_output=True,
        env=dict(os.environ, RUST_LOG="warn"),
    )
    return password


# ---- the scenario -----------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--cluster", default=os.environ.get("PG_CLUSTER", ""))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="vigil-chaos-")
    db = Database(args.postgres)
    sms = SmsSink()
    nodes = [Node("a", args.vigil, db, sms.url, work), Node("b", args.vigil, db, sms.url, work)]
    panels = None
    try:
        log(f"two nodes on {db.name} (logs in {work})")
        nodes[0].start()
        nodes[1].start()
        lead = wait_for("a leader", db.leader, 10)
        check(lead == nodes[0].proc.pid, "the first node leads")
        run(args, db, sms, nodes, work)
        log("chaos-ha: all checks passed")
    finally:
        for n in nodes:
            if n.proc and n.proc.poll() is None:
                n.proc.send_signal(signal.SIGCONT)
                n.proc.terminate()
                try:
                    n.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    n.proc.kill()
        db.drop()


def by_pid(nodes, pid):
    return next(n for n in nodes if n.proc.pid == pid)


def run(args, db, sms, nodes, work):
    a, b = nodes
    admin_pw = add_user(args.vigil, db, "admin", "admin")
    op_pw = add_user(args.vigil, db, "ana", "operator")
    add_user(args.vigil, db, "dan", "operator")
    admin = Session(a, "admin", admin_pw)
    rows = [[1, "7001,Chaos shop,Strada 1,Bucuresti,44.43,26.10,Europe/Bucharest,Ana,+40700000001,Dan,+40700000002"]]
    rows += [[2 + i, f"{7101 + i},Panel {i},Strada {i},Bucuresti,44.4{i % 10},26.1,Europe/Bucharest,Ion,+40700001{i:03d},,"]
             for i in range(PANELS)]
    status, answer = admin.call(b, "POST", "/rpc/admin/import", {"rows": rows})
    check(status == 200 and all(r["site_id"] for r in answer), f"{len(rows)} sites imported on b: {status}")
    status, _ = admin.call(a, "POST", "/rpc/admin/crew", {"crew_id": None, "name": "Echo 1", "lat": "44.44", "lon": "26.09"})
    check(status == 200, "a crew added")
    site = int(db.one("SELECT site_id FROM accounts WHERE number = '7001'"))
    status, detail = admin.call(a, "POST", "/rpc/admin/site", form={"site_id": site})
    rules = dict(detail["rules"], cancel_window_s=str(CANCEL_WINDOW_S))
    status, errors = admin.call(b, "POST", "/rpc/admin/site-rules", {"site_id": site, "rules": rules})
    check(status == 200 and not errors["fields"] and not errors["form"],
          f"the shop's cancel window is {CANCEL_WINDOW_S} s: {errors}")

    panels = Panels(nodes)
    panels.start()

    log("1. a frame sent to both nodes")
    dual = frame("7001", 9001, "1602 00 000")
    check(exchange(a.dc09, dual) and exchange(b.dc09, dual), "both nodes acknowledge it")
    check(db.one("SELECT COUNT(*) FROM signals WHERE account = '7001' AND seq = 9001") == "1", "stored once")
    check(db.one("SELECT COUNT(*) FROM signal_arrivals a JOIN signals s ON s.id = a.signal_id "
                 "WHERE s.account = '7001' AND s.seq = 9001") == "1", "with the second arrival recorded")

    log("2. SIGKILL the leader in the middle of a cancel window")
    leader = by_pid(nodes, db.leader())
    other = b if leader is a else a
    check(exchange(leader.dc09, frame("7001", 1, "1130 01 001")), "an intrusion acknowledged by the leader")
    incident = wait_for("the incident opens", lambda: db.one("SELECT id FROM incidents WHERE site_id = %d" % site), 5)
    time.sleep(CANCEL_WINDOW_S / 2)
    leader.proc.kill()
    leader.proc.wait()
    killed_at = time.monotonic()
    wait_for("the survivor leads", lambda: db.leader() == other.proc.pid, 5)
    check(time.monotonic() - killed_at < 5, f"the survivor leads {time.monotonic() - killed_at:.1f} s after the kill")
    ana = Session(other, "ana", op_pw)
    status, queue = ana.call(other, "GET", "/api/v1/queue")
    check(status == 200 and any(c["id"] == int(incident) for c in queue), "the survivor's queue holds the incident")
    wait_for("the window's dispatch", lambda: db.one(
        f"SELECT COUNT(*) FROM incident_journal WHERE incident_id = {incident} AND action = 'dispatched'") != "0",
        CANCEL_WINDOW_S + 5)
    status, _ = ana.call(other, "POST", f"/api/v1/incidents/{incident}/ack", {})
    check(status == 200, f"ana claims it on the survivor ({status})")
    leader.start()
    status, work_view = ana.call(leader, "GET", f"/api/v1/incidents/{incident}")
    ana_id = int(db.one("SELECT id FROM users WHERE username = 'ana'"))
    check(status == 200 and work_view.get("claimed_by") == ana_id, "ana's claim shows on the node that came back")
    dan = Session(leader, "dan", "chaos password 42")
    status, _ = dan.call(leader, "POST", f"/api/v1/incidents/{incident}/ack", {})
    check(status == 409, f"dan's claim on that node is refused ({status})")
    time.sleep(2)
    check(db.one(f"SELECT COUNT(*) FROM incidents WHERE site_id = {site}") == "1", "the incident exists once")
    check(db.one(f"SELECT COUNT(*) FROM incident_journal WHERE incident_id = {incident} AND action = 'dispatched'")
          == "1", "the window's dispatch happened once")
    texts = [(m["to"], m["text"]) for m in sms.messages]
    check(len(texts) >= 2, f"the contacts were told ({len(texts)} SMS)")
    check(len(set(texts)) == len(texts), f"every SMS was sent once: {texts}")

    log("3. SIGSTOP the leader past its lease, then SIGCONT")
    leader = by_pid(nodes, db.leader())
    other = b if leader is a else a
    refused_before = leader.log_text().count("its write was refused")
    stepped_before = leader.log_text().count("this node does not run the alarm engine")
    # An alarm just acknowledged: the leader is about to handle it when it stops, so it
    # wakes up with writes to make.
    check(exchange(leader.dc09, frame("7102", 5001, "1130 01 001")), "an intrusion at a second site, acknowledged")
    leader.proc.send_signal(signal.SIGSTOP)
    stopped_at = time.monotonic()
    wait_for("the other node leads", lambda: db.leader() == other.proc.pid, LEASE_S + 5)
    check(time.monotonic() - stopped_at < 5 + LEASE_S, "the other node took over")
    second = int(db.one("SELECT site_id FROM accounts WHERE number = '7102'"))
    wait_for("the second alarm is handled", lambda: db.one(f"SELECT id FROM incidents WHERE site_id = {second}"), 5)
    time.sleep(1)
    leader.proc.send_signal(signal.SIGCONT)
    wait_for("the continued node steps down",
             lambda: leader.log_text().count("this node does not run the alarm engine") > stepped_before, 5)
    time.sleep(2)
    refused = leader.log_text().count("its write was refused") - refused_before
    log(f"   the continued node's writes refused by the fence: {refused}")
    check(db.leader() == other.proc.pid, "the other node still leads")
    check(db.one(f"SELECT COUNT(*) FROM incidents WHERE site_id = {second}") == "1", "the second incident exists once")
    second_incident = db.one(f"SELECT id FROM incidents WHERE site_id = {second}")
    check(db.one(f"SELECT COUNT(*) FROM incident_journal WHERE incident_id = {second_incident} "
                 "AND action = 'opened'") == "1", "and was opened once")
    texts = [(m["to"], m["text"]) for m in sms.messages]
    check(len(set(texts)) == len(texts) and any(t[0] == "+40700001001" for t in texts),
          f"its SMS was sent once ({len(texts)} SMS in all, each once)")

    log("4. restart PostgreSQL under load")
    if os.geteuid() != 0:
        log("   skipped: restarting PostgreSQL needs root (pg_ctlcluster)")
        return finish(db, panels)
    before = len(panels.acked)
    cluster = args.cluster or subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True)
    wait_for("signals acknowledged again", lambda: len(panels.acked) > before + 2 * PANELS, 30)
    check(all(n.proc.poll() is None for n in nodes), "no node restarted")
    check(exchange(other.dc09, frame("7001", 2, "1130 01 002")), "an alarm after the restart is acknowledged")
    wait_for("and handled", lambda: int(db.one(
        f"SELECT COUNT(*) FROM incident_signals WHERE incident_id = {incident}")) >= 2, 10)

    finish(db, panels)


def finish(db, panels):
    acked = panels.finish()
    log(f"every acknowledged frame stored exactly once ({len(acked)} frames, {panels.unanswered} unanswered tries)")
    stored_once(acked, db.one(STORED_PANEL_FRAMES))


# Each panel frame stored: account, sequence and how many times, as `account:seq:n` lines.
STORED_PANEL_FRAMES = ("SELECT account || ':' || seq || ':' || COUNT(*) FROM signals "
                       "WHERE account LIKE '71%' GROUP BY account, seq")


def stored_once(acked, rows):
    """Checks that every acknowledged (account, seq) is among `rows` (STORED_PANEL_FRAMES's
    answer) and that none is stored twice."""
    stored = {}
    for line in rows.splitlines():
        account, seq, n = line.split(":")
        stored[(account, int(seq))] = int(n)
    lost = [k for k in acked if k not in stored]
    doubled = [k for k, n in stored.items() if n > 1]
    check(not lost, f"no acknowledged frame lost ({len(acked)} acknowledged; lost {lost[:5]})")
    check(not doubled, f"none stored twice ({doubled[:5]})")


if __name__ == "__main__":
    main()
