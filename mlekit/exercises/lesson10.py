"""Checks for lesson 10, backpropagation (역전파) through one sigmoid neuron.

The neuron is :math:`L = (\\sigma(wx + b) - t)^2`. Each check compares the
student's answer with mlekit's reference (:mod:`mlekit.nn`,
:mod:`mlekit.neuron`) on several inputs, names the usual chain-rule slip when
it recognises one, and never prints the reference value.

Examples
--------
>>> import math
>>> from mlekit.exercises import lesson10 as ex
>>> sigma = lambda z: 1 / (1 + math.exp(-z))
>>> fb = ex.check_sigmoid_grad(lambda z: sigma(z) * (1 - sigma(z)))
✓ Correct: your sigmoid derivative matches f(1 - f) at every z we tried (peak 0.25 at z = 0).
>>> bool(fb)
True
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..neuron import neuron_loss_grad
from ..nn import sigmoid, sigmoid_grad
from ._core import (StudentError, as_number, call_student, check, close, close_typed,
                    describe_answer, reject_near_miss, rounded_note)

__all__ = ["check_sigmoid_grad", "check_neuron_grads", "check_backward_step"]


def _sigma(z: float) -> float:
    return float(sigmoid(z))


# ------------------------------------------------------------------ exercise 1
#: z = 1.5 first: there every slip below gives a different number
_Z_PROBES = (1.5, -2.0, 0.0, 0.7, -0.3, 4.0, -40.0, 40.0)


def _diagnose_sigmoid_grad(got: float, z: float) -> str | None:
    """The hint for a recognised slip in sigmoid_grad(z), or None (no values shown)."""
    s = _sigma(z)
    want = s * (1.0 - s)
    at = f"sigmoid_grad({z:g})"
    if close(got, -want):
        return (f"{at} has the wrong sign. The sigmoid only ever rises, so its derivative "
                "f(1 - f) is positive.")
    if close(got, s):
        return (f"{at} returned the sigmoid f(z) itself. The derivative is f(z) times "
                "(1 - f(z)).")
    if close(got, s * (1.0 + s)):
        return (f"{at} used f(1 + f). The derivative of the sigmoid is f(1 - f): a minus "
                "sign, not a plus.")
    if close(got, z * (1.0 - z)):
        return (f"{at} applied the formula to z itself. In f(1 - f), f is the sigmoid's "
                "output: first compute f = 1 / (1 + e^(-z)), then f * (1 - f).")
    if close(got, 1.0 - s * s):
        return (f"{at} used 1 - f^2, which is the derivative of tanh. For the sigmoid it is "
                "f(1 - f).")
    if close(got, 1.0 - s):
        return f"{at} returned only (1 - f); multiply it by f."
    if close(got, math.exp(-z)):
        return (f"{at} returned e^(-z). Differentiate 1 / (1 + e^(-z)) fully, or use "
                "f(1 - f).")
    return None


@check(
    hints=(
        r"""Compute the sigmoid's value $f = \sigma(z)$ at the given $z$ first; the
        derivative can then be written with $f$ alone, without differentiating an
        exponential again.""",
        r"""Test your function on values you know: the slope is largest at $z = 0$, where $f
        = 0.5$; it is symmetric, $\sigma'(-z) = \sigma'(z)$; and far out, at $z = \pm 30$
        say, it is tiny but never negative.""",
    ),
    explanation=r"""
        $\sigma(z) = (1 + e^{-z})^{-1}$, so

        $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}} = f\,(1 - f).$$

        It peaks at $z = 0$ with $0.5 \times 0.5 = 0.25$ and falls towards 0 on both sides:
        the reason a saturated sigmoid passes back almost no gradient.
        """,
)
def check_sigmoid_grad(sigmoid_grad_student):
    """Check ``sigmoid_grad(z)``, the derivative of the logistic sigmoid."""
    for z in _Z_PROBES:
        got = as_number(call_student(sigmoid_grad_student, "sigmoid_grad", z),
                        f"sigmoid_grad({z:g})")
        want = float(sigmoid_grad(z))
        if close(got, want):
            continue
        hint = _diagnose_sigmoid_grad(got, z)
        if hint:
            raise StudentError(hint)
        if not 0.0 <= got <= 0.25 + 1e-12:
            raise StudentError(f"sigmoid_grad({z:g}) returned {got:.4g}, but the sigmoid's "
                               "slope always lies between 0 and 0.25. Compute f = sigma(z) "
                               "first, then f * (1 - f).")
        raise StudentError(f"sigmoid_grad({z:g}) is not f(1 - f) with f = 1 / (1 + e^(-z)). "
                           "Compute the sigmoid first, then multiply it by one minus itself.")
    return ("Correct: your sigmoid derivative matches f(1 - f) at every z we tried (peak 0.25 "
            "at z = 0).")


# ------------------------------------------------------------------ exercise 2
#: (w, b, x, t); the first probes have x != 1 and x != 0, so a missing x is caught early
_NEURON_PROBES = (
    (0.5, -0.5, 2.0, 1.0),
    (-1.0, 0.3, -1.5, 0.25),
    (2.0, 2.0, 1.0, 0.0),       # lesson 06's poor start: the sigmoid is saturated
    (0.0, 0.0, 3.0, 1.0),
    (1.2, -0.4, 0.5, 0.8),
    (-0.7, 1.1, -2.5, 0.0),
)


def _pair(result, where: str) -> tuple[float, float]:
    """The student's (dL/dw, dL/db) as two floats, or a StudentError explaining why not."""
    if isinstance(result, dict):
        raise StudentError(f"{where} returned a dict; return the two numbers as a tuple: "
                           "`return dL_dw, dL_db`.")
    if isinstance(result, (str, bytes)):
        raise StudentError(f"{where} returned {describe_answer(result)}; return two numbers "
                           "(dL/dw, dL/db), not text.")
    if isinstance(result, (numbers.Number, np.number)) or (
            isinstance(result, np.ndarray) and result.size == 1):
        raise StudentError(f"{where} returned a single number; return both gradients as a "
                           "pair: `return dL_dw, dL_db`.")
    try:
        items = list(result)
    except TypeError:
        raise StudentError(f"{where} returned {describe_answer(result)}; return the pair "
                           "`dL_dw, dL_db`.") from None
    if len(items) != 2:
        raise StudentError(f"{where} returned {len(items)} values; return exactly two, "
                           "(dL/dw, dL/db).")
    return (as_number(items[0], f"dL/dw from {where}"), as_number(items[1], f"dL/db from {where}"))


