"""The agent loop: observe -> perceive -> locate -> act -> settle -> verify.

The runner is handed every device (screen, input, vision); it builds none
(:mod:`picoagent.agent.assemble` does).  It is the single place where step-level
exceptions become report entries, and where a step's ${variables} are bound
(``Step.bind``, just before its handler runs).  What each step kind does is its
handler, registered by step class in :mod:`.handlers` and :mod:`.flow`.
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .. import defaults
from ..devices.input import Input
from ..devices.screen import Screen
from ..errors import (BudgetExceeded, DisplayLost, EnvironmentProblem, PicoAgentError,
                      RunInterrupted, StepFailure, TargetNotFound, TaskFileError)
from ..memory import TRIM_EVERY, release_free_memory
from ..task.interpolate import InterpolationError, interpolate
from ..task.model import Condition, Locator, Task
from ..task.steps import Step, TypeText
from ..vision.frame import (
    Frame,
    Match,
    clip_box,
    frame_to_screen,
    screen_region_to_frame,
)
from ..vision import timing
from ..vision.vision import Vision
from .report import Report, annotate, save_png


@dataclass(frozen=True, kw_only=True)
class StepResult:
    """What one executed step did.  ``status``: passed, failed, warning, skipped."""

    index: int
    kind: str
    where: str
    status: str
    depth: int = 0
    label: str | None = None
    target: str | None = None
    element: dict | None = None
    score: float | None = None
    point: tuple[int, int] | None = None
    runners_up: list = field(default_factory=list)
    action: str | None = None
    message: str | None = None
    ms: float = 0.0
    timings: dict = field(default_factory=dict)
    screenshot: str | None = None

    def to_record(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if v not in (None, [], {})}
        d["ms"] = round(self.ms, 1)
        return d


@dataclass(frozen=True, kw_only=True)
class RunResult:
    ok: bool
    steps: tuple[StepResult, ...]
    failure: StepResult | None
    duration_s: float
    variables: dict
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


#: where a step's time goes, in the order shown: the screen capture, then perception's
#: stages (picoagent.vision.timing), then the input actions
STAGES = ("capture", *timing.STAGES, "act")


class _Outcome(Exception):
    """Internal: a block step's nested failure carried up."""


@dataclass
class _StepInfo:
    target: str | None = None
    match: Match | None = None
    frame: Frame | None = None
    point: tuple[int, int] | None = None
    action: str | None = None
    message: str | None = None
    status: str = "passed"
    #: set when the pointer was moved off during the step (shown before ``message``)
    parked: str | None = None
    #: the stage clocks when the step began (:meth:`Runner._clock`)
    clock: dict = field(default_factory=dict)


