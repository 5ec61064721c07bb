"""The Wayland backend on a real compositor: headless sway 1.7 with XWayland.

Every test checks its result through the program it drove (yad's exit code or
printed form, zenity's printed entry, the X server's key state) or against an
independent capture (grim), never through picoagent's own perception.  The
session is started by tests/wayland_session.py (see its docstring for how and
why); each test's windows float at their own size, as on labwc.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.wayland_session import SwaySession

ROOT = Path(__file__).resolve().parents[2]


def run_task(sway, tmp_path: Path, body: str, *args: str, timeout: float = 120,
             env: dict | None = None) -> subprocess.CompletedProcess:
    task = tmp_path / "task.yaml"
    task.write_text(body)
    return subprocess.run([sys.executable, "-m", "picoagent.cli", "run", str(task),
                           "--report", str(tmp_path / "report"), *args],
                          env={**sway.client_env(), **(env or {})}, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def finish(proc: subprocess.Popen, timeout: float = 10) -> tuple[int, str]:
    """Wait for a dialog the task closed; its exit code and what it printed."""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"the program did not exit; it printed {out!r}")
    return proc.returncode, out


def report(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in
            (tmp_path / "report" / "run.jsonl").read_text().splitlines()]


def grim_capture(sway) -> np.ndarray:
    ppm = subprocess.run(["grim", "-t", "ppm", "-"], env=sway.client_env(),
                         capture_output=True, check=True, timeout=20).stdout
    return cv2.imdecode(np.frombuffer(ppm, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]


def our_capture(sway):
    from picoagent.devices.backend import open_devices
    with open_devices("auto", need_input=False, env=sway.client_env()) as d:
        return d, d.screen.grab()


BUTTONS = ["yad", "--title", "Pick one", "--text", "Choose a colour", "--button", "Red:3",
           "--button", "Green:5", "--button", "Blue:7"]


def _grab_equals_grim(sway) -> tuple:
    d, frame = our_capture(sway)
    ref = grim_capture(sway)
    assert frame.image.shape == ref.shape
    differing = int((np.abs(frame.image.astype(int) - ref).max(axis=2) > 0).sum())
    return d, frame, differing


# ---- session and capture ---------------------------------------------------------------
def test_wayland_chosen_beside_xwayland_and_capture_equals_grim(sway, sway_launch):
    sway_launch(BUTTONS, title="Pick one")
    d, frame, differing = _grab_equals_grim(sway)
    assert d.backend == "wayland" and "XWayland" in d.reason       # DISPLAY is set too
    assert "wlr-screencopy" in d.description and "sway" in d.description
    assert differing == 0
    assert len(np.unique(frame.image.reshape(-1, 3), axis=0)) > 50  # a dialog, not a blank


def test_bench_names_the_backend(sway, sway_launch):
    sway_launch(BUTTONS, title="Pick one")
    r = subprocess.run([sys.executable, "-m", "picoagent.cli", "bench", "--live", "--repeat",
                        "1", "--json"], env=sway.client_env(), capture_output=True, text=True,
                       timeout=180, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    fig = json.loads(r.stdout)
    assert fig["backend"] == "wayland" and fig["size"] == "1280x720" and fig["grab_ms"] > 0


# ---- input on native GTK programs --------------------------------------------------------
def test_click_button_by_text(sway, sway_launch, tmp_path):
    proc, _ = sway_launch(BUTTONS, title="Pick one", stdout=subprocess.PIPE, text=True)
    r = run_task(sway, tmp_path, "steps:\n  - click: Green\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "on wayland" in r.stdout
    assert finish(proc)[0] == 5                     # yad's exit code names the button
    assert report(tmp_path)[0]["backend"] == "wayland"


def test_form_fields_typed_and_box_ticked(sway, sway_launch, tmp_path):
    proc, _ = sway_launch(["yad", "--form", "--title", "Register", "--text", "New member",
                           "--field", "Name", "--field", "City", "--field", "Subscribe:CHK",
                           "", "", "FALSE", "--button", "Save:0"],
                          title="Register", stdout=subprocess.PIPE, text=True)
    r = run_task(sway, tmp_path, """steps:
  - type: {text: "Zoë O'Neil", into: {kind: text_field, right_of: Name}}
  - type: {text: "Köln → 5 €", into: {kind: text_field, right_of: City}}
  - click: {kind: checkbox, checked: false, left_of: Subscribe}
  - click: Save
