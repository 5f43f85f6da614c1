#!/bin/bash
# test_kiosk_headless.sh: the real hall-kiosk binary, headless, driven by --script with
# no broker reachable: screenshots and dumps are written, tap-id reaches a control found
# in a dump, errors in options and scripts are one line with exit status 2, SIGTERM ends
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

# 4. SIGTERM ends a kiosk running without a script cleanly (exit 0)
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
