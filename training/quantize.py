"""Static int8 quantisation (QDQ) of the exported model, calibrated on generated screens.

    python training/quantize.py build/model/ui-elements-fp32.onnx picoagent/models/ui-elements.onnx \
        --calib build/elements/val_qt build/elements/val_html --count 48

Weights int8 per channel, symmetric, within 7 bits (:func:`seven_bit_weights`);
activations uint8; MinMax calibration over whole
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


#: the largest weight magnitude kept: |a * w| + |a' * w'| <= 255 * 63 * 2 = 32130 fits int16
#: (64 would fit too; with 64 one of 90 test screens had 0.05% of its locations on the other
#: side of the threshold, fused against unfused, so one step of margin is kept)
WEIGHT_MAX = 63


def seven_bit_weights(q: onnx.ModelProto) -> onnx.ModelProto:
    """Every convolution's weights made to fit 7 bits: int8 in [-63, 63] (zero point
    0), their scale doubled where they were 8-bit (``round(w / 2)``), and the int32
    biases that go with them (scale = input scale x weight scale) halved to match.
    Weights stored as uint8 around 128 (model v1.5.1) are read as the int8 they were.

    Why: onnxruntime runs a u8-activation x s8-weight convolution on x86-64 CPUs
    with AVX2 but no VNNI (AVX512-VNNI / AVX-VNNI) with VPMADDUBSW, which adds two
    products into 16 bits and saturates when both are large (255 x 127 x 2 > 32767).
    On such a CPU (an AMD EPYC here) v1.5.0's 8-bit weights gave hold-out mAP 0.270
    model alone, against 0.442 from the same model with graph fusion off.  Weights
    within 63 cannot saturate (onnxruntime's ``reduce_range`` remedy is the same
    idea), and keep the fast u8 x s8 kernels: model v1.5.1 stored its weights as uint8 around 128
    instead (u8 x u8 kernels, no saturation, the same numbers), which took 18.6 ms
    against 15.1 ms a 1280x720 frame here.  Test:
    tests/unit/test_element_model_numerics.py."""
    from onnx import numpy_helper

    g = q.graph
    init = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    halved: dict[str, bool] = {}
    biases: set[str] = set()
    for node in g.node:
        if node.op_type != "Conv":
            continue
        wdq = producer.get(node.input[1])
        if wdq is None or wdq.op_type != "DequantizeLinear" or wdq.input[0] not in init:
            raise SystemExit(f"convolution {node.name}: its weight is not a quantised initializer")
        name = wdq.input[0]
        if name not in halved:
            w = numpy_helper.to_array(init[name]).astype(np.int32)
            zp = numpy_helper.to_array(init[wdq.input[2]]).astype(np.int32)
            if init[name].data_type == onnx.TensorProto.UINT8:
                if (zp != 128).any():
                    raise SystemExit(f"{name}: uint8 weights with a zero point other than 128")
                w = w - 128
            elif (zp != 0).any():
                raise SystemExit(f"{name}: int8 weights with a zero point other than 0")
            scale = numpy_helper.to_array(init[wdq.input[1]]).astype(np.float32)
            halve = int(np.abs(w).max()) > WEIGHT_MAX
            if halve:
                w = np.clip(np.round(w / 2.0), -WEIGHT_MAX, WEIGHT_MAX)
                scale = scale * 2
            init[name].CopyFrom(numpy_helper.from_array(w.astype(np.int8), name))
            init[wdq.input[1]].CopyFrom(numpy_helper.from_array(scale, wdq.input[1]))
            init[wdq.input[2]].CopyFrom(numpy_helper.from_array(
                np.zeros(zp.shape, np.int8), wdq.input[2]))
            halved[name] = halve
        bdq = producer.get(node.input[2]) if len(node.input) > 2 else None
        if bdq is not None and bdq.op_type == "DequantizeLinear" and halved[name]:
            bname = bdq.input[0]
            if bname in biases:
                continue
            b = numpy_helper.to_array(init[bname])
            bs = numpy_helper.to_array(init[bdq.input[1]])
            init[bname].CopyFrom(numpy_helper.from_array(np.round(b / 2.0).astype(b.dtype), bname))
            init[bdq.input[1]].CopyFrom(numpy_helper.from_array((bs * 2).astype(bs.dtype),
                                                                bdq.input[1]))
            biases.add(bname)
    if not halved:
        raise SystemExit("no quantised convolution weights found")
    onnx.checker.check_model(q)
    return q


QUANTIZATION = "QDQ static int8 (u8 activations, per-channel symmetric 7-bit s8 weights)"


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
    q = seven_bit_weights(byte_input(onnx.load(dst), info))
    meta.update(overrides or {})
    _set_metadata(q, {**meta, "quantization": f"{QUANTIZATION}, {method}, "
                                              f"{count} calibration frames"})
    onnx.save(q, dst)
    print(f"quantised {src} -> {dst} ({os.path.getsize(dst) / 1e6:.2f} MB)")


def _set_metadata(q: onnx.ModelProto, meta: dict) -> None:
    """Replace the model's metadata entries with ``meta``."""
    del q.metadata_props[:]
    for k, v in meta.items():
        p = q.metadata_props.add()
        p.key, p.value = k, v


def recast(src: str, dst: str, overrides: dict | None = None) -> None:
    """A quantised model (picoagent's up to v1.5.1: 8-bit weights, as int8 or as
    uint8 around 128) rewritten with :func:`seven_bit_weights`, its metadata kept but for
    ``overrides`` and the quantization entry: its weights rounded to 7 bits, nothing
    else changed, no calibration."""
    q = seven_bit_weights(onnx.load(src))
    meta = {p.key: p.value for p in q.metadata_props}
    old = meta.get("quantization", "")
    rest = old.split("), ", 1)[1] if "), " in old else old
    meta.update(overrides or {})
    meta["quantization"] = f"{QUANTIZATION}, {rest}" if rest else QUANTIZATION
    _set_metadata(q, meta)
    onnx.save(q, dst)
    print(f"recast {src} -> {dst}: 7-bit weights ({os.path.getsize(dst) / 1e6:.2f} MB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--recast", action="store_true",
                    help="src is already quantised with 8-bit weights: make them fit 7 bits "
                         "(seven_bit_weights), nothing else; no calibration")
    ap.add_argument("--calib", nargs="+")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--method", choices=("minmax", "percentile", "entropy"), default="minmax")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a metadata entry, e.g. score_threshold=0.3 (from eval.py)")
    a = ap.parse_args()
    sets = dict(kv.split("=", 1) for kv in a.set)
    if a.recast:
        raise SystemExit(recast(a.src, a.dst, sets))
    if not a.calib:
        ap.error("--calib is required (unless --recast)")
    quantize(a.src, a.dst, a.calib, a.count, a.method,
             sets)
