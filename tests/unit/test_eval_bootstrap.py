"""training/eval.py's bootstrap: resampled AP is the AP of the resampled screens."""
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training"))
import eval as E

CLASSES = ["button", "checkbox"]


def _screens(draw_seed: int, n: int):
    rng = np.random.default_rng(draw_seed)
    out = []
    for _ in range(n):
        d = {c: [(float(rng.random()), bool(rng.random() < 0.5)) for _ in range(rng.integers(0, 6))]
             for c in CLASSES}
        g = {c: max(int(rng.integers(0, 4)), sum(h for _, h in d[c])) for c in CLASSES}
        out.append((d, g))
    return out


def _plain_ap(screens, c):
    s = np.array([x[0] for d, _ in screens for x in d[c]])
    t = np.array([x[1] for d, _ in screens for x in d[c]])
    return E.average_precision(t, s, sum(g[c] for _, g in screens))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 12))
def test_weights_equal_duplicated_screens(seed, n):
    screens = _screens(seed, n)
    w = E.resample_weights(n, 4, seed)
    aps = E.bootstrap_ap(screens, CLASSES, w)
    for r in range(4):
        drawn = [screens[s] for s in range(n) for _ in range(int(w[r, s]))]
        for i, c in enumerate(CLASSES):
            want = _plain_ap(drawn, c)
            if np.isnan(want):
                assert np.isnan(aps[r, i])
            else:
                assert abs(aps[r, i] - want) < 1e-9


def test_interval_covers_the_figure_and_is_seeded():
    screens = _screens(3, 30)
    w = E.resample_weights(30)
    a = E.bootstrap_ap(screens, CLASSES, w)
    b = E.bootstrap_ap(screens, CLASSES, E.resample_weights(30))
    assert np.array_equal(np.nan_to_num(a), np.nan_to_num(b))
    lo, hi = E.interval(a[:, 0])
    assert lo < _plain_ap(screens, "button") < hi
    assert w.sum(axis=1).tolist() == [30.0] * w.shape[0]


def test_matching_takes_the_highest_score_first_and_each_object_once():
    from types import SimpleNamespace as D
    gts = [{"cls": "button", "box": [0, 0, 10, 10]}, {"cls": "checkbox", "box": [20, 0, 30, 10]}]
    found = [D(kind="button", box=(0, 0, 10, 10), score=0.4),
             D(kind="button", box=(1, 0, 10, 10), score=0.9),      # the same object, higher
             D(kind="checkbox", box=(0, 0, 10, 10), score=0.8),    # the wrong kind there
             D(kind="checkbox", box=(21, 0, 9, 10), score=0.3)]
    got = {(d.kind, d.score): j for d, j in E.match(found, gts)}
    assert got == {("button", 0.9): 0, ("button", 0.4): -1, ("checkbox", 0.8): -1,
                   ("checkbox", 0.3): 1}
