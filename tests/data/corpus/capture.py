#!/usr/bin/env python3
"""Re-create the real-screenshot corpus in this folder.

Every PNG here is a genuine 1280x720 capture of a real program: X11 programs run
on a private Xvfb (no window manager) and are grabbed with mss; the two web
pages are rendered by headless Chromium's own --screenshot.

Needs (Debian 12): xvfb, x11-apps (xcalc), x11-utils (xmessage), x11-xserver-utils
(xsetroot), xterm, xdotool, zenity, yad, chromium, fonts-dejavu-core, python3-tk,
and a Python with mss, pillow and numpy (the repo's .venv has them).

    .venv/bin/python tests/data/corpus/capture.py              # all screens
    .venv/bin/python tests/data/corpus/capture.py xcalc zenity_list
    .venv/bin/python tests/data/corpus/capture.py --display :54

The boxes in corpus.json were NOT produced by this script (nor by OCR); they
were measured on the captured images (layout/cell grid + pixel analysis, checked
by eye).  If a re-run changes pixels (other font/theme versions), re-check them.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CHECKIN = os.path.join(REPO, "examples", "apps", "checkin.py")
W, H = 1280, 720
ROOT_COLOUR = "#4a5866"   # a plain "desktop" colour instead of Xvfb's black

ENV = dict(os.environ)
ENV.pop("WAYLAND_DISPLAY", None)
ENV.update(NO_AT_BRIDGE="1", GTK_THEME="Adwaita", LANG="C.UTF-8", LC_ALL="C.UTF-8",
           GDK_BACKEND="x11")


# --------------------------------------------------------------------------- X
def start_xvfb(display):
    num = display.lstrip(":")
    if os.path.exists(f"/tmp/.X11-unix/X{num}"):
        sys.exit(f"display {display} is in use; pick another with --display")
    xa = ENV.get("XAUTHORITY") or "/tmp/xa"
    if not os.path.exists(xa):
        open(xa, "a").close()
    ENV["XAUTHORITY"] = xa
    # -noreset: otherwise the server resets (root colour lost) when xsetroot exits
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp",
                             "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(f"/tmp/.X11-unix/X{num}"):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    ENV["DISPLAY"] = os.environ["DISPLAY"] = display   # mss reads os.environ
    os.environ["XAUTHORITY"] = xa
    subprocess.run(["xsetroot", "-solid", ROOT_COLOUR], env=ENV, check=True)
    return proc


def launch(cmd, **kw):
    return subprocess.Popen(cmd, env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def stop(*procs):
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    time.sleep(0.5)


def find_window(name, timeout=20):
    """Window id of the first visible window whose title matches `name` (regex)."""
    out = subprocess.run(["timeout", str(timeout), "xdotool", "search", "--sync",
                          "--onlyvisible", "--name", name],
                         env=ENV, capture_output=True, text=True)
    ids = out.stdout.split()
    if not ids:
        raise RuntimeError(f"no window named {name!r} appeared")
    return ids[0]


def move(wid, x, y):
    subprocess.run(["xdotool", "windowmove", "--sync", wid, str(x), str(y)], env=ENV,
                   check=False, timeout=10)


def geometry(wid):
    """(x, y, w, h) of a window's outer rectangle, border included."""
    out = subprocess.run(["xwininfo", "-id", wid], env=ENV, capture_output=True,
                         text=True).stdout
    v = {}
    for line in out.splitlines():
        if ":" in line:
            k, _, val = line.strip().partition(":")
            v[k] = val.strip()
    bw = int(v["Border width"])   # xwininfo's absolute corner is the border's outer corner
    return (int(v["Absolute upper-left X"]), int(v["Absolute upper-left Y"]),
            int(v["Width"]) + 2 * bw, int(v["Height"]) + 2 * bw)


def grab():
    import mss
    with mss.MSS() if hasattr(mss, "MSS") else mss.mss() as s:
        shot = s.grab(s.monitors[0])
    return Image.frombytes("RGB", shot.size, shot.bgra, "raw", "BGRX")


def save(img, name):
    assert img.size == (W, H), img.size
    path = os.path.join(HERE, name)
    img.convert("RGB").save(path, optimize=True)
    print(f"  wrote {name} ({os.path.getsize(path)} bytes)")
    return path


def centred(wid):
    _, _, w, h = geometry(wid)
    return (W - w) // 2, (H - h) // 2


