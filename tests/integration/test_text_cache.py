"""The change-aware text cache on real frames from Xvfb: only what changed is
read again, new text in a changed area is found, nothing stale survives."""
from __future__ import annotations

import subprocess
import time

import pytest

from picoagent.vision import Vision
from picoagent.vision.geometry import iou as _iou
from picoagent.vision.textcache import TextCache
from tests.helpers import CheckinApp, kill, wait_window


def same_boxes(a, b) -> bool:
    return len(a) == len(b) and all(max((_iou(x, y) for y in b), default=0) > 0.5 for x in a)


def fresh_boxes(vision, frame):
    c = TextCache(vision.ocr)
    c.update(frame.image)
    return c.boxes((0, 0, frame.width, frame.height))


@pytest.fixture
def own_vision(vision):
    """A Vision with an empty cache that shares the loaded models."""
    return Vision(ocr=vision.ocr)


def test_a_local_change_is_read_again_only_where_it_changed(tmp_path, xdisplay, screen,
                                                             pointer, own_vision):
    v = own_vision
    app = CheckinApp(tmp_path / "ev.log")
    try:
        f1 = screen.grab()
        before = {ln.text for ln in v.text_lines(f1)}
        assert "Cancel" in before and "Cancelled" not in before
        m = v.find(f1, "Cancel")
        det0, rec0 = v.stats["det_px"], v.stats["rec_boxes"]
        pointer.click(int(m.point[0]), int(m.point[1]))
        time.sleep(0.4)
        f2 = screen.grab()
        after = v.text_lines(f2)
        det_px = v.stats["det_px"] - det0
        rec = v.stats["rec_boxes"] - rec0
    finally:
        app.close()
    assert "Cancelled" in {ln.text for ln in after}
    assert "Ready" not in {ln.text for ln in after}                # no stale reading
    assert det_px <= 0.25 * f2.width * f2.height, det_px      # two 256x256 contexts
    assert rec <= 4, rec
    assert same_boxes([ln.box for ln in after], fresh_boxes(v, f2))


def test_unchanged_frame_costs_no_inference(tmp_path, xdisplay, screen, own_vision):
    v = own_vision
    app = CheckinApp(tmp_path / "ev.log")
    try:
        first = screen.grab()
        v.find(first, "Visitor log")
        det, rec = v.stats["det_calls"], v.stats["rec_boxes"]
        frames = [screen.grab() for _ in range(5)]
        for f in frames:
            assert v.find(f, "Visitor log") is not None
        # a new Frame object holding the same pixels costs a comparison, not inference
        from picoagent.vision import Frame
        assert v.find(Frame(first.image.copy()), "Visitor log") is not None
    finally:
        app.close()
    assert all(f is first for f in frames)          # the screen hands back the same frame
    assert (v.stats["det_calls"], v.stats["rec_boxes"]) == (det, rec)
    assert v.stats["unchanged"] >= 1


def test_popup_found_then_gone_without_stale_text(tmp_path, xdisplay, screen, pointer,
                                                  own_vision):
    v = own_vision
    app = CheckinApp(tmp_path / "ev.log", popup_after=1.5)
    try:
        assert v.find(screen.grab(), "Visitor check-in") is not None
        deadline = time.monotonic() + 10
        m = None
        while m is None and time.monotonic() < deadline:
            m = v.find(screen.grab(), "An update is available")
            time.sleep(0.2)
        assert m is not None, "popup text in the changed area was not found"
        later = v.find(screen.grab(), "Later")
        pointer.click(int(later.point[0]), int(later.point[1]))
        time.sleep(0.5)
        f = screen.grab()
        assert v.find(f, "An update is available") is None
        assert v.find(f, "Later") is None
        for text in ("Name", "PIN", "Check in", "Update postponed"):   # what was under it
            assert v.find(f, text) is not None, text
        assert same_boxes([ln.box for ln in v.text_lines(f)], fresh_boxes(v, f))
    finally:
        app.close()


def test_same_window_twice_with_hover_change(xdisplay, screen, pointer, own_vision):
    """A second xmessage under the pointer differs only by a hover highlight; the
    re-detection around it must not merge its buttons."""
    v = own_vision
    for i in range(2):
        p = subprocess.Popen(["xmessage", "-buttons", "Yes:101,No:102", "Proceed?"])
        try:
            wait_window("xmessage")
            f = screen.grab()
            assert v.find(f, "No") is not None and v.find(f, "Yes") is not None
            if i == 0:
                y = v.find(f, "Yes")
                pointer.move(int(y.point[0]), int(y.point[1]))
                time.sleep(0.2)
        finally:
            kill(p)
        time.sleep(0.3)


def test_fast_path_boxes_stay_equal_to_a_fresh_computation(tmp_path, xdisplay, screen,
                                                           pointer, own_vision):
    from picoagent.vision.textcache import quick_text_boxes
    v = own_vision
    app = CheckinApp(tmp_path / "ev.log")
    try:
        for text in ("Save", "Cancel", "Guest 03", "I agree to the rules", "Save"):
            f = screen.grab()
            m = v.find(f, text)
            assert m is not None, text
            inc = sorted(v.text.quick_boxes((0, 0, f.width, f.height)))
            assert inc == sorted(quick_text_boxes(f.image)), text
            pointer.click(int(m.point[0]), int(m.point[1]))
            time.sleep(0.3)
    finally:
        app.close()
    assert app.events().count("Saved") == 2
