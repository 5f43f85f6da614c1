#!/bin/bash
# test_kiosk_voice.sh: voice guidance in the real hall-kiosk binary (kiosk/audio_sdl.c,
# kiosk/voice.c), headless, on SDL's dummy audio driver (a working device nobody hears):
#  1. voice mode turned on from the attract screen, focus moved with Tab/Right, pause,
#     replay, language changes: the kiosk speaks (the engine reports samples made and
#     nothing it could not speak), logs no error and exits 0.
#  2. with an audio driver that does not exist, voice guidance turns itself off with one
#     warning, the voice control is not offered, and the kiosk still runs and exits 0.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
build=${HALL_BUILD_DIR:?}
kiosk="$build/hall-kiosk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
export SDL_VIDEODRIVER=offscreen
fail() { echo "FAIL: $*" >&2; exit 1; }
# debug level: the engine's closing line (samples spoken) is a debug line
sed 's/"log_level": *"[a-z]*"/"log_level": "debug"/' config/kiosk.json > "$tmp/kiosk.json"
grep -q '"log_level": "debug"' "$tmp/kiosk.json" || fail "config/kiosk.json has no log_level to lower"
# Port 9 on loopback: nothing listens, the kiosk runs offline.
common=(--config "$tmp/kiosk.json" --id test-voice --broker 127.0.0.1:9 --headless)

# 1. voice on, focus moves, pause/replay, other languages
cat > "$tmp/voice.txt" <<'S'
wait 200
tap-id accessibility
wait 300
tap-id mode-voice
wait 300
tap-id dialog-close
wait 300
key Tab
wait 200
key Right
wait 200
key F6
wait 200
key F6
wait 200
key F5
wait 200
tap-id language
wait 200
tap-id lang-en
wait 300
key Tab
wait 200
key Right
wait 300
dump home
quit
S
rc=0
SDL_AUDIODRIVER=dummy timeout 90 "$kiosk" "${common[@]}" --data "$tmp/d1" --script "$tmp/voice.txt" \
	--shots "$tmp/shots" > /dev/null 2> "$tmp/1.log" || rc=$?
[ $rc = 0 ] || { cat "$tmp/1.log" >&2; fail "kiosk exited with $rc"; }
grep -q "voice guidance on: dummy audio" "$tmp/1.log" || { cat "$tmp/1.log" >&2; fail "voice guidance did not start"; }
grep -q "speak (en)" "$tmp/1.log" || fail "nothing was spoken in English after choosing it"
line=$(grep "voice: [0-9]* samples spoken" "$tmp/1.log") || { cat "$tmp/1.log" >&2; fail "no voice summary line"; }
samples=$(printf '%s\n' "$line" | sed 's/.*voice: \([0-9]*\) samples.*/\1/')
[ "$samples" -gt 22050 ] || fail "less than a second of speech was made: $line"
printf '%s\n' "$line" | grep -q ", 0 not spoken" || fail "the engine could not speak something: $line"
# offline, the kiosk warns about the broker and the unsent spool; nothing else may complain
if grep -E " error: | warn: .*voice" "$tmp/1.log"; then fail "errors or voice warnings in the log (above)"; fi
echo "ok: voice mode speaks ($samples samples), exit 0, clean log"

# 2. no usable audio device: one warning, no voice control, still runs
rc=0
SDL_AUDIODRIVER=no-such-driver timeout 90 "$kiosk" "${common[@]}" --data "$tmp/d2" --script <(printf 'wait 200\ntap-id accessibility\nwait 300\ndump access\nquit\n') \
	--shots "$tmp/shots2" > /dev/null 2> "$tmp/2.log" || rc=$?
[ $rc = 0 ] || { cat "$tmp/2.log" >&2; fail "kiosk without audio exited with $rc"; }
[ "$(grep -c "voice guidance off" "$tmp/2.log")" = 1 ] || { cat "$tmp/2.log" >&2; fail "expected one 'voice guidance off' line"; }
# the modes are offered in the accessibility dialog (the attract loop's row holds only
# start, the languages and pause: issue #12)
python3 - "$tmp/shots2/access.json" <<'PY' || fail "the voice control is still offered without audio"
import json, sys
d = json.load(open(sys.argv[1]))
ids = [c.get('id') for c in d['controls']]
assert 'mode-voice' not in ids, ids
assert 'mode-large-text' in ids, ids
PY
echo "ok: without audio, voice is off with one warning and not offered"
