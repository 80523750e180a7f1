r"""Check analytic gradients against central finite differences.

Examples
--------
>>> import numpy as np
>>> from mlekit.gradcheck import numerical_gradient, relative_error
>>> f = lambda w: float(np.sum(w ** 2))
>>> w = np.array([1.0, -2.0])
>>> num = numerical_gradient(f, w)
>>> bool(relative_error(num, 2 * w) < 1e-8)
True
"""

from __future__ import annotations

import numpy as np

from . import _validation as V

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, x, eps=1e-6):
    r"""Estimate the gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a single number; it receives a copy of ``x`` with
        one entry nudged, so it may not rely on ``x`` being the same object.
    x : float or array_like
        Where to take the gradient. Not modified.
    eps : float
        Step size h.

    Returns
    -------
    ndarray (or float for scalar x)
        Same shape as ``x``.

    Notes
    -----
    .. math:: \frac{\partial f}{\partial x_j} \approx \frac{f(x + h e_j) - f(x - h e_j)}{2h}

    The error is :math:`O(h^2)`, against :math:`O(h)` for a one-sided
    difference; with h = 1e-6 and smooth f it is around 1e-9 relative.

    Examples
    --------
    >>> round(float(numerical_gradient(lambda p: -7 * np.log(p) - 3 * np.log(1 - p), 0.5)), 6)
    -8.0
    """
    V.check_callable(f, "f", "f(x) -> float")
    x = V.as_float_array(x, "x").copy()
    eps = V.as_float(eps, "eps")
    if eps <= 0:
        V.fail("eps", "be > 0", f"{eps:g}", "Use a small step such as 1e-6.")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)

    def call(arr):
        return V.check_scalar_result(f(float(arr) if arr.ndim == 0 else arr.copy()), "f(x)",
                                     "Return one float (did you forget `return`?).",
                                     "Reduce with a sum or a mean.")

    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        f_plus = call(x)
        flat[j] = old - eps
        f_minus = call(x)
        flat[j] = old
        gflat[j] = (f_plus - f_minus) / (2.0 * eps)
    return grad[()] if grad.ndim == 0 else grad


def relative_error(a, b):
    r"""Relative difference between two gradients, in [0, 1].

    Notes
    -----
    .. math:: \frac{\lVert a - b\rVert}{\lVert a\rVert + \lVert b\rVert}

    Zero when both are zero. Below about 1e-7 the gradients agree; above
    about 1e-3 one of them is wrong.

    Examples
    --------
    >>> float(relative_error([1.0, 2.0], [1.0, 2.0]))
    0.0
    >>> float(relative_error([1.0], [-1.0]))
    1.0
    """
    a = V.as_float_array(a, "a")
    b = V.as_float_array(b, "b")
    V.check_same_shape(a, b, "a", "b")
    # divide by the largest entry first: the ratio is scale-free, and the squares inside
    # the norms then neither underflow (entries near 1e-160) nor overflow (near 1e160)
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if scale == 0.0:
        return 0.0
    a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))
