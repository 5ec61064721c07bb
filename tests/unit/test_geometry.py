"""Box maths, spatial relations and reading order on hand-made boxes (x, y, w, h)."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from picoagent import defaults
from picoagent.vision.geometry import (edge_distance, holds_any, intersection, iou,
                                       iou_many_xyxy, overlaps_any, reading_order,
                                       relation_distance, same_column, same_row)

ANCHOR = (100, 100, 80, 20)          # centre (140, 110), right edge 180, bottom 120


def rd(rel, cand, anchor=ANCHOR):
    return relation_distance(rel, cand, anchor)


# ---- right_of / left_of ---------------------------------------------------------------
def test_right_of_same_row():
    assert rd("right_of", (200, 100, 50, 20)) == pytest.approx(20.0)


def test_right_of_vertical_offset_adds_small_penalty():
    assert rd("right_of", (200, 105, 50, 20)) == pytest.approx(20.0 + 0.1 * 5)


def test_right_of_rejects_box_on_another_row():
    assert rd("right_of", (200, 140, 50, 20)) is None        # clearly below
    assert rd("right_of", (200, 60, 50, 20)) is None         # clearly above


def test_row_band_tolerance_boundary():
    # vertical overlap needed: ROW_BAND_TOLERANCE * smaller height = 0.25 * 20 = 5 px
    need = defaults.ROW_BAND_TOLERANCE * 20
    assert need == 5
    assert rd("right_of", (200, 115, 50, 20)) is not None    # overlap 5
    assert rd("right_of", (200, 116, 50, 20)) is None        # overlap 4
    assert rd("left_of", (0, 84, 50, 20)) is None            # overlap 4 above
    assert rd("left_of", (0, 85, 50, 20)) is not None        # overlap 5


def test_right_of_tall_candidate_spanning_row_counts():
    assert rd("right_of", (300, 0, 40, 400)) == pytest.approx(120 + 0.1 * 90)


def test_right_of_must_start_right_of_anchor_centre():
    assert rd("right_of", (150, 100, 50, 20)) == 0.0          # overlaps the anchor's right half
    assert rd("right_of", (130, 100, 50, 20)) is None         # starts left of the centre
    assert rd("right_of", (20, 100, 50, 20)) is None          # entirely left


def test_left_of():
    assert rd("left_of", (20, 100, 50, 20)) == pytest.approx(30.0)
    assert rd("left_of", (60, 100, 80, 20)) == 0.0            # ends exactly at the centre
    assert rd("left_of", (60, 100, 81, 20)) is None           # ends past the centre
    assert rd("left_of", (200, 100, 50, 20)) is None
    assert rd("left_of", (20, 200, 50, 20)) is None           # another row


def test_right_of_nearest_first():
    cands = {
        "far": (400, 100, 50, 20),
        "near": (190, 102, 50, 20),
        "mid": (260, 100, 50, 20),
        "other_row": (185, 160, 50, 20),
        "left": (10, 100, 50, 20),
    }
    scored = {k: rd("right_of", b) for k, b in cands.items()}
    assert scored["other_row"] is None and scored["left"] is None
    order = sorted((d, k) for k, d in scored.items() if d is not None)
    assert [k for _, k in order] == ["near", "mid", "far"]
    assert [d for d, _ in order] == pytest.approx([10 + 0.2, 80, 220])


# ---- above / below --------------------------------------------------------------------
def test_below():
    assert rd("below", (100, 150, 80, 20)) == pytest.approx(30.0)
    assert rd("below", (120, 150, 80, 20)) == pytest.approx(30.0 + 0.1 * 20)
    assert rd("below", (300, 150, 80, 20)) is None            # another column
    assert rd("below", (100, 40, 80, 20)) is None             # above instead


def test_above():
    assert rd("above", (110, 40, 60, 20)) == pytest.approx(40.0)
    assert rd("above", (100, 150, 80, 20)) is None
    assert rd("above", (400, 40, 60, 20)) is None
    # column band: horizontal overlap of at least 0.25 * the smaller width (60 -> 15)
    assert rd("above", (165, 40, 60, 20)) == pytest.approx(40 + 0.1 * 55)   # overlap 15
    assert rd("above", (166, 40, 60, 20)) is None                           # overlap 14


def test_below_nearest_first_in_column():
    rows = [(100, 300, 80, 20), (100, 130, 80, 20), (100, 200, 80, 20)]
    dists = [rd("below", b) for b in rows]
    assert sorted(range(3), key=lambda i: dists[i]) == [1, 2, 0]


# ---- near / within --------------------------------------------------------------------
def test_near():
    assert rd("near", (400, 100, 10, 10)) == pytest.approx(220.0)
    assert rd("near", (100 + 80 + defaults.NEAR_PX, 100, 10, 10)) == defaults.NEAR_PX
    assert rd("near", (100 + 80 + defaults.NEAR_PX + 1, 100, 10, 10)) is None
    assert rd("near", (140, 150, 10, 10)) == pytest.approx(30.0)   # straight below: dy 30
    assert rd("near", (120, 105, 10, 10)) == 0.0                   # inside: no gap


def test_near_diagonal_uses_euclidean_gap():
    assert rd("near", (210, 160, 10, 10)) == pytest.approx((30 ** 2 + 40 ** 2) ** 0.5)


def test_within():
    region = (0, 0, 200, 200)
    assert relation_distance("within", (50, 50, 20, 20), region) == 0.0
    assert relation_distance("within", (190, 190, 20, 20), region) == 0.0   # centre (200,200)
    assert relation_distance("within", (195, 50, 20, 20), region) is None  # centre x 205
    assert relation_distance("within", region, region) == 0.0


def test_identical_box_is_not_related_to_itself():
    for rel in ("right_of", "left_of", "above", "below", "near"):
        assert relation_distance(rel, ANCHOR, ANCHOR) is None


def test_unknown_relation():
    with pytest.raises(ValueError):
        relation_distance("beside", (0, 0, 1, 1), (5, 5, 1, 1))


def test_helpers():
    assert same_row((0, 0, 10, 20), (50, 15, 10, 20))        # overlap 5 of 20
    assert not same_row((0, 0, 10, 20), (50, 16, 10, 20))
    assert same_column((0, 0, 20, 10), (15, 50, 20, 10))
    assert not same_column((0, 0, 20, 10), (16, 50, 20, 10))
    assert edge_distance((0, 0, 10, 10), (13, 14, 5, 5)) == pytest.approx(5.0)
    assert edge_distance((0, 0, 10, 10), (5, 5, 10, 10)) == 0.0


# ---- reading order --------------------------------------------------------------------
def test_reading_order_grid_with_jitter():
    rng = random.Random(7)
    grid = []
    for r in range(4):
        for c in range(5):
            grid.append((20 + c * 120 + rng.randint(-4, 4), 30 + r * 50 + rng.randint(-6, 6),
                         90, 24))
    perm = list(range(len(grid)))
    rng.shuffle(perm)
    shuffled = [grid[i] for i in perm]
    order = reading_order(shuffled)
    assert sorted(order) == list(range(len(grid)))
    assert [perm[i] for i in order] == list(range(len(grid)))


def test_reading_order_row_whose_first_word_sits_lower():
    # "Name:" is a few px lower than the field next to it; both are one row, and the
    # second row starts below them even though its right item is higher than "Name:"
    boxes = [(200, 100, 100, 30),   # field (row 1, right)
             (20, 108, 60, 20),     # Name: (row 1, left)
             (20, 160, 60, 20),     # row 2 left
             (200, 155, 100, 30)]   # row 2 right
    assert reading_order(boxes) == [1, 0, 2, 3]


def test_reading_order_empty_and_single():
    assert reading_order([]) == []
    assert reading_order([(5, 5, 1, 1)]) == [0]


# ---- ranking a relation's candidates (locate.related_order) -----------------------
def test_related_order_nearest_first():
    from picoagent.vision.locate import related_order
    assert related_order([30.0, 10.0, 20.0], [0.9, 0.5, 0.7], [0, 1, 2], tie=0.0) == [1, 2, 0]


def test_related_order_near_ties_go_to_the_better_scored():
    # a loose 0.36 box 1.7 px nearer the label than the 0.84 field (zenity's form)
    from picoagent.vision.locate import related_order
    assert related_order([1.4, 3.1, 40.0], [0.36, 0.84, 0.9], [1, 0, 2], tie=8.0) == [1, 0, 2]
    # ... but not beyond the tie: the nearer one wins then
    assert related_order([1.4, 12.0], [0.36, 0.84], [1, 0], tie=8.0) == [0, 1]


# ---- box maths: the one IoU, and its fast forms agree with it ---------------------------
box = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 40), st.integers(0, 40))


def test_iou_by_hand():
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == 50 / 150
    assert iou((0, 0, 10, 10), (10, 0, 10, 10)) == 0.0
    assert iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
    assert intersection((0, 0, 10, 10), (5, 5, 10, 10)) == 25


@given(st.lists(box, max_size=6), box, st.sampled_from([0.0, 0.3, 0.5, 0.6]))
def test_overlaps_any_is_any_iou_above(boxes, b, thr):
    want = any(iou(o, b) > thr for o in boxes if intersection(o, b) > 0)
    assert overlaps_any(boxes, b, thr) == want


@given(st.lists(box, max_size=6), box, st.sampled_from([0.5, 0.8, 1.0]))
def test_holds_any_by_definition(boxes, b, share):
    want = any(intersection(o, b) >= share * min(b[2] * b[3], o[2] * o[3]) for o in boxes)
    assert holds_any(boxes, b, share) == want


@given(st.lists(box, min_size=1, max_size=5), st.lists(box, min_size=1, max_size=5))
def test_iou_many_matches_iou(a, b):
    def xyxy(bs):
        return np.array([(x, y, x + w, y + h) for x, y, w, h in bs], np.float64)

    m = iou_many_xyxy(xyxy(a), xyxy(b))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            if p[2] * p[3] and q[2] * q[3]:
                assert m[i, j] == pytest.approx(iou(p, q), abs=1e-12)
