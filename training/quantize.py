"""Static int8 quantisation (QDQ) of the exported model, calibrated on generated screens.

    python training/quantize.py build/model/ui-elements-fp32.onnx models/ui-elements.onnx \
        --calib build/elements/val_qt build/elements/val_html --count 48

Weights int8 per channel, activations uint8, MinMax calibration over whole
frames preprocessed exactly as the runtime does (picoagent.vision.detector).
The quantised model takes the image's bytes (:func:`byte_input`).  The metadata
of the float model is carried over.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

import numpy as np
import onnx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from picoagent.vision.detector import ModelInfo, frame_to_model_scale, preprocess  # noqa: E402


def calibration_frames(roots, count, seed=0):
    files = []
    for r in roots:
        files += sorted(Path(r).rglob("*.png"))
    random.Random(seed).shuffle(files)
    from PIL import Image
    for f in files[:count]:
        with Image.open(f) as im:
            yield np.asarray(im.convert("RGB"))


def byte_input(q: onnx.ModelProto, info: ModelInfo) -> onnx.ModelProto:
    """The quantised model taking the image's bytes: its first QuantizeLinear turns
    the normalised float image, (p - mean) / std, back into bytes at scale 1 / std
    and zero point round(mean), i.e. into p (up to half a step of rounding).  That
    node is removed and the graph input made uint8: the runtime then skips the
    float conversion and normalisation (4 ms of a 1280x720 frame's 7 ms
    preprocessing here) and onnxruntime the re-quantisation of 2.8 M values.  The
    bytes are read as p - round(mean) where the float path read p - mean: a
    constant shift of half a step (0.008 on the normalised scale), which the
    eval measures."""
    from onnx import TensorProto, numpy_helper

    g = q.graph
    name = g.input[0].name
    node = next((n for n in g.node if n.op_type == "QuantizeLinear" and n.input[0] == name), None)
    if node is None:
        raise SystemExit(f"{name}: no QuantizeLinear on the input to take out")
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    scale, zp = float(init[node.input[1]]), init[node.input[2]]
    if abs(scale * info.std - 1.0) > 1e-4 or zp.dtype != np.uint8 or int(zp) != round(info.mean):
        raise SystemExit(f"{name}: quantised at scale {scale}, zero point {zp}, not at the "
                         f"normalisation's 1/{info.std}, {round(info.mean)}: keep a float input")
    out = node.output[0]
    g.node.remove(node)
    for n in g.node:
        for i, v in enumerate(n.input):
            if v == out:
                n.input[i] = name
    g.input[0].type.tensor_type.elem_type = TensorProto.UINT8
    onnx.checker.check_model(q)
    return q


def quantize(src: str, dst: str, roots, count: int, method: str = "minmax",
             overrides: dict | None = None) -> None:
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    fm = onnx.load(src)
    meta = {p.key: p.value for p in fm.metadata_props}
    info = ModelInfo.from_metadata(meta, src)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(calibration_frames(roots, count))
            self.n = 0

        def get_next(self):
            img = next(self.it, None)
            if img is None:
                return None
            self.n += 1
            if self.n % 10 == 0:
                print(f"calibration: {self.n}/{count} frames", flush=True)
            s = frame_to_model_scale(img.shape[1], img.shape[0])
            return {"image": preprocess(img, info, s)}

    pre = dst + ".pre.onnx"
    quant_pre_process(src, pre)
    quantize_static(pre, dst, Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    per_channel=True,
                    calibrate_method={"minmax": CalibrationMethod.MinMax,
                                      "percentile": CalibrationMethod.Percentile,
                                      "entropy": CalibrationMethod.Entropy}[method])
    os.remove(pre)
    q = byte_input(onnx.load(dst), info)
    del q.metadata_props[:]
    meta.update(overrides or {})
    for k, v in {**meta, "quantization": f"QDQ static int8 (u8 activations, s8 per-channel "
                                          f"weights), {method}, {count} calibration frames"}.items():
        p = q.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(q, dst)
    print(f"quantised {src} -> {dst} ({os.path.getsize(dst) / 1e6:.2f} MB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--calib", nargs="+", required=True)
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--method", choices=("minmax", "percentile", "entropy"), default="minmax")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a metadata entry, e.g. score_threshold=0.3 (from eval.py)")
    a = ap.parse_args()
    quantize(a.src, a.dst, a.calib, a.count, a.method,
             dict(kv.split("=", 1) for kv in a.set))
