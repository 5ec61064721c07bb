#!/usr/bin/env python3
"""Text-line crops for the small recogniser, labelled by PP-OCR (distillation).

    .venv/bin/python training/rec_data.py --out build/rec/data.npz --screens 1200

Every screen of the given training folders (never the evaluation sets: the
corpus, tests/data/elements*) is cut into the fast path's text-line boxes
(`quick_text_boxes`, the boxes a find reads) and each box is read by the shipped
PP-OCR recogniser.  A reading is kept when its confidence is at least --min-conf
and every character is in the small recogniser's table (`CHARSET`).  Crops are
stored grey, resized to height 32 (aspect kept, at most 1024 px wide).

Progress: one line every 100 screens (crops, crops/s, eta).
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import sys
import time

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from picoagent.vision.rec_small import CHARSET, scale  # noqa: E402

DEFAULT_DIRS = ['build/elements/' + d for d in (
    'gtk', 'gtk_dialogs', 'gtk_icons', 'html', 'html_docs', 'html_prose', 'qt', 'real_atspi',
    'real_dom')]
MAX_W = 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--dirs', nargs='*', default=DEFAULT_DIRS)
    ap.add_argument('--out', default='build/rec/data.npz')
    ap.add_argument('--screens', type=int, default=1200, help='screens drawn at random (seeded)')
    ap.add_argument('--min-conf', type=float, default=0.9)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    for d in a.dirs:
        if 'tests/data' in d:
            sys.exit('%s: an evaluation set, never training data' % d)
    from picoagent.vision.ocr import OcrEngine
    from picoagent.vision.textcache import quick_text_boxes
    files = sorted(f for d in a.dirs for f in glob.glob(os.path.join(REPO, d, '*.png')))
    random.Random(a.seed).shuffle(files)
    files = files[:a.screens]
    ocr = OcrEngine(threads=1)
    imgs, texts, kept, seen = [], [], 0, 0
    t0 = time.time()
    ok = set(CHARSET)
    for k, f in enumerate(files):
        bgr = cv2.imread(f)
        if bgr is None:                 # removed since the list was made
            print('%s: unreadable, skipped' % f, flush=True)
            continue
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        boxes = [b for b in quick_text_boxes(rgb) if b[3] >= 6 and b[2] >= 4]
        for b, line in zip(boxes, ocr.recognize(rgb, boxes)):
            seen += 1
            if line.conf < a.min_conf or not line.text or not set(line.text) <= ok:
                continue
            x, y, w, h = b
            imgs.append(scale(rgb[y:y + h, x:x + w], MAX_W))
            texts.append(line.text)
            kept += 1
        if (k + 1) % 100 == 0 or k + 1 == len(files):
            el = time.time() - t0
            print('%d/%d screens, %d crops kept of %d, %.0f crops/s, eta %.0f s'
                  % (k + 1, len(files), kept, seen, seen / el, el / (k + 1) * (len(files) - k - 1)),
                  flush=True)
    os.makedirs(os.path.dirname(os.path.join(REPO, a.out)), exist_ok=True)
    widths = np.array([i.shape[1] for i in imgs], np.int32)
    flat = np.concatenate([i.reshape(-1) for i in imgs]) if imgs else np.zeros(0, np.uint8)
    np.savez(os.path.join(REPO, a.out), pixels=flat, widths=widths,
             texts=np.array(texts, dtype=object), allow_pickle=True)
    print('wrote %s: %d crops' % (a.out, len(texts)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
