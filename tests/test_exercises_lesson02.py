"""Checks of lesson 02 (the log-likelihood): right answers pass, usual slips get their hint,
wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.exercises import lesson02 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, LEAK_FORMATS, answer_leaks as _answer_leaks, not_implemented, run


def answer_leaks(text, values):
    """This lesson's formats: one decimal too."""
    return _answer_leaks(text, values, formats=(*LEAK_FORMATS, "{:.1f}"))


def reference_loglik(x, p):
    return np.sum(x * np.log(p) + (1 - x) * np.log(1 - p))


def brute_force_first_zero():
    # independent of the check's np.prod search: halve a Python float until it is 0.0
    value, n = 1.0, 0
    while value != 0.0:
        value *= 0.5
        n += 1
    return n


def all_reference_logliks():
    cases = [(x, p) for _, x, p in ex._small_cases()] + [ex._large_case()]
    return [float(reference_loglik(x, p)) for x, p in cases]


# ------------------------------------------------------------------ exercise 1
def test_loglik_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_bernoulli_log_likelihood, reference_loglik, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_loglik_accepts_other_correct_forms(capsys):
    def with_counts(x, p):
        k = x.sum()
        return k * math.log(p) + (len(x) - k) * math.log(1 - p)

    def with_where(x, p):
        return float(np.log(np.where(x == 1, p, 1 - p)).sum())

    for answer in (with_counts, with_where):
        fb, out, err = run(ex.check_bernoulli_log_likelihood, answer, capsys)
        assert fb, err


def test_large_sample_really_underflows():
    x, p = ex._large_case()
    probs = np.where(x == 1, p, 1 - p)
    assert np.prod(probs) == 0.0 and np.isfinite(reference_loglik(x, p))


def log_of_product(x, p):
    return np.log(np.prod(p**x * (1 - p) ** (1 - x)))


def math_log_of_product(x, p):
    return math.log(math.prod(p if xi else 1 - p for xi in x))


@pytest.mark.parametrize("slip, hint", [
    (log_of_product, "log of the product"),
    (math_log_of_product, "log of the product"),
    (lambda x, p: np.sum(x * np.log(p)), "forgot the (1 - x) log(1 - p) term"),
    (lambda x, p: np.sum((1 - x) * np.log(1 - p)), "forgot the x log p term"),
    (lambda x, p: np.prod(p**x * (1 - p) ** (1 - x)), "returned the likelihood"),
    (lambda x, p: -reference_loglik(x, p), "wrong sign"),
    (lambda x, p: np.mean(x * np.log(p) + (1 - x) * np.log(1 - p)), "mean of the logs"),
    (lambda x, p: np.sum(x * np.log10(p) + (1 - x) * np.log10(1 - p)), "log base 10"),
    (lambda x, p: np.sum(x * np.log(1 - p) + (1 - x) * np.log(p)), "swapped p and 1 - p"),
    (lambda x, p: x * np.log(p) + (1 - x) * np.log(1 - p), "add the logs up"),
    (lambda x, p: 3.0, "positive number"),
    (lambda x, p: -1.0, "not the log-likelihood"),
    (lambda x, p: reference_loglik(x, p) if len(x) < 1000 else -1.0, "depends on the sample"),
])
def test_loglik_slips_get_their_hint(capsys, slip, hint):
    with np.errstate(all="ignore"):
        fb, out, err = run(ex.check_bernoulli_log_likelihood, slip, capsys)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err, err
    assert "Traceback" not in err
    assert not answer_leaks(err, all_reference_logliks())


def test_log_of_product_warning_free_even_with_warnings_as_errors(capsys):
    # pytest turns warnings into errors here; np.log(0.0) must still give the underflow hint
    fb, out, err = run(ex.check_bernoulli_log_likelihood, log_of_product, capsys)
    assert not fb and "-inf" in err and "RuntimeWarning" not in err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("np.sum(np.log(p))", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda x, p: 1 / 0, "raised ZeroDivisionError"),
    (lambda x, p: None, "forget the `return`"),
    (lambda x, p: "minus six", "remove the quotes"),
    (lambda x, p: float("nan"), "NaN"),
    (lambda x, p: [1.0, 2.0], "single number"),
    (lambda x: 0.0, "raised TypeError"),
])
def test_loglik_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_bernoulli_log_likelihood, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err, err
    assert not answer_leaks(err, all_reference_logliks())


def test_loglik_check_does_not_modify_or_share_inputs(capsys):
    seen = []

    def mutating(x, p):
        seen.append(x)
        out = reference_loglik(x, p)
        x[:] = 0
        return out

    fb, out, err = run(ex.check_bernoulli_log_likelihood, mutating, capsys)
    assert fb, err
    assert int(ex._small_cases()[0][1].sum()) == 7


# ------------------------------------------------------------------ exercise 2
def test_first_zero_accepts_the_brute_force_answer(capsys):
    want = brute_force_first_zero()
    assert ex._first_zero_by_brute_force() == want
    for answer in (want, float(want), np.int64(want)):
        fb, out, err = run(ex.check_first_zero_n, answer, capsys)
        assert fb and out.startswith(PASS_MARK) and err == ""
        assert not answer_leaks(out, [want])


def test_first_zero_reference_is_where_the_product_vanishes():
    n = ex._first_zero_by_brute_force()
    assert np.prod(np.full(n, 0.5)) == 0.0 and np.prod(np.full(n - 1, 0.5)) > 0.0


@pytest.mark.parametrize("offset, hint", [
    (-1, "Off by one"),
    (+1, "Off by one"),
    (-52, "smallest *normal* float"),   # 2**-1022 = np.finfo(float).tiny
    (-500, "not 0.0 yet"),
    (+300, "already was 0.0"),
])
def test_first_zero_slips(capsys, offset, hint):
    want = brute_force_first_zero()
    fb, out, err = run(ex.check_first_zero_n, want + offset, capsys)
    assert not fb and out == "" and hint in err, err
    assert not answer_leaks(err, [want])


@pytest.mark.parametrize("answer, hint", [
    (None, "still None"),
    ("1075", "remove the quotes"),
    (True, "True/False"),
    (float("nan"), "NaN"),
    (0.0, "positive whole number"),
    (-3, "positive whole number"),
    (5e-324, "value of the product"),
    (1074.5, "not a whole number"),
    (float("inf"), "not a whole number"),
    ([1074, 1075], "single number"),
    (lambda: 1075, "is a function"),
])
def test_first_zero_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_first_zero_n, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err, err
    # the text may echo what the student typed, but never the reference itself
    typed = str(answer) if isinstance(answer, str) or isinstance(answer, list) else ""
    assert not answer_leaks(err.replace(typed, ""), [brute_force_first_zero()])
