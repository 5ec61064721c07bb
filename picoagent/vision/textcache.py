"""Change-aware, lazy text perception.

Detection (where is text?) and recognition (what does it say?) are cached
separately and kept valid across frames:

* The last frame is kept.  A new frame is compared with it; the changed pixels
  are grouped into dirty rectangles (8-pixel cells, dilated, connected
  components).  An identical frame costs one comparison.
* Text boxes outside dirty rectangles are kept; inside them detection runs
  again, on the dirty rectangle grown to cover any old box it touches.
* Detection runs on tiles of at most ``TILE`` pixels: PP-OCR's detector misses
  small dialogs on a large, mostly dark screen when run on the whole frame,
  and tiles whose pixels are uniform are skipped outright.
* Recognition is per box and lazy: a caller looking for a given text gets the
  boxes whose size could hold it first and stops as soon as one matches.
* A fast path: :func:`quick_text_boxes` finds text lines with plain image
  morphology in ~15 ms per 1280x720 frame (the neural detector needs ~1.4 s).
  Targets are looked for in its boxes first; the neural detector runs only when
  they do not hold the target.  On the corpus it covers 50 of 52 target texts.
* Reading a whole frame (:meth:`TextCache.sure_boxes`) takes the fast path's
  boxes and runs the neural detector only where the fast path is unsure.
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable

import cv2
import numpy as np

from . import timing
from .components import components
from .frame import Box, clip_box
from .geometry import center, centred_in, grow, inside, iou, overlaps, union, within
from .ocr import OcrEngine, TextLine

CELL = 8            # change-detection granularity, pixels
TILE = 512          # largest detection input side
OVERLAP = 64        # tile overlap, so a line cut by one tile is whole in the next
MARGIN = 32         # context added around a dirty rectangle before detection
MIN_CONTEXT = 256   # detection input at least this wide and high: on tight crops the
                    # detector merges neighbouring words ("(Yes)(No)" on xmessage)
BATCH = 1           # lazy reading goes box by box (per-box cost is the same at 1, 2 or 6)
SEEN_FRAMES = 8     # remembered whole-frame fast-path results
SEEN_AREAS = 64     # remembered detection results, by area content
SEEN_LINES = 1024   # remembered readings, by box content


def _remember(memo: OrderedDict, key, limit: int, make):
    """LRU memo: the value for ``key``, computing it with ``make`` when absent."""
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = memo[key] = make()
    while len(memo) > limit:
        memo.popitem(last=False)
    return value



def _cut_by(b: Box, area: Box, W: int, H: int) -> bool:
    """Does box ``b`` (padded by 2) touch an edge of ``area`` that is not the frame's?"""
    x0, y0, x1, y1 = b[0] + 2, b[1] + 2, b[0] + b[2] - 2, b[1] + b[3] - 2
    return ((x0 <= area[0] and area[0] > 0) or (y0 <= area[1] and area[1] > 0)
            or (x1 >= area[0] + area[2] - 1 and area[0] + area[2] < W)
            or (y1 >= area[1] + area[3] - 1 and area[1] + area[3] < H))


def _along_row(a: Box, boxes: list[Box]) -> Box:
    """``a`` widened over the boxes on its row that lie within 1.5 line heights of
    it (the other words of a line the fast path cut into words), so a line the
    neural detector finds there is centred inside it."""
    x0, x1 = a[0], a[0] + a[2]
    changed = True
    while changed:
        changed = False
        for b in boxes:
            oy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            gap = max(b[0] - x1, x0 - (b[0] + b[2]))
            if oy >= 0.6 * min(a[3], b[3]) and gap <= 1.5 * b[3] and \
                    (b[0] < x0 or b[0] + b[2] > x1):
                x0, x1 = min(x0, b[0]), max(x1, b[0] + b[2])
                changed = True
    return (x0, a[1], x1 - x0, a[3])


def tiles(rect: Box, tile: int = TILE, overlap: int = OVERLAP) -> list[Box]:
    """Split ``rect`` into overlapping tiles of at most ``tile`` pixels a side."""
    x, y, w, h = rect
    out = []
    step = tile - overlap
    ys = list(range(y, max(y + 1, y + h - overlap), step)) if h > tile else [y]
    xs = list(range(x, max(x + 1, x + w - overlap), step)) if w > tile else [x]
    for ty in ys:
        for tx in xs:
            out.append((tx, ty, min(tile, x + w - tx), min(tile, y + h - ty)))
    return out


