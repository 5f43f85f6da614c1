#!/bin/bash
# test_kiosk_voice.sh: voice guidance in the real hall-kiosk binary (kiosk/audio_sdl.c,
# kiosk/voice.c), headless, on SDL's dummy audio driver (a working device nobody hears):
#  1. the keypad tour of a blind visitor in Japanese, then English, Korean and Mandarin
#     (below): what is said, in which language and when; the engine reports samples made
#     and nothing it could not speak;
#     the kiosk logs no error and exits 0.
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

# 1. The tour a blind visitor takes by keypad alone (issue 12 Build 9), in Japanese, with
#    the speech the kiosk hands its voice read from the debug log ("speak (ja): ..."):
#    a number key picks its language at once (first key too) and the welcome follows in it;
#    the star key turns guidance on and says where the visitor is in the same breath (one
#    input's texts were cut by the next one at once); a key in the frame after a screen
#    change acts (Build 6); a poll option chosen by Enter says it is selected; the vote is
#    thanked; call staff reads its state and its focused button, focus comes back after;
#    the language dialog reads its focused language and whether it is chosen; "more time?"
#    comes 10 s after the reading ended (not during it), reads its own button, and taking
#    more time reads the last reading again; the star key turns guidance off and says so.
#    Found on the tours in the other languages (tour2): a page that opens is read with its
#    text (the poll's question, the thank-you page's tally, the brand's story), not its
#    heading alone, and the thank-you once; numbers are said in words by the voice ("voice
#    (xx) reads:" lines: "100%" as パーセント, the page counter "1 / 7" as "1 of 7"); the
#    brand story read in English is paused (F6), "more time?" comes 10 s later (a paused
#    voice is not reading) and taking more time reads the story again. Then Korean and
#    Mandarin over the policy exhibit's budget chart: its values are read with the page,
#    the dotted Korean date and the decimals in words.
sed -i 's/"idle_timeout_s": *[0-9]*/"idle_timeout_s": 10/' "$tmp/kiosk.json"
cat > "$tmp/voice.txt" <<'S'
wait 300
key Keypad 5
wait 300
dump chosen
key Keypad *
wait 200
key Keypad 4
key Return
key Tab
key Return
wait 200
dump option
key Keypad 6
key Return
wait 300
dump thanks
key F6
wait 100
key F6
key Shift+Tab
key Return
wait 300
dump called
key Escape
wait 300
dump back
key Shift+Tab
key Shift+Tab
key Return
wait 300
key Tab
key Return
wait 300
dump english
key Home
wait 300
key Keypad 1
key Return
wait 300
key F6
wait 12000
dump more
key Return
wait 300
key Keypad *
wait 200
tap-id language
wait 200
tap-id lang-ko
wait 200
key Home
wait 200
key Keypad *
wait 200
tap-id exhibit-policy
wait 300
find-id chart-budget
tap-id chart-budget
wait 300
tap-id language
wait 200
tap-id lang-zh-Hans
wait 300
quit
S
rc=0
SDL_AUDIODRIVER=dummy timeout 90 "$kiosk" "${common[@]}" --data "$tmp/d1" --script "$tmp/voice.txt" \
	--shots "$tmp/shots" > /dev/null 2> "$tmp/1.log" || rc=$?
[ $rc = 0 ] || { cat "$tmp/1.log" >&2; fail "kiosk exited with $rc"; }
grep -q "voice guidance on: dummy audio" "$tmp/1.log" || { cat "$tmp/1.log" >&2; fail "voice guidance did not start"; }
python3 - "$tmp/1.log" "$tmp/shots" <<'PY' || { grep "speak (" "$tmp/1.log" >&2; fail "the keypad tour (above)"; }
import json, re, sys
log = open(sys.argv[1]).read()
said = [(m.group(1), m.group(2)) for m in re.finditer(r"speak \(([a-zA-Z-]+)\): (.*)", log)]
reads = [(m.group(1), m.group(2)) for m in re.finditer(r"voice \(([a-zA-Z-]+)\) reads: (.*)", log)]
def dump(name):
    return json.load(open("%s/%s.json" % (sys.argv[2], name)))
