"""Junk never shows a traceback: every public check answers any input with one sentence.

Hypothesis feeds every check of every lesson values no exercise asks for
(complex numbers, infinities, huge ints, objects, generators, text, ragged
lists, arrays of the wrong kind) and functions that return them, raise, or
take the wrong arguments. A check may pass or fail, but no exception may
escape it, and ``_core.STRICT`` is on, so the generic safety net in
``@check`` does not count: each case needs its own sentence.
"""

from __future__ import annotations

import decimal
import fractions
import importlib
import inspect
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlekit.exercises import _core

COURSE = Path(__file__).resolve().parents[1] / "course"

#: every lesson module mlekit ships (lesson00 … lessonNN), found, not listed
LESSON_MODULES = sorted(p.stem for p in Path(_core.__file__).parent.glob("lesson[0-9][0-9].py"))

CHECKS = [(f"{stem}.{name}", getattr(module, name))
          for stem in LESSON_MODULES
          for module in [importlib.import_module(f"mlekit.exercises.{stem}")]
          for name in module.__all__ if name.startswith("check_")]


class Opaque:
    """An object that is not a number and has no numeric protocol at all."""


class BadRepr:
    def __repr__(self):
        raise RuntimeError("repr fails")

    def __len__(self):
        raise RuntimeError("len fails")


def _generator():
    yield 0.5


floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(
    floats,
    st.integers(min_value=-10**400, max_value=10**400),
    st.sampled_from([10**400, -10**400, 10**309, 2**1024]),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    st.builds(np.complex128, st.complex_numbers(max_magnitude=1e6)),
    st.floats(-1e6, 1e6).map(np.float32),
    st.floats(-1e3, 1e3).map(np.float16),
    st.builds(np.int64, st.integers(-2**63, 2**63 - 1)),
    st.booleans(),
    st.builds(fractions.Fraction, st.integers(-100, 100), st.integers(1, 100)),
    st.builds(decimal.Decimal, st.integers(-10**6, 10**6)),
    st.sampled_from([decimal.Decimal("NaN"), decimal.Decimal("Infinity")]),
)
def _containers(children):
    """Lists, tuples and dicts of junk: what st.recursive nests the leaves in."""
    return st.one_of(st.lists(children, max_size=4), st.lists(children, max_size=4).map(tuple),
                     st.dictionaries(st.text(max_size=3), children, max_size=2))


junk_values = st.recursive(
    st.one_of(
        scalars,
        st.text(max_size=40),
        st.binary(max_size=10),
        st.none(),
        st.just(Ellipsis),
        st.builds(Opaque),
        st.builds(BadRepr),
        st.builds(_generator),
        st.sampled_from([Opaque, int, print, range(3), {1: 2}, {0.5}, frozenset(), slice(1)]),
        st.builds(lambda n: np.full(n, np.inf), st.integers(0, 5)),
        st.builds(lambda n: np.zeros((n, 2, 3)), st.integers(0, 3)),
        st.builds(lambda c: np.array([c, c]), st.complex_numbers(max_magnitude=10)),
        st.builds(lambda v: np.array(v), floats),                       # 0-d arrays
        st.builds(lambda: np.array([1, "a"], dtype=object)),
        st.builds(lambda: np.array([], dtype=float)),
    ),
    _containers,
    max_leaves=6,
)


def _returning(value):
    def student(*args, **kwargs):
        return value
    return student


def _raising(exc):
    def student(*args, **kwargs):
        raise exc
    return student


def _generating(*args, **kwargs):
    yield from range(3)


junk_functions = st.one_of(
    junk_values.map(_returning),
    st.sampled_from([ValueError("x"), ZeroDivisionError(), RecursionError(), KeyError("k"),
                     OverflowError(), MemoryError(), StopIteration(), ArithmeticError()]
                    ).map(_raising),
    st.just(_generating),
    st.just(lambda: 0.5),                                              # too few arguments
    st.just(lambda a, b, c, d, e, f, g: 0.5),                          # too many
    st.just(lambda *args: args),                                       # echoes its inputs
    st.just(lambda *args: [a for a in args]),
)


