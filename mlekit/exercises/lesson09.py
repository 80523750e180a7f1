"""Checks for lesson 09, gradient descent and SGD (경사 하강법 / 확률적 경사 하강법).

Exercise 1 writes the gradient-descent loop, exercise 2 the fastest fixed
learning rate (학습률) on a bowl with two curvatures, exercise 3 the number of
samples that a given number of minibatch updates has used. Each check compares the student's function
with :mod:`mlekit.optim` and :mod:`mlekit.surfaces` on several inputs (edge
cases included), names the usual slip when it recognises one, and never
prints the reference value.

Examples
--------
>>> import math
>>> from mlekit.exercises import lesson09 as ex
>>> def samples_seen(n, batch_size, steps):
...     epochs, rest = divmod(steps, math.ceil(n / batch_size))
...     return epochs * n + rest * batch_size
>>> fb = ex.check_samples_seen(samples_seen)
✓ Correct: whole epochs use every sample once, and the updates after them use full batches from the start of the next epoch.
>>> bool(fb)
True
"""

from __future__ import annotations

import math

import numpy as np

from ..optim import gradient_descent, minibatches, steps_per_epoch
from ..surfaces import NonConvex1D, Quadratic1D, QuadraticBowl2D
from ._core import (StudentError, as_number, as_returned_array, call_student, check, close,
                    close_arrays, describe_answer, name_the_slip)

__all__ = ["check_run_gd", "check_best_lr", "check_samples_seen"]


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
    arr = as_returned_array(result, where, "the final theta",
                            text_want="theta as a number (or a numpy array)")
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
    if steps > 0 and close_arrays(got, _walk(grad, theta0, lr, steps, sign=+1.0), scale=1.0):
        return (f"{where}: theta went uphill. You added the gradient (gradient ascent); "
                "descent subtracts it: theta = theta - lr * grad(theta).")
    if steps > 0 and lr != 1 and close_arrays(got, _walk(grad, theta0, 1.0, steps), scale=1.0):
        return (f"{where}: every step moved by the full gradient. Multiply it by the learning "
                "rate first: theta = theta - lr * grad(theta).")
    if steps > 0 and close_arrays(got, np.asarray(theta0, float), scale=1.0):
        return (f"{where}: theta never changed. Assign the new value back to theta inside the "
                "loop (theta = theta - lr * grad(theta)) and return theta, not theta0.")
    if steps > 1 and close_arrays(got, _walk(grad, theta0, lr, steps, frozen=True), scale=1.0):
        return (f"{where}: every step used the gradient at the start, grad(theta0). Evaluate "
                "the gradient at the current theta in every step.")
    if steps > 0 and close_arrays(got, _walk(grad, theta0, lr, steps - 1), scale=1.0):
        return (f"{where}: that is one step too few (an off-by-one in the loop). "
                "for _ in range(steps) makes exactly `steps` updates.")
    if close_arrays(got, _walk(grad, theta0, lr, steps + 1), scale=1.0):
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
        if close_arrays(got, want, scale=1.0):
            continue
        raise StudentError(_diagnose_gd(got, grad, theta0, lr, steps, where) or (
            f"{where} returned theta = {_fmt(got)}, which is not where `steps` updates "
            "theta = theta - lr * grad(theta) lead from theta0. Loop `steps` times and update "
            "theta in every step."))
    return ("Correct: your loop matches mlekit.optim.gradient_descent on 1-D and 2-D losses, "
            "for one step and for none.")


# ------------------------------------------------------------------ exercise 2
#: (c_min, c_max) probes: a bowl's smallest and largest curvature J''. The first is the
#: lesson's bowl (curvatures 2 and 20), where every diagnosed slip gives a different number.
_BOWLS = ((2.0, 20.0), (1.0, 3.0), (0.5, 8.0), (4.0, 4.0), (0.04, 2.5), (10.0, 11.0))


