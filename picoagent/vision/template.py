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
from .geometry import overlaps

COARSE = (0.25, 0.5)    # the coarse pass runs on a quarter- or half-size image
MIN_COARSE_SIDE = 12    # ... unless the template would shrink below this
COARSE_SLACK = 0.2      # coarse scores run lower; candidates within this of the threshold
EARLY_EXIT = 0.95       # a coarse score this high ends the scale search
PAD = 4                 # refinement window margin, full-size pixels


@dataclass(frozen=True)
class TemplateHit:
    box: Box
    score: float
    scale: float


class TemplateMatcher:
    """Caches each template (grey, per scale) for the run."""

    def __init__(self, scales: tuple[float, ...] = defaults.IMAGE_SCALES):
        self.scales = scales
        self._cache: dict[tuple[str, float, float], np.ndarray] = {}

    def _template(self, path: Path, scale: float, f: float = 1.0) -> np.ndarray:
        key = (str(path), scale, f)
        if key not in self._cache:
            img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if img is None:
                raise ValueError(f"cannot read image {path}")
            k = scale * f
            if k != 1.0:
                interp = cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
                img = cv2.resize(img, None, fx=k, fy=k, interpolation=interp)
            self._cache[key] = img
        return self._cache[key]

    def match(self, grey: np.ndarray, path: Path, threshold: float,
              max_hits: int = 10) -> tuple[list[TemplateHit], float]:
        """Non-overlapping places where the template matches at >= threshold, best first,
        and the best score seen at any scale (for "not found" messages).

        Coarse to fine: every scale is tried on a quarter- or half-size image (as
        small as keeps the template at least 12 pixels), stopping early at a
        near-perfect score; the best scale's candidate peaks are then re-scored at
        full size in small windows.
        """
        coarse: dict[float, np.ndarray] = {}
        best_scale, best_score, best_map, best_f = None, -1.0, None, 1.0
        for scale in self.scales:
            tpl = self._template(path, scale)
            th, tw = tpl.shape[:2]
            if th > grey.shape[0] or tw > grey.shape[1] or th < 4 or tw < 4:
                continue
            f = next((c for c in COARSE if min(th, tw) * c >= MIN_COARSE_SIDE), 1.0)
            if f not in coarse:
                coarse[f] = grey if f == 1.0 else cv2.resize(
                    grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
            small = self._template(path, scale, f)
            res = cv2.matchTemplate(coarse[f], small, cv2.TM_CCOEFF_NORMED)
            np.nan_to_num(res, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            score = float(res.max())
            if score > best_score:
                best_scale, best_score, best_map, best_f = scale, score, res, f
            if score >= EARLY_EXIT:
                break
        if best_map is None or best_score < threshold - COARSE_SLACK:
            return [], max(0.0, best_score)
        tpl = self._template(path, best_scale)
        th, tw = tpl.shape[:2]
        sh, sw = max(1, int(th * best_f)), max(1, int(tw * best_f))
        res = best_map.copy()
        hits: list[TemplateHit] = []
        best_full = 0.0
        for _ in range(max_hits * 2):
            _, cscore, _, (cx, cy) = cv2.minMaxLoc(res)
            if cscore < threshold - COARSE_SLACK or len(hits) >= max_hits:
                break
            res[max(0, cy - sh + 1):cy + sh, max(0, cx - sw + 1):cx + sw] = -1
            # refine at full size around the coarse peak
            x0 = max(0, int(cx / best_f) - PAD)
            y0 = max(0, int(cy / best_f) - PAD)
            win = grey[y0:y0 + th + 2 * PAD, x0:x0 + tw + 2 * PAD]
            if win.shape[0] < th or win.shape[1] < tw:
                continue
            fine = cv2.matchTemplate(win, tpl, cv2.TM_CCOEFF_NORMED)
            np.nan_to_num(fine, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            _, score, _, (fx, fy) = cv2.minMaxLoc(fine)
            best_full = max(best_full, float(score))
            box = (x0 + int(fx), y0 + int(fy), int(tw), int(th))
            if score >= threshold and not any(overlaps(box, h.box) for h in hits):
                hits.append(TemplateHit(box, float(score), best_scale))
        hits.sort(key=lambda h: -h.score)
        return hits, max(best_full, 0.0) if not hits else hits[0].score
