"""The pixel checks' former home: they are :mod:`picoagent.vision.checks` now, one
module a family, their thresholds in :mod:`picoagent.vision.checks.config`.
These names stay importable from here for code written against this module."""
from __future__ import annotations

from .checks import *  # noqa: F401,F403
from .checks import __all__  # noqa: F401
