"""Load and validate a task file into a :class:`~picoagent.task.model.Task`.

Everything is checked here, before the screen is touched: YAML syntax, unknown
steps and keys, types, durations, regexes, image files, includes (missing or
cyclic) and undefined variables.  Every error is a ``TaskFileError`` naming the
file, the line and the key.
"""
from __future__ import annotations

import difflib
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from .durations import parse_duration
from .interpolate import InterpolationError, references
from .model import (Check, Condition, Drag, If, Include, Launch, Locator, Notify, Read,
                    Repeat, Retry, Scroll, Settings, Step, Task, TypeText, WaitStable,
                    Where)
from .yamlsrc import LDict, LList, load_yaml_file, load_yaml_text, source_text

STEP_KINDS = (
    "click", "double_click", "right_click", "move", "drag", "scroll", "type", "press",
    "wait_for", "wait_gone", "wait_stable", "expect", "expect_gone", "read", "check",
    "set", "sleep", "launch", "screenshot", "log", "notify", "if", "repeat", "retry",
    "include",
)
STEP_MODIFIERS = ("label", "optional", "timeout")
TOP_KEYS = ("name", "vars", "secrets", "settings", "targets", "on_failure", "steps")
INCLUDED_KEYS = ("name", "vars", "targets", "steps")
#: each setting and the kind of value it takes (the loader checks it so; the JSON
#: Schema, picoagent.task.schema, is generated from this table too)
SETTING_TYPES = {"timeout": "duration", "interval": "duration", "settle": "duration",
                 "park_after": "duration", "min_score": "fraction",
                 "confidence": "fraction", "region": "region", "max_steps": "count",
                 "max_runtime": "duration", "threads": "count", "output": "name",
                 "notify": "notify"}
SETTING_KEYS = tuple(SETTING_TYPES)
LOCATOR_KEYS = ("text", "regex", "image", "kind", "checked", "at", "target", "right_of",
                "left_of", "above", "below", "near", "within", "index", "offset",
                "min_score", "confidence")
#: a locator names at least one of these (or a `target`), and at most one of the
#: exclusive ones
LOCATOR_NEEDS = ("text", "regex", "image", "kind", "at")
LOCATOR_EXCLUSIVE = ("text", "regex", "image", "at")
#: element kinds a `kind:` locator may name once the UI element model is present
ELEMENT_KINDS = ("button", "text_field", "checkbox", "radio", "dropdown", "toggle",
                 "slider", "tab", "icon", "link", "menu_item")
#: element kinds that have a checked / unchecked state
STATEFUL_KINDS = ("checkbox", "radio", "toggle")
KEYS = ("enter", "return", "tab", "esc", "escape", "space", "backspace", "delete", "del",
        "insert", "home", "end", "pageup", "pagedown", "up", "down", "left", "right",
        "ctrl", "control", "alt", "shift", "win", "super", "command", "cmd", "option",
        "capslock", "numlock", "printscreen", "pause", "menu", "apps",
        *(f"f{i}" for i in range(1, 25)))
#: the keys of each step's mapping form (the JSON Schema is generated from these too)
STEP_ARG_KEYS = {
    "drag": ("from", "to"),
    "scroll": ("direction", "amount", "at"),
    "type": ("text", "into", "clear", "secret"),
    "wait_stable": ("region", "for"),
    "read": ("at", "region", "into", "pattern"),
    "check": ("value", "equals", "matches", "contains"),
    "launch": ("cmd", "wait", "detach"),
    "repeat": ("times", "until", "while", "max", "steps"),
    "retry": ("max", "steps"),
    "include": ("file", "vars"),
    "notify": ("url", "title", "message", "screenshot", "headers"),
}
#: the keys of `settings: {notify: ...}` (the POST after a failed run)
NOTIFY_SETTING_KEYS = ("url", "title", "screenshot", "headers", "timeout")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
#: keys of an `if` step beside `if` itself
IF_BRANCHES = ("then", "else")
COMPARISONS = ("equals", "matches", "contains")
CONDITION_KEYS = ("visible", "not_visible", "var", *COMPARISONS, "timeout")
SCROLL_DIRECTIONS = ("up", "down", "left", "right")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_task(path: str | os.PathLike, variables: Mapping[str, str] | None = None, *,
              env: Mapping[str, str] | None = None, text: str | None = None,
              element_kinds_available: bool = True, allow_outside: bool = False) -> Task:
    """Load ``path`` (or ``text`` as if it were that file) and validate it completely.

    ``variables`` override the task's ``vars`` (as ``--var`` does).  ``env`` defaults
    to ``os.environ``.  Included files and images must lie in the task's folder (or
    below it) unless ``allow_outside``.  Raises :class:`TaskFileError`.
    """
    p = Path(path).resolve()
    ctx = _Ctx(env=dict(os.environ if env is None else env),
               kinds_available=element_kinds_available)
    ctx.root = None if allow_outside else p.parent
    raw = load_yaml_text(text, str(p)) if text is not None else load_yaml_file(p)
    return ctx.top(raw, p, dict(variables or {}))


