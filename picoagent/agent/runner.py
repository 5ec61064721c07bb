"""The agent loop: observe -> perceive -> locate -> act -> settle -> verify.

The runner is handed every device (screen, input, vision); it builds none.  It
is the single place where step-level exceptions become report entries.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import defaults
from ..devices.input import Input
from ..devices.screen import Screen
from ..errors import (ActionFailed, AssertionFailed, BudgetExceeded, DisplayLost,
                      TaskFileError,
                      EnvironmentProblem, PicoAgentError, RunInterrupted, StepFailure,
                      TargetNotFound)
from ..task.interpolate import InterpolationError, interpolate
from ..task.model import (Check, Condition, Drag, If, Include, Launch, Locator, Notify,
                          Read, Repeat, Retry, Scroll, Step, Task, TypeText, WaitStable)
from ..vision.frame import Frame, Match, clip_box, frame_to_screen, screen_region_to_frame
from ..vision.geometry import overlaps, reading_order
from ..vision.vision import Vision
from .report import Report, annotate, encode_png, save_png

ACTING = {"click", "double_click", "right_click", "move", "drag", "scroll", "type", "press"}
#: steps whose target is preferred to be something that can be acted on, and how
#: (vision.locate.ACT_TIERS; drag: its source only)
PREFER = {"click": "press", "double_click": "press", "right_click": "press", "drag": "press",
          "type": "type"}


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
        info = _StepInfo()
        err: BaseException | None = None
        block = step.kind in ("if", "repeat", "retry", "include")
        if block and step.optional:
            self._tolerant += 1           # failures inside an optional block are warnings
        try:
            if self._count > self.settings.max_steps and not self._in_on_failure:
                raise BudgetExceeded(f"max_steps ({self.settings.max_steps}) reached")
            if time.monotonic() > self._deadline:
                raise BudgetExceeded(f"max_runtime ({self.settings.max_runtime:g}s) reached")
            handler = getattr(self, "_do_" + step.kind)
            if block:
                self._emit(step, idx, depth, info, t0, status="started")
            handler(step, step.args, info, depth)
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
            ms=(time.perf_counter() - t0) * 1000, timings=dict(m.timings) if m else {})
        if status == "started":
            self.on_step(res)
            return res
        typed_secret = step.kind == "type" and (
            step.args.secret or any(n in step.args.text for n in self._secret_refs()))
        if self.report is not None and status != "failed" and step.kind in ACTING \
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

    def _secret_refs(self) -> list[str]:
        return ["${" + n + "}" for n in self.task.secrets]

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
        frame = self.screen.grab()
        self._last_frame = frame
        return frame

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

    def _bind(self, loc: Locator) -> Locator:
        return bind_locator(loc, self.vars, self.env)

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
        loc = self._bind(loc)
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
            fn()
            if rests is not None:
                self._parkable = rests
            self._sleep(self.settings.settle)

    # ---- pointer steps ---------------------------------------------------------------
    def _pointer(self, step, loc, info, what, fn, rests=True):
        m, frame = self._wait_locate_verified(loc, step, info)
        x, y = self._point(m, frame)
        info.point = (x, y)
        self._act(info, f"{what} ({x}, {y})", lambda: fn(x, y), rests=rests)

    def _wait_locate_verified(self, loc, step, info) -> tuple[Match, Frame]:
        """Locate, then look again at the target's own pixels just before acting; when
        they changed (a dialog popped up, the layout moved), locate again instead of
        acting on a stale position.  Bounded: ``defaults.VERIFY_ATTEMPTS`` tries."""
        for attempt in range(defaults.VERIFY_ATTEMPTS):
            m, frame = self._wait_locate(loc, step, info, prefer=PREFER.get(step.kind))
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

    def _do_click(self, step, loc, info, depth):
        self._pointer(step, loc, info, "click", lambda x, y: self.input.click(x, y))

    def _do_double_click(self, step, loc, info, depth):
        self._pointer(step, loc, info, "double-click",
                      lambda x, y: self.input.click(x, y, clicks=2))

    def _do_right_click(self, step, loc, info, depth):
        self._pointer(step, loc, info, "right-click",
                      lambda x, y: self.input.click(x, y, button="right"))

    def _do_move(self, step, loc, info, depth):
        self._pointer(step, loc, info, "move to", lambda x, y: self.input.move(x, y),
                      rests=False)     # a hover: the pointer is meant to rest there

    def _do_drag(self, step, a: Drag, info, depth):
        m0, f0 = self._wait_locate_verified(a.source, step, info)
        p0 = self._point(m0, f0)
        m1, f1 = self._wait_locate(a.target, step, info)
        p1 = self._point(m1, f1)
        info.target = f"{a.source.describe()} -> {a.target.describe()}"
        info.point = p1
        self._act(info, f"drag {p0} -> {p1}", lambda: self.input.drag(*p0, *p1), rests=True)

    def _do_scroll(self, step, a: Scroll, info, depth):
        x = y = None
        if a.at is not None:
            m, frame = self._wait_locate_verified(a.at, step, info)
            x, y = self._point(m, frame)
            info.point = (x, y)
        self._act(info, f"scroll {a.direction} {a.amount}",
                  lambda: self.input.scroll(a.direction, a.amount, x, y), rests=True)

    def _do_type(self, step, a: TypeText, info, depth):
        text = interpolate(a.text, self.vars, self.env)
        secret = a.secret or any(r in a.text for r in self._secret_refs())
        if secret:
            self.secrets.add(text)
        if a.into is not None:
            m, frame = self._wait_locate_verified(a.into, step, info)
            x, y = self._point(m, frame)
            info.point = (x, y)
            self._act(info, f"click ({x}, {y})", lambda: self.input.click(x, y), rests=True)
            if a.clear:
                def clear():
                    for chord in ("end", "shift+home", "backspace"):
                        self.input.press(chord)
                self._act(info, "clear", clear)
        shown = "***" if secret else repr(text)
        self._act(info, f"type {shown}", lambda: self.input.type_text(text))
        if secret:
            info.action = ("would " if self.dry_run else "") + "type ***"

    def _do_press(self, step, keys, info, depth):
        def press():
            for chord in keys:
                self.input.press(chord)
        self._act(info, "press " + ", ".join(keys), press)

    # ---- waiting and assertions ------------------------------------------------------
    def _do_wait_for(self, step, loc, info, depth):
        self._wait_locate(loc, step, info)

    def _do_expect(self, step, loc, info, depth):
        try:
            self._wait_locate(loc, step, info)
        except TargetNotFound as e:
            raise AssertionFailed(f"expected {info.target} to be visible: {e}") from None

    def _gone(self, step, loc, info, exc):
        loc = self._bind(loc)
        info.target = loc.describe()
        m, frame, waited = self._poll(
            lambda f: True if isinstance(self._try_locate(loc, f), TargetNotFound) else None,
            self._timeout(step))
        info.frame = frame
        if m is None:
            raise exc(f"{loc.describe()} still visible after {waited:.1f}s")

    def _do_wait_gone(self, step, loc, info, depth):
        self._gone(step, loc, info, StepFailure)

    def _do_expect_gone(self, step, loc, info, depth):
        self._gone(step, loc, info, AssertionFailed)

    def _do_wait_stable(self, step, a: WaitStable, info, depth):
        state: dict[str, Any] = {}

        def probe(frame):
            region = screen_region_to_frame(frame, a.region) if a.region else \
                (0, 0, frame.width, frame.height)
            digest = hashlib.blake2b(frame.crop(region).tobytes(), digest_size=16).digest()
            now = time.monotonic()
            if digest != state.get("d"):
                state.update(d=digest, since=now)
                return None
            return True if now - state["since"] >= a.duration else None

        timeout = self._timeout(step) + a.duration
        ok, frame, waited = self._poll(probe, timeout)
        info.target = f"region {list(a.region)}" if a.region else "screen"
        if ok is None and not self.dry_run:
            raise StepFailure(f"{info.target} did not stay unchanged for {a.duration:g}s "
                              f"within {waited:.1f}s")

    def _do_read(self, step, a: Read, info, depth):
        pattern = interpolate(a.pattern, self.vars, self.env) if a.pattern else None
        try:
            rx = re.compile(pattern) if pattern else None
        except re.error as e:
            raise StepFailure(f"pattern {pattern!r} is invalid: {e}") from None
        found: list[str] = []
        target_found = False

        def text_on(frame) -> str | None:
            nonlocal target_found
            if a.at is not None:
                r = self._try_locate(self._bind(a.at), frame)
                if isinstance(r, TargetNotFound):
                    found[:] = [str(r)]
                    return None
                info.match = r
                target_found = True
                box = r.element.box
                lines = self.vision.text_lines(frame, self._region(frame))
                hits = [ln for ln in lines if overlaps(ln.box, box)]
                hits = [hits[i] for i in reading_order([ln.box for ln in hits])]
                text = " ".join(ln.text for ln in hits) or (r.element.text or "")
            else:
                region = screen_region_to_frame(frame, a.region)
                lines = self.vision.text_lines(frame, region)
                order = reading_order([ln.box for ln in lines])
                text = " ".join(lines[i].text for i in order)
                if not text:
                    return None                 # nothing to read there (yet)
            target_found = True
            found[:] = [text]
            if rx is None:
                return text
            mm = rx.search(text)
            if mm is None:
                return None
            return mm.group(1) if mm.groups() else mm.group(0)

        value, frame, waited = self._poll(text_on, self._timeout(step), park=info)
        info.frame = frame
        info.target = self._bind(a.at).describe() if a.at else f"region {list(a.region)}"
        if value is None:
            seen = found[0] if found else ""
            if target_found and rx is not None:
                why = f"pattern /{pattern}/ did not match {seen!r}"
            else:
                why = seen or "no text there"
            raise StepFailure(f"read {info.target}: {why} after {waited:.1f}s")
        self.vars[a.into] = value
        info.message = f"{a.into} = {value!r}"

    def _do_check(self, step, a: Check, info, depth):
        value = interpolate(a.value, self.vars, self.env)
        operand = interpolate(a.operand, self.vars, self.env)
        if not _compare(value, a.op, operand):
            raise AssertionFailed(f"check failed: {value!r} does not {_OPS[a.op]} {operand!r}")
        info.message = f"{value!r} {_OPS[a.op]} {operand!r}"

    def _do_set(self, step, values: dict, info, depth):
        for k, v in values.items():
            self.vars[k] = interpolate(v, self.vars, self.env)
        info.message = ", ".join(f"{k} = {self.vars[k]!r}" for k in values)

    def _do_sleep(self, step, seconds: float, info, depth):
        info.action = f"{'would ' if self.dry_run else ''}sleep {seconds:g}s"
        if not self.dry_run:
            self._sleep(seconds)

    def _do_log(self, step, message: str, info, depth):
        info.message = interpolate(message, self.vars, self.env)

    def _do_notify(self, step, a: Notify, info, depth):
        from ..notify import post_json, shown_url
        url = interpolate(a.url, self.vars, self.env)
        info.target = shown_url(url)
        if self.dry_run:
            info.action = f"would notify {info.target}"
            info.status = "skipped"
            return
        message = interpolate(a.message, self.vars, self.env) if a.message is not None \
            else f"{self.task.name}: {self._label(step) or 'notify'} ({step.where})"
        body = self._notify_body(
            a, event="notify", message=message,
            step={"index": self._count, "kind": step.kind, "where": str(step.where),
                  "label": self._label(step)},
            shot=("screen.png", self._grab()) if a.screenshot else None)
        r = post_json(url, body, headers=self._notify_headers(a),
                      timeout=step.timeout if step.timeout is not None else a.timeout)
        if not r.ok:
            raise ActionFailed(f"notify {info.target}: {r.describe()}")
        info.action = f"POST {info.target}: {r.describe()}"

    def _notify_headers(self, a: Notify) -> dict[str, str]:
        return {k: interpolate(v, self.vars, self.env) for k, v in a.headers}

    def _notify_body(self, a: Notify, *, event: str, message: str, step: dict | None,
                     shot: tuple[str, Any] | None) -> dict:
        """The JSON summary, every text masked (no secret value reaches the body)."""
        from ..notify import build_body
        title = interpolate(a.title, self.vars, self.env) if a.title is not None \
            else f"picoagent: {self.task.name}" + (" failed" if event == "failed" else "")
        png = None
        if shot is not None:
            name, img = shot
            data = img if isinstance(img, bytes) else encode_png(img.image)
            png = (name, data) if data else None
        step = {k: self._redact(v) if isinstance(v, str) else v
                for k, v in (step or {}).items() if v is not None} or None
        return build_body(title=self._redact(title), message=self._redact(message),
                          task=self._redact(self.task.name), event=event, step=step,
                          screenshot=png)

    def _notify_failure(self, message: str | None, failure: StepResult | None = None
                        ) -> None:
        """settings.notify: one POST after a failed run (or a run ended by an error).
        Its outcome goes to the report and the log; it never changes the result."""
        n = self.settings.notify
        if n is None or self.dry_run:
            return
        import logging

        from ..notify import post_json, shown_url
        shot = None
        if n.screenshot:
            path = (self.report.image_path(failure.screenshot)
                    if failure is not None and failure.screenshot and self.report is not None
                    else None)
            try:
                if path is not None and path.is_file():
                    shot = (path.name, path.read_bytes())
                elif self._last_frame is not None:
                    shot = ("screen.png", self._last_frame)
            except OSError:
                shot = None
        step = None
        if failure is not None:
            step = {"index": failure.index, "kind": failure.kind, "where": failure.where,
                    "label": failure.label, "target": failure.target}
        try:
            url = interpolate(n.url, self.vars, self.env)
            body = self._notify_body(n, event="failed", message=message or "failed",
                                     step=step, shot=shot)
            r = post_json(url, body, headers=self._notify_headers(n), timeout=n.timeout)
            shown = shown_url(url)
        except InterpolationError as e:
            from ..notify import NotifyResult
            r, shown = NotifyResult(ok=False, error=f"settings.notify: {e}"), "?"
        self.notify_result = r
        if not r.ok:
            logging.getLogger(__name__).warning("notify %s failed: %s", shown,
                                                self._redact(r.describe()))
        if self.report is not None:
            try:
                self.report.write({"notify": True, "url": shown, "ok": r.ok,
                                   "result": self._redact(r.describe()),
                                   "ms": round(r.ms, 1)})
            except PicoAgentError:
                pass

    def _do_screenshot(self, step, path: str, info, depth):
        p = Path(interpolate(path, self.vars, self.env))
        if self.dry_run:
            info.action = f"would save {p}"
            info.status = "skipped"
            return
        base = self.report.folder if self.report is not None else self.task.folder
        p = p if p.is_absolute() else base / p
        frame = self._grab()
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            save_png(p, frame.image)
        except OSError as e:
            raise ActionFailed(f"cannot write screenshot {p}: {e.strerror or e}") from None
        info.message = f"saved {p}"

    def _do_launch(self, step, a: Launch, info, depth):
        argv = [interpolate(x, self.vars, self.env) for x in a.argv]
        info.target = " ".join(argv)
        if self.dry_run:
            info.action = "would launch " + " ".join(argv)
            info.status = "skipped"
            return
        try:
            p = subprocess.Popen(argv, cwd=self.task.folder, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        except FileNotFoundError:
            raise ActionFailed(f"launch: command not found: {argv[0]}") from None
        except OSError as e:
            raise ActionFailed(f"launch {argv[0]}: {e.strerror or e}") from None
        info.action = f"launch pid {p.pid}"
        if not a.detach:
            self._procs.append(p)
        if a.wait:
            timeout = step.timeout if step.timeout is not None \
                else defaults.LAUNCH_WAIT_TIMEOUT_S
            end = min(time.monotonic() + timeout, self._deadline)
            while p.poll() is None:
                if time.monotonic() >= end:
                    raise ActionFailed(f"{argv[0]} still running after "
                                       f"{time.monotonic() - (end - timeout):.1f}s")
                if self.stop.wait(0.05):
                    raise RunInterrupted(15)
            if p.returncode != 0:
                raise ActionFailed(f"{argv[0]} exited with status {p.returncode}")

    # ---- control flow ----------------------------------------------------------------
    def _condition(self, c: Condition) -> bool:
        if c.var is not None:
            value = self.vars.get(c.var)
            if value is None:
                return False
            return _compare(value, c.op, interpolate(c.operand, self.vars, self.env))
        loc = self._bind(c.visible or c.not_visible)
        want_visible = c.visible is not None
        timeout = c.timeout or 0.0
        hit, _, _ = self._poll(
            lambda f: True if isinstance(self._try_locate(loc, f), Match) == want_visible
            else None, timeout)
        return hit is not None

    def _do_if(self, step, a: If, info, depth):
        branch = self._condition(a.condition)
        info.message = "then" if branch else ("else" if a.otherwise else "no branch")
        self._run_block(a.then if branch else a.otherwise, depth + 1)

    def _do_repeat(self, step, a: Repeat, info, depth):
        if a.times is not None:
            n = min(a.times, a.max) if a.max else a.times
            for _ in range(1 if self.dry_run and n else n):
                self._run_block(a.steps, depth + 1)
            info.message = f"{n} iterations"
            return
        limit = 1 if self.dry_run else a.max
        for i in range(limit):
            if a.while_ is not None and not self._condition(a.while_):
                info.message = f"{i} iterations"
                return
            self._run_block(a.steps, depth + 1)
            if a.until is not None and self._condition(a.until):
                info.message = f"{i + 1} iterations"
                return
        if not self.dry_run:
            kind = "until" if a.until is not None else "while"
            raise StepFailure(f"repeat {kind}: condition not settled after max {a.max} "
                              "iterations")

    def _do_retry(self, step, a: Retry, info, depth):
        attempts = 1 if self.dry_run else a.max
        for attempt in range(1, attempts + 1):
            mark = len(self.results)
            self._tolerant += 1           # a failed attempt is a warning, not the failure
            try:
                self._run_block(a.steps, depth + 1)
                info.message = f"passed on attempt {attempt}"
                return
            except _Outcome:
                last = next((r for r in reversed(self.results[mark:])
                             if r.status == "warning" and r.message), None)
                if attempt == attempts:
                    raise StepFailure(f"failed {attempts} attempt(s); last: "
                                      f"{last.message if last else '?'}") from None
            finally:
                self._tolerant -= 1

    def _do_include(self, step, a: Include, info, depth):
        for k, v in a.defaults.items():
            self.vars.setdefault(k, interpolate(v, self.vars, self.env))
        for k, v in a.vars.items():
            self.vars[k] = interpolate(v, self.vars, self.env)
        info.target = a.path.name
        self._run_block(a.steps, depth + 1)


def bind_locator(loc: Locator, variables: Mapping[str, str], env: Mapping[str, str]
                 ) -> Locator:
    """The locator with ${vars} substituted in its strings (relations too).

    Raises StepFailure when a regex becomes invalid after substitution.
    """
    kw: dict[str, Any] = {}
    for f in ("text", "regex"):
        v = getattr(loc, f)
        if v is not None and "${" in v:
            kw[f] = interpolate(v, variables, env)
    if "regex" in kw:
        try:
            re.compile(kw["regex"])
        except re.error as e:
            raise StepFailure(f"regex {kw['regex']!r} (after substitution) is invalid: "
                              f"{e}") from None
    for rel, other in loc.relations():
        if isinstance(other, Locator):
            kw[rel] = bind_locator(other, variables, env)
    return replace(loc, **kw) if kw else loc


#: steps between two returns of freed heap memory to the system
TRIM_EVERY = 25


def release_free_memory() -> None:
    """Give freed heap pages back to the OS (glibc ``malloc_trim``).

    onnxruntime allocates differently sized buffers for every tile and crop; glibc
    keeps the freed pages, and a long-running process grew ~15 MB per 50 soak
    iterations.  Trimming after each run and every TRIM_EVERY steps keeps RSS
    flat (docs/reliability.md).  A no-op where glibc is absent.
    """
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes
            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC = None


_OPS = {"equals": "equal", "matches": "match", "contains": "contain"}


def _compare(value: str, op: str, operand: str) -> bool:
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


__all__ = ["RunResult", "Runner", "StepResult", "run", "EnvironmentProblem", "clip_box"]
