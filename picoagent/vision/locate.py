"""Target resolution: a Locator plus perceived elements -> a Match (or TargetNotFound)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import cv2

from ..errors import Candidate, TargetNotFound
from ..task.model import Locator
from .frame import Box, Element, Frame, Match, clip_box, screen_region_to_frame, \
    screen_to_frame
from .acting import (ACT_TIE, ACT_TIERS, LABEL_RESCORE, LABELLED_BESIDE, _Owners,  # noqa: F401
                     _owners, _prefer_actionable)
from .fuse import repeated_in
from .geometry import center, inside, overlaps, reading_order, relation_distance
from .glyphs import is_symbol_target, symbol_equivalent
from .textmatch import score_text
from .checks import INDICATOR_KINDS, indicator_beside, indicator_state


@dataclass
class Thresholds:
    min_score: float
    confidence: float


@dataclass
class _Scored:
    element: Element
    score: float
    dist: float = 0.0


@dataclass
class Search:
    """What one resolution looked at (for reports)."""

    region: Box
    best: Candidate | None = None
    timings: dict = field(default_factory=dict)
    #: the locator's relations in words ("right_of 'Cancel'"), for refusals
    relation: str = ""


#: candidates of a relation this share of the anchor's height from the nearest one are
#: near-tied with it; of those the best scored wins
NEAR_TIE = 0.5
#: a line scoring at least this (but under min_score) gets a closer second look
NEAR_MISS = 0.5
#: text targets this short fall back to reading button crops when OCR finds nothing
SHORT_TEXT = 2
#: element kinds whose face can show one symbol (read by the glyph classifier)
SYMBOL_KINDS = ("button", "icon", "tab", "menu_item")


def related_order(dists, scores, pos, tie: float) -> list[int]:
    """Candidates of a relation, best first: nearest first (distance to 0.1 px), but
    those within ``tie`` of the nearest are near-tied with it and go best scored
    first (a loose, low-scored box 3 px nearer a label than the field the model is
    sure of must not win); reading order ``pos`` breaks what is left."""
    keyed = sorted(range(len(dists)), key=lambda i: (round(dists[i], 1), -scores[i], pos[i]))
    if not keyed:
        return keyed
    d0 = dists[keyed[0]]
    near = sorted((i for i in keyed if dists[i] <= d0 + tie),
                  key=lambda i: (-round(scores[i], 4), dists[i], pos[i]))
    return near + [i for i in keyed if dists[i] > d0 + tie]


def resolve(vision, frame: Frame, loc: Locator, region: Box, th: Thresholds,
            prefer: str | None = None) -> Match:
    """Resolve ``loc`` on ``frame`` inside ``region`` (frame pixels).  ``prefer``:
    the acting step's intent ("press" or "type", :data:`ACT_TIERS`), or None."""
    search = Search(region=region)
    if isinstance(loc.within, tuple):
        x, y, w, h = screen_region_to_frame(frame, loc.within)
        rx, ry, rw, rh = region
        x0, y0 = max(x, rx), max(y, ry)
        x1, y1 = min(x + w, rx + rw), min(y + h, ry + rh)
        region = (x0, y0, max(0, x1 - x0), max(0, y1 - y0))
    anchors: list[tuple[str, Box]] = []
    for rel, other in loc.relations():
        if isinstance(other, tuple):
            continue                                   # a `within` region: applied above
        try:
            anchor = resolve(vision, frame, other, region_for_anchor(frame, region), th)
        except TargetNotFound as e:
            raise TargetNotFound(f"{loc.describe()}: its anchor ({rel} {other.describe()}) "
                                 f"was not found", locator=loc.describe(), best=e.best) from None
        anchors.append((rel, anchor.element.box))
    search.relation = " and ".join(f"{rel} {other.describe()}" for rel, other
                                   in loc.relations() if not isinstance(other, tuple))
    owners = _owners(vision, frame, loc, prefer)

    def could_relate(b: Box) -> bool:
        # before reading: a line may hold the target as a run of words, so a line
        # that overlaps the anchor stays in
        return all(relation_distance(rel, b, ab) is not None or overlaps(b, ab)
                   for rel, ab in anchors)

    cands = _candidates(vision, frame, loc, region, th, search,
                        could_relate if anchors else None, owners)
    for rel, ab in anchors:
        kept = []
        for c in cands:
            d = relation_distance(rel, c.element.box, ab)
            if d is not None and c.element.box != ab:
                c.dist += d
                kept.append(c)
            else:
                _refuse(search, c, "it is the anchor itself" if c.element.box == ab
                        else f"not {search.relation}")
        cands = kept
    if not cands and loc.kind in INDICATOR_KINDS and loc.text is None and loc.regex is None:
        cands = _indicators_beside(vision, frame, loc, anchors, region, search)
    if not cands:
        if anchors and loc.text is not None and loc.kind is None:
            _note_unrelated(vision, frame, loc, region, th, search, anchors)
        if region != (0, 0, frame.width, frame.height):
            _note_outside(vision, frame, loc, region, th, search)
        raise TargetNotFound(f"{loc.describe()} not found", locator=loc.describe(),
                             best=search.best)
    if loc.index is not None:
        order = reading_order([c.element.box for c in cands])
        if loc.index >= len(order):
            raise TargetNotFound(f"{loc.describe()}: index {loc.index} but only "
                                 f"{len(order)} match", locator=loc.describe())
        ranked = [cands[order[loc.index]]] + [cands[i] for i in order if i != order[loc.index]]
    else:
        order = reading_order([c.element.box for c in cands])
        pos = {i: n for n, i in enumerate(order)}
        if loc.relations() and any(not isinstance(o, tuple) for _, o in loc.relations()):
            tie = NEAR_TIE * min(ab[3] for _, ab in anchors) if anchors else 0.0
            keyed = related_order([c.dist for c in cands], [c.score for c in cands],
                                  [pos[i] for i in range(len(cands))], tie)
        else:
            keyed = sorted(range(len(cands)), key=lambda i: (-round(cands[i].score, 4),
                                                             pos[i]))
        ranked = [cands[i] for i in keyed]
    note = None
    if owners is not None:
        ranked, note = _prefer_actionable(ranked, owners, loc.text)
    best = ranked[0]
    cx, cy = best.element.center
    point = (cx + loc.offset[0] / frame.scale, cy + loc.offset[1] / frame.scale)
    return Match(element=best.element, score=best.score, point=point,
                 runners_up=tuple(c.element for c in ranked[1:4]),
                 runner_scores=tuple(c.score for c in ranked[1:4]), timings=search.timings,
                 note=note)


