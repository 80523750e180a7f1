"""Checks for lesson 09, gradient descent and SGD (경사 하강법 / 확률적 경사 하강법).

Exercise 1 writes the gradient-descent loop, exercise 2 the fastest fixed
learning rate (학습률) on a bowl with two curvatures, exercise 3 the number of
samples that a given number of minibatch updates has used. Exercise 4 writes
one heavy-ball momentum (모멘텀) update, exercise 5 Adam's (아담) bias correction,
and exercise 6 chooses a learning rate that makes gradient descent diverge
(:func:`check_diverging_lr`) and a momentum setting that overshoots the
minimum yet converges (:func:`check_overshooting_momentum`). Each check compares the student's
answer with :mod:`mlekit.optim`, :mod:`mlekit.step_rules` and :mod:`mlekit.surfaces`
on several inputs (fresh random ones for exercises 4 and 5, edge cases
included), names the usual slip when it recognises one, and never prints the
reference value.

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
from ._core import (StudentError, as_array, as_number, as_returned_array, call_student, check,
                    close, close_arrays, describe_answer, name_the_slip, require_answer)

__all__ = ["check_run_gd", "check_best_lr", "check_samples_seen", "check_momentum_update",
           "check_adam_bias_correction", "check_diverging_lr", "check_overshooting_momentum"]


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


# ------------------------------------------------------------------ exercise 4
def _pair(result, where: str, shape, names=("theta_new", "v_new")):
    """The student's two returned arrays, each shaped like theta, or a StudentError."""
    if isinstance(result, dict):
        raise StudentError(f"{where} returned a dict; return the two values as a pair, "
                           f"`return {names[0]}, {names[1]}`.")
    if isinstance(result, (tuple, list)) and len(result) == 2:
        parts = result
    elif (isinstance(result, np.ndarray) and result.ndim >= 1 and result.shape[0] == 2
          and result.shape[1:] == tuple(shape)):
        parts = (result[0], result[1])
    else:
        raise StudentError(f"{where} returned {describe_answer(result)}; return the pair "
                           f"({names[0]}, {names[1]}), e.g. `return {names[0]}, {names[1]}`.")
    out = []
    for name, part in zip(names, parts):
        arr = as_returned_array(part, where, f"{name} as a number or an array like the input",
                                text_want=f"{name} as a number (or a numpy array)")
        if shape == () and arr.size == 1:
            arr = arr.reshape(())
        if arr.shape != tuple(shape):
            want = "a single number" if shape == () else f"an array of shape {shape}"
            raise StudentError(f"{where} returned {name} of shape {arr.shape}; it should be "
                               f"{want}, shaped like the input.")
        if np.any(np.isnan(arr)):
            raise StudentError(f"{where} returned NaN (not a number) in {name}; check for a "
                               "division by zero or an undefined variable in your update.")
        out.append(arr)
    return tuple(out)


def _same_pair(got, want, scale) -> bool:
    return all(close_arrays(a, b, scale=scale) for a, b in zip(got, want))


def _momentum_cases(rng):
    """(theta, v, g, lr, beta, description) probes: a fixed scalar one first, then fresh draws."""
    def draw(shape):
        return rng.normal(0.0, 2.0, shape) if shape else float(rng.normal(0.0, 2.0))
    cases = [(1.5, -0.4, 2.0, 0.1, 0.9, "theta = 1.5, v = -0.4, g = 2, lr = 0.1, beta = 0.9")]
    cases.append((draw(()), draw(()), draw(()), float(rng.uniform(0.05, 0.5)), 0.0,
                  "one number with beta = 0"))
    for shape, beta in (((3,), 0.5), ((2, 2), float(rng.uniform(0.1, 0.99))), ((4,), 0.9)):
        cases.append((draw(shape), draw(shape), draw(shape), float(rng.uniform(0.01, 0.5)), beta,
                      f"arrays of shape {shape} with beta = {beta:.3g}"))
    theta, g = draw((4,)), draw((4,))
    cases.append((theta, np.zeros(4), g, 0.2, 0.9, "the first step (v = 0), shape (4,)"))
    return cases


