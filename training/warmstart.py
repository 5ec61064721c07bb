"""Start training from a shipped ONNX model's weights (dev-only).

Training checkpoints are not committed (they are build output); the shipped
model (``picoagent/models/ui-elements.onnx``) is.  Its graph is the exported detector with each
convolution's batch norm folded into the convolution's weight and bias, and,
in the int8 file, weights and biases stored quantized (QDQ).  This module reads
them back, dequantized, into a ``Detector``:

* a folded convolution's weight goes to the ``Conv2d``; its batch norm is set
  to the identity plus the folded bias (``running_mean`` 0, ``running_var``
  1 - eps, ``weight`` 1, ``bias`` = folded bias), so the module computes the
  same function as the graph;
* those batch norms must then be kept in eval mode while training
  (``freeze_batch_norm``): with batch statistics they would renormalise the
  folded outputs and change the function.

The torch exporter names folded weights ``onnx::Conv_<n>`` with ``n`` rising
in the order the forward pass calls them, so the k-th folded convolution by
``n`` is the k-th ``ConvBN`` called; every shape is checked, and ``check`` compares the outputs.
"""
from __future__ import annotations

import re

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from model import MEAN, STD, ConvBN, Detector


def _tensors(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    """Every initializer, and every DequantizeLinear output of initializers, as float."""
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = dict(init)
    for node in model.graph.node:
        if node.op_type != "DequantizeLinear" or node.input[0] not in init:
            continue
        q = init[node.input[0]].astype(np.float64)
        scale = init[node.input[1]].astype(np.float64)
        zp = init[node.input[2]].astype(np.float64) if len(node.input) > 2 else np.zeros_like(scale)
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        if scale.ndim == 1 and scale.size > 1:
            shape = [1] * q.ndim
            shape[axis] = -1
            scale, zp = scale.reshape(shape), zp.reshape(shape)
        out[node.output[0]] = ((q - zp) * scale).astype(np.float32)
    return out


def _conv_params(model: onnx.ModelProto) -> dict[str, tuple[str, str | None]]:
    """Conv node weight source name -> (dequantized weight name, bias name)."""
    producer = {o: n for n in model.graph.node for o in n.output}
    pairs = {}
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        w, b = node.input[1], node.input[2] if len(node.input) > 2 else None
        src = producer[w].input[0] if w in producer else w
        src = re.sub(r"_quantized$", "", src)
        pairs.setdefault(src, (w, b))       # shared head weights: the first use
    return pairs


def _call_order(det: Detector) -> list[ConvBN]:
    """The model's ConvBN blocks in the order a forward pass first calls them
    (the exporter's numbering follows the trace, not the module definitions)."""
    order: list[ConvBN] = []
    hooks = [mod.register_forward_pre_hook(lambda mod, _: order.append(mod) if mod not in order else None)
             for mod in det.modules() if isinstance(mod, ConvBN)]
    try:
        with torch.no_grad():
            det(torch.zeros(1, 3, 64, 64))
    finally:
        for h in hooks:
            h.remove()
    return order


def load_onnx_weights(det: Detector, path: str) -> int:
    """Copy a shipped model's weights into ``det``; returns the number of convolutions set."""
    m = onnx.load(path)
    vals = _tensors(m)
    pairs = _conv_params(m)
    folded = sorted((k for k in pairs if k.startswith("onnx::Conv_")),
                    key=lambda k: int(k.rsplit("_", 1)[1]))
    blocks = _call_order(det)
    if len(folded) != len(blocks):
        raise ValueError(f"{path}: {len(folded)} folded convolutions, the model has {len(blocks)}")
    n = 0
    with torch.no_grad():
        for key, block in zip(folded, blocks):
            conv, bn = block[0], block[1]
            w_name, b_name = pairs[key]
            w = torch.from_numpy(vals[w_name])
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise ValueError(f"{path}: {key} has shape {tuple(w.shape)}, "
                                 f"the model's layer {tuple(conv.weight.shape)}")
            conv.weight.copy_(w)
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(vals[b_name]))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
            n += 1
        for name in ("cls_out", "chk_out", "box_out"):
            conv = getattr(det, name)
            w_name, b_name = pairs[f"{name}.weight"]
            conv.weight.copy_(torch.from_numpy(vals[w_name]))
            conv.bias.copy_(torch.from_numpy(vals[b_name]))
            n += 1
    return n


def freeze_batch_norm(det: nn.Module) -> None:
    """Keep every batch norm on its stored statistics (call after ``det.train()``)."""
    for mod in det.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.eval()


