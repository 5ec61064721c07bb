#!/usr/bin/env python3
"""Build picoagent/data/glyphs.npz: the rendered glyph templates of the one-symbol
button classifier (picoagent/vision/glyphs.py).

Every symbol (and, as "leave it to OCR" classes, every ASCII letter) is rendered
black on white with PIL in the fonts below that have it (TrueType/Type 1 at
several pixel sizes, regular and bold; X bitmap fonts at their native size), run
through the same ink extraction and normalisation as a screen crop, and
near-duplicates of one class are dropped.

    .venv/bin/python scripts/make_glyph_templates.py [--out picoagent/data/glyphs.npz]

Deterministic for a given set of installed fonts; the committed file was made with
Debian's fonts-dejavu-core, fonts-dejavu-extra, fonts-liberation, fonts-urw-base35,
fonts-noto-mono, fonts-droid-fallback and xfonts-base (~90 s).
"""
from __future__ import annotations

import argparse
import gzip
import io
import string
import struct
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from picoagent.vision.glyphs import SOLID, TINY, glyph_image, image_vector, ink  # noqa: E402,E501

#: class label -> characters drawn for it
VARIANTS: dict[str, str | list[str]] = {
    **{d: d for d in string.digits},
    # (heavy dingbats such as ➕ ✚ ✱ ➗ and the filled arrows ⬅ ➡ are left out: small,
    # they are blobs that look like any filled icon: ◆ read as +, ★ as *)
    "+": "+", "-": "-−–—", "*": "*∗", "/": "/∕", "=": "=", "%": "%",
    ".": ".", ",": ",", "(": "(", ")": ")", "×": "×✕✖⨯", "÷": "÷", "±": "±",
    "√": ["√", "√‾", "√¯"], "←": "←⟵", "→": "→⟶", "↑": "↑", "↓": "↓", "✓": "✓✔",
    "⚙": "⚙⛭", "☰": "☰≡", "⌫": "⌫", "#": "#", "<": "<", ">": ">", "^": "^",
    "!": "!", "?": "?", "&": "&", "@": "@", ":": ":", "$": "$",
    **{c: c for c in string.ascii_letters}, "π": "π",
}

TTF_DIRS = ["/usr/share/fonts/truetype", "/usr/share/fonts/opentype",
            "/usr/share/fonts/type1", "/usr/share/fonts/X11/Type1"]
#: font files (basename) to use; any missing one is skipped
FONT_FILES = [
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf", "DejaVuSansCondensed.ttf", "DejaVuSans-ExtraLight.ttf",
    "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf", "NimbusSans-Regular.otf", "NimbusSans-Bold.otf",
    "NimbusRoman-Regular.otf", "NimbusMonoPS-Regular.otf", "StandardSymbolsPS.otf",
    "NotoMono-Regular.ttf", "NotoSansMono-Regular.ttf", "DroidSansFallbackFull.ttf",
    "DejaVuMathTeXGyre.ttf", "C059-Roman.otf", "URWGothic-Book.otf",
]
SIZES = [9, 10, 11, 12, 13, 15, 18, 24, 36]        # pixels per em
BITMAP_DIR = Path("/usr/share/fonts/X11/misc")
BITMAP_FONTS = ["5x8", "6x9", "6x10", "6x12", "6x13", "6x13B", "7x13", "7x13B", "7x14",
                "7x14B", "8x13", "8x13B", "9x15", "9x15B", "9x18", "9x18B", "10x20",
                "12x24", "clR6x12", "clR8x14", "clB8x13"]
DEDUPE = 0.9            # a template this close to a kept one of its class is dropped
MIN_SIDE = 4            # smaller renderings are blobs (only TINY classes keep them)
TOFU = "\U0010FFFD"     # no font has it: what a missing glyph renders as


def find_fonts() -> list[Path]:
    found = {}
    for d in TTF_DIRS:
        for p in Path(d).rglob("*"):
            if p.suffix.lower() in (".ttf", ".otf") and p.name in FONT_FILES:
                found.setdefault(p.name, p)
    return [found[n] for n in FONT_FILES if n in found]


