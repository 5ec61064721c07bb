"""Every step type, against the real Tk check-in app on a real Xvfb.

Effects are verified through the app's own event log (--log), not through OCR.
"""
from __future__ import annotations

import shutil
import textwrap


from picoagent.agent import Runner
from picoagent.task import load_task

from tests.helpers import EXAMPLES


def run_yaml(tmp_path, text, vision, screen, pointer, **kw):
    p = tmp_path / "task.yaml"
    p.write_text(textwrap.dedent(text))
    task = load_task(p)
    return Runner(task, screen=screen, input=pointer, vision=vision, **kw).run()


def test_form_steps(tmp_path, checkin, vision, screen, pointer):
    res = run_yaml(tmp_path, r"""
        vars: {who: Grace}
        settings: {timeout: 8s}
        steps:
          - wait_for: Visitor check-in
          - type: {text: "${who}", into: {text: Name, offset: [160, 0]}}
          - type: {text: "9999", into: {text: PIN, offset: [120, 0]}, secret: true}
          - type: {text: "0042", into: {text: PIN, offset: [120, 0]}, clear: true, secret: true}
          - click: I agree to the rules
          - move: Check in
          - click: Check in
          - expect: "Welcome, ${who}"
          - read: {at: Visitors today, into: count, pattern: '\d+'}
          - check: {value: "${count}", equals: "4"}
          - check: {value: "${count}", matches: '\d'}
          - check: {value: "Welcome ${who}", contains: "Grace"}
        """, vision, screen, pointer)
    assert res.ok, res.failure
    assert "Agreed" in checkin.events()
    assert "Welcome, Grace! PIN ok" in checkin.events()
    assert res.variables["count"] == "4"
    typed = [r for r in res.steps if r.kind == "type"]
    assert all("9999" not in (r.action or "") and "0042" not in (r.action or "")
               for r in typed)


def test_list_steps(tmp_path, checkin, vision, screen, pointer):
    res = run_yaml(tmp_path, r"""
        settings: {timeout: 8s}
        steps:
          - double_click: Guest 05
          - expect: "Details: Guest 05"
          - right_click: Guest 03
          - click: Remove entry
          - expect: Removed Guest 03
          - expect_gone: {regex: Guest 03}
          - wait_gone: Remove entry
        """, vision, screen, pointer)
    assert res.ok, res.failure
    ev = checkin.events()
    assert "Details: Guest 05" in ev and "Removed Guest 03" in ev


def test_pointer_and_key_steps(tmp_path, checkin, vision, screen, pointer):
    shutil.copy(EXAMPLES / "images" / "settings-icon.png", tmp_path / "icon.png")
    res = run_yaml(tmp_path, r"""
        settings: {timeout: 8s}
        targets:
          gear: {image: icon.png}
        steps:
          - drag: {from: Badge, to: Tray}
          - expect: Badge in tray
          - scroll: {direction: up, amount: 3, at: Scrolled 0}
          - expect: Scrolled 3
          - press: ctrl+s
          - expect: Saved
          - press: [escape]
          - expect: Escape pressed
          - click: "@gear"
          - expect: Settings opened
        """, vision, screen, pointer)
    assert res.ok, res.failure
    ev = checkin.events()
    for e in ("Badge in tray", "Saved", "Escape pressed", "Settings opened"):
        assert e in ev


def test_control_flow_steps(tmp_path, checkin, vision, screen, pointer):
    (tmp_path / "sub.yaml").write_text(textwrap.dedent("""
        vars: {button: Cancel}
        steps:
          - click: "${button}"
          - log: "included with ${button}"
        """))
    res = run_yaml(tmp_path, r"""
        vars: {n: "0"}
        settings: {timeout: 6s}
        steps:
          - wait_stable: {region: [0, 0, 760, 300], for: 300ms}
          - sleep: 100ms
          - set: {n: "1"}
          - if: {var: n, equals: "1"}
            then:
              - set: {branch: then}
            else:
              - set: {branch: else}
          - check: {value: "${branch}", equals: then}
          - if: {not_visible: Nonexistent thing}
            then:
              - log: not there
          - repeat: {times: 2, steps: [{click: Save}]}
          - launch: [xmessage, -buttons, "Go,Skip", "Install now?"]
          - wait_for: Install now?
          - repeat:
              until: {not_visible: "Install now?"}
              max: 3
              steps:
                - click: {text: Go, below: "Install now?"}
          - set: {tries: ""}
          - retry:
              max: 3
              steps:
                - set: {tries: "${tries}x"}
                - check: {value: "${tries}", equals: "xx"}
          - include: {file: sub.yaml, vars: {button: Cancel}}
          - expect: Cancelled
          - screenshot: shot.png
          - log: "done after ${tries}"
        """, vision, screen, pointer)
    assert res.ok, res.failure
    assert res.variables["tries"] == "xx"
    ev = checkin.events()
    assert ev.count("Saved") == 2
    assert "Cancelled" in ev
    assert (tmp_path / "shot.png").stat().st_size > 1000
    kinds = {r.kind for r in res.steps}
    assert {"wait_stable", "sleep", "set", "if", "check", "repeat", "retry", "include",
            "screenshot", "log", "launch"} <= kinds


def test_pointer_moved_off_a_tooltip_that_covers_the_target(tmp_path, checkin, vision, screen,
                                                            pointer):
    """The app's "Rules" button raises a tooltip 0.6 s after the pointer stops on
    it, over the "Visitors today" line, and keeps it while the pointer rests (as
    GTK does: geany's preferences hid a field this way).  After park_after
    without the target the runner moves the pointer off once; with park_after 0s
    the tooltip stays and the step fails (no number to read)."""
    task = r"""
        settings: {timeout: 5s%s}
        steps:
          - click: Rules
          - sleep: 1s
          - read: {at: Visitors today, into: count, pattern: '\d+'}
        """
    try:
        res = run_yaml(tmp_path, task % "", vision, screen, pointer)
        off = run_yaml(tmp_path, task % ", park_after: 0s", vision, screen, pointer)
    finally:
        # leave no pointer resting on "Rules": its tooltip would change the next
        # test's screen
        f = screen.grab()
        pointer.move(f.width - 1, f.height // 2)
    assert res.ok, res.failure
    read = res.steps[-1]
    assert read.message and read.message.startswith("pointer moved off"), read.message
    assert res.variables["count"] == "3"
    assert "Rules shown" in checkin.events()
    assert not off.ok
    # the tooltip covers the line's number (and most of its words) the whole time
    assert off.failure.kind == "read" and "after 5.0s" in off.failure.message
    assert "pointer moved off" not in off.failure.message
