"""Is there an X display we can use?  One line of explanation when not.

The X11 backend's check; devices/backend.py decides whether X11 is the backend.
"""
from __future__ import annotations

import os
import struct
import sys
import tempfile
from pathlib import Path

from ..errors import EnvironmentProblem

def check_display(env: dict | None = None) -> str:
    """Return the DISPLAY to use, or raise EnvironmentProblem with a one-line reason."""
    env = os.environ if env is None else env
    if sys.platform != "linux":
        return env.get("DISPLAY", "")
    display = env.get("DISPLAY", "")
    if not display:
        raise EnvironmentProblem("no X display: DISPLAY is not set. Run on the board's X "
                                 "desktop, set DISPLAY=:0, or run headless with "
                                 "`xvfb-run -a picoagent run TASK`")
    try:
        from Xlib import display as xdisplay
        from Xlib import error as xerror
    except ImportError:  # pragma: no cover - python-xlib comes with pyautogui
        return display
    xauth = env.get("XAUTHORITY") or str(Path.home() / ".Xauthority")
    if Path(xauth).is_file() and Path(xauth).stat().st_size == 0:
        # python-xlib prints "no xauthority details available" on every connection
        # to an empty cookie file (pyautogui opens several); point it at ours
        _use_placeholder_cookie()
    try:
        _open(xdisplay, display)
    except xerror.XauthError:
        # python-xlib refuses to connect when the cookie file is missing, even to a
        # server without access control (a bare `Xvfb :1`).  Retry with an empty
        # cookie file of our own; a server that needs a cookie still says no.
        if Path(xauth).exists():
            raise EnvironmentProblem(f"cannot read the X cookie file {xauth}") from None
        _use_placeholder_cookie()
        try:
            _open(xdisplay, display)
        except Exception as e:  # noqa: BLE001 - any failure here is "cannot connect"
            raise EnvironmentProblem(
                f"cannot open X display {display!r}: {xauth} does not exist and the server "
                f"wants a cookie; set XAUTHORITY to the desktop session's cookie file "
                f"({_reason(e)})") from None
    except Exception as e:  # noqa: BLE001 - DisplayError, ConnectionClosedError, OSError...
        raise EnvironmentProblem(f"cannot open X display {display!r}: {_reason(e)}. "
                                 "Check DISPLAY, and XAUTHORITY when it is not your "
                                 "own session") from None
    return display


def _use_placeholder_cookie() -> None:
    empty = Path(tempfile.gettempdir()) / f"picoagent-{os.getuid()}.Xauthority"
    _write_placeholder_cookie(empty)
    os.environ["XAUTHORITY"] = str(empty)


def _open(xdisplay, name: str) -> None:
    d = xdisplay.Display(name)
    d.close()


def _reason(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _write_placeholder_cookie(path: Path) -> None:
    """An Xauthority file with one entry that matches no display.

    An empty file would do for the connection, but python-xlib then prints a
    warning on stdout for every connection it opens.
    """
    def field(b: bytes) -> bytes:
        return struct.pack(">H", len(b)) + b

    entry = struct.pack(">H", 256) + field(b"picoagent-none") + field(b"65535") \
        + field(b"MIT-MAGIC-COOKIE-1") + field(bytes(16))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(entry)
