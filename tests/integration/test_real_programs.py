"""Full tasks against real Debian programs: zenity, xmessage, xcalc, geany.

Each result is checked through the program itself (its stdout, exit status or files),
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


@pytest.mark.parametrize("wait_first", [False, True], ids=["cold", "after-wait"])
def test_xmessage_click_takes_the_button_not_the_word_in_the_message(
        tmp_path, xdisplay, vision, screen, pointer, wait_first):
    """The message names the button's word ("Install now?"): a click on "Install"
    presses the button.  The message's framed label is seen as a control too and the
    fast path boxes its word "Install" on its own; the button's label is read as
    "(Install)" in one OCR line with its neighbour's."""
    proc = subprocess.Popen(["xmessage", "-buttons", "Install:11,Later:12",
                             "Update ready. Install now?"])
    try:
        wait_window("xmessage")
        wait = "  - wait_for: Install now\n" if wait_first else ""
        res = run_text(tmp_path, "steps:\n" + wait + "  - click: Install\n",
                       vision, screen, pointer)
        proc.wait(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert proc.returncode == 11
    assert "its whole label" in res.steps[-1].message


def test_xcalc_example_adds(tmp_path, xdisplay, vision, screen, pointer):
    res = run_file(EXAMPLES / "xcalc.yaml", vision, screen, pointer)
    assert res.ok, res.failure
    assert res.variables["result"] == "15"


def test_geany_preferences_through_a_gtk_tooltip(tmp_path, xdisplay, vision, screen, pointer):
    """geany (GTK 3): tick "Confirm exit" by kind and state, wait a second as a
    person might, then type a path into the field right of "Startup path" and
    press OK.  After that second the checkbox's tooltip ("Shows a confirmation
    dialog on exit"), which GTK keeps while the pointer rests, shows over the
    "Startup path" label, a few pixels above the field: the field must be found
    and typed into all the same (where it is not, the runner moves the pointer
    off and looks again; tests/integration/test_steps_on_app.py checks that on
    our app).  Checked through geany's own configuration file, which it writes
    on OK."""
    cfg = tmp_path / "geany"
    work = "/tmp/picoagent-geany-work"
    proc = subprocess.Popen(["geany", "-c", str(cfg), "-i"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        res = run_text(tmp_path, f"""
            settings: {{timeout: 20s}}
            steps:
              - wait_for: Document
              - click: Edit
              - click: Preferences
              - wait_for: Startup path
              - click: {{kind: checkbox, checked: false, left_of: "Confirm exit"}}
              - sleep: 1s
              - label: field
                click: {{kind: text_field, right_of: "Startup path"}}
              - type: "{work}"
              - click: {{kind: button, text: OK}}
              - wait_gone: Startup path
            """, vision, screen, pointer)
        conf = (cfg / "geany.conf").read_text() if (cfg / "geany.conf").exists() else ""
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert "pref_main_confirm_exit=true" in conf
    assert f"default_open_path={work}" in conf
