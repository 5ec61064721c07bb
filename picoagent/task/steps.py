"""The steps of a task file: one class per step kind.

A step's class owns everything about it that is not the doing: its fields, how
the loader reads its value (``parse``), the JSON Schema of that value
(``schema``), a short description (``describe``, for JUnit and logs) and the
binding of ${variables} (``bind``, a copy with them substituted; the runner
calls it once, just before the step runs).  The runner's handler for a class
does the rest (:mod:`picoagent.agent.handlers`).  Adding a step is its class
here (or in :mod:`.flow`), its handler and its section in docs/task-format.md.

This module holds the steps that look at the screen or act on it; :mod:`.flow`
the data, program and control-flow steps.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from .. import defaults
from .interpolate import interpolate
from .model import Locator, Region, Where
from .tables import KEYS, SCROLL_DIRECTIONS
from .yamlsrc import LDict, LList

if TYPE_CHECKING:
    from .parse import FileParser
    from .schema import Shapes

Vars = Mapping[str, str]

#: every step class by its name in a task file, in the order of the docs
STEPS: dict[str, type[Step]] = {}


def step_kind(name: str):
    """Class decorator: register a Step subclass as the step ``name``."""
    def register(cls):
        cls.kind = name
        STEPS[name] = cls
        return cls
    return register


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a task: where it is written, and the modifiers every step takes."""

    kind: ClassVar[str] = ""
    #: the keys of the step's mapping form (the JSON Schema is checked against them)
    KEYS: ClassVar[tuple[str, ...]] = ()
    #: acts on the screen: the report keeps an annotated screenshot of it
    acts: ClassVar[bool] = False
    #: which targets it prefers among near-ties (vision.locate.ACT_TIERS), if any
    prefer: ClassVar[str | None] = None
    #: holds steps of its own (its report line says "started" before them)
    block: ClassVar[bool] = False

    where: Where
    label: str | None = None
    optional: bool = False
    timeout: float | None = None

    @classmethod
    def parse(cls, f: FileParser, v: Any, line: int, key: str, item: LDict) -> dict:
        """The step's own fields from its value ``v`` (``item``: the whole step
        mapping); raises ``f.err(...)`` (a TaskFileError) on a bad value."""
        raise NotImplementedError

    @classmethod
    def schema(cls, s: Shapes) -> dict:
        """The JSON Schema of the step's value."""
        raise NotImplementedError

    def what(self) -> str:
        """What the step is about, as written (never typed text or a message)."""
        return ""

    def describe(self) -> str:
        """A short name for the step: its kind and label, or its kind and what."""
        if self.label:
            return f"{self.kind} [{self.label}]"
        return f"{self.kind} {self.what()}".strip()

    def bind(self, variables: Vars, env: Vars) -> Step:
        """A copy with ${variables} substituted in the values the step uses when it
        runs.  Raises InterpolationError (an undefined or malformed reference) or
        StepFailure (a regex that became invalid)."""
        return self

    def children(self) -> tuple[Step, ...]:
        """The steps inside this one (blocks and includes)."""
        return ()


@dataclass(frozen=True, kw_only=True)
class OneValue(Step):
    """A step whose value is one thing: read by the parser's method ``reader`` into
    the field ``value_field``, its JSON Schema the definition ``shape``."""

    value_field: ClassVar[str]
    reader: ClassVar[str]
    shape: ClassVar[str]

    @classmethod
    def parse(cls, f, v, line, key, item):
        return {cls.value_field: getattr(f, cls.reader)(v, line, key)}

    @classmethod
    def schema(cls, s):
        return s.ref(cls.shape)


# ---- steps whose value is one locator ---------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Targeted(OneValue):
    """A step whose value is one locator (click, wait_for, expect, ...)."""

    value_field, reader, shape = "target", "locator", "locator"

    target: Locator

    def what(self) -> str:
        return self.target.describe()

    def bind(self, variables, env):
        return replace(self, target=self.target.bind(variables, env))


# (no new fields: the dataclass methods of Targeted serve them)
@step_kind("click")
class Click(Targeted):
    acts, prefer = True, "press"


@step_kind("double_click")
class DoubleClick(Targeted):
    acts, prefer = True, "press"


