"""Load and validate a task file into a :class:`~picoagent.task.model.Task`.

Everything is checked here, before the screen is touched: YAML syntax, unknown
steps and keys, types, durations, regexes, image files, includes (missing or
cyclic) and undefined variables.  Every error is a ``TaskFileError`` naming the
file, the line and the key.  Values are read by :class:`~.parse.FileParser`, each
step's by its class (:mod:`.steps`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from .interpolate import InterpolationError, references
from .model import Locator, Settings, Task
from .parse import FileParser, unknown
from .steps import STEPS
# the tables are read from here too (the schema, the tests, the MCP tools)
from .tables import (COMPARISONS, CONDITION_KEYS, ELEMENT_KINDS, IF_BRANCHES,  # noqa: F401
                     INCLUDED_KEYS, KEYS, LOCATOR_EXCLUSIVE, LOCATOR_KEYS, LOCATOR_NEEDS,
                     NOTIFY_SETTING_KEYS, SCROLL_DIRECTIONS, SETTING_KEYS, SETTING_TYPES,
                     STATEFUL_KINDS, STEP_MODIFIERS, TOP_KEYS, VAR_NAME)
from .yamlsrc import LDict, load_yaml_file, load_yaml_text, source_text

#: every step name, in the order of the docs (the classes in picoagent.task.steps)
STEP_KINDS = tuple(STEPS)
#: the keys of each step's mapping form (the JSON Schema is checked against these)
STEP_ARG_KEYS = {k: cls.KEYS for k, cls in STEPS.items() if cls.KEYS}


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


def parse_locator(text: str, path: str | os.PathLike, *,
                  env: Mapping[str, str] | None = None, allow_outside: bool = False
                  ) -> Locator:
    """One locator, written as YAML (``OK``, ``"@name"`` or ``{text: OK, right_of:
    Cancel}``), as a task file at ``path`` would read it, with ``${env.X}``
    substituted (a lone locator has no other variables).  Images are relative to
    ``path``'s folder.  Raises :class:`TaskFileError`.  Serves ``picoagent find``,
    ``inspect`` and the MCP tools.
    """
    p = Path(path).resolve()
    env = dict(os.environ if env is None else env)
    ctx = _Ctx(env=env, kinds_available=True)
    ctx.root = None if allow_outside else p.parent
    raw = load_yaml_text(text, str(p))
    f = FileParser(ctx, p, {}, None)
    loc = f.locator(raw, getattr(raw, "line", 1) or 1, "locator")
    ctx.check_references(set())
    return loc.bind({}, env)


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
                raise TaskFileError(unknown(k, allowed, "top-level key") + hint, name,
                                    raw.line_of(k), str(k))
        targets = raw.get("targets") or {}
        if not isinstance(targets, dict):
            raise TaskFileError("targets must be a mapping of name: locator", name,
                                raw.line_of("targets"), "targets")
        f = FileParser(self, path, targets, targets if isinstance(targets, LDict) else None)
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
                if not isinstance(tname, str) or not VAR_NAME.match(tname):
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

    def settings(self, f: FileParser, raw: LDict) -> Settings:
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
            elif kind == "threads":
                kw[k] = v if v == "auto" else f.integer(v, ln, k, 1)
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

    def check_references(self, defined: set[str]) -> None:
        """Every ${name} used is defined (``defined``) or an environment variable set."""
        for name, file, line, key in self.var_refs:
            if name.startswith("env."):
                if name[4:] not in self.env:
                    raise TaskFileError(f"environment variable {name[4:]} is not set",
                                        file, line, key)
            elif name not in defined:
                raise TaskFileError(f"undefined variable ${{{name}}} (define it in `vars:`, "
                                    "with --var, or with set/read)", file, line, key)

    def top(self, raw: Any, path: Path, cli_vars: dict[str, str]) -> Task:
        self.cli_vars = set(cli_vars)
        tvars, steps, extra = self.file(raw, path, TOP_KEYS)
        for k in cli_vars:
            if not VAR_NAME.match(k):
                raise TaskFileError(f"invalid variable name {k!r} given with --var",
                                    str(path))
        variables = {**tvars, **{k: str(v) for k, v in cli_vars.items()}}
        defined = self.var_defs | set(variables)
        self.check_references(defined)
        secrets = raw.get("secrets") or []
        if not isinstance(secrets, list):
            raise TaskFileError("secrets must be a list of variable names (or env.NAME)",
                                str(path), raw.line_of("secrets"), "secrets")
        for i, sname in enumerate(secrets):
            ok = isinstance(sname, str) and (VAR_NAME.match(sname) or (
                sname.startswith("env.") and VAR_NAME.match(sname[4:])))
            if not ok:
                raise TaskFileError(f"invalid secret name {sname!r}", str(path),
                                    secrets.line_of(i), "secrets")
            if not sname.startswith("env.") and sname not in defined:
                raise TaskFileError(f"secret {sname!r} is not a variable of this task",
                                    str(path), secrets.line_of(i), "secrets")
        name = raw.get("name") or path.stem
        return Task(path=path, name=str(name), vars=variables, steps=steps,
                    literal_vars=frozenset(cli_vars), secrets=frozenset(secrets), **extra)
