#!/usr/bin/env python3
"""Helper for scripts/make-assets.sh (stdlib only).

Subcommands:
  map-mvg MANIFEST EXHIBIT_ID WIDTH HEIGHT OUT.mvg
      Write an ImageMagick MVG drawing of the city-model exhibit EXHIBIT_ID (its district
      polygons and river, read from the manifest) scaled to WIDTH x HEIGHT, so the attract
      picture of the map is drawn from the same geometry the kiosk uses.
  update MANIFEST
      Recompute sha256 and size of every entry in the manifest's "assets" from the files
      beside it, and rewrite the manifest in the pack's fixed layout (atomic: temp file,
      fsync, rename). Exits non-zero when a named file is missing or not a PNG/JPEG.
  format MANIFEST
      Rewrite the manifest in the fixed layout without touching the asset entries.

The fixed layout is UTF-8, two-space indent, keys in the order written, and any array or
object whose one-line form fits in 100 columns kept on one line: the output depends only
on the content, so running the script twice gives identical bytes.
"""
import hashlib
import json
import os
import sys

LINE = 100


def _one_line(v):
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def dump(v, indent=0):
    """The pack's fixed JSON layout (see the module comment)."""
    pad = "  " * indent
    flat = _one_line(v)
    if not isinstance(v, (dict, list)) or len(pad) + len(flat) <= LINE or not v:
        return flat
    inner = "  " * (indent + 1)
    if isinstance(v, list):
        # Arrays of numbers or of points ([x, y]) wrap as a paragraph, not one per line.
        if all(isinstance(e, (int, float)) or (isinstance(e, list) and all(
                isinstance(n, (int, float)) for n in e)) for e in v):
            lines, cur = [], ""
            for e in v:
                s = _one_line(e)
                if cur and len(inner) + len(cur) + len(s) + 2 > LINE:
                    lines.append(cur + ",")
                    cur = s
                else:
                    cur = cur + ", " + s if cur else s
            lines.append(cur)
            return "[\n" + "\n".join(inner + ln for ln in lines) + "\n" + pad + "]"
        return "[\n" + ",\n".join(inner + dump(e, indent + 1) for e in v) + "\n" + pad + "]"
    items = [inner + json.dumps(k, ensure_ascii=False) + ": " + dump(x, indent + 1)
             for k, x in v.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


def cmd_update(manifest_path):
    m = load(manifest_path)
    base = os.path.dirname(os.path.abspath(manifest_path))
    bad = 0
    for i, a in enumerate(m.get("assets", [])):
        p = os.path.join(base, a["name"])
        try:
            with open(p, "rb") as f:
                data = f.read()
        except OSError as e:
            print("error   assets[%d]: %s: %s" % (i, a["name"], e.strerror), file=sys.stderr)
            bad += 1
            continue
        sig = SIGNATURES.get(a.get("type"))
        if sig is None or not data.startswith(sig):
            print("error   assets[%d]: %s is not a %s file" % (i, a["name"], a.get("type")),
                  file=sys.stderr)
            bad += 1
            continue
        a["sha256"] = hashlib.sha256(data).hexdigest()
        a["size"] = len(data)
    if bad:
        return 1
    write_atomic(manifest_path, dump(m) + "\n")
    return 0


def cmd_format(manifest_path):
    write_atomic(manifest_path, dump(load(manifest_path)) + "\n")
    return 0


# Fill colours for the districts: light, distinct hues so the map reads in colour and the
# dark outlines keep every border visible in greyscale.
PALETTE = ["#f6c9a8", "#c9e4a8", "#a8d8e4", "#e4c9f0", "#f3e39b", "#b8d0f5", "#f5b8c8",
           "#bfe8cf"]


def cmd_map_mvg(manifest_path, exhibit_id, width, height, out):
    m = load(manifest_path)
    ex = next((e for e in m["exhibits"] if e.get("id") == exhibit_id), None)
    if ex is None or ex.get("kind") != "city-model":
        print("error   no city-model exhibit %r in %s" % (exhibit_id, manifest_path),
              file=sys.stderr)
        return 1
    vw, vh = float(ex["viewbox"]["w"]), float(ex["viewbox"]["h"])
    width, height = int(width), int(height)
    s = min(width / vw, height / vh)
    ox, oy = (width - vw * s) / 2, (height - vh * s) / 2

    def pt(p):
        return "%.1f,%.1f" % (ox + p[0] * s, oy + p[1] * s)

    lines = ["viewbox 0 0 %d %d" % (width, height), "stroke-linejoin round"]
    for i, d in enumerate(ex["districts"]):
        lines.append("fill '%s' stroke '#1d2b3a' stroke-width %.1f" %
                     (PALETTE[i % len(PALETTE)], max(1.0, 2.0 * s)))
        lines.append("polygon " + " ".join(pt(p) for p in d["points"]))
    river = ex.get("river")
    if river:
        path = "M " + " L ".join(pt(p).replace(",", " ") for p in river["points"])
        lines.append("fill none stroke '#1f5fbf' stroke-width %.1f" % (12.0 * s))
        lines.append("path '%s'" % path)
    write_atomic(out, "\n".join(lines) + "\n")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "update":
        return cmd_update(argv[2])
    if len(argv) == 3 and argv[1] == "format":
        return cmd_format(argv[2])
    if len(argv) == 7 and argv[1] == "map-mvg":
        return cmd_map_mvg(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
