"""``report.html``: the records of ``run.jsonl`` as one page a person reads.

Pure rendering: :func:`render` takes the records (the dicts the runner wrote, already
masked for secrets) and returns the page.  The page is self-contained: inline CSS, no
font, script or image from the network (its Content-Security-Policy forbids them);
the step screenshots are the ``step-*.png`` files beside it, linked by name, and an
image's one inline handler puts "screenshot missing" in its place if it is gone.
A failed step comes first, right under the verdict, then every step in order with
its status, duration, target, what matched and the runner-up, and its screenshot.
"""
from __future__ import annotations

import json
import time
from html import escape
from typing import Any
from urllib.parse import quote

HTML_FILE = "report.html"

_STATUS = {"passed": "ok", "failed": "FAILED", "warning": "warning", "skipped": "skipped"}

_CSS = """
:root { --ok: #1a7f37; --fail: #cf222e; --warn: #9a6700; --skip: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       margin: 0; padding: 0 1.2rem 2rem; color: #1f2328; background: #fff; }
header { padding: .8rem 1rem; margin: 0 -1.2rem 1rem; border-bottom: 4px solid var(--skip);
         background: #f6f8fa; }
header.passed { border-color: var(--ok); } header.failed { border-color: var(--fail); }
header.incomplete, header.interrupted { border-color: var(--warn); }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
.verdict { font-size: 1.15rem; font-weight: 600; margin: .2rem 0; }
.passed .verdict { color: var(--ok); } .failed .verdict { color: var(--fail); }
.interrupted .verdict, .incomplete .verdict { color: var(--warn); }
.meta { color: #57606a; margin: .2rem 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 6px;
        padding: .6rem .9rem; margin: .6rem 0; }
.card.warning { border-left-color: var(--warn); }
.card .msg { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap;
             background: #fff8f8; padding: .4rem .6rem; border-radius: 4px; }
.card img { max-width: 100%; border: 1px solid var(--line); margin-top: .5rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem;
        margin: .4rem 0; }
dl.kv dt { color: #57606a; } dl.kv dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.failed { background: #ffebe9; } tr.warning { background: #fff8c5; }
.status { font-weight: 600; white-space: nowrap; }
.status.passed { color: var(--ok); } .status.failed { color: var(--fail); }
.status.warning { color: var(--warn); } .status.skipped { color: var(--skip); }
.where, .small { color: #57606a; font-size: .85em; }
.detail { white-space: pre-wrap; word-break: break-word; }
td img { width: 160px; border: 1px solid var(--line); }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
"""


def _e(v: Any) -> str:
    return escape("" if v is None else str(v), quote=True)


def _src(name: str) -> str:
    return quote(str(name), safe="")


def _img(name: str, alt: str) -> str:
    """A screenshot beside the page; if it is gone, the page says so in its place."""
    src = _src(name)
    handler = f"this.parentNode.replaceWith({json.dumps('screenshot missing: ' + name)})"
    return (f'<a href="{src}"><img src="{src}" alt="{_e(alt)}" loading="lazy" '
            f'onerror="{_e(handler)}"></a>')


def _element(el: Any) -> str:
    if not isinstance(el, dict):
        return ""
    what = repr(el["text"]) if el.get("text") else str(el.get("kind", "?"))
    kind = el.get("kind")
    if el.get("text") and kind and kind != "text":
        what += f" ({kind})"
    return what


def _matched(r: dict) -> str:
    el = r.get("element")
    if not isinstance(el, dict):
        return ""
    out = _e(_element(el))
    bits = []
    if isinstance(r.get("score"), (int, float)):
        bits.append(f"score {r['score']:.2f}")
    if isinstance(el.get("box"), list):
        bits.append(f"box {el['box']}")
    if isinstance(r.get("point"), list):
        bits.append(f"at ({', '.join(str(v) for v in r['point'])})")
    if el.get("source"):
        bits.append(str(el["source"]))
    if bits:
        out += f'<div class="small">{_e(", ".join(bits))}</div>'
    return out


