"""Tests for mlekit.optim: gradient descent, SGD and minibatches.

References: the update rule theta_{t+1} = theta_t - lr * grad(theta_t) replayed
step by step, closed-form iterates of gradient descent on a quadratic, and
np.linalg.lstsq / np.linalg.solve for the minimisers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlekit import datasets
from mlekit.optim import Trajectory, gradient_descent, minibatches, sgd


# J(theta) = (theta - 3)^2, dJ/dtheta = 2 (theta - 3); minimiser theta* = 3
def quad_loss(theta):
    return (theta - 3.0) ** 2


def quad_grad(theta):
    return 2.0 * (theta - 3.0)


# phone survey (7 Android, 3 iOS): NLL(p) = -7 ln p - 3 ln(1 - p),
# dNLL/dp = -7/p + 3/(1 - p); the MLE is p = 7/10
def phone_nll(p):
    return -7.0 * math.log(p) - 3.0 * math.log(1.0 - p)


def phone_grad(p):
    return -7.0 / p + 3.0 / (1.0 - p)


# ----------------------------------------------------------- gradient_descent
def test_gradient_descent_quadratic_reaches_minimiser():
    traj = gradient_descent(quad_grad, theta0=0.0, lr=0.1, steps=200)
    assert isinstance(traj, Trajectory)
    assert not traj.diverged
    np.testing.assert_allclose(traj.final, 3.0, atol=1e-10)


def test_gradient_descent_quadratic_matches_closed_form_iterates():
    # theta_t - 3 = (1 - 2 lr)^t (theta_0 - 3) for J = (theta - 3)^2
    lr, theta0, steps = 0.1, -1.0, 30
    traj = gradient_descent(quad_grad, theta0=theta0, lr=lr, steps=steps)
    t = np.arange(steps + 1)
    np.testing.assert_allclose(traj.params, 3.0 + (theta0 - 3.0) * (1 - 2 * lr) ** t, rtol=1e-12)


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.45])
def test_gradient_descent_every_step_is_the_update_rule(lr):
    # theta_{t+1} = theta_t - lr * grad(theta_t): identical arithmetic, so exact
    calls = []

    def grad(theta):
        calls.append(theta)
        return quad_grad(theta)

    traj = gradient_descent(grad, theta0=10.0, lr=lr, steps=25)
    assert traj.n_steps == 25
    assert traj.params.shape == (26,)
    assert traj.params[0] == 10.0
    for t in range(traj.n_steps):
        assert calls[t] == traj.params[t]                     # grad evaluated at theta_t
        assert traj.params[t + 1] == traj.params[t] - lr * quad_grad(traj.params[t])
    np.testing.assert_allclose(traj.grad_norms, np.abs(quad_grad(traj.params[:-1])), rtol=1e-15)
    assert traj.lr == lr


def test_gradient_descent_records_the_loss_of_every_visited_point():
    traj = gradient_descent(quad_grad, theta0=-2.0, lr=0.2, steps=15, loss=quad_loss)
    assert traj.losses.shape == (traj.n_steps + 1,)
    np.testing.assert_allclose(traj.losses, [quad_loss(th) for th in traj.params], rtol=1e-15)
    np.testing.assert_allclose(traj.final_loss, quad_loss(traj.final), rtol=1e-15)
    # a convex quadratic with lr < 1/L: the loss never goes up
    assert np.all(np.diff(traj.losses) <= 0)


def test_gradient_descent_without_loss_records_none():
    traj = gradient_descent(quad_grad, theta0=0.0, lr=0.1, steps=3)
    assert traj.losses is None
    assert traj.final_loss is None


def test_gradient_descent_phone_survey_from_a_poor_start_reaches_mle():
    # start far from the MLE where the gradient is steep: -7/0.05 + 3/0.95 = -136.8
    traj = gradient_descent(phone_grad, theta0=0.05, lr=0.001, steps=2000, domain=(0, 1),
                            loss=phone_nll)
    assert not traj.diverged
    np.testing.assert_allclose(traj.final, 0.7, atol=1e-8)
    np.testing.assert_allclose(traj.final_loss, phone_nll(0.7), rtol=1e-12)
    assert np.all((traj.params > 0) & (traj.params < 1))


def test_gradient_descent_phone_survey_large_step_leaves_domain_and_stops():
    # from p = 0.05 with lr = 0.01 the first step jumps to 0.05 + 1.368 > 1
    traj = gradient_descent(phone_grad, theta0=0.05, lr=0.01, steps=100, domain=(0, 1))
    assert traj.diverged
    assert not traj.converged
    assert "domain" in traj.message
    assert np.all((traj.params > 0) & (traj.params < 1))     # only points inside the domain kept
    assert traj.n_steps < 100


def test_gradient_descent_diverges_on_x_squared_with_too_large_lr():
    # J = x^2, grad = 2x: x_{t+1} = (1 - 2 lr) x_t = -2 x_t for lr = 1.5 -> blows up
    traj = gradient_descent(lambda x: 2.0 * x, theta0=1.0, lr=1.5, steps=1000,
                            loss=lambda x: x * x)
    assert traj.diverged
    assert not traj.converged
    assert "diverged" in traj.message and "lr" in traj.message
    assert traj.n_steps < 1000
    assert np.all(np.isfinite(traj.params))
    assert np.all(np.isfinite(traj.losses))
    assert np.all(np.isfinite(traj.grad_norms))
    assert len(traj.losses) == len(traj.params) == len(traj.grad_norms) + 1
    # the kept steps still follow the rule x_{t+1} = -2 x_t
    np.testing.assert_allclose(traj.params, (-2.0) ** np.arange(traj.n_steps + 1))


def test_gradient_descent_stops_when_gradient_becomes_nan():
    # the gradient is NaN once theta leaves (0, inf); no domain given
    def grad(theta):
        return float("nan") if theta < 1.0 else 2.0 * theta

    traj = gradient_descent(grad, theta0=4.0, lr=0.3, steps=50)
    assert traj.diverged
    assert "NaN" in traj.message
    assert np.all(np.isfinite(traj.params))


def test_gradient_descent_small_lr_does_not_diverge():
    traj = gradient_descent(lambda x: 2.0 * x, theta0=1.0, lr=0.4, steps=100)
    assert not traj.diverged
    assert traj.n_steps == 100
    np.testing.assert_allclose(traj.final, 0.0, atol=1e-12)


def test_gradient_descent_tol_gives_converged():
    traj = gradient_descent(quad_grad, theta0=0.0, lr=0.1, steps=10_000, tol=1e-6)
    assert traj.converged
    assert not traj.diverged
    assert "converged" in traj.message
    assert traj.n_steps < 10_000
    # it stops at the first point whose gradient norm is <= tol
    assert abs(quad_grad(traj.final)) <= 1e-6
    assert abs(quad_grad(traj.params[-2])) > 1e-6


def test_gradient_descent_converged_when_the_last_step_lands_within_tol():
    # lr = 0.5 on (theta - 3)^2 jumps to the minimiser in one step: grad(3) = 0 <= tol.
    # Trajectory.converged is documented as "the gradient norm fell to tol or below";
    # it did, at the final point, so the flag should say so.
    traj = gradient_descent(quad_grad, theta0=0.0, lr=0.5, steps=1, tol=1e-6)
    assert traj.final == 3.0 and quad_grad(traj.final) == 0.0
    assert traj.converged, traj.message


def test_gradient_descent_vector_theta_reaches_linear_system_solution():
    # J = 1/2 theta^T A theta - b^T theta, grad = A theta - b, minimiser A^{-1} b
    A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])
    b = np.array([1.0, -2.0, 0.5])
    traj = gradient_descent(lambda th: A @ th - b, theta0=np.zeros(3), lr=0.2, steps=500)
    assert traj.params.shape == (501, 3)
    assert traj.final.shape == (3,)
    np.testing.assert_allclose(traj.final, np.linalg.solve(A, b), atol=1e-10)
    for t in range(5):
        np.testing.assert_array_equal(traj.params[t + 1],
                                      traj.params[t] - 0.2 * (A @ traj.params[t] - b))
    np.testing.assert_allclose(traj.grad_norms[0], np.linalg.norm(b), rtol=1e-15)


def test_gradient_descent_hands_callbacks_a_float_for_scalar_theta():
    seen = []
    gradient_descent(lambda th: seen.append(type(th)) or 2.0 * th, theta0=1.0, lr=0.1, steps=2)
    assert seen == [float, float]


def test_gradient_descent_zero_steps_keeps_the_start():
    traj = gradient_descent(quad_grad, theta0=1.5, lr=0.1, steps=0)
    assert traj.n_steps == 0
    np.testing.assert_allclose(traj.params, [1.5])


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(lr=0.0), ValueError, "lr must be > 0"),
    (dict(lr=-0.1), ValueError, "lr must be > 0"),
    (dict(steps=-1), ValueError, "steps must be"),
    (dict(steps=2.5), TypeError, "steps must be an integer"),
    (dict(theta0=2.0, domain=(0, 1)), ValueError, "theta0 must lie inside the domain"),
    (dict(domain=(1, 0)), ValueError, "domain must be a pair"),
    (dict(theta0=float("nan")), ValueError, "theta0 must contain only finite"),
])
def test_gradient_descent_rejects_bad_arguments(kwargs, exc, match):
    args = dict(theta0=0.5, lr=0.1, steps=5)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        gradient_descent(quad_grad, **args)


def test_gradient_descent_rejects_non_callable_grad():
    with pytest.raises(TypeError, match="grad must be a function"):
        gradient_descent(2.0, theta0=0.0)


def test_gradient_descent_rejects_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match="grad\\(theta\\) must return an array of the same shape"):
        gradient_descent(lambda th: np.ones(3), theta0=np.zeros(2), lr=0.1, steps=2)


def test_gradient_descent_rejects_loss_returning_an_array():
    with pytest.raises(TypeError, match="loss\\(theta\\) must return a single number"):
        gradient_descent(lambda th: 2 * th, theta0=np.zeros(2), lr=0.1, steps=2,
                         loss=lambda th: th ** 2)


# ------------------------------------------------------------------------ sgd
X_MEAN = np.array([1.0, 2.0, 3.0, 6.0, -1.0, 4.5, 0.5, 2.5, 7.0, -3.0])


def mean_grad(theta, xb):
    # J = mean_i (theta - x_i)^2 -> dJ/dtheta = 2 mean_i (theta - x_i)
    return 2.0 * np.mean(theta - xb)


def test_sgd_full_batch_equals_gradient_descent_step_for_step():
    traj_sgd = sgd(mean_grad, 0.0, X_MEAN, lr=0.1, epochs=20, batch_size=None, shuffle=False)
    traj_gd = gradient_descent(lambda th: mean_grad(th, X_MEAN), 0.0, lr=0.1, steps=20)
    assert traj_sgd.n_steps == 20
    np.testing.assert_array_equal(traj_sgd.params, traj_gd.params)
    np.testing.assert_array_equal(traj_sgd.grad_norms, traj_gd.grad_norms)
    assert traj_sgd.batch_size == X_MEAN.size


def test_sgd_full_batch_with_shuffle_matches_gradient_descent():
    # shuffling a full batch only reorders the sum inside the mean
    traj_sgd = sgd(mean_grad, 0.0, X_MEAN, lr=0.1, epochs=20, rng=3)
    traj_gd = gradient_descent(lambda th: mean_grad(th, X_MEAN), 0.0, lr=0.1, steps=20)
    np.testing.assert_allclose(traj_sgd.params, traj_gd.params, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 7, 10])
@pytest.mark.parametrize("epochs", [1, 3])
def test_sgd_takes_ceil_n_over_b_steps_per_epoch(batch_size, epochs):
    n = X_MEAN.size
    per_epoch = math.ceil(n / batch_size)
    traj = sgd(mean_grad, 0.0, X_MEAN, lr=0.01, epochs=epochs, batch_size=batch_size, rng=0)
    assert traj.n_steps == per_epoch * epochs
    np.testing.assert_array_equal(traj.epochs, np.repeat(np.arange(epochs), per_epoch))
    assert traj.batch_size == batch_size


def test_sgd_batch_size_one_takes_n_steps_per_epoch_one_sample_each():
    batches = []

    def grad(theta, xb):
        batches.append(xb.copy())
        return mean_grad(theta, xb)

    traj = sgd(grad, 0.0, X_MEAN, lr=0.01, epochs=2, batch_size=1, rng=1)
    n = X_MEAN.size
    assert traj.n_steps == 2 * n
    assert all(b.shape == (1,) for b in batches)
    for epoch in range(2):                    # every sample exactly once per epoch
        seen = np.concatenate(batches[epoch * n:(epoch + 1) * n])
        np.testing.assert_array_equal(np.sort(seen), np.sort(X_MEAN))


def test_sgd_every_step_is_the_update_rule_on_its_batch():
    batches = []

    def grad(theta, xb, tb):
        batches.append((xb.copy(), tb.copy()))
        return 2.0 * np.mean((theta * xb - tb) * xb)            # d/dw mean (w x - t)^2

    x = np.linspace(-1, 1, 9)
    t = 0.5 * x
    traj = sgd(grad, 2.0, (x, t), lr=0.3, epochs=3, batch_size=4, rng=5)
    assert traj.n_steps == len(batches) == 3 * 3
    for k, (xb, tb) in enumerate(batches):
        g = 2.0 * np.mean((traj.params[k] * xb - tb) * xb)
        assert traj.params[k + 1] == traj.params[k] - 0.3 * g
        np.testing.assert_allclose(tb, 0.5 * xb)              # x and t stay aligned


def test_sgd_records_the_full_data_loss():
    def loss(theta, xb):
        return float(np.mean((theta - xb) ** 2))

    traj = sgd(mean_grad, 0.0, X_MEAN, lr=0.05, epochs=2, batch_size=3, rng=0, loss=loss)
    assert traj.losses.shape == (traj.n_steps + 1,)
    np.testing.assert_allclose(traj.losses, [loss(th, X_MEAN) for th in traj.params], rtol=1e-14)


def test_sgd_same_seed_same_trajectory_different_seed_different():
    run = lambda rng: sgd(mean_grad, 0.0, X_MEAN, lr=0.05, epochs=3, batch_size=2, rng=rng)
    a, b, c = run(42), run(42), run(43)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.params, c.params)


def test_sgd_without_shuffle_is_deterministic_and_ordered():
    batches = []
    sgd(lambda th, xb: batches.append(xb.copy()) or mean_grad(th, xb), 0.0, X_MEAN, lr=0.01,
        epochs=2, batch_size=4, shuffle=False)
    expected = [X_MEAN[0:4], X_MEAN[4:8], X_MEAN[8:10]] * 2
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        np.testing.assert_array_equal(got, want)


def test_sgd_toy_regression_approaches_least_squares():
    x, t = datasets.toy_regression(40, rng=0)
    design = np.column_stack([x, np.ones_like(x)])
    w_ls = np.linalg.lstsq(design, t, rcond=None)[0]          # [slope, intercept]

    def grad(theta, xb, tb):
        # J = mean (w x + b - t)^2 -> dJ/d[w, b] = 2 mean (w x + b - t) [x, 1]
        r = theta[0] * xb + theta[1] - tb
        return 2.0 * np.array([np.mean(r * xb), np.mean(r)])

    def loss(theta, xa, ta):
        return float(np.mean((theta[0] * xa + theta[1] - ta) ** 2))

    traj = sgd(grad, np.zeros(2), (x, t), lr=0.01, epochs=300, batch_size=5, rng=0, loss=loss)
    assert not traj.diverged
    np.testing.assert_allclose(traj.final, w_ls, atol=0.05)
    # constant-lr SGD jitters around the minimum: close to, never below, the lstsq loss
    assert loss(w_ls, x, t) - 1e-12 <= traj.final_loss <= 1.02 * loss(w_ls, x, t)
    assert traj.final_loss < 0.1 * traj.losses[0]


def test_sgd_tol_gives_converged():
    traj = sgd(mean_grad, 0.0, X_MEAN, lr=0.2, epochs=1000, tol=1e-8, shuffle=False)
    assert traj.converged
    assert traj.n_steps < 1000
    assert len(traj.epochs) == traj.n_steps
    np.testing.assert_allclose(traj.final, X_MEAN.mean(), atol=1e-8)


def test_sgd_diverges_with_too_large_lr():
    traj = sgd(mean_grad, 0.0, X_MEAN, lr=1.5, epochs=500)
    assert traj.diverged
    assert np.all(np.isfinite(traj.params))
    assert len(traj.epochs) == traj.n_steps


@pytest.mark.parametrize("batch_size, exc, match", [
    (0, ValueError, "batch_size must be an integer >= 1"),
    (11, ValueError, "batch_size must be at most the number of samples \\(10\\)"),
    (2.5, TypeError, "batch_size must be an integer"),
])
def test_sgd_rejects_bad_batch_size(batch_size, exc, match):
    with pytest.raises(exc, match=match):
        sgd(mean_grad, 0.0, X_MEAN, batch_size=batch_size)


def test_sgd_rejects_misaligned_data():
    with pytest.raises(ValueError, match="data must be arrays with the same number of samples"):
        sgd(lambda th, a, b: 0.0, 0.0, (np.zeros(5), np.zeros(4)))


# ---------------------------------------------------------------- minibatches
@pytest.mark.parametrize("n, batch_size", [(10, 3), (10, 5), (7, 1), (7, 7), (7, 10)])
def test_minibatches_cover_every_index_once_with_expected_sizes(n, batch_size):
    batches = list(minibatches(np.arange(n), batch_size=batch_size, rng=0))
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert [len(b) for b in batches] == expected_sizes
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


@pytest.mark.parametrize("n, batch_size", [(10, 3), (10, 5), (7, 2)])
def test_minibatches_drop_last_keeps_only_full_batches(n, batch_size):
    batches = list(minibatches(np.arange(n), batch_size=batch_size, rng=0, drop_last=True))
    assert len(batches) == n // batch_size
    assert all(len(b) == batch_size for b in batches)
    seen = np.concatenate(batches)
    assert len(np.unique(seen)) == len(seen)                   # no repeats


def test_minibatches_without_shuffle_keep_order():
    batches = list(minibatches(np.arange(7), batch_size=3, shuffle=False))
    assert [b.tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]


def test_minibatches_shuffle_changes_order_and_is_seeded():
    order = lambda rng: np.concatenate(list(minibatches(np.arange(20), batch_size=6, rng=rng)))
    a, b, c = order(7), order(7), order(8)
    assert not np.array_equal(a, np.arange(20))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_minibatches_keep_several_arrays_aligned():
    n = 11
    x = np.arange(n)
    X2 = np.column_stack([np.arange(n), -np.arange(n)])
    t = 10.0 * np.arange(n)
    count = 0
    for xb, X2b, tb in minibatches(x, X2, t, batch_size=4, rng=2):
        assert X2b.shape == (len(xb), 2)
        np.testing.assert_array_equal(X2b[:, 0], xb)
        np.testing.assert_array_equal(X2b[:, 1], -xb)
        np.testing.assert_array_equal(tb, 10.0 * xb)
        count += len(xb)
    assert count == n


def test_minibatches_single_array_yields_arrays_not_tuples():
    for b in minibatches(np.arange(5), batch_size=2, rng=0):
        assert isinstance(b, np.ndarray)


def test_minibatches_reject_misaligned_arrays():
    with pytest.raises(ValueError, match="same number of samples"):
        list(minibatches(np.arange(5), np.arange(6), batch_size=2))


def test_minibatches_reject_zero_batch_size():
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        list(minibatches(np.arange(5), batch_size=0))


def test_the_divergence_message_reads_well_for_zero_one_and_many_kept_steps():
    first = gradient_descent(lambda th: -100.0, 0.5, 0.01, 5, domain=(0.0, 1.0))
    assert first.diverged and "stopped before the first step" in first.message
    assert "0 finite" not in first.message
    many = gradient_descent(lambda th: 3 * th, 1.0, 1.5, 200, max_abs=1e3)
    assert many.diverged and "finite steps, which are kept" in many.message
