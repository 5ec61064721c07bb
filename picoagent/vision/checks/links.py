"""Links: widened along their line to the whole link, drawn in to their words,
scored up when of a link's colour or underlined; rows of blocks told apart."""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from ..components import components
from .config import CONFIG as C
from .shapes import _commonest, _raised, _rim, _run_bounds, _runs, _strong_ink_diff, channel_diff


LINK_KINDS = ("link",)


def _words(reg: np.ndarray):
    """The background of a box of words (the commonest colour of its rim), their
    ink (differing from it clearly) and each pixel's :func:`channel_diff` from the
    background, on which the ink is thresholded: (bg, ink mask, diff)."""
    bg = _commonest(_rim(reg))
    return (bg, *_strong_ink_diff(reg, bg, C.words_ink_diff, C.words_ink_rel))


def _inner_words(image: np.ndarray, box, outer, words):
    """:func:`_words` of ``box`` (x, y, w, h), a part of box ``outer`` that holds all
    the ink of ``words`` (``outer``'s :func:`_words`): where ``box``'s rim has the
    same commonest colour, its differences are ``outer``'s and so is their
    strongest one (an inked pixel's, so inside ``box``), and its ink and
    differences are ``outer``'s cut to it."""
    x, y, w, h = box
    reg = image[y:y + h, x:x + w, :3]
    bg = _commonest(_rim(reg))
    if not np.array_equal(bg, words[0]):
        return (bg, *_strong_ink_diff(reg, bg, C.words_ink_diff, C.words_ink_rel))
    rows, cols = slice(y - outer[1], y - outer[1] + h), slice(x - outer[0], x - outer[0] + w)
    return bg, words[1][rows, cols], words[2][rows, cols]


def _ink_hsv(reg: np.ndarray, ink: np.ndarray, bg=None, diff=None):
    """The words' mean colour and its OpenCV HSV (hue, saturation, value); with
    their background ``bg``, of their strokes' cores (C.ink_core) only (``diff``:
    ``channel_diff(reg, bg)``, if worked out already)."""
    if bg is not None and C.ink_core > 0:
        d = channel_diff(reg, bg) if diff is None else diff
        core = ink & (d >= C.ink_core * int(d[ink].max()))
        if np.count_nonzero(core) >= C.link_min_ink:
            ink = core
    mean = _masked_mean(reg, ink)
    hsv = cv2.cvtColor(mean.astype(np.uint8).reshape(1, 1, 3), cv2.COLOR_RGB2HSV)[0, 0]
    return mean, tuple(int(v) for v in hsv)


