#!/usr/bin/env bash
# The staff console in a real browser (issue 11): Debian's chromium, headless, driven by
# playwright-core with axe-core (tests/browser, installed by scripts/install-deps.sh with
# npm ci), against a real serve, mosquitto and two headless kiosks on loopback. What it
# checks is listed in tests/browser/console.mjs. Screenshots of every page at 1366x768 and
# 390x844 are kept in var/console-shots/ for people to look at.
set -uo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
browser="$src/tests/browser"
if [ ! -d "$browser/node_modules/playwright-core" ] || [ ! -d "$browser/node_modules/axe-core" ]; then
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error) || { echo "FAIL: npm ci in tests/browser (run scripts/install-deps.sh)"; exit 1; }
fi
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium missing (scripts/install-deps.sh)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-console-browser-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; tail -15 "$f"; done; exit 1; }
cd "$src"
read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
pids+=("$BPID")
HTTP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
C=(--config config/controller.json --broker "127.0.0.1:$PORT" --data "$work/ctl")
echo 'admin-pass-123' | "$bin/hall-controller" user add admin --role admin "${C[@]}" > /dev/null || fail "user add admin"
echo 'viewer-pass-123' | "$bin/hall-controller" user add viewer --role viewer "${C[@]}" > /dev/null || fail "user add viewer"

"$bin/hall-controller" serve --console "127.0.0.1:$HTTP" "${C[@]}" > "$work/serve.out" 2> "$work/serve.log" & pids+=($!)
# Two kiosks in two groups. west-1 makes a short visit first, so the report has numbers;
# west-1 then keeps its screen moving for a render-health figure; east-1 stays on attract, so a push to its group applies at once (a kiosk defers a push
# while a visitor's session runs).
for k in east-1:east west-1:west; do
  id=${k%%:*} group=${k##*:}
  python3 -c "import json,sys; c=json.load(open('config/kiosk.json')); c['group']=sys.argv[1]; json.dump(c, open(sys.argv[2],'w'))" \
    "$group" "$work/$id.json"
  if [ "$id" = west-1 ]; then
    # console4: then an exhibit and home in turn for about 15 s: real frames (each change
    # animates), over the 100 a render-health figure needs (kiosk/frame_health.c), so the
    # fleet shows a real frame_p99_ms, not "not enough frames yet". 6 s of it was too few
    # in a clean-clone ASan run on a loaded machine (software frames of 50 ms and more).
    # It ends before the browser asks for the figure and long before west-1's screenshots.
    { printf 'wait 1500\ntap-id start\nwait 600\n'
      for _ in $(seq 1 30); do printf 'tap-id exhibit-city\nwait 250\ntap-id home\nwait 250\n'; done
      printf 'tap-id language\nwait 400\n'; } > "$work/$id.script"
  else
    printf 'wait 100\n' > "$work/$id.script"
  fi
  "$bin/hall-kiosk" --config "$work/$id.json" --broker "127.0.0.1:$PORT" --id "$id" --data "$work/$id" --headless \
    --script "$work/$id.script" > "$work/$id.out" 2> "$work/$id.log" & pids+=($!)
done
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$HTTP/" && break; sleep 0.1; done
# The visit's events are stored, then the report is taken.
python3 - "$work/ctl/controller.db" <<'PY' || fail "the kiosks' taps never arrived"
import sqlite3, sys, time
for _ in range(100):
    try:
        n = sqlite3.connect(sys.argv[1], timeout=5).execute("select count(distinct kiosk) from events where type='tap'").fetchone()[0]
        if n >= 1:
            sys.exit(0)
    except sqlite3.Error:
        pass
    time.sleep(0.2)
sys.exit(1)
PY
day=$(TZ=Asia/Seoul date +%F)
report_cmd=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$bin/hall-controller" report --date "$day" --format json "${C[@]}")

# The default pack as a zip (of its folder, as people zip one), and a zip a browser must
# never unpack as it says: a path that climbs out, an absolute path, a symbolic link.
python3 - "$src/assets/default" "$work/pack.zip" "$work/bad.zip" <<'PY' || fail "making the zips"
import os, sys, zipfile
src, good, bad = sys.argv[1:4]
with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(src):
        for f in sorted(files):
            p = os.path.join(root, f)
            z.write(p, "default/" + os.path.relpath(p, src))
with zipfile.ZipFile(bad, "w") as z:
    z.writestr("manifest.json", open(os.path.join(src, "manifest.json"), "rb").read())
    z.writestr("../escape.txt", b"x")
    z.writestr("/etc/abs.txt", b"x")
    link = zipfile.ZipInfo("images/link.png")
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    z.writestr(link, "/etc/passwd")
PY
CONSOLE_URL="http://127.0.0.1:$HTTP" ADMIN_PASS=admin-pass-123 VIEWER_PASS=viewer-pass-123 \
KIOSKS=east-1:east,west-1:west PACK_DIR="$src/assets/default" PACK_ZIP="$work/pack.zip" BAD_ZIP="$work/bad.zip" REPORT_CMD="$report_cmd" \
SHOTS="$src/var/console-shots" timeout 300 node "$browser/console.mjs" || fail "browser checks failed"
echo "all console browser checks passed"
