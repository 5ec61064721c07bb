"""Checkbox / radio outlines checked on the pixels (picoagent.vision.checks).

Shapes are drawn with OpenCV's anti-aliased primitives in light and dark
colours, the way toolkits render them: a 1-px ring, a filled accent shape with
a white tick or dot, rounded corners.  The model's box is given a few pixels
loose, as the model gives it."""
from dataclasses import dataclass, replace

import cv2
import numpy as np
import pytest

from picoagent.vision.checks import fields, links, shapes
from picoagent.vision.checks import (find_arrow, find_outline, find_switch, icon_extent, in_blocks,
                                    indicator_beside, indicator_state, is_blank, link_extent,
                                    link_marks, link_words, refine, refine_indicators,
                                    slider_extent)

LIGHT = dict(bg=(246, 245, 244), border=(190, 182, 176), fill=(53, 132, 228), mark=(255, 255, 255))
DARK = dict(bg=(53, 53, 53), border=(110, 110, 110), fill=(21, 83, 158), mark=(255, 255, 255))
PALE = dict(bg=(255, 255, 255), border=(222, 226, 230), fill=(13, 110, 253), mark=(255, 255, 255))


@dataclass
class Det:
    kind: str
    box: tuple
    score: float
    checked: bool | None = None
    checked_score: float | None = None


SS = 4                      # drawn 4x larger, then area-averaged: anti-aliasing as rendered


