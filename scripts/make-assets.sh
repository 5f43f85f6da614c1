#!/usr/bin/env bash
# Regenerates the images of the default content pack (assets/default/*.png) with
# ImageMagick and then rewrites the sha256 and size of every asset entry in
# assets/default/manifest.json (scripts/pack_assets.py update).
#
# Deterministic: no timestamps or other metadata go into the PNGs (-strip, date chunks
# excluded), drawing uses fixed coordinates only, so the same ImageMagick and fonts give
# the same bytes on every run. A different ImageMagick or FreeType version may anti-alias a
# few pixels differently; the script then simply records the new hashes.
#
# Usage: scripts/make-assets.sh [PACK_DIR]   (default: assets/default)
# Needs: ImageMagick 6 `convert`, python3, fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/.."
pack=${1:-assets/default}
manifest="$pack/manifest.json"
font_bold=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc

for need in convert python3; do
  command -v "$need" >/dev/null || { echo "make-assets: $need is not installed" >&2; exit 1; }
done
[ -f "$font_bold" ] || { echo "make-assets: $font_bold missing (apt-get install fonts-noto-cjk)" >&2; exit 1; }
[ -f "$manifest" ] || { echo "make-assets: $manifest not found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Colours. Navy/white is 15:1; every picture has dark outlines or strong value contrast so
# it still reads in greyscale.
NAVY='#0b2545'; NAVY2='#13315c'; RED='#e63946'; WHITE='#ffffff'; INK='#1d2b3a'
BLUE='#1f5fbf'; TEAL='#0a7d6b'; GOLD='#f2b705'; PURPLE='#6a4c93'; ORANGE='#f08a24'
GREEN='#1b7f3b'; LAWN='#5fae5b'

# Write a PNG with no metadata that changes between runs.
png_opts=(-strip -define png:exclude-chunks=date,time +set date:create +set date:modify)

# heart CX CY R: an MVG path for a heart centred near (CX, CY), R = half its width.
heart() {
  local cx=$1 cy=$2 r=$3
  echo "path 'M $cx,$((cy + r * 9 / 10)) C $((cx - r * 14 / 10)),$((cy)) $((cx - r * 9 / 10)),$((cy - r * 11 / 10)) $cx,$((cy - r * 35 / 100)) C $((cx + r * 9 / 10)),$((cy - r * 11 / 10)) $((cx + r * 14 / 10)),$((cy)) $cx,$((cy + r * 9 / 10)) Z'"
}

# person CX CY S COLOUR: a person icon (head and rounded body), S = body width.
person() {
  local cx=$1 cy=$2 s=$3 c=$4
  echo "fill '$c' stroke none"
  echo "circle $cx,$cy $((cx + s * 28 / 100)),$cy"
  echo "roundrectangle $((cx - s / 2)),$((cy + s * 38 / 100)) $((cx + s / 2)),$((cy + s * 120 / 100)) $((s / 4)),$((s / 4))"
}

# arc_lines CX CY R A0 A1: a circular arc from angle A0 to A1 (degrees, clockwise on
# screen from the +x axis) as short straight lines. This ImageMagick strokes open paths and
# `arc` with a closing chord, so stroked curves are built from `line`, which it draws right;
# round line caps hide the joints.
arc_lines() {
  awk -v cx="$1" -v cy="$2" -v r="$3" -v a0="$4" -v a1="$5" 'BEGIN {
    n = int((a1 - a0) / 6); if (n < 2) n = 2
    for (i = 0; i < n; i++) {
      t0 = (a0 + (a1 - a0) * i / n) * 3.14159265358979 / 180
      t1 = (a0 + (a1 - a0) * (i + 1) / n) * 3.14159265358979 / 180
      printf "line %.1f,%.1f %.1f,%.1f\n", cx + r * cos(t0), cy + r * sin(t0), cx + r * cos(t1), cy + r * sin(t1)
    }
  }'
}

# draw W H BG MVGFILE OUT: render an MVG file on a plain background.
draw() {
  convert -size "$1x$2" "xc:$3" -draw "$(tr '\n' ' ' < "$4")" "${png_opts[@]}" "PNG24:$5"
}

