#!/usr/bin/env python3
"""Re-create the web part of the real-screen evaluation set (DOM boxes).

Needs playwright (Python) and Debian's /usr/bin/chromium (no browser download),
plus the CSS frameworks from the npm registry:

    mkdir -p /tmp/elements_npm && cd /tmp/elements_npm && \
      npm pack bootstrap@5.3.9 bootstrap-icons@1.13.2 bulma@1.0.4 @picocss/pico@2.1.1 \
               water.css@2.1.1 milligram@1.4.1
    .venv/bin/python tests/data/elements/web_capture.py [NAME ...]
    .venv/bin/python tests/data/elements/web_capture.py --holdout   # HOLDOUT -> ../elements_holdout

The hand-written pages are in pages/ (they link the frameworks as
npm/<package>/...); real documentation pages come from Debian packages
(nodejs-doc, valgrind).  Boxes come from the DOM: getBoundingClientRect of the
element that draws the control (for links: Range.getClientRects of the text;
for custom switches: the track element), in CSS px = image px (dpr 1).
An element counts only if it is rendered, inside the viewport and on top at
its centre (elementFromPoint).
"""
import glob
import json
import os
import shutil
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
PAGES = os.path.join(HERE, 'pages')
NPM = os.environ.get('ELEMENTS_NPM', '/tmp/elements_npm')
WORK = '/tmp/elements_web'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--hide-scrollbars']

# name, page (pages/x.html or an absolute file path), viewport, js run before the shot, note
SCENES = [
    ('web_bs_login', 'bs_login.html', (1280, 720), None, 'Bootstrap 5 sign-in page'),
    ('web_bs_settings', 'bs_settings.html', (1280, 720), None, 'Bootstrap 5 settings with nav tabs/switches'),
    ('web_bs_dashboard', 'bs_dashboard.html', (1280, 720), None, 'Bootstrap 5 dark admin dashboard'),
    ('web_bs_checkout', 'bs_checkout.html', (1280, 720), None, 'Bootstrap 5 checkout form'),
    ('web_bs_files', 'bs_files.html', (1280, 720), None, 'Bootstrap 5 file manager, open dropdown menu'),
    ('web_bulma_admin', 'bulma_admin.html', (1280, 720), None, 'Bulma 1.0 project admin, open navbar dropdown'),
    ('web_pico_profile', 'pico_profile.html', (1280, 720), None, 'Pico CSS 2 profile form with switches'),
    ('web_water_feedback', 'water_feedback.html', (1024, 768), None, 'water.css (dark) feedback form'),
    ('web_milligram_calc', 'milligram_calc.html', (1280, 720), None, 'Milligram calculator keypad + form'),
    ('web_plain_form', 'plain_form.html', (1024, 700), None, 'unstyled HTML form (Chromium defaults)'),
    ('web_kiosk_start', 'kiosk_start.html', (1280, 720), None, 'kiosk start screen, custom CSS switches'),
    ('web_mobile_settings', 'mobile_settings.html', (390, 844), None, 'phone-sized settings list'),
    ('web_media_player', 'media_player.html', (1280, 720), None, 'dark media player with sliders'),
    ('web_doc_node_fs', '/usr/share/doc/nodejs/api/fs.html', (1280, 720), None,
     'Node.js API docs (Debian nodejs-doc)'),
    ('web_doc_node_http', '/usr/share/doc/nodejs/api/http.html', (1280, 720),
     'window.scrollTo(0, 2600)', 'Node.js API docs, scrolled (Debian nodejs-doc)'),
    ('web_doc_valgrind', '/usr/share/doc/valgrind/html/manual-core.html', (1024, 700), None,
     'Valgrind manual (Debian valgrind)'),
]