""")
    assert r.returncode == 0, r.stdout + r.stderr
    code, out = finish(proc)
    assert code == 0 and out.strip() == "Zoë O'Neil|Köln → 5 €|TRUE|"


def test_key_chords_and_return(sway, sway_launch, tmp_path):
    proc, _ = sway_launch(["zenity", "--entry", "--title", "Say", "--text", "Say something"],
                          title="Say", stdout=subprocess.PIPE, text=True)
    r = run_task(sway, tmp_path, """steps:
  - wait_for: Say something
  - type: hello world
  - press: ctrl+a
  - type: "Bye, Ada!"
  - press: [shift+left, shift+left, backspace]
  - type: "?"
  - press: enter
""")
    assert r.returncode == 0, r.stdout + r.stderr
    code, out = finish(proc)
    # ctrl+a selected all, typing replaced it; shift+left twice selected "a!"
    assert code == 0 and out.strip() == "Bye, Ad?"


def test_scroll_brings_a_row_into_view(sway, sway_launch, tmp_path):
    rows = [f"row-{i:02d}" for i in range(80)]
    proc, _ = sway_launch(["zenity", "--list", "--title", "Rows", "--column", "Name",
                           "--height", "400", *rows], title="Rows", stdout=subprocess.PIPE,
                          text=True)
    r = run_task(sway, tmp_path, """steps:
  - wait_for: row-03
  - expect_gone: row-60
    timeout: 0s
  - move: row-03
  - repeat:
      until: {visible: row-60}
      max: 20
      steps:
        - scroll: {direction: down, amount: 3}
  - click: row-60
  - click: OK
""")
    assert r.returncode == 0, r.stdout + r.stderr
    code, out = finish(proc)
    assert code == 0 and out.strip() == "row-60"


def test_drag_slider(sway, sway_launch, tmp_path):
    proc, _ = sway_launch(["yad", "--scale", "--title", "Volume", "--text", "Set the volume",
                           "--min-value", "0", "--max-value", "100", "--value", "10",
                           "--width", "500"], title="Volume", stdout=subprocess.PIPE,
                          text=True)
    # from the knob (under its value label "10") to near the scale's right end
    r = run_task(sway, tmp_path, """steps:
  - drag: {from: {text: "10", below: Set the volume, offset: [0, 23]},
           to: {text: "10", below: Set the volume, offset: [380, 23]}}
  - click: OK
