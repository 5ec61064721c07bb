"""The MCP server's pure logic: argument checks, the recording's YAML, the session
report's numbering, and the element list's naming rules.  No display, no SDK."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from picoagent.errors import TargetNotFound
from picoagent.mcp.recorder import Recorder, _flow, _text_value, locator_for
from picoagent.mcp.schema import BY_NAME, TOOLS, ArgumentError, check_arguments
from picoagent.mcp.tools import SessionReport, _escape_vars
from picoagent.task import load_task
from picoagent.vision.frame import Element, Match
from picoagent.vision.ocr import TextLine
from picoagent.vision.scene import Seen as _Seen
from picoagent.vision.scene import _dedupe, _drop_containers
from picoagent.vision.vision import words_within


# ---- arguments ---------------------------------------------------------------------
def test_schemas_require_exactly_the_issues_arguments():
    required = {t.name: sorted(t.input_schema()["required"]) for t in TOOLS}
    assert required == {"observe": [], "find": ["target"], "click": [],
                        "type_text": ["text"], "press": ["keys"], "scroll": ["dy"],
                        "screenshot": [], "validate_task": ["yaml"], "run_task": ["yaml"]}
    for t in TOOLS:
        assert t.input_schema()["additionalProperties"] is False
        assert set(t.required) <= set(t.properties)


@pytest.mark.parametrize("tool,args,named", [
    ("click", {"target": "OK", "count": 3}, "'count'"),
    ("click", {"target": "OK", "button": "up"}, "'button'"),
    ("click", {"target": "OK", "element": 1}, "'target' and 'element'"),
    ("click", {}, "'target'"),
    ("click", {"point": [1]}, "'point'"),
    ("click", {"point": [1, "2"]}, "'point[1]'"),
    ("click", {"element": True}, "'element'"),
    ("click", {"element": -1}, "'element'"),
    ("click", {"target": 7}, "'target'"),
    ("observe", {"region": [0, 0, 10]}, "'region'"),
    ("observe", {"colour": "red"}, "'colour'"),
    ("type_text", {}, "'text'"),
    ("type_text", {"text": "a", "into": 1.5}, "'into'"),
    ("scroll", {"dy": 1.5}, "'dy'"),
    ("screenshot", {"max_side": 1}, "'max_side'"),
    ("find", {"target": "x", "timeout": 1000}, "'timeout'"),
    ("run_task", {"yaml": "x", "vars": {"a": [1]}}, "'vars.a'"),
])
def test_malformed_arguments_name_the_argument(tool, args, named):
    with pytest.raises(ArgumentError) as e:
        check_arguments(tool, args)
    assert named in str(e.value)


def test_well_formed_arguments_pass_and_null_means_absent():
    assert check_arguments("click", {"element": 3.0, "button": None}) == {"element": 3}
    assert check_arguments("press", {"keys": ["tab", "enter"]}) == {"keys": ["tab", "enter"]}
    assert check_arguments("observe", None) == {}
    assert check_arguments("run_task", {"yaml": "x", "vars": {"n": 1, "b": True}})["vars"] \
        == {"n": 1, "b": True}


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=8),
                     lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6),
                                                                          c, max_size=3),
                     max_leaves=8)


@given(st.sampled_from(sorted(BY_NAME)),
       st.dictionaries(st.sampled_from(["target", "element", "point", "text", "keys", "dy",
                                        "region", "yaml", "vars", "into", "count", "x"]),
                       _json, max_size=4) | _json)
def test_any_json_arguments_pass_or_raise_argument_error(tool, args):
    try:
        check_arguments(tool, args)
    except ArgumentError as e:
        assert str(e) and "\n" not in str(e)


# ---- the recording -------------------------------------------------------------------
@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip()))
def test_recorded_text_locators_read_back_as_the_same_text(text):
    task = load_task(Path("/tmp/rec.yaml"),
                     text=f"steps:\n  - click: {_flow(_text_value(text))}\n")
    loc = task.steps[0].target.bind({}, {})
    assert loc.text == text


def test_recording_is_a_valid_task_with_secrets_as_variables(tmp_path):
    out = tmp_path / "session.yaml"
    rec = Recorder(out, backend="x11")
    rec.add({"type": {"text": "Ada", "into": {"kind": "text_field", "text": "Name"}}})
    rec.add({"type": {"text": rec.secret("4711"), "into": "PIN", "secret": True}})
    rec.add(None, comment="middle click at [1, 2]: not recorded")
    rec.add({"click": _text_value("@home")})
    rec.add({"press": ["tab", "n"]})
    text = out.read_text()
    assert "4711" not in text and "--var secret_1=" in text
    assert rec.secret("4711") == "${secret_1}" and rec.secret("0000") == "${secret_2}"
    task = load_task(out, {"secret_1": "x"})
    assert [s.kind for s in task.steps] == ["type", "type", "click", "press"]
    assert task.secrets == frozenset({"secret_1"})
    assert task.steps[2].target.text == "@home"
    assert task.steps[3].keys == ("tab", "n")
    assert list(tmp_path.iterdir()) == [out]              # no temporary file left over


def test_recorder_refuses_a_name_that_is_no_task_file(tmp_path):
    with pytest.raises(Exception, match="yaml"):
        Recorder(tmp_path / "session.txt")


def test_client_text_is_literal_not_a_variable():
    assert _escape_vars({"text": "${x}", "image": "a${b}.png", "right_of": ["${y}"]}) == \
        {"text": "$${x}", "image": "a${b}.png", "right_of": ["$${y}"]}


# ---- the session report --------------------------------------------------------------
def test_session_report_numbers_steps_across_calls_and_redacts(tmp_path):
    secrets = {"4711"}

    def redact(rec):
        return json.loads(json.dumps(rec).replace("4711", "***"))

    rep = SessionReport(tmp_path / "r", lambda r: redact(r) if secrets else r)
    for _ in range(2):                      # two calls, each a Runner numbering from 1
        assert rep.image_path("step-001-click.png").name == \
            f"step-{1 + rep.offset:03d}-click.png"
        rep.write({"index": 1, "kind": "click", "screenshot": "step-001-click.png",
                   "action": "type 4711"})
        rep.write({"summary": True})
        rep.close()                          # what the Runner does; must not close it
        rep.end_run()
    rep.finish({"summary": True, "steps": rep.offset})
    lines = [json.loads(x) for x in (tmp_path / "r" / "run.jsonl").read_text().splitlines()]
    assert [x.get("index") for x in lines] == [1, 2, None]
    assert [x.get("screenshot") for x in lines[:2]] == ["step-001-click.png",
                                                         "step-002-click.png"]
    assert lines[0]["action"] == "type ***" and lines[-1] == {"summary": True, "steps": 2}


# ---- naming elements -----------------------------------------------------------------
def _el(kind, box, text=None, score=0.9, checked=None):
    return Element(kind=kind, box=box, text=text, score=score, checked=checked)


def test_one_ocr_line_over_a_row_of_menu_items_names_each_by_its_words():
    line = TextLine(text="File Help", box=(1, 3, 93, 28), conf=0.9,
                    char_x=(8, 16, 22, 30, 40, 55, 65, 75, 85))
    assert words_within(line, 46, 98).text == "Help"
    assert words_within(line, 1, 43).text == "File"
    assert words_within(line, 0, 100).text == "File Help"
    assert words_within(line, 46, 98).box[0] >= 40          # the box of its words only
    assert words_within(TextLine(text="File Help", box=(1, 3, 93, 28), conf=0.9),
                        46, 98) is None                     # no character positions


def test_boxes_over_other_controls_are_dropped():
    a, b, c = (_el("button", (x, 30, 40, 20)) for x in (5, 50, 95))
    row = _el("button", (0, 25, 140, 30))                   # a loose box over all three
    box = _el("checkbox", (28, 183, 11, 11))
    field = _el("text_field", (16, 175, 193, 26))           # over the checkbox's label
    real = _el("text_field", (110, 135, 116, 26))
    assert _drop_containers([a, b, c, row, box, field, real]) == [a, b, c, box, real]


def test_an_element_boxed_twice_is_listed_once():
    one = _Seen(_el("link", (43, 392, 76, 29), "Badge", 0.64), ["Badge"])
    two = _Seen(_el("link", (47, 396, 52, 19), "Badge", 0.60), ["Badge"])
    other = _Seen(_el("link", (47, 396, 52, 19), "Tray", 0.60), ["Tray"])
    assert _dedupe([two, one, other]) == [one, other]


# ---- locators for an element id --------------------------------------------------------
class _FakeVision:
    """locate() answers from a table: locator text or kind -> (match box, runner-ups)."""

    def __init__(self, table):
        self.table = table

    def locate(self, frame, loc, prefer=None):
        key = (loc.kind, loc.text, loc.index)
        if key not in self.table:
            raise TargetNotFound("no")
        box, ups = self.table[key]
        el = _el(loc.kind or "text", box)
        return Match(element=el, score=1.0, point=el.center,
                     runners_up=tuple(_el("text", b) for b, _ in ups),
                     runner_scores=tuple(s for _, s in ups))


class _Frame:
    origin, scale, width, height = (0.0, 0.0), 1.0, 800, 600


def _parse(arg, value):
    task = load_task(Path("/tmp/x.yaml"), text=f"steps:\n- wait_for: {json.dumps(value)}\n")
    return task.steps[0].target


def test_an_element_is_recorded_by_its_name_unless_that_is_ambiguous():
    ok = (20, 217, 103, 34)
    elsewhere = (400, 217, 103, 34)
    el = _el("button", ok, "OK")
    v = _FakeVision({(None, "OK", None): (ok, [])})
    assert locator_for(v, _Frame(), el, ["OK"], "press", _parse) == "OK"
    # another OK as good: text alone is ambiguous; kind + text too; index finds it
    v = _FakeVision({(None, "OK", None): (ok, [(elsewhere, 1.0)]),
                     ("button", "OK", None): (ok, [(elsewhere, 0.99)]),
                     ("button", None, 0): (elsewhere, []),
                     ("button", None, 1): (ok, [])})
    assert locator_for(v, _Frame(), el, ["OK"], "press", _parse) == {"kind": "button",
                                                                     "index": 1}
    # nothing leads back to it: its centre, as a point
    v = _FakeVision({})
    assert locator_for(v, _Frame(), el, ["OK"], "press", _parse) == {"at": [72, 234]}


def test_a_name_of_a_few_letters_does_not_stand_for_its_line():
    from picoagent.vision.scene import _most_of
    assert _most_of("I agree to the rules", "I agree to the rules")
    assert _most_of("Cancel", "Cancel OK")
    assert not _most_of("-app", "kiosk-app")
    assert not _most_of("12.4", "Build finished successfully in 12.4 seconds")


def test_observe_keeps_a_terminals_lines_where_controls_cover_a_few_letters():
    """On xterm's `ls` output the element model sees menu items, boxed over parts of
    the file names; every line still shows, as the control's name or as a line."""
    from picoagent.vision import Frame, Vision, scene
    from picoagent.vision.frame import as_rgb_array
    from tests.helpers import ROOT
    frame = Frame(as_rgb_array(ROOT / "tests" / "data" / "corpus" / "xterm_dejavu.png"))
    seen = scene.perceive(Vision(threads=1), frame)
    texts = [s.element.text or "" for s in seen]
    for want in ("kiosk-app", "notes.md", "Build finished successfully in 12.4 seconds"):
        assert any(want in t for t in texts), (want, texts)
