"""What each step does: one handler per step class, registered with ``@handles``.

A handler is called as ``handler(runner, step, info, depth)`` with the step already
bound (its ${variables} substituted); it fills ``info`` (target, point, action,
message) and raises a StepFailure (or a subclass) when the step fails.  The runner
turns that into the report line.  This module has the steps that look at the
screen or act on it; :mod:`.flow` the data, program and control-flow steps.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from ..errors import AssertionFailed, StepFailure, TargetNotFound
from ..task import steps as S
from ..vision.frame import screen_region_to_frame
from ..vision.geometry import overlaps, reading_order

#: the handler of each step class
HANDLERS: dict[type, Callable] = {}


def handles(*classes: type):
    """Register the decorated function as the handler of ``classes``."""
    def register(fn):
        for cls in classes:
            HANDLERS[cls] = fn
        return fn
    return register


# ---- pointer steps -------------------------------------------------------------------
def _pointer(r, step, info, what, fn, rests=True):
    m, frame = r._wait_locate_verified(step.target, step, info)
    x, y = r._point(m, frame)
    info.point = (x, y)
    r._act(info, f"{what} ({x}, {y})", lambda: fn(x, y), rests=rests)


@handles(S.Click)
def click(r, step: S.Click, info, depth):
    _pointer(r, step, info, "click", lambda x, y: r.input.click(x, y))


@handles(S.DoubleClick)
def double_click(r, step: S.DoubleClick, info, depth):
    _pointer(r, step, info, "double-click", lambda x, y: r.input.click(x, y, clicks=2))


@handles(S.RightClick)
def right_click(r, step: S.RightClick, info, depth):
    _pointer(r, step, info, "right-click", lambda x, y: r.input.click(x, y, button="right"))


@handles(S.Move)
def move(r, step: S.Move, info, depth):
    _pointer(r, step, info, "move to", lambda x, y: r.input.move(x, y),
             rests=False)     # a hover: the pointer is meant to rest there


@handles(S.Drag)
def drag(r, a: S.Drag, info, depth):
    m0, f0 = r._wait_locate_verified(a.source, a, info)
    p0 = r._point(m0, f0)
    m1, f1 = r._wait_locate(a.target, a, info)
    p1 = r._point(m1, f1)
    info.target = f"{a.source.describe()} -> {a.target.describe()}"
    info.point = p1
    r._act(info, f"drag {p0} -> {p1}", lambda: r.input.drag(*p0, *p1), rests=True)


@handles(S.Scroll)
def scroll(r, a: S.Scroll, info, depth):
    x = y = None
    if a.at is not None:
        m, frame = r._wait_locate_verified(a.at, a, info)
        x, y = r._point(m, frame)
        info.point = (x, y)
    r._act(info, f"scroll {a.direction} {a.amount}",
           lambda: r.input.scroll(a.direction, a.amount, x, y), rests=True)


@handles(S.TypeText)
def type_text(r, a: S.TypeText, info, depth):
    text = a.text
    secret = a.secret or a.mentions(r.task.secrets)
    if secret:
        r.secrets.add(text)
    if a.into is not None:
        m, frame = r._wait_locate_verified(a.into, a, info)
        x, y = r._point(m, frame)
        info.point = (x, y)
        r._act(info, f"click ({x}, {y})", lambda: r.input.click(x, y), rests=True)
        if a.clear:
            def clear():
                for chord in ("end", "shift+home", "backspace"):
                    r.input.press(chord)
            r._act(info, "clear", clear)
    shown = "***" if secret else repr(text)
    r._act(info, f"type {shown}", lambda: r.input.type_text(text))
    if secret:
        info.action = ("would " if r.dry_run else "") + "type ***"


@handles(S.Press)
def press(r, a: S.Press, info, depth):
    def keys():
        for chord in a.keys:
            r.input.press(chord)
    r._act(info, "press " + ", ".join(a.keys), keys)


# ---- waiting and assertions ------------------------------------------------------------
@handles(S.WaitFor)
def wait_for(r, step: S.WaitFor, info, depth):
    r._wait_locate(step.target, step, info)


@handles(S.Expect)
def expect(r, step: S.Expect, info, depth):
    try:
        r._wait_locate(step.target, step, info)
    except TargetNotFound as e:
        raise AssertionFailed(f"expected {info.target} to be visible: {e}") from None


@handles(S.WaitGone)
def wait_gone(r, step: S.WaitGone, info, depth):
    r._gone(step, step.target, info, StepFailure)


@handles(S.ExpectGone)
def expect_gone(r, step: S.ExpectGone, info, depth):
    r._gone(step, step.target, info, AssertionFailed)


@handles(S.WaitStable)
def wait_stable(r, a: S.WaitStable, info, depth):
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

    timeout = r._timeout(a) + a.duration
    ok, frame, waited = r._poll(probe, timeout)
    info.target = f"region {list(a.region)}" if a.region else "screen"
    if ok is None and not r.dry_run:
        raise StepFailure(f"{info.target} did not stay unchanged for {a.duration:g}s "
                          f"within {waited:.1f}s")


@handles(S.Read)
def read(r, a: S.Read, info, depth):
    pattern = a.pattern             # bound and checked by Read.bind
    rx = re.compile(pattern) if pattern else None
    found: list[str] = []
    target_found = False

    def text_on(frame) -> str | None:
        nonlocal target_found
        if a.at is not None:
            m = r._try_locate(a.at, frame)
            if isinstance(m, TargetNotFound):
                found[:] = [str(m)]
                return None
            info.match = m
            target_found = True
            box = m.element.box
            lines = r.vision.all_lines(frame, r._region(frame))
            hits = [ln for ln in lines if overlaps(ln.box, box)]
            hits = [hits[i] for i in reading_order([ln.box for ln in hits])]
            text = " ".join(ln.text for ln in hits) or (m.element.text or "")
        else:
            region = screen_region_to_frame(frame, a.region)
            lines = r.vision.all_lines(frame, region)
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

    value, frame, waited = r._poll(text_on, r._timeout(a), park=info)
    info.frame = frame
    info.target = a.at.describe() if a.at else f"region {list(a.region)}"
    if value is None:
        seen = found[0] if found else ""
        if target_found and rx is not None:
            why = f"pattern /{pattern}/ did not match {seen!r}"
        else:
            why = seen or "no text there"
        raise StepFailure(f"read {info.target}: {why} after {waited:.1f}s")
    r.vars[a.into] = value
    info.message = f"{a.into} = {value!r}"


from . import flow  # noqa: E402,F401  (registers the data and control-flow handlers)
