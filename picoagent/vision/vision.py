"""The perception facade: OCR + templates + the UI element model, with a
cache so an unchanged screen or region is never perceived twice."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable


import numpy as np

from .. import defaults
from ..errors import TargetNotFound
from ..task.model import Locator
from . import timing
from .detector import ElementDetector
from .frame import Box, Element, Frame, Match, as_rgb_array, clip_box
from .fuse import INNER_TEXT, label_region, name_lines
from .geometry import center, inside, overlaps, reading_order
from .locate import Thresholds, resolve
from .ocr import OcrEngine, TextLine
from .template import TemplateMatcher
from .textcache import TextCache
from .textmatch import plausible_order, score_text


#: lazy recognition stops only at an exact whole-line match; any fuzzy match does
#: not stop it, so a better one elsewhere still wins
STOP_SCORE = 1.0


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
                   quick: bool = False,
                   stop_where: Callable[[Box], bool] | None = None) -> list[TextLine]:
        """OCR lines inside ``region`` (frame pixels; boxes in frame pixels).

        Only what changed since the previous frame is detected again, and only boxes
        not read before are recognised.  With ``target``, recognition is lazy: boxes
        whose size could hold the target come first and reading stops once one of
        them matches it as a whole (score >= STOP_SCORE); other boxes stay unread.
        ``quick`` uses the morphological fast-path boxes instead of the neural
        detector's (see :mod:`picoagent.vision.textcache`).  With ``stop_where``, a
        whole match stops the reading only where ``stop_where(box)`` holds too (an
        acting step reads on past a match on static text, for one on a control).
        """
        region = clip_box(region or (0, 0, frame.width, frame.height), frame.width,
                          frame.height)
        if region[2] == 0 or region[3] == 0:
            return []
        t = time.perf_counter()
        self._sync(frame)
        boxes = self.text.quick_boxes(region) if quick else self.text.boxes(region)
        if box_filter is not None:
            boxes = [b for b in boxes if box_filter(b)]
        if target is None:
            lines = self.text.read(boxes)
        else:
            threshold = self.thresholds.min_score if min_score is None else min_score

            stop_at = max(threshold, STOP_SCORE)

            def whole_match(ln: TextLine) -> bool:
                sc = score_text(target, ln.text)
                return not sc.partial and sc.score >= stop_at and \
                    (stop_where is None or stop_where(ln.box))

            order = plausible_order(target, boxes)
            if self.text.recent:
                # what just changed first: a waited-for text usually arrives there
                order.sort(key=lambda b: not any(overlaps(b, r) for r in self.text.recent))
            lines = self.text.read(order, stop=whole_match)
        self.last_timings = {**self.text.last,
                             "perceive_ms": (time.perf_counter() - t) * 1000}
        return [ln for ln in lines if ln.text]

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

    def element_name_lines(self, frame: Frame, el: Element, *,
                           crop_read: bool = True) -> list[tuple[str, TextLine | None]]:
        """:meth:`element_names` with the text line each name was read from (frame
        pixels), or None for a reading of the element's whole crop."""
        key = (el.kind, el.box, crop_read)
        if key in self._names:
            return self._names[key]
        r = label_region(el.kind, el.box, frame.width, frame.height)
        lines = self.text_lines(frame, r)
        idx = name_lines(el.kind, el.box, [ln.box for ln in lines])
        names: list[tuple[str, TextLine | None]] = [(lines[i].text, lines[i]) for i in idx]
        inner = [i for i in idx if inside(center(lines[i].box), el.box)]
        if crop_read and el.kind in INNER_TEXT and not inner:
            crop = [ln for ln in self.text.reread(el.box) if ln.text]
            if crop:
                order = reading_order([ln.box for ln in crop])
                names.insert(0, (" ".join(crop[i].text for i in order), None))
        self._names[key] = names
        return names

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
        out: list[Element] = []
        if elements and self.has_element_model:     # without the model file: text only
            for e in self.elements(frame, region):
                names = self.element_names(frame, e, crop_read=False)
                out.append(Element(kind=e.kind, box=e.box, score=e.score, source=e.source,
                                   checked=e.checked, text=" / ".join(names) or None))
        out.extend(Element(kind="text", box=ln.box, text=ln.text, score=ln.conf, source="ocr")
                   for ln in self.text_lines(frame, region))
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
