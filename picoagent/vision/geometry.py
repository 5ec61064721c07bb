"""Spatial relations and reading order on boxes (frame pixels).  Pure logic."""
from __future__ import annotations

import math

from .. import defaults
from .frame import Box


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


def center(b: Box) -> tuple[float, float]:
    return (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0)


def inside(point: tuple[float, float], b: Box) -> bool:
    return b[0] <= point[0] <= b[0] + b[2] and b[1] <= point[1] <= b[1] + b[3]


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
