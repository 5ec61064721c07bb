"""The perception facade: OCR + templates + the UI element model, with a
cache so an unchanged screen or region is never perceived twice."""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

import numpy as np

from .. import defaults
from ..errors import TargetNotFound
from ..task.model import Locator
from . import timing
from .detector import ElementDetector
from .frame import Box, Element, Frame, Match, as_rgb_array, clip_box
from .fuse import INNER_TEXT, label_region, name_lines, repeats, repeated_in
from .geometry import center, inside, overlaps, reading_order, union
from .locate import LABELLED_BESIDE, Thresholds, resolve
from .ocr import OcrEngine, TextLine
from .template import TemplateMatcher
from .textcache import TextCache
from .textmatch import plausible_order, score_text

#: lazy recognition stops only at an exact whole-line match; any fuzzy match does
#: not stop it, so a better one elsewhere still wins
STOP_SCORE = 1.0
#: a box whose quick reading scores this against the target is read first
GLANCE_SCORE = 0.6
#: boxes glanced at a time (a target usually sits among the first boxes of its size)
GLANCE_CHUNK = 8
#: reading a whole frame: a fast-path box read with less confidence than this is
#: looked at again by the neural detector (a line merged with an icon reads ~0.5)
DOUBT = 0.8


class Vision:
    """Perceive frames and resolve locators.

    >>> v = Vision(threads=1)                       # doctest: +SKIP
    >>> v.find("screen.png", "OK")                  # doctest: +SKIP
    Match(element=Element(kind='text', box=(673, 384, 28, 21), text='OK', ...), ...)
    """

    def __init__(self, threads: int = defaults.THREADS, *, ocr: OcrEngine | None = None,
                 templates: TemplateMatcher | None = None,
                 min_score: float = defaults.MIN_SCORE,
                 confidence: float = defaults.CONFIDENCE, lazy: bool = True,
                 detector: ElementDetector | None = None):
        self.ocr = ocr or OcrEngine(threads=threads)
        #: the UI element model; its onnxruntime session is built on first use
        self.detector = detector or ElementDetector(threads=threads)
        self._elem_key: tuple | None = None
        self._elems: list[Element] = []
        self._names: dict[tuple, list[str]] = {}
        self._glyphs: dict[tuple, object] = {}      # crop digest + OCR text -> reading
        self.detections = 0                 # model runs (the cache's effect shows here)
        self.templates = templates or TemplateMatcher()
        self.thresholds = Thresholds(min_score=min_score, confidence=confidence)
        #: False: no fast path and no early stop; every box of the neural detector is
        #: read before matching (the reference behaviour the lazy path is tested against)
        self.lazy = lazy
        self.text = TextCache(self.ocr)
        self._frame: Frame | None = None
        self._memo_frame: Frame | None = None
        self._memo: dict = {}
        self.last_timings: dict[str, float] = {}

    @property
    def stats(self) -> dict:
        return self.text.stats

    # ---- perception ------------------------------------------------------------------
    def _sync(self, frame: Frame) -> None:
        if frame is not self._frame:
            self.text.update(frame.image)
            self._frame = frame

    def text_lines(self, frame: Frame, region: Box | None = None, *,
                   target: str | None = None, min_score: float | None = None,
                   box_filter: Callable[[Box], bool] | None = None,
                   source: str = "neural",
                   stop_where: Callable[[Box], bool] | None = None) -> list[TextLine]:
        """OCR lines inside ``region`` (frame pixels; boxes in frame pixels).

        Only what changed since the previous frame is detected again, and only boxes
        not read before are recognised.  With ``target``, recognition is lazy: boxes
        whose size could hold the target come first and reading stops once one of
        them matches it as a whole (score >= STOP_SCORE); other boxes stay unread.
        ``source`` picks the boxes: ``"neural"`` the neural detector's, ``"quick"``
        the morphological fast path's, ``"sure"`` the fast path's with the neural
        detector's where the fast path is unsure (see :mod:`picoagent.vision.textcache`;
        :meth:`doubt` adds areas where readings were doubtful).  With ``stop_where``, a
        whole match stops the reading only where ``stop_where(box)`` holds too (an
        acting step reads on past a match on static text, for one on a control).
        """
        region = _in_frame(frame, region)
        if region[2] == 0 or region[3] == 0:
            return []
        t = time.perf_counter()
        self._sync(frame)
        if source not in ("neural", "quick", "sure"):
            raise ValueError(f"source {source!r}: neural, quick or sure")
        boxes = (self.text.quick_boxes(region) if source == "quick" else
                 self.text.sure_boxes(region) if source == "sure" else self.text.boxes(region))
        if box_filter is not None:
            boxes = [b for b in boxes if box_filter(b)]
        if target is None:
            lines = self.text.read(boxes)
        else:
            threshold = self.thresholds.min_score if min_score is None else min_score

            stop_at = max(threshold, STOP_SCORE)

            def whole_match(ln: TextLine) -> bool:
                sc = score_text(target, ln.text)
                if sc.partial or sc.score < stop_at or \
                        (stop_where is not None and not stop_where(ln.box)):
                    return False
                # a word's own box inside a longer line's (the fast path leaves some):
                # the longer line is read too, and where the word is one of its words
                # the match is part of that line, not whole: reading goes on
                c, area = center(ln.box), ln.box[2] * ln.box[3]
                around = [b for b in boxes if b[2] * b[3] > area and inside(c, b)]
                return not (around and repeated_in(ln, [ln, *self.text.read(around)]))

            order = plausible_order(target, boxes)
            if self.text.recent:
                # what just changed first: a waited-for text usually arrives there
                order.sort(key=lambda b: not any(overlaps(b, r) for r in self.text.recent))
            lines = self._read_glancing(target, order, whole_match)
        self.last_timings = {**self.text.last,
                             "perceive_ms": (time.perf_counter() - t) * 1000}
        return [ln for ln in lines if ln.text]

    def _read_glancing(self, target: str, order: list[Box],
                       stop: Callable[[TextLine], bool]) -> list[TextLine]:
        """Lazy reading of ``order`` for ``target``, with the small recogniser's quick
        readings deciding what PP-OCR reads first: ``order`` is glanced at GLANCE_CHUNK
        boxes at a time, and the boxes whose glance resembles the target (best first)
        are read before the next chunk is glanced.  Without a match among them, every
        other box is read in ``order``: what PP-OCR reads and when it stops stay as
        they were, so a misreading glance costs time, never a find."""
        t = time.perf_counter()
        glancer = self.ocr.glancer
        if len(order) > 1 and glancer is not None and glancer.available() and \
                not self.text.known_match(order, stop):
            for i in range(0, len(order), GLANCE_CHUNK):
                glances = self.text.glance(order[i:i + GLANCE_CHUNK])
                if self.ocr.glancer is None:
                    break           # the model failed: PP-OCR in size order
                scored = sorted(((score_text(target, text).score, b)
                                 for b, (text, _conf) in glances.items()), key=lambda x: -x[0])
                likely = [b for sc, b in scored if sc >= GLANCE_SCORE]
                if likely and any(stop(ln) for ln in self.text.read(likely, stop=stop)):
                    break
        lines = self.text.read(order, stop=stop)
        self.text.last["rec_ms"] = (time.perf_counter() - t) * 1000   # glances included
        return lines

    def all_lines(self, frame: Frame, region: Box | None = None) -> list[TextLine]:
        """Every text line inside ``region``, for perceiving a whole screen: the fast
        path's boxes, and the neural detector's where the fast path is unsure or a
        reading of its box is doubtful (confidence under DOUBT); each box read once.
        Marks (:func:`is_mark`) are among them: they name the controls they lie in,
        and are no text lines of their own."""
        region = _in_frame(frame, region)
        if region[2] == 0 or region[3] == 0:
            return []
        t = time.perf_counter()
        self._sync(frame)
        lines = self.text.read(self.text.sure_boxes(region))
        if self.doubt(frame, lines):
            lines = self.text.read(self.text.sure_boxes(region))
        self.last_timings = {**self.text.last,
                             "perceive_ms": (time.perf_counter() - t) * 1000}
        return [ln for ln in lines if ln.text]

    def doubt(self, frame: Frame, lines: list[TextLine]) -> bool:
        """Let the neural detector decide around the lines read with confidence under
        DOUBT (lines, not lone icons or bullets).  True when that changed the boxes
        ``source="sure"`` gives: read them again."""
        self._sync(frame)
        doubtful = []
        for ln in lines:
            x, y, w, h = ln.box
            if ln.conf < DOUBT and w >= 2 * h:      # a line, not a lone icon or bullet
                doubtful.append(clip_box((x - h, y - 4, w + 2 * h, h + 8), frame.width,
                                         frame.height))
        return bool(doubtful) and self.text.doubt(doubtful)

    def known_lines(self, frame: Frame) -> list[TextLine]:
        """The lines of ``frame`` read so far, anywhere on it (no new reading)."""
        self._sync(frame)
        return [ln for ln in self.text.known() if ln.text]

    def reread(self, frame: Frame, lines: list[TextLine]) -> list[TextLine]:
        """Read ``lines`` again from padded, tighter crops; return the new readings.

        Each line's box is re-detected inside a padded crop (which separates text
        from an adjacent icon or border) and each resulting box is recognised again.
        Results are remembered by crop content, so polling an unchanged screen does
        not repeat this.
        """
        self._sync(frame)
        out: list[TextLine] = []
        for ln in lines:
            x, y, w, h = ln.box
            pad = max(6, h // 2)
            box = clip_box((x - pad, y - pad, w + 2 * pad, h + 2 * pad), frame.width,
                           frame.height)
            out.extend(self.text.reread(box))
        return [ln for ln in out if ln.text]

    # ---- UI elements -----------------------------------------------------------------
    @property
    def has_element_model(self) -> bool:
        return self.detector.path.is_file()

    def elements(self, frame: Frame, region: Box | None = None) -> list[Element]:
        """UI elements the model sees on ``frame`` (no text yet), whose centre lies in
        ``region``.  The model runs once per distinct screen: the same Frame object, or
        a new frame with identical pixels, reuses the last result."""
        if self._elem_key is None or self._elem_key[0] is not frame:
            img = frame.image
            digest = hashlib.blake2b(memoryview(np.ascontiguousarray(img)).cast("B"),
                                     digest_size=16).digest()
            if self._elem_key is None or self._elem_key[1] != (digest, img.shape):
                t = time.perf_counter()
                dets = self.detector.detect(img)
                self.detections += 1
                self._elems = [Element(kind=d.kind, box=d.box, score=d.score, source="model",
                                       checked=d.checked) for d in dets]
                self._names = {}
                self.last_timings = {"detect_ms": (time.perf_counter() - t) * 1000}
                timing.add("elements", self.last_timings["detect_ms"])
            self._elem_key = (frame, (digest, img.shape))
        if region is None:
            return list(self._elems)
        return [e for e in self._elems if inside(center(e.box), region)]

    def element_names(self, frame: Frame, el: Element, *, crop_read: bool = True) -> list[str]:
        """The texts that name ``el``: words inside it (buttons, tabs, menu items,
        links, fields' values) and labels beside it (checkboxes, radios, toggles,
        fields).  Words inside a small element are read from its own crop when
        the full-frame pass found none there (small and bitmap fonts read better so).
        """
        return [t for t, _ in self.element_name_lines(frame, el, crop_read=crop_read)]

    def element_name_lines(self, frame: Frame, el: Element, *, crop_read: bool = True,
                           lines: list[TextLine] | None = None
                           ) -> list[tuple[str, TextLine | None]]:
        """:meth:`element_names` with the text line each name was read from (frame
        pixels), or None for a reading of the element's whole crop.  ``lines``: the
        frame's lines already read (:meth:`all_lines`), named from instead of
        reading the element's label region.

        A line inside a button, tab, menu item... that runs on past its box (one OCR
        line over a row of buttons) names it by its words inside the box when it was
        read with confidence; else by the element's own reading (its label region,
        or with ``crop_read`` its crop).  Inner names come in reading order, each once.
        """
        key = (el.kind, el.box, crop_read, lines is not None)
        if key in self._names:
            return self._names[key]
        r = label_region(el.kind, el.box, frame.width, frame.height)
        if lines is None:
            lines = self.text_lines(frame, r)
        else:
            crossing = _crossing(lines, el) if el.kind in INNER_TEXT else []
            lines = [ln for ln in lines if inside(center(ln.box), r)
                     and (not is_mark(ln) or el.kind in INNER_TEXT
                          and inside(center(ln.box), el.box))]
            names = self._names_from(frame, el, lines + crossing, crop_read,
                                     own_reading=False)
            if names is None:           # a line there needs the element's own reading
                names = self.element_name_lines(frame, el, crop_read=crop_read)
            self._names[key] = names
            return names
        names = self._names_from(frame, el, lines, crop_read, own_reading=True)
        self._names[key] = names
        return names

    def _names_from(self, frame: Frame, el: Element, lines: list[TextLine],
                    crop_read: bool, own_reading: bool
                    ) -> list[tuple[str, TextLine | None]] | None:
        """The names of ``el`` among ``lines``; None where a line runs on past an
        inner-text element's box, was read with doubt, and ``own_reading`` is False."""
        idx = name_lines(el.kind, el.box, [ln.box for ln in lines])
        inner = [i for i in idx if inside(center(lines[i].box), el.box)]
        labels = [lines[i] for i in idx if i not in inner]
        marks_only = all(is_mark(lines[i]) for i in inner)
        if any(len(lines[i].text) > 1 for i in inner):
            # a lone character beside words is an icon, a badge or a chevron
            inner = [i for i in inner if len(lines[i].text) > 1]
        named: list[TextLine] = []
        own = not inner or marks_only       # the crop reads a lone symbol better
        for i in (inner[k] for k in reading_order([lines[i].box for i in inner])):
            ln = lines[i]
            if el.kind in INNER_TEXT and not _fits(ln.box, el.box):
                part = words_within(ln, el.box[0], el.box[0] + el.box[2])
                if part is not None and ln.conf >= DOUBT:
                    ln = part
                elif not own_reading:
                    return None
                elif crop_read:
                    own = True
                    continue
            if named and el.kind in INNER_TEXT and _word_gap(named[-1].box, ln.box):
                ln = _joined(named.pop(), ln)      # one name the fast path cut in two
            named.append(ln)
        crop_name = self._crop_name(el.box) if crop_read and own and \
            el.kind in INNER_TEXT else None
        if crop_name and marks_only:
            named = []
        x0, x1 = el.box[0], el.box[0] + el.box[2]
        for ln in labels:
            # a label line that begins on the indicator (OCR took a radio's circle in
            # as "O"): its words beside the box
            if el.kind in LABELLED_BESIDE and ln.box[0] < x1 < ln.box[0] + ln.box[2]:
                on = words_within(ln, x0, x1, whole=True)
                if on is not None and len(on.text) <= 2 and ln.text.startswith(on.text):
                    ln = words_within(ln, x1, ln.box[0] + ln.box[2] + 1) or ln
            named.append(ln)
        names: list[tuple[str, TextLine | None]] = [(crop_name, None)] if crop_name else []
        for ln in named:
            if all(ln.text != t for t, _ in names):
                names.append((ln.text, ln))
        return names

    def _crop_name(self, box: Box) -> str | None:
        """The text read from ``box``'s own crop, lines in reading order."""
        crop = [ln for ln in self.text.reread(box) if ln.text]
        order = reading_order([ln.box for ln in crop])
        return " ".join(crop[i].text for i in order) or None

    def element_symbol(self, frame: Frame, el: Element, *, use_ocr: bool = True):
        """The one symbol on a button face (``=``, ``÷``, ``✓``, ``7``...), read from its
        crop by the glyph classifier (~1 ms) and, with ``use_ocr``, OCR of its ink
        (~25 ms) together (:mod:`.glyphs`)."""
        from .glyphs import read_symbol

        key = ("symbol", el.box, use_ocr)
        if key not in self._names:
            self._names[key] = read_symbol(frame.crop(el.box),
                                           ocr=self.ocr if use_ocr else None)
        return self._names[key]

    def glyph_reading(self, frame: Frame, box: Box, text: str, conf: float):
        """The symbol shown in ``box``, given OCR's reading of it (no new OCR call)."""
        from .glyphs import read_symbol

        crop = frame.crop(box)
        key = (hashlib.blake2b(np.ascontiguousarray(crop).tobytes(), digest_size=16).digest(),
               crop.shape, text)
        if key not in self._glyphs:
            if len(self._glyphs) > 512:
                self._glyphs.clear()
            self._glyphs[key] = read_symbol(crop, text=(text, conf))
        return self._glyphs[key]

    def perceive(self, image, region: Box | None = None, *,
                 elements: bool = True) -> list[Element]:
        """Every element perceived on ``image`` (array, PIL image or path): the UI
        elements with the text that names them, then OCR text lines."""
        frame = image if isinstance(image, Frame) else Frame(as_rgb_array(image))
        lines = self.all_lines(frame, region)
        out: list[Element] = []
        if elements and self.has_element_model:     # without the model file: text only
            for e in self.elements(frame, region):
                names = [t for t, _ in self.element_name_lines(
                    frame, e, crop_read=False, lines=lines if region is None else None)]
                out.append(Element(kind=e.kind, box=e.box, score=e.score, source=e.source,
                                   checked=e.checked, text=" / ".join(names) or None))
        repeated = repeats(lines)
        out.extend(Element(kind="text", box=ln.box, text=ln.text, score=ln.conf, source="ocr")
                   for ln in lines if not is_mark(ln) and ln.box not in repeated)
        return out

    # ---- resolution ------------------------------------------------------------------
    def locate(self, frame: Frame, locator: Locator, region: Box | None = None, *,
               min_score: float | None = None, confidence: float | None = None,
               prefer: str | None = None) -> Match:
        """Resolve ``locator`` on ``frame``; raises TargetNotFound.  ``prefer``: the
        acting step's intent, "press" or "type" (:data:`.locate.ACT_TIERS`): near-tied
        candidates on controls then win over static text."""
        th = Thresholds(min_score=min_score if min_score is not None
                        else self.thresholds.min_score,
                        confidence=confidence if confidence is not None
                        else self.thresholds.confidence)
        region = clip_box(region or (0, 0, frame.width, frame.height), frame.width,
                          frame.height)
        if frame is not self._memo_frame:
            self._memo_frame, self._memo = frame, {}
        key = (locator, th.min_score, th.confidence, region, prefer)
        if key in self._memo:               # the same question about the same frame
            hit = self._memo[key]
            if isinstance(hit, TargetNotFound):
                raise hit
            return hit
        t = time.perf_counter()
        try:
            m = resolve(self, frame, locator, region, th, prefer)
        except TargetNotFound as e:
            self._memo[key] = e
            raise
        m.timings["locate_ms"] = round((time.perf_counter() - t) * 1000, 1)
        self._memo[key] = m
        return m

    def find(self, image, locator: Locator | str, **kw) -> Match | None:
        """Resolve ``locator`` (a Locator or plain text) on an image; None if absent."""
        frame = image if isinstance(image, Frame) else Frame(as_rgb_array(image))
        if isinstance(locator, str):
            locator = Locator(text=locator)
        try:
            return self.locate(frame, locator, **kw)
        except TargetNotFound:
            return None


def _in_frame(frame: Frame, region: Box | None) -> Box:
    """``region`` clipped to ``frame`` (the whole frame for None)."""
    return clip_box(region or (0, 0, frame.width, frame.height), frame.width, frame.height)


def _crossing(lines: list[TextLine], el: Element) -> list[TextLine]:
    """The words of confidently read lines centred outside ``el``'s box that run
    across it on its row (a link inside a paragraph line): its words inside."""
    x, y, w, h = el.box
    out = []
    for ln in lines:
        cx, cy = center(ln.box)
        if inside((cx, cy), el.box) or not y <= cy <= y + h or ln.conf < DOUBT \
                or ln.box[0] >= x + w or ln.box[0] + ln.box[2] <= x:
            continue
        part = words_within(ln, x, x + w)
        if part is not None and inside(center(part.box), el.box):
            out.append(part)
    return out


def _word_gap(a: Box, b: Box) -> bool:
    """``b`` follows ``a`` on its row a word's gap away (at most a line height; the
    fast path cuts a line where the gap exceeds QUICK_WORD_GAP heights: code fonts)."""
    h = min(a[3], b[3])
    gap = b[0] - (a[0] + a[2])
    return min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) >= 0.5 * h and \
        -0.2 * h <= gap <= 1.0 * h


