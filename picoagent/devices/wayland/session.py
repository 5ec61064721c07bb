"""A Wayland session: the connection, the globals the compositor offers, its outputs.

One registry round-trip lists the globals; a second gathers every output's name,
mode, scale, transform and place in the compositor's layout (xdg-output where
offered).  :meth:`WaylandSession.require` turns a missing protocol into one line
that names the compositor, what it lacks, and what to do.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from ...errors import EnvironmentProblem
from .wire import Connection, Proxy, WaylandError, socket_path

log = logging.getLogger(__name__)

#: protocol name -> the globals it needs
CAPTURE_EXT = ("ext_output_image_capture_source_manager_v1",
               "ext_image_copy_capture_manager_v1")
CAPTURE_WLR = ("zwlr_screencopy_manager_v1",)
POINTER = ("zwlr_virtual_pointer_manager_v1",)
KEYBOARD = ("zwp_virtual_keyboard_manager_v1",)

#: highest versions we speak
VERSIONS = {"wl_output": 4, "wl_shm": 1, "wl_seat": 1, "zxdg_output_manager_v1": 3,
            "zwlr_screencopy_manager_v1": 3, "ext_output_image_capture_source_manager_v1": 1,
            "ext_image_copy_capture_manager_v1": 1, "zwlr_virtual_pointer_manager_v1": 2,
            "zwp_virtual_keyboard_manager_v1": 1}

# wl_output.transform: the rotation (counter-clockwise degrees) and flip of the output
TRANSFORMS = {0: "normal", 1: "90", 2: "180", 3: "270", 4: "flipped", 5: "flipped-90",
              6: "flipped-180", 7: "flipped-270"}


@dataclass
class Output:
    """One wl_output and what the compositor said about it."""

    proxy: Proxy
    global_name: int
    name: str = ""
    description: str = ""
    make: str = ""
    model: str = ""
    x: int = 0                    # wl_output.geometry position (compositor space)
    y: int = 0
    mode: tuple[int, int] = (0, 0)  # current mode, in buffer (panel) pixels
    refresh_mhz: int = 0
    scale: int = 1
    transform: int = 0
    logical: tuple[int, int, int, int] | None = None   # xdg-output x, y, w, h
    _pending: dict = field(default_factory=dict, repr=False)

    def _done(self) -> None:
        """An xdg-output position and size sent so far take effect (sent as a batch
        ended by `done`: xdg-output's own before version 3, wl_output's from 3 on)."""
        if "pos" in self._pending and "size" in self._pending:
            self.logical = (*self._pending["pos"], *self._pending["size"])

    @property
    def rotated(self) -> bool:
        return self.transform % 2 == 1

    @property
    def layout_box(self) -> tuple[int, int, int, int]:
        """The output's rectangle in the compositor's layout (logical pixels): where
        task coordinates point.  xdg-output's figure when offered, else derived."""
        if self.logical is not None and self.logical[2] > 0 and self.logical[3] > 0:
            return self.logical
        w, h = self.mode
        if self.rotated:
            w, h = h, w
        s = max(1, self.scale)
        return (self.x, self.y, w // s, h // s)

    def describe(self) -> str:
        x, y, w, h = self.layout_box
        bits = [f"{self.name or 'output'} {self.mode[0]}x{self.mode[1]}"]
        if self.scale != 1:
            bits.append(f"scale {self.scale}")
        if self.transform:
            bits.append(f"transform {TRANSFORMS.get(self.transform, self.transform)}")
        bits.append(f"at {x},{y} size {w}x{h}")
        return ", ".join(bits)


class WaylandSession:
    """The connection and globals; shared by :class:`WaylandScreen` and
    :class:`WaylandInput`.  Close it after them."""

    def __init__(self, env: dict[str, str] | None = None, timeout: float = 5.0):
        env = dict(os.environ if env is None else env)
        try:
            self.path = socket_path(env)
        except WaylandError as e:
            raise EnvironmentProblem(str(e)) from None
        try:
            self.conn = Connection(self.path, timeout=timeout)
        except WaylandError as e:
            raise EnvironmentProblem(f"{e}. Is the Wayland session running, and is "
                                     "WAYLAND_DISPLAY right?") from None
        self.compositor = _process_name(self.conn.peer_pid())
        self.globals: dict[str, tuple[int, int]] = {}     # interface -> (name, version)
        self.bound: dict[str, Proxy] = {}
        self.outputs: list[Output] = []
        self.shm_formats: set[int] = set()
        try:
            self._discover()
        except WaylandError as e:
            self.conn.close()
            raise EnvironmentProblem(str(e)) from None

    # ---- discovery ---------------------------------------------------------------------
    def _discover(self) -> None:
        registry = self.conn.display("get_registry")
        output_globals: list[tuple[int, int]] = []

        def on_global(name: int, interface: str, version: int) -> None:
            if interface == "wl_output":
                output_globals.append((name, version))
            elif interface not in self.globals:
                self.globals[interface] = (name, version)

        registry.on("global", on_global)
        registry.on("global_remove", lambda name: None)
        self.registry = registry
        self.conn.roundtrip()
        for name, version in output_globals:
            proxy = registry("bind", name, interface="wl_output",
                             version=min(version, VERSIONS["wl_output"]))
            out = Output(proxy, name)
            self._watch_output(out)
            self.outputs.append(out)
        self.globals["wl_output"] = output_globals[0] if output_globals else (0, 0)
        xdg = self.bind("zxdg_output_manager_v1") if "zxdg_output_manager_v1" in self.globals \
            else None
        if xdg is not None:
            for out in self.outputs:
                xo = xdg("get_xdg_output", out.proxy)
                self._watch_xdg(out, xo)
        if "wl_shm" in self.globals:
            self.bind("wl_shm").on("format", self.shm_formats.add)
        self.conn.roundtrip()
        self.conn.roundtrip()           # xdg_output's events follow its creation

    def _watch_output(self, out: Output) -> None:
        def geometry(x, y, _pw, _ph, _subpixel, make, model, transform):
            out.x, out.y, out.make, out.model, out.transform = x, y, make or "", \
                model or "", transform

        def mode(flags, w, h, refresh):
            if flags & 1:               # WL_OUTPUT_MODE_CURRENT
                out.mode, out.refresh_mhz = (w, h), refresh

        def set_name(n):
            out.name = n or out.name

        out.proxy.on("geometry", geometry).on("mode", mode).on("done", out._done)
        out.proxy.on("scale", lambda s: setattr(out, "scale", s)).on("name", set_name)
        out.proxy.on("description", lambda d: setattr(out, "description", d or ""))

    def _watch_xdg(self, out: Output, xo: Proxy) -> None:
        pend = out._pending
        xo.on("logical_position", lambda x, y: pend.__setitem__("pos", (x, y)))
        xo.on("logical_size", lambda w, h: pend.__setitem__("size", (w, h)))
        xo.on("done", out._done)
        xo.on("name", lambda n: setattr(out, "name", out.name or n or ""))
        xo.on("description", lambda d: None)

    def bind(self, interface: str) -> Proxy:
        """Bind a global once (at the highest version both sides speak)."""
        if interface in self.bound:
            return self.bound[interface]
        name, version = self.globals[interface]
        proxy = self.registry("bind", name, interface=interface,
                              version=min(version, VERSIONS.get(interface, 1)))
        self.bound[interface] = proxy
        return proxy

    # ---- what the compositor offers ------------------------------------------------------
    def has(self, *interfaces: str) -> bool:
        return all(i in self.globals for i in interfaces)

    @property
    def capture_protocol(self) -> str | None:
        forced = os.environ.get("PICOAGENT_WAYLAND_CAPTURE", "")
        if self.has(*CAPTURE_EXT) and forced != "wlr":
            return "ext-image-copy-capture-v1"
        if self.has(*CAPTURE_WLR) and forced != "ext":
            return "wlr-screencopy-unstable-v1"
        return None

    @property
    def can_input(self) -> bool:
        return self.has(*POINTER, *KEYBOARD, "wl_seat")

    def missing(self, need_input: bool = True) -> list[str]:
        out = []
        if not self.outputs:
            out.append("an output (wl_output)")
        if "wl_shm" not in self.globals:
            out.append("wl_shm")
        if self.capture_protocol is None:
            out.append("screen capture (ext-image-copy-capture-v1 or "
                       "wlr-screencopy-unstable-v1)")
        if need_input:
            if not self.has(*POINTER):
                out.append("virtual pointer (wlr-virtual-pointer-unstable-v1)")
            if not self.has(*KEYBOARD):
                out.append("virtual keyboard (virtual-keyboard-unstable-v1)")
            if "wl_seat" not in self.globals:
                out.append("a seat (wl_seat)")
        return out

    def require(self, need_input: bool = True) -> None:
        """EnvironmentProblem (exit 3) naming what the compositor lacks, if anything."""
        missing = self.missing(need_input)
        if not missing:
            return
        who = self.compositor or "this compositor"
        lower = who.lower()
        if any(k in lower for k in ("gnome", "mutter", "kwin", "plasma")) or \
                "gtk_shell1" in self.globals or "org_kde_plasma_shell" in self.globals:
            advice = ("GNOME and KDE let other programs see and drive the desktop only "
                      "through the RemoteDesktop portal, which picoagent does not speak yet: "
                      "log in to an X11 session, or use labwc, wayfire or sway")
        elif lower == "cage":
            advice = ("cage gained virtual input in version 0.1.5; Debian 12 ships 0.1.4. "
                      "Use a newer cage, or sway/labwc as the kiosk compositor")
        else:
            advice = ("use a wlroots compositor (labwc, wayfire, sway) or an X11 session "
                      "(--backend x11 with DISPLAY set)")
        raise EnvironmentProblem(f"the Wayland compositor {who} does not offer "
                                 f"{', '.join(missing)}; {advice}")

    def output(self, name: str | None = None) -> Output:
        """The output called ``name``, or the first."""
        if not self.outputs:
            raise EnvironmentProblem(f"the Wayland compositor {self.compositor or ''} has no "
                                     "output to capture".replace("  ", " "))
        if name is None:
            return self.outputs[0]
        for o in self.outputs:
            if o.name == name:
                return o
        names = ", ".join(o.name or "?" for o in self.outputs)
        raise EnvironmentProblem(f"no Wayland output called {name!r} (outputs: {names})")

    def layout_extent(self) -> tuple[int, int, int, int]:
        """The bounding box of all outputs in the compositor's layout."""
        boxes = [o.layout_box for o in self.outputs] or [(0, 0, 1, 1)]
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        return (x0, y0, x1 - x0, y1 - y0)

    def describe(self) -> str:
        return (f"Wayland ({self.compositor or 'compositor'} at {self.path}; capture "
                f"{self.capture_protocol or 'none'}; input "
                f"{'virtual pointer + keyboard' if self.can_input else 'none'})")

    def close(self) -> None:
        self.conn.close()


def _process_name(pid: int | None) -> str:
    if not pid:
        return ""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""
