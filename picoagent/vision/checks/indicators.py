"""Checkboxes and radios: snapped to their outline, classed by its shape, their
state read from the pixels where the model is unsure."""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from ..components import components
from .config import CONFIG as C
from .shapes import _commonest, _fill, _raised, _rim, channel_diff, search_window, shapes_per_background


INDICATOR_KINDS = ("checkbox", "radio")


def find_outline(image: np.ndarray, box: tuple[int, int, int, int]):
    """The indicator outline near ``box`` (x, y, w, h) on an RGB frame:
    ``(box, corner_ratio, shape_fit)``, or None.

    The shape is the filled outer outline of what differs from the background:
    an empty ring and a filled disk with a dot in it are the same disk."""
    x, y, w, h = box
    s = max(w, h)
    pad = max(C.outline_pad_min, int(C.outline_pad * s))
    x0, y0, x1, y1 = search_window(image, box, pad, pad)
    if x1 - x0 < C.min_side + 2 or y1 - y0 < C.min_side + 2:
        return None
    cx, cy = x + w / 2.0 - x0, y + h / 2.0 - y0
    lo = max(C.min_side, C.outline_size[0] * min(w, h))
    hi = min(C.max_side, C.outline_size[1] * max(w, h))

    def keep(bx, by, bw, bh):
        return (lo <= bw <= hi and lo <= bh <= hi
                and C.outline_aspect[0] <= bw / bh <= C.outline_aspect[1]
                and abs(bx + bw / 2.0 - cx) <= C.outline_offset * s
                and abs(by + bh / 2.0 - cy) <= C.outline_offset * s)

    # gaps bridged first (a light ring's anti-aliased corners); then not, for an
    # indicator a pixel or two inside a dotted focus ring (GTK draws one around a
    # checkbox and its label once clicked), which bridging would join to the ring
    for found in shapes_per_background(image, (x0, y0, x1, y1), box, keep,
                                       closes=(True, False)):
        best = None
        for b, mask, pts, at_rim in found:
            if at_rim:
                continue                # part of something larger (a field, a panel)
            if _fill(mask) < C.solid_min_fill:       # a glyph or a tick, not a solid shape
                continue
            if best is None or b[2] * b[3] > best[0][2] * best[0][3]:
                ratio = corner_ratio(pts, b[0] - x0, b[1] - y0, b[2], b[3])
                best = (b, ratio, shape_fit(mask, ratio < C.round_ratio))
        if best is not None:
            return best
    return None


def shape_fit(mask: np.ndarray, round_: bool) -> float:
    """How well a solid shape (its bounding box cut out) fills the ideal indicator:
    IoU with the inscribed disk, or the fraction of the box it fills."""
    if not round_:
        return _fill(mask)
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w]
    disk = ((xx - (w - 1) / 2.0) / (w / 2.0)) ** 2 + ((yy - (h - 1) / 2.0) / (h / 2.0)) ** 2 <= 1
    return float((mask & disk).sum() / max(1, (mask | disk).sum()))


def corner_ratio(pts: np.ndarray, bx: int, by: int, bw: int, bh: int) -> float:
    """Mean distance of an outline's points from its centre along the diagonals
    over the same along the axes (30-degree sectors), in half-sizes: 1.0 for a
    circle, about 1.15 for a square with quarter-size rounded corners, 1.4 for a
    sharp square."""
    hx, hy = max(0.5, (bw - 1) / 2.0), max(0.5, (bh - 1) / 2.0)
    dx = (pts[:, 0] - (bx + hx)) / hx
    dy = (pts[:, 1] - (by + hy)) / hy
    r = np.hypot(dx, dy)
    a = np.degrees(np.arctan2(np.abs(dy), np.abs(dx)))        # 0..90
    diag = r[np.abs(a - 45) < 15]
    axis = r[(a < 15) | (a > 75)]
    if diag.size == 0 or axis.size == 0:
        return 1.0
    return float(diag.mean() / max(1e-6, axis.mean()))


def outline_kind(found) -> str | None:
    """The indicator a :func:`find_outline` result is: "radio" for a clean disk,
    "checkbox" for a clean square, None for a solid shape that is neither."""
    _, ratio, fit = found
    round_ = ratio < C.round_ratio
    if fit >= (C.min_disk_fit if round_ else C.min_square_fit):
        return "radio" if round_ else "checkbox"
    return None


