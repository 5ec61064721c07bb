"""Run reports: whole JSON lines, and never writing into a folder that isn't ours."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from picoagent.agent.report import REPORT_FILE, Report
from picoagent.errors import UsageError


def lines(folder: Path) -> list[str]:
    return (folder / REPORT_FILE).read_text(encoding="utf-8").split("\n")


def test_writes_whole_json_lines_immediately(tmp_path):
    folder = tmp_path / "report"
    rep = Report(folder)
    try:
        records = [
            {"step": 1, "kind": "click", "ok": True, "score": 0.97},
            {"step": 2, "message": "multi\nline\r\ntext with \"quotes\"", "text": "naïve ＯＫ"},
            {"step": 3, "path": Path("/tmp/x.png"), "nested": {"box": [1, 2, 3, 4]}},
        ]
        for i, rec in enumerate(records, start=1):
            rep.write(rec)
            # flushed after every record: readable before close, ending in a newline
            got = lines(folder)
            assert got[-1] == "" and len(got) == i + 1
        parsed = [json.loads(x) for x in lines(folder)[:-1]]
    finally:
        rep.close()
    assert parsed[0] == records[0]
    assert parsed[1] == records[1]
    assert parsed[2] == {"step": 3, "path": "/tmp/x.png", "nested": {"box": [1, 2, 3, 4]}}
    # unicode kept readable, not \u-escaped
    assert "naïve ＯＫ" in (folder / REPORT_FILE).read_text(encoding="utf-8")


def test_close_is_idempotent(tmp_path):
    rep = Report(tmp_path / "r")
    rep.write({"a": 1})
    rep.close()
    rep.close()
    assert lines(tmp_path / "r") == ['{"a": 1}', ""]


def test_creates_missing_nested_folder(tmp_path):
    folder = tmp_path / "a" / "b" / "c"
    rep = Report(folder)
    rep.close()
    assert (folder / REPORT_FILE).read_text() == ""
    assert rep.image_path("step-1.png") == folder / "step-1.png"


def test_empty_existing_folder_is_used(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    Report(folder).close()
    assert (folder / REPORT_FILE).exists()


def test_refuses_non_empty_folder_without_run_jsonl(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    (folder / "step-001.png").write_bytes(b"my picture")
    (folder / "sub").mkdir()
    (folder / "sub" / "x.txt").write_text("also mine")
    before = {p.relative_to(folder): (p.read_bytes() if p.is_file() else None)
              for p in folder.rglob("*")}

    with pytest.raises(UsageError, match="not empty") as ei:
        Report(folder)
    assert ei.value.exit_code == 2

    after = {p.relative_to(folder): (p.read_bytes() if p.is_file() else None)
             for p in folder.rglob("*")}
    assert after == before
    assert not (folder / REPORT_FILE).exists()


def test_refuses_folder_with_only_a_hidden_file(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / ".keep").write_text("")
    with pytest.raises(UsageError):
        Report(folder)
    assert [p.name for p in folder.iterdir()] == [".keep"]


def test_refuses_a_file(tmp_path):
    f = tmp_path / "report"
    f.write_text("not a folder")
    with pytest.raises(UsageError, match="not a folder"):
        Report(f)
    assert f.read_text() == "not a folder"


def test_reuses_previous_report_folder(tmp_path):
    folder = tmp_path / "r"
    rep = Report(folder)
    rep.write({"old": True})
    rep.close()
    (folder / "step-0001.png").write_bytes(b"old shot")
    (folder / "other.txt").write_text("kept")

    rep = Report(folder)
    rep.write({"new": True})
    rep.close()
    assert lines(folder) == ['{"new": true}', ""]          # old records replaced
    assert not (folder / "step-0001.png").exists()          # old step shots removed
    assert (folder / "other.txt").read_text() == "kept"     # other files left alone
