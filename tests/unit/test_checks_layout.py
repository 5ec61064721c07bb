"""The pixel checks' layout: a registry by kind, one typed config whose every
field says why, box maths in one module."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from picoagent.vision import checks
from picoagent.vision.checks.config import CONFIG, CheckConfig

VISION = Path(checks.__file__).resolve().parents[1]


def test_every_checked_kind_has_a_check():
    assert set(checks.CHECKS) == set(checks.VERIFIED_KINDS)


def test_every_threshold_says_why():
    src = (VISION / "checks" / "config.py").read_text().splitlines()
    cls = next(n for n in ast.parse("\n".join(src)).body
               if isinstance(n, ast.ClassDef) and n.name == "CheckConfig")
    fields = [n for n in cls.body if isinstance(n, ast.AnnAssign)]
    assert len(fields) == len(dataclasses.fields(CheckConfig))
    for f in fields:
        assert src[f.lineno - 2].strip().startswith("#: "), f"{f.target.id} has no reason"


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CONFIG.ink_diff = 9
    with pytest.raises(TypeError):
        CONFIG.kind_floor["icon"] = 0.5


def test_box_maths_live_in_geometry():
    for p in VISION.rglob("*.py"):
        if p.name == "geometry.py":
            continue
        names = {n.name for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.FunctionDef)}
        assert not names & {"iou", "_iou", "_iou_many", "_inter", "intersection"}, p


def test_vision_modules_stay_small():
    for p in VISION.rglob("*.py"):
        assert len(p.read_text().splitlines()) <= 600, p
