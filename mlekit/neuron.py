r"""One sigmoid neuron trained on one example: why MSE stalls where cross entropy does not.

The course's toy network is a single neuron with weight ``w`` and bias
``b``, fed the input ``x = 1.0`` and asked to output the target ``t = 0.0``:

.. math::

    z = w x + b, \qquad y = \sigma(z) = \frac{1}{1 + e^{-z}} .

Two losses are compared on it,

.. math::

    J_{\mathrm{MSE}} = (y - t)^2, \qquad
    J_{\mathrm{BCE}} = -\big[t \log y + (1 - t) \log (1 - y)\big]
                     = \operatorname{softplus}(z) - t z .

By the chain rule their error signals :math:`\delta = \partial J / \partial z` are

.. math::

    \delta_{\mathrm{MSE}} = 2 (y - t)\, \underbrace{y (1 - y)}_{\sigma'(z)}, \qquad
    \delta_{\mathrm{BCE}} = y - t ,

and :math:`\partial J/\partial w = \delta x`, :math:`\partial J/\partial b = \delta`.
From a poor start such as ``w = b = 2`` the sigmoid is saturated
(:math:`y \approx 0.98`, :math:`\sigma'(z) \approx 0.018`): the MSE gradient is
tiny and gradient descent crawls, while the BCE gradient, free of
:math:`\sigma'`, is large and learning is fast.

Every function broadcasts over arrays of ``w`` and ``b`` (e.g. a grid from
``np.meshgrid``), so a loss surface is one call. BCE is evaluated from the
logit ``z`` (never from ``y``), so it stays finite for any finite ``w`` and ``b``.

Examples
--------
>>> from mlekit.neuron import neuron_loss, neuron_loss_grad
>>> round(float(neuron_loss(2.0, 2.0, loss="mse")), 4), round(float(neuron_loss(2.0, 2.0, loss="bce")), 4)
(0.9643, 4.0181)
>>> [round(float(g), 4) for g in neuron_loss_grad(2.0, 2.0, loss="mse")]   # vanishing
[0.0347, 0.0347]
>>> [round(float(g), 4) for g in neuron_loss_grad(2.0, 2.0, loss="bce")]   # y - t
[0.982, 0.982]
"""

from __future__ import annotations

import numpy as np

from . import _math
from . import _validation as V
from ._math import scalar_or_array
from .optim import gradient_descent

__all__ = ["LOSSES", "neuron_logit", "neuron_output", "neuron_loss", "neuron_loss_grad",
           "neuron_gd_path"]

#: the losses this module knows, in the order the course shows them
LOSSES = ("mse", "bce")


# ----------------------------------------------------------------- validation
def _check_loss(loss) -> str:
    return V.check_choice(loss, "loss", LOSSES,
                          'Use "mse" for the squared error or "bce" for binary cross entropy.')


def _check_wb(w, b):
    """w and b as float arrays broadcast to one shape."""
    w = V.as_float_array(w, "w")
    b = V.as_float_array(b, "b")
    try:
        return np.broadcast_arrays(w, b)
    except ValueError:
        V.fail("w and b", "broadcast to one shape", f"{w.shape} and {b.shape}",
               "Pass scalars, arrays of the same shape, or a grid from np.meshgrid.")


def _check_xt(x, t):
    x = V.as_float(x, "x")
    t = float(V.check_probability(V.as_float(t, "t"), "t"))
    return x, t


def _check_args(w, b, x, t, loss):
    """The arguments of neuron_loss and neuron_loss_grad, validated: (z = w x + b, x, t, loss)."""
    loss = _check_loss(loss)
    w, b = _check_wb(w, b)
    x, t = _check_xt(x, t)
    return w * x + b, x, t, loss


# ----------------------------------------------------- unvalidated kernels
def _loss(z, t, loss):
    if loss == "mse":
        return (_math.sigmoid(z) - t) ** 2                  # (y - t)^2
    return _math.softplus(z) - t * z                        # softplus(z) - t z, stable


def _delta(z, t, loss):
    """Error signal dJ/dz at the neuron's input z."""
    y = _math.sigmoid(z)
    if loss == "mse":
        dj_dy = 2.0 * (y - t)                               # d/dy (y - t)^2
        dy_dz = y * (1.0 - y)                               # sigmoid'(z) = y (1 - y)
        return dj_dy * dy_dz                                # chain rule: dJ/dz = dJ/dy * dy/dz
    # BCE: dJ/dy = -t/y + (1 - t)/(1 - y); times dy/dz = y (1 - y) gives y - t:
    # the sigmoid's derivative cancels, so a saturated y does not shrink the signal
    return y - t


