#!/usr/bin/env python3
"""Connected components: OpenCV's default 8-connected algorithm against BBDT,
the one picoagent/vision/components.py asks for, on the masks the fast text path
labels (the stroke masks of the corpus screens), in turns in one run.

    .venv/bin/python benchmarks/components.py [--rounds 5]

Prints the median time a mask for both, the ratio, and whether labels and stats
are identical.  Figures, not assertions: the machine is noisy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from picoagent.vision.components import components  # noqa: E402
from picoagent.vision.frame import as_rgb_array  # noqa: E402
from picoagent.vision.textcache import QUICK_GRADIENT  # noqa: E402


def stroke_mask(rgb: np.ndarray) -> np.ndarray:
    """The first mask quick_text_boxes labels."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grad = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((2, 2), np.uint8))
    return (grad > QUICK_GRADIENT).astype(np.uint8)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    paths = sorted((ROOT / "tests" / "data" / "corpus").glob("*.png"))
    paths += sorted((ROOT / "tests" / "data" / "corpus_sizes").rglob("*.png"))
    masks = [stroke_mask(as_rgb_array(p)) for p in paths]
    same = all(
        all(np.array_equal(x, y) for x, y in zip(cv2.connectedComponentsWithStats(m, connectivity=8),
                                                  components(m)))
        for m in masks)
    times: dict[str, list[float]] = {"default": [], "bbdt": []}
    for _ in range(a.rounds):
        for name, fn in (("default", lambda m: cv2.connectedComponentsWithStats(m, connectivity=8)),
                         ("bbdt", components)):
            t = time.perf_counter()
            for m in masks:
                fn(m)
            times[name].append((time.perf_counter() - t) / len(masks) * 1000)
    d, b = statistics.median(times["default"]), statistics.median(times["bbdt"])
    print(f"{len(masks)} stroke masks (corpus screens, 800x480 to 1920x1080), "
          f"OpenCV {cv2.__version__}, {a.rounds} rounds")
    print(f"default (8-connected)  {d:.2f} ms a mask")
    print(f"BBDT                   {b:.2f} ms a mask   {b / d:.2f}x the time")
    print(f"identical labels and stats: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
