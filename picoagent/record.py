"""``picoagent record OUT.yaml``: a person's session on a live X11 display as a task.

The X RECORD extension (through python-xlib) shows us every pointer button and key
the X server delivers, whoever sends it.  At each button press the screen is
captured at once; after the session ends (SIGINT, or the stop key) each capture is
perceived and the click turned into the sturdiest locator for what was under the
pointer: the control's own text, else its kind with a relation to its label
(``{kind: text_field, right_of: Name}``), else kind + name or ``index``
(:func:`picoagent.mcp.recorder.locator_for`), else an image crop saved beside the
task.  Typed characters merge into ``type`` steps (into the field clicked just
before), key combinations into ``press``; a ``wait_for`` of the first target opens
the task.  The file is written whole, atomically (:class:`~picoagent.mcp.recorder.Recorder`).

Wayland has no protocol that lets a client watch input: there, :func:`record`
raises EnvironmentProblem (exit 3) naming what to use instead.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EnvironmentProblem, PicoAgentError, UsageError
from .mcp.recorder import Recorder

log = logging.getLogger(__name__)

#: two presses of one button this close in time (s) and space (px) are a double click
DOUBLE_CLICK_S = 0.4
DOUBLE_CLICK_PX = 4
#: a press and release further apart than this (px) is a drag (recorded as a click)
DRAG_PX = 8
#: the stop key when none is given
STOP_KEY = "pause"
#: the most events one session keeps (bound everything)
MAX_EVENTS = 10_000
#: schema file written beside the task, named on its first line
SCHEMA_NAME = "picoagent.schema.json"

WAYLAND_MESSAGE = (
    "recording needs X11: no Wayland protocol lets a client watch the pointer and "
    "keyboard; on Wayland use `picoagent mcp --record OUT.yaml` (an agent acts, each "
    "action is recorded) or `picoagent inspect` to read locators off the screen")

# X modifier masks in an event's state
_SHIFT, _CTRL, _ALT, _SUPER = 0x1, 0x4, 0x8, 0x40
#: X keysym names -> task-file key names (docs/task-format.md#press)
_KEY_NAMES = {
    "Return": "enter", "KP_Enter": "enter", "Tab": "tab", "ISO_Left_Tab": "tab",
    "Escape": "esc", "BackSpace": "backspace", "Delete": "delete", "Insert": "insert",
    "Home": "home", "End": "end", "Prior": "pageup", "Next": "pagedown", "Up": "up",
    "Down": "down", "Left": "left", "Right": "right", "Pause": "pause", "Menu": "menu",
    "Print": "printscreen", "space": "space",
    **{f"F{i}": f"f{i}" for i in range(1, 25)},
}
_MODIFIER_KEYSYMS = ("Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R",
                     "Meta_L", "Meta_R", "Super_L", "Super_R", "Hyper_L", "Hyper_R",
                     "ISO_Level3_Shift", "Caps_Lock", "Num_Lock", "Mode_switch")


# ---- events (what the X server saw) ------------------------------------------------
@dataclass
class Click:
    x: int
    y: int
    button: int = 1                     # 1 left, 3 right
    t: float = 0.0
    double: bool = False
    frame: Any = field(default=None, repr=False)   # the screen at the press


@dataclass
class Char:
    char: str


@dataclass
class Key:
    name: str                           # a task-file key or chord: "enter", "ctrl+s"


# ---- events -> steps (pure) --------------------------------------------------------
def steps_from_events(events: list, resolve) -> list[dict]:
    """Task steps for ``events``.  ``resolve(click)`` is the locator of what lay under
    a click.  Characters typed right after a left click type into what was clicked;
    Backspace takes back a character not yet written; adjacent presses make one
    ``press`` list.  A ``wait_for`` of the first target comes first."""
    steps: list[dict] = []
    typed: list[str] = []
    last_click: int | None = None       # index in steps of a left click typing may join

    def flush():
        nonlocal last_click
        if not typed:
            return
        text = "".join(typed).replace("${", "$${")
        typed.clear()
        if last_click is not None:
            steps[last_click] = {"type": {"text": text, "into": steps[last_click]["click"]}}
        else:
            steps.append({"type": text})
        last_click = None

    for ev in events:
        if isinstance(ev, Char):
            typed.append(ev.char)
            continue
        if isinstance(ev, Key) and ev.name == "backspace" and typed:
            typed.pop()
            continue
        flush()
        last_click = None
        if isinstance(ev, Key):
            if steps and "press" in steps[-1]:
                prev = steps[-1]["press"]
                steps[-1]["press"] = (prev if isinstance(prev, list) else [prev]) + [ev.name]
            else:
                steps.append({"press": ev.name})
        elif isinstance(ev, Click):
            loc = resolve(ev)
            step = "right_click" if ev.button == 3 else \
                "double_click" if ev.double else "click"
            steps.append({step: loc})
            if step == "click":
                last_click = len(steps) - 1
    flush()
    for s in steps:                     # the first target, once it is on screen
        (name, value), = s.items()
        target = value.get("into") if name == "type" and isinstance(value, dict) else \
            value if name != "press" and name != "type" else None
        if target is None:
            continue
        if isinstance(target, dict):
            if "at" in target:
                break
            target = {k: v for k, v in target.items() if k != "offset"}
        steps.insert(0, {"wait_for": target})
        break
    return steps


def key_name(keysym_name: str | None, char: str | None, state: int) -> Key | Char | None:
    """What one key press was: a character to type, a key or chord to press, or None
    (a modifier alone, a key we cannot name)."""
    if keysym_name in _MODIFIER_KEYSYMS:
        return None
    mods = [m for bit, m in ((_CTRL, "ctrl"), (_ALT, "alt"), (_SUPER, "win"))
            if state & bit]
    named = _KEY_NAMES.get(keysym_name or "")
    if not mods and named != "space" and named is None:
        return Char(char) if char else None
    if not mods and named == "space":
        return Char(" ")
    if not mods and not state & _SHIFT:
        return Key(named)
    base = named or (char.lower() if char and char != "+" else None)
    if base is None:
        return None
    if state & _SHIFT and (named or mods):
        mods.append("shift")
    return Key("+".join(mods + [base]))


# ---- clicks -> locators ------------------------------------------------------------
class Resolver:
    """Turns a click (its point and the screen at its press) into a locator."""

    def __init__(self, vision, task_path: Path):
        self.vision = vision
        self.task_path = task_path
        self.images: list[Path] = []

    def parse(self, arg: str, value: Any):
        from .mcp.recorder import _flow
        from .task import parse_locator

        return parse_locator(_flow(value), self.task_path, allow_outside=True)

    def __call__(self, click: Click) -> Any:
        from .mcp.recorder import _LABELLED, _leads_to, element_at
        from .vision.frame import screen_to_frame
        from .vision.geometry import inside
        from .vision.scene import perceive

        frame, point = click.frame, (click.x, click.y)
        seen = perceive(self.vision, frame)
        fx, fy = screen_to_frame(frame, *point)
        hits = [s for s in seen if inside((fx, fy), s.element.box)]
        hit = min(hits, key=lambda s: (s.element.kind == "text",
                                       s.element.box[2] * s.element.box[3])) if hits else None
        if hit is not None and hit.element.kind in _LABELLED:
            for cand in self._relations(hit, seen):
                if _leads_to(self.vision, frame, cand, hit.element.box, None, self.parse):
                    return cand
        loc = element_at(self.vision, frame, point, None, self.parse, lambda f: seen)
        if isinstance(loc, dict) and "at" in loc:
            loc = self._crop(frame, point, hit.element.box if hit else None)
        return loc

    @staticmethod
    def _relations(hit, seen) -> list[dict]:
        """``{kind, right_of: label}`` (``left_of`` for a box before its label) for the
        nearest text on the control's row, then for its own names."""
        el = hit.element
        x, y, w, h = el.box
        cy = y + h / 2
        before = el.kind in ("checkbox", "radio", "toggle")     # box, then its label
        row = [s for s in seen if s.element.kind == "text" and s.element.text
               and abs(s.element.box[1] + s.element.box[3] / 2 - cy) <= max(h / 2, 8)]
        if before:
            row = sorted((s for s in row if s.element.box[0] >= x + w - 4),
                         key=lambda s: s.element.box[0])
        else:
            row = sorted((s for s in row if s.element.box[0] + s.element.box[2] <= x + 4),
                         key=lambda s: -(s.element.box[0] + s.element.box[2]))
        labels = [s.element.text for s in row[:1]] + list(hit.names)
        rel = "left_of" if before else "right_of"
        out, done = [], set()
        for t in labels:
            if t and t.strip() and t not in done and not t.startswith("@"):
                done.add(t)
                out.append({"kind": el.kind, rel: t.replace("${", "$${")})
        return out

    def _crop(self, frame, point, box) -> dict:
        """An image of what lay under the pointer, saved beside the task."""
        from PIL import Image

        from .vision.frame import clip_box, frame_to_screen, screen_to_frame

        fx, fy = screen_to_frame(frame, *point)
        if box is None or box[2] * box[3] > 200 * 120 or box[2] < 8 or box[3] < 8:
            box = (int(fx) - 30, int(fy) - 20, 60, 40)
        box = clip_box(box, frame.width, frame.height)
        n = len(self.images) + 1
        path = self.task_path.with_name(f"{self.task_path.stem}-click{n}.png")
        Image.fromarray(frame.crop(box)).save(path)
        self.images.append(path)
        cx, cy = frame_to_screen(frame, box[0] + box[2] / 2, box[1] + box[3] / 2)
        loc: dict = {"image": path.name}
        off = [int(point[0] - cx), int(point[1] - cy)]
        if abs(off[0]) > 3 or abs(off[1]) > 3:
            loc["offset"] = off
        return loc


