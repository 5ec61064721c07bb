"""The data, program and control-flow steps: check, set, sleep, launch, screenshot,
log, notify, if, repeat, retry, include.  See :mod:`.steps` for what a step class
owns."""
from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .interpolate import interpolate
from .model import Condition, Notify
from .steps import OneValue, Step, step_kind
from .tables import COMPARISONS, INCLUDED_KEYS
from .yamlsrc import load_yaml_file


@step_kind("check")
@dataclass(frozen=True, kw_only=True)
class Check(Step):
    KEYS = ("value", "equals", "matches", "contains")

    value: str
    op: str
    operand: str

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "check")
        if "value" not in m:
            raise f.err("check needs `value`", ln, key)
        value = f.string(m["value"], m.line_of("value"), "value")
        op, operand = f.comparison(m, ln, key)
        return {"value": value, "op": op, "operand": operand}

    @classmethod
    def schema(cls, s):
        return s.obj({"value": s.ref("text"), **{op: s.ref("text") for op in COMPARISONS}},
                     cls.KEYS, required=("value",), oneOf=s.one_of_keys(COMPARISONS))

    def what(self) -> str:
        return f"{self.value} {self.op} {self.operand}"

    def bind(self, variables, env):
        return replace(self, value=interpolate(self.value, variables, env),
                       operand=interpolate(self.operand, variables, env))


@step_kind("set")
@dataclass(frozen=True, kw_only=True)
class Set(Step):
    values: dict[str, str]

    @classmethod
    def parse(cls, f, v, ln, key, item):
        if not isinstance(v, dict) or not v:
            raise f.err("set needs a mapping of names to values", ln, key)
        out = {}
        for k, val in v.items():
            name = f.var_name(k, v.line_of(k), str(k))
            out[name] = str(val).lower() if isinstance(val, bool) else \
                f.string(val, v.line_of(k), name)
        return {"values": out}

    @classmethod
    def schema(cls, s):
        return {"type": "object", "minProperties": 1, "propertyNames": s.ref("var_name"),
                "additionalProperties": {"anyOf": [s.ref("text"), {"type": "boolean"}]}}

    def what(self) -> str:
        return ", ".join(self.values)

    def bind(self, variables, env):
        """In order: a value may use the names set before it in the same step."""
        scope = dict(variables)
        out = {}
        for k, v in self.values.items():
            out[k] = scope[k] = interpolate(v, scope, env)
        return replace(self, values=out)


@step_kind("sleep")
@dataclass(frozen=True, kw_only=True)
class Sleep(OneValue):
    value_field, reader, shape = "seconds", "duration", "duration"

    seconds: float

    def what(self) -> str:
        return f"{self.seconds:g}s"


@step_kind("launch")
@dataclass(frozen=True, kw_only=True)
class Launch(Step):
    KEYS = ("cmd", "wait", "detach")

    argv: tuple[str, ...]
    wait: bool = False
    detach: bool = False

    @classmethod
    def parse(cls, f, v, ln, key, item):
        wait = detach = False
        if isinstance(v, dict):
            m = f.mapping(v, ln, key, cls.KEYS, "launch")
            if "cmd" not in m:
                raise f.err("launch needs `cmd`", ln, key)
            wait = f.boolean(m.get("wait", False), m.line_of("wait"), "wait")
            detach = f.boolean(m.get("detach", False), m.line_of("detach"), "detach")
            ln, v = m.line_of("cmd"), m["cmd"]
        if isinstance(v, list):
            argv = [f.string(x, ln, key) for x in v]
        else:
            s = f.string(v, ln, key)
            try:
                argv = shlex.split(s)
            except ValueError as e:
                raise f.err(f"cannot split command: {e}", ln, key) from None
        if not argv or not argv[0]:
            raise f.err("empty command", ln, key)
        return {"argv": tuple(argv), "wait": wait, "detach": detach}

    @classmethod
    def schema(cls, s):
        argv = {"anyOf": [s.ref("nonblank_text"),
                          {"type": "array", "minItems": 1, "items": s.ref("text")}]}
        return {"anyOf": [*argv["anyOf"], s.obj(
            {"cmd": argv, "wait": {"type": "boolean"}, "detach": {"type": "boolean"}},
            cls.KEYS, required=("cmd",))]}

    def what(self) -> str:
        return " ".join(self.argv)

    def bind(self, variables, env):
        return replace(self, argv=tuple(interpolate(x, variables, env) for x in self.argv))


