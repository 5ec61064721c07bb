"""Handlers of the data, program and control-flow steps (check, set, sleep, log,
notify, screenshot, launch, if, repeat, retry, include), and the POST that
``settings.notify`` sends after a failed run.  See :mod:`.handlers`."""
from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path
from typing import Any

from .. import defaults
from ..errors import (ActionFailed, AssertionFailed, PicoAgentError, RunInterrupted,
                      StepFailure)
from ..task import flow as F
from ..task.interpolate import InterpolationError
from ..task.model import Notify
from .handlers import handles
from .report import encode_png, save_png
from .runner import OPS, _Outcome, compare


@handles(F.Check)
def check(r, a: F.Check, info, depth):
    if not compare(a.value, a.op, a.operand):
        raise AssertionFailed(f"check failed: {a.value!r} does not {OPS[a.op]} "
                              f"{a.operand!r}")
    info.message = f"{a.value!r} {OPS[a.op]} {a.operand!r}"


@handles(F.Set)
def set_(r, a: F.Set, info, depth):
    r.vars.update(a.values)
    info.message = ", ".join(f"{k} = {r.vars[k]!r}" for k in a.values)


@handles(F.Sleep)
def sleep(r, a: F.Sleep, info, depth):
    info.action = f"{'would ' if r.dry_run else ''}sleep {a.seconds:g}s"
    if not r.dry_run:
        r._sleep(a.seconds)


@handles(F.Log)
def log(r, a: F.Log, info, depth):
    info.message = a.message


@handles(F.NotifyStep)
def notify(r, step: F.NotifyStep, info, depth):
    from ..notify import post_json, shown_url
    a = step.notify
    info.target = shown_url(a.url)
    if r.dry_run:
        info.action = f"would notify {info.target}"
        info.status = "skipped"
        return
    message = a.message if a.message is not None \
        else f"{r.task.name}: {r._label(step) or 'notify'} ({step.where})"
    body = notify_body(
        r, a, event="notify", message=message,
        step={"index": r._count, "kind": step.kind, "where": str(step.where),
              "label": r._label(step)},
        shot=("screen.png", r._grab()) if a.screenshot else None)
    res = post_json(a.url, body, headers=dict(a.headers),
                    timeout=step.timeout if step.timeout is not None else a.timeout)
    if not res.ok:
        raise ActionFailed(f"notify {info.target}: {res.describe()}")
    info.action = f"POST {info.target}: {res.describe()}"


def notify_body(r, a: Notify, *, event: str, message: str, step: dict | None,
                shot: tuple[str, Any] | None) -> dict:
    """The JSON summary of bound ``a``, every text masked (no secret value reaches
    the body)."""
    from ..notify import build_body
    title = a.title if a.title is not None \
        else f"picoagent: {r.task.name}" + (" failed" if event == "failed" else "")
    png = None
    if shot is not None:
        name, img = shot
        data = img if isinstance(img, bytes) else encode_png(img.image)
        png = (name, data) if data else None
    step = {k: r._redact(v) if isinstance(v, str) else v
            for k, v in (step or {}).items() if v is not None} or None
    return build_body(title=r._redact(title), message=r._redact(message),
                      task=r._redact(r.task.name), event=event, step=step,
                      screenshot=png)


def notify_failure(r, message: str | None, failure=None) -> None:
    """settings.notify: one POST after a failed run (or a run ended by an error).
    Its outcome goes to the report and the log; it never changes the result."""
    n = r.settings.notify
    if n is None or r.dry_run:
        return
    from ..notify import NotifyResult, post_json, shown_url
    shot = None
    if n.screenshot:
        path = (r.report.image_path(failure.screenshot)
                if failure is not None and failure.screenshot and r.report is not None
                else None)
        try:
            if path is not None and path.is_file():
                shot = (path.name, path.read_bytes())
            elif r._last_frame is not None:
                shot = ("screen.png", r._last_frame)
        except OSError:
            shot = None
    step = None
    if failure is not None:
        step = {"index": failure.index, "kind": failure.kind, "where": failure.where,
                "label": failure.label, "target": failure.target}
    try:
        nb = n.bind(r.vars, r.env)
        body = notify_body(r, nb, event="failed", message=message or "failed",
                           step=step, shot=shot)
        res = post_json(nb.url, body, headers=dict(nb.headers), timeout=nb.timeout)
        shown = shown_url(nb.url)
    except InterpolationError as e:
        res, shown = NotifyResult(ok=False, error=f"settings.notify: {e}"), "?"
    r.notify_result = res
    if not res.ok:
        logging.getLogger("picoagent.agent.runner").warning(
            "notify %s failed: %s", shown, r._redact(res.describe()))
    if r.report is not None:
        try:
            r.report.write({"notify": True, "url": shown, "ok": res.ok,
                            "result": r._redact(res.describe()), "ms": round(res.ms, 1)})
        except PicoAgentError:
            pass


