"""Run the model recipe (training/recipe.toml): data, training cycles, export, int8, eval.

    python training/recipe.py                      # everything, resuming where it stopped
    python training/recipe.py --dry-run            # print the commands, run nothing
    python training/recipe.py --stage train        # data | train | quantize | eval | all
    python training/recipe.py --recipe my.toml     # another recipe (e.g. a fine-tune)

Each command is printed before it runs; a failing command stops the recipe with its
exit status.  Every stage resumes (see recipe.toml), so after an interruption the same
command continues.  The recipe is checked before anything runs: an unknown set, key or
value is an error naming the file and the key.
"""
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = ("data", "train", "quantize", "eval")
#: how each generator is started (gen_gtk.py needs Debian's python with GTK bindings
#: and an X display)
GENERATORS = {
    "qt": [sys.executable, "training/gen_qt.py"],
    "html": [sys.executable, "training/gen_html.py"],
    "gtk": ["xvfb-run", "-a", "/usr/bin/python3", "training/gen_gtk.py"],
    # real programs' screens labelled from their accessibility tree / the DOM
    "atspi": ["/usr/bin/python3", "training/harvest_atspi.py"],
    "dom": [sys.executable, "training/harvest_dom.py"],
}
SET_KEYS = {"generator", "seed", "count", "options"}
CYCLE_KEYS = {"out", "sets", "iters", "lr", "restart", "grow", "wd", "seed", "init_onnx",
              "init_int8", "export"}
TOP_KEYS = {"paths", "sets", "cycles", "quantize", "eval"}


