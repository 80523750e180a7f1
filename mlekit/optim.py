r"""Optimisers with trajectories: gradient descent (경사 하강법), SGD, momentum, AdaGrad,
RMSProp, Adam and Newton's method.

Gradient descent applies the update rule of the course,

.. math:: \theta^{+} = \theta - \alpha \frac{\partial J}{\partial \theta};

:func:`momentum`, :func:`adagrad`, :func:`rmsprop` and :func:`adam` replace
it by their step rules (:mod:`mlekit.step_rules`, each formula and its source
in its docstring), :func:`sgd` runs any of them on minibatches, and
:func:`newton` uses the second derivative. Every runner returns a :class:`Trajectory`: every parameter value visited, the loss at
each of them (when a loss function is given) and the gradient norms. When a
run diverges (a value becomes inf or NaN, grows past ``max_abs``, or leaves
the parameter's ``domain``) it stops there and says so in
``Trajectory.diverged`` and ``Trajectory.message``; the stored path holds only
the finite steps, never a tail of NaN.

Every runner takes the same stopping rules (종료 조건): ``tol`` (the gradient
norm is small) and ``loss_tol`` with ``patience`` (the loss changed by at
most ``loss_tol`` on ``patience`` steps in a row); :func:`sgd` adds early
stopping (조기 종료) on a validation loss.

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
from .step_rules import METHODS, GD, AdaGrad, Adam, Momentum, RMSProp, StepRule, make_rule

__all__ = ["Trajectory", "gradient_descent", "momentum", "adagrad", "rmsprop", "adam", "newton",
           "sgd", "minibatches", "descend", "divergence_bound", "first_steps", "steps_per_epoch",
           "StepRule", "GD", "Momentum", "AdaGrad", "RMSProp", "Adam", "METHODS", "make_rule"]

#: how a run ended (``Trajectory.stop_reason``)
STOP_REASONS = ("steps", "gradient", "loss", "validation", "diverged", "hessian")


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
        True if a stopping rule ended the run: the gradient norm fell to
        ``tol``, or the loss stopped changing (``loss_tol``, ``patience``).
    message : str
        One sentence on how the run ended.
    stop_reason : str
        ``"steps"`` (all steps taken), ``"gradient"`` (``tol``), ``"loss"``
        (``loss_tol``), ``"validation"`` (early stopping in :func:`sgd`),
        ``"diverged"`` or ``"hessian"`` (:func:`newton` met a Hessian that is
        not positive definite).
    method : str
        The step rule's name: ``"gd"``, ``"momentum"``, ``"nesterov"``,
        ``"adagrad"``, ``"rmsprop"``, ``"adam"`` or ``"newton"``.
    epochs : ndarray of shape (n_steps,), or None
        For :func:`sgd`, the epoch each step belongs to.
    batch_size : int or None
        For :func:`sgd`, the minibatch size used.
    val_losses : ndarray of shape (n_epochs + 1,), or None
        For :func:`sgd` with ``validation``: the validation loss before
        training and after every epoch.
    best_epoch : int or None
        The number of epochs after which the validation loss was lowest
        (the epoch early stopping chooses); ``best_params`` are the
        parameters then.

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
    stop_reason: str = "steps"
    method: str = "gd"
    val_losses: np.ndarray | None = None
    best_epoch: int | None = None
    best_params: np.ndarray | None = None
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
        method = "" if self.method == "gd" else f"method={self.method!r}, "
        return (f"Trajectory({method}n_steps={self.n_steps}, lr={self.lr:g}, {status}{loss}, "
                f"message={self.message!r})")


class _Runner:
    """Shared bookkeeping: apply a step rule, record steps, detect divergence, stop, build the Trajectory."""

    def __init__(self, theta0, lr, loss, domain, max_abs, tol, loss_args=(), *, rule=None,
                 loss_tol=None, patience=1):
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
        self.loss_tol, self.patience = _loss_rule(loss, loss_tol, patience)
        self._flat = 0                        # steps in a row with |delta J| <= loss_tol
        self.domain = None
        if domain is not None:
            self.domain = V.check_interval(domain, "domain", finite=False)
        self._check_point(self.theta, "theta0", initial=True)
        self.rule = GD() if rule is None else rule
        self.state = self.rule.init(self.theta)
        self.params = [self.theta.copy()]
        self.losses = [] if loss is None else [self._loss(self.theta)]
        if loss is not None and not np.isfinite(self.losses[0]):
            V.fail("theta0", "give a finite starting loss", f"loss = {self.losses[0]}",
                   "Start from a point where the loss is defined.")
        self.grad_norms = []
        self.diverged = False
        self.converged = False
        self.stop_reason = "steps"
        self.message = ""

    def _loss(self, theta, args=None):
        args = self.loss_args if args is None else args
        return V.check_scalar_result(self.loss(_out(theta), *args), "loss(theta)",
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
        """Apply one update of the step rule; return False when the run must stop."""
        if not np.all(np.isfinite(g)):
            return self._diverge(f"the gradient became inf or NaN at step {len(self.params)}")
        with np.errstate(over="ignore", invalid="ignore"):
            new, state = self.rule.step(self.theta, g, self.state, self.lr)
        return self.advance(np.asarray(new, dtype=float), g, state)

    def advance(self, new, g, state=None) -> bool:
        """Move to *new* (reached with gradient *g*) unless it diverged; False when the run stops."""
        step_no = len(self.params)
        problem = self._check_point(new, "theta")
        if problem:
            return self._diverge(f"theta {problem} at step {step_no} "
                                 f"(theta = {V.describe(_out(new))})")
        if self.loss is not None:
            value = self._loss(new)
            if not np.isfinite(value):
                return self._diverge(f"the loss became {value} at step {step_no}")
            change = abs(value - self.losses[-1])
            self.losses.append(value)
        self.grad_norms.append(float(np.linalg.norm(g)))
        self.theta = new
        self.state = self.state if state is None else state
        self.params.append(new.copy())
        if self.loss_tol is not None:
            self._flat = self._flat + 1 if change <= self.loss_tol else 0
            if self._flat >= self.patience:
                return self._stop("loss", f"converged: the loss changed by at most loss_tol = "
                                  f"{self.loss_tol:g} on {self.patience} step"
                                  f"{'s' if self.patience != 1 else ''} in a row; stopped after "
                                  f"{step_no} step{'s' if step_no != 1 else ''}.")
        return True

    def _stop(self, reason, message) -> bool:
        self.converged = reason in ("gradient", "loss", "validation")
        self.stop_reason, self.message = reason, message
        return False

    def _diverge(self, why):
        self.diverged = True
        self.stop_reason = "diverged"
        kept = len(self.params) - 1
        if kept == 0:
            done = "stopped before the first step"
        else:
            done = (f"stopped after {kept} finite step{'s' if kept != 1 else ''}, which "
                    f"{'are' if kept != 1 else 'is'} kept")
        self.message = (f"diverged: {why}; {done}. {self.rule.divergence_hint} than "
                        f"lr = {self.lr:g}.")
        return False

    def check_converged(self, g) -> bool:
        if self.tol is not None and float(np.linalg.norm(g)) <= self.tol:
            self._stop("gradient", f"converged: gradient norm {float(np.linalg.norm(g)):.3g} <= "
                       f"tol = {self.tol:g} after {len(self.params) - 1} steps.")
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
            stop_reason=self.stop_reason, method=extra.pop("method", self.rule.name),
            **extra,
        )


def _loss_rule(loss, loss_tol, patience):
    """The loss-change stopping rule's (loss_tol, patience), checked."""
    patience = V.check_int(patience, "patience", minimum=1)
    if loss_tol is None:
        return None, patience
    loss_tol = V.as_float(loss_tol, "loss_tol")
    if loss_tol < 0:
        V.fail("loss_tol", "be >= 0", f"{loss_tol:g}", "For example loss_tol=1e-8.")
    if loss is None:
        V.fail("loss_tol", "come with a loss function", "loss=None",
               "Pass loss=... so the run can see the loss stop changing.", exc=TypeError)
    return loss_tol, patience


