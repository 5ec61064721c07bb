"""Model detections checked on the pixels: checkboxes, radios, text fields,
dropdowns, buttons, switches, sliders, links and icons.

The element model finds most of these but scores many low (0.1-0.35), draws
their boxes a few pixels loose (or short on long fields, or one box over two
neighbouring buttons), leaves two or three boxes on one button, and calls most
radios checkboxes, many small icons checkboxes and most dropdowns text fields.
These are questions of geometry and colour, so after the model has said "a
checkbox about here", this module looks at the pixels there.

Shapes: around a detection, what differs from the colour the element sits on
by more than INK_DIFF in a channel is ink; a shape is the filled outer outline
of a piece of ink, so an empty ring and a filled, ticked square are both solid
shapes.  The colour the element sits on is the most common one in a 4-px ring
around the model's box; when no shape qualifies, the second most common one
there, then the searched window's rim colour (a box drawn wholly inside a
field) are tried.  Shapes that run out of the searched window belong to
something larger and are ignored.

* Checkbox / radio: an about-square solid shape of 8-48 px near the box becomes
  the box, and its outline the class: a circle is as far from its centre
  along the diagonals as along the axes, a square (even with rounded corners)
  further.  The shape must fill its box or its inscribed disk; a solid shape
  that does neither is an icon.  One found: score raised; no solid shape:
  score halved.  A disk holding more than one centred, symmetric dot (an
  avatar's initials, a wizard's step number), or with ink right beside it (a
  letter "O" in a word), is no radio: score halved.
* Text field / dropdown: a solid rectangle 14-90 px high, at least twice as
  wide, overlapping the box (IoU >= 0.3) becomes the box; a down arrow at its
  right end makes it a dropdown, none a text field; score raised.  A text field
  candidate 44 px high or more with no such rectangle is snapped to the
  smallest solid rectangle holding it (a text area), score unchanged.  Neither a
  box nor an arrow: the model's box stays; a text field's score too where a line
  runs along its bottom (underlined fields), else it is halved.
* Button: the drawn button (a solid rectangle) becomes the box; a box over two
  or more drawn buttons side by side is split into them; one whose words sit
  at its left is a field (or with an arrow a dropdown); score raised.  None:
  box and score stay (flat buttons exist).
* Link: widened along its line to the whole link, then drawn in to its words
  (their ink with a little leading); words of a link's colour (green to purple,
  saturated) or underlined raise the score;
  else it stays.
* Switch: a "button" drawn as a stadium (1.4-2.8 times as long as high) whose
  middle row steps colour only at the edges of a round knob at one end is a
  toggle, on when the knob is at the right (the model calls GTK's switches
  buttons).
* Slider: the model boxes long sliders in pieces or only around the handle;
  the groove is followed along the slider's axis to its ends and the box
  becomes the whole slider, knob included (the pieces then merge).  No
  groove: score halved.
* Icon: the box becomes the bounding box of the pictogram's ink that reaches
  into the middle of the model's box; score unchanged.
* Nothing inside: a button, tab, menu item, link, icon, slider or toggle box
  whose inner part is one flat colour is dropped (boxes over empty panels or
  along a panel's edge line).

Indicators are checked from the detector's floor for them (0.05), icons from
0.1, the others from BOX_FLOOR, at most MAX_CHECKED of a kind per frame, best first; a
candidate overlapping one that already passed is a duplicate and is dropped
unchecked.  Then same-kind boxes snapped onto each other are merged.  Pure
functions of an image and boxes (costs: docs/performance.md).
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

INDICATOR_KINDS = ("checkbox", "radio")
#: a pixel is ink when a channel differs from the background by more than this
INK_DIFF = 8
#: outline side, pixels
MIN_SIDE, MAX_SIDE = 8, 48
#: corner_ratio below this: round (radio); else square (checkbox)
ROUND_RATIO = 1.13
#: the least a shape must fill its box (square) or match its inscribed disk (round):
#: indicators measured 0.95-1.0 / 0.94-1.0 on real screens, file and gear icons
#: the model had called checkboxes 0.78-0.94 / 0.76-0.87
MIN_SQUARE_FIT, MIN_DISK_FIT = 0.945, 0.90
#: score of a found outline moves this part of the way to 1; an unfound one is scaled by
VERIFIED_GAIN, UNVERIFIED_SCALE = 0.5, 0.5


def _raised(score: float) -> float:
    """A checked detection's score: VERIFIED_GAIN of the way to 1."""
    return score + (1.0 - score) * VERIFIED_GAIN


def local_backgrounds(c: np.ndarray, inner: tuple[int, int, int, int], band: int = 4,
                      n: int = 2) -> list:
    """Candidate background colours around an element, best first: the ``n`` most
    common colours in a ``band``-pixel ring just outside ``inner`` (x0, y0, x1,
    y1, window pixels) of window ``c``, then the most common colour of the
    window's rim.  The ring comes first: a small dialog on a black desktop has
    black on the rim.  The others are there for a box the model drew inside its
    element (a short field): its ring is partly or wholly the field's inside."""
    H, W = c.shape[:2]
    ix0, iy0, ix1, iy1 = inner
    ex0, ey0 = max(0, ix0 - band), max(0, iy0 - band)
    ex1, ey1 = min(W, ix1 + band), min(H, iy1 + band)
    iy0c, iy1c = min(max(iy0, ey0), ey1), max(min(iy1, ey1), ey0)
    nch = c.shape[2]
    # the ring as four slabs: above, below, left and right of ``inner``
    slabs = [c[ey0:iy0c, ex0:ex1], c[iy1c:ey1, ex0:ex1],
             c[iy0c:iy1c, ex0:min(max(ix0, ex0), ex1)], c[iy0c:iy1c, max(min(ix1, ex1), ex0):ex1]]
    px = np.concatenate([sl.reshape(-1, nch) for sl in slabs])
    if px.size == 0:
        px = c.reshape(-1, nch)
    keys = _modes(px, n)
    # and the window's rim: for a box the model drew wholly inside its element
    k = _modes(_rim(c), 1)[0]
    if k not in keys:
        keys.append(k)
    return [_unpack(k, nch) for k in keys]


#: a pixel's channels to its packed colour key: (r << 16) | (g << 8) | b
_PACK = np.array([65536, 256, 1], np.int32)


def _modes(px: np.ndarray, n: int) -> list[int]:
    """The ``n`` commonest colours of pixels ``px`` (N x 3 or N x 1), as packed keys
    (ties: the smaller key first)."""
    if px.shape[0] == 0:
        return []
    return _key_modes(px.astype(np.int32) @ _PACK if px.shape[1] == 3
                      else px[:, 0].astype(np.int32), n)


def _key_modes(key: np.ndarray, n: int) -> list[int]:
    """:func:`_modes` of packed colour keys."""
    # a colour on more than half the pixels is the commonest (one colour: most
    # rings and rims); only the rest is sorted for the next
    k0 = key[key.size // 2]
    other = key != k0
    rest = int(np.count_nonzero(other))
    if 2 * rest < key.size:
        if n == 1 or rest == 0:
            return [int(k0)]
        return [int(k0)] + _key_modes(key[other], n - 1)
    # np.unique's sort and run counting, with fewer numpy calls (this runs ~100
    # times a frame, on a few hundred pixels, where each call's overhead counts)
    key = np.sort(key)
    first = np.empty(key.size + 1, bool)
    first[0] = first[-1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:-1])
    starts = np.flatnonzero(first)
    counts = np.diff(starts)
    if n == 1:
        return [int(key[starts[counts.argmax()]])]
    return key[starts[np.argsort(-counts, kind="stable")[:n]]].tolist()


def _rim(a: np.ndarray) -> np.ndarray:
    """The pixels of an image region's outer rows and columns (corners twice)."""
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def _unpack(k: int, nch: int) -> np.ndarray:
    """A packed colour key back to its channels (int16)."""
    return np.array([k >> 16, (k >> 8) & 255, k & 255] if nch == 3 else [k], np.int16)


def _commonest(px: np.ndarray) -> np.ndarray:
    """The commonest colour of an image region or pixel list (int16 channels)."""
    nch = px.shape[-1] if px.ndim > 1 else 1
    return _unpack(_modes(px.reshape(-1, nch), 1)[0], nch)


def channel_diff(reg: np.ndarray, colour) -> np.ndarray:
    """The largest channel difference of each pixel of ``reg`` (H x W x C uint8)
    from ``colour`` (C values, or H x 1 x C: a colour a row), as uint8 H x W.
    OpenCV's absdiff and max: 3-5x faster than numpy's int16 difference and
    reduction over the channel axis, the same numbers."""
    if reg.ndim == 2:
        reg = reg[:, :, None]
    if reg.strides[1:] != (reg.shape[2] * reg.itemsize, reg.itemsize):
        reg = np.ascontiguousarray(reg)     # OpenCV takes rows apart, not pixels apart
    colour = np.asarray(colour)
    if colour.ndim == 1:
        d = cv2.absdiff(reg, tuple(int(v) for v in colour) + (0,) * (4 - colour.size))
    else:
        ref = np.empty_like(reg)
        ref[...] = colour
        d = cv2.absdiff(reg, ref)
    if d.ndim == 2:
        return d
    planes = cv2.split(d)
    out = planes[0]
    for p in planes[1:]:
        out = cv2.max(out, p)
    return out


