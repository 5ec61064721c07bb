"""The UI element model: our own small int8 detector (picoagent/models/ui-elements.onnx,
package data: a wheel carries it; model card: models/MODEL_CARD.md).

It finds buttons, text fields, checkboxes, radios, dropdowns, toggles, sliders,
tabs, icons, links and menu items, and says whether a checkbox / radio / toggle
is checked.  Pre-processing, inference and post-processing are separate so the
post-processing (decode + NMS) is tested on plain arrays.

Everything the runtime needs to know about the model (class names, strides,
normalisation, space-to-depth factor, version) is read from the ONNX metadata,
written there by ``training/export.py``; nothing is copied into constants here.
"""
from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import EnvironmentProblem
from .frame import Box
from .geometry import iou_many_xyxy
from .checks import INDICATOR_KINDS, VERIFIED_KINDS, refine
from .checks.config import CONFIG

MODEL_NAME = "ui-elements.onnx"
#: the shipped model, inside the package (package data, so a wheel carries it; an
#: editable install reads the checkout's file).  `make model` writes it here.
PACKAGED_MODEL = Path(__file__).resolve().parents[1] / "models" / MODEL_NAME


def default_model_path() -> Path:
    """$PICOAGENT_MODEL where set (another model, for trials), else the shipped one."""
    import os

    env = os.environ.get("PICOAGENT_MODEL")
    return Path(env) if env else PACKAGED_MODEL


#: the thresholds below are fields of picoagent.vision.checks.config.CheckConfig, each
#: with its reason; these names stay for the tests and benchmarks that read them
MAX_PIXELS = CONFIG.max_pixels
PRE_NMS_TOP = CONFIG.pre_nms_top
VERIFY_FLOOR = CONFIG.verify_floor
INDICATOR_FLOOR = CONFIG.indicator_floor
RUNNER_UP_SHARE = CONFIG.runner_up_share
RUNNER_UP_DISCOUNT = CONFIG.runner_up_discount


@dataclass(frozen=True)
class ModelInfo:
    classes: tuple[str, ...]
    stateful: tuple[str, ...]
    strides: tuple[int, ...]
    space_to_depth: int
    pad_multiple: int
    mean: float
    std: float
    score_threshold: float
    nms_iou: float
    version: str

    @classmethod
    def from_metadata(cls, meta: dict[str, str], source: str = "model") -> "ModelInfo":
        try:
            return cls(classes=tuple(json.loads(meta["classes"])),
                       stateful=tuple(json.loads(meta["stateful"])),
                       strides=tuple(int(s) for s in json.loads(meta["strides"])),
                       space_to_depth=int(meta["space_to_depth"]),
                       pad_multiple=int(meta["pad_multiple"]),
                       mean=float(meta["mean"]), std=float(meta["std"]),
                       score_threshold=float(meta.get("score_threshold", 0.35)),
                       nms_iou=float(meta.get("nms_iou", 0.6)),
                       version=meta.get("version", "?"))
        except (KeyError, ValueError, TypeError) as e:
            raise EnvironmentProblem(f"{source}: not a picoagent UI element model "
                                     f"(metadata {e} missing or malformed)") from None


@dataclass(frozen=True)
class Detection:
    kind: str
    box: Box                    # x, y, w, h in frame pixels
    score: float
    checked: bool | None        # None for kinds without a state
    checked_score: float | None = None


# --------------------------------------------------------------------- coordinates
def frame_to_model_scale(width: int, height: int, max_pixels: int = CONFIG.max_pixels) -> float:
    """Model input pixels per frame pixel (1.0 unless the frame is very large)."""
    n = width * height
    return 1.0 if n <= max_pixels else float(np.sqrt(max_pixels / n))


def model_to_frame_box(box_xyxy: np.ndarray, scale: float, width: int, height: int) -> Box:
    """A model-input box [x0, y0, x1, y1] to an (x, y, w, h) frame box, clipped."""
    return model_to_frame_boxes([box_xyxy], scale, width, height)[0]


