"""The CLI end to end: exit codes, reports, dry runs, bad input, environment checks."""
from __future__ import annotations

import json
import os
import textwrap
import time

import pytest

from tests.helpers import EXAMPLES, CheckinApp, move_pointer, pointer_position, run_cli

BAD_INPUTS = {
    "yaml_syntax": ("steps:\n  - click: [OK\n", 2, None),
    "unknown_step": ("steps:\n  - clik: OK\n", 2, "clik"),
    "unknown_key": ("steps:\n  - click: {text: OK, colour: red}\n", 2, "colour"),
    "wrong_type": ("steps:\n  - sleep: [1, 2]\n", 2, "sleep"),
    "missing_image": ("steps:\n  - click: {image: nope.png}\n", 2, "image"),
    "bad_regex": ("steps:\n  - click: {regex: '(unclosed'}\n", 2, "regex"),
    "undefined_var": ("steps:\n  - type: '${who}'\n", 2, "type"),
    "include_cycle": ("steps:\n  - include: self.yaml\n", 2, "include"),
    "missing_include": ("steps:\n  - include: nothere.yaml\n", 2, "include"),
    "negative_duration": ("steps:\n  - sleep: -1s\n", 2, "sleep"),
    "bad_duration": ("steps:\n  - sleep: soon\n", 2, "sleep"),
    "empty_steps": ("steps: []\n", 1, "steps"),
    "repeat_without_max": ("steps:\n  - repeat:\n      until: {visible: OK}\n"
                           "      steps: [{click: OK}]\n", 3, "until"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_rejected_before_touching_the_screen(name, tmp_path, xdisplay):
    text, line, key = BAD_INPUTS[name]
    f = tmp_path / "self.yaml"          # the include-cycle case includes itself
    f.write_text("settings: {timeout: 1s}\n" + text)
    move_pointer(3, 5)
    r = run_cli("run", str(f))
    assert r.returncode == 2, r.stderr
    first = r.stderr.strip().splitlines()[0]
    assert first.startswith(f"picoagent: {f}:{line + 1}:"), first
    if key:
        assert key in first
    assert "Traceback" not in r.stderr
    assert pointer_position() == (3, 5)
    assert f.read_text() == "settings: {timeout: 1s}\n" + text   # nothing overwritten


def test_failure_path_times_out_runs_on_failure_and_reports(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "events.log")
    try:
        task = tmp_path / "t.yaml"
        task.write_text(textwrap.dedent("""
            settings: {timeout: 2s}
            on_failure:
              - screenshot: failure.png
              - log: cleaning up
            steps:
              - wait_for: Visitor check-in
              - click: A button that does not exist
              - click: Cancel
            """))
        rep = tmp_path / "report"
        r = run_cli("run", str(task), "--report", str(rep))
    finally:
        app.close()
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED at" in r.stderr and "t.yaml:8" in r.stderr
    records = [json.loads(x) for x in (rep / "run.jsonl").read_text().splitlines()]
    failed = [x for x in records if x.get("status") == "failed"]
    assert len(failed) == 1 and failed[0]["kind"] == "click"
    assert failed[0]["ms"] <= 2000 + 2000          # timeout + 2 s
    assert "closest" in failed[0]["message"]
    assert (rep / failed[0]["screenshot"]).stat().st_size > 1000
    assert (rep / "failure.png").stat().st_size > 1000        # on_failure ran
    assert any(x.get("message") == "cleaning up" for x in records)
    assert records[-1]["summary"] is True and records[-1]["ok"] is False
    assert "Cancelled" not in app.events()                    # later steps did not run


def test_report_and_exit_zero_on_success(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "events.log")
    try:
        task = tmp_path / "t.yaml"
        task.write_text("steps:\n  - click: Cancel\n  - expect: Cancelled\n")
        rep = tmp_path / "report"
        r = run_cli("run", str(task), "--report", str(rep), "--threads", "1")
    finally:
        app.close()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "passed: 2 steps" in r.stdout
    lines = (rep / "run.jsonl").read_text().splitlines()
    head = json.loads(lines[0])
    assert head["run"] and head["backend"] == "x11" and "DISPLAY=" in head["backend_reason"]
    click = json.loads(lines[1])
    assert click["kind"] == "click" and click["element"]["text"] == "Cancel"
    assert click["score"] == 1.0 and click["action"].startswith("click (")
    assert (rep / click["screenshot"]).exists()
    assert "Cancelled" in app.events()


def test_dry_run_never_acts(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "events.log")
    try:
        move_pointer(7, 9)
        before = app.events()
        r = run_cli("run", str(EXAMPLES / "demo.yaml"), "--dry-run")
        time.sleep(0.5)
        after = app.events()
    finally:
        app.close()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "would click" in r.stdout and "would type '***'" not in r.stdout.replace(
        "would type ***", "")
    assert "nothing was clicked or typed" in r.stdout
    assert pointer_position() == (7, 9)
    assert before == after == ["Ready"]


def test_no_display_is_exit_3_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_SESSION_TYPE"] = "x11"
    env["XDG_RUNTIME_DIR"] = str(tmp_path)          # no wayland-0 socket there
    r = run_cli_env(["run", str(EXAMPLES / "demo.yaml")], env)
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "neither WAYLAND_DISPLAY nor DISPLAY" in r.stderr
    # a Wayland session named but not there: one line naming the socket
    env["WAYLAND_DISPLAY"] = "wayland-0"
    r = run_cli_env(["run", str(EXAMPLES / "demo.yaml")], env)
    assert r.returncode == 3 and r.stderr.count("\n") == 1
    assert f"cannot connect to the Wayland compositor at {tmp_path}/wayland-0" in r.stderr


def test_unreachable_display_is_exit_3(tmp_path):
    r = run_cli_env(["run", str(EXAMPLES / "demo.yaml")], {**os.environ, "DISPLAY": ":987"})
    assert r.returncode == 3 and "cannot open X display ':987'" in r.stderr
    assert "Traceback" not in r.stderr


def run_cli_env(args, env):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "picoagent.cli", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_validate_examples():
    r = run_cli("validate", *sorted(str(p) for p in EXAMPLES.glob("*.yaml")))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok ") == len(list(EXAMPLES.glob("*.yaml")))


def test_find_and_inspect_on_a_png(tmp_path):
    png = EXAMPLES.parent / "tests" / "data" / "zenity_entry.png"
    r = run_cli("find", "{text: OK, right_of: Cancel}", "--image", str(png), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["found"] and data["element"]["text"] == "OK"
    r = run_cli("find", "Launch rockets", "--image", str(png))
    assert r.returncode == 1 and "not found" in r.stdout
    out = tmp_path / "annotated.png"
    r = run_cli("inspect", "--image", str(png), "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    texts = [e["text"] for e in json.loads(r.stdout)["elements"]]
    assert "Enter your PIN" in texts and "Cancel" in texts
    assert out.stat().st_size > 1000


def test_bad_var_and_report_folder_are_usage_errors(tmp_path, xdisplay):
    task = tmp_path / "t.yaml"
    task.write_text("steps:\n  - log: hi\n")
    r = run_cli("run", str(task), "--var", "novalue")
    assert r.returncode == 2 and "NAME=VALUE" in r.stderr
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    r = run_cli("run", str(task), "--report", str(folder))
    assert r.returncode == 2 and "refusing" in r.stderr
    assert (folder / "notes.txt").read_text() == "precious"
