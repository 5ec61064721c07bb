"""The MCP tools' names, descriptions and input schemas, and the argument check.

The names and argument names are an interface (clients and tests depend on them).
Each schema's ``required`` lists exactly the arguments a call must give.  Arguments
are checked here, against the same schemas, before a tool runs, so a malformed call
gets one line naming the argument (:class:`ArgumentError`) and never reaches the
screen.  Pure logic: no SDK, no display.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import PicoAgentError

#: seconds an acting or finding call may wait for its target (``timeout`` argument)
MAX_TIMEOUT_S = 60.0
#: the longest side a screenshot may be scaled to, and the shortest
MAX_SIDE = (16, 8192)

_LOCATOR = {
    "type": ["string", "object"],
    "description": "A task-file locator: text as a person reads it (\"OK\"), or a mapping "
                   "such as {\"kind\": \"button\", \"text\": \"OK\"}, {\"text\": \"Save\", "
                   "\"right_of\": \"Cancel\"}, {\"kind\": \"checkbox\", \"checked\": false, "
                   "\"left_of\": \"Remember me\"}, {\"regex\": \"Guest \\\\d+\", \"index\": 1}.",
}
_ELEMENT = {"type": "integer", "minimum": 0,
            "description": "An element id from the last observe (valid until the next one)."}
_POINT = {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
          "description": "A screen point [x, y]."}
_TIMEOUT = {"type": "number", "minimum": 0, "maximum": MAX_TIMEOUT_S,
            "description": "Seconds to keep looking for the target (default 0: look once "
                           "at the current screen)."}
_VARS = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]},
         "description": "Variables that override the task's own `vars`, as "
                        "`picoagent run --var NAME=VALUE` does."}


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    properties: dict
    required: tuple[str, ...] = ()
    read_only: bool = False
    #: at most one of these may be given (and with ``one_of_needed``, exactly one)
    one_of: tuple[str, ...] = ()
    one_of_needed: bool = False

    def input_schema(self) -> dict:
        return {"type": "object", "properties": self.properties,
                "required": list(self.required), "additionalProperties": False}


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "observe",
        "Look at the screen: a compact list of what a person sees there, in reading order "
        "(top to bottom, left to right). Each control (button, text_field, checkbox, radio, "
        "dropdown, toggle, slider, tab, icon, link, menu_item) is its own element, named by "
        "the words on it or its label; other text lines are kind \"text\". Boxes are screen "
        "[x, y, width, height]. Ids are valid until the next observe: pass one to click, "
        "type_text (into) or scroll (element).",
        {"region": {"type": "array", "items": {"type": "integer"}, "minItems": 4,
                    "maxItems": 4,
                    "description": "Only elements inside this screen region [x, y, width, "
                                   "height]; boxes stay in screen coordinates."},
         "scores": {"type": "boolean",
                    "description": "Add each element's confidence (0-1) as \"score\"."}},
        read_only=True),
    ToolSpec(
        "find",
        "Resolve one task-file locator on the screen, as a task step would: found or not, "
        "what it matched (text, kind, box), where an action would go (point) and how well "
        "it matched (score). Moves nothing.",
        {"target": _LOCATOR, "timeout": _TIMEOUT},
        required=("target",), read_only=True),
    ToolSpec(
        "click",
        "Click a target: a locator (target), an element id from observe (element) or a "
        "screen point (point); exactly one. A target that is not found is an error and "
        "nothing is clicked.",
        {"target": _LOCATOR, "element": _ELEMENT, "point": _POINT,
         "button": {"type": "string", "enum": ["left", "right", "middle"],
                    "description": "Default left."},
         "count": {"type": "integer", "enum": [1, 2], "description": "2: double-click "
                   "(left button only). Default 1."},
         "timeout": _TIMEOUT},
        one_of=("target", "element", "point"), one_of_needed=True),
    ToolSpec(
        "type_text",
        "Type text, after clicking into a field when `into` is given (a locator, or an "
        "element id from observe). With secret: true the text never appears in results, "
        "logs, reports or the recording.",
        {"text": {"type": "string", "description": "The text to type."},
         "into": {"type": ["string", "object", "integer"],
                  "description": "Where to click first: a locator (text or mapping) or an "
                                 "element id (integer) from observe."},
         "secret": {"type": "boolean", "description": "A password or PIN: never shown."},
         "clear": {"type": "boolean",
                   "description": "After clicking into the field, empty it first (End, "
                                  "Shift+Home, Backspace). Needs `into`."},
         "timeout": _TIMEOUT},
        required=("text",)),
    ToolSpec(
        "press",
        "Press a key or a chord (\"Return\", \"ctrl+s\", \"alt+f4\"), or a list of them in "
        "order. Key names as in task files: enter, tab, esc, space, backspace, delete, "
        "home, end, pageup, pagedown, up, down, left, right, ctrl, alt, shift, win, f1-f24, "
        "single characters.",
        {"keys": {"type": ["string", "array"], "items": {"type": "string"},
                  "description": "\"ctrl+s\", \"Return\", or [\"tab\", \"tab\", \"enter\"]."}},
        required=("keys",)),
    ToolSpec(
        "scroll",
        "Turn the mouse wheel: dy wheel clicks down (negative: up), dx right (negative: "
        "left), over a target (locator), an element id, or wherever the pointer is.",
        {"target": _LOCATOR, "element": _ELEMENT,
         "dy": {"type": "integer", "description": "Wheel clicks down (negative: up)."},
         "dx": {"type": "integer", "description": "Wheel clicks right (negative: left)."},
         "timeout": _TIMEOUT},
        required=("dy",), one_of=("target", "element")),
    ToolSpec(
        "screenshot",
        "The screen as a PNG image, scaled down so that its longer side is at most "
        "max_side pixels (default: full size). Prefer observe: it is much smaller.",
        {"max_side": {"type": "integer", "minimum": MAX_SIDE[0], "maximum": MAX_SIDE[1],
                      "description": "Longest side of the image in pixels."}},
        read_only=True),
    ToolSpec(
        "validate_task",
        "Check a task file (YAML, the format of `picoagent run`) without touching the "
        "screen: ok, or the errors with their line numbers.",
        {"yaml": {"type": "string", "description": "The task file's text."},
         "vars": _VARS},
        required=("yaml",), read_only=True),
    ToolSpec(
        "run_task",
        "Run a task file (YAML) as `picoagent run` does and return each step's result. "
        "exit_code: 0 passed, 1 a step failed, 2 invalid task (nothing was touched), "
        "3 display problem.",
        {"yaml": {"type": "string", "description": "The task file's text."}, "vars": _VARS},
        required=("yaml",)),
)

BY_NAME = {t.name: t for t in TOOLS}
READ_ONLY = tuple(t.name for t in TOOLS if t.read_only)


class ArgumentError(PicoAgentError):
    """A tool call's arguments do not fit its schema; the message names the argument."""

    exit_code = 2


_JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
               "array": list, "object": dict}


def _type_ok(v: Any, t: str) -> bool:
    if t in ("integer", "number") and isinstance(v, bool):
        return False
    if t == "integer" and isinstance(v, float):
        return v.is_integer()
    return isinstance(v, _JSON_TYPES[t])


def _describe(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


def _check(name: str, v: Any, schema: dict) -> Any:
    """``v`` checked against ``schema`` (the subset used above); returns it (integral
    floats become ints).  ArgumentError names ``name``."""
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_type_ok(v, t) for t in types):
            want = " or ".join("a whole number" if t == "integer" else
                               "true or false" if t == "boolean" else
                               f"a{'n' if t[0] in 'aeio' else ''} {t}" for t in types)
            raise ArgumentError(f"argument {name!r}: expected {want}, got {_describe(v)}")
        if isinstance(v, float) and "integer" in types and "number" not in types:
            v = int(v)
    if "enum" in schema and v not in schema["enum"]:
        raise ArgumentError(f"argument {name!r}: expected one of "
                            f"{', '.join(map(repr, schema['enum']))}, got {_describe(v)}")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None and v < lo or hi is not None and v > hi:
            rng = f"at least {lo}" if hi is None else f"from {lo} to {hi}" if lo is not None \
                else f"at most {hi}"
            raise ArgumentError(f"argument {name!r}: must be {rng}, got {v}")
    if isinstance(v, list):
        n = len(v)
        lo, hi = schema.get("minItems"), schema.get("maxItems")
        if lo is not None and n < lo or hi is not None and n > hi:
            count = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ArgumentError(f"argument {name!r}: expected a list of {count} items, "
                                f"got {n}")
        if "items" in schema:
            v = [_check(f"{name}[{i}]", x, schema["items"]) for i, x in enumerate(v)]
    if isinstance(v, dict) and isinstance(schema.get("additionalProperties"), dict):
        v = {k: _check(f"{name}.{k}", x, schema["additionalProperties"])
             for k, x in v.items()}
    return v


def check_arguments(tool: str, args: Any) -> dict:
    """The arguments of a call to ``tool``, checked; raises ArgumentError."""
    spec = BY_NAME[tool]
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ArgumentError(f"{tool}: arguments must be an object, got {_describe(args)}")
    out = {}
    for k, v in args.items():
        if k not in spec.properties:
            known = ", ".join(spec.properties) or "none"
            raise ArgumentError(f"unknown argument {k!r} for {tool} (arguments: {known})")
        if v is None and k not in spec.required:
            continue                    # an explicit null is the same as leaving it out
        out[k] = _check(k, v, spec.properties[k])
    for k in spec.required:
        if k not in out:
            raise ArgumentError(f"missing required argument {k!r} for {tool}")
    if spec.one_of:
        given = [k for k in spec.one_of if k in out]
        if len(given) > 1:
            raise ArgumentError(f"arguments {' and '.join(map(repr, given))}: give only one "
                                f"of {', '.join(spec.one_of)}")
        if spec.one_of_needed and not given:
            raise ArgumentError(f"{tool} needs one of the arguments "
                                f"{', '.join(map(repr, spec.one_of))}")
    return out
