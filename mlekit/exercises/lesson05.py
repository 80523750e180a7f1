"""Checks for lesson 05, Gaussian noise → mean squared error (평균제곱오차).

Exercise 1 writes the Gaussian negative log-likelihood (음의 로그 우도) of a set
of predictions; exercise 2 finds the best constant prediction under MSE and
under MAE (평균절대오차); exercise 3 estimates the noise level sigma of a
regression line by maximum likelihood (최대우도추정). Each check compares the
student's answer with :class:`mlekit.models.Gaussian` / :class:`~mlekit.models.Laplace`
and :mod:`mlekit.losses` on several inputs, names the usual slip when it
recognises one, and never prints the reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson05 as ex
>>> fb = ex.check_gaussian_nll(lambda t, y_hat, sigma: np.sum((t - y_hat) ** 2) / (2 * sigma**2)
...                            + t.size / 2 * np.log(2 * np.pi * sigma**2))
✓ Correct: your NLL matches -sum log N(t_i | y_hat_i, sigma^2) on every data set we tried.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..datasets import heights, toy_regression
from ..losses import mae, mse, sse
from ..models import Gaussian, Laplace
from ._core import (COMPUTED_RTOL, StudentError, as_array_or_none, as_number, call_student, check,
                    close, close_typed, reject_near_miss, reject_per_sample, rounded_note)

__all__ = ["check_gaussian_nll", "check_best_constant_mse", "check_best_constant_mae",
           "check_sigma_hat"]

_LOG_2PI = math.log(2.0 * math.pi)


# ------------------------------------------------------------------ exercise 1
def _nll_cases():
    """(label, t, y_hat, sigma) probes.

    sigma = 1 comes last (there sigma and sigma^2 agree, so that slip cannot be told apart),
    and no sigma is 2 (there 2 sigma = sigma^2, so two slips coincide).
    """
    x, t = toy_regression()
    gen = np.random.default_rng(5)
    big_t = gen.normal(0.0, 3.0, 200)
    big_y = gen.normal(0.0, 1.0, 200)
    return [
        ("four points, sigma = 1.5", np.array([1.0, 2.5, 0.5, 4.0]),
         np.array([1.5, 2.0, 1.0, 3.0]), 1.5),
        ("the toy regression data, sigma = 0.5", t, 2.0 * x + 1.0, 0.5),
        ("one point predicted exactly, sigma = 0.8", np.array([3.0]), np.array([3.0]), 0.8),
        ("200 points, sigma = 3", big_t, big_y, 3.0),
        ("ten points, sigma = 0.1", t[:10], 2.0 * x[:10] + 1.0, 0.1),
        ("the toy regression data, sigma = 1", t, 1.5 * x + 2.0, 1.0),
    ]


def _nll_reference(t, y_hat, sigma) -> float:
    # -sum_i log N(t_i | y_hat_i, sigma^2), one density per point, from the model
    return float(-np.sum(Gaussian(sigma=sigma).log_density(t, mu=y_hat)))


def _nll_slip(got, t, y_hat, sigma) -> str | None:
    """The hint for a recognised slip, or None. No hint mentions a value."""
    s, n = float(sse(t, y_hat)), t.size
    var = sigma**2
    want = _nll_reference(t, y_hat, sigma)
    const = n / 2 * math.log(2 * math.pi * var)
    if close(got, -want):
        return ("your function returns the log-likelihood log L, which is minus the NLL. "
                "Flip the sign: NLL = -log L.")
    if n > 1 and close(got, want / n):
        return ("your function returns the mean NLL (divided by the number of points). This "
                "exercise wants the sum over the points.")
    if close(got, s):
        return ("your function returns the sum of squared errors (SSE) itself. The Gaussian "
                "NLL scales it by the noise variance and adds a constant term from the densities' "
                "normalising factors.")
    if n > 1 and close(got, s / n):
        return ("your function returns the mean squared error (MSE). The Gaussian NLL is a sum "
                "over the points, not a mean, and it also depends on sigma.")
    if close(got, s / (2 * var)):
        return ("your function has the squared-error term but forgot the constant term, which "
                "comes from the normalising factor in front of every density.")
    if sigma != 1.0 and any(close(got, v) for v in (
            s / (2 * sigma) + n / 2 * math.log(2 * math.pi * sigma),
            s / (2 * var) + n / 2 * math.log(2 * math.pi * sigma),
            s / (2 * sigma) + const)):
        return ("your function uses sigma where the variance sigma^2 belongs. The density has "
                "(t - y_hat)^2 / (2 sigma^2) in the exponent and 1/sqrt(2 pi sigma^2) in front.")
    if close(got, s / var + const):
        return ("the squared-error term is off by a factor 2: the exponent of the Gaussian is "
                "-(t - y_hat)^2 over twice the variance.")
    if close(got, s / (2 * var) + 2 * const):
        return ("the constant term is twice too large: the normalising factor is a square root, "
                "so its log comes with a factor one half.")
    if n > 1 and close(got, s / (2 * var) + const / n):
        return ("the constant term is added only once. Every one of the N densities has the "
                "factor 1/sqrt(2 pi sigma^2), so the constant is (N/2) log(2 pi sigma^2).")
    if sigma != 1.0 and close(got, s / 2 + n / 2 * _LOG_2PI):
        return ("your function ignores sigma (it gives the NLL for sigma = 1). Use the sigma "
                "argument in both terms.")
    return None


def _as_total(result, t, y_hat, sigma, where) -> float:
    """The student's result as one number; one value per point gets its own hint."""
    arr = as_array_or_none(result)
    per_point = -np.asarray(Gaussian(sigma=sigma).log_density(t, mu=y_hat), dtype=float)
    reject_per_sample(arr, per_point, where, "-log density per point", "add them up")
    if arr is not None and arr.ndim >= 1 and arr.size == t.size and t.size > 1:
        raise StudentError(f"{where} returned {t.size} values; the NLL is a single number, the "
                           "sum over all points.")
    return as_number(result, where)


