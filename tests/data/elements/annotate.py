#!/usr/bin/env python3
"""Draw the boxes of tests/data/elements/*.json onto copies of the images.

    python3 tests/data/elements/annotate.py [OUTDIR] [NAME ...]   (default /tmp/elements_ann)
    python3 tests/data/elements/annotate.py --table                (README tables)

ELEMENTS_OUT=tests/data/elements_holdout python3 tests/data/elements/annotate.py ...
does the same for the hold-out set.
"""
import glob
import json
import os
import sys

from PIL import Image, ImageDraw

HERE = os.environ.get('ELEMENTS_OUT') or os.path.dirname(os.path.abspath(__file__))
COLORS = {'button': (230, 25, 75), 'text_field': (60, 180, 75), 'checkbox': (0, 130, 200),
          'radio': (245, 130, 48), 'dropdown': (145, 30, 180), 'toggle': (70, 240, 240),
          'slider': (240, 50, 230), 'tab': (128, 128, 0), 'icon': (255, 0, 0),
          'link': (0, 0, 255), 'menu_item': (0, 128, 128)}
SHORT = {'button': 'btn', 'text_field': 'txt', 'checkbox': 'chk', 'radio': 'rad',
         'dropdown': 'dd', 'toggle': 'tgl', 'slider': 'sld', 'tab': 'tab', 'icon': 'ico',
         'link': 'lnk', 'menu_item': 'mi'}


def table():
    """the per-image and per-class tables of README.md"""
    order = list(COLORS)
    tot = dict.fromkeys(order, 0)
    print('| image | size | program | how | ' + ' | '.join(SHORT[c] for c in order) + ' |')
    print('|---' * (len(order) + 4) + '|')
    for js in sorted(glob.glob(os.path.join(HERE, '*.json'))):
        d = json.load(open(js))
        cnt = dict.fromkeys(order, 0)
        for o in d['objects']:
            cnt[o['cls']] += 1
            tot[o['cls']] += 1
        m = d['meta']
        prog = m['program'] + (' (%s)' % m['theme'] if m.get('theme') else '')
        print('| %s | %dx%d | %s | %s | %s |' % (os.path.basename(js)[:-5], d['width'], d['height'], prog,
                                               m['how'], ' | '.join(str(cnt[c] or '') for c in order)))
    print()
    print('| class | objects |')
    print('|---|---|')
    for c in order:
        print('| %s | %d |' % (c, tot[c]))
    print('| all | %d |' % sum(tot.values()))


def main():
    args = sys.argv[1:]
    if args[:1] == ['--table']:
        return table()
    out = args[0] if args else '/tmp/elements_ann'
    names = args[1:]
    os.makedirs(out, exist_ok=True)
    for js in sorted(glob.glob(os.path.join(HERE, '*.json'))):
        name = os.path.basename(js)[:-5]
        if names and not any(name.startswith(n) for n in names):
            continue
        d = json.load(open(js))
        im = Image.open(os.path.join(HERE, name + '.png')).convert('RGB')
        scale = 2 if im.size[0] < 700 else 1
        if scale > 1:
            im = im.resize((im.size[0] * scale, im.size[1] * scale), Image.NEAREST)
        dr = ImageDraw.Draw(im)
        for o in d['objects']:
            c = COLORS[o['cls']]
            x0, y0, x1, y1 = [v * scale for v in o['box']]
            dr.rectangle([x0, y0, x1 - 1, y1 - 1], outline=c)
            lab = SHORT[o['cls']]
            if o['checked'] is not None:
                lab += '+' if o['checked'] else '-'
            dr.text((x0 + 1, max(0, y0 - 10)), lab, fill=c)
        im.save(os.path.join(out, name + '.png'))
        print(name, len(d['objects']))


if __name__ == '__main__':
    main()
