"""Frames, elements and the one conversion between coordinate spaces.

Three spaces exist:
  * **frame pixels**: indices into the captured image (what models see);
  * **screen points**: what the pointer (pyautogui / XTest) uses;
  * **model input pixels**: private to each model's pre/post-processing.

A :class:`Frame` knows where its pixel (0, 0) lies in screen points (``origin``)
and how many screen points one frame pixel spans (``scale``; 1.0 on a plain X
server, 0.5 when the screenshot has twice the pointer's resolution).  Every
conversion goes through :func:`frame_to_screen` / :func:`screen_to_frame`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

Box = tuple[int, int, int, int]     # x, y, w, h in frame pixels


@dataclass(frozen=True, eq=False)
class Frame:
    image: np.ndarray                       # H x W x 3, RGB, uint8
    origin: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0                      # screen points per frame pixel
    t: float = field(default_factory=time.monotonic)

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    def crop(self, box: Box) -> np.ndarray:
        x, y, w, h = clip_box(box, self.width, self.height)
        return self.image[y:y + h, x:x + w]


def frame_to_screen(frame: Frame, x: float, y: float) -> tuple[int, int]:
    """A frame pixel position to the screen point the pointer should go to."""
    return (int(round(frame.origin[0] + x * frame.scale)),
            int(round(frame.origin[1] + y * frame.scale)))


def screen_to_frame(frame: Frame, x: float, y: float) -> tuple[float, float]:
    return ((x - frame.origin[0]) / frame.scale, (y - frame.origin[1]) / frame.scale)


def screen_region_to_frame(frame: Frame, region: Box) -> Box:
    x0, y0 = screen_to_frame(frame, region[0], region[1])
    x1, y1 = screen_to_frame(frame, region[0] + region[2], region[1] + region[3])
    return clip_box((int(x0), int(y0), int(round(x1 - x0)), int(round(y1 - y0))),
                    frame.width, frame.height)


def clip_box(box: Box, width: int, height: int) -> Box:
    x, y, w, h = box
    x0, y0 = max(0, min(int(x), width)), max(0, min(int(y), height))
    x1, y1 = max(x0, min(int(x + w), width)), max(y0, min(int(y + h), height))
    return (x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True, kw_only=True)
class Element:
    """Something perceived on a frame.  ``box`` is in frame pixels."""

    kind: str                       # "text", "image", "point", or a UI element kind
    box: Box
    text: str | None = None
    score: float = 1.0              # recognition / match / detection confidence
    source: str = ""                # "ocr", "template:<file>", "point", "model"
    checked: bool | None = None     # checkbox / radio / toggle state (model kinds)

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return (x + w / 2.0, y + h / 2.0)

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "text": self.text, "box": list(self.box),
             "score": round(self.score, 3), "source": self.source}
        if self.checked is not None:
            d["checked"] = self.checked
        return d


@dataclass(frozen=True, kw_only=True)
class Match:
    """A resolved locator: the element, how well it matched, where to act."""

    element: Element
    score: float
    point: tuple[float, float]      # frame pixels, offset applied
    runners_up: tuple[Element, ...] = ()
    runner_scores: tuple[float, ...] = ()
    timings: dict = field(default_factory=dict)
    #: how an acting step chose among near-tied candidates (locate.ACT_TIERS), or None
    note: str | None = None

    def to_dict(self) -> dict:
        d = {"element": self.element.to_dict(), "score": round(self.score, 3),
             "point": [round(self.point[0], 1), round(self.point[1], 1)],
             "runners_up": [dict(e.to_dict(), match=round(s, 3))
                            for e, s in zip(self.runners_up, self.runner_scores)]}
        if self.note:
            d["note"] = self.note
        return d


def as_rgb_array(image) -> np.ndarray:
    """Accept a numpy array (RGB or RGBA), a PIL image or a path; return RGB uint8."""
    from pathlib import Path

    if isinstance(image, (str, Path)):
        from PIL import Image
        with Image.open(image) as im:
            return np.asarray(im.convert("RGB"))
    if hasattr(image, "convert") and hasattr(image, "size"):
        return np.asarray(image.convert("RGB"))
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return np.ascontiguousarray(arr, dtype=np.uint8)
