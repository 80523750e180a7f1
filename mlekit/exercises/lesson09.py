"""Checks for lesson 09, gradient descent and SGD (경사 하강법 / 확률적 경사 하강법).

Exercise 1 writes the gradient-descent loop, exercise 2 the largest stable
learning rate (학습률) on a quadratic, exercise 3 the number of update steps in
one epoch of minibatch training. Each check compares the student's function
with :mod:`mlekit.optim` and :mod:`mlekit.surfaces` on several inputs (edge
cases included), names the usual slip when it recognises one, and never
prints the reference value.

Examples
--------
>>> import math
>>> from mlekit.exercises import lesson09 as ex
>>> fb = ex.check_steps_per_epoch(lambda n, batch_size: math.ceil(n / batch_size))
✓ Correct: one step per minibatch, and the last, smaller batch counts too.
>>> bool(fb)
True
"""

from __future__ import annotations

import numpy as np

from ..optim import gradient_descent, minibatches
from ..surfaces import NonConvex1D, Quadratic1D, QuadraticBowl2D
from ._core import (StudentError, as_array, as_number, call_student, check, close,
                    close_arrays, describe_answer)

__all__ = ["check_run_gd", "check_max_stable_lr", "check_steps_per_epoch"]


def _same(a, b) -> bool:
    """Arrays (or numbers) equal to the computed-value tolerance; infinities must match."""
    return close_arrays(a, b, scale=1.0)


def _fmt(value) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    return "(" + ", ".join(f"{float(v):.4g}" for v in arr.ravel()) + ")"


# ------------------------------------------------------------------ exercise 1
def _survey_grad(p):
    """d NLL / dp of the phone survey (7 Android, 3 iOS), lesson 04."""
    return -7.0 / p + 3.0 / (1.0 - p)


def _gd_cases():
    """(grad, theta0, lr, steps, description) probes, most telling first."""
    quad = Quadratic1D(a=1.5, c=2.0)        # lr = 1 (a forgotten lr) neither lands nor cycles
    bowl = QuadraticBowl2D(curvatures=(1.0, 10.0))
    return [
        (quad.grad, 5.0, 0.1, 10, "J = 1.5 (theta - 2)^2 from theta0 = 5, lr = 0.1, 10 steps"),
        (NonConvex1D().grad, 2.0, 0.02, 25,
         "J = theta^4 - 3 theta^2 + theta from theta0 = 2, lr = 0.02, 25 steps"),
        (bowl.grad, np.array([-4.5, 2.0]), 0.05, 15,
         "the 2-D bowl from theta0 = (-4.5, 2), lr = 0.05, 15 steps"),
        (_survey_grad, 0.2, 0.002, 7, "the phone-survey NLL from p = 0.2, lr = 0.002, 7 steps"),
        (quad.grad, 5.0, 0.3, 1, "J = 1.5 (theta - 2)^2, a single step (steps = 1)"),
        (quad.grad, 5.0, 0.1, 0, "steps = 0 (no update at all)"),
    ]


def _walk(grad, theta0, lr, steps, *, sign=-1.0, frozen=False):
    """A plain loop for the slips: ascent (sign=+1), a gradient frozen at theta0, etc."""
    theta = np.array(theta0, dtype=float)
    with np.errstate(all="ignore"):
        g0 = np.asarray(grad(theta.copy() if theta.ndim else theta[()]), dtype=float)
        for _ in range(steps):
            # a numpy scalar for 1-D problems: 1 / 0 gives inf (ignored), never an exception
            g = g0 if frozen else np.asarray(grad(theta.copy() if theta.ndim else theta[()]),
                                             dtype=float)
            theta = theta + sign * lr * g
    return theta


def _as_theta(result, where: str, theta0, steps) -> np.ndarray:
    """The student's final theta as floats shaped like theta0, or a StudentError."""
    shape = np.shape(theta0)
    if hasattr(result, "final") and hasattr(result, "params"):
        raise StudentError(f"{where} returned a whole Trajectory; return only the final theta "
                           "(its .final), a number or an array like theta0.")
    if isinstance(result, (str, bytes)):
        raise StudentError(f"{where} returned {describe_answer(result)}; return theta as a "
                           "number (or a numpy array), not text.")
    if isinstance(result, (bool, np.bool_)):
        raise StudentError(f"{where} returned {bool(result)}, a True/False value; return the "
                           "final theta.")
    arr = as_array(result, f"the result of {where}", what="the final theta")
    if shape == () and arr.size == 1:
        arr = arr.reshape(())
    if arr.shape != shape:
        if arr.shape[:1] == (steps + 1,) and arr.shape[1:] == shape:
            raise StudentError(f"{where} returned the whole path, {steps + 1} values of theta. "
                               "That is a good thing to keep, but this exercise wants only the "
                               "last one: return theta after the loop.")
        want = "a single number" if shape == () else f"an array of shape {shape} like theta0"
        raise StudentError(f"{where} returned {describe_answer(result)}; it should return "
                           f"{want}: the final theta.")
    if np.any(np.isnan(arr)):
        raise StudentError(f"{where} returned NaN (not a number). Check that you subtract "
                           "lr * grad(theta) and update theta inside the loop.")
    return arr