def _best_lr(c_min: float, c_max: float) -> float:
    """The rate minimising max(|1 - lr c_min|, |1 - lr c_max|), found by brute force."""
    grid = np.linspace(0.0, 2.0 / c_max, 200_001)
    worst = np.maximum(np.abs(1 - grid * c_min), np.abs(1 - grid * c_max))
    return float(grid[np.argmin(worst)])


@check(
    hints=(
        r"""Along each axis of the bowl one step multiplies the distance to the minimum by
        $1 - \alpha c$, with that axis's curvature $c$. The run is only as fast as its slowest
        axis, so the learning rate should make the *larger* of the two factors' sizes as
        small as possible.""",
        r"""Sketch $|1 - \alpha c_{\min}|$ and $|1 - \alpha c_{\max}|$ against $\alpha$: two
        V shapes. Raising $\alpha$ helps the flat axis and, past $1/c_{\max}$, hurts the steep
        one. The best $\alpha$ is where the two sizes are equal, with the factors of opposite
        sign.""",
    ),
    explanation=r"""
        The slowest axis contracts by $\rho(\alpha) = \max(|1 - \alpha c_{\min}|,\ |1 -
        \alpha c_{\max}|)$. For small $\alpha$ the flat axis dominates ($1 - \alpha
        c_{\min}$, falling in $\alpha$); for large $\alpha$ the steep one does ($\alpha
        c_{\max} - 1$, rising). The minimum is where they meet:

        $$1 - \alpha c_{\min} = \alpha c_{\max} - 1 \quad\Longrightarrow\quad \alpha^* =
        \frac{2}{c_{\min} + c_{\max}},$$

        with contraction $\rho^* = \frac{c_{\max} - c_{\min}}{c_{\max} + c_{\min}}$ per
        step. For the lesson's bowl (2 and 20) that is $\alpha^* = 1/11 \approx 0.091$, just
        below the stability limit $2/c_{\max} = 0.1$, and every step shrinks the distance by
        $18/22 \approx 0.82$: the more the curvatures differ, the slower even the best rate.
        """,
)
def check_best_lr(best_lr):
    """Check ``best_lr(c_min, c_max)``: the fastest fixed rate for a bowl with these curvatures."""
    for c_min, c_max in _BOWLS:
        where = f"best_lr({c_min:g}, {c_max:g})"
        got = as_number(call_student(best_lr, "best_lr", c_min, c_max), where)
        want = _best_lr(c_min, c_max)
        if close(got, want, rtol=1e-4):               # the brute-force grid is that fine
            continue
        slips = [
            (2.0 / c_max, f"{where} returned the stability limit of the steep axis. There the "
                          "steep axis bounces forever without getting closer: the best rate "
                          "must be smaller."),
            (1.0 / c_max, f"{where} returned the rate that solves the steep axis in one step. "
                          "The flat axis then barely moves; a somewhat larger rate helps it "
                          "more than it hurts the steep one."),
            (1.0 / c_min, f"{where} returned the rate that solves the flat axis in one step, "
                          "but the steep axis diverges at that rate."),
            (2.0 / c_min, f"{where} returned the stability limit of the flat axis, far beyond "
                          "where the steep axis diverges."),
            (1.0 / (c_min + c_max), f"{where} is half the right size. Where do the two "
                                    "contraction factors have equal size and opposite signs?"),
        ]
        hint = name_the_slip(got, want, slips, same=lambda a, b: close(a, b, rtol=1e-4))
        if hint is not None:
            raise StudentError(hint)
        if got <= 0:
            raise StudentError(f"{where} returned {got:.4g}, but a learning rate is positive.")
        if got >= 2.0 / c_max:
            raise StudentError(f"{where} returned {got:.4g}: at that rate the steep axis does "
                               "not converge at all. Stay below its stability limit.")
        raise StudentError(f"{where} returned {got:.4g}. Write the contraction factor of each "
                           "axis and find the rate where the larger of their sizes is "
                           "smallest.")
    return ("Correct: the best fixed rate balances the flat and the steep direction; the more "
            "their curvatures differ, the slower even this rate converges.")


