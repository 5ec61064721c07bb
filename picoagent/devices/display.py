"""Is there an X display we can use?  One line of explanation when not."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import EnvironmentProblem

WAYLAND_HINT = ("picoagent needs an X11 session; this is Wayland without XWayland. "
                "On Raspberry Pi OS run `sudo raspi-config` > Advanced Options > "
                "Wayland > X11, then reboot")


def check_display(env: dict | None = None) -> str:
    """Return the DISPLAY to use, or raise EnvironmentProblem with a one-line reason."""
    env = os.environ if env is None else env
    if sys.platform != "linux":
        return env.get("DISPLAY", "")
    display = env.get("DISPLAY", "")
    if not display:
        if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
            raise EnvironmentProblem(WAYLAND_HINT)
        raise EnvironmentProblem("no display: DISPLAY is not set. Run on the board's X "
                                 "desktop, set DISPLAY=:0, or run headless with "
                                 "`xvfb-run -a picoagent run TASK`")
    try:
        from Xlib import display as xdisplay
        from Xlib import error as xerror
    except ImportError:  # pragma: no cover - python-xlib comes with pyautogui
        return display
    try:
        d = xdisplay.Display(display)
        d.close()
    except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as e:
        xauth = env.get("XAUTHORITY") or str(Path.home() / ".Xauthority")
        hint = ""
        if not Path(xauth).exists() and not display.startswith(":99"):
            hint = f"; {xauth} does not exist (set XAUTHORITY to the session's cookie file)"
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise EnvironmentProblem(f"cannot open X display {display!r}: {reason}{hint}") \
            from None
    return display