def _kind_name(v: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "empty"}.get(type(v), "a list" if isinstance(v, list) else
                                     "a mapping" if isinstance(v, dict) else type(v).__name__)


class _File:
    """Per-file parsing state: where we are, and the named targets visible here."""

    def __init__(self, ctx: _Ctx, path: Path, raw_targets: dict, target_lines: LDict | None):
        self.ctx = ctx
        self.path = path
        self.name = str(path)
        self.folder = path.parent
        self.raw_targets = raw_targets
        self.target_lines = target_lines
        self.targets: dict[str, Locator] = {}
        self._resolving: set[str] = set()

    def err(self, msg: str, line: int | None, key: str | None = None) -> TaskFileError:
        return TaskFileError(msg, self.name, line, key)

    def where(self, line: int) -> Where:
        return Where(file=self.name, line=line)

    # ---- scalars -------------------------------------------------------------------
    def string(self, v: Any, line: int, key: str, *, allow_number: bool = True) -> str:
        if isinstance(v, str):
            s = v
        elif allow_number and isinstance(v, (int, float)) and not isinstance(v, bool):
            s = source_text(v)
        else:
            raise self.err(f"expected text, got {_kind_name(v)}", line, key)
        self.refs(s, line, key)
        return s

    def refs(self, s: str, line: int, key: str) -> None:
        try:
            for name in references(s):
                self.ctx.var_refs.append((name, self.name, line, key))
        except InterpolationError as e:
            raise self.err(str(e), line, key) from None

    def boolean(self, v: Any, line: int, key: str) -> bool:
        if not isinstance(v, bool):
            raise self.err(f"expected true or false, got {_kind_name(v)}", line, key)
        return v

    def integer(self, v: Any, line: int, key: str, minimum: int = 0) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.err(f"expected a whole number, got {_kind_name(v)} {v!r}", line, key)
        if v < minimum:
            raise self.err(f"must be at least {minimum}, got {v}", line, key)
        return v

    def fraction(self, v: Any, line: int, key: str) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise self.err(f"expected a number between 0 and 1, got {v!r}", line, key)
        return float(v)

    def duration(self, v: Any, line: int, key: str) -> float:
        try:
            return parse_duration(v)
        except ValueError as e:
            raise self.err(str(e), line, key) from None

    def ints(self, v: Any, n: int, line: int, key: str, what: str) -> tuple[int, ...]:
        if (not isinstance(v, list) or len(v) != n
                or any(isinstance(x, bool) or not isinstance(x, int) for x in v)):
            raise self.err(f"expected {what}", line, key)
        return tuple(v)

    def region(self, v: Any, line: int, key: str) -> tuple[int, int, int, int]:
        r = self.ints(v, 4, line, key, "a region [x, y, width, height] of whole numbers")
        if r[2] <= 0 or r[3] <= 0 or r[0] < 0 or r[1] < 0:
            raise self.err("region needs x, y >= 0 and width, height > 0", line, key)
        return r  # type: ignore[return-value]

    def mapping(self, v: Any, line: int, key: str, allowed: tuple[str, ...],
                what: str) -> LDict:
        if not isinstance(v, dict):
            raise self.err(f"{what} must be a mapping, got {_kind_name(v)}", line, key)
        for k in v:
            if k not in allowed:
                raise self.err(_unknown(k, allowed, f"key in {what}"),
                               v.line_of(k), str(k))
        return v

    def regex(self, s: str, line: int, key: str) -> str:
        probe = re.sub(r"\$\{[^{}]*\}", "x", s)
        try:
            re.compile(probe)
        except re.error as e:
            raise self.err(f"invalid regular expression {s!r}: {e}", line, key) from None
        return s

    def inside(self, p: Path, line: int, key: str) -> Path:
        root = self.ctx.root
        if root is not None and not p.is_relative_to(root):
            raise self.err(f"{p} is outside the task's folder {root} (use --allow-outside "
                           "to permit files elsewhere)", line, key)
        return p

    def image_path(self, v: Any, line: int, key: str) -> Path:
        s = self.string(v, line, key, allow_number=False)
        p = self.inside((self.folder / s).resolve(), line, key)
        if not p.is_file():
            raise self.err(f"image file not found: {p}", line, key)
        try:
            from PIL import Image
            with Image.open(p) as im:
                im.verify()
        except Exception as e:  # noqa: BLE001 - any decoder complaint is a bad file
            raise self.err(f"cannot read image {p}: {e}", line, key) from None
        return p

    # ---- locators ------------------------------------------------------------------
    def locator(self, v: Any, line: int, key: str) -> Locator:
        if isinstance(v, str):
            if v.startswith("@"):
                return self.named(v[1:], line, key)
            if not v.strip():
                raise self.err("empty text locator", line, key)
            return Locator(text=self.string(v, line, key), where=self.where(line))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return Locator(text=source_text(v), where=self.where(line))
        if not isinstance(v, dict):
            raise self.err(f"expected a locator (text, \"@name\" or a mapping), got "
                           f"{_kind_name(v)}", line, key)
        m = self.mapping(v, line, key, LOCATOR_KEYS, "locator")
        kw: dict[str, Any] = {}
        base: Locator | None = None
        for k, val in m.items():
            ln = m.line_of(k)
            if k == "target":
                name = self.string(val, ln, k, allow_number=False)
                base = self.named(name[1:] if name.startswith("@") else name, ln, k)
            elif k == "text":
                t = self.string(val, ln, k)
                if not t.strip():
                    raise self.err("empty text", ln, k)
                kw["text"] = t
            elif k == "regex":
                kw["regex"] = self.regex(self.string(val, ln, k), ln, k)
            elif k == "image":
                kw["image"] = self.image_path(val, ln, k)
            elif k == "kind":
                kind = self.string(val, ln, k, allow_number=False)
                if kind not in ELEMENT_KINDS:
                    raise self.err(_unknown(kind, ELEMENT_KINDS, "element kind"), ln, k)
                if not self.ctx.kinds_available:
                    raise self.err(
                        "kind locators need the UI element model "
                        "(picoagent/models/ui-elements.onnx), which is missing from this "
                        "installation; reinstall picoagent or run `make model`, or use text, "
                        "regex or image", ln, k)
                kw["kind"] = kind
            elif k == "checked":
                kw["checked"] = self.boolean(val, ln, k)
            elif k == "at":
                kw["at"] = self.ints(val, 2, ln, k, "a point [x, y] of whole numbers")
            elif k == "within" and isinstance(val, list):
                kw["within"] = self.region(val, ln, k)
            elif k in Locator.RELATIONS:
                kw[k] = self.locator(val, ln, k)
            elif k == "index":
                kw["index"] = self.integer(val, ln, k)
            elif k == "offset":
                kw["offset"] = self.ints(val, 2, ln, k, "an offset [dx, dy] of whole numbers")
            elif k in ("min_score", "confidence"):
                kw[k] = self.fraction(val, ln, k)
        if base is not None:
            merged = replace(base, **kw, name=None if kw else base.name)
            if kw:
                self._check_locator(merged, line, key, line,
                                    " after merging the named target")
            return merged
        if not any(k in kw for k in LOCATOR_NEEDS):
            raise self.err("a locator needs one of text, regex, image, kind, at or target",
                           line, key)
        loc = Locator(**kw, where=self.where(line))
        self._check_locator(loc, line, key, m.line_of("checked"))
        return loc

    def _check_locator(self, loc: Locator, line: int, key: str, checked_line: int,
                       context: str = "") -> None:
        what = [k for k in LOCATOR_EXCLUSIVE if getattr(loc, k) is not None]
        if len(what) > 1:
            raise self.err(f"a locator takes one of text, regex, image, at (found "
                           f"{', '.join(what)}{context})", line, key)
        if loc.checked is not None and loc.kind is None:
            raise self.err("`checked` only applies with `kind`", checked_line, "checked")
        if loc.checked is not None and loc.kind not in STATEFUL_KINDS:
            raise self.err(f"`checked` applies to {', '.join(STATEFUL_KINDS)}, not to "
                           f"kind {loc.kind}", checked_line, "checked")

    def named(self, name: str, line: int, key: str) -> Locator:
        if name in self.targets:
            return self.targets[name]
        if name not in self.raw_targets:
            known = ", ".join(sorted(self.raw_targets)) or "none defined"
            raise self.err(f"unknown target @{name} (targets: {known})", line, key)
        if name in self._resolving:
            raise self.err(f"target @{name} refers to itself", line, key)
        self._resolving.add(name)
        tl = self.target_lines.line_of(name) if self.target_lines is not None else line
        loc = replace(self.locator(self.raw_targets[name], tl, name), name=name)
        self._resolving.discard(name)
        self.targets[name] = loc
        return loc

    # ---- conditions ----------------------------------------------------------------
    def condition(self, v: Any, line: int, key: str) -> Condition:
        m = self.mapping(v, line, key, CONDITION_KEYS, "condition")
        kw: dict[str, Any] = {}
        if "timeout" in m:
            kw["timeout"] = self.duration(m["timeout"], m.line_of("timeout"), "timeout")
        kinds = [k for k in ("visible", "not_visible", "var") if k in m]
        if len(kinds) != 1:
            raise self.err("a condition needs exactly one of visible, not_visible, var",
                           line, key)
        k = kinds[0]
        if k in ("visible", "not_visible"):
            extra = [x for x in COMPARISONS if x in m]
            if extra:
                raise self.err(f"`{extra[0]}` only goes with `var`", m.line_of(extra[0]),
                               extra[0])
            kw[k] = self.locator(m[k], m.line_of(k), k)
        else:
            if "timeout" in m:
                raise self.err("`timeout` applies to visible/not_visible, not to `var`",
                               m.line_of("timeout"), "timeout")
            name = self.string(m["var"], m.line_of("var"), "var", allow_number=False)
            self.var_name(name, m.line_of("var"), "var", define=False)
            self.ctx.var_refs.append((name, self.name, m.line_of("var"), "var"))
            op, operand = self.comparison(m, line, key)
            kw.update(var=name, op=op, operand=operand)
        return Condition(**kw)

    def comparison(self, m: LDict, line: int, key: str) -> tuple[str, str]:
        ops = [x for x in COMPARISONS if x in m]
        if len(ops) != 1:
            raise self.err("needs exactly one of equals, matches, contains", line, key)
        op = ops[0]
        operand = self.string(m[op], m.line_of(op), op)
        if op == "matches":
            self.regex(operand, m.line_of(op), op)
        return op, operand

    def var_name(self, name: Any, line: int, key: str, define: bool = True) -> str:
        if not isinstance(name, str) or not _VAR_NAME.match(name):
            raise self.err(f"invalid variable name {name!r} (letters, digits, _)", line, key)
        if define:
            self.ctx.var_defs.add(name)
        return name

    # ---- steps ---------------------------------------------------------------------
    def steps(self, v: Any, line: int, key: str, *, allow_empty: bool = False
              ) -> tuple[Step, ...]:
        if v is None or (isinstance(v, list) and not v):
            if allow_empty:
                return ()
            raise self.err(f"`{key}` must list at least one step", line, key)
        if not isinstance(v, LList):
            raise self.err(f"`{key}` must be a list of steps, got {_kind_name(v)}", line, key)
        return tuple(self.step(item, v.line_of(i)) for i, item in enumerate(v))

    def step(self, v: Any, line: int) -> Step:
        if isinstance(v, str) and v in STEP_KINDS:
            raise self.err(f"step `{v}` needs a value, e.g. `- {v}: ...`", line, v)
        if not isinstance(v, dict) or not v:
            raise self.err("each step must be a mapping such as `- click: OK`, got "
                           f"{_kind_name(v)}", line, None)
        names = [k for k in v if k in STEP_KINDS]
        companions = IF_BRANCHES if "if" in names else ()
        for k in v:
            if k not in STEP_KINDS and k not in STEP_MODIFIERS and k not in companions:
                raise self.err(_unknown(k, STEP_KINDS + STEP_MODIFIERS, "step"),
                               v.line_of(k), str(k))
        if len(names) != 1:
            if not names:
                raise self.err("no step name in this mapping (only "
                               + ", ".join(map(str, v)) + ")", v.line, None)
            raise self.err("one step per list item: found " + ", ".join(names)
                           + " (start each with `- `)", v.line_of(names[1]), names[1])
        kind = names[0]
        ln = v.line_of(kind)
        mods: dict[str, Any] = {}
        if "label" in v:
            mods["label"] = self.string(v["label"], v.line_of("label"), "label")
        if "optional" in v:
            mods["optional"] = self.boolean(v["optional"], v.line_of("optional"), "optional")
        if "timeout" in v:
            mods["timeout"] = self.duration(v["timeout"], v.line_of("timeout"), "timeout")
        args = getattr(self, "_s_" + kind)(v[kind], ln, kind, v)
        return Step(kind=kind, args=args, where=self.where(ln), **mods)

    def _s_click(self, v, ln, key, _):
        return self.locator(v, ln, key)

    _s_double_click = _s_right_click = _s_move = _s_click
    _s_wait_for = _s_wait_gone = _s_expect = _s_expect_gone = _s_click

    def _s_drag(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["drag"], "drag")
        if "from" not in m or "to" not in m:
            raise self.err("drag needs both `from` and `to`", ln, key)
        return Drag(source=self.locator(m["from"], m.line_of("from"), "from"),
                    target=self.locator(m["to"], m.line_of("to"), "to"))

    def _s_scroll(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["scroll"], "scroll")
        d = m.get("direction")
        if d not in SCROLL_DIRECTIONS:
            raise self.err(f"direction must be up, down, left or right, got {d!r}",
                           m.line_of("direction"), "direction")
        amount = self.integer(m.get("amount", 3), m.line_of("amount"), "amount", 1)
        at = self.locator(m["at"], m.line_of("at"), "at") if "at" in m else None
        return Scroll(direction=d, amount=amount, at=at)

    def _s_type(self, v, ln, key, _):
        if not isinstance(v, dict):
            return TypeText(text=self.string(v, ln, key))
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["type"], "type")
        if "text" not in m:
            raise self.err("type needs `text`", ln, key)
        if "clear" in m and "into" not in m:
            raise self.err("`clear` needs `into` (the field to clear)", m.line_of("clear"),
                           "clear")
        return TypeText(
            text=self.string(m["text"], m.line_of("text"), "text"),
            into=self.locator(m["into"], m.line_of("into"), "into") if "into" in m else None,
            clear=self.boolean(m.get("clear", False), m.line_of("clear"), "clear"),
            secret=self.boolean(m.get("secret", False), m.line_of("secret"), "secret"))

    def _s_press(self, v, ln, key, _):
        items = v if isinstance(v, list) else [v]
        if not items:
            raise self.err("press needs at least one key", ln, key)
        out = []
        for i, item in enumerate(items):
            il = v.line_of(i) if isinstance(v, LList) else ln
            s = self.string(item, il, key)
            parts = [p.strip().lower() for p in s.split("+")]
            for p in parts:
                if len(p) != 1 and p not in KEYS:
                    raise self.err(_unknown(p, KEYS, "key"), il, key)
            out.append("+".join(parts))
        return tuple(out)

    def _s_wait_stable(self, v, ln, key, _):
        m = self.mapping(v if v is not None else LDict(), ln, key,
                         STEP_ARG_KEYS["wait_stable"], "wait_stable")
        region = self.region(m["region"], m.line_of("region"), "region") if "region" in m \
            else None
        dur = self.duration(m["for"], m.line_of("for"), "for") if "for" in m else None
        return WaitStable(region=region, **({"duration": dur} if dur is not None else {}))

    def _s_read(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["read"], "read")
        if "into" not in m:
            raise self.err("read needs `into: variable_name`", ln, key)
        if ("at" in m) == ("region" in m):
            raise self.err("read needs exactly one of `at` or `region`", ln, key)
        into = self.var_name(m["into"], m.line_of("into"), "into")
        pattern = None
        if "pattern" in m:
            pattern = self.regex(self.string(m["pattern"], m.line_of("pattern"), "pattern"),
                                 m.line_of("pattern"), "pattern")
        return Read(
            into=into, pattern=pattern,
            at=self.locator(m["at"], m.line_of("at"), "at") if "at" in m else None,
            region=self.region(m["region"], m.line_of("region"), "region")
            if "region" in m else None)

    def _s_check(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["check"], "check")
        if "value" not in m:
            raise self.err("check needs `value`", ln, key)
        value = self.string(m["value"], m.line_of("value"), "value")
        op, operand = self.comparison(m, ln, key)
        return Check(value=value, op=op, operand=operand)

    def _s_set(self, v, ln, key, _):
        if not isinstance(v, dict) or not v:
            raise self.err("set needs a mapping of names to values", ln, key)
        out = {}
        for k, val in v.items():
            name = self.var_name(k, v.line_of(k), str(k))
            out[name] = str(val).lower() if isinstance(val, bool) else \
                self.string(val, v.line_of(k), name)
        return out

    def _s_sleep(self, v, ln, key, _):
        return self.duration(v, ln, key)

    def _s_launch(self, v, ln, key, _):
        wait = detach = False
        if isinstance(v, dict):
            m = self.mapping(v, ln, key, STEP_ARG_KEYS["launch"], "launch")
            if "cmd" not in m:
                raise self.err("launch needs `cmd`", ln, key)
            wait = self.boolean(m.get("wait", False), m.line_of("wait"), "wait")
            detach = self.boolean(m.get("detach", False), m.line_of("detach"), "detach")
            ln, v = m.line_of("cmd"), m["cmd"]
        if isinstance(v, list):
            argv = [self.string(x, ln, key) for x in v]
        else:
            s = self.string(v, ln, key)
            try:
                argv = shlex.split(s)
            except ValueError as e:
                raise self.err(f"cannot split command: {e}", ln, key) from None
        if not argv or not argv[0]:
            raise self.err("empty command", ln, key)
        return Launch(argv=tuple(argv), wait=wait, detach=detach)

    def _s_screenshot(self, v, ln, key, _):
        s = self.string(v, ln, key, allow_number=False)
        if not s.strip():
            raise self.err("screenshot needs a file name", ln, key)
        if not s.lower().endswith(".png"):
            raise self.err(f"screenshot {s!r}: the file name must end in .png", ln, key)
        return s

    def _s_log(self, v, ln, key, _):
        return self.string(v, ln, key)

    def _s_notify(self, v, ln, key, _):
        return self.notify(v, ln, key, STEP_ARG_KEYS["notify"], "notify")

    def notify(self, v, ln, key, allowed, what) -> Notify:
        """`notify: URL` or a mapping with `url` (a step, or settings.notify)."""
        if not isinstance(v, dict):
            v = LDict({"url": v})
            v.line, v.key_lines = ln, {}
        m = self.mapping(v, ln, key, allowed, what)
        if "url" not in m:
            raise self.err(f"{what} needs `url`", ln, key)
        url_ln = m.line_of("url")
        url = self.string(m["url"], url_ln, "url", allow_number=False)
        if "${" not in url:
            from ..notify import check_url
            why = check_url(url)
            if why:
                raise self.err(why, url_ln, "url")
        kw: dict[str, Any] = {"url": url}
        for k in ("title", "message"):
            if k in m:
                kw[k] = self.string(m[k], m.line_of(k), k)
        if "screenshot" in m:
            kw["screenshot"] = self.boolean(m["screenshot"], m.line_of("screenshot"),
                                            "screenshot")
        if "timeout" in m:
            kw["timeout"] = self.duration(m["timeout"], m.line_of("timeout"), "timeout")
            if kw["timeout"] <= 0:
                raise self.err("timeout must be more than 0", m.line_of("timeout"),
                               "timeout")
        if "headers" in m:
            h = m["headers"]
            hl = m.line_of("headers")
            if not isinstance(h, dict):
                raise self.err("headers must be a mapping of name: value", hl, "headers")
            pairs = []
            for name, val in h.items():
                nl = h.line_of(name)
                if not isinstance(name, str) or not _HEADER_NAME.match(name):
                    raise self.err(f"invalid header name {name!r}", nl, "headers")
                text = self.string(val, nl, name)
                if "\n" in text or "\r" in text:
                    raise self.err(f"header {name}: the value must be one line", nl, name)
                pairs.append((name, text))
            kw["headers"] = tuple(pairs)
        return Notify(**kw)

    def _s_if(self, v, ln, key, step):
        if "then" not in step:
            raise self.err("`if` needs `then:` with steps (a sibling key of `if`)", ln, key)
        return If(condition=self.condition(v, ln, key),
                  then=self.steps(step["then"], step.line_of("then"), "then"),
                  otherwise=self.steps(step.get("else"), step.line_of("else"), "else",
                                       allow_empty="else" not in step))

    def _s_repeat(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["repeat"], "repeat")
        modes = [k for k in ("times", "until", "while") if k in m]
        if len(modes) != 1:
            raise self.err("repeat needs exactly one of times, until, while", ln, key)
        if "steps" not in m:
            raise self.err("repeat needs `steps:`", ln, key)
        kw: dict[str, Any] = {}
        if "max" in m:
            kw["max"] = self.integer(m["max"], m.line_of("max"), "max", 1)
        mode = modes[0]
        if mode == "times":
            kw["times"] = self.integer(m["times"], m.line_of("times"), "times", 0)
        else:
            if "max" not in m:
                raise self.err(f"repeat with `{mode}` needs `max: N` (an upper bound on "
                               "iterations)", m.line_of(mode), mode)
            cond = self.condition(m[mode], m.line_of(mode), mode)
            kw["until" if mode == "until" else "while_"] = cond
        return Repeat(steps=self.steps(m["steps"], m.line_of("steps"), "steps"), **kw)

    def _s_retry(self, v, ln, key, _):
        m = self.mapping(v, ln, key, STEP_ARG_KEYS["retry"], "retry")
        if "max" not in m or "steps" not in m:
            raise self.err("retry needs `max: N` and `steps:`", ln, key)
        return Retry(max=self.integer(m["max"], m.line_of("max"), "max", 1),
                     steps=self.steps(m["steps"], m.line_of("steps"), "steps"))

    def _s_include(self, v, ln, key, _):
        vars_raw: Any = {}
        if isinstance(v, dict):
            m = self.mapping(v, ln, key, STEP_ARG_KEYS["include"], "include")
            if "file" not in m:
                raise self.err("include needs `file`", ln, key)
            vars_raw = m.get("vars", {})
            ln, v = m.line_of("file"), m["file"]
        rel = self.string(v, ln, key, allow_number=False)
        path = self.inside((self.folder / rel).resolve(), ln, key)
        if not isinstance(vars_raw, dict):
            raise self.err("include vars must be a mapping", ln, "vars")
        ivars = {self.var_name(k, vars_raw.line_of(k), str(k)):
                 self.string(val, vars_raw.line_of(k), str(k)) for k, val in vars_raw.items()}
        if path in self.ctx.stack:
            chain = " -> ".join(p.name for p in self.ctx.stack + [path])
            raise self.err(f"include cycle: {chain}", ln, key)
        if not path.is_file():
            raise self.err(f"included file not found: {path}", ln, key)
        raw = load_yaml_file(path)
        sub = self.ctx.file(raw, path, INCLUDED_KEYS)
        return Include(path=path, vars=ivars, defaults=sub[0], steps=sub[1])


