"""`picoagent mcp` end to end: the official SDK's stdio client drives the server process
(`python -m picoagent.cli mcp`) against real programs on the test Xvfb.  Every
outcome is checked through the program itself (exit code, stdout, event log) or the
X server (pointer position), not through picoagent's own perception.
"""
from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
import sys
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from tests.helpers import (ROOT, CheckinApp, kill, move_pointer, pointer_position, run_cli,
                           wait_window)

pytest.importorskip("mcp", reason="the mcp SDK is a dependency of picoagent")

from anyio.from_thread import start_blocking_portal  # noqa: E402
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

ALL_TOOLS = ["observe", "find", "click", "type_text", "press", "scroll", "screenshot",
             "validate_task", "run_task"]
#: the arguments without `?` in the issue's tool list
REQUIRED = {"observe": [], "find": ["target"], "click": [], "type_text": ["text"],
            "press": ["keys"], "scroll": ["dy"], "screenshot": [],
            "validate_task": ["yaml"], "run_task": ["yaml"]}


class Client:
    """A ClientSession used from synchronous test code (through an anyio portal)."""

    def __init__(self, portal, session: ClientSession):
        self.portal, self.session = portal, session

    def list_tools(self) -> dict:
        return {t.name: t for t in self.portal.call(self.session.list_tools).tools}

    def call(self, name: str, args: dict | None = None):
        return self.portal.call(self.session.call_tool, name, args or {})

    def ok(self, name: str, args: dict | None = None) -> dict:
        """The JSON result of a call that must succeed."""
        r = self.call(name, args)
        assert not r.is_error, f"{name} {args}: {r.content[0].text}"
        return json.loads(r.content[0].text)

    def error(self, name: str, args: dict | None = None) -> str:
        """The message of a call that must be a tool error."""
        r = self.call(name, args)
        assert r.is_error, f"{name} {args} should have failed: {r.content[0].text}"
        return r.content[0].text


@asynccontextmanager
async def _connect(params: StdioServerParameters, errlog):
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


@contextmanager
def mcp_server(tmp_path: Path, *flags: str, backend: str = "x11", env: dict | None = None):
    """A `picoagent mcp --backend BACKEND FLAGS` process and a connected client; its
    stderr is in tmp_path/server-N.log.  ``env``: the server's environment (default:
    the test Xvfb's DISPLAY)."""
    n = len(list(tmp_path.glob("server-*.log")))
    log = tmp_path / f"server-{n}.log"
    if env is None:
        env = {k: os.environ[k] for k in ("DISPLAY", "PYTHONPATH") if k in os.environ}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "picoagent.cli", "mcp", "--backend", backend,
                                      *flags],
        env=env, cwd=str(ROOT))
    with open(log, "w") as errlog, start_blocking_portal() as portal:
        with portal.wrap_async_context_manager(_connect(params, errlog)) as session:
            yield Client(portal, session)
    assert "Traceback" not in log.read_text(), log.read_text()


def test_lists_tools_required_arguments_and_the_read_only_subset(tmp_path, xdisplay):
    with mcp_server(tmp_path) as c:
        tools = c.list_tools()
        assert list(tools) == ALL_TOOLS
        for name, tool in tools.items():
            assert sorted(tool.input_schema.get("required", [])) == sorted(REQUIRED[name]), name
        # malformed arguments: a tool error naming the argument; the server lives on
        assert "'count'" in c.error("click", {"target": "OK", "count": 3})
        assert "'region'" in c.error("observe", {"region": "everything"})
        assert "'colour'" in c.error("observe", {"colour": "red"})
        assert "'text'" in c.error("type_text", {})
        assert "'target'" in c.error("find", {"target": {"kind": "buton"}})
        assert list(c.list_tools()) == ALL_TOOLS
    move_pointer(5, 7)
    with mcp_server(tmp_path, "--read-only") as c:
        assert list(c.list_tools()) == ["observe", "find", "screenshot", "validate_task"]
        for name, args in (("click", {"point": [300, 300]}), ("press", {"keys": "Return"}),
                           ("run_task", {"yaml": "steps:\n- click: {at: [300, 300]}\n"})):
            assert "read-only" in c.error(name, args)
    assert pointer_position() == (5, 7)                 # nothing moved


