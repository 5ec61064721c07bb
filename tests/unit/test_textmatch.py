"""Text similarity for locators (no OCR model involved)."""
from __future__ import annotations

import pytest

from picoagent import defaults
from picoagent.vision.textmatch import normalise, score_text


def test_normalise():
    assert normalise("  Hello\t  World \n") == "hello world"
    assert normalise("ＯＫ") == "ok"                     # full-width folded by NFKC
    assert normalise("Straße") == "strasse"             # casefold, not just lower
    assert normalise("ﬁle") == "file"                   # ligature
    assert normalise("") == ""


def test_exact_match_is_full_score_over_whole_line():
    r = score_text("Save", "Save")
    assert (r.score, r.start, r.end, r.partial) == (1.0, 0, 4, False)


def test_exact_beats_partial():
    exact = score_text("Save", "Save")
    partial = score_text("Save", "Save As")
    assert partial.partial is True
    assert (partial.start, partial.end) == (0, 4)
    assert partial.score == pytest.approx(defaults.PARTIAL_PENALTY)
    assert exact.score > partial.score
    # conversely the longer target prefers the longer line
    assert score_text("Save As", "Save As").score > score_text("Save As", "Save").score


def test_whole_word_run_inside_longer_line():
    line = "Acme Labs · Visitor check-in"
    r = score_text("Visitor check-in", line)
    assert r.partial is True
    assert line[r.start:r.end] == "Visitor check-in"
    assert (r.start, r.end) == (12, 28)
    assert r.score >= defaults.MIN_SCORE


def test_word_run_in_middle_of_line():
    line = "File  Edit  View  Help"
    r = score_text("view", line)
    assert line[r.start:r.end] == "View"
    assert r.partial


def test_partial_match_never_reaches_exact_score():
    r = score_text("OK", "OK OK")
    assert r.score <= defaults.PARTIAL_PENALTY + 1e-9


@pytest.mark.parametrize("target,line", [
    ("save as", "Save As"),
    ("SAVE AS", "save as"),
    ("Save   As", "Save As"),
    ("Save As", "  Save\tAs  "),
    ("ＯＫ", "OK"),
    ("OK", "ＯＫ"),
    ("Ｓａｖｅ", "save"),
])
def test_case_whitespace_fullwidth_normalisation(target, line):
    r = score_text(target, line)
    assert r.score == 1.0
    assert r.partial is False
    assert line[r.start:r.end].strip() == line.strip()


@pytest.mark.parametrize("target,line", [
    ("Name", "Name:"), ("OK", "OK."), ("Total", "Total:"), ("Continue", "Continue…"),
    ("Name:", "Name"), ("OK", "OK:"), ("OK", "(OK)"),
])
def test_trailing_punctuation_tolerated(target, line):
    r = score_text(target, line)
    assert r.score >= 0.8
    # edge punctuation is stripped before comparing: close to, but below, an exact match
    # (plain similarity would give only 0.67-0.89 here)
    assert 0.95 <= r.score < 1.0
    assert r.partial is False


@pytest.mark.parametrize("target,line", [
    ("Save", "Quit program"),
    ("Cancel", "Save"),
    ("Visitor check-in", "Open settings"),
    ("OK", "Help"),
])
def test_unrelated_text_scores_low(target, line):
    assert score_text(target, line).score < 0.5


def test_empty_inputs_score_zero():
    assert score_text("", "Save").score == 0.0
    assert score_text("   ", "Save").score == 0.0
    r = score_text("Save", "   ")
    assert r.score == 0.0 and r.partial is False


def test_close_ocr_misread_still_matches():
    # one wrong character in a long word stays above the default threshold
    assert score_text("Preferences", "Preferenccs").score >= defaults.MIN_SCORE


def test_span_is_in_original_line_coordinates():
    line = "   ＯＫ   Cancel"
    r = score_text("cancel", line)
    assert line[r.start:r.end] == "Cancel"


def test_different_numbers_never_match():
    assert score_text("Guest 03", "Guest 03").score == 1.0
    assert score_text("Guest 03", "Guest 06").score <= 0.5
    # also inside a longer line
    assert score_text("Room 12", "Floor 1 · Room 13").score < 0.8
    assert score_text("Room 12", "Floor 1 · Room 12").score >= 0.9
