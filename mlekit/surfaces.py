r"""Teaching loss surfaces (손실 함수) with their gradients, for gradient descent.

Four small problems on which :func:`mlekit.optim.gradient_descent` and
:func:`mlekit.optim.sgd` show the ideas of the gradient-descent lesson
(경사 하강법, :math:`\theta^{+} = \theta - \alpha\, \partial J / \partial \theta`):

============================  ======================================================
:class:`Quadratic1D`          :math:`J(\theta) = a(\theta - c)^2`: one minimum; the
                              learning rate decides between creeping, zig-zagging
                              and diverging (stable iff :math:`\alpha < 1/a`).
:class:`NonConvex1D`          :math:`J(\theta) = \theta^4 - 3\theta^2 + \theta`: a global
                              and a local minimum (전역 최소 / 지역 최소); where you
                              start decides where you land.
:class:`QuadraticBowl2D`      an elongated (ill-conditioned) bowl: the steep
                              direction zig-zags while the shallow one creeps.
:class:`LineFitMSE`           the MSE of a line :math:`wx + b` on a data set, with the
                              full-data gradient and the per-batch gradient that
                              :func:`mlekit.optim.sgd` needs (batch / minibatch /
                              stochastic gradient descent).
============================  ======================================================

Every surface has the same small interface: ``loss(theta)`` and
``grad(theta)`` (vectorised: a 1-D surface takes θ of any shape, a 2-D one
takes θ of shape ``(..., 2)``), ``minima`` (a tuple of :class:`Minimum`),
``global_minimum``, ``param_names``, ``ndim``, a suggested plotting ``window``
and a ``default_start`` / ``default_lr`` that make a good first picture.

Examples
--------
>>> from mlekit.optim import gradient_descent
>>> from mlekit.surfaces import Quadratic1D
>>> J = Quadratic1D(a=1.0, c=2.0)
>>> traj = gradient_descent(J.grad, theta0=5.0, lr=0.25, steps=30, loss=J.loss)
>>> round(float(traj.final), 6), J.max_stable_lr
(2.0, 1.0)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validation as V
from ._math import scalar_or_array

__all__ = ["Minimum", "Surface", "Quadratic1D", "NonConvex1D", "QuadraticBowl2D", "LineFitMSE",
           "least_squares_line"]


class Minimum(NamedTuple):
    """One minimum of a surface: where it is, its loss, and whether it is the global one.

    Attributes
    ----------
    theta : float or ndarray of shape (2,)
        Location of the minimum.
    loss : float
        :math:`J(\\theta)` there.
    is_global : bool
        True for the lowest minimum (전역 최소), False for a local one (지역 최소).

    Examples
    --------
    >>> from mlekit.surfaces import Quadratic1D
    >>> Quadratic1D(c=2.0).minima
    (Minimum(theta=2.0, loss=0.0, is_global=True),)
    """

    theta: float | np.ndarray
    loss: float
    is_global: bool


class Surface:
    """Base class of the teaching surfaces: the interface the explorers rely on.

    Subclasses set :attr:`ndim`, :attr:`param_names`, :attr:`window`,
    :attr:`default_start`, :attr:`default_lr`, :attr:`minima` and implement
    :meth:`loss` and :meth:`grad`.

    Attributes
    ----------
    ndim : int
        Number of parameters (1 or 2).
    param_names : tuple of str
        Names of the parameters, e.g. ``("theta",)`` or ``("w", "b")``.
    window : tuple of (float, float)
        A suggested plotting range per parameter (one pair per parameter).
    default_start : float or ndarray
        A starting point that gives an instructive first path.
    default_lr : float
        A learning rate that converges from ``default_start``.
    minima : tuple of Minimum
        Every minimum, global first.
    max_stable_lr : float or None
        For quadratic surfaces, the learning rate above which gradient
        descent diverges (None where no single bound exists).

    Examples
    --------
    >>> from mlekit.surfaces import Surface, NonConvex1D
    >>> isinstance(NonConvex1D(), Surface)
    True
    """

    ndim = 1
    param_names: tuple = ("theta",)
    window: tuple = ((-1.0, 1.0),)
    default_start = 0.0
    default_lr = 0.1
    minima: tuple = ()
    max_stable_lr = None

    def loss(self, theta):  # pragma: no cover - abstract
        """The loss :math:`J(\\theta)`; each subclass defines it."""
        raise NotImplementedError

    def grad(self, theta):  # pragma: no cover - abstract
        """The gradient :math:`\\partial J / \\partial \\theta`; each subclass defines it."""
        raise NotImplementedError

    @property
    def global_minimum(self) -> Minimum:
        """The lowest of :attr:`minima`."""
        return next(m for m in self.minima if m.is_global)

    # ----------------------------------------------------------------- helpers
    def _theta(self, theta) -> np.ndarray:
        """Validate θ: any shape for a 1-D surface, shape (..., 2) for a 2-D one."""
        arr = V.as_float_array(theta, "theta", expected="be a number or an array of numbers")
        if self.ndim == 2 and (arr.ndim == 0 or arr.shape[-1] != 2):
            names = ", ".join(self.param_names)
            V.fail("theta", f"have a last axis of length 2 ({names})",
                   f"shape {arr.shape}", f"Pass theta=[{names}], e.g. theta=[1.0, 0.5].")
        return arr


# ================================================================== 1-D surfaces
class Quadratic1D(Surface):
    r"""The convex quadratic :math:`J(\theta) = a(\theta - c)^2`, the simplest loss.

    Parameters
    ----------
    a : float
        Curvature (> 0): :math:`J''(\theta) = 2a`.
    c : float
        Location of the minimum.

    Notes
    -----
    .. math::

        J(\theta) = a(\theta - c)^2, \qquad
        \frac{dJ}{d\theta} = 2a(\theta - c)

    One gradient-descent step multiplies the distance to the minimum by
    :math:`1 - 2a\alpha`: for :math:`\alpha < 1/(2a)` the path creeps in
    from one side, :math:`\alpha = 1/(2a)` jumps to the minimum in one step,
    :math:`1/(2a) < \alpha < 1/a` zig-zags across it while converging,
    :math:`\alpha = 1/a` bounces forever, and :math:`\alpha > 1/a` diverges.
    So :attr:`max_stable_lr` is :math:`1/a`.

    Examples
    --------
    >>> from mlekit.surfaces import Quadratic1D
    >>> J = Quadratic1D(a=1.0, c=2.0)
    >>> float(J.loss(5.0)), float(J.grad(5.0))
    (9.0, 6.0)
    >>> J.global_minimum.theta, J.max_stable_lr
    (2.0, 1.0)
    """

    def __init__(self, a=1.0, c=0.0):
        self.a = float(V.check_positive(V.as_float(a, "a"), "a"))
        self.c = V.as_float(c, "c")
        self.ndim = 1
        self.param_names = ("theta",)
        self.window = ((self.c - 4.0, self.c + 4.0),)
        self.default_start = self.c + 3.0
        self.default_lr = 0.1 / self.a
        self.max_stable_lr = 1.0 / self.a
        self.minima = (Minimum(self.c, 0.0, True),)

    def __repr__(self) -> str:
        return f"Quadratic1D(a={self.a:g}, c={self.c:g})"

    def loss(self, theta):
        r"""Loss :math:`a(\theta - c)^2`, elementwise over any array of θ.

        Examples
        --------
        >>> Quadratic1D(a=2.0).loss([0.0, 1.0, -3.0])
        array([ 0.,  2., 18.])
        """
        th = self._theta(theta)
        with np.errstate(over="ignore"):             # huge θ: +inf, not a warning
            return scalar_or_array(self.a * (th - self.c) ** 2)

    def grad(self, theta):
        r"""Gradient :math:`2a(\theta - c)`, elementwise.

        Examples
        --------
        >>> float(Quadratic1D(a=2.0, c=1.0).grad(3.0))
        8.0
        """
        th = self._theta(theta)
        with np.errstate(over="ignore"):
            return scalar_or_array(2.0 * self.a * (th - self.c))   # d/dθ a(θ − c)²


class NonConvex1D(Surface):
    r"""A non-convex quartic with a global and a local minimum: :math:`\theta^4 - 3\theta^2 + s\theta`.

    Parameters
    ----------
    tilt : float
        The linear coefficient :math:`s`. It tips the symmetric double well
        :math:`\theta^4 - 3\theta^2` so that one well is deeper: for the
        default ``tilt=1`` the global minimum is on the left (θ ≈ −1.30,
        J ≈ −3.51) and a local minimum on the right (θ ≈ 1.13, J ≈ −1.07).
        For :math:`|s| > 2\sqrt{2}` only one minimum is left.

    Notes
    -----
    .. math::

        J(\theta) = \theta^4 - 3\theta^2 + s\,\theta, \qquad
        \frac{dJ}{d\theta} = 4\theta^3 - 6\theta + s, \qquad
        \frac{d^2J}{d\theta^2} = 12\theta^2 - 6

    The critical points are the real roots of the cubic :math:`4\theta^3 -
    6\theta + s`; those with :math:`J'' > 0` are minima. Gradient descent
    with a small step ends in the minimum of the basin it starts in, which
    need not be the global one.

    Examples
    --------
    >>> from mlekit.surfaces import NonConvex1D
    >>> J = NonConvex1D()
    >>> [(round(float(m.theta), 4), round(m.loss, 4), m.is_global) for m in J.minima]
    [(-1.3008, -3.5139, True), (1.1309, -1.0702, False)]
    >>> float(J.grad(0.0))
    1.0
    """

    def __init__(self, tilt=1.0):
        self.tilt = V.as_float(tilt, "tilt")
        self.ndim = 1
        self.param_names = ("theta",)
        self.minima = self._find_minima()
        where = [float(m.theta) for m in self.minima]
        self.window = ((min(-2.2, min(where) - 0.9), max(2.2, max(where) + 0.9)),)
        self.default_start = 2.0
        self.default_lr = 0.02
        self.max_stable_lr = None

    def __repr__(self) -> str:
        return f"NonConvex1D(tilt={self.tilt:g})"

    def _find_minima(self):
        roots = np.roots([4.0, 0.0, -6.0, self.tilt])             # J'(θ) = 0
        real = np.sort(roots[np.abs(roots.imag) <= 1e-9 * (1 + np.abs(roots.real))].real)
        for _ in range(2):                                        # polish: Newton on J'
            real = real - self.grad(real) / self.curvature(real)
        found = [float(r) for r in real if self.curvature(r) > 0]
        losses = [float(self.loss(r)) for r in found]
        best = int(np.argmin(losses))
        order = [best] + [i for i in range(len(found)) if i != best]
        return tuple(Minimum(found[i], losses[i], i == best) for i in order)

    def loss(self, theta):
        r"""Loss :math:`\theta^4 - 3\theta^2 + s\theta`, elementwise over any array of θ.

        Examples
        --------
        >>> NonConvex1D().loss([0.0, 1.0, -1.0])
        array([ 0., -1., -3.])
        """
        th = self._theta(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            # θ²(θ² − 3) + sθ: a huge θ gives +inf, never inf − inf = NaN
            sq = th * th
            return scalar_or_array(sq * (sq - 3.0) + self.tilt * th)

    def grad(self, theta):
        r"""Gradient :math:`4\theta^3 - 6\theta + s`, elementwise.

        Examples
        --------
        >>> NonConvex1D().grad([0.0, 1.0])
        array([ 1., -1.])
        """
        th = self._theta(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            return scalar_or_array(th * (4.0 * th * th - 6.0) + self.tilt)   # 4θ³ − 6θ + s

    def curvature(self, theta):
        r"""Second derivative :math:`12\theta^2 - 6` (positive at a minimum).

        Examples
        --------
        >>> float(NonConvex1D().curvature(1.0))
        6.0
        """
        th = self._theta(theta)
        with np.errstate(over="ignore"):
            return scalar_or_array(12.0 * th * th - 6.0)


# ================================================================== 2-D surfaces
class QuadraticBowl2D(Surface):
    r"""An elongated quadratic bowl :math:`J(\theta) = (\theta - c)^\top A (\theta - c)`.

    Parameters
    ----------
    curvatures : (float, float)
        Eigenvalues :math:`a_1, a_2 > 0` of :math:`A`. Very different values
        make the bowl long and narrow (ill-conditioned): the condition number
        is :math:`\max a / \min a`.
    center : (float, float)
        The minimum :math:`c`.
    angle : float
        Rotation of the bowl's long axis, in degrees (0: axis-aligned).

    Notes
    -----
    With :math:`A = R\,\mathrm{diag}(a_1, a_2)\,R^\top` (:math:`R` the rotation
    by ``angle``),

    .. math::

        J(\theta) = (\theta - c)^\top A\, (\theta - c), \qquad
        \nabla J(\theta) = 2A(\theta - c).

    Along each eigen-direction a gradient step multiplies the distance to the
    minimum by :math:`1 - 2a_i\alpha`. The steep direction forces
    :math:`\alpha < 1/\max a` (:attr:`max_stable_lr`); near that limit it
    flips sign every step (zig-zag), while the shallow direction shrinks
    only by :math:`1 - 2\alpha\min a` per step.

    Examples
    --------
    >>> from mlekit.surfaces import QuadraticBowl2D
    >>> J = QuadraticBowl2D(curvatures=(1.0, 10.0))
    >>> float(J.loss([1.0, 1.0])), J.grad([1.0, 1.0]).tolist()
    (11.0, [2.0, 20.0])
    >>> J.max_stable_lr, J.condition_number
    (0.1, 10.0)
    """

    def __init__(self, curvatures=(1.0, 10.0), center=(0.0, 0.0), angle=0.0):
        a = V.as_float_array(curvatures, "curvatures", ndim=1)
        if a.size != 2:
            V.fail("curvatures", "be two numbers (a1, a2)", V.describe(curvatures),
                   "Pass curvatures=(1.0, 10.0).")
        self.curvatures = tuple(float(v) for v in V.check_positive(a, "curvatures"))
        c = V.as_float_array(center, "center", ndim=1)
        if c.size != 2:
            V.fail("center", "be two numbers (c1, c2)", V.describe(center),
                   "Pass center=(0.0, 0.0).")
        self.center = c.copy()
        self.angle = V.as_float(angle, "angle")
        rad = np.deg2rad(self.angle)
        rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]])
        self.A = rot @ np.diag(self.curvatures) @ rot.T
        self.ndim = 2
        self.param_names = ("theta_1", "theta_2")
        c1, c2 = (float(v) for v in self.center)
        self.window = ((c1 - 5.0, c1 + 5.0), (c2 - 3.0, c2 + 3.0))
        self.default_start = self.center + np.array([-4.5, 2.0])
        self.max_stable_lr = 1.0 / max(self.curvatures)
        self.default_lr = 0.9 * self.max_stable_lr               # close to the limit: zig-zag
        self.minima = (Minimum(self.center.copy(), 0.0, True),)

    def __repr__(self) -> str:
        a1, a2 = self.curvatures
        return (f"QuadraticBowl2D(curvatures=({a1:g}, {a2:g}), "
                f"center=({self.center[0]:g}, {self.center[1]:g}), angle={self.angle:g})")

    @property
    def condition_number(self) -> float:
        """Ratio of the largest to the smallest curvature (1 = a round bowl)."""
        return max(self.curvatures) / min(self.curvatures)

    def loss(self, theta):
        r"""Loss :math:`(\theta - c)^\top A(\theta - c)` for θ of shape ``(..., 2)``.

        Examples
        --------
        >>> QuadraticBowl2D().loss([[0.0, 0.0], [2.0, 0.0]])
        array([0., 4.])
        """
        d = self._theta(theta) - self.center
        with np.errstate(over="ignore", invalid="ignore"):
            return scalar_or_array(np.einsum("...i,ij,...j->...", d, self.A, d))

    def grad(self, theta):
        r"""Gradient :math:`2A(\theta - c)`, shape ``(..., 2)`` like θ.

        Examples
        --------
        >>> QuadraticBowl2D(curvatures=(1.0, 10.0)).grad([0.5, -0.1])
        array([ 1., -2.])
        """
        d = self._theta(theta) - self.center
        with np.errstate(over="ignore", invalid="ignore"):
            return 2.0 * d @ self.A                         # A is symmetric: 2A d


class LineFitMSE(Surface):
    r"""Least-squares loss of a line fit :math:`y = wx + b` on data :math:`(x_i, t_i)`, over θ = (w, b).

    Parameters
    ----------
    x, t : array_like, shape (n,)
        Inputs and targets (n >= 2, and x not all equal, so that the best
        line is unique).

    Notes
    -----
    .. math::

        J(w, b) = \frac{1}{N}\sum_{i=1}^{N} (w x_i + b - t_i)^2, \qquad
        \frac{\partial J}{\partial w} = \frac{2}{N}\sum_i (w x_i + b - t_i)\,x_i, \qquad
        \frac{\partial J}{\partial b} = \frac{2}{N}\sum_i (w x_i + b - t_i)

    :meth:`loss` and :meth:`grad` use the whole data set by default; given a
    batch ``(x_b, t_b)`` they average over it instead, which is exactly the
    ``grad(theta, *batch)`` that :func:`mlekit.optim.sgd` calls (batch,
    minibatch or one-sample gradient descent). The minimum is the
    least-squares line :math:`\hat w = \sum (x_i - \bar x)(t_i - \bar t) /
    \sum (x_i - \bar x)^2`, :math:`\hat b = \bar t - \hat w \bar x`.

    The loss is a quadratic with Hessian :math:`H = \frac{2}{N}\sum_i
    [x_i, 1]^\top [x_i, 1]`, so full-batch descent diverges for
    :math:`\alpha > 2/\lambda_{\max}(H)` (:attr:`max_stable_lr`).

    Examples
    --------
    >>> import numpy as np
    >>> from mlekit.surfaces import LineFitMSE
    >>> J = LineFitMSE([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])       # t = 2x + 1 exactly
    >>> J.global_minimum.theta.tolist(), float(J.loss([2.0, 1.0]))
    ([2.0, 1.0], 0.0)
    >>> J.grad([0.0, 0.0]).tolist()                           # full data
    [-8.666666666666666, -6.0]
    >>> J.grad([0.0, 0.0], [2.0], [5.0]).tolist()             # one sample
    [-20.0, -10.0]
    """

    def __init__(self, x, t):
        self.x, self.t = _line_data(x, t)
        best = np.array(_least_squares(self.x, self.t))
        self.ndim = 2
        self.param_names = ("w", "b")
        self.hessian = 2.0 * np.array([[np.mean(self.x ** 2), np.mean(self.x)],
                                       [np.mean(self.x), 1.0]])
        self.max_stable_lr = 2.0 / float(np.linalg.eigvalsh(self.hessian)[-1])
        self.minima = (Minimum(best, float(self.loss(best)), True),)
        self.default_lr = float(f"{0.5 * self.max_stable_lr:.1g}")
        self.window, self.default_start = self._frame(best)

    def __repr__(self) -> str:
        return f"LineFitMSE(n={self.x.size})"

    @property
    def data(self):
        """The training set as a tuple ``(x, t)`` (copies), ready for ``sgd(..., data)``."""
        return self.x.copy(), self.t.copy()

    @property
    def least_squares(self) -> tuple:
        r"""The least-squares line ``(w_hat, b_hat)``: the global minimum, as two floats.

        Examples
        --------
        >>> LineFitMSE([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]).least_squares
        (2.0, 1.0)
        """
        w, b = self.global_minimum.theta
        return float(w), float(b)

    def best_slope(self, b):
        r"""The slope minimising :math:`J(w, b)` with the intercept held at *b*: :math:`w^*(b)`.

        Setting :math:`\partial J/\partial w = \frac{2}{N}\sum_i (w x_i + b - t_i) x_i`
        to zero gives

        .. math:: w^*(b) = \frac{\sum_i x_i (t_i - b)}{\sum_i x_i^2}.

        Only at the least-squares intercept :math:`\hat b` is it the
        least-squares slope :math:`\hat w`. Vectorised over *b*.

        Examples
        --------
        >>> J = LineFitMSE([1.0, 2.0], [3.0, 5.0])            # t = 2x + 1
        >>> float(J.best_slope(1.0)), float(J.best_slope(0.0))
        (2.0, 2.6)
        """
        b = V.as_float_array(b, "b")
        sxx = float(self.x @ self.x)                          # > 0: x has two distinct values
        return scalar_or_array((self.x @ self.t - b * self.x.sum()) / sxx)

    def _frame(self, best):
        # The window is the bounding box of the sublevel set {J <= J* + delta}, an
        # ellipse around the least-squares line, with delta = 1.5 var(t): the flat line
        # at the mean target, (w, b) = (0, mean t), has J - J* <= var(t), so it is inside.
        # The default start sits up the long valley of the ellipse, where full-batch
        # descent first drops into the valley and then creeps along it.
        delta = 1.5 * max(float(np.var(self.t)), 1e-12)
        inv = np.linalg.inv(self.hessian / 2.0)                 # J - J* = d^T (H/2) d
        half = np.sqrt(delta * np.diag(inv))
        window = tuple((float(c - h), float(c + h)) for c, h in zip(best, half))
        side = -1.0 if np.mean(self.x) >= 0 else 1.0            # the valley runs along b = -x̄ w
        start = np.round(best + 0.7 * np.array([side * half[0], half[1]]), 1)
        return window, start

    @staticmethod
    def _batch(x, t, name_x="x", name_t="t"):
        xa = V.as_float_array(x, name_x, ndim=(0, 1))
        ta = V.as_float_array(t, name_t, ndim=(0, 1))
        xa, ta = np.atleast_1d(xa), np.atleast_1d(ta)
        V.check_same_shape(xa, ta, name_x, name_t)
        return xa, ta

    def _args(self, x, t):
        if x is None and t is None:
            return self.x, self.t
        if x is None or t is None:
            V.fail("x and t", "be given together (a batch) or both left out (all data)",
                   "only " + ("t" if x is None else "x"), "Pass loss(theta, x_b, t_b).",
                   TypeError)
        return self._batch(x, t)

    def residuals(self, theta, x=None, t=None):
        r"""Residuals :math:`w x_i + b - t_i`, shape ``(..., n)`` for θ of shape ``(..., 2)``.

        Examples
        --------
        >>> LineFitMSE([0.0, 1.0], [1.0, 1.0]).residuals([1.0, 0.0]).tolist()
        [-1.0, 0.0]
        """
        th = self._theta(theta)
        x, t = self._args(x, t)
        with np.errstate(over="ignore", invalid="ignore"):
            return th[..., :1] * x + th[..., 1:] - t              # y_hat - t, broadcast over θ

    def loss(self, theta, x=None, t=None):
        r"""MSE :math:`\frac{1}{N}\sum (w x_i + b - t_i)^2` over all data or a batch ``(x, t)``.

        Examples
        --------
        >>> J = LineFitMSE([0.0, 1.0], [1.0, 1.0])
        >>> float(J.loss([0.0, 0.0])), J.loss([[0.0, 1.0], [1.0, 1.0]]).tolist()
        (1.0, [0.0, 0.5])
        """
        r = self.residuals(theta, x, t)
        with np.errstate(over="ignore", invalid="ignore"):
            return scalar_or_array(np.mean(r * r, axis=-1))

    def grad(self, theta, x=None, t=None):
        r"""Gradient :math:`(\partial J/\partial w, \partial J/\partial b)` over all data or a batch.

        Examples
        --------
        >>> LineFitMSE([0.0, 1.0], [1.0, 1.0]).grad([0.0, 0.0]).tolist()
        [-1.0, -2.0]
        """
        th = self._theta(theta)
        x, t = self._args(x, t)
        with np.errstate(over="ignore", invalid="ignore"):
            r = th[..., :1] * x + th[..., 1:] - t
            dw = 2.0 * np.mean(r * x, axis=-1)                    # (2/N) Σ r_i x_i
            db = 2.0 * np.mean(r, axis=-1)                        # (2/N) Σ r_i
        return np.stack([dw, db], axis=-1)


def _line_data(x, t):
    """Validated inputs and targets of a line fit: same shape, n >= 2, x not all equal."""
    x, t = LineFitMSE._batch(x, t, "x", "t")
    if x.size < 2:
        V.fail("x", "hold at least 2 samples", f"{x.size}",
               "A line has two parameters; pass two or more points.")
    xc = x - x.mean()
    if float(xc @ xc) <= 1e-12 * max(1.0, float(x @ x)):
        V.fail("x", "contain at least two different values", V.describe(float(x[0])) +
               " everywhere", "With a single x value every slope fits equally well; "
               "pass inputs that vary.")
    return x, t


def _least_squares(x, t):
    xc = x - x.mean()
    w = float(xc @ (t - t.mean())) / float(xc @ xc)          # least squares, closed form
    return w, float(t.mean() - w * x.mean())


def least_squares_line(x, t):
    r"""The least-squares line through ``(x_i, t_i)``: the slope and intercept minimising the MSE.

    Parameters
    ----------
    x, t : array_like, shape (n,)
        Inputs and targets (n >= 2, x not all equal).

    Returns
    -------
    (w_hat, b_hat) : tuple of float

    Notes
    -----
    .. math::

        \hat w = rac{\sum_i (x_i - ar x)(t_i - ar t)}{\sum_i (x_i - ar x)^2},
        \qquad \hat b = ar t - \hat w ar x

    It is also the maximum-likelihood line of the Gaussian model
    :math:`t_i \sim \mathcal N(w x_i + b, \sigma^2)` for any fixed :math:`\sigma`,
    and the minimum of :class:`LineFitMSE`.

    Examples
    --------
    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    >>> [round(v, 6) for v in least_squares_line([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.0, 5.0])]
    [1.2, 0.7]
    """
    w, b = _least_squares(*_line_data(x, t))
    return w, b
