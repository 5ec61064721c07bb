"""`picoagent watch`: a rule fires on a real dialog that appears late, and its task
acts on it (checked through the program's own exit status); a rule that keeps
firing backs off; an unchanged screen is not perceived again; SIGTERM ends the
CLI cleanly; a compressed soak with RSS measured."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from picoagent.errors import TaskFileError
from picoagent.watch import Backoff, Watcher, load_rules
from tests.helpers import start_xvfb

DISMISS = """name: dismiss
settings: {timeout: 5s}
steps:
  - click: {text: "No", right_of: "Yes"}
"""


def rules_file(tmp_path, text, task=DISMISS):
    (tmp_path / "dismiss.yaml").write_text(task)
    p = tmp_path / "rules.yaml"
    p.write_text(text)
    return p


def xmessage(text="Proceed?"):
    # exit status 0 for Yes, 7 for No: the program says which button was pressed
    return subprocess.Popen(["xmessage", "-buttons", "Yes:0,No:7", text],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start(rules, vision, **kw):
    from picoagent.devices.backend import open_devices
    events: list[str] = []
    w = Watcher(rules, open_devices=lambda: open_devices("x11", need_input=True),
                vision=vision, on_event=events.append, **kw)
    t = threading.Thread(target=w.run, daemon=True)
    t.start()
    return w, t, events


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(x.split()[1]) for x in f if x.startswith("VmRSS:"))


def test_rule_fires_on_a_late_dialog_and_its_task_answers_it(xdisplay, vision, tmp_path):
    rules = load_rules(rules_file(tmp_path, """
interval: 250ms
rules:
  - name: proceed prompt
    when: {visible: "Proceed?"}
    run: dismiss.yaml
"""))
    w, t, events = start(rules, vision, report=tmp_path / "rep")
    try:
        time.sleep(1.0)                            # the watcher idles on an empty screen
        idle = (w.stats.grabs, w.stats.evaluations)
        assert idle[0] >= 3 and idle[1] == 1       # grabbed, but perceived only once
        app = xmessage()                           # the dialog appears late
        assert app.wait(timeout=15) == 7           # the rule's task clicked "No"
        deadline = time.monotonic() + 5
        while not w.stats.results and time.monotonic() < deadline:
            time.sleep(0.05)
        assert w.stats.results == [("proceed prompt", "passed")]
    finally:
        w.stop.set()
        t.join(10)
    assert not t.is_alive()
    assert any("proceed prompt: passed" in e for e in events)
    runs = list((tmp_path / "rep" / "proceed-prompt").iterdir())
    assert len(runs) == 1 and (runs[0] / "run.jsonl").is_file()
    assert '"event": "fire"' in (tmp_path / "rep" / "watch.jsonl").read_text()


def test_a_rule_that_keeps_firing_backs_off(xdisplay, vision, tmp_path):
    # the task does not dismiss the dialog: the condition keeps holding
    rules = load_rules(_stuck(tmp_path))
    app = xmessage("Stuck?")
    try:
        time.sleep(0.8)
        w, t, _ = start(rules, vision)
        time.sleep(3.5)
        w.stop.set()
        t.join(10)
    finally:
        app.kill()
        app.wait()
    # pauses 0.3, 0.6, 1.2, 2.4 s: at most 4 firings in 3.5 s (without back-off: ~30)
    assert 2 <= w.stats.fires["stuck"] <= 4, w.stats.fires


def _stuck(tmp_path):
    (tmp_path / "note.yaml").write_text("steps:\n  - log: still there\n")
    p = tmp_path / "rules.yaml"
    p.write_text("""
interval: 100ms
max_backoff: 10s
rules:
  - name: stuck
    when: {visible: "Stuck?"}
    run: note.yaml
    cooldown: 300ms