QUICK_GRADIENT = 40     # edge strength that counts as a glyph stroke (0-255)
QUICK_GAP = 7           # pixels: characters and words closer than this join a line
QUICK_MAX_HEIGHT = 48   # glyph components taller than this are widgets, not text
QUICK_WORD_GAP = 0.6    # words closer than this many line heights form one line


def quick_text_boxes(rgb: np.ndarray, unsure: list[Box] | None = None) -> list[Box]:
    """Text-line boxes by morphology: strokes (morphological gradient), glyph-like
    connected components (size and ink density), joined horizontally into lines.

    Flat, crisp screen rendering makes this reliable for UI text; it is the fast
    path, and the neural detector remains the fallback.  With ``unsure`` (a list),
    the areas where the fast path may have cut or lost text are appended to it:
    words whose strokes touch ink that was not taken for glyphs (a glyph touching
    a border, a text cursor, lines whose descenders run into the next line).
    """
    if rgb.shape[0] < 4 or rgb.shape[1] < 4:
        return []
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grad = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((2, 2), np.uint8))
    ink = (grad > QUICK_GRADIENT).astype(np.uint8)
    n, labels, st, _ = components(ink)
    w, h, area = st[:, 2], st[:, 3], st[:, 4]
    dens = area / np.maximum(1, w * h)
    # glyphs (or words whose glyphs touch): small, or with the ink density of
    # strokes; widget outlines are sparse (< 0.18) and filled areas solid (> 0.9)
    glyph = (h >= 3) & (h <= QUICK_MAX_HEIGHT) & (area >= 3) & (
        (w * h <= 150) | ((dens >= 0.18) & (dens < 0.9)))
    glyph[0] = False
    mask = glyph[labels].astype(np.uint8)
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (QUICK_GAP, 1)))
    m, lab2, st2, _ = components(mask)
    H, W = rgb.shape[:2]
    if unsure is not None:
        other = ink.astype(bool) & ~glyph[labels]
        touched = np.unique(lab2[cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)
                                 & other])
        for i in touched[touched > 0]:
            x, y, ww, hh = (int(v) for v in st2[i][:4])
            pad = max(hh, 16)           # the cut-off part of the line lies beside it
            unsure.append(clip_box((x - pad, y - 4, ww + 2 * pad, hh + 8), W, H))
    words = []
    for x, y, ww, hh, _a in st2[1:m]:
        ww -= QUICK_GAP - 1
        x += QUICK_GAP // 2
        if hh >= 6 and ww >= 3:
            words.append((int(x), int(y), int(ww), int(hh)))
    return [clip_box((x - 2, y - 2, w + 4, h + 4), W, H) for x, y, w, h in _join_words(words)]


def _fast_path(rgb: np.ndarray) -> tuple[list[Box], list[Box]]:
    """:func:`quick_text_boxes` over a whole frame: its boxes and unsure areas."""
    unsure: list[Box] = []
    return quick_text_boxes(rgb, unsure), unsure


def _join_words(words: list[Box]) -> list[Box]:
    """Join words into lines: same row, gap at most QUICK_WORD_GAP x their height
    (a space scales with the font; separate widgets sit further apart)."""
    words = sorted(words)
    lines: list[list[int]] = []          # x0, y0, x1, y1
    for x, y, w, h in words:
        for ln in lines:
            lh = ln[3] - ln[1]
            overlap = min(ln[3], y + h) - max(ln[1], y)
            gap = x - ln[2]
            if overlap >= 0.6 * min(lh, h) and -2 <= gap <= QUICK_WORD_GAP * max(lh, h):
                ln[0], ln[1] = min(ln[0], x), min(ln[1], y)
                ln[2], ln[3] = max(ln[2], x + w), max(ln[3], y + h)
                break
        else:
            lines.append([x, y, x + w, y + h])
    return [(a, b, c - a, d - b) for a, b, c, d in lines]


