"""The scene as a person names it: the model's controls, each named once by the
text on or beside it, then the text lines that name no control, in reading order.

This is what the MCP ``observe`` tool and ``picoagent record`` show; it is built on
:class:`picoagent.vision.vision.Vision` (elements, OCR lines, element names).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Seen:
    """One element of the last observe: frame-pixel Element, the texts naming it."""

    element: Any
    names: list[str]



def perceive(vision, frame, region=None) -> list[Seen]:
    """The elements of ``frame`` a person would name, in reading order (frame
    pixels): the model's controls, each named once, then the text lines that
    name no control."""
    from .frame import Element
    from .fuse import INNER_TEXT
    from .geometry import center, inside, reading_order, within
    from .vision import is_mark, repeats

    controls = vision.elements(frame, region) if vision.has_element_model else []
    lines = vision.all_lines(frame, region)
    used: set[tuple] = set()
    named: list[Seen] = []
    for el in _drop_containers(controls):
        names: list[str] = []
        for text, ln in vision.element_name_lines(frame, el, crop_read=True,
                                                  lines=lines if region is None else None):
            if ln is not None:      # the line it was read from, or most of it
                used.update(o.box for o in lines if within(ln.box, o.box)
                            and _most_of(text or ln.text, o.text))
            if text and text not in names:
                names.append(text)
        named.append(Seen(Element(kind=el.kind, box=el.box, score=el.score,
                                   source=el.source, checked=el.checked,
                                   text=" / ".join(names) or None), names))
    named = _dedupe(named)
    for s in named:                 # a line inside a control is its name
        if s.element.kind in INNER_TEXT:
            used.update(ln.box for ln in lines if inside(center(ln.box), s.element.box)
                        and (not s.names or any(_most_of(n, ln.text) for n in s.names)))
    used |= repeats(lines)          # a word's own box inside a longer line's
    named += [Seen(Element(kind="text", box=ln.box, text=ln.text, score=ln.conf,
                            source="ocr"), [ln.text])
              for ln in lines if ln.box not in used and not is_mark(ln)]
    return [named[i] for i in reading_order([s.element.box for s in named])]


def _most_of(name: str, line: str) -> bool:
    """Whether ``name`` holds at least half of ``line``'s characters: then the control
    it names stands for the line.  A box over a few letters of a longer line (a menu
    item the model saw in a terminal's ``ls`` output, a link over "12.4" in a
    sentence) leaves the line as a line of its own."""
    return 2 * len(name.replace(" ", "")) >= len(line.replace(" ", ""))


def _drop_containers(controls: list) -> list:
    """Without the model's boxes that hold other controls: a button / tab / menu item /
    link box over the centres of two or more such boxes (a loose box over a row of
    buttons: three buttons in a row are three elements, not one), and a text field or
    dropdown over a checkbox's, radio's or toggle's centre (a field holds none: the
    box is over the indicator's label, as on the demo app's "I agree to the rules")."""
    from .geometry import center, inside

    group = ("button", "tab", "menu_item", "link")
    out = []
    for e in controls:
        if e.kind in group:
            held = sum(1 for o in controls if o is not e and o.kind in group
                       and o.box != e.box and inside(center(o.box), e.box))
            if held >= 2:
                continue
        if e.kind in ("text_field", "dropdown") and any(
                o.kind in ("checkbox", "radio", "toggle") and inside(center(o.box), e.box)
                for o in controls):
            continue
        out.append(e)
    return out


def _dedupe(seen: list[Seen]) -> list[Seen]:
    """One element per thing: of two boxes of one kind and one name where most of the
    smaller lies in the other (the model boxed it twice), the better scored stays."""
    out: list[Seen] = []
    for s in sorted(seen, key=lambda s: -s.element.score):
        a = s.element
        dup = False
        for k in out:
            b = k.element
            if a.kind != b.kind or (a.text and b.text and a.text != b.text):
                continue
            ix = min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - max(a.box[0], b.box[0])
            iy = min(a.box[1] + a.box[3], b.box[1] + b.box[3]) - max(a.box[1], b.box[1])
            if ix > 0 and iy > 0 and ix * iy >= 0.6 * min(a.box[2] * a.box[3],
                                                          b.box[2] * b.box[3]):
                dup = True
                break
        if not dup:
            out.append(s)
    return out
