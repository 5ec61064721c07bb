"""The MCP side: the official ``mcp`` SDK's low-level server over stdio.

It lists the tools of :mod:`.schema` (only the read-only ones with
``--read-only``) and hands every call to :meth:`.tools.Session.call` on one worker
thread, one call at a time.  Whatever a call raises comes back to the client as a
tool error (``isError: true``) with one line of text; the server itself never
stops on a client's mistake.  While serving, ``sys.stdout`` points at stderr, so
a stray print cannot corrupt the protocol stream (the SDK diverts fd 1 likewise).
"""
from __future__ import annotations

import json
import logging
import signal
import sys

from .schema import BY_NAME
from .tools import Image, Options, Session

log = logging.getLogger(__name__)

INSTRUCTIONS = """\
picoagent sees the screen as a short list of named elements and acts on them.
Call observe to list what is on screen (ids, kinds, text, boxes in screen points),
then act by element id (click {element}, type_text {into}, scroll {element}) or by
a task-file locator ("OK", {"kind": "button", "text": "OK"}, {"text": "Save",
"right_of": "Cancel"}). Observe again after the screen changes: ids are valid until
the next observe. find checks a locator without acting. screenshot returns a PNG
only when the element list is not enough. run_task runs a whole task file (YAML)
with waits and checks, without a model in the loop."""


def _tool_list(session: Session, types):
    out = []
    for name in session.tool_names:
        spec = BY_NAME[name]
        out.append(types.Tool(
            name=spec.name, description=spec.description, input_schema=spec.input_schema(),
            annotations=types.ToolAnnotations(
                read_only_hint=spec.read_only, destructive_hint=False,
                idempotent_hint=spec.read_only, open_world_hint=False)))
    return out


def serve(options: Options, session: Session | None = None) -> int:
    """Serve MCP on stdin/stdout until the client closes stdin; returns the exit code.

    Opens the devices first: a display problem raises EnvironmentProblem (exit 3)
    before anything is served.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import anyio
    from mcp import types
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    from .. import __version__
    from ..errors import PicoAgentError

    # every call runs on this one thread: the X11 capture (mss) may only be used on
    # the thread that opened it, and calls are one at a time anyway
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="picoagent-tools")
    if session is None:
        try:
            session = worker.submit(Session, options).result()
        except BaseException:
            worker.shutdown()
            raise
    tools = _tool_list(session, types)

    async def list_tools(ctx, params):
        return types.ListToolsResult(tools=tools)

    def run_call(name: str, arguments) -> types.CallToolResult:
        try:
            result = session.call(name, arguments)
        except PicoAgentError as e:
            return _error(types, session.redact(str(e)))
        except Exception as e:  # noqa: BLE001 - a bug here must not end the session
            import traceback
            log.error("tool %s failed:\n%s", name,
                      session.redact("".join(traceback.format_exception(e))))
            return _error(types, session.redact(f"{name}: internal error: "
                                                f"{type(e).__name__}: {e}"))
        if isinstance(result, Image):
            import base64
            return types.CallToolResult(content=[
                types.ImageContent(type="image", data=base64.b64encode(result.png).decode(),
                                   mime_type="image/png"),
                types.TextContent(type="text", text=json.dumps(result.info))])
        return types.CallToolResult(content=[types.TextContent(
            type="text", text=json.dumps(result, ensure_ascii=False,
                                         separators=(",", ":")))])

    async def call_tool(ctx, params):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(worker, run_call, params.name, params.arguments)

    server = Server("picoagent", version=__version__, instructions=INSTRUCTIONS,
                    on_list_tools=list_tools, on_call_tool=call_tool)

    async def main() -> None:
        async with stdio_server() as (read, write):
            stdout, sys.stdout = sys.stdout, sys.stderr
            try:
                await server.run(read, write, server.create_initialization_options())
            finally:
                sys.stdout = stdout

    def on_term(signum, frame):
        session.stop.set()
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, on_term)
    code = 0
    try:
        anyio.run(main)
    except KeyboardInterrupt:
        code = 130
    except SystemExit as e:
        code = int(e.code or 0)
    finally:
        signal.signal(signal.SIGTERM, old)
        session.stop.set()
        worker.submit(session.close, interrupted=code != 0).result()
        worker.shutdown()
    return code


def _error(types, message: str):
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)],
                                is_error=True)
