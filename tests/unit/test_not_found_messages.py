"""Not-found messages name why the best candidate was refused, on one line (issue 21):
never "'1' not found (closest: '1', score 1.00)".  Real OCR and the real element model
on committed screenshots; no display."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from picoagent.errors import Candidate, TargetNotFound
from picoagent.task.model import Locator
from picoagent.vision import Frame, Vision
from picoagent.vision.detector import ElementDetector
from picoagent.vision.frame import as_rgb_array
from picoagent.vision.glyphs import SymbolReading
from tests.helpers import ROOT

DATA = ROOT / "tests" / "data"
ZENITY = DATA / "zenity_entry.png"                  # "Enter your PIN", a field, Cancel, OK
TK = DATA / "corpus" / "tk_app.png"                 # the check-in app, box unticked
KEYPAD = DATA / "acting" / "galculator_9.png"       # galculator's keys, "9" on display


def frame(path: Path) -> Frame:
    return Frame(as_rgb_array(path))


def message(vision, path, loc, **kw) -> str:
    with pytest.raises(TargetNotFound) as e:
        vision.locate(frame(path), loc, **kw)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


def test_message_names_the_reason_when_there_is_one():
    best = Candidate(text="Check in", score=0.71, box=(1, 2, 3, 4),
                     reason="below min_score 0.80")
    assert str(TargetNotFound("'Check out' not found", best=best)) == \
        "'Check out' not found (closest: 'Check in', score 0.71; below min_score 0.80)"
    plain = Candidate(text="Check in", score=0.71, box=None)
    assert str(TargetNotFound("'Check out' not found", best=plain)) == \
        "'Check out' not found (closest: 'Check in', score 0.71)"


def test_message_stays_one_line():
    best = Candidate(text="two\nlines", score=0.5, box=None, reason="below min_score 0.80")
    msg = str(TargetNotFound("'x'\nnot found", best=best))
    assert "\n" not in msg and "'two\\nlines'" in msg


def test_below_min_score(vision):
    assert message(vision, ZENITY, Locator(text="Enter your password")) == \
        "'Enter your password' not found (closest: 'Enter your PIN', score 0.73; " \
        "below min_score 0.80)"


def test_relation_not_satisfied(vision):
    msg = message(vision, ZENITY, Locator(text="OK", left_of=Locator(text="Cancel")))
    assert msg == "'OK' left_of 'Cancel' not found (closest: 'OK', score 1.00; " \
                  "not left_of 'Cancel')"


def test_the_anchor_itself(vision):
    msg = message(vision, ZENITY, Locator(text="OK", near=Locator(text="OK")))
    assert msg.endswith("(closest: 'OK', score 1.00; it is the anchor itself)")


def test_outside_the_search_region(vision):
    f = frame(ZENITY)
    vision.locate(f, Locator(text="OK"))                # read once, on the whole screen
    with pytest.raises(TargetNotFound) as e:
        vision.locate(f, Locator(text="OK", within=(0, 0, 60, 40)))
    assert str(e.value).endswith("(closest: 'OK', score 1.00; outside the search region)")


def test_wrong_state(vision):
    msg = message(vision, TK, Locator(kind="checkbox", checked=True))
    assert re.search(r"\(closest: 'checkbox', score 0\.\d\d; unchecked, not checked\)$", msg)


def test_kind_not_in_relation(vision):
    msg = message(vision, TK, Locator(kind="button", below=Locator(text="Scrolled 0")))
    assert msg.endswith("; not below 'Scrolled 0')"), msg


def test_image_below_confidence(vision):
    msg = message(vision, ZENITY,
                  Locator(image=ROOT / "examples" / "images" / "settings-icon.png"))
    assert re.search(r"score 0\.\d\d; below confidence 0\.85\)$", msg), msg


def test_symbol_refused_by_its_pixels_without_the_model(monkeypatch):
    """OCR reads "9" but the glyph on the pixels says otherwise, and no element model
    is there to read the keys: the message says both, not "closest: '9', score 1.00"."""
    v = Vision(threads=1, detector=ElementDetector("/nonexistent/ui-elements.onnx"))
    monkeypatch.setattr(v, "glyph_reading",
                        lambda *a, **k: SymbolReading("/", 0.9, "glyph"))
    msg = message(v, KEYPAD, Locator(text="9"))
    assert msg == "'9' not found (closest: '9', score 1.00; its pixels show '/'; " \
                  "no element model to read button faces)"
