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


# ------------------------------------------------------------------ exercise 4: momentum
# independent reference: the heavy ball written out by hand (Polyak 1964), no mlekit
def reference_momentum_step(theta, v, g, lr, beta):
    v_new = beta * np.asarray(v, float) - lr * np.asarray(g, float)
    return np.asarray(theta, float) + v_new, v_new


def test_momentum_reference_matches_a_hand_computed_sequence():
    # J = theta^2 (g = 2 theta), lr = 0.25, beta = 0.5 from theta = 1: v = -0.5, -0.5, -0.25
    theta, v, path = 1.0, 0.0, [1.0]
    for _ in range(3):
        theta, v = reference_momentum_step(theta, v, 2 * theta, 0.25, 0.5)
        path.append(float(theta))
    assert path == [1.0, 0.5, 0.0, -0.25]
    # the explanation's worked example
    theta, v = reference_momentum_step(1.5, -0.4, 2.0, 0.1, 0.9)
    assert math.isclose(theta, 0.94) and math.isclose(v, -0.56)


def test_momentum_accepts_the_reference_in_place_updates_arrays_and_lists(capsys):
    def in_place(theta, v, g, lr, beta):
        v *= beta
        v -= lr * g
        theta += v
        return theta, v

    def stacked(theta, v, g, lr, beta):
        return np.array(reference_momentum_step(theta, v, g, lr, beta))

    def as_lists(theta, v, g, lr, beta):
        return [np.asarray(x).tolist() for x in reference_momentum_step(theta, v, g, lr, beta)]

    for answer in (reference_momentum_step, in_place, stacked, as_lists):
        for _ in range(3):                                   # fresh random probes each time
            fb, out, err = run(ex.check_momentum_update, answer, capsys)
            assert fb and out.startswith(CHECK) and err == "", err


def _momentum_slip(kind):
    def student(theta, v, g, lr, beta):
        return {
            "no lr": lambda: (theta + beta * v - g, beta * v - g),
            "ascent": lambda: (theta + beta * v + lr * g, beta * v + lr * g),
            "old v": lambda: (theta + v, beta * v - lr * g),
            "minus v": lambda: (theta - (beta * v - lr * g), beta * v - lr * g),
            "torch": lambda: (theta - lr * (beta * v + g), beta * v + g),
            "ema": lambda: (theta - lr * (beta * v + (1 - beta) * g), beta * v + (1 - beta) * g),
            "no beta": lambda: (theta + v - lr * g, v - lr * g),
            "swapped": lambda: (beta * v - lr * g, theta + beta * v - lr * g),
            "old v returned": lambda: (theta + beta * v - lr * g, v),
            "v only right": lambda: (theta - 3 * lr * g, beta * v - lr * g),
            "both wrong": lambda: (theta * 2, v * 3),
        }[kind]()
    return student


@pytest.mark.parametrize("kind, hint", [
    ("no lr", "without the learning rate"),
    ("ascent", "went uphill"),
    ("old v", "moved by the old velocity"),
    ("minus v", "moved the wrong way"),
    ("torch", "other common convention"),
    ("ema", "running average"),
    ("no beta", "multiplied by beta"),
    ("swapped", "wrong order"),
    ("old v returned", "theta_new is right but v_new is not"),
    ("v only right", "v_new is right but theta_new is not"),
    ("both wrong", "term by term"),
])
def test_momentum_slips_get_their_hint(capsys, kind, hint):
    fb, out, err = run(ex.check_momentum_update, _momentum_slip(kind), capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err, err
    # the first probe's answer (theta 0.94, v -0.56) is never shown
    assert not answer_leaks(err.replace("-0.4", ""), [0.94, -0.56])


def test_momentum_beta_zero_must_be_gradient_descent(capsys):
    # right whenever beta > 0, but with beta = 0 it keeps the old velocity
    def wrong_at_zero(theta, v, g, lr, beta):
        if beta == 0:
            return theta + v - lr * g, v - lr * g
        return reference_momentum_step(theta, v, g, lr, beta)
    fb, out, err = run(ex.check_momentum_update, wrong_at_zero, capsys)
    assert not fb and "beta = 0" in err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("v = beta * v - lr * g"),
    (lambda th, v, g, lr, b: th, "return the pair"),
    (lambda th, v, g, lr, b: {"theta": th, "v": v}, "dict"),
    (lambda th, v, g, lr, b: (th, v, g), "return the pair"),
    (lambda th, v, g, lr, b: ("a", "b"), "not text"),
    (lambda th, v, g, lr, b: (float("nan"), 0.0), "NaN"),
    (lambda th, v, g, lr, b: (np.sum(th), np.sum(v)) if np.ndim(th) else (th, v), None),
])
def test_momentum_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_momentum_update, answer, capsys)
    assert not fb and err.startswith(CROSS) and "Traceback" not in err
    assert hint is None or hint in err, err


