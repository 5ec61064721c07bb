#!/usr/bin/env python3
"""A Tk calculator keypad with one-symbol buttons, in two themes and two sizes, for the
glyph measurements (benchmarks/glyph_screens.py).  Prints each button's label and
box (screen pixels) as one JSON line once it is drawn.

    python tests/apps/keypad.py [--theme light|dark] [--size 10] [--font "DejaVu Sans"]
                                [--weight bold]
"""
import argparse
import json
import sys
import tkinter as tk

ROWS = [
    ["C", "⌫", "%", "÷"],
    ["7", "8", "9", "×"],
    ["4", "5", "6", "−"],
    ["1", "2", "3", "+"],
    ["±", "0", ".", "="],
    ["(", ")", "√", "*"],
    ["←", "→", "↑", "↓"],
    ["✓", "✕", "☰", "⚙"],
    ["/", "-", ",", "#"],
]
THEMES = {
    "light": dict(bg="#f0f0f0", fg="#000000", btn="#e4e4e4", active="#d0d0d0"),
    "dark": dict(bg="#1e1e1e", fg="#f2f2f2", btn="#333333", active="#444444"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--theme", default="light", choices=THEMES)
    ap.add_argument("--size", type=int, default=12)
    ap.add_argument("--font", default="DejaVu Sans")
    ap.add_argument("--weight", default="normal", choices=["normal", "bold"])
    ap.add_argument("--geometry", default="+20+20")
    a = ap.parse_args()
    th = THEMES[a.theme]
    root = tk.Tk()
    root.title(f"Keypad {a.theme} {a.size}")
    root.geometry(a.geometry)
    root.configure(bg=th["bg"])
    buttons = []
    for r, row in enumerate(ROWS):
        for c, label in enumerate(row):
            b = tk.Button(root, text=label, font=(a.font, a.size, a.weight), width=3,
                          bg=th["btn"], fg=th["fg"], activebackground=th["active"],
                          highlightbackground=th["bg"], relief="raised", bd=1)
            b.grid(row=r, column=c, padx=2, pady=2, sticky="nsew")
            buttons.append((label, b))

    def report():
        root.update_idletasks()
        out = [{"label": lab, "box": [b.winfo_rootx(), b.winfo_rooty(), b.winfo_width(),
                                      b.winfo_height()]} for lab, b in buttons]
        print(json.dumps({"window": [root.winfo_rootx(), root.winfo_rooty(),
                                     root.winfo_width(), root.winfo_height()],
                          "buttons": out}), flush=True)

    root.after(500, report)
    root.mainloop()


if __name__ == "__main__":
    sys.exit(main())
