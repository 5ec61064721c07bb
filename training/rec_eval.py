#!/usr/bin/env python3
"""How often the small recogniser reads a text box as PP-OCR does, on screens it never
trained on (the corpus and the three element evaluation sets), and what it costs.

    .venv/bin/python training/rec_eval.py [--model picoagent/models/ui-text-small.onnx]

For every fast-path text box of those screens that PP-OCR reads with confidence
>= 0.9 in the small model's character table: exact agreement, agreement ignoring
case and spaces, character error rate, and the time per box of each reader
(one thread, same run).
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time

import cv2

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, 'training'))

SETS = ['tests/data/corpus', 'tests/data/elements', 'tests/data/elements_holdout',
        'tests/data/elements_val']


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default=None)
    ap.add_argument('--sets', nargs='*', default=SETS)
    a = ap.parse_args()
    from rec_train import cer

    from picoagent.vision.ocr import OcrEngine
    from picoagent.vision.rec_small import CHARSET, SmallReader
    from picoagent.vision.textcache import quick_text_boxes
    ocr = OcrEngine(threads=1, glance_model=False)
    small = SmallReader(1, a.model)
    ok = set(CHARSET)
    for s in a.sets:
        files = sorted(glob.glob(os.path.join(REPO, s, '*.png')))
        n = same = loose = errs = chars = nb = 0
        t_pp = t_small = 0.0
        for f in files:
            rgb = cv2.cvtColor(cv2.imread(f), cv2.COLOR_BGR2RGB)
            boxes = [b for b in quick_text_boxes(rgb) if b[3] >= 6 and b[2] >= 4]
            if not boxes:
                continue
            nb += len(boxes)
            t = time.perf_counter()
            ref = ocr.recognize(rgb, boxes)
            t_pp += time.perf_counter() - t
            t = time.perf_counter()
            got = small.read([rgb[y:y + h, x:x + w] for x, y, w, h in boxes])
            t_small += time.perf_counter() - t
            for r, (g, _c) in zip(ref, got):
                if r.conf < 0.9 or not r.text or not set(r.text) <= ok:
                    continue
                n += 1
                same += g == r.text
                loose += g.replace(' ', '').lower() == r.text.replace(' ', '').lower()
                errs += cer(g, r.text)
                chars += len(r.text)
        boxes_all = max(1, n)
        print('%-28s %4d boxes: same %.3f, same ignoring case and spaces %.3f, CER %.4f; '
              'PP-OCR %.2f ms a box, small %.2f ms a box (all %d boxes of %d screens)'
              % (s, n, same / boxes_all, loose / boxes_all, errs / max(1, chars),
                 1000 * t_pp / max(1, nb), 1000 * t_small / max(1, nb), nb, len(files)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
