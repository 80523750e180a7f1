"""Property tests (hypothesis) for the identities that tie mlekit's modules together.

Each test states one identity the course derives and checks it on many
generated inputs:

* cross entropy with integer labels = Categorical NLL / N; CE with logits = CE of softmax
* binary cross entropy = two-class cross entropy; BCE with logits = BCE of sigmoid
* MSE is an affine function of the Gaussian NLL with fixed sigma (same minimiser)
* doubling the data doubles a "sum" and keeps a "mean" (losses and model NLLs)
* KL >= 0, H(p, q) = H(p) + KL(p || q), KL(p || p) = 0
* argmax of the likelihood = argmin of the NLL on a grid, next to the closed-form MLE
* softmax ignores a shift of the logits; log_softmax = log(softmax); logsumexp >= max
* Bernoulli NLL = summed per-sample BCE

Floats are bounded away from the edges only where the identity itself needs
it (e.g. logits small enough that softmax does not underflow to 0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import logsumexp as scipy_logsumexp

from mlekit import information, losses, models, nn

# one profile for the whole file: ~100 examples, no per-example deadline; the
# parametrized doubling tests run 12 variants, so 50 examples each keep the file fast
PROPERTY = settings(max_examples=100, deadline=None)
PER_VARIANT = settings(max_examples=50, deadline=None)


# ------------------------------------------------------------------ strategies
def floats(lo, hi):
    """Finite floats in [lo, hi], without subnormals (they only add noise here)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def float_arrays(shape, lo, hi):
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi))


n_samples = st.integers(1, 30)
n_classes = st.integers(2, 6)


@st.composite
def prob_vectors(draw, k=None, *, min_weight=0.0):
    """A probability vector (entries >= 0, sum 1); zeros allowed unless min_weight > 0."""
    k = draw(n_classes) if k is None else k
    w = draw(float_arrays(k, min_weight, 1.0))
    assume(w.sum() > 1e-3)
    return w / w.sum()


@st.composite
def labels_and_row(draw):
    """Integer labels in [0, K) and one strictly positive probability row of length K."""
    k = draw(n_classes)
    p = draw(prob_vectors(k, min_weight=0.01))
    labels = draw(hnp.arrays(np.int64, draw(n_samples), elements=st.integers(0, k - 1)))
    return labels, p


@st.composite
def logits_and_labels(draw, lo=-30.0, hi=30.0):
    """Logits of shape (N, K) and integer labels of shape (N,)."""
    k, n = draw(n_classes), draw(n_samples)
    z = draw(float_arrays((n, k), lo, hi))
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return z, labels


binary_samples = hnp.arrays(np.int64, n_samples, elements=st.integers(0, 1))


@st.composite
def probs_and_binary_targets(draw, lo=0.0, hi=1.0):
    n = draw(n_samples)
    p = draw(float_arrays(n, lo, hi))
    t = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    return p, t


# ------------------------------------------------------ cross entropy = categorical NLL
@PROPERTY
@given(labels_and_row())
def test_cross_entropy_equals_categorical_nll_per_sample(case):
    # CE with one shared row p for all N samples = -(1/N) sum_i log p_{t_i} = Categorical NLL / N
    labels, p = case
    n = labels.size
    y_hat = np.tile(p, (n, 1))
    ce = losses.cross_entropy(labels, y_hat, reduction="mean")
    nll = models.Categorical().nll(labels, p=p)
    np.testing.assert_allclose(ce, nll / n, rtol=1e-12)
    np.testing.assert_allclose(ce, models.Categorical().nll(labels, p=p, reduction="mean"),
                               rtol=1e-12)
    # and the sum reduction is the NLL itself
    np.testing.assert_allclose(losses.cross_entropy(labels, y_hat, reduction="sum"), nll,
                               rtol=1e-12)


@PROPERTY
@given(logits_and_labels(), st.sampled_from(["mean", "sum"]))
def test_cross_entropy_with_logits_equals_cross_entropy_of_softmax(case, reduction):
    # logits in [-30, 30]: softmax stays > 0, so both routes are finite
    z, labels = case
    via_logits = losses.cross_entropy_with_logits(labels, z, reduction=reduction)
    via_probs = losses.cross_entropy(labels, losses.softmax(z), reduction=reduction)
    np.testing.assert_allclose(via_logits, via_probs, rtol=1e-9, atol=1e-12)


