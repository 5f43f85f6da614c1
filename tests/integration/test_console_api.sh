#!/usr/bin/env bash
# The staff console's API against a real serve, mosquitto and a headless kiosk on loopback
# (docs/console.md): accounts from the command line; 401 without a session; login sets an
# HttpOnly SameSite=Strict cookie and returns a CSRF token; the fleet lists the kiosk with
# what it shows; a change without the CSRF token is refused and recorded; a viewer gets 403
# (recorded under their name); a notice from the console reaches the kiosk and the history
# names the person; failed logins are slowed; sessions outlive a restart of serve and end
# with their account; answers and the live stream are gzipped for a client that accepts it;
# a console on a non-loopback address without TLS is refused.
set -uo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
. "$src/tests/support/cli_lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-console-api-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fails=0
cd "$src"
read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
pids+=("$BPID")
HTTP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
C=(--config config/controller.json --broker "127.0.0.1:$PORT" --data "$work/ctl")
U="http://127.0.0.1:$HTTP/api/v1"

expect "user add reads the password from stdin" 0 "added admin as admin" \
  -- bash -c "echo 'admin-pass-123' | '$bin/hall-controller' user add admin --role admin ${C[*]}"
expect "user add viewer" 0 "added vi as viewer" \
  -- bash -c "echo 'viewer-pass-123' | '$bin/hall-controller' user add vi --role viewer ${C[*]}"
expect "user add refuses an unknown role" 2 "--role" \
  -- bash -c "echo 'whatever-123' | '$bin/hall-controller' user add x --role boss ${C[*]}"
expect "user add refuses a taken name" 1 "exists already" \
  -- bash -c "echo 'admin-pass-456' | '$bin/hall-controller' user add admin --role viewer ${C[*]}"
expect "user add refuses a short password" 2 "password" \
  -- bash -c "echo 'short' | '$bin/hall-controller' user add shorty --role viewer ${C[*]}"
expect "user list shows roles" 0 "vi" -- "$bin/hall-controller" user list "${C[@]}"
if grep -q 'admin-pass' "$work/ctl/controller.db"; then echo "FAIL a password is stored in clear"; fails=$((fails + 1)); fi
python3 - "$work/ctl/controller.db" <<'PY' || fails=$((fails + 1))
import sqlite3, sys
h = sqlite3.connect(sys.argv[1]).execute("select hash from console_users where name='admin'").fetchone()[0]
sys.exit(0 if h.startswith("$argon2id$") else print("FAIL hash is not Argon2id:", h) or 1)
PY

"$bin/hall-controller" serve --console "127.0.0.1:$HTTP" "${C[@]}" > "$work/serve.out" 2> "$work/serve.log" & pids+=($!); serve_pid=$!
"$bin/hall-kiosk" --config config/kiosk.json --broker "127.0.0.1:$PORT" --id api-kiosk --data "$work/k" --headless \
  > "$work/k.out" 2> "$work/k.log" & pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "$U/me" && break; sleep 0.1; done

code() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
check "401 without a session" [ "$(code "$U/kiosks")" = 401 ]
check "the page is served from the binary" bash -c "curl -s 'http://127.0.0.1:$HTTP/' | grep -q 'app.js'"
check "login without JSON is refused" [ "$(code -d 'user=admin&password=admin-pass-123' "$U/login")" = 415 ]

