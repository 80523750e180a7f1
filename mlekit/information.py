r"""Information theory: self-information, entropy, cross entropy, KL divergence.

Distributions are probability vectors along the last axis (entries in
[0, 1], summing to 1); leading axes broadcast. ``unit="nats"`` uses the
natural log, ``unit="bits"`` log base 2. The convention ``0 log 0 = 0``
holds throughout, and an event that p allows but q rules out makes
:math:`H(p, q)` and :math:`\mathrm{KL}(p \| q)` infinite.

Examples
--------
>>> from mlekit import information as info
>>> float(info.entropy([0.5, 0.5], unit="bits"))
1.0
>>> float(info.self_information(0.25, unit="bits"))
2.0
"""

from __future__ import annotations

import numpy as np

from . import _validation as V
from ._math import scalar_or_array, xlogy

__all__ = ["self_information", "entropy", "cross_entropy", "kl_divergence",
           "set_probability"]


def _pair(p, q):
    p = V.check_prob_vector(p, "p")
    q = V.check_prob_vector(q, "q")
    if p.shape[-1] != q.shape[-1]:
        V.fail("p and q", "have the same number of outcomes (last axis)",
               f"{p.shape[-1]} and {q.shape[-1]}", "Compare distributions over the same outcomes.")
    try:
        np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        V.fail("p and q", "hold the same number of distributions (or one of them just one)",
               f"shapes {p.shape} and {q.shape}", "Pair each p with one q, row by row.")
    return p, q


def self_information(p, unit="nats"):
    r"""Self-information (정보량) of an event with probability p: how surprising it is.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1]; elementwise.
    unit : {"nats", "bits"}

    Notes
    -----
    .. math:: I(x) = -\log p(x)

    Rare events carry more information; a certain event (p = 1) carries
    none, an impossible one (p = 0) infinitely much.

    Examples
    --------
    >>> float(self_information(0.5, unit="bits"))
    1.0
    >>> round(float(self_information(0.65)), 4)
    0.4308
    """
    base = V.check_unit(unit)
    arr = V.check_probability(p, "p")
    with np.errstate(divide="ignore"):
        out = -np.log(arr) / np.log(base)
    return scalar_or_array(out + 0.0)   # + 0.0 turns -0.0 into 0.0


def entropy(p, unit="nats"):
    r"""Entropy (엔트로피): the expected self-information of a distribution.

    Notes
    -----
    .. math:: H(p) = -\sum_k p_k \log p_k

    Examples
    --------
    >>> float(entropy([0.25, 0.25, 0.25, 0.25], unit="bits"))
    2.0
    >>> float(entropy([1.0, 0.0]))
    0.0
    """
    base = V.check_unit(unit)
    p = V.check_prob_vector(p, "p")
    return scalar_or_array(-np.sum(xlogy(p, p), axis=-1) / np.log(base) + 0.0)


def cross_entropy(p, q, unit="nats"):
    r"""Cross entropy (교차 엔트로피) of q relative to p.

    Notes
    -----
    .. math:: H(p, q) = -\sum_k p_k \log q_k = H(p) + \mathrm{KL}(p \,\|\, q)

    With p a one-hot target and q a model's prediction this is the
    classification loss :func:`mlekit.losses.cross_entropy` for one sample.

    Examples
    --------
    >>> round(float(cross_entropy([0, 0, 1, 0], [0.2, 0.1, 0.65, 0.05])), 4)
    0.4308
    """
    base = V.check_unit(unit)
    p, q = _pair(p, q)
    return scalar_or_array(-np.sum(xlogy(p, q), axis=-1) / np.log(base) + 0.0)


def kl_divergence(p, q, unit="nats"):
    r"""Kullback–Leibler divergence (쿨백-라이블러 발산) from q to p.

    Notes
    -----
    .. math:: \mathrm{KL}(p \,\|\, q) = \sum_k p_k \log\frac{p_k}{q_k} \ge 0,

    zero exactly when p = q. It is not symmetric.

    Examples
    --------
    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> round(float(kl_divergence([1.0, 0.0], [0.5, 0.5], unit="bits")), 4)
    1.0
    """
    base = V.check_unit(unit)
    p, q = _pair(p, q)
    # sum p log p - sum p log q, each term with 0 log 0 = 0
    terms = xlogy(p, p) - xlogy(p, q)
    out = np.sum(terms, axis=-1) / np.log(base)
    # rounding can leave -1e-17 for p == q; the divergence is never negative
    return scalar_or_array(np.maximum(out, 0.0))


def set_probability(q, k, value):
    r"""The distribution q with outcome k's probability set to *value*, the others rescaled.

    Parameters
    ----------
    q : array_like
        One probability vector (entries in [0, 1], summing to 1).
    k : int
        The outcome whose probability changes, counting from 0.
    value : float
        Its new probability, in [0, 1].

    Returns
    -------
    numpy.ndarray
        A new probability vector: ``value`` at k, and the other outcomes
        scaled by one common factor so the whole still sums to 1.

    Notes
    -----
    .. math:: q'_k = v, \qquad q'_j = q_j \, \frac{1 - v}{1 - q_k} \quad (j \ne k)

    The other outcomes keep their ratios, so moving :math:`q_k` away and
    back returns the same distribution. If the others have no mass at all
    (:math:`q_k = 1`), the rest :math:`1 - v` is shared equally among them.
    An outcome with probability 0 stays at 0 (unless the others are all 0).

    Examples
    --------
    >>> set_probability([0.25, 0.25, 0.25, 0.25], 0, 0.5).round(4)
    array([0.5   , 0.1667, 0.1667, 0.1667])
    >>> set_probability([0.5, 0.3, 0.2], 2, 0.6).round(4)    # 0.5 : 0.3 stays 5 : 3
    array([0.25, 0.15, 0.6 ])
    """
    q = V.check_prob_vector(q, "q")
    if q.ndim != 1:
        V.fail("q", "be one probability vector", f"an array of shape {q.shape}",
               "Pass one distribution, e.g. [0.5, 0.25, 0.25].")
    k = V.check_int(k, "k", minimum=0)
    if k >= q.size:
        V.fail("k", f"be an outcome in [0, {q.size - 1}]", str(k),
               f"Outcomes count from 0, so the last of {q.size} is {q.size - 1}.")
    value = float(V.check_probability(V.as_float(value, "value"), "value"))
    others = np.arange(q.size) != k
    out = np.empty_like(q)
    mass = q[others].sum()                 # the others' mass before the move
    if mass > 0.0:
        out[others] = q[others] * ((1.0 - value) / mass)
    else:                                  # q was one-hot at k: share the rest equally
        out[others] = (1.0 - value) / (q.size - 1)
    out[k] = value
    return out
