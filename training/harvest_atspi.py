#!/usr/bin/python3
"""Real labelled screens from the accessibility tree of real GTK 3 and Qt 5 programs.

Runs with Debian's system python (python3-pyatspi, python3-pil) on its own Xvfb
and D-Bus session (dbus-run-session), with the AT-SPI bus started there:

    /usr/bin/python3 training/harvest_atspi.py                     # training: build/elements/real_atspi
    /usr/bin/python3 training/harvest_atspi.py --val               # the validation set: tests/data/elements_val
    /usr/bin/python3 training/harvest_atspi.py --programs evince meld --variants 2

Each program (PROGRAMS; VAL_PROGRAMS for --val) is started in several variants
(a GTK theme, icon theme and font, or a Qt style and colour scheme; a window
size), its window is sized, and the screen is captured: the main window, then
in a fresh start of the program for each, what each of its key presses opens (a
menu with F10, a dialog by its shortcut; the window focused with xdotool) and,
for GTK programs, its About dialog (the menu entry activated through AT-SPI).
A dialog screen is the new window alone.
Boxes come from the accessibility tree and are labelled by the rules of the
real evaluation set (tests/data/elements/gtk_capture.py: roles to classes,
indicators and sliders measured on the pixels, flat buttons as icons, tabs
grown by the theme's padding, objects under an open menu dropped), after
dropping every node that is not both SHOWING and VISIBLE (with its subtree).
Nothing is hand-fixed per screen; a screen where a check or radio button could not
be labelled (no indicator found on its pixels) is dropped, not kept half-labelled.

Program lists are disjoint by construction: the training list never holds a
program of the evaluation sets (EVAL_PROGRAMS: the real set, the hold-out set,
the validation set); the script refuses to run otherwise.  Resumable: a screen
whose JSON exists is skipped.  Progress: one line a screen (n/N, screens/s, eta).
"""
import argparse
import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests', 'data', 'elements'))

SCREEN = (1920, 1200)

