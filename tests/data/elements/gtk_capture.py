#!/usr/bin/python3
"""Re-create the GTK part of the real-screen evaluation set (AT-SPI boxes).

Runs with Debian's system python (needs python3-pyatspi, python3-pil) and the
Debian packages listed in README.md.  It starts a private Xvfb, a private
D-Bus session (dbus-run-session) and runs every scene in it:

    /usr/bin/python3 tests/data/elements/gtk_capture.py            # all scenes
    /usr/bin/python3 tests/data/elements/gtk_capture.py wf_p1 zen_forms
    /usr/bin/python3 tests/data/elements/gtk_capture.py --holdout   # HOLDOUT -> ../elements_holdout

A scene starts a real program (gtk3-widget-factory, zenity, yad, gtk3-demo,
mousepad ...), optionally clicks through it (AT-SPI actions / xdotool),
screenshots the screen, walks the accessibility tree and maps roles to the
classes of training/FORMAT.md.  Image refinements (all deterministic):
  * check box / radio button: GTK's extent is indicator + label; the indicator
    is the first blob of non-background columns at the left of the extent;
  * slider: the longest run of non-background columns (rows for vertical);
  * push/toggle buttons without a visible face become `icon` when their
    content is a small pictogram, else they are dropped (flat text buttons);
  * page tabs: GTK reports the label only; the tab is the label grown by the
    theme's tab padding;
  * objects covered by an open menu/popover are dropped.
Per-scene fixes (relabel/drop/add by hand after looking at every annotated
image) are in SCENES below.
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
#: the hold-out set (programs of HOLDOUT, below) is written beside this folder
HOLDOUT_DIR = os.path.join(os.path.dirname(HERE), 'elements_holdout')
#: where this run writes (the inner process inherits it)
OUT = os.environ.get('ELEMENTS_OUT') or HERE


def _free_display(start):
    """first X display number without a lock file (other Xvfbs may run here)."""
    n = start
    while os.path.exists('/tmp/.X%d-lock' % n) or os.path.exists('/tmp/.X11-unix/X%d' % n):
        n += 1
    return ':%d' % n


# the inner (--inner) process inherits the display chosen by the outer one
DISPLAY = os.environ.get('ELEMENTS_DISPLAY') or _free_display(91)
SCREEN = (1440, 900)
BAD = -2147483648
RAW = '/tmp/elements_raw'

# label grown by (dx, dy) to get the tab header, per theme
TAB_PAD = {'Adwaita': (12, 3), 'Adwaita:dark': (12, 3), 'HighContrast': (12, 3),
           'Arc': (12, 3), 'Arc-Dark': (12, 3), 'Greybird': (8, 2),
           'Materia': (16, 8), 'Materia-dark': (16, 8)}


# --------------------------------------------------------------------------
# scenes
# --------------------------------------------------------------------------
def S(name, cmd, app, theme='Adwaita', steps=(), **kw):
    d = dict(name=name, cmd=cmd, app=app, theme=theme, steps=list(steps))
    d.update(kw)
    return d


WF = ['gtk3-widget-factory']


def wf_pre(nodes, cands):
    # the header bar's stack switcher (Page 1/2/3) works as a tab bar;
    # GtkLinkButton reports "push button"; the expander arrow is no class
    out = []
    for n, c in cands:
        if n['role'] == 'radio button' and n['name'] in ('Page 1', 'Page 2', 'Page 3'):
            c = 'tab'
        elif n['role'] == 'push button' and n['name'] == 'link button':
            c = 'link'
        elif n['role'] == 'toggle button' and n['name'] == 'Expander':
            continue
        elif n['role'] == 'radio button' and not n['name'] and any(
                a[0] == 'panel' for a in n['chain'][-3:]) and n['ext'][2] - n['ext'][0] > 70:
            continue  # colour editor preview swatch
        out.append((n, c))
    # page 3 sidebar (GtkStackSidebar) rows: a navigation list
    for n in nodes:
        if n['role'] == 'list item' and n['showing'] and n['ext']:
            kids = children(nodes, n)
            if kids and kids[0]['role'] == 'label' and kids[0]['name'] in (
                    'Identity', 'Birthdate', 'Address', 'Pages'):
                out.append((dict(n, name=kids[0]['name']), 'menu_item'))
        if n['role'] == 'color chooser' and n['name'] in ('Hue', 'Alpha') and n['ext']:
            out.append((n, 'slider'))
    return out


def blobs(img, region, gap=3):
    """boxes of the separate pictograms inside region (screen coords)."""
    mask, (ox, oy) = region_mask(img, region, 24)
    if not mask:
        return []
    cols = [any(mask[y][x] for y in range(len(mask))) for x in range(len(mask[0]))]
    res = []
    for a, b in runs(cols):
        t = tighten(img, [ox + a, region[1], ox + b, region[3]])
        if t:
            res.append(t)
    return res


def wf_post(objs, img, nodes):
    # tree view "Cool"/"Icon" columns on page 1: toggle renderers and icons
    for t in nodes:
        if t['role'] != 'table' or not t['showing']:
            continue
        kids = children(nodes, t)
        if not any(k['name'] == 'Cool' for k in kids):
            continue
        cells = [k for k in kids if k['role'] == 'table cell' and k['ext']]
        for i, c in enumerate(cells):
            if i % 4 == 0:
                ind = indicator(img, c['ext'])
                if ind:  # 4th row is drawn as a radio indicator
                    cls = 'radio' if i // 4 == 3 else 'checkbox'
                    objs.append(node_obj(c, cls, ind, True if cls == 'radio' else c['checked']))
            elif i % 4 == 1:
                b = tighten(img, c['ext'])
                if b:
                    objs.append(node_obj(c, 'icon', b))
    # page 3: notebook tabs with a close button, and tab scroll arrows
    for o in objs:
        if o['cls'] == 'tab' and o['_role'] == 'page tab' and o['text'] in ('Page 1', 'Page 2'):
            if any(nodes[i]['role'] == 'split pane' for i in o['_chain'] if i >= 0):
                o['box'][2] += 21
    for t in nodes:
        if t['role'] == 'page tab list' and t['showing'] and t['ext']:
            tabs = [o for o in objs if o['cls'] == 'tab' and o.get('_chain') and t['id'] in o['_chain']]
            if len(tabs) >= 2 and len({o['box'][1] for o in tabs}) == 1:  # horizontal tab bar:
                # scroll arrows and the action widget next to the tabs
                y0 = min(o['box'][1] for o in tabs)
                y1 = max(o['box'][3] for o in tabs)
                x0 = min(o['box'][0] for o in tabs)
                x1 = max(o['box'][2] for o in tabs)
                for b in blobs(img, [t['ext'][0] + 1, y0 + 2, x0, y1 - 4]) + \
                        blobs(img, [x1 + 1, y0 + 2, t['ext'][2] - 1, y1 - 4]):
                    objs.append(dict(cls='icon', box=b, checked=None, text=None))
    return objs


POPOVER_MENU = ('Get Busy', 'Dark Theme', 'Slide Pages', 'Inspector', 'Keyboard Shortcuts',
                'About Widget Factory')


def wf_pre_menu(nodes, cands):
    """model buttons in the header-bar menu popover are menu entries."""
    return [(n, 'menu_item' if n['name'] in POPOVER_MENU else c) for n, c in wf_pre(nodes, cands)]


def wf(name, theme, steps=(), pre=wf_pre, **kw):
    return S(name, WF, 'gtk3-widget-factory', theme, steps, pre=pre, post=wf_post, **kw)


P2 = ('action', 'radio button', 'Page 2')
P3 = ('action', 'radio button', 'Page 3')
SCENES = [
    wf('wf_p1_adwaita', 'Adwaita'),
    wf('wf_p2_adwaita', 'Adwaita', [P2]),
    wf('wf_p3_adwaita', 'Adwaita', [P3]),
    wf('wf_p1_dark_combo', 'Adwaita:dark', [('action', 'combo box', 'Middle')], face_names=('Menu',)),
    wf('wf_p2_hc_menu', 'HighContrast', [P2, ('action', 'menu', 'File')]),
    wf('wf_p3_arc_popover', 'Arc', [P3, ('action', 'toggle button', 'Open')], flat_names=('Menu',)),
    wf('wf_p1_greybird_menu', 'Greybird', [('action', 'toggle button', 'Menu')],
       pre=wf_pre_menu),
    wf('wf_p2_materia', 'Materia', [P2], flat_names=('Menu',)),
    wf('wf_p3_arcdark', 'Arc-Dark', [P3], flat_names=('Menu',), trust_small=True),
]


def file_chooser_pre(nodes, cands):
    """GtkFileChooser: the places sidebar is a navigation list (menu_item);
    the file-type pictogram cells of the file list are icons."""
    out = list(cands)
    for n in nodes:
        if not (n['showing'] and n['ext']):
            continue
        if n['role'] == 'list item' and any(c[0] == 'scroll pane' and c[1] == 'Places' for c in n['chain']):
            labels = [m for m in nodes if m['role'] == 'label' and n['id'] in [c[3] for c in m['chain']]
                      and m['ext']]
            if labels:
                out.append((dict(n, name=labels[0]['name']), 'menu_item'))
        if n['role'] == 'table cell' and not n['name'] and n['ext'][2] - n['ext'][0] <= 32 \
                and n['chain'][-1][0] == 'table cell':
            out.append((n, 'icon'))
    # the sidebar rows' own pictograms stay icons (inside the menu_item box)
    return out


Z = 'zenity'
SCENES += [
    S('zen_forms', [Z, '--forms', '--title=Create account', '--text=New user account',
                    '--add-entry=User name', '--add-password=Password', '--add-password=Repeat',
                    '--add-combo=Group', '--combo-values=users|admin|guests',
                    '--add-entry=Home folder', '--add-calendar=Expires'], Z, 'Adwaita'),
    S('zen_question', [Z, '--question', '--title=Delete files',
                       '--text=Delete 3 selected files permanently?\nThis cannot be undone.',
                       '--ok-label=Delete', '--cancel-label=Keep files', '--width=420'], Z, 'Arc-Dark'),
    S('zen_entry', [Z, '--entry', '--title=Connect to server', '--text=Server address:',
                    '--entry-text=192.168.1.10', '--width=380'], Z, 'Greybird'),
    S('zen_password', [Z, '--password', '--username', '--title=Authentication required'], Z, 'Materia'),
    S('zen_scale', [Z, '--scale', '--title=Volume', '--text=Output volume', '--value=40',
                    '--min-value=0', '--max-value=100', '--width=400'], Z, 'Adwaita:dark'),
    S('zen_checklist', [Z, '--list', '--checklist', '--title=Install packages', '--width=520',
                        '--height=420', '--text=Select the packages to install',
                        '--column=Install', '--column=Package', '--column=Size',
                        'TRUE', 'vim', '3.2 MB', 'FALSE', 'emacs', '41 MB', 'TRUE', 'git', '7.9 MB',
                        'FALSE', 'curl', '0.5 MB', 'TRUE', 'htop', '0.4 MB', 'FALSE', 'tmux', '1.1 MB',
                        'FALSE', 'ripgrep', '4.4 MB'], Z, 'Adwaita'),
    S('zen_radiolist', [Z, '--list', '--radiolist', '--title=Choose resolution', '--width=460',
                        '--height=360', '--text=Display resolution', '--column=Use', '--column=Mode',
                        'FALSE', '1920 x 1080', 'TRUE', '1280 x 720', 'FALSE', '1024 x 768',
                        'FALSE', '800 x 600'], Z, 'Arc', cell_cls='radio'),
    S('zen_info_links', [Z, '--info', '--title=Update finished', '--width=460',
                         '--text=The update was installed. Read the <a href="https://example.org/notes">release notes</a> '
                         'or visit the <a href="https://example.org/help">help center</a> if something does not work.'],
      Z, 'Greybird'),
    S('zen_file', [Z, '--file-selection', '--title=Open file', '--filename=/usr/share/doc/'], Z, 'Adwaita',
      settle=3.0, pre=file_chooser_pre),
    S('zen_warning', [Z, '--warning', '--title=Battery low', '--width=400',
                      '--text=Battery level is at 7 %. Connect the charger.', '--extra-button=Power settings'],
      Z, 'HighContrast'),
]
Y = 'yad'
SCENES += [
    S('yad_form', [Y, '--form', '--title=Backup settings', '--width=440', '--center',
                   '--text=Configure the nightly backup', '--field=Name', '--field=Password:H',
                   '--field=Encrypt:CHK', '--field=Compress:CHK', '--field=Method:CB',
                   '--field=Keep copies:NUM', '--field=Bandwidth:SCL', '--field=Target:DIR',
                   '--field=Key file:FL', '--field=Colour:CLR', '--field=Font:FN', '--field=Notes:TXT',
                   '--button=gtk-cancel:1', '--button=Save:0',
                   'home', '', 'TRUE', 'FALSE', 'rsync!^tar!borg', '7!1..30!1', '40', '/tmp', '',
                   '#3366cc', 'Sans 10', 'daily at 02:00'], Y, 'Adwaita'),
    S('yad_form2', [Y, '--form', '--title=Printer', '--width=520', '--center', '--columns=2',
                    '--field=Printer:CB', '--field=Copies:NUM', '--field=Duplex:CHK',
                    '--field=Colour:CHK', '--field=Quality:SCL', '--field=Pages', '--field=Job name',
                    '--field=Collate:CHK', '--field=Paper:CB', '--field=Preview:BTN',
                    '--button=Cancel:1', '--button=Print:0',
                    'Office laser!^Photo inkjet!PDF', '1!1..99!1', 'TRUE', 'FALSE', '60', '1-4',
                    'report.pdf', 'TRUE', 'A4!Letter!A5', 'true'], Y, 'Arc-Dark'),
    S('yad_checklist', [Y, '--list', '--checklist', '--title=Startup applications', '--width=480',
                        '--height=360', '--center', '--column=Run:CHK', '--column=Program', '--column=Delay',
                        'TRUE', 'Network manager', '0 s', 'TRUE', 'Clipboard', '2 s', 'FALSE', 'Updater', '60 s',
                        'FALSE', 'Backup', '120 s', 'TRUE', 'Bluetooth', '5 s'], Y, 'Greybird'),
    S('yad_entry', [Y, '--entry', '--title=Run command', '--center', '--width=420', '--editable',
                    '--text=Command to run', '--entry-text=htop', '--entry-text=top',
                    '--button=gtk-cancel:1', '--button=gtk-execute:0'], Y, 'Materia'),
]

D = 'gtk3-demo'


def palette_headers(objs, img, nodes):
    """GtkToolPalette group headers (buttons with a face) have no accessible:
    the strip of each group above its first item, tightened to the face."""
    for n in nodes:
        if n['role'] != 'panel' or not n['ext'] or not n['showing']:
            continue
        kids = [k for k in children(nodes, n) if k['role'] == 'panel' and k['ext']]
        if kids and all(k['ext'][2] - k['ext'][0] < 120 for k in kids):
            top = min(k['ext'][1] for k in kids)
            if 20 < top - n['ext'][1] < 50:
                b = tighten(img, [n['ext'][0], n['ext'][1], n['ext'][2], top])
                if b and n['ext'][1] >= 0:
                    objs.append(dict(cls='button', box=b, checked=None, text=None,
                                     _chain=[c[3] for c in n['chain']]))
    return objs


def demo(name, run, theme, **kw):
    if run:  # --run also opens the demo browser (titled after its first demo) below
        kw.setdefault('skip_window', 'Application Class')
    return S(name, [D, '--run=' + run] if run else [D], D, theme, program='gtk3-demo', **kw)


SCENES += [
    demo('demo_main', None, 'Adwaita'),
    demo('demo_builder', 'builder', 'Greybird'),
    demo('demo_links', 'links', 'Arc'),
    demo('demo_dialog', 'dialog', 'Adwaita:dark'),
    demo('demo_infobar', 'infobar', 'Materia'),
    demo('demo_pickers', 'pickers', 'Adwaita'),
    demo('demo_search', 'search_entry', 'Arc-Dark'),
    demo('demo_spin', 'spinbutton', 'Greybird'),
    demo('demo_buttonbox', 'button_box', 'Adwaita'),
    demo('demo_toolpalette', 'toolpalette', 'Adwaita', face_check=True, post=palette_headers),
    demo('demo_sizegroup', 'sizegroup', 'HighContrast'),
    demo('demo_assistant', 'assistant', 'Adwaita'),
]

M = 'mousepad'
TXT = '/usr/share/common-licenses/Apache-2.0'
MENV = {'XDG_CONFIG_HOME': '/tmp/mousepad_cfg'}
SCENES += [
    S('mousepad_menu', [M, TXT], M, 'Adwaita', steps=[('action', 'menu', 'Edit')], env=MENV),
    S('mousepad_view_menu', [M, TXT], M, 'Greybird', steps=[('action', 'menu', 'View')], env=MENV),
    S('mousepad_prefs', [M, TXT], M, 'Adwaita',
      steps=[('action', 'menu item', 'Preferences*'), ('sleep', 1.5)], env=MENV, window='Preferences'),
    S('mousepad_prefs_dark', [M, TXT], M, 'Adwaita:dark',
      steps=[('action', 'menu item', 'Preferences*'), ('sleep', 1.5), ('click', 'page tab', 'Window'),
             ('xdotool', 'mousemove', '1400', '880')],
      env=MENV, window='Preferences'),
    S('mousepad_find', [M, TXT], M, 'Arc',
      steps=[('action', 'menu item', 'Find and Replace*'), ('sleep', 1.5)], env=MENV),
]


# the hold-out set: programs none of the scenes above (nor the generators, nor the
# tuning of picoagent.vision.checks) have seen; same capture rules, one per-scene
# addition (Thunar's icons).  Measured once its labels were looked at
# (../elements_holdout/README.md)
G = 'geany'
GARGS = [G, '-c', '/tmp/geany_cfg', '-i', TXT]
HOLDOUT = [
    S('ho_geany_main', GARGS, G, 'Greybird', program='geany'),
    S('ho_geany_prefs', GARGS, G, 'Adwaita', steps=[('action', 'menu item', 'Preferences'), ('sleep', 1.5)],
      window='Preferences', program='geany'),
    S('ho_geany_replace', GARGS, G, 'Arc', steps=[('action', 'menu item', 'Replace...'), ('sleep', 1.5)],
      program='geany'),
    S('ho_geany_doc_menu', GARGS, G, 'Materia', steps=[('action', 'menu', 'Document')], program='geany'),
    S('ho_galculator', ['galculator'], 'galculator', 'Adwaita:dark'),
    S('ho_galculator_prefs', ['galculator'], 'galculator', 'Arc-Dark',
      steps=[('action', 'menu item', 'Preferences...'), ('sleep', 1.5)], window='Preferences'),
    # Thunar's icon view reports no items: the nine whole pictograms, added by hand
    # (tightened to their ink; the row cut by the status bar is left out)
    S('ho_thunar', ['thunar', '/usr/share/doc/geany'], 'thunar', 'Materia', program='thunar',
      add=[('icon', (x, y, x + 58, y + 62), True) for y in (115, 226, 321) for x in (212, 351, 488)]),
    S('ho_thunar_prefs', ['thunar', '/usr/share'], 'thunar', 'Greybird',
      steps=[('action', 'menu', 'Edit'), ('action', 'menu item', 'Preferences...'), ('sleep', 1.5)],
      window='Preferences', program='thunar'),
    S('ho_thunar_prefs_behavior', ['thunar', '/usr/share'], 'thunar', 'Arc-Dark',
      steps=[('action', 'menu', 'Edit'), ('action', 'menu item', 'Preferences...'), ('sleep', 1.5),
             ('click', 'page tab', 'Behavior'), ('xdotool', 'mousemove', '1400', '880')],
      window='Preferences', program='thunar'),
    S('ho_geany_prefs_editor', GARGS, G, 'Greybird',
      steps=[('action', 'menu item', 'Preferences'), ('sleep', 1.5), ('click', 'page tab', 'Editor'),
             ('click', 'page tab', 'Indentation'), ('xdotool', 'mousemove', '1400', '880')],
      window='Preferences', program='geany'),
    S('ho_appfinder', ['xfce4-appfinder', '--collapsed'], 'xfce4-appfinder', 'Arc',
      steps=[('xdotool', 'mousemove', '1400', '880')]),
    S('ho_appfinder_full', ['xfce4-appfinder'], 'xfce4-appfinder', 'HighContrast',
      steps=[('xdotool', 'mousemove', '1400', '880')]),
]


# --------------------------------------------------------------------------
# image helpers (PIL only)
# --------------------------------------------------------------------------
def _diff(a, b):
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2]))


def region_mask(img, box, thr=24, bg=None):
    """mask[y][x] (lists) of pixels in box that differ from the background
    (the most common colour on the box perimeter)."""
    x0, y0, x1, y1 = box
    px = img.load()
    W, H = img.size
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 <= x0 or y1 <= y0:
        return None, (x0, y0)
    if bg is None:
        cnt = {}
        for x in range(x0, x1):
            for y in (y0, y1 - 1):
                c = px[x, y]
                cnt[c] = cnt.get(c, 0) + 1
        for y in range(y0, y1):
            c = px[x1 - 1, y]
            cnt[c] = cnt.get(c, 0) + 1
        bg = max(cnt, key=cnt.get)
    mask = [[_diff(px[x, y], bg) > thr for x in range(x0, x1)] for y in range(y0, y1)]
    return mask, (x0, y0)


def runs(profile):
    out, start = [], None
    for i, v in enumerate(list(profile) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    return out


def tighten(img, box, thr=24, strip_lines=False):
    mask, (ox, oy) = region_mask(img, box, thr)
    if not mask:
        return None
    if strip_lines:  # forget frame lines running (almost) across the box
        h, w = len(mask), len(mask[0])
        for y in range(h):
            if sum(mask[y]) > 0.9 * w:
                mask[y] = [False] * w
        for x in range(w):
            if sum(mask[y][x] for y in range(h)) > 0.9 * h:
                for y in range(h):
                    mask[y][x] = False
    cols = [any(mask[y][x] for y in range(len(mask))) for x in range(len(mask[0]))]
    rows = [any(r) for r in mask]
    if not any(cols):
        return None
    xs = [i for i, v in enumerate(cols) if v]
    ys = [i for i, v in enumerate(rows) if v]
    return [ox + xs[0], oy + ys[0], ox + xs[-1] + 1, oy + ys[-1] + 1]


def indicator(img, box):
    """checkbox/radio indicator: first blob of columns at the left."""
    for thr in (24, 12):
        mask, (ox, oy) = region_mask(img, box, thr)
        if not mask:
            return None
        h = len(mask)
        cols = [any(mask[y][x] for y in range(h)) for x in range(len(mask[0]))]
        rs = runs(cols)
        if not rs:
            continue
        a, b = rs[0]
        # an indicator with a light border may break into two runs: merge
        # runs closer than 3 px while the blob stays square-ish
        for c, d in rs[1:]:
            if c - b <= 2 and d - a <= 24:
                b = d
            else:
                break
        rows = [any(mask[y][x] for x in range(a, b)) for y in range(h)]
        ys = [i for i, v in enumerate(rows) if v]
        w, hh = b - a, ys[-1] + 1 - ys[0]
        if 8 <= w <= 28 and 8 <= hh <= 28 and 0.7 <= w / hh <= 1.4:
            return [ox + a, oy + ys[0], ox + b, oy + ys[-1] + 1]
    return None


def slider_box(img, box, vertical):
    mask, (ox, oy) = region_mask(img, box, 8)
    if not mask:
        return None
    if vertical:  # transpose
        mask = [list(r) for r in zip(*mask)]
    h, w = len(mask), len(mask[0])
    cols = [any(mask[y][x] for y in range(h)) for x in range(w)]
    rs = runs(cols)
    if not rs:
        return None
    a, b = max(rs, key=lambda r: r[1] - r[0])
    # groove row = row with most set pixels inside the run
    counts = [sum(mask[y][a:b]) for y in range(h)]
    g = max(range(h), key=lambda y: counts[y])
    rows = [counts[y] > 0 for y in range(h)]
    y0 = y1 = g
    while y0 > 0 and rows[y0 - 1]:
        y0 -= 1
    while y1 < h - 1 and rows[y1 + 1]:
        y1 += 1
    if vertical:
        return [ox + y0, oy + a, ox + y1 + 1, oy + b]
    return [ox + a, oy + y0, ox + b, oy + y1 + 1]


def has_face(img, box, thr=14):
    """a button face: its edge (or 1 px inside) differs from 2 px outside."""
    x0, y0, x1, y1 = box
    px = img.load()
    W, H = img.size
    pts = []
    for x in range(x0 + 3, x1 - 3, 2):
        pts += [((x, y0), (x, y0 + 1), (x, y0 - 2)), ((x, y1 - 1), (x, y1 - 2), (x, y1 + 1))]
    for y in range(y0 + 3, y1 - 3, 2):
        pts += [((x0, y), (x0 + 1, y), (x0 - 2, y)), ((x1 - 1, y), (x1 - 2, y), (x1 + 1, y))]
    n = d = 0
    for a, b, o in pts:
        if not (0 <= o[0] < W and 0 <= o[1] < H):
            continue
        n += 1
        if _diff(px[a], px[o]) > thr or _diff(px[b], px[o]) > thr:
            d += 1
    if n > 0 and d / n > 0.6:
        return True
    # round buttons touch their extent only in the middle of each edge
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    mids = [((cx, y0), (cx, y0 + 1), (cx, y0 - 2)), ((cx, y1 - 1), (cx, y1 - 2), (cx, y1 + 1)),
            ((x0, cy), (x0 + 1, cy), (x0 - 2, cy)), ((x1 - 1, cy), (x1 - 2, cy), (x1 + 1, cy))]
    ok = [a for a in mids if 0 <= a[2][0] < W and 0 <= a[2][1] < H]
    return len(ok) >= 3 and all(_diff(px[a], px[o]) > thr or _diff(px[b], px[o]) > thr
                                for a, b, o in ok)


# --------------------------------------------------------------------------
# accessibility tree
# --------------------------------------------------------------------------
def ext_of(o):
    import pyatspi
    try:
        e = o.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    except Exception:
        return None
    if e.x == BAD or e.y == BAD or e.width <= 1 or e.height <= 1:
        return None
    return [e.x, e.y, e.x + e.width, e.y + e.height]


def walk(o, chain, out, parent_ext=None):
    import pyatspi
    st = o.getState()
    showing = st.contains(pyatspi.STATE_SHOWING)
    node = dict(obj=o, role=o.getRoleName(), name=o.name or '', ext=ext_of(o),
                chain=chain, showing=showing,
                checked=st.contains(pyatspi.STATE_CHECKED),
                mixed=st.contains(pyatspi.STATE_INDETERMINATE),
                editable=st.contains(pyatspi.STATE_EDITABLE),
                checkable=st.contains(pyatspi.STATE_CHECKABLE),
                id=len(out))
    acts = []
    if node['role'] == 'table cell' and showing:
        try:
            a = o.queryAction()
            acts = [a.getName(i) for i in range(a.nActions)]
        except Exception:
            pass
    node['actions'] = acts
    node['links'] = links_of(node) if node['role'] in LINK_HOSTS and showing else []
    out.append(node)
    if not showing:
        return
    for i in range(o.childCount):
        try:
            c = o.getChildAtIndex(i)
        except Exception:
            c = None
        if c is not None:
            walk(c, chain + [(node['role'], node['name'], i, node['id'])], out)


def links_of(node):
    import pyatspi
    o = node['obj']
    res = []
    try:
        ht = o.queryHypertext()
        tx = o.queryText()
    except Exception:
        return res
    for i in range(ht.getNLinks()):
        lk = ht.getLink(i)
        s, e = lk.startIndex, lk.endIndex
        x, y, w, h = tx.getRangeExtents(s, e, pyatspi.DESKTOP_COORDS)
        if x == BAD or w <= 1:
            continue
        res.append(([x, y, x + w, y + h], tx.getText(s, e)))
    return res


# --------------------------------------------------------------------------
# mapping
# --------------------------------------------------------------------------
TEXT_ROLES = {'text', 'entry', 'password text', 'spin button'}
LINK_HOSTS = ('label', 'text', 'paragraph', 'panel', 'document frame')
MENU_ROLES = {'menu item', 'check menu item', 'radio menu item', 'tearoff menu item'}


def raw_objects(nodes, scene):
    """(node, cls) candidates before image refinement."""
    out = []
    relabel = {tuple(k): v for k, v in scene.get('relabel', {}).items()}
    drop = {tuple(k) for k in scene.get('drop', [])}
    byid = {n['id']: n for n in nodes}
    for n in nodes:
        r, ext = n['role'], n['ext']
        if ext is None:
            continue
        if not n['showing']:
            # GtkIconView items sometimes report SHOWING late; their extent and
            # the pixels (checked in refine) are reliable
            par = byid.get(n['chain'][-1][3]) if n['chain'] else None
            if not (r == 'icon' and par and par['showing'] and par['role'] == 'layered pane'):
                continue
        key = (r, n['name'])
        if key in drop:
            continue
        parents = [c[0] for c in n['chain']]
        cls = None
        if key in relabel:
            cls = relabel[key]
        elif r == 'push button':
            cls = 'button'
        elif r == 'toggle button':
            x0, y0, x1, y1 = ext
            w, h = x1 - x0, y1 - y0
            # GtkSwitch is an unnamed toggle button shaped like a track
            cls = 'toggle' if (not n['name'] and 1.1 < w / h < 2.8 and h <= 40) else 'button'
        elif r in ('check box', 'radio button'):
            x0, y0, x1, y1 = ext
            if not n['name'] and min(x1 - x0, y1 - y0) >= 26:
                cls = 'button'  # radio-mode buttons drawn as buttons
            else:
                cls = 'checkbox' if r == 'check box' else 'radio'
        elif r in TEXT_ROLES:
            if r != 'spin button' and not n['editable']:
                continue
            if parents and parents[-1] == 'combo box':
                continue
            cls = 'text_field'
        elif r == 'combo box':
            cls = 'dropdown'
        elif r == 'slider':
            x0, y0, x1, y1 = ext
            cls = 'button' if max(x1 - x0, y1 - y0) < 50 else 'slider'
        elif r == 'page tab':
            cls = 'tab'
        elif r == 'menu':
            if parents and parents[-1] in ('menu bar', 'menu'):
                cls = 'menu_item'
        elif r in MENU_ROLES:
            cls = 'menu_item'
        elif r in ('icon', 'image'):
            cls = 'icon'
        elif r == 'table cell' and (n['checkable'] or 'toggle' in n.get('actions', ())):
            cls = scene.get('cell_cls', 'checkbox')
        if cls:
            out.append((n, cls))
        # hyperlinks inside labels
        if r in LINK_HOSTS:
            for box, text in n['links']:
                out.append((dict(n, role='link', name=text, ext=box, checked=False), 'link'))
    return out


def sig(n):
    return (n['role'], n['name'], tuple(n['ext'] or ()))


def overlays(nodes):
    """open menus / popovers: (rect, signatures of the nodes drawn in it).
    A GTK menu can show up twice in the tree (under its combo box and as a
    toplevel child), so membership goes by (role, name, extent)."""
    res = []
    byid = {n['id']: n for n in nodes}
    for n in nodes:
        if not n['showing']:
            continue
        rect = None
        if n['role'] in ('menu', 'combo box'):
            kids = [m for m in nodes if m['chain'] and m['chain'][-1][3] == n['id']
                    and m['role'] in MENU_ROLES | {'menu', 'separator'} and m['showing'] and m['ext']]
            if kids and not (n['role'] == 'menu' and n['ext'] and all(
                    k['ext'] == n['ext'] for k in kids)):
                rect = [min(k['ext'][0] for k in kids) - 4, min(k['ext'][1] for k in kids) - 4,
                        max(k['ext'][2] for k in kids) + 4, max(k['ext'][3] for k in kids) + 4]
        # popovers: extra panels directly under the toplevel
        if n['role'] == 'panel' and len(n['chain']) == 2 and n['ext'] and n['chain'][-1][2] >= 2:
            top = byid.get(n['chain'][1][3])
            if top and top['role'] in ('frame', 'dialog', 'window'):
                rect = n['ext']
        if rect:
            members = {sig(m) for m in nodes if n['id'] in [c[3] for c in m['chain']]}
            members.add(sig(n))
            res.append((rect, members))
    return res


def area(b):
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def inter(a, b):
    return [max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])]


# ---- helpers for scene hooks ----
def children(nodes, n):
    return [m for m in nodes if m['chain'] and m['chain'][-1][3] == n['id']]


def relabel(cands, pred, cls):
    return [(n, cls if pred(n) else c) for n, c in cands]


def drop_where(cands, pred):
    return [(n, c) for n, c in cands if not pred(n)]


def node_obj(n, cls, box, checked=None, text=None):
    return dict(cls=cls, box=list(box), checked=checked, text=text, _node=n['id'], _sig=sig(n),
                _chain=[c[3] for c in n['chain']], _role=n['role'])


def manual(img, cls, region, checked=None, text=None):
    """a box measured by hand: the content of region (screen coords)."""
    return dict(cls=cls, box=tighten(img, region) or list(region), checked=checked, text=text)


def refine(img, cands, scene, log, byid):
    pad = TAB_PAD.get(scene['theme'], (12, 3))
    objs = []
    flat_names = scene.get('flat_names', ())
    for n, cls in cands:
        box = list(n['ext'])
        # scrolled out of view: clip by scroll panes / viewports first
        for c in n['chain']:
            a = byid.get(c[3])
            if a and a['role'] in ('scroll pane', 'viewport') and a['ext']:
                box = inter(box, a['ext'])
        if area(box) < 0.6 * area(n['ext']) or box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        checked = None
        text = n['name'] or None
        if cls in ('checkbox', 'radio'):
            ind = indicator(img, box)
            if ind is None:
                log.append('no indicator for %s %r %s' % (n['role'], n['name'], box))
                continue
            box = ind
            checked = bool(n['checked'] or n['mixed'])
        elif cls == 'toggle':
            checked = bool(n['checked'])
            t = tighten(img, box)
            box = t or box
        elif cls == 'slider':
            v = (box[3] - box[1]) > (box[2] - box[0])
            box = slider_box(img, box, v) or box
        elif cls == 'button':
            parents = [c[0] for c in n['chain']]
            small = (box[2] - box[0]) <= 48 and (box[3] - box[1]) <= 48
            if n['role'] == 'push button' and n['name'] in ('Minimize', 'Maximize', 'Close') and \
                    'panel' in parents[-2:]:
                flat = True  # client-side window controls: bare glyphs
            elif n['name'] in flat_names:
                flat = True
            elif n['name'] in scene.get('face_names', ()):
                flat = False
            elif (small and not scene.get('trust_small')) or 'tool bar' in parents or n['role'] == 'slider' or scene.get('face_check'):
                flat = not has_face(img, box)
            else:
                flat = False
            if flat:
                t = tighten(img, box, strip_lines=True)
                if t and (t[2] - t[0]) <= 40 and (t[3] - t[1]) <= 40:
                    cls, box = 'icon', t
                else:
                    log.append('flat button dropped %s %r %s' % (n['role'], n['name'], box))
                    continue
        elif cls in ('icon', 'link'):
            t = tighten(img, box, strip_lines=True)
            if t is None:
                log.append('empty %s dropped %r %s' % (cls, n['name'], box))
                continue
            box = t
        elif cls == 'tab':
            if n['role'] == 'page tab':
                box = [box[0] - pad[0], box[1] - pad[1], box[2] + pad[0], box[3] + pad[1]]
        if cls == 'icon':  # bare glyphs like a minimize dash: at least 10 px
            for i in (0, 1):
                if box[i + 2] - box[i] < 10:
                    c = (box[i] + box[i + 2]) // 2
                    box[i], box[i + 2] = c - 5, c + 5
        objs.append(dict(cls=cls, box=box, checked=checked, text=text, _sig=sig(n),
                         _node=n['id'], _chain=[c[3] for c in n['chain']], _role=n['role']))
    return objs


# --------------------------------------------------------------------------
# running a scene
# --------------------------------------------------------------------------
def find_app(name):
    import pyatspi
    desk = pyatspi.Registry.getDesktop(0)
    for i in range(desk.childCount):
        a = desk.getChildAtIndex(i)
        if a is not None and name.lower() in (a.name or '').lower():
            return a
    return None


def find_nodes(app, role, name):
    res = []

    def rec(o):
        if o.getRoleName() == role and (name is None or o.name == name or (
                name.endswith('*') and (o.name or '').startswith(name[:-1]))):
            res.append(o)
        for i in range(o.childCount):
            c = o.getChildAtIndex(i)
            if c is not None:
                rec(c)
    rec(app)
    return res


def do_steps(scene, app):
    for st in scene['steps']:
        kind = st[0]
        if kind == 'action':
            _, role, name = st[:3]
            idx = st[3] if len(st) > 3 else 0
            o = find_nodes(app, role, name)[idx]
            o.queryAction().doAction(0)
        elif kind == 'click':  # click the middle of a node with xdotool
            _, role, name = st[:3]
            e = ext_of(find_nodes(app, role, name)[0])
            subprocess.run(['xdotool', 'mousemove', str((e[0] + e[2]) // 2), str((e[1] + e[3]) // 2),
                            'click', '1'], env=dict(os.environ, DISPLAY=DISPLAY))
        elif kind == 'xdotool':
            subprocess.run(['xdotool'] + list(st[1:]), env=dict(os.environ, DISPLAY=DISPLAY))
        elif kind == 'sleep':
            time.sleep(st[1])
        elif kind == 'focus':  # grab focus of a node
            _, role, name = st[:3]
            find_nodes(app, role, name)[0].queryComponent().grabFocus()
        time.sleep(0.8)


def run_scene(scene):
    from PIL import ImageGrab
    env = dict(os.environ, DISPLAY=DISPLAY, GTK_MODULES='gail:atk-bridge',
               GTK_USE_PORTAL='0', LANG='C.UTF-8', LC_ALL='C.UTF-8',
               GTK_THEME=scene['theme'], GTK_OVERLAY_SCROLLING='1')
    env.pop('NO_AT_BRIDGE', None)
    env.update(scene.get('env', {}))
    p = subprocess.Popen(scene['cmd'], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        app = None
        for _ in range(60):
            time.sleep(0.5)
            app = find_app(scene['app'])
            if app is not None and app.childCount and any(
                    ext_of(app.getChildAtIndex(i)) for i in range(app.childCount)):
                break
        if app is None:
            raise RuntimeError('app did not appear: %s' % scene['name'])
        time.sleep(scene.get('settle', 2.0))
        do_steps(scene, app)
        time.sleep(1.0)
        nodes = []
        tops = []
        for i in range(app.childCount):
            c = app.getChildAtIndex(i)
            if c is None:
                continue
            e = ext_of(c)
            if e is None or not c.getState().contains(__import__('pyatspi').STATE_SHOWING):
                continue
            if scene.get('window') and scene['window'] not in (c.name or ''):
                continue
            if scene.get('skip_window') and scene['skip_window'] == (c.name or ''):
                continue
            tops.append(e)
            walk(c, [('application', app.name, i, -1)], nodes)
        img = ImageGrab.grab(xdisplay=DISPLAY).convert('RGB')
    finally:
        try:
            os.killpg(p.pid, 15)
        except Exception:
            pass
        p.wait()
    # keep the raw capture so that the mapping can be re-run offline (--offline)
    os.makedirs(RAW, exist_ok=True)
    img.save(os.path.join(RAW, scene['name'] + '.png'))
    with open(os.path.join(RAW, scene['name'] + '.json'), 'w') as f:
        json.dump({'tops': tops, 'nodes': [{k: v for k, v in n.items() if k != 'obj'} for n in nodes]}, f)
    process(scene, img, nodes, tops)


def process(scene, img, nodes, tops):
    log = []
    byid = {n['id']: n for n in nodes}
    with open('/tmp/gtk_nodes_%s.txt' % scene['name'], 'w') as f:
        for n in nodes:
            f.write('%s%s %r %s %s L=%s\n' % ('  ' * len(n['chain']), n['role'], n['name'], n['ext'],
                                           'checked' if n['checked'] else '', n['links']))
    cands = raw_objects(nodes, scene)
    if scene.get('pre'):
        cands = scene['pre'](nodes, cands)
    objs = refine(img, cands, scene, log, byid)
    if scene.get('post'):
        objs = scene['post'](objs, img, nodes)
    ovs = overlays(nodes)
    # occlusion by menus/popovers
    keep = []
    for o in objs:
        hidden = False
        for rect, members in ovs:
            if o.get('_sig') in members:
                continue
            if area(inter(o['box'], rect)) > 0.4 * area(o['box']):
                hidden = True
        if hidden:
            log.append('covered %s %r' % (o['cls'], o['text']))
        else:
            keep.append(o)
    objs = keep
    # crop: the toplevel(s) and open popups, clipped to the screen
    crop = scene.get('crop')
    if crop is None:
        rects = tops + [r for r, _ in ovs]
        crop = [min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects)]
    crop = inter(crop, [0, 0, img.size[0], img.size[1]])
    for a in scene.get('add', []):  # manual additions, screen coords
        cls, box = a[0], list(a[1])
        if a[2] if len(a) > 2 else False:
            box = tighten(img, box) or box
        objs.append(dict(cls=cls, box=box, checked=a[3] if len(a) > 3 else None,
                         text=a[4] if len(a) > 4 else None))
    final = []
    seen = set()
    for o in objs:
        # clip by scrolled ancestors
        clip = crop
        for cid in o.get('_chain', []):
            a = byid.get(cid)
            if a and a['role'] in ('scroll pane', 'viewport') and a['ext']:
                clip = inter(clip, a['ext'])
        b = inter(o['box'], clip)
        if area(b) < 0.6 * area(o['box']) or b[2] - b[0] < 4 or b[3] - b[1] < 4:
            continue
        b = [b[0] - crop[0], b[1] - crop[1], b[2] - crop[0], b[3] - crop[1]]
        k = (o['cls'], tuple(b))
        if k in seen:
            continue
        seen.add(k)
        final.append(dict(cls=o['cls'], box=b, checked=o['checked'], text=o['text']))
    out = img.crop(tuple(crop))
    name = scene['name']
    png = os.path.join(OUT, name + '.png')
    out.save(png, optimize=True)
    meta = {'program': scene.get('program', scene['cmd'][0]), 'how': 'atspi',
            'theme': scene['theme'], 'scene': name, 'command': ' '.join(scene['cmd'])}
    if scene.get('note'):
        meta['note'] = scene['note']
    data = {'width': out.size[0], 'height': out.size[1], 'source': 'real', 'meta': meta,
            'objects': final}
    tmp = os.path.join(OUT, name + '.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    os.replace(tmp, os.path.join(OUT, name + '.json'))
    print('%s: %d objects, %s' % (name, len(final), out.size))
    for line in log:
        print('   ', line)


def scenes():
    return HOLDOUT if OUT == HOLDOUT_DIR else SCENES


def offline(names):
    from PIL import Image
    for sc in scenes():
        if names and not any(sc['name'].startswith(n) for n in names):
            continue
        base = os.path.join(RAW, sc['name'])
        if not os.path.exists(base + '.json'):
            print('no raw capture for', sc['name'])
            continue
        d = json.load(open(base + '.json'))
        for n in d['nodes']:
            n['chain'] = [tuple(c) for c in n['chain']]
            n['links'] = [(list(b), t) for b, t in n['links']]
        process(sc, Image.open(base + '.png').convert('RGB'), d['nodes'], d['tops'])


def inner(names):
    for sc in scenes():
        if names and not any(sc['name'].startswith(n) for n in names):
            continue
        try:
            run_scene(sc)
        except Exception as e:  # keep going with the other scenes
            print('FAILED', sc['name'], repr(e))


def main():
    global OUT
    args = sys.argv[1:]
    if '--holdout' in args:
        args.remove('--holdout')
        OUT = os.environ['ELEMENTS_OUT'] = HOLDOUT_DIR
        os.makedirs(OUT, exist_ok=True)
    if args[:1] == ['--inner']:
        return inner(args[1:])
    if args[:1] == ['--offline']:
        return offline(args[1:])
    xvfb = subprocess.Popen(['Xvfb', DISPLAY, '-screen', '0', '%dx%dx24' % SCREEN,
                             '-nolisten', 'tcp'], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        env = dict(os.environ, DISPLAY=DISPLAY, ELEMENTS_DISPLAY=DISPLAY)
        subprocess.run(['dbus-run-session', '--', '/usr/bin/python3', os.path.abspath(__file__),
                        '--inner'] + args, env=env, stderr=open('/tmp/gtk_capture.log', 'w'))
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == '__main__':
    main()
