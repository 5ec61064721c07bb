"""Buttons and switches: snapped to their drawn box, split where one box covers two
buttons; a stadium with a knob is a toggle, a box with its words at the left a field."""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from ..geometry import intersection, iou
from .config import CONFIG as C
from .shapes import WindowShapes, _raised, _searched, _solid, search_window
from .fields import find_arrow, progress_fill, text_at_left


BUTTON_KINDS = ("button",)


def _button_pads(box) -> tuple[int, int]:
    """How far :func:`button_boxes` searches beyond ``box``, across and down."""
    w, h = box[2], box[3]
    return int(max(0.3 * w, h)), int(max(0.4 * h, 8))


def _button_keep(h: int):
    """:func:`button_boxes`' size test for a box ``h`` high."""
    def keep(bx, by, bw, bh):
        return (max(C.button_min_h, C.button_h[0] * h) <= bh <= C.button_h[1] * h
                and bw >= C.button_min_aspect * bh)
    return keep


def button_boxes(image: np.ndarray, box: tuple[int, int, int, int],
                 shared: WindowShapes | None = None) -> list:
    """The drawn boxes (solid rectangles: a border or a fill) of buttons around and
    inside ``box``: the ones mostly inside it, left to right.  ``shared``: search
    that window's shapes (check_button's, which the switch search shares)."""
    h = box[3]
    x0, y0, x1, y1 = shared.window if shared else search_window(image, box, *_button_pads(box))
    if x1 - x0 < C.button_min_h + 2 or y1 - y0 < C.button_min_h + 2:
        return []
    keep = _button_keep(h)
    for found in _searched(image, box, (x0, y0, x1, y1), keep, shared):
        out = [c for c in _solid(found)
               if intersection(c, box) >= C.button_inside * c[2] * c[3] or iou(c, box) >= C.button_snap_iou]
        if out:
            return sorted(out)
    return []


