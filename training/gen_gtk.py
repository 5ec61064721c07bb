#!/usr/bin/python3
"""GTK 3 UI-element data generator (format: training/FORMAT.md).

Renders random but plausible GTK 3 screens built from real GTK widgets
(Debian's python3-gi, an offscreen window on an X display) and writes labels
taken from the toolkit: each widget's allocation, a notebook tab's label
allocation grown by the theme's tab padding, a check/radio's indicator as the
first blob of ink at the left of its allocation (the rules of
tests/data/elements/gtk_capture.py, which labels the real GTK screens).

    xvfb-run -a /usr/bin/python3 training/gen_gtk.py --out build/elements/gtk --count N --seed S

``--flavour icons`` adds the pictograms GTK apps show and lists around them:
header-bar title buttons, vertical toolbars, icons in entries, icon views,
rows of flat icon buttons, sidebars (their rows unlabelled, as on the real set).
``--flavour dialogs`` draws small dialogs (fields, checks, check lists, buttons)
pasted on a desktop colour, often at the screen's corner as under a bare X
server.  Without a flavour a seed draws the screen it drew before flavours existed.

Themes: only variants of the themes on the real-screen set are used
(Arc-Darker, Arc-Lighter, Greybird-dark, Materia-light, -compact,
-dark-compact, -light-compact), never Adwaita, HighContrast, Arc, Arc-Dark,
Greybird, Materia or Materia-dark themselves, so the real set stays unseen in
its exact look.  Sample i uses the seed ``S*1_000_003 + i``;
resumable (PNG first, then the JSON via tmp + rename; done indices skipped).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "data", "elements"))
from gtk_capture import indicator, slider_box, tighten  # noqa: E402  (the real set's rules)

SEED_MUL = 1_000_003
PROGRESS_EVERY = 50
#: (theme, tab padding): the GTK 3 themes Debian's arc-theme, greybird-gtk-theme and
#: materia-gtk-theme install that are not on the real set (a name without a gtk-3.0
#: folder would fall back to Adwaita, so check_themes() refuses to run without them)
THEMES = [("Arc-Darker", (12, 3)), ("Arc-Lighter", (12, 3)), ("Greybird-dark", (8, 2)),
          ("Arc-Lighter", (12, 3)), ("Greybird-dark", (8, 2)),
          ("Materia-light", (16, 8)), ("Materia-compact", (16, 4)),
          ("Materia-dark-compact", (16, 4)), ("Materia-light-compact", (16, 4)),
          ("Materia-compact", (16, 4)), ("Arc-Darker", (12, 3)), ("Greybird-dark", (8, 2))]
THEME_DIRS = ("/usr/share/themes", os.path.expanduser("~/.themes"), os.path.expanduser("~/.local/share/themes"))


def check_themes() -> list[str]:
    """The THEMES names GTK 3 would not find (it would draw them as Adwaita)."""
    return sorted({t for t, _ in THEMES
                   if not any(os.path.isdir(os.path.join(d, t, "gtk-3.0")) for d in THEME_DIRS)})
FONTS = ["DejaVu Sans", "Liberation Sans", "Nimbus Sans", "Noto Sans Mono", "DejaVu Serif",
         "URW Gothic", "Liberation Serif"]
WORDS = ["OK", "Cancel", "Apply", "Save", "Open", "Close", "Delete", "Add", "Remove", "Edit",
         "Start", "Stop", "Next", "Back", "Refresh", "Connect", "Login", "Send", "Print",
         "Export", "Import", "Reset", "Help", "Settings", "Details", "Search", "Run", "Retry",
         "Skip", "Finish", "Install", "Update", "Browse…", "Preferences", "Yes", "No"]
LABELS = ["Name", "Password", "Email", "Server", "Port", "User", "Host", "Path", "Timeout",
          "Volume", "Brightness", "Language", "Mode", "Interval", "Device", "Address",
          "Username", "PIN", "Phone", "City", "Quantity", "Speed", "Level", "Channel"]
OPTIONS = ["Enable logging", "Remember me", "Auto update", "Show hidden files", "Dark mode",
           "Notifications", "Use proxy", "Start on boot", "Wrap lines", "Sound", "Wi-Fi",
           "Bluetooth", "Compact view", "Send reports", "Lock screen", "Fullscreen"]
TABS = ["General", "Display", "Network", "Advanced", "About", "Files", "Editor", "Fonts",
        "Audio", "Users", "Security", "Plugins", "Page 1", "Page 2", "Page 3", "Status"]
MENUS = ["File", "Edit", "View", "Search", "Tools", "Document", "Help", "Window", "Go",
         "Project", "Options", "History"]
ICONS = ["document-open-symbolic", "document-save-symbolic", "edit-copy-symbolic",
         "edit-delete-symbolic", "list-add-symbolic", "list-remove-symbolic",
         "go-previous-symbolic", "go-next-symbolic", "view-refresh-symbolic",
         "system-search-symbolic", "open-menu-symbolic", "preferences-system-symbolic",
         "media-playback-start-symbolic", "media-playback-stop-symbolic", "document-new",
         "edit-find", "go-home", "help-about", "dialog-information", "folder",
         "user-trash", "document-print", "mail-send", "emblem-system-symbolic"]


#: panel part -> the Screen method that builds it
PARTS = {"checks": "checks", "buttons": "button_row", "switches": "switches", "scales": "scales",
         "links": "links", "text": "text", "stack": "stack_switcher", "notebook": "notebook",
         "sidetool": "side_toolbar", "iconrow": "icon_row", "iconlist": "icon_list",
         "iconview": "icon_view", "sidebar": "sidebar"}


class Screen:
    """One random window; ``marks`` lists (widget, cls, how) to label after drawing."""

    def __init__(self, rng: random.Random, icons: bool = False):
        self.r = rng
        self.marks: list = []
        #: the "icons" flavour: pictograms where GTK apps show them (title buttons,
        #: side toolbars, entry icons, icon views, icon rows, lists); off, the
        #: generator draws exactly the random numbers it drew before the flavour
        self.icons = icons
        self.headerbars: list = []

    def mark(self, w, cls, how=None):
        self.marks.append((w, cls, how))
        return w

    # ---- widgets
    def word(self):
        return self.r.choice(WORDS)

    def button(self):
        r = self.r
        k = r.random()
        if k < 0.15:
            b = Gtk.Button.new_from_icon_name(r.choice(ICONS), Gtk.IconSize.BUTTON)
        elif k < 0.25:
            b = Gtk.Button(label=self.word())
            b.set_image(Gtk.Image.new_from_icon_name(r.choice(ICONS), Gtk.IconSize.BUTTON))
            b.set_always_show_image(True)
        elif k < 0.35:
            b = Gtk.ToggleButton(label=self.word())
            b.set_active(r.random() < 0.4)
        else:
            b = Gtk.Button(label=self.word())
        if r.random() < 0.2:
            b.get_style_context().add_class(r.choice(["suggested-action", "destructive-action"]))
        if r.random() < 0.12:                       # a flat button: an icon, or no object
            b.set_relief(Gtk.ReliefStyle.NONE)
            if b.get_label() is None:
                return self.mark(b, "icon", "tighten")
            return b
        return self.mark(b, "button")

    def button_row(self):
        r = self.r
        box = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=r.choice([0, 4, 6, 8, 12]))
        if r.random() < 0.3:
            box.get_style_context().add_class("linked")
            box.set_spacing(0)
        for _ in range(r.randint(2, 5)):
            box.pack_start(self.button(), False, False, 0)
        box.set_halign(r.choice([Gtk.Align.START, Gtk.Align.END, Gtk.Align.CENTER]))
        return box

    def field_row(self):
        r = self.r
        row = Gtk.Box(spacing=r.choice([6, 8, 12]))
        row.pack_start(Gtk.Label(label=r.choice(LABELS) + r.choice([":", ""])), False, False, 0)
        k = r.random()
        if k < 0.45:
            w = Gtk.SearchEntry() if r.random() < 0.15 else Gtk.Entry()
            if r.random() < 0.5:
                w.set_text(r.choice(["admin", "192.168.1.10", "8080", "hello world", "42", "kiosk"]))
            elif r.random() < 0.5:
                w.set_placeholder_text(r.choice(["Type here", "Required", "Optional", "Search…"]))
            if r.random() < 0.2:
                w.set_visibility(False)
                w.set_text("secret")
            if self.icons and r.random() < 0.45:
                pos = r.choice([Gtk.EntryIconPosition.PRIMARY, Gtk.EntryIconPosition.SECONDARY])
                w.set_icon_from_icon_name(pos, r.choice(ICONS))
                self.mark(w, "icon", ("entry_icon", pos))
            self.mark(w, "text_field")
        elif k < 0.65:
            w = Gtk.SpinButton.new_with_range(0, 100, 1)
            w.set_value(r.randint(0, 100))
            self.mark(w, "text_field")
        elif k < 0.9:
            w = Gtk.ComboBoxText.new_with_entry() if r.random() < 0.25 else Gtk.ComboBoxText()
            for o in r.sample(OPTIONS, 3):
                w.append_text(o)
            w.set_active(0)
            self.mark(w, "dropdown")
        else:
            w = Gtk.Switch()
            w.set_active(r.random() < 0.5)
            w.set_valign(Gtk.Align.CENTER)
            self.mark(w, "toggle", "tighten")
        grow = r.random() < 0.6 and not isinstance(w, Gtk.Switch)
        row.pack_start(w, grow, grow, 0)
        return row

    def checks(self):
        r = self.r
        box = Gtk.Box(orientation=r.choice([Gtk.Orientation.VERTICAL] * 3 + [Gtk.Orientation.HORIZONTAL]),
                      spacing=r.choice([0, 2, 6, 12]))
        radio = r.random() < 0.4
        group = None
        for text in r.sample(OPTIONS, r.randint(2, 4)):
            if radio:
                w = Gtk.RadioButton.new_with_label_from_widget(group, text)
                group = group or w
            else:
                w = Gtk.CheckButton(label=text)
                if r.random() < 0.08:
                    w.set_inconsistent(True)
            w.set_active(r.random() < 0.5)
            if r.random() < 0.1:
                w.set_sensitive(False)
            self.mark(w, "radio" if radio else "checkbox", "indicator")
            box.pack_start(w, False, False, 0)
        return box

    def switches(self):
        r = self.r
        grid = Gtk.Grid(column_spacing=12, row_spacing=r.choice([4, 8, 12]))
        for i, text in enumerate(r.sample(OPTIONS, r.randint(1, 3))):
            lab = Gtk.Label(label=text, xalign=0)
            lab.set_hexpand(True)
            sw = Gtk.Switch()
            sw.set_active(r.random() < 0.5)
            sw.set_valign(Gtk.Align.CENTER)
            self.mark(sw, "toggle", "tighten")
            grid.attach(lab, 0, i, 1, 1)
            grid.attach(sw, 1, i, 1, 1)
        return grid

    def scales(self):
        r = self.r
        vertical = r.random() < 0.25
        box = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL if vertical else Gtk.Orientation.VERTICAL,
                      spacing=8)
        for _ in range(r.randint(1, 3)):
            s = Gtk.Scale.new_with_range(Gtk.Orientation.VERTICAL if vertical else Gtk.Orientation.HORIZONTAL,
                                         0, 100, 1)
            s.set_value(r.randint(0, 100))
            r.random()      # a draw kept for the seeds' sake: the value label stays off
            if vertical:
                s.set_size_request(-1, r.randint(100, 220))
            else:
                s.set_size_request(r.randint(120, 360), -1)
            s.set_draw_value(False)
            self.mark(s, "slider", "vslider" if vertical else "hslider")
            box.pack_start(s, False, False, 0)
        if r.random() < 0.4:                       # distractors: bars that are not sliders
            p = Gtk.ProgressBar()
            p.set_fraction(r.random())
            box.pack_start(p, False, False, 4)
        return box

    def links(self):
        r = self.r
        box = Gtk.Box(spacing=r.choice([4, 12]))
        for _ in range(r.randint(1, 3)):
            w = Gtk.LinkButton.new_with_label("https://example.org", r.choice(
                ["Learn more", "Privacy policy", "Help", "Documentation", "Forgot password?",
                 "example.org", "Release notes", "Terms"]))
            self.mark(w, "link", "tighten")
            box.pack_start(w, False, False, 0)
        return box

    def text(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            lab = Gtk.Label(label=r.choice(["Connection settings", "Status: ready", "Welcome",
                                            "No device found", "Last update 12:04",
                                            "Choose an option below"]), xalign=0)
            if r.random() < 0.4:
                lab.set_markup("<b>%s</b>" % lab.get_text())
            return lab
        if k < 0.75:
            tv = Gtk.TextView()
            tv.get_buffer().set_text("Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit.")
            sw = Gtk.ScrolledWindow()
            sw.set_shadow_type(Gtk.ShadowType.IN)
            sw.set_size_request(r.randint(160, 360), r.randint(50, 120))
            sw.add(tv)
            self.mark(sw, "text_field")
            return sw
        store = Gtk.ListStore(str, str)
        for _ in range(r.randint(3, 6)):
            store.append([r.choice(LABELS), r.choice(["on", "off", "12", "ok", "—"])])
        tv = Gtk.TreeView(model=store)
        for i, t in enumerate(("Name", "Value")):
            tv.append_column(Gtk.TreeViewColumn(t, Gtk.CellRendererText(), text=i))
        return tv

    def stack_switcher(self):
        r = self.r
        stack = Gtk.Stack()
        for t in r.sample(TABS, r.randint(2, 4)):
            stack.add_titled(Gtk.Label(label=t), t, t)
        sw = Gtk.StackSwitcher(stack=stack)
        for c in sw.get_children():
            self.mark(c, "tab")
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6)
        sw.set_halign(Gtk.Align.CENTER)
        box.pack_start(sw, False, False, 0)
        box.pack_start(stack, False, False, 0)
        return box

    def keypad(self):
        r = self.r
        grid = Gtk.Grid(column_spacing=r.choice([0, 2, 4, 6]), row_spacing=r.choice([0, 2, 4, 6]))
        grid.set_column_homogeneous(True)
        keys = list("789/456*123-0.=+") if r.random() < 0.6 else \
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "←", "0", "OK"]
        cols = 4 if len(keys) == 16 else 3
        size = r.randint(28, 56)
        for i, k in enumerate(keys):
            b = Gtk.Button(label=k)
            b.set_size_request(size, size)
            grid.attach(self.mark(b, "button"), i % cols, i // cols, 1, 1)
        if r.random() < 0.6:
            e = Gtk.Entry()
            e.set_text(str(r.randint(0, 99999)))
            e.set_alignment(1.0)
            self.mark(e, "text_field")
            box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6)
            box.pack_start(e, False, False, 0)
            box.pack_start(grid, False, False, 0)
            return box
        return grid

    def headerbar(self):
        r = self.r
        hb = Gtk.HeaderBar(title=r.choice(["Settings", "Kiosk", "Editor", "Monitor", "Files"]))
        hb.set_show_close_button(False)
        for _ in range(r.randint(1, 3)):
            (hb.pack_start if r.random() < 0.5 else hb.pack_end)(self.button())
        if self.icons and r.random() < 0.8:
            hb.set_show_close_button(True)
            hb.set_decoration_layout(r.choice(["menu:minimize,maximize,close", ":close",
                                               ":minimize,maximize,close", "close:",
                                               "menu:close", ":minimize,close"]))
            self.headerbars.append(hb)
        return hb

    def mark_title_buttons(self):
        """Title buttons exist once the header bar is shown: flat pictograms -> icon."""
        def walk(w):
            if isinstance(w, Gtk.Button) and w.get_style_context().has_class("titlebutton"):
                self.mark(w, "icon", "tighten")
            elif isinstance(w, Gtk.Container):
                w.forall(walk)
        for hb in self.headerbars:
            hb.forall(walk)

    # ---- the icons flavour's parts
    def icon_size(self):
        return self.r.choice([Gtk.IconSize.MENU, Gtk.IconSize.SMALL_TOOLBAR,
                              Gtk.IconSize.SMALL_TOOLBAR, Gtk.IconSize.LARGE_TOOLBAR,
                              Gtk.IconSize.BUTTON, Gtk.IconSize.DND])

    def side_toolbar(self):
        """A vertical toolbar of pictograms beside a text view, as editors have."""
        r = self.r
        row = Gtk.Box(spacing=r.choice([0, 4]))
        tb = Gtk.Toolbar()
        tb.set_orientation(Gtk.Orientation.VERTICAL)
        tb.set_style(Gtk.ToolbarStyle.ICONS)
        tb.set_icon_size(r.choice([Gtk.IconSize.SMALL_TOOLBAR, Gtk.IconSize.LARGE_TOOLBAR]))
        for name in r.sample(ICONS, r.randint(2, 6)):
            b = Gtk.ToolButton(icon_name=name)
            tb.insert(b, -1)
            self.mark(b, "icon", "tighten")
        tv = Gtk.TextView()
        tv.get_buffer().set_text(r.choice(["", "Notes", "Lorem ipsum dolor sit amet."]))
        sw = Gtk.ScrolledWindow()
        sw.set_shadow_type(Gtk.ShadowType.IN)
        sw.set_size_request(r.randint(160, 360), r.randint(90, 160))
        sw.add(tv)
        self.mark(sw, "text_field")
        left = r.random() < 0.6
        row.pack_start(tb if left else sw, not left, not left, 0)
        row.pack_start(sw if left else tb, left, left, 0)
        return row

    def icon_row(self):
        """Flat pictogram buttons and bare images, alone or beside words."""
        r = self.r
        box = Gtk.Box(spacing=r.choice([0, 2, 6, 12]))
        size = self.icon_size()
        for _ in range(r.randint(2, 6)):
            k = r.random()
            if k < 0.6:
                b = Gtk.Button.new_from_icon_name(r.choice(ICONS), size)
                b.set_relief(Gtk.ReliefStyle.NONE)
                box.pack_start(self.mark(b, "icon", "tighten"), False, False, 0)
            elif k < 0.8:
                box.pack_start(self.mark(Gtk.Image.new_from_icon_name(r.choice(ICONS), size),
                                         "icon", "tighten"), False, False, 0)
            else:
                box.pack_start(self.mark(Gtk.Image.new_from_icon_name(r.choice(ICONS), size),
                                         "icon", "tighten"), False, False, 0)
                box.pack_start(Gtk.Label(label=self.word()), False, False, 0)
        box.set_halign(r.choice([Gtk.Align.START, Gtk.Align.END, Gtk.Align.CENTER]))
        return box

    def icon_list(self):
        """A list of rows, each a pictogram and a word (a sidebar); the rows are not
        labelled (the real set is not consistent about them), their pictograms are."""
        r = self.r
        lb = Gtk.ListBox()
        size = r.choice([Gtk.IconSize.MENU, Gtk.IconSize.SMALL_TOOLBAR, Gtk.IconSize.BUTTON])
        for _ in range(r.randint(3, 6)):
            row = Gtk.Box(spacing=r.choice([6, 8, 12]))
            row.set_border_width(r.choice([2, 4, 6]))
            row.pack_start(self.mark(Gtk.Image.new_from_icon_name(r.choice(ICONS), size),
                                     "icon", "tighten"), False, False, 0)
            row.pack_start(Gtk.Label(label=r.choice(TABS + LABELS), xalign=0), True, True, 0)
            lb.add(row)
        if r.random() < 0.5:
            lb.select_row(lb.get_row_at_index(r.randrange(len(lb.get_children()))))
        return lb

    def sidebar(self):
        """A tree of words, as a sidebar or navigation list: rows are not elements
        (the real set leaves list and tree rows unlabelled), pictograms in them are."""
        r = self.r
        pics = r.random() < 0.4
        store = Gtk.TreeStore(str, str)
        for _ in range(r.randint(4, 12)):
            it = store.append(None, [r.choice(TABS + LABELS + OPTIONS), r.choice(ICONS)])
            if r.random() < 0.25:
                for _ in range(r.randint(1, 3)):
                    store.append(it, [r.choice(TABS + LABELS), r.choice(ICONS)])
        tv = Gtk.TreeView(model=store)
        tv.set_headers_visible(r.random() < 0.2)
        col = Gtk.TreeViewColumn(r.choice(["Name", "Pages", "Demos"]))
        if pics:
            pr = Gtk.CellRendererPixbuf()
            col.pack_start(pr, False)
            col.add_attribute(pr, "icon-name", 1)
        tr = Gtk.CellRendererText()
        col.pack_start(tr, True)
        col.add_attribute(tr, "text", 0)
        tv.append_column(col)
        tv.expand_all()
        if r.random() < 0.7:
            tv.get_selection().select_path(Gtk.TreePath.new_from_indices([r.randrange(len(store))]))
        if pics:
            self.mark(tv, "icon", ("tree_pics", col, pr))
        sw = Gtk.ScrolledWindow()
        sw.set_policy(Gtk.PolicyType.NEVER, Gtk.PolicyType.AUTOMATIC)
        sw.set_shadow_type(r.choice([Gtk.ShadowType.NONE, Gtk.ShadowType.IN]))
        sw.set_size_request(r.randint(140, 260), r.randint(120, 320))
        sw.add(tv)
        return sw

    def checklist(self):
        """A list with a check column (zenity --checklist, yad --list): each row's
        toggle cell is a checkbox (its indicator blob), as on the real set."""
        r = self.r
        store = Gtk.ListStore(bool, str, str)
        for _ in range(r.randint(2, 7)):
            store.append([r.random() < 0.4, r.choice(OPTIONS + LABELS), r.choice(["on", "12", "—", "ok", ""])])
        tv = Gtk.TreeView(model=store)
        tv.set_headers_visible(r.random() < 0.6)
        tog = Gtk.CellRendererToggle()
        if r.random() < 0.2:
            tog.set_radio(True)
        col = Gtk.TreeViewColumn(r.choice(["", "Pick", "Use", "On"]), tog, active=0)
        tv.append_column(col)
        for i, t in enumerate(r.sample(["Name", "Item", "Value", "Description"], r.randint(1, 2))):
            tv.append_column(Gtk.TreeViewColumn(t, Gtk.CellRendererText(), text=1 + i))
        self.mark(tv, "radio" if tog.get_radio() else "checkbox", ("tree_toggles", col, tog))
        return tv

    def dialog_window(self, W, H):
        """A small dialog as yad / zenity draw one: fields, checks, a list, buttons."""
        r = self.r
        root = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=r.choice([2, 4, 6, 8]))
        root.set_border_width(r.choice([0, 2, 4, 6, 12]))
        if r.random() < 0.4:
            root.pack_start(Gtk.Label(label=r.choice(["Sign in", "New account", "Settings",
                                                      "Choose items", "Connect"]), xalign=0),
                            False, False, 0)
        parts = r.sample(["fields", "fields", "checks", "checks", "checklist", "switches"],
                         r.randint(1, 3))
        for k in parts:
            if k == "fields":
                for _ in range(r.randint(1, 3)):
                    root.pack_start(self.field_row(), False, False, 0)
            elif k == "checklist":
                root.pack_start(self.checklist(), True, True, 0)
            else:
                root.pack_start(getattr(self, PARTS[k])(), False, False, 0)
        row = Gtk.Box(spacing=r.choice([4, 6]))
        for t in r.sample(["OK", "Cancel", "Apply", "Close", "Yes", "No"], r.randint(1, 3)):
            row.pack_start(self.mark(Gtk.Button(label=t), "button"), r.random() < 0.3, True, 0)
        row.set_halign(r.choice([Gtk.Align.END, Gtk.Align.FILL, Gtk.Align.CENTER]))
        root.pack_end(row, False, False, 0)
        win = Gtk.OffscreenWindow()
        win.set_size_request(W, H)
        win.add(root)
        return win

    def icon_view(self):
        """A Gtk.IconView of pictograms with or without captions (file managers)."""
        from gi.repository import GdkPixbuf  # the model's column type
        r = self.r
        theme = Gtk.IconTheme.get_default()
        px = r.choice([24, 32, 48])
        store = Gtk.ListStore(GdkPixbuf.Pixbuf, str)
        for name in r.sample(ICONS, r.randint(3, 9)):
            try:
                pb = theme.load_icon(name, px, Gtk.IconLookupFlags.FORCE_SIZE)
            except GLib.Error:
                continue
            store.append([pb, r.choice(TABS + LABELS)])
        iv = Gtk.IconView(model=store)
        iv.set_pixbuf_column(0)
        if r.random() < 0.6:
            iv.set_text_column(1)
        iv.set_columns(r.randint(2, 6))
        iv.set_item_width(r.choice([-1, 56, 72, 96]))
        iv.set_size_request(-1, r.randint(80, 200))
        self.mark(iv, "icon", "iconview")
        return iv

    def panel(self, depth=0):
        r = self.r
        kinds = ["fields", "checks", "buttons", "switches", "scales", "links", "text",
                 "fields", "buttons", "checks", "keypad"]
        if depth == 0:
            kinds += ["notebook", "notebook", "stack"]
        if self.icons:
            kinds += ["sidetool", "iconrow", "iconrow", "iconlist", "iconview", "sidebar", "sidebar"]
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=r.choice([4, 6, 10, 14]))
        box.set_border_width(r.choice([0, 6, 12]))
        for _ in range(r.randint(1, 3)):
            k = r.choice(kinds)
            if k == "fields":
                parts = [self.field_row() for _ in range(r.randint(1, 3))]
            elif k == "keypad":
                parts = [self.keypad()] if r.random() < 0.5 else []
            else:
                parts = [getattr(self, PARTS[k])()]
            for p in parts:
                box.pack_start(p, False, False, 0)
        box.set_hexpand(True)
        if depth == 0 and r.random() < 0.35:
            f = Gtk.Frame(label=r.choice([None, "Options", "Connection", "Display"]))
            f.add(box)
            return f
        return box

    def notebook(self):
        r = self.r
        nb = Gtk.Notebook()
        nb.set_tab_pos(r.choice([Gtk.PositionType.TOP] * 4 + [Gtk.PositionType.BOTTOM,
                                                             Gtk.PositionType.LEFT,
                                                             Gtk.PositionType.RIGHT]))
        for t in r.sample(TABS, r.randint(2, 5)):
            lab = Gtk.Label(label=t)
            nb.append_page(self.panel(depth=1), lab)
            self.mark(lab, "tab", "tab")
        if self.icons and r.random() < 0.35:
            b = Gtk.Button.new_from_icon_name(r.choice(ICONS), Gtk.IconSize.MENU)
            b.set_relief(Gtk.ReliefStyle.NONE)
            b.show()
            nb.set_action_widget(self.mark(b, "icon", "tighten"), Gtk.PackType.END)
        return nb

    def menubar(self):
        mb = Gtk.MenuBar()
        for t in self.r.sample(MENUS, self.r.randint(3, 7)):
            it = Gtk.MenuItem(label=t)
            it.set_submenu(Gtk.Menu())
            mb.append(it)
            self.mark(it, "menu_item")
        return mb

    def toolbar(self):
        tb = Gtk.Toolbar()
        tb.set_style(Gtk.ToolbarStyle.ICONS)
        for name in self.r.sample(ICONS, self.r.randint(3, 8)):
            b = Gtk.ToolButton(icon_name=name)
            tb.insert(b, -1)
            self.mark(b, "icon", "tighten")
        return tb

    def window(self, W, H):
        r = self.r
        root = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        if r.random() < (0.7 if self.icons else 0.3):
            root.pack_start(self.headerbar(), False, False, 0)
        if r.random() < 0.45:
            root.pack_start(self.menubar(), False, False, 0)
        if r.random() < 0.35:
            root.pack_start(self.toolbar(), False, False, 0)
        grid = Gtk.Grid(column_spacing=r.choice([6, 12, 24]), row_spacing=r.choice([6, 12, 18]))
        grid.set_border_width(r.choice([6, 12, 18]))
        grid.set_column_homogeneous(r.random() < 0.7)
        cols, rows = r.randint(1, 4), r.randint(1, 3)
        for y in range(rows):
            for x in range(cols):
                if r.random() < 0.85:
                    grid.attach(self.panel(), x, y, 1, 1)
        root.pack_start(grid, True, True, 0)
        if r.random() < 0.4:
            root.pack_end(self.button_row(), False, False, 8)
        win = Gtk.OffscreenWindow()
        win.set_size_request(W, H)
        win.add(root)
        return win


def settle(n=3):
    for _ in range(n):
        while Gtk.events_pending():
            Gtk.main_iteration_do(False)
        time.sleep(0.005)


def box_of(w, win):
    if not w.get_mapped():
        return None
    a = w.get_allocation()
    p = w.translate_coordinates(win, 0, 0)
    if p is None:
        return None
    return [p[0], p[1], p[0] + a.width, p[1] + a.height]


def icon_view_cells(iv, win) -> list:
    """Window boxes of an icon view's pictogram cells."""
    origin = iv.translate_coordinates(win, 0, 0)
    pix = [c for c in iv.get_cells() if isinstance(c, Gtk.CellRendererPixbuf)]
    if origin is None or not pix:
        return []
    out = []
    for i in range(len(iv.get_model())):
        ok, rect = iv.get_cell_rect(Gtk.TreePath.new_from_indices([i]), pix[0])
        if ok and rect.width > 0 and rect.height > 0:
            out.append([origin[0] + rect.x, origin[1] + rect.y,
                        origin[0] + rect.x + rect.width, origin[1] + rect.y + rect.height])
    return out


