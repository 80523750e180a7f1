"""Tests for mlekit.gradcheck: central differences and the relative error."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlekit.gradcheck import numerical_gradient, relative_error

A = np.array([[2.0, 0.5, -0.3], [0.5, 1.0, 0.2], [-0.3, 0.2, 3.0]])   # symmetric
B = np.array([1.0, -2.0, 0.5])
W = np.array([0.7, -1.3, 2.1])

KNOWN = [
    # name, f, x, exact gradient
    ("quadratic_form", lambda w: 0.5 * w @ A @ w + B @ w, W, A @ W + B),      # A w + b
    ("sum_of_squares", lambda w: float(np.sum(w ** 2)), W, 2 * W),           # 2 w
    ("sin", lambda w: float(np.sum(np.sin(w))), W, np.cos(W)),               # cos w
    ("product", lambda w: float(np.prod(w)), W, np.prod(W) / W),             # prod_{k != j} w_k
    ("exp_dot", lambda w: math.exp(B @ w / 4), W, np.exp(B @ W / 4) * B / 4),
    ("matrix_cubes", lambda m: float(np.sum(m ** 3)), W.reshape(3, 1) * np.ones((3, 2)),
     3 * (W.reshape(3, 1) * np.ones((3, 2))) ** 2),                          # 3 m^2, 2-D
]


@pytest.mark.parametrize("name, f, x, exact", KNOWN, ids=[k[0] for k in KNOWN])
def test_numerical_gradient_on_known_functions(name, f, x, exact):
    num = numerical_gradient(f, x)
    assert num.shape == np.shape(x)
    np.testing.assert_allclose(num, exact, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_phone_survey_nll():
    # d/dp [-7 ln p - 3 ln(1 - p)] = -7/p + 3/(1 - p); -8 at p = 0.5, 0 at p = 0.7
    nll = lambda p: -7 * math.log(p) - 3 * math.log(1 - p)
    np.testing.assert_allclose(numerical_gradient(nll, 0.5), -8.0, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(nll, 0.7), 0.0, atol=1e-7)


def test_scalar_input_gives_scalar_output_and_f_gets_a_float():
    seen = []

    def f(p):
        seen.append(type(p))
        return p ** 3

    g = numerical_gradient(f, 2.0)
    assert np.ndim(g) == 0
    assert isinstance(g, float)
    np.testing.assert_allclose(g, 12.0, rtol=1e-8)                         # 3 p^2
    assert seen == [float, float]


def test_numerical_gradient_does_not_modify_input():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    before = x.copy()
    numerical_gradient(lambda m: float(np.sum(np.sin(m) * m)), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_nudges_one_entry_at_a_time_by_eps():
    calls = []
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda w: calls.append(w.copy()) or 0.0, x, eps=1e-3)
    expected = [[1.001, 2.0], [0.999, 2.0], [1.0, 2.001], [1.0, 1.999]]
    np.testing.assert_allclose(calls, expected, rtol=1e-15)


def test_numerical_gradient_is_the_central_difference_formula():
    # (f(x + h) - f(x - h)) / 2h, with the same arithmetic
    f, x, h = math.exp, 0.3, 1e-3
    np.testing.assert_allclose(numerical_gradient(f, x, eps=h), (f(x + h) - f(x - h)) / (2 * h),
                               rtol=1e-15)


def test_numerical_gradient_error_is_second_order_in_eps():
    # central differences: error ~ h^2 f'''/6, so 10x smaller h -> ~100x smaller error
    # (a one-sided difference would only gain 10x)
    x = 0.4
    err = [abs(numerical_gradient(math.exp, x, eps=h) - math.exp(x)) for h in (1e-2, 1e-3)]
    np.testing.assert_allclose(err[0], 1e-4 / 6 * math.exp(x), rtol=1e-2)
    assert 80 < err[0] / err[1] < 120


def test_numerical_gradient_accepts_lists_and_ints():
    g = numerical_gradient(lambda w: float(np.sum(w ** 2)), [1, 2, 3])
    assert g.dtype == float
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-8)


def test_numerical_gradient_rejects_non_callable_f():
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, np.zeros(2))


def test_numerical_gradient_rejects_f_returning_an_array():
    with pytest.raises(TypeError, match="f\\(x\\) must return a single number, got an array"):
        numerical_gradient(lambda w: w ** 2, np.ones(3))


@pytest.mark.parametrize("eps", [0.0, -1e-6])
def test_numerical_gradient_rejects_non_positive_eps(eps):
    with pytest.raises(ValueError, match="eps must be > 0"):
        numerical_gradient(lambda w: 0.0, 1.0, eps=eps)


def test_numerical_gradient_rejects_nan_input():
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        numerical_gradient(lambda w: 0.0, [1.0, np.nan])


# ---------------------------------------------------------- relative_error
def test_relative_error_zero_for_equal():
    assert relative_error([1.0, -2.0, 3.0], [1.0, -2.0, 3.0]) == 0.0


def test_relative_error_one_for_opposite():
    np.testing.assert_allclose(relative_error([1.0, -2.0], [-1.0, 2.0]), 1.0, rtol=1e-15)


def test_relative_error_zero_when_both_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_relative_error_known_value():
    # ||[1,0] - [0,1]|| / (1 + 1) = sqrt(2) / 2
    np.testing.assert_allclose(relative_error([1.0, 0.0], [0.0, 1.0]), math.sqrt(2) / 2,
                               rtol=1e-15)
    # one zero, one not: ||a|| / ||a|| = 1
    np.testing.assert_allclose(relative_error([0.0, 0.0], [3.0, 4.0]), 1.0, rtol=1e-15)


def test_relative_error_small_for_a_tiny_perturbation():
    a = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(relative_error(a, a * (1 + 1e-9)), 1e-9 / 2, rtol=1e-3)


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
vectors = arrays(float, 4, elements=finite)


@settings(max_examples=60, deadline=None)
@given(vectors, vectors)
def test_relative_error_is_symmetric_and_bounded(a, b):
    e = relative_error(a, b)
    np.testing.assert_allclose(e, relative_error(b, a), rtol=1e-15)
    assert 0.0 <= e <= 1.0 + 1e-12                 # triangle inequality


@settings(max_examples=30, deadline=None)
@given(vectors, vectors, st.floats(1e-3, 1e3))
def test_relative_error_is_scale_invariant(a, b, c):
    np.testing.assert_allclose(relative_error(c * a, c * b), relative_error(a, b),
                               rtol=1e-9, atol=1e-12)


def test_relative_error_survives_tiny_and_huge_gradients():
    # hypothesis once found this one: the squares of 1.5e-162 underflowed to 0
    b = np.full(4, 1.54928665e-159)
    assert relative_error(np.zeros(4), 1e-3 * b) == 1.0
    assert relative_error(np.full(3, 1e200), np.full(3, 1e200)) == 0.0
    np.testing.assert_allclose(relative_error([1e-170, 0.0], [0.0, 1e-170]), np.sqrt(2) / 2)


def test_relative_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        relative_error(np.zeros(3), np.zeros(4))