def shoot(cmd, title, name, pos=None, settle=1.5):
    """Run `cmd`, wait for its window `title`, move it to `pos` ('centre' or (x, y)),
    wait for it to settle, grab the screen, close the program."""
    p = launch(cmd)
    try:
        wid = find_window(title)
        time.sleep(0.5)
        if pos == "centre":
            pos = centred(wid)
        if pos is not None:
            move(wid, *pos)
        time.sleep(settle)
        print(f"  {name}: window {title!r} at {geometry(wid)}")
        return save(grab(), name)
    finally:
        stop(p)


# ----------------------------------------------------------------- the screens
def s_xcalc():
    shoot(["xcalc"], "^Calculator$", "xcalc.png", pos=(120, 90))


def s_zenity_entry():
    shoot(["zenity", "--entry", "--title=Sign in", "--text=Enter your user name:",
           "--width=420"], "^Sign in$", "zenity_entry.png", pos="centre")


def s_zenity_question():
    shoot(["zenity", "--question", "--title=Delete file",
           "--text=Remove the selected report permanently?", "--ok-label=Delete",
           "--cancel-label=Keep"], "^Delete file$", "zenity_question.png", pos=(300, 200))


def s_zenity_list():
    rows = [("report-2023.pdf", "1.2 MB", "12 Jan 2024"),
            ("budget.xlsx", "84 KB", "03 Feb 2024"),
            ("team-photo.jpg", "3.4 MB", "19 Feb 2024"),
            ("notes.txt", "2 KB", "27 Feb 2024"),
            ("invoice-0042.pdf", "310 KB", "05 Mar 2024"),
            ("backup.tar.gz", "820 MB", "11 Mar 2024")]
    cmd = ["zenity", "--list", "--title=Open recent", "--text=Choose a recent file:",
           "--column=Name", "--column=Size", "--column=Modified",
           "--width=620", "--height=420", "--ok-label=Open"]
    for r in rows:
        cmd += list(r)
    shoot(cmd, "^Open recent$", "zenity_list.png", pos=(120, 120))


def s_yad_form():
    shoot(["yad", "--form", "--title=New account", "--text=Create a new user account",
           "--width=460", "--borders=12",
           "--field=First name", "--field=Last name", "--field=Email",
           "--field=Role:CB", "--field=Send welcome email:CHK",
           "", "", "", "Staff!Admin!Guest", "TRUE",
           "--button=Cancel:1", "--button=Create account:0"],
          "^New account$", "yad_form.png", pos=(380, 150))


XTERM_TEXT = ("$ ls ~/projects\\n"
              "invoices  kiosk-app  notes.md  reports  setup.sh\\n"
              "$ ./setup.sh --check\\n"
              "Checking dependencies ... ok\\n"
              "Checking network ... ok\\n"
              "Build finished successfully in 12.4 seconds\\n"
              "Press Enter to continue\\n"
              "$ ")


def s_xterm_dejavu():
    shoot(["xterm", "-T", "Terminal", "-geometry", "100x30+0+0", "-fa", "DejaVu Sans Mono",
           "-fs", "12", "-e", "bash", "-c", f"printf '{XTERM_TEXT}'; sleep 600"],
          "^Terminal$", "xterm_dejavu.png", pos=(40, 30))


def s_xterm_bitmap():
    shoot(["xterm", "-T", "Terminal", "-geometry", "80x24+0+0", "-e", "bash", "-c",
           f"printf '{XTERM_TEXT}'; sleep 600"],
          "^Terminal$", "xterm_bitmap.png", pos=(60, 40))


def s_xmessage():
    shoot(["xmessage", "-buttons", "Yes,No", "Proceed?"], "^xmessage$", "xmessage.png",
          pos="centre")


def s_tk_popup():
    p = launch(["python3", CHECKIN, "--popup-after", "0.5"])
    try:
        find_window("^Visitor check-in$")
        find_window("^Update available$")
        time.sleep(2.0)
        save(grab(), "tk_app_popup.png")
    finally:
        stop(p)


