r"""Step rules: how one optimiser update turns a gradient into a move, with explicit state.

Every rule is a small object holding its hyper-parameters (``beta``,
``beta1``, ``beta2``, ``eps``, named as in the papers) and three pure
methods:

- ``init(theta)`` returns the starting state (a dict of arrays shaped like
  theta, plus ``"t"``, the number of updates taken);
- ``step(theta, g, state, lr)`` returns ``(new_theta, new_state)`` for the
  gradient ``g`` at ``theta``; nothing is modified in place, so a state can
  be inspected, copied or replayed;
- ``effective_lr(state, lr)`` returns the per-parameter step size the rule
  would multiply the next gradient by (``lr`` for plain and momentum
  descent; shrinking with the squared gradients for AdaGrad, RMSProp and Adam).

The runners of :mod:`mlekit.optim` (:func:`~mlekit.optim.momentum`,
:func:`~mlekit.optim.adam`, ... and :func:`~mlekit.optim.sgd` with
``rule=``) drive them with full batches, minibatches or single samples.

Examples
--------
Two Adam steps by hand on J(θ) = θ², gradient 2θ:

>>> import numpy as np
>>> rule = Adam()
>>> theta, state = np.array(1.0), rule.init(np.array(1.0))
>>> theta, state = rule.step(theta, 2 * theta, state, lr=0.1)
>>> round(float(theta), 6)          # the first step has size lr, whatever the gradient's scale
0.9
>>> state["t"]
1
"""

from __future__ import annotations

import numpy as np

from . import _validation as V

__all__ = ["StepRule", "GD", "Momentum", "AdaGrad", "RMSProp", "Adam", "METHODS", "make_rule"]


def _beta(value, name):
    beta = V.as_float(value, name)
    if not 0.0 <= beta < 1.0:
        V.fail(name, "lie in [0, 1)", f"{beta:g}",
               f"Typical values are 0.9 (momentum, RMSProp, Adam's beta1) and 0.999 (Adam's beta2).")
    return beta


def _eps(value):
    eps = V.as_float(value, "eps")
    if not eps > 0.0:
        V.fail("eps", "be > 0", f"{eps:g}",
               "eps only keeps the division finite; use a tiny positive number such as 1e-8.")
    return eps