def _out(theta):
    """Hand callbacks a float for scalar problems, an array otherwise."""
    return float(theta) if theta.ndim == 0 else theta.copy()


_COMMON_DOC = r"""
    loss : callable, optional
        ``loss(theta)`` returns :math:`J(\theta)`; recorded at every step.
    tol : float, optional
        Stop (``converged=True``) once the gradient norm is at most ``tol``.
    loss_tol : float, optional
        Stop (``converged=True``) once the loss has changed by at most
        ``loss_tol`` on ``patience`` steps in a row (needs ``loss``).
    patience : int
        Steps in a row the loss must stay flat for ``loss_tol``.
    domain : (float, float), optional
        Open interval the parameters must stay in (e.g. ``(0, 1)`` for a
        probability). Leaving it stops the run with ``diverged=True``.
    max_abs : float
        Any parameter larger than this in magnitude counts as divergence."""


def _run(grad, theta0, lr, steps, rule, *, loss=None, tol=None, loss_tol=None, patience=1,
         domain=None, max_abs=1e8) -> Trajectory:
    """The full-batch loop every first-order runner shares."""
    V.check_callable(grad, "grad", "grad(theta) -> array")
    steps = V.check_int(steps, "steps", minimum=0)
    run = _Runner(theta0, lr, loss, domain, max_abs, tol, rule=rule, loss_tol=loss_tol,
                  patience=patience)
    for _ in range(steps):
        g = run.gradient(grad)
        if run.check_converged(g) or not run.step(g):
            break
    else:
        if tol is not None:          # the last step may have landed within tol
            run.check_converged(run.gradient(grad))
    return run.result()


