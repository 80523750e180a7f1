"""Checks for lesson 12, outputs are distributions, up to the VAE.

Exercise 1 writes the Gaussian NLL with a learned σ (:func:`check_gaussian_nll_learned_sigma`),
exercise 2 the KL divergence of a diagonal Gaussian from the standard normal in closed
form (:func:`check_gaussian_kl`), exercise 3 one reparameterised sample and its
derivatives (:func:`check_reparameterised_sample`). Each check compares the student's
function with :mod:`mlekit.generative` on several fresh inputs, names the usual slip
when it recognises one, and never prints the reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson12 as ex
>>> def kl(mu, log_sigma):
...     return 0.5 * np.sum(mu**2 + np.exp(2 * log_sigma) - 1 - 2 * log_sigma)
>>> fb = ex.check_gaussian_kl(kl)
✓ Correct: the KL of a diagonal Gaussian from N(0, I) adds one closed-form term per dimension.
"""

from __future__ import annotations

import math

import numpy as np

from ..generative import LOG_2PI, gaussian_kl, gaussian_nll, reparameterise
from ._core import (StudentError, as_number, as_returned_array, call_student, check, close,
                    close_arrays, describe_answer, name_the_slip, reject_per_sample)

__all__ = ["check_gaussian_nll_learned_sigma", "check_gaussian_kl", "check_reparameterised_sample"]


# ------------------------------------------------------------------ exercise 1
def _nll_probes():
    """(t, mu, log_sigma) probes: σ below and above 1, negative targets, different sizes."""
    gen = np.random.default_rng(121)
    out = []
    for n, spread in ((8, 0.6), (5, 0.3), (12, 0.9)):
        mu = gen.normal(0, 2, n)
        ls = gen.normal(-0.2, spread, n)
        out.append((mu + np.exp(ls) * gen.normal(0, 1.3, n), mu, ls))
    return out


@check(
    hints=(
        r"""Write the Gaussian density $\mathcal N(t \mid \mu, \sigma^2)$ for one sample, take
        its log, and put a minus in front. Remember that you are given $\log\sigma$, not
        $\sigma$.""",
        r"""Per sample the NLL has three parts: a constant from the normalisation, a term that
        grows with the predicted doubt, and the squared error measured in units of $\sigma$.
        The lesson reports the NLL per sample, in nats.""",
    ),
    explanation=r"""
        With $\sigma_i = e^{\log\sigma_i}$,

        $$\mathrm{NLL} = \frac1N\sum_{i=1}^{N}\Big[\tfrac12\log 2\pi + \log\sigma_i
          + \frac{(t_i - \mu_i)^2}{2\sigma_i^2}\Big].$$

        The $\log\sigma$ term is what stops the model from claiming infinite doubt: a large
        $\sigma$ makes the squared error cheap but costs $\log\sigma$. With one fixed
        $\sigma$ only the squared error depends on $\mu$, which is why MSE is this NLL with
        $\sigma$ held constant.
        """,
)
def check_gaussian_nll_learned_sigma(gaussian_nll_fn):
    """Check ``gaussian_nll(t, mu, log_sigma)``: the mean Gaussian NLL with a learned σ, in nats."""
    for t, mu, ls in _nll_probes():
        n = t.size
        where = f"gaussian_nll(t, mu, log_sigma) on {n} samples"
        result = call_student(gaussian_nll_fn, "gaussian_nll", t.copy(), mu.copy(), ls.copy())
        per = np.asarray(gaussian_nll(t, mu, ls, reduction="none"))
        reject_per_sample(result, per, where, "NLL per sample", "average them")
        got = as_number(result, f"the result of {where}")
        want = gaussian_nll(t, mu, ls)
        if close(got, want):
            continue
        s = np.exp(ls)
        r2 = (t - mu) ** 2
        slips = [
            (n * want, f"{where} is the sum over the samples; the lesson reports the NLL per "
                       "sample, so average instead."),
            (-want, f"{where} has the wrong sign: the NLL is minus the log density."),
            (want - 0.5 * LOG_2PI, f"{where} leaves out the constant ½ log 2π of the Gaussian's "
                                   "normalisation; it does not change the fit, but it is part "
                                   "of the NLL."),
            (float(np.mean(0.5 * LOG_2PI + np.log(np.abs(ls) + 1e-300) + r2 / (2 * ls ** 2))),
             f"{where} uses log_sigma as if it were σ; compute σ = exp(log_sigma) first."),
            (float(np.mean(0.5 * LOG_2PI + r2 / (2 * s ** 2))),
             f"{where} has no log σ term: the normalisation of the density depends on σ, and "
             "that term is what charges the model for doubt."),
            (float(np.mean(0.5 * LOG_2PI + ls + r2 / (2 * s))),
             f"{where} divides the squared error by 2σ; the Gaussian divides it by 2σ² (the "
             "variance)."),
            (float(np.mean(0.5 * LOG_2PI + ls + r2 / s ** 2)),
             f"{where} is missing the ½ in front of the squared error."),
            (float(np.mean(0.5 * LOG_2PI + 2 * ls + r2 / (2 * s ** 2))),
             f"{where} counts log σ twice: the normalisation gives log σ once (½ log σ²)."),
            (want / math.log(2), f"{where} is in bits (log base 2); use the natural log for "
                                 "nats."),
        ]
        hint = name_the_slip(got, want, slips)
        if hint is not None:
            raise StudentError(hint)
        raise StudentError(f"{where} returned {got:.4g}, which is not the mean Gaussian NLL. "
                           "Take minus the log of each sample's density with σ = exp(log_sigma), "
                           "then average.")
    return ("Correct: the Gaussian NLL with a learned σ trades the squared error, in units of σ, "
            "against log σ.")


