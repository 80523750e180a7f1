"""Unit tests for :mod:`mlekit.models`.

Every number mlekit computes is compared with something computed another
way: scipy.stats log-densities (summed over the sample), central finite
differences of the NLL, brute-force grid search for the MLE, and the worked
examples of the course notes (the phone survey: 7 Android, 3 iOS).

Conventions: ``np.testing.assert_allclose`` with explicit tolerances, never
``==`` on computed floats; all randomness is seeded.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import mlekit as mk
from mlekit.models import Bernoulli, Binomial, Categorical, Gaussian, Laplace

SEEDS = [0, 1, 2, 3]
MODEL_NAMES = ["bernoulli", "binomial", "gaussian", "laplace", "categorical"]


# --------------------------------------------------------------------------
# helpers: one random (model, data, parameters) case per seed, and the
# independent scipy reference for it
# --------------------------------------------------------------------------
def make_case(name, seed):
    """Return ``(model, x, params)``: a random sample and a random parameter point.

    The parameters are drawn independently of the data-generating ones, so
    the likelihood is evaluated away from the MLE as well as near it.
    """
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 60))
    if name == "bernoulli":
        x = (rng.random(n) < rng.uniform(0.2, 0.8)).astype(int)
        return Bernoulli(), x, {"p": rng.uniform(0.05, 0.95)}
    if name == "binomial":
        trials = int(rng.integers(1, 25))
        x = rng.binomial(trials, rng.uniform(0.2, 0.8), size=n)
        return Binomial(trials), x, {"p": rng.uniform(0.05, 0.95)}
    if name == "gaussian":
        x = rng.normal(rng.normal(0, 5), rng.uniform(0.5, 3), size=n)
        return Gaussian(), x, {"mu": rng.normal(0, 5), "sigma": rng.uniform(0.5, 4)}
    if name == "laplace":
        x = rng.laplace(rng.normal(0, 5), rng.uniform(0.5, 3), size=n)
        return Laplace(), x, {"mu": rng.normal(0, 5), "b": rng.uniform(0.5, 4)}
    if name == "categorical":
        k = int(rng.integers(2, 6))
        x = rng.integers(0, k, size=n)
        return Categorical(n_classes=k), x, {"p": rng.dirichlet(np.ones(k))}
    raise AssertionError(name)


def ref_logpdf(model, x, params):
    """Per-observation log-probability from scipy.stats (the independent reference)."""
    x = np.asarray(x)
    if isinstance(model, Bernoulli):
        return stats.bernoulli.logpmf(x, params["p"])
    if isinstance(model, Binomial):
        return stats.binom.logpmf(x, model.n, params["p"])
    if isinstance(model, Gaussian):
        return stats.norm.logpdf(x, loc=params["mu"], scale=params["sigma"])
    if isinstance(model, Laplace):
        return stats.laplace.logpdf(x, loc=params["mu"], scale=params["b"])
    if isinstance(model, Categorical):
        # a label is a one-hot count vector of a multinomial with n = 1 trial
        k = len(params["p"])
        one_hot = np.eye(k)[x]
        return stats.multinomial.logpmf(one_hot, n=1, p=params["p"])
    raise AssertionError(model)


def ref_loglik(model, x, params):
    """Log-likelihood of an i.i.d. sample: sum of per-observation log-probabilities."""
    return float(np.sum(ref_logpdf(model, x, params)))


def central_diff(f, value, h):
    """Central difference (f(v + h) - f(v - h)) / 2h, error O(h^2)."""
    return (f(value + h) - f(value - h)) / (2.0 * h)


@pytest.fixture
def phone():
    return mk.datasets.phone_survey()


# --------------------------------------------------------------------------
# log-likelihood, likelihood, NLL, log_density against scipy.stats
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_log_likelihood_matches_scipy_sum_of_logpdf(name, seed):
    model, x, params = make_case(name, seed)
    expected = ref_loglik(model, x, params)
    np.testing.assert_allclose(model.log_likelihood(x, **params), expected, rtol=1e-10)
    # NLL = -log-likelihood
    np.testing.assert_allclose(model.nll(x, **params), -expected, rtol=1e-10)
    # L = prod_i f(x_i) = exp(sum_i log f(x_i)); the samples are small enough not to underflow
    np.testing.assert_allclose(model.likelihood(x, **params), math.exp(expected), rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_log_density_and_density_match_scipy_per_point(name, seed):
    model, x, params = make_case(name, seed)
    expected = ref_logpdf(model, x, params)
    got = model.log_density(x, **params)
    assert np.shape(got) == (len(x),)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.density(x, **params), np.exp(expected), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_nll_mean_reduction_is_sum_over_n(name, seed):
    model, x, params = make_case(name, seed)
    total = model.nll(x, reduction="sum", **params)
    np.testing.assert_allclose(model.nll(x, reduction="mean", **params), total / len(x),
                               rtol=1e-12)
    # doubling the data doubles the sum and keeps the mean
    x2 = np.concatenate([x, x])
    np.testing.assert_allclose(model.nll(x2, **params), 2 * total, rtol=1e-10)
    np.testing.assert_allclose(model.nll(x2, reduction="mean", **params), total / len(x),
                               rtol=1e-10)


# --------------------------------------------------------------------------
# gradients against central finite differences of the NLL
# --------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ["bernoulli", "binomial", "gaussian", "laplace"])
def test_nll_grad_matches_central_differences(name, seed, reduction):
    model, x, params = make_case(name, seed)
    rng = np.random.default_rng(100 + seed)
    # several parameter points: the random one plus perturbations of it
    points = [params]
    for _ in range(3):
        pt = dict(params)
        if "p" in pt:
            pt["p"] = rng.uniform(0.05, 0.95)
        else:
            pt["mu"] = pt["mu"] + rng.normal(0, 2)
            scale = "sigma" if "sigma" in pt else "b"
            pt[scale] = rng.uniform(0.5, 4)
        points.append(pt)
    for pt in points:
        if isinstance(model, Laplace):
            # |x - mu| has a kink at every data point: stay well away from them
            assert np.min(np.abs(x - pt["mu"])) > 1e-4
        grad = model.nll_grad(x, reduction=reduction, **pt)
        assert set(grad) == set(model.params)
        for name_k in model.params:
            h = 1e-6 * max(1.0, abs(pt[name_k]))

            def f(v, name_k=name_k, pt=pt):
                return float(model.nll(x, reduction=reduction, **{**pt, name_k: v}))

            fd = central_diff(f, pt[name_k], h)
            np.testing.assert_allclose(grad[name_k], fd, rtol=1e-5, atol=1e-6,
                                       err_msg=f"d NLL / d {name_k} at {pt}")


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_grad_matches_central_differences(seed, reduction):
    # The gradient is with respect to UNCONSTRAINED p: dNLL/dp_k = -c_k / p_k.
    # Perturbing one p_k alone leaves the simplex (sum p != 1), which mlekit's
    # nll rightly rejects, so two independent checks are made:
    #  1. per coordinate, against central differences of the NLL formula
    #     -sum_k c_k log p_k written out here (counts by np.bincount);
    #  2. along directions v = e_i - e_j (sum v = 0), which stay on the
    #     simplex: the directional derivative of mlekit's own nll, computed by
    #     central differences, must equal grad . v.
    model, x, p = make_case("categorical", seed)
    p = p["p"]
    k = p.size
    n = len(x)
    scale = n if reduction == "mean" else 1.0
    counts = np.bincount(x, minlength=k)

    def nll_formula(q):
        return -np.sum(counts * np.log(q)) / scale

    grad = model.nll_grad(x, reduction=reduction, p=p)["p"]
    assert grad.shape == (k,)
    h = 1e-7
    fd = np.empty(k)
    for i in range(k):
        e = np.zeros(k)
        e[i] = h
        fd[i] = (nll_formula(p + e) - nll_formula(p - e)) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-6)

    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            v = np.zeros(k)
            v[i], v[j] = 1.0, -1.0
            hh = 1e-6 * min(p[i], p[j], 1.0)
            fd_dir = (model.nll(x, reduction=reduction, p=p + hh * v)
                      - model.nll(x, reduction=reduction, p=p - hh * v)) / (2 * hh)
            np.testing.assert_allclose(grad @ v, fd_dir, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_nll_grad_mean_is_sum_over_n(name):
    model, x, params = make_case(name, 7)
    g_sum = model.nll_grad(x, reduction="sum", **params)
    g_mean = model.nll_grad(x, reduction="mean", **params)
    for k in model.params:
        np.testing.assert_allclose(g_mean[k], np.asarray(g_sum[k]) / len(x), rtol=1e-12)


# --------------------------------------------------------------------------
# MLE against brute-force grid search
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_bernoulli_mle_is_argmax_of_likelihood_on_grid(seed):
    model, x, _ = make_case("bernoulli", seed)
    grid = np.linspace(0.0, 1.0, 20001)
    step = grid[1] - grid[0]
    # likelihood on the grid from scipy: prod_i f(x_i; p)
    lik = np.prod(stats.bernoulli.pmf(x[:, None], grid[None, :]), axis=0)
    p_hat = model.mle(x)["p"]
    assert abs(p_hat - grid[np.argmax(lik)]) <= step
    np.testing.assert_allclose(p_hat, x.mean(), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_binomial_mle_is_argmax_of_likelihood_on_grid(seed):
    model, x, _ = make_case("binomial", seed)
    grid = np.linspace(0.0, 1.0, 20001)
    step = grid[1] - grid[0]
    loglik = np.sum(stats.binom.logpmf(x[:, None], model.n, grid[None, :]), axis=0)
    p_hat = model.mle(x)["p"]
    assert abs(p_hat - grid[np.argmax(loglik)]) <= step
    # p_hat = K / (N n)
    np.testing.assert_allclose(p_hat, x.sum() / (len(x) * model.n), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_mle_is_argmin_of_nll_on_2d_grid(seed):
    model, x, _ = make_case("gaussian", seed)
    mu = np.linspace(x.min(), x.max(), 401)
    sigma = np.linspace(0.2 * x.std(), 3.0 * x.std(), 401)
    nll = model.nll(x, mu=mu[:, None], sigma=sigma[None, :])
    assert nll.shape == (401, 401)
    i, j = np.unravel_index(np.argmin(nll), nll.shape)
    est = model.mle(x)
    assert set(est) == {"mu", "sigma"}
    assert abs(est["mu"] - mu[i]) <= mu[1] - mu[0]
    assert abs(est["sigma"] - sigma[j]) <= sigma[1] - sigma[0]
    # the closed form: sample mean and the biased (1/n) standard deviation
    np.testing.assert_allclose(est["mu"], np.mean(x), rtol=1e-12)
    np.testing.assert_allclose(est["sigma"], np.std(x, ddof=0), rtol=1e-10)
    assert model.nll(x, **est) <= nll.min() + 1e-9


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_mle_with_one_parameter_fixed(seed):
    _, x, _ = make_case("gaussian", seed)
    # sigma fixed: mu_hat is still the mean (1-D grid in mu)
    m = Gaussian(sigma=2.0)
    mu = np.linspace(x.min(), x.max(), 4001)
    est = m.mle(x)
    assert set(est) == {"mu"}
    assert abs(est["mu"] - mu[np.argmin(m.nll(x, mu=mu))]) <= mu[1] - mu[0]
    # mu fixed at 0: sigma_hat = sqrt(mean((x - 0)^2))
    m = Gaussian(mu=0.0)
    sigma = np.linspace(0.1, 3 * np.sqrt(np.mean(x**2)), 4001)
    est = m.mle(x)
    assert set(est) == {"sigma"}
    assert abs(est["sigma"] - sigma[np.argmin(m.nll(x, sigma=sigma))]) <= sigma[1] - sigma[0]
    np.testing.assert_allclose(est["sigma"], np.sqrt(np.mean(x**2)), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_laplace_mle_odd_n_is_argmin_of_nll_on_2d_grid(seed):
    rng = np.random.default_rng(seed)
    x = rng.laplace(1.0, 2.0, size=2 * int(rng.integers(5, 20)) + 1)   # odd n: unique median
    model = Laplace()
    mu = np.linspace(x.min(), x.max(), 801)
    b = np.linspace(0.1, 3.0 * np.mean(np.abs(x - np.median(x))), 401)
    nll = model.nll(x, mu=mu[:, None], b=b[None, :])
    assert nll.shape == (801, 401)
    i, j = np.unravel_index(np.argmin(nll), nll.shape)
    est = model.mle(x)
    assert abs(est["mu"] - mu[i]) <= mu[1] - mu[0]
    assert abs(est["b"] - b[j]) <= b[1] - b[0]
    # closed form: the median and the mean absolute deviation from it
    np.testing.assert_allclose(est["mu"], np.median(x), rtol=1e-12)
    np.testing.assert_allclose(est["b"], np.mean(np.abs(x - np.median(x))), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_laplace_mle_even_n_reaches_grid_minimum(seed):
    # For even n every mu between the two middle values maximises the
    # likelihood, so the grid argmin need not be the median: compare NLL values.
    rng = np.random.default_rng(seed)
    x = rng.laplace(-2.0, 1.5, size=2 * int(rng.integers(5, 20)))
    model = Laplace()
    mu = np.linspace(x.min(), x.max(), 801)
    b = np.linspace(0.1, 5.0, 801)
    grid_min = model.nll(x, mu=mu[:, None], b=b[None, :]).min()
    nll_hat = model.nll(x, **model.mle(x))
    assert nll_hat <= grid_min + 1e-9 * abs(grid_min)
    # and, with b fixed, the NLL is flat between the middle order statistics
    xs = np.sort(x)
    lo, hi = xs[len(x) // 2 - 1], xs[len(x) // 2]
    flat = Laplace(b=1.0).nll(x, mu=np.linspace(lo, hi, 11))
    np.testing.assert_allclose(flat, flat[0], rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_laplace_mle_with_one_parameter_fixed(seed):
    _, x, _ = make_case("laplace", seed)
    m = Laplace(b=1.0)
    assert set(m.mle(x)) == {"mu"}
    np.testing.assert_allclose(m.mle(x)["mu"], np.median(x), rtol=1e-12)
    m = Laplace(mu=0.5)
    b = np.linspace(0.05, 3.0 * np.max(np.abs(x - 0.5)), 8001)
    est = m.mle(x)
    assert set(est) == {"b"}
    assert abs(est["b"] - b[np.argmin(m.nll(x, b=b))]) <= b[1] - b[0]
    np.testing.assert_allclose(est["b"], np.mean(np.abs(x - 0.5)), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_mle_is_argmin_of_nll_on_simplex_grid(seed):
    rng = np.random.default_rng(seed)
    x = rng.choice(3, size=40, p=[0.2, 0.5, 0.3])
    model = Categorical(n_classes=3)
    # grid over the 2-simplex: p1, p2 on a lattice, p3 = 1 - p1 - p2 >= 0
    step = 0.005
    a = np.arange(0.0, 1.0 + step / 2, step)
    p1, p2 = np.meshgrid(a, a, indexing="ij")
    p1, p2 = p1.ravel(), p2.ravel()
    rest = 1.0 - p1 - p2
    keep = rest >= -1e-12
    grid = np.stack([p1[keep], p2[keep], np.clip(rest[keep], 0.0, 1.0)], axis=1)
    nll = model.nll(x, p=grid)
    assert nll.shape == (grid.shape[0],)
    p_hat = model.mle(x)["p"]
    np.testing.assert_allclose(p_hat, grid[np.argmin(nll)], atol=2 * step)
    np.testing.assert_allclose(p_hat, np.bincount(x, minlength=3) / len(x), rtol=1e-12)
    assert model.nll(x, p=p_hat) <= nll.min() + 1e-9


def test_categorical_mle_gives_zero_to_unseen_classes():
    p_hat = Categorical(n_classes=4).mle([0, 2, 2, 3])["p"]
    np.testing.assert_allclose(p_hat, [0.25, 0.0, 0.5, 0.25], atol=1e-15)
    # without n_classes, K is read from the largest label
    np.testing.assert_allclose(Categorical().mle([0, 1, 1])["p"], [1 / 3, 2 / 3], rtol=1e-12)


# --------------------------------------------------------------------------
# the phone survey (course notes, lesson on the Bernoulli likelihood)
# --------------------------------------------------------------------------
def test_phone_survey_mle_nll_and_grad(phone):
    m = Bernoulli()
    assert m.params == ("p",)
    np.testing.assert_allclose(m.mle(phone)["p"], 0.7, rtol=1e-12)
    np.testing.assert_allclose(m.nll(phone, p=0.5), 10 * math.log(2), rtol=1e-12)   # 10 ln 2
    np.testing.assert_allclose(m.nll_grad(phone, p=0.5)["p"], -8.0, rtol=1e-12)     # -14 + 6


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, 0.7, 0.9, 0.99])
def test_phone_survey_grad_formula(phone, p):
    # d NLL / dp = -k/p + (n - k)/(1 - p) with k = 7, n = 10; zero at p = 0.7
    expected = -7 / p + 3 / (1 - p)
    np.testing.assert_allclose(Bernoulli().nll_grad(phone, p=p)["p"], expected,
                               rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# Binomial: the binomial coefficient
# --------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.7, 0.95])
def test_binomial_likelihood_includes_binomial_coefficient(p):
    # L(p | k = 7 of n = 10) = C(10, 7) p^7 (1 - p)^3
    expected = math.comb(10, 7) * p**7 * (1 - p) ** 3
    np.testing.assert_allclose(Binomial(10).likelihood([7], p=p), expected, rtol=1e-12)


def test_binomial_and_bernoulli_differ_by_log_coefficient(phone):
    # l_binom(p) - l_bern(p) = log C(10, 7) at every p: same shape, same argmax
    p = np.linspace(0.01, 0.99, 99)
    diff = Binomial(10).log_likelihood([7], p=p) - Bernoulli().log_likelihood(phone, p=p)
    np.testing.assert_allclose(diff, math.log(math.comb(10, 7)), rtol=1e-12)
    assert Binomial(10).mle([7])["p"] == pytest.approx(Bernoulli().mle(phone)["p"], rel=1e-12)


# --------------------------------------------------------------------------
# squared / absolute error: the NLL is affine in the loss
# --------------------------------------------------------------------------
@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.5])
def test_gaussian_fixed_sigma_nll_is_affine_in_sse(sigma):
    x = mk.datasets.heights()
    mu = np.linspace(160.0, 176.0, 201)
    sse = np.sum((x[None, :] - mu[:, None]) ** 2, axis=1)
    nll = Gaussian(sigma=sigma).nll(x, mu=mu)
    # NLL(mu) = SSE(mu) / (2 sigma^2) + n/2 log(2 pi) + n log sigma
    const = nll - sse / (2 * sigma**2)
    n = len(x)
    np.testing.assert_allclose(const, n / 2 * math.log(2 * math.pi) + n * math.log(sigma),
                               rtol=1e-9)
    assert np.ptp(const) < 1e-8 * np.max(np.abs(const))


@pytest.mark.parametrize("b", [0.5, 1.0, 2.5])
def test_laplace_fixed_b_nll_is_affine_in_sae(b):
    x = mk.datasets.heights()
    mu = np.linspace(160.0, 176.0, 201)
    sae = np.sum(np.abs(x[None, :] - mu[:, None]), axis=1)
    # NLL(mu) = SAE(mu) / b + n log(2b)
    nll = Laplace(b=b).nll(x, mu=mu)
    np.testing.assert_allclose(nll - sae / b, len(x) * math.log(2 * b), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------
# broadcasting over parameter grids
# --------------------------------------------------------------------------
def _one_param_grids():
    rng = np.random.default_rng(11)
    yield "bernoulli", {"p": np.linspace(0.001, 0.999, 400)}
    yield "binomial", {"p": np.linspace(0.001, 0.999, 400)}
    yield "categorical", None          # built in the test: needs K
    yield "gaussian-mu", {"mu": np.linspace(-10, 10, 400), "sigma": 1.7}
    yield "gaussian-sigma", {"mu": 0.3, "sigma": np.linspace(0.2, 6, 400)}
    yield "laplace-mu", {"mu": np.linspace(-10, 10, 400) + rng.uniform(0, 1e-3), "b": 1.3}
    yield "laplace-b", {"mu": -0.4, "b": np.linspace(0.2, 6, 400)}


@pytest.mark.parametrize("case, grid", list(_one_param_grids()))
def test_400_point_grid_equals_scalar_calls(case, grid):
    model, x, params = make_case(case.split("-")[0], 5)
    if case == "categorical":
        rng = np.random.default_rng(3)
        grid = {"p": rng.dirichlet(np.ones(model.n_classes), size=400)}
        pick = lambda v, i: v[i]   # noqa: E731  one row of the (400, K) grid
    else:
        pick = lambda v, i: v[i] if np.ndim(v) else v   # noqa: E731
    ll = model.log_likelihood(x, **grid)
    nll = model.nll(x, **grid)
    nll_mean = model.nll(x, reduction="mean", **grid)
    grads = model.nll_grad(x, **grid)
    assert ll.shape == nll.shape == nll_mean.shape == (400,)
    # the same quantities from 400 scalar calls, one grid point at a time
    points = [{k: pick(v, i) for k, v in grid.items()} for i in range(400)]
    np.testing.assert_allclose(ll, [model.log_likelihood(x, **pt) for pt in points], rtol=1e-12)
    np.testing.assert_allclose(nll, [model.nll(x, **pt) for pt in points], rtol=1e-12)
    np.testing.assert_allclose(nll_mean, [model.nll(x, reduction="mean", **pt) for pt in points],
                               rtol=1e-12)
    scalar_grads = [model.nll_grad(x, **pt) for pt in points]
    for k in model.params:
        expected = np.array([g[k] for g in scalar_grads])
        got = np.broadcast_to(grads[k], expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    # and the values are not all the same (the grid really varies)
    assert np.ptp(nll) > 0


@pytest.mark.parametrize("name, scale", [("gaussian", "sigma"), ("laplace", "b")])
def test_2d_grid_for_two_parameter_models(name, scale):
    model, x, _ = make_case(name, 2)
    mu = np.linspace(-5, 5, 23)
    s = np.linspace(0.5, 4, 17)
    nll = model.nll(x, **{"mu": mu[:, None], scale: s[None, :]})
    grads = model.nll_grad(x, **{"mu": mu[:, None], scale: s[None, :]})
    assert nll.shape == (23, 17)
    assert grads["mu"].shape == grads[scale].shape == (23, 17)
    for i in (0, 7, 22):
        for j in (0, 9, 16):
            pt = {"mu": mu[i], scale: s[j]}
            np.testing.assert_allclose(nll[i, j], -ref_loglik(model, x, pt), rtol=1e-10)
            g = model.nll_grad(x, **pt)
            np.testing.assert_allclose(grads["mu"][i, j], g["mu"], rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(grads[scale][i, j], g[scale], rtol=1e-12, atol=1e-12)


def test_scalar_parameters_give_scalar_results():
    x = [1.0, 2.0, 4.0]
    m = Gaussian()
    assert np.ndim(m.nll(x, mu=1.0, sigma=1.0)) == 0
    assert np.ndim(m.log_likelihood(x, mu=1.0, sigma=1.0)) == 0
    assert all(np.ndim(v) == 0 for v in m.nll_grad(x, mu=1.0, sigma=1.0).values())


# --------------------------------------------------------------------------
# fixed parameters
# --------------------------------------------------------------------------
@pytest.mark.parametrize("model, free", [
    (Gaussian(sigma=1.0), ("mu",)),
    (Gaussian(mu=0.0), ("sigma",)),
    (Gaussian(), ("mu", "sigma")),
    (Laplace(b=2.0), ("mu",)),
    (Laplace(mu=1.0), ("b",)),
    (Laplace(), ("mu", "b")),
    (Bernoulli(), ("p",)),
    (Bernoulli(p=0.3), ()),
    (Binomial(10), ("p",)),
    (Categorical(n_classes=3), ("p",)),
    (Categorical(p=[0.2, 0.3, 0.5]), ()),
])
def test_params_lists_only_free_parameters(model, free):
    assert model.params == free


def test_fixed_sigma_model_equals_full_model_at_that_sigma():
    _, x, _ = make_case("gaussian", 1)
    mu = np.linspace(-3, 3, 9)
    np.testing.assert_allclose(Gaussian(sigma=1.0).nll(x, mu=mu),
                               [-ref_loglik(Gaussian(), x, {"mu": m, "sigma": 1.0}) for m in mu],
                               rtol=1e-10)
    g = Gaussian(sigma=1.0).nll_grad(x, mu=0.5)
    assert set(g) == {"mu"}
    # d/dmu S(mu)/2 = -sum(x - mu)
    np.testing.assert_allclose(g["mu"], -np.sum(x - 0.5), rtol=1e-10)
    # fully fixed models need no keyword at all
    np.testing.assert_allclose(Bernoulli(p=0.7).nll(mk.datasets.phone_survey()),
                               -(7 * math.log(0.7) + 3 * math.log(0.3)), rtol=1e-12)


@pytest.mark.parametrize("model, call", [
    (Gaussian(sigma=1.0), lambda m: m.nll([1.0, 2.0], mu=0.0, sigma=2.0)),
    (Gaussian(sigma=1.0), lambda m: m.nll_grad([1.0, 2.0], mu=0.0, sigma=2.0)),
    (Gaussian(mu=0.0), lambda m: m.log_likelihood([1.0, 2.0], mu=1.0, sigma=2.0)),
    (Laplace(b=1.0), lambda m: m.sample(3, mu=0.0, b=1.0, rng=0)),
    (Bernoulli(p=0.5), lambda m: m.nll([1, 0], p=0.3)),
])
def test_passing_a_fixed_parameter_raises_type_error(model, call):
    with pytest.raises(TypeError, match="fixed"):
        call(model)


@pytest.mark.parametrize("make", [
    pytest.param(lambda: Bernoulli(p=[0.2, 0.3]), id="bernoulli"),
    pytest.param(lambda: Binomial(10, p=[0.2, 0.3]), id="binomial"),
])
def test_fixing_a_scalar_probability_to_an_array_is_rejected(make):
    # Gaussian(sigma=[1, 2]) is rejected ("be a single number when fixed"), but
    # the exemption meant for Categorical's probability VECTOR is keyed on the
    # name "p", so Bernoulli/Binomial accept an array; Binomial's repr then crashes.
    with pytest.raises(ValueError, match="single number when fixed"):
        make()


# --------------------------------------------------------------------------
# numerics: underflow, impossible data, 0 log 0
# --------------------------------------------------------------------------
def test_million_bernoulli_samples_log_likelihood_finite_likelihood_underflows():
    rng = np.random.default_rng(0)
    x = (rng.random(10**6) < 0.3).astype(int)
    k, n = int(x.sum()), x.size
    m = Bernoulli()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for p in (0.1, 0.3, 0.77):
            ll = m.log_likelihood(x, p=p)
            assert np.isfinite(ll)
            # l(p) = k log p + (n - k) log(1 - p)
            np.testing.assert_allclose(ll, k * math.log(p) + (n - k) * math.log1p(-p), rtol=1e-12)
            assert m.likelihood(x, p=p) == 0.0       # prod of 10^6 numbers < 1 underflows
        np.testing.assert_allclose(m.mle(x)["p"], k / n, rtol=1e-12)


def _boundary_values(model, x, params):
    """NLL (sum and mean), log-likelihood, likelihood and dNLL/dp; any warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return (model.nll(x, **params), model.nll(x, reduction="mean", **params),
                model.log_likelihood(x, **params), model.likelihood(x, **params),
                model.nll_grad(x, **params)["p"])