def gradient_descent(grad, theta0, lr=0.1, steps=100, *, loss=None, tol=None, loss_tol=None,
                     patience=1, domain=None, max_abs=1e8):
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
        Maximum number of updates.{common}

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: \theta_{{t+1}} = \theta_t - \alpha\, \nabla J(\theta_t)

    Examples
    --------
    Minimise the phone-survey NLL, whose gradient is :math:`-7/p + 3/(1-p)`:

    >>> traj = gradient_descent(lambda p: -7 / p + 3 / (1 - p), theta0=0.1, lr=0.01,
    ...                         steps=200, domain=(0, 1))
    >>> round(float(traj.final), 3)
    0.7

    Stop when the loss stops changing:

    >>> nll = lambda p: -7 * np.log(p) - 3 * np.log(1 - p)
    >>> run = gradient_descent(lambda p: -7 / p + 3 / (1 - p), 0.1, lr=0.01, steps=1000,
    ...                        loss=nll, loss_tol=1e-10, patience=3, domain=(0, 1))
    >>> run.stop_reason, run.n_steps < 1000
    ('loss', True)
    """
    return _run(grad, theta0, lr, steps, GD(), loss=loss, tol=tol, loss_tol=loss_tol,
                patience=patience, domain=domain, max_abs=max_abs)


def momentum(grad, theta0, lr=0.01, steps=100, *, beta=0.9, nesterov=False, loss=None, tol=None,
             loss_tol=None, patience=1, domain=None, max_abs=1e8):
    r"""Gradient descent with heavy-ball momentum (모멘텀), or Nesterov's (``nesterov=True``).

    Parameters
    ----------
    grad, theta0, lr, steps
        As in :func:`gradient_descent`.
    beta : float in [0, 1)
        Fraction of the velocity kept from step to step; ``beta=0`` is
        plain gradient descent.
    nesterov : bool
        Nesterov's accelerated gradient (Sutskever et al. 2013).{common}

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: v_{{t+1}} = \beta v_t - \alpha \nabla J(\theta_t), \qquad
              \theta_{{t+1}} = \theta_t + v_{{t+1}}

    (Polyak 1964); see :class:`mlekit.step_rules.Momentum` for Nesterov's form.

    Examples
    --------
    >>> run = momentum(lambda th: 2 * th, 1.0, lr=0.25, steps=3, beta=0.5)
    >>> run.params.tolist()        # v = -0.5, -0.5, -0.25: the ball rolls on past the minimum 0
    [1.0, 0.5, 0.0, -0.25]
    """
    return _run(grad, theta0, lr, steps, Momentum(beta=beta, nesterov=nesterov), loss=loss,
                tol=tol, loss_tol=loss_tol, patience=patience, domain=domain, max_abs=max_abs)


def adagrad(grad, theta0, lr=0.1, steps=100, *, eps=1e-8, loss=None, tol=None, loss_tol=None,
            patience=1, domain=None, max_abs=1e8):
    r"""AdaGrad (아다그라드): per-parameter rates that shrink with the summed squared gradients.

    Parameters
    ----------
    grad, theta0, lr, steps
        As in :func:`gradient_descent`.
    eps : float
        Keeps the division finite.{common}

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: G_{{t+1}} = G_t + g_t^2, \qquad
              \theta_{{t+1}} = \theta_t - \frac{{\alpha}}{{\sqrt{{G_{{t+1}}}} + \epsilon}}\, g_t

    (Duchi, Hazan & Singer 2011); see :class:`mlekit.step_rules.AdaGrad`.

    Examples
    --------
    Both coordinates of a badly scaled bowl move by lr on the first step:

    >>> import numpy as np
    >>> run = adagrad(lambda th: np.array([2.0, 200.0]) * th, [1.0, 1.0], lr=0.1, steps=1)
    >>> np.round(run.params[1], 6).tolist()
    [0.9, 0.9]
    """
    return _run(grad, theta0, lr, steps, AdaGrad(eps=eps), loss=loss, tol=tol, loss_tol=loss_tol,
                patience=patience, domain=domain, max_abs=max_abs)


def rmsprop(grad, theta0, lr=0.01, steps=100, *, beta=0.9, eps=1e-8, loss=None, tol=None,
            loss_tol=None, patience=1, domain=None, max_abs=1e8):
    r"""RMSProp (알엠에스프롭): divide each step by a running RMS of recent gradients.

    Parameters
    ----------
    grad, theta0, lr, steps
        As in :func:`gradient_descent`.
    beta : float in [0, 1)
        Decay of the running average of squared gradients.
    eps : float
        Keeps the division finite.{common}

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: s_{{t+1}} = \beta s_t + (1 - \beta) g_t^2, \qquad
              \theta_{{t+1}} = \theta_t - \frac{{\alpha}}{{\sqrt{{s_{{t+1}}}} + \epsilon}}\, g_t

    (Tieleman & Hinton 2012); see :class:`mlekit.step_rules.RMSProp`.

    Examples
    --------
    >>> run = rmsprop(lambda th: 2 * th, 1.0, lr=0.1, steps=2, beta=0.75)
    >>> np.round(run.params, 4).tolist()       # s = 1, then 0.75 + 0.25 * 1.6^2 = 1.39
    [1.0, 0.8, 0.6643]
    """
    return _run(grad, theta0, lr, steps, RMSProp(beta=beta, eps=eps), loss=loss, tol=tol,
                loss_tol=loss_tol, patience=patience, domain=domain, max_abs=max_abs)


def adam(grad, theta0, lr=0.001, steps=100, *, beta1=0.9, beta2=0.999, eps=1e-8, loss=None,
         tol=None, loss_tol=None, patience=1, domain=None, max_abs=1e8):
    r"""Adam (아담): bias-corrected momentum divided by a bias-corrected RMS of the gradients.

    Parameters
    ----------
    grad, theta0, lr, steps
        As in :func:`gradient_descent`.
    beta1, beta2 : float in [0, 1)
        Decay rates of the first and second moment estimates.
    eps : float
        Keeps the division finite.{common}

    Returns
    -------
    Trajectory

    Notes
    -----
    .. math:: \hat m_t = \frac{{m_t}}{{1 - \beta_1^t}}, \qquad \hat v_t = \frac{{v_t}}{{1 - \beta_2^t}},
              \qquad \theta_t = \theta_{{t-1}} - \alpha \frac{{\hat m_t}}{{\sqrt{{\hat v_t}} + \epsilon}}

    with :math:`m, v` running averages of :math:`g` and :math:`g^2` (Kingma
    & Ba 2015, Algorithm 1); see :class:`mlekit.step_rules.Adam`.

    Examples
    --------
    The first step has size lr, whether the gradient is 2 or 2000:

    >>> [round(float(adam(lambda th: k * th, 1.0, lr=0.1, steps=1).final), 6) for k in (2, 2000)]
    [0.9, 0.9]
    """
    return _run(grad, theta0, lr, steps, Adam(beta1=beta1, beta2=beta2, eps=eps), loss=loss,
                tol=tol, loss_tol=loss_tol, patience=patience, domain=domain, max_abs=max_abs)


def newton(grad, hess, theta0, steps=20, *, lr=1.0, loss=None, tol=None, loss_tol=None,
           patience=1, domain=None, max_abs=1e8):
    r"""Newton's method (뉴턴 방법): step to the minimum of the local quadratic model.

    Parameters
    ----------
    grad : callable
        ``grad(theta)``: the gradient, as in :func:`gradient_descent`.
    hess : callable
        ``hess(theta)``: the Hessian (헤세 행렬), a float for one parameter or
        an (n, n) array for n parameters.
    theta0 : float or array_like
        Starting point.
    steps : int
        Maximum number of updates.
    lr : float
        Damping: 1 is the full Newton step, smaller values shorten it.{common}

    Returns
    -------
    Trajectory
        A Hessian that is not positive definite (where the quadratic model
        has no minimum, so the step would not head downhill) stops the run
        with ``stop_reason="hessian"`` and a sentence in ``message``.

    Notes
    -----
    .. math:: \theta_{{t+1}} = \theta_t - \alpha\, H(\theta_t)^{{-1}} \nabla J(\theta_t)

    A second-order method: it uses the curvature as well as the slope, and
    near a minimum the error roughly squares at every step.

    Examples
    --------
    The phone-survey NLL :math:`J(p) = -7\log p - 3\log(1-p)` from p = 0.3:

    >>> run = newton(lambda p: -7 / p + 3 / (1 - p), lambda p: 7 / p**2 + 3 / (1 - p)**2,
    ...              0.3, steps=10, tol=1e-12, domain=(0, 1))
    >>> round(float(run.final), 12), run.n_steps, run.method
    (0.7, 5, 'newton')
    """
    V.check_callable(grad, "grad", "grad(theta) -> array")
    V.check_callable(hess, "hess", "hess(theta) -> array of shape (n, n)")
    steps = V.check_int(steps, "steps", minimum=0)
    run = _Runner(theta0, lr, loss, domain, max_abs, tol, loss_tol=loss_tol, patience=patience)
    run.rule.name = "newton"
    run.rule.divergence_hint = "Start nearer the minimum, or try a smaller damping"
    for _ in range(steps):
        g = run.gradient(grad)
        if run.check_converged(g):
            break
        if not np.all(np.isfinite(g)):
            run.step(g)                              # reports the divergence
            break
        direction = _newton_direction(hess, run, g)
        if direction is None or not run.advance(run.theta - run.lr * direction, g):
            break
    else:
        if tol is not None:
            run.check_converged(run.gradient(grad))
    return run.result(method="newton")


def _newton_direction(hess, run, g):
    """H^-1 g at the runner's theta, or None (and the run stopped) if H is not positive definite."""
    n = run.theta.size
    H = V.as_float_array(hess(_out(run.theta)), "hess(theta)", finite=False,
                         expected="return numbers",
                         fix="Return the Hessian as a float or an (n, n) array.")
    H = H.reshape(()) if H.size == 1 and n == 1 else H
    want = () if run.theta.ndim == 0 else (n, n)
    if H.shape != want and not (n == 1 and H.size == 1):
        V.fail("hess(theta)", f"return an array of shape {want}", f"shape {H.shape}",
               "Return one second derivative per pair of parameters.")
    M = np.atleast_2d(H).reshape(n, n)
    step_no = len(run.params)
    if not np.all(np.isfinite(M)):
        run._diverge(f"the Hessian became inf or NaN at step {step_no}")
        return None
    sym = 0.5 * (M + M.T)
    if np.min(np.linalg.eigvalsh(sym)) <= 0:
        run._stop("hessian", f"stopped at step {step_no}: the Hessian is not positive definite "
                  "there, so the quadratic model has no minimum and Newton's step would not head "
                  "downhill. Start nearer a minimum, or use a first-order method.")
        return None
    return np.linalg.solve(M, g.reshape(n)).reshape(run.theta.shape)


