#!/usr/bin/env python3
"""Perception benchmark: picoagent's targeted, change-aware perception against
plain full-frame OCR, on a corpus of real screenshots, in one process and run.

Prints one table of figures, each with the baseline measured in the same run and
the ratio.  Figures, not assertions: the machines are noisy.

    .venv/bin/python benchmarks/perception.py [--threads 1] [--json out.json]
    .venv/bin/python benchmarks/perception.py --only full    # full perception alone

Needs an X display for the idle-CPU and RSS figures; starts a private Xvfb
when DISPLAY is unset.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from picoagent.task.model import Locator  # noqa: E402
from picoagent.vision import Frame, Vision  # noqa: E402
from picoagent.vision.frame import as_rgb_array  # noqa: E402
from tests.helpers import cpu_seconds, start_xvfb  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
ELEMENT_SETS = (ROOT / "tests" / "data" / "elements", ROOT / "tests" / "data" / "elements_holdout")


def contains(box, pt) -> bool:
    return box[0] <= pt[0] <= box[0] + box[2] and box[1] <= pt[1] <= box[1] + box[3]


def centre(b):
    return (b[0] + b[2] / 2, b[1] + b[3] / 2)


def median_ms(xs):
    return statistics.median(xs) * 1000


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"


#: a text on none of the corpus screens
ABSENT = "Firmware update complete"


def text_figures(threads: int) -> dict:
    corpus = json.loads((CORPUS / "corpus.json").read_text())
    base = rapidocr_baseline(threads)
    shared = Vision(threads=threads)
    shared.ocr._load()
    ours_t, base_t, warm_t, absent_t, absent_base_t = [], [], [], [], []
    ours_hit = base_hit = n = absent_false = 0
    plain_t, plain_hit, plain_reads, ours_reads = [], 0, 0, 0
    for screen in corpus["screens"]:
        img = as_rgb_array(CORPUS / screen["image"])
        t = time.perf_counter()
        res = base(img[:, :, ::-1].copy())                 # default full-frame call
        call = time.perf_counter() - t
        lines = list(zip(res.txts or (), res.boxes if res.boxes is not None else ()))
        # a text that is not on the screen (yet): what a wait step's first look costs
        v = Vision(ocr=shared.ocr)
        t = time.perf_counter()
        absent_false += v.find(Frame(img), ABSENT) is not None
        absent_t.append(time.perf_counter() - t)
        absent_base_t.append(call)
        for tg in screen["targets"]:
            n += 1
            truth = centre(tg["box"])
            # baseline: the full-frame call plus a case-insensitive substring search
            t = time.perf_counter()
            hit = next((q for txt, q in lines if tg["text"].lower() in txt.lower()), None)
            base_t.append(call + time.perf_counter() - t)
            if hit is not None:
                xs, ys = [p[0] for p in hit], [p[1] for p in hit]
                base_hit += int(contains((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)),
                                     truth))
            # ours, cold, without the small recogniser's glances: PP-OCR reads the
            # boxes in size order
            glancer, shared.ocr.glancer = shared.ocr.glancer, None
            v = Vision(ocr=shared.ocr)
            t = time.perf_counter()
            m = v.find(Frame(img), tg["text"])
            plain_t.append(time.perf_counter() - t)
            plain_hit += int(m is not None and contains(m.element.box, truth))
            plain_reads += v.stats["rec_boxes"]
            shared.ocr.glancer = glancer
            # ours, cold: a new screen (empty cache), models already loaded
            v = Vision(ocr=shared.ocr)
            frame = Frame(img)
            t = time.perf_counter()
            m = v.find(frame, tg["text"])
            ours_t.append(time.perf_counter() - t)
            ours_hit += int(m is not None and contains(m.element.box, truth))
            ours_reads += v.stats["rec_boxes"]
            # ours, warm: the same screen grabbed again (a new, identical frame)
            again = Frame(img.copy())
            t = time.perf_counter()
            v.find(again, tg["text"])
            warm_t.append(time.perf_counter() - t)
    # partial change: a dialog appears over ~20% of the screen
    pair = corpus["change_pair"]
    before = as_rgb_array(CORPUS / pair["before"])
    after = as_rgb_array(CORPUS / pair["after"])
    part_t, cold_t, part_hit = [], [], 0
    before_targets = [t["text"] for s in corpus["screens"] if s["image"] == pair["before"]
                      for t in s["targets"]]
    for tg in pair["targets_after"]:
        v = Vision(ocr=shared.ocr)
        for t0 in before_targets:                   # the loop has worked on the old screen
            v.find(Frame(before), t0)
        f = Frame(after)
        t = time.perf_counter()
        m = v.find(f, tg["text"])
        part_t.append(time.perf_counter() - t)
        part_hit += m is not None and contains(m.element.box, centre(tg["box"]))
        c = Vision(ocr=shared.ocr)
        t = time.perf_counter()
        c.find(Frame(after), tg["text"])
        cold_t.append(time.perf_counter() - t)
    return {"targets": n, "screens": len(corpus["screens"]),
            "cold_ms": median_ms(ours_t), "base_ms": median_ms(base_t),
            "ours_hit": ours_hit, "base_hit": base_hit, "warm_ms": median_ms(warm_t),
            "plain_ms": median_ms(plain_t), "plain_mean_ms": 1000 * statistics.mean(plain_t),
            "mean_ms": 1000 * statistics.mean(ours_t), "plain_hit": plain_hit,
            "plain_reads": plain_reads, "ours_reads": ours_reads,
            "partial_ms": median_ms(part_t), "partial_cold_ms": median_ms(cold_t),
            "partial_hit": part_hit, "partial_n": len(pair["targets_after"]),
            "absent_ms": median_ms(absent_t), "absent_base_ms": median_ms(absent_base_t),
            "absent_false": absent_false,
            "changed_area": pair["changed"]}


def rapidocr_baseline(threads: int):
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "warning",
                            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                            "EngineConfig.onnxruntime.inter_op_num_threads": 1})


def full_screens() -> list[tuple[str, object, list[dict]]]:
    """(name, RGB image, corpus targets) of every full 1280x720 real screenshot: the
    corpus screens and the element sets' whole-screen captures."""
    from PIL import Image

    corpus = json.loads((CORPUS / "corpus.json").read_text())
    out = [(s["image"], as_rgb_array(CORPUS / s["image"]), s["targets"])
           for s in corpus["screens"]]
    for d in ELEMENT_SETS:
        for p in sorted(d.glob("*.png")):
            if Image.open(p).size == (1280, 720):
                out.append((f"{d.name}/{p.name}", as_rgb_array(p), []))
    return out


