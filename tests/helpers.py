"""Test helpers: app launchers, pointer queries, CLI runner."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def start_xvfb(screen: str = "1280x720x24", *, noreset: bool = False
               ) -> tuple[subprocess.Popen, str]:
    """A private Xvfb on a free display number (``-displayfd``, so parallel runs never
    clash): the process and its DISPLAY.  RuntimeError when it does not start."""
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", screen,
                             "-nolisten", "tcp", *(["-noreset"] if noreset else [])],
                            pass_fds=[w], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    if not num:
        proc.kill()
        proc.wait()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{num}"


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
