"""The perception facade: OCR + templates (+ the element model later), with a
cache so an unchanged screen or region is never perceived twice."""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict


from .. import defaults
from ..errors import TargetNotFound
from ..task.model import Locator
from .frame import Box, Element, Frame, Match, as_rgb_array, clip_box
from .locate import Thresholds, resolve
from .ocr import OcrEngine, TextLine
from .template import TemplateMatcher


class Vision:
    """Perceive frames and resolve locators.

    >>> v = Vision(threads=1)                       # doctest: +SKIP
    >>> v.find("screen.png", "OK")                  # doctest: +SKIP
    Match(element=Element(kind='text', box=(673, 384, 28, 21), text='OK', ...), ...)
    """

    CACHE_ENTRIES = 16

    def __init__(self, threads: int = defaults.THREADS, *, ocr: OcrEngine | None = None,
                 templates: TemplateMatcher | None = None,
                 min_score: float = defaults.MIN_SCORE,
                 confidence: float = defaults.CONFIDENCE):
        self.ocr = ocr or OcrEngine(threads=threads)
        self.templates = templates or TemplateMatcher()
        self.thresholds = Thresholds(min_score=min_score, confidence=confidence)
        self._cache: OrderedDict[Box, tuple[bytes, list[TextLine]]] = OrderedDict()
        self.stats = {"perceptions": 0, "cache_hits": 0}
        self.last_timings: dict[str, float] = {}

    # ---- perception ------------------------------------------------------------------
    def text_lines(self, frame: Frame, region: Box | None = None) -> list[TextLine]:
        """OCR lines inside ``region`` (frame pixels), boxes in frame pixels.

        Results are cached per region and reused while that region's pixels are
        unchanged, so polling an unchanged screen costs a hash, not an OCR pass.
        """
        region = clip_box(region or (0, 0, frame.width, frame.height), frame.width,
                          frame.height)
        if region[2] == 0 or region[3] == 0:
            return []
        crop = frame.crop(region)
        t = time.perf_counter()
        digest = hashlib.blake2b(crop.tobytes(), digest_size=16).digest()
        self.last_timings = {"hash_ms": (time.perf_counter() - t) * 1000}
        hit = self._cache.get(region)
        if hit is not None and hit[0] == digest:
            self._cache.move_to_end(region)
            self.stats["cache_hits"] += 1
            return hit[1]
        self.stats["perceptions"] += 1
        t = time.perf_counter()
        lines = self.ocr.read(crop)
        self.last_timings["ocr_ms"] = (time.perf_counter() - t) * 1000
        ox, oy = region[0], region[1]
        if ox or oy:
            lines = [TextLine(text=ln.text, box=(ln.box[0] + ox, ln.box[1] + oy, ln.box[2],
                                                 ln.box[3]), conf=ln.conf,
                              char_x=tuple(c + ox for c in ln.char_x)) for ln in lines]
        lines = [ln for ln in lines if ln.text]
        self._cache[region] = (digest, lines)
        while len(self._cache) > self.CACHE_ENTRIES:
            self._cache.popitem(last=False)
        return lines

    def reread(self, frame: Frame, lines: list[TextLine]) -> list[TextLine]:
        """Read ``lines`` again from padded, tighter crops; return the better readings.

        Each line's box is re-detected inside a padded crop (which separates text
        from an adjacent icon or border) and each resulting box is recognised again.
        """
        out: list[TextLine] = []
        for ln in lines:
            x, y, w, h = ln.box
            pad = max(6, h // 2)
            box = clip_box((x - pad, y - pad, w + 2 * pad, h + 2 * pad), frame.width,
                           frame.height)
            crop = frame.crop(box)
            for sub in self.ocr.read(crop):
                bx, by = box[0], box[1]
                out.append(TextLine(text=sub.text, box=(sub.box[0] + bx, sub.box[1] + by,
                                                        sub.box[2], sub.box[3]),
                                    conf=sub.conf, char_x=tuple(c + bx for c in sub.char_x)))
        return [ln for ln in out if ln.text]

    def perceive(self, image, region: Box | None = None) -> list[Element]:
        """Every element perceived on ``image`` (array, PIL image or path)."""
        frame = image if isinstance(image, Frame) else Frame(as_rgb_array(image))
        return [Element(kind="text", box=ln.box, text=ln.text, score=ln.conf, source="ocr")
                for ln in self.text_lines(frame, region)]

    # ---- resolution ------------------------------------------------------------------
    def locate(self, frame: Frame, locator: Locator, region: Box | None = None, *,
               min_score: float | None = None, confidence: float | None = None) -> Match:
        """Resolve ``locator`` on ``frame``; raises TargetNotFound."""
        th = Thresholds(min_score=min_score if min_score is not None
                        else self.thresholds.min_score,
                        confidence=confidence if confidence is not None
                        else self.thresholds.confidence)
        region = clip_box(region or (0, 0, frame.width, frame.height), frame.width,
                          frame.height)
        t = time.perf_counter()
        m = resolve(self, frame, locator, region, th)
        m.timings["locate_ms"] = round((time.perf_counter() - t) * 1000, 1)
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


