r"""Checks for lesson 10, backpropagation (역전파) through the two-layer ReLU network.

The network is lesson 10's regression net without biases,
:math:`z^1_m = \sum_n w^1_{nm} x_n`, :math:`a^1_m = \mathrm{ReLU}(z^1_m)`,
:math:`y = z^2 = \sum_m w^2_m a^1_m`, with the mean squared error. Exercise 1
computes the error signals (오차 신호) of one sample, exercise 2 the gradient
of the hidden weights for a whole batch, exercise 3 the Jacobian (야코비안) of
softmax. Each check compares the student's function on fresh inputs (never the
lesson's own numbers) with :meth:`mlekit.nn.TwoLayerNet.error_signals` and with
central finite differences (:func:`mlekit.gradcheck.numerical_gradient`), names
the usual slip when it recognises one, and never prints a reference value.

Examples
--------
>>> import numpy as np
>>> from mlekit.exercises import lesson10 as ex
>>> def softmax_jacobian(z):
...     s = np.exp(z - np.max(z))
...     s = s / s.sum()
...     return np.diag(s) - np.outer(s, s)
>>> fb = ex.check_jacobian(softmax_jacobian)
✓ Correct: your Jacobian matches finite differences of softmax for 2 to 6 classes: raising one logit raises its own probability and lowers all the others.
>>> bool(fb)
True
"""

from __future__ import annotations

import functools

import numpy as np

from ..gradcheck import numerical_gradient
from ..losses import softmax, softmax_grad
from ..nn import TwoLayerNet, relu, relu_grad
from ._core import (StudentError, as_array, as_returned_array, call_student, check, close,
                    close_arrays, describe_answer, name_the_slip)

__all__ = ["check_error_signals", "check_batch_grad_W1", "check_jacobian"]

#: a weighted sum this close to 0 is never probed: ReLU' has no value at the kink, and a
#: finite difference across it would be meaningless
_KINK_MARGIN = 0.1


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


@functools.lru_cache(maxsize=None)
def _net_probes(seed: int, sizes: tuple) -> tuple:
    """Fresh (X, t, W1, w2) for each (N, n, m) in *sizes*: no weighted sum near the kink,
    every probe with at least one hidden unit on and, where N * m allows, one off."""
    gen = np.random.default_rng(seed)
    probes = []
    for N, n, m in sizes:
        while True:
            X = np.round(gen.uniform(-2.0, 2.0, (N, n)), 2)
            W1 = np.round(gen.normal(0.0, 1.0, (n, m)), 2)
            w2 = np.round(gen.normal(0.0, 1.0, m), 2)
            t = np.round(gen.uniform(-2.0, 2.0, N), 2)
            z1 = X @ W1
            y = relu(z1) @ w2
            if (np.min(np.abs(z1)) > _KINK_MARGIN and np.any(z1 > 0) and np.any(z1 < 0)
                    and np.min(np.abs(t - y)) > 0.2 and np.min(np.abs(w2)) > 0.2):
                break
        for a in (X, t, W1, w2):
            a.setflags(write=False)
        probes.append((X, t, W1, w2))
    return tuple(probes)


def _copies(*arrays):
    """Fresh writable copies, so a student's function that changes its inputs harms nothing."""
    return tuple(np.array(a, dtype=float) for a in arrays)


def _not_a_pair(result, where: str, want: str) -> StudentError:
    if isinstance(result, (str, bytes)):
        return StudentError(f"{where} returned {describe_answer(result)}; return {want}, not "
                            "text.")
    return StudentError(f"{where} returned {describe_answer(result)}; return {want}.")


# ------------------------------------------------------------------ exercise 1
#: (N = 1 sample, n inputs, m hidden units); the first is the lesson's shape
_SIGNAL_SIZES = ((1, 2, 3), (1, 2, 3), (1, 3, 2), (1, 2, 4), (1, 4, 3), (1, 2, 5))


def _signal_probes():
    """(x, t, W1, w2) of one sample each: x of shape (n,), t a number."""
    return [(X[0], float(t[0]), W1, w2)
            for X, t, W1, w2 in _net_probes(10, _SIGNAL_SIZES)]


