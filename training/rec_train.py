#!/usr/bin/env python3
"""Train the small text-line recogniser (picoagent/vision/rec_small.py) with CTC.

    .venv/bin/python training/rec_train.py --data build/rec/data.npz --out build/rec/run1 \
        --iters 8000 --threads 1

Crops come from training/rec_data.py (grey, height 32).  Each batch draws crops
of similar width, augments them (vertical shift and scale, loose or tight
horizontal margins, blur, noise, contrast) and normalises them exactly as the
runtime does (`rec_small.normalise`).  5 % of the crops (by a seeded draw) are
held out; every --eval-every iterations the script prints their line accuracy
and character error rate.  Writes OUT/last.pt and OUT/model.onnx (fp32, dynamic
width).  Progress: one line every 100 iterations (loss, it/s, eta).
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from picoagent.vision.rec_small import CHARSET, HEIGHT, greedy, normalise  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

INDEX = {c: i + 1 for i, c in enumerate(CHARSET)}


def cbr(i, o, k=3, p=1):
    return nn.Sequential(nn.Conv2d(i, o, k, padding=p, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class SmallRec(nn.Module):
    """1 x 32 x W -> (W/4) x classes.  ~20 M multiply-adds at W = 128."""

    def __init__(self, width=(16, 32, 48, 64, 96)):
        super().__init__()
        a, b, c, d, e = width
        self.body = nn.Sequential(
            cbr(1, a), nn.MaxPool2d(2),                 # 16 x W/2
            cbr(a, b), nn.MaxPool2d(2),                 # 8 x W/4
            cbr(b, c), cbr(c, c), nn.MaxPool2d((2, 1)),  # 4 x W/4
            cbr(c, d), nn.MaxPool2d((2, 1)),            # 2 x W/4
            nn.Conv2d(d, e, (2, 1), bias=False), nn.BatchNorm2d(e), nn.ReLU(inplace=True))  # 1 x W/4
        self.seq = nn.Sequential(
            nn.Conv1d(e, e, 5, padding=2), nn.ReLU(inplace=True),
            nn.Conv1d(e, e, 5, padding=4, dilation=2), nn.ReLU(inplace=True))
        self.head = nn.Conv1d(e, len(CHARSET) + 1, 1)

    def forward(self, x):
        f = self.body(x).squeeze(2)                  # N x e x T
        f = f + self.seq(f)
        return self.head(f).transpose(1, 2)          # N x T x C


def load(path):
    z = np.load(path, allow_pickle=True)
    pix, widths, texts = z['pixels'], z['widths'], list(z['texts'])
    imgs, o = [], 0
    for w in widths:
        imgs.append(pix[o:o + HEIGHT * w].reshape(HEIGHT, w))
        o += HEIGHT * w
    return imgs, texts


def augment(g: np.ndarray, rnd: random.Random) -> np.ndarray:
    h, w = g.shape
    # vertical: the box a few px loose or tight, the text a little smaller or larger
    top, bot = rnd.randint(-3, 4), rnd.randint(-3, 4)
    if top < 0:
        g = g[-top:]
    elif top:
        g = cv2.copyMakeBorder(g, top, 0, 0, 0, cv2.BORDER_REPLICATE)
    if bot < 0:
        g = g[:g.shape[0] + bot]
    elif bot:
        g = cv2.copyMakeBorder(g, 0, bot, 0, 0, cv2.BORDER_REPLICATE)
    # horizontal margins
    lft, rgt = rnd.choice([0, 0, 1, 2, 4, 8]), rnd.choice([0, 0, 1, 2, 4, 8, 16])
    if lft or rgt:
        g = cv2.copyMakeBorder(g, 0, 0, lft, rgt, cv2.BORDER_REPLICATE)
    # resolution: down and up again (small fonts), horizontal stretch
    s = rnd.choice([1.0, 1.0, 0.8, 0.6, 0.5])
    sx = rnd.uniform(0.85, 1.15)
    nh = HEIGHT
    nw = max(4, int(round(g.shape[1] * HEIGHT / max(1, g.shape[0]) * sx)))
    if s < 1.0:
        g = cv2.resize(g, (max(2, int(nw * s)), max(2, int(nh * s))), interpolation=cv2.INTER_AREA)
    g = cv2.resize(g, (nw, nh), interpolation=cv2.INTER_LINEAR)
    x = g.astype(np.float32)
    if rnd.random() < 0.5:                           # contrast, inversion
        x = x * rnd.uniform(0.4, 1.0) + rnd.uniform(0, 100)
    if rnd.random() < 0.3:
        x = 255 - x
    if rnd.random() < 0.3:
        x = x + np.random.normal(0, rnd.uniform(2, 10), x.shape)
    return np.clip(x, 0, 255).astype(np.uint8)


def batch_of(imgs, texts, idx, rnd, aug=True):
    xs = [normalise(augment(imgs[i], rnd) if aug else imgs[i]) for i in idx]
    wmax = max(x.shape[1] for x in xs)
    wmax = int(math.ceil(wmax / 4) * 4)
    x = np.ones((len(xs), 1, HEIGHT, wmax), np.float32)
    for k, a in enumerate(xs):
        x[k, 0, :, :a.shape[1]] = a
    tg = [torch.tensor([INDEX[c] for c in texts[i]], dtype=torch.long) for i in idx]
    return torch.from_numpy(x), tg


def cer(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two readings."""
    return Levenshtein.distance(a, b)