# ------------------------------------------------------------------ exercise 2
def _kl_probes():
    gen = np.random.default_rng(122)
    return [(gen.normal(0, 1.2, d), gen.normal(-0.3, 0.6, d)) for d in (2, 3, 5)]


@check(
    hints=(
        r"""The dimensions of a diagonal Gaussian are independent, so the KL is a sum of
        one-dimensional KLs. Work out $D_{KL}(\mathcal N(\mu, \sigma^2) \,\|\, \mathcal N(0, 1))$
        for one dimension first, from $\mathbb E_q[\log q(z) - \log p(z)]$.""",
        r"""Under $q$, $\mathbb E[z^2] = \mu^2 + \sigma^2$ and $\mathbb E[(z-\mu)^2] = \sigma^2$.
        Put these into the difference of the two log densities; the $\log 2\pi$ constants
        cancel. You are given $\log\sigma$, not $\sigma$.""",
    ),
    explanation=r"""
        Per dimension, $\log q(z) - \log p(z) = -\log\sigma - \frac{(z-\mu)^2}{2\sigma^2}
        + \frac{z^2}{2}$; its expectation under $q$ is $-\log\sigma - \frac12 + \frac{\mu^2 +
        \sigma^2}{2}$. Summed over the dimensions,

        $$D_{KL}\big(q \,\|\, \mathcal N(0, I)\big) = \frac12\sum_j\big(\mu_j^2 + \sigma_j^2 - 1
          - 2\log\sigma_j\big),$$

        zero exactly when every $\mu_j = 0$ and $\sigma_j = 1$. This is the VAE's KL term.
        """,
)
def check_gaussian_kl(kl):
    """Check ``kl(mu, log_sigma)``: KL(N(mu, diag σ²) ‖ N(0, I)) summed over the dimensions."""
    for mu, ls in _kl_probes():
        d = mu.size
        where = f"kl(mu, log_sigma) in {d} dimensions"
        result = call_student(kl, "kl", mu.copy(), ls.copy())
        per_dim = 0.5 * (mu ** 2 + np.exp(2 * ls) - 1 - 2 * ls)
        reject_per_sample(result, per_dim, where, "KL per dimension", "add them up")
        got = as_number(result, f"the result of {where}")
        want = float(gaussian_kl(mu, ls))
        if close(got, want):
            continue
        s = np.exp(ls)
        slips = [
            (want / d, f"{where} averages over the dimensions; independent dimensions add "
                       "their KLs."),
            (-want, f"{where} has the wrong sign: a KL divergence is never negative."),
            (2 * want, f"{where} is twice the KL: check the factor ½."),
            (want + 0.5 * d, f"{where} is missing the −1 per dimension (it makes the KL zero "
                             "when q is the standard normal)."),
            (float(0.5 * np.sum(mu ** 2 + s - 1 - 2 * ls)),
             f"{where} uses σ where the formula has σ², the variance of q."),
            (float(0.5 * np.sum(mu ** 2 + ls ** 2 - 1 - np.log(ls ** 2 + 1e-300))),
             f"{where} uses log_sigma as if it were σ; compute σ = exp(log_sigma) first."),
            (float(np.sum(ls + (1 + mu ** 2) / (2 * s ** 2) - 0.5)),
             f"{where} is the KL the other way round, KL(N(0, I) ‖ q); the VAE uses "
             "KL(q ‖ N(0, I)): the expectation is taken under q."),
            (float(0.5 * np.sum(mu ** 2 + np.exp(2 * ls) - 1 - ls)),
             f"{where} has log σ where the formula has log σ² = 2 log σ."),
        ]
        hint = name_the_slip(got, want, slips)
        if hint is not None:
            raise StudentError(hint)
        raise StudentError(f"{where} returned {got:.4g}, which is not the KL divergence from "
                           "N(0, I). Write the one-dimensional KL, then add it up over the "
                           "dimensions.")
    return ("Correct: the KL of a diagonal Gaussian from N(0, I) adds one closed-form term per "
            "dimension.")


# ------------------------------------------------------------------ exercise 3
def _reparam_probes():
    gen = np.random.default_rng(123)
    return [(gen.normal(0, 1.5, d), gen.normal(-0.2, 0.7, d), gen.normal(0, 1, d))
            for d in (2, 4, 3)]


