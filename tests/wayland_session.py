"""A real headless Wayland session (sway) for tests: ``SwaySession``.

How it is started, and why:

* sway 1.7 (Debian 12) runs with ``WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1
  WLR_RENDERER=pixman``: one virtual output, HEADLESS-1, no GPU, no input devices (input comes
  from clients through the virtual-pointer / virtual-keyboard protocols, as the backend does).
* sway refuses to run as root, and the test runner is root here, so the compositor runs as
  uid/gid 65534 (``setpriv --reuid=65534 --regid=65534 --clear-groups``) with its own
  XDG_RUNTIME_DIR (a fresh directory, mode 0700, owned by 65534) and HOME, from a generated
  config (output mode, a solid background, no bar, no swaynag, ``xwayland force``).
* Clients (the apps under test, grim, wtype, picoagent itself) run as root, the test's user.
  Root can open the compositor's sockets despite their owner, so ``env()`` gives clients the
  ABSOLUTE path of the Wayland socket in WAYLAND_DISPLAY (libwayland accepts that) and a
  separate root-owned XDG_RUNTIME_DIR, so that nothing of root's lands in the compositor's
  directory and a client that wrongly joins XDG_RUNTIME_DIR to WAYLAND_DISPLAY would fail.
* XWayland (``xwayland force``) admits only the compositor's user.  Its DISPLAY is not fixed:
  the config ``exec``s a small script that writes ``$DISPLAY`` to a file in the runtime
  directory, and then ``xhost +si:localuser:root`` is run as uid 65534 on that display (retried
  until XWayland answers) so root's X11 clients can connect.
* Everything the session starts is killed by ``close()``: sway is the leader of its own
  process group (with swaybg and XWayland in it) and every launched app gets its own group.
  sway gets SIGTERM alone first, then the group SIGKILL: a SIGTERM to the whole group kills
  XWayland before sway, wlroots forks to restart it, and those processes outlive the killpg.
  sway also gets ``setpriv --pdeathsig=TERM``, so a killed test run leaves no compositor.
* wtype (one virtual keyboard and a growing keymap per run) loses named keys that come after
  letters in GTK: ``wtype -s 150 hello -k Return`` types "hello" but no Return, while
  ``wtype -s 150 -k Return hello -k Return`` (Return first in the keymap) delivered both.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

COMPOSITOR_UID = 65534
COMPOSITOR_GID = 65534
OUTPUT = "HEADLESS-1"
BACKGROUND = "#336699"
START_TIMEOUT = 10.0
# what a client of the session must not inherit from the test process
_SESSION_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "SWAYSOCK", "I3SOCK",
                 "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE", "XAUTHORITY", "GDK_BACKEND",
                 "QT_QPA_PLATFORM")
_SETPRIV = ["setpriv", f"--reuid={COMPOSITOR_UID}", f"--regid={COMPOSITOR_GID}",
            "--clear-groups"]
_LIVE: "set[SwaySession]" = set()  # closed at interpreter exit if a test forgot to


@atexit.register
def _close_all() -> None:
    for session in list(_LIVE):
        session.close()


class SwayError(RuntimeError):
    """The session did not start, or a swaymsg command failed."""


def required_programs(xwayland: bool = True) -> list[str]:
    """The programs a session needs (all from `make system-deps`)."""
    progs = ["sway", "swaymsg", "swaybg", "setpriv"]
    if xwayland:
        progs += ["Xwayland", "xhost"]
    return progs


def missing_programs(xwayland: bool = True) -> list[str]:
    return [p for p in required_programs(xwayland) if not shutil.which(p)]


def _group_alive(pgid: int) -> list[int]:
    """Live (not zombie) members of process group ``pgid``."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state ppid pgrp ...
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(d))
    return pids