def region_for_anchor(frame: Frame, region: Box) -> Box:
    # Anchors may lie outside a `within` region (a label above a box): search the frame.
    return (0, 0, frame.width, frame.height)


def _note_best(search: Search, text: str | None, score: float, box: Box | None,
               reason: str | None = None) -> None:
    """Remember a refused candidate if it is the best seen so far, with why it was
    refused (for the not-found message)."""
    b = search.best
    if b is None or score > b.score or (score == b.score and b.reason is None and reason):
        search.best = Candidate(text=text, score=round(score, 3), box=box, reason=reason)


def _refuse(search: Search, c: _Scored, reason: str) -> None:
    """A candidate that matched but was dropped afterwards (relations, pixels)."""
    e = c.element
    _note_best(search, e.text if e.text is not None else e.kind, c.score, e.box, reason)


def _note_unrelated(vision, frame: Frame, loc: Locator, region: Box, th: Thresholds,
                    search: Search, anchors: list[tuple[str, Box]]) -> None:
    """Nothing in relation to the anchors: note a match elsewhere in the region (the
    lines the relations ruled out were not read; this reads them, fast path only)."""
    min_score = loc.min_score if loc.min_score is not None else th.min_score
    for ln in vision.text_lines(frame, region, target=loc.text, min_score=min_score,
                                source="quick"):
        ts = score_text(loc.text, ln.text)
        if ts.score >= min_score:
            box = ln.span_box(ts.start, ts.end) if ts.partial else ln.box
            own = any(box == ab for _, ab in anchors)
            _note_best(search, ln.text[ts.start:ts.end] if ts.partial else ln.text, ts.score,
                       box, "it is the anchor itself" if own else f"not {search.relation}")