@pytest.mark.parametrize("model, x, params", [
    (Bernoulli(), [1, 0, 1], {"p": 0.0}),
    (Bernoulli(), [1, 0, 1], {"p": 1.0}),
    (Bernoulli(), [1, 1], {"p": 0.0}),
    (Bernoulli(), [0, 0], {"p": 1.0}),
    (Binomial(5), [3, 0], {"p": 0.0}),
    (Binomial(5), [5, 2], {"p": 1.0}),
    (Categorical(n_classes=3), [0, 1, 2], {"p": [0.5, 0.5, 0.0]}),
])
def test_nll_of_impossible_data_is_exactly_inf_without_warning(model, x, params):
    nll, nll_mean, ll, lik, grad = _boundary_values(model, x, params)
    assert np.isposinf(nll) and np.isposinf(nll_mean)
    assert np.isneginf(ll)
    assert lik == 0.0
    assert not np.any(np.isnan(np.asarray(grad)))


@pytest.mark.parametrize("model, x, params", [
    (Bernoulli(), [0, 0, 0], {"p": 0.0}),
    (Bernoulli(), [1, 1, 1], {"p": 1.0}),
    (Binomial(4), [0, 0], {"p": 0.0}),
    (Binomial(4), [4, 4], {"p": 1.0}),
    (Categorical(n_classes=3), [0, 2, 2], {"p": [0.25, 0.0, 0.75]}),
])
def test_boundary_probability_with_consistent_data_is_finite(model, x, params):
    # 0 log 0 = 0: a class (or outcome) with probability 0 that never occurs costs nothing
    nll, _, _, _, grad = _boundary_values(model, x, params)
    assert np.isfinite(nll)
    assert np.all(np.isfinite(grad))
    if isinstance(model, Categorical):
        np.testing.assert_allclose(nll, -(math.log(0.25) + 2 * math.log(0.75)), rtol=1e-12)
    else:
        np.testing.assert_allclose(nll, 0.0, atol=1e-15)   # L = 1 exactly


