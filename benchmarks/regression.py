"""Output-identity check of the UI element detector and its pixel checks.

    .venv/bin/python benchmarks/regression.py            # compare with the digest
    .venv/bin/python benchmarks/regression.py --update   # rewrite the digest
    .venv/bin/python benchmarks/regression.py --dump out.json   # raw outputs too

Every screenshot committed in the repository (SCREEN_SETS: the real and
hold-out sets training/eval.py scores, the corpus it times, and the other
test screenshots) goes through ``ElementDetector(threads=1).detect`` twice:
at the runtime's threshold (the call ``Vision.elements`` makes, which
``picoagent inspect`` and every ``kind:`` locator use) and at training/eval.py's
EVAL_THRESHOLD (more low-scored candidates through the checks).  Each pass's
detections -- kind, box, score and checked score to 4 decimals, checked state,
in output order -- are hashed per screen and compared with the committed
digest (benchmarks/regression_digest.txt: a line a screen, then a summary).
A mismatch names the screens that changed and how (detections gained or lost
by kind); ``--dump`` before and after a change gives the detections to diff.

Generated screens (build/elements/val_*) are not committed, so they are not
in the digest; ``--extra DIR`` adds such a folder to a run (compare two runs'
``--dump`` files for those).

The digest holds the model's hash and the onnxruntime version: int8 kernels
may round differently on another CPU or onnxruntime, so a digest is valid for
the machine and environment that wrote it; regenerate it there (``--update``
on the unchanged tree) before a refactor, then check after.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from picoagent.vision.detector import ElementDetector  # noqa: E402

DIGEST = REPO / "benchmarks" / "regression_digest.txt"
#: the folders (or single files) of committed screenshots, relative to the repo
SCREEN_SETS = ("tests/data/elements", "tests/data/elements_holdout", "tests/data/corpus",
               "tests/data/glyphs", "tests/data/acting", "tests/data/zenity_entry.png",
               "picoagent/data/bench_screen.png")
#: training/eval.py's EVAL_THRESHOLD (not imported: training/ needs its own deps)
EVAL_THRESHOLD = 0.05
PASSES = (("rt", None), ("ev", EVAL_THRESHOLD))


def screens(extra=()) -> list[Path]:
    out = []
    for s in (*SCREEN_SETS, *extra):
        p = Path(s) if Path(s).is_absolute() else REPO / s
        out += [p] if p.is_file() else sorted(p.glob("*.png"))
    return out


def rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(REPO))
    except ValueError:
        return str(p)


def canonical(dets) -> list[str]:
    """One text line a detection: what the digest hashes."""
    return [f"{d.kind} {d.box[0]} {d.box[1]} {d.box[2]} {d.box[3]} {d.score:.4f} "
            f"{'-' if d.checked is None else int(d.checked)} "
            f"{'-' if d.checked_score is None else format(d.checked_score, '.4f')}"
            for d in dets]


def kinds(lines: list[str]) -> str:
    c = Counter(ln.split(" ", 1)[0] for ln in lines)
    return ",".join(f"{k}:{c[k]}" for k in sorted(c)) or "none"


def run(paths: list[Path]) -> tuple[dict, dict]:
    det = ElementDetector(threads=1)
    rows, raw = {}, {}
    for p in paths:
        with Image.open(p) as im:
            img = np.asarray(im.convert("RGB"))
        fields, dumps = [], {}
        for name, thr in PASSES:
            lines = canonical(det.detect(img, score_threshold=thr))
            h = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
            fields.append(f"{name}={h} n={len(lines)} {kinds(lines)}")
            dumps[name] = lines
        rows[rel(p)] = " | ".join(fields)
        raw[rel(p)] = dumps
    return rows, raw


def summary(rows: dict, det_path: Path) -> list[str]:
    import onnxruntime

    total = hashlib.sha256("\n".join(f"{k} {v}" for k, v in rows.items()).encode())
    counts = {name: sum(int(v.split(" | ")[i].split(" n=")[1].split(" ")[0])
                        for v in rows.values()) for i, (name, _) in enumerate(PASSES)}
    model = hashlib.sha256(det_path.read_bytes()).hexdigest()[:16]
    return [f"# screens {len(rows)}; detections rt {counts['rt']}, ev {counts['ev']}",
            f"# model {rel(det_path)} sha256:{model}; onnxruntime {onnxruntime.__version__}",
            f"# all {total.hexdigest()[:16]}"]


def read_digest(path: Path) -> tuple[dict, list[str]]:
    rows, summ = {}, []
    for ln in path.read_text().splitlines():
        if ln.startswith("# screens") or ln.startswith("# model") or ln.startswith("# all"):
            summ.append(ln)
        elif ln and not ln.startswith("#"):
            name, rest = ln.split("  ", 1)
            rows[name] = rest
    return rows, summ


def compare(old: dict, new: dict) -> list[str]:
    """What changed, a line a screen (empty if nothing)."""
    out = []
    for k in sorted(set(old) | set(new)):
        if k not in new:
            out.append(f"{k}: in the digest, not on disk")
        elif k not in old:
            out.append(f"{k}: not in the digest")
        elif old[k] != new[k]:
            for (name, _), a, b in zip(PASSES, old[k].split(" | "), new[k].split(" | ")):
                if a == b:
                    continue
                ka = Counter(dict(x.split(":") for x in a.split(" ")[2].split(",") if ":" in x))
                kb = Counter(dict(x.split(":") for x in b.split(" ")[2].split(",") if ":" in x))
                diff = [f"{c} {int(ka.get(c, 0))}->{int(kb.get(c, 0))}"
                        for c in sorted(set(ka) | set(kb)) if ka.get(c) != kb.get(c)]
                how = ", ".join(diff) if diff else "same kinds and counts; boxes, scores or states moved"
                out.append(f"{k} [{name}]: {a.split(' ')[1]} -> {b.split(' ')[1]}: {how}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="rewrite the digest")
    ap.add_argument("--digest", default=str(DIGEST))
    ap.add_argument("--dump", default=None, help="write every detection (JSON) here")
    ap.add_argument("--extra", nargs="*", default=[],
                    help="more folders of screens (not for --update)")
    a = ap.parse_args(argv)
    if a.update and a.extra:
        ap.error("--update writes the committed screens only")
    paths = screens(a.extra)
    t = time.perf_counter()
    rows, raw = run(paths)
    secs = time.perf_counter() - t
    det_path = ElementDetector().path
    summ = summary(rows, det_path)
    print(f"{len(rows)} screens, {secs:.1f} s; {summ[0][2:]}")
    if a.dump:
        Path(a.dump).write_text(json.dumps(raw, indent=0))
    if a.update:
        Path(a.digest).write_text(
            "# benchmarks/regression.py digest: screen  per pass (rt: runtime threshold, "
            "ev: eval threshold) hash, count, kinds\n"
            + "".join(f"{k}  {v}\n" for k, v in rows.items()) + "\n".join(summ) + "\n")
        print(f"wrote {rel(Path(a.digest))}")
        return 0
    old, old_summ = read_digest(Path(a.digest))
    if not a.extra:
        changes = compare(old, rows)
    else:
        changes = compare({k: v for k, v in old.items()}, {k: rows[k] for k in old if k in rows})
        for k in rows:
            if k not in old:
                print(f"{k}  {rows[k]}")
    if old_summ[1:2] != summ[1:2]:
        print(f"note: digest written with {old_summ[1:2]}, now {summ[1:2]}")
    if changes:
        print(f"{len(changes)} change(s) against {rel(Path(a.digest))}:")
        print("\n".join(changes))
        return 1
    print(f"same output as {rel(Path(a.digest))} ({summ[2][2:]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
