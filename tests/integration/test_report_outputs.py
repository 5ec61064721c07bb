"""`picoagent run --report DIR --junit FILE.xml` on the demo app, a passing and a failing
run: report.html as headless Chromium renders it (read back with --dump-dom), and the
JUnit XML parsed with xml.etree."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from tests.helpers import CheckinApp, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

PASSING = """\
    name: Check in with a PIN
    vars: {visitor: Ada, pin: "4711"}
    secrets: [pin]
    settings: {timeout: 10s}
    steps:
      - wait_for: Visitor check-in
      - type: {text: "${visitor}", into: {text: Name, offset: [160, 0]}}
      - type: {text: "${pin}", into: {text: PIN, offset: [120, 0]}}
        label: "PIN ${pin}"
      - click: I agree to the rules
      - click: Check in
      - expect: "Welcome, ${visitor}"
      - click: Save
      - log: "checked in with ${pin}"
    """

FAILING = """\
    name: Check out that is not there
    settings: {timeout: 2s}
    on_failure:
      - log: cleaning up
    steps:
      - wait_for: Visitor check-in
      - click: Check out
      - click: Cancel
      - expect: Cancelled
    """


def dom(html_file, profile) -> str:
    """The page as Chromium renders it (after load: images fetched or failed)."""
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--dump-dom", html_file.as_uri()],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "</html>" in r.stdout, r.stderr[-2000:]
    return r.stdout


def text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def rows(page: str) -> dict[int, tuple[str, str]]:
    """step number -> (status class, the row's visible text)."""
    return {int(m[2]): (m[1], text(m[3])) for m in
            re.finditer(r'<tr class="(\w+)" id="step-(\d+)">(.*?)</tr>', page, re.S)}


def run(tmp_path, task_text, name):
    task = tmp_path / f"{name}.yaml"
    task.write_text(textwrap.dedent(task_text))
    rep, junit = tmp_path / f"{name}-report", tmp_path / f"{name}.xml"
    app = CheckinApp(tmp_path / f"{name}-events.log")
    try:
        r = run_cli("run", str(task), "--report", str(rep), "--junit", str(junit))
    finally:
        app.close()
    return r, rep, junit, app


def test_passing_run_report_and_junit(tmp_path, xdisplay):
    r, rep, junit, app = run(tmp_path, PASSING, "pass")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Welcome, Ada! PIN ok" in app.events() and app.events()[-1] == "Saved"

    page = dom(rep / "report.html", tmp_path / "chromium")
    assert "PASSED" in text(page[:page.index("</header>")])
    got = rows(page)
    assert sorted(got) == list(range(1, 9)) and all(s == "passed" for s, _ in got.values())
    # the Save button matched; the runner-up: "Save" inside the "Save As" label beside it
    assert re.search(r"'Save' score 1\.00, box .* 'Save' score 0\.9\d box \[3", got[7][1]), \
        got[7]
    assert re.search(r"\d+ ms", got[7][1])
    # every screenshot the page shows is there (a missing one is replaced by text)
    shots = sorted(p.name for p in rep.glob("step-*.png"))
    assert shots and sorted(set(re.findall(r'<img src="(step-[^"]+)"', page))) == shots
    assert "screenshot missing" not in text(page)
    # secrets: masked in the page as in run.jsonl; typing the PIN left no picture
    assert "4711" not in page and "4711" not in (rep / "run.jsonl").read_text()
    assert "PIN ***" in got[3][1] and "checked in with ***" in got[8][1]
    assert not list(rep.glob("step-003-*.png"))

    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"),
            suite.get("skipped")) == ("Check in with a PIN", "8", "0", "0")
    assert all(len(c) == 0 for c in suite.findall("testcase"))
    assert b"4711" not in junit.read_bytes()


def test_failing_run_report_shows_the_failure_first_and_junit_has_it(tmp_path, xdisplay):
    r, rep, junit, app = run(tmp_path, FAILING, "fail")
    assert r.returncode == 1, r.stdout + r.stderr
    records = [json.loads(x) for x in (rep / "run.jsonl").read_text().splitlines()]
    (failed,) = [x for x in records if x.get("status") == "failed"]

    page = dom(rep / "report.html", tmp_path / "chromium")
    head = text(page[:page.index("</header>")])
    assert f"FAILED at {failed['where']}" in head
    # in view first: the failed step's card, its message and screenshot, before the list
    assert page.index('id="failures"') < page.index('id="steps"')
    card = page[page.index('id="failures"'):page.index('id="steps"')]
    assert failed["message"] in text(card) and "closest" in failed["message"]
    assert f'<img src="{failed["screenshot"]}"' in card
    got = rows(page)
    assert got[2][0] == "failed" and got[1][0] == "passed" and got[3][1].startswith("3 ok log")
    assert 4 not in got                                # never reached: no record, no row

    # the page says when a screenshot beside it is gone (and so that the others loaded)
    (rep / failed["screenshot"]).unlink()
    page2 = dom(rep / "report.html", tmp_path / "chromium")
    card2 = page2[page2.index('id="failures"'):page2.index('id="steps"')]
    assert "<img" not in card2 and f"screenshot missing: {failed['screenshot']}" in text(card2)

    suite = ET.parse(junit).getroot().find("testsuite")
    cs = suite.findall("testcase")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "2")
    assert [c.get("name") for c in cs] == ["1 wait_for 'Visitor check-in'",
                                           "2 click 'Check out'", "3 click 'Cancel'",
                                           "4 expect 'Cancelled'"]
    assert len(cs[0]) == 0
    assert cs[1].find("failure").get("message") == failed["message"]
    assert [c[0].tag for c in cs[2:]] == ["skipped", "skipped"]
    assert "Cancelled" not in app.events()


def test_a_killed_run_leaves_the_page_of_its_last_state(tmp_path, xdisplay):
    """SIGKILL in a long step, right after a quick one: the page has the quick one."""
    task = tmp_path / "long.yaml"
    task.write_text("name: long\nsteps:\n  - log: first\n  - sleep: 60s\n  - log: never\n")
    rep = tmp_path / "rep"
    proc = subprocess.Popen([sys.executable, "-m", "picoagent.cli", "run", str(task),
                             "--report", str(rep)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while '"index": 1' not in ((rep / "run.jsonl").read_text()
                                   if (rep / "run.jsonl").exists() else ""):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        proc.kill()
        proc.wait()
    page = dom(rep / "report.html", tmp_path / "chromium")
    assert "INCOMPLETE" in text(page[:page.index("</header>")])
    assert sorted(rows(page)) == [1] and "first" in rows(page)[1][1]


@pytest.fixture(autouse=True)
def _chromium_present():
    if not shutil.which(CHROMIUM):
        pytest.fail("chromium is not installed: run `make system-deps`")