def _joined(a: TextLine, b: TextLine) -> TextLine:
    """Two lines of one row as one (``b`` right of ``a``)."""
    known = len(a.char_x) == len(a.text) > 0 and len(b.char_x) == len(b.text) > 0
    gap = ((a.char_x[-1] + b.char_x[0]) / 2,) if known else ()
    return TextLine(text=f"{a.text} {b.text}", box=union(a.box, b.box),
                    conf=min(a.conf, b.conf),
                    char_x=a.char_x + gap + b.char_x if known else ())


def is_mark(ln: TextLine) -> bool:
    """A lone character read with doubt: an icon or a bullet, not text (it can still
    name the control it lies in: xcalc's "e" key)."""
    return len(ln.text) <= 1 and ln.conf < DOUBT


def _fits(line: Box, box: Box) -> bool:
    """``line`` lies within ``box`` horizontally (OCR pads a line's box by up to
    half its height)."""
    pad = max(2.0, 0.5 * line[3])
    return line[0] >= box[0] - pad and line[0] + line[2] <= box[0] + box[2] + pad


def words_within(ln: TextLine, x0: float, x1: float, *, whole: bool = False
                 ) -> TextLine | None:
    """The part of ``ln`` made of its words whose characters' mean centre lies
    between ``x0`` and ``x1`` (a line's words over one button of a row), or with
    ``whole`` whose every character's centre does; None when there are none or the
    characters' positions are unknown."""
    if whole:
        return words_where(ln, lambda m: True, lambda xs: all(x0 <= c <= x1 for c in xs))
    return words_where(ln, lambda m: x0 <= m <= x1)


