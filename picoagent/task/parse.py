"""Reading one task file's values: scalars, locators, conditions and steps.

:class:`FileParser` holds where it is (the file, its named targets) and turns
YAML values into the typed model, raising a ``TaskFileError`` with the file, the
line and the key for anything wrong.  Each step's own value is read by its class
(``Step.parse`` in :mod:`.steps`); the file as a whole by :mod:`.loader`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from .durations import parse_duration
from .interpolate import InterpolationError, references
from .model import Condition, Locator, Notify, Where
from .steps import STEPS, Step
from .tables import (
    COMPARISONS,
    CONDITION_KEYS,
    ELEMENT_KINDS,
    HEADER_NAME,
    IF_BRANCHES,
    LOCATOR_EXCLUSIVE,
    LOCATOR_KEYS,
    LOCATOR_NEEDS,
    STATEFUL_KINDS,
    STEP_MODIFIERS,
    VAR_NAME,
)
from .yamlsrc import LDict, LList, source_text

STEP_NAMES = tuple(STEPS)


def kind_name(v: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "empty"}.get(type(v), "a list" if isinstance(v, list) else
                                     "a mapping" if isinstance(v, dict) else type(v).__name__)


class FileParser:
    """Per-file parsing state: where we are, and the named targets visible here."""

    def __init__(self, ctx, path: Path, raw_targets: dict, target_lines: LDict | None):
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
            raise self.err(f"expected text, got {kind_name(v)}", line, key)
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
            raise self.err(f"expected true or false, got {kind_name(v)}", line, key)
        return v

    def integer(self, v: Any, line: int, key: str, minimum: int = 0) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.err(f"expected a whole number, got {kind_name(v)} {v!r}", line, key)
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
            raise self.err(f"{what} must be a mapping, got {kind_name(v)}", line, key)
        for k in v:
            if k not in allowed:
                raise self.err(unknown(k, allowed, f"key in {what}"),
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
        except Exception as e:
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
                           f"{kind_name(v)}", line, key)
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
                    raise self.err(unknown(kind, ELEMENT_KINDS, "element kind"), ln, k)
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
        if not isinstance(name, str) or not VAR_NAME.match(name):
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
            raise self.err(f"`{key}` must be a list of steps, got {kind_name(v)}", line, key)
        return tuple(self.step(item, v.line_of(i)) for i, item in enumerate(v))

    def step(self, v: Any, line: int) -> Step:
        if isinstance(v, str) and v in STEP_NAMES:
            raise self.err(f"step `{v}` needs a value, e.g. `- {v}: ...`", line, v)
        if not isinstance(v, dict) or not v:
            raise self.err("each step must be a mapping such as `- click: OK`, got "
                           f"{kind_name(v)}", line, None)
        names = [k for k in v if k in STEP_NAMES]
        companions = IF_BRANCHES if "if" in names else ()
        for k in v:
            if k not in STEP_NAMES and k not in STEP_MODIFIERS and k not in companions:
                raise self.err(unknown(k, STEP_NAMES + STEP_MODIFIERS, "step"),
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
        cls = STEPS[kind]
        return cls(where=self.where(ln), **mods, **cls.parse(self, v[kind], ln, kind, v))

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
                if not isinstance(name, str) or not HEADER_NAME.match(name):
                    raise self.err(f"invalid header name {name!r}", nl, "headers")
                text = self.string(val, nl, name)
                if "\n" in text or "\r" in text:
                    raise self.err(f"header {name}: the value must be one line", nl, name)
                pairs.append((name, text))
            kw["headers"] = tuple(pairs)
        return Notify(**kw)


def unknown(k: Any, allowed: tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(str(k), allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {str(k)!r}{hint}"
