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

:func:`backprop_walk` takes that network and one sample apart node by node:
the forward values in the order they are computed, then every product
"local derivative × incoming gradient" of the backward pass, the error
signals δ², δ¹ and the gradients, checked against
:meth:`TwoLayerNet.backward` and central finite differences
(lesson 10's BackpropExplorer shows it step by step).

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

import copy
from dataclasses import dataclass, field

import numpy as np

from . import _math
from . import _validation as V
from ._math import scalar_or_array
from .gradcheck import numerical_gradient, relative_error

__all__ = [
    "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "identity", "identity_grad", "ACTIVATIONS", "TwoLayerNet",
    "backprop_walk", "BackpropWalk", "ForwardStep", "ChainStep", "node_label",
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

    @classmethod
    def from_weights(cls, W1, W2, *, hidden="relu", output="identity", loss=None):
        r"""A network without biases whose weights are *W1* and *W2* (copied).

        Parameters
        ----------
        W1 : array_like, shape (n_in, n_hidden)
            ``W1[n, m]`` is :math:`w^1_{nm}`, from input n to hidden unit m.
        W2 : array_like, shape (n_hidden,) or (n_hidden, n_out)
            The output weights; a 1-D array is one output.
        hidden, output, loss
            As for :class:`TwoLayerNet`.

        Examples
        --------
        >>> net = TwoLayerNet.from_weights([[1.0, -1.0], [0.5, 2.0]], [0.5, -1.0])
        >>> net.params["W2"].shape, net.bias
        ((2, 1), False)
        >>> float(net.predict([1.0, 1.0])[0, 0])     # ReLU(1.5, 1) . (0.5, -1) = 0.75 - 1
        -0.25
        """
        W1 = V.as_float_array(W1, "W1", ndim=2)
        W2 = V.as_float_array(W2, "W2", ndim=(1, 2))
        W2 = W2[:, None] if W2.ndim == 1 else W2
        if W2.shape[0] != W1.shape[1]:
            V.fail("W2", f"have one row per hidden unit (W1 has {W1.shape[1]} columns)",
                   f"shape {W2.shape}", "Pass W1 of shape (n_in, n_hidden) and W2 of shape "
                   "(n_hidden,) or (n_hidden, n_out).")
        net = cls(W1.shape[0], W1.shape[1], W2.shape[1], hidden=hidden, output=output, loss=loss,
                  bias=False, rng=0)
        net.params = {"W1": W1.copy(), "W2": W2.copy()}
        return net

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


# ---------------------------------------------------------------- backprop, node by node
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: how the local derivative of each hidden activation is written (ReLU′, σ′, ...)
_ACT_SYMBOL = {"relu": "ReLU", "leaky_relu": "leakyReLU", "sigmoid": "σ", "tanh": "tanh",
               "identity": "Identity"}


def node_label(name: str) -> str:
    """How lesson 10 writes a node or weight of :func:`backprop_walk`: ``"z1_2"`` -> ``"z¹₂"``.

    Names are ``x1``, ``t``, ``z1_m``, ``a1_m``, ``z2``, ``y``, ``J`` for nodes and
    ``w1_nm``, ``w2_m`` for weights (n the input, m the hidden unit).

    Examples
    --------
    >>> node_label("z1_2"), node_label("w1_12"), node_label("x2"), node_label("J")
    ('z¹₂', 'w¹₁₂', 'x₂', 'J')
    """
    if not isinstance(name, str):
        V.fail("name", "be a node name such as 'z1_2'", V.describe(name), "", TypeError)
    head, _, sub = name.partition("_")
    letter, layer = head[:1], head[1:]
    if letter in ("z", "a", "w") and layer:
        return letter + layer.translate(_SUPERSCRIPT) + sub.translate(_SUBSCRIPT)
    if letter == "x" and layer:
        return "x" + layer.translate(_SUBSCRIPT)
    return name


def _num(value, paren=False) -> str:
    """4 significant digits with a real minus sign; negatives in brackets if *paren*."""
    text = f"{value + 0.0:.4g}".replace("-", "−")
    return f"({text})" if paren and text.startswith("−") else text


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward pass: its name, value, parents and formula (lesson 10's notation).

    Examples
    --------
    >>> net = TwoLayerNet.from_weights([[1.0], [2.0]], [3.0])
    >>> step = backprop_walk(net, [1.0, 1.0], 0.0).forward[0]
    >>> print(step)
    z¹₁ = w¹₁₁·x₁ + w¹₂₁·x₂ = 3
    >>> step.arithmetic                       # the formula with the numbers put in
    '1·1 + 2·1'
    """

    node: str
    value: float
    parents: tuple
    formula: str
    arithmetic: str = ""

    def __str__(self) -> str:
        return f"{self.formula} = {_num(self.value)}"


@dataclass(frozen=True)
class ChainStep:
    r"""One product of the backward pass: :math:`\partial J/\partial\,\text{target} =
    \frac{\partial\,\text{via}}{\partial\,\text{target}} \times \frac{\partial J}{\partial\,\text{via}}`.

    ``local`` is the local derivative (지역 미분) of ``via`` with respect to ``target``,
    ``upstream`` the incoming global derivative (전역 미분) :math:`\partial J/\partial\,\text{via}`,
    ``gradient = local * upstream`` what the step passes down. ``kind`` is ``"seed"``
    (:math:`\partial J/\partial J = 1`), ``"node"`` or ``"weight"``; ``edge`` the graph edge
    ``(parent, child)`` the gradient travels back along (None for the seed).

    Examples
    --------
    >>> net = TwoLayerNet.from_weights([[1.0], [2.0]], [3.0])
    >>> walk = backprop_walk(net, [1.0, 1.0], 0.0)      # z1 = 3, y = 9, J = 81
    >>> print(walk.backward[1])
    ∂J/∂y = −2(t − y) × ∂J/∂J = 18 × 1 = 18
    """

    target: str
    via: str
    local: float
    upstream: float
    gradient: float
    local_formula: str
    kind: str
    edge: tuple | None

    def __str__(self) -> str:
        t, v = node_label(self.target), node_label(self.via)
        if self.kind == "seed":
            return "∂J/∂J = 1"
        return (f"∂J/∂{t} = {self.local_formula} × ∂J/∂{v} = {_num(self.local)} × "
                f"{_num(self.upstream, paren=True)} = {_num(self.gradient)}")


@dataclass(frozen=True)
class BackpropWalk:
    r"""Lesson 10's network and one sample, taken apart for a node-by-node walk.

    Built by :func:`backprop_walk`. Step 0 has computed nothing; steps
    1 … ``len(forward)`` fill in the forward values; the next ``len(backward)``
    steps apply one chain-rule product each (:class:`ChainStep`).

    Attributes
    ----------
    x : ndarray, shape (n_in,)
        The sample.
    t : float
        Its target.
    W1, W2 : ndarray
        The weights, shapes (n_in, n_hidden) and (n_hidden, 1).
    hidden : str
        The hidden activation (``"relu"`` in lesson 10).
    forward : tuple of ForwardStep
        ``z1_1 … z1_m``, ``a1_1 … a1_m``, ``z2``, ``y``, ``J``, in this order.
    backward : tuple of ChainStep
        ``J`` (the seed), ``y``, ``z2``, the output weights ``w2_m`` (each reuses δ²), the
        hidden outputs ``a1_m``, the weighted sums ``z1_m`` (their error signals δ¹ₘ), then
        the hidden weights ``w1_nm`` unit by unit (each reuses δ¹ₘ).
    values : dict
        Every node's forward value, the inputs ``x1 …`` and ``t`` included.
    weights : dict
        ``{"w1_nm": value, "w2_m": value}``.
    edges : tuple
        The graph's edges ``(parent, child)``, inputs first.
    edge_weight : dict
        ``{edge: weight name}`` for the edges that carry a weight.
    delta2 : float
        The error signal (오차 신호) :math:`\delta^2 = \partial J/\partial z^2`, from
        :meth:`TwoLayerNet.error_signals`.
    delta1 : ndarray, shape (n_hidden,)
        :math:`\delta^1_m = \partial J/\partial z^1_m`, from :meth:`TwoLayerNet.error_signals`.
    grads : dict
        ``{"W1", "W2"}`` from :meth:`TwoLayerNet.backward` (what :meth:`TwoLayerNet.step` takes).
    numerical : dict
        The same gradients by central finite differences
        (:func:`mlekit.gradcheck.numerical_gradient` on :meth:`TwoLayerNet.loss`).
    loss : float
        :math:`J = (t - y)^2` (one sample, N = 1).
    off : tuple of int
        The hidden units (counting from 1) whose activation has slope 0 here
        (a ReLU with :math:`z^1_m \le 0`): no gradient passes back through them.

    Examples
    --------
    >>> walk = backprop_walk(TwoLayerNet.from_weights([[1.0], [2.0]], [3.0]), [1.0, 1.0], 0.0)
    >>> walk.n_steps, walk.loss, walk.delta2   # 5 nodes + 8 products; J = (0 - 9)², δ² = −2(t − y)
    (13, 81.0, 18.0)
    >>> walk.known_values(1)["z1_1"], walk.gradient("w2_1")    # dJ/dw2 = a1 delta2 = 3 * 18
    (3.0, 54.0)
    """

    x: np.ndarray
    t: float
    W1: np.ndarray
    W2: np.ndarray
    hidden: str
    forward: tuple
    backward: tuple
    values: dict
    weights: dict
    edges: tuple
    edge_weight: dict
    delta2: float
    delta1: np.ndarray
    grads: dict
    numerical: dict
    loss: float
    off: tuple = ()
    _index: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def n_in(self) -> int:
        """Number of inputs."""
        return int(self.W1.shape[0])

    @property
    def n_hidden(self) -> int:
        """Number of hidden units."""
        return int(self.W1.shape[1])

    @property
    def n_steps(self) -> int:
        """The last step: every forward node and every backward product done."""
        return len(self.forward) + len(self.backward)

    @property
    def inputs(self) -> tuple:
        """The input nodes, known before any step: ``("x1", …, "t")``."""
        return tuple(f"x{n + 1}" for n in range(self.n_in)) + ("t",)

    def current(self, step):
        """What step *step* did: ``("start", None)``, ``("forward", ForwardStep)`` or ``("backward", ChainStep)``.

        Examples
        --------
        >>> walk = backprop_walk(TwoLayerNet.from_weights([[1.0], [2.0]], [3.0]), [1.0, 1.0], 0.0)
        >>> walk.current(0), walk.current(1)[1].node, walk.current(walk.n_steps)[1].target
        (('start', None), 'z1_1', 'w1_21')
        """
        k = self._step(step)
        if k == 0:
            return ("start", None)
        if k <= len(self.forward):
            return ("forward", self.forward[k - 1])
        return ("backward", self.backward[k - len(self.forward) - 1])

    def known_values(self, step) -> dict:
        """``{node: value}`` of the inputs and every forward node computed by step *step*."""
        k = self._step(step)
        known = {name: self.values[name] for name in self.inputs}
        known.update((f.node, f.value) for f in self.forward[:k])
        return known

    def known_gradients(self, step) -> dict:
        """``{node or weight: ∂J/∂it}`` for every backward product applied by step *step*."""
        k = self._step(step) - len(self.forward)
        return {s.target: s.gradient for s in self.backward[:max(k, 0)]}

    def gradient(self, name) -> float:
        """∂J/∂*name* (a node or a weight) as the chain-rule products give it."""
        step = self._index.get(name)
        if step is None:
            V.fail("name", "be a computed node or a weight of this network",
                   V.describe(name), f"For example {self.backward[-1].target!r}.")
        return step.gradient

    def chain_grads(self) -> dict:
        """``{"W1", "W2"}`` assembled from the chain-rule products (shapes as in ``grads``)."""
        W1 = np.array([[self.gradient(f"w1_{n + 1}{m + 1}") for m in range(self.n_hidden)]
                       for n in range(self.n_in)])
        W2 = np.array([[self.gradient(f"w2_{m + 1}")] for m in range(self.n_hidden)])
        return {"W1": W1, "W2": W2}

    def errors(self) -> dict:
        """Relative errors of the chain-rule gradients against ``grads`` and ``numerical``.

        ``{"backward": …, "numerical": …}``, each
        :func:`mlekit.gradcheck.relative_error` over all weights at once.
        """
        chain = self.chain_grads()
        flat = lambda g: np.concatenate([g["W1"].ravel(), g["W2"].ravel()])   # noqa: E731
        return {"backward": relative_error(flat(chain), flat(self.grads)),
                "numerical": relative_error(flat(chain), flat(self.numerical))}

    def max_error(self) -> float:
        """The larger of the two relative errors of :meth:`errors`."""
        return max(self.errors().values())

    def _step(self, step) -> int:
        k = V.check_int(step, "step", minimum=0)
        if k > self.n_steps:
            V.fail("step", f"be at most {self.n_steps} (the last backward product)", str(k),
                   f"Use a step between 0 and {self.n_steps}.")
        return k


def _loss_with(net, name, value, x, t):
    """J of a copy of *net* whose parameter *name* is *value* (the network is not changed)."""
    other = copy.copy(net)
    other.params = {**net.params, name: value}
    return other.loss(x, t)


def backprop_walk(net, x, t, *, eps=1e-6):
    r"""Forward values, chain-rule products, error signals and gradients for one sample.

    Parameters
    ----------
    net : TwoLayerNet
        Lesson 10's network: no biases, identity output, MSE, one output
        (e.g. ``TwoLayerNet(2, 3, bias=False)`` or :meth:`TwoLayerNet.from_weights`).
        It is not changed.
    x : array_like, shape (n_in,) or (1, n_in)
        One sample.
    t : float
        Its target.
    eps : float
        Step of the central finite differences.

    Returns
    -------
    BackpropWalk

    Notes
    -----
    Each backward product is (local derivative) × (incoming gradient); for this
    network every node has one path to J, so the product is the node's whole
    gradient:

    .. math::

        \frac{\partial J}{\partial y} = -2(t - y), \quad
        \delta^2 = \frac{\partial J}{\partial y}\cdot 1, \quad
        \frac{\partial J}{\partial w^2_m} = a^1_m\,\delta^2, \quad
        \frac{\partial J}{\partial a^1_m} = w^2_m\,\delta^2, \quad
        \delta^1_m = \mathrm{ReLU}'(z^1_m)\,\frac{\partial J}{\partial a^1_m}, \quad
        \frac{\partial J}{\partial w^1_{nm}} = x_n\,\delta^1_m,

    which is :math:`\partial J/\partial w^1_{nm} = -2(t-y)\cdot 1\cdot w^2_m\cdot
    \mathrm{ReLU}'(z^1_m)\cdot x_n` for N = 1. The walk's ``grads`` come from
    :meth:`TwoLayerNet.backward`, its ``numerical`` gradients from
    :func:`mlekit.gradcheck.numerical_gradient`; :meth:`BackpropWalk.errors` compares both
    with the products.

    Examples
    --------
    >>> net = TwoLayerNet(n_in=2, n_hidden=3, hidden="relu", output="identity", bias=False, rng=0)
    >>> walk = backprop_walk(net, [1.0, 2.0], 1.5)
    >>> [f.node for f in walk.forward]
    ['z1_1', 'z1_2', 'z1_3', 'a1_1', 'a1_2', 'a1_3', 'z2', 'y', 'J']
    >>> [s.target for s in walk.backward][:7]
    ['J', 'y', 'z2', 'w2_1', 'w2_2', 'w2_3', 'a1_1']
    >>> round(walk.loss, 4), round(walk.delta2, 4)
    (3.2451, -3.6029)
    >>> bool(walk.delta1[1] == 0.0)            # unit 2 is off: z1_2 < 0, ReLU' = 0
    True
    >>> print(walk.backward[-1])               # the last product: dJ/dw1_23 = x_2 delta1_3
    ∂J/∂w¹₂₃ = x₂ × ∂J/∂z¹₃ = 2 × 1.464 = 2.928
    >>> bool(walk.max_error() < 1e-8)          # products = TwoLayerNet.backward = finite differences
    True
    """
    if not isinstance(net, TwoLayerNet):
        V.fail("net", "be a mlekit.nn.TwoLayerNet", V.describe(net),
               'Build it with TwoLayerNet(2, 3, bias=False) or TwoLayerNet.from_weights(W1, W2).',
               TypeError)
    if net.bias or net.output != "identity" or net.loss_name != "mse" or net.n_out != 1:
        V.fail("net", "be lesson 10's network: no biases, one identity output, MSE",
               repr(net), 'Use TwoLayerNet(n_in, n_hidden, output="identity", bias=False).')
    if net.n_in > 9 or net.n_hidden > 9:
        V.fail("net", "have at most 9 inputs and 9 hidden units (one digit per index)",
               f"n_in={net.n_in}, n_hidden={net.n_hidden}", "Walk a smaller network.")
    X = net._x(x)
    if X.shape[0] != 1:
        V.fail("x", "be one sample", f"{X.shape[0]} samples",
               "Pass one row, e.g. x = [1.0, 2.0]; the walk follows a single sample.")
    T = net._t(V.as_float_array(t, "t").reshape(-1), 1)
    y, cache = net.forward(X)
    d = net.error_signals(cache, T)
    grads = net.backward(cache, T)
    numerical = {k: numerical_gradient(lambda v, k=k: _loss_with(net, k, v, X, T),
                                       net.params[k], eps) for k in ("W1", "W2")}
    W1, W2 = net.params["W1"].copy(), net.params["W2"].copy()
    n_in, m_hidden = W1.shape
    xs, t0 = X[0], float(T[0, 0])
    z1, a1 = cache["z1"][0], cache["a1"][0]
    z2, yv = float(cache["z2"][0, 0]), float(y[0, 0])
    J = net.loss(X, T)
    act_grad = ACTIVATIONS[net.hidden][1]
    h = _ACT_SYMBOL[net.hidden]
    L = node_label
    ins = [f"x{n + 1}" for n in range(n_in)]
    units = range(1, m_hidden + 1)

    values = {name: float(v) for name, v in zip(ins, xs)}
    values["t"] = t0
    forward = []
    for m in units:                                  # z1_m = sum_n w1_nm x_n
        parts = " + ".join(f"{L(f'w1_{n}{m}')}·{L(f'x{n}')}" for n in range(1, n_in + 1))
        numbers = " + ".join(f"{_num(W1[n, m - 1], True)}·{_num(xs[n], True)}"
                             for n in range(n_in))
        forward.append(ForwardStep(f"z1_{m}", float(z1[m - 1]) + 0.0, tuple(ins),
                                   f"{L(f'z1_{m}')} = {parts}", numbers))
    for m in units:                                  # a1_m = h(z1_m)
        forward.append(ForwardStep(f"a1_{m}", float(a1[m - 1]) + 0.0, (f"z1_{m}",),
                                   f"{L(f'a1_{m}')} = {h}({L(f'z1_{m}')})",
                                   f"{h}({_num(z1[m - 1])})"))
    parts = " + ".join(f"{L(f'w2_{m}')}·{L(f'a1_{m}')}" for m in units)
    numbers = " + ".join(f"{_num(W2[m, 0], True)}·{_num(a1[m], True)}" for m in range(m_hidden))
    forward.append(ForwardStep("z2", z2 + 0.0, tuple(f"a1_{m}" for m in units), f"z² = {parts}",
                               numbers))
    forward.append(ForwardStep("y", yv + 0.0, ("z2",), "y = Identity(z²)", f"{_num(z2)}"))
    forward.append(ForwardStep("J", float(J), ("y", "t"), "J = (t − y)²",
                               f"({_num(t0)} − {_num(yv, True)})²"))
    values.update((f.node, f.value) for f in forward)

    weights = {f"w1_{n + 1}{m + 1}": float(W1[n, m]) for n in range(n_in) for m in range(m_hidden)}
    weights.update({f"w2_{m + 1}": float(W2[m, 0]) for m in range(m_hidden)})
    edges = ([(i, f"z1_{m}") for m in units for i in ins] + [(f"z1_{m}", f"a1_{m}") for m in units]
             + [(f"a1_{m}", "z2") for m in units] + [("z2", "y"), ("y", "J"), ("t", "J")])
    edge_weight = {(f"x{n}", f"z1_{m}"): f"w1_{n}{m}" for n in range(1, n_in + 1) for m in units}
    edge_weight.update({(f"a1_{m}", "z2"): f"w2_{m}" for m in units})

    steps = [ChainStep("J", "J", 1.0, 1.0, 1.0, "1", "seed", None)]

    def chain(target, via, local, formula, kind, edge):
        upstream, local = steps_by[via].gradient, float(local) + 0.0     # + 0.0: no -0.0
        steps.append(ChainStep(target, via, local, upstream, local * upstream + 0.0,
                               formula, kind, edge))
        steps_by[target] = steps[-1]

    steps_by = {"J": steps[0]}
    chain("y", "J", -2.0 * (t0 - yv), "−2(t − y)", "node", ("y", "J"))          # d(t - y)^2/dy
    chain("z2", "y", 1.0, "Identity′(z²)", "node", ("z2", "y"))
    for m in units:                                                           # dz2/dw2_m = a1_m
        chain(f"w2_{m}", "z2", a1[m - 1], L(f"a1_{m}"), "weight", (f"a1_{m}", "z2"))
    for m in units:                                                           # dz2/da1_m = w2_m
        chain(f"a1_{m}", "z2", W2[m - 1, 0], L(f"w2_{m}"), "node", (f"a1_{m}", "z2"))
    for m in units:                                                           # da1_m/dz1_m = h'
        chain(f"z1_{m}", f"a1_{m}", float(act_grad(z1[m - 1])), f"{h}′({L(f'z1_{m}')})", "node",
              (f"z1_{m}", f"a1_{m}"))
    for m in units:                                                           # dz1_m/dw1_nm = x_n
        for n in range(1, n_in + 1):
            chain(f"w1_{n}{m}", f"z1_{m}", xs[n - 1], L(f"x{n}"), "weight", (f"x{n}", f"z1_{m}"))

    return BackpropWalk(
        x=xs.copy(), t=t0, W1=W1, W2=W2, hidden=net.hidden, forward=tuple(forward),
        backward=tuple(steps), values=values, weights=weights, edges=tuple(edges),
        edge_weight=edge_weight, delta2=float(d["delta2"][0, 0]), delta1=d["delta1"][0].copy(),
        grads=grads, numerical=numerical, loss=float(J),
        off=tuple(m for m in units if float(act_grad(z1[m - 1])) == 0.0), _index=steps_by)
