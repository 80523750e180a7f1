"""Checks for lesson 02, the log-likelihood (로그 우도) and floating-point underflow.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson02 as ex
>>> fb = ex.check_bernoulli_log_likelihood(
...     lambda x, p: np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)))
✓ Correct: your sum of logs is right everywhere, even on 5000 answers whose product underflows.
>>> bool(fb)
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..datasets import phone_survey
from ..models import Bernoulli
from ._core import StudentError, as_array_or_none, as_number, call_student, check, close

__all__ = ["check_bernoulli_log_likelihood", "check_first_zero_n"]

_NAME = "bernoulli_log_likelihood"
_LARGE_N = 5000


def _small_cases():
    """(description, x, p): small data sets whose likelihood is still a normal float."""
    model = Bernoulli()
    return [
        ("the phone survey", phone_survey(), 0.7),
        ("the phone survey", phone_survey(), 0.25),
        ("a single iOS answer x = [0]", np.array([0]), 0.2),
        ("three Android answers x = [1, 1, 1]", np.array([1, 1, 1]), 0.9),
        ("a sample of 40 answers", model.sample(40, rng=2, p=0.4), 0.55),
    ]


def _large_case():
    """A sample so large that the product of its probabilities underflows to 0.0."""
    return Bernoulli().sample(_LARGE_N, rng=1, p=0.7), 0.65


def _call(func, x, p):
    """Call the student's function on a copy of x; numpy warnings stay quiet (we diagnose)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        out = call_student(func, _NAME, x.copy(), p)
    if out is None:
        raise StudentError(f"{_NAME} returned None: did you forget the `return` line?")
    if out is not None and not callable(out) and not isinstance(out, str):
        arr = as_array_or_none(out)
        if arr is not None and arr.size == x.size > 1:
            raise StudentError(f"{_NAME} returned {x.size} values, one per answer. The "
                               "log-likelihood is a single number: add the logs up with np.sum.")
    return as_number(out, f"{_NAME}(x, {p})")


def _diagnose_small(got, x, p, where):
    """Raise the hint for the usual slips on a small data set (never shows the reference)."""
    model = Bernoulli()
    want = float(model.log_likelihood(x, p=p))
    k, n = float(x.sum()), x.size
    at = f"For {where} at p = {p}, {_NAME}"
    if close(got, math.exp(want)):
        raise StudentError(f"{at} returned the likelihood (the product of the probabilities), "
                           "not its log. Take the log of each probability and add the logs.")
    if n - k and close(got, k * math.log(p)):
        raise StudentError(f"{at} only counts the successes: you forgot the (1 - x) log(1 - p) "
                           "term, which every 0 (iOS) answer contributes.")
    if k and close(got, (n - k) * math.log(1 - p)):
        raise StudentError(f"{at} only counts the failures: you forgot the x log p term, which "
                           "every 1 (Android) answer contributes.")
    if close(got, -want):
        raise StudentError(f"{at} has the wrong sign: that is the negative log-likelihood "
                           "(lesson 03). A log-likelihood is at most 0, because every "
                           "probability is at most 1.")
    if n > 1 and close(got, want / n):
        raise StudentError(f"{at} returned the mean of the logs; this exercise wants their sum.")
    if close(got, want / math.log(10)):
        raise StudentError(f"{at} used log base 10. The course's log is the natural log: "
                           "use np.log.")
    if k != n - k and close(got, k * math.log(1 - p) + (n - k) * math.log(p)):
        raise StudentError(f"{at} swapped p and 1 - p: an answer x = 1 has probability p, an "
                           "answer x = 0 has probability 1 - p.")
    if got > 0:
        raise StudentError(f"{at} returned {got:.4g}, a positive number. Each probability is at "
                           "most 1, so each log is at most 0 and so is their sum.")
    raise StudentError(f"{at} returned {got:.4g}, which is not the "
                       "log-likelihood: the sum over the answers of the log of each answer's "
                       "probability.")


