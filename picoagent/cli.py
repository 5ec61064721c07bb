"""Command line: parse arguments, call the library, map errors to exit codes.

Exit codes: 0 success, 1 a step failed, 2 invalid task file or usage,
3 environment problem (no display, a compositor without the protocols we need,
model missing), 130 SIGINT, 143 SIGTERM.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

import click

from . import __version__, defaults
from .devices.backend import BACKENDS
from .errors import EnvironmentProblem, PicoAgentError, RunInterrupted, UsageError

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_ENV = 0, 1, 2, 3

_STATUS = {"passed": "ok  ", "failed": "FAIL", "warning": "warn", "skipped": "skip",
           "started": "... "}


def _fail(err: PicoAgentError) -> None:
    click.echo(f"picoagent: {err}", err=True)
    sys.exit(err.exit_code)


def _parse_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            raise UsageError(f"--var {p!r}: expected NAME=VALUE")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def _step_line(r) -> str:
    indent = "  " * r.depth
    parts = [f"{_STATUS.get(r.status, r.status):4} {r.index:3} {indent}{r.kind}"]
    if r.label:
        parts.append(f"[{r.label}]")
    if r.target:
        parts.append(r.target)
    if r.element:
        el = r.element
        what = repr(el["text"]) if el.get("text") else el["kind"]
        parts.append(f"-> {what}")
    if r.point:
        parts.append(f"@({r.point[0]},{r.point[1]})")
    if r.score is not None:
        parts.append(f"score {r.score:.2f}")
    if r.status != "started":
        parts.append(f"{r.ms:.0f} ms")
    if r.message:
        parts.append(f"- {r.message}")
    elif r.action and r.status != "started":
        parts.append(f"- {r.action}")
    return " ".join(parts)


def _backend_options(fn):
    """--backend and --output, shared by the commands that use the screen."""
    fn = click.option("--output", "output", default=None, metavar="NAME",
                      help="Wayland: the output (monitor) to use, e.g. HDMI-A-1 "
                           "(default: the task's settings.output, else the first).")(fn)
    fn = click.option("--backend", type=click.Choice(BACKENDS, case_sensitive=False),
                      default="auto", envvar="PICOAGENT_BACKEND", show_default=True,
                      help="Display system: auto picks Wayland when WAYLAND_DISPLAY is "
                           "set, else X11.")(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="picoagent")
def main() -> None:
    """picoagent: run declarative GUI tasks on a small device, offline.

    \b
    Example:
      picoagent run examples/demo.yaml --report reports/demo
    """


@main.command()
@click.argument("task_file", type=click.Path(dir_okay=False))
@click.option("--var", "var", multiple=True, metavar="NAME=VALUE",
              help="Set a task variable (repeatable); overrides `vars:`.")
@click.option("--dry-run", is_flag=True,
              help="Resolve every target on the current screen and report where it would "
                   "act; never moves the mouse or types.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Write run.jsonl, report.html and annotated screenshots into this "
                   "folder.")
@click.option("--junit", type=click.Path(dir_okay=False), default=None, metavar="FILE.xml",
              help="Also write the result as JUnit XML (one test case per top-level step).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help=f"Inference threads (default: task setting, else {defaults.THREADS}).")
@click.option("--interval", default=None, metavar="DURATION",
              help="Minimum time between observations while waiting (e.g. 500ms); "
                   "overrides settings.interval.")
@click.option("--region", default=None, metavar="X,Y,W,H",
              help="Look only in this part of the screen; overrides settings.region.")
@click.option("--allow-outside", is_flag=True,
              help="Allow includes and images outside the task file's folder.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@_backend_options
def run(task_file, var, dry_run, report_dir, junit, threads, interval, region,
        allow_outside, verbose, backend, output):
    """Run a task file on the live display (Wayland or X11).

    \b
    Examples:
      picoagent run examples/demo.yaml
      picoagent run kiosk.yaml --var pin=1234 --report reports/today
      picoagent run kiosk.yaml --dry-run
      picoagent run kiosk.yaml --report reports/ci --junit reports/ci/junit.xml
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from .agent import Report, Runner
    from .devices import RecordingInput
    from .devices.backend import open_devices
    from .task import load_task
    from .vision import Vision

    try:
        task = load_task(task_file, _parse_vars(var), allow_outside=allow_outside)
        task = _override_settings(task, interval, region)
        devices = open_devices(backend, output=output or task.settings.output,
                               need_input=not dry_run)
    except PicoAgentError as e:
        _fail(e)
    try:
        report = Report(report_dir) if report_dir else None
    except PicoAgentError as e:
        devices.close()
        _fail(e)
    vision = Vision(threads=threads or task.settings.threads or defaults.THREADS,
                    min_score=task.settings.min_score, confidence=task.settings.confidence)
    inp = RecordingInput() if dry_run else devices.input

    def on_term(signum, frame):
        raise RunInterrupted(signum)

    signal.signal(signal.SIGTERM, on_term)
    from .task.model import walk_steps
    n_steps = sum(1 for _ in walk_steps(task.steps))
    click.echo(f"picoagent {__version__}: {task.name} ({n_steps} steps"
               f"{', dry run' if dry_run else ''}) on {devices.backend}")
    if report is not None:
        report.write({"run": True, "task": task.name, "backend": devices.backend,
                      "backend_reason": devices.reason, "display": devices.description,
                      "dry_run": dry_run, "version": __version__})
    t0 = time.monotonic()
    runner = None
    try:
        runner = Runner(task, screen=devices.screen, input=inp, vision=vision, report=report,
                        dry_run=dry_run, on_step=lambda r: click.echo(_step_line(r)))
        result = runner.run()
    except RunInterrupted as e:
        _junit(junit, runner, t0, str(e))
        click.echo(f"picoagent: {e}; report written" if report else f"picoagent: {e}",
                   err=True)
        sys.exit(e.exit_code)
    except EnvironmentProblem as e:
        _junit(junit, runner, t0, str(e))
        _fail(e)
    finally:
        devices.close()
    dt = time.monotonic() - t0
    _junit(junit, runner, t0)
    if dry_run:
        located = [r for r in result.steps if r.element]
        missing = [r for r in result.steps if r.status in ("warning", "failed")]
        click.echo(f"dry run: {len(located)} targets resolved, {len(missing)} not on the "
                   f"current screen; nothing was clicked or typed ({dt:.1f}s)")
        sys.exit(EXIT_OK)
    if result.ok:
        click.echo(f"passed: {len(result.steps)} steps in {dt:.1f}s")
        sys.exit(EXIT_OK)
    f = result.failure
    click.echo(f"FAILED at {f.where} ({f.kind}): {f.message}", err=True)
    sys.exit(EXIT_FAILED)


