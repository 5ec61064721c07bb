"""picoagent: script what a person does at a screen, on a Raspberry-Pi-class board.

Library API (the CLI is a thin layer over these)::

    import picoagent
    task = picoagent.load_task("task.yaml")
    result = picoagent.run(task)                 # the live display (Wayland or X11)
    v = picoagent.Vision(threads=1)
    v.find("screen.png", "OK")                   # -> Match or None
    with picoagent.open_session(threads="auto") as s:   # screen, input, vision
        s.run(task)
"""
from __future__ import annotations

from .errors import (EnvironmentProblem, PicoAgentError, StepFailure, TargetNotFound,
                     TaskFileError)
from .agent.session import Session, open_session
from .task import Locator, Task, load_task, parse_locator
from .vision import Element, Frame, Match, Vision

__version__ = "0.1.0"


def run(task: Task, *, screen=None, input=None, vision: Vision | None = None,
        threads: int | str | None = None, backend: str = "auto", output: str | None = None,
        **kw):
    """Run ``task`` and return a :class:`~picoagent.agent.RunResult`.

    Devices default to the live display the session has (Wayland when
    WAYLAND_DISPLAY is set, else X11; ``backend`` overrides) and a new Vision
    (``threads``: a count or ``"auto"``); pass your own to run against something
    else.  Keyword arguments go to :class:`~picoagent.agent.Runner` (report,
    dry_run, on_step, variables, ...).  :func:`open_session` is the same wiring
    for several runs.
    """
    with open_session(task, screen=screen, input=input, vision=vision, threads=threads,
                      backend=backend, output=output,
                      dry_run=bool(kw.get("dry_run"))) as session:
        return session.run(task, **kw)


__all__ = ["Element", "EnvironmentProblem", "Frame", "Locator", "Match", "PicoAgentError",
           "StepFailure", "TargetNotFound", "Task", "TaskFileError", "Vision", "load_task",
           "open_session", "parse_locator", "run", "Session", "__version__"]
