r"""Probability models with likelihood, log-likelihood, NLL, gradient and MLE.

Every model follows one pattern. Data ``x`` is a 1-D sample of independent,
identically distributed (i.i.d., 독립 동일 분포) observations; parameters are
keyword arguments named as in the notebooks' equations (``p``, ``mu``,
``sigma``, ``b``). Parameters broadcast, so passing a grid evaluates the
likelihood (우도) at every grid point in one call:

>>> import numpy as np
>>> from mlekit.models import Bernoulli
>>> x = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]           # the phone survey: 7 Android, 3 iOS
>>> Bernoulli().nll(x, p=np.linspace(0.1, 0.9, 400)).shape
(400,)

Internally each model reduces the data to its sufficient statistics once
(for Bernoulli: the number of successes k and the sample size n), so a grid
evaluation never loops over samples in Python.

Models
------
Bernoulli, Binomial, Gaussian, Laplace, Categorical.

Each exposes ``params``, ``likelihood``, ``log_likelihood``, ``nll``,
``nll_grad`` (a dict keyed by parameter name), ``mle`` (closed form),
``log_density`` / ``density`` (one value per observation) and
``sample(n, rng=..., **params)``. Parameters may be fixed when the model is
built, e.g. ``Gaussian(sigma=1.0)`` is a one-parameter model in ``mu``.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validation as V
from ._math import safe_div, scalar_or_array, xlogy

__all__ = ["Model", "Bernoulli", "Binomial", "Gaussian", "Laplace", "Categorical"]

_LOG_2PI = math.log(2.0 * math.pi)


class Model:
    """Base class: the shared public interface of every model.

    Subclasses define ``_all_params``, ``bounds``, ``_stats``, ``_check_param``,
    ``_log_lik``, ``_nll_grad``, ``_mle``, ``_log_density`` and ``_sample``.

    Examples
    --------
    Every model answers the same questions, so code written for one works
    for all of them:

    >>> from mlekit.models import Bernoulli, Gaussian
    >>> for model, x in [(Bernoulli(), [1, 0, 1]), (Gaussian(sigma=1.0), [1.0, 3.0])]:
    ...     print(model, model.params, model.mle(x))
    Bernoulli() ('p',) {'p': 0.6666666666666666}
    Gaussian(sigma=1.0) ('mu',) {'mu': 2.0}
    """

    _all_params: tuple[str, ...] = ()
    #: parameters that are vectors (a probability vector), not scalars
    _vector_params: tuple[str, ...] = ()
    #: interval of valid values for each parameter (open at infinite ends)
    bounds: dict[str, tuple[float, float]] = {}

    def __init__(self, **fixed):
        self.fixed = {}
        for name, value in fixed.items():
            if value is None:
                continue
            V.check_choice(name, "the fixed parameter", self._all_params,
                           f"{type(self).__name__} has the parameters "
                           f"{', '.join(self._all_params)}.", exc=TypeError)
            arr = self._check_param(name, value)
            if arr.ndim != (1 if name in self._vector_params else 0):
                V.fail(name, "be a single number when fixed", V.describe(value),
                       "Fix a parameter to one value, or leave it free.")
            self.fixed[name] = arr

    # ----------------------------------------------------------------- naming
    @property
    def params(self) -> tuple[str, ...]:
        """Names of the free parameters, in a fixed order."""
        return tuple(p for p in self._all_params if p not in self.fixed)

    def __repr__(self) -> str:
        fixed = ", ".join(f"{k}={float(v) if v.ndim == 0 else v.tolist()!r}"
                          for k, v in self.fixed.items())
        return f"{type(self).__name__}({fixed})"

    # --------------------------------------------------------------- plumbing
    def _resolve(self, params: dict, caller: str) -> dict:
        """Merge fixed and given parameters, validating each, or raise TypeError."""
        unknown = [k for k in params if k not in self._all_params]
        if unknown:
            V.fail(f"{caller}() keyword {unknown[0]!r}", f"be one of {self.params}",
                   f"{unknown[0]}={V.describe(params[unknown[0]])}",
                   f"{type(self).__name__} has the parameters {', '.join(self._all_params)}.",
                   TypeError)
        clash = [k for k in params if k in self.fixed]
        if clash:
            V.fail(clash[0], "not be passed: it is fixed for this model",
                   f"{clash[0]}={V.describe(params[clash[0]])}",
                   f"Build {type(self).__name__}() without fixing {clash[0]} to vary it.",
                   TypeError)
        missing = [k for k in self.params if k not in params]
        if missing:
            example = ", ".join(f"{k}=..." for k in self.params)
            V.fail(f"{caller}()", f"be given the parameter {missing[0]}", "no value for it",
                   f"Call it as model.{caller}(x, {example}).", TypeError)
        values = dict(self.fixed)
        for k, v in params.items():
            values[k] = self._check_param(k, v)
        return values

    def _check_param(self, name, value) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    # ----------------------------------------------------------------- public
    def log_likelihood(self, x, **params):
        r"""Log-likelihood (로그 우도) :math:`\ell(\theta) = \sum_i \log f(x_i; \theta)`.

        Parameters broadcast: arrays give one value per grid point.
        """
        stats = self._stats(x)
        values = self._resolve(params, "log_likelihood")
        return scalar_or_array(self._log_lik(stats, **values))

    def likelihood(self, x, **params):
        r"""Likelihood (우도) :math:`L(\theta \mid x) = \prod_i f(x_i; \theta)`.

        Computed as ``exp(log_likelihood)``: for large samples it underflows
        to 0.0, which is the reason the course works with logs.
        """
        ll = self.log_likelihood(x, **params)
        return scalar_or_array(np.exp(ll))

    def nll(self, x, *, reduction="sum", **params):
        r"""Negative log-likelihood (음의 로그 우도) :math:`-\ell(\theta)`.

        **Reductions.** A model's NLL *sums* over the observations by default,
        as the likelihood multiplies over all of them (the losses of
        :mod:`mlekit.losses` average instead). ``reduction="mean"`` divides by
        the sample size n, which changes the value but not the minimiser;
        ``reduction="none"`` gives each observation's own NLL, ``-log f(x_i)``.
        The NLL is ``inf`` where the data are impossible under the parameters
        (e.g. ``p = 0`` with a success).
        """
        V.check_reduction(reduction, allow_none=True)
        if reduction == "none":
            return scalar_or_array(-np.asarray(self.log_density(x, **params), dtype=float) + 0.0)
        stats = self._stats(x)
        values = self._resolve(params, "nll")
        out = -self._log_lik(stats, **values) + 0.0      # + 0.0: never -0.0
        if reduction == "mean":
            out = out / stats["n"]
        return scalar_or_array(out)

    def nll_grad(self, x, *, reduction="sum", **params) -> dict:
        r"""Gradient of the NLL with respect to each free parameter.

        Returns a dict ``{name: dNLL/dname}`` whose values broadcast like the
        parameters. ``reduction`` is ``"sum"`` (the default, as for :meth:`nll`)
        or ``"mean"``; the gradient is computed from the sample's sufficient
        statistics, so there is no per-observation (``"none"``) form.
        """
        V.check_reduction(reduction)
        stats = self._stats(x)
        values = self._resolve(params, "nll_grad")
        grads = self._nll_grad(stats, **values)
        scale = stats["n"] if reduction == "mean" else 1.0
        return {k: scalar_or_array(np.asarray(grads[k]) / scale) for k in self.params}

    def mle(self, x) -> dict:
        """Closed-form maximum likelihood estimate (최대우도 추정값) of the free parameters."""
        stats = self._stats(x)
        est = self._mle(stats)
        return {k: est[k] for k in self.params}

    def log_density(self, x, **params):
        """Log-probability (mass or density) of each observation, broadcast with the parameters."""
        xs = self._check_points(x).reshape(np.shape(x))    # a scalar stays a scalar
        values = self._resolve(params, "log_density")
        try:
            shapes = [xs.shape] + [v.shape for k, v in values.items()
                                   if k not in self._vector_params]
            np.broadcast_shapes(*shapes)
        except ValueError:
            V.fail("x and the parameters", "have shapes that broadcast together",
                   " and ".join(str(s) for s in shapes),
                   "To evaluate every point at every grid value, pass the grid as a column, "
                   "e.g. mu=grid[:, None].")
        return scalar_or_array(self._log_density(xs, **values))

    def density(self, x, **params):
        """Probability (mass or density) of each observation: ``exp(log_density)``."""
        return scalar_or_array(np.exp(self.log_density(x, **params)))

    def sample(self, n, *, rng=None, **params):
        """Draw *n* i.i.d. observations at the given (scalar) parameters."""
        n = V.check_int(n, "n", minimum=1)
        gen = V.check_rng(rng)
        values = self._resolve(params, "sample")
        for k, v in values.items():
            if v.ndim != (1 if k in self._vector_params else 0):
                V.fail(k, "be a single value when sampling", V.describe(v),
                       "Sample at one parameter setting at a time.")
        return self._sample(n, gen, **values)

    def check_data(self, x):
        """Validate observations for this model and return them as a 1-D float array.

        The same check every method runs first (binary values for a
        Bernoulli, counts in [0, n] for a Binomial, finite numbers for a
        Gaussian ...), raising a ``ValueError`` that names the fix.

        Examples
        --------
        >>> Bernoulli().check_data([1, 0, 1]).tolist()
        [1.0, 0.0, 1.0]
        >>> Bernoulli().check_data([1, 2])
        Traceback (most recent call last):
        ...
        ValueError: x must contain only 0 and 1, got 2 at index 1. Code each ...
        """
        return self._check_data(x)

    # defaults for subclasses
    def _check_points(self, x):
        return self._check_data(x)


def _data_1d(x, name="x"):
    return np.atleast_1d(V.as_float_array(x, name, ndim=(0, 1)))


class Bernoulli(Model):
    r"""Bernoulli model: each observation is 1 with probability p, else 0.

    Parameters
    ----------
    p : float, optional
        Fix the success probability (rarely useful; leave free to estimate it).

    Notes
    -----
    With :math:`k = \sum_i x_i` successes in :math:`n` observations,

    .. math::

        L(p) = p^k (1-p)^{n-k}, \qquad
        \ell(p) = k \log p + (n-k)\log(1-p),

    .. math::

        \frac{\partial\,\mathrm{NLL}}{\partial p} = -\frac{k}{p} + \frac{n-k}{1-p},
        \qquad \hat p = \frac{k}{n}.

    Examples
    --------
    >>> from mlekit.models import Bernoulli
    >>> x = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    >>> m = Bernoulli()
    >>> m.params
    ('p',)
    >>> round(float(m.nll(x, p=0.5)), 4)          # 10 ln 2
    6.9315
    >>> m.nll_grad(x, p=0.5)                       # -7/0.5 + 3/0.5
    {'p': np.float64(-8.0)}
    >>> m.mle(x)
    {'p': 0.7}
    """

    _all_params = ("p",)
    bounds = {"p": (0.0, 1.0)}

    def __init__(self, p=None):
        super().__init__(p=p)

    def _check_param(self, name, value):
        return V.check_probability(value, name)

    def _check_data(self, x):
        return V.check_binary(x, "x")

    def _stats(self, x):
        x = self._check_data(x)
        return {"n": x.size, "k": float(x.sum())}

    def _log_lik(self, s, p):
        # k log p + (n - k) log(1 - p), with 0 log 0 = 0
        return xlogy(s["k"], p) + xlogy(s["n"] - s["k"], 1.0 - p)

    def _nll_grad(self, s, p):
        # d/dp [-(k log p + (n-k) log(1-p))] = -k/p + (n-k)/(1-p)
        return {"p": -safe_div(s["k"], p) + safe_div(s["n"] - s["k"], 1.0 - p)}

    def _mle(self, s):
        return {"p": s["k"] / s["n"]}

    def _log_density(self, x, p):
        return xlogy(x, p) + xlogy(1.0 - x, 1.0 - p)

    def _sample(self, n, rng, p):
        return (rng.random(n) < p).astype(np.int64)


class Binomial(Model):
    r"""Binomial model: each observation counts successes in n trials.

    Parameters
    ----------
    n : int
        Number of trials per observation (the survey asked n = 10 people).
    p : float, optional
        Fix the success probability.

    Notes
    -----
    For counts :math:`k_1, \dots, k_N` with :math:`K = \sum_i k_i`,

    .. math::

        L(p) = \prod_i \binom{n}{k_i} p^{k_i}(1-p)^{n-k_i}, \qquad
        \ell(p) = \sum_i \log\binom{n}{k_i} + K\log p + (Nn-K)\log(1-p),

    .. math::

        \frac{\partial\,\mathrm{NLL}}{\partial p} = -\frac{K}{p} + \frac{Nn-K}{1-p},
        \qquad \hat p = \frac{K}{Nn}.

    The binomial coefficient (the sampling constant) does not depend on p,
    so it shifts the log-likelihood without moving its maximum.

    Examples
    --------
    >>> from mlekit.models import Binomial
    >>> m = Binomial(n=10)
    >>> round(float(m.likelihood([7], p=0.7)), 4)   # 10C7 0.7^7 0.3^3
    0.2668
    >>> m.mle([7])
    {'p': 0.7}
    """

    _all_params = ("p",)
    bounds = {"p": (0.0, 1.0)}

    def __init__(self, n, p=None):
        self.n = V.check_int(n, "n", minimum=1)
        super().__init__(p=p)

    def __repr__(self) -> str:
        extra = f", p={float(self.fixed['p'])!r}" if "p" in self.fixed else ""
        return f"Binomial(n={self.n}{extra})"

    def _check_param(self, name, value):
        return V.check_probability(value, name)

    def _check_data(self, x):
        return V.check_counts(x, "x", self.n)

    def _stats(self, x):
        k = self._check_data(x)
        values, counts = np.unique(k, return_counts=True)
        log_coef = sum(c * _log_comb(self.n, int(v)) for v, c in zip(values, counts))
        return {"n": k.size, "K": float(k.sum()), "trials": k.size * self.n,
                "log_coef": float(log_coef)}

    def _log_lik(self, s, p):
        # sum log C(n, k_i) + K log p + (Nn - K) log(1 - p)
        return s["log_coef"] + xlogy(s["K"], p) + xlogy(s["trials"] - s["K"], 1.0 - p)

    def _nll_grad(self, s, p):
        return {"p": -safe_div(s["K"], p) + safe_div(s["trials"] - s["K"], 1.0 - p)}

    def _mle(self, s):
        return {"p": s["K"] / s["trials"]}

    def _log_density(self, k, p):
        log_coef = np.vectorize(lambda v: _log_comb(self.n, int(v)), otypes=[float])(k)
        return log_coef + xlogy(k, p) + xlogy(self.n - k, 1.0 - p)

    def _sample(self, n, rng, p):
        return rng.binomial(self.n, float(p), size=n)


def _log_comb(n: int, k: int) -> float:
    """log of the binomial coefficient n choose k."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