def test_bernoulli_boundary_grid_has_inf_ends_and_no_nan(phone):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nll = Bernoulli().nll(phone, p=np.linspace(0.0, 1.0, 101))
        dens = Bernoulli().log_density(phone, p=0.0)
    assert np.isposinf(nll[0]) and np.isposinf(nll[-1])
    assert np.all(np.isfinite(nll[1:-1]))
    # log f(1; p=0) = -inf, log f(0; p=0) = 0
    np.testing.assert_array_equal(np.isneginf(dens), phone == 1)
    np.testing.assert_allclose(dens[phone == 0], 0.0, atol=1e-15)


# --------------------------------------------------------------------------
# sampling
# --------------------------------------------------------------------------
SAMPLE_CASES = [
    (Bernoulli(), {"p": 0.3}),
    (Binomial(12), {"p": 0.4}),
    (Gaussian(), {"mu": 168.0, "sigma": 2.5}),
    (Laplace(), {"mu": -1.0, "b": 0.7}),
    (Categorical(n_classes=4), {"p": [0.1, 0.2, 0.3, 0.4]}),
]


@pytest.mark.parametrize("model, params", SAMPLE_CASES)
def test_sample_is_reproducible_with_seed(model, params):
    a = model.sample(200, rng=42, **params)
    b = model.sample(200, rng=42, **params)
    c = model.sample(200, rng=43, **params)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # a Generator works too and advances between calls
    gen = np.random.default_rng(42)
    np.testing.assert_array_equal(model.sample(200, rng=gen, **params), a)
    assert not np.array_equal(model.sample(200, rng=gen, **params), a)