def _stadium(w: int, h: int) -> np.ndarray:
    """A filled stadium (a rectangle with semicircular ends) of w x h pixels."""
    m = np.zeros((h, w), np.uint8)
    r = h / 2.0
    cv2.rectangle(m, (int(round(r)), 0), (int(round(w - r)) - 1, h - 1), 1, -1)
    cv2.circle(m, (int(round(r)) - 1, int(h // 2)), int(round(r)), 1, -1)
    cv2.circle(m, (int(round(w - r)), int(h // 2)), int(round(r)), 1, -1)
    return m.astype(bool)


def _edges(row: np.ndarray, threshold: float) -> list:
    """Colour steps bigger than ``threshold`` in a channel along ``row`` (N x 3),
    grouped when within 4 px: each group's positions (index of the pixel after the step)."""
    steps = np.flatnonzero(np.abs(np.diff(row.astype(np.int16), axis=0)).max(1) > threshold) + 1
    return np.split(steps, np.flatnonzero(np.diff(steps) > 4) + 1) if steps.size else []


def _has_run(groups: list, h: int) -> bool:
    """Whether one of the groups of :func:`_edges` is longer than an edge: words or
    a pattern (``h``: the height of what the row crosses)."""
    return any(g[-1] - g[0] > max(4, 0.2 * h) for g in groups)


def _has_words(row: np.ndarray, h: int) -> bool:
    """Whether ``row`` crosses a run of colour steps longer than an edge."""
    return _has_run(_edges(row, C.switch_step), h)


def switch_state(image: np.ndarray, box, mask: np.ndarray):
    """Whether the drawn shape at ``box`` (x, y, w, h) with filled ``mask`` is an
    on/off switch: a stadium whose middle row steps colour only at the edges of
    a round knob at one end.  Returns True (knob at the right: on), False (at
    the left: off) or None (not a switch).  A pill-shaped button's words step
    colour many times; a symbol's ("+", "-") twice, but around the middle."""
    x, y, w, h = box
    if not (C.switch_h[0] <= h <= C.switch_h[1]
            and C.switch_aspect[0] <= w / h <= C.switch_aspect[1]):
        return None
    c = max(2, int(C.switch_corner * h))
    corners = (mask[:c, :c].mean() + mask[:c, -c:].mean() + mask[-c:, :c].mean()
               + mask[-c:, -c:].mean()) / 4
    if corners > C.switch_max_corner:
        return None
    st = _stadium(w, h)
    if (mask & st).sum() < C.switch_min_fit * (mask | st).sum():
        return None
    if image.ndim != 3:
        return None
    m = max(2, h // 8)                   # not the shape's own ends
    groups = [g[(g >= m) & (g <= w - m)]
              for g in _edges(image[y + h // 2, x:x + w, :3], C.switch_step)]
    groups = [g for g in groups if g.size]
    if not groups or _has_run(groups, h):
        return None                      # no edge, or a run of steps: words or a pattern
    edges = [float(g.mean()) for g in groups]
    if len(edges) == 1:
        # the knob's edge is an arc, bulging into the track: a quarter of the height
        # above and below the middle it lies nearer the knob's end of the switch
        # (and is fainter there: steps of half C.switch_step count)
        p = edges[0]
        off = []
        for r in (y + h // 2 - h // 4, y + h // 2 + h // 4):
            st = np.concatenate(_edges(image[r, x:x + w, :3], C.switch_step / 2) or [np.zeros(0)])
            st = st[np.abs(st - p) <= 0.5 * h]
            if st.size:
                off.append(float(st.mean()) - p)
        if len(off) < 2 or abs(sum(off) / 2) < 1:
            return None                  # a straight line, no knob
        on = sum(off) > 0
        knob = w - p if on else p
        return on if C.switch_knob[0] * h <= knob <= C.switch_knob[1] * h else None
    if len(edges) == 2:
        p, q = edges
        if C.switch_inset_knob[0] * h <= q - p <= C.switch_inset_knob[1] * h and \
                min(p, w - q) <= C.switch_inset * h:
            return p + q > w
    return None


def _switch_pads(box) -> tuple[int, int]:
    """How far :func:`find_switch` searches beyond ``box``, across and down."""
    return max(6, box[2] // 2), max(4, box[3] // 2)


def _switch_keep(bx, by, bw, bh) -> bool:
    return C.switch_h[0] <= bh <= C.switch_h[1] and \
        C.switch_aspect[0] * bh <= bw <= C.switch_aspect[1] * bh


def find_switch(image: np.ndarray, box: tuple[int, int, int, int],
                shared: WindowShapes | None = None):
    """An on/off switch drawn at ``box`` (x, y, w, h): (its box, whether on), or None.
    ``shared``: as :func:`button_boxes`'."""
    x, y, w, h = box
    if not (0.5 * C.switch_h[0] <= h <= 1.5 * C.switch_h[1] and w <= 4 * h):
        return None
    if image.ndim != 3 or _has_words(image[y + h // 2, x:x + w, :3], h):
        return None                      # cheap first: a button's words on its middle row
    window = shared.window if shared else search_window(image, box, *_switch_pads(box))
    for found in _searched(image, box, window, _switch_keep, shared):
        for cand, mask, _, at_rim in found:
            if at_rim or iou(cand, box) < C.switch_min_iou:
                continue
            on = switch_state(image, cand, mask)
            if on is not None:
                return tuple(int(v) for v in cand), on
    return None


def check_button(image: np.ndarray, d):
    """A button detection snapped to its drawn box; one over two or more drawn
    buttons side by side (the model merges "Cancel" and "OK") split into them.
    A flat button (no border, no fill) keeps the model's box and score.
    Returns (detections, whether a drawn box was found)."""
    score = _raised(d.score)
    # one window (the drawn boxes' own), searched once against each background, for
    # both a switch and drawn boxes.  (Searched as far as either looks: generated text
    # field AP 0.714 -> 0.709, as a wider window finds other boxes beside a field the
    # model called a button.)
    keep = _button_keep(d.box[3])
    shared = WindowShapes(image, search_window(image, d.box, *_button_pads(d.box)), d.box,
                          lambda *b: _switch_keep(*b) or keep(*b))
    # the model calls some switches buttons (GTK's): a stadium with a knob is a toggle
    sw = find_switch(image, d.box, shared)
    if sw is not None:
        return [replace(d, kind="toggle", box=sw[0], checked=sw[1], score=score)], True
    boxes = button_boxes(image, d.box, shared)
    if len(boxes) == 1 and iou(boxes[0], d.box) >= C.button_snap_iou:
        box = tuple(int(v) for v in boxes[0])
        # a drawn box with its words at the left is a field (or, with an arrow at its
        # right end, a dropdown), not a button: the model calls many web fields buttons.
        # Most buttons centre their label and fail the first test: no arrow search.
        if text_at_left(image, box, skip_right=True):
            # ... but a progress bar's fill at the left is neither (generated text
            # field AP 0.724 -> 0.728, real button 0.796 -> 0.797)
            if progress_fill(image, box):
                return [replace(d, box=box, score=d.score * C.unverified_scale)], False
            arrow = find_arrow(image, box)
            if arrow or text_at_left(image, box):
                return [replace(d, kind="dropdown" if arrow else "text_field", box=box,
                                score=score)], True
        return [replace(d, box=box, score=score)], True
    if len(boxes) >= 2 and _side_by_side(boxes) and \
            sum(b[2] * b[3] for b in boxes) >= C.button_split_cover * d.box[2] * d.box[3]:
        return [replace(d, box=tuple(int(v) for v in b), score=score) for b in boxes], True
    return [d], False


def _side_by_side(boxes) -> bool:
    """Disjoint boxes on one row or one column."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if iou(a, b) > 0:
                return False
    ys = [b[1] + b[3] / 2.0 for b in boxes]
    xs = [b[0] + b[2] / 2.0 for b in boxes]
    hmin = min(b[3] for b in boxes)
    wmin = min(b[2] for b in boxes)
    return max(ys) - min(ys) <= C.side_by_side * hmin or max(xs) - min(xs) <= C.side_by_side * wmin
