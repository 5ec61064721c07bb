#!/usr/bin/env python3
"""Re-create the screen-size corpus in this folder: the programs of
tests/data/corpus at 800x480 (the Raspberry Pi 7-inch touchscreen), 1280x720 and
1920x1080 (HDMI monitors), with their true text boxes.

Every PNG is a genuine capture of a real program on a private Xvfb of that size
(no window manager, grabbed with mss); the web pages are rendered by headless
Chromium's own --screenshot at that window size.  The X11 helpers (launching,
moving, grabbing) are tests/data/corpus/capture.py's.

True boxes are never taken from OCR:

- **transfer** (programs of tests/data/corpus): a program draws the same pixels
  at any screen size, so each target's ink box of corpus.json, padded by
  ``PAD`` px, is searched for pixel-exactly in the new capture; a target counts
  only where the patch occurs exactly once, wholly on screen.
- **layout** (pages/kiosk_fluid.html, a page whose layout follows the window):
  Chromium's text-range rect of the target (the page's --dump-dom probe), then
  the tight box of the pixels inside it that differ from its background colour
  by more than 32 in any channel.

Needs what tests/data/corpus/capture.py needs.

    .venv/bin/python tests/data/corpus_sizes/capture.py                 # every size
    .venv/bin/python tests/data/corpus_sizes/capture.py --size 800x480
    .venv/bin/python tests/data/corpus_sizes/capture.py --truth-only    # boxes only

It rewrites sizes.json from the PNGs on disk after the captures.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.join(REPO, "tests", "data", "corpus")
SIZES = ((800, 480), (1280, 720), (1920, 1080))
PAD = 2                 # px of context around a transferred ink box
TOLERANCE = 16          # per channel: a focused button's glow, not another text
INK = 32                # an ink pixel differs from the background by more than this

_spec = importlib.util.spec_from_file_location("corpus_capture",
                                               os.path.join(CORPUS, "capture.py"))
cc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cc)


def set_size(w: int, h: int) -> None:
    cc.W, cc.H = w, h        # the corpus helpers (start_xvfb, centred) read these


def out_path(name: str) -> str:
    return os.path.join(HERE, f"{cc.W}x{cc.H}", name)


def save(img: Image.Image, name: str) -> None:
    assert img.size == (cc.W, cc.H), img.size
    path = out_path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.convert("RGB").save(path, optimize=True)
    print(f"  wrote {cc.W}x{cc.H}/{name} ({os.path.getsize(path)} bytes)")


def shoot(cmd, title, name, pos="centre", settle=1.5):
    p = cc.launch(cmd)
    try:
        wid = cc.find_window(title)
        time.sleep(0.5)
        if pos == "centre":
            pos = cc.centred(wid)
        elif callable(pos):
            pos = pos(cc.geometry(wid))
        cc.move(wid, *pos)
        time.sleep(settle)
        print(f"  {name}: window {title!r} at {cc.geometry(wid)}")
        save(cc.grab(), name)
    finally:
        cc.stop(p)


# ----------------------------------------------------------------- the screens
def s_xcalc():
    # left third, as a calculator beside other windows
    shoot(["xcalc"], "^Calculator$", "xcalc.png",
          pos=lambda g: (max(0, cc.W // 3 - g[2]) // 2 + 20, max(0, cc.H - g[3]) // 2))


def s_zenity_entry():
    shoot(["zenity", "--entry", "--title=Sign in", "--text=Enter your user name:",
           "--width=420"], "^Sign in$", "zenity_entry.png")


def s_zenity_question():
    shoot(["zenity", "--question", "--title=Delete file",
           "--text=Remove the selected report permanently?", "--ok-label=Delete",
           "--cancel-label=Keep"], "^Delete file$", "zenity_question.png",
          pos=lambda g: (cc.W - g[2] - cc.W // 10, cc.H // 8))


def s_zenity_list():
    rows = [("report-2023.pdf", "1.2 MB", "12 Jan 2024"),
            ("budget.xlsx", "84 KB", "03 Feb 2024"),
            ("team-photo.jpg", "3.4 MB", "19 Feb 2024"),
            ("notes.txt", "2 KB", "27 Feb 2024"),
            ("invoice-0042.pdf", "310 KB", "05 Mar 2024"),
            ("backup.tar.gz", "820 MB", "11 Mar 2024")]
    height = min(420, cc.H - 40)       # the 7-inch screen: the list scrolls less room
    cmd = ["zenity", "--list", "--title=Open recent", "--text=Choose a recent file:",
           "--column=Name", "--column=Size", "--column=Modified",
           "--width=620", f"--height={height}", "--ok-label=Open"]
    for r in rows:
        cmd += list(r)
    shoot(cmd, "^Open recent$", "zenity_list.png",
          pos=lambda g: (min(120, cc.W - g[2]), max(0, min(120, cc.H - g[3]))))


def s_yad_form():
    shoot(["yad", "--form", "--title=New account", "--text=Create a new user account",
           "--width=460", "--borders=12",
           "--field=First name", "--field=Last name", "--field=Email",
           "--field=Role:CB", "--field=Send welcome email:CHK",
           "", "", "", "Staff!Admin!Guest", "TRUE",
           "--button=Cancel:1", "--button=Create account:0"],
          "^New account$", "yad_form.png")


def filler(rows: int) -> str:
    """Deterministic log lines above the corpus terminal text (a full terminal)."""
    words = ("worker", "queue", "upload", "sensor", "printer", "camera")
    out = []
    for i in range(rows):
        out.append(f"09:{i // 6:02d}:{(i * 7) % 60:02d} {words[i % 6]}-{i % 4} "
                   f"handled batch {100 + 3 * i} ({(i * 37) % 500} items, {i % 9}.{i % 7}s)")
    return "\\n".join(out) + "\\n"


def s_xterm_full():
    """xterm with DejaVu Sans Mono filling the screen: log lines, then the corpus text."""
    cols, rows = (cc.W - 6) // 10, (cc.H - 6) // 20     # 10x20 cells, 3 px of border
    text = filler(rows - 9) + cc.XTERM_TEXT
    shoot(["xterm", "-T", "Terminal", "-geometry", f"{cols}x{rows}+0+0", "-fa",
           "DejaVu Sans Mono", "-fs", "12", "-e", "bash", "-c", f"printf '{text}'; sleep 600"],
          "^Terminal$", "xterm_full.png", pos=(0, 0))


def s_xterm_bitmap():
    shoot(["xterm", "-T", "Terminal", "-geometry", "80x24+0+0", "-e", "bash", "-c",
           f"printf '{cc.XTERM_TEXT}'; sleep 600"],
          "^Terminal$", "xterm_bitmap.png", pos=(20, 20))


def s_xmessage():
    shoot(["xmessage", "-buttons", "Yes,No", "Proceed?"], "^xmessage$", "xmessage.png")


def s_tk_app():
    p = cc.launch(["python3", cc.CHECKIN])
    try:
        wid = cc.find_window("^Visitor check-in$")
        time.sleep(0.5)
        cc.move(wid, max(0, (cc.W - 760) // 2), max(0, (cc.H - 560) // 2))
        time.sleep(2.0)
        save(cc.grab(), "tk_app.png")
    finally:
        cc.stop(p)


def chromium_flags():
    return [f for f in cc.CHROMIUM_FLAGS if not f.startswith("--window-size")] + \
        [f"--window-size={cc.W},{cc.H}"]


def page_url(page: str) -> str:
    """The page's URL; the fluid page takes the window size from it (see the page)."""
    return "file://" + page + (f"?w={cc.W}&h={cc.H}" if page == FLUID else "")


