"""Small numerically careful building blocks shared by the math modules.

Private: these functions assume validated float arrays. The public, validated
versions live in :mod:`mlekit.losses`, :mod:`mlekit.nn` and
:mod:`mlekit.information`.
"""

from __future__ import annotations

import numpy as np


def scalar_or_array(a):
    """Return a numpy scalar for 0-d results, the array otherwise."""
    a = np.asarray(a)
    return a[()] if a.ndim == 0 else a


def xlogy(x, y):
    """``x * log(y)`` with the convention ``0 * log(0) = 0``.

    Where ``x > 0`` and ``y == 0`` the result is ``-inf`` (an impossible
    event), never NaN and never a warning.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where(x == 0, 0.0, out)


def safe_div(x, y):
    """``x / y`` with ``0 / y = 0`` even when ``y == 0``; ``x / 0 = ±inf`` otherwise."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x / y
    return np.where(x == 0, 0.0, out)


def softplus(z):
    """``log(1 + exp(z))`` computed without overflow for any finite z."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))`` without overflow warnings."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1], never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logsumexp(z, axis=-1, keepdims=False):
    """``log(sum(exp(z)))`` along *axis*, shifted by the max so it never overflows."""
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    with np.errstate(over="ignore"):
        shifted = z - m
    out = m + np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z, axis=-1):
    """``z - logsumexp(z)`` along *axis*, as ``(z - max) - log(sum(exp(z - max)))``.

    Subtracting the max first keeps full precision even for huge equal logits
    (``m + log K`` would be rounded to the float spacing near m).
    """
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    with np.errstate(over="ignore"):          # z - m can overflow to -inf: exp gives 0
        shifted = z - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z, axis=-1):
    """``exp(log_softmax(z))``: entries in [0, 1] summing to 1 along *axis*."""
    return np.exp(log_softmax(z, axis=axis))
