"""Every default value, in one place.  The task loader, the runner, the CLI and
the docs read them from here."""
from __future__ import annotations

TIMEOUT_S = 10.0          # auto-wait for every target
INTERVAL_S = 0.25         # minimum time between observations while waiting
SETTLE_S = 0.2            # pause after each action
PARK_AFTER_S = 2.0        # target not seen this long after our click: move the pointer off
MIN_SCORE = 0.8           # text similarity threshold, 0..1
CONFIDENCE = 0.85         # image match threshold, 0..1
MAX_STEPS = 1000          # executed steps (loops count every iteration)
MAX_RUNTIME_S = 600.0     # whole run
THREADS = 1               # onnxruntime intra-op threads (1 suits a Pi and leaves a core free)

PARTIAL_PENALTY = 0.97    # a match inside a longer line scores at most this (exact element wins)
NEAR_PX = 250             # `near`: candidates whose box is within this many frame pixels
# `right_of`/`left_of`: vertical overlap needed, as a fraction of the smaller height
ROW_BAND_TOLERANCE = 0.25
IMAGE_SCALES = (1.0, 1.25, 1.5, 2.0, 0.8, 0.75, 0.5)
WAIT_STABLE_FOR_S = 1.0
LAUNCH_WAIT_TIMEOUT_S = 60.0
NOTIFY_TIMEOUT_S = 10.0     # one POST of a `notify` (no retries: a dead endpoint costs this once)
VERIFY_ATTEMPTS = 3       # re-locations when the target's pixels change just before acting

AUTO_THREADS_MAX = 4      # `threads: auto` uses at most this many (small models gain little beyond)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. under taskset or a
    container's cpuset), else the machine's count."""
    import os
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def resolve_threads(value: int | str | None, cpus: int | None = None) -> int:
    """Inference threads for ``value``: a count as it is; ``"auto"``: the CPUs
    available less one (left for the application being driven), at least 1 and at
    most AUTO_THREADS_MAX; None: THREADS.  ``cpus`` defaults to available_cpus()."""
    if value is None:
        return THREADS
    if value == "auto":
        n = available_cpus() if cpus is None else cpus
        return max(1, min(AUTO_THREADS_MAX, n - 1))
    return int(value)


def describe_threads(value: int | str | None, cpus: int | None = None) -> str:
    """How ``value`` resolves, for doctor and bench: ``auto -> 1 of 2 CPUs``, ``2``."""
    n = resolve_threads(value, cpus)
    if value == "auto":
        return f"auto -> {n} of {available_cpus() if cpus is None else cpus} CPUs"
    return str(n)
