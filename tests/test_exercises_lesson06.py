"""Checks of lesson 06 (Bernoulli → binary cross entropy): right answers pass, usual slips get
their hint, wrong types get a sentence instead of a traceback, and no message reveals the
answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.exercises import lesson06 as ex
from exercise_helpers import (FAIL_MARK, PASS_MARK, ECHO_SAFE_FORMATS,
                             answer_leaks as _answer_leaks, run, function_blanks, value_blanks)


def answer_leaks(text, values):
    """This lesson's formats: no 2-decimal format (hints echo the student's input)."""
    return _answer_leaks(text, values, formats=ECHO_SAFE_FORMATS)


# independent references: plain numpy, no mlekit
def sig(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))            # 1 / (1 + e^-z) without overflow


def reference_bce(p, t):
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def reference_grad(z, t):
    return sig(z) - t


def reference_delta(w, b):
    y = 1 / (1 + math.exp(-(w + b)))
    return 2 * y * y * (1 - y)


DELTA_33 = reference_delta(3.0, 3.0)
EMAIL_P = sig([2.0, -1.0, 0.5, -3.0, 1.5])
EMAIL_T = np.array([1, 0, 0, 0, 1])



def test_references_agree_with_the_lesson():
    assert np.isclose(5 * reference_bce(EMAIL_P, EMAIL_T), 1.664267, atol=1e-6)
    assert np.isclose(reference_delta(2.0, 2.0), 0.03469004, atol=1e-8)
    assert np.isclose(DELTA_33, 0.00492082, atol=1e-8)


# ------------------------------------------------------------------ exercise 1
def test_bce_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_bce, reference_bce, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_bce_accepts_a_loop_over_lists(capsys):
    def loop(p, t):
        total = 0.0
        for pi, ti in zip(p.tolist(), t.tolist()):
            total += -math.log(pi) if ti == 1 else -math.log(1 - pi)
        return total / len(p)
    fb, out, err = run(ex.check_bce, loop, capsys)
    assert fb


BCE_SLIPS = [
    (lambda p, t: np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), "is the mean log-likelihood"),
    (lambda p, t: -np.mean(t * np.log(p)), "term for label 0 is missing"),
    (lambda p, t: -np.mean((1 - t) * np.log(1 - p)), "term for label 1 is missing"),
    (lambda p, t: -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)), "asks for the mean"),
    (lambda p, t: -np.mean(t * np.log10(p) + (1 - t) * np.log10(1 - p)), "log base 10"),
    (lambda p, t: -np.mean(t * np.log2(p) + (1 - t) * np.log2(1 - p)), "log base 2"),
    (lambda p, t: -np.mean(t * np.log(p) - (1 - t) * np.log(1 - p)), "check the signs"),
    (lambda p, t: np.mean(t * np.log(p) - (1 - t) * np.log(1 - p)), "check the signs"),
    (lambda p, t: -np.mean(t * np.log(1 - p) + (1 - t) * np.log(p)), "swapped"),
    (lambda p, t: -(np.mean(t) * np.mean(np.log(p)) + np.mean(1 - t) * np.mean(np.log(1 - p))),
     "averaged t and log p_hat separately"),
    (lambda p, t: -(t * np.log(p) + (1 - t) * np.log(1 - p)), "now average them"),
    (lambda p, t: -np.mean(np.log(p)), "as if its label were 1"),
    (lambda p, t: -np.mean(np.log(1 - p)), "as if its label were 0"),
    (lambda p, t: np.mean((p - t) ** 2), "not the mean negative log-likelihood"),
]


def test_no_bce_slip_is_named_for_another_one(capsys):
    """Each diagnosed slip gets its own message and no other slip's (issue 12)."""
    messages = {hint for _, hint in BCE_SLIPS}
    for slip, hint in BCE_SLIPS:
        _, _, err = run(ex.check_bce, slip, capsys)
        others = [m for m in messages if m != hint and m in err]
        assert not others, f"{hint!r} slip was told {others}"


def test_every_bce_slip_differs_from_the_truth_on_the_probe_that_names_it():
    for p, t, described in ex._bce_cases():
        want = reference_bce(p, t)
        for value, message in ex._bce_slips(p, t, described):
            if ex.close(value, want):
                # indistinguishable here: name_the_slip must not name it on this probe
                assert ex.name_the_slip(want, want, [(value, message)]) is None