# -------------------------------------------------------------------- public
def neuron_logit(w, b, x=1.0):
    r"""The neuron's input :math:`z = w x + b` (the logit).

    Parameters
    ----------
    w, b : float or array_like
        Weight and bias; arrays broadcast against each other.
    x : float
        The input (the lessons use 1.0).

    Returns
    -------
    float or ndarray
        ``z``, shaped like ``w`` and ``b`` broadcast together.

    Notes
    -----
    .. math:: z = w x + b

    Examples
    --------
    >>> float(neuron_logit(2.0, 2.0))
    4.0
    >>> neuron_logit([0.0, 1.0], 0.5, x=2.0)
    array([0.5, 2.5])
    """
    w, b = _check_wb(w, b)
    x = V.as_float(x, "x")
    return scalar_or_array(w * x + b)


def neuron_output(w, b, x=1.0):
    r"""The neuron's output :math:`y = \sigma(w x + b)`.

    Parameters
    ----------
    w, b : float or array_like
        Weight and bias; arrays broadcast against each other.
    x : float
        The input.

    Returns
    -------
    float or ndarray
        ``y`` in [0, 1] (exactly 0 or 1 only when ``z`` is beyond about ±37).

    Notes
    -----
    .. math:: y = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad z = w x + b

    Examples
    --------
    >>> round(float(neuron_output(2.0, 2.0)), 4)        # saturated: sigma(4)
    0.982
    >>> float(neuron_output(0.0, 0.0))
    0.5
    """
    w, b = _check_wb(w, b)
    x = V.as_float(x, "x")
    return scalar_or_array(_math.sigmoid(w * x + b))


def neuron_loss(w, b, x=1.0, t=0.0, loss="mse"):
    r"""The loss of the one-neuron network at ``(w, b)``, broadcasting over grids.

    Parameters
    ----------
    w, b : float or array_like
        Weight and bias; arrays broadcast against each other (pass the two
        arrays from ``np.meshgrid`` to get a loss surface).
    x : float
        The input.
    t : float
        The target, in [0, 1].
    loss : {"mse", "bce"}
        Squared error or binary cross entropy.

    Returns
    -------
    float or ndarray
        The loss at every ``(w, b)``.

    Notes
    -----
    With :math:`z = w x + b` and :math:`y = \sigma(z)`:

    .. math::

        J_{\mathrm{MSE}} = (y - t)^2, \qquad
        J_{\mathrm{BCE}} = -\big[t\log y + (1-t)\log(1-y)\big]
                         = \operatorname{softplus}(z) - t z .

    The BCE is evaluated in the second form, :math:`\max(z, 0) + \log(1 +
    e^{-|z|}) - t z`, so it is finite and accurate for every finite ``z``
    (a saturated :math:`y` that rounds to 1 would make :math:`\log(1-y)`
    infinite). For one sample the MSE equals ``mlekit.losses.mse([t], [y])``
    and the BCE ``mlekit.losses.binary_cross_entropy_with_logits([t], [z])``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(neuron_loss(2.0, 2.0, loss="mse")), 4)       # sigma(4)^2
    0.9643
    >>> round(float(neuron_loss(2.0, 2.0, loss="bce")), 4)       # log(1 + e^4)
    4.0181
    >>> W, B = np.meshgrid(np.linspace(-4, 4, 5), np.linspace(-4, 4, 3))
    >>> neuron_loss(W, B, loss="bce").shape
    (3, 5)
    >>> float(neuron_loss(1000.0, 0.0, loss="bce"))              # finite far out
    1000.0
    """
    z, _, t, loss = _check_args(w, b, x, t, loss)
    return scalar_or_array(_loss(z, t, loss))