def _runner_up(r: dict) -> str:
    ups = r.get("runners_up") or []
    if not isinstance(ups, list) or not ups:
        return ""
    first, rest = ups[0], ups[1:]
    out = _e(_element(first))
    if isinstance(first, dict):
        bits = ([f"score {first['match']:.2f}"]
                if isinstance(first.get("match"), (int, float)) else [])
        if isinstance(first.get("box"), list):
            bits.append(f"box {first['box']}")
        if bits:
            out += f' <span class="small">{_e(" ".join(bits))}</span>'
    if rest:
        more = "; ".join(_element(u) + (f" {u['match']:.2f}" if isinstance(u, dict) and
                                        isinstance(u.get("match"), (int, float)) else "")
                         for u in rest)
        out += f'<div class="small">then {_e(more)}</div>'
    return out


def _step_title(r: dict) -> str:
    t = f"#{_e(r.get('index'))} <code>{_e(r.get('kind'))}</code>"
    if r.get("label"):
        t += f" [{_e(r['label'])}]"
    return t


def _ms(r: dict) -> str:
    ms = r.get("ms")
    if not isinstance(ms, (int, float)):
        return ""
    return f"{ms / 1000:.1f} s" if ms >= 10000 else f"{ms:.0f} ms"


def _card(r: dict) -> str:
    status = str(r.get("status"))
    rows = [("where", r.get("where")), ("target", r.get("target"))]
    out = [f'<article class="card {_e(status)}" id="card-{_e(r.get("index"))}">',
           f'<div><span class="status {_e(status)}">{_e(_STATUS.get(status, status))}'
           f"</span> {_step_title(r)} "
           f'<a class="small" href="#step-{_e(r.get("index"))}">in the list</a></div>']
    if r.get("message"):
        out.append(f'<div class="msg">{_e(r["message"])}</div>')
    out.append('<dl class="kv">')
    for k, v in rows:
        if v:
            out.append(f"<dt>{k}</dt><dd>{_e(v)}</dd>")
    if r.get("element"):
        out.append(f"<dt>matched</dt><dd>{_matched(r)}</dd>")
    if r.get("runners_up"):
        out.append(f"<dt>runner-up</dt><dd>{_runner_up(r)}</dd>")
    if r.get("action"):
        out.append(f"<dt>action</dt><dd>{_e(r['action'])}</dd>")
    out.append(f"<dt>duration</dt><dd>{_ms(r)}</dd></dl>")
    if r.get("screenshot"):
        out.append(_img(r["screenshot"], f"screen at step {r.get('index')}"))
    out.append("</article>")
    return "\n".join(out)


def _row(r: dict) -> str:
    status = str(r.get("status"))
    depth = r.get("depth") if isinstance(r.get("depth"), int) else 0
    detail = r.get("message") or r.get("action") or ""
    shot = _img(r["screenshot"], f"step {r.get('index')}") if r.get("screenshot") else ""
    return (f'<tr class="{_e(status)}" id="step-{_e(r.get("index"))}">'
            f'<td class="num">{_e(r.get("index"))}</td>'
            f'<td class="status {_e(status)}">{_e(_STATUS.get(status, status))}</td>'
            f'<td style="padding-left:{0.45 + 1.2 * depth:.2f}rem"><code>{_e(r.get("kind"))}'
            f"</code>{(' [' + _e(r['label']) + ']') if r.get('label') else ''}"
            f'<div class="where">{_e(r.get("where"))}</div></td>'
            f"<td>{_e(r.get('target'))}</td><td>{_matched(r)}</td><td>{_runner_up(r)}</td>"
            f'<td class="detail">{_e(detail)}</td><td class="num">{_ms(r)}</td>'
            f"<td>{shot}</td></tr>")


