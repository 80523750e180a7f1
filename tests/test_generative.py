"""mlekit.generative against independent references: scipy.stats, quadrature, finite
differences (mlekit.gradcheck.numerical_gradient) for every gradient, Monte Carlo vs
closed-form KL, and brute-force loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from mlekit import generative as G
from mlekit.datasets import digits
from mlekit.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(12)


@pytest.fixture(scope="module")
def images():
    return digits()[0]


# ------------------------------------------------------------------ 1. Gaussian NLL, learned σ
def test_gaussian_nll_matches_scipy_per_sample_mean_and_sum():
    t, mu, ls = RNG.normal(size=7), RNG.normal(size=7), RNG.normal(0, 0.5, 7)
    ref = -stats.norm.logpdf(t, mu, np.exp(ls))
    assert np.allclose(G.gaussian_nll(t, mu, ls, reduction="none"), ref)
    assert math.isclose(G.gaussian_nll(t, mu, ls), ref.mean())
    assert math.isclose(G.gaussian_nll(t, mu, ls, reduction="sum"), ref.sum())
    assert math.isclose(G.gaussian_nll(t, 0.3, -0.2), (-stats.norm.logpdf(t, 0.3, math.exp(-0.2))).mean())


def test_gaussian_nll_grad_matches_finite_differences():
    t, mu, ls = RNG.normal(size=5), RNG.normal(size=5), RNG.normal(0, 0.5, 5)
    for reduction in ("mean", "sum"):
        d_mu, d_ls = G.gaussian_nll_grad(t, mu, ls, reduction=reduction)
        num_mu = numerical_gradient(lambda m: G.gaussian_nll(t, m, ls, reduction=reduction), mu)
        num_ls = numerical_gradient(lambda s: G.gaussian_nll(t, mu, s, reduction=reduction), ls)
        assert relative_error(d_mu, num_mu) < 1e-7 and relative_error(d_ls, num_ls) < 1e-7


def test_constant_sigma_is_the_mle_of_one_shared_sigma():
    r = RNG.normal(0, 1.7, 50)
    s = G.constant_sigma(r)
    grid = np.linspace(0.5, 3.0, 2001)
    nll = [np.sum(-stats.norm.logpdf(r, 0.0, g)) for g in grid]      # brute force over σ
    assert abs(grid[int(np.argmin(nll))] - s) < 2e-3
    assert math.isclose(s ** 2, np.mean(r ** 2))


def test_heteroscedastic_data_noise_grows_with_x():
    x, t, mu, sigma = G.heteroscedastic_data(400, rng=3)
    left, right = x < 1.0, x > 3.0
    assert np.std((t - mu)[right]) > 3 * np.std((t - mu)[left])
    assert np.allclose(sigma, 0.05 + 0.2 * x) and np.allclose(mu, np.sin(1.5 * x) + 0.5 * x)
    x2, t2, _, _ = G.heteroscedastic_data(400, rng=3)
    assert np.array_equal(t, t2)


@pytest.mark.parametrize("loss", ["gaussian", "mse"])
def test_regression_net_backward_matches_finite_differences(loss):
    net = G.GaussianRegressionNet(1, 5, loss=loss, rng=1)
    x, t = RNG.uniform(0, 4, (9, 1)), RNG.normal(size=9)
    _, cache = net.forward(x)
    grads = net.backward(cache, t)
    for k, g in grads.items():
        def f(theta, k=k):
            old = net.params[k]
            net.params[k] = theta
            try:
                return net.loss(x, t)
            finally:
                net.params[k] = old
        assert relative_error(g, numerical_gradient(f, net.params[k])) < 1e-6, k
    errs = G.gradient_errors(net, x, t=t)
    assert max(errs.values()) < 1e-6


def test_regression_net_loss_is_the_reference_nll_or_mse():
    net = G.GaussianRegressionNet(1, 4, rng=2)
    x, t = RNG.uniform(0, 4, (6, 1)), RNG.normal(size=6)
    z2 = net.forward(x)[0]
    assert math.isclose(net.loss(x, t), np.mean(-stats.norm.logpdf(t, z2[:, 0], np.exp(z2[:, 1]))))
    mse = G.GaussianRegressionNet(1, 4, loss="mse", rng=2)
    assert math.isclose(mse.loss(x, t), np.mean((t - z2[:, 0]) ** 2))


def test_fit_regression_learns_the_growing_noise_and_mse_gets_one_sigma():
    x, t, mu, sigma = G.heteroscedastic_data(200, rng=0)
    net = G.GaussianRegressionNet(1, 16, rng=0)
    losses = G.fit_regression(net, x[:, None], t, epochs=800, lr=0.01, rng=0)
    m, s = net.predict(x[:, None])
    assert losses[-1] < losses[0] and np.corrcoef(s, sigma)[0, 1] > 0.9
    assert np.mean(np.abs(s - sigma)) < 0.1
    mse = G.GaussianRegressionNet(1, 16, loss="mse", rng=0)
    G.fit_regression(mse, x[:, None], t, epochs=800, lr=0.01, rng=0)
    m2, s2 = mse.predict(x[:, None])
    assert np.all(s2 == s2[0]) and math.isclose(s2[0], np.sqrt(np.mean((t - m2) ** 2)))
    # the learned σ explains the data better than the constant one
    assert G.gaussian_nll(t, m, np.log(s)) < G.gaussian_nll(t, m2, np.log(s2))
    again = G.GaussianRegressionNet(1, 16, rng=0)
    assert G.fit_regression(again, x[:, None], t, epochs=800, lr=0.01, rng=0) == losses


# ------------------------------------------------------------------ 2. sampling
def test_samplers_follow_their_distributions_and_are_seeded():
    g = G.sample_gaussian([1.0, -2.0], [0.5, 2.0], rng=0, size=40000)
    assert g.shape == (2, 40000)
    assert np.allclose(g.mean(1), [1.0, -2.0], atol=0.03) and np.allclose(g.std(1), [0.5, 2.0], atol=0.03)
    assert stats.kstest(g[0], stats.norm(1.0, 0.5).cdf).pvalue > 1e-3
    b = G.sample_bernoulli([0.2, 0.9], rng=0, size=40000)
    assert set(np.unique(b)) <= {0, 1} and np.allclose(b.mean(1), [0.2, 0.9], atol=0.01)
    c = G.sample_categorical([[0.1, 0.6, 0.3]], rng=0, size=40000)
    assert np.allclose(np.bincount(c[0], minlength=3) / 40000, [0.1, 0.6, 0.3], atol=0.01)
    assert np.array_equal(G.sample_gaussian([0.0], [1.0], rng=5), G.sample_gaussian([0.0], [1.0], rng=5))


# ------------------------------------------------------------------ 3. KL
def _kl_quadrature(mq, sq, mp, sp):
    q, p = stats.norm(mq, sq), stats.norm(mp, sp)
    val, _ = integrate.quad(lambda z: q.pdf(z) * (q.logpdf(z) - p.logpdf(z)), -np.inf, np.inf)
    return val


@pytest.mark.parametrize("mq, sq, mp, sp", [(0, 1, 0, 1), (1.0, 0.5, 0.0, 1.0),
                                            (-0.7, 2.0, 0.4, 0.8), (3.0, 1.0, 0.0, 3.0)])
def test_gaussian_kl_matches_numerical_integration(mq, sq, mp, sp):
    got = G.gaussian_kl(mq, math.log(sq), mp, math.log(sp))
    assert math.isclose(got, _kl_quadrature(mq, sq, mp, sp), rel_tol=1e-6, abs_tol=1e-9)


def test_gaussian_kl_adds_over_dimensions_and_batches():
    mq, lq = RNG.normal(size=(4, 3)), RNG.normal(0, 0.4, (4, 3))
    kl = G.gaussian_kl(mq, lq)
    loop = [sum(_kl_quadrature(mq[i, j], math.exp(lq[i, j]), 0.0, 1.0) for j in range(3))
            for i in range(4)]
    assert kl.shape == (4,) and np.allclose(kl, loop, rtol=1e-6)
    assert np.allclose(G.kl_standard_normal(mq, lq), kl)
    assert np.all(kl > 0) and G.gaussian_kl([0.3, 0.1], [0.2, -0.1], [0.3, 0.1], [0.2, -0.1]) == 0.0


def test_kl_standard_normal_grad_matches_finite_differences():
    mu, ls = RNG.normal(size=4), RNG.normal(0, 0.5, 4)
    d_mu, d_ls = G.kl_standard_normal_grad(mu, ls)
    assert relative_error(d_mu, numerical_gradient(lambda m: G.kl_standard_normal(m, ls), mu)) < 1e-7
    assert relative_error(d_ls, numerical_gradient(lambda s: G.kl_standard_normal(mu, s), ls)) < 1e-7


def test_monte_carlo_kl_agrees_with_the_closed_form_within_its_error():
    for mq, lq, mp, lp in (([1.0, -0.5], [0.0, math.log(0.5)], 0.0, 0.0),
                           (0.5, math.log(2.0), -0.5, math.log(1.5))):
        exact = G.gaussian_kl(mq, lq, mp, lp)
        est, se = G.monte_carlo_kl(mq, lq, mp, lp, n_samples=20000, rng=1)
        assert abs(est - exact) < 4 * se and se < 0.05
        _, se_small = G.monte_carlo_kl(mq, lq, mp, lp, n_samples=2000, rng=1)
        assert 2.0 < se_small / se < 4.5                               # ~ sqrt(10)


def test_gaussian_log_density_matches_scipy_multivariate():
    z, mu, ls = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(0, 0.3, 3)
    ref = stats.multivariate_normal(mu, np.diag(np.exp(2 * ls))).logpdf(z)
    assert math.isclose(G.gaussian_log_density(z, mu, ls), ref)


# ------------------------------------------------------------------ reparameterisation
def test_reparameterised_samples_have_the_right_distribution_and_gradient():
    eps = np.random.default_rng(0).standard_normal((50000, 2))
    z = G.reparameterise([1.0, -1.0], [math.log(0.5), math.log(2.0)], eps)
    assert np.allclose(z.mean(0), [1.0, -1.0], atol=0.03) and np.allclose(z.std(0), [0.5, 2.0], atol=0.03)
    mu, ls, e, w = RNG.normal(size=3), RNG.normal(0, 0.4, 3), RNG.normal(size=3), RNG.normal(size=3)
    d_mu, d_ls = G.reparameterise_grad(mu, ls, e, w)            # J = w · z
    J = lambda m, s: float(np.dot(w, G.reparameterise(m, s, e)))
    assert relative_error(d_mu, numerical_gradient(lambda m: J(m, ls), mu)) < 1e-7
    assert relative_error(d_ls, numerical_gradient(lambda s: J(mu, s), ls)) < 1e-7


# ------------------------------------------------------------------ 4. decoders' NLL
def test_bernoulli_nll_is_the_bernoulli_log_likelihood_summed_over_pixels():
    x = (RNG.random((5, 8)) < 0.4).astype(float)
    p = RNG.uniform(0.05, 0.95, (5, 8))
    ref = -stats.bernoulli.logpmf(x, p).sum(axis=1)
    assert np.allclose(G.bernoulli_nll(x, p, reduction="none"), ref)
    assert math.isclose(G.bernoulli_nll(x, p), ref.mean())


def test_gaussian_decoder_nll_is_the_scaled_squared_error_plus_a_constant():
    x, xh = RNG.random((4, 6)), RNG.random((4, 6))
    for s in (0.1, 0.5, 1.0):
        ref = -stats.norm.logpdf(x, xh, s).sum(axis=1)
        assert np.allclose(G.gaussian_decoder_nll(x, xh, s, reduction="none"), ref)
        sse = np.sum((x - xh) ** 2, axis=1)
        assert np.allclose(ref, sse / (2 * s * s) + 3 * math.log(2 * math.pi * s * s))


# ------------------------------------------------------------------ autoencoders
def _fd_all(model, x, eps):
    _, grads = model.gradients(x, eps)
    for k, g in grads.items():
        original = model.params[k]

        def f(theta, k=k):
            model.params[k] = theta
            return model.loss(x, eps)

        num = numerical_gradient(f, original)
        model.params[k] = original
        assert relative_error(g, num) < 1e-6, k
    return grads


@pytest.mark.parametrize("decoder", ["bernoulli", "gaussian"])
def test_autoencoder_gradients_match_finite_differences(images, decoder):
    ae = G.Autoencoder(64, 5, 3, decoder=decoder, rng=0)
    x = images[:4]
    grads = _fd_all(ae, x, None)
    assert set(grads) == set(ae.params)
    assert max(G.gradient_errors(ae, x).values()) < 1e-6


def test_autoencoder_losses_are_the_decoders_nll(images):
    x = images[:10]
    bern = G.Autoencoder(64, 8, 2, rng=0)
    r = bern.reconstruct(x)
    assert math.isclose(bern.loss(x), np.mean(-np.sum(x * np.log(r) + (1 - x) * np.log(1 - r), 1)))
    gauss = G.Autoencoder(64, 8, 2, decoder="gaussian", rng=0)
    r2 = gauss.reconstruct(x)
    assert math.isclose(gauss.loss(x), np.mean(np.sum((x - r2) ** 2, 1)))


@pytest.mark.parametrize("beta", [1.0, 0.3])
def test_vae_gradients_match_finite_differences(images, beta):
    vae = G.VAE(64, 6, 2, beta=beta, rng=0)
    x = images[:3]
    eps = vae.noise(3, 7)
    _fd_all(vae, x, eps)
    assert max(G.gradient_errors(vae, x, eps).values()) < 1e-6


def test_vae_terms_recomputed_by_hand(images):
    vae = G.VAE(64, 10, 2, rng=1)
    x = images[:8]
    eps = vae.noise(8, 3)
    rec, kl = vae.terms(x, eps)
    mu, ls = vae.encode(x)
    z = mu + np.exp(ls) * eps
    p = vae.decode(z)
    by_hand_rec = -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    by_hand_kl = [sum(_kl_quadrature(mu[i, j], math.exp(ls[i, j]), 0, 1) for j in range(2))
                  for i in range(8)]
    assert np.allclose(rec, by_hand_rec) and np.allclose(kl, by_hand_kl, rtol=1e-6)
    assert math.isclose(vae.loss(x, eps), np.mean(by_hand_rec + np.array(by_hand_kl)), rel_tol=1e-6)
    e = vae.elbo(x, rng=4, n_samples=3)
    assert math.isclose(e.elbo, e.reconstruction - e.kl) and math.isclose(e.kl, np.mean(kl))


def test_training_is_deterministic_and_improves_the_elbo(images):
    x = images[:300]
    runs = []
    for _ in range(2):
        vae = G.VAE(64, 16, 2, rng=0)
        before = vae.elbo(x, rng=0, n_samples=2).elbo
        losses = G.fit_autoencoder(vae, x, epochs=8, batch_size=50, lr=0.01, rng=0)
        runs.append((losses, vae.elbo(x, rng=0, n_samples=2).elbo, vae.sample(4, rng=0)))
    assert runs[0][0] == runs[1][0] and np.array_equal(runs[0][2], runs[1][2])
    assert runs[0][1] > before and runs[0][0][-1] < runs[0][0][0]
    s = runs[0][2]
    assert s.shape == (4, 64) and np.all((s > 0) & (s < 1))
    ae = G.Autoencoder(64, 16, 4, rng=0)
    losses = G.fit_autoencoder(ae, x, epochs=5, rng=0)
    assert losses[-1] < losses[0]


def test_latent_grid_rows_run_top_to_bottom():
    g = G.latent_grid(3, 2.0)
    assert g.shape == (9, 2) and g[0].tolist() == [-2.0, 2.0] and g[-1].tolist() == [2.0, -2.0]


def test_neighbour_accuracy_matches_a_brute_force_loop():
    z = RNG.normal(size=(40, 2))
    lab = RNG.integers(0, 3, 40)
    z[lab == 1] += 1.5
    hits = 0
    for i in range(40):
        dist = sorted((float(np.sum((z[i] - z[j]) ** 2)), j) for j in range(40) if j != i)
        votes = np.bincount([lab[j] for _, j in dist[:5]], minlength=3)
        hits += int(np.argmax(votes) == lab[i])
    assert math.isclose(G.neighbour_accuracy(z, lab, k=5), hits / 40)


# ------------------------------------------------------------------ clear errors
@pytest.mark.parametrize("call, exc, words", [
    (lambda: G.gaussian_nll([1, 2], [1, 2, 3], 0.0), ValueError, "broadcast"),
    (lambda: G.gaussian_nll("a", 0, 0), TypeError, "t must"),
    (lambda: G.gaussian_nll(1, 0, 0, reduction="avg"), ValueError, "reduction"),
    (lambda: G.sample_gaussian(0.0, -1.0), ValueError, "log standard deviations"),
    (lambda: G.monte_carlo_kl(np.zeros((2, 2)), np.zeros((2, 2))), ValueError, "one Gaussian"),
    (lambda: G.Autoencoder(decoder="poisson"), ValueError, "decoder"),
    (lambda: G.VAE(4, 3, 2, rng=0).loss(np.zeros((2, 4)), np.zeros((3, 2))), ValueError, "eps"),
    (lambda: G.VAE(4, 3, 2, rng=0).encode(np.full((1, 4), 2.0)), ValueError, "x"),
    (lambda: G.fit_autoencoder("model", np.zeros((2, 4))), TypeError, "Autoencoder"),
    (lambda: G.fit_regression(G.GaussianRegressionNet(), [[1.0]], [1.0], lr=0), ValueError, "lr"),
])
def test_bad_input_gets_a_clear_error(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
