"""bench --budget: which stage breaks a step's budget, and the step line's stages
(pure logic: stage times are made up)."""
from __future__ import annotations

from picoagent.bench import budget, format_table
from picoagent.cli.common import stage_text
from picoagent.vision import timing


def find(diff=1.0, detect=20.0, recognise=100.0):
    def cold():
        timing.add("diff", diff)
        timing.add("detect", detect)
        timing.add("recognise", recognise)
    return cold


def test_the_stage_that_breaks_the_budget_alone_is_named():
    b = budget({"elements_ms": 40.0}, 250, find(recognise=400.0), repeat=3)
    assert b["budget_verdict"].startswith("text recognition alone breaks the budget: 400 ms")
    assert set(b["step_stages_ms"]) == {"diff", "detect", "recognise", "other", "elements"}
    assert b["step_stages_ms"]["recognise"] == 400.0


def test_a_sum_over_the_budget_names_the_largest_stage():
    b = budget({"elements_ms": 120.0, "grab_ms": 30.0}, 250, find(recognise=110.0), 3)
    assert b["step_stages_ms"]["capture"] == 30.0
    assert "no stage alone" in b["budget_verdict"] and "UI elements (120 ms)" in \
        b["budget_verdict"]


def test_a_step_within_the_budget_says_so():
    b = budget({"elements_ms": 10.0}, 250, find(), 3)
    assert b["budget_verdict"].startswith("within the budget")
    assert budget({}, 250, None, 3)["step_stages_ms"]["recognise"] == 0.0


def test_the_table_marks_the_stage_over_budget():
    fig = {"source": "x.png", "size": "10x10", "threads": 1, "cpus": 2, "peak_rss_mb": 1,
           "suggestions": [], **budget({"elements_ms": 10.0}, 250, find(recognise=300.0), 1)}
    table = format_table(fig)
    assert "text recognition                  300.0 ms  <- over" in table
    assert "budget: text recognition alone breaks the budget" in table


def test_the_step_line_shows_the_stages_of_a_millisecond_or_more():
    t = {"capture_ms": 0.4, "diff_ms": 2.0, "detect_ms": 12.6, "recognise_ms": 0.0,
         "elements_ms": 30.0, "act_ms": 110.2, "locate_ms": 50.0}
    assert stage_text(t) == "diff 2, detect 13, elements 30, act 110"
    assert stage_text({}) == ""
