"""A small Wayland client: the wire format over a Unix socket, in the standard library.

The Wayland protocol is a stream of messages on a Unix socket: each starts with
the object id (u32) and a word holding the message size (high 16 bits) and
opcode (low 16 bits), followed by 32-bit aligned arguments; file descriptors
travel beside the bytes as SCM_RIGHTS.  This module speaks exactly that, driven
by the signatures in :mod:`.protocols`, so picoagent needs no compiled binding
(pywayland has wheels for x86-64 only, and would still need the wlr protocol
XML): see docs/wayland.md for the comparison.

Single-threaded: one :class:`Connection` per process part that uses it, and
every call blocks for at most the timeout it is given.
"""
from __future__ import annotations

import array
import errno
import os
import select
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from .protocols import INTERFACES, Interface

MAX_FDS = 28                # libwayland's own bound per message


class WaylandError(Exception):
    """The connection failed or the compositor reported a protocol error."""


class Proxy:
    """A client-side object: its id, interface, and handlers for its events."""

    __slots__ = ("conn", "id", "interface", "version", "handlers", "alive")

    def __init__(self, conn: Connection, oid: int, interface: Interface, version: int):
        self.conn = conn
        self.id = oid
        self.interface = interface
        self.version = version
        self.handlers: dict[str, Callable[..., None]] = {}
        self.alive = True

    def on(self, event: str, fn: Callable[..., None]) -> Proxy:
        if event not in self.interface.event_index:
            raise KeyError(f"{self.interface.name} has no event {event!r}")
        self.handlers[event] = fn
        return self

    def __call__(self, request: str, *args: Any, interface: str | None = None,
                 version: int | None = None) -> Proxy | None:
        """Send ``request``; returns the new object when the request creates one."""
        return self.conn.request(self, request, args, interface=interface, version=version)

    def __repr__(self) -> str:
        return f"<{self.interface.name}@{self.id}>"


def socket_path(env: dict[str, str]) -> str:
    """The compositor's socket, as libwayland finds it: WAYLAND_DISPLAY (a name in
    XDG_RUNTIME_DIR, or an absolute path), default ``wayland-0``."""
    name = env.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(name):
        return name
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise WaylandError(f"WAYLAND_DISPLAY is {name!r} but XDG_RUNTIME_DIR is not set, "
                           "so the compositor's socket cannot be found")
    return os.path.join(runtime, name)


