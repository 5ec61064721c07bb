"""`picoagent bench`: time each perception stage on this device and suggest settings."""
from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

from . import defaults
from .vision.frame import Frame, as_rgb_array
from .vision.ocr import OcrEngine
from .vision.textcache import TextCache
from .vision.vision import Vision

BUNDLED = Path(__file__).resolve().parent / "data" / "bench_screen.png"


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_bench(image: str | os.PathLike | None = None, *, threads: int | str = 1,
              target: str | None = None, live: bool = False, repeat: int = 3,
              template: str | os.PathLike | None = None, screen=None,
              backend: str | None = None, budget_ms: float | None = None) -> dict:
    """Time grab, diff, detection, recognition, lazy find (cold/warm) and templates.

    ``live`` measures on ``screen`` (opened by the caller, who closes it) and names
    its ``backend``.  ``budget_ms``: also break one step down by stage (:func:`budget`)
    and say which stage breaks that budget.  Returns a dict of figures (milliseconds
    unless named otherwise).
    """
    out: dict = {"threads": defaults.resolve_threads(threads), "cpus": os.cpu_count()}
    if threads == "auto":
        out["threads_auto"] = defaults.describe_threads(threads)
    threads = out["threads"]
    if live:
        out["backend"] = backend or "x11"
        out["grab_ms"] = _median_ms(screen.grab, max(5, repeat))
        img = screen.grab().image
        out["source"] = "live screen"
    else:
        path = Path(image) if image else BUNDLED
        img = as_rgb_array(path)
        out["source"] = str(path)
    out["size"] = f"{img.shape[1]}x{img.shape[0]}"
    t = time.perf_counter()
    ocr = OcrEngine(threads=threads)
    ocr._load()
    out["model_load_ms"] = (time.perf_counter() - t) * 1000

    # change detection: an unchanged frame
    cache = TextCache(ocr)
    cache.update(img)
    same = img.copy()
    out["diff_unchanged_ms"] = _median_ms(lambda: cache.update(same), 20)

    # detection, cold, whole frame (tiles)
    def detect_cold():
        c = TextCache(ocr)
        c.update(img)
        return c.boxes((0, 0, img.shape[1], img.shape[0]))

    out["detect_frame_ms"] = _median_ms(detect_cold, repeat)
    boxes = detect_cold()
    out["text_boxes"] = len(boxes)

    # recognition per box
    n = min(len(boxes), 24)
    if n:
        out["recognise_per_box_ms"] = _median_ms(lambda: ocr.recognize(img, boxes[:n]),
                                                 repeat) / n

    # a text target: cold (new screen) and warm (unchanged screen)
    if target is None:
        lines = ocr.recognize(img, boxes[:n]) if n else []
        words = [ln.text for ln in lines if 3 <= len(ln.text) <= 20]
        target = words[len(words) // 2] if words else None
    if target:
        out["target"] = target

        def cold():
            v = Vision(threads=threads, ocr=ocr)
            return v.find(Frame(img), target)

        out["find_cold_ms"] = _median_ms(cold, repeat)
        v = Vision(threads=threads, ocr=ocr)
        v.find(Frame(img), target)
        out["find_warm_ms"] = _median_ms(lambda: v.find(Frame(img.copy()), target), 20)
        out["found"] = cold() is not None

    # the UI element model: a new screen, then the same screen again (cache)
    from .vision.detector import ElementDetector
    det = ElementDetector(threads=threads)
    if det.path.is_file():
        det.detect(img)                                 # session load, first run
        out["elements_ms"] = _median_ms(lambda: det.detect(img), max(5, repeat))
        v = Vision(threads=threads, ocr=ocr, detector=det)
        v.elements(Frame(img))
        out["elements_unchanged_ms"] = _median_ms(lambda: v.elements(Frame(img.copy())), 20)
        out["elements"] = len(v.elements(Frame(img)))

    if budget_ms is not None:
        out.update(budget(out, budget_ms, cold if target else None, repeat))

    if template:
        from .task.model import Locator
        loc = Locator(image=Path(template))
        v = Vision(threads=threads, ocr=ocr)
        out["template_ms"] = _median_ms(lambda: v.find(Frame(img), loc), repeat)
    out["peak_rss_mb"] = peak_rss_mb()
    out["suggestions"] = suggest(out)
    return out


def budget(fig: dict, budget_ms: float, find_cold, repeat: int) -> dict:
    """One perceive-and-act step on a new screen, stage by stage (the median of
    ``repeat`` cold finds of the target, split by picoagent.vision.timing, with the
    screen grab and the UI element model measured above), against ``budget_ms``.
    Acting is not timed here (bench clicks nothing)."""
    from .vision import timing

    runs = []
    for _ in range(repeat if find_cold is not None else 0):
        before = timing.snapshot()
        t = time.perf_counter()
        find_cold()
        r = timing.since(before)
        r["other"] = max(0.0, (time.perf_counter() - t) * 1000 - sum(r.values()))
        runs.append(r)
    stages = {k: statistics.median(r[k] for r in runs) if runs else 0.0
              for k in ("diff", "detect", "recognise", "other")}
    # the capture is timed with --live only; the element model where it is installed
    stages = {**({"capture": fig["grab_ms"]} if "grab_ms" in fig else {}), **stages,
              **({"elements": fig["elements_ms"]} if "elements_ms" in fig else {})}
    total = sum(stages.values())
    worst = max(stages, key=lambda k: stages[k])
    if stages[worst] > budget_ms:
        verdict = (f"{_STAGE_NAMES[worst]} alone breaks the budget: "
                   f"{stages[worst]:.0f} ms, {stages[worst] / budget_ms:.1f}x")
    elif total > budget_ms:
        verdict = (f"no stage alone, but together they take {total:.0f} ms; the largest "
                   f"is {_STAGE_NAMES[worst]} ({stages[worst]:.0f} ms)")
    else:
        verdict = f"within the budget: {total:.0f} ms of {budget_ms:.0f} ms"
    return {"budget_ms": budget_ms, "step_stages_ms": stages, "step_ms": total,
            "budget_verdict": verdict}


_STAGE_NAMES = {"capture": "screen capture", "diff": "change detection",
                "detect": "text detection", "recognise": "text recognition",
                "elements": "UI elements", "other": "the rest of a find"}


def suggest(fig: dict) -> list[str]:
    tips = []
    cold = fig.get("find_cold_ms") or fig.get("detect_frame_ms", 0)
    warm = fig.get("find_warm_ms", fig.get("diff_unchanged_ms", 1))
    interval = max(0.1, min(1.0, round(warm * 40 / 1000, 2)))
    tips.append(f"settings.interval: {int(max(interval, 0.25) * 1000)}ms keeps an idle "
                f"wait under ~{100 * warm / (max(interval, 0.25) * 1000):.0f}% of a core")
    if cold > 1500:
        tips.append("cold finds take over 1.5 s: set settings.region (or `within`) to the "
                    "part of the screen the task uses; detection cost scales with area")
    if (fig.get("cpus") or 1) >= 4 and fig.get("threads") == 1 and cold > 500:
        tips.append("4+ cores: --threads 2 roughly halves detection time and leaves cores "
                    "for the app")
    if fig.get("peak_rss_mb", 0) > 250:
        tips.append("peak memory is above 250 MB: on a 1 GB board close other programs")
    return tips


def format_table(fig: dict) -> str:
    rows = [(f"grab ({fig.get('backend', 'x11')})", "grab_ms"),
            ("model load (once per run)", "model_load_ms"),
            ("diff, unchanged frame", "diff_unchanged_ms"),
            ("text detection, whole frame", "detect_frame_ms"),
            ("recognition, per box", "recognise_per_box_ms"),
            ("find text, new screen", "find_cold_ms"),
            ("find text, unchanged screen", "find_warm_ms"),
            ("template match, all scales", "template_ms"),
            ("UI elements, new screen", "elements_ms"),
            ("UI elements, unchanged screen", "elements_unchanged_ms")]
    source = fig["source"] + (f", {fig['backend']} backend" if "backend" in fig else "")
    threads = fig.get("threads_auto") or f"{fig['threads']}, {fig['cpus']} CPUs"
    lines = [f"picoagent bench: {source} ({fig['size']}), threads {threads}"]
    if "target" in fig:
        lines.append(f"target text: {fig['target']!r} (found: {fig.get('found')})")
    lines.append(f"{'stage':32} {'median':>10}")
    for label, key in rows:
        if key in fig:
            lines.append(f"{label:32} {fig[key]:>8.1f} ms")
    lines.append(f"{'text boxes on the frame':32} {fig.get('text_boxes', 0):>8}")
    if "budget_ms" in fig:
        note = "" if "capture" in fig["step_stages_ms"] else "; capture: with --live"
        lines.append(f"a step on a new screen, by stage (budget {fig['budget_ms']:.0f} ms, "
                     f"acting not timed{note}):")
        for k, ms in fig["step_stages_ms"].items():
            note = "  <- over" if ms > fig["budget_ms"] else ""
            lines.append(f"  {_STAGE_NAMES[k]:30} {ms:>8.1f} ms{note}")
        lines.append(f"  {'total':30} {fig['step_ms']:>8.1f} ms")
        lines.append(f"budget: {fig['budget_verdict']}")
    lines.append(f"{'peak RSS':32} {fig['peak_rss_mb']:>8.0f} MB")
    lines.append("suggestions:")
    lines += [f"  - {t}" for t in fig["suggestions"]]
    return "\n".join(lines)


__all__ = ["format_table", "run_bench"]