for _f in (gradient_descent, momentum, adagrad, rmsprop, adam, newton):
    _f.__doc__ = _f.__doc__.format(common=_COMMON_DOC)
del _f


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
        loss=None, tol=None, loss_tol=None, patience=1, domain=None, max_abs=1e8, rule=None,
        validation=None, val_patience=None):
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
        after every step (and, with ``validation``, on the validation set
        after every epoch).
    tol, loss_tol, patience, domain, max_abs
        As in :func:`gradient_descent` (``patience`` counts steps).
    rule : str or StepRule, optional
        The update: ``"gd"`` (default), ``"momentum"``, ``"nesterov"``,
        ``"adagrad"``, ``"rmsprop"``, ``"adam"``, or a rule such as
        ``Adam(beta1=0.8)`` (:mod:`mlekit.step_rules`). Its state carries
        over from batch to batch and epoch to epoch.
    validation : tuple of array_like, optional
        A held-out set, e.g. ``(x_val, t_val)``, scored with ``loss`` before
        training and after every epoch (``Trajectory.val_losses``); the
        epoch with the lowest score is ``best_epoch`` (``best_params``).
    val_patience : int, optional
        Early stopping (조기 종료): stop once the validation loss has not
        improved on its best for this many epochs in a row.

    Returns
    -------
    Trajectory
        ``epochs`` holds the epoch index of each step; ``batch_size`` the
        batch size used.

    Notes
    -----
    For a batch :math:`B` of size :math:`M`, plain SGD steps

    .. math:: \theta^{+} = \theta - \alpha \frac{1}{M}\sum_{i \in B} \nabla_\theta J_i(\theta);

    another ``rule`` turns the same minibatch gradient into its own update.

    Examples
    --------
    Fit the mean of four numbers (the MSE minimiser) one sample at a time:

    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 3.0, 6.0])
    >>> traj = sgd(lambda th, xb: 2 * np.mean(th - xb), 0.0, x, lr=0.05, epochs=200,
    ...            batch_size=1, rng=0)
    >>> bool(abs(traj.final - x.mean()) < 0.3)
    True

    With Adam, and early stopping on a validation set whose mean is 2:

    >>> mse = lambda th, xb: float(np.mean((th - xb) ** 2))
    >>> run = sgd(lambda th, xb: 2 * np.mean(th - xb), 0.0, x, lr=0.5, epochs=100, rule="adam",
    ...           loss=mse, validation=np.array([1.5, 2.5]), val_patience=3, rng=0)
    >>> run.stop_reason, run.best_epoch, len(run.val_losses) - 1       # epochs run
    ('validation', 4, 7)
    >>> round(float(run.best_params), 2), round(float(run.final), 2)  # the training mean is 3
    (1.95, 3.19)
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
    step_rule = make_rule("gd" if rule is None else rule)
    watch = _Validation(validation, val_patience, loss, arrays)
    run = _Runner(theta0, lr, loss, domain, max_abs, tol, loss_args=arrays, rule=step_rule,
                  loss_tol=loss_tol, patience=patience)
    watch.record(run, 0)
    epoch_of_step = []
    stop = False
    for epoch in range(epochs):
        for batch in minibatches(*arrays, batch_size=batch_size, shuffle=shuffle, rng=gen):
            batch = batch if isinstance(batch, tuple) else (batch,)
            g = run.gradient(grad, *batch)
            if run.check_converged(g):
                stop = True
                break
            ok = run.step(g)
            if len(epoch_of_step) < len(run.params) - 1:
                epoch_of_step.append(epoch)
            if not ok:
                stop = True
                break
        if not run.diverged and watch.record(run, epoch + 1):
            stop = True
        if stop:
            break
    else:
        if tol is not None:          # converged on the very last step?
            run.check_converged(run.gradient(grad, *arrays))
    return run.result(epochs=np.array(epoch_of_step, dtype=int), batch_size=batch_size,
                      **watch.fields())