def _diagnose_neuron(gw, gb, w, b, x, t) -> str | None:
    """The hint for a recognised chain-rule slip, or None (never shows a value)."""
    y = _sigma(w * x + b)
    ds = y * (1.0 - y)                     # sigma'(z)
    want_w, want_b = 2 * (y - t) * ds * x, 2 * (y - t) * ds
    both = lambda a, c: close(gw, a) and close(gb, c)   # noqa: E731
    if both(want_b, want_w):
        return "You returned (dL/db, dL/dw); the order asked for is (dL/dw, dL/db)."
    if both(-want_w, -want_b):
        return ("Both gradients have the wrong sign: check the first factor of the chain, "
                "dL/dy. Is the loss rising or falling in y when y is above t?")
    if both(want_w / 2, want_b / 2):
        return ("Both gradients are half the right size: differentiating the square brings "
                "down a factor 2.")
    if both((y - t) * x, y - t):
        return ("You forgot both the factor 2 from the square and the sigmoid's slope "
                "dy/dz: the chain has a local derivative for every node on the path.")
    if both(2 * (y - t) * x, 2 * (y - t)):
        return ("You forgot sigma'(z): between dL/dy and dz/dw the chain passes through "
                "y = sigma(z), whose local derivative is y(1 - y).")
    if both(2 * (y - t) * y * (1 + y) * x, 2 * (y - t) * y * (1 + y)):
        return "The sigmoid's slope is y(1 - y), not y(1 + y)."
    if both(2 * (y - t) * (w * x + b) * (1 - (w * x + b)) * x,
            2 * (y - t) * (w * x + b) * (1 - (w * x + b))):
        return ("You applied f(1 - f) to z = wx + b; f is the sigmoid's output y = sigma(z), "
                "so the local derivative is y(1 - y).")
    if x != 1.0 and close(gw, want_b) and close(gb, want_b):
        return ("Your dL/dw equals your dL/db: you forgot the last factor dz/dw. "
                "(dz/db = 1, so dL/db has no such factor.)")
    if close(gb, want_b) and x != 1.0 and close(gw, want_b * w):
        return ("In dL/dw the last factor is dz/dw: differentiate z = wx + b with respect "
                "to w, not to x.")
    if close(gw, want_w) and close(gb, want_w):
        return "dL/db has no factor x: dz/db = 1, so dL/db = dL/dz."
    if close(gw, want_w) and not close(gb, want_b):
        return ("Your dL/dw is right but dL/db is not; dL/db is the same chain with the last "
                "factor dz/db = 1.")
    if close(gb, want_b) and not close(gw, want_w):
        return ("Your dL/db is right but dL/dw is not; multiply dL/db by the last factor "
                "dz/dw.")
    return None