def after(i, want, lang="ja"):
    """The index after the first text from i on in lang that holds every string of want."""
    for k in range(i, len(said)):
        if said[k][0] == lang and all(w in said[k][1] for w in want):
            return k + 1
    sys.exit("not said in %s after #%d: %r" % (lang, i, want))
d = dump("chosen")
assert d["screen"] == "home" and d["language"] == "ja", "the first key 5 did not choose Japanese: %s %s" % (d["screen"], d["language"])
i = after(0, ["日本語", "ようこそ", "星印"])
assert "番号キー" not in said[i - 1][1], "the welcome after a chosen language still tells the number keys"
i = after(i, ["音声案内: オン", "市民庁"])          # on, and where: one text
i = after(i, ["投票", "わたしの好きなソウル", "いちばん好きなソウルはどれですか"])  # Return in the frame after the key that focused it; the page with its question
d = dump("option")
assert d["screen"] == "exhibit:vote" and d["focused"] == "option-history", (d["screen"], d["focused"])
i = after(i, ["宮殿と歴史のソウル", "選択中"])
i = after(i, ["投票ありがとうございました", "宮殿と歴史のソウル"])  # the thank-you page with its tally
assert said[i - 1][1].count("投票ありがとうございました") == 1, "the thank-you said twice: %r" % said[i - 1][1]
assert any(l == "ja" and "100パーセント" in t for l, t in reads), "the tally's 100%% not said in words: %r" % reads
assert dump("thanks")["screen"] == "exhibit:vote/thanks"
i = after(i, ["係員を呼んでいます… OK"])         # the state, then the focused button
d = dump("called")
assert d["screen"] == "staff-called" and d["focused"] == "dialog-close", (d["screen"], d["focused"])
d = dump("back")
assert d["screen"] == "exhibit:vote/thanks" and d["focused"] == "call-staff", (d["screen"], d["focused"])
i = after(i, ["言語を選んでください", "\x1eko 한국어"])
i = after(i, ["English"], "en")
assert dump("english")["language"] == "en"
k = after(i, ["more time?"], "en")
assert said[k - 1][1].endswith(" More time"), "the prompt does not read its focused button: %r" % said[k - 1][1]
reading = said[k - 2][1]
assert "Seoul, my soul" in reading, "the brand story was not the reading the prompt interrupted: %r" % reading
assert any(l == "en" and "1 of 7" in t for l, t in reads), "the brand's page counter not said as words: %r" % reads
assert k < len(said) and said[k][1] == reading, "taking more time read %r, not the reading it interrupted %r" % (said[k:k + 1], reading)
after(k, ["Voice guide: off"], "en")
# Korean, then Mandarin, over the budget chart: its values read with the page, the date
# and the decimals in words (the Korean and Mandarin voices dropped the point).
def heard(lang, want):
    if not any(l == lang and all(w in t for w in want) for l, t in reads):
        sys.exit("not heard in %s: %r (voice lines: %r)" % (lang, want, [r for r in reads if r[0] == lang]))
heard("ko", ["2023년 4월 1일", "22점2퍼센트"])
heard("zh-Hans", ["百分之22点2"])
for lang, text in said:
    if lang == "ja" and re.search(r"Seoul|my soul", text):
        sys.exit("the Japanese voice was handed Latin brand letters: %r" % text)
PY
line=$(grep "voice: [0-9]* samples spoken" "$tmp/1.log") || { cat "$tmp/1.log" >&2; fail "no voice summary line"; }
samples=$(printf '%s\n' "$line" | sed 's/.*voice: \([0-9]*\) samples.*/\1/')
[ "$samples" -gt 22050 ] || fail "less than a second of speech was made: $line"
printf '%s\n' "$line" | grep -q ", 0 not spoken" || fail "the engine could not speak something: $line"
# offline, the kiosk warns about the broker and the unsent spool; nothing else may complain
if grep -E " error: | warn: .*voice" "$tmp/1.log"; then fail "errors or voice warnings in the log (above)"; fi
echo "ok: the keypad tour in Japanese (English, Korean, Mandarin at its end) is spoken as a blind visitor needs it ($samples samples), exit 0, clean log"

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
