"""Input devices: pyautogui on the real display, or a recorder for dry runs."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import ActionFailed, DisplayLost

KEY_ALIASES = {"escape": "esc", "control": "ctrl", "return": "enter", "del": "delete",
               "super": "win", "cmd": "command", "menu": "apps"}


def key_names(chord: str) -> list[str]:
    return [KEY_ALIASES.get(k, k) for k in chord.split("+")]


class Input(Protocol):
    def move(self, x: int, y: int) -> None: ...
    def click(self, x: int, y: int, button: str = "left", clicks: int = 1) -> None: ...
    def drag(self, x0: int, y0: int, x1: int, y1: int) -> None: ...
    def scroll(self, direction: str, amount: int, x: int | None, y: int | None) -> None: ...
    def type_text(self, text: str) -> None: ...
    def press(self, chord: str) -> None: ...
    def release_all(self) -> None: ...


class PyAutoGuiInput:
    """Real pointer and keyboard through pyautogui (XTest on X11).

    pyautogui's fail-safe stays on: slam the pointer into a screen corner to abort.
    pyautogui is imported on first use because importing it opens the display.
    """

    def __init__(self, type_interval: float = 0.01):
        self.type_interval = type_interval
        self._pg = None
        self._held: set[str] = set()

    @property
    def pg(self):
        if self._pg is None:
            import sys

            from .display import check_display
            check_display()                 # a clear error instead of an Xlib traceback
            again = "pyautogui" in sys.modules
            import pyautogui
            pyautogui.FAILSAFE = True
            pyautogui.PAUSE = 0.0
            if again:
                _reconnect(pyautogui)
            self._pg = pyautogui
        return self._pg

    def _do(self, fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except self.pg.FailSafeException:
            raise ActionFailed("pyautogui fail-safe: the pointer was moved to a screen "
                               "corner, so the run was stopped") from None
        except (ConnectionError, OSError) as e:
            raise DisplayLost(f"lost the X display while acting: {e}") from None
        except Exception as e:
            if type(e).__module__.startswith("Xlib"):
                raise DisplayLost(f"lost the X display while acting: {e}") from None
            raise

    def move(self, x, y):
        self._do(self.pg.moveTo, x, y)

    def click(self, x, y, button="left", clicks=1):
        self._do(self.pg.moveTo, x, y)
        time.sleep(0.03)            # let the app see the pointer arrive (hover states)
        self._do(self.pg.click, x, y, clicks=clicks, interval=0.08, button=button)

    def drag(self, x0, y0, x1, y1):
        self._do(self.pg.moveTo, x0, y0)
        self._held.add("mouse")
        self._do(self.pg.mouseDown, button="left")
        try:
            self._do(self.pg.moveTo, x1, y1, duration=0.3)
        finally:
            self._do(self.pg.mouseUp, button="left")
            self._held.discard("mouse")

    def scroll(self, direction, amount, x=None, y=None):
        if x is not None:
            self._do(self.pg.moveTo, x, y)
        if direction in ("up", "down"):
            self._do(self.pg.scroll, amount if direction == "up" else -amount)
        else:
            self._do(self.pg.hscroll, amount if direction == "right" else -amount)

    def type_text(self, text):
        self._do(self.pg.write, text, interval=self.type_interval)

    def press(self, chord):
        keys = key_names(chord)
        for k in keys:
            if not self.pg.isValidKey(k):
                raise ActionFailed(f"unknown key {k!r}")
        self._held.update(keys)
        try:
            self._do(self.pg.hotkey, *keys)
        finally:
            self._held.difference_update(keys)

    def release_all(self):
        """Release anything we may be holding (after an interrupt)."""
        if self._pg is None:
            return
        for k in list(self._held):
            try:
                if k == "mouse":
                    self._pg.mouseUp(button="left")
                else:
                    self._pg.keyUp(k)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        self._held.clear()


def _reconnect(pyautogui) -> None:
    """Give pyautogui a new X connection.  It opens one when first imported and
    keeps it for the life of the process, so after the X server restarted (a
    long-running `watch`) every click would fail on the dead one; a new input
    device gets a live connection instead."""
    import os

    mod = getattr(pyautogui, "_pyautogui_x11", None)
    if mod is None or not hasattr(mod, "_display"):
        return
    from Xlib import display as xdisplay
    old = mod._display
    mod._display = xdisplay.Display(os.environ["DISPLAY"])
    try:
        old.close()
    except Exception:  # noqa: BLE001 - the old server may be gone
        pass


@dataclass
class RecordingInput:
    """Records actions without touching anything (dry runs and unit tests)."""

    actions: list[tuple] = field(default_factory=list)

    def move(self, x, y):
        self.actions.append(("move", x, y))

    def click(self, x, y, button="left", clicks=1):
        self.actions.append(("click", x, y, button, clicks))

    def drag(self, x0, y0, x1, y1):
        self.actions.append(("drag", x0, y0, x1, y1))

    def scroll(self, direction, amount, x=None, y=None):
        self.actions.append(("scroll", direction, amount, x, y))

    def type_text(self, text):
        self.actions.append(("type", text))

    def press(self, chord):
        self.actions.append(("press", chord))

    def release_all(self):
        pass
