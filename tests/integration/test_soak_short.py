"""A short soak (the long one is benchmarks/soak.py): repeated runs in one process
leak no file descriptors, threads or child processes, and every run passes."""
from __future__ import annotations

import gc
import os

from picoagent.agent import Runner
from picoagent.task import load_task
from tests.helpers import ROOT, CheckinApp

SOAK = (ROOT / "benchmarks" / "soak.py").read_text()
TASK = SOAK.split('TASK = r"""', 1)[1].split('"""', 1)[0]


def counts():
    # garbage from earlier tests (a pipe or file of an object nothing refers to) is
    # closed when the collector runs: collect first, so that such a close between
    # the two counts does not read as a change (once, in a full run: 27 -> 26 fds)
    gc.collect()
    threads = next(int(x.split()[1]) for x in open("/proc/self/status")
                   if x.startswith("Threads:"))
    me = str(os.getpid())
    kids = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids += open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1] == me
            except OSError:
                pass
    return len(os.listdir("/proc/self/fd")), threads, kids


def test_short_soak(tmp_path, xdisplay, screen, pointer, vision):
    app = CheckinApp(tmp_path / "events.log")
    task_file = tmp_path / "soak.yaml"
    task_file.write_text(TASK)
    try:
        results = []
        for i in range(1, 9):
            res = Runner(load_task(task_file, {"n": str(i)}), screen=screen, input=pointer,
                         vision=vision).run()
            results.append(res.ok or res.failure)
            if i == 2:
                before = counts()
        after = counts()
    finally:
        app.close()
    assert all(r is True for r in results), results
    assert after == before, (before, after)
    assert app.events().count("Ready") >= 8            # the app really reset each round
