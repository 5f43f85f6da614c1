#!/usr/bin/env bash
# test_kiosk_exhibit_shots.sh: a screenshot per exhibit, checked for more than blankness
# (issue 3, Tests). A headless kiosk with the default pack and no broker (port 9 on
# loopback: nothing listens) is driven by --script through attract, home, brand (slides 1
# to 3), a policy card's detail page, a policy chart, the city model and a district's
# panel, the poll and its thank-you screen: in Korean, Japanese and simplified Chinese,
# and once more in Korean with large text and high contrast on. Every screen is shot and
# dumped; the dump must name the expected screen and language, and every PNG must have
# many colours, a real share of pixels off the background and text on it (many small
# high-contrast strokes, hall-pngstat --detail, tests/tools/pngstat.c); no two different screens may
# give the same picture. Before that, the checker itself must reject a blank picture and
# one of plain boxes without text, so a blank screen cannot pass.
#
# SHOTS_KIOSK_CONFIG=FILE runs the tour with another kiosk config (to see the test fail
# on a broken one); KEEP=1 keeps the pictures (their folder is printed).
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
build=${HALL_BUILD_DIR:?}
kiosk="$build/hall-kiosk"
stat="$build/hall-pngstat"  # tests/tools/pngstat.c
config=${SHOTS_KIOSK_CONFIG:-config/kiosk.json}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hall-shots-XXXXXX")
cleanup() { if [ -n "${KEEP:-}" ]; then echo "pictures kept in $tmp/shots" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
cd "$src"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
fail() { echo "FAIL: $*" >&2; exit 1; }

# Thresholds (1920x1080). The home screen has ~480 colours, ~29% drawn and >100 text
# tiles; a screen with one line of text has a few tiles, a blank one none.
MIN_COLOURS=40
MIN_DRAWN=0.02
MIN_TEXT_TILES=20

# ---------------------------------------------------------------- 0. the checker itself
python3 - "$tmp" <<'PY'
import struct, sys, zlib
def png(path, w, h, pixel):
    raw = b"".join(b"\0" + bytes(b"".join(pixel(x, y) for x in range(w))) for y in range(h))
    chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
d = sys.argv[1]
png(d + "/blank.png", 640, 360, lambda x, y: b"\xf4\xf1\xea")
# three big flat boxes in three colours: drawn, but no text
def boxes(x, y):
    if 40 <= x < 300 and 40 <= y < 300: return b"\x10\x2a\x5c"
    if 340 <= x < 600 and 40 <= y < 150: return b"\xc8\x3c\x28"
    if 340 <= x < 600 and 200 <= y < 300: return b"\x30\x90\x40"
    return b"\xf4\xf1\xea"
png(d + "/boxes.png", 640, 360, boxes)
PY
judge() { # reads pngstat --detail lines; prints one line per failing picture
  python3 -c '
import json, sys
mc, md, mt = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
for line in sys.stdin:
    s = json.loads(line)
    why = []
    if s["colours"] < mc: why.append("%d colours" % s["colours"])
    if s["drawn"] < md: why.append("%.4f drawn" % s["drawn"])
    if s["text_tiles"] < mt: why.append("%d text tiles (no text?)" % s["text_tiles"])
    if why: print("%s: %s" % (s["file"], ", ".join(why)))
' "$MIN_COLOURS" "$MIN_DRAWN" "$MIN_TEXT_TILES"
}
for bad in blank boxes; do
  verdict=$("$stat" --detail "$tmp/$bad.png" | judge)
  [ -n "$verdict" ] || fail "the checker passes a picture with no text ($bad.png)"
done

# ---------------------------------------------------------------- 1. the tours
# tour LANG MODES: one visit; LANG is chosen on the attract screen (which opens home),
# MODES (large|plain) adds large text and high contrast from the accessibility dialog.
tour() {
  local L=$1 modes=$2 p=$1-$2
  {
    echo "wait 300"
    echo "shot $p-attract"
    echo "dump $p-attract"
    echo "tap-id lang-$L"
    echo "wait 300"
    if [ "$modes" = large ]; then
      echo "tap-id accessibility"
      echo "wait 200"
      echo "tap-id mode-large-text"
      echo "wait 200"
      echo "tap-id mode-high-contrast"
      echo "wait 200"
      echo "tap-id dialog-close"
      echo "wait 300"
    fi
    echo "shot $p-home"
    echo "dump $p-home"
    echo "tap-id exhibit-brand"
    echo "wait 300"
    for n in 1 2 3; do
      [ $n = 1 ] || { echo "tap-id next"; echo "wait 300"; }
      echo "shot $p-brand-$n"
      echo "dump $p-brand-$n"
    done
    echo "tap-id home"
    echo "wait 200"
    # large text: home holds one picture tile a page, the policy hall is on page 2
    [ "$modes" = large ] && { echo "tap-id page-next"; echo "wait 300"; }
    echo "tap-id exhibit-policy"
    echo "wait 300"
    echo "tap-id card-office"
    echo "wait 300"
    echo "shot $p-policy-card"
    echo "dump $p-policy-card"
    echo "tap-id back"
    echo "wait 300"
    # the budget chart's card may be on a later page of the list (large text)
    echo "find-id chart-budget"
    echo "tap-id chart-budget"
    echo "wait 300"
    echo "shot $p-policy-chart"
    echo "dump $p-policy-chart"
    echo "tap-id home"
    echo "wait 200"
    # large text: the city is on page 3 of home
    [ "$modes" = large ] && { for _ in 1 2; do echo "tap-id page-next"; echo "wait 300"; done; }
    echo "tap-id exhibit-city"
    echo "wait 300"
    echo "shot $p-city"
    echo "dump $p-city"
    echo "tap-id districts"
    echo "wait 300"
    echo "tap-id district-jongno"
    echo "wait 300"
    echo "shot $p-city-district"
    echo "dump $p-city-district"
    echo "tap-id home"
    echo "wait 200"
    [ "$modes" = large ] && { for _ in 1 2 3; do echo "tap-id page-next"; echo "wait 300"; done; }
    echo "tap-id exhibit-vote"
    echo "wait 300"
    echo "shot $p-poll"
    echo "dump $p-poll"
    echo "tap-id option-river"
    echo "wait 200"
    # large text: the vote button is on the poll's last page
    [ "$modes" = large ] && { echo "tap-id page-next"; echo "wait 300"; }
    echo "tap-id vote"
    echo "wait 300"
    echo "shot $p-poll-thanks"
    echo "dump $p-poll-thanks"
    echo "quit"
  } > "$tmp/$p.script"
  local rc=0
  timeout 120 "$kiosk" --config "$config" --headless --broker 127.0.0.1:9 --id shots-test \
    --data "$tmp/data-$p" --script "$tmp/$p.script" --shots "$tmp/shots" > "$tmp/$p.out" 2> "$tmp/$p.log" || rc=$?
  [ $rc = 0 ] || { tail -20 "$tmp/$p.log" >&2; fail "$p: kiosk exited with $rc"; }
  # a control the script could not reach fails the test, after the pictures are judged
  grep -E "$p\.script:[0-9]+: " "$tmp/$p.log" >> "$tmp/script-errors" || true
}

runs=("ko plain" "ja plain" "zh-Hans plain" "ko large")
for r in "${runs[@]}"; do
  # shellcheck disable=SC2086
  tour $r
done

# ---------------------------------------------------------------- 2. the pictures (first: a broken config shows here)
n=$(find "$tmp/shots" -name '*.png' | wc -l)
[ "$n" = $(( ${#runs[@]} * 11 )) ] || fail "expected $(( ${#runs[@]} * 11 )) screenshots, found $n"
find "$tmp/shots" -name '*.png' -print0 | sort -z | xargs -0 -n 11 -P 2 "$stat" --detail > "$tmp/stats.jsonl"
[ "$(wc -l < "$tmp/stats.jsonl")" = "$n" ] || fail "pngstat did not read every picture"
verdict=$(judge < "$tmp/stats.jsonl")
[ -z "$verdict" ] || fail "screens look blank or without text:
$verdict"
python3 - "$tmp/stats.jsonl" <<'PY' || fail "two different screens give the same picture"
import json, sys
seen, bad = {}, []
for line in open(sys.argv[1]):
    s = json.loads(line)
    name = s["file"].rsplit("/", 1)[1][:-4]
    if s["width"] != 1920 or s["height"] != 1080:
        bad.append("%s is %dx%d" % (name, s["width"], s["height"]))
    other = seen.get(s["digest"])
    # the attract screen before a language is picked is the same in every plain run
    if other and not (other.endswith("-attract") and name.endswith("-attract")):
        bad.append("%s and %s are the same picture" % (other, name))
    seen.setdefault(s["digest"], name)
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# ---------------------------------------------------------------- 3. screens and languages
python3 - "$tmp/shots" "${runs[@]}" <<'PY' || fail "a dump does not show the expected screen or language"
import json, sys
d, runs = sys.argv[1], [r.split() for r in sys.argv[2:]]
want = {"attract": "attract", "home": "home", "brand-1": "exhibit:brand/slide-1",
        "brand-2": "exhibit:brand/slide-2", "brand-3": "exhibit:brand/slide-3",
        "policy-card": "exhibit:policy/card-office", "policy-chart": "exhibit:policy/chart-budget",
        "city": "exhibit:city", "city-district": "exhibit:city/district-jongno",
        "poll": "exhibit:vote", "poll-thanks": "exhibit:vote/thanks"}
bad = []
for lang, modes in runs:
    for shot, screen in want.items():
        j = json.load(open("%s/%s-%s-%s.json" % (d, lang, modes, shot)))
        # the attract screen is shown before the language is picked: Korean by default
        lw = "ko" if shot == "attract" else lang
        # with large text a slide may take two pages ("next" turns the page first)
        ok = j["screen"] == screen or (modes == "large" and shot.startswith("brand-")
                                       and j["screen"].startswith("exhibit:brand/slide-"))
        if not ok or j["language"] != lw:
            bad.append("%s-%s-%s: screen %s language %s, expected %s %s" % (lang, modes, shot, j["screen"],
                       j["language"], screen, lw))
        ids = [c["id"] for c in j["controls"]]
        for bar in ("home", "back", "language", "accessibility", "call-staff"):
            # back is shown only where it does something (issue 12): not on attract or home
            if bar == "back" and shot in ("attract", "home"):
                if bar in ids:
                    bad.append("%s-%s-%s: back shown where it does nothing" % (lang, modes, shot))
                continue
            if bar not in ids:
                bad.append("%s-%s-%s: no %s in the bar" % (lang, modes, shot, bar))
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

if [ -s "$tmp/script-errors" ]; then cat "$tmp/script-errors" >&2; fail "the script did not reach every control"; fi
echo "exhibit screenshots: $n pictures ok"
