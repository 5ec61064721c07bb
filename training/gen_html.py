#!/usr/bin/env python3
"""HTML UI-element data generator (see training/FORMAT.md).

Renders random but plausible web / kiosk screens in headless Chromium
(the system browser, /usr/bin/chromium, via Playwright) and takes exact labels
from the DOM: every labelled element carries a ``data-cls`` attribute when the
page is built; one ``page.evaluate`` returns the boxes of all of them.

    python training/gen_html.py --out build/elements/html --count N --seed S

Sample ``i`` uses seed ``S*1_000_003 + i`` and is written as ``NNNNNN.png`` +
``NNNNNN.json`` (PNG first, JSON via tmp+rename).  Indices whose JSON exists
are skipped, so the run is resumable.
"""
from __future__ import annotations

import argparse
import base64
import colorsys
import html as _html
import json
import math
import os
import random
import struct
import subprocess
import time

CLASSES = ["button", "text_field", "checkbox", "radio", "dropdown", "toggle",
           "slider", "tab", "icon", "link", "menu_item"]

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--hide-scrollbars", "--font-render-hinting=none"]

VIEWPORTS = [((1280, 720), 0.55), ((1024, 600), 0.15), ((800, 480), 0.15), ((1366, 768), 0.15)]
DSFS = [1, 1, 1.25, 1.5, 2]

E = _html.escape


# ----------------------------------------------------------------------------- fonts
def installed_fonts():
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except Exception:  # noqa: BLE001
        out = ""
    fams = set()
    for line in out.splitlines():
        for f in line.split(","):
            f = f.strip()
            if f:
                fams.add(f)
    bad = ("Symbol", "D050000L", "Math", "Fallback", "Z003")
    fams = sorted(f for f in fams if not any(b in f for b in bad))
    return fams or ["DejaVu Sans"]


FONTS = installed_fonts()
SANS_PREF = [f for f in FONTS if any(k in f for k in ("Sans", "Gothic")) and "Mono" not in f]
SERIF = [f for f in FONTS if f not in SANS_PREF and "Mono" not in f]
MONO = [f for f in FONTS if "Mono" in f] or ["monospace"]


# ----------------------------------------------------------------------------- vocabulary
BTN_PRIMARY = ["OK", "Save", "Apply", "Submit", "Continue", "Next", "Sign in", "Log in", "Confirm",
               "Start", "Create", "Add", "Send", "Search", "Done", "Update", "Upload", "Connect",
               "Pay now", "Print", "Accept", "Register", "Install", "Export", "Run", "Book now",
               "Check out", "Enter", "Go", "Order", "Save changes", "Create account", "Proceed",
               "Speichern", "Weiter", "Enregistrer", "Aceptar", "Get started", "Add to cart"]
BTN_SECONDARY = ["Cancel", "Back", "Close", "Reset", "Clear", "Skip", "Later", "Details", "Edit",
                 "Preview", "Help", "More", "Refresh", "Import", "Filter", "Options", "Undo", "Retry",
                 "Browse…", "Change", "Discard", "Not now", "Learn more", "View", "Show all", "Copy",
                 "Duplicate", "Select", "Test", "Abbrechen", "Zurück", "Annuler", "Settings",
                 "Manage", "Configure", "Open", "Download", "Share", "Invite"]
BTN_DANGER = ["Delete", "Remove", "Uninstall", "Log out", "Sign out", "Stop", "Revoke", "Disable",
              "Erase", "Cancel order", "Shut down", "Restart", "Löschen", "Reset all"]
NAV = ["Home", "Dashboard", "Products", "Orders", "Customers", "Reports", "Analytics", "Settings",
       "Help", "About", "Contact", "Pricing", "Docs", "Blog", "Projects", "Files", "Messages",
       "Calendar", "Team", "Inventory", "Devices", "Users", "Logs", "Billing", "Support", "Store",
       "Library", "Media", "Network", "Security", "Overview", "Activity", "Integrations", "Tasks",
       "Sales", "Shipping", "Events", "Downloads", "Favorites", "Playlists", "Accounts", "Storage",
       "Backups", "Alerts", "Maps", "News", "Photos", "Start", "Übersicht", "Accueil"]
MENUBAR = ["File", "Edit", "View", "Insert", "Format", "Tools", "Window", "Help", "Go", "Run",
           "Selection", "Image", "Layer", "History", "Bookmarks", "Account", "Table", "Project"]
MENU_ITEMS = ["New", "Open…", "Open recent", "Save", "Save as…", "Export…", "Print…", "Close", "Quit",
              "Undo", "Redo", "Cut", "Copy", "Paste", "Select all", "Find…", "Replace…",
              "Preferences", "Rename", "Duplicate", "Move to…", "Share…", "Properties", "Zoom in",
              "Zoom out", "Full screen", "Profile", "Account settings", "Sign out", "Archive",
              "Mark as read", "Pin", "Download", "Delete", "Refresh", "Sort by name", "Sort by date",
              "Show hidden files", "Edit", "View details", "Add to favorites", "Copy link",
              "Open in new tab", "Help center", "Keyboard shortcuts", "About", "Log out"]
SHORTCUTS = ["Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+P", "Ctrl+W", "Ctrl+Q", "Ctrl+Z",
             "Ctrl+Y", "Ctrl+X", "Ctrl+C", "Ctrl+V", "Ctrl+A", "Ctrl+F", "F2", "Del", "F5", "F11",
             "⌘N", "⌘S", "⌘C", "⌘V", "Alt+Enter"]
SETTINGS = ["Wi-Fi", "Bluetooth", "Airplane mode", "Dark mode", "Notifications", "Auto-brightness",
            "Location services", "Automatic updates", "Sound effects", "Vibration", "Screen lock",
            "Auto-rotate", "Night light", "Do not disturb", "Battery saver", "Show previews",
            "Sync contacts", "Send usage statistics", "Two-factor authentication", "Remember me",
            "Keep me signed in", "Start on login", "Show hidden files", "Enable animations",
            "Use metric units", "Play sounds", "Email alerts", "SMS alerts", "Kiosk mode",
            "Lock orientation", "Allow remote access", "Auto-save drafts", "Compact layout",
            "Large text", "High contrast", "Subtitles", "Autoplay videos", "Mute microphone",
            "Camera access", "Background refresh", "Developer mode", "Show clock", "Firewall",
            "Public profile", "Newsletter", "Accept cookies", "Show seconds", "Auto-lock",
            "Energy saving", "Guest access", "Screen saver", "Touch sounds", "Offline mode",
            "Benachrichtigungen", "Mode sombre", "Actualizaciones automáticas"]
SETTING_DESC = ["Turn this on to receive updates", "Applies to all users of this device",
                "Requires a restart", "Recommended", "Uses more battery", "Only on Wi-Fi",
                "Last changed 3 days ago", "Managed by your organization", "Off at night",
                "Share anonymous data to improve the product", "Shown on the lock screen"]
SLIDERS = ["Volume", "Brightness", "Contrast", "Speed", "Temperature", "Zoom", "Font size",
           "Opacity", "Balance", "Sensitivity", "Timeout", "Quality", "Bass", "Treble", "Fan speed"]
SELECT_SETS = [["English", "Deutsch", "Français", "Español", "Italiano"], ["Light", "Dark", "System"],
               ["Small", "Medium", "Large"], ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"],
               ["Daily", "Weekly", "Monthly"], ["Celsius", "Fahrenheit"],
               ["Never", "1 minute", "5 minutes", "15 minutes"], ["Default", "Low", "Normal", "High"],
               ["All", "Active", "Archived"], ["Germany", "France", "United States", "Japan", "Brazil"],
               ["Last 7 days", "Last 30 days", "This year"], ["10", "25", "50", "100"],
               ["Newest first", "Oldest first", "Name A–Z"], ["1080p", "720p", "480p", "Auto"],
               ["HDMI 1", "HDMI 2", "USB-C", "VGA"], ["Standard", "Express", "Overnight"]]
FIELDS = [("Username", "jdoe"), ("Email", "name@example.com"), ("Password", "••••••••"),
          ("First name", "Anna"), ("Last name", "Schmidt"), ("Phone", "+49 30 1234567"),
          ("Address", "12 Main Street"), ("City", "Berlin"), ("Postcode", "10115"),
          ("Company", "Acme Inc."), ("Amount", "250.00"), ("Quantity", "3"),
          ("Card number", "4242 4242 4242 4242"), ("Device name", "kiosk-07"),
          ("Server address", "192.168.1.20"), ("Port", "8080"), ("API key", "sk-3f9a…"),
          ("Website", "https://example.com"), ("Date of birth", "1990-05-14"), ("PIN", "••••"),
          ("Display name", "Max"), ("Subject", "Question about my order"), ("Room", "B-204"),
          ("Order number", "#100482"), ("Coupon code", "SPRING24"), ("SSID", "Office-5G"),
          ("Hostname", "printer-2.local"), ("Title", "Quarterly report"), ("Tags", "urgent, q3")]
PLACEHOLDERS = ["Search…", "Search", "Type to search", "Filter…", "Find a product", "Search settings",
                "Search users", "Search files", "Quick find", "Suchen…", "Rechercher", "Buscar"]
TEXT_PLACEHOLDERS = ["Type a message…", "Write a comment…", "Notes", "Optional", "Describe the problem",
                     "Add a note", "Your message"]
NAMES = ["Anna Schmidt", "John Miller", "Li Wei", "Maria Garcia", "Oliver Brown", "Sofia Rossi",
         "Lukas Weber", "Emma Dubois", "Noah Wilson", "Mia Novak", "Yuki Tanaka", "Omar Haddad",
         "Eva Lindqvist", "Pedro Alves", "Chloe Martin", "Jan Kowalski", "Aisha Khan", "Tom Baker"]
PRODUCTS = ["Wireless Mouse", "USB-C Hub", "Desk Lamp", "Coffee Beans 1kg", "Notebook A5",
            "Monitor 27\"", "Keyboard", "Headphones", "Webcam HD", "Printer Paper", "Cable 2m",
            "Espresso", "Cappuccino", "Green Tea", "Sandwich", "Ticket Zone A", "Day Pass"]
STATUSES = ["Active", "Pending", "Disabled", "Online", "Offline", "Paid", "Overdue", "Shipped",
            "Draft", "Error", "OK", "New", "Closed", "Running", "Stopped", "Admin", "Guest"]
WORDS = (  # noqa: SIM905
    "the a your this device account system data network service user screen update "
    "settings payment order file report access time support security customer station "
    "please select enter check review confirm continue before after with from to for "
    "new current available required optional secure automatic daily local remote "
    "will can should must may is are has have been changes options details information "
    "privacy terms connection password email address message item product").split()
LINK_TEXTS = ["Learn more", "Forgot password?", "Terms of Service", "Privacy Policy", "Help",
              "Sign up", "Create an account", "View all", "Details", "Contact support", "here",
              "Read more", "Change", "Manage", "Documentation", "Release notes", "Show more",
              "Cookie settings", "Unsubscribe", "Edit profile", "Back to home", "Need help?",
              "Impressum", "Datenschutz", "Mentions légales", "Status page", "FAQ"]
TITLES = ["Welcome back", "Settings", "Dashboard", "Overview", "Sign in", "Create your account",
          "Preferences", "System status", "Users", "Orders", "Devices", "Network", "Display",
          "Payment", "Choose an option", "Select your ticket", "Check-in", "Order summary",
          "Account", "Notifications", "Privacy & Security", "Sound", "Printers", "Inventory",
          "Setup assistant", "Appearance", "Power", "Accessibility", "Date & Time", "Updates"]
TILE_LABELS = ["Tickets", "Check-in", "Order", "Pay", "Help", "Map", "Menu", "Drinks", "Food",
               "Desserts", "Print", "Scan", "Info", "Language", "Call staff", "Top up", "Parking",
               "Return", "Collect", "Register", "Timetable", "Receipt", "Settings", "Photos"]


# ----------------------------------------------------------------------------- icons
# stroke icons on a 24x24 grid, drawn with currentColor
ICONS = {
    "home": '<path d="M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>',
    "gear": '<circle cx="12" cy="12" r="3"/><circle cx="12" cy="12" r="7"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9L7 7M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>',
    "bell": '<path d="M6 17v-6a6 6 0 0112 0v6l2 2H4zM10 21h4"/>',
    "trash": '<path d="M4 6h16M9 6V4h6v2M6 6l1 15h10l1-15M10 10v7M14 10v7"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16zM13 7l4 4"/>',
    "plus": '<path d="M12 4v16M4 12h16"/>',
    "close": '<path d="M5 5l14 14M19 5L5 19"/>',
    "check": '<path d="M4 12l5 5L20 6"/>',
    "menu": '<path d="M3 6h18M3 12h18M3 18h18"/>',
    "left": '<path d="M19 12H5M11 5l-7 7 7 7"/>',
    "right": '<path d="M5 12h14M13 5l7 7-7 7"/>',
    "chev": '<path d="M6 9l6 6 6-6"/>',
    "chevr": '<path d="M9 6l6 6-6 6"/>',
    "heart": '<path d="M12 20s-8-5-8-11a4 4 0 018-1 4 4 0 018 1c0 6-8 11-8 11z"/>',
    "star": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2-5.5-2.9-5.5 2.9 1-6.2L3 9.6l6.2-.9z"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="1"/><path d="M3 7l9 6 9-6"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="1"/><path d="M8 11V7a4 4 0 018 0v4"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="1"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "wifi": '<path d="M2 9a15 15 0 0120 0M5 12.5a10 10 0 0114 0M8.5 16a5 5 0 017 0M12 20h.01"/>',
    "battery": '<rect x="2" y="7" width="18" height="10" rx="1"/><path d="M22 11v2M5 10v4M8 10v4M11 10v4"/>',
    "volume": '<path d="M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 010 6M19 6a8 8 0 010 12"/>',
    "power": '<path d="M12 3v9M6.3 6.3a8 8 0 1011.4 0"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7h.01"/>',
    "warning": '<path d="M12 3L2 20h20zM12 10v4M12 17h.01"/>',
    "download": '<path d="M12 4v12M6 10l6 6 6-6M4 20h16"/>',
    "upload": '<path d="M12 20V8M6 14l6-6 6 6M4 4h16"/>',
    "refresh": '<path d="M20 12a8 8 0 11-2.3-5.7M20 4v5h-5"/>',
    "folder": '<path d="M3 6h6l2 2h10v11H3z"/>',
    "file": '<path d="M6 3h8l4 4v14H6zM14 3v4h4"/>',
    "chart": '<path d="M4 20V10M10 20V4M16 20v-8M22 20H2"/>',
    "filter": '<path d="M3 5h18l-7 8v6l-4 2v-8z"/>',
    "share": '<circle cx="18" cy="5" r="2.5"/><circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="19" r="2.5"/><path d="M8.2 10.8l7.6-4.4M8.2 13.2l7.6 4.4"/>',
    "print": '<path d="M6 9V3h12v6M6 17H4V9h16v8h-2M6 14h12v7H6z"/>',
    "cart": '<path d="M3 4h2l3 11h11l2-8H6M9 20h.01M18 20h.01"/>',
    "phone": '<path d="M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a2 2 0 01-2 2A16 16 0 013 6a2 2 0 012-2"/>',
    "camera": '<rect x="3" y="7" width="18" height="13" rx="2"/><circle cx="12" cy="13.5" r="3.5"/><path d="M8 7l2-3h4l2 3"/>',
    "cloud": '<path d="M7 18a5 5 0 010-10 6 6 0 0111.5 2A4 4 0 0118 18z"/>',
    "eye": '<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 010 18M12 3a14 14 0 000 18"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 3"/>',
    "pin": '<path d="M12 21s-7-6-7-12a7 7 0 0114 0c0 6-7 12-7 12z"/><circle cx="12" cy="9" r="2.5"/>',
    "grid": '<rect x="3" y="3" width="7" height="7"/><rect x="14" y="3" width="7" height="7"/><rect x="3" y="14" width="7" height="7"/><rect x="14" y="14" width="7" height="7"/>',
    "list": '<path d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01"/>',
    "more": '<circle cx="5" cy="12" r="1.6" fill="currentColor"/><circle cx="12" cy="12" r="1.6" fill="currentColor"/><circle cx="19" cy="12" r="1.6" fill="currentColor"/>',
    "morev": '<circle cx="12" cy="5" r="1.6" fill="currentColor"/><circle cx="12" cy="12" r="1.6" fill="currentColor"/><circle cx="12" cy="19" r="1.6" fill="currentColor"/>',
    "play": '<path d="M7 4l13 8-13 8z"/>',
    "pause": '<path d="M8 4v16M16 4v16"/>',
    "mic": '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0014 0M12 18v3"/>',
    "sun": '<circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M2 12h2M20 12h2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>',
    "moon": '<path d="M20 14A8 8 0 0110 4a8 8 0 1010 10z"/>',
    "bluetooth": '<path d="M7 7l10 10-5 4V3l5 4L7 17"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M17 6l3 3"/>',
    "logout": '<path d="M10 4H4v16h6M15 8l4 4-4 4M19 12H9"/>',
    "thermo": '<path d="M12 3a2 2 0 00-2 2v9.5a4 4 0 104 0V5a2 2 0 00-2-2z"/>',
    "ticket": '<path d="M3 7h18v3a2 2 0 000 4v3H3v-3a2 2 0 000-4z"/>',
    "card": '<rect x="2" y="5" width="20" height="14" rx="2"/><path d="M2 10h20M6 15h4"/>',
    "map": '<path d="M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2z M9 4v14M15 6v14"/>',
    "bag": '<path d="M5 8h14l-1 13H6zM9 8V6a3 3 0 016 0v2"/>',
    "image": '<rect x="3" y="4" width="18" height="16" rx="1"/><circle cx="9" cy="10" r="2"/><path d="M3 18l6-5 4 3 3-2 5 4"/>',
    "help": '<circle cx="12" cy="12" r="9"/><path d="M9.5 9a2.5 2.5 0 015 .5c0 2-2.5 2-2.5 4M12 17h.01"/>',
}
ICON_NAMES = list(ICONS)
GLYPHS = list("⚙☰✓✕★☆♥✉⌂☎⚠ℹ♫☀☁✎✂⚑▶⌨✔✖➤⋮≡←→")
KEYPAD_SYMBOLS = ["+", "−", "×", "÷", "=", "%", "✓", "✕", "⚙", "☰", "←", "→", ".", "±", "C", "⌫", "*", "#"]