def neuron_loss_grad(w, b, x=1.0, t=0.0, loss="mse"):
    r"""The gradient ``(dJ/dw, dJ/db)`` of :func:`neuron_loss`, by the chain rule.

    Parameters
    ----------
    w, b, x, t, loss
        As in :func:`neuron_loss`: weight and bias (arrays broadcast), input,
        target in [0, 1], and ``"mse"`` or ``"bce"``.

    Returns
    -------
    (dJ/dw, dJ/db) : tuple of float or ndarray
        Both shaped like ``w`` and ``b`` broadcast together.

    Notes
    -----
    The chain rule through :math:`z = wx + b` and :math:`y = \sigma(z)`:

    .. math::

        \frac{\partial J}{\partial w}
          = \frac{\partial J}{\partial y}\,\frac{\partial y}{\partial z}\,
            \frac{\partial z}{\partial w}, \qquad
        \frac{\partial y}{\partial z} = y(1-y), \quad
        \frac{\partial z}{\partial w} = x, \quad \frac{\partial z}{\partial b} = 1 .

    MSE: :math:`\partial J/\partial y = 2(y - t)`, so

    .. math:: \frac{\partial J}{\partial w} = 2(y - t)\,y(1-y)\,x, \qquad
              \frac{\partial J}{\partial b} = 2(y - t)\,y(1-y) .

    BCE: :math:`\partial J/\partial y = -t/y + (1-t)/(1-y)`, and multiplying
    by :math:`y(1-y)` leaves :math:`y - t`; the sigmoid's derivative cancels:

    .. math:: \frac{\partial J}{\partial w} = (y - t)\,x, \qquad
              \frac{\partial J}{\partial b} = y - t .

    When the sigmoid saturates (:math:`y` near 0 or 1) the factor
    :math:`y(1-y)` makes the MSE gradient vanish even though the output is
    badly wrong; the BCE gradient stays as large as the error.

    Examples
    --------
    >>> gw, gb = neuron_loss_grad(2.0, 2.0, loss="mse")
    >>> round(float(gw), 5), round(float(gb), 5)
    (0.03469, 0.03469)
    >>> gw, gb = neuron_loss_grad(2.0, 2.0, x=2.0, loss="bce")   # (y - t) x, y - t
    >>> round(float(gw), 4), round(float(gb), 4)
    (1.995, 0.9975)
    """
    z, x, t, loss = _check_args(w, b, x, t, loss)
    delta = _delta(z, t, loss)                              # error signal dJ/dz
    return scalar_or_array(delta * x), scalar_or_array(delta)   # dz/dw = x, dz/db = 1


def neuron_gd_path(w0, b0, lr=0.15, steps=60, *, x=1.0, t=0.0, loss="mse"):
    r"""Train the neuron by gradient descent from ``(w0, b0)``; return the path.

    Parameters
    ----------
    w0, b0 : float
        Starting weight and bias.
    lr : float
        Learning rate :math:`\alpha > 0`.
    steps : int
        Number of updates (0 gives just the start).
    x : float
        The input.
    t : float
        The target, in [0, 1].
    loss : {"mse", "bce"}
        The loss to descend.

    Returns
    -------
    mlekit.optim.Trajectory
        ``params`` has shape ``(steps + 1, 2)`` with columns ``(w, b)``;
        ``losses`` holds the chosen loss at each of them.

    Notes
    -----
    This is :func:`mlekit.optim.gradient_descent` on :math:`\theta = (w, b)`
    with the gradient of :func:`neuron_loss_grad`:

    .. math:: (w, b)_{k+1} = (w, b)_k - \alpha \, \delta_k \, (x, 1), \qquad
              \delta_k = \frac{\partial J}{\partial z}\Big|_{(w, b)_k} .

    Since the gradient always points along :math:`(x, 1)`, the path is a
    straight line; the losses differ only in how far along it each step goes.

    Examples
    --------
    From the poor start w = b = 2, 60 steps with lr = 0.15:

    >>> mse_run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=60, loss="mse")
    >>> bce_run = neuron_gd_path(2.0, 2.0, lr=0.15, steps=60, loss="bce")
    >>> mse_run.params.shape
    (61, 2)
    >>> [round(float(v), 2) for v in mse_run.params[-1]]     # barely moved from (2, 2)
    [1.54, 1.54]
    >>> [round(float(v), 2) for v in bce_run.params[-1]]
    [-1.24, -1.24]
    >>> round(float(neuron_output(*mse_run.params[-1])), 3)   # y still near 1 under MSE ...
    0.956
    >>> round(float(neuron_output(*bce_run.params[-1])), 3)   # ... near the target 0 under BCE
    0.077
    """
    loss = _check_loss(loss)
    w0, b0 = V.as_float(w0, "w0"), V.as_float(b0, "b0")
    x, t = _check_xt(x, t)

    def grad(theta):
        delta = _delta(theta[0] * x + theta[1], t, loss)
        return np.array([delta * x, delta])                 # (dJ/dw, dJ/db)

    def value(theta):
        return float(_loss(theta[0] * x + theta[1], t, loss))

    return gradient_descent(grad, np.array([w0, b0]), lr=lr, steps=steps, loss=value)
