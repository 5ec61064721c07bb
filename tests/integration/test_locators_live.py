"""Every locator form and relation, resolved on the live Tk app under Xvfb."""
from __future__ import annotations

import pytest

from picoagent.task import load_task
from tests.helpers import EXAMPLES

CASES = [
    # (locator YAML, expected element text)
    ("Cancel", "Cancel"),
    ("{text: Save}", "Save"),                          # exact outranks "Save As"
    ("{text: Save As}", "Save As"),
    ("Visitor check-in", "Visitor check-in"),          # words inside the header line
    ("{regex: 'Visitors today: \\d+'}", "Visitors today: 3"),
    ("{regex: '.+', right_of: Check in}", "Cancel"),
    ("{regex: '.+', left_of: Cancel}", "Check in"),
    ("{regex: 'Guest \\d+', below: Guest 01}", "Guest 02"),
    ("{regex: 'Guest \\d+', above: Guest 03}", "Guest 02"),
    ("{regex: '.+', above: Ready}", "Check in"),
    ("{text: Tray, near: Badge}", "Tray"),
    ("{regex: 'Guest \\d+', index: 2}", "Guest 03"),
    ("{regex: '.+', within: [0, 80, 100, 60]}", "Name"),
    ("{text: PIN, below: Name}", "PIN"),
]


def locate(vision, screen, tmp_path, text):
    f = tmp_path / "t.yaml"
    f.write_text(f"steps:\n  - wait_for: {text}\n")
    loc = load_task(f).steps[0].target
    return vision.locate(screen.grab(), loc)


@pytest.fixture(scope="module")
def app(xdisplay, tmp_path_factory):
    from tests.helpers import CheckinApp
    a = CheckinApp(tmp_path_factory.mktemp("app") / "events.log")
    yield a
    a.close()


@pytest.mark.parametrize("text,expected", CASES)
def test_locator(app, vision, screen, tmp_path, text, expected):
    m = locate(vision, screen, tmp_path, text)
    assert m.element.text == expected


def test_partial_match_points_at_the_words(app, vision, screen, tmp_path):
    whole = locate(vision, screen, tmp_path, "Acme Labs · Visitor check-in")
    part = locate(vision, screen, tmp_path, "Visitor check-in")
    assert part.score < whole.score
    assert part.element.box[0] > whole.element.box[0] + 60     # right part of the line
    assert part.element.box[2] < whole.element.box[2] * 0.75


def test_image_and_point_and_offset(app, vision, screen, tmp_path):
    import shutil
    shutil.copy(EXAMPLES / "images" / "settings-icon.png", tmp_path / "icon.png")
    f = tmp_path / "t.yaml"
    f.write_text("steps:\n  - click: {image: icon.png}\n"
                 "  - click: {at: [100, 200]}\n  - click: {text: Name, offset: [100, 0]}\n")
    steps = load_task(f).steps
    frame = screen.grab()
    img = vision.locate(frame, steps[0].target)
    assert img.element.kind == "image" and img.score > 0.95
    pt = vision.locate(frame, steps[1].target)
    from picoagent.vision import frame_to_screen
    assert frame_to_screen(frame, *pt.point) == (100, 200)
    name = vision.locate(frame, Locator_text("Name"))
    off = vision.locate(frame, steps[2].target)
    assert off.point[0] == pytest.approx(name.point[0] + 100)


def test_runners_up_are_recorded(app, vision, screen, tmp_path):
    m = locate(vision, screen, tmp_path, "{regex: 'Guest 0\\d'}")
    assert len(m.runners_up) == 3
    assert all(e.text.startswith("Guest 0") for e in m.runners_up)


def test_missing_anchor_and_index_out_of_range(app, vision, screen, tmp_path):
    from picoagent.errors import TargetNotFound
    with pytest.raises(TargetNotFound, match="anchor"):
        locate(vision, screen, tmp_path, "{text: OK, right_of: Nonexistent label}")
    with pytest.raises(TargetNotFound, match="index 99"):
        locate(vision, screen, tmp_path, "{regex: 'Guest \\d+', index: 99}")


def Locator_text(t):
    from picoagent.task.model import Locator
    return Locator(text=t)
