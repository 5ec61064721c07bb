"""Full tasks against real Debian programs: zenity, xmessage, xcalc.

Each result is checked through the program itself (its stdout or exit status),
not through our own OCR.
"""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from picoagent.agent import Runner
from picoagent.task import load_task
from tests.helpers import EXAMPLES, kill, wait_window


def run_file(path, vision, screen, pointer, variables=None):
    task = load_task(path, variables)
    return Runner(task, screen=screen, input=pointer, vision=vision).run()


def run_text(tmp_path, text, vision, screen, pointer):
    p = tmp_path / "task.yaml"
    p.write_text(textwrap.dedent(text))
    return run_file(p, vision, screen, pointer)


def test_zenity_entry_types_pin_and_confirms(tmp_path, xdisplay, vision, screen, pointer):
    proc = subprocess.Popen(["zenity", "--entry", "--title", "Login", "--text",
                             "Enter your PIN"], stdout=subprocess.PIPE, text=True,
                            stderr=subprocess.DEVNULL)
    try:
        res = run_text(tmp_path, """
            vars: {pin: "2468"}
            steps:
              - wait_for: Enter your PIN
              - type: {text: "${pin}", into: {text: Enter your PIN, offset: [0, 32]},
                       secret: true}
              - click: {text: OK, right_of: Cancel}
            """, vision, screen, pointer)
        out, _ = proc.communicate(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert proc.returncode == 0
    assert out.strip() == "2468"


@pytest.mark.parametrize("button,code", [("Yes", 101), ("No", 102)])
def test_xmessage_buttons_by_relation(tmp_path, xdisplay, vision, screen, pointer,
                                      button, code):
    proc = subprocess.Popen(["xmessage", "-buttons", "Yes:101,No:102", "Proceed?"])
    try:
        wait_window("xmessage")
        rel = "right_of" if button == "No" else "left_of"
        other = "Yes" if button == "No" else "No"
        res = run_text(tmp_path, f"""
            steps:
              - wait_for: {button}
              - click: {{text: {button}, {rel}: {other}}}
            """, vision, screen, pointer)
        proc.wait(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert proc.returncode == code


def test_xcalc_example_adds(tmp_path, xdisplay, vision, screen, pointer):
    res = run_file(EXAMPLES / "xcalc.yaml", vision, screen, pointer)
    assert res.ok, res.failure
    assert res.variables["result"] == "15"