def full_figures(threads: int) -> dict:
    """Full perception (every element and all text, cold: a new screen) by
    ``Vision.perceive`` (``picoagent inspect``) and ``scene.perceive`` (MCP observe,
    ``record``) against rapidocr's default full-frame call on the same image."""
    import hashlib

    from picoagent.vision import scene

    base = rapidocr_baseline(threads)
    shared = Vision(threads=threads)
    shared.ocr._load()
    shared.elements(Frame(full_screens()[0][1]))    # load the element model
    times: dict[str, list[float]] = {"base": [], "vision": [], "scene": [],
                                     "find_then_observe": [], "changed_warm": [],
                                     "changed_cold": []}
    same = {"warm": 0}
    hits = {"base": 0, "vision": 0, "scene": 0}
    n = 0
    digest = hashlib.blake2b(digest_size=8)
    for name, img, targets in full_screens():
        t = time.perf_counter()
        res = base(img[:, :, ::-1].copy())
        times["base"].append(time.perf_counter() - t)
        base_lines = []
        for txt, q in zip(res.txts or (), res.boxes if res.boxes is not None else ()):
            xs, ys = [p[0] for p in q], [p[1] for p in q]
            base_lines.append((txt, (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))))
        v = Vision(ocr=shared.ocr, detector=shared.detector)
        t = time.perf_counter()
        seen = v.perceive(Frame(img))
        times["vision"].append(time.perf_counter() - t)
        vision_lines = [(e.text, e.box) for e in seen if e.source == "ocr"]
        model = [(e.kind, e.box) for e in seen if e.source == "model"]
        digest.update(repr((name, model)).encode())
        v = Vision(ocr=shared.ocr, detector=shared.detector)
        t = time.perf_counter()
        named = scene.perceive(v, Frame(img))
        times["scene"].append(time.perf_counter() - t)
        digest.update(repr([(s.element.kind, s.element.box) for s in named
                            if s.element.source == "model"]).encode())
        scene_lines = [(s.element.text or "", s.element.box) for s in named]
        for tg in targets:
            n += 1
            truth = centre(tg["box"])
            for key, lines in (("base", base_lines), ("vision", vision_lines),
                               ("scene", scene_lines)):
                hits[key] += any(tg["text"].lower() in (txt or "").lower()
                                 and contains(box, truth) for txt, box in lines)
        # the agent's loop: a find, then an observe of the same frame, then an observe
        # after one line changed (wiped), with the cache warm, against a cold one
        v = Vision(ocr=shared.ocr, detector=shared.detector)
        probe = targets[0]["text"] if targets else "OK"
        t = time.perf_counter()
        v.find(Frame(img), Locator(text=probe))
        scene.perceive(v, Frame(img))
        times["find_then_observe"].append(time.perf_counter() - t)
        changed = wipe_a_line(img)
        t = time.perf_counter()
        warm = scene.perceive(v, Frame(changed))
        times["changed_warm"].append(time.perf_counter() - t)
        t = time.perf_counter()
        cold = scene.perceive(Vision(ocr=shared.ocr, detector=shared.detector), Frame(changed))
        times["changed_cold"].append(time.perf_counter() - t)
        same["warm"] += sorted((s.element.kind, s.element.text or "") for s in warm) == \
            sorted((s.element.kind, s.element.text or "") for s in cold)
    return {"screens": len(times["base"]), "targets": n, "warm_same": same["warm"],
            **{f"{k}_ms": median_ms(v) for k, v in times.items()},
            **{f"{k}_total_ms": sum(v) * 1000 for k, v in times.items()},
            **{f"{k}_hit": v for k, v in hits.items()},
            "elements_digest": digest.hexdigest()}


