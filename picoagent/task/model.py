"""The typed task model.  The loader builds these; the runner only reads them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .. import defaults

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


@dataclass(frozen=True, kw_only=True)
class Condition:
    visible: Locator | None = None
    not_visible: Locator | None = None
    var: str | None = None
    op: str | None = None              # equals | matches | contains
    operand: str | None = None
    timeout: float | None = None       # None: check the current screen once


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step.  ``kind`` is the step name (click, type, ...); ``args`` its typed value."""

    kind: str
    args: Any
    where: Where
    label: str | None = None
    optional: bool = False
    timeout: float | None = None


@dataclass(frozen=True, kw_only=True)
class Drag:
    source: Locator
    target: Locator


@dataclass(frozen=True, kw_only=True)
class Scroll:
    direction: str
    amount: int = 3
    at: Locator | None = None


@dataclass(frozen=True, kw_only=True)
class TypeText:
    text: str
    into: Locator | None = None
    clear: bool = False
    secret: bool = False


@dataclass(frozen=True, kw_only=True)
class WaitStable:
    region: Region | None
    duration: float = defaults.WAIT_STABLE_FOR_S


@dataclass(frozen=True, kw_only=True)
class Read:
    into: str
    at: Locator | None = None
    region: Region | None = None
    pattern: str | None = None


@dataclass(frozen=True, kw_only=True)
class Check:
    value: str
    op: str
    operand: str


@dataclass(frozen=True, kw_only=True)
class Launch:
    argv: tuple[str, ...]
    wait: bool = False
    detach: bool = False


@dataclass(frozen=True, kw_only=True)
class Notify:
    """A `notify:` step, or `settings.notify` (then ``message`` is None: the failure's)."""

    url: str
    title: str | None = None
    message: str | None = None
    screenshot: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    timeout: float = defaults.NOTIFY_TIMEOUT_S


@dataclass(frozen=True, kw_only=True)
class If:
    condition: Condition
    then: tuple[Step, ...]
    otherwise: tuple[Step, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Repeat:
    times: int | None = None
    until: Condition | None = None
    while_: Condition | None = None
    max: int | None = None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Retry:
    max: int
    steps: tuple[Step, ...]


@dataclass(frozen=True, kw_only=True)
class Include:
    path: Path
    vars: dict[str, str]
    defaults: dict[str, str]           # the included file's own `vars`
    steps: tuple[Step, ...]


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
    threads: int | None = None
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


def walk_steps(steps: tuple[Step, ...]):
    """Every step, depth first, including those inside blocks and includes."""
    for s in steps:
        yield s
        a = s.args
        if isinstance(a, If):
            yield from walk_steps(a.then)
            yield from walk_steps(a.otherwise)
        elif isinstance(a, (Repeat, Retry, Include)):
            yield from walk_steps(a.steps)
