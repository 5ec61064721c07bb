#!/usr/bin/env python3
"""One-symbol buttons on real programs: capture fixtures and measure readers.

``capture`` runs real programs on a private Xvfb (xcalc in TI and RPN mode, the Tk
keypad tests/apps/keypad.py in light and dark themes) and headless Chromium
(tests/apps/keypad.html), and writes each window as tests/data/glyphs/<name>.png
with <name>.json: every button's box (from the program: Tk geometry, DOM
getBoundingClientRect, or for xcalc the button grid measured from the image) and
label.

``measure`` reads the fixtures and counts, per program, the one-symbol buttons read
correctly by
  * full-frame OCR: ``Vision.text_lines`` on the window, lines centred in the button;
  * crop OCR: ``OcrEngine.read`` (detection + recognition) on the button crop;
  * each of those with look-alikes folded (``glyphs.canonical_symbol``);
  * ``glyphs.read_symbol`` on the button crop.

    .venv/bin/python benchmarks/glyph_screens.py capture      # needs Xvfb, xcalc, chromium
    .venv/bin/python benchmarks/glyph_screens.py measure [-v]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "data" / "glyphs"

XCALC_TI = [["1/x", "x²", "√", "CE/C", "AC"], ["INV", "sin", "cos", "tan", "DRG"],
            ["e", "EE", "log", "ln", "y^x"], ["not", "and", "or", "xor", "trunc"],
            ["π", "x!", "(", ")", "base"], ["shl", "D", "E", "F", "shr"],
            ["mod", "A", "B", "C", "÷"], ["STO", "7", "8", "9", "*"],
            ["RCL", "4", "5", "6", "-"], ["SUM", "1", "2", "3", "+"],
            ["EXC", "0", ".", "+/-", "="]]
XCALC_RPN = [["√", "e^x", "10^x", "y^x", "1/x", "CHS", "7", "8", "9", "÷"],
             ["x!", "π", "sin", "cos", "tan", "EEX", "4", "5", "6", "*"],
             ["Rv", "x:y", "<-", "1", "2", "3", "-"],          # 2 blanks, ENTER (tall)
             ["ON", "DRG", "INV", "STO", "RCL", "0", ".", "SUM", "+"]]


def single(label: str) -> bool:
    """A one-symbol button: one character, or a symbol spelled with several."""
    from picoagent.vision.glyphs import canonical_symbol
    return len(label) == 1 or len(canonical_symbol(label)) == 1


# ---- capture ------------------------------------------------------------------------------
def start_xvfb(size="1280x720x24"):
    from tests.helpers import start_xvfb as start
    p, os.environ["DISPLAY"] = start(size)
    return p


def grab(box):
    import mss
    x, y, w, h = box
    with mss.MSS() as s:
        img = np.array(s.grab({"left": x, "top": y, "width": w, "height": h}))
    return np.ascontiguousarray(img[:, :, 2::-1])


def save(name, img, buttons, program):
    from PIL import Image
    OUT.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img).save(OUT / f"{name}.png", optimize=True)
    write_doc(name, program, [img.shape[1], img.shape[0]], buttons)
    print(f"{name}: {len(buttons)} buttons, {img.shape[1]}x{img.shape[0]}")


def write_doc(name, program, size, buttons):
    """<name>.json: one line per button: label, box (x, y, w, h in the PNG's pixels),
    kind ("symbol": one symbol the classifier knows, "letter", "other": a symbol
    outside its set, "word": several characters) and the canonical symbol."""
    from picoagent.vision.glyphs import canonical_symbol

    def kind(label):
        if not single(label):
            return "word"
        c = canonical_symbol(label)
        return "letter" if c.isalpha() else ("symbol" if in_set(label) else "other")

    rows = [json.dumps({"label": lab, "box": [int(v) for v in box], "kind": kind(lab),
                        "symbol": canonical_symbol(lab) if single(lab) else None},
                       ensure_ascii=False) for lab, box in buttons]
    (OUT / f"{name}.json").write_text(
        "{" + f'"program": {json.dumps(program)}, "size": {json.dumps(size)},\n'
        + '"buttons": [\n' + ",\n".join(rows) + "\n]}\n")


def window_box(pid_cls: str):
    wid = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--class", pid_cls],
                         capture_output=True, text=True, timeout=20).stdout.split()[0]
    g = dict(line.split("=") for line in subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", wid], capture_output=True, text=True,
        timeout=10).stdout.split())
    return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])


def xcalc_buttons(img, layout, sizes=((25, 60), (15, 40))):
    """Button faces = white regions enclosed by the 1-pixel black button borders."""
    import cv2
    g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    n, _lab, st, _ = cv2.connectedComponentsWithStats((g > 128).astype(np.uint8), 4)
    faces = [tuple(int(v) for v in st[i][:4]) for i in range(1, n)
             if sizes[0][0] <= st[i][2] <= sizes[0][1] and sizes[1][0] <= st[i][3] <= sizes[1][1]
             and st[i][4] > 0.6 * st[i][2] * st[i][3]]
    faces.sort(key=lambda b: (b[1] // 10, b[0]))
    labels = [lab for row in layout for lab in row]
    assert len(faces) == len(labels), (len(faces), len(labels))
    return [(lab, (x - 1, y - 1, w + 2, h + 2)) for lab, (x, y, w, h) in zip(labels, faces)]


def capture_xcalc(name, args, layout, sizes=((25, 60), (15, 40))):
    p = subprocess.Popen(["xcalc", *args, "-geometry", "+10+10"])
    try:
        time.sleep(1.0)
        box = window_box("xcalc")
        time.sleep(0.5)
        img = grab(box)
        save(name, img, xcalc_buttons(img, layout, sizes), " ".join(["xcalc", *args]))
    finally:
        p.terminate()
        p.wait(5)


def capture_tk(name, *args):
    p = subprocess.Popen([sys.executable, str(ROOT / "tests" / "apps" / "keypad.py"),
                          "--geometry", "+10+10", *args], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(p.stdout.readline())
        time.sleep(0.5)
        wx, wy, ww, wh = info["window"]
        img = grab((wx, wy, ww, wh))
        save(name, img, [(b["label"], (b["box"][0] - wx, b["box"][1] - wy, *b["box"][2:]))
                         for b in info["buttons"]], "tk keypad " + " ".join(args))
    finally:
        p.terminate()
        p.wait(5)


def capture_chromium(name, scale=1.0, css=""):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                               args=["--no-sandbox", "--disable-gpu"])
        pg = b.new_page(viewport={"width": 820, "height": 580}, device_scale_factor=scale)
        pg.goto((ROOT / "tests" / "apps" / "keypad.html").as_uri())
        if css:
            pg.add_style_tag(content=css)
        pg.wait_for_timeout(300)
        png = pg.screenshot()
        boxes = pg.evaluate("""() => [...document.querySelectorAll('button')].map(b => {
            const r = b.getBoundingClientRect();
            return [b.textContent, [r.x, r.y, r.width, r.height]]; })""")
        b.close()
    import io
    from PIL import Image
    img = np.array(Image.open(io.BytesIO(png)).convert("RGB"))
    save(name, img, [(lab, [round(v * scale) for v in box]) for lab, box in boxes],
         f"chromium tests/apps/keypad.html, device scale {scale}" + (f", {css}" if css else ""))


def capture(holdout: bool) -> None:
    xvfb = start_xvfb()
    if holdout:
        # fonts and scales the glyph templates were not made from, captured after the
        # classifier and read_symbol were tuned on the set above
        try:
            capture_xcalc("ho_xcalc_clean", ["-xrm", "XCalc*Font: -schumacher-clean-medium-"
                                             "r-normal--14-140-75-75-c-70-iso646.1991-irv"],
                          [["x" if lab == "x²" else lab for lab in row] for row in XCALC_TI],
                          ((20, 80), (12, 50)))          # this font has no ²
            capture_tk("ho_tk_bookman", "--theme", "light", "--size", "13", "--font",
                       "URW Bookman")
            capture_tk("ho_tk_narrow_dark", "--theme", "dark", "--size", "11", "--font",
                       "Nimbus Sans Narrow", "--weight", "bold")
        finally:
            xvfb.terminate()
        capture_chromium("ho_chromium_125", 1.25, "button { font-family: P052, serif; }")
        capture_chromium("ho_chromium_2x", 2.0)
        return
    try:
        capture_xcalc("xcalc", [], XCALC_TI)
        capture_xcalc("xcalc_rpn", ["-rpn"], XCALC_RPN)
        capture_tk("tk_light", "--theme", "light", "--size", "12")
        capture_tk("tk_dark", "--theme", "dark", "--size", "9")
        capture_tk("tk_serif", "--theme", "light", "--size", "16", "--font",
                   "Liberation Serif")
    finally:
        xvfb.terminate()
    capture_chromium("chromium")


# ---- measure ------------------------------------------------------------------------------
def fixtures():
    from PIL import Image
    for js in sorted(OUT.glob("*.json")):
        doc = json.loads(js.read_text())
        img = np.array(Image.open(js.with_suffix(".png")).convert("RGB"))
        yield js.stem, img, doc


def crop(img, box, margin=0):
    x, y, w, h = box
    x0, y0 = max(0, x - margin), max(0, y - margin)
    return np.ascontiguousarray(img[y0:y + h + margin, x0:x + w + margin])


def in_set(label: str) -> bool:
    """A one-symbol label the classifier has a class for (or a letter, left to OCR)."""
    from picoagent.vision.glyphs import canonical_symbol, classifier
    c = canonical_symbol(label)
    return c in classifier().classes or c.isalpha()


COLUMNS = ["full", "full_fold", "crop", "crop_fold", "ink_fold", "glyph", "read"]
HEAD = {"full": "full-frame OCR (NFKC)", "full_fold": "+ look-alikes", "crop": "crop OCR",
        "crop_fold": "+ look-alikes", "ink_fold": "ink-box OCR + look-alikes",
        "glyph": "glyph classifier alone", "read": "**read_symbol**"}


def measure(verbose: bool) -> None:
    from picoagent.vision import Vision
    from picoagent.vision.frame import Frame
    from picoagent.vision.glyphs import (canonical_symbol, ocr_ink, read_symbol,
                                         symbol_equivalent)

    def normalise(t: str) -> str:         # textmatch.normalise before look-alike folding
        return " ".join(unicodedata.normalize("NFKC", t).casefold().split())

    v = Vision(threads=1)
    rows, t_glyph, t_read, right_conf, other_conf = [], [], [], [], []
    words = [0, 0]
    for name, img, doc in fixtures():
        lines = v.text_lines(Frame(img))
        c = dict.fromkeys(COLUMNS, 0)
        n = 0
        notes = []
        for b in doc["buttons"]:
            lab, (x, y, w, h) = b["label"], b["box"]
            cr = crop(img, b["box"])
            t = time.perf_counter()
            text = ocr_ink(cr, v.ocr)
            t1 = time.perf_counter()
            r = read_symbol(cr, text=text)
            t2 = time.perf_counter()
            if b["kind"] == "word":                   # must come back as OCR's text
                words[0] += 1
                words[1] += r.source == "ocr" and r.symbol == canonical_symbol(text[0])
                if not symbol_equivalent(lab, r.symbol):
                    notes.append(f"  word {lab!r} -> {r.symbol!r} ({r.source})")
                continue
            if b["kind"] == "other":                  # out of the set: must not be claimed
                other_conf.append(r.conf if r.is_symbol else 0.0)
                notes.append(f"  other {lab!r} -> {r.symbol!r} {r.source} {r.conf:.2f}")
                continue
            n += 1
            t_read.append(t2 - t1 + (t1 - t))
            t_glyph.append(t2 - t1)
            inside = [ln for ln in lines if x <= ln.box[0] + ln.box[2] / 2 < x + w
                      and y <= ln.box[1] + ln.box[3] / 2 < y + h]
            full = " ".join(ln.text for ln in inside)
            crop_text = " ".join(ln.text for ln in v.ocr.read(cr))
            g = read_symbol(cr, text=("", 0.0))
            ok = dict(full=normalise(full) == normalise(lab) and bool(full),
                      full_fold=symbol_equivalent(lab, full),
                      crop=normalise(crop_text) == normalise(lab) and bool(crop_text),
                      crop_fold=symbol_equivalent(lab, crop_text),
                      ink_fold=symbol_equivalent(lab, text[0]),
                      glyph=symbol_equivalent(lab, g.symbol),
                      read=symbol_equivalent(lab, r.symbol))
            for k in c:
                c[k] += ok[k]
            if ok["read"]:
                right_conf.append(r.conf)
            if verbose or not ok["read"]:
                notes.append(f"  {lab!r:6} full={full!r:8} crop={crop_text!r:8} "
                             f"ink={text[0]!r:6} glyph={g.symbol!r:5} -> {r.symbol!r} "
                             f"({r.source} {r.conf:.2f})" + ("" if ok["read"] else "  WRONG"))
        rows.append((name, n, c))
        print(f"{name}: {n} one-symbol buttons  " + "  ".join(f"{k}={m}" for k, m in c.items()),
              flush=True)
        for note in notes:
            print(note)
    print()
    print("| screen | buttons | " + " | ".join(HEAD[k] for k in COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    for group in (False, True):
        tot = dict.fromkeys(COLUMNS, 0)
        total = 0
        for name, n, c in rows:
            if name.startswith("ho_") != group:
                continue
            print(f"| {name} | {n} | " + " | ".join(str(c[k]) for k in COLUMNS) + " |")
            total += n
            for k in c:
                tot[k] += c[k]
        label = "**held out**" if group else "**tuned on**"
        print(f"| {label} | {total} | " + " | ".join(f"{tot[k]} ({100 * tot[k] / total:.0f}%)"
                                                 for k in COLUMNS) + " |")
    tg, tr = np.array(t_glyph) * 1000, np.array(t_read) * 1000
    print(f"\nread_symbol without OCR: median {np.median(tg):.1f} ms (p90 "
          f"{np.percentile(tg, 90):.1f}); with the ink-box OCR: median {np.median(tr):.1f} ms")
    print(f"several-character labels returned as OCR's text: {words[1]}/{words[0]}")
    print(f"confidence of right readings: min {min(right_conf):.2f}, 5th percentile "
          f"{np.percentile(right_conf, 5):.2f}; symbols claimed on out-of-set icons: "
          + ", ".join(f"{x:.2f}" for x in sorted(other_conf, reverse=True) if x))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["capture", "measure"])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--holdout", action="store_true", help="capture the held-out screens")
    a = ap.parse_args()
    capture(a.holdout) if a.what == "capture" else measure(a.verbose)


if __name__ == "__main__":
    main()
