"""The long-running commands: mcp, watch, record, and the systemd service group."""
from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path

import click

from .. import defaults
from ..devices.backend import BACKENDS
from ..errors import PicoAgentError, UsageError
from .common import EXIT_OK, THREADS, THREADS_HELP, backend_options, fail, main
from .tasks import run


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
@click.option("--threads", type=THREADS, default=defaults.THREADS, help=THREADS_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@backend_options
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
    from ..mcp.server import serve
    from ..mcp.tools import Options

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
        fail(e)
    sys.exit(code)


@main.command()
@click.argument("rules_file", type=click.Path(dir_okay=False))
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Write watch.jsonl here, and one report folder per firing under "
                   "RULE/ (the last --keep per rule).")
@click.option("--keep", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Report folders kept per rule.")
@click.option("--threads", type=THREADS, default=defaults.THREADS, help=THREADS_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@backend_options
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

    from ..agent.session import make_vision, open_session
    from ..watch import Watcher, load_rules

    try:
        rules = load_rules(rules_file)
    except PicoAgentError as e:
        fail(e)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    vision = make_vision(threads)
    w = Watcher(rules, open_devices=lambda: open_session(backend=backend, output=output,
                                                         vision=vision),
                vision=vision, stop=stop,
                on_event=lambda t: click.echo(f"{time.strftime('%H:%M:%S')} {t}"),
                report=Path(report_dir) if report_dir else None, keep=keep)
    try:
        w.run()
    except OSError as e:
        fail(UsageError(f"--report {report_dir}: {e.strerror or e}"))
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
    from .. import service as svc
    from ..task import load_task

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
        fail(e)
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
    from .. import service as svc

    try:
        for line in svc.remove(name, disable=not no_disable):
            click.echo(line)
    except PicoAgentError as e:
        fail(e)


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
    from ..service import rotate

    try:
        folder = rotate(Path(reports), keep)
    except PicoAgentError as e:
        fail(e)
    except OSError as e:
        fail(UsageError(f"--reports {reports}: {e.strerror or e}"))
    ctx.invoke(run, task_file=task_file, report_dir=str(folder), backend=backend)


@main.command()
@click.argument("out_file", type=click.Path(dir_okay=False))
@click.option("--stop-key", default="pause", show_default=True, metavar="KEY",
              help="A key or chord (as `press:` names it) that ends the recording.")
@click.option("--threads", type=THREADS, default=defaults.THREADS,
              help="Threads for perceiving the clicks after the session: a count or auto.")
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
    from ..record import record as do_record

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
        fail(e)
    extra = f" and {len(res['images'])} image(s) beside it" if res["images"] else ""
    click.echo(f"wrote {res['path']}: {res['steps']} steps{extra}")
    sys.exit(EXIT_OK)
