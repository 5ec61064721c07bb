"""Runner semantics on a replayed real screenshot (real OCR, no display needed):
optional blocks, retry reporting, on_failure numbering, secrets, bad regexes."""
from __future__ import annotations

import json
import textwrap
import time

import pytest

from picoagent.agent import Report, Runner
from picoagent.devices import ImageScreen, RecordingInput
from picoagent.errors import TaskFileError
from picoagent.task import load_task
from tests.helpers import ROOT

SHOT = ROOT / "tests" / "data" / "zenity_entry.png"     # "Enter your PIN", Cancel, OK


def run(tmp_path, vision, text, report=False, variables=None):
    p = tmp_path / "t.yaml"
    p.write_text(textwrap.dedent(text))
    task = load_task(p, variables)
    inp = RecordingInput()
    rep = Report(tmp_path / "rep") if report else None
    res = Runner(task, screen=ImageScreen(SHOT), input=inp, vision=vision, report=rep).run()
    return res, inp


def records(tmp_path):
    return [json.loads(x) for x in (tmp_path / "rep" / "run.jsonl").read_text().splitlines()]


def test_click_resolves_and_acts_at_the_element(tmp_path, vision):
    res, inp = run(tmp_path, vision, "steps:\n  - click: {text: OK, right_of: Cancel}\n")
    assert res.ok
    kind, x, y, button, clicks = inp.actions[0]
    assert kind == "click" and 150 < x < 210 and 100 < y < 130


def test_optional_block_turns_inner_failure_into_warnings(tmp_path, vision):
    res, inp = run(tmp_path, vision, """
        settings: {timeout: 300ms}
        steps:
          - optional: true
            if: {visible: Cancel}
            then:
              - click: Not on this screen
              - click: Cancel
          - click: OK
        """, report=True)
    assert res.ok
    statuses = {(r.kind, r.status) for r in res.steps}
    assert ("click", "warning") in statuses and ("if", "warning") in statuses
    assert not [r for r in records(tmp_path) if r.get("status") == "failed"]
    assert [a[0] for a in inp.actions] == ["click"]             # only OK was clicked


def test_retry_attempts_are_warnings_and_report_agrees(tmp_path, vision):
    res, _ = run(tmp_path, vision, """
        vars: {tries: ""}
        steps:
          - retry:
              max: 3
              steps:
                - set: {tries: "${tries}x"}
                - check: {value: "${tries}", equals: "xx"}
        """, report=True)
    assert res.ok and res.variables["tries"] == "xx"
    recs = records(tmp_path)
    assert not [r for r in recs if r.get("status") == "failed"]
    assert [r["status"] for r in recs if r.get("kind") == "check"] == ["warning", "passed"]


def test_retry_exhausted_fails_once_and_on_failure_numbering_continues(tmp_path, vision):
    res, _ = run(tmp_path, vision, """
        on_failure:
          - log: cleanup
        steps:
          - retry:
              max: 2
              steps:
                - check: {value: a, equals: b}
        """, report=True)
    assert not res.ok and res.failure.kind == "retry"
    assert "failed 2 attempt(s)" in res.failure.message
    recs = [r for r in records(tmp_path) if "index" in r]
    assert len({r["index"] for r in recs}) == len(recs)          # no duplicate indices
    assert recs[-1]["message"] == "cleanup"


def test_regex_made_invalid_by_a_variable_fails_the_step(tmp_path, vision):
    res, _ = run(tmp_path, vision, """
        vars: {bad: "("}
        steps:
          - wait_for: {regex: "x${bad}"}
        """)
    assert not res.ok and "invalid" in res.failure.message


def test_secret_values_never_reach_results_or_report(tmp_path, vision):
    res, inp = run(tmp_path, vision, """
        vars: {pin: "Cancel"}
        steps:
          - type: {text: "${pin}", secret: true}
          - expect: "${pin}"
          - log: "typed ${pin}"
        """, report=True)
    assert res.ok
    assert ("type", "Cancel") in inp.actions                    # typed for real
    text = (tmp_path / "rep" / "run.jsonl").read_text()
    assert "Cancel" not in text and "***" in text


