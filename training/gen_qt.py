#!/usr/bin/env python3
"""Qt UI-element data generator (format: training/FORMAT.md).

Renders random but plausible desktop screens built from real Qt widgets
(PySide6, offscreen platform) and writes labels taken from the toolkit itself
(widget geometry, style sub-element rects, tab / menu action rects).

    python training/gen_qt.py --out build/elements/qt --count N --seed S [--start K]

Sample i (files ``{i:06d}.png`` + ``.json``) uses the seed ``S*1_000_003 + i``.
Indices are processed in shards of ``SHARD_SIZE``; each shard runs in its own
child process (one at a time) with ``QT_SCALE_FACTOR`` chosen
deterministically from the shard number, because Qt's device-pixel ratio is
per process.  Boxes are in device pixels of the written image.  Generation is
resumable: indices whose JSON exists are skipped (PNG is written first, then
the JSON via tmp + rename).
"""
from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

SHARD_SIZE = 200
DPR_CHOICES = (1.0, 1.0, 1.25, 1.5, 1.75, 2.0)
SEED_MUL = 1_000_003
PROGRESS_EVERY = 50

CLASSES = ["button", "text_field", "checkbox", "radio", "dropdown", "toggle",
           "slider", "tab", "icon", "link", "menu_item"]


def shard_dpr(shard: int) -> float:
    return random.Random(0x5EED00 + shard).choice(DPR_CHOICES)


def sample_name(i: int) -> str:
    return f"{i:06d}"


def json_path(out: str, i: int) -> str:
    return os.path.join(out, sample_name(i) + ".json")


# --------------------------------------------------------------------------
# parent: shard scheduling
# --------------------------------------------------------------------------

def run_parent(args) -> int:
    out = args.out
    os.makedirs(out, exist_ok=True)
    lo_all, hi_all = args.start, args.count
    total = max(0, hi_all - lo_all)
    missing = [i for i in range(lo_all, hi_all) if not os.path.exists(json_path(out, i))]
    done0 = total - len(missing)
    print(f"{done0}/{total} already done, {len(missing)} to generate "
          f"(shards of {SHARD_SIZE}, seed {args.seed})", flush=True)
    if not missing:
        return 0
    shards = sorted({i // SHARD_SIZE for i in missing})
    t0 = time.time()
    gen_so_far = 0
    failed = 0
    for s in shards:
        lo = max(s * SHARD_SIZE, lo_all)
        hi = min((s + 1) * SHARD_SIZE, hi_all)
        dpr = shard_dpr(s)
        env = dict(os.environ)
        for k in ("QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR",
                  "QT_ENABLE_HIGHDPI_SCALING", "QT_FONT_DPI"):
            env.pop(k, None)
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["QT_SCALE_FACTOR"] = repr(dpr)
        for attempt in range(2):
            before = sum(1 for i in range(lo, hi) if not os.path.exists(json_path(out, i)))
            cmd = [sys.executable, os.path.abspath(__file__), "--worker",
                   "--out", out, "--seed", str(args.seed),
                   "--count", str(hi), "--start", str(lo),
                   "--total", str(total),
                   "--done-before", str(done0 + gen_so_far),
                   "--gen-before", str(gen_so_far),
                   "--t0", repr(t0)]
            rc = subprocess.call(cmd, env=env)
            after = sum(1 for i in range(lo, hi) if not os.path.exists(json_path(out, i)))
            gen_so_far += before - after
            if rc == 0:
                break
            print(f"shard {s} (dpr {dpr}) exited with code {rc}"
                  + ("; retrying" if attempt == 0 else "; giving up on the rest of it"),
                  flush=True)
            if attempt == 1:
                failed += 1
    el = time.time() - t0
    print(f"finished: {done0 + gen_so_far}/{total} done, {gen_so_far} generated in "
          f"{el:.0f}s ({gen_so_far / max(el, 1e-6):.2f} screens/s), {failed} shard(s) failed",
          flush=True)
    return 1 if failed else 0


# --------------------------------------------------------------------------
# worker (Qt)
# --------------------------------------------------------------------------

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import (QCoreApplication, QEvent, QPoint, QPointF, QRect,
                            QRectF, QSize, Qt, QtMsgType, qInstallMessageHandler)
from PySide6.QtGui import (QColor, QFont, QFontDatabase, QFontMetricsF,
                           QIcon, QImage, QLinearGradient, QPainter, QPainterPath,
                           QPalette, QPen, QPixmap, QRadialGradient)
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox,
                               QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout,
                               QFrame, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMenu, QMenuBar, QPlainTextEdit, QProgressBar,
                               QPushButton, QRadioButton, QScrollArea,
                               QSizePolicy, QSlider, QSpinBox, QStyle,
                               QStyleOptionButton, QTabBar, QTableWidget,
                               QTableWidgetItem, QTabWidget, QTimeEdit, QToolBar,
                               QToolButton, QVBoxLayout, QWidget, QStyleFactory)

# ---- vocabulary ------------------------------------------------------------

BUTTON_TEXTS = ["OK", "Cancel", "Apply", "Save", "Start", "Stop", "Login", "Log in",
                "Sign in", "Next >", "< Back", "Close", "Delete", "Edit", "Add",
                "Remove", "Open", "Browse…", "Submit", "Search", "Reset", "Help",
                "Yes", "No", "Retry", "Connect", "Send", "Refresh", "Export",
                "Import", "Continue", "Finish", "Install", "Update", "Done",
                "Create account", "Play", "Pause", "Settings", "More…", "Details",
                "Check in", "Print", "Scan", "Confirm", "Back", "Skip", "Upload",
                "Download", "Run", "Test", "Clear", "Select", "Accept", "Decline",
                "Later", "Restart now", "Sign out", "Pair", "Calibrate"]
DIALOG_ROWS = [["OK", "Cancel"], ["OK", "Cancel", "Apply"], ["Save", "Cancel"],
               ["Yes", "No"], ["< Back", "Next >", "Cancel"], ["Close"], ["Help", "OK"],
               ["Start"], ["Login"], ["Apply", "Reset"], ["Cancel", "Continue"],
               ["Don't Save", "Cancel", "Save"], ["Retry", "Abort", "Ignore"]]
KEYPAD_SETS = [
    list("789456123") + ["0", ".", "="],
    ["7", "8", "9", "÷", "4", "5", "6", "×", "1", "2", "3", "−", "0", ".", "=", "+"],
    ["C", "±", "%", "÷", "7", "8", "9", "×", "4", "5", "6", "−", "1", "2", "3", "+",
     "0", ".", "⌫", "="],
    list("123456789") + ["*", "0", "#"],
    list("123456789") + ["✕", "0", "✓"],
    ["←", "↑", "→", "☰", "↓", "⚙"],
    ["+", "−", "×", "÷", "=", "%"],
    list("ABCDEFGH"),
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"],
]
LABELS = ["Name", "Email", "Password", "Username", "Host", "Port", "Server", "Address",
          "City", "Phone", "Timeout", "Retries", "Volume", "Brightness", "Language",
          "Theme", "Country", "Title", "Description", "Path", "Width", "Height",
          "Speed", "Threshold", "Interval", "Channel", "Device", "Mode", "Key",
          "Value", "Comment", "Date", "Amount", "Quantity", "Price", "PIN", "First name",
          "Last name", "Company", "Zip code", "SSID", "Gateway", "DNS", "Proxy",
          "Output folder", "File name", "Format", "Resolution", "Start time", "Delay (s)"]
FIELD_VALUES = ["admin", "192.168.0.10", "8080", "john.doe@example.com", "Ada",
                "/home/pi/data", "Berlin", "example.org", "Untitled", "user01", "42",
                "Kitchen", "hello world", "Living room", "sensor-3", "v2.1", "output.csv"]
PLACEHOLDERS = ["Search…", "Enter name", "Email address", "Password", "Type here",
                "Optional", "e.g. 10", "Filter", "Username", "Host name", "Required",
                "Type a message", "dd/mm/yyyy", "Search settings"]
CHECK_TEXTS = ["Remember me", "Enable notifications", "Show hidden files", "Auto-save",
               "Use proxy", "Start on boot", "Dark mode", "Enable logging", "Wi-Fi",
               "Bluetooth", "Sync automatically", "Send usage statistics", "Mute",
               "Repeat", "Shuffle", "Fullscreen", "Lock screen", "I agree to the terms",
               "Subscribe to newsletter", "Verbose output", "Wrap lines",
               "Case sensitive", "Whole words", "Show password", "Keep me signed in",
               "Check for updates", "Play sounds", "Open at login", "Overwrite"]
RADIO_TEXTS = ["Low", "Medium", "High", "Small", "Large", "Automatic", "Manual",
               "Never", "Daily", "Weekly", "Monthly", "Left", "Right", "Center", "None",
               "All", "Celsius", "Fahrenheit", "Portrait", "Landscape", "Option A",
               "Option B", "Option C", "Fast", "Balanced", "Quiet", "PNG", "JPEG", "PDF"]
TAB_TEXTS = ["General", "Advanced", "Network", "Display", "Sound", "About", "Settings",
             "Details", "Files", "History", "Account", "Security", "Privacy",
             "Overview", "Logs", "Options", "Home", "Profile", "Devices", "Status"]
MENUBAR_TEXTS = ["File", "Edit", "View", "Tools", "Help", "Window", "Go", "Insert",
                 "Format", "Run", "Project", "Settings", "Image", "Options", "Search"]
MENU_TEXTS = ["New", "Open…", "Save", "Save As…", "Close", "Quit", "Undo", "Redo", "Cut",
              "Copy", "Paste", "Select All", "Find…", "Replace…", "Preferences",
              "Zoom In", "Zoom Out", "Reset Zoom", "Print…", "Export…", "Import…",
              "Properties", "About", "Refresh", "Rename", "Delete", "Full Screen",
              "Show Toolbar", "Recent Files", "Settings…", "Log out", "Check for Updates"]
SHORTCUTS = ["Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Q", "Ctrl+Z", "Ctrl+C", "Ctrl+V",
             "F5", "F11", "Ctrl+F", "Ctrl+P", "Del", "Ctrl+Shift+S"]
LINK_TEXTS = ["Forgot password?", "Learn more", "Terms of Service", "Privacy Policy",
              "Sign up", "Create an account", "Help", "Documentation", "Show details",
              "Click here", "More info", "Download", "View all", "Contact us",
              "Release notes", "Change", "Reset to defaults", "Open folder", "Edit",
              "Need help?", "Manage devices"]
LINK_PREFIX = ["", "", "", "Don't have an account? ", "See ", "By continuing you accept the ",
               "For details, see ", "Read the ", "Having trouble? ", "Or "]
HEADINGS = ["Settings", "Network", "Login", "Preferences", "Calculator", "Media Player",
            "Connection", "Account", "System Information", "Welcome",
            "Sign in to continue", "Control Panel", "Printer", "Display Settings",
            "Visitor check-in", "Thermostat", "Downloads", "New Connection",
            "Device Setup", "Profile", "Export Options", "Wireless"]
WORDS = ("the system will restart after the update is installed please save your work "
         "before continuing this setting applies to all users of this device data is "
         "stored locally and never shared changes take effect immediately select an "
         "option below to configure how the device behaves when idle the connection "
         "was lost retry in a few seconds or check the cable").split()
COMBO_ITEMS = ["English", "Deutsch", "Français", "Automatic", "Light", "Dark", "System",
               "1920 × 1080", "1280 × 720", "High quality", "Normal", "USB", "Ethernet",
               "Wi-Fi", "None", "Every hour", "Every day", "eth0", "wlan0", "Default",
               "Metric", "Imperial", "UTF-8", "Europe/Berlin", "Stereo", "Mono"]
LIST_ITEMS = ["report_2024.pdf", "photo_001.jpg", "notes.txt", "Kitchen sensor",
              "Living room", "Printer (offline)", "backup.tar.gz", "Meeting 10:00",
              "Alice", "Bob", "Carol", "Dave", "config.yaml", "Track 01", "Track 02",
              "Error: timeout", "Info: connected", "192.168.1.20", "Job #1482"]
ICON_GLYPHS = "⚙☰★♥✉⌂✎⏻♫☎⚠☀☁⚡♻⬆⬇◀▶⏸⏹⏏✂⚑♪⌚⎙⟳⤓⚲☷♲✈⚿⚓⛭⌨☕♞⚖⏰"
FONT_PREF = [("DejaVu Sans", 6), ("Liberation Sans", 5), ("Nimbus Sans", 2),
             ("DejaVu Sans Condensed", 1), ("URW Gothic", 1), ("Noto Sans Mono", 1),
             ("DejaVu Serif", 1), ("Liberation Serif", 1), ("Liberation Sans Narrow", 1),
             ("C059", 0.5), ("P052", 0.5), ("Sans Serif", 1), ("Droid Sans Fallback", 0.5)]
PT_WEIGHTS = [(8, 1), (9, 3), (10, 4), (11, 3), (12, 2), (13, 1), (14, 1), (15, 0.5), (16, 0.7)]
CANVASES = [((1280, 720), 10), ((1024, 600), 2), ((800, 480), 2), ((1366, 768), 2),
            ((1920, 1080), 2)]


def wchoice(rng, pairs):
    tot = sum(w for _, w in pairs)
    r = rng.random() * tot
    for v, w in pairs:
        r -= w
        if r <= 0:
            return v
    return pairs[-1][0]


def mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(int(a.red() * (1 - t) + b.red() * t), int(a.green() * (1 - t) + b.green() * t),
                  int(a.blue() * (1 - t) + b.blue() * t))


def lum(c: QColor) -> float:
    return 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()


def on_color(c: QColor) -> QColor:
    return QColor(20, 20, 20) if lum(c) > 150 else QColor(250, 250, 250)


def cn(c: QColor) -> str:
    return c.name()


def sentence(rng, lo=4, hi=14) -> str:
    s = " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))
    return s[0].upper() + s[1:] + "."


def alpha_bbox(img: QImage):
    """Tight bbox (x0, y0, x1, y1) of pixels with alpha > 24 in an ARGB32 image."""
    w, h = img.width(), img.height()
    bpl = img.bytesPerLine()
    a = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, 3:w * 4:4]
    rows = np.nonzero(a.max(1) > 24)[0]
    cols = np.nonzero(a.max(0) > 24)[0]
    if len(rows) == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


