"""The xkb keymap our virtual keyboard sends, and how each key or character is typed.

A virtual keyboard brings its own keymap.  Ours is a US layout on the usual
evdev key codes (so programs that look at key codes, XWayland's among them, see
an ordinary keyboard), plus one extra key for each character a task types that
the layout lacks (``é``, ``€``, ``→``, emoji): the same idea as wtype's, with the
keymap rebuilt when a text needs characters it does not hold yet.

Pure logic, no I/O: :class:`Keymap` says which key and modifiers make a
character or a named key; :meth:`Keymap.text` is the keymap source the
compositor compiles with xkbcommon.
"""
from __future__ import annotations

from dataclasses import dataclass

# real modifier masks (xkbcommon's fixed order: Shift, Lock, Control, Mod1..Mod5)
SHIFT, LOCK, CONTROL, MOD1, MOD2, MOD4 = 1, 2, 4, 8, 16, 64

#: US layout: evdev code -> (level 1, level 2) characters
_US_ROWS = {
    41: "`~", 2: "1!", 3: "2@", 4: "3#", 5: "4$", 6: "5%", 7: "6^", 8: "7&", 9: "8*",
    10: "9(", 11: "0)", 12: "-_", 13: "=+",
    16: "qQ", 17: "wW", 18: "eE", 19: "rR", 20: "tT", 21: "yY", 22: "uU", 23: "iI",
    24: "oO", 25: "pP", 26: "[{", 27: "]}", 43: "\\|",
    30: "aA", 31: "sS", 32: "dD", 33: "fF", 34: "gG", 35: "hH", 36: "jJ", 37: "kK",
    38: "lL", 39: ";:", 40: "'\"",
    44: "zZ", 45: "xX", 46: "cC", 47: "vV", 48: "bB", 49: "nN", 50: "mM", 51: ",<",
    52: ".>", 53: "/?",
}

#: named keys: task name -> (evdev code, keysym, modifier mask it sets when held)
NAMED: dict[str, tuple[int, str, int]] = {
    "esc": (1, "Escape", 0), "backspace": (14, "BackSpace", 0), "tab": (15, "Tab", 0),
    "enter": (28, "Return", 0), "space": (57, "space", 0),
    "ctrl": (29, "Control_L", CONTROL), "ctrlleft": (29, "Control_L", CONTROL),
    "ctrlright": (97, "Control_R", CONTROL),
    "shift": (42, "Shift_L", SHIFT), "shiftleft": (42, "Shift_L", SHIFT),
    "shiftright": (54, "Shift_R", SHIFT),
    "alt": (56, "Alt_L", MOD1), "altleft": (56, "Alt_L", MOD1), "option": (56, "Alt_L", MOD1),
    "altright": (100, "Alt_R", MOD1),
    "win": (125, "Super_L", MOD4), "winleft": (125, "Super_L", MOD4),
    "command": (125, "Super_L", MOD4), "winright": (126, "Super_R", MOD4),
    "capslock": (58, "Caps_Lock", 0), "numlock": (69, "Num_Lock", 0),
    "printscreen": (99, "Print", 0), "pause": (119, "Pause", 0), "apps": (127, "Menu", 0),
    "home": (102, "Home", 0), "up": (103, "Up", 0), "pageup": (104, "Prior", 0),
    "left": (105, "Left", 0), "right": (106, "Right", 0), "end": (107, "End", 0),
    "down": (108, "Down", 0), "pagedown": (109, "Next", 0), "insert": (110, "Insert", 0),
    "delete": (111, "Delete", 0),
    **{f"f{i}": (58 + i, f"F{i}", 0) for i in range(1, 11)},
    "f11": (87, "F11", 0), "f12": (88, "F12", 0),
    **{f"f{i}": (170 + i, f"F{i}", 0) for i in range(13, 25)},
}
_MODMAP = {"Shift": (42, 54), "Lock": (58,), "Control": (29, 97), "Mod1": (56, 100),
           "Mod2": (69,), "Mod4": (125, 126)}