def test_observe_then_click_by_element_id(tmp_path, xdisplay):
    proc = subprocess.Popen(["yad", "--title=Pick", "--text=Pick one", "--button=Alpha:11",
                             "--button=Beta:12", "--button=Gamma:13"])
    try:
        wait_window("Pick")
        with mcp_server(tmp_path) as c:
            seen = c.ok("observe")
            assert seen["screen"] == {"width": 1024, "height": 640}
            buttons = {e["text"]: e for e in seen["elements"] if e["kind"] == "button"}
            # three buttons in a row are three elements, each named by its own words
            assert {"Alpha", "Beta", "Gamma"} <= set(buttons), seen
            ids = [e["id"] for e in seen["elements"]]
            assert ids == list(range(len(ids)))
            a, b, g = (buttons[n]["box"] for n in ("Alpha", "Beta", "Gamma"))
            assert a[0] < b[0] < g[0]                   # reading order: left to right
            done = c.ok("click", {"element": buttons["Beta"]["id"]})
            x, y = done["clicked"]
            assert b[0] <= x <= b[0] + b[2] and b[1] <= y <= b[1] + b[3]
            assert proc.wait(10) == 12                  # yad: the Beta button's code
    finally:
        kill(proc)


def test_type_into_a_form_by_locator(tmp_path, xdisplay):
    proc = subprocess.Popen(["zenity", "--forms", "--title=Visitor", "--text=Visitor",
                             "--add-entry=Name", "--add-entry=City"],
                            stdout=subprocess.PIPE, text=True)
    try:
        wait_window("Visitor")
        with mcp_server(tmp_path) as c:
            c.ok("type_text", {"text": "Ada", "timeout": 5,
                               "into": {"kind": "text_field", "right_of": "Name"}})
            c.ok("type_text", {"text": "London",
                               "into": {"kind": "text_field", "right_of": "City"}})
            c.ok("click", {"target": "OK"})
            out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out.strip() == "Ada|London"
    finally:
        kill(proc)


def test_a_click_not_found_is_a_tool_error_and_moves_nothing(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "events.log")
    try:
        with mcp_server(tmp_path) as c:
            move_pointer(600, 500)
            msg = c.error("click", {"target": "Launch the rockets"})
            assert "not found" in msg and "Launch the rockets" in msg
            assert pointer_position() == (600, 500)
            assert "'element'" in c.error("click", {"element": 0})   # no observe yet
            assert pointer_position() == (600, 500)
            assert app.events() == ["Ready"]
            # a secret typed where the screen shows it is masked in what observe reads
            c.ok("type_text", {"text": "Lovelace", "secret": True,
                               "into": {"text": "Name", "offset": [160, 0]}})
            seen = json.dumps(c.ok("observe"))
            assert "Lovelace" not in seen and "***" in seen
    finally:
        app.close()


CHECKIN = """\
name: check in
vars: {visitor: Ada}
settings: {timeout: 8s}
steps:
  - type: {text: "${visitor}", into: {text: Name, offset: [160, 0]}}
  - click: I agree to the rules
  - click: Check in
  - expect: "Welcome, ${visitor}"
  - read: {at: Visitors today, into: count, pattern: '\\d+'}
"""


def test_validate_and_run_a_task(tmp_path, xdisplay):
    app = CheckinApp(tmp_path / "events.log")
    try:
        with mcp_server(tmp_path) as c:
            bad = c.ok("validate_task", {"yaml": "steps:\n  - clik: OK\n"})
            assert bad["ok"] is False
            assert bad["errors"][0]["line"] == 2 and "clik" in bad["errors"][0]["message"]
            good = c.ok("validate_task", {"yaml": CHECKIN})
            assert good["ok"] is True and good["errors"] == [] and good["steps"] == 5
            # an invalid task: exit code 2, nothing touched
            move_pointer(600, 500)
            r = c.ok("run_task", {"yaml": CHECKIN + "  - click: {at: [30, 30]}\n  - clik: x\n"})
            assert r["exit_code"] == 2 and r["ok"] is False and r["steps"] == []
            assert r["errors"][0]["line"] == 11
            # a launch (it could start anything) is refused without --allow-launch, and
            # includes stay inside the task folder, as for `picoagent run`
            made = tmp_path / "launched"
            r = c.ok("run_task", {"yaml": f"steps:\n  - launch: {{cmd: [touch, '{made}'], "
                                          "wait: true}\n"})
            assert r["exit_code"] == 2 and "--allow-launch" in r["errors"][0]["message"]
            # so is a POST over the network (it can carry the screen) without --allow-notify
            r = c.ok("run_task", {"yaml": "steps:\n  - notify: {url: 'http://127.0.0.1:9/x', "
                                          "screenshot: true}\n"})
            assert r["exit_code"] == 2 and "--allow-notify" in r["errors"][0]["message"]
            r = c.ok("run_task", {"yaml": f"steps:\n  - include: {tmp_path}/x.yaml\n"})
            assert r["exit_code"] == 2 and "outside" in r["errors"][0]["message"]
            assert pointer_position() == (600, 500) and app.events() == ["Ready"]
            assert not made.exists()
            # vars override the task's own
            r = c.ok("run_task", {"yaml": CHECKIN, "vars": {"visitor": "Grace"}})
            assert r["exit_code"] == 0 and r["ok"] is True, r
            assert [s["kind"] for s in r["steps"]] == ["type", "click", "click", "expect",
                                                       "read"]
            assert r["variables"]["count"] == "4"
        assert "Welcome, Grace! PIN missing" in app.events()
    finally:
        app.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_screenshot_is_a_png_scaled_to_max_side(tmp_path, xdisplay):
    with mcp_server(tmp_path) as c:
        r = c.call("screenshot", {"max_side": 320})
        assert not r.is_error
        image = r.content[0]
        assert image.type == "image" and image.mime_type == "image/png"
        png = base64.b64decode(image.data)
        assert _png_size(png) == (320, 200)           # the 1024x640 test screen
        assert json.loads(r.content[1].text)["image"] == {"width": 320, "height": 200}
        full = base64.b64decode(c.call("screenshot").content[0].data)
        assert _png_size(full) == (1024, 640)
        assert "'max_side'" in c.error("screenshot", {"max_side": 2})