def words_where(ln: TextLine, keep: Callable[[float], bool],
                keep_chars: Callable[[tuple], bool] | None = None) -> TextLine | None:
    """The part of ``ln`` from its first to its last word kept by ``keep`` (given
    the word's mean character centre) and ``keep_chars`` (given its characters'
    centres).  Words are split at spaces and at gaps of over 3 character pitches
    (OCR drops the space between a field's text and a button beside it)."""
    n = len(ln.text)
    if len(ln.char_x) != n or n == 0:
        return None
    pitch = (ln.char_x[-1] - ln.char_x[0]) / max(1, n - 1)
    spans = []
    for m in re.finditer(r"\S+", ln.text):
        start = m.start()
        for i in range(m.start() + 1, m.end() + 1):
            if i == m.end() or ln.char_x[i] - ln.char_x[i - 1] > 3 * max(pitch, 1.0):
                xs = ln.char_x[start:i]
                if keep(sum(xs) / len(xs)) and (keep_chars is None or keep_chars(xs)):
                    spans.append((start, i))
                start = i
    if not spans:
        return None
    a, b = spans[0][0], spans[-1][1]
    return TextLine(text=ln.text[a:b], box=ln.span_box(a, b), conf=ln.conf,
                    char_x=ln.char_x[a:b])