#: evdev codes free for extra characters: no key of ours and below XWayland's 255 - 8
EXTRA_CODES = tuple(c for c in [*range(128, 171), *range(195, 248)])
#: text characters typed as a named key
CONTROL_CHARS = {"\n": "enter", "\r": "enter", "\t": "tab", "\b": "backspace"}


@dataclass(frozen=True)
class Stroke:
    """Press ``code`` (evdev key code) with the modifiers ``mods`` held."""

    code: int
    mods: int = 0


class Keymap:
    def __init__(self):
        self.chars: dict[str, Stroke] = {}
        for code, (lo, hi) in _US_ROWS.items():
            self.chars[lo] = Stroke(code)
            self.chars[hi] = Stroke(code, SHIFT)
        self.chars[" "] = Stroke(57)
        self.extras: dict[str, int] = {}        # character -> evdev code
        self.version = 0                        # bumped when extras change

    # ---- lookup ------------------------------------------------------------------------
    def stroke(self, ch: str) -> Stroke | None:
        if ch in self.chars:
            return self.chars[ch]
        if ch in self.extras:
            return Stroke(self.extras[ch])
        return None

    def named(self, name: str) -> tuple[int, int]:
        """(evdev code, modifier mask) of a named key."""
        code, _sym, mod = NAMED[name]
        return code, mod

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` this keymap cannot type yet, in order, once each."""
        seen: dict[str, None] = {}
        for ch in text:
            if ch not in self.chars and ch not in self.extras and ch not in CONTROL_CHARS:
                if not typable(ch):
                    raise ValueError(f"cannot type the control character U+{ord(ch):04X}")
                seen[ch] = None
        return list(seen)

    def add(self, chars: list[str], keep: str = "") -> None:
        """Give each of ``chars`` a key.  When the free codes run out, extras not in
        ``keep`` (the text being typed) are dropped first."""
        if not chars:
            return
        free = [c for c in EXTRA_CODES if c not in self.extras.values()]
        if len(free) < len(chars):
            for ch in [c for c in self.extras if c not in keep]:
                free.append(self.extras.pop(ch))
                if len(free) >= len(chars):
                    break
        if len(free) < len(chars):
            raise ValueError(f"a text needs more than {len(EXTRA_CODES)} characters "
                             "outside the keyboard layout at once")
        free.sort()
        for ch, code in zip(chars, free):
            self.extras[ch] = code
        self.version += 1

    # ---- the keymap source -------------------------------------------------------------
    def text(self) -> str:
        codes: dict[int, list[str]] = {}
        for code, (lo, hi) in _US_ROWS.items():
            codes[code] = [_keysym(lo), _keysym(hi)]
        codes[57] = ["space"]
        for _name, (code, sym, _mod) in NAMED.items():
            codes.setdefault(code, [sym])
        for ch, code in self.extras.items():
            codes[code] = [_keysym(ch)]
        lines = ["xkb_keymap {", "xkb_keycodes \"picoagent\" {",
                 "  minimum = 8;", "  maximum = 255;"]
        lines += [f"  <K{c}> = {c + 8};" for c in sorted(codes)]
        lines += ["};", "xkb_types \"picoagent\" { include \"complete\" };",
                  "xkb_compatibility \"picoagent\" { include \"complete\" };",
                  "xkb_symbols \"picoagent\" {"]
        for c in sorted(codes):
            lines.append(f"  key <K{c}> {{ [ {', '.join(codes[c])} ] }};")
        for mod, keys in _MODMAP.items():
            lines.append(f"  modifier_map {mod} {{ {', '.join(f'<K{k}>' for k in keys)} }};")
        lines += ["};", "};", ""]
        return "\n".join(lines)


def typable(ch: str) -> bool:
    cp = ord(ch)
    return not (cp < 0x20 or 0x7F <= cp < 0xA0 or 0xD800 <= cp < 0xE000 or cp > 0x10FFFF)


def _keysym(ch: str) -> str:
    """xkb's name for the keysym of one character: ``Uxxxx`` (xkbcommon maps Latin-1
    to its legacy keysyms itself), plain letters and digits as they are."""
    if ch.isascii() and ch.isalnum():
        return ch
    return f"U{ord(ch):04X}"