def wipe_a_line(img):
    """The frame with its middle fast-path text line painted over in the colour
    beside it: a small local change, as after typing or a value update."""
    from picoagent.vision.textcache import quick_text_boxes

    boxes = sorted(quick_text_boxes(img), key=lambda b: (b[1], b[0]))
    out = img.copy()
    if boxes:
        x, y, w, h = boxes[len(boxes) // 2]
        out[y:y + h, x:x + w] = img[y, max(0, x - 1)]
    return out


def full_rows(ff: dict) -> list[tuple[str, str, str, str]]:
    b = ff["base_total_ms"]
    return [
        (f"full perception, `Vision.perceive` ({ff['screens']} screens, total)",
         f"{ff['vision_total_ms']:.0f} ms", f"{b:.0f} ms rapidocr full-frame calls",
         f"{ff['vision_total_ms'] / b:.2f}x the time"),
        ("  median per screen", f"{ff['vision_ms']:.0f} ms", f"{ff['base_ms']:.0f} ms",
         f"{ff['vision_ms'] / ff['base_ms']:.2f}x"),
        ("full perception, `scene.perceive` (total)", f"{ff['scene_total_ms']:.0f} ms",
         f"{b:.0f} ms", f"{ff['scene_total_ms'] / b:.2f}x the time"),
        ("  median per screen", f"{ff['scene_ms']:.0f} ms", f"{ff['base_ms']:.0f} ms",
         f"{ff['scene_ms'] / ff['base_ms']:.2f}x"),
        ("  text recall, corpus targets (`Vision.perceive` / `scene`)",
         f"{ff['vision_hit']}/{ff['targets']} / {ff['scene_hit']}/{ff['targets']}",
         f"{ff['base_hit']}/{ff['targets']}", ""),
        ("  elements of both (digest of kinds and boxes)", ff["elements_digest"], "", ""),
        ("find, then `scene.perceive` of the same frame (median)",
         f"{ff['find_then_observe_ms']:.0f} ms", f"{ff['scene_ms']:.0f} ms observe alone",
         f"{ff['find_then_observe_ms'] / ff['scene_ms']:.2f}x"),
        ("`scene.perceive` after one line changed, warm (median)",
         f"{ff['changed_warm_ms']:.0f} ms", f"{ff['changed_cold_ms']:.0f} ms cold",
         f"{ff['changed_warm_ms'] / ff['changed_cold_ms']:.2f}x"),
        ("  warm and cold give the same kinds and texts",
         f"{ff['warm_same']}/{ff['screens']} screens", "", ""),
    ]


def print_table(rows, header: str) -> None:
    print(header)
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    head = ("figure", "picoagent", "baseline (same run)", "ratio")
    print("  ".join(h.ljust(w[i]) for i, h in enumerate(head)))
    for r in rows:
        print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))