class Gaussian(Model):
    r"""Gaussian (normal) model with mean mu and standard deviation sigma.

    Parameters
    ----------
    mu, sigma : float, optional
        Fix either parameter; ``Gaussian(sigma=1.0)`` is the one-parameter
        model behind mean squared error.

    Notes
    -----
    With :math:`\bar x` the sample mean and
    :math:`S(\mu) = \sum_i (x_i-\mu)^2 = \sum_i (x_i-\bar x)^2 + n(\bar x-\mu)^2`,

    .. math::

        \ell(\mu, \sigma) = -\frac{n}{2}\log(2\pi) - n\log\sigma - \frac{S(\mu)}{2\sigma^2},

    .. math::

        \frac{\partial\,\mathrm{NLL}}{\partial\mu} = -\frac{n(\bar x-\mu)}{\sigma^2}, \qquad
        \frac{\partial\,\mathrm{NLL}}{\partial\sigma} = \frac{n}{\sigma} - \frac{S(\mu)}{\sigma^3},

    .. math::

        \hat\mu = \bar x, \qquad \hat\sigma = \sqrt{S(\hat\mu)/n}.

    For fixed sigma the NLL is :math:`S(\mu)/(2\sigma^2)` plus a constant: an
    affine function of the sum of squared errors, so both share a minimiser.

    Examples
    --------
    >>> from mlekit.models import Gaussian
    >>> m = Gaussian()
    >>> m.params
    ('mu', 'sigma')
    >>> est = m.mle([1.0, 2.0, 3.0])
    >>> est["mu"], round(est["sigma"], 4)
    (2.0, 0.8165)
    >>> Gaussian(sigma=1.0).params
    ('mu',)
    """

    _all_params = ("mu", "sigma")
    bounds = {"mu": (-np.inf, np.inf), "sigma": (0.0, np.inf)}

    def __init__(self, mu=None, sigma=None):
        super().__init__(mu=mu, sigma=sigma)

    def _check_param(self, name, value):
        if name == "sigma":
            return V.check_positive(value, name)
        return V.as_float_array(value, name)

    def _check_data(self, x):
        return _data_1d(x)

    def _stats(self, x):
        x = self._check_data(x)
        mean = float(x.mean())
        return {"n": x.size, "mean": mean, "ss": float(np.sum((x - mean) ** 2))}

    @staticmethod
    def _sq(s, mu):
        # S(mu) = sum (x - xbar)^2 + n (xbar - mu)^2  (no loop over samples)
        return s["ss"] + s["n"] * (s["mean"] - mu) ** 2

    def _log_lik(self, s, mu, sigma):
        n = s["n"]
        # S / sigma^2 as (S / sigma) / sigma: no 0/0 when sigma^2 underflows
        with np.errstate(over="ignore"):
            return (-0.5 * n * _LOG_2PI - n * np.log(sigma)
                    - (self._sq(s, mu) / sigma) / sigma / 2.0)

    def _nll_grad(self, s, mu, sigma):
        n = s["n"]
        return {
            "mu": -n * ((s["mean"] - mu) / sigma) / sigma,            # d/dmu  S(mu)/(2 sigma^2)
            "sigma": n / sigma - ((self._sq(s, mu) / sigma) / sigma) / sigma,
        }

    def _mle(self, s):
        mu = float(self.fixed["mu"]) if "mu" in self.fixed else s["mean"]
        sq = float(self._sq(s, mu))
        if sq == 0.0 and "sigma" not in self.fixed:
            V.fail("x", "contain at least two different values to estimate sigma",
                   f"{s['n']} identical value(s)",
                   "With no spread the MLE of sigma would be 0, which is not a valid scale.")
        return {"mu": mu, "sigma": math.sqrt(sq / s["n"])}

    def _log_density(self, x, mu, sigma):
        with np.errstate(over="ignore"):       # a huge z-score gives -inf, i.e. density 0
            return -0.5 * _LOG_2PI - np.log(sigma) - ((x - mu) / sigma) ** 2 / 2.0

    def _sample(self, n, rng, mu, sigma):
        return rng.normal(float(mu), float(sigma), size=n)