def _note_outside(vision, frame: Frame, loc: Locator, region: Box, th: Thresholds,
                  search: Search) -> None:
    """Nothing inside the search region: note a match outside it that is already known
    (text read before, elements the model found), at no new reading."""
    min_score = loc.min_score if loc.min_score is not None else th.min_score
    if loc.kind is None and loc.text is not None:
        for ln in vision.known_lines(frame):
            sc = score_text(loc.text, ln.text).score
            if sc >= min_score and not inside(center(ln.box), region):
                _note_best(search, ln.text, sc, ln.box, "outside the search region")
    elif loc.kind is not None and loc.text is None and loc.regex is None \
            and vision.has_element_model:
        for e in vision.elements(frame):
            if e.kind == loc.kind and not inside(center(e.box), region) \
                    and (loc.checked is None or e.checked == loc.checked):
                _note_best(search, e.kind, e.score, e.box, "outside the search region")



def _candidates(vision, frame: Frame, loc: Locator, region: Box, th: Thresholds,
                search: Search, box_filter=None, owners: _Owners | None = None
                ) -> list[_Scored]:
    min_score = loc.min_score if loc.min_score is not None else th.min_score
    confidence = loc.confidence if loc.confidence is not None else th.confidence
    out: list[_Scored] = []
    if loc.at is not None:
        x, y = screen_to_frame(frame, *loc.at)
        if not (0 <= x < frame.width and 0 <= y < frame.height):
            raise TargetNotFound(f"point {list(loc.at)} is outside the screen",
                                 locator=loc.describe())
        el = Element(kind="point", box=(int(x), int(y), 1, 1), source="point")
        return [_Scored(el, 1.0)]
    if loc.image is not None:
        grey = cv2.cvtColor(frame.crop(region), cv2.COLOR_RGB2GRAY)
        hits, best = vision.templates.match(grey, loc.image, confidence)
        if not hits:
            _note_best(search, loc.image.name, best, None,
                       f"below confidence {confidence:.2f}")
        for h in hits:
            box = (h.box[0] + region[0], h.box[1] + region[1], h.box[2], h.box[3])
            out.append(_Scored(Element(kind="image", box=box, score=h.score,
                                       source=f"template:{loc.image.name}@{h.scale}x"),
                               h.score))
        return out
    rx = re.compile(loc.regex) if loc.regex is not None else None
    if loc.kind is not None:
        return _kind_candidates(vision, frame, loc, region, rx, min_score, search, box_filter)
    lazy = loc.text is not None and loc.index is None and vision.lazy
    symbol = loc.text is not None and is_symbol_target(loc.text)
    # an acting step reads on past a whole match on static text for one on a control
    stop_where = (lambda b: owners.of_box(b)[0] == owners.top) if owners else None
    # Fast path first (morphological text boxes, ~15 ms); when it holds no match, the
    # boxes a whole-frame reading uses: the fast path's, with the neural detector's
    # where the fast path is unsure or a reading doubtful.  Boxes read in the first
    # pass are not read again.  With `index`, every match counts: the second pass only.
    def look(source: str) -> tuple[list, list[_Scored]]:
        lines = vision.text_lines(frame, region, target=loc.text if lazy else None,
                                  min_score=min_score, box_filter=box_filter, source=source,
                                  stop_where=stop_where)
        found = _text_candidates(lines, loc, rx, min_score, frame, search)
        return lines, _glyph_checked(vision, frame, loc, found, search) if symbol else found

    if loc.index is None and vision.lazy:
        lines, out = look("quick")
        if out:
            return out
    lines, out = look("sure")
    if not out and vision.doubt(frame, lines):
        lines, out = look("sure")
    if not out and loc.text is not None:
        # Near misses get a second, closer reading of their own crop (small and bitmap
        # fonts are often misread in the full-frame pass, e.g. an icon glued to a word).
        near = [ln for ln in lines
                if score_text(loc.text, ln.text).score >= NEAR_MISS]
        if near:
            out = _text_candidates(vision.reread(frame, near), loc, rx, min_score, frame,
                                   search)
            if symbol:
                out = _glyph_checked(vision, frame, loc, out, search)
    if not out and loc.text is not None and len(loc.text.strip()) <= SHORT_TEXT:
        if vision.has_element_model:
            # A one- or two-character target ("=", "÷", "7", "OK") is often a button
            # label that full-frame OCR misreads or misses: read each button's own crop.
            out = _kind_candidates(vision, frame, replace(loc, kind="button"), region, None,
                                   min_score, search, box_filter)
        elif search.best is not None and search.best.reason:
            b = search.best
            search.best = replace(b, reason=f"{b.reason}; no element model to read "
                                            "button faces")
    return out


#: pixels of context around an OCR box when its symbol is checked on the pixels
GLYPH_PAD = 6