# ---- brand mark: "Seoul," / "my soul" in white on navy, a red heart below -------------
brand_mark() { # W H OUT
  local w=$1 h=$2 out=$3 pt=$(( $2 * 24 / 100 ))
  heart $((w / 2)) $((h * 85 / 100)) $((h * 7 / 100)) > "$tmp/heart.mvg"
  sed -i "1i fill '$RED' stroke none" "$tmp/heart.mvg"
  convert -size "${w}x${h}" "xc:$NAVY" -font "$font_bold" -fill "$WHITE" -gravity center \
    -pointsize "$pt" -annotate "+0-$((h * 19 / 100))" 'Seoul,' \
    -annotate "+0+$((h * 8 / 100))" 'my soul' \
    -gravity northwest -draw "$(tr '\n' ' ' < "$tmp/heart.mvg")" "${png_opts[@]}" "PNG24:$out"
}
brand_mark 1200 800 "$pack/brand-mark.png"

# ---- ballot paper with a heart going into a ballot box --------------------------------
# The paper is drawn first so the box in front hides its lower end: it is going in.
{
  echo "push graphic-context"
  echo "translate 600,300 rotate -6"
  echo "fill '$WHITE' stroke '$INK' stroke-width 6"
  echo "rectangle -110,-170 110,170"
  echo "fill '$RED' stroke none"
  heart 0 -30 70
  echo "pop graphic-context"
  echo "fill '$NAVY' stroke none"
  echo "roundrectangle 360,430 840,720 18,18"
  echo "fill '$NAVY2' roundrectangle 360,430 840,500 18,18"
  echo "fill '#061a33' rectangle 470,452 730,474"
  echo "fill '$GOLD' stroke none circle 600,610 600,585"
} > "$tmp/ballot.mvg"
draw 1200 800 '#e9f1fb' "$tmp/ballot.mvg" "$pack/brand-ballot.png"

# ---- the value contest: ideas on notes around a light bulb ---------------------------
{
  colours=("$GOLD" "#8fd1c1" "#f5b8c8" "#b8d0f5" "#c9e4a8" "$ORANGE")
  i=0
  for spec in 200,200,-8 1000,190,7 160,520,6 1040,540,-7 330,680,-4 880,690,5; do
    IFS=, read -r x y a <<<"$spec"
    echo "push graphic-context"
    echo "translate $x,$y rotate $a"
    echo "fill '${colours[$i]}' stroke '$INK' stroke-width 4 rectangle -90,-80 90,80"
    echo "stroke '$INK' stroke-width 6 stroke-linecap round"
    echo "line -55,-30 55,-30"
    echo "line -55,0 55,0"
    echo "line -55,30 20,30"
    echo "pop graphic-context"
    i=$((i + 1))
  done
  echo "fill '#ffd166' stroke '$INK' stroke-width 6 circle 600,360 600,220"
  echo "fill '#9aa5b1' stroke '$INK' stroke-width 6"
  echo "roundrectangle 540,470 660,520 10,10"
  echo "roundrectangle 550,520 650,570 10,10"
  echo "fill '$INK' stroke none roundrectangle 575,570 625,600 10,10"
  echo "fill none stroke '$INK' stroke-width 10 stroke-linecap round"
  for a in 200 235 270 305 340; do
    awk -v a="$a" 'BEGIN { t = a * 3.14159265358979 / 180;
      printf "line %.1f,%.1f %.1f,%.1f\n", 600 + 165 * cos(t), 360 + 165 * sin(t), 600 + 215 * cos(t), 360 + 215 * sin(t) }'
  done
} > "$tmp/contest.mvg"
draw 1200 800 '#fdf3e7' "$tmp/contest.mvg" "$pack/brand-contest.png"

