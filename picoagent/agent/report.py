"""Run reports: one JSON line per step (``run.jsonl``), annotated screenshots, and
``report.html``, the same records as a page (:mod:`.htmlreport`).

Each record is written with a single ``write`` of a complete line and flushed,
so a run that is killed leaves whole lines only.  ``report.html`` is replaced
atomically (written beside, then renamed) after each record, at once after a
failed step, the summary and at ``close``; otherwise no sooner than rewrites may
take ``HTML_SHARE`` of the run's time (a long run's page, slower to write, is
rewritten less often), by a timer when no record comes to trigger it.  A killed
run leaves the page of its last complete state.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from ..errors import EnvironmentProblem, UsageError
from .htmlreport import HTML_FILE, render

REPORT_FILE = "run.jsonl"
MIN_FREE_MB = 10          # a run's report (JSON lines + PNG screenshots) needs room
#: the most of a run's time report.html rewrites may take: each renders every record
#: so far, so after one that took t seconds the next waits until t / HTML_SHARE have
#: passed (a 20-step page takes under 1 ms here, a 1000-step page ~15 ms)
HTML_SHARE = 0.1


class Report:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        if self.folder.exists():
            if not self.folder.is_dir():
                raise UsageError(f"--report {self.folder}: exists and is not a folder")
            entries = [p.name for p in self.folder.iterdir()]
            if entries and REPORT_FILE not in entries:
                raise UsageError(f"--report {self.folder}: folder is not empty and holds no "
                                 f"{REPORT_FILE}; refusing to write into it (pick a new "
                                 "folder)")
            for old in self.folder.glob("step-*.png"):
                old.unlink()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            st = os.statvfs(self.folder)
            free_mb = st.f_bavail * st.f_frsize / 2**20
            if free_mb < MIN_FREE_MB:
                raise UsageError(f"--report {self.folder}: only {free_mb:.1f} MB free there; "
                                 f"a report needs at least {MIN_FREE_MB} MB")
            self._fh = open(self.folder / REPORT_FILE, "w", encoding="utf-8")
            self._fh.write("")
            self._fh.flush()
            self._records: list[dict] = []
            self._html_at = self._html_cost = 0.0
            self._html_lock = threading.Lock()
            self._html_timer: threading.Timer | None = None
            with self._html_lock:
                self._write_html()      # never an old run's page beside this run's records
        except OSError as e:
            raise UsageError(f"--report {self.folder}: cannot write there: "
                             f"{e.strerror or e}") from None

    def write(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        try:
            self._fh.write(line)
            self._fh.flush()
            with self._html_lock:
                self._records.append(json.loads(line))
                wait = self._html_cost / HTML_SHARE - (time.monotonic() - self._html_at)
                if record.get("status") == "failed" or record.get("summary") or wait <= 0:
                    self._write_html()
                elif self._html_timer is None:       # the page catches up by itself
                    self._html_timer = threading.Timer(wait, self._catch_up)
                    self._html_timer.daemon = True
                    self._html_timer.start()
        except OSError as e:
            raise EnvironmentProblem(f"cannot write the report in {self.folder}: "
                                     f"{e.strerror or e}") from None

    def _catch_up(self) -> None:
        with self._html_lock:
            self._html_timer = None
            if not self._fh.closed:
                try:
                    self._write_html()
                except OSError:
                    pass            # the next write or close says it

    def _write_html(self) -> None:
        """Replace report.html with the page of every record so far (atomically).
        Called with ``_html_lock`` held."""
        if self._html_timer is not None:
            self._html_timer.cancel()
            self._html_timer = None
        t0 = time.monotonic()
        tmp = self.folder / f".{HTML_FILE}.tmp"
        tmp.write_text(render(self._records), encoding="utf-8")
        os.replace(tmp, self.folder / HTML_FILE)
        self._html_at = time.monotonic()
        self._html_cost = self._html_at - t0

    def image_path(self, name: str) -> Path:
        return self.folder / name

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            try:
                with self._html_lock:
                    self._write_html()
            except OSError as e:
                raise EnvironmentProblem(f"cannot write {HTML_FILE} in {self.folder}: "
                                         f"{e.strerror or e}") from None


def annotate(image: np.ndarray, boxes: list[tuple], point: tuple | None = None,
             labels: list[str] | None = None, color=(255, 0, 0),
             colors: list[tuple] | None = None) -> np.ndarray:
    """A copy of ``image`` (RGB) with boxes, optional labels and a cross at ``point``.
    The first box is drawn in ``color``, the others orange, unless ``colors`` gives
    one colour per box."""
    out = image.copy()
    for i, b in enumerate(boxes):
        x, y, w, h = (int(v) for v in b)
        c = colors[i] if colors and i < len(colors) else (color if i == 0 else (255, 160, 0))
        cv2.rectangle(out, (x, y), (x + w, y + h), c, 2)
        if labels and i < len(labels):
            cv2.putText(out, labels[i], (x, max(10, y - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                        (0, 0, 255), 1, cv2.LINE_AA)
    if point is not None:
        px, py = int(point[0]), int(point[1])
        cv2.drawMarker(out, (px, py), (255, 0, 255), cv2.MARKER_CROSS, 18, 2)
    return out


def encode_png(image: np.ndarray) -> bytes | None:
    """``image`` (RGB) as PNG bytes, or None when it cannot be encoded."""
    ok, buf = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return buf.tobytes() if ok else None


def save_png(path: Path, image: np.ndarray) -> None:
    """Write ``image`` (RGB) as PNG; raises OSError when it cannot be written."""
    if Path(path).suffix.lower() != ".png":
        raise OSError(f"{path}: screenshots are PNG files; the name must end in .png")
    ok = cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OSError(f"cannot write {path}")
