"""Checks for lesson 00 (start here): two warm-up exercises on the phone survey.

Examples
--------
>>> from mlekit.exercises import lesson00 as ex
>>> _ = ex.check_android_share(0.7)
✓ Correct: the share of Android users in the survey. Lesson 04 shows it is also the maximum likelihood estimate.
"""

from __future__ import annotations

import math

from ..datasets import phone_survey
from ._core import (StudentError, as_number, check, close_typed, reject_near_miss,
                    rounded_note)

__all__ = ["check_android_share", "check_nll_from_likelihood"]


@check(
    hints=(
        r"""The survey is stored as ten 0/1 answers, with 1 meaning Android. A *share* is a
        count divided by the total: how many of the answers are 1, out of how many answers?""",
        r"""Adding up an array of 0s and 1s counts its 1s, and numpy can also average an
        array in one call: the average of 0/1 values is exactly the share of 1s. Print `x`
        first to see what you are working with.""",
    ),
    explanation=r"""
        `x` holds one entry per person: 1 for Android, 0 for iOS. Adding them counts the
        Android users, $\sum_i x_i = 7$, and dividing by the $n = 10$ answers gives the
        share $7/10 = 0.7$.

        That is the mean of the 0/1 values, $\bar x = \frac{1}{n}\sum_i x_i$, so `x.mean()`
        computes it in one step. Lesson 04 shows that this share is also the maximum
        likelihood estimate (최대우도 추정값) $\hat p$.
        """,
)
def check_android_share(android_share):
    """Check the share (a fraction between 0 and 1) of Android users in the survey."""
    x = phone_survey()
    got = as_number(android_share, "android_share")
    want = float(x.mean())
    if close_typed(got, want):
        return (f"Correct{rounded_note(got, want)}: the share of Android users in the survey. Lesson 04 shows it is also "
                "the maximum likelihood estimate.")
    if close_typed(got, float(x.sum())):
        raise StudentError(f"android_share = {got:g} is a count of people; divide by the number "
                           "of answers to get a share between 0 and 1.")
    if close_typed(got, 100 * want):
        raise StudentError(f"android_share = {got:g} looks like a percentage; give it as a "
                           "fraction between 0 and 1.")
    if close_typed(got, 1 - want):
        raise StudentError(f"android_share = {got:g} is the share of iOS users (x = 0); Android "
                           "answers are coded 1.")
    if not 0 <= got <= 1:
        raise StudentError(f"android_share = {got:g} is not between 0 and 1, so it cannot be a "
                           "share.")
    reject_near_miss(got, want, "android_share")
    raise StudentError(f"android_share = {got:g} is not the share of 1s in x: the "
                       "fraction of the answers that are Android (coded 1).")


@check(
    hints=(
        r"""Work in two steps: first the likelihood (우도) $L$ itself, a small positive
        number, then the negative log-likelihood (음의 로그 우도) from it. Two separate lines let
        you print and check each step.""",
        r"""`np.log` is the natural log. The log of a number below 1 is negative, so $-\log
        L$ must come out positive: if yours is negative, a minus sign is missing, and if it
        is a tiny number below 1, the log has not been taken at all.""",
    ),
    explanation=r"""
        The likelihood is $L = 0.7^7 \times 0.3^3 \approx 0.0022$. Taking the natural log
        and flipping the sign gives $\mathrm{NLL} = -\log L \approx 6.109$.

        The log also turns the product into a sum, $-\log L = -7\log 0.7 - 3\log 0.3$, which
        is how later lessons compute it without ever forming the tiny product.
        """,
)
def check_nll_from_likelihood(nll):
    """Check the NLL of the survey at p = 0.7, computed from its likelihood 0.7**7 * 0.3**3."""
    got = as_number(nll, "nll")
    likelihood = 0.7**7 * 0.3**3
    want = -math.log(likelihood)
    if close_typed(got, want):
        return (f"Correct{rounded_note(got, want)}: a likelihood of about 0.0022 is an NLL of about 6.1. Small likelihood, "
                "large NLL.")
    if close_typed(got, -want):
        raise StudentError(f"nll = {got:.4g} is negative: that is log L itself. The NLL is "
                           "minus the log of the likelihood.")
    if close_typed(got, -math.log10(likelihood)):
        raise StudentError(f"nll = {got:.4g} uses log base 10; the course uses the natural log "
                           "(np.log).")
    if close_typed(got, likelihood) or close_typed(got, 1 - likelihood):
        raise StudentError(f"nll = {got:.4g} is still on the probability scale; take the log "
                           "and flip the sign.")
    reject_near_miss(got, want, "nll")
    raise StudentError(f"nll = {got:.4g} is not the NLL of the survey at p = 0.7. "
                       "Compute the likelihood first, then take minus its natural log.")