@pytest.mark.parametrize("slip, hint", BCE_SLIPS)
def test_bce_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_bce, slip, capsys)
    assert not fb and out == "" and err.startswith(FAIL_MARK) and hint in err
    assert "Traceback" not in err
    # the first data set (the five emails) is where every slip shows: its answer never appears
    assert not answer_leaks(err, [reference_bce(EMAIL_P, EMAIL_T)])


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("-mean(t log p)"),
    (0.33, "should be a function"),
    (lambda p, t: 1 / 0, "raised ZeroDivisionError"),
    (lambda p, t: None, "forget the `return`"),
    (lambda p, t: "0.3", "remove the quotes"),
    (lambda p, t: [1.0, 2.0], "single number"),
    (lambda p, t: float("nan"), "NaN"),
    (lambda p, t: True, "True/False"),
])
def test_bce_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_bce, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, [reference_bce(EMAIL_P, EMAIL_T)])


def test_bce_without_the_zero_label_term_passes_only_when_all_labels_are_one(capsys):
    # the slip must be caught on the first (mixed) data set, not slip through
    fb, out, err = run(ex.check_bce, lambda p, t: -np.mean(t * np.log(p)), capsys)
    assert not fb and "five emails" in err


# ------------------------------------------------------------------ exercise 2
def test_grad_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_bce_grad_logit, reference_grad, capsys)
    assert fb and out.startswith(PASS_MARK) and "z = 1000" in out and err == ""


def test_grad_accepts_a_naive_sigmoid(capsys):
    # 1 / (1 + exp(-z)) overflows at z = -1000 to 0.0 with a warning: still the right gradient
    fb, out, err = run(ex.check_bce_grad_logit, lambda z, t: 1 / (1 + np.exp(-z)) - t, capsys)
    assert fb and err == ""


def _times_sigma_prime(z, t):
    s = sig(z)
    return (s - t) * s * (1 - s)


GRAD_SLIPS = [
    (_times_sigma_prime, "multiplied by the sigmoid's derivative"),
    (lambda z, t: t - sig(z), "wrong sign"),
    (lambda z, t: 2 * _times_sigma_prime(z, t), "squared error"),
    (lambda z, t: z - t, "apply the sigmoid first"),
    (lambda z, t: (sig(z) - t) / z.size, "divided by the number of samples"),
    (lambda z, t: -t / sig(z) + (1 - t) / (1 - sig(z)), "with respect to y_hat"),
    (lambda z, t: (sig(z) - t)[:1], "shape"),
    (lambda z, t: float(np.mean(sig(z) - t)), "single number"),
    (lambda z, t: sig(z), "is not the derivative"),
]


@pytest.mark.parametrize("slip, hint", GRAD_SLIPS)
def test_grad_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_bce_grad_logit, slip, capsys)
    assert not fb and out == "" and hint in err and "Traceback" not in err
    assert not answer_leaks(err, reference_grad([2.0, -1.0, 0.5, -3.0, 1.5], EMAIL_T))


def test_grad_overflow_is_reported(capsys):
    # e^z / (1 + e^z) is sigma(z) on paper, but inf / inf = nan at z = 1000
    fb, out, err = run(ex.check_bce_grad_logit, lambda z, t: np.exp(z) / (1 + np.exp(z)) - t,
                       capsys)
    assert not fb and "inf or nan" in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("sigma(z) - t"),
    (lambda z, t: None, "forget the `return`"),
    (lambda z, t: "grad", "not text"),
    (lambda z, t: {"g": 1}, "array of numbers"),
    (lambda z, t: True, "True/False"),
])
def test_grad_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_bce_grad_logit, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 3
def test_signal_accepts_the_value(capsys):
    fb, out, err = run(ex.check_mse_error_signal, DELTA_33, capsys, w=3.0, b=3.0)
    assert fb and "vanishing gradient" in out and err == ""


def test_signal_at_the_lesson_start(capsys):
    fb, out, err = run(ex.check_mse_error_signal, reference_delta(2.0, 2.0), capsys,
                       w=2.0, b=2.0)
    assert fb


Y6 = 1 / (1 + math.exp(-6.0))
Y3 = 1 / (1 + math.exp(-3.0))


@pytest.mark.parametrize("answer, hint", [
    (-DELTA_33, "wrong sign"),
    (DELTA_33 / 2, "missing a factor 2"),
    (Y6, "error signal of BCE"),
    (2 * Y6, "dJ/dy only"),
    (Y6 * (1 - Y6), "derivative sigma'(z) alone"),
    (Y6 ** 2, "the loss (y - t)^2 itself"),
    (2 * Y3 * Y3 * (1 - Y3), "z = w x + b = 6"),
    (0.5, "is not dJ/dz"),
    *value_blanks("0.04"),
])
def test_signal_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_mse_error_signal, answer, capsys, w=3.0, b=3.0)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, [DELTA_33])