# ---- theme -----------------------------------------------------------------

class Theme:
    def __init__(self, rng, styles, families):
        self.style = "Fusion" if "Fusion" in styles and (rng.random() < 0.6 or len(styles) == 1) \
            else rng.choice([s for s in styles if s != "Fusion"] or styles)
        self.dark = rng.random() < 0.4
        hue = rng.random()
        self.accent = QColor.fromHsvF(hue, rng.uniform(0.45, 0.95),
                                      rng.uniform(0.65, 1.0) if self.dark else rng.uniform(0.5, 0.9))
        th, ts = rng.random(), rng.uniform(0.0, 0.12)
        if self.dark:
            wv = rng.uniform(0.11, 0.26)
            self.window = QColor.fromHsvF(th, ts, wv)
            self.base = QColor.fromHsvF(th, ts, min(0.4, max(0.05, wv + rng.uniform(-0.08, 0.07))))
            self.text = QColor.fromHsvF(th, ts * 0.4, rng.uniform(0.82, 0.97))
            self.button = QColor.fromHsvF(th, ts, min(0.45, wv + rng.uniform(0.03, 0.12)))
        else:
            wv = rng.uniform(0.86, 1.0)
            self.window = QColor.fromHsvF(th, ts * 0.6, wv)
            self.base = QColor.fromHsvF(th, ts * 0.2, rng.uniform(0.97, 1.0))
            self.text = QColor.fromHsvF(th, ts, rng.uniform(0.0, 0.22))
            self.button = QColor.fromHsvF(th, ts * 0.6, min(1.0, max(0.75, wv + rng.uniform(-0.07, 0.04))))
        self.mid = mix(self.window, self.text, 0.35)
        if not self.dark and rng.random() < 0.4:
            self.link = QColor("#0b57d0")
        else:
            self.link = QColor(self.accent) if abs(lum(self.accent) - lum(self.window)) > 70 \
                else (self.accent.lighter(170) if self.dark else self.accent.darker(170))
        pal = QPalette(self.button, self.window)
        for grp in (QPalette.Active, QPalette.Inactive):
            pal.setColor(grp, QPalette.WindowText, self.text)
            pal.setColor(grp, QPalette.Text, self.text)
            pal.setColor(grp, QPalette.ButtonText, self.text)
            pal.setColor(grp, QPalette.Base, self.base)
            pal.setColor(grp, QPalette.AlternateBase, mix(self.base, self.text, 0.05))
            pal.setColor(grp, QPalette.Highlight, self.accent)
            pal.setColor(grp, QPalette.HighlightedText, on_color(self.accent))
            pal.setColor(grp, QPalette.Link, self.link)
            pal.setColor(grp, QPalette.LinkVisited, self.link.darker(130))
            pal.setColor(grp, QPalette.PlaceholderText, mix(self.text, self.base, 0.5))
            pal.setColor(grp, QPalette.ToolTipBase, self.base)
            pal.setColor(grp, QPalette.ToolTipText, self.text)
            pal.setColor(grp, QPalette.BrightText, QColor(255, 60, 60))
        for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
            pal.setColor(QPalette.Disabled, role, mix(self.text, self.window, 0.55))
        self.palette = pal
        fams = [(f, w) for f, w in FONT_PREF if f in families] or [("Sans Serif", 1)]
        self.family = wchoice(rng, fams)
        self.pt = wchoice(rng, PT_WEIGHTS)
        self.font = QFont(self.family)
        self.font.setPointSizeF(self.pt)


def make_qss(rng, th: Theme, assets) -> str:
    A, W, T, B = th.accent, th.window, th.text, th.base
    parts = []
    r = rng.choice([0, 2, 3, 4, 5, 6, 8, 10, 14])
    bw = rng.choice([1, 1, 1, 2])
    # push buttons and framed tool buttons: always a visible face
    if rng.random() < 0.9:
        kind = rng.choice(["accent", "neutral", "neutral", "outline", "soft"])
        if kind == "accent":
            bg, fg = A, on_color(A)
            border = "none" if rng.random() < 0.6 else f"{bw}px solid {cn(A.darker(130))}"
        elif kind == "neutral":
            bg = th.button.lighter(rng.randint(100, 115)) if not th.dark else th.button.lighter(rng.randint(105, 135))
            fg = T
            border = f"{bw}px solid {cn(mix(bg, T, rng.uniform(0.2, 0.45)))}"
            if abs(lum(bg) - lum(W)) > 18 and rng.random() < 0.4:
                border = "none"
        elif kind == "outline":
            bg, fg = W, (A if abs(lum(A) - lum(W)) > 60 else T)
            border = f"{rng.choice([1, 2])}px solid {cn(A)}"
        else:
            bg = mix(A, W, rng.uniform(0.7, 0.85))
            fg = A.darker(160) if not th.dark else A.lighter(160)
            border = "none"
        pad = f"{rng.randint(3, 10)}px {rng.randint(6, 22)}px"
        parts.append(f"QPushButton {{ background-color: {cn(bg)}; color: {cn(fg)}; border: {border};"
                     f" border-radius: {r}px; padding: {pad}; }}")
        if rng.random() < 0.5:
            parts.append(f"QPushButton:default, QPushButton#primary {{ background-color: {cn(A)};"
                         f" color: {cn(on_color(A))}; border: none; }}")
        parts.append(f"QToolButton#framed {{ background-color: {cn(bg)}; color: {cn(fg)};"
                     f" border: {border if border != 'none' else '1px solid ' + cn(mix(bg, T, 0.3))};"
                     f" border-radius: {min(r, 6)}px; padding: {rng.randint(2, 6)}px; }}")
    # text fields
    fields = "QLineEdit, QSpinBox, QDoubleSpinBox, QDateEdit, QTimeEdit, QPlainTextEdit"
    if rng.random() < 0.7:
        fr = rng.choice([0, 2, 3, 4, 6])
        kind = rng.choice(["box", "box", "box", "underline", "filled"])
        pad = f"{rng.randint(2, 7)}px {rng.randint(3, 8)}px"
        if kind == "box":
            bc = A if rng.random() < 0.2 else mix(B, T, rng.uniform(0.25, 0.5))
            parts.append(f"{fields} {{ background: {cn(B)}; color: {cn(T)}; border: {bw}px solid {cn(bc)};"
                         f" border-radius: {fr}px; padding: {pad}; }}")
        elif kind == "underline":
            parts.append(f"{fields} {{ background: {cn(mix(W, T, 0.04))}; color: {cn(T)}; border: none;"
                         f" border-bottom: 2px solid {cn(rng.choice([A, mix(W, T, 0.5)]))}; padding: {pad}; }}")
        else:
            parts.append(f"{fields} {{ background: {cn(mix(W, T, rng.uniform(0.07, 0.14)))}; color: {cn(T)};"
                         f" border: none; border-radius: {fr}px; padding: {pad}; }}")
    # combo boxes
    if rng.random() < 0.45:
        cr = rng.choice([0, 2, 4, 6])
        bg = rng.choice([B, th.button])
        parts.append(f"QComboBox {{ background: {cn(bg)}; color: {cn(T)}; border: {bw}px solid"
                     f" {cn(mix(bg, T, 0.35))}; border-radius: {cr}px; padding: {rng.randint(2, 6)}px"
                     f" {rng.randint(6, 10)}px; }}")
        parts.append(f"QComboBox::drop-down {{ border: none; width: {rng.randint(16, 26)}px; }}")
        arrow = assets["arrow_light"] if th.dark else assets["arrow_dark"]
        parts.append(f"QComboBox::down-arrow {{ image: url({arrow}); width: 10px; height: 10px; }}")
    # indicators
    if rng.random() < 0.5:
        s = rng.randint(12, 22)
        b = rng.choice([1, 2])
        ib = mix(B, T, rng.uniform(0.35, 0.6))
        parts.append(f"QCheckBox::indicator {{ width: {s}px; height: {s}px; border: {b}px solid {cn(ib)};"
                     f" border-radius: {rng.choice([0, 2, 3, 4])}px; background: {cn(B)}; }}")
        parts.append(f"QCheckBox::indicator:checked {{ background: {cn(A)}; border-color: {cn(A)};"
                     f" image: url({assets['check_dark'] if lum(A) > 150 else assets['check_light']}); }}")
        parts.append(f"QRadioButton::indicator {{ width: {s}px; height: {s}px; border: {b}px solid {cn(ib)};"
                     f" border-radius: {s // 2 + b}px; background: {cn(B)}; }}")
        dot = cn(on_color(A))
        parts.append(f"QRadioButton::indicator:checked {{ border-color: {cn(A)}; background: qradialgradient("
                     f"cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 {dot}, stop:0.42 {dot},"
                     f" stop:0.5 {cn(A)}, stop:1 {cn(A)}); }}")
        parts.append(f"QCheckBox, QRadioButton {{ spacing: {rng.randint(4, 12)}px; }}")
    # tabs
    if rng.random() < 0.4:
        tr = rng.choice([0, 3, 6])
        tbg = mix(W, T, rng.uniform(0.06, 0.15))
        parts.append(f"QTabBar::tab {{ background: {cn(tbg)}; color: {cn(T)}; padding: {rng.randint(4, 10)}px"
                     f" {rng.randint(8, 20)}px; border: 1px solid {cn(mix(W, T, 0.3))};"
                     f" border-top-left-radius: {tr}px; border-top-right-radius: {tr}px;"
                     f" margin-right: {rng.choice([0, 1, 2, 4])}px; }}")
        sel = rng.choice(["accent", "base", "line"])
        if sel == "accent":
            parts.append(f"QTabBar::tab:selected {{ background: {cn(A)}; color: {cn(on_color(A))}; }}")
        elif sel == "base":
            parts.append(f"QTabBar::tab:selected {{ background: {cn(B)}; }}")
        else:
            parts.append(f"QTabBar::tab:selected {{ border-bottom: 3px solid {cn(A)}; }}")
    # sliders
    if rng.random() < 0.4:
        g = rng.randint(2, 8)
        hs = rng.randint(max(g + 4, 12), 22)
        m = (hs - g) // 2
        hcol = rng.choice([A, QColor(250, 250, 250), th.button.lighter(120)])
        parts.append(f"QSlider::groove:horizontal {{ height: {g}px; background: {cn(mix(W, T, 0.25))};"
                     f" border-radius: {g // 2}px; }}")
        parts.append(f"QSlider::sub-page:horizontal {{ background: {cn(A)}; border-radius: {g // 2}px; }}")
        parts.append(f"QSlider::handle:horizontal {{ width: {hs}px; margin: -{m}px 0; border-radius:"
                     f" {hs // 2}px; background: {cn(hcol)}; border: 1px solid {cn(mix(hcol, T, 0.3))}; }}")
        parts.append(f"QSlider::groove:vertical {{ width: {g}px; background: {cn(mix(W, T, 0.25))};"
                     f" border-radius: {g // 2}px; }}")
        parts.append(f"QSlider::add-page:vertical {{ background: {cn(A)}; border-radius: {g // 2}px; }}")
        parts.append(f"QSlider::handle:vertical {{ height: {hs}px; margin: 0 -{m}px; border-radius:"
                     f" {hs // 2}px; background: {cn(hcol)}; border: 1px solid {cn(mix(hcol, T, 0.3))}; }}")
    # menus
    if rng.random() < 0.4:
        mbg = rng.choice([W, mix(W, T, 0.06), B])
        parts.append(f"QMenuBar {{ background: {cn(mbg)}; color: {cn(T)}; }}")
        parts.append(f"QMenuBar::item {{ padding: {rng.randint(3, 8)}px {rng.randint(6, 14)}px;"
                     f" background: transparent; }}")
        parts.append(f"QMenu {{ background: {cn(B)}; color: {cn(T)}; border: 1px solid {cn(mix(B, T, 0.3))}; }}")
        parts.append(f"QMenu::item {{ padding: {rng.randint(3, 8)}px {rng.randint(16, 30)}px"
                     f" {rng.randint(3, 8)}px {rng.randint(16, 30)}px; }}")
        parts.append(f"QMenu::item:selected {{ background: {cn(A)}; color: {cn(on_color(A))}; }}")
        parts.append(f"QMenu::separator {{ height: 1px; background: {cn(mix(B, T, 0.3))}; margin: 4px 8px; }}")
    if rng.random() < 0.3:
        parts.append(f"QGroupBox {{ border: 1px solid {cn(mix(W, T, 0.3))}; border-radius: {r}px;"
                     f" margin-top: 1.3em; padding-top: 4px; }}")
        parts.append("QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; }")
    if rng.random() < 0.3:
        parts.append(f"QProgressBar {{ border: 1px solid {cn(mix(W, T, 0.3))}; border-radius: {min(r, 6)}px;"
                     f" background: {cn(B)}; text-align: center; }}"
                     f" QProgressBar::chunk {{ background: {cn(A)}; border-radius: {min(r, 6)}px; }}")
    return "\n".join(parts)