class _Validation:
    """Early stopping's bookkeeping for :func:`sgd`: score, best epoch, patience."""

    def __init__(self, validation, val_patience, loss, train):
        self.arrays = None
        self.patience = None if val_patience is None else V.check_int(val_patience, "val_patience",
                                                                          minimum=1)
        if validation is None:
            if self.patience is not None:
                V.fail("val_patience", "come with a validation set", "validation=None",
                       "Pass validation=(x_val, t_val) to stop early on its loss.", exc=TypeError)
            return
        if loss is None:
            V.fail("validation", "come with a loss function", "loss=None",
                   "Pass loss=... : it scores the validation set after every epoch.",
                   exc=TypeError)
        arrays, _ = _as_data(validation)
        if len(arrays) != len(train) or any(a.shape[1:] != b.shape[1:]
                                            for a, b in zip(arrays, train)):
            V.fail("validation", "hold the same arrays as data, with the same shape per sample",
                   f"{[a.shape for a in arrays]} for data {[b.shape for b in train]}",
                   "Split one data set into (x_train, t_train) and (x_val, t_val).")
        self.arrays, self.losses, self.best, self.best_epoch = arrays, [], None, None

    def record(self, run, epoch) -> bool:
        """Score the validation set after *epoch* epochs; True when early stopping ends the run."""
        if self.arrays is None:
            return False
        value = run._loss(run.theta, self.arrays)
        self.losses.append(value)
        if self.best is None or value < self.losses[self.best_epoch]:
            self.best_epoch, self.best = epoch, run.theta.copy()
        if self.patience is not None and epoch - self.best_epoch >= self.patience:
            run._stop("validation", f"early stopping: the validation loss has not improved for "
                      f"{self.patience} epoch{'s' if self.patience != 1 else ''} (best after "
                      f"{self.best_epoch} epoch{'s' if self.best_epoch != 1 else ''}: "
                      f"{self.losses[self.best_epoch]:.6g}); stopped after {epoch} epoch{'s' if epoch != 1 else ''}.")
            return True
        return False

    def fields(self) -> dict:
        if self.arrays is None:
            return {}
        return {"val_losses": np.array(self.losses), "best_epoch": self.best_epoch,
                "best_params": self.best[()] if self.best.ndim == 0 else self.best}


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


