"""Shared fixtures: a real Xvfb for the session, the real OCR models, app launchers."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

SCREEN = os.environ.get("PICOAGENT_TEST_SCREEN", "1024x640x24")


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is not installed: run `make system-deps`")
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", SCREEN,
                             "-nolisten", "tcp", "-noreset"], pass_fds=[w],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    if not num:
        proc.kill()
        pytest.fail("Xvfb did not start")
    return proc, f":{num}"


@pytest.fixture(scope="session")
def xdisplay():
    """A private Xvfb; DISPLAY is set for this process and its children."""
    proc, display = _start_xvfb()
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    from picoagent.devices import check_display
    check_display()
    yield display
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old


@pytest.fixture(scope="session")
def vision():
    from picoagent.vision import Vision
    return Vision(threads=1)


@pytest.fixture(scope="session")
def screen(xdisplay):
    from picoagent.devices import MssScreen
    s = MssScreen()
    yield s
    s.close()


@pytest.fixture(scope="session")
def pointer(xdisplay):
    from picoagent.devices import PyAutoGuiInput
    return PyAutoGuiInput()


from tests.helpers import CheckinApp  # noqa: E402


@pytest.fixture
def checkin(xdisplay, tmp_path):
    app = CheckinApp(tmp_path / "events.log")
    yield app
    app.close()


