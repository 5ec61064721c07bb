"""The one place that assembles a run: screen, input, vision and runner.

``picoagent run``, :func:`picoagent.run`, the MCP server, ``picoagent watch`` and
``find`` / ``inspect`` all call :func:`open_session`; what it opens it closes.
Devices and perception may be handed in (tests give their own); whatever is not
is built from the options: the live display (Wayland or X11, ``backend``), a
recording input for a dry run, and a :class:`~picoagent.vision.Vision` with the
threads resolved (``auto`` included) and the task's match thresholds.
"""
from __future__ import annotations

from typing import Any

from .. import defaults
from ..task.model import Task


def make_vision(threads: int | str | None = None, task: Task | None = None):
    """A Vision with ``threads`` (a count, ``auto``; None: the task's setting, else
    defaults.THREADS) and, for a task, its min_score and confidence."""
    from ..vision import Vision

    if threads is None and task is not None:
        threads = task.settings.threads
    n = defaults.resolve_threads(threads)
    if task is None:
        return Vision(threads=n)
    return Vision(threads=n, min_score=task.settings.min_score,
                  confidence=task.settings.confidence)


class Session:
    """Screen, input and vision for one or more runs.  ``devices``: what
    :func:`open_session` opened (None when screen and input were handed in); its
    ``backend``, ``reason`` and ``description`` say which display it is."""

    def __init__(self, *, screen, input, vision=None, devices=None,
                 threads: int | str | None = None, task: Task | None = None):
        self.screen = screen
        self.input = input
        self.devices = devices
        self._vision = vision
        self._threads = threads
        self._task = task

    @property
    def vision(self):
        """Built on first use (it loads no model until it perceives)."""
        if self._vision is None:
            self._vision = make_vision(self._threads, self._task)
        return self._vision

    @property
    def backend(self) -> str | None:
        return self.devices.backend if self.devices is not None else None

    @property
    def reason(self) -> str | None:
        return self.devices.reason if self.devices is not None else None

    @property
    def description(self) -> str | None:
        return self.devices.description if self.devices is not None else None

    def runner(self, task: Task, **kw: Any):
        """A Runner for ``task`` on these devices; keyword arguments go to it
        (report, dry_run, on_step, variables, stop_event, ...)."""
        from .runner import Runner
        return Runner(task, screen=self.screen, input=self.input, vision=self.vision, **kw)

    def run(self, task: Task, **kw: Any):
        """Run ``task``; returns its RunResult."""
        return self.runner(task, **kw).run()

    def close(self) -> None:
        """Close the devices this session opened (none it was handed)."""
        if self.devices is not None:
            self.devices.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_session(task: Task | None = None, *, screen=None, input=None, vision=None,
                 devices=None, backend: str = "auto", output: str | None = None,
                 threads: int | str | None = None, dry_run: bool = False,
                 need_input: bool = True) -> Session:
    """Wire a session from options.  ``task`` supplies defaults (settings.output,
    threads, min_score, confidence).  The display is opened only when a screen, or
    an input a run will use, is not handed in (``devices``: already opened ones).  A
    dry run gets a recording input that never touches the display.  Raises
    EnvironmentProblem when the display cannot be opened."""
    if task is not None:
        output = output or task.settings.output
    need_input = need_input and input is None and not dry_run
    if devices is None and (screen is None or need_input):
        from ..devices.backend import open_devices
        devices = open_devices(backend, output=output, need_input=need_input)
    if screen is None:
        screen = devices.screen
    if input is None:
        if dry_run:
            from ..devices import RecordingInput
            input = RecordingInput()
        elif devices is not None:
            input = devices.input
    return Session(screen=screen, input=input, vision=vision, devices=devices,
                   threads=threads, task=task)
