#!/usr/bin/env python3
"""tests/support/faults_check.py: what the fault-injection tests (tests/integration/test_faults_*.sh)
ask of the controller's SQLite database, of the kiosk's spool state file and of the wire as
captured by `mosquitto_sub -v -t 'hall/v1/#'` (one "TOPIC PAYLOAD" per line).

Subcommands (exit 0 = yes/ok, 1 = no/failed with the reason on stderr, 2 = usage):
  count DB KIOSK                 rows stored for KIOSK (0 while the database does not exist)
  maxseq DB KIOSK                highest seq stored for KIOSK (0 when none)
  counter DB NAME                value of a row of the counters table (0 when absent)
  spool-state SPOOLDIR           prints "CONFIRMED SEQ_MAX" from the spool's state file
  drained DB KIOSK SPOOLDIR      the spool's state says every issued seq is confirmed and the
                                 database holds exactly that many rows of KIOSK
  wire-max WIRE KIOSK            highest event seq of KIOSK seen on the wire (0 when none)
  hellos WIRE KIOSK              one line "SEQ_MAX SPOOL_FIRST" per hello of KIOSK, in order
  final-status WIRE KIOSK        seq_max of the last full status of KIOSK on the wire
  confirms WIRE KIOSK            one line per confirm sent to KIOSK: its seq
  verify DB KIOSK N WIRE         the whole contract of DESIGN.md decision 2 for KIOSK:
                                 - the database holds seq 1..N, each once, nothing else;
                                 - every event of KIOSK seen on the wire has a seq in 1..N, and
                                   every copy of one seq is the same event (a seq issued twice
                                   for two different events shows up here: seq reuse);
                                 - every stored row equals the event that crossed the wire.
                                 Prints "ok: N events, W copies on the wire (R resent)".
Reading the database uses a read-only connection with a busy timeout, so the daemon may
keep writing meanwhile."""
import json
import os
import sqlite3
import sys


def die(msg):
    print("faults_check: " + msg, file=sys.stderr)
    sys.exit(1)


def db_connect(path):
    if not os.path.exists(path):
        return None
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    return con


def db_scalar(path, sql, args):
    con = db_connect(path)
    if con is None:
        return 0
    try:
        row = con.execute(sql, args).fetchone()
        v = row[0] if row else 0
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return 0
        raise
    finally:
        con.close()
    return v or 0


def spool_state(spooldir):
    path = os.path.join(spooldir, "state")
    try:
        text = open(path).read()
    except FileNotFoundError:
        return None
    lines = text.split("\n")
    if lines[0] != "hall-spool 1":
        die("%s: unknown state format: %r" % (path, text))
    fields = dict(l.split(" ", 1) for l in lines[1:] if l)
    return int(fields["confirmed"]), int(fields["seq_max"])


