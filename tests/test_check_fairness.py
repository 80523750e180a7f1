"""Checks never reject a right answer: rounded typed values and right answers in other forms.

The tolerance policy lives in ``mlekit.exercises._core``: a typed value passes when it is
right to 4 significant digits (``TYPED_RTOL``), a value a student's code computes when it is
within ``COMPUTED_RTOL`` (float32, finite differences and minimisers fall inside it). Every
reference below is computed independently of mlekit (math, scipy, finite differences).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import optimize, special, stats

from exercise_helpers import FAIL_MARK, PASS_MARK
from mlekit.exercises import (lesson00, lesson01, lesson02, lesson03, lesson04, lesson05,
                              lesson06, lesson08, lesson09, lesson10, lesson11)


def sig_digits(value: float, digits: int) -> float:
    """*value* rounded to *digits* significant digits, as a student would type it."""
    return float(f"{value:.{digits - 1}e}")


def sigmoid(z):
    return special.expit(z)


#: (check, the exact answer from an independent computation)
TYPED = {
    "android_share": (lesson00.check_android_share, 7 / 10),
    "nll_from_likelihood": (lesson00.check_nll_from_likelihood,
                            -stats.binom.logpmf(7, 10, 0.7) + math.log(math.comb(10, 7))),
    "surprise_ios": (lesson03.check_surprise_ios, -math.log(0.3)),
    "gd_step": (lesson04.check_gd_step, 0.2 - 0.01 * (-7 / 0.2 + 3 / 0.8)),
    "mse_error_signal": (lesson06.check_mse_error_signal,
                         2 * sigmoid(6.0) * sigmoid(6.0) * (1 - sigmoid(6.0))),
    "h_die": (lesson08.check_h_die, stats.entropy(np.full(6, 1 / 6), base=2)),
}


def outcome(check, answer, capsys):
    feedback = check(answer)
    out = capsys.readouterr()
    return feedback, out.out + out.err


@pytest.mark.parametrize("digits", [4, 5, 6, 8])
@pytest.mark.parametrize("name", TYPED)
def test_a_typed_value_right_to_4_significant_digits_passes(name, digits, capsys):
    check, exact = TYPED[name]
    typed = sig_digits(exact, digits)
    feedback, text = outcome(check, typed, capsys)
    assert feedback, f"{name}: {typed!r} (exact {exact!r}) was rejected: {text}"
    assert text.startswith(PASS_MARK)
    if typed != exact and not math.isclose(typed, exact, rel_tol=1e-5):
        assert "rounded" in text


def test_the_examples_from_the_issue_pass(capsys):
    assert outcome(lesson08.check_h_die, 2.585, capsys)[0]
    assert outcome(lesson06.check_mse_error_signal, 0.004921, capsys)[0]
    assert outcome(lesson03.check_surprise_ios, 1.20397, capsys)[0]


#: the typed exercises whose answer two significant digits do not already state exactly
COARSE = [name for name, (_, exact) in TYPED.items()
          if not math.isclose(sig_digits(exact, 2), exact, rel_tol=5e-4)]


@pytest.mark.parametrize("name", COARSE)
def test_a_value_rounded_too_far_is_called_close_not_wrong(name, capsys):
    check, exact = TYPED[name]
    coarse = sig_digits(exact, 2)
    feedback, text = outcome(check, coarse, capsys)
    assert not feedback and text.startswith(FAIL_MARK)
    assert "close" in text and "4 significant digits" in text, text


@pytest.mark.parametrize("name", TYPED)
def test_typed_answers_in_other_numeric_forms_pass(name, capsys):
    check, exact = TYPED[name]
    for form in (np.float64(exact), np.float32(exact), np.array(exact), [exact],
                 Fraction(exact).limit_denominator(10**6)):
        feedback, text = outcome(check, form, capsys)
        assert feedback, f"{name}: {form!r} was rejected: {text}"


def test_most_typed_answers_are_checked_for_coarse_rounding():
    assert len(COARSE) >= 5


def test_a_typed_wrong_answer_still_fails(capsys):
    for name, (check, exact) in TYPED.items():
        feedback, text = outcome(check, exact * 1.01 + 0.01, capsys)
        assert not feedback, f"{name}: a value 1 % off passed"


# ------------------------------------------------------------------ computed answers
def as_float32(func):
    """The student's function, computed in float32 throughout."""
    def student(*args):
        cast = [np.asarray(a, dtype=np.float32) if isinstance(a, (float, np.ndarray)) else a
                for a in args]
        return np.asarray(func(*cast), dtype=np.float32)
    return student