# ------------------------------------------------------------------ exercise 3
#: (n, batch_size, steps) probes; the first has a partial last batch and crosses an epoch
_SEEN_CASES = ((30, 8, 9), (30, 8, 6), (30, 8, 4), (30, 8, 3), (30, 1, 45), (30, 30, 2), (100, 64, 5),
               (1000, 32, 70), (7, 7, 3), (5, 2, 7), (10, 3, 0))


def _samples_seen(n: int, batch_size: int, steps: int) -> int:
    """Count by running mlekit's own minibatches, epoch after epoch."""
    seen, done = 0, 0
    while done < steps:
        for batch in minibatches(np.arange(n), batch_size=batch_size, shuffle=False):
            if done == steps:
                break
            seen, done = seen + len(batch), done + 1
    return seen


@check(
    hints=(
        r"""An epoch is one pass over all `n` samples, in batches of `batch_size`, the last
        one possibly smaller. First work out how many updates one epoch takes, then how many
        whole epochs fit into `steps`, and what is left over.""",
        r"""Whole epochs each use all `n` samples. The updates left over come from the start
        of a new epoch, so they are all full batches (the smaller batch only ever comes
        last). `divmod` gives whole epochs and the remainder in one call.""",
    ),
    explanation=r"""
        One epoch takes $k = \lceil n/b \rceil$ updates. After `steps` updates,
        $e = \lfloor \text{steps}/k \rfloor$ whole epochs have used $e\,n$ samples, and the
        $r = \text{steps} - e\,k$ updates after them, all full batches from the start of
        the next epoch, have used $r\,b$ more:

        $$\text{seen} = e\,n + r\,b.$$

        With $n = 30$, $b = 8$ and 6 steps: $k = 4$, so one epoch (30 samples) plus 2 full
        batches (16 samples), 46 in all, not $6 \times 8 = 48$.
        """,
)
def check_samples_seen(samples_seen):
    """Check ``samples_seen(n, batch_size, steps)``: samples used by that many updates."""
    for n, b, steps in _SEEN_CASES:
        where = f"samples_seen({n}, {b}, {steps})"
        got = as_number(call_student(samples_seen, "samples_seen", n, b, steps), where)
        want = _samples_seen(n, b, steps)
        if got == want:
            continue
        per_epoch = steps_per_epoch(n, b)
        epochs, rest = divmod(steps, per_epoch)
        slips = [
            (steps * b, f"{where} returned {got:.4g}: every update counted as a full batch. "
                        "The last batch of each epoch is smaller when batch_size does not "
                        "divide n."),
            (min(steps * b, n), f"{where} returned {got:.4g}, as if training stopped after one "
                                "epoch. After a whole pass, the next epoch starts over with "
                                "all n samples."),
            (epochs * n, f"{where} returned {got:.4g}: the whole epochs are right, but the "
                         "updates after the last whole epoch used samples too."),
            (steps * n / per_epoch, f"{where} returned {got:.4g}: that spreads the samples "
                                    "evenly over the updates, but batches are not all the "
                                    "same size."),
            (epochs * n + rest * (n % b or b) if n % b else -1,
             f"{where} returned {got:.4g}: the updates after the last whole epoch come from "
             "the start of a new epoch, so they are full batches, not small ones."),
        ]
        hint = name_the_slip(got, want, slips, same=lambda a, c: a == c)
        if hint is not None:
            raise StudentError(hint)
        if not math.isfinite(got) or got != int(got) or got < 0:
            raise StudentError(f"{where} returned {got:.4g}: it counts samples, a whole number "
                               "that is 0 or more.")
        raise StudentError(f"{where} returned {got:.4g}. Split the updates into whole epochs "
                           "and the rest, and count the samples of each part.")
    return ("Correct: whole epochs use every sample once, and the updates after them use full "
            "batches from the start of the next epoch.")