def chromium(page: str, name: str) -> None:
    prof = tempfile.mkdtemp(prefix="corpus-sizes-chromium-")
    env = {k: v for k, v in cc.ENV.items() if k != "DISPLAY"}
    raw = out_path(name)
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    try:
        subprocess.run(["chromium", *chromium_flags(), f"--user-data-dir={prof}",
                        f"--screenshot={raw}", page_url(page)],
                       env=env, check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    save(Image.open(raw).convert("RGB"), name)


def s_chromium_login():
    chromium(os.path.join(CORPUS, "pages", "kiosk_login.html"), "chromium_login.png")


def s_chromium_dark():
    chromium(os.path.join(CORPUS, "pages", "dark_settings.html"), "chromium_dark.png")


FLUID = os.path.join(HERE, "pages", "kiosk_fluid.html")


def s_chromium_fluid():
    chromium(FLUID, "chromium_fluid.png")


SCREENS = {
    "xcalc": s_xcalc, "zenity_entry": s_zenity_entry, "zenity_question": s_zenity_question,
    "zenity_list": s_zenity_list, "yad_form": s_yad_form, "xterm_full": s_xterm_full,
    "xterm_bitmap": s_xterm_bitmap, "xmessage": s_xmessage, "tk_app": s_tk_app,
    "chromium_login": s_chromium_login, "chromium_dark": s_chromium_dark,
    "chromium_fluid": s_chromium_fluid,
}

#: the corpus screen whose targets each capture takes over ("transfer")
TRANSFER = {
    "xcalc.png": ["xcalc.png"], "zenity_entry.png": ["zenity_entry.png"],
    "zenity_question.png": ["zenity_question.png"], "zenity_list.png": ["zenity_list.png"],
    "yad_form.png": ["yad_form.png"], "xterm_full.png": ["xterm_dejavu.png"],
    "xterm_bitmap.png": ["xterm_bitmap.png"], "xmessage.png": ["xmessage.png"],
    "tk_app.png": ["tk_app.png"], "chromium_login.png": ["chromium_login.png"],
    "chromium_dark.png": ["chromium_dark.png"],
}
PROGRAMS = {
    "xterm_full.png": "xterm -fa 'DejaVu Sans Mono' -fs 12 filling the screen (log lines, "
                      "then the corpus terminal text)",
    "chromium_fluid.png": "Chromium headless --screenshot of pages/kiosk_fluid.html "
                          "(layout follows the window size)",
}
FLUID_TARGETS = ("Sign in", "Forgot password?", "Username", "Today's appointments",
                 "Room 204", "Refresh", "Help")


# ------------------------------------------------------------------- the truth
def rgb(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def transfer(src: np.ndarray, box, dst: np.ndarray):
    """The box in ``dst`` where ``src``'s ``box``, padded, occurs once, else None.

    The padding grows (PAD, 2*PAD, 4*PAD px) until the patch is unique; a patch
    matches where no channel of any pixel differs by more than ``TOLERANCE`` (a
    focused button's glow), and exactly where it can."""
    import cv2

    x, y, w, h = box
    hay = dst.astype(np.float32)
    for p in (PAD, 2 * PAD, 4 * PAD):
        if x - p < 0 or y - p < 0 or x + w + p > src.shape[1] or y + h + p > src.shape[0]:
            break
        patch = src[y - p:y + h + p, x - p:x + w + p].astype(np.int16)
        if patch.shape[0] > dst.shape[0] or patch.shape[1] > dst.shape[1]:
            return None
        sq = cv2.matchTemplate(hay, patch.astype(np.float32), cv2.TM_SQDIFF)
        # float sums are not exact: every position within the tolerance's budget is
        # checked pixel by pixel
        ys, xs = np.nonzero(sq <= patch.size * TOLERANCE ** 2 + 1.0)
        found = []
        for px, py in zip(xs.tolist(), ys.tolist()):
            d = np.abs(dst[py:py + patch.shape[0], px:px + patch.shape[1]].astype(np.int16)
                       - patch)
            if d.max() <= TOLERANCE:
                found.append((int(d.max()), px, py))
        exact = [f for f in found if f[0] == 0]
        found = exact or found
        if len(found) == 1:
            _, px, py = found[0]
            return [px + p, py + p, w, h]
        if not found:
            return None
    return None


def ink_box(img: np.ndarray, rect):
    """Tight box of the pixels inside ``rect`` (x, y, w, h, fractional) that differ
    from its background (its most common colour) by more than INK."""
    x0, y0 = int(np.floor(rect[0])), int(np.floor(rect[1]))
    x1, y1 = int(np.ceil(rect[0] + rect[2])), int(np.ceil(rect[1] + rect[3]))
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(img.shape[1], x1), min(img.shape[0], y1)
    if x1 <= x0 or y1 <= y0 or x1 - rect[0] < rect[2] or y1 - rect[1] < rect[3]:
        return None                                   # cut off by the screen's edge
    crop = img[y0:y1, x0:x1].astype(np.int16)
    flat = crop.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    bg = colours[counts.argmax()]
    ink = (np.abs(crop - bg) > INK).any(axis=2)
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return None
    return [x0 + int(xs.min()), y0 + int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1)]


def layout_rects(page: str, w: int, h: int) -> dict[str, list[float]]:
    """The page probe's text-range rects at window size w x h, by text."""
    prof = tempfile.mkdtemp(prefix="corpus-sizes-chromium-")
    env = {k: v for k, v in cc.ENV.items() if k != "DISPLAY"}
    set_size(w, h)
    try:
        dom = subprocess.run(["chromium", *chromium_flags(), f"--user-data-dir={prof}",
                              "--dump-dom", page_url(page)], env=env, check=True,
                             timeout=120, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    m = re.search(r'<pre id="rects">(.*?)</pre>', dom, re.DOTALL)
    return {k.split("|", 1)[1]: v for k, v in json.loads(html.unescape(m.group(1))).items()}


def truth() -> dict:
    with open(os.path.join(CORPUS, "corpus.json")) as f:
        corpus = json.load(f)
    by_image = {s["image"]: s for s in corpus["screens"]}
    out = {"description": (
        "Real screenshots of the programs of tests/data/corpus at three screen sizes "
        "(Xvfb, no window manager, mss; Chromium pages from headless --screenshot at that "
        "window size). box = [x, y, w, h], the tight box of the text's own (ink) pixels. "
        "Ground truth is not from OCR; see each screen's 'truth'. Re-create with capture.py."),
        "sizes": {}}
    for w, h in SIZES:
        size = f"{w}x{h}"
        screens = []
        for name in SCREENS:
            image = f"{name}.png"
            path = os.path.join(HERE, size, image)
            if not os.path.exists(path):
                continue
            img = rgb(path)
            targets, lost = [], []
            if image in TRANSFER:
                for src_name in TRANSFER[image]:
                    src = by_image[src_name]
                    src_img = rgb(os.path.join(CORPUS, src_name))
                    for tg in src["targets"]:
                        b = transfer(src_img, tg["box"], img)
                        (targets.append({"text": tg["text"], "box": b}) if b
                         else lost.append(tg["text"]))
                how = (f"transfer: the ink box of corpus.json ({', '.join(TRANSFER[image])}) "
                       f"padded by {PAD} px, found pixel-exactly once in this capture")
                program = PROGRAMS.get(image, by_image[TRANSFER[image][0]]["program"])
            else:
                rects = layout_rects(FLUID, w, h)
                for text in FLUID_TARGETS:
                    b = ink_box(img, rects[text]) if text in rects else None
                    (targets.append({"text": text, "box": b}) if b else lost.append(text))
                how = ("layout: text-range rects from Chromium's layout (--dump-dom probe), "
                       f"then the tight box of pixels differing from the rect's most common "
                       f"colour by >{INK} in any channel")
                program = PROGRAMS[image]
            if lost:
                print(f"  {size}/{image}: no true box for {lost} (off screen or not unique)")
            screens.append({"image": f"{size}/{image}", "program": program,
                            "targets": targets, "truth": how})
        out["sizes"][size] = {"screens": screens}
        n = sum(len(s["targets"]) for s in screens)
        print(f"{size}: {len(screens)} screens, {n} targets")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("screens", nargs="*", help=f"subset of: {' '.join(SCREENS)}")
    ap.add_argument("--size", action="append", choices=[f"{w}x{h}" for w, h in SIZES],
                    help="capture only this size (repeatable); default: all three")
    ap.add_argument("--display", default=":57", help="display for our own Xvfb (:57)")
    ap.add_argument("--truth-only", action="store_true",
                    help="only recompute sizes.json from the PNGs on disk")
    args = ap.parse_args()
    names = args.screens or list(SCREENS)
    bad = [n for n in names if n not in SCREENS]
    if bad:
        ap.error(f"unknown screen(s): {bad}")
    if not args.truth_only:
        for size in args.size or [f"{w}x{h}" for w, h in SIZES]:
            set_size(*map(int, size.split("x")))
            print(size)
            xvfb = cc.start_xvfb(args.display)
            try:
                for n in names:
                    print(n)
                    SCREENS[n]()
            finally:
                xvfb.terminate()
                xvfb.wait()
                time.sleep(0.5)
    with open(os.path.join(HERE, "sizes.json"), "w") as f:
        json.dump(truth(), f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