def _junit(path, runner, t0, error=None) -> None:
    """--junit: write the run's JUnit XML; a file that cannot be written is said on
    stderr and leaves the run's own exit code as it is."""
    if path and runner is not None:
        from .agent.junit import write_junit
        try:
            write_junit(path, runner, duration_s=time.monotonic() - t0, error=error)
        except PicoAgentError as e:
            click.echo(f"picoagent: {e}", err=True)


def _override_settings(task, interval, region):
    from dataclasses import replace

    from .task.durations import parse_duration

    kw = {}
    if interval is not None:
        try:
            kw["interval"] = parse_duration(interval)
        except ValueError as e:
            raise UsageError(f"--interval: {e}") from None
    if region is not None:
        try:
            r = tuple(int(v) for v in region.split(","))
        except ValueError:
            r = ()
        if len(r) != 4 or r[2] <= 0 or r[3] <= 0 or min(r) < 0:
            raise UsageError(f"--region {region!r}: expected X,Y,W,H (whole numbers, "
                             "W and H > 0)")
        kw["region"] = r
    return replace(task, settings=replace(task.settings, **kw)) if kw else task


@main.command()
@click.argument("task_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--var", "var", multiple=True, metavar="NAME=VALUE",
              help="Variables, as for `run`.")
@click.option("--allow-outside", is_flag=True,
              help="Allow includes and images outside the task file's folder.")
