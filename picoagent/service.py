"""systemd *user* units that run a task in the graphical session.

``picoagent service install`` writes ``picoagent-NAME.service`` (and, with
``--every``, ``picoagent-NAME.timer``) into ``$XDG_CONFIG_HOME/systemd/user``.
The service runs ``picoagent service run``, which gives every run a new
timestamped report folder and keeps the last N (:func:`rotate`).  Nothing here
touches the display.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .errors import EnvironmentProblem, UsageError

#: report folders kept per task by default
KEEP_RUNS = 20
#: a report folder made by `service run`: 20250101-120000 or 20250101-120000-2
RUN_DIR = re.compile(r"^\d{8}-\d{6}(-\d+)?$")
UNIT_PREFIX = "picoagent-"
#: how long systemd lets one run take beyond the task's own max_runtime
STOP_MARGIN_S = 60


@dataclass(frozen=True, kw_only=True)
class Plan:
    """What `service install` writes: unit file names and their text."""

    name: str
    task: Path
    units: dict[str, str]           # file name -> text
    enable: str                     # the unit to enable (the timer, or the service)
    folder: Path                    # where the units go

    def paths(self) -> list[Path]:
        return [self.folder / n for n in self.units]


def unit_folder(env: dict | None = None) -> Path:
    """``$XDG_CONFIG_HOME/systemd/user`` (default ``~/.config/systemd/user``)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser()
                                             / ".config")
    return Path(base) / "systemd" / "user"


def default_reports(name: str, env: dict | None = None) -> Path:
    """``$XDG_STATE_HOME/picoagent/NAME`` (default ``~/.local/state/picoagent/NAME``)."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME", "~")).expanduser()
                                            / ".local" / "state")
    return Path(base) / "picoagent" / name


def unit_name(task_or_name: str) -> str:
    """The units' base name for a task file (its stem) or a given name."""
    stem = Path(task_or_name).stem if task_or_name.endswith((".yaml", ".yml")) \
        else task_or_name
    stem = stem.removeprefix(UNIT_PREFIX)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    if not slug:
        raise UsageError(f"cannot make a unit name from {task_or_name!r}: use --name")
    return UNIT_PREFIX + slug


def picoagent_executable() -> Path:
    """The absolute path of the `picoagent` command of this installation: the one
    beside this interpreter (a venv's bin/), else the one on PATH."""
    here = shutil.which("picoagent", path=str(Path(sys.executable).parent))
    found = here or shutil.which("picoagent")
    if not found:
        raise EnvironmentProblem("cannot find the `picoagent` command beside "
                                 f"{sys.executable} or on PATH; install picoagent with pip")
    return Path(found).absolute()


def session_env(env: dict | None = None) -> dict[str, str]:
    """The variables a unit needs to reach this graphical session.

    Wayland: WAYLAND_DISPLAY (XDG_RUNTIME_DIR is the user manager's own, ``%t``),
    plus DISPLAY for XWayland when set.  X11: DISPLAY and XAUTHORITY (default
    ``~/.Xauthority`` when it exists).  Raises EnvironmentProblem when neither
    display is set.
    """
    env = os.environ if env is None else env
    out: dict[str, str] = {}
    if env.get("WAYLAND_DISPLAY"):
        out["WAYLAND_DISPLAY"] = env["WAYLAND_DISPLAY"]
        out["XDG_RUNTIME_DIR"] = "%t"
    if env.get("DISPLAY"):
        out["DISPLAY"] = env["DISPLAY"]
        xauth = env.get("XAUTHORITY")
        if not xauth:
            home_xa = Path(env.get("HOME", "~")).expanduser() / ".Xauthority"
            xauth = str(home_xa) if home_xa.is_file() else None
        if xauth:
            out["XAUTHORITY"] = str(Path(xauth).absolute())
    if not out:
        raise EnvironmentProblem(
            "neither WAYLAND_DISPLAY nor DISPLAY is set: run `picoagent service install` "
            "from a terminal in the desktop session (its display is written into the "
            "unit), or set DISPLAY=:0 (X11) or WAYLAND_DISPLAY=wayland-0 (Wayland)")
    return out


