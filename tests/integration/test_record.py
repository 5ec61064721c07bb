"""`picoagent record`: a person's session on a real form program (yad), acted with real
X input events (xdotool), recorded, validated, and replayed on a fresh instance."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import kill, run_cli, wait_window

pytestmark = pytest.mark.skipif(not shutil.which("yad"),
                                reason="yad is not installed (make system-deps)")

FORM = ["yad", "--form", "--title", "Contact", "--field=Name", "--field=Email",
        "--button=Save:0", "--button=Cancel:1"]


def _form() -> subprocess.Popen:
    proc = subprocess.Popen(FORM, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "NO_AT_BRIDGE": "1"})
    wait_window("Contact")
    return proc


def _xdo(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True)


def _click(x: int, y: int) -> None:
    """A person's click: the button held for a moment, as a hand does."""
    _xdo("mousemove", str(x), str(y))
    _xdo("mousedown", "1")
    time.sleep(0.1)
    _xdo("mouseup", "1")
    time.sleep(0.2)


def _where(vision, screen) -> dict[str, tuple[int, int]]:
    """Where the person sees the two fields and the Save button (screen points)."""
    from picoagent.vision.frame import frame_to_screen

    frame = screen.grab()
    els = vision.elements(frame)
    fields = sorted((e for e in els if e.kind == "text_field"), key=lambda e: e.box[1])
    save = vision.locate(frame, _loc("Save"))
    assert len(fields) == 2, els
    return {"name": frame_to_screen(frame, *fields[0].center),
            "email": frame_to_screen(frame, *fields[1].center),
            "save": tuple(int(v) for v in save.point)}


def _loc(text):
    from picoagent.task import parse_locator

    return parse_locator(text, Path("x.yaml"))


def test_record_a_person_then_replay_on_a_fresh_form(tmp_path, xdisplay, vision, screen):
    t0 = time.monotonic()
    out = tmp_path / "contact.yaml"
    form = _form()
    rec = None
    try:
        at = _where(vision, screen)
        rec = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "record", str(out),
                                "--threads", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = rec.stderr.readline()            # "recording to ...; act now"
        assert "act now" in line, line
        _click(*at["name"])
        _xdo("type", "--delay", "15", "Ada Lovelace")
        _xdo("key", "BackSpace")                # a typo taken back...
        _xdo("type", "--delay", "15", "e")      # ...and typed again
        _click(*at["email"])
        _xdo("type", "--delay", "15", "ada@example.org")
        _xdo("key", "Home")                     # a key the task presses
        _click(*at["save"])
        recorded, _ = form.communicate(timeout=10)
        time.sleep(0.2)
        rec.send_signal(signal.SIGINT)
        stdout, stderr = rec.communicate(timeout=60)
    finally:
        kill(form)
        if rec is not None:
            kill(rec)
    t_rec = time.monotonic() - t0
    assert rec.returncode == 0, stderr
    assert "wrote" in stdout and "5 steps" in stdout, stdout
    assert recorded.strip() == "Ada Lovelace|ada@example.org|"

    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=picoagent.schema.json\n")
    assert (tmp_path / "picoagent.schema.json").is_file()
    steps = text.split("steps:\n", 1)[1]
    assert steps == (
        "  - wait_for: {kind: text_field, right_of: Name}\n"
        "  - type: {text: Ada Lovelace, into: {kind: text_field, right_of: Name}}\n"
        "  - type: {text: ada@example.org, into: {kind: text_field, right_of: Email}}\n"
        "  - press: home\n"
        "  - click: Save\n"), text
    r = run_cli("validate", str(out))
    assert r.returncode == 0, r.stdout + r.stderr

    fresh = _form()
    try:
        r = run_cli("run", str(out), "--threads", "2", timeout=60)
        replayed, _ = fresh.communicate(timeout=10)
    finally:
        kill(fresh)
    assert r.returncode == 0, r.stdout + r.stderr
    assert replayed == recorded
    print(f"recorded in {t_rec:.1f}s, whole test {time.monotonic() - t0:.1f}s")


def test_record_on_wayland_says_it_needs_x11_and_exits_3(tmp_path):
    r = run_cli("record", str(tmp_path / "t.yaml"),
                env={"WAYLAND_DISPLAY": "wayland-test", "PICOAGENT_BACKEND": "auto"})
    assert r.returncode == 3, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs X11" in lines[0]
    assert "picoagent mcp --record" in lines[0] and "picoagent inspect" in lines[0]
    assert not (tmp_path / "t.yaml").exists()


def test_the_stop_key_ends_a_recording_and_is_not_recorded(tmp_path, xdisplay, vision, screen):
    t0 = time.monotonic()
    out = tmp_path / "cancel.yaml"
    form = _form()
    rec = None
    try:
        rec = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "record", str(out),
                                "--stop-key", "ctrl+alt+q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "act now" in rec.stderr.readline()
        _click(*_where(vision, screen)["email"])
        _xdo("type", "--delay", "15", "X y")
        _xdo("key", "Tab")
        _xdo("key", "ctrl+alt+q")
        stdout, stderr = rec.communicate(timeout=60)       # no signal: the key ends it
    finally:
        kill(form)
        if rec is not None:
            kill(rec)
    assert rec.returncode == 0, stderr
    assert out.read_text().split("steps:\n", 1)[1] == (
        "  - wait_for: {kind: text_field, right_of: Email}\n"
        "  - type: {text: X y, into: {kind: text_field, right_of: Email}}\n"
        "  - press: tab\n")
    print(f"stop-key test {time.monotonic() - t0:.1f}s")
