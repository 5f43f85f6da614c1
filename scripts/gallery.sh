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

# The screens, in a visitor's order: "NAME|actions before the shot" (actions are script
# lines separated by ';'; @PN turns N pages in the large-text modes: home holds one
# picture tile a page there, the poll's vote button is on its second page).
screens=(
  "home|"
  "language|tap-id language;wait 300"
  "accessibility|tap-id dialog-close;wait 200;tap-id accessibility;wait 300"
  "staff-called|tap-id dialog-close;wait 200;tap-id call-staff;wait 300"
  "brand-1|tap-id dialog-close;wait 200;tap-id exhibit-brand;wait 300"
  "brand-2|tap-id next;wait 300"
  "brand-3|tap-id next;wait 300"
  "policy|tap-id home;wait 200;@P1;tap-id exhibit-policy;wait 300"
  "policy-card|tap-id card-office;wait 300"
  "policy-chart|tap-id back;wait 300;tap-id chart-budget;wait 300"
  "policy-complaints|tap-id back;wait 300;tap-id chart-complaints;wait 300"
  "city|tap-id home;wait 200;@P2;tap-id exhibit-city;wait 300"
  "city-districts|tap-id districts;wait 300"
  "city-district|tap-id district-jongno;wait 300"
  "poll|tap-id home;wait 200;@P3;tap-id exhibit-vote;wait 300"
  "poll-thanks|tap-id option-river;wait 200;@P1;tap-id vote;wait 300"
)

mode_taps() { # the accessibility toggles of a mode, as script lines
  case "$1" in
    normal) ;;
    large) echo "tap-id mode-large-text" ;;
    contrast) echo "tap-id mode-high-contrast" ;;
    low) echo "tap-id mode-low-position" ;;
    large-contrast-low) printf '%s\n' "tap-id mode-large-text" "tap-id mode-high-contrast" "tap-id mode-low-position" ;;
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
        mode_taps "$mode" | while read -r l; do echo "$l"; echo "wait 200"; done
        echo "tap-id dialog-close"
        echo "wait 300"
      fi
      for s in "${screens[@]}"; do
        name=${s%%|*}
        acts=${s#*|}
        if [ -n "$acts" ]; then
          tr ';' '\n' <<< "$acts" | while read -r l; do
            case "$l" in
              @P*) case "$mode" in large*) for _ in $(seq "${l#@P}"); do echo "tap-id page-next"; echo "wait 300"; done ;; esac ;;
              *) echo "$l" ;;
            esac
          done
        fi
        echo "shot $p-$name"
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
