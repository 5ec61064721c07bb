"""``${name}`` substitution: plain text replacement, never evaluation."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from picoagent.task.interpolate import InterpolationError, interpolate, references


def test_variable():
    assert interpolate("Hello ${name}!", {"name": "Ada"}, {}) == "Hello Ada!"


def test_whitespace_inside_braces_is_ignored():
    assert interpolate("${ name }", {"name": "Ada"}, {}) == "Ada"


def test_several_and_repeated():
    assert interpolate("${a}-${b}-${a}", {"a": "1", "b": "2"}, {}) == "1-2-1"


def test_non_string_value_is_stringified():
    assert interpolate("n=${n}", {"n": 3}, {}) == "n=3"


def test_env_variable():
    assert interpolate("home=${env.HOME_X}", {}, {"HOME_X": "/home/a"}) == "home=/home/a"


def test_env_namespace_is_separate_from_variables():
    # a task variable called HOME_X does not satisfy ${env.HOME_X}
    with pytest.raises(InterpolationError, match="environment variable HOME_X is not set"):
        interpolate("${env.HOME_X}", {"HOME_X": "var"}, {})
    # and an env var does not satisfy ${HOME_X}
    with pytest.raises(InterpolationError, match="undefined variable 'HOME_X'"):
        interpolate("${HOME_X}", {}, {"HOME_X": "env"})


def test_double_dollar_is_literal():
    assert interpolate("cost $${price}", {"price": "9"}, {}) == "cost ${price}"
    assert interpolate("$${a}${a}", {"a": "x"}, {}) == "${a}x"


def test_lone_dollar_untouched():
    assert interpolate("$5 and $name and $(x)", {"name": "n"}, {}) == "$5 and $name and $(x)"


def test_undefined_raises():
    with pytest.raises(InterpolationError, match="undefined variable 'missing'"):
        interpolate("a ${missing} b", {"other": "x"}, {})


def test_interpolation_error_is_value_error():
    assert issubclass(InterpolationError, ValueError)


@pytest.mark.parametrize("value", [
    "${b}", "${env.HOME}", "$${b}", "$(rm -rf /)", "`rm -rf /`", "{{b}}", "%(b)s", "\\1",
    "\\g<0>", "${",
])
def test_values_are_inserted_literally(value):
    variables = {"a": value, "b": "EXPANDED"}
    env = {"HOME": "/root"}
    assert interpolate("<${a}>", variables, env) == f"<{value}>"


def test_env_values_are_inserted_literally():
    assert interpolate("${env.X}", {"y": "no"}, {"X": "${y} $(id)"}) == "${y} $(id)"


def test_references():
    assert references("${a} ${ b } ${env.HOME} $${c} plain") == ["a", "b", "env.HOME"]
    assert references("no refs $ here") == []


@pytest.mark.parametrize("bad", ["${}", "${1a}", "${a b}", "${a.b}", "${env.}",
                                 "${a-b}"])
def test_references_rejects_malformed_names(bad):
    with pytest.raises(InterpolationError, match="invalid variable reference"):
        references(bad)


@pytest.mark.parametrize("bad", ["${a", "x ${ y", "${a ${b}"])
def test_references_rejects_unclosed(bad):
    with pytest.raises(InterpolationError):
        references(bad)


# ---- properties -----------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text().filter(lambda s: "$" not in s),
       st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True),
                       st.text(), max_size=3))
def test_text_without_dollar_is_unchanged(text, variables):
    assert interpolate(text, variables, {"HOME": "/x"}) == text
    assert references(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dictionaries(st.from_regex(r"[b-z][a-z0-9_]{0,5}", fullmatch=True),
                                  st.text(), max_size=3))
def test_single_reference_yields_value_verbatim(value, others):
    variables = {**others, "a": value}
    assert interpolate("${a}", variables, {}) == value


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="$"), max_size=20),
       st.text(max_size=20), st.text(alphabet=st.characters(blacklist_characters="$"),
                                     max_size=20))
def test_surrounding_text_is_preserved(prefix, value, suffix):
    # the braces cannot come from prefix/suffix since '${' needs a '$'
    assert interpolate(prefix + "${a}" + suffix, {"a": value}, {}) == prefix + value + suffix
