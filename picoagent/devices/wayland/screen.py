"""The screen of a Wayland output, copied by the compositor into shared memory.

ext-image-copy-capture-v1 where the compositor offers it (recent labwc and
wayfire), else wlr-screencopy-unstable-v1 (sway 1.7, older labwc).  The copy
lands in a ``wl_shm`` buffer (a memfd we map), is turned the way the output
shows it (its transform) and becomes a :class:`Frame` whose ``origin`` and
``scale`` map frame pixels to the compositor's layout coordinates, so task
coordinates mean the same thing at scale 2 or on a rotated panel as on X11.
"""
from __future__ import annotations

import mmap
import os

import cv2
import numpy as np

from ...errors import DisplayLost
from ...vision.frame import Frame
from .protocols import SHM_FORMATS
from .session import Output, WaylandSession
from .wire import Proxy, WaylandError

#: an ext-image-copy capture after the first may wait for the screen to change; a
#: capture not ready by then returns the previous frame (the screen is unchanged)
EXT_UNCHANGED_AFTER_S = 0.25
CAPTURE_TIMEOUT_S = 5.0


class ShmBuffer:
    """One wl_shm buffer of a fixed size and format, backed by a memfd."""

    def __init__(self, session: WaylandSession, width: int, height: int, stride: int,
                 fmt: int):
        self.width, self.height, self.stride, self.format = width, height, stride, fmt
        size = stride * height
        fd = os.memfd_create("picoagent-shm", os.MFD_CLOEXEC)
        try:
            os.ftruncate(fd, size)
            self.map = mmap.mmap(fd, size)
            shm = session.bind("wl_shm")
            self.pool = shm("create_pool", fd, size)
        finally:
            os.close(fd)                # the compositor holds its own copy of the fd
        self.buffer = self.pool("create_buffer", 0, width, height, stride, fmt)

    def matches(self, width, height, stride, fmt) -> bool:
        return (width, height, stride, fmt) == (self.width, self.height, self.stride,
                                                self.format)

    def view(self) -> np.ndarray:
        """The buffer as H x W x 4 bytes, not copied: valid until the next capture."""
        a = np.frombuffer(self.map, dtype=np.uint8).reshape(self.height, self.stride)
        return a[:, :self.width * 4].reshape(self.height, self.width, 4)

    def destroy(self) -> None:
        for p, req in ((self.buffer, "destroy"), (self.pool, "destroy")):
            if p.alive and not p.conn.closed and p.conn.error is None:
                try:
                    p(req)
                except WaylandError:
                    pass
        self.map.close()


def to_display(img: np.ndarray, transform: int, y_invert: bool = False) -> np.ndarray:
    """Turn a buffer as the output's panel holds it into the picture a person sees.

    ``transform`` is wl_output.transform (0-3: rotated 0/90/180/270 degrees, 4-7:
    flipped, then rotated).  Measured against grim on sway for all eight: a plain
    rotation is undone by turning the buffer the other way; a flipped one by
    mirroring it and then turning it by the same angle.  tests/integration/
    test_wayland.py compares our capture with grim's on rotated outputs.
    """
    if y_invert:
        img = img[::-1]
    rot = transform % 4
    if transform >= 4:
        img = img[:, ::-1]
        k = rot
    else:
        k = (4 - rot) % 4
    return np.rot90(img, k) if k else img


