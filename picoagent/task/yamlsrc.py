"""YAML reading that keeps line numbers, so every error can say file:line.

Mappings become :class:`LDict` (a dict with ``line`` and ``key_lines``) and
sequences :class:`LList` (a list with ``line`` and ``item_lines``).  YAML 1.1's
``yes/no/on/off`` booleans are switched off: ``click: No`` means the text "No".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import TaskFileError


class LDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    line: int = 0
    item_lines: list

    def line_of(self, i: int) -> int:
        return self.item_lines[i] if i < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


# YAML 1.2-style scalars: only true/false are booleans, and numbers are plain
# decimal (no 1.1 sexagesimal `12:30` = 750, no octal `010` = 8).
_NUMBER_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in _NUMBER_TAGS]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


class SrcInt(int):
    """An int that remembers how it was written (``0042`` stays "0042" as text)."""

    text: str


class SrcFloat(float):
    text: str


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> SrcInt:
    v = SrcInt(int(node.value, 10))
    v.text = node.value
    return v


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> SrcFloat:
    v = SrcFloat(float(node.value))
    v.text = node.value
    return v


def source_text(v: object) -> str:
    """How a scalar was written in the file (numbers keep leading zeros etc.)."""
    return getattr(v, "text", None) or str(v)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        line = knode.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise TaskFileError("mapping keys must be plain words", loader.name, line)
        if key in out:
            raise TaskFileError(f"duplicate key {key!r}", loader.name, line, str(key))
        out[key] = loader.construct_object(vnode, deep=True)
        out.key_lines[key] = line
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, name: str) -> Any:
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as e:
        line = text[: max(0, e.position)].count("\n") + 1
        raise TaskFileError(f"YAML error: character {_char(e.character)} is not allowed "
                            "in a task file", name, line) from None
    loader.name = name
    try:
        return loader.get_single_data()
    except TaskFileError:
        raise
    except yaml.MarkedYAMLError as e:
        # Point at the offending line; but when the parser only gave up at the end of
        # the file (an unclosed bracket or quote), point at where that construct began.
        start, stop = e.context_mark, e.problem_mark
        unclosed = (e.context or "").startswith(("while parsing a flow",
                                                  "while scanning a quoted",
                                                  "while scanning a double-quoted",
                                                  "while scanning a single-quoted"))
        at_end = stop is not None and (stop.index >= len(text.rstrip()) or
                                       "<stream end>" in (e.problem or ""))
        mark = start if ((at_end or unclosed) and start is not None) else (stop or start)
        line = mark.line + 1 if mark else None
        msg = " ".join(x for x in (e.context, e.problem) if x) or "invalid YAML"
        other = stop if mark is start else start
        if other is not None and mark is not None and other.line != mark.line:
            msg += f" (see also line {other.line + 1})"
        raise TaskFileError(f"YAML syntax error: {msg}", name, line) from None
    except yaml.reader.ReaderError as e:
        line = text[: max(0, e.position)].count("\n") + 1
        raise TaskFileError(f"YAML error: character {_char(e.character)} is not allowed "
                            "in a task file", name, line) from None
    except yaml.YAMLError as e:
        raise TaskFileError(f"YAML error: {e}", name) from None
    except (RecursionError, ValueError, TypeError, OverflowError) as e:
        raise TaskFileError(f"cannot read YAML: {e}", name) from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TaskFileError("file not found", str(path)) from None
    except OSError as e:
        raise TaskFileError(f"cannot read file: {e.strerror}", str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise TaskFileError("file is not valid UTF-8 text", str(path), line) from None
    return load_yaml_text(text, str(path))


def _char(c) -> str:
    return f"U+{c:04X}" if isinstance(c, int) else repr(c)
