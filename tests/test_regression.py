"""The detector and its pixel checks give the committed digest's output on every
committed screenshot (benchmarks/regression.py; ~7 s on 2 cores, so `slow`).

    .venv/bin/python -m pytest -q -m slow tests/test_regression.py
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _harness():
    spec = importlib.util.spec_from_file_location("regression", REPO / "benchmarks" / "regression.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_detector_output_matches_digest():
    h = _harness()
    paths = h.screens()
    assert len(paths) >= 100, "the committed screenshots went missing"
    rows, _ = h.run(paths)
    old, old_summ = h.read_digest(h.DIGEST)
    changes = h.compare(old, rows)
    assert not changes, ("detector output changed (rerun benchmarks/regression.py; "
                         "--update only for an intended change):\n" + "\n".join(changes)
                         + f"\ndigest written with: {old_summ[1:2]}, now: {h.summary(rows, h.ElementDetector().path)[1:2]}")