""")
    return p


def test_backoff_doubles_caps_and_forgets():
    b = Backoff(cooldown=2, max_delay=10, window=60)
    assert b.ready(0)
    assert [b.fired(t) for t in (0, 2, 6, 14, 24)] == [2, 4, 8, 10, 10]
    assert not b.ready(33) and b.ready(34)
    assert b.fired(200) == 2                       # older firings left the window


@pytest.mark.parametrize("text, msg", [
    ("rules: []\n", "must list at least one rule"),
    ("rules:\n  - when: {visible: X}\n", "a rule needs `run`"),
    ("rules:\n  - when: {var: a, equals: b}\n    run: dismiss.yaml\n",
     "visible: or not_visible:"),
    ("rules:\n  - when: {visible: X, timeout: 2s}\n    run: dismiss.yaml\n",
     "`timeout` has no meaning"),
    ("rules:\n  - when: {visible: X}\n    run: nope.yaml\n", "task file not found"),
    ("rules:\n  - when: {visible: X}\n    run: dismiss.yaml\n    every: 2s\n",
     "unknown key in rule"),
    ("rulez: []\n", "a rules file is a mapping with `rules:`"),
])
def test_bad_rules_are_load_errors(tmp_path, text, msg):
    with pytest.raises(TaskFileError, match=msg):
        load_rules(rules_file(tmp_path, text))


def test_cli_watch_ends_cleanly_on_sigterm(xdisplay, tmp_path):
    p = rules_file(tmp_path, "rules:\n  - when: {visible: \"Proceed?\"}\n    run: dismiss.yaml\n")
    proc = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "watch", str(p)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "DISPLAY": xdisplay})
    try:
        first = proc.stdout.readline()
        assert "watching 1 rule(s) of rules.yaml" in first
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped after" in out


def test_compressed_soak_rules_firing_rss_flat(xdisplay, vision, tmp_path, capsys):
    """A dialog reappearing as soon as it is answered, for ~15 s: the rule fires
    again and again (short back-off); RSS measured after warm-up and at the end."""
    rules = load_rules(rules_file(tmp_path, """
interval: 100ms
max_backoff: 200ms
rules:
  - name: prompt
    when: {visible: "Proceed?"}
    run: dismiss.yaml
    cooldown: 100ms
"""))
    answered = []
    stop_apps = threading.Event()

    def apps():
        while not stop_apps.is_set():
            a = xmessage()
            while a.poll() is None and not stop_apps.is_set():
                time.sleep(0.05)
            if a.poll() is None:
                a.kill()
            answered.append(a.wait())

    feeder = threading.Thread(target=apps, daemon=True)
    feeder.start()
    w, t, _ = start(rules, vision)
    try:
        while w.stats.fires.get("prompt", 0) < 3:
            time.sleep(0.1)
        rss0 = rss_kb()
        time.sleep(15)
        rss1 = rss_kb()
    finally:
        w.stop.set()
        stop_apps.set()
        t.join(15)
        feeder.join(10)
    fires = w.stats.fires["prompt"]
    with capsys.disabled():
        print(f"\nwatch soak: {fires} firings, {answered.count(7)} dialogs answered 'No'; "
              f"RSS {rss0 / 1024:.1f} MB after 3 firings -> {rss1 / 1024:.1f} MB after "
              f"15 s more ({(rss1 - rss0) / 1024:+.1f} MB)")
    assert fires >= 8 and answered.count(7) >= 8
    assert all(r == "passed" for _, r in w.stats.results if r != "interrupted")
    assert rss1 - rss0 < 15 * 1024


def _xvfb(number: str | None = None) -> tuple[subprocess.Popen, str]:
    """An Xvfb of our own: a free display number, or ``number`` again after a restart."""
    if number is None:
        return start_xvfb("800x600x24")
    proc = subprocess.Popen(["Xvfb", number, "-screen", "0", "800x600x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while subprocess.run(["xdpyinfo", "-display", number], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL).returncode != 0:
        assert time.monotonic() < deadline and proc.poll() is None, "Xvfb did not restart"
        time.sleep(0.1)
    return proc, number


def test_watch_survives_an_x_server_restart(tmp_path):
    """The X server goes away under a running watch and comes back: the watch waits,
    then answers a dialog on the new server (its exit status says the rule's task
    clicked "No"), with clicks through a new X connection."""
    rules = rules_file(tmp_path, """
interval: 250ms
rules:
  - name: proceed prompt
    when: {visible: "Proceed?"}
    run: dismiss.yaml
""")
    xvfb, display = _xvfb()
    env = {**os.environ, "DISPLAY": display, "WAYLAND_DISPLAY": ""}
    watch = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "watch", str(rules),
                              "--report", str(tmp_path / "rep")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    apps = []
    try:
        first = subprocess.Popen(["xmessage", "-buttons", "Yes:0,No:7", "Proceed?"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        apps.append(first)
        assert first.wait(timeout=60) == 7               # the watch works on the first server
        xvfb.kill()
        xvfb.wait()
        time.sleep(2.0)                                  # the watch notices and waits
        xvfb, _ = _xvfb(display)
        second = subprocess.Popen(["xmessage", "-buttons", "Yes:0,No:7", "Proceed?"],
                                  env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        apps.append(second)
        assert second.wait(timeout=60) == 7              # and again on the restarted one
    finally:
        for a in apps:
            if a.poll() is None:
                a.kill()
        watch.send_signal(signal.SIGTERM)
        out, _ = watch.communicate(timeout=20)
        xvfb.kill()
    assert watch.returncode == 0, out
    assert "display is back" in out, out