@check(
    hints=(
        r"""Start from one point: the density of $t_i$ under $\mathcal N(\hat y_i,
        \sigma^2)$ is $\frac{1}{\sqrt{2\pi\sigma^2}}\exp\!\left(-\frac{(t_i-\hat
        y_i)^2}{2\sigma^2}\right)$. Take $-\log$ of it: the log undoes the exponential and
        leaves two terms.""",
        r"""Summed over the $N$ points, one of the two terms collects the squared errors,
        and the other is the same for every point, so it is multiplied by $N$ (`len(t)`).
        Sanity check with a single point where $t = \hat y$: only the normalising term is
        left.""",
    ),
    explanation=r"""
        For one point, $-\log\mathcal N(t_i \mid \hat y_i, \sigma^2) = \frac{(t_i-\hat
        y_i)^2}{2\sigma^2} + \frac12\log(2\pi\sigma^2)$. Summing over the $N$ points gives

        $$\mathrm{NLL} = \frac{\mathrm{SSE}}{2\sigma^2} + \frac{N}{2}\log(2\pi\sigma^2), \qquad \mathrm{SSE} = \sum_i (t_i - \hat y_i)^2.$$

        For a fixed $\sigma$ the second term is a constant, so minimising the NLL over the
        predictions is minimising the sum of squared errors (오차제곱합), and so the mean squared
        error (평균제곱오차).
        """,
)
def check_gaussian_nll(gaussian_nll):
    """Check ``gaussian_nll(t, y_hat, sigma)``: the Gaussian NLL of targets t around predictions."""
    for label, t, y_hat, sigma in _nll_cases():
        where = f"gaussian_nll(t, y_hat, {sigma:g}) for {label}"
        result = call_student(gaussian_nll, "gaussian_nll", t.copy(), y_hat.copy(), sigma)
        got = _as_total(result, t, y_hat, sigma, where)
        want = _nll_reference(t, y_hat, sigma)
        if close(got, want):
            continue
        hint = _nll_slip(got, t, y_hat, sigma)
        if hint is not None:
            raise StudentError(f"For {label}, {hint}")
        raise StudentError(f"{where} returned {got:.4g}, which is not the Gaussian NLL. Take -log "
                           "of each point's Gaussian density and add them up: each point gives "
                           "a squared-error term and a constant term.")
    return ("Correct: your NLL matches -sum log N(t_i | y_hat_i, sigma^2) on every data set we "
            "tried.")