def render(records: list[dict]) -> str:
    """The page for ``records`` (run.jsonl's objects, in the order written).  Works on
    any prefix of a run: without the summary record the page says it is incomplete."""
    head = next((r for r in records if r.get("run") is True), {})
    summary = next((r for r in reversed(records) if r.get("summary") is True), None)
    steps: dict[Any, dict] = {}
    for r in records:
        if "index" in r and "kind" in r and "status" in r:
            steps[r["index"]] = r           # a block's record comes after its steps
    ordered = sorted(steps.values(), key=lambda r: (not isinstance(r["index"], int),
                                                    r["index"] if isinstance(r["index"], int)
                                                    else str(r["index"])))
    failed = [r for r in ordered if r.get("status") == "failed"]
    warned = [r for r in ordered if r.get("status") == "warning"]
    counts = {s: sum(1 for r in ordered if r.get("status") == s)
              for s in ("passed", "failed", "warning", "skipped")}

    task = head.get("task") or "picoagent run"
    dry = " (dry run)" if head.get("dry_run") else ""
    if summary is None:
        state, verdict = "incomplete", "INCOMPLETE: still running, or stopped before " \
                                       "its end (the steps so far)"
    elif summary.get("interrupted"):
        state, verdict = "interrupted", "INTERRUPTED"
    elif summary.get("error"):
        state, verdict = "failed", f"ERROR: {summary['error']}"
    elif summary.get("ok"):
        state, verdict = "passed", "PASSED" + dry
    else:
        where = summary.get("failed_at") or (failed[0].get("where") if failed else None)
        state, verdict = "failed", "FAILED" + (f" at {where}" if where else "")
    meta = [f"{len(ordered)} steps ran: " + ", ".join(f"{n} {s}" for s, n in counts.items()
                                                  if n or s == "passed")]
    if summary is not None and isinstance(summary.get("duration_s"), (int, float)):
        meta.append(f"{summary['duration_s']:.1f} s")
    if head.get("backend"):
        meta.append(f"{head['backend']}" + (f" ({head['backend_reason']})"
                                            if head.get("backend_reason") else ""))
    if head.get("version"):
        meta.append(f"picoagent {head['version']}")

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           # no request leaves the page: no scripts, fonts or images from elsewhere
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           "img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
           f"<title>{_e(task)}: {_e(verdict.split(':')[0])}</title>",
           f"<style>{_CSS}</style></head><body>",
           f'<header class="{state}" id="summary"><h1>{_e(task)}</h1>',
           f'<p class="verdict">{_e(verdict)}</p>',
           f'<p class="meta">{_e(" · ".join(meta))}</p>']
    if head.get("display"):
        out.append(f'<p class="meta small">{_e(head["display"])}</p>')
    out.append("</header>")
    if failed:
        out.append(f'<section id="failures"><h2>Failed step{"s" if len(failed) > 1 else ""}'
                   "</h2>")
        out.extend(_card(r) for r in failed)
        out.append("</section>")
    if warned:
        out.append('<section id="warnings"><h2>Warnings</h2><ul>')
        out.extend(f'<li><a href="#step-{_e(r.get("index"))}">{_step_title(r)}</a> '
                   f'<span class="where">{_e(r.get("where"))}</span>: '
                   f'{_e(r.get("message") or "")}</li>' for r in warned)
        out.append("</ul></section>")
    out.append('<section id="steps"><h2>Steps</h2><table><thead><tr>'
               '<th class="num">#</th><th>status</th><th>step</th><th>target</th>'
               '<th>matched</th><th>runner-up</th><th>detail</th>'
               '<th class="num">duration</th><th>screenshot</th></tr></thead><tbody>')
    out.extend(_row(r) for r in ordered)
    out.append("</tbody></table></section>")
    out.append(f'<footer class="small"><p>Written {_e(time.strftime("%Y-%m-%d %H:%M:%S"))} '
               "from run.jsonl beside this page; screenshots are the step-*.png files "
               "beside it.</p></footer></body></html>")
    return "\n".join(out) + "\n"


__all__ = ["HTML_FILE", "render"]