def returning_list(func):
    return lambda *args: np.asarray(func(*args)).tolist()


def central_difference(f, h=1e-5):
    return lambda v: (f(v + h) - f(v - h)) / (2 * h)


def survey_nll(p):
    return -stats.binom.logpmf(7, 10, p)


def bce_per_sample(z, t):
    return -(t * special.log_expit(z) + (1 - t) * special.log_expit(-z))


RIGHT_FUNCTIONS = {
    "nll_gradient": (lesson04.check_nll_gradient, lambda p: -7 / p + 3 / (1 - p)),
    "batch_grad_W1": (lesson10.check_batch_grad_W1,
                      lambda X, t, W1, w2: -2 / len(t) * X.T @ (
                          (t - np.maximum(X @ W1, 0) @ w2)[:, None] * w2 * (X @ W1 > 0))),
    "softmax_jacobian": (lesson10.check_jacobian,
                         lambda z: np.diag(special.softmax(z))
                         - np.outer(special.softmax(z), special.softmax(z))),
    "bce_grad_logit": (lesson06.check_bce_grad_logit, lambda z, t: sigmoid(z) - t),
    "best_constant_mse": (lesson05.check_best_constant_mse, np.mean),
    "best_constant_mae": (lesson05.check_best_constant_mae, np.median),
    "entropy_bits": (lesson08.check_entropy_bits,
                     lambda p: stats.entropy(np.asarray(p, dtype=float), base=2)),
    "kl": (lesson08.check_kl, lambda p, q: stats.entropy(p, q)),
    "best_lr": (lesson09.check_best_lr, lambda c_min, c_max: 2 / (c_min + c_max)),
    "momentum_update": (lesson09.check_momentum_update,
                        lambda th, v, g, lr, beta: (th + beta * v - lr * g, beta * v - lr * g)),
    "adam_bias_correction": (lesson09.check_adam_bias_correction,
                             lambda m, v, t, b1, b2: (m / (1 - b1 ** t), v / (1 - b2 ** t))),
    "binomial_probability": (lesson01.check_binomial_probability,
                             lambda r, n, p: stats.binom.pmf(r, n, p)),
    "test_nll": (lesson11.check_test_nll,
                 lambda p, t: -np.mean(special.xlogy(np.eye(np.shape(p)[1])[np.asarray(t, int)],
                                                     p).sum(axis=1))),
}


@pytest.mark.parametrize("name", RIGHT_FUNCTIONS)
def test_a_right_function_passes_in_float64_and_in_float32(name, capsys):
    check, func = RIGHT_FUNCTIONS[name]
    assert outcome(check, func, capsys)[0]
    feedback, text = outcome(check, as_float32(func), capsys)
    assert feedback, f"{name} in float32 was rejected: {text}"


@pytest.mark.parametrize("name", ["bce_grad_logit", "entropy_bits"])
def test_a_list_result_passes(name, capsys):
    check, func = RIGHT_FUNCTIONS[name]
    feedback, text = outcome(check, returning_list(func), capsys)
    assert feedback, text


