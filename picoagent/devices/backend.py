"""Which display system to drive, and the screen and input devices for it.

The session decides: ``WAYLAND_DISPLAY`` set means Wayland, even when ``DISPLAY``
is set too (XWayland sets it, but an X11 capture of a Wayland desktop is black
and XTest input never reaches native windows).  X11 only where there is no
Wayland session: ``xvfb-run``, X11 desktops.  ``--backend`` overrides.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, UsageError

BACKENDS = ("auto", "x11", "wayland")


@dataclass(frozen=True)
class Choice:
    backend: str            # "x11" or "wayland"
    reason: str             # one line: why this one


def choose_backend(requested: str = "auto", env: Mapping[str, str] | None = None) -> Choice:
    """Pick the display system.  UsageError for an unknown name, EnvironmentProblem
    when there is no display at all."""
    env = os.environ if env is None else env
    requested = (requested or "auto").lower()
    if requested not in BACKENDS:
        raise UsageError(f"--backend {requested!r}: expected one of {', '.join(BACKENDS)}")
    if requested == "x11":
        return Choice("x11", "--backend x11")
    if requested == "wayland":
        return Choice("wayland", "--backend wayland")
    if env.get("WAYLAND_DISPLAY"):
        also = " (DISPLAY is XWayland's; its windows appear in the Wayland capture)" \
            if env.get("DISPLAY") else ""
        return Choice("wayland", f"WAYLAND_DISPLAY={env['WAYLAND_DISPLAY']} is set{also}")
    if env.get("DISPLAY"):
        return Choice("x11", f"DISPLAY={env['DISPLAY']} is set and WAYLAND_DISPLAY is not")
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "wayland-0").exists():
        # e.g. logged in over ssh to a Pi whose desktop is labwc: the session's socket
        return Choice("wayland", f"no WAYLAND_DISPLAY or DISPLAY, but {runtime}/wayland-0 "
                                 "exists")
    raise EnvironmentProblem(
        "no display: neither WAYLAND_DISPLAY nor DISPLAY is set. Run on the board's "
        "desktop (or set WAYLAND_DISPLAY=wayland-0 with XDG_RUNTIME_DIR=/run/user/$(id -u) "
        "for its Wayland session, DISPLAY=:0 for an X11 one), or run headless with "
        "`xvfb-run -a picoagent run TASK`")


@dataclass
class Devices:
    """A screen and (unless only looking) an input for one backend.  Close when done."""

    backend: str
    reason: str
    screen: Any
    input: Any | None
    description: str
    _closers: list = field(default_factory=list, repr=False)

    def close(self) -> None:
        for fn in reversed(self._closers):
            try:
                fn()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        self._closers.clear()

    def __enter__(self) -> Devices:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_devices(backend: str = "auto", *, output: str | None = None, need_input: bool = True,
                 env: Mapping[str, str] | None = None) -> Devices:
    """Open the screen (and input, with ``need_input``) of the chosen backend.

    EnvironmentProblem (exit 3) with one line when the display cannot be used: no
    display, an X server that refuses us, a compositor without the protocols.
    """
    choice = choose_backend(backend, env)
    if choice.backend == "x11":
        from .display import check_display
        from .input import PyAutoGuiInput
        from .screen import MssScreen
        display = check_display(env)
        screen = MssScreen()
        inp = PyAutoGuiInput() if need_input else None
        d = Devices("x11", choice.reason, screen, inp,
                    f"X11 (DISPLAY={display}; capture mss, input XTest via pyautogui)")
        d._closers.append(screen.close)
        if inp is not None:
            d._closers.append(inp.release_all)
        return d
    from .wayland import WaylandInput, WaylandScreen, WaylandSession
    session = WaylandSession(dict(os.environ if env is None else env))   # wayland-0 by default
    try:
        session.require(need_input=need_input)
        screen = WaylandScreen(session, output)
        inp = WaylandInput(session, output) if need_input else None
    except BaseException:
        session.close()
        raise
    d = Devices("wayland", choice.reason, screen, inp,
                f"{session.describe()}; output {screen.output.describe()}")
    d._closers.append(session.close)
    d._closers.append(screen.close)
    if inp is not None:
        d._closers.append(inp.close)
    return d