def _diagnose_gd(got, grad, theta0, lr, steps, where) -> str | None:
    """The hint for a recognised slip in run_gd, or None. Never quotes the right value."""
    if steps > 0 and _same(got, _walk(grad, theta0, lr, steps, sign=+1.0)):
        return (f"{where}: theta went uphill. You added the gradient (gradient ascent); "
                "descent subtracts it: theta = theta - lr * grad(theta).")
    if steps > 0 and lr != 1 and _same(got, _walk(grad, theta0, 1.0, steps)):
        return (f"{where}: every step moved by the full gradient. Multiply it by the learning "
                "rate first: theta = theta - lr * grad(theta).")
    if steps > 0 and _same(got, np.asarray(theta0, float)):
        return (f"{where}: theta never changed. Assign the new value back to theta inside the "
                "loop (theta = theta - lr * grad(theta)) and return theta, not theta0.")
    if steps > 1 and _same(got, _walk(grad, theta0, lr, steps, frozen=True)):
        return (f"{where}: every step used the gradient at the start, grad(theta0). Evaluate "
                "the gradient at the current theta in every step.")
    if steps > 0 and _same(got, _walk(grad, theta0, lr, steps - 1)):
        return (f"{where}: that is one step too few (an off-by-one in the loop). "
                "for _ in range(steps) makes exactly `steps` updates.")
    if _same(got, _walk(grad, theta0, lr, steps + 1)):
        return (f"{where}: that is one step too many (an off-by-one in the loop). "
                "for _ in range(steps) makes exactly `steps` updates.")
    return None


@check(
    hints=(
        r"""Gradient descent (경사 하강법) is a loop: keep the current $\theta$ in a variable,
        and in every pass replace it by a step against the gradient evaluated at the
        *current* $\theta$. After the last pass, return it.""",
        r"""Build a new $\theta$ from the old one in each step rather than changing `theta0`
        in place; that works for numbers and arrays alike and leaves the caller's array
        untouched. With `steps = 0` the loop body never runs, and `theta0` comes back
        unchanged.""",
    ),
    explanation=r"""
        Start at $\theta_0$ and apply $\theta \leftarrow \theta - \alpha\nabla J(\theta)$
        exactly `steps` times, each time with the gradient at the newest $\theta$.

        For example, for $J(\theta) = (\theta - 3)^2$ with $\alpha = 0.25$ from $\theta_0 =
        0$, the first step goes to $0 - 0.25 \cdot (-6) = 1.5$ and the second to $1.5 - 0.25
        \cdot (-3) = 2.25$: each step halves the distance to the minimum at 3.
        """,
)
def check_run_gd(run_gd):
    """Check ``run_gd(grad, theta0, lr, steps)``: the final theta after ``steps`` updates."""
    for grad, theta0, lr, steps, described in _gd_cases():
        where = f"run_gd on {described}"
        start = np.array(theta0, dtype=float) if np.ndim(theta0) else float(theta0)
        result = call_student(run_gd, "run_gd", grad, start, lr, steps)
        got = _as_theta(result, where, theta0, steps)
        want = np.asarray(gradient_descent(grad, theta0, lr, steps).final, dtype=float)
        if _same(got, want):
            continue
        hint = _diagnose_gd(got, grad, theta0, lr, steps, where)
        if hint is not None:
            raise StudentError(hint)
        raise StudentError(f"{where} returned theta = {_fmt(got)}, which is not where `steps` "
                           "updates theta = theta - lr * grad(theta) lead from theta0. Loop "
                           "`steps` times and update theta in every step.")
    return ("Correct: your loop matches mlekit.optim.gradient_descent on 1-D and 2-D losses, "
            "for one step and for none.")


# ------------------------------------------------------------------ exercise 2
#: curvature probes; 2 and 1 come last, since there 2/c coincides with c/2 or with c
_CURVATURES = (8.0, 20.0, 0.5, 3.7, 0.04, 2.0, 1.0)


