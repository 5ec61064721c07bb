"""The UI element model's pre- and post-processing, on plain arrays (no model)."""
import json

import numpy as np
import pytest

from picoagent.errors import EnvironmentProblem
from picoagent.vision import detector as D

CLASSES = ["button", "text_field", "checkbox", "radio", "dropdown", "toggle", "slider", "tab",
           "icon", "link", "menu_item"]
META = {"classes": json.dumps(CLASSES), "stateful": json.dumps(["checkbox", "radio", "toggle"]),
        "strides": "[8, 16, 32]", "space_to_depth": "4", "pad_multiple": "32",
        "mean": "127.5", "std": "63.75", "score_threshold": "0.35", "nms_iou": "0.6",
        "version": "test"}
INFO = D.ModelInfo.from_metadata(META)


def outputs(h, w):
    pts, _ = D.grid(h, w, INFO.strides)
    n = pts.shape[0]
    return (np.zeros((len(CLASSES), n), np.float32), np.zeros((1, n), np.float32),
            np.zeros((4, n), np.float32), pts)


def loc(pts, stride_pts, x, y):
    """Index of the location centred at (x, y) on the level whose centres are given."""
    return int(np.nonzero((pts[:, 0] == x) & (pts[:, 1] == y) & stride_pts)[0][0])


def test_metadata_is_required():
    bad = dict(META)
    del bad["strides"]
    with pytest.raises(EnvironmentProblem, match="strides"):
        D.ModelInfo.from_metadata(bad, "x.onnx")


def test_grid_order_is_level_by_level_row_major():
    pts, strides = D.grid(64, 96, (8, 16, 32))
    assert len(pts) == 8 * 12 + 4 * 6 + 2 * 3
    assert tuple(pts[0]) == (4.0, 4.0) and tuple(pts[1]) == (12.0, 4.0)   # row-major
    assert tuple(pts[12]) == (4.0, 12.0)
    assert strides[96] == 16 and tuple(pts[96]) == (8.0, 8.0)
    assert strides[-1] == 32 and tuple(pts[-1]) == (80.0, 48.0)


def test_preprocess_is_pixel_unshuffle_of_the_normalised_padded_image():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)
    x = D.preprocess(img, INFO)
    assert x.shape == (1, 48, 64 // 4, 96 // 4) and x.dtype == np.float32
    pad = np.full((64, 96, 3), 128, np.uint8)           # mean 127.5 rounds to 128
    pad[:50, :70] = img
    chw = (pad.transpose(2, 0, 1).astype(np.float32) - 127.5) / 63.75
    # PyTorch PixelUnshuffle: out[c*16 + dy*4 + dx, i, j] = in[c, 4i + dy, 4j + dx]
    ref = chw.reshape(3, 16, 4, 24, 4).transpose(0, 2, 4, 1, 3).reshape(48, 16, 24)
    np.testing.assert_allclose(x[0], ref, atol=1e-6)


def test_preprocess_raw_is_the_same_unshuffle_in_bytes():
    """The int8 model takes bytes (training/quantize.py: byte_input): the same
    layout, padded with round(mean), not normalised."""
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)
    x = D.preprocess(img, INFO)
    b = D.preprocess(img, INFO, raw=True)
    assert b.shape == x.shape and b.dtype == np.uint8 and b.flags.c_contiguous
    np.testing.assert_allclose((b.astype(np.float32) - 127.5) / 63.75, x, atol=1e-6)


def test_decode_one_peak_gives_its_box_and_class():
    h, w = 64, 96
    scores, checked, ltrb, pts = outputs(h, w)
    _, strides = D.grid(h, w, INFO.strides)
    i = loc(pts, strides == 8, 36.0, 20.0)
    scores[2, i] = 0.9                      # checkbox
    checked[0, i] = 0.8
    ltrb[:, i] = np.log([1.0, 0.5, 2.0, 1.5])   # distances 8, 4, 16, 12 px at stride 8
    out = D.postprocess(scores, checked, ltrb, (h, w), INFO)
    assert len(out) == 1
    c, s, box, pc = out[0]
    assert c == 2 and s == pytest.approx(0.9) and pc == pytest.approx(0.8)
    np.testing.assert_allclose(box, [28.0, 16.0, 52.0, 32.0], atol=1e-4)


def test_threshold_and_nms():
    h, w = 64, 96
    scores, checked, ltrb, pts = outputs(h, w)
    _, strides = D.grid(h, w, INFO.strides)
    a = loc(pts, strides == 8, 36.0, 20.0)
    b = loc(pts, strides == 8, 44.0, 20.0)      # same object seen from the next location
    c = loc(pts, strides == 8, 84.0, 52.0)      # another object
    d = loc(pts, strides == 8, 4.0, 52.0)       # below the threshold
    ltrb[:, :] = np.log(1.0)                    # 8 px each way at stride 8
    ltrb[:, a] = np.log([1.0, 1.0, 2.0, 1.0])   # 28..52
    ltrb[:, b] = np.log([2.0, 1.0, 1.0, 1.0])   # 28..52 too
    scores[0, a], scores[0, b], scores[0, c], scores[0, d] = 0.7, 0.9, 0.5, 0.2
    out = D.postprocess(scores, checked, ltrb, (h, w), INFO)
    assert [round(s, 2) for _, s, _, _ in out] == [0.9, 0.5]
    assert len(D.postprocess(scores, checked, ltrb, (h, w), INFO, score_threshold=0.1)) == 3


