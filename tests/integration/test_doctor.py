"""`picoagent doctor` on a real X server, a real Wayland compositor and no display."""
from __future__ import annotations

import os

from tests.helpers import run_cli


def test_doctor_on_x11(xdisplay, tmp_path):
    r = run_cli("doctor", "--report", str(tmp_path / "rep"),
                env={"WAYLAND_DISPLAY": ""})
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("ok   backend  x11: DISPLAY=")
    assert lines[2].startswith("ok   screen   1024x640 pixels, scale 1")
    assert "XTEST extension present" in lines[3]
    assert any(x.startswith("ok   model") and "version" in x for x in lines)
    assert any(x.startswith("ok   ocr") and "ui-text-small.onnx" in x for x in lines)
    assert r.stdout.rstrip().endswith("a run can work here")
    assert not (tmp_path / "rep").exists()          # checked, not created


def test_doctor_on_wayland(sway, tmp_path):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "picoagent.cli", "doctor", "--report",
                        str(tmp_path)], env=sway.client_env(), capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok   backend  wayland: WAYLAND_DISPLAY=" in r.stdout
    assert "output HEADLESS-1 of HEADLESS-1; capture wlr-screencopy-unstable-v1; " \
           "compositor sway" in r.stdout
    assert "ok   input    virtual pointer and keyboard created" in r.stdout


def test_doctor_without_display_exits_3_and_still_checks_the_rest(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "picoagent.cli", "doctor", "--report",
                        str(tmp_path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 3
    assert "FAIL backend  no display: neither WAYLAND_DISPLAY nor DISPLAY" in r.stdout
    assert "ok   ocr" in r.stdout and "ok   report" in r.stdout
    assert "1 problem(s)" in r.stderr