class WaylandScreen:
    """Frames of one output.  The session is passed in and closed by its owner."""

    def __init__(self, session: WaylandSession, output: str | None = None,
                 cursor: bool = False):
        self.session = session
        self.output: Output = session.output(output)
        self.cursor = cursor
        proto = session.capture_protocol
        if proto is None:
            session.require(need_input=False)
        self.protocol = proto
        self._buf: ShmBuffer | None = None
        self._last: tuple[np.ndarray, Frame] | None = None
        self._ext_session: Proxy | None = None
        self._ext_frame: dict | None = None
        self._ext_constraints: dict = {}

    @property
    def conn(self):
        return self.session.conn

    # ---- public ----------------------------------------------------------------------
    def grab(self) -> Frame:
        try:
            if self.protocol.startswith("ext"):
                raw, transform, y_invert = self._grab_ext()
            else:
                raw, transform, y_invert = self._grab_wlr()
        except WaylandError as e:
            raise DisplayLost(f"cannot capture the Wayland screen: {e}") from None
        if raw is None:                          # ext: unchanged since the last frame
            return self._last[1]
        if self._last is not None and np.array_equal(raw, self._last[0]):
            return self._last[1]                 # unchanged: compared in place, no copy
        return self._make_frame(raw.copy(), transform, y_invert)

    def _make_frame(self, raw, transform, y_invert) -> Frame:
        fmt = SHM_FORMATS.get(self._buf.format, "bgr")
        img = to_display(raw, transform, y_invert)
        code = cv2.COLOR_BGRA2RGB if fmt == "bgr" else cv2.COLOR_RGBA2RGB
        rgb = cv2.cvtColor(np.ascontiguousarray(img), code)
        x, y, w, _h = self.output.layout_box
        scale = w / rgb.shape[1] if rgb.shape[1] else 1.0
        frame = Frame(rgb, origin=(float(x), float(y)), scale=scale)
        self._last = (raw, frame)
        return frame

    def close(self) -> None:
        if self._ext_session is not None and self._ext_session.alive and not self.conn.closed:
            try:
                self._ext_session("destroy")
            except WaylandError:
                pass
        if self._buf is not None:
            if not self.conn.closed:
                self._buf.destroy()
            self._buf = None

    # ---- wlr-screencopy ----------------------------------------------------------------
    def _grab_wlr(self):
        mgr = self.session.bind("zwlr_screencopy_manager_v1")
        frame = mgr("capture_output", 1 if self.cursor else 0, self.output.proxy)
        st: dict = {"buffers": [], "flags": 0}
        frame.on("buffer", lambda f, w, h, s: st["buffers"].append((f, w, h, s)))
        frame.on("flags", lambda f: st.__setitem__("flags", f))
        frame.on("ready", lambda *_: st.__setitem__("ready", True))
        frame.on("failed", lambda: st.__setitem__("failed", True))
        frame.on("damage", lambda *_: None)
        frame.on("linux_dmabuf", lambda *_: None)
        frame.on("buffer_done", lambda: st.__setitem__("done", True))
        try:
            # version 3 ends its buffer offers with buffer_done; earlier ones send one
            # buffer event before anything else
            v3 = frame.version >= 3
            self.conn.wait(lambda: st.get("done") or st.get("failed") or
                           (not v3 and st["buffers"]), CAPTURE_TIMEOUT_S,
                           "a screen copy's buffer offer")
            if st.get("failed"):
                raise WaylandError("the compositor refused to copy the output")
            offers = st["buffers"]
            fmt, w, h, stride = next((o for o in offers if o[0] in SHM_FORMATS), offers[0])
            if fmt not in SHM_FORMATS:
                raise WaylandError(f"the compositor offers no shm format we read "
                                   f"({[hex(o[0]) for o in offers]})")
            buf = self._buffer(w, h, stride, fmt)
            frame("copy", buf.buffer)
            self.conn.wait(lambda: st.get("ready") or st.get("failed"), CAPTURE_TIMEOUT_S,
                           "a screen copy")
            if st.get("failed"):
                raise WaylandError("the compositor failed to copy the output")
            return buf.view(), self.output.transform, bool(st["flags"] & 1)
        finally:
            if frame.alive and not self.conn.closed and self.conn.error is None:
                frame("destroy")

    # ---- ext-image-copy-capture ----------------------------------------------------------
    def _ext_open(self) -> None:
        srcmgr = self.session.bind("ext_output_image_capture_source_manager_v1")
        mgr = self.session.bind("ext_image_copy_capture_manager_v1")
        source = srcmgr("create_source", self.output.proxy)
        sess = mgr("create_session", source, 1 if self.cursor else 0)
        source("destroy")               # the session keeps what it needs
        c = self._ext_constraints = {"formats": [], "size": None, "done": False}

        def batch() -> None:
            # constraints come in batches ended by `done`; the compositor may send a new
            # batch at any time (an output's mode or scale changed): start it afresh
            if c["done"]:
                c.update(formats=[], size=None, done=False)

        def size(w, h):
            batch()
            c["size"] = (w, h)

        def shm_format(f):
            batch()
            c["formats"].append(f)

        sess.on("buffer_size", size)
        sess.on("shm_format", shm_format)
        sess.on("dmabuf_device", lambda _d: batch())
        sess.on("dmabuf_format", lambda _f, _m: batch())
        sess.on("done", lambda: c.__setitem__("done", True))
        sess.on("stopped", lambda: c.__setitem__("stopped", True))
        self._ext_session = sess
        self.conn.wait(lambda: c["done"] or c.get("stopped"), CAPTURE_TIMEOUT_S,
                       "the capture session's buffer constraints")

    def _grab_ext(self, retries: int = 3):
        if self._ext_session is None:
            self._ext_open()
        c = self._ext_constraints
        if c.get("stopped"):
            raise WaylandError("the compositor stopped the capture session (output gone?)")
        if self._ext_frame is None:
            self._ext_start()
        st = self._ext_frame
        first = self._last is None
        try:
            self.conn.wait(lambda: st.get("ready") or st.get("failed") is not None,
                           CAPTURE_TIMEOUT_S if first else EXT_UNCHANGED_AFTER_S,
                           "a screen capture")
        except WaylandError:
            if first or self.conn.error is not None:
                raise
            return None, 0, False                   # still waiting for a change
        self._ext_frame = None
        if st["proxy"].alive:
            st["proxy"]("destroy")
        if st.get("failed") is not None:
            if st["failed"] == 1 and retries:       # buffer constraints changed: retry
                self.conn.wait(lambda: c["done"] and c["size"] is not None,
                               CAPTURE_TIMEOUT_S, "new buffer constraints")
                self._last = None                   # a first capture of the new size
                return self._grab_ext(retries - 1)
            raise WaylandError(f"the compositor failed to capture the output "
                               f"(reason {st['failed']})")
        return self._buf.view(), st.get("transform", self.output.transform), False

    def _ext_start(self) -> None:
        c = self._ext_constraints
        w, h = c["size"]
        fmt = next((f for f in c["formats"] if f in SHM_FORMATS), None)
        if fmt is None:
            raise WaylandError(f"the compositor offers no shm format we read "
                               f"({[hex(f) for f in c['formats']]})")
        buf = self._buffer(w, h, w * 4, fmt)
        frame = self._ext_session("create_frame")
        st: dict = {"proxy": frame}
        frame.on("transform", lambda t: st.__setitem__("transform", t))
        frame.on("damage", lambda *_: None)
        frame.on("presentation_time", lambda *_: None)
        frame.on("ready", lambda: st.__setitem__("ready", True))
        frame.on("failed", lambda r: st.__setitem__("failed", r))
        frame("attach_buffer", buf.buffer)
        frame("damage_buffer", 0, 0, w, h)
        frame("capture")
        self._ext_frame = st

    def _buffer(self, w, h, stride, fmt) -> ShmBuffer:
        if self._buf is None or not self._buf.matches(w, h, stride, fmt):
            if self._buf is not None:
                self._buf.destroy()
            self._buf = ShmBuffer(self.session, w, h, stride, fmt)
        return self._buf