# the hold-out set (--holdout, written to ../elements_holdout): documentation sites
# installed by Debian that none of the scenes above, the generators or the tuning of
# picoagent.vision.checks have seen; same rules, no per-page fixes
HOLDOUT_DIR = os.path.join(os.path.dirname(HERE), 'elements_holdout')
PY = '/usr/share/doc/python3.11/html/'
SX = '/usr/share/doc/sphinx-doc/html/'
HOLDOUT = [
    ('ho_web_pydoc_index', PY + 'index.html', (1280, 720), None, 'Python 3.11 docs (Debian python3.11-doc)'),
    ('ho_web_pydoc_os', PY + 'library/os.html', (1280, 720), 'window.scrollTo(0, 1400)',
     'Python 3.11 docs, os module, scrolled (Debian python3.11-doc)'),
    ('ho_web_pydoc_tutorial', PY + 'tutorial/index.html', (1024, 768), None,
     'Python 3.11 tutorial contents (Debian python3.11-doc)'),
    ('ho_web_sphinx_quickstart', SX + 'usage/quickstart.html', (1280, 720), None,
     'Sphinx documentation (Debian sphinx-doc)'),
    ('ho_web_sphinx_index', SX + 'index.html', (1024, 700), None, 'Sphinx documentation start page (Debian sphinx-doc)'),
    ('ho_web_libxslt', '/usr/share/doc/libxslt1-dev/html/index.html', (1280, 720), None,
     'libxslt home page (Debian libxslt1-dev)'),
]
OUT = HERE