# ---- City Hall plaza: a lawn, people around it, the hall behind -----------------------
{
  # The new City Hall: a glass wave over a lower block.
  echo "fill '$NAVY2' stroke none"
  echo "path 'M 250,420 L 250,250 C 380,150 520,120 700,150 C 820,170 900,230 950,300 L 950,420 Z'"
  echo "fill '#3e6fa8' path 'M 290,420 L 290,275 C 400,200 520,180 680,200 C 790,215 860,260 910,320 L 910,420 Z'"
  echo "fill '#8fb3d9' stroke none"
  for x in 330 410 490 570 650 730 810; do echo "rectangle $x,330 $((x + 40)),410"; done
  echo "fill '$LAWN' stroke '#2f6b2c' stroke-width 4 ellipse 600,590 430,120 0,360"
  colours=("$BLUE" "$ORANGE" "$PURPLE" "$TEAL" "$RED" "$NAVY" "$GOLD" "$GREEN")
  i=0
  for xy in 150,480 250,470 350,465 450,462 750,462 850,465 950,470 1050,480 \
            110,600 1090,600 170,700 290,730 420,745 780,745 910,730 1030,700; do
    person "${xy%,*}" "${xy#*,}" 54 "${colours[$((i % 8))]}"
    i=$((i + 1))
  done
  echo "fill '$WHITE' stroke '$INK' stroke-width 3"
  heart 600 590 50
} > "$tmp/plaza.mvg"
draw 1200 800 '#dbe9f6' "$tmp/plaza.mvg" "$pack/brand-plaza.png"

# ---- policy: child reporters (notebook, pencil, speech bubble) ------------------------
{
  echo "fill '$WHITE' stroke '$INK' stroke-width 5"
  echo "roundrectangle 120,150 430,500 12,12"
  echo "stroke '#8fb3d9' stroke-width 4"
  for y in 230 280 330 380 430; do echo "line 160,$y 400,$y"; done
  echo "fill '$INK' stroke none"
  for y in 180 240 300 360 420 470; do echo "circle 120,$y 120,$((y + 11))"; done
  echo "push graphic-context"
  echo "translate 470,420 rotate -35"
  echo "fill '$GOLD' stroke '$INK' stroke-width 4 rectangle 0,-22 260,22"
  echo "fill '#f4a3b4' rectangle 260,-22 305,22"
  echo "fill '#f6deb0' polygon 0,-22 0,22 -60,0"
  echo "fill '$INK' stroke none polygon -40,-8 -40,8 -60,0"
  echo "pop graphic-context"
  echo "fill '$BLUE' stroke none"
  echo "roundrectangle 470,70 730,230 40,40"
  echo "polygon 520,220 500,290 590,225"
  echo "fill '$WHITE'"
  for x in 545 600 655; do echo "circle $x,150 $((x + 16)),150"; done
} > "$tmp/reporters.mvg"
draw 800 600 '#fff4d6' "$tmp/reporters.mvg" "$pack/policy-reporters.png"

# ---- policy: Citizen Hall remodelling (cross-section, two bright basement floors) ------
{
  echo "fill '#cfe3f7' stroke none rectangle 0,0 800,290"
  echo "fill '#8a6a4f' rectangle 0,290 800,600"
  echo "fill '$NAVY2' rectangle 250,90 550,290"
  echo "fill '#8fb3d9'"
  for y in 120 180 240; do for x in 280 350 420 490; do echo "rectangle $x,$y $((x + 36)),$((y + 34))"; done; done
  echo "fill '#ffd166' stroke '$INK' stroke-width 5"
  echo "rectangle 110,320 690,440"
  echo "rectangle 110,460 690,580"
  i=0
  colours=("$BLUE" "$PURPLE" "$TEAL" "$RED" "$GREEN" "$NAVY")
  for xy in 180,350 300,350 420,350 560,350 240,490 380,490 520,490 630,490; do
    person "${xy%,*}" "${xy#*,}" 44 "${colours[$((i % 6))]}"
    i=$((i + 1))
  done
} > "$tmp/hall.mvg"
draw 800 600 '#cfe3f7' "$tmp/hall.mvg" "$pack/policy-hall.png"