def radio_inside(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the disk outlined at ``box`` (x, y, w, h) holds what a radio does:
    nothing (off), or one solid centred dot or dash (on).  A disk with letters or
    a digit inside is an avatar or a wizard's step."""
    x, y, w, h = box
    if h < C.min_side or w < C.min_side:
        return True
    c = image[y:y + h, x:x + w].astype(np.int16)
    if c.ndim == 2:
        c = c[:, :, None]
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot((xx - (w - 1) / 2.0) / (w / 2.0), (yy - (h - 1) / 2.0) / (h / 2.0))
    inner, band = r < C.radio_inner, (r >= C.radio_band) & (r < C.radio_inner)
    if not band.any():
        return True
    fill = _commonest(c[band])
    mark = ((np.abs(c - fill).max(2) > C.radio_mark_diff) & inner).astype(np.uint8)
    _, lab, stats, _ = components(mark)
    # parts wholly out of C.radio_band are the inner edge of a thick ring
    dots = sorted(set(np.unique(lab[(r < C.radio_band) & (mark > 0)]).tolist()) - {0})
    if not dots:
        # nothing inside a ring, or a disk of one colour: a white radio on a dark
        # page is drawn as one (and so is a password's dot: told by in_word)
        return True
    i = max(dots, key=lambda i: stats[i, cv2.CC_STAT_AREA])
    mx, my, mw, mh, area = stats[i]
    off = max(abs((2 * mx + mw - w) / w), abs((2 * my + mh - h) / h))
    m = lab[my:my + mh, mx:mx + mw] == i
    mirrored = min((m & m[::-1]).sum() / (m | m[::-1]).sum(),
                   (m & m[:, ::-1]).sum() / (m | m[:, ::-1]).sum())
    return bool(off <= C.radio_dot_offset and area >= C.radio_dot_fill * mw * mh
                and mirrored >= C.radio_dot_mirrored
                and area >= C.radio_dot_share * stats[dots, cv2.CC_STAT_AREA].sum())


def in_word(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the shape at ``box`` (x, y, w, h) has ink right beside it, left or
    right, across its middle half: a letter among letters."""
    x, y, w, h = box
    H, W = image.shape[:2]
    g = max(2, int(round(C.word_gap * max(w, h))))
    frame = image[max(0, y - 2):min(H, y + h + 2), max(0, x - 2):min(W, x + w + 2)]
    around = _commonest(_rim(frame))
    rows = slice(y + h // 4, y + h - h // 4)
    for side in (image[rows, max(0, x - g):x], image[rows, x + w:min(W, x + w + g)]):
        if side.size and (channel_diff(side, around) > C.radio_mark_diff).any():
            return True
    return False


def check_indicator(image: np.ndarray, d, outlines: dict | None = None):
    """A checkbox / radio detection snapped to its outline and classed by its
    shape, scored up, its state read from the pixels where the model is unsure
    (C.state_unsure).  A solid shape that is no clean square or disk is an icon
    (the model calls many small icons checkboxes: 56 of 240 real icons), kept with
    the model's box and score; with no solid shape at all, or a disk that holds
    no radio's mark (:func:`radio_inside`) or stands in a word (:func:`in_word`),
    the score is scaled down.  Returns (detection, whether an indicator's outline
    was found).  ``outlines``: :func:`find_outline` results by box, filled as
    they are worked out (refine shares one a frame: the model leaves a checkbox
    and a radio candidate on the same box)."""
    if outlines is None:
        found = find_outline(image, d.box)
    else:
        if d.box not in outlines:
            outlines[d.box] = find_outline(image, d.box)
        found = outlines[d.box]
    if found is not None:
        kind = outline_kind(found)
        box = tuple(int(v) for v in found[0])
        if kind == "radio" and (not radio_inside(image, box) or in_word(image, box)):
            return replace(d, score=d.score * C.unverified_scale), False
        if kind is not None:
            checked = d.checked
            if d.checked_score is not None and abs(d.checked_score - 0.5) < C.state_unsure:
                checked = indicator_state(image, box)
            return replace(d, kind=kind, box=box, checked=checked, score=_raised(d.score)), True
        # a solid shape, but not a clean square or disk: an icon, most likely
        return replace(d, kind="icon", checked=None, checked_score=None), False
    return replace(d, score=d.score * C.unverified_scale), False


def indicator_state(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the checkbox / radio drawn at ``box`` is on, from its pixels: an off
    indicator is empty (one flat colour inside), an on one holds a tick or a dot
    or is filled with a colour far from what it sits on."""
    x, y, w, h = box
    H, W = image.shape[:2]
    mx, my = max(1, int(round(C.state_margin * w))), max(1, int(round(C.state_margin * h)))
    inner = image[y + my:y + h - my, x + mx:x + w - mx].reshape(-1, 3).astype(np.float32)
    ring = np.concatenate([image[max(0, y - 3):y, x:x + w].reshape(-1, 3),
                           image[y + h:min(H, y + h + 3), x:x + w].reshape(-1, 3),
                           image[y:y + h, max(0, x - 3):x].reshape(-1, 3),
                           image[y:y + h, x + w:min(W, x + w + 3)].reshape(-1, 3)])
    if inner.size == 0 or ring.size == 0:
        return False
    bg = np.median(ring.astype(np.float32), axis=0)
    return bool(inner.std(0).max() > C.on_std or np.abs(inner.mean(0) - bg).max() > C.on_fill)


def indicator_beside(image: np.ndarray, label: tuple[int, int, int, int], side: str):
    """A checkbox or radio drawn beside the text line ``label`` (x, y, w, h) on
    ``side`` ("left" / "right"), for when the model missed it: ``(box, kind)`` or
    None.  Square guesses of 1.2, then 0.8 label heights are tried outward from
    the label, then over its first (left side) or last characters, where OCR
    takes in an indicator drawn close to its words (Tk); each must pass the
    outline test of ``check_indicator`` (:func:`outline_kind`)."""
    lx, ly, lw, lh = label
    cy = ly + lh / 2.0
    # a guess smaller than the indicator takes a filled one's face for the background
    for s in [max(C.min_side, int(round(f * lh))) for f in C.beside_sizes]:
        step = max(2.0, 0.5 * s)
        n = int(C.beside_reach * lh / step) + 1
        if side == "left":
            xs = [lx - C.beside_gap * lh - k * step for k in range(n)] + [lx + 0.5 * s]
        else:
            xs = [lx + lw + C.beside_gap * lh + k * step for k in range(n)] + [lx + lw - 0.5 * s]
        for cx in xs:
            found = find_outline(image, (int(cx - s / 2.0), int(cy - s / 2.0), s, s))
            kind = outline_kind(found) if found is not None else None
            if kind is not None:
                return tuple(int(v) for v in found[0]), kind
    return None


def refine_indicators(image: np.ndarray, detections: list) -> list:
    """Detections (objects with kind, box, score) with each checkbox / radio
    checked by :func:`check_indicator`; others unchanged."""
    return [check_indicator(image, d)[0] if d.kind in INDICATOR_KINDS else d
            for d in detections]
