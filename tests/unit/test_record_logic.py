"""picoagent.record: events -> steps, and X key presses -> type/press (no display)."""
from __future__ import annotations

from picoagent.record import Char, Click, Key, key_name, steps_from_events


def _resolve(click):
    return {(10, 10): {"kind": "text_field", "right_of": "Name"},
            (50, 50): "Save", (70, 70): {"image": "t-click1.png", "offset": [5, 0]},
            (90, 90): {"at": [90, 90]}}[(click.x, click.y)]


def test_typing_after_a_click_types_into_what_was_clicked():
    ev = [Click(10, 10), *map(Char, "Adx"), Key("backspace"), Char("a"), Click(50, 50)]
    assert steps_from_events(ev, _resolve) == [
        {"wait_for": {"kind": "text_field", "right_of": "Name"}},
        {"type": {"text": "Ada", "into": {"kind": "text_field", "right_of": "Name"}}},
        {"click": "Save"}]


def test_keys_merge_into_one_press_and_typing_without_a_click_is_plain():
    ev = [Click(50, 50), Key("tab"), Key("tab"), *map(Char, "hi ${x}"), Key("ctrl+s")]
    assert steps_from_events(ev, _resolve) == [
        {"wait_for": "Save"}, {"click": "Save"}, {"press": ["tab", "tab"]},
        {"type": "hi $${x}"}, {"press": "ctrl+s"}]


def test_wait_for_drops_offset_and_skips_a_point():
    assert steps_from_events([Click(70, 70)], _resolve)[0] == {
        "wait_for": {"image": "t-click1.png"}}
    assert steps_from_events([Click(90, 90)], _resolve) == [{"click": {"at": [90, 90]}}]
    assert steps_from_events([Click(50, 50, double=True), Click(50, 50, button=3)],
                             _resolve) == [{"wait_for": "Save"}, {"double_click": "Save"},
                                           {"right_click": "Save"}]


def test_key_names():
    assert key_name("a", "a", 0) == Char("a")
    assert key_name("A", "A", 0x1) == Char("A")
    assert key_name("at", "@", 0x1) == Char("@")
    assert key_name("space", " ", 0) == Char(" ")
    assert key_name("Return", None, 0) == Key("enter")
    assert key_name("Tab", None, 0x1) == Key("shift+tab")
    assert key_name("s", "s", 0x4) == Key("ctrl+s")
    assert key_name("S", "S", 0x4 | 0x1) == Key("ctrl+shift+s")
    assert key_name("F5", None, 0x8) == Key("alt+f5")
    assert key_name("Shift_L", None, 0) is None
    assert key_name("plus", "+", 0x4) is None          # `+` cannot be named in a chord


def test_a_click_nothing_names_becomes_an_image_beside_the_task(tmp_path):
    import numpy as np
    from PIL import Image

    from picoagent.record import Resolver
    from picoagent.vision.frame import Frame

    img = np.zeros((100, 200, 3), np.uint8)
    img[40:60, 90:130] = 200
    r = Resolver(vision=None, task_path=tmp_path / "t.yaml")
    loc = r._crop(Frame(img), (110, 50), (90, 40, 40, 20))
    assert loc == {"image": "t-click1.png"}
    with Image.open(tmp_path / "t-click1.png") as im:
        assert im.size == (40, 20)
    assert r._crop(Frame(img), (5, 5), None) == {"image": "t-click2.png", "offset": [-13, -7]}