@step_kind("right_click")
class RightClick(Targeted):
    acts, prefer = True, "press"


@step_kind("move")
class Move(Targeted):
    acts = True


# ---- acting ----------------------------------------------------------------------
@step_kind("drag")
@dataclass(frozen=True, kw_only=True)
class Drag(Step):
    KEYS = ("from", "to")
    acts = True
    prefer = "press"                    # its source only

    source: Locator
    target: Locator

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "drag")
        if "from" not in m or "to" not in m:
            raise f.err("drag needs both `from` and `to`", ln, key)
        return {"source": f.locator(m["from"], m.line_of("from"), "from"),
                "target": f.locator(m["to"], m.line_of("to"), "to")}

    @classmethod
    def schema(cls, s):
        return s.obj({"from": s.ref("locator"), "to": s.ref("locator")}, cls.KEYS,
                     required=("from", "to"))

    def what(self) -> str:
        return f"{self.source.describe()} -> {self.target.describe()}"

    def bind(self, variables, env):
        return replace(self, source=self.source.bind(variables, env),
                       target=self.target.bind(variables, env))


@step_kind("scroll")
@dataclass(frozen=True, kw_only=True)
class Scroll(Step):
    KEYS = ("direction", "amount", "at")
    acts = True

    direction: str
    amount: int = 3
    at: Locator | None = None

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "scroll")
        d = m.get("direction")
        if d not in SCROLL_DIRECTIONS:
            raise f.err(f"direction must be up, down, left or right, got {d!r}",
                        m.line_of("direction"), "direction")
        amount = f.integer(m.get("amount", 3), m.line_of("amount"), "amount", 1)
        at = f.locator(m["at"], m.line_of("at"), "at") if "at" in m else None
        return {"direction": d, "amount": amount, "at": at}

    @classmethod
    def schema(cls, s):
        return s.obj({"direction": {"enum": list(SCROLL_DIRECTIONS)},
                      "amount": {"type": "integer", "minimum": 1},
                      "at": s.ref("locator")}, cls.KEYS, required=("direction",))

    def what(self) -> str:
        return self.direction + (f" at {self.at.describe()}" if self.at else "")

    def bind(self, variables, env):
        return replace(self, at=self.at.bind(variables, env)) if self.at else self


@step_kind("type")
@dataclass(frozen=True, kw_only=True)
class TypeText(Step):
    KEYS = ("text", "into", "clear", "secret")
    acts = True
    prefer = "type"

    text: str
    into: Locator | None = None
    clear: bool = False
    secret: bool = False
    #: the text as the task file writes it, kept by ``bind`` (a reference to a
    #: secret variable in it makes the typing secret)
    written: str | None = None

    @classmethod
    def parse(cls, f, v, ln, key, item):
        if not isinstance(v, dict):
            return {"text": f.string(v, ln, key)}
        m = f.mapping(v, ln, key, cls.KEYS, "type")
        if "text" not in m:
            raise f.err("type needs `text`", ln, key)
        if "clear" in m and "into" not in m:
            raise f.err("`clear` needs `into` (the field to clear)", m.line_of("clear"),
                        "clear")
        return {
            "text": f.string(m["text"], m.line_of("text"), "text"),
            "into": f.locator(m["into"], m.line_of("into"), "into") if "into" in m else None,
            "clear": f.boolean(m.get("clear", False), m.line_of("clear"), "clear"),
            "secret": f.boolean(m.get("secret", False), m.line_of("secret"), "secret")}

    @classmethod
    def schema(cls, s):
        return {"anyOf": [s.ref("text"), s.obj(
            {"text": s.ref("text"), "into": s.ref("locator"), "clear": {"type": "boolean"},
             "secret": {"type": "boolean"}}, cls.KEYS, required=("text",),
            needs={"clear": "into"})]}

    def what(self) -> str:
        return f"into {self.into.describe()}" if self.into else ""

    def mentions(self, names: frozenset | set) -> bool:
        """Whether the text as written refers to one of the variables ``names``."""
        written = self.text if self.written is None else self.written
        return any("${" + n + "}" in written for n in names)

    def bind(self, variables, env):
        text = interpolate(self.text, variables, env)
        into = self.into.bind(variables, env) if self.into else None
        return replace(self, text=text, into=into,
                       written=self.text if self.written is None else self.written)