@PROPERTY
@given(prob_vectors(min_weight=0.01), st.data())
def test_information_cross_entropy_with_one_hot_is_the_classification_loss(q, data):
    # H(one_hot(t), q) = -log q_t = losses.cross_entropy(t, q) for one sample
    t = data.draw(st.integers(0, q.size - 1))
    one_hot = np.eye(q.size)[t]
    np.testing.assert_allclose(information.cross_entropy(one_hot, q),
                               losses.cross_entropy(t, q), rtol=1e-12)


# ------------------------------------------------------------- BCE = two-class CE
@PROPERTY
@given(probs_and_binary_targets(), st.sampled_from(["mean", "sum"]))
def test_binary_cross_entropy_equals_two_class_cross_entropy(case, reduction):
    # BCE(p, t) = CE([1 - p, p], t): class 1 has probability p, class 0 has 1 - p
    p, t = case
    two_class = np.stack([1.0 - p, p], axis=-1)
    bce = losses.binary_cross_entropy(t, p, reduction=reduction)
    ce = losses.cross_entropy(t, two_class, reduction=reduction)
    np.testing.assert_allclose(bce, ce, rtol=1e-12, atol=1e-15)   # inf == inf allowed


@PROPERTY
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    float_arrays(n, -20.0, 20.0), float_arrays(n, 0.0, 1.0))), st.sampled_from(["mean", "sum"]))
def test_bce_with_logits_equals_bce_of_sigmoid(case, reduction):
    # moderate logits: sigmoid(z) stays inside (0, 1) and 1 - sigmoid(z) keeps ~8 digits
    z, t = case
    t_binary = np.round(t)
    for target in (t_binary, t):          # hard {0, 1} targets and soft targets in [0, 1]
        stable = losses.binary_cross_entropy_with_logits(target, z, reduction=reduction)
        naive = losses.binary_cross_entropy(target, nn.sigmoid(z), reduction=reduction)
        np.testing.assert_allclose(stable, naive, rtol=1e-6, atol=1e-9)


# ------------------------------------------------- MSE is affine in the Gaussian NLL
@st.composite
def regression_sample(draw):
    t = draw(float_arrays(draw(n_samples), -50.0, 50.0))
    return t, draw(floats(-50.0, 50.0)), draw(floats(0.1, 10.0))


@PROPERTY
@given(regression_sample())
def test_gaussian_nll_is_affine_in_mse(case):
    # NLL(mu) = n/2 log(2 pi s^2) + n MSE(mu, t) / (2 s^2)
    t, m, s = case
    n = t.size
    nll = models.Gaussian(sigma=s).nll(t, mu=m)
    mse = losses.mse(t, np.full(n, m))
    expected = 0.5 * n * math.log(2.0 * math.pi * s**2) + n * mse / (2.0 * s**2)
    np.testing.assert_allclose(nll, expected, rtol=1e-9, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(regression_sample())
def test_gaussian_nll_and_mse_share_the_grid_minimiser(case):
    t, _, s = case
    grid = np.linspace(-60.0, 60.0, 241)          # step 0.5
    nll = models.Gaussian(sigma=s).nll(t, mu=grid)
    mse = np.array([losses.mse(t, np.full(t.size, mu)) for mu in grid])
    i_nll, i_mse = int(np.argmin(nll)), int(np.argmin(mse))
    # the same grid point, up to an exact tie between two neighbours
    np.testing.assert_allclose(mse[i_nll], mse[i_mse], rtol=1e-12, atol=1e-12)
    assert abs(grid[i_nll] - t.mean()) <= 0.25 + 1e-9     # half a step from the mean


# ---------------------------------------------- doubling the data: sum x2, mean same
def _double(a):
    a = np.asarray(a)
    return np.concatenate([a, a], axis=0)


@st.composite
def loss_case(draw, name):
    """Arguments (first, target) for the loss called *name*."""
    n = draw(n_samples)
    if name in ("mse", "mae", "sse"):
        return draw(float_arrays(n, -100.0, 100.0)), draw(float_arrays(n, -100.0, 100.0))
    if name == "binary_cross_entropy":
        return (draw(float_arrays(n, 0.001, 0.999)),
                draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1))))
    if name == "binary_cross_entropy_with_logits":
        return (draw(float_arrays(n, -50.0, 50.0)),
                draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1))))
    z, labels = draw(logits_and_labels())
    if name == "cross_entropy":
        return losses.softmax(z), labels
    return z, labels                       # cross_entropy_with_logits