def test_read_of_an_empty_region_fails_at_the_timeout(tmp_path, vision):
    t = time.monotonic()
    res, _ = run(tmp_path, vision, """
        settings: {timeout: 500ms}
        steps:
          - read: {region: [0, 0, 20, 20], into: v}
        """)
    assert not res.ok and res.failure.kind == "read"
    assert time.monotonic() - t < 5


def test_launch_wait_with_zero_timeout_fails_at_once(tmp_path, vision):
    t = time.monotonic()
    res, _ = run(tmp_path, vision, """
        steps:
          - launch: {cmd: "sleep 5", wait: true}
            timeout: 0s
        """)
    assert not res.ok and "still running" in res.failure.message
    assert time.monotonic() - t < 2


def test_vars_may_only_use_earlier_variables(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text('vars:\n  a: "${b}"\n  b: x\nsteps:\n  - log: "${a}"\n')
    with pytest.raises(TaskFileError) as e:
        load_task(p)
    assert e.value.line == 2 and e.value.key == "a"
    p.write_text('vars:\n  b: x\n  a: "${b}-${env.HOME}"\nsteps:\n  - log: "${a}"\n')
    assert load_task(p).vars["a"] == "${b}-${env.HOME}"


def test_dry_run_records_no_actions(tmp_path, vision):
    p = tmp_path / "t.yaml"
    p.write_text("steps:\n  - click: OK\n  - type: hello\n  - click: Missing thing\n")
    inp = RecordingInput()
    res = Runner(load_task(p), screen=ImageScreen(SHOT), input=inp, vision=vision,
                 dry_run=True).run()
    assert inp.actions == []
    assert [r.status for r in res.steps] == ["passed", "passed", "warning"]
    assert res.steps[0].action.startswith("would click")


def test_vars_may_use_a_cli_variable(tmp_path, vision):
    res, _ = run(tmp_path, vision, 'vars:\n  a: "x${b}"\n  b: "2"\nsteps:\n  - log: "${a}"\n',
                 variables={"b": "1"})
    assert res.ok and res.variables["a"] == "x1" and res.variables["b"] == "1"


@pytest.mark.parametrize("first,park_after,parked", [
    ("click: OK", "300ms", True),          # the pointer rests where the click left it
    ("move: OK", "300ms", False),          # a move is meant to hover: left there
    ("click: OK", "0s", False),            # turned off
])
def test_pointer_is_moved_off_once_while_a_target_is_missing(tmp_path, vision, first,
                                                              park_after, parked):
    res, inp = run(tmp_path, vision, f"""
        settings: {{timeout: 1s, park_after: {park_after}}}
        steps:
          - {first}
          - optional: true
            click: Not on this screen
          - optional: true
            wait_for: Not here either
        """)
    assert res.ok
    moves = [a for a in inp.actions[1:] if a[0] == "move"]
    shot = ImageScreen(SHOT).grab()
    if parked:
        # once, to the right edge half-way down, and said in the step's message
        assert moves == [("move", shot.width - 1, shot.height // 2)], inp.actions
        assert res.steps[1].message.startswith("pointer moved off to ")
        assert "pointer moved off" not in (res.steps[2].message or "")
    else:
        assert moves == [], inp.actions


def test_each_step_says_where_its_time_went(tmp_path):
    from picoagent.vision import Vision
    res, _ = run(tmp_path, Vision(threads=1), """
        steps:
          - retry:
              max: 1
              steps:
                - click: {text: OK, right_of: Cancel}
          - log: done
        """)
    click, retry, log = res.steps
    stages = {"capture_ms", "diff_ms", "detect_ms", "recognise_ms", "elements_ms", "act_ms"}
    assert set(click.timings) == stages | {"locate_ms"}
    assert click.timings["detect_ms"] > 0 and click.timings["recognise_ms"] > 0
    assert click.timings["capture_ms"] >= 0 and click.timings["act_ms"] >= 0
    # a block's figures hold its steps'; a step that looks at nothing has zeros
    assert all(retry.timings[k] >= click.timings[k] for k in stages)
    assert set(log.timings) == stages and not any(log.timings.values())
    assert sum(click.timings[k] for k in stages) <= click.ms
