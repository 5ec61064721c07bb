#!/usr/bin/env python3
"""Should picoagent run the OCR models int8-quantized?  Measures, in one run, the
shipped fp32 PP-OCR models against onnxruntime dynamic int8 quantizations of them:
detection time on a whole frame, recognition time per box, and target hit rate
on the corpus (lazy find, same code path as `picoagent run`).

    .venv/bin/python benchmarks/ocr_int8.py
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from picoagent.vision import Frame, Vision  # noqa: E402
from picoagent.vision.frame import as_rgb_array  # noqa: E402
from picoagent.vision.ocr import DET_MODEL, REC_MODEL, OcrEngine, _model_dir  # noqa: E402
from picoagent.vision.textcache import TextCache  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"


def quantize(src: Path, dst: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    return dst


def measure(ocr: OcrEngine, corpus: dict) -> dict:
    ocr._load()
    det_t, rec_t, find_t, hits, n = [], [], [], 0, 0
    for screen in corpus["screens"]:
        img = as_rgb_array(CORPUS / screen["image"])
        t = time.perf_counter()
        c = TextCache(ocr)
        c.update(img)
        boxes = c.boxes((0, 0, img.shape[1], img.shape[0]))
        det_t.append(time.perf_counter() - t)
        some = boxes[:12]
        if some:
            t = time.perf_counter()
            ocr.recognize(img, some)
            rec_t.append((time.perf_counter() - t) / len(some))
        for tg in screen["targets"]:
            n += 1
            v = Vision(ocr=ocr)
            t = time.perf_counter()
            m = v.find(Frame(img), tg["text"])
            find_t.append(time.perf_counter() - t)
            x, y, w, h = tg["box"]
            cx, cy = x + w / 2, y + h / 2
            if m is not None:
                b = m.element.box
                hits += b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3]
    return {"det_frame_ms": statistics.median(det_t) * 1000,
            "rec_box_ms": statistics.median(rec_t) * 1000,
            "find_ms": statistics.median(find_t) * 1000, "hits": hits, "targets": n}


def main() -> int:
    corpus = json.loads((CORPUS / "corpus.json").read_text())
    models = _model_dir()
    with tempfile.TemporaryDirectory() as tmp:
        det8 = quantize(models / DET_MODEL, Path(tmp) / "det.int8.onnx")
        rec8 = quantize(models / REC_MODEL, Path(tmp) / "rec.int8.onnx")
        sizes = {"fp32": ((models / DET_MODEL).stat().st_size + (models / REC_MODEL).stat().st_size),
                 "int8": det8.stat().st_size + rec8.stat().st_size}
        rows = {"fp32 (shipped)": measure(OcrEngine(1), corpus),
                "int8 det + rec": measure(OcrEngine(1, det_model=det8, rec_model=rec8), corpus),
                "int8 rec only": measure(OcrEngine(1, rec_model=rec8), corpus)}
    base = rows["fp32 (shipped)"]
    print(f"{'models':16} {'det/frame':>10} {'rec/box':>9} {'find':>8} {'hits':>7}  vs fp32")
    for name, r in rows.items():
        print(f"{name:16} {r['det_frame_ms']:8.0f}ms {r['rec_box_ms']:7.1f}ms {r['find_ms']:6.0f}ms "
              f"{r['hits']:>3}/{r['targets']}  det x{base['det_frame_ms'] / r['det_frame_ms']:.2f}"
              f" rec x{base['rec_box_ms'] / r['rec_box_ms']:.2f}")
    print(f"model files: fp32 {sizes['fp32'] / 1e6:.1f} MB, int8 {sizes['int8'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
