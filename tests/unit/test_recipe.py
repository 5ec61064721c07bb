"""training/recipe.py: the model recipe is read, checked and turned into commands."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "training"))

import recipe  # noqa: E402


def _cmds(r, stage="all"):
    return [" ".join(c[1:] if c[0] == sys.executable else c) for c in recipe.commands(r, stage)]


def test_shipped_recipe_trains_each_set_after_generating_it():
    r = recipe.load(REPO / "training" / "recipe.toml")
    cmds = _cmds(r)
    made: dict[str, int] = {}
    trained_on: list[str] = []
    for c in cmds:
        words = c.split()
        if "/gen_" in c or "/harvest_" in c:
            made[words[words.index("--out") + 1]] = int(words[words.index("--count") + 1])
        if words[0] == "training/train.py":
            data = words[words.index("--data") + 1:words.index("--out")]
            assert all(d in made for d in data), c
            trained_on.append(c)
    assert len(trained_on) == len(r.cycles) == 9
    # the third cycle grows qt and html with the same seeds, before it trains
    i = cmds.index("training/gen_qt.py --out build/elements/qt --count 7000 --seed 1")
    assert "--iters 18000" in cmds[i + 2]
    # the eighth cycle starts from the seventh's export; the int8 model from the eighth's
    assert cmds.index("training/export.py build/train/final.pt build/model/stage7-fp32.onnx") \
        < next(i for i, c in enumerate(cmds) if "--init-onnx build/model/stage7-fp32.onnx" in c)
    # the ninth from the eighth's export quantised to int8, on the harvested screens too
    q8 = cmds.index(next(c for c in cmds if c.startswith(
        "training/quantize.py build/model/stage8-fp32.onnx build/model/stage8-fp32-int8.onnx")))
    assert "--init-onnx build/model/stage8-fp32-int8.onnx" in cmds[q8 + 1]
    assert cmds[q8 + 1].count("build/elements/real_atspi") == 8
    assert cmds[-2].startswith("training/quantize.py build/model/ui-elements-fp32.onnx "
                               "picoagent/models/ui-elements.onnx")
    assert cmds[-1].startswith("training/eval.py")
    # validation sets are generated in the data stage, never trained on
    data = _cmds(r, "data")
    assert all("val_" in c for c in data) and len(data) == 7
    assert not any("val_" in c for c in trained_on)


@pytest.mark.parametrize("text, where", [
    ("[sets.a]\ngenerator = 'qt'\nseed = 1\ncount = 5\ncolour = 1\n", "sets.a.colour"),
    ("[sets.a]\ngenerator = 'tk'\nseed = 1\ncount = 5\n", "sets.a.generator"),
    ("[sets.a]\ngenerator = 'qt'\nseed = 1\ncount = -5\n", "sets.a.count"),
    ("[[cycles]]\nout = 'b'\nsets = ['nope']\niters = 5\n", "cycles[0].sets"),
    ("[sets.a]\ngenerator = 'qt'\nseed = 1\ncount = 5\n"
     "[[cycles]]\nout = 'b'\nsets = ['a']\niters = 5\ngrow = { a = 2 }\n", "cycles[0].grow.a"),
    ("[sets.a]\ngenerator = 'qt'\nseed = 1\ncount = 5\n"
     "[[cycles]]\nout = 'b'\nsets = ['a']\niters = 5\ninit_onnx = 'later'\n",
     "cycles[0].init_onnx"),
    ("[sets.a]\ngenerator = 'qt'\nseed = 1\ncount = 5\n"
     "[[cycles]]\nout = 'b'\nsets = ['a']\niters = 5\nexport = 'e'\n"
     "[[cycles]]\nout = 'c'\nsets = ['a']\niters = 5\ninit_onnx = 'e'\ninit_int8 = 'e'\n",
     "cycles[1].init_int8"),
    ("[quantize]\nsource = 'x'\n", "quantize.source"),
    ("[sets]\n[trainig]\n", "trainig"),
])
def test_a_wrong_recipe_names_file_and_key(tmp_path, text, where):
    p = tmp_path / "r.toml"
    p.write_text(text)
    with pytest.raises(recipe.RecipeError) as e:
        recipe.load(p)
    assert str(e.value).startswith(f"{p}: {where}")


def test_cli_rejects_a_bad_recipe_and_runs_nothing(tmp_path, capsys):
    p = tmp_path / "r.toml"
    p.write_text("[[cycles]]\nout = 'b'\nsets = []\niters = 0\n")
    assert recipe.main(["--recipe", str(p)]) == 2
    assert "cycles[0].iters" in capsys.readouterr().err


def test_dry_run_prints_numbered_commands(capsys):
    assert recipe.main(["--dry-run", "--stage", "eval"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("[1/1] ") and "training/eval.py" in out[0]