def _reference_signals(x, t, W1, w2):
    """(delta2, delta1) from TwoLayerNet, and the same by finite differences on z2 and z1."""
    net = TwoLayerNet.from_weights(W1, w2)
    _, cache = net.forward(x[None, :])
    d = net.error_signals(cache, np.array([[t]]))
    by_net = (float(d["delta2"][0, 0]), np.asarray(d["delta1"][0], dtype=float))
    z1 = x @ W1
    z2 = float(relu(z1) @ w2)
    fd2 = float(numerical_gradient(lambda v: (t - v) ** 2, z2))
    fd1 = numerical_gradient(lambda v: float((t - relu(v) @ w2) ** 2), z1)
    return by_net, (fd2, fd1)


def _signals_of(result, where: str, m: int):
    """The student's (delta2, delta1) as a float and an array of m values, or a StudentError."""
    want = "the pair (delta2, delta1)"
    if isinstance(result, dict):
        if "delta2" in result and "delta1" in result and len(result) == 2:
            result = (result["delta2"], result["delta1"])
        else:
            raise StudentError(f"{where} returned a dict; return {want}, a tuple of two "
                               "entries.")
    elif isinstance(result, np.ndarray) and result.ndim == 1 and result.shape[0] == 2:
        result = tuple(result)
    if not isinstance(result, (tuple, list)):
        raise _not_a_pair(result, where, want)
    if len(result) != 2:
        raise StudentError(f"{where} returned {len(result)} values; return exactly two, "
                           "delta2 first, then delta1.")
    d2 = as_array(result[0], f"delta2 from {where}", what="a number")
    d1 = as_array(result[1], f"delta1 from {where}", what=f"{m} numbers")
    if d2.size == m and d1.size == 1:
        raise StudentError(f"{where} returned the two error signals in the other order: "
                           "return delta2 (one number for the output unit) first, then delta1 "
                           "(one number per hidden unit).")
    if d2.size != 1:
        raise StudentError(f"delta2 from {where} has {d2.size} values; the output unit has one "
                           "weighted sum z², so delta2 is a single number.")
    if d1.size != m or (d1.ndim > 1 and max(d1.shape) != m) or d1.ndim > 2:
        raise StudentError(f"delta1 from {where} is {describe_answer(result[1])}; the network "
                           f"has {m} hidden units here, so delta1 has {m} values, one per "
                           "hidden unit.")
    d2, d1 = float(d2.reshape(())), d1.reshape(-1)
    if np.isnan(d2) or np.any(np.isnan(d1)):
        raise StudentError(f"{where} returned NaN (not a number). Compute the forward pass "
                           "first (z¹, a¹, y), then the error signals from it.")
    return d2, d1


def _delta2_slips(x, t, W1, w2, want2):
    y = float(relu(x @ W1) @ w2)
    y_no_relu = float((x @ W1) @ w2)
    return (
        (-want2, "delta2 has the wrong sign. Differentiate (t − y)² with respect to y: "
                 "the inner derivative of (t − y) is −1."),
        (want2 / 2, "delta2 is half the right size: the derivative of a square brings down "
                    "a factor 2."),
        (-want2 / 2, "delta2 has the wrong sign and is half the right size: keep the factor "
                     "2 from the square and the −1 from the inner derivative of (t − y)."),
        ((t - y) ** 2, "delta2 is the loss J itself; the error signal is its derivative "
                       "with respect to z²."),
        (2.0 * (y_no_relu - t),
         "delta2 was computed from a forward pass without the ReLU: y = z² must use "
         "a¹ = ReLU(z¹), not z¹."),
    )


def _delta1_slips(x, W1, w2, d2):
    z1 = x @ W1
    on = relu_grad(z1)
    return (
        (-d2 * w2 * on, "delta1 has the wrong sign: it carries delta2 back unchanged in "
                        "sign, times positive or zero factors and the weights."),
        (d2 * w2, "delta1 is not zero for a hidden unit that is off (z¹ₘ < 0). The signal "
                  "passes back through the ReLU too: multiply by its local derivative "
                  "ReLU′(z¹ₘ)."),
        (d2 * w2 * relu(z1), "delta1 multiplies by ReLU(z¹ₘ), the unit's output. The local "
                             "derivative of the ReLU node is ReLU′(z¹ₘ), its slope."),
        (d2 * on, "delta1 leaves out the output weight: from z² back to a¹ₘ the local "
                  "derivative is the weight w²ₘ on that arrow."),
        (w2 * on, "delta1 starts from 1 instead of the error signal that arrives from "
                  "above: every hidden unit's signal is delta2 passed back."),
    )


