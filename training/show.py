#!/usr/bin/env python3
"""Draw the labelled boxes of a sample (training/FORMAT.md) onto its image.

    python training/show.py build/elements/qt/qt_000000.json [--out annotated.png]

Each box is outlined in its class colour with the class name (and the checked
state for checkbox/radio/toggle: "+" checked, "-" unchecked) above it.
Default output: /tmp/NAME.annotated.png (kept out of the data directory).
"""
from __future__ import annotations

import argparse
import json
import os
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
    ap.add_argument("json")
    ap.add_argument("--out")
    ap.add_argument("--no-labels", action="store_true", help="boxes only")
    a = ap.parse_args(argv)
    print(annotate(a.json, a.out, labels=not a.no_labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