def tree_cells(tv, col, renderer, win) -> list:
    """(path, window box) of a tree view's visible cells of ``renderer`` in column
    ``col``: pictograms, check cells."""
    origin = tv.translate_coordinates(win, 0, 0)
    if origin is None:
        return []
    alloc = tv.get_allocation()
    out = []
    model = tv.get_model()

    def visit(it):
        while it is not None:
            path = model.get_path(it)
            area = tv.get_cell_area(path, col)          # bin-window coordinates
            x, y = tv.convert_bin_window_to_widget_coords(area.x, area.y)
            pos = col.cell_get_position(renderer)      # (start, width), or (False, ...) unset
            ok = bool(pos) and pos[1] > 0
            start, width = (pos[0], pos[1]) if ok else (0, 0)
            if ok and area.height > 0 and 0 <= y and y + area.height <= alloc.height:
                out.append((path, [origin[0] + x + start, origin[1] + y,
                                   origin[0] + x + start + width, origin[1] + y + area.height]))
            if tv.row_expanded(path):
                visit(model.iter_children(it))
            it = model.iter_next(it)
    visit(model.get_iter_first())
    return out


def labels(sc: Screen, win, img, pad):
    W, H = img.size
    objs = []
    todo = []
    for w, cls, how in sc.marks:        # an icon view marks one object per item
        if how == "iconview":
            todo.extend((w, cls, ("cell", b)) for b in icon_view_cells(w, win))
        elif isinstance(how, tuple) and how[0] == "tree_pics":
            todo.extend((w, cls, ("cell", b)) for _, b in tree_cells(w, how[1], how[2], win))
        elif isinstance(how, tuple) and how[0] == "tree_toggles":   # column 0: the state
            model = w.get_model()
            todo.extend((w, cls, ("toggle_cell", b, bool(model[path][0])))
                        for path, b in tree_cells(w, how[1], how[2], win))
        else:
            todo.append((w, cls, how))
    for w, cls, how in todo:
        b = box_of(w, win)
        if b is None:
            continue
        cell_checked = None
        if isinstance(how, tuple):      # a part of the widget: an entry's icon, a cell
            if how[0] == "entry_icon":
                a = w.get_icon_area(how[1])
                if a.width <= 0 or a.height <= 0:
                    continue
                b = [b[0] + a.x, b[1] + a.y, b[0] + a.x + a.width, b[1] + a.y + a.height]
                how = "tighten"
            elif how[0] == "toggle_cell":           # a check cell: its indicator blob
                b, cell_checked, how = how[1], how[2], "indicator"
            else:
                b, how = how[1], "tighten"
        checked = None
        if how == "tab":
            b = [b[0] - pad[0], b[1] - pad[1], b[2] + pad[0], b[3] + pad[1]]
        elif how == "indicator":
            b = indicator(img, b)
            checked = cell_checked if cell_checked is not None else \
                bool(w.get_active() or w.get_inconsistent())
        elif how == "tighten":
            b = tighten(img, b, strip_lines=cls == "icon" or cls == "link")
        elif how in ("hslider", "vslider"):
            b = slider_box(img, b, how == "vslider") or b
        if cls == "toggle":
            checked = bool(w.get_active())
        if b is None:
            continue
        if cls == "icon":               # bare glyphs like a minimize dash: at least 10 px
            b = list(b)
            for i in (0, 1):
                if b[i + 2] - b[i] < 10:
                    c = (b[i] + b[i + 2]) // 2
                    b[i], b[i + 2] = c - 5, c + 5
        full = (b[2] - b[0]) * (b[3] - b[1])
        c = [max(0, b[0]), max(0, b[1]), min(W, b[2]), min(H, b[3])]
        if c[2] - c[0] < 4 or c[3] - c[1] < 4 or (c[2] - c[0]) * (c[3] - c[1]) < 0.6 * full:
            continue
        text = None
        for get in ("get_label", "get_text"):
            if cls in ("button", "tab", "menu_item", "link") and hasattr(w, get):
                try:
                    text = getattr(w, get)() or None
                except TypeError:
                    pass
                if text:
                    break
        objs.append({"cls": cls, "box": c, "checked": checked, "text": text})
    return objs


