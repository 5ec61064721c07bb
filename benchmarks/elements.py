"""UI element model latency, against baselines measured in the same run.

    .venv/bin/python benchmarks/elements.py [--threads 1] [--runs 15]

For each real 1280x720 screenshot of the corpus (tests/data/corpus) it times,
with the same onnxruntime session settings and thread count:

* the shipped int8 model, pre + infer + post + the pixel checks of
  picoagent.vision.verify (what `kind:` locators cost on a new screen), and the
  same without the pixel checks (what those checks add);
* the same call on an unchanged screen through Vision's cache;
* the float model it was quantised from (build/model/ui-elements-fp32.onnx, if
  `make model` has been run here);
* PP-OCR's text detector on the whole frame (the OCR stage every text locator
  already pays), as a yardstick a reader knows.

It prints medians and ratios; the machine is noisy, so compare ratios, not
absolute numbers, across machines.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from picoagent.vision import Frame, Vision  # noqa: E402
from picoagent.vision.detector import ElementDetector  # noqa: E402
from picoagent.vision.frame import as_rgb_array  # noqa: E402
from picoagent.vision.ocr import OcrEngine  # noqa: E402

FP32 = REPO / "build" / "model" / "ui-elements-fp32.onnx"


def median_ms(fn, runs):
    fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args(argv)

    shots = sorted((REPO / "tests" / "data" / "corpus").glob("*.png"))
    imgs = [(p.name, as_rgb_array(p)) for p in shots]
    imgs = [(n, im) for n, im in imgs if im.shape[:2] == (720, 1280)]
    int8 = ElementDetector(threads=a.threads)
    bare = ElementDetector(threads=a.threads, verify=False)
    fp32 = ElementDetector(FP32, threads=a.threads) if FP32.is_file() else None
    ocr = OcrEngine(threads=a.threads)
    vision = Vision(threads=a.threads, ocr=ocr, detector=int8)
    rows = []
    for name, img in imgs:
        r = {"screen": name,
             "int8": median_ms(lambda: int8.detect(img), a.runs),
             "bare": median_ms(lambda: bare.detect(img), a.runs),
             "ocr_det": median_ms(lambda: ocr.detect(img), max(3, a.runs // 3))}
        vision.elements(Frame(img))
        r["cached"] = median_ms(lambda: vision.elements(Frame(img.copy())), a.runs)
        if fp32:
            r["fp32"] = median_ms(lambda: fp32.detect(img), a.runs)
        r["n"] = len(int8.detect(img))
        rows.append(r)
    print(f"threads {a.threads}, {len(rows)} real 1280x720 screens, median of {a.runs} runs\n")
    print(f"{'screen':24} {'int8':>8} {'no checks':>10} {'fp32':>8} {'PP-OCR det':>11} "
          f"{'cached':>8} {'elements':>9}")
    for r in rows:
        fp = f"{r['fp32']:8.1f}" if "fp32" in r else f"{'-':>8}"
        print(f"{r['screen']:24} {r['int8']:8.1f} {r['bare']:10.1f} {fp} {r['ocr_det']:11.1f} "
              f"{r['cached']:8.2f} {r['n']:9d}")
    med = {k: statistics.median(r[k] for r in rows) for k in ("int8", "bare", "ocr_det", "cached")}
    print(f"\nmedian int8 model, new screen:   {med['int8']:.1f} ms (goal <= 30 ms)")
    print(f"median without the pixel checks: {med['bare']:.1f} ms "
          f"(checks add {med['int8'] / med['bare']:.2f}x)")
    print(f"median, unchanged screen (cache): {med['cached']:.2f} ms "
          f"({med['int8'] / med['cached']:.0f}x cheaper)")
    print(f"PP-OCR text detection / int8 element model: {med['ocr_det'] / med['int8']:.1f}x")
    if fp32:
        mf = statistics.median(r["fp32"] for r in rows)
        print(f"fp32 / int8: {mf / med['int8']:.2f}x  (fp32 median {mf:.1f} ms)")
    print(f"model file: {int8.path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
