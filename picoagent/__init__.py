"""picoagent: script what a person does at a screen, on a Raspberry-Pi-class board.

Library API (the CLI is a thin layer over these)::

    import picoagent
    task = picoagent.load_task("task.yaml")
    result = picoagent.run(task)                 # the live display (Wayland or X11)
    v = picoagent.Vision(threads=1)
    v.find("screen.png", "OK")                   # -> Match or None
"""
from __future__ import annotations

from .errors import (EnvironmentProblem, PicoAgentError, StepFailure, TargetNotFound,
                     TaskFileError)
from .task import Locator, Task, load_task
from .vision import Element, Frame, Match, Vision

__version__ = "0.1.0"


def run(task: Task, *, screen=None, input=None, vision: Vision | None = None,
        threads: int | None = None, backend: str = "auto", output: str | None = None,
        **kw):
    """Run ``task`` and return a :class:`~picoagent.agent.RunResult`.

    Devices default to the live display the session has (Wayland when
    WAYLAND_DISPLAY is set, else X11; ``backend`` overrides) and a new Vision;
    pass your own to run against something else.  Keyword arguments go to
    :class:`~picoagent.agent.Runner` (report, dry_run, on_step, variables, ...).
    """
    from .agent import Runner
    from .devices import RecordingInput
    from .devices.backend import open_devices

    devices = None
    if screen is None or (input is None and not kw.get("dry_run")):
        devices = open_devices(backend, output=output or task.settings.output,
                               need_input=input is None and not kw.get("dry_run"))
    screen = screen or devices.screen
    if input is None:
        input = RecordingInput() if kw.get("dry_run") else devices.input
    vision = vision or Vision(threads=threads or task.settings.threads or 1,
                              min_score=task.settings.min_score,
                              confidence=task.settings.confidence)
    try:
        return Runner(task, screen=screen, input=input, vision=vision, **kw).run()
    finally:
        if devices is not None:
            devices.close()


__all__ = ["Element", "EnvironmentProblem", "Frame", "Locator", "Match", "PicoAgentError",
           "StepFailure", "TargetNotFound", "Task", "TaskFileError", "Vision", "load_task",
           "run", "__version__"]
