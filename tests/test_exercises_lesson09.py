"""Checks of lesson 09 (gradient descent and SGD): right answers pass, usual slips get their
hint, wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from mlekit.exercises import lesson09 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, ECHO_SAFE_FORMATS, answer_leaks as _answer_leaks, not_implemented, run


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


def reference_max_stable_lr(curvature):
    return 2 / curvature


def reference_steps_per_epoch(n, batch_size):
    return -(-n // batch_size)


def raises_key_error(*args):
    return {}["theta"]


def quad_grad(theta):                      # J = 1.5 (theta - 2)^2, the first probe of exercise 1
    return 3.0 * (theta - 2.0)


#: the first probe of exercise 1 and its answer, computed here by hand: 2 + 3 * 0.7^10
FIRST_GD = 2.0 + 3.0 * 0.7 ** 10


def test_references_agree_with_the_lesson():
    assert math.isclose(reference_run_gd(quad_grad, 5.0, 0.1, 10), FIRST_GD)
    assert reference_run_gd(lambda th: 2 * (th - 2.0), 4.5, 0.25, 3) == 2.3125   # section 1
    assert reference_max_stable_lr(2.0) == 1.0 and reference_steps_per_epoch(30, 8) == 4


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
    (None, "is None"),
    ("theta - lr * grad(theta)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (raises_key_error, "raised KeyError"),
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
def test_max_stable_lr_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_max_stable_lr, reference_max_stable_lr, capsys)
    assert fb and out.startswith(CHECK) and err == ""


@pytest.mark.parametrize("slip, hint", [
    (lambda c: 1 / c, "one single step"),
    (lambda c: c / 2, "denominator"),
    (lambda c: 2 * c, "denominator"),
    (lambda c: -2 / c, "positive"),
    (lambda c: 1.9 / c, "between -1 and 1"),
    (lambda c: 0.1, "between -1 and 1"),
])
def test_max_stable_lr_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_max_stable_lr, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err
    # the first probe is curvature 8: its answer 0.25 must never be shown (the student's own
    # value, echoed after "returned", may be -0.25)
    shown = re.sub(r"returned -?[\d.e+-]+", "", err)
    assert not answer_leaks(shown, [reference_max_stable_lr(8.0)])


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    (0.25, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda c: math.log(-c), "raised ValueError"),
    (lambda c: "2 / c", "remove the quotes"),
    (lambda c: [2 / c, 1 / c], "single number"),
    (lambda c: None, "forget the `return`"),
])
def test_max_stable_lr_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_max_stable_lr, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err


# ------------------------------------------------------------------ exercise 3
def test_steps_per_epoch_accepts_the_reference_and_ceil(capsys):
    for answer in (reference_steps_per_epoch, lambda n, b: math.ceil(n / b),
                   lambda n, b: float(np.ceil(n / b)), lambda n, b: (n + b - 1) // b):
        fb, out, err = run(ex.check_steps_per_epoch, answer, capsys)
        assert fb and out.startswith(CHECK) and err == ""


@pytest.mark.parametrize("slip, hint", [
    (lambda n, b: n // b, "rounding down"),
    (lambda n, b: round(n / b), "rounding down"),          # 30/8 rounds up; 1000/32 does not
    (lambda n, b: math.floor(n / b), "rounding down"),
    (lambda n, b: n / b, "not a whole number"),
    (lambda n, b: b / n, "swapped"),
    (lambda n, b: n * b, "don't multiply"),
    (lambda n, b: n, "one step per sample"),
    (lambda n, b: n // b + 1, "adding 1"),
    (lambda n, b: 5, "Count the batches"),
])
def test_steps_per_epoch_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_steps_per_epoch, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err
    # the message names the failing call, e.g. steps_per_epoch(1000, 32); its answer must not
    # appear anywhere else in the sentence
    call = re.search(r"steps_per_epoch\((\d+), (\d+)\)", err)
    n, b = int(call.group(1)), int(call.group(2))
    rest = err.replace(call.group(0), "")
    assert not re.search(rf"(?<![\d.]){reference_steps_per_epoch(n, b)}(?![\d.])", rest), err


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("ceil(n / b)", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda n, b: n // (b - b), "raised ZeroDivisionError"),
    (lambda n, b: "4", "remove the quotes"),
    (lambda n, b: (n, b), "single number"),
    (lambda n, b: None, "forget the `return`"),
])
def test_steps_per_epoch_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_steps_per_epoch, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err


def test_feedback_is_truthy_only_on_success(capsys):
    assert ex.check_steps_per_epoch(reference_steps_per_epoch)
    assert not ex.check_steps_per_epoch(lambda n, b: n // b)
    capsys.readouterr()
