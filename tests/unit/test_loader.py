"""Task loader: a complete valid task, and every kind of bad input with file:line: key."""
from __future__ import annotations

import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest

from picoagent.errors import TaskFileError
from picoagent.task.loader import STEP_KINDS, load_task
from picoagent.task.flow import If, Include, Repeat, Retry
from picoagent.task.model import Condition, Locator, Settings, walk_steps
from picoagent.task.steps import Drag, Read, Step, TypeText


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line of ``path`` containing ``needle``."""
    seen = 0
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(f"{needle!r} not in {path}")


def write_png(path: Path) -> None:
    rng = np.random.default_rng(1)
    cv2.imwrite(str(path), rng.integers(0, 255, (16, 16, 3), dtype=np.uint8))


# ---------------------------------------------------------------------------------------
# A valid task using every step kind
# ---------------------------------------------------------------------------------------
FULL = r"""
name: Full task
vars:
  user: alice
  count: 3
  flag: true
settings:
  timeout: 5s
  interval: 100ms
  settle: 0.5
  min_score: 0.75
  confidence: 0.9
  region: [0, 0, 800, 600]
  max_steps: 50
  max_runtime: 2m
  threads: 2
targets:
  save: {text: Save, right_of: Name}
  icon: {image: icon.png, confidence: 0.8}
steps:
  - click: "@save"
  - double_click: {text: "${user}", index: 1, offset: [5, -3]}
  - right_click: {regex: "^Item \\d+$", within: [10, 20, 300, 400]}
  - move: {at: [100, 200]}
  - drag: {from: "@icon", to: {text: Trash, below: Desktop}}
  - scroll: {direction: down, amount: 5, at: List}
  - type: {text: "hello ${user}", into: Name, clear: true, secret: true}
  - press: [ctrl+s, Enter]
  - wait_for: Done
    timeout: 30s
    label: wait done
  - wait_gone: Loading
  - wait_stable: {region: [0, 0, 100, 100], for: 2s}
  - expect: Saved
  - expect_gone: Error
    optional: true
  - read: {at: {text: Total, right_of: Amount}, into: total, pattern: "\\d+"}
  - check: {value: "${total}", matches: "^\\d+$"}
  - set: {greeting: "hi ${user}"}
  - sleep: 250ms
  - launch: {cmd: "xterm -e 'echo hi'", wait: true}
  - screenshot: shot.png
  - log: "count is ${count} in ${env.HOME_DIR}"
  - notify: {url: "http://127.0.0.1:9/hook", message: "count ${count}", screenshot: true}
  - if: {var: greeting, equals: "hi alice"}
    then:
      - click: OK
    else:
      - click: Cancel
  - repeat: {times: 2, steps: [{click: Next}]}
  - repeat: {until: {visible: Finished, timeout: 1s}, max: 10, steps: [{press: tab}]}
  - repeat:
      while: {not_visible: Ready}
      max: 4
      steps:
        - sleep: 1
  - retry: {max: 3, steps: [{click: Retry}]}
  - include: {file: sub.yaml, vars: {who: bob}}
on_failure:
  - screenshot: failure.png
"""

SUB = """
vars:
  who: nobody
steps:
  - type: "hi ${who}"