# ---- the X RECORD session ----------------------------------------------------------
class XSession:
    """Watches the X server's pointer buttons and keys on a thread until :meth:`stop`
    or the stop key; grabs the screen at each button press."""

    def __init__(self, stop_key: str = STOP_KEY):
        from Xlib import display as xdisplay
        from Xlib.ext import record

        self.stop_key = stop_key.lower()
        self.events: list = []
        self.stopped = threading.Event()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        try:
            self._ctl = xdisplay.Display()
            self._rec = xdisplay.Display()
        except Exception as e:  # noqa: BLE001 - Xlib raises several kinds
            raise EnvironmentProblem(f"cannot open the X display: {e}") from None
        if not self._rec.has_extension("RECORD"):
            self._rec.close()
            self._ctl.close()
            raise EnvironmentProblem("the X server has no RECORD extension (Xorg and Xvfb "
                                     "have it unless started with -extension RECORD)")
        from Xlib import X
        self._ctx = self._ctl.record_create_context(0, [record.AllClients], [{
            "core_requests": (0, 0), "core_replies": (0, 0),
            "ext_requests": (0, 0, 0, 0), "ext_replies": (0, 0, 0, 0),
            "delivered_events": (0, 0), "device_events": (X.KeyPress, X.ButtonRelease),
            "errors": (0, 0), "client_started": False, "client_died": False}])
        self._ctl.sync()                # the context exists before the other connection uses it
        self._names = {}
        from Xlib import XK
        for n in dir(XK):
            if n.startswith("XK_"):
                self._names.setdefault(getattr(XK, n), n[3:])
        self._press: Click | None = None
        self._thread = threading.Thread(target=self._run, name="x-record", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float) -> bool:
        return self.stopped.wait(timeout)

    def stop(self) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            try:
                self._ctl.record_disable_context(self._ctx)
                self._ctl.flush()
            except Exception:  # noqa: BLE001 - the server may be gone
                pass
        self._thread.join(5)
        for d in (self._ctl,):
            try:
                d.record_free_context(self._ctx)
                d.close()
            except Exception:  # noqa: BLE001
                pass

    def _run(self) -> None:
        from .devices.screen import MssScreen
        self._screen = MssScreen()
        try:
            self._screen.grab()         # open mss on this thread
            self.ready.set()
            self._rec.record_enable_context(self._ctx, self._on_data)
        except BaseException as e:  # noqa: BLE001 - reported by record()
            if not self.stopped.is_set():
                self.error = e
        finally:
            self.ready.set()
            self.stopped.set()
            self._screen.close()
            try:
                self._rec.close()
            except Exception:  # noqa: BLE001
                pass

    def _on_data(self, reply) -> None:
        from Xlib import X
        from Xlib.ext import record
        from Xlib.protocol import rq

        if reply.category != record.FromServer or reply.client_swapped \
                or not len(reply.data) or reply.data[0] < 2:
            return
        data = reply.data
        while len(data):
            ev, data = rq.EventField(None).parse_binary_value(data, self._rec.display,
                                                              None, None)
            if self.stopped.is_set() or len(self.events) >= MAX_EVENTS:
                return
            if ev.type == X.ButtonPress:
                self._button(ev)
            elif ev.type == X.ButtonRelease and ev.detail == 1 and self._press:
                p = self._press
                if max(abs(ev.root_x - p.x), abs(ev.root_y - p.y)) > DRAG_PX:
                    log.warning("a drag from (%d, %d) to (%d, %d) is recorded as a click "
                                "at its start", p.x, p.y, ev.root_x, ev.root_y)
            elif ev.type == X.KeyPress:
                self._key(ev)

    def _button(self, ev) -> None:
        if ev.detail not in (1, 3):
            log.warning("pointer button %d is not recorded (scrolling, middle click)",
                        ev.detail)
            return
        t = time.monotonic()
        prev = self.events[-1] if self.events else None
        if isinstance(prev, Click) and prev.button == ev.detail == 1 and not prev.double \
                and t - prev.t <= DOUBLE_CLICK_S \
                and max(abs(prev.x - ev.root_x), abs(prev.y - ev.root_y)) <= DOUBLE_CLICK_PX:
            prev.double = True
            return
        click = Click(ev.root_x, ev.root_y, ev.detail, t, frame=self._screen.grab())
        self.events.append(click)
        self._press = click if ev.detail == 1 else None

    def _key(self, ev) -> None:
        shift = bool(ev.state & _SHIFT)
        sym = self._rec.keycode_to_keysym(ev.detail, 1 if shift else 0) \
            or self._rec.keycode_to_keysym(ev.detail, 0)
        name = self._names.get(sym)
        char = None
        if 0x20 <= sym <= 0x7E or 0xA0 <= sym <= 0xFF:
            char = chr(sym)
        elif 0x1000100 <= sym <= 0x110FFFF:
            char = chr(sym - 0x1000000)
        what = key_name(name, char, ev.state)
        if what is None:
            return
        stop = what.name if isinstance(what, Key) else None
        if stop is not None and stop == self.stop_key:
            self.stopped.set()
            try:                            # the record connection stops itself
                self._ctl.record_disable_context(self._ctx)
                self._ctl.flush()
            except Exception:  # noqa: BLE001
                pass
            return
        self.events.append(what)


