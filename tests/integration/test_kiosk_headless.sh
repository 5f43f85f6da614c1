#!/bin/bash
# test_kiosk_headless.sh: the real hall-kiosk binary, headless, driven by --script with
# no broker reachable: screenshots and dumps are written, tap-id reaches a control found
# in a dump, errors in options and scripts are one line with exit status 2, a visit cut
# short by quit or SIGTERM leaves its session_end (dwell, why) in the spool, SIGTERM ends
# the loop cleanly.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
build=${HALL_BUILD_DIR:?}
kiosk="$build/hall-kiosk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
export SDL_VIDEODRIVER=offscreen
# Port 9 on loopback: nothing listens, the kiosk runs offline.
common=(--config config/kiosk.json --id test-kiosk --data "$tmp/data" --broker 127.0.0.1:9 --headless)

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. shot and dump of the first screen
cat > "$tmp/a.txt" <<'S'
# first screen
wait 200
shot first
dump first
quit
S
rc=0
out=$(timeout 60 "$kiosk" "${common[@]}" --script "$tmp/a.txt" --shots "$tmp/shots" 2> "$tmp/a.log") || rc=$?
[ $rc = 0 ] || { cat "$tmp/a.log" >&2; fail "kiosk exited with $rc"; }
[ "$(printf '%s\n' "$out" | grep -c .)" = 2 ] || fail "expected two paths on stdout, got: $out"
printf '%s\n' "$out" | grep -qx "$tmp/shots/first.png" || fail "shot path not printed: $out"
[ -s "$tmp/shots/first.png" ] || fail "no first.png"
python3 - "$tmp/shots/first.png" "$tmp/shots/first.json" <<'PY' || fail "first screen checks"
import json, struct, sys
png = open(sys.argv[1], 'rb').read()
assert png[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', png[16:24])
assert (w, h) == (1920, 1080), (w, h)
d = json.load(open(sys.argv[2]))
assert isinstance(d['screen'], str) and d['screen'], d
assert d['language'] in ('ko', 'en', 'zh-Hans', 'zh-Hant', 'ja'), d
assert len(d['controls']) >= 3, d
ids = [c['id'] for c in d['controls']]
assert sorted(ids) == sorted(d['focus_order']), 'focus_order must list every control'
for c in d['controls']:
    assert c['role'] in ('button', 'link', 'option', 'region', 'toggle'), c
    r = c['rect']
    assert r['w'] > 0 and r['h'] > 0 and r['x'] >= 0 and r['y'] >= 0, c
    assert r['x'] + r['w'] <= 1920 and r['y'] + r['h'] <= 1080, ('off screen', c)
PY

# 2. tap-id on the control labelled "English" (found in the dump) switches the language;
#    an id not on screen is logged and the script goes on
english=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(next(c["id"] for c in d["controls"] if c["label"] == "English"))' "$tmp/shots/first.json") ||
	fail "no control labelled English on the first screen"
cat > "$tmp/b.txt" <<S
wait 100
tap-id no-such-control
tap-id $english
wait 200
dump after
quit
S
rc=0
timeout 60 "$kiosk" "${common[@]}" --script "$tmp/b.txt" --shots "$tmp/shots" > /dev/null 2> "$tmp/b.log" || rc=$?
[ $rc = 0 ] || { cat "$tmp/b.log" >&2; fail "kiosk exited with $rc"; }
grep -q "b.txt:2: tap-id no-such-control" "$tmp/b.log" || { cat "$tmp/b.log" >&2; fail "missing error line for the unknown id"; }
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["language"] == "en", d["language"]' "$tmp/shots/after.json" || fail "tap-id did not switch to English"

# 3. errors: one line, exit 2
printf 'wait 10\ntap 5\n' > "$tmp/bad.txt"
set +e
"$kiosk" "${common[@]}" --script "$tmp/bad.txt" > /dev/null 2> "$tmp/bad.log"; rc=$?
set -e
[ $rc = 2 ] || fail "bad script: exit $rc, expected 2"
[ "$(wc -l < "$tmp/bad.log")" = 1 ] || fail "bad script: expected one line, got $(cat "$tmp/bad.log")"
grep -q "bad.txt:2: tap" "$tmp/bad.log" || fail "bad script: line not named: $(cat "$tmp/bad.log")"
set +e
"$kiosk" "${common[@]}" --no-such-option > /dev/null 2> "$tmp/opt.log"; rc=$?
set -e
[ $rc = 2 ] || fail "bad option: exit $rc, expected 2"
[ "$(wc -l < "$tmp/opt.log")" = 1 ] || fail "bad option: expected one line"

# spool_session_end DATA_DIR WHY MIN_DWELL MAX_DWELL: the spool in DATA_DIR holds exactly one
# session_end, the last event, with target WHY, the session of the session_start before
# it and MIN_DWELL <= dwell_ms <= MAX_DWELL, after the last view.
spool_session_end() {
	python3 - "$1/spool" "$2" "$3" "$4" <<'PY'
import glob, json, os, struct, sys
spool, why, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
evs = []
for seg in sorted(glob.glob(os.path.join(spool, "seg-*.log"))):
    data = open(seg, "rb").read()
    off = 0
    while off + 20 <= len(data):
        _magic, n, _seq, _crc = struct.unpack_from("<IIQI", data, off)
        evs.append(json.loads(data[off + 20:off + 20 + n]))
        off += 20 + n
ends = [e for e in evs if e["type"] == "session_end"]
assert len(ends) == 1, ("session_end events in the spool", ends, evs)
e = ends[0]
assert evs[-1] is e, ("session_end is not the last event", evs[-3:])
assert e["target"] == why, e
start = [s for s in evs if s["type"] == "session_start"]
assert start and start[-1]["session"] == e["session"] >= 1, (start, e)
assert lo <= e["dwell_ms"] <= hi, (lo, e, hi)
assert evs[-2]["type"] == "view" and evs[-2]["session"] == e["session"], evs[-2]
assert 0 <= evs[-2]["dwell_ms"] <= e["dwell_ms"], ("the last view carries its dwell", evs[-2], e)
assert [x["seq"] for x in evs] == list(range(evs[0]["seq"], evs[0]["seq"] + len(evs))), evs
PY
}

# 4. A script's quit during a visit: the session ends first (its dwell and why), and with
#    no broker that session_end stays in the spool for the next start.
visit=(--config config/kiosk.json --id test-kiosk --broker 127.0.0.1:9 --headless)
cat > "$tmp/visit.txt" <<'S'
wait 200
tap-id start
wait 1000
quit
S
t0=$(date +%s%3N)
rc=0
timeout 60 "$kiosk" "${visit[@]}" --data "$tmp/visit" --script "$tmp/visit.txt" > /dev/null 2> "$tmp/visit.log" || rc=$?
t1=$(date +%s%3N)
[ $rc = 0 ] || { cat "$tmp/visit.log" >&2; fail "visit: kiosk exited with $rc"; }
spool_session_end "$tmp/visit" quit 1000 $((t1 - t0)) ||
	{ cat "$tmp/visit.log" >&2; fail "quit during a visit: no session_end with its dwell in the spool"; }

# 5. SIGTERM during a visit: the same, with why "stop".
cat > "$tmp/visit2.txt" <<'S'
wait 200
tap-id start
wait 300
dump in-visit
wait 600000
S
t0=$(date +%s%3N)
"$kiosk" "${visit[@]}" --data "$tmp/visit2" --script "$tmp/visit2.txt" --shots "$tmp/shots" > /dev/null 2> "$tmp/visit2.log" &
pid=$!
for _ in $(seq 300); do
	[ -e "$tmp/shots/in-visit.json" ] && break
	kill -0 $pid 2> /dev/null || break
	sleep 0.1
done
[ -e "$tmp/shots/in-visit.json" ] || { kill -9 $pid 2> /dev/null; cat "$tmp/visit2.log" >&2; fail "visit 2 never reached its dump"; }
kill -TERM $pid
set +e
wait $pid; rc=$?
set -e
t1=$(date +%s%3N)
[ $rc = 0 ] || { cat "$tmp/visit2.log" >&2; fail "SIGTERM during a visit: exit $rc, expected 0"; }
spool_session_end "$tmp/visit2" stop 300 $((t1 - t0)) ||
	{ cat "$tmp/visit2.log" >&2; fail "SIGTERM during a visit: no session_end with its dwell in the spool"; }

# 6. SIGTERM ends a kiosk running without a script cleanly (exit 0)
"$kiosk" "${common[@]}" > /dev/null 2> "$tmp/term.log" &
pid=$!
for _ in $(seq 100); do
	grep -q "shown" "$tmp/term.log" 2> /dev/null && break
	sleep 0.1
done
sleep 0.5
kill -TERM $pid
set +e
wait $pid; rc=$?
set -e
[ $rc = 0 ] || { cat "$tmp/term.log" >&2; fail "SIGTERM: exit $rc, expected 0"; }
grep -q "signal 15" "$tmp/term.log" || fail "SIGTERM not logged"
echo "ok"