def wire_lines(wire, kiosk, leaf):
    """Payloads (parsed JSON) of topic hall/v1/kiosk/KIOSK/LEAF, in order. Lines that are
    not JSON are skipped: the tests publish malformed payloads on purpose."""
    topic = "hall/v1/kiosk/%s/%s" % (kiosk, leaf)
    out = []
    with open(wire, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            t, _, payload = line.partition(" ")
            if t != topic:
                continue
            try:
                out.append(json.loads(payload))
            except ValueError:
                pass
    return out


def wire_events(wire, kiosk):
    """Every event of KIOSK on the wire, batches opened, as dicts without the kiosk field."""
    evs = []
    for msg in wire_lines(wire, kiosk, "events"):
        if not isinstance(msg, dict):
            continue
        items = msg.get("events") if "events" in msg else [msg]
        if not isinstance(items, list):
            continue
        for e in items:
            if isinstance(e, dict) and isinstance(e.get("seq"), int):
                e = dict(e)
                e.pop("kiosk", None)
                evs.append(e)
    return evs


def ranges(seqs):
    """[1,2,3,7,9,10] -> '1-3,7,9-10' (at most 20 ranges shown)."""
    seqs = sorted(seqs)
    out = []
    i = 0
    while i < len(seqs):
        j = i
        while j + 1 < len(seqs) and seqs[j + 1] == seqs[j] + 1:
            j += 1
        out.append(str(seqs[i]) if i == j else "%d-%d" % (seqs[i], seqs[j]))
        i = j + 1
    more = " (+%d more ranges)" % (len(out) - 20) if len(out) > 20 else ""
    return ",".join(out[:20]) + more


def verify(db, kiosk, n, wire):
    problems = []
    con = db_connect(db)
    if con is None:
        die("no database at %s" % db)
    rows = con.execute(
        "SELECT seq, ts, type, exhibit, target, session, lang, dwell_ms, poll FROM events WHERE kiosk=?",
        (kiosk,)).fetchall()
    con.close()
    stored = {}
    dup = []
    for r in rows:
        if r[0] in stored:
            dup.append(r[0])
        stored[r[0]] = r
    want = set(range(1, n + 1))
    missing = want - set(stored)
    extra = set(stored) - want
    if dup:
        problems.append("stored twice: %s" % ranges(dup))
    if missing:
        problems.append("missing from the database (lost): %d events, seq %s" % (len(missing), ranges(missing)))
    if extra:
        problems.append("stored but above seq_max %d or below 1: seq %s" % (n, ranges(extra)))

    evs = wire_events(wire, kiosk)
    by_seq = {}
    reused = []
    for e in evs:
        s = e["seq"]
        if s in by_seq and by_seq[s] != e:
            reused.append(s)
        by_seq.setdefault(s, e)
    if reused:
        s = reused[0]
        other = [e for e in evs if e["seq"] == s and e != by_seq[s]][0]
        problems.append("seq reused for different events: seq %s (e.g. %s vs %s)" %
                        (ranges(set(reused)), json.dumps(by_seq[s]), json.dumps(other)))
    beyond = [s for s in by_seq if s < 1 or s > n]
    if beyond:
        problems.append("events on the wire beyond seq_max %d: seq %s" % (n, ranges(beyond)))
    differ = []
    for s, e in by_seq.items():
        r = stored.get(s)
        if r is None:
            continue
        row = {"ts": r[1], "type": r[2], "exhibit": r[3], "target": r[4]}
        if any(e.get(k) != v for k, v in row.items()):
            differ.append("seq %d: stored %s, sent %s" % (s, json.dumps(row), json.dumps(e)))
    if differ:
        problems.append("stored rows differ from what was sent: " + "; ".join(differ[:3]))
    if problems:
        die("kiosk %s, N=%d: %s" % (kiosk, n, " | ".join(problems)))
    print("ok: %d events, %d copies on the wire (%d resent)" % (n, len(evs), len(evs) - len(by_seq)))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd, a = argv[1], argv[2:]
    if cmd == "count" and len(a) == 2:
        print(db_scalar(a[0], "SELECT count(*) FROM events WHERE kiosk=?", (a[1],)))
    elif cmd == "maxseq" and len(a) == 2:
        print(db_scalar(a[0], "SELECT max(seq) FROM events WHERE kiosk=?", (a[1],)))
    elif cmd == "counter" and len(a) == 2:
        print(db_scalar(a[0], "SELECT value FROM counters WHERE name=?", (a[1],)))
    elif cmd == "spool-state" and len(a) == 1:
        st = spool_state(a[0])
        if st is None:
            die("no state file in %s" % a[0])
        print("%d %d" % st)
    elif cmd == "drained" and len(a) == 3:
        st = spool_state(a[2])
        if st is None or st[0] != st[1] or st[1] == 0:
            sys.exit(1)
        n = db_scalar(a[0], "SELECT count(*) FROM events WHERE kiosk=?", (a[1],))
        sys.exit(0 if n == st[1] else 1)
    elif cmd == "wire-max" and len(a) == 2:
        print(max([e["seq"] for e in wire_events(a[0], a[1])] or [0]))
    elif cmd == "hellos" and len(a) == 2:
        for h in wire_lines(a[0], a[1], "hello"):
            print("%s %s" % (h.get("seq_max"), h.get("spool_first")))
    elif cmd == "final-status" and len(a) == 2:
        full = [s for s in wire_lines(a[0], a[1], "status") if isinstance(s, dict) and "ts" in s]
        if not full:
            die("no full status of %s on the wire" % a[1])
        print(full[-1]["seq_max"])
    elif cmd == "confirms" and len(a) == 2:
        topic = "hall/v1/ctl/kiosk/%s/confirm" % a[1]
        with open(a[0], encoding="utf-8", errors="replace") as f:
            for line in f:
                t, _, p = line.rstrip("\n").partition(" ")
                if t == topic:
                    print(json.loads(p)["seq"])
    elif cmd == "verify" and len(a) == 4:
        verify(a[0], a[1], int(a[2]), a[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