def test_finite_difference_gradients_pass(capsys):
    h = 1e-6
    assert outcome(lesson04.check_nll_gradient, central_difference(survey_nll, h), capsys)[0]
    fd_logit = lambda z, t: (bce_per_sample(z + h, t) - bce_per_sample(z - h, t)) / (2 * h)  # noqa: E731
    feedback, text = outcome(lesson06.check_bce_grad_logit, fd_logit, capsys)
    assert feedback, text

    def error_signals(x, t, W1, w2):          # lesson 10: differences on z2 and on each z1_m
        z1 = x @ W1
        J1 = lambda v: (t - np.maximum(v, 0) @ w2) ** 2                   # noqa: E731
        z2 = np.maximum(z1, 0) @ w2
        return (((t - z2 - h) ** 2 - (t - z2 + h) ** 2) / (2 * h),
                [(J1(z1 + h * e) - J1(z1 - h * e)) / (2 * h) for e in np.eye(len(z1))])
    feedback, text = outcome(lesson10.check_error_signals, error_signals, capsys)
    assert feedback, text

    def grad_W1(X, t, W1, w2):
        J = lambda W: np.mean((t - np.maximum(X @ W, 0) @ w2) ** 2)       # noqa: E731
        return optimize.approx_fprime(W1.ravel(), lambda v: J(v.reshape(W1.shape)),
                                      1e-7).reshape(W1.shape)
    feedback, text = outcome(lesson10.check_batch_grad_W1, grad_W1, capsys)
    assert feedback, text

    def jacobian(z):
        cols = [(special.softmax(z + h * e) - special.softmax(z - h * e)) / (2 * h)
                for e in np.eye(len(z))]
        return np.array(cols).T
    feedback, text = outcome(lesson10.check_jacobian, jacobian, capsys)
    assert feedback, text


def test_numerical_minimisers_and_near_medians_pass(capsys):
    def minimiser(loss):
        def best(t):
            t = np.asarray(t, dtype=float)
            return optimize.minimize_scalar(lambda c: loss(t - c), bounds=(t.min(), t.max()),
                                            method="bounded", options={"xatol": 1e-9}).x
        return best

    for check, loss in ((lesson05.check_best_constant_mse, lambda r: np.mean(r**2)),
                        (lesson05.check_best_constant_mae, lambda r: np.mean(np.abs(r)))):
        feedback, text = outcome(check, minimiser(loss), capsys)
        assert feedback, text
    feedback, text = outcome(lesson05.check_best_constant_mae,
                             lambda t: np.median(t) + 1e-7, capsys)
    assert feedback, text
    feedback, text = outcome(lesson05.check_best_constant_mae,
                             lambda t: np.float32(np.median(t)), capsys)
    assert feedback, text
    assert "not sorted" not in text


def test_a_median_off_by_a_real_amount_still_fails(capsys):
    feedback, text = outcome(lesson05.check_best_constant_mae, lambda t: np.median(t) + 0.5,
                             capsys)
    assert not feedback


def test_other_right_forms_of_whole_numbers_and_fractions_pass(capsys):
    assert outcome(lesson04.check_p_hat, lambda k, n: Fraction(k, n), capsys)[0]
    def seen(n, b, steps):
        epochs, rest = divmod(steps, math.ceil(n / b))
        return epochs * n + rest * b
    assert outcome(lesson09.check_samples_seen, seen, capsys)[0]
    assert outcome(lesson09.check_samples_seen, lambda *a: np.int64(seen(*a)), capsys)[0]
    assert outcome(lesson09.check_samples_seen, lambda *a: np.float32(seen(*a)), capsys)[0]
    # lesson 09, exercise 6: every rate past 2 / L = 1/8 diverges, in any numeric form
    for lr in (Fraction(1, 5), np.float32(0.2), np.array([0.2]), 1, np.nextafter(1 / 8, 1)):
        assert outcome(lesson09.check_diverging_lr, lr, capsys)[0], lr
    for setting in ((Fraction(1, 10), 0.9), np.array([0.1, 0.9], dtype=np.float32), [1, 0.5]):
        assert outcome(lesson09.check_overshooting_momentum, setting, capsys)[0], setting
    assert outcome(lesson01.check_most_likely, np.int64(3), capsys)[0]
    assert outcome(lesson01.check_most_likely, 3.0, capsys)[0]
    assert outcome(lesson02.check_first_zero_n, np.array(1075), capsys)[0]