# ---- programs -----------------------------------------------------------------------
# name: (command, toolkit, key presses).  Each program gives a screen of its main window,
# one for each key press (in a fresh start: a menu opened with F10 or Alt+letter, a
# dialog opened by its shortcut) and one of its About dialog (its menu entry activated
# through AT-SPI).  What a program lacks adds no screen.
T = '/usr/share/common-licenses/GPL-3'
PDF = '/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf'
QX = '/usr/lib/x86_64-linux-gnu/qt5/examples/widgets/'
PROGRAMS = {
    # GTK 3
    'evince': (['evince', PDF], 'gtk', ['ctrl+o', 'F9']),
    'ristretto': (['ristretto', '/usr/share/pixmaps'], 'gtk', ['F10', 'ctrl+o']),
    'xfce4-taskmanager': (['xfce4-taskmanager'], 'gtk', []),
    'catfish': (['catfish', '--path=/usr/share/doc'], 'gtk', []),
    'xarchiver': (['xarchiver'], 'gtk', ['F10', 'ctrl+n']),
    'l3afpad': (['l3afpad', T], 'gtk', ['F10', 'ctrl+f', 'ctrl+h', 'ctrl+s']),
    'meld': (['meld'], 'gtk', ['ctrl+n']),
    'dconf-editor': (['dconf-editor'], 'gtk', []),
    'gnome-system-monitor': (['gnome-system-monitor'], 'gtk', []),
    'gedit': (['gedit', T], 'gtk', ['ctrl+f', 'ctrl+h', 'ctrl+o']),
    'gnome-disks': (['gnome-disks'], 'gtk', []),
    'simple-scan': (['simple-scan'], 'gtk', ['ctrl+comma']),
    'font-manager': (['font-manager'], 'gtk', []),
    'parole': (['parole'], 'gtk', ['F10', 'ctrl+o']),
    # Xfce's settings dialogs: scales (some with marks), radio groups, spin buttons; one
    # screen a notebook page ('tab:N', selected through AT-SPI)
    'xfce4-mouse-settings': (['xfce4-mouse-settings'], 'gtk', ['tab:1', 'tab:2']),
    'xfce4-keyboard-settings': (['xfce4-keyboard-settings'], 'gtk', ['tab:1', 'tab:2']),
    'xfce4-notifyd-config': (['xfce4-notifyd-config'], 'gtk', []),
    'xfce4-accessibility-settings': (['xfce4-accessibility-settings'], 'gtk', ['tab:1', 'tab:2']),
    'xfce4-appearance-settings': (['xfce4-appearance-settings'], 'gtk', ['tab:1', 'tab:2', 'tab:3']),
    'xfce4-screenshooter': (['xfce4-screenshooter'], 'gtk', []),
    # Qt 5
    'lximage-qt': (['lximage-qt'], 'qt', ['ctrl+o']),
    'pavucontrol-qt': (['pavucontrol-qt'], 'qt', []),
    'qbittorrent': (['qbittorrent'], 'qt', []),
    'keepassxc': (['keepassxc'], 'qt', ['ctrl+shift+n']),
    'transmission-qt': (['transmission-qt'], 'qt', ['ctrl+o']),
    'qt5-standarddialogs': ([QX + 'dialogs/standarddialogs/standarddialogs'], 'qt', []),
    'qt5-gallery': ([QX + 'gallery/gallery'], 'qt', []),
    'qt5-tabdialog': ([QX + 'dialogs/tabdialog/tabdialog'], 'qt', []),
    'qt5-findfiles': ([QX + 'dialogs/findfiles/findfiles'], 'qt', []),
    'qt5-licensewizard': ([QX + 'dialogs/licensewizard/licensewizard'], 'qt', []),
    'qt5-sliders': ([QX + 'widgets/sliders/sliders'], 'qt', []),
    'qt5-lineedits': ([QX + 'widgets/lineedits/lineedits'], 'qt', []),
    'qt5-groupbox': ([QX + 'widgets/groupbox/groupbox'], 'qt', []),
    'qt5-spinboxes': ([QX + 'widgets/spinboxes/spinboxes'], 'qt', []),
    'qt5-calculator': ([QX + 'widgets/calculator/calculator'], 'qt', []),
    'qt5-icons': ([QX + 'widgets/icons/icons'], 'qt', []),
    'qt5-application': ([QX + 'mainwindows/application/application'], 'qt', []),
    'qt5-mainwindow': ([QX + 'mainwindows/mainwindow/mainwindow'], 'qt', []),
    'qt5-addressbook': ([QX + 'itemviews/addressbook/addressbook'], 'qt', []),
}
#: the validation set's programs (tests/data/elements_val): never in PROGRAMS
VAL_PROGRAMS = {
    'gucharmap': (['gucharmap'], 'gtk', ['F10', 'ctrl+f']),
    'transmission-gtk': (['transmission-gtk'], 'gtk', ['ctrl+o', 'F10']),
    'file-roller': (['file-roller'], 'gtk', ['ctrl+o', 'ctrl+n']),
    'qt5ct': (['qt5ct'], 'qt', []),
    'speedcrunch': (['speedcrunch'], 'qt', []),
    'qpdfview': (['qpdfview', PDF], 'qt', ['ctrl+f']),
    'qt5-calendarwidget': ([QX + 'widgets/calendarwidget/calendarwidget'], 'qt', []),
    'qt5-styles': ([QX + 'widgets/styles/styles'], 'qt', []),
}
#: Left out: GTK 4 programs (gnome-calculator, baobab, ghex, gnome-font-viewer ...), as
#: GTK 4.8 gives no extents over AT-SPI; GTK 2 programs (pcmanfm, gpicview, hardinfo,
#: lxappearance), whose accessibility needs GTK_MODULES; xfwm4-settings and
#: xfwm4-tweaks-settings, which refuse to start without xfwm4 running; pavucontrol, which shows only
#: "Establishing connection to PulseAudio" without a sound server

