"""Screens: where frames come from.  The runner only sees the ``Screen`` protocol."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from ..errors import DisplayLost, PicoAgentError
from ..vision.frame import Frame, as_rgb_array


class Screen(Protocol):
    def grab(self) -> Frame: ...

    def close(self) -> None: ...


class MssScreen:
    """The live X screen through mss.  ``monitor`` 0 is the whole X screen."""

    def __init__(self, monitor: int = 0):
        self.monitor = monitor
        self._sct = None
        self._last: tuple[bytes, Frame] | None = None

    def _open(self):
        if self._sct is None:
            import mss
            self._sct = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        return self._sct

    def grab(self) -> Frame:
        try:
            sct = self._open()
            mon = sct.monitors[self.monitor]
            shot = sct.grab(mon)
        except PicoAgentError:
            raise                       # e.g. RunInterrupted from a signal handler
        except Exception as e:  # mss raises ScreenShotError / Xlib errors on a dead server
            self._sct = None
            raise DisplayLost(f"cannot capture the screen: {e}") from None
        raw = shot.bgra
        if self._last is not None and raw == self._last[0]:
            return self._last[1]        # unchanged screen: the same (immutable) frame
        img = np.frombuffer(raw, dtype=np.uint8).reshape(shot.height, shot.width, 4)
        rgb = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
        scale = mon["width"] / shot.width if shot.width else 1.0
        frame = Frame(rgb, origin=(float(mon["left"]), float(mon["top"])), scale=scale)
        self._last = (raw, frame)
        return frame

    def close(self) -> None:
        if self._sct is not None:
            try:
                self._sct.close()
            finally:
                self._sct = None


class ImageScreen:
    """A screen that shows fixed images (a PNG, or a sequence replayed in order)."""

    def __init__(self, *images, scale: float = 1.0):
        self._frames = [as_rgb_array(Path(i) if isinstance(i, str) else i) for i in images]
        self._i = 0
        self.scale = scale

    def grab(self) -> Frame:
        img = self._frames[min(self._i, len(self._frames) - 1)]
        self._i += 1
        return Frame(img, scale=self.scale)

    def close(self) -> None:
        pass