def test_a_torn_place_gives_its_runner_up_kind_at_a_lower_score():
    h, w = 64, 96
    scores, checked, ltrb, pts = outputs(h, w)
    _, strides = D.grid(h, w, INFO.strides)
    a = loc(pts, strides == 8, 36.0, 20.0)      # checkbox 0.6, radio 0.5: torn
    b = loc(pts, strides == 8, 44.0, 20.0)      # the same place: checkbox 0.55, radio 0.45
    c = loc(pts, strides == 8, 84.0, 52.0)      # button 0.8, tab 0.3: under the share
    ltrb[:, :] = np.log(1.0)                    # 8 px each way at stride 8
    ltrb[:, a] = np.log([1.0, 1.0, 2.0, 1.0])   # 28..52 x 12..28
    ltrb[:, b] = np.log([2.0, 1.0, 1.0, 1.0])   # the same box
    scores[2, a], scores[3, a] = 0.6, 0.5
    scores[2, b], scores[3, b] = 0.55, 0.45
    scores[0, c], scores[7, c] = 0.8, 0.3
    checked[0, a] = 0.9
    out = D.postprocess(scores, checked, ltrb, (h, w), INFO, score_threshold=0.1)
    # the class-agnostic NMS keeps the button and one checkbox; of the two radio
    # runners-up (one place) the better is kept, at a lower score, with its place's state
    assert sorted((CLASSES[k], round(s, 3)) for k, s, _, _ in out) == \
        [("button", 0.8), ("checkbox", 0.6), ("radio", round(0.5 * D.RUNNER_UP_DISCOUNT, 3))]
    radio = next(o for o in out if CLASSES[o[0]] == "radio")
    np.testing.assert_allclose(radio[2], [28.0, 12.0, 52.0, 28.0], atol=1e-4)
    assert radio[3] == pytest.approx(0.9)


def test_a_runner_up_where_its_kind_was_kept_is_that_element():
    h, w = 64, 96
    scores, checked, ltrb, pts = outputs(h, w)
    _, strides = D.grid(h, w, INFO.strides)
    a = loc(pts, strides == 8, 36.0, 20.0)      # radio 0.9
    b = loc(pts, strides == 8, 44.0, 20.0)      # the same box: checkbox 0.8, radio 0.7
    ltrb[:, :] = np.log(1.0)
    ltrb[:, a] = np.log([1.0, 1.0, 2.0, 1.0])
    ltrb[:, b] = np.log([2.0, 1.0, 1.0, 1.0])
    scores[3, a] = 0.9
    scores[2, b], scores[3, b] = 0.8, 0.7
    out = D.postprocess(scores, checked, ltrb, (h, w), INFO, score_threshold=0.1)
    # b is suppressed by a (class-agnostic); its radio runner-up overlaps the kept radio
    assert [(CLASSES[k], round(s, 2)) for k, s, _, _ in out] == [("radio", 0.9)]


def test_runners_up_need_a_share_of_the_best_score():
    h, w = 64, 96
    scores, checked, ltrb, pts = outputs(h, w)
    _, strides = D.grid(h, w, INFO.strides)
    a = loc(pts, strides == 8, 36.0, 20.0)
    scores[0, a], scores[7, a] = 0.9, 0.9 * D.RUNNER_UP_SHARE - 0.01
    assert len(D.postprocess(scores, checked, ltrb, (h, w), INFO, score_threshold=0.1)) == 1
    scores[7, a] = 0.9 * D.RUNNER_UP_SHARE + 0.01
    out = D.postprocess(scores, checked, ltrb, (h, w), INFO, score_threshold=0.1)
    assert [CLASSES[k] for k, _, _, _ in out] == ["button", "tab"]


def test_nms_keeps_disjoint_and_drops_overlapping():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 5]], float)
    scores = np.array([0.5, 0.9, 0.8, 0.7])
    keep = D.nms(boxes, scores, 0.6)
    assert keep.tolist() == [1, 2, 3]      # box 0 overlaps box 1 (IoU 0.68); box 3 IoU 0.5 stays


def test_wrong_output_size_is_an_error():
    scores = np.zeros((11, 10), np.float32)
    with pytest.raises(ValueError, match="locations"):
        D.postprocess(scores, np.zeros((1, 10)), np.zeros((4, 10)), (64, 96), INFO)


def test_coordinate_conversion_between_model_and_frame():
    assert D.frame_to_model_scale(1280, 720) == 1.0
    s = D.frame_to_model_scale(3840, 2160)
    assert 3840 * s * 2160 * s == pytest.approx(D.MAX_PIXELS, rel=1e-6)
    assert D.model_to_frame_box(np.array([10.2, 5.0, 30.0, 25.9]), 0.5, 1000, 1000) == (20, 10, 40, 42)
    assert D.model_to_frame_box(np.array([-5, -5, 30, 30]), 1.0, 20, 20) == (0, 0, 20, 20)
