"""Checks of lesson 09 (gradient descent and SGD): right answers pass, usual slips get their
hint, wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from mlekit.exercises import lesson09 as ex
from exercise_helpers import (FAIL_MARK, PASS_MARK, ECHO_SAFE_FORMATS,
                             answer_leaks as _answer_leaks, not_implemented, run, function_blanks)


def answer_leaks(text, values):
    """This lesson's formats: no 2-decimal format (hints echo the student's input)."""
    return _answer_leaks(text, values, formats=ECHO_SAFE_FORMATS)

CHECK, CROSS = PASS_MARK, FAIL_MARK


# independent references: plain Python, no mlekit
def reference_run_gd(grad, theta0, lr, steps):
    theta = theta0
    for _ in range(steps):
        theta = theta - lr * grad(theta)
    return theta


def reference_best_lr(c_min, c_max):
    return 2 / (c_min + c_max)


def reference_samples_seen(n, batch_size, steps):
    per_epoch = -(-n // batch_size)
    epochs, rest = divmod(steps, per_epoch)
    return epochs * n + rest * batch_size



def quad_grad(theta):                      # J = 1.5 (theta - 2)^2, the first probe of exercise 1
    return 3.0 * (theta - 2.0)


#: the first probe of exercise 1 and its answer, computed here by hand: 2 + 3 * 0.7^10
FIRST_GD = 2.0 + 3.0 * 0.7 ** 10


def test_references_agree_with_the_lesson():
    assert math.isclose(reference_run_gd(quad_grad, 5.0, 0.1, 10), FIRST_GD)
    assert reference_run_gd(lambda th: 2 * (th - 2.0), 4.5, 0.25, 3) == 2.3125   # section 1
    assert reference_best_lr(2.0, 20.0) == 1 / 11 and reference_samples_seen(30, 8, 6) == 46


# ------------------------------------------------------------------ exercise 1
def test_run_gd_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_run_gd, reference_run_gd, capsys)
    assert fb and out.startswith(CHECK) and err == ""


def test_run_gd_accepts_an_in_place_update_and_mlekit(capsys):
    def in_place(grad, theta0, lr, steps):
        theta = theta0
        for _ in range(steps):
            theta -= lr * grad(theta)
        return theta

    import mlekit as mk

    for answer in (in_place,
                   lambda g, th, lr, s: mk.optim.gradient_descent(g, th, lr, s).final,
                   lambda g, th, lr, s: np.asarray(reference_run_gd(g, th, lr, s)).tolist()):
        fb, out, err = run(ex.check_run_gd, answer, capsys)
        assert fb, err


def _path(grad, theta0, lr, steps):
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * grad(thetas[-1]))
    return np.array(thetas)


@pytest.mark.parametrize("slip, hint", [
    (lambda g, th, lr, s: reference_run_gd(lambda x: -g(x), th, lr, s), "went uphill"),
    (lambda g, th, lr, s: reference_run_gd(g, th, 1.0, s), "full gradient"),
    (lambda g, th, lr, s: th, "never changed"),
    (lambda g, th, lr, s: th - s * lr * g(th), "gradient at the start"),
    (lambda g, th, lr, s: reference_run_gd(g, th, lr, s - 1), "one step too few"),
    (lambda g, th, lr, s: reference_run_gd(g, th, lr, s + 1), "one step too many"),
    (lambda g, th, lr, s: reference_run_gd(g, th, lr, max(s, 1)), "one step too many"),
    (_path, "whole path"),
    (lambda g, th, lr, s: reference_run_gd(g, th, lr / 2, s), "not where"),
])
def test_run_gd_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_run_gd, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err
    assert "Traceback" not in err
    assert not answer_leaks(err, [FIRST_GD])


def test_run_gd_path_of_a_2d_problem_is_recognised(capsys):
    # correct on the 1-D probes, the whole path on the 2-D one
    def path_in_2d(g, th, lr, s):
        return _path(g, th, lr, s) if np.ndim(th) else reference_run_gd(g, th, lr, s)
    fb, out, err = run(ex.check_run_gd, path_in_2d, capsys)
    assert not fb and "whole path, 16 values" in err


def test_run_gd_returning_a_trajectory_gets_a_hint(capsys):
    import mlekit as mk

    def whole_run(g, th, lr, s):
        return mk.optim.gradient_descent(g, th, lr, s)
    fb, out, err = run(ex.check_run_gd, whole_run, capsys)
    assert not fb and ".final" in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("theta - lr * grad(theta)"),
    (lambda g, th, lr, s: 1 / 0, "raised ZeroDivisionError"),
    (lambda g, th, lr, s: None, "forget the `return`"),
    (lambda g, th, lr, s: "five", "not text"),
    (lambda g, th, lr, s: True, "True/False"),
    (lambda g, th, lr, s: {"theta": 1.0}, "final theta"),
    (lambda g, th, lr, s: float("nan"), "NaN"),
    (lambda g, th, lr, s: np.sum(reference_run_gd(g, th, lr, s)), "shape (2,)"),
])
def test_run_gd_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_run_gd, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 2
def test_best_lr_reference_is_the_brute_force_minimiser_of_the_slowest_contraction():
    for c_min, c_max in ex._BOWLS:
        grid = np.linspace(1e-6, 2 / c_max, 100_001)
        worst = np.maximum(abs(1 - grid * c_min), abs(1 - grid * c_max))
        assert math.isclose(grid[np.argmin(worst)], reference_best_lr(c_min, c_max), rel_tol=1e-4)


def test_best_lr_accepts_the_reference_and_a_numerical_minimiser(capsys):
    from scipy.optimize import minimize_scalar

    def numerical(c_min, c_max):
        return minimize_scalar(lambda a: max(abs(1 - a * c_min), abs(1 - a * c_max)),
                               bounds=(0, 2 / c_max), method="bounded",
                               options={"xatol": 1e-10}).x
    for answer in (reference_best_lr, numerical):
        fb, out, err = run(ex.check_best_lr, answer, capsys)
        assert fb and out.startswith(CHECK) and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda a, b: 2 / b, "stability limit of the steep axis"),
    (lambda a, b: 1 / b, "solves the steep axis in one step"),
    (lambda a, b: 1 / a, "solves the flat axis in one step"),
    (lambda a, b: 2 / a, "stability limit of the flat axis"),
    (lambda a, b: 1 / (a + b), "half the right size"),
    (lambda a, b: -2 / (a + b), "positive"),
    (lambda a, b: 0.3, "does not converge at all"),
    (lambda a, b: 0.07, "larger of their sizes"),
])
def test_best_lr_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_best_lr, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err, err
    shown = re.sub(r"returned -?[\d.e+-]+", "", err)
    assert not answer_leaks(shown, [reference_best_lr(2.0, 20.0)])


def test_each_best_lr_slip_differs_from_the_truth_on_the_first_bowl():
    c_min, c_max = ex._BOWLS[0]
    slips = [2 / c_max, 1 / c_max, 1 / c_min, 2 / c_min, 1 / (c_min + c_max)]
    values = slips + [reference_best_lr(c_min, c_max)]
    assert len({round(v, 6) for v in values}) == len(values)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    (0.25, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda a: 0.1, "raised TypeError"),
])
def test_best_lr_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_best_lr, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 3
def test_samples_seen_reference_matches_a_simulation_of_sgd():
    for n, b, steps in ex._SEEN_CASES:
        batches = [len(xb) for xb, _ in
                   (pair for _ in range(steps + 1)
                    for pair in ex.minibatches(np.arange(n), np.arange(n), batch_size=b,
                                               shuffle=False))][:steps]
        assert sum(batches) == reference_samples_seen(n, b, steps)


def test_samples_seen_accepts_the_reference_and_a_loop(capsys):
    def loop(n, b, steps):
        seen, left = 0, n
        for _ in range(steps):
            take = min(b, left)
            seen, left = seen + take, left - take
            if left == 0:
                left = n
        return seen
    for answer in (reference_samples_seen, loop, lambda n, b, s: float(reference_samples_seen(n, b, s))):
        fb, out, err = run(ex.check_samples_seen, answer, capsys)
        assert fb and out.startswith(CHECK) and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda n, b, s: s * b, "counted as a full batch"),
    (lambda n, b, s: min(s * b, n), "stopped after one epoch"),
    (lambda n, b, s: (s // -(-n // b)) * n, "the whole epochs are right"),
    (lambda n, b, s: s * n / -(-n // b), "spreads the samples evenly"),
    (lambda n, b, s: (s // -(-n // b)) * n + (s % -(-n // b)) * (n % b or b), "full batches, not small"),
    (lambda n, b, s: -1, "0 or more"),
    (lambda n, b, s: s, "Split the updates into whole epochs"),
])
def test_samples_seen_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_samples_seen, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err, err
    call = re.search(r"samples_seen\((\d+), (\d+), (\d+)\)", err)
    rest = err[call.end():].replace(re.search(r"returned (-?[\d.]+)", err).group(0), "")
    answer = reference_samples_seen(*map(int, call.groups()))
    assert not re.search(rf"(?<![\d.]){answer}(?![\d.])", rest), err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    (46, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda n, b: 4, "raised TypeError"),
])
def test_samples_seen_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_samples_seen, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err


def test_feedback_is_truthy_only_on_success(capsys):
    assert ex.check_samples_seen(reference_samples_seen)
    assert not ex.check_samples_seen(lambda n, b, s: s * b)
