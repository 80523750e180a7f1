"""Checks for lesson 00 (start here): two warm-up exercises on the phone survey.

Examples
--------
>>> from mlekit.exercises import lesson00 as ex
>>> _ = ex.check_android_share(0.7)
✅ Correct: the share of Android users in the survey. Lesson 04 shows it is also the maximum likelihood estimate.
"""

from __future__ import annotations

import math

from ..datasets import phone_survey
from ._core import StudentError, as_number, check, close

__all__ = ["check_android_share", "check_nll_from_likelihood"]


@check
def check_android_share(android_share):
    """Check the share (a fraction between 0 and 1) of Android users in the survey."""
    x = phone_survey()
    got = as_number(android_share, "android_share")
    want = float(x.mean())
    if close(got, want):
        return ("Correct: the share of Android users in the survey. Lesson 04 shows it is also "
                "the maximum likelihood estimate.")
    if close(got, float(x.sum())):
        raise StudentError(f"android_share = {got:g} is a count of people; divide by the number "
                           "of answers to get a share between 0 and 1.")
    if close(got, 100 * want):
        raise StudentError(f"android_share = {got:g} looks like a percentage; give it as a "
                           "fraction between 0 and 1.")
    if close(got, 1 - want):
        raise StudentError(f"android_share = {got:g} is the share of iOS users (x = 0); Android "
                           "answers are coded 1.")
    if not 0 <= got <= 1:
        raise StudentError(f"android_share = {got:g} is not between 0 and 1, so it cannot be a "
                           "share.")
    raise StudentError(f"android_share = {got:g} is not the share of 1s in x. Try x.mean(), or "
                       "count the 1s and divide by len(x).")


@check
def check_nll_from_likelihood(nll):
    """Check the NLL of the survey at p = 0.7, computed from its likelihood 0.7**7 * 0.3**3."""
    got = as_number(nll, "nll")
    likelihood = 0.7**7 * 0.3**3
    want = -math.log(likelihood)
    if close(got, want):
        return ("Correct: a likelihood of about 0.0022 is an NLL of about 6.1. Small likelihood, "
                "large NLL.")
    if close(got, -want):
        raise StudentError(f"nll = {got:.4g} is negative: that is log L itself. The NLL is "
                           "minus the log of the likelihood.")
    if close(got, -math.log10(likelihood)):
        raise StudentError(f"nll = {got:.4g} uses log base 10; the course uses the natural log "
                           "(np.log).")
    if close(got, likelihood) or close(got, 1 - likelihood):
        raise StudentError(f"nll = {got:.4g} is still on the probability scale; take the log "
                           "and flip the sign.")
    raise StudentError(f"nll = {got:.4g} is not -log(0.7**7 * 0.3**3). Compute the likelihood "
                       "first, then apply -np.log.")
