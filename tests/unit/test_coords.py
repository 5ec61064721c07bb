"""Frame pixels <-> screen points, region clipping, and OCR character spans."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from picoagent.vision.frame import (Frame, clip_box, frame_to_screen, screen_region_to_frame,
                                    screen_to_frame)
from picoagent.vision.ocr import TextLine


def frame(w=400, h=300, origin=(0.0, 0.0), scale=1.0) -> Frame:
    return Frame(image=np.zeros((h, w, 3), dtype=np.uint8), origin=origin, scale=scale)


def test_frame_size():
    f = frame(w=640, h=480)
    assert (f.width, f.height) == (640, 480)


def test_identity():
    f = frame()
    assert frame_to_screen(f, 12, 34) == (12, 34)
    assert screen_to_frame(f, 12, 34) == (12.0, 34.0)


def test_origin_offset_second_monitor():
    f = frame(origin=(1920, 40))
    assert frame_to_screen(f, 10, 20) == (1930, 60)
    assert screen_to_frame(f, 1930, 60) == (10.0, 20.0)
    assert screen_to_frame(f, 0, 0) == (-1920.0, -40.0)


def test_hidpi_half_scale():
    # screenshot has twice the pointer resolution: 2 frame pixels per screen point
    f = frame(origin=(100, 50), scale=0.5)
    assert frame_to_screen(f, 200, 100) == (200, 100)
    assert frame_to_screen(f, 0, 0) == (100, 50)
    assert screen_to_frame(f, 200, 100) == (200.0, 100.0)
    assert screen_to_frame(f, 101, 51) == (2.0, 2.0)


def test_scale_two():
    f = frame(origin=(5, 5), scale=2.0)
    assert frame_to_screen(f, 10, 10) == (25, 25)
    assert frame_to_screen(f, 10.25, 0) == (26, 5)          # 25.5 rounds to 26
    assert screen_to_frame(f, 25, 25) == (10.0, 10.0)
    assert screen_to_frame(f, 26, 6) == (10.5, 0.5)


def test_frame_to_screen_returns_ints():
    x, y = frame_to_screen(frame(origin=(0.4, 0.6), scale=0.5), 3, 3)
    assert isinstance(x, int) and isinstance(y, int)
    assert (x, y) == (2, 2)


@pytest.mark.parametrize("origin", [(0, 0), (1920, 0), (-1280, 200), (37.5, 12.25)])
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_round_trip_points(origin, scale):
    f = frame(origin=origin, scale=scale)
    for fx, fy in [(0, 0), (10, 20), (399, 299), (123.5, 7.25)]:
        sx, sy = frame_to_screen(f, fx, fy)
        bx, by = screen_to_frame(f, sx, sy)
        # the pointer can only land on whole screen points: error <= half a point
        assert abs(bx - fx) <= 0.5 / scale + 1e-9
        assert abs(by - fy) <= 0.5 / scale + 1e-9


@pytest.mark.parametrize("origin", [(0, 0), (1920, 0), (-1280, 200)])
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_screen_to_frame_to_screen_is_exact_for_whole_points(origin, scale):
    f = frame(origin=origin, scale=scale)
    for sx, sy in [(0, 0), (1, 1), (1921, 3), (-1000, 250), (77, 13)]:
        assert frame_to_screen(f, *screen_to_frame(f, sx, sy)) == (sx, sy)


@settings(max_examples=200, deadline=None)
@given(st.integers(-4000, 4000), st.integers(-4000, 4000), st.sampled_from([0.5, 1.0, 2.0]),
       st.integers(0, 3000), st.integers(0, 3000))
def test_round_trip_property(ox, oy, scale, fx, fy):
    f = frame(origin=(ox, oy), scale=scale)
    bx, by = screen_to_frame(f, *frame_to_screen(f, fx, fy))
    assert abs(bx - fx) <= 0.5 / scale and abs(by - fy) <= 0.5 / scale
    if scale >= 1.0:
        assert (bx, by) == (fx, fy)          # every frame pixel is a whole screen point


# ---- regions --------------------------------------------------------------------------
def test_screen_region_to_frame_with_origin_and_hidpi():
    f = frame(w=400, h=300, origin=(100, 100), scale=0.5)
    assert screen_region_to_frame(f, (150, 120, 50, 40)) == (100, 40, 100, 80)


def test_screen_region_to_frame_scale_two():
    f = frame(w=100, h=100, scale=2.0)
    assert screen_region_to_frame(f, (20, 20, 40, 40)) == (10, 10, 20, 20)


def test_screen_region_to_frame_clips_to_frame():
    f = frame(w=400, h=300, origin=(100, 100), scale=0.5)
    # larger than the frame on every side
    assert screen_region_to_frame(f, (50, 50, 300, 300)) == (0, 0, 400, 300)
    # hanging off the bottom-right
    assert screen_region_to_frame(f, (250, 200, 100, 100)) == (300, 200, 100, 100)
    # hanging off the top-left
    assert screen_region_to_frame(f, (90, 80, 20, 30)) == (0, 0, 20, 20)


def test_screen_region_entirely_outside_is_empty():
    f = frame(w=400, h=300, origin=(100, 100), scale=1.0)
    x, y, w, h = screen_region_to_frame(f, (1000, 1000, 50, 50))
    assert w == 0 and h == 0
    x, y, w, h = screen_region_to_frame(f, (0, 0, 50, 50))
    assert w == 0 and h == 0


def test_clip_box():
    assert clip_box((10, 10, 20, 20), 100, 100) == (10, 10, 20, 20)
    assert clip_box((-5, -5, 20, 20), 100, 100) == (0, 0, 15, 15)
    assert clip_box((90, 95, 20, 20), 100, 100) == (90, 95, 10, 5)
    assert clip_box((150, 150, 20, 20), 100, 100) == (100, 100, 0, 0)
    assert clip_box((10, 10, -5, 20), 100, 100) == (10, 10, 0, 20)


def test_frame_crop_is_clipped():
    img = np.arange(10 * 8 * 3, dtype=np.uint8).reshape(10, 8, 3)
    f = Frame(image=img)
    c = f.crop((6, 7, 10, 10))
    assert c.shape == (3, 2, 3)
    assert np.array_equal(c, img[7:10, 6:8])


# ---- OCR character spans --------------------------------------------------------------
def test_span_box_whole_line_is_the_box():
    line = TextLine(text="Hello", box=(10, 20, 50, 12), conf=0.9)
    assert line.span_box(0, 5) == (10, 20, 50, 12)


def test_span_box_proportional_without_char_x():
    line = TextLine(text="Hello world", box=(100, 10, 110, 20), conf=0.9)
    assert line.span_box(6, 11) == (160, 10, 50, 20)
    assert line.span_box(0, 5) == (100, 10, 50, 20)


def test_span_box_uses_char_positions():
    # narrow characters at the start, a wide gap before the last: positions matter
    line = TextLine(text="ab cd", box=(0, 0, 100, 10), conf=0.9,
                    char_x=(10.0, 20.0, 30.0, 40.0, 90.0))
    # pitch = (90 - 10) / 4 = 20; span 3..5 runs 40-10 .. 90+10
    assert line.span_box(3, 5) == (30, 0, 70, 10)
    # proportional would have given (60, 0, 40, 10)
    assert line.span_box(0, 2) == (0, 0, 30, 10)     # 10-10 .. 20+10, clamped at x=0


def test_span_box_clamped_to_line_box():
    line = TextLine(text="abc", box=(50, 5, 30, 10), conf=1.0, char_x=(45.0, 65.0, 85.0))
    x, y, w, h = line.span_box(1, 3)
    assert x >= 50 and x + w <= 80
    assert (y, h) == (5, 10)


def test_span_box_ignores_mismatched_char_x():
    line = TextLine(text="Hello world", box=(100, 10, 110, 20), conf=0.9,
                    char_x=(1.0, 2.0))
    assert line.span_box(6, 11) == (160, 10, 50, 20)


def test_span_box_has_at_least_one_pixel():
    line = TextLine(text="x" * 100, box=(0, 0, 10, 5), conf=1.0)
    assert line.span_box(50, 51)[2] == 1