@check(
    hints=(
        r"""Run the forward pass first and keep every intermediate value: $z^1 = x W^1$ (one
        entry per hidden unit), $a^1 = \mathrm{ReLU}(z^1)$, then $z^2$ and $y$. With one sample
        the loss is $J = (t - y)^2$, and $\delta^2$ is its derivative with respect to $z^2$:
        the derivative of the square times $\mathrm{Identity}' = 1$.""",
        r"""Walk back from $z^2$ to each $z^1_m$ along its arrows: through the weight $w^2_m$
        (the local derivative of $z^2$ with respect to $a^1_m$), then through the ReLU (its
        slope at $z^1_m$, 1 for a unit that is on and 0 for one that is off). In numpy,
        `(z1 > 0)` gives the slopes of all units at once; `w2 * something` works entry by
        entry.""",
    ),
    explanation=r"""
        With one sample, $J = (t - y)^2$ and $y = z^2$, so

        $$\delta^2 = \frac{\partial J}{\partial z^2} = \frac{\partial J}{\partial y}\cdot 1
        = -2(t - y), \qquad
        \delta^1_m = \frac{\partial J}{\partial z^1_m} = \delta^2\cdot w^2_m\cdot
        \mathrm{ReLU}'(z^1_m).$$

        $\delta^1_m$ is $\delta^2$ passed back through the weight $w^2_m$ and then through the
        ReLU; a unit that is off ($z^1_m < 0$) gets 0. In numpy the whole vector is one line,
        `delta2 * w2 * (z1 > 0)`. Every weight gradient is then one more factor: $\partial
        J/\partial w^2_m = \delta^2 a^1_m$ and $\partial J/\partial w^1_{nm} = \delta^1_m x_n$.
        """,
)
def check_error_signals(error_signals):
    """Check ``error_signals(x, t, W1, w2)`` -> (delta2, delta1) for one sample, J = (t - y)^2."""
    for x, t, W1, w2 in _signal_probes():
        n, m = W1.shape
        where = f"error_signals on a net with {n} inputs and {m} hidden units"
        result = call_student(error_signals, "error_signals", *_copies(x), t, *_copies(W1, w2))
        got2, got1 = _signals_of(result, where, m)
        (want2, want1), (fd2, fd1) = _reference_signals(x, t, W1, w2)
        scale1 = max(float(np.max(np.abs(want1))), abs(want2))
        right2 = close(got2, want2, scale=abs(want2)) and close(got2, fd2, scale=abs(want2))
        right1 = (close_arrays(got1, want1, scale=scale1)
                  and close_arrays(got1, fd1, scale=scale1))
        if right2 and right1:
            continue
        if not right2:
            same2 = lambda a, b: close(a, b, scale=abs(want2))            # noqa: E731
            hint = name_the_slip(got2, want2, _delta2_slips(x, t, W1, w2, want2), same=same2)
            follows = close_arrays(got1, got2 * w2 * relu_grad(x @ W1), scale=scale1)
            tail = (" (Your delta1 follows correctly from your delta2, so fixing delta2 fixes "
                    "both.)" if follows and abs(got2) > 0 else "")
            raise StudentError(f"{where}: " + (hint or (
                f"delta2 = {got2:.4g} is not the derivative of the loss (t − y)² with respect "
                "to z². Compute y by the forward pass first, then differentiate the square."))
                + tail)
        same1 = lambda a, b: close_arrays(a, b, scale=scale1)             # noqa: E731
        hint = name_the_slip(got1, want1, _delta1_slips(x, W1, w2, want2), same=same1)
        raise StudentError(f"{where}: delta2 is right. " + (hint or (
            "delta1 does not match the error signals of the hidden units. Multiply the local "
            "derivatives along the path from z² back to each z¹ₘ, starting from delta2.")))
    return ("Correct: your error signals match TwoLayerNet's and finite differences on nets "
            "with 2 to 5 hidden units; a unit that is off gets a zero signal.")


