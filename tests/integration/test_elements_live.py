"""The UI element model on real screens: kind / checked locators drive real programs.

Every result is checked through the program itself (its stdout, its event log,
or the HTTP request a page sends), not through our own perception.
"""
from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import textwrap
import threading
import urllib.parse

import pytest

from picoagent.agent import Runner
from picoagent.task import load_task
from picoagent.vision import Frame
from tests.helpers import kill, wait_window


def run_text(tmp_path, text, vision, screen, pointer):
    p = tmp_path / "task.yaml"
    p.write_text(textwrap.dedent(text))
    return Runner(load_task(p), screen=screen, input=pointer, vision=vision).run()


def kinds_on(vision, screen) -> dict[str, int]:
    frame = screen.grab()
    out: dict[str, int] = {}
    for e in vision.elements(frame):
        out[e.kind] = out.get(e.kind, 0) + 1
    return out


# The acceptance tasks of issue #4: forms filled by kind and state, symbol keys by kind.
def test_tk_form_filled_by_kind_and_checkbox_ticked_by_state(tmp_path, checkin, vision,
                                                              screen, pointer):
    res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: Visitor check-in
              - type: {text: Ada, into: {kind: text_field, right_of: Name}}
              - type: {text: "4321", into: {kind: text_field, right_of: PIN}}
              - click: {kind: checkbox, checked: false, left_of: I agree to the rules}
              - wait_for: {kind: checkbox, checked: true, left_of: I agree to the rules}
              - click: {kind: button, text: Check in}
              - expect: Welcome, Ada
            """, vision, screen, pointer)
    events = checkin.events()
    assert res.ok, res.failure
    assert "Agreed" in events
    assert "Welcome, Ada! PIN ok" in events


@pytest.mark.skipif(not shutil.which("yad"), reason="yad is not installed (make system-deps)")
def test_yad_form_by_kind(tmp_path, xdisplay, vision, screen, pointer):
    proc = subprocess.Popen(["yad", "--form", "--title", "Sign in", "--field=Name",
                             "--field=Password:H", "--field=Remember me:CHK",
                             "--button=OK:0", "--button=Cancel:1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**__import__("os").environ, "NO_AT_BRIDGE": "1"})
    try:
        wait_window("Sign in")
        found = kinds_on(vision, screen)
        assert found.get("text_field", 0) >= 2 and found.get("checkbox", 0) >= 1 \
            and found.get("button", 0) >= 2, found
        res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: Remember me
              - type: {text: grace, into: {kind: text_field, right_of: Name}}
              - type: {text: s3cret, into: {kind: text_field, right_of: Password}, secret: true}
              - click: {kind: checkbox, checked: false, left_of: Remember me}
              - wait_for: {kind: checkbox, checked: true, left_of: Remember me}
              - click: {kind: button, text: OK}
            """, vision, screen, pointer)
        out, _ = proc.communicate(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert proc.returncode == 0
    assert out.strip() == "grace|s3cret|TRUE|"


def test_zenity_forms_fields_by_kind(tmp_path, xdisplay, vision, screen, pointer):
    proc = subprocess.Popen(["zenity", "--forms", "--title", "Account", "--text", "New account",
                             "--add-entry", "User", "--add-password", "Passphrase"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: New account
              - type: {text: lin, into: {kind: text_field, right_of: User}}
              - type: {text: "hunter2", into: {kind: text_field, right_of: Passphrase}}
              - click: {kind: button, text: OK}
            """, vision, screen, pointer)
        out, _ = proc.communicate(timeout=10)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert out.strip() == "lin|hunter2"


def test_xcalc_symbol_buttons_by_kind(tmp_path, xdisplay, vision, screen, pointer):
    proc = subprocess.Popen(["xcalc"], stderr=subprocess.DEVNULL)
    try:
        wait_window("Calculator")
        res = run_text(tmp_path, """
            settings: {timeout: 10s}
            steps:
              - wait_for: DEG
              - click: {kind: button, text: AC}
              - click: {kind: button, text: "9"}
              - click: {kind: button, text: "*"}
              - click: {kind: button, text: "6"}
              - click: {kind: button, text: "-"}
              - click: {kind: button, text: "3"}
              - click: {kind: button, text: "="}
              - read: {region: [0, 0, 230, 50], into: result, pattern: '\\d+'}
            """, vision, screen, pointer)
    finally:
        kill(proc)
    assert res.ok, res.failure
    assert res.variables["result"] == "51"


class _Recorder(http.server.BaseHTTPRequestHandler):
    page = b""
    hits: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        url = urllib.parse.urlparse(self.path)
        if url.path == "/send":
            type(self).hits.append(dict(urllib.parse.parse_qsl(url.query)))
            body = b"<html><body style='font:20px sans-serif'><h1>Thanks</h1></body></html>"
        else:
            body = type(self).page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


FORM_PAGE = """<!doctype html><html><head><title>Feedback</title><style>
body{font:16px sans-serif;margin:40px;background:#fafafa}
label{display:inline-block;width:110px}
input[type=text],input[type=email]{font:16px sans-serif;padding:6px;width:260px;
  border:1px solid #888;border-radius:4px}
.row{margin:14px 0}
button{font:16px sans-serif;padding:8px 22px;background:#1967d2;color:#fff;border:0;
  border-radius:6px}
</style></head><body>
<h2>Send feedback</h2>
<form action="/send" method="get">
<div class="row"><label>Email</label><input type="email" name="email"></div>
<div class="row"><label>Topic</label><input type="text" name="topic"></div>
<div class="row"><input type="checkbox" name="copy" id="copy"> <span>Send me a copy</span></div>
<div class="row"><input type="checkbox" name="news" id="news" checked> <span>Newsletter</span></div>
<div class="row"><button type="submit">Send</button> <a href="/help">Help</a></div>
</form></body></html>"""


DOCS_PAGE = """<!doctype html><html><head><title>FileHandle</title><style>
body{font:16px sans-serif;margin:30px 40px;background:#fff;color:#333}
a{color:#43853d;text-decoration:none}
code{font:15px "DejaVu Sans Mono",monospace}
li{margin:6px 0}
</style></head><body>
<h2>Class: FileHandle</h2>
<p>Table of contents (see the <a href="/send?link=guide">guide</a> first):</p>
<ul>
<li><a href="/send?link=appendFile"><code>filehandle.appendFile(data[, options])</code></a></li>
<li><a href="/send?link=chmod"><code>filehandle.chmod(mode)</code></a></li>
<li><a href="/send?link=read-options"><code>filehandle.read([options])</code></a></li>
<li><a href="/send?link=read"><code>filehandle.read(buffer, offset, length)</code></a></li>
<li><a href="/send?link=readFile"><code>filehandle.readFile(options)</code></a></li>
<li><a href="/send?link=write"><code>filehandle.write(buffer, offset)</code></a></li>
</ul></body></html>"""


def _chromium_task(tmp_path, vision, screen, pointer, steps: str, page: str = FORM_PAGE):
    _Recorder.page = page.encode()
    _Recorder.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="pico-chromium-")
    first = screen.grab()
    proc = subprocess.Popen(
        ["chromium", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-features=Translate", "--password-store=basic", f"--user-data-dir={profile}",
         "--window-position=0,0", f"--window-size={first.width},{first.height}",
         f"--app=http://127.0.0.1:{srv.server_port}/"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        res = run_text(tmp_path, "settings: {timeout: 30s}\nsteps:\n" + steps, vision, screen,
                       pointer)
    finally:
        kill(proc)
        srv.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    return res, _Recorder.hits


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_chromium_form_fields_by_kind(tmp_path, xdisplay, vision, screen, pointer):
    """Text fields found by the model and named by the label left of them."""
    res, hits = _chromium_task(tmp_path, vision, screen, pointer, """
  - wait_for: Send feedback
  - type: {text: ada@example.org, into: {kind: text_field, right_of: Email}}
  - type: {text: kiosk, into: {kind: text_field, right_of: Topic}}
  - click: Send
  - wait_for: Thanks
""")
    assert res.ok, res.failure
    assert hits == [{"email": "ada@example.org", "topic": "kiosk", "news": "on"}]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_chromium_form_checkboxes_by_state(tmp_path, xdisplay, vision, screen, pointer):
    res, hits = _chromium_task(tmp_path, vision, screen, pointer, """
  - wait_for: Send feedback
  - type: {text: ada@example.org, into: {kind: text_field, right_of: Email}}
  - type: {text: kiosk, into: {kind: text_field, right_of: Topic}}
  - click: {kind: checkbox, checked: false, left_of: Send me a copy}
  - click: {kind: checkbox, checked: true, left_of: Newsletter}
  - click: {kind: button, text: Send}
  - wait_for: Thanks
""")
    assert res.ok, res.failure
    assert hits == [{"email": "ada@example.org", "topic": "kiosk", "copy": "on"}]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_chromium_long_link_by_its_whole_text(tmp_path, xdisplay, vision, screen, pointer):
    """A table of contents of long code-styled links (green, not underlined, as on
    Node's API docs): the model boxes such a link in pieces, and the link is named
    by its whole text only once its box is widened to the words of its colour.
    Four links start "filehandle.read"; the page reports which one was followed."""
    res, hits = _chromium_task(tmp_path, vision, screen, pointer, """
  - wait_for: Table of contents
  - click: {kind: link, text: "filehandle.read(buffer, offset, length)"}
  - wait_for: Thanks
""", page=DOCS_PAGE)
    assert res.ok, res.failure
    assert hits == [{"link": "read"}]


def test_model_runs_once_per_distinct_screen(xdisplay, vision, screen):
    """The perception cache covers the model: an unchanged screen is not detected again."""
    f1 = screen.grab()
    vision.elements(f1)
    n = vision.detections
    vision.elements(f1)
    vision.elements(Frame(f1.image.copy()))         # a new frame, same pixels
    assert vision.detections == n
    img = f1.image.copy()
    img[:40, :40] = 255 - img[:40, :40]
    vision.elements(Frame(img))
    assert vision.detections == n + 1