def _glyph_checked(vision, frame: Frame, loc: Locator, cands: list[_Scored],
                   search: Search) -> list[_Scored]:
    """Keep OCR candidates for a one-symbol target only where the glyph on the
    pixels agrees: PP-OCR reads "=" as "-" and "/" as "1", and a match on such a
    misreading would click the wrong key."""
    kept = []
    for c in cands:
        x, y, w, h = c.element.box
        box = clip_box((x - GLYPH_PAD, y - GLYPH_PAD, w + 2 * GLYPH_PAD, h + 2 * GLYPH_PAD),
                       frame.width, frame.height)
        r = vision.glyph_reading(frame, box, c.element.text or "", c.element.score)
        if symbol_equivalent(loc.text, r.symbol):
            kept.append(c)
        else:
            _refuse(search, c, f"its pixels show {r.symbol!r}" if r.symbol
                    else "its pixels show no symbol")
    return kept


#: score of an indicator found on the pixels beside its label (the model missed it)
BESIDE_SCORE = 0.5


def _indicators_beside(vision, frame: Frame, loc: Locator, anchors, region: Box,
                       search: Search) -> list[_Scored]:
    """A checkbox / radio asked for beside a label (``left_of`` / ``right_of`` a
    text) where the model found none: looked for on the pixels next to the label
    (checks.indicator_beside), with its state from the pixels too.  The model's
    miss is not the last word on an element the task names by its label; where
    the model did find an indicator, its state stands."""
    out: list[_Scored] = []
    model_indicators = None                 # the model's, looked up once, when needed
    for rel, ab in anchors:
        if rel not in ("left_of", "right_of"):
            continue
        found = indicator_beside(frame.image, ab, "left" if rel == "left_of" else "right")
        if found is None:
            continue
        box, kind = found
        if kind != loc.kind or not inside(center(box), region):
            _note_best(search, f"{kind} (pixels)", BESIDE_SCORE, box,
                       f"a {kind}, not a {loc.kind}" if kind != loc.kind
                       else "outside the search region")
            continue
        if model_indicators is None:
            model_indicators = [e.box for e in vision.elements(frame)
                                if e.kind in INDICATOR_KINDS]
        if any(overlaps(b, box) for b in model_indicators):
            continue
        on = indicator_state(frame.image, box)
        if loc.checked is not None and on != loc.checked:
            _note_best(search, f"{kind} (pixels)", BESIDE_SCORE, box,
                       _state_reason(on, loc.checked))
            continue
        dists = [relation_distance(r, box, b) for r, b in anchors]
        if all(d is not None for d in dists):
            el = Element(kind=kind, box=box, score=BESIDE_SCORE, source="pixels", checked=on)
            out.append(_Scored(el, BESIDE_SCORE, sum(dists)))
    return out[:1]


