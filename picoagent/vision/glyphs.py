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
  ``scripts/make_glyph_templates.py``).  numpy/OpenCV only, ~2 ms a crop.

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

from .components import components, labels as cc_labels
from .frame import Box


# ---- look-alikes -----------------------------------------------------------------------

#: canonical symbol -> characters that show the same glyph, folded wherever they occur
#: (after NFKC, which already folds the full-width forms ＝ ＋ － ／ （ ％ ＊ ...)
LOOKALIKES: dict[str, str] = {
    "-": "−‐‑‒–—―⁃﹣➖",
    "+": "﹢➕✚",
    "*": "∗✱✲✳⁎﹡✻⋆",
    "/": "⁄∕",
    "×": "✕✖⨯╳✗✘",             # a cross: multiply or close
    "÷": "➗",
    "%": "٪",
    "←": "⟵⬅⇐🡐",
    "→": "⟶➡⇒🡒",
    "↑": "⬆⇑🡑",
    "↓": "⬇⇓🡓",
    "✓": "✔🗸",
    "⚙": "⛭",
    "☰": "≡𝌆",
    "=": "⩵",
}
#: characters that mean a symbol only when they are the whole reading: CJK and other
#: look-alikes PP-OCR returns for a lone symbol (measured: docs/glyphs.md), dots
LOOKALIKES_ALONE: dict[str, str] = {
    "-": "一ー─━", "=": "二〓═", "☰": "三", "*": "米※", "+": "十", "×": "xㄨ乂",
    ".": "。・·•∙⋅", ",": "、‚", "<": "‹〈", ">": "›〉", "(": "❨", ")": "❩",
}
#: several-character spellings of one symbol (compared after folding, case-folded)
SPELLINGS: dict[str, str] = {
    "+/-": "±", "+-": "±", "-/+": "±", "<-": "←", "<--": "←", "->": "→", "-->": "→",
    "√\u0305": "√", "√¯": "√", "√-": "√",          # √‾ (NFKC turns ‾ into U+0305)
}
_FOLD = {ch: canon for canon, alts in LOOKALIKES.items() for ch in alts}
_FOLD_ALONE = {ch: canon for canon, alts in LOOKALIKES_ALONE.items() for ch in alts}
_VARIATION = re.compile("[\ufe0e\ufe0f\u200b\u200d]")


def fold_symbols(text: str, whole: bool = True) -> str:
    """``text`` with symbol look-alikes folded (case and spaces kept).

    ``whole=False`` says ``text`` is one word of a longer text, so the folds meant
    for a text that is one character alone (``二`` -> ``=``, ``x`` -> ``×``, a dot)
    do not apply to it.

    Used by :func:`picoagent.vision.textmatch.normalise` (after NFKC): dashes and
    minus signs become ``-``, ``✕``/``✖`` become ``×``, ``≡`` becomes ``☰``, ``✔``
    becomes ``✓`` wherever they occur; CJK look-alikes (``一 二 三 米``), dots and
    a lone ``x`` only when they are the whole text, so words and CJK text are left
    alone.  Both sides of a comparison are folded the same way, so folding only
    ever makes look-alikes equal.
    """
    t = _VARIATION.sub("", text)
    s = t.strip()
    if len(s) == 1 and whole:
        return _FOLD_ALONE.get(s, _FOLD.get(s, "×" if s in "xX" else s))
    if not any(ch in _FOLD for ch in t):
        return t
    return "".join(_FOLD.get(ch, ch) for ch in t)


def canonical_symbol(text: str) -> str:
    """The canonical spelling of a reading: NFKC, look-alikes folded, several-character
    spellings of one symbol replaced (``+/-`` -> ``±``, ``<-`` -> ``←``), one letter
    case-folded.  Other readings come back NFKC-normalised and folded, with their
    spaces collapsed.

    >>> [canonical_symbol(s) for s in ("＝", "—", "✕", "X", "三", "<-", "+/-", "≡")]
    ['=', '-', '×', '×', '☰', '←', '±', '☰']
    """
    t = " ".join(unicodedata.normalize("NFKC", _VARIATION.sub("", text or "")).split())
    if not t:
        return ""
    f = fold_symbols(t)
    if len(f) == 1:
        return f.casefold()
    squeezed = "".join(f.split()).casefold()
    return SPELLINGS.get(squeezed, f)


