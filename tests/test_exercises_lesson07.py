"""Checks of lesson 07 (softmax and cross entropy): right answers pass, usual slips get their
hint, wrong types get a sentence instead of a traceback, and no message reveals the answer."""

from __future__ import annotations

import numpy as np
from scipy import special
import pytest

from mlekit.exercises import lesson07 as ex
from exercise_helpers import FAIL_MARK, PASS_MARK, answer_leaks, not_implemented, run

EXAMPLE = np.array([0.2, 0.1, 0.65, 0.05])
ONEHOT = np.array([0.0, 0.0, 1.0, 0.0])


# ------------------------------------------------------------ references (independent)
def reference_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def reference_cross_entropy(y_onehot, y_hat):
    return -np.mean(np.log(np.sum(y_onehot * y_hat, axis=1)))


def other_error(*args):
    raise KeyError("oops")


def shifted(z):
    return np.exp(z - np.max(z, axis=-1, keepdims=True))


def assert_clear_failure(fb, out, err, hint):
    assert not fb and out == "" and err.startswith(FAIL_MARK), err
    assert hint in err, err
    assert "Traceback" not in err and "\n" not in err.strip()


# values the softmax check must never print: distinctive softmax outputs of its cases
SOFTMAX_SECRETS = np.concatenate([reference_softmax([1.0, 0.3, 2.5, -0.4]),
                                  reference_softmax([2.0, -1.0]),
                                  reference_softmax([-2.0, 3.0, 0.5, 1.0]),
                                  reference_softmax([-1000.0, -1001.0, -1003.0])])
CE_SECRETS = [-np.log(0.65),
              reference_cross_entropy(np.eye(4)[[2, 0, 3]],
                                      np.array([EXAMPLE, [0.7, 0.1, 0.1, 0.1], [0.25] * 4])),
              reference_cross_entropy(np.eye(2)[[0, 1, 1, 0]],
                                      np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.5, 0.5]])),
              np.log(2.0) / 2]


# ------------------------------------------------------------------ exercise 1
def test_softmax_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_softmax, reference_softmax, capsys)
    assert fb and out.startswith(PASS_MARK) and err == ""


def test_softmax_accepts_a_list_for_one_vector(capsys):
    fb, out, err = run(ex.check_softmax,
                       lambda z: reference_softmax(z).tolist(), capsys)
    assert fb


@pytest.mark.parametrize("slip, hint", [
    (lambda z: np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True), "Subtract the largest"),
    (shifted, "forgot to normalise"),
    (np.exp, "forgot to normalise"),
    (lambda z: shifted(z) / np.sum(shifted(z), axis=0, keepdims=True), "columns sum to 1"),
    (lambda z: np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True), "columns sum to 1"),
    (lambda z: shifted(z) / np.sum(shifted(z)), "whole batch sums to 1"),
    (lambda z: shifted(z) / np.sum(shifted(z), axis=-1), "keepdims=True"),
    (lambda z: np.exp(z - z.max()) / np.sum(np.exp(z - z.max()), axis=-1, keepdims=True),
     "each row's own maximum"),
    (lambda z: z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True)), "log-probabilities"),
    (lambda z: z / np.sum(z, axis=-1, keepdims=True), "Exponentiate them first"),
    (lambda z: np.exp(z - max(z)) / sum(np.exp(z - max(z))), "one vector only"),
    (lambda z: reference_softmax(z) + 0.01, "sum to 1"),
    (lambda z: reference_softmax(z)[..., ::-1], "not e^(z_k)"),
])
def test_softmax_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_softmax, slip, capsys)
    assert_clear_failure(fb, out, err, hint)
    assert not answer_leaks(err, SOFTMAX_SECRETS)


def test_softmax_square_batch_without_keepdims(capsys):
    # a student who fixed the broadcast error with a transpose trick still divides wrongly
    def slip(z):
        e = shifted(z)
        return e / np.sum(e, axis=-1) if e.ndim == 2 and e.shape[0] == e.shape[1] else \
            reference_softmax(z)
    from mlekit.exercises.lesson07 import _diagnose_softmax
    z = np.array([[0.0, 1.0], [3.0, -1.0]])
    hint = _diagnose_softmax(slip(z), z, "softmax for a square batch")
    assert "keepdims=True" in hint


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    ("np.exp(z) / np.exp(z).sum()", "should be a function"),
    (not_implemented, "NotImplementedError"),
    (other_error, "raised KeyError"),
    (lambda z: None, "forget the `return`"),
    (lambda z: "probabilities", "not text"),
    (lambda z: 1.0, "a single number"),
    (lambda z: np.ones(3), "shape"),
    (lambda z: {"a": 1}, "not an array of numbers"),
])
def test_softmax_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_softmax, answer, capsys)
    assert_clear_failure(fb, out, err, hint)


# ------------------------------------------------------------------ exercise 2
def test_cross_entropy_accepts_the_reference(capsys):
    fb, out, err = run(ex.check_cross_entropy, reference_cross_entropy, capsys)
    assert fb and "zero probabilities" in out and err == ""


def test_cross_entropy_accepts_np_where_and_a_one_element_array(capsys):
    def with_where(y, p):
        terms = np.where(y > 0, y * np.log(np.where(y > 0, p, 1.0)), 0.0)
        return np.array([-np.sum(terms) / len(y)])
    fb, out, err = run(ex.check_cross_entropy, with_where, capsys)
    assert fb