CHECK_SVG = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
             "%3Cpath d='M3.5 8.5l3 3 6-7' fill='none' stroke='{c}' stroke-width='{w}' "
             "stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E")
CARET_SVG = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
             "%3Cpath d='M4 6l4 4 4-4' fill='none' stroke='{c}' stroke-width='2' "
             "stroke-linecap='round' stroke-linejoin='round'/%3E%3C/svg%3E")


def urlc(c):
    return c.replace("#", "%23")


# ----------------------------------------------------------------------------- colours
def hsl(h, s, l):
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360.0, max(0, min(100, l)) / 100.0,
                                  max(0, min(100, s)) / 100.0)
    return f"#{int(r * 255 + .5):02x}{int(g * 255 + .5):02x}{int(b * 255 + .5):02x}"


def rgb(c):
    c = c.lstrip("#")
    if len(c) == 3:
        c = "".join(x * 2 for x in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def lum(c):
    def ch(v):
        v /= 255.0
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb(c)
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def on_color(c, light="#ffffff", dark="#111111"):
    return light if lum(c) < 0.4 else dark


def mix(a, b, t):
    ra, ga, ba = rgb(a)
    rb, gb, bb = rgb(b)
    return f"#{round(ra + (rb - ra) * t):02x}{round(ga + (gb - ga) * t):02x}{round(ba + (bb - ba) * t):02x}"


def rgba(c, a):
    r, g, b = rgb(c)
    return f"rgba({r},{g},{b},{a:.2f})"


# ----------------------------------------------------------------------------- theme
FAMILIES = [("adwaita", 10), ("win10", 8), ("win11", 10), ("macos", 10), ("material", 12),
            ("bootstrap", 12), ("kiosk", 10), ("highcontrast", 4), ("retro", 4), ("native", 8),
            ("flat", 12)]
ACCENTS = ["#3584e4", "#2190a4", "#3a944a", "#c88800", "#ed5b00", "#e62d42", "#d56199", "#9141ac",
           "#0078d7", "#005fb8", "#007aff", "#0d6efd", "#6200ee", "#1976d2", "#388e3c", "#d32f2f",
           "#f57c00", "#7b1fa2", "#00796b", "#5e35b1", "#0288d1", "#c2185b", "#198754", "#6f42c1",
           "#fd7e14", "#20c997", "#34c759", "#ff9500", "#ff3b30", "#5856d6", "#af52de", "#e95420"]


def wpick(r, pairs):
    return r.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def make_theme(r, kind):
    fam = wpick(r, FAMILIES)
    if kind in ("kiosk", "keypad") and r.random() < 0.5:
        fam = "kiosk"
    dark = r.random() < {"highcontrast": 0.6, "retro": 0.0, "kiosk": 0.45}.get(fam, 0.3)
    T = {"family": fam, "dark": dark}
    acc = r.choice(ACCENTS) if r.random() < 0.7 else hsl(r.uniform(0, 360), r.uniform(45, 90), r.uniform(35, 55))
    sans = SANS_PREF or FONTS
    T["font"] = r.choice(sans) if r.random() < 0.85 else r.choice(FONTS)
    T["fs"] = r.choice([13, 14, 14, 15, 16])
    T["radius"] = r.choice([0, 2, 3, 4, 5, 6, 8])
    T["rcard"] = T["radius"] + r.choice([0, 2, 4, 6])
    T["bw"] = 1
    T["btn_style"] = r.choice(["filled", "filled", "gradient", "outline", "flat"])
    T["sec_style"] = r.choice(["neutral", "neutral", "outline", "tonal"])
    T["btn_shadow"] = "none"
    T["card_shadow"] = r.choice(["none", "0 1px 3px rgba(0,0,0,.15)", "0 2px 8px rgba(0,0,0,.12)"])
    T["card_border"] = r.random() < 0.6
    T["field_style"] = r.choice(["box", "box", "box", "underline", "filled"])
    T["cb_style"] = r.choice(["native", "native_accent", "custom_input", "custom_span"])
    T["sel_style"] = r.choice(["native", "custom"])
    T["range_style"] = r.choice(["native", "native_accent", "custom"])
    T["sw_style"] = r.choice(["ios", "material", "win", "adwaita", "square", "text"])
    T["tab_style"] = r.choice(["underline", "boxed", "pill", "plain"])
    T["nav_style"] = r.choice(["bar", "dark", "accent", "plain"])
    T["upper"] = False
    T["native_btn"] = False
    T["native_field"] = False
    T["cb_fill"] = r.random() < 0.8
    T["pad"] = r.uniform(0.8, 1.3)
    T["link_underline"] = r.random() < 0.6
    T["icon_sw"] = r.choice([1.5, 1.75, 2, 2, 2.25, 2.5])
    # palette ---------------------------------------------------------------
    h = r.uniform(0, 360)
    if dark:
        bl = r.uniform(6, 16)
        tint = r.uniform(0, 18)
        T["bg"] = hsl(h, tint, bl)
        T["surface"] = hsl(h, tint, bl + r.uniform(3, 8))
        T["surface2"] = hsl(h, tint, bl + r.uniform(11, 18))
        T["fg"] = hsl(h, r.uniform(0, 10), r.uniform(88, 98))
        T["muted"] = hsl(h, r.uniform(0, 10), r.uniform(58, 70))
        T["border"] = hsl(h, tint, bl + r.uniform(10, 16))
        T["border2"] = hsl(h, tint, bl + r.uniform(28, 42))
        T["field"] = hsl(h, tint, bl + r.uniform(-3, 6))
        acc = hsl(*_lighten(acc, r.uniform(0, 15)))
    else:
        bl = r.choice([100, 99, 98, 97, 96, 94])
        tint = r.uniform(0, 25)
        T["bg"] = hsl(h, tint, bl)
        T["surface"] = "#ffffff" if r.random() < 0.7 else hsl(h, tint, min(100, bl + 2))
        T["surface2"] = hsl(h, tint * 0.7, r.uniform(86, 93))
        T["fg"] = hsl(h, r.uniform(0, 15), r.uniform(8, 22))
        T["muted"] = hsl(h, r.uniform(0, 12), r.uniform(40, 52))
        T["border"] = hsl(h, tint * 0.6, r.uniform(84, 90))
        T["border2"] = hsl(h, tint * 0.6, r.uniform(60, 76))
        T["field"] = "#ffffff"
    T["accent"] = acc
    T["danger"] = r.choice(["#dc3545", "#d32f2f", "#e01b24", "#c42b1c", "#ff3b30"])
    T["success"] = r.choice(["#198754", "#2e7d32", "#26a269", "#34c759"])
    T["warning"] = r.choice(["#f0ad4e", "#e5a50a", "#ff9800", "#ffc107"])
    # family presets ---------------------------------------------------------
    if fam == "adwaita":
        T["accent"] = r.choice(["#3584e4", "#2190a4", "#3a944a", "#c88800", "#ed5b00", "#e62d42",
                                "#d56199", "#9141ac", "#6f8396"]) if r.random() < .8 else T["accent"]
        if not dark:
            T.update(bg=r.choice(["#fafafa", "#f6f5f4", "#ffffff"]), surface="#ffffff",
                     surface2=r.choice(["#e8e8e7", "#ebebeb", "#dfdedd"]), fg=r.choice(["#2e3436", "#1e1e1e", "#241f31"]),
                     border=r.choice(["#d8d4d0", "#e1dedb"]), border2="#cdc7c2")
        else:
            T.update(bg=r.choice(["#242424", "#1e1e1e", "#2a2a2a"]), surface="#303030", surface2="#434343",
                     fg="#ffffff", border="#1b1b1b", border2="#5e5e5e", field="#3a3a3a")
        T.update(radius=r.choice([5, 6, 6, 8]), rcard=12, btn_style="flat", sec_style=r.choice(["neutral", "neutral", "flatgrey"]),
                 field_style=r.choice(["filled_flat", "box"]), sw_style="adwaita", tab_style=r.choice(["pill", "underline"]),
                 card_shadow=r.choice(["none", "0 1px 2px rgba(0,0,0,.1)"]), cb_style=r.choice(["custom_input", "custom_span"]))
        T["font"] = r.choice([f for f in sans if "Sans" in f] or sans)
    elif fam == "win10":
        T.update(radius=0, rcard=0, btn_style=r.choice(["win10", "filled"]), sec_style="win10",
                 field_style="box", sw_style="win", tab_style=r.choice(["boxed", "underline", "plain"]),
                 cb_style=r.choice(["custom_input", "native", "custom_span"]), card_shadow="none", bw=r.choice([1, 2]))
        T["accent"] = r.choice(["#0078d7", "#0063b1", "#107c10", "#e81123", "#8764b8"]) if r.random() < .7 else T["accent"]
        if not dark:
            T.update(bg=r.choice(["#ffffff", "#f0f0f0", "#f2f2f2"]), surface="#ffffff", surface2="#e1e1e1", border2="#7a7a7a", border="#d9d9d9")
        else:
            T.update(bg=r.choice(["#1f1f1f", "#2b2b2b", "#000000"]), surface="#2b2b2b", surface2="#333333", border2="#9a9a9a", border="#3f3f3f")
        T["fs"] = r.choice([13, 14, 15])
    elif fam == "win11":
        T.update(radius=4, rcard=r.choice([6, 8]), btn_style="flat", sec_style="win11", field_style="win11",
                 sw_style="win", tab_style=r.choice(["underline", "pill"]), cb_style=r.choice(["custom_input", "custom_span"]),
                 card_shadow=r.choice(["none", "0 1px 2px rgba(0,0,0,.08)"]), card_border=True)
        if not dark:
            T["accent"] = r.choice(["#005fb8", "#0067c0", "#0078d4"]) if r.random() < .7 else T["accent"]
            T.update(bg=r.choice(["#f3f3f3", "#eef4f9", "#f9f9f9"]), surface=r.choice(["#fbfbfb", "#ffffff"]), surface2="#fdfdfd",
                     border="#e5e5e5", border2="#8a8a8a", fg="#1b1b1b")
        else:
            T["accent"] = r.choice(["#60cdff", "#4cc2ff", "#99ebff"]) if r.random() < .7 else T["accent"]
            T.update(bg=r.choice(["#202020", "#1c1c1c", "#272727"]), surface="#2b2b2b", surface2="#373737",
                     border="#3a3a3a", border2="#9d9d9d", fg="#ffffff", field="#2d2d2d")
        T["fs"] = r.choice([13, 14, 14])
    elif fam == "macos":
        T.update(radius=r.choice([5, 6, 7]), rcard=r.choice([8, 10, 12]), btn_style=r.choice(["gradient", "flat"]),
                 sec_style="mac", field_style="box", sw_style="ios", tab_style="pill",
                 cb_style=r.choice(["custom_input", "custom_span", "native_accent"]),
                 btn_shadow="0 0 0 .5px rgba(0,0,0,.15), 0 1px 1.5px rgba(0,0,0,.2)")
        T["accent"] = r.choice(["#007aff", "#0a84ff", "#34c759", "#ff9500", "#af52de", "#ff2d55"]) if r.random() < .7 else T["accent"]
        if not dark:
            T.update(bg=r.choice(["#ececec", "#f5f5f7", "#ffffff", "#e8e8e8"]), surface="#ffffff", surface2="#ffffff",
                     border="#d1d1d1", border2="#b0b0b0")
        else:
            T.update(bg=r.choice(["#1e1e1e", "#282828", "#323232"]), surface="#2c2c2c", surface2="#5a5a5a",
                     border="#3d3d3d", border2="#6b6b6b", field="#1f1f1f")
        T["fs"] = r.choice([13, 13, 14])
    elif fam == "material":
        m3 = r.random() < 0.5
        T.update(radius=20 if m3 else 4, rcard=r.choice([12, 16]) if m3 else 4, btn_style="filled",
                 sec_style=r.choice(["outline", "ghost", "tonal"]), field_style=r.choice(["filled", "box"]),
                 sw_style="material" if not m3 else "ios", tab_style="underline", cb_style=r.choice(["custom_input", "custom_span"]),
                 upper=not m3, card_shadow="0 1px 3px rgba(0,0,0,.2), 0 1px 1px rgba(0,0,0,.14)",
                 btn_shadow="none" if m3 else "0 3px 1px -2px rgba(0,0,0,.2), 0 2px 2px rgba(0,0,0,.14), 0 1px 5px rgba(0,0,0,.12)",
                 card_border=False)
        if dark:
            T.update(bg=r.choice(["#121212", "#1c1b1f"]), surface="#1e1e1e", surface2="#2c2c2c", field="#1e1e1e")
        T["font"] = r.choice([f for f in sans if "Sans" in f] or sans)
    elif fam == "bootstrap":
        T.update(radius=r.choice([4, 6, 6, 8]), rcard=r.choice([6, 8]), btn_style="filled", sec_style=r.choice(["greyfill", "outline"]),
                 field_style="box", sw_style="ios", tab_style=r.choice(["boxed", "pill"]), cb_style="custom_input",
                 card_border=True, card_shadow="none")
        T["accent"] = r.choice(["#0d6efd", "#0d6efd", "#198754", "#6f42c1", "#dc3545", "#fd7e14"]) if r.random() < .7 else T["accent"]
        if not dark:
            T.update(bg=r.choice(["#ffffff", "#f8f9fa"]), fg="#212529", border="#dee2e6", border2="#ced4da", muted="#6c757d")
        else:
            T.update(bg="#212529", surface="#2b3035", surface2="#343a40", fg="#dee2e6", border="#495057", border2="#6c757d", field="#212529")
        T["fs"] = r.choice([14, 16, 16])
    elif fam == "kiosk":
        T.update(radius=r.choice([8, 12, 16, 24, 999]), rcard=r.choice([12, 16, 24]), btn_style=r.choice(["filled", "flat", "gradient"]),
                 sec_style=r.choice(["neutral", "outline", "tonal"]), fs=r.choice([18, 20, 22, 24, 26]),
                 sw_style=r.choice(["ios", "text", "square"]), tab_style=r.choice(["pill", "underline", "boxed"]),
                 cb_style=r.choice(["custom_input", "custom_span"]), pad=r.uniform(1.2, 1.8),
                 card_shadow=r.choice(["none", "0 4px 14px rgba(0,0,0,.18)"]))
        if r.random() < 0.35:
            # saturated background
            bh = r.uniform(0, 360)
            T["bg"] = hsl(bh, r.uniform(40, 80), r.uniform(20, 40) if dark else r.uniform(85, 94))
        T["font"] = r.choice(sans)
    elif fam == "highcontrast":
        if dark:
            T.update(bg="#000000", surface="#000000", surface2="#000000", fg="#ffffff", muted="#ffffff",
                     border="#ffffff", border2="#ffffff", field="#000000",
                     accent=r.choice(["#ffff00", "#1aebff", "#00ff00", "#3ff23f"]))
        else:
            T.update(bg="#ffffff", surface="#ffffff", surface2="#ffffff", fg="#000000", muted="#000000",
                     border="#000000", border2="#000000", field="#ffffff",
                     accent=r.choice(["#00009f", "#600000", "#000000"]))
        T.update(radius=0, rcard=0, bw=r.choice([2, 3]), btn_style="filled", sec_style="outline", field_style="box",
                 sw_style="win", tab_style="boxed", cb_style="custom_input", card_shadow="none", card_border=True)
    elif fam == "retro":
        T.update(bg="#c0c0c0", surface="#c0c0c0", surface2="#c0c0c0", fg="#000000", muted="#404040",
                 border="#808080", border2="#808080", field="#ffffff", accent="#000080", radius=0, rcard=0,
                 btn_style="bevel", sec_style="bevel", field_style="inset", sw_style="square", tab_style="boxed",
                 cb_style="custom_input", cb_fill=False, card_shadow="none", fs=r.choice([12, 13, 14]))
    elif fam == "native":
        T.update(native_btn=r.random() < 0.8, native_field=r.random() < 0.8, cb_style=r.choice(["native", "native", "native_accent"]),
                 sel_style="native", range_style=r.choice(["native", "native_accent"]), card_shadow="none",
                 radius=r.choice([0, 2, 4]), sw_style=r.choice(["ios", "square", "win"]))
        if r.random() < 0.5:
            T["font"] = r.choice(SERIF or FONTS)
        if dark and r.random() < 0.8:
            T.update(bg="#121212", surface="#121212", surface2="#3b3b3b", fg="#ffffff", field="#3b3b3b")
    # independent per-control mixing (real pages are inconsistent) ---------------
    if r.random() < 0.2:
        T["cb_style"] = r.choice(["native", "native_accent", "custom_input", "custom_span"])
    if r.random() < 0.2:
        T["sw_style"] = r.choice(["ios", "material", "win", "adwaita", "square", "text"])
    if r.random() < 0.15:
        T["tab_style"] = r.choice(["underline", "boxed", "pill", "plain"])
    T["accent_fg"] = on_color(T["accent"])
    T["accent_soft"] = mix(T["accent"], T["surface"], 0.82 if not dark else 0.7)
    # accent usable as text colour (links, tab labels): push it away from the surface
    at = T["accent"]
    for _ in range(8):
        if abs(lum(at) - lum(T["surface"])) > 0.2 and abs(lum(at) - lum(T["bg"])) > 0.2:
            break
        at = mix(at, "#ffffff" if T["dark"] else "#000000", 0.2)
    T["accent_text"] = at
    if min(abs(lum(at) - lum(T["fg"])), 1) < 0.08 or fam == "highcontrast":
        T["link_underline"] = True
    T["color_scheme"] = "dark" if (dark and r.random() < 0.8) else "light"
    return T


def _lighten(c, dl):
    rr, gg, bb = rgb(c)
    hh, ll, ss = colorsys.rgb_to_hls(rr / 255, gg / 255, bb / 255)
    return hh * 360, ss * 100, min(75, ll * 100 + dl)


# ----------------------------------------------------------------------------- CSS
def theme_css(T, r):
    fs = T["fs"]
    pad = T["pad"]
    fam = T["family"]
    acc, afg = T["accent"], T["accent_fg"]
    rad = T["radius"]
    rb = f"{rad}px" if rad < 100 else "999px"
    bw = T["bw"]
    css = []
    A = css.append
    A(f":root{{color-scheme:{T['color_scheme']}}}")
    A(f"html,body{{margin:0;padding:0;background:{T['bg']};color:{T['fg']};"
      f"font-family:'{T['font']}',sans-serif;font-size:{fs}px;line-height:1.35;overflow:hidden}}")
    A("*{box-sizing:border-box}")
    A("h1,h2,h3,h4{margin:.2em 0 .5em;font-weight:" + r.choice(["600", "700", "500", "400"]) + "}")
    A(f"h1{{font-size:{r.uniform(1.5, 2.2):.2f}em}}h2{{font-size:{r.uniform(1.2, 1.6):.2f}em}}h3{{font-size:{r.uniform(1.0, 1.25):.2f}em}}")
    A("p{margin:.3em 0 .7em}")
    A(f".muted{{color:{T['muted']}}}.small{{font-size:.85em}}")
    A(f"a.lnk{{color:{T['accent_text']};text-decoration:{'underline' if T['link_underline'] else 'none'};white-space:nowrap}}")
    A(f"hr{{border:0;border-top:1px solid {T['border']};margin:10px 0;width:100%}}")
    # buttons -----------------------------------------------------------------
    py, px = round(fs * 0.45 * pad), round(fs * 1.0 * pad)
    upper = "text-transform:uppercase;letter-spacing:.05em;font-weight:500;" if T["upper"] else ""
    if not T["native_btn"]:
        A(f".btn{{font:inherit;{upper}display:inline-flex;align-items:center;justify-content:center;gap:.45em;"
          f"padding:{py}px {px}px;border-radius:{rb};cursor:pointer;text-decoration:none;white-space:nowrap;"
          f"line-height:1.2;vertical-align:middle;box-shadow:{T['btn_shadow']};margin:0;"
          f"font-weight:{r.choice(['400', '500', '600'])}}}")
        st = T["btn_style"]
        if st == "filled":
            A(f".btn.p{{background:{acc};color:{afg};border:{bw}px solid {acc}}}")
        elif st == "flat":
            A(f".btn.p{{background:{acc};color:{afg};border:0}}")
        elif st == "gradient":
            A(f".btn.p{{background:linear-gradient({mix(acc, '#ffffff', .25)},{acc});color:{afg};border:1px solid {mix(acc, '#000000', .25)}}}")
        elif st == "outline":
            A(f".btn.p{{background:transparent;color:{T['accent_text']};border:{max(bw, 2)}px solid {acc}}}")
        elif st == "win10":
            A(f".btn.p{{background:{T['surface2']};color:{T['fg']};border:2px solid {acc}}}")
        elif st == "bevel":
            A(".btn.p{background:#c0c0c0;color:#000;border:2px solid;border-color:#fff #404040 #404040 #fff;"
              "box-shadow:inset -1px -1px #808080,inset 1px 1px #dfdfdf,0 0 0 1px #000}")
        ss = T["sec_style"]
        s2 = T["surface2"]
        if ss == "neutral":
            A(f".btn.s{{background:{s2};color:{T['fg']};border:{bw}px solid {T['border2']}}}")
        elif ss == "flatgrey":
            A(f".btn.s{{background:{s2};color:{T['fg']};border:0}}")
        elif ss == "greyfill":
            g = r.choice(["#6c757d", "#5c636a", "#adb5bd"])
            A(f".btn.s{{background:{g};color:{on_color(g)};border:1px solid {g}}}")
        elif ss == "outline":
            c = r.choice([acc, T["border2"]])
            A(f".btn.s{{background:transparent;color:{T['accent_text'] if c == acc else T['fg']};border:{max(bw, 1)}px solid {c}}}")
        elif ss == "tonal":
            A(f".btn.s{{background:{T['accent_soft']};color:{T['accent_text']};border:0}}")
        elif ss == "ghost":  # material text button: label only (still a button)
            A(f".btn.s{{background:{rgba(acc, .08)};color:{T['accent_text']};border:0;box-shadow:none}}")
        elif ss == "win10":
            A(f".btn.s{{background:{s2};color:{T['fg']};border:{bw}px solid {mix(s2, '#000000' if not T['dark'] else '#ffffff', .3)}}}")
        elif ss == "win11":
            A(f".btn.s{{background:{s2};color:{T['fg']};border:1px solid {T['border']};border-bottom-color:{mix(T['border'], '#000000', .15)}}}")
        elif ss == "mac":
            A(f".btn.s{{background:{s2};color:{T['fg']};border:0}}")
        elif ss == "bevel":
            A(".btn.s{background:#c0c0c0;color:#000;border:2px solid;border-color:#fff #404040 #404040 #fff;box-shadow:inset -1px -1px #808080,inset 1px 1px #dfdfdf}")
        if T["family"] == "highcontrast":
            A(f".btn.s{{background:{T['bg']};color:{T['fg']};border:{bw}px solid {T['fg']}}}")
            A(f".btn.p{{background:{acc};color:{afg};border:{bw}px solid {T['fg']}}}")
        dn = T["danger"]
        if r.random() < 0.6:
            A(f".btn.d{{background:{dn};color:#fff;border:{bw}px solid {dn}}}")
        else:
            A(f".btn.d{{background:transparent;color:{dn};border:{max(bw, 1)}px solid {dn}}}")
        A(".btn:disabled{opacity:.55;cursor:default}")
        A(f".btn.sm{{padding:{round(py * .6)}px {round(px * .6)}px;font-size:.85em}}")
        A(f".btn.big{{padding:{round(py * 1.8)}px {round(px * 1.6)}px;font-size:1.2em}}")
        A(".btn.ic{padding:" + f"{round(py * 1.1)}px" + ";aspect-ratio:auto}")
        A(".btn.col{flex-direction:column}")
        A(".btn.full{width:100%}")
    else:
        A(".btn.full{width:100%}.btn.big{font-size:1.3em;padding:10px 20px}")
    A(".btn svg{flex:none}")
    # fields ----------------------------------------------------------------
    fpy, fpx = round(fs * 0.45 * pad), round(fs * 0.65 * pad)
    fst = T["field_style"]
    frb = f"{min(rad, 12)}px"
    if not T["native_field"]:
        base = f"font:inherit;color:{T['fg']};padding:{fpy}px {fpx}px;outline:none;margin:0;max-width:100%;"
        if fst == "box":
            f = f"background:{T['field']};border:{bw}px solid {T['border2']};border-radius:{frb};"
        elif fst == "underline":
            f = f"background:transparent;border:0;border-bottom:{max(bw, 1) + r.choice([0, 1])}px solid {T['border2']};border-radius:0;"
        elif fst == "filled":
            f = f"background:{T['surface2']};border:0;border-bottom:{r.choice([1, 2])}px solid {T['muted']};border-radius:{frb} {frb} 0 0;"
        elif fst == "filled_flat":
            f = f"background:{T['surface2']};border:0;border-radius:{frb};"
        elif fst == "win11":
            f = f"background:{T['field'] if not T['dark'] else '#2d2d2d'};border:1px solid {T['border']};border-bottom:1px solid {T['border2']};border-radius:4px;"
        else:  # inset (retro)
            f = "background:#fff;border:2px solid;border-color:#808080 #fff #fff #808080;box-shadow:inset 1px 1px #404040;border-radius:0;"
        if T["family"] == "macos" and not T["dark"]:
            f += "box-shadow:inset 0 1px 1px rgba(0,0,0,.08);"
        A(f".fld{{{base}{f}}}")
        A(f".fldw{{{f}display:inline-flex;align-items:center;gap:6px;padding:0 {fpx}px;color:{T['muted']};max-width:100%}}")
        A(f".fldw input{{font:inherit;color:{T['fg']};background:transparent;border:0;outline:none;padding:{fpy}px 0;min-width:0;flex:1}}")
    else:
        A(".fldw{display:inline-flex;align-items:center;gap:4px;border:1px solid #767676;border-radius:2px;padding:0 4px;background:Field;color:FieldText}")
        A(".fldw input{border:0;outline:none;background:transparent;padding:2px 0;min-width:0;flex:1}")
    A(f"textarea.fld{{resize:{r.choice(['vertical', 'none', 'both'])};min-height:{round(fs * 4)}px}}")
    # select ----------------------------------------------------------------
    if T["sel_style"] == "custom" and not T["native_field"]:
        car = CARET_SVG.format(c=urlc(T["muted"] if T["muted"].startswith("#") else "#666"))
        A(f"select.fld{{appearance:none;-webkit-appearance:none;padding-right:{fpx * 2 + 12}px;"
          f"background-image:url(\"{car}\");background-repeat:no-repeat;background-position:right {fpx}px center;background-size:14px}}")
    A(f".combo{{display:inline-flex;align-items:center;justify-content:space-between;gap:10px;cursor:pointer;min-width:{r.randint(110, 200)}px}}")
    A(".combo svg{flex:none;opacity:.7}")
    # checkbox / radio --------------------------------------------------------
    S = max(13, min(40, round(fs * r.uniform(1.0, 1.35))))
    T["cbsize"] = S
    cbr = r.choice([0, 2, 3, 4, 4, 5]) if fam not in ("retro", "highcontrast", "win10") else 0
    if fam == "adwaita":
        cbr = r.choice([4, 5])
    ccol = urlc(afg if T["cb_fill"] else T["accent"] if fam != "retro" else "#000000")
    cw = r.choice([1.8, 2, 2.4])
    chk = CHECK_SVG.format(c=ccol, w=cw)
    ub = f"{max(bw, r.choice([1, 1, 2]))}px solid {T['border2']}"
    box = (f"appearance:none;-webkit-appearance:none;width:{S}px;height:{S}px;margin:0;border:{ub};"
           f"background-color:{T['field']};vertical-align:middle;display:inline-block;flex:none;")
    if fam == "retro":
        box += "border:2px solid;border-color:#808080 #fff #fff #808080;box-shadow:inset 1px 1px #404040;background-color:#fff;"
    if T["cb_fill"]:
        on = f"background:{T['accent']} url(\"{chk}\") center/{r.choice([75, 85, 100])}% no-repeat;border-color:{T['accent']};"
        ron = r.choice([f"background:{T['field']};border:{max(3, round(S * .3))}px solid {T['accent']};",
                        f"background:radial-gradient(circle,{afg} 0 28%,{T['accent']} 32%);border-color:{T['accent']};"])
    else:
        on = f"background:{T['field']} url(\"{chk}\") center/85% no-repeat;"
        if fam != "retro":
            on += f"border-color:{T['accent']};"
        dot = T["accent"] if fam != "retro" else "#000"
        ron = f"background:radial-gradient(circle,{dot} 0 30%,{T['field']} 34%);"
    A(f".cbx{{{box}border-radius:{cbr}px}}.cbx:checked{{{on}}}")
    A(f".rbx{{{box}border-radius:50%}}.rbx:checked{{{ron}}}")
    A(f".cbs{{{box}border-radius:{cbr}px}}.cbs.on{{{on}}}")
    A(f".rbs{{{box}border-radius:50%}}.rbs.on{{{ron}}}")
    if T["cb_style"] == "native_accent":
        A(f"input[type=checkbox],input[type=radio],input[type=range],progress{{accent-color:{T['accent']}}}")
    if T["cb_style"] in ("native", "native_accent") and r.random() < 0.3:
        z = r.choice([1.2, 1.4, 1.6, 2.0])
        A(f"input.nat{{zoom:{z}}}")
    A(".hid{position:absolute;opacity:0;width:0;height:0;margin:0;pointer-events:none}")
    A(f".chk{{display:inline-flex;align-items:center;gap:{r.choice([6, 8, 10])}px;cursor:pointer;position:relative}}")
    # toggle ----------------------------------------------------------------
    sw = T["sw_style"]
    H = max(14, round(fs * r.uniform(1.2, 1.7)))
    if fam == "kiosk":
        H = round(fs * r.uniform(1.3, 1.8))
    off_bg = T["border2"] if not T["dark"] else mix(T["border2"], T["bg"], .2)
    W = round(H * r.uniform(1.7, 2.1))
    p = max(2, round(H * .12))
    K = H - 2 * p
    knob = "#ffffff"
    trk = f".trk{{position:relative;display:inline-block;width:{W}px;height:{H}px;vertical-align:middle;flex:none;cursor:pointer}}"
    if sw in ("ios", "adwaita", "text"):
        rr = H / 2
        A(trk + f".trk{{border-radius:{rr}px;background:{off_bg};transition:none}}")
        A(f".trk::after{{content:'';position:absolute;top:{p}px;left:{p}px;width:{K}px;height:{K}px;border-radius:50%;"
          f"background:{knob};box-shadow:0 1px 2px rgba(0,0,0,.3)}}")
        A(f".trk.on{{background:{r.choice([T['accent'], T['accent'], T['success']])}}}.trk.on::after{{left:{W - p - K}px}}")
        if sw == "text":
            A(f".trk::before{{content:'OFF';position:absolute;right:{round(H * .3)}px;top:0;line-height:{H}px;font-size:{round(H * .4)}px;font-weight:700;color:#fff}}"
              f".trk.on::before{{content:'ON';left:{round(H * .35)}px;right:auto}}")
    elif sw == "material":
        Wm = round(H * 1.8)
        th = round(H * .65)
        A(f".trk{{position:relative;display:inline-block;width:{Wm}px;height:{H}px;vertical-align:middle;flex:none}}")
        A(f".trk::before{{content:'';position:absolute;left:{round(H * .15)}px;right:{round(H * .15)}px;top:{(H - th) / 2}px;height:{th}px;border-radius:{th / 2}px;background:{off_bg};opacity:.8}}")
        A(f".trk::after{{content:'';position:absolute;top:0;left:0;width:{H}px;height:{H}px;border-radius:50%;background:{'#fafafa' if not T['dark'] else '#bdbdbd'};"
          f"box-shadow:0 1px 3px rgba(0,0,0,.4)}}")
        A(f".trk.on::before{{background:{mix(T['accent'], '#ffffff', .45)}}}.trk.on::after{{left:{Wm - H}px;background:{T['accent']}}}")
    elif sw == "win":
        b2 = max(1, round(H * .08))
        k2 = round(H * .5)
        A(trk + f".trk{{border-radius:{H / 2}px;border:{b2}px solid {T['fg']};background:transparent}}")
        A(f".trk::after{{content:'';position:absolute;top:50%;margin-top:{-k2 / 2}px;left:{round(H * .18)}px;width:{k2}px;height:{k2}px;border-radius:50%;background:{T['fg']}}}")
        A(f".trk.on{{background:{T['accent']};border-color:{T['accent']}}}.trk.on::after{{left:auto;right:{round(H * .18)}px;background:{afg}}}")
    else:  # square
        A(trk + f".trk{{border-radius:{r.choice([0, 2, 4])}px;background:{off_bg};border:1px solid {T['border2']}}}")
        A(f".trk::after{{content:'';position:absolute;top:{p - 1}px;left:{p - 1}px;width:{K}px;height:{K}px;border-radius:{r.choice([0, 2])}px;background:{knob};box-shadow:0 1px 1px rgba(0,0,0,.3)}}")
        A(f".trk.on{{background:{T['accent']}}}.trk.on::after{{left:{W - p - K - 1}px}}")
    # slider ----------------------------------------------------------------
    if T["range_style"] == "custom":
        th = r.choice([2, 4, 4, 6, 8])
        tw = max(12, round(fs * r.uniform(1.0, 1.5)))
        thh = tw if r.random() < 0.8 else round(tw * 1.4)
        trr = r.choice(["50%", "3px", "50%"])
        A(f"input.rng{{-webkit-appearance:none;appearance:none;background:transparent;height:{thh}px;margin:0;vertical-align:middle}}")
        A(f"input.rng::-webkit-slider-runnable-track{{height:{th}px;border-radius:{th / 2}px;"
          f"background:linear-gradient(90deg,{T['accent']} var(--v),{off_bg} var(--v))}}")
        A(f"input.rng::-webkit-slider-thumb{{-webkit-appearance:none;width:{tw}px;height:{thh}px;border-radius:{trr};"
          f"background:{r.choice([T['accent'], '#ffffff', T['surface']])};border:{r.choice([0, 1, 2])}px solid {T['accent']};"
          f"margin-top:{(th - thh) / 2}px;box-shadow:0 1px 2px rgba(0,0,0,.3)}}")
    # tabs ------------------------------------------------------------------
    ts = T["tab_style"]
    tpy, tpx = round(fs * .55 * pad), round(fs * 1.0 * pad)
    A(f".tabs{{display:flex;gap:{r.choice([0, 0, 2, 4])}px;align-items:flex-end;margin:0 0 12px;flex-wrap:nowrap}}")
    tb = f".tab{{font:inherit;padding:{tpy}px {tpx}px;cursor:pointer;white-space:nowrap;background:transparent;border:0;color:{T['muted']};text-decoration:none;display:inline-flex;align-items:center;gap:6px}}"
    A(tb)
    if ts == "underline":
        A(f".tabs{{border-bottom:1px solid {T['border']}}}.tab{{border-bottom:{r.choice([2, 3])}px solid transparent}}"
          f".tab.on{{color:{T['accent_text']};border-bottom-color:{T['accent']};font-weight:600}}")
    elif ts == "boxed":
        A(f".tabs{{border-bottom:1px solid {T['border2']}}}.tab{{border:1px solid {T['border2']};border-bottom:0;"
          f"border-radius:{min(rad, 8)}px {min(rad, 8)}px 0 0;background:{T['surface2']};margin-bottom:-1px;color:{T['fg']}}}"
          f".tab.on{{background:{T['surface']};padding-bottom:{tpy + 1}px}}")
    elif ts == "pill":
        A(f".tabs{{background:{T['surface2']};padding:3px;border-radius:{min(rad + 3, 14)}px;display:inline-flex;align-items:center}}"
          f".tab{{border-radius:{min(rad, 12)}px;color:{T['fg']}}}"
          f".tab.on{{box-shadow:0 1px 2px rgba(0,0,0,.15)}}")
        pbg = r.choice([T['surface'], T['accent']])
        A(f".tab.on{{background:{pbg};color:{T['fg'] if pbg == T['surface'] else T['accent_fg']}}}")
    else:  # plain
        A(f".tab{{border-radius:{min(rad, 8)}px}}.tab.on{{background:{T['accent_soft']};color:{T['accent_text']};font-weight:600}}")
    # nav / menus -------------------------------------------------------------
    ns = T["nav_style"]
    if ns == "dark":
        nbg = hsl(r.uniform(0, 360), r.uniform(0, 30), r.uniform(10, 22))
    elif ns == "accent":
        nbg = T["accent"]
    elif ns == "bar":
        nbg = T["surface"]
    else:
        nbg = T["bg"]
    nfg = on_color(nbg, "#ffffff", T["fg"] if not T["dark"] else "#111111")
    if ns in ("bar", "plain"):
        nfg = T["fg"]
    T["nav_bg"], T["nav_fg"] = nbg, nfg
    mpy, mpx = round(fs * .5 * pad), round(fs * .8 * pad)
    A(f".nav{{display:flex;align-items:center;gap:{r.choice([0, 4, 8, 16])}px;background:{nbg};color:{nfg};padding:{r.choice([4, 6, 8, 10])}px {r.choice([8, 12, 16, 24])}px;"
      f"border-bottom:{'1px solid ' + T['border'] if ns in ('bar', 'plain') else '0'};position:relative;z-index:5;box-shadow:{r.choice(['none', '0 1px 4px rgba(0,0,0,.15)'])}}}")
    nr = r.choice([0, 4, 6, 999]) if rad else 0
    A(f".nav .mi{{padding:{mpy}px {mpx}px;color:inherit;text-decoration:none;white-space:nowrap;border-radius:{nr}px;display:inline-flex;align-items:center;gap:6px;opacity:.9}}")
    won = r.choice(["bg", "underline", "bold"])
    if won == "bg":
        A(f".nav .mi.on{{background:{rgba(nfg if nfg.startswith('#') else '#000000', .15)};opacity:1;font-weight:600}}")
    elif won == "underline":
        A(f".nav .mi.on{{box-shadow:inset 0 -3px 0 {T['accent'] if nbg != T['accent'] else nfg};opacity:1}}")
    else:
        A(".nav .mi.on{font-weight:700;opacity:1}")
    A(f".menubar{{display:flex;background:{T['surface2'] if r.random() < .5 else T['surface']};border-bottom:1px solid {T['border']};padding:1px 4px;font-size:{max(12, fs - 1)}px;position:relative;z-index:6}}"
      f".menubar .mi{{padding:{round(fs * .25)}px {round(fs * .6)}px;color:{T['fg']};text-decoration:none}}"
      f".menubar .mi.on{{background:{T['accent']};color:{afg}}}")
    sbg = r.choice([T["surface"], T["bg"], T["surface2"], hsl(r.uniform(0, 360), r.uniform(10, 40), r.uniform(12, 20))])
    sfg = on_color(sbg, "#e8e8e8", T["fg"] if not T["dark"] else "#111")
    if sbg in (T["surface"], T["bg"], T["surface2"]):
        sfg = T["fg"]
    T["side_bg"] = sbg
    A(f".side{{background:{sbg};color:{sfg};padding:{r.choice([6, 8, 12])}px;flex:none;display:flex;flex-direction:column;gap:{r.choice([0, 2, 4])}px;"
      f"border-right:1px solid {T['border']};overflow:hidden}}")
    A(f".side .mi{{display:flex;align-items:center;gap:10px;padding:{round(fs * .55 * pad)}px {round(fs * .8)}px;border-radius:{min(rad, 10)}px;color:inherit;text-decoration:none;white-space:nowrap}}")
    son = r.choice(["solid", "soft", "grey"])
    if son == "solid":
        A(f".side .mi.on{{background:{T['accent']};color:{T['accent_fg']};font-weight:600}}")
    else:
        A(f".side .mi.on{{background:{rgba(T['accent'], .18) if son == 'soft' else rgba('#888888', .25)};font-weight:600}}")
    A(f".side .grp{{font-size:.75em;text-transform:uppercase;letter-spacing:.08em;opacity:.6;padding:10px {round(fs * .8)}px 4px}}")
    # dropdown menu -----------------------------------------------------------
    A(f".dd{{position:absolute;top:calc(100% + {r.choice([0, 2, 4, 6])}px);left:0;z-index:50;min-width:{r.randint(150, 240)}px;background:{T['surface']};"
      f"color:{T['fg']};border:1px solid {r.choice([T['border'], T['border2']])};border-radius:{min(rad, 10)}px;padding:{r.choice([0, 4, 6])}px 0;"
      f"box-shadow:0 {r.choice([2, 4, 6, 8])}px {r.choice([8, 14, 20, 28])}px rgba(0,0,0,{r.uniform(.25, .55):.2f});text-align:left;font-size:{fs}px;font-weight:400}}")
    A(f".dd .mi{{display:flex;align-items:center;gap:10px;padding:{round(fs * .45 * pad)}px {round(fs * .9)}px;color:{T['fg']};text-decoration:none;white-space:nowrap;opacity:1;border-radius:0}}"
      f".dd .mi .sc{{margin-left:auto;padding-left:24px;color:{T['muted']};font-size:.85em}}"
      f".dd .mi.on{{background:{r.choice([T['accent'], T['accent_soft'], T['surface2']])}}}"
      f".dd .sep{{border-top:1px solid {T['border']};margin:4px 0}}")
    A(".ddw{position:relative;display:inline-block}")
    A("ul.dd,ul.col{list-style:none;margin:0;padding-left:0;padding-right:0}ul.col{padding:0}li.mi{cursor:default}button.mi{font:inherit;border:0;background:transparent;width:100%;text-align:left}")
    # cards, tables, misc -------------------------------------------------------
    A(f".card{{background:{T['surface']};border-radius:{T['rcard'] if T['rcard'] < 100 else 16}px;padding:{round(fs * r.uniform(.8, 1.5))}px;"
      f"box-shadow:{T['card_shadow']};border:{'1px solid ' + T['border'] if T['card_border'] else '0'}}}")
    A(f".tbl{{border-collapse:collapse;width:100%;font-size:{r.choice([.85, .9, 1])}em}}"
      f".tbl th{{text-align:left;font-weight:600;padding:{r.choice([6, 8, 10])}px 10px;border-bottom:{r.choice([1, 2])}px solid {T['border2']};color:{T['muted']};background:{r.choice([T['surface'], T['surface2']])}}}"
      f".tbl td{{padding:{r.choice([5, 7, 9])}px 10px;border-bottom:1px solid {T['border']};vertical-align:middle;white-space:nowrap}}")
    if r.random() < 0.3:
        A(f".tbl tr:nth-child(even) td{{background:{rgba('#808080', .08)}}}")
    A(f".badge{{display:inline-block;padding:{r.choice([1, 2, 3])}px {r.choice([6, 8])}px;border-radius:{r.choice([3, 4, 999])}px;font-size:.78em;font-weight:600;white-space:nowrap}}")
    A(f".prog{{height:{r.choice([4, 6, 8, 10])}px;background:{T['surface2']};border-radius:{r.choice([0, 3, 999])}px;overflow:hidden;width:100%}}"
      f".prog>div{{height:100%;background:{r.choice([T['accent'], T['success']])}}}")
    A(f".img{{border-radius:{min(T['rcard'], 16)}px;flex:none}}")
    A(".row{display:flex;align-items:center;gap:12px;flex-wrap:wrap}.col{display:flex;flex-direction:column;gap:10px}")
    A(".grow{flex:1;min-width:0}.sp{flex:1}")
    A(f".srow{{display:flex;align-items:center;gap:14px;padding:{round(fs * .7 * pad)}px {round(fs * .4)}px;border-bottom:1px solid {T['border']}}}")
    A(f".fg{{display:flex;flex-direction:column;gap:4px;margin-bottom:{round(fs * .7)}px}}.fg>label{{font-size:.9em;color:{T['muted'] if r.random() < .5 else T['fg']}}}")
    A(f".ico{{color:{r.choice([T['fg'], T['muted'], T['accent_text']])};flex:none;vertical-align:middle}}")
    A(".btn .ico,.tab .ico,.mi .ico,.fldw .ico,.combo .ico,.appi .ico,.nav .ico,.nav .gi,.side .ico,.side .gi{color:inherit}")
    A(f".gi{{font-family:'DejaVu Sans';line-height:1;color:{r.choice([T['fg'], T['muted'], T['accent_text']])};vertical-align:middle}}")
    A(f".appi{{display:flex;align-items:center;justify-content:center;border-radius:{r.choice(['22%', '50%', '12px', '8px'])};color:#fff;flex:none}}")
    # the page behind a modal stays on screen, dimmed: its elements are labelled too
    # (the box extraction hit-tests with elementFromPoint, which skips pointer-events:none)
    A(f".overlay{{position:fixed;inset:0;z-index:100;display:flex;align-items:center;justify-content:center;pointer-events:none;background:rgba(0,0,0,{r.uniform(.15, .5):.2f})}}")
    A(f".modal{{pointer-events:auto;background:{T['surface']};color:{T['fg']};border-radius:{min(T['rcard'] + r.choice([0, 4]), 24)}px;padding:{round(fs * r.uniform(1.1, 1.8))}px;"
      f"box-shadow:0 10px 40px rgba(0,0,0,.35);max-width:92vw;min-width:{r.randint(280, 420)}px;border:{'1px solid ' + T['border'] if r.random() < .5 else '0'}}}")
    A(".kp{display:grid;gap:" + f"{r.choice([4, 6, 8, 10, 12])}px" + "}")
    A(f".kp .btn,.kp button{{font-size:{r.uniform(1.2, 1.8):.2f}em;min-height:{round(fs * r.uniform(2.4, 3.4))}px}}")
    A(".steps{display:flex;align-items:center;gap:8px;margin-bottom:16px}.steps .dot{width:28px;height:28px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:.85em;font-weight:700}.steps .ln{flex:1;height:2px;min-width:20px}")
    return "\n".join(css)


# ----------------------------------------------------------------------------- page builder
class B:
    """Holds rng + theme and produces HTML snippets with data-cls labels."""

    def __init__(self, r, T, vw, vh):
        self.r, self.T, self.vw, self.vh = r, T, vw, vh
        self.dd_pending = False
        self.uid = 0

    # ---- small helpers
    def nid(self):
        self.uid += 1
        return f"e{self.uid}"

    def words(self, a, b):
        r = self.r
        n = r.randint(a, b)
        w = [r.choice(WORDS) for _ in range(n)]
        s = " ".join(w)
        return s[:1].upper() + s[1:]

    def sentence(self, links=0.0):
        r = self.r
        parts = [self.words(4, 12)]
        if r.random() < links:
            parts.append(self.link(r.choice(LINK_TEXTS).lower() if r.random() < .5 else r.choice(LINK_TEXTS)))
            parts.append(" ".join(r.choice(WORDS) for _ in range(r.randint(1, 5))))
        return " ".join(parts) + "."

    def para(self, links=0.3, cls=""):
        r = self.r
        return f'<p class="{cls}">' + " ".join(self.sentence(links) for _ in range(r.randint(1, 3))) + "</p>"

    # ---- labelled elements
    def svg(self, name=None, size=None, cls="icon", color=None, extra=""):
        r = self.r
        name = name or r.choice(ICON_NAMES)
        size = size or round(self.T["fs"] * r.uniform(1.1, 1.6))
        sw = self.T["icon_sw"]
        fill = "none"
        if name in ("play", "heart", "star", "bell") and r.random() < 0.4:
            fill = "currentColor"
        dc = f' data-cls="{cls}"' if cls else ""
        st = f' style="color:{color}"' if color else ""
        return (f'<svg class="ico"{dc}{st}{extra} width="{size}" height="{size}" viewBox="0 0 24 24" fill="{fill}" '
                f'stroke="currentColor" stroke-width="{sw}" stroke-linecap="round" stroke-linejoin="round">{ICONS[name]}</svg>')

    def glyph(self, ch=None, size=None, labelled=True, color=None):
        r = self.r
        ch = ch or r.choice(GLYPHS)
        size = size or round(self.T["fs"] * r.uniform(1.1, 1.8))
        st = f"font-size:{size}px;" + (f"color:{color};" if color else "")
        dc = ' data-cls="icon" data-glyph="1"' if labelled else ""
        return f'<span class="gi"{dc} style="{st}">{E(ch)}</span>'

    def icon(self, name=None, size=None, color=None):
        """a free-standing pictogram (labelled icon)."""
        if self.r.random() < 0.2:
            return self.glyph(size=size, color=color)
        return self.svg(name, size, color=color)

    def button(self, text=None, kind="p", size="", icon=None, icon_only=False, full=False, tag=None, style="", isz=None):
        r, T = self.r, self.T
        if text is None:
            text = r.choice({"p": BTN_PRIMARY, "s": BTN_SECONDARY, "d": BTN_DANGER}[kind])
        cls = f"btn {kind} {size}" + (" full" if full else "") + (" ic" if icon_only else "")
        inner = ""
        if icon:
            isz = isz or round(T["fs"] * (1.2 if icon_only else 1.1))
            if icon_only and r.random() < 0.25:
                inner = f'<span style="font-family:DejaVu Sans;font-size:{isz}px;line-height:1">{E(r.choice(GLYPHS))}</span>'
            else:
                inner = self.svg(icon, isz, cls=None)
        if not icon_only:
            inner += E(text)
        st = f' style="{style}"' if style else ""
        aria = f' aria-label="{E(text)}"' if icon_only else ""
        if T["native_btn"] and tag in ("a", "div"):
            tag = "button"  # an unstyled <a>/<div> would have no face
        if tag is None:
            if T["native_btn"]:
                tag = "button" if (icon or r.random() < 0.8) else "input"
            else:
                tag = r.choices(["button", "input", "a", "div"], weights=[70, 10, 10, 10])[0]
                if tag == "input" and icon:
                    tag = "button"
        dt = "" if not icon_only else f' data-text="{E(text)}"'
        dis = ""
        if tag in ("button", "input") and r.random() < 0.04:
            dis = " disabled"  # greyed out, still a button
            st += ' data-dis="1"'
        if tag == "input":
            typ = "submit" if kind == "p" else "button"
            return f'<input type="{typ}" class="{cls}" data-cls="button" value="{E(text)}"{st}{dis}>'
        if tag == "a":
            return f'<a href="#" class="{cls}" data-cls="button"{dt}{aria}{st}>{inner}</a>'
        if tag == "div":
            return f'<div role="button" tabindex="0" class="{cls}" data-cls="button"{dt}{aria}{st}>{inner}</div>'
        return f'<button type="button" class="{cls}" data-cls="button"{dt}{aria}{st}{dis}>{inner}</button>'

    def icon_button(self, name=None, faced=None, kind="s", size=""):
        """tool / icon-only button: labelled button with a face, or a plain icon without one."""
        r = self.r
        name = name or r.choice(ICON_NAMES)
        if faced is None:
            faced = r.random() < 0.55
        if faced:
            return self.button(text=name, kind=kind, size=size, icon=name, icon_only=True)
        return f'<span style="display:inline-flex;padding:4px;cursor:pointer">{self.icon(name)}</span>'

    def link(self, text=None):
        text = text or self.r.choice(LINK_TEXTS)
        return f'<a href="#" class="lnk" data-cls="link">{E(text)}</a>'

    def field(self, label=None, value=None, placeholder=None, typ="text", width=None, wrap_icon=None):
        r, T = self.r, self.T
        if label is None:
            label, v = r.choice(FIELDS)
            value = value if value is not None else (v if r.random() < .5 else None)
        if typ == "text" and label in ("Password", "PIN"):
            typ = "password"
            if value:
                value = "secret" * 2
        if typ == "text" and label == "Email":
            typ = "email"
        if typ == "text" and label in ("Quantity", "Port") and r.random() < .6:
            typ = "number"
        ph = placeholder if placeholder is not None else (label if r.random() < .4 else r.choice(["", "", "Optional", "Required"]))
        w = f' style="width:{width}"' if width else ""
        vattr = f' value="{E(value)}"' if value else ""
        fcls = "" if T["native_field"] else "fld"
        if wrap_icon:
            return (f'<div class="fldw" data-cls="text_field" data-text="{E(value or ph)}"{w}>'
                    f'{self.svg(wrap_icon, round(T["fs"] * 1.1), cls=None) if wrap_icon != "none" else ""}'
                    f'<input type="{typ}" placeholder="{E(ph)}"{vattr}></div>')
        return f'<input type="{typ}" class="{fcls}" data-cls="text_field" placeholder="{E(ph)}"{vattr}{w}>'

    def textarea(self, rows=None, width=None):
        r = self.r
        rows = rows or r.randint(2, 5)
        val = self.words(3, 20) if r.random() < .5 else ""
        w = f' style="width:{width}"' if width else ""
        fcls = "" if self.T["native_field"] else "fld"
        return f'<textarea class="{fcls}" data-cls="text_field" rows="{rows}" placeholder="{E(r.choice(TEXT_PLACEHOLDERS))}"{w}>{E(val)}</textarea>'

    def search(self, width=None):
        r = self.r
        width = width or f"{r.randint(160, 300)}px"
        if r.random() < 0.55:
            return self.field("Search", None, r.choice(PLACEHOLDERS), "search", width=width,
                              wrap_icon=r.choice(["search", "search", "none"]))
        return self.field("Search", None, r.choice(PLACEHOLDERS), "search", width=width)

    def checkbox(self, label=None, checked=None, radio=False, name=None):
        r, T = self.r, self.T
        checked = r.random() < 0.5 if checked is None else checked
        label = label if label is not None else r.choice(SETTINGS)
        st = T["cb_style"]
        typ = "radio" if radio else "checkbox"
        cls = "radio" if radio else "checkbox"
        ch = " checked" if checked else ""
        nm = f' name="{name}"' if name else ""
        lab = f"<span>{E(label)}</span>" if label else ""
        if st in ("native", "native_accent"):
            return f'<label class="chk"><input type="{typ}" class="nat" data-cls="{cls}"{nm}{ch}>{lab}</label>'
        if st == "custom_input":
            c = "rbx" if radio else "cbx"
            return f'<label class="chk"><input type="{typ}" class="{c}" data-cls="{cls}"{nm}{ch}>{lab}</label>'
        c = ("rbs" if radio else "cbs") + (" on" if checked else "")
        return (f'<label class="chk"><input type="{typ}" class="hid"{nm}{ch}>'
                f'<span class="{c}" data-cls="{cls}" data-checked="{1 if checked else 0}"></span>{lab}</label>')

    def radios(self, options, vertical=None, sel=None):
        r = self.r
        name = self.nid()
        sel = r.randrange(len(options)) if sel is None else sel
        vertical = r.random() < 0.5 if vertical is None else vertical
        items = [self.checkbox(o, i == sel, radio=True, name=name) for i, o in enumerate(options)]
        d = "col" if vertical else "row"
        return f'<div class="{d}" style="gap:{r.choice([6, 8, 12, 16])}px">' + "".join(items) + "</div>"

    def toggle(self, on=None, label=None):
        r = self.r
        on = r.random() < 0.5 if on is None else on
        ch = " checked" if on else ""
        lab = f"<span>{E(label)}</span>" if label else ""
        return (f'<label class="chk"><input type="checkbox" class="hid"{ch}>'
                f'<span class="trk{" on" if on else ""}" data-cls="toggle" data-checked="{1 if on else 0}"></span>{lab}</label>')

    def select(self, opts=None, width=None, custom=None):
        r, T = self.r, self.T
        opts = opts or r.choice(SELECT_SETS)
        sel = r.randrange(len(opts))
        w = f' style="width:{width}"' if width else ""
        custom = (r.random() < 0.3 and not T["native_field"]) if custom is None else custom
        if custom:
            return (f'<div class="fld combo" data-cls="dropdown" tabindex="0"{w}><span>{E(opts[sel])}</span>'
                    f'{self.svg("chev", round(T["fs"] * 1.1), cls=None)}</div>')
        fcls = "" if T["native_field"] else "fld"
        o = "".join(f'<option{" selected" if i == sel else ""}>{E(x)}</option>' for i, x in enumerate(opts))
        return f'<select class="{fcls}" data-cls="dropdown"{w}>{o}</select>'

    def slider(self, width=None):
        r, T = self.r, self.T
        v = r.randint(0, 100)
        width = width or r.randint(100, 320)
        if T["range_style"] == "custom":
            return f'<input type="range" class="rng" data-cls="slider" value="{v}" style="--v:{v}%;width:{width}px">'
        return f'<input type="range" class="nat" data-cls="slider" value="{v}" style="width:{width}px">'

    def tabs(self, labels=None, n=None, icons=False):
        r = self.r
        if labels is None:
            n = n or r.randint(2, 6)
            labels = r.sample(TITLES + NAV, n)
        on = r.randrange(len(labels))
        tag = r.choice(["button", "a", "div"])
        out = []
        for i, l in enumerate(labels):
            ic = self.svg(None, round(self.T["fs"] * 1.1), cls=None) if icons else ""
            c = "tab on" if i == on else "tab"
            if tag == "a":
                out.append(f'<a href="#" class="{c}" data-cls="tab" role="tab">{ic}{E(l)}</a>')
            elif tag == "div":
                out.append(f'<div class="{c}" data-cls="tab" role="tab">{ic}{E(l)}</div>')
            else:
                out.append(f'<button type="button" class="{c}" data-cls="tab" role="tab">{ic}{E(l)}</button>')
        return f'<div class="tabs" role="tablist">{"".join(out)}</div>'

    def menu_items(self, labels, on=None, icons=False, shortcuts=False, seps=False, cls="mi", li=False):
        r = self.r
        out = []
        tag = "li" if li else r.choice(["a", "a", "div", "button"])
        for i, l in enumerate(labels):
            if seps and i > 0 and r.random() < 0.18:
                out.append('<li class="sep" role="separator"></li>' if li else '<div class="sep"></div>')
            ic = self.svg(None, round(self.T["fs"] * 1.05), cls=None) if icons else ""
            sc = f'<span class="sc">{E(r.choice(SHORTCUTS))}</span>' if shortcuts and r.random() < .6 else ""
            c = f"{cls} on" if i == on else cls
            inner = f'{ic}<span>{E(l)}</span>{sc}'
            if tag == "li":
                out.append(f'<li class="{c}" data-cls="menu_item" role="menuitem">{inner}</li>')
            elif tag == "a":
                out.append(f'<a href="#" class="{c}" data-cls="menu_item">{inner}</a>')
            elif tag == "button":
                out.append(f'<button type="button" class="{c}" data-cls="menu_item" role="menuitem">{inner}</button>')
            else:
                out.append(f'<div class="{c}" data-cls="menu_item" role="menuitem">{inner}</div>')
        return "".join(out)

    def menu_list(self, labels, cls="dd", style="", **kw):
        """an open menu: <ul> of <li> items, or a <div> of items."""
        if self.r.random() < 0.5:
            return f'<ul class="{cls}" role="menu" style="{style}">{self.menu_items(labels, li=True, **kw)}</ul>'
        return f'<div class="{cls}" role="menu" style="{style}">{self.menu_items(labels, **kw)}</div>'


    def dropdown_menu(self, n=None):
        r = self.r
        n = n or r.randint(3, 9)
        labels = r.sample(MENU_ITEMS, n)
        hi = r.randrange(n) if r.random() < 0.5 else None
        return self.menu_list(labels, on=hi, icons=r.random() < .35, shortcuts=r.random() < .35, seps=True)

    def maybe_dd(self, trigger_html):
        """wrap a trigger; if a dropdown is pending, open it below the trigger."""
        if self.dd_pending:
            self.dd_pending = False
            return f'<div class="ddw">{trigger_html}{self.dropdown_menu()}</div>'
        return trigger_html

    # ---- distractors
    def badge(self, text=None):
        r, T = self.r, self.T
        text = text or r.choice(STATUSES)
        c = r.choice([T["success"], T["danger"], T["warning"], T["accent"], "#6c757d"])
        if r.random() < 0.5:
            st = f"background:{c};color:{on_color(c)}"
        else:
            st = f"background:{rgba(c, .15)};color:{c}"
        return f'<span class="badge" style="{st}">{E(text)}</span>'

    def image(self, w, h, radius=None):
        r = self.r
        h1 = r.uniform(0, 360)
        c1, c2 = hsl(h1, r.uniform(30, 80), r.uniform(35, 75)), hsl(h1 + r.uniform(20, 120), r.uniform(30, 80), r.uniform(30, 70))
        kind = r.random()
        if kind < 0.5:
            bg = f"linear-gradient({r.randint(0, 360)}deg,{c1},{c2})"
        elif kind < 0.8:
            bg = f"radial-gradient(circle at {r.randint(0, 100)}% {r.randint(0, 100)}%,{c1},{c2})"
        else:
            bg = f"repeating-linear-gradient({r.randint(0, 180)}deg,{c1} 0 {r.randint(4, 20)}px,{c2} 0 {r.randint(24, 50)}px)"
        rs = f"border-radius:{radius};" if radius else ""
        ww = f"{w}px" if isinstance(w, int) else w
        return f'<div class="img" style="width:{ww};height:{h}px;background:{bg};{rs}"></div>'

    def avatar(self, size=None):
        r = self.r
        size = size or round(self.T["fs"] * r.uniform(1.8, 2.6))
        c = hsl(r.uniform(0, 360), 50, 50)
        ini = "".join(x[0] for x in r.choice(NAMES).split()[:2])
        return (f'<div style="width:{size}px;height:{size}px;border-radius:50%;background:{c};color:#fff;display:flex;'
                f'align-items:center;justify-content:center;font-size:{round(size * .4)}px;font-weight:600;flex:none">{ini}</div>')

    def progress(self):
        r = self.r
        v = r.randint(5, 95)
        if r.random() < 0.35:
            return f'<progress value="{v}" max="100" style="width:100%"></progress>'
        return f'<div class="prog"><div style="width:{v}%"></div></div>'

    def app_icon(self, size=None, labelled=True):
        r = self.r
        size = size or round(self.T["fs"] * r.uniform(2.5, 4))
        c1 = hsl(r.uniform(0, 360), r.uniform(50, 85), r.uniform(40, 60))
        c2 = mix(c1, "#000000", .25)
        dc = ' data-cls="icon"' if labelled else ""
        return (f'<div class="appi"{dc} style="width:{size}px;height:{size}px;background:linear-gradient(160deg,{c1},{c2})">'
                f'{self.svg(None, round(size * .55), cls=None)}</div>')


# ----------------------------------------------------------------------------- page parts
def header(b, kind):
    r, T = b.r, b.T
    fs = T["fs"]
    if r.random() < 0.15 and kind not in ("kiosk", "keypad"):
        # application menubar (File Edit View ...)
        labels = MENUBAR[:r.randint(4, 8)]
        on = r.randrange(len(labels)) if b.dd_pending else None
        items = []
        for i, l in enumerate(labels):
            c = "mi on" if i == on else "mi"
            it = f'<a href="#" class="{c}" data-cls="menu_item">{E(l)}</a>'
            if i == on:
                b.dd_pending = False
                it = f'<div class="ddw">{it}{b.dropdown_menu()}</div>'
            items.append(it)
        return f'<div class="menubar">{"".join(items)}</div>'
    brand_logo = r.choice([b.image(round(fs * 1.8), round(fs * 1.8), "6px"), b.icon(size=round(fs * 1.6)), ""])
    brand = f'<div class="row" style="gap:8px;font-weight:700;font-size:1.15em;flex:none">{brand_logo}<span>{E(r.choice(["Acme", "Nimbus", "Orbit", "Kiosk", "Panel", "Cloudy", "Helios", "Stackr", "Terminal 3", "MyShop", "Admin"]))}</span></div>'
    parts = []
    if r.random() < 0.3:
        parts.append(b.icon_button("menu", faced=r.random() < .3))
    parts.append(brand)
    n = r.randint(2, 7) if b.vw >= 1000 else r.randint(2, 4)
    labels = r.sample(NAV, n)
    on = r.randrange(n)
    dd_at = r.randrange(n) if (b.dd_pending and r.random() < 0.5) else None
    items = []
    for i, l in enumerate(labels):
        c = "mi on" if i == on else "mi"
        chev = b.svg("chev", round(fs * .9), cls=None) if (i == dd_at or r.random() < .1) else ""
        it = f'<a href="#" class="{c}" data-cls="menu_item">{E(l)}{chev}</a>'
        if i == dd_at:
            b.dd_pending = False
            it = f'<div class="ddw">{it}{b.dropdown_menu()}</div>'
        items.append(it)
    parts.append(f'<div class="row" style="gap:{r.choice([0, 2, 6])}px;flex-wrap:nowrap;margin-left:{r.choice([8, 16, 32])}px">{"".join(items)}</div>')
    parts.append('<div class="sp"></div>')
    if r.random() < 0.3 and b.vw >= 1000:
        parts.append(b.search(f"{r.randint(160, 240)}px"))
    for _ in range(r.randint(0, 3)):
        parts.append(b.icon_button(r.choice(["bell", "gear", "help", "mail", "cart", "globe", "moon", "search"])))
    if r.random() < 0.4:
        parts.append(b.button(kind=r.choice(["p", "s"]), size="sm" if r.random() < .5 else ""))
    if r.random() < 0.5:
        av = b.avatar(round(fs * 2))
        if b.dd_pending:
            b.dd_pending = False
            av = f'<div class="ddw">{av}{b.menu_list(r.sample(MENU_ITEMS, r.randint(3, 6)), style="left:auto;right:0", seps=True)}</div>'
        parts.append(av)
    return f'<div class="nav">{"".join(parts)}</div>'


def sidebar(b):
    r, T = b.r, b.T
    w = r.randint(170, 250) if b.vw > 900 else r.randint(140, 190)
    rail = r.random() < 0.12
    out = []
    if rail:
        w = round(T["fs"] * 3.6)
        n = r.randint(4, 8)
        on = r.randrange(n)
        for i in range(n):
            c = "mi on" if i == on else "mi"
            out.append(f'<a href="#" class="{c}" data-cls="menu_item" data-text="{E(r.choice(NAV))}" style="justify-content:center">{b.svg(None, round(T["fs"] * 1.4), cls=None)}</a>')
    else:
        if r.random() < 0.4:
            out.append(f'<div class="row" style="padding:8px 10px 14px;font-weight:700">{b.icon()}<span>{E(r.choice(["Control Panel", "Workspace", "Admin", "Settings", "Console"]))}</span></div>')
        groups = r.randint(1, 3)
        icons = r.random() < 0.7
        use_ul = r.random() < 0.4
        on_g = r.randrange(groups)
        for g in range(groups):
            if groups > 1 or r.random() < .3:
                out.append(f'<div class="grp">{E(r.choice(["Main", "General", "Manage", "Account", "System", "Tools", "Favorites"]))}</div>')
            n = r.randint(2, 6)
            items = b.menu_items(r.sample(NAV, n), on=r.randrange(n) if g == on_g else None, icons=icons, li=use_ul)
            out.append(f'<ul class="col" style="gap:inherit">{items}</ul>' if use_ul else items)
    return f'<div class="side" style="width:{w}px;min-height:100vh">{"".join(out)}</div>'


def modal(b):
    r, T = b.r, b.T
    kind = r.choice(["confirm", "form", "settings", "alert"])
    title = r.choice(["Delete item?", "Are you sure?", "Sign in", "Edit user", "Add device", "Preferences",
                      "Unsaved changes", "Warning", "Connect to network", "Rename file", "Confirm payment"])
    close = ""
    if r.random() < 0.7:
        close = b.icon_button("close", faced=r.random() < .4)
    head = f'<div class="row" style="justify-content:space-between;flex-wrap:nowrap;margin-bottom:8px"><h3 style="margin:0">{E(title)}</h3>{close}</div>'
    body = ""
    if kind == "confirm":
        body = b.para(0.2)
        foot = [b.button(kind="s"), b.button(kind=r.choice(["p", "d"]))]
    elif kind == "form":
        body = "".join(f'<div class="fg"><label>{E(l)}</label>{b.field(l, v if r.random() < .4 else None, width="100%")}</div>'
                       for l, v in r.sample(FIELDS, r.randint(1, 3)))
        if r.random() < .5:
            body += f'<div class="fg">{b.checkbox()}</div>'
        foot = [b.button(kind="s"), b.button(kind="p")]
    elif kind == "settings":
        body = "".join(f'<div class="srow"><span class="grow">{E(l)}</span>{b.toggle() if r.random() < .6 else b.checkbox(label="")}</div>'
                       for l in r.sample(SETTINGS, r.randint(2, 4)))
        foot = [b.button(kind="p")]
    else:
        body = f'<div class="row" style="flex-wrap:nowrap;align-items:flex-start">{b.icon("warning", round(T["fs"] * 2.2), color=T["warning"])}{b.para(0)}</div>'
        foot = [b.button("OK", kind="p")]
    if r.random() < .5:
        foot = foot[::-1]
    just = r.choice(["flex-end", "flex-end", "space-between", "center"])
    return (f'<div class="overlay"><div class="modal" role="dialog">{head}{body}'
            f'<div class="row" style="justify-content:{just};margin-top:14px">{"".join(foot)}</div></div></div>')


# ----------------------------------------------------------------------------- page kinds
def k_login(b):
    r, T = b.r, b.T
    fs = T["fs"]
    fields = []
    user = r.choice(["Username", "Email", "Email address", "User ID", "Benutzername"])
    fw = "100%"
    lab = r.random() < 0.7
    for l, typ in ((user, "email" if "mail" in user else "text"), ("Password", "password")):
        val = r.choice(["", "jdoe@example.com" if typ != "password" else "hunter22hunter"]) if r.random() < .5 else ""
        wi = r.choice([None, None, "user" if typ != "password" else "lock"])
        f = b.field(l, val, "" if lab else l, typ, width=fw, wrap_icon=wi)
        fields.append(f'<div class="fg">{"<label>" + E(l) + "</label>" if lab else ""}{f}</div>')
    rem = (f'<div class="row" style="justify-content:space-between;margin:4px 0 14px">'
           f'{b.checkbox(r.choice(["Remember me", "Keep me signed in", "Stay logged in"])) if r.random() < .7 else ""}'
           f'{b.link(r.choice(["Forgot password?", "Reset password", "Need help?"])) if r.random() < .7 else ""}</div>')
    btn = b.button(r.choice(["Sign in", "Log in", "Continue", "Login", "Anmelden"]), "p", full=r.random() < .7)
    extra = ""
    if r.random() < 0.4:
        extra += '<div class="row" style="margin:12px 0;gap:8px;flex-wrap:nowrap"><hr style="flex:1"><span class="muted small">or</span><hr style="flex:1"></div>'
        extra += "".join(f'<div style="margin-bottom:8px">{b.button(t, "s", icon=ic, full=True)}</div>'
                         for t, ic in r.sample([("Continue with Google", "globe"), ("Sign in with SSO", "key"),
                                                ("Use a passkey", "lock"), ("Sign in with phone", "phone")], r.randint(1, 2)))
    if r.random() < 0.6:
        extra += f'<p class="small muted" style="margin-top:14px">{E(r.choice(["No account?", "New here?", "Don’t have an account?"]))} {b.link(r.choice(["Sign up", "Create an account", "Register"]))}</p>'
    logo = r.choice([b.image(round(fs * 3), round(fs * 3), "12px"), b.icon(size=round(fs * 3)), ""])
    title = f'<h2>{E(r.choice(["Welcome back", "Sign in", "Log in to your account", "Anmelden", "Staff login", "Connexion"]))}</h2>'
    sub = b.para(0.1, "muted small") if r.random() < .5 else ""
    w = r.randint(300, 420)
    form = f'<div class="card" style="width:{w}px;max-width:94vw">{logo}{title}{sub}{"".join(fields)}{rem}{btn}{extra}</div>'
    lay = r.random()
    if lay < 0.45:
        body = f'<div style="display:flex;justify-content:center;align-items:center;min-height:100vh;padding:20px">{form}</div>'
    elif lay < 0.75 and b.vw >= 1000:
        body = (f'<div style="display:flex;min-height:100vh">{b.image("50%", b.vh, "0")}'
                f'<div style="flex:1;display:flex;align-items:center;justify-content:center">{form}</div></div>')
    else:
        body = f'<div style="padding:{r.randint(20, 60)}px">{form}</div>'
    foot = ""
    if r.random() < 0.4:
        foot = (f'<div class="row small muted" style="position:fixed;bottom:10px;left:0;right:0;justify-content:center;gap:18px">'
                f'{"".join(b.link() for _ in range(r.randint(2, 4)))}{b.select(custom=False) if r.random() < .3 else ""}</div>')
    return body + foot


def settings_control(b, label):
    r = b.r
    c = r.random()
    if c < 0.32:
        return b.toggle()
    if c < 0.43:
        return b.checkbox(label="")
    if c < 0.62:
        return b.select(width=f"{r.randint(120, 220)}px")
    if c < 0.78:
        if r.random() < 0.4:
            return f'<div class="row" style="flex-wrap:nowrap;gap:8px">{b.icon(r.choice(["volume", "sun", "moon", "thermo"]))}{b.slider(r.randint(120, 240))}<span class="muted small">{r.randint(0, 100)}%</span></div>'
        return b.slider(r.randint(120, 240))
    if c < 0.86:
        return b.field(label, r.choice(FIELDS)[1], width=f"{r.randint(140, 260)}px")
    if c < 0.93:
        return b.button(kind="s", size=r.choice(["", "sm"]))
    return b.link(r.choice(["Change", "Manage", "Edit", "Configure"]))


def k_settings(b):
    r, T = b.r, b.T
    fs = T["fs"]
    out = [f'<h1>{E(r.choice(TITLES))}</h1>']
    if r.random() < 0.2:
        out.insert(0, f'<div class="row small" style="margin-bottom:6px">{b.link(r.choice(NAV))}<span class="muted">/</span><span>{E(r.choice(TITLES))}</span></div>')
    if r.random() < 0.45:
        out.append(b.tabs(icons=r.random() < .2))
    style = r.choice(["rows", "rows", "form"])
    for s in range(r.randint(1, 3)):
        if r.random() < 0.6:
            out.append(f'<h3 style="margin-top:14px">{E(r.choice(["General", "Network", "Display", "Privacy", "Advanced", "Notifications", "Account", "Sound", "Power"]))}</h3>')
        rows = []
        if style == "rows":
            for lab in r.sample(SETTINGS, r.randint(2, 6)):
                ic = b.icon(size=round(fs * 1.4)) if r.random() < .3 else ""
                desc = f'<div class="small muted">{E(r.choice(SETTING_DESC))}</div>' if r.random() < .4 else ""
                rows.append(f'<div class="srow">{ic}<div class="grow"><div>{E(lab)}</div>{desc}</div>{settings_control(b, lab)}</div>')
            if r.random() < 0.25:
                rows.append(f'<div class="srow"><div class="grow">{E(r.choice(["Theme", "Mode", "Connection", "Quality"]))}</div>{b.radios(r.choice(SELECT_SETS)[:3], vertical=False)}</div>')
            out.append(f'<div class="card" style="padding-top:2px;padding-bottom:2px">{"".join(rows)}</div>' if r.random() < .7 else "".join(rows))
        else:
            for _ in range(r.randint(2, 5)):
                c = r.random()
                if c < 0.35:
                    l, v = r.choice(FIELDS)
                    rows.append(f'<div class="fg"><label>{E(l)}</label>{b.field(l, v if r.random() < .5 else None, width=f"{r.randint(200, 360)}px")}</div>')
                elif c < 0.5:
                    rows.append(f'<div class="fg"><label>{E(r.choice(["Language", "Time zone", "Theme", "Frequency"]))}</label>{b.select(width=f"{r.randint(160, 300)}px")}</div>')
                elif c < 0.65:
                    rows.append(f'<div class="fg">{b.checkbox()}</div>')
                elif c < 0.75:
                    rows.append(f'<div class="fg"><label>{E(r.choice(SLIDERS))}</label>{b.slider()}</div>')
                elif c < 0.88:
                    rows.append(f'<div class="fg"><label>{E(r.choice(["Mode", "Quality", "Plan"]))}</label>{b.radios(r.choice(SELECT_SETS)[:r.randint(2, 4)])}</div>')
                else:
                    rows.append(f'<div class="fg">{b.toggle(label=r.choice(SETTINGS))}</div>')
            out.append(f'<div class="card">{"".join(rows)}</div>')
    if r.random() < 0.5:
        btns = [b.button(kind="s"), b.button(kind="p")]
        if r.random() < .2:
            btns.insert(0, b.button(kind="d"))
        out.append(f'<div class="row" style="justify-content:{r.choice(["flex-end", "flex-start"])};margin-top:16px">{"".join(btns)}</div>')
    if r.random() < .3:
        out.append(b.para(0.6, "small muted"))
    return "".join(out)


def k_dashboard(b):
    r, T = b.r, b.T
    fs = T["fs"]
    head = [f'<h2 style="margin:0">{E(r.choice(["Dashboard", "Overview", "Analytics", "Status", "Today"]))}</h2>', '<div class="sp"></div>']
    if r.random() < .5:
        head.append(b.select(r.choice(SELECT_SETS[10:11] + SELECT_SETS[4:5])))
    if r.random() < .5:
        head.append(b.maybe_dd(b.button(kind=r.choice(["p", "s"]), icon=r.choice([None, "plus", "download", "refresh"]))))
    out = [f'<div class="row" style="margin-bottom:14px;flex-wrap:nowrap">{"".join(head)}</div>']
    ncards = r.choice([2, 3, 4, 4])
    cards = []
    for _ in range(ncards):
        ic = ""
        if r.random() < 0.7:
            c = r.choice([T["accent"], T["success"], T["warning"], T["danger"]])
            if r.random() < .5:
                ic = f'<div style="background:{rgba(c, .15)};border-radius:10px;padding:8px;display:flex">{b.icon(size=round(fs * 1.5), color=c)}</div>'
            else:
                ic = b.icon(size=round(fs * 1.6), color=c)
        num = r.choice([f"{r.randint(1, 999)}", f"{r.randint(1, 99)}.{r.randint(0, 9)}%", f"€{r.randint(1, 99)},{r.randint(100, 999)}", f"{r.randint(1, 60)} min"])
        extra = b.progress() if r.random() < 0.4 else (f'<div class="small" style="color:{r.choice([T["success"], T["danger"]])}">{r.choice(["▲", "▼"])} {r.randint(1, 30)}%</div>' if r.random() < .5 else "")
        more = b.icon_button(r.choice(["more", "morev", "refresh"]), faced=False) if r.random() < .3 else ""
        cards.append(f'<div class="card col" style="gap:6px"><div class="row" style="justify-content:space-between;flex-wrap:nowrap">'
                     f'<span class="muted small">{E(r.choice(["Revenue", "Users", "Orders", "Uptime", "Errors", "Visitors", "CPU", "Storage", "Tickets sold", "Queue"]))}</span>{ic}{more}</div>'
                     f'<div style="font-size:1.8em;font-weight:700">{num}</div>{extra}</div>')
    out.append(f'<div style="display:grid;grid-template-columns:repeat({ncards},1fr);gap:{r.choice([10, 14, 18])}px;margin-bottom:16px">{"".join(cards)}</div>')
    # chart + list
    bars = "".join(f'<div style="flex:1;background:{T["accent"] if r.random() < .8 else T["success"]};height:{r.randint(10, 100)}%;border-radius:3px 3px 0 0;opacity:{r.uniform(.5, 1):.2f}"></div>' for _ in range(r.randint(6, 18)))
    ctabs = b.tabs(r.sample(["Day", "Week", "Month", "Year", "Live"], r.randint(2, 4))) if r.random() < .5 else ""
    chart = (f'<div class="card grow" style="min-width:280px"><div class="row" style="justify-content:space-between;flex-wrap:nowrap"><h3 style="margin:0">{E(r.choice(["Sales", "Traffic", "Usage", "Energy"]))}</h3>{ctabs}</div>'
             f'<div style="display:flex;align-items:flex-end;gap:4px;height:{r.randint(100, 180)}px;margin-top:10px">{bars}</div></div>')
    rows = []
    for _ in range(r.randint(3, 6)):
        lead = r.choice([b.avatar(), b.icon(size=round(fs * 1.4)), ""])
        right = r.choice([b.badge(), b.link(r.choice(["View", "Open", "Details"])), b.button(kind="s", size="sm"), b.icon_button(r.choice(["chevr", "more", "edit"]), faced=r.random() < .3), ""])
        rows.append(f'<div class="row" style="flex-wrap:nowrap;padding:6px 0;border-bottom:1px solid {T["border"]}">{lead}<div class="grow"><div>{E(r.choice(NAMES + PRODUCTS))}</div><div class="small muted">{E(b.words(2, 5))}</div></div>{right}</div>')
    if r.random() < 0.4:
        # smart-home / device control card
        crow = []
        for lab in r.sample(SLIDERS + ["Lights", "Heating", "Fan", "Blinds", "Alarm"], r.randint(2, 4)):
            c = r.random()
            ctrl = b.slider(r.randint(110, 200)) if c < .5 else b.toggle() if c < .8 else b.select(width=f"{r.randint(110, 160)}px")
            crow.append(f'<div class="srow" style="flex-wrap:nowrap">{b.icon(size=round(fs * 1.3)) if r.random() < .5 else ""}<span class="grow">{E(lab)}</span>{ctrl}</div>')
        lst = f'<div class="card" style="width:{r.randint(300, 400)}px;flex:none"><h3>{E(r.choice(["Controls", "Living room", "Device", "Quick settings"]))}</h3>{"".join(crow)}</div>'
    else:
        lst = f'<div class="card" style="width:{r.randint(280, 380)}px;flex:none"><h3>{E(r.choice(["Recent activity", "Latest orders", "Team", "Alerts"]))}</h3>{"".join(rows)}</div>'
    out.append(f'<div class="row" style="align-items:stretch;flex-wrap:nowrap">{chart}{lst}</div>')
    return "".join(out)


def k_kiosk(b):
    r, T = b.r, b.T
    fs = T["fs"]
    status = "".join(b.icon(r.choice(["wifi", "battery", "volume", "bluetooth", "globe"]), size=round(fs * 1.1), color=T["nav_fg"]) for _ in range(r.randint(0, 3)))
    top = (f'<div class="nav" style="padding:{round(fs * .6)}px {round(fs)}px">'
           f'{b.icon_button("left", faced=r.random() < .6) if r.random() < .5 else ""}'
           f'<span style="font-size:1.3em;font-weight:700">{E(r.choice(TITLES + TILE_LABELS))}</span><div class="sp"></div>'
           f'{status}<span style="margin-left:12px">{r.randint(7, 22)}:{r.randint(0, 59):02d}</span></div>') if r.random() < .8 else ""
    mode = r.random()
    if mode < 0.55:
        n = r.choice([2, 3, 4, 4, 6, 6, 8, 9])
        cols = {2: 2, 3: 3, 4: r.choice([2, 4]), 6: 3, 8: 4, 9: 3}[n]
        tiles = []
        colored = r.random() < 0.5
        for lab in r.sample(TILE_LABELS, n):
            st = ""
            if colored:
                c = hsl(r.uniform(0, 360), r.uniform(50, 80), r.uniform(35, 55))
                st = f"background:{c};color:{on_color(c)};border-color:{c};"
            st += f"min-height:{min(240, round(b.vh / (n / cols + 1.5)))}px;font-size:{r.choice([1, 1.2, 1.4])}em;"
            tiles.append(b.button(lab, r.choice(["p", "s"]), icon=r.choice(ICON_NAMES) if r.random() < .8 else None, size="col",
                                  tag=r.choice(["button", "div", "a"]), style=st, isz=round(fs * r.uniform(1.5, 3.2))))
        pd = r.choice([16, 24, 32])
        body = f'<div style="display:grid;grid-template-columns:repeat({cols},1fr);gap:{r.choice([10, 16, 24])}px;padding:{pd}px">{"".join(tiles)}</div>'
        if r.random() < 0.5:
            body = f'<div style="padding:{pd}px {pd}px 0"><h1 style="margin:0">{E(r.choice(TITLES + ["Welcome", "How can we help?", "Please choose", "Willkommen", "Bienvenue"]))}</h1>{b.para(0.2, "muted") if r.random() < .5 else ""}</div>' + body
        if r.random() < 0.5:
            foot = [b.button(kind="s", icon=r.choice([None, "left"]), size=r.choice(["", "big"])), '<div class="sp"></div>']
            for _ in range(r.randint(0, 3)):
                foot.append(b.icon_button(r.choice(["globe", "help", "volume", "home", "user"]), size=r.choice(["", "big"])))
            if r.random() < .4:
                foot.append(b.link(r.choice(["Need help?", "Accessibility", "Deutsch", "English", "Français"])))
            body += f'<div class="row" style="padding:0 {pd}px {pd}px;flex-wrap:nowrap">{"".join(foot)}</div>'
    elif mode < 0.8:
        # choice list + big toggles / options
        rows = []
        for lab in r.sample(SETTINGS + TILE_LABELS, r.randint(2, 5)):
            c = r.random()
            ctrl = (b.toggle() if c < .35 else b.checkbox(label="") if c < .5 else b.slider(r.randint(160, 300)) if c < .65
                    else b.select(width=f"{r.randint(140, 240)}px") if c < .75 else b.button(kind="s", size="big") if c < .88 else b.icon(size=round(fs * 1.3)))
            rows.append(f'<div class="srow" style="font-size:1.1em"><div class="grow">{E(lab)}</div>{ctrl}</div>')
        body = (f'<div style="padding:{r.choice([16, 24, 40])}px;max-width:900px;margin:0 auto"><h1>{E(r.choice(TITLES))}</h1>{"".join(rows)}'
                f'<div class="row" style="justify-content:space-between;margin-top:20px">{b.button(kind="s", size="big", icon=r.choice([None, "left"]))}{b.button(kind="p", size="big", icon=r.choice([None, "right", "check"]))}</div></div>')
    else:
        # big product grid with prices and +/- steppers
        items = []
        for p in r.sample(PRODUCTS, r.randint(3, 6)):
            items.append(f'<div class="card col" style="align-items:center;text-align:center">{b.image(round(fs * 5), round(fs * 4), "10px")}'
                         f'<div style="font-weight:600">{E(p)}</div><div class="muted">€{r.randint(1, 30)}.{r.choice(["00", "50", "90", "99"])}</div>'
                         f'<div class="row" style="justify-content:center">{b.button("−", "s", tag="button")}<span style="min-width:1.5em">{r.randint(0, 3)}</span>{b.button("+", "s", tag="button")}</div></div>')
        body = (f'<div style="padding:20px"><div style="display:grid;grid-template-columns:repeat({r.choice([3, 4])},1fr);gap:16px">{"".join(items)}</div>'
                f'<div class="row" style="justify-content:flex-end;margin-top:16px"><span style="font-size:1.3em;font-weight:700">Total €{r.randint(5, 80)}.00</span>{b.button(r.choice(["Pay now", "Checkout", "Order"]), "p", size="big", icon="cart")}</div></div>')
    return top + body


def k_keypad(b):
    r, T = b.r, b.T
    calc = r.random() < 0.45
    if calc:
        keys = ["C", "±", "%", "÷", "7", "8", "9", "×", "4", "5", "6", "−", "1", "2", "3", "+", "0", ".", "⌫", "="]
        cols = 4
    else:
        last = r.choice([["✕", "0", "✓"], ["←", "0", "→"], ["C", "0", "⌫"], ["*", "0", "#"], ["⌫", "0", "OK"]])
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"] + last
        cols = 3
        if r.random() < 0.3:
            keys = keys[:9] + ["⚙", "0", "☰"] if r.random() < .5 else keys
    keyb = []
    for k in keys:
        kind = "p" if k in ("=", "✓", "OK", "→") else "d" if k in ("✕", "C") and r.random() < .5 else "s"
        keyb.append(b.button(k, kind, tag=r.choice(["button", "button", "div"])))
    kw = r.randint(220, 380)
    pad = f'<div class="kp" style="grid-template-columns:repeat({cols},1fr);width:{kw}px">{"".join(keyb)}</div>'
    if r.random() < 0.6:
        disp = b.field("PIN", r.choice(["", "1234", "42", "3.14159", "0"]), r.choice(["Enter PIN", "0", "Amount"]), "text" if calc or r.random() < .5 else "password", width="100%")
    else:
        disp = f'<div style="font-size:2em;text-align:right;padding:8px 12px;background:{T["surface2"]};border-radius:{min(T["radius"], 12)}px;font-family:{MONO[0]!r}">{r.randint(0, 99999)}</div>'
    side = ""
    if r.random() < 0.6:
        side = (f'<div class="col" style="gap:12px;min-width:200px">'
                f'<h2>{E(r.choice(["Enter your PIN", "Amount", "Room number", "Calculator", "Code eingeben", "Table number"]))}</h2>'
                f'{b.para(0.2, "muted")}{b.button(kind="s", size="big", full=True)}{b.button(kind="p", size="big", full=True)}</div>')
    body = (f'<div class="row" style="justify-content:center;align-items:flex-start;gap:{r.choice([24, 40, 64])}px;padding:{r.choice([16, 24, 40])}px;flex-wrap:nowrap">'
            f'<div class="card col" style="width:{kw + 40}px">{disp}{pad}</div>{side}</div>')
    top = ""
    if r.random() < 0.5:
        top = (f'<div class="nav">{b.icon_button(r.choice(["left", "home", "close"]), faced=r.random() < .5)}'
               f'<span style="font-weight:700;font-size:1.2em">{E(r.choice(TITLES))}</span><div class="sp"></div>'
               f'{b.icon_button(r.choice(["help", "gear", "globe"]))}</div>')
    return top + body


def k_wizard(b):
    r, T = b.r, b.T
    n = r.randint(3, 5)
    cur = r.randrange(n)
    st = []
    for i in range(n):
        done = i <= cur
        c = T["accent"] if done else T["surface2"]
        st.append(f'<div class="dot" style="background:{c};color:{on_color(c) if done else T["muted"]}">{i + 1}</div>')
        if r.random() < .5:
            st.append(f'<span class="small {"" if done else "muted"}">{E(r.choice(["Account", "Details", "Payment", "Review", "Network", "Finish", "Welcome"]))}</span>')
        if i < n - 1:
            st.append(f'<div class="ln" style="background:{T["accent"] if i < cur else T["border"]}"></div>')
    steps = f'<div class="steps">{"".join(st)}</div>' if r.random() < .7 else f'<div style="margin-bottom:14px">{b.progress()}</div>'
    body = [f'<h2>{E(r.choice(TITLES))}</h2>', b.para(0.3, "muted")]
    c = r.random()
    if c < 0.4:
        name = b.nid()
        sel = r.randrange(3)
        opts = []
        for i in range(r.randint(2, 4)):
            opts.append(f'<div class="card row" style="flex-wrap:nowrap;margin-bottom:8px;{"border-color:" + T["accent"] if i == sel else ""}">'
                        f'{b.checkbox("", i == sel, radio=True, name=name)}<div class="grow"><div style="font-weight:600">{E(r.choice(["Basic", "Standard", "Premium", "Express", "Custom", "Recommended"]))}</div>'
                        f'<div class="small muted">{E(b.words(4, 10))}</div></div>{r.choice(["", b.badge(), "<b>€" + str(r.randint(5, 99)) + "</b>"])}</div>')
        body.append("".join(opts))
    elif c < 0.75:
        grid = []
        for l, v in r.sample(FIELDS, r.randint(2, 6)):
            grid.append(f'<div class="fg"><label>{E(l)}</label>{b.field(l, v if r.random() < .5 else None, width="100%")}</div>')
        if r.random() < .4:
            grid.append(f'<div class="fg"><label>{E(r.choice(["Country", "Plan", "Language"]))}</label>{b.select(width="100%")}</div>')
        body.append(f'<div style="display:grid;grid-template-columns:repeat({r.choice([1, 2, 2])},1fr);gap:0 16px">{"".join(grid)}</div>')
    else:
        for lab in r.sample(SETTINGS, r.randint(2, 5)):
            body.append(f'<div class="fg">{b.checkbox(lab) if r.random() < .6 else b.toggle(label=lab)}</div>')
    if r.random() < 0.5:
        body.append(f'<div class="fg">{b.checkbox("", False)} </div>'.replace("<span></span>", "") if False else
                    f'<div class="fg"><span class="chk">{b.checkbox("", r.random() < .5)}<span>I agree to the {b.link("Terms of Service")} and {b.link("Privacy Policy")}</span></span></div>')
    back = b.button(r.choice(["Back", "Previous", "Zurück"]), "s", icon="left" if r.random() < .3 else None)
    nxt = b.button(r.choice(["Next", "Continue", "Finish", "Weiter"]), "p", icon="right" if r.random() < .3 else None)
    skip = b.link(r.choice(["Skip", "Skip for now", "Cancel"])) if r.random() < .3 else ""
    body.append(f'<div class="row" style="justify-content:space-between;margin-top:18px">{back}<div class="row">{skip}{nxt}</div></div>')
    w = r.randint(460, 760)
    return f'<div style="display:flex;justify-content:center;padding:{r.choice([16, 24, 40])}px"><div class="card" style="width:{w}px;max-width:96vw">{steps}{"".join(body)}</div></div>'


def k_admin(b):
    r = b.r
    out = []
    if r.random() < 0.5:
        bc = f'<span class="muted"> {r.choice(["/", "›", ">"])} </span>'.join([b.link(x) for x in r.sample(NAV, r.randint(1, 2))] + [f"<span>{E(r.choice(NAV))}</span>"])
        out.append(f'<div class="small" style="margin-bottom:8px">{bc}</div>')
    title_row = [f'<h2 style="margin:0">{E(r.choice(["Users", "Orders", "Devices", "Products", "Invoices", "Tickets", "Members", "Jobs"]))}</h2>', '<div class="sp"></div>']
    title_row.append(b.maybe_dd(b.button(kind="s", icon=r.choice([None, "download", "more"])))) if r.random() < .5 else None
    title_row.append(b.button(r.choice(["Add user", "New", "Create", "Add device", "+ Add", "Invite"]), "p", icon=r.choice([None, "plus"])))
    out.append(f'<div class="row" style="margin-bottom:12px;flex-wrap:nowrap">{"".join(title_row)}</div>')
    tb = [b.search()]
    for _ in range(r.randint(0, 2)):
        tb.append(b.select())
    if r.random() < .4:
        tb.append(b.icon_button(r.choice(["filter", "refresh", "download", "print", "grid", "list"]), faced=True))
    if r.random() < .3:
        tb.append(b.tabs(r.sample(["All", "Active", "Pending", "Archived", "Mine"], r.randint(2, 4))))
    out.append(f'<div class="row" style="margin-bottom:10px">{"".join(tb)}</div>')
    cols = r.sample(["Email", "Status", "Role", "Created", "Amount", "Location", "Last seen", "Qty"], r.randint(2, 4))
    sel_col = r.random() < 0.6
    acts = r.choice(["buttons", "icons", "faced", "links", "menu"])
    th = (f"<th>{b.checkbox('', False)}</th>" if sel_col else "") + f"<th>{E(r.choice(['Name', 'Device', 'Product', 'Customer']))}</th>" + "".join(f"<th>{E(c)}</th>" for c in cols) + "<th></th>"
    trs = []
    for i in range(r.randint(4, 14)):
        nm = r.choice(NAMES + PRODUCTS)
        cells = []
        if sel_col:
            cells.append(f"<td>{b.checkbox('', r.random() < .25)}</td>")
        cells.append(f"<td>{b.link(nm) if r.random() < .6 else E(nm)}</td>")
        for c in cols:
            if c == "Status":
                v = b.badge() if r.random() < .7 else (b.toggle() if r.random() < .4 else E(r.choice(STATUSES)))
            elif c == "Email":
                v = E(nm.split()[0].lower() + "@example.com")
            elif c in ("Created", "Last seen"):
                v = f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
            elif c == "Amount":
                v = f"€{r.randint(1, 999)}.{r.randint(0, 99):02d}"
            elif c == "Qty":
                v = str(r.randint(0, 99))
            else:
                v = E(r.choice(["Admin", "Editor", "Viewer", "Berlin", "Paris", "Tokyo", "Owner"]))
            cells.append(f"<td>{v}</td>")
        if acts == "buttons":
            a = b.button(r.choice(["Edit", "View", "Open"]), "s", size="sm") + " " + (b.button(r.choice(["Delete", "Remove"]), "d", size="sm") if r.random() < .7 else "")
        elif acts == "icons":
            a = "".join(b.icon_button(n, faced=False) for n in r.sample(["edit", "trash", "eye", "download", "more"], r.randint(1, 3)))
        elif acts == "faced":
            a = "".join(b.icon_button(n, faced=True, size="sm") for n in r.sample(["edit", "trash", "eye", "refresh"], r.randint(1, 3)))
        elif acts == "links":
            a = " · ".join(b.link(x) for x in r.sample(["Edit", "View", "Delete", "Reset"], r.randint(1, 2)))
        else:
            a = b.icon_button("morev", faced=r.random() < .3)
            if i == 1 and b.dd_pending:
                b.dd_pending = False
                a = f'<div class="ddw">{a}{b.menu_list(r.sample(MENU_ITEMS, r.randint(3, 5)), style="left:auto;right:0", seps=True)}</div>'
        cells.append(f'<td style="text-align:right"><div class="row" style="gap:6px;justify-content:flex-end;flex-wrap:nowrap">{a}</div></td>')
        trs.append("<tr>" + "".join(cells) + "</tr>")
    out.append(f'<div class="card" style="padding:0;overflow:hidden"><table class="tbl"><thead><tr>{th}</tr></thead><tbody>{"".join(trs)}</tbody></table></div>')
    pg = [f'<span class="small muted">{r.randint(1, 9)}–{r.randint(10, 50)} of {r.randint(50, 900)}</span>', '<div class="sp"></div>']
    if r.random() < .5:
        pg.append(f'<span class="small">Rows</span>{b.select(SELECT_SETS[11])}')
    pgb = [b.button("‹", "s", size="sm", tag="button")] + [b.button(str(k), "p" if k == 1 else "s", size="sm", tag="button") for k in range(1, r.randint(3, 6))] + [b.button("›", "s", size="sm", tag="button")]
    pg.append(f'<div class="row" style="gap:4px">{"".join(pgb)}</div>')
    out.append(f'<div class="row" style="margin-top:10px;flex-wrap:nowrap">{"".join(pg)}</div>')
    return "".join(out)


def k_launcher(b):
    r, T = b.r, b.T
    fs = T["fs"]
    n = r.randint(6, 18)
    size = round(fs * r.uniform(2.8, 4.2))
    apps = "".join(f'<div class="col" style="align-items:center;gap:6px;width:{size + 40}px;text-align:center">{b.app_icon(size)}<span class="small">{E(r.choice(TILE_LABELS + NAV))}</span></div>' for _ in range(n))
    top = f'<div class="row" style="justify-content:center;margin:16px 0 24px">{b.search(f"{r.randint(260, 420)}px")}</div>' if r.random() < .6 else f"<h1>{E(r.choice(['Apps', 'Home', 'Start', 'Services']))}</h1>"
    dock = ""
    if r.random() < .5:
        dock = (f'<div class="row" style="position:fixed;bottom:12px;left:50%;transform:translateX(-50%);background:{rgba(T["surface2"], .85)};padding:8px 14px;border-radius:18px;gap:12px;flex-wrap:nowrap">'
                f'{"".join(b.app_icon(round(size * .8)) for _ in range(r.randint(3, 7)))}</div>')
    return f'<div style="padding:{r.choice([16, 32, 48])}px">{top}<div class="row" style="gap:{r.choice([14, 20, 28])}px;align-items:flex-start">{apps}</div></div>{dock}'


def k_form(b):
    r = b.r
    out = [f'<h1>{E(r.choice(["Contact us", "Edit profile", "New order", "Register device", "Feedback", "Book a room", "Shipping address"]))}</h1>', b.para(0.4, "muted")]
    grid = []
    for l, v in r.sample(FIELDS, r.randint(2, 6)):
        grid.append(f'<div class="fg"><label>{E(l)}</label>{b.field(l, v if r.random() < .5 else None, width="100%")}</div>')
    if r.random() < .6:
        grid.append(f'<div class="fg"><label>{E(r.choice(["Country", "Category", "Priority", "Department"]))}</label>{b.select(width="100%")}</div>')
    out.append(f'<div style="display:grid;grid-template-columns:repeat({r.choice([1, 2, 2, 3])},1fr);gap:0 16px">{"".join(grid)}</div>')
    if r.random() < .6:
        out.append(f'<div class="fg"><label>{E(r.choice(["Message", "Comment", "Notes", "Description"]))}</label>{b.textarea(width="100%")}</div>')
    if r.random() < .5:
        out.append(f'<div class="fg"><label>{E(r.choice(["Plan", "Size", "Delivery", "Contact by"]))}</label>{b.radios(r.choice(SELECT_SETS)[:r.randint(2, 4)])}</div>')
    if r.random() < .4:
        out.append(f'<div class="fg"><label>{E(r.choice(SLIDERS))}</label><div class="row">{b.slider()}<span class="muted">{r.randint(0, 100)}</span></div></div>')
    for lab in r.sample(SETTINGS, r.randint(0, 3)):
        out.append(f'<div class="fg">{b.checkbox(lab)}</div>')
    btns = [b.button(kind="p"), b.button(kind="s")]
    if r.random() < .5:
        btns = btns[::-1]
    if r.random() < .3:
        btns.append(b.button("Browse…", "s", icon="upload"))
    out.append(f'<div class="row" style="margin-top:12px">{"".join(btns)}</div>')
    w = r.randint(480, 900)
    inner = "".join(out)
    if r.random() < .6:
        inner = f'<div class="card">{inner}</div>'
    return f'<div style="padding:{r.choice([16, 24, 32])}px;max-width:{w}px">{inner}</div>'


API_OBJS = ["fs", "http", "stream", "buffer", "server", "socket", "filehandle", "path", "url",
            "crypto", "process", "worker", "request", "response", "agent", "cache", "db", "client"]
API_VERBS = ["read", "write", "open", "close", "stat", "chmod", "listen", "connect", "append",
             "createReadStream", "setTimeout", "getHeader", "end", "pipe", "destroy", "sync",
             "watch", "resolve", "encode", "digest", "send", "flush", "lookup", "ref", "unref"]
API_ARGS = ["path", "fd", "buffer", "options", "callback", "mode", "uid", "gid", "data",
            "encoding", "port", "host", "msecs", "name", "value", "signal", "length", "position"]
DOC_TOPICS = ["Assertion testing", "Async hooks", "Buffer", "C++ addons", "Child processes",
              "Cluster", "Command-line options", "Console", "Crypto", "Debugger", "DNS",
              "Errors", "Events", "File system", "Globals", "HTTP", "Modules", "Net", "OS",
              "Path", "Performance hooks", "Process", "Readline", "Stream", "Timers", "TLS/SSL",
              "URL", "Utilities", "Worker threads", "Zlib", "Getting started", "Tutorial",
              "Installation", "Configuration", "FAQ", "Release notes", "Manual", "Reference"]


def api_name(r):
    """A documentation page's API entry: ``obj.verb(a[, b])``, ``Class: X``, ``Event: 'x'``."""
    k = r.random()
    if k < 0.65:
        args = r.sample(API_ARGS, r.randint(0, 3))
        a = ", ".join(args)
        if len(args) > 1 and r.random() < 0.5:
            a = f"{', '.join(args[:-1])}[, {args[-1]}]"
        return f"{r.choice(API_OBJS)}.{r.choice(API_VERBS)}({a})"
    if k < 0.8:
        return f"{r.choice(API_OBJS)}.{r.choice(API_ARGS)}"
    if k < 0.9:
        return f"Class: {r.choice(API_OBJS).capitalize()}{r.choice(['', 'Handle', 'Stream', 'Error'])}"
    return f"Event: '{r.choice(['close', 'data', 'end', 'error', 'open', 'ready', 'change'])}'"


def k_docs(b):
    """A documentation page (API docs, a manual): a sidebar of plain text links, a
    table of contents of nested lists of links (often code-styled, long, with
    spaces and brackets), paragraphs with inline links, code blocks.  Plain text
    links are ``link``; styled navigation rows stay ``menu_item`` (sidebar())."""
    r, T = b.r, b.T
    fs = T["fs"]
    mono = r.choice(["DejaVu Sans Mono", "Liberation Mono", "Noto Mono", "monospace"])
    code_links = r.random() < 0.6
    under = r.random() < 0.5
    lc = T["accent_text"]

    def a(text, code=False, style=""):
        inner = f'<code style="font-family:\'{mono}\',monospace;font-size:.92em">{E(text)}</code>' if code else E(text)
        deco = "underline" if under else "none"
        return (f'<a href="#" data-cls="link" style="color:{lc};text-decoration:{deco};'
                f'white-space:nowrap;{style}">{inner}</a>')

    def toc(depth):
        items = []
        for _ in range(r.randint(2, 6) if depth else r.randint(3, 7)):
            t = api_name(r) if (depth or r.random() < 0.5) else r.choice(DOC_TOPICS)
            sub = toc(depth + 1) if depth < 2 and r.random() < 0.3 else ""
            # code-styled: every entry with a "." (calls and properties), and with
            # code_links also one with a "(" (none without a "." are drawn)
            code = (code_links and "(" in t) or "." in t
            items.append(f'<li style="margin:{r.choice([2, 4, 6])}px 0">{a(t, code)}{sub}</li>')
        style = r.choice(["disc", "square", "circle", "none"])
        return f'<ul style="list-style:{style};padding-left:{r.choice([18, 24, 32])}px;margin:4px 0">{"".join(items)}</ul>'

    out = []
    # the sidebar: plain links in a column, on the page's or a dark background
    side = ""
    if r.random() < 0.7:
        dark = r.random() < 0.5
        bg = hsl(r.uniform(190, 230), r.uniform(5, 25), r.uniform(12, 24)) if dark else T["surface"]
        fg = "#e6e6e6" if dark else lc
        deco = "underline" if r.random() < 0.6 else "none"
        links = []
        for t in r.sample(DOC_TOPICS, r.randint(6, 18)):
            links.append(f'<li style="padding:{r.choice([2, 4, 6, 8])}px 0"><a href="#" data-cls="link" '
                         f'style="color:{fg};text-decoration:{deco};white-space:nowrap">{E(t)}</a></li>')
        side = (f'<div style="background:{bg};width:{r.randint(170, 260)}px;padding:{r.choice([8, 12, 16])}px;'
                f'flex:none;min-height:100vh"><ul style="list-style:none;margin:0;padding:0">{"".join(links)}</ul></div>')
    out.append(f'<h1>{E(r.choice(DOC_TOPICS))}</h1>')
    if r.random() < 0.5:
        out.append(f'<div class="muted small">Stability: {r.randint(0, 3)} - {r.choice(["Stable", "Experimental", "Deprecated", "Legacy"])}</div>')
    out.append(b.para(0.5))
    if r.random() < 0.8:
        if r.random() < 0.6:
            out.append(f'<h3>{r.choice(["Table of contents", "Contents", "On this page", "Index"])}</h3>')
        out.append(toc(0))
    for _ in range(r.randint(1, 3)):
        out.append(f'<h2>{a(api_name(r), True, "color:inherit;text-decoration:none") if r.random() < 0.2 else E(api_name(r))}</h2>')
        if r.random() < 0.5:
            out.append(f'<div class="muted small">Added in: v{r.randint(0, 20)}.{r.randint(0, 12)}.0</div>')
        out.append(b.para(0.6))
        if r.random() < 0.5:
            code = "<br>".join(E(f"const {r.choice(API_ARGS)} = {api_name(r)};") for _ in range(r.randint(1, 4)))
            out.append(f'<pre style="background:{T["surface2"]};padding:10px;font-family:\'{mono}\',monospace;font-size:.9em">{code}</pre>')
    main = f'<div style="padding:{r.choice([12, 20, 32])}px;max-width:{r.randint(600, 1000)}px;font-size:{fs}px">{"".join(out)}</div>'
    return f'<div style="display:flex;align-items:stretch">{side}<div style="flex:1;min-width:0">{main}</div></div>'


def k_prose(b):
    """A documentation article: headings and paragraphs of running text with links
    inside the sentences (one to four a paragraph), in the styles real sites use:
    underlined or not, dotted or solid bottom borders, an underline of another
    colour, code-styled names; beside them unlinked inline code, bold and italic
    words, which are not links.  Optional breadcrumb links and a sidebar of links."""
    r, T = b.r, b.T
    fs = T["fs"]
    mono = r.choice(["DejaVu Sans Mono", "Liberation Mono", "Noto Mono", "monospace"])
    serif = r.random() < 0.3
    lc = r.choice([T["accent_text"], "#0645ad", "#2980b9", "#0b6e99", "#1a5e8a", "#3366cc",
                   "#0072b8", "#196f9e", "#8e44ad", "#b52a1c"]) if not T.get("dark") else T["accent_text"]
    style = r.choice(["underline", "none", "border", "dotted", "deco_color"])
    code_bg = T["surface2"]

    def a(text, code=False):
        inner = (f'<code style="font-family:\'{mono}\',monospace;font-size:.92em;'
                 f'{"background:" + code_bg + ";padding:0 2px" if r.random() < .5 else ""}">{E(text)}</code>'
                 if code else E(text))
        deco = {"underline": "text-decoration:underline",
                "none": "text-decoration:none",
                "border": f"text-decoration:none;border-bottom:1px solid {lc}",
                "dotted": f"text-decoration:none;border-bottom:1px dotted {lc}",
                "deco_color": f"text-decoration:underline;text-decoration-color:{T['muted']}"}[style]
        return f'<a href="#" data-cls="link" style="color:{lc};{deco};white-space:nowrap">{inner}</a>'

    def words(n0, n1):
        return " ".join(r.choice(WORDS) for _ in range(r.randint(n0, n1)))

    def not_link():
        k = r.random()
        if k < 0.4:
            return (f'<code style="font-family:\'{mono}\',monospace;font-size:.92em;background:{code_bg};'
                    f'padding:0 2px">{E(api_name(r) if r.random() < .6 else r.choice(API_ARGS))}</code>')
        if k < 0.7:
            return f"<b>{E(words(1, 3))}</b>"
        return f"<i>{E(words(1, 3))}</i>"

    def sentence():
        parts = [words(3, 10)]
        for _ in range(r.choice([0, 0, 1, 1, 2])):
            if r.random() < 0.55:
                t = r.choice([api_name(r), r.choice(DOC_TOPICS).lower(), r.choice(LINK_TEXTS).lower(),
                              words(1, 3)])
                parts.append(a(t, code=("(" in t or "." in t) and r.random() < .8))
            else:
                parts.append(not_link())
            parts.append(words(1, 8))
        return parts[0][:1].upper() + " ".join(parts)[1:] + r.choice([".", ".", ".", ":", ";"])

    def para():
        return "<p>" + " ".join(sentence() for _ in range(r.randint(2, 5))) + "</p>"

    out = []
    if r.random() < 0.5:
        out.append('<div class="small" style="margin-bottom:8px">' + ' <span class="muted">»</span> '.join(
            a(t) for t in r.sample(DOC_TOPICS, r.randint(1, 3))) + "</div>")
    out.append(f'<h1>{E(r.choice(DOC_TOPICS))}</h1>')
    for _ in range(r.randint(2, 4)):
        for _ in range(r.randint(1, 3)):
            out.append(para())
        if r.random() < 0.3:
            items = "".join(f"<li>{sentence()}</li>" for _ in range(r.randint(2, 4)))
            out.append(f"<ul>{items}</ul>")
        if r.random() < 0.3:
            code = "<br>".join(E(f"$ {r.choice(API_ARGS)} {api_name(r)}") for _ in range(r.randint(1, 3)))
            out.append(f'<pre style="background:{code_bg};padding:10px;font-family:\'{mono}\',monospace;font-size:.9em">{code}</pre>')
        out.append(f'<h2>{E(r.choice(DOC_TOPICS))}</h2>')
    side = ""
    if r.random() < 0.5:
        links = "".join(f'<li style="padding:{r.choice([2, 3, 5])}px 0">{a(t)}</li>'
                        for t in r.sample(DOC_TOPICS, r.randint(5, 14)))
        side = (f'<div style="width:{r.randint(170, 250)}px;padding:{r.choice([8, 12, 16])}px;flex:none">'
                f'<ul style="list-style:none;margin:0;padding:0">{links}</ul></div>')
    fam = "font-family:'DejaVu Serif','Liberation Serif',serif;" if serif else ""
    main = (f'<div style="padding:{r.choice([12, 20, 32])}px;max-width:{r.randint(600, 1000)}px;'
            f'font-size:{fs}px;line-height:{r.choice([1.35, 1.45, 1.6])};{fam}">{"".join(out)}</div>')
    return f'<div style="display:flex;align-items:stretch">{side}<div style="flex:1;min-width:0">{main}</div></div>'


KINDS = [("login", k_login, 12), ("settings", k_settings, 16), ("dashboard", k_dashboard, 13),
         ("kiosk", k_kiosk, 12), ("keypad", k_keypad, 8), ("wizard", k_wizard, 9),
         ("admin", k_admin, 14), ("launcher", k_launcher, 5), ("form", k_form, 9)]


#: page kinds only ``--kind`` asks for (outside KINDS, so the seeds of a plain run
#: draw the pages they always drew)
EXTRA_KINDS = {"docs": k_docs, "prose": k_prose}


def build_page(seed, only=None):
    r = random.Random(seed)
    vw, vh = wpick(r, VIEWPORTS)
    dsf = r.choice(DSFS)
    kname, kfun, _ = r.choices(KINDS, weights=[k[2] for k in KINDS])[0]
    if only:
        kname, kfun = only, EXTRA_KINDS.get(only) or dict((k[0], k[1]) for k in KINDS)[only]
    T = make_theme(r, kname)
    if vw <= 800 and T["fs"] > 18:
        T["fs"] = r.choice([16, 18])
    css = theme_css(T, r)
    b = B(r, T, vw, vh)
    want_modal = r.random() < 0.16
    b.dd_pending = (not want_modal) and r.random() < 0.3
    nav = kname not in ("login", "kiosk", "keypad", "launcher") and r.random() < 0.65
    side = kname in ("settings", "dashboard", "admin", "form") and r.random() < 0.4
    head = header(b, kname) if nav else ""
    main = kfun(b)
    sb = sidebar(b) if side else ""
    pad = r.choice([12, 16, 24, 32]) if kname in ("settings", "dashboard", "admin") else 0
    body = f'{head}<div style="display:flex;align-items:stretch">{sb}<main style="flex:1;min-width:0;padding:{pad}px">{main}</main></div>'
    if b.dd_pending:
        # context menu floating somewhere
        x, y = r.randint(20, max(21, vw - 260)), r.randint(20, max(21, vh - 250))
        body += (f'<div style="position:fixed;left:{x}px;top:{y}px;z-index:60">'
                 f'{b.menu_list(r.sample(MENU_ITEMS, r.randint(3, 8)), style="position:static", on=r.choice([None, 0, 1]), icons=r.random() < .3, shortcuts=r.random() < .4, seps=True)}</div>')
        b.dd_pending = False
        ctx_menu = True
    else:
        ctx_menu = False
    if want_modal:
        body += modal(b)
    scroll = r.randint(0, 200) if r.random() < 0.15 else 0
    doc = f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"
    meta = {"kind": kname, "style": T["family"], "palette": "dark" if T["dark"] else "light", "dpr": dsf,
            "viewport": [vw, vh], "font": T["font"], "fs": T["fs"], "cb": T["cb_style"], "toggle": T["sw_style"],
            "tabs": T["tab_style"], "modal": want_modal, "ctx_menu": ctx_menu, "scroll": scroll}
    return doc, meta, vw, vh, dsf, scroll


# ----------------------------------------------------------------------------- extraction
EXTRACT_JS = r"""
(scroll) => {
  if (scroll) window.scrollTo(0, scroll);
  const W = window.innerWidth, H = window.innerHeight, dpr = window.devicePixelRatio;
  const cv = document.createElement('canvas').getContext('2d');
  const out = [];
  const opCache = new Map();
  function opacityOf(e) {  // effective opacity, 0 when not rendered
    if (!e || e.nodeType !== 1) return 1;
    if (opCache.has(e)) return opCache.get(e);
    const cs = getComputedStyle(e);
    let op = (cs.display === 'none') ? 0 : parseFloat(cs.opacity) * opacityOf(e.parentElement);
    opCache.set(e, op);
    return op;
  }
  function hiddenChain(el) {
    if (getComputedStyle(el).visibility === 'hidden') return true;
    return opacityOf(el) < 0.3;
  }
  function hit(el, x, y) {
    if (x < 0 || y < 0 || x >= W || y >= H) return false;
    const h = document.elementFromPoint(x, y);
    return !!h && (h === el || el.contains(h));
  }
  function visFrac(el, r) {
    // fast path: centre and four inner corners all on the element -> fully visible
    const fx = [0.5, 0.1, 0.9, 0.1, 0.9], fy = [0.5, 0.1, 0.1, 0.9, 0.9];
    let all = true;
    for (let k = 0; k < 5 && all; k++) all = hit(el, r.left + fx[k] * r.width, r.top + fy[k] * r.height);
    if (all) return 1;
    const G = 4; let n = 0;
    for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) {
      const x = r.left + (i + 0.5) * r.width / G, y = r.top + (j + 0.5) * r.height / G;
      if (x < 0 || y < 0 || x >= W || y >= H) continue;
      const h = document.elementFromPoint(x, y);
      if (h && (h === el || el.contains(h))) n++;
    }
    return n / (G * G);
  }
  function textOf(el, cls) {
    if (el.dataset.text !== undefined) return el.dataset.text || null;
    const tag = el.tagName.toLowerCase();
    if (tag === 'input') {
      if (['checkbox', 'radio', 'range'].includes(el.type)) return null;
      return el.value || el.placeholder || null;
    }
    if (tag === 'textarea') return el.value || el.placeholder || null;
    if (tag === 'select') return el.selectedIndex >= 0 ? el.options[el.selectedIndex].text : null;
    if (['checkbox', 'radio', 'toggle', 'slider', 'icon'].includes(cls)) return null;
    const t = (el.innerText || '').replace(/\s+/g, ' ').trim();
    return t ? t.slice(0, 80) : (el.getAttribute('aria-label') || null);
  }
  for (const el of document.querySelectorAll('[data-cls]')) {
    const cls = el.dataset.cls;
    if (hiddenChain(el)) continue;
    let rects = [];
    const br = el.getBoundingClientRect();
    if (cls === 'link') {
      const rg = document.createRange(); rg.selectNodeContents(el);
      for (const q of rg.getClientRects()) if (q.width > 1 && q.height > 1) rects.push(q);
    } else if (cls === 'icon' && el.tagName.toLowerCase() === 'svg') {
      try {
        // tight ink box: union of the shapes' boxes, each grown by half its stroke
        const vb = el.viewBox.baseVal;
        const s = br.width / (vb && vb.width ? vb.width : br.width);
        const ox = vb ? vb.x : 0, oy = vb ? vb.y : 0;
        let ux0 = 1e9, uy0 = 1e9, ux1 = -1e9, uy1 = -1e9;
        for (const sh of el.querySelectorAll('path,circle,rect,line,polyline,polygon,ellipse')) {
          const bb = sh.getBBox();
          const cs = getComputedStyle(sh);
          const hw = cs.stroke !== 'none' ? parseFloat(cs.strokeWidth) / 2 : 0;
          ux0 = Math.min(ux0, bb.x - hw); uy0 = Math.min(uy0, bb.y - hw);
          ux1 = Math.max(ux1, bb.x + bb.width + hw); uy1 = Math.max(uy1, bb.y + bb.height + hw);
        }
        if (ux1 < ux0) { rects.push(br); } else {
          const x0 = Math.max(br.left, br.left + (ux0 - ox) * s), y0 = Math.max(br.top, br.top + (uy0 - oy) * s);
          const x1 = Math.min(br.right, br.left + (ux1 - ox) * s), y1 = Math.min(br.bottom, br.top + (uy1 - oy) * s);
          rects.push({left: x0, top: y0, right: x1, bottom: y1, width: x1 - x0, height: y1 - y0});
        }
      } catch (e) { rects.push(br); }
    } else if (cls === 'icon' && el.dataset.glyph) {
      // glyph ink box: canvas text metrics relative to the pen position / baseline,
      // which a zero-size inline-block marker placed before the text gives exactly
      const cs = getComputedStyle(el);
      cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const m = cv.measureText(el.textContent);
      const mk = document.createElement('span');
      mk.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline;margin:0;padding:0;border:0';
      el.insertBefore(mk, el.firstChild);
      const mr = mk.getBoundingClientRect();
      el.removeChild(mk);
      const base = mr.bottom;
      const x0 = mr.left - m.actualBoundingBoxLeft, x1 = mr.left + m.actualBoundingBoxRight;
      const y0 = base - m.actualBoundingBoxAscent, y1 = base + m.actualBoundingBoxDescent;
      rects.push({left: x0, top: y0, right: x1, bottom: y1, width: x1 - x0, height: y1 - y0});
    } else {
      rects.push(br);
    }
    let checked = null;
    if (cls === 'checkbox' || cls === 'radio' || cls === 'toggle') {
      if (el.dataset.checked !== undefined) checked = el.dataset.checked === '1';
      else if ('checked' in el) checked = !!el.checked;
    }
    const text = textOf(el, cls);
    for (const q of rects) {
      if (q.width <= 0 || q.height <= 0) continue;
      const f = visFrac(el, q);
      if (f < 0.6) continue;
      out.push({cls, x0: q.left, y0: q.top, x1: q.right, y1: q.bottom, checked, text, vis: f});
    }
  }
  return {W, H, dpr, objs: out};
}
"""


def finalize(res, img_w, img_h, min_px=4):
    dpr = res["dpr"]
    objs = []
    for o in res["objs"]:
        x0 = max(0, math.floor(o["x0"] * dpr + 1e-3))
        y0 = max(0, math.floor(o["y0"] * dpr + 1e-3))
        x1 = min(img_w, math.ceil(o["x1"] * dpr - 1e-3))
        y1 = min(img_h, math.ceil(o["y1"] * dpr - 1e-3))
        if x1 - x0 < min_px or y1 - y0 < min_px:
            continue
        # visible-area check vs. the unclipped box (elementFromPoint already covers occlusion)
        full = max(1e-6, (o["x1"] - o["x0"]) * (o["y1"] - o["y0"]) * dpr * dpr)
        if (x1 - x0) * (y1 - y0) / full < 0.6:
            continue
        t = o.get("text")
        objs.append({"cls": o["cls"], "box": [x0, y0, x1, y1], "checked": o["checked"],
                     "text": t if t else None})
    return objs


def png_size(data):
    return struct.unpack(">II", data[16:24])


# ----------------------------------------------------------------------------- main loop
class Renderer:
    def __init__(self, pw):
        self.pw = pw
        self.browser = None
        self.ctx = None
        self.page = None
        self.cdp = None
        self.key = None

    def start(self):
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)

    def stop(self):
        for x in (self.ctx, self.browser):
            try:
                if x:
                    x.close()
            except Exception:  # noqa: BLE001, S110
                pass
        self.browser = self.ctx = self.page = self.cdp = None
        self.key = None

    def use(self, vw, vh, dsf):
        key = (vw, vh, dsf)
        if self.key == key:
            return
        if self.ctx:
            try:
                self.ctx.close()
            except Exception:  # noqa: BLE001, S110
                pass
        self.ctx = self.browser.new_context(viewport={"width": vw, "height": vh}, device_scale_factor=dsf,
                                            java_script_enabled=True, bypass_csp=True)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(20000)
        try:
            # our own metrics override on our own CDP session: lets us call
            # Page.captureScreenshot directly (optimizeForSpeed, ~2x faster than
            # page.screenshot) while keeping the device scale factor.
            self.cdp = self.ctx.new_cdp_session(self.page)
            self.cdp.send("Emulation.setDeviceMetricsOverride", {
                "width": vw, "height": vh, "deviceScaleFactor": dsf, "mobile": False})
        except Exception:  # noqa: BLE001
            self.cdp = None
        self.key = key

    def shot(self, vw, vh, dsf):
        if self.cdp is not None:
            try:
                r = self.cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
                png = base64.b64decode(r["data"])
                w, h = png_size(png)
                if abs(w - vw * dsf) <= 1 and abs(h - vh * dsf) <= 1:
                    return png
            except Exception:  # noqa: BLE001, S110
                pass
            self.cdp = None  # something is off: use Playwright's screenshot from now on
        return self.page.screenshot(type="png")

    def render(self, seed, only=None):
        doc, meta, vw, vh, dsf, scroll = build_page(seed, only)
        self.use(vw, vh, dsf)
        self.page.set_content(doc, wait_until="load")
        res = self.page.evaluate(EXTRACT_JS, scroll)
        if abs(res["dpr"] - dsf) > 1e-6:
            raise RuntimeError(f"devicePixelRatio {res['dpr']} != {dsf}")
        png = self.shot(vw, vh, dsf)
        iw, ih = png_size(png)
        objs = finalize(res, iw, ih)
        return png, {"width": iw, "height": ih, "source": "html", "seed": seed, "meta": meta, "objects": objs}