# ------------------------------------------------------------------ exercise 2
def _constant_cases():
    """(label, t) probes: an outlier, an even and an odd size, unsorted data, one value."""
    h = heights()
    gen = np.random.default_rng(11)
    noisy = np.concatenate([gen.normal(50.0, 2.0, 98), [250.0, 400.0, -90.0]])
    return [
        ("the ten heights plus an outlier of 200 cm", np.append(h, 200.0)),
        ("t = [5, 1, 4, 2, 3] (not sorted)", np.array([5.0, 1.0, 4.0, 2.0, 3.0])),
        ("the ten heights", h),
        ("t = [-2, -1, 0.5, 40] (an even number of values)", np.array([-2.0, -1.0, 0.5, 40.0])),
        ("a single value t = [7]", np.array([7.0])),
        ("101 values with three outliers", gen.permutation(noisy)),
    ]


def _describe_got(name, label):
    return f"{name}(t) for {label}"


def _reject_constant(got, t, label, name, loss, best_loss, fix):
    """Raise the slip both functions share, or say *got* does not minimise *loss*.

    *loss* is "MSE" or "MAE"; *best_loss* is the smallest loss value (None where that value
    also minimises the loss, so returning it is no slip). No hint mentions a value.
    """
    n = t.size
    errors = "squared errors" if loss == "MSE" else "absolute errors"
    hint = None
    if n > 1 and best_loss is not None and close(got, best_loss):
        hint = (f"{name} returns the smallest {loss}, a loss value. Return the constant c that "
                "achieves it.")
    elif n > 1 and close(got, (t.min() + t.max()) / 2) and not close(t.min(), t.max()):
        hint = (f"{name} returns the midpoint between the smallest and the largest value. That "
                f"constant minimises the largest error, not the {errors}.")
    elif n > 1 and close(got, float(np.sum(t))):
        hint = f"{name} returns the sum of t; divide by the number of values, len(t)."
    if hint is not None:
        raise StudentError(f"For {label}, {hint}")
    raise StudentError(f"{_describe_got(name, label)} returned {got:.4g}, which does not "
                       f"minimise the {loss}. {fix}")


@check(
    hints=(
        r"""Treat the loss as a function of one number, $c$: $J(c) = \frac{1}{N}\sum_i (t_i
        - c)^2$ is a parabola in $c$, and its minimum is where its derivative is zero.""",
        r"""Differentiate term by term: each $(t_i - c)^2$ gives $-2(t_i - c)$. Setting the
        sum to zero, the $c$ terms collect on one side and the $t_i$ on the other. The
        outliers in the check's data are there on purpose: squared errors let a far-away
        value pull $c$ towards itself.""",
    ),
    explanation=r"""
        $$\frac{d}{dc}\,\frac{1}{N}\sum_i (t_i - c)^2 = -\frac{2}{N}\sum_i (t_i - c) = 0 \quad\Longrightarrow\quad c = \frac{1}{N}\sum_i t_i,$$

        the **mean** of the targets. Because the errors are squared, a single far-away value
        moves the mean a lot: MSE is sensitive to outliers.
        """,
)
def check_best_constant_mse(best_constant_mse):
    """Check ``best_constant_mse(t)``: the constant c that minimises mean((t - c)^2)."""
    for label, t in _constant_cases():
        where = _describe_got("best_constant_mse", label)
        got = as_number(call_student(best_constant_mse, "best_constant_mse", t.copy()), where)
        want = float(Gaussian(sigma=1.0).mle(t)["mu"])        # MLE of mu under Gaussian noise
        if close(got, want, scale=float(np.ptp(t)) or 1.0):   # float32 and minimisers pass
            continue
        c_ref = np.full_like(t, want)
        median = float(Laplace(b=1.0).mle(t)["mu"])
        if close(got, median):
            raise StudentError(f"For {label}, best_constant_mse returns the median. The median "
                               "minimises the absolute errors (MAE); set the derivative of "
                               "(1/N) sum (t_i - c)^2 to zero instead.")
        _reject_constant(got, t, label, "best_constant_mse", "MSE", float(mse(t, c_ref)),
                         "Set d/dc (1/N) sum (t_i - c)^2 = 0 and solve for c.")
    return ("Correct: best_constant_mse gives the minimiser of the MSE on every data set, "
            "outliers included.")