def image_figures() -> dict:
    import pyscreeze  # what pyautogui.locateOnScreen calls, minus the screenshot

    screen = as_rgb_array(CORPUS / "tk_app.png")
    icon = ROOT / "examples" / "images" / "settings-icon.png"
    needle = cv2.imread(str(icon))
    from PIL import Image
    out = {}
    for scale in (1.0, 1.25):
        hay = screen if scale == 1.0 else cv2.resize(screen, None, fx=scale, fy=scale,
                                                     interpolation=cv2.INTER_LINEAR)
        hay_pil = Image.fromarray(hay)
        needle_pil = Image.open(icon).convert("RGB")
        ts, found = [], None
        for _ in range(5):
            t = time.perf_counter()
            try:
                found = pyscreeze.locate(needle_pil, hay_pil, confidence=0.9)
            except pyscreeze.ImageNotFoundException:
                found = None
            ts.append(time.perf_counter() - t)
        v = Vision()
        loc = Locator(image=icon)
        ours, m = [], None
        for _ in range(5):
            t = time.perf_counter()
            m = v.find(Frame(hay), loc)
            ours.append(time.perf_counter() - t)
        out[scale] = {"base_ms": median_ms(ts), "base_found": found is not None,
                      "ours_ms": median_ms(ours), "ours_found": m is not None,
                      "ours_scale": m.element.source if m else None}
    del needle
    return out


def start_display():
    if os.environ.get("DISPLAY"):
        return None
    proc, os.environ["DISPLAY"] = start_xvfb("1280x720x24")
    return proc


