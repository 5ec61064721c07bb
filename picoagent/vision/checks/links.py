"""Links: widened along their line to the whole link, drawn in to their words,
scored up when of a link's colour or underlined; rows of blocks told apart."""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from .config import CONFIG as C
from .shapes import _commonest, _raised, _rim, _runs, _strong_ink, channel_diff


LINK_KINDS = ("link",)


def _words(reg: np.ndarray):
    """The background of a box of words (the commonest colour of its rim) and their
    ink (differing from it clearly): (bg, ink mask)."""
    bg = _commonest(_rim(reg))
    return bg, _strong_ink(reg, bg, C.words_ink_diff, C.words_ink_rel)


def _ink_hsv(reg: np.ndarray, ink: np.ndarray, bg=None):
    """The words' mean colour and its OpenCV HSV (hue, saturation, value); with
    their background ``bg``, of their strokes' cores (C.ink_core) only."""
    if bg is not None and C.ink_core > 0:
        d = channel_diff(reg, bg)
        core = ink & (d >= C.ink_core * int(d[ink].max()))
        if int(core.sum()) >= C.link_min_ink:
            ink = core
    mean = reg[ink].mean(0)
    hsv = cv2.cvtColor(mean.astype(np.uint8).reshape(1, 1, 3), cv2.COLOR_RGB2HSV)[0, 0]
    return mean, tuple(int(v) for v in hsv)


def _underline_rows(ink: np.ndarray) -> np.ndarray:
    """Rows of the lower half of ``ink`` that a line under the words crosses: ink
    across C.underline_span of the words' span (words at least half as wide as high)."""
    h = ink.shape[0]
    cols = np.nonzero(ink.any(0))[0]
    span = cols[-1] - cols[0] + 1
    if span < 0.5 * h:
        return np.zeros(0, np.int64)
    return h // 2 + np.nonzero(ink[h // 2:].sum(1) >= C.underline_span * span)[0]


def link_marks(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the words in ``box`` look like a link: ink of a link's colour
    (C.link_hue), or a line under them (:func:`_words`, :func:`_underline_rows`)."""
    x, y, w, h = box
    if h < 8 or w < h or image.ndim != 3:
        return False
    reg = image[y:y + h, x:x + w, :3]
    bg, ink = _words(reg)
    if int(ink.sum()) < C.link_min_ink:
        return False
    mean, (hue, sat, _) = _ink_hsv(reg, ink, bg)
    if (C.link_hue[0] <= hue <= C.link_hue[1] and sat >= C.link_min_sat
            and float(mean.max() - mean.min()) >= C.link_min_spread):
        return True
    return len(_underline_rows(ink)) > 0


def _gapped_runs(mask: np.ndarray, stop: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, end) of True in ``mask``, gaps of up to ``gap`` bridged where no
    ``stop`` column lies in the gap."""
    runs = _runs(mask, 0)
    if len(runs) < 2:
        return runs
    se = np.asarray(runs)
    starts, ends = se[1:, 0], se[:-1, 1]          # each gap: [end of one run, next start)
    stops = np.concatenate(([0], np.cumsum(stop, dtype=np.int64)))
    joined = (starts - ends <= gap) & (stops[starts] == stops[ends])
    first = np.concatenate(([0], np.flatnonzero(~joined) + 1))
    last = np.concatenate((first[1:] - 1, [len(runs) - 1]))
    return list(zip(se[first, 0].tolist(), se[last, 1].tolist()))


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
    bg, ink = words if words is not None else _words(reg)
    if int(ink.sum()) < C.link_min_ink:
        return None
    bx0, bx1 = max(0, x - C.link_reach * h), min(W, x + w + C.link_reach * h)
    band = np.ascontiguousarray(image[y:y + h, bx0:bx1, :3])
    # ink: a channel more than C.words_ink_diff off the background (one cv2.inRange on uint8)
    inked = cv2.inRange(band, tuple(max(0, int(v) - C.words_ink_diff) for v in bg),
                        tuple(min(255, int(v) + C.words_ink_diff) for v in bg)) == 0
    lo, hi = x - bx0, x - bx0 + w                # the box in band columns

    def overlapping(runs):
        best = max(runs, key=lambda r: min(r[1], hi) - max(r[0], lo), default=None)
        if best is None or min(best[1], hi) - max(best[0], lo) <= 0:
            return None
        return (bx0 + best[0], y, best[1] - best[0], h)

    under = _underline_rows(ink)
    if len(under):                                # along the underline, 1-px gaps bridged
        return overlapping(_runs(inked[int(under[-1])], 1))
    lc, (_, sat, val) = _ink_hsv(reg, ink)
    if sat < C.link_min_chroma or val < C.link_min_value:
        return None
    # a pixel on the way from the background to the link's colour (its anti-aliased
    # edges included) is the link's; ink off that way is something else
    axis = (lc - bg).astype(np.float32)
    ys, xs = np.nonzero(inked)                    # only the ink (a line is mostly background)
    px = band[ys, xs].astype(np.float32) - bg.astype(np.float32)
    t = (px @ axis) / max(1.0, float(axis @ axis))
    off = np.abs(px - t[:, None] * axis).max(1)
    mine = np.zeros(band.shape[1], bool)
    mine[xs[(off <= C.link_path_off) & (t > C.link_path_start)]] = True
    # other ink, and the two columns either side of it (the grey anti-aliased edge of
    # black words lies on the way from a white background to a dark link colour)
    other = np.zeros(band.shape[1], np.uint8)
    other[xs[off > C.link_other_off]] = 1
    other = cv2.dilate(other[None], np.ones((1, 5), np.uint8))[0].astype(bool)
    return overlapping(_gapped_runs(mine & ~other, other, max(1, int(C.link_gap * h))))


def link_words(image: np.ndarray, box: tuple[int, int, int, int]):
    """``box`` (x, y, w, h) drawn in to its words, as a browser or toolkit boxes a
    link: their ink's columns, and their ink's rows with C.link_leading above and
    below (never past ``box``); the model draws links a few pixels loose all
    round.  None when the box holds too little ink to tell."""
    x, y, w, h = box
    reg = image[y:y + h, x:x + w]
    if reg.ndim != 3 or reg.shape[0] < 6 or reg.shape[1] < 6:
        return None
    h = reg.shape[0]
    _, ink = _words(reg[:, :, :3])
    if int(ink.sum()) < C.link_min_ink:
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
    _, ink = words if words is not None else _words(reg[:, :, :3])
    n, _, st, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
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
    tight = link_words(image, d.box)
    if tight is not None:
        d = replace(d, box=tight)
    if not link_marks(image, d.box):
        return d, False
    return replace(d, score=_raised(d.score)), True
