#!/usr/bin/env python3
"""Threads: what perception costs at 1, 2, ... onnxruntime intra-op threads
(`Vision(threads=N)`, the CLI's --threads), in one process, against the first
count measured in the same run.

Four figures on the real screens of tests/data/corpus_sizes at one size:
a cold text find (`Vision.find` on a new screen), what a click step's locate
costs (the same with prefer="press", which also asks the element model),
PP-OCR's neural text detection over the whole frame in one call
(`Vision.ocr.detect`), and `Vision.elements` on a new screen.  Each thread count
is timed on a screen in turn, round after round, so a slow spell falls on all
counts alike.  Wall time is what a step waits; CPU time is what the other
programs on the board lose.

    .venv/bin/python benchmarks/threads.py [--threads 1,2] [--size 1280x720] [--rounds 2]

Run it without taskset: pinned to one core, a second thread cannot help.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# benchmarks/screen_sizes.py
from screen_sizes import BASE, load_corpus, loaded, machine, time_elements, time_find

FIGURES = ("cold text find", "click-step locate (prefer=press)",
           "neural text detection, whole frame", "elements (model + checks)")


def timed(fn, *args, **kw):
    """(wall, process CPU) seconds of ``fn(*args, **kw)``, and what it returned."""
    c, t = time.process_time(), time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, time.process_time() - c, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2", help="comma-separated counts (1,2)")
    ap.add_argument("--size", default=BASE, help=f"screen size of the corpus ({BASE})")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    counts = [int(n) for n in args.threads.split(",")]
    print(f"machine: {machine()}; threads {counts}, {args.size}, {args.rounds} rounds; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    screens = load_corpus([args.size])[args.size]
    shared = {n: loaded(n) for n in counts}
    wall = {(n, f): [] for n in counts for f in FIGURES}
    cpu = {(n, f): [] for n in counts for f in FIGURES}
    hits = {n: 0 for n in counts}

    def record(n, f, fn, *a, **kw):
        w, c, out = timed(fn, *a, **kw)
        wall[n, f].append(w)
        cpu[n, f].append(c)
        return out

    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}...", flush=True)
        for s in screens:
            img = s["rgb"]
            for n in counts:
                v = shared[n]
                for tg in s["targets"]:
                    _, hit = record(n, FIGURES[0], time_find, v, img, tg)
                    hits[n] += hit if r == 0 else 0
                    record(n, FIGURES[1], time_find, v, img, tg, prefer="press")
                record(n, FIGURES[2], v.ocr.detect, img)
                record(n, FIGURES[3], time_elements, v, img)
    n_targets = sum(len(s["targets"]) for s in screens)
    base = counts[0]
    head = ["figure (median)"] + [f"{n} thread{'s' if n > 1 else ''}" for n in counts] + \
        [f"{n} vs {base}" for n in counts[1:]] + [f"CPU/wall at {n}" for n in counts]
    print(f"\n{len(screens)} screens at {args.size}, {n_targets} targets; load average "
          f"{os.getloadavg()[0]:.1f}; hit rate " +
          ", ".join(f"{hits[n]}/{n_targets} at {n}" for n in counts) + "\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    fig = {}
    for f in FIGURES:
        med = {n: statistics.median(wall[n, f]) * 1000 for n in counts}
        load = {n: sum(cpu[n, f]) / sum(wall[n, f]) for n in counts}
        fig[f] = {"median_ms": med, "cpu_per_wall": load}
        print("| " + " | ".join([f] + [f"{med[n]:.1f} ms" for n in counts] +
                                [f"{med[n] / med[base]:.2f}x" for n in counts[1:]] +
                                [f"{load[n]:.2f}" for n in counts]) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps({"hits": hits, "figures": fig}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
