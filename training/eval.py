"""Evaluate the UI element model and print the table the model card quotes.

    python training/eval.py --fp32 build/model/ui-elements-fp32.onnx \
        --int8 picoagent/models/ui-elements.onnx \
        --synthetic build/elements/val_qt build/elements/val_html \
        --real tests/data/elements [--holdout tests/data/elements_holdout] \
        [--val tests/data/elements_val] [--ablate] [--no-latency] [--json build/eval.json]

Detection runs through the runtime's own code (picoagent.vision.detector), so
pre- and post-processing are the ones users get, including the pixel checks of
picoagent.vision.checks; the int8 model without them is reported beside it.
mAP@0.5 is the VOC all-point average precision, averaged over the classes that
occur in the set.  Beside each mAP and AP of a real set stands its 95 %
bootstrap interval: the set's screens resampled with replacement (--bootstrap,
1000 times, a fixed seed), the percentile interval of the figure over the
resamples.

``--ablate``: for each family of checks in the registry
(picoagent.vision.checks.refine.CHECKS, grouped by check function; and the
pass that drops blank boxes), the real sets evaluated with that family taken
out (its kinds' detections pass through unchecked; the registry is patched in
this process only), with the AP the family adds and the paired bootstrap
interval of that gain (the same resamples for both runs).

Latency is timed as benchmarks/elements.py times it (the screens in turn, round
after round; each screen's median, then the median over the screens): on that
benchmark's screens (``--bench``, the goal's figure) and on the real set's
1280x720 screens, mostly busy web pages.
"""
from __future__ import annotations

import argparse
import importlib
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
BOOTSTRAP = 1000           # resamples of the screens for the 95 % intervals
BOOTSTRAP_SEED = 26        # fixed: every figure of a set is resampled alike (paired differences)


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


def match(found, gts, iou_thr=0.5):
    """Greedy matching, highest score first: (detection, index of its object or -1)."""
    used, out = set(), []
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
        if bj >= 0:
            used.add(bj)
        out.append((d, bj))
    return out


def evaluate(detector: ElementDetector, items, classes, iou_thr=0.5, progress=None,
             locator=False):
    """AP per class at EVAL_THRESHOLD.  With ``locator``, also what a ``kind:``
    locator gets: each class's true and false positives of ``detect`` at the
    runtime's threshold (``rt_tp``, ``rt_fp``)."""
    dets = {c: [] for c in classes}           # (score, hit)
    rt_tp = {c: 0 for c in classes}
    rt_fp = {c: 0 for c in classes}
    n_gt = {c: 0 for c in classes}
    state_ok = state_n = 0
    misses = {c: 0 for c in classes}
    screens = []                              # per screen: ({cls: [(score, hit)]}, {cls: n_gt})
    for k, (png, meta) in enumerate(items):
        with Image.open(png) as im:
            img = np.asarray(im.convert("RGB"))
        found = detector.detect(img, score_threshold=EVAL_THRESHOLD)
        gts = [o for o in meta["objects"] if o["cls"] in n_gt]
        sd = {c: [] for c in classes}
        sg = {c: 0 for c in classes}
        for o in gts:
            n_gt[o["cls"]] += 1
            sg[o["cls"]] += 1
        screens.append((sd, sg))
        used = set()
        for d, bj in match(found, gts, iou_thr):
            hit = bj >= 0
            if hit:
                used.add(bj)
                if gts[bj].get("checked") is not None and d.checked is not None:
                    state_n += 1
                    state_ok += int(bool(gts[bj]["checked"]) == d.checked)
            dets[d.kind].append((d.score, hit))
            sd[d.kind].append((d.score, hit))
        for j, o in enumerate(gts):
            if j not in used:
                misses[o["cls"]] += 1
        if locator:
            for d, bj in match(detector.detect(img), gts, iou_thr):
                if d.kind in rt_tp:
                    (rt_tp if bj >= 0 else rt_fp)[d.kind] += 1
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
            "rt_tp": rt_tp, "rt_fp": rt_fp,
            "screens": len(items), "best_f1": best_f1, "best_f1_threshold": best_thr,
            "per_screen": screens}


