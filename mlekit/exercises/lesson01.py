"""Checks for lesson 01, likelihood (우도): the binomial probability, a Gaussian likelihood
as a product of densities, and picking the most likely of three candidates.

Examples
--------
>>> import math
>>> from mlekit.exercises import lesson01 as ex
>>> fb = ex.check_binomial_probability(
...     lambda r, n, p: math.comb(n, r) * p ** r * (1 - p) ** (n - r))
✓ Correct: your binomial probability matches at every (r, n, p) we tried,
including r = 0, r = n, p = 0 and p = 1.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..datasets import heights
from ..models import Binomial, Gaussian
from ._core import (StudentError, as_array_or_none, as_number, call_student, check, close,
                    close_arrays)

__all__ = ["check_binomial_probability", "check_gaussian_likelihood", "check_most_likely",
           "CANDIDATES"]

#: (r, n, p) probes: the survey first, then the edges r = 0, r = n, p = 0, p = 1
_BINOMIAL_CASES = ((7, 10, 0.7), (7, 10, 0.5), (3, 10, 0.7), (2, 5, 0.2), (0, 4, 0.3),
                   (6, 6, 0.9), (0, 10, 0.0), (10, 10, 1.0), (3, 10, 0.0), (3, 10, 1.0),
                   (1, 1, 0.25), (4, 12, 0.35))

#: the three candidates (mu, sigma) of exercise 3, in the order the student numbers them
CANDIDATES = ((168.3, 1.2), (166.0, 2.6), (168.3, 3.5))


def _same(a, b):
    """Two probabilities or likelihoods agree to the computed-value tolerance, relatively only
    (the likelihood of ten heights is about 1e-11, so an absolute slack would accept anything)."""
    return close(a, b, atol=0.0)


# ------------------------------------------------------------------ exercise 1
def _binomial_reference(r, n, p):
    return float(Binomial(n=n).likelihood([r], p=p))


def _binomial_slip(got, r, n, p):
    """A hint for the usual slips, or None. Never mentions the right value."""
    if p in (0.0, 1.0):
        return None          # at the edges most slips coincide; the edge-case message says more
    comb = math.comb(n, r)
    core = p ** r * (1 - p) ** (n - r)
    if comb != 1 and _same(got, core):
        return (f"binomial_probability({r}, {n}, {p}) is missing a factor: what you computed is "
                "the probability of one particular order of answers. Count the orders too "
                "(math.comb).")
    swapped = comb * p ** (n - r) * (1 - p) ** r
    if not _same(swapped, _binomial_reference(r, n, p)) and _same(got, swapped):
        return (f"binomial_probability({r}, {n}, {p}) swapped p and 1 - p: p is the probability "
                "of a success, so it carries the exponent r, and 1 - p carries n - r.")
    if got < 0 and _same(math.exp(got), _binomial_reference(r, n, p)):
        return (f"binomial_probability({r}, {n}, {p}) returned a negative number, the log of the "
                "probability; return the probability itself.")
    if got < 0 or got > 1:
        return (f"binomial_probability({r}, {n}, {p}) returned {got:.4g}, which is not a "
                "probability: it must lie between 0 and 1.")
    if got == 0 and 0 < p < 1:
        return (f"binomial_probability({r}, {n}, {p}) returned 0, but with 0 < p < 1 every "
                "count r is possible. Check the argument order (r, n, p) and use "
                "math.comb(n, r), not math.comb(r, n).")
    return None


@check(
    hints=(
        r"""The formula has three factors: the number of ways to choose which $r$ of the $n$
        trials are the successes, the probability of those $r$ successes, and the
        probability of the $n - r$ failures. Write each factor on its own, then multiply
        them.""",
        r"""`math.comb` counts the orderings for the sampling probability (표집 확률). The edges
        need no special case: in Python `0 ** 0` is `1`, so a zero exponent gives a factor 1
        even when its base is 0. Sanity check: the probabilities for $r = 0, 1, \dots, n$
        must add up to 1.""",
    ),
    explanation=r"""
        Any one sequence with $r$ successes and $n - r$ failures has probability
        $p^r(1-p)^{n-r}$, because the trials are independent and their probabilities
        multiply. There are $\binom{n}{r}$ such sequences, all equally likely, so

        $$P(r) = \binom{n}{r}\,p^r(1-p)^{n-r}.$$

        For the phone survey, $P(7) = 120 \times 0.7^7 \times 0.3^3 \approx 0.267$. At the
        edges $p^0 = 1$ (also for $p = 0$), so the formula holds as it stands.
        """,
)
def check_binomial_probability(binomial_probability):
    """Check ``binomial_probability(r, n, p)``, the chance of r successes in n trials."""
    for r, n, p in _BINOMIAL_CASES:
        got = as_number(call_student(binomial_probability, "binomial_probability", r, n, p),
                        f"binomial_probability({r}, {n}, {p})")
        want = _binomial_reference(r, n, p)
        if _same(got, want):
            continue
        edge = " (an edge case: remember that 0 ** 0 is 1)" if p in (0.0, 1.0) else ""
        raise StudentError(_binomial_slip(got, r, n, p) or (
            f"binomial_probability({r}, {n}, {p}) returned {got:.4g}, which is not the "
            f"probability of r successes in n trials{edge}. Build it from its three factors: "
            "the number of orders, the successes and the failures."))
    return ("Correct: your binomial probability matches at every (r, n, p) we tried, including "
            "r = 0, r = n, p = 0 and p = 1.")


# ------------------------------------------------------------------ exercise 2
def _gaussian_cases():
    h = heights()
    return (
        (h, 168.3, 2.6),                                    # the lesson's best candidate
        (h, 165.0, 4.0),
        (np.array([1.0, 2.0, 4.0]), 2.0, 1.5),
        (np.array([0.10, 0.20, 0.15, 0.12]), 0.15, 0.05),   # densities above 1
        (np.array([5.0]), 3.0, 2.0),                        # a single point
    )


def _gaussian_reference(x, mu, sigma):
    return float(Gaussian().likelihood(x, mu=mu, sigma=sigma))


def _unnormalised(x, mu, sigma):
    return float(np.prod(np.exp(-((x - mu) / sigma) ** 2 / 2.0)))


def _gaussian_slip(got, x, mu, sigma):
    """A hint for the usual slips, or None. Never mentions the right value."""
    g = Gaussian()
    want = _gaussian_reference(x, mu, sigma)
    call = f"gaussian_likelihood(x, {mu}, {sigma})"
    dens = g.density(x, mu=mu, sigma=sigma)
    if _same(got, float(g.log_likelihood(x, mu=mu, sigma=sigma))):
        return (f"{call} returned the log-likelihood (a sum of log densities); this exercise "
                "wants the likelihood itself, the product of the densities.")
    if _same(got, -float(g.log_likelihood(x, mu=mu, sigma=sigma))):
        return (f"{call} returned the negative log-likelihood; this exercise wants the "
                "likelihood itself, the product of the densities.")
    if x.size > 1 and _same(got, float(np.sum(dens))):
        return (f"{call} returned the sum of the densities; under the i.i.d. assumption the "
                "joint density is their product.")
    if x.size > 1 and _same(got, float(np.mean(dens))):
        return (f"{call} returned the mean of the densities; under the i.i.d. assumption the "
                "joint density is their product.")
    if _same(got, _gaussian_reference(x, mu, math.sqrt(sigma))) and not _same(got, want):
        return (f"{call}: sigma is the standard deviation, not the variance. The density uses "
                "sigma ** 2 in the exponent and sigma * sqrt(2 pi) in front.")
    if _same(got, _gaussian_reference(x, mu, sigma ** 2)) and not _same(got, want):
        return (f"{call}: it looks as if you used the variance sigma ** 2 where sigma belongs. "
                "The parameter sigma is the standard deviation; only the exponent squares it.")
    half_squared = float(np.prod(np.exp(-(x - mu) ** 2 / (2.0 * sigma))
                                 / (sigma * math.sqrt(2.0 * math.pi))))
    if _same(got, half_squared):
        return (f"{call}: the exponent must divide by 2 sigma^2 (the variance), not by "
                "2 sigma.")
    if _same(got, _unnormalised(x, mu, sigma)):
        return (f"{call} is missing the normalising factor 1 / (sigma sqrt(2 pi)) in each "
                "density.")
    if got < 0:
        return (f"{call} returned a negative number; a likelihood is a product of densities, "
                "so it is never negative.")
    return None


def _as_likelihood(value, x, mu, sigma):
    """The student's output as a float, with a hint if it is the array of densities."""
    arr = as_array_or_none(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    if arr is not None and arr.size == x.size and x.size > 1:
        dens = Gaussian().density(x, mu=mu, sigma=sigma)
        if close_arrays(arr.ravel(), dens, atol=0.0):
            raise StudentError(f"gaussian_likelihood(x, {mu}, {sigma}) returned the {x.size} "
                               "densities; multiply them together (np.prod) to get one "
                               "likelihood.")
        raise StudentError(f"gaussian_likelihood(x, {mu}, {sigma}) returned {x.size} values, one "
                           "per data point; the likelihood is a single number, the product of "
                           "the densities.")
    return as_number(value, f"gaussian_likelihood(x, {mu}, {sigma})")


@check(
    hints=(
        r"""Compute the density of every point at once: with a numpy array `x`, an
        expression such as `x - mu` works element by element, so one line gives an array of
        densities, one per point.""",
        r"""Each density has the normalising factor $\frac{1}{\sigma\sqrt{2\pi}}$ and the
        exponent $-\frac{(x_i-\mu)^2}{2\sigma^2}$; watch the brackets, since all of
        $2\sigma^2$ belongs in the denominator. The points are i.i.d. (독립 동일 분포), so the
        likelihood (우도) of the sample is one number built from all the densities.""",
    ),
    explanation=r"""
        Under the i.i.d. assumption the density of the whole sample is the product of the
        densities of its points:

        $$L(\mu, \sigma \mid x) = \prod_i \frac{1}{\sigma\sqrt{2\pi}}\exp\!\left(-\frac{(x_i-\mu)^2}{2\sigma^2}\right).$$

        In numpy, compute the array of densities in one vectorised line and multiply its
        entries with `np.prod`. For ten points the product is still an ordinary float;
        lesson 02 shows why thousands of points need the log instead.
        """,
)
def check_gaussian_likelihood(gaussian_likelihood):
    """Check ``gaussian_likelihood(x, mu, sigma)``, the product of Gaussian densities."""
    for x, mu, sigma in _gaussian_cases():
        out = call_student(gaussian_likelihood, "gaussian_likelihood", x.copy(), mu, sigma)
        got = _as_likelihood(out, x, mu, sigma)
        want = _gaussian_reference(x, mu, sigma)
        if _same(got, want):
            continue
        raise StudentError(_gaussian_slip(got, x, mu, sigma) or (
            f"gaussian_likelihood(x, {mu}, {sigma}) returned {got:.4g}, which is not the "
            "product of the Gaussian densities f(x_i; mu, sigma). Compute each density, then "
            "multiply."))
    return ("Correct: your likelihood is the product of the densities for every sample we tried, "
            "including one whose densities exceed 1.")


# ------------------------------------------------------------------ exercise 3
def _candidate_likelihoods():
    g, h = Gaussian(), heights()
    return [float(g.likelihood(h, mu=mu, sigma=sigma)) for mu, sigma in CANDIDATES]


@check(
    hints=(
        r"""The heights of the curves do not decide it: a narrow Gaussian is tall near its
        mean but almost zero a few $\sigma$ away, and the likelihood multiplies the
        densities of *all ten* heights. Compute $L(\theta \mid x)$ for each candidate and
        compare the three numbers.""",
        r"""The likelihoods are tiny numbers (around $10^{-11}$ and smaller), so print them
        in scientific notation, or compare log-likelihoods instead: the order is the same.
        `np.argmax` counts from 0, while the candidates are numbered from 1.""",
    ),
    explanation=r"""
        The three log-likelihoods are about $-34.9$ (candidate 1), $-27.9$ (candidate 2) and
        $-24.5$ (candidate 3), so **candidate 3** is the most likely.

        - Candidate 1 is narrow ($\sigma = 1.2$): the shortest and the tallest heights lie
          2.8 and 3.6 standard deviations from its mean, where its density is almost 0.
        - Candidate 2 has a sensible spread, but its mean 166.0 is far below the sample
          mean, about 168.3.
        - Candidate 3 is centred on the data and wide enough to cover all ten heights.

        (The maximum likelihood estimate itself, $\hat\mu \approx 168.34$ and $\hat\sigma
        \approx 2.62$, is none of the three.)
        """,
)
def check_most_likely(best):
    """Check ``best``: the number (1, 2 or 3) of the most likely candidate in ``CANDIDATES``."""
    got = as_number(best, "best")
    if got == 0:
        raise StudentError("best = 0: hand in the number of a candidate, 1, 2 or 3. If you "
                           "used np.argmax, it counts from 0: add 1 to its index.")
    if not math.isfinite(got) or got != int(got) or int(got) not in (1, 2, 3):
        raise StudentError(f"best = {got:.4g}: hand in the number of a candidate, 1, 2 or 3, "
                           "not a parameter value or a likelihood.")
    lik = _candidate_likelihoods()
    pick = int(got)
    if pick == int(np.argmax(lik)) + 1:
        return (f"Correct: candidate {pick} has the largest likelihood of the three. A taller, "
                "narrower curve is not automatically better: it must cover all the data.")
    zero_based = (" If you used np.argmax, note that it counts from 0, while the candidates "
                  "are numbered from 1." if pick == int(np.argmax(lik)) else "")
    if pick == int(np.argmin(lik)) + 1:
        raise StudentError(f"Candidate {pick} is the least likely of the three. Compute "
                           "L(theta | x) for each candidate and pick the largest." + zero_based)
    if CANDIDATES[pick - 1][1] == min(sigma for _, sigma in CANDIDATES):
        raise StudentError(f"Candidate {pick} has the tallest density curve, but it is not the "
                           "most likely: compute L(theta | x) for all three candidates and "
                           "compare." + zero_based)
    raise StudentError(f"Candidate {pick} is not the most likely. Compute L(theta | x) for all "
                       "three candidates on the same ten heights and pick the largest."
                       + zero_based)