class Laplace(Model):
    r"""Laplace model with location mu and scale b.

    Parameters
    ----------
    mu, b : float, optional
        Fix either parameter.

    Notes
    -----
    With :math:`A(\mu) = \sum_i |x_i-\mu|`,

    .. math::

        \ell(\mu, b) = -n\log(2b) - \frac{A(\mu)}{b},

    .. math::

        \frac{\partial\,\mathrm{NLL}}{\partial\mu} = -\frac{1}{b}\sum_i \operatorname{sign}(x_i-\mu),
        \qquad
        \frac{\partial\,\mathrm{NLL}}{\partial b} = \frac{n}{b} - \frac{A(\mu)}{b^2},

    .. math::

        \hat\mu = \operatorname{median}(x), \qquad \hat b = A(\hat\mu)/n.

    For fixed b the NLL is an affine function of the sum of absolute errors,
    which is why mean absolute error is minimised by the median. (For an even
    sample size every mu between the two middle values is a maximiser; the
    median is the midpoint.) :math:`A(\mu)` on a grid uses the sorted sample
    and its cumulative sums, so there is no loop over samples.

    Examples
    --------
    >>> from mlekit.models import Laplace
    >>> Laplace().mle([1.0, 2.0, 10.0])
    {'mu': 2.0, 'b': 3.0}
    """

    _all_params = ("mu", "b")
    bounds = {"mu": (-np.inf, np.inf), "b": (0.0, np.inf)}

    def __init__(self, mu=None, b=None):
        super().__init__(mu=mu, b=b)

    def _check_param(self, name, value):
        if name == "b":
            return V.check_positive(value, name)
        return V.as_float_array(value, name)

    def _check_data(self, x):
        return _data_1d(x)

    def _stats(self, x):
        xs = np.sort(self._check_data(x))
        centre = float(np.median(xs))    # sums of x - centre keep precision for large x
        return {"n": xs.size, "sorted": xs, "centre": centre,
                "cumsum": np.concatenate(([0.0], np.cumsum(xs - centre)))}

    @staticmethod
    def _abs_sum(s, mu):
        # A(mu) = m*#below - sum(below) + sum(above) - m*#above, with m = mu - centre
        mu = np.asarray(mu, dtype=float)
        below = np.searchsorted(s["sorted"], mu, side="left")
        low_sum = s["cumsum"][below]
        total = s["cumsum"][-1]
        m = mu - s["centre"]
        return m * below - low_sum + (total - low_sum) - m * (s["n"] - below)

    def _log_lik(self, s, mu, b):
        return -s["n"] * np.log(2.0 * b) - self._abs_sum(s, mu) / b

    def _nll_grad(self, s, mu, b):
        mu = np.asarray(mu, dtype=float)
        n_below = np.searchsorted(s["sorted"], mu, side="left")
        n_above = s["n"] - np.searchsorted(s["sorted"], mu, side="right")
        return {
            "mu": -(n_above - n_below) / b,                       # -(1/b) sum sign(x - mu)
            "b": s["n"] / b - self._abs_sum(s, mu) / b**2,
        }

    def _mle(self, s):
        mu = float(self.fixed["mu"]) if "mu" in self.fixed else float(np.median(s["sorted"]))
        a = float(np.sum(np.abs(s["sorted"] - mu)))     # direct sum: exact at one point
        if a == 0.0 and "b" not in self.fixed:
            V.fail("x", "contain at least two different values to estimate b",
                   f"{s['n']} identical value(s)",
                   "With no spread the MLE of b would be 0, which is not a valid scale.")
        return {"mu": mu, "b": a / s["n"]}

    def _log_density(self, x, mu, b):
        return -np.log(2.0 * b) - np.abs(x - mu) / b

    def _sample(self, n, rng, mu, b):
        return rng.laplace(float(mu), float(b), size=n)