""")
    assert r.returncode == 0, r.stdout + r.stderr
    code, out = finish(proc)
    assert code == 0, out
    # a click at either end would give 10 or a jump of a page; a drag follows the pointer
    assert 75 <= int(out.strip()) <= 100, out


# ---- XWayland beside native windows ----------------------------------------------------
def test_demo_runs_through_xwayland(sway, tmp_path):
    """The bundled demo: a Tk app on XWayland, driven through the Wayland backend."""
    r = subprocess.run([sys.executable, "-m", "picoagent.cli", "run", "examples/demo.yaml",
                        "--report", str(tmp_path / "report")],
                       env=sway.client_env(wayland=True), capture_output=True, text=True,
                       timeout=240, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "on wayland" in r.stdout and "passed" in r.stdout
    assert report(tmp_path)[0]["backend"] == "wayland"


# ---- HiDPI and rotated outputs -------------------------------------------------------------
@pytest.fixture
def output_changed(sway):
    changes = []

    def change(**kw):
        changes.append(kw)
        return sway.set_output(**kw)
    yield change
    if changes and sway.alive:
        sway.set_output(scale=1, transform="normal")


@pytest.mark.parametrize("kw,scale,shape", [
    ({"scale": 2}, 0.5, (720, 1280)),
    ({"transform": "90"}, 1.0, (1280, 720)),
])
def test_scaled_and_rotated_outputs(sway, sway_launch, output_changed, tmp_path, kw, scale,
                                    shape):
    output_changed(**kw)
    time.sleep(0.3)
    proc, _ = sway_launch(BUTTONS, title="Pick one", stdout=subprocess.PIPE, text=True)
    d, frame, differing = _grab_equals_grim(sway)
    assert differing == 0 and frame.scale == scale and frame.image.shape[:2] == shape
    r = run_task(sway, tmp_path, "steps:\n  - click: Blue\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert finish(proc)[0] == 7


# ---- faults ----------------------------------------------------------------------------------
def test_compositor_killed_mid_run(tmp_path):
    with SwaySession(xwayland=False) as own:
        task = tmp_path / "task.yaml"
        task.write_text("settings: {timeout: 60s}\nsteps:\n  - log: started\n"
                        "  - wait_for: Something that never appears\n")
        rep = tmp_path / "report"
        proc = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "run", str(task),
                                 "--report", str(rep)], env=own.client_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not ((rep / "run.jsonl").exists()
                   and "started" in (rep / "run.jsonl").read_text()):
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)
        time.sleep(1.0)                                 # inside the wait loop now
        t = time.monotonic()
        own.kill_compositor()
        try:
            _, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
        took = time.monotonic() - t
    assert proc.returncode == 3, err
    assert took < 5, took
    assert "Wayland" in err and len(err.strip().splitlines()) == 1, err
    records = report(tmp_path)
    assert records[-1]["summary"] and not records[-1]["ok"]
    assert "Wayland" in records[-1]["error"]


def _x_keys_down(display: str) -> list[int]:
    from Xlib import display as xdisplay

    from picoagent.devices.display import check_display
    check_display({"DISPLAY": display})     # a placeholder cookie file when there is none
    d = xdisplay.Display(display)
    try:
        bits = d.query_keymap()
    finally:
        d.close()
    return [i * 8 + b for i, byte in enumerate(bits) for b in range(8) if byte >> b & 1]


@pytest.mark.parametrize("delay", [0.9, 1.3, 1.7])
def test_sigint_mid_press_leaves_no_key_held(sway, sway_launch, vision, tmp_path, delay):
    """Ctrl-C while chords are being pressed leaves no key down.  Asked of the X server of
    XWayland, whose window has the focus, while picoagent's virtual keyboard still exists
    (a compositor may release a closed keyboard's keys itself, which would hide a
    missing release; in a long-lived process, an MCP server say, nothing would)."""
    from picoagent import load_task
    from picoagent.agent import Runner
    from picoagent.devices.backend import open_devices
    from picoagent.errors import RunInterrupted

    sway_launch(["xmessage", "-center", "keys"], cls="Xmessage", wayland=False)
    task = tmp_path / "task.yaml"
    task.write_text("settings: {settle: 0s}\nsteps:\n"
                    "  - repeat: {times: 1000, steps: [{press: ctrl+shift+alt+x}]}\n")
    task = load_task(task)
    devices = open_devices("auto", env=sway.client_env())

    def on_sigint(signum, frame):
        raise RunInterrupted(signum)

    old = signal.signal(signal.SIGINT, on_sigint)
    timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    try:
        timer.start()
        with pytest.raises(RunInterrupted):
            Runner(task, screen=devices.screen, input=devices.input, vision=vision).run()
        time.sleep(0.3)                 # let XWayland take in what the compositor sent
        held = _x_keys_down(sway.x_display)
    finally:
        signal.signal(signal.SIGINT, old)
        timer.cancel()
        devices.close()
    assert held == []


# ---- compositors that lack the protocols ------------------------------------------------------
class Compositor:
    """Another real compositor, headless, for a test: ``argv`` runs as uid 65534 (cage
    refuses root, as sway does) with its own runtime folder; ``env()`` is a client's."""

    def __init__(self, argv: list[str]):
        self.argv = argv
        # not under pytest's tmp_path: uid 65534 cannot enter /tmp/pytest-of-root
        self.top = Path(tempfile.mkdtemp(prefix="picoagent-compositor-"))
        self.top.chmod(0o711)
        self.runtime = self.top / "runtime"
        self.runtime.mkdir(mode=0o700)
        os.chown(self.runtime, 65534, 65534)
        self.proc = None

    def __enter__(self) -> "Compositor":
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.runtime),
               "XDG_RUNTIME_DIR": str(self.runtime), "WLR_BACKENDS": "headless",
               "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman",
               "GDK_BACKEND": "wayland", "NO_AT_BRIDGE": "1"}
        self.proc = subprocess.Popen(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "--pdeathsig=TERM", *self.argv], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while not self.sockets():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{self.argv[0]} did not start (exit {self.proc.poll()})")
            time.sleep(0.05)
        time.sleep(1.0)                 # let its first client map a window
        return self

    def sockets(self) -> list[Path]:
        return [p for p in self.runtime.glob("wayland-*") if p.suffix != ".lock"]

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR")}
        return {**env, "WAYLAND_DISPLAY": str(self.sockets()[0])}

    def __exit__(self, *exc) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(5)
        shutil.rmtree(self.top, ignore_errors=True)


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "picoagent.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_compositor_without_capture_or_input_is_named(tmp_path):
    """weston 10 offers none of the protocols (as GNOME and KDE don't): exit 3, one line
    naming the compositor and what it lacks, before anything is launched."""
    with Compositor(["weston", "--backend=headless-backend.so", "--idle-time=0"]) as weston:
        r = _cli(weston.env(), "run", "examples/demo.yaml")
        d = _cli(weston.env(), "doctor", "--report", str(tmp_path / "rep"))
    assert r.returncode == 3 and r.stderr.count("\n") == 1, r.stderr
    assert "compositor weston does not offer screen capture" in r.stderr
    assert "virtual keyboard" in r.stderr and r.stdout == ""
    assert d.returncode == 3 and "FAIL screen" in d.stdout and "ok   model" in d.stdout


