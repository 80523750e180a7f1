"""Checks for lesson 04, the phone survey (7 of 10 people use Android).

Examples
--------
>>> from mlekit.exercises import lesson04 as ex
>>> fb = ex.check_nll_gradient(lambda p: -7 / p + 3 / (1 - p))
✓ Correct: your gradient matches -dlog L/dp at every p we tried, and it is zero at the MLE.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

from ..models import Bernoulli
from ._core import (StudentError, as_number, call_student, check, close, close_typed,
                    reject_near_miss, rounded_note)

__all__ = ["check_nll_gradient", "check_p_hat", "check_gd_step"]

_K, _N = 7, 10
_PROBES = (0.05, 0.3, 0.5, 0.7, 0.9, 0.99)


def _survey():
    return [1] * _K + [0] * (_N - _K)


@check(
    hints=(
        r"""The NLL is a sum of two terms, one for the Android answers and one for the iOS
        answers. Differentiate each term on its own and add the results: the derivative of a
        sum is the sum of the derivatives.""",
        r"""Two facts are all you need: $\frac{d}{dp}\log p = \frac{1}{p}$, and, by the chain
        rule (연쇄 법칙), $\frac{d}{dp}\log(1-p) = \frac{1}{1-p}\cdot\frac{d(1-p)}{dp}$. Keep
        the minus sign that stands in front of each term of the NLL.""",
    ),
    explanation=r"""
        Write the NLL term by term, $\mathrm{NLL}(p) = -7\log p - 3\log(1-p)$.

        - The Android term gives $-7 \cdot \frac{1}{p}$.
        - For the iOS term the chain rule gives
          $\frac{d}{dp}\log(1-p) = \frac{1}{1-p}\cdot(-1)$, so $-3\log(1-p)$ contributes
          $+\frac{3}{1-p}$.

        Together $\dfrac{d\,\mathrm{NLL}}{dp} = -\dfrac{7}{p} + \dfrac{3}{1-p}$. It is zero
        where $7(1-p) = 3p$, at $\hat p = 0.7$, the maximum likelihood estimate (최대우도 추정값).
        """,
)
def check_nll_gradient(nll_gradient):
    """Check ``nll_gradient(p)``, the derivative of the survey's NLL with respect to p."""
    model, x = Bernoulli(), _survey()
    for p in _PROBES:
        got = as_number(call_student(nll_gradient, "nll_gradient", p), f"nll_gradient({p})")
        want = float(model.nll_grad(x, p=p)["p"])
        if close(got, want):
            continue
        # diagnose the usual slips (never reveal the right value)
        if close(got, -want):
            raise StudentError(f"nll_gradient({p}) has the wrong sign. The NLL is -log L, so its "
                               "derivative carries that minus sign too.")
        if close(got, -_K / p):
            raise StudentError(f"nll_gradient({p}) = {got:.4g} only has the Android term; the 3 "
                               "iOS answers add a term from 3 log(1 - p).")
        if close(got, -_K / p - (_N - _K) / (1 - p)):
            raise StudentError(f"nll_gradient({p}) = {got:.4g}: check the sign of the iOS term. "
                               "The chain rule brings in the derivative of the inner 1 - p.")
        if close(got, want / _N):
            raise StudentError(f"nll_gradient({p}) = {got:.4g} is the gradient of the mean NLL "
                               "(divided by 10). This exercise wants the summed NLL.")
        raise StudentError(f"nll_gradient({p}) returned {got:.4g}, which is not the derivative "
                           "of NLL(p) = -7 log p - 3 log(1 - p). Differentiate term by term.")
    return ("Correct: your gradient matches -dlog L/dp at every p we tried, and it is zero at "
            "the MLE.")