#: the cases every check must survive, tried one by one (hypothesis explores around them)
EDGES = [math.inf, -math.inf, math.nan, 1j, 2 - 3j, np.complex128(1j), 10**400, -10**400, 2**1024,
         10**20, -1, 0, 1e308, -1e308, 5e-324, np.float32(0.5), np.float16(0.5), np.int64(3),
         np.array(0.5), np.array([]), np.array([np.inf, 1.0]), np.array([1j]),
         np.array([1, "a"], dtype=object), np.zeros((2, 3)), [0.5, "a"], [[1, 2], [3]], (),
         {1: 2}, {0.5}, b"0.5", "0.7", "", True, False, fractions.Fraction(7, 10),
         decimal.Decimal("0.7"), decimal.Decimal("NaN"), Opaque(), BadRepr(), Opaque, print]


def _label(value) -> str:
    try:
        return repr(value)[:30]
    except Exception:
        return f"a {type(value).__name__} whose repr fails"


EDGE_ANSWERS = ([(_label(v), v) for v in EDGES]
                + [(f"returns {_label(v)}", _returning(v)) for v in EDGES]
                + [("returns a generator", _generating),
                   ("raises ZeroDivisionError", _raising(ZeroDivisionError()))])
EDGES.append(_generator())


@pytest.fixture(autouse=True)
def strict(monkeypatch, tmp_path):
    monkeypatch.setattr(_core, "STRICT", True)
    monkeypatch.chdir(tmp_path)                      # not a student edition: nothing recorded


@pytest.mark.parametrize("name, check", CHECKS, ids=[name for name, _ in CHECKS])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(answer=st.one_of(st.sampled_from([a for _, a in EDGE_ANSWERS]), junk_values,
                        junk_functions))
def test_no_junk_answer_escapes_a_check(name, check, answer, capsys):
    feedback = check(answer)
    out = capsys.readouterr()
    assert isinstance(feedback, _core.Feedback)
    shown = out.out + out.err
    assert "Traceback" not in shown
    marked = [line for line in shown.splitlines()
              if line.startswith((_core.PASS_MARK, _core.FAIL_MARK))]
    assert len(marked) == 1, f"{name}: one feedback line, got {shown!r}"


@pytest.mark.parametrize("name, check", CHECKS, ids=[name for name, _ in CHECKS])
def test_no_edge_case_escapes_a_check(name, check, capsys):
    for label, answer in EDGE_ANSWERS + [("a fresh generator", _generator())]:
        feedback = check(answer)
        shown = capsys.readouterr()
        text = shown.out + shown.err
        marked = [line for line in text.splitlines()
                  if line.startswith((_core.PASS_MARK, _core.FAIL_MARK))]
        assert isinstance(feedback, _core.Feedback) and len(marked) == 1, (name, label, text)


def test_the_strategies_cover_every_public_check():
    assert len(LESSON_MODULES) == len(list(COURSE.glob("[0-9][0-9]_*.ipynb")))
    for stem in LESSON_MODULES:
        module = importlib.import_module(f"mlekit.exercises.{stem}")
        public = [n for n in module.__all__ if n.startswith("check_")]
        assert public and all(inspect.isfunction(getattr(module, n)) for n in public)
    assert len(CHECKS) >= 31


def test_the_safety_net_answers_in_one_sentence_when_not_strict(monkeypatch, capsys):
    monkeypatch.setattr(_core, "STRICT", False)

    @_core.check
    def check_broken(answer):
        raise ZeroDivisionError("a bug in the check")

    assert not check_broken(1 + 2j)
    err = capsys.readouterr().err
    assert "cannot use the complex number (1+2j)" in err and "Traceback" not in err