@step_kind("press")
@dataclass(frozen=True, kw_only=True)
class Press(Step):
    acts = True

    keys: tuple[str, ...]

    @classmethod
    def parse(cls, f, v, ln, key, item):
        from .parse import unknown
        items = v if isinstance(v, list) else [v]
        if not items:
            raise f.err("press needs at least one key", ln, key)
        out = []
        for i, it in enumerate(items):
            il = v.line_of(i) if isinstance(v, LList) else ln
            s = f.string(it, il, key)
            parts = [p.strip().lower() for p in s.split("+")]
            for p in parts:
                if len(p) != 1 and p not in KEYS:
                    raise f.err(unknown(p, KEYS, "key"), il, key)
            out.append("+".join(parts))
        return {"keys": tuple(out)}

    @classmethod
    def schema(cls, s):
        return {"anyOf": [s.ref("key_chord"),
                          {"type": "array", "minItems": 1, "items": s.ref("key_chord")}]}

    def what(self) -> str:
        return ", ".join(self.keys)


# ---- waiting and reading ---------------------------------------------------------
@step_kind("wait_for")
class WaitFor(Targeted):
    """Wait until the target is visible."""


@step_kind("wait_gone")
class WaitGone(Targeted):
    """Wait until the target is no longer visible."""


@step_kind("wait_stable")
@dataclass(frozen=True, kw_only=True)
class WaitStable(Step):
    KEYS = ("region", "for")

    region: Region | None = None
    duration: float = defaults.WAIT_STABLE_FOR_S

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v if v is not None else LDict(), ln, key, cls.KEYS, "wait_stable")
        region = f.region(m["region"], m.line_of("region"), "region") if "region" in m \
            else None
        dur = f.duration(m["for"], m.line_of("for"), "for") if "for" in m else None
        return {"region": region, **({"duration": dur} if dur is not None else {})}

    @classmethod
    def schema(cls, s):
        return {"anyOf": [{"type": "null"}, s.obj(
            {"region": s.ref("region"), "for": s.ref("duration")}, cls.KEYS)]}

    def what(self) -> str:
        return f"region {list(self.region)}" if self.region else ""


@step_kind("expect")
class Expect(Targeted):
    """Assert that the target is (or becomes) visible."""


@step_kind("expect_gone")
class ExpectGone(Targeted):
    """Assert that the target is (or becomes) gone."""


@step_kind("read")
@dataclass(frozen=True, kw_only=True)
class Read(Step):
    KEYS = ("at", "region", "into", "pattern")

    into: str
    at: Locator | None = None
    region: Region | None = None
    pattern: str | None = None

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "read")
        if "into" not in m:
            raise f.err("read needs `into: variable_name`", ln, key)
        if ("at" in m) == ("region" in m):
            raise f.err("read needs exactly one of `at` or `region`", ln, key)
        into = f.var_name(m["into"], m.line_of("into"), "into")
        pattern = None
        if "pattern" in m:
            pattern = f.regex(f.string(m["pattern"], m.line_of("pattern"), "pattern"),
                              m.line_of("pattern"), "pattern")
        return {"into": into, "pattern": pattern,
                "at": f.locator(m["at"], m.line_of("at"), "at") if "at" in m else None,
                "region": f.region(m["region"], m.line_of("region"), "region")
                if "region" in m else None}

    @classmethod
    def schema(cls, s):
        return s.obj({"at": s.ref("locator"), "region": s.ref("region"),
                      "into": s.ref("var_name"), "pattern": s.ref("text")}, cls.KEYS,
                     required=("into",), oneOf=s.one_of_keys(("at", "region")))

    def what(self) -> str:
        where = self.at.describe() if self.at else list(self.region or ())
        return f"{where} into {self.into}"

    def bind(self, variables, env):
        pattern = interpolate(self.pattern, variables, env) if self.pattern else None
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as e:
                from ..errors import StepFailure
                raise StepFailure(f"pattern {pattern!r} is invalid: {e}") from None
        at = self.at.bind(variables, env) if self.at else None
        return replace(self, pattern=pattern, at=at)


from . import flow  # noqa: F401  (registers the remaining steps, in order)