def validate(task_files, var, allow_outside):
    """Load and check task files without touching the screen.

    \b
    Example:
      picoagent validate examples/*.yaml
    """
    from .task import load_task
    from .task.model import walk_steps

    bad = 0
    try:
        variables = _parse_vars(var)
    except PicoAgentError as e:
        _fail(e)
    for f in task_files:
        try:
            t = load_task(f, variables, allow_outside=allow_outside)
            n = sum(1 for _ in walk_steps(t.steps))
            click.echo(f"ok   {f}: {n} steps")
        except PicoAgentError as e:
            bad += 1
            click.echo(f"FAIL {e}", err=True)
    sys.exit(EXIT_INVALID if bad else EXIT_OK)


@main.command()
def schema():
    """Print the JSON Schema (draft 2020-12) of the task file format.

    Generated from the task loader's own tables.  Editors use it to complete and
    check task files as you type (docs/authoring.md); CI can check files with it.

    \b
    Examples:
      picoagent schema > picoagent.schema.json
      picoagent schema | python3 -m json.tool | less
    """
    from .task.schema import task_schema

    click.echo(json.dumps(task_schema(), indent=2, ensure_ascii=False))


def _read_image(option: str, path: str):
    """The image at ``path`` as an RGB array, or a UsageError naming ``option``."""
    from .vision.frame import as_rgb_array

    if not Path(path).is_file():
        raise UsageError(f"{option} {path}: file not found")
    try:
        return as_rgb_array(path)
    except Exception as e:  # noqa: BLE001 - any decoder error
        raise UsageError(f"{option} {path}: cannot read image: {e}") from None


def _vision_and_frame(image, threads, backend="auto", output=None):
    from .devices.backend import open_devices
    from .vision import Frame, Vision

    vision = Vision(threads=threads)
    if image:
        frame = Frame(_read_image("--image", image))
    else:
        with open_devices(backend, output=output, need_input=False) as devices:
            frame = devices.screen.grab()
    return vision, frame