def render(theme, draw_fn, size=(80, 120)):
    big = np.zeros((size[0] * SS, size[1] * SS, 3), np.uint8)
    big[:] = theme["bg"]
    draw_fn(big)
    return cv2.resize(big, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def rounded_square(img, x, y, s, colour, r):
    """A filled rounded square on the 4x canvas (x, y, s, r in final pixels)."""
    x, y, s, r = x * SS, y * SS, s * SS, r * SS
    x1, y1 = x + s - 1, y + s - 1
    cv2.rectangle(img, (x + r, y), (x1 - r, y1), colour, -1)
    cv2.rectangle(img, (x, y + r), (x1, y1 - r), colour, -1)
    for cx, cy in ((x + r, y + r), (x1 - r, y + r), (x + r, y1 - r), (x1 - r, y1 - r)):
        cv2.circle(img, (cx, cy), r, colour, -1)


def checkbox(theme, checked, s=16):
    x, y = 40, 30

    def draw(big):
        if checked:
            rounded_square(big, x, y, s, theme["fill"], 3)
            tick = np.array([[x + 0.25 * s, y + 0.5 * s], [x + 0.43 * s, y + 0.7 * s],
                             [x + 0.75 * s, y + 0.3 * s]]) * SS
            cv2.polylines(big, [tick.astype(np.int32)], False, theme["mark"], 2 * SS)
        else:
            rounded_square(big, x, y, s, theme["border"], 3)
            rounded_square(big, x + 1, y + 1, s - 2, theme["bg"], 2)
        text = (0, 0, 0) if theme is not DARK else (230, 230, 230)
        cv2.putText(big, "Remember", ((x + s + 8) * SS, (y + 12) * SS),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4 * SS, text, SS)
    return render(theme, draw), (x, y, s, s)


def radio(theme, checked, s=16):
    x, y = 40, 30

    def draw(big):
        c, r = ((2 * x + s) * SS // 2, (2 * y + s) * SS // 2), s * SS // 2
        if checked:
            cv2.circle(big, c, r, theme["fill"], -1)
            cv2.circle(big, c, 3 * SS, theme["mark"], -1)
        else:
            cv2.circle(big, c, r, theme["border"], -1)
            cv2.circle(big, c, r - SS, theme["bg"], -1)
    return render(theme, draw), (x, y, s, s)


def loose(box, d=3):
    x, y, w, h = box
    return (x - d, y - d + 1, w + 2 * d, h + 2 * d - 1)


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    return ix * iy / (aw * ah + bw * bh - ix * iy)


@pytest.mark.parametrize("theme", [LIGHT, DARK, PALE], ids=["light", "dark", "pale"])
@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize("draw,kind", [(checkbox, "checkbox"), (radio, "radio")])
def test_indicator_is_snapped_and_classed_by_its_shape(theme, checked, draw, kind):
    img, true_box = draw(theme, checked)
    wrong = "radio" if kind == "checkbox" else "checkbox"
    # the model said the other kind, with a loose box and a low score
    (d,) = refine_indicators(img, [Det(wrong, loose(true_box), 0.2, checked)])
    assert d.kind == kind
    assert iou(d.box, true_box) >= 0.75, (d.box, true_box)
    assert d.score > 0.5                         # verified: raised
    assert d.checked == checked                  # the state is the model's, kept


@pytest.mark.parametrize("theme", [LIGHT, DARK, PALE], ids=["light", "dark", "pale"])
@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize("draw,kind", [(checkbox, "checkbox"), (radio, "radio")])
@pytest.mark.parametrize("joined", [False, True], ids=["apart", "ocr-joined"])
def test_indicator_beside_a_label_with_its_state(theme, checked, draw, kind, joined):
    # what a locator falls back on when the model missed an indicator it names by its
    # label: the label as OCR boxes it, apart from the indicator or taking it in (Tk)
    img, (x, y, s, _) = draw(theme, checked)
    label = (x - 1, y, s + 70, s) if joined else (x + s + 8, y, 62, s)
    box, found = indicator_beside(img, label, "left")
    assert found == kind
    assert iou(box, (x, y, s, s)) >= 0.75, box
    assert indicator_state(img, box) == checked
    assert indicator_beside(img, label, "right") is None      # nothing on the other side


def test_no_indicator_beside_plain_words():
    def draw(big):
        cv2.putText(big, "Remember", (48 * SS, 42 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * SS,
                    (0, 0, 0), SS)
    img = render(LIGHT, draw)
    assert indicator_beside(img, (47, 30, 60, 16), "left") is None


@pytest.mark.parametrize("size", [13, 20, 25])
def test_sizes_from_small_to_touch(size):
    img, box = checkbox(LIGHT, False, s=size)
    found = find_outline(img, loose(box))
    assert found is not None
    assert iou(found[0], box) >= 0.75


def dotted_ring(img, x0, y0, x1, y1, colour=(139, 142, 143)):
    """GTK's focus ring: a 1-px line, one pixel on, one off, at final pixels."""
    img[y0, x0:x1 + 1:2] = colour
    img[y1, x0:x1 + 1:2] = colour
    img[y0:y1 + 1:2, x0] = colour
    img[y0:y1 + 1:2, x1] = colour


@pytest.mark.parametrize("gap", [1, 2])
@pytest.mark.parametrize("checked", [False, True])
def test_indicator_inside_a_focus_ring(gap, checked):
    """Clicked, a GTK checkbox gets a dotted focus ring around it and its label,
    a pixel or two away: bridging gaps would join the two into one shape."""
    img, box = checkbox(LIGHT, checked)
    x, y, s, _ = box
    dotted_ring(img, x - gap - 1, y - gap - 1, x + s + 60, y + s + gap)
    (d,) = refine_indicators(img, [Det("checkbox", loose(box), 0.3, checked)])
    assert d.kind == "checkbox" and d.score > 0.5, d
    assert iou(d.box, box) >= 0.75, (d.box, box)


def test_a_mark_is_scored_down_and_an_icon_becomes_one():
    """No solid shape (a tick drawn alone): the checkbox is scored down.  A solid
    shape that is no clean square or disk (a document icon) is an icon, without a
    state.  (A bold letter fills into a solid shape too, and becomes an icon.)"""
    def draw(big):
        tick = np.array([[42, 36], [47, 42], [56, 30]]) * SS
        cv2.polylines(big, [tick], False, (40, 40, 40), 2 * SS)
        # a document icon: a square with a folded corner
        pts = np.array([[80, 28], [92, 28], [98, 34], [98, 46], [80, 46]]) * SS
        cv2.fillPoly(big, [pts], (90, 90, 90))
    img = render(LIGHT, draw)
    dets = [Det("checkbox", (40, 28, 18, 18), 0.3, False, 0.1),
            Det("checkbox", (79, 27, 21, 21), 0.3, True, 0.9)]
    glyph, icon = refine_indicators(img, dets)
    assert (glyph.kind, glyph.score, glyph.box) == ("checkbox", 0.15, dets[0].box)
    assert (icon.kind, icon.score, icon.box, icon.checked) == ("icon", 0.3, dets[1].box, None)


def _disk(big, cx, cy, r, colour):
    cv2.circle(big, (cx * SS, cy * SS), r * SS, colour, -1, cv2.LINE_AA)


def _round_things(big):
    """Round shapes that are no radios, at x = 20, 70, 170 (y 30): an avatar (a
    disk with initials), a wizard's step (a disk with a digit), a big "O"
    starting a word; and radios: a plain disk at 120, and one with a thick ring,
    on, at 250."""
    _disk(big, 36, 46, 16, (60, 120, 200))
    cv2.putText(big, "AK", (25 * SS, 51 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                (255, 255, 255), SS)
    _disk(big, 86, 46, 16, (0, 128, 128))
    cv2.putText(big, "3", (81 * SS, 53 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * SS,
                (255, 255, 255), 2 * SS)
    _disk(big, 136, 46, 8, (40, 40, 40))
    # "O" then "pen" 2 px on, as a proportional font sets them
    (wo, _), _ = cv2.getTextSize("O", cv2.FONT_HERSHEY_SIMPLEX, 1.1 * SS, 2 * SS)
    cv2.putText(big, "O", (170 * SS, 58 * SS), cv2.FONT_HERSHEY_SIMPLEX, 1.1 * SS,
                (40, 40, 40), 2 * SS)
    cv2.putText(big, "pen", (170 * SS + wo - 2 * SS, 58 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                1.1 * SS, (40, 40, 40), 2 * SS)
    _disk(big, 268, 46, 16, (255, 255, 255))
    _disk(big, 268, 46, 10, (0, 0, 0))
    _disk(big, 268, 46, 6, (40, 220, 40))


@pytest.mark.parametrize("checked", [False, True])
def test_the_pixels_decide_the_state_where_the_model_is_unsure(checked):
    img, box = checkbox(LIGHT, checked)
    unsure = Det("checkbox", loose(box), 0.5, not checked, 0.45 if checked else 0.55)
    sure = Det("checkbox", loose(box), 0.5, not checked, 0.1 if checked else 0.9)
    a, b = refine_indicators(img, [unsure, sure])
    assert a.checked is checked            # read from the pixels
    assert b.checked is (not checked)      # the model's word where it is sure


def test_round_shapes_that_are_no_radios_are_scored_down():
    """A disk passes as a radio only when it holds nothing, or one centred dot (or a
    dash), and stands apart from the words beside it."""
    img = render(PALE, _round_things, size=(80, 300))
    boxes = [(18, 28, 36, 36), (68, 28, 36, 36), (168, 28, 34, 34)]
    for box in boxes:
        found = find_outline(img, box)
        assert found is not None, box           # each is a clean disk ...
    dets = [Det("radio", b, 0.6) for b in boxes]
    out = refine_indicators(img, dets + [Det("radio", (126, 36, 20, 20), 0.6),
                                         Det("radio", (248, 28, 40, 40), 0.6)])
    assert [d.score for d in out[:3]] == [0.3] * 3            # ... but no radio
    assert [(d.kind, d.score) for d in out[3:]] == [("radio", 0.8)] * 2


def test_other_kinds_pass_through_untouched():
    img, box = checkbox(LIGHT, True)
    dets = [Det("button", (0, 0, 30, 20), 0.9), Det("icon", box, 0.5)]
    assert refine_indicators(img, dets) == dets


GTK = dict(bg=(246, 245, 244), border=(205, 199, 194), base=(255, 255, 255),
           button=(237, 235, 233), text=(46, 52, 54))


def field_screen(dark_desktop_at=None):
    """A GTK-like text field (white, 1-px border, rounded) with its label, on a
    window; optionally a black desktop starting 2 px right of the field."""
    def draw(big):
        if dark_desktop_at is not None:
            big[:, dark_desktop_at * SS:] = 0
        rounded_square_rect(big, 60, 20, 170, 34, GTK["border"], 4)
        rounded_square_rect(big, 61, 21, 168, 32, GTK["base"], 3)
        cv2.putText(big, "Name", (8 * SS, 42 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                    GTK["text"], SS)
    return render(GTK, draw, size=(80, 260))


def rounded_square_rect(img, x, y, w, h, colour, r):
    x, y, w, h, r = x * SS, y * SS, w * SS, h * SS, r * SS
    x1, y1 = x + w - 1, y + h - 1
    cv2.rectangle(img, (x + r, y), (x1 - r, y1), colour, -1)
    cv2.rectangle(img, (x, y + r), (x1, y1 - r), colour, -1)
    for cx, cy in ((x + r, y + r), (x1 - r, y + r), (x + r, y1 - r), (x1 - r, y1 - r)):
        cv2.circle(img, (cx, cy), r, colour, -1)


@pytest.mark.parametrize("desktop", [None, 232], ids=["window", "desktop-2px-away"])
def test_short_field_box_is_snapped_to_the_drawn_field(desktop):
    img = field_screen(desktop)
    short = Det("text_field", (95, 23, 100, 28), 0.2)          # the model drew it short
    (d,) = refine(img, [short])
    assert iou(d.box, (60, 20, 170, 34)) >= 0.9, d.box
    assert d.score > 0.35


def test_a_text_area_boxed_in_pieces_becomes_the_whole_area():
    """A multi-line text view (white, 1-px border, 200 x 120) holding lines of words:
    the model boxes it in overlapping pieces; each snaps to the drawn area."""
    def draw(big):
        rounded_square_rect(big, 40, 20, 200, 120, GTK["border"], 1)
        rounded_square_rect(big, 41, 21, 198, 118, GTK["base"], 1)
        for i in range(6):
            cv2.putText(big, "lorem ipsum dolor", (46 * SS, (38 + 18 * i) * SS),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.4 * SS, GTK["text"], SS)
    img = render(GTK, draw, size=(170, 300))
    pieces = [Det("text_field", (60, 40, 120, 60), 0.6), Det("text_field", (50, 70, 170, 50), 0.4)]
    out = refine(img, pieces)
    assert len(out) == 1 and iou(out[0].box, (40, 20, 200, 120)) >= 0.9
    assert out[0].score == 0.6              # snapped, not scored up (a card looks the same)
    # a single-line candidate is not taken for the area around it
    (one,) = refine(img, [Det("text_field", (60, 30, 120, 24), 0.4)])
    assert iou(one.box, (40, 20, 200, 120)) < 0.5


@pytest.mark.parametrize("content", ["fill", "blocks", "selected", "words"])
def test_a_progress_bar_is_no_field(content):
    """The field of field_screen holding a progress bar's fill (solid, or in
    blocks) from its left edge is scored down; the same field with its words, or
    with its value selected (words on a highlight from the left edge: GTK selects
    a spin button's value), is a field, snapped and scored up."""
    def draw(big):
        rounded_square_rect(big, 60, 20, 170, 34, GTK["border"], 4)
        rounded_square_rect(big, 61, 21, 168, 32, GTK["base"], 3)
        if content == "fill":
            cv2.rectangle(big, (62 * SS, 22 * SS), (92 * SS - 1, 52 * SS - 1), (53, 132, 228), -1)
        elif content == "blocks":
            for i in range(6):
                x = 62 + 12 * i
                cv2.rectangle(big, (x * SS, 22 * SS), ((x + 9) * SS - 1, 52 * SS - 1),
                              (53, 132, 228), -1)
        elif content == "selected":
            cv2.rectangle(big, (62 * SS, 22 * SS), (100 * SS - 1, 52 * SS - 1), (53, 132, 228), -1)
            cv2.putText(big, "86", (66 * SS, 44 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * SS,
                        (255, 255, 255), 2 * SS)
        else:
            cv2.putText(big, "86 items", (66 * SS, 44 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                        0.6 * SS, GTK["text"], 2 * SS)
    img = render(GTK, draw, size=(80, 260))
    bar = content in ("fill", "blocks")
    (d,) = refine(img, [Det("text_field", (58, 18, 174, 38), 0.6)])
    assert iou(d.box, (60, 20, 170, 34)) >= 0.9
    assert d.score == (0.3 if bar else 0.8)
    # the model calls some bars buttons: the fill at the left does not make it a field
    (b,) = refine(img, [Det("button", (58, 18, 174, 38), 0.6)])
    assert iou(b.box, (60, 20, 170, 34)) >= 0.9
    assert (b.kind, b.score) == (("button", 0.3) if bar else ("text_field", 0.8))


def underlined_field(line=True, boxed_below=False):
    """Words on the window (60-230 x 20-54), with a line under them along the
    field's bottom (an underlined field) or not; ``boxed_below``: a drawn field
    just below it instead (its top edge runs where an underline would)."""
    def draw(big):
        cv2.putText(big, "type here", (70 * SS, 40 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45 * SS, GTK["text"], SS)
        if line:
            cv2.rectangle(big, (60 * SS, 52 * SS), (230 * SS - 1, 54 * SS - 1), GTK["border"], -1)
        if boxed_below:
            rounded_square_rect(big, 60, 50, 170, 34, GTK["border"], 4)
            rounded_square_rect(big, 61, 51, 168, 32, GTK["base"], 3)
    return render(GTK, draw, size=(100, 260))


def test_field_without_a_drawn_box_keeps_its_score_only_when_underlined():
    """No drawn box, no arrow: the model's box stays; its score too under a line
    along its bottom (Material's and Adwaita's flat fields), else it is halved
    (boxes straddling two fields, or over a panel's empty part)."""
    det = Det("text_field", (60, 20, 170, 34), 0.6)
    assert fields.field_underline(underlined_field(), det.box)
    assert refine(underlined_field(), [det]) == [det]
    for img in (underlined_field(line=False), underlined_field(line=False, boxed_below=True)):
        assert not fields.field_underline(img, det.box)
        (d,) = refine(img, [det])
        assert d.box == det.box and d.score == pytest.approx(0.3)


def field_with(mark, text="Germany", dark=False):
    """A field (60, 20, 170, 34) showing ``text`` and, at its right end, ``mark``:
    "triangle" (GTK's ▾), "chevron" (a web select's ⌄), "spin" (stacked ▴▾),
    "lens" (a search field's magnifier) or None."""
    theme = dict(GTK, bg=(40, 40, 40), base=(30, 30, 30), border=(90, 90, 90),
                 text=(230, 230, 230)) if dark else GTK

    def draw(big):
        rounded_square_rect(big, 60, 20, 170, 34, theme["border"], 4)
        rounded_square_rect(big, 61, 21, 168, 32, theme["base"], 3)
        cv2.putText(big, text, (70 * SS, 42 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                    theme["text"], SS)
        ax, ay, c = 212 * SS, 37 * SS, theme["text"]
        if mark == "triangle":
            pts = np.array([[ax - 5 * SS, ay - 2 * SS], [ax + 5 * SS, ay - 2 * SS],
                            [ax, ay + 3 * SS]])
            cv2.fillPoly(big, [pts], c, cv2.LINE_AA)
        elif mark == "chevron":
            pts = np.array([[ax - 6 * SS, ay - 3 * SS], [ax, ay + 3 * SS], [ax + 6 * SS, ay - 3 * SS]])
            cv2.polylines(big, [pts], False, c, int(1.5 * SS), cv2.LINE_AA)
        elif mark == "spin":
            for cy, sgn in ((ay - 7 * SS, -1), (ay + 7 * SS, 1)):
                pts = np.array([[ax - 4 * SS, cy - sgn * 2 * SS], [ax + 4 * SS, cy - sgn * 2 * SS],
                                [ax, cy + sgn * 2 * SS]])
                cv2.fillPoly(big, [pts], c, cv2.LINE_AA)
        elif mark == "lens":
            cv2.circle(big, (ax - 2 * SS, ay - 2 * SS), 5 * SS, c, int(1.5 * SS), cv2.LINE_AA)
            cv2.line(big, (ax + 2 * SS, ay + 2 * SS), (ax + 6 * SS, ay + 6 * SS), c, 2 * SS)
    return render(theme, draw, size=(80, 260))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("mark,arrow", [("triangle", True), ("chevron", True), (None, False),
                                        ("spin", False), ("lens", False)])
def test_dropdown_arrow(mark, arrow, dark):
    assert find_arrow(field_with(mark, dark=dark), (60, 20, 170, 34)) is arrow


def test_no_arrow_searched_in_a_box_less_wide_than_a_field():
    """The arrow is looked for at the right end of a one-line field's shape (at
    least FIELD_MIN_ASPECT times as wide as high): the same arrow's end of a box
    too high for that (a terminal's text, a panel) is not searched."""
    img = field_with("triangle")
    assert find_arrow(img, (60, 20, 170, 34))
    assert find_arrow(img, (162, 20, 68, 34))       # 2 heights wide: its right end
    assert not find_arrow(img, (170, 20, 60, 34))   # 1.76: not searched


def test_text_ending_in_v_is_no_arrow():
    img = field_with(None, text="Kiev and Lviv v")
    assert not find_arrow(img, (60, 20, 170, 34))


@pytest.mark.parametrize("said", ["text_field", "dropdown"])
def test_field_or_dropdown_is_told_by_its_arrow(said):
    """The model confuses the two; the drawn box and its arrow decide."""
    for mark, kind in (("triangle", "dropdown"), (None, "text_field")):
        (d,) = refine(field_with(mark), [Det(said, (95, 23, 100, 28), 0.3)])
        assert d.kind == kind and iou(d.box, (60, 20, 170, 34)) >= 0.9 and d.score > 0.5, d


def test_a_button_with_its_words_at_the_left_is_a_field():
    """The model calls many web fields buttons; a drawn box whose words sit at its
    left is a field, or with an arrow at its right end a dropdown."""
    for mark, kind in ((None, "text_field"), ("triangle", "dropdown")):
        (d,) = refine(field_with(mark), [Det("button", (58, 18, 174, 38), 0.5)])
        assert d.kind == kind and iou(d.box, (60, 20, 170, 34)) >= 0.9, (mark, d)
    (d,) = refine(buttons_screen(), [Det("button", (146, 16, 94, 42), 0.5)])
    assert d.kind == "button"                   # a short box: no room to tell

    def wide(big):                              # a wide button, its label centred
        rounded_square_rect(big, 60, 20, 170, 34, GTK["border"], 5)
        rounded_square_rect(big, 61, 21, 168, 32, GTK["button"], 4)
        cv2.putText(big, "Sign in", (118 * SS, 42 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45 * SS, GTK["text"], SS)
    (d,) = refine(render(GTK, wide, size=(80, 260)), [Det("button", (58, 18, 174, 38), 0.5)])
    assert d.kind == "button" and iou(d.box, (60, 20, 170, 34)) >= 0.9, d


def buttons_screen():
    def draw(big):
        for x, label in ((60, "OK"), (150, "Cancel")):
            rounded_square_rect(big, x, 20, 85, 34, GTK["border"], 5)
            rounded_square_rect(big, x + 1, 21, 83, 32, GTK["button"], 4)
            cv2.putText(big, label, ((x + 20) * SS, 42 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                        0.45 * SS, GTK["text"], SS)
    return render(GTK, draw, size=(80, 260))


def test_one_box_over_two_buttons_is_split_into_them():
    img = buttons_screen()
    merged = Det("button", (58, 18, 180, 38), 0.4)
    out = refine(img, [merged])
    assert len(out) == 2
    assert iou(out[0].box, (60, 20, 85, 34)) >= 0.9 and iou(out[1].box, (150, 20, 85, 34)) >= 0.9
    assert all(d.score > 0.4 for d in out)


def test_loose_button_is_snapped_and_a_flat_one_kept():
    img = buttons_screen()
    (d,) = refine(img, [Det("button", (146, 16, 94, 42), 0.5)])
    assert iou(d.box, (150, 20, 85, 34)) >= 0.9
    flat = render(GTK, lambda big: cv2.putText(big, "Help", (70 * SS, 40 * SS),
                                               cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                                               GTK["text"], SS), size=(80, 260))
    det = Det("button", (62, 22, 60, 28), 0.5)
    assert refine(flat, [det]) == [det]


def test_boxes_snapped_onto_one_outline_become_one():
    img, box = checkbox(LIGHT, False)
    dets = [Det("checkbox", loose(box, 3), 0.5), Det("checkbox", loose(box, 2), 0.3)]
    out = refine(img, dets)
    assert len(out) == 1 and out[0].score == 0.75


def words(colour, bg=(255, 255, 255), underline=False):
    """"Terms of use" at (20, 10, 150, 30) in ``colour``, optionally underlined."""
    def draw(big):
        cv2.putText(big, "Terms of use", (22 * SS, 30 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                    0.6 * SS, colour, SS + 2, cv2.LINE_AA)
        if underline:
            cv2.line(big, (22 * SS, 34 * SS), (150 * SS, 34 * SS), colour, SS)
    return render(dict(bg=bg), draw, size=(50, 200))


@pytest.mark.parametrize("colour,bg,underline,link", [
    ((26, 13, 171), (255, 255, 255), False, True),         # a visited-purple-blue link
    ((13, 110, 253), (255, 255, 255), False, True),        # bootstrap's blue
    ((110, 168, 254), (33, 37, 41), False, True),          # a light blue link on dark
    ((67, 133, 61), (255, 255, 255), False, True),         # Node's docs' green
    ((142, 68, 173), (255, 255, 255), False, True),        # purple
    ((40, 40, 40), (255, 255, 255), True, True),           # underlined plain text
    ((230, 230, 230), (51, 51, 51), True, True),           # underlined, light on dark
    ((40, 40, 40), (255, 255, 255), False, False),         # plain text
    ((200, 40, 40), (255, 255, 255), False, False),        # red text (an error)
    ((230, 140, 20), (255, 255, 255), False, False),       # orange text (a warning)
    ((255, 255, 255), (13, 110, 253), False, False),       # white words on a blue button
    ((15, 23, 42), (255, 255, 255), False, False),         # a dark slate heading
    ((51, 65, 85), (255, 255, 255), False, False),         # slate label text
])
def test_link_marks(colour, bg, underline, link):
    assert link_marks(words(colour, bg, underline), (18, 8, 150, 34)) is link


def test_thin_coloured_words_are_read_on_their_strokes(monkeypatch):
    # thin green code text (Node's docs at 15 px): its anti-aliased edges, half white,
    # make the whole ink's mean colour grey-green (saturation 82 < LINK_MIN_SAT); the
    # strokes' cores keep the link's colour (109)
    def draw(big):
        cv2.putText(big, "filehandle.chmod(mode)", (22 * SS, 30 * SS), cv2.FONT_HERSHEY_PLAIN,
                    0.8 * SS, (67, 133, 61), 1, cv2.LINE_AA)
    img = render(dict(bg=(255, 255, 255)), draw, size=(50, 240))
    assert link_marks(img, (18, 14, 200, 22))
    monkeypatch.setattr(links, "C", replace(links.C, ink_core=0))
    assert not link_marks(img, (18, 14, 200, 22))


def line_of(parts, bg=(255, 255, 255), underline=(), scale=0.5):
    """One line of words at y 10-30: ``parts`` [(text, colour)] drawn left to right
    from x 10 in OpenCV's Hershey font; the parts whose index is in ``underline``
    underlined.  Returns the image and each part's [x0, x1) in final pixels."""
    spans, x = [], 10 * SS
    for text, _ in parts:
        (w, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale * SS, SS + 1)
        spans.append((x, x + w))
        x += w

    def draw(big):
        for i, ((text, colour), (x0, x1)) in enumerate(zip(parts, spans)):
            cv2.putText(big, text, (x0, 26 * SS), cv2.FONT_HERSHEY_SIMPLEX, scale * SS, colour,
                        SS + 1, cv2.LINE_AA)
            if i in underline:
                cv2.line(big, (x0, 29 * SS), (x1, 29 * SS), colour, SS)
    img = render(dict(bg=bg), draw, size=(40, x // SS + 20))
    return img, [(a // SS, b // SS) for a, b in spans]


BLACK, BLUE, GREEN = (30, 30, 30), (13, 110, 253), (46, 125, 50)


@pytest.mark.parametrize("colour,bg", [(BLUE, (255, 255, 255)), (GREEN, (255, 255, 255)),
                                       ((110, 168, 254), (33, 37, 41))])
def test_link_extent_follows_a_coloured_link_through_its_spaces(colour, bg):
    # the model boxes the start of a long link; its words run on in their colour past
    # a ", " and stop at the plain words after it
    img, sp = line_of([("See ", BLACK if bg[0] > 128 else (230, 230, 230)),
                       ("fs.read(buf, off)", colour),
                       (" for more.", BLACK if bg[0] > 128 else (230, 230, 230))], bg=bg)
    (a0, a1) = sp[1]
    got = link_extent(img, (a0 - 1, 9, (a1 - a0) // 3, 22))
    assert got is not None
    assert abs(got[0] - a0) <= 3 and abs(got[0] + got[2] - a1) <= 3, (got, sp)
    assert got[1] == 9 and got[3] == 22            # the line's box keeps its height


def test_link_extent_follows_a_long_link_past_its_first_window():
    # link_extent works on a window around the box and widens it while the run
    # reaches its edge: a link many windows long is still followed to its end
    words = "readFileSync(path, options).toString().split(separator).map(Number)"
    img, sp = line_of([("See ", BLACK), (words, BLUE), (" for more.", BLACK)])
    (a0, a1) = sp[1]
    assert a1 - a0 > 400                           # past several widenings (~40 px each way)
    got = link_extent(img, (a0 - 1, 9, 40, 22))
    assert got is not None
    assert abs(got[0] - a0) <= 3 and abs(got[0] + got[2] - a1) <= 3, (got, sp)


@pytest.mark.parametrize("colour,bg", [(BLUE, (255, 255, 255)), (GREEN, (250, 250, 245)),
                                       ((110, 168, 254), (33, 37, 41)), (BLACK, (255, 255, 255))])
def test_inner_words_are_the_words_of_the_inner_box(colour, bg):
    # check_link reuses a box's words for the tighter box drawn in to their ink
    img, sp = line_of([("Release notes", colour)], bg=bg)
    a0, a1 = sp[0]
    for loose in ((a0 - 6, 6, a1 - a0 + 12, 28), (a0 - 2, 8, a1 - a0 + 3, 25)):
        words = links._words(img[loose[1]:loose[1] + loose[3], loose[0]:loose[0] + loose[2], :3])
        tight = links.link_words(img, loose, words)
        assert tight is not None and tight != loose
        x, y, w, h = tight
        want = links._words(img[y:y + h, x:x + w, :3])
        got = links._inner_words(img, tight, loose, words)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))


def test_masked_mean_is_numpys():
    rng = np.random.default_rng(3)
    for _ in range(50):
        h, w = rng.integers(1, 40, 2)
        reg = rng.integers(0, 256, (h, w + 2, 3), dtype=np.uint8)[:, 1:-1]    # a view, as a box's
        mask = rng.random((h, w)) < rng.random()
        if mask.any():
            assert np.array_equal(links._masked_mean(reg, mask), reg[mask].mean(0))


def test_link_extent_stops_between_two_links():
    # "Help | Terms": the bar between two blue links is black
    img, sp = line_of([("Help", BLUE), (" | ", BLACK), ("Terms", BLUE)])
    got = link_extent(img, (sp[0][0] - 1, 9, sp[0][1] - sp[0][0] + 2, 22))
    assert got is not None and got[0] + got[2] <= sp[1][0] + 3, (got, sp)


@pytest.mark.parametrize("colour,bg", [(BLACK, (255, 255, 255)), ((230, 230, 230), (40, 40, 40))])
def test_link_extent_follows_an_underline(colour, bg):
    img, sp = line_of([("plain ", colour), ("Release notes", colour), (" after", colour)],
                      bg=bg, underline=(1,))
    a0, a1 = sp[1]
    got = link_extent(img, (a0 + 5, 9, 30, 22))
    assert got is not None
    assert abs(got[0] - a0) <= 2 and abs(got[0] + got[2] - a1) <= 2, (got, sp)


def test_link_extent_leaves_plain_words_alone():
    # black words with no underline: nothing tells where a link in them would end
    img, sp = line_of([("See the release notes for more", BLACK)])
    assert link_extent(img, (sp[0][0] + 20, 9, 40, 22)) is None


def test_refine_widens_a_link_to_its_words():
    img, sp = line_of([("See ", BLACK), ("filehandle.read(buffer)", BLUE), (" now.", BLACK)])
    a0, a1 = sp[1]
    (d,) = refine(img, [Det("link", (a0, 9, (a1 - a0) // 2, 22), 0.3)])
    assert abs(d.box[0] - a0) <= 3 and abs(d.box[0] + d.box[2] - a1) <= 3
    assert d.score > 0.3                            # and blue: scored up


def test_a_loose_link_box_is_drawn_in_to_its_words():
    """The model boxes links a few pixels loose all round; a link's box is its
    words' columns and their rows with a little leading (a browser's line box)."""
    img, sp = line_of([("Privacy policy", BLUE)])
    a0, a1 = sp[0]
    ys = np.nonzero((np.abs(img.astype(int) - 255).max(2) > 40).any(1))[0]
    loose = (a0 - 6, 4, a1 - a0 + 12, 32)
    x, y, w, h = link_words(img, loose)
    assert abs(x - a0) <= 1 and abs(x + w - a1) <= 2
    ink_h = ys[-1] - ys[0] + 1
    assert y < ys[0] and y + h > ys[-1] + 1 and h <= 1.4 * ink_h
    (d,) = refine(img, [Det("link", loose, 0.3)])
    assert d.box == (x, y, w, h) and d.score > 0.3
    assert link_words(img, (a1 + 3, 4, 15, 30)) is None      # no words there
    assert link_words(img, (a1 + 200, 4, 40, 30)) is None    # off the frame


def stadium(big, x, y, w, h, colour):
    """A filled stadium (semicircular ends) on the 4x canvas, final pixels."""
    x, y, w, h = (int(round(v * SS)) for v in (x, y, w, h))
    r = h // 2
    cv2.rectangle(big, (x + r, y), (x + w - r - 1, y + h - 1), colour, -1)
    cv2.circle(big, (x + r, y + r), r, colour, -1)
    cv2.circle(big, (x + w - r - 1, y + r), r, colour, -1)


def switch(on, inset, size=(26, 50)):
    """A switch at (40, 20): GTK's (knob as high as the track, a grey track, a
    ringed white knob) or the web's (knob inset by 3 px, blue track when on)."""
    h, w = size
    x, y = 40, 20

    def draw(big):
        track = (13, 110, 253) if on and inset else (222, 221, 218) if on or inset else (250, 250, 250)
        stadium(big, x, y, w, h, (190, 182, 176))
        stadium(big, x + 1, y + 1, w - 2, h - 2, track)
        d = h - 6 if inset else h
        kx = (x + w - d - (3 if inset else 0)) if on else (x + (3 if inset else 0))
        ky = y + (3 if inset else 0)
        cv2.circle(big, (int((kx + d / 2) * SS), int((ky + d / 2) * SS)), int(d / 2 * SS),
                   (190, 182, 176), -1)
        cv2.circle(big, (int((kx + d / 2) * SS), int((ky + d / 2) * SS)), int((d / 2 - 1) * SS),
                   (255, 255, 255), -1)
    return render(GTK, draw, size=(70, 140)), (x, y, w, h)


@pytest.mark.parametrize("inset", [False, True], ids=["gtk", "web"])
@pytest.mark.parametrize("on", [False, True])
def test_a_switch_the_model_called_a_button_becomes_a_toggle(on, inset):
    img, box = switch(on, inset)
    found = find_switch(img, loose(box, 3))
    assert found is not None and iou(found[0], box) >= 0.85 and found[1] is on
    (d,) = refine(img, [Det("button", loose(box, 3), 0.4)])
    assert (d.kind, d.checked) == ("toggle", on) and d.score > 0.4


@pytest.mark.parametrize("label", ["OK", "+", "-"])
def test_a_pill_button_is_no_switch(label):
    def draw(big):
        stadium(big, 40, 20, 52, 26, (53, 132, 228))
        cv2.putText(big, label, ((58 if len(label) > 1 else 61) * SS, 38 * SS),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5 * SS, (255, 255, 255), SS + 1)
    img = render(GTK, draw, size=(70, 140))
    assert find_switch(img, (40, 20, 52, 26)) is None
    (d,) = refine(img, [Det("button", (38, 18, 56, 30), 0.4)])
    assert d.kind == "button"


def slider_screen(vertical=False, light_knob=False):
    """A 200-px slider (4-px groove, 16-px round handle at 30 %) with a label
    8 px past its end: horizontal at (40, 30), or the same turned upright.  The
    handle is grey, or white with a 1-px grey outline (Adwaita's)."""
    def draw(big):
        cv2.rectangle(big, (40 * SS, 36 * SS), (240 * SS - 1, 40 * SS - 1), (200, 200, 200), -1)
        cv2.rectangle(big, (40 * SS, 36 * SS), (100 * SS - 1, 40 * SS - 1), (53, 132, 228), -1)
        cv2.circle(big, (100 * SS, 38 * SS), 8 * SS, (120, 120, 120), -1)
        if light_knob:
            cv2.circle(big, (100 * SS, 38 * SS), 7 * SS, GTK["bg"], -1)
        cv2.putText(big, "Vol", (248 * SS, 43 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                    GTK["text"], SS)
    img = render(GTK, draw, size=(80, 300))
    if vertical:
        return np.ascontiguousarray(img.transpose(1, 0, 2)), (30, 40, 16, 200)
    return img, (40, 30, 200, 16)


@pytest.mark.parametrize("light_knob", [False, True], ids=["grey-knob", "light-knob"])
@pytest.mark.parametrize("vertical", [False, True], ids=["horizontal", "vertical"])
def test_a_slider_boxed_in_pieces_becomes_one_whole_slider(vertical, light_knob):
    img, whole = slider_screen(vertical, light_knob)
    pieces = [(80, 28, 50, 20), (150, 31, 60, 12)]          # around the handle, on the groove
    if vertical:
        pieces = [(y, x, h, w) for x, y, w, h in pieces]
    for p in pieces:
        assert iou(slider_extent(img, p), whole) >= 0.85
    out = refine(img, [Det("slider", p, 0.6 - i / 10) for i, p in enumerate(pieces)])
    assert len(out) == 1 and iou(out[0].box, whole) >= 0.85


def test_a_slider_box_with_no_groove_is_scored_down():
    def draw(big):
        cv2.circle(big, (100 * SS, 38 * SS), 8 * SS, (120, 120, 120), -1)   # a knob alone
    img = render(GTK, draw, size=(80, 300))
    det = Det("slider", (40, 30, 200, 16), 0.5)
    assert slider_extent(img, det.box) is None
    assert [(d.box, d.score) for d in refine(img, [det])] == [(det.box, 0.25)]
    # and with nothing inside: a slider always shows its groove, so it is dropped
    blank = render(GTK, lambda big: None, size=(80, 300))
    assert refine(blank, [Det("slider", (40, 30, 200, 16), 0.7)]) == []


def test_a_groove_from_frame_edge_to_frame_edge_is_no_slider():
    """slider_screen's slider with its groove drawn on to both edges of the frame:
    what the model's tall "sliders" in the gap between two windows look like
    to the groove follower.  Stopped 2 px short of one edge it is a slider."""
    def screen(x1):
        def draw(big):
            cv2.rectangle(big, (0, 36 * SS), (x1 * SS - 1, 40 * SS - 1), (200, 200, 200), -1)
            cv2.circle(big, (100 * SS, 38 * SS), 8 * SS, (120, 120, 120), -1)
        return render(GTK, draw, size=(80, 300))
    box = (80, 28, 50, 20)
    assert slider_extent(screen(300), box) is None
    assert slider_extent(screen(298), box) == (0, 30, 298, 16)


@pytest.mark.parametrize("thick", [4, 8], ids=["thin", "thick"])
def test_a_progress_bar_is_no_slider(thick):
    """The same groove and fill as slider_screen's, with no knob: a progress bar
    (the model calls widget-factory's sliders).  Scored down, where the slider
    with its knob is boxed whole and scored up."""
    def draw(big):
        y0 = 38 - thick // 2
        cv2.rectangle(big, (40 * SS, y0 * SS), (240 * SS - 1, (y0 + thick) * SS - 1),
                      (200, 200, 200), -1)
        cv2.rectangle(big, (40 * SS, y0 * SS), (100 * SS - 1, (y0 + thick) * SS - 1),
                      (53, 132, 228), -1)
    img = render(GTK, draw, size=(80, 300))
    det = Det("slider", (40, 30, 200, 16), 0.5)
    assert slider_extent(img, det.box) is None
    assert [(d.box, d.score) for d in refine(img, [det])] == [(det.box, 0.25)]
    slider, whole = slider_screen()
    (d,) = refine(slider, [det])
    assert d.score == 0.75 and iou(d.box, whole) >= 0.85


def test_a_box_held_in_another_of_its_kind_is_one_element():
    """The model leaves a second box on one element (a menu row and its label, a
    switch boxed twice): of two tab, menu item or toggle boxes one inside the
    other, the higher scored stays.  Two side by side, or a box inside one of
    another kind, stay."""
    def draw(big):
        for i, word in enumerate(("File", "Edit")):
            cv2.putText(big, word, ((12 + 70 * i) * SS, 26 * SS), cv2.FONT_HERSHEY_SIMPLEX,
                        0.5 * SS, GTK["text"], SS)
    img = render(GTK, draw, size=(40, 160))
    row, label, beside = (4, 8, 60, 26), (10, 12, 36, 16), (74, 8, 60, 26)
    for kind in ("menu_item", "tab", "toggle"):
        out = refine(img, [Det(kind, label, 0.5), Det(kind, row, 0.6), Det(kind, beside, 0.4)])
        assert sorted(d.box for d in out) == [row, beside], kind
    out = refine(img, [Det("tab", row, 0.6), Det("menu_item", label, 0.5)])
    assert len(out) == 2


def test_a_box_with_nothing_inside_is_dropped():
    """Boxes the model draws over an empty panel or along a panel's edge line
    are no elements; a field may be empty, a button may not."""
    def draw(big):
        cv2.rectangle(big, (10 * SS, 40 * SS), (290 * SS, 41 * SS), GTK["border"], -1)
        cv2.putText(big, "Help", (120 * SS, 25 * SS), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * SS,
                    GTK["text"], SS)
    img = render(GTK, draw, size=(120, 300))
    edge = (20, 38, 80, 60)                    # the line along its top edge
    assert is_blank(img, edge) and not is_blank(img, (110, 8, 50, 24))
    kept = refine(img, [Det("button", edge, 0.6), Det("menu_item", edge, 0.5),
                        Det("text_field", edge, 0.5), Det("button", (110, 8, 50, 24), 0.5)])
    assert sorted(d.kind for d in kept) == ["button", "text_field"]


def icon_screen():
    """A gear-like pictogram (a ring with a dot, 18 px, at 40, 30) on the window; a
    flat button face (100-160 x 24-56) holding a 16-px "x" pictogram at 122, 32; a
    panel edge running past everything near 200, 20-70."""
    def draw(big):
        cv2.circle(big, (49 * SS, 39 * SS), 8 * SS, GTK["text"], 2 * SS, cv2.LINE_AA)
        cv2.circle(big, (49 * SS, 39 * SS), 2 * SS, GTK["text"], -1, cv2.LINE_AA)
        cv2.rectangle(big, (100 * SS, 24 * SS), (160 * SS - 1, 56 * SS - 1), (210, 205, 200), -1)
        cv2.line(big, (123 * SS, 33 * SS), (137 * SS, 47 * SS), GTK["text"], 2 * SS, cv2.LINE_AA)
        cv2.line(big, (137 * SS, 33 * SS), (123 * SS, 47 * SS), GTK["text"], 2 * SS, cv2.LINE_AA)
        cv2.rectangle(big, (200 * SS, 0), (300 * SS, 80 * SS), (60, 60, 60), -1)
    return render(GTK, draw, size=(80, 300))


def test_an_icon_box_is_snapped_to_its_pictogram():
    img = icon_screen()
    gear = icon_extent(img, (37, 29, 20, 22))               # a few pixels off and loose
    assert iou(gear, (40, 30, 18, 18)) >= 0.8
    cross = icon_extent(img, (118, 29, 22, 22))             # on the button's face
    assert iou(cross, (122, 32, 16, 16)) >= 0.7
    assert icon_extent(img, (205, 30, 20, 20)) is None      # ink past the window: a panel
    assert icon_extent(img, (250, 10, 1, 1)) is None
    out = refine(img, [Det("icon", (37, 29, 20, 22), 0.5), Det("icon", (39, 31, 17, 20), 0.3)])
    assert [(d.box, d.score) for d in out] == [(gear, 0.5)]  # both snapped onto one


def blocks_bar(n=12, colour=(58, 142, 158), bg=(235, 235, 235), block=(8, 16), gap=3):
    """A progress bar drawn in chunks (Qt's Windows style): ``n`` blocks of
    ``block`` (w, h) pixels, ``gap`` apart, inside a grey frame at (20, 10)."""
    img = np.full((40, 40 + n * (block[0] + gap) + 20, 3), bg, np.uint8)
    cv2.rectangle(img, (20, 10), (img.shape[1] - 20, 10 + block[1] + 5), (150, 150, 150), 1)
    for i in range(n):
        x = 23 + i * (block[0] + gap)
        img[13:13 + block[1], x:x + block[0]] = colour
    return img


@pytest.mark.parametrize("colour", [(58, 142, 158), (40, 40, 220), (200, 40, 40)])
def test_a_row_of_blocks_is_not_a_link(colour):
    img = blocks_bar(colour=colour)
    box = (22, 11, 12 * 11, 20)
    assert in_blocks(img, box)
    d, ok = links.check_link(img, Det("link", box, 0.8))
    assert not ok and d.score == pytest.approx(0.4)


@pytest.mark.parametrize("text", ["Terms of use", "Illinois Hill", "Reset to defaults"])
def test_words_are_not_blocks(text):
    img, sp = line_of([(text, BLUE)])
    assert not in_blocks(img, (sp[0][0] - 2, 9, sp[0][1] - sp[0][0] + 4, 22))
    assert not in_blocks(words(BLUE), (18, 8, 150, 34))


def _modes_by_unique(px, n):
    keys = px.astype(np.int64) @ np.array([65536, 256, 1]) if px.shape[1] == 3 else px[:, 0]
    u, c = np.unique(keys, return_counts=True)      # u ascending: ties go to the smaller key
    return [int(k) for k in u[np.argsort(-c, kind="stable")[:n]]]


@pytest.mark.parametrize("seed", range(6))
def test_modes_match_a_plain_count(seed):
    # a panel colour on most pixels (the fast path), on about half, on under half;
    # ties between colours; one channel and three
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, (5, 3), dtype=np.uint8)
    for share in (0.9, 0.51, 0.5, 0.3, 0.0):
        for size in (1, 2, 7, 40, 301):
            main = int(share * size)
            px = np.concatenate([np.repeat(palette[:1], main, 0),
                                 palette[rng.integers(1, 5, size - main)]])
            px = px[rng.permutation(size)]
            for n in (1, 2, 3):
                assert shapes._modes(px, n) == _modes_by_unique(px, n), (share, size, n)
                assert shapes._modes(px[:, :1], n) == _modes_by_unique(px[:, :1], n)
    # two colours on equal counts: the smaller key first
    px = np.array([[9, 9, 9], [1, 1, 1]] * 3, np.uint8)
    assert shapes._modes(px, 1) == [0x010101]


@pytest.mark.parametrize("width", [1, 2, 5, 8, 37, 64])
def test_row_medians_match_numpy(width):
    rng = np.random.default_rng(width)
    for reg in (rng.integers(0, 256, (9, width, 3), dtype=np.uint8),
                np.repeat(rng.integers(0, 256, (9, 1, 3), dtype=np.uint8), width, 1)):
        want = np.median(reg, axis=1, keepdims=True).astype(np.uint8)
        assert np.array_equal(fields._row_medians(reg), want)


def test_gapped_runs_match_the_plain_loop():
    """Runs of a link's colour joined across word spaces (gaps up to ``gap``) unless
    other ink stands in the gap: the vectorised version against the plain loop."""
    def plain(mask, stop, gap):
        out = []
        for s, e in shapes._runs(mask, 0):
            if out and s - out[-1][1] <= gap and not stop[out[-1][1]:s].any():
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out

    rng = np.random.default_rng(7)
    for _ in range(3000):
        n = int(rng.integers(0, 60))
        mask, stop = rng.random(n) < rng.random(), rng.random(n) < 0.3 * rng.random()
        gap = int(rng.integers(0, 6))
        assert links._gapped_runs(mask, stop, gap) == plain(mask, stop, gap)
    mask = np.array([1, 1, 0, 0, 1, 1, 0, 1], bool)
    stop = np.array([0, 0, 0, 1, 0, 0, 0, 0], bool)
    assert links._gapped_runs(mask, stop, 2) == [(0, 2), (4, 8)]