def _momentum_slips(theta, v, g, lr, beta):
    """(pair, message) for the usual slips in one heavy-ball update."""
    rules = [
        (lambda: (theta + beta * v - g, beta * v - g),
         "the gradient entered the velocity without the learning rate. In this course's form "
         "the velocity is a step, so the gradient is scaled by lr before it is added."),
        (lambda: (theta + beta * v + lr * g, beta * v + lr * g),
         "theta went uphill: the velocity should push against the gradient, like a plain "
         "gradient-descent step."),
        (lambda: (theta + v, beta * v - lr * g),
         "v_new is right, but theta moved by the old velocity. Update v first, then move "
         "theta by the new one."),
        (lambda: (theta - (beta * v - lr * g), beta * v - lr * g),
         "v_new is right, but theta moved the wrong way: the velocity already points "
         "downhill, so theta is moved along it, not against it."),
        (lambda: (theta - lr * (beta * v + g), beta * v + g),
         "that is the other common convention, in which v collects raw gradients and lr "
         "scales theta's move. This course's velocity already includes lr; follow the two "
         "equations above exactly."),
        (lambda: (theta - lr * (beta * v + (1 - beta) * g), beta * v + (1 - beta) * g),
         "that velocity is a running average of the gradients (like Adam's m). Heavy-ball "
         "momentum keeps a fraction beta of the old velocity and adds a whole step."),
        (lambda: (theta + v - lr * g, v - lr * g),
         "the old velocity was kept whole: it should be multiplied by beta first (beta = 0 "
         "forgets it entirely)."),
        (lambda: (beta * v - lr * g, theta + beta * v - lr * g),
         "the two values come back in the wrong order: return theta_new first, then v_new."),
    ]
    with np.errstate(all="ignore"):
        return [(tuple(np.asarray(x, dtype=float) for x in rule()), message)
                for rule, message in rules]


@check(
    hints=(
        r"""Heavy-ball momentum keeps a velocity $v$ from step to step. One update does two
        things in order: first it makes a new velocity from the old one (a fraction $\beta$ of
        it survives) and the current gradient (scaled by the learning rate, pointing
        downhill); then it moves $\theta$ by that *new* velocity.""",
        r"""Build new values instead of changing the arrays you were given, and return both,
        `theta_new` first. With $\beta = 0$ nothing of the old velocity survives, and the
        update must be exactly one plain gradient-descent step; with $v = 0$ (the first step)
        too, whatever $\beta$ is.""",
    ),
    explanation=r"""
        Polyak's heavy ball, in the form of `mlekit.step_rules.Momentum`:

        $$v_{t+1} = \beta v_t - \alpha g_t, \qquad \theta_{t+1} = \theta_t + v_{t+1}.$$

        Substituting the first into the second gives
        $\theta_{t+1} = \theta_t - \alpha g_t + \beta(\theta_t - \theta_{t-1})$: a gradient
        step plus a fraction $\beta$ of the previous move. For example, with $\theta = 1.5$,
        $v = -0.4$, $g = 2$, $\alpha = 0.1$ and $\beta = 0.9$: $v_{t+1} = -0.36 - 0.2 = -0.56$
        and $\theta_{t+1} = 0.94$. With $\beta = 0$ the velocity is just $-\alpha g$ and the
        update is gradient descent.
        """,
)
def check_momentum_update(momentum_step):
    """Check ``momentum_step(theta, v, g, lr, beta)``: one heavy-ball update, (theta_new, v_new)."""
    from ..step_rules import GD, Momentum

    for theta, v, g, lr, beta, described in _momentum_cases(np.random.default_rng()):
        where = f"momentum_step on {described}"
        shape = np.shape(theta)
        copies = [np.array(a, dtype=float) if shape else float(a) for a in (theta, v, g)]
        result = call_student(momentum_step, "momentum_step", *copies, lr, beta)
        got = _pair(result, where, shape)
        new, state = Momentum(beta=beta).step(theta, g, {"v": np.asarray(v, float), "t": 0}, lr)
        want = (np.asarray(new, dtype=float), np.asarray(state["v"], dtype=float))
        scale = max(np.max(np.abs(theta)), np.max(np.abs(v)), lr * np.max(np.abs(g)), 1e-3)
        if beta == 0.0:                                  # beta = 0 is plain gradient descent
            assert close_arrays(want[0], GD().step(theta, g, {"t": 0}, lr)[0], scale=scale)
        if _same_pair(got, want, scale):
            continue
        slips = [((a, b), f"{where}: {message}")
                 for (a, b), message in _momentum_slips(np.asarray(theta, float),
                                                        np.asarray(v, float),
                                                        np.asarray(g, float), lr, beta)]
        hint = name_the_slip(got, want, slips, same=lambda a, b: _same_pair(a, b, scale))
        if hint is not None:
            raise StudentError(hint)
        if close_arrays(got[1], want[1], scale=scale):
            raise StudentError(f"{where}: v_new is right but theta_new is not. Move theta by "
                               "the new velocity, and nothing else.")
        if close_arrays(got[0], want[0], scale=scale):
            raise StudentError(f"{where}: theta_new is right but v_new is not. Return the new "
                               "velocity you moved theta by, not the old one.")
        if beta == 0.0:
            raise StudentError(f"{where}: with beta = 0 momentum is plain gradient descent, "
                               "but your update is not one gradient-descent step. Check how "
                               "the velocity is built.")
        raise StudentError(f"{where}: neither theta_new nor v_new is what one heavy-ball update "
                           "gives. Compare your two lines with the two equations above, term "
                           "by term.")
    return ("Correct: your update matches mlekit.step_rules.Momentum on numbers and arrays, and "
            "with beta = 0 it is plain gradient descent.")