def symbol_equivalent(target: str, read: str) -> bool:
    """Whether the reading ``read`` shows the target ``target`` (meant for one-symbol
    targets; any two strings compare by their :func:`canonical_symbol`).

    ``symbol_equivalent("=", "＝")``, ``("×", "✕")``, ``("×", "x")``, ``("-", "—")``,
    ``("☰", "三")`` and ``("←", "<-")`` hold; ``symbol_equivalent("=", "-")`` does not
    (that misreading is what :func:`read_symbol` corrects from the pixels).
    """
    a = canonical_symbol(target).casefold()
    return bool(a) and a == canonical_symbol(read).casefold()


def is_symbol_target(text: str) -> bool:
    """A target that names one symbol or digit (``"="``, ``"×"``, ``"+/-"``, ``"7"``):
    the targets :func:`read_symbol` is for."""
    c = canonical_symbol(text)
    return len(c) == 1 and not c.isalpha()


# ---- ink ---------------------------------------------------------------------------------

SIDE = 20            # glyph vectors are SIDE x SIDE
BLUR = 0.8           # Gaussian sigma applied to the normalised glyph
MIN_CONTRAST = 40    # least colour distance from the face colour that counts as ink
PAD = 2              # face-coloured frame added around the crop
FACE_TOL = 10        # most colour distance from the face colour that is the face


@dataclass(frozen=True)
class Ink:
    mask: np.ndarray          # bool, crop-sized: the symbol's pixels
    box: Box                  # tight box of the ink in crop pixels ((0,0,0,0) if none)
    parts: int                # connected components kept
    columns: int              # groups of ink separated by empty columns (characters)
    background: tuple[int, int, int]


def _face_colour(rgb: np.ndarray) -> np.ndarray:
    """The commonest colour (16 levels a channel) of the middle of the crop."""
    h, w = rgb.shape[:2]
    mid = rgb[int(h * 0.15):h - int(h * 0.15), int(w * 0.15):w - int(w * 0.15)]
    q = (mid >> 4).astype(np.int32)
    key = (q[..., 0] << 8) | (q[..., 1] << 4) | q[..., 2]
    mode = int(np.bincount(key.ravel(), minlength=4096).argmax())
    return mid[key == mode].reshape(-1, 3).mean(0)


