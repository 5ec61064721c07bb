"""A small text-line recogniser for Latin UI text (our own model, float32 ONNX).

It reads a grey crop scaled to height 32 with a few convolutions and a CTC head
over ``CHARSET`` (printable ASCII and a few UI symbols).  It is a screening
reader: a find uses it to pass over boxes that cannot hold the target before
PP-OCR reads the ones that may.  Trained by ``training/rec_train.py`` on crops
PP-OCR labelled (``training/rec_data.py``).
"""
from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np

HEIGHT = 32
#: class 0 is the CTC blank; class i + 1 is CHARSET[i]
CHARSET = ''.join(chr(c) for c in range(32, 127)) + '°×÷±€£²·–—‘’“”…√π←→↑↓✓'
MIN_WIDTH = 32
MODEL = Path(__file__).resolve().parent.parent / 'models' / 'ui-text-small.onnx'


def scale(crop: np.ndarray, max_width: int | None = None) -> np.ndarray:
    """RGB (or grey) crop -> grey uint8, HEIGHT high, its aspect kept (the width at
    most ``max_width``): what training stores and the runtime reads."""
    g = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    h, w = g.shape
    nw = max(1, int(round(w * HEIGHT / max(1, h))))
    if max_width is not None:
        nw = min(max_width, nw)
    return cv2.resize(g, (nw, HEIGHT),
                      interpolation=cv2.INTER_AREA if h > HEIGHT else cv2.INTER_LINEAR)


def prepare(crop: np.ndarray) -> np.ndarray:
    """RGB (or grey) crop -> float32 HEIGHT x W in [-1, 1], W >= MIN_WIDTH (right-padded
    with the crop's edge colour)."""
    return normalise(scale(crop))


def normalise(g: np.ndarray) -> np.ndarray:
    """Grey uint8 HEIGHT x W -> float32 in [-1, 1], dark text on light (inverted where
    the crop's border is darker than its middle), padded to MIN_WIDTH."""
    if g.shape[1] < MIN_WIDTH:
        g = cv2.copyMakeBorder(g, 0, 0, 0, MIN_WIDTH - g.shape[1], cv2.BORDER_REPLICATE)
    x = g.astype(np.float32)
    lo, hi = np.percentile(x, 2), np.percentile(x, 98)
    x = (x - lo) / max(hi - lo, 16.0)
    edge = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
    if np.median(edge) < 0.5:          # light text on dark: make it dark on light
        x = 1.0 - x
    return np.clip(x, 0.0, 1.0) * 2.0 - 1.0


def greedy(logits: np.ndarray) -> tuple[str, float]:
    """CTC greedy decode of T x C scores (log-probabilities or logits): text and the
    mean probability of its characters (1.0 for an empty reading)."""
    best = logits.argmax(axis=1)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e[np.arange(len(best)), best] / e.sum(axis=1)
    out, probs, prev = [], [], 0
    for k, c in enumerate(best):
        if c != prev and c != 0:
            out.append(CHARSET[c - 1])
            probs.append(p[k])
        prev = c
    return ''.join(out), float(np.mean(probs)) if probs else 1.0


class SmallReader:
    """The small recogniser through onnxruntime; the session is built on first use."""

    def __init__(self, threads: int = 1, model: str | Path | None = None):
        self.threads = threads
        self.model = Path(model) if model else MODEL
        self._sess = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        return self.model.is_file()

    def _load(self):
        if self._sess is None:
            with self._lock:
                if self._sess is None:
                    import onnxruntime as ort

                    from .ocr import session_options
                    self._sess = ort.InferenceSession(
                        str(self.model), session_options(self.threads),
                        providers=['CPUExecutionProvider'])
        return self._sess

    def read(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of each crop; crops of similar width share a call
        (right-padded with background, as in training)."""
        sess = self._load()
        xs = [prepare(c) for c in crops]
        order = sorted(range(len(xs)), key=lambda i: xs[i].shape[1])
        out: list[tuple[str, float]] = [('', 0.0)] * len(xs)
        k = 0
        while k < len(order):
            part = [order[k]]
            w0 = xs[order[k]].shape[1]
            while (k + len(part) < len(order)
                   and xs[order[k + len(part)]].shape[1] <= w0 * 1.5 + 16):
                part.append(order[k + len(part)])
            k += len(part)
            wmax = -(-max(xs[i].shape[1] for i in part) // 4) * 4
            x = np.ones((len(part), 1, HEIGHT, wmax), np.float32)
            for j, i in enumerate(part):
                x[j, 0, :, :xs[i].shape[1]] = xs[i]
            logits = sess.run(None, {'x': x})[0]
            for j, i in enumerate(part):
                steps = max(1, -(-xs[i].shape[1] // 4))
                out[i] = greedy(logits[j, :steps])
        return out
