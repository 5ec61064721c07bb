"""Element names of two checkouts side by side: every model element's name from
``Vision.perceive`` (``picoagent inspect``) and ``scene.perceive`` (MCP observe,
``record``) on the full 1280x720 screens ``benchmarks/perception.py --only full``
uses, by an older checkout (``--base``) and by this one, and the differences.

    git worktree add /tmp/names-base HEAD
    .venv/bin/python benchmarks/names.py --base /tmp/names-base [--crops /tmp/names] \
        [--base-names /tmp/names-base.json] [--verdicts judged.json]

Each checkout runs in its own process (its own ``picoagent`` on ``sys.path``).
Elements are paired by kind and box (IoU >= 0.5), so a change of the element
model's boxes shows as elements only one side has, not as a renamed element.
``--crops DIR`` writes each changed element's surroundings (its box outlined) to
DIR, to judge which name is right.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dump(root: Path, names: list[str], out: Path) -> None:
    """Worker: the names ``root``'s picoagent gives every element of ``names``."""
    sys.path.insert(0, str(root))
    from picoagent.vision import Frame, Vision, scene
    from picoagent.vision.frame import as_rgb_array

    shared = Vision(threads=1)
    res = {}
    for name in names:
        img = as_rgb_array(root / "tests" / "data" / ("corpus/" + name if "/" not in name
                                                      else name))
        v = Vision(ocr=shared.ocr, detector=shared.detector)
        vis = [(e.kind, list(e.box), e.text) for e in v.perceive(Frame(img))
               if e.source == "model"]
        v = Vision(ocr=shared.ocr, detector=shared.detector)
        sc = [(s.element.kind, list(s.element.box), s.element.text)
              for s in scene.perceive(v, Frame(img)) if s.element.source == "model"]
        res[name] = {"vision": vis, "scene": sc}
        print(f"  {root.name}: {name}", file=sys.stderr, flush=True)
    out.write_text(json.dumps(res))


def _iou(a, b) -> float:
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    i = ix * iy
    return i / (a[2] * a[3] + b[2] * b[3] - i)


def pair(old: list, new: list) -> tuple[list, list, list]:
    """(old, new) element pairs of one kind with IoU >= 0.5, best first; and the
    old and the new elements left unpaired."""
    cand = sorted(((_iou(o[1], n[1]), i, j) for i, o in enumerate(old)
                   for j, n in enumerate(new) if o[0] == n[0]), reverse=True)
    used_o, used_n, out = set(), set(), []
    for s, i, j in cand:
        if s < 0.5:
            break
        if i not in used_o and j not in used_n:
            used_o.add(i)
            used_n.add(j)
            out.append((old[i], new[j]))
    return out, [o for i, o in enumerate(old) if i not in used_o], \
        [n for j, n in enumerate(new) if j not in used_n]


def crop(name: str, box, path: Path) -> None:
    import cv2

    img = cv2.imread(str(ROOT / "tests" / "data" / ("corpus/" + name if "/" not in name
                                                     else name)))
    x, y, w, h = box
    pad = max(40, h)
    x0, y0 = max(0, x - 3 * pad), max(0, y - pad)
    x1, y1 = min(img.shape[1], x + w + 3 * pad), min(img.shape[0], y + h + pad)
    c = img[y0:y1, x0:x1].copy()
    cv2.rectangle(c, (x - x0 - 1, y - y0 - 1), (x - x0 + w, y - y0 + h), (0, 0, 255), 1)
    c = cv2.resize(c, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(str(path), c)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=False,
                    help="the older checkout (e.g. a git worktree of HEAD)")
    ap.add_argument("--crops", type=Path, help="write each difference's crop here")
    ap.add_argument("--json", type=Path, help="write the differences here")
    ap.add_argument("--verdicts", type=Path,
                    help="JSON {'<fn> <screen> <box>': 'better'|'worse'|'same'}: a "
                         "person's judgement of each difference (from its crop); "
                         "prints the counts and the differences not judged yet")
    ap.add_argument("--base-names", type=Path,
                    help="the base's names: read from this file if it exists, else "
                         "written to it (the base does not change between runs)")
    ap.add_argument("--dump", nargs=3, metavar=("ROOT", "NAMES", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dump:           # before anything imports this checkout's picoagent
        root, names_file, out = (Path(a) for a in args.dump)
        dump(root.resolve(), json.loads(names_file.read_text()), out)
        return 0
    if not args.base:
        ap.error("--base is required")
    sys.path.insert(0, str(ROOT))
    from benchmarks.perception import full_screens

    names = [n for n, _img, _t in full_screens()]
    with tempfile.TemporaryDirectory() as tmp:
        names_file = Path(tmp) / "names.json"
        names_file.write_text(json.dumps(names))
        got = {}
        for side, root in (("base", args.base.resolve()), ("work", ROOT)):
            out = Path(tmp) / f"{side}.json"
            if side == "base" and args.base_names:
                out = args.base_names
                if out.exists():
                    got[side] = json.loads(out.read_text())
                    continue
            # a fresh interpreter per checkout: each imports its own picoagent
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump",
                            str(root), str(names_file), str(out)], check=True)
            got[side] = json.loads(out.read_text())
    diffs = []
    totals = {"vision": [0, 0, 0, 0], "scene": [0, 0, 0, 0]}  # paired, changed, old, new
    for name in names:
        for fn in ("vision", "scene"):
            pairs, lost, new = pair(got["base"][name][fn], got["work"][name][fn])
            t = totals[fn]
            t[0] += len(pairs)
            t[2] += len(lost)
            t[3] += len(new)
            for side, els in (("only in base", lost), ("only in this checkout", new)):
                for kind, box, text in els:
                    print(f"{fn:6s} {name:38s} {kind:9s} {box} {side}: {text!r}")
            for o, n in pairs:
                if o[2] != n[2]:
                    t[1] += 1
                    diffs.append({"screen": name, "fn": fn, "kind": n[0], "box": n[1],
                                  "old": o[2], "new": n[2]})
    if args.crops:
        args.crops.mkdir(parents=True, exist_ok=True)
    for i, d in enumerate(diffs):
        print(f"[{i:3d}] {d['fn']:6s} {d['screen']:38s} {d['kind']:9s} {d['box']}\n"
              f"       old: {d['old']!r}\n       new: {d['new']!r}")
        if args.crops:
            crop(d["screen"], d["box"], args.crops / f"{i:03d}.png")
    if args.json:
        args.json.write_text(json.dumps(diffs, indent=1))
    if args.verdicts:
        from collections import Counter

        judged = json.loads(args.verdicts.read_text())
        keys = [f"{d['fn']} {d['screen']} {d['box']}" for d in diffs]
        for fn in ("vision", "scene"):
            c = Counter(judged.get(k, "not judged") for k in keys if k.startswith(fn + " "))
            print(f"{fn:6s} differences: " + ", ".join(f"{n} {v}" for v, n in sorted(c.items())))
        for i, k in enumerate(keys):
            if k not in judged:
                print(f"  not judged: [{i}] {k}")
    print(f"\n{len(names)} screens")
    for fn, (p, c, lost, new) in totals.items():
        print(f"{fn:6s}: {p} elements paired, {c} named differently; "
              f"{lost} only in base, {new} only in this checkout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
