"""TemplateMatcher on synthetic images (real OpenCV, no screen)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from picoagent.vision.template import TemplateMatcher

THRESHOLD = 0.85


def textured_template(seed: int = 3, size: int = 48) -> np.ndarray:
    """A blocky random pattern with a border, like an icon: survives resizing."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, 256, (8, 8), dtype=np.uint8)
    tpl = cv2.resize(blocks, (size, size), interpolation=cv2.INTER_NEAREST)
    cv2.rectangle(tpl, (0, 0), (size - 1, size - 1), 0, 2)
    return cv2.GaussianBlur(tpl, (3, 3), 0)


def noisy_canvas(w: int = 480, h: int = 320, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    canvas = np.full((h, w), 180, np.float32) + rng.normal(0, 12, (h, w))
    # some unrelated structure: bars and a gradient
    canvas[40:60, :] -= 60
    canvas[:, 300:310] += 50
    canvas += np.linspace(0, 30, w)[None, :]
    return np.clip(canvas, 0, 255).astype(np.uint8)


def paste(canvas: np.ndarray, patch: np.ndarray, x: int, y: int, seed: int = 5) -> np.ndarray:
    out = canvas.copy()
    ph, pw = patch.shape
    noise = np.random.default_rng(seed).normal(0, 6, (ph, pw))
    out[y:y + ph, x:x + pw] = np.clip(patch.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


@pytest.fixture
def tpl_path(tmp_path) -> Path:
    p = tmp_path / "icon.png"
    assert cv2.imwrite(str(p), textured_template())
    return p


def test_found_at_scale_one(tpl_path):
    grey = paste(noisy_canvas(), textured_template(), 123, 77)
    hits, best = TemplateMatcher().match(grey, tpl_path, THRESHOLD)
    assert hits, f"not found, best score {best:.3f}"
    top = hits[0]
    assert top.box == (123, 77, 48, 48)
    assert top.scale == 1.0
    assert top.score >= THRESHOLD
    assert best == pytest.approx(top.score)
    assert len(hits) == 1                 # nothing else on the canvas looks like it


def test_found_when_screen_is_scaled_1_25(tpl_path):
    big = cv2.resize(textured_template(), None, fx=1.25, fy=1.25,
                     interpolation=cv2.INTER_CUBIC)
    assert big.shape == (60, 60)
    grey = paste(noisy_canvas(), big, 250, 180)
    hits, best = TemplateMatcher().match(grey, tpl_path, THRESHOLD)
    assert hits, f"not found, best score {best:.3f}"
    top = hits[0]
    assert top.scale == 1.25
    x, y, w, h = top.box
    assert (w, h) == (60, 60)
    assert abs(x - 250) <= 1 and abs(y - 180) <= 1
    assert top.score >= THRESHOLD


def test_absent_template_gives_no_hits_and_low_best(tpl_path):
    grey = noisy_canvas()
    hits, best = TemplateMatcher().match(grey, tpl_path, THRESHOLD)
    assert hits == []
    assert 0.0 <= best < THRESHOLD


def test_different_pattern_is_not_a_match(tpl_path):
    other = textured_template(seed=99)
    grey = paste(noisy_canvas(), other, 100, 100)
    hits, best = TemplateMatcher().match(grey, tpl_path, THRESHOLD)
    assert hits == []
    assert best < THRESHOLD


def test_two_copies_best_first_non_overlapping(tpl_path):
    tpl = textured_template()
    grey = paste(noisy_canvas(), tpl, 30, 200, seed=1)
    grey = paste(grey, tpl, 360, 90, seed=2)
    hits, _ = TemplateMatcher().match(grey, tpl_path, THRESHOLD)
    assert sorted(h.box[:2] for h in hits) == [(30, 200), (360, 90)]
    assert hits[0].score >= hits[1].score


def test_template_larger_than_screen_is_skipped(tpl_path):
    hits, best = TemplateMatcher().match(np.zeros((20, 20), np.uint8), tpl_path, THRESHOLD)
    assert hits == [] and best == 0.0


def test_unreadable_template_raises(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    with pytest.raises(ValueError, match="cannot read image"):
        TemplateMatcher().match(noisy_canvas(), bad, THRESHOLD)


def test_hits_never_overlap_on_a_repeating_pattern(tmp_path):
    rng = np.random.default_rng(0)
    tile = cv2.resize(rng.integers(0, 256, (6, 6), dtype=np.uint8), (30, 30),
                      interpolation=cv2.INTER_NEAREST)
    strip = np.tile(tile, (1, 8))                       # period 30 px, 240 px long
    grey = np.full((200, 400), 128, np.uint8)
    grey[50:80, 50:290] = strip
    path = tmp_path / "strip.png"
    cv2.imwrite(str(path), strip[:, :48].copy())        # 48 px wide: wider than the period
    hits, _ = TemplateMatcher(scales=(1.0,)).match(grey, path, THRESHOLD)
    assert hits
    boxes = sorted(h.box for h in hits)
    for (x0, _, w0, _), (x1, _, _, _) in zip(boxes, boxes[1:]):
        assert x1 >= x0 + w0, f"overlapping hits: {boxes}"


def test_changed_cells_marks_exactly_the_cells_with_a_changed_pixel():
    from picoagent.vision.textcache import CELL, changed_cells
    a = np.random.default_rng(1).integers(0, 255, (723, 1281, 3), dtype=np.uint8)
    b = a.copy()
    b[100, 200, 2] ^= 1                 # one blue step
    b[722, 1280, 0] ^= 5                # the last pixel, in a padded cell
    shape = ((723 + CELL - 1) // CELL, (1281 + CELL - 1) // CELL)
    cells = changed_cells(a, b, shape)
    assert sorted(map(tuple, np.argwhere(cells))) == [(100 // CELL, 200 // CELL),
                                                     (722 // CELL, 1280 // CELL)]
    assert not changed_cells(a, a.copy(), shape).any()
