"""Box maths (intersection, IoU), spatial relations and reading order on boxes
(frame pixels).  Pure logic; the one place these are written."""
from __future__ import annotations

import math

import numpy as np

from .. import defaults
from .frame import Box


def intersection(a: Box, b: Box) -> int:
    """The area two boxes (x, y, w, h) share."""
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return ix * iy if ix > 0 and iy > 0 else 0


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (x, y, w, h); 0 for an empty union."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def iou_many_xyxy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of ``a`` [N, 4] with every box of ``b`` [M, 4] (x0, y0, x1,
    y1, as the model's outputs are): [N, M]."""
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2])
                 - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3])
                 - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


def overlaps_any(boxes, b: Box, thr: float) -> bool:
    """Whether box ``b`` has an IoU above ``thr`` with any of ``boxes`` (x, y, w, h):
    :func:`iou` inlined with early exits (the checks ask this ~1,000 times a frame)."""
    x, y, w, h = b
    x1, y1, a = x + w, y + h, w * h
    for bx, by, bw, bh in boxes:
        ix = min(x1, bx + bw) - max(x, bx)
        if ix <= 0:
            continue
        iy = min(y1, by + bh) - max(y, by)
        if iy <= 0:
            continue
        inter = ix * iy
        if inter > thr * (a + bw * bh - inter):
            return True
    return False


def holds_any(boxes, b: Box, share: float) -> bool:
    """Whether ``share`` of the smaller of box ``b`` and one of ``boxes`` lies in both."""
    a = b[2] * b[3]
    return any(intersection(o, b) >= share * min(a, o[2] * o[3]) for o in boxes)


def _vertical_overlap(a: Box, b: Box) -> float:
    return min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])


def _horizontal_overlap(a: Box, b: Box) -> float:
    return min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])


def overlaps(a: Box, b: Box) -> bool:
    """Do boxes ``a`` and ``b`` share any area?"""
    return (min(a[0] + a[2], b[0] + b[2]) > max(a[0], b[0])
            and min(a[1] + a[3], b[1] + b[3]) > max(a[1], b[1]))


def same_row(a: Box, b: Box) -> bool:
    need = defaults.ROW_BAND_TOLERANCE * max(1, min(a[3], b[3]))
    return _vertical_overlap(a, b) >= need


def same_column(a: Box, b: Box) -> bool:
    need = defaults.ROW_BAND_TOLERANCE * max(1, min(a[2], b[2]))
    return _horizontal_overlap(a, b) >= need


def edge_distance(a: Box, b: Box) -> float:
    dx = max(0, max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3]))
    return math.hypot(dx, dy)


def union(a: Box, b: Box) -> Box:
    """The smallest box holding ``a`` and ``b``."""
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


def grow(b: Box, d: int) -> Box:
    """``b`` with ``d`` more pixels on every side."""
    return (b[0] - d, b[1] - d, b[2] + 2 * d, b[3] + 2 * d)


def center(b: Box) -> tuple[float, float]:
    return (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0)


def inside(point: tuple[float, float], b: Box) -> bool:
    return b[0] <= point[0] <= b[0] + b[2] and b[1] <= point[1] <= b[1] + b[3]


def within(a: Box, b: Box) -> bool:
    """Box ``a`` lies wholly inside box ``b``."""
    return b[0] <= a[0] and b[1] <= a[1] and a[0] + a[2] <= b[0] + b[2] and \
        a[1] + a[3] <= b[1] + b[3]


def centred_in(boxes, region: Box) -> list[Box]:
    """The boxes of ``boxes`` whose centre lies in ``region``."""
    return [b for b in boxes if inside(center(b), region)]


def relation_distance(rel: str, cand: Box, anchor: Box) -> float | None:
    """Distance of ``cand`` from ``anchor`` under relation ``rel``; None if it does not hold.

    right_of / left_of: same row band (vertical overlap), entirely on that side of the
    anchor's centre; distance is the horizontal gap.  above / below: same column band,
    on that side; vertical gap.  near: edge gap at most ``defaults.NEAR_PX``.  within:
    the candidate's centre lies in the anchor's box.
    """
    if cand == anchor and rel != "within":
        return None
    cx, cy = center(cand)
    ax, ay = center(anchor)
    if rel == "right_of":
        if not same_row(cand, anchor) or cand[0] < ax:
            return None
        return max(0.0, cand[0] - (anchor[0] + anchor[2])) + 0.1 * abs(cy - ay)
    if rel == "left_of":
        if not same_row(cand, anchor) or cand[0] + cand[2] > ax:
            return None
        return max(0.0, anchor[0] - (cand[0] + cand[2])) + 0.1 * abs(cy - ay)
    if rel == "below":
        if not same_column(cand, anchor) or cand[1] < ay:
            return None
        return max(0.0, cand[1] - (anchor[1] + anchor[3])) + 0.1 * abs(cx - ax)
    if rel == "above":
        if not same_column(cand, anchor) or cand[1] + cand[3] > ay:
            return None
        return max(0.0, anchor[1] - (cand[1] + cand[3])) + 0.1 * abs(cx - ax)
    if rel == "near":
        d = edge_distance(cand, anchor)
        return d if d <= defaults.NEAR_PX else None
    if rel == "within":
        return 0.0 if inside((cx, cy), anchor) else None
    raise ValueError(f"unknown relation {rel}")


def reading_order(boxes: list[Box]) -> list[int]:
    """Indices of ``boxes`` in reading order: rows top to bottom, left to right in a row."""
    idx = sorted(range(len(boxes)), key=lambda i: (boxes[i][1], boxes[i][0]))
    rows: list[list[int]] = []
    for i in idx:
        for row in rows:
            ref = boxes[row[0]]
            if _vertical_overlap(ref, boxes[i]) >= 0.5 * min(ref[3], boxes[i][3]):
                row.append(i)
                break
        else:
            rows.append([i])
    rows.sort(key=lambda r: min(boxes[i][1] for i in r))
    return [i for r in rows for i in sorted(r, key=lambda i: boxes[i][0])]
