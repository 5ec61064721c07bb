"""Where perception time goes: running totals per stage, in milliseconds.

Each stage adds its time here where it is timed already (one line each): change
detection (``diff``: comparing a frame with the last), text detection
(``detect``: the fast path's boxes and the neural detector), recognition
(``recognise``) and the UI element model with its checks (``elements``).  A
caller that wants the cost of some work reads :func:`snapshot` before it and
:func:`since` after it (the runner does so for every step; the totals only grow).
"""
from __future__ import annotations

STAGES = ("diff", "detect", "recognise", "elements")

_totals = dict.fromkeys(STAGES, 0.0)


def add(stage: str, ms: float) -> None:
    """Count ``ms`` milliseconds for ``stage`` (one of STAGES)."""
    _totals[stage] += ms


def snapshot() -> dict[str, float]:
    """The totals now, to pass to :func:`since` later."""
    return dict(_totals)


def since(before: dict[str, float]) -> dict[str, float]:
    """Milliseconds per stage spent after ``before`` was taken."""
    return {k: _totals[k] - before[k] for k in STAGES}
