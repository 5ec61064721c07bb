"""Faults against real processes under Xvfb: the app dies, the X server dies, the
screen changes between locate and act, the report folder is full."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from picoagent.agent import Runner
from picoagent.devices import MssScreen
from picoagent.task import load_task
from tests.helpers import CheckinApp, kill, move_pointer, pointer_position, run_cli, \
    start_xvfb, wait_window


def test_app_dies_mid_task(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "ev.log")
    task = tmp_path / "t.yaml"
    task.write_text("settings: {timeout: 3s}\non_failure:\n  - screenshot: after.png\n"
                    "steps:\n  - wait_for: Visitor check-in\n  - log: app is up\n"
                    "  - wait_for: Welcome back\n")
    threading.Timer(2.5, app.close).start()          # dies while we wait
    rep = tmp_path / "rep"
    t = time.monotonic()
    r = run_cli("run", str(task), "--report", str(rep))
    app.close()
    assert r.returncode == 1, r.stderr
    assert "Welcome back' not found" in r.stderr and "after 3.0s" in r.stderr
    records = [json.loads(x) for x in (rep / "run.jsonl").read_text().splitlines()]
    assert records[0]["run"] and records[0]["backend"] == "x11"      # the header
    assert [x.get("kind") for x in records[1:-1]] == ["wait_for", "log", "wait_for",
                                                     "screenshot"]
    assert records[-1]["summary"] and records[-1]["ok"] is False
    assert (rep / "after.png").exists()
    assert time.monotonic() - t < 30


def test_x_server_dies_mid_run(tmp_path):
    xvfb, display = start_xvfb("640x480x24")
    env = {**os.environ, "DISPLAY": display}
    msg = subprocess.Popen(["xmessage", "Hello there"], env=env)
    task = tmp_path / "t.yaml"
    task.write_text("settings: {timeout: 60s}\nsteps:\n  - wait_for: Hello there\n"
                    "  - wait_for: Never shows up\n")
    rep = tmp_path / "rep"
    p = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "run", str(task), "--report",
                          str(rep)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        p.stdout.readline()                         # header
        p.stdout.readline()                         # first step passed
        time.sleep(1.0)
        t = time.monotonic()
        xvfb.kill()
        p.wait(timeout=20)
        took = time.monotonic() - t
    finally:
        kill(msg)
        if p.poll() is None:
            p.kill()
        xvfb.kill()
    err = p.stderr.read()
    assert p.returncode == 3, err
    assert took < 5, took
    assert "Traceback" not in err and ("display" in err or "screen" in err)
    records = [json.loads(x) for x in (rep / "run.jsonl").read_text().splitlines()]
    assert records[0]["run"] and records[0]["backend"] == "x11"
    assert records[1]["kind"] == "wait_for" and records[1]["status"] == "passed"
    assert records[-1]["summary"] and records[-1]["ok"] is False and records[-1]["error"]


class MovesWindowAfterFirstGrab:
    """The real screen; right after the first grab it moves a real window, so the
    frame that was used to locate the target is stale by the time we act."""

    def __init__(self, window_name: str, x: int, y: int):
        self.inner = MssScreen()
        self.grabs = 0
        self.move = (window_name, x, y)

    def grab(self):
        frame = self.inner.grab()
        self.grabs += 1
        if self.grabs == 1:
            name, x, y = self.move
            subprocess.run(["xdotool", "search", "--name", name, "windowmove", str(x),
                            str(y)], check=True)
            time.sleep(0.5)
        return frame

    def close(self):
        self.inner.close()


def test_screen_changes_between_locate_and_act(xdisplay, vision, pointer, tmp_path):
    proc = subprocess.Popen(["xmessage", "-buttons", "Yes:101,No:102", "Go ahead?"])
    try:
        wait_window("xmessage")
        task = tmp_path / "t.yaml"
        task.write_text("steps:\n  - click: {text: 'No', right_of: 'Yes'}\n")
        screen = MovesWindowAfterFirstGrab("xmessage", 400, 300)
        res = Runner(load_task(task), screen=screen, input=pointer, vision=vision).run()
        proc.wait(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert "located again" in (res.steps[0].message or "")
    assert res.steps[0].point[0] > 400 and res.steps[0].point[1] > 300
    assert proc.returncode == 102                   # the moved No button was clicked


def test_full_or_unwritable_report_folder_fails_before_acting(tmp_path, xdisplay):
    task = tmp_path / "t.yaml"
    task.write_text("steps:\n  - click: {at: [50, 50]}\n")
    move_pointer(11, 13)
    r = run_cli("run", str(task), "--report", "/dev/null/report")
    assert r.returncode == 2 and "cannot write there" in r.stderr
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        r = run_cli("run", str(task), "--report", str(small / "rep"))
    finally:
        subprocess.run(["umount", str(small)], check=False)
    assert r.returncode == 2 and "MB free" in r.stderr, r.stderr
    assert pointer_position() == (11, 13)
