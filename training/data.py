"""Training data: samples in the FORMAT.md layout, random crops, augmentation,
and the target assignment (which output location learns which box)."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import cv2
import numpy as np
import torch

from model import CLASSES, STRIDES, grid_points

CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}
# an object goes to one level, by the square root of its area (in input pixels)
LEVEL_LIMITS = (40.0, 112.0)        # < 40 -> stride 8, < 112 -> stride 16, else 32
CENTER_RADIUS = 2.5                 # positives: within 2.5 strides of the centre


def scan(roots) -> list[Path]:
    """Every finished sample (its JSON exists) under the given folders."""
    out = []
    for r in roots:
        out.extend(sorted(Path(r).rglob("*.json")))
    return out


def load_sample(json_path: Path):
    meta = json.loads(Path(json_path).read_text())
    img = cv2.imread(str(Path(json_path).with_suffix(".png")), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(json_path.with_suffix(".png"))
    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    boxes, labels, checked = [], [], []
    for o in meta.get("objects", []):
        if o.get("cls") not in CLASS_INDEX:
            continue
        boxes.append([float(v) for v in o["box"]])
        labels.append(CLASS_INDEX[o["cls"]])
        c = o.get("checked")
        checked.append(-1.0 if c is None else float(bool(c)))
    b = np.array(boxes, np.float32).reshape(-1, 4)
    return img, b, np.array(labels, np.int64), np.array(checked, np.float32)


def augment_colour(img: np.ndarray, rng: random.Random) -> np.ndarray:
    f = img.astype(np.float32)
    if rng.random() < 0.5:          # contrast / brightness
        a = rng.uniform(0.7, 1.3)
        b = rng.uniform(-30, 30)
        f = (f - 128) * a + 128 + b
    if rng.random() < 0.3:          # channel order: other accent colours
        f = f[:, :, rng.sample(range(3), 3)]
    if rng.random() < 0.1:          # light <-> dark
        f = 255 - f
    if rng.random() < 0.1:
        g = f.mean(axis=2, keepdims=True)
        f = np.repeat(g, 3, axis=2)
    if rng.random() < 0.1:          # sensor-free, but JPEG-ish / scaled screens blur
        f = cv2.GaussianBlur(f, (3, 3), 0.6)
    return np.clip(f, 0, 255).astype(np.uint8)


def random_crop(img, boxes, labels, checked, size, rng: random.Random, scale_range=(0.75, 1.3)):
    """A size[0] x size[1] crop, biased towards objects, optionally rescaled by a
    random factor.  Only the window is resized, never the whole screen (that
    dominated the data loader's time)."""
    s = rng.uniform(*scale_range) if rng.random() < 0.5 else 1.0
    h, w = img.shape[:2]
    ch, cw = size
    sw, sh = max(8, int(round(cw / s))), max(8, int(round(ch / s)))     # window, source px
    if len(boxes) and rng.random() < 0.8:
        b = boxes[rng.randrange(len(boxes))]
        cx = (b[0] + b[2]) / 2 + rng.uniform(-sw / 2.5, sw / 2.5)
        cy = (b[1] + b[3]) / 2 + rng.uniform(-sh / 2.5, sh / 2.5)
        x0, y0 = int(cx - sw / 2), int(cy - sh / 2)
    else:
        x0, y0 = rng.randint(min(0, w - sw), max(0, w - sw)), rng.randint(min(0, h - sh), max(0, h - sh))
    x0 = max(min(x0, w - sw), 0) if w >= sw else -rng.randint(0, sw - w)
    y0 = max(min(y0, h - sh), 0) if h >= sh else -rng.randint(0, sh - h)
    fill = np.array([rng.randint(0, 255)] * 3, np.uint8)
    win = np.empty((sh, sw, 3), np.uint8)
    win[:] = fill
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + sw), min(h, y0 + sh)
    win[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    if (sw, sh) != (cw, ch):
        win = cv2.resize(win, (cw, ch), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    sx, sy = cw / sw, ch / sh
    if len(boxes):
        nb = (boxes - np.array([x0, y0, x0, y0], np.float32)) * np.array([sx, sy, sx, sy], np.float32)
        area = np.maximum(0, nb[:, 2] - nb[:, 0]) * np.maximum(0, nb[:, 3] - nb[:, 1])
        cb = nb.copy()
        cb[:, [0, 2]] = cb[:, [0, 2]].clip(0, cw)
        cb[:, [1, 3]] = cb[:, [1, 3]].clip(0, ch)
        carea = np.maximum(0, cb[:, 2] - cb[:, 0]) * np.maximum(0, cb[:, 3] - cb[:, 1])
        keep = (carea >= 0.6 * np.maximum(area, 1e-6)) & (cb[:, 2] - cb[:, 0] >= 3) & (cb[:, 3] - cb[:, 1] >= 3)
        boxes, labels, checked = cb[keep], labels[keep], checked[keep]
    return win, boxes, labels, checked


def assign(boxes: torch.Tensor, height: int, width: int):
    """For one image: index of the object each location learns (-1: background).

    Every object goes to one level (by sqrt(area)); on it, the locations whose
    centre lies inside the box and within CENTER_RADIUS strides of the box
    centre are positives; an object that catches no location takes the nearest
    one (thin sliders, tiny checkboxes).  A location inside two objects learns
    the smaller one.
    """
    pts, strides = grid_points(height, width)
    n = pts.shape[0]
    target = torch.full((n,), -1, dtype=torch.long)
    if boxes.numel() == 0:
        return target, pts, strides
    wh = (boxes[:, 2:] - boxes[:, :2]).clamp(min=1)
    area = wh[:, 0] * wh[:, 1]
    size = area.sqrt()
    level_stride = torch.full_like(size, float(STRIDES[2]))
    level_stride[size < LEVEL_LIMITS[1]] = float(STRIDES[1])
    level_stride[size < LEVEL_LIMITS[0]] = float(STRIDES[0])
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    px, py = pts[:, 0:1], pts[:, 1:2]                         # L x 1
    inside = ((px > boxes[:, 0]) & (px < boxes[:, 2]) & (py > boxes[:, 1]) & (py < boxes[:, 3]))
    on_level = strides[:, None] == level_stride[None, :]
    r = CENTER_RADIUS * level_stride
    near = ((px - centre[:, 0]).abs() < r) & ((py - centre[:, 1]).abs() < r)
    cand = inside & on_level & near                             # L x M
    # fallback: nearest location of the object's level
    missing = ~cand.any(0)
    if missing.any():
        d = (px - centre[:, 0]) ** 2 + (py - centre[:, 1]) ** 2
        d = torch.where(on_level, d, torch.full_like(d, float("inf")))
        idx = d.argmin(0)
        for m in torch.nonzero(missing).flatten().tolist():
            cand[idx[m], m] = True
    cost = torch.where(cand, area[None, :].expand_as(cand), torch.full_like(cand, math.inf, dtype=torch.float))
    best = cost.argmin(1)
    has = cand.any(1)
    target[has] = best[has]
    return target, pts, strides


class CropDataset(torch.utils.data.IterableDataset):
    """Endless random crops; the file list is re-scanned now and then, so a
    generator still running in the background keeps feeding the training."""

    def __init__(self, roots, size=(384, 384), seed=0, crops_per_image=6, rescan_every=2000,
                 pool_size=96):
        super().__init__()
        self.roots, self.size, self.seed = list(roots), size, seed
        self.crops_per_image, self.rescan_every = crops_per_image, rescan_every
        self.pool_size = pool_size

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        rng = random.Random(self.seed * 7919 + wid + random.randrange(1 << 30))
        files, served = [], 0
        # Decoding a screen costs as much as training on ~3 crops of it, so each
        # screen gives several crops; a shuffle pool keeps a batch from holding
        # crops of only one or two screens.
        pool: list = []
        while True:
            if not files or served >= self.rescan_every:
                files, served = scan(self.roots), 0
                if not files:
                    raise RuntimeError(f"no samples under {self.roots}")
            path = files[rng.randrange(len(files))]
            try:
                img, boxes, labels, checked = load_sample(path)
            except Exception:           # a half-written sample: skip it
                continue
            for _ in range(self.crops_per_image):
                c, b, l, k = random_crop(img, boxes, labels, checked, self.size, rng)
                c = augment_colour(c, rng)
                pool.append((torch.from_numpy(np.ascontiguousarray(c)).permute(2, 0, 1),
                             torch.from_numpy(b), torch.from_numpy(l), torch.from_numpy(k)))
            while len(pool) > self.pool_size:
                served += 1
                yield pool.pop(rng.randrange(len(pool)))


def collate(batch):
    imgs = torch.stack([b[0] for b in batch]).float()
    imgs = (imgs / 255.0 - 0.5) / 0.25
    return imgs, [b[1] for b in batch], [b[2] for b in batch], [b[3] for b in batch]
