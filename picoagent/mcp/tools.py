"""What each MCP tool does, without the protocol: :class:`Session`.

A session holds the devices (``open_devices``), one ``Vision`` (so an unchanged
screen is never perceived twice), the elements of the last ``observe`` (their ids
index that list), the secrets typed so far, and optionally a recorder and a report.

Acting calls (click, type_text, press, scroll) and ``run_task`` go through the
``Runner`` as ``picoagent run`` does: each acting call is a one-step task loaded
by ``load_task`` (so a locator means exactly what it means in a task file, and a
recorded step replays the same way), with a timeout of 0 unless the call gives
one.  The runner verifies the target's pixels just before acting, prefers controls
over static text, redacts secrets and writes the report.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import defaults
from ..agent.report import Report
from ..errors import EnvironmentProblem, PicoAgentError, RunInterrupted, TaskFileError
from ..task.loader import LOCATOR_KEYS
from ..vision.scene import Seen, perceive
from .recorder import json_yaml
from .report import SessionReport, _WatchedScreen
from .schema import BY_NAME, READ_ONLY, ArgumentError, check_arguments

#: the name the YAML of run_task / validate_task (and each acting call's one-step
#: task) is given inside ``task_dir``: includes, images, launch and screenshot paths
#: are relative to that folder and confined to it
TASK_NAME = "mcp-task.yaml"
#: the variable that carries type_text's text into its one-step task (taken
#: literally: a ``${`` in the text is typed as it is)
TEXT_VAR = "mcp_text"


class ToolError(PicoAgentError):
    """The tool could not do what was asked (the client sees ``isError: true``)."""


class Refused(ToolError):
    """The server's options forbid this tool (``--read-only``)."""


@dataclass(frozen=True)
class Options:
    backend: str = "auto"
    output: str | None = None
    read_only: bool = False
    record: Path | None = None
    report: Path | None = None
    threads: int | str = defaults.THREADS      # a count or "auto"
    task_dir: Path = field(default_factory=Path.cwd)
    allow_outside: bool = False
    #: run_task may run tasks with `launch` steps (off: a launch can start any program)
    allow_launch: bool = False
    #: run_task may run tasks that notify (off: a POST can send the screen anywhere)
    allow_notify: bool = False


@dataclass(frozen=True)
class Image:
    """A tool result that is a picture: PNG bytes, and a line of JSON about it."""

    png: bytes
    info: dict


def _escape_vars(v: Any, key: str | None = None) -> Any:
    """A client's value as task-file text: ``${`` is literal (``$${``), not a variable
    (image paths are not substituted, so they stay as given)."""
    if isinstance(v, str):
        return v if key == "image" else v.replace("${", "$${")
    if isinstance(v, list):
        return [_escape_vars(x, key) for x in v]
    if isinstance(v, dict):
        return {k: _escape_vars(x, k) for k, x in v.items()}
    return v


def _flow(v: Any) -> str:
    """``v`` as YAML flow text (JSON is YAML; the loader keeps line numbers)."""
    return json_yaml(v)


def task_error(e: TaskFileError, main_file: str | None = None) -> dict:
    """A TaskFileError as {"line", "message"} (+ "file" when it is another file)."""
    msg = e.message
    if e.key and not msg.startswith(e.key):
        msg = f"{e.key}: {msg}"
    out: dict[str, Any] = {"line": e.line, "message": msg}
    if e.file and e.file != main_file:
        out["file"] = e.file
    return out


