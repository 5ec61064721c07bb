"""Acting steps prefer what can be acted on (issue 21), live on the test Xvfb: a real
calculator pressed "9" three times holds 999, and a click on words that a heading and
a button share presses the button.  Checked through the programs themselves:
galculator's own copy of its display (Ctrl+C, read back from the clipboard), and the
test app's event log."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from picoagent.agent import Runner
from picoagent.task import load_task
from tests.helpers import ROOT, kill, wait_window


def run_text(tmp_path, text, vision, screen, pointer):
    p = tmp_path / "task.yaml"
    p.write_text(textwrap.dedent(text))
    return Runner(load_task(p), screen=screen, input=pointer, vision=vision).run()


def clipboard() -> str:
    """The CLIPBOARD selection, read by another X client (Tk)."""
    r = subprocess.run([sys.executable, "-c", "import tkinter as tk; r = tk.Tk(); "
                        "r.withdraw(); print(r.clipboard_get(), end='')"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_galculator_pressed_nine_three_times_holds_999(tmp_path, xdisplay, vision, screen,
                                                     pointer):
    """After the first press the display shows "9" too; the second and third clicks
    went to the display's digit before (issue 21)."""
    if not shutil.which("galculator"):
        pytest.fail("galculator is not installed: run `make system-deps`")
    home = tmp_path / "home"                    # galculator's default settings
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    proc = subprocess.Popen(["galculator"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_window("galculator")
        res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: Calculator
              - repeat:
                  times: 3
                  steps:
                    - click: "9"
              - press: ctrl+c
            """, vision, screen, pointer)
        time.sleep(0.3)
        copied = clipboard()
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert copied == "999"
    second = [r for r in res.steps if r.kind == "click"][1]
    assert second.message.startswith("chose '9' (button)"), second.message


def test_click_on_shared_words_presses_the_button(tmp_path, xdisplay, vision, screen,
                                                  pointer):
    log = tmp_path / "events.log"
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "apps" / "shared_words.py"),
                             "--log", str(log)])
    try:
        wait_window("Shared words")
        res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: Writes this month
              - click: Export report
            """, vision, screen, pointer)
        time.sleep(0.3)
        events = log.read_text().splitlines()
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert "button pressed" in events and "heading clicked" not in events, events
    click = res.steps[-1]
    assert "(button)" in click.message and "(static text)" in click.message, click.message