class RecipeError(Exception):
    """The recipe file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class DataSet:
    name: str
    generator: str
    seed: int
    count: int
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cycle:
    out: str
    sets: tuple[str, ...]
    iters: int
    lr: float | None = None
    restart: bool = False
    grow: dict = field(default_factory=dict)
    wd: float | None = None
    seed: int | None = None
    init_onnx: str | None = None
    export: str | None = None
    #: start from this export quantised to int8 as [quantize] does (the weights the
    #: shipped model had), instead of from its float weights
    init_int8: str | None = None


@dataclass(frozen=True)
class Recipe:
    path: Path
    elements: str
    model_build: str
    model: str
    sets: dict[str, DataSet]
    cycles: tuple[Cycle, ...]
    quantize: dict
    eval: dict

    def folder(self, name: str) -> str:
        return f"{self.elements}/{name}"

    def onnx(self, export_name: str) -> str:
        return f"{self.model_build}/{export_name}.onnx"


def _need(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise RecipeError(f"{where}: {msg}")


def load(path: Path) -> Recipe:
    """Read and check a recipe; raises RecipeError naming the file and key."""
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise RecipeError(f"{path}: {e}") from None
    except OSError as e:
        raise RecipeError(f"{path}: {e.strerror}") from None
    for key in raw:
        _need(key in TOP_KEYS, f"{path}: {key}", f"unknown key (known: {sorted(TOP_KEYS)})")
    paths = raw.get("paths", {})
    sets: dict[str, DataSet] = {}
    for name, s in raw.get("sets", {}).items():
        where = f"{path}: sets.{name}"
        for key in s:
            _need(key in SET_KEYS, f"{where}.{key}", f"unknown key (known: {sorted(SET_KEYS)})")
        _need(s.get("generator") in GENERATORS, f"{where}.generator",
              f"must be one of {sorted(GENERATORS)}, not {s.get('generator')!r}")
        for key in ("seed", "count"):
            _need(isinstance(s.get(key), int) and s[key] >= 0, f"{where}.{key}",
                  "must be a whole number >= 0")
        opts = s.get("options", [])
        _need(isinstance(opts, list) and all(isinstance(o, str) for o in opts),
              f"{where}.options", "must be a list of strings")
        sets[name] = DataSet(name, s["generator"], s["seed"], s["count"], tuple(opts))
    cycles = []
    exports: set[str] = set()
    for i, c in enumerate(raw.get("cycles", [])):
        where = f"{path}: cycles[{i}]"
        for key in c:
            _need(key in CYCLE_KEYS, f"{where}.{key}",
                  f"unknown key (known: {sorted(CYCLE_KEYS)})")
        _need(isinstance(c.get("iters"), int) and c["iters"] > 0, f"{where}.iters",
              "must be a whole number > 0")
        _need(isinstance(c.get("out"), str), f"{where}.out", "must name a folder")
        for name in c.get("sets", []):
            _need(name in sets, f"{where}.sets", f"unknown set {name!r}")
        _need(bool(c.get("sets")), f"{where}.sets", "must name at least one set")
        for name, n in c.get("grow", {}).items():
            _need(name in c["sets"], f"{where}.grow.{name}", "is not one of the cycle's sets")
            _need(isinstance(n, int) and n >= sets[name].count, f"{where}.grow.{name}",
                  f"must be a whole number >= the set's count ({sets[name].count})")
        for key in ("init_onnx", "init_int8"):
            if c.get(key):
                _need(c[key] in exports, f"{where}.{key}",
                      f"{c[key]!r} is not exported by an earlier cycle")
        _need(not (c.get("init_onnx") and c.get("init_int8")), f"{where}.init_int8",
              "give init_onnx or init_int8, not both")
        if c.get("export"):
            exports.add(c["export"])
        cycles.append(Cycle(c["out"], tuple(c["sets"]), c["iters"], c.get("lr"),
                            bool(c.get("restart")), dict(c.get("grow", {})), c.get("wd"),
                            c.get("seed"), c.get("init_onnx"), c.get("export"),
                            c.get("init_int8")))
    q = raw.get("quantize", {})
    if q:
        _need(q.get("source") in exports, f"{path}: quantize.source",
              f"{q.get('source')!r} is not exported by a cycle")
        for name in q.get("calib", []):
            _need(name in sets, f"{path}: quantize.calib", f"unknown set {name!r}")
    ev = raw.get("eval", {})
    for name in ev.get("synthetic", []):
        _need(name in sets, f"{path}: eval.synthetic", f"unknown set {name!r}")
    return Recipe(path, paths.get("elements", "build/elements"),
                  paths.get("model_build", "build/model"),
                  paths.get("model", "picoagent/models/ui-elements.onnx"),
                  sets, tuple(cycles), q, ev)


def _generate(r: Recipe, ds: DataSet, count: int | None = None) -> list[str]:
    return [*GENERATORS[ds.generator], "--out", r.folder(ds.name),
            "--count", str(count or ds.count), "--seed", str(ds.seed), *ds.options]


def commands(r: Recipe, stage: str = "all") -> list[list[str]]:
    """The commands of ``stage``, in order."""
    py = sys.executable
    out: list[list[str]] = []

    def quantize(src: str, dst: str) -> list[str]:
        """int8 quantisation as [quantize] calibrates it."""
        q = r.quantize
        return [py, "training/quantize.py", src, dst,
                "--calib", *(r.folder(n) for n in q.get("calib", [])),
                "--count", str(q.get("count", 48))]

    trained = {n for c in r.cycles for n in c.sets}
    if stage in ("data", "all"):
        # the sets no cycle trains on (validation screens) are made first
        out += [_generate(r, ds) for ds in r.sets.values() if ds.name not in trained]
    if stage in ("train", "all"):
        made: dict[str, int] = {}
        for c in r.cycles:
            for name in c.sets:
                want = c.grow.get(name, r.sets[name].count)
                if made.get(name, -1) < want:
                    out.append(_generate(r, r.sets[name], want))
                    made[name] = want
            cmd = [py, "training/train.py", "--data", *(r.folder(n) for n in c.sets),
                   "--out", c.out, "--iters", str(c.iters)]
            if c.lr is not None:
                cmd += ["--lr", repr(c.lr)]
            if c.wd is not None:
                cmd += ["--wd", repr(c.wd)]
            if c.seed is not None:
                cmd += ["--seed", str(c.seed)]
            if c.init_onnx:
                cmd += ["--init-onnx", r.onnx(c.init_onnx)]
            if c.init_int8:
                int8 = r.onnx(c.init_int8 + "-int8")
                out.append(quantize(r.onnx(c.init_int8), int8))
                cmd += ["--init-onnx", int8]
            if c.restart:
                cmd.append("--restart")
            out.append(cmd)
            if c.export:
                out.append([py, "training/export.py", f"{c.out}/final.pt", r.onnx(c.export)])
    if stage in ("quantize", "all") and r.quantize:
        out.append(quantize(r.onnx(r.quantize["source"]), r.model))
    if stage in ("eval", "all") and r.eval:
        ev = r.eval
        cmd = [py, "training/eval.py", "--int8", r.model]
        if r.quantize:
            cmd += ["--fp32", r.onnx(r.quantize["source"])]
        cmd += ["--synthetic", *(r.folder(n) for n in ev.get("synthetic", []))]
        for key in ("real", "holdout", "val"):
            if ev.get(key):
                cmd += [f"--{key}", *ev[key]]
        cmd += ["--json", f"{r.model_build}/eval.json"]
        out.append(cmd)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", type=Path, default=REPO / "training" / "recipe.toml")
    ap.add_argument("--stage", choices=(*STAGES, "all"), default="all")
    ap.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = ap.parse_args(argv)
    try:
        recipe = load(args.recipe)
    except RecipeError as e:
        print(f"recipe error: {e}", file=sys.stderr)
        return 2
    cmds = commands(recipe, args.stage)
    for i, cmd in enumerate(cmds, 1):
        print(f"[{i}/{len(cmds)}] {shlex.join(cmd)}", flush=True)
        if args.dry_run:
            continue
        rc = subprocess.call(cmd, cwd=REPO)
        if rc:
            print(f"recipe: step {i} failed with exit status {rc}", file=sys.stderr)
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
