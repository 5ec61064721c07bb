#!/usr/bin/env python3
"""A Tk window whose heading and button share their words ("Export report"), for the
acting-step preference (docs/task-format.md, "Acting steps").  Every click on the
heading or the button is appended to the event log, so a test sees which one a
`click: Export report` pressed.

    python tests/apps/shared_words.py --log events.log
"""
import argparse
import sys
import tkinter as tk

FONT = ("DejaVu Sans", 12)
BIG = ("DejaVu Sans", 16, "bold")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    a = ap.parse_args()

    def event(text: str) -> None:
        with open(a.log, "a", encoding="utf-8") as f:
            f.write(text + "\n")

    root = tk.Tk()
    root.title("Shared words")
    root.geometry("420x220+0+0")
    root.configure(bg="#f4f4f4")
    heading = tk.Label(root, text="Export report", font=BIG, bg="#f4f4f4")
    heading.place(x=20, y=16)
    heading.bind("<Button-1>", lambda e: event("heading clicked"))
    tk.Label(root, text="Writes this month's visits to a file.", font=FONT,
             bg="#f4f4f4").place(x=20, y=60)
    tk.Button(root, text="Export report", font=FONT,
              command=lambda: event("button pressed")).place(x=20, y=110)
    root.after(200, lambda: event("ready"))
    root.mainloop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