@step_kind("screenshot")
@dataclass(frozen=True, kw_only=True)
class Screenshot(Step):
    path: str

    @classmethod
    def parse(cls, f, v, ln, key, item):
        s = f.string(v, ln, key, allow_number=False)
        if not s.strip():
            raise f.err("screenshot needs a file name", ln, key)
        if not s.lower().endswith(".png"):
            raise f.err(f"screenshot {s!r}: the file name must end in .png", ln, key)
        return {"path": s}

    @classmethod
    def schema(cls, s):
        return {"type": "string", "pattern": s.any_case(".png") + "$"}

    def what(self) -> str:
        return self.path

    def bind(self, variables, env):
        return replace(self, path=interpolate(self.path, variables, env))


@step_kind("log")
@dataclass(frozen=True, kw_only=True)
class Log(OneValue):
    value_field, reader, shape = "message", "string", "text"

    message: str

    # what(): nothing; its text may say anything

    def bind(self, variables, env):
        return replace(self, message=interpolate(self.message, variables, env))


@step_kind("notify")
@dataclass(frozen=True, kw_only=True)
class NotifyStep(Step):
    KEYS = ("url", "title", "message", "screenshot", "headers")

    notify: Notify

    @classmethod
    def parse(cls, f, v, ln, key, item):
        return {"notify": f.notify(v, ln, key, cls.KEYS, "notify")}

    @classmethod
    def schema(cls, s):
        return {"anyOf": [{"type": "string", "pattern": r"\S"}, s.obj(
            {"url": {"type": "string"}, "title": s.ref("text"), "message": s.ref("text"),
             "screenshot": {"type": "boolean"}, "headers": s.ref("notify_headers")},
            cls.KEYS, required=("url",))]}

    # what(): nothing; a URL may carry a token

    def bind(self, variables, env):
        return replace(self, notify=self.notify.bind(variables, env))


# ---- control flow: conditions are bound each time they are evaluated ----------------
@step_kind("if")
@dataclass(frozen=True, kw_only=True)
class If(Step):
    block = True

    condition: Condition
    then: tuple[Step, ...]
    otherwise: tuple[Step, ...] = ()

    @classmethod
    def parse(cls, f, v, ln, key, item):
        if "then" not in item:
            raise f.err("`if` needs `then:` with steps (a sibling key of `if`)", ln, key)
        return {"condition": f.condition(v, ln, key),
                "then": f.steps(item["then"], item.line_of("then"), "then"),
                "otherwise": f.steps(item.get("else"), item.line_of("else"), "else",
                                     allow_empty="else" not in item)}

    @classmethod
    def schema(cls, s):
        return s.ref("condition")

    def what(self) -> str:
        c = self.condition
        return (f"visible {c.visible.describe()}" if c.visible else
                f"not_visible {c.not_visible.describe()}" if c.not_visible else
                f"var {c.var} {c.op} {c.operand}")

    def children(self):
        return self.then + self.otherwise