class StepRule:
    """Base class of the rules; on its own, plain gradient descent :math:`\\theta^{+} = \\theta - \\alpha g`.

    A new rule defines ``name``, ``init``, ``step`` (pure: return new
    objects) and, if its step size adapts, ``effective_lr``.

    Examples
    --------
    >>> rule = StepRule()
    >>> theta, state = rule.step(2.0, 1.0, rule.init(2.0), lr=0.5)
    >>> float(theta), state, rule.effective_lr(state, 0.5)
    (1.5, {'t': 1}, 0.5)
    """

    #: the key of this rule in :data:`METHODS`
    name = "gd"
    #: what to try when a run with this rule diverges
    divergence_hint = "Try a smaller learning rate"

    def init(self, theta) -> dict:
        """The state before the first update."""
        return {"t": 0}

    def step(self, theta, g, state, lr):
        """``(new_theta, new_state)`` after one update with gradient *g* at *theta*."""
        theta, g = np.asarray(theta, dtype=float), np.asarray(g, dtype=float)
        return theta - lr * g, {"t": state["t"] + 1}

    def effective_lr(self, state, lr):
        """The step size per parameter for the next gradient (here: *lr* everywhere)."""
        return lr

    def hyper(self) -> dict:
        """The rule's hyper-parameters by name (for reprs and trajectories)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.hyper() == other.hyper()

    __hash__ = None


class GD(StepRule):
    r"""Plain gradient descent (경사 하강법).

    .. math:: \theta_{t+1} = \theta_t - \alpha\, g_t

    Examples
    --------
    >>> GD().step(1.0, 2.0, GD().init(1.0), lr=0.25)[0].item()
    0.5
    """


class Momentum(StepRule):
    r"""Heavy-ball momentum (모멘텀), with Nesterov's look-ahead as an option.

    Parameters
    ----------
    beta : float in [0, 1)
        How much of the previous velocity is kept (0: plain gradient descent).
    nesterov : bool
        Use Nesterov's accelerated gradient (네스테로프 모멘텀).

    Notes
    -----
    Heavy ball (Polyak 1964, "Some methods of speeding up the convergence of
    iteration methods"):

    .. math:: v_{t+1} = \beta v_t - \alpha g_t, \qquad \theta_{t+1} = \theta_t + v_{t+1},

    that is :math:`\theta_{t+1} = \theta_t - \alpha g_t + \beta(\theta_t - \theta_{t-1})`.

    Nesterov (Sutskever, Martens, Dahl & Hinton 2013, eq. 3-4) evaluates the
    gradient at the look-ahead point :math:`\theta_t + \beta v_t`. Written in
    the look-ahead variable, as Bengio, Boulanger-Lewandowski & Pascanu
    (2013) do, it needs only the gradient at the current point:

    .. math:: v_{t+1} = \beta v_t - \alpha g_t, \qquad
              \theta_{t+1} = \theta_t + \beta v_{t+1} - \alpha g_t .

    Both start from :math:`v_0 = 0`.

    Examples
    --------
    >>> rule = Momentum(beta=0.5)
    >>> theta, state = 1.0, rule.init(1.0)
    >>> for _ in range(2):
    ...     theta, state = rule.step(theta, 2 * theta, state, lr=0.25)   # J = theta^2
    >>> float(theta), float(state["v"])       # v: -0.5, then 0.5 * -0.5 - 0.25 * 1
    (0.0, -0.5)
    """

    divergence_hint = "Try a smaller learning rate or a smaller beta"

    def __init__(self, beta=0.9, nesterov=False):
        self.beta = _beta(beta, "beta")
        if not isinstance(nesterov, (bool, np.bool_)):
            V.fail("nesterov", "be True or False", V.describe(nesterov),
                   "Pass nesterov=True for Nesterov's accelerated gradient.", exc=TypeError)
        self.nesterov = bool(nesterov)
        self.name = "nesterov" if self.nesterov else "momentum"

    def hyper(self):
        return {"beta": self.beta, "nesterov": self.nesterov}

    def init(self, theta):
        return {"v": np.zeros_like(np.asarray(theta, dtype=float)), "t": 0}

    def step(self, theta, g, state, lr):
        theta, g = np.asarray(theta, dtype=float), np.asarray(g, dtype=float)
        v = self.beta * state["v"] - lr * g                      # v+ = beta v - lr g
        if self.nesterov:
            new = theta + self.beta * v - lr * g                 # look-ahead form
        else:
            new = theta + v                                      # theta+ = theta + v+
        return new, {"v": v, "t": state["t"] + 1}


class AdaGrad(StepRule):
    r"""AdaGrad (아다그라드): each parameter's rate shrinks with its summed squared gradients.

    Notes
    -----
    Duchi, Hazan & Singer (2011), "Adaptive subgradient methods for online
    learning and stochastic optimization" (the diagonal version):

    .. math:: G_{t+1} = G_t + g_t^2, \qquad
              \theta_{t+1} = \theta_t - \frac{\alpha}{\sqrt{G_{t+1}} + \epsilon}\, g_t,

    element-wise, from :math:`G_0 = 0`. The effective rate
    :math:`\alpha / (\sqrt{G} + \epsilon)` can only fall.

    Examples
    --------
    >>> rule = AdaGrad()
    >>> theta, state = rule.step(1.0, 4.0, rule.init(1.0), lr=0.5)
    >>> round(float(theta), 6), float(state["G"])     # 1 - 0.5 * 4 / 4
    (0.5, 16.0)
    """

    name = "adagrad"

    def __init__(self, eps=1e-8):
        self.eps = _eps(eps)

    def hyper(self):
        return {"eps": self.eps}

    def init(self, theta):
        return {"G": np.zeros_like(np.asarray(theta, dtype=float)), "t": 0}

    def step(self, theta, g, state, lr):
        theta, g = np.asarray(theta, dtype=float), np.asarray(g, dtype=float)
        G = state["G"] + g * g                                   # G+ = G + g^2
        return theta - lr * g / (np.sqrt(G) + self.eps), {"G": G, "t": state["t"] + 1}

    def effective_lr(self, state, lr):
        return lr / (np.sqrt(state["G"]) + self.eps)


class RMSProp(StepRule):
    r"""RMSProp (알엠에스프롭): divide by a running root-mean-square of recent gradients.

    Parameters
    ----------
    beta : float in [0, 1)
        Decay of the running average of squared gradients.

    Notes
    -----
    Tieleman & Hinton (2012), Coursera "Neural Networks for Machine Learning",
    lecture 6.5:

    .. math:: s_{t+1} = \beta s_t + (1 - \beta)\, g_t^2, \qquad
              \theta_{t+1} = \theta_t - \frac{\alpha}{\sqrt{s_{t+1}} + \epsilon}\, g_t,

    element-wise, from :math:`s_0 = 0`. Unlike AdaGrad's sum, the average
    forgets old gradients, so the rate can grow again.

    Examples
    --------
    >>> rule = RMSProp(beta=0.75)
    >>> theta, state = rule.step(1.0, 2.0, rule.init(1.0), lr=0.1)
    >>> round(float(theta), 6), float(state["s"])     # s = 0.25 * 4; step 0.1 * 2 / 1
    (0.8, 1.0)
    """

    name = "rmsprop"

    def __init__(self, beta=0.9, eps=1e-8):
        self.beta = _beta(beta, "beta")
        self.eps = _eps(eps)

    def hyper(self):
        return {"beta": self.beta, "eps": self.eps}

    def init(self, theta):
        return {"s": np.zeros_like(np.asarray(theta, dtype=float)), "t": 0}

    def step(self, theta, g, state, lr):
        theta, g = np.asarray(theta, dtype=float), np.asarray(g, dtype=float)
        s = self.beta * state["s"] + (1.0 - self.beta) * g * g
        return theta - lr * g / (np.sqrt(s) + self.eps), {"s": s, "t": state["t"] + 1}

    def effective_lr(self, state, lr):
        return lr / (np.sqrt(state["s"]) + self.eps)


class Adam(StepRule):
    r"""Adam (아담): momentum on the gradient, RMSProp on its square, both bias-corrected.

    Parameters
    ----------
    beta1, beta2 : float in [0, 1)
        Decay rates of the first and second moment estimates.
    eps : float
        Keeps the division finite.

    Notes
    -----
    Kingma & Ba (2015), "Adam: A method for stochastic optimization",
    Algorithm 1, from :math:`m_0 = v_0 = 0`:

    .. math::

        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,

        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} .

    The bias correction (편향 보정) undoes the pull of the zero start: at
    :math:`t = 1`, :math:`\hat m = g` and :math:`\hat v = g^2`, so the first
    step is :math:`\alpha\, g / (|g| + \epsilon)`, of size about
    :math:`\alpha` whatever the gradient's scale.

    Examples
    --------
    >>> rule = Adam()
    >>> theta, state = rule.step(0.0, 1000.0, rule.init(0.0), lr=0.01)
    >>> round(float(theta), 8)
    -0.01
    """

    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = _beta(beta1, "beta1")
        self.beta2 = _beta(beta2, "beta2")
        self.eps = _eps(eps)

    def hyper(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def init(self, theta):
        zeros = np.zeros_like(np.asarray(theta, dtype=float))
        return {"m": zeros, "v": zeros.copy(), "t": 0}

    def corrected(self, m, v, t):
        r"""The bias-corrected moments :math:`(\hat m_t, \hat v_t)` after *t* >= 1 updates."""
        t = V.check_int(t, "t", minimum=1)
        return m / (1.0 - self.beta1 ** t), v / (1.0 - self.beta2 ** t)

    def step(self, theta, g, state, lr):
        theta, g = np.asarray(theta, dtype=float), np.asarray(g, dtype=float)
        t = state["t"] + 1
        m = self.beta1 * state["m"] + (1.0 - self.beta1) * g
        v = self.beta2 * state["v"] + (1.0 - self.beta2) * g * g
        m_hat, v_hat = self.corrected(m, v, t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + self.eps), {"m": m, "v": v, "t": t}

    def effective_lr(self, state, lr):
        if state["t"] == 0:
            return lr
        _, v_hat = self.corrected(state["m"], state["v"], state["t"])
        return lr / (np.sqrt(v_hat) + self.eps)


#: method name -> how to build its rule from keyword hyper-parameters
METHODS = {
    "gd": GD,
    "momentum": Momentum,
    "nesterov": lambda **kw: Momentum(nesterov=True, **kw),
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make_rule(method="gd", **hyper) -> StepRule:
    """The step rule *method* (a name in :data:`METHODS` or a :class:`StepRule`) with *hyper*.

    Examples
    --------
    >>> make_rule("adam", beta1=0.8)
    Adam(beta1=0.8, beta2=0.999, eps=1e-08)
    >>> make_rule("nesterov")
    Momentum(beta=0.9, nesterov=True)
    """
    if isinstance(method, StepRule):
        if hyper:
            V.fail("hyper-parameters", "be set on the rule itself when a StepRule is passed",
                   ", ".join(sorted(hyper)), f"Pass {type(method).__name__}({', '.join(sorted(hyper))}=...).",
                   exc=TypeError)
        return method
    V.check_choice(method, "method", tuple(METHODS), 'For example method="adam".', exc=ValueError)
    try:
        return METHODS[method](**hyper)
    except TypeError:
        import inspect
        cls = Momentum if method == "nesterov" else METHODS[method]
        allowed = [p for p in inspect.signature(cls).parameters if p != "nesterov" or method == "momentum"]
        V.fail("hyper-parameters", f"be among {allowed} for method={method!r}",
               ", ".join(sorted(hyper)), "Check the spelling: the names follow the papers "
               "(beta, beta1, beta2, eps).", exc=TypeError)
