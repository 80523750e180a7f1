"""Tests of mlekit.surfaces against independent references.

* gradients against central finite differences written here (not mk.gradcheck),
* minima against brute force on a fine grid,
* the line fit against ``np.linalg.lstsq`` and ``mlekit.losses.mse``,
* the stable learning-rate limits against actual gradient-descent runs.
"""

from __future__ import annotations

import numpy as np
import pytest

import mlekit as mk
from mlekit.optim import gradient_descent, sgd
from mlekit.surfaces import (LineFitMSE, Minimum, NonConvex1D, Quadratic1D, QuadraticBowl2D,
                             Surface)

X, T = mk.datasets.toy_regression()

SURFACES_1D = [Quadratic1D(), Quadratic1D(a=2.5, c=-1.0), NonConvex1D(), NonConvex1D(tilt=-0.4),
               NonConvex1D(tilt=4.0)]
SURFACES_2D = [QuadraticBowl2D(), QuadraticBowl2D(curvatures=(3.0, 0.5), center=(1.0, -2.0),
                                                  angle=30.0),
               LineFitMSE(X, T), LineFitMSE([0.0, 1.0, 3.0], [2.0, -1.0, 0.5]),
               LineFitMSE(X - 6.0, -T)]                           # mean x < 0: valley turns


def central_diff_1d(f, theta, h=1e-5):
    return (f(theta + h) - f(theta - h)) / (2 * h)


