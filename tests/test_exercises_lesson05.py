"""Checks of lesson 05 (Gaussian noise → MSE): right answers pass, usual slips get their hint,
wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mlekit as mk
from mlekit.exercises import lesson05 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, answer_leaks, not_implemented, run, failure

LOG_2PI = math.log(2 * math.pi)


# ------------------------------------------------------------------ references (independent)
def reference_nll(t, y_hat, sigma):
    """The Gaussian NLL written out by hand, not with mlekit."""
    t, y_hat = np.asarray(t, float), np.asarray(y_hat, float)
    return float(np.sum((t - y_hat) ** 2) / (2 * sigma**2)
                 + t.size / 2 * math.log(2 * math.pi * sigma**2))


def reference_sigma_hat(noise=2.0, rng=1):
    x, t = mk.datasets.toy_regression(noise=noise, rng=rng)
    A = np.c_[x, np.ones_like(x)]
    (w, b), *_ = np.linalg.lstsq(A, t, rcond=None)
    return math.sqrt(float(np.mean((t - (w * x + b)) ** 2)))


def nll_case_references():
    """The reference NLL of every probe the check uses (for the leak test)."""
    return [reference_nll(t, y, s) for _, t, y, s in ex._nll_cases()]


WRONG_TYPES = [
    (None, "is None"),
    ("np.mean(t)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda *a: 1 / 0, "raised ZeroDivisionError"),
    (lambda *a: "ten", "remove the quotes"),
    (lambda *a: None, "returned None"),
]


# ------------------------------------------------------------------ exercise 1
def test_nll_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_gaussian_nll, reference_nll, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_nll_accepts_the_precision_form(capsys):
    def precision_form(t, y_hat, sigma):
        beta = 1 / sigma**2
        n = t.size
        return beta / 2 * np.sum((t - y_hat) ** 2) - n / 2 * np.log(beta) + n / 2 * LOG_2PI

    fb, out, err = run(ex.check_gaussian_nll, precision_form, capsys)
    assert fb and err == ""


def sse(t, y):
    return float(np.sum((t - y) ** 2))


@pytest.mark.parametrize("slip, hint", [
    (lambda t, y, s: -reference_nll(t, y, s), "log-likelihood"),
    (lambda t, y, s: reference_nll(t, y, s) / t.size, "mean NLL"),
    (lambda t, y, s: sse(y, t), "sum of squared errors"),
    (lambda t, y, s: sse(y, t) / t.size, "mean squared error"),
    (lambda t, y, s: sse(y, t) / (2 * s**2), "forgot the constant term"),
    # sigma where sigma^2 belongs: in both terms, in the constant only, in the squares only
    (lambda t, y, s: sse(y, t) / (2 * s) + t.size / 2 * np.log(2 * np.pi * s), "uses sigma"),
    (lambda t, y, s: sse(y, t) / (2 * s**2) + t.size / 2 * np.log(2 * np.pi * s), "uses sigma"),
    (lambda t, y, s: sse(y, t) / (2 * s) + t.size / 2 * np.log(2 * np.pi * s**2), "uses sigma"),
    (lambda t, y, s: sse(y, t) / s**2 + t.size / 2 * np.log(2 * np.pi * s**2), "factor 2"),
    (lambda t, y, s: sse(y, t) / (2 * s**2) + t.size * np.log(2 * np.pi * s**2), "twice too large"),
    (lambda t, y, s: sse(y, t) / (2 * s**2) + 0.5 * np.log(2 * np.pi * s**2), "only once"),
    (lambda t, y, s: sse(y, t) / 2 + t.size / 2 * LOG_2PI, "ignores sigma"),
    (lambda t, y, s: (t - y) ** 2 / (2 * s**2) + 0.5 * np.log(2 * np.pi * s**2), "add them up"),
    (lambda t, y, s: (t - y) ** 2, "single number"),
    (lambda t, y, s: 42.0, "not the Gaussian NLL"),
])
def test_nll_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_gaussian_nll, slip, capsys, hint), nll_case_references())


@pytest.mark.parametrize("answer, hint", WRONG_TYPES + [
    (lambda t, y, s: [1.0, 2.0], "single number"),
    (lambda t, y, s: float("nan"), "NaN"),
])
def test_nll_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_gaussian_nll, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


def test_nll_slip_hints_name_the_data_set(capsys):
    fb, out, err = run(ex.check_gaussian_nll, lambda t, y, s: sse(y, t) / (2 * s**2), capsys)
    assert "four points, sigma = 1.5" in err


# ------------------------------------------------------------------ exercise 2
def without_labels(err):
    """The message minus the data descriptions (which may contain small integers)."""
    for label, _ in ex._constant_cases():
        err = err.replace(label, "")
    return err


def constant_case_references():
    values = []
    for _, t in ex._constant_cases():
        values += [float(np.mean(t)), float(np.median(t))]
    return values


def test_best_constants_accept_mean_and_median(capsys):
    fb, out, err = run(ex.check_best_constant_mse, lambda t: np.mean(t), capsys)
    assert fb and "outliers included" in out and err == ""
    fb, out, err = run(ex.check_best_constant_mae, lambda t: np.median(t), capsys)
    assert fb and err == ""


def test_best_constant_mae_accepts_any_middle_value(capsys):
    # for an even number of values every c between the two middle ones minimises the MAE
    for pick in (lambda t: np.sort(t)[len(t) // 2], lambda t: np.sort(t)[(len(t) - 1) // 2]):
        fb, out, err = run(ex.check_best_constant_mae, pick, capsys)
        assert fb, err


def test_best_constant_mae_accepts_a_hand_written_median(capsys):
    def median(t):
        s = sorted(t)
        n = len(s)
        return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2

    fb, out, err = run(ex.check_best_constant_mae, median, capsys)
    assert fb


@pytest.mark.parametrize("slip, hint", [
    (lambda t: np.median(t), "returns the median"),
    (lambda t: np.mean((t - np.mean(t)) ** 2), "loss value"),
    (lambda t: (t.min() + t.max()) / 2, "largest error"),
    (lambda t: np.sum(t), "divide by the number of values"),
    (lambda t: t[0], "does not minimise the MSE"),
])
def test_best_constant_mse_slips(capsys, slip, hint):
    fb, out, err = run(ex.check_best_constant_mse, slip, capsys)
    assert not fb and err.startswith(FAIL_MARK) and hint in err
    assert not answer_leaks(without_labels(err), constant_case_references())


@pytest.mark.parametrize("slip, hint", [
    (lambda t: np.mean(t), "returns the mean"),
    (lambda t: t[len(t) // 2], "not sorted"),
    (lambda t: np.mean(np.abs(t - np.median(t))), "loss value"),
    (lambda t: (t.min() + t.max()) / 2, "largest error"),
    (lambda t: 0.0, "does not minimise the MAE"),
])
def test_best_constant_mae_slips(capsys, slip, hint):
    fb, out, err = run(ex.check_best_constant_mae, slip, capsys)
    assert not fb and err.startswith(FAIL_MARK) and hint in err
    assert not answer_leaks(without_labels(err), constant_case_references())


@pytest.mark.parametrize("check", [ex.check_best_constant_mse, ex.check_best_constant_mae])
@pytest.mark.parametrize("answer, hint", WRONG_TYPES + [
    (lambda t: np.array([1.0, 2.0]), "single number"),
    (lambda t: float("nan"), "NaN"),
])
def test_best_constant_wrong_types_get_a_sentence(capsys, check, answer, hint):
    fb, out, err = run(check, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


def test_student_sorting_in_place_does_not_change_the_check_data(capsys):
    def sorts_in_place(t):
        t.sort()
        return float(np.median(t))

    fb, out, err = run(ex.check_best_constant_mae, sorts_in_place, capsys)
    assert fb
    fb, out, err = run(ex.check_best_constant_mae, lambda t: t[len(t) // 2], capsys)
    assert not fb and "not sorted" in err       # the check's own data are still unsorted


# ------------------------------------------------------------------ exercise 3
def test_sigma_hat_accepts_the_mle(capsys):
    fb, out, err = run(ex.check_sigma_hat, reference_sigma_hat(), capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_sigma_hat_accepts_the_model_route(capsys):
    x, t = mk.datasets.toy_regression(noise=2.0, rng=1)
    w, b = np.polyfit(x, t, 1)
    answer = mk.models.Gaussian(mu=0.0).mle(t - (w * x + b))["sigma"]
    fb, out, err = run(ex.check_sigma_hat, answer, capsys, noise=2.0, rng=1)
    assert fb


def _data():
    x, t = mk.datasets.toy_regression(noise=2.0, rng=1)
    w, b = np.polyfit(x, t, 1)
    return x, t, t - (w * x + b)


@pytest.mark.parametrize("make, hint", [
    (lambda x, t, r: np.mean(r**2), "variance"),
    (lambda x, t, r: np.sum(r**2), "SSE"),
    (lambda x, t, r: np.std(r, ddof=1), "N - 1 or N - 2"),
    (lambda x, t, r: np.sqrt(np.sum(r**2) / (r.size - 2)), "N - 1 or N - 2"),
    (lambda x, t, r: 2.0, "used to generate"),
    (lambda x, t, r: np.std(t), "around its mean"),
    (lambda x, t, r: np.sqrt(np.mean((t - 2 * x - 1) ** 2)), "true line"),
    (lambda x, t, r: np.mean(np.abs(r)), "mean absolute residual"),
    (lambda x, t, r: -1.0, "positive"),
    (lambda x, t, r: 1.5, "not the maximum likelihood estimate"),
])
def test_sigma_hat_slips(capsys, make, hint):
    answer = float(make(*_data()))
    fb, out, err = run(ex.check_sigma_hat, answer, capsys)
    assert not fb and out == "" and hint in err
    assert not answer_leaks(err, [reference_sigma_hat(), reference_sigma_hat() ** 2])


@pytest.mark.parametrize("answer, hint", [
    (None, "still None"),
    ("1.79", "remove the quotes"),
    (True, "True/False"),
    (float("nan"), "NaN"),
    (not_implemented, "is a function"),
    ([1.0, 2.0], "single number"),
])
def test_sigma_hat_wrong_types(capsys, answer, hint):
    fb, out, err = run(ex.check_sigma_hat, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err


def test_checks_return_sentences_when_undecorated():
    from mlekit.exercises import StudentError

    assert "Correct" in ex.check_best_constant_mse.__wrapped__(np.mean)
    with pytest.raises(StudentError, match="median"):
        ex.check_best_constant_mse.__wrapped__(np.median)