# ------------------------------------------------------------------ exercise 5
#: float32 answers: 1 - beta^t cancels (beta2 = 0.999 in float32 is off by 1.3e-8, i.e.
#: 1.3e-5 relative in 1 - beta2), so this check allows 2e-4; every slip is off by far more.
_BIAS_RTOL = 2e-4


def _bias_cases(rng):
    """(m, v, t, beta1, beta2, description) probes: a fixed one first, then fresh draws."""
    cases = [(0.3, 0.02, 3, 0.9, 0.999, "m = 0.3, v = 0.02, t = 3, beta1 = 0.9, beta2 = 0.999")]
    m = rng.normal(0.0, 1.0, 3)
    cases.append((m, m * m * rng.uniform(0.5, 2.0, 3), 1, 0.9, 0.999,
                  "arrays of shape (3,) at t = 1"))
    t = int(rng.integers(3, 50))
    cases.append((rng.normal(0.0, 1.0, (2, 2)), rng.uniform(0.01, 1.0, (2, 2)), t, 0.8, 0.99,
                  f"arrays of shape (2, 2) at t = {t}, beta1 = 0.8, beta2 = 0.99"))
    cases.append((float(rng.normal()), float(rng.uniform(0.01, 1.0)), np.int64(7), 0.5, 0.75,
                  "numbers at t = 7, beta1 = 0.5, beta2 = 0.75"))
    cases.append((float(rng.normal()), float(rng.uniform(0.01, 1.0)), 1000, 0.9, 0.999,
                  "numbers at t = 1000"))
    return cases


def _bias_slips(m, v, t, b1, b2):
    """(pair, message) for the usual slips in Adam's bias correction."""
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    rules = [
        (lambda: (m, v), "the moments came back unchanged. Early on they are pulled towards "
                         "their zero start and must be scaled up."),
        (lambda: (m / (1 - b1), v / (1 - b2)),
         "the correction does not depend on t. It should fade as the updates add up, so t "
         "enters it as a power of beta."),
        (lambda: (m * c1, v * c2),
         "the moments got smaller, not larger. The zero start makes them too small, so the "
         "correction divides."),
        (lambda: (m / b1 ** t, v / b2 ** t),
         "the correction uses beta to the power t on its own; think about how much weight "
         "the t gradients seen so far carry in total."),
        (lambda: (m / c2, v / c1), "beta1 and beta2 are swapped: m is the average of the "
                                   "gradients (beta1), v that of their squares (beta2)."),
        (lambda: (m / c1, v / c1), "both moments were corrected with beta1; v has its own "
                                   "decay rate, beta2."),
        (lambda: (m / (1 - b1 ** (t - 1)), v / (1 - b2 ** (t - 1))),
         "that is the correction for one update fewer: t counts the updates taken, including "
         "the current one, so it is 1 at the first step."),
        (lambda: (m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1))),
         "that is the correction for one update more: t counts the updates taken, including "
         "the current one, so it is 1 at the first step."),
        (lambda: (m / c1, np.sqrt(v / c2)),
         "m_hat is right, but v_hat came back as a square root. Return the corrected second "
         "moment itself; Adam takes the root later, in its step."),
        (lambda: (v / c2, m / c1), "the two values come back in the wrong order: return m_hat "
                                   "first, then v_hat."),
    ]
    with np.errstate(all="ignore"):
        return [(tuple(np.asarray(x, dtype=float) for x in rule()), message)
                for rule, message in rules]


