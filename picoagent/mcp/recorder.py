"""``picoagent mcp --record OUT.yaml``: the session's acting calls as a task file.

Each successful acting call becomes one step, with the locator that identified its
target: the client's own locator when it gave one; for an element id or a point,
the text or kind + name of the element there, checked on the same screen to lead
back to that element and to no near-tied other (:func:`locator_for`), and a raw
``at: [x, y]`` only where nothing else does.  Typed secrets are written as
``${secret_N}`` (a ``--var`` at replay), never as their value.

The file is rewritten whole after every step: to a temporary file in the same
folder, flushed to disk, then renamed over the old one, so a crash leaves the
previous complete recording, never half of one.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import PicoAgentError, TargetNotFound, UsageError

log = logging.getLogger(__name__)

#: kinds named by the words on them: plain text finds them (acting steps prefer them)
_WORDED = ("button", "tab", "menu_item", "link")
#: kinds named by a label or value: kind + text
_LABELLED = ("checkbox", "radio", "toggle", "text_field", "dropdown", "slider")
#: how many reading-order positions ``index`` fallbacks try
_MAX_INDEX = 8
#: a runner-up this close to the match's score makes a locator ambiguous
_TIE = 0.02


class Recorder:
    def __init__(self, path: str | os.PathLike, *, backend: str = "",
                 allow_outside: bool = False):
        self.path = Path(path).resolve()
        if self.path.suffix.lower() not in (".yaml", ".yml"):
            raise UsageError(f"--record {path}: the file name must end in .yaml or .yml")
        if not self.path.parent.is_dir():
            raise UsageError(f"--record {path}: folder {self.path.parent} does not exist")
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise UsageError(f"--record {path}: not writable")
        self.backend = backend
        self.allow_outside = allow_outside
        self.started = _dt.datetime.now().astimezone().replace(microsecond=0)
        #: ("step", value) or ("comment", text), in order
        self.entries: list[tuple[str, Any]] = []
        self._secrets: dict[str, str] = {}      # value -> variable name

    @property
    def steps(self) -> list[dict]:
        return [v for k, v in self.entries if k == "step"]

    def secret(self, value: str) -> str:
        """The ``${name}`` that stands for a typed secret in the recording."""
        if value not in self._secrets:
            self._secrets[value] = f"secret_{len(self._secrets) + 1}"
        return "${" + self._secrets[value] + "}"

    def add(self, step: dict | None, comment: str | None = None) -> None:
        """Append ``step`` (a task-file step value such as ``{"click": "OK"}``) and/or a
        comment, and write the file."""
        if comment:
            self.entries.append(("comment", comment))
        if step is not None:
            self.entries.append(("step", step))
        if self.steps:
            self.write()

    def render(self) -> str:
        names = list(self._secrets.values())
        replay = f"picoagent run {self.path.name}" + "".join(
            f" --var {n}=..." for n in names)
        head = [f"# Recorded by picoagent mcp ({self.backend or 'display'}) from "
                f"{self.started.isoformat()}.", f"# Replay: {replay}"]
        if names:
            head.append("# Typed secrets are variables: give their values with --var.")
        text = "\n".join(head) + f"\nname: {_flow(self.path.stem)}\n"
        if names:
            text += f"secrets: {_flow(names)}\n"
        text += "steps:\n"
        for kind, v in self.entries:
            if kind == "comment":
                text += "".join(f"  # {ln}\n" for ln in str(v).splitlines())
            else:
                (step, value), = v.items()
                text += f"  - {step}: {_flow(value)}\n"
        return text

    def write(self) -> None:
        text = self.render()
        self._check(text)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:                            # the rename itself survives a power cut
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass

    def _check(self, text: str) -> None:
        """The recording must load as a task (with its secrets given); a step that
        makes it invalid is a bug here, logged, and the file is still written."""
        from ..task import load_task
        try:
            load_task(self.path, {n: "x" for n in self._secrets.values()}, text=text,
                      allow_outside=self.allow_outside)
        except PicoAgentError as e:
            log.warning("the recording does not load as a task: %s", e)


def _flow(v: Any) -> str:
    """``v`` as one line of YAML flow text (strings quoted where YAML would read them
    as something else: ``yes``, ``7``, ``@x``).  Text with line breaks or other control
    characters, or that YAML would not read back as it is, is written as JSON (YAML
    too), whose escapes keep it on one line."""
    if _has_control(v):
        return json_yaml(v)
    text = yaml.safe_dump(v, default_flow_style=True, sort_keys=False, allow_unicode=True,
                          width=10_000)
    text = text[:-len("\n...\n")] if text.endswith("\n...\n") else text.removesuffix("\n")
    try:
        same = yaml.safe_load(f"k: {text}\n") == {"k": v}
    except yaml.YAMLError:
        same = False
    return text if same and "\n" not in text else json_yaml(v)


#: YAML line breaks besides \n and \r (PyYAML reads them as such)
_BREAKS = ("\x85", "\u2028", "\u2029")


def _plain_char(c: str) -> bool:
    """May ``c`` stand as it is inside a one-line YAML scalar?"""
    o = ord(c)
    return c not in _BREAKS and (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
                                 or 0xE000 <= o <= 0xFFFD or o >= 0x10000)


def _has_control(v: Any) -> bool:
    if isinstance(v, str):
        return not all(_plain_char(c) for c in v)
    if isinstance(v, list):
        return any(_has_control(x) for x in v)
    if isinstance(v, dict):
        return any(_has_control(x) for x in v.values())
    return False


def json_yaml(v: Any) -> str:
    """``v`` as JSON on one line (YAML reads JSON), with every character that YAML
    does not allow there escaped."""
    return "".join(c if _plain_char(c) else f"\\u{ord(c):04x}"
                   for c in json.dumps(v, ensure_ascii=False))


def _text_value(t: str) -> Any:
    """A text locator as a task file writes it (``@`` would start a target name)."""
    t = t.replace("${", "$${")
    return {"text": t} if t.startswith("@") or not t.strip() else t


def locator_for(vision, frame, el, names: list[str], prefer: str | None,
                parse: Callable[[str, Any], Any]) -> Any:
    """A task-file locator that resolves to element ``el`` (frame pixels) on ``frame``
    and to nothing near-tied elsewhere; else ``{"at": [x, y]}`` (its centre, screen
    points).  ``parse`` turns a locator value into a Locator as the task loader does;
    ``prefer`` is the acting step's preference ("press", "type" or None)."""
    from ..task.loader import ELEMENT_KINDS
    from ..vision.frame import frame_to_screen

    kind = el.kind
    names = [n for n in names if n and n.strip()]
    cands: list[Any] = []
    if kind == "text":
        cands += [_text_value(n) for n in names]
    elif kind in _WORDED:
        cands += [_text_value(n) for n in names]
        cands += [{"kind": kind, "text": n.replace("${", "$${")} for n in names]
    elif kind in _LABELLED:
        cands += [{"kind": kind, "text": n.replace("${", "$${")} for n in names]
    for i in range(_MAX_INDEX):
        if kind in ELEMENT_KINDS:
            cands.append({"kind": kind, "index": i})
        elif kind == "text" and names:
            cands.append({"text": names[0].replace("${", "$${"), "index": i})
    for c in cands:
        if _leads_to(vision, frame, c, el.box, prefer, parse):
            return c
    return {"at": list(frame_to_screen(frame, *el.center))}