# ------------------------------------------------------------------ exercise 2
#: (N samples, n inputs, m hidden units): several batches, N = 1 and a square W1 among them
_BATCH_SIZES = ((5, 2, 3), (1, 2, 3), (4, 3, 2), (6, 2, 2), (12, 3, 4), (1, 3, 3), (30, 2, 3))


def _batch_J(X, t, w2):
    """J(W1) = (1/N) sum_i (t_i - y_i)^2, written out for the finite differences."""
    return lambda W1: float(np.mean((t - relu(X @ W1) @ w2) ** 2))


def _formula_W1(X, t, W1, w2, *, sign=-1.0, two=2.0, mean=True, slope=True, out=False):
    """-(1/N) sum_i 2 (t_i - y_i) w2_m ReLU'(z1_mi) x_ni, with one ingredient changed for a slip."""
    z1 = X @ W1
    err = t - relu(z1) @ w2                              # (N,)
    factor = relu(z1) if out else (relu_grad(z1) if slope else np.ones_like(z1))
    g = sign * two * X.T @ (err[:, None] * w2[None, :] * factor)
    return g / len(t) if mean else g


def _grad_W1_slips(X, t, W1, w2):
    N = len(t)
    right = _formula_W1(X, t, W1, w2)
    one = [_formula_W1(X[i:i + 1], t[i:i + 1], W1, w2) for i in (0, N - 1)]
    return (
        (-right, "the gradient has the wrong sign: differentiating (t − y)² with respect to y "
                 "gives a minus sign from the inner derivative."),
        (right * N, "the gradient is N times too large: J is the mean over the N samples, so "
                    "the sum over samples is divided by N."),
        (right / 2, "the gradient is half the right size: the derivative of the square brings "
                    "down a factor 2."),
        (right / N, "the gradient is N times too small: divide the sum over the samples by N "
                    "once."),
        (_formula_W1(X, t, W1, w2, slope=False),
         "the gradient ignores whether each hidden unit is on or off. The chain passes "
         "through the ReLU: multiply by ReLU′(z¹ₘ) of each sample, 0 for a unit that is off."),
        (_formula_W1(X, t, W1, w2, out=True),
         "the gradient multiplies by ReLU(z¹ₘ), the unit's output; the local derivative of "
         "the ReLU node is its slope ReLU′(z¹ₘ)."),
        (right.T, "the gradient is transposed: entry [n, m] belongs to the weight from input "
                  "n to hidden unit m, the layout of W1."),
        (one[0], "the gradient uses only the first sample; J averages over all N samples."),
        (one[1], "the gradient uses only the last sample (is the sum inside your loop "
                 "overwritten?); J averages over all N samples."),
    )