JS = r"""
() => {
  const W = innerWidth, H = innerHeight;
  const out = [];
  const done = new Set();
  function shown(el) {
    for (let a = el; a && a.nodeType === 1; a = a.parentElement) {
      const c = getComputedStyle(a);
      if (c.display === 'none' || c.visibility === 'hidden' || parseFloat(c.opacity) < 0.1) return false;
    }
    return true;
  }
  function onTop(el, r) {
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    if (x < 0 || y < 0 || x >= W || y >= H) return false;
    const h = document.elementFromPoint(x, y);
    if (!h) return false;
    if (h === el || el.contains(h) || h.contains(el)) return true;
    if (h.tagName === 'LABEL' && (h.control === el || h.contains(el))) return true;
    return false;
  }
  function text(el) {
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')
      return (el.value || el.placeholder || '').slice(0, 60) || null;
    if (el.tagName === 'SELECT') return el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : null;
    const t = (el.innerText || el.getAttribute('title') || el.getAttribute('aria-label') || '').trim();
    return t ? t.replace(/\s+/g, ' ').slice(0, 60) : null;
  }
  function add(cls, el, r, checked, t, how) {
    if (!r || r.width < 4 || r.height < 4) return;
    out.push({cls, box: [r.left, r.top, r.right, r.bottom], checked: checked === undefined ? null : checked,
              text: t === undefined ? text(el) : t, tag: el.tagName.toLowerCase(), how: how || ''});
  }
  function each(sel, fn) {
    for (const el of document.querySelectorAll(sel)) {
      if (done.has(el) || !shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 4 || r.height < 4) continue;
      done.add(el);
      fn(el, r);
    }
  }
  const FACE = 'button, input[type=submit], input[type=button], input[type=reset], a.btn, a.button, ' +
               '[role=button], .page-link';
  // 1. switches: the track
  each('.form-switch input[type=checkbox], input[type=checkbox][role=switch]', (el, r) => {
    if (onTop(el, r)) add('toggle', el, r, el.checked, null);
  });
  each('label.switch > .slider, .switch > .track', (el, r) => {
    const inp = el.parentElement.querySelector('input');
    if (inp) done.add(inp);
    if (onTop(el, r)) add('toggle', el, r, inp ? inp.checked : null, null);
  });
  // 2. native indicators
  each('input[type=checkbox]', (el, r) => { if (onTop(el, r)) add('checkbox', el, r, el.checked, null); });
  each('input[type=radio]', (el, r) => { if (onTop(el, r)) add('radio', el, r, el.checked, null); });
  each('input[type=range]', (el, r) => { if (onTop(el, r)) add('slider', el, r, null, null); });
  each('select:not([multiple])', (el, r) => { if (onTop(el, r)) add('dropdown', el, r); });
  each('textarea, input:not([type]), input[type=text], input[type=email], input[type=password], ' +
       'input[type=search], input[type=number], input[type=tel], input[type=url], input[type=date], ' +
       'input[type=time], input[type=month]', (el, r) => { if (onTop(el, r)) add('text_field', el, r); });
  // 3. tabs
  each('.nav-tabs .nav-link, .nav-pills:not(.flex-column) .nav-link, [role=tab], .tabs li > a, .tabbar a',
       (el, r) => { if (onTop(el, r)) add('tab', el, r); });
  // 4. menu entries: menu bars, open dropdowns, navigation lists
  each('.navbar-nav .nav-link, .dropdown-menu.show .dropdown-item, .navbar-dropdown .navbar-item, ' +
       '.navbar-start > a.navbar-item, .navbar-link, .menu-list a, .nav-pills.flex-column .nav-link, ' +
       'header nav ul li a:not([role=button]), [role=menuitem]',
       (el, r) => { if (onTop(el, r)) add('menu_item', el, r); });
  // 5. buttons with a face
  each(FACE, (el, r) => {
    if (!onTop(el, r)) return;
    const c = getComputedStyle(el);
    const face = (c.backgroundColor !== 'rgba(0, 0, 0, 0)' && c.backgroundColor !== 'transparent') ||
                 parseFloat(c.borderTopWidth) > 0 || c.boxShadow !== 'none' || el.tagName === 'INPUT' ||
                 (el.tagName === 'BUTTON' && c.appearance !== 'none');
    if (face) {
      add('button', el, r);
      el.querySelectorAll('i, svg').forEach(i => done.add(i));
    }
  });
  // 6. icons: icon-font glyphs and small svgs outside button faces
  each('i.bi, i[class*="bi-"], svg, img', (el, r) => {
    if (el.tagName === 'IMG' && (r.width > 64 || r.height > 64)) return;
    if (r.width > 200 || r.height > 96) return;
    if (!onTop(el, r)) return;
    // the glyph box: Range over the pseudo element is not available; use the box of
    // the <i> (line box of the glyph), the PNG refinement tightens it
    add('icon', el, r, null, null, 'tighten');
  });
  // 7. links: the text runs of remaining anchors
  for (const a of document.querySelectorAll('a[href], a:not([href])')) {
    if (done.has(a) || !shown(a)) continue;
    let skip = false;
    for (let p = a.parentElement; p; p = p.parentElement) if (done.has(p)) skip = true;
    if (skip) continue;
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    let n, rects = [];
    while ((n = walker.nextNode())) {
      if (!n.textContent.trim()) continue;
      const rg = document.createRange();
      rg.selectNodeContents(n);
      for (const r of rg.getClientRects()) if (r.width >= 2) rects.push(r);
    }
    // merge rects on the same line
    const lines = [];
    for (const r of rects) {
      const l = lines.find(l => Math.abs(l.top - r.top) < 3 && r.left - l.right < 6);
      if (l) { l.left = Math.min(l.left, r.left); l.right = Math.max(l.right, r.right);
               l.bottom = Math.max(l.bottom, r.bottom); l.top = Math.min(l.top, r.top); }
      else lines.push({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    }
    for (const l of lines) {
      const r = {left: l.left, top: l.top, right: l.right, bottom: l.bottom,
                 width: l.right - l.left, height: l.bottom - l.top};
      if (onTop(a, r)) add('link', a, r, null, text(a));
    }
  }
  return out;
}
"""


