"""What every command shares: exit codes, error reporting, the step line, and the
--backend/--output and --threads options.  The commands are in the modules beside
this one; ``picoagent.cli.main`` is the entry point."""
from __future__ import annotations

import sys

import click

from .. import __version__, defaults
from ..devices.backend import BACKENDS
from ..errors import PicoAgentError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_ENV = 0, 1, 2, 3

_STATUS = {"passed": "ok  ", "failed": "FAIL", "warning": "warn", "skipped": "skip",
           "started": "... "}


class Threads(click.ParamType):
    """--threads: a count (1 to 64) or ``auto`` (defaults.resolve_threads)."""

    name = "threads"

    def get_metavar(self, *args, **kwargs) -> str:
        return "N|auto"

    def convert(self, value, param, ctx):
        if value is None or value == "auto" or isinstance(value, int):
            return value
        try:
            n = int(value)
        except ValueError:
            self.fail(f"{value!r} is not a whole number or 'auto'.", param, ctx)
        if not 1 <= n <= 64:
            self.fail(f"{n} is not in the range 1<=x<=64.", param, ctx)
        return n


THREADS = Threads()
#: how --threads is described in every command's help
THREADS_HELP = (f"Inference threads: a count, or auto (the CPUs less one for the app, at "
                f"most {defaults.AUTO_THREADS_MAX}; default {defaults.THREADS})")


def fail(err: PicoAgentError) -> None:
    click.echo(f"picoagent: {err}", err=True)
    sys.exit(err.exit_code)


def parse_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in pairs:
        if "=" not in p:
            raise UsageError(f"--var {p!r}: expected NAME=VALUE")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def step_line(r) -> str:
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
        stages = stage_text(r.timings)
        if stages:
            parts.append(f"[{stages}]")
    if r.message:
        parts.append(f"- {r.message}")
    elif r.action and r.status != "started":
        parts.append(f"- {r.action}")
    return " ".join(parts)


def stage_text(timings: dict) -> str:
    """``capture 12, detect 800, recognise 1490``: where a step's time went, the
    stages (agent.runner.STAGES) that took 1 ms or more."""
    from ..agent.runner import STAGES
    return ", ".join(f"{k} {timings[k + '_ms']:.0f}" for k in STAGES
                     if timings.get(k + "_ms", 0) >= 1)


def backend_options(fn):
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


def read_image(option: str, path: str):
    """The image at ``path`` as an RGB array, or a UsageError naming ``option``."""
    from pathlib import Path

    from ..vision.frame import as_rgb_array

    if not Path(path).is_file():
        raise UsageError(f"{option} {path}: file not found")
    try:
        return as_rgb_array(path)
    except Exception as e:  # noqa: BLE001 - any decoder error
        raise UsageError(f"{option} {path}: cannot read image: {e}") from None
