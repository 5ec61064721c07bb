"""ext-image-copy-capture-v1 against a scripted peer.

No compositor in Debian 12 offers this protocol (sway 1.7 has only
wlr-screencopy; the integration tests run there), while recent labwc, the
Raspberry Pi OS desktop, does.  So this test plays the compositor's side of the
protocol on a real Unix socket, with the opcodes and argument layouts written
out here from the protocol XML (independently of picoagent's own table), and
checks what WaylandScreen asks for and what it makes of the answers: the shm
buffer passed as a file descriptor, the session and frame requests in order,
pixels written into the shared memory, an unchanged screen (a capture that does
not complete) and a change of buffer size.
"""
from __future__ import annotations

import array
import mmap
import os
import socket
import struct
import threading

import numpy as np
import pytest

from picoagent.devices.wayland import WaylandScreen, WaylandSession

# the peer's globals: interface, version
GLOBALS = [("wl_shm", 1), ("wl_output", 4), ("ext_output_image_capture_source_manager_v1", 1),
           ("ext_image_copy_capture_manager_v1", 1)]
XRGB8888 = 1


def _string(s: str) -> bytes:
    b = s.encode() + b"\0"
    return struct.pack("=I", len(b)) + b + b"\0" * (-len(b) % 4)


class Peer(threading.Thread):
    """The compositor's side: one client, requests decoded by hand from the XML."""

    def __init__(self, path: str, sizes: list[tuple[int, int]]):
        super().__init__(daemon=True)
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(1)
        self.sizes = sizes                  # buffer size per session batch
        self.ifaces: dict[int, str] = {1: "wl_display"}
        self.log: list[str] = []
        self.fds: list[int] = []
        self.pools: dict[int, mmap.mmap] = {}
        self.buffers: dict[int, tuple[int, int, int, int]] = {}   # id -> pool, w, h, stride
        self.frames: dict[int, int] = {}    # frame id -> attached buffer
        self.session = 0
        self.captures = 0
        self.hold = threading.Event()       # set: leave the next captures pending
        self.pending: list[int] = []
        self.lock = threading.Lock()

    def send(self, oid: int, op: int, body: bytes = b"") -> None:
        with self.lock:
            try:
                self.conn.sendall(struct.pack("=II", oid, ((8 + len(body)) << 16) | op) + body)
            except OSError:             # the client has gone (the test is over)
                pass

    def run(self) -> None:
        self.conn, _ = self.srv.accept()
        buf = b""
        while True:
            try:
                data, anc, _, _ = self.conn.recvmsg(65536, socket.CMSG_SPACE(16))
            except OSError:
                return
            if not data:
                return
            for _lvl, _typ, payload in anc:
                a = array.array("i")
                a.frombytes(payload[:len(payload) - len(payload) % 4])
                self.fds.extend(a)
            buf += data
            while len(buf) >= 8:
                oid, word = struct.unpack_from("=II", buf)
                size = word >> 16
                if len(buf) < size:
                    break
                self.handle(oid, word & 0xFFFF, buf[8:size])
                buf = buf[size:]

    def handle(self, oid: int, op: int, body: bytes) -> None:
        iface = self.ifaces.get(oid, "?")
        u = lambda i: struct.unpack_from("=I", body, 4 * i)[0]      # noqa: E731
        self.log.append(f"{iface}.{op}")
        if iface == "wl_display" and op == 1:                    # get_registry(new_id)
            self.ifaces[u(0)] = "wl_registry"
            for name, (i, v) in enumerate(GLOBALS, 1):
                self.send(u(0), 0, struct.pack("=I", name) + _string(i) + struct.pack("=I", v))
        elif iface == "wl_display" and op == 0:                  # sync(new_id callback)
            self.send(u(0), 0, struct.pack("=I", 0))             # wl_callback.done
            self.send(1, 1, struct.pack("=I", u(0)))             # wl_display.delete_id
        elif iface == "wl_registry" and op == 0:                 # bind(name, iface, v, id)
            n = u(1)
            name = body[8:8 + n - 1].decode()
            new = u(2 + (n + 3) // 4 + 1)
            self.ifaces[new] = name
            if name == "wl_output":
                self.send(new, 0, struct.pack("=6i", 0, 0, 300, 200, 0, 0) + _string("Acme")
                          + _string("Panel") + struct.pack("=i", 0))     # geometry
                self.send(new, 1, struct.pack("=Iiii", 1, 64, 48, 60000))  # mode: current
                self.send(new, 3, struct.pack("=i", 1))                 # scale
                self.send(new, 4, _string("DSI-1"))                     # name
                self.send(new, 2)                                       # done
        elif iface == "wl_shm" and op == 0:                      # create_pool(id, fd, size)
            fd = self.fds.pop(0)
            self.pools[u(0)] = mmap.mmap(fd, struct.unpack_from("=i", body, 4)[0])
            os.close(fd)
            self.ifaces[u(0)] = "wl_shm_pool"
        elif iface == "wl_shm_pool" and op == 0:       # create_buffer(id, off, w, h, stride, fmt)
            self.ifaces[u(0)] = "wl_buffer"
            assert u(5) == XRGB8888
            self.buffers[u(0)] = (oid, u(2), u(3), u(4))
        elif iface == "ext_output_image_capture_source_manager_v1" and op == 0:
            self.ifaces[u(0)] = "ext_image_capture_source_v1"    # create_source(id, output)
            assert self.ifaces[u(1)] == "wl_output"
        elif iface == "ext_image_copy_capture_manager_v1" and op == 0:
            self.ifaces[u(0)] = "session"                        # create_session(id, src, opts)
            assert self.ifaces[u(1)] == "ext_image_capture_source_v1" and u(2) == 0
            self.session = u(0)
            self.constraints()
        elif iface == "session" and op == 0:                     # create_frame(id)
            self.ifaces[u(0)] = "frame"
        elif iface == "frame" and op == 1:                       # attach_buffer(buffer)
            self.frames[oid] = u(0)
        elif iface == "frame" and op == 3:                       # capture
            self.captures += 1
            if self.hold.is_set():
                self.pending.append(oid)
            else:
                self.complete(oid)
        elif iface == "frame" and op == 0 or op == 1 and iface in ("session", "wl_buffer") \
                or iface == "wl_shm_pool" and op == 1 \
                or iface == "ext_image_capture_source_v1" and op == 0:   # destroys
            self.send(1, 1, struct.pack("=I", oid))

    def constraints(self) -> None:
        w, h = self.sizes[0]
        self.send(self.session, 0, struct.pack("=II", w, h))    # buffer_size
        self.send(self.session, 1, struct.pack("=I", XRGB8888))  # shm_format
        self.send(self.session, 4)                               # done

    def complete(self, frame: int) -> None:
        pool, w, h, stride = self.buffers[self.frames[frame]]
        if (w, h) != self.sizes[0]:
            self.send(frame, 4, struct.pack("=I", 1))            # failed: buffer_constraints
            return
        px = np.zeros((h, stride // 4, 4), np.uint8)
        px[..., 0] = 10 * self.captures                          # blue: which capture
        px[..., 2] = 200                                         # red
        self.pools[pool][:h * stride] = px.tobytes()
        self.send(frame, 0, struct.pack("=I", 0))                # transform normal
        self.send(frame, 3)                                      # ready


@pytest.fixture
def peer(tmp_path):
    p = Peer(str(tmp_path / "wayland-9"), [(64, 48)])
    p.start()
    yield p
    p.join(5)
    p.srv.close()
    p.conn.close()
    for m in p.pools.values():
        m.close()


def test_ext_capture_sequence_pixels_and_unchanged_screen(peer, tmp_path, monkeypatch):
    monkeypatch.delenv("PICOAGENT_WAYLAND_CAPTURE", raising=False)
    session = WaylandSession({"WAYLAND_DISPLAY": str(tmp_path / "wayland-9")})
    screen = WaylandScreen(session)
    assert screen.protocol == "ext-image-copy-capture-v1"
    assert screen.output.name == "DSI-1"
    f1 = screen.grab()
    assert f1.image.shape == (48, 64, 3)
    assert tuple(f1.image[0, 0]) == (200, 0, 10)                 # R G B from x R G B in memory
    f2 = screen.grab()
    assert tuple(f2.image[0, 0]) == (200, 0, 20) and f2 is not f1
    # the compositor waits for a change: grab gives the last frame back, unchanged
    peer.hold.set()
    assert screen.grab() is f2
    assert screen.grab() is f2                                   # the same capture still pending
    assert peer.captures == 3
    peer.hold.clear()
    peer.complete(peer.pending.pop())                            # the screen changed
    f3 = screen.grab()
    assert tuple(f3.image[0, 0]) == (200, 0, 30)
    # the source changed size: a new batch of constraints, the pending capture fails
    peer.sizes[0] = (32, 24)
    peer.hold.set()
    screen.grab()
    peer.constraints()
    peer.hold.clear()
    peer.complete(peer.pending.pop())
    f4 = screen.grab()
    assert f4.image.shape == (24, 32, 3)
    order = [x for x in peer.log if not x.startswith(("wl_display", "wl_registry"))]
    assert order[:8] == ["ext_output_image_capture_source_manager_v1.0",   # create_source
                         "ext_image_copy_capture_manager_v1.0",            # create_session
                         "ext_image_capture_source_v1.0",                  # source.destroy
                         "wl_shm.0", "wl_shm_pool.0",                      # pool, buffer
                         "session.0", "frame.1", "frame.2"]                # frame, attach, damage
    assert order[8] == "frame.3"                                           # capture
    screen.close()
    session.close()
