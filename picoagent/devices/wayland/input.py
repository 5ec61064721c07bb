"""Pointer and keyboard on Wayland: wlr-virtual-pointer and virtual-keyboard.

One virtual pointer and one virtual keyboard stay open for the run.  Pointer
positions are the compositor's layout coordinates (what :class:`WaylandScreen`
frames map to), sent as absolute motion across the layout's bounding box.  The
keyboard sends :mod:`.keymap`'s layout once, waits for the compositor's
round-trip (a key sent before it is lost), and grows the layout when a text
holds characters outside it.  Everything held is released on
:meth:`release_all` (the runner calls it on interrupts and errors).
"""
from __future__ import annotations

import os
import time

from ...errors import ActionFailed, DisplayLost
from ..input import key_names
from .keymap import CONTROL_CHARS, EXTRA_CODES, NAMED, SHIFT, Keymap
from .session import Output, WaylandSession
from .wire import WaylandError

BUTTONS = {"left": 0x110, "right": 0x111, "middle": 0x112}     # linux/input-event-codes.h
WHEEL_STEP = 15.0            # wl_pointer axis units per wheel click, as libinput sends
KEYMAP_FORMAT_XKB_V1 = 1
PRESSED, RELEASED = 1, 0


def _ms() -> int:
    return int(time.monotonic() * 1000) & 0xFFFFFFFF


