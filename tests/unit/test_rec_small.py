"""The small screening recogniser: its decoding and input normalisation (pure logic),
and the shipped model reading rendered UI words."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from picoagent.vision.rec_small import CHARSET, HEIGHT, MODEL, SmallReader, greedy, normalise


def onehot(seq: list[int]) -> np.ndarray:
    x = np.full((len(seq), len(CHARSET) + 1), -5.0, np.float32)
    for t, c in enumerate(seq):
        x[t, c] = 5.0
    return x


def cls(ch: str) -> int:
    return CHARSET.index(ch) + 1


def test_greedy_collapses_repeats_and_drops_blanks():
    seq = [0, cls("O"), cls("O"), 0, cls("K"), 0, 0]
    text, conf = greedy(onehot(seq))
    assert text == "OK" and conf > 0.99


def test_greedy_keeps_a_doubled_letter_split_by_a_blank():
    seq = [cls("a"), cls("l"), 0, cls("l"), 0]
    assert greedy(onehot(seq))[0] == "all"


def test_greedy_of_nothing_is_empty():
    assert greedy(onehot([0, 0, 0])) == ("", 1.0)


def test_light_text_on_dark_is_normalised_like_dark_on_light():
    dark_on_light = np.full((HEIGHT, 60), 230, np.uint8)
    dark_on_light[10:22, 20:40] = 20
    light_on_dark = 255 - dark_on_light
    a, b = normalise(dark_on_light), normalise(light_on_dark)
    assert a.shape == b.shape == (HEIGHT, 60)
    assert np.allclose(a, b, atol=1e-5)
    assert a[0, 0] == pytest.approx(1.0) and a[15, 30] == pytest.approx(-1.0)


def test_narrow_crops_are_padded_to_the_minimum_width():
    assert normalise(np.zeros((HEIGHT, 5), np.uint8)).shape[1] >= 32


def render(text: str, size: int, fg, bg) -> np.ndarray:
    font = ImageFont.truetype("DejaVuSans.ttf", size)
    l, t, r, b = font.getbbox(text)
    img = Image.new("RGB", (r - l + 8, size + 8), bg)
    ImageDraw.Draw(img).text((4 - l, 4), text, font=font, fill=fg)
    return np.asarray(img)


def test_the_shipped_model_reads_rendered_ui_words():
    assert MODEL.is_file(), "the small recogniser ships with the package"
    words = ["Cancel", "Save changes", "OK", "Password:", "Room 204", "12.4 seconds"]
    crops = [render(w, s, fg, bg) for w in words
             for s, fg, bg in ((13, "black", "white"), (16, "white", (40, 40, 60)))]
    got = [t for t, _ in SmallReader().read(crops)]
    want = [w for w in words for _ in range(2)]
    right = sum(g == w for g, w in zip(got, want))
    assert right >= len(want) - 2, list(zip(want, got))


def test_a_broken_glance_model_costs_no_find(tmp_path):
    """A small-recogniser file onnxruntime cannot load: the find goes on without
    glances (PP-OCR in size order) and the engine stops trying."""
    from picoagent.vision import Frame, Vision
    from picoagent.vision.frame import as_rgb_array
    from picoagent.vision.ocr import OcrEngine
    from tests.helpers import ROOT
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not an onnx model")
    ocr = OcrEngine(threads=1, glance_model=bad)
    frame = Frame(as_rgb_array(ROOT / "tests" / "data" / "zenity_entry.png"))
    m = Vision(ocr=ocr).find(frame, "Cancel")
    assert m is not None and m.element.text == "Cancel"
    assert ocr.glancer is None
