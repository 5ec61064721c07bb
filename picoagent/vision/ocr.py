"""On-device OCR: RapidOCR's PP-OCR detection and recognition models (shipped
inside the ``rapidocr`` wheel) run through onnxruntime.

Detection (finding text boxes) and recognition (reading a box) are separate
calls so callers can recognise only what they need.  Nothing is downloaded:
the models and the character table live in the wheel.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import EnvironmentProblem
from .frame import Box, clip_box

log = logging.getLogger(__name__)

MIN_SIDE = 32          # detection needs some context around tiny crops
MAX_SIDE = 2048        # detection input is capped here (keeps screen text at native size)


@dataclass(frozen=True)
class TextLine:
    text: str
    box: Box                            # in the coordinates of the image given to read()
    conf: float
    char_x: tuple[float, ...] = ()      # x centre of each character of `text`

    def span_box(self, start: int, end: int) -> Box:
        """Box of characters ``text[start:end]`` (falls back to proportional widths)."""
        x, y, w, h = self.box
        n = len(self.text)
        if n == 0 or (start, end) == (0, n):
            return self.box
        if len(self.char_x) == n and n > 1:
            pitch = (self.char_x[-1] - self.char_x[0]) / max(1, n - 1)
            x0 = self.char_x[start] - pitch / 2
            x1 = self.char_x[end - 1] + pitch / 2
        else:
            x0 = x + w * start / n
            x1 = x + w * end / n
        x0, x1 = max(x, x0), min(x + w, x1)
        return (int(round(x0)), y, max(1, int(round(x1 - x0))), h)


class OcrEngine:
    """Lazily builds the two onnxruntime sessions once; thread-safe to share."""

    def __init__(self, threads: int = 1, det_limit: int = MAX_SIDE):
        self.threads = threads
        self.det_limit = det_limit
        self._det = None
        self._rec = None
        self._lock = threading.Lock()
        self.timings: dict[str, float] = {}

    def _load(self) -> None:
        if self._det is not None:
            return
        with self._lock:
            if self._det is not None:
                return
            try:
                from rapidocr import RapidOCR
            except ImportError as e:  # pragma: no cover - packaging problem
                raise EnvironmentProblem(f"OCR is not installed: {e}") from None
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            ocr = RapidOCR(params={
                "Global.log_level": "warning",
                "Global.use_cls": False,
                "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "Det.limit_type": "max",
                "Det.limit_side_len": self.det_limit,
            })
            self._rec = ocr._load_rec_model()
            self._det = ocr._load_det_model()

    # ---- detection -------------------------------------------------------------------
    def detect(self, image: np.ndarray) -> list[Box]:
        """Text boxes in ``image`` (RGB), as axis-aligned boxes."""
        self._load()
        h, w = image.shape[:2]
        if h < 4 or w < 4:
            return []
        padded, (px, py) = _pad_min(image, MIN_SIDE)
        t = time.perf_counter()
        out = self._det(np.ascontiguousarray(padded[:, :, ::-1]))   # models expect BGR
        self.timings["det"] = time.perf_counter() - t
        if out.boxes is None or len(out.boxes) == 0:
            return []
        boxes = []
        for quad in out.boxes:
            xs, ys = quad[:, 0] - px, quad[:, 1] - py
            b = clip_box((int(np.floor(xs.min())), int(np.floor(ys.min())),
                          int(np.ceil(xs.max() - xs.min())), int(np.ceil(ys.max() - ys.min()))),
                         w, h)
            if b[2] >= 2 and b[3] >= 4:
                boxes.append(b)
        return boxes

    # ---- recognition -----------------------------------------------------------------
    def recognize(self, image: np.ndarray, boxes: list[Box]) -> list[TextLine]:
        """Read each box of ``image``; returns one TextLine per box, in order."""
        if not boxes:
            return []
        self._load()
        from rapidocr.ch_ppocr_rec import TextRecInput

        crops = [np.ascontiguousarray(image[y:y + h, x:x + w, ::-1]) for x, y, w, h in boxes]
        t = time.perf_counter()
        res = self._rec(TextRecInput(img=crops, return_word_box=True))
        self.timings["rec"] = time.perf_counter() - t
        lines = []
        for i, box in enumerate(boxes):
            text, conf = res.txts[i], float(res.scores[i])
            info = res.word_results[i] if res.word_results else None
            lines.append(TextLine(text=text.strip(), box=box, conf=conf,
                                  char_x=_char_positions(text, info, box)))
        return lines

    def read(self, image: np.ndarray) -> list[TextLine]:
        return self.recognize(image, self.detect(image))


def _pad_min(image: np.ndarray, side: int) -> tuple[np.ndarray, tuple[int, int]]:
    h, w = image.shape[:2]
    py, px = max(0, (side - h + 1) // 2), max(0, (side - w + 1) // 2)
    if not px and not py:
        return image, (0, 0)
    return cv2.copyMakeBorder(image, py, py, px, px, cv2.BORDER_REPLICATE), (px, py)


def _char_positions(text: str, info, box: Box) -> tuple[float, ...]:
    """x centre of every character of ``text`` from the CTC column of each decoded char."""
    if info is None or not getattr(info, "word_cols", None) or not info.line_txt_len:
        return ()
    cols = [c for word in info.word_cols for c in word]
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    non_space = [i for i, ch in enumerate(text) if not ch.isspace()]
    if len(cols) != len(non_space):
        return ()
    x, _, w, _ = box
    xs: list[float | None] = [None] * len(text)
    for i, c in zip(non_space, cols):
        xs[i] = x + (c + 0.5) / info.line_txt_len * w
    for i in range(len(xs)):            # spaces: halfway between neighbours
        if xs[i] is None:
            left = next((xs[j] for j in range(i - 1, -1, -1) if xs[j] is not None), x)
            right = next((xs[j] for j in range(i + 1, len(xs)) if xs[j] is not None), x + w)
            xs[i] = (left + right) / 2
    out = tuple(float(v) for v in xs[lead:lead + len(stripped)])
    return out