class WaylandInput:
    """Real input on a wlroots compositor.  The session is passed in."""

    def __init__(self, session: WaylandSession, output: str | None = None,
                 type_interval: float = 0.01):
        session.require(need_input=True)
        self.session = session
        self.output: Output = session.output(output)
        self.type_interval = type_interval
        self._keymap = Keymap()
        self._keymap_sent = -1
        self._mods = 0
        self._held_keys: list[int] = []
        self._held_buttons: list[int] = []
        try:
            seat = session.bind("wl_seat")
            pm = session.bind("zwlr_virtual_pointer_manager_v1")
            # Not create_virtual_pointer_with_output: wlroots reads absolute motion of a
            # pointer bound to an output in the panel's own orientation (as for a touch
            # screen), so on a rotated output our points would land rotated.  Unbound,
            # absolute motion spans the whole layout, in the coordinates frames use.
            self.pointer = pm("create_virtual_pointer", seat)
            km = session.bind("zwp_virtual_keyboard_manager_v1")
            self.keyboard = km("create_virtual_keyboard", seat)
            self._send_keymap()
        except WaylandError as e:
            raise DisplayLost(f"cannot set up Wayland input: {e}") from None

    @property
    def conn(self):
        return self.session.conn

    def _do(self, fn, *a):
        try:
            return fn(*a)
        except WaylandError as e:
            raise DisplayLost(f"cannot act on the Wayland screen: {e}") from None

    # ---- pointer ---------------------------------------------------------------------
    def _motion(self, x: float, y: float) -> None:
        # the layout as the compositor last described it (outputs may be rescaled)
        ex, ey, ew, eh = self.session.layout_extent()
        px = min(max(int(round(x - ex)), 0), ew - 1)
        py = min(max(int(round(y - ey)), 0), eh - 1)
        self.pointer("motion_absolute", _ms(), px, py, ew, eh)
        self.pointer("frame")

    def _button(self, button: int, state: int) -> None:
        self.pointer("button", _ms(), button, state)
        self.pointer("frame")
        if state == PRESSED:
            self._held_buttons.append(button)
        elif button in self._held_buttons:
            self._held_buttons.remove(button)

    def _arrive(self, x, y) -> None:
        """Move to (x, y) and let the program under it see the pointer arrive (hover)."""
        self._motion(x, y)
        self.conn.roundtrip()
        time.sleep(0.03)
        # once more from one pixel away: a window that appeared or moved an instant ago
        # (an XWayland popup placed by the compositor) has then taken in its new place
        self._motion(x + 1, y)
        self._motion(x, y)
        self.conn.roundtrip()
        time.sleep(0.02)

    def move(self, x, y):
        self._do(self._motion, x, y)
        self._do(self.conn.roundtrip)

    def click(self, x, y, button="left", clicks=1):
        code = BUTTONS.get(button)
        if code is None:
            raise ActionFailed(f"unknown mouse button {button!r}")

        def go():
            self._arrive(x, y)
            for i in range(clicks):
                if i:
                    time.sleep(0.08)
                self._button(code, PRESSED)
                self._button(code, RELEASED)
            self.conn.roundtrip()
        self._do(go)

    def drag(self, x0, y0, x1, y1):
        def go():
            self._motion(x0, y0)
            self.conn.roundtrip()
            time.sleep(0.05)
            self._button(BUTTONS["left"], PRESSED)
            try:
                steps = 15
                for i in range(1, steps + 1):
                    t = i / steps
                    self._motion(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
                    time.sleep(0.3 / steps)
                self.conn.roundtrip()
            finally:
                self._button(BUTTONS["left"], RELEASED)
                self.conn.roundtrip()
        self._do(go)

    def scroll(self, direction, amount, x=None, y=None):
        axis = 0 if direction in ("up", "down") else 1     # wl_pointer.axis
        sign = 1 if direction in ("down", "right") else -1

        def go():
            if x is not None:
                self._motion(x, y)
            for _ in range(int(amount)):
                t = _ms()
                self.pointer("axis_source", 0)              # wheel
                self.pointer("axis_discrete", t, axis, WHEEL_STEP * sign, sign)
                self.pointer("frame")
                time.sleep(0.02)
            self.conn.roundtrip()
        self._do(go)

    # ---- keyboard --------------------------------------------------------------------
    def _send_keymap(self) -> None:
        data = self._keymap.text().encode("utf-8") + b"\0"
        fd = os.memfd_create("picoagent-keymap", os.MFD_CLOEXEC)
        try:
            os.write(fd, data)
            self.keyboard("keymap", KEYMAP_FORMAT_XKB_V1, fd, len(data))
        finally:
            os.close(fd)
        self._keymap_sent = self._keymap.version
        # the first key after a keymap is lost unless the compositor has handled it
        self.conn.roundtrip()

    def _set_mods(self, mods: int) -> None:
        if mods != self._mods:
            self._mods = mods
            self.keyboard("modifiers", mods, 0, 0, 0)

    def _key(self, code: int, state: int) -> None:
        self.keyboard("key", _ms(), code, state)
        if state == PRESSED:
            self._held_keys.append(code)
        elif code in self._held_keys:
            self._held_keys.remove(code)

    def _tap(self, code: int, mods: int) -> None:
        """One key with ``mods`` held (Shift pressed as a key when needed)."""
        base = self._mods
        shift_key = mods & SHIFT and not base & SHIFT
        if shift_key:
            self._key(NAMED["shift"][0], PRESSED)
        self._set_mods(base | mods)
        self._key(code, PRESSED)
        self._key(code, RELEASED)
        if shift_key:
            self._key(NAMED["shift"][0], RELEASED)
        self._set_mods(base)

    def type_text(self, text):
        try:
            self._keymap.missing(text)          # refuses control characters up front
        except ValueError as e:
            raise ActionFailed(f"type: {e}") from None

        def go():
            # in pieces whose characters outside the layout fit the free key codes
            for chunk in _chunks(text, self._keymap):
                self._type(chunk)
        self._do(go)

    def _type(self, text: str) -> None:
        need = self._keymap.missing(text)
        if need:
            self._keymap.add(need, keep=text)
        if self._keymap.version != self._keymap_sent:
            self._send_keymap()
        for ch in text:
            if ch in CONTROL_CHARS:
                code, mods = self._keymap.named(CONTROL_CHARS[ch])
            else:
                s = self._keymap.stroke(ch)
                code, mods = s.code, s.mods
            self._tap(code, mods)
            if self.type_interval:
                time.sleep(self.type_interval)
        self.conn.roundtrip()

    def press(self, chord):
        keys = key_names(chord)
        strokes = []
        for k in keys:
            if k in NAMED:
                code, mod = self._keymap.named(k)
                strokes.append((code, mod, 0))
            elif len(k) == 1:
                if self._keymap.missing(k):
                    self._keymap.add([k])
                s = self._keymap.stroke(k)
                strokes.append((s.code, 0, s.mods))
            else:
                raise ActionFailed(f"unknown key {k!r}")

        def go():
            if self._keymap.version != self._keymap_sent:
                self._send_keymap()
            base = self._mods
            pressed = []
            try:
                for code, mod, needs in strokes:
                    if needs & SHIFT and not self._mods & SHIFT:
                        self._key(NAMED["shift"][0], PRESSED)
                        pressed.append((NAMED["shift"][0], SHIFT))
                        self._set_mods(self._mods | SHIFT)
                    self._key(code, PRESSED)
                    pressed.append((code, mod))
                    self._set_mods(self._mods | mod)
                time.sleep(0.02)
            finally:
                for code, mod in reversed(pressed):
                    self._key(code, RELEASED)
                    if mod:
                        self._set_mods(self._mods & ~mod)
                self._set_mods(base)
                self.conn.roundtrip()
        self._do(go)

    def release_all(self):
        """Release every key and button we hold (after an interrupt or an error)."""
        if self.conn.closed or self.conn.error is not None:
            return
        try:
            for code in list(reversed(self._held_keys)):
                self._key(code, RELEASED)
            for b in list(self._held_buttons):
                self._button(b, RELEASED)
            self._set_mods(0)
            self.conn.roundtrip(1.0)
        except WaylandError:
            pass
        self._held_keys.clear()
        self._held_buttons.clear()

    def close(self) -> None:
        self.release_all()
        if self.conn.closed or self.conn.error is not None:
            return
        for p in (self.pointer, self.keyboard):
            try:
                if p.alive:
                    p("destroy")
            except WaylandError:
                pass


def _chunks(text: str, km: Keymap):
    """Split ``text`` so each piece's new characters fit in the free key codes."""
    piece, new = [], set()
    for ch in text:
        if km.stroke(ch) is None and ch not in CONTROL_CHARS and ch not in new:
            if len(new) >= len(EXTRA_CODES):
                yield "".join(piece)
                piece, new = [], set()
            new.add(ch)
        piece.append(ch)
    if piece:
        yield "".join(piece)