def _masked_mean(reg: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``reg[mask].mean(0)`` (float64 channels) by one OpenCV call instead of a
    boolean gather: the same numbers, as the channels' integer sums are recovered
    exactly from OpenCV's mean and divided as numpy divides them."""
    if reg.strides[1:] != (reg.shape[2] * reg.itemsize, reg.itemsize):
        reg = np.ascontiguousarray(reg)     # OpenCV takes rows apart, not pixels apart
    m = np.ascontiguousarray(mask).view(np.uint8)
    n = cv2.countNonZero(m)
    if n == 0:
        return reg[mask].mean(0)            # numpy's nan (and warning), as before
    sums = np.rint(np.asarray(cv2.mean(reg, m)[:reg.shape[2]]) * n)
    return sums / n


def _underline_rows(ink: np.ndarray) -> np.ndarray:
    """Rows of the lower half of ``ink`` that a line under the words crosses: ink
    across C.underline_span of the words' span (words at least half as wide as high)."""
    h = ink.shape[0]
    cols = np.nonzero(ink.any(0))[0]
    span = cols[-1] - cols[0] + 1
    if span < 0.5 * h:
        return np.zeros(0, np.int64)
    return h // 2 + np.nonzero(np.count_nonzero(ink[h // 2:], axis=1) >= C.underline_span * span)[0]


def link_marks(image: np.ndarray, box: tuple[int, int, int, int], words=None) -> bool:
    """Whether the words in ``box`` look like a link: ink of a link's colour
    (C.link_hue), or a line under them (:func:`_words`, :func:`_underline_rows`).
    ``words``: :func:`_words` of the box, if worked out already."""
    x, y, w, h = box
    if h < 8 or w < h or image.ndim != 3:
        return False
    reg = image[y:y + h, x:x + w, :3]
    bg, ink, diff = words if words is not None else _words(reg)
    if np.count_nonzero(ink) < C.link_min_ink:
        return False
    mean, (hue, sat, _) = _ink_hsv(reg, ink, bg, diff)
    if (C.link_hue[0] <= hue <= C.link_hue[1] and sat >= C.link_min_sat
            and float(mean.max() - mean.min()) >= C.link_min_spread):
        return True
    return len(_underline_rows(ink)) > 0


def _gapped_runs(mask: np.ndarray, stop: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, end) of True in ``mask``, gaps of up to ``gap`` bridged where no
    ``stop`` column lies in the gap."""
    run0, run1 = _run_bounds(mask, 0)
    if run0.size < 2:
        return list(zip(run0.tolist(), run1.tolist()))
    starts, ends = run0[1:], run1[:-1]            # each gap: [end of one run, next start)
    stops = np.concatenate(([0], np.cumsum(stop, dtype=np.int64)))
    joined = (starts - ends <= gap) & (stops[starts] == stops[ends])
    first = np.concatenate(([0], np.flatnonzero(~joined) + 1))
    last = np.concatenate((first[1:] - 1, [run0.size - 1]))
    return list(zip(run0[first].tolist(), run1[last].tolist()))


def link_extent(image: np.ndarray, box: tuple[int, int, int, int], words=None):
    """The whole link that ``box`` (x, y, w, h) covers part of, along its line: the
    model boxes a long link (``filehandle.read(buffer, offset)``) in pieces.

    An underlined link runs as far as its underline does.  A link in colour runs
    through the words of its colour, across word spaces (C.link_gap), and stops at
    ink of another colour (a bullet, the sentence around it).  Black or grey words
    with no underline are not followed: nothing on the pixels tells where such a
    link ends.  ``words``: :func:`_words` of the box, if worked out already.
    Returns (x, y, w, h), or None."""
    x, y, w, h = box
    W = image.shape[1]
    if h < 8 or h > C.link_max_h or w < 4 or image.ndim != 3:
        return None
    reg = image[y:y + h, x:x + w, :3]
    bg, ink, _ = words if words is not None else _words(reg)
    if np.count_nonzero(ink) < C.link_min_ink:
        return None
    bx0, bx1 = max(0, x - C.link_reach * h), min(W, x + w + C.link_reach * h)
    band = image[y:y + h, bx0:bx1, :3]
    lo, hi = x - bx0, x - bx0 + w                # the box in band columns
    # ink: a channel more than C.words_ink_diff off the background (one cv2.inRange on uint8)
    low = tuple(max(0, int(v) - C.words_ink_diff) for v in bg)
    high = tuple(min(255, int(v) + C.words_ink_diff) for v in bg)
    under = _underline_rows(ink)
    if len(under):                                # along the underline, 1-px gaps bridged
        r = int(under[-1])
        row = cv2.inRange(np.ascontiguousarray(band[r:r + 1]), low, high)[0] == 0
        return _overlapping(_runs(row, 1), lo, hi, bx0, y, h)
    lc, (_, sat, val) = _ink_hsv(reg, ink)
    if sat < C.link_min_chroma or val < C.link_min_value:
        return None
    gap = max(1, int(C.link_gap * h))
    # The runs are worked out on a window of the band around the box, widened until
    # the run found ends clear of the window's edges (or at the band's): each
    # column's verdict is its own pixels' (the stops' widening aside, 2 columns), and
    # a run is joined only across gaps of up to ``gap`` columns, so a run ending more
    # than gap + 4 columns inside the window ends there in the whole band too.  Most
    # links end within a few heights; the band reaches C.link_reach heights each way.
    # A widening works out only the columns it adds.
    margin = gap + 4
    n = band.shape[1]

    def columns(a: int, b: int):
        return _colour_columns(band[:, a:b], low, high, bg, lc)

    a, b = max(0, lo - 2 * margin), min(n, hi + 2 * margin)
    mine, other = columns(a, b)
    while True:
        stop = cv2.dilate(other[None], _STOP_KERNEL)[0].view(bool)
        runs = [(s + a, e + a) for s, e in _gapped_runs(mine & ~stop, stop, gap)]
        best = _overlapping(runs, lo, hi, bx0, y, h)
        if best is None:
            return None
        s, e = best[0] - bx0, best[0] - bx0 + best[2]
        if (a == 0 or s - a > margin) and (b == n or b - e > margin):
            return best
        na, nb = max(0, a - 4 * margin), min(n, b + 4 * margin)
        (lmine, lother), (rmine, rother) = columns(na, a), columns(b, nb)
        mine, other = np.concatenate((lmine, mine, rmine)), np.concatenate((lother, other, rother))
        a, b = na, nb


#: other ink's columns widened by two either side (:func:`link_extent`)
_STOP_KERNEL = np.ones((1, 5), np.uint8)


def _overlapping(runs, lo: int, hi: int, x0: int, y: int, h: int):
    """Of ``runs`` [start, end) of band columns, the one overlapping columns [lo, hi)
    most (the first of equals), as a frame box (x, y, w, h) of the band at ``x0``;
    None if none overlaps."""
    best = max(runs, key=lambda r: min(r[1], hi) - max(r[0], lo), default=None)
    if best is None or min(best[1], hi) - max(best[0], lo) <= 0:
        return None
    return (x0 + best[0], y, best[1] - best[0], h)


def _colour_columns(cols: np.ndarray, low, high, bg, lc):
    """For each column of ``cols`` (a slice of a line of words, H x N x 3), whether
    it holds a pixel of a coloured link's words and whether it holds other ink
    (bool, uint8 0/1): :func:`link_extent`'s verdicts, ``low`` / ``high`` the
    background's inRange bounds, ``bg`` the background, ``lc`` the link's colour."""
    mine = np.zeros(cols.shape[1], bool)
    other = np.zeros(cols.shape[1], np.uint8)
    if cols.shape[1] == 0:
        return mine, other
    inked = cv2.inRange(np.ascontiguousarray(cols), low, high) == 0
    # a pixel on the way from the background to the link's colour (its anti-aliased
    # edges included) is the link's; ink off that way is something else
    axis = (lc - bg).astype(np.float32)
    ys, xs = np.nonzero(inked)                    # only the ink (a line is mostly background)
    px = cols[ys, xs].astype(np.float32) - bg.astype(np.float32)
    t = (px @ axis) / max(1.0, float(axis @ axis))
    off = np.abs(px - t[:, None] * axis).max(1)
    mine[xs[(off <= C.link_path_off) & (t > C.link_path_start)]] = True
    # other ink, and (widened by the caller) the two columns either side of it: the
    # grey anti-aliased edge of black words lies on the way from a white background
    # to a dark link colour
    other[xs[off > C.link_other_off]] = 1
    return mine, other


def link_words(image: np.ndarray, box: tuple[int, int, int, int], words=None):
    """``box`` (x, y, w, h) drawn in to its words, as a browser or toolkit boxes a
    link: their ink's columns, and their ink's rows with C.link_leading above and
    below (never past ``box``); the model draws links a few pixels loose all
    round.  None when the box holds too little ink to tell.  ``words``: as
    :func:`link_marks`'."""
    x, y, w, h = box
    reg = image[y:y + h, x:x + w]
    if reg.ndim != 3 or reg.shape[0] < 6 or reg.shape[1] < 6:
        return None
    h = reg.shape[0]
    _, ink, _ = words if words is not None else _words(reg[:, :, :3])
    if np.count_nonzero(ink) < C.link_min_ink:
        return None
    cols, rows = np.nonzero(ink.any(0))[0], np.nonzero(ink.any(1))[0]
    ih = int(rows[-1] - rows[0] + 1)
    pad = int(round(C.link_leading * ih))
    y0, y1 = max(0, int(rows[0]) - pad), min(h, int(rows[-1]) + 1 + pad)
    return (x + int(cols[0]), y + y0, int(cols[-1] - cols[0] + 1), y1 - y0)


def in_blocks(image: np.ndarray, box: tuple[int, int, int, int], words=None) -> bool:
    """Whether the ink in ``box`` (x, y, w, h) is a row of equal solid blocks (a
    progress bar drawn in chunks, a level meter), not words: glyphs differ in width
    and height and few are solid rectangles (a run of only "I" and "l" strokes in a
    sans font would pass for blocks).  ``words``: as :func:`link_extent`'s."""
    x, y, w, h = box
    reg = image[y:y + h, x:x + w]
    if reg.ndim != 3 or h < 6 or w < 4 * h // 3:
        return False
    _, ink, _ = words if words is not None else _words(reg[:, :, :3])
    n, _, st, _ = components(ink.view(np.uint8))
    st = st[1:]
    st = st[st[:, 4] >= 4]
    if len(st) < C.blocks_min:
        return False
    solid = st[(st[:, 4] >= C.blocks_fill * st[:, 2] * st[:, 3]) & (st[:, 3] * 3 >= h)]
    if len(solid) < max(C.blocks_min, C.blocks_share * len(st)):
        return False
    mw, mh = np.median(solid[:, 2]), np.median(solid[:, 3])
    same = (np.abs(solid[:, 2] - mw) <= 1) & (np.abs(solid[:, 3] - mh) <= 1)
    return int(same.sum()) >= max(C.blocks_min, C.blocks_share * len(st))


def check_link(image: np.ndarray, d):
    """A link detection widened to its whole link (:func:`link_extent`), drawn in
    to its words (:func:`link_words`), and scored up where its words are of a link's
    colour or underlined, else with its score unchanged; a row of blocks
    (:func:`in_blocks`) has its score halved: (detection, whether marked)."""
    x, y, w, h = d.box
    reg = image[y:y + h, x:x + w]
    # the box's background and ink, for both tests below
    words = _words(reg[:, :, :3]) if reg.ndim == 3 and reg.size else None
    if in_blocks(image, d.box, words):
        return replace(d, score=d.score * C.unverified_scale), False
    ext = link_extent(image, d.box, words)
    if ext is not None and ext[2] > d.box[2]:
        d = replace(d, box=(ext[0], d.box[1], ext[2], d.box[3]))
        words = None                    # another box: its own words
    tight = link_words(image, d.box, words)
    if tight is not None and tight != d.box:
        words = _inner_words(image, tight, d.box, words) if words is not None else None
        d = replace(d, box=tight)
    if not link_marks(image, d.box, words):
        return d, False
    return replace(d, score=_raised(d.score)), True