#: the desktop a dialog is drawn on: black as under a bare X server, or a colour
DESKTOPS = [(0, 0, 0)] * 3 + [(40, 40, 40), (58, 110, 165), (0, 128, 128), (85, 87, 83), (32, 74, 135)]


def make(seed: int, icons: bool = False, dialog: bool = False):
    r = random.Random(seed)
    theme, pad = r.choice(THEMES)
    s = Gtk.Settings.get_default()
    s.props.gtk_theme_name = theme
    font = "%s %d" % (r.choice(FONTS), r.choice([8, 9, 10, 10, 11, 12, 13]))
    s.props.gtk_font_name = font
    W, H = r.choice([(640, 480), (800, 600), (1024, 640), (1024, 768), (1280, 720), (900, 560)])
    sc = Screen(r, icons)
    if dialog:
        win = sc.dialog_window(r.choice([-1, r.randint(200, 480)]), r.choice([-1, r.randint(100, 360)]))
    else:
        win = sc.window(W, H)
    win.show_all()
    settle()
    sc.mark_title_buttons()
    pb = win.get_pixbuf()
    if pb is None:
        win.destroy()
        return None
    w, h = pb.get_width(), pb.get_height()
    mode = "RGBA" if pb.get_has_alpha() else "RGB"
    img = Image.frombuffer(mode, (w, h), pb.get_pixels(), "raw", mode, pb.get_rowstride(), 1)
    img = img.convert("RGB")
    objs = labels(sc, win, img, pad)
    win.destroy()
    if dialog:                      # on a desktop, often in the corner (no window manager)
        desk = Image.new("RGB", (W, H), r.choice(DESKTOPS))
        ox, oy = (0, 0) if r.random() < 0.4 else (r.randint(0, max(0, W - img.size[0])),
                                                  r.randint(0, max(0, H - img.size[1])))
        desk.paste(img, (ox, oy))
        img = desk
        for o in objs:
            o["box"] = [o["box"][0] + ox, o["box"][1] + oy, o["box"][2] + ox, o["box"][3] + oy]
        objs = [o for o in objs if o["box"][2] <= W and o["box"][3] <= H]
    flavour = "dialogs" if dialog else "icons" if icons else "widgets"
    meta = {"theme": theme, "font": font, "dpr": 1.0, "flavour": flavour}
    return img, objs, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True, help="generate indices [start, count)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--flavour", choices=("widgets", "icons", "dialogs"), default="widgets",
                    help="icons: also title buttons, side toolbars, entry icons, icon views, "
                         "icon rows and lists (the pictograms GTK apps show); dialogs: small "
                         "dialogs (fields, checks, check lists, buttons) on a desktop")
    a = ap.parse_args(argv)
    if Gdk.Display.get_default() is None:
        print("gen_gtk.py: no X display (run it under xvfb-run -a)", file=sys.stderr)
        return 2
    missing = check_themes()
    if missing:
        print("gen_gtk.py: GTK 3 themes not installed: %s (apt install arc-theme "
              "greybird-gtk-theme materia-gtk-theme)" % ", ".join(missing), file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    todo = [i for i in range(a.start, a.count)
            if not os.path.exists(os.path.join(a.out, f"{i:06d}.json"))]
    print(f"{a.count - a.start - len(todo)}/{a.count - a.start} already done, {len(todo)} to generate "
          f"(seed {a.seed})", flush=True)
    t0 = time.time()
    for n, i in enumerate(todo, 1):
        seed = a.seed * SEED_MUL + i
        got = make(seed, a.flavour == "icons", a.flavour == "dialogs")
        if got is not None:
            img, objs, meta = got
            base = os.path.join(a.out, f"{i:06d}")
            img.save(base + ".png")
            doc = {"width": img.size[0], "height": img.size[1], "source": "gtk", "seed": seed,
                   "meta": meta, "objects": objs}
            with open(base + ".json.tmp", "w") as f:
                json.dump(doc, f)
            os.replace(base + ".json.tmp", base + ".json")
        if n % PROGRESS_EVERY == 0 or n == len(todo):
            rate = n / (time.time() - t0)
            print(f"{n}/{len(todo)}, {rate:.2f} screens/s, eta {(len(todo) - n) / rate / 60:.1f} min",
                  flush=True)
    return 0


if __name__ == "__main__":
    GLib.set_prgname("picoagent-gen-gtk")
    sys.exit(main())