def _leads_to(vision, frame, value, box, prefer, parse) -> bool:
    from ..vision.geometry import center, inside

    try:
        loc = parse("target", value)
        m = vision.locate(frame, loc, prefer=prefer)
    except (TargetNotFound, PicoAgentError):
        return False
    grown = (box[0] - 2, box[1] - 2, box[2] + 4, box[3] + 4)
    if not inside(m.point, grown):
        return False
    if loc.index is None:
        for r, s in zip(m.runners_up, m.runner_scores):
            if s >= m.score - _TIE and not inside(center(r.box), grown):
                return False            # another element would do as well: ambiguous
    return True


def element_at(vision, frame, point: tuple[int, int], prefer: str | None,
               parse: Callable[[str, Any], Any], perceive: Callable) -> Any:
    """The locator for what lies at screen ``point`` on ``frame``: the smallest
    element there (controls before text), with an ``offset`` when the point is far
    from its centre; ``{"at": point}`` where no element is, or none can be named."""
    from ..vision.frame import frame_to_screen, screen_to_frame
    from ..vision.geometry import inside

    fx, fy = screen_to_frame(frame, *point)
    hits = [s for s in perceive(frame) if inside((fx, fy), s.element.box)]
    if hits:
        s = min(hits, key=lambda s: (s.element.kind == "text",
                                     s.element.box[2] * s.element.box[3]))
        loc = locator_for(vision, frame, s.element, s.names, prefer, parse)
        if not (isinstance(loc, dict) and "at" in loc):
            x, y, w, h = s.element.box
            cx, cy = frame_to_screen(frame, *s.element.center)
            if abs(fx - (x + w / 2)) > 0.25 * w or abs(fy - (y + h / 2)) > 0.25 * h:
                loc = dict(loc) if isinstance(loc, dict) else {"text": loc}
                loc["offset"] = [int(point[0] - cx), int(point[1] - cy)]
            return loc
    return {"at": [int(point[0]), int(point[1])]}