def _three(result, where, d):
    if isinstance(result, np.ndarray) and result.ndim == 2 and result.shape[0] == 3:
        result = list(result)                     # np.array([z, dz_dmu, dz_dlog_sigma])
    if isinstance(result, dict) or not isinstance(result, (tuple, list)) or len(result) != 3:
        raise StudentError(f"{where} returned {describe_answer(result)}; return the three "
                           "arrays `z, dz_dmu, dz_dlog_sigma`.")
    names = ("z", "dz_dmu", "dz_dlog_sigma")
    out = []
    for value, name in zip(result, names):
        arr = as_returned_array(value, f"{where} (its {name})", "an array of numbers")
        if arr.shape == ():
            arr = np.full(d, float(arr))
        if arr.shape != (d,):
            raise StudentError(f"{where}: {name} has shape {arr.shape}; it should have one entry "
                               f"per latent dimension, shape ({d},).")
        if np.isnan(arr).any():
            raise StudentError(f"{where}: {name} holds NaN; check the computation.")
        out.append(arr)
    return out


@check(
    hints=(
        r"""The trick writes the random latent as a fixed function of the parameters and an
        outside noise $\varepsilon$ you are given: a shift by $\mu$ and a stretch by
        $\sigma$. Remember that you are given $\log\sigma$.""",
        r"""Once $z$ is written as that function, each derivative is one line of calculus,
        entry by entry. For the second one, use the chain rule through
        $\sigma = e^{\log\sigma}$, whose derivative with respect to $\log\sigma$ is itself.""",
    ),
    explanation=r"""
        $z = \mu + \sigma \odot \varepsilon$ with $\sigma = e^{\log\sigma}$. Entry by entry,

        $$\frac{\partial z_j}{\partial \mu_j} = 1, \qquad
          \frac{\partial z_j}{\partial \log\sigma_j} = \sigma_j\,\varepsilon_j .$$

        Because $\varepsilon$ does not depend on the parameters, these derivatives exist for
        every draw: the gradient of the ELBO can flow from the decoder, through $z$, back
        into the encoder's $\mu$ and $\log\sigma$.
        """,
)
def check_reparameterised_sample(sample_and_grad):
    """Check ``sample_and_grad(mu, log_sigma, eps)`` -> ``(z, dz_dmu, dz_dlog_sigma)``."""
    for mu, ls, eps in _reparam_probes():
        d = mu.size
        where = f"sample_and_grad(mu, log_sigma, eps) in {d} dimensions"
        result = call_student(sample_and_grad, "sample_and_grad", mu.copy(), ls.copy(), eps.copy())
        z, d_mu, d_ls = _three(result, where, d)
        s = np.exp(ls)
        want_z = np.asarray(reparameterise(mu, ls, eps))
        if not close_arrays(z, want_z):
            slips = [
                (mu + ls * eps, f"{where}: z uses log_sigma as if it were σ; stretch ε by "
                                "σ = exp(log_sigma)."),
                (mu + s ** 2 * eps, f"{where}: z stretches ε by the variance σ²; stretch it "
                                    "by the standard deviation σ."),
                (s * (mu + eps), f"{where}: z scales μ too; only the noise is stretched, then "
                                 "shifted by μ."),
                (mu * eps + s, f"{where}: z swaps the roles of μ and σ: shift by μ, stretch "
                               "by σ."),
                (mu - s * eps, f"{where}: z has the sign of the noise term flipped; check it."),
            ]
            hint = name_the_slip(z, want_z, slips, same=close_arrays)
            raise StudentError(hint or f"{where}: z is not a sample of N(μ, σ²) built from "
                                       "this ε. Shift and stretch the noise you are given.")
        if not close_arrays(d_mu, np.ones(d)):
            hint = name_the_slip(d_mu, np.ones(d), [
                (eps, f"{where}: dz_dmu is ε, but μ enters z as a plain shift."),
                (s * eps, f"{where}: dz_dmu is the derivative with respect to log σ; the one "
                          "with respect to μ comes first."),
                (np.zeros(d), f"{where}: dz_dmu is 0, but z moves one for one with μ.")],
                same=close_arrays)
            raise StudentError(hint or f"{where}: dz_dmu is not the derivative of z with respect "
                                       "to μ, entry by entry.")
        want = s * eps
        if not close_arrays(d_ls, want):
            slips = [
                (eps, f"{where}: dz_dlog_sigma is ε, the derivative with respect to σ; chain it "
                      "through σ = exp(log_sigma)."),
                (s, f"{where}: dz_dlog_sigma does not change with ε, but z does: differentiate z "
                     "itself, not only σ."),
                (s ** 2 * eps, f"{where}: dz_dlog_sigma has a σ² in it; differentiate exp(log_sigma) "
                               "with respect to log_sigma again, carefully."),
                (ls * eps, f"{where}: dz_dlog_sigma uses log_sigma as if it were σ."),
                (np.ones(d), f"{where}: dz_dlog_sigma is 1, the derivative with respect to μ."),
            ]
            hint = name_the_slip(d_ls, want, slips, same=close_arrays)
            raise StudentError(hint or f"{where}: dz_dlog_sigma is not the derivative of z with "
                                       "respect to log σ. Use the chain rule through σ.")
    return ("Correct: z = μ + σ ε is a smooth function of μ and log σ, so its gradient exists "
            "for every draw of ε.")
