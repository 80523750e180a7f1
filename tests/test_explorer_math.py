"""The math behind the explorers' figures, tested without matplotlib or ipywidgets.

Each number an explorer shows comes from one public math-layer function; here
each is compared with an independent reference (numpy.linalg.lstsq,
scipy.stats.linregress, brute force, a hand-written loop).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import mlekit as mk
from mlekit.models import Bernoulli, Binomial
from mlekit.optim import descend, divergence_bound, first_steps, gradient_descent, sgd, \
    steps_per_epoch
from mlekit.surfaces import LineFitMSE, NonConvex1D, Quadratic1D, QuadraticBowl2D, \
    least_squares_line

X, T = mk.datasets.toy_regression()


# ----------------------------------------------------------- least squares
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_least_squares_line_matches_lstsq_and_linregress(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=25) * 3 + 1
    t = 1.7 * x - 0.4 + rng.normal(size=25)
    (w_ref, b_ref), *_ = np.linalg.lstsq(np.c_[x, np.ones_like(x)], t, rcond=None)
    w, b = least_squares_line(x, t)
    assert (w, b) == (pytest.approx(w_ref, rel=1e-12), pytest.approx(b_ref, rel=1e-12))
    ref = stats.linregress(x, t)
    assert (w, b) == (pytest.approx(ref.slope, rel=1e-10), pytest.approx(ref.intercept, rel=1e-10))
    assert LineFitMSE(x, t).least_squares == pytest.approx((w, b), rel=1e-15)


def test_least_squares_line_refuses_data_without_a_unique_line():
    with pytest.raises(ValueError, match="at least two different values"):
        least_squares_line([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="same shape"):
        least_squares_line([0.0, 1.0, 2.0], [0.0, 1.0])


@pytest.mark.parametrize("b", [-3.0, 0.0, 1.0, 4.5])
def test_best_slope_for_a_fixed_intercept_matches_lstsq_and_brute_force(b):
    J = LineFitMSE(X, T)
    (w_ref,), *_ = np.linalg.lstsq(X[:, None], T - b, rcond=None)
    assert J.best_slope(b) == pytest.approx(w_ref, rel=1e-12)
    fine = np.linspace(-5, 8, 130001)
    sse = ((T[None, :] - fine[:, None] * X[None, :] - b) ** 2).sum(axis=1)
    assert J.best_slope(b) == pytest.approx(fine[np.argmin(sse)], abs=1e-4)
    np.testing.assert_allclose(J.best_slope([b, b + 1.0]), [J.best_slope(b), J.best_slope(b + 1)])


def test_best_slope_at_the_least_squares_intercept_is_the_least_squares_slope():
    J = LineFitMSE(X, T)
    w_hat, b_hat = J.least_squares
    assert J.best_slope(b_hat) == pytest.approx(w_hat, rel=1e-12)


def test_loss_over_a_slope_grid_is_the_mse_of_each_line():
    J = LineFitMSE(X, T)
    grid = np.linspace(-1, 5, 7)
    thetas = np.stack([grid, np.full_like(grid, 0.5)], axis=-1)
    hand = [np.mean((w * X + 0.5 - T) ** 2) for w in grid]
    np.testing.assert_allclose(J.loss(thetas), hand, rtol=1e-12)


# ------------------------------------------------------------------ runs
def hand_descent(grad, theta, lr, steps):
    path = [np.array(theta, float)]
    for _ in range(steps):
        path.append(path[-1] - lr * np.asarray(grad(path[-1]), float))
    return np.array(path)


@pytest.mark.parametrize("surface", [Quadratic1D(), NonConvex1D(), QuadraticBowl2D(),
                                     LineFitMSE(X, T)], ids=repr)
def test_descend_full_batch_is_the_update_rule_by_hand(surface):
    run = descend(surface, steps=25)
    np.testing.assert_allclose(run.params, hand_descent(surface.grad, surface.default_start,
                                                        surface.default_lr, 25), rtol=1e-12)
    assert run.lr == surface.default_lr and not run.diverged


def test_descend_minibatches_are_sgd_cut_to_the_step_count():
    J = LineFitMSE(X, T)
    for batch, per_epoch in [(8, 4), (1, 30), (30, 1)]:
        run = descend(J, steps=50, batch_size=batch, lr=0.02)
        ref = sgd(J.grad, J.default_start, J.data, lr=0.02, epochs=math.ceil(50 / per_epoch),
                  batch_size=batch, rng=0, loss=J.loss, max_abs=divergence_bound(J))
        assert run.n_steps == 50 and run.batch_size == batch
        np.testing.assert_array_equal(run.params, ref.params[:51])
        np.testing.assert_array_equal(run.epochs, ref.epochs[:50])
    full = descend(J, steps=5)
    assert full.epochs.tolist() == [0, 1, 2, 3, 4] and full.batch_size == X.size


def test_descend_stops_a_diverging_run_at_the_window_bound():
    run = descend(Quadratic1D(), theta0=3.0, lr=1.5, steps=100)
    assert run.diverged and np.all(np.abs(run.params) <= divergence_bound(Quadratic1D()))
    assert divergence_bound(Quadratic1D()) == 10 * 4.0


def test_descend_refuses_bad_inputs_with_a_fix():
    with pytest.raises(ValueError, match="theta0 must be two numbers"):
        descend(QuadraticBowl2D(), theta0=1.0)
    with pytest.raises(ValueError, match="theta0 must be one number"):
        descend(Quadratic1D(), theta0=(1.0, 2.0))
    with pytest.raises(ValueError, match="lr must be > 0"):
        descend(Quadratic1D(), lr=0.0)
    with pytest.raises(ValueError, match="batch_size must be None for a surface without data"):
        descend(Quadratic1D(), batch_size=4)


def test_first_steps_keeps_the_first_updates_and_drops_the_ending():
    run = gradient_descent(lambda th: 2 * th, 1.0, lr=0.25, steps=10, loss=lambda th: th ** 2)
    cut = first_steps(run, 3)
    assert cut.params.tolist() == [1.0, 0.5, 0.25, 0.125]
    assert cut.losses.tolist() == [1.0, 0.25, 0.0625, 0.015625]
    assert len(cut.grad_norms) == 3 and cut.message == "finished 3 steps without diverging."
    assert first_steps(run, 50) is run


def test_steps_per_epoch_is_the_ceiling_of_n_over_the_batch():
    for n, batch in [(30, 8), (30, 1), (30, 30), (7, 2)]:
        assert steps_per_epoch(n, batch) == -(-n // batch)
    assert steps_per_epoch(30) == 1
    with pytest.raises(ValueError, match=r"batch_size must be at most the number of samples \(30\)"):
        steps_per_epoch(30, 31)


# ------------------------------------------------------------------ models
def test_check_data_is_the_models_own_validation():
    assert Bernoulli().check_data([1, 0, 1, 1]).sum() == 3
    assert Binomial(n=10).check_data([7]).tolist() == [7.0]
    with pytest.raises(ValueError, match="only 0 and 1"):
        Bernoulli().check_data([1, 2])
    with pytest.raises(ValueError):
        Binomial(n=10).check_data([11])


# ----------------------------------------------- the one slider step rule
def test_slider_step_is_the_largest_round_step_with_500_positions():
    pytest.importorskip("ipywidgets")
    from mlekit.widgets.base import slider_step

    for lo, hi in [(0.01, 0.99), (-4, 4), (-1.2, 5.3), (-3.9, 6.3), (160.48, 176.21), (-6, 6)]:
        step = slider_step(lo, hi)
        assert (hi - lo) / step >= 500 * (1 - 1e-9)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 9) in (1.0, 2.0, 5.0)
        bigger = {1.0: 2.0, 2.0: 5.0, 5.0: 10.0}[round(mantissa, 9)] * step / mantissa
        assert (hi - lo) / bigger < 500                  # the next round step is too coarse
