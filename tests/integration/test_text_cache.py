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


CORPUS = __import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.mark.parametrize("screen_name", ["zenity_question.png", "xterm_dejavu.png",
                                         "tk_app.png"])
def test_whole_frame_reading_falls_back_where_the_fast_path_is_unsure(own_vision,
                                                                      screen_name):
    """On these real screens the fast-path boxes alone lose corpus targets (a line
    merged with the dialog's icon, a glyph touching the listbox border, a text
    cursor); reading the whole frame still reads every target the neural detector
    reads, with the neural detector run on a small part of the frame."""
    import json

    from picoagent.vision import Frame
    from picoagent.vision.frame import as_rgb_array

    screen = next(s for s in json.loads((CORPUS / "corpus.json").read_text())["screens"]
                  if s["image"] == screen_name)
    frame = Frame(as_rgb_array(CORPUS / screen_name))
    lines = own_vision.all_lines(frame)
    neural = Vision(ocr=own_vision.ocr).text_lines(frame)

    def read(tg, lines) -> bool:
        x, y, w, h = tg["box"]
        cx, cy = x + w / 2, y + h / 2
        return any(tg["text"].lower() in ln.text.lower() and ln.box[0] <= cx <= ln.box[0]
                   + ln.box[2] and ln.box[1] <= cy <= ln.box[1] + ln.box[3] for ln in lines)

    for tg in screen["targets"]:
        assert read(tg, lines) or not read(tg, neural), tg
    assert own_vision.stats["det_px"] < 0.6 * frame.width * frame.height


def test_whole_frame_reading_of_a_clean_screen_needs_no_neural_detector(own_vision):
    from picoagent.vision import Frame
    from picoagent.vision.frame import as_rgb_array

    frame = Frame(as_rgb_array(CORPUS / "xmessage.png"))
    texts = [ln.text for ln in own_vision.all_lines(frame)]
    assert any("No" in t for t in texts) and own_vision.stats["det_calls"] == 0
    # read once: naming elements from those lines reads nothing again
    before = own_vision.stats["rec_boxes"]
    own_vision.all_lines(frame)
    assert own_vision.stats["rec_boxes"] == before


def _key_row(seen, label: str) -> list:
    """The buttons on the row of the button ``label`` names, left to right."""
    key = next(s.element for s in seen if s.element.kind == "button"
               and s.names == [label])
    return sorted((s for s in seen if s.element.kind == "button"
                   and abs(s.element.box[1] - key.box[1]) <= 4
                   and abs(s.element.box[3] - key.box[3]) <= 4),
                  key=lambda s: s.element.box[0])


def test_each_key_of_a_row_is_named_by_its_own_label(own_vision):
    """xcalc's keys stand close in rows.  Observing the screen names each key of the
    "log" row by its own label: e (a lone letter read with doubt still names the key
    it lies in), EE, log, ln, y^x."""
    from picoagent.vision import Frame, scene
    from picoagent.vision.frame import as_rgb_array

    frame = Frame(as_rgb_array(CORPUS / "xcalc.png"))
    row = _key_row(scene.perceive(own_vision, frame), "log")
    names = [s.names for s in row]
    assert len(row) == 5 and all(len(n) == 1 and " " not in n[0] for n in names), names
    assert names[0] == ["e"] and names[2] == ["log"], names


def test_a_line_over_a_row_of_keys_names_each_key_by_its_words_on_it(own_vision):
    """One OCR line read over a whole row of keys (what the fast path's box over the
    row reads) names each key by the words over that key, not by the row."""
    from picoagent.vision import Frame, scene
    from picoagent.vision.frame import as_rgb_array

    frame = Frame(as_rgb_array(CORPUS / "xcalc.png"))
    row = [s.element for s in _key_row(scene.perceive(own_vision, frame), "log")]
    x0, y0 = row[0].box[0], min(e.box[1] for e in row)
    x1 = row[-1].box[0] + row[-1].box[2]
    y1 = max(e.box[1] + e.box[3] for e in row)
    (line,) = own_vision.ocr.recognize(frame.image, [(x0, y0, x1 - x0, y1 - y0)])
    words = line.text.split()
    assert len(words) == len(row), line              # one line over the five keys
    named = [[t for t, _ in own_vision.element_name_lines(frame, e, crop_read=False,
                                                          lines=[line])] for e in row]
    assert named == [[w] for w in words], (line.text, named)


@pytest.mark.parametrize("screen_name", ["zenity_question.png", "xterm_dejavu.png"])
def test_whole_frame_reading_after_a_local_change_recomputes_only_there(own_vision,
                                                                       screen_name):
    """After a line is wiped out, the fast path's boxes and unsure areas are updated
    around the change alone (no second whole-frame pass) and equal a fresh
    computation; a find and a whole-frame reading of one frame share one pass."""
    import json

    from picoagent.vision.frame import as_rgb_array
    from picoagent.vision.textcache import _fast_path

    screen = next(s for s in json.loads((CORPUS / "corpus.json").read_text())["screens"]
                  if s["image"] == screen_name)
    first = as_rgb_array(CORPUS / screen_name)
    whole = (0, 0, first.shape[1], first.shape[0])
    cache = TextCache(own_vision.ocr)
    cache.update(first)
    cache.quick_boxes(whole)
    cache.sure_boxes(whole)
    assert cache.stats["quick_frames"] == 1
    x, y, w, h = screen["targets"][0]["box"]
    second = first.copy()
    second[y:y + h, x:x + w] = first[y, x - 1 if x else x + w]   # wiped with the colour beside it
    assert cache.update(second)
    got = cache.sure_boxes(whole)
    assert cache.stats["quick_frames"] == 1, "the whole frame was passed again"
    boxes, unsure = _fast_path(second)
    assert same_boxes(cache.quick_boxes(whole), boxes)
    assert sorted(cache._unsure) == sorted(unsure) or same_boxes(cache._unsure, unsure)
    fresh = TextCache(own_vision.ocr)
    fresh.update(second)
    assert same_boxes(got, fresh.sure_boxes(whole))
    assert not any(abs(b[1] + b[3] / 2 - (y + h / 2)) < h / 2 and b[0] <= x + w / 2 <= b[0] + b[2]
                   for b in got), "the wiped line is still there"
