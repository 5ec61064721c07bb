"""--junit's XML, from real runs on a replayed screenshot: one testsuite, one testcase per
top-level step, <failure> with the failed step's own message (also when it failed
inside a block), <error> where a run was cut off, <skipped/> for the steps never
reached; names from the task file, secrets masked; parsed with xml.etree."""
from __future__ import annotations

import textwrap
import threading
import xml.etree.ElementTree as ET

import pytest

from picoagent.agent import Runner
from picoagent.agent.junit import junit_xml, write_junit
from picoagent.agent.runner import StepResult
from picoagent.devices import ImageScreen, RecordingInput
from picoagent.errors import RunInterrupted
from picoagent.task import load_task
from tests.helpers import ROOT

SHOT = ROOT / "tests" / "data" / "zenity_entry.png"     # "Enter your PIN", Cancel, OK


def runner(tmp_path, vision, text, **kw):
    p = tmp_path / "t.yaml"
    p.write_text(textwrap.dedent(text))
    return Runner(load_task(p), screen=ImageScreen(SHOT), input=RecordingInput(),
                  vision=vision, **kw)


def cases(path):
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    out = []
    for c in suite.findall("testcase"):
        kids = {k.tag: k for k in c}
        out.append((c.get("name"), kids))
    return suite, out


def test_failure_inside_a_block_lands_on_its_top_level_step(tmp_path, vision):
    r = runner(tmp_path, vision, """\
        name: PIN dialog
        settings: {timeout: 300ms}
        on_failure:
          - log: cleaning up
        steps:
          - click: {text: OK, right_of: Cancel}
          - optional: true
            click: Not here
          - if: {visible: Cancel}
            then:
              - log: inside
              - click: Nowhere to be seen
          - click: Cancel
          - label: the end
            log: done
        """)
    res = r.run()
    assert not res.ok
    write_junit(tmp_path / "out" / "junit.xml", r, duration_s=res.duration_s)
    suite, cs = cases(tmp_path / "out" / "junit.xml")
    assert suite.get("name") == "PIN dialog"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"),
            suite.get("skipped")) == ("5", "1", "0", "2")
    names = [n for n, _ in cs]
    assert names == ["1 click 'OK' right_of 'Cancel'", "2 click 'Not here'",
                     "3 if visible 'Cancel'", "4 click 'Cancel'", "5 log [the end]"]
    assert cs[0][1] == {}                                        # passed
    assert "warning: 'Not here' not found" in cs[1][1]["system-out"].text
    fail = cs[2][1]["failure"]
    assert fail.get("message") == res.failure.message            # the step's own text
    assert res.failure.kind == "click" and res.failure.depth == 1
    assert "inside this step" in fail.text and res.failure.where in fail.text
    assert [set(k) for _, k in cs[3:]] == [{"skipped"}, {"skipped"}]
    assert all(c.get("file") == str(tmp_path / "t.yaml") for c in suite)
    assert [int(c.get("line")) for c in suite] == [6, 8, 9, 13, 15]   # each step name's line


def test_top_level_failure_passes_and_secrets(tmp_path, vision):
    r = runner(tmp_path, vision, """\
        vars: {pin: "4711"}
        secrets: [pin]
        settings: {timeout: 300ms}
        steps:
          - type: {text: "${pin}", into: Cancel}
          - wait_gone: "4711"
          - expect: "PIN 4711 accepted"
          - click: OK
        """)
    res = r.run()
    data = junit_xml(r.task, r.results, duration_s=res.duration_s,
                     redact=lambda s: r._redact(s))
    assert b"4711" not in data
    root = ET.fromstring(data)
    cs = root.find("testsuite").findall("testcase")
    assert [c.get("name") for c in cs] == ["1 type into 'Cancel'", "2 wait_gone '***'",
                                           "3 expect 'PIN *** accepted'", "4 click 'OK'"]
    (f,) = cs[2].findall("failure")
    assert f.get("message") == res.failure.message and "not found" in f.get("message")
    assert cs[3].find("skipped").get("message") == "not reached"
    assert float(cs[0].get("time")) > 0


def test_an_interrupted_run_gives_its_step_an_error(tmp_path, vision):
    stop = threading.Event()
    r = runner(tmp_path, vision, """\
        steps:
          - log: one
          - sleep: 5s
          - log: three
        """, stop_event=stop, on_step=lambda s: stop.set())
    with pytest.raises(RunInterrupted) as ei:
        r.run()
    write_junit(tmp_path / "j.xml", r, duration_s=0.5, error=str(ei.value))
    suite, cs = cases(tmp_path / "j.xml")
    assert suite.get("errors") == "1" and suite.get("skipped") == "1"
    assert cs[0][1] == {}
    assert cs[1][1]["error"].get("message") == str(ei.value)
    assert set(cs[2][1]) == {"skipped"}


def test_dry_run_skips_and_odd_characters_stay_parseable(tmp_path, vision):
    r = runner(tmp_path, vision, """\
        steps:
          - launch: [sh, -c, "exit 0"]
          - click: OK
        """, dry_run=True)
    res = r.run()
    assert res.ok
    data = junit_xml(r.task, r.results, duration_s=res.duration_s)
    cs = ET.fromstring(data).find("testsuite").findall("testcase")
    assert cs[0].find("skipped").get("message").startswith("would launch")
    assert list(cs[1]) == []
    # an OCR'd or program text with control characters still makes a valid document
    bad = StepResult(index=1, kind="launch", where=str(r.task.steps[0].where),
                     status="failed", message="exit \x1b[31mred\x00 & <b>")
    root = ET.fromstring(junit_xml(r.task, [bad], duration_s=0.1))
    assert root.find("testsuite/testcase/failure").get("message") == \
        "exit \ufffd[31mred\ufffd & <b>"
