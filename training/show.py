#!/usr/bin/env python3
"""Draw the labelled boxes of a sample (training/FORMAT.md) onto its image.

    python training/show.py build/elements/qt/qt_000000.json [--out annotated.png]
    python training/show.py build/elements/real_atspi --sample 12 --seed 1 --out /tmp/look

Each box is outlined in its class colour with the class name (and the checked
state for checkbox/radio/toggle: "+" checked, "-" unchecked) above it.
Default output: /tmp/NAME.annotated.png (kept out of the data directory).  Given
folders (or several files), it draws each sample, or ``--sample N`` of them drawn
at random, into the folder ``--out`` (default /tmp/show).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFont

COLORS = {
    "button": (255, 60, 60), "text_field": (40, 170, 255), "checkbox": (0, 220, 90),
    "radio": (255, 170, 0), "dropdown": (200, 80, 255), "toggle": (255, 0, 200),
    "slider": (0, 230, 230), "tab": (255, 230, 0), "icon": (140, 255, 60),
    "link": (60, 90, 255), "menu_item": (255, 120, 80),
}


def _font(size):
    for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        if os.path.exists(p):
            return ImageFont.truetype(p, size)
    return ImageFont.load_default()


def annotate(json_file: str, out: str | None = None, labels: bool = True) -> str:
    with open(json_file) as f:
        doc = json.load(f)
    png = os.path.splitext(json_file)[0] + ".png"
    im = Image.open(png).convert("RGB")
    ov = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(ov)
    font = _font(max(10, im.width // 110))
    for o in doc["objects"]:
        x0, y0, x1, y1 = o["box"]
        c = COLORS.get(o["cls"], (255, 255, 255))
        d.rectangle([x0, y0, x1 - 1, y1 - 1], outline=c + (255,), width=1)
        if not labels:
            continue
        t = o["cls"]
        if o.get("checked") is not None:
            t += "+" if o["checked"] else "-"
        tb = d.textbbox((0, 0), t, font=font)
        tw, th = tb[2] - tb[0], tb[3] - tb[1]
        ty = y0 - th - 3 if y0 - th - 3 >= 0 else y1 + 1
        d.rectangle([x0, ty, x0 + tw + 2, ty + th + 3], fill=(0, 0, 0, 150))
        d.text((x0 + 1, ty - tb[1] + 1), t, fill=c + (255,), font=font)
    im = Image.alpha_composite(im.convert("RGBA"), ov).convert("RGB")
    if out is None:
        out = os.path.join("/tmp", os.path.splitext(os.path.basename(json_file))[0] + ".annotated.png")
    im.save(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="+", help="sample JSON files or folders of them")
    ap.add_argument("--out")
    ap.add_argument("--sample", type=int, default=None, help="draw only this many, at random")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-labels", action="store_true", help="boxes only")
    a = ap.parse_args(argv)
    if len(a.json) == 1 and os.path.isfile(a.json[0]) and not a.sample:
        print(annotate(a.json[0], a.out, labels=not a.no_labels))
        return 0
    files = sorted(f for p in a.json for f in (
        [os.path.join(p, n) for n in os.listdir(p) if n.endswith(".json")] if os.path.isdir(p) else [p]))
    if a.sample:
        files = sorted(random.Random(a.seed).sample(files, min(a.sample, len(files))))
    out = a.out or "/tmp/show"
    os.makedirs(out, exist_ok=True)
    for f in files:
        name = os.path.splitext(os.path.basename(f))[0] + ".annotated.png"
        print(annotate(f, os.path.join(out, name), labels=not a.no_labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
