"""Shared fixtures: a real Xvfb for the session, the real OCR models, app launchers."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

SCREEN = os.environ.get("PICOAGENT_TEST_SCREEN", "1024x640x24")


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    from tests.helpers import start_xvfb
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is not installed: run `make system-deps`")
    try:
        return start_xvfb(SCREEN, noreset=True)
    except RuntimeError as e:
        pytest.fail(str(e))


def _session_bus() -> tuple[str, int] | None:
    """A private D-Bus session bus (address, pid), or None without dbus-daemon.  GTK
    programs with no session bus start one each through X11 autolaunch, and those
    outlive the tests."""
    exe = shutil.which("dbus-daemon")
    if not exe:
        return None
    got = subprocess.run([exe, "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         capture_output=True, text=True, timeout=10)
    out = got.stdout.split()
    if got.returncode or len(out) < 2 or not out[1].isdigit():
        return None
    return out[0], int(out[1])


@pytest.fixture(scope="session")
def xdisplay():
    """A private Xvfb and D-Bus session bus; DISPLAY and DBUS_SESSION_BUS_ADDRESS are
    set for this process and its children."""
    proc, display = _start_xvfb()
    saved = {k: os.environ.get(k) for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    os.environ["DISPLAY"] = display
    # the X11 tests run on this Xvfb even from a Wayland desktop's terminal
    os.environ.pop("WAYLAND_DISPLAY", None)
    bus = _session_bus()
    if bus is not None:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus[0]
    from picoagent.devices import check_display
    check_display()
    yield display
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    if bus is not None:
        try:
            os.kill(bus[1], signal.SIGTERM)
        except ProcessLookupError:
            pass
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


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




# ---- Wayland: a real headless sway session (tests/wayland_session.py) ----
import time  # noqa: E402
import warnings  # noqa: E402

from tests.wayland_session import SwayError, SwaySession, missing_programs  # noqa: E402


@pytest.fixture(scope="session")
def _sway_session():
    missing = missing_programs(xwayland=True)
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run `make system-deps`")
    session = SwaySession()
    try:
        session.start()
    except SwayError as e:
        pytest.fail(f"headless sway did not start: {e}")
    yield session
    session.close()


@pytest.fixture
def sway(_sway_session):
    """A started headless sway (1280x720, XWayland on), shared by the whole test session.

    Fails, never skips, without sway.  Tests that kill or reconfigure the compositor for good
    (kill_compositor, odd modes) use their own ``SwaySession()`` instead; ``set_output`` changes
    must be undone by the test that makes them.  Headless sway 1.7 has been seen to die by
    SIGSEGV on its own, before any client of ours had connected, on a loaded machine: a
    session found dead before a test is started again, with a warning that carries its log, so
    one crash does not fail every later Wayland test (the test during which it died fails).
    """
    if not _sway_session.alive:
        tail = _sway_session.log_tail()
        warnings.warn(f"the shared headless sway had died; started a new one. Its log:\n{tail}")
        try:
            _sway_session.restart()
        except SwayError as e:
            pytest.fail(f"headless sway died and did not start again: {e}\n{tail}")
    return _sway_session


@pytest.fixture
def sway_launch(sway):
    """``launch(argv, title=, app_id=, cls=, wayland=True, focused=True, timeout=10, **popen_kw)``
    starts an app in the session, waits (bounded) until its window is in get_tree (and has the
    keyboard focus) and returns ``(proc, node)``.  At the end of the test the apps are killed
    and their windows waited out, so the next test starts on an empty workspace."""
    if not sway.alive:
        pytest.fail(f"the session's sway is dead:\n{sway.log_tail()}")
    started: list[tuple] = []

    def launch(argv, title=None, app_id=None, cls=None, wayland=True, focused=True,
               timeout=10.0, **popen_kw):
        proc = sway.launch(argv, wayland=wayland, **popen_kw)
        started.append((proc, None))
        try:
            node = sway.wait_window(title=title, app_id=app_id, cls=cls, focused=focused,
                                    timeout=timeout)
        except SwayError as e:
            pytest.fail(f"{argv[0]}: {e}")
        started[-1] = (proc, node["id"])
        return proc, node

    yield launch
    for proc, _ in started:
        sway.kill_app(proc)
    ids = {con for _, con in started if con is not None}
    if ids and sway.alive:
        deadline = time.monotonic() + 5
        while any(w["id"] in ids for w in sway.windows()):
            if time.monotonic() > deadline:
                pytest.fail(f"windows {ids} still in the tree after their apps were killed")
            time.sleep(0.05)


@pytest.fixture
def sway_env(sway, monkeypatch):
    """os.environ pointed at the session (WAYLAND_DISPLAY, XDG_RUNTIME_DIR, DISPLAY of its
    XWayland, SWAYSOCK) for code under test that runs in this process."""
    for key in ("WAYLAND_DISPLAY", "WAYLAND_SOCKET", "DISPLAY", "SWAYSOCK", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in sway.env().items():
        monkeypatch.setenv(key, value)
    return sway.env()
