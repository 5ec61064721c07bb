"""Text similarity for locators.  Pure functions, no models.

A target matches a line of OCR text either as a whole (score = similarity of the
normalised strings) or as a run of whole words inside the line (score capped at
``defaults.PARTIAL_PENALTY`` so an exact element outranks a partial one).
Similarity is rapidfuzz's normalised Indel ratio.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from .. import defaults
from .glyphs import fold_symbols

_WORD = re.compile(r"\S+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(text: str, whole: bool = True) -> str:
    """NFKC (folds full-width look-alikes), symbol look-alikes folded (``—``/``−`` ->
    ``-``, ``✕`` -> ``×``, ``≡`` -> ``☰``; a lone ``二`` -> ``=``, ``x`` -> ``×``: see
    :func:`picoagent.vision.glyphs.fold_symbols`), case-fold, collapse whitespace."""
    t = fold_symbols(unicodedata.normalize("NFKC", text), whole).casefold()
    return " ".join(t.split())


@dataclass(frozen=True)
class TextScore:
    score: float
    start: int          # character span in the original line that matched
    end: int
    partial: bool


_DIGITS = re.compile(r"\d+")
#: score given to a pair whose numbers differ ("Guest 03" vs "Guest 06")
NUMBER_MISMATCH_CAP = 0.5


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        # Fuzzy matching absorbs OCR noise in words, but a different number is a
        # different target: "Guest 03" must never resolve to "Guest 06".
        return min(NUMBER_MISMATCH_CAP, fuzz.ratio(a, b) / 100.0)
    best = fuzz.ratio(a, b) / 100.0
    # "Name:" vs "Name", "OK." vs "OK": compare without edge punctuation too.
    a2, b2 = _EDGE_PUNCT.sub("", a), _EDGE_PUNCT.sub("", b)
    if a2 and b2 and (a2, b2) != (a, b):
        best = max(best, (1.0 if a2 == b2 else fuzz.ratio(a2, b2) / 100.0) * 0.98)
    return best


def score_text(target: str, line: str) -> TextScore:
    """How well ``target`` matches ``line``, and which characters of ``line`` matched."""
    nt = normalise(target)
    found = list(_WORD.finditer(line))
    # a word of a longer line is not "the whole text": no lone-character folds for it
    # (the line "Acme Labs · Visitor" keeps its "·"; the line "二" is "=")
    words = [(m.start(), m.end(), normalise(m.group(), whole=len(found) == 1)) for m in found]
    if not nt or not words:
        return TextScore(0.0, 0, len(line), False)
    full = _ratio(nt, " ".join(w for _, _, w in words))
    best = TextScore(full, words[0][0], words[-1][1], False)
    k = len(nt.split())
    n = len(words)
    if n > 1:
        for size in {max(1, k - 1), k, k + 1}:
            if size >= n:
                continue
            for i in range(0, n - size + 1):
                window = words[i:i + size]
                s = _ratio(nt, " ".join(w for _, _, w in window)) * defaults.PARTIAL_PENALTY
                if s > best.score + 1e-9:
                    best = TextScore(s, window[0][0], window[-1][1], True)
    return best


#: a box is too narrow for a target when its width is below this many line heights
#: per character (UI fonts measure 0.3-0.7; OCR boxes add some padding)
MIN_CHAR_ASPECT = 0.12
WHOLE_CHAR_ASPECT = (0.2, 1.3)


def plausible_order(target: str, boxes: list) -> list:
    """The boxes that could hold ``target``, most plausible first.

    First boxes whose width fits the whole target (by characters per line height),
    nearest fit first; then wider boxes (the target may be a run of words in a
    longer line), narrowest first.  Boxes too narrow to hold it are left out.
    """
    n = max(1, len(normalise(target)))
    fit, wide = [], []
    for b in boxes:
        w, h = b[2], max(1, b[3])
        r = w / (h * n)
        if r < MIN_CHAR_ASPECT:
            continue
        if r <= WHOLE_CHAR_ASPECT[1]:
            fit.append((abs(r - 0.5), b))
        else:
            wide.append((w, b))
    return [b for _, b in sorted(fit, key=lambda t: t[0])] + \
        [b for _, b in sorted(wide, key=lambda t: t[0])]