@check(
    hints=(
        r"""Do the forward pass for the whole batch at once: `X @ W1` has one row per sample and
        one column per hidden unit. From it you get $\mathrm{ReLU}'(z^1)$, the outputs $y$
        (one per sample) and the residuals $t - y$. Then follow the boxed formula of §5
        factor by factor: one factor per sample, one per hidden unit, one per input.""",
        r"""With loops: for each $n$ and $m$, add up the product over the samples $i$ and
        divide by $N$ at the end. Vectorised: build an $N\times m$ array of the per-sample,
        per-unit factors (the error signals $\delta^1$); multiplying it by the inputs and
        summing over the samples is one matrix product whose result has $W^1$'s shape
        $(n, m)$.""",
    ),
    explanation=r"""
        The boxed formula of §5,

        $$\frac{\partial J}{\partial w^1_{nm}} = -\frac{1}{N}\sum_{i=1}^{N}
        2(t_i - y_i)\cdot 1\cdot w^2_m\cdot\mathrm{ReLU}'(z^1_{m,i})\cdot x_{n,i},$$

        is, for every sample, the error signal $\delta^1_{m,i} = -\frac{2}{N}(t_i -
        y_i)\,w^2_m\,\mathrm{ReLU}'(z^1_{m,i})$ times the input $x_{n,i}$, summed over the
        samples. In numpy:

        ```python
        z1 = X @ W1                                   # (N, m)
        y = np.maximum(z1, 0) @ w2                    # (N,)
        delta1 = -2 / len(t) * (t - y)[:, None] * w2 * (z1 > 0)
        return X.T @ delta1                           # (n, m): sum over the samples
        ```

        `X.T @ delta1` does the sum over $i$; the result has the shape of $W^1$, entry
        $[n, m]$ for the weight from input $n$ to hidden unit $m$. It equals
        `TwoLayerNet.backward(...)["W1"]`.
        """,
)
def check_batch_grad_W1(grad_W1):
    """Check ``grad_W1(X, t, W1, w2)``: dJ/dW1 of the batch MSE, shaped like W1."""
    for X, t, W1, w2 in _net_probes(20, _BATCH_SIZES):
        (N, n), m = X.shape, W1.shape[1]
        where = f"grad_W1 on a batch of N = {N} with {n} inputs and {m} hidden units"
        result = call_student(grad_W1, "grad_W1", *_copies(X, t, W1, w2))
        got = as_returned_array(result, where, f"an array of shape {_shape_text((n, m))}")
        want = numerical_gradient(_batch_J(X, t, w2), np.array(W1))
        scale = float(np.max(np.abs(want)))
        if got.shape != (n, m):
            if got.shape == (m, n) and n != m:
                raise StudentError(f"{where} returned shape {_shape_text(got.shape)}: that is "
                                   "transposed. Entry [n, m] belongs to the weight from input "
                                   "n to hidden unit m, so the result has the shape of W1, "
                                   f"{_shape_text((n, m))}.")
            if got.shape == (N, n, m) and N > 1:
                raise StudentError(f"{where} returned one gradient per sample, shape "
                                   f"{_shape_text(got.shape)}. That is the right start: J "
                                   "is the mean over the samples, so combine them into one "
                                   f"array of shape {_shape_text((n, m))}.")
            raise StudentError(f"{where} returned {describe_answer(result)}; return one "
                               "number per weight of W1, an array of shape "
                               f"{_shape_text((n, m))} like W1.")
        if np.any(np.isnan(got)):
            raise StudentError(f"{where} returned NaN (not a number) in some entries. Check "
                               "the forward pass: z¹ = X W¹, a¹ = ReLU(z¹), y = a¹ w².")
        if close_arrays(got, want, scale=scale):
            continue
        hint = name_the_slip(got, want, _grad_W1_slips(X, t, W1, w2),
                             same=lambda a, b: close_arrays(a, b, scale=scale))
        raise StudentError(f"{where}: " + (hint or (
            "the gradient does not match finite differences of J. Check that y comes from "
            "the forward pass (y has one entry per sample, like t) and that every factor of "
            "the chain from J back to w¹ₙₘ is there.")))
    return ("Correct: your gradient matches finite differences of the batch MSE for batches "
            "from N = 1 to N = 30, vectorised or not.")


# ------------------------------------------------------------------ exercise 3
#: logits of several lengths; the first has distinct, well-spread probabilities
_LOGITS = ((1.0, -0.5, 2.0), (0.3, -1.2), (2.0, 0.0, -1.0, 0.5), (0.0, 0.0, 0.0),
           (-3.0, 4.0, 1.5, 0.2, -0.7, 2.2), (12.0, 9.5, 11.0), (-8.0, 1.0))


def _softmax_slips(z):
    s = np.asarray(softmax(z), dtype=float)
    outer = np.outer(s, s)
    return (
        (np.diag(s), "the diagonal is not right and the off-diagonal entries are zero: "
                     "every probability depends on every logit through the shared "
                     "denominator."),
        (np.diag(s * (1 - s)), "the diagonal is right, but the off-diagonal entries are zero: "
                               "raising logit j also changes every other probability, through "
                               "the shared denominator."),
        (-outer, "the off-diagonal entries are right, but the diagonal misses the derivative "
                 "of the numerator e^(z_i) of s_i with respect to its own logit."),
        (outer, "that is only the product of the probabilities; the diagonal and the signs "
                "are still missing."),
        (np.diag(s) + outer, "the signs of the products are flipped: raising another logit "
                             "lowers s_i."),
        (outer - np.diag(s), "every entry has the wrong sign: raising logit i raises s_i."),
        (np.diag(s) - s @ s, "the same number is subtracted from every entry; each entry "
                             "[i, j] needs its own product of two probabilities."),
    )


