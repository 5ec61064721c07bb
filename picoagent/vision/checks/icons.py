"""Icons: snapped to their pictogram's ink."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..components import components
from .config import CONFIG as C
from .shapes import _touches_rim, backgrounds_for, channel_diff, search_window


ICON_KINDS = ("icon",)


def icon_extent(image: np.ndarray, box: tuple[int, int, int, int]):
    """The pictogram the model boxed a few pixels off: the bounding box (x, y, w,
    h) of the pieces of ink that reach into the middle half of ``box``, against
    each of :func:`backgrounds_for` in turn (what the box sits on: a window, a
    button's face); or None when there is no such ink, or it runs out of the
    searched window."""
    x, y, w, h = box
    window = search_window(image, box, max(3, int(C.icon_reach * w)), max(3, int(C.icon_reach * h)))
    x0, y0, x1, y1 = window
    win = image[y0:y1, x0:x1]
    if win.ndim == 2:
        win = win[:, :, None]
    if win.shape[0] < 4 or win.shape[1] < 4:
        return None
    cx0, cy0 = x - x0 + w // 4, y - y0 + h // 4
    for bg in backgrounds_for(image, window, box):
        ink = (channel_diff(win, bg) > C.icon_ink_diff).view(np.uint8)
        n, lab, st, _ = components(ink)
        core = lab[cy0:cy0 + max(1, h - h // 2), cx0:cx0 + max(1, w - w // 2)]
        # the labels found in the core, the background (0) left out: one count a label
        parts = np.flatnonzero(np.bincount(core.ravel(), minlength=n)[1:]) + 1
        if not parts.size:
            continue
        st = st[parts]
        bx0, by0 = int(st[:, 0].min()), int(st[:, 1].min())
        bx1 = int((st[:, 0] + st[:, 2]).max())
        by1 = int((st[:, 1] + st[:, 3]).max())
        if not _touches_rim((bx0, by0, bx1 - bx0, by1 - by0), window, *image.shape[1::-1]):
            return (int(bx0 + x0), int(by0 + y0), int(bx1 - bx0), int(by1 - by0))
    return None


def check_icon(image: np.ndarray, d):
    """An icon detection snapped to its pictogram's ink (:func:`icon_extent`), score
    unchanged; or unchanged: (detection, whether its ink was found)."""
    ext = icon_extent(image, d.box)
    if ext is None:
        return d, False
    return replace(d, box=ext), True
