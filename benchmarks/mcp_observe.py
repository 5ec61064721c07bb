#!/usr/bin/env python3
"""What `picoagent mcp` costs a client: start-up, observe's latency, observe's size.

Starts a private Xvfb (1280x720, the demo's size) showing the demo app, and
`picoagent mcp --backend x11` as a child process driven by the official SDK's stdio
client (the way an MCP client runs it).  Times are round trips as the client sees
them (JSON-RPC over the pipe included):

* import: a fresh interpreter importing what `picoagent mcp` imports before it
  serves (the CLI, the server module, the SDK's server and stdio transport), against
  `import picoagent.cli` alone, the baseline (median of 5 processes each);
* start: process start to the initialize response;
* observe, first call: the cold case (the OCR and element models load, the whole
  screen is read);
* observe, changed screen: a new dialog appears (models warm; only what changed is
  read again);
* observe, unchanged screen: the same screen again (median of --runs);
* sizes: observe's JSON text in characters against a PNG screenshot of the same
  screen as base64 (what a client sends a model), at full size and scaled.

    .venv/bin/python benchmarks/mcp_observe.py [--runs 20] [--json F]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import start_xvfb  # noqa: E402
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

SCREEN = "1280x720x24"
APP = [sys.executable, str(ROOT / "examples" / "apps" / "checkin.py")]
DIALOG = ["zenity", "--forms", "--title=Visitor", "--text=Visitor", "--add-entry=Name",
          "--add-entry=City"]


def _import_s(stmt: str, n: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout) for _ in range(n))


def _xvfb() -> tuple[subprocess.Popen, str]:
    return start_xvfb(SCREEN, noreset=True)


def _wait_window(name: str, display: str) -> None:
    subprocess.run(["timeout", "15", "xdotool", "search", "--sync", "--onlyvisible",
                    "--name", name], env={**os.environ, "DISPLAY": display}, check=True,
                   capture_output=True)
    time.sleep(0.5)


async def _measure(display: str, runs: int) -> dict:
    fig: dict = {}
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "picoagent.cli", "mcp", "--backend", "x11"],
                                   env={"DISPLAY": display}, cwd=str(ROOT))
    t0 = time.perf_counter()
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            fig["start_s"] = time.perf_counter() - t0

            async def observe() -> tuple[float, str]:
                t = time.perf_counter()
                r = await s.call_tool("observe", {})
                assert not r.is_error, r.content[0].text
                return (time.perf_counter() - t) * 1000, r.content[0].text

            fig["observe_first_ms"], text = await observe()
            same = [(await observe())[0] for _ in range(runs)]
            fig["observe_unchanged_ms"] = statistics.median(same)
            fig["elements"] = len(json.loads(text)["elements"])
            fig["observe_chars"] = len(text)
            for side in (None, 1024, 640):
                r = await s.call_tool("screenshot", {"max_side": side} if side else {})
                fig[f"png_b64_chars_{side or 'full'}"] = len(r.content[0].data)
            dialog = subprocess.Popen(DIALOG, env={**os.environ, "DISPLAY": display},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                await anyio.to_thread.run_sync(_wait_window, "Visitor", display)
                fig["observe_changed_ms"], text2 = await observe()
                fig["observe_changed_chars"] = len(text2)
                r = await s.call_tool("screenshot", {})
                fig["png_b64_chars_changed_full"] = len(r.content[0].data)
            finally:
                dialog.kill()
                dialog.wait()
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    fig: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                            f"Python {platform.python_version()}, {platform.platform()}",
                 "screen": SCREEN}
    fig["import_cli_s"] = _import_s("import picoagent.cli")
    fig["import_mcp_s"] = _import_s("import picoagent.cli, picoagent.mcp.server, "
                                    "mcp.server.lowlevel, mcp.server.stdio")
    xvfb, display = _xvfb()
    app = subprocess.Popen(APP, env={**os.environ, "DISPLAY": display})
    try:
        _wait_window("Visitor check-in", display)
        fig.update(anyio.run(_measure, display, a.runs))
    finally:
        app.kill()
        xvfb.kill()
    print(f"machine: {fig['machine']}; screen {SCREEN}, the demo app")
    print(f"import for `picoagent mcp`   {fig['import_mcp_s']:.2f} s "
          f"({fig['import_mcp_s'] / fig['import_cli_s']:.1f}x `import picoagent.cli`, "
          f"{fig['import_cli_s']:.2f} s)")
    print(f"start to initialize          {fig['start_s']:.2f} s")
    print(f"observe, first call (cold)   {fig['observe_first_ms']:.0f} ms")
    print(f"observe, changed screen      {fig['observe_changed_ms']:.0f} ms (a dialog opened)")
    print(f"observe, unchanged screen    {fig['observe_unchanged_ms']:.1f} ms (median of "
          f"{a.runs}; {fig['observe_first_ms'] / fig['observe_unchanged_ms']:.0f}x faster "
          f"than the first)")
    print(f"observe result               {fig['observe_chars']} characters, "
          f"{fig['elements']} elements")
    for side in ("full", 1024, 640):
        n = fig[f"png_b64_chars_{side}"]
        print(f"PNG screenshot ({side:>4}) base64  {n} characters "
              f"({n / fig['observe_chars']:.0f}x observe's)")
    print(f"with the dialog: observe {fig['observe_changed_chars']} characters, PNG "
          f"{fig['png_b64_chars_changed_full']} "
          f"({fig['png_b64_chars_changed_full'] / fig['observe_changed_chars']:.0f}x)")
    if a.json:
        a.json.write_text(json.dumps(fig, indent=2))


if __name__ == "__main__":
    main()
