"""Checks for lesson 03, the negative log-likelihood (음의 로그 우도) of the phone survey.

The survey: 10 answers, 7 Android (x = 1) and 3 iOS (x = 0). Each check
compares the student's answer with :class:`mlekit.models.Bernoulli` on several
inputs, names the usual slip when it recognises one, and never prints the
reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson03 as ex
>>> fb = ex.check_survey_nll(lambda p: -7 * np.log(p) - 3 * np.log(1 - p))
✓ Correct: your NLL matches -log L(p) at every p we tried, and it is smallest at p = 0.7.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..models import Bernoulli
from ._core import (StudentError, as_number, call_student, check, close, reject_per_sample,
                    typed_answer)

__all__ = ["check_survey_nll", "check_mean_nll", "check_surprise_ios"]

_K, _N = 7, 10
#: probes for survey_nll; p = 0.5 first, so most messages quote the same familiar point
_PROBES = (0.5, 0.7, 0.3, 0.9, 0.05, 0.99)
_LN10, _LN2 = math.log(10.0), math.log(2.0)


def _survey():
    return np.array([1] * _K + [0] * (_N - _K))


# ------------------------------------------------------------------ exercise 1
def _diagnose_survey_nll(got: float, p: float) -> str | None:
    """The hint for a recognised slip in survey_nll(p), or None."""
    want = float(Bernoulli().nll(_survey(), p=p))
    at = f"Your NLL at p = {p:g} is {got:.4g}"
    if close(got, -want):
        # never print the value here: it is the right answer with a minus sign
        return (f"Your NLL at p = {p:g} is negative: that is the log-likelihood log L(p). "
                "The NLL is its negative: did you forget the minus sign?")
    if close(got, -_K * math.log(p)):
        return (f"{at}; the survey has 10 answers, did you leave out the 3 iOS users? "
                "Each iOS answer adds its own surprise, with the probability of iOS.")
    if close(got, -(_N - _K) * math.log(1 - p)):
        return (f"{at}; the survey has 10 answers, did you leave out the 7 Android users? "
                "Each of them adds -log p.")
    if close(got, want / _N):
        return (f"{at}, which is the mean over the 10 answers (NLL / 10). This exercise wants "
                "the sum: drop the division by 10.")
    if close(got, want / _LN10):
        return (f"{at}: you used log base 10 (np.log10). The NLL uses the natural log, "
                "np.log.")
    if close(got, want / _LN2):
        return (f"{at}: you used log base 2 (np.log2). The NLL uses the natural log, "
                "np.log.")
    if close(got, float(Bernoulli().nll(1 - _survey(), p=p))):
        # no value here: the swapped NLL at p is the right NLL at 1 - p, another probe
        return (f"Your NLL at p = {p:g} has the counts swapped. p is the probability of "
                "Android, so the 7 Android answers go with log p and the 3 iOS answers with "
                "log(1 - p).")
    if close(got, float(Bernoulli().likelihood(_survey(), p=p))):
        return (f"{at}, which is the likelihood L(p) = p^7 (1 - p)^3 itself. The NLL is "
                "-log L(p): take the log, then flip the sign.")
    return None


@check(
    hints=(
        r"""The negative log-likelihood (음의 로그 우도) is $-\log L(p)$. Write down the
        likelihood of 7 Android and 3 iOS answers first; then turn the log of that product
        into a sum before you put the minus sign in front.""",
        r"""Each Android answer has probability $p$ and each iOS answer $1-p$. Repeated
        factors in the likelihood are powers, and the log turns a power into a factor in
        front: $\log a^k = k\log a$. Use `np.log`, so that your function also works on an
        array of $p$ values; its smallest value should be at the MLE.""",
    ),
    explanation=r"""
        The likelihood is $L(p) = p^7(1-p)^3$, so

        $$\log L(p) = 7\log p + 3\log(1-p), \qquad \mathrm{NLL}(p) = -7\log p - 3\log(1-p).$$

        Flipping the sign turns the maximisation of $L$ into the minimisation of a loss: the
        NLL is smallest at $p = 0.7$, exactly where the likelihood is largest.
        """,
)
def check_survey_nll(survey_nll):
    """Check ``survey_nll(p)``, the phone survey's negative log-likelihood at p."""
    model, x = Bernoulli(), _survey()
    for p in _PROBES:
        got = as_number(call_student(survey_nll, "survey_nll", p), f"survey_nll({p:g})")
        want = float(model.nll(x, p=p))
        if close(got, want):
            continue
        hint = _diagnose_survey_nll(got, p)
        if hint is not None:
            raise StudentError(hint)
        raise StudentError(f"Your NLL at p = {p:g} is {got:.4g}, which is not "
                           "-log L(p) for the survey. Write one -log term per answer and add "
                           "them up: 7 Android terms and 3 iOS terms.")
    return ("Correct: your NLL matches -log L(p) at every p we tried, and it is smallest at "
            "p = 0.7.")