class Session:
    """The state behind the tools.  ``call`` is the only entry point; a client's
    mistake raises a PicoAgentError (:class:`ToolError`, ArgumentError, ...) with one
    line naming it, which the server returns as a tool error."""

    def __init__(self, options: Options, devices=None):
        from ..agent.session import open_session

        self.options = options
        #: screen, input and vision, wired as for `picoagent run` (the screen watched)
        self.parts = open_session(backend=options.backend, output=options.output,
                                  threads=options.threads, devices=devices,
                                  need_input=not options.read_only)
        self.devices = self.parts.devices
        self.screen = self.parts.screen = _WatchedScreen(self.parts.screen)
        self.input = self.parts.input
        self.task_path = Path(options.task_dir).resolve() / TASK_NAME
        self.secrets: set[str] = set()
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._seen_frame = None
        self._t0 = time.monotonic()
        self._failed = 0
        self.report = None
        self.recorder = None
        try:
            if options.report is not None:
                self.report = SessionReport(options.report, self.redact)
                from .. import __version__
                self.report.write({"run": True, "task": "mcp session",
                                   "backend": self.devices.backend,
                                   "backend_reason": self.devices.reason,
                                   "display": self.devices.description, "dry_run": False,
                                   "version": __version__})
            if options.record is not None:
                from .recorder import Recorder
                self.recorder = Recorder(options.record, backend=self.devices.backend,
                                         allow_outside=options.allow_outside)
        except BaseException:
            if self.report is not None:
                Report.close(self.report)
            self.devices.close()
            raise

    # ---- plumbing --------------------------------------------------------------------
    @property
    def vision(self):
        return self.parts.vision

    @property
    def tool_names(self) -> tuple[str, ...]:
        return READ_ONLY if self.options.read_only else tuple(BY_NAME)

    def close(self, interrupted: bool = False) -> None:
        """End the session: the report's summary line, the devices closed."""
        self.stop.set()
        with self._lock:
            if self.report is not None:
                self.report.finish({"summary": True, "ok": self._failed == 0,
                                    "interrupted": interrupted, "error": None,
                                    "steps": self.report.offset, "failed_at": None,
                                    "duration_s": round(time.monotonic() - self._t0, 3)})
                self.report = None
            self.parts.close()

    def redact(self, v: Any) -> Any:
        """``v`` with every secret typed in this session replaced by ``***``."""
        if not self.secrets:
            return v
        if isinstance(v, str):
            for s in sorted(self.secrets, key=len, reverse=True):
                if s:
                    v = v.replace(s, "***")
            return v
        if isinstance(v, list | tuple):
            return [self.redact(x) for x in v]
        if isinstance(v, dict):
            return {k: self.redact(x) for k, x in v.items()}
        return v

    def call(self, name: str, arguments: Any) -> dict | Image:
        """Run tool ``name``; raises ToolError / ArgumentError / PicoAgentError, whose
        messages (redacted) are what the client sees."""
        if name not in BY_NAME:
            raise ToolError(f"unknown tool {name!r} (tools: {', '.join(self.tool_names)})")
        if name not in self.tool_names:
            raise Refused(f"{name}: refused, the server runs with --read-only (tools: "
                          f"{', '.join(self.tool_names)}); nothing was done")
        args = check_arguments(name, arguments)
        with self._lock:
            if self.stop.is_set():
                raise ToolError("the server is shutting down")
            return getattr(self, "t_" + name)(**args)

    def _screen_box(self, frame, box) -> list[int]:
        from ..vision.frame import frame_to_screen
        x0, y0 = frame_to_screen(frame, box[0], box[1])
        x1, y1 = frame_to_screen(frame, box[0] + box[2], box[1] + box[3])
        return [x0, y0, x1 - x0, y1 - y0]

    def _screen_size(self, frame) -> dict:
        x, y, w, h = self._screen_box(frame, (0, 0, frame.width, frame.height))
        return {"width": w, "height": h}

    def _parse_locator(self, arg: str, value: Any):
        """A client's locator, parsed by the task loader (as ``picoagent find`` does)."""
        from ..task import parse_locator

        try:
            return parse_locator(_flow(_escape_vars(value)), self.task_path,
                                 allow_outside=self.options.allow_outside)
        except TaskFileError as e:
            msg = e.message
            if e.key in LOCATOR_KEYS and not msg.startswith(e.key):
                msg = f"{e.key}: {msg}"
            raise ArgumentError(f"argument {arg!r}: {msg}") from None

    def _element(self, arg: str, eid: int) -> Seen:
        if not self._seen and self._seen_frame is None:
            raise ArgumentError(f"argument {arg!r}: no element ids yet; call observe first")
        if eid >= len(self._seen):
            raise ArgumentError(f"argument {arg!r}: no element {eid} in the last observe "
                                f"(ids 0 to {len(self._seen) - 1})")
        return self._seen[eid]

    def _element_point(self, seen: Seen) -> list[int]:
        from ..vision.frame import frame_to_screen
        return list(frame_to_screen(self._seen_frame, *seen.element.center))

    def _run_steps(self, steps: list[dict], *, variables: dict | None = None,
                   timeout: float = 0.0, label: str | None = None):
        """Run ``steps`` (task-file step values) as one task through the Runner; returns
        the RunResult, or raises ToolError with the failed step's message.  ``label``
        (what the client named: an element id, a point) is each step's label in the
        report."""
        from ..task import load_task

        if label:
            steps = [{**s, "label": label.replace("${", "$${")} for s in steps]
        text = f"name: mcp\nsettings: {{timeout: {float(timeout)!r}}}\nsteps:\n" + \
            "".join(f"- {_flow(s)}\n" for s in steps)
        try:
            task = load_task(self.task_path, variables or {}, text=text,
                             allow_outside=self.options.allow_outside)
        except TaskFileError as e:          # a value the checks above let through
            raise ToolError(f"invalid step: {task_error(e)['message']}") from None
        runner = self.parts.runner(task, report=self.report, stop_event=self.stop)
        try:
            result = runner.run()
        finally:
            self.secrets |= {s for s in runner.secrets if s}
            if self.report is not None:
                self.report.end_run()
        if not result.ok:
            self._failed += 1
            raise ToolError(result.failure.message or "the step failed")
        return result

    def _seen_element(self, seen: Seen) -> dict:
        """An element of the last observe, as observe listed it."""
        e = seen.element
        return {"kind": e.kind, "text": e.text,
                "box": self._screen_box(self._seen_frame, e.box)}

    def _result_element(self, r) -> dict:
        """The acted-on element of a StepResult, in screen coordinates."""
        out: dict[str, Any] = {}
        el = r.element
        if el and el.get("kind") != "point" and self.screen.last is not None:
            out["element"] = {"kind": el["kind"], "text": el.get("text"),
                              "box": self._screen_box(self.screen.last, el["box"])}
            if r.score is not None:
                out["score"] = r.score
        if r.message:
            out["note"] = r.message
        return out

    def _target(self, target, element, point, arg="target"
                ) -> tuple[Any, tuple | None, str | None]:
        """(the step's locator value, what to record it from, a label for the report):
        the client's locator, or the screen point of an element id / a point."""
        if target is not None:
            self._parse_locator(arg, target)            # ArgumentError names the argument
            loc = _escape_vars(target)
            if isinstance(target, dict) and set(target) == {"at"}:
                return loc, ("point", tuple(target["at"])), None
            return loc, ("locator", loc), None
        if element is not None:
            seen = self._element("element" if arg == "target" else arg, element)
            e = seen.element
            what = f"{e.kind} {e.text!r}" if e.text else e.kind
            return {"at": self._element_point(seen)}, ("element", seen), \
                f"element {element}: {what}"
        if point is not None:
            return {"at": list(point)}, ("point", tuple(point)), None
        return None, None, None

    def _recorded(self, how, prefer: str | None):
        """The locator to record for ``how`` (see :meth:`_target`), or None when not
        recording.  Called before acting, on the screen the client saw: the observe's
        frame for an element id, a fresh capture for a point."""
        if self.recorder is None or how is None:
            return None
        from .recorder import element_at, locator_for
        kind, what = how
        if kind == "locator":
            return what
        if kind == "element":
            return locator_for(self.vision, self._seen_frame, what.element, what.names,
                               prefer, self._parse_locator)
        return element_at(self.vision, self.screen.grab(), what, prefer,
                          self._parse_locator, self._perceive)

    def _record(self, step: dict | None, comment: str | None = None) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder.add(step, comment=comment)
        except OSError as e:
            raise ToolError(f"the action was done, but the recording could not be "
                            f"written: {e.strerror or e}") from None

    # ---- perception ------------------------------------------------------------------
    def _perceive(self, frame, region=None) -> list[Seen]:
        return perceive(self.vision, frame, region)

    # ---- tools -----------------------------------------------------------------------
    def t_observe(self, region=None, scores=False) -> dict:
        from ..vision.frame import screen_region_to_frame

        if region is not None and (region[2] <= 0 or region[3] <= 0 or min(region) < 0):
            raise ArgumentError("argument 'region': expected [x, y, width, height] with "
                                "x, y >= 0 and width, height > 0")
        frame = self.screen.grab()
        fregion = screen_region_to_frame(frame, tuple(region)) if region else None
        if fregion is not None and (fregion[2] == 0 or fregion[3] == 0):
            seen = []
        else:
            seen = self._perceive(frame, fregion)
        self._seen, self._seen_frame = seen, frame
        out = []
        for i, s in enumerate(seen):
            e = s.element
            d = {"id": i, "kind": e.kind, "text": self.redact(e.text),
                 "box": self._screen_box(frame, e.box), "checked": e.checked}
            if scores:
                d["score"] = round(float(e.score), 2)
            out.append(d)
        return {"screen": self._screen_size(frame), "elements": out}

    def t_find(self, target, timeout=0.0) -> dict:
        from ..errors import TargetNotFound
        from ..vision.frame import frame_to_screen

        loc = self._parse_locator("target", target)
        end = time.monotonic() + timeout
        while True:
            t = time.monotonic()
            frame = self.screen.grab()
            try:
                m = self.vision.locate(frame, loc)
                break
            except TargetNotFound as e:
                if time.monotonic() >= end or self.stop.is_set():
                    return {"found": False, "message": self.redact(str(e))}
            time.sleep(max(0.0, min(defaults.INTERVAL_S - (time.monotonic() - t),
                                    end - time.monotonic())))
        el = m.element
        out = {"found": True, "text": self.redact(el.text), "kind": el.kind,
               "box": self._screen_box(frame, el.box),
               "point": list(frame_to_screen(frame, *m.point)), "score": round(m.score, 3)}
        if el.checked is not None:
            out["checked"] = el.checked
        return out

    def t_click(self, target=None, element=None, point=None, button="left", count=1,
                timeout=0.0) -> dict:
        if count == 2 and button != "left":
            raise ArgumentError("argument 'count': a double click is with the left button "
                                "only")
        loc, how, label = self._target(target, element, point)
        kind = {"left": "double_click" if count == 2 else "click", "right": "right_click",
                "middle": "move"}[button]
        rec = self._recorded(how, "press") if button != "middle" else None
        result = self._run_steps([{kind: loc}], timeout=timeout, label=label)
        r = result.steps[-1]
        if button == "middle":              # no task step for it: move there, then press
            self.input.click(*r.point, button="middle")
        out = {"clicked": list(r.point), "button": button, "count": count,
               **self._result_element(r)}
        if how[0] == "element":
            out["element"] = self._seen_element(how[1])
        if self.recorder is not None:
            if button == "middle":
                self._record(None, comment=f"middle click at {list(r.point)}: no task "
                                           "step does this, not recorded")
            else:
                self._record({kind: rec})
        return self.redact(out)

    def t_type_text(self, text, into=None, secret=False, clear=False, timeout=0.0) -> dict:
        if not text:
            raise ArgumentError("argument 'text': empty; nothing to type")
        if clear and into is None:
            raise ArgumentError("argument 'clear': needs 'into' (the field to empty)")
        if secret:
            self.secrets.add(text)
        if isinstance(into, int):
            loc, how, label = self._target(None, into, None, arg="into")
        else:
            loc, how, label = self._target(into, None, None, arg="into")
        step: dict[str, Any] = {"text": "${" + TEXT_VAR + "}"}
        if loc is not None:
            step["into"] = loc
        if clear:
            step["clear"] = True
        if secret:
            step["secret"] = True
        rec_into = self._recorded(how, "type")
        result = self._run_steps([{"type": step}], variables={TEXT_VAR: text},
                                 timeout=timeout, label=label)
        r = result.steps[-1]
        out: dict[str, Any] = {"typed": "***" if secret else text}
        if r.point:
            out["clicked"] = list(r.point)
        out.update(self._result_element(r))
        if how is not None and how[0] == "element":
            out["element"] = self._seen_element(how[1])
        if self.recorder is not None:
            rec: dict[str, Any] = {"text": self.recorder.secret(text) if secret
                                   else _escape_vars(text)}
            if rec_into is not None:
                rec["into"] = rec_into
            if clear:
                rec["clear"] = True
            if secret:
                rec["secret"] = True
            self._record({"type": rec})
        return self.redact(out)

    def t_press(self, keys) -> dict:
        items = [keys] if isinstance(keys, str) else list(keys)
        if not items or any(not k.strip() for k in items):
            raise ArgumentError("argument 'keys': empty key name")
        from ..task import load_task
        value = items[0] if isinstance(keys, str) else items
        try:                                # key names checked as in a task file
            load_task(self.task_path, text=f"steps:\n- press: {_flow(value)}\n")
        except TaskFileError as e:
            raise ArgumentError(f"argument 'keys': {e.message}") from None
        self._run_steps([{"press": value}])
        self._record({"press": value})
        return {"pressed": items}

    def t_scroll(self, dy, dx=0, target=None, element=None, timeout=0.0) -> dict:
        if dy == 0 and dx == 0:
            raise ArgumentError("argument 'dy': dy and dx are both 0; nothing to scroll")
        loc, how, label = self._target(target, element, None)
        steps = []
        for amount, neg, pos in ((dy, "up", "down"), (dx, "left", "right")):
            if amount:
                s: dict[str, Any] = {"direction": pos if amount > 0 else neg,
                                     "amount": abs(amount)}
                if loc is not None:
                    s["at"] = loc
                steps.append({"scroll": s})
        at = self._recorded(how, None)
        result = self._run_steps(steps, timeout=timeout, label=label)
        r = result.steps[0]
        out: dict[str, Any] = {"scrolled": {"dy": dy, "dx": dx}}
        if r.point:
            out["at"] = list(r.point)
        out.update(self._result_element(r))
        if how is not None and how[0] == "element":
            out["element"] = self._seen_element(how[1])
        if self.recorder is not None:
            for s in steps:
                s = {"scroll": dict(s["scroll"])}
                if at is not None:
                    s["scroll"]["at"] = at
                self._record(s)
        return self.redact(out)

    def t_screenshot(self, max_side=None) -> Image:
        import cv2

        from ..agent.report import encode_png

        frame = self.screen.grab()
        img = frame.image
        h, w = img.shape[:2]
        if max_side is not None and max(w, h) > max_side:
            f = max_side / max(w, h)
            img = cv2.resize(img, (max(1, round(w * f)), max(1, round(h * f))),
                             interpolation=cv2.INTER_AREA)
        png = encode_png(img)
        if png is None:
            raise ToolError("could not encode the screenshot as PNG")
        return Image(png=png,
                     info={"image": {"width": int(img.shape[1]), "height": int(img.shape[0])},
                           "screen": self._screen_size(frame)})

    def _load(self, yaml_text: str, variables: dict | None):
        from ..task import load_task
        v = {k: (str(x).lower() if isinstance(x, bool) else
                 str(int(x)) if isinstance(x, float) and x.is_integer() else str(x))
             for k, x in (variables or {}).items()}
        return load_task(self.task_path, v, text=yaml_text,
                         allow_outside=self.options.allow_outside)

    def t_validate_task(self, yaml, vars=None) -> dict:
        from ..task.model import walk_steps
        try:
            task = self._load(yaml, vars)
        except TaskFileError as e:
            return {"ok": False, "errors": [task_error(e, str(self.task_path))]}
        return {"ok": True, "errors": [], "name": task.name,
                "steps": sum(1 for _ in walk_steps(task.steps))}

    #: step kinds run_task refuses unless the server was started with the flag: why
    GUARDED = {"launch": ("allow_launch", "--allow-launch", "this server does not start "
                          "programs (a task's launch can run anything, a shell too)"),
               "notify": ("allow_notify", "--allow-notify", "this server sends nothing over "
                          "the network (a notify can post the screen anywhere)")}

    def _refuse_unallowed(self, task) -> None:
        """TaskFileError for the first guarded step (or settings.notify) not allowed."""
        from ..task.model import walk_steps
        for step in (*walk_steps(task.steps), *walk_steps(task.on_failure)):
            guard = self.GUARDED.get(step.kind)
            if guard and not getattr(self.options, guard[0]):
                raise TaskFileError(f"refused: {guard[2]}; start it with {guard[1]} to "
                                    "permit that", step.where.file, step.where.line, step.kind)
        if task.settings.notify is not None and not self.options.allow_notify:
            raise TaskFileError("refused: settings.notify posts over the network; start the "
                                "server with --allow-notify to permit that", str(task.path),
                                None, "notify")

    def t_run_task(self, yaml, vars=None) -> dict:
        try:
            task = self._load(yaml, vars)
            self._refuse_unallowed(task)
            runner = self.parts.runner(task, report=self.report, stop_event=self.stop)
        except TaskFileError as e:
            return {"ok": False, "exit_code": 2,
                    "errors": [task_error(e, str(self.task_path))], "steps": []}
        if self.report is not None:
            self.report.write({"tool": "run_task", "task": task.name})
        out: dict[str, Any]
        try:
            result = runner.run()
            out = {"ok": result.ok, "exit_code": result.exit_code,
                   "steps": [r.to_record() for r in result.steps],
                   "duration_s": round(result.duration_s, 3)}
            if result.failure is not None:
                f = result.failure
                out["failure"] = {"where": f.where, "kind": f.kind, "message": f.message}
                self._failed += 1
            secret_names = [n for n in task.secrets if not n.startswith("env.")]
            for n in task.secrets:
                v = os.environ.get(n[4:]) if n.startswith("env.") else \
                    result.variables.get(n)
                if v:
                    self.secrets.add(v)
            out["variables"] = {k: ("***" if k in secret_names else v)
                                for k, v in result.variables.items()}
        except (EnvironmentProblem, RunInterrupted) as e:
            out = {"ok": False, "exit_code": e.exit_code, "message": str(e),
                   "steps": [r.to_record() for r in runner.results]}
        finally:
            self.secrets |= {s for s in runner.secrets if s}
            if self.report is not None:
                self.report.end_run()
        if self.recorder is not None:
            self._record(None, comment=f"run_task {task.name!r} ran here "
                                       f"({'passed' if out['ok'] else 'failed'}); its YAML "
                                       "is a task file of its own, not copied")
        return self.redact(out)