def evaluate(model, imgs, texts, idx):
    model.eval()
    right, errs, chars = 0, 0, 0
    with torch.no_grad():
        order = sorted(idx, key=lambda i: imgs[i].shape[1])
        for k in range(0, len(order), 64):
            part = order[k:k + 64]
            x, _ = batch_of(imgs, texts, part, None, aug=False)
            out = model(x).numpy()
            for j, i in enumerate(part):
                t = int(math.ceil(imgs[i].shape[1] / 4)) if imgs[i].shape[1] >= 32 else out.shape[1]
                got, _ = greedy(out[j, :max(t, 1)])
                right += got == texts[i]
                errs += cer(got, texts[i])
                chars += len(texts[i])
    model.train()
    return right / max(1, len(idx)), errs / max(1, chars)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', nargs='+', default=['build/rec/data.npz'])
    ap.add_argument('--out', default='build/rec/run1')
    ap.add_argument('--iters', type=int, default=8000)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--eval-every', type=int, default=1000)
    ap.add_argument('--resume', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rnd = random.Random(a.seed)
    np.random.seed(a.seed)
    imgs, texts = [], []
    for d in a.data:
        i, t = load(os.path.join(REPO, d))
        imgs += i
        texts += t
    n = len(texts)
    idx = list(range(n))
    random.Random(0).shuffle(idx)
    held = sorted(idx[:max(1, n // 20)])
    train = idx[max(1, n // 20):]
    # only crops wide enough for their text (CTC needs a step a character, and more)
    train = [i for i in train if imgs[i].shape[1] / 4 >= len(texts[i]) * 1.2]
    print('%d crops: %d training, %d held out' % (n, len(train), len(held)), flush=True)
    by_w = sorted(train, key=lambda i: imgs[i].shape[1])
    model = SmallRec()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    os.makedirs(os.path.join(REPO, a.out), exist_ok=True)
    start = 0
    ck = os.path.join(REPO, a.out, 'last.pt')
    if a.resume and os.path.exists(ck):
        s = torch.load(ck)
        model.load_state_dict(s['model'])
        opt.load_state_dict(s['opt'])
        start = s['it']
    print('parameters: %d' % sum(p.numel() for p in model.parameters()), flush=True)
    t0, losses = time.time(), []
    for it in range(start, a.iters):
        lr = a.lr * min(1.0, (it + 1) / 300) * 0.5 * (1 + math.cos(math.pi * it / a.iters))
        for g in opt.param_groups:
            g['lr'] = lr
        k = rnd.randrange(len(by_w))
        lo = max(0, min(len(by_w) - a.batch, k - a.batch))
        part = rnd.sample(by_w[lo:lo + 2 * a.batch], min(a.batch, len(by_w) - lo))
        x, tg = batch_of(imgs, texts, part, rnd)
        out = model(x).log_softmax(2).transpose(0, 1)       # T x N x C
        il = torch.full((len(part),), out.shape[0], dtype=torch.long)
        tl = torch.tensor([len(t) for t in tg], dtype=torch.long)
        loss = F.ctc_loss(out, torch.cat(tg), il, tl, zero_infinity=True)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        losses.append(loss.item())
        if (it + 1) % 100 == 0:
            el = time.time() - t0
            done = it + 1 - start
            print('it %d loss %.3f lr %.2e %.1f it/s eta %.0f s' % (
                it + 1, np.mean(losses[-100:]), lr, done / el, el / done * (a.iters - it - 1)), flush=True)
        if (it + 1) % a.eval_every == 0 or it + 1 == a.iters:
            acc, c = evaluate(model, imgs, texts, held)
            print('  held out: line accuracy %.3f, CER %.4f' % (acc, c), flush=True)
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'it': it + 1}, ck)
    model.eval()
    x = torch.zeros(1, 1, HEIGHT, 128)
    torch.onnx.export(model, x, os.path.join(REPO, a.out, 'model.onnx'), input_names=['x'],
                      output_names=['logits'], dynamic_axes={'x': {0: 'n', 3: 'w'}, 'logits': {0: 'n', 1: 't'}},
                      opset_version=17, dynamo=False)
    print('wrote %s' % os.path.join(a.out, 'model.onnx'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
