"""The typed task model.  The loader builds these; the runner only reads them."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .. import defaults
from ..errors import StepFailure
from .interpolate import interpolate

if TYPE_CHECKING:
    from .steps import Step

Region = tuple[int, int, int, int]          # x, y, w, h in screen pixels


@dataclass(frozen=True, kw_only=True)
class Where:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, kw_only=True)
class Locator:
    """What a person sees: text, a pattern, an image, a kind, a point, and relations."""

    text: str | None = None
    regex: str | None = None
    image: Path | None = None
    kind: str | None = None
    checked: bool | None = None
    at: tuple[int, int] | None = None
    right_of: Locator | None = None
    left_of: Locator | None = None
    above: Locator | None = None
    below: Locator | None = None
    near: Locator | None = None
    within: Union[Locator, Region, None] = None
    index: int | None = None
    offset: tuple[int, int] = (0, 0)
    min_score: float | None = None
    confidence: float | None = None
    name: str | None = None            # set when it came from `targets:`
    where: Where | None = None

    RELATIONS = ("right_of", "left_of", "above", "below", "near", "within")

    def relations(self) -> list[tuple[str, Any]]:
        return [(r, getattr(self, r)) for r in self.RELATIONS if getattr(self, r) is not None]

    def describe(self) -> str:
        if self.name:
            return "@" + self.name
        parts = []
        if self.text is not None:
            parts.append(repr(self.text))
        if self.regex is not None:
            parts.append(f"regex /{self.regex}/")
        if self.image is not None:
            parts.append(f"image {self.image.name}")
        if self.kind is not None:
            parts.append(f"kind {self.kind}")
        if self.at is not None:
            parts.append(f"at {list(self.at)}")
        for rel, other in self.relations():
            od = other.describe() if isinstance(other, Locator) else list(other)
            parts.append(f"{rel} {od}")
        if self.index is not None:
            parts.append(f"index {self.index}")
        return " ".join(parts) or "?"

    def bind(self, variables: Mapping[str, str], env: Mapping[str, str]) -> Locator:
        """The locator with ${vars} substituted in its strings (relations too).

        Raises StepFailure when a regex becomes invalid after substitution.
        """
        kw: dict[str, Any] = {}
        for f in ("text", "regex"):
            v = getattr(self, f)
            if v is not None and "${" in v:
                kw[f] = interpolate(v, variables, env)
        if "regex" in kw:
            try:
                re.compile(kw["regex"])
            except re.error as e:
                raise StepFailure(f"regex {kw['regex']!r} (after substitution) is "
                                  f"invalid: {e}") from None
        for rel, other in self.relations():
            if isinstance(other, Locator):
                kw[rel] = other.bind(variables, env)
        return replace(self, **kw) if kw else self


@dataclass(frozen=True, kw_only=True)
class Condition:
    visible: Locator | None = None
    not_visible: Locator | None = None
    var: str | None = None
    op: str | None = None              # equals | matches | contains
    operand: str | None = None
    timeout: float | None = None       # None: check the current screen once

    @property
    def locator(self) -> Locator | None:
        return self.visible or self.not_visible

    def bind(self, variables: Mapping[str, str], env: Mapping[str, str]) -> Condition:
        """A copy with ${vars} substituted in its locator or its operand."""
        if self.var is not None:
            return replace(self, operand=interpolate(self.operand, variables, env))
        key = "visible" if self.visible is not None else "not_visible"
        return replace(self, **{key: self.locator.bind(variables, env)})


@dataclass(frozen=True, kw_only=True)
class Notify:
    """A `notify:` step, or `settings.notify` (then ``message`` is None: the failure's)."""

    url: str
    title: str | None = None
    message: str | None = None
    screenshot: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    timeout: float = defaults.NOTIFY_TIMEOUT_S

    def bind(self, variables: Mapping[str, str], env: Mapping[str, str]) -> Notify:
        """A copy with ${vars} substituted in the URL, title, message and headers."""
        def sub(v):
            return None if v is None else interpolate(v, variables, env)
        return replace(self, url=sub(self.url), title=sub(self.title),
                       message=sub(self.message),
                       headers=tuple((k, sub(v)) for k, v in self.headers))


@dataclass(frozen=True, kw_only=True)
class Settings:
    timeout: float = defaults.TIMEOUT_S
    interval: float = defaults.INTERVAL_S
    settle: float = defaults.SETTLE_S
    park_after: float = defaults.PARK_AFTER_S
    min_score: float = defaults.MIN_SCORE
    confidence: float = defaults.CONFIDENCE
    region: Region | None = None
    max_steps: int = defaults.MAX_STEPS
    max_runtime: float = defaults.MAX_RUNTIME_S
    #: a count, "auto" (defaults.resolve_threads) or None (the command line's, else 1)
    threads: int | str | None = None
    #: the Wayland output to capture and act on (None: the first); X11 ignores it
    output: str | None = None
    #: POSTed to after a failed run (picoagent.notify); None: no notification
    notify: Notify | None = None


@dataclass(frozen=True, kw_only=True)
class Task:
    path: Path
    name: str
    vars: dict[str, str]
    settings: Settings
    steps: tuple[Step, ...]
    on_failure: tuple[Step, ...] = ()
    targets: dict[str, Locator] = field(default_factory=dict)
    #: names given on the command line: their values are used as they are, while
    #: values from `vars:` may refer to ${env.X} and to earlier variables
    literal_vars: frozenset = frozenset()
    #: variable names (or env.NAME) whose values are never shown: stdout, run.jsonl,
    #: logs and messages print *** instead
    secrets: frozenset = frozenset()

    @property
    def folder(self) -> Path:
        return self.path.parent


def walk_steps(steps: tuple[Step, ...]) -> Iterator[Step]:
    """Every step, depth first, including those inside blocks and includes."""
    for s in steps:
        yield s
        yield from walk_steps(s.children())