class Connection:
    """One connection to the compositor.  ``display`` is object 1 (wl_display)."""

    def __init__(self, path: str, timeout: float = 5.0):
        self.path = path
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        try:
            self.sock.connect(path)
        except OSError as e:
            self.sock.close()
            raise WaylandError(f"cannot connect to the Wayland compositor at {path}: "
                               f"{e.strerror or e}") from None
        self.sock.setblocking(False)
        self.objects: dict[int, Proxy] = {}
        self._free: list[int] = []
        self._next = 2
        self._in = bytearray()
        self._fds: list[int] = []
        self.error: WaylandError | None = None
        self.closed = False
        self.display = Proxy(self, 1, INTERFACES["wl_display"], 1)
        self.objects[1] = self.display
        self.display.on("error", self._on_error).on("delete_id", self._on_delete_id)

    # ---- peer ------------------------------------------------------------------------
    def peer_pid(self) -> int | None:
        """The compositor's process id (SO_PEERCRED), to name it in messages."""
        try:
            creds = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                         struct.calcsize("3i"))
            pid = struct.unpack("3i", creds)[0]
            return pid or None
        except OSError:
            return None

    # ---- ids ---------------------------------------------------------------------------
    def _new_id(self) -> int:
        if self._free:
            return self._free.pop()
        oid = self._next
        self._next += 1
        return oid

    def _on_delete_id(self, oid: int) -> None:
        p = self.objects.pop(oid, None)
        if p is not None:
            p.alive = False
        self._free.append(oid)

    def _on_error(self, obj: Proxy | None, code: int, message: str) -> None:
        what = repr(obj) if obj is not None else "an object already destroyed"
        self.error = WaylandError(f"the compositor reported a protocol error on {what}: "
                                  f"{message} (code {code})")

    # ---- requests ----------------------------------------------------------------------
    def request(self, proxy: Proxy, name: str, args: tuple, *, interface: str | None = None,
                version: int | None = None) -> Proxy | None:
        if self.closed:
            raise WaylandError("the Wayland connection is closed")
        if self.error is not None:
            raise self.error
        opcode, req = proxy.interface.request(name)
        body = bytearray()
        fds: list[int] = []
        created: Proxy | None = None
        args = list(args)
        for kind, new_iface in req.args:
            if kind == "n":
                iface = INTERFACES[new_iface or interface]
                oid = self._new_id()
                created = Proxy(self, oid, iface, proxy.version if new_iface else version)
                if new_iface is None:           # untyped new_id: wl_registry.bind
                    _put_string(body, iface.name)
                    body += struct.pack("=I", version)
                body += struct.pack("=I", oid)
                continue
            value = args.pop(0)
            if kind == "i":
                body += struct.pack("=i", int(value))
            elif kind == "u":
                body += struct.pack("=I", int(value) & 0xFFFFFFFF)
            elif kind == "f":
                body += struct.pack("=i", int(round(float(value) * 256.0)))
            elif kind == "s":
                _put_string(body, value)
            elif kind == "o":
                body += struct.pack("=I", 0 if value is None else value.id)
            elif kind == "a":
                data = bytes(value)
                body += struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)
            elif kind == "h":
                fds.append(int(value))
            else:  # pragma: no cover - signatures are ours
                raise ValueError(kind)
        if args:
            raise TypeError(f"{proxy.interface.name}.{name}: {len(args)} arguments too many")
        size = 8 + len(body)
        msg = struct.pack("=II", proxy.id, (size << 16) | opcode) + body
        self._send(msg, fds)
        if created is not None:
            self.objects[created.id] = created
        if req.destructor:
            proxy.alive = False
        return created

    def _send(self, msg: bytes, fds: list[int]) -> None:
        deadline = time.monotonic() + self.timeout
        view = memoryview(msg)
        first = True
        while view:
            try:
                if first and fds:
                    n = self.sock.sendmsg([view], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                    array.array("i", fds))])
                else:
                    n = self.sock.send(view)
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [self.sock], [], left)[1]:
                    raise self._lost("the compositor stopped reading") from None
                continue
            except OSError as e:
                raise self._lost(e.strerror or str(e)) from None
            first = False
            view = view[n:]

    # ---- events ------------------------------------------------------------------------
    def dispatch(self, timeout: float) -> bool:
        """Read what has arrived (waiting up to ``timeout`` s for the first bytes) and run
        the handlers.  True when something was dispatched."""
        if self.error is not None:
            raise self.error
        ready = select.select([self.sock], [], [], max(0.0, timeout))[0]
        if not ready:
            return False
        got = False
        while True:
            try:
                data, anc, _flags, _addr = self.sock.recvmsg(
                    65536, socket.CMSG_SPACE(MAX_FDS * 4))
            except BlockingIOError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
            except OSError as e:
                raise self._lost(e.strerror or str(e)) from None
            for level, typ, payload in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(payload[:len(payload) - len(payload) % 4])
                    self._fds.extend(fds)
            if not data:
                raise self._lost("the compositor closed the connection")
            self._in += data
            got = True
            if len(data) < 65536:
                break
        self._parse()
        if self.error is not None:
            raise self.error
        return got

    def _parse(self) -> None:
        buf = self._in
        pos = 0
        while len(buf) - pos >= 8:
            oid, word = struct.unpack_from("=II", buf, pos)
            size, opcode = word >> 16, word & 0xFFFF
            if size < 8:
                raise self._lost(f"malformed message (size {size})")
            if len(buf) - pos < size:
                break
            body = bytes(buf[pos + 8:pos + size])
            pos += size
            proxy = self.objects.get(oid)
            if proxy is None or opcode >= len(proxy.interface.events):
                continue        # an event for an object we already destroyed
            ev = proxy.interface.events[opcode]
            values = self._unpack(ev.args, body)
            fn = proxy.handlers.get(ev.name)
            if fn is not None:
                fn(*values)
            elif ev.fd_count:
                for v, (kind, _) in zip(values, ev.args):
                    if kind == "h":
                        os.close(v)
        del buf[:pos]

    def _unpack(self, sig, body: bytes) -> list:
        out = []
        pos = 0
        for kind, new_iface in sig:
            if kind == "h":
                out.append(self._fds.pop(0) if self._fds else -1)
                continue
            if kind in "iuofn":
                (v,) = struct.unpack_from("=i" if kind in "if" else "=I", body, pos)
                pos += 4
                if kind == "f":
                    v = v / 256.0
                elif kind == "o":
                    v = self.objects.get(v) if v else None
                elif kind == "n":
                    p = Proxy(self, v, INTERFACES[new_iface], 1)
                    self.objects[v] = p
                    v = p
                out.append(v)
            elif kind in "sa":
                (n,) = struct.unpack_from("=I", body, pos)
                pos += 4
                raw = body[pos:pos + n]
                pos += n + (-n % 4)
                if kind == "s":
                    out.append(raw[:-1].decode("utf-8", "replace") if n else None)
                else:
                    out.append(raw)
        return out

    def roundtrip(self, timeout: float | None = None) -> None:
        """Send wl_display.sync and dispatch until its callback fires: every request
        sent before it has been handled by the compositor."""
        done = []
        cb = self.display("sync")
        cb.on("done", lambda _data: done.append(True))
        self.wait(lambda: bool(done), timeout, "a round-trip")

    def wait(self, cond: Callable[[], bool], timeout: float | None, what: str) -> None:
        """Dispatch until ``cond()`` holds; WaylandError after ``timeout`` seconds."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                raise WaylandError(f"the compositor did not answer {what} within "
                                   f"{self.timeout if timeout is None else timeout:.1f} s")
            self.dispatch(left)

    def _lost(self, why: str) -> WaylandError:
        self.error = WaylandError(f"lost the Wayland compositor: {why}")
        return self.error

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds.clear()
        try:
            self.sock.close()
        except OSError as e:  # pragma: no cover
            if e.errno != errno.EBADF:
                raise


def _put_string(body: bytearray, s: str | None) -> None:
    if s is None:
        body += struct.pack("=I", 0)
        return
    data = s.encode("utf-8") + b"\0"
    body += struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)