# ------------------------------------------------------------------ exercise 5: Adam
# independent reference: Kingma & Ba (2015), Algorithm 1, written out by hand
def reference_bias_correct(m, v, t, beta1, beta2):
    return m / (1 - beta1 ** t), v / (1 - beta2 ** t)


def reference_adam_path(grad, theta, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    m = v = 0.0
    path = [theta]
    for t in range(1, steps + 1):
        g = grad(theta)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat, v_hat = reference_bias_correct(m, v, t, b1, b2)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(theta)
    return path


def test_bias_correction_reference_makes_the_first_adam_step_lr_and_matches_mlekit():
    import mlekit as mk

    for scale in (2.0, 2000.0, 0.002):
        path = reference_adam_path(lambda th: scale * th, 1.0, 0.1, 6)
        assert math.isclose(path[1], 0.9, rel_tol=1e-6)          # size lr whatever the scale
        assert np.allclose(path, mk.optim.adam(lambda th: scale * th, 1.0, lr=0.1, steps=6).params)
    m_hat, v_hat = reference_bias_correct(0.3, 0.02, 3, 0.9, 0.999)  # the explanation's example
    assert math.isclose(m_hat, 0.3 / 0.271) and math.isclose(v_hat, 0.02 / (1 - 0.999 ** 3))


def test_bias_correction_accepts_the_reference_and_other_forms(capsys):
    def with_numpy(m, v, t, b1, b2):
        return np.divide(m, 1 - np.power(b1, t)), np.divide(v, 1 - np.power(b2, t))

    def geometric_sum(m, v, t, b1, b2):                         # the weights summed explicitly
        w1 = (1 - b1) * sum(b1 ** k for k in range(t))
        w2 = (1 - b2) * sum(b2 ** k for k in range(t))
        return m / w1, v / w2

    def stacked(m, v, t, b1, b2):
        return np.array(reference_bias_correct(m, v, t, b1, b2))

    for answer in (reference_bias_correct, with_numpy, geometric_sum, stacked):
        for _ in range(3):
            fb, out, err = run(ex.check_adam_bias_correction, answer, capsys)
            assert fb and out.startswith(CHECK) and err == "", err


@pytest.mark.parametrize("slip, hint", [
    (lambda m, v, t, b1, b2: (m, v), "unchanged"),
    (lambda m, v, t, b1, b2: (m / (1 - b1), v / (1 - b2)), "does not depend on t"),
    (lambda m, v, t, b1, b2: (m * (1 - b1 ** t), v * (1 - b2 ** t)), "got smaller"),
    (lambda m, v, t, b1, b2: (m / b1 ** t, v / b2 ** t), "on its own"),
    (lambda m, v, t, b1, b2: (m / (1 - b2 ** t), v / (1 - b1 ** t)), "swapped"),
    (lambda m, v, t, b1, b2: (m / (1 - b1 ** t), v / (1 - b1 ** t)), "its own decay rate"),
    (lambda m, v, t, b1, b2: reference_bias_correct(m, v, t - 1, b1, b2), "one update fewer"),
    (lambda m, v, t, b1, b2: reference_bias_correct(m, v, t + 1, b1, b2), "one update more"),
    (lambda m, v, t, b1, b2: (m / (1 - b1 ** t), np.sqrt(v / (1 - b2 ** t))), "square root"),
    (lambda m, v, t, b1, b2: reference_bias_correct(m, v, t, b1, b2)[::-1], "wrong order"),
    (lambda m, v, t, b1, b2: (m / (1 - b1 ** t), v), "m_hat is right but v_hat"),
    (lambda m, v, t, b1, b2: (m * 1.5, v / (1 - b2 ** t)), "v_hat is right but m_hat"),
    (lambda m, v, t, b1, b2: (m * 1.5, v * 1.5), "total weight"),
])
def test_bias_correction_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_adam_bias_correction, slip, capsys)
    assert not fb and out == "" and err.startswith(CROSS) and hint in err, err
    m_hat, v_hat = reference_bias_correct(0.3, 0.02, 3, 0.9, 0.999)
    assert not answer_leaks(err, [m_hat, v_hat])