@check(
    hints=(
        r"""Do the forward pass first and keep its intermediate values: $z = wx + b$, then
        $y = \sigma(z)$, then $L = (y - t)^2$. Backpropagation (역전파) reuses exactly these
        values on the way back.""",
        r"""Multiply the local derivatives (지역 미분) from the loss back to each parameter. The
        two gradients share every factor but the last, so compute the shared part, the error
        signal $\partial L/\partial z$, once. What are $\partial z/\partial w$ and $\partial
        z/\partial b$ for $z = wx + b$?""",
    ),
    explanation=r"""
        By the chain rule,

        $$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial y}\cdot\frac{\partial y}{\partial z}\cdot\frac{\partial z}{\partial w} = 2(y - t)\cdot y(1-y)\cdot x, \qquad \frac{\partial L}{\partial b} = 2(y - t)\cdot y(1-y)\cdot 1.$$

        The common factor $\delta = 2(y - t)\,y(1 - y)$ is the error signal (오차 신호) at $z$:
        compute it once, then $\partial L/\partial w = \delta x$ and $\partial L/\partial b
        = \delta$.
        """,
)
def check_neuron_grads(neuron_grads):
    """Check ``neuron_grads(w, b, x, t)`` -> (dL/dw, dL/db) for L = (sigma(wx + b) - t)^2."""
    for w, b, x, t in _NEURON_PROBES:
        where = f"neuron_grads({w:g}, {b:g}, {x:g}, {t:g})"
        gw, gb = _pair(call_student(neuron_grads, "neuron_grads", w, b, x, t), where)
        want_w, want_b = (float(g) for g in neuron_loss_grad(w, b, x=x, t=t, loss="mse"))
        if close(gw, want_w) and close(gb, want_b):
            continue
        hint = _diagnose_neuron(gw, gb, w, b, x, t)
        if hint:
            raise StudentError(f"{where}: {hint}")
        raise StudentError(f"{where} does not match the chain rule. Multiply the local "
                           "derivatives along the path from L back to w (and to b): one for "
                           "the square, one for the sigmoid, one for z = wx + b.")
    return ("Correct: your gradients match backpropagation at every (w, b, x, t) we tried, "
            "including a saturated sigmoid.")


# ------------------------------------------------------------------ exercise 3
@check(
    hints=(
        r"""Every node of a backward pass does the same thing: it multiplies the gradient
        arriving from above by its own local derivative (지역 미분). So what you need is the
        sigmoid's local derivative $dy/dz$ at this node.""",
        r"""The sigmoid's derivative can be written with its output alone, so the $y$ from
        the forward pass is all you need; you never need $z$. Keep the sign of the incoming
        gradient.""",
    ),
    explanation=r"""
        The local derivative is $\frac{dy}{dz} = y(1 - y) = 0.8 \times 0.2 = 0.16$, and the
        incoming gradient is $\frac{\partial L}{\partial y} = -0.4$. The node passes their
        product down:

        $$\frac{\partial L}{\partial z} = \frac{dy}{dz}\cdot\frac{\partial L}{\partial y} = 0.16 \times (-0.4) = -0.064.$$
        """,
)
def check_backward_step(dL_dz, *, y=0.8, upstream=-0.4):
    """Check one backward step through a sigmoid node with output ``y``, incoming ``upstream``."""
    got = as_number(dL_dz, "dL_dz")
    local = y * (1.0 - y)                  # sigma'(z) written with the output y
    want = local * upstream                # chain rule: local x incoming
    if close_typed(got, want):
        return (f"Correct{rounded_note(got, want)}: local derivative y(1 - y) times the incoming gradient; this is what "
                "the node passes down to z.")
    slips = (   # (what the slip gives, the hint); no hint shows a value
        (-want, "dL_dz has the wrong sign: multiply the local derivative (positive) by the "
                "incoming gradient as it is, minus sign included."),
        (local, "dL_dz is only the local derivative dy/dz. Multiply it by the incoming "
                "gradient dL/dy that arrived from above."),
        (upstream, "dL_dz is just the incoming gradient passed through unchanged. A sigmoid "
                   "node multiplies it by its local derivative y(1 - y)."),
        (local + upstream, "dL_dz adds the local and the incoming derivative; the chain rule "
                           "multiplies them."),
        (y * (1.0 + y) * upstream, "The sigmoid's local derivative is y(1 - y), not y(1 + y)."),
        (y * upstream, "You multiplied the incoming gradient by y only; the local derivative "
                       "is y(1 - y)."),
        ((1.0 - y) * upstream, "You multiplied the incoming gradient by (1 - y) only; the "
                               "local derivative is y(1 - y)."),
        (float(sigmoid_grad(y)) * upstream,
         f"You treated {y:g} as the input z and took sigma'({y:g}). Here {y:g} is the node's "
         "output y = sigma(z), so the local derivative is simply y(1 - y)."),
    )
    for value, hint in slips:
        if close_typed(got, value):
            raise StudentError(hint)
    reject_near_miss(got, want, "dL_dz")
    raise StudentError(f"dL_dz = {got:.4g} is not (local derivative) x (incoming gradient) for "
                       f"a sigmoid node with output y = {y:g} and incoming dL/dy = "
                       f"{upstream:g}.")