@check(
    hints=(
        r"""$|t_i - c|$ has no derivative at $t_i = c$, so think about the slope instead:
        moving $c$ up a little makes every value below $c$ cost a bit more and every value
        above $c$ cost a bit less. When is a move no longer worth it?""",
        r"""The mean absolute error (평균절대오차) stops falling where as many values lie above
        $c$ as below it, whatever their distances; an outlier counts only as one more value
        above or below. Which value sits in the middle once the data are sorted? With an
        even number of values, any $c$ between the two middle ones is a minimiser.""",
    ),
    explanation=r"""
        The slope of $\frac{1}{N}\sum_i |t_i - c|$ in $c$ is

        $$\frac{(\text{number of values below } c) - (\text{number of values above } c)}{N}.$$

        It is negative while fewer than half of the values lie below $c$ and positive once
        more than half do, so the minimum is at the **median**. Only the order of the values
        matters, not their size, which makes MAE robust to outliers.
        """,
)
def check_best_constant_mae(best_constant_mae):
    """Check ``best_constant_mae(t)``: a constant c that minimises mean(|t - c|).

    With an even number of values every c between the two middle values minimises the MAE,
    so any of them passes.
    """
    for label, t in _constant_cases():
        where = _describe_got("best_constant_mae", label)
        got = as_number(call_student(best_constant_mae, "best_constant_mae", t.copy()), where)
        median = float(Laplace(b=1.0).mle(t)["mu"])            # MLE of mu under Laplace noise
        best = float(mae(t, np.full_like(t, median)))
        # every c between the two middle values minimises the MAE (one value if N is odd);
        # a float32 median or a numerical minimiser lands within COMPUTED_RTOL of that set
        ordered = np.sort(t)
        lo, hi = ordered[(t.size - 1) // 2], ordered[t.size // 2]
        tol = COMPUTED_RTOL * max(abs(median), float(np.ptp(t)), 1.0)

        def minimises(c: float) -> bool:
            return lo - tol <= c <= hi + tol

        if minimises(got):
            continue
        mean = float(Gaussian(sigma=1.0).mle(t)["mu"])
        if close(got, mean) and not minimises(mean):
            raise StudentError(f"For {label}, best_constant_mae returns the mean, which an "
                               "outlier pulls far from the bulk of the data. The MAE is "
                               "smallest where as many values lie above c as below it.")
        if t.size > 1 and close(got, float(t[t.size // 2])) and not minimises(float(t[t.size // 2])):
            raise StudentError(f"For {label}, best_constant_mae returns the middle entry of t "
                               "as given, but t is not sorted. Take the middle of the sorted "
                               "values (np.sort or np.median).")
        _reject_constant(got, t, label, "best_constant_mae", "MAE",
                         None if minimises(best) else best,
                         "The slope of (1/N) sum |t_i - c| is (number below c - number above "
                         "c) / N: find where it changes sign.")
    return ("Correct: best_constant_mae gives a minimiser of the MAE on every data set; the "
            "outliers hardly move it.")


# ------------------------------------------------------------------ exercise 3
@check(
    hints=(
        r"""Two steps. First the maximum likelihood line: for Gaussian noise it is the
        least-squares line, whose slope and intercept `np.polyfit` returns. Then the spread
        of the data around *that* line, measured by the residuals $t_i - (w x_i + b)$.""",
        r"""Setting the derivative of the Gaussian NLL with respect to $\sigma$ to zero
        shows that the MLE of $\sigma^2$ is an average of squared residuals, dividing by $N$
        (not $N - 1$). The exercise asks for $\sigma$ itself, so finish with a square root.""",
    ),
    explanation=r"""
        With the least-squares line $\hat w, \hat b$, the NLL as a function of $\sigma$ is
        $\frac{\mathrm{SSE}}{2\sigma^2} + N\log\sigma + \text{const}$. Its derivative
        $-\frac{\mathrm{SSE}}{\sigma^3} + \frac{N}{\sigma}$ is zero at

        $$\hat\sigma^2 = \frac{\mathrm{SSE}}{N} = \mathrm{MSE}, \qquad \hat\sigma = \sqrt{\mathrm{MSE}}.$$

        For these 30 points $\hat\sigma \approx 1.79$: near, but not equal to, the noise
        level 2 used to make the data, as an estimate from a small sample should be.
        """,
)
def check_sigma_hat(sigma_hat, *, noise=2.0, rng=1):
    """Check ``sigma_hat``: the MLE of sigma for ``toy_regression(noise=noise, rng=rng)``.

    The model is t_i = w x_i + b + eps_i with eps_i ~ N(0, sigma^2); the MLE fits the
    least-squares line and takes sigma^2 as the mean squared residual.
    """
    got = as_number(sigma_hat, "sigma_hat")
    x, t = toy_regression(noise=noise, rng=rng)
    n = t.size
    w, b = np.polyfit(x, t, 1)
    residuals = t - (w * x + b)
    want = float(Gaussian(mu=0.0).mle(residuals)["sigma"])
    if close_typed(got, want):
        return (f"Correct{rounded_note(got, want)}: sigma_hat is the root of the mean squared residual of the "
                "least-squares line, the maximum likelihood estimate.")
    s = float(sse(t, w * x + b))
    if close_typed(got, want**2):
        raise StudentError("sigma_hat is the variance sigma^2 (the mean squared residual). "
                           "The exercise asks for sigma, the standard deviation.")
    if close_typed(got, s):
        raise StudentError("sigma_hat is the sum of squared residuals (SSE). sigma^2 is their "
                           "mean, and sigma its square root.")
    if close_typed(got, math.sqrt(s / (n - 1))) or close_typed(got, math.sqrt(s / (n - 2))):
        raise StudentError("sigma_hat divides the squared residuals by N - 1 or N - 2. That is "
                           "the unbiased estimate statisticians often report; the maximum "
                           "likelihood estimate divides by N.")
    if close_typed(got, noise):
        raise StudentError(f"sigma_hat = {noise:g} is the noise level used to generate the "
                           "data. The exercise asks for the estimate computed from the data.")
    if close_typed(got, float(np.std(t))) or close_typed(got, float(np.std(t, ddof=1))):
        raise StudentError("sigma_hat is the spread of t around its mean. The noise is the "
                           "spread around the fitted line: use the residuals t - (w x + b).")
    true_line = t - (2.0 * x + 1.0)
    if close_typed(got, math.sqrt(float(np.mean(true_line**2)))):
        raise StudentError("sigma_hat uses the residuals of the true line t = 2x + 1, which "
                           "the data do not tell you. Fit the line to the data first "
                           "(np.polyfit(x2, t2, 1)).")
    if close_typed(got, float(np.mean(np.abs(residuals)))):
        raise StudentError("sigma_hat is the mean absolute residual. The Gaussian MLE uses "
                           "squares of the residuals, not their absolute values.")
    if math.isfinite(got) and got <= 0:
        raise StudentError(f"sigma_hat = {got:.4g}, but a standard deviation is positive.")
    reject_near_miss(got, want, "sigma_hat")
    raise StudentError(f"sigma_hat = {got:.4g} is not the maximum likelihood estimate of sigma "
                       "for these data. Fit the least-squares line, take the residuals, and "
                       "find the sigma where the Gaussian NLL's derivative is zero.")