class Categorical(Model):
    r"""Categorical model over K classes labelled 0, ..., K-1.

    Parameters
    ----------
    n_classes : int, optional
        Number of classes K. If omitted it is read from the length of ``p``.
    p : array_like, optional
        Fix the class probabilities.

    Notes
    -----
    ``p`` is a probability vector; its last axis indexes the classes, so a
    grid of shape ``(G, K)`` gives G likelihoods. With class counts
    :math:`c_k`,

    .. math::

        \ell(p) = \sum_k c_k \log p_k, \qquad
        \frac{\partial\,\mathrm{NLL}}{\partial p_k} = -\frac{c_k}{p_k}, \qquad
        \hat p_k = \frac{c_k}{n}.

    Written per observation with one-hot targets :math:`y_i`, the NLL is
    :math:`-\sum_i y_i^\top \log p`, the cross entropy. (The gradient is with
    respect to unconstrained p; the MLE accounts for :math:`\sum_k p_k = 1`.)

    Examples
    --------
    >>> from mlekit.models import Categorical
    >>> m = Categorical(n_classes=4)
    >>> round(float(m.nll([2], p=[0.2, 0.1, 0.65, 0.05])), 4)   # -log 0.65
    0.4308
    >>> m.mle([0, 2, 2, 3])["p"]
    array([0.25, 0.  , 0.5 , 0.25])
    """

    _all_params = ("p",)
    _vector_params = ("p",)
    bounds = {"p": (0.0, 1.0)}

    def __init__(self, n_classes=None, p=None):
        self.n_classes = None if n_classes is None else V.check_int(n_classes, "n_classes",
                                                                     minimum=2)
        super().__init__(p=p)
        if "p" in self.fixed:
            k = self.fixed["p"].shape[-1]
            if self.n_classes is not None and k != self.n_classes:
                V.fail("p", f"have n_classes = {self.n_classes} entries", f"{k} entries",
                       "Give one probability per class.")
            self.n_classes = k

    def __repr__(self) -> str:
        parts = []
        if self.n_classes is not None:
            parts.append(f"n_classes={self.n_classes}")
        if "p" in self.fixed:
            parts.append(f"p={self.fixed['p'].tolist()!r}")
        return f"Categorical({', '.join(parts)})"

    def _check_param(self, name, value):
        p = V.check_prob_vector(value, name)
        if self.n_classes is not None and p.shape[-1] != self.n_classes:
            V.fail(name, f"have {self.n_classes} entries along its last axis (one per class)",
                   f"{p.shape[-1]}", "Give one probability per class.")
        return p

    def _check_data(self, x, k=None):
        arr = V.as_float_array(x, "x", ndim=(0, 1))
        return np.atleast_1d(V.check_labels(arr, "x", k if k is not None else self.n_classes))

    def _stats(self, x):
        labels = self._check_data(x)
        return {"n": labels.size, "labels": labels}

    def _counts(self, s, p):
        k = p.shape[-1]
        labels = self._check_data(s["labels"], k)      # labels must fit this p
        return np.bincount(labels, minlength=k).astype(float)

    def _log_lik(self, s, p):
        return np.sum(xlogy(self._counts(s, p), p), axis=-1)   # sum_k c_k log p_k

    def _nll_grad(self, s, p):
        return {"p": -safe_div(self._counts(s, p), p)}

    def _mle(self, s):
        k = self.n_classes if self.n_classes is not None else int(s["labels"].max()) + 1
        k = max(k, 2)
        return {"p": np.bincount(s["labels"], minlength=k) / s["n"]}

    def _check_points(self, x):
        return V.as_float_array(x, "x", ndim=(0, 1))

    def _log_density(self, x, p):
        labels = V.check_labels(x, "x", p.shape[-1])
        with np.errstate(divide="ignore"):
            return np.log(p[..., labels])    # shape p.shape[:-1] + x.shape

    def _sample(self, n, rng, p):
        # p passed validation (sum within 1e-6 of 1); numpy's choice wants ~1e-8
        return rng.choice(p.size, size=n, p=p / p.sum())