def test_record_then_replay_on_a_fresh_instance(tmp_path, xdisplay):
    rec, report = tmp_path / "session.yaml", tmp_path / "report"
    app = CheckinApp(tmp_path / "first.log")
    try:
        with mcp_server(tmp_path, "--record", str(rec), "--report", str(report)) as c:
            seen = c.ok("observe")["elements"]

            def element(kind, text):
                hits = [e for e in seen if e["kind"] == kind and e["text"] == text]
                assert len(hits) == 1, (kind, text, seen)
                return hits[0]["id"]

            c.ok("type_text", {"text": "Ada", "into": element("text_field", "Name")})
            typed = c.ok("type_text", {"text": "4711", "secret": True,
                                       "into": {"text": "PIN", "offset": [120, 0]}})
            assert typed["typed"] == "***"
            c.ok("click", {"element": element("checkbox", "I agree to the rules")})
            c.ok("click", {"element": element("button", "Check in")})
            assert "4711" not in json.dumps(c.ok("observe"))
        assert "Welcome, Ada! PIN ok" in app.events()
    finally:
        app.close()
    text = rec.read_text()
    assert "4711" not in text and "${secret_1}" in text
    assert text.count("\n  - ") == 4 and "at:" not in text       # named, not coordinates
    assert "4711" not in (report / "run.jsonl").read_text()
    records = [json.loads(x) for x in (report / "run.jsonl").read_text().splitlines()]
    steps = [r for r in records if "index" in r]
    assert [r["index"] for r in steps] == [1, 2, 3, 4]
    assert records[0]["run"] is True and records[-1]["summary"] is True
    shots = [r["screenshot"] for r in steps if "screenshot" in r]
    assert len(set(shots)) == len(shots) == 3               # the secret step has none
    assert all((report / s).stat().st_size > 1000 for s in shots)

    fresh = CheckinApp(tmp_path / "second.log")
    try:
        r = run_cli("run", str(rec), "--var", "secret_1=4711")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "4711" not in r.stdout
        assert "Welcome, Ada! PIN ok" in fresh.events()
    finally:
        fresh.close()


def test_observe_and_click_on_wayland(sway, sway_launch, tmp_path):
    proc, _ = sway_launch(["yad", "--title", "Pick one", "--text", "Choose a colour",
                           "--button", "Red:3", "--button", "Green:5", "--button", "Blue:7"],
                          title="Pick one")
    with mcp_server(tmp_path, backend="wayland", env=sway.client_env()) as c:
        seen = c.ok("observe")
        assert seen["screen"] == {"width": 1280, "height": 720}
        green = [e for e in seen["elements"] if e["kind"] == "button" and e["text"] == "Green"]
        assert len(green) == 1, seen
        found = c.ok("find", {"target": {"kind": "button", "text": "Blue"}})
        assert found["found"] is True and found["box"][0] > green[0]["box"][0]
        c.ok("click", {"element": green[0]["id"]})
        assert proc.wait(10) == 5                       # yad: the Green button's code


def test_cli_help_names_every_tool():
    r = run_cli("mcp", "--help")
    assert r.returncode == 0
    for name in ALL_TOOLS:
        assert name in r.stdout
    r = run_cli("mcp", "--read-only", "--record", "x.yaml", env={"DISPLAY": ":999"})
    assert r.returncode == 2 and "--read-only" in r.stderr

