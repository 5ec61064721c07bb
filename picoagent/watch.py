"""`picoagent watch RULES.yaml`: a long-running watcher for kiosks.

Each rule names a condition (``visible:`` / ``not_visible:``, as ``if`` uses) and a
task to run when it holds: dismiss a crash dialog, relaunch the browser, log in
again.  Between firings the watcher only grabs the screen and hashes it; an
unchanged screen is never perceived twice.  A rule that keeps firing backs off
(doubling its pause up to ``max_backoff``); a lost display is waited for and the
watch resumes; the stop event (SIGTERM, Ctrl-C in the CLI) ends it between two
observations, or interrupts the task it is running.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import defaults
from .errors import (EnvironmentProblem, PicoAgentError, RunInterrupted, TargetNotFound,
                     TaskFileError)
from .task.model import Condition, Task

RULES_KEYS = ("name", "interval", "max_backoff", "rules")
RULE_KEYS = ("name", "when", "run", "vars", "cooldown")
#: defaults for a rules file (each can be set in it)
INTERVAL_S = 1.0          # between two screen grabs
COOLDOWN_S = 5.0          # a rule's first pause after it fired; doubles while it keeps firing
MAX_BACKOFF_S = 600.0     # the longest pause a rule that keeps firing gets
WINDOW_S = 900.0          # firings older than this no longer count towards the back-off
DISPLAY_RETRY_S = (1.0, 30.0)   # waiting for a lost display: first and longest pause


@dataclass(frozen=True, kw_only=True)
class Rule:
    name: str
    condition: Condition
    task: Task
    cooldown: float
    where: str


@dataclass(frozen=True, kw_only=True)
class Rules:
    path: Path
    name: str
    rules: tuple[Rule, ...]
    interval: float = INTERVAL_S
    max_backoff: float = MAX_BACKOFF_S


def load_rules(path: str | os.PathLike, env: dict | None = None) -> Rules:
    """Load and check a rules file and every task it names (TaskFileError, with
    file:line, on any problem), before the screen is touched."""
    from .task import load_task
    from .task.loader import _Ctx
    from .task.parse import FileParser, unknown
    from .task.yamlsrc import load_yaml_file

    p = Path(path).resolve()
    name = str(p)
    if not p.is_file():
        raise TaskFileError("rules file not found", name)
    raw = load_yaml_file(p)
    if not isinstance(raw, dict) or "rules" not in raw:
        raise TaskFileError("a rules file is a mapping with `rules:` (a list)", name,
                            getattr(raw, "line", 1) or 1)
    for k in raw:
        if k not in RULES_KEYS:
            raise TaskFileError(unknown(k, RULES_KEYS, "top-level key"), name,
                                raw.line_of(k), str(k))
    ctx = _Ctx(env=dict(os.environ if env is None else env), kinds_available=True)
    f = FileParser(ctx, p, {}, None)
    kw: dict[str, Any] = {}
    for k in ("interval", "max_backoff"):
        if k in raw:
            kw[k] = f.duration(raw[k], raw.line_of(k), k)
            if kw[k] <= 0:
                raise f.err(f"{k} must be more than 0", raw.line_of(k), k)
    items = raw["rules"]
    if not isinstance(items, list) or not items:
        raise f.err("`rules` must list at least one rule", raw.line_of("rules"), "rules")
    rules, seen = [], set()
    for i, r in enumerate(items):
        ln = items.line_of(i)
        m = f.mapping(r, ln, "rules", RULE_KEYS, "rule")
        for need in ("when", "run"):
            if need not in m:
                raise f.err(f"a rule needs `{need}`", m.line, need)
        rname = f.string(m.get("name", f"rule {i + 1}"), m.line_of("name"), "name")
        if rname in seen:
            raise f.err(f"two rules are named {rname!r}", m.line_of("name"), "name")
        seen.add(rname)
        wl = m.line_of("when")
        refs = len(ctx.var_refs)
        cond = f.condition(m["when"], wl, "when")
        if cond.var is not None:
            raise f.err("a rule's `when` is visible: or not_visible: (there are no "
                        "variables between runs)", wl, "when")
        if cond.timeout is not None:
            raise f.err("`timeout` has no meaning in a rule: its condition is checked on "
                        "every new screen", wl, "timeout")
        for vname, *_ in ctx.var_refs[refs:]:
            if not vname.startswith("env."):
                raise f.err(f"${{{vname}}}: a rule's `when` may only use ${{env.NAME}}",
                            wl, "when")
            if vname[4:] not in ctx.env:
                raise f.err(f"environment variable {vname[4:]} is not set", wl, "when")
        run = f.string(m["run"], m.line_of("run"), "run", allow_number=False)
        vars_raw = m.get("vars") or {}
        if not isinstance(vars_raw, dict):
            raise f.err("vars must be a mapping of name: value", m.line_of("vars"), "vars")
        tvars = {str(k): str(v) for k, v in vars_raw.items()}
        task_path = (p.parent / run).resolve()
        if not task_path.is_file():
            raise f.err(f"task file not found: {task_path}", m.line_of("run"), "run")
        task = load_task(task_path, tvars, env=ctx.env)
        cooldown = f.duration(m["cooldown"], m.line_of("cooldown"), "cooldown") \
            if "cooldown" in m else COOLDOWN_S
        rules.append(Rule(name=rname, condition=cond, task=task, cooldown=cooldown,
                          where=f"{name}:{m.line}"))
    return Rules(path=p, name=str(raw.get("name") or p.stem), rules=tuple(rules), **kw)


class Backoff:
    """A rule's pause after each firing: ``cooldown``, doubled for every further
    firing within ``window``, at most ``max_delay``."""

    def __init__(self, cooldown: float, max_delay: float, window: float = WINDOW_S):
        self.cooldown, self.max_delay, self.window = cooldown, max_delay, window
        self.fires: deque[float] = deque()
        self.next_at = float("-inf")

    def ready(self, now: float) -> bool:
        return now >= self.next_at

    def fired(self, now: float) -> float:
        """Record a firing at ``now``; returns the pause before the rule may fire again."""
        self.fires.append(now)
        while self.fires and self.fires[0] < now - self.window:
            self.fires.popleft()
        delay = min(self.cooldown * 2 ** (len(self.fires) - 1), self.max_delay)
        self.next_at = now + delay
        return delay


@dataclass
class WatchStats:
    """What a watch did: observations, how many were perceived, firings per rule."""

    grabs: int = 0
    evaluations: int = 0
    fires: dict = field(default_factory=dict)
    results: list = field(default_factory=list)      # (rule, "passed" | "failed" | ...)
    display_lost: int = 0


class Watcher:
    """Watches the screen and runs each rule's task when its condition holds.

    ``open_devices`` opens (or reopens, after the display was lost) screen and
    input; the watcher closes them at the end.  ``on_event`` gets one line per
    event.  ``report``: a folder that gets ``watch.jsonl`` and one report folder
    per firing (rotated, the last ``keep`` per rule).
    """

    def __init__(self, rules: Rules, *, open_devices: Callable[[], Any], vision,
                 stop: threading.Event | None = None,
                 on_event: Callable[[str], None] | None = None,
                 report: Path | None = None, keep: int = 20):
        self.rules = rules
        self.open_devices = open_devices
        self.vision = vision
        self.stop = stop or threading.Event()
        self.on_event = on_event or (lambda s: None)
        self.report = Path(report) if report else None
        self.keep = keep
        self.backoff = {r.name: Backoff(r.cooldown, rules.max_backoff) for r in rules.rules}
        self.stats = WatchStats()
        self._log = None

    # ---- events --------------------------------------------------------------------
    def _event(self, kind: str, text: str, **extra) -> None:
        self.on_event(text)
        if self._log is not None:
            rec = {"t": round(time.time(), 3), "event": kind, "text": text, **extra}
            self._log.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self._log.flush()

    # ---- the loop ------------------------------------------------------------------
    def run(self, max_s: float | None = None) -> WatchStats:
        """Watch until the stop event is set (or ``max_s`` passed)."""
        if self.report is not None:
            self.report.mkdir(parents=True, exist_ok=True)
            self._log = open(self.report / "watch.jsonl", "a", encoding="utf-8")
        end = time.monotonic() + max_s if max_s is not None else float("inf")
        devices = None
        retry = DISPLAY_RETRY_S[0]
        waiting_said = False
        last_digest: bytes | None = None
        last_frame = None
        recheck_at = float("inf")
        self._event("start", f"watching {len(self.rules.rules)} rule(s) of "
                             f"{self.rules.path.name} every {self.rules.interval:g}s")
        try:
            while not self.stop.is_set() and time.monotonic() < end:
                if devices is None:
                    try:
                        devices = self.open_devices()
                    except EnvironmentProblem as e:
                        if not waiting_said:
                            self._event("waiting", f"waiting for the display: {e}")
                            waiting_said = True
                        self.stop.wait(min(retry, max(0.0, end - time.monotonic())))
                        retry = min(retry * 2, DISPLAY_RETRY_S[1])
                        continue
                    if waiting_said:
                        self._event("display", "display is back; watching again")
                    waiting_said, retry = False, DISPLAY_RETRY_S[0]
                    last_digest = last_frame = None
                t = time.monotonic()
                try:
                    frame = devices.screen.grab()
                except PicoAgentError as e:
                    devices = self._lost(devices, e)
                    continue
                self.stats.grabs += 1
                # the X screen hands back the very same frame while nothing changed;
                # other screens' frames are compared by a hash of their pixels
                digest = last_digest if frame is last_frame else \
                    hashlib.blake2b(frame.image.tobytes(), digest_size=16).digest()
                last_frame = frame
                now = time.monotonic()
                if digest != last_digest or now >= recheck_at:
                    last_digest, recheck_at = digest, float("inf")
                    self.stats.evaluations += 1
                    rule = self._first_due(frame, now)
                    if rule is None:
                        recheck_at = min((self.backoff[r.name].next_at
                                          for r in self.rules.rules
                                          if not self.backoff[r.name].ready(now)),
                                         default=float("inf"))
                    else:
                        try:
                            self._fire(rule, devices)
                        except RunInterrupted:
                            break
                        except EnvironmentProblem as e:
                            devices = self._lost(devices, e)
                            continue
                        last_digest = last_frame = None     # look again at once
                        continue
                self.stop.wait(max(0.0, min(self.rules.interval - (time.monotonic() - t),
                                            end - time.monotonic())))
        finally:
            if devices is not None:
                try:
                    devices.close()
                except Exception:  # noqa: BLE001 - the display may be gone
                    pass
            self._event("stop", f"stopped after {self.stats.grabs} observations, "
                                f"{sum(self.stats.fires.values())} firing(s)")
            if self._log is not None:
                self._log.close()
        return self.stats

    def _lost(self, devices, err) -> None:
        self.stats.display_lost += 1
        self._event("display_lost", f"display lost ({err}); waiting for it")
        try:
            devices.close()
        except Exception:  # noqa: BLE001 - it is gone
            pass
        return None

    def _holds(self, rule: Rule, frame) -> bool:
        c = rule.condition.bind({}, os.environ)
        loc = c.locator
        try:
            self.vision.locate(frame, loc, min_score=defaults.MIN_SCORE,
                               confidence=defaults.CONFIDENCE)
            seen = True
        except TargetNotFound:
            seen = False
        return seen == (c.visible is not None)

    def _first_due(self, frame, now: float) -> Rule | None:
        for rule in self.rules.rules:
            if self.backoff[rule.name].ready(now) and self._holds(rule, frame):
                return rule
        return None

    def _fire(self, rule: Rule, devices) -> None:
        from .agent import Report
        from .agent.session import open_session
        from .service import rotate

        n = self.stats.fires.get(rule.name, 0) + 1
        self.stats.fires[rule.name] = n
        self._event("fire", f"{rule.name}: condition holds; running "
                            f"{rule.task.path.name} (firing {n})", rule=rule.name)
        report = None
        if self.report is not None:
            slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in rule.name)
            report = Report(rotate(self.report / slug, self.keep))
        t0 = time.monotonic()
        status, message = "passed", ""
        try:
            session = open_session(rule.task, screen=devices.screen, input=devices.input,
                                   vision=self.vision)
            res = session.run(rule.task, report=report, stop_event=self.stop)
            if not res.ok:
                status, message = "failed", f" at {res.failure.where}: {res.failure.message}"
        except TaskFileError as e:          # e.g. an environment variable unset since loading
            status, message = "failed", f": {e}"
        except RunInterrupted:
            self.stats.results.append((rule.name, "interrupted"))
            raise
        self.stats.results.append((rule.name, status))
        delay = self.backoff[rule.name].fired(time.monotonic())
        self._event("result", f"{rule.name}: {status}{message} "
                              f"({time.monotonic() - t0:.1f}s); next check of this rule "
                              f"in {delay:g}s at the earliest", rule=rule.name,
                    status=status)


__all__ = ["Backoff", "Rule", "Rules", "WatchStats", "Watcher", "load_rules"]