def ink(crop: np.ndarray) -> Ink:
    """The symbol's pixels on a button face, any theme.

    Ink is what differs from the face colour (the commonest colour of the middle of
    the crop) by more than an Otsu threshold of the colour distance.  The symbol is
    the ink enclosed by the face (the largest region of the face colour reaching
    into the middle of the crop, framed with a few pixels of face colour), so the
    button's border, relief and neighbours in a loose box are left out; of that,
    the group of parts nearest the middle (a toolbar without button faces).  When
    the face encloses nothing, the ink left after dropping what lies in the outer
    band of the crop is taken.
    """
    rgb = np.asarray(crop)
    if rgb.dtype != np.uint8:
        rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, 2)
    rgb = rgb[:, :, :3]
    h, w = rgb.shape[:2]
    empty = Ink(np.zeros((h, w), bool), (0, 0, 0, 0), 0, 0, (0, 0, 0))
    if h < 3 or w < 3:
        return empty
    bg = _face_colour(rgb)
    # a frame of the face colour, so a glyph touching the edge of a tight crop is
    # still enclosed by the face
    p = PAD
    rgb = cv2.copyMakeBorder(np.ascontiguousarray(rgb), p, p, p, p, cv2.BORDER_CONSTANT,
                             value=tuple(float(v) for v in bg))
    d = np.abs(rgb.astype(np.int16) - bg.astype(np.int16)).max(2).astype(np.uint8)
    if int(d.max()) < MIN_CONTRAST:
        return empty
    t, _ = cv2.threshold(d, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    t = max(float(t), MIN_CONTRAST * 0.75)
    m = (d > t).astype(np.uint8)
    mask = _enclosed_glyph(m, d <= FACE_TOL)
    if mask is None:
        mask = _band_glyph(m)
    if mask is None:
        return empty
    mask = _strip_edge_rules(mask[p:-p, p:-p])
    if not mask.any():
        return empty
    n = cc_labels(mask.astype(np.uint8))[0] - 1
    ys, xs = np.nonzero(mask)
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    cols = mask[y0:y1, x0:x1].any(0)
    runs = int(np.count_nonzero(np.diff(np.concatenate(([0], cols.astype(np.int8)))) == 1))
    return Ink(mask, (x0, y0, x1 - x0, y1 - y0), n, runs, tuple(int(round(v)) for v in bg))


def _enclosed_glyph(m: np.ndarray, flat: np.ndarray) -> np.ndarray | None:
    """Ink inside the holes of the face (the region of the face colour, ``flat``,
    that covers the middle of the crop), the group nearest the middle; None if the
    face encloses no ink."""
    h, w = m.shape
    nf, flab = cv2.connectedComponents(flat.astype(np.uint8), connectivity=4)
    if nf < 2:
        return None
    mid = flab[h // 4:h - h // 4 or h, w // 4:w - w // 4 or w].ravel()
    counts = np.bincount(mid, minlength=nf)
    counts[0] = 0                                   # label 0: not the face colour
    if not counts.any():
        return None
    # the largest region of the face colour reaching into the middle: the face, not
    # the hole of a ⚙ or an 8 in a tight crop
    total = np.bincount(flab.ravel(), minlength=nf)
    total[counts == 0] = 0
    face = flab == int(total.argmax())
    nn, nlab = cc_labels((~face).astype(np.uint8))
    edge = np.unique(np.concatenate((nlab[0], nlab[-1], nlab[:, 0], nlab[:, -1])))
    holes = ~face & ~np.isin(nlab, edge)
    glyph = (m > 0) & holes
    if not glyph.any():
        return None
    n, lab, st, _ = components(glyph.astype(np.uint8))
    inner = _inner(h, w)
    parts = [i for i in range(1, n) if not _is_frame(i, st, lab, inner, w, h)]
    if not parts:
        return None
    if len(parts) == 1:
        return lab == parts[0]
    # several groups (icons of a toolbar without button faces): grow from the part
    # nearest the middle, adding parts within a glyph-sized gap
    boxes = {i: tuple(int(v) for v in st[i][:4]) for i in parts}
    top = max(st[i][4] for i in parts)
    cx, cy = w / 2, h / 2

    def gaps(a, b):
        return (max(0, a[0] - (b[0] + b[2]), b[0] - (a[0] + a[2])),
                max(0, a[1] - (b[1] + b[3]), b[1] - (a[1] + a[3])))

    seed = min((i for i in parts if st[i][4] >= 0.25 * top),
               key=lambda i: max(gaps(boxes[i], (cx, cy, 0, 0))))
    group, gx = {seed}, list(boxes[seed])
    changed = True
    while changed:
        changed = False
        # the next character of a label: up to a line height away beside, or the dot
        # of a ÷ or the bar of an = above or below; icons of a toolbar are further
        lim_x = max(3.0, float(gx[3]), 0.15 * h)
        lim_y = max(3.0, 0.6 * max(gx[2], gx[3]), 0.15 * h)
        for i in parts:
            dx, dy = gaps(boxes[i], gx)
            if i not in group and dx <= lim_x and dy <= lim_y:
                group.add(i)
                x0, y0 = min(gx[0], boxes[i][0]), min(gx[1], boxes[i][1])
                x1 = max(gx[0] + gx[2], boxes[i][0] + boxes[i][2])
                y1 = max(gx[1] + gx[3], boxes[i][1] + boxes[i][3])
                gx = [x0, y0, x1 - x0, y1 - y0]
                changed = True
    return np.isin(lab, list(group))


def _strip_edge_rules(mask: np.ndarray) -> np.ndarray:
    """``mask`` without the rows and columns of the crop's outer band (15%) that ink
    crosses end to end (85%): the edges of a button whose box is shifted a few
    pixels off it (xcalc: its right and bottom edges, joined in an L that the face
    region encloses).  A glyph lies inside, away from them; crops under 12 px are
    left alone (a tight crop around a "-" is all band)."""
    h, w = mask.shape
    if h < 12 or w < 12:
        return mask
    by, bx = max(1, int(0.15 * h)), max(1, int(0.15 * w))
    rows = np.r_[0:by, h - by:h]
    cols = np.r_[0:bx, w - bx:w]
    out = mask.copy()
    out[rows[mask[rows].sum(1) >= 0.85 * w]] = False
    out[:, cols[mask[:, cols].sum(0) >= 0.85 * h]] = False
    return out


def _inner(h: int, w: int) -> np.ndarray:
    band_x, band_y = max(2, int(round(w * 0.12))), max(2, int(round(h * 0.12)))
    inner = np.zeros((h, w), bool)
    inner[band_y:h - band_y, band_x:w - band_x] = True
    return inner


def _is_frame(i: int, st, lab, inner, w: int, h: int) -> bool:
    """Part ``i`` is a border, relief, focus ring or the page around a rounded button:
    a ring around most of the crop, or lying mostly in the crop's outer band."""
    x, y, bw, bh, area = (int(v) for v in st[i])
    if bw >= 0.85 * w and bh >= 0.85 * h and area < 0.5 * bw * bh:
        return True
    # a rule across the whole crop: the top or bottom (left or right) edge of a button
    # in a box that cut its other two edges off; a lone "-" that wide is a tight crop,
    # which _frame_is_glyph gives back
    if (bw >= 0.85 * w and bh <= 0.15 * h) or (bh >= 0.85 * h and bw <= 0.15 * w):
        return True
    # and three edges of one (a bracket): thin, across the crop one way, most of it
    # the other way
    if ((bw >= 0.85 * w and bh >= 0.6 * h) or (bh >= 0.85 * h and bw >= 0.6 * w)) \
            and area < 0.3 * bw * bh:
        return True
    inside = int(((lab[y:y + bh, x:x + bw] == i) & inner[y:y + bh, x:x + bw]).sum())
    touches = x == 0 or y == 0 or x + bw == w or y + bh == h
    return inside < (0.4 if touches else 0.25) * area


def _band_glyph(m: np.ndarray) -> np.ndarray | None:
    """Ink minus the parts lying in the outer band of the crop (border, relief, focus
    ring, the page around a rounded button); all of it when that leaves nothing and
    it is not a frame (a crop tight around the glyph)."""
    h, w = m.shape
    n, lab, st, _ = components(m)
    inner = _inner(h, w)
    keep, frame = [], []
    for i in range(1, n):
        (frame if _is_frame(i, st, lab, inner, w, h) else keep).append(i)
    if not keep:
        keep = frame if frame and _frame_is_glyph(st, frame, w, h) else []
    return np.isin(lab, keep) if keep else None


def _frame_is_glyph(st, ids, w, h) -> bool:
    """Edge-touching ink is the glyph itself when the crop is tight around it."""
    return not any(st[i][2] >= 0.9 * w and st[i][3] >= 0.9 * h and
                   st[i][4] < 0.5 * st[i][2] * st[i][3] for i in ids)


def glyph_image(mask: np.ndarray) -> tuple[np.ndarray, float]:
    """A tight ink mask -> (SIDE x SIDE float image of it, centred in a padded square
    keeping its aspect; log aspect h/w)."""
    h, w = mask.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    y0, x0 = (s - h) // 2, (s - w) // 2
    sq[y0:y0 + h, x0:x0 + w] = mask
    pad = max(1, s // 8)
    sq = cv2.copyMakeBorder(sq, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    interp = cv2.INTER_AREA if sq.shape[0] > SIDE else cv2.INTER_LINEAR
    return cv2.resize(sq, (SIDE, SIDE), interpolation=interp), float(np.log(h / w))


def image_vector(img: np.ndarray) -> np.ndarray:
    """A glyph image -> blurred, zero-mean, unit-norm vector (correlation = dot)."""
    v = cv2.GaussianBlur(img.astype(np.float32), (0, 0), BLUR).ravel()
    v = v - v.mean()
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-6 else v


def glyph_vector(mask: np.ndarray) -> tuple[np.ndarray, float]:
    """A tight ink mask -> (unit-norm, zero-mean SIDE*SIDE vector, log aspect h/w)."""
    img, aspect = glyph_image(mask)
    return image_vector(img), aspect


# ---- classifier --------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "data" / "glyphs.npz"
#: score = correlation - ASPECT_WEIGHT * |log aspect difference| - size penalty
ASPECT_WEIGHT = 0.25
#: ink no larger than TINY_SIDE pixels is a dot, a comma or a short dash
TINY, TINY_SIDE = ".,-", 3
SOLID = 0.9               # ink filling this much of its box is a solid block
#: font size / button height taken as plausible: 0.42-0.59 measured on the 11 fixture
#: screens (digit ink height / button height / 0.72 em), widened both ways for
#: spacious buttons and for icons that fill theirs
EM_RANGE = (0.3, 0.85)
SIZE_WEIGHT = 0.15        # x how far (log) a template's implied font size is outside


class GlyphClassifier:
    """Nearest rendered glyph by normalised correlation, less aspect and size penalties.

    Templates: ``picoagent/data/glyphs.npz`` (``images``: K x SIDE x SIDE uint8 glyph
    images, ``aspect``: log h/w, ``height``: ink height in em, ``labels``, ``sources``),
    made by ``scripts/make_glyph_templates.py``; letters are classes too, so a
    letter is recognised as one (and left to OCR) rather than taken for a symbol."""

    def __init__(self, path: Path = DATA):
        z = np.load(path, allow_pickle=False)
        labels = np.array([str(s) for s in z["labels"]])
        order = np.argsort(labels, kind="stable")           # one run per class
        images = z["images"][order].astype(np.float32) / 255.0     # K x SIDE x SIDE
        self.vectors = np.ascontiguousarray(np.stack([image_vector(i) for i in images]))
        self.aspect = z["aspect"][order].astype(np.float32)
        #: each template's ink height in em (font pixel sizes)
        self.log_height = np.log(z["height"][order].astype(np.float32))
        labels = labels[order]
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
        self.classes = [str(c) for c in labels[starts]]
        self._starts = starts
        self.canonical = {c: canonical_symbol(c) for c in self.classes}

    def scores(self, vec: np.ndarray, aspect: float, rel_height: float | None = None
               ) -> dict[str, float]:
        """Best score per class.  ``rel_height``: ink height / button height, when the
        ink lies on a button face: a template whose ink height in em would need a font
        size outside EM_RANGE button heights is penalised (a comma is not a J)."""
        # einsum, not a BLAS matrix product: a multi-threaded BLAS call costs 10x more
        # on a machine whose cores are busy (measured 15 ms against 1-2 ms)
        s = np.einsum("ij,j->i", self.vectors, vec.astype(np.float32)) \
            - ASPECT_WEIGHT * np.abs(self.aspect - aspect)
        if rel_height is not None:
            em = np.log(rel_height) - self.log_height        # log(font size / button h)
            lo, hi = np.log(EM_RANGE[0]), np.log(EM_RANGE[1])
            s -= SIZE_WEIGHT * (np.maximum(0.0, lo - em) + np.maximum(0.0, em - hi))
        best = np.maximum.reduceat(s, self._starts)
        return dict(zip(self.classes, best.tolist()))

    def class_scores(self, mask: np.ndarray, face_height: int | None = None
                     ) -> dict[str, float]:
        """Best score of every class for a tight ink mask (of a button ``face_height``
        pixels high, when known)."""
        vec, aspect = glyph_vector(mask)
        rel = mask.shape[0] / face_height if face_height else None
        sc = self.scores(vec, aspect, rel)
        h, w = mask.shape
        if max(h, w) <= TINY_SIDE:
            sc = {c: s for c, s in sc.items() if c in TINY}
        elif h >= 2 and w >= 2 and mask.mean() >= SOLID:
            # a solid block has no shape: a thick dash when wide, a big dot when square
            keep = "-" if w >= 1.5 * h else ("." if h < 1.5 * w else None)
            if keep:
                sc = {c: s for c, s in sc.items() if c == keep}
        return sc

    def classify(self, mask: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
        sc = self.class_scores(mask)
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
    sc = classifier().class_scores(ik.mask[y:y + h, x:x + w], np.asarray(crop).shape[0])
    return sorted(sc.items(), key=lambda kv: -kv[1])[:k]


# ---- reading a button face ---------------------------------------------------------------

OCR_WEIGHT = 0.1          # added to the class the OCR reading names, times its confidence
OCR_PAD = 0.25            # the ink box is read with this much of its height around it
OCR_ALONE = 0.8           # score of an OCR reading the classifier has no class for, x conf


@dataclass(frozen=True)
class SymbolReading:
    symbol: str            # canonical symbol or letter shown; a word/label when text
    conf: float            # 0..1
    source: str            # "glyph", "ocr", "both" (they agree) or "" (nothing)
    text: str = ""         # the OCR reading of the ink box as returned
    glyph: str = ""        # the classifier's best class
    glyph_score: float = 0.0
    #: the 5 best classes (template labels: "O" and "o" apart) with combined scores
    candidates: tuple[tuple[str, float], ...] = ()
    ink_box: Box = (0, 0, 0, 0)                      # in crop pixels
    columns: int = 0       # groups of ink side by side: >1 for "+/-", "<-", words

    @property
    def is_symbol(self) -> bool:
        return len(self.symbol) == 1 and not self.symbol.isalpha()


def ocr_ink(crop: np.ndarray, ocr, ik: Ink | None = None) -> tuple[str, float]:
    """OCR (recognition only) of the tight ink box, padded with the face colour.

    Measured on the fixtures: 175/230 one-symbol buttons against 152 for detection +
    recognition of the button crop (the border and a lone symbol's small size stop
    the detector) and 161 for recognising the whole crop."""
    ik = ik or ink(crop)
    if not ik.parts:
        return "", 0.0
    x, y, w, h = ik.box
    p = max(2, int(round(OCR_PAD * max(h, 6))))
    face = cv2.copyMakeBorder(np.ascontiguousarray(np.asarray(crop)[y:y + h, x:x + w, :3]),
                              p, p, p, p, cv2.BORDER_CONSTANT, value=ik.background)
    ln = ocr.recognize(face, [(0, 0, face.shape[1], face.shape[0])])[0]
    return ln.text, float(ln.conf)


def read_symbol(crop: np.ndarray, ocr=None, *, text: tuple[str, float] | None = None
                ) -> SymbolReading:
    """The symbol on one button face.

    ``crop``: RGB uint8 pixels of the button (its box from the element detector, the
    DOM or a grid; a few pixels of margin or the border do not matter).  ``ocr``: an
    :class:`~picoagent.vision.ocr.OcrEngine` to read the ink box with (one
    recognition call, ~25 ms on a Pi-class core); without it (and without
    ``text``, an OCR reading already made) the glyph classifier decides alone (~1 ms).

    The classifier scores every class by correlation with rendered glyphs; the OCR
    reading adds ``OCR_WEIGHT * conf`` to the class it names (after look-alike
    folding), which breaks near-ties (``0``/``O``, ``9``/``g``) without letting a
    misreading (``/`` read as ``1``, ``✓`` as ``J``, ``⌫`` as ``凶``) override a clear
    glyph.  A reading the classifier has no class for (a CJK label) scores
    ``OCR_ALONE * conf``.  A face showing several characters (several ink columns and
    a reading of several characters) is text: the OCR reading is returned as it is.

    ``symbol`` is canonical (:func:`canonical_symbol`): ``×`` for a ✕ or ✖ face,
    ``-`` for − or –; letters keep their case.  ``conf`` is the glyph score (the
    correlation, less penalties), or the OCR confidence where that is higher and
    agrees.  Compare with a target through :func:`symbol_equivalent`.
    """
    ik = ink(crop)
    if not ik.parts:
        return SymbolReading("", 0.0, "")
    if text is None:
        text = ocr_ink(crop, ocr, ik) if ocr is not None else ("", 0.0)
    raw, oconf = text
    read = canonical_symbol(raw)
    x, y, w, h = ik.box
    if len("".join(raw.split())) > 1 and (ik.columns > 1 or w > 1.5 * h):
        return SymbolReading(read, round(oconf, 3), "ocr", raw, ink_box=ik.box,
                             columns=ik.columns)                          # a word, +/-
    clf = classifier()
    sc = clf.class_scores(ik.mask[y:y + h, x:x + w], np.asarray(crop).shape[0])
    best_glyph = max(sc, key=sc.get)
    combined = dict(sc)
    if len(read) == 1:
        named = [c for c in sc if clf.canonical[c] == read]        # "o" names o and O
        for c in named:
            combined[c] += OCR_WEIGHT * oconf
        if not named and not _is_junk(read):
            combined[raw.strip()] = OCR_ALONE * oconf      # a CJK label, an unknown icon
    ranked = sorted(combined.items(), key=lambda kv: -kv[1])[:5]
    winner = ranked[0][0]
    symbol = canonical_symbol(winner)
    agree = bool(read) and read == symbol
    if winner in sc:
        source = "both" if agree and winner == best_glyph else ("ocr" if agree else "glyph")
        conf = max(sc[winner], oconf) if agree else sc[winner]
    else:
        source, conf = "ocr", oconf
    if symbol.isalpha():
        symbol = raw.strip() if agree else winner      # letters keep their case
    return SymbolReading(symbol, round(float(np.clip(conf, 0.0, 1.0)), 3), source, raw,
                         best_glyph, round(float(sc[best_glyph]), 3),
                         tuple((c, round(float(v), 3)) for c, v in ranked), ik.box,
                         ik.columns)


def _is_junk(ch: str) -> bool:
    """OCR readings of a lone icon that name nothing: accented Latin letters (``à``
    for ⚙), empty boxes, control and space characters."""
    return unicodedata.category(ch)[0] in "CZ" or ch in "□■▯▮▢\ufffd" or (
        ch.isalpha() and unicodedata.decomposition(ch) != "")