LOSS_NAMES = ["mse", "sse", "mae", "binary_cross_entropy", "binary_cross_entropy_with_logits",
              "cross_entropy", "cross_entropy_with_logits"]


@pytest.mark.parametrize("name", LOSS_NAMES)
@PER_VARIANT
@given(data=st.data())
def test_doubling_data_doubles_loss_sum_and_keeps_mean(name, data):
    fn = getattr(losses, name)
    first, target = data.draw(loss_case(name))
    once_sum = fn(target, first, reduction="sum")          # target first
    once_mean = fn(target, first, reduction="mean")
    np.testing.assert_allclose(fn(_double(target), _double(first), reduction="sum"),
                               2.0 * once_sum, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fn(_double(target), _double(first), reduction="mean"),
                               once_mean, rtol=1e-12, atol=1e-12)


@st.composite
def model_case(draw, name):
    """(model, sample x, parameter dict) for the model called *name*."""
    n = draw(n_samples)
    if name == "Bernoulli":
        return (models.Bernoulli(), draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1))),
                {"p": draw(floats(0.01, 0.99))})
    if name == "Binomial":
        return (models.Binomial(n=10), draw(hnp.arrays(np.int64, n, elements=st.integers(0, 10))),
                {"p": draw(floats(0.01, 0.99))})
    if name == "Gaussian":
        return (models.Gaussian(), draw(float_arrays(n, -10.0, 10.0)),
                {"mu": draw(floats(-10.0, 10.0)), "sigma": draw(floats(0.1, 10.0))})
    if name == "Laplace":
        return (models.Laplace(), draw(float_arrays(n, -10.0, 10.0)),
                {"mu": draw(floats(-10.0, 10.0)), "b": draw(floats(0.1, 10.0))})
    labels, p = draw(labels_and_row())
    return models.Categorical(), labels, {"p": p}


MODEL_NAMES = ["Bernoulli", "Binomial", "Gaussian", "Laplace", "Categorical"]