def _quote(arg: str) -> str:
    """One ExecStart= argument, quoted for systemd (specifiers and $ escaped)."""
    s = arg.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", s):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pct(s: str) -> str:
    """``s`` with systemd's specifier character escaped."""
    return s.replace("%", "%%")


def _env_line(k: str, v: str) -> str:
    v = v if v == "%t" else v.replace("%", "%%")
    return f'Environment="{k}={v}"'


def parse_every(text: str) -> int:
    """--every as whole seconds (at least 1 minute)."""
    from .task.durations import parse_duration
    try:
        s = parse_duration(text)
    except ValueError as e:
        raise UsageError(f"--every: {e}") from None
    if s < 60:
        raise UsageError(f"--every {text}: at least 1m (a run needs time; the timer "
                         "waits for one run to end before counting to the next)")
    return int(round(s))


def plan(task: Path, *, every: int | None = None, at_boot: bool = False,
         name: str | None = None, keep: int = KEEP_RUNS, reports: Path | None = None,
         max_runtime: float = 600.0, wanted_by: str = "graphical-session.target",
         env_file: Path | None = None, backend: str | None = None,
         env: dict | None = None) -> Plan:
    """The units for ``task`` (an absolute, loadable task file)."""
    if (every is None) == (not at_boot):
        raise UsageError("give exactly one of --every DURATION or --at-boot")
    task = Path(task).absolute()
    base = unit_name(name or task.name)
    reports = Path(reports).absolute() if reports else default_reports(base[len(UNIT_PREFIX):],
                                                                       env)
    exe = picoagent_executable()
    argv = [str(exe), "service", "run", str(task), "--reports", str(reports),
            "--keep", str(keep)]
    if backend and backend != "auto":
        argv += ["--backend", backend]
    lines_env = [_env_line(k, v) for k, v in session_env(env).items()]
    if env_file is not None:
        lines_env.append(f"EnvironmentFile=-{_pct(str(Path(env_file).absolute()))}")
    unit = [
        "[Unit]",
        f"Description=picoagent task {_pct(task.name)}",
        f"Documentation=file://{_pct(quote(str(task)))}",
        "After=graphical-session.target",
        "PartOf=graphical-session.target",
        *(["StartLimitIntervalSec=1h", "StartLimitBurst=5"] if at_boot else []),
        "",
        "[Service]",
        "Type=oneshot",
        f"WorkingDirectory={_pct(str(task.parent))}",
        *lines_env,
        "ExecStart=" + " ".join(_quote(a) for a in argv),
        # picoagent ends itself at max_runtime; systemd stops a hung run after that
        f"TimeoutStartSec={int(max_runtime) + STOP_MARGIN_S}",
        "KillMode=mixed",
        *(["Restart=on-failure", "RestartSec=1min"] if at_boot else []),
    ]
    svc = f"{base}.service"
    units: dict[str, str] = {}
    if at_boot:
        unit += ["", "[Install]", f"WantedBy={wanted_by}"]
        units[svc] = "\n".join(unit) + "\n"
        enable = svc
    else:
        units[svc] = "\n".join(unit) + "\n"
        timer = [
            "[Unit]",
            f"Description=Run picoagent task {_pct(task.name)} every {_span(every)}",
            "After=graphical-session.target",
            "PartOf=graphical-session.target",
            "",
            "[Timer]",
            "OnActiveSec=30s",
            # counted from the end of the last run: runs never overlap or pile up
            f"OnUnitInactiveSec={_span(every)}",
            "AccuracySec=5s",
            f"Unit={svc}",
            "",
            "[Install]",
            f"WantedBy={wanted_by}",
        ]
        units[f"{base}.timer"] = "\n".join(timer) + "\n"
        enable = f"{base}.timer"
    return Plan(name=base, task=task, units=units, enable=enable, folder=unit_folder(env))