# ------------------------------------------------------------------ exercise 2
#: (data, p) pairs for mean_nll: the survey, all ones, all zeros, one answer, a long seeded run
def _mean_nll_cases():
    long = (np.random.default_rng(3).random(500) < 0.35).astype(np.int64)
    return [
        (_survey(), 0.5),
        (_survey(), 0.7),
        (np.ones(4, dtype=np.int64), 0.8),
        (np.zeros(5, dtype=np.int64), 0.1),
        (np.array([0]), 0.6),
        (np.array([1, 0, 0, 1, 0, 0]), 0.25),
        (long, 0.4),
    ]


def _describe_data(x) -> str:
    k, n = int(x.sum()), int(x.size)
    if n == _N and k == _K:
        return "the survey (7 ones, 3 zeros)"
    if k == n:
        return f"{n} ones"
    if k == 0:
        return f"{n} zero" + ("s" if n > 1 else "")
    return f"{n} answers ({k} ones, {n - k} zeros)"


def _as_mean(result, x, p, where: str) -> float:
    """The student's result as one number; a per-sample array gets its own hint."""
    per_sample = -np.asarray(Bernoulli().log_density(x, p=p), dtype=float)
    reject_per_sample(result, per_sample, where, "surprise per answer", "average them")
    return as_number(result, where)


@check(
    hints=(
        r"""Do not type the survey's numbers in: the check also uses other data, such as all
        ones or a single answer. Compute everything from `x` itself: the surprise of each
        answer, how many answers there are, and their average.""",
        r"""Build one array of surprises, one per answer: $-\log p$ where $x_i = 1$ and
        $-\log(1-p)$ where $x_i = 0$ (the same $x_i$ and $1 - x_i$ trick as in lesson 02).
        Turn `x` into a numpy array first, so that a plain list works as well.""",
    ),
    explanation=r"""
        The mean NLL is the average surprise of the answers:

        $$-\frac{1}{N}\sum_i \log P(x_i), \qquad \log P(x_i) = x_i\log p + (1-x_i)\log(1-p).$$

        With $k$ ones among $N$ answers it equals $-\frac{k}{N}\log p -
        \frac{N-k}{N}\log(1-p)$. Dividing by $N$ does not move the minimum; it only makes
        the losses of data sets of different sizes comparable. For the survey at $p = 0.7$
        it is $6.109 / 10 \approx 0.611$.
        """,
)
def check_mean_nll(mean_nll):
    """Check ``mean_nll(x, p)``, the NLL averaged over the answers, for any 0/1 data x."""
    model = Bernoulli()
    for x, p in _mean_nll_cases():
        where = f"mean_nll(x, {p:g}) for {_describe_data(x)}"
        result = call_student(mean_nll, "mean_nll", x.copy(), p)
        got = _as_mean(result, x, p, where)
        want = float(model.nll(x, p=p, reduction="mean"))
        if close(got, want):
            continue
        k, n = int(x.sum()), int(x.size)
        if n > 1 and close(got, want * n):
            raise StudentError(f"{where} is {got:.4g}: that is the summed NLL. The mean divides "
                               f"it by the number of answers, here n = {n}.")
        if close(got, -want):
            raise StudentError(f"{where} is negative: that is the mean log-likelihood. Put a "
                               "minus sign in front, so the loss is -log of each probability.")
        if close(got, float(model.nll(_survey(), p=p, reduction="mean"))) and (k, n) != (_K, _N):
            raise StudentError(f"{where} is {got:.4g}, the value for the phone survey: the 7 "
                               "and 3 seem to be typed in. Count the ones and zeros of x "
                               "instead, e.g. with x.sum() and len(x).")
        if close(got, float(model.nll(1 - x, p=p, reduction="mean"))):
            raise StudentError(f"{where} has ones and zeros swapped. An answer x = 1 has "
                               "probability p, an answer x = 0 has 1 - p.")
        if close(got, want / _LN10):
            raise StudentError(f"{where} is {got:.4g}: you used log base 10. Use the natural "
                               "log, np.log.")
        if 0 < k < n and (close(got, want * n / k) or close(got, want * n / (n - k))):
            raise StudentError(f"{where} is {got:.4g}: divide by the number of all answers "
                               f"(n = {n}), not by the number of ones or of zeros.")
        raise StudentError(f"{where} is {got:.4g}, which is not the average of "
                           "-log p(x_i) over the answers. Compute the surprise of every answer "
                           "under its own probability, then average over all answers.")
    return ("Correct: mean_nll works for the survey, all ones, all zeros, a single answer "
            "and 500 answers.")


