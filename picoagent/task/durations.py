"""Durations: a number of seconds or a string such as ``500ms``, ``10s``, ``2m``."""
from __future__ import annotations

import math
import re

# (multiplier, divisor): dividing by 1000 keeps "9ms" == 9 / 1000 exactly
_UNITS = {"ms": (1, 1000), "s": (1, 1), "sec": (1, 1), "m": (60, 1), "min": (60, 1),
          "h": (3600, 1)}
_RX = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(ms|s|sec|m|min|h)?\s*$")


def parse_duration(value: object) -> float:
    """Return seconds. Raises ValueError with a readable message."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 500ms, 10s or 2m, got {value!r}")
    if isinstance(value, (int, float)):
        secs = float(value)
    elif isinstance(value, str):
        m = _RX.match(value)
        if not m:
            raise ValueError(f"expected a duration like 500ms, 10s or 2m, got {value!r}")
        mult, div = _UNITS[m.group(2) or "s"]
        secs = float(m.group(1)) * mult / div
    else:
        raise ValueError(f"expected a duration like 500ms, 10s or 2m, got {type(value).__name__}")
    if math.isnan(secs) or math.isinf(secs):
        raise ValueError(f"duration must be finite, got {value!r}")
    if secs < 0:
        raise ValueError(f"duration must not be negative, got {value!r}")
    return secs
