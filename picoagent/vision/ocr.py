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
from pathlib import Path

import cv2
import numpy as np

from ..errors import EnvironmentProblem
from . import timing
from .frame import Box, clip_box

log = logging.getLogger(__name__)

MIN_SIDE = 32          # detection needs some context around tiny crops
MAX_BATCH_WIDTH = 1920  # recognition: padded pixels per batch (bounds peak memory)


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


def session_options(threads: int):
    """The onnxruntime session settings every picoagent model uses.

    One intra-op thread by default (a Pi 4 has four cores and the app needs some),
    no inter-op parallelism, and no memory arena or memory-pattern planning:
    inputs change shape with every tile and crop, and both features keep the
    largest allocation around (measured: they add ~100 MB of peak RSS here).
    """
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = max(1, int(threads))
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.enable_cpu_mem_arena = False
    so.enable_mem_pattern = False
    so.log_severity_level = 3
    return so


def _model_dir() -> Path:
    import rapidocr
    return Path(rapidocr.__file__).resolve().parent / "models"


DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"


class TextDetector:
    """PP-OCR text detection: pre (pad to /32, normalise) / infer / post (DB boxes)."""

    def __init__(self, session):
        from rapidocr.ch_ppocr_det.utils import DBPostProcess

        self.session = session
        self.input = session.get_inputs()[0].name
        self.post = DBPostProcess(thresh=0.3, box_thresh=0.5, max_candidates=1000,
                                  unclip_ratio=1.6, use_dilation=True, score_mode="fast")

    @staticmethod
    def pre(image: np.ndarray) -> np.ndarray:
        """RGB uint8 -> 1x3xHxW float32, padded (not resized) to multiples of 32 so
        screen text keeps its native size."""
        h, w = image.shape[:2]
        ph, pw = (-h) % 32, (-w) % 32
        if ph or pw:
            image = cv2.copyMakeBorder(image, 0, ph, 0, pw, cv2.BORDER_REPLICATE)
        x = image[:, :, ::-1].astype(np.float32) * (2.0 / 255.0) - 1.0   # BGR, [-1, 1]
        return np.ascontiguousarray(x.transpose(2, 0, 1)[None])

    def infer(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input: x})[0]

    def postprocess(self, pred: np.ndarray, h: int, w: int) -> list[Box]:
        ph, pw = pred.shape[2], pred.shape[3]
        quads, _scores = self.post(pred, (ph, pw))
        boxes = []
        for quad in quads:
            xs, ys = quad[:, 0], quad[:, 1]
            b = clip_box((int(np.floor(xs.min())), int(np.floor(ys.min())),
                          int(np.ceil(xs.max() - xs.min())), int(np.ceil(ys.max() - ys.min()))),
                         w, h)
            if b[2] >= 2 and b[3] >= 4:
                boxes.append(b)
        return boxes

    def __call__(self, image: np.ndarray) -> list[Box]:
        h, w = image.shape[:2]
        return self.postprocess(self.infer(self.pre(image)), h, w)


class TextRecognizer:
    """PP-OCR text recognition: pre (height 48, batch padding) / infer / post (CTC)."""

    HEIGHT = 48
    #: narrowest padded input.  rapidocr pads every batch to 320 px; on the corpus
    #: (257 boxes) 96 px reads as many target texts (52/52 against 50/52 at 320)
    #: at 24 ms per box against 34 ms (benchmarks, docs/performance.md)
    MIN_WIDTH = 96

    def __init__(self, session):
        from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

        self.session = session
        self.input = session.get_inputs()[0].name
        meta = session.get_modelmeta().custom_metadata_map
        if "character" not in meta:
            raise EnvironmentProblem("the OCR recognition model has no character table")
        self.decode = CTCLabelDecode(character=meta["character"].splitlines())

    def pre(self, crops: list[np.ndarray]) -> tuple[np.ndarray, list[float], float]:
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        max_ratio = max(self.MIN_WIDTH / self.HEIGHT, *ratios)
        width = int(self.HEIGHT * max_ratio)
        batch = np.zeros((len(crops), 3, self.HEIGHT, width), np.float32)
        for i, (c, r) in enumerate(zip(crops, ratios)):
            rw = min(width, int(np.ceil(self.HEIGHT * r)))
            img = cv2.resize(c, (max(1, rw), self.HEIGHT))[:, :, ::-1]        # BGR
            batch[i, :, :, :rw] = img.transpose(2, 0, 1).astype(np.float32) * (2.0 / 255.0) \
                - 1.0
        return batch, ratios, max_ratio

    def infer(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input: x})[0]

    def postprocess(self, pred, ratios, max_ratio):
        return self.decode(pred, return_word_box=True, wh_ratio_list=ratios,
                           max_wh_ratio=max_ratio)

    def __call__(self, crops: list[np.ndarray]):
        x, ratios, max_ratio = self.pre(crops)
        return self.postprocess(self.infer(x), ratios, max_ratio)


