"""Image targets: normalised cross-correlation at several scales (OpenCV).

A reference PNG captured at one DPI still matches on a 1.25x or 2x screen
because the template is resized to each scale in ``defaults.IMAGE_SCALES``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .. import defaults
from .frame import Box


@dataclass(frozen=True)
class TemplateHit:
    box: Box
    score: float
    scale: float


class TemplateMatcher:
    """Caches each template (grey, per scale) for the run."""

    def __init__(self, scales: tuple[float, ...] = defaults.IMAGE_SCALES):
        self.scales = scales
        self._cache: dict[tuple[str, float], np.ndarray] = {}

    def _template(self, path: Path, scale: float) -> np.ndarray:
        key = (str(path), scale)
        if key not in self._cache:
            img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if img is None:
                raise ValueError(f"cannot read image {path}")
            if scale != 1.0:
                interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
                img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=interp)
            self._cache[key] = img
        return self._cache[key]

    def match(self, grey: np.ndarray, path: Path, threshold: float,
              max_hits: int = 10) -> tuple[list[TemplateHit], float]:
        """Non-overlapping places where the template matches at >= threshold, best first,
        and the best score seen at any scale (for "not found" messages)."""
        best_scale, best_score, best_map = None, -1.0, None
        for scale in self.scales:
            tpl = self._template(path, scale)
            th, tw = tpl.shape[:2]
            if th > grey.shape[0] or tw > grey.shape[1] or th < 4 or tw < 4:
                continue
            res = cv2.matchTemplate(grey, tpl, cv2.TM_CCOEFF_NORMED)
            np.nan_to_num(res, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            score = float(res.max())
            if score > best_score:
                best_scale, best_score, best_map = scale, score, res
            if score >= 0.99:
                break
        if best_map is None or best_score < threshold:
            return [], max(0.0, best_score)
        tpl = self._template(path, best_scale)
        th, tw = tpl.shape[:2]
        hits = []
        res = best_map.copy()
        for _ in range(max_hits):
            _, score, _, (x, y) = cv2.minMaxLoc(res)
            if score < threshold:
                break
            hits.append(TemplateHit((int(x), int(y), int(tw), int(th)), float(score),
                                    best_scale))
            res[max(0, y - th + 1):y + th, max(0, x - tw + 1):x + tw] = -1   # no overlaps
        return hits, best_score