def _kill_group(proc: subprocess.Popen, timeout: float = 3.0, graceful: bool = True) -> None:
    """Stop ``proc`` and everything in its process group (it leads one).

    The leader gets SIGTERM first and is reaped; only then is the group SIGKILLed until no live
    member is left.  (SIGTERM to the whole group at once is wrong for sway: when XWayland dies
    first, wlroots forks to restart it, and those new processes outlive a one-shot killpg.)
    """
    if graceful and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + timeout
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.02)


def _views(node: dict) -> list[dict]:
    """All application windows (views) below a get_tree node."""
    out = []
    for child in node.get("nodes", []) + node.get("floating_nodes", []):
        if child.get("pid") is not None and child.get("type") in ("con", "floating_con"):
            out.append(child)
        out.extend(_views(child))
    return out


class SwaySession:
    """Headless sway for tests.  ``with SwaySession() as s: s.launch([...])``."""

    output_name = OUTPUT

    def __init__(self, width: int = 1280, height: int = 720, scale: float = 1,
                 transform: str = "normal", xwayland: bool = True,
                 start_timeout: float = START_TIMEOUT):
        self.width, self.height = width, height
        self.scale, self.transform = scale, transform
        self.xwayland = xwayland
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.tmp: Path | None = None
        self.runtime_dir: str | None = None         # the compositor's XDG_RUNTIME_DIR
        self.client_runtime_dir: str | None = None  # XDG_RUNTIME_DIR given to root's clients
        self.wayland_display: str | None = None     # absolute path of the Wayland socket
        self.swaysock: str | None = None
        self.x_display: str | None = None           # XWayland's DISPLAY, e.g. ":0"
        self.start_seconds: float | None = None
        self._apps: list[subprocess.Popen] = []
        self._log = None

    # ---- start / stop ----------------------------------------------------------------------
    def _config(self, display_script: Path) -> str:
        lines = [
            f"output {OUTPUT} mode {self.width}x{self.height} scale {self.scale} "
            f"transform {self.transform} bg {BACKGROUND} solid_color",
            "swaynag_command -",           # no swaynag bar on config warnings
            "font pango:DejaVu Sans 10",
            "default_border normal 2",     # title bars: windows are recognisable in screenshots
            "default_floating_border normal 2",
            "focus_follows_mouse no",      # only clicks and new windows move the focus
            "mouse_warping none",          # the pointer stays where the test put it
            "focus_on_window_activation focus",
            "workspace_layout default",
            # windows float at the size they ask for, as on the stacking desktops of our
            # users (labwc on Raspberry Pi OS, wayfire) instead of being tiled full screen
            'for_window [app_id=".*"] floating enable',
            'for_window [class=".*"] floating enable',
            "workspace 1",
        ]
        if self.xwayland:
            lines += ["xwayland force", f"exec {display_script}"]
        else:
            lines += ["xwayland disable"]
        return "\n".join(lines) + "\n"

    def start(self) -> "SwaySession":
        if self.proc is not None:
            raise SwayError("session already started")
        missing = missing_programs(self.xwayland)
        if missing:
            raise SwayError(f"missing programs {missing}: run `make system-deps`")
        t0 = time.monotonic()
        self.tmp = Path(tempfile.mkdtemp(prefix="picoagent-sway-"))
        self.tmp.chmod(0o711)  # uid 65534 must reach its directories and the config
        runtime = self.tmp / "runtime"
        home = self.tmp / "home"
        client_runtime = self.tmp / "client-runtime"
        for d in (runtime, home, client_runtime):
            d.mkdir(mode=0o700)
            d.chmod(0o700)
        for d in (runtime, home):
            os.chown(d, COMPOSITOR_UID, COMPOSITOR_GID)
        self.runtime_dir = str(runtime)
        self.client_runtime_dir = str(client_runtime)
        script = self.tmp / "xwayland-display.sh"
        script.write_text('#!/bin/sh\nprintf "%s\\n" "$DISPLAY" > "$XDG_RUNTIME_DIR/.display.tmp"'
                          ' && mv "$XDG_RUNTIME_DIR/.display.tmp" "$XDG_RUNTIME_DIR/.display"\n')
        script.chmod(0o755)
        config = self.tmp / "config"
        config.write_text(self._config(script))
        config.chmod(0o644)
        if self.xwayland:
            # XWayland (uid 65534) would otherwise create /tmp/.X11-unix itself, owned by 65534
            # with mode 0755, and other users' X servers could no longer use it.
            x11 = Path("/tmp/.X11-unix")
            if not x11.exists():
                x11.mkdir()
                x11.chmod(0o1777)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
               "XDG_RUNTIME_DIR": self.runtime_dir, "LANG": "C.UTF-8",
               "WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1",
               "WLR_RENDERER": "pixman"}
        self._log = open(self.tmp / "sway.log", "wb")
        # --pdeathsig: sway goes when the test process dies without close() (killed pytest)
        self.proc = subprocess.Popen(_SETPRIV + ["--pdeathsig=TERM", "sway", "-c", str(config)],
                                     env=env,
                                     stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _LIVE.add(self)
        try:
            self._wait_ready(t0 + self.start_timeout)
        except BaseException:
            self.close()
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def _fail(self, what: str) -> SwayError:
        return SwayError(f"sway session: {what}\n--- sway log (tail) ---\n{self.log_tail()}")

    def log_tail(self, n: int = 30) -> str:
        status = ""
        if self.proc is not None and self.proc.poll() is not None:
            rc = self.proc.returncode
            status = (f"sway ended by signal {-rc}\n" if rc < 0 else f"sway exited {rc}\n")
        try:
            return status + "\n".join(
                (self.tmp / "sway.log").read_text(errors="replace").splitlines()[-n:])
        except (OSError, TypeError):
            return status

    def _wait_ready(self, deadline: float) -> None:
        runtime = Path(self.runtime_dir)
        # 1. the Wayland and IPC sockets
        while True:
            if self.proc.poll() is not None:
                raise self._fail(f"sway exited with status {self.proc.returncode}")
            socks = sorted(p for p in runtime.glob("wayland-*") if not p.name.endswith(".lock"))
            ipc = sorted(runtime.glob("sway-ipc.*.sock"))
            if socks and ipc:
                self.wayland_display, self.swaysock = str(socks[0]), str(ipc[0])
                break
            if time.monotonic() > deadline:
                raise self._fail(f"no Wayland/IPC socket in {runtime} after "
                                 f"{self.start_timeout:.0f} s")
            time.sleep(0.02)
        # 2. IPC answers, and the output has the mode we asked for
        while True:
            try:
                outs = self.msg("-t", "get_outputs")
                out = next((o for o in outs if o["name"] == OUTPUT), None)
                if out is not None and out.get("active"):
                    break
            except SwayError:
                pass
            if self.proc.poll() is not None:
                raise self._fail(f"sway exited with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise self._fail("IPC did not answer / no active output " + OUTPUT)
            time.sleep(0.02)
        mode = out["current_mode"]
        got = (mode["width"], mode["height"], float(out["scale"]), out["transform"])
        want = (self.width, self.height, float(self.scale), self.transform)
        if got != want:  # sway skips a bad config line and goes on with defaults
            raise self._fail(f"output is {got} (width, height, scale, transform), not {want}")
        if not self.xwayland:
            return
        # 3. XWayland's DISPLAY (written by the exec'd script), then admit root's clients
        display_file = runtime / ".display"
        while not display_file.exists():
            if self.proc.poll() is not None:
                raise self._fail(f"sway exited with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise self._fail("XWayland's DISPLAY was not reported (exec did not run?)")
            time.sleep(0.02)
        self.x_display = display_file.read_text().strip()
        if not self.x_display.startswith(":"):
            raise self._fail(f"bad XWayland DISPLAY {self.x_display!r}")
        env = {"PATH": "/usr/bin:/bin", "DISPLAY": self.x_display, "HOME": str(self.tmp / "home")}
        while True:
            r = subprocess.run(_SETPRIV + ["xhost", "+si:localuser:root"], env=env,
                               capture_output=True, text=True, timeout=10)
            if r.returncode == 0:
                return
            if self.proc.poll() is not None:
                raise self._fail(f"sway exited with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise self._fail(f"xhost on XWayland {self.x_display} failed: "
                                 f"{(r.stderr or r.stdout).strip()}")
            time.sleep(0.05)

    def restart(self) -> "SwaySession":
        """Close what is left of this session and start it again (new sockets, a new
        XWayland DISPLAY; read them from this object afterwards)."""
        self.close()
        self.proc = None
        self.x_display = None
        return self.start()

    def kill_compositor(self) -> None:
        """SIGKILL sway alone (fault tests); XWayland and swaybg then die with their socket."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)

    def close(self) -> None:
        _LIVE.discard(self)
        for app in self._apps:
            _kill_group(app)
        self._apps.clear()
        if self.proc is not None:
            _kill_group(self.proc)  # sway, swaybg, XWayland: one process group
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.x_display:
            # after a SIGKILLed sway its XWayland socket and lock stay behind
            n = self.x_display.lstrip(":").split(".")[0]
            for stale in (Path(f"/tmp/.X11-unix/X{n}"), Path(f"/tmp/.X{n}-lock")):
                try:
                    if stale.exists() and stale.stat().st_uid == COMPOSITOR_UID:
                        stale.unlink()
                except OSError:
                    pass
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> "SwaySession":
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ---- clients ----------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """Environment variables a (root) client of this session needs."""
        env = {"WAYLAND_DISPLAY": self.wayland_display, "XDG_RUNTIME_DIR": self.client_runtime_dir,
               "SWAYSOCK": self.swaysock, "XDG_SESSION_TYPE": "wayland"}
        if self.x_display:
            env["DISPLAY"] = self.x_display
        return env

    def client_env(self, wayland: bool = True) -> dict[str, str]:
        """os.environ without the test process's own display, plus this session's."""
        env = {k: v for k, v in os.environ.items() if k not in _SESSION_VARS}
        env.update(self.env())
        env["NO_AT_BRIDGE"] = "1"
        if wayland:
            env["GDK_BACKEND"] = "wayland"
        else:
            if not self.x_display:
                raise SwayError("this session has no XWayland (xwayland=False)")
            del env["WAYLAND_DISPLAY"]
            env["GDK_BACKEND"] = "x11"
            env["QT_QPA_PLATFORM"] = "xcb"
        return env

    def launch(self, argv: list[str], wayland: bool = True, **popen_kw: Any) -> subprocess.Popen:
        """Start a program in the session as the test's user, in its own process group.

        wayland=True: a native Wayland client (GDK_BACKEND=wayland); False: an X11 client on
        the session's XWayland (GDK_BACKEND=x11, no WAYLAND_DISPLAY).  ``env=`` entries are
        added on top.  ``close()`` (or ``kill_app``) kills it.
        """
        env = self.client_env(wayland)
        env.update(popen_kw.pop("env", None) or {})
        popen_kw.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(argv, env=env, start_new_session=True, **popen_kw)
        self._apps.append(proc)
        return proc

    def kill_app(self, proc: subprocess.Popen) -> None:
        _kill_group(proc)
        if proc in self._apps:
            self._apps.remove(proc)

    def run(self, argv: list[str], wayland: bool = True, timeout: float = 30,
            **kw: Any) -> subprocess.CompletedProcess:
        """Run a short client (grim, wtype, ...) in the session and wait for it."""
        env = self.client_env(wayland)
        env.update(kw.pop("env", None) or {})
        kw.setdefault("capture_output", True)
        return subprocess.run(argv, env=env, timeout=timeout, **kw)

    # ---- IPC --------------------------------------------------------------------------------
    def msg(self, *args: str, check: bool = True) -> Any:
        """``swaymsg -r ARGS`` on this session: parsed JSON (or the text if not JSON).

        ``msg("-t", "get_tree")``; ``msg("output HEADLESS-1 scale 2")``.  A command that sway
        answers with success false raises SwayError (unless check=False).
        """
        r = subprocess.run(["swaymsg", "-s", self.swaysock, "-r", *args], capture_output=True,
                           text=True, timeout=10, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        try:
            data = json.loads(r.stdout)
        except ValueError:
            data = r.stdout
        failed = r.returncode != 0
        if isinstance(data, list) and any(isinstance(d, dict) and d.get("success") is False
                                          for d in data):
            failed = True
        if failed and check:
            raise SwayError(f"swaymsg {' '.join(args)}: rc={r.returncode} "
                            f"{r.stdout.strip()} {r.stderr.strip()}")
        return data

    def output(self) -> dict:
        """This session's output as get_outputs reports it."""
        return next(o for o in self.msg("-t", "get_outputs") if o["name"] == OUTPUT)

    def set_output(self, mode: str | tuple[int, int] | None = None, scale: float | None = None,
                   transform: str | None = None) -> dict:
        """Change the output at run time (``swaymsg output HEADLESS-1 ...``); returns it."""
        parts = []
        if mode is not None:
            if not isinstance(mode, str):
                mode = f"{mode[0]}x{mode[1]}"
            parts += ["mode", mode]
        if scale is not None:
            parts += ["scale", str(scale)]
        if transform is not None:
            parts += ["transform", transform]
        if parts:
            self.msg(" ".join(["output", OUTPUT, *parts]))
        return self.output()

    def windows(self) -> list[dict]:
        """Every application window in get_tree (native: app_id; X11: window_properties)."""
        return _views(self.msg("-t", "get_tree"))

    def find_window(self, title: str | None = None, app_id: str | None = None,
                    cls: str | None = None,
                    match: Callable[[dict], bool] | None = None) -> dict | None:
        for w in self.windows():
            props = w.get("window_properties") or {}
            if title is not None and w.get("name") != title:
                continue
            if app_id is not None and w.get("app_id") != app_id:
                continue
            if cls is not None and props.get("class") != cls:
                continue
            if match is not None and not match(w):
                continue
            return w
        return None

    def wait_window(self, title: str | None = None, app_id: str | None = None,
                    cls: str | None = None, match: Callable[[dict], bool] | None = None,
                    focused: bool = False, timeout: float = 10.0) -> dict:
        """Block until a window matching every given criterion (exact title = get_tree ``name``,
        Wayland ``app_id``, X11 ``class``, predicate) is in the tree, visible, and (with
        focused=True) has the keyboard focus.  Returns its get_tree node."""
        deadline = time.monotonic() + timeout
        while True:
            w = self.find_window(title, app_id, cls, match)
            if w is not None and w.get("visible") and (not focused or w.get("focused")):
                return w
            if not self.alive:
                raise self._fail("sway died while waiting for a window")
            if time.monotonic() > deadline:
                crit = {k: v for k, v in (("title", title), ("app_id", app_id), ("cls", cls),
                                          ("focused", focused or None)) if v is not None}
                seen = [(x.get("name"), x.get("app_id"),
                         (x.get("window_properties") or {}).get("class"), x.get("focused"))
                        for x in self.windows()]
                raise SwayError(f"no window {crit} after {timeout:.0f} s; windows "
                                f"(title, app_id, class, focused): {seen}")
            time.sleep(0.05)

    def wait_no_window(self, title: str | None = None, app_id: str | None = None,
                       cls: str | None = None, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.find_window(title, app_id, cls) is not None:
            if time.monotonic() > deadline:
                raise SwayError(f"window title={title!r} app_id={app_id!r} cls={cls!r} "
                                f"still there after {timeout:.0f} s")
            time.sleep(0.05)