#: programs of the evaluation sets: the real set and the hold-out set
#: (tests/data/elements*/README.md) and the validation set above
EVAL_PROGRAMS = frozenset({
    'gtk3-widget-factory', 'gtk3-demo', 'zenity', 'yad', 'mousepad', 'xcalc', 'xedit',
    'xmessage', 'geany', 'galculator', 'thunar', 'xfce4-appfinder'} | set(VAL_PROGRAMS))

# ---- looks ----------------------------------------------------------------------------
GTK_THEMES = ['Adwaita', 'Adwaita:dark', 'Arc-Darker', 'Arc-Lighter', 'Greybird-dark',
              'Greybird-compact', 'Materia-light', 'Materia-dark-compact', 'HighContrast']
ICON_THEMES = ['Adwaita', 'Papirus', 'Papirus-Dark', 'elementary-xfce', 'Tango']
FONTS = ['DejaVu Sans 9', 'DejaVu Sans 10', 'Liberation Sans 10', 'Noto Sans 10', 'DejaVu Sans 11',
         'Cantarell 11', 'Liberation Sans 12']
#: tab header = the label GTK reports grown by this (dx, dy), per theme
TAB_PAD = {'Arc-Darker': (12, 3), 'Arc-Lighter': (12, 3), 'Greybird-dark': (8, 2),
           'Greybird-compact': (8, 2), 'Materia-light': (16, 8), 'Materia-dark-compact': (12, 6)}
QT_STYLES = ['Fusion', 'Windows', 'cleanlooks', 'plastique']
QT_COLOURS = [None, 'darker.conf', 'airy.conf', 'dusk.conf', 'sand.conf', 'waves.conf']
SIZES = [(1280, 720), (1366, 768), (1024, 768), (1600, 900), (800, 600), None]   # None: natural


def variants(name, toolkit, n, seed):
    """n looks for a program, drawn from a seed of its own (stable across runs)."""
    rnd = random.Random('%s/%d' % (name, seed))
    out = []
    for i in range(n):
        size = rnd.choice(SIZES)
        if toolkit == 'gtk':
            out.append(dict(i=i, theme=rnd.choice(GTK_THEMES), icons=rnd.choice(ICON_THEMES),
                            font=rnd.choice(FONTS), size=size))
        else:
            out.append(dict(i=i, theme='qt:' + rnd.choice(QT_STYLES), colours=rnd.choice(QT_COLOURS),
                            font=rnd.choice(FONTS), size=size))
    return out


def config_home(v):
    """A fresh XDG_CONFIG_HOME holding the variant's look (programs start as on first run)."""
    d = tempfile.mkdtemp(prefix='harvest_cfg_')
    os.makedirs(os.path.join(d, 'gtk-3.0'))
    with open(os.path.join(d, 'gtk-3.0', 'settings.ini'), 'w') as f:
        f.write('[Settings]\ngtk-icon-theme-name=%s\ngtk-font-name=%s\n'
                % (v.get('icons', 'Adwaita'), v['font']))
    if v['theme'].startswith('qt:'):
        os.makedirs(os.path.join(d, 'qt5ct'))
        fam, size = v['font'].rsplit(' ', 1)
        font = '"%s,%s,-1,5,50,0,0,0,0,0"' % (fam, size)
        with open(os.path.join(d, 'qt5ct', 'qt5ct.conf'), 'w') as f:
            f.write('[Appearance]\nstyle=%s\ncustom_palette=%s\ncolor_scheme_path=%s\n'
                    'icon_theme=%s\n[Fonts]\ngeneral=%s\nfixed=%s\n'
                    % (v['theme'][3:], 'true' if v.get('colours') else 'false',
                       '/usr/share/qt5ct/colors/%s' % (v.get('colours') or 'airy.conf'),
                       random.Random(v['font']).choice(ICON_THEMES), font, font))
    return d


# ---- the accessibility tree -------------------------------------------------------------
def pump():
    """Let libatspi read its D-Bus signals (applications coming and going, states):
    without a main loop running, the desktop's list of applications goes stale."""
    from gi.repository import GLib
    ctx = GLib.MainContext.default()
    for _ in range(1000):
        if not ctx.iteration(False):
            break


