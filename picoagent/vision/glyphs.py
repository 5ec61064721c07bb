"""One-symbol buttons: read the symbol on a button face (``7``, ``=``, ``×``, ``✓``, ``☰``).

PP-OCR reads a lone symbol badly: ``=`` comes back as ``二`` or ``-``, ``*`` as
``米``, ``+`` and ``-`` often as nothing at all, and other symbols as full-width
or CJK look-alikes.  Two things fix that (measurements: docs/glyphs.md):

* :func:`canonical_symbol` folds look-alike spellings of one symbol onto one
  canonical character (``＝``/``〓`` -> ``=``, ``—``/``−``/``一`` -> ``-``,
  ``✕``/``✖``/``x`` -> ``×``, ``≡``/``三`` -> ``☰``, ``<-`` -> ``←`` ...), and
  :func:`symbol_equivalent` compares a target with a reading through it;
* :func:`classify_glyph` recognises the ink of the button face by normalised
  correlation against glyphs rendered from installed TrueType, Type 1 and X
  bitmap fonts (``picoagent/data/glyphs.npz``, made by
  ``scripts/make_glyph_templates.py``).  numpy/OpenCV only, ~1 ms a crop.

:func:`read_symbol` combines the two with the OCR reading of the tight ink box.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

Box = tuple[int, int, int, int]

# ---- look-alikes -----------------------------------------------------------------------

#: canonical symbol -> spellings that show (or that OCR returns for) the same glyph.
#: Applied after NFKC, so full-width forms (＝ ＋ － ／ （ ％ ...) are already folded.
LOOKALIKES: dict[str, str] = {
    "-": "−‐‑‒–—―⁃﹣➖─━ー一‒",
    "+": "﹢➕✚十†",
    "=": "〓═⩵゠",
    "*": "∗✱✲✳⁎﹡✻米※⋆",
    "/": "⁄∕╱",
    "×": "✕✖⨯╳✗✘乂ㄨ",          # a cross: multiply or close; x/X only alone (below)
    "÷": "➗",
    "%": "٪⁒",
    ".": "。・·•∙⋅",
    ",": "、‚",
    "±": "∓",
    "√": "✓✔",                    # overwritten below: ✓ is its own symbol
    "←": "⟵⬅⇐🡐🠔↤",
    "→": "⟶➡⇒🡒🠖↦",
    "↑": "⬆⇑🡑",
    "↓": "⬇⇓🡓",
    "✓": "✔☑✅🗸",
    "⚙": "⛭⛮🔧",
    "☰": "≡三𝌆☷",
    "⌫": "⌦⮐",
    "(": "❨❪⦅",
    ")": "❩❫⦆",
    "<": "‹〈〈",
    ">": "›〉〉",
}
LOOKALIKES["√"] = "∛"          # ✓ and √ differ (√ has the bar): keep them apart
#: several-character spellings of one symbol (compared after NFKC + case folding)
SPELLINGS: dict[str, str] = {
    "+/-": "±", "+/−": "±", "+-": "±", "-/+": "±",
    "<-": "←", "<--": "←", "<=": "←", "->": "→", "-->": "→", "=>": "→",
    "<x]": "⌫", "del": "⌫", "⌫": "⌫",
    "sqrt": "√", "√‾": "√", "√¯": "√", "√-": "√", "√ -": "√", "√ ‾": "√",
    "==": "=",
}
#: single characters that mean a symbol only when they are the whole reading
ALONE: dict[str, str] = {"x": "×", "ｘ": "×", "^": "↑", "v": "✓", "√": "√"}
_FOLD = {ch: canon for canon, alts in LOOKALIKES.items() for ch in alts}
_VARIATION = re.compile("[\ufe0e\ufe0f\u200b\u200d]")

#: the symbols the glyph classifier knows (letters are left to OCR)
SYMBOLS = tuple("0123456789") + tuple("+-*/=%.,()") + \
    ("×", "÷", "±", "√", "←", "→", "↑", "↓", "✓", "⚙", "☰", "⌫", "#", "<", ">")


def fold_symbols(text: str) -> str:
    """``text`` with symbol look-alikes folded (any length; no case folding).

    Used by :func:`picoagent.vision.textmatch.normalise`: dashes and minus signs
    become ``-``, ``✕``/``✖`` become ``×``, ``≡`` becomes ``☰`` ... everywhere.
    CJK look-alikes (``一 十 三 米 二 口``) are only folded when they are the whole
    text, so Chinese or Japanese text is left alone.
    """
    t = _VARIATION.sub("", text)
    if len(t.strip()) == 1:
        return canonical_symbol(t)
    if not any(ch in _FOLD for ch in t):
        return t
    return "".join(ch if _is_cjk(ch) else _FOLD.get(ch, ch) for ch in t)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def canonical_symbol(text: str) -> str:
    """The canonical spelling of a symbol reading: NFKC, look-alikes folded, case
    folded when the reading is one letter.  Readings that are not a symbol come
    back NFKC-normalised and stripped of spaces.

    >>> [canonical_symbol(s) for s in ("＝", "—", "✕", "X", "三", "<-", "+/-", "≡")]
    ['=', '-', '×', '×', '☰', '←', '±', '☰']
    """
    t = unicodedata.normalize("NFKC", _VARIATION.sub("", text or "")).strip()
    if not t:
        return ""
    low = t.casefold()
    if low in SPELLINGS:
        return SPELLINGS[low]
    squeezed = "".join(low.split())
    if squeezed in SPELLINGS:
        return SPELLINGS[squeezed]
    if len(t) == 1:
        if low in ALONE:
            return ALONE[low]
        if t in ("二", "〓"):
            return "="
        if t == "口":
            return "0"
        return _FOLD.get(t, t)
    return "".join(_FOLD.get(ch, ch) for ch in squeezed) if len(squeezed) <= 3 else t


def symbol_equivalent(target: str, read: str) -> bool:
    """Whether a reading ``read`` shows the one-symbol target ``target``.

    Both sides go through :func:`canonical_symbol`: ``symbol_equivalent("=", "＝")``,
    ``symbol_equivalent("×", "✕")``, ``symbol_equivalent("-", "—")`` and
    ``symbol_equivalent("←", "<-")`` hold; ``symbol_equivalent("=", "-")`` does not
    (that misreading is what :func:`read_symbol` corrects from the pixels).
    """
    a, b = canonical_symbol(target), canonical_symbol(read)
    return bool(a) and a == b


def is_symbol_target(text: str) -> bool:
    """A target that names one symbol (``"="``, ``"×"``, ``"+/-"``, ``"7"``)."""
    c = canonical_symbol(text)
    return len(c) == 1 and not c.isalpha()


# ---- ink ---------------------------------------------------------------------------------

SIDE = 20            # glyph vectors are SIDE x SIDE
BLUR = 0.8           # Gaussian sigma applied to the normalised glyph
MIN_CONTRAST = 40    # least colour distance from the face colour that counts as ink


@dataclass(frozen=True)
class Ink:
    mask: np.ndarray          # bool, crop-sized: the symbol's pixels
    box: Box                  # tight box of the ink in crop pixels ((0,0,0,0) if none)
    parts: int                # connected components kept
    columns: int              # groups of ink separated by empty columns (characters)
    background: tuple[int, int, int]


def _face_colour(rgb: np.ndarray) -> np.ndarray:
    q = (rgb >> 4).astype(np.int32)
    key = (q[..., 0] << 8) | (q[..., 1] << 4) | q[..., 2]
    counts = np.bincount(key.ravel(), minlength=4096)
    mode = int(counts.argmax())
    sel = key == mode
    return rgb[sel].reshape(-1, 3).mean(0)


def ink(crop: np.ndarray) -> Ink:
    """The symbol's pixels on a button face, any theme.

    Ink is what differs from the face colour (the commonest colour) by more than an
    Otsu threshold of the colour distance; components that lie in the outer band of
    the crop and touch its edge (the button's border, focus ring, the page around a
    rounded button) are dropped unless nothing else is left.
    """
    rgb = np.asarray(crop)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, 2)
    rgb = rgb[:, :, :3]
    h, w = rgb.shape[:2]
    empty = Ink(np.zeros((h, w), bool), (0, 0, 0, 0), 0, 0, (0, 0, 0))
    if h < 3 or w < 3:
        return empty
    bg = _face_colour(rgb)
    d = np.abs(rgb.astype(np.int16) - bg.astype(np.int16)).max(2).astype(np.uint8)
    if int(d.max()) < MIN_CONTRAST:
        return empty
    t, _ = cv2.threshold(d, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    t = max(float(t), MIN_CONTRAST * 0.75)
    m = (d > t).astype(np.uint8)
    n, lab, st, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    band_x, band_y = max(2, int(round(w * 0.12))), max(2, int(round(h * 0.12)))
    inner = np.zeros((h, w), bool)
    inner[band_y:h - band_y, band_x:w - band_x] = True
    keep, frame = [], []
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in st[i])
        touches = x == 0 or y == 0 or x + bw == w or y + bh == h
        if touches:
            sel = lab[y:y + bh, x:x + bw] == i
            inside = int((sel & inner[y:y + bh, x:x + bw]).sum())
            if inside < 0.4 * area or (bw >= 0.9 * w and bh >= 0.9 * h):
                frame.append(i)
                continue
        keep.append(i)
    if not keep:
        keep = frame if len(frame) and _frame_is_glyph(st, frame, w, h) else []
    if not keep:
        return empty
    mask = np.isin(lab, keep)
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    cols = mask[y0:y1, x0:x1].any(0)
    runs = int(np.count_nonzero(np.diff(np.concatenate(([0], cols.astype(np.int8)))) == 1))
    return Ink(mask, (x0, y0, x1 - x0, y1 - y0), len(keep), runs,
               tuple(int(round(v)) for v in bg))


def _frame_is_glyph(st, ids, w, h) -> bool:
    """Edge-touching ink is the glyph itself when the crop is tight around it."""
    return not any(st[i][2] >= 0.9 * w and st[i][3] >= 0.9 * h and
                   st[i][4] < 0.5 * st[i][2] * st[i][3] for i in ids)


def glyph_vector(mask: np.ndarray) -> tuple[np.ndarray, float]:
    """A tight ink mask -> (unit-norm, zero-mean SIDE*SIDE vector, log aspect h/w)."""
    h, w = mask.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    y0, x0 = (s - h) // 2, (s - w) // 2
    sq[y0:y0 + h, x0:x0 + w] = mask
    pad = max(1, s // 8)
    sq = cv2.copyMakeBorder(sq, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    interp = cv2.INTER_AREA if sq.shape[0] > SIDE else cv2.INTER_LINEAR
    v = cv2.resize(sq, (SIDE, SIDE), interpolation=interp)
    v = cv2.GaussianBlur(v, (0, 0), BLUR).ravel()
    v = v - v.mean()
    n = float(np.linalg.norm(v))
    return (v / n if n > 1e-6 else v), float(np.log(h / w))


# ---- classifier --------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "data" / "glyphs.npz"
ASPECT_WEIGHT = 0.25      # score = correlation - ASPECT_WEIGHT * |log aspect difference|


class GlyphClassifier:
    """Nearest rendered glyph by normalised correlation (+ an aspect-ratio penalty)."""

    def __init__(self, path: Path = DATA):
        z = np.load(path, allow_pickle=False)
        self.vectors = z["vectors"].astype(np.float32) / 127.0      # K x D
        self.vectors /= np.maximum(np.linalg.norm(self.vectors, axis=1, keepdims=True), 1e-6)
        self.aspect = z["aspect"].astype(np.float32)
        self.labels = [str(s) for s in z["labels"]]
        self.classes = sorted(set(self.labels))
        self._label_idx = np.array([self.classes.index(s) for s in self.labels])

    def scores(self, vec: np.ndarray, aspect: float) -> dict[str, float]:
        s = self.vectors @ vec - ASPECT_WEIGHT * np.abs(self.aspect - aspect)
        best = np.full(len(self.classes), -9.0, np.float32)
        np.maximum.at(best, self._label_idx, s)
        return {c: float(b) for c, b in zip(self.classes, best)}

    def classify(self, mask: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
        vec, aspect = glyph_vector(mask)
        sc = self.scores(vec, aspect)
        return sorted(sc.items(), key=lambda kv: -kv[1])[:k]


_classifier: GlyphClassifier | None = None
_lock = threading.Lock()


def classifier() -> GlyphClassifier:
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = GlyphClassifier()
    return _classifier


def classify_glyph(crop: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
    """The ``k`` likeliest symbols on a button face crop, with scores (best first)."""
    ik = ink(crop)
    if not ik.parts:
        return []
    x, y, w, h = ik.box
    return classifier().classify(ik.mask[y:y + h, x:x + w], k)