class _Ctx:
    def __init__(self, env: dict[str, str], kinds_available: bool):
        self.env = env
        self.kinds_available = kinds_available
        self.stack: list[Path] = []
        self.var_defs: set[str] = set()
        self.var_refs: list[tuple[str, str, int, str]] = []
        self.cli_vars: set[str] = set()
        self.root: Path | None = None       # files must stay below this folder

    def file(self, raw: Any, path: Path, allowed: tuple[str, ...]):
        name = str(path)
        if not isinstance(raw, dict):
            raise TaskFileError("a task file must be a mapping with at least `steps:`",
                                name, getattr(raw, "line", 1) or 1)
        for k in raw:
            if k not in allowed:
                hint = (" (only allowed in the top-level task file)"
                        if k in TOP_KEYS else "")
                raise TaskFileError(_unknown(k, allowed, "top-level key") + hint, name,
                                    raw.line_of(k), str(k))
        targets = raw.get("targets") or {}
        if not isinstance(targets, dict):
            raise TaskFileError("targets must be a mapping of name: locator", name,
                                raw.line_of("targets"), "targets")
        f = _File(self, path, targets, targets if isinstance(targets, LDict) else None)
        self.stack.append(path)
        try:
            vars_raw = raw.get("vars") or {}
            if not isinstance(vars_raw, dict):
                raise f.err("vars must be a mapping of name: value", raw.line_of("vars"),
                            "vars")
            tvars = {}
            top = "settings" in allowed
            for k, val in vars_raw.items():
                n = f.var_name(k, vars_raw.line_of(k), str(k))
                if isinstance(val, (dict, list)) or val is None:
                    raise f.err("a variable's value must be text or a number",
                                vars_raw.line_of(k), n)
                tvars[n] = str(val).lower() if isinstance(val, bool) else source_text(val)
                f.refs(tvars[n], vars_raw.line_of(k), n)
                if top:     # values are filled in when the run starts, in order
                    try:
                        later = [r for r in references(tvars[n]) if not r.startswith("env.")
                                 and r not in tvars and r not in self.cli_vars]
                    except InterpolationError:
                        later = []
                    if later:
                        raise f.err(f"${{{later[0]}}} is not defined before `{n}` (a value "
                                    "in `vars:` may use ${env.X}, earlier variables and "
                                    "--var; use `set:` for the rest)",
                                    vars_raw.line_of(k), n)
            if "name" in raw and not isinstance(raw["name"], (str, int, float)):
                raise f.err("name must be text", raw.line_of("name"), "name")
            for tname in targets:       # validate every target, used or not
                if not isinstance(tname, str) or not _VAR_NAME.match(tname):
                    raise f.err(f"invalid target name {tname!r}", targets.line_of(tname),
                                str(tname))
                f.named(tname, targets.line_of(tname), tname)
            if "steps" not in raw:
                raise f.err("missing `steps:`", raw.line, "steps")
            steps = f.steps(raw["steps"], raw.line_of("steps"), "steps")
            extra = {}
            if "settings" in allowed:
                extra["settings"] = self.settings(f, raw)
                extra["on_failure"] = f.steps(raw.get("on_failure"),
                                              raw.line_of("on_failure"), "on_failure",
                                              allow_empty="on_failure" not in raw)
            extra["targets"] = f.targets
            return tvars, steps, extra
        finally:
            self.stack.pop()

    def settings(self, f: _File, raw: LDict) -> Settings:
        if "settings" not in raw or raw["settings"] is None:
            return Settings()
        m = f.mapping(raw["settings"], raw.line_of("settings"), "settings", SETTING_KEYS,
                      "settings")
        kw: dict[str, Any] = {}
        for k, v in m.items():
            ln = m.line_of(k)
            kind = SETTING_TYPES[k]
            if kind == "duration":
                kw[k] = f.duration(v, ln, k)
            elif kind == "fraction":
                kw[k] = f.fraction(v, ln, k)
            elif kind == "region":
                kw[k] = f.region(v, ln, k)
            elif kind == "count":
                kw[k] = f.integer(v, ln, k, 1)
            elif kind == "notify":
                kw[k] = f.notify(v, ln, k, NOTIFY_SETTING_KEYS, "settings.notify")
            elif kind == "name":
                kw[k] = f.string(v, ln, k, allow_number=False)
                if "${" in kw[k]:
                    raise f.err("output is a fixed output name (no ${...})", ln, k)
        if kw.get("max_runtime") == 0:
            raise f.err("max_runtime must be more than 0", m.line_of("max_runtime"),
                        "max_runtime")
        return Settings(**kw)

    def top(self, raw: Any, path: Path, cli_vars: dict[str, str]) -> Task:
        self.cli_vars = set(cli_vars)
        tvars, steps, extra = self.file(raw, path, TOP_KEYS)
        for k in cli_vars:
            if not _VAR_NAME.match(k):
                raise TaskFileError(f"invalid variable name {k!r} given with --var",
                                    str(path))
        variables = {**tvars, **{k: str(v) for k, v in cli_vars.items()}}
        defined = self.var_defs | set(variables)
        for name, file, line, key in self.var_refs:
            if name.startswith("env."):
                if name[4:] not in self.env:
                    raise TaskFileError(f"environment variable {name[4:]} is not set",
                                        file, line, key)
            elif name not in defined:
                raise TaskFileError(f"undefined variable ${{{name}}} (define it in `vars:`, "
                                    "with --var, or with set/read)", file, line, key)
        secrets = raw.get("secrets") or []
        if not isinstance(secrets, list):
            raise TaskFileError("secrets must be a list of variable names (or env.NAME)",
                                str(path), raw.line_of("secrets"), "secrets")
        for i, sname in enumerate(secrets):
            ok = isinstance(sname, str) and (_VAR_NAME.match(sname) or (
                sname.startswith("env.") and _VAR_NAME.match(sname[4:])))
            if not ok:
                raise TaskFileError(f"invalid secret name {sname!r}", str(path),
                                    secrets.line_of(i), "secrets")
            if not sname.startswith("env.") and sname not in defined:
                raise TaskFileError(f"secret {sname!r} is not a variable of this task",
                                    str(path), secrets.line_of(i), "secrets")
        name = raw.get("name") or path.stem
        return Task(path=path, name=str(name), vars=variables, steps=steps,
                    literal_vars=frozenset(cli_vars), secrets=frozenset(secrets), **extra)


def _unknown(k: Any, allowed: tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(str(k), allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {str(k)!r}{hint}"