"""


@pytest.fixture
def full_task(tmp_path):
    write_png(tmp_path / "icon.png")
    write(tmp_path, "sub.yaml", SUB)
    path = write(tmp_path, "t.yaml", FULL)
    return path, load_task(path, env={"HOME_DIR": "/home/a"})


def test_full_task_uses_every_step_kind(full_task):
    _, task = full_task
    kinds = {s.kind for s in walk_steps(task.steps)}
    assert kinds == set(STEP_KINDS)


def test_full_task_top_level(full_task):
    path, task = full_task
    assert task.name == "Full task"
    assert task.path == path.absolute()
    assert task.vars == {"user": "alice", "count": "3", "flag": "true"}
    assert task.settings == Settings(timeout=5.0, interval=0.1, settle=0.5, min_score=0.75,
                                     confidence=0.9, region=(0, 0, 800, 600), max_steps=50,
                                     max_runtime=120.0, threads=2)
    assert len(task.steps) == 27
    assert [s.kind for s in task.on_failure] == ["screenshot"]
    assert task.on_failure[0].path == "failure.png"
    assert task.on_failure[0].where.line == line_of(path, "failure.png")


def test_full_task_step_values(full_task, tmp_path):
    path, task = full_task
    by = {}
    for s in task.steps:
        by.setdefault(s.kind, []).append(s)

    # every step records file:line of its step key
    for s in task.steps:
        assert isinstance(s, Step)
        assert s.where.file == str(path.absolute())
    assert by["sleep"][0].where.line == line_of(path, "- sleep: 250ms")
    assert by["include"][0].where.line == line_of(path, "- include:")

    click = by["click"][0].target
    assert click.name == "save" and click.text == "Save"
    assert click.right_of.text == "Name"

    dc = by["double_click"][0].target
    assert (dc.text, dc.index, dc.offset) == ("${user}", 1, (5, -3))  # not interpolated yet

    rc = by["right_click"][0].target
    assert rc.regex == r"^Item \d+$" and rc.within == (10, 20, 300, 400)

    assert by["move"][0].target.at == (100, 200)

    drag = by["drag"][0]
    assert isinstance(drag, Drag)
    assert drag.source.name == "icon"
    assert drag.source.image == (tmp_path / "icon.png").resolve()
    assert drag.source.confidence == 0.8
    assert drag.target.text == "Trash" and drag.target.below.text == "Desktop"

    sc = by["scroll"][0]
    assert (sc.direction, sc.amount, sc.at.text) == ("down", 5, "List")

    ty = by["type"][0]
    assert isinstance(ty, TypeText)
    assert (ty.text, ty.into.text, ty.clear, ty.secret) == ("hello ${user}", "Name", True, True)

    assert by["press"][0].keys == ("ctrl+s", "enter")

    wf = by["wait_for"][0]
    assert (wf.target.text, wf.timeout, wf.label, wf.optional) == ("Done", 30.0, "wait done", False)
    assert by["wait_gone"][0].target.text == "Loading"
    ws = by["wait_stable"][0]
    assert (ws.region, ws.duration) == ((0, 0, 100, 100), 2.0)
    assert by["expect"][0].target.text == "Saved"
    eg = by["expect_gone"][0]
    assert eg.target.text == "Error" and eg.optional is True

    rd = by["read"][0]
    assert isinstance(rd, Read)
    assert (rd.into, rd.pattern, rd.region) == ("total", r"\d+", None)
    assert rd.at.text == "Total" and rd.at.right_of.text == "Amount"

    ck = by["check"][0]
    assert (ck.value, ck.op, ck.operand) == ("${total}", "matches", r"^\d+$")
    assert by["set"][0].values == {"greeting": "hi ${user}"}
    assert by["sleep"][0].seconds == 0.25
    la = by["launch"][0]
    assert (la.argv, la.wait, la.detach) == (("xterm", "-e", "echo hi"), True, False)
    assert by["screenshot"][0].path == "shot.png"
    assert by["log"][0].message == "count is ${count} in ${env.HOME_DIR}"

    cond = by["if"][0]
    assert isinstance(cond, If)
    assert cond.condition == Condition(var="greeting", op="equals", operand="hi alice")
    assert [s.target.text for s in cond.then] == ["OK"]
    assert [s.target.text for s in cond.otherwise] == ["Cancel"]

    r_times, r_until, r_while = by["repeat"]
    assert isinstance(r_times, Repeat)
    assert (r_times.times, r_times.until, r_times.while_) == (2, None, None)
    assert r_times.steps[0].target.text == "Next"
    assert r_until.max == 10 and r_until.until.visible.text == "Finished"
    assert r_until.until.timeout == 1.0
    assert r_until.steps[0].keys == ("tab",)
    assert r_while.max == 4 and r_while.while_.not_visible.text == "Ready"
    assert r_while.while_.timeout is None
    assert r_while.steps[0].seconds == 1.0

    rt = by["retry"][0]
    assert isinstance(rt, Retry) and rt.max == 3 and rt.steps[0].target.text == "Retry"

    inc = by["include"][0]
    assert isinstance(inc, Include)
    assert inc.path == (tmp_path / "sub.yaml").resolve()
    assert inc.vars == {"who": "bob"}
    assert inc.defaults == {"who": "nobody"}
    assert inc.steps[0].kind == "type" and inc.steps[0].text == "hi ${who}"
    assert inc.steps[0].where.file == str((tmp_path / "sub.yaml").resolve())
    assert inc.steps[0].where.line == 4


def test_defaults_when_settings_absent(tmp_path):
    p = write(tmp_path, "plain.yaml", "steps:\n  - click: OK\n")
    task = load_task(p)
    assert task.name == "plain"          # file stem when no name
    assert task.settings == Settings()
    assert task.on_failure == ()
    assert task.steps[0].target == Locator(text="OK", where=task.steps[0].target.where)


def test_text_argument_used_instead_of_file(tmp_path):
    task = load_task(tmp_path / "nothere.yaml", text="steps:\n  - click: Go\n")
    assert task.steps[0].target.text == "Go"
    assert task.steps[0].where.line == 2


# ---------------------------------------------------------------------------------------
# Small positive behaviours
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("word", ["No", "no", "yes", "Yes", "on", "off", "Off", "y", "n"])
def test_yaml11_booleans_are_text(tmp_path, word):
    p = write(tmp_path, "t.yaml", f"steps:\n  - click: {word}\n")
    task = load_task(p)
    assert task.steps[0].target.text == word
    assert isinstance(task.steps[0].target.text, str)


def test_true_is_still_a_boolean(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: OK\n    optional: true\n")
    assert load_task(p).steps[0].optional is True


def test_cli_vars_override_task_vars(tmp_path):
    p = write(tmp_path, "t.yaml", """
        vars:
          user: alice
          other: x
        steps:
          - type: "${user} ${added}"
        """)
    task = load_task(p, {"user": "bob", "added": "y"})
    assert task.vars == {"user": "bob", "other": "x", "added": "y"}


def test_cli_var_defines_otherwise_undefined(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - type: \"${who}\"\n")
    with pytest.raises(TaskFileError):
        load_task(p)
    assert load_task(p, {"who": "z"}).vars == {"who": "z"}


def test_invalid_cli_var_name(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: OK\n")
    with pytest.raises(TaskFileError, match="invalid variable name '1bad'"):
        load_task(p, {"1bad": "v"})


def test_named_targets_resolve(tmp_path):
    p = write(tmp_path, "t.yaml", """
        targets:
          name_field: {text: Name}
          save: {text: Save, right_of: "@name_field"}
          save2: {target: "@save", index: 2}
        steps:
          - click: "@save"
          - click: {target: save, offset: [3, 4]}
          - click: "@save2"
        """)
    task = load_task(p)
    assert set(task.targets) == {"name_field", "save", "save2"}
    save = task.targets["save"]
    assert save.name == "save" and save.text == "Save"
    assert save.right_of == task.targets["name_field"]
    assert save.right_of.name == "name_field"
    assert save.where.line == line_of(p, "save: {")
    s1, s2, s3 = (s.target for s in task.steps)
    assert s1 is save
    # a target with extra keys is a new, unnamed locator built on the target
    assert (s2.name, s2.text, s2.offset, s2.right_of) == (None, "Save", (3, 4), save.right_of)
    assert (s3.name, s3.text, s3.index) == ("save2", "Save", 2)


def test_kind_locator_accepted_when_model_available(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: {kind: checkbox, checked: true}\n")
    task = load_task(p, element_kinds_available=True)
    assert (task.steps[0].target.kind, task.steps[0].target.checked) == ("checkbox", True)


def test_kind_locator_refused_when_the_model_is_missing(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click:\n      kind: button\n")
    e = expect_error(p, element_kinds_available=False)
    check_error(e, p, 3, "kind", "need the UI element model")


def test_include_with_vars_and_undefined_in_included_file(tmp_path):
    (tmp_path / "lib").mkdir()
    write(tmp_path / "lib", "login.yaml", """
        vars:
          password: secret
        steps:
          - type: {text: "${username}", into: User}
          - type: {text: "${password}", into: Password, secret: true}
        """)
    p = write(tmp_path, "t.yaml", """
        steps:
          - include:
              file: lib/login.yaml
              vars:
                username: alice
        """)
    task = load_task(p)
    inc = task.steps[0]
    assert inc.vars == {"username": "alice"}
    assert inc.defaults == {"password": "secret"}
    assert [s.into.text for s in inc.steps] == ["User", "Password"]
    assert inc.steps[1].secret is True

    # the same include without vars: ${username} is undefined, reported in the included file
    write(tmp_path, "t2.yaml", "steps:\n  - include: lib/login.yaml\n")
    with pytest.raises(TaskFileError) as ei:
        load_task(tmp_path / "t2.yaml")
    e = ei.value
    inc_path = tmp_path / "lib" / "login.yaml"
    assert e.file == str(inc_path.resolve())
    assert e.line == line_of(inc_path, "${username}")
    assert e.key == "text"
    assert "undefined variable ${username}" in e.message


def test_on_failure_parsed(tmp_path):
    p = write(tmp_path, "t.yaml", """
        steps:
          - click: OK
        on_failure:
          - screenshot: fail.png
          - press: esc
          - log: failed
        """)
    task = load_task(p)
    assert [s.describe() for s in task.on_failure] == [
        "screenshot fail.png", "press esc", "log"]
    assert task.on_failure[2].message == "failed"
    assert task.on_failure[1].where.line == line_of(p, "press: esc")


def test_empty_on_failure_list_rejected(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: OK\non_failure: []\n")
    e = expect_error(p)
    assert (e.line, e.key) == (3, "on_failure")


# ---------------------------------------------------------------------------------------
# Bad input: every error names file, line and key
# ---------------------------------------------------------------------------------------
def expect_error(path: Path, *args, **kw) -> TaskFileError:
    kw.setdefault("env", {})
    with pytest.raises(TaskFileError) as ei:
        load_task(path, *args, **kw)
    return ei.value


def check_error(e: TaskFileError, file: Path, line: int, key: str | None, fragment: str):
    assert e.file == str(file)
    assert e.line == line, str(e)
    assert e.key == key, str(e)
    assert fragment in e.message, str(e)
    prefix = f"{file}:{line}: "
    if key and not e.message.startswith(key):
        prefix += f"{key}: "
    assert str(e) == prefix + e.message


# (name, yaml text, needle on the expected line, key, message fragment)
BAD = [
    ("yaml-tab", "steps:\n  - click: OK\n\t- click: B\n", "- click: B", None,
     "YAML syntax error"),
    ("duplicate-key", "steps:\n  - click: OK\n    click: B\n", "click: B", "click",
     "duplicate key"),
    ("unknown-step", "steps:\n  - click: OK\n  - clik: Cancel\n", "clik", "clik",
     "unknown step 'clik' (did you mean 'click'?)"),
    ("unknown-step-modifier", "steps:\n  - click: OK\n    lable: x\n", "lable", "lable",
     "(did you mean 'label'?)"),
    ("bare-step-name", "steps:\n  - click: OK\n  - expect\n", "- expect", "expect",
     "needs a value"),
    ("unknown-locator-key", "steps:\n  - click:\n      text: OK\n      rigth_of: Name\n",
     "rigth_of", "rigth_of", "unknown key in locator 'rigth_of' (did you mean 'right_of'?)"),
    ("unknown-settings-key", "settings:\n  timeout: 5s\n  timeot: 5s\nsteps:\n  - click: OK\n",
     "timeot", "timeot", "unknown key in settings 'timeot' (did you mean 'timeout'?)"),
    ("unknown-top-key", "name: x\nstep:\n  - click: OK\n", "step:", "step",
     "(did you mean 'steps'?)"),
    ("unknown-key-in-step-mapping", "steps:\n  - scroll: {direction: up, amont: 2}\n",
     "scroll", "amont", "did you mean 'amount'"),
    ("wrong-type-int", "settings:\n  max_steps: ten\nsteps:\n  - click: OK\n",
     "max_steps", "max_steps", "expected a whole number"),
    ("wrong-type-bool", "steps:\n  - click: OK\n    optional: maybe\n", "optional",
     "optional", "expected true or false"),
    ("wrong-type-locator", "steps:\n  - click: [a, b]\n", "click", "click",
     "expected a locator"),
    ("wrong-type-fraction", "settings:\n  min_score: 1.5\nsteps:\n  - click: OK\n",
     "min_score", "min_score", "between 0 and 1"),
    ("wrong-type-region", "steps:\n  - right_click: {text: A, within: [1, 2, 3]}\n",
     "within", "within", "region"),
    ("bad-scroll-direction", "steps:\n  - scroll:\n      direction: sideways\n",
     "sideways", "direction", "direction must be"),
    ("bad-key-name", "steps:\n  - press: ctrl+entr\n", "press", "press",
     "unknown key 'entr' (did you mean 'enter'?)"),
    ("missing-image", "steps:\n  - click: OK\n  - click:\n      image: nope.png\n",
     "nope.png", "image", "image file not found"),
    ("invalid-regex", "steps:\n  - click: {regex: \"a(b\"}\n", "regex", "regex",
     "invalid regular expression"),
    ("invalid-regex-in-check", "steps:\n  - check:\n      value: x\n      matches: \"[z\"\n",
     "matches", "matches", "invalid regular expression"),
    ("undefined-var", "vars:\n  a: 1\nsteps:\n  - click: OK\n  - type: \"hello ${nobody}\"\n",
     "${nobody}", "type", "undefined variable ${nobody}"),
    ("undefined-var-in-condition",
     "steps:\n  - if: {var: ghost, equals: x}\n    then:\n      - click: OK\n",
     "ghost", "var", "undefined variable ${ghost}"),
    ("malformed-reference", "steps:\n  - log: \"${not valid}\"\n", "log", "log",
     "invalid variable reference"),
    ("undefined-env", "steps:\n  - log: \"home is ${env.NOPE_X}\"\n", "NOPE_X", "log",
     "environment variable NOPE_X is not set"),
    ("negative-duration", "steps:\n  - click: OK\n  - sleep: -1\n", "sleep", "sleep",
     "must not be negative"),
    ("negative-duration-string", "settings:\n  timeout: -5s\nsteps:\n  - click: OK\n",
     "timeout", "timeout", "must not be negative"),
    ("unparsable-duration", "steps:\n  - sleep: soon\n", "sleep", "sleep",
     "expected a duration"),
    ("unparsable-duration-modifier", "steps:\n  - click: OK\n    timeout: 5 parsecs\n",
     "timeout", "timeout", "expected a duration"),
    ("empty-steps", "name: x\nsteps: []\n", "steps", "steps", "must list at least one step"),
    ("null-steps", "name: x\nsteps:\n", "steps", "steps", "must list at least one step"),
    ("missing-steps", "name: x\nvars:\n  a: 1\n", "name: x", "steps", "missing `steps:`"),
    ("empty-then", "steps:\n  - if: {visible: A}\n    then: []\n", "then", "then",
     "must list at least one step"),
    ("repeat-until-without-max",
     "steps:\n  - repeat:\n      until: {visible: Done}\n      steps:\n        - click: Next\n",
     "until", "until", "needs `max: N`"),
    ("repeat-while-without-max",
     "steps:\n  - repeat:\n      while: {visible: Busy}\n      steps:\n        - sleep: 1\n",
     "while", "while", "needs `max: N`"),
    ("two-steps-in-one-item", "steps:\n  - click: OK\n    type: hello\n", "type", "type",
     "one step per list item: found click, type"),
    ("unknown-target", "targets:\n  ok: {text: OK}\nsteps:\n  - click: \"@nope\"\n",
     "@nope", "click", "unknown target @nope (targets: ok)"),
    ("unknown-target-key", "steps:\n  - click:\n      target: ghost\n", "ghost", "target",
     "unknown target @ghost (targets: none defined)"),
    ("self-referencing-target", "targets:\n  a: {text: A, right_of: \"@a\"}\nsteps:\n"
     "  - click: \"@a\"\n", "a: {", "right_of", "refers to itself"),
    ("checked-on-a-button", "steps:\n  - click: {kind: button,\n      checked: true}\n",
     "checked", "checked", "`checked` applies to checkbox, radio, toggle, not to kind button"),
    ("unknown-kind", "steps:\n  - click: {kind: buton}\n", "kind", "kind",
     "unknown element kind 'buton' (did you mean 'button'?)"),
    ("two-locator-kinds", "steps:\n  - click: {text: A, regex: B}\n", "click", "click",
     "a locator takes one of text, regex, image, at"),
    ("checked-without-kind", "steps:\n  - click:\n      text: A\n      checked: true\n",
     "checked", "checked", "`checked` only applies with `kind`"),
    ("include-bad-var-name", "steps:\n  - include:\n      file: x.yaml\n      vars:\n"
     "        ok: 1\n        2bad: 2\n", "2bad", "2bad", "invalid variable name"),
    ("bad-var-name", "vars:\n  1x: a\nsteps:\n  - click: OK\n", "1x", "1x",
     "invalid variable name"),
    ("step-not-a-mapping", "steps:\n  - click: OK\n  - 42\n", "- 42", None,
     "each step must be a mapping"),
]


@pytest.mark.parametrize("name,text,needle,key,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, name, text, needle, key, fragment):
    p = tmp_path / "t.yaml"
    p.write_text(text, encoding="utf-8")
    e = expect_error(p)
    check_error(e, p, line_of(p, needle), key, fragment)


def test_yaml_unclosed_bracket_points_at_its_line(tmp_path):
    p = write(tmp_path, "t.yaml", """
        steps:
          - click: OK
          - type: [a, b
          - click: X
        """)
    e = expect_error(p)
    check_error(e, p, line_of(p, "[a, b"), None, "YAML syntax error")


def test_yaml_unclosed_flow_mapping_at_end_of_file(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: OK\n  - click: {text: a\n\n\n")
    check_error(expect_error(p), p, 3, None, "YAML syntax error")


@pytest.mark.parametrize("items", [1, 30])
def test_yaml_bad_indentation_points_at_offending_line(tmp_path, items):
    body = "steps:\n" + "".join(f"  - click: B{i}\n" for i in range(items))
    p = tmp_path / "t.yaml"
    p.write_text(body + "   oops: x\n  - click: Z\n", encoding="utf-8")
    e = expect_error(p)
    check_error(e, p, items + 2, None, "YAML syntax error")


def test_bad_image_file(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    p = write(tmp_path, "t.yaml", "steps:\n  - click: {image: broken.png}\n")
    check_error(expect_error(p), p, 2, "image", "cannot read image")


def test_included_file_with_syntax_error_names_that_file(tmp_path):
    write(tmp_path, "b.yaml", "steps:\n  - click: OK\n\t- click: B\n")
    p = write(tmp_path, "t.yaml", "steps:\n  - include: b.yaml\n")
    e = expect_error(p)
    assert (e.file, e.line) == (str((tmp_path / "b.yaml").resolve()), 3)


def test_include_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", "steps:\n  - click: Start\n  - include: b.yaml\n")
    b = write(tmp_path, "b.yaml", "vars:\n  x: 1\nsteps:\n  - include: a.yaml\n")
    e = expect_error(a)
    check_error(e, b.resolve(), line_of(b, "include: a.yaml"), "include",
                "include cycle: a.yaml -> b.yaml -> a.yaml")


def test_self_include_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", "steps:\n  - include: a.yaml\n")
    e = expect_error(a)
    check_error(e, a.resolve(), 2, "include", "include cycle: a.yaml -> a.yaml")


def test_include_cycle_detected_through_non_normalised_path(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "a.yaml", "settings:\n  timeout: 5s\nsteps:\n  - include: b.yaml\n")
    b = write(tmp_path, "b.yaml", "steps:\n  - include: a.yaml\n")
    e = expect_error(tmp_path / "sub" / ".." / "a.yaml")
    check_error(e, b.resolve(), 2, "include", "include cycle: a.yaml -> b.yaml -> a.yaml")


def test_missing_include(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - click: OK\n  - include: {file: gone.yaml}\n")
    e = expect_error(p)
    check_error(e, p, 3, "include", "included file not found")
    assert str((tmp_path / "gone.yaml").resolve()) in e.message


def test_settings_only_in_top_level_file(tmp_path):
    inc = write(tmp_path, "inc.yaml",
                "steps:\n  - click: OK\nsettings:\n  timeout: 1s\n")
    p = write(tmp_path, "t.yaml", "steps:\n  - include: inc.yaml\n")
    e = expect_error(p)
    check_error(e, inc.resolve(), 3, "settings", "only allowed in the top-level task file")


def test_missing_top_file(tmp_path):
    e = expect_error(tmp_path / "nope.yaml")
    assert e.file == str(tmp_path / "nope.yaml") and e.line is None
    assert "file not found" in str(e)


def test_not_utf8_reports_line(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_bytes(b"steps:\n  - click: OK\n  - type: caf\xe9\n")
    e = expect_error(p)
    assert (e.file, e.line) == (str(p), 3)
    assert "UTF-8" in e.message


def test_env_var_defined_passes_and_default_env_is_os_environ(tmp_path, monkeypatch):
    p = write(tmp_path, "t.yaml", "steps:\n  - log: \"${env.PICO_UNIT_X}\"\n")
    assert load_task(p, env={"PICO_UNIT_X": "1"}).steps[0].message == "${env.PICO_UNIT_X}"
    monkeypatch.delenv("PICO_UNIT_X", raising=False)
    with pytest.raises(TaskFileError):
        load_task(p)
    monkeypatch.setenv("PICO_UNIT_X", "1")
    assert load_task(p).steps[0].kind == "log"


def test_variable_defined_by_set_or_read_is_not_undefined(tmp_path):
    p = write(tmp_path, "t.yaml", """
        steps:
          - set: {a: "1"}
          - read: {region: [0, 0, 10, 10], into: b}
          - type: "${a}${b}"
        """)
    assert load_task(p, env={}).steps[2].text == "${a}${b}"


def test_literal_dollar_brace_is_not_a_reference(tmp_path):
    p = write(tmp_path, "t.yaml", "steps:\n  - type: \"cost $${price}\"\n")
    assert load_task(p, env={}).steps[0].text == "cost $${price}"


@pytest.mark.parametrize("written", ["12:30", "010", "1.50"])
def test_unquoted_number_like_text_is_kept_as_written(tmp_path, written):
    p = write(tmp_path, "t.yaml", f"steps:\n  - type: {written}\n  - click: {written}\n")
    task = load_task(p, env={})
    assert task.steps[0].text == written
    assert task.steps[1].target.text == written


def test_undefined_variable_in_included_files_vars_is_reported(tmp_path):
    lib = write(tmp_path, "lib.yaml", """
        vars:
          greeting: "hi ${nobody}"
        steps:
          - log: "${greeting}"
        """)
    p = write(tmp_path, "t.yaml", "steps:\n  - include: lib.yaml\n")
    e = expect_error(p)
    check_error(e, lib.resolve(), 2, "greeting", "undefined variable ${nobody}")
