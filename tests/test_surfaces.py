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
