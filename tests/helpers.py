"""Test helpers: app launchers, pointer queries, CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def wait_window(name: str, timeout: float = 15.0) -> None:
    """Block until a window named ``name`` is mapped (xdotool)."""
    r = subprocess.run(["timeout", str(timeout), "xdotool", "search", "--sync",
                        "--onlyvisible", "--name", name], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"window {name!r} did not appear")
    time.sleep(0.3)


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class CheckinApp:
    """The Tk demo app, with its event log file for independent verification."""

    def __init__(self, log: Path, popup_after: float = -1):
        self.log = log
        self.proc = subprocess.Popen([sys.executable, str(EXAMPLES / "apps" / "checkin.py"),
                                      "--log", str(log), "--popup-after", str(popup_after)])
        wait_window("Visitor check-in")

    def events(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def close(self) -> None:
        kill(self.proc)


def pointer_position() -> tuple[int, int]:
    out = subprocess.run(["xdotool", "getmouselocation", "--shell"], capture_output=True,
                         text=True, check=True).stdout
    vals = dict(line.split("=", 1) for line in out.split())
    return int(vals["X"]), int(vals["Y"])


def move_pointer(x: int, y: int) -> None:
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)


def run_cli(*args: str, timeout: float = 180, env: dict | None = None
            ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "picoagent.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