# ---- policy: web and app accessibility (big button, sound, wheelchair symbol) ---------
{
  echo "fill '$TEAL' stroke '$INK' stroke-width 6 circle 220,330 220,190"
  echo "fill none stroke '$WHITE' stroke-width 14 circle 220,330 220,240"
  # a finger pressing the button
  echo "fill '#f6c9a8' stroke '$INK' stroke-width 5"
  echo "roundrectangle 185,60 255,300 35,35"
  echo "fill '#fbe3d3' stroke '$INK' stroke-width 3 roundrectangle 200,245 240,290 14,14"
  echo "fill none stroke '$INK' stroke-width 12 stroke-linecap round"
  for r in 50 90 130; do arc_lines 400 330 "$r" -40 40; done
  # wheelchair symbol
  echo "fill '$BLUE' stroke none roundrectangle 560,90 760,290 24,24"
  echo "fill '$WHITE' circle 650,125 650,140"
  echo "fill none stroke '$WHITE' stroke-width 16 stroke-linecap round"
  echo "line 650,160 650,215"
  echo "line 650,215 700,215"
  echo "line 700,215 720,260"
  echo "line 650,185 690,185"
  echo "stroke-width 12"
  arc_lines 640 240 46 -20 250
  echo "fill '$GOLD' stroke '$INK' stroke-width 5 roundrectangle 560,360 760,520 20,20"
  echo "fill '$INK' stroke none"
  for y in 395 440 485; do echo "rectangle 590,$((y - 6)) 730,$((y + 6))"; done
} > "$tmp/access.mvg"
draw 800 600 '#e8f4ea' "$tmp/access.mvg" "$pack/policy-access.png"

# ---- policy: protecting complaint-handling staff (a shield around a person) -----------
{
  echo "fill '$NAVY' stroke '$INK' stroke-width 6"
  echo "path 'M 400,60 C 480,110 560,120 630,115 C 640,320 560,470 400,550 C 240,470 160,320 170,115 C 240,120 320,110 400,60 Z'"
  echo "fill '$BLUE' stroke none"
  echo "path 'M 400,100 C 470,140 540,150 595,148 C 600,320 535,440 400,510 C 265,440 200,320 205,148 C 260,150 330,140 400,100 Z'"
  person 400 230 150 "$WHITE"
} > "$tmp/staff.mvg"
draw 800 600 '#eef1fb' "$tmp/staff.mvg" "$pack/policy-staff.png"

# ---- policy: Eungdapso complaints (two speech bubbles and a check mark) ---------------
{
  echo "fill '$PURPLE' stroke '$INK' stroke-width 5"
  echo "roundrectangle 90,90 430,300 50,50"
  echo "polygon 150,290 130,380 240,298"
  echo "fill '$ORANGE'"
  echo "roundrectangle 300,250 640,460 50,50"
  echo "polygon 580,450 610,540 500,458"
  echo "fill '$WHITE' stroke none"
  for x in 190 260 330; do echo "circle $x,195 $((x + 18)),195"; done
  echo "stroke '$WHITE' stroke-width 14 stroke-linecap round"
  for y in 330 380; do echo "line 350,$y 590,$y"; done
  echo "fill '$GREEN' stroke '$INK' stroke-width 5 circle 640,150 640,80"
  echo "fill none stroke '$WHITE' stroke-width 18 stroke-linecap round"
  echo "line 605,150 632,180"
  echo "line 632,180 680,120"
} > "$tmp/complaints.mvg"
draw 800 600 '#f4eefb' "$tmp/complaints.mvg" "$pack/policy-complaints.png"

# ---- policy: the office (City Hall above its four divisions, joined by lines) ---------
{
  echo "fill none stroke '$INK' stroke-width 8 stroke-linecap round"
  echo "line 400,250 400,330"
  echo "line 130,330 670,330"
  for x in 130 310 490 670; do echo "line $x,330 $x,380"; done
  # City Hall: the glass wave over a lower block, as on the plaza picture
  echo "fill '$NAVY2' stroke '$INK' stroke-width 5"
  echo "path 'M 250,250 L 250,140 C 320,80 420,60 520,85 C 560,95 540,130 550,160 L 550,250 Z'"
  echo "fill '#8fb3d9' stroke none"
  for x in 280 340 400 460; do echo "rectangle $x,180 $((x + 36)),230"; done
  i=0
  colours=("$BLUE" "$ORANGE" "$TEAL" "$PURPLE")
  for x in 130 310 490 670; do
    echo "fill '${colours[$i]}' stroke '$INK' stroke-width 5 roundrectangle $((x - 75)),380 $((x + 75)),520 18,18"
    person "$x" 415 46 "$WHITE"
    i=$((i + 1))
  done
} > "$tmp/office.mvg"
draw 800 600 '#eaf1f8' "$tmp/office.mvg" "$pack/policy-office.png"

