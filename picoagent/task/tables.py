"""The task format's fixed names: keys, element kinds, key names, comparisons.

The loader checks task files against these tables, and the JSON Schema
(:mod:`picoagent.task.schema`) is generated from them, so a key the loader
learns is a key the schema knows.  Each step's own keys live on its class
(:mod:`picoagent.task.steps`).
"""
from __future__ import annotations

import re

STEP_MODIFIERS = ("label", "optional", "timeout")
TOP_KEYS = ("name", "vars", "secrets", "settings", "targets", "on_failure", "steps")
INCLUDED_KEYS = ("name", "vars", "targets", "steps")
#: each setting and the kind of value it takes (the loader checks it so; the JSON
#: Schema is generated from this table too)
SETTING_TYPES = {"timeout": "duration", "interval": "duration", "settle": "duration",
                 "park_after": "duration", "min_score": "fraction",
                 "confidence": "fraction", "region": "region", "max_steps": "count",
                 "max_runtime": "duration", "threads": "threads", "output": "name",
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
#: the keys of `settings: {notify: ...}` (the POST after a failed run)
NOTIFY_SETTING_KEYS = ("url", "title", "screenshot", "headers", "timeout")
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
#: keys of an `if` step beside `if` itself
IF_BRANCHES = ("then", "else")
COMPARISONS = ("equals", "matches", "contains")
CONDITION_KEYS = ("visible", "not_visible", "var", *COMPARISONS, "timeout")
SCROLL_DIRECTIONS = ("up", "down", "left", "right")
VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