def test_cage_0_1_4_can_be_looked_at_but_not_driven(tmp_path):
    """Debian 12's cage: capture yes, virtual input no.  find works; run says which cage
    version has input."""
    with Compositor(["cage", "--", "zenity", "--info", "--text", "Kiosk ready"]) as cage:
        f = _cli(cage.env(), "find", "Kiosk ready", "--json")
        r = _cli(cage.env(), "run", "examples/xmessage.yaml")
    assert f.returncode == 0 and json.loads(f.stdout)["found"], f.stdout + f.stderr
    assert r.returncode == 3 and r.stderr.count("\n") == 1, r.stderr
    assert "cage does not offer virtual pointer" in r.stderr and "0.1.5" in r.stderr


def test_second_output_beside_the_first(tmp_path):
    """Two outputs side by side: frames of the second start at its place in the layout,
    and the pointer reaches it (yad's exit code names the button clicked there)."""
    with SwaySession(xwayland=False) as own:
        own.msg("create_output")
        own.msg("output", "HEADLESS-2", "mode", "800x600", "pos", "1280", "0")
        own.msg("focus", "output", "HEADLESS-2")
        proc = own.launch(BUTTONS, stdout=subprocess.PIPE, text=True)
        own.wait_window(title="Pick one")
        task = tmp_path / "task.yaml"
        task.write_text("steps:\n  - click: Green\n")
        r = subprocess.run([sys.executable, "-m", "picoagent.cli", "run", str(task),
                            "--output", "HEADLESS-2", "--report", str(tmp_path / "report")],
                           env=own.client_env(), capture_output=True, text=True, timeout=120,
                           cwd=ROOT)
        assert r.returncode == 0, r.stdout + r.stderr
        assert finish(proc)[0] == 5
        point = [x for x in report(tmp_path) if x.get("kind") == "click"][0]["point"]
        assert point[0] >= 1280                      # layout coordinates, not the output's
        assert "output HEADLESS-2 800x600, at 1280,0" in report(tmp_path)[0]["display"]
        bad = subprocess.run([sys.executable, "-m", "picoagent.cli", "find", "Green",
                              "--output", "HDMI-A-9"], env=own.client_env(),
                             capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert bad.returncode == 3 and "no Wayland output called 'HDMI-A-9'" in bad.stderr
        assert "HEADLESS-1, HEADLESS-2" in bad.stderr