# ---- custom widgets ----------------------------------------------------------

class Toggle(QWidget):
    """Custom-painted on/off switch; the widget rect is the track incl. knob."""

    def __init__(self, on, w, h, kind, th: Theme, rng, parent=None):
        super().__init__(parent)
        self.on, self.kind = on, kind
        self.setFixedSize(w, h)
        self.on_col = th.accent
        self.off_col = mix(th.window, th.text, rng.uniform(0.25, 0.45))
        self.knob_col = rng.choice([QColor(255, 255, 255), QColor(245, 245, 245), th.base])
        self.border = rng.random() < 0.3
        self.text_col = th.text

    def paintEvent(self, ev):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect())
        h = r.height()
        if self.kind == "overhang":
            track = r.adjusted(h * 0.12, h * 0.22, -h * 0.12, -h * 0.22)
            rad = track.height() / 2
            kd = h
        else:
            track = r
            rad = h / 2 if self.kind == "round" else min(4.0, h / 4)
            kd = h - 2 * max(2.0, h * 0.12)
        p.setPen(QPen(mix(self.text_col, self.off_col, 0.5), 1) if self.border and not self.on else Qt.NoPen)
        p.setBrush(self.on_col if self.on else self.off_col)
        p.drawRoundedRect(track.adjusted(0.5, 0.5, -0.5, -0.5), rad, rad)
        m = (h - kd) / 2
        x = r.right() - m - kd if self.on else r.left() + m
        p.setPen(QPen(QColor(0, 0, 0, 60), 1))
        p.setBrush(self.knob_col)
        if self.kind == "square":
            p.drawRoundedRect(QRectF(x, m, kd, kd), min(3.0, kd / 4), min(3.0, kd / 4))
        else:
            p.drawEllipse(QRectF(x + 0.5, m + 0.5, kd - 1, kd - 1))
        p.end()


class Swatch(QWidget):
    """Distractor: an 'image' / coloured block."""

    def __init__(self, w, h, c1, c2, kind, seed, parent=None):
        super().__init__(parent)
        self.setMinimumSize(w, h)
        self.c1, self.c2, self.kind, self.seed = c1, c2, kind, seed

    def paintEvent(self, ev):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect())
        g = QLinearGradient(r.topLeft(), r.bottomRight())
        g.setColorAt(0, self.c1)
        g.setColorAt(1, self.c2)
        p.fillRect(r, g)
        if self.kind == "photo":
            rr = random.Random(self.seed)
            for _ in range(rr.randint(2, 6)):
                c = QColor.fromHsvF(rr.random(), rr.uniform(0.2, 0.7), rr.uniform(0.3, 0.95), rr.uniform(0.4, 0.9))
                p.setBrush(c)
                p.setPen(Qt.NoPen)
                cx, cy = rr.uniform(0, r.width()), rr.uniform(0, r.height())
                rad = rr.uniform(0.1, 0.4) * min(r.width(), r.height())
                if rr.random() < 0.5:
                    p.drawEllipse(QPointF(cx, cy), rad, rad)
                else:
                    path = QPainterPath()
                    path.moveTo(0, r.height())
                    path.lineTo(cx, cy)
                    path.lineTo(min(r.width(), cx + rad * 2), r.height())
                    p.drawPath(path)
        p.end()


# ---- the generator -------------------------------------------------------------

