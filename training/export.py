"""Export a trained checkpoint to ONNX with the metadata the runtime reads.

    python training/export.py build/train/final.pt build/model/ui-elements-fp32.onnx

The graph's input is the space-to-depth image [1, 48, H/4, W/4] (see model.py);
``picoagent.vision.detector.preprocess`` builds it from an RGB frame.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import CLASSES, MEAN, STATEFUL, STD, STRIDES, Detector, arch_args  # noqa: E402

VERSION = "1.7.0"


def metadata(extra: dict | None = None) -> dict[str, str]:
    # normalisation on the 0..255 scale: x' = (x - mean) / std, same for R, G, B
    assert len(set(MEAN)) == 1 and len(set(STD)) == 1
    meta = {
        "classes": json.dumps(list(CLASSES)),
        "stateful": json.dumps(list(STATEFUL)),
        "strides": json.dumps(list(STRIDES)),
        "space_to_depth": "4",
        "pad_multiple": "32",
        "mean": str(MEAN[0] * 255.0),
        "std": str(STD[0] * 255.0),
        "input_layout": "RGB, space-to-depth 4 in PixelUnshuffle order (c, dy, dx)",
        "box_encoding": "ltrb = exp(out) * stride from the location centre ((i+0.5)*stride)",
        "score_threshold": "0.35",
        "nms_iou": "0.6",
        "version": VERSION,
        "exported": datetime.date.today().isoformat(),
        "licence": "Apache-2.0",
        "producer": "picoagent training/export.py",
    }
    meta.update(extra or {})
    return meta


def set_metadata(model: onnx.ModelProto, meta: dict[str, str]) -> None:
    del model.metadata_props[:]
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, str(v)


def export(ckpt: str, out: str, extra: dict | None = None) -> None:
    ck = torch.load(ckpt, map_location="cpu")
    arch = arch_args(ck.get("args", {}))
    model = Detector(**arch)
    # final.pt holds the EMA weights as "model"; a running last.pt holds both
    model.load_state_dict(ck["ema"] if "ema" in ck else ck["model"])
    model.eval()
    model.export_mode = True
    x = torch.zeros(1, 48, 736 // 4, 1280 // 4)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.onnx.export(model, x, out, input_names=["image"],
                      output_names=["scores", "checked", "ltrb"],
                      dynamic_axes={"image": {2: "h4", 3: "w4"}},
                      opset_version=17, dynamo=False)
    m = onnx.load(out)
    run = {"trained_iterations": str(ck.get("iter", "?"))}
    init = ck.get("args", {}).get("init_onnx")
    if init:        # a run started from an exported model's weights (train.py --init-onnx)
        run["trained_from"] = os.path.basename(init)
    # the layer widths, for train.py --init-onnx (warmstart.architecture)
    run["widths"] = json.dumps(list(model.widths))
    run["neck"] = str(model.neck)
    set_metadata(m, metadata({**run, **(extra or {})}))
    onnx.save(m, out)
    print(f"exported {ckpt} -> {out} ({os.path.getsize(out) / 1e6:.2f} MB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    a = ap.parse_args()
    export(a.checkpoint, a.out)
