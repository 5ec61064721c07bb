"""Acting steps prefer what can be acted on (docs/task-format.md, "Acting steps").

When a click or a typing step names text that shows in several places, a person
takes the control: the "9" key over the "9" on a calculator's display, the
"Install" button over the word "Install" in the dialog's message.  Pure ranking
logic over :mod:`.locate`'s candidates; the elements and their names are asked
for only when two candidates are near-tied.
"""
from __future__ import annotations

import functools
from dataclasses import replace

from .frame import Box, Element
from .fuse import INNER_TEXT, side_label
from .geometry import center, inside
from .textmatch import TextScore, score_text

#: Acting steps prefer what can be acted on (docs/task-format.md, "Acting steps"): among
#: candidates whose text scores within ACT_TIE of the best, an element of a higher tier
#: wins.  "press" (click, double_click, right_click, drag's source): controls, then text
#: fields (a calculator's display is often seen as one), then static text; "type" (type
#: ... into): fields first, then the other controls, then static text.
ACT_TIERS = {
    "press": {"button": 2, "menu_item": 2, "link": 2, "tab": 2, "checkbox": 2, "radio": 2,
              "toggle": 2, "dropdown": 2, "text_field": 1},
    "type": {"text_field": 2, "dropdown": 2, "button": 1, "menu_item": 1, "link": 1,
             "tab": 1, "checkbox": 1, "radio": 1, "toggle": 1},
}
#: near tie: within this of the best text score (a whole match ties with one that has
#: punctuation at an end, 0.98, but beats a match inside a longer line, <= 0.97)
ACT_TIE = 0.02
#: candidates within this of the best text score are scored against their control's own
#: words too (:func:`_prefer_actionable`)
LABEL_RESCORE = 0.1
#: kinds that own the text beside them (their label), not only the text inside them
LABELLED_BESIDE = ("checkbox", "radio", "toggle")


class _Owners:
    """Which element, if any, a text candidate belongs to, as an acting step sees it:
    the text inside a control (button, tab, menu item, link, field, dropdown) or the
    label beside a checkbox, radio or toggle.  ``tiers``: :data:`ACT_TIERS`.  The
    elements are asked for on first use (the model runs once per screen, and not at
    all while a step waits for text that is not there yet)."""

    def __init__(self, elements, tiers: dict[str, int], names=None):
        self._elements = elements                   # a list, or a callable giving one
        self.tiers = tiers
        self.top = max(tiers.values())
        self._names = names                         # element -> its names (list[str])

    @functools.cached_property
    def elements(self) -> list[Element]:
        els = self._elements() if callable(self._elements) else self._elements
        return [e for e in els if self.tiers.get(e.kind, 0) > 0]

    def of(self, el: Element) -> tuple[int, str]:
        """(tier, kind) of the candidate element ``el``; (0, "static text") for none."""
        if el.kind in self.tiers:                   # a model element itself
            return self.tiers[el.kind], el.kind
        if el.kind != "text":
            return 0, el.kind
        return self.of_box(el.box)

    def of_box(self, box: Box) -> tuple[int, str]:
        best = (0, "static text")
        c = center(box)
        for e in self.elements:
            t = self.tiers[e.kind]
            if t <= best[0]:
                continue
            if (e.kind in INNER_TEXT and inside(c, e.box)) or \
                    (e.kind in LABELLED_BESIDE and side_label(e.box, [box]) == 0):
                best = (t, e.kind)
        return best

    def label_score(self, el: Element, target: str) -> TextScore | None:
        """How ``target`` scores against the words of the control whose face shows the
        text candidate ``el`` (its name, words beyond its box left out): the best of
        the controls of the top tier around it; None where none has a name."""
        if el.kind != "text" or self._names is None:
            return None
        c = center(el.box)
        best = None
        for e in self.elements:
            if self.tiers[e.kind] == self.top and e.kind in INNER_TEXT and inside(c, e.box):
                for name in self._names(e):
                    ts = score_text(target, name)
                    if best is None or ts.score > best.score:
                        best = ts
        return best


def _owners(vision, frame, loc, prefer: str | None) -> _Owners | None:
    """The owners of text for an acting step whose locator names text and has no
    ``offset`` (anchored on what the author saw, usually a label), no ``index``, no
    ``kind`` and no anchor relation (their own rankings stand); else None."""
    if prefer is None or loc.offset != (0, 0) or loc.index is not None \
            or loc.kind is not None or (loc.text is None and loc.regex is None) \
            or any(not isinstance(o, tuple) for _, o in loc.relations()) \
            or not vision.has_element_model:
        return None
    return _Owners(lambda: vision.elements(frame), ACT_TIERS[prefer],
                   lambda e: vision.element_names(frame, e, crop_read=False))


def _prefer_actionable(ranked: list, owners: _Owners, target: str | None = None
                       ) -> tuple[list, str | None]:
    """``ranked`` with the near-tied best candidates reordered by their owners' tier
    and, within the top tier, by whether the target is the whole of its control's
    label (stable: text score, then reading order, within a tier), and a note naming
    the choice and the best candidate of a lower rank it was preferred to.

    With ``target`` (a text locator's text), a candidate on a control is first
    scored against that control's own words where they match better than the line
    it was read in (one OCR line over a row of buttons: "Install" scores 0.95 in
    "(Install) (Later", 0.98 in its button's "(Install)")."""
    labels: dict[int, TextScore | None] = {}       # by position in ``ranked``
    near = [i for i, c in enumerate(ranked) if c.score >= ranked[0].score - LABEL_RESCORE]
    if target is not None and len(near) > 1:
        labels = {i: owners.label_score(ranked[i].element, target) for i in near}
        rescored = [replace(c, score=labels[i].score)
                    if labels.get(i) is not None and not labels[i].partial
                    and labels[i].score > c.score else c
                    for i, c in enumerate(ranked)]
        order = sorted(range(len(ranked)), key=lambda i: -round(rescored[i].score, 4))
        ranked = [rescored[i] for i in order]                # stable: reading order
        moved_to = {i: k for k, i in enumerate(order)}
        labels = {moved_to[i]: ts for i, ts in labels.items()}
    top = ranked[0].score
    n = next((i for i, c in enumerate(ranked) if c.score < top - ACT_TIE - 1e-9),
             len(ranked))
    if n < 2:
        return ranked, None
    tiers = [owners.of(c.element) for c in ranked[:n]]

    def whole(i: int) -> int:
        """1: the whole label of its control; -1: part of a longer one; 0: unknown."""
        if tiers[i][0] != owners.top or target is None:
            return 0
        ts = labels[i] if i in labels else owners.label_score(ranked[i].element, target)
        return 0 if ts is None else (-1 if ts.partial else 1)

    rank = [(tiers[i][0], whole(i)) for i in range(n)]
    if len(set(rank)) < 2:
        return ranked, None
    order = sorted(range(n), key=lambda i: (-rank[i][0], -rank[i][1]))     # stable
    chosen = order[0]
    other = next(i for i in order if rank[i] < rank[chosen])

    by_label = rank[chosen][0] == rank[other][0]        # the same tier: the label decided

    def said(i: int) -> str:
        c = ranked[i]
        part = {1: ", its whole label", -1: ", part of its label", 0: ""}[rank[i][1]] \
            if by_label else ""
        return f"{c.element.text!r} ({tiers[i][1]}{part}) {list(c.element.box)}"

    note = f"chose {said(chosen)} over {said(other)}"
    return [ranked[i] for i in order] + ranked[n:], note
