#!/usr/bin/env python3
"""The staff console under a fleet of 1,000 simulated kiosks (BENCHMARKS.md).

    python3 bench/console/run_bench.py BUILD_DIR [--kiosks 1000] [--changes 20] [--loads 10]

Starts a private mosquitto on loopback, `hall-controller serve --console`, and
bench_console_fleet (N kiosks' hello, then each kiosk's status every 30 s). Measures:
  - the fleet page's load: the page, its script and style, /api/v1/me and /api/v1/kiosks
    (every kiosk) one after the other, as a browser's first visit does;
  - a kiosk's change to an open page: from the broker having the kiosk's status with a new
    last_error to that kiosk's event on /api/v1/stream (what the page listens to);
  - serve's peak RSS (VmHWM) with the console at the end.
With --browser also the time from navigation to 1,000 cards drawn in headless chromium
(tests/browser's playwright-core)."""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib

src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(src, "build")
args = sys.argv[2:]
opt = lambda name, d: int(args[args.index(name) + 1]) if name in args else d
N, CHANGES, LOADS = opt("--kiosks", 1000), opt("--changes", 20), opt("--loads", 10)
work = tempfile.mkdtemp(prefix="hall-bench-console-")
procs = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


try:
    out = subprocess.run([os.path.join(src, "tests/support/start-broker.sh")], capture_output=True, text=True, check=True)
    bport, bpid = out.stdout.split()[:2]
    procs.append(int(bpid))
    http_port = free_port()
    C = ["--config", os.path.join(src, "config/controller.json"), "--broker", f"127.0.0.1:{bport}", "--data", work + "/ctl"]
    subprocess.run([build + "/hall-controller", "user", "add", "bench", "--role", "admin"] + C, input="bench-pass-123\n",
                   text=True, check=True, capture_output=True)
    serve = subprocess.Popen([build + "/hall-controller", "serve", "--console", f"127.0.0.1:{http_port}"] + C,
                             stdout=open(work + "/serve.out", "w"), stderr=open(work + "/serve.log", "w"))
    procs.append(serve.pid)
    fleet = subprocess.Popen([build + "/bench/bench_console_fleet", "--broker", f"127.0.0.1:{bport}", "--kiosks", str(N)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    procs.append(fleet.pid)
    assert fleet.stdout.readline().startswith("hello"), "the fleet did not say hello"

    def req(method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r, data

    for _ in range(100):
        try:
            req("GET", "/")
            break
        except OSError:
            time.sleep(0.1)
    r, data = req("POST", "/api/v1/login", json.dumps({"user": "bench", "password": "bench-pass-123"}),
                  {"Content-Type": "application/json"})
    cookie = r.getheader("Set-Cookie").split(";")[0]
    H = {"Cookie": cookie}
    t0 = time.time()
    while True:
        _, data = req("GET", "/api/v1/kiosks", headers=H)
        ks = json.loads(data)["kiosks"]
        if sum(1 for k in ks if k["online"]) >= N:
            break
        if time.time() - t0 > 120:
            raise SystemExit(f"only {len(ks)} kiosks after 120 s")
        time.sleep(0.5)
    print(f"kiosks online in the console: {len(ks)} ({len(data)} bytes of /api/v1/kiosks)")

    loads = []
    for _ in range(LOADS):
        t = time.perf_counter()
        for p in ["/", "/app.js", "/app.css", "/api/v1/me", "/api/v1/kiosks"]:
            r, d = req("GET", p, headers=H)
            assert r.status == 200, (p, r.status)
        loads.append((time.perf_counter() - t) * 1000)
    print(f"fleet page load ({LOADS} loads, {N} kiosks): p50 {statistics.median(loads):.0f} ms, "
          f"max {max(loads):.0f} ms")

    # gzip (what a browser asks for): the same load with Accept-Encoding: gzip, and the
    # stream's first event in bytes on the wire and time to decode, plain and gzipped.
    HZ = dict(H, **{"Accept-Encoding": "gzip"})
    zloads, zbytes = [], 0
    for _ in range(LOADS):
        t = time.perf_counter()
        zbytes = 0
        for p in ["/", "/app.js", "/app.css", "/api/v1/me", "/api/v1/kiosks"]:
            r, d = req("GET", p, headers=HZ)
            assert r.status == 200, (p, r.status)
            zbytes += len(d)
        zloads.append((time.perf_counter() - t) * 1000)
    _, kz = req("GET", "/api/v1/kiosks", headers=HZ)
    print(f"fleet page load gzipped ({LOADS} loads): p50 {statistics.median(zloads):.0f} ms, "
          f"max {max(zloads):.0f} ms, {zbytes} bytes on the wire ({len(kz)} of /api/v1/kiosks)")

    def first_event(headers):
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=60)
        t = time.perf_counter()
        c.request("GET", "/api/v1/stream", headers=headers)
        r = c.getresponse()
        gz = r.getheader("Content-Encoding") == "gzip"
        dec = zlib.decompressobj(16 + 15) if gz else None
        wire, text = 0, b""
        while b"\n\n" not in text:
            chunk = r.read1(65536)
            if not chunk:
                break
            wire += len(chunk)
            text += dec.decompress(chunk) if gz else chunk
        ms = (time.perf_counter() - t) * 1000
        c.close()
        return wire, text.index(b"\n\n") + 2, ms, gz
    for name, h in (("plain", H), ("gzip", HZ)):
        res = [first_event(h) for _ in range(3)]
        w, n, _, gz = res[-1]
        print(f"stream's first event, {name}: {w} bytes on the wire for {n} bytes of events (gzip {gz}), "
              f"time p50 {statistics.median(x[2] for x in res):.0f} ms")

    # The live stream, as the page opens it; kiosk events are matched to the changes sent.
    seen = {}
    ready = threading.Event()

    def stream():
        c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=120)
        c.request("GET", "/api/v1/stream", headers=H)
        r = c.getresponse()
        event = None
        while True:
            line = r.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "fleet":
                ready.set()
            elif line.startswith("data: ") and event == "kiosk":
                k = json.loads(line[6:])
                if k.get("last_error") and k["last_error"] not in seen:
                    seen[k["last_error"]] = time.time() * 1000

    threading.Thread(target=stream, daemon=True).start()
    assert ready.wait(30), "no fleet event on the stream"
    lat = []
    for i in range(CHANGES):
        kid = f"bench-{(i * 37) % N:04d}"
        text = f"bench-change-{i}-{time.time_ns()}"
        fleet.stdin.write(f"change {kid} {text}\n")
        fleet.stdin.flush()
        sent = int(fleet.stdout.readline().split()[2])
        t_end = time.time() + 10
        while text not in seen and time.time() < t_end:
            time.sleep(0.005)
        lat.append(seen[text] - sent if text in seen else float("inf"))
        time.sleep(0.3)
    print(f"kiosk change -> open page ({CHANGES} changes): p50 {statistics.median(lat):.0f} ms, "
          f"p90 {pct(lat, 90):.0f} ms, max {max(lat):.0f} ms")

    if "--browser" in args:
        js = os.path.join(src, "bench/console/page_load.mjs")
        out = subprocess.run(["node", js, f"http://127.0.0.1:{http_port}", "bench", "bench-pass-123", str(N)],
                             capture_output=True, text=True, cwd=os.path.join(src, "tests/browser"))
        print(out.stdout.strip() or out.stderr.strip())

    with open(f"/proc/{serve.pid}/status") as f:
        hwm = [l for l in f if l.startswith("VmHWM")][0].split()[1]
    print(f"serve peak RSS with the console: {int(hwm) / 1024:.1f} MiB")
    with open("/proc/loadavg") as f:
        print("load average at the end:", f.read().split()[0])
finally:
    for p in reversed(procs):
        try:
            os.kill(p, 15)
        except OSError:
            pass
    time.sleep(0.5)
    subprocess.run(["rm", "-rf", work])
