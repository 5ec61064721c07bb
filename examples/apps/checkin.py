#!/usr/bin/env python3
"""Acme Labs visitor check-in: a small Tk kiosk app used by the picoagent demo
and tests.  It only needs Python's tkinter (Debian: python3-tk).

Options:
  --popup-after SECONDS   show an "Update available" popup after a delay (-1: never)
  --log FILE              append every user-visible event as a line (for tests)
"""
import argparse
import sys
import tkinter as tk

FONT = ("DejaVu Sans", 12)
BIG = ("DejaVu Sans", 16, "bold")


class App:
    def __init__(self, root, popup_after, log_path):
        self.root = root
        self.log_path = log_path
        self.visitors = 3
        root.title("Visitor check-in")
        root.geometry("760x560+0+0")
        root.configure(bg="#f4f4f4")

        menubar = tk.Menu(root, font=FONT)
        filemenu = tk.Menu(menubar, tearoff=0, font=FONT)
        filemenu.add_command(label="Reset", command=self.reset)
        filemenu.add_command(label="Quit", command=root.destroy)
        menubar.add_cascade(label="File", menu=filemenu)
        menubar.add_cascade(label="Help", menu=tk.Menu(menubar, tearoff=0))
        root.config(menu=menubar)

        tk.Label(root, text="Acme Labs · Visitor check-in", font=BIG, bg="#f4f4f4").place(
            x=20, y=12)
        tk.Label(root, text="Name", font=FONT, bg="#f4f4f4").place(x=20, y=62)
        self.name = tk.Entry(root, font=FONT, width=22)
        self.name.place(x=110, y=60)
        tk.Label(root, text="PIN", font=FONT, bg="#f4f4f4").place(x=20, y=102)
        self.pin = tk.Entry(root, font=FONT, width=10, show="*")
        self.pin.place(x=110, y=100)
        self.agree = tk.IntVar(value=0)
        tk.Checkbutton(root, text="I agree to the rules", variable=self.agree, font=FONT,
                       bg="#f4f4f4", command=self.on_agree).place(x=16, y=140)

        tk.Button(root, text="Check in", font=FONT, command=self.check_in).place(x=20, y=182)
        tk.Button(root, text="Cancel", font=FONT, command=self.cancel).place(x=130, y=182)
        tk.Button(root, text="Save", font=FONT, command=lambda: self.event("Saved")).place(
            x=230, y=182)
        tk.Label(root, text="Save As", font=FONT, bg="#f4f4f4").place(x=320, y=188)

        # A button with a tooltip, as GTK shows them: 0.6 s after the pointer stops on
        # it, centred under the pointer, kept while the pointer rests there (it covers
        # the "Visitors today" line)
        rules = tk.Button(root, text="Rules", font=FONT, command=lambda: self.event("Rules shown"))
        rules.place(x=330, y=226)
        self.tip = None
        self.tip_job = None
        rules.bind("<Enter>", self.tip_schedule)
        rules.bind("<Leave>", lambda e: self.tip_hide())

        self.status = tk.Label(root, text="Ready", font=FONT, bg="#f4f4f4", fg="#204080")
        self.status.place(x=20, y=232)
        self.count = tk.Label(root, text=self.count_text(), font=FONT, bg="#f4f4f4")
        self.count.place(x=20, y=262)

        # A visitor log: scroll, double-click and right-click targets.
        tk.Label(root, text="Visitor log", font=FONT, bg="#f4f4f4").place(x=470, y=62)
        frame = tk.Frame(root)
        frame.place(x=470, y=90, width=260, height=200)
        sb = tk.Scrollbar(frame)
        sb.pack(side="right", fill="y")
        self.log = tk.Listbox(frame, font=FONT, yscrollcommand=sb.set, activestyle="none")
        self.log.pack(side="left", fill="both", expand=True)
        sb.config(command=self.log.yview)
        for i in range(1, 41):
            self.log.insert("end", f"Guest {i:02d}")
        self.log.bind("<Double-Button-1>", self.on_double)
        self.menu = tk.Menu(root, tearoff=0, font=FONT)
        self.menu.add_command(label="Remove entry", command=self.remove_entry)
        self.log.bind("<Button-3>", self.on_right)

        # Drag the badge onto the tray.
        self.canvas = tk.Canvas(root, width=420, height=120, bg="white",
                                highlightthickness=1, highlightbackground="#999")
        self.canvas.place(x=20, y=310)
        self.canvas.create_rectangle(280, 20, 400, 100, outline="#666", dash=(4, 2))
        self.canvas.create_text(340, 60, text="Tray", font=FONT, fill="#666")
        self.badge = self.canvas.create_text(60, 60, text="Badge", font=BIG, fill="#a03000",
                                             tags=("badge",))
        self.canvas.tag_bind("badge", "<ButtonPress-1>", self.drag_start)
        self.canvas.tag_bind("badge", "<B1-Motion>", self.drag_move)
        self.canvas.tag_bind("badge", "<ButtonRelease-1>", self.drag_end)

        # An icon-only button (image target): a gear-like drawing.
        self.icon = tk.Canvas(root, width=44, height=44, bg="#f4f4f4", highlightthickness=0)
        self.icon.place(x=470, y=320)
        self.icon.create_oval(6, 6, 38, 38, fill="#3a6ea5", outline="#1d3d5e", width=3)
        self.icon.create_oval(16, 16, 28, 28, fill="#f4f4f4", outline="#1d3d5e", width=2)
        for dx, dy in ((22, 1), (22, 43), (1, 22), (43, 22)):
            self.icon.create_rectangle(dx - 4, dy - 4, dx + 4, dy + 4, fill="#1d3d5e",
                                       outline="")
        self.icon.bind("<Button-1>", lambda e: self.event("Settings opened"))

        self.wheel = tk.Label(root, text="Scrolled 0", font=FONT, bg="#f4f4f4")
        self.wheel.place(x=470, y=380)
        for seq in ("<Button-4>", "<Button-5>"):
            self.icon.bind(seq, self.on_wheel)
        self.wheel.bind("<Button-4>", self.on_wheel)
        self.wheel.bind("<Button-5>", self.on_wheel)
        self.scrolled = 0

        root.bind("<Control-s>", lambda e: self.event("Saved"))
        root.bind("<Control-r>", lambda e: self.reset())
        root.bind("<Escape>", lambda e: self.event("Escape pressed"))
        if popup_after >= 0:
            root.after(int(popup_after * 1000), self.popup)
        self.event("Ready")

    def tip_schedule(self, e):
        self.tip_hide()
        self.tip_job = self.root.after(600, lambda: self.tip_show(e.x_root, e.y_root))

    def tip_show(self, x, y):
        self.tip_job = None
        self.tip = tk.Toplevel(self.root)
        self.tip.overrideredirect(True)
        tk.Label(self.tip, text="Sign in at the desk, wear your badge, sign out when you leave",
                 font=FONT, bg="#333333", fg="white", padx=8, pady=4).pack()
        self.tip.update_idletasks()
        self.tip.geometry(f"+{max(0, x - self.tip.winfo_width() // 2)}+{y + 16}")

    def tip_hide(self):
        if self.tip_job is not None:
            self.root.after_cancel(self.tip_job)
            self.tip_job = None
        if self.tip is not None:
            self.tip.destroy()
            self.tip = None

    def count_text(self):
        return f"Visitors today: {self.visitors}"

    def event(self, text):
        self.status.config(text=text)
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(text + "\n")

    def on_agree(self):
        self.event("Agreed" if self.agree.get() else "Not agreed")

    def check_in(self):
        name = self.name.get().strip()
        if not name:
            self.event("Please enter your name")
            return
        if not self.agree.get():
            self.event("Please accept the rules")
            return
        self.visitors += 1
        self.count.config(text=self.count_text())
        self.log.insert(0, name)
        self.event(f"Welcome, {name}! PIN {'ok' if self.pin.get() else 'missing'}")

    def cancel(self):
        self.name.delete(0, "end")
        self.pin.delete(0, "end")
        self.event("Cancelled")

    def reset(self):
        self.cancel()
        self.agree.set(0)
        self.canvas.coords(self.badge, 60, 60)
        self.event("Ready")

    def on_double(self, _e):
        sel = self.log.curselection()
        if sel:
            self.event(f"Details: {self.log.get(sel[0])}")

    def on_right(self, e):
        idx = self.log.nearest(e.y)
        self.log.selection_clear(0, "end")
        self.log.selection_set(idx)
        self.menu.tk_popup(e.x_root, e.y_root)

    def remove_entry(self):
        sel = self.log.curselection()
        if sel:
            name = self.log.get(sel[0])
            self.log.delete(sel[0])
            self.event(f"Removed {name}")

    def drag_start(self, e):
        self._drag = (e.x, e.y)

    def drag_move(self, e):
        x0, y0 = self._drag
        self.canvas.move(self.badge, e.x - x0, e.y - y0)
        self._drag = (e.x, e.y)

    def drag_end(self, e):
        x, y = self.canvas.coords(self.badge)
        self.event("Badge in tray" if 280 <= x <= 400 and 20 <= y <= 100 else "Badge dropped")

    def on_wheel(self, e):
        self.scrolled += 1 if e.num == 4 else -1
        self.wheel.config(text=f"Scrolled {self.scrolled}")

    def popup(self):
        top = tk.Toplevel(self.root)
        top.title("Update available")
        top.geometry("300x120+230+200")
        tk.Label(top, text="An update is available", font=FONT).pack(pady=12)
        row = tk.Frame(top)
        row.pack()
        tk.Button(row, text="Later", font=FONT,
                  command=lambda: (top.destroy(), self.event("Update postponed"))).pack(
            side="left", padx=8)
        tk.Button(row, text="Install", font=FONT,
                  command=lambda: (top.destroy(), self.event("Installing"))).pack(
            side="left", padx=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--popup-after", type=float, default=-1)
    ap.add_argument("--log", default=None)
    args = ap.parse_args()
    root = tk.Tk()
    App(root, args.popup_after, args.log)
    root.mainloop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