class OcrEngine:
    """Text detection + recognition.  Sessions are built once, on first use.

    The models are PP-OCRv6 small (det + rec) from the ``rapidocr`` wheel; nothing
    is downloaded.  ``det_model``/``rec_model`` accept other ONNX files (used by
    the int8 benchmark).  ``glance_model`` names the small screening recogniser
    (default: the packaged ``ui-text-small.onnx``; False: none), which a text find
    uses to choose what PP-OCR reads first (:mod:`picoagent.vision.rec_small`).
    """

    BATCH = 2

    def __init__(self, threads: int = 1, det_model: str | Path | None = None,
                 rec_model: str | Path | None = None,
                 glance_model: str | Path | None | bool = None):
        self.threads = threads
        self.det_model = Path(det_model) if det_model else None
        self.rec_model = Path(rec_model) if rec_model else None
        #: the small screening recogniser (rec_small); False: none (every box is read
        #: by PP-OCR in size order)
        from .rec_small import SmallReader
        self.glancer = None if glance_model is False else SmallReader(
            threads, None if glance_model in (None, True) else glance_model)
        self._det: TextDetector | None = None
        self._rec: TextRecognizer | None = None
        self._lock = threading.Lock()
        self.timings: dict[str, float] = {}

    def _load(self) -> None:
        if self._det is not None:
            return
        with self._lock:
            if self._det is not None:
                return
            try:
                import onnxruntime as ort
                models = _model_dir()
            except ImportError as e:  # pragma: no cover - packaging problem
                raise EnvironmentProblem(f"OCR is not installed: {e}") from None
            det = self.det_model or models / DET_MODEL
            rec = self.rec_model or models / REC_MODEL
            for p in (det, rec):
                if not p.is_file():
                    raise EnvironmentProblem(f"OCR model missing: {p} (reinstall rapidocr)")
            so = session_options(self.threads)
            prov = ["CPUExecutionProvider"]
            self._rec = TextRecognizer(ort.InferenceSession(str(rec), so, providers=prov))
            self._det = TextDetector(ort.InferenceSession(str(det), so, providers=prov))

    # ---- detection -------------------------------------------------------------------
    def detect(self, image: np.ndarray) -> list[Box]:
        """Text boxes in ``image`` (RGB), as axis-aligned boxes."""
        self._load()
        h, w = image.shape[:2]
        if h < 4 or w < 4:
            return []
        padded, (px, py) = _pad_min(image, MIN_SIDE)
        t = time.perf_counter()
        boxes = self._det(padded)
        self.timings["det"] = time.perf_counter() - t
        timing.add("detect", self.timings["det"] * 1000)
        return [b for b in (clip_box((x - px, y - py, bw, bh), w, h)
                            for x, y, bw, bh in boxes) if b[2] >= 2 and b[3] >= 4]

    # ---- recognition -----------------------------------------------------------------
    def recognize(self, image: np.ndarray, boxes: list[Box]) -> list[TextLine]:
        """Read each box of ``image``; returns one TextLine per box, in order."""
        if not boxes:
            return []
        self._load()
        crops = [image[y:y + h, x:x + w] for x, y, w, h in boxes]
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] /
                       max(1, crops[i].shape[0]))          # similar widths batch together
        out: list[TextLine | None] = [None] * len(crops)
        t = time.perf_counter()
        for idx in _batches(order, crops, self.BATCH, MAX_BATCH_WIDTH):
            lines, words = self._rec([crops[i] for i in idx])
            for j, i in enumerate(idx):
                text, conf = lines[j]
                out[i] = TextLine(text=text.strip(), box=boxes[i], conf=float(conf),
                                  char_x=_char_positions(text, words[j], boxes[i]))
        self.timings["rec"] = time.perf_counter() - t
        timing.add("recognise", self.timings["rec"] * 1000)
        return out  # type: ignore[return-value]

    def read(self, image: np.ndarray) -> list[TextLine]:
        return self.recognize(image, self.detect(image))

    def glance(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]] | None:
        """A quick reading of each box by the small recogniser (text, confidence), for
        deciding what PP-OCR reads first; None without that model."""
        if self.glancer is None or not self.glancer.available():
            return None
        t = time.perf_counter()
        try:
            out = self.glancer.read([image[y:y + h, x:x + w] for x, y, w, h in boxes])
        except Exception as e:      # an aid, not a need: finds go on without it
            log.warning("the small text recogniser failed (%s); finds go on without it", e)
            self.glancer = None
            return None
        timing.add("recognise", (time.perf_counter() - t) * 1000)
        return out


def _batches(order: list[int], crops: list[np.ndarray], size: int, max_width: int):
    """Batches of at most ``size`` crops whose padded width (at height 48) stays under
    ``max_width`` per batch in total.  The recogniser's output holds a score for
    every character of its ~18k-symbol table at every step, so one batch of six
    wide lines costs ~65 MB; bounding the padded width bounds that."""
    batch: list[int] = []
    widest = 0.0
    for i in order:
        w = max(320.0, 48.0 * crops[i].shape[1] / max(1, crops[i].shape[0]))
        if batch and (len(batch) >= size or max(widest, w) * (len(batch) + 1) > max_width):
            yield batch
            batch, widest = [], 0.0
        batch.append(i)
        widest = max(widest, w)
    if batch:
        yield batch


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