# ------------------------------------------------------------------ exercise 3
@check(
    hints=(
        r"""Self-information (정보량) measures surprise: $I = -\log P$ of the outcome that
        happened, so the rarer the outcome, the larger the surprise. First ask: at $p =
        0.7$, what is the probability of one single iOS answer?""",
        r"""In this course $p$ is the probability of Android. *Nats* means the natural log
        (`np.log`); bits would use `np.log2`. Sanity check: iOS is the rarer answer, so its
        surprise must be larger than that of an Android answer, $-\log 0.7 \approx 0.36$
        nats.""",
    ),
    explanation=r"""
        At $p = 0.7$ one iOS answer has probability $1 - 0.7 = 0.3$, so its self-information
        is

        $$I(\text{iOS}) = -\ln 0.3 \approx 1.204 \text{ nats},$$

        against $-\ln 0.7 \approx 0.357$ nats for an Android answer. The survey's NLL is the
        sum of the ten surprises: $7 \times 0.357 + 3 \times 1.204 \approx 6.109$.
        """,
)
def check_surprise_ios(surprise_ios, *, p=0.7):
    """Check ``surprise_ios``: the self-information of one iOS answer at p, in nats."""
    got = as_number(surprise_ios, "surprise_ios")
    q = 1.0 - p                               # probability of an iOS answer
    want = -math.log(q)
    said = f"surprise_ios = {got:.4g}"
    slips = [   # (what the slip gives, its hint), tried in this order
        (-want, "surprise_ios is negative, but a surprise -log P is never negative "
                "(P <= 1, so log P <= 0). Check the minus sign."),
        (-np.log(p), f"{said} is the surprise of an Android answer. An iOS answer has "
                     f"probability 1 - p at p = {p:g}."),
        (q, f"{said} is the probability of an iOS answer. The surprise is -log of that "
            "probability."),
        (p, f"{said} is the probability of an Android answer. Use the probability of iOS, "
            "1 - p, and take -log of it."),
        (want / _LN2, f"{said} is in bits (log base 2). This exercise wants nats: use the "
                      "natural log, np.log."),
        (want / _LN10, f"{said} uses log base 10. This exercise wants nats: use the natural "
                       "log, np.log."),
        (1.0 / q, f"{said} is 1 / P. The surprise is -log P, not its reciprocal."),
        ((_N - _K) * want, f"{said} counts all 3 iOS answers together. The exercise asks for "
                           "the surprise of one answer."),
        (float(Bernoulli().nll(_survey(), p=p, reduction="mean")),
         f"{said} is the mean surprise of all 10 answers. The exercise asks for one iOS "
         "answer only."),
    ]
    return typed_answer(
        got, want, "surprise_ios",
        f"an iOS answer is less likely than an Android one at p = {p:g}, so it is the more "
        "surprising of the two.",
        slips,
        f"{said} is not -log P(iOS) at p = {p:g}. The probability of one iOS answer is 1 - p; "
        "take minus its natural log.")