@check(
    hints=(
        r"""On a quadratic $J(\theta) = \frac{c}{2}(\theta - \theta^*)^2$ the gradient is
        $c\,(\theta - \theta^*)$. Write one gradient-descent step in terms of the distance
        to the minimum, $d = \theta - \theta^*$: which number multiplies $d$ in every step?""",
        r"""Gradient descent converges when that number has size below 1: the distance
        shrinks in every step, even if it flips sign (the zig-zag). Find the learning rate
        (학습률) at the edge where the number is exactly $-1$: there the iterate bounces
        between two points forever.""",
    ),
    explanation=r"""
        With $J'' = c$, one step gives $d^{+} = d - \alpha c\,d = (1 - \alpha c)\,d$. The
        iterates converge exactly when $|1 - \alpha c| < 1$, that is $0 < \alpha < 2/c$.

        - At $\alpha = 1/c$ one step lands on the minimum.
        - Between $1/c$ and $2/c$ the steps overshoot and zig-zag, but shrink.
        - At $\alpha = 2/c$ they bounce forever; above it they grow.

        So the boundary is $\alpha_{\max} = 2/c$.
        """,
)
def check_max_stable_lr(max_stable_lr):
    """Check ``max_stable_lr(curvature)``: the lr above which GD diverges on a quadratic."""
    for curv in _CURVATURES:
        where = f"max_stable_lr({curv:g})"
        got = as_number(call_student(max_stable_lr, "max_stable_lr", curv), where)
        want = float(Quadratic1D(a=curv / 2.0).max_stable_lr)     # J'' = 2a, limit 1/a
        if close(got, want):
            continue
        if close(got, 1.0 / curv):
            raise StudentError(f"{where} returned {got:.4g}. 1 / curvature is the learning rate "
                               "that lands on the minimum in one single step; larger steps "
                               "overshoot but still converge while they zig-zag. Find the "
                               "largest lr with |1 - lr * curvature| < 1.")
        if close(got, curv / 2.0) or close(got, 2.0 * curv) or close(got, curv):
            raise StudentError(f"{where} returned {got:.4g}, which grows with the curvature. A "
                               "more sharply curved loss needs a smaller step: the curvature "
                               "belongs in the denominator.")
        if got <= 0:
            raise StudentError(f"{where} returned {got:.4g}, but a learning rate is positive.")
        raise StudentError(f"{where} returned {got:.4g}. One step multiplies the distance to "
                           "the minimum by (1 - lr * curvature); find the largest lr for which "
                           "that factor stays between -1 and 1.")
    return ("Correct: below this learning rate the distance to the minimum shrinks every step; "
            "above it, it grows.")


# ------------------------------------------------------------------ exercise 3
#: (n, batch_size) probes; the first has a partial last batch, so most slips show at once
_EPOCH_CASES = ((30, 8), (30, 1), (30, 30), (30, 10), (1000, 32), (100, 64), (1024, 32),
                (7, 7), (5, 2))


def _count_batches(n, batch_size) -> int:
    return sum(1 for _ in minibatches(np.arange(n), batch_size=batch_size, shuffle=False))


@check(
    hints=(
        r"""An epoch uses every sample once, and each minibatch of `batch_size` samples
        gives one update (미니배치 경사 하강법). Count how many batches it takes to use up all `n`
        samples, a last, smaller batch included.""",
        r"""Integer division `//` rounds down, which loses the last, partial batch whenever
        `batch_size` does not divide `n`. You need the count rounded *up*, as a whole `int`
        (the `math` module can do it, and so can a small trick with `//`).""",
    ),
    explanation=r"""
        With $n = 10$ and batches of 3, the batches hold 3, 3, 3 and 1 samples: 4 updates.
        In general the count is

        $$\Big\lceil \frac{n}{b} \Big\rceil.$$

        In integer arithmetic $\lceil n/b \rceil = -\lfloor -n/b \rfloor$, which is `-(-n //
        b)` in Python; `math.ceil(n / b)` gives the same.
        """,
)
def check_steps_per_epoch(steps_per_epoch):
    """Check ``steps_per_epoch(n, batch_size)``: updates in one pass over n samples."""
    for n, b in _EPOCH_CASES:
        where = f"steps_per_epoch({n}, {b})"
        got = as_number(call_student(steps_per_epoch, "steps_per_epoch", n, b), where)
        want = _count_batches(n, b)
        if got == want:
            continue
        if n % b and close(got, n / b):
            raise StudentError(f"{where} returned {got:.4g}, not a whole number. Every batch, "
                               "even the last, smaller one, is one whole step: round up.")
        if n % b and got == n // b:
            raise StudentError(f"{where} returned {got:.4g}: rounding down (n // batch_size, or "
                               "round) drops the last, smaller batch of "
                               f"{n % b} samples. It still makes a step of its own: round up.")
        if close(got, b / n) or got == b // n:
            raise StudentError(f"{where} returned {got:.4g}: n and batch_size are swapped. "
                               "Divide the number of samples by the batch size.")
        if got == n * b:
            raise StudentError(f"{where} returned {got:.4g}: divide the number of samples by "
                               "the batch size, don't multiply.")
        if n % b == 0 and got == n // b + 1:
            raise StudentError(f"{where} returned {got:.4g}: when batch_size divides n exactly "
                               "there is no partial batch, so adding 1 counts a batch that does "
                               "not exist. Round n / batch_size up instead.")
        if close(got, n) and b > 1:
            raise StudentError(f"{where} returned {got:.4g}, one step per sample. That is "
                               "stochastic gradient descent (batch_size = 1); with larger "
                               "batches there are fewer steps.")
        raise StudentError(f"{where} returned {got:.4g}. Count the batches: batch_size samples "
                           "per step until all n are used, the last batch possibly smaller.")
    return "Correct: one step per minibatch, and the last, smaller batch counts too."