@check(
    hints=(
        r"""Each answer contributes one log-probability: $\log p$ for a 1 and $\log(1-p)$
        for a 0. The formula $x_i\log p + (1-x_i)\log(1-p)$ picks the right one by itself,
        because one of $x_i$ and $1 - x_i$ is always 0.""",
        r"""Let numpy work on the whole array: `x * np.log(p)` is an array with one entry
        per answer. Add the per-answer terms at the very end. Never form the product of the
        probabilities first: for thousands of answers it underflows (언더플로) to 0.0, and no
        log can bring it back.""",
    ),
    explanation=r"""
        The log of a product is the sum of the logs:

        $$\log L(p) = \log\prod_i P(x_i) = \sum_i \big[x_i\log p + (1-x_i)\log(1-p)\big].$$

        With numpy the per-answer terms form one array and `np.sum` adds them. Each term is
        an ordinary negative number (for example $\log 0.75 \approx -0.29$), so the sum
        stays finite however many answers there are: no product, no underflow.
        """,
)
def check_bernoulli_log_likelihood(bernoulli_log_likelihood):
    """Check ``bernoulli_log_likelihood(x, p)``: the sum over i of x_i log p + (1 - x_i) log(1 - p).

    Small data sets first (where the usual slips are diagnosed), then a sample
    of 5000 answers whose plain product underflows to 0.0.
    """
    model = Bernoulli()
    for where, x, p in _small_cases():
        got = _call(bernoulli_log_likelihood, x, p)
        if not close(got, float(model.log_likelihood(x, p=p))):
            _diagnose_small(got, x, p, where)
    x, p = _large_case()
    where = f"a sample of {_LARGE_N} answers"
    try:
        got = _call(bernoulli_log_likelihood, x, p)
    except StudentError as exc:
        raise StudentError(f"It works on the small data sets, but on {where}: "
                           f"{str(exc).rstrip('.')}. Did you "
                           "take the log of the product? The product of thousands of "
                           "probabilities underflows to 0.0 and log(0) fails: sum the logs "
                           "instead.") from None
    if math.isinf(got) and got < 0:
        raise StudentError(f"On {where}, {_NAME} returned -inf, although it works on the small "
                           "data sets: you took the log of the product, which underflowed to "
                           "0.0 first (log 0 = -inf). Take the log of each probability and sum "
                           "the logs.")
    if got == 0.0:
        raise StudentError(f"On {where}, {_NAME} returned 0.0: the product of the probabilities "
                           "underflowed. Sum the logs of the probabilities instead.")
    if not close(got, float(model.log_likelihood(x, p=p))):
        raise StudentError(f"On {where} at p = {p}, {_NAME} returned {got:.6g}, which is not the "
                           "log-likelihood; it is right on the small data sets, so look for a step that depends on the sample size.")
    return (f"Correct: your sum of logs is right everywhere, even on {_LARGE_N} answers whose "
            "product underflows.")


@functools.lru_cache(maxsize=1)
def _first_zero_by_brute_force() -> int:
    """The smallest n with np.prod(np.full(n, 0.5)) == 0.0, found by trying n = 1, 2, 3, ..."""
    n = 1
    while np.prod(np.full(n, 0.5)) != 0.0:
        n += 1
    return n


@check(
    hints=(
        r"""Halving a float loses no precision for a long time: $0.5^n$ is stored exactly
        until it falls below the smallest *normal* float. Below that the floats are
        *subnormal*: they keep fewer and fewer digits, and only at the very end does the
        product become exactly 0.0.""",
        r"""A loop is the surest way: start at $n = 1$, increase $n$ while the product is
        still above 0.0, and stop at the first $n$ that gives exactly 0.0. To reason it out
        instead, look at `np.finfo(float).smallest_subnormal`: it is a power of two,
        $2^{-k}$. What happens when you halve it once more?""",
    ),
    explanation=r"""
        The smallest positive double is the subnormal $2^{-1074} \approx 4.9 \times
        10^{-324}$ (`np.finfo(float).smallest_subnormal`), and the product of 1074 halves is
        exactly that number. One more halving gives $2^{-1075}$, which lies exactly halfway
        between 0 and $2^{-1074}$; IEEE rounding (round half to even) sends it to 0.0. So
        the first $n$ is **1075**.

        A likelihood of a thousand answers, each with probability 0.5, already sits at this
        wall, which is why we add logs instead of multiplying probabilities.
        """,
)
def check_first_zero_n(first_zero_n):
    """Check the smallest n for which the floating-point product of n halves is exactly 0.0."""
    got = as_number(first_zero_n, "first_zero_n")
    if got <= 0:
        raise StudentError(f"first_zero_n is {got:.4g}, but it counts how many halves are "
                           "multiplied: a positive whole number. (The value of the product is "
                           "not the answer; the count n is.)")
    if got < 1:
        raise StudentError(f"first_zero_n = {got:.4g} looks like a value of the product, a tiny "
                           "float. This exercise wants n, the number of halves multiplied.")
    if not math.isfinite(got) or got != int(got):
        raise StudentError(f"first_zero_n = {got:.6g} is not a whole number; it counts how many "
                           "halves are multiplied.")
    n = int(got)
    want = _first_zero_by_brute_force()
    if n == want:
        return ("Correct: that many halves take the product below the smallest subnormal float, "
                "and it rounds to exactly 0.0.")
    if n == want - 1:
        raise StudentError(f"Off by one: np.prod(np.full({n}, 0.5)) is not 0.0 yet, it is the "
                           "smallest positive (subnormal) float. Multiply by one more half and "
                           "look again.")
    if n == want + 1:
        raise StudentError(f"Off by one: the product of {n} halves is 0.0, but it was already "
                           "0.0 with one half fewer. You want the first n that gives 0.0.")
    if n < want:
        product = float(np.prod(np.full(n, 0.5)))
        tiny = float(np.finfo(float).tiny)
        hint = ""
        if tiny / 2 <= product <= 2 * tiny:
            hint = (" That is about np.finfo(float).tiny, the smallest *normal* float; below "
                    "it the subnormal floats keep the product alive a while longer.")
        raise StudentError(f"np.prod(np.full({n}, 0.5)) is {product:.4g}, not 0.0 yet.{hint} "
                           "Try n = 1, 2, 3, ... in a loop until the product is exactly 0.0.")
    raise StudentError(f"The product of {n} halves is 0.0, but it already was 0.0 for a smaller "
                       "n. Try n = 1, 2, 3, ... in a loop and stop at the first 0.0.")
