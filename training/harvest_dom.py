#!/usr/bin/env python3
"""Real labelled screens from the DOM of real HTML pages in Debian's headless Chromium.

    python training/harvest_dom.py                        # build/elements/real_dom
    python training/harvest_dom.py --count 200 --pages /usr/share/doc/python3-pip/html

The pages are the HTML documentation Debian installs (``/usr/share/doc``,
``/usr/share/gtk-doc``, ``/usr/share/help``), never the documents of the
evaluation sets (EVAL_DOCS: the real set's Node.js and Valgrind manuals, the
hold-out set's Python, Sphinx and libxslt pages, geany's manual).  Each page is
opened at a drawn viewport (sizes, scroll position, device scale 1 or 1.5) in
Debian's Chromium driven by playwright (no browser download); the labels come
from a script run in the page just before the screenshot (LABEL_JS:
``getBoundingClientRect``; links one box per line of their text from
``Range.getClientRects``; only what is rendered, in the viewport, and on top at
its centre by ``elementFromPoint``).  Resumable; progress lines (n/N, screens/s,
eta).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import sys
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ROOTS = ["/usr/share/doc", "/usr/share/gtk-doc", "/usr/share/help/C"]
#: documents of the evaluation sets (tests/data/elements*/README.md): never harvested
EVAL_DOCS = ("/nodejs", "/valgrind", "/python3", "/python3.11", "sphinx", "libxslt", "/geany")
SIZES = [(1280, 720), (1366, 768), (1024, 768), (1440, 900), (800, 600), (390, 844)]

#: classes of training/FORMAT.md from the DOM, written into the page as JSON
LABEL_JS = r"""
(() => {
  const W = innerWidth, H = innerHeight, out = [];
  function shown(el, r) {
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible' || s.display === 'none' || +s.opacity < 0.1) return false;
    if (r.width < 4 || r.height < 4 || r.right <= 0 || r.bottom <= 0 || r.left >= W || r.top >= H) return false;
    const x = Math.min(W - 1, Math.max(0, r.left + r.width / 2)), y = Math.min(H - 1, Math.max(0, r.top + r.height / 2));
    const top = document.elementFromPoint(x, y);
    return !!top && (top === el || el.contains(top) || top.contains(el));
  }
  function add(cls, r, checked, text) {
    const b = [Math.max(0, r.left), Math.max(0, r.top), Math.min(W, r.right), Math.min(H, r.bottom)];
    if ((b[2] - b[0]) * (b[3] - b[1]) < 0.6 * r.width * r.height) return;
    out.push({cls: cls, box: b, checked: checked, text: text ? text.trim().slice(0, 80) : null});
  }
  function cls(el) {
    const t = el.tagName.toLowerCase(), role = el.getAttribute('role'), ty = (el.type || '').toLowerCase();
    if (role === 'switch') return 'toggle';
    if (role === 'tab') return 'tab';
    if (role === 'menuitem') return 'menu_item';
    if (t === 'button' || role === 'button' || (t === 'input' && ['button', 'submit', 'reset'].includes(ty))) return 'button';
    if (t === 'input' && ty === 'checkbox') return 'checkbox';
    if (t === 'input' && ty === 'radio') return 'radio';
    if (t === 'input' && ty === 'range') return 'slider';
    if (t === 'select') return 'dropdown';
    if (t === 'textarea' || (t === 'input' && ['', 'text', 'email', 'password', 'search', 'number', 'url', 'tel', 'date'].includes(ty))) return 'text_field';
    if (t === 'a' && el.hasAttribute('href')) return 'link';
    if ((t === 'img' || t === 'svg') ) return 'icon';
    return null;
  }
  for (const el of document.querySelectorAll('a[href],button,input,select,textarea,[role],img,svg')) {
    const c = cls(el);
    if (!c) continue;
    const r = el.getBoundingClientRect();
    if (!shown(el, r)) continue;
    if (c === 'icon' && (r.width > 48 || r.height > 48 || el.closest('button,[role=button]'))) continue;
    if (c === 'link') {
      if (el.querySelector('img,svg') && !el.textContent.trim()) continue;
      const rg = document.createRange(); rg.selectNodeContents(el);
      for (const q of rg.getClientRects()) if (q.width >= 4 && q.height >= 4) add('link', q, null, el.textContent);
      continue;
    }
    const on = ['checkbox', 'radio'].includes(c) ? el.checked : (c === 'toggle' ? el.getAttribute('aria-checked') === 'true' : null);
    add(c, r, on === undefined ? null : on, el.value && c === 'button' ? el.value : el.textContent || el.placeholder);
  }
  return out;
})()
"""


def pages(roots, exclude=EVAL_DOCS):
    out = []
    for r in roots:
        for p in glob.glob(os.path.join(r, "**", "*.htm*"), recursive=True):
            if not any(e in p for e in exclude) and os.path.getsize(p) > 2000:
                out.append(p)
    return sorted(out)


def harvest_one(browser, src, k, seed, out_dir):
    name = "dom_%05d" % k
    if (out_dir / f"{name}.json").exists():
        return False
    rnd = random.Random(f"{seed}/{k}")
    w, h = rnd.choice(SIZES)
    dpr = rnd.choice([1, 1, 1.5])
    ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=dpr)
    try:
        page = ctx.new_page()
        page.goto(Path(src).as_uri(), wait_until="load", timeout=20000)
        total = page.evaluate("document.documentElement.scrollHeight")
        scroll = rnd.choice([0, 0, rnd.randrange(0, max(1, total - h))])
        page.evaluate(f"window.scrollTo(0, {scroll})")
        page.wait_for_timeout(150)
        objs = page.evaluate(LABEL_JS)
        if not objs:
            return False
        tmp = out_dir / f"{name}.tmp.png"
        page.screenshot(path=str(tmp))
        im = Image.open(tmp).convert("RGB")
        os.remove(tmp)
        out = []
        for o in objs:      # CSS pixels to image pixels
            b = [round(v * dpr) for v in o["box"]]
            if b[2] - b[0] >= 4 and b[3] - b[1] >= 4:
                out.append(dict(o, box=b))
        im.save(out_dir / f"{name}.png", optimize=True)
        doc = {"width": im.width, "height": im.height, "source": "real",
               "meta": {"program": "chromium", "how": "dom", "page": src, "dpr": dpr,
                        "viewport": [w, h], "scroll": scroll},
               "objects": out}
        tmpj = out_dir / f"{name}.json.tmp"
        tmpj.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
        os.replace(tmpj, out_dir / f"{name}.json")
        return True
    finally:
        ctx.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "build" / "elements" / "real_dom"))
    ap.add_argument("--pages", nargs="*", default=ROOTS, help="folders of HTML pages")
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    srcs = pages(a.pages)
    if not srcs:
        sys.exit(f"no HTML pages under {' '.join(a.pages)}")
    random.Random(a.seed).shuffle(srcs)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import Error, sync_playwright
    t0, made = time.time(), 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--hide-scrollbars"])
        for k in range(a.count):
            try:
                made += harvest_one(browser, srcs[k % len(srcs)], k, a.seed, out)
            except (Error, OSError, ValueError) as e:
                print(f"  {k}: {srcs[k % len(srcs)]}: {str(e)[:200]}", flush=True)
            el = time.time() - t0
            print(f"{k + 1}/{a.count} pages, {made} screens, {made / max(el, 1e-9):.2f} screens/s, "
                  f"eta {el / (k + 1) * (a.count - k - 1):.0f} s", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