def model_to_frame_boxes(boxes_xyxy, scale: float, width: int, height: int) -> list[Box]:
    """:func:`model_to_frame_box` of many boxes at once: one numpy pass, not a
    Python loop a box (2 ms a busy frame)."""
    if len(boxes_xyxy) == 0:
        return []
    b = np.asarray(boxes_xyxy, np.float64).reshape(-1, 4) / scale
    x0 = np.maximum(0, np.floor(b[:, 0])).astype(np.int64)
    y0 = np.maximum(0, np.floor(b[:, 1])).astype(np.int64)
    x1 = np.minimum(width, np.ceil(b[:, 2])).astype(np.int64)
    y1 = np.minimum(height, np.ceil(b[:, 3])).astype(np.int64)
    return list(zip(x0.tolist(), y0.tolist(), np.maximum(0, x1 - x0).tolist(),
                    np.maximum(0, y1 - y0).tolist()))


# ------------------------------------------------------------------------- stages
def preprocess(image: np.ndarray, info: ModelInfo, scale: float = 1.0, *,
               raw: bool = False) -> np.ndarray:
    """RGB uint8 H x W x 3 -> float32 (``raw``: uint8) [1, 3*r*r, H'/r, W'/r] (r =
    space_to_depth).

    The image is (optionally) scaled, padded to a multiple of ``pad_multiple``
    with the normalisation's zero, rearranged space-to-depth in PyTorch's
    PixelUnshuffle order (channel, dy, dx) while still uint8 (one transposing
    copy of a byte a pixel: 0.9 ms less on 1280x720 than strided float copies),
    then normalised into float32 -- or, with ``raw``, left as bytes, for the int8
    model, which normalises and quantises them itself (training/quantize.py).
    """
    if scale != 1.0:
        image = cv2.resize(image, (max(1, round(image.shape[1] * scale)),
                                   max(1, round(image.shape[0] * scale))),
                           interpolation=cv2.INTER_AREA)
    h, w = image.shape[:2]
    m, r = info.pad_multiple, info.space_to_depth
    ph, pw = -(-h // m) * m, -(-w // m) * m
    fill = int(round(info.mean))
    if (ph, pw) != (h, w):
        image = cv2.copyMakeBorder(image, 0, ph - h, 0, pw - w, cv2.BORDER_CONSTANT,
                                   value=(fill, fill, fill))
    image = image[:, :, :3]
    u8 = image.reshape(ph // r, r, pw // r, r, 3).transpose(4, 1, 3, 0, 2)
    if raw:
        return np.ascontiguousarray(u8).reshape(1, 3 * r * r, ph // r, pw // r)
    out = np.empty((1, 3 * r * r, ph // r, pw // r), np.float32)
    out[0] = u8.reshape(3 * r * r, ph // r, pw // r)
    out -= info.mean
    out *= 1.0 / info.std
    return out


@functools.lru_cache(maxsize=8)
def grid(height: int, width: int, strides) -> tuple[np.ndarray, np.ndarray]:
    """Centres (x, y) and strides of all output locations, level by level,
    row-major: the order of the model's outputs.  Cached per input size (0.6 ms
    a 1280x720 frame); the arrays are shared, not to be written."""
    pts, ss = [], []
    for s in strides:
        h, w = -(-height // s), -(-width // s)
        ys, xs = np.mgrid[0:h, 0:w]
        pts.append(np.stack([(xs.ravel() + 0.5) * s, (ys.ravel() + 0.5) * s], 1))
        ss.append(np.full(h * w, float(s)))
    out = np.concatenate(pts).astype(np.float32), np.concatenate(ss).astype(np.float32)
    for a in out:
        a.setflags(write=False)
    return out


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float, max_out: int = 300) -> np.ndarray:
    """Greedy non-maximum suppression; boxes [N, 4] x0 y0 x1 y1, scores in [0, 1] (a
    score of exactly 0 is dropped).  Returns kept indices, best first.

    OpenCV's (C++): 4x faster than a numpy loop on the ~300 candidates the pixel
    checks take, with the same result on the 72 test screens."""
    if len(boxes) == 0:
        return np.zeros(0, np.int64)
    b = np.asarray(boxes, np.float64)
    xywh = np.stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], 1)
    keep = cv2.dnn.NMSBoxes(xywh, np.asarray(scores, np.float32), 0.0, float(iou))
    return np.asarray(keep, np.int64).reshape(-1)[:max_out]


def postprocess(scores: np.ndarray, checked: np.ndarray, ltrb: np.ndarray,
                input_hw: tuple[int, int], info: ModelInfo, *,
                score_threshold: float | None = None, nms_iou: float | None = None,
                max_det: int = 300) -> list[tuple[int, float, np.ndarray, float]]:
    """Raw outputs ([C, L], [1, L] or [L], [4, L]) -> (class, score, box xyxy, p_checked)
    in model-input pixels, after class-agnostic NMS (one element per place: a
    box is either a button or a tab), then the places' runners-up (:func:`runners_up`:
    where the model is torn, the second kind too, at a lower score)."""
    thr = info.score_threshold if score_threshold is None else score_threshold
    iou = info.nms_iou if nms_iou is None else nms_iou
    pts, strides = grid(input_hw[0], input_hw[1], info.strides)
    if scores.shape[1] != pts.shape[0]:
        raise ValueError(f"model output has {scores.shape[1]} locations, expected "
                         f"{pts.shape[0]} for input {input_hw}")
    best = scores.max(0)
    above = idx = np.nonzero(best >= thr)[0]
    if idx.size == 0:
        return []
    # each location's class, worked out only where it can count (argmax down the
    # columns of all 19,320 locations of a 1280x720 frame: 0.25 ms)
    cls = np.zeros(scores.shape[1], np.int64)
    cls[above] = scores[:, above].argmax(0)
    if idx.size > CONFIG.pre_nms_top:         # bound the NMS cost on a pathological frame
        idx = idx[np.argsort(-best[idx], kind="stable")[:CONFIG.pre_nms_top]]
    boxes = _decode(ltrb, pts, strides, idx)
    keep = nms(boxes, best[idx], iou, max_det)
    chk = np.asarray(checked).reshape(-1)
    at = idx[keep]
    out = list(zip(cls[at].tolist(), best[at].tolist(), boxes[keep], chk[at].tolist()))
    return out + runners_up(scores, cls, best, above, ltrb, pts, strides, chk, out, thr, iou,
                            max_det)


def _decode(ltrb: np.ndarray, pts: np.ndarray, strides: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Boxes (x0, y0, x1, y1) of locations ``idx``: distances exp(v) * stride from the centre."""
    d = np.exp(np.minimum(ltrb[:, idx], 7.0)) * strides[idx]
    p = pts[idx]
    return np.stack([p[:, 0] - d[0], p[:, 1] - d[1], p[:, 0] + d[2], p[:, 1] + d[3]], 1)


def runners_up(scores: np.ndarray, cls: np.ndarray, best: np.ndarray, above: np.ndarray,
               ltrb: np.ndarray, pts: np.ndarray, strides: np.ndarray, chk: np.ndarray,
               kept: list, thr: float, iou: float,
               max_det: int) -> list[tuple[int, float, np.ndarray, float]]:
    """The second kinds of torn places (CONFIG.runner_up_share, CONFIG.runner_up_discount):
    ``scores`` [C, L], each location's best class ``cls`` and score ``best``,
    ``above`` the locations whose best is over ``thr`` (no others have a second
    over it); ``kept`` what the class-agnostic NMS kept, as :func:`postprocess`
    returns it.  Runners-up of one kind go through NMS among themselves; one
    overlapping a kept box of its own kind by more than ``iou`` is that element
    already."""
    if scores.shape[0] < 2 or above.size == 0:
        return []
    second = scores[:, above]
    col = np.arange(above.size)
    second[cls[above], col] = -1.0
    c2 = second.argmax(0)
    s2 = second[c2, col]
    pick = np.nonzero((s2 >= thr) & (s2 >= CONFIG.runner_up_share * best[above]))[0]
    if pick.size == 0:
        return []
    if pick.size > CONFIG.pre_nms_top:
        pick = pick[np.argsort(-s2[pick], kind="stable")[:CONFIG.pre_nms_top]]
    cand, c2, s2 = above[pick], c2[pick], s2[pick]
    boxes = _decode(ltrb, pts, strides, cand)
    # one NMS for all kinds: boxes of different kinds moved apart so they never overlap
    shift = (c2 * (float(boxes.max() - boxes.min()) + 1.0))[:, None]
    keep = nms(boxes + shift, s2, iou, max_det)
    # kind by kind (ascending), each kind's best first; all kinds' overlaps in one pass
    keep = keep[np.argsort(c2[keep], kind="stable")]
    if kept:
        kept_cls = np.array([k for k, _, _, _ in kept], np.int64)
        kept_boxes = np.array([b for _, _, b, _ in kept]).reshape(-1, 4)   # their own dtype
        known = (iou_many_xyxy(boxes[keep], kept_boxes) > iou) & (c2[keep][:, None] == kept_cls)
        keep = keep[~known.any(1)]
    scaled = [v * CONFIG.runner_up_discount for v in s2[keep].tolist()]
    return list(zip(c2[keep].tolist(), scaled, boxes[keep], chk[cand[keep]].tolist()))


class ElementDetector:
    """Runs the UI element model on frames.

    >>> det = ElementDetector(threads=1)              # doctest: +SKIP
    >>> det.detect(frame.image)                       # doctest: +SKIP
    [Detection(kind='button', box=(612, 400, 80, 30), score=0.91, checked=None), ...]
    """

    def __init__(self, model_path: str | Path | None = None, threads: int = 1, *,
                 score_threshold: float | None = None, verify: bool = True):
        self.path = Path(model_path) if model_path else default_model_path()
        #: check checkbox / radio / text field / button detections on the pixels (.checks)
        self.verify = verify
        self.threads = threads
        self._score_threshold = score_threshold
        self._session = None
        self._info: ModelInfo | None = None
        self._lock = threading.Lock()

    # sessions are built on first use: nothing touches onnxruntime at import time
    def _load(self):
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort

            from .ocr import session_options
            if not self.path.is_file():
                import os
                fix = ("$PICOAGENT_MODEL names it" if os.environ.get("PICOAGENT_MODEL")
                       else "reinstall picoagent, or `make model`")
                raise EnvironmentProblem(f"UI element model not found: {self.path} ({fix})")
            so = session_options(self.threads)
            # unlike OCR's crops, the model's input has one size a screen: onnxruntime's
            # arena reuses the same buffers each call: 4-7% less inference time on the
            # busy 1280x720 screens, no more peak RSS (two sessions, alternating, 1 thread)
            so.enable_cpu_mem_arena = True
            sess = ort.InferenceSession(str(self.path), so, providers=["CPUExecutionProvider"])
            self._info = ModelInfo.from_metadata(sess.get_modelmeta().custom_metadata_map,
                                                 str(self.path))
            self._input = sess.get_inputs()[0].name
            #: the int8 model takes the image's bytes; a float one (fp32) normalised floats
            self._raw = sess.get_inputs()[0].type == "tensor(uint8)"
            self._session = sess

    @property
    def info(self) -> ModelInfo:
        self._load()
        return self._info

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.info.classes

    def infer(self, x: np.ndarray):
        self._load()
        return self._session.run(None, {self._input: x})

    def detect(self, image: np.ndarray, *, score_threshold: float | None = None) -> list[Detection]:
        out, thr = self.candidates(image, score_threshold=score_threshold)
        if self.verify:
            out = refine(image, out, min_score=thr)
        return out

    def candidates(self, image: np.ndarray, *,
                   score_threshold: float | None = None) -> tuple[list[Detection], float]:
        """:meth:`detect` before the pixel checks: the model's detections (with
        ``verify``, the checked kinds from their floors) and the score the
        checked detections are then cut at."""
        info = self.info
        h, w = image.shape[:2]
        scale = frame_to_model_scale(w, h)
        x = preprocess(image, info, scale, raw=self._raw)
        scores, checked, ltrb = self.infer(x)
        r = info.space_to_depth
        thr = score_threshold if score_threshold is not None else self._score_threshold
        thr = info.score_threshold if thr is None else thr
        # checkbox / radio / text field / button candidates are scored again on the pixels
        # (picoagent.vision.checks): take them from a lower score, then threshold
        low = min(thr, CONFIG.indicator_floor) if self.verify else thr
        raw = postprocess(scores[0], checked[0], ltrb[0], (x.shape[2] * r, x.shape[3] * r), info,
                          score_threshold=low)
        out = []
        for (c, s, _, pc), box in zip(raw, model_to_frame_boxes([r[2] for r in raw], scale, w, h)):
            kind = info.classes[c]
            if box[2] < 2 or box[3] < 2:
                continue
            state = kind in info.stateful
            if s < thr and (kind not in VERIFIED_KINDS or
                            (s < CONFIG.verify_floor and kind not in INDICATOR_KINDS)):
                continue
            out.append(Detection(kind=kind, box=box, score=s,
                                 checked=(pc >= 0.5) if state else None,
                                 checked_score=pc if state else None))
        return out, thr
