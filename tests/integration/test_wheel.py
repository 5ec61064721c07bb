"""The wheel, installed as a user installs it (issue 21): built from the package's
sources, installed into a fresh venv outside the checkout, and run from a folder
outside it, so nothing can come from the checkout or its editable install.

The build is plain ``pip wheel`` (with build isolation: pip takes setuptools from
its cache or PyPI).  The wheel goes in with ``--no-deps``; its dependencies are the
ones this interpreter already has, offered to the fresh venv through one ``.pth``
line naming a folder of links to them, without picoagent's own entries (its
editable finder, its dist-info).  That keeps the test offline and a few seconds
long; the declared dependencies are checked with ``pip check`` there.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

MODEL = "picoagent/models/ui-elements.onnx"
#: a text field, found by the element model alone (a `kind:` locator)
FORM = ROOT / "tests" / "data" / "zenity_entry.png"
#: galculator's keypad: "1" is found only by reading the buttons the model finds (the
#: issue's "'1' not found (closest: '1', score 1.00)" came from a wheel without it)
KEYPAD = ROOT / "tests" / "data" / "acting" / "galculator_9.png"


def _sh(*argv, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode in (0, 1), f"{argv}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PICOAGENT_MODEL", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, the venv's bin folder, a work folder outside the checkout)."""
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT)
    src = base / "src"                         # the package's sources only: a build in
    src.mkdir()                                # the checkout would leave build/ there
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "picoagent", src / "picoagent",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = base / "dist"
    _sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src, cwd=base)
    (wheel,) = dist.glob("picoagent-*.whl")

    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    _sh(sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps", wheel,
        cwd=base)
    # this interpreter's dependencies, less picoagent's own entries
    deps = base / "deps"
    deps.mkdir()
    here = Path(sysconfig.get_paths()["purelib"])
    for p in here.iterdir():
        if p.name.startswith(("picoagent", "__editable__")) or p.suffix == ".pth":
            continue
        (deps / p.name).symlink_to(p)
    site = Path(_sh(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    cwd=base, env=_clean_env()).stdout.strip())
    (site / "picoagent_test_deps.pth").write_text(f"{deps}\n")
    work = base / "work"
    work.mkdir()
    return wheel, env_dir / "bin", work


def test_wheel_carries_the_model_and_the_data(installed):
    wheel, _, _ = installed
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        model = z.read(MODEL)
    assert {MODEL, "picoagent/models/ui-text-small.onnx", "picoagent/data/glyphs.npz",
            "picoagent/data/bench_screen.png"} <= set(names)
    assert hashlib.sha256(model).digest() == \
        hashlib.sha256((ROOT / MODEL).read_bytes()).digest()


def test_installed_package_is_the_wheel_and_finds_its_model(installed):
    _, bin_dir, work = installed
    r = _sh(bin_dir / "python", "-c",
            "import picoagent, sys; from picoagent.vision.detector import "
            "default_model_path as m; print(picoagent.__file__); print(m()); "
            "print(m().is_file())", cwd=work, env=_clean_env())
    pkg, model, exists = r.stdout.split()
    venv_dir = bin_dir.parent.resolve()
    assert Path(pkg).resolve().is_relative_to(venv_dir), pkg
    assert Path(model).resolve().is_relative_to(venv_dir), model
    assert exists == "True"
    check = _sh(sys.executable, "-m", "pip", "--python", bin_dir / "python", "check",
                cwd=work, env=_clean_env())
    assert check.returncode == 0, check.stdout


def _find(bin_dir, work, locator, image) -> dict:
    r = _sh(bin_dir / "picoagent", "find", locator, "--image", image, "--json", cwd=work,
            env=_clean_env())
    assert r.returncode == 0, f"{r.stdout}\n{r.stderr}"
    return json.loads(r.stdout)


def test_kind_locator_from_the_wheel(installed):
    _, bin_dir, work = installed
    m = _find(bin_dir, work, "{kind: text_field}", FORM)
    assert m["element"]["kind"] == "text_field"
    x, y, w, h = m["element"]["box"]
    assert 20 < x < 50 and 45 < y < 65 and w > 120         # the entry under "Enter your PIN"


def test_one_symbol_button_from_the_wheel(installed):
    _, bin_dir, work = installed
    m = _find(bin_dir, work, "1", KEYPAD)
    assert m["element"]["kind"] == "button" and m["element"]["text"] == "1"
    x, y = m["screen_point"]
    assert 6 <= x <= 65 and 263 <= y <= 297                 # galculator's "1" key