@pytest.mark.parametrize("model, params", SAMPLE_CASES)
def test_sample_shape_dtype_and_support(model, params):
    s = model.sample(500, rng=0, **params)
    assert s.shape == (500,)
    if isinstance(model, (Gaussian, Laplace)):
        assert s.dtype.kind == "f"
    else:
        assert s.dtype.kind in "iu"
        if isinstance(model, Bernoulli):
            high = 1
        elif isinstance(model, Binomial):
            high = model.n                 # at most n successes in n trials
        else:
            high = model.n_classes - 1     # labels 0, ..., K-1
        assert s.min() >= 0 and s.max() <= high
    # samples are valid data for the model itself
    assert np.isfinite(model.nll(s, **params))


def test_sample_moments_close_to_parameters():
    n = 100_000
    s = Bernoulli().sample(n, p=0.3, rng=1)
    assert abs(s.mean() - 0.3) < 0.01
    s = Binomial(12).sample(n, p=0.4, rng=2)
    assert abs(s.mean() / 12 - 0.4) < 0.01
    s = Gaussian().sample(n, mu=168.0, sigma=2.5, rng=3)
    assert abs(s.mean() - 168.0) < 0.05 and abs(s.std() - 2.5) < 0.05
    s = Laplace().sample(n, mu=-1.0, b=0.7, rng=4)
    # E|X - mu| = b for the Laplace distribution
    assert abs(np.median(s) + 1.0) < 0.05 and abs(np.mean(np.abs(s + 1.0)) - 0.7) < 0.02
    p = np.array([0.1, 0.2, 0.3, 0.4])
    s = Categorical(n_classes=4).sample(n, p=p, rng=5)
    np.testing.assert_allclose(np.bincount(s, minlength=4) / n, p, atol=0.01)


