"""Typed steps: every step class has a handler, a schema and a description; binding
${variables} is the class's; one locator parses as in a task file; threads: auto."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from picoagent import defaults
from picoagent.agent.handlers import HANDLERS
from picoagent.errors import StepFailure, TaskFileError
from picoagent.task import STEPS, load_task, parse_locator
from picoagent.task.interpolate import InterpolationError
from picoagent.task.schema import Shapes
from picoagent.task.steps import Step


def one(text: str, tmp_path: Path) -> Step:
    return load_task(tmp_path / "t.yaml", text=text, env={"HOME_DIR": "/h"}).steps[0]


def test_every_step_class_has_a_handler_a_schema_and_a_description(tmp_path):
    assert set(HANDLERS) == set(STEPS.values())
    for kind, cls in STEPS.items():
        assert cls.kind == kind and issubclass(cls, Step)
        assert isinstance(cls.schema(Shapes()), dict), kind
    assert one("steps:\n- drag: {from: A, to: B}\n", tmp_path).describe() == "drag 'A' -> 'B'"
    assert one("steps:\n- click: OK\n  label: go\n", tmp_path).describe() == "click [go]"
    # typed text and notify URLs never appear in a description
    assert one("steps:\n- type: {text: pw, into: PIN}\n", tmp_path).describe() == \
        "type into 'PIN'"
    assert one("steps:\n- notify: https://h/x?token=1\n", tmp_path).describe() == "notify"


def test_bind_returns_a_bound_copy_and_leaves_the_step_as_written(tmp_path):
    step = one("vars: {who: Ada}\nsteps:\n- click: {text: 'Hi ${who}', right_of: '${who}'}\n",
               tmp_path)
    bound = step.bind({"who": "Bob"}, {})
    assert (bound.target.text, bound.target.right_of.text) == ("Hi Bob", "Bob")
    assert step.target.text == "Hi ${who}"
    assert bound.where == step.where and bound.kind == "click"


def test_set_binds_in_order_and_include_defaults_fill_only_unset_names(tmp_path):
    s = one("steps:\n- set: {a: '1', b: '${a}2'}\n", tmp_path)
    assert s.bind({"a": "0"}, {}).values == {"a": "1", "b": "12"}
    (tmp_path / "sub.yaml").write_text("vars: {x: dx, y: '${x}y'}\nsteps:\n- log: hi\n")
    inc = one("vars: {x: top}\nsteps:\n- include: {file: sub.yaml, vars: {z: '${y}z'}}\n",
              tmp_path)
    b = inc.bind({"x": "top"}, {})
    assert b.defaults == {"x": "dx", "y": "topy"} and b.vars == {"z": "topyz"}


def test_type_remembers_the_written_text_for_secret_references(tmp_path):
    t = one("vars: {pin: '1234'}\nsecrets: [pin]\nsteps:\n- type: 'PIN ${pin}'\n", tmp_path)
    b = t.bind({"pin": "1234"}, {})
    assert b.text == "PIN 1234" and b.mentions({"pin"}) and not b.mentions({"other"})
    assert b.bind({}, {}).written == "PIN ${pin}"        # a bound step binds nothing again


def test_bind_errors_are_the_steps_own(tmp_path):
    with pytest.raises(StepFailure, match="after substitution"):
        one("vars: {r: x}\nsteps:\n- click: {regex: '${r}'}\n", tmp_path).bind({"r": "("}, {})
    with pytest.raises(StepFailure, match="pattern"):
        one("vars: {p: x}\nsteps:\n- read: {region: [0, 0, 9, 9], into: v, "
            "pattern: '${p}'}\n", tmp_path).bind({"p": "["}, {})
    with pytest.raises(InterpolationError):
        one("steps:\n- log: '${a}'\n- set: {a: x}\n", tmp_path).bind({}, {})


def test_parse_locator_reads_one_locator_as_a_task_file_would(tmp_path):
    p = tmp_path / "LOCATOR"
    loc = parse_locator("{text: OK, right_of: Cancel, index: 1}", p)
    assert (loc.text, loc.right_of.text, loc.index) == ("OK", "Cancel", 1)
    assert parse_locator('"Log in"', p).text == "Log in"
    assert parse_locator("'${env.PA_T}'", p, env={"PA_T": "Go"}).text == "Go"
    assert parse_locator("'$${x}'", p).text == "${x}"
    for bad, why in [("'${x}'", "undefined variable ${x}"), ('"@home"', "unknown target @home"),
                     ("{text: a, regex: b}", "one of text, regex"),
                     ("{kind: robot}", "unknown element kind"), ("[1, 2]", "expected a locator")]:
        with pytest.raises(TaskFileError, match=re.escape(why)):
            parse_locator(bad, p, env={})


@pytest.mark.parametrize("cpus,want", [(1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (64, 4)])
def test_threads_auto_leaves_one_cpu_and_stays_within_the_cap(cpus, want):
    assert defaults.resolve_threads("auto", cpus=cpus) == want
    assert defaults.describe_threads("auto", cpus=cpus) == f"auto -> {want} of {cpus} CPUs"


def test_threads_counts_and_none_pass_through():
    assert defaults.resolve_threads(3, cpus=2) == 3
    assert defaults.resolve_threads(None) == defaults.THREADS
    assert defaults.describe_threads(2) == "2"


def test_threads_auto_follows_the_affinity_mask(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert defaults.available_cpus() == 3 and defaults.resolve_threads("auto") == 2


def test_task_settings_take_threads_auto(tmp_path):
    t = load_task(tmp_path / "t.yaml", text="settings: {threads: auto}\nsteps:\n- log: x\n")
    assert t.settings.threads == "auto"
    with pytest.raises(TaskFileError, match="whole number"):
        load_task(tmp_path / "t.yaml", text="settings: {threads: many}\nsteps:\n- log: x\n")