@step_kind("repeat")
@dataclass(frozen=True, kw_only=True)
class Repeat(Step):
    KEYS = ("times", "until", "while", "max", "steps")
    block = True

    times: int | None = None
    until: Condition | None = None
    while_: Condition | None = None
    max: int | None = None
    steps: tuple[Step, ...] = ()

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "repeat")
        modes = [k for k in ("times", "until", "while") if k in m]
        if len(modes) != 1:
            raise f.err("repeat needs exactly one of times, until, while", ln, key)
        if "steps" not in m:
            raise f.err("repeat needs `steps:`", ln, key)
        kw: dict[str, Any] = {}
        if "max" in m:
            kw["max"] = f.integer(m["max"], m.line_of("max"), "max", 1)
        mode = modes[0]
        if mode == "times":
            kw["times"] = f.integer(m["times"], m.line_of("times"), "times", 0)
        else:
            if "max" not in m:
                raise f.err(f"repeat with `{mode}` needs `max: N` (an upper bound on "
                            "iterations)", m.line_of(mode), mode)
            cond = f.condition(m[mode], m.line_of(mode), mode)
            kw["until" if mode == "until" else "while_"] = cond
        return {"steps": f.steps(m["steps"], m.line_of("steps"), "steps"), **kw}

    @classmethod
    def schema(cls, s):
        return s.obj({"times": {"type": "integer", "minimum": 0},
                      "until": s.ref("condition"), "while": s.ref("condition"),
                      "max": {"type": "integer", "minimum": 1}, "steps": s.ref("steps")},
                     cls.KEYS, required=("steps",),
                     oneOf=s.one_of_keys(("times", "until", "while")),
                     needs={"until": "max", "while": "max"})

    def what(self) -> str:
        return f"{self.times} times" if self.times is not None else \
            "until" if self.until else "while"

    def children(self):
        return self.steps


@step_kind("retry")
@dataclass(frozen=True, kw_only=True)
class Retry(Step):
    KEYS = ("max", "steps")
    block = True

    max: int
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, f, v, ln, key, item):
        m = f.mapping(v, ln, key, cls.KEYS, "retry")
        if "max" not in m or "steps" not in m:
            raise f.err("retry needs `max: N` and `steps:`", ln, key)
        return {"max": f.integer(m["max"], m.line_of("max"), "max", 1),
                "steps": f.steps(m["steps"], m.line_of("steps"), "steps")}

    @classmethod
    def schema(cls, s):
        return s.obj({"max": {"type": "integer", "minimum": 1}, "steps": s.ref("steps")},
                     cls.KEYS, required=("max", "steps"))

    def what(self) -> str:
        return f"max {self.max}"

    def children(self):
        return self.steps


@step_kind("include")
@dataclass(frozen=True, kw_only=True)
class Include(Step):
    KEYS = ("file", "vars")
    block = True

    path: Path
    vars: dict[str, str]
    defaults: dict[str, str]           # the included file's own `vars`
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, f, v, ln, key, item):
        vars_raw: Any = {}
        if isinstance(v, dict):
            m = f.mapping(v, ln, key, cls.KEYS, "include")
            if "file" not in m:
                raise f.err("include needs `file`", ln, key)
            vars_raw = m.get("vars", {})
            ln, v = m.line_of("file"), m["file"]
        rel = f.string(v, ln, key, allow_number=False)
        path = f.inside((f.folder / rel).resolve(), ln, key)
        if not isinstance(vars_raw, dict):
            raise f.err("include vars must be a mapping", ln, "vars")
        ivars = {f.var_name(k, vars_raw.line_of(k), str(k)):
                 f.string(val, vars_raw.line_of(k), str(k)) for k, val in vars_raw.items()}
        if path in f.ctx.stack:
            chain = " -> ".join(p.name for p in f.ctx.stack + [path])
            raise f.err(f"include cycle: {chain}", ln, key)
        if not path.is_file():
            raise f.err(f"included file not found: {path}", ln, key)
        raw = load_yaml_file(path)
        sub = f.ctx.file(raw, path, INCLUDED_KEYS)
        return {"path": path, "vars": ivars, "defaults": sub[0], "steps": sub[1]}

    @classmethod
    def schema(cls, s):
        return {"anyOf": [{"type": "string"}, s.obj(
            {"file": {"type": "string"},
             "vars": {"type": "object", "propertyNames": s.ref("var_name"),
                      "additionalProperties": s.ref("text")}},
            cls.KEYS, required=("file",))]}

    def what(self) -> str:
        return self.path.name

    def bind(self, variables, env):
        """``defaults`` fill only names not yet set, then ``vars`` are set, in order,
        each value seeing those before it."""
        scope = dict(variables)
        defaults = {}
        for k, v in self.defaults.items():
            defaults[k] = interpolate(v, scope, env)
            scope.setdefault(k, defaults[k])
        bound = {}
        for k, v in self.vars.items():
            bound[k] = scope[k] = interpolate(v, scope, env)
        return replace(self, defaults=defaults, vars=bound)

    def children(self):
        return self.steps