def descend(surface, theta0=None, lr=None, steps=60, *, method="gd", batch_size=None, rng=0,
            **hyper) -> Trajectory:
    r"""Run an optimiser on a teaching surface (:mod:`mlekit.surfaces`) for *steps* updates.

    Parameters
    ----------
    surface : mlekit.surfaces.Surface
        The loss, with ``grad``, ``loss``, ``window`` and (for a data fit
        such as :class:`~mlekit.surfaces.LineFitMSE`) ``data``.
    theta0 : float or (float, float), optional
        Starting point (default: ``surface.default_start``).
    lr : float, optional
        Learning rate (default: ``surface.default_lr``; for Newton, the
        damping, default 1).
    steps : int
        Number of updates.
    method : str or StepRule
        ``"gd"`` (default), ``"momentum"``, ``"nesterov"``, ``"adagrad"``,
        ``"rmsprop"``, ``"adam"`` (:data:`METHODS`), a step rule, or
        ``"newton"`` (full batch, a surface with a ``hessian`` method).
    **hyper
        The method's hyper-parameters: ``beta``, ``beta1``, ``beta2``, ``eps``.
    batch_size : int, optional
        ``None``: full-batch descent with the method's rule. An int (a data fit
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
    >>> descend(Quadratic1D(), theta0=3.0, lr=0.1, steps=1, method="adam").params.tolist()
    [3.0, 2.9]
    """
    ndim = getattr(surface, "ndim", 1)
    theta0 = surface.default_start if theta0 is None else theta0
    start = V.as_float_array(theta0, "theta0")
    if start.shape != (() if ndim == 1 else (ndim,)):
        V.fail("theta0", f"be {'one number' if ndim == 1 else 'two numbers'} for this "
               f"{ndim}-D surface", V.describe(theta0),
               "Pass theta0=2.0 for a 1-D problem or theta0=(w, b) for a 2-D one.")
    start = float(start) if start.ndim == 0 else start
    damping = 1.0 if lr is None else lr          # Newton's default: the full step
    lr = surface.default_lr if lr is None else lr
    steps = V.check_int(steps, "steps", minimum=0)
    bound = divergence_bound(surface)
    data = getattr(surface, "data", None)
    if method == "newton":
        if hyper or batch_size is not None:
            V.fail("method", "be a first-order method when hyper-parameters or batch_size are given",
                   '"newton"', "Newton's method takes neither; drop them.", exc=TypeError)
        hess = getattr(surface, "hessian", None)
        if hess is None:
            V.fail("method", "be a first-order method on a surface without a Hessian",
                   '"newton"', 'Use method="gd" or another name in mlekit.optim.METHODS.')
        return newton(surface.grad, hess, start, steps, lr=damping, loss=surface.loss,
                      max_abs=bound)
    rule = make_rule(method, **hyper)
    if batch_size is None:
        run = _run(surface.grad, start, lr, steps, rule, loss=surface.loss, max_abs=bound)
        if data is None:
            return run
        # a data fit: one step per epoch, every sample in it
        return dataclasses.replace(run, epochs=np.arange(run.n_steps), batch_size=len(data[0]))
    if data is None:
        V.fail("batch_size", "be None for a surface without data", str(batch_size),
               "Minibatches need a data fit such as mlekit.surfaces.LineFitMSE.")
    epochs = max(1, math.ceil(steps / steps_per_epoch(len(data[0]), batch_size)))
    run = sgd(surface.grad, start, data, lr=lr, epochs=epochs, batch_size=batch_size,
              rng=V.check_int(rng, "rng", minimum=0), loss=surface.loss, max_abs=bound, rule=rule)
    return first_steps(run, steps)