class Gen:
    def __init__(self, app: QApplication, dpr: float, tmpdir: str):
        self.app = app
        self.dpr = dpr
        self.styles = list(QStyleFactory.keys())
        self.families = set(QFontDatabase.families())
        self.cur_style = None
        self.std_cache = {}
        self.assets = self._make_assets(tmpdir)
        tofu = self._glyph_bits("\ue000")
        self.glyphs = [c for c in ICON_GLYPHS if self._glyph_bits(c) != tofu]

    @staticmethod
    def _glyph_bits(ch):
        img = QImage(40, 40, QImage.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        f = QFont("DejaVu Sans")
        f.setPixelSize(32)
        p.setFont(f)
        p.setPen(QColor(0, 0, 0))
        p.drawText(QRectF(0, 0, 40, 40), Qt.AlignCenter, ch)
        p.end()
        return bytes(img.constBits())

    # -- assets for style sheets
    def _make_assets(self, d):
        out = {}
        for name, col in (("check_light", QColor(255, 255, 255)), ("check_dark", QColor(20, 20, 20))):
            img = QImage(64, 64, QImage.Format_ARGB32_Premultiplied)
            img.fill(0)
            p = QPainter(img)
            p.setRenderHint(QPainter.Antialiasing)
            p.setPen(QPen(col, 9, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            p.drawPolyline([QPointF(12, 33), QPointF(26, 47), QPointF(52, 17)])
            p.end()
            path = os.path.join(d, name + ".png")
            img.save(path)
            out[name] = path
        for name, col in (("arrow_light", QColor(230, 230, 230)), ("arrow_dark", QColor(40, 40, 40))):
            img = QImage(32, 32, QImage.Format_ARGB32_Premultiplied)
            img.fill(0)
            p = QPainter(img)
            p.setRenderHint(QPainter.Antialiasing)
            p.setPen(QPen(col, 4, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            p.drawPolyline([QPointF(6, 11), QPointF(16, 21), QPointF(26, 11)])
            p.end()
            path = os.path.join(d, name + ".png")
            img.save(path)
            out[name] = path
        return out

    def std_icons(self):
        st = self.app.style()
        key = self.cur_style
        if key not in self.std_cache:
            icons = []
            for sp in QStyle.StandardPixmap:
                if sp.name in ("SP_CustomBase",):
                    continue
                try:
                    ic = st.standardIcon(sp)
                except Exception:
                    continue
                if not ic.isNull() and ic.availableSizes():
                    icons.append(sp)
            self.std_cache[key] = icons
        return self.std_cache[key]

    # -- icons: returns (QPixmap with dpr, tight bbox as QRectF in logical px)
    def icon_pixmap(self, rng, s: int, th: Theme, kind=None, color=None):
        dpr = self.dpr
        S = max(4, round(s * dpr))
        img = QImage(S, S, QImage.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        kind = kind or wchoice(rng, [("std", 4), ("glyph", 4), ("app", 1.5), ("shape", 2)])
        col = color or rng.choice([th.text, th.text, th.accent, mix(th.text, th.window, 0.3)])
        if kind == "std":
            icons = self.std_icons()
            if not icons:
                kind = "glyph"
            else:
                ic = self.app.style().standardIcon(rng.choice(icons))
                pm = ic.pixmap(QSize(S, S))
                p.drawPixmap(QRect(0, 0, S, S), pm)
        if kind in ("glyph", "app"):
            if kind == "app":
                bg = QColor.fromHsvF(rng.random(), rng.uniform(0.4, 0.9), rng.uniform(0.5, 0.95))
                p.setPen(Qt.NoPen)
                p.setBrush(bg)
                if rng.random() < 0.5:
                    p.drawEllipse(QRectF(0, 0, S, S))
                else:
                    p.drawRoundedRect(QRectF(0, 0, S, S), S * 0.22, S * 0.22)
                col = on_color(bg)
                frac = 0.55
            else:
                frac = rng.uniform(0.8, 1.0)
            f = QFont("DejaVu Sans")
            f.setPixelSize(max(4, int(S * frac)))
            p.setFont(f)
            p.setPen(col)
            if kind == "app" and rng.random() < 0.4:
                txt = rng.choice("ABCDEFGHKMNPRSTWZ")
            else:
                txt = rng.choice(self.glyphs) if self.glyphs else "*"
            p.drawText(QRectF(0, 0, S, S), Qt.AlignCenter, txt)
        elif kind == "shape":
            lw = max(1.5, S / 10)
            p.setPen(QPen(col, lw, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            p.setBrush(Qt.NoBrush)
            m = S * 0.15
            sh = rng.choice(["burger", "search", "plus", "chev", "dots", "circle", "house", "bell"])
            if sh == "burger":
                for k in range(3):
                    y = m + (S - 2 * m) * k / 2
                    p.drawLine(QPointF(m, y), QPointF(S - m, y))
            elif sh == "search":
                p.drawEllipse(QRectF(m, m, S * 0.5, S * 0.5))
                p.drawLine(QPointF(m + S * 0.45, m + S * 0.45), QPointF(S - m, S - m))
            elif sh == "plus":
                p.drawLine(QPointF(S / 2, m), QPointF(S / 2, S - m))
                p.drawLine(QPointF(m, S / 2), QPointF(S - m, S / 2))
            elif sh == "chev":
                p.drawPolyline([QPointF(S * 0.35, m), QPointF(S * 0.68, S / 2), QPointF(S * 0.35, S - m)])
            elif sh == "dots":
                p.setPen(Qt.NoPen)
                p.setBrush(col)
                for k in range(3):
                    p.drawEllipse(QPointF(S / 2, m + (S - 2 * m) * k / 2), S * 0.09, S * 0.09)
            elif sh == "circle":
                p.drawEllipse(QRectF(m, m, S - 2 * m, S - 2 * m))
                p.drawLine(QPointF(S / 2, S * 0.3), QPointF(S / 2, S * 0.55))
            elif sh == "house":
                p.drawPolyline([QPointF(m, S * 0.5), QPointF(S / 2, m), QPointF(S - m, S * 0.5)])
                p.drawRect(QRectF(S * 0.27, S * 0.45, S * 0.46, S * 0.42))
            else:
                path = QPainterPath()
                path.moveTo(S * 0.25, S * 0.7)
                path.quadTo(S * 0.25, m, S / 2, m)
                path.quadTo(S * 0.75, m, S * 0.75, S * 0.7)
                path.closeSubpath()
                p.drawPath(path)
                p.drawLine(QPointF(S * 0.45, S * 0.82), QPointF(S * 0.55, S * 0.82))
        p.end()
        bb = alpha_bbox(img)
        if bb is None:
            bb = (0, 0, S, S)
        pm = QPixmap.fromImage(img)
        pm.setDevicePixelRatio(dpr)
        box = QRectF(bb[0] / dpr, bb[1] / dpr, (bb[2] - bb[0]) / dpr, (bb[3] - bb[1]) / dpr)
        return pm, box, img, bb

    # ------------------------------------------------------------------
    def make(self, rng):
        th = Theme(rng, self.styles, self.families)
        if th.style != self.cur_style:
            self.app.setStyle(th.style)
            self.cur_style = th.style
        self.app.setPalette(th.palette)
        self.app.setFont(th.font)
        use_qss = rng.random() < 0.5
        qss = make_qss(rng, th, self.assets) if use_qss else ""
        dpr = self.dpr
        # canvas (device px)
        while True:
            (CW, CH) = wchoice(rng, CANVASES)
            if CW / dpr >= 560 or dpr < 1.5 and CW / dpr >= 500:
                break
        canvas = QImage(CW, CH, QImage.Format_RGB32)
        p = QPainter(canvas)
        p.setRenderHint(QPainter.Antialiasing)
        objs = []
        self._paint_desktop(p, rng, CW, CH, th)
        mode = wchoice(rng, [("kiosk", 3), ("single", 4), ("double", 3)])
        area = QRect(0, 0, CW, CH)
        if mode != "kiosk" and rng.random() < 0.25:
            area = self._paint_taskbar(p, rng, CW, CH, th, objs)
        # window slots (device px), title bar height per slot
        slots = []
        if mode == "kiosk":
            slots.append((area, 0, area))
        else:
            regions = [area]
            if mode == "double":
                if area.width() >= area.height() * 1.2:
                    cut = int(area.width() * rng.uniform(0.4, 0.6))
                    regions = [QRect(area.x(), area.y(), cut, area.height()),
                               QRect(area.x() + cut, area.y(), area.width() - cut, area.height())]
                else:
                    cut = int(area.height() * rng.uniform(0.4, 0.6))
                    regions = [QRect(area.x(), area.y(), area.width(), cut),
                               QRect(area.x(), area.y() + cut, area.width(), area.height() - cut)]
                if any(r.width() / dpr < 340 or r.height() / dpr < 260 for r in regions):
                    regions = [area]
            for reg in regions:
                tb = round(rng.randint(22, 32) * dpr) if rng.random() < 0.7 else 0
                mx = int(reg.width() * rng.uniform(0.0, 0.12)) + round(4 * dpr)
                my = int(reg.height() * rng.uniform(0.0, 0.12)) + round(4 * dpr)
                w = reg.width() - 2 * mx
                h = reg.height() - 2 * my - tb
                if len(regions) == 1:
                    w = int(w * rng.uniform(0.6, 1.0))
                    h = int(h * rng.uniform(0.6, 1.0))
                x = reg.x() + mx + rng.randint(0, max(0, reg.width() - 2 * mx - w))
                y = reg.y() + my + tb + rng.randint(0, max(0, reg.height() - 2 * my - tb - h))
                slots.append((QRect(x, y, w, h), tb, reg))
        windows = []
        try:
            placed = []
            for rect, tb, reg in slots:
                W = max(200, int(rect.width() / dpr))
                H = max(150, int(rect.height() / dpr))
                softW, softH = int(reg.width() / dpr), int((reg.height() - tb) / dpr)
                maxW, maxH = int(CW / dpr), int((CH - tb) / dpr)
                win = self._build_window(rng, th, qss, W, H, softW, softH, maxW, maxH,
                                         kiosk=(mode == "kiosk"))
                windows.append(win)
                root = win["root"]
                ww, wh = root.width(), root.height()
                wdev = QRect(rect.x(), rect.y(), round(ww * dpr), round(wh * dpr))
                # grown windows stay inside their region where possible
                if wdev.right() > reg.right():
                    wdev.moveLeft(max(reg.x(), reg.right() + 1 - wdev.width()))
                if wdev.bottom() > reg.bottom():
                    wdev.moveTop(max(reg.y() + tb, reg.bottom() + 1 - wdev.height()))
                # keep inside canvas when the window had to grow
                if wdev.right() >= CW:
                    wdev.moveLeft(max(0, CW - wdev.width()))
                if wdev.bottom() >= CH:
                    wdev.moveTop(max(tb, CH - wdev.height()))
                full = wdev.adjusted(0, -tb, 0, 0)
                if any(full.intersects(q) for q in placed):
                    # the window had to grow: look for a free spot nearby
                    best = None
                    for gy in range(11):
                        for gx in range(11):
                            x = int((CW - full.width()) * gx / 10)
                            y = int((CH - full.height()) * gy / 10)
                            cand = QRect(x, y, full.width(), full.height())
                            if any(cand.intersects(q) for q in placed):
                                continue
                            d = abs(x - full.x()) + abs(y - full.y())
                            if best is None or d < best[0]:
                                best = (d, cand)
                    if best is None:
                        continue
                    full = best[1]
                    wdev = full.adjusted(0, tb, 0, 0)
                placed.append(full)
                win["dev"] = wdev
                win["tb"] = tb
            for win in windows:
                if "dev" not in win:
                    continue
                self._paste_window(p, rng, th, win, objs, CW, CH, kiosk=(mode == "kiosk"))
        finally:
            p.end()
            for win in windows:
                win["entries"] = None
                win["root"].hide()
                win["root"].deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
            self.app.processEvents()
        meta = {"style": th.style, "dpr": dpr, "palette": "dark" if th.dark else "light",
                "accent": th.accent.name(), "qss": use_qss, "font": th.family, "pt": th.pt,
                "canvas": [CW, CH], "layout": mode if mode != "double" or len(slots) == 2 else "single",
                "windows": sum(1 for w in windows if "dev" in w)}
        return canvas, objs, meta

    # ---- desktop ------------------------------------------------------
    def _paint_desktop(self, p, rng, CW, CH, th):
        kind = rng.choice(["plain", "linear", "linear", "radial", "blobs"])
        c1 = QColor.fromHsvF(rng.random(), rng.uniform(0.1, 0.8), rng.uniform(0.15, 0.9))
        c2 = QColor.fromHsvF(rng.random(), rng.uniform(0.1, 0.8), rng.uniform(0.15, 0.9))
        if kind == "plain":
            p.fillRect(0, 0, CW, CH, c1)
        elif kind == "radial":
            g = QRadialGradient(QPointF(rng.uniform(0, CW), rng.uniform(0, CH)), max(CW, CH) * rng.uniform(0.5, 1.2))
            g.setColorAt(0, c1)
            g.setColorAt(1, c2)
            p.fillRect(0, 0, CW, CH, g)
        else:
            ang = rng.uniform(0, math.pi)
            dx, dy = math.cos(ang) * CW / 2, math.sin(ang) * CH / 2
            g = QLinearGradient(CW / 2 - dx, CH / 2 - dy, CW / 2 + dx, CH / 2 + dy)
            g.setColorAt(0, c1)
            if rng.random() < 0.4:
                g.setColorAt(0.5, QColor.fromHsvF(rng.random(), 0.5, rng.uniform(0.3, 0.9)))
            g.setColorAt(1, c2)
            p.fillRect(0, 0, CW, CH, g)
            if kind == "blobs":
                p.setPen(Qt.NoPen)
                for _ in range(rng.randint(3, 10)):
                    c = QColor.fromHsvF(rng.random(), rng.uniform(0.2, 0.8), rng.uniform(0.3, 1.0), rng.uniform(0.1, 0.4))
                    p.setBrush(c)
                    rad = rng.uniform(0.05, 0.4) * CW
                    p.drawEllipse(QPointF(rng.uniform(0, CW), rng.uniform(0, CH)), rad, rad)

    def _paint_taskbar(self, p, rng, CW, CH, th, objs):
        dpr = self.dpr
        h = round(rng.randint(30, 46) * dpr)
        top = rng.random() < 0.25
        y = 0 if top else CH - h
        bg = rng.choice([QColor(30, 30, 34), QColor(235, 235, 240), mix(th.window, th.text, 0.1),
                         QColor.fromHsvF(rng.random(), 0.3, 0.25)])
        p.fillRect(0, y, CW, h, bg)
        fg = on_color(bg)
        s = int(h / dpr * rng.uniform(0.5, 0.75))
        x = round(rng.randint(6, 14) * dpr)
        gap = round(rng.randint(6, 16) * dpr)
        n = rng.randint(3, 8)
        for k in range(n):
            pm, box, img, bb = self.icon_pixmap(rng, s, th, kind=rng.choice(["app", "glyph", "std", "app"]), color=fg)
            iy = y + (h - img.height()) // 2
            if x + img.width() > CW * 0.8:
                break
            p.drawImage(QPoint(x, iy), img)
            objs.append(self._obj("icon", x + bb[0], iy + bb[1], x + bb[2], iy + bb[3], CW, CH))
            x += img.width() + gap
        # clock text (distractor)
        f = QFont(th.family)
        f.setPixelSize(max(6, int(h * 0.38)))
        p.setFont(f)
        p.setPen(fg)
        p.drawText(QRect(CW - round(90 * dpr), y, round(80 * dpr), h), Qt.AlignRight | Qt.AlignVCenter,
                   f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
        return QRect(0, h if top else 0, CW, CH - h)

    @staticmethod
    def _obj(cls, x0, y0, x1, y1, CW, CH, checked=None, text=None):
        x0, y0 = max(0, int(round(x0))), max(0, int(round(y0)))
        x1, y1 = min(CW, int(round(x1))), min(CH, int(round(y1)))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return None
        return {"cls": cls, "box": [x0, y0, x1, y1], "checked": checked, "text": text}

    def _paste_window(self, p, rng, th, win, objs, CW, CH, kiosk):
        dpr = self.dpr
        root = win["root"]
        wdev, tb = win["dev"], win["tb"]
        pm = root.grab()
        img = pm.toImage()
        img.setDevicePixelRatio(1.0)
        ox, oy = wdev.x(), wdev.y()
        if not kiosk:
            # shadow + border + title bar
            if rng.random() < 0.6:
                for k in range(6, 0, -1):
                    d = round(k * dpr)
                    p.fillRect(QRect(ox - d + round(2 * dpr), oy - tb - d + round(3 * dpr),
                                     img.width() + 2 * d, img.height() + tb + 2 * d), QColor(0, 0, 0, 14))
            if tb:
                self._paint_titlebar(p, rng, th, QRect(ox, oy - tb, img.width(), tb), objs, CW, CH)
        p.drawImage(QPoint(ox, oy), img)
        if not kiosk and rng.random() < 0.6:
            p.setPen(QPen(mix(th.window, th.text, 0.35), max(1, round(dpr))))
            p.setBrush(Qt.NoBrush)
            p.drawRect(QRect(ox, oy - tb, img.width() - 1, img.height() + tb - 1))
        for e in win["resolved"]:
            cls, F, V, frac, checked, text = e
            Vd = QRectF(ox + V.x() * dpr, oy + V.y() * dpr, V.width() * dpr, V.height() * dpr)
            va = Vd.width() * Vd.height()
            Vd = Vd.intersected(QRectF(0, 0, CW, CH)).intersected(QRectF(ox, oy, img.width(), img.height()))
            if Vd.isEmpty() or va <= 0:
                continue
            if frac * (Vd.width() * Vd.height()) / va < 0.6:
                continue
            o = self._obj(cls, Vd.left(), Vd.top(), Vd.right(), Vd.bottom(), CW, CH, checked, text)
            if o:
                objs.append(o)

    def _paint_titlebar(self, p, rng, th, r: QRect, objs, CW, CH):
        dpr = self.dpr
        kind = rng.choice(["same", "accent", "dark", "light"])
        bg = {"same": mix(th.window, th.text, 0.08), "accent": th.accent,
              "dark": QColor(40, 42, 48), "light": QColor(236, 236, 238)}[kind]
        fg = on_color(bg)
        p.fillRect(r, bg)
        h = r.height()
        f = QFont(th.family)
        f.setPixelSize(max(6, int(h * rng.uniform(0.4, 0.52))))
        f.setBold(rng.random() < 0.4)
        p.setFont(f)
        p.setPen(fg)
        title = rng.choice(HEADINGS + ["Untitled — Editor", "Terminal", "Files", "picoagent", "Setup Wizard"])
        ctl = rng.choice(["win", "win", "mac", "none"])
        align = Qt.AlignCenter if ctl == "mac" or rng.random() < 0.4 else Qt.AlignLeft | Qt.AlignVCenter
        p.drawText(r.adjusted(round(10 * dpr) if ctl != "mac" else round(80 * dpr), 0, -round(100 * dpr), 0),
                   align, title)
        if ctl == "win":
            cw = int(h * 1.4)
            g = h * rng.uniform(0.26, 0.36)
            pen = QPen(fg, max(1.0, dpr))
            p.setPen(pen)
            p.setBrush(Qt.NoBrush)
            for k, sym in enumerate(["close", "max", "min"]):
                cx = r.right() + 1 - cw * k - cw / 2
                cy = r.top() + h / 2
                x0, y0, x1, y1 = cx - g / 2, cy - g / 2, cx + g / 2, cy + g / 2
                if sym == "close":
                    p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
                    p.drawLine(QPointF(x0, y1), QPointF(x1, y0))
                elif sym == "max":
                    p.drawRect(QRectF(x0, y0, g, g))
                else:
                    p.drawLine(QPointF(x0, cy), QPointF(x1, cy))
                    y0, y1 = cy - g / 4, cy + g / 4
                o = self._obj("icon", x0 - dpr, y0 - dpr, x1 + dpr, y1 + dpr, CW, CH)
                if o:
                    objs.append(o)
        elif ctl == "mac":
            d = h * 0.46
            p.setPen(Qt.NoPen)
            for k, c in enumerate([QColor(255, 95, 87), QColor(254, 188, 46), QColor(40, 200, 64)]):
                x = r.left() + h * 0.5 + k * d * 1.6
                y = r.top() + (h - d) / 2
                p.setBrush(c)
                p.drawEllipse(QRectF(x, y, d, d))
                o = self._obj("icon", x, y, x + d, y + d, CW, CH)
                if o:
                    objs.append(o)

    # ---- window construction ---------------------------------------------
    def _build_window(self, rng, th, qss, W, H, softW, softH, maxW, maxH, kiosk):
        b = Builder(self, rng, th)
        root = QFrame()
        root.setObjectName("root")
        root.setAttribute(Qt.WA_DontShowOnScreen, True)
        root.setAutoFillBackground(True)
        if qss:
            root.setStyleSheet(qss)
        outer = QVBoxLayout(root)
        m = rng.choice([4, 6, 8, 10, 12, 16, 20, 24])
        outer.setContentsMargins(m, m, m, m)
        outer.setSpacing(rng.choice([4, 6, 8, 10, 12, 16]))
        chrome = []
        b.entries = chrome
        mb = None
        if rng.random() < (0.15 if kiosk else 0.35):
            mb = b.menubar()
            outer.setMenuBar(mb)
        extras = []     # removable chrome: (widget, layout, entries), dropped after panels

        def add_extra(make):
            pe = []
            b.entries = pe
            w = make()
            outer.addWidget(w)
            extras.append((w, outer, pe))

        if rng.random() < 0.15:
            add_extra(b.toolbar)
        if rng.random() < 0.1:
            add_extra(b.doc_tabs)
        if rng.random() < 0.3:
            add_extra(b.heading)
        body = QWidget()
        hb = QHBoxLayout(body)
        hb.setContentsMargins(0, 0, 0, 0)
        hb.setSpacing(rng.choice([8, 12, 16, 24]))
        ncols = 1 if W < 420 else (rng.choice([1, 2]) if W < 760 else rng.choice([1, 2, 2, 3]))
        cols = []
        for _ in range(ncols):
            v = QVBoxLayout()
            v.setSpacing(rng.choice([4, 6, 8, 12, 16]))
            hb.addLayout(v, 1)
            cols.append(v)
        outer.addWidget(body, 1)
        npan = max(1, min(9, int(W * H / rng.uniform(45000, 100000)) + rng.randint(0, 1)))
        panels = []
        for k in range(npan):
            col = cols[k % ncols]
            pe = []
            b.entries = pe
            w = b.panel()
            col.addWidget(w)
            panels.append((w, col, pe))
        if rng.random() < 0.8:       # else the spare height spreads between panels
            for c in cols:
                c.addStretch(1)
        if rng.random() < 0.45:
            add_extra(b.dialog_row)
        # fit: drop panels (keeping one), then chrome, then the last panel;
        # if it still does not fit, enlarge the window (bounded by the canvas)
        root.ensurePolished()
        grow_early = rng.random() < 0.75
        grown_soft = grown_hard = False
        retries = 3
        while True:
            outer.invalidate()
            hint = outer.totalMinimumSize()
            need_h = hint.height()
            if outer.hasHeightForWidth():
                need_h = max(need_h, outer.totalHeightForWidth(W))
            if hint.width() <= W and need_h <= H:
                break
            can_soft = not grown_soft and (W < softW or H < softH)
            if grow_early and can_soft:
                grown_soft = True
                W = min(max(W, hint.width()), max(W, softW))
                H = min(max(H, need_h), max(H, softH))
                continue
            if len(panels) > 1:
                victim = panels.pop()
            elif extras:
                victim = extras.pop()
            elif can_soft:
                grown_soft = True
                W = min(max(W, hint.width()), max(W, softW))
                H = min(max(H, need_h), max(H, softH))
                continue
            elif not grown_hard and (W < maxW or H < maxH) and rng.random() < 0.5:
                grown_hard = True
                W = min(max(W, hint.width()), maxW)
                H = min(max(H, need_h), maxH)
                continue
            elif panels:
                victim = panels.pop()
            else:
                break
            w, lay, pe = victim
            par = w.parentWidget()
            lay.removeWidget(w)
            w.hide()
            w.setParent(None)
            w.deleteLater()
            pe.clear()
            lay.invalidate()
            while par is not None:      # size-hint caches are only dropped lazily
                if par.layout() is not None:
                    par.layout().invalidate()
                par.updateGeometry()
                par = par.parentWidget()
            if not panels and not extras and retries > 0:
                # an empty window is useless: try a fresh (maybe smaller) panel
                retries -= 1
                pe = []
                b.entries = pe
                w = b.panel()
                cols[0].insertWidget(0, w)
                panels.append((w, cols[0], pe))
        root.resize(W, H)
        root.show()
        outer.activate()
        # overlay: an open menu hanging from the menu bar
        occluders = []
        if mb is not None and rng.random() < 0.4 and b.mb_actions:
            b.entries = chrome
            a = rng.choice(b.mb_actions)
            g = mb.actionGeometry(a)
            pos = mb.mapTo(root, g.bottomLeft() + QPoint(0, 1))
            menu = b.menu(root)
            menu.resize(menu.sizeHint())
            if pos.x() + menu.width() > W:
                pos.setX(max(0, W - menu.width()))
            menu.move(pos)
            menu.show()
            menu.raise_()
            occluders.append((QRectF(menu.geometry()), menu))
        entries = chrome + [e for _, _, pe in panels + extras for e in pe]
        resolved = resolve_entries(root, entries, occluders, self.dpr)
        return {"root": root, "entries": entries, "resolved": resolved}

    @staticmethod
    def save(canvas: QImage, objs, meta, out, i, seed):
        name = sample_name(i)
        png = os.path.join(out, name + ".png")
        canvas.convertToFormat(QImage.Format_RGB888).save(png, "PNG", 80)  # zlib level 1: fast
        doc = {"width": canvas.width(), "height": canvas.height(), "source": "qt", "seed": seed,
               "meta": meta, "objects": objs}
        tmp = os.path.join(out, name + ".json.tmp")
        with open(tmp, "w") as f:
            json.dump(doc, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(out, name + ".json"))


# ---- label resolution -------------------------------------------------------------

def _subtract(V: QRectF, O: QRectF):
    """Visible area of V minus O; returns (rect_or_None, area).  rect is the
    remaining rectangle when O covers V across a whole side, else V itself."""
    I = V.intersected(O)
    if I.isEmpty():
        return V, V.width() * V.height()
    area = V.width() * V.height() - I.width() * I.height()
    if I.top() <= V.top() and I.bottom() >= V.bottom():      # spans full height
        if I.left() <= V.left():
            return QRectF(I.right(), V.top(), V.right() - I.right(), V.height()), area
        if I.right() >= V.right():
            return QRectF(V.left(), V.top(), I.left() - V.left(), V.height()), area
    if I.left() <= V.left() and I.right() >= V.right():      # spans full width
        if I.top() <= V.top():
            return QRectF(V.left(), I.bottom(), V.width(), V.bottom() - I.bottom()), area
        if I.bottom() >= V.bottom():
            return QRectF(V.left(), V.top(), V.width(), I.top() - V.top()), area
    return V, area


def _local_rect(e) -> QRectF | None:
    k, w = e["kind"], e["w"]
    if k == "geom":
        return QRectF(w.rect())
    if k == "ind":
        opt = QStyleOptionButton()
        w.initStyleOption(opt)
        se = QStyle.SE_CheckBoxIndicator if isinstance(w, QCheckBox) else QStyle.SE_RadioButtonIndicator
        return QRectF(w.style().subElementRect(se, opt, w))
    if k == "tab":
        return QRectF(w.tabRect(e["i"]))
    if k == "mbar":
        r = w.actionGeometry(e["a"])
        ext = w.findChild(QToolButton, "qt_menubar_ext_button")
        if ext is not None and ext.isVisible() and r.right() >= ext.x():
            return None        # overflowed into the ">>" extension menu: not drawn
        return QRectF(r)
    if k == "menu":
        return QRectF(w.actionGeometry(e["a"]))
    if k == "sub":
        return QRectF(e["r"])
    if k == "center_icon":
        s, bb = e["s"], e["bb"]
        r = w.rect()
        x = (r.width() - s) / 2
        y = (r.height() - s) / 2
        return QRectF(x + bb.x(), y + bb.y(), bb.width(), bb.height())
    if k == "link":
        cr = QRectF(w.contentsRect())
        fm = QFontMetricsF(w.font())
        fl = QFont(w.font())
        if e.get("bold"):
            fl.setBold(True)
        fml = QFontMetricsF(fl)
        x0 = cr.left() + fm.horizontalAdvance(e["pre"])
        lw = fml.horizontalAdvance(e["text"])
        hh = max(fm.height(), fml.height())
        y0 = cr.top() + (cr.height() - hh) / 2
        return QRectF(x0, y0, lw, hh)
    raise ValueError(k)


def resolve_entries(root, entries, occluders, dpr):
    out = []
    rr = QRectF(root.rect())
    for e in entries:
        w = e["w"]
        if not w.isVisibleTo(root):
            continue
        loc = _local_rect(e)
        if loc is None or loc.width() <= 0 or loc.height() <= 0:
            continue
        off = w.mapTo(root, QPoint(0, 0))
        F = loc.translated(off.x(), off.y())
        V = QRectF(F)
        q = w
        while q is not None and q is not root:
            o = q.mapTo(root, QPoint(0, 0))
            V = V.intersected(QRectF(q.rect()).translated(o.x(), o.y()))
            q = q.parentWidget()
        V = V.intersected(rr)
        if V.isEmpty():
            continue
        area = V.width() * V.height()
        for O, ow in occluders:
            if ow is w or ow.isAncestorOf(w):
                continue
            V, area = _subtract(V, O)
            if V.isEmpty():
                break
        fa = F.width() * F.height()
        frac = area / fa if fa > 0 else 0
        if frac < 0.6:
            continue
        ch = e.get("checked")
        if callable(ch):
            ch = bool(ch())
        out.append((e["cls"], F, V, frac, ch, e.get("text")))
    return out


# ---- window content builder ----------------------------------------------------------

class Builder:
    def __init__(self, gen: Gen, rng: random.Random, th: Theme):
        self.g, self.rng, self.th = gen, rng, th
        self.entries = []
        self.mb_actions = []

    def reg(self, kind, w, cls, checked=None, text=None, **kw):
        d = {"kind": kind, "w": w, "cls": cls, "checked": checked, "text": text}
        d.update(kw)
        self.entries.append(d)

    # -- primitive widgets -------------------------------------------------
    def button(self, text=None, icon_only=False, plain=False):
        rng = self.rng
        text = text if text is not None else rng.choice(BUTTON_TEXTS)
        b = QPushButton("" if icon_only else text)
        if icon_only:
            text = None
        if icon_only or (text and not plain and rng.random() < 0.12):
            s = rng.choice([16, 16, 20, 24])
            pm, box, _, _ = self.g.icon_pixmap(rng, s, self.th, kind=rng.choice(["std", "glyph", "shape"]))
            b.setIcon(QIcon(pm))
            b.setIconSize(QSize(s, s))
        if not plain and rng.random() < 0.3:
            b.setMinimumHeight(rng.randint(24, 48))
        if not plain and rng.random() < 0.2:
            b.setMinimumWidth(rng.randint(60, 140))
        self.reg("geom", b, "button", text=text or None)
        return b

    def line_edit(self):
        rng = self.rng
        e = QLineEdit()
        r = rng.random()
        txt = None
        if r < 0.45:
            e.setText(rng.choice(FIELD_VALUES))
            txt = e.text()
        elif r < 0.85:
            e.setPlaceholderText(rng.choice(PLACEHOLDERS))
            txt = e.placeholderText()
        if rng.random() < 0.12:
            e.setEchoMode(QLineEdit.Password)
            e.setText("secret12")
            txt = None
        if rng.random() < 0.25:
            e.setMinimumHeight(rng.randint(22, 40))
        if rng.random() < 0.3:
            e.setMinimumWidth(rng.randint(80, 240))
        if rng.random() < 0.15:
            e.setMaximumWidth(rng.randint(60, 160))
        self.reg("geom", e, "text_field", text=txt)
        return e

    def spin(self):
        rng = self.rng
        if rng.random() < 0.7:
            s = QSpinBox()
            s.setRange(0, rng.choice([10, 100, 1000, 65535]))
            s.setValue(rng.randint(0, s.maximum()))
        else:
            s = QDoubleSpinBox()
            s.setRange(0, 100)
            s.setValue(rng.uniform(0, 100))
        if rng.random() < 0.2:
            s.setButtonSymbols(QAbstractSpinBox.PlusMinus)
        elif rng.random() < 0.1:
            s.setButtonSymbols(QAbstractSpinBox.NoButtons)
        if rng.random() < 0.3:
            s.setSuffix(rng.choice([" s", " ms", " %", " px", " °C"]))
        self.reg("geom", s, "text_field", text=s.text())
        return s

    def date_edit(self):
        w = QDateEdit() if self.rng.random() < 0.6 else QTimeEdit()
        self.reg("geom", w, "text_field", text=w.text())
        return w

    def combo(self):
        rng = self.rng
        c = QComboBox()
        c.addItems(rng.sample(COMBO_ITEMS, rng.randint(2, 6)))
        c.setCurrentIndex(rng.randrange(c.count()))
        if rng.random() < 0.12:
            c.setEditable(True)
        if rng.random() < 0.2:
            c.setMinimumWidth(rng.randint(80, 200))
        self.reg("geom", c, "dropdown", text=c.currentText())
        return c

    def checkbox(self, text=None):
        rng = self.rng
        cb = QCheckBox(text if text is not None else rng.choice(CHECK_TEXTS))
        cb.setChecked(rng.random() < 0.5)
        self.reg("ind", cb, "checkbox", checked=cb.isChecked)
        return cb

    def radio(self, text=None):
        rb = QRadioButton(text if text is not None else self.rng.choice(RADIO_TEXTS))
        self.reg("ind", rb, "radio", checked=rb.isChecked)
        return rb

    def toggle(self):
        rng = self.rng
        h = rng.randint(14, 28)
        w = int(h * rng.uniform(1.6, 2.3))
        t = Toggle(rng.random() < 0.5, w, h, rng.choice(["round", "round", "overhang", "square"]), self.th, rng)
        self.reg("geom", t, "toggle", checked=t.on)
        return t

    def slider(self, vertical=False):
        rng = self.rng
        s = QSlider(Qt.Vertical if vertical else Qt.Horizontal)
        s.setRange(0, 100)
        s.setValue(rng.randint(0, 100))
        if rng.random() < 0.15:
            s.setTickPosition(QSlider.TicksBelow)
        if vertical:
            s.setMinimumHeight(rng.randint(70, 180))
        else:
            s.setMinimumWidth(rng.randint(80, 220))
        self.reg("geom", s, "slider")
        return s

    def icon_label(self, s=None, kind=None):
        rng = self.rng
        s = s or rng.choice([16, 16, 20, 24, 24, 32, 48])
        if kind is None and s > 32:
            kind = rng.choice(["app", "glyph", "shape"])
        pm, box, _, _ = self.g.icon_pixmap(rng, s, self.th, kind=kind)
        lab = QLabel()
        lab.setPixmap(pm)
        lab.setFixedSize(s, s)
        lab.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.reg("sub", lab, "icon", r=box)
        return lab

    def tool_button(self, framed, s=None):
        rng = self.rng
        s = s or rng.choice([16, 16, 20, 24, 24, 32])
        pm, box, _, _ = self.g.icon_pixmap(rng, s, self.th, kind=rng.choice(["std", "glyph", "shape", "std"]))
        tbn = QToolButton()
        tbn.setIcon(QIcon(pm))
        tbn.setIconSize(QSize(s, s))
        if framed:
            tbn.setObjectName("framed")
            tbn.setAutoRaise(False)
            if rng.random() < 0.3:
                tbn.setFixedSize(s + 2 * rng.randint(3, 10), s + 2 * rng.randint(3, 10))
            self.reg("geom", tbn, "button")
        else:
            tbn.setAutoRaise(True)
            self.reg("center_icon", tbn, "icon", s=s, bb=box)
        return tbn

    def link(self):
        rng = self.rng
        pre = rng.choice(LINK_PREFIX)
        text = rng.choice(LINK_TEXTS)
        suf = rng.choice(["", "", "", "."]) if pre else ""
        under = rng.random() < 0.7
        bold = rng.random() < 0.15
        st = f"color:{self.th.link.name()}; text-decoration:{'underline' if under else 'none'};"
        if bold:
            st += " font-weight:bold;"
        h = (f"{html.escape(pre)}<a href=\"#\" style=\"{st}\">{html.escape(text)}</a>{html.escape(suf)}")
        lab = QLabel(h)
        lab.setTextFormat(Qt.RichText)
        lab.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        lab.setWordWrap(False)
        self.reg("link", lab, "link", text=text, pre=pre, bold=bold)
        return lab

    def label(self, text=None, wrap=False):
        lab = QLabel(text if text is not None else self.rng.choice(LABELS) + self.rng.choice([":", "", ""]))
        lab.setWordWrap(wrap)
        return lab

    def heading(self):
        lab = QLabel(self.rng.choice(HEADINGS))
        f = QFont(self.th.font)
        f.setPointSizeF(self.th.pt + self.rng.choice([2, 4, 6, 8]))
        f.setBold(self.rng.random() < 0.7)
        lab.setFont(f)
        if self.rng.random() < 0.3:
            lab.setAlignment(Qt.AlignCenter)
        return lab

    def separator(self):
        f = QFrame()
        f.setFrameShape(QFrame.HLine)
        f.setFrameShadow(QFrame.Sunken if self.rng.random() < 0.5 else QFrame.Plain)
        return f

    # -- chrome ----------------------------------------------------------------
    def menubar(self):
        rng = self.rng
        mb = QMenuBar()
        self.mb_actions = []
        for t in rng.sample(MENUBAR_TEXTS, rng.randint(2, 6)):
            a = mb.addAction(t)
            self.mb_actions.append(a)
            self.reg("mbar", mb, "menu_item", text=t, a=a)
        return mb

    def menu(self, parent):
        rng = self.rng
        m = QMenu(parent)
        m.setWindowFlags(Qt.Widget)
        n = rng.randint(3, 9)
        texts = rng.sample(MENU_TEXTS, n)
        for k, t in enumerate(texts):
            if k and rng.random() < 0.2:
                m.addSeparator()
            if rng.random() < 0.1:
                sub = m.addMenu(t)
                a = sub.menuAction()
            else:
                a = m.addAction(t)
                if rng.random() < 0.3:
                    a.setShortcut(rng.choice(SHORTCUTS))
                if rng.random() < 0.15:
                    a.setCheckable(True)
                    a.setChecked(rng.random() < 0.6)
                if rng.random() < 0.15:
                    pm, _, _, _ = self.g.icon_pixmap(rng, 16, self.th, kind="std")
                    a.setIcon(QIcon(pm))
                if rng.random() < 0.07:
                    a.setEnabled(False)
            self.reg("menu", m, "menu_item", text=t, a=a)
        return m

    def toolbar(self):
        rng = self.rng
        tb = QToolBar()
        s = rng.choice([16, 20, 24, 24, 32])
        tb.setIconSize(QSize(s, s))
        tb.setMovable(rng.random() < 0.5)
        acts = []
        for k in range(rng.randint(3, 9)):
            if k and rng.random() < 0.15:
                tb.addSeparator()
            pm, box, _, _ = self.g.icon_pixmap(rng, s, self.th, kind=rng.choice(["std", "std", "glyph", "shape"]))
            a = tb.addAction(QIcon(pm), "")
            acts.append((a, box))
        for a, box in acts:
            w = tb.widgetForAction(a)
            if w is not None:
                self.reg("center_icon", w, "icon", s=s, bb=box)
        return tb

    def doc_tabs(self):
        rng = self.rng
        tb = QTabBar()
        tb.setUsesScrollButtons(False)
        tb.setExpanding(rng.random() < 0.3)
        tb.setDocumentMode(rng.random() < 0.5)
        texts = rng.sample(TAB_TEXTS + ["Untitled", "main.py", "README.md", "Sheet 1", "Dashboard"], rng.randint(2, 5))
        for t in texts:
            tb.addTab(t)
        tb.setCurrentIndex(rng.randrange(len(texts)))
        for i, t in enumerate(texts):
            self.reg("tab", tb, "tab", text=t, i=i)
        return tb

    def dialog_row(self):
        rng = self.rng
        w = QWidget()
        lay = QHBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(rng.choice([4, 6, 8, 12]))
        texts = rng.choice(DIALOG_ROWS)
        al = rng.choice(["right", "right", "center", "left", "fill"])
        if al == "right" and rng.random() < 0.3:
            lay.addWidget(self.link())
        if al in ("right", "center"):
            lay.addStretch(1)
        for k, t in enumerate(texts):
            b = self.button(t)
            if k == len(texts) - 1 and rng.random() < 0.5:
                b.setDefault(True)
                b.setObjectName("primary")
            if al == "fill":
                b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            lay.addWidget(b)
        if al in ("left", "center"):
            lay.addStretch(1)
        return w

    # -- panels --------------------------------------------------------------------
    def panel(self, depth=0):
        rng = self.rng
        kinds = [("form", 14), ("buttons", 10), ("keypad", 5), ("checks", 9), ("radios", 7),
                 ("toggles", 7), ("sliders", 6), ("vsliders", 2), ("toolrow", 5), ("icons", 3),
                 ("launcher", 1.5), ("links", 8), ("text", 6), ("list", 4), ("table", 3),
                 ("progress", 4), ("image", 4), ("textarea", 4), ("combos", 7), ("login", 3),
                 ("search", 4), ("menu", 2), ("mixed", 8)]
        if depth == 0:
            kinds += [("tabs", 7), ("scroll", 2)]
        kind = wchoice(rng, kinds)
        w = getattr(self, "p_" + kind)()
        if depth == 0 and kind not in ("tabs", "scroll", "menu", "login") and rng.random() < 0.22:
            gb = QGroupBox(rng.choice(HEADINGS + TAB_TEXTS))
            gl = QVBoxLayout(gb)
            gl.addWidget(w)
            w = gb
        if depth == 0 and rng.random() < 0.12:
            c = QWidget()
            cl = QVBoxLayout(c)
            cl.setContentsMargins(0, 0, 0, 0)
            cl.addWidget(self.heading() if rng.random() < 0.6 else self.separator())
            cl.addWidget(w)
            w = c
        return w

    def _box(self, vertical=True, margins=0):
        w = QWidget()
        lay = QVBoxLayout(w) if vertical else QHBoxLayout(w)
        lay.setContentsMargins(margins, margins, margins, margins)
        lay.setSpacing(self.rng.choice([2, 4, 6, 8, 10, 14]))
        return w, lay

    def field(self):
        return wchoice(self.rng, [(self.line_edit, 8), (self.spin, 2), (self.combo, 4),
                                  (self.date_edit, 0.7), (self.toggle, 0.6), (self.slider, 0.6)])()

    def p_form(self):
        rng = self.rng
        w = QWidget()
        n = rng.randint(2, 6)
        labels = rng.sample(LABELS, n)
        if rng.random() < 0.5:
            lay = QFormLayout(w)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setLabelAlignment(rng.choice([Qt.AlignLeft, Qt.AlignRight]) | Qt.AlignVCenter)
            lay.setHorizontalSpacing(rng.choice([6, 8, 12, 20]))
            lay.setVerticalSpacing(rng.choice([4, 6, 8, 12]))
            if rng.random() < 0.2:
                lay.setRowWrapPolicy(QFormLayout.WrapAllRows)
            for t in labels:
                if rng.random() < 0.12:
                    row = QWidget()
                    rl = QHBoxLayout(row)
                    rl.setContentsMargins(0, 0, 0, 0)
                    rl.addWidget(self.line_edit(), 1)
                    rl.addWidget(self.button(rng.choice(["Browse…", "…", "Test", "Change"])))
                    lay.addRow(t + ":", row)
                else:
                    lay.addRow(t + rng.choice([":", ""]), self.field())
            if rng.random() < 0.25:
                lay.addRow("", self.checkbox())
            if rng.random() < 0.2:
                lay.addRow("", self.link())
        else:
            lay = QGridLayout(w)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setHorizontalSpacing(rng.choice([6, 8, 12, 20]))
            lay.setVerticalSpacing(rng.choice([4, 6, 8, 12]))
            above = rng.random() < 0.3
            for k, t in enumerate(labels):
                if above:
                    lay.addWidget(QLabel(t), 2 * k, 0)
                    lay.addWidget(self.field(), 2 * k + 1, 0)
                else:
                    lay.addWidget(QLabel(t + ":"), k, 0)
                    lay.addWidget(self.field(), k, 1)
        return w

    def p_buttons(self):
        rng = self.rng
        vertical = rng.random() < 0.25
        w, lay = self._box(vertical=vertical)
        n = rng.randint(1, 4)
        al = rng.choice(["start", "end", "center", "fill"])
        if al in ("end", "center"):
            lay.addStretch(1)
        for t in rng.sample(BUTTON_TEXTS, n):
            b = self.button(t, icon_only=rng.random() < 0.08)
            if al == "fill" and not vertical:
                b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            if rng.random() < 0.15:
                b.setObjectName("primary")
            lay.addWidget(b)
        if al in ("start", "center"):
            lay.addStretch(1)
        return w

    def p_keypad(self):
        rng = self.rng
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        syms = rng.choice(KEYPAD_SETS)
        cols = 4 if len(syms) in (16, 20) else 3
        if rng.random() < 0.6:
            if rng.random() < 0.6:
                e = QLineEdit(str(rng.randint(0, 99999)))
                e.setAlignment(Qt.AlignRight)
                e.setReadOnly(True)
                f = QFont(self.th.font)
                f.setPointSizeF(self.th.pt + rng.choice([2, 4, 8]))
                e.setFont(f)
                self.reg("geom", e, "text_field", text=e.text())
                v.addWidget(e)
            else:
                lab = QLabel(str(rng.randint(0, 99999)))
                lab.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                f = QFont(self.th.font)
                f.setPointSizeF(self.th.pt + rng.choice([4, 8, 12]))
                lab.setFont(f)
                v.addWidget(lab)
        g = QGridLayout()
        sp = rng.choice([0, 2, 4, 6, 8])
        g.setSpacing(sp)
        v.addLayout(g)
        size = rng.choice([None, 28, 32, 40, 48, 56, 64])
        big = rng.random() < 0.5
        for k, s in enumerate(syms):
            b = self.button(s, plain=True)
            if big:
                f = QFont(self.th.font)
                f.setPointSizeF(self.th.pt + rng.choice([2, 4, 6]))
                b.setFont(f)
            if size:
                b.ensurePolished()
                hint = b.sizeHint()
                hh = size if rng.random() < 0.7 else int(size * 0.75)
                b.setFixedSize(max(size, min(hint.width(), size * 2)), max(hh, hint.height()))
            else:
                b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
                b.setMinimumHeight(28)
            g.addWidget(b, k // cols, k % cols)
        return w

    def p_checks(self):
        rng = self.rng
        horiz = rng.random() < 0.2
        w, lay = self._box(vertical=not horiz)
        for t in rng.sample(CHECK_TEXTS, rng.randint(1, 3 if horiz else 6)):
            lay.addWidget(self.checkbox(t))
        if horiz:
            lay.addStretch(1)
        return w

    def p_radios(self):
        rng = self.rng
        horiz = rng.random() < 0.25
        w, lay = self._box(vertical=not horiz)
        if rng.random() < 0.4:
            lay.addWidget(self.label(rng.choice(LABELS) + ":"))
        rbs = [self.radio(t) for t in rng.sample(RADIO_TEXTS, rng.randint(2, 4 if horiz else 5))]
        for r in rbs:
            lay.addWidget(r)
        if rng.random() < 0.85:
            rng.choice(rbs).setChecked(True)
        if horiz:
            lay.addStretch(1)
        return w

    def p_toggles(self):
        rng = self.rng
        w, lay = self._box()
        left = rng.random() < 0.3
        for t in rng.sample(CHECK_TEXTS, rng.randint(1, 5)):
            row = QWidget()
            rl = QHBoxLayout(row)
            rl.setContentsMargins(0, rng.choice([0, 2, 4]), 0, rng.choice([0, 2, 4]))
            if left:
                rl.addWidget(self.toggle())
                rl.addWidget(QLabel(t))
                rl.addStretch(1)
            else:
                rl.addWidget(QLabel(t))
                rl.addStretch(1)
                rl.addWidget(self.toggle())
            lay.addWidget(row)
        return w

    def p_sliders(self):
        rng = self.rng
        w = QWidget()
        g = QGridLayout(w)
        g.setContentsMargins(0, 0, 0, 0)
        for k in range(rng.randint(1, 3)):
            g.addWidget(QLabel(rng.choice(LABELS)), k, 0)
            s = self.slider()
            g.addWidget(s, k, 1)
            if rng.random() < 0.5:
                g.addWidget(QLabel(str(s.value())), k, 2)
        return w

    def p_vsliders(self):
        rng = self.rng
        w, lay = self._box(vertical=False)
        for k in range(rng.randint(2, 6)):
            c = QVBoxLayout()
            c.addWidget(self.slider(vertical=True), 0, Qt.AlignHCenter)
            if rng.random() < 0.7:
                lab = QLabel(rng.choice(["Bass", "Mid", "Treble", "Vol", "L", "R", "Mic", "Aux", f"{60 * 2 ** k} Hz"]))
                lab.setAlignment(Qt.AlignCenter)
                c.addWidget(lab)
            lay.addLayout(c)
        lay.addStretch(1)
        return w

    def p_tabs(self):
        rng = self.rng
        tw = QTabWidget()
        tw.tabBar().setUsesScrollButtons(False)
        tw.setDocumentMode(rng.random() < 0.25)
        tw.setTabPosition(wchoice(rng, [(QTabWidget.North, 8), (QTabWidget.South, 1), (QTabWidget.West, 1)]))
        texts = rng.sample(TAB_TEXTS, rng.randint(2, 5))
        cur = rng.randrange(len(texts))
        for i, t in enumerate(texts):
            if i == cur:
                page = QWidget()
                pl = QVBoxLayout(page)
                pl.addWidget(self.panel(depth=1))
                if rng.random() < 0.5:
                    pl.addStretch(1)
            else:
                page = QWidget()
            tw.addTab(page, t)
        tw.setCurrentIndex(cur)
        tb = tw.tabBar()
        for i, t in enumerate(texts):
            self.reg("tab", tb, "tab", text=t, i=i)
        return tw

    def p_scroll(self):
        rng = self.rng
        sa = QScrollArea()
        sa.setWidgetResizable(True)
        inner = self.p_form() if rng.random() < 0.6 else self.p_checks()
        sa.setWidget(inner)
        sa.setMinimumHeight(rng.randint(60, 140))
        sa.setMaximumHeight(max(sa.minimumHeight(), inner.sizeHint().height() - rng.randint(10, 60)))
        return sa

    def p_toolrow(self):
        rng = self.rng
        w, lay = self._box(vertical=False)
        framed = rng.random() < 0.5
        s = rng.choice([16, 20, 24, 32])
        for k in range(rng.randint(2, 8)):
            if k and rng.random() < 0.12:
                lay.addWidget(self.vsep())
            lay.addWidget(self.tool_button(framed if rng.random() < 0.9 else not framed, s))
        if rng.random() < 0.3:
            lay.addWidget(self.line_edit(), 1)
        else:
            lay.addStretch(1)
        return w

    def vsep(self):
        f = QFrame()
        f.setFrameShape(QFrame.VLine)
        return f

    def p_icons(self):
        rng = self.rng
        w, lay = self._box(vertical=False)
        s = rng.choice([16, 20, 24, 32, 48])
        for _ in range(rng.randint(2, 7)):
            if rng.random() < 0.3:
                row = QHBoxLayout()
                row.addWidget(self.icon_label(s))
                row.addWidget(QLabel(rng.choice(LIST_ITEMS)))
                lay.addLayout(row)
            else:
                lay.addWidget(self.icon_label(s))
        lay.addStretch(1)
        return w

    def p_launcher(self):
        rng = self.rng
        w = QWidget()
        g = QGridLayout(w)
        g.setContentsMargins(0, 0, 0, 0)
        g.setSpacing(rng.choice([8, 12, 16]))
        s = rng.choice([32, 40, 48, 64])
        cols = rng.randint(2, 5)
        names = ["Files", "Browser", "Terminal", "Settings", "Mail", "Music", "Photos", "Camera",
                 "Calendar", "Notes", "Store", "Maps", "Clock", "Games", "Weather"]
        for k in range(rng.randint(2, 10)):
            c = QVBoxLayout()
            c.addWidget(self.icon_label(s, kind=rng.choice(["app", "app", "glyph", "shape"])), 0, Qt.AlignHCenter)
            lab = QLabel(rng.choice(names))
            lab.setAlignment(Qt.AlignCenter)
            c.addWidget(lab)
            g.addLayout(c, k // cols, k % cols)
        return w

    def p_links(self):
        rng = self.rng
        horiz = rng.random() < 0.3
        w, lay = self._box(vertical=not horiz)
        for _ in range(rng.randint(1, 3)):
            lay.addWidget(self.link())
        lay.addStretch(1)
        return w

    def p_text(self):
        rng = self.rng
        w, lay = self._box()
        if rng.random() < 0.5:
            lay.addWidget(self.heading())
        for _ in range(rng.randint(1, 2)):
            lab = QLabel(sentence(rng, 6, 30))
            lab.setWordWrap(True)
            lay.addWidget(lab)
        return w

    def p_list(self):
        rng = self.rng
        lw = QListWidget()
        for t in rng.sample(LIST_ITEMS, rng.randint(3, 10)):
            it = QListWidgetItem(t)
            lw.addItem(it)
        lw.setCurrentRow(rng.randrange(lw.count()))
        lw.setMinimumHeight(rng.randint(50, 120))
        lw.setMaximumHeight(rng.randint(120, 300))
        return lw

    def p_table(self):
        rng = self.rng
        r, c = rng.randint(2, 8), rng.randint(2, 4)
        t = QTableWidget(r, c)
        t.setHorizontalHeaderLabels(rng.sample(["Name", "Size", "Date", "Status", "Type", "Value", "Owner"], c))
        for i in range(r):
            for j in range(c):
                t.setItem(i, j, QTableWidgetItem(rng.choice(LIST_ITEMS + FIELD_VALUES)))
        t.setMinimumHeight(rng.randint(60, 140))
        t.setMaximumHeight(rng.randint(140, 320))
        return t

    def p_progress(self):
        rng = self.rng
        w, lay = self._box()
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                lay.addWidget(QLabel(rng.choice(["Downloading…", "Installing updates", "Battery", "Storage", "CPU", "Copying files"])))
            pb = QProgressBar()
            pb.setValue(rng.randint(0, 100))
            pb.setTextVisible(rng.random() < 0.6)
            lay.addWidget(pb)
        return w

    def p_image(self):
        rng = self.rng
        sw = Swatch(rng.randint(60, 240), rng.randint(40, 160),
                    QColor.fromHsvF(rng.random(), rng.uniform(0.2, 0.8), rng.uniform(0.3, 0.95)),
                    QColor.fromHsvF(rng.random(), rng.uniform(0.2, 0.8), rng.uniform(0.3, 0.95)),
                    rng.choice(["photo", "block"]), rng.randrange(1 << 30))
        sw.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        return sw

    def p_textarea(self):
        rng = self.rng
        w, lay = self._box()
        if rng.random() < 0.5:
            lay.addWidget(self.label(rng.choice(["Comment", "Notes", "Message", "Description", "Log"]) + ":"))
        te = QPlainTextEdit()
        if rng.random() < 0.6:
            te.setPlainText("\n".join(sentence(rng) for _ in range(rng.randint(1, 4))))
        else:
            te.setPlaceholderText(rng.choice(["Type a message…", "Notes", "Enter description"]))
        te.setMinimumHeight(rng.randint(50, 120))
        te.setMaximumHeight(rng.randint(120, 260))
        self.reg("geom", te, "text_field")
        lay.addWidget(te)
        return w

    def p_combos(self):
        rng = self.rng
        horiz = rng.random() < 0.5
        w, lay = self._box(vertical=not horiz)
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                lay.addWidget(QLabel(rng.choice(LABELS) + ":"))
            lay.addWidget(self.combo())
        if horiz:
            lay.addStretch(1)
        return w

    def p_login(self):
        rng = self.rng
        w, lay = self._box(margins=rng.choice([0, 8, 16]))
        lay.addWidget(self.heading())
        for t in (rng.choice(["Username", "Email"]), "Password"):
            if rng.random() < 0.6:
                lay.addWidget(QLabel(t))
            e = self.line_edit()
            if t == "Password":
                e.setEchoMode(QLineEdit.Password)
            lay.addWidget(e)
        if rng.random() < 0.6:
            lay.addWidget(self.checkbox(rng.choice(["Remember me", "Keep me signed in", "Show password"])))
        b = self.button(rng.choice(["Login", "Log in", "Sign in", "Continue"]))
        b.setObjectName("primary")
        lay.addWidget(b)
        if rng.random() < 0.7:
            lay.addWidget(self.link())
        return w

    def p_search(self):
        rng = self.rng
        w, lay = self._box(vertical=False)
        if rng.random() < 0.4:
            lay.addWidget(self.icon_label(rng.choice([16, 20, 24]), kind="shape"))
        e = self.line_edit()
        lay.addWidget(e, 1)
        r = rng.random()
        if r < 0.4:
            lay.addWidget(self.button(rng.choice(["Search", "Go", "Find"])))
        elif r < 0.7:
            lay.addWidget(self.tool_button(rng.random() < 0.5))
        return w

    def p_menu(self):
        w, lay = self._box(vertical=False)
        m = self.menu(w)
        m.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        lay.addWidget(m)
        lay.addStretch(1)
        return w

    def p_mixed(self):
        rng = self.rng
        w = QWidget()
        g = QGridLayout(w)
        g.setContentsMargins(0, 0, 0, 0)
        g.setHorizontalSpacing(rng.choice([6, 10, 16]))
        g.setVerticalSpacing(rng.choice([4, 6, 10]))
        for k in range(rng.randint(2, 6)):
            kind = wchoice(rng, [("check", 3), ("radio", 1), ("toggle", 2), ("combo", 3), ("spin", 2),
                                 ("slider", 2), ("button", 2), ("link", 2), ("icon", 1), ("progress", 1)])
            g.addWidget(QLabel(rng.choice(LABELS)), k, 0)
            if kind == "check":
                ww = self.checkbox(rng.choice(["", "Enabled", "On", ""]))
            elif kind == "radio":
                ww = QWidget()
                hl = QHBoxLayout(ww)
                hl.setContentsMargins(0, 0, 0, 0)
                rbs = [self.radio(t) for t in rng.sample(RADIO_TEXTS, 2)]
                for r in rbs:
                    hl.addWidget(r)
                rng.choice(rbs).setChecked(True)
            elif kind == "toggle":
                ww = self.toggle()
            elif kind == "combo":
                ww = self.combo()
            elif kind == "spin":
                ww = self.spin()
            elif kind == "slider":
                ww = self.slider()
            elif kind == "button":
                ww = self.button(rng.choice(["Change…", "Configure", "Test", "Edit", "Open", "Reset"]))
            elif kind == "link":
                ww = self.link()
            elif kind == "icon":
                ww = self.icon_label()
            else:
                ww = QProgressBar()
                ww.setValue(rng.randint(0, 100))
            g.addWidget(ww, k, 1, Qt.AlignLeft if kind in ("toggle", "check", "icon", "button") else Qt.Alignment())
        g.setColumnStretch(1, 1)
        return w


# ---- worker main -------------------------------------------------------------------

def _msg_handler(mode, ctx, msg):
    if "propagateSizeHints" in msg or "QFont::setPointSizeF" in msg:
        return
    if mode in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        sys.stderr.write(f"qt: {msg}\n")


def _die_with_parent():
    """Linux: get SIGTERM when the scheduling parent goes away."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_worker(args) -> int:
    _die_with_parent()
    qInstallMessageHandler(_msg_handler)
    app = QApplication.instance() or QApplication(["gen_qt"])
    dpr = float(app.devicePixelRatio())
    want = os.environ.get("QT_SCALE_FACTOR")
    if want and abs(float(want) - dpr) > 1e-6:
        print(f"warning: QT_SCALE_FACTOR={want} but devicePixelRatio={dpr}", flush=True)
    tmp = tempfile.mkdtemp(prefix="gen_qt_")
    gen = Gen(app, dpr, tmp)
    out = args.out
    os.makedirs(out, exist_ok=True)
    t0 = args.t0 if args.t0 else time.time()
    total = args.total if args.total else args.count - args.start
    done = args.done_before
    gen_count = args.gen_before
    errors = 0
    for i in range(args.start, args.count):
        if os.path.exists(json_path(out, i)):
            continue
        seed = args.seed * SEED_MUL + i
        rng = random.Random(seed)
        try:
            canvas, objs, meta = gen.make(rng)
            Gen.save(canvas, objs, meta, out, i, seed)
        except Exception as ex:  # keep going; the index stays missing
            errors += 1
            import traceback
            traceback.print_exc()
            print(f"error at index {i}: {ex!r}", flush=True)
            if errors > 20:
                return 2
            continue
        done += 1
        gen_count += 1
        if gen_count % PROGRESS_EVERY == 0:
            el = time.time() - t0
            rate = gen_count / max(el, 1e-6)
            eta = (total - done) / max(rate, 1e-6)
            print(f"{done}/{total}, {rate:.2f} screens/s, eta {eta / 60:.1f} min (dpr {dpr})", flush=True)
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True, help="generate indices [start, count)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--total", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--done-before", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--gen-before", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--t0", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return run_worker(args)
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
