"""The task file format as a JSON Schema (draft 2020-12), for editors and CI.

Generated from the loader's own tables (:mod:`picoagent.task.loader`: ``TOP_KEYS``,
``SETTING_TYPES``, ``LOCATOR_KEYS``, ``ELEMENT_KINDS``, ``KEYS``, ``CONDITION_KEYS``
...) and each step class's ``KEYS``, so a key the loader learns is a key the schema
knows.  What this module adds is the kind of value each key takes, keyed by those
tables (a step's value shape is its class's ``schema``); :func:`task_schema`
refuses to build a schema when a key of the loader has no value shape, so the two
cannot drift apart silently.

The schema checks structure (step names, keys, value types, required keys, one-of
rules).  What only loading can tell (undefined variables, missing images or
includes, regexes, unknown ``@targets``) stays with ``picoagent validate``.

It declares draft 2020-12 and uses only keywords that mean the same under draft 7,
which is what editors' YAML support (yaml-language-server) validates with: no
``prefixItems`` (draft 7 reads the ``items: false`` beside it as "no items at all"),
``if``/``then`` instead of ``dependentRequired``.
"""
from __future__ import annotations

import re
from typing import Any

from . import loader as L
from .durations import _UNITS
from .steps import STEPS

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def _any_case(word: str) -> str:
    """A regex for ``word`` in any letter case (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c)
                   for c in word)


def _one_of_keys(keys) -> list[dict]:
    return [{"required": [k]} for k in keys]


def _needs(pairs: dict[str, str]) -> list[dict]:
    """``{a: b}``: a mapping that has key a must have key b (as ``if``/``then``)."""
    return [{"if": {"required": [a]}, "then": {"required": [b]}} for a, b in pairs.items()]


def _obj(props: dict, keys: tuple[str, ...] | None = None, required=(),
         needs: dict | None = None, **extra) -> dict:
    """A closed mapping; with ``keys`` (a step's ``KEYS``), its keys must be exactly those."""
    if keys is not None and set(props) != set(keys):
        raise RuntimeError(f"schema: keys {sorted(props)} differ from the loader's "
                           f"{sorted(keys)}")
    out: dict[str, Any] = {"type": "object", "properties": props,
                           "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if needs:
        out["allOf"] = _needs(needs)
    out.update(extra)
    return out


class Shapes:
    """What a step class's ``schema`` builds its value's shape with."""

    ref = staticmethod(_ref)
    obj = staticmethod(_obj)
    one_of_keys = staticmethod(_one_of_keys)
    any_case = staticmethod(_any_case)


def _defs() -> dict[str, dict]:
    var_name = L.VAR_NAME.pattern
    units = "|".join(sorted(_UNITS, key=len, reverse=True))
    key = "(?:" + "|".join(_any_case(k) for k in sorted(L.KEYS, key=len, reverse=True)) \
        + r"|[^\s+])"
    chord = rf"^\s*{key}\s*(?:\+\s*{key}\s*)*$"
    d: dict[str, dict] = {
        "text": {"type": ["string", "number"],
                 "description": "Text; a number is the text it was written as. "
                                "May use ${variables}."},
        "nonblank_text": {"anyOf": [{"type": "string", "pattern": r"\S"},
                                    {"type": "number"}]},
        "var_name": {"type": "string", "pattern": var_name},
        "duration": {"anyOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "pattern": rf"^\s*(?:\d+(?:\.\d+)?|\.\d+)\s*(?:{units})?\s*$"}],
            "description": "Seconds (2, 0.5) or text such as 500ms, 10s, 2m."},
        "fraction": {"type": "number", "minimum": 0, "maximum": 1},
        "region": {"type": "array", "description": "[x, y, width, height], screen pixels",
                   "items": {"type": "integer", "minimum": 0}, "minItems": 4,
                   "maxItems": 4},
        "pair": {"type": "array", "items": {"type": "integer"}, "minItems": 2,
                 "maxItems": 2},
        "key_chord": {"anyOf": [{"type": "string", "pattern": chord},
                                {"type": "integer", "minimum": 0, "maximum": 9}],
                      "description": "A key or a chord such as ctrl+s"},
        "steps": {"type": "array", "minItems": 1, "items": _ref("step")},
    }

    # ---- locator ---------------------------------------------------------------
    loc_props = {
        "text": _ref("nonblank_text"), "regex": _ref("text"), "image": {"type": "string"},
        "kind": {"enum": list(L.ELEMENT_KINDS)}, "checked": {"type": "boolean"},
        "at": _ref("pair"), "target": {"type": "string"},
        "within": {"anyOf": [_ref("locator"), _ref("region")]},
        "index": {"type": "integer", "minimum": 0}, "offset": _ref("pair"),
        "min_score": _ref("fraction"), "confidence": _ref("fraction"),
        **{rel: _ref("locator") for rel in ("right_of", "left_of", "above", "below",
                                            "near")},
    }
    if set(loc_props) != set(L.LOCATOR_KEYS):
        raise RuntimeError(f"schema: locator keys {sorted(loc_props)} differ from the "
                           f"loader's {sorted(L.LOCATOR_KEYS)}")
    ex = L.LOCATOR_EXCLUSIVE
    d["locator"] = {
        "description": "What a person sees: text, \"@target\", or a mapping",
        "anyOf": [
            {"type": "string", "pattern": r"\S"},
            {"type": "number"},
            _obj(loc_props,
                 anyOf=_one_of_keys((*L.LOCATOR_NEEDS, "target")),
                 **{"not": {"anyOf": [{"required": [a, b]} for i, a in enumerate(ex)
                                      for b in ex[i + 1:]]}}),
        ]}

    # ---- condition -------------------------------------------------------------
    cond_props = {"visible": _ref("locator"), "not_visible": _ref("locator"),
                  "var": _ref("var_name"), "timeout": _ref("duration"),
                  **{op: _ref("text") for op in L.COMPARISONS}}
    if set(cond_props) != set(L.CONDITION_KEYS):
        raise RuntimeError("schema: condition keys differ from the loader's")
    d["condition"] = _obj(
        cond_props, oneOf=_one_of_keys(("visible", "not_visible", "var")),
        **{"if": {"required": ["var"]},
           "then": {"oneOf": _one_of_keys(L.COMPARISONS), "not": {"required": ["timeout"]}},
           "else": {"not": {"anyOf": _one_of_keys(L.COMPARISONS)}}})

    # ---- each step's value: from its class ----------------------------------------
    shapes = Shapes()
    for kind, cls in STEPS.items():
        d[f"step_{kind}"] = cls.schema(shapes)

    modifiers = {"label": _ref("text"), "optional": {"type": "boolean"},
                 "timeout": _ref("duration")}
    if set(modifiers) != set(L.STEP_MODIFIERS):
        raise RuntimeError("schema: step modifiers differ from the loader's")
    d["step"] = {
        "description": "One step: exactly one step name, plus label/optional/timeout",
        "type": "object",
        "properties": {**{k: _ref(f"step_{k}") for k in L.STEP_KINDS}, **modifiers,
                       **{b: _ref("steps") for b in L.IF_BRANCHES}},
        "additionalProperties": False,
        "oneOf": _one_of_keys(L.STEP_KINDS),
        "allOf": _needs({"if": "then", **{b: "if" for b in L.IF_BRANCHES}}),
    }

    d["notify_headers"] = {"type": "object", "additionalProperties": _ref("text")}
    notify_settings = {"url": {"type": "string"}, "title": _ref("text"),
                       "screenshot": {"type": "boolean"},
                       "headers": _ref("notify_headers"), "timeout": _ref("duration")}
    if set(notify_settings) != set(L.NOTIFY_SETTING_KEYS):
        raise RuntimeError("schema: settings.notify keys differ from the loader's")
    settings = {"duration": _ref("duration"), "fraction": _ref("fraction"),
                "region": _ref("region"), "count": {"type": "integer", "minimum": 1},
                "threads": {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "auto"}],
                            "description": "A count, or auto: the board's cores less "
                                           "one, at most 4"},
                "name": {"type": "string"},
                "notify": {"anyOf": [{"type": "string", "pattern": r"\S"},
                                     _obj(notify_settings, required=("url",))]}}
    d["settings"] = _obj({k: settings[t] for k, t in L.SETTING_TYPES.items()})
    return d