@check(
    hints=(
        r"""Do for $k$ of $n$ what the lesson did for 7 of 10, with letters instead of numbers:
        write the NLL of $k$ successes and $n - k$ failures, differentiate it with respect to
        $p$, and find where the derivative is zero.""",
        r"""After you set the derivative to zero, multiply both sides by $p(1-p)$: what is left
        is linear in $p$. Then test your formula on the edges: a survey with $k = 0$ should
        give 0, and one with $k = n$ should give 1.""",
    ),
    explanation=r"""
        The NLL of $k$ successes in $n$ answers is $-k\log p - (n-k)\log(1-p)$, and its
        derivative is $-\frac{k}{p} + \frac{n-k}{1-p}$. Setting it to zero and multiplying by
        $p(1-p)$ gives $k(1-p) = (n-k)\,p$, that is $k = np$, so

        $$\hat p = \frac{k}{n},$$

        the share of successes. At $k = 0$ and $k = n$ the derivative has no zero inside
        $(0, 1)$, but the likelihood grows all the way to the edge, so $\hat p$ is 0 or 1: the
        same formula still holds.
        """,
)
def check_p_hat(p_hat):
    """Check ``p_hat(k, n)``, the maximum likelihood estimate for k successes in n trials."""
    cases = [(7, 10), (70, 100), (0, 5), (5, 5), (1, 3), (123, 1000)]
    for k, n in cases:
        got = as_number(call_student(p_hat, "p_hat", k, n), f"p_hat({k}, {n})")
        want = float(Bernoulli().mle([1] * k + [0] * (n - k))["p"])
        if close(got, want):
            continue
        if close(got, 1 - want):
            raise StudentError(f"p_hat({k}, {n}) = {got:.4g} estimates the share of failures. "
                               "p is the probability of a success (Android).")
        if n - k and close(got, k / (n - k)):
            raise StudentError(f"p_hat({k}, {n}) = {got:.4g} divides by the number of failures; "
                               "divide by the number of answers instead.")
        raise StudentError(f"p_hat({k}, {n}) returned {got:.4g}. Set the derivative "
                           "-k/p + (n - k)/(1 - p) to zero and solve for p.")
    return "Correct: p_hat works for any k and n, including k = 0 and k = n."


@check(
    hints=(
        r"""Gradient descent (경사 하강법) needs the slope where you stand: evaluate the NLL's
        derivative at $p = 0.2$ first (your `nll_gradient` from exercise 1 does it, if its
        check passed).""",
        r"""At $p = 0.2$ the NLL falls as $p$ grows (the MLE lies to the right), so the gradient
        there is negative and a correct step must *increase* $p$. Scale the gradient by the
        learning rate $\alpha = 0.01$ before you step.""",
    ),
    explanation=r"""
        One step is $p^{+} = p - \alpha\,\dfrac{d\,\mathrm{NLL}}{dp}$. At $p = 0.2$ the
        gradient is $-\frac{7}{0.2} + \frac{3}{0.8} = -35 + 3.75 = -31.25$, so the step moves
        $p$ by $-0.01 \times (-31.25) = +0.3125$, to $p^{+} = 0.5125$: towards the MLE 0.7,
        because the gradient points uphill and we step the other way.
        """,
)
def check_gd_step(p_next, *, p=0.2, lr=0.01):
    """Check one gradient-descent step on the survey NLL from ``p`` with learning rate ``lr``."""
    got = as_number(p_next, "p_next")
    grad = float(Bernoulli().nll_grad(_survey(), p=p)["p"])
    want = p - lr * grad
    if close_typed(got, want):
        return (f"Correct{rounded_note(got, want)}: one step moved p from {p} towards the MLE 0.7, against the "
                "gradient.")
    if close_typed(got, p + lr * grad):
        raise StudentError("p_next moved uphill: gradient descent steps against the gradient, "
                           "so the scaled gradient is subtracted, not added.")
    if close_typed(got, p - grad):
        raise StudentError(f"p_next = {got:.4g} took a full gradient step; multiply the gradient "
                           f"by the learning rate lr = {lr} first.")
    if math.isfinite(got) and not 0 < got < 1:
        raise StudentError(f"p_next = {got:.4g} is not a probability; recompute the gradient "
                           f"at p = {p}.")
    reject_near_miss(got, want, "p_next")
    raise StudentError(f"p_next = {got:.4g} is not one step of p - lr * gradient from p = {p}.")
