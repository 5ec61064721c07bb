"""`notify:` step and `settings: {notify: ...}` against a real HTTP server on
127.0.0.1 (a thread), with the runner on a replayed real screenshot: the JSON body,
masking of secrets, the failure screenshot, one attempt only, timeouts."""
from __future__ import annotations

import base64
import json
import socket
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from picoagent.agent import Report, Runner
from picoagent.devices import ImageScreen, RecordingInput
from picoagent.errors import TaskFileError
from picoagent.notify import post_json, shown_url
from picoagent.task import load_task
from tests.helpers import ROOT

SHOT = ROOT / "tests" / "data" / "zenity_entry.png"     # "Enter your PIN", Cancel, OK
PIN = "8642"
TOKEN = "tok-5551234"


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        n = int(self.headers.get("Content-Length", 0))
        self.server.got.append({"path": self.path, "headers": dict(self.headers),
                                "body": self.rfile.read(n)})
        code = self.server.reply
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    srv.got, srv.reply = [], 200
    t = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    t.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()


def run(tmp_path, vision, text, report=False, env=None):
    p = tmp_path / "t.yaml"
    p.write_text(textwrap.dedent(text))
    env = {"KIOSK_TOKEN": TOKEN, **(env or {})}
    task = load_task(p, env=env)
    rep = Report(tmp_path / "rep") if report else None
    runner = Runner(task, screen=ImageScreen(SHOT), input=RecordingInput(), vision=vision,
                    report=rep, env=env)
    return runner, runner.run()


def test_step_posts_a_masked_json_summary_with_headers(tmp_path, vision, server):
    _, res = run(tmp_path, vision, f"""
        name: kiosk {PIN}
        vars: {{pin: "{PIN}"}}
        secrets: [pin, env.KIOSK_TOKEN]
        steps:
          - notify:
              url: {server.url}/hook/${{env.KIOSK_TOKEN}}
              title: "PIN ${{pin}}"
              message: "typed ${{pin}} with ${{env.KIOSK_TOKEN}}"
              headers: {{Authorization: "Bearer ${{env.KIOSK_TOKEN}}"}}
            label: tell ${{pin}}
        """, report=True)
    assert res.ok, res.failure
    (req,) = server.got
    raw = req["body"].decode()
    assert PIN not in raw and TOKEN not in raw                   # secrets never in the body
    body = json.loads(raw)
    assert body["title"] == "PIN ***" and body["message"] == "typed *** with ***"
    assert body["task"] == "kiosk ***" and body["event"] == "notify"
    assert body["step"]["kind"] == "notify" and body["step"]["label"] == "tell ***"
    assert "screenshot" not in body
    assert req["headers"]["Authorization"] == f"Bearer {TOKEN}"  # the token goes as a header
    assert req["path"] == f"/hook/{TOKEN}"
    assert req["headers"]["Content-Type"].startswith("application/json")
    report = (tmp_path / "rep" / "run.jsonl").read_text()
    assert TOKEN not in report and "/hook" not in report          # the URL shows host only
    assert res.steps[0].action == f"POST {server.url}/…: HTTP 200"