def _strong_ink(reg: np.ndarray, bg: np.ndarray, floor: float, rel: float) -> np.ndarray:
    """Pixels of ``reg`` whose largest channel difference from ``bg`` exceeds
    ``floor`` and ``rel`` of the largest difference in ``reg``: words and marks,
    not anti-aliasing or a faint border."""
    d = channel_diff(reg, bg)
    return d > max(floor, rel * int(d.max()))


def _arrow_end(w: int, h: int) -> int:
    """Width of the right end of a field-like box where a dropdown's arrow sits."""
    return int(min(0.45 * w, 2.5 * h))


def search_window(image: np.ndarray, box, px: int, py: int) -> tuple[int, int, int, int]:
    """``box`` (x, y, w, h) grown by ``px`` / ``py`` on each side, clipped to the
    frame: (x0, y0, x1, y1)."""
    x, y, w, h = box
    H, W = image.shape[:2]
    return max(0, x - px), max(0, y - py), min(W, x + w + px), min(H, y + h + py)


def backgrounds_for(image: np.ndarray, window, box) -> list:
    """:func:`local_backgrounds` of ``box`` (frame pixels) in ``window`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = window
    win = image[y0:y1, x0:x1]
    if win.ndim == 2:
        win = win[:, :, None]
    x, y, w, h = box
    return local_backgrounds(win, (x - x0, y - y0, x + w - x0, y + h - y0))


def _ink(image: np.ndarray, window, bg) -> np.ndarray:
    """What differs from colour ``bg`` by more than INK_DIFF in a channel, in
    ``window`` (x0, y0, x1, y1) of the frame: uint8, 255 = ink."""
    x0, y0, x1, y1 = window
    win = image[y0:y1, x0:x1]
    if win.ndim == 2:
        win = win[:, :, None]
    # background: every channel within INK_DIFF of it (one cv2.inRange call: 4x faster
    # than absdiff + the channels' maximum + a comparison); ink is the rest, as 255
    bg = [int(v) for v in bg]
    return cv2.bitwise_not(cv2.inRange(win,
                                       tuple(max(0, v - INK_DIFF) for v in bg),
                                       tuple(min(255, v + INK_DIFF) for v in bg)))


#: the structuring element of :func:`_outlines`' gap bridging
_CLOSE_KERNEL = np.ones((3, 3), np.uint8)


def _outlines(image: np.ndarray, window, ink: np.ndarray, keep, close: bool) -> list:
    """Solid shapes in ``window`` (x0, y0, x1, y1, frame pixels) of the frame: the
    outer outlines of ``ink`` (:func:`_ink` of the window against a background
    colour).  Only outlines whose bounding box (x, y, w, h, window pixels) passes
    ``keep`` are measured.  ``close`` bridges one-pixel gaps first: the
    anti-aliased rounded corners of a light 1-px ring fall under INK_DIFF, and an
    open ring has no inside.  Only for small indicators: on larger windows it
    also joins a field to a neighbour two pixels away.

    Returns (box in frame pixels, filled-outline mask over that box (uint8, 1
    inside; None for a shape that runs out of the window: part of something
    larger, which no finder measures), outline points in window pixels, whether
    the shape runs out of the window)."""
    x0, y0 = window[:2]
    H, W = image.shape[:2]
    if close:
        ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, _CLOSE_KERNEL)
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = []
    for cont in contours:
        bx, by, bw, bh = cv2.boundingRect(cont)
        if not keep(bx, by, bw, bh):
            continue
        at_rim = _touches_rim((bx, by, bw, bh), window, W, H)
        filled = None
        if not at_rim:      # a shape running out of the window is never measured
            filled = np.zeros((bh, bw), np.uint8)
            cv2.drawContours(filled, [cont], -1, 1, thickness=-1, offset=(-bx, -by))
        out.append(((bx + x0, by + y0, bw, bh), filled, cont.reshape(-1, 2), at_rim))
    return out


class WindowShapes:
    """The :func:`_outlines` of one window of the frame against each of the
    backgrounds around a box (:func:`backgrounds_for`) in turn, and for each with
    each ``close`` of ``closes``, computed as they are first asked for and kept:
    one list at a time, for a finder to take the first that holds what it looks
    for.  Finders of one detection (a button's switch and its drawn boxes; a
    field's box and its text area) search one such window with a ``keep`` that
    passes what any of them keeps, and each keeps its own (:meth:`kept`).

    >>> for found in WindowShapes(frame, window, box, keep):   # doctest: +SKIP
    ...     ...
    """

    def __init__(self, image: np.ndarray, window, box, keep, *,
                 closes: tuple[bool, ...] = (False,)):
        self.image, self.window, self.keep, self.closes = image, window, keep, closes
        self.bgs = backgrounds_for(image, window, box)
        self._lists: dict = {}

    def __iter__(self):
        for rank, bg in enumerate(self.bgs):
            ink = None
            for close in self.closes:
                if (rank, close) not in self._lists:
                    if ink is None:
                        ink = _ink(self.image, self.window, bg)
                    self._lists[rank, close] = _outlines(self.image, self.window, ink,
                                                         self.keep, close)
                yield self._lists[rank, close]

    def kept(self, keep):
        """Each list, cut to the shapes whose box (window pixels) passes ``keep``."""
        x0, y0 = self.window[:2]
        for found in self:
            yield [f for f in found if keep(f[0][0] - x0, f[0][1] - y0, f[0][2], f[0][3])]


def shapes_per_background(image: np.ndarray, window, box, keep, *,
                          closes: tuple[bool, ...] = (False,)):
    """:func:`_outlines` against each of :func:`local_backgrounds` in turn, and for each
    with each ``close`` of ``closes`` (:class:`WindowShapes`)."""
    return iter(WindowShapes(image, window, box, keep, closes=closes))


def _searched(image: np.ndarray, box, window, keep, shared: WindowShapes | None):
    """The shape lists a finder takes in turn: those of ``shared`` (a window it
    shares with another finder of the same detection) cut to ``keep``, or of its
    own ``window``."""
    return shared.kept(keep) if shared else shapes_per_background(image, window, box, keep)


def find_outline(image: np.ndarray, box: tuple[int, int, int, int]):
    """The indicator outline near ``box`` (x, y, w, h) on an RGB frame:
    ``(box, corner_ratio, shape_fit)``, or None.

    The shape is the filled outer outline of what differs from the background:
    an empty ring and a filled disk with a dot in it are the same disk."""
    x, y, w, h = box
    s = max(w, h)
    pad = max(4, int(0.4 * s))
    x0, y0, x1, y1 = search_window(image, box, pad, pad)
    if x1 - x0 < MIN_SIDE + 2 or y1 - y0 < MIN_SIDE + 2:
        return None
    cx, cy = x + w / 2.0 - x0, y + h / 2.0 - y0
    lo = max(MIN_SIDE, 0.5 * min(w, h))
    hi = min(MAX_SIDE, 1.3 * max(w, h))

    def keep(bx, by, bw, bh):
        return (lo <= bw <= hi and lo <= bh <= hi and 0.75 <= bw / bh <= 1.33
                and abs(bx + bw / 2.0 - cx) <= 0.35 * s and abs(by + bh / 2.0 - cy) <= 0.35 * s)

    # gaps bridged first (a light ring's anti-aliased corners); then not, for an
    # indicator a pixel or two inside a dotted focus ring (GTK draws one around a
    # checkbox and its label once clicked), which bridging would join to the ring
    for found in shapes_per_background(image, (x0, y0, x1, y1), box, keep,
                                       closes=(True, False)):
        best = None
        for b, mask, pts, at_rim in found:
            if at_rim:
                continue                # part of something larger (a field, a panel)
            if mask.mean() < 0.7:       # a glyph or a tick, not a solid shape
                continue
            if best is None or b[2] * b[3] > best[0][2] * best[0][3]:
                ratio = corner_ratio(pts, b[0] - x0, b[1] - y0, b[2], b[3])
                best = (b, ratio, shape_fit(mask, ratio < ROUND_RATIO))
        if best is not None:
            return best
    return None


def shape_fit(mask: np.ndarray, round_: bool) -> float:
    """How well a solid shape (its bounding box cut out) fills the ideal indicator:
    IoU with the inscribed disk, or the fraction of the box it fills."""
    if not round_:
        return float(mask.mean())
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
    round_ = ratio < ROUND_RATIO
    if fit >= (MIN_DISK_FIT if round_ else MIN_SQUARE_FIT):
        return "radio" if round_ else "checkbox"
    return None


#: a radio's inside, in radii of its outline: the mark (a dot) is looked for within
#: RADIO_INNER, against the commonest colour from RADIO_BAND out; marks wholly
#: beyond RADIO_BAND are the inner edge of a thick ring
RADIO_INNER, RADIO_BAND = 0.65, 0.4
#: a dot (or a dash: GTK's mixed state): centred to within this share of the size,
#: filling this much of its bounding box, and the same mirrored up-down and
#: left-right (IoU with itself so mirrored: dots of 180 radios on the generated and
#: real sets 0.85-1.0; a bold "3" 0.68, "A" and "K" 0.48-0.53)
RADIO_DOT_OFFSET, RADIO_DOT_FILL, RADIO_DOT_MIRRORED = 0.2, 0.6, 0.75
#: a pixel is part of a radio's mark when a channel differs from the inside's colour
#: by more than this
RADIO_MARK_DIFF = 40


def radio_inside(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the disk outlined at ``box`` (x, y, w, h) holds what a radio does:
    nothing (off), or one solid centred dot or dash (on).  A disk with letters or
    a digit inside is an avatar or a wizard's step."""
    x, y, w, h = box
    if h < MIN_SIDE or w < MIN_SIDE:
        return True
    c = image[y:y + h, x:x + w].astype(np.int16)
    if c.ndim == 2:
        c = c[:, :, None]
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot((xx - (w - 1) / 2.0) / (w / 2.0), (yy - (h - 1) / 2.0) / (h / 2.0))
    inner, band = r < RADIO_INNER, (r >= RADIO_BAND) & (r < RADIO_INNER)
    if not band.any():
        return True
    fill = _commonest(c[band])
    mark = ((np.abs(c - fill).max(2) > RADIO_MARK_DIFF) & inner).astype(np.uint8)
    _, lab, stats, _ = cv2.connectedComponentsWithStats(mark, connectivity=8)
    # parts wholly out of RADIO_BAND are the inner edge of a thick ring
    dots = sorted(set(np.unique(lab[(r < RADIO_BAND) & (mark > 0)]).tolist()) - {0})
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
    return bool(off <= RADIO_DOT_OFFSET and area >= RADIO_DOT_FILL * mw * mh
                and mirrored >= RADIO_DOT_MIRRORED
                and area >= 0.9 * stats[dots, cv2.CC_STAT_AREA].sum())


#: ink this close beside a round shape (share of its size, at least 2 px) makes it a
#: letter of a word ("O", "o"), not a radio: a radio's label keeps 3 px or more away
WORD_GAP = 0.12


def in_word(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the shape at ``box`` (x, y, w, h) has ink right beside it, left or
    right, across its middle half: a letter among letters."""
    x, y, w, h = box
    H, W = image.shape[:2]
    g = max(2, int(round(WORD_GAP * max(w, h))))
    frame = image[max(0, y - 2):min(H, y + h + 2), max(0, x - 2):min(W, x + w + 2)]
    around = _commonest(_rim(frame))
    rows = slice(y + h // 4, y + h - h // 4)
    for side in (image[rows, max(0, x - g):x], image[rows, x + w:min(W, x + w + g)]):
        if side.size and (channel_diff(side, around) > RADIO_MARK_DIFF).any():
            return True
    return False


#: where the model's checked probability is this close to 0.5, an indicator's state
#: is read from its pixels (indicator_state).  On indicators matched at IoU 0.5 the
#: model was unsure of 8 of 108 real ones (right on 6, the pixels on 8) and of 124 of
#: 1,509 generated ones (right on 65, the pixels on 80)
STATE_UNSURE = 0.25


def check_indicator(image: np.ndarray, d, outlines: dict | None = None):
    """A checkbox / radio detection snapped to its outline and classed by its
    shape, scored up, its state read from the pixels where the model is unsure
    (STATE_UNSURE).  A solid shape that is no clean square or disk is an icon
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
            return replace(d, score=d.score * UNVERIFIED_SCALE), False
        if kind is not None:
            checked = d.checked
            if d.checked_score is not None and abs(d.checked_score - 0.5) < STATE_UNSURE:
                checked = indicator_state(image, box)
            return replace(d, kind=kind, box=box, checked=checked, score=_raised(d.score)), True
        # a solid shape, but not a clean square or disk: an icon, most likely
        return replace(d, kind="icon", checked=None, checked_score=None), False
    return replace(d, score=d.score * UNVERIFIED_SCALE), False


#: an indicator beside a label is looked for up to this many label heights away
BESIDE_REACH = 4.0
#: on: a tick or dot inside (inner part's standard deviation in a channel above ON_STD)
#: or a filled face (its mean this far from the colour around the indicator)
ON_STD, ON_FILL = 18.0, 60.0


def indicator_state(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the checkbox / radio drawn at ``box`` is on, from its pixels: an off
    indicator is empty (one flat colour inside), an on one holds a tick or a dot
    or is filled with a colour far from what it sits on."""
    x, y, w, h = box
    H, W = image.shape[:2]
    mx, my = max(1, int(round(0.25 * w))), max(1, int(round(0.25 * h)))
    inner = image[y + my:y + h - my, x + mx:x + w - mx].reshape(-1, 3).astype(np.float32)
    ring = np.concatenate([image[max(0, y - 3):y, x:x + w].reshape(-1, 3),
                           image[y + h:min(H, y + h + 3), x:x + w].reshape(-1, 3),
                           image[y:y + h, max(0, x - 3):x].reshape(-1, 3),
                           image[y:y + h, x + w:min(W, x + w + 3)].reshape(-1, 3)])
    if inner.size == 0 or ring.size == 0:
        return False
    bg = np.median(ring.astype(np.float32), axis=0)
    return bool(inner.std(0).max() > ON_STD or np.abs(inner.mean(0) - bg).max() > ON_FILL)


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
    for s in (max(MIN_SIDE, int(round(1.2 * lh))), max(MIN_SIDE, int(round(0.8 * lh)))):
        step = max(2.0, 0.5 * s)
        n = int(BESIDE_REACH * lh / step) + 1
        if side == "left":
            xs = [lx - 0.6 * lh - k * step for k in range(n)] + [lx + 0.5 * s]
        else:
            xs = [lx + lw + 0.6 * lh + k * step for k in range(n)] + [lx + lw - 0.5 * s]
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


FIELD_KINDS = ("text_field", "dropdown")
#: field box height, pixels; width at least FIELD_MIN_ASPECT heights
FIELD_MIN_H, FIELD_MAX_H, FIELD_MIN_ASPECT = 14, 90, 2.0
#: a field's shape fills at least this much of its bounding box, and overlaps the
#: model's box by at least FIELD_MIN_IOU
FIELD_MIN_FILL, FIELD_MIN_IOU = 0.9, 0.3


def _touches_rim(b, window, W: int, H: int) -> bool:
    """Whether box ``b`` (window pixels) touches the rim of the searched
    ``window`` (x0, y0, x1, y1 in the frame) where the frame goes on beyond it."""
    bx, by, bw, bh = b
    x0, y0, x1, y1 = window
    return (bx == 0 and x0 > 0) or (by == 0 and y0 > 0) or \
        (bx + bw == x1 - x0 and x1 < W) or (by + bh == y1 - y0 and y1 < H)


def _iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def _inter(a, b) -> int:
    """The area two boxes (x, y, w, h) share."""
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return ix * iy if ix > 0 and iy > 0 else 0


def _solid(found) -> list:
    """The boxes of :func:`_outlines` results that are solid rectangles (filling
    FIELD_MIN_FILL of their box) wholly inside the searched window."""
    return [b for b, mask, _, at_rim in found if not at_rim and mask.mean() >= FIELD_MIN_FILL]


def _overlaps_any(boxes, b, thr: float) -> bool:
    """Whether box ``b`` has an IoU above ``thr`` with any of ``boxes`` (x, y, w, h):
    :func:`_iou` inlined with early exits; refine asks this some 1,000 times a frame."""
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


def _field_pads(box) -> tuple[int, int]:
    """How far :func:`find_field` searches beyond ``box``, across and down."""
    w, h = box[2], box[3]
    return int(max(w, 3 * h)), int(max(0.5 * h, 8))


def _field_keep(bx, by, bw, bh) -> bool:
    return FIELD_MIN_H <= bh <= FIELD_MAX_H and bw >= FIELD_MIN_ASPECT * bh


def find_field(image: np.ndarray, box: tuple[int, int, int, int],
               shared: WindowShapes | None = None):
    """The drawn box of a text field near ``box`` (x, y, w, h): its (x, y, w, h),
    or None.  ``shared``: search that window's shapes (check_field's, which the
    text area search shares) instead of the field's own window."""
    h = box[3]
    # a shape no higher than FIELD_MAX_H overlaps a box taller than this by an IoU
    # under FIELD_MIN_IOU (IoU <= its height / the box's): none can be found
    if h * FIELD_MIN_IOU > FIELD_MAX_H:
        return None
    x0, y0, x1, y1 = shared.window if shared else search_window(image, box, *_field_pads(box))
    if x1 - x0 < 3 * FIELD_MIN_H or y1 - y0 < FIELD_MIN_H + 2:
        return None
    for found in _searched(image, box, (x0, y0, x1, y1), _field_keep, shared):
        best, best_iou = None, FIELD_MIN_IOU
        # a shape running out of the window: the field's edge was not seen (or a panel)
        for b in _solid(found):
            v = _iou(b, box)
            if v >= best_iou:
                best, best_iou = b, v
        if best is not None:
            return best
    return None


#: a progress bar's fill: columns inked (PROGRESS_DIFF off the inside's colour) over
#: PROGRESS_FULL of the inside's height, from its left edge (within PROGRESS_START
#: px), gaps of up to PROGRESS_GAP px bridged (a bar in blocks), at least
#: PROGRESS_RUN of that height long.  Of the fields found on 59 real and 500
#: generated screens it takes none of 617 true ones, 24 of 188 false ones (progress
#: bars): text field AP 0.658 -> 0.667 real, 0.714 -> 0.724 generated
PROGRESS_DIFF, PROGRESS_FULL, PROGRESS_START, PROGRESS_GAP, PROGRESS_RUN = 24, 0.8, 3, 4, 0.5
#: ... and at most PROGRESS_MARKED of the fill's pixels differ from its commonest
#: colour by more than PROGRESS_MARK (words on a highlight do)
PROGRESS_MARK, PROGRESS_MARKED = 60, 0.05


def progress_fill(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a drawn box (x, y, w, h) holds a progress bar's fill: a solid run
    of full-height columns from its left edge, where a field holds words (their
    columns are inked over part of the height only) or nothing."""
    x, y, w, h = box
    m = max(2, int(0.12 * h))
    reg = image[y + m:y + h - m, x + m:x + w - m]
    if reg.ndim != 3 or reg.shape[0] < 4 or reg.shape[1] < 8:
        return False
    reg = reg[:, :, :3]
    ink = channel_diff(reg, _commonest(_rim(reg))) > PROGRESS_DIFF
    full = np.flatnonzero(ink.mean(0) >= PROGRESS_FULL)
    if full.size == 0 or full[0] > PROGRESS_START:
        return False
    breaks = np.flatnonzero(np.diff(full) > PROGRESS_GAP)
    run = full[:breaks[0] + 1] if breaks.size else full
    if run[-1] - run[0] + 1 < PROGRESS_RUN * reg.shape[0]:
        return False
    # one colour (or a shading) through it: selected words on a highlight are a
    # field's, not a fill (GTK selects a spin button's value)
    fill = reg[:, run][ink[:, run]][:, None]          # the fill's pixels, as a column
    return float((channel_diff(fill, _commonest(fill)) > PROGRESS_MARK).mean()) <= PROGRESS_MARKED


#: a dropdown's arrow: its ink differs from the face by at least this (or by this part
#: of the strongest difference in the searched end), and lies this close to the middle
ARROW_MIN_DIFF, ARROW_REL_DIFF, ARROW_CENTRE = 30, 0.45, 0.15


def _row_medians(reg: np.ndarray) -> np.ndarray:
    """Each row's median colour of ``reg`` (H x W x C uint8), channel by channel, as
    H x 1 x C uint8: ``np.median(reg, axis=1, keepdims=True).astype(np.uint8)``
    (the two middle values' mean, truncated, for an even width), by one
    partition without np.median's generic wrapper (half the time on a field's end)."""
    k = reg.shape[1]
    if k % 2:
        return np.partition(reg, k // 2, axis=1)[:, k // 2:k // 2 + 1]
    p = np.partition(reg, (k // 2 - 1, k // 2), axis=1)
    return ((p[:, k // 2 - 1:k // 2].astype(np.uint16) + p[:, k // 2:k // 2 + 1]) >> 1
            ).astype(np.uint8)


def find_arrow(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the right end of a field-like ``box`` (x, y, w, h) shows a dropdown's
    down arrow: a filled triangle or a chevron, wider than tall, narrowing
    downwards, centred on the box's middle line, clear of its border.  A text
    field's "v" or "y" is as tall as wide; a spin box's stacked arrows sit off the
    middle; a search field's lens or clear cross does not narrow downwards."""
    x, y, w, h = box
    # a box less wide than a field's shape (a terminal's text, a panel) holds no
    # dropdown: not searched (the eval sets' figures unchanged; 0.6 ms a tall box)
    if h < 10 or w < FIELD_MIN_ASPECT * h:
        return False
    rw = _arrow_end(w, h)
    reg = image[y:y + h, x + w - rw:x + w]
    if reg.ndim == 2:
        reg = reg[:, :, None]
    # the face row by row (its median: Qt's Fusion and style sheets shade it top to
    # bottom); the strongest difference measured inside the border (a dark border
    # would set it so high that a light arrow falls under it)
    face = _row_medians(reg)
    d = channel_diff(reg, face)
    inside = d[2:h - 2, :max(1, rw - 2)]
    ink = (d > max(ARROW_MIN_DIFF, ARROW_REL_DIFF * int(inside.max() if inside.size else 0))
           ).astype(np.uint8)
    n, lab, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bx, by, bw, bh = (st[1:, k] for k in range(4))
    # not the border or past it; an arrow's size and place (one pass over all the
    # pieces: a box over words has hundreds)
    cand = 1 + np.flatnonzero((by > 0) & (by + bh < h) & (bx + bw < rw)
                              & (bw >= max(5, 0.15 * h)) & (bw <= 0.8 * h)
                              & (bh >= 2) & (bh <= 0.6 * h) & (bw >= 1.3 * bh)
                              & (np.abs(by + bh / 2.0 - h / 2.0) <= ARROW_CENTRE * h))
    for i in cand.tolist():
        bx, by, bw, bh, _ = (int(v) for v in st[i])
        m = lab[by:by + bh, bx:bx + bw] == i
        cols = np.arange(bw)
        spans = [int(cols[r].max() - cols[r].min() + 1) for r in m if r.any()]
        k = max(1, len(spans) // 3)
        top, bottom = np.mean(spans[:k]), np.mean(spans[-k:])
        if top >= 1.8 * bottom:
            return True
    return False


#: a multi-line field (a text area, a text view): a candidate this high at least is
#: looked for inside a solid rectangle up to AREA_REACH of its size (+ 4 px) beyond it
#: each way (the 13 corpus screens: median 47.6 -> 50.2 ms a new screen; half as far:
#: real text field AP 0.62 instead of 0.66).
#: Its box is snapped to it, its score not raised: a card or panel holding words
#: looks the same (raised: real text field AP 0.65, generated 0.70, 37 more false
#: fields on the generated screens; not raised: 0.66 and 0.71)
AREA_MIN_H, AREA_REACH = 44, 1.0


def _area_pads(box) -> tuple[int, int]:
    """How far :func:`find_area` searches beyond ``box``, across and down."""
    return int(AREA_REACH * box[2]) + 4, int(AREA_REACH * box[3]) + 4


def find_area(image: np.ndarray, box: tuple[int, int, int, int],
              shared: WindowShapes | None = None):
    """The drawn box of a text area around ``box`` (x, y, w, h): the smallest solid
    rectangle holding most of the box, taller than one line of text; or None.
    ``shared``: as :func:`find_field`'s."""
    w, h = box[2], box[3]
    if h < AREA_MIN_H:
        return None
    x0, y0, x1, y1 = shared.window if shared else search_window(image, box, *_area_pads(box))

    def keep(bx, by, bw, bh):
        # not the whole window: what lies around a window at the frame's edge
        return bh >= AREA_MIN_H and bw >= AREA_MIN_H and (bw, bh) != (x1 - x0, y1 - y0)

    for found in _searched(image, box, (x0, y0, x1, y1), keep, shared):
        holding = [b for b in _solid(found) if _inter(b, box) >= 0.8 * w * h]
        if holding:
            return min(holding, key=lambda b: b[2] * b[3])
    return None


#: an underlined field (Material's, Adwaita's flat entries: no box, a line along
#: its bottom): a row of the box's lower half (or the 3 px below it) inked over
#: UNDERLINE_FIELD_SPAN of its width, whose line does not go on down at both its
#: ends as a box's top edge does (looked at UNDERLINE_SIDE px below it)
UNDERLINE_FIELD_SPAN, UNDERLINE_SIDE = 0.8, (2, 7)


def field_underline(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a line runs along the bottom of ``box`` (x, y, w, h) as under an
    underlined field: across most of it, and no box's top edge (the field
    below, a row of buttons: their sides go on down from both its ends)."""
    x, y, w, h = box
    H, W = image.shape[:2]
    if image.ndim != 3 or w < 8 or h < 4:
        return False
    y0, y1 = y + h // 2, min(H, y + h + 3)
    bx0, bx1 = max(0, x - w // 2), min(W, x + w + w // 2)
    bg = _commonest(_rim(image[y:y1, x:x + w, :3]))
    # the rows looked at and the few below them, in a band half the box wider each side
    ink = _ink(image[:, :, :3], (bx0, y0, bx1, min(H, y1 + UNDERLINE_SIDE[1])), bg) > 0
    inbox = ink[:y1 - y0, x - bx0:x - bx0 + w]
    rows = np.flatnonzero(inbox.mean(1) >= UNDERLINE_FIELD_SPAN)
    if rows.size == 0:
        return False
    near = ink.copy()                            # ink in a column or either beside it
    near[:, 1:] |= ink[:, :-1]
    near[:, :-1] |= ink[:, 1:]
    for r in rows.tolist():
        gaps = np.flatnonzero(~ink[r])           # the line's whole run through the box
        c = x - bx0 + int(np.argmax(inbox[r]))
        left = int(gaps[gaps < c].max()) + 1 if (gaps < c).any() else 0
        right = int(gaps[gaps > c].min()) - 1 if (gaps > c).any() else ink.shape[1] - 1
        below = near[r + UNDERLINE_SIDE[0]:r + UNDERLINE_SIDE[1]]
        if below.shape[0] < 2:
            return True                         # the frame's bottom: nothing to tell
        n = 0.8 * below.shape[0]                 # a box's sides: ink in 80% of those rows
        if np.count_nonzero(below[:, left]) < n or np.count_nonzero(below[:, right]) < n:
            return True
    return False


def check_field(image: np.ndarray, d):
    """A text field or dropdown detection snapped to its drawn box, and classed by
    whether that box shows a down arrow at its right end (the model confuses the
    two: on the real screenshots, 28 of 53 dropdowns came out as text fields).
    Scored up where a drawn box or an arrow is found; a tall text field with
    neither is snapped to the text area holding it (:func:`find_area`), score
    unchanged; a drawn box holding a progress bar's fill (:func:`progress_fill`)
    has its score halved.  With none of these, a text field with a line along its
    bottom (:func:`field_underline`) is left as it is, one without has its score
    halved (a box straddling two fields, or over a panel's empty part); a dropdown
    is left as it is: (detection, whether found)."""
    # one window, searched once against each background, for both the field's box
    # and (a tall text field) the text area around it
    shared = None
    if d.kind == "text_field" and d.box[3] >= AREA_MIN_H:
        (fx, fy), (ax, ay) = _field_pads(d.box), _area_pads(d.box)
        window = search_window(image, d.box, max(fx, ax), max(fy, ay))

        def keep(bx, by, bw, bh):
            return _field_keep(bx, by, bw, bh) or (bh >= AREA_MIN_H and bw >= AREA_MIN_H)

        shared = WindowShapes(image, window, d.box, keep)
    found = find_field(image, d.box, shared)
    if found is None and d.kind == "text_field":
        area = find_area(image, d.box, shared)
        if area is not None:
            return replace(d, box=tuple(int(v) for v in area)), True
    box = tuple(int(v) for v in found) if found is not None else d.box
    arrow = find_arrow(image, box)
    if found is None and not arrow:
        # neither box nor arrow: at the model's threshold (0.35), halving these when no
        # underline runs along them took generated text fields from 517 right / 240 wrong
        # to 513 / 156, real ones from 85 / 42 to 85 / 28 (AP 0.743 -> 0.745 generated,
        # 0.704 -> 0.708 real, 0.447 -> 0.472 hold-out); halving all lost 27 right
        # underlined fields on the generated screens
        if d.kind == "text_field" and not field_underline(image, d.box):
            return replace(d, score=d.score * UNVERIFIED_SCALE), False
        return d, False
    if not arrow and progress_fill(image, box):
        return replace(d, box=box, score=d.score * UNVERIFIED_SCALE), False
    return replace(d, kind="dropdown" if arrow else "text_field", box=box,
                   score=_raised(d.score)), True


BUTTON_KINDS = ("button",)
#: a button's drawn box: at least this high, and this wide per height
BUTTON_MIN_H, BUTTON_MIN_ASPECT = 12, 0.6
#: a drawn box counts as inside a detection when this much of it lies inside
BUTTON_INSIDE = 0.8


def _button_pads(box) -> tuple[int, int]:
    """How far :func:`button_boxes` searches beyond ``box``, across and down."""
    w, h = box[2], box[3]
    return int(max(0.3 * w, h)), int(max(0.4 * h, 8))


def _button_keep(h: int):
    """:func:`button_boxes`' size test for a box ``h`` high."""
    def keep(bx, by, bw, bh):
        return max(BUTTON_MIN_H, 0.5 * h) <= bh <= 1.6 * h and bw >= BUTTON_MIN_ASPECT * bh
    return keep


def button_boxes(image: np.ndarray, box: tuple[int, int, int, int],
                 shared: WindowShapes | None = None) -> list:
    """The drawn boxes (solid rectangles: a border or a fill) of buttons around and
    inside ``box``: the ones mostly inside it, left to right.  ``shared``: search
    that window's shapes (check_button's, which the switch search shares)."""
    h = box[3]
    x0, y0, x1, y1 = shared.window if shared else search_window(image, box, *_button_pads(box))
    if x1 - x0 < BUTTON_MIN_H + 2 or y1 - y0 < BUTTON_MIN_H + 2:
        return []
    keep = _button_keep(h)
    for found in _searched(image, box, (x0, y0, x1, y1), keep, shared):
        out = [c for c in _solid(found)
               if _inter(c, box) >= BUTTON_INSIDE * c[2] * c[3] or _iou(c, box) >= 0.5]
        if out:
            return sorted(out)
    return []


def text_at_left(image: np.ndarray, box: tuple[int, int, int, int], *,
                 skip_right: bool = False) -> bool:
    """Whether the ink inside a drawn box (x, y, w, h) sits at its left with the right
    part empty, as a field's value or placeholder does, where a button centres its
    label.  ``skip_right``: leave out the right end (a dropdown's arrow there)."""
    x, y, w, h = box
    m = max(2, int(0.12 * h))
    iw, ih = w - 2 * m, h - 2 * m
    if ih < 4 or iw < 3 * ih or image.ndim != 3:
        return False
    reg = image[y + m:y + m + ih, x + m:x + m + iw, :3]
    if skip_right:
        reg = reg[:, :iw - _arrow_end(w, h)]
    cols = np.nonzero(_strong_ink(reg, _commonest(reg), 40, 0.4).any(0))[0]
    if cols.size < 2:
        return False
    return cols[0] <= TEXT_LEFT[0] * iw and cols[-1] <= TEXT_LEFT[1] * iw


#: a field's text: starts in the first quarter of the box, ends before 60% of it
TEXT_LEFT = (0.25, 0.6)


#: a switch: a stadium (fully rounded ends) this high and this long for its height
SWITCH_H = (12, 48)
SWITCH_ASPECT = (1.4, 2.8)
#: its shape matches a drawn stadium of its size by this IoU at least, and its
#: corners (squares of 0.2 x its height) are at most this full
SWITCH_MIN_FIT, SWITCH_MAX_CORNER = 0.9, 0.3
#: along its middle row, the knob's edges: colour steps bigger than SWITCH_STEP
#: in a channel, within 4 px of each other one edge.  A knob that touches the end
#: shows one edge (an arc), 0.6-1.25 heights from that end; an inset knob two, 0.5-1.1
#: heights apart, the outer one at most SWITCH_INSET heights from the end
SWITCH_STEP, SWITCH_KNOB, SWITCH_INSET_KNOB, SWITCH_INSET = 20, (0.6, 1.25), (0.5, 1.1), 0.3


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
    return _has_run(_edges(row, SWITCH_STEP), h)


def switch_state(image: np.ndarray, box, mask: np.ndarray):
    """Whether the drawn shape at ``box`` (x, y, w, h) with filled ``mask`` is an
    on/off switch: a stadium whose middle row steps colour only at the edges of
    a round knob at one end.  Returns True (knob at the right: on), False (at
    the left: off) or None (not a switch).  A pill-shaped button's words step
    colour many times; a symbol's ("+", "-") twice, but around the middle."""
    x, y, w, h = box
    if not (SWITCH_H[0] <= h <= SWITCH_H[1] and SWITCH_ASPECT[0] <= w / h <= SWITCH_ASPECT[1]):
        return None
    c = max(2, int(0.2 * h))
    corners = (mask[:c, :c].mean() + mask[:c, -c:].mean() + mask[-c:, :c].mean()
               + mask[-c:, -c:].mean()) / 4
    if corners > SWITCH_MAX_CORNER:
        return None
    st = _stadium(w, h)
    if (mask & st).sum() < SWITCH_MIN_FIT * (mask | st).sum():
        return None
    if image.ndim != 3:
        return None
    m = max(2, h // 8)                   # not the shape's own ends
    groups = [g[(g >= m) & (g <= w - m)] for g in _edges(image[y + h // 2, x:x + w, :3], SWITCH_STEP)]
    groups = [g for g in groups if g.size]
    if not groups or _has_run(groups, h):
        return None                      # no edge, or a run of steps: words or a pattern
    edges = [float(g.mean()) for g in groups]
    if len(edges) == 1:
        # the knob's edge is an arc, bulging into the track: a quarter of the height
        # above and below the middle it lies nearer the knob's end of the switch
        # (and is fainter there: steps of half SWITCH_STEP count)
        p = edges[0]
        off = []
        for r in (y + h // 2 - h // 4, y + h // 2 + h // 4):
            st = np.concatenate(_edges(image[r, x:x + w, :3], SWITCH_STEP / 2) or [np.zeros(0)])
            st = st[np.abs(st - p) <= 0.5 * h]
            if st.size:
                off.append(float(st.mean()) - p)
        if len(off) < 2 or abs(sum(off) / 2) < 1:
            return None                  # a straight line, no knob
        on = sum(off) > 0
        knob = w - p if on else p
        return on if SWITCH_KNOB[0] * h <= knob <= SWITCH_KNOB[1] * h else None
    if len(edges) == 2:
        p, q = edges
        if SWITCH_INSET_KNOB[0] * h <= q - p <= SWITCH_INSET_KNOB[1] * h and \
                min(p, w - q) <= SWITCH_INSET * h:
            return p + q > w
    return None


def _switch_pads(box) -> tuple[int, int]:
    """How far :func:`find_switch` searches beyond ``box``, across and down."""
    return max(6, box[2] // 2), max(4, box[3] // 2)


def _switch_keep(bx, by, bw, bh) -> bool:
    return SWITCH_H[0] <= bh <= SWITCH_H[1] and \
        SWITCH_ASPECT[0] * bh <= bw <= SWITCH_ASPECT[1] * bh


def find_switch(image: np.ndarray, box: tuple[int, int, int, int],
                shared: WindowShapes | None = None):
    """An on/off switch drawn at ``box`` (x, y, w, h): (its box, whether on), or None.
    ``shared``: as :func:`button_boxes`'."""
    x, y, w, h = box
    if not (0.5 * SWITCH_H[0] <= h <= 1.5 * SWITCH_H[1] and w <= 4 * h):
        return None
    if image.ndim != 3 or _has_words(image[y + h // 2, x:x + w, :3], h):
        return None                      # cheap first: a button's words on its middle row
    window = shared.window if shared else search_window(image, box, *_switch_pads(box))
    for found in _searched(image, box, window, _switch_keep, shared):
        for cand, mask, _, at_rim in found:
            if at_rim or _iou(cand, box) < 0.3:
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
    if len(boxes) == 1 and _iou(boxes[0], d.box) >= 0.5:
        box = tuple(int(v) for v in boxes[0])
        # a drawn box with its words at the left is a field (or, with an arrow at its
        # right end, a dropdown), not a button: the model calls many web fields buttons.
        # Most buttons centre their label and fail the first test: no arrow search.
        if text_at_left(image, box, skip_right=True):
            # ... but a progress bar's fill at the left is neither (generated text
            # field AP 0.724 -> 0.728, real button 0.796 -> 0.797)
            if progress_fill(image, box):
                return [replace(d, box=box, score=d.score * UNVERIFIED_SCALE)], False
            arrow = find_arrow(image, box)
            if arrow or text_at_left(image, box):
                return [replace(d, kind="dropdown" if arrow else "text_field", box=box,
                                score=score)], True
        return [replace(d, box=box, score=score)], True
    if len(boxes) >= 2 and _side_by_side(boxes) and \
            sum(b[2] * b[3] for b in boxes) >= 0.5 * d.box[2] * d.box[3]:
        return [replace(d, box=tuple(int(v) for v in b), score=score) for b in boxes], True
    return [d], False


def _side_by_side(boxes) -> bool:
    """Disjoint boxes on one row or one column."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if _iou(a, b) > 0:
                return False
    ys = [b[1] + b[3] / 2.0 for b in boxes]
    xs = [b[0] + b[2] / 2.0 for b in boxes]
    hmin = min(b[3] for b in boxes)
    wmin = min(b[2] for b in boxes)
    return max(ys) - min(ys) <= 0.5 * hmin or max(xs) - min(xs) <= 0.5 * wmin


LINK_KINDS = ("link",)
#: a link's text: saturated and of a link's hue (OpenCV, 0-180: green through blue to
#: purple; not red, orange or yellow, the colours of error and warning text), or
#: underlined across this part of its width.  Blue only (95-135) missed green links
#: (Node's docs): with v1.5.0, 95-135 -> 35-170 took link AP 0.651 -> 0.670 real,
#: 0.751 -> 0.770 generated (0-180: the same within 0.0015 on four sets)
LINK_HUE, LINK_MIN_SAT, UNDERLINE_SPAN = (35, 170), 90, 0.75
#: ... and clearly coloured: its channels at least this far apart.  HSV saturation alone
#: calls dark slate-blue headings and labels blue (0.64 of a dark value); their spread
#: is 48-53 on the kiosk page of tests/data/corpus, Node's green code links' 64-66, a
#: blue link's 100 and more.  50 drops three of that page's four; 60 cost real link
#: AP 0.729 -> 0.695 (muted link colours), 40 and 50 left it as it was (generated
#: link AP 0.790 -> 0.794, hold-out 0.365 -> 0.366)
LINK_MIN_SPREAD = 50


def _words(reg: np.ndarray):
    """The background of a box of words (the commonest colour of its rim) and their
    ink (differing from it clearly): (bg, ink mask)."""
    bg = _commonest(_rim(reg))
    return bg, _strong_ink(reg, bg, 40, 0.4)


#: a word's colour is read on its strokes' cores: ink at least this share of the
#: largest difference from the background (anti-aliased edges, half background,
#: make thin green code text read as grey: saturation 88 whole, 113 on the cores)
INK_CORE = 0.7


def _ink_hsv(reg: np.ndarray, ink: np.ndarray, bg=None):
    """The words' mean colour and its OpenCV HSV (hue, saturation, value); with
    their background ``bg``, of their strokes' cores (INK_CORE) only."""
    if bg is not None and INK_CORE > 0:
        d = channel_diff(reg, bg)
        core = ink & (d >= INK_CORE * int(d[ink].max()))
        if int(core.sum()) >= 12:
            ink = core
    mean = reg[ink].mean(0)
    hsv = cv2.cvtColor(mean.astype(np.uint8).reshape(1, 1, 3), cv2.COLOR_RGB2HSV)[0, 0]
    return mean, tuple(int(v) for v in hsv)


def _underline_rows(ink: np.ndarray) -> np.ndarray:
    """Rows of the lower half of ``ink`` that a line under the words crosses: ink
    across UNDERLINE_SPAN of the words' span (words at least half as wide as high)."""
    h = ink.shape[0]
    cols = np.nonzero(ink.any(0))[0]
    span = cols[-1] - cols[0] + 1
    if span < 0.5 * h:
        return np.zeros(0, np.int64)
    return h // 2 + np.nonzero(ink[h // 2:].sum(1) >= UNDERLINE_SPAN * span)[0]


def link_marks(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the words in ``box`` look like a link: ink of a link's colour
    (LINK_HUE), or a line under them (:func:`_words`, :func:`_underline_rows`)."""
    x, y, w, h = box
    if h < 8 or w < h or image.ndim != 3:
        return False
    reg = image[y:y + h, x:x + w, :3]
    bg, ink = _words(reg)
    if int(ink.sum()) < 12:
        return False
    mean, (hue, sat, _) = _ink_hsv(reg, ink, bg)
    if (LINK_HUE[0] <= hue <= LINK_HUE[1] and sat >= LINK_MIN_SAT
            and float(mean.max() - mean.min()) >= LINK_MIN_SPREAD):
        return True
    return len(_underline_rows(ink)) > 0


#: columns without ink bridged along a slider's groove (tick gaps, anti-aliasing)
SLIDER_GAP = 2
#: a groove is at least this many times as long as it is thick
SLIDER_MIN_ASPECT = 3.0
#: and its fullest row has ink along this share of its length (a word's rows do not)
SLIDER_MIN_RUN = 0.7
#: a knob reaches at least this many times the groove's thickness across it (true
#: sliders on the real and generated sets: 1.3 and up, medians 3.2 and 2.4; the
#: model's false sliders, progress bars among them, median 0.95-0.98; the test took
#: slider AP 0.54 -> 0.65 real, 0.53 -> 0.60 generated)
SLIDER_KNOB = 1.25


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, end) of True in a 1-D ``mask``, gaps of up to ``gap`` bridged."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def slider_extent(image: np.ndarray, box: tuple[int, int, int, int]):
    """The whole slider through ``box`` (x, y, w, h): the model boxes a long slider
    in pieces, or only around its handle.  Along the slider's axis (the box's
    longer side) the groove is followed through the middle half of the box's
    thickness, as the run of ink columns that overlaps the box; across it, the
    rows with ink next to the groove's row.  Returns (x, y, w, h), or None when
    there is no run at least SLIDER_MIN_ASPECT times as long as it is thick, or
    no knob on it (SLIDER_KNOB: a progress bar), or the run goes from one edge
    of the frame to the other: the model's tall "sliders" in the gap between
    two windows on a gradient desktop, whose colour drifts from the ring's all
    the way (0.81 and 0.73 on two generated screens; generated mAP 0.8196 ->
    0.8215, real 0.7782 -> 0.7785, hold-out and GTK screens unchanged)."""
    x, y, w, h = box
    vertical = h > w
    img = np.swapaxes(image, 0, 1) if vertical else image
    if vertical:
        x, y, w, h = y, x, h, w
    H = img.shape[0]
    if h < 3 or w < 3:
        return None
    cy0, cy1 = max(0, y - h // 2), min(H, y + h + h // 2)
    ring = np.concatenate([img[max(0, y - 3):y, x:x + w], img[y + h:y + h + 3, x:x + w]])
    if ring.size == 0:
        return None
    bg = _commonest(ring)
    ink = channel_diff(img[cy0:cy1], bg) > INK_DIFF
    core = ink[y + h // 4 - cy0:y + h - h // 4 - cy0]
    if core.shape[0] == 0:
        return None
    # the groove's pieces either side of a light knob (drawn as its outline: nothing
    # on the groove's rows inside it) are one where ink spans the gap above or below
    banded = ink.any(0)
    runs: list = []
    for r in _runs(core.any(0), SLIDER_GAP):
        if runs and banded[runs[-1][1]:r[0]].all():
            runs[-1] = (runs[-1][0], r[1])
        else:
            runs.append(r)
    runs = [r for r in runs if r[0] < x + w and r[1] > x]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: min(r[1], x + w) - max(r[0], x))
    if a == 0 and b == img.shape[1]:
        return None         # frame edge to frame edge: a gap between windows, not a groove
    # across: the rows next to the groove's row with ink in 2 columns or more (a light
    # knob is drawn as its outline only: Adwaita's; 2% of the length took real slider
    # AP to 0.39, this to 0.48)
    counts = ink[:, a:b].sum(1)
    need = 2
    mid = y + h // 4 - cy0 + int(np.argmax(counts[y + h // 4 - cy0:y + h - h // 4 - cy0]))
    r0 = mid
    while r0 > 0 and counts[r0 - 1] >= need:
        r0 -= 1
    r1 = mid + 1
    while r1 < len(counts) and counts[r1] >= need:
        r1 += 1
    thick = r1 - r0
    if b - a < SLIDER_MIN_ASPECT * thick or counts[mid] < SLIDER_MIN_RUN * (b - a):
        return None
    # a knob: a column whose ink (first to last row: a light knob is an outline)
    # reaches SLIDER_KNOB times the groove's thickness (the columns' median), plus a
    # pixel.  A progress bar is as thick all along
    sub = ink[r0:r1, a:b]
    has = sub.any(0)
    if not has.any():
        return None
    reach = (sub.shape[0] - np.argmax(sub[::-1], 0) - np.argmax(sub, 0))[has]
    if reach.max() < SLIDER_KNOB * float(np.median(reach)) + 1:
        return None
    out = (a, cy0 + r0, b - a, thick)
    return (out[1], out[0], out[3], out[2]) if vertical else out


def check_slider(image: np.ndarray, d):
    """A slider detection boxed around its whole groove and knob and scored up;
    with no groove or no knob, its score halved: (detection, whether found).

    Raising the score paid only once the knob was required: with the groove alone
    it took generated slider AP 0.43 -> 0.45 for 1,545 false sliders at the
    runtime threshold on the generated screens instead of 189; with the knob,
    0.60 -> 0.66 (real 0.65 -> 0.67) for 187 instead of 78, recall 0.55 -> 0.70."""
    ext = slider_extent(image, d.box)
    if ext is None:
        return replace(d, score=d.score * UNVERIFIED_SCALE), False
    return replace(d, box=ext, score=_raised(d.score)), True


#: a link's words are followed across gaps of up to this share of the box's height (a
#: word space is ~0.3 of a line's height, a monospace ", " ~0.6; 0.45 -> 0.7 took real
#: link AP 0.31 -> 0.32; links side by side are further apart)
LINK_GAP = 0.7
#: ... as far as this many box heights either side of the box
LINK_REACH = 24
#: a link in colour: this HSV saturation at least (0-255); grey and black words are
#: followed only along an underline
LINK_MIN_CHROMA = 60


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
    through the words of its colour, across word spaces (LINK_GAP), and stops at
    ink of another colour (a bullet, the sentence around it).  Black or grey words
    with no underline are not followed: nothing on the pixels tells where such a
    link ends.  ``words``: :func:`_words` of the box, if worked out already.
    Returns (x, y, w, h), or None."""
    x, y, w, h = box
    W = image.shape[1]
    if h < 8 or h > 64 or w < 4 or image.ndim != 3:
        return None
    reg = image[y:y + h, x:x + w, :3]
    bg, ink = words if words is not None else _words(reg)
    if int(ink.sum()) < 12:
        return None
    bx0, bx1 = max(0, x - LINK_REACH * h), min(W, x + w + LINK_REACH * h)
    band = np.ascontiguousarray(image[y:y + h, bx0:bx1, :3])
    # ink: a channel more than 40 off the background (one cv2.inRange on uint8)
    inked = cv2.inRange(band, tuple(max(0, int(v) - 40) for v in bg),
                        tuple(min(255, int(v) + 40) for v in bg)) == 0
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
    if sat < LINK_MIN_CHROMA or val < 60:
        return None
    # a pixel on the way from the background to the link's colour (its anti-aliased
    # edges included) is the link's; ink off that way is something else
    axis = (lc - bg).astype(np.float32)
    ys, xs = np.nonzero(inked)                    # only the ink (a line is mostly background)
    px = band[ys, xs].astype(np.float32) - bg.astype(np.float32)
    t = (px @ axis) / max(1.0, float(axis @ axis))
    off = np.abs(px - t[:, None] * axis).max(1)
    mine = np.zeros(band.shape[1], bool)
    mine[xs[(off <= 40) & (t > 0.3)]] = True
    # other ink, and the two columns either side of it (the grey anti-aliased edge of
    # black words lies on the way from a white background to a dark link colour)
    other = np.zeros(band.shape[1], np.uint8)
    other[xs[off > 60]] = 1
    other = cv2.dilate(other[None], np.ones((1, 5), np.uint8))[0].astype(bool)
    return overlapping(_gapped_runs(mine & ~other, other, max(1, int(LINK_GAP * h))))


#: a link's box is its line box: its words' ink and this share of the ink's height
#: above and below it (real and generated links: 1.13-1.43 times the ink's height)
LINK_LEADING = 0.12


def link_words(image: np.ndarray, box: tuple[int, int, int, int]):
    """``box`` (x, y, w, h) drawn in to its words, as a browser or toolkit boxes a
    link: their ink's columns, and their ink's rows with LINK_LEADING above and
    below (never past ``box``); the model draws links a few pixels loose all
    round.  None when the box holds too little ink to tell."""
    x, y, w, h = box
    reg = image[y:y + h, x:x + w]
    if reg.ndim != 3 or reg.shape[0] < 6 or reg.shape[1] < 6:
        return None
    h = reg.shape[0]
    _, ink = _words(reg[:, :, :3])
    if int(ink.sum()) < 12:
        return None
    cols, rows = np.nonzero(ink.any(0))[0], np.nonzero(ink.any(1))[0]
    ih = int(rows[-1] - rows[0] + 1)
    pad = int(round(LINK_LEADING * ih))
    y0, y1 = max(0, int(rows[0]) - pad), min(h, int(rows[-1]) + 1 + pad)
    return (x + int(cols[0]), y + y0, int(cols[-1] - cols[0] + 1), y1 - y0)


#: a row of blocks: at least BLOCKS_MIN pieces of ink, BLOCKS_SHARE of them solid
#: rectangles (BLOCKS_FILL of their box) of one size (within a pixel), as tall as a
#: third of the box or more
BLOCKS_MIN, BLOCKS_SHARE, BLOCKS_FILL = 4, 0.8, 0.9


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
    if len(st) < BLOCKS_MIN:
        return False
    solid = st[(st[:, 4] >= BLOCKS_FILL * st[:, 2] * st[:, 3]) & (st[:, 3] * 3 >= h)]
    if len(solid) < max(BLOCKS_MIN, BLOCKS_SHARE * len(st)):
        return False
    mw, mh = np.median(solid[:, 2]), np.median(solid[:, 3])
    same = (np.abs(solid[:, 2] - mw) <= 1) & (np.abs(solid[:, 3] - mh) <= 1)
    return int(same.sum()) >= max(BLOCKS_MIN, BLOCKS_SHARE * len(st))


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
        return replace(d, score=d.score * UNVERIFIED_SCALE), False
    ext = link_extent(image, d.box, words)
    if ext is not None and ext[2] > d.box[2]:
        d = replace(d, box=(ext[0], d.box[1], ext[2], d.box[3]))
    tight = link_words(image, d.box)
    if tight is not None:
        d = replace(d, box=tight)
    if not link_marks(image, d.box):
        return d, False
    return replace(d, score=_raised(d.score)), True


ICON_KINDS = ("icon",)
#: an icon's ink differs from what it sits on by more than this in a channel (a
#: pictogram's anti-aliased rim is left out)
ICON_INK_DIFF = 24
#: ink is searched this share of the box's size around it; ink reaching the
#: searched window's edge belongs to something larger (a button's face, a panel)
ICON_REACH = 0.35


def icon_extent(image: np.ndarray, box: tuple[int, int, int, int]):
    """The pictogram the model boxed a few pixels off: the bounding box (x, y, w,
    h) of the pieces of ink that reach into the middle half of ``box``, against
    each of :func:`backgrounds_for` in turn (what the box sits on: a window, a
    button's face); or None when there is no such ink, or it runs out of the
    searched window."""
    x, y, w, h = box
    window = search_window(image, box, max(3, int(ICON_REACH * w)), max(3, int(ICON_REACH * h)))
    x0, y0, x1, y1 = window
    win = image[y0:y1, x0:x1]
    if win.ndim == 2:
        win = win[:, :, None]
    if win.shape[0] < 4 or win.shape[1] < 4:
        return None
    cx0, cy0 = x - x0 + w // 4, y - y0 + h // 4
    for bg in backgrounds_for(image, window, box):
        ink = (channel_diff(win, bg) > ICON_INK_DIFF).astype(np.uint8)
        _, lab, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        core = lab[cy0:cy0 + max(1, h - h // 2), cx0:cx0 + max(1, w - w // 2)]
        parts = [i for i in np.unique(core).tolist() if i]
        if not parts:
            continue
        bx0, by0 = min(st[i, 0] for i in parts), min(st[i, 1] for i in parts)
        bx1 = max(st[i, 0] + st[i, 2] for i in parts)
        by1 = max(st[i, 1] + st[i, 3] for i in parts)
        if not _touches_rim((bx0, by0, bx1 - bx0, by1 - by0), window, *image.shape[1::-1]):
            return (int(bx0 + x0), int(by0 + y0), int(bx1 - bx0), int(by1 - by0))
    return None


def check_icon(image: np.ndarray, d):
    """An icon detection snapped to its pictogram's ink (:func:`icon_extent`), score
    unchanged; or unchanged: (detection, whether its ink was found)."""
    ext = icon_extent(image, d.box)
    if ext is None:
        return d, False
    return replace(d, box=ext), True


SLIDER_KINDS = ("slider",)
VERIFIED_KINDS = (INDICATOR_KINDS + FIELD_KINDS + BUTTON_KINDS + LINK_KINDS + SLIDER_KINDS
                  + ICON_KINDS)
#: candidates of one kind checked per frame, highest scores first (48 -> 64 with
#: v1.4.0: on xcalc it leaves 101 button candidates, many straddling two keys, and
#: the "-" key's came 58th; real mAP 0.641 -> 0.642)
MAX_CHECKED = 64
#: fields, dropdowns, buttons, sliders and links are checked from this score up (links
#: from 0.1 cost 5 ms a frame for AP +0.002); indicators from the detector's floor (0.05)
BOX_FLOOR = 0.2
#: ... except these kinds (icons from 0.1: real icon AP 0.58 -> 0.61, their check is
#: cheap; links from 0.15 with v1.5.1: green code links on a docs page scored 0.19 there,
#: and link AP real 0.698 -> 0.729, hold-out 0.352 -> 0.365, generated 0.784 -> 0.790)
KIND_FLOOR = {"icon": 0.1, "link": 0.15}


#: kinds that always show something inside their box (words, a glyph, a knob, a
#: groove); text fields and dropdowns can be empty, indicators are checked above
CONTENT_KINDS = ("button", "tab", "menu_item", "link", "icon", "slider", "toggle")
#: inner part looked at: the box less this share of its width/height on each side
BLANK_MARGIN = 0.15
#: blank: every channel's standard deviation over the inner part is under this.
#: Measured on detections scored >= 0.2 (300 generated + 59 real screens), a test
#: by ink share (under 0.2% of pixels 24 levels off the median) found blank 139 of
#: 725 wrong button boxes and 9 of 1142 right ones (real: 36 of 186, 0 of 234).  On
#: the boxes scored >= 0.3 of 219 screens (59 real, 160 generated) this test agrees
#: with that one on 4,825 of 4,877, drops 6 fewer right boxes and 44 fewer wrong
#: ones, and costs a 14th of it
BLANK_STD = 4.0
#: pixels sampled from the inner part (a regular grid)
BLANK_SAMPLES = 4096
#: tested from this score up (what a lower box does to the result is small, and
#: the test is most of the checks' cost on a busy screen below it)
BLANK_FLOOR = 0.3


def is_blank(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the inside of ``box`` (x, y, w, h) is one flat colour: the model's
    box over an empty panel or along a panel's edge line, not an element."""
    x, y, w, h = box
    H, W = image.shape[:2]
    x0, x1 = max(0, int(x + w * BLANK_MARGIN)), min(W, int(x + w - w * BLANK_MARGIN) + 1)
    y0, y1 = max(0, int(y + h * BLANK_MARGIN)), min(H, int(y + h - h * BLANK_MARGIN) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return False
    step = max(1, int(np.sqrt((x1 - x0) * (y1 - y0) / BLANK_SAMPLES)))
    _, sd = cv2.meanStdDev(np.ascontiguousarray(image[y0:y1:step, x0:x1:step]))
    return float(sd.max()) < BLANK_STD


#: the checks that give back one detection, by kind (buttons may split into several;
#: indicators take the frame's outline results too: _check)
_ONE_CHECKS = {**{k: check_field for k in FIELD_KINDS},
               **{k: check_link for k in LINK_KINDS},
               **{k: check_slider for k in SLIDER_KINDS},
               **{k: check_icon for k in ICON_KINDS}}


def _check(image: np.ndarray, d, outlines: dict | None = None):
    """The check of ``d``'s kind: (detections, whether it passed).  ``outlines``:
    as :func:`check_indicator`'s."""
    if d.kind in INDICATOR_KINDS:
        r, ok = check_indicator(image, d, outlines)
        return [r], ok
    one = _ONE_CHECKS.get(d.kind)
    if one is None:
        return check_button(image, d)
    r, ok = one(image, d)
    return [r], ok


#: kinds no check snaps to an outline: of two boxes of one of these kinds where
#: NESTED_SHARE of the smaller lies inside the other (the model leaves a second box
#: on one element, looser or offset: a switch boxed twice, a menu row and its label
#: alone, two menu bar items and one of them), only the higher scored is kept.
#: AP: toggle 0.914 -> 0.937 generated, 0.753 -> 0.795 real; menu_item and
#: tab +0.001-0.002.  Applied to the checked kinds too it cost 0.004 real mAP (their
#: boxes are snapped, then compared by IoU); at 0.9 the gain was smaller
NESTED_KINDS, NESTED_SHARE = ("toggle", "tab", "menu_item"), 0.8


def _holds_any(boxes, b, share: float) -> bool:
    """Whether ``share`` of the smaller of box ``b`` and one of ``boxes`` lies in both."""
    a = b[2] * b[3]
    return any(_inter(o, b) >= share * min(a, o[2] * o[3]) for o in boxes)


#: a candidate overlapping an element a check of its kind has already found by an
#: IoU over FOUND_IOU is a lower-scored duplicate of it: dropped unchecked.  (Was
#: refine's same_iou, 0.6: on yad's form two field candidates at IoU 0.52-0.54 with
#: fields already found were checked, and snapped onto them.  At 0.5, mAP generated
#: 0.8569 -> 0.8569, real 0.7971 -> 0.7974, hold-out 0.7889 -> 0.7894.)  Links
#: keep 0.6: at 0.5 generated link AP went 0.904 -> 0.900 (real 0.803 -> 0.814)
FOUND_IOU = 0.5
FOUND_IOU_KIND = {"link": 0.6}


def refine(image: np.ndarray, detections: list, *, same_iou: float = 0.6) -> list:
    """Every check of this module on the detections of its kinds, best scored
    first; then, as two detections snapped to the same outline are one element,
    of same-kind boxes overlapping by more than ``same_iou`` only the higher
    scored is kept, and of NESTED_KINDS boxes one inside the other; a detection
    of a CONTENT_KINDS kind scored from BLANK_FLOOR with nothing inside its box
    is dropped."""
    # A budget: at most MAX_CHECKED candidates of a kind are checked; the rest keep
    # the model's box and score (a busy page has 40 field candidates).  A candidate
    # overlapping an element already found by a check (FOUND_IOU) is a lower-scored
    # duplicate of it (the detector leaves 2-3 boxes a button): dropped unchecked, so
    # that duplicates do not spend the budget (xcalc: 122 button candidates, 40 buttons).
    found: dict = {}
    checked: dict = {}
    outlines: dict = {}
    out = []
    for d in sorted(detections, key=lambda d: -d.score):
        if d.kind not in VERIFIED_KINDS:
            out.append(d)
            continue
        if _overlaps_any(found.get(d.kind, ()), d.box, FOUND_IOU_KIND.get(d.kind, FOUND_IOU)):
            continue
        n = checked.get(d.kind, 0)
        if n >= MAX_CHECKED or (d.kind not in INDICATOR_KINDS
                                and d.score < KIND_FLOOR.get(d.kind, BOX_FLOOR)):
            out.append(d)
            continue
        checked[d.kind] = n + 1
        res, ok = _check(image, d, outlines)
        out.extend(res)
        if ok:
            for r in res:
                found.setdefault(r.kind, []).append(r.box)
    kept: list = []
    by_kind: dict = {}
    for d in sorted(out, key=lambda d: -d.score):
        if d.kind in CONTENT_KINDS and d.score >= BLANK_FLOOR and is_blank(image, d.box):
            continue
        if d.kind in VERIFIED_KINDS:
            same = by_kind.setdefault(d.kind, [])
            if _overlaps_any(same, d.box, same_iou):
                continue
            same.append(d.box)
        elif d.kind in NESTED_KINDS:
            same = by_kind.setdefault(d.kind, [])
            if _holds_any(same, d.box, NESTED_SHARE):
                continue
            same.append(d.box)
        kept.append(d)
    return kept