def _span(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"


def render(p: Plan) -> str:
    """The units as `--print` shows them: each preceded by its path as a comment."""
    return "\n".join(f"# {p.folder / n}\n{text}" for n, text in p.units.items())


def systemctl(*args: str) -> tuple[bool, str]:
    """``systemctl --user ARGS``: (ok, what it said)."""
    exe = shutil.which("systemctl")
    if exe is None:
        return False, "systemctl not found (is this a systemd system?)"
    try:
        r = subprocess.run([exe, "--user", *args], capture_output=True, text=True,
                           timeout=30)
    except subprocess.TimeoutExpired:
        return False, f"systemctl --user {' '.join(args)}: no answer within 30s"
    return r.returncode == 0, (r.stderr or r.stdout).strip()


def install(p: Plan, *, enable: bool = True) -> list[str]:
    """Write the units; with ``enable``, reload the user manager and enable (and
    start) the timer or service.  Returns what was done, one line each; raises
    EnvironmentProblem when systemctl fails (the files stay written)."""
    p.folder.mkdir(parents=True, exist_ok=True)
    done = []
    for n, text in p.units.items():
        path = p.folder / n
        tmp = path.with_name(f".{n}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
        done.append(f"wrote {path}")
    if not enable:
        return done
    steps = [("daemon-reload",), ("enable", "--now", p.enable) if p.enable.endswith(".timer")
             else ("enable", p.enable)]
    for args in steps:
        ok, said = systemctl(*args)
        if not ok:
            raise EnvironmentProblem(
                f"units written, but `systemctl --user {' '.join(args)}` failed: "
                f"{said or 'no reason given'}; run it in the desktop session (or "
                f"`picoagent service remove {p.name}` to undo)")
        done.append(f"systemctl --user {' '.join(args)}")
    return done


def remove(name: str, *, env: dict | None = None, disable: bool = True) -> list[str]:
    """Disable (with ``disable``) and delete the units of ``name``; returns what was
    done.  Raises UsageError when there is nothing to remove."""
    base = unit_name(name)
    folder = unit_folder(env)
    files = [folder / f"{base}.{ext}" for ext in ("timer", "service")]
    present = [f for f in files if f.exists()]
    if not present:
        raise UsageError(f"no units named {base} in {folder}")
    done = []
    if disable:
        for f in present:
            ok, said = systemctl("disable", "--now", f.name)
            done.append(f"systemctl --user disable --now {f.name}"
                        + ("" if ok else f" (failed: {said or 'no reason given'})"))
    for f in present:
        f.unlink()
        done.append(f"removed {f}")
    if disable:
        ok, said = systemctl("daemon-reload")
        done.append("systemctl --user daemon-reload" + ("" if ok else f" (failed: {said})"))
    return done


def rotate(reports: Path, keep: int, now: float | None = None) -> Path:
    """A new, empty report folder under ``reports`` named by the local time, after
    deleting the oldest run folders so that, with the new one, ``keep`` remain.
    Only folders named like run folders (20250101-120000) are ever deleted."""
    if keep < 1:
        raise UsageError("--keep must be at least 1")
    reports.mkdir(parents=True, exist_ok=True)
    runs = sorted(d for d in reports.iterdir() if d.is_dir() and RUN_DIR.match(d.name))
    for old in runs[:max(0, len(runs) - (keep - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    new, i = reports / stamp, 1
    while new.exists():
        i += 1
        new = reports / f"{stamp}-{i}"
    new.mkdir()
    return new


__all__ = ["KEEP_RUNS", "Plan", "default_reports", "install", "parse_every", "plan",
           "remove", "render", "rotate", "session_env", "unit_folder", "unit_name"]