@handles(F.Screenshot)
def screenshot(r, a: F.Screenshot, info, depth):
    p = Path(a.path)
    if r.dry_run:
        info.action = f"would save {p}"
        info.status = "skipped"
        return
    base = r.report.folder if r.report is not None else r.task.folder
    p = p if p.is_absolute() else base / p
    frame = r._grab()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        save_png(p, frame.image)
    except OSError as e:
        raise ActionFailed(f"cannot write screenshot {p}: {e.strerror or e}") from None
    info.message = f"saved {p}"


@handles(F.Launch)
def launch(r, a: F.Launch, info, depth):
    argv = list(a.argv)
    info.target = " ".join(argv)
    if r.dry_run:
        info.action = "would launch " + " ".join(argv)
        info.status = "skipped"
        return
    try:
        p = subprocess.Popen(argv, cwd=r.task.folder, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    except FileNotFoundError:
        raise ActionFailed(f"launch: command not found: {argv[0]}") from None
    except OSError as e:
        raise ActionFailed(f"launch {argv[0]}: {e.strerror or e}") from None
    info.action = f"launch pid {p.pid}"
    if not a.detach:
        r._procs.append(p)
    if a.wait:
        timeout = a.timeout if a.timeout is not None else defaults.LAUNCH_WAIT_TIMEOUT_S
        end = min(time.monotonic() + timeout, r._deadline)
        while p.poll() is None:
            if time.monotonic() >= end:
                raise ActionFailed(f"{argv[0]} still running after "
                                   f"{time.monotonic() - (end - timeout):.1f}s")
            if r.stop.wait(0.05):
                raise RunInterrupted(15)
        if p.returncode != 0:
            raise ActionFailed(f"{argv[0]} exited with status {p.returncode}")


# ---- control flow ------------------------------------------------------------------------
@handles(F.If)
def if_(r, a: F.If, info, depth):
    branch = r._condition(a.condition)
    info.message = "then" if branch else ("else" if a.otherwise else "no branch")
    r._run_block(a.then if branch else a.otherwise, depth + 1)


@handles(F.Repeat)
def repeat(r, a: F.Repeat, info, depth):
    if a.times is not None:
        n = min(a.times, a.max) if a.max else a.times
        for _ in range(1 if r.dry_run and n else n):
            r._run_block(a.steps, depth + 1)
        info.message = f"{n} iterations"
        return
    limit = 1 if r.dry_run else a.max
    for i in range(limit):
        if a.while_ is not None and not r._condition(a.while_):
            info.message = f"{i} iterations"
            return
        r._run_block(a.steps, depth + 1)
        if a.until is not None and r._condition(a.until):
            info.message = f"{i + 1} iterations"
            return
    if not r.dry_run:
        kind = "until" if a.until is not None else "while"
        raise StepFailure(f"repeat {kind}: condition not settled after max {a.max} "
                          "iterations")


@handles(F.Retry)
def retry(r, a: F.Retry, info, depth):
    attempts = 1 if r.dry_run else a.max
    for attempt in range(1, attempts + 1):
        mark = len(r.results)
        r._tolerant += 1           # a failed attempt is a warning, not the failure
        try:
            r._run_block(a.steps, depth + 1)
            info.message = f"passed on attempt {attempt}"
            return
        except _Outcome:
            last = next((x for x in reversed(r.results[mark:])
                         if x.status == "warning" and x.message), None)
            if attempt == attempts:
                raise StepFailure(f"failed {attempts} attempt(s); last: "
                                  f"{last.message if last else '?'}") from None
        finally:
            r._tolerant -= 1


@handles(F.Include)
def include(r, a: F.Include, info, depth):
    for k, v in a.defaults.items():
        r.vars.setdefault(k, v)
    r.vars.update(a.vars)
    info.target = a.path.name
    r._run_block(a.steps, depth + 1)


__all__ = ["notify_failure"]