def test_sample_with_fixed_parameters_and_mle_round_trip():
    s = Gaussian(sigma=2.0).sample(50_000, mu=5.0, rng=0)
    assert abs(Gaussian(sigma=2.0).mle(s)["mu"] - 5.0) < 0.05
    s = Categorical(p=[0.6, 0.4]).sample(50_000, rng=0)
    assert abs(np.mean(s) - 0.4) < 0.01


def test_categorical_sample_accepts_every_p_that_nll_accepts():
    # p = [0.3333333] * 3 sums to 0.9999999: nll accepts it (|sum - 1| <= 1e-6),
    # so sample should too (or reject it with mlekit's message), not crash in numpy.
    p = [0.3333333] * 3
    m = Categorical(n_classes=3)
    assert np.isfinite(m.nll([0, 1, 2], p=p))
    s = m.sample(100, p=p, rng=0)
    assert s.shape == (100,)


# --------------------------------------------------------------------------
# bad input: the error names the argument and says what was expected. Every bad
# call to a model is a row of tests/test_errors.py's CASES (one table for all of
# mlekit, checked there for the argument, the expectation, what arrived and a fix).
# --------------------------------------------------------------------------
def test_error_message_for_missing_param_shows_the_call():
    with pytest.raises(TypeError, match=r"Call it as model\.nll\(x, mu=\.\.\., sigma=\.\.\.\)"):
        Gaussian().nll([1.0], mu=0.0)