def s_change_pair():
    """tk_app.png and tk_app_dialog.png from one X session: the second adds a zenity
    --info dialog over the right half; nothing else may change."""
    app = launch(["python3", CHECKIN])
    try:
        find_window("^Visitor check-in$")
        time.sleep(2.0)
        before = grab()
        dlg = launch(["zenity", "--info", "--title=Session expiring",
                      "--text=Your session will expire in 2 minutes.\n\n"
                      "Save your work and sign in again to continue.",
                      "--width=476", "--height=330",   # GTK adds 84 px: 560x330
                      "--ok-label=Stay signed in"])
        try:
            wid = find_window("^Session expiring$")
            time.sleep(0.5)
            move(wid, 680, 190)
            time.sleep(2.0)
            rect = geometry(wid)
            after = grab()
        finally:
            stop(dlg)
        time.sleep(1.0)
        again = grab()
    finally:
        stop(app)
    a, b, c = (np.asarray(i, dtype=np.int16) for i in (before, after, again))
    diff = np.abs(a - b).sum(axis=2) > 0
    ys, xs = np.nonzero(diff)
    x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    print(f"  dialog window {rect}; changed pixels bbox {tuple(int(v) for v in (x0, y0, x1 - x0, y1 - y0))}")
    rx, ry, rw, rh = rect
    if not (rx <= x0 and ry <= y0 and x1 <= rx + rw and y1 <= ry + rh):
        raise RuntimeError("pixels changed outside the dialog rectangle")
    if (np.abs(a - c).sum(axis=2) > 0).any():
        print("  warning: the app did not return to identical pixels after the dialog")
    save(before, "tk_app.png")
    save(after, "tk_app_dialog.png")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--force-device-scale-factor=1", "--window-size=1280,720"]


def chromium(page, name):
    src = os.path.join(HERE, "pages", page)
    out = os.path.join(HERE, name)
    prof = tempfile.mkdtemp(prefix="corpus-chromium-")
    env = {k: v for k, v in ENV.items() if k != "DISPLAY"}
    try:
        subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={prof}",
                        f"--screenshot={out}", "file://" + src],
                       env=env, check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    img = Image.open(out).convert("RGB")   # re-save: RGB, optimized
    save(img, name)


def chromium_layout(page):
    """Print the text-range rects that the page's own probe script (<pre id=rects>)
    records for its targets, table cells and headers: Chromium's layout, used as the
    starting region for the ground-truth boxes of the two web pages."""
    import html
    import json
    import re
    prof = tempfile.mkdtemp(prefix="corpus-chromium-")
    env = {k: v for k, v in ENV.items() if k != "DISPLAY"}
    try:
        dom = subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={prof}",
                              "--dump-dom", "file://" + os.path.join(HERE, "pages", page)],
                             env=env, check=True, timeout=120, capture_output=True,
                             text=True).stdout
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    m = re.search(r'<pre id="rects">(.*?)</pre>', dom, re.S)
    for k, v in json.loads(html.unescape(m.group(1))).items():
        print(f"  {k.split('|', 1)[1]!r}: [{', '.join(f'{c:g}' for c in v)}]")


def s_chromium_login():
    chromium("kiosk_login.html", "chromium_login.png")


def s_chromium_dark():
    chromium("dark_settings.html", "chromium_dark.png")


SCREENS = {
    "xcalc": s_xcalc, "zenity_entry": s_zenity_entry, "zenity_question": s_zenity_question,
    "zenity_list": s_zenity_list, "yad_form": s_yad_form, "xterm_dejavu": s_xterm_dejavu,
    "xterm_bitmap": s_xterm_bitmap, "chromium_login": s_chromium_login,
    "chromium_dark": s_chromium_dark, "tk_popup": s_tk_popup, "xmessage": s_xmessage,
    "change_pair": s_change_pair,   # writes tk_app.png and tk_app_dialog.png
}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("screens", nargs="*", help=f"subset of: {' '.join(SCREENS)}")
    ap.add_argument("--display", default=":53", help="display for our own Xvfb (:53)")
    ap.add_argument("--layout", action="store_true",
                    help="only print Chromium's text rects for the two web pages")
    args = ap.parse_args()
    if args.layout:
        for page in ("kiosk_login.html", "dark_settings.html"):
            print(page)
            chromium_layout(page)
        return 0
    names = args.screens or list(SCREENS)
    bad = [n for n in names if n not in SCREENS]
    if bad:
        ap.error(f"unknown screen(s): {bad}")
    xvfb = start_xvfb(args.display)
    try:
        for n in names:
            print(n)
            SCREENS[n]()
    finally:
        xvfb.terminate()
        xvfb.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
