r"""Activation functions (활성 함수) and the course's two-layer network.

Each activation ``f`` has a derivative ``f_grad`` with respect to its input,
written in terms of the output where lesson 10 does so (sigmoid: f(1 - f),
tanh: 1 - f²).

:class:`TwoLayerNet` is lesson 10's regression network,

.. math::

    x \;\to\; z^1 = x W^1 + b^1 \;\to\; a^1 = \mathrm{ReLU}(z^1)
      \;\to\; z^2 = a^1 W^2 + b^2 \;\to\; y = \mathrm{Identity}(z^2),
    \qquad J = \frac{1}{N}\sum_{i} \lVert t_i - y_i \rVert^2,

with a configurable hidden activation and output head, an explicit forward
cache, and a backward pass written out by hand with the chain rule.

Examples
--------
>>> import numpy as np
>>> from mlekit.nn import relu, relu_grad, sigmoid_grad
>>> relu(np.array([-1.0, 2.0]))
array([0., 2.])
>>> float(sigmoid_grad(0.0))          # f(1 - f) at 0
0.25
"""

from __future__ import annotations

import numpy as np

from . import _math
from . import _validation as V
from ._math import scalar_or_array

__all__ = [
    "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "identity", "identity_grad", "ACTIVATIONS", "TwoLayerNet",
]


def _z(z):
    return V.as_float_array(z, "z")


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`, stable for large |z|.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-1000.0))
    0.0
    """
    return scalar_or_array(_math.sigmoid(_z(z)))


def sigmoid_grad(z):
    r"""Derivative of the sigmoid: :math:`\sigma'(z) = \sigma(z)(1-\sigma(z))`.

    Examples
    --------
    >>> float(sigmoid_grad(0.0))
    0.25
    """
    s = _math.sigmoid(_z(z))
    return scalar_or_array(s * (1.0 - s))


def tanh(z):
    r"""Hyperbolic tangent.

    Examples
    --------
    >>> float(tanh(0.0))
    0.0
    """
    return scalar_or_array(np.tanh(_z(z)))


def tanh_grad(z):
    r"""Derivative of tanh: :math:`1 - \tanh^2(z)`.

    Examples
    --------
    >>> float(tanh_grad(0.0))
    1.0
    """
    f = np.tanh(_z(z))
    return scalar_or_array(1.0 - f * f)


def relu(z):
    r"""Rectified linear unit :math:`\max(0, z)`.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return scalar_or_array(np.maximum(_z(z), 0.0))


