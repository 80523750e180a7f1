"""Unit tests for :mod:`mlekit.losses`.

Every value is checked against a reference that does not go through mlekit:
``scipy.special`` (xlogy, expit, log_expit, softmax, log_softmax, logsumexp),
``scipy.stats.bernoulli.logpmf`` and formulas written out here. Every
``*_grad`` is checked against central finite differences written in this file
(not ``mlekit.gradcheck``, so a bug there cannot hide a bug here).
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import pytest
from scipy import special, stats

from mlekit import information, losses
from mlekit import models as mk_models

# ----------------------------------------------------------------------------- helpers
H = 1e-6                     # finite-difference step
FD_TOL = dict(rtol=1e-6, atol=1e-8)


def central_diff(f, x, h=H):
    """Gradient of a scalar function by central differences.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h, error O(h^2).
    """
    x = np.asarray(x, dtype=float)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (float(f(xp)) - float(f(xm))) / (2 * h)
    return grad


def central_jacobian(f, x, h=H):
    """Jacobian J[out + in] = d f(x)[out] / d x[in] by central differences."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    jac = np.empty(out_shape + x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        jac[(Ellipsis,) + i] = (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * h)
    return jac


@contextlib.contextmanager
def strict_numerics():
    """Turn every warning and every numpy floating-point error into an exception.

    Underflow (e.g. exp(-1e4) -> 0) is left alone: it is the correct answer.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


def random_probs(rng, shape, low=0.1):
    """Probability rows (last axis sums to 1) with every entry well inside (0, 1)."""
    w = rng.uniform(low, 1.0, size=shape)
    return w / w.sum(axis=-1, keepdims=True)


def n_for(reduction, n):
    """Divisor of a reduction: mean divides by the number of samples, sum by 1."""
    return n if reduction == "mean" else 1


REDUCTIONS = ["mean", "sum"]
SHAPES = [(1,), (5,), (3, 4)]


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


# --------------------------------------------------------------- regression losses
def test_mse_docstring_value_by_hand():
    # ((1-0)^2 + (3-1)^2) / 2 = 5 / 2
    np.testing.assert_allclose(losses.mse([0.0, 1.0], [1.0, 3.0]), 2.5)
    np.testing.assert_allclose(losses.sse([0.0, 1.0], [1.0, 3.0]), 5.0)
    np.testing.assert_allclose(losses.mae([0.0, 1.0], [1.0, 3.0]), 1.5)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_matches_sum_of_squares(rng, shape, reduction):
    # MSE = (1/N) sum_i (y_hat_i - t_i)^2, N = number of entries; SSE drops the 1/N
    y_hat, t = rng.normal(size=shape), rng.normal(size=shape)
    expected = np.sum((y_hat - t) ** 2) / n_for(reduction, y_hat.size)
    np.testing.assert_allclose(losses.mse(t, y_hat, reduction=reduction), expected, rtol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_sse_defaults_to_sum_and_its_mean_is_mse(rng, shape):
    y_hat, t = rng.normal(size=shape), rng.normal(size=shape)
    by_hand = np.sum((y_hat - t) ** 2)
    np.testing.assert_allclose(losses.sse(t, y_hat), by_hand, rtol=1e-12)
    np.testing.assert_allclose(losses.sse(t, y_hat, reduction="mean"), by_hand / y_hat.size,
                               rtol=1e-12)
    # consistency (in addition to the independent checks above)
    np.testing.assert_allclose(losses.sse(t, y_hat, reduction="mean"), losses.mse(t, y_hat))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mae_matches_sum_of_absolute_errors(rng, shape, reduction):
    # MAE = (1/N) sum_i |y_hat_i - t_i|
    y_hat, t = rng.normal(size=shape), rng.normal(size=shape)
    expected = np.sum(np.abs(y_hat - t)) / n_for(reduction, y_hat.size)
    np.testing.assert_allclose(losses.mae(t, y_hat, reduction=reduction), expected, rtol=1e-12)


@pytest.mark.parametrize("loss", [losses.mse, losses.mae, losses.binary_cross_entropy])
def test_doubling_the_data_doubles_the_sum_and_keeps_the_mean(rng, loss):
    # sum over samples is extensive, mean is intensive (scikit-learn's habit)
    p_hat = rng.uniform(0.1, 0.9, size=6)
    t = rng.integers(0, 2, size=6).astype(float)
    twice_p, twice_t = np.tile(p_hat, 2), np.tile(t, 2)
    np.testing.assert_allclose(loss(twice_t, twice_p, reduction="sum"),
                               2 * loss(t, p_hat, reduction="sum"), rtol=1e-12)
    np.testing.assert_allclose(loss(twice_t, twice_p, reduction="mean"),
                               loss(t, p_hat, reduction="mean"), rtol=1e-12)


def test_regression_loss_of_a_perfect_prediction_is_zero():
    y = np.array([0.5, -2.0, 3.0])
    for loss in (losses.mse, losses.sse, losses.mae):
        np.testing.assert_allclose(loss(y, y), 0.0, atol=0)


def test_scalar_inputs_give_a_scalar_loss_and_gradient():
    # one observation: (2 - 0.5)^2 = 2.25, d/dy_hat = 2 (2 - 0.5) = 3
    np.testing.assert_allclose(losses.mse(0.5, 2.0), 2.25)
    assert np.ndim(losses.mse(0.5, 2.0)) == 0
    np.testing.assert_allclose(losses.mse_grad(0.5, 2.0), 3.0)
    assert np.ndim(losses.mse_grad(0.5, 2.0)) == 0


@pytest.mark.parametrize("loss, grad", [
    (losses.mse, losses.mse_grad),
    (losses.sse, losses.sse_grad),
    (losses.mae, losses.mae_grad),
], ids=["mse", "sse", "mae"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_grads_match_finite_differences(rng, loss, grad, shape, reduction):
    t = rng.normal(size=shape)
    # keep |y_hat - t| >= 0.5 so MAE's kink at y_hat = t is far from the FD stencil
    y_hat = t + rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)
    numeric = central_diff(lambda y: loss(t, y, reduction=reduction), y_hat)
    analytic = grad(t, y_hat, reduction=reduction)
    assert np.shape(analytic) == y_hat.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


def test_sse_grad_defaults_to_sum():
    # d/dy_hat sum (y_hat - t)^2 = 2 (y_hat - t), no 1/N
    np.testing.assert_allclose(losses.sse_grad([0.0, 1.0], [1.0, 3.0]), [2.0, 4.0])


def test_mae_grad_is_zero_at_a_tie():
    # subgradient convention: sign(0) = 0
    np.testing.assert_allclose(losses.mae_grad([0.0, 4.0, 2.0], [1.0, 3.0, 2.0], reduction="sum"),
                               [1.0, -1.0, 0.0])


# ------------------------------------------------------------ binary cross entropy
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (8,), (2, 3)])
def test_bce_is_bernoulli_nll(rng, reduction, shape):
    # BCE = -(1/N) sum_i log Bernoulli(t_i | p_hat_i)
    p_hat = rng.uniform(0.01, 0.99, size=shape)
    t = rng.integers(0, 2, size=shape)
    expected = -np.sum(stats.bernoulli.logpmf(t, p_hat)) / n_for(reduction, p_hat.size)
    np.testing.assert_allclose(losses.binary_cross_entropy(t, p_hat, reduction=reduction),
                               expected, rtol=1e-12)


def test_bce_with_soft_targets_matches_xlogy_formula(rng):
    # -[t log p + (1 - t) log(1 - p)] also holds for t in (0, 1)
    p_hat = rng.uniform(0.01, 0.99, size=7)
    t = rng.uniform(0, 1, size=7)
    expected = -np.mean(special.xlogy(t, p_hat) + special.xlogy(1 - t, 1 - p_hat))
    np.testing.assert_allclose(losses.binary_cross_entropy(t, p_hat), expected, rtol=1e-12)


def test_bce_docstring_value():
    np.testing.assert_allclose(losses.binary_cross_entropy([1], [0.7]), -math.log(0.7))


@pytest.mark.parametrize("p_hat, t", [(0.0, 1.0), (1.0, 0.0)])
def test_bce_confident_wrong_prediction_is_inf_not_nan(p_hat, t):
    # -log 0 = +inf: an impossible observation under the model
    with strict_numerics():
        value = losses.binary_cross_entropy([t], [p_hat])
        grad = losses.binary_cross_entropy_grad([t], [p_hat])
    assert np.isposinf(value)
    assert not np.any(np.isnan(grad))
    assert np.all(np.isinf(grad))


@pytest.mark.parametrize("p_hat, t", [(0.0, 0.0), (1.0, 1.0)])
def test_bce_confident_right_prediction_costs_zero(p_hat, t):
    # 0 log 0 = 0 convention: no NaN, no warning
    with strict_numerics():
        value = losses.binary_cross_entropy([t, 1.0], [p_hat, 0.5], reduction="sum")
    np.testing.assert_allclose(value, math.log(2.0), rtol=1e-12)


def test_bce_grad_of_a_confident_right_prediction_is_finite():
    # p = 0, t = 0: (1 - t)/(1 - p) = 1 and the t/p term is 0/0 -> 0 (it carries weight t = 0);
    # p = 1, t = 1: -t/p = -1 and the (1 - t)/(1 - p) term is 0/0 -> 0
    with strict_numerics():
        grad = losses.binary_cross_entropy_grad([0.0, 1.0], [0.0, 1.0], reduction="sum")
    np.testing.assert_allclose(grad, [1.0, -1.0], rtol=0, atol=0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("soft", [False, True], ids=["hard_t", "soft_t"])
def test_bce_grad_matches_finite_differences(rng, reduction, soft):
    # d/dp [-t log p - (1 - t) log(1 - p)] = -t/p + (1 - t)/(1 - p), divided by N for the mean
    p_hat = rng.uniform(0.05, 0.95, size=(2, 3))
    t = rng.uniform(0, 1, size=(2, 3)) if soft else rng.integers(0, 2, size=(2, 3)).astype(float)
    numeric = central_diff(lambda p: losses.binary_cross_entropy(t, p, reduction=reduction), p_hat)
    analytic = losses.binary_cross_entropy_grad(t, p_hat, reduction=reduction)
    assert analytic.shape == p_hat.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (6,), (2, 3)])
def test_bce_with_logits_matches_log_expit_formula(rng, reduction, shape):
    # BCE(sigmoid(z), t) = -[t log sigmoid(z) + (1 - t) log sigmoid(-z)]
    z = rng.normal(scale=3.0, size=shape)
    t = rng.uniform(0, 1, size=shape)
    per = -(t * special.log_expit(z) + (1 - t) * special.log_expit(-z))
    expected = per.sum() / n_for(reduction, z.size)
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits(t, z, reduction=reduction),
                               expected, rtol=1e-12)


def test_bce_with_logits_agrees_with_bce_of_sigmoid_for_moderate_logits(rng):
    # agreement of the stable and the naive route (independent sigmoid: scipy's expit)
    z = rng.normal(scale=2.0, size=10)
    t = rng.integers(0, 2, size=10)
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits(t, z),
                               -np.mean(stats.bernoulli.logpmf(t, special.expit(z))), rtol=1e-10)


@pytest.mark.parametrize("z, t, expected", [
    (1000.0, 0.0, 1000.0),     # softplus(1000) - 0 = 1000
    (1000.0, 1.0, 0.0),        # softplus(1000) - 1000 = 0
    (-1000.0, 0.0, 0.0),       # softplus(-1000) = log(1 + e^-1000) = 0 in floats
    (-1000.0, 1.0, 1000.0),    # softplus(-1000) + 1000
])
def test_bce_with_logits_is_exact_at_extreme_logits(z, t, expected):
    with strict_numerics():
        value = losses.binary_cross_entropy_with_logits([t], [z])
        grad = losses.binary_cross_entropy_with_logits_grad([t], [z])
    assert np.isfinite(value)
    np.testing.assert_allclose(value, expected, rtol=1e-15, atol=0)
    # sigmoid(+-1000) is exactly 1 or 0, so the gradient sigmoid(z) - t is exact too
    np.testing.assert_allclose(grad, [(1.0 if z > 0 else 0.0) - t], rtol=0, atol=0)


def test_bce_with_logits_docstring_extreme_sum():
    with strict_numerics():
        value = losses.binary_cross_entropy_with_logits([0.0, 1.0], [1000.0, -1000.0],
                                                        reduction="sum")
    np.testing.assert_allclose(value, 2000.0, rtol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (5,), (2, 3)])
def test_bce_with_logits_grad_matches_finite_differences(rng, reduction, shape):
    # d/dz [softplus(z) - t z] = sigmoid(z) - t
    z = rng.normal(scale=2.0, size=shape)
    t = rng.uniform(0, 1, size=shape)
    numeric = central_diff(
        lambda zz: losses.binary_cross_entropy_with_logits(t, zz, reduction=reduction), z)
    analytic = losses.binary_cross_entropy_with_logits_grad(t, z, reduction=reduction)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)
    # and the closed form with scipy's sigmoid
    np.testing.assert_allclose(analytic, (special.expit(z) - t) / n_for(reduction, z.size),
                               rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- softmax family
@pytest.mark.parametrize("shape, axis", [((4,), -1), ((3, 5), -1), ((3, 5), 1), ((3, 5), 0),
                                         ((2, 3, 4), -1)])
def test_softmax_log_softmax_logsumexp_match_scipy(rng, shape, axis):
    z = rng.normal(scale=3.0, size=shape)
    np.testing.assert_allclose(losses.softmax(z, axis=axis), special.softmax(z, axis=axis),
                               rtol=1e-12)
    np.testing.assert_allclose(losses.log_softmax(z, axis=axis),
                               special.log_softmax(z, axis=axis), rtol=1e-12)
    np.testing.assert_allclose(losses.logsumexp(z, axis=axis), special.logsumexp(z, axis=axis),
                               rtol=1e-12)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_logsumexp_keepdims_matches_scipy(rng, axis):
    z = rng.normal(size=(3, 4))
    got = losses.logsumexp(z, axis=axis, keepdims=True)
    expected = special.logsumexp(z, axis=axis, keepdims=True)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_softmax_rows_are_probability_vectors_and_shift_invariant(rng):
    # softmax(z + c) = softmax(z): e^{c} cancels between numerator and denominator
    z = rng.normal(scale=5.0, size=(4, 6))
    s = losses.softmax(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(losses.softmax(z + 123.0), s, rtol=1e-10)


def test_softmax_of_equal_scores_is_uniform():
    np.testing.assert_allclose(losses.softmax([0.0, 0.0, 0.0, 0.0]), [0.25] * 4)
    # log(e^0 + e^0 + e^0 + e^0) = log 4
    np.testing.assert_allclose(losses.logsumexp([0.0, 0.0, 0.0, 0.0]), math.log(4.0))


@pytest.mark.parametrize("z, expected", [
    ([1e4, 0.0], [1.0, 0.0]),
    ([0.0, 1e4], [0.0, 1.0]),
    ([1e4, 1e4], [0.5, 0.5]),
    ([-1e4, -1e4], [0.5, 0.5]),
    ([1e4, -1e4, 0.0], [1.0, 0.0, 0.0]),
])
def test_softmax_is_exact_for_huge_logits(z, expected):
    # rtol 1e-12 rather than 1e-15: see test_softmax_family_keeps_full_precision_... below
    with strict_numerics():
        s = losses.softmax(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("z, expected", [
    ([1e4, 0.0], [0.0, -1e4]),
    ([1e4, -1e4, 0.0], [0.0, -2e4, -1e4]),
    ([1e4, 1e4], [-math.log(2.0), -math.log(2.0)]),
])
def test_log_softmax_is_exact_for_huge_logits(z, expected):
    # log_softmax(z) = z - logsumexp(z); exp would overflow at e^10000
    with strict_numerics():
        ls = losses.log_softmax(z)
    assert np.all(np.isfinite(ls))
    np.testing.assert_allclose(ls, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("z, expected", [
    ([1e4, 1e4], 1e4 + math.log(2.0)),
    ([1e4, 1e4, 1e4], 1e4 + math.log(3.0)),
    ([1e4, 0.0], 1e4),
    ([-1e4, -1e4], -1e4 + math.log(2.0)),   # naive log(sum(exp)) would give log 0 = -inf
])
def test_logsumexp_is_exact_for_huge_logits(z, expected):
    with strict_numerics():
        value = losses.logsumexp(z)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, expected, rtol=1e-15)
    np.testing.assert_allclose(value, special.logsumexp(z), rtol=1e-15)


@pytest.mark.parametrize("magnitude", [1e4, 1e8, 1e12])
def test_softmax_family_keeps_full_precision_for_equal_huge_logits(magnitude):
    # K equal logits: softmax = 1/K and log_softmax = -log K exactly, whatever their size.
    # Computed as (z - m) - log sum e^{z - m} (what scipy does) the answer is exact, since
    # z - m = 0. Computed as z - (m + log sum e^{z - m}) the sum m + log K is first rounded
    # to the spacing of floats near m (about |m| * 2.2e-16), so the result drifts by that
    # much: 1e-13 at 1e4, 5e-9 at 1e8, 2e-5 at 1e12, and softmax no longer sums to 1.
    z = np.full(3, magnitude)
    with strict_numerics():
        s = losses.softmax(z)
        ls = losses.log_softmax(z)
        ce = losses.cross_entropy_with_logits(0, z)
    np.testing.assert_allclose(s, special.softmax(z), rtol=1e-12)
    np.testing.assert_allclose(s.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(ls, -math.log(3.0), rtol=1e-12)
    np.testing.assert_allclose(ce, math.log(3.0), rtol=1e-12)


@pytest.mark.parametrize("shape, axis", [((5,), -1), ((3, 4), -1), ((3, 4), 0)])
def test_logsumexp_grad_matches_finite_differences(rng, shape, axis):
    # d/dz_k log sum_j e^{z_j} = e^{z_k} / sum_j e^{z_j}; the reductions along *axis* are
    # independent, so the gradient of their sum holds each one's gradient
    z = rng.normal(size=shape)
    numeric = central_diff(lambda zz: np.sum(losses.logsumexp(zz, axis=axis)), z)
    analytic = losses.logsumexp_grad(z, axis=axis)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


def _blocks_of_batched_jacobian(jac_full):
    """From the FD Jacobian (N, K, N, K) of a row-wise map, check it is block diagonal
    (row n's output does not depend on row m's input) and return the (N, K, K) blocks."""
    n = jac_full.shape[0]
    rows = np.arange(n)
    blocks = jac_full[rows, :, rows, :]          # advanced indices first: (N, K, K)
    off = jac_full.copy()
    off[rows, :, rows, :] = 0.0
    np.testing.assert_allclose(off, 0.0, atol=1e-9)
    return blocks


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_softmax_and_log_softmax_jacobians_match_finite_differences(rng, name, shape):
    # d s_i / d z_j = s_i (delta_ij - s_j);   d log s_i / d z_j = delta_ij - s_j
    forward = getattr(losses, name)
    grad = getattr(losses, name + "_grad")
    z = rng.normal(size=shape)
    numeric = central_jacobian(forward, z)
    if len(shape) == 2:
        numeric = _blocks_of_batched_jacobian(numeric)
    analytic = grad(z)
    assert analytic.shape == shape + (shape[-1],)
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


def test_softmax_jacobian_closed_form_for_two_equal_scores():
    # s = (1/2, 1/2): s_i (delta_ij - s_j) = +-1/4
    np.testing.assert_allclose(losses.softmax_grad([0.0, 0.0]), [[0.25, -0.25], [-0.25, 0.25]])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_softmax_and_log_softmax_vjp_match_finite_differences(rng, name, shape):
    # vector-Jacobian product: d/dz <g, f(z)> = g^T J, the quantity backprop needs
    forward = getattr(losses, name)
    grad = getattr(losses, name + "_grad")
    z = rng.normal(size=shape)
    g = rng.normal(size=shape)
    numeric = central_diff(lambda zz: np.sum(g * forward(zz)), z)
    analytic = grad(z, grad_output=g)
    assert analytic.shape == shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


def test_log_softmax_vjp_docstring_value():
    # g = e_0, s = (1/2, 1/2): g - s sum(g) = (1/2, -1/2)
    np.testing.assert_allclose(losses.log_softmax_grad([0.0, 0.0], grad_output=[1.0, 0.0]),
                               [0.5, -0.5])


def test_softmax_family_grads_are_finite_for_huge_logits():
    with strict_numerics():
        jac = losses.softmax_grad([1e4, 0.0])
        vjp = losses.log_softmax_grad([1e4, 0.0], grad_output=[1.0, 1.0])
        lse = losses.logsumexp_grad([1e4, 0.0])
    # s = (1, 0): the softmax Jacobian vanishes, log_softmax VJP = g - s sum g = (-1, 1)
    np.testing.assert_allclose(jac, np.zeros((2, 2)), atol=0)
    np.testing.assert_allclose(vjp, [-1.0, 1.0], atol=0)
    np.testing.assert_allclose(lse, [1.0, 0.0], atol=0)


# ----------------------------------------------------------------- cross entropy
WORKED_Y = [0, 0, 1, 0]
WORKED_Y_HAT = [0.2, 0.1, 0.65, 0.05]


@pytest.mark.parametrize("t", [WORKED_Y, 2, np.array(2), [0.0, 0.0, 1.0, 0.0]],
                         ids=["one_hot", "label", "label_0d_array", "one_hot_float"])
def test_worked_example_from_the_notes(t):
    # only the true class survives: -(0 log .2 + 0 log .1 + 1 log .65 + 0 log .05) = -log 0.65
    expected = -math.log(0.65)
    np.testing.assert_allclose(losses.cross_entropy(t, WORKED_Y_HAT), expected, rtol=1e-12)
    np.testing.assert_allclose(losses.cross_entropy(t, WORKED_Y_HAT, reduction="sum"), expected,
                               rtol=1e-12)


def test_worked_example_as_a_batch_of_one_and_from_information_module():
    expected = -math.log(0.65)
    np.testing.assert_allclose(losses.cross_entropy([2], [WORKED_Y_HAT]), expected, rtol=1e-12)
    np.testing.assert_allclose(losses.cross_entropy([WORKED_Y], [WORKED_Y_HAT]), expected,
                               rtol=1e-12)
    np.testing.assert_allclose(information.cross_entropy(WORKED_Y, WORKED_Y_HAT), expected,
                               rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_labels_picks_the_true_class(rng, reduction):
    # CE = -(1/N) sum_i log y_hat[i, t_i];  N = number of rows, not of entries
    y_hat = random_probs(rng, (5, 3))
    t = rng.integers(0, 3, size=5)
    expected = -np.sum(np.log(y_hat[np.arange(5), t])) / n_for(reduction, 5)
    np.testing.assert_allclose(losses.cross_entropy(t, y_hat, reduction=reduction), expected,
                               rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_one_hot_rows_equal_integer_labels(rng, reduction):
    y_hat = random_probs(rng, (6, 4))
    t = rng.integers(0, 4, size=6)
    one_hot = np.eye(4)[t]
    expected = -np.sum(special.xlogy(one_hot, y_hat)) / n_for(reduction, 6)
    np.testing.assert_allclose(losses.cross_entropy(one_hot, y_hat, reduction=reduction),
                               expected, rtol=1e-12)
    np.testing.assert_allclose(losses.cross_entropy(t, y_hat, reduction=reduction), expected,
                               rtol=1e-12)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probability_targets(rng, shape, reduction):
    # soft targets: -(1/N) sum_i sum_k t_ik log y_hat_ik, N = number of rows (1 for a 1-D input)
    y_hat, t = random_probs(rng, shape), random_probs(rng, shape, low=0.0)
    n_rows = int(np.prod(shape[:-1]))
    expected = -np.sum(special.xlogy(t, y_hat)) / n_for(reduction, n_rows)
    np.testing.assert_allclose(losses.cross_entropy(t, y_hat, reduction=reduction), expected,
                               rtol=1e-12)


def test_cross_entropy_zero_probability_on_a_wrong_class_is_fine():
    # 0 log 0 = 0: a class the target rules out may get probability 0
    with strict_numerics():
        value = losses.cross_entropy([1, 0], [[0.0, 1.0], [0.5, 0.5]], reduction="sum")
    np.testing.assert_allclose(value, math.log(2.0), rtol=1e-12)


def test_cross_entropy_zero_probability_on_the_true_class_is_inf():
    with strict_numerics():
        value = losses.cross_entropy([1, 0], [[1.0, 0.0], [0.5, 0.5]])
        grad = losses.cross_entropy_grad([1, 0], [[1.0, 0.0], [0.5, 0.5]])
    assert np.isposinf(value)
    assert not np.any(np.isnan(grad))
    assert np.isneginf(grad[0, 1])


def test_cross_entropy_grad_is_zero_on_a_class_with_zero_target_and_zero_probability():
    # d/dy_hat_k [-t_k log y_hat_k] = -t_k / y_hat_k, and t_k = 0 makes the term vanish,
    # also where y_hat_k = 0 (0/0 taken as 0, like 0 log 0 = 0)
    with strict_numerics():
        grad = losses.cross_entropy_grad([1, 0], [[0.0, 1.0], [0.5, 0.5]], reduction="sum")
    np.testing.assert_allclose(grad, [[0.0, -1.0], [-2.0, 0.0]], rtol=0, atol=0)


def _ce_by_hand(y_hat, t_rows, reduction):
    """-(1/N) sum t log y_hat, written out (no validation, so y_hat may leave the simplex)."""
    n_rows = int(np.prod(y_hat.shape[:-1])) if y_hat.ndim > 1 else 1
    return -np.sum(t_rows * np.log(y_hat)) / n_for(reduction, n_rows)


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("soft", [False, True], ids=["labels", "soft_t"])
def test_cross_entropy_grad_matches_finite_differences(rng, shape, reduction, soft):
    # cross_entropy validates that each row of y_hat sums to 1, so perturbing one entry
    # (y_hat + h e_i) is rejected. The gradient mlekit returns, -t / (N y_hat), is the
    # derivative of the formula -sum t log y_hat treated as a function of free entries,
    # so we differentiate that formula, evaluated by hand, with unconstrained perturbations.
    y_hat = random_probs(rng, shape)
    if soft:
        t = t_rows = random_probs(rng, shape, low=0.0)
    else:
        t = rng.integers(0, shape[-1], size=shape[:-1])
        t_rows = np.eye(shape[-1])[t]
    # the hand formula is the library's loss at the unperturbed point
    np.testing.assert_allclose(_ce_by_hand(y_hat, t_rows, reduction),
                               losses.cross_entropy(t, y_hat, reduction=reduction), rtol=1e-12)
    numeric = central_diff(lambda y: _ce_by_hand(y, t_rows, reduction), y_hat)
    analytic = losses.cross_entropy_grad(t, y_hat, reduction=reduction)
    assert analytic.shape == y_hat.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_grad_gives_directional_derivative_on_the_simplex(rng, shape, reduction):
    # A direction d whose rows sum to 0 keeps y_hat + eps d on the simplex, so the library's own
    # cross_entropy can be differentiated along it: d/deps CE(y_hat + eps d) = <grad, d>.
    y_hat = random_probs(rng, shape)
    t = rng.integers(0, shape[-1], size=shape[:-1])
    d = rng.normal(size=shape)
    d -= d.mean(axis=-1, keepdims=True)
    numeric = central_diff(
        lambda eps: losses.cross_entropy(t, y_hat + eps[0] * d, reduction=reduction),
        np.zeros(1))[0]
    analytic = np.sum(losses.cross_entropy_grad(t, y_hat, reduction=reduction) * d)
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


@pytest.mark.parametrize("shape", [(4,), (5, 3), (2, 3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_logits_matches_scipy_log_softmax(rng, shape, reduction):
    # CE = -(1/N) sum_i log softmax(z_i)[t_i]
    z = rng.normal(scale=3.0, size=shape)
    t = rng.integers(0, shape[-1], size=shape[:-1])
    logp = special.log_softmax(z, axis=-1)
    picked = np.take_along_axis(logp, np.asarray(t)[..., None], axis=-1)
    n_rows = int(np.prod(shape[:-1]))
    expected = -np.sum(picked) / n_for(reduction, n_rows)
    np.testing.assert_allclose(losses.cross_entropy_with_logits(t, z, reduction=reduction),
                               expected, rtol=1e-12)


def test_cross_entropy_with_logits_soft_targets_and_agreement_with_probability_route(rng):
    z = rng.normal(size=(4, 3))
    t = random_probs(rng, (4, 3), low=0.0)
    expected = -np.sum(t * special.log_softmax(z, axis=-1)) / 4
    np.testing.assert_allclose(losses.cross_entropy_with_logits(t, z), expected, rtol=1e-12)
    # the same number through the probability route (in addition to the scipy check)
    np.testing.assert_allclose(losses.cross_entropy(t, special.softmax(z, axis=-1)), expected,
                               rtol=1e-10)


@pytest.mark.parametrize("logits, t, expected", [
    ([[1e4, 0.0]], [1], 1e4),
    ([[1e4, 0.0]], [0], 0.0),
    ([1e4, 0.0], 1, 1e4),
    ([[1e4, -1e4, 0.0]], [1], 2e4),
    ([[1e4, 1e4]], [0], math.log(2.0)),
    ([[1e4, 0.0]], [[0.5, 0.5]], 5e3),       # -(0.5 * 0 + 0.5 * (-1e4))
])
def test_cross_entropy_with_logits_is_exact_for_huge_logits(logits, t, expected):
    with strict_numerics():
        value = losses.cross_entropy_with_logits(t, logits)
        grad = losses.cross_entropy_with_logits_grad(t, logits)
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("soft", [False, True], ids=["labels", "soft_t"])
def test_cross_entropy_with_logits_grad_matches_finite_differences(rng, shape, reduction, soft):
    # d/dz [-t^T log softmax(z)] = softmax(z) - t  (for t summing to 1)
    z = rng.normal(size=shape)
    if soft:
        t = random_probs(rng, shape, low=0.0)
    else:
        t = rng.integers(0, shape[-1], size=shape[:-1])
    numeric = central_diff(
        lambda zz: losses.cross_entropy_with_logits(t, zz, reduction=reduction), z)
    analytic = losses.cross_entropy_with_logits_grad(t, z, reduction=reduction)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, **FD_TOL)


def test_cross_entropy_with_logits_grad_docstring_value():
    # softmax(0, 0) - e_1 = (0.5, -0.5)
    np.testing.assert_allclose(losses.cross_entropy_with_logits_grad(1, [0.0, 0.0]), [0.5, -0.5])


# ------------------------------------------------------------------------ errors
ALL_REDUCING = [
    (losses.mse, [1.0], [1.0]), (losses.mse_grad, [1.0], [1.0]),
    (losses.sse, [1.0], [1.0]), (losses.sse_grad, [1.0], [1.0]),
    (losses.mae, [1.0], [1.0]), (losses.mae_grad, [1.0], [1.0]),
    (losses.binary_cross_entropy, [0.5], [1.0]),
    (losses.binary_cross_entropy_grad, [0.5], [1.0]),
    (losses.binary_cross_entropy_with_logits, [0.5], [1.0]),
    (losses.binary_cross_entropy_with_logits_grad, [0.5], [1.0]),
    (losses.cross_entropy, [0.5, 0.5], 1),
    (losses.cross_entropy_grad, [0.5, 0.5], 1),
    (losses.cross_entropy_with_logits, [0.5, 0.5], 1),
    (losses.cross_entropy_with_logits_grad, [0.5, 0.5], 1),
]


@pytest.mark.parametrize("func, a, b", ALL_REDUCING, ids=[c[0].__name__ for c in ALL_REDUCING])
@pytest.mark.parametrize("reduction", ["avg", "MEAN", None])
def test_unknown_reduction_is_rejected(func, a, b, reduction):
    with pytest.raises(ValueError, match='reduction must be "mean", "sum" or "none", got '):
        func(a, b, reduction=reduction)


def test_unknown_reduction_message_names_what_arrived():
    with pytest.raises(ValueError, match=r"got the string 'avg'\. Use \"mean\""):
        losses.mse([1.0], [1.0], reduction="avg")


BAD_INPUTS = [
    # shapes that differ (no silent broadcasting)
    (losses.mse, ([1.0, 2.0, 3.0], [1.0, 2.0]), ValueError,
     r"y_hat and t must have the same shape, got \(2,\) and \(3,\)"),
    (losses.mae_grad, ([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0]), ValueError,
     r"y_hat and t must have the same shape, got \(3,\) and \(3, 1\)"),
    (losses.binary_cross_entropy, ([1.0], [0.5, 0.5]), ValueError,
     r"p_hat and t must have the same shape"),
    (losses.binary_cross_entropy_with_logits, ([1.0], [0.5, 0.5]), ValueError,
     r"logits and t must have the same shape"),
    (losses.cross_entropy, ([0, 1, 0], [[0.5, 0.5], [0.5, 0.5]]), ValueError,
     r"t must be integer labels of shape \(2,\) or one-hot rows of shape \(2, 2\)"),
    (losses.cross_entropy_with_logits, ([[0.0, 0.0, 1.0]], [[1.0, 2.0]]), ValueError,
     r"t must be integer labels of shape \(1,\) or one-hot rows of shape \(1, 2\) to match logits"),
    (losses.softmax_grad, ([1.0, 2.0], [1.0]), ValueError,
     r"grad_output and logits must have the same shape, got \(1,\) and \(2,\)"),
    # probabilities outside [0, 1]
    (losses.binary_cross_entropy, ([1.0], [1.2]), ValueError,
     r"p_hat must lie in \[0, 1\], got 1\.2"),
    (losses.binary_cross_entropy_grad, ([1.0], [-0.1]), ValueError,
     r"p_hat must lie in \[0, 1\], got -0\.1"),
    (losses.binary_cross_entropy, ([2.0], [0.5]), ValueError, r"t must lie in \[0, 1\], got 2"),
    (losses.binary_cross_entropy_with_logits, ([-1.0], [0.5]), ValueError,
     r"t must lie in \[0, 1\], got -1"),
    (losses.cross_entropy, (0, [1.2, -0.2]), ValueError, r"y_hat must lie in \[0, 1\], got 1\.2"),
    # probability rows not summing to 1
    (losses.cross_entropy, (0, [0.5, 0.6]), ValueError,
     r"y_hat must sum to 1 along its last axis, got a sum of 1\.1"),
    (losses.cross_entropy_grad, ([0, 1], [[0.5, 0.5], [0.3, 0.3]]), ValueError,
     r"y_hat must sum to 1 along its last axis, got a sum of 0\.6 at index 1"),
    (losses.cross_entropy, ([1.0, 1.0], [0.5, 0.5]), ValueError,
     r"t must sum to 1 along its last axis, got a sum of 2"),
    (losses.cross_entropy_with_logits, ([[0.2, 0.2]], [[1.0, 2.0]]), ValueError,
     r"t must sum to 1 along its last axis"),
    # labels out of range or non-integer
    (losses.cross_entropy, (2, [0.5, 0.5]), ValueError,
     r"t must be integer class labels in \[0, 1\], got 2\. Labels count from 0"),
    (losses.cross_entropy, ([0, -1], [[0.5, 0.5], [0.5, 0.5]]), ValueError,
     r"t must be integer class labels in \[0, 1\], got -1 at index 1"),
    (losses.cross_entropy, (0.5, [0.5, 0.5]), ValueError,
     r"t must be integer class labels in \[0, 1\], got 0\.5"),
    (losses.cross_entropy_with_logits, ([3], [[1.0, 2.0, 3.0]]), ValueError,
     r"t must be integer class labels in \[0, 2\], got 3"),
    (losses.cross_entropy_with_logits_grad, ([1.5], [[1.0, 2.0, 3.0]]), ValueError,
     r"t must be integer class labels in \[0, 2\], got 1\.5"),
    # NaN / inf
    (losses.mse, ([1.0, 2.0], [1.0, np.nan]), ValueError,
     r"y_hat must contain only finite numbers, got nan at index 1"),
    (losses.mae, ([np.inf, 2.0], [1.0, 2.0]), ValueError,
     r"t must contain only finite numbers, got inf at index 0"),
    (losses.binary_cross_entropy, ([1.0], [np.nan]), ValueError,
     r"p_hat must contain only finite numbers"),
    (losses.softmax, ([1.0, np.nan],), ValueError, r"logits must contain only finite numbers"),
    (losses.cross_entropy_with_logits, (0, [np.nan, 1.0]), ValueError,
     r"logits must contain only finite numbers"),
    # empty input
    (losses.mse, ([], []), ValueError,
     r"y_hat must contain at least one value, got an empty array"),
    (losses.softmax, ([],), ValueError, r"logits must contain at least one value"),
    (losses.logsumexp, ([],), ValueError, r"logits must contain at least one value"),
    (losses.cross_entropy, ([0, 0], np.zeros((2, 0))), ValueError,
     r"y_hat must contain at least one value"),
    # not a vector of scores
    (losses.softmax, (3.0,), ValueError, r"logits must have at least one axis"),
    (losses.cross_entropy, (0, 0.5), ValueError, r"y_hat must be a vector of class probabilities"),
    # None / strings / ragged
    (losses.mse, ([1.0], None), TypeError,
     r"y_hat must be a number or an array of numbers, got None"),
    (losses.binary_cross_entropy, ("1", [0.5]), TypeError,
     r"t must be a number or an array of numbers, got the string '1'"),
    (losses.softmax, ("abc",), TypeError, r"logits must be a number or an array of numbers"),
    (losses.cross_entropy, (None, [0.5, 0.5]), TypeError, r"t must be a number or an array"),
    (losses.mse, ([1.0, 2.0], [[1.0, 2.0], [3.0]]), TypeError,
     r"y_hat must be a number or an array of numbers, got a list of length 2"),
]


@pytest.mark.parametrize("func, args, exc, match", BAD_INPUTS,
                         ids=[f"{i}-{case[0].__name__}" for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_gets_a_clear_error(func, args, exc, match):
    with pytest.raises(exc, match=match):
        func(*args)


# ------------------------------------------------------------ reduction="none"
NONE_CASES = [
    (losses.mse, [1.0, 3.0, -2.0], [0.0, 1.0, -2.0], [1.0, 4.0, 0.0]),
    (losses.sse, [1.0, 3.0], [0.0, 1.0], [1.0, 4.0]),
    (losses.mae, [1.0, 3.0, -2.0], [0.0, 1.0, 0.0], [1.0, 2.0, 2.0]),
    (losses.binary_cross_entropy, [0.7, 0.2], [1.0, 0.0], [-np.log(0.7), -np.log(0.8)]),
    (losses.binary_cross_entropy_with_logits, [0.0, 1000.0], [1.0, 0.0], [np.log(2), 1000.0]),
    (losses.cross_entropy, [[0.2, 0.1, 0.65, 0.05], [0.5, 0.5, 0.0, 0.0]], [2, 0],
     [-np.log(0.65), np.log(2)]),
    (losses.cross_entropy_with_logits, [[0.0, 0.0], [1e4, 0.0]], [1, 1], [np.log(2), 1e4]),
]


@pytest.mark.parametrize("func, pred, t, per_sample", NONE_CASES, ids=[c[0].__name__ for c in NONE_CASES])
def test_reduction_none_gives_one_loss_per_sample(func, pred, t, per_sample):
    out = func(t, pred, reduction="none")
    np.testing.assert_allclose(out, per_sample, rtol=1e-12)
    np.testing.assert_allclose(np.sum(out), func(t, pred, reduction="sum"), rtol=1e-12)
    np.testing.assert_allclose(np.mean(out), func(t, pred, reduction="mean"), rtol=1e-12)


@pytest.mark.parametrize("grad", [losses.mse_grad, losses.mae_grad, losses.binary_cross_entropy_grad,
                                  losses.binary_cross_entropy_with_logits_grad])
def test_grad_with_reduction_none_is_each_samples_own_derivative(grad):
    pred, t = [0.3, 0.6], [1.0, 0.0]
    np.testing.assert_allclose(grad(t, pred, reduction="none"), grad(t, pred, reduction="sum"))


def test_model_nll_with_reduction_none_is_each_observations_nll():
    from scipy import stats

    x = np.array([1, 0, 1])
    per = mk_models.Bernoulli().nll(x, p=0.7, reduction="none")
    np.testing.assert_allclose(per, -stats.bernoulli.logpmf(x, 0.7))
    np.testing.assert_allclose(per.sum(), mk_models.Bernoulli().nll(x, p=0.7))
    h = np.array([165.0, 170.0])
    np.testing.assert_allclose(mk_models.Gaussian().nll(h, mu=168.0, sigma=2.5, reduction="none"),
                               -stats.norm.logpdf(h, 168.0, 2.5))
    with pytest.raises(ValueError, match='reduction must be "mean" or "sum", got '):
        mk_models.Bernoulli().nll_grad([1, 0], p=0.5, reduction="none")


# ------------------------------------------------------------ target first
def test_every_loss_takes_the_target_first():
    import inspect

    for name in ("mse", "sse", "mae", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                 "cross_entropy", "cross_entropy_with_logits"):
        for fn in (getattr(losses, name), getattr(losses, name + "_grad")):
            assert list(inspect.signature(fn).parameters)[0] == "t", fn.__name__


@pytest.mark.parametrize("call, match", [
    (lambda: losses.binary_cross_entropy([0.7, 0.2], [1, 0]), r"target comes first"),
    (lambda: losses.cross_entropy([[0.2, 0.8], [0.6, 0.4]], [1, 0]), r"Swap the two arguments"),
    (lambda: losses.cross_entropy([0.2, 0.1, 0.65, 0.05], 2), r"Swap the two arguments"),
    (lambda: losses.cross_entropy_with_logits([[2.0, -1.0]], [0]), r"Swap the two arguments"),
    (lambda: losses.binary_cross_entropy_with_logits([2.5, -1.0], [1, 0]), r"target comes first"),
])
def test_the_old_argument_order_is_refused_with_a_sentence_saying_so(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_new_order_gives_the_textbook_values():
    # -log 0.7 and -log 0.8, scipy-free: two Bernoulli NLL terms by hand
    np.testing.assert_allclose(losses.binary_cross_entropy([1, 0], [0.7, 0.2], reduction="sum"),
                               -math.log(0.7) - math.log(0.8))
    np.testing.assert_allclose(losses.cross_entropy(2, [0.2, 0.1, 0.65, 0.05]), -math.log(0.65))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_grad_takes_the_same_axis_as_softmax(rng, name):
    forward = getattr(losses, name)
    grad = getattr(losses, name + "_grad")
    z = rng.normal(size=(4, 3))
    g = rng.normal(size=(4, 3))
    numeric = central_diff(lambda zz: np.sum(g * forward(zz, axis=0)), z)
    np.testing.assert_allclose(grad(z, grad_output=g, axis=0), numeric, **FD_TOL)
    np.testing.assert_allclose(grad(z, grad_output=g, axis=-1), grad(z, grad_output=g))
    jac = grad(z, axis=0)                         # the two class axes come last
    assert jac.shape == (3, 4, 4)
    np.testing.assert_allclose(jac[1], grad(z[:, 1]))