def check(det: Detector, path: str, height: int = 256, width: int = 320, seed: int = 0) -> float:
    """Largest score difference between ``det`` and the ONNX model on a random-ish screen."""
    import onnxruntime as ort
    rng = np.random.default_rng(seed)
    img = np.kron(rng.integers(0, 256, (height // 16, width // 16, 3)), np.ones((16, 16, 1)))
    x = torch.from_numpy(((img / 255.0 - np.array(MEAN)) / np.array(STD)).astype(np.float32)
                         ).permute(2, 0, 1)[None]
    det.eval()
    det.export_mode = True
    with torch.no_grad():
        x4 = det.unshuffle(x)
        ours = det(x4)[0].numpy()
    det.export_mode = False
    raw = det.unshuffle(torch.from_numpy(img.astype(np.float32)).permute(2, 0, 1)[None])
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    feed = raw.numpy().astype(np.uint8) if inp.type == "tensor(uint8)" else x4.numpy()
    theirs = sess.run(["scores"], {inp.name: feed})[0]
    return float(np.abs(ours - theirs).max())


def architecture(path: str) -> dict:
    """The ``Detector`` keyword arguments an exported model was built with (its
    ``widths`` and ``neck`` metadata; models before 1.8.0 carry none: the defaults)."""
    import json
    meta = {p.key: p.value for p in onnx.load(path).metadata_props}
    arch = {}
    if "widths" in meta:
        arch["widths"] = tuple(json.loads(meta["widths"]))
    if "neck" in meta:
        arch["neck"] = int(meta["neck"])
    return arch


def widen(src: Detector, dst: Detector, seed: int = 0) -> None:
    """Copy ``src`` into the wider ``dst`` so that ``dst`` computes the same function
    (Net2WiderNet, Chen et al. 2016).

    Every channel stream (the stem's, each stage's, the neck's: the residual sums
    tie all tensors of a stream together) gets one map from new channels to old
    ones: the first channels are the old ones, each further channel copies a random
    old one.  A layer writing a stream takes its output rows by that map; a layer
    reading one splits each old input column among its copies in random positive
    proportions that add up to 1, so the sum is unchanged and the copies, which get
    different gradients, drift apart in training.  Batch norms (folded and frozen
    after ``load_onnx_weights``) are copied by the map."""
    rng = np.random.default_rng(seed)
    old = {"s4": src.stem[0].out_channels, "s8": src.s8[-1].pw[0].out_channels,
           "s16": src.s16[-1].pw[0].out_channels, "s32": src.s32[-1].pw[0].out_channels,
           "n": src.lat8[0].out_channels}
    new = {"s4": dst.stem[0].out_channels, "s8": dst.s8[-1].pw[0].out_channels,
           "s16": dst.s16[-1].pw[0].out_channels, "s32": dst.s32[-1].pw[0].out_channels,
           "n": dst.lat8[0].out_channels}
    maps = {"in": np.arange(48)}
    for k in old:
        if new[k] < old[k]:
            raise ValueError(f"{k}: {new[k]} channels, fewer than the source's {old[k]}")
        maps[k] = np.concatenate([np.arange(old[k]), rng.integers(0, old[k], new[k] - old[k])])

    def split(m: np.ndarray) -> torch.Tensor:
        """Per new input channel, its share of its old channel's column."""
        share = rng.uniform(0.5, 1.5, len(m))
        tot = np.zeros(m.max() + 1)
        np.add.at(tot, m, share)
        return torch.from_numpy(share / tot[m]).float()

    def dense(s: ConvBN | nn.Conv2d, d: ConvBN | nn.Conv2d, cin: str, cout: str | None) -> None:
        sc, dc = (s[0], d[0]) if isinstance(s, ConvBN) else (s, d)
        mo = maps[cout] if cout else np.arange(sc.out_channels)
        mi = maps[cin]
        w = sc.weight[mo][:, mi] * split(mi)[None, :, None, None]
        dc.weight.copy_(w)
        if isinstance(s, ConvBN):
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(d[1], name).copy_(getattr(s[1], name)[mo])
        elif sc.bias is not None:
            dc.bias.copy_(sc.bias[mo])

    def depthwise(s: ConvBN, d: ConvBN, stream: str) -> None:
        m = maps[stream]
        d[0].weight.copy_(s[0].weight[m])
        for name in ("weight", "bias", "running_mean", "running_var"):
            getattr(d[1], name).copy_(getattr(s[1], name)[m])

    def block(s: nn.Module, d: nn.Module, cin: str, cout: str) -> None:
        depthwise(s.dw, d.dw, cin)
        dense(s.pw, d.pw, cin, cout)

    with torch.no_grad():
        dense(src.stem, dst.stem, "in", "s4")
        for stage, cin, cout in (("s8", "s4", "s8"), ("s16", "s8", "s16"), ("s32", "s16", "s32")):
            for i, (s, d) in enumerate(zip(getattr(src, stage), getattr(dst, stage))):
                block(s, d, cin if i == 0 else cout, cout)
        for lat, cin in (("lat8", "s8"), ("lat16", "s16"), ("lat32", "s32")):
            dense(getattr(src, lat), getattr(dst, lat), cin, "n")
        for s, d in zip(list(src.smooth) + list(src.head), list(dst.smooth) + list(dst.head)):
            block(s, d, "n", "n")
        for name in ("cls_out", "chk_out", "box_out"):
            dense(getattr(src, name), getattr(dst, name), "n", None)


def load_onnx_weights_widened(det: Detector, path: str, seed: int = 0) -> int:
    """``load_onnx_weights`` into a model as wide as ``path``'s, then ``widen`` it into ``det``."""
    src = Detector(**architecture(path))
    n = load_onnx_weights(src, path)
    widen(src, det, seed)
    return n
