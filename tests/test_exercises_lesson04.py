"""Checks of lesson 04 (the phone survey): right answers pass, usual slips get their hint,
wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import numpy as np
import pytest

from mlekit.exercises import lesson04 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, answer_leaks, not_implemented, run


def reference_gradient(p):
    return -7 / p + 3 / (1 - p)


# ------------------------------------------------------------------ exercise 1
def test_gradient_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_nll_gradient, reference_gradient, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


@pytest.mark.parametrize("slip, hint", [
    (lambda p: 7 / p - 3 / (1 - p), "wrong sign"),
    (lambda p: -7 / p, "only has the Android term"),
    (lambda p: -7 / p - 3 / (1 - p), "sign of the iOS term"),
    (lambda p: (-7 / p + 3 / (1 - p)) / 10, "mean NLL"),
    (lambda p: -7 * np.log(p) - 3 * np.log(1 - p), "not the derivative"),
])
def test_gradient_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_nll_gradient, slip, capsys)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err
    probes = [reference_gradient(p) for p in (0.05, 0.3, 0.5, 0.7, 0.9, 0.99)]
    assert not answer_leaks(err.split("returned")[0] if "returned" in err else "", probes[1:])


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("-7/p + 3/(1-p)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda p: 1 / 0, "raised ZeroDivisionError"),
    (lambda p: "ten", "remove the quotes"),
    (lambda p: [1.0, 2.0], "single number"),
])
def test_gradient_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_nll_gradient, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 2
def test_p_hat_accepts_k_over_n(capsys):
    fb, out, err = run(ex.check_p_hat, lambda k, n: k / n, capsys)
    assert fb and "k = 0 and k = n" in out


@pytest.mark.parametrize("slip, hint", [
    (lambda k, n: (n - k) / n, "share of failures"),
    (lambda k, n: k / (n - k), "number of failures"),
    (lambda k, n: 0.7, "Set the derivative"),
])
def test_p_hat_slips(capsys, slip, hint):
    fb, out, err = run(ex.check_p_hat, slip, capsys)
    assert not fb and hint in err


def test_p_hat_division_by_zero_is_reported_not_raised(capsys):
    # k / (n - k) with k = n divides by zero: the check must say so in a sentence
    fb, out, err = run(ex.check_p_hat, lambda k, n: k / (n - k) if k < n else 1 / 0, capsys)
    assert not fb and ("raised ZeroDivisionError" in err or "number of failures" in err)


# ------------------------------------------------------------------ exercise 3
def test_gd_step_accepts_one_step(capsys):
    fb, out, err = run(ex.check_gd_step, 0.2 - 0.01 * reference_gradient(0.2), capsys)
    assert fb


@pytest.mark.parametrize("answer, hint", [
    (0.2 + 0.01 * reference_gradient(0.2), "uphill"),
    (0.2 - reference_gradient(0.2), "full gradient step"),
    (None, "still None"),
    ("0.6", "remove the quotes"),
    (True, "True/False"),
    (float("nan"), "NaN"),
    (0.9, "not one step"),
])
def test_gd_step_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_gd_step, answer, capsys)
    assert not fb and hint in err
    assert not answer_leaks(err, [0.2 - 0.01 * reference_gradient(0.2)])


def test_feedback_is_not_shown_twice_as_a_cell_value():
    fb = ex.check_p_hat.__wrapped__  # the undecorated check returns the sentence
    assert "Correct" in fb(lambda k, n: k / n)
    from mlekit.exercises import Feedback

    assert Feedback(True, "x")._ipython_display_() is None
