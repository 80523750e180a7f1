r"""Teaching loss surfaces (손실 함수) with their gradients, for gradient descent.

Six small problems on which :func:`mlekit.optim.gradient_descent` and
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
:class:`Rosenbrock`           Rosenbrock's curved "banana" valley: easy to find,
                              slow to follow to the minimum at :math:`(a, a^2)`.
:class:`TwoMinima2D`          a tilted double well: a deep and a shallow minimum
                              with a saddle point (안장점) between them.
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
Every surface also has ``hessian(theta)``, the matrix of second derivatives
(헤세 행렬) that :func:`mlekit.optim.newton` uses: a float per θ for a 1-D
surface, shape ``(..., 2, 2)`` for a 2-D one.

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

__all__ = ["Minimum", "Saddle", "Surface", "Quadratic1D", "NonConvex1D", "QuadraticBowl2D",
           "Rosenbrock", "TwoMinima2D", "LineFitMSE", "least_squares_line"]


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
    :meth:`loss`, :meth:`grad` and ``hessian(theta)`` (the second derivatives,
    for :func:`mlekit.optim.newton`; a surface without it offers only
    first-order methods).

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

    def hessian(self, theta):
        r"""Second derivative :math:`J''(\theta) = 2a`, the same everywhere (shaped like θ).

        Examples
        --------
        >>> float(Quadratic1D(a=2.0).hessian(3.0))
        4.0
        """
        th = self._theta(theta)
        return scalar_or_array(np.full_like(th, 2.0 * self.a))


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

    def hessian(self, theta):
        r"""The second derivative :math:`12\theta^2 - 6` (:meth:`curvature`), for Newton's method.

        Examples
        --------
        >>> float(NonConvex1D().hessian(0.0))          # negative: a hilltop, not a valley
        -6.0
        """
        return self.curvature(theta)


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

    def hessian(self, theta):
        r"""Hessian :math:`2A`, the same everywhere; shape ``(..., 2, 2)`` for θ of shape ``(..., 2)``.

        Examples
        --------
        >>> QuadraticBowl2D(curvatures=(1.0, 10.0)).hessian([3.0, -1.0]).tolist()
        [[2.0, 0.0], [0.0, 20.0]]
        """
        th = self._theta(theta)
        return np.broadcast_to(2.0 * self.A, th.shape[:-1] + (2, 2)).copy()


class Rosenbrock(Surface):
    r"""Rosenbrock's valley :math:`J(\theta) = (a - \theta_1)^2 + b(\theta_2 - \theta_1^2)^2`.

    Parameters
    ----------
    a : float
        Where the minimum is: :math:`\theta^* = (a, a^2)`, with :math:`J = 0`.
    b : float
        Steepness of the valley walls (> 0); the classic test problem
        (Rosenbrock 1960) uses ``a=1, b=100``.

    Notes
    -----
    .. math::

        \nabla J(\theta) = \begin{pmatrix} -2(a - \theta_1) - 4b\,\theta_1(\theta_2 - \theta_1^2) \\
                                            2b(\theta_2 - \theta_1^2) \end{pmatrix}, \qquad
        H(\theta) = \begin{pmatrix} 2 - 4b\,\theta_2 + 12b\,\theta_1^2 & -4b\,\theta_1 \\
                                    -4b\,\theta_1 & 2b \end{pmatrix}.

    The floor of the valley is the parabola :math:`\theta_2 = \theta_1^2`. Across
    it the curvature is about :math:`2b(1 + 4\theta_1^2)`; along it only about 2
    near the minimum. So plain gradient descent, whose step is capped by the
    steep walls, reaches the floor in a few steps and then crawls along the
    bend. There is no single stable learning rate (:attr:`max_stable_lr` is
    None): the walls get steeper away from the minimum.

    Examples
    --------
    >>> from mlekit.surfaces import Rosenbrock
    >>> J = Rosenbrock()
    >>> float(J.loss([1.0, 1.0])), J.grad([1.0, 1.0]).tolist()
    (0.0, [0.0, 0.0])
    >>> float(J.loss([0.0, 0.0])), J.grad([0.0, 0.0]).tolist()
    (1.0, [-2.0, 0.0])
    >>> J.hessian([1.0, 1.0]).tolist()
    [[802.0, -400.0], [-400.0, 200.0]]
    """

    def __init__(self, a=1.0, b=100.0):
        self.a = V.as_float(a, "a")
        self.b = float(V.check_positive(V.as_float(b, "b"), "b"))
        self.ndim = 2
        self.param_names = ("theta_1", "theta_2")
        m = max(1.0, abs(self.a))                      # the frame grows with the minimum
        side = -1.0 if self.a >= 0 else 1.0            # start on the far arm of the banana
        self.window = ((-2.0 * m, 2.0 * m), (-1.0 * m * m, 3.0 * m * m))
        self.default_start = np.array([1.2 * side * m, 1.0 * m * m])   # Rosenbrock's (-1.2, 1)
        self.default_lr = float(f"{0.2 / (self.b * m * m):.1g}")
        self.max_stable_lr = None
        best = np.array([self.a, self.a * self.a])
        self.minima = (Minimum(best, 0.0, True),)

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"

    def loss(self, theta):
        r"""Loss :math:`(a - \theta_1)^2 + b(\theta_2 - \theta_1^2)^2` for θ of shape ``(..., 2)``.

        Examples
        --------
        >>> Rosenbrock().loss([[1.0, 1.0], [-1.0, 1.0], [0.0, 1.0]])
        array([  0.,   4., 101.])
        """
        th = self._theta(theta)
        x, y = th[..., 0], th[..., 1]
        with np.errstate(over="ignore", invalid="ignore"):
            # both terms are >= 0: a huge θ gives +inf, never inf − inf = NaN
            return scalar_or_array((self.a - x) ** 2 + self.b * (y - x * x) ** 2)

    def grad(self, theta):
        r"""Gradient :math:`(-2(a - \theta_1) - 4b\theta_1(\theta_2 - \theta_1^2),\ 2b(\theta_2 - \theta_1^2))`.

        Examples
        --------
        >>> Rosenbrock().grad([-1.0, 1.0]).tolist()
        [-4.0, 0.0]
        """
        th = self._theta(theta)
        x, y = th[..., 0], th[..., 1]
        with np.errstate(over="ignore", invalid="ignore"):
            r = y - x * x                                      # height above the valley floor
            return np.stack([-2.0 * (self.a - x) - 4.0 * self.b * x * r, 2.0 * self.b * r],
                            axis=-1)

    def hessian(self, theta):
        r"""Hessian (second derivatives), shape ``(..., 2, 2)`` for θ of shape ``(..., 2)``.

        Examples
        --------
        >>> Rosenbrock().hessian([0.0, 0.0]).tolist()
        [[2.0, 0.0], [0.0, 200.0]]
        """
        th = self._theta(theta)
        x, y = th[..., 0], th[..., 1]
        with np.errstate(over="ignore", invalid="ignore"):
            hxx = 2.0 - 4.0 * self.b * y + 12.0 * self.b * x * x
            hxy = -4.0 * self.b * x
            hyy = np.full_like(x, 2.0 * self.b)
        return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)


class Saddle(NamedTuple):
    """A saddle point (안장점) of a surface: the gradient is zero, but it is no minimum.

    Attributes
    ----------
    theta : ndarray of shape (2,)
        Where it is.
    loss : float
        :math:`J(\\theta)` there: the lowest pass between two basins.

    Examples
    --------
    >>> s = Saddle(theta=np.array([0.0, 0.0]), loss=1.0)
    >>> s.theta.tolist(), s.loss
    ([0.0, 0.0], 1.0)
    """

    theta: np.ndarray
    loss: float


class TwoMinima2D(Surface):
    r"""A tilted double well in 2-D: a deep and a shallow minimum with a saddle between them.

    .. math:: J(\theta) = (\theta_1^2 - 1)^2 + s\,\theta_1 + k\,\big(\theta_2 - \tfrac12\theta_1\big)^2

    Parameters
    ----------
    tilt : float
        :math:`s`: tips the double well :math:`(\theta_1^2 - 1)^2` so that the
        left well is deeper (for ``s > 0``). Two minima exist for
        :math:`|s| < 8/(3\sqrt 3) \approx 1.54`.
    stiffness : float
        :math:`k > 0`: how steep the walls across the wells are. The wells
        lie along the line :math:`\theta_2 = \theta_1 / 2`, so the valley runs
        diagonally across the picture.

    Notes
    -----
    .. math::

        \nabla J = \begin{pmatrix} 4\theta_1(\theta_1^2 - 1) + s - k(\theta_2 - \theta_1/2) \\
                                   2k(\theta_2 - \theta_1/2) \end{pmatrix}, \qquad
        H = \begin{pmatrix} 12\theta_1^2 - 4 + k/2 & -k \\ -k & 2k \end{pmatrix}.

    :math:`\partial J/\partial\theta_2 = 0` puts every critical point on the
    line :math:`\theta_2 = \theta_1/2`; there :math:`\partial J/\partial\theta_1
    = 4\theta_1^3 - 4\theta_1 + s`, whose real roots are found numerically
    (:func:`numpy.roots`, then polished by Newton steps). The outer two are
    minima (:attr:`minima`, global first); the middle one is a saddle point
    (:attr:`saddle`): the lowest pass between the basins, a maximum along the
    valley and a minimum across it. For the default ``tilt=0.5,
    stiffness=1``: the global minimum is at about (−1.06, −0.53) with
    J ≈ −0.51, the local one at about (0.93, 0.47) with J ≈ 0.48, and the
    saddle at about (0.13, 0.06) with J ≈ 1.03.

    Examples
    --------
    >>> from mlekit.surfaces import TwoMinima2D
    >>> J = TwoMinima2D()
    >>> [(m.theta.round(4).tolist(), round(m.loss, 4), m.is_global) for m in J.minima]
    [([-1.0575, -0.5287], -0.5148, True), ([0.9304, 0.4652], 0.4833, False)]
    >>> J.saddle.theta.round(4).tolist(), round(J.saddle.loss, 4)
    ([0.1271, 0.0635], 1.0315)
    """

    def __init__(self, tilt=0.5, stiffness=1.0):
        self.tilt = V.as_float(tilt, "tilt")
        if not abs(self.tilt) < 8.0 / (3.0 * np.sqrt(3.0)):
            V.fail("tilt", "lie strictly between -1.54 and 1.54 (two minima need it)",
                   f"{self.tilt:g}", "Use a small tilt such as tilt=0.5.")
        self.stiffness = float(V.check_positive(V.as_float(stiffness, "stiffness"), "stiffness"))
        self.ndim = 2
        self.param_names = ("theta_1", "theta_2")
        self.minima, self.saddle = self._critical_points()
        self.window = ((-2.0, 2.0), (-1.5, 1.5))
        local = [m for m in self.minima if not m.is_global][0]
        # start beyond the shallow well, up its outer wall: plain descent settles there
        self.default_start = np.array([1.8 if local.theta[0] > 0 else -1.8, -1.0])
        self.default_lr = 0.02
        self.max_stable_lr = None

    def __repr__(self) -> str:
        return f"TwoMinima2D(tilt={self.tilt:g}, stiffness={self.stiffness:g})"

    def _critical_points(self):
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])              # dJ/dθ1 on θ2 = θ1/2
        x = np.sort(roots.real[np.abs(roots.imag) <= 1e-9])
        for _ in range(3):                                        # polish: Newton on the cubic
            x = x - (4.0 * x ** 3 - 4.0 * x + self.tilt) / (12.0 * x * x - 4.0)
        points = [np.array([v, 0.5 * v]) for v in x]
        losses = [float(self.loss(p)) for p in points]
        best = 0 if losses[0] <= losses[2] else 2
        other = 2 - best
        minima = (Minimum(points[best], losses[best], True),
                  Minimum(points[other], losses[other], False))
        return minima, Saddle(points[1], losses[1])

    def loss(self, theta):
        r"""Loss :math:`(\theta_1^2 - 1)^2 + s\theta_1 + k(\theta_2 - \theta_1/2)^2`, θ of shape ``(..., 2)``.

        Examples
        --------
        >>> TwoMinima2D().loss([[1.0, 0.5], [0.0, 0.0]])
        array([0.5, 1. ])
        """
        th = self._theta(theta)
        x, y = th[..., 0], th[..., 1]
        with np.errstate(over="ignore", invalid="ignore"):
            sq = x * x - 1.0
            across = y - 0.5 * x
            # (θ1² − 1)² dominates s θ1 for a huge θ: +inf, never inf − inf = NaN
            return scalar_or_array(np.where(np.isinf(sq), np.inf, sq * sq + self.tilt * x)
                                   + self.stiffness * across * across)

    def grad(self, theta):
        r"""Gradient :math:`(4\theta_1(\theta_1^2 - 1) + s - k(\theta_2 - \theta_1/2),\ 2k(\theta_2 - \theta_1/2))`.

        Examples
        --------
        >>> TwoMinima2D().grad([0.0, 0.0]).tolist()
        [0.5, 0.0]
        """
        th = self._theta(theta)
        x, y = th[..., 0], th[..., 1]
        with np.errstate(over="ignore", invalid="ignore"):
            across = y - 0.5 * x
            return np.stack([4.0 * x * (x * x - 1.0) + self.tilt - self.stiffness * across,
                             2.0 * self.stiffness * across], axis=-1)

    def hessian(self, theta):
        r"""Hessian :math:`\begin{pmatrix} 12\theta_1^2 - 4 + k/2 & -k \\ -k & 2k \end{pmatrix}`, shape ``(..., 2, 2)``.

        Examples
        --------
        >>> TwoMinima2D().hessian([0.0, 0.0]).tolist()      # negative along θ1: a hilltop there
        [[-3.5, -1.0], [-1.0, 2.0]]
        """
        th = self._theta(theta)
        x = th[..., 0]
        k = self.stiffness
        with np.errstate(over="ignore", invalid="ignore"):
            hxx = 12.0 * x * x - 4.0 + 0.5 * k
        hxy = np.full_like(x, -k)
        hyy = np.full_like(x, 2.0 * k)
        return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)


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
    [x_i, 1]^\top [x_i, 1]` (:meth:`hessian`), so full-batch descent diverges for
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
        self._H = 2.0 * np.array([[np.mean(self.x ** 2), np.mean(self.x)],
                                  [np.mean(self.x), 1.0]])
        self.max_stable_lr = 2.0 / float(np.linalg.eigvalsh(self._H)[-1])
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
        inv = np.linalg.inv(self._H / 2.0)                      # J - J* = d^T (H/2) d
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

    def hessian(self, theta):
        r"""Hessian :math:`\frac{2}{N}\sum_i [x_i, 1]^\top [x_i, 1]`, the same everywhere; shape ``(..., 2, 2)``.

        Examples
        --------
        >>> LineFitMSE([0.0, 1.0], [1.0, 1.0]).hessian([5.0, -2.0]).tolist()
        [[1.0, 1.0], [1.0, 2.0]]
        """
        th = self._theta(theta)
        return np.broadcast_to(self._H, th.shape[:-1] + (2, 2)).copy()

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