def test_a_bias_correction_right_only_on_its_own_probes_fails_inside_adam(capsys):
    # right on the probes' shapes, but it breaks on the plain floats of the Adam replay
    def only_arrays(m, v, t, b1, b2):
        if isinstance(m, float) and t < 6 and abs(m) > 1:
            return m, v
        return reference_bias_correct(m, v, t, b1, b2)
    fb, out, err = run(ex.check_adam_bias_correction, only_arrays, capsys)
    assert not fb and "inside Adam" in err and "size about lr" in err, err


@pytest.mark.parametrize("answer, hint", [
    *function_blanks("m / (1 - beta1 ** t)"),
    (lambda m, v, t, b1, b2: m, "return the pair"),
    (lambda m, v, t: (m, v), "raised TypeError"),
    (lambda m, v, t, b1, b2: (m * np.nan, v), "NaN"),
])
def test_bias_correction_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_adam_bias_correction, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err, err


# ------------------------------------------------------------------ exercise 6: diverge, overshoot
LIMIT = 2 / 16            # J = 2 theta_1^2 + 8 theta_2^2: J'' = 4 and 16, so 2 / L = 0.125


def reference_gd_diverges(lr, steps=400):
    """Plain-Python GD on the bowl: does the distance to the minimum grow without bound?"""
    th1, th2 = -4.5, 2.0
    for _ in range(steps):
        th1, th2 = th1 - lr * 4 * th1, th2 - lr * 16 * th2
    return abs(1 - 16 * lr) > 1 or abs(1 - 4 * lr) > 1, math.hypot(th1, th2)


def test_the_bowl_and_its_limit_are_the_exercise_text():
    assert ex.DIVERGE_BOWL.curvatures == (2.0, 8.0) and np.allclose(ex.DIVERGE_BOWL.center, 0)
    assert math.isclose(ex.DIVERGE_BOWL.max_stable_lr, LIMIT)
    assert reference_gd_diverges(0.13)[0] and not reference_gd_diverges(0.12)[0]
    assert reference_gd_diverges(0.13)[1] > 1e3 > reference_gd_diverges(0.124)[1]


@pytest.mark.parametrize("lr", [0.126, 0.13, 0.2, 0.49, 0.5, 0.9, 1.0, 3.0, 1e3, 1e12, 1e300,
                                LIMIT * (1 + 1e-6), LIMIT * (1 + 1e-9), np.nextafter(LIMIT, 1),
                                np.float32(0.2), np.array(0.3), [0.3], 1])
def test_every_learning_rate_above_the_limit_is_accepted(capsys, lr):
    fb, out, err = run(ex.check_diverging_lr, lr, capsys)
    assert fb and out.startswith(CHECK) and err == "", (lr, err)


@pytest.mark.parametrize("lr, hint", [
    (LIMIT, "bounces between two points forever"),
    (0.1, "still converges"), (0.0625, "still converges"), (1e-9, "still converges"),
    (np.nextafter(LIMIT, 0), "still converges"), (0.124, "still converges"),
    (0, "positive"), (-0.2, "positive"), (math.inf, "finite"), (None, "still None"),
    ("0.2", "remove the quotes"), ([0.2, 0.3], "single number"), (True, "True/False"),
])
def test_learning_rates_at_or_below_the_limit_are_refused_without_the_limit(capsys, lr, hint):
    fb, out, err = run(ex.check_diverging_lr, lr, capsys)
    assert not fb and err.startswith(CROSS) and hint in err, err
    shown = err.replace(f"{lr}", "") if not isinstance(lr, (list, str)) else err
    assert "0.125" not in shown.replace("lr_diverge = 0.125 ", "") and "1/8" not in err
    assert "2 / L" not in err and "2/L" not in err


