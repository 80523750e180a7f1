"""Checks of lesson 10 (backpropagation): right answers pass, usual chain-rule slips get their
hint, wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit.autodiff import Value
from mlekit.exercises import lesson10 as ex
from exercise_helpers import PASS_MARK, answer_leaks, not_implemented, run, failure


# ----------------------------------------------------------- independent references
def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def reference_sigmoid_grad(z):
    s = sig(z)
    return s * (1.0 - s)


def reference_neuron_grads(w, b, x, t):
    """By the autodiff engine, not by the formula the check uses."""
    wv, bv = Value(w), Value(b)
    loss = ((wv * x + bv).sigmoid() - t) ** 2
    loss.backward()
    return wv.grad, bv.grad


SIG_REFS = [reference_sigmoid_grad(z) for z in (1.5, -2.0, 0.7, -0.3, 4.0)]
NEURON_PROBES = [(0.5, -0.5, 2.0, 1.0), (-1.0, 0.3, -1.5, 0.25), (2.0, 2.0, 1.0, 0.0),
                 (0.0, 0.0, 3.0, 1.0), (1.2, -0.4, 0.5, 0.8), (-0.7, 1.1, -2.5, 0.0)]
NEURON_REFS = [g for p in NEURON_PROBES for g in reference_neuron_grads(*p)]


def test_reference_is_independent():
    # the autodiff reference agrees with the hand formula 2(y - t) y (1 - y) (x, 1)
    w, b, x, t = NEURON_PROBES[1]
    y = sig(w * x + b)
    gw, gb = reference_neuron_grads(w, b, x, t)
    assert np.isclose(gw, 2 * (y - t) * y * (1 - y) * x)
    assert np.isclose(gb, 2 * (y - t) * y * (1 - y))


# ------------------------------------------------------------------ exercise 1
@pytest.mark.parametrize("answer", [
    reference_sigmoid_grad,
    lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2,           # the quotient rule
    lambda z: float(np.exp(-z) / (1 + np.exp(-z)) ** 2),
])
def test_sigmoid_grad_accepts_correct_forms(capsys, answer):
    fb, out, err = run(ex.check_sigmoid_grad, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_sigmoid_grad_accepts_mlekit_sigmoid(capsys):
    import mlekit as mk

    fb, out, err = run(ex.check_sigmoid_grad,
                       lambda z: mk.nn.sigmoid(z) * (1 - mk.nn.sigmoid(z)), capsys)
    assert fb


@pytest.mark.parametrize("slip, hint", [
    (sig, "returned the sigmoid f(z) itself"),
    (lambda z: sig(z) * (1 + sig(z)), "f(1 + f)"),
    (lambda z: -reference_sigmoid_grad(z), "wrong sign"),
    (lambda z: z * (1 - z), "applied the formula to z itself"),
    (lambda z: 1 - sig(z) ** 2, "derivative of tanh"),
    (lambda z: 1 - sig(z), "only (1 - f)"),
    (lambda z: math.exp(-z), "returned e^(-z)"),
    (lambda z: 0.25, "not f(1 - f)"),
    (lambda z: 3.0, "between 0 and 0.25"),
])
def test_sigmoid_grad_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_sigmoid_grad, slip, capsys, hint), SIG_REFS)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("f * (1 - f)", "should be a function"),
    (0.25, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda z: undefined_name, "raised NameError"),          # noqa: F821
    (lambda z: 1 / 0, "raised ZeroDivisionError"),
    (lambda z: "0.25", "remove the quotes"),
    (lambda z: [0.1, 0.2], "single number"),
    (lambda z: float("nan"), "NaN"),
    (lambda z: None, "forget the `return`"),
])
def test_sigmoid_grad_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_sigmoid_grad, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, SIG_REFS)


# ------------------------------------------------------------------ exercise 2
def chain(w, b, x, t):
    y = sig(w * x + b)
    return y, 2 * (y - t) * y * (1 - y)


@pytest.mark.parametrize("answer", [
    reference_neuron_grads,
    lambda w, b, x, t: list(reference_neuron_grads(w, b, x, t)),
    lambda w, b, x, t: np.array(reference_neuron_grads(w, b, x, t)),
])
def test_neuron_grads_accepts_the_reference(capsys, answer):
    fb, out, err = run(ex.check_neuron_grads, answer, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


@pytest.mark.parametrize("slip, hint", [
    (lambda w, b, x, t: (lambda y, d: (d, d * x))(*chain(w, b, x, t)), "order asked for"),
    (lambda w, b, x, t: (lambda y, d: (-d * x, -d))(*chain(w, b, x, t)), "wrong sign"),
    (lambda w, b, x, t: (lambda y, d: (d * x / 2, d / 2))(*chain(w, b, x, t)),
     "half the right size"),
    (lambda w, b, x, t: (lambda y: (2 * (y - t) * x, 2 * (y - t)))(sig(w * x + b)),
     "forgot sigma'(z)"),
    (lambda w, b, x, t: (lambda y: ((y - t) * x, y - t))(sig(w * x + b)),
     "forgot both the factor 2"),
    (lambda w, b, x, t: (lambda y, d: (d, d))(*chain(w, b, x, t)), "forgot the last factor"),
    (lambda w, b, x, t: (lambda y, d: (d * w, d))(*chain(w, b, x, t)), "with respect to w, not to x"),
    (lambda w, b, x, t: (lambda y, d: (d * x, d * x))(*chain(w, b, x, t)), "has no factor x"),
    (lambda w, b, x, t: (lambda y: (2 * (y - t) * y * (1 + y) * x, 2 * (y - t) * y * (1 + y)))(
        sig(w * x + b)), "not y(1 + y)"),
    (lambda w, b, x, t: (lambda z, y: (2 * (y - t) * z * (1 - z) * x, 2 * (y - t) * z * (1 - z)))(
        w * x + b, sig(w * x + b)), "applied f(1 - f) to z"),
    (lambda w, b, x, t: (lambda y, d: (d * x, 0.0))(*chain(w, b, x, t)), "dL/dw is right"),
    (lambda w, b, x, t: (lambda y, d: (0.0, d))(*chain(w, b, x, t)), "dL/db is right"),
    (lambda w, b, x, t: (1.0, 1.0), "does not match the chain rule"),
])
def test_neuron_grads_slips_get_their_hint(capsys, slip, hint):
    assert not answer_leaks(failure(ex.check_neuron_grads, slip, capsys, hint), NEURON_REFS)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("delta * x, delta", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (lambda w, b, x, t: math.log(-1.0), "raised ValueError"),
    (lambda w, b, x, t: 0.3, "single number"),
    (lambda w, b, x, t: np.array([0.3]), "single number"),
    (lambda w, b, x, t: {"w": 0.1, "b": 0.2}, "a dict"),
    (lambda w, b, x, t: (0.1, 0.2, 0.3), "returned 3 values"),
    (lambda w, b, x, t: "0.1, 0.2", "not text"),
    (lambda w, b, x, t: (None, 0.2), "still None"),
    (lambda w, b, x, t: ("0.1", 0.2), "remove the quotes"),
    (lambda w, b, x, t: (float("nan"), 0.2), "NaN"),
    (lambda w, b, x, t: object(), "return the pair"),
])
def test_neuron_grads_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_neuron_grads, answer, capsys)
    assert not fb and hint in err and "Traceback" not in err
    assert not answer_leaks(err, NEURON_REFS)


def test_neuron_grads_value_engine_answer_passes(capsys):
    # a student who builds the graph with Value and returns .grad is right too
    fb, out, err = run(ex.check_neuron_grads, reference_neuron_grads, capsys)
    assert fb


# ------------------------------------------------------------------ exercise 3
RIGHT_STEP = 0.8 * (1 - 0.8) * (-0.4)


def test_backward_step_accepts_local_times_incoming(capsys):
    fb, out, err = run(ex.check_backward_step, RIGHT_STEP, capsys)
    assert fb and out.startswith(PASS_MARK)
    fb, out, err = run(ex.check_backward_step, np.float64(-0.064), capsys)
    assert fb


def test_backward_step_other_numbers(capsys):
    fb, out, err = run(ex.check_backward_step, 0.3 * 0.7 * 2.0, capsys, y=0.3, upstream=2.0)
    assert fb


@pytest.mark.parametrize("answer, hint", [
    (-RIGHT_STEP, "wrong sign"),
    (0.8 * 0.2, "only the local derivative"),
    (-0.4, "passed through unchanged"),
    (0.8 * 0.2 - 0.4, "adds the local and the incoming"),
    (0.8 * 1.8 * -0.4, "not y(1 + y)"),
    (0.8 * -0.4, "by y only"),
    (0.2 * -0.4, "by (1 - y) only"),
    (reference_sigmoid_grad(0.8) * -0.4, "treated 0.8 as the input z"),
    (0.5, "is not (local derivative) x (incoming gradient)"),
    (None, "still None"),
    ("0.16", "remove the quotes"),        # echoes the student's text, not the answer
    (True, "True/False"),
    (float("nan"), "NaN"),
    ([0.1, 0.2], "single number"),
    (not_implemented, "is a function"),
])
def test_backward_step_slips(capsys, answer, hint):
    fb, out, err = run(ex.check_backward_step, answer, capsys)
    assert not fb and out == "" and hint in err and "Traceback" not in err
    assert not answer_leaks(err, [RIGHT_STEP, abs(RIGHT_STEP)])


def test_feedback_is_not_shown_twice_as_a_cell_value():
    plain = ex.check_backward_step.__wrapped__     # the undecorated check returns the sentence
    assert "Correct" in plain(RIGHT_STEP)
