#!/usr/bin/env python3
"""Soak: run a check-in task against the real Tk app under Xvfb many times in one
process and record RSS, open file descriptors, threads and child processes every
`--every` iterations.  Every iteration must pass.

    .venv/bin/python benchmarks/soak.py --iterations 500 [--every 50] [--json out.json]

Starts a private Xvfb when DISPLAY is unset.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TASK = r"""
vars: {n: "0"}
settings: {timeout: 10s, settle: 50ms}
steps:
  - type: {text: "Visitor ${n}", into: {text: Name, offset: [160, 0]}, clear: true}
  - click: I agree to the rules
  - click: Check in
  - wait_for: "Welcome, Visitor ${n}"
  - read: {at: Visitors today, into: count, pattern: '\d+'}
  - check: {value: "${count}", matches: '\d+'}
  - press: ctrl+r
  - wait_for: Ready
"""


def status(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children() -> int:
    me = str(os.getpid())
    n = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            n += ppid == me
    return n


def sample(i: int) -> dict:
    return {"iteration": i, "rss_mb": round(status("VmRSS") / 1024, 1),
            "fds": len(os.listdir("/proc/self/fd")), "threads": status("Threads"),
            "children": children()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--json")
    args = ap.parse_args()
    from tests.helpers import CheckinApp   # the same app launcher the tests use
    xvfb = None
    if not os.environ.get("DISPLAY"):
        from tests.helpers import start_xvfb
        xvfb, os.environ["DISPLAY"] = start_xvfb("1280x720x24")
    from picoagent.agent import Runner
    from picoagent.devices import MssScreen, PyAutoGuiInput, check_display
    from picoagent.task import load_task
    from picoagent.vision import Vision
    check_display()
    tmp = Path(tempfile.mkdtemp())
    app = CheckinApp(tmp / "events.log")
    task_file = tmp / "soak.yaml"
    task_file.write_text(TASK)
    screen, pointer, vision = MssScreen(), PyAutoGuiInput(), Vision(threads=1)
    samples, failures = [], []
    t0 = time.monotonic()
    try:
        for i in range(1, args.iterations + 1):
            res = Runner(load_task(task_file, {"n": str(i)}), screen=screen, input=pointer,
                         vision=vision).run()
            if not res.ok:
                failures.append((i, res.failure.where, res.failure.message))
            if i % args.every == 0 or i == 1:
                s = sample(i)
                samples.append(s)
                print(f"{i:5d}  rss {s['rss_mb']:6.1f} MB  fds {s['fds']:3d}  threads "
                      f"{s['threads']:2d}  children {s['children']}  failures "
                      f"{len(failures)}  {time.monotonic() - t0:6.0f} s", flush=True)
    finally:
        app.close()
        if xvfb is not None:
            xvfb.terminate()
    base = next((s for s in samples if s["iteration"] == args.every), samples[0])
    last = samples[-1]
    print(f"\n{args.iterations} iterations, {len(failures)} failed, "
          f"{(time.monotonic() - t0) / args.iterations:.2f} s each")
    print(f"RSS at {base['iteration']}: {base['rss_mb']} MB; at {last['iteration']}: "
          f"{last['rss_mb']} MB ({last['rss_mb'] - base['rss_mb']:+.1f} MB)")
    print(f"fds {base['fds']} -> {last['fds']}, threads {base['threads']} -> "
          f"{last['threads']}, children {base['children']} -> {last['children']}")
    for f in failures[:10]:
        print("failed:", f)
    if args.json:
        Path(args.json).write_text(json.dumps({"samples": samples, "failures": failures},
                                              indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