@pytest.mark.parametrize("name", MODEL_NAMES)
@PER_VARIANT
@given(data=st.data())
def test_doubling_data_doubles_nll_sum_and_keeps_mean(name, data):
    model, x, params = data.draw(model_case(name))
    x2 = _double(x)
    np.testing.assert_allclose(model.nll(x2, reduction="sum", **params),
                               2.0 * model.nll(x, reduction="sum", **params),
                               rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(model.nll(x2, reduction="mean", **params),
                               model.nll(x, reduction="mean", **params), rtol=1e-10, atol=1e-9)
    # the gradient of a sum doubles too, and the gradient of a mean stays
    g1, g2 = model.nll_grad(x, **params), model.nll_grad(x2, **params)
    gm1 = model.nll_grad(x, reduction="mean", **params)
    gm2 = model.nll_grad(x2, reduction="mean", **params)
    for k in model.params:
        np.testing.assert_allclose(g2[k], 2.0 * np.asarray(g1[k]), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(gm2[k], gm1[k], rtol=1e-9, atol=1e-9)


# --------------------------------------------------------- information identities
@PROPERTY
@given(n_classes.flatmap(lambda k: st.tuples(prob_vectors(k), prob_vectors(k))),
       st.sampled_from(["nats", "bits"]))
def test_kl_is_non_negative_and_links_cross_entropy_and_entropy(pq, unit):
    # zeros allowed in both: an event p allows but q rules out gives inf on both sides
    p, q = pq
    kl = information.kl_divergence(p, q, unit=unit)
    assert kl >= 0.0
    h_pq = information.cross_entropy(p, q, unit=unit)
    h_p = information.entropy(p, unit=unit)
    np.testing.assert_allclose(h_pq, h_p + kl, rtol=1e-10, atol=1e-12)


@PROPERTY
@given(prob_vectors(), st.sampled_from(["nats", "bits"]))
def test_kl_of_a_distribution_with_itself_is_zero(p, unit):
    np.testing.assert_allclose(information.kl_divergence(p, p, unit=unit), 0.0, atol=1e-15)
    # and H(p, p) = H(p)
    np.testing.assert_allclose(information.cross_entropy(p, p, unit=unit),
                               information.entropy(p, unit=unit), rtol=1e-12, atol=1e-15)


# ---------------------------------------------- argmax likelihood = argmin NLL (grid)
def _check_grid_optimum(nll, lik, grid, mle):
    """argmax L and argmin NLL pick the same optimum, within one grid step of the MLE."""
    assert np.all(np.isfinite(lik)) and lik.max() > 0.0      # the grid did not underflow
    i_nll, i_lik = int(np.argmin(nll)), int(np.argmax(lik))
    # same point, up to exp() rounding two neighbouring NLLs to one likelihood
    np.testing.assert_allclose(nll[i_lik], nll[i_nll], rtol=1e-12, atol=1e-12)
    step = grid[1] - grid[0]
    assert abs(grid[i_nll] - mle) <= step + 1e-12


@PROPERTY
@given(st.integers(1, 60).flatmap(
    lambda n: hnp.arrays(np.int64, n, elements=st.integers(0, 1))))
def test_bernoulli_grid_argmax_likelihood_is_argmin_nll_near_mle(x):
    model, grid = models.Bernoulli(), np.linspace(0.0, 1.0, 1001)
    _check_grid_optimum(model.nll(x, p=grid), model.likelihood(x, p=grid), grid,
                        model.mle(x)["p"])


@PROPERTY
@given(float_arrays(st.integers(1, 30), -3.0, 3.0), floats(2.0, 5.0))
def test_gaussian_mu_grid_argmax_likelihood_is_argmin_nll_near_mle(x, s):
    model, grid = models.Gaussian(sigma=s), np.linspace(-4.0, 4.0, 801)
    _check_grid_optimum(model.nll(x, mu=grid), model.likelihood(x, mu=grid), grid,
                        model.mle(x)["mu"])


@PROPERTY
@given(float_arrays(st.integers(1, 30), -3.0, 3.0), floats(-3.0, 3.0))
def test_gaussian_sigma_grid_argmax_likelihood_is_argmin_nll_near_mle(x, m):
    model = models.Gaussian(mu=m)
    sigma_hat = float(np.sqrt(np.mean((x - m) ** 2)))
    assume(sigma_hat >= 0.1)                       # the grid starts at 0.05
    grid = np.linspace(0.05, 8.0, 1591)            # step 0.005
    mle = model.mle(x)["sigma"]
    np.testing.assert_allclose(mle, sigma_hat, rtol=1e-12)
    _check_grid_optimum(model.nll(x, sigma=grid), model.likelihood(x, sigma=grid), grid, mle)


# ---------------------------------------------------------------- softmax family
@PROPERTY
@given(st.one_of(float_arrays(st.integers(1, 8), -50.0, 50.0),
                 float_arrays(st.tuples(st.integers(1, 5), st.integers(1, 6)), -50.0, 50.0)),
       floats(-1e3, 1e3))
def test_softmax_is_invariant_to_shifting_the_logits(z, c):
    np.testing.assert_allclose(losses.softmax(z + c), losses.softmax(z), rtol=1e-9, atol=1e-12)


@PROPERTY
@given(float_arrays(st.tuples(st.integers(1, 5), st.integers(1, 6)), -800.0, 800.0))
def test_log_softmax_is_log_of_softmax_where_finite(z):
    log_s = losses.log_softmax(z)
    s = losses.softmax(z)
    assert np.all(np.isfinite(log_s))              # log space never underflows to -inf
    normal = s >= np.finfo(float).tiny             # where log(softmax) is finite and accurate
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(log_s[normal], np.log(s[normal]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)


@PROPERTY
@given(float_arrays(st.tuples(st.integers(1, 5), st.integers(1, 8)), -1e6, 1e6))
def test_logsumexp_lies_between_max_and_max_plus_log_k(z):
    lse = losses.logsumexp(z)
    m = z.max(axis=-1)
    assert np.all(lse >= m)                                 # exp(max) is one of the terms
    k = z.shape[-1]
    assert np.all(lse <= m + math.log(k) + 1e-9 * (1.0 + np.abs(m)))
    # and it is the log-sum-exp itself (independent reference: scipy)
    np.testing.assert_allclose(lse, scipy_logsumexp(z, axis=-1), rtol=1e-12, atol=1e-12)


# ------------------------------------------------ Bernoulli NLL = summed per-sample BCE
@PROPERTY
@given(binary_samples, floats(0.0, 1.0))
def test_bernoulli_nll_is_summed_binary_cross_entropy(x, p):
    # p may be 0 or 1: impossible data then costs inf on both sides
    nll = models.Bernoulli().nll(x, p=p)
    bce = losses.binary_cross_entropy(x, np.full(x.size, p), reduction="sum")
    np.testing.assert_allclose(nll, bce, rtol=1e-12, atol=1e-15)
