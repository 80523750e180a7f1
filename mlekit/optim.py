r"""Gradient descent (경사 하강법) and stochastic gradient descent, with trajectories.

Both optimisers apply the update rule of the course,

.. math:: \theta^{+} = \theta - \alpha \frac{\partial J}{\partial \theta},

and return a :class:`Trajectory`: every parameter value visited, the loss at
each of them (when a loss function is given) and the gradient norms. When a
run diverges (a value becomes inf or NaN, grows past ``max_abs``, or leaves
the parameter's ``domain``) it stops there and says so in
``Trajectory.diverged`` and ``Trajectory.message``; the stored path holds only
the finite steps, never a tail of NaN.

Examples
--------
>>> from mlekit.optim import gradient_descent
>>> traj = gradient_descent(lambda th: 2 * (th - 3.0), theta0=0.0, lr=0.25, steps=20)
>>> round(float(traj.final), 6)
3.0
>>> gradient_descent(lambda th: 2 * th, theta0=1.0, lr=1.5, steps=100).diverged
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from . import _validation as V

__all__ = ["Trajectory", "gradient_descent", "sgd", "minibatches", "descend", "divergence_bound",
           "first_steps", "steps_per_epoch"]


@dataclass
class Trajectory:
    """The path an optimiser took.

    Attributes
    ----------
    params : ndarray, shape (n_steps + 1, *theta0.shape)
        Parameters before the first step and after every step.
    losses : ndarray of shape (n_steps + 1,), or None
        The loss at each entry of ``params`` (None if no loss was given).
    grad_norms : ndarray, shape (n_steps,)
        Euclidean norm of the gradient used at each step.
    lr : float
        Learning rate (학습률).
    diverged : bool
        True if the run was stopped because it blew up or left its domain.
    converged : bool
        True if the gradient norm fell to ``tol`` or below.
    message : str
        One sentence on how the run ended.
    epochs : ndarray of shape (n_steps,), or None
        For :func:`sgd`, the epoch each step belongs to.
    batch_size : int or None
        For :func:`sgd`, the minibatch size used.

    Examples
    --------
    >>> traj = gradient_descent(lambda th: 2 * th, theta0=1.0, lr=0.25, steps=3,
    ...                         loss=lambda th: th ** 2)
    >>> traj.params.tolist()                 # theta halves each step
    [1.0, 0.5, 0.25, 0.125]
    >>> traj.losses.tolist()
    [1.0, 0.25, 0.0625, 0.015625]
    >>> traj.n_steps, traj.diverged
    (3, False)
    """

    params: np.ndarray
    losses: np.ndarray | None
    grad_norms: np.ndarray
    lr: float
    diverged: bool = False
    converged: bool = False
    message: str = ""
    epochs: np.ndarray | None = None
    batch_size: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        """Number of update steps taken."""
        return len(self.params) - 1

    @property
    def final(self):
        """The last parameter value (a scalar for scalar problems)."""
        last = self.params[-1]
        return last[()] if np.ndim(last) == 0 else last.copy()

    @property
    def final_loss(self):
        """The loss at the last parameter value, or None."""
        return None if self.losses is None else self.losses[-1]

    def __repr__(self) -> str:
        status = "diverged" if self.diverged else ("converged" if self.converged else "stopped")
        loss = "" if self.losses is None else f", final_loss={float(self.losses[-1]):.6g}"
        return (f"Trajectory(n_steps={self.n_steps}, lr={self.lr:g}, {status}{loss}, "
                f"message={self.message!r})")


class _Runner:
    """Shared bookkeeping: record steps, detect divergence, build the Trajectory."""

    def __init__(self, theta0, lr, loss, domain, max_abs, tol, loss_args=()):
        self.theta = V.as_float_array(theta0, "theta0").copy()
        self.lr = V.as_float(lr, "lr")
        if self.lr <= 0:
            V.fail("lr", "be > 0", f"{self.lr:g}", "A learning rate is a small positive step size "
                   "such as 0.1.")
        if loss is not None:
            V.check_callable(loss, "loss", "loss(theta, ...) -> float")
        self.loss = loss
        self.loss_args = loss_args
        self.max_abs = V.as_float(max_abs, "max_abs")
        self.tol = None if tol is None else V.as_float(tol, "tol")
        self.domain = None
        if domain is not None:
            self.domain = V.check_interval(domain, "domain", finite=False)
        self._check_point(self.theta, "theta0", initial=True)
        self.params = [self.theta.copy()]
        self.losses = [] if loss is None else [self._loss(self.theta)]
        if loss is not None and not np.isfinite(self.losses[0]):
            V.fail("theta0", "give a finite starting loss", f"loss = {self.losses[0]}",
                   "Start from a point where the loss is defined.")
        self.grad_norms = []
        self.diverged = False
        self.converged = False
        self.message = ""

    def _loss(self, theta):
        return V.check_scalar_result(self.loss(_out(theta), *self.loss_args), "loss(theta)",
                                     "Return the loss as a float (did you forget `return`?).",
                                     "Reduce the loss with a mean or a sum.")

    def _check_point(self, theta, name, initial=False):
        if self.domain is not None:
            lo, hi = self.domain
            if np.any(theta <= lo) or np.any(theta >= hi):
                if initial:
                    V.fail(name, f"lie inside the domain ({lo:g}, {hi:g})", V.describe(_out(theta)),
                           "Choose a starting point inside the domain.")
                return f"left the domain ({lo:g}, {hi:g})"
        if not np.all(np.isfinite(theta)):
            return "became inf or NaN"
        if np.max(np.abs(theta)) > self.max_abs:
            return f"grew past max_abs = {self.max_abs:g}"
        return None

    def gradient(self, grad_fn, *args):
        g = V.as_float_array(grad_fn(_out(self.theta), *args), "grad(theta)", finite=False,
                             expected="return numbers",
                             fix="Return the gradient as a float or a numpy array "
                                 "(did you forget `return`?).")
        if g.shape != self.theta.shape:
            V.fail("grad(theta)", f"return an array of the same shape as theta {self.theta.shape}",
                   f"shape {g.shape}", "Return one partial derivative per parameter.")
        return g

    def step(self, g) -> bool:
        """Apply one update; return False when the run must stop."""
        step_no = len(self.params)
        if not np.all(np.isfinite(g)):
            return self._diverge(f"the gradient became inf or NaN at step {step_no}")
        new = self.theta - self.lr * g                      # theta+ = theta - lr * dJ/dtheta
        problem = self._check_point(new, "theta")
        if problem:
            return self._diverge(f"theta {problem} at step {step_no} "
                                 f"(theta = {V.describe(_out(new))})")
        if self.loss is not None:
            value = self._loss(new)
            if not np.isfinite(value):
                return self._diverge(f"the loss became {value} at step {step_no}")
            self.losses.append(value)
        self.grad_norms.append(float(np.linalg.norm(g)))
        self.theta = new
        self.params.append(new.copy())
        return True

    def _diverge(self, why):
        self.diverged = True
        kept = len(self.params) - 1
        if kept == 0:
            done = "stopped before the first step"
        else:
            done = f"stopped after {kept} finite step{'s' if kept != 1 else ''}, which are kept"
        self.message = (f"diverged: {why}; {done}. Try a smaller learning rate than "
                        f"lr = {self.lr:g}.")
        return False

    def check_converged(self, g) -> bool:
        if self.tol is not None and float(np.linalg.norm(g)) <= self.tol:
            self.converged = True
            self.message = (f"converged: gradient norm {float(np.linalg.norm(g)):.3g} <= tol = "
                            f"{self.tol:g} after {len(self.params) - 1} steps.")
            return True
        return False

    def result(self, **extra) -> Trajectory:
        if not self.message:
            self.message = f"finished {len(self.params) - 1} steps without diverging."
        return Trajectory(
            params=np.array(self.params),
            losses=None if self.loss is None else np.array(self.losses),
            grad_norms=np.array(self.grad_norms, dtype=float),
            lr=self.lr, diverged=self.diverged, converged=self.converged, message=self.message,
            **extra,
        )


def _out(theta):
    """Hand callbacks a float for scalar problems, an array otherwise."""
    return float(theta) if theta.ndim == 0 else theta.copy()


def gradient_descent(grad, theta0, lr=0.1, steps=100, *, loss=None, tol=None, domain=None,
                     max_abs=1e8):
    r"""Minimise a function by (full-batch) gradient descent.

    Parameters
    ----------
    grad : callable
        ``grad(theta)`` returns :math:`\partial J / \partial \theta`, the same
        shape as theta (a float for scalar theta).
    theta0 : float or array_like
        Starting point.
    lr : float
        Learning rate (학습률) :math:`\alpha > 0`.
    steps : int
        Maximum number of updates.
    loss : callable, optional
        ``loss(theta)`` returns :math:`J(\theta)`; recorded at every step.
    tol : float, optional
        Stop (``converged=True``) once the gradient norm is at most ``tol``.
    domain : (float, float), optional
        Open interval the parameters must stay in (e.g. ``(0, 1)`` for a
        probability). Leaving it stops the run with ``diverged=True``.
    max_abs : float
        Any parameter larger than this in magnitude counts as divergence.

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: \theta_{t+1} = \theta_t - \alpha\, \nabla J(\theta_t)

    Examples
    --------
    Minimise the phone-survey NLL, whose gradient is :math:`-7/p + 3/(1-p)`:

    >>> traj = gradient_descent(lambda p: -7 / p + 3 / (1 - p), theta0=0.1, lr=0.01,
    ...                         steps=200, domain=(0, 1))
    >>> round(float(traj.final), 3)
    0.7
    """
    V.check_callable(grad, "grad", "grad(theta) -> array")
    steps = V.check_int(steps, "steps", minimum=0)
    run = _Runner(theta0, lr, loss, domain, max_abs, tol)
    for _ in range(steps):
        g = run.gradient(grad)
        if run.check_converged(g) or not run.step(g):
            break
    else:
        if tol is not None:          # the last step may have landed within tol
            run.check_converged(run.gradient(grad))
    return run.result()


def _as_data(data):
    # (x, t) or [x, t] of arrays means several arrays; anything else is one array
    several = isinstance(data, tuple) or (
        isinstance(data, list) and data and all(isinstance(a, np.ndarray) for a in data))
    arrays = tuple(data) if several else (data,)
    if not arrays:
        V.fail("data", "hold at least one array", "an empty tuple", "Pass data=(x, t).")
    out = [np.asarray(V.as_float_array(a, f"data[{i}]")) for i, a in enumerate(arrays)]
    n = out[0].shape[0] if out[0].ndim else 0
    for i, a in enumerate(out):
        if a.ndim == 0 or a.shape[0] != n:
            V.fail("data", "be arrays with the same number of samples (first axis)",
                   f"{[x.shape for x in out]}", "Pass one row per sample in every array.")
    return tuple(out), n


def minibatches(*arrays, batch_size, shuffle=True, rng=None, drop_last=False):
    """Yield minibatches of one or more arrays that share their first axis.

    Parameters
    ----------
    *arrays : array_like
        Arrays with the same number of samples (rows).
    batch_size : int
        Samples per batch; the last batch may be smaller unless ``drop_last``.
    shuffle : bool
        Visit the samples in a random order (one permutation per call).
    rng : None, int or numpy.random.Generator
        Source of randomness for the shuffle.
    drop_last : bool
        Skip a final batch smaller than ``batch_size``.

    Yields
    ------
    tuple of ndarray (or a single ndarray when one array is given)

    Examples
    --------
    >>> import numpy as np
    >>> [b.tolist() for b in minibatches(np.arange(5), batch_size=2, shuffle=False)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """
    data, n = _as_data(tuple(arrays))                  # validated now, not on first next()
    batch_size = V.check_int(batch_size, "batch_size", minimum=1)
    order = V.check_rng(rng).permutation(n) if shuffle else np.arange(n)
    return _batches(data, order, batch_size, drop_last)


def _batches(data, order, batch_size, drop_last):
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        if drop_last and idx.size < batch_size:
            return
        batch = tuple(a[idx] for a in data)
        yield batch[0] if len(batch) == 1 else batch


def sgd(grad, theta0, data, *, lr=0.1, epochs=10, batch_size=None, shuffle=True, rng=None,
        loss=None, tol=None, domain=None, max_abs=1e8):
    r"""Minibatch stochastic gradient descent (확률적 경사 하강법, 미니배치 경사 하강법, 배치 경사 하강법).

    Parameters
    ----------
    grad : callable
        ``grad(theta, *batch)`` returns the gradient of the loss averaged over
        the samples in ``batch`` (the same arrays as ``data``, sliced).
    theta0 : float or array_like
        Starting point.
    data : array_like or tuple of array_like
        The training set, e.g. ``(x, t)``; arrays share their first axis.
    lr : float
        Learning rate.
    epochs : int
        Passes over the data.
    batch_size : int, optional
        ``None`` or the sample count: batch gradient descent; ``1``:
        stochastic gradient descent; anything between: minibatch.
    shuffle : bool
        Reshuffle the samples every epoch.
    rng : None, int or numpy.random.Generator
        Randomness for the shuffles; pass an int for reproducible runs.
    loss : callable, optional
        ``loss(theta, *data)``: the loss on the whole training set, recorded
        after every step.
    tol, domain, max_abs
        As in :func:`gradient_descent`.

    Returns
    -------
    Trajectory
        ``epochs`` holds the epoch index of each step; ``batch_size`` the
        batch size used.

    Notes
    -----
    For a batch :math:`B` of size :math:`M`,

    .. math:: \theta^{+} = \theta - \alpha \frac{1}{M}\sum_{i \in B} \nabla_\theta J_i(\theta)

    Examples
    --------
    Fit the mean of four numbers (the MSE minimiser) one sample at a time:

    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 3.0, 6.0])
    >>> traj = sgd(lambda th, xb: 2 * np.mean(th - xb), 0.0, x, lr=0.05, epochs=200,
    ...            batch_size=1, rng=0)
    >>> bool(abs(traj.final - x.mean()) < 0.3)
    True
    """
    V.check_callable(grad, "grad", "grad(theta, *batch) -> array")
    arrays, n = _as_data(data)
    epochs = V.check_int(epochs, "epochs", minimum=1)
    if batch_size is None:
        batch_size = n
    batch_size = V.check_int(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        V.fail("batch_size", f"be at most the number of samples ({n})", str(batch_size),
               "Use batch_size=None for full-batch gradient descent.")
    gen = V.check_rng(rng)
    run = _Runner(theta0, lr, loss, domain, max_abs, tol, loss_args=arrays)
    epoch_of_step = []
    stop = False
    for epoch in range(epochs):
        for batch in minibatches(*arrays, batch_size=batch_size, shuffle=shuffle, rng=gen):
            batch = batch if isinstance(batch, tuple) else (batch,)
            g = run.gradient(grad, *batch)
            if run.check_converged(g) or not run.step(g):
                stop = True
                break
            epoch_of_step.append(epoch)
        if stop:
            break
    else:
        if tol is not None:          # converged on the very last step?
            run.check_converged(run.gradient(grad, *arrays))
    return run.result(epochs=np.array(epoch_of_step, dtype=int), batch_size=batch_size)


# ------------------------------------------------- runs on a teaching surface
def divergence_bound(surface) -> float:
    """The ``max_abs`` for runs on *surface*: ten times the farthest edge of its window.

    A parameter that far out has left the picture for good (on a quadratic,
    |θ − θ*| only grows when lr is past the stable limit), so the run is
    called diverged there rather than after overflowing to inf.

    Examples
    --------
    >>> from mlekit.surfaces import Quadratic1D
    >>> divergence_bound(Quadratic1D())
    40.0
    """
    return 10.0 * max(abs(edge) for pair in surface.window for edge in pair)


def steps_per_epoch(n_samples, batch_size=None) -> int:
    """Updates per pass over *n_samples* samples with minibatches of *batch_size* (None: 1).

    Examples
    --------
    >>> steps_per_epoch(30), steps_per_epoch(30, 8), steps_per_epoch(30, 1)
    (1, 4, 30)
    """
    n = V.check_int(n_samples, "n_samples", minimum=1)
    if batch_size is None:
        return 1
    batch_size = V.check_int(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        V.fail("batch_size", f"be at most the number of samples ({n})", str(batch_size),
               "Pick a minibatch smaller than the data set, e.g. batch_size=8.")
    return math.ceil(n / batch_size)


def first_steps(trajectory, steps) -> Trajectory:
    """The first *steps* updates of *trajectory* (an :func:`sgd` run covers whole epochs).

    A run that is cut short did not end by diverging or converging, so the
    result says so. Runs of at most *steps* updates are returned unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> run = sgd(lambda th, xb: 2 * np.mean(th - xb), 0.0, np.arange(4.0), lr=0.1,
    ...           epochs=3, batch_size=1, rng=0)
    >>> cut = first_steps(run, 5)
    >>> run.n_steps, cut.n_steps, cut.epochs.tolist()
    (12, 5, [0, 0, 0, 0, 1])
    >>> bool(np.all(cut.params == run.params[:6]))
    True
    """
    steps = V.check_int(steps, "steps", minimum=0)
    if trajectory.n_steps <= steps:
        return trajectory
    t = trajectory
    return dataclasses.replace(
        t, params=t.params[:steps + 1],
        losses=None if t.losses is None else t.losses[:steps + 1],
        grad_norms=t.grad_norms[:steps],
        epochs=None if t.epochs is None else t.epochs[:steps],
        diverged=False, converged=False,
        message=f"finished {steps} steps without diverging.")


def descend(surface, theta0=None, lr=None, steps=60, *, batch_size=None, rng=0) -> Trajectory:
    r"""Run gradient descent on a teaching surface (:mod:`mlekit.surfaces`) for *steps* updates.

    Parameters
    ----------
    surface : mlekit.surfaces.Surface
        The loss, with ``grad``, ``loss``, ``window`` and (for a data fit
        such as :class:`~mlekit.surfaces.LineFitMSE`) ``data``.
    theta0 : float or (float, float), optional
        Starting point (default: ``surface.default_start``).
    lr : float, optional
        Learning rate (default: ``surface.default_lr``).
    steps : int
        Number of updates.
    batch_size : int, optional
        ``None``: full-batch :func:`gradient_descent`. An int (a data fit
        only): :func:`sgd` with that many samples per step (1: one-sample
        SGD), for enough epochs to make *steps* updates, cut there by
        :func:`first_steps`.
    rng : int
        Seed of the minibatch shuffles: two learning rates see the same
        sequence of batches.

    Returns
    -------
    Trajectory
        Stopped early (``diverged=True``) once a parameter passes
        :func:`divergence_bound`. On a data fit, ``epochs`` and
        ``batch_size`` are set for full-batch runs too (one step per epoch).

    Examples
    --------
    >>> from mlekit.surfaces import LineFitMSE, Quadratic1D
    >>> descend(Quadratic1D(), theta0=3.0, lr=0.25, steps=1).params.tolist()  # 3 - 0.25 * 2 * 3
    [3.0, 1.5]
    >>> J = LineFitMSE([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0])
    >>> run = descend(J, steps=6, batch_size=1)
    >>> run.n_steps, run.epochs.tolist(), run.batch_size
    (6, [0, 0, 0, 0, 1, 1], 1)
    """
    ndim = getattr(surface, "ndim", 1)
    theta0 = surface.default_start if theta0 is None else theta0
    start = V.as_float_array(theta0, "theta0")
    if start.shape != (() if ndim == 1 else (ndim,)):
        V.fail("theta0", f"be {'one number' if ndim == 1 else 'two numbers'} for this "
               f"{ndim}-D surface", V.describe(theta0),
               "Pass theta0=2.0 for a 1-D problem or theta0=(w, b) for a 2-D one.")
    start = float(start) if start.ndim == 0 else start
    lr = surface.default_lr if lr is None else lr
    steps = V.check_int(steps, "steps", minimum=0)
    bound = divergence_bound(surface)
    data = getattr(surface, "data", None)
    if batch_size is None:
        run = gradient_descent(surface.grad, start, lr, steps, loss=surface.loss, max_abs=bound)
        if data is None:
            return run
        # a data fit: one step per epoch, every sample in it
        return dataclasses.replace(run, epochs=np.arange(run.n_steps), batch_size=len(data[0]))
    if data is None:
        V.fail("batch_size", "be None for a surface without data", str(batch_size),
               "Minibatches need a data fit such as mlekit.surfaces.LineFitMSE.")
    epochs = max(1, math.ceil(steps / steps_per_epoch(len(data[0]), batch_size)))
    run = sgd(surface.grad, start, data, lr=lr, epochs=epochs, batch_size=batch_size,
              rng=V.check_int(rng, "rng", minimum=0), loss=surface.loss, max_abs=bound)
    return first_steps(run, steps)