def app_of(pid):
    import pyatspi
    pump()
    desk = pyatspi.Registry.getDesktop(0)
    for i in range(desk.childCount):
        try:
            a = desk.getChildAtIndex(i)
            if a is not None and a.get_process_id() == pid:
                return a
        except Exception:
            continue
    return None


def toplevels(app):
    """(index, accessible, extent) of the app's showing windows."""
    import pyatspi
    from gtk_capture import ext_of
    out = []
    for i in range(app.childCount):
        c = app.getChildAtIndex(i)
        if c is None:
            continue
        st = c.getState()
        e = ext_of(c)
        if e and st.contains(pyatspi.STATE_SHOWING) and st.contains(pyatspi.STATE_VISIBLE):
            out.append((i, c, e))
    return out


def walk_visible(app, tops, toolkit='gtk'):
    """The nodes of the given windows (gtk_capture's walk), with every node that is
    not VISIBLE, and everything under it, marked not showing.  Qt: a panel right
    under a window is a 'filler' (gtk_capture takes such GTK panels for popovers and
    drops what they cover)."""
    import pyatspi
    from gtk_capture import walk
    nodes = []
    for i, c, _ in tops:
        walk(c, [('application', app.name, i, -1)], nodes)
    hidden = set()
    for n in nodes:
        try:
            vis = n['obj'].getState().contains(pyatspi.STATE_VISIBLE)
        except Exception:
            vis = False
        if not vis or any(c[3] in hidden for c in n['chain']):
            hidden.add(n['id'])
            n['showing'] = False
        if toolkit == 'qt' and n['role'] == 'panel' and len(n['chain']) == 2:
            n['role'] = 'filler'
    return nodes


