"""The commands that look at the screen or the board: find, inspect, doctor, bench."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .. import defaults
from ..errors import PicoAgentError, UsageError
from .common import (EXIT_ENV, EXIT_FAILED, THREADS, THREADS_HELP, backend_options, fail,
                     main, read_image)


def _vision_and_frame(image, threads, backend="auto", output=None):
    """A Vision and the frame to look at: the PNG ``image``, else the screen."""
    from ..agent.session import make_vision, open_session
    from ..vision import Frame

    if image:
        return make_vision(threads), Frame(read_image("--image", image))
    with open_session(backend=backend, output=output, threads=threads,
                      need_input=False) as session:
        return session.vision, session.screen.grab()


@main.command()
@click.argument("locator")
@click.option("--image", type=click.Path(dir_okay=False), help="A PNG instead of the screen.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--threads", type=THREADS, default=defaults.THREADS, help=THREADS_HELP)
@backend_options
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
    from ..errors import TargetNotFound, TaskFileError
    from ..task import parse_locator

    try:
        # the task loader reads LOCATOR, so it means exactly what it means in a task
        value = locator if locator.lstrip().startswith("{") else json.dumps(locator)
        try:
            loc = parse_locator(value, Path.cwd() / "LOCATOR")
        except TaskFileError as e:
            raise UsageError(f"LOCATOR: {e.message}") from None
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
        fail(e)
    from ..vision.frame import frame_to_screen
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
@click.option("--threads", type=THREADS, default=defaults.THREADS, help=THREADS_HELP)
@backend_options
def inspect(image, out, as_json, threads, backend, output):
    """List every element perceived on the screen or a PNG: UI elements found by
    the element model (kind, checked state, the text that names them), then OCR
    text lines.

    \b
    Examples:
      picoagent inspect --image tests/data/corpus/xcalc.png --out xcalc-annotated.png
      picoagent inspect --json
    """
    from ..agent.report import annotate, save_png
    from ..vision.geometry import reading_order

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
        fail(e)
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
@click.option("--threads", type=THREADS, default=None,
              help=THREADS_HELP.replace("Inference threads", "Inference threads runs "
                                        "will use"))
@backend_options
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
    from ..doctor import diagnose

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
@click.option("--threads", type=THREADS, default=defaults.THREADS, help=THREADS_HELP)
@click.option("--repeat", type=click.IntRange(1, 50), default=3, help="Runs per stage.")
@click.option("--budget", default=None, metavar="DURATION",
              help="A step's time budget (e.g. 250ms): break a step on a new screen down "
                   "by stage and say which stage breaks the budget on this device.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@backend_options
def bench(image, live, target, template, threads, repeat, budget, as_json, backend,
          output):
    """Time each perception stage on this device and suggest settings.

    Run this first when sizing a board.

    \b
    Examples:
      picoagent bench
      picoagent bench --live --threads 2
      picoagent bench --threads auto
      picoagent bench --budget 250ms
      picoagent bench --image shot.png --target "Start"
    """
    from ..bench import format_table, run_bench

    session = None
    try:
        for opt, path in (("--image", image), ("--template", template)):
            if path is not None:
                read_image(opt, path)
        budget_ms = None
        if budget is not None:
            from ..task.durations import parse_duration
            try:
                budget_ms = parse_duration(budget) * 1000
            except ValueError as e:
                raise UsageError(f"--budget: {e}") from None
            if budget_ms <= 0:
                raise UsageError("--budget: must be more than 0")
        if live:
            from ..agent.session import open_session
            session = open_session(backend=backend, output=output, need_input=False)
        click.echo("measuring (models load first; this takes a few seconds)...", err=True)
        fig = run_bench(image, threads=threads, target=target, live=live, repeat=repeat,
                        template=template, screen=session and session.screen,
                        backend=session and session.backend, budget_ms=budget_ms)
    except PicoAgentError as e:
        fail(e)
    finally:
        if session is not None:
            session.close()
    click.echo(json.dumps(fig) if as_json else format_table(fig))
