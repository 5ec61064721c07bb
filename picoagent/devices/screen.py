"""Screens: where frames come from.  The runner only sees the ``Screen`` protocol."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import DisplayLost
from ..vision.frame import Frame, as_rgb_array


class Screen(Protocol):
    def grab(self) -> Frame: ...

    def close(self) -> None: ...


class MssScreen:
    """The live X screen through mss.  ``monitor`` 0 is the whole X screen."""

    def __init__(self, monitor: int = 0):
        self.monitor = monitor
        self._sct = None

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
        except Exception as e:  # mss raises ScreenShotError / Xlib errors on a dead server
            self._sct = None
            raise DisplayLost(f"cannot capture the screen: {e}") from None
        img = np.frombuffer(shot.bgra, dtype=np.uint8).reshape(shot.height, shot.width, 4)
        rgb = np.ascontiguousarray(img[:, :, 2::-1])
        scale = mon["width"] / shot.width if shot.width else 1.0
        return Frame(rgb, origin=(float(mon["left"]), float(mon["top"])), scale=scale)

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
