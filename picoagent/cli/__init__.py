"""Command line: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success, 1 a step failed, 2 invalid task file or usage,
3 environment problem (no display, a compositor without the protocols we need,
model missing), 130 SIGINT, 143 SIGTERM.

The ``main`` group and what the commands share are in :mod:`.common`; the
commands in :mod:`.tasks` (run, validate, schema), :mod:`.screen` (find, inspect,
doctor, bench) and :mod:`.serve` (mcp, watch, service, record).
"""
from __future__ import annotations

from . import screen, serve, tasks  # noqa: F401  (each registers its commands)
from .common import EXIT_ENV, EXIT_FAILED, EXIT_INVALID, EXIT_OK, main

__all__ = ["EXIT_ENV", "EXIT_FAILED", "EXIT_INVALID", "EXIT_OK", "main"]
