"""Train the UI element detector from scratch on generated screens (CPU is enough).

    python training/train.py --data build/elements/qt build/elements/html \
        --out build/train --iters 4000

Resumable: re-running with the same --out continues from build/train/last.pt.
``--init-onnx picoagent/models/ui-elements.onnx`` starts a new run from a shipped model's
weights instead of from scratch (warmstart.py; its batch norms stay frozen).
Logs one line every --log-every iterations (loss parts, it/s, eta).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import CropDataset, assign, collate  # noqa: E402
from model import CLASSES, Detector, arch_args, count_params  # noqa: E402
from warmstart import (architecture, check, freeze_batch_norm, load_onnx_weights,  # noqa: E402
                       load_onnx_weights_widened)

STATEFUL_IDX = {CLASSES.index(c) for c in ("checkbox", "radio", "toggle")}


def decode(raw_ltrb: torch.Tensor, pts: torch.Tensor, strides: torch.Tensor) -> torch.Tensor:
    d = raw_ltrb.clamp(max=7.0).exp() * strides[:, None]
    return torch.stack([pts[:, 0] - d[:, 0], pts[:, 1] - d[:, 1],
                        pts[:, 0] + d[:, 2], pts[:, 1] + d[:, 3]], 1)


def box_iou_giou(a: torch.Tensor, b: torch.Tensor):
    """Element-wise IoU and GIoU of two [N, 4] box lists (x0, y0, x1, y1)."""
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    lt = torch.max(a[:, :2], b[:, :2])
    rb = torch.min(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    union = area_a + area_b - inter + 1e-6
    iou = inter / union
    elt = torch.min(a[:, :2], b[:, :2])
    erb = torch.max(a[:, 2:], b[:, 2:])
    enc = (erb - elt).clamp(min=0).prod(1) + 1e-6
    return iou, iou - (enc - union) / enc


def losses(model_out, boxes_list, labels_list, checked_list, height, width):
    cls, chk, box = model_out                       # N,C,L  N,1,L  N,4,L
    n, c, _ = cls.shape
    cls_t = torch.zeros_like(cls)
    pos_pred, pos_gt, pos_w = [], [], []
    chk_logit, chk_t = [], []
    num_pos = 0
    for i in range(n):
        target, pts, strides = assign(boxes_list[i], height, width)
        pos = torch.nonzero(target >= 0).flatten()
        if pos.numel() == 0:
            continue
        gi = target[pos]
        pred = decode(box[i, :, pos].T, pts[pos], strides[pos])
        gt = boxes_list[i][gi]
        iou, _ = box_iou_giou(pred.detach(), gt)
        cls_t[i, labels_list[i][gi], pos] = iou.clamp(min=0.01)     # quality focal target
        pos_pred.append(pred)
        pos_gt.append(gt)
        # centre locations of small objects matter most; weight by predicted score
        pos_w.append(torch.sigmoid(cls[i, labels_list[i][gi], pos]).detach().clamp(min=0.1))
        k = checked_list[i][gi]
        st = k >= 0
        if st.any():
            chk_logit.append(chk[i, 0, pos[st]])
            chk_t.append(k[st])
        num_pos += pos.numel()
    num_pos = max(num_pos, 1)
    p = torch.sigmoid(cls)
    qfl = F.binary_cross_entropy_with_logits(cls, cls_t, reduction="none") * (p - cls_t).abs().pow(2)
    loss_cls = qfl.sum() / num_pos
    if pos_pred:
        pred, gt, w = torch.cat(pos_pred), torch.cat(pos_gt), torch.cat(pos_w)
        _, giou = box_iou_giou(pred, gt)
        loss_box = 2.0 * ((1 - giou) * w).sum() / w.sum().clamp(min=1e-6)
    else:
        loss_box = cls.sum() * 0
    if chk_logit:
        loss_chk = F.binary_cross_entropy_with_logits(torch.cat(chk_logit), torch.cat(chk_t))
    else:
        loss_chk = cls.sum() * 0
    return loss_cls, loss_box, loss_chk


class EMA:
    def __init__(self, model, decay=0.998):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, it):
        d = min(self.decay, (1 + it) / (10 + it))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="+", required=True, help="sample folders (FORMAT.md)")
    ap.add_argument("--out", default="build/train")
    ap.add_argument("--iters", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, nargs=2, default=(384, 384), metavar=("H", "W"))
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--wd", type=float, default=0.05, help="AdamW weight decay of conv weights")
    ap.add_argument("--init-onnx", default=None, metavar="MODEL",
                    help="a new run starts from this exported model's weights (fp32 or int8 "
                         "QDQ, batch norms folded); its batch norms are then kept frozen")
    ap.add_argument("--widths", type=int, nargs=4, default=None, metavar=("S4", "S8", "S16", "S32"),
                    help="channels of the stem and the three stages (default: model.py's); "
                         "wider than --init-onnx's model: its weights are widened (Net2WiderNet)")
    ap.add_argument("--neck", type=int, default=None, help="channels of the FPN and head")
    ap.add_argument("--restart", action="store_true",
                    help="when resuming after a finished cycle: start a new warm-up + cosine "
                         "cycle from the resume point to --iters (peak --lr) instead of "
                         "continuing the old schedule; within an unfinished cycle: move that "
                         "cycle's end to --iters, keeping its start")
    args = ap.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = Detector(**arch_args(vars(args)))
    frozen_bn = False
    if args.init_onnx and not (out / "last.pt").exists():
        same = all(model.state_dict()[k].shape == v.shape
                   for k, v in Detector(**architecture(args.init_onnx)).state_dict().items())
        n = (load_onnx_weights if same else load_onnx_weights_widened)(model, args.init_onnx)
        print(f"initialised {n} convolutions from {args.init_onnx} "
              f"(largest score difference on a test screen: {check(model, args.init_onnx):.3f})",
              flush=True)
    ema = EMA(model)
    decay, no_decay = [], []
    for name, prm in model.named_parameters():
        (no_decay if prm.ndim <= 1 else decay).append(prm)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.wd},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    start = 0
    last = out / "last.pt"
    if last.exists():
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        ema.shadow = ck["ema"]
        start = ck["iter"]
        frozen_bn = bool(ck.get("frozen_bn"))
        old = ck.get("args", {})
        cycle = tuple(ck.get("cycle", (0, old.get("iters", args.iters), old.get("lr", args.lr))))
        if args.restart and start < args.iters and cycle[1] != args.iters:
            # a cycle in progress has its end moved; a finished one is followed by a new one
            cycle = (cycle[0] if start < cycle[1] else start, args.iters, args.lr)
        print(f"resumed from {last} at iteration {start}; lr cycle {cycle}", flush=True)
    else:
        cycle = (0, args.iters, args.lr)
        frozen_bn = bool(args.init_onnx)
    print(f"model: {count_params(model)} parameters; data: {args.data}", flush=True)

    ds = CropDataset(args.data, size=tuple(args.crop), seed=args.seed + start)
    dl = torch.utils.data.DataLoader(ds, batch_size=args.batch, num_workers=args.workers,
                                     collate_fn=collate, persistent_workers=args.workers > 0,
                                     prefetch_factor=2 if args.workers else None)
    c0, c1, peak = cycle
    warmup = min(300, (c1 - c0) // 10)

    def lr_at(it):
        it -= c0
        if it < warmup:
            return peak * (0.1 + 0.9 * it / warmup)
        t = (it - warmup) / max(1, c1 - c0 - warmup)
        return peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))

    model.train()
    if frozen_bn:
        freeze_batch_norm(model)
    t0 = time.time()
    run = {"cls": 0.0, "box": 0.0, "chk": 0.0, "n": 0}
    it = start
    h, w = args.crop
    for imgs, boxes, labels, checked in dl:
        if it >= args.iters:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(it)
        outp = model(imgs)
        lc, lb, lk = losses(outp, boxes, labels, checked, h, w)
        loss = lc + lb + 0.5 * lk
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        ema.update(model, it)
        it += 1
        run["cls"] += lc.item(); run["box"] += lb.item(); run["chk"] += lk.item(); run["n"] += 1
        if it % args.log_every == 0 or it == args.iters:
            el = time.time() - t0
            rate = (it - start) / el
            n = run["n"]
            print(f"it {it}/{args.iters} loss cls {run['cls']/n:.4f} box {run['box']/n:.4f} "
                  f"chk {run['chk']/n:.4f} lr {lr_at(it):.5f} {rate:.2f} it/s "
                  f"eta {(args.iters - it) / max(rate, 1e-6) / 60:.1f} min", flush=True)
            run = {"cls": 0.0, "box": 0.0, "chk": 0.0, "n": 0}
        if it % args.save_every == 0 or it == args.iters:
            tmp = out / "last.pt.tmp"
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.shadow,
                        "iter": it, "cycle": cycle, "args": vars(args), "frozen_bn": frozen_bn}, tmp)
            os.replace(tmp, last)
    torch.save({"model": ema.shadow, "iter": it, "args": vars(args)}, out / "final.pt")
    print(f"done: {it} iterations in {(time.time() - t0) / 60:.1f} min -> {out / 'final.pt'}", flush=True)


if __name__ == "__main__":
    main()
