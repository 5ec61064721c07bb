"""Screens users have: the official Raspberry Pi 7-inch touchscreen (800x480) and an
HDMI monitor (1920x1080).  A real Xvfb of that size, real programs placed toward
the bottom-right corner (so a click lands beyond what a smaller screen has), and
`picoagent run` finding, clicking and typing there.  Each result is checked
through the program itself (its stdout and exit status), not through our OCR.
"""
from __future__ import annotations

import os
import subprocess
import textwrap

import pytest

from tests.helpers import kill, run_cli, start_xvfb


@pytest.fixture(scope="module", params=["800x480", "1920x1080"])
def display(request):
    """The environment of a private Xvfb of the parametrised size."""
    xvfb, disp = start_xvfb(f"{request.param}x24", noreset=True)
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env["DISPLAY"] = disp
    w, h = map(int, request.param.split("x"))
    yield env, w, h
    kill(xvfb)


def place(env: dict, title: str, w: int, h: int) -> tuple[int, int, int, int]:
    """Wait for the window ``title`` and move it to the bottom-right corner, 8 px in;
    returns its (x, y, width, height)."""
    r = subprocess.run(["timeout", "20", "xdotool", "search", "--sync", "--onlyvisible",
                        "--name", f"^{title}$"], env=env, capture_output=True, text=True,
                       check=False)
    wid = r.stdout.split()[0] if r.stdout.split() else None
    assert wid, f"window {title!r} did not appear"
    geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], env=env,
                         capture_output=True, text=True, check=True).stdout
    g = dict(line.split("=", 1) for line in geo.split())
    ww, wh = int(g["WIDTH"]), int(g["HEIGHT"])
    x, y = max(0, w - ww - 8), max(0, h - wh - 8)
    subprocess.run(["xdotool", "windowmove", "--sync", wid, str(x), str(y)], env=env,
                   check=True, timeout=10)
    return x, y, ww, wh


def run_task(tmp_path, env, text: str, proc: subprocess.Popen) -> str:
    """Run the task with `picoagent run`; the program's stdout once it has exited."""
    task = tmp_path / "task.yaml"
    task.write_text(textwrap.dedent(text))
    r = run_cli("run", str(task), "--backend", "x11", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        return proc.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:
        pytest.fail("the task passed but the program is still open (a click missed):\n"
                    + r.stdout)


def test_zenity_entry_type_and_confirm(tmp_path, display):
    env, w, h = display
    proc = subprocess.Popen(["zenity", "--entry", "--title=Sign in",
                             "--text=Enter your user name:", "--width=420"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        x, _, _, _ = place(env, "Sign in", w, h)
        # the dialog lies beyond 1280x720 on the big screen, on the edge of the small one
        assert (x > 1280 - 420) if w > 1280 else (x + 420 > w - 20)
        out = run_task(tmp_path, env, """
            settings: {timeout: 20s}
            steps:
              - wait_for: Enter your user name
              - type: {text: "ada.lovelace", into: {kind: text_field}}
              - click: {text: OK, right_of: Cancel}
            """, proc)
    finally:
        kill(proc)
    assert proc.returncode == 0
    assert out.strip() == "ada.lovelace"


def test_zenity_list_pick_a_row(tmp_path, display):
    env, w, h = display
    rows = [("report-2023.pdf", "1.2 MB"), ("budget.xlsx", "84 KB"),
            ("team-photo.jpg", "3.4 MB"), ("invoice-0042.pdf", "310 KB")]
    cmd = ["zenity", "--list", "--title=Open recent", "--text=Choose a recent file:",
           "--column=Name", "--column=Size", "--width=520", "--height=320",
           "--ok-label=Open"]
    for row in rows:
        cmd += list(row)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        place(env, "Open recent", w, h)
        out = run_task(tmp_path, env, """
            settings: {timeout: 20s}
            steps:
              - wait_for: Choose a recent file
              - click: invoice-0042.pdf
              - click: {text: Open, right_of: Cancel}
            """, proc)
    finally:
        kill(proc)
    assert proc.returncode == 0
    assert out.strip() == "invoice-0042.pdf"
