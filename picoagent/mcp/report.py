"""The MCP session's screen and report: the frame last grabbed, and one run.jsonl
for every call of the session (:mod:`.tools`)."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..agent.report import Report


class _WatchedScreen:
    """The session's screen, remembering the last frame grabbed (its origin and scale
    convert the runner's frame-pixel boxes to screen points)."""

    def __init__(self, screen):
        self.screen = screen
        self.last = None

    def grab(self):
        self.last = self.screen.grab()
        return self.last

    def close(self) -> None:
        self.screen.close()


class SessionReport(Report):
    """One ``run.jsonl`` for the whole session.  Every acting call and ``run_task`` is a
    run of its own for the Runner (which numbers its steps from 1, writes a summary
    and closes the report); here its step numbers and screenshot names continue the
    session's, its summary is dropped, and the file stays open until the session ends.
    Secrets known to the session are redacted from every record."""

    def __init__(self, folder, redact: Callable[[Any], Any]):
        super().__init__(folder)
        self._redact = redact
        self.offset = 0
        self._seen = 0

    def _rename(self, name: str) -> str:
        m = re.fullmatch(r"step-(\d+)-(.+)", name)
        return f"step-{int(m[1]) + self.offset:03d}-{m[2]}" if m else name

    def image_path(self, name: str) -> Path:
        return super().image_path(self._rename(name))

    def write(self, record: dict) -> None:
        if record.get("summary"):
            return                      # the Runner's, at the end of each call
        rec = dict(record)
        if isinstance(rec.get("index"), int):
            self._seen = max(self._seen, rec["index"])
            rec["index"] += self.offset
        if isinstance(rec.get("screenshot"), str):
            rec["screenshot"] = self._rename(rec["screenshot"])
        super().write(self._redact(rec))

    def end_run(self) -> None:
        self.offset += self._seen
        self._seen = 0

    def close(self) -> None:
        """Kept open: the Runner closes its report after every call."""

    def finish(self, summary: dict) -> None:
        Report.write(self, summary)
        Report.close(self)
