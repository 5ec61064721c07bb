#!/usr/bin/env python3
"""Screen sizes: what cold text finds and the UI element model cost at 800x480
(the Raspberry Pi 7-inch touchscreen), 1280x720 and 1920x1080 (HDMI monitors),
on the same real programs captured at each size (tests/data/corpus_sizes), in
one process, against 1280x720 measured in the same run.

A cold find is `Vision.find` on a new screen (a new Vision sharing the loaded
models); `elements` is `Vision.elements` on a new screen.  Sizes are timed in
turn, screen by screen and round after round, so a slow spell of the machine
falls on all sizes alike.  Costs compare the targets present at all three sizes
(a few of the fixed-size web pages' targets lie off the 7-inch screen); the hit
rate counts every target of a size (a hit: the found element's box holds the
true target centre).

    taskset -c 0 .venv/bin/python benchmarks/screen_sizes.py [--threads 1] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perception import centre, contains, machine  # benchmarks/perception.py

from picoagent.vision import Frame, Vision

CORPUS = ROOT / "tests" / "data" / "corpus_sizes"
BASE = "1280x720"


def load_corpus(sizes: list[str] | None = None) -> dict[str, list[dict]]:
    """size -> screens, each with its RGB array under "rgb"."""
    data = json.loads((CORPUS / "sizes.json").read_text())["sizes"]
    out = {}
    for size, v in data.items():
        if sizes and size not in sizes:
            continue
        out[size] = [{**s, "rgb": np.asarray(Image.open(CORPUS / s["image"]).convert("RGB"))}
                     for s in v["screens"]]
    return out


def pixels(size: str) -> int:
    w, h = map(int, size.split("x"))
    return w * h


def loaded(threads: int) -> Vision:
    """A Vision whose OCR and element model sessions are built (a find and an
    elements call on a small real screen)."""
    v = Vision(threads=threads)
    img = np.asarray(Image.open(ROOT / "tests" / "data" / "corpus" / "xmessage.png")
                     .convert("RGB"))
    v.find(img, "Proceed?")
    v.elements(Frame(img))
    return v


def cold(shared: Vision) -> Vision:
    """A Vision with nothing remembered, sharing ``shared``'s loaded models."""
    return Vision(ocr=shared.ocr, detector=shared.detector)


def time_find(shared: Vision, img: np.ndarray, target: dict, **kw) -> tuple[float, bool]:
    """Seconds for a cold find of ``target`` on ``img``, and whether it hit."""
    v, frame = cold(shared), Frame(img)
    t = time.perf_counter()
    m = v.find(frame, target["text"], **kw)
    took = time.perf_counter() - t
    return took, m is not None and contains(m.element.box, centre(target["box"]))


def time_elements(shared: Vision, img: np.ndarray) -> float:
    v, frame = cold(shared), Frame(img)
    t = time.perf_counter()
    v.elements(frame)
    return time.perf_counter() - t


def ms(xs) -> float:
    return statistics.median(xs) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    print(f"machine: {machine()}; --threads {args.threads}, {args.rounds} rounds; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    corpus = load_corpus()
    sizes = sorted(corpus, key=pixels)
    common = set.intersection(*({(s["image"].split("/", 1)[1], t["text"])
                                 for s in corpus[z] for t in s["targets"]} for z in sizes))
    shared = loaded(args.threads)
    finds = {z: [] for z in sizes}             # seconds, common targets only
    elems = {z: [] for z in sizes}
    hits = {z: 0 for z in sizes}
    names = [s["image"].split("/", 1)[1] for s in corpus[BASE]]
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}...", flush=True)
        for name in names:
            for z in sizes:
                s = next((s for s in corpus[z] if s["image"].endswith("/" + name)), None)
                if s is None:
                    continue
                for tg in s["targets"]:
                    took, hit = time_find(shared, s["rgb"], tg)
                    if (name, tg["text"]) in common:
                        finds[z].append(took)
                    if r == 0:
                        hits[z] += hit
                elems[z].append(time_elements(shared, s["rgb"]))
    base_find, base_mean, base_el = (ms(finds[BASE]), statistics.mean(finds[BASE]) * 1000,
                                     ms(elems[BASE]))
    rows, fig = [], {}
    for z in sizes:
        n = sum(len(s["targets"]) for s in corpus[z])
        f_med, f_mean, el = ms(finds[z]), statistics.mean(finds[z]) * 1000, ms(elems[z])
        px = pixels(z) / pixels(BASE)
        fig[z] = {"pixels_vs_base": px, "hits": hits[z], "targets": n, "screens": len(corpus[z]),
                  "find_median_ms": f_med, "find_mean_ms": f_mean, "elements_median_ms": el}
        rows.append((z, f"{px:.2f}x", f"{hits[z]}/{n}", f"{f_med:.0f} ms",
                     f"{f_med / base_find:.2f}x", f"{f_mean:.0f} ms",
                     f"{f_mean / base_mean:.2f}x", f"{el:.1f} ms", f"{el / base_el:.2f}x"))
    head = ("size", "pixels vs 1280x720", "hit rate", "cold find median", "vs 1280x720",
            "cold find mean", "vs 1280x720", "elements median", "vs 1280x720")
    print(f"\n{len(common)} targets present at every size; {len(names)} screens a size; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
