"""`picoagent bench`: time each perception stage on this device and suggest settings."""
from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path



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


def run_bench(image: str | os.PathLike | None = None, *, threads: int = 1,
              target: str | None = None, live: bool = False, repeat: int = 3,
              template: str | os.PathLike | None = None, screen=None,
              backend: str | None = None) -> dict:
    """Time grab, diff, detection, recognition, lazy find (cold/warm) and templates.

    ``live`` measures on ``screen`` (opened by the caller, who closes it) and names
    its ``backend``.  Returns a dict of figures (milliseconds unless named otherwise).
    """
    out: dict = {"threads": threads, "cpus": os.cpu_count()}
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

    if template:
        from .task.model import Locator
        loc = Locator(image=Path(template))
        v = Vision(threads=threads, ocr=ocr)
        out["template_ms"] = _median_ms(lambda: v.find(Frame(img), loc), repeat)
    out["peak_rss_mb"] = peak_rss_mb()
    out["suggestions"] = suggest(out)
    return out


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
    lines = [f"picoagent bench: {source} ({fig['size']}), threads {fig['threads']}, "
             f"{fig['cpus']} CPUs"]
    if "target" in fig:
        lines.append(f"target text: {fig['target']!r} (found: {fig.get('found')})")
    lines.append(f"{'stage':32} {'median':>10}")
    for label, key in rows:
        if key in fig:
            lines.append(f"{label:32} {fig[key]:>8.1f} ms")
    lines.append(f"{'text boxes on the frame':32} {fig.get('text_boxes', 0):>8}")
    lines.append(f"{'peak RSS':32} {fig['peak_rss_mb']:>8.0f} MB")
    lines.append("suggestions:")
    lines += [f"  - {t}" for t in fig["suggestions"]]
    return "\n".join(lines)


__all__ = ["format_table", "run_bench"]