# ---- the command -------------------------------------------------------------------
class TaskRecorder(Recorder):
    """The task as text: the schema line, then what the MCP recorder writes."""

    def render(self) -> str:
        text = super().render()
        _, rest = text.split("\n", 1)
        return (f"# yaml-language-server: $schema={SCHEMA_NAME}\n"
                f"# Recorded by picoagent record ({self.backend}) from "
                f"{self.started.isoformat()}.\n{rest}")


def record(out: str | os.PathLike, *, backend: str = "auto", stop_key: str = STOP_KEY,
           threads: int | None = None, vision=None, on_ready=None,
           should_stop=None) -> dict:
    """Record a person's session on the live X11 display into task file ``out``; runs
    until SIGINT (KeyboardInterrupt), the stop key, or ``should_stop()``.  Returns
    ``{"path", "steps", "images"}``.  EnvironmentProblem on Wayland or without a
    usable X display; UsageError for a bad ``out``."""
    from .devices.backend import choose_backend

    choice = choose_backend(backend)
    if choice.backend != "x11":
        raise EnvironmentProblem(WAYLAND_MESSAGE)
    _check_stop_key(stop_key)
    task = TaskRecorder(out, backend="x11", allow_outside=True)                # checks the path before recording
    from .devices.display import check_display
    check_display()
    session = XSession(stop_key)
    session.start()
    session.ready.wait(10)
    if on_ready is not None:
        on_ready()
    try:
        while not session.wait(0.1):
            if should_stop is not None and should_stop():
                break
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
    if session.error is not None:
        raise EnvironmentProblem(f"recording stopped: {session.error}")
    if vision is None:
        from .agent.session import make_vision
        vision = make_vision(threads)
    resolver = Resolver(vision, task.path)
    steps = steps_from_events(list(session.events), resolver)
    if not steps:
        raise UsageError("nothing was recorded (no click or key reached the X server); "
                         f"{task.path.name} was not written")
    task.entries = [("step", s) for s in steps]
    _write_schema(task.path.parent)
    task.write()
    return {"path": str(task.path), "steps": len(steps),
            "images": [str(p) for p in resolver.images]}


def _check_stop_key(key: str) -> None:
    from .task import load_task
    try:
        load_task(Path("stop-key.yaml"), text=f"steps:\n- press: {key!r}\n")
    except PicoAgentError as e:
        raise UsageError(f"--stop-key {key!r}: {e.message if hasattr(e, 'message') else e}"
                         ) from None


def _write_schema(folder: Path) -> None:
    """The schema the first line names, beside the task (kept if already there)."""
    import json

    from .task.schema import task_schema
    path = folder / SCHEMA_NAME
    if not path.exists():
        path.write_text(json.dumps(task_schema(), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
