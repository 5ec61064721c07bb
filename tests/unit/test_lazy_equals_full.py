"""Lazy, fast-path recognition finds the same element as reading every box of the
neural detector, for every target of the real-screenshot corpus."""
from __future__ import annotations

import json

import pytest

from picoagent.vision import Frame, Vision
from picoagent.vision.frame import as_rgb_array
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "data" / "corpus"
DATA = json.loads((CORPUS / "corpus.json").read_text())
CASES = [(s["image"], t["text"], tuple(t["box"])) for s in DATA["screens"]
         for t in s["targets"]]


@pytest.fixture(scope="module")
def engines():
    lazy = Vision(threads=1)
    return lazy, Vision(ocr=lazy.ocr, lazy=False)


@pytest.fixture(scope="module")
def frames():
    return {s["image"]: Frame(as_rgb_array(CORPUS / s["image"])) for s in DATA["screens"]}


def inside(pt, box):
    return box[0] <= pt[0] <= box[0] + box[2] and box[1] <= pt[1] <= box[1] + box[3]


def test_corpus_has_enough_real_screens():
    assert len(DATA["screens"]) >= 10 and all(3 <= len(s["targets"]) <= 5
                                              for s in DATA["screens"])


@pytest.mark.parametrize("image,text,truth", CASES, ids=[f"{i}:{t}" for i, t, _ in CASES])
def test_lazy_finds_the_same_element_as_full_recognition(engines, frames, image, text,
                                                         truth):
    lazy, full = engines
    frame = frames[image]
    a, b = lazy.find(frame, text), full.find(frame, text)
    assert a is not None, "lazy path found nothing"
    centre = (truth[0] + truth[2] / 2, truth[1] + truth[3] / 2)
    assert inside(centre, a.element.box), (a.element.text, a.element.box)
    if b is not None:          # full recognition may miss what the fast path reads
        assert inside(b.element.center, a.element.box) or \
            inside(a.element.center, b.element.box), (a.element, b.element)


def test_glancing_first_reads_fewer_boxes_and_finds_the_same(frames):
    """The small recogniser's glance only reorders PP-OCR's lazy reading: every corpus
    target is found in the same box, with fewer PP-OCR readings in all."""
    from picoagent.vision.ocr import OcrEngine
    from picoagent.vision.rec_small import MODEL
    assert MODEL.is_file(), "the small recogniser ships with the package"
    glancing, plain = OcrEngine(threads=1), OcrEngine(threads=1, glance_model=False)
    reads = {}
    for name, ocr in (("glancing", glancing), ("plain", plain)):
        reads[name] = 0
        for image, text, truth in CASES:
            v = Vision(ocr=ocr)
            m = v.find(frames[image], text)
            centre = (truth[0] + truth[2] / 2, truth[1] + truth[3] / 2)
            assert m is not None and inside(centre, m.element.box), (name, text)
            reads[name] += v.stats["rec_boxes"]
        if name == "glancing":
            assert ocr.glancer is not None and ocr.glancer._sess is not None
    assert reads["glancing"] <= 0.7 * reads["plain"], reads
