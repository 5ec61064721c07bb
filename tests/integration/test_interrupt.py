"""Ctrl-C and SIGTERM stop a run within a second and still write the report."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest


def _start_as_from_a_terminal(cmd, **kw) -> subprocess.Popen:
    """Ctrl-C reaches a run started from a terminal, whose SIGINT is the default.  A
    shell without job control starts background commands (`make test &`, a CI
    script run with `&`) with SIGINT ignored, their children inherit that, and
    Python then installs no KeyboardInterrupt handler: the run would rightly go
    on.  So the child is started while this process handles SIGINT (a handled
    signal is reset to the default in a new program), however the suite was
    started; no code runs between fork and exec, as ``preexec_fn`` would."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(cmd, **kw)
    finally:
        signal.signal(signal.SIGINT, old)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_stops_quickly_and_flushes_report(tmp_path, xdisplay, sig, code):
    task = tmp_path / "t.yaml"
    task.write_text("settings: {timeout: 60s}\nsteps:\n  - log: started\n"
                    "  - wait_for: Something that never appears\n")
    rep = tmp_path / "rep"
    proc = _start_as_from_a_terminal(
        [sys.executable, "-m", "picoagent.cli", "run", str(task), "--report", str(rep)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            f = rep / "run.jsonl"
            if f.exists() and f.read_text().count("\n") >= 2:    # header + first step
                break
            time.sleep(0.1)
        time.sleep(1.0)                 # now inside the wait loop
        t = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)        # faulthandler prints every thread's stack
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"no exit 10 s after {sig.name}; stacks:\n{err[-6000:]}")
        took = time.monotonic() - t
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, proc.stderr.read()
    assert took < 1.0, took
    lines = (rep / "run.jsonl").read_text().splitlines()
    records = [json.loads(x) for x in lines]            # every line is whole JSON
    assert records[0]["run"] and records[1]["message"] == "started"
    assert records[-1]["summary"] and records[-1]["interrupted"] is True