def task_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a task file, as a dict ready for json.dumps."""
    defs = _defs()
    var_name = L.VAR_NAME.pattern
    top = {
        "name": _ref("text"),
        "vars": {"anyOf": [{"type": "null"}, {
            "type": "object", "propertyNames": _ref("var_name"),
            "additionalProperties": {"type": ["string", "number", "boolean"]}}]},
        "secrets": {"anyOf": [{"type": "null"}, {
            "type": "array", "items": {"type": "string",
                                       "pattern": var_name.replace("^", "^(?:env\\.)?", 1)}}]},
        "settings": {"anyOf": [{"type": "null"}, _ref("settings")]},
        "targets": {"anyOf": [{"type": "null"}, {
            "type": "object", "propertyNames": _ref("var_name"),
            "additionalProperties": _ref("locator")}]},
        "on_failure": _ref("steps"),
        "steps": _ref("steps"),
    }
    if set(top) != set(L.TOP_KEYS):
        raise RuntimeError("schema: top-level keys differ from the loader's")
    return {
        "$schema": DIALECT,
        "title": "picoagent task file",
        "description": "A picoagent task: steps a person would do at the screen "
                       "(docs/task-format.md). Generated by `picoagent schema`.",
        "type": "object",
        "properties": top,
        "required": ["steps"],
        "additionalProperties": False,
        "$defs": defs,
    }


__all__ = ["DIALECT", "task_schema"]
