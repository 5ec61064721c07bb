"""``${name}`` variables.  Values are data: substitution is plain text
replacement, never evaluation.  ``${env.NAME}`` reads the environment and
``$${`` is a literal ``${``."""
from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}")
_NAME = re.compile(r"^(env\.)?[A-Za-z_][A-Za-z0-9_]*$")


class InterpolationError(ValueError):
    pass


def references(text: str) -> list[str]:
    """Names referenced by ``text`` (``env.X`` kept as such). Raises on a malformed ``${``."""
    names = []
    for m in _TOKEN.finditer(text):
        if m.group(0) == "$${":
            continue
        name = m.group(1).strip()
        if not _NAME.match(name):
            raise InterpolationError(f"invalid variable reference ${{{m.group(1)}}}")
        names.append(name)
    rest = _TOKEN.sub("", text)
    if "${" in rest:
        raise InterpolationError("unclosed ${ in " + repr(text))
    return names


def interpolate(text: str, variables: Mapping[str, object], env: Mapping[str, str]) -> str:
    def repl(m: re.Match) -> str:
        if m.group(0) == "$${":
            return "${"
        name = m.group(1).strip()
        if name.startswith("env."):
            key = name[4:]
            if key not in env:
                raise InterpolationError(f"environment variable {key} is not set")
            return env[key]
        if name not in variables:
            raise InterpolationError(f"undefined variable {name!r}")
        return str(variables[name])

    return _TOKEN.sub(repl, text)
