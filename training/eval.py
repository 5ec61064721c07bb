"""Evaluate the UI element model and print the table the model card quotes.

    python training/eval.py --fp32 build/model/ui-elements-fp32.onnx \
        --int8 picoagent/models/ui-elements.onnx \
        --synthetic build/elements/val_qt build/elements/val_html \
        --real tests/data/elements [--holdout tests/data/elements_holdout] [--json build/eval.json]

Detection runs through the runtime's own code (picoagent.vision.detector), so
pre- and post-processing are the ones users get, including the pixel checks of
checkbox / radio / text field detections (picoagent.vision.checks); the int8
model without them is reported beside it.  mAP@0.5 is the VOC all-point
average precision, averaged over the classes that occur in the set.

Latency is timed as benchmarks/elements.py times it (the screens in turn, round
after round; each screen's median, then the median over the screens): on that
benchmark's screens (``--bench``, the goal's figure) and on the real set's
1280x720 screens, mostly busy web pages.
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from picoagent.vision.detector import ElementDetector  # noqa: E402

EVAL_THRESHOLD = 0.05      # keep low-confidence detections: AP integrates over them


def load_set(roots, limit=None):
    items = []
    for r in roots:
        for j in sorted(Path(r).rglob("*.json")):
            png = j.with_suffix(".png")
            if not png.exists():
                continue
            meta = json.loads(j.read_text())
            if "objects" not in meta:
                continue
            items.append((png, meta))
    return items[:limit] if limit else items


def iou_xyxy(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


def average_precision(tp: np.ndarray, scores: np.ndarray, n_gt: int) -> float:
    """VOC all-point interpolated AP from per-detection hit flags and scores."""
    if n_gt == 0:
        return float("nan")
    if len(scores) == 0:
        return 0.0
    order = np.argsort(-scores, kind="stable")
    tp = tp[order].astype(np.float64)
    ctp = np.cumsum(tp)
    cfp = np.cumsum(1 - tp)
    rec = ctp / n_gt
    prec = ctp / np.maximum(ctp + cfp, 1e-9)
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[0.0], prec, [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    i = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def evaluate(detector: ElementDetector, items, classes, iou_thr=0.5, progress=None):
    dets = {c: [] for c in classes}           # (score, hit)
    n_gt = {c: 0 for c in classes}
    state_ok = state_n = 0
    misses = {c: 0 for c in classes}
    for k, (png, meta) in enumerate(items):
        with Image.open(png) as im:
            img = np.asarray(im.convert("RGB"))
        found = detector.detect(img, score_threshold=EVAL_THRESHOLD)
        gts = [o for o in meta["objects"] if o["cls"] in n_gt]
        for o in gts:
            n_gt[o["cls"]] += 1
        used = set()
        for d in sorted(found, key=lambda d: -d.score):
            x, y, w, h = d.box
            db = (x, y, x + w, y + h)
            best, bj = iou_thr, -1
            for j, o in enumerate(gts):
                if j in used or o["cls"] != d.kind:
                    continue
                v = iou_xyxy(db, o["box"])
                if v >= best:
                    best, bj = v, j
            hit = bj >= 0
            if hit:
                used.add(bj)
                if gts[bj].get("checked") is not None and d.checked is not None:
                    state_n += 1
                    state_ok += int(bool(gts[bj]["checked"]) == d.checked)
            dets[d.kind].append((d.score, hit))
        for j, o in enumerate(gts):
            if j not in used:
                misses[o["cls"]] += 1
        if progress and (k + 1) % progress == 0:
            print(f"  {k + 1}/{len(items)} screens", file=sys.stderr, flush=True)
    # the score threshold with the best F1 over all classes (for the metadata default)
    alld = sorted((sc, hit) for c in classes for sc, hit in dets[c])
    total_gt = sum(n_gt.values())
    best_f1, best_thr = 0.0, 0.35
    tp = sum(h for _, h in alld)
    n = len(alld)
    for i, (sc, hit) in enumerate(alld):      # threshold = sc keeps alld[i:]
        prec = tp / max(1, n - i)
        rec = tp / max(1, total_gt)
        f1 = 2 * prec * rec / max(1e-9, prec + rec)
        if f1 > best_f1:
            best_f1, best_thr = f1, sc
        tp -= hit
    ap = {}
    for c in classes:
        if dets[c]:
            s = np.array([d[0] for d in dets[c]])
            t = np.array([d[1] for d in dets[c]])
        else:
            s, t = np.zeros(0), np.zeros(0)
        ap[c] = average_precision(t, s, n_gt[c])
    valid = [v for v in ap.values() if not np.isnan(v)]
    return {"map50": float(np.mean(valid)) if valid else float("nan"), "ap": ap, "n_gt": n_gt,
            "state_acc": state_ok / state_n if state_n else float("nan"), "state_n": state_n,
            "screens": len(items), "best_f1": best_f1, "best_f1_threshold": best_thr}


def latency(detector: ElementDetector, images: list, runs=15) -> float:
    """Milliseconds a frame: the median over ``images`` of each one's median time
    of ``detector.detect``, the images taken in turn, round after round (a new
    screen each call, and a slow spell of the machine shared by all of them, as
    benchmarks/elements.py times them)."""
    for img in images:
        detector.detect(img)
    ts = [[] for _ in images]
    for _ in range(runs):
        for i, img in enumerate(images):
            t = time.perf_counter()
            detector.detect(img)
            ts[i].append(time.perf_counter() - t)
    return statistics.median(statistics.median(t) for t in ts) * 1000


def fmt(v, digits=3, unit=""):
    return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.{digits}f}{unit}"


def _diff(a, b):
    return "n/a" if np.isnan(b) else f"{a - b:+.3f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fp32", default=None,
                    help="the float model (make model's build/model/ui-elements-fp32.onnx); "
                         "without it the fp32 columns read n/a")
    ap.add_argument("--int8", required=True)
    ap.add_argument("--synthetic", nargs="+", required=True)
    ap.add_argument("--real", nargs="+", required=True)
    ap.add_argument("--holdout", nargs="+", default=None,
                    help="a real-screen set nothing was tuned on (tests/data/elements_holdout)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many synthetic screens")
    ap.add_argument("--bench", default=str(REPO / "tests" / "data" / "corpus"),
                    help="the latency goal's screens: the 1280x720 PNGs here "
                         "(benchmarks/elements.py's; default tests/data/corpus)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)

    # as picoagent runs them: the model, then the pixel checks of picoagent.vision.checks
    fp32 = ElementDetector(a.fp32, threads=1) if a.fp32 else None
    int8 = ElementDetector(a.int8, threads=1)
    bare = ElementDetector(a.int8, threads=1, verify=False)       # the model alone
    classes = int8.kinds
    syn = load_set(a.synthetic, a.limit)
    real = load_set(a.real)
    if not syn or not real:
        sys.exit(f"no samples: synthetic {len(syn)}, real {len(real)}")
    print(f"evaluating on {len(syn)} held-out generated screens and {len(real)} real screens",
          file=sys.stderr)
    hold = load_set(a.holdout) if a.holdout else []
    if a.holdout and not hold:
        sys.exit(f"no samples in the hold-out set: {' '.join(a.holdout)}")
    res = {}
    for name, det in (("int8", int8), ("fp32", fp32), ("int8_model_only", bare)):
        if det is None:
            continue
        res[name] = {"synthetic": evaluate(det, syn, classes, progress=100),
                     "real": evaluate(det, real, classes)}
        if hold:
            res[name]["holdout"] = evaluate(det, hold, classes)
    # latency: the goal's, on the benchmark's screens (benchmarks/elements.py); and on
    # the real set's 1280x720 screens (else its first, scaled to that)
    def frames(pngs):
        out = []
        for png in pngs:
            with Image.open(png) as im:
                im = im.convert("RGB")
                out.append(np.asarray(im if im.size == (1280, 720) else im.resize((1280, 720))))
        return out

    bench_imgs = [im for im in frames(sorted(Path(a.bench).glob("*.png")))
                  if im.shape[:2] == (720, 1280)]
    if not bench_imgs:
        sys.exit(f"no 1280x720 screens in {a.bench} (--bench)")
    lat_imgs = [png for png, meta in real
                if (meta.get("width"), meta.get("height")) == (1280, 720)] or [real[0][0]]
    imgs = frames(lat_imgs)
    lat = {name: latency(det, ims) if det else float("nan")
           for ims, key in ((bench_imgs, "bench"), (imgs, "real"))
           for name, det in ((f"{key}_int8", int8), (f"{key}_fp32", fp32),
                             (f"{key}_model_only", bare))}
    size8 = os.path.getsize(a.int8) / 1e6
    size32 = os.path.getsize(a.fp32) / 1e6 if fp32 else float("nan")
    if not fp32:      # the same keys, every figure n/a
        none = {"map50": float("nan"), "state_acc": float("nan"), "state_n": 0,
                "ap": {c: float("nan") for c in classes}}
        res["fp32"] = {k: none for k in res["int8"]}

    s8, r8 = res["int8"]["synthetic"], res["int8"]["real"]
    s32, r32 = res["fp32"]["synthetic"], res["fp32"]["real"]
    sb, rb = res["int8_model_only"]["synthetic"], res["int8_model_only"]["real"]
    print()
    print("int8 / fp32: the model and the pixel checks, as picoagent runs it; "
          "model only: the int8 model's own detections")
    print()
    print("| figure | goal | int8 (shipped) | fp32 | int8 model only |")
    print("|---|---|---|---|---|")
    print(f"| mAP@0.5, held-out generated screens ({s8['screens']}) | >= 0.85 | {fmt(s8['map50'])} | {fmt(s32['map50'])} | {fmt(sb['map50'])} |")
    print(f"| mAP@0.5, real screenshots ({r8['screens']}) | >= 0.60 | {fmt(r8['map50'])} | {fmt(r32['map50'])} | {fmt(rb['map50'])} |")
    if hold:
        h8, h32, hb = (res[k]["holdout"] for k in ("int8", "fp32", "int8_model_only"))
        print(f"| mAP@0.5, hold-out real screenshots ({h8['screens']}), nothing tuned on them | | {fmt(h8['map50'])} | {fmt(h32['map50'])} | {fmt(hb['map50'])} |")
    print(f"| int8 - fp32 mAP@0.5 (generated / real) | drop <= 0.02 | {_diff(s8['map50'], s32['map50'])} / {_diff(r8['map50'], r32['map50'])} | | |")
    print(f"| checked-state accuracy, matched elements (generated / real) | | {fmt(s8['state_acc'])} ({s8['state_n']}) / {fmt(r8['state_acc'])} ({r8['state_n']}) | {fmt(s32['state_acc'])} / {fmt(r32['state_acc'])} | {fmt(sb['state_acc'])} / {fmt(rb['state_acc'])} |")
    print(f"| best F1 over all classes (generated / real), at score | | {s8['best_f1']:.3f} @ {s8['best_f1_threshold']:.2f} / {r8['best_f1']:.3f} @ {r8['best_f1_threshold']:.2f} | | {sb['best_f1']:.3f} / {rb['best_f1']:.3f} |")
    print(f"| model file | <= 3 MB | {size8:.2f} MB | {fmt(size32, 2, ' MB')} | |")
    print(f"| latency 1280x720, --threads 1, pre+infer+post, median over the benchmark's {len(bench_imgs)} screens | <= 30 ms | {lat['bench_int8']:.1f} ms | {fmt(lat['bench_fp32'], 1, ' ms')} | {lat['bench_model_only']:.1f} ms |")
    print(f"| the same, median over the real set's {len(imgs)} 1280x720 screens | | {lat['real_int8']:.1f} ms | {fmt(lat['real_fp32'], 1, ' ms')} | {lat['real_model_only']:.1f} ms |")
    print()
    hh = " AP hold-out (int8) |" if hold else ""
    print(f"| class | AP generated (int8) | AP real (int8) | AP real (fp32) | AP real (int8 model only) |{hh} objects generated / real{' / hold-out' if hold else ''} |")
    print("|---" * (7 if hold else 6) + "|")
    for c in classes:
        hc = f" {fmt(h8['ap'][c])} |" if hold else ""
        hn = f" / {h8['n_gt'][c]}" if hold else ""
        print(f"| {c} | {fmt(s8['ap'][c])} | {fmt(r8['ap'][c])} | {fmt(r32['ap'][c])} | {fmt(rb['ap'][c])} |{hc} {s8['n_gt'][c]} / {r8['n_gt'][c]}{hn} |")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"results": res, "latency_ms": lat,
                                            "size_mb": {"int8": size8, "fp32": size32},
                                            "latency_bench": a.bench,
                                            "latency_real_images": [str(p) for p in lat_imgs]},
                                           indent=1, default=float))


if __name__ == "__main__":
    main()