# ---- policy: honorary mayors (a medal with a star on a ribbon, citizens beside it) -----
{
  echo "fill '$BLUE' stroke '$INK' stroke-width 5"
  echo "polygon 330,40 400,40 430,250 360,250"
  echo "fill '$RED' polygon 470,40 400,40 370,250 440,250"
  echo "fill '$GOLD' stroke '$INK' stroke-width 6 circle 400,360 400,230"
  echo "fill '#ffe08a' stroke none circle 400,360 400,260"
  awk 'BEGIN { printf "fill \"#b07d00\" stroke none polygon"
    for (i = 0; i < 10; i++) { a = (-90 + 36 * i) * 3.14159265358979 / 180; r = (i % 2) ? 38 : 90
      printf " %.1f,%.1f", 400 + r * cos(a), 360 + r * sin(a) }
    printf "\n" }'
  person 130 300 110 "$TEAL"
  person 670 300 110 "$PURPLE"
} > "$tmp/mayors.mvg"
draw 800 600 '#f7f0e1' "$tmp/mayors.mvg" "$pack/policy-mayors.png"

# ---- policy: Seoul in your language (speech bubbles in four scripts round a globe) -----
{
  echo "fill '#bfe3f5' stroke '$INK' stroke-width 6 circle 400,330 400,180"
  echo "fill none stroke '$INK' stroke-width 4"
  echo "ellipse 400,330 70,150 0,360"
  echo "line 250,330 550,330"
  echo "line 270,260 530,260"
  echo "line 270,400 530,400"
  i=0
  colours=("$BLUE" "$RED" "$TEAL" "$ORANGE")
  for xy in 150,120 650,120 150,500 650,500; do
    x=${xy%,*}; y=${xy#*,}
    echo "fill '${colours[$i]}' stroke '$INK' stroke-width 5 roundrectangle $((x - 95)),$((y - 75)) $((x + 95)),$((y + 75)) 36,36"
    i=$((i + 1))
  done
} > "$tmp/languages.mvg"
convert -size 800x600 'xc:#f3f6fb' -draw "$(tr '\n' ' ' < "$tmp/languages.mvg")" -font "$font_bold" \
  -fill "$WHITE" -pointsize 100 -gravity center \
  -annotate -250-180 '가' -annotate +250-180 'A' -annotate -250+200 '中' -annotate +250+200 'あ' \
  "${png_opts[@]}" "PNG24:$pack/policy-languages.png"

# ---- poll: one card picture per option (400 x 400) -----------------------------------
# Square, the subject in the middle: the vote screen crops them to its cards (a tall card
# in a row of five on a wide screen, a wider one on other screens), so the edges are
# sky, ground or water that may go. Sized for a card (about 360 px on the 55-inch
# screen), not for the screen: each costs 400 x 400 x 4 bytes while it is decoded.
poll_pic() { # MVGFILE BG OUT
  draw 400 400 "$2" "$1" "$pack/$3"
}
# Palaces and history: a palace gate (Gwanghwamun) with its curved roof and three arches.
{
  echo "fill '#f6e7c8' stroke none rectangle 0,300 400,400"
  echo "fill '#b9b2a5' stroke '$INK' stroke-width 5 rectangle 40,220 360,320"
  echo "fill '$INK' stroke none"
  for x in 110 200 290; do echo "roundrectangle $((x - 28)),250 $((x + 28)),320 26,26"; done
  echo "fill '$RED' stroke '$INK' stroke-width 4 rectangle 90,150 310,222"
  echo "fill '$INK' stroke none"
  for x in 110 160 210 260; do echo "rectangle $x,165 $((x + 30)),208"; done
  echo "fill '$NAVY2' stroke '$INK' stroke-width 5"
  echo "path 'M 30,160 C 80,150 120,150 140,130 L 260,130 C 280,150 320,150 370,160 L 330,115 L 70,115 Z'"
  echo "path 'M 80,118 C 110,110 130,100 150,80 L 250,80 C 270,100 290,110 320,118 Z'"
  echo "fill '$GOLD' stroke '$INK' stroke-width 3 rectangle 170,88 230,108"
} > "$tmp/poll-history.mvg"
poll_pic "$tmp/poll-history.mvg" '#bfe0f5' poll-history.png
# The Han River: a bridge of arches over the water, the city and N Seoul Tower behind.
{
  echo "fill '#f2b705' stroke none circle 320,80 320,120"
  echo "fill '$NAVY2' stroke none"
  for spec in 10,190,60 70,150,50 120,175,45 250,160,55 305,185,40 345,140,55; do
    IFS=, read -r x y w <<<"$spec"
    echo "rectangle $x,$y $((x + w)),250"
  done
  echo "rectangle 192,60 202,250"
  echo "fill '$WHITE' stroke '$INK' stroke-width 4 roundrectangle 183,85 211,105 6,6"
  echo "fill '$BLUE' stroke none rectangle 0,250 400,400"
  echo "fill none stroke '$WHITE' stroke-width 6 stroke-linecap round"
  for y in 330 370; do for x in 30 130 230 330; do echo "line $x,$y $((x + 45)),$y"; done; done
  echo "fill '#d9d9d9' stroke '$INK' stroke-width 5 rectangle 0,240 400,262"
  echo "fill none stroke '$INK' stroke-width 8"
  for c in 60 200 340; do arc_lines "$c" 320 70 180 360; done
} > "$tmp/poll-river.mvg"
poll_pic "$tmp/poll-river.mvg" '#cfe3f7' poll-river.png
# Mountains and parks: two ridges, a path through a lawn, round trees.
{
  echo "fill '$GREEN' stroke '$INK' stroke-width 5"
  echo "polygon -20,260 120,70 210,190 280,110 420,260"
  echo "fill '$WHITE' stroke none polygon 120,70 95,104 145,104"
  echo "fill '$LAWN' stroke '$INK' stroke-width 5 rectangle -10,250 410,410"
  echo "fill '#e9d8a6' stroke none polygon 170,410 230,410 215,250 205,250"
  for spec in 70,300,40 330,290,45 120,345,28; do
    IFS=, read -r x y r <<<"$spec"
    echo "fill '#6b4226' stroke none rectangle $((x - 6)),$y $((x + 6)),$((y + r + 20))"
    echo "fill '#0e5a2a' stroke '$INK' stroke-width 4 circle $x,$y $((x + r)),$y"
  done
} > "$tmp/poll-mountains.mvg"
poll_pic "$tmp/poll-mountains.mvg" '#bfe0f5' poll-mountains.png
# Alleys, markets and nights out: a lit stall with a striped awning and lanterns at night.
{
  echo "fill '$GOLD' stroke none circle 330,60 330,90"
  echo "fill '$NAVY' circle 345,52 345,80"
  echo "fill '#24406b' stroke none"
  echo "rectangle 0,110 90,330"
  echo "rectangle 310,130 400,330"
  echo "fill '#ffd166'"
  for y in 140 190 240; do echo "rectangle 20,$y 40,$((y + 24))"; echo "rectangle 55,$y 75,$((y + 24))"; done
  for y in 160 210; do echo "rectangle 330,$y 350,$((y + 24))"; echo "rectangle 365,$y 385,$((y + 24))"; done
  echo "fill '$ORANGE' stroke '$INK' stroke-width 4 rectangle 100,200 300,320"
  i=0
  for x in 90 130 170 210 250 290; do
    [ $((i % 2)) = 0 ] && c="$RED" || c="$WHITE"
    echo "fill '$c' stroke '$INK' stroke-width 3 polygon $x,150 $((x + 40)),150 $((x + 40)),200 $x,200"
    i=$((i + 1))
  done
  echo "stroke '$INK' stroke-width 3 line 90,110 310,110"
  for x in 120 200 280; do
    echo "fill '$RED' stroke '$INK' stroke-width 3 ellipse $x,130 16,20 0,360"
  done
  echo "fill '#3a2a1a' stroke none rectangle 0,330 400,400"
} > "$tmp/poll-streets.mvg"
poll_pic "$tmp/poll-streets.mvg" "$NAVY" poll-streets.png
# My own neighbourhood: houses side by side, neighbours in front, a heart between them.
{
  echo "fill '#c9e4a8' stroke none rectangle 0,300 400,400"
  i=0
  colours=("$ORANGE" "$TEAL" "$PURPLE")
  for x in 20 150 280; do
    echo "fill '$WHITE' stroke '$INK' stroke-width 5 rectangle $x,170 $((x + 100)),300"
    echo "fill '${colours[$i]}' polygon $((x - 12)),175 $((x + 50)),110 $((x + 112)),175"
    echo "fill '#8fb3d9' stroke '$INK' stroke-width 3 rectangle $((x + 15)),195 $((x + 45)),225"
    echo "fill '$NAVY2' stroke none rectangle $((x + 60)),240 $((x + 85)),300"
    i=$((i + 1))
  done
  person 90 310 40 "$BLUE"
  person 310 310 40 "$RED"
  echo "fill '$RED' stroke '$INK' stroke-width 3"
  heart 200 330 28
} > "$tmp/poll-neighbours.mvg"
poll_pic "$tmp/poll-neighbours.mvg" '#dbe9f6' poll-neighbours.png

# ---- attract slides --------------------------------------------------------------------
# Brand: the mark on a navy field with soft rings.
brand_mark 1200 800 "$tmp/mark.png"
{
  echo "fill none stroke '$NAVY2' stroke-width 40"
  for r in 620 760 900 1040; do echo "circle 960,540 $((960 + r)),540"; done
} > "$tmp/rings.mvg"
convert -size 1920x1080 "xc:$NAVY" -draw "$(tr '\n' ' ' < "$tmp/rings.mvg")" "$tmp/mark.png" -gravity center \
  -composite "${png_opts[@]}" "PNG24:$pack/attract-brand.png"

# Map: the city model's own districts and river, drawn from the manifest.
python3 scripts/pack_assets.py map-mvg "$manifest" city 1840 1020 "$tmp/map.mvg"
convert -size 1840x1020 xc:'#f4f7fb' -draw "$(tr '\n' ' ' < "$tmp/map.mvg")" -gravity center \
  -background '#f4f7fb' -extent 1920x1080 "${png_opts[@]}" "PNG24:$pack/attract-map.png"

# Policy: the policy pictures as a 3 x 2 grid.
tiles=()
for n in policy-reporters policy-hall policy-access policy-staff policy-complaints brand-ballot; do
  convert "$pack/$n.png" -resize 600x450! -bordercolor '#ffffff' -border 10 "$tmp/t-$n.png"
  tiles+=("$tmp/t-$n.png")
done
convert \( "${tiles[0]}" "${tiles[1]}" "${tiles[2]}" +append \) \
        \( "${tiles[3]}" "${tiles[4]}" "${tiles[5]}" +append \) -append \
  -gravity center -background '#ffffff' -extent 1920x1080 "${png_opts[@]}" \
  "PNG24:$pack/attract-policy.png"

# Vote: ballot papers with hearts, scattered at fixed places.
{
  for spec in 220,260,-12 560,180,8 900,300,-4 1240,170,14 1600,280,-10 \
              360,700,10 760,760,-14 1120,690,6 1480,780,-6 1780,640,12; do
    IFS=, read -r x y a <<<"$spec"
    echo "push graphic-context"
    echo "translate $x,$y rotate $a"
    echo "fill '$WHITE' stroke '$INK' stroke-width 5 rectangle -95,-130 95,130"
    echo "fill '$RED' stroke none"
    heart 0 -10 55
    echo "pop graphic-context"
  done
} > "$tmp/vote.mvg"
draw 1920 1080 "$TEAL" "$tmp/vote.mvg" "$pack/attract-vote.png"

# ---- record sha256 and size in the manifest -------------------------------------------
python3 scripts/pack_assets.py update "$manifest"
for f in "$pack"/*.png; do
  size=$(stat -c %s "$f")
  if [ "$size" -gt 307200 ]; then echo "make-assets: $f is $size bytes (> 300 KB)" >&2; exit 1; fi
done
echo "make-assets: $(ls "$pack"/*.png | wc -l) images, manifest $manifest updated"