def render_ttf(font: ImageFont.FreeTypeFont, ch: str) -> np.ndarray:
    size = font.size
    img = Image.new("L", (size * 4, size * 3), 255)
    ImageDraw.Draw(img).text((size, size // 2), ch, font=font, fill=0)
    return np.asarray(img)


def has_glyph(font, ch: str, tofu: np.ndarray) -> bool:
    g = render_ttf(font, ch)
    return bool((g < 128).any()) and not np.array_equal(g, tofu)


_PARTS: dict = {}


def big_shape(font, ch: str) -> tuple[int, float] | None:
    """(separate strokes, short/long side ratio) of ``ch`` in this font at 64 pixels."""
    key = (font.path, ch)
    if key not in _PARTS:
        ik = ink(face(render_ttf(ImageFont.truetype(font.path, 64), ch)))
        _PARTS[key] = (ik.parts, min(ik.box[2:]) / max(ik.box[2:])) if ik.parts else None
    return _PARTS[key]


def face(gray: np.ndarray) -> np.ndarray:
    return np.repeat(gray[:, :, None], 3, 2)


def vector_of(gray: np.ndarray, label: str, big: tuple[int, float] | None = None):
    """The template of one rendering; None when it is degenerate: strokes merged or
    broken at this size (a different number of parts than at 64 pixels) or squashed
    to a bar two pixels thin although the glyph is not thin."""
    ik = ink(face(gray))
    if not ik.parts:
        return None
    x, y, w, h = ik.box
    if big is not None:
        parts, ratio = big
        if ik.parts != parts or (min(w, h) < 3 and ratio >= 0.3):
            return None
    if label not in "-." and ik.mask[y:y + h, x:x + w].mean() >= SOLID:
        return None     # a solid block (a small filled arrow): no shape left
    if max(w, h) < MIN_SIDE and label not in TINY:
        return None
    img, aspect = glyph_image(ik.mask[y:y + h, x:x + w])
    img = np.round(img * 255) / 255              # as stored
    return image_vector(img), aspect, h, img


# ---- X bitmap fonts (PCF), all code points ----------------------------------------------
PCF_METRICS, PCF_BITMAPS, PCF_ENCODINGS = 1 << 2, 1 << 3, 1 << 5


def load_pcf(path: Path) -> dict[int, np.ndarray]:
    """code point -> glyph bitmap (bool) of a PCF font (unicode encoded)."""
    data = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    f = io.BytesIO(data)
    assert f.read(4) == b"\x01fcp"
    (count,) = struct.unpack("<i", f.read(4))
    toc = {}
    for _ in range(count):
        t, fmt, size, off = struct.unpack("<iiii", f.read(16))
        toc[t] = (fmt, off)

    def table(t):
        fmt, off = toc[t]
        f.seek(off)
        (fmt,) = struct.unpack("<i", f.read(4))
        e = ">" if fmt & 4 else "<"
        return fmt, e

    fmt, e = table(PCF_METRICS)
    metrics = []
    if fmt & 0x100:       # compressed metrics
        (n,) = struct.unpack(e + "h", f.read(2))
        for _ in range(n):
            lb, rb, wd, asc, desc = (b - 0x80 for b in f.read(5))
            metrics.append((rb - lb, asc + desc))
    else:
        (n,) = struct.unpack(e + "i", f.read(4))
        for _ in range(n):
            lb, rb, wd, asc, desc, _a = struct.unpack(e + "hhhhhH", f.read(12))
            metrics.append((rb - lb, asc + desc))
    fmt, e = table(PCF_BITMAPS)
    (n,) = struct.unpack(e + "i", f.read(4))
    offsets = list(struct.unpack(e + "%di" % n, f.read(4 * n)))
    sizes = struct.unpack(e + "4i", f.read(16))
    pad = fmt & 3
    blob = f.read(sizes[pad])
    msb_bit = bool(fmt & 8)
    row_bytes_unit = 1 << pad
    bitmaps = []
    for i, (w, h) in enumerate(metrics):
        stride = ((w + 7) // 8 + row_bytes_unit - 1) // row_bytes_unit * row_bytes_unit
        raw = np.frombuffer(blob, np.uint8, count=stride * h, offset=offsets[i]) \
            .reshape(h, stride) if h and w else np.zeros((0, 0), np.uint8)
        bits = np.unpackbits(raw, axis=1, bitorder="big" if msb_bit else "little")
        bitmaps.append(bits[:, :w].astype(bool))
    fmt, e = table(PCF_ENCODINGS)
    fc, lc, fr, lr, _default = struct.unpack(e + "5h", f.read(10))
    ncols = lc - fc + 1
    nenc = ncols * (lr - fr + 1)
    idx = struct.unpack(e + "%dH" % nenc, f.read(2 * nenc))
    out = {}
    for k, g in enumerate(idx):
        if g != 0xFFFF:
            out[((k // ncols + fr) << 8) | (k % ncols + fc)] = bitmaps[g]
    return out


def bitmap_gray(bits: np.ndarray) -> np.ndarray | None:
    if not bits.any():
        return None
    h, w = bits.shape
    img = np.full((h + 12, w + 12), 255, np.uint8)
    img[6:6 + h, 6:6 + w][bits] = 0
    return img


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent /
                                          "picoagent" / "data" / "glyphs.npz"))
    ap.add_argument("--dedupe", type=float, default=DEDUPE)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = ap.parse_args()
    sizes = [int(v) for v in args.sizes.split(",")]
    # label -> [(vector, log aspect, ink height in em, image, source)]
    samples: dict[str, list[tuple]] = {c: [] for c in VARIANTS}
    fonts = find_fonts()
    for path in fonts:
        for size in sizes:
            font = ImageFont.truetype(str(path), size)
            tofu = render_ttf(font, TOFU)
            for label, chars in VARIANTS.items():
                for ch in chars:
                    if not all(has_glyph(font, c, tofu) for c in ch):
                        continue
                    g = render_ttf(font, ch)
                    v = vector_of(g, label, big_shape(font, ch))
                    if v is not None:
                        samples[label].append((v[0], v[1], v[2] / size, v[3],
                                               f"{path.stem}@{size}:{ch}"))
    for name in BITMAP_FONTS:
        path = BITMAP_DIR / f"{name}.pcf.gz"
        if not path.exists():
            continue
        glyphs = load_pcf(path)
        em = int(name.rstrip("BO").split("x")[-1])          # 6x13 -> 13 pixels
        for label, chars in VARIANTS.items():
            for ch in chars:
                if len(ch) > 1:
                    continue
                bits = glyphs.get(ord(ch))
                g = bitmap_gray(bits) if bits is not None else None
                v = vector_of(g, label) if g is not None else None
                if v is not None:
                    samples[label].append((v[0], v[1], v[2] / em, v[3], f"{name}:{ch}"))
    images, aspects, heights, labels, sources = [], [], [], [], []
    for label, items in samples.items():
        kept: list[np.ndarray] = []
        kept_a: list[float] = []
        kept_h: list[float] = []
        for v, a, rel, img, src in items:
            if kept:
                sim = np.stack(kept) @ v
                close = (sim > args.dedupe) & (np.abs(np.array(kept_a) - a) < 0.1) & \
                    (np.abs(np.log(np.array(kept_h) / rel)) < 0.2)
                if close.any():
                    continue
            kept.append(v)
            kept_a.append(a)
            kept_h.append(rel)
            images.append(img)
            aspects.append(a)
            heights.append(rel)
            labels.append(label)
            sources.append(src)
    np.savez_compressed(args.out, images=np.round(np.stack(images) * 255).astype(np.uint8),
                        aspect=np.array(aspects, np.float16),
                        height=np.array(heights, np.float16),
                        labels=np.array(labels), sources=np.array(sources))
    per = {lab: labels.count(lab) for lab in VARIANTS}
    print(f"{len(labels)} templates from {len(fonts)} fonts + bitmap fonts -> {args.out}")
    print("missing:", [k for k, n in per.items() if n == 0])
    print({k: per[k] for k in VARIANTS if not k.isalpha()})


if __name__ == "__main__":
    main()
