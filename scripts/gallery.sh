#!/usr/bin/env bash
# gallery.sh: every screen of the kiosk in every language and mode, rendered headless
# (the software renderer, as on a kiosk) into var/gallery/ with an index.html, so anyone
# can review the look in a browser.
#
#   bash scripts/gallery.sh [--build DIR] [--out DIR]
#   GALLERY_LANGS="en ja" GALLERY_MODES="normal large" bash scripts/gallery.sh   # a subset
#   GALLERY_CONFIG=my-kiosk.json bash scripts/gallery.sh   # another screen (size in mm)
#
# Modes: normal, large (200 % text), contrast (high contrast), low (low position),
# large-contrast-low (all three). Needs a built hall-kiosk (cmake --build build); no broker:
# the kiosk shows the default pack from assets/default and keeps retrying 127.0.0.1:9.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/build"
out="$src/var/gallery"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "gallery.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
kiosk="$build/hall-kiosk"
[ -x "$kiosk" ] || { echo "gallery.sh: $kiosk not found: build first (cmake --build build)" >&2; exit 2; }
config=${GALLERY_CONFIG:-"$src/config/kiosk.json"}
langs=${GALLERY_LANGS:-"ko en zh-Hans zh-Hant ja"}
modes=${GALLERY_MODES:-"normal large contrast low large-contrast-low"}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

# The screens, in a visitor's order: "NAME|actions before the first shot|control that
# turns the page". Actions are script lines separated by ';'. Every page of every screen
# is shot (NAME-1.png, NAME-2.png, ...: the script's `pages`), however many pages the
# language and mode make, and controls on a later page are found by turning pages
# (`find-id`), so nothing depends on one language's page counts.
screens=(
  "home||page-next"
  "language|tap-id language;wait 300|page-next"
  "accessibility|find-id dialog-close;tap-id dialog-close;wait 200;tap-id accessibility;wait 300|page-next"
  "staff-called|find-id dialog-close;tap-id dialog-close;wait 200;tap-id call-staff;wait 300|page-next"
  "brand|find-id dialog-close;tap-id dialog-close;wait 200;find-id exhibit-brand;tap-id exhibit-brand;wait 300|next"
  "policy|tap-id home;wait 300;find-id exhibit-policy;tap-id exhibit-policy;wait 300|page-next"
  "policy-card|find-id card-office;tap-id card-office;wait 300|page-next"
  "policy-chart|tap-id back;wait 300;find-id chart-budget;tap-id chart-budget;wait 300|page-next"
  "policy-complaints|tap-id back;wait 300;find-id chart-complaints;tap-id chart-complaints;wait 300|page-next"
  "city|tap-id home;wait 300;find-id exhibit-city;tap-id exhibit-city;wait 300|page-next"
  "city-districts|find-id districts;tap-id districts;wait 300|page-next"
  "city-district|find-id district-jongno;tap-id district-jongno;wait 300|page-next"
  "poll|tap-id home;wait 300;find-id exhibit-vote;tap-id exhibit-vote;wait 300|page-next"
  "poll-chosen|find-id option-river;tap-id option-river;wait 300|page-next"
  "poll-thanks|find-id vote;tap-id vote;wait 300|page-next"
)

mode_taps() { # the accessibility toggles of a mode, as script lines (the dialog may page)
  case "$1" in
    normal) ;;
    large) echo "find-id mode-large-text;tap-id mode-large-text" ;;
    contrast) echo "find-id mode-high-contrast;tap-id mode-high-contrast" ;;
    low) echo "find-id mode-low-position;tap-id mode-low-position" ;;
    large-contrast-low)
      printf '%s\n' "find-id mode-large-text;tap-id mode-large-text" "find-id mode-high-contrast;tap-id mode-high-contrast" \
        "find-id mode-low-position;tap-id mode-low-position" ;;
    *) echo "gallery.sh: unknown mode $1" >&2; exit 2 ;;
  esac
}

runs=()
for mode in $modes; do
  for lang in $langs; do
    p="$mode-$lang"
    {
      echo "wait 500"
      [ "$lang" = ko ] && echo "shot $p-attract"
      echo "tap-id lang-$lang"
      echo "wait 300"
      if [ "$mode" != normal ]; then
        echo "tap-id accessibility"
        echo "wait 300"
        mode_taps "$mode" | tr ';' '\n' | while read -r l; do echo "$l"; echo "wait 200"; done
        echo "find-id dialog-close"
        echo "tap-id dialog-close"
        echo "wait 300"
      fi
      for s in "${screens[@]}"; do
        name=${s%%|*}
        rest=${s#*|}
        acts=${rest%%|*}
        turn=${rest#*|}
        [ -z "$acts" ] || tr ';' '\n' <<< "$acts"
        echo "pages $p-$name $turn"
      done
      echo "quit"
    } > "$tmp/$p.script"
    if ! timeout 300 "$kiosk" --config "$config" --headless --broker 127.0.0.1:9 --id gallery \
         --data "$tmp/data-$p" --script "$tmp/$p.script" --shots "$out" > "$tmp/$p.out" 2> "$tmp/$p.log"; then
      tail -5 "$tmp/$p.log" >&2
      echo "gallery.sh: the kiosk failed on $p" >&2
      exit 1
    fi
    # a control the script could not reach is named, not hidden
    grep -E "$p\.script:[0-9]+: " "$tmp/$p.log" | sed "s/^/gallery.sh: /" >&2 || true
    runs+=("$p")
    echo "gallery.sh: $p done"
  done
done

# index.html: one section per mode and language, pictures at a third of their size.
{
  echo '<!doctype html><html lang="en"><meta charset="utf-8"><title>Citizen Hall kiosk gallery</title>'
  echo '<style>body{font-family:sans-serif;margin:1em}figure{display:inline-block;margin:.5em}'
  echo 'img{width:640px;border:1px solid #888}figcaption{font-size:14px}</style>'
  echo "<h1>Citizen Hall kiosk: every screen</h1><p>Generated $(date -u +%Y-%m-%dT%H:%MZ) by scripts/gallery.sh.</p>"
  for p in "${runs[@]}"; do
    echo "<h2 id=\"$p\">$p</h2>"
    for f in "$out/$p"-*.png; do
      [ -e "$f" ] || continue
      b=$(basename "$f")
      echo "<figure><a href=\"$b\"><img src=\"$b\" alt=\"$b\" loading=\"lazy\"></a><figcaption>$b</figcaption></figure>"
    done
  done
  echo '</html>'
} > "$out/index.html"
echo "gallery.sh: $(ls "$out"/*.png | wc -l) pictures, open $out/index.html"
