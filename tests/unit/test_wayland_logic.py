"""Pure logic of the Wayland backend: keymap, wire format, transforms, backend choice.

The backend against a real compositor is tested in tests/integration/test_wayland.py.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import socket
import struct

import numpy as np
import pytest

from picoagent.devices.backend import choose_backend
from picoagent.devices.wayland.keymap import EXTRA_CODES, SHIFT, Keymap, Stroke
from picoagent.devices.wayland.protocols import INTERFACES
from picoagent.devices.wayland.screen import to_display
from picoagent.devices.wayland.session import Output
from picoagent.devices.wayland.wire import Connection, socket_path
from picoagent.errors import EnvironmentProblem, UsageError


# ---- keymap -------------------------------------------------------------------------
def test_us_layout_strokes():
    km = Keymap()
    assert km.stroke("a") == Stroke(30)
    assert km.stroke("A") == Stroke(30, SHIFT)
    assert km.stroke("!") == Stroke(2, SHIFT)
    assert km.stroke(" ") == Stroke(57)
    assert km.stroke("é") is None


def test_missing_characters_get_keys_and_a_new_version():
    km = Keymap()
    assert km.missing("Zoë → ok ë") == ["ë", "→"]
    v = km.version
    km.add(km.missing("Zoë →"), keep="Zoë →")
    assert km.version == v + 1
    assert km.stroke("ë").code in EXTRA_CODES and km.stroke("→").code in EXTRA_CODES
    assert km.missing("Zoë →") == []
    assert "U00EB" in km.text() and "U2192" in km.text()


def test_extras_are_recycled_when_codes_run_out():
    km = Keymap()
    first = [chr(0x4E00 + i) for i in range(len(EXTRA_CODES))]
    km.add(first)
    nxt = [chr(0x5E00 + i) for i in range(10)]
    km.add(nxt, keep="".join(first[:5]) + "".join(nxt))
    assert all(km.stroke(c) is not None for c in first[:5] + nxt)
    assert len(set(km.extras.values())) == len(km.extras) <= len(EXTRA_CODES)


def test_control_characters_are_refused():
    with pytest.raises(ValueError, match="U\\+0007"):
        Keymap().missing("a\x07")
    assert Keymap().missing("a\nb\t") == []


def _xkbcommon():
    name = ctypes.util.find_library("xkbcommon")
    if not name:
        pytest.fail("libxkbcommon is not installed: run `make system-deps`")
    lib = ctypes.CDLL(name)
    lib.xkb_context_new.restype = ctypes.c_void_p
    lib.xkb_keymap_new_from_string.restype = ctypes.c_void_p
    lib.xkb_keymap_new_from_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                               ctypes.c_int, ctypes.c_int]
    lib.xkb_keymap_key_get_syms_by_level.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32,
        ctypes.POINTER(ctypes.POINTER(ctypes.c_uint32))]
    lib.xkb_keymap_unref.argtypes = [ctypes.c_void_p]
    lib.xkb_context_unref.argtypes = [ctypes.c_void_p]
    return lib


def test_keymap_compiles_with_xkbcommon_and_holds_the_characters():
    """The compositor compiles our keymap with xkbcommon: do the same and read keys back."""
    lib = _xkbcommon()
    km = Keymap()
    km.add(km.missing("é€😀"))
    ctx = lib.xkb_context_new(0)
    keymap = lib.xkb_keymap_new_from_string(ctx, km.text().encode(), 1, 0)
    assert keymap, "xkbcommon refused the keymap"

    def syms(code, level):
        out = ctypes.POINTER(ctypes.c_uint32)()
        n = lib.xkb_keymap_key_get_syms_by_level(keymap, code + 8, 0, level, ctypes.byref(out))
        return [out[i] for i in range(n)]

    assert syms(30, 0) == [ord("a")] and syms(30, 1) == [ord("A")]
    assert syms(2, 1) == [ord("!")]
    assert syms(28, 0) == [0xFF0D]                       # Return
    assert syms(km.stroke("é").code, 0) == [0xE9]        # Latin-1 keysym
    assert syms(km.stroke("€").code, 0) == [0x10020AC]   # Unicode keysym
    assert syms(km.stroke("😀").code, 0) == [0x101F600]
    lib.xkb_keymap_unref(keymap)
    lib.xkb_context_unref(ctx)


# ---- wire format --------------------------------------------------------------------
class _Conn(Connection):
    def __init__(self, sock):              # a connection over a socketpair end
        self.path, self.timeout = "pair", 1.0
        self.sock = sock
        sock.setblocking(False)
        self.objects, self._free, self._next = {}, [], 2
        self._in, self._fds, self.error, self.closed = bytearray(), [], None, False
        from picoagent.devices.wayland.wire import Proxy
        self.display = Proxy(self, 1, INTERFACES["wl_display"], 1)
        self.objects[1] = self.display
        self.display.on("error", self._on_error).on("delete_id", self._on_delete_id)


def test_requests_marshal_as_libwayland_does():
    ours, peer = socket.socketpair()
    c = _Conn(ours)
    reg = c.display("get_registry")
    assert reg.id == 2
    data = peer.recv(100)
    assert data == struct.pack("=III", 1, (12 << 16) | 1, 2)
    out = reg("bind", 7, interface="wl_output", version=3)
    data = peer.recv(100)
    name = b"wl_output\0" + b"\0\0"                      # 10 bytes padded to 12
    body = struct.pack("=II", 7, 10) + name + struct.pack("=II", 3, out.id)
    assert data == struct.pack("=II", 2, ((8 + len(body)) << 16) | 0) + body
    assert out.version == 3 and out.id == 3


def test_events_unmarshal_and_ids_are_reused_after_delete():
    ours, peer = socket.socketpair()
    c = _Conn(ours)
    reg = c.display("get_registry")
    seen = []
    reg.on("global", lambda n, iface, v: seen.append((n, iface, v)))
    s = b"zwlr_screencopy_manager_v1\0"
    s += b"\0" * (-len(s) % 4)
    body = struct.pack("=II", 42, 27) + s + struct.pack("=I", 3)
    msg = struct.pack("=II", reg.id, ((8 + len(body)) << 16) | 0) + body
    # split across two reads: the parser keeps partial messages
    peer.send(msg[:10])
    c.dispatch(1.0)
    assert seen == []
    peer.send(msg[10:] + struct.pack("=III", 1, (12 << 16) | 1, reg.id))   # delete_id
    c.dispatch(1.0)
    assert seen == [(42, "zwlr_screencopy_manager_v1", 3)]
    assert reg.id not in c.objects and not reg.alive
    assert c.display("sync").id == reg.id                 # freed id reused


def test_protocol_error_names_the_object():
    ours, peer = socket.socketpair()
    c = _Conn(ours)
    reg = c.display("get_registry")
    text = b"bad thing\0\0\0"
    body = struct.pack("=III", reg.id, 3, 10) + text
    peer.send(struct.pack("=II", 1, ((8 + len(body)) << 16) | 0) + body)
    with pytest.raises(Exception, match=r"wl_registry@2>: bad thing \(code 3\)"):
        c.dispatch(1.0)


def test_socket_path():
    assert socket_path({"WAYLAND_DISPLAY": "/x/y"}) == "/x/y"
    assert socket_path({"WAYLAND_DISPLAY": "wayland-1", "XDG_RUNTIME_DIR": "/r"}) == \
        "/r/wayland-1"
    assert socket_path({"XDG_RUNTIME_DIR": "/r"}) == "/r/wayland-0"


# ---- transforms and output geometry -------------------------------------------------
def _marked(h=4, w=6):
    img = np.zeros((h, w, 1), np.uint8)
    img[0, 0] = 1                        # top-left of the buffer
    return img


# where the buffer's top-left pixel shows, as measured against grim on sway 1.7 for
# each transform (the integration tests compare whole captures with grim's)
@pytest.mark.parametrize("transform,corner,shape", [
    (0, (0, 0), (4, 6)), (1, (0, 3), (6, 4)), (2, (3, 5), (4, 6)), (3, (5, 0), (6, 4)),
    (4, (0, 5), (4, 6)), (5, (0, 0), (6, 4)), (6, (3, 0), (4, 6)), (7, (5, 3), (6, 4))])
def test_to_display_undoes_each_transform(transform, corner, shape):
    out = to_display(_marked(), transform)
    assert out.shape[:2] == shape
    assert tuple(np.argwhere(out[..., 0] == 1)[0]) == corner


def test_output_layout_box_from_mode_scale_and_rotation():
    o = Output(proxy=None, global_name=1, mode=(1920, 1080), scale=2, transform=1)
    assert o.layout_box == (0, 0, 540, 960)
    o.logical = (100, 0, 960, 540)
    assert o.layout_box == (100, 0, 960, 540)


# ---- backend choice -----------------------------------------------------------------
def test_wayland_wins_when_both_are_set():
    c = choose_backend("auto", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})
    assert c.backend == "wayland" and "XWayland" in c.reason


def test_x11_without_wayland_and_overrides():
    assert choose_backend("auto", {"DISPLAY": ":1"}).backend == "x11"
    assert choose_backend("x11", {"WAYLAND_DISPLAY": "w"}).backend == "x11"
    assert choose_backend("WAYLAND", {}).backend == "wayland"


def test_wayland_socket_found_without_variables(tmp_path):
    (tmp_path / "wayland-0").touch()
    c = choose_backend("auto", {"XDG_RUNTIME_DIR": str(tmp_path)})
    assert c.backend == "wayland" and "wayland-0" in c.reason


def test_no_display_and_unknown_backend():
    with pytest.raises(EnvironmentProblem, match="neither WAYLAND_DISPLAY nor DISPLAY"):
        choose_backend("auto", {})
    with pytest.raises(UsageError, match="--backend 'mir'"):
        choose_backend("mir", {})
