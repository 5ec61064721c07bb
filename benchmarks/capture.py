#!/usr/bin/env python3
"""Capture cost per frame: the Wayland backend against mss on X11, same run.

For each screen size, starts a headless sway (tests/wayland_session.py) and an
Xvfb of that size, each showing the same GTK list dialog, and times:

* ``WaylandScreen.grab``: what the runner pays per observation (a compositor copy
  into shared memory, the unchanged-screen check, and turning it into a frame
  when it changed); ``changed`` forces a new frame each time;
* ``grim -t ppm -`` and ``grim`` (PNG): the subprocess route we did not take;
* ``MssScreen.grab`` on Xvfb: the X11 backend, the baseline of the ratios.

Wall time and CPU time per frame are printed: ours (with grim's, for the grim
rows) and the display server's (sway or Xvfb, from /proc).  A Wayland capture
waits for the compositor's next frame (60 Hz) in ``select``, which costs wall
time, not CPU.

Figures, not assertions: the machine is noisy, so every ratio is against a
baseline measured in the same run.

    .venv/bin/python benchmarks/capture.py [--runs 40] [--sizes 1280x720 1920x1080] [--json F]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from picoagent.devices.screen import MssScreen  # noqa: E402
from picoagent.devices.wayland import WaylandScreen, WaylandSession  # noqa: E402
from tests.helpers import cpu_seconds, start_xvfb  # noqa: E402
from tests.wayland_session import SwaySession  # noqa: E402

APP = ["zenity", "--list", "--title", "Capture bench", "--column", "Item", "--column",
       "Value", *[f"{w}{i}" for i in range(30) for w in ("row ", str(i * 7))]]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (grim)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime


def _proc_cpu(pid: int | None) -> float:
    """CPU seconds a process (the compositor, the X server) has used so far."""
    return 0.0 if pid is None else cpu_seconds(pid)


def timed(fn, runs: int, server: int | None = None) -> dict:
    """Wall-clock figures per call, the CPU time per call (ours + children's), and
    the display server's CPU time per call (``server``: its pid)."""
    out = []
    c0, s0 = _cpu(), _proc_cpu(server)
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    cpu = (_cpu() - c0) * 1000 / runs
    scpu = (_proc_cpu(server) - s0) * 1000 / runs
    q = statistics.quantiles(out, n=10)
    return {"median": statistics.median(out), "p10": q[0], "p90": q[-1], "cpu": cpu,
            "server_cpu": scpu, "n": runs}


def bench_size(w: int, h: int, runs: int) -> dict:
    res: dict = {}
    with SwaySession(width=w, height=h, xwayland=False) as sway:
        sway.launch(APP)
        sway.wait_window(title="Capture bench")
        time.sleep(1.0)
        env = sway.env()
        session = WaylandSession(env)
        screen = WaylandScreen(session)
        screen.grab()
        res["wayland_protocol"] = screen.protocol
        res["wayland_grab"] = timed(screen.grab, runs, sway.proc.pid)

        def changed():
            screen._last = None          # as if every frame differed from the last
            screen.grab()
        res["wayland_grab_changed"] = timed(changed, runs, sway.proc.pid)
        screen.close()
        session.close()
        genv = {**os.environ, **env}
        res["grim_ppm"] = timed(lambda: subprocess.run(
            ["grim", "-t", "ppm", "-"], env=genv, stdout=subprocess.DEVNULL, check=True),
            max(5, runs // 4), sway.proc.pid)
        res["grim_png"] = timed(lambda: subprocess.run(
            ["grim", "-"], env=genv, stdout=subprocess.DEVNULL, check=True),
            max(5, runs // 4), sway.proc.pid)
    xvfb, display = start_xvfb(f"{w}x{h}x24")
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    app = subprocess.Popen(APP, env={**os.environ, "GDK_BACKEND": "x11", "NO_AT_BRIDGE": "1"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.0)
        mss = MssScreen()
        mss.grab()
        res["mss_grab"] = timed(mss.grab, runs, xvfb.pid)

        def mss_changed():
            mss._last = None
            mss.grab()
        res["mss_grab_changed"] = timed(mss_changed, runs, xvfb.pid)
        mss.close()
    finally:
        app.kill()
        xvfb.kill()
        xvfb.wait()
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--sizes", nargs="+", default=["1280x720", "1920x1080"])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    out = {}
    for size in args.sizes:
        w, h = (int(v) for v in size.split("x"))
        print(f"measuring {size} ({args.runs} frames each)...", file=sys.stderr, flush=True)
        r = out[size] = bench_size(w, h, args.runs)
        base = r["mss_grab"]["median"]
        base_c = r["mss_grab_changed"]["median"]
        print(f"\n{size}: Wayland capture by {r['wayland_protocol']}")
        print(f"{'route (ms per frame)':44} {'median':>8} {'p10':>7} {'p90':>7}  ratio"
              f"  {'CPU':>6} {'server':>7}")
        rows = [("mss on Xvfb, unchanged screen (baseline)", "mss_grab", base),
                ("mss on Xvfb, every frame new", "mss_grab_changed", base_c),
                ("Wayland grab, unchanged screen", "wayland_grab", base),
                ("Wayland grab, every frame new", "wayland_grab_changed", base_c),
                ("grim -t ppm (subprocess)", "grim_ppm", base_c),
                ("grim PNG (subprocess)", "grim_png", base_c)]
        for label, key, ref in rows:
            s = r[key]
            print(f"{label:44} {s['median']:7.1f}  {s['p10']:6.1f}  {s['p90']:6.1f}  "
                  f"{s['median'] / ref:5.2f}x  {s['cpu']:6.1f}  {s['server_cpu']:6.1f}")
        print(f"{'Wayland grab / grim -t ppm':44} "
              f"{r['wayland_grab_changed']['median'] / r['grim_ppm']['median']:>23.2f}x")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
