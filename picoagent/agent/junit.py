"""A run as JUnit XML, for CI dashboards: one ``<testsuite>`` for the task, one
``<testcase>`` per top-level step of ``steps:``.

A top-level step that ran has its own result.  One that holds the failure (the step
itself failed, or a step nested in it did) gets ``<failure message=...>`` with the
failed step's own message; a run stopped by an error or a signal gives the step it
stopped in ``<error>``; steps never reached are ``<skipped/>``.  A tolerated failure
(``optional``, a dry run) passes, with the warning in ``<system-out>``.  Test case names
come from the task file as written (``${...}`` not filled in, ``type`` text never
shown), so they stay the same from run to run, and pass through the runner's secret
masking like everything else it reports.
"""
from __future__ import annotations

import os
import re
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import EnvironmentProblem
from ..task.model import Task
from ..task.steps import Step
from .runner import Runner, StepResult

# characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def describe(step: Step) -> str:
    """A short name for a step, from the task file as written (never typed text)."""
    return step.describe()


def junit_xml(task: Task, results: Sequence[StepResult], *, duration_s: float,
              error: str | None = None, redact: Callable[[str], str] = lambda s: s,
              timestamp: float | None = None) -> bytes:
    """The JUnit XML document (UTF-8) for ``task`` after its run produced ``results``.

    ``error``: the run stopped without a result of its own (interrupted, the display
    lost); the step it stopped in gets ``<error message=error>``.
    """
    tops = [r for r in results if r.depth == 0]
    failed = next((r for r in results if r.status == "failed"), None)
    width = len(str(len(task.steps)))
    suite_name = redact(task.name)
    cases = []
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    ti = 0                      # next unconsumed top-level result
    last_index = 0              # index of the last top-level result consumed
    stopped = False             # the failure / error has been placed: the rest never ran
    for n, step in enumerate(task.steps, 1):
        case = ET.Element("testcase", {
            "name": _x(redact(f"{n:0{width}d} {describe(step)}")),
            "classname": _x(suite_name), "file": _x(step.where.file),
            "line": str(step.where.line)})
        r = tops[ti] if ti < len(tops) else None
        if not stopped and r is not None and r.where == str(step.where):
            ti += 1
            last_index = r.index
            case.set("time", f"{r.ms / 1000:.3f}")
            if r.status == "failed":
                f = ET.SubElement(case, "failure", {"message": _x(r.message or ""),
                                                    "type": r.kind})
                f.text = _x(f"{r.where} ({r.kind}): {r.message or ''}")
                counts["failures"] += 1
                stopped = True
            elif r.status == "skipped":
                ET.SubElement(case, "skipped", {"message": _x(r.action or "skipped")})
                counts["skipped"] += 1
            elif r.status == "warning":
                ET.SubElement(case, "system-out").text = _x(f"warning: {r.message or ''}")
        elif not stopped and (failed is not None and failed.index > last_index
                              or error is not None):
            # the step the run stopped in: a nested step failed, or the run was cut off
            inner = [x for x in results if x.index > last_index and x.depth == 1]
            case.set("time", f"{sum(x.ms for x in inner) / 1000:.3f}")
            if failed is not None and failed.index > last_index:
                f = ET.SubElement(case, "failure", {"message": _x(failed.message or ""),
                                                    "type": failed.kind})
                f.text = _x(f"{failed.where} ({failed.kind}, inside this step): "
                            f"{failed.message or ''}")
                counts["failures"] += 1
            else:
                ET.SubElement(case, "error", {"message": _x(redact(error))}).text = \
                    _x(redact(error))
                counts["errors"] += 1
            stopped = True
        else:
            ET.SubElement(case, "skipped", {"message": "not reached"})
            counts["skipped"] += 1
        cases.append(case)
    suite = ET.Element("testsuite", {
        "name": _x(suite_name), "tests": str(len(cases)),
        **{k: str(v) for k, v in counts.items()}, "time": f"{duration_s:.3f}",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S",
                                   time.localtime(timestamp if timestamp is not None
                                                  else time.time() - duration_s)),
        "hostname": _x(socket.gethostname()), "file": _x(task.path)})
    suite.extend(cases)
    if error is not None and not counts["errors"]:      # it came after the last step
        ET.SubElement(suite, "system-err").text = _x(redact(error))
    root = ET.Element("testsuites", {"name": "picoagent", "tests": str(len(cases)),
                                     **{k: str(v) for k, v in counts.items()},
                                     "time": f"{duration_s:.3f}"})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_junit(path: str | os.PathLike, runner: Runner, *, duration_s: float,
                error: str | None = None) -> None:
    """Write the JUnit XML of ``runner``'s run (finished or stopped) to ``path``,
    atomically.  Raises EnvironmentProblem when it cannot be written."""
    data = junit_xml(runner.task, runner.results, duration_s=duration_s, error=error,
                     redact=lambda s: runner._redact(s) or "")
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, p)
    except OSError as e:
        raise EnvironmentProblem(f"--junit {path}: cannot write it: {e.strerror or e}") \
            from None


__all__ = ["describe", "junit_xml", "write_junit"]