def setup_work():
    os.makedirs(os.path.join(WORK, 'npm'), exist_ok=True)
    for tgz in glob.glob(os.path.join(NPM, '*.tgz')):
        with tarfile.open(tgz) as t:
            pj = json.load(t.extractfile('package/package.json'))
            dest = os.path.join(WORK, 'npm', pj['name'])
            if not os.path.exists(dest):
                tmp = dest + '.tmp'
                t.extractall(tmp)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.move(os.path.join(tmp, 'package'), dest)
                shutil.rmtree(tmp)
    for f in glob.glob(os.path.join(PAGES, '*.html')):
        shutil.copy(f, WORK)


def refine(img, o):
    """icon glyph boxes: tighten to the pixels that differ from the background."""
    if o['how'] != 'tighten':
        return o['box']
    x0, y0, x1, y1 = [int(round(v)) for v in o['box']]
    px = img.load()
    W, H = img.size
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    border = [px[x, y0] for x in range(x0, x1)] + [px[x, y1 - 1] for x in range(x0, x1)]
    bg = max(set(border), key=border.count)
    xs, ys = [], []
    for y in range(y0, y1):
        for x in range(x0, x1):
            p = px[x, y]
            if max(abs(p[0] - bg[0]), abs(p[1] - bg[1]), abs(p[2] - bg[2])) > 40:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    box = [min(xs), min(ys), max(xs) + 1, max(ys) + 1]
    for i in (0, 1):  # thin glyphs (a vertical ellipsis): at least 10 px
        if box[i + 2] - box[i] < 10:
            c = (box[i] + box[i + 2]) // 2
            box[i], box[i + 2] = c - 5, c + 5
    return box


def capture(pw, scene):
    from PIL import Image
    name, page, (w, h), js, note = scene
    url = 'file://' + (page if page.startswith('/') else os.path.join(WORK, page))
    b = pw.chromium.launch(executable_path='/usr/bin/chromium', args=FLAGS)
    try:
        pg = b.new_page(viewport={'width': w, 'height': h}, device_scale_factor=1)
        pg.route('**/*', lambda r: r.continue_() if r.request.url.startswith(('file:', 'data:'))
                 else r.abort())
        pg.goto(url)
        pg.wait_for_timeout(500)
        if js:
            pg.evaluate(js)
            pg.wait_for_timeout(300)
        # no caret, no hover, no focus ring
        pg.mouse.move(w - 1, h - 1)
        pg.evaluate('document.activeElement && document.activeElement.blur()')
        objs = pg.evaluate(JS)
        png = os.path.join(OUT, name + '.png')
        pg.screenshot(path=png)
    finally:
        b.close()
    img = Image.open(png).convert('RGB')
    img.save(png, optimize=True)
    final = []
    for o in objs:
        box = refine(img, o)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        full = (x1 - x0) * (y1 - y0)
        if cx1 - cx0 < 4 or cy1 - cy0 < 4 or (cx1 - cx0) * (cy1 - cy0) < 0.6 * full:
            continue
        b2 = [int(cx0), int(cy0), int(-(-cx1 // 1)), int(-(-cy1 // 1))]
        final.append({'cls': o['cls'], 'box': b2, 'checked': o['checked'], 'text': o['text']})
    meta = {'program': 'chromium ' + (page if page.startswith('/') else 'pages/' + page),
            'how': 'dom', 'note': note, 'viewport': [w, h]}
    data = {'width': w, 'height': h, 'source': 'real', 'meta': meta, 'objects': final}
    tmp = os.path.join(OUT, name + '.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    os.replace(tmp, os.path.join(OUT, name + '.json'))
    print('%s: %d objects' % (name, len(final)))


def main():
    from playwright.sync_api import sync_playwright
    global OUT
    names = sys.argv[1:]
    scenes = SCENES
    if '--holdout' in names:
        names.remove('--holdout')
        OUT, scenes = HOLDOUT_DIR, HOLDOUT
        os.makedirs(OUT, exist_ok=True)
    setup_work()
    with sync_playwright() as pw:
        for sc in scenes:
            if names and not any(sc[0].startswith(n) for n in names):
                continue
            capture(pw, sc)


if __name__ == '__main__':
    main()