def _naive(y, p):
    return -np.mean(np.sum(y * np.log(p), axis=-1))


@pytest.mark.parametrize("slip, hint", [
    (lambda y, p: -reference_cross_entropy(y, p), "put a minus sign"),
    (lambda y, p: -np.sum(np.log(np.sum(y * p, axis=1))), "divide by N"),
    (lambda y, p: -np.mean(y * np.log(np.where(p > 0, p, 1.0))), "averaged over the classes"),
    (lambda y, p: -np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=-1)),
     "binary cross entropy"),
    (lambda y, p: -np.mean(np.log(1 - np.sum(y * p, axis=1))), "log(1 - y_hat)"),
    (lambda y, p: -np.mean(np.sum(np.log(p), axis=-1)), "only the true class counts"),
    (lambda y, p: -np.mean(np.log10(np.sum(y * p, axis=1))), "log base 10"),
    (lambda y, p: -np.mean(np.log2(np.sum(y * p, axis=1))), "bits"),
    (lambda y, p: -np.mean(np.log(np.sum(y * p, axis=1) + 1e-4)), "small eps"),
    (lambda y, p: -np.log(np.sum(y * p, axis=1)), "one loss per sample"),
    (lambda y, p: -y * np.log(np.where(p > 0, p, 1.0)), "one value per class and sample"),
    (lambda y, p: -np.mean(np.sum(p * np.log(y), axis=-1)), "log of the one-hot"),
    (_naive, "0 * log(0)"),
    (lambda y, p: 0.5, "not the mean cross entropy"),
])
def test_cross_entropy_slips_get_their_hint(capsys, slip, hint):
    fb, out, err = run(ex.check_cross_entropy, slip, capsys)
    assert_clear_failure(fb, out, err, hint)
    assert not answer_leaks(err, CE_SECRETS)


@pytest.mark.parametrize("answer, hint", [
    (None, "is None"),
    (0.4308, "should be a function"),
    (not_implemented, "NotImplementedError"),
    (other_error, "raised KeyError"),
    (lambda y, p: None, "forget the `return`"),
    (lambda y, p: "0.43", "remove the quotes"),
    (lambda y, p: float("nan"), "NaN"),
    (lambda y: 0.0, "raised TypeError"),
])
def test_cross_entropy_wrong_types_get_a_sentence(capsys, answer, hint):
    fb, out, err = run(ex.check_cross_entropy, answer, capsys)
    assert_clear_failure(fb, out, err, hint)


# ------------------------------------------------------------------ exercise 3
#: exercise 3's sample: logits [1, 2, -0.5], true class 0; the reference is scipy's softmax
Z3 = np.array([1.0, 2.0, -0.5])
Y3 = np.array([1.0, 0.0, 0.0])
P3 = special.softmax(Z3)
GRAD3 = P3 - Y3


def test_exercise_3_is_not_the_worked_example_the_lesson_prints():
    assert GRAD3.shape != (EXAMPLE - ONEHOT).shape


def test_logit_gradient_accepts_y_hat_minus_y_in_every_form(capsys):
    for answer in (GRAD3, GRAD3.tolist(), tuple(GRAD3), GRAD3.astype(np.float32),
                   np.round(GRAD3, 4), [-0.7463, 0.6897, 0.05661]):
        fb, out, err = run(ex.check_logit_gradient, answer, capsys)
        assert fb and out.startswith(PASS_MARK) and err == "", err


@pytest.mark.parametrize("answer, hint", [
    (-GRAD3, "wrong sign"),
    (-Y3 / P3, "with respect to the probabilities"),
    (P3, "target is missing"),
    (-Y3, "just the one-hot target"),
    (GRAD3 / 3, "divided by the number of classes"),
    (Z3 - Y3, "apply the softmax"),
    (P3 - np.array([0.0, 1.0, 0.0]), "position 1"),
    (P3 - np.array([0.0, 0.0, 1.0]), "position 2"),
    (GRAD3 + 0.01, "does not sum to 0"),
    (np.array([0.3, -0.1, -0.2]), "not dCE/dz"),
    (EXAMPLE - ONEHOT, "four entries, like the worked example"),
    (None, "still None"),
    ("y_hat - y", "remove the quotes"),
    (True, "True/False"),
    (0.5, "single number"),
    ([0.2, 0.1], "shape (2,)"),
    (..., "`...`"),
    (np.array([np.nan] * 3), "NaN"),
    (print, "a function"),
])
def test_logit_gradient_slips_get_their_hint(capsys, answer, hint):
    fb, out, err = run(ex.check_logit_gradient, answer, capsys)
    assert_clear_failure(fb, out, err, hint)
    assert not answer_leaks(err, GRAD3)


def test_each_logit_gradient_slip_differs_from_the_truth():
    slips = [-GRAD3, P3, Z3 - Y3, GRAD3 / 3, P3 - np.array([0.0, 1.0, 0.0]),
             P3 - np.array([0.0, 0.0, 1.0])]
    assert all(not np.allclose(slip, GRAD3, atol=1e-3) for slip in slips)


def test_checks_return_feedback_that_displays_nothing_more():
    from mlekit.exercises import Feedback

    assert "Correct" in ex.check_logit_gradient.__wrapped__(GRAD3)
    assert Feedback(True, "x")._ipython_display_() is None