@main.command()
@click.argument("locator")
@click.option("--image", type=click.Path(dir_okay=False), help="A PNG instead of the screen.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS)
@_backend_options
def find(locator, image, as_json, threads, backend, output):
    """Resolve one LOCATOR on the live screen or a PNG.

    LOCATOR is text, or a YAML mapping as in a task file.

    \b
    Examples:
      picoagent find OK --image tests/data/zenity_entry.png
      picoagent find '{text: OK, right_of: Cancel}' --json
      picoagent find '{kind: checkbox, checked: false, left_of: Remember me}'
      picoagent find '{kind: text_field, right_of: Password}' --image form.png
    """
    from .errors import TargetNotFound, TaskFileError
    from .task import load_task

    try:
        # the task loader reads LOCATOR, so it means exactly what it means in a task
        value = locator if locator.lstrip().startswith("{") else json.dumps(locator)
        try:
            task = load_task(Path.cwd() / "LOCATOR", text=f"steps:\n- wait_for: {value}\n")
        except TaskFileError as e:
            raise UsageError(f"LOCATOR: {e.message}") from None
        from .agent.runner import bind_locator
        loc = bind_locator(task.steps[0].args, {}, os.environ)
        vision, frame = _vision_and_frame(image, threads, backend, output)
        t = time.perf_counter()
        try:
            m = vision.locate(frame, loc)
        except TargetNotFound as e:
            if as_json:
                click.echo(json.dumps({"found": False, "message": str(e)}))
            else:
                click.echo(f"not found: {e}")
            sys.exit(EXIT_FAILED)
        ms = (time.perf_counter() - t) * 1000
    except PicoAgentError as e:
        _fail(e)
    from .vision.frame import frame_to_screen
    sx, sy = frame_to_screen(frame, *m.point)
    if as_json:
        click.echo(json.dumps({"found": True, **m.to_dict(), "screen_point": [sx, sy],
                               "ms": round(ms, 1)}))
        return
    el = m.element
    click.echo(f"found {el.kind} {el.text!r} box {list(el.box)} score {m.score:.2f} "
               f"point ({sx}, {sy}) in {ms:.0f} ms")
    for e, s in zip(m.runners_up, m.runner_scores):
        click.echo(f"  runner-up {e.text!r} box {list(e.box)} score {s:.2f}")


#: inspect's box colours (RGB) by kind; OCR text is orange
KIND_COLOURS = {"button": (220, 0, 0), "text_field": (0, 110, 255), "checkbox": (0, 170, 0),
                "radio": (0, 170, 120), "toggle": (120, 170, 0), "dropdown": (160, 0, 200),
                "slider": (200, 0, 120), "tab": (0, 150, 200), "icon": (120, 60, 0),
                "link": (0, 0, 160), "menu_item": (90, 90, 90)}


def _inspect_label(i: int, e) -> str:
    if e.kind == "text":
        return str(i)
    state = "" if e.checked is None else (" on" if e.checked else " off")
    return f"{i} {e.kind}{state}"


@main.command()
@click.option("--image", type=click.Path(dir_okay=False), help="A PNG instead of the screen.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write an annotated PNG here.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS)
@_backend_options
def inspect(image, out, as_json, threads, backend, output):
    """List every element perceived on the screen or a PNG: UI elements found by
    the element model (kind, checked state, the text that names them), then OCR
    text lines.

    \b
    Examples:
      picoagent inspect --image tests/data/corpus/xcalc.png --out xcalc-annotated.png
      picoagent inspect --json
    """
    from .agent.report import annotate, save_png
    from .vision.geometry import reading_order

    try:
        vision, frame = _vision_and_frame(image, threads, backend, output)
        t = time.perf_counter()
        els = vision.perceive(frame)
        ms = (time.perf_counter() - t) * 1000
        els = [els[i] for i in reading_order([e.box for e in els])]
        if out:
            outp = Path(out)
            if outp.suffix.lower() != ".png":
                raise UsageError(f"--out {out}: must end in .png")
            save_png(outp, annotate(frame.image, [e.box for e in els],
                                    labels=[_inspect_label(i, e) for i, e in enumerate(els)],
                                    colors=[KIND_COLOURS.get(e.kind, (255, 160, 0))
                                            for e in els]))
    except PicoAgentError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps({"elements": [e.to_dict() for e in els], "ms": round(ms, 1)}))
        return
    click.echo(f"{len(els)} elements in {ms:.0f} ms")
    for i, e in enumerate(els):
        state = "" if e.checked is None else (" [x]" if e.checked else " [ ]")
        text = "" if e.text is None else e.text
        click.echo(f"{i:3}  {e.kind + state:14} {str(list(e.box)):22} {e.score:.2f}  {text}")
    if out:
        click.echo(f"annotated image: {out}")


@main.command()
@click.option("--report", "report_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False), help="The report folder runs will use.")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help=f"Inference threads runs will use (default {defaults.THREADS}).")
@_backend_options
def doctor(report_dir, threads, backend, output):
    """Check what a run needs, one line each, and say what to fix.

    Display backend and why it was chosen, screen size and scale, input,
    the element model, the OCR models, threads, the report folder.  Exit 0
    when a run can work, 3 otherwise.  Nothing is clicked or typed.

    \b
    Examples:
      picoagent doctor
      picoagent doctor --backend wayland --output HDMI-A-1
    """
    from .doctor import diagnose

    checks = diagnose(backend, output, threads, report_dir,
                      progress=lambda c: click.echo(c.line()))
    bad = [c for c in checks if not c.ok]
    if bad:
        click.echo(f"{len(bad)} problem(s): a run cannot work until "
                   f"{'it is' if len(bad) == 1 else 'they are'} fixed", err=True)
        sys.exit(EXIT_ENV)
    click.echo("a run can work here")


@main.command()
@click.option("--image", type=click.Path(dir_okay=False),
              help="Screenshot to measure (default: a bundled 1280x720 screenshot).")
@click.option("--live", is_flag=True, help="Measure on the live screen (also times grabs).")
@click.option("--target", default=None, help="Text to find (default: one from the image).")
@click.option("--template", type=click.Path(dir_okay=False), default=None,
              help="Also time an image target with this PNG.")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS)
@click.option("--repeat", type=click.IntRange(1, 50), default=3, help="Runs per stage.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_backend_options
def bench(image, live, target, template, threads, repeat, as_json, backend, output):
    """Time each perception stage on this device and suggest settings.

    Run this first when sizing a board.

    \b
    Examples:
      picoagent bench
      picoagent bench --live --threads 2
      picoagent bench --image shot.png --target "Start"
    """
    from .bench import format_table, run_bench

    devices = None
    try:
        for opt, path in (("--image", image), ("--template", template)):
            if path is not None:
                _read_image(opt, path)
        if live:
            from .devices.backend import open_devices
            devices = open_devices(backend, output=output, need_input=False)
        click.echo("measuring (models load first; this takes a few seconds)...", err=True)
        fig = run_bench(image, threads=threads, target=target, live=live, repeat=repeat,
                        template=template, screen=devices and devices.screen,
                        backend=devices and devices.backend)
    except PicoAgentError as e:
        _fail(e)
    finally:
        if devices is not None:
            devices.close()
    click.echo(json.dumps(fig) if as_json else format_table(fig))


@main.command()
@click.option("--read-only", is_flag=True,
              help="Serve only observe, find, screenshot and validate_task; refuse the rest "
                   "(the input device is not even opened).")
@click.option("--record", type=click.Path(dir_okay=False), default=None, metavar="OUT.yaml",
              help="Append every successful acting call to this task file as a step "
                   "(rewritten atomically after each); `picoagent run OUT.yaml` replays it.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Write run.jsonl and annotated screenshots into this folder, as `run` "
                   "does.")
@click.option("--task-dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="The folder run_task and validate_task treat their YAML as being in: "
                   "includes, images, launch and screenshot paths are relative to it and "
                   "confined to it (default: the current folder).")
@click.option("--allow-outside", is_flag=True,
              help="Allow includes and images outside --task-dir.")
@click.option("--allow-launch", is_flag=True,
              help="Let run_task run tasks with `launch` steps (off by default: a launch "
                   "can start any program).")
@click.option("--allow-notify", is_flag=True,
              help="Let run_task run tasks that notify (off by default: a POST can send "
                   "the screen anywhere).")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS,
              help="Inference threads.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@_backend_options
def mcp(read_only, record, report_dir, task_dir, allow_outside, allow_launch, allow_notify,
        threads, verbose, backend, output):
    """Serve picoagent to an LLM agent over the Model Context Protocol (stdio).

    Tools: observe, find, click, type_text, press, scroll, screenshot, validate_task,
    run_task (docs/mcp.md).  Start it from an MCP client, which talks to it on
    stdin/stdout; log lines go to stderr.

    \b
    Examples:
      picoagent mcp
      picoagent mcp --read-only
      picoagent mcp --record session.yaml --report reports/session
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from .mcp.server import serve
    from .mcp.tools import Options

    try:
        if read_only and record:
            raise UsageError("--record with --read-only: a read-only session has nothing "
                             "to record")
        code = serve(Options(backend=backend, output=output, read_only=read_only,
                             record=Path(record) if record else None,
                             report=Path(report_dir) if report_dir else None,
                             threads=threads, task_dir=Path(task_dir or Path.cwd()),
                             allow_outside=allow_outside, allow_launch=allow_launch,
                             allow_notify=allow_notify))
    except PicoAgentError as e:
        _fail(e)
    sys.exit(code)


@main.command()
@click.argument("rules_file", type=click.Path(dir_okay=False))
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Write watch.jsonl here, and one report folder per firing under "
                   "RULE/ (the last --keep per rule).")
@click.option("--keep", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Report folders kept per rule.")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS,
              help="Inference threads.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@_backend_options
def watch(rules_file, report_dir, keep, threads, verbose, backend, output):
    """Watch the screen and run a rule's task whenever its condition appears
    (a crash dialog, a timeout screen).  Runs until SIGTERM or Ctrl-C (exit 0).

    \b
    Examples:
      picoagent watch kiosk-rules.yaml
      picoagent watch kiosk-rules.yaml --report reports/watch --keep 10
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    import threading

    from .devices.backend import open_devices
    from .vision import Vision
    from .watch import Watcher, load_rules

    try:
        rules = load_rules(rules_file)
    except PicoAgentError as e:
        _fail(e)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    w = Watcher(rules, open_devices=lambda: open_devices(backend, output=output,
                                                         need_input=True),
                vision=Vision(threads=threads), stop=stop,
                on_event=lambda t: click.echo(f"{time.strftime('%H:%M:%S')} {t}"),
                report=Path(report_dir) if report_dir else None, keep=keep)
    try:
        w.run()
    except OSError as e:
        _fail(UsageError(f"--report {report_dir}: {e.strerror or e}"))
    sys.exit(EXIT_OK)


@main.group()
def service():
    """Run a task with the desktop session: systemd user units (docs/operations.md).

    \b
    Examples:
      picoagent service install kiosk.yaml --every 10m
      picoagent service install kiosk.yaml --at-boot --print
      picoagent service remove kiosk
    """


@service.command("install")
@click.argument("task_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--every", default=None, metavar="DURATION",
              help="Run every DURATION (e.g. 10m, 1h), counted from the end of the last "
                   "run: a .timer unit beside the .service.")
@click.option("--at-boot", is_flag=True,
              help="Run once each time the desktop session starts (retried on failure, at "
                   "most 5 times an hour).")
@click.option("--print", "print_only", is_flag=True,
              help="Print the units and install nothing.")
@click.option("--name", default=None, help="Unit name (default: the task file's name): "
              "picoagent-NAME.service.")
@click.option("--keep", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Report folders kept (one per run; the oldest are deleted).")
@click.option("--reports", type=click.Path(file_okay=False), default=None,
              help="Where the report folders go (default ~/.local/state/picoagent/NAME).")
@click.option("--env-file", type=click.Path(dir_okay=False), default=None,
              help="A file of NAME=VALUE lines for ${env.NAME} (tokens, PINs), read by "
                   "systemd at each run, so they stay out of the unit.")
@click.option("--wanted-by", default="graphical-session.target", show_default=True,
              help="The user target that starts it.")
@click.option("--no-enable", is_flag=True,
              help="Write the unit files only; do not call systemctl.")
@click.option("--backend", type=click.Choice(BACKENDS, case_sensitive=False),
              default="auto", show_default=True, help="Passed to each run.")
def service_install(task_file, every, at_boot, print_only, name, keep, reports, env_file,
                    wanted_by, no_enable, backend):
    """Install a systemd user service (+ timer with --every) that runs TASK_FILE in
    this graphical session.

    \b
    Examples:
      picoagent service install kiosk.yaml --every 10m
      picoagent service install kiosk.yaml --at-boot --keep 50
      picoagent service install kiosk.yaml --every 1h --print
    """
    from . import service as svc
    from .task import load_task

    try:
        task = load_task(task_file)
        p = svc.plan(Path(task_file), every=svc.parse_every(every) if every else None,
                     at_boot=at_boot, name=name, keep=keep,
                     reports=Path(reports) if reports else None,
                     max_runtime=task.settings.max_runtime, wanted_by=wanted_by,
                     env_file=Path(env_file) if env_file else None, backend=backend)
        if print_only:
            click.echo(svc.render(p), nl=False)
            return
        for line in svc.install(p, enable=not no_enable):
            click.echo(line)
    except PicoAgentError as e:
        _fail(e)
    short = p.name[len("picoagent-"):]
    if no_enable:
        click.echo(f"not enabled: `systemctl --user daemon-reload && systemctl --user "
                   f"enable --now {p.enable}` starts it; `picoagent service remove {short}` "
                   "deletes the files")
    else:
        click.echo(f"installed {p.name}: `systemctl --user status {p.enable}`; "
                   f"`picoagent service remove {short}` undoes it")


@service.command("remove")
@click.argument("name")
@click.option("--no-disable", is_flag=True,
              help="Delete the unit files only; do not call systemctl.")
def service_remove(name, no_disable):
    """Stop, disable and delete the units `service install` wrote.  NAME is the
    task file or the unit name.

    \b
    Examples:
      picoagent service remove kiosk.yaml
      picoagent service remove kiosk
    """
    from . import service as svc

    try:
        for line in svc.remove(name, disable=not no_disable):
            click.echo(line)
    except PicoAgentError as e:
        _fail(e)


@service.command("run")
@click.argument("task_file", type=click.Path(dir_okay=False))
@click.option("--reports", type=click.Path(file_okay=False), required=True,
              help="The folder that holds one report folder per run.")
@click.option("--keep", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Report folders kept, this run's included.")
@click.option("--backend", type=click.Choice(BACKENDS, case_sensitive=False),
              default="auto", show_default=True)
@click.pass_context
def service_run(ctx, task_file, reports, keep, backend):
    """What an installed unit runs: `picoagent run TASK_FILE` into a new report
    folder named by the time, keeping the last --keep folders.

    \b
    Example:
      picoagent service run kiosk.yaml --reports ~/.local/state/picoagent/kiosk --keep 20
    """
    from .service import rotate

    try:
        folder = rotate(Path(reports), keep)
    except PicoAgentError as e:
        _fail(e)
    except OSError as e:
        _fail(UsageError(f"--reports {reports}: {e.strerror or e}"))
    ctx.invoke(run, task_file=task_file, report_dir=str(folder), backend=backend)


@main.command()
@click.argument("out_file", type=click.Path(dir_okay=False))
@click.option("--stop-key", default="pause", show_default=True, metavar="KEY",
              help="A key or chord (as `press:` names it) that ends the recording.")
@click.option("--threads", type=click.IntRange(1, 64), default=defaults.THREADS,
              help="Threads for perceiving the clicks after the session.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.option("--backend", type=click.Choice(BACKENDS, case_sensitive=False),
              default="auto", envvar="PICOAGENT_BACKEND", show_default=True,
              help="Display system; recording needs X11.")
def record(out_file, stop_key, threads, verbose, backend):
    """Record what you do with the pointer and keyboard on this X11 display as a
    task file, until Ctrl-C or the stop key.  Clicks become locators for what was
    under the pointer (perceived at the click), typing becomes `type` and `press`
    steps; replay it with `picoagent run`.  Needs X11 (exit 3 on Wayland).

    \b
    Example:
      picoagent record checkin.yaml        # act, then Ctrl-C
      picoagent validate checkin.yaml && picoagent run checkin.yaml
    """
    from .record import record as do_record

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="picoagent: %(message)s", stream=sys.stderr)
    # SIGINT ends a recording even where the shell started us with it ignored (`&`)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    def ready():
        click.echo(f"picoagent: recording to {out_file}; act now, then press Ctrl-C "
                   f"or {stop_key} to stop", err=True)

    try:
        res = do_record(out_file, backend=backend, stop_key=stop_key, threads=threads,
                        on_ready=ready)
    except PicoAgentError as e:
        _fail(e)
    extra = f" and {len(res['images'])} image(s) beside it" if res["images"] else ""
    click.echo(f"wrote {res['path']}: {res['steps']} steps{extra}")
    sys.exit(EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
