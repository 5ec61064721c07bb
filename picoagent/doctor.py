"""`picoagent doctor`: check what a run needs, one line each, and say what to fix.

Each check returns a :class:`Check`; nothing is clicked or typed (on Wayland the
virtual pointer and keyboard are created and closed again, on X11 the XTEST
extension is asked for).  A run can work when every check is ``ok`` or ``warn``.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import __version__, defaults
from .errors import PicoAgentError


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    status: str             # "ok", "warn" or "FAIL"
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "FAIL"

    def line(self) -> str:
        fix = f" -> {self.fix}" if self.fix else ""
        return f"{self.status:4} {self.name:8} {self.detail}{fix}"


def _kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KB"


def check_session(backend: str, output: str | None) -> list[Check]:
    """Backend choice, screen size and scale, input."""
    from .devices.backend import choose_backend, open_devices
    try:
        choice = choose_backend(backend)
    except PicoAgentError as e:
        return [Check(name="backend", status="FAIL", detail=str(e))]
    out = [Check(name="backend", status="ok", detail=f"{choice.backend}: {choice.reason}")]
    try:
        devices = open_devices(backend, output=output, need_input=False)
    except PicoAgentError as e:
        return out + [Check(name="screen", status="FAIL", detail=str(e))]
    try:
        frame = devices.screen.grab()
        w, h = frame.width, frame.height
        pw, ph = round(w * frame.scale), round(h * frame.scale)
        where = f" at {int(frame.origin[0])},{int(frame.origin[1])}" if any(frame.origin) \
            else ""
        detail = f"{w}x{h} pixels, scale {frame.scale:g} ({pw}x{ph} screen points{where})"
        extra = ""
        if devices.backend == "wayland":
            sess = devices.screen.session
            names = ", ".join(o.name or "?" for o in sess.outputs)
            extra = (f"; output {devices.screen.output.name} of {names}; capture "
                     f"{devices.screen.protocol}; compositor {sess.compositor or '?'}")
        out.append(Check(name="screen", status="ok", detail=detail + extra))
        out.append(_check_input(devices))
    except PicoAgentError as e:
        out.append(Check(name="screen", status="FAIL", detail=str(e)))
    finally:
        devices.close()
    return out


def _check_input(devices) -> Check:
    if devices.backend == "wayland":
        from .devices.wayland import WaylandInput
        sess = devices.screen.session
        try:
            inp = WaylandInput(sess, devices.screen.output.name or None)
        except PicoAgentError as e:
            return Check(name="input", status="FAIL", detail=str(e),
                         fix="`picoagent find` and `inspect` still work; `run` needs input")
        inp.close()
        return Check(name="input", status="ok",
                     detail="virtual pointer and keyboard created (nothing pressed)")
    try:
        from Xlib import display as xdisplay
        d = xdisplay.Display()
        try:
            has = d.has_extension("XTEST")
        finally:
            d.close()
    except Exception as e:  # noqa: BLE001 - any failure: no input
        return Check(name="input", status="FAIL", detail=f"cannot ask the X server: {e}")
    if not has:
        return Check(name="input", status="FAIL", detail="the X server has no XTEST extension",
                     fix="start Xorg/Xvfb with XTEST (it is on by default)")
    return Check(name="input", status="ok", detail="XTEST extension present (pyautogui)")


def check_model() -> Check:
    from .vision.detector import ElementDetector, default_model_path
    path = default_model_path()
    if not path.is_file():
        how = "$PICOAGENT_MODEL names it" if os.environ.get("PICOAGENT_MODEL") else \
            "reinstall picoagent"
        return Check(name="model", status="FAIL", detail=f"UI element model not found: {path}",
                     fix=how)
    try:
        info = ElementDetector(path).info
    except PicoAgentError as e:
        return Check(name="model", status="FAIL", detail=str(e), fix="reinstall picoagent")
    return Check(name="model", status="ok",
                 detail=f"{path} (version {info.version}, {_kb(path)})")


def check_ocr() -> Check:
    from .vision.ocr import DET_MODEL, REC_MODEL, _model_dir
    try:
        folder = _model_dir()
    except ImportError:
        return Check(name="ocr", status="FAIL", detail="rapidocr is not installed",
                     fix="pip install picoagent (it brings rapidocr)")
    missing = [m for m in (DET_MODEL, REC_MODEL) if not (folder / m).is_file()]
    if missing:
        return Check(name="ocr", status="FAIL", detail=f"missing in {folder}: "
                     f"{', '.join(missing)}", fix="reinstall rapidocr")
    from .vision.rec_small import MODEL as GLANCE
    detail = (f"{DET_MODEL} ({_kb(folder / DET_MODEL)}), {REC_MODEL} "
              f"({_kb(folder / REC_MODEL)}) in {folder}")
    if not GLANCE.is_file():
        return Check(name="ocr", status="warn",
                     detail=f"{detail}; the small text recogniser is missing ({GLANCE}): "
                            "finds read text boxes in size order, more slowly",
                     fix="reinstall picoagent")
    return Check(name="ocr", status="ok", detail=f"{detail}; {GLANCE.name} ({_kb(GLANCE)})")


def check_threads(threads: int | str | None) -> Check:
    import onnxruntime as ort
    cpus = os.cpu_count() or 1
    n = defaults.resolve_threads(threads)
    status, fix = "ok", ""
    if n > cpus:
        status, fix = "warn", f"use --threads {cpus} or fewer"
    if threads == "auto":           # "threads: auto -> 1 of 2 CPUs"
        what = f"auto -> {n} of {defaults.available_cpus()} CPUs (one left for the app)"
    else:
        what = f"{n} inference thread(s) of {cpus} CPUs"
    return Check(name="threads", status=status,
                 detail=f"{what}; onnxruntime {ort.__version__}", fix=fix)


def check_report(folder: str) -> Check:
    p = Path(folder).resolve()
    probe = p if p.is_dir() else next((q for q in p.parents if q.exists()), None)
    if probe is None or not probe.is_dir():
        return Check(name="report", status="FAIL", detail=f"{p}: no folder to write into")
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".picoagent-doctor-"):
            pass
    except OSError as e:
        return Check(name="report", status="FAIL",
                     detail=f"cannot write in {probe}: {e.strerror or e}",
                     fix="pass --report with a folder you can write")
    st = os.statvfs(probe)
    free = st.f_bavail * st.f_frsize / 2**20
    where = "" if probe == p else f" (will be created in {probe})"
    return Check(name="report", status="ok" if free >= 10 else "FAIL",
                 detail=f"{p} writable{where}, {free:.0f} MB free",
                 fix="" if free >= 10 else "free some space (a report needs 10 MB)")


def diagnose(backend: str = "auto", output: str | None = None,
             threads: int | str | None = None, report: str = "reports",
             progress: Callable[[Check], None] | None = None) -> list[Check]:
    """Run every check; ``progress`` is called with each as it completes."""
    checks: list[Check] = []

    def add(c: Check) -> None:
        checks.append(c)
        if progress:
            progress(c)

    add(Check(name="picoagent", status="ok", detail=f"version {__version__}"))
    for c in check_session(backend, output):
        add(c)
    for fn in (check_model, check_ocr, lambda: check_threads(threads),
               lambda: check_report(report)):
        add(fn())
    return checks
