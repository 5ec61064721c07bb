"""parse_duration: seconds as numbers, or strings with ms/s/sec/m/min/h."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from picoagent.task.durations import parse_duration


@pytest.mark.parametrize("value,expected", [
    (0, 0.0), (3, 3.0), (2.5, 2.5), ("0", 0.0), ("10", 10.0), ("1.5", 1.5), (".5", 0.5),
    ("500ms", 0.5), ("250ms", 0.25), ("0ms", 0.0), ("10s", 10.0), ("10 s", 10.0),
    ("3sec", 3.0), ("2m", 120.0), ("1.5min", 90.0), ("1h", 3600.0), ("0.5h", 1800.0),
    ("  7s  ", 7.0),
])
def test_examples(value, expected):
    result = parse_duration(value)
    assert isinstance(result, float)
    assert result == expected


@pytest.mark.parametrize("value", [-1, -0.5, "-1", "-2s", "-100ms", "-.5m"])
def test_negative_rejected(value):
    with pytest.raises(ValueError, match="must not be negative"):
        parse_duration(value)


@pytest.mark.parametrize("value", [
    "", "soon", "10 parsecs", "1.2.3s", "5ss", "ms", "s10", "1e3", "1,5s", "10 s s",
    "1.", "five seconds", "10S", "2M",
])
def test_garbage_rejected(value):
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", [None, [1], {"s": 1}, True, False, b"1s"])
def test_wrong_types_rejected(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_rejected(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_non_negative_float_is_itself(f):
    assert parse_duration(f) == f


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_int_seconds_and_strings(n):
    assert parse_duration(n) == float(n)
    assert parse_duration(str(n)) == float(n)
    assert parse_duration(f"{n}s") == float(n)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_milliseconds_close_to_int_over_1000(n):
    assert parse_duration(f"{n}ms") == pytest.approx(n / 1000, rel=1e-15, abs=0)


@pytest.mark.parametrize("n", [9, 13, 18, 26])
def test_milliseconds_exactly_int_over_1000(n):
    assert parse_duration(f"{n}ms") == n / 1000


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=-1e-9, allow_nan=False, allow_infinity=False))
def test_any_negative_float_rejected(f):
    with pytest.raises(ValueError):
        parse_duration(f)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Nd", "No")), max_size=30))
def test_text_without_digits_rejected(s):
    with pytest.raises(ValueError):
        parse_duration(s)
