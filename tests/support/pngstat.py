#!/usr/bin/env python3
"""Print facts about a PNG for tests that must judge a picture, with the stdlib only:
   width height distinct_colours fraction_of_pixels_unlike_the_corner
The last figure says how much is drawn on the background (0.0 = blank).

`pngstat.py --detail FILE...` prints one JSON object per file, one a line, with more:
  colours     distinct colours (sampled)
  drawn       fraction of pixels unlike the most common colour (the background)
  edges       high-contrast edges found along every other row (luminance steps >= 96)
  text_tiles  64x64 tiles holding text-like strokes: at least 6 pairs of such edges
              2..24 px apart (a glyph's stroke), on at least 3 different rows
  digest      SHA-256 of the decoded pixels (two screens alike have the same digest)"""
import hashlib
import json
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit(f"{path}: only 8-bit RGB/RGBA, non-interlaced PNGs are read here")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def detail(path):
    w, h, bpp, rows = read_png(path)
    digest = hashlib.sha256()
    counts = {}
    step = max(1, (w * h) // 400000)
    k = 0
    for row in rows:
        digest.update(row)
        for x in range(0, w * bpp, bpp * step):
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
            k += 1
    bg = max(counts, key=counts.get)
    drawn = 1.0 - counts[bg] / max(k, 1)
    tile = 64
    tw, th = (w + tile - 1) // tile, (h + tile - 1) // tile
    pairs = [0] * (tw * th)
    rowsets = [set() for _ in range(tw * th)]
    edges = 0
    for y in range(0, h, 2):
        row = rows[y]
        if bpp == 4:
            r, g, b = row[0::4], row[1::4], row[2::4]
        else:
            r, g, b = row[0::3], row[1::3], row[2::3]
        lum = [(77 * a + 150 * c + 29 * d) >> 8 for a, c, d in zip(r, g, b)]
        last, prev_edge = -100, -100
        for x in range(2, w):
            if abs(lum[x] - lum[x - 2]) >= 96:
                if x - last > 2:  # a new edge (anti-aliasing spreads one over ~2 px)
                    edges += 1
                    gap = x - prev_edge
                    if 2 <= gap <= 24:
                        t = (y // tile) * tw + x // tile
                        pairs[t] += 1
                        rowsets[t].add(y)
                    prev_edge = x
                last = x
    text_tiles = sum(1 for i in range(tw * th) if pairs[i] >= 6 and len(rowsets[i]) >= 3)
    return {"file": path, "width": w, "height": h, "colours": len(counts), "drawn": round(drawn, 4),
            "edges": edges, "text_tiles": text_tiles, "digest": digest.hexdigest()}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--detail":
        for path in sys.argv[2:]:
            print(json.dumps(detail(path)), flush=True)
        return
    w, h, bpp, rows = read_png(sys.argv[1])
    corner = rows[0][0:3]
    colours, unlike, total = set(), 0, 0
    step = max(1, (w * h) // 400000)  # sample big images
    k = 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            k += 1
            if k % step:
                continue
            px = row[x:x + 3]
            colours.add(px)
            total += 1
            if px != corner:
                unlike += 1
    print(w, h, len(colours), f"{unlike / max(total, 1):.4f}")


if __name__ == "__main__":
    main()
