"""Checks for lesson 08, information theory: entropy (엔트로피) and KL divergence (쿨백-라이블러 발산).

Each check compares the student's answer with :mod:`mlekit.information` on
several inputs (zero probabilities and certain outcomes included), names the
usual slip when it recognises one, and never prints the reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson08 as ex
>>> fb = ex.check_entropy_bits(lambda p: -np.sum(p[p > 0] * np.log2(p[p > 0])))
✓ Correct: entropy_bits matches H(p) in bits on every distribution we tried, zeros and certain outcomes included.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from .. import information
from ._core import (StudentError, as_array_or_none, as_number, call_student, check, close,
                    close_arrays, typed_answer)

__all__ = ["check_entropy_bits", "check_kl", "check_h_die"]

_LN2, _LN10 = math.log(2.0), math.log(10.0)

#: probability vectors for entropy_bits: a plain one first (most slips show up there),
#: then uniform, the worked example, a zero entry, one-hot, and a single certain outcome
_ENTROPY_PROBES = (
    (0.7, 0.3),
    (0.25, 0.25, 0.25, 0.25),
    (0.2, 0.1, 0.65, 0.05),
    (0.2, 0.0, 0.8),
    (1.0, 0.0),
    (1.0,),
)

#: (p, q) pairs for kl: asymmetric first, then uniform q, p = q, a zero in p, a one-hot p,
#: and a q that rules out an outcome p produces (KL = inf)
_KL_PROBES = (
    ((0.7, 0.3), (0.5, 0.5)),
    ((0.2, 0.1, 0.65, 0.05), (0.25, 0.25, 0.25, 0.25)),
    ((0.2, 0.3, 0.5), (0.2, 0.3, 0.5)),
    ((0.0, 0.4, 0.6), (0.3, 0.3, 0.4)),
    ((1.0, 0.0), (0.9, 0.1)),
    ((0.5, 0.5), (1.0, 0.0)),
)


def _vec(values) -> str:
    """A probability vector as short text, e.g. ``[0.7, 0.3]``."""
    return "[" + ", ".join(f"{float(v):g}" for v in values) + "]"


def _nan_from_zeros(arr, where: str, zeros: bool, fix: str) -> None:
    """A NaN caused by 0 * log(0) gets its own hint; *fix* says how to skip the zeros."""
    if arr is not None and arr.size == 1 and math.isnan(float(arr.reshape(()))) and zeros:
        raise StudentError(f"{where} returned nan: numpy computes 0 * log(0) as nan, but an "
                           "outcome with probability 0 adds nothing (the convention is "
                           f"0 log 0 = 0). {fix}")


# ------------------------------------------------------------------ exercise 1
def _entropy_terms_bits(p: np.ndarray) -> np.ndarray:
    """The terms -p_k log2 p_k (0 for p_k = 0), for recognising an unsummed answer."""
    seen = p > 0
    terms = np.zeros_like(p)
    terms[seen] = -p[seen] * np.log2(p[seen])
    return terms


@check(
    hints=(
        r"""Entropy (엔트로피) is the average surprise: outcome $k$ has surprise $-\log_2 p_k$
        bits and happens with probability $p_k$. Weight each surprise by its probability and
        add; `np.log2` gives bits directly.""",
        r"""The convention $0\log 0 = 0$ needs care in numpy, where `0 * np.log2(0)` is `0 *
        -inf`, which is `nan`. Leave the outcomes with $p_k = 0$ out before you take any log
        (a boolean mask selects the others); outcomes that never happen add nothing to the
        average anyway.""",
    ),
    explanation=r"""
        $$H(p) = -\sum_k p_k\log_2 p_k$$

        is the expected value of the surprise $-\log_2 p_k$. Outcomes with $p_k = 0$ never
        happen and contribute $\lim_{p\to 0} p\log p = 0$, so dropping them before the log
        gives exactly the convention. Examples: a fair coin has 1 bit, $[0.5, 0.25, 0.25]$
        has 1.5 bits, and a certain outcome has 0 bits.
        """,
)
def check_entropy_bits(entropy_bits):
    """Check ``entropy_bits(p)``, the entropy of a probability vector in bits."""
    for values in _ENTROPY_PROBES:
        p = np.array(values, dtype=float)
        where = f"entropy_bits({_vec(p)})"
        result = call_student(entropy_bits, "entropy_bits", p.copy())
        arr = as_array_or_none(result)
        _nan_from_zeros(arr, where, bool(np.any(p == 0)),
                        "Leave out the entries with p_k = 0, for example with p = p[p > 0].")
        if arr is not None and arr.ndim >= 1 and arr.size == p.size and p.size > 1:
            if close_arrays(arr.ravel(), _entropy_terms_bits(p)):
                raise StudentError(f"{where} returned {p.size} values, one term per outcome "
                                   "(its weighted surprise). That is the right start: now add them up "
                                   "into one number.")
        got = as_number(result, where)
        want = float(information.entropy(p, unit="bits"))
        if close(got, want):
            continue
        if want > 0 and close(got, -want):
            raise StudentError(f"{where} is negative, but an entropy never is: each log2 p_k "
                               "is <= 0. Did you forget the minus sign in front of the sum?")
        if want > 0 and close(got, want * _LN2):
            raise StudentError(f"{where} = {got:.4g} is in nats: you used the natural log "
                               "(np.log). This exercise wants bits: use np.log2.")
        if want > 0 and close(got, want * _LN2 / _LN10):
            raise StudentError(f"{where} = {got:.4g} uses log base 10 (np.log10). This "
                               "exercise wants bits: use np.log2.")
        seen = p[p > 0]
        if close(got, float(-np.sum(np.log2(seen)))):
            raise StudentError(f"{where} = {got:.4g} adds up the surprises -log2 p_k without "
                               "weights. The entropy is their average: weight each one by how "
                               "often it happens, p_k.")
        if close(got, float(-np.mean(seen * np.log2(seen)))):
            raise StudentError(f"{where} = {got:.4g} averages the weighted surprises. The "
                               "weights p_k already make it an average: add the terms up "
                               "instead of taking their mean.")
        raise StudentError(f"{where} returned {got:.4g}, which is not the entropy "
                           "in bits: the average surprise of an outcome, each surprise weighted "
                           "by how often it happens.")
    return ("Correct: entropy_bits matches H(p) in bits on every distribution we tried, zeros "
            "and certain outcomes included.")


# ------------------------------------------------------------------ exercise 2
@check(
    hints=(
        r"""The KL divergence (쿨백-라이블러 발산) is the extra surprise you suffer, on average,
        when the data come from $p$ but you expect $q$: for each outcome the log ratio
        $\ln(p_k/q_k)$, weighted by how often that outcome really happens, $p_k$.""",
        r"""The order matters: the weights are $p$, and $p$ is on top of the ratio. Leave
        out the outcomes with $p_k = 0$ before the log, as in exercise 1; where $q_k = 0$
        but $p_k > 0$, numpy's division already gives `inf`, which is the right answer.
        Sanity checks: $\mathrm{KL}(p \Vert p) = 0$, and KL is never negative.""",
    ),
    explanation=r"""
        $$\mathrm{KL}(p \,\Vert\, q) = \sum_k p_k\ln\frac{p_k}{q_k} = H(p, q) - H(p):$$

        cross entropy minus entropy. Terms with $p_k = 0$ are 0 by the convention, so the
        sum runs over the outcomes with $p_k > 0$. For $p = [0.5, 0.5]$ and $q = [0.25,
        0.75]$ it is $0.5\ln 2 + 0.5\ln\frac{2}{3} \approx 0.144$ nats.
        """,
)
def check_kl(kl):
    """Check ``kl(p, q)``, the Kullback–Leibler divergence KL(p || q) in nats."""
    for p_values, q_values in _KL_PROBES:
        p, q = np.array(p_values, dtype=float), np.array(q_values, dtype=float)
        where = f"kl({_vec(p)}, {_vec(q)})"
        result = call_student(kl, "kl", p.copy(), q.copy())
        arr = as_array_or_none(result)
        _nan_from_zeros(arr, where, bool(np.any(p == 0)),
                        "Keep only the outcomes with p_k > 0, in p and in q alike: "
                        "seen = p > 0, then use p[seen] and q[seen].")
        if arr is not None and arr.ndim >= 1 and arr.size == p.size and p.size > 1:
            raise StudentError(f"{where} returned {p.size} values, one per outcome. KL is a "
                               "single number: add the terms p_k log(p_k / q_k) up.")
        got = as_number(result, where)
        want = float(information.kl_divergence(p, q))
        if close(got, want):
            continue
        # diagnose the usual slips; no value is printed where it could equal another answer
        if close(got, float(information.kl_divergence(q, p))):
            raise StudentError(f"{where} computed KL(q || p): p and q are swapped. KL(p || q) "
                               "averages over p, so it is sum p_k log(p_k / q_k); KL is not "
                               "symmetric.")
        if close(got, float(information.cross_entropy(p, q))):
            raise StudentError(f"{where} returned the cross entropy H(p, q). KL is the extra "
                               "surprise on top of the entropy: subtract H(p), i.e. use "
                               "log(p_k / q_k) instead of -log q_k.")
        if want > 0 and close(got, -want):
            raise StudentError(f"{where} is negative, but KL never is. The ratio is upside "
                               "down: use log(p_k / q_k), not log(q_k / p_k).")
        if want > 0 and close(got, want / _LN2):
            raise StudentError(f"{where} = {got:.4g} is in bits (np.log2). This exercise "
                               "wants nats: use the natural log, np.log.")
        if want > 0 and close(got, want / _LN10):
            raise StudentError(f"{where} = {got:.4g} uses log base 10 (np.log10). This "
                               "exercise wants nats: use np.log.")
        seen = p > 0
        with np.errstate(divide="ignore"):
            unweighted = float(np.sum(np.log(p[seen] / q[seen])))
        if close(got, unweighted):
            raise StudentError(f"{where} = {got:.4g} adds up log(p_k / q_k) without weights. "
                               "Weight each term by p_k, the probability of that outcome.")
        raise StudentError(f"{where} returned {got:.4g}, which is not sum p_k log(p_k / q_k). "
                           "Skip outcomes with p_k = 0, weight each log ratio by p_k and add "
                           "them up.")
    return ("Correct: kl is zero for p = q, positive otherwise, skips outcomes with p_k = 0, "
            "and is infinite when q rules out an outcome that p produces.")


# ------------------------------------------------------------------ exercise 3
@check(
    hints=(
        r"""A fair die gives each of its 6 faces the same probability. The entropy is the
        average surprise of a roll, and when every face is equally likely, every roll is
        equally surprising.""",
        r"""So the average equals the surprise of any one face, in bits (`np.log2`). Compare
        with the dice of the exercise: 4 equally likely faces carry 2 bits and 8 carry 3
        bits, so a six-sided die must lie in between.""",
    ),
    explanation=r"""
        Each face has $p_k = 1/6$, so

        $$H = -\sum_{k=1}^{6}\frac{1}{6}\log_2\frac{1}{6} = \log_2 6 \approx 2.585 \text{ bits}.$$

        That lies between the 2 bits of a four-sided and the 3 bits of an eight-sided die: a
        uniform choice among $n$ outcomes carries $\log_2 n$ bits, the largest entropy any
        distribution over $n$ outcomes can have.
        """,
)
def check_h_die(h_die, *, sides=6):
    """Check ``h_die``: the entropy of one roll of a fair die with *sides* faces, in bits."""
    got = as_number(h_die, "h_die")
    want = float(information.entropy(np.full(sides, 1.0 / sides), unit="bits"))
    said = f"h_die = {got:.4g}"
    slips = [   # (what the slip gives, its hint), tried in this order
        (-want, "h_die is negative, but an entropy never is. Check the minus sign in front of "
                "the sum."),
        (want * _LN2, f"{said} is in nats (natural log). This exercise wants bits: use "
                      "np.log2."),
        (want * _LN2 / _LN10, f"{said} uses log base 10. This exercise wants bits: use np.log2."),
        (want / sides, f"{said} is the term of one face only. The entropy adds up the terms of "
                       f"all {sides} faces."),
        (float(sides), f"{said} counts the faces. The entropy is the average surprise of a "
                       "roll, in bits."),
        (1.0 / sides, f"{said} is the probability of one face. Take the surprise -log2 p_k of "
                      "each face and average it over the faces."),
    ]
    return typed_answer(
        got, want, "h_die",
        f"a fair {sides}-sided die carries log2 {sides} bits per roll, between 2 bits (four "
        "faces) and 3 bits (eight faces).",
        slips,
        f"{said} is not the entropy of a fair {sides}-sided die in bits. Every face is equally "
        "likely: what is the surprise of one roll?")
