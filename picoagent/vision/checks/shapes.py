"""What every check measures: the backgrounds around a box, its ink, the solid
shapes in a window around it, colour modes and runs."""
from __future__ import annotations

import cv2
import numpy as np

from .config import CONFIG as C


def _raised(score: float) -> float:
    """A checked detection's score: C.verified_gain of the way to 1."""
    return score + (1.0 - score) * C.verified_gain


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
    return _strong_ink_diff(reg, bg, floor, rel)[0]


def _strong_ink_diff(reg: np.ndarray, bg: np.ndarray, floor: float, rel: float):
    """:func:`_strong_ink`, and the :func:`channel_diff` it thresholds: (ink, diff)."""
    d = channel_diff(reg, bg)
    return d > max(floor, rel * int(d.max())), d


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
    """What differs from colour ``bg`` by more than C.ink_diff in a channel, in
    ``window`` (x0, y0, x1, y1) of the frame: uint8, 255 = ink."""
    x0, y0, x1, y1 = window
    win = image[y0:y1, x0:x1]
    if win.ndim == 2:
        win = win[:, :, None]
    # background: every channel within C.ink_diff of it (one cv2.inRange call: 4x faster
    # than absdiff + the channels' maximum + a comparison); ink is the rest, as 255
    bg = [int(v) for v in bg]
    return cv2.bitwise_not(cv2.inRange(win,
                                       tuple(max(0, v - C.ink_diff) for v in bg),
                                       tuple(min(255, v + C.ink_diff) for v in bg)))


#: the structuring element of :func:`_outlines`' gap bridging
_CLOSE_KERNEL = np.ones((3, 3), np.uint8)


def _outlines(image: np.ndarray, window, ink: np.ndarray, keep, close: bool) -> list:
    """Solid shapes in ``window`` (x0, y0, x1, y1, frame pixels) of the frame: the
    outer outlines of ``ink`` (:func:`_ink` of the window against a background
    colour).  Only outlines whose bounding box (x, y, w, h, window pixels) passes
    ``keep`` are measured.  ``close`` bridges one-pixel gaps first: the
    anti-aliased rounded corners of a light 1-px ring fall under C.ink_diff, and an
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


def _touches_rim(b, window, W: int, H: int) -> bool:
    """Whether box ``b`` (window pixels) touches the rim of the searched
    ``window`` (x0, y0, x1, y1 in the frame) where the frame goes on beyond it."""
    bx, by, bw, bh = b
    x0, y0, x1, y1 = window
    return (bx == 0 and x0 > 0) or (by == 0 and y0 > 0) or \
        (bx + bw == x1 - x0 and x1 < W) or (by + bh == y1 - y0 and y1 < H)


def _solid(found) -> list:
    """The boxes of :func:`_outlines` results that are solid rectangles (filling
    C.field_min_fill of their box) wholly inside the searched window."""
    return [b for b, mask, _, at_rim in found if not at_rim and _fill(mask) >= C.field_min_fill]


def _fill(mask: np.ndarray) -> float:
    """The share of a 0/1 mask that is 1: ``mask.mean()``, the same number (an exact
    count over the size, correctly rounded either way) without numpy's mean wrapper."""
    return np.count_nonzero(mask) / mask.size


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, end) of True in a 1-D ``mask``, gaps of up to ``gap`` bridged."""
    starts, ends = _run_bounds(mask, gap)
    return list(zip(starts.tolist(), ends.tolist()))


def _run_bounds(mask: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_runs` as two arrays: the runs' starts and their ends."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return idx, idx
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return starts, ends