def central_diff_2d(f, theta, h=1e-6):
    theta = np.asarray(theta, float)
    out = np.empty(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        out[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


def grid_minima_1d(f, lo, hi, n=2_000_001):
    """Brute force: grid points lower than both neighbours."""
    grid = np.linspace(lo, hi, n)
    v = f(grid)
    inner = (v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])
    return grid[1:-1][inner], v[1:-1][inner]


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("surface", SURFACES_1D, ids=repr)
def test_1d_gradient_matches_central_differences(surface):
    thetas = np.linspace(*surface.window[0], 23)
    numeric = central_diff_1d(surface.loss, thetas)
    np.testing.assert_allclose(surface.grad(thetas), numeric, rtol=1e-6, atol=1e-6)
    # scalar in, scalar out
    assert np.ndim(surface.grad(0.3)) == 0 and np.ndim(surface.loss(0.3)) == 0


@pytest.mark.parametrize("surface", SURFACES_2D, ids=repr)
def test_2d_gradient_matches_central_differences(surface):
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = surface.window
    for theta in np.c_[rng.uniform(x0, x1, 8), rng.uniform(y0, y1, 8)]:
        np.testing.assert_allclose(surface.grad(theta), central_diff_2d(surface.loss, theta),
                                   rtol=1e-6, atol=1e-5)


def test_nonconvex_curvature_matches_differences_of_the_gradient():
    J = NonConvex1D()
    th = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(J.curvature(th), central_diff_1d(J.grad, th), rtol=1e-6,
                               atol=1e-6)


def test_line_fit_batch_gradient_matches_central_differences_and_averages_to_the_full_one():
    J = LineFitMSE(X, T)
    theta = np.array([0.7, -1.3])
    xb, tb = X[[3, 8, 20]], T[[3, 8, 20]]
    numeric = central_diff_2d(lambda th: J.loss(th, xb, tb), theta)
    np.testing.assert_allclose(J.grad(theta, xb, tb), numeric, rtol=1e-6)
    per_sample = np.array([J.grad(theta, X[i:i + 1], T[i:i + 1]) for i in range(X.size)])
    np.testing.assert_allclose(per_sample.mean(axis=0), J.grad(theta), rtol=1e-12)


@pytest.mark.parametrize("surface", SURFACES_2D, ids=repr)
def test_2d_loss_and_grad_are_vectorised_over_a_grid(surface):
    (x0, x1), (y0, y1) = surface.window
    gx, gy = np.meshgrid(np.linspace(x0, x1, 5), np.linspace(y0, y1, 4))
    stack = np.stack([gx, gy], axis=-1)
    loss, grad = surface.loss(stack), surface.grad(stack)
    assert loss.shape == (4, 5) and grad.shape == (4, 5, 2)
    for i in range(4):
        for j in range(5):
            assert loss[i, j] == pytest.approx(float(surface.loss(stack[i, j])), rel=1e-12)
            np.testing.assert_allclose(grad[i, j], surface.grad(stack[i, j]), rtol=1e-12)


# ------------------------------------------------------------------ minima
@pytest.mark.parametrize("surface", SURFACES_1D, ids=repr)
def test_1d_minima_match_brute_force_on_a_fine_grid(surface):
    lo, hi = surface.window[0]
    where, values = grid_minima_1d(surface.loss, lo - 1, hi + 1)
    assert len(surface.minima) == len(where)
    found = sorted(surface.minima, key=lambda m: m.theta)
    np.testing.assert_allclose([m.theta for m in found], where, atol=1e-5)
    np.testing.assert_allclose([m.loss for m in found], values, atol=1e-9)
    assert surface.minima[0].is_global and surface.global_minimum is surface.minima[0]
    assert surface.global_minimum.loss == pytest.approx(values.min(), abs=1e-9)
    assert sum(m.is_global for m in surface.minima) == 1


def test_nonconvex_default_has_a_global_minimum_left_and_a_local_one_right():
    J = NonConvex1D()
    (g, local) = J.minima
    assert g.is_global and not local.is_global
    assert g.theta == pytest.approx(-1.3008, abs=1e-4) and g.loss == pytest.approx(-3.5139, abs=1e-4)
    assert local.theta == pytest.approx(1.1309, abs=1e-4) and local.loss > g.loss
    assert abs(float(J.grad(g.theta))) < 1e-12 and J.curvature(g.theta) > 0
    assert len(NonConvex1D(tilt=4.0).minima) == 1              # |s| > 2√2: one well left


@pytest.mark.parametrize("surface", SURFACES_2D[:2], ids=repr)
def test_bowl_minimum_matches_brute_force_on_a_grid(surface):
    (x0, x1), (y0, y1) = surface.window
    gx, gy = np.meshgrid(np.linspace(x0, x1, 1001), np.linspace(y0, y1, 601))
    values = surface.loss(np.stack([gx, gy], axis=-1))
    i = np.unravel_index(np.argmin(values), values.shape)
    np.testing.assert_allclose([gx[i], gy[i]], surface.global_minimum.theta, atol=0.011)
    assert surface.global_minimum.loss == 0.0 and values.min() >= 0.0


def test_line_fit_minimum_is_np_linalg_lstsq_and_its_loss_is_the_mse():
    J = LineFitMSE(X, T)
    design = np.c_[X, np.ones_like(X)]
    expected, *_ = np.linalg.lstsq(design, T, rcond=None)
    np.testing.assert_allclose(J.global_minimum.theta, expected, rtol=1e-10)
    np.testing.assert_allclose(J.grad(expected), [0.0, 0.0], atol=1e-10)
    w, b = 1.7, 0.4
    assert float(J.loss([w, b])) == pytest.approx(float(mk.losses.mse(T, w * X + b)), rel=1e-12)
    assert J.global_minimum.loss == pytest.approx(float(mk.losses.mse(T, design @ expected)))


def test_bowl_rotation_turns_the_long_axis():
    J = QuadraticBowl2D(curvatures=(1.0, 10.0), angle=90.0)      # now steep along θ1
    assert float(J.loss([1.0, 0.0])) == pytest.approx(10.0)
    assert float(J.loss([0.0, 1.0])) == pytest.approx(1.0)
    assert J.condition_number == 10.0


# ------------------------------------------------- learning-rate limits (GD runs)
@pytest.mark.parametrize("surface", [Quadratic1D(a=2.0, c=1.0), QuadraticBowl2D(),
                                     LineFitMSE(X, T)], ids=repr)
def test_max_stable_lr_separates_converging_from_diverging_runs(surface):
    start = surface.default_start
    ok = gradient_descent(surface.grad, start, 0.97 * surface.max_stable_lr, 3000,
                          loss=surface.loss)
    bad = gradient_descent(surface.grad, start, 1.03 * surface.max_stable_lr, 3000,
                           loss=surface.loss)
    best = surface.global_minimum.theta
    assert not ok.diverged and np.allclose(ok.final, best, atol=1e-6)
    assert bad.diverged


def test_quadratic_one_step_at_half_the_limit_lands_on_the_minimum():
    J = Quadratic1D(a=4.0, c=-2.0)
    traj = gradient_descent(J.grad, 5.0, 1 / (2 * J.a), 1, loss=J.loss)
    assert traj.final == pytest.approx(-2.0)


def test_line_fit_grad_works_as_the_sgd_batch_gradient():
    J = LineFitMSE(X, T)
    traj = sgd(J.grad, J.default_start, J.data, lr=0.02, epochs=200, batch_size=5, rng=0,
               loss=J.loss)
    assert not traj.diverged
    assert np.linalg.norm(traj.final - J.global_minimum.theta) < 0.3
    assert traj.losses[0] == pytest.approx(float(J.loss(J.default_start)))


# ----------------------------------------------------- windows and defaults
@pytest.mark.parametrize("surface", SURFACES_1D + SURFACES_2D, ids=repr)
def test_window_frames_the_minima_and_the_default_start(surface):
    assert isinstance(surface, Surface) and len(surface.window) == surface.ndim
    for m in surface.minima:
        assert isinstance(m, Minimum)
        for (lo, hi), v in zip(surface.window, np.atleast_1d(m.theta)):
            assert lo < v < hi
    for (lo, hi), v in zip(surface.window, np.atleast_1d(surface.default_start)):
        assert lo <= v <= hi
    traj = gradient_descent(surface.grad, surface.default_start, surface.default_lr, 50,
                            loss=surface.loss)
    assert not traj.diverged and traj.losses[-1] < traj.losses[0]


def test_line_fit_window_holds_the_flat_line_at_the_mean():
    J = LineFitMSE(X, T)
    (w0, w1), (b0, b1) = J.window
    assert w0 < 0.0 < w1 and b0 < T.mean() < b1


# ----------------------------------------------------- edges and bad input
def test_huge_theta_gives_inf_not_nan_and_no_warning():
    # pytest turns warnings into errors, so an overflow warning would fail here
    assert NonConvex1D().loss(1e200) == np.inf
    assert NonConvex1D().grad(-1e200) == -np.inf
    assert Quadratic1D().loss(1e300) == np.inf
    assert QuadraticBowl2D().loss([1e300, 0.0]) == np.inf


@pytest.mark.parametrize("make, match", [
    (lambda: Quadratic1D(a=0.0), "a must be > 0"),
    (lambda: Quadratic1D(c="x"), "c must be a number"),
    (lambda: QuadraticBowl2D(curvatures=(1.0, 2.0, 3.0)), "curvatures must be two numbers"),
    (lambda: QuadraticBowl2D(curvatures=(1.0, -2.0)), "curvatures must be > 0"),
    (lambda: QuadraticBowl2D(center=(0.0,)), "center must be two numbers"),
    (lambda: LineFitMSE([1.0, 1.0, 1.0], [0.0, 1.0, 2.0]), "at least two different values"),
    (lambda: LineFitMSE([1.0], [0.0]), "at least 2 samples"),
    (lambda: LineFitMSE([1.0, 2.0], [0.0, 1.0, 2.0]), "x and t must have the same shape"),
    (lambda: LineFitMSE([1.0, np.nan], [0.0, 1.0]), "x must contain only finite numbers"),
    (lambda: QuadraticBowl2D().loss([1.0, 2.0, 3.0]), r"theta must have a last axis of length 2"),
    (lambda: LineFitMSE(X, T).grad(1.0), r"theta must have a last axis of length 2 \(w, b\)"),
    (lambda: Quadratic1D().grad(None), "theta must be a number"),
])
def test_bad_input_raises_a_clear_error(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_line_fit_batch_needs_both_x_and_t():
    with pytest.raises(TypeError, match="x and t must be given together"):
        LineFitMSE(X, T).loss([1.0, 0.0], X)


def test_reprs_name_the_parameters():
    assert repr(Quadratic1D(a=2.0, c=1.0)) == "Quadratic1D(a=2, c=1)"
    assert repr(NonConvex1D()) == "NonConvex1D(tilt=1)"
    assert "curvatures=(1, 10)" in repr(QuadraticBowl2D())
    assert repr(LineFitMSE(X, T)) == "LineFitMSE(n=30)"


# ============================================ Rosenbrock, TwoMinima2D and Hessians
from scipy.optimize import minimize                                   # noqa: E402 (tests only)

from mlekit.gradcheck import numerical_gradient                       # noqa: E402
from mlekit.surfaces import Rosenbrock, Saddle, TwoMinima2D           # noqa: E402

NEW_2D = [Rosenbrock(), Rosenbrock(a=-0.5, b=20.0), Rosenbrock(a=2.0, b=5.0), TwoMinima2D(),
          TwoMinima2D(tilt=-0.8, stiffness=3.0), TwoMinima2D(tilt=0.2, stiffness=0.4)]
ALL_SURFACES = SURFACES_1D + SURFACES_2D + NEW_2D


def _points(surface, n=8, seed=3):
    """n random points inside the surface's window (floats for a 1-D surface)."""
    rng = np.random.default_rng(seed)
    cols = [rng.uniform(lo, hi, n) for lo, hi in surface.window]
    return cols[0] if surface.ndim == 1 else np.c_[cols[0], cols[1]]


@pytest.mark.parametrize("surface", NEW_2D, ids=repr)
def test_new_surfaces_gradients_match_mk_gradcheck(surface):
    for theta in _points(surface):
        numeric = numerical_gradient(lambda th: float(surface.loss(th)), theta)
        np.testing.assert_allclose(surface.grad(theta), numeric, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("surface", NEW_2D, ids=repr)
def test_new_surfaces_gradients_match_central_differences_and_vectorise(surface):
    (x0, x1), (y0, y1) = surface.window
    gx, gy = np.meshgrid(np.linspace(x0, x1, 5), np.linspace(y0, y1, 4))
    stack = np.stack([gx, gy], axis=-1)
    loss, grad, hess = surface.loss(stack), surface.grad(stack), surface.hessian(stack)
    assert loss.shape == (4, 5) and grad.shape == (4, 5, 2) and hess.shape == (4, 5, 2, 2)
    for i in range(4):
        for j in range(5):
            theta = stack[i, j]
            assert loss[i, j] == pytest.approx(float(surface.loss(theta)), rel=1e-12)
            np.testing.assert_allclose(grad[i, j], central_diff_2d(surface.loss, theta),
                                       rtol=1e-6, atol=1e-4)
            np.testing.assert_allclose(hess[i, j], surface.hessian(theta), rtol=1e-12)


@pytest.mark.parametrize("surface", ALL_SURFACES, ids=repr)
def test_hessian_matches_finite_differences_of_the_gradient(surface):
    for theta in _points(surface, n=6):
        H = np.asarray(surface.hessian(theta), float)
        if surface.ndim == 1:
            assert np.ndim(H) == 0
            numeric = numerical_gradient(lambda th: float(surface.grad(th)), theta)
            assert float(H) == pytest.approx(float(numeric), rel=1e-6, abs=1e-5)
            continue
        assert H.shape == (2, 2)
        np.testing.assert_allclose(H, H.T, rtol=1e-12)                 # symmetric
        numeric = np.array([numerical_gradient(lambda th: float(surface.grad(th)[i]), theta)
                            for i in range(2)])                         # row i: d(dJ/dθi)/dθ
        np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-4)


def test_rosenbrock_minimum_is_a_a_squared_and_scipy_finds_it_from_several_starts():
    for a, b in [(1.0, 100.0), (-0.5, 20.0), (2.0, 5.0)]:
        J = Rosenbrock(a=a, b=b)
        best = J.global_minimum
        np.testing.assert_allclose(best.theta, [a, a * a])
        assert best.loss == 0.0 and float(J.loss(best.theta)) == 0.0
        np.testing.assert_allclose(J.grad(best.theta), [0.0, 0.0], atol=1e-12)
        assert np.all(np.linalg.eigvalsh(J.hessian(best.theta)) > 0)      # a true minimum
        assert len(J.minima) == 1 and J.max_stable_lr is None
        for start in [J.default_start, np.array([0.0, 0.0]), np.array([1.5, -0.5]) * max(1, abs(a))]:
            res = minimize(J.loss, start, jac=J.grad, method="BFGS", options={"gtol": 1e-10})
            np.testing.assert_allclose(res.x, best.theta, atol=1e-5)


def test_rosenbrock_classic_values_and_a_brute_force_grid():
    J = Rosenbrock()
    assert repr(J) == "Rosenbrock(a=1, b=100)"
    np.testing.assert_allclose(J.default_start, [-1.2, 1.0])           # Rosenbrock's own start
    assert float(J.loss([-1.2, 1.0])) == pytest.approx(24.2)            # 2.2^2 + 100 * 0.44^2
    (x0, x1), (y0, y1) = J.window
    gx, gy = np.meshgrid(np.linspace(x0, x1, 801), np.linspace(y0, y1, 801))
    values = J.loss(np.stack([gx, gy], axis=-1))
    i = np.unravel_index(np.argmin(values), values.shape)
    np.testing.assert_allclose([gx[i], gy[i]], [1.0, 1.0], atol=0.02)
    # the valley floor theta_2 = theta_1^2 is where the gradient's theta_2 part vanishes
    x = np.linspace(-1.5, 1.5, 7)
    np.testing.assert_allclose(J.grad(np.c_[x, x * x])[:, 1], 0.0, atol=1e-12)


def _minima_by_scipy(J, starts):
    """Distinct local minima scipy reaches from *starts*, sorted by theta_1."""
    found = []
    for s in starts:
        res = minimize(J.loss, s, jac=J.grad, method="BFGS", options={"gtol": 1e-11})
        if res.success and not any(np.allclose(res.x, f, atol=1e-4) for f in found):
            found.append(res.x)
    return sorted(found, key=lambda v: v[0])


@pytest.mark.parametrize("surface", [TwoMinima2D(), TwoMinima2D(tilt=-0.8, stiffness=3.0),
                                     TwoMinima2D(tilt=0.2, stiffness=0.4)], ids=repr)
def test_two_minima_match_scipy_from_many_starts(surface):
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = surface.window
    starts = np.c_[rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40)]
    found = _minima_by_scipy(surface, starts)
    assert len(found) == 2
    mine = sorted(surface.minima, key=lambda m: m.theta[0])
    for f, m in zip(found, mine):
        np.testing.assert_allclose(m.theta, f, atol=1e-6)
        assert m.loss == pytest.approx(float(surface.loss(f)), abs=1e-10)
        assert np.all(np.linalg.eigvalsh(surface.hessian(m.theta)) > 0)
    glob, local = surface.minima
    assert glob.is_global and not local.is_global and glob.loss < local.loss
    assert surface.global_minimum is glob


@pytest.mark.parametrize("surface", [TwoMinima2D(), TwoMinima2D(tilt=-0.8, stiffness=3.0)],
                         ids=repr)
def test_two_minima_saddle_has_zero_gradient_and_one_negative_curvature(surface):
    saddle = surface.saddle
    assert isinstance(saddle, Saddle)
    np.testing.assert_allclose(surface.grad(saddle.theta), [0.0, 0.0], atol=1e-12)
    eig = np.linalg.eigvalsh(surface.hessian(saddle.theta))
    assert eig[0] < 0 < eig[1]                                          # a saddle point
    # it is the highest point of the lowest path between the minima: the pass
    glob, local = surface.minima
    assert saddle.loss > max(glob.loss, local.loss)
    assert min(glob.theta[0], local.theta[0]) < saddle.theta[0] < max(glob.theta[0], local.theta[0])
    # along the valley floor theta_2 = theta_1 / 2 the loss peaks at the saddle
    x = np.linspace(min(glob.theta[0], local.theta[0]), max(glob.theta[0], local.theta[0]), 20001)
    floor = surface.loss(np.c_[x, x / 2])
    assert floor.max() == pytest.approx(saddle.loss, abs=1e-8)


def test_two_minima_default_values_and_where_gradient_descent_ends():
    J = TwoMinima2D()
    glob, local = J.minima
    np.testing.assert_allclose(glob.theta, [-1.0575, -0.5287], atol=1e-4)
    np.testing.assert_allclose(local.theta, [0.9304, 0.4652], atol=1e-4)
    assert glob.loss == pytest.approx(-0.5148, abs=1e-4) and local.loss == pytest.approx(0.4833, abs=1e-4)
    # plain descent with a small step from the default start settles in the shallow well
    run = gradient_descent(J.grad, J.default_start, 0.02, 2000, loss=J.loss)
    np.testing.assert_allclose(run.final, local.theta, atol=1e-5)
    run = gradient_descent(J.grad, [-1.8, 1.0], 0.02, 2000, loss=J.loss)
    np.testing.assert_allclose(run.final, glob.theta, atol=1e-5)
    assert repr(J) == "TwoMinima2D(tilt=0.5, stiffness=1)"


def test_newton_on_a_bowl_lands_in_one_step_with_the_surface_hessian():
    bowl = QuadraticBowl2D(curvatures=(1.0, 25.0), angle=30.0)
    run = mk.optim.descend(bowl, steps=1, method="newton")
    np.testing.assert_allclose(run.final, [0.0, 0.0], atol=1e-12)
    line = LineFitMSE(X, T)
    run = mk.optim.descend(line, steps=1, method="newton")
    np.testing.assert_allclose(run.final, line.global_minimum.theta, atol=1e-10)
    run = mk.optim.descend(Rosenbrock(), steps=20, method="newton")
    np.testing.assert_allclose(run.final, [1.0, 1.0], atol=1e-8)


def test_new_surfaces_huge_theta_gives_inf_not_nan():
    assert Rosenbrock().loss([1e200, 0.0]) == np.inf
    assert TwoMinima2D().loss([1e200, 0.0]) == np.inf
    assert TwoMinima2D().loss([-1e200, 5.0]) == np.inf


@pytest.mark.parametrize("make, match", [
    (lambda: Rosenbrock(b=0.0), "b must be > 0"),
    (lambda: Rosenbrock(a="x"), "a must be a number"),
    (lambda: TwoMinima2D(tilt=2.0), "tilt must lie strictly between"),
    (lambda: TwoMinima2D(stiffness=-1.0), "stiffness must be > 0"),
    (lambda: Rosenbrock().grad([1.0]), "theta must have a last axis of length 2"),
    (lambda: TwoMinima2D().hessian(1.0), "theta must have a last axis of length 2"),
])
def test_new_surfaces_bad_input_raises_a_clear_error(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("surface", NEW_2D, ids=repr)
def test_new_surfaces_window_frames_minima_and_start_and_default_lr_descends(surface):
    test_window_frames_the_minima_and_the_default_start(surface)
