"""The Wayland interfaces picoagent uses, transcribed from their protocol XML.

Only what a screen-capture and virtual-input client needs.  Each message is
written ``name(args)``, its arguments in the XML's order, one letter per wire
type as libwayland's signatures write them: ``i`` int, ``u`` uint, ``f`` fixed,
``s`` string, ``o`` object, ``n:iface`` a new object of that interface
(``n`` alone: an untyped new_id, sent as interface name + version + id),
``a`` array, ``h`` file descriptor.  A trailing ``!`` marks a destructor.
Requests and events are listed in XML order: the position is the opcode.

Sources: wayland.xml (core, 1.21); xdg-output-unstable-v1; wlr-screencopy-unstable-v1
and wlr-virtual-pointer-unstable-v1 (wlr-protocols); virtual-keyboard-unstable-v1
(wlroots' protocol/ folder); ext-image-capture-source-v1 and ext-image-copy-capture-v1
(wayland-protocols staging).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    name: str
    args: tuple[tuple[str, str | None], ...]    # (wire kind, interface of new_id)
    destructor: bool = False

    @property
    def fd_count(self) -> int:
        return sum(1 for k, _ in self.args if k == "h")


@dataclass(frozen=True)
class Interface:
    name: str
    requests: tuple[Message, ...]
    events: tuple[Message, ...]
    request_index: dict[str, int] = field(default_factory=dict, compare=False)
    event_index: dict[str, int] = field(default_factory=dict, compare=False)

    def request(self, name: str) -> tuple[int, Message]:
        try:
            i = self.request_index[name]
        except KeyError:
            raise KeyError(f"{self.name} has no request {name!r}") from None
        return i, self.requests[i]


def _msg(spec: str) -> Message:
    name, _, rest = spec.partition("(")
    destructor = name.endswith("!")
    args = []
    for tok in rest.rstrip(")").split():
        kind, _, iface = tok.lstrip("?").partition(":")
        args.append((kind, iface or None))
    return Message(name.rstrip("!"), tuple(args), destructor)


def _iface(name: str, requests: list[str], events: list[str]) -> Interface:
    reqs = tuple(_msg(s) for s in requests)
    evs = tuple(_msg(s) for s in events)
    return Interface(name, reqs, evs, {m.name: i for i, m in enumerate(reqs)},
                     {m.name: i for i, m in enumerate(evs)})


INTERFACES: dict[str, Interface] = {i.name: i for i in [
    # ---- core (wayland.xml) ----
    _iface("wl_display", ["sync(n:wl_callback)", "get_registry(n:wl_registry)"],
           ["error(o u s)", "delete_id(u)"]),
    _iface("wl_registry", ["bind(u n)"], ["global(u s u)", "global_remove(u)"]),
    _iface("wl_callback", [], ["done(u)"]),
    _iface("wl_shm", ["create_pool(n:wl_shm_pool h i)", "release!()"], ["format(u)"]),
    _iface("wl_shm_pool", ["create_buffer(n:wl_buffer i i i i u)", "destroy!()",
                           "resize(i)"], []),
    _iface("wl_buffer", ["destroy!()"], ["release()"]),
    _iface("wl_seat", ["get_pointer(n:wl_pointer)", "get_keyboard(n:wl_keyboard)",
                       "get_touch(n:wl_touch)", "release!()"],
           ["capabilities(u)", "name(s)"]),
    _iface("wl_output", ["release!()"],
           ["geometry(i i i i i s s i)", "mode(u i i i)", "done()", "scale(i)", "name(s)",
            "description(s)"]),
    # ---- xdg-output-unstable-v1 ----
    _iface("zxdg_output_manager_v1", ["destroy!()", "get_xdg_output(n:zxdg_output_v1 o)"],
           []),
    _iface("zxdg_output_v1", ["destroy!()"],
           ["logical_position(i i)", "logical_size(i i)", "done()", "name(s)",
            "description(s)"]),
    # ---- wlr-screencopy-unstable-v1 ----
    _iface("zwlr_screencopy_manager_v1",
           ["capture_output(n:zwlr_screencopy_frame_v1 i o)",
            "capture_output_region(n:zwlr_screencopy_frame_v1 i o i i i i)", "destroy!()"],
           []),
    _iface("zwlr_screencopy_frame_v1", ["copy(o)", "destroy!()", "copy_with_damage(o)"],
           ["buffer(u u u u)", "flags(u)", "ready(u u u)", "failed()", "damage(u u u u)",
            "linux_dmabuf(u u u)", "buffer_done()"]),
    # ---- ext-image-capture-source-v1 / ext-image-copy-capture-v1 ----
    _iface("ext_image_capture_source_v1", ["destroy!()"], []),
    _iface("ext_output_image_capture_source_manager_v1",
           ["create_source(n:ext_image_capture_source_v1 o)", "destroy!()"], []),
    _iface("ext_image_copy_capture_manager_v1",
           ["create_session(n:ext_image_copy_capture_session_v1 o u)",
            "create_pointer_cursor_session(n:ext_image_copy_capture_cursor_session_v1 o o)",
            "destroy!()"], []),
    _iface("ext_image_copy_capture_session_v1",
           ["create_frame(n:ext_image_copy_capture_frame_v1)", "destroy!()"],
           ["buffer_size(u u)", "shm_format(u)", "dmabuf_device(a)", "dmabuf_format(u a)",
            "done()", "stopped()"]),
    _iface("ext_image_copy_capture_frame_v1",
           ["destroy!()", "attach_buffer(o)", "damage_buffer(i i i i)", "capture()"],
           ["transform(u)", "damage(i i i i)", "presentation_time(u u u)", "ready()",
            "failed(u)"]),
    _iface("ext_image_copy_capture_cursor_session_v1", ["destroy!()"], []),
    # ---- wlr-virtual-pointer-unstable-v1 ----
    _iface("zwlr_virtual_pointer_manager_v1",
           ["create_virtual_pointer(?o n:zwlr_virtual_pointer_v1)", "destroy!()",
            "create_virtual_pointer_with_output(?o ?o n:zwlr_virtual_pointer_v1)"], []),
    _iface("zwlr_virtual_pointer_v1",
           ["motion(u f f)", "motion_absolute(u u u u u)", "button(u u u)", "axis(u u f)",
            "frame()", "axis_source(u)", "axis_stop(u u)", "axis_discrete(u u f i)",
            "destroy!()"], []),
    # ---- virtual-keyboard-unstable-v1 ----
    _iface("zwp_virtual_keyboard_manager_v1",
           ["create_virtual_keyboard(o n:zwp_virtual_keyboard_v1)"], []),
    _iface("zwp_virtual_keyboard_v1", ["keymap(u h u)", "key(u u u)", "modifiers(u u u u)",
                                        "destroy!()"], []),
]}

# wl_shm formats picoagent reads (wl_shm.format enum; little-endian byte order in memory)
SHM_ARGB8888 = 0            # B G R A
SHM_XRGB8888 = 1            # B G R x
SHM_ABGR8888 = 0x34324241   # R G B A
SHM_XBGR8888 = 0x34324258   # R G B x
SHM_FORMATS = {SHM_ARGB8888: "bgr", SHM_XRGB8888: "bgr", SHM_ABGR8888: "rgb",
               SHM_XBGR8888: "rgb"}