def plan_key(seed):
    r = random.Random(seed)
    vw, vh = wpick(r, VIEWPORTS)
    return (vw, vh, r.choice(DSFS))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/elements/html")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first index (default 0)")
    ap.add_argument("--restart-every", type=int, default=500)
    ap.add_argument("--html", action="store_true", help="also write NAME.html (debugging)")
    ap.add_argument("--kind", choices=sorted({k[0] for k in KINDS} | set(EXTRA_KINDS)),
                    help="only pages of this kind (docs: documentation pages, only drawn this way)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    os.makedirs(args.out, exist_ok=True)
    todo = [i for i in range(args.start, args.count)
            if not os.path.exists(os.path.join(args.out, f"{i:06d}.json"))]
    total = args.count - args.start
    already = total - len(todo)
    print(f"gen_html: {len(todo)} to render ({already} already done) -> {args.out}", flush=True)
    if not todo:
        return
    t0 = time.time()
    done = 0
    fails = 0
    with sync_playwright() as pw:
        rd = Renderer(pw)
        for bstart in range(0, len(todo), args.restart_every):
            block = todo[bstart:bstart + args.restart_every]
            # group by (viewport, dpr) so one context serves many pages
            block.sort(key=lambda i: (plan_key(args.seed * 1_000_003 + i), i))
            rd.stop()
            rd.start()
            for i in block:
                seed = args.seed * 1_000_003 + i
                name = os.path.join(args.out, f"{i:06d}")
                try:
                    png, ann = rd.render(seed, args.kind)
                except Exception as e:  # browser crash / timeout: restart and go on
                    fails += 1
                    print(f"sample {i} failed: {type(e).__name__}: {str(e)[:200]}", flush=True)
                    rd.stop()
                    rd.start()
                    if fails > 50 and fails > done:
                        raise
                    continue
                with open(name + ".png", "wb") as f:
                    f.write(png)
                if args.html:
                    with open(name + ".html", "w") as f:
                        f.write(build_page(seed, args.kind)[0])
                with open(name + ".json.tmp", "w") as f:
                    json.dump(ann, f, ensure_ascii=False)
                os.replace(name + ".json.tmp", name + ".json")
                done += 1
                if done % 50 == 0 or done == len(todo):
                    el = time.time() - t0
                    rate = done / el
                    eta = (len(todo) - done) / rate if rate > 0 else 0
                    print(f"{already + done}/{total}  {rate:.2f} screens/s  eta {eta / 60:.1f} min", flush=True)
        rd.stop()
    print(f"gen_html: done {done} in {time.time() - t0:.0f}s ({fails} failed)", flush=True)


if __name__ == "__main__":
    main()
