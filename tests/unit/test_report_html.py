"""report.html: written from the same records as run.jsonl (so masked the same way),
a complete page after every rewrite (a killed run leaves its last state), failures
first, everything escaped, nothing fetched from elsewhere."""
from __future__ import annotations

import json
import re
import textwrap
import time


from picoagent.agent import Report, Runner, report as report_mod
from picoagent.agent.htmlreport import HTML_FILE, render
from picoagent.devices import ImageScreen, RecordingInput
from picoagent.task import load_task
from tests.helpers import ROOT

SHOT = ROOT / "tests" / "data" / "zenity_entry.png"     # "Enter your PIN", Cancel, OK

HEAD = {"run": True, "task": "Kiosk <check>", "backend": "x11",
        "backend_reason": "DISPLAY=:9 is set", "dry_run": False, "version": "0.1.0"}


def step(i, status="passed", **kw):
    return {"index": i, "kind": kw.pop("kind", "click"), "where": f"/t/task.yaml:{i + 3}",
            "status": status, "depth": 0, "ms": 12.5, **kw}


def page(folder):
    return (folder / HTML_FILE).read_text(encoding="utf-8")


def test_every_rewrite_is_a_whole_page_and_a_killed_run_keeps_its_last_state(
        tmp_path, monkeypatch):
    # records microseconds apart; a page is rewritten after each record here
    monkeypatch.setattr(report_mod, "HTML_SHARE", 1e12)
    rep = Report(tmp_path / "r")
    assert "INCOMPLETE" in page(tmp_path / "r")                # from the start: no stale page
    rep.write(HEAD)
    rep.write(step(1, target="'OK'", element={"kind": "text", "text": "OK",
                                              "box": [1, 2, 3, 4]}, score=1.0))
    p = page(tmp_path / "r")
    assert p.endswith("</html>\n") and "INCOMPLETE" in p and 'id="step-1"' in p
    assert not list((tmp_path / "r").glob(".*.tmp"))          # replaced, not left beside
    # no close(): as if the process were killed here
    rep2 = Report(tmp_path / "r")                              # the next run replaces it
    assert 'id="step-1"' not in page(tmp_path / "r")
    rep2.close()
    rep.close()


def test_a_failed_step_and_the_summary_are_written_at_once_even_between_rewrites(
        tmp_path, monkeypatch):
    monkeypatch.setattr(report_mod, "HTML_SHARE", 1e-9)      # as if a page took ages
    rep = Report(tmp_path / "r")
    rep.write(HEAD)
    rep.write(step(1))
    assert 'id="step-1"' not in page(tmp_path / "r")         # not rewritten for this one
    assert rep._html_timer is not None                        # (but it will be, later)
    rep.write(step(2, "failed", message="'Check out' not found (closest: 'Check in', "
                                        "score 0.71; below min_score 0.80) after 2.0s",
                   screenshot="step-002-click.png"))
    p = page(tmp_path / "r")
    assert "&#x27;Check out&#x27; not found" in p and 'id="step-2"' in p
    rep.write({"summary": True, "ok": False, "interrupted": False, "error": None,
               "steps": 2, "failed_at": "/t/task.yaml:5", "duration_s": 2.5})
    p = page(tmp_path / "r")
    assert "FAILED at /t/task.yaml:5" in p and "INCOMPLETE" not in p
    rep.close()
    assert "FAILED at /t/task.yaml:5" in page(tmp_path / "r")


def test_a_skipped_rewrite_catches_up_without_another_record(tmp_path):
    """A run killed in a long wait after quick steps still shows those steps."""
    rep = Report(tmp_path / "r")
    for i in range(1, 30):
        rep.write(step(i))                     # microseconds apart: most rewrites wait
    deadline = time.monotonic() + 5
    while 'id="step-29"' not in page(tmp_path / "r"):
        assert time.monotonic() < deadline, "the page did not catch up"
        time.sleep(0.01)
    assert rep._html_timer is None
    rep.close()


def test_failures_come_first_then_every_step_in_order_with_match_and_runner_up():
    recs = [HEAD,
            step(2, depth=1, kind="click", target="'Later'", score=0.97,
                 element={"kind": "button", "text": "Later", "box": [5, 6, 7, 8],
                          "source": "ocr"},
                 runners_up=[{"kind": "text", "text": "Later today", "box": [1, 1, 1, 1],
                              "match": 0.83}], screenshot="step-002-click.png"),
            step(1, kind="if", message="then"),            # a block's record comes last
            step(3, "warning", message="optional: not found"),
            step(4, "failed", message="boom", screenshot="step-004-click.png"),
            {"summary": True, "ok": False, "failed_at": "/t/task.yaml:7", "duration_s": 1}]
    p = render(recs)
    assert p.index('id="failures"') < p.index('id="warnings"') < p.index('id="steps"')
    rows = re.findall(r'<tr class="(\w+)" id="step-(\d+)"', p)
    assert rows == [("passed", "1"), ("passed", "2"), ("warning", "3"), ("failed", "4")]
    row2 = re.search(r'id="step-2".*?</tr>', p, re.S).group(0)
    assert "&#x27;Later&#x27; (button)" in row2 and "score 0.97" in row2
    assert "&#x27;Later today&#x27;" in row2 and "0.83" in row2          # the runner-up
    assert 'src="step-002-click.png"' in row2
    assert "4 steps ran: 2 passed, 1 failed, 1 warning" in p


def test_everything_is_escaped_and_nothing_comes_from_elsewhere():
    evil = '<script>alert(1)</script><img src="http://x/y.png">'
    p = render([{**HEAD, "task": evil},
                step(1, "failed", message=evil, target=evil, label=evil,
                     element={"kind": "text", "text": evil, "box": [0, 0, 1, 1]},
                     runners_up=[{"kind": "text", "text": evil, "match": 0.5}],
                     screenshot='a"b<c>.png')])
    assert "<script" not in p and 'src="http' not in p and "<img src=\"http" not in p
    assert 'src="a%22b%3Cc%3E.png"' in p
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", p)
    assert "<link" not in p and "@import" not in p and "url(" not in p
    assert "default-src 'none'" in p                 # the page may not fetch anything


def test_secrets_are_masked_as_in_run_jsonl(tmp_path, vision):
    t = tmp_path / "t.yaml"
    t.write_text(textwrap.dedent("""\
        vars: {pin: "4711", code: "93a7"}
        secrets: [code]
        settings: {timeout: 300ms}
        steps:
          - type: {text: "${pin}", into: Cancel, secret: true}
          - log: "pin ${pin}, code ${code}"
            label: "code ${code}"
          - wait_gone: "93a7"
          - click: "4711 ${code}"
        """))
    rep = Report(tmp_path / "rep")
    res = Runner(load_task(t), screen=ImageScreen(SHOT), input=RecordingInput(),
                 vision=vision, report=rep).run()
    assert not res.ok
    p = page(tmp_path / "rep")
    jsonl = (tmp_path / "rep" / "run.jsonl").read_text()
    for secret in ("4711", "93a7"):
        assert secret not in jsonl and secret not in p
    assert "pin ***, code ***" in p and "code ***" in p and "&#x27;*** ***&#x27;" in p
    # the page shows what run.jsonl holds: every step record, no more
    ids = sorted(int(i) for i in re.findall(r'<tr class="\w+" id="step-(\d+)"', p))
    assert ids == sorted(json.loads(x)["index"] for x in jsonl.splitlines()
                         if "index" in json.loads(x))
    assert not list((tmp_path / "rep").glob("step-*-type.png"))   # no image of typing