def test_failed_run_notifies_once_with_message_and_screenshot(tmp_path, vision, server):
    _, res = run(tmp_path, vision, f"""
        vars: {{pin: "{PIN}"}}
        secrets: [pin]
        settings:
          timeout: 300ms
          notify: {{url: "{server.url}/fail", screenshot: true, timeout: 5s}}
        steps:
          - click: OK
          - click: "Reset ${{pin}}"
        on_failure:
          - log: cleanup
        """, report=True)
    assert not res.ok and res.failure.kind == "click"
    (req,) = server.got                                       # once, after on_failure
    assert PIN not in req["body"].decode()
    body = json.loads(req["body"])
    assert body["event"] == "failed" and body["title"].endswith("failed")
    assert "'Reset ***' not found" in body["message"]
    assert body["step"]["index"] == 2 and body["step"]["where"].endswith("t.yaml:9")
    png = base64.b64decode(body["screenshot"]["base64"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert body["screenshot"]["name"] == "step-002-click.png"   # the report's annotated one
    recs = [json.loads(x) for x in (tmp_path / "rep" / "run.jsonl").read_text().splitlines()]
    note = [r for r in recs if r.get("notify")]
    assert note == [{"notify": True, "url": f"{server.url}/…", "ok": True,
                     "result": "HTTP 200", "ms": note[0]["ms"]}]
    assert recs[-1].get("summary")                             # the report still closes


def test_passed_run_sends_nothing_and_dry_run_skips_the_step(tmp_path, vision, server):
    _, res = run(tmp_path, vision, f"""
        settings: {{notify: "{server.url}/x"}}
        steps:
          - click: OK
        """)
    assert res.ok and server.got == []
    p = tmp_path / "d.yaml"
    p.write_text(f"steps:\n  - notify: {server.url}/y\n")
    res = Runner(load_task(p), screen=ImageScreen(SHOT), input=RecordingInput(),
                 vision=vision, dry_run=True).run()
    assert res.steps[0].status == "skipped" and server.got == []


def test_error_status_fails_the_step_after_one_attempt(tmp_path, vision, server):
    server.reply = 500
    runner, res = run(tmp_path, vision, f"""
        settings: {{notify: "{server.url}/fail"}}
        steps:
          - notify: {server.url}/step
        """)
    assert not res.ok
    assert res.failure.message == f"notify {server.url}/…: HTTP 500 Internal Server Error"
    # one POST for the step and one for the failure: no retries
    assert [r["path"] for r in server.got] == ["/step", "/fail"]
    assert runner.notify_result is not None and not runner.notify_result.ok


def test_a_silent_endpoint_costs_its_timeout_once():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)                  # accepts the connection, never answers
    try:
        import time
        t = time.monotonic()
        r = post_json(f"http://127.0.0.1:{lsock.getsockname()[1]}/x", {"a": 1},
                      timeout=0.3)
        dt = time.monotonic() - t
    finally:
        lsock.close()
    assert not r.ok and r.error == "no answer within 0.3s"
    assert 0.25 < dt < 2.0
    # nothing listens on port 9 (discard): refused at once
    r = post_json("http://127.0.0.1:9/x", {}, timeout=2)
    assert not r.ok and r.error.startswith("cannot reach http://127.0.0.1:9/…")


@pytest.mark.parametrize("text, msg", [
    ("steps:\n  - notify: ftp://host/x\n", "must start with http:// or https://"),
    ("steps:\n  - notify: {message: hi}\n", "notify needs `url`"),
    ("steps:\n  - notify: {url: 'http://h/x', retries: 3}\n", "unknown key in notify"),
    ("steps:\n  - notify: {url: 'http://h/x', headers: {'Bad Name': x}}\n",
     "invalid header name"),
    ("steps:\n  - notify: {url: 'http://h/x', screenshot: yes}\n", "expected true or false"),
    ("settings: {notify: {url: 'http://h/x', message: m}}\nsteps:\n  - log: x\n",
     "unknown key in settings.notify"),
    ("settings: {notify: {url: 'http://h/x', timeout: 0s}}\nsteps:\n  - log: x\n",
     "timeout must be more than 0"),
])
def test_bad_notify_is_a_load_error(tmp_path, text, msg):
    with pytest.raises(TaskFileError, match=msg):
        load_task(tmp_path / "t.yaml", text=text)


def test_shown_url_keeps_only_scheme_and_host():
    assert shown_url("https://ntfy.sh/secret-topic?x=1") == "https://ntfy.sh/…"
    assert shown_url("http://ha.local:8123") == "http://ha.local:8123"
    assert shown_url("not a url") == "(invalid URL)"
