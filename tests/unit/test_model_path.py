"""Where the runtime finds the UI element model: inside the package (so a wheel
carries it), unless $PICOAGENT_MODEL names another file."""
from __future__ import annotations

from pathlib import Path

import picoagent
from picoagent.vision.detector import PACKAGED_MODEL, ElementDetector, default_model_path


def test_the_model_is_package_data(monkeypatch):
    monkeypatch.delenv("PICOAGENT_MODEL", raising=False)
    assert default_model_path() == PACKAGED_MODEL
    assert PACKAGED_MODEL.is_file()
    assert PACKAGED_MODEL.parent.parent == Path(picoagent.__file__).resolve().parent
    assert ElementDetector().info.classes             # it loads, metadata and all


def test_picoagent_model_overrides(monkeypatch, tmp_path):
    other = tmp_path / "trial.onnx"
    monkeypatch.setenv("PICOAGENT_MODEL", str(other))
    assert default_model_path() == other
    assert ElementDetector().path == other
