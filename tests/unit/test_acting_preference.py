"""Acting steps prefer what can be acted on (issue 21, docs/task-format.md "Acting
steps"): the ranking on boxes, then whole runs on committed screenshots of galculator
(a "9" key and a "9" on its display) and of a heading and a button sharing words,
with real OCR and the real element model, replayed (no display)."""
from __future__ import annotations

import textwrap

import pytest

from picoagent.agent import Runner
from picoagent.devices import ImageScreen, RecordingInput
from picoagent.task import load_task
from picoagent.task.model import Locator
from picoagent.vision import Frame
from picoagent.vision.frame import Element, as_rgb_array
from picoagent.vision.locate import ACT_TIERS, _Owners, _owners, _prefer_actionable, _Scored
from tests.helpers import ROOT

DATA = ROOT / "tests" / "data" / "acting"
KEYPAD = DATA / "galculator_9.png"        # galculator after "9": the key, and "9" on display
KEY_9 = (136, 183, 59, 33)                # the "9" key's face (screen pixels)
DISPLAY = (6, 31, 319, 54)
WORDS = DATA / "shared_words.png"         # heading "Export report" above the button
BUTTON = (20, 110, 150, 35)


def text(t: str, box, score: float = 1.0) -> _Scored:
    return _Scored(Element(kind="text", box=box, text=t, source="ocr"), score)


def el(kind: str, box) -> Element:
    return Element(kind=kind, box=box, score=0.9, source="model")


ELEMENTS = [el("button", (100, 200, 80, 30)), el("text_field", (10, 10, 300, 40)),
            el("checkbox", (10, 300, 13, 13))]
HEADING = text("Save", (20, 100, 60, 20))
ON_BUTTON = text("Save", (115, 205, 50, 20))
IN_FIELD = text("Save", (200, 20, 50, 20))
BESIDE_BOX = text("Save", (30, 298, 50, 18))


def prefer(ranked, intent="press"):
    return _prefer_actionable(ranked, _Owners(ELEMENTS, ACT_TIERS[intent]))


def test_a_control_beats_static_text_on_a_tie():
    ranked, note = prefer([HEADING, ON_BUTTON])
    assert ranked[0] is ON_BUTTON
    assert note == "chose 'Save' (button) [115, 205, 50, 20] over 'Save' (static text) " \
                   "[20, 100, 60, 20]"


def test_a_near_tie_counts_and_a_clear_lead_stands():
    ranked, _ = prefer([HEADING, text("Save:", ON_BUTTON.element.box, 0.98)])
    assert ranked[0].element.box == ON_BUTTON.element.box         # punctuation: near tie
    partial = text("Save", ON_BUTTON.element.box, 0.97)            # inside a longer line
    ranked, note = prefer([HEADING, partial])
    assert ranked[0] is HEADING and note is None


def test_tiers_by_intent():
    ranked, _ = prefer([IN_FIELD, ON_BUTTON], "press")             # a display is no key
    assert ranked[0] is ON_BUTTON
    ranked, _ = prefer([ON_BUTTON, IN_FIELD], "type")              # typing goes in a field
    assert ranked[0] is IN_FIELD
    ranked, _ = prefer([HEADING, BESIDE_BOX])                      # a checkbox's label
    assert ranked[0] is BESIDE_BOX


def test_same_tier_keeps_its_order():
    other = text("Save", (20, 400, 60, 20))
    assert prefer([HEADING, other]) == ([HEADING, other], None)


def test_the_whole_label_of_a_control_beats_a_word_of_a_longer_one():
    """Both on controls (a framed message seen as a button): the button whose own
    words are the target wins, also where its line ran on over its neighbour's
    label and scored lower; the note says why."""
    message, button = el("button", (537, 338, 206, 20)), el("button", (537, 363, 59, 19))
    names = {message.box: ["Update ready. Install now?"], button.box: ["(Install)"]}
    owners = _Owners([message, button], ACT_TIERS["press"], lambda e: names[e.box])
    in_message = text("Install", (654, 336, 48, 25), 0.97)
    on_button = text("(Install)", (538, 361, 63, 24), 0.95)     # in "(Install) (Later"
    ranked, note = _prefer_actionable([in_message, on_button], owners, "Install")
    assert ranked[0].element.box == on_button.element.box and ranked[0].score == 0.98
    assert note == "chose '(Install)' (button, its whole label) [538, 361, 63, 24] over " \
                   "'Install' (button, part of its label) [654, 336, 48, 25]"
    # without the target (a regex) or names, the ranking stands as it was
    assert _prefer_actionable([in_message, on_button], owners)[0][0] is in_message
    plain = _Owners([message, button], ACT_TIERS["press"])
    assert _prefer_actionable([in_message, on_button], plain, "Install")[0][0] is in_message


class _Vision:
    has_element_model = True

    def elements(self, frame):
        return ELEMENTS


@pytest.mark.parametrize("loc,applies", [
    (Locator(text="Save"), True),
    (Locator(text="Save", within=(0, 0, 500, 500)), True),
    (Locator(regex="Sa.e"), True),
    (Locator(text="Save", offset=(0, 30)), False),
    (Locator(text="Save", index=1), False),
    (Locator(text="Save", kind="button"), False),
    (Locator(text="Save", right_of=Locator(text="Cancel")), False),
    (Locator(at=(3, 4)), False),
])
def test_which_locators_it_applies_to(loc, applies):
    assert (_owners(_Vision(), None, loc, "press") is not None) == applies
    assert _owners(_Vision(), None, loc, None) is None


# ---- whole runs on real screenshots -------------------------------------------------
def run(tmp_path, vision, shot, steps):
    p = tmp_path / "t.yaml"
    p.write_text("steps:\n" + textwrap.indent(textwrap.dedent(steps), "  "))
    inp = RecordingInput()
    res = Runner(load_task(p), screen=ImageScreen(shot), input=inp, vision=vision).run()
    assert res.ok, res.failure
    return res, inp


def within(point, box) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def test_click_presses_the_key_not_the_display(tmp_path, vision):
    res, inp = run(tmp_path, vision, KEYPAD, """
        - click: "9"
        - double_click: "9"
        - wait_for: "9"
        """)
    clicks = [a for a in inp.actions if a[0] == "click"]
    assert len(clicks) == 2 and all(within(a[1:3], KEY_9) for a in clicks), clicks
    for r in res.steps[:2]:
        assert r.message.startswith("chose '9' (button)") and "(text_field)" in r.message
    # wait_for ranks as before: what it finds is what a locate without intent finds
    plain = vision.locate(Frame(as_rgb_array(KEYPAD)), Locator(text="9"))
    assert res.steps[2].element["box"] == list(plain.element.box)
    assert res.steps[2].message is None


def test_an_offset_keeps_the_plain_ranking(tmp_path, vision):
    res, inp = run(tmp_path, vision, KEYPAD, '- click: {text: "9", offset: [0, 1]}\n')
    plain = vision.locate(Frame(as_rgb_array(KEYPAD)), Locator(text="9"))
    assert res.steps[0].element["box"] == list(plain.element.box)
    assert within(inp.actions[0][1:3], DISPLAY) and res.steps[0].message is None


def test_click_and_type_into_take_the_button_not_the_heading(tmp_path, vision):
    res, inp = run(tmp_path, vision, WORDS, """
        - click: Export report
        - type: {text: x, into: Export report}
        - right_click: Export report
        """)
    points = [a[1:3] for a in inp.actions if a[0] == "click"]
    assert len(points) == 3 and all(within(p, BUTTON) for p in points), inp.actions
    assert all("(static text)" in r.message for r in res.steps)