def _adam_replay(bias_correct, grad, theta0, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    """Adam's loop with the student's bias correction; the path, or a StudentError."""
    theta = np.asarray(theta0, dtype=float)
    m = v = np.zeros_like(theta)
    path = [theta]
    for t in range(1, steps + 1):
        g = np.asarray(grad(theta[()] if theta.ndim == 0 else theta), dtype=float)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        where = f"bias_correct inside Adam's step {t}"
        result = call_student(bias_correct, "bias_correct",
                              *(a.copy() if a.ndim else float(a) for a in (m, v)), t, b1, b2)
        m_hat, v_hat = _pair(result, where, theta.shape, names=("m_hat", "v_hat"))
        with np.errstate(all="ignore"):
            theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        path.append(theta)
    return np.array(path)


@check(
    hints=(
        r"""Adam's running averages start at zero, so after a few updates they are still
        mostly that zero start: far too small. Work out how much total weight the $t$
        gradients seen so far carry in $m_t$ (a geometric series in $\beta_1$), and divide
        by it; the same for $v_t$ with its own $\beta_2$.""",
        r"""At $t = 1$ the corrected first moment must be exactly the first gradient, and the
        corrected second moment exactly its square; for large $t$ the correction must fade
        away (the average has forgotten its start). Both corrections divide element-wise and
        work on numbers and arrays alike.""",
    ),
    explanation=r"""
        From $m_0 = 0$, $m_t = (1 - \beta_1)\sum_{k=1}^{t}\beta_1^{t-k} g_k$: the weights
        add up to $(1 - \beta_1)(1 + \beta_1 + \dots + \beta_1^{t-1}) = 1 - \beta_1^t$, not 1.
        Dividing by that total gives the bias-corrected moments of Kingma & Ba (2015):

        $$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}.$$

        At $t = 1$, $\hat m_1 = g_1$ and $\hat v_1 = g_1^2$, so Adam's first step is
        $\alpha\,g_1/(|g_1| + \epsilon)$, of size about $\alpha$ whatever the gradient's
        scale. For $m = 0.3$, $v = 0.02$ at $t = 3$ with $\beta_1 = 0.9$, $\beta_2 = 0.999$:
        $\hat m = 0.3/0.271 \approx 1.107$ and $\hat v = 0.02/0.002997 \approx 6.67$.
        """,
)
def check_adam_bias_correction(bias_correct):
    """Check ``bias_correct(m, v, t, beta1, beta2)``: Adam's (m_hat, v_hat) after t updates."""
    from ..optim import adam
    from ..step_rules import Adam

    for m, v, t, b1, b2, described in _bias_cases(np.random.default_rng()):
        where = f"bias_correct on {described}"
        shape = np.shape(m)
        copies = [np.array(a, dtype=float) if shape else float(a) for a in (m, v)]
        got = _pair(call_student(bias_correct, "bias_correct", *copies, t, b1, b2), where, shape,
                    names=("m_hat", "v_hat"))
        want = tuple(np.asarray(x, dtype=float)
                     for x in Adam(beta1=b1, beta2=b2).corrected(np.asarray(m, float),
                                                                  np.asarray(v, float), t))
        same = lambda a, b: all(close_arrays(x, y, rtol=_BIAS_RTOL) for x, y in zip(a, b))  # noqa: E731
        if same(got, want):
            continue
        hint = name_the_slip(got, want,
                             [(pair, f"{where}: {message}") for pair, message in
                              _bias_slips(np.asarray(m, float), np.asarray(v, float), int(t),
                                          b1, b2)], same=same)
        if hint is not None:
            raise StudentError(hint)
        if close_arrays(got[0], want[0], rtol=_BIAS_RTOL):
            raise StudentError(f"{where}: m_hat is right but v_hat is not. The second moment "
                               "is corrected the same way, with its own beta.")
        if close_arrays(got[1], want[1], rtol=_BIAS_RTOL):
            raise StudentError(f"{where}: v_hat is right but m_hat is not. The first moment "
                               "is corrected the same way, with beta1.")
        raise StudentError(f"{where}: neither m_hat nor v_hat is the bias-corrected moment. "
                           "Divide each by the total weight its running average gives the "
                           "gradients seen so far.")
    # the first Adam steps, with the student's correction, on gradients of very different scale
    for a, theta0, lr in ((500.0, 3.0, 0.1), (0.005, -2.0, 0.01)):
        grad = lambda th, a=a: 2.0 * a * th                                         # noqa: E731
        path = _adam_replay(bias_correct, grad, theta0, lr, 5)
        want = adam(grad, theta0, lr=lr, steps=5).params
        for k in range(1, 6):
            if not close(path[k], want[k], rtol=_BIAS_RTOL, scale=abs(theta0)):
                size = abs(float(path[1] - path[0]))
                extra = ("" if k > 1 else f" Its first step has size {size:.3g}, but with bias "
                         f"correction the first step has size about lr = {lr:g}, whatever the "
                         "gradient's scale.")
                raise StudentError(f"Your bias_correct works on its own, but inside Adam on "
                                   f"J = {a:g} theta^2 step {k} goes astray.{extra}")
    return ("Correct: your bias correction matches mlekit's Adam, and with it the first step "
            "has size about lr whether the gradient is huge or tiny.")


# ------------------------------------------------------------------ exercise 6
#: the bowl J = 2 theta_1^2 + 8 theta_2^2 of exercise 6a, from its default start (-4.5, 2)
DIVERGE_BOWL = QuadraticBowl2D(curvatures=(2.0, 8.0))
#: the parabola J = (theta - 2)^2 of exercise 6b, from theta0 = 5
OVERSHOOT_PARABOLA = Quadratic1D(a=1.0, c=2.0)
OVERSHOOT_START = 5.0


def _as_lr(value, name: str) -> float:
    """A learning rate the student typed: a positive finite number, or a StudentError."""
    lr = as_number(value, name)
    if not math.isfinite(lr):
        raise StudentError(f"{name} is {lr}; a learning rate is a finite number. Pick a "
                           "concrete value.")
    if lr <= 0:
        raise StudentError(f"{name} is {lr:.4g}, but a learning rate is positive.")
    return lr


@check(
    hints=(
        r"""Along each axis of this bowl one gradient step multiplies the distance to the
        minimum by its own factor $1 - \alpha J''$, where $J''$ is that axis's second
        derivative. The run diverges as soon as *one* factor has a size above 1, so ask which
        axis reaches that point first as $\alpha$ grows.""",
        r"""Work out $J''$ of $2\theta_1^2$ and of $8\theta_2^2$ (mind the factor 2 that a
        derivative of a square brings). Section 4's table says where the zig-zag stops
        closing in; any learning rate beyond that point will do, and you may also simply
        try values with `mk.optim.gradient_descent`.""",
    ),
    explanation=r"""
        $J = 2\theta_1^2 + 8\theta_2^2$ has $J'' = 4$ along $\theta_1$ and $16$ along
        $\theta_2$, so the gradient is Lipschitz with $L = 16$. A step multiplies
        $\theta_2$ by $1 - 16\alpha$, whose size exceeds 1 exactly when $\alpha > 2/L =
        0.125$ (the flat axis would only give up at $\alpha > 0.5$). Every $\alpha > 0.125$
        diverges: $\theta_2$ flips sign and grows every step; at $\alpha = 0.125$ it bounces
        between $\pm 2$ forever. For example, $\alpha = 0.15$ gives the factor $-1.4$.
        """,
)
def check_diverging_lr(lr_diverge):
    """Check a learning rate that makes gradient descent diverge on :data:`DIVERGE_BOWL`."""
    from ..optim import descend

    lr = _as_lr(lr_diverge, "lr_diverge")
    run = descend(DIVERGE_BOWL, lr=lr, steps=2000)
    if run.diverged:
        return (f"Correct: with lr = {lr:.4g} gradient descent runs away from the minimum "
                f"and leaves the picture at step {run.n_steps + 1}: along one axis every step "
                "lands farther out than the last.")
    dist = np.linalg.norm(run.params - DIVERGE_BOWL.center, axis=1)
    if dist[-1] > dist[-3]:                      # still inside after 2000 steps, but moving out
        return (f"Correct: with lr = {lr:.10g} gradient descent moves away from the minimum "
                "at every step, only slowly: you are just past the limit.")
    if dist[-1] == dist[-3] and dist[-1] > 0:
        raise StudentError(f"With lr_diverge = {lr:.4g} the path bounces between two points "
                           "forever: it neither converges nor diverges. Which way must lr "
                           "move to make it run away?")
    raise StudentError(f"With lr_diverge = {lr:.4g} gradient descent still converges on this "
                       "bowl. Find the axis that becomes unstable first as lr grows, and go "
                       "beyond its limit.")


def _as_setting(value):
    """The student's (lr, beta) pair, checked, or a StudentError."""
    require_answer(value, "overshoot")
    if isinstance(value, (str, bytes)):
        raise StudentError("overshoot is text; remove the quotes and write two numbers, "
                           "overshoot = (lr, beta).")
    if isinstance(value, dict):
        raise StudentError("overshoot is a dict; write the two numbers as a pair, "
                           "overshoot = (lr, beta).")
    if callable(value):
        raise StudentError("overshoot is a function; this exercise wants two numbers, "
                           "overshoot = (lr, beta).")
    arr = as_array(value, "overshoot", what="two numbers (lr, beta)")
    if arr.size != 2:
        raise StudentError(f"overshoot holds {arr.size} value{'s' if arr.size != 1 else ''}; "
                           "it should be two numbers, overshoot = (lr, beta).")
    lr = _as_lr(arr.ravel()[0], "the learning rate in overshoot")
    beta = float(arr.ravel()[1])
    if not (math.isfinite(beta) and 0.0 <= beta < 1.0):
        raise StudentError(f"beta = {beta:.4g} in overshoot, but momentum's beta lies in "
                           "[0, 1): the fraction of the velocity that is kept.")
    return lr, beta


@check(
    hints=(
        r"""Momentum lets the parameter build up speed while it runs downhill, and a ball with
        speed does not stop at the bottom: it rolls past and comes back. The more velocity
        it keeps per step (larger $\beta$), the further it rolls; too large a step on top of
        that and it never settles.""",
        r"""Start from a learning rate with which plain gradient descent creeps in from one
        side (section 4), then raise $\beta$ from 0 and watch the sign of $\theta - 2$ along
        `mk.optim.momentum(...).params`. Check also that the run ends near 2 rather than
        bouncing or flying off.""",
    ),
    explanation=r"""
        On $J = (\theta - 2)^2$ ($J'' = 2$) heavy-ball momentum follows
        $e_{k+1} = (1 + \beta - 2\alpha)e_k - \beta e_{k-1}$ for $e = \theta - 2$. It
        converges when $0 < 2\alpha < 2(1 + \beta)$, and it oscillates around the minimum
        (complex roots, of size $\sqrt\beta$) once $2\alpha > (1 - \sqrt\beta)^2$. So a small
        step such as $\alpha = 0.1$, with which gradient descent never passes 2, overshoots
        with $\beta = 0.9$: the path goes below 2, swings back and settles, each swing
        shrinking by about $\sqrt{0.9} \approx 0.95$ per step. ($\beta = 0$ with
        $1/2 < \alpha < 1$ also passes the minimum, by gradient descent's own zig-zag.)
        """,
)
def check_overshooting_momentum(overshoot):
    """Check ``overshoot = (lr, beta)``: momentum passes the minimum of the parabola, yet converges."""
    from ..optim import divergence_bound, momentum

    lr, beta = _as_setting(overshoot)
    J, c = OVERSHOOT_PARABOLA, OVERSHOOT_PARABOLA.c
    # a zero gradient does not stop a ball that still moves, so no tol=. Settling is read
    # off the path: its largest distance from 2 in the last quarter of the run against the
    # quarter before. A short run decides the clear cases, a long one the slow ones.
    for steps in (400, 6000):
        run = momentum(J.grad, OVERSHOOT_START, lr=lr, steps=steps, beta=beta, loss=J.loss,
                       max_abs=divergence_bound(J))
        if run.diverged:
            break
        e = np.abs(run.params - c)
        q = steps // 4
        late, early = np.max(e[-q:]), np.max(e[-2 * q:-q])
        settles = bool(late < 1e-10 or late < (0.5 if steps == 400 else 1.0) * early)
        if settles:
            break
    where = f"With lr = {lr:.4g} and beta = {beta:.4g}"
    if run.diverged:
        raise StudentError(f"{where} the run diverges: the path swings further out every "
                           "time. It should pass the minimum and still settle; take a smaller "
                           "lr or a smaller beta.")
    passed_it = bool(np.any(run.params - c < -1e-9 * abs(OVERSHOOT_START - c)))
    if passed_it and settles:
        note = (" (with beta = 0 this is gradient descent's own zig-zag; try a small lr with a "
                "large beta to see momentum overshoot)" if beta == 0.0 else "")
        return (f"Correct: with lr = {lr:.4g} and beta = {beta:.4g} the path passes the "
                f"minimum and swings back, yet converges{note}.")
    if not settles:
        raise StudentError(f"{where} the path keeps swinging around the minimum without "
                           "closing in. It should pass the minimum and still settle; lower lr "
                           "a little.")
    raise StudentError(f"{where} the path reaches the minimum from one side and never passes "
                       "it. Keep more of the velocity from step to step.")