@check(
    hints=(
        r"""Compute the probabilities $s = \mathrm{softmax}(z)$ first (subtract the largest
        logit before `np.exp` to keep it stable). Entry $[i, j]$ of the Jacobian is $\partial
        s_i/\partial z_j$: how the $i$-th probability moves when the $j$-th logit is nudged.
        Differentiate $s_i = e^{z_i} / \sum_k e^{z_k}$ by the quotient rule, once for $j = i$
        and once for $j \ne i$.""",
        r"""For $j \ne i$ only the denominator depends on $z_j$; for $j = i$ both the numerator
        and the denominator do. Both cases can be written with the probabilities alone, so
        the whole matrix is a diagonal matrix minus an outer product (`np.diag`,
        `np.outer`). Test it: every row of the Jacobian sums to 0, because the
        probabilities always sum to 1.""",
    ),
    explanation=r"""
        With $s_i = e^{z_i}/S$ and $S = \sum_k e^{z_k}$, the quotient rule gives

        $$\frac{\partial s_i}{\partial z_i} = \frac{e^{z_i} S - e^{z_i} e^{z_i}}{S^2}
        = s_i(1 - s_i), \qquad
        \frac{\partial s_i}{\partial z_j} = \frac{-e^{z_i} e^{z_j}}{S^2} = -s_i s_j
        \quad (j \ne i),$$

        so $J = \operatorname{diag}(s) - s\,s^{\top}$: `np.diag(s) - np.outer(s, s)`. It is
        symmetric, and each row sums to $s_i - s_i \sum_j s_j = 0$. Backpropagation never
        builds it: it multiplies the incoming row vector $g$ by it, $g J = s \odot (g -
        g\cdot s)$, as in `mk.losses.softmax_grad`.
        """,
)
def check_jacobian(jacobian):
    """Check ``softmax_jacobian(z)`` -> the K x K matrix of d softmax(z)_i / d z_j."""
    for logits in _LOGITS:
        z = np.array(logits)
        K = len(z)
        where = f"softmax_jacobian on {K} logits"
        result = call_student(jacobian, "softmax_jacobian", z.copy())
        got = as_returned_array(result, where, f"a {K} x {K} array")
        want = np.array([numerical_gradient(lambda v, i=i: float(softmax(v)[i]), z)
                         for i in range(K)])
        exact = softmax_grad(z)
        if got.shape != (K, K):
            if got.size == K:
                raise StudentError(f"{where} returned {K} values, one per logit. The Jacobian "
                                   f"has one entry per pair (probability i, logit j): a {K} x "
                                   f"{K} array.")
            raise StudentError(f"{where} returned {describe_answer(result)}; return a {K} x {K} "
                               "array, entry [i, j] the derivative of probability i with "
                               "respect to logit j.")
        if np.any(np.isnan(got)):
            raise StudentError(f"{where} returned NaN (not a number) in some entries. Does "
                               "np.exp overflow? Subtract the largest logit first.")
        scale = float(np.max(np.abs(want)))
        if close_arrays(got, want, scale=scale) and close_arrays(got, exact, scale=scale):
            continue
        hint = name_the_slip(got, want, _softmax_slips(z),
                             same=lambda a, b: close_arrays(a, b, scale=scale))
        raise StudentError(f"{where}: " + (hint or (
            "the matrix does not match finite differences of softmax. Entry [i, j] is the "
            "change of probability i per unit change of logit j; work out the cases j = i "
            "and j ≠ i separately.")))
    return ("Correct: your Jacobian matches finite differences of softmax for 2 to 6 classes: "
            "raising one logit raises its own probability and lowers all the others.")
