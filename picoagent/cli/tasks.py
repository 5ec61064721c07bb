"""The commands that run and check task files: run, validate, schema."""
from __future__ import annotations

import json
import logging
import signal
import sys
import time

import click

from .. import __version__
from ..errors import EnvironmentProblem, PicoAgentError, RunInterrupted, UsageError
from .common import (EXIT_FAILED, EXIT_INVALID, EXIT_OK, THREADS, THREADS_HELP,
                     backend_options, fail, main, parse_vars, step_line)


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
@click.option("--threads", type=THREADS, default=None,
              help=THREADS_HELP.replace("default", "default: settings.threads, else"))
@click.option("--interval", default=None, metavar="DURATION",
              help="Minimum time between observations while waiting (e.g. 500ms); "
                   "overrides settings.interval.")
@click.option("--region", default=None, metavar="X,Y,W,H",
              help="Look only in this part of the screen; overrides settings.region.")
@click.option("--allow-outside", is_flag=True,
              help="Allow includes and images outside the task file's folder.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@backend_options
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
    from ..agent import Report
    from ..agent.session import open_session
    from ..task import load_task

    try:
        task = load_task(task_file, parse_vars(var), allow_outside=allow_outside)
        task = _override_settings(task, interval, region)
        session = open_session(task, backend=backend, output=output, threads=threads,
                               dry_run=dry_run)
    except PicoAgentError as e:
        fail(e)
    try:
        report = Report(report_dir) if report_dir else None
    except PicoAgentError as e:
        session.close()
        fail(e)

    def on_term(signum, frame):
        raise RunInterrupted(signum)

    signal.signal(signal.SIGTERM, on_term)
    from ..task.model import walk_steps
    n_steps = sum(1 for _ in walk_steps(task.steps))
    click.echo(f"picoagent {__version__}: {task.name} ({n_steps} steps"
               f"{', dry run' if dry_run else ''}) on {session.backend}")
    if report is not None:
        report.write({"run": True, "task": task.name, "backend": session.backend,
                      "backend_reason": session.reason, "display": session.description,
                      "dry_run": dry_run, "version": __version__})
    t0 = time.monotonic()
    runner = None
    try:
        runner = session.runner(task, report=report, dry_run=dry_run,
                                on_step=lambda r: click.echo(step_line(r)))
        result = runner.run()
    except RunInterrupted as e:
        _junit(junit, runner, t0, str(e))
        click.echo(f"picoagent: {e}; report written" if report else f"picoagent: {e}",
                   err=True)
        sys.exit(e.exit_code)
    except EnvironmentProblem as e:
        _junit(junit, runner, t0, str(e))
        fail(e)
    finally:
        session.close()
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
        from ..agent.junit import write_junit
        try:
            write_junit(path, runner, duration_s=time.monotonic() - t0, error=error)
        except PicoAgentError as e:
            click.echo(f"picoagent: {e}", err=True)


def _override_settings(task, interval, region):
    from dataclasses import replace

    from ..task.durations import parse_duration

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
    from ..task import load_task
    from ..task.model import walk_steps

    bad = 0
    try:
        variables = parse_vars(var)
    except PicoAgentError as e:
        fail(e)
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
    from ..task.schema import task_schema

    click.echo(json.dumps(task_schema(), indent=2, ensure_ascii=False))
