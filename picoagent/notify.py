"""Notifications: one HTTP POST of a JSON summary to a URL (ntfy, Home Assistant
webhook, Gotify, your own endpoint).

Used by the `notify:` step and by `settings: {notify: ...}` after a failed run.
The body is built from values the runner has already masked (secrets are
``***``); the URL and headers may carry tokens and never go into the body, the
console or the report.  One attempt per notification, bounded by a timeout: no
retries, so a dead endpoint costs at most ``timeout`` once per notification.
Standard library only (urllib).
"""
from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from . import __version__, defaults

#: a reply larger than this is not read further (we only need its status)
MAX_REPLY_BYTES = 64 * 1024


@dataclass(frozen=True, kw_only=True)
class NotifyResult:
    """What one POST did: ``ok`` with the HTTP ``status``, or the ``error`` text."""

    ok: bool
    status: int | None = None
    error: str | None = None
    ms: float = 0.0

    def describe(self) -> str:
        if self.ok:
            return f"HTTP {self.status}"
        return self.error or f"HTTP {self.status}"


def shown_url(url: str) -> str:
    """The URL as it may be shown in output: scheme, host and port only (a webhook's
    path and query are often its secret: Home Assistant webhook ids, ntfy topics)."""
    try:
        p = urlsplit(url)
    except ValueError:
        return "(invalid URL)"
    if not p.scheme or not p.hostname:
        return "(invalid URL)"
    host = p.hostname + (f":{p.port}" if p.port else "")
    return urlunsplit((p.scheme, host, "/…" if p.path not in ("", "/") or p.query else "",
                       "", ""))


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be posted to, or None when it can."""
    try:
        p = urlsplit(url)
    except ValueError as e:
        return f"invalid URL: {e}"
    if p.scheme not in ("http", "https"):
        return f"the URL must start with http:// or https:// (got {p.scheme or 'none'}:)"
    if not p.hostname:
        return "the URL has no host"
    return None


def build_body(*, title: str, message: str, task: str, event: str,
               step: dict | None = None, screenshot: tuple[str, bytes] | None = None
               ) -> dict:
    """The JSON body.  Every text in it must already be masked by the caller.

    ``title`` and ``message`` are the fields ntfy (JSON publishing), Gotify and most
    webhooks read; the rest is for your own automation.  ``screenshot`` is
    (file name, PNG bytes), sent base64-encoded.
    """
    body: dict = {"title": title, "message": message, "task": task, "event": event,
                  "host": socket.gethostname(), "picoagent": __version__}
    if step is not None:
        body["step"] = step
    if screenshot is not None:
        name, png = screenshot
        body["screenshot"] = {"name": name, "media_type": "image/png",
                              "base64": base64.b64encode(png).decode("ascii")}
    return body


def post_json(url: str, body: dict, *, headers: dict[str, str] | None = None,
              timeout: float = defaults.NOTIFY_TIMEOUT_S) -> NotifyResult:
    """POST ``body`` as JSON to ``url`` once.  Never raises for network or HTTP
    errors: the result says what happened (a 2xx status is ``ok``)."""
    import time

    why = check_url(url)
    if why:
        return NotifyResult(ok=False, error=why)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"picoagent/{__version__}", **(headers or {})})
    t0 = time.monotonic()

    def done(**kw) -> NotifyResult:
        return NotifyResult(ms=(time.monotonic() - t0) * 1000, **kw)

    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:   # noqa: S310 - http(s) only
            resp.read(MAX_REPLY_BYTES)
            return done(ok=200 <= resp.status < 300, status=resp.status)
    except urllib.error.HTTPError as e:
        return done(ok=False, status=e.code, error=f"HTTP {e.code} {e.reason}")
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return done(ok=False, error=f"no answer within {timeout:g}s")
        return done(ok=False, error=f"cannot reach {shown_url(url)}: {reason}")
    except (socket.timeout, TimeoutError):
        return done(ok=False, error=f"no answer within {timeout:g}s")
    except (OSError, ValueError) as e:      # connection reset, bad header value...
        return done(ok=False, error=f"cannot post to {shown_url(url)}: {e}")


__all__ = ["NotifyResult", "build_body", "check_url", "post_json", "shown_url"]