class Runner:
    """Runs one task.  ``on_step`` is called with each StepResult as it completes."""

    def __init__(self, task: Task, *, screen: Screen, input: Input, vision: Vision,
                 report: Report | None = None, dry_run: bool = False,
                 on_step: Callable[[StepResult], None] | None = None,
                 variables: Mapping[str, str] | None = None,
                 env: Mapping[str, str] | None = None,
                 stop_event: threading.Event | None = None):
        self.task = task
        self.settings = task.settings
        self.screen = screen
        self.input = input
        self.vision = vision
        self.report = report
        self.dry_run = dry_run
        self.on_step = on_step or (lambda r: None)
        self.env = dict(os.environ if env is None else env)
        # --var values first, as given; then `vars:` values in order (a value may use
        # ${env.X}, earlier variables and --var names: the loader checked that)
        self.vars: dict[str, str] = {k: task.vars[k] for k in task.literal_vars}
        for k, v in task.vars.items():
            if k not in task.literal_vars:
                try:
                    self.vars[k] = interpolate(v, self.vars, self.env)
                except InterpolationError as e:     # e.g. an env var unset since loading
                    raise TaskFileError(f"vars: {k}: {e}", str(task.path)) from None
        self.vars.update(variables or {})
        self.stop = stop_event or threading.Event()
        self.results: list[StepResult] = []
        self.secrets: set[str] = set()
        self._count = 0
        self._capture_ms = self._act_ms = 0.0
        self._procs: list[subprocess.Popen] = []
        self._deadline = 0.0
        self._start = 0.0
        self._last_frame: Frame | None = None
        #: what settings.notify's POST after a failure did (None: none was sent)
        self.notify_result = None
        self._tolerant = 0
        self._in_on_failure = False
        #: the pointer rests where a click, drag or scroll of ours left it (not a
        #: `move`, whose point is to hover): it may be what raised a tooltip
        self._parkable = False

    # ---- public ----------------------------------------------------------------------
    def run(self) -> RunResult:
        self._start = time.monotonic()
        self._deadline = self._start + self.settings.max_runtime
        failure: StepResult | None = None
        interrupted = False
        error: BaseException | None = None
        try:
            try:
                self._run_block(self.task.steps, 0)
            except _Outcome:
                failure = next(r for r in reversed(self.results) if r.status == "failed")
            if failure is not None and self.task.on_failure:
                self._deadline = time.monotonic() + max(30.0, self.settings.timeout * 3)
                self._in_on_failure = True      # numbering goes on; max_steps not applied
                try:
                    self._run_block(self.task.on_failure, 0, on_failure=True)
                except _Outcome:
                    pass
            if failure is not None:
                self._notify_failure(failure.message, failure)
        except KeyboardInterrupt:
            interrupted = True
            self._release()
            raise RunInterrupted(2) from None
        except RunInterrupted:
            interrupted = True
            self._release()
            raise
        except PicoAgentError as e:          # the display went away, a model is missing...
            error = e
            self._release()
            self._notify_failure(self._redact(str(e)))
            raise
        except BaseException:
            self._release()
            raise
        finally:
            self._finish(failure, interrupted, error)
        return RunResult(ok=failure is None, steps=tuple(self.results), failure=failure,
                         duration_s=time.monotonic() - self._start,
                         variables=dict(self.vars))

    def _release(self) -> None:
        """Let go of any key or button held: nothing stays pressed after an error."""
        try:
            self.input.release_all()
        except Exception:  # noqa: BLE001 - the display may be what failed
            pass

    def _finish(self, failure, interrupted, error=None) -> None:
        release_free_memory()
        for p in self._procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, 15)
                except (ProcessLookupError, PermissionError):
                    pass
        for p in self._procs:
            try:
                p.wait(timeout=2)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, 9)
                except (ProcessLookupError, PermissionError):
                    pass
        if self.report is not None:
            self.report.write({"summary": True,
                               "ok": failure is None and not interrupted and error is None,
                               "interrupted": interrupted,
                               "error": str(error) if error is not None else None,
                               "steps": len(self.results),
                               "failed_at": failure.where if failure else None,
                               "duration_s": round(time.monotonic() - self._start, 3)})
            self.report.close()

    def _notify_failure(self, message: str | None, failure: StepResult | None = None
                        ) -> None:
        from .flow import notify_failure
        notify_failure(self, message, failure)

    # ---- blocks and steps ------------------------------------------------------------
    def _run_block(self, steps, depth: int, on_failure: bool = False) -> None:
        for step in steps:
            self._run_step(step, depth)

    def _run_step(self, step: Step, depth: int) -> None:
        if self.stop.is_set():
            raise RunInterrupted(15)
        self._count += 1
        idx = self._count
        if idx % TRIM_EVERY == 0:
            release_free_memory()
        t0 = time.perf_counter()
        info = _StepInfo(clock=self._clock())
        err: BaseException | None = None
        block = step.block
        if block and step.optional:
            self._tolerant += 1           # failures inside an optional block are warnings
        try:
            if self._count > self.settings.max_steps and not self._in_on_failure:
                raise BudgetExceeded(f"max_steps ({self.settings.max_steps}) reached")
            if time.monotonic() > self._deadline:
                raise BudgetExceeded(f"max_runtime ({self.settings.max_runtime:g}s) reached")
            handler = HANDLERS[type(step)]
            if block:
                self._emit(step, idx, depth, info, t0, status="started")
            # the step's ${variables} are bound here, once, as it starts (conditions
            # of if/repeat are bound each time they are evaluated: _condition)
            handler(self, step.bind(self.vars, self.env), info, depth)
        except _Outcome:
            if not (block and step.optional):
                raise
            info.message = "a step inside failed (optional block)"
            self._emit(step, idx, depth, info, t0, status="warning")
            return
        except StepFailure as e:
            err = e
        except (InterpolationError, re.error) as e:
            err = StepFailure(str(e))
        except (DisplayLost, RunInterrupted, KeyboardInterrupt):
            raise
        finally:
            if block and step.optional:
                self._tolerant -= 1
        if err is not None:
            info.message = str(err)
            # optional steps, dry runs and attempts inside retry/optional blocks warn
            tolerated = step.optional or self.dry_run or self._tolerant > 0
            res = self._emit(step, idx, depth, info, t0,
                             status="warning" if tolerated else "failed")
            if not tolerated:
                self._shoot(res, info)
                raise _Outcome()
            if not (step.optional or self.dry_run):
                raise _Outcome()          # let the enclosing retry / optional block see it
            return
        self._emit(step, idx, depth, info, t0, status=info.status)

    def _emit(self, step: Step, idx: int, depth: int, info: _StepInfo, t0: float,
              status: str) -> StepResult:
        m = info.match
        if info.parked:
            info.message = "; ".join(t for t in (info.parked, info.message) if t)
            info.parked = None
        res = StepResult(
            index=idx, kind=step.kind, where=str(step.where), status=status, depth=depth,
            label=self._label(step), target=self._redact(info.target),
            element=self._redact_element(m.element.to_dict()) if m else None,
            score=round(m.score, 3) if m else None, point=info.point,
            runners_up=[self._redact_element(r) for r in m.to_dict()["runners_up"]]
            if m else [],
            action=self._redact(info.action), message=self._redact(info.message),
            ms=(time.perf_counter() - t0) * 1000,
            timings={**(m.timings if m else {}), **self._stage_ms(info.clock)}
            if status != "started" else {})
        if status == "started":
            self.on_step(res)
            return res
        typed_secret = isinstance(step, TypeText) and (
            step.secret or step.mentions(self.task.secrets))
        if self.report is not None and status != "failed" and step.acts \
                and info.frame is not None and not typed_secret:
            res = self._shoot(res, info, record=False)
        self.results.append(res)
        if self.report is not None and status != "failed":
            self.report.write(res.to_record())
        self.on_step(res)
        return res

    def _shoot(self, res: StepResult, info: _StepInfo, record: bool = True) -> StepResult:
        """Annotated screenshot for a step that acted or failed (report only)."""
        if self.report is None:
            return res
        name = f"step-{res.index:03d}-{res.kind}.png"
        try:
            frame = info.frame or self._last_frame or self.screen.grab()
            boxes = [tuple(res.element["box"])] if res.element else []
            pt = info.match.point if info.match else None
            save_png(self.report.image_path(name), annotate(frame.image, boxes, pt))
            res = replace(res, screenshot=name)
        except (PicoAgentError, OSError):
            pass
        if record:
            if self.results and self.results[-1].index == res.index:
                self.results[-1] = res
            self.report.write(res.to_record())
        return res

    def _label(self, step: Step) -> str | None:
        """The step's label with ${variables} (as written when one is undefined)."""
        if step.label is None:
            return None
        try:
            return self._redact(interpolate(step.label, self.vars, self.env))
        except InterpolationError:
            return step.label

    def _redact_element(self, el: dict) -> dict:
        if el.get("text"):
            el["text"] = self._redact(el["text"])
        return el

    def _secret_values(self) -> set[str]:
        vals = set(self.secrets)
        for name in self.task.secrets:
            v = self.env.get(name[4:]) if name.startswith("env.") else self.vars.get(name)
            if v:
                vals.add(v)
        return vals

    def _redact(self, text: str | None) -> str | None:
        if text is None:
            return None
        for s in sorted(self._secret_values(), key=len, reverse=True):
            if s:
                text = text.replace(s, "***")
        return text

    # ---- observing and waiting -------------------------------------------------------
    def _grab(self) -> Frame:
        t = time.perf_counter()
        frame = self.screen.grab()
        self._capture_ms += (time.perf_counter() - t) * 1000
        self._last_frame = frame
        return frame

    def _clock(self) -> dict[str, float]:
        """Milliseconds spent so far in each stage of STAGES: capturing and acting
        (counted here), perception (vision.timing)."""
        return {**timing.snapshot(), "capture": self._capture_ms, "act": self._act_ms}

    def _stage_ms(self, before: dict[str, float]) -> dict[str, float]:
        """Each stage's milliseconds since ``before`` (``capture_ms``, ``diff_ms``, ...)."""
        now = self._clock()
        return {f"{k}_ms": round(now[k] - before[k], 1) for k in STAGES}

    def _region(self, frame: Frame):
        if self.settings.region is None:
            return None
        return screen_region_to_frame(frame, self.settings.region)

    def _timeout(self, step: Step | None, own: float | None = None) -> float:
        if own is not None:
            return own
        if step is not None and step.timeout is not None:
            return step.timeout
        return self.settings.timeout

    def _sleep(self, seconds: float) -> None:
        end = min(time.monotonic() + seconds, self._deadline)
        while not self.stop.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            self.stop.wait(min(left, 0.1))
        raise RunInterrupted(15)

    def _poll(self, probe: Callable[[Frame], Any], timeout: float,
              park: _StepInfo | None = None) -> tuple[Any, Frame, float]:
        """Observe until ``probe(frame)`` returns a value other than None.

        Observations are at least ``interval`` apart; returns (value, frame, waited_s)
        or (None, last_frame, waited_s) at the timeout.  Never busy-waits.  With
        ``park`` (a step looking for a target), the pointer is moved off once after
        ``park_after`` without a value (:meth:`_park`).
        """
        start = time.monotonic()
        end = min(start + timeout, self._deadline)
        while True:
            t = time.monotonic()
            frame = self._grab()
            value = probe(frame)
            if value is not None:
                return value, frame, time.monotonic() - start
            if time.monotonic() >= end or self.dry_run:
                return None, frame, time.monotonic() - start
            if (park is not None and self._parkable and self.settings.park_after > 0
                    and time.monotonic() - start >= self.settings.park_after):
                self._park(frame, park)
                continue                        # look again at once
            self._sleep(max(0.0, min(self.settings.interval - (time.monotonic() - t),
                                     end - time.monotonic())))

    def _try_locate(self, loc: Locator, frame: Frame, prefer: str | None = None
                    ) -> Match | TargetNotFound:
        try:
            return self.vision.locate(frame, loc, self._region(frame),
                                      min_score=self.settings.min_score,
                                      confidence=self.settings.confidence, prefer=prefer)
        except TargetNotFound as e:
            return e

    def _wait_locate(self, loc: Locator, step: Step | None, info: _StepInfo,
                     timeout: float | None = None, prefer: str | None = None
                     ) -> tuple[Match, Frame]:
        info.target = loc.describe()
        last: list[TargetNotFound] = []

        def probe(frame):
            r = self._try_locate(loc, frame, prefer)
            if isinstance(r, TargetNotFound):
                last[:] = [r]
                return None
            return r

        m, frame, waited = self._poll(probe, self._timeout(step, timeout), park=info)
        info.frame = frame
        if m is None:
            e = last[0] if last else TargetNotFound(f"{loc.describe()} not found")
            if self.dry_run:
                raise TargetNotFound(f"{e} on the current screen (dry run)",
                                     locator=e.locator)
            raise TargetNotFound(f"{e} after {waited:.1f}s", locator=e.locator,
                                 waited_s=waited)
        info.match = m
        return m, frame

    def _park(self, frame: Frame, info: _StepInfo) -> None:
        """Move the pointer off, once: to the screen's right edge, half-way down (no
        corner: pyautogui's fail-safe).  A tooltip raised by the pointer where our
        last click left it can cover the next target (GTK shows one ~0.5 s after
        the pointer stops, and keeps it while the pointer rests)."""
        self._parkable = False
        x, y = frame_to_screen(frame, frame.width - 1, frame.height // 2)
        self.input.move(x, y)
        info.parked = (f"pointer moved off to ({x}, {y}) after "
                       f"{self.settings.park_after:g}s without the target")

    def _point(self, m: Match, frame: Frame) -> tuple[int, int]:
        return frame_to_screen(frame, *m.point)

    def _act(self, info: _StepInfo, description: str, fn: Callable[[], None],
             rests: bool | None = None) -> None:
        """Do ``fn`` (not in a dry run), then pause ``settle``; ``rests``: whether the
        pointer now rests where the action left it, for :meth:`_park` (None: as it was)."""
        info.action = ("would " if self.dry_run else "") + description
        if not self.dry_run:
            t = time.perf_counter()
            fn()
            self._act_ms += (time.perf_counter() - t) * 1000
            if rests is not None:
                self._parkable = rests
            self._sleep(self.settings.settle)

    def _wait_locate_verified(self, loc, step, info) -> tuple[Match, Frame]:
        """Locate, then look again at the target's own pixels just before acting; when
        they changed (a dialog popped up, the layout moved), locate again instead of
        acting on a stale position.  Bounded: ``defaults.VERIFY_ATTEMPTS`` tries."""
        for attempt in range(defaults.VERIFY_ATTEMPTS):
            m, frame = self._wait_locate(loc, step, info, prefer=step.prefer)
            if m.note:                  # which of near-tied candidates it acts on, and why
                info.message = "; ".join(t for t in (info.message, m.note) if t)
            if self.dry_run:
                return m, frame
            now = self._grab()
            if now is frame or _same_pixels(frame, now, m.element.box):
                return m, now
            info.message = f"target area changed before acting; located again " \
                           f"({attempt + 1}x)"
        return m, frame

    def _gone(self, step, loc, info, exc):
        info.target = loc.describe()
        m, frame, waited = self._poll(
            lambda f: True if isinstance(self._try_locate(loc, f), TargetNotFound) else None,
            self._timeout(step))
        info.frame = frame
        if m is None:
            raise exc(f"{loc.describe()} still visible after {waited:.1f}s")

    # ---- control flow ----------------------------------------------------------------
    def _condition(self, c: Condition) -> bool:
        if c.var is not None:
            value = self.vars.get(c.var)
            if value is None:
                return False
            return compare(value, c.op, c.bind(self.vars, self.env).operand)
        loc = c.bind(self.vars, self.env).locator
        want_visible = c.visible is not None
        timeout = c.timeout or 0.0
        hit, _, _ = self._poll(
            lambda f: True if isinstance(self._try_locate(loc, f), Match) == want_visible
            else None, timeout)
        return hit is not None


#: how a failed comparison reads ("does not equal ...")
OPS = {"equals": "equal", "matches": "match", "contains": "contain"}


def compare(value: str, op: str, operand: str) -> bool:
    if op == "equals":
        return value.strip() == operand.strip()
    if op == "contains":
        return operand in value
    try:
        return re.fullmatch(operand, value.strip()) is not None
    except re.error as e:
        raise StepFailure(f"invalid regular expression {operand!r}: {e}") from None


def _same_pixels(a: Frame, b: Frame, box, pad: int = 4) -> bool:
    if a.image.shape != b.image.shape:
        return False
    x, y, w, h = clip_box((box[0] - pad, box[1] - pad, box[2] + 2 * pad, box[3] + 2 * pad),
                          a.width, a.height)
    return bool(np.array_equal(a.image[y:y + h, x:x + w], b.image[y:y + h, x:x + w]))


def run(task: Task, *, screen: Screen, input: Input, vision: Vision, **kw) -> RunResult:
    """Run ``task`` with the given devices.  See :class:`Runner` for keyword arguments."""
    return Runner(task, screen=screen, input=input, vision=vision, **kw).run()


# the handlers register themselves by step class; they use the names above
from .handlers import HANDLERS  # noqa: E402

__all__ = ["RunResult", "Runner", "StepResult", "run", "EnvironmentProblem", "clip_box"]