def reference_momentum_outcome(lr, beta, steps=20000):
    """Plain-Python heavy ball on (theta - 2)^2 from 5: (passed the minimum, converged)."""
    theta, v, passed = 5.0, 0.0, False
    for _ in range(steps):
        v = beta * v - lr * 2 * (theta - 2)
        theta += v
        passed = passed or theta < 2 - 1e-9
        if abs(theta - 2) > 1e6:
            return passed, False
    return passed, abs(theta - 2) < 1e-3


# theory: converges iff 0 < 2 lr < 2 (1 + beta); oscillates iff 2 lr > (1 - sqrt beta)^2
OVERSHOOTING = [(0.1, 0.9), (0.05, 0.5), (0.01, 0.9), (0.5, 0.5), (1.0, 0.5), (1.4, 0.5),
                (1.9, 0.95), (0.1, 0.99), (0.7, 0.0), (0.9, 0.0), (0.01, 0.95), [0.1, 0.9],
                np.array([0.1, 0.9]), (np.float32(0.1), np.float64(0.8)), (1, 0.5)]
NOT_OVERSHOOTING = [(0.1, 0.0, "never passes"), (0.5, 0.0, "never passes"),
                    (0.4, 0.0, "never passes"), (0.001, 0.1, "never passes"),
                    (1.5, 0.5, "without closing in"), (1.0, 0.0, "without closing in"),
                    (1.6, 0.5, "diverges"), (2.0, 0.9, "diverges"), (5.0, 0.0, "diverges")]


def test_the_reference_agrees_with_the_theory_of_the_explanation():
    for lr, beta in [tuple(map(float, s)) for s in OVERSHOOTING]:
        assert reference_momentum_outcome(lr, beta) == (True, True), (lr, beta)
        assert 0 < 2 * lr < 2 * (1 + beta)
    for lr, beta, _ in NOT_OVERSHOOTING:
        assert reference_momentum_outcome(lr, beta) != (True, True), (lr, beta)


@pytest.mark.parametrize("setting", OVERSHOOTING, ids=str)
def test_every_overshooting_setting_is_accepted(capsys, setting):
    fb, out, err = run(ex.check_overshooting_momentum, setting, capsys)
    assert fb and out.startswith(CHECK) and err == "", err


def test_slow_overshooting_settings_are_accepted(capsys):
    # beta close to 1 converges slowly, but it converges (|roots| = sqrt(beta) < 1)
    for setting in ((0.1, 0.999), (1e-4, 0.99), (1e-6, 0.9999)):
        fb, out, err = run(ex.check_overshooting_momentum, setting, capsys)
        assert fb, (setting, err)


@pytest.mark.parametrize("lr, beta, hint", NOT_OVERSHOOTING)
def test_settings_that_do_not_overshoot_and_converge_are_refused(capsys, lr, beta, hint):
    fb, out, err = run(ex.check_overshooting_momentum, (lr, beta), capsys)
    assert not fb and err.startswith(CROSS) and hint in err, err


@pytest.mark.parametrize("answer, hint", [
    (None, "still None"), ("(0.1, 0.9)", "remove the quotes"), (0.1, "1 value"),
    ((0.1, 0.9, 0.5), "3 values"), ((0.1, 1.0), "[0, 1)"), ((0.1, -0.5), "[0, 1)"),
    ((0.0, 0.9), "positive"), ((math.inf, 0.9), "finite"), ((0.1, math.nan), "[0, 1)"),
    ({"lr": 0.1, "beta": 0.9}, "dict"), (lambda: (0.1, 0.9), "function"),
])
def test_overshoot_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_overshooting_momentum, answer, capsys)
    assert not fb and err.startswith(CROSS) and hint in err and "Traceback" not in err, err
