"""All checks on a frame's detections: the registry of checks by kind, the budget
and floors, duplicates and blank boxes dropped."""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from ..geometry import holds_any, overlaps_any
from .config import CONFIG as C
from .indicators import INDICATOR_KINDS, check_indicator
from .fields import FIELD_KINDS, check_field
from .buttons import BUTTON_KINDS, check_button
from .links import LINK_KINDS, check_link
from .sliders import SLIDER_KINDS, check_slider
from .icons import ICON_KINDS, check_icon


VERIFIED_KINDS = (INDICATOR_KINDS + FIELD_KINDS + BUTTON_KINDS + LINK_KINDS + SLIDER_KINDS
                  + ICON_KINDS)

#: a check: (frame, detection, the frame's outline results by box) -> (the detections
#: it becomes, whether the check found its element)
Check = Callable[..., "tuple[list, bool]"]


def _one(check) -> Check:
    """A check that gives back one detection, as a :data:`Check`."""
    def run(image: np.ndarray, d, outlines: dict | None = None):
        r, ok = check(image, d)
        return [r], ok
    run.__name__ = check.__name__
    return run


def _indicator(image: np.ndarray, d, outlines: dict | None = None):
    r, ok = check_indicator(image, d, outlines)
    return [r], ok


def _button(image: np.ndarray, d, outlines: dict | None = None):
    return check_button(image, d)


#: the check of each kind (buttons may split into several detections; indicators
#: share the frame's outline results, as the model leaves a checkbox and a radio
#: candidate on one box)
CHECKS: dict[str, Check] = {
    **{k: _indicator for k in INDICATOR_KINDS},
    **{k: _one(check_field) for k in FIELD_KINDS},
    **{k: _button for k in BUTTON_KINDS},
    **{k: _one(check_link) for k in LINK_KINDS},
    **{k: _one(check_slider) for k in SLIDER_KINDS},
    **{k: _one(check_icon) for k in ICON_KINDS},
}


#: kinds that always show something inside their box (words, a glyph, a knob, a
#: groove); text fields and dropdowns can be empty, indicators are checked above
CONTENT_KINDS = ("button", "tab", "menu_item", "link", "icon", "slider", "toggle")
#: kinds no check snaps to an outline: of two boxes of one of these kinds one
#: inside the other (C.nested_share), the model's second box on one element (a
#: switch boxed twice, a menu row and its label alone), only the higher scored is kept
NESTED_KINDS = ("toggle", "tab", "menu_item")


def is_blank(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the inside of ``box`` (x, y, w, h) is one flat colour: the model's
    box over an empty panel or along a panel's edge line, not an element."""
    x, y, w, h = box
    H, W = image.shape[:2]
    x0, x1 = max(0, int(x + w * C.blank_margin)), min(W, int(x + w - w * C.blank_margin) + 1)
    y0, y1 = max(0, int(y + h * C.blank_margin)), min(H, int(y + h - h * C.blank_margin) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return False
    step = max(1, int(np.sqrt((x1 - x0) * (y1 - y0) / C.blank_samples)))
    _, sd = cv2.meanStdDev(np.ascontiguousarray(image[y0:y1:step, x0:x1:step]))
    return float(sd.max()) < C.blank_std


def _check(image: np.ndarray, d, outlines: dict | None = None):
    """The check of ``d``'s kind (:data:`CHECKS`): (detections, whether it passed).
    ``outlines``: as :func:`check_indicator`'s."""
    return CHECKS[d.kind](image, d, outlines)


def refine(image: np.ndarray, detections: list, *, same_iou: float = C.same_iou,
           min_score: float = 0.0) -> list:
    """Every check of :data:`CHECKS` on the detections of its kinds, best scored
    first; then, as two detections snapped to the same outline are one element,
    of same-kind boxes overlapping by more than ``same_iou`` only the higher
    scored is kept, and of NESTED_KINDS boxes one inside the other; a detection
    of a CONTENT_KINDS kind scored from C.blank_floor with nothing inside its box
    is dropped.  Detections scored under ``min_score`` after the checks are left
    out (the caller's threshold): they could only have stood in the way of
    lower-scored ones, so the others are the same as without it."""
    # A budget: at most C.max_checked candidates of a kind are checked; the rest keep
    # the model's box and score (a busy page has 40 field candidates).  A candidate
    # overlapping an element already found by a check (C.found_iou) is a lower-scored
    # duplicate of it (the detector leaves 2-3 boxes a button): dropped unchecked, so
    # that duplicates do not spend the budget (xcalc: 122 button candidates, 40 buttons).
    found: dict = {}
    checked: dict = {}
    outlines: dict = {}
    out = []
    for d in sorted(detections, key=lambda d: -d.score):
        if d.kind not in VERIFIED_KINDS:
            out.append(d)
            continue
        if overlaps_any(found.get(d.kind, ()), d.box, C.found_iou_kind.get(d.kind, C.found_iou)):
            continue
        n = checked.get(d.kind, 0)
        if n >= C.max_checked or (d.kind not in INDICATOR_KINDS
                                and d.score < C.kind_floor.get(d.kind, C.box_floor)):
            out.append(d)
            continue
        checked[d.kind] = n + 1
        res, ok = _check(image, d, outlines)
        out.extend(res)
        if ok:
            for r in res:
                found.setdefault(r.kind, []).append(r.box)
    kept: list = []
    by_kind: dict = {}
    for d in sorted(out, key=lambda d: -d.score):
        if d.score < min_score:
            break                       # and all after it: the order is by score
        if d.kind in CONTENT_KINDS and d.score >= C.blank_floor and is_blank(image, d.box):
            continue
        if d.kind in VERIFIED_KINDS:
            same = by_kind.setdefault(d.kind, [])
            if overlaps_any(same, d.box, same_iou):
                continue
            same.append(d.box)
        elif d.kind in NESTED_KINDS:
            same = by_kind.setdefault(d.kind, [])
            if holds_any(same, d.box, C.nested_share):
                continue
            same.append(d.box)
        kept.append(d)
    return kept
