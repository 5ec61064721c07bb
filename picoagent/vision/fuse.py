"""Which text belongs to which element.  Pure logic on boxes (frame pixels).

A person names a button by the words on it, a checkbox by the words beside it,
and a text field by its label (left of it or above it) or by what is written in
it (value or placeholder).  The functions here say, for one element, which text
lines count as its name, so a locator like ``{kind: checkbox, text: "Remember
me"}`` or ``{kind: text_field, text: "Password"}`` works.
"""
from __future__ import annotations

import re

from .frame import Box
from .geometry import center, inside
from .textmatch import normalise

#: kinds named by the text inside their box
INNER_TEXT = ("button", "tab", "menu_item", "link", "dropdown", "text_field")
#: kinds named by a label beside them (checkbox/radio/toggle: to the right, else left)
SIDE_LABEL = ("checkbox", "radio", "toggle", "slider")
#: kinds named by a label left of them or above them
FIELD_LABEL = ("text_field", "dropdown", "slider")


def inner_lines(box: Box, line_boxes: list[Box]) -> list[int]:
    """Indices of the lines whose centre lies inside ``box``."""
    return [i for i, b in enumerate(line_boxes) if inside(center(b), box)]


def side_label(box: Box, line_boxes: list[Box], *, max_gap_h: float = 12.0) -> int | None:
    """The text line right of ``box`` on its row (else left of it): the label of a
    checkbox, radio or toggle.  The gap may be at most ``max_gap_h`` element heights
    (a 13-px checkbox: 156 px)."""
    x, y, w, h = box
    cy = y + h / 2.0
    h = min(w, h)       # a tall element (a vertical slider): its width sets the reach
    best, best_d = None, None
    for i, (lx, ly, lw, lh) in enumerate(line_boxes):
        if not (ly - 0.35 * h <= cy <= ly + lh + 0.35 * h):
            continue
        if lx >= x + w - 0.25 * w:                       # right of it
            gap = lx - (x + w)
            penalty = 0.0
        elif x - 2 * h <= lx <= x + w and lx + lw >= x + w + 2 * h:
            # a line that starts at the box and runs on to its right: OCR took the
            # indicator in with its label (Tk draws the two close together)
            gap = 0.0
            penalty = 0.0
        elif lx + lw <= x + 0.25 * w:                    # left of it: second choice
            gap = x - (lx + lw)
            penalty = 2.0 * h
        else:
            continue
        if gap > max_gap_h * max(h, 10):
            continue
        d = max(0.0, gap) + penalty
        if best_d is None or d < best_d:
            best, best_d = i, d
    return best


#: a label's text line may run this share of its height into the field's box (OCR
#: pads its boxes: yad's "First name" box ran 3 px into the field beside it)
LABEL_OVERLAP = 0.3


def field_label(box: Box, line_boxes: list[Box]) -> int | None:
    """The label of a field: the nearest line left of it on its row, else the
    nearest line just above it and over it (a line above it but wholly left of
    it is the row above's label: yad's "Email" over its "Role" dropdown)."""
    x, y, w, h = box
    cy = y + h / 2.0
    best, best_d = None, None
    for i, (lx, ly, lw, lh) in enumerate(line_boxes):
        into = max(2.0, LABEL_OVERLAP * lh)
        if lx < x and lx + lw <= x + into and ly - 0.25 * lh <= cy <= ly + lh + 0.25 * lh:
            d = x - (lx + lw)
            if d > 400:
                continue
        elif ly + lh <= y + into and lx < x + w and lx + lw > x + into:
            d = (y - (ly + lh)) * 2.0 + 20.0        # above: prefer a left label
            if y - (ly + lh) > max(2.0 * h, 40):
                continue
            d += abs(lx - x) / 100.0    # of two on one row, the one over its left edge
        else:
            continue
        if best_d is None or d < best_d:
            best, best_d = i, d
    return best


def name_lines(kind: str, box: Box, line_boxes: list[Box]) -> list[int]:
    """Indices of every line that names an element of ``kind`` at ``box``
    (inner text first, then labels)."""
    out: list[int] = []
    if kind in INNER_TEXT:
        out.extend(inner_lines(box, line_boxes))
    if kind in SIDE_LABEL:
        i = side_label(box, line_boxes)
        if i is not None and i not in out:
            out.append(i)
    if kind in FIELD_LABEL:
        i = field_label(box, line_boxes)
        if i is not None and i not in out:
            out.append(i)
    return out


def label_region(kind: str, box: Box, width: int, height: int) -> Box:
    """Where the text naming an element can be (frame pixels, clipped): OCR only
    needs to look there."""
    x, y, w, h = box
    if kind in SIDE_LABEL or kind in FIELD_LABEL:
        reach = int(max(12 * max(h, 10), 400)) if kind in SIDE_LABEL else 420
        up = int(max(2 * h, 40)) + 24 if kind in FIELD_LABEL else int(0.5 * h)
        x0, y0 = max(0, x - reach), max(0, y - up)
        x1, y1 = min(width, x + w + reach), min(height, y + h + int(0.5 * h))
    else:
        x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def _repeat_of(ln, words: str, lines, padded) -> bool:
    for big, text in zip(lines, padded):
        if big is not ln and big.box[2] * big.box[3] > ln.box[2] * ln.box[3] \
                and inside(center(ln.box), big.box) and words in text:
            return True
    return False


def repeats(lines) -> set[Box]:
    """The boxes of lines (:class:`~picoagent.vision.ocr.TextLine`) that repeat part
    of a longer line around them: centred inside its box and read as words of its
    text (the fast path can leave a word's own box inside a line's).  A
    whole-screen listing shows the longer line alone; naming controls still uses
    every line."""
    padded = [f" {normalise(ln.text, whole=False)} " for ln in lines]   # once a line
    return {ln.box for ln, words in zip(lines, padded)
            if words.strip() and _repeat_of(ln, words, lines, padded)}


def _with_neighbours(box: Box, big) -> bool:
    """Whether line ``big`` has a word beside ``box`` (a character of a word with
    no character inside ``box``, within a line height of its left or right edge):
    ``box`` holds words of a running line, not a label standing apart (a
    calculator's key in a row that OCR read as one line)."""
    if len(big.char_x) != len(big.text):
        return False
    x0, x1, h = box[0], box[0] + box[2], box[3]
    for m in re.finditer(r"\S+", big.text):
        xs = big.char_x[m.start():m.end()]
        if not any(x0 <= cx <= x1 for cx in xs) and \
                any(x0 - h <= cx < x0 or x1 < cx <= x1 + h for cx in xs):
            return True
    return False


def repeated_in(ln, lines) -> bool:
    """Whether ``ln`` repeats part of a longer line of ``lines`` (:func:`repeats`,
    for one line) with more words right beside it: a word of a running line, not
    text of its own."""
    c, area = center(ln.box), ln.box[2] * ln.box[3]
    around = [b for b in lines if b is not ln and b.box[2] * b.box[3] > area
              and inside(c, b.box) and _with_neighbours(ln.box, b)]
    words = f" {normalise(ln.text, whole=False)} " if around else ""
    return bool(words.strip()) and \
        _repeat_of(ln, words, around, [f" {normalise(b.text, whole=False)} " for b in around])