def resample_weights(n_screens: int, n: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """[n, n_screens]: how often each screen is drawn in each of ``n`` resamples of
    the screens with replacement (a fixed seed, so that two evaluations of one set
    are resampled alike and their difference is paired)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_screens, size=(n, n_screens))
    w = np.zeros((n, n_screens), np.float64)
    np.add.at(w, (np.arange(n)[:, None], idx), 1.0)
    return w


def bootstrap_ap(per_screen, classes, weights: np.ndarray) -> np.ndarray:
    """[resamples, classes]: AP of each class in each resample of the screens (nan
    where the resample holds no object of the class).  A screen drawn k times counts
    its detections and objects k times, which is the VOC AP of the resampled set."""
    n = weights.shape[0]
    out = np.full((n, len(classes)), np.nan)
    for ci, c in enumerate(classes):
        gt = np.array([g[c] for _, g in per_screen], np.float64)
        n_gt = weights @ gt                                        # [n]
        sid = np.array([s for s, (d, _) in enumerate(per_screen) for _ in d[c]], np.int64)
        if not len(sid):
            out[:, ci] = np.where(n_gt > 0, 0.0, np.nan)
            continue
        sc = np.array([x[0] for d, _ in per_screen for x in d[c]])
        hit = np.array([x[1] for d, _ in per_screen for x in d[c]], np.float64)
        order = np.argsort(-sc, kind="stable")
        sid, hit = sid[order], hit[order]
        w = weights[:, sid]                                        # [n, dets]
        ctp = np.cumsum(w * hit, axis=1)
        cfp = np.cumsum(w * (1 - hit), axis=1)
        prec = ctp / np.maximum(ctp + cfp, 1e-9)
        # all-point interpolation: precision at a recall step is the best at or after it
        mpre = np.maximum.accumulate(prec[:, ::-1], axis=1)[:, ::-1]
        drec = (w * hit) / np.maximum(n_gt, 1e-9)[:, None]
        ap = np.sum(drec * mpre, axis=1)
        out[:, ci] = np.where(n_gt > 0, ap, np.nan)
    return out


def resampled_map(aps: np.ndarray) -> np.ndarray:
    """[resamples]: mAP of each resample, over the classes it holds."""
    with np.errstate(invalid="ignore"):
        return np.nanmean(np.where(np.isnan(aps), np.nan, aps), axis=1)


def interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The percentile interval of bootstrap values (nan where none)."""
    v = values[~np.isnan(values)]
    if not len(v):
        return float("nan"), float("nan")
    a = (1 - level) / 2 * 100
    return float(np.percentile(v, a)), float(np.percentile(v, 100 - a))


def add_intervals(result: dict, classes, weights: np.ndarray) -> np.ndarray:
    """Put 95 % bootstrap intervals into ``result`` (``map50_ci``, ``ap_ci``) and
    give back the per-resample APs (for paired differences)."""
    aps = bootstrap_ap(result["per_screen"], classes, weights)
    result["map50_ci"] = interval(resampled_map(aps))
    result["ap_ci"] = {c: interval(aps[:, i]) for i, c in enumerate(classes)}
    return aps


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


def fmt_ci(v, ci, digits=3):
    """``0.797 [0.752, 0.838]``: a figure and its 95 % bootstrap interval."""
    if ci is None or np.isnan(ci[0]):
        return fmt(v, digits)
    return f"{fmt(v, digits)} [{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"


def _diff(a, b):
    return "n/a" if np.isnan(b) else f"{a - b:+.3f}"


# ---- check ablation: the pixel checks of picoagent.vision.checks, a family at a time ----

def check_families() -> dict[str, tuple[str, ...]]:
    """The check families of the registry (picoagent.vision.checks.refine.CHECKS):
    the kinds each check function serves, by the function's name; and ``blank``,
    the pass that drops boxes with nothing inside."""
    R = importlib.import_module("picoagent.vision.checks.refine")
    fam: dict[str, list[str]] = {}
    for kind, fn in R.CHECKS.items():
        fam.setdefault(fn.__name__.lstrip("_").removeprefix("check_"), []).append(kind)
    out = {k: tuple(v) for k, v in fam.items()}
    out["blank"] = tuple(R.CONTENT_KINDS)
    return out


class without_family:
    """Within the block, the checks of one family are not run: its kinds' model
    detections pass through the checks unchanged (``blank``: no box is dropped as
    blank).  Patches the registry of this process only; nothing is written."""

    def __init__(self, family: str):
        self.family = family

    def __enter__(self):
        R = importlib.import_module("picoagent.vision.checks.refine")
        self._R = R
        if self.family == "blank":
            self._saved = R.is_blank
            R.is_blank = lambda image, box: False
            return self
        kinds = check_families()[self.family]
        self._saved = {k: R.CHECKS[k] for k in kinds}

        def passthrough(image, d, outlines=None):
            return [d], False
        for k in kinds:
            R.CHECKS[k] = passthrough
        return self

    def __exit__(self, *exc):
        if self.family == "blank":
            self._R.is_blank = self._saved
        else:
            self._R.CHECKS.update(self._saved)
        return False


def ablate(detector, sets: dict, base: dict, base_aps: dict, weights: dict, classes) -> dict:
    """For each check family, every set evaluated without it: mAP, the mAP lost by
    taking it out (the full run's minus this one's, with its paired bootstrap
    interval: the same resamples of the screens for both) and the same for the
    family's own kinds' mean AP.  Beside them, the locator's side: the family's kinds'
    true and false positives at the runtime's threshold, with and without it (``base``:
    :func:`evaluate` with ``locator`` of every set)."""
    out = {}
    for fam, kinds in check_families().items():
        out[fam] = {"kinds": list(kinds)}
        ki = [classes.index(k) for k in kinds if k in classes]
        for name, items in sets.items():
            t = time.perf_counter()
            with without_family(fam):
                r = evaluate(detector, items, classes, locator=True)
            aps = add_intervals(r, classes, weights[name])
            full = base_aps[name]
            d_map = resampled_map(full) - resampled_map(aps)
            with np.errstate(invalid="ignore"):
                d_kinds = np.nanmean(full[:, ki], axis=1) - np.nanmean(aps[:, ki], axis=1)
                kinds_full = np.nanmean([base[name]["ap"][classes[i]] for i in ki])
                kinds_wo = np.nanmean([r["ap"][classes[i]] for i in ki])
            out[fam][name] = {
                "map50": r["map50"], "map50_ci": r["map50_ci"],
                "gain_map50": base[name]["map50"] - r["map50"], "gain_map50_ci": interval(d_map),
                "kinds_ap": kinds_wo, "gain_kinds_ap": kinds_full - kinds_wo,
                "gain_kinds_ap_ci": interval(d_kinds),
                "ap": r["ap"], "ap_ci": r["ap_ci"],
                "rt_tp": sum(base[name]["rt_tp"][k] for k in kinds if k in classes),
                "rt_fp": sum(base[name]["rt_fp"][k] for k in kinds if k in classes),
                "rt_tp_without": sum(r["rt_tp"][k] for k in kinds if k in classes),
                "rt_fp_without": sum(r["rt_fp"][k] for k in kinds if k in classes)}
            print(f"  without {fam}: {name} mAP {r['map50']:.3f} "
                  f"({time.perf_counter() - t:.0f} s)", file=sys.stderr, flush=True)
    return out


def print_ablation(abl: dict, set_names: list[str]):
    print()
    print("Check ablation (int8): each family of picoagent/vision/checks taken out in turn; "
          "gain = with it minus without it, 95 % paired bootstrap interval over screens; "
          "a family earns its place on a set where the interval of its gain lies above 0 "
          "(AP), or where it removes more false positives of its kinds at the runtime's "
          "threshold than it loses true ones (locator); tp/fp: its kinds' true / false "
          "positives at the runtime's threshold, with it -> without it")
    print()
    cols = "".join(f" {n}: mAP without | {n}: gain mAP | {n}: gain AP of its kinds |"
                   f" {n}: tp/fp |" for n in set_names)
    print(f"| family | kinds |{cols} earns its place on |")
    print("|---|---" + "|---" * (4 * len(set_names)) + "|---|")
    for fam, r in abl.items():
        cells = ""
        earns = []
        for n in set_names:
            x = r[n]
            cells += (f" {fmt_ci(x['map50'], x['map50_ci'])} | {fmt_ci(x['gain_map50'], x['gain_map50_ci'])} |"
                      f" {fmt_ci(x['gain_kinds_ap'], x['gain_kinds_ap_ci'])} |"
                      f" {x['rt_tp']}/{x['rt_fp']} -> {x['rt_tp_without']}/{x['rt_fp_without']} |")
            lo_m, lo_k = x["gain_map50_ci"][0], x["gain_kinds_ap_ci"][0]
            if (not np.isnan(lo_m) and lo_m > 0) or (not np.isnan(lo_k) and lo_k > 0):
                earns.append(n)
            elif x["rt_fp_without"] - x["rt_fp"] > max(0, x["rt_tp_without"] - x["rt_tp"]):
                earns.append(f"{n} (locator)")
        print(f"| {fam} | {', '.join(r['kinds'])} |{cells} {', '.join(earns) or 'none'} |")


SET_TITLES = {"synthetic": "held-out generated screens", "real": "real screenshots",
              "holdout": "hold-out real screenshots, nothing tuned on them",
              "val": "new real validation set, programs kept out of training"}


def _strip(res):
    """The results without the per-screen records (for --json)."""
    if isinstance(res, dict):
        return {k: _strip(v) for k, v in res.items() if k != "per_screen"}
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fp32", default=None,
                    help="the float model (make model's build/model/ui-elements-fp32.onnx); "
                         "without it the fp32 columns read n/a")
    ap.add_argument("--int8", required=True)
    ap.add_argument("--synthetic", nargs="*", default=[],
                    help="held-out generated screens (build/elements/val_*)")
    ap.add_argument("--real", nargs="+", required=True)
    ap.add_argument("--holdout", nargs="+", default=None,
                    help="a real-screen set nothing was tuned on (tests/data/elements_holdout)")
    ap.add_argument("--val", nargs="+", default=None,
                    help="the real validation set of programs kept out of training "
                         "(tests/data/elements_val)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many synthetic screens")
    ap.add_argument("--bench", default=str(REPO / "tests" / "data" / "corpus"),
                    help="the latency goal's screens: the 1280x720 PNGs here "
                         "(benchmarks/elements.py's; default tests/data/corpus)")
    ap.add_argument("--no-latency", action="store_true", help="leave the latency rows out")
    ap.add_argument("--ablate", action="store_true",
                    help="also evaluate the real sets with each check family taken out in turn")
    ap.add_argument("--bootstrap", type=int, default=BOOTSTRAP,
                    help=f"resamples of the screens for the 95 %% intervals (default {BOOTSTRAP})")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)

    # as picoagent runs them: the model, then the pixel checks of picoagent.vision.checks
    fp32 = ElementDetector(a.fp32, threads=1) if a.fp32 else None
    int8 = ElementDetector(a.int8, threads=1)
    bare = ElementDetector(a.int8, threads=1, verify=False)       # the model alone
    classes = int8.kinds
    sets = {"synthetic": load_set(a.synthetic, a.limit) if a.synthetic else [],
            "real": load_set(a.real),
            "holdout": load_set(a.holdout) if a.holdout else [],
            "val": load_set(a.val) if a.val else []}
    for name, roots in (("synthetic", a.synthetic), ("real", a.real), ("holdout", a.holdout),
                        ("val", a.val)):
        if roots and not sets[name]:
            sys.exit(f"no samples in the {name} set: {' '.join(roots)}")
    sets = {k: v for k, v in sets.items() if v}
    print("evaluating on " + ", ".join(f"{len(v)} {k} screens" for k, v in sets.items()),
          file=sys.stderr)
    weights = {k: resample_weights(len(v), a.bootstrap) for k, v in sets.items()}
    res, aps = {}, {}
    for name, det in (("int8", int8), ("fp32", fp32), ("int8_model_only", bare)):
        if det is None:
            continue
        res[name], aps[name] = {}, {}
        for sname, items in sets.items():
            # with --ablate, the int8 run of the real sets also counts what a locator
            # gets: the ablation's baseline
            res[name][sname] = evaluate(det, items, classes,
                                        progress=100 if sname == "synthetic" else None,
                                        locator=a.ablate and name == "int8"
                                        and sname != "synthetic")
            aps[name][sname] = add_intervals(res[name][sname], classes, weights[sname])
    real = sets["real"]
    lat = {}
    bench_imgs = imgs = []
    if not a.no_latency:
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
                "ap": {c: float("nan") for c in classes}, "best_f1": float("nan"),
                "best_f1_threshold": float("nan")}
        res["fp32"] = {k: none for k in res["int8"]}

    names = list(sets)
    r8, r32, rb = res["int8"], res["fp32"], res["int8_model_only"]
    print()
    print("int8 / fp32: the model and the pixel checks, as picoagent runs it; "
          "model only: the int8 model's own detections; "
          f"[a, b]: 95 % bootstrap interval over screens ({a.bootstrap} resamples)")
    print()
    print("| figure | int8 (shipped) | fp32 | int8 model only |")
    print("|---|---|---|---|")
    for n in names:
        print(f"| mAP@0.5, {SET_TITLES[n]} ({r8[n]['screens']}) | {fmt_ci(r8[n]['map50'], r8[n]['map50_ci'])} "
              f"| {fmt_ci(r32[n]['map50'], r32[n].get('map50_ci'))} | {fmt_ci(rb[n]['map50'], rb[n]['map50_ci'])} |")
    print(f"| int8 - fp32 mAP@0.5 ({' / '.join(names)}) | {' / '.join(_diff(r8[n]['map50'], r32[n]['map50']) for n in names)} | | |")
    state8 = " / ".join(f"{fmt(r8[n]['state_acc'])} ({r8[n]['state_n']})" for n in names)
    state32 = " / ".join(fmt(r32[n]["state_acc"]) for n in names)
    stateb = " / ".join(fmt(rb[n]["state_acc"]) for n in names)
    print(f"| checked-state accuracy, matched elements ({' / '.join(names)}) | {state8} | {state32} | {stateb} |")
    f1_8 = " / ".join(f"{r8[n]['best_f1']:.3f} @ {r8[n]['best_f1_threshold']:.2f}" for n in names)
    f1_b = " / ".join(f"{rb[n]['best_f1']:.3f}" for n in names)
    print(f"| best F1 over all classes ({' / '.join(names)}), at score | {f1_8} | | {f1_b} |")
    print(f"| model file | {size8:.2f} MB | {fmt(size32, 2, ' MB')} | |")
    if lat:
        print(f"| latency 1280x720, --threads 1, pre+infer+post, median over the benchmark's {len(bench_imgs)} screens | {lat['bench_int8']:.1f} ms | {fmt(lat['bench_fp32'], 1, ' ms')} | {lat['bench_model_only']:.1f} ms |")
        print(f"| the same, median over the real set's {len(imgs)} 1280x720 screens | {lat['real_int8']:.1f} ms | {fmt(lat['real_fp32'], 1, ' ms')} | {lat['real_model_only']:.1f} ms |")
    print()
    print("AP@0.5 per class (int8: with the checks; model: the int8 model alone; fp32 with the checks on the real set)")
    print()
    head = "".join(f" {n} int8 | {n} model |" for n in names if n != "synthetic")
    syn = " generated int8 |" if "synthetic" in names else ""
    print(f"| class |{syn}{head} real fp32 | objects {' / '.join(names)} |")
    print("|---" * (2 + len(syn) // 10 + 2 * len([n for n in names if n != 'synthetic']) + 1) + "|")
    for c in classes:
        cells = f" {fmt(r8['synthetic']['ap'][c])} |" if syn else ""
        for n in names:
            if n == "synthetic":
                continue
            cells += (f" {fmt_ci(r8[n]['ap'][c], r8[n]['ap_ci'][c])} |"
                      f" {fmt_ci(rb[n]['ap'][c], rb[n]['ap_ci'][c])} |")
        print(f"| {c} |{cells} {fmt(r32['real']['ap'][c])} | {' / '.join(str(r8[n]['n_gt'][c]) for n in names)} |")
    abl = None
    if a.ablate:
        real_sets = {n: sets[n] for n in names if n != "synthetic"}
        abl = ablate(int8, real_sets, r8, aps["int8"], weights, classes)
        print_ablation(abl, list(real_sets))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"results": _strip(res), "latency_ms": lat,
                                            "size_mb": {"int8": size8, "fp32": size32},
                                            "bootstrap": {"resamples": a.bootstrap,
                                                          "seed": BOOTSTRAP_SEED, "level": 0.95},
                                            "ablation": abl,
                                            "latency_bench": a.bench},
                                           indent=1, default=float))


if __name__ == "__main__":
    main()