login() { # login NAME PASSWORD JAR -> prints the csrf token
  curl -s -D "$work/headers" -c "$3" -H 'Content-Type: application/json' \
    -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$U/login" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("csrf",""))'
}
CSRF=$(login admin admin-pass-123 "$work/admin.jar")
check "login returns a CSRF token" [ ${#CSRF} = 64 ]
check "the cookie is HttpOnly and SameSite=Strict" grep -qi 'Set-Cookie: hall_session=.*HttpOnly; SameSite=Strict' "$work/headers"

ok=0
for _ in $(seq 1 50); do
  code -b "$work/admin.jar" "$U/kiosks" > /dev/null
  python3 - "$work/body" <<'PY' && { ok=1; break; }
import json, sys
d = json.load(open(sys.argv[1]))
k = [k for k in d["kiosks"] if k["id"] == "api-kiosk"]
sys.exit(0 if k and k[0]["online"] and k[0]["showing"]["scope"] == "default" and "version" in k[0]["showing"] else 1)
PY
  sleep 0.2
done
check "the fleet shows the kiosk online and what it shows" [ $ok = 1 ]

check "a change without the CSRF token is refused" \
  [ "$(code -b "$work/admin.jar" -H 'Content-Type: application/json' -d '{"to":"all","text":{"en":"x"}}' "$U/notices")" = 403 ]
check "a change with a wrong CSRF token is refused" \
  [ "$(code -b "$work/admin.jar" -H "X-CSRF-Token: $(printf '0%.0s' $(seq 64))" -H 'Content-Type: application/json' -d '{"to":"all","text":{"en":"x"}}' "$U/notices")" = 403 ]

VCSRF=$(login vi viewer-pass-123 "$work/vi.jar")
check "a viewer reads the fleet" [ "$(code -b "$work/vi.jar" "$U/kiosks")" = 200 ]
check "a viewer may not raise a notice (403)" \
  [ "$(code -b "$work/vi.jar" -H "X-CSRF-Token: $VCSRF" -H 'Content-Type: application/json' -d '{"to":"all","text":{"en":"x"}}' "$U/notices")" = 403 ]
check "a viewer may not push (403)" \
  [ "$(code -b "$work/vi.jar" -H "X-CSRF-Token: $VCSRF" -H 'Content-Type: application/json' -d '{"to":"all"}' "$U/rollback")" = 403 ]
check "a viewer may not list accounts (403)" [ "$(code -b "$work/vi.jar" "$U/users")" = 403 ]
check "an unknown target is refused" \
  [ "$(code -b "$work/admin.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{"to":"kiosk:nobody-99","text":{"en":"x"}}' "$U/notices")" = 400 ]
# console4: errors carry a stable code and its arguments (the page words them in Korean or
# English), beside the English message
check "the refusal names its code and the unknown target as an argument" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["code"]=="target.unknown" and d["args"]=={"to":"kiosk:nobody-99"} and "nobody-99" in d["message"] else 1)' "$work/body"
check "a viewer's 403 names the role, the action and the role it needs" bash -c \
  "curl -s -b '$work/vi.jar' -H 'X-CSRF-Token: $VCSRF' -H 'Content-Type: application/json' -d '{\"to\":\"all\",\"text\":{\"en\":\"x\"}}' '$U/notices' | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"code\"]==\"role.forbidden\" and d[\"args\"]=={\"role\":\"viewer\",\"action\":\"raise notices\",\"needs\":\"operator\"} else 1)'"

check "a notice from the console is accepted" \
  [ "$(code -b "$work/admin.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d '{"to":"all","level":"urgent","text":{"ko":"점검 중","en":"Maintenance"}}' "$U/notices")" = 202 ]
ok=0
for _ in $(seq 1 60); do
  code -b "$work/admin.jar" "$U/progress?kind=notice&to=all" > /dev/null
  grep -q '"state":"applied"' "$work/body" && { ok=1; break; }
  sleep 0.25
done
check "the kiosk applied the console's notice" [ $ok = 1 ]
code -b "$work/admin.jar" "$U/history?limit=50" > /dev/null
python3 - "$work/body" <<'PY' || fails=$((fails + 1))
import json, sys
h = json.load(open(sys.argv[1]))["history"]
need = [("admin", "notice", "ok"), ("vi", None, "refused"), ("admin", None, "refused"), ("admin", "login", "ok")]
for user, action, outcome in need:
    if not any(e["user"] == user and action in (None, e["action"]) and e["outcome"] == outcome for e in h):
        print(f"FAIL history has no {action or 'action'} {outcome} by {user}"); sys.exit(1)
print("ok   history names the person of every action and refusal")
PY

# gzip (for phones on the hall's Wi-Fi): a client that accepts it gets gzip that decodes to
# the same JSON (and page script); one that does not gets it plain; the live stream's first
# event arrives gzipped at once (a sync flush per batch), not when more has piled up.
for enc in gzip identity; do
  curl -s -b "$work/admin.jar" -H "Accept-Encoding: $enc" -D "$work/h.$enc" -o "$work/b.$enc" "$U/history?limit=50"
  curl -s -H "Accept-Encoding: $enc" -D "$work/jh.$enc" -o "$work/js.$enc" "http://127.0.0.1:$HTTP/app.js"
done
python3 - "$work" <<'PY' || fails=$((fails + 1))
import gzip, json, sys
w = sys.argv[1]
def enc(h): return [l.split(":", 1)[1].strip().lower() for l in open(f"{w}/{h}") if l.lower().startswith(("content-encoding:", "vary:"))]
for what, z, p in (("JSON", "h", "b"), ("app.js", "jh", "js")):
    plain = open(f"{w}/{p}.identity", "rb").read()
    if enc(f"{z}.gzip") != ["accept-encoding", "gzip"] or enc(f"{z}.identity") != ["accept-encoding"]:
        print(f"FAIL {what}: headers gzip {enc(z + '.gzip')} plain {enc(z + '.identity')}"); sys.exit(1)
    un = gzip.decompress(open(f"{w}/{p}.gzip", "rb").read())
    if (json.loads(un) != json.loads(plain)) if what == "JSON" else un != plain:
        print(f"FAIL {what}: gzip does not decode to the plain answer"); sys.exit(1)
print(f"ok   gzip answers decode to the plain ones; plain when not accepted ({len(plain)} B of JS)")
PY
curl -s -N --compressed -b "$work/admin.jar" -D "$work/sse.h" -o "$work/sse" "$U/stream" & sse=$!; pids+=($sse)
for _ in $(seq 1 100); do grep -q '^data: {"kiosks"' "$work/sse" 2>/dev/null && break; sleep 0.1; done
check "the gzipped live stream's first event arrives at once" grep -q '^data: {"kiosks"' "$work/sse"
check "the live stream was gzipped" grep -qi '^content-encoding: gzip' "$work/sse.h"
kill $sse 2>/dev/null

# Failed logins: the fourth in a row waits at least the 2 s the third failure asked.
t0=$(date +%s%N)
for _ in 1 2 3; do code -H 'Content-Type: application/json' -d '{"user":"admin","password":"wrong-wrong"}' "$U/login" > /dev/null; done
t1=$(date +%s%N)
check "a wrong password gets 401" [ "$(code -H 'Content-Type: application/json' -d '{"user":"admin","password":"wrong-wrong"}' "$U/login")" = 401 ]
t2=$(date +%s%N)
check "failed logins are slowed (4th waited $(( (t2 - t1) / 1000000 )) ms)" [ $(( (t2 - t1) / 1000000 )) -ge 1900 ]
CSRF2=$(login admin admin-pass-123 "$work/admin2.jar")
check "the right password still works after the wait" [ ${#CSRF2} = 64 ]

check "logout ends the session" [ "$(code -b "$work/admin.jar" -X POST -H "X-CSRF-Token: $CSRF" "$U/logout")" = 200 ]
check "the old cookie no longer works" [ "$(code -b "$work/admin.jar" "$U/kiosks")" = 401 ]

# A zip whose entry inflates past 16 MiB (a few KB sent) is refused by what it holds, and
# an upload that had zip errors is never pushed.
python3 - "$work/big.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.json", b"{}")
    z.writestr("images/big.png", bytes(17 * 1024 * 1024))
PY
code -b "$work/admin2.jar" -X POST -H "X-CSRF-Token: $CSRF2" -H 'Content-Type: application/json' -d '{}' "$U/uploads" > /dev/null
UP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
check "a zip is answered with its check" [ "$(code -b "$work/admin2.jar" -H "X-CSRF-Token: $CSRF2" --data-binary @"$work/big.zip" "$U/uploads/$UP/zip")" = 200 ]
check "an entry over 16 MiB unpacked is refused" grep -q 'images/big.png","message":"over 16 MiB unpacked' "$work/body"
check "and never written" [ ! -e "$work/ctl/uploads/$UP/images/big.png" ]
check "an upload whose zip had errors is not pushed" \
  [ "$(code -b "$work/admin2.jar" -H "X-CSRF-Token: $CSRF2" -H 'Content-Type: application/json' -d "{\"upload\":\"$UP\",\"to\":\"all\"}" "$U/push")" = 400 ]

# Uploads are not kept for ever: one the page discards goes at once, a pushed one's files
# go once the pack is stored (its preview screens stay until the age bound).
check "an upload can be discarded" [ "$(code -b "$work/admin2.jar" -X DELETE -H "X-CSRF-Token: $CSRF2" "$U/uploads/$UP")" = 200 ]
check "and its folder and marks are gone" bash -c "! ls '$work/ctl/uploads/' | grep -q '^$UP'"
python3 - "$src/assets/default" "$work/pack.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(sys.argv[1]):
        for f in files:
            z.write(os.path.join(root, f), os.path.relpath(os.path.join(root, f), sys.argv[1]))
PY
code -b "$work/admin2.jar" -X POST -H "X-CSRF-Token: $CSRF2" -H 'Content-Type: application/json' -d '{}' "$U/uploads" > /dev/null
UP2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
code -b "$work/admin2.jar" -H "X-CSRF-Token: $CSRF2" --data-binary @"$work/pack.zip" "$U/uploads/$UP2/zip" > /dev/null
check "the pack's zip checks without errors" grep -q '"errors":0' "$work/body"
check "the upload is pushed" [ "$(code -b "$work/admin2.jar" -H "X-CSRF-Token: $CSRF2" -H 'Content-Type: application/json' -d "{\"upload\":\"$UP2\",\"to\":\"kiosk:api-kiosk\"}" "$U/push")" = 202 ]
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
for _ in $(seq 1 150); do
  code -b "$work/admin2.jar" "$U/jobs/$JOB" > /dev/null
  grep -q '"done":true' "$work/body" && break
  sleep 0.2
done
check "the push is done" grep -q '"outcome":"ok"' "$work/body"
check "a pushed upload's files are removed (the pack is stored)" [ ! -e "$work/ctl/uploads/$UP2" ]
# Left from before (a day old, mtime set back) and fresh: the restart below sweeps the first.
mkdir -p "$work/ctl/uploads/00000000000000aa/images" "$work/ctl/uploads/00000000000000aa.shots" "$work/ctl/uploads/00000000000000bb"
touch -d '2 days ago' "$work/ctl/uploads/00000000000000aa/images" "$work/ctl/uploads/00000000000000aa" "$work/ctl/uploads/00000000000000aa.shots"

# The kiosk measures its frame rate over a few seconds and says it in its status. Its
# render health (frame_p99_ms) comes only once it has drawn 100 frames besides those that
# applied content or a notice (kiosk/frame_health.h): this idle kiosk draws a few frames a
# minute, so it is null (the page says "not enough frames yet"), never the first frame's
# time (which made idle kiosks read as very slow); a figure, when there is one, is > 0.
ok=0
for _ in $(seq 1 60); do
  code -b "$work/admin2.jar" "$U/kiosks" > /dev/null
  python3 -c 'import json,sys; k=[k for k in json.load(open(sys.argv[1]))["kiosks"] if k["id"]=="api-kiosk"]; sys.exit(0 if k and isinstance(k[0]["fps"], (int, float)) and k[0]["fps"] > 0 and (k[0]["frame_p99_ms"] is None or k[0]["frame_p99_ms"] > 0) and k[0]["unrecorded"] == 0 and k[0]["broker"] == sys.argv[2] else 1)' "$work/body" "127.0.0.1:$PORT" && { ok=1; break; }
  sleep 0.25
done
check "the fleet shows the kiosk's frame rate, render health (frame_p99_ms once measured), unrecorded count and broker" [ $ok = 1 ]

# Sessions are kept in the database: a restart of serve signs nobody out, and the database
# holds only a hash of the session token.
tok=$(awk '$6 == "hall_session" {print $7}' "$work/admin2.jar")
check "the session token is not stored in clear" bash -c "[ ${#tok} = 64 ] && ! grep -qa '$tok' '$work/ctl/controller.db'"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
"$bin/hall-controller" serve --console "127.0.0.1:$HTTP" "${C[@]}" > "$work/serve2.out" 2> "$work/serve2.log" & pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "$U/me" && break; sleep 0.1; done
check "a session outlives a restart of serve" [ "$(code -b "$work/admin2.jar" "$U/me")" = 200 ]
check "serve's start removes uploads older than a day" bash -c "[ ! -e '$work/ctl/uploads/00000000000000aa' ] && [ ! -e '$work/ctl/uploads/00000000000000aa.shots' ]"
check "and keeps newer ones" [ -d "$work/ctl/uploads/00000000000000bb" ]
check "with the same CSRF token" grep -q "\"csrf\":\"$CSRF2\"" "$work/body"
check "a session that logged out stays out after the restart" [ "$(code -b "$work/admin.jar" "$U/kiosks")" = 401 ]
check "the viewer's session outlives it too" [ "$(code -b "$work/vi.jar" "$U/kiosks")" = 200 ]
"$bin/hall-controller" user remove vi "${C[@]}" > /dev/null
check "removing an account (command line) ends its sessions" [ "$(code -b "$work/vi.jar" "$U/kiosks")" = 401 ]

# Plain HTTP on a non-loopback address is refused (exit 1, one line naming console.listen).
ip=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$ip" ]; then
  expect "plain HTTP off loopback is refused" 1 "console.listen" \
    -- timeout 10 "$bin/hall-controller" serve --console "$ip:$HTTP" --id other-serve "${C[@]}"
fi

[ $fails = 0 ] || { tail -20 "$work/serve.log"; exit 1; }
echo "all console API checks passed"
