"""PicoDet-style UI element detector, written for this project (PyTorch, dev-only).

Design (ideas from the anchor-free FCOS / GFL / NanoDet-Plus / PP-PicoDet family,
all published under permissive terms; no code or weights taken from them):

* full-resolution input (UI glyphs and 13-px checkboxes die in a downscale), so
  the stem is a 4x4 space-to-depth (done in preprocessing) and a 1x1 conv;
* depthwise-separable blocks with ReLU (quantises cleanly to int8);
* a light top-down FPN to three levels, strides 8 / 16 / 32;
* one head shared by the levels: class scores (sigmoid, quality-focal trained),
  one "checked" probability (for checkbox / radio / toggle), and four box
  distances (left, top, right, bottom) in units of the level's stride, decoded
  as ``exp(d) * stride`` in post-processing.

The ONNX graph ends with three outputs over all locations of all levels,
flattened level by level in row-major order: ``scores`` [1, C, N],
``checked`` [1, 1, N] and ``ltrb`` [1, 4, N].  Locations are rebuilt from the
input size and ``strides`` in the post-processing (picoagent.vision.detector).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ("button", "text_field", "checkbox", "radio", "dropdown", "toggle",
           "slider", "tab", "icon", "link", "menu_item")
STATEFUL = ("checkbox", "radio", "toggle")
STRIDES = (8, 16, 32)
MEAN = (0.5, 0.5, 0.5)          # on 0..1 RGB
STD = (0.25, 0.25, 0.25)


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout, k=1, s=1, groups=1, act=True):
        layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2 if k > s else 0, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        if act:
            layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class DSBlock(nn.Module):
    """Depthwise k x k (optionally strided) + pointwise; residual when shapes match."""

    def __init__(self, cin, cout, stride=1, k=3):
        super().__init__()
        self.dw = ConvBN(cin, cin, k, stride, groups=cin, act=False)
        self.pw = ConvBN(cin, cout, 1)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return x + y if self.residual else y


class Detector(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128), neck=48, num_classes=len(CLASSES)):
        super().__init__()
        w4, w8, w16, w32 = widths
        self.widths, self.neck = tuple(widths), neck
        self.num_classes = num_classes
        # Full resolution in, but no convolution at full resolution: a 4x4
        # space-to-depth then a 1x1 conv.  The space-to-depth is done by the
        # runtime's preprocessing (16 strided copies per channel, ~9 ms at 720p)
        # and is NOT part of the ONNX graph: in the graph it is a 6-D transpose
        # (measured 24 ms), and the alternatives are worse (int8 strided conv on
        # 3 channels: 23 ms; float 4x4/4 conv: 11 ms).
        self.unshuffle = nn.PixelUnshuffle(4)
        self.stem = ConvBN(48, w4, 1)
        # 5x5 depthwise kernels from stride 16 on (as PP-PicoDet does): UI elements are
        # long and thin (a 300x24 field), and the centre location must see both ends;
        # 3x3 kernels left the receptive field too small (boxes came out short).
        self.s8 = nn.Sequential(DSBlock(w4, w8, 2), DSBlock(w8, w8))
        self.s16 = nn.Sequential(DSBlock(w8, w16, 2, k=5), DSBlock(w16, w16, k=5),
                                 DSBlock(w16, w16, k=5))
        self.s32 = nn.Sequential(DSBlock(w16, w32, 2, k=5), DSBlock(w32, w32, k=5),
                                 DSBlock(w32, w32, k=5))
        self.lat8 = ConvBN(w8, neck)
        self.lat16 = ConvBN(w16, neck)
        self.lat32 = ConvBN(w32, neck)
        # 5x5 only where it is cheap: at stride 8 an int8 5x5 depthwise conv costs ~2 ms
        self.smooth = nn.ModuleList([DSBlock(neck, neck, k=3), DSBlock(neck, neck, k=5),
                                     DSBlock(neck, neck, k=5)])
        self.head = nn.Sequential(DSBlock(neck, neck))
        self.cls_out = nn.Conv2d(neck, num_classes, 1)
        self.chk_out = nn.Conv2d(neck, 1, 1)
        self.box_out = nn.Conv2d(neck, 4, 1)
        prior = -4.6    # sigmoid ~ 0.01 at start (focal-loss init)
        nn.init.constant_(self.cls_out.bias, prior)
        nn.init.normal_(self.cls_out.weight, std=0.01)
        nn.init.normal_(self.box_out.weight, std=0.01)
        nn.init.constant_(self.box_out.bias, 0.5)
        self.export_mode = False

    def levels(self, x):
        if not self.export_mode:
            x = self.unshuffle(x)       # export: the input is already [N, 48, H/4, W/4]
        c4 = self.stem(x)
        c8 = self.s8(c4)
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p32 = self.lat32(c32)
        p16 = self.lat16(c16) + F.interpolate(p32, size=c16.shape[-2:], mode="nearest")
        p8 = self.lat8(c8) + F.interpolate(p16, size=c8.shape[-2:], mode="nearest")
        return [s(p) for s, p in zip(self.smooth, (p8, p16, p32))]

    def forward(self, x):
        cls, chk, box = [], [], []
        for p in self.levels(x):
            f = self.head(p)
            n = f.shape[0]
            cls.append(self.cls_out(f).flatten(2))
            chk.append(self.chk_out(f).flatten(2))
            box.append(self.box_out(f).flatten(2))
        cls = torch.cat(cls, 2)     # N, C, L (logits); channel-first: no transpose in the graph
        chk = torch.cat(chk, 2)     # N, 1, L (logit)
        box = torch.cat(box, 2)     # N, 4, L (log distance / stride)
        if self.export_mode:
            return torch.sigmoid(cls), torch.sigmoid(chk), box
        return cls, chk, box


def arch_args(args: dict) -> dict:
    """``Detector`` keyword arguments from a run's arguments (train.py's ``--widths``,
    ``--neck``; a checkpoint's ``args``): those given, the defaults for the rest."""
    arch = {}
    if args.get("widths"):
        arch["widths"] = tuple(args["widths"])
    if args.get("neck"):
        arch["neck"] = int(args["neck"])
    return arch


def grid_points(height: int, width: int, strides=STRIDES):
    """Centres (x, y) and stride of every output location, in input pixels,
    in the order the model flattens them.  Mirrors picoagent.vision.detector."""
    pts, ss = [], []
    for s in strides:
        h, w = -(-height // s), -(-width // s)
        # the conv stack rounds odd sizes up; inputs are multiples of 32 anyway
        ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        pts.append(torch.stack([(xs.flatten() + 0.5) * s, (ys.flatten() + 0.5) * s], 1))
        ss.append(torch.full((h * w,), float(s)))
    return torch.cat(pts).float(), torch.cat(ss)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