def xdo(*args):
    subprocess.run(['xdotool'] + [str(a) for a in args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=10)


def wait_window(pid, toolkit, timeout=12):
    """The program's accessible application once it shows a window (None: not in time).
    Asked only once its X window is there: a Qt 5 program asked about while it starts
    does not show up."""
    subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(pid)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    time.sleep(3 if toolkit == 'qt' else 1)
    t = time.time() + timeout
    while time.time() < t:
        app = app_of(pid)
        if app is not None and toplevels(app):
            return app
        time.sleep(0.5)
    return None


def capture(scene, app, tops, out_dir, toolkit):
    """Label the given windows' screen with gtk_capture's rules, write NAME.png/json."""
    import gtk_capture as gc
    from PIL import ImageGrab
    time.sleep(0.3)
    nodes = walk_visible(app, tops, toolkit)
    img = ImageGrab.grab(xdisplay=os.environ['DISPLAY']).convert('RGB')
    gc.OUT = out_dir
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        gc.process(scene, img, nodes, [e for _, _, e in tops])
    print(buf.getvalue(), end='', flush=True)
    unlabelled = [ln.strip() for ln in buf.getvalue().splitlines() if 'no indicator for' in ln]
    if unlabelled:
        # a check or radio button left without a box would teach the model that it is
        # background (a focused radio's halo, a stack switcher's radio-role buttons)
        for ext in ('.png', '.json'):
            os.remove(os.path.join(out_dir, scene['name'] + ext))
        print('  %s: dropped, %d control(s) left unlabelled' % (scene['name'], len(unlabelled)),
              flush=True)
    if not os.environ.get('HARVEST_KEEP_NODES'):
        os.remove('/tmp/gtk_nodes_%s.txt' % scene['name'])


SKIP_UNDER = {'table', 'tree table', 'tree', 'list', 'list box', 'document text', 'text'}


def find_items(app, pred, limit=4000):
    """Accessible objects for which pred(role, name) holds, breadth first, without
    descending into tables and lists (thousands of cells)."""
    out, queue, seen = [], [app], 0
    while queue and seen < limit:
        o = queue.pop(0)
        seen += 1
        try:
            role, name = o.getRoleName(), o.name or ''
        except Exception:
            continue
        if pred(role, name):
            out.append(o)
        if role not in SKIP_UNDER:
            queue.extend(c for c in map(lambda i: _child(o, i), range(o.childCount)) if c is not None)
    return out


def _child(o, i):
    """The i-th child, or None where the program does not answer."""
    try:
        return o.getChildAtIndex(i)
    except Exception:
        return None


def _plain(name):
    return name.replace('_', '').replace('&', '').replace('\u2026', '').replace('...', '').strip().lower()


def act(app, action):
    """Activate the menu entry named ``action`` (AT-SPI action 0, the menu may be
    closed); whether there was one."""
    from gtk_capture import MENU_ROLES
    want = action.lower()
    targets = find_items(app, lambda r, n: r in MENU_ROLES and _plain(n) == want)
    if not targets:
        targets = find_items(app, lambda r, n: r in MENU_ROLES and _plain(n).startswith(want))
    for o in targets[:1]:
        try:
            a = o.queryAction()
            if a.nActions:
                a.doAction(0)
                return True
        except Exception:
            return False
    return False


def select_tab(app, k):
    """Show the k-th notebook page (page tabs in breadth-first order) by selecting its tab
    in its tab list (AT-SPI Selection); whether there was one."""
    tabs = find_items(app, lambda r, n: r == 'page tab')
    if k >= len(tabs):
        return False
    try:
        tab = tabs[k]
        return bool(tab.parent.querySelection().selectChild(tab.getIndexInParent()))
    except Exception:
        return False


def run_program(name, v, a, log):
    """The screens of one look of one program: how many were written.  Each in a
    process of its own: a libatspi client that asked for the desktop's applications
    while a Qt 5 program started does not see that program come."""
    made = 0
    spec = (VAL_PROGRAMS if a.val else PROGRAMS)[name]
    # About through AT-SPI: a Qt program answers the action only when its modal box closes
    for action in ['main'] + spec[2] + (['About'] if spec[1] == 'gtk' else []):
        scene_name = '%s_%02d_%s' % (name, v['i'], action.lower().replace('+', '-').replace(':', ''))
        if os.path.exists(os.path.join(a.out, scene_name + '.json')):
            continue
        one = json.dumps(dict(name=name, v=v, action=action, scene=scene_name, out=a.out, val=a.val))
        for _ in range(3):      # a Qt 5 program now and then never shows up on the bus
            try:
                r = subprocess.run([sys.executable, os.path.abspath(__file__), '--one', one],
                                   capture_output=True, text=True, timeout=90)
            except subprocess.TimeoutExpired:
                r = None
            if r is None or 'no window' not in r.stdout:
                break
        if r is None:
            log('  %s: timed out' % scene_name)
            continue
        for line in r.stdout.splitlines():
            log(line)
        made += os.path.exists(os.path.join(a.out, scene_name + '.json'))
    return made


def one(job):
    """One screen (run_program's subprocess)."""
    import gtk_capture as gc
    gc.TAB_PAD.update(TAB_PAD)
    for s in QT_STYLES:
        gc.TAB_PAD['qt:' + s] = (0, 0)      # Qt reports the whole tab
    j = json.loads(job)
    spec = (VAL_PROGRAMS if j['val'] else PROGRAMS)[j['name']]
    v = dict(j['v'], size=tuple(j['v']['size']) if j['v']['size'] else None)
    run_action(j['name'], spec, v, j['action'], j['scene'], j['out'],
               lambda s: print(s, flush=True))


def run_action(name, spec, v, action, scene_name, out_dir, log):
    cmd, toolkit, keys = spec
    cfg = config_home(v)
    env = dict(os.environ, XDG_CONFIG_HOME=cfg, LANG='C.UTF-8', LC_ALL='C.UTF-8',
               GTK_USE_PORTAL='0', QT_LINUX_ACCESSIBILITY_ALWAYS_ON='1', QT_ACCESSIBILITY='1',
               QT_QPA_PLATFORMTHEME='qt5ct', HOME=cfg)
    for k in ('GTK_MODULES', 'NO_AT_BRIDGE', 'GTK_THEME', 'QT_STYLE_OVERRIDE'):
        env.pop(k, None)
    if toolkit == 'gtk':
        env['GTK_THEME'] = v['theme']
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        app = wait_window(p.pid, toolkit)
        if app is None:
            log('  %s: no window' % scene_name)
            return 0
        time.sleep(1.5)
        if v['size']:
            xdo('search', '--sync', '--onlyvisible', '--pid', p.pid, 'windowsize', '%@', *v['size'])
            time.sleep(1.0)
        main = toplevels(app)
        scene = dict(name=scene_name, cmd=cmd, theme=v['theme'], program=name, steps=[],
                     note='%s; %s; %s' % (toolkit, action, json.dumps(v)))
        if toolkit == 'qt':
            scene.update(pre=qt_pre, post=qt_post)
        else:
            scene['post'] = indicator_post
        tops = main
        if action.startswith('tab:'):
            if not select_tab(app, int(action[4:])):
                log('  %s: no such notebook page' % scene_name)
                return 0
            time.sleep(1.0)
            tops = toplevels(app)
        elif action != 'main':
            if action in keys:
                w = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(p.pid)],
                                   capture_output=True, text=True).stdout.split()
                if not w:
                    return 0
                xdo('windowfocus', '--sync', w[0])
                xdo('mousemove', (main[0][2][0] + main[0][2][2]) // 2, (main[0][2][1] + main[0][2][3]) // 2)
                xdo('key', action)
            elif not act(app, action):
                return 0
            for _ in range(8):        # a window opens within 4 s
                time.sleep(0.5)
                now = toplevels(app)
                new = [t for t in now if t[0] not in {i for i, _, _ in main}]
                if new:
                    time.sleep(1.0)
                    now = toplevels(app)
                    new = [t for t in now if t[0] not in {i for i, _, _ in main}]
                    break
            if action == 'F10':
                if not new and not menu_open(walk_visible(app, now)):
                    log('  %s: no menu opened' % scene_name)
                    return 0
                tops = now            # the window and its popup
            elif new:
                tops = new            # a dialog: its window alone
                scene['crop'] = [min(e[0] for _, _, e in new), min(e[1] for _, _, e in new),
                                 max(e[2] for _, _, e in new), max(e[3] for _, _, e in new)]
            else:
                log('  %s: %s opened no window' % (scene_name, action))
                return 0
        capture(scene, app, tops, out_dir, toolkit)
        return 1
    finally:
        try:
            os.killpg(p.pid, 15)
        except Exception:
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
        shutil.rmtree(cfg, ignore_errors=True)


CSD_NAMES = ('Minimize', 'Maximize', 'Close')
#: px an indicator may sit right of its check box's extent (style margins)
INDICATOR_INSET = 8


def qt_pre(nodes, cands):
    """Qt's Close / Minimize buttons are push buttons with a face, not GTK's bare
    header-bar glyphs that gtk_capture's rules make icons by their names."""
    return [(dict(n, name=n['name'] + '\t') if n['name'] in CSD_NAMES else n, c) for n, c in cands]


def indicator_post(objs, img, nodes):
    """A check box's or radio button's indicator sits at the left end of its extent;
    a blob found further right is a letter of the label (a disabled indicator drawn
    too faint to be found): dropped.  A tree view's column header (a push button
    under the table) is not a button: GTK reports some with the whole view's extent."""
    byid = {n['id']: n for n in nodes}
    out = []
    for o in objs:
        n = byid.get(o.get('_node'))
        if (n and o['cls'] in ('checkbox', 'radio') and n['role'] in ('check box', 'radio button')
                and n['ext'] and o['box'][0] - n['ext'][0] > INDICATOR_INSET):
            continue
        if n and n['role'] == 'push button' and n['chain'] and n['chain'][-1][0] in (
                'table', 'tree table'):
            continue
        out.append(o)
    return out


def qt_post(objs, img, nodes):
    """Names back as they were; a spin box's inner line edit, which Qt reports as a
    text of its own inside the spin button, is not a second text field."""
    objs = indicator_post(objs, img, nodes)
    fields = [o['box'] for o in objs if o['cls'] == 'text_field']
    out = []
    for o in objs:
        if o.get('text'):
            o['text'] = o['text'].rstrip('\t')
        b = o['box']
        if o['cls'] == 'text_field' and any(
                f != b and f[0] <= b[0] and f[1] <= b[1] and f[2] >= b[2] and f[3] >= b[3]
                for f in fields):
            continue
        out.append(o)
    return out


def menu_open(nodes):
    """Whether a menu shows its entries (a closed menu's entries are not showing)."""
    from gtk_capture import MENU_ROLES
    shown = {n['id'] for n in nodes if n['role'] == 'menu' and n['showing']}
    return any(n['role'] in MENU_ROLES and n['showing'] and n['ext'] and n['chain']
               and n['chain'][-1][3] in shown
               for n in nodes if len(n['chain']) >= 2)


def inner(a):
    progs = VAL_PROGRAMS if a.val else PROGRAMS
    names = a.programs or sorted(progs)
    jobs = [(n, v) for n in names for v in variants(n, progs[n][1], a.variants, a.seed)]
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    made = 0

    def log(s):
        print(s, flush=True)

    def held() -> int:
        return sum(f.endswith('.json') for f in os.listdir(a.out))
    for k, (n, v) in enumerate(jobs):
        if a.count is not None and held() >= a.count:
            log('%s holds %d screens (--count %d): done' % (a.out, held(), a.count))
            break
        try:
            made += run_program(n, v, a, log)
        except Exception as e:  # keep going with the other programs
            log('  FAILED %s %d: %r' % (n, v['i'], e))
        el = time.time() - t0
        log('%d/%d program runs, %d screens, %.2f screens/s, eta %.0f s'
            % (k + 1, len(jobs), made, made / max(el, 1e-9), el / (k + 1) * (len(jobs) - k - 1)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=None,
                    help='default build/elements/real_atspi (--val: tests/data/elements_val)')
    ap.add_argument('--val', action='store_true', help="the validation set's programs")
    ap.add_argument('--programs', nargs='*', default=None)
    ap.add_argument('--variants', type=int, default=None,
                    help='looks (theme, font, size) a program (default 6; --val 3)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=None,
                    help='stop once the output folder holds this many screens (the runs go '
                         'in a fixed order, so the same first screens; default: every run)')
    ap.add_argument('--inner', action='store_true', help=argparse.SUPPRESS)
    ap.add_argument('--one', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        return one(a.one)
    leak = set(PROGRAMS) & EVAL_PROGRAMS
    if leak:
        sys.exit('programs of the evaluation sets in the training list: %s' % ' '.join(sorted(leak)))
    progs = VAL_PROGRAMS if a.val else PROGRAMS
    for n in a.programs or ():
        if n not in progs:
            sys.exit('unknown program %r (the %s list)' % (n, 'validation' if a.val else 'training'))
    a.out = a.out or os.path.join(REPO, 'tests/data/elements_val' if a.val else 'build/elements/real_atspi')
    a.variants = a.variants or (3 if a.val else 6)
    if a.inner:
        return inner(a)
    from gtk_capture import _free_display
    disp = _free_display(120)
    xvfb = subprocess.Popen(['Xvfb', disp, '-screen', '0', '%dx%dx24' % SCREEN, '-nolisten', 'tcp'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        env = dict(os.environ, DISPLAY=disp, ELEMENTS_DISPLAY=disp)
        env.pop('NO_AT_BRIDGE', None)
        env.pop('GTK_MODULES', None)
        # the session's AT-SPI bus: started by the launcher inside the private D-Bus session
        script = ('/usr/libexec/at-spi-bus-launcher --launch-immediately & sleep 1; '
                  'exec "$@"')
        argv = [sys.executable, os.path.abspath(__file__), '--inner'] + sys.argv[1:]
        return subprocess.run(['dbus-run-session', '--', 'sh', '-c', script, 'sh'] + argv,
                              env=env).returncode
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == '__main__':
    sys.exit(main())