def changed_cells(a: np.ndarray, b: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """uint8 mask of ``shape`` (cells of CELL x CELL pixels): 1 where any pixel differs."""
    d = cv2.absdiff(a, b)
    d = cv2.transform(d, np.ones((1, 3), np.float32)) if d.ndim == 3 else d   # sum, saturated
    ch, cw = shape
    h, w = d.shape[:2]
    if (h, w) != (ch * CELL, cw * CELL):
        d = cv2.copyMakeBorder(d, 0, ch * CELL - h, 0, cw * CELL - w, cv2.BORDER_CONSTANT, 0)
    # max over each cell: any changed pixel marks the cell
    cells = d.reshape(ch, CELL, cw * CELL).max(axis=1).reshape(ch, cw, CELL).max(axis=2)
    return (cells > 0).astype(np.uint8)


def merge_tile_boxes(raw: list[tuple[Box, Box]]) -> list[Box]:
    """Merge boxes detected in overlapping tiles.

    ``raw`` holds (box, tile).  A box that touches an inner edge of its tile may be
    a cut-off piece of a longer line: it is joined with the overlapping boxes of
    the neighbouring tile.  Duplicates of the same line (IoU > 0.5) collapse.
    """
    n = len(raw)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def cut(b: Box, t: Box) -> bool:
        return (b[0] <= t[0] + 2 or b[1] <= t[1] + 2 or b[0] + b[2] >= t[0] + t[2] - 2
                or b[1] + b[3] >= t[1] + t[3] - 2)

    order = sorted(range(n), key=lambda i: raw[i][0][0])
    for a_i, i in enumerate(order):
        bi, ti = raw[i]
        for j in order[a_i + 1:]:
            bj, tj = raw[j]
            if bj[0] > bi[0] + bi[2]:
                break
            if ti == tj or not overlaps(bi, bj):
                continue
            # same text row (a listbox's rows touch each other vertically)
            oy = min(bi[1] + bi[3], bj[1] + bj[3]) - max(bi[1], bj[1])
            if oy < 0.6 * min(bi[3], bj[3]):
                continue
            if iou(bi, bj) > 0.5 or cut(bi, ti) or cut(bj, tj):
                parent[find(i)] = find(j)
    groups: dict[int, Box] = {}
    for i in range(n):
        r = find(i)
        groups[r] = union(groups[r], raw[i][0]) if r in groups else raw[i][0]
    return list(groups.values())


class TextCache:
    """Text boxes and readings for a stream of frames of one screen."""

    def __init__(self, ocr: OcrEngine):
        self.ocr = ocr
        self._ref: np.ndarray | None = None
        self._covered: np.ndarray | None = None       # cells where detection is current
        self._boxes: list[Box] = []
        self._quick: list[Box] | None = None   # fast-path boxes of the current frame
        self._unsure: list[Box] = []           # where the fast path may have cut text
        self._mixed: list[Box] | None = None   # fast-path boxes, neural where unsure
        self._neural_areas: list[Box] = []     # where the neural detector ran for them
        self._lines: dict[Box, TextLine] = {}
        # content-addressed memories: a blinking cursor or a hover effect flips an
        # area between a few states; each state is detected and read once
        self._seen_det: OrderedDict[bytes, list[Box]] = OrderedDict()
        self._seen_lines: OrderedDict[tuple, TextLine] = OrderedDict()
        self._seen_glances: OrderedDict[tuple, tuple[str, float]] = OrderedDict()
        self._seen_quick: OrderedDict[bytes, tuple[list[Box], list[Box]]] = OrderedDict()
        self._seen_reread: OrderedDict[bytes, list[TextLine]] = OrderedDict()
        self.recent: list[Box] = []             # dirty rectangles of the last change
        self.stats = {"frames": 0, "unchanged": 0, "det_calls": 0, "det_px": 0,
                      "rec_boxes": 0}
        self.last: dict[str, float] = {}

    # ---- change tracking -------------------------------------------------------------
    def update(self, image: np.ndarray) -> list[Box]:
        """Take a new frame; return the dirty rectangles (empty when unchanged)."""
        self.stats["frames"] += 1
        t = time.perf_counter()
        h, w = image.shape[:2]
        if self._ref is None or self._ref.shape != image.shape:
            self._ref = image.copy()
            self._covered = np.zeros(((h + CELL - 1) // CELL, (w + CELL - 1) // CELL), bool)
            self._boxes, self._lines, self._quick, self._unsure = [], {}, None, []
            self._mixed, self._neural_areas = None, []
            self.recent = []
            self.last = {"diff_ms": (time.perf_counter() - t) * 1000}
            timing.add("diff", self.last["diff_ms"])
            return [(0, 0, w, h)]
        if np.array_equal(self._ref, image):
            self.stats["unchanged"] += 1
            self.last = {"diff_ms": (time.perf_counter() - t) * 1000}
            timing.add("diff", self.last["diff_ms"])
            return []
        cells = changed_cells(self._ref, image, self._covered.shape)
        cells = cv2.dilate(cells, np.ones((3, 3), np.uint8))
        count, _, stats, _ = components(cells)
        rects = [clip_box((int(s[0]) * CELL, int(s[1]) * CELL, int(s[2]) * CELL,
                           int(s[3]) * CELL), w, h) for s in stats[1:count]]
        rects = self._grow(rects)
        for r in rects:
            self._invalidate(r)
        if self._quick is not None:
            self._quick, self._unsure = self._quick_update(image, rects)
        self._mixed, self._neural_areas = None, []
        self.recent = rects
        self._ref = image.copy()
        self.last = {"diff_ms": (time.perf_counter() - t) * 1000}
        timing.add("diff", self.last["diff_ms"])
        return rects

    def _grow(self, rects: list[Box]) -> list[Box]:
        """Grow dirty rectangles over every old box they touch; merge overlaps."""
        changed = True
        while changed:
            changed = False
            for i, r in enumerate(rects):
                for b in self._boxes:
                    if overlaps(r, b) and union(r, b) != r:
                        rects[i] = r = union(r, b)
                        changed = True
            merged: list[Box] = []
            for r in rects:
                for k, m in enumerate(merged):
                    if overlaps(r, m):
                        merged[k] = union(r, m)
                        changed = True
                        break
                else:
                    merged.append(r)
            rects = merged
        return rects

    def _invalidate(self, rect: Box) -> None:
        x, y, w, h = rect
        self._covered[y // CELL:(y + h + CELL - 1) // CELL,
                      x // CELL:(x + w + CELL - 1) // CELL] = False
        self._boxes = [b for b in self._boxes if not overlaps(b, rect)]
        self._lines = {b: ln for b, ln in self._lines.items() if not overlaps(b, rect)}

    def _quick_update(self, image: np.ndarray, rects: list[Box]
                      ) -> tuple[list[Box], list[Box]]:
        """Fast-path boxes and unsure areas after a change: recomputed only around
        the dirty rectangles (grown over the boxes they touch), the rest kept."""
        H, W = image.shape[:2]
        grown: list[Box] = []
        def pad(r: Box) -> Box:
            return clip_box((r[0] - QUICK_GAP * 4, r[1] - 8, r[2] + QUICK_GAP * 8,
                             r[3] + 16), W, H)

        for r in rects:
            r = pad(r)
            changed = True
            while changed:                      # over every old box it touches (with a
                changed = False                 # margin, so no stroke sits on the edge)
                for b in self._quick + grown:   # and over the other grown areas
                    if overlaps(r, b) and union(r, pad(b)) != r:
                        r, changed = union(r, pad(b)), True
            grown = [g for g in grown if not overlaps(g, r)] + [r]
        keep = [b for b in self._quick if not any(overlaps(b, g) for g in grown)]
        unsure = [u for u in self._unsure if not any(overlaps(u, g) for g in grown)]
        for g in grown:
            crop = image[g[1]:g[1] + g[3], g[0]:g[0] + g[2]]
            doubts: list[Box] = []
            for b in quick_text_boxes(crop, doubts):
                box = (b[0] + g[0], b[1] + g[1], b[2], b[3])
                if _cut_by(box, g, W, H):
                    # a line runs past the recomputed area: its other part would be
                    # lost or stale, so recompute the whole frame (~15 ms) instead
                    return _fast_path(image)
                keep.append(box)    # inside g, so clear of every kept box; new boxes
                #                     may overlap each other (descenders), as fresh ones do
            unsure += [clip_box((u[0] + g[0], u[1] + g[1], u[2], u[3]), W, H) for u in doubts]
        return keep, unsure

    def _current_fast_path(self) -> None:
        """The fast path's boxes and unsure areas for the current frame, computed once
        (a find and a whole-frame reading of the same frame share them)."""
        t = time.perf_counter()
        if self._quick is None:
            key = hashlib.blake2b(self._ref.tobytes(), digest_size=16).digest()
            self._quick, self._unsure = _remember(self._seen_quick, key, SEEN_FRAMES,
                                                  lambda: _fast_path(self._ref))
            self.stats["quick_frames"] = self.stats.get("quick_frames", 0) + 1
        self.last["quick_ms"] = (time.perf_counter() - t) * 1000
        timing.add("detect", self.last["quick_ms"])

    # ---- detection -------------------------------------------------------------------
    def quick_boxes(self, region: Box) -> list[Box]:
        """Fast-path text boxes centred in ``region`` (recomputed once per changed frame)."""
        assert self._ref is not None, "update() first"
        self._current_fast_path()
        return centred_in(self._quick, region)

    def sure_boxes(self, region: Box) -> list[Box]:
        """Text boxes centred in ``region`` for reading a whole frame: the fast path's,
        and the neural detector's where the fast path is unsure (:func:`quick_text_boxes`
        says where; :meth:`doubt` adds areas after reading)."""
        assert self._ref is not None, "update() first"
        if self._mixed is None:
            self._current_fast_path()
            self._mixed = list(self._quick)
            self.doubt(self._unsure)
        return centred_in(self._mixed, region)

    def doubt(self, areas: list[Box]) -> bool:
        """Let the neural detector decide inside ``areas`` (merged where they overlap):
        its boxes replace the fast path's centred there.  False when every area had
        been decided so already."""
        assert self._ref is not None and self._mixed is not None, "sure_boxes() first"
        merged: list[Box] = []
        for a in areas:
            a = _along_row(a, self._mixed)
            if any(within(a, n) for n in self._neural_areas):
                continue
            # areas whose detection contexts would overlap are detected as one
            for m in [m for m in merged if overlaps(grow(a, MIN_CONTEXT // 2),
                                                    grow(m, MIN_CONTEXT // 2))]:
                a = union(a, m)
            merged = [m for m in merged if not overlaps(m, a)] + [a]
        if not merged:
            return False
        t = time.perf_counter()
        for a in merged:
            self._detect(a)
        self._neural_areas += merged

        def centred(b: Box) -> bool:
            return any(inside(center(b), a) for a in self._neural_areas)

        self._mixed = [b for b in self._mixed if not centred(b)] + \
            [b for b in self._boxes if centred(b)]
        self.last["det_ms"] = (time.perf_counter() - t) * 1000
        return True

    def boxes(self, region: Box) -> list[Box]:
        """Text boxes whose centre lies in ``region``, detecting only what is not current."""
        assert self._ref is not None, "update() first"
        img = self._ref
        H, W = img.shape[:2]
        x, y, w, h = region
        cy0, cx0 = y // CELL, x // CELL
        cy1, cx1 = (y + h + CELL - 1) // CELL, (x + w + CELL - 1) // CELL
        todo = ~self._covered[cy0:cy1, cx0:cx1]
        t = time.perf_counter()
        if todo.any():
            # one detection per connected uncovered area, not their bounding box
            count, _, stats, _ = components(todo.astype(np.uint8))
            for sx, sy, sw, sh, _area in stats[1:count]:
                rect = ((cx0 + int(sx)) * CELL, (cy0 + int(sy)) * CELL, int(sw) * CELL,
                        int(sh) * CELL)
                self._detect(clip_box(rect, W, H))
        self.last["det_ms"] = (time.perf_counter() - t) * 1000
        return centred_in(self._boxes, region)

    def _detect(self, rect: Box) -> None:
        img = self._ref
        H, W = img.shape[:2]
        cw, ch = max(rect[2] + 2 * MARGIN, MIN_CONTEXT), max(rect[3] + 2 * MARGIN, MIN_CONTEXT)
        cx = min(max(0, rect[0] + rect[2] // 2 - cw // 2), max(0, W - cw))
        cy = min(max(0, rect[1] + rect[3] // 2 - ch // 2), max(0, H - ch))
        ctx = clip_box((cx, cy, cw, ch), W, H)
        crop = img[ctx[1]:ctx[1] + ctx[3], ctx[0]:ctx[0] + ctx[2]]
        key = hashlib.blake2b(crop.tobytes(), digest_size=16).digest() + \
            np.array(ctx, np.int32).tobytes()
        found = _remember(self._seen_det, key, SEEN_AREAS, lambda: self._detect_tiles(ctx))
        # keep boxes centred in the rectangle asked for; the context only helps
        found = centred_in(found, rect)
        # replace what was known inside the rectangle (by box centre, the same rule
        # as for what was found: a box reaching in from outside stays)
        self._boxes = [b for b in self._boxes if not inside(center(b), rect)] + found
        self._covered[rect[1] // CELL:(rect[1] + rect[3] + CELL - 1) // CELL,
                      rect[0] // CELL:(rect[0] + rect[2] + CELL - 1) // CELL] = True

    def _detect_tiles(self, ctx: Box) -> list[Box]:
        img = self._ref
        raw: list[tuple[Box, Box]] = []
        for t in tiles(ctx):
            crop = img[t[1]:t[1] + t[3], t[0]:t[0] + t[2]]
            small = crop[::4, ::4]
            if small.size == 0 or int(small.max()) - int(small.min()) < 8:
                continue                                  # uniform: no text here
            self.stats["det_calls"] += 1
            self.stats["det_px"] += t[2] * t[3]
            for b in self.ocr.detect(crop):
                raw.append(((b[0] + t[0], b[1] + t[1], b[2], b[3]), t))
        return merge_tile_boxes(raw)

    def reread(self, box: Box) -> list[TextLine]:
        """Detect and read again inside ``box`` alone (a closer look at a near miss)."""
        crop = self._ref[box[1]:box[1] + box[3], box[0]:box[0] + box[2]]
        key = hashlib.blake2b(crop.tobytes(), digest_size=16).digest() + \
            np.array(box, np.int32).tobytes()

        def look() -> list[TextLine]:
            self.stats["rereads"] = self.stats.get("rereads", 0) + 1
            bx, by = box[0], box[1]
            return [TextLine(text=s.text, box=(s.box[0] + bx, s.box[1] + by, s.box[2],
                                               s.box[3]),
                             conf=s.conf, char_x=tuple(c + bx for c in s.char_x))
                    for s in self.ocr.read(np.ascontiguousarray(crop))]

        return _remember(self._seen_reread, key, SEEN_AREAS, look)

    # ---- recognition -----------------------------------------------------------------
    def _key(self, b: Box):
        return (b, hashlib.blake2b(self._ref[b[1]:b[1] + b[3], b[0]:b[0] + b[2]].tobytes(),
                                   digest_size=16).digest())

    def glance(self, boxes: list[Box]) -> dict[Box, tuple[str, float]]:
        """The small recogniser's reading of each box not read yet (remembered by
        content); empty without that model."""
        todo = [b for b in boxes if b not in self._lines]
        keys = {b: self._key(b) for b in todo}
        unseen = [b for b in todo if keys[b] not in self._seen_glances]
        if unseen:
            got = self.ocr.glance(self._ref, unseen)
            if got is None:
                return {}
            self.stats["glance_boxes"] = self.stats.get("glance_boxes", 0) + len(unseen)
            for b, g in zip(unseen, got):
                _remember(self._seen_glances, keys[b], SEEN_LINES, lambda g=g: g)
        return {b: self._seen_glances[keys[b]] for b in todo if keys[b] in self._seen_glances}

    def known_match(self, boxes: list[Box], stop: Callable[[TextLine], bool]) -> bool:
        """Whether a box of ``boxes`` was read already and its reading satisfies ``stop``."""
        return any(b in self._lines and stop(self._lines[b]) for b in boxes)

    def known(self) -> list[TextLine]:
        """The readings of the current frame made so far (no new reading)."""
        return list(self._lines.values())

    def read(self, boxes: list[Box], stop: Callable[[TextLine], bool] | None = None
             ) -> list[TextLine]:
        """Readings of ``boxes`` in the given order; with ``stop``, recognition ends
        after the first batch in which ``stop(line)`` holds for some line."""
        out: list[TextLine] = []
        todo = [b for b in boxes if b not in self._lines]
        t = time.perf_counter()
        done_early = stop is not None and self.known_match(boxes, stop)
        i = 0
        while todo and i < len(todo) and not done_early:
            batch = todo[i:i + BATCH]
            i += BATCH
            keys = {b: self._key(b) for b in batch}
            unseen = [b for b in batch if keys[b] not in self._seen_lines]
            fresh = {ln.box: ln for ln in self.ocr.recognize(self._ref, unseen)}
            self.stats["rec_boxes"] += len(unseen)
            for b in batch:
                ln = _remember(self._seen_lines, keys[b], SEEN_LINES, lambda: fresh[b])
                self._lines[b] = ln
                if stop is not None and stop(ln):
                    done_early = True
        self.last["rec_ms"] = (time.perf_counter() - t) * 1000
        for b in boxes:
            if b in self._lines:
                out.append(self._lines[b])
        return out
