"""One error hierarchy for the whole library.

The CLI maps these to exit codes (see ``EXIT_CODES``); the runner converts the
step-level ones (``StepFailure`` subclasses) into report entries.  Nothing else
catches them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class PicoAgentError(Exception):
    """Base of every error picoagent raises on purpose."""

    exit_code = 1


class TaskFileError(PicoAgentError):
    """The task file (or a file it references) is invalid. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 key: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.key}: " if self.key and not self.message.startswith(self.key) else ""
        return f"{where}{key}{self.message}"


class UsageError(PicoAgentError):
    """Bad command-line usage (e.g. malformed --var). Exit code 2."""

    exit_code = 2


class EnvironmentProblem(PicoAgentError):
    """No display, Wayland without X, missing model file... Exit code 3."""

    exit_code = 3


class StepFailure(PicoAgentError):
    """A step did not achieve what it asked for. Exit code 1."""

    exit_code = 1


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """The best thing we saw when a target was not found (for messages/reports), and
    why it was not taken: ``reason`` is a short phrase ("below min_score 0.80", "its
    pixels show 'l'", "not right_of 'Cancel'"), or None where none is known."""

    text: str | None
    score: float
    box: tuple[int, int, int, int] | None
    reason: str | None = None


class TargetNotFound(StepFailure):
    """A locator matched nothing.  The message names the best candidate seen, its
    score and why it was refused, on one line:
    ``'1' not found (closest: '1', score 1.00; its pixels show '/')``."""

    def __init__(self, message: str, *, locator: str = "", best: Candidate | None = None,
                 waited_s: float = 0.0):
        self.locator = locator
        self.best = best
        self.waited_s = waited_s
        if best is not None and best.text is not None:
            why = f"; {best.reason}" if best.reason else ""
            message += f" (closest: {best.text!r}, score {best.score:.2f}{why})"
        super().__init__(message.replace("\r", " ").replace("\n", " "))     # one line


class AssertionFailed(StepFailure):
    """An ``expect``/``check`` step failed."""


class ActionFailed(StepFailure):
    """An action could not be carried out (a launched program failed, ...)."""


class BudgetExceeded(StepFailure):
    """max_steps or max_runtime reached."""


class DisplayLost(EnvironmentProblem):
    """The X server went away during a run."""


class RunInterrupted(PicoAgentError):
    """SIGINT / SIGTERM during a run."""

    def __init__(self, signum: int = 2):
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__("interrupted" if signum == 2 else f"terminated by signal {signum}")


def describe(err: BaseException) -> dict[str, Any]:
    return {"type": type(err).__name__, "message": str(err)}