def relu_grad(z):
    r"""Derivative of ReLU: 1 for z > 0, else 0 (0 is used at z = 0).

    Examples
    --------
    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    return scalar_or_array((_z(z) > 0).astype(float))


def leaky_relu(z, slope=0.01):
    r"""Leaky ReLU: z for z > 0, ``slope * z`` otherwise (slope 0.01 as in lesson 10).

    Examples
    --------
    >>> leaky_relu([-100.0, 2.0])
    array([-1.,  2.])
    """
    z = _z(z)
    return scalar_or_array(np.where(z > 0, z, V.as_float(slope, "slope") * z))


def leaky_relu_grad(z, slope=0.01):
    r"""Derivative of leaky ReLU: 1 for z > 0, ``slope`` otherwise.

    Examples
    --------
    >>> leaky_relu_grad([-1.0, 1.0])
    array([0.01, 1.  ])
    """
    z = _z(z)
    return scalar_or_array(np.where(z > 0, 1.0, V.as_float(slope, "slope")))


def identity(z):
    """The identity activation, used by a regression output.

    Examples
    --------
    >>> identity([1.5])
    array([1.5])
    """
    return scalar_or_array(_z(z).copy())


def identity_grad(z):
    """Derivative of the identity: 1 everywhere.

    Examples
    --------
    >>> identity_grad([1.5, -2.0])
    array([1., 1.])
    """
    return scalar_or_array(np.ones_like(_z(z)))


#: name -> (activation, derivative)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "identity": (identity, identity_grad),
}

_HEADS = {"identity": ("mse",), "sigmoid": ("bce", "mse"), "softmax": ("ce",)}
_DEFAULT_LOSS = {"identity": "mse", "sigmoid": "bce", "softmax": "ce"}


class TwoLayerNet:
    r"""A two-layer fully connected network with a hand-written backward pass.

    Parameters
    ----------
    n_in, n_hidden : int
        Input features and hidden units.
    n_out : int
        Outputs (classes for a softmax head).
    hidden : {"relu", "leaky_relu", "sigmoid", "tanh", "identity"}
        Hidden activation (lesson 10 uses ReLU).
    output : {"identity", "sigmoid", "softmax"}
        Output head: regression, binary or multi-class classification.
    loss : {"mse", "bce", "ce"}, optional
        Defaults to the head's natural loss (identity → MSE, sigmoid → BCE,
        softmax → CE). ``output="sigmoid", loss="mse"`` is allowed, to show
        why that pairing learns slowly.
    bias : bool
        Include biases b¹, b². Lesson 10's network has none (``bias=False``).
    rng : None, int or Generator
        Seed for the initial weights (scaled normal, He for ReLU).

    Attributes
    ----------
    params : dict of ndarray
        ``W1`` (n_in, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_out),
        ``b2`` (n_out,). ``W1[n, m]`` is lesson 10's :math:`w^1_{nm}`.

    Notes
    -----
    With error signals (오차 신호) :math:`\delta^2 = \partial J/\partial z^2` and
    :math:`\delta^1 = \partial J/\partial z^1`, the backward pass is

    .. math::

        \delta^2 = \frac{\partial J}{\partial y} \odot \mathrm{out}'(z^2), \quad
        \frac{\partial J}{\partial W^2} = (a^1)^\top \delta^2, \quad
        \delta^1 = (\delta^2 W^{2\top}) \odot h'(z^1), \quad
        \frac{\partial J}{\partial W^1} = x^\top \delta^1,

    and the bias gradients are the column sums of the δ's. For lesson 10's
    regression net (identity output, MSE) this reproduces
    :math:`\partial J/\partial w^1_{nm} = -\frac{1}{N}\sum 2(t-y)\cdot 1\cdot w^2_m\cdot
    \mathrm{ReLU}'(z^1_m)\cdot x_n`. For sigmoid + BCE and softmax + CE the
    output derivative cancels and :math:`\delta^2 = (y - t)/N`.

    Examples
    --------
    >>> import numpy as np
    >>> net = TwoLayerNet(n_in=2, n_hidden=3, rng=0)
    >>> x, t = np.array([[1.0, 2.0]]), np.array([[0.5]])
    >>> y, cache = net.forward(x)
    >>> grads = net.backward(cache, t)
    >>> sorted(grads)
    ['W1', 'W2', 'b1', 'b2']
    >>> grads["W1"].shape
    (2, 3)
    """

    def __init__(self, n_in, n_hidden, n_out=1, *, hidden="relu", output="identity", loss=None,
                 bias=True, rng=None):
        self.n_in = V.check_int(n_in, "n_in", minimum=1)
        self.n_hidden = V.check_int(n_hidden, "n_hidden", minimum=1)
        self.n_out = V.check_int(n_out, "n_out", minimum=1)
        V.check_choice(hidden, "hidden", tuple(ACTIVATIONS), 'Lesson 10 uses hidden="relu".',
                       expected=f"be one of {sorted(ACTIVATIONS)}")
        V.check_choice(output, "output", tuple(_HEADS),
                       'Use "identity" for regression, "sigmoid" or "softmax" for classification.',
                       expected=f"be one of {sorted(_HEADS)}")
        loss = _DEFAULT_LOSS[output] if loss is None else loss
        V.check_choice(loss, "loss", _HEADS[output],
                       "Cross entropy needs a softmax head; BCE needs a sigmoid head.",
                       expected=f"be one of {_HEADS[output]} for output={output!r}")
        if output == "softmax" and self.n_out < 2:
            V.fail("n_out", "be >= 2 for a softmax head", str(self.n_out),
                   "Use one output per class.")
        self.hidden, self.output, self.loss_name, self.bias = hidden, output, loss, bool(bias)
        gen = V.check_rng(rng)
        gain = 2.0 if hidden in ("relu", "leaky_relu") else 1.0
        self.params = {
            "W1": gen.normal(0.0, np.sqrt(gain / self.n_in), (self.n_in, self.n_hidden)),
            "W2": gen.normal(0.0, np.sqrt(1.0 / self.n_hidden), (self.n_hidden, self.n_out)),
        }
        if self.bias:
            self.params["b1"] = np.zeros(self.n_hidden)
            self.params["b2"] = np.zeros(self.n_out)

    def __repr__(self) -> str:
        return (f"TwoLayerNet(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}, "
                f"hidden={self.hidden!r}, output={self.output!r}, loss={self.loss_name!r}, "
                f"bias={self.bias})")

    # ---------------------------------------------------------------- helpers
    def _x(self, x):
        x = V.as_float_array(x, "x", ndim=(1, 2))
        if x.ndim == 1:
            x = x[None, :] if self.n_in > 1 or x.size == 1 else x[:, None]
        if x.shape[1] != self.n_in:
            V.fail("x", f"have n_in = {self.n_in} features per row", f"shape {x.shape}",
                   "Pass an array of shape (n_samples, n_in).")
        return x

    def _t(self, t, n):
        if self.output == "softmax":
            arr = V.as_float_array(t, "t")
            if arr.shape == (n,):
                return np.eye(self.n_out)[V.check_labels(arr, "t", self.n_out)]
            if arr.shape == (n, self.n_out):
                return V.check_prob_vector(arr, "t")
            V.fail("t", f"be labels of shape ({n},) or one-hot rows of shape ({n}, {self.n_out})",
                   f"shape {arr.shape}", "Pass one target per sample.")
        arr = V.as_float_array(t, "t")
        if arr.shape == (n,) and self.n_out == 1:
            arr = arr[:, None]
        if arr.shape != (n, self.n_out):
            V.fail("t", f"have shape ({n}, {self.n_out}) to match the network output",
                   f"shape {arr.shape}", "Pass one target row per sample.")
        if self.output == "sigmoid":
            V.check_probability(arr, "t")
        return arr

    def _out(self, z2):
        if self.output == "identity":
            return z2.copy()
        if self.output == "sigmoid":
            return _math.sigmoid(z2)
        return _math.softmax(z2)

    @staticmethod
    def _check_finite(z, name):
        if not np.all(np.isfinite(z)):
            V.fail(f"the weighted sums {name}", "stay finite", "inf or NaN",
                   "The weights have probably diverged: rebuild the network and train with a "
                   "smaller learning rate.", FloatingPointError)

    # ----------------------------------------------------------------- public
    def forward(self, x):
        """Run the network; return ``(y, cache)`` with every intermediate value.

        ``cache`` holds ``x``, ``z1``, ``a1``, ``z2`` and ``y``: exactly what
        the backward pass needs.
        """
        x = self._x(x)
        p = self.params
        act = ACTIVATIONS[self.hidden][0]
        with np.errstate(over="ignore", invalid="ignore"):
            z1 = x @ p["W1"] + (p["b1"] if self.bias else 0.0)  # z1_m = sum_n w1_nm x_n (+ b1_m)
        self._check_finite(z1, "z1")
        a1 = np.asarray(act(z1))                                # a1_m = h(z1_m)
        with np.errstate(over="ignore", invalid="ignore"):
            z2 = a1 @ p["W2"] + (p["b2"] if self.bias else 0.0)  # z2 = sum_m w2_m a1_m (+ b2)
        self._check_finite(z2, "z2")
        y = self._out(z2)
        return y, {"x": x, "z1": z1, "a1": a1, "z2": z2, "y": y}

    def predict(self, x):
        """The network output y for inputs x."""
        return self.forward(x)[0]

    def loss(self, x, t):
        """The training loss J on inputs x and targets t (averaged over samples)."""
        y, cache = self.forward(x)
        t = self._t(t, y.shape[0])
        n = y.shape[0]
        if self.loss_name == "mse":
            return float(np.sum((t - y) ** 2) / n)                     # (1/N) sum ||t - y||^2
        z2 = cache["z2"]                                               # log space: stays finite
        if self.loss_name == "bce":
            return float(np.sum(_math.softplus(z2) - t * z2) / n)
        return float(-np.sum(t * _math.log_softmax(z2)) / n)

    def error_signals(self, cache, t):
        r"""The error signals :math:`\delta^2 = \partial J/\partial z^2` and :math:`\delta^1 = \partial J/\partial z^1`."""
        y, z1 = cache["y"], cache["z1"]
        n = y.shape[0]
        t = self._t(t, n)
        if self.loss_name == "mse":
            dJ_dy = -2.0 * (t - y) / n                          # d/dy (1/N)||t - y||^2
            if self.output == "identity":
                delta2 = dJ_dy * 1.0                            # Identity'(z2) = 1
            else:
                delta2 = dJ_dy * y * (1.0 - y)                  # sigmoid'(z2) = y (1 - y)
        else:
            delta2 = (y - t) / n                                # BCE+sigmoid, CE+softmax
        dact = ACTIVATIONS[self.hidden][1]
        delta1 = (delta2 @ self.params["W2"].T) * np.asarray(dact(z1))   # back through W2, h'
        return {"delta2": delta2, "delta1": delta1}

    def backward(self, cache, t):
        """Gradients of J with respect to every weight and bias, by the chain rule.

        Returns
        -------
        dict of ndarray
            Keys as in ``params``; each gradient has its parameter's shape.
        """
        d = self.error_signals(cache, t)
        grads = {
            "W2": cache["a1"].T @ d["delta2"],                  # dz2/dw2_m = a1_m
            "W1": cache["x"].T @ d["delta1"],                   # dz1_m/dw1_nm = x_n
        }
        if self.bias:
            grads["b2"] = d["delta2"].sum(axis=0)
            grads["b1"] = d["delta1"].sum(axis=0)
        return grads

    def step(self, grads, lr):
        """One gradient-descent update of every parameter: ``W -= lr * dJ/dW``."""
        lr = V.as_float(lr, "lr")
        if lr <= 0:
            V.fail("lr", "be > 0", f"{lr:g}", "Gradient descent steps against the gradient with "
                   "a small positive learning rate such as 0.1.")
        for k, g in grads.items():
            if k not in self.params or np.shape(g) != self.params[k].shape:
                V.fail(f"grads[{k!r}]", "match a parameter of this network and its shape",
                       f"shape {np.shape(g)}", "Pass the dict returned by backward().")
            self.params[k] = self.params[k] - lr * np.asarray(g, dtype=float)