def process_figures(threads: int) -> dict:
    xvfb = start_display()
    app = subprocess.Popen([sys.executable, str(ROOT / "examples" / "apps" / "checkin.py")])
    tmp = Path(tempfile.mkdtemp())
    try:
        time.sleep(2)
        task = tmp / "idle.yaml"
        task.write_text("settings: {timeout: 20s}\nsteps:\n  - wait_for: Visitor log\n"
                        "  - wait_for: A target that never comes\n")
        cli = [sys.executable, "-m", "picoagent.cli"]
        p = subprocess.Popen([*cli, "run", str(task), "--threads", str(threads)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        p.stdout.readline()                 # header
        p.stdout.readline()                 # first step done: models loaded, cache warm
        # the first look for the absent target is a cold search (the neural detector
        # on the whole frame, ~1.5 s here); what follows is the steady idle wait
        c_first = cpu_seconds(p.pid)
        time.sleep(5.0)
        first_s = cpu_seconds(p.pid) - c_first
        c0, t0 = cpu_seconds(p.pid), time.monotonic()
        time.sleep(10.0)
        c1, t1 = cpu_seconds(p.pid), time.monotonic()
        p.wait()
        idle = (c1 - c0) / (t1 - t0) * 100
        app.terminate()
        app.wait()
        # peak RSS: the kernel's high-water mark (VmHWM) of the picoagent process,
        # read until it exits (ru_maxrss of children would count this process's
        # own size at fork time)
        d = subprocess.Popen([*cli, "run", str(ROOT / "examples" / "demo.yaml"), "--threads",
                              str(threads)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        hwm = 0
        while d.poll() is None:
            try:
                for line in open(f"/proc/{d.pid}/status"):
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.05)
        return {"idle_cpu_pct": idle, "first_5s_cpu_s": first_s,
                "demo_peak_rss_mb": hwm / 1024,
                "demo_ok": d.returncode == 0}
    finally:
        if app.poll() is None:
            app.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=("find", "full"),
                    help="only the text finds (and image/process figures), or only full "
                         "perception")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    print(f"machine: {machine()}", flush=True)
    figures: dict = {"machine": machine()}
    if args.only != "full":
        print("measuring text targets on the corpus (baseline: rapidocr full-frame call)...",
              flush=True)
        tf = figures["text"] = text_figures(args.threads)
        print("measuring image targets...", flush=True)
        imf = image_figures()
        figures["image"] = {str(k): v for k, v in imf.items()}
        print("measuring a real `picoagent run` (idle CPU, peak RSS)...", flush=True)
        pf = figures["process"] = process_figures(args.threads)
    if args.only != "find":
        print("measuring full perception (baseline: rapidocr full-frame call)...", flush=True)
        ff = figures["full"] = full_figures(args.threads)
    if args.only != "full":
        rows = [
            ("cold find, median (new screen)", f"{tf['cold_ms']:.0f} ms",
             f"{tf['base_ms']:.0f} ms full-frame OCR + substring",
             f"{tf['base_ms'] / tf['cold_ms']:.1f}x faster"),
            ("  hit rate (box holds true centre)", f"{tf['ours_hit']}/{tf['targets']}",
             f"{tf['base_hit']}/{tf['targets']}", ""),
            ("  mean; PP-OCR readings in all", f"{tf['mean_ms']:.0f} ms; {tf['ours_reads']}",
             f"{tf['plain_mean_ms']:.0f} ms; {tf['plain_reads']} without glances",
             f"{tf['plain_mean_ms'] / tf['mean_ms']:.2f}x faster"),
            ("  median without glances (same run)", f"{tf['cold_ms']:.0f} ms",
             f"{tf['plain_ms']:.0f} ms, hits {tf['plain_hit']}/{tf['targets']}",
             f"{tf['plain_ms'] / tf['cold_ms']:.2f}x faster"),
            ("cold find of an absent text, median", f"{tf['absent_ms']:.0f} ms",
             f"{tf['absent_base_ms']:.0f} ms full-frame OCR",
             f"{tf['absent_ms'] / tf['absent_base_ms']:.2f}x the time"),
            ("  false finds", f"{tf['absent_false']}/{tf['screens']}", "", ""),
            ("warm find, median (unchanged screen)", f"{tf['warm_ms']:.2f} ms",
             f"{tf['cold_ms']:.0f} ms cold find",
             f"{tf['cold_ms'] / tf['warm_ms']:.0f}x faster"),
            ("partial change (dialog over ~20%)", f"{tf['partial_ms']:.0f} ms",
             f"{tf['partial_cold_ms']:.0f} ms cold find",
             f"{100 * tf['partial_ms'] / tf['partial_cold_ms']:.0f}% of cold"),
            ("  hit rate after the change", f"{tf['partial_hit']}/{tf['partial_n']}", "", ""),
        ]
        for scale, f in imf.items():
            rows.append((f"image target at {scale}x", f"{f['ours_ms']:.1f} ms "
                         f"({'found' if f['ours_found'] else 'MISSED'})",
                         f"{f['base_ms']:.1f} ms pyautogui/pyscreeze confidence=0.9 "
                         f"({'found' if f['base_found'] else 'missed'})",
                         f"{f['base_ms'] / f['ours_ms']:.1f}x faster"))
        rows.append(("idle CPU, waiting for absent target",
                     f"{pf['idle_cpu_pct']:.1f}% of a core",
                     f"first 5 s of the wait: {pf['first_5s_cpu_s']:.1f} s CPU (cold search)",
                     ""))
        rows.append(("peak RSS, `picoagent run` demo", f"{pf['demo_peak_rss_mb']:.0f} MB",
                     "-", "demo passed" if pf["demo_ok"] else "DEMO FAILED"))
        print_table(rows, f"\ncorpus: {tf['screens']} real screenshots, {tf['targets']} text "
                          f"targets; --threads {args.threads}")
    if args.only != "find":
        print_table(full_rows(ff), f"\nfull perception, cold (a new screen): {ff['screens']} "
                                   f"real 1280x720 screenshots (corpus and element sets), "
                                   f"{ff['targets']} corpus text targets; --threads "
                                   f"{args.threads}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
