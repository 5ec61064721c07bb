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
              help="Write run.jsonl and annotated screenshots into this folder.")
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
def run(task_file, var, dry_run, report_dir, threads, interval, region, allow_outside,
        verbose, backend, output):
    """Run a task file on the live display (Wayland or X11).

    \b
    Examples:
      picoagent run examples/demo.yaml
      picoagent run kiosk.yaml --var pin=1234 --report reports/today
      picoagent run kiosk.yaml --dry-run
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
    try:
        result = Runner(task, screen=devices.screen, input=inp, vision=vision, report=report,
                        dry_run=dry_run, on_step=lambda r: click.echo(_step_line(r))).run()
    except RunInterrupted as e:
        click.echo(f"picoagent: {e}; report written" if report else f"picoagent: {e}",
                   err=True)
        sys.exit(e.exit_code)
    except EnvironmentProblem as e:
        _fail(e)
    finally:
        devices.close()
    dt = time.monotonic() - t0
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


if __name__ == "__main__":  # pragma: no cover
    main()