def _kind_candidates(vision, frame: Frame, loc: Locator, region: Box, rx, min_score: float,
                     search: Search, box_filter=None) -> list[_Scored]:
    """Elements of ``loc.kind`` (in ``checked`` state, if asked), named by
    ``loc.text`` / ``loc.regex`` if given: the words on them or the label beside them."""
    els = [e for e in vision.elements(frame, region) if e.kind == loc.kind]
    if loc.checked is not None:
        wrong = [e for e in els if e.checked != loc.checked]
        els = [e for e in els if e.checked == loc.checked]
        if wrong and not els:
            _note_best(search, loc.kind, wrong[0].score, wrong[0].box,
                       _state_reason(wrong[0].checked, loc.checked))
    if box_filter is not None:
        if loc.text is None and rx is None:     # else its name is not read: no score
            for e in els:
                if not box_filter(e.box):
                    _note_best(search, e.kind, e.score, e.box, f"not {search.relation}")
        els = [e for e in els if box_filter(e.box)]
    out: list[_Scored] = []
    if loc.text is None and rx is None:
        return [_Scored(e, e.score) for e in els]
    symbol = loc.text is not None and is_symbol_target(loc.text)
    for e in els:
        best, best_name = 0.0, None
        if symbol and e.kind in SYMBOL_KINDS:
            # one symbol: the glyph reading of the face decides (it already weighs OCR),
            # so an OCR misreading ("=" read as "-") cannot pick the wrong button
            quick = vision.element_symbol(frame, e, use_ocr=False)
            if quick.columns <= 1 and \
                    not any(symbol_equivalent(loc.text, c) for c, _ in quick.candidates):
                _note_best(search, f"{e.kind} {quick.symbol!r}", 0.0, e.box,
                           f"its face shows {quick.symbol!r}")
                continue                    # not even a close second: skip the OCR
            r = vision.element_symbol(frame, e)
            ok = symbol_equivalent(loc.text, r.symbol)
            if not ok:
                _note_best(search, f"{e.kind} {r.symbol!r}", 0.0, e.box,
                           f"its face shows {r.symbol!r}")
            if ok:
                # ranked by the reading's confidence: a box straddling two keys can
                # come out as a weak "=" (0.5) beside the "=" key itself (1.0)
                out.append(_Scored(replace(e, text=r.symbol), float(r.conf)))
            continue
        best_box: Box | None = None
        for crop_read in (False, True):
            named = vision.element_name_lines(frame, e, crop_read=crop_read)
            for name, line in named:
                nbox = line.box if line is not None else None
                if rx is not None:
                    sc = 1.0 if rx.fullmatch(name.strip()) else 0.0
                else:
                    ts = score_text(loc.text, name)
                    sc = ts.score
                    if line is not None and ts.partial:
                        nbox = line.span_box(ts.start, ts.end)
                if sc > best:
                    best, best_name, best_box = sc, name, nbox
            if best >= min_score:
                break
        if best < min_score:
            _note_best(search, f"{e.kind} {best_name!r}" if best_name else e.kind, best,
                       e.box, f"below min_score {min_score:.2f}" if best_name
                       else "no text names it")
        if best >= min_score:
            el = replace(e, text=best_name)
            if e.kind in PRESS_ON_TEXT and best_box is not None:
                el = _narrow_to_label(el, best_box,
                                      [ln.box for _, ln in named if ln is not None])
            out.append(_Scored(el, best))
    return out


#: kinds pressed anywhere on their face: when one box holds several labels (two
#: adjacent buttons the model merged), the matched label is the one to press
PRESS_ON_TEXT = ("button", "tab", "menu_item", "link")
#: pixels kept around the matched label when a box is narrowed to it
LABEL_PAD = 4


def _narrow_to_label(el: Element, label: Box, lines: list[Box]) -> Element:
    """``el`` narrowed to the matched label inside it when the box holds more text
    than that label: another line, or other words of the same line.  A box the
    detector drew over "Cancel" and "OK" together would otherwise be pressed
    between them.  A box showing only its label is left alone."""
    if not inside(center(label), el.box):
        return el
    inner = [b for b in lines if inside(center(b), el.box)]
    if len(inner) < 2 and all(b == label for b in inner):
        return el
    x, y, w, h = label
    ex, ey, ew, eh = el.box
    x0, y0 = max(ex, x - LABEL_PAD), max(ey, y - LABEL_PAD)
    x1, y1 = min(ex + ew, x + w + LABEL_PAD), min(ey + eh, y + h + LABEL_PAD)
    if x1 <= x0 or y1 <= y0:
        return el
    return replace(el, box=(x0, y0, x1 - x0, y1 - y0))


def _text_candidates(lines, loc: Locator, rx, min_score: float, frame: Frame,
                     search: Search) -> list[_Scored]:
    out: list[_Scored] = []
    for line in lines:
        if rx is not None:
            if rx.fullmatch(line.text.strip()):
                out.append(_Scored(Element(kind="text", box=line.box, text=line.text,
                                           score=line.conf, source="ocr"), 1.0))
            continue
        if loc.text is None:
            continue
        ts = score_text(loc.text, line.text)
        if ts.score < min_score:
            _note_best(search, line.text, ts.score, line.box,
                       f"below min_score {min_score:.2f}")
        if ts.score >= min_score and not repeated_in(line, lines):
            # (a word's own box inside a longer line is skipped: that line's match counts)
            box = line.span_box(ts.start, ts.end) if ts.partial else line.box
            text = line.text[ts.start:ts.end] if ts.partial else line.text
            out.append(_Scored(Element(kind="text", box=clip_box(box, frame.width,
                                                                 frame.height),
                                       text=text, score=line.conf, source="ocr"), ts.score))
    return out


def _state_reason(state: bool | None, wanted: bool) -> str:
    said = {True: "checked", False: "unchecked", None: "of unknown state"}
    return f"{said[state]}, not {said[wanted]}"
