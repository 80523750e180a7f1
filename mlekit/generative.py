r"""Lesson 12's math: a network's output is the parameter of a distribution, up to the VAE.

Four pieces, all in numpy and deterministic given ``rng``:

- **Regression with a learned noise.** :func:`gaussian_nll` is the Gaussian
  NLL with a learned standard deviation, parameterised by :math:`\mu` and
  :math:`\log\sigma` (so :math:`\sigma > 0` without constraints), with its
  gradient :func:`gaussian_nll_grad`. :class:`GaussianRegressionNet` is
  :class:`mlekit.nn.TwoLayerNet` with two output heads, :math:`\mu(x)` and
  :math:`\log\sigma(x)`, trained by :func:`fit_regression` with a step rule
  of :mod:`mlekit.step_rules` (Adam); with ``loss="mse"`` only :math:`\mu` is
  trained and :math:`\sigma` is the constant :func:`constant_sigma` that MSE
  implicitly assumes. :func:`heteroscedastic_data` makes data whose noise
  grows with x.
- **Sampling from the three heads** (Gaussian, Bernoulli, Categorical):
  :func:`sample_gaussian`, :func:`sample_bernoulli`, :func:`sample_categorical`.
- **KL between diagonal Gaussians** in closed form (:func:`gaussian_kl`,
  :func:`kl_standard_normal` and its gradient), a Monte-Carlo estimate
  (:func:`monte_carlo_kl`), and the reparameterisation
  :math:`z = \mu + \sigma\varepsilon` (:func:`reparameterise`,
  :func:`reparameterise_grad`).
- **Autoencoders.** :class:`Autoencoder` (encoder → code → decoder, sigmoid
  output; Bernoulli decoder = BCE, Gaussian decoder = squared error) and
  :class:`VAE` (2-D latent, ELBO = E_q[log p(x|z)] − KL), both built from two
  :class:`~mlekit.nn.TwoLayerNet` and trained by :func:`fit_autoencoder`;
  :func:`gradient_errors` compares their backward pass with central finite
  differences.

Examples
--------
>>> import numpy as np
>>> round(float(gaussian_nll(1.0, 0.0, 0.0)), 4)          # 0.5 log 2π + 1/2
1.4189
>>> round(float(kl_standard_normal([0.0, 1.0], [0.0, 0.0])), 4)   # μ = (0, 1), σ = 1
0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _math
from . import _validation as V
from ._math import scalar_or_array
from .gradcheck import numerical_gradient, relative_error
from .nn import ACTIVATIONS, TwoLayerNet
from .optim import minibatches
from .step_rules import make_rule
from .training import sample_labels

__all__ = [
    "LOG_2PI", "gaussian_nll", "gaussian_nll_grad", "constant_sigma", "heteroscedastic_data",
    "GaussianRegressionNet", "fit_regression",
    "sample_gaussian", "sample_bernoulli", "sample_categorical",
    "gaussian_log_density", "gaussian_kl", "kl_standard_normal", "kl_standard_normal_grad",
    "monte_carlo_kl", "reparameterise", "reparameterise_grad",
    "bernoulli_nll", "gaussian_decoder_nll", "Autoencoder", "VAE", "Elbo", "fit_autoencoder",
    "gradient_errors", "latent_grid", "neighbour_accuracy",
]

#: :math:`\log 2\pi`, the constant of every Gaussian log density
LOG_2PI = math.log(2.0 * math.pi)


def _reduce(per, reduction):
    if reduction == "none":
        return scalar_or_array(per)
    out = np.sum(per) if reduction == "sum" else np.mean(per)
    return float(out)


def _broadcast(*named):
    arrays = [V.as_float_array(v, n) for n, v in named]
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for (n, _), a in zip(named, arrays))
        V.fail("the arguments", "have shapes that broadcast together", shapes,
               "Pass arrays of the same shape (or scalars).")


# ------------------------------------------------------------------ 1. learned noise
def gaussian_nll(t, mu, log_sigma, reduction="mean"):
    r"""The NLL of targets *t* under :math:`\mathcal N(\mu, \sigma^2)` with :math:`\sigma = e^{\log\sigma}`.

    Parameters
    ----------
    t, mu, log_sigma : array_like
        Targets, means and log standard deviations; they broadcast together.
    reduction : {"mean", "sum", "none"}
        Average or add the per-sample NLLs, or return them.

    Notes
    -----
    .. math:: -\log \mathcal N(t \mid \mu, \sigma^2)
              = \tfrac12 \log 2\pi + \log\sigma + \frac{(t - \mu)^2}{2\sigma^2}

    With :math:`\sigma` fixed this is the squared error up to a scale and a
    constant; learning :math:`\log\sigma` lets the model say *how sure* it is:
    a large error costs less where :math:`\sigma` is large, and
    :math:`\log\sigma` charges for every unit of doubt.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> bool(np.isclose(gaussian_nll(2.0, 1.0, np.log(0.5)), -norm.logpdf(2.0, 1.0, 0.5)))
    True
    >>> gaussian_nll([0.0, 1.0], 0.0, 0.0, reduction="none").round(4)
    array([0.9189, 1.4189])
    """
    V.check_reduction(reduction, allow_none=True)
    t, mu, ls = _broadcast(("t", t), ("mu", mu), ("log_sigma", log_sigma))
    per = 0.5 * LOG_2PI + ls + 0.5 * ((t - mu) * np.exp(-ls)) ** 2
    return _reduce(per, reduction)


def gaussian_nll_grad(t, mu, log_sigma, reduction="mean"):
    r"""Gradient of :func:`gaussian_nll` with respect to :math:`\mu` and :math:`\log\sigma`.

    Notes
    -----
    With :math:`r = t - \mu`, per sample

    .. math:: \frac{\partial\,\mathrm{NLL}}{\partial \mu} = -\frac{r}{\sigma^2}, \qquad
              \frac{\partial\,\mathrm{NLL}}{\partial \log\sigma} = 1 - \frac{r^2}{\sigma^2},

    divided by N for ``reduction="mean"``. The second is zero exactly when
    :math:`\sigma = |r|`: the learned noise matches the size of the errors.

    Returns
    -------
    (d_mu, d_log_sigma) : ndarray
        Each of the broadcast shape of the inputs.

    Examples
    --------
    >>> d_mu, d_ls = gaussian_nll_grad([3.0], [1.0], [0.0], reduction="sum")
    >>> d_mu.tolist(), d_ls.tolist()
    ([-2.0], [-3.0])
    """
    V.check_reduction(reduction, allow_none=True)
    t, mu, ls = _broadcast(("t", t), ("mu", mu), ("log_sigma", log_sigma))
    inv_var = np.exp(-2.0 * ls)
    r = t - mu
    scale = 1.0 / r.size if reduction == "mean" else 1.0
    return scalar_or_array(-r * inv_var * scale), scalar_or_array((1.0 - r * r * inv_var) * scale)


def constant_sigma(residuals):
    r"""The maximum-likelihood constant :math:`\sigma` for residuals: :math:`\sqrt{\mathrm{MSE}}`.

    Minimising the MSE is maximising a Gaussian likelihood with one fixed
    :math:`\sigma` for every sample. Setting :math:`\partial\,\mathrm{NLL}/\partial\sigma = 0`
    for that constant gives :math:`\hat\sigma^2 = \frac1N\sum_i r_i^2`: the MSE *is*
    the implicit noise variance.

    Examples
    --------
    >>> constant_sigma([3.0, -3.0, 3.0, -3.0])
    3.0
    """
    r = V.as_float_array(residuals, "residuals")
    return float(np.sqrt(np.mean(r * r)))


def heteroscedastic_data(n=200, *, rng=0):
    r"""Regression data whose noise grows with x: :math:`t = \mu(x) + \sigma(x)\,\varepsilon`.

    :math:`x \sim U(0, 4)` (sorted), :math:`\mu(x) = \sin(1.5x) + 0.5x` and
    :math:`\sigma(x) = 0.05 + 0.2x`, :math:`\varepsilon \sim \mathcal N(0, 1)`.

    Returns
    -------
    x, t, mu, sigma : ndarray, shape (n,)
        Inputs, targets and the true mean and standard deviation at each x.

    Examples
    --------
    >>> x, t, mu, sigma = heteroscedastic_data(5)
    >>> x.shape, bool(np.all(np.diff(x) > 0)), float(sigma.min()) > 0.05
    ((5,), True, True)
    """
    n = V.check_int(n, "n", minimum=2)
    gen = V.check_rng(rng)
    x = np.sort(gen.uniform(0.0, 4.0, n))
    mu = np.sin(1.5 * x) + 0.5 * x
    sigma = 0.05 + 0.2 * x
    return x, mu + sigma * gen.standard_normal(n), mu, sigma


class GaussianRegressionNet(TwoLayerNet):
    r""":class:`mlekit.nn.TwoLayerNet` with two heads: :math:`\mu(x)` and :math:`\log\sigma(x)`.

    The output layer has two units, :math:`z^2 = (\mu, \log\sigma)`, read as
    the parameters of the predictive distribution :math:`\mathcal N(\mu(x), \sigma(x)^2)`.

    Parameters
    ----------
    n_in, n_hidden : int
        Inputs and hidden units (tanh by default, so the fit is smooth).
    loss : {"gaussian", "mse"}
        ``"gaussian"``: minimise :func:`gaussian_nll` with the learned σ.
        ``"mse"``: minimise :math:`\frac1N\sum (t - \mu)^2`; the σ head gets no
        gradient and :meth:`predict` uses the constant ``sigma_``
        (:func:`constant_sigma` of the training residuals, set by :func:`fit_regression`).
    rng : None, int or Generator

    Examples
    --------
    >>> net = GaussianRegressionNet(1, 4, rng=0)
    >>> y, cache = net.forward(np.array([[0.5], [1.0]]))
    >>> y.shape, sorted(net.backward(cache, [1.0, 2.0]))
    ((2, 2), ['W1', 'W2', 'b1', 'b2'])
    """

    def __init__(self, n_in=1, n_hidden=16, *, loss="gaussian", hidden="tanh", rng=None):
        super().__init__(n_in, n_hidden, 2, hidden=hidden, output="identity", rng=rng)
        self.loss_name = V.check_choice(loss, "loss", ("gaussian", "mse"),
                                        'Use loss="gaussian" (learned σ) or "mse" (fixed σ).')
        self.sigma_ = 1.0

    def __repr__(self):
        return (f"GaussianRegressionNet(n_in={self.n_in}, n_hidden={self.n_hidden}, "
                f"loss={self.loss_name!r}, hidden={self.hidden!r})")

    def _t(self, t, n):
        arr = V.as_float_array(t, "t")
        if arr.shape == (n, 1):
            arr = arr[:, 0]
        if arr.shape != (n,):
            V.fail("t", f"hold one target per sample, shape ({n},)", f"shape {arr.shape}",
                   "Pass the targets as a 1-D array.")
        return arr

    def predict(self, x):
        """``(mu, sigma)``, each of shape (n,): the predictive distribution at every input."""
        z2 = self.forward(x)[0]
        sigma = np.exp(z2[:, 1]) if self.loss_name == "gaussian" else np.full(len(z2), self.sigma_)
        return z2[:, 0], sigma

    def loss(self, x, t):
        """The training loss: the mean Gaussian NLL (learned σ) or the MSE of μ."""
        z2 = self.forward(x)[0]
        t = self._t(t, z2.shape[0])
        if self.loss_name == "mse":
            return float(np.mean((t - z2[:, 0]) ** 2))
        return gaussian_nll(t, z2[:, 0], z2[:, 1])

    def error_signals(self, cache, t):
        """δ² = (∂J/∂μ, ∂J/∂log σ) per sample, then δ¹ back through W² and h′."""
        z2 = cache["z2"]
        t = self._t(t, z2.shape[0])
        if self.loss_name == "mse":
            delta2 = np.column_stack([-2.0 * (t - z2[:, 0]) / t.size, np.zeros(t.size)])
        else:
            delta2 = np.column_stack(gaussian_nll_grad(t, z2[:, 0], z2[:, 1]))
        delta1 = (delta2 @ self.params["W2"].T) * np.asarray(ACTIVATIONS[self.hidden][1](cache["z1"]))
        return {"delta2": delta2, "delta1": delta1}


def fit_regression(net, x, t, *, method="adam", lr=0.01, epochs=1500, batch_size=None, rng=None,
                   callback=None, **hyper):
    """Train a :class:`GaussianRegressionNet` with a step rule; return the loss per epoch.

    *batch_size* ``None`` uses the whole data set per step (full-batch). For
    ``loss="mse"`` it sets ``net.sigma_`` to :func:`constant_sigma` of the
    training residuals at the end. ``callback(epoch, loss)`` runs after every epoch.

    Examples
    --------
    >>> x, t, _, _ = heteroscedastic_data(60, rng=1)
    >>> net = GaussianRegressionNet(1, 8, rng=0)
    >>> losses = fit_regression(net, x[:, None], t, epochs=200, rng=0)
    >>> len(losses), losses[-1] < losses[0]
    (201, True)
    """
    if not isinstance(net, GaussianRegressionNet):
        V.fail("net", "be a GaussianRegressionNet", V.describe(net),
               "Build it with GaussianRegressionNet(1, 16).", TypeError)
    x = net._x(x)
    t = net._t(t, x.shape[0])
    epochs = V.check_int(epochs, "epochs", minimum=1)
    batch = x.shape[0] if batch_size is None else min(V.check_int(batch_size, "batch_size",
                                                                  minimum=1), x.shape[0])
    rule = make_rule(method, **hyper)
    lr = _positive_lr(lr)
    gen = V.check_rng(rng)
    states = {k: rule.init(p) for k, p in net.params.items()}
    losses = [net.loss(x, t)]
    for epoch in range(1, epochs + 1):
        for xb, tb in minibatches(x, t, batch_size=batch, shuffle=batch < x.shape[0], rng=gen):
            _, cache = net.forward(xb)
            for k, g in net.backward(cache, tb).items():
                net.params[k], states[k] = rule.step(net.params[k], g, states[k], lr)
        losses.append(net.loss(x, t))
        if callback is not None:
            callback(epoch, losses[-1])
    if net.loss_name == "mse":
        net.sigma_ = constant_sigma(t - net.forward(x)[0][:, 0])
    return losses


def _positive_lr(lr):
    lr = V.as_float(lr, "lr")
    if not lr > 0:
        V.fail("lr", "be > 0", f"{lr:g}", "Use a small positive learning rate such as 0.01.")
    return lr


# ------------------------------------------------------------------ 2. sampling the heads
def _shape(base, size):
    return base if size is None else (*base, V.check_int(size, "size", minimum=1))


def sample_gaussian(mu, sigma, rng=None, size=None):
    r"""Draw from :math:`\mathcal N(\mu, \sigma^2)` per entry (``size`` draws per entry if given).

    Examples
    --------
    >>> sample_gaussian([0.0, 10.0], [1.0, 0.0], rng=0).round(3).tolist()
    [0.126, 10.0]
    >>> sample_gaussian(0.0, 1.0, rng=0, size=4).shape
    (4,)
    """
    mu, sigma = _broadcast(("mu", mu), ("sigma", sigma))
    if np.any(sigma < 0):
        V.fail("sigma", "be >= 0", V.describe(sigma.min()), "Pass standard deviations, not "
               "log standard deviations (use np.exp(log_sigma)).")
    gen = V.check_rng(rng)
    shape = _shape(mu.shape, size)
    eps = gen.standard_normal(shape)
    if size is not None:
        mu, sigma = mu[..., None], sigma[..., None]
    return scalar_or_array(mu + sigma * eps)


def sample_bernoulli(p, rng=None, size=None):
    """Draw 0/1 from a Bernoulli(p) per entry (``size`` draws per entry if given).

    Examples
    --------
    >>> sample_bernoulli([0.0, 1.0, 0.5], rng=0).tolist()
    [0, 1, 1]
    """
    p = V.check_probability(p, "p")
    gen = V.check_rng(rng)
    u = gen.random(_shape(p.shape, size))
    out = (u < (p if size is None else p[..., None])).astype(np.intp)
    return out[()] if out.ndim == 0 else out


def sample_categorical(probs, rng=None, size=None):
    """Draw a class from each row of *probs* (:func:`mlekit.training.sample_labels`).

    Examples
    --------
    >>> sample_categorical([[0.0, 0.0, 1.0]], rng=0, size=3).tolist()
    [[2, 2, 2]]
    """
    return sample_labels(probs, rng=rng, size=size)


# ------------------------------------------------------------------ 3. KL between Gaussians
def gaussian_log_density(z, mu, log_sigma):
    r"""Log density of a diagonal Gaussian, summed over the last axis.

    .. math:: \log \mathcal N(z \mid \mu, \mathrm{diag}\,\sigma^2)
              = -\sum_j \Big[\tfrac12\log 2\pi + \log\sigma_j + \frac{(z_j - \mu_j)^2}{2\sigma_j^2}\Big]

    Scalars are a 1-D Gaussian.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> bool(np.isclose(gaussian_log_density([0.5, 1.0], [0.0, 0.0], [0.0, np.log(2.0)]),
    ...                 norm.logpdf(0.5) + norm.logpdf(1.0, 0.0, 2.0)))
    True
    """
    per = -gaussian_nll(z, mu, log_sigma, reduction="none")
    per = np.asarray(per)
    return scalar_or_array(per.sum(axis=-1)) if per.ndim else float(per)


def gaussian_kl(mu_q, log_sigma_q, mu_p=0.0, log_sigma_p=0.0):
    r"""KL(q ‖ p) between diagonal Gaussians, in nats, summed over the last axis.

    Parameters
    ----------
    mu_q, log_sigma_q : array_like
        Mean and log standard deviation of q; shape (d,) for one distribution,
        (n, d) for n of them; scalars are 1-D Gaussians.
    mu_p, log_sigma_p : array_like
        The same for p (default the standard normal).

    Notes
    -----
    Per dimension,

    .. math:: D_{KL}(q \,\|\, p) = \log\frac{\sigma_p}{\sigma_q}
              + \frac{\sigma_q^2 + (\mu_q - \mu_p)^2}{2\sigma_p^2} - \frac12,

    and the dimensions add up (they are independent). It is 0 exactly when
    q = p, and never negative.

    Examples
    --------
    >>> round(float(gaussian_kl(1.0, 0.0)), 6)                 # N(1, 1) vs N(0, 1): μ²/2
    0.5
    >>> gaussian_kl([[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]).tolist()
    [0.0, 1.0]
    """
    mq, lq, mp, lp = _broadcast(("mu_q", mu_q), ("log_sigma_q", log_sigma_q),
                                ("mu_p", mu_p), ("log_sigma_p", log_sigma_p))
    per = lp - lq + 0.5 * (np.exp(2.0 * (lq - lp)) + ((mq - mp) * np.exp(-lp)) ** 2) - 0.5
    return scalar_or_array(per.sum(axis=-1)) if per.ndim else float(per)


def kl_standard_normal(mu, log_sigma):
    r""":math:`D_{KL}(\mathcal N(\mu, \mathrm{diag}\,\sigma^2) \,\|\, \mathcal N(0, I))`, summed over the last axis.

    .. math:: \frac12\sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - 2\log\sigma_j\big)

    The KL term of the VAE, with the prior p(z) = N(0, I).

    Examples
    --------
    >>> round(float(kl_standard_normal(0.0, np.log(2.0))), 4)   # (4 - 1 - 2 log 2) / 2
    0.8069
    """
    return gaussian_kl(mu, log_sigma, 0.0, 0.0)


def kl_standard_normal_grad(mu, log_sigma):
    r"""Gradient of :func:`kl_standard_normal`: :math:`(\mu, \sigma^2 - 1)` per entry.

    Examples
    --------
    >>> d_mu, d_ls = kl_standard_normal_grad([0.5], [0.0])
    >>> d_mu.tolist(), d_ls.tolist()
    ([0.5], [0.0])
    """
    mu, ls = _broadcast(("mu", mu), ("log_sigma", log_sigma))
    return scalar_or_array(mu.copy()), scalar_or_array(np.exp(2.0 * ls) - 1.0)


def monte_carlo_kl(mu_q, log_sigma_q, mu_p=0.0, log_sigma_p=0.0, n_samples=10_000, rng=None):
    r"""A Monte-Carlo estimate of KL(q ‖ p) and its standard error.

    Draws :math:`z_s \sim q` and averages :math:`\log q(z_s) - \log p(z_s)`,
    the definition :math:`D_{KL} = \mathbb E_q[\log q - \log p]` with the
    expectation replaced by a sample mean (lesson 08). The error shrinks like
    :math:`1/\sqrt{S}`.

    Parameters
    ----------
    mu_q, log_sigma_q, mu_p, log_sigma_p : array_like
        One diagonal Gaussian each, shape (d,) or scalars.

    Returns
    -------
    (estimate, standard_error) : float

    Examples
    --------
    >>> est, se = monte_carlo_kl([1.0, 0.0], [0.0, np.log(0.5)], rng=0)
    >>> exact = float(gaussian_kl([1.0, 0.0], [0.0, np.log(0.5)]))
    >>> abs(est - exact) < 4 * se
    True
    """
    mq, lq, mp, lp = _broadcast(("mu_q", mu_q), ("log_sigma_q", log_sigma_q),
                                ("mu_p", mu_p), ("log_sigma_p", log_sigma_p))
    if mq.ndim > 1:
        V.fail("mu_q", "describe one Gaussian (a scalar or shape (d,))", f"shape {mq.shape}",
               "Estimate the KL of each distribution on its own.")
    n = V.check_int(n_samples, "n_samples", minimum=2)
    gen = V.check_rng(rng)
    z = mq + np.exp(lq) * gen.standard_normal((n, *mq.shape))
    log_ratio = np.asarray(gaussian_log_density(z[..., None] if mq.ndim == 0 else z, mq, lq)) \
        - np.asarray(gaussian_log_density(z[..., None] if mq.ndim == 0 else z, mp, lp))
    return float(log_ratio.mean()), float(log_ratio.std(ddof=1) / math.sqrt(n))


def reparameterise(mu, log_sigma, eps):
    r"""The reparameterised sample :math:`z = \mu + \sigma \odot \varepsilon`, :math:`\sigma = e^{\log\sigma}`.

    With :math:`\varepsilon \sim \mathcal N(0, I)` drawn *outside* the model, z
    has the distribution :math:`\mathcal N(\mu, \sigma^2)` and is a smooth
    function of :math:`\mu` and :math:`\log\sigma`, so gradients flow through it.

    Examples
    --------
    >>> reparameterise([1.0, 0.0], [0.0, np.log(2.0)], [0.5, -1.0]).tolist()
    [1.5, -2.0]
    """
    mu, ls, eps = _broadcast(("mu", mu), ("log_sigma", log_sigma), ("eps", eps))
    return scalar_or_array(mu + np.exp(ls) * eps)


def reparameterise_grad(mu, log_sigma, eps, grad_z):
    r"""Carry :math:`\partial J/\partial z` back to :math:`\mu` and :math:`\log\sigma`.

    .. math:: \frac{\partial J}{\partial \mu} = \frac{\partial J}{\partial z}, \qquad
              \frac{\partial J}{\partial \log\sigma} = \frac{\partial J}{\partial z} \odot \sigma \odot \varepsilon

    Examples
    --------
    >>> d_mu, d_ls = reparameterise_grad([1.0], [np.log(2.0)], [0.5], [3.0])
    >>> d_mu.tolist(), d_ls.tolist()
    ([3.0], [3.0])
    """
    mu, ls, eps, g = _broadcast(("mu", mu), ("log_sigma", log_sigma), ("eps", eps),
                                ("grad_z", grad_z))
    return scalar_or_array(g.copy()), scalar_or_array(g * np.exp(ls) * eps)


# ------------------------------------------------------------------ 4. autoencoders
def bernoulli_nll(x, p, reduction="mean"):
    r"""Per image: :math:`-\sum_j [x_j \log p_j + (1 - x_j)\log(1 - p_j)]`, the BCE summed over pixels.

    The NLL of the image under independent Bernoulli pixels (a Bernoulli
    decoder). *x*, *p* have shape (n, d) (or (d,) for one image).

    Examples
    --------
    >>> round(float(bernoulli_nll([[1.0, 0.0]], [[0.8, 0.4]])), 4)   # -(log 0.8 + log 0.6)
    0.7340
    """
    V.check_reduction(reduction, allow_none=True)
    x, p = V.check_probability(x, "x"), V.check_probability(p, "p")
    V.check_same_shape(p, x, "p", "x")
    per = -(_math.xlogy(x, p) + _math.xlogy(1.0 - x, 1.0 - p))
    per = np.asarray(per).sum(axis=-1)
    return _reduce(per, reduction)


def gaussian_decoder_nll(x, x_hat, sigma, reduction="mean"):
    r"""Per image: the NLL under independent Gaussian pixels :math:`\mathcal N(\hat x_j, \sigma^2)`.

    .. math:: \frac{\lVert x - \hat x\rVert^2}{2\sigma^2} + \frac{d}{2}\log(2\pi\sigma^2)

    The squared error, scaled, plus a constant: minimising the squared
    reconstruction error *is* maximising this likelihood, for any fixed σ.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> bool(np.isclose(gaussian_decoder_nll([[0.2, 0.9]], [[0.0, 1.0]], 0.5),
    ...                 -norm.logpdf([0.2, 0.9], [0.0, 1.0], 0.5).sum()))
    True
    """
    V.check_reduction(reduction, allow_none=True)
    sigma = float(V.check_positive(V.as_float(sigma, "sigma"), "sigma"))
    x, x_hat = V.as_float_array(x, "x"), V.as_float_array(x_hat, "x_hat")
    V.check_same_shape(x_hat, x, "x_hat", "x")
    per = np.asarray(gaussian_nll(x, x_hat, math.log(sigma), reduction="none"))
    return _reduce(per.sum(axis=-1), reduction)


def _backprop(net, cache, delta2):
    """(grads, dJ/dx) of a TwoLayerNet given δ² = ∂J/∂z² (any loss)."""
    delta1 = (delta2 @ net.params["W2"].T) * np.asarray(ACTIVATIONS[net.hidden][1](cache["z1"]))
    grads = {"W2": cache["a1"].T @ delta2, "b2": delta2.sum(axis=0),
             "W1": cache["x"].T @ delta1, "b1": delta1.sum(axis=0)}
    return grads, delta1 @ net.params["W1"].T


class _Coder:
    """Shared plumbing: an encoder and a decoder TwoLayerNet behind one flat ``params`` dict."""

    def _build(self, encoder, decoder):
        self.encoder, self.decoder = encoder, decoder
        self.params = {**{f"enc.{k}": v for k, v in encoder.params.items()},
                       **{f"dec.{k}": v for k, v in decoder.params.items()}}

    def _sync(self):
        self.encoder.params = {k[4:]: v for k, v in self.params.items() if k.startswith("enc.")}
        self.decoder.params = {k[4:]: v for k, v in self.params.items() if k.startswith("dec.")}

    def _images(self, x):
        x = V.as_float_array(x, "x", ndim=(1, 2))
        x = x[None, :] if x.ndim == 1 else x
        if x.shape[1] != self.n_in:
            V.fail("x", f"have {self.n_in} pixels per row", f"shape {x.shape}",
                   "Pass images as rows, e.g. mlekit.datasets.digits()[0].")
        return V.check_probability(x, "x")

    def decode(self, z):
        """Pixel intensities (the decoder's Bernoulli probabilities / Gaussian means) for codes *z*."""
        self._sync()
        z = V.as_float_array(z, "z", ndim=(1, 2))
        return self.decoder.forward(z[None, :] if z.ndim == 1 else z)[0]

    def noise(self, n, rng):
        """The ε a training step needs for *n* images (None: this model draws none)."""
        return None


class Autoencoder(_Coder):
    r"""An autoencoder: encoder :math:`x \to` code :math:`c` :math:`\to` decoder :math:`\hat x`.

    Encoder and decoder are :class:`mlekit.nn.TwoLayerNet` with tanh hidden
    layers; the decoder's sigmoid output :math:`\hat x \in (0, 1)^d` is the
    parameter of a distribution over images:

    - ``decoder="bernoulli"``: independent Bernoulli pixels; the loss is the
      BCE summed over pixels, :func:`bernoulli_nll`, exactly the decoder's NLL;
    - ``decoder="gaussian"``: independent Gaussian pixels with a fixed σ; the
      loss is the squared error :math:`\lVert x - \hat x\rVert^2` summed over
      pixels, :func:`gaussian_decoder_nll` up to a scale and a constant.

    The loss is averaged over the images of a batch.

    Examples
    --------
    >>> ae = Autoencoder(4, 3, 2, rng=0)
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> ae.encode(x).shape, ae.reconstruct(x).shape
    ((1, 2), (1, 4))
    >>> loss, grads = ae.gradients(x)
    >>> sorted(grads)[:2], bool(np.isclose(loss, ae.loss(x)))
    (['dec.W1', 'dec.W2'], True)
    """

    def __init__(self, n_in=64, n_hidden=32, n_code=2, *, decoder="bernoulli", rng=None):
        self.n_in = V.check_int(n_in, "n_in", minimum=1)
        self.n_code = V.check_int(n_code, "n_code", minimum=1)
        self.decoder_name = V.check_choice(decoder, "decoder", ("bernoulli", "gaussian"),
                                           'Use decoder="bernoulli" (BCE) or "gaussian" (MSE).')
        gen = V.check_rng(rng)
        self._build(TwoLayerNet(n_in, n_hidden, n_code, hidden="tanh", rng=gen),
                    TwoLayerNet(n_code, n_hidden, n_in, hidden="tanh", output="sigmoid",
                                loss="bce" if decoder == "bernoulli" else "mse", rng=gen))

    def __repr__(self):
        return (f"Autoencoder(n_in={self.n_in}, n_hidden={self.encoder.n_hidden}, "
                f"n_code={self.n_code}, decoder={self.decoder_name!r})")

    def encode(self, x):
        """The codes of images *x*, shape (n, n_code)."""
        self._sync()
        return self.encoder.forward(self._images(x))[0]

    def reconstruct(self, x):
        """Decode the codes of *x*: the decoder's pixel intensities."""
        return self.decode(self.encode(x))

    def _per_image(self, x, dec_cache):
        if self.decoder_name == "bernoulli":
            z2 = dec_cache["z2"]
            return np.sum(_math.softplus(z2) - x * z2, axis=1)
        return np.sum((x - dec_cache["y"]) ** 2, axis=1)

    def loss(self, x, eps=None):
        """The mean reconstruction loss per image (BCE summed over pixels, or squared error)."""
        x = self._images(x)
        self._sync()
        code = self.encoder.forward(x)[0]
        return float(np.mean(self._per_image(x, self.decoder.forward(code)[1])))

    def gradients(self, x, eps=None):
        """``(loss, grads)``: :meth:`loss` and its gradient for every entry of ``params``."""
        x = self._images(x)
        self._sync()
        code, enc_cache = self.encoder.forward(x)
        _, dec_cache = self.decoder.forward(code)
        loss = float(np.mean(self._per_image(x, dec_cache)))
        delta2 = self.decoder.error_signals(dec_cache, x)["delta2"]   # (y - x)/N or MSE's
        dec_grads, g_code = _backprop(self.decoder, dec_cache, delta2)
        enc_grads, _ = _backprop(self.encoder, enc_cache, g_code)
        return loss, {**{f"enc.{k}": g for k, g in enc_grads.items()},
                      **{f"dec.{k}": g for k, g in dec_grads.items()}}


@dataclass(frozen=True)
class Elbo:
    r"""The ELBO per image (nats) and its two terms: ``elbo = reconstruction - kl``.

    ``reconstruction`` is the Monte-Carlo estimate of :math:`\mathbb E_q[\log p(x \mid z)]`
    (negative: a log-likelihood), ``kl`` the closed-form :math:`D_{KL}(q(z\mid x) \,\|\, p(z))`.
    """

    elbo: float
    reconstruction: float
    kl: float


class VAE(_Coder):
    r"""A variational autoencoder with a Gaussian encoder and a Bernoulli decoder.

    The encoder maps an image to :math:`q(z \mid x) = \mathcal N(\mu(x), \mathrm{diag}\,\sigma(x)^2)`
    (its output layer holds :math:`\mu` and :math:`\log\sigma`); the decoder
    maps a latent :math:`z` to pixel probabilities; the prior is
    :math:`p(z) = \mathcal N(0, I)`. Training maximises the ELBO

    .. math:: \mathcal L(x) = \mathbb E_{q(z \mid x)}[\log p(x \mid z)]
              - D_{KL}(q(z \mid x) \,\|\, p(z)) \le \log p(x),

    with one reparameterised sample :math:`z = \mu + \sigma\varepsilon` per
    image; :meth:`loss` is the negative ELBO (with the KL weighted by
    ``beta``), averaged over the batch.

    Examples
    --------
    >>> vae = VAE(4, 3, 2, rng=0)
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> eps = vae.noise(1, 0)
    >>> mu, log_sigma = vae.encode(x)
    >>> mu.shape, vae.decode(reparameterise(mu, log_sigma, eps)).shape
    ((1, 2), (1, 4))
    >>> rec, kl = vae.terms(x, eps)
    >>> bool(np.isclose(vae.loss(x, eps), rec[0] + kl[0]))
    True
    """

    def __init__(self, n_in=64, n_hidden=64, n_latent=2, *, beta=1.0, rng=None):
        self.n_in = V.check_int(n_in, "n_in", minimum=1)
        self.n_latent = V.check_int(n_latent, "n_latent", minimum=1)
        self.beta = float(V.as_float(beta, "beta"))
        if self.beta < 0:
            V.fail("beta", "be >= 0", f"{self.beta:g}", "Use beta=1 for the ELBO.")
        gen = V.check_rng(rng)
        enc = TwoLayerNet(n_in, n_hidden, 2 * n_latent, hidden="tanh", rng=gen)
        enc.params["W2"] *= 0.1            # start near q = N(0, I): small μ, log σ ≈ 0
        self._build(enc, TwoLayerNet(n_latent, n_hidden, n_in, hidden="tanh", output="sigmoid",
                                     rng=gen))

    def __repr__(self):
        return (f"VAE(n_in={self.n_in}, n_hidden={self.encoder.n_hidden}, "
                f"n_latent={self.n_latent}, beta={self.beta:g})")

    def noise(self, n, rng):
        """ε ~ N(0, I) of shape (n, n_latent), from *rng*."""
        return V.check_rng(rng).standard_normal((V.check_int(n, "n", minimum=1), self.n_latent))

    def encode(self, x):
        """``(mu, log_sigma)`` of q(z | x), each of shape (n, n_latent)."""
        self._sync()
        out = self.encoder.forward(self._images(x))[0]
        return out[:, :self.n_latent], out[:, self.n_latent:]

    def _eps(self, eps, n):
        eps = V.as_float_array(eps, "eps", ndim=2)
        if eps.shape != (n, self.n_latent):
            V.fail("eps", f"have shape ({n}, {self.n_latent}), one ε per image",
                   f"shape {eps.shape}", "Draw it with vae.noise(len(x), rng).")
        return eps

    def _forward(self, x, eps):
        x = self._images(x)
        eps = self._eps(eps, x.shape[0])
        self._sync()
        out, enc_cache = self.encoder.forward(x)
        mu, ls = out[:, :self.n_latent], out[:, self.n_latent:]
        z = mu + np.exp(ls) * eps
        _, dec_cache = self.decoder.forward(z)
        z2 = dec_cache["z2"]
        rec = np.sum(_math.softplus(z2) - x * z2, axis=1)       # -log p(x | z), nats per image
        kl = np.asarray(kl_standard_normal(mu, ls)).reshape(-1)
        return x, eps, mu, ls, enc_cache, dec_cache, rec, kl

    def terms(self, x, eps):
        r"""Per image: :math:`-\log p(x \mid z)` at :math:`z = \mu + \sigma\varepsilon`, and the KL."""
        rec, kl = self._forward(x, eps)[-2:]
        return rec, kl

    def loss(self, x, eps):
        """The negative ELBO (KL weighted by ``beta``), averaged over the images."""
        rec, kl = self.terms(x, eps)
        return float(np.mean(rec + self.beta * kl))

    def gradients(self, x, eps):
        """``(loss, grads)`` of :meth:`loss` for every entry of ``params``, by backpropagation.

        Through the decoder (δ² = (p − x)/N), back to z, through the
        reparameterisation (:func:`reparameterise_grad`) to μ and log σ, where
        the KL adds :func:`kl_standard_normal_grad` / N, then through the encoder.
        """
        x, eps, mu, ls, enc_cache, dec_cache, rec, kl = self._forward(x, eps)
        n = x.shape[0]
        dec_grads, g_z = _backprop(self.decoder, dec_cache, (dec_cache["y"] - x) / n)
        d_mu, d_ls = reparameterise_grad(mu, ls, eps, g_z)
        k_mu, k_ls = kl_standard_normal_grad(mu, ls)
        delta2 = np.column_stack([d_mu + self.beta * k_mu / n, d_ls + self.beta * k_ls / n])
        enc_grads, _ = _backprop(self.encoder, enc_cache, delta2)
        return float(np.mean(rec + self.beta * kl)), {
            **{f"enc.{k}": g for k, g in enc_grads.items()},
            **{f"dec.{k}": g for k, g in dec_grads.items()}}

    def elbo(self, x, rng=None, n_samples=1):
        """The ELBO per image averaged over *x*, with *n_samples* draws of ε per image.

        Returns an :class:`Elbo` (nats per image): ``reconstruction`` estimates
        E_q[log p(x | z)], ``kl`` is exact, ``elbo = reconstruction - kl``.
        """
        x = self._images(x)
        gen = V.check_rng(rng)
        n_samples = V.check_int(n_samples, "n_samples", minimum=1)
        recs = []
        kl = None
        for _ in range(n_samples):
            rec, kl = self.terms(x, self.noise(x.shape[0], gen))
            recs.append(rec)
        reconstruction = -float(np.mean(recs))
        kl = float(np.mean(kl))
        return Elbo(reconstruction - kl, reconstruction, kl)

    def sample(self, n, rng=None):
        """*n* new images: pixel probabilities decoded from z ~ p(z) = N(0, I)."""
        return self.decode(V.check_rng(rng).standard_normal((V.check_int(n, "n", minimum=1),
                                                             self.n_latent)))


def fit_autoencoder(model, x, *, epochs=20, batch_size=64, lr=0.005, method="adam", rng=None,
                    callback=None, **hyper):
    """Train an :class:`Autoencoder` or :class:`VAE` by minibatch descent; return the loss per epoch.

    Each epoch shuffles *x* (with *rng*), and for a VAE draws a fresh ε per
    image from the same *rng*. The returned list holds the mean training loss
    of each epoch's minibatches (index 0: epoch 1). ``callback(epoch, loss)``
    runs after every epoch (e.g. to print progress).

    Examples
    --------
    >>> from mlekit.datasets import digits
    >>> images = digits()[0][:200]
    >>> ae = Autoencoder(64, 16, 2, rng=0)
    >>> losses = fit_autoencoder(ae, images, epochs=5, rng=0)
    >>> len(losses), losses[-1] < losses[0]
    (5, True)
    """
    if not isinstance(model, _Coder):
        V.fail("model", "be an Autoencoder or a VAE", V.describe(model),
               "Build it with Autoencoder(64, 32, 2) or VAE(64, 64, 2).", TypeError)
    x = model._images(x)
    epochs = V.check_int(epochs, "epochs", minimum=1)
    batch = min(V.check_int(batch_size, "batch_size", minimum=1), x.shape[0])
    lr = _positive_lr(lr)
    rule = make_rule(method, **hyper)
    gen = V.check_rng(rng)
    states = {k: rule.init(p) for k, p in model.params.items()}
    losses = []
    for epoch in range(1, epochs + 1):
        total = 0.0
        for xb in minibatches(x, batch_size=batch, shuffle=True, rng=gen):
            loss, grads = model.gradients(xb, model.noise(xb.shape[0], gen))
            total += loss * xb.shape[0]
            for k, g in grads.items():
                model.params[k], states[k] = rule.step(model.params[k], g, states[k], lr)
        losses.append(total / x.shape[0])
        if callback is not None:
            callback(epoch, losses[-1])
    model._sync()
    return losses


def gradient_errors(model, x, eps=None, h=1e-6, *, t=None):
    """Per parameter: the relative error between backprop and central finite differences.

    Uses :func:`mlekit.gradcheck.numerical_gradient` on ``model.loss(x, eps)``
    (a :class:`GaussianRegressionNet`: ``model.loss(x, t)``) for every entry
    of ``model.params`` (keep *x* tiny: two loss evaluations per weight). A
    correct backward pass gives errors around 1e-7 or less.

    Examples
    --------
    >>> vae = VAE(4, 3, 2, rng=0)
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25], [1.0, 0.0, 0.2, 0.6]])
    >>> errs = gradient_errors(vae, x, vae.noise(2, 1))
    >>> max(errs.values()) < 1e-6
    True
    """
    if not isinstance(model, (_Coder, TwoLayerNet)):
        V.fail("model", "be an Autoencoder, a VAE or a GaussianRegressionNet", V.describe(model),
               "Pass the model whose gradients you want to check.", TypeError)
    if isinstance(model, TwoLayerNet):
        _, cache = model.forward(x)
        grads = model.backward(cache, t)
        loss = lambda: model.loss(x, t)         # noqa: E731
    else:
        _, grads = model.gradients(x, eps)
        loss = lambda: model.loss(x, eps)       # noqa: E731
    errors = {}
    for k in grads:
        original = model.params[k]

        def f(theta, k=k):
            model.params[k] = theta
            return loss()

        numeric = numerical_gradient(f, original, eps=h)
        model.params[k] = original
        errors[k] = relative_error(grads[k], numeric)
    if isinstance(model, _Coder):
        model._sync()
    return errors


def latent_grid(n=10, limit=2.0):
    """An n × n grid of 2-D latent points on [−limit, limit]², row by row (top row: largest z₂).

    Examples
    --------
    >>> latent_grid(2, 1.0).tolist()
    [[-1.0, 1.0], [1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]]
    """
    n = V.check_int(n, "n", minimum=1)
    limit = V.as_float(limit, "limit")
    u = np.linspace(-limit, limit, n)
    z1, z2 = np.meshgrid(u, u[::-1])
    return np.column_stack([z1.ravel(), z2.ravel()])


def neighbour_accuracy(z, labels, k=5):
    """How often the majority label of a point's *k* nearest other points is its own label.

    A measure of how well codes *z* (n, d) group by *labels* (which the model
    never saw): 1/K for codes unrelated to the K classes, 1 for separate
    clusters. Euclidean distances, ties broken towards the smaller label.

    Examples
    --------
    >>> z = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    >>> neighbour_accuracy(z, [0, 0, 0, 1, 1, 1], k=2)
    1.0
    """
    z = V.as_float_array(z, "z", ndim=2)
    labels = V.check_labels(V.as_float_array(labels, "labels", ndim=1), "labels")
    if labels.size != z.shape[0]:
        V.fail("labels", f"hold one label per row of z ({z.shape[0]})", f"{labels.size} labels",
               "Pass the labels of the same images.")
    k = V.check_int(k, "k", minimum=1)
    if k >= z.shape[0]:
        V.fail("k", f"be smaller than the number of points ({z.shape[0]})", str(k),
               "Use a small k such as 5.")
    sq = np.sum(z * z, axis=1)
    d = sq[:, None] + sq[None, :] - 2.0 * z @ z.T
    np.fill_diagonal(d, np.inf)
    near = np.argsort(d, axis=1, kind="stable")[:, :k]
    votes = np.array([np.bincount(labels[row], minlength=labels.max() + 1) for row in near])
    return float(np.mean(np.argmax(votes, axis=1) == labels))
