"""Momentum, Nesterov, AdaGrad, RMSProp, Adam and Newton against the published update equations.

References, each written here as its own plain loop (scalars and numpy, not mlekit's rules)
from the paper's equations, in the paper's own form where it differs from mlekit's:

- heavy ball: Polyak (1964), theta_{t+1} = theta_t - lr g_t + beta (theta_t - theta_{t-1});
- Nesterov: Sutskever, Martens, Dahl & Hinton (2013), eq. (3)-(4): the gradient taken at the
  look-ahead point theta_t + beta v_t (mlekit steps the look-ahead variable instead, as in
  Bengio, Boulanger-Lewandowski & Pascanu 2013; the two sequences are related by
  phi_t = theta_t + beta v_t, which is what is compared);
- AdaGrad: Duchi, Hazan & Singer (2011), diagonal form;
- RMSProp: Tieleman & Hinton (2012), lecture 6.5;
- Adam: Kingma & Ba (2015), Algorithm 1, line by line;
- Newton: theta - H^{-1} g, and the closed-form minimum of a quadratic in one step.

Each is run for several steps (not one) on an ill-conditioned quadratic and on Rosenbrock's
function. A few sequences are also checked against numbers worked out by hand (in exact
fractions where the method allows it). Then the properties that define each method.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlekit import optim
from mlekit.step_rules import GD, AdaGrad, Adam, Momentum, RMSProp, make_rule

# ------------------------------------------------------------------ the two test functions
A = np.array([[3.0, 1.0], [1.0, 20.0]])         # ill-conditioned quadratic J = 1/2 th^T A th - b^T th
B = np.array([1.0, -2.0])


def quad_grad(th):
    return A @ th - B


def quad_loss(th):
    return float(0.5 * th @ A @ th - B @ th)


def rosen(th):
    x, y = th
    return float((1 - x) ** 2 + 100 * (y - x * x) ** 2)


def rosen_grad(th):
    x, y = th
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def rosen_hess(th):
    x, y = th
    return np.array([[2 - 400 * (y - 3 * x * x), -400 * x], [-400 * x, 200.0]])


PROBLEMS = {
    "quadratic": (quad_grad, np.array([2.0, 1.0])),
    "rosenbrock": (rosen_grad, np.array([-1.2, 1.0])),
}
STEPS = 25


# ------------------------------------------------------------------ reference loops
def ref_heavy_ball(grad, th0, lr, beta, steps):
    path, prev, th = [th0.copy()], th0.copy(), th0.copy()
    for _ in range(steps):
        nxt = th - lr * grad(th) + beta * (th - prev)          # Polyak's form
        prev, th = th, nxt
        path.append(th.copy())
    return np.array(path)


def ref_nesterov_lookahead(grad, th0, lr, beta, steps):
    """Sutskever et al. (2013): v <- mu v - eps grad(theta + mu v); theta <- theta + v.

    Returns the look-ahead points phi_t = theta_t + mu v_t, the sequence mlekit's rule steps.
    """
    th, v = th0.copy(), np.zeros_like(th0)
    phis = [th + beta * v]
    for _ in range(steps):
        v = beta * v - lr * grad(th + beta * v)
        th = th + v
        phis.append(th + beta * v)
    return np.array(phis)


def ref_adagrad(grad, th0, lr, eps, steps):
    th, G, path = th0.copy(), np.zeros_like(th0), [th0.copy()]
    for _ in range(steps):
        g = grad(th)
        G = G + g * g
        th = th - lr * g / (np.sqrt(G) + eps)
        path.append(th.copy())
    return np.array(path)


def ref_rmsprop(grad, th0, lr, beta, eps, steps):
    th, s, path = th0.copy(), np.zeros_like(th0), [th0.copy()]
    for _ in range(steps):
        g = grad(th)
        s = beta * s + (1 - beta) * g * g
        th = th - lr * g / (np.sqrt(s) + eps)
        path.append(th.copy())
    return np.array(path)


def ref_adam(grad, th0, alpha, beta1, beta2, eps, steps):
    """Kingma & Ba (2015), Algorithm 1, one line per line of the paper."""
    theta, m, v, t, path = th0.copy(), np.zeros_like(th0), np.zeros_like(th0), 0, [th0.copy()]
    for _ in range(steps):
        t = t + 1
        g = grad(theta)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - alpha * m_hat / (np.sqrt(v_hat) + eps)
        path.append(theta.copy())
    return np.array(path)


def ref_newton(grad, hess, th0, steps):
    th, path = th0.copy(), [th0.copy()]
    for _ in range(steps):
        th = th - np.linalg.solve(hess(th), grad(th))
        path.append(th.copy())
    return np.array(path)


# learning rates small enough for 25 finite steps on both problems
CASES = {
    "momentum": (lambda g, th: optim.momentum(g, th, lr=1e-3, steps=STEPS, beta=0.9),
                 lambda g, th: ref_heavy_ball(g, th, 1e-3, 0.9, STEPS)),
    "nesterov": (lambda g, th: optim.momentum(g, th, lr=1e-3, steps=STEPS, beta=0.8, nesterov=True),
                 lambda g, th: ref_nesterov_lookahead(g, th, 1e-3, 0.8, STEPS)),
    "adagrad": (lambda g, th: optim.adagrad(g, th, lr=0.05, steps=STEPS, eps=1e-8),
                lambda g, th: ref_adagrad(g, th, 0.05, 1e-8, STEPS)),
    "rmsprop": (lambda g, th: optim.rmsprop(g, th, lr=0.01, steps=STEPS, beta=0.9, eps=1e-8),
                lambda g, th: ref_rmsprop(g, th, 0.01, 0.9, 1e-8, STEPS)),
    "adam": (lambda g, th: optim.adam(g, th, lr=0.02, steps=STEPS, beta1=0.9, beta2=0.999),
             lambda g, th: ref_adam(g, th, 0.02, 0.9, 0.999, 1e-8, STEPS)),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("method", sorted(CASES))
def test_each_method_follows_its_published_equations_for_many_steps(method, problem):
    grad, th0 = PROBLEMS[problem]
    ours, ref = CASES[method]
    run = ours(grad, th0)
    want = ref(grad, th0)
    assert not run.diverged and run.n_steps == STEPS and run.method == method
    np.testing.assert_allclose(run.params, want, rtol=1e-12, atol=1e-14)
    assert np.ptp(want[:, 0]) > 1e-3               # the reference actually moved


@pytest.mark.parametrize("problem", ["quadratic", "rosenbrock"])
def test_newton_follows_theta_minus_inverse_hessian_times_gradient(problem):
    grad, th0 = PROBLEMS[problem]
    hess = (lambda th: A) if problem == "quadratic" else rosen_hess
    steps = 1 if problem == "quadratic" else 6
    run = optim.newton(grad, hess, th0, steps=steps)
    np.testing.assert_allclose(run.params, ref_newton(grad, hess, th0, steps), rtol=1e-12)
    if problem == "quadratic":                     # one step lands on A^{-1} b exactly
        np.testing.assert_allclose(run.final, np.linalg.solve(A, B), rtol=1e-12)
    else:                                          # Rosenbrock from (-1.2, 1): at (1, 1) in 6
        np.testing.assert_allclose(run.final, [1.0, 1.0], atol=1e-8)


# ------------------------------------------------------------------ worked by hand
def test_heavy_ball_three_steps_in_exact_fractions():
    # J = theta^2 / 2 (gradient theta), theta0 = 1, lr = 1/2, beta = 1/2:
    # v1 = -1/2, th1 = 1/2; v2 = -1/4 - 1/4 = -1/2, th2 = 0; v3 = -1/4, th3 = -1/4
    run = optim.momentum(lambda th: th, 1.0, lr=0.5, steps=3, beta=0.5)
    assert [Fraction(x).limit_denominator(64) for x in run.params] == [1, Fraction(1, 2), 0,
                                                                       Fraction(-1, 4)]


def test_nesterov_three_steps_in_exact_fractions():
    # same problem; look-ahead form: v+ = beta v - lr g, theta+ = theta + beta v+ - lr g
    # th0 = 1: g = 1, v1 = -1/2, th1 = 1 - 1/4 - 1/2 = 1/4
    # g = 1/4, v2 = -1/4 - 1/8 = -3/8, th2 = 1/4 - 3/16 - 1/8 = -1/16
    # g = -1/16, v3 = -3/16 + 1/32 = -5/32, th3 = -1/16 - 5/64 + 1/32 = -7/64
    run = optim.momentum(lambda th: th, 1.0, lr=0.5, steps=3, beta=0.5, nesterov=True)
    assert [Fraction(x).limit_denominator(1024) for x in run.params] == [
        1, Fraction(1, 4), Fraction(-1, 16), Fraction(-7, 64)]


def test_adam_two_steps_by_hand():
    # J = theta^2 (gradient 2 theta), theta0 = 1, lr = 0.1, defaults; eps negligible here
    run = optim.adam(lambda th: 2 * th, 1.0, lr=0.1, steps=2)
    th1 = 1 - 0.1                                          # first step: lr * g / |g|
    g1, g0 = 2 * th1, 2.0
    m2 = 0.9 * 0.1 * g0 + 0.1 * g1                         # m1 = 0.1 g0
    v2 = 0.999 * 0.001 * g0 ** 2 + 0.001 * g1 ** 2
    th2 = th1 - 0.1 * (m2 / (1 - 0.9 ** 2)) / math.sqrt(v2 / (1 - 0.999 ** 2))
    assert run.params[1] == pytest.approx(th1, abs=1e-8)
    assert run.params[2] == pytest.approx(th2, abs=1e-8)
    # by hand: m2 = 0.36, m_hat = 0.36 / 0.19 = 1.894737; v2 = 0.007236,
    # v_hat = 0.007236 / 0.001999 = 3.619810, sqrt = 1.902580; step = 0.1 * 0.995878
    assert run.params[2] == pytest.approx(0.800412, abs=1e-6)


def test_adagrad_two_steps_by_hand():
    # J = theta^2, theta0 = 1, lr = 1: g0 = 2, G = 4, th1 = 1 - 2/2 = 0 -> stuck at the minimum
    run = optim.adagrad(lambda th: 2 * th, 1.0, lr=1.0, steps=2)
    assert run.params.tolist() == pytest.approx([1.0, 0.0, 0.0], abs=1e-8)
    # lr = 0.5: th1 = 0.5; g1 = 1, G = 5, th2 = 0.5 - 0.5 / sqrt(5)
    run = optim.adagrad(lambda th: 2 * th, 1.0, lr=0.5, steps=2)
    assert run.params[2] == pytest.approx(0.5 - 0.5 / math.sqrt(5), abs=1e-8)


# ------------------------------------------------------------------ defining properties
@settings(max_examples=60, deadline=None)
@given(scale=st.floats(1e-3, 1e6), lr=st.floats(1e-4, 1.0), sign=st.sampled_from([-1.0, 1.0]))
def test_adams_first_step_has_size_lr_whatever_the_gradients_scale(scale, lr, sign):
    run = optim.adam(lambda th: sign * scale * np.ones(3), np.zeros(3), lr=lr, steps=1)
    step = run.params[1] - run.params[0]
    np.testing.assert_allclose(np.abs(step), lr, rtol=1e-4)
    assert np.all(np.sign(step) == -sign)


@settings(max_examples=40, deadline=None)
@given(lr=st.floats(0.001, 0.09), th0=st.lists(st.floats(-3, 3), min_size=2, max_size=2))
def test_momentum_with_beta_zero_is_gradient_descent(lr, th0):
    gd = optim.gradient_descent(quad_grad, th0, lr=lr, steps=30)
    for nesterov in (False, True):
        m = optim.momentum(quad_grad, th0, lr=lr, steps=30, beta=0.0, nesterov=nesterov)
        np.testing.assert_allclose(m.params, gd.params, rtol=1e-13, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(grads=st.lists(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=2), min_size=2,
                      max_size=30))
def test_adagrads_effective_rate_never_grows(grads):
    rule, state, theta = AdaGrad(), AdaGrad().init(np.zeros(2)), np.zeros(2)
    rates = [rule.effective_lr(state, 0.1)]
    for g in grads:
        theta, state = rule.step(theta, np.array(g), state, 0.1)
        rates.append(rule.effective_lr(state, 0.1))
    assert np.all(np.diff(np.array(rates), axis=0) <= 0)


def test_rmsprops_effective_rate_can_grow_again_unlike_adagrad():
    big, small = np.array([10.0]), np.array([0.01])
    for rule in (RMSProp(beta=0.5), AdaGrad()):
        state, th = rule.init(np.zeros(1)), np.zeros(1)
        th, state = rule.step(th, big, state, 0.1)
        after_big = rule.effective_lr(state, 0.1)
        for _ in range(10):
            th, state = rule.step(th, small, state, 0.1)
        grew = rule.effective_lr(state, 0.1) > after_big
        assert grew == isinstance(rule, RMSProp)


def test_momentum_beats_gd_in_the_ravine_and_adam_handles_the_scales():
    # the same lr: GD crawls along the flat direction; momentum accumulates speed there
    lr = 0.09                                                   # < 2 / 20, stable for GD
    gd = optim.gradient_descent(quad_grad, [2.0, 1.0], lr=lr, steps=60, loss=quad_loss)
    mo = optim.momentum(quad_grad, [2.0, 1.0], lr=lr, steps=60, beta=0.5, loss=quad_loss)
    best = quad_loss(np.linalg.solve(A, B))
    assert mo.losses[-1] - best < 1e-3 * (gd.losses[-1] - best)


def test_newton_converges_quadratically_on_the_phone_survey_nll():
    grad = lambda p: -7 / p + 3 / (1 - p)
    hess = lambda p: 7 / p ** 2 + 3 / (1 - p) ** 2
    run = optim.newton(grad, hess, 0.2, steps=20, tol=1e-12, domain=(0, 1))
    err = np.abs(run.params - 0.7)
    assert run.converged and run.n_steps <= 7
    ratios = err[1:4] / err[:3] ** 2                 # e_{k+1} / e_k^2 stays bounded
    assert np.all(ratios < 10)
    gd = optim.gradient_descent(grad, 0.2, lr=0.01, steps=2000, tol=1e-12, domain=(0, 1))
    assert gd.n_steps > 5 * run.n_steps              # the 1st- vs 2nd-order table: 48 vs 6


def test_newton_stops_with_a_sentence_where_the_hessian_is_not_positive_definite():
    # J = theta^4 / 4 - theta^2 / 2 has J'' = 3 theta^2 - 1 < 0 near 0 (a local maximum)
    run = optim.newton(lambda th: th ** 3 - th, lambda th: 3 * th ** 2 - 1, 0.1, steps=5)
    assert run.stop_reason == "hessian" and not run.diverged and not run.converged
    assert run.n_steps == 0 and "not positive definite" in run.message


def test_a_diverging_momentum_run_stops_with_the_flag_and_keeps_finite_steps():
    # heavy ball on curvature h is stable only for lr h < 2 (1 + beta) = 3.8; here lr h = 4
    stable = optim.momentum(lambda th: 2 * th, 1.0, lr=1.85, steps=500, beta=0.9, max_abs=1e6)
    assert not stable.diverged
    run = optim.momentum(lambda th: 2 * th, 1.0, lr=2.0, steps=500, beta=0.9, max_abs=1e6)
    assert run.diverged and run.stop_reason == "diverged" and np.all(np.isfinite(run.params))
    assert "smaller beta" in run.message and run.n_steps < 500


# ------------------------------------------------------------------ stopping rules
@pytest.mark.parametrize("runner", [optim.gradient_descent, optim.momentum, optim.adagrad,
                                    optim.rmsprop, optim.adam])
def test_every_optimiser_stops_when_the_loss_stops_changing(runner):
    lr = 0.05 if runner is not optim.momentum else 0.02
    run = runner(quad_grad, [2.0, 1.0], lr=lr, steps=5000, loss=quad_loss, loss_tol=1e-9,
                 patience=3)
    assert run.stop_reason == "loss" and run.converged and run.n_steps < 5000
    changes = np.abs(np.diff(run.losses))
    assert np.all(changes[-3:] <= 1e-9) and not np.all(changes[-4:] <= 1e-9)


def test_patience_counts_steps_in_a_row():
    loss = lambda th: float(th ** 2)
    short = optim.gradient_descent(lambda th: 2 * th, 1.0, lr=0.1, steps=1000, loss=loss,
                                   loss_tol=1e-6, patience=1)
    long = optim.gradient_descent(lambda th: 2 * th, 1.0, lr=0.1, steps=1000, loss=loss,
                                  loss_tol=1e-6, patience=5)
    assert long.n_steps == short.n_steps + 4


def test_newton_takes_the_stopping_rules_too():
    grad = lambda p: -7 / p + 3 / (1 - p)
    hess = lambda p: 7 / p ** 2 + 3 / (1 - p) ** 2
    nll = lambda p: -7 * math.log(p) - 3 * math.log(1 - p)
    run = optim.newton(grad, hess, 0.2, steps=50, loss=nll, loss_tol=1e-14, patience=2,
                       domain=(0, 1))
    assert run.stop_reason == "loss" and run.final == pytest.approx(0.7, abs=1e-9)


def test_early_stopping_picks_the_epoch_with_the_lowest_validation_loss():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    t = x @ w_true + rng.normal(scale=0.5, size=40)
    xt, tt, xv, tv = x[:8], t[:8], x[8:], t[8:]             # 8 training rows: overfits
    mse = lambda w, xb, tb: float(np.mean((xb @ w - tb) ** 2))
    grad = lambda w, xb, tb: 2 * xb.T @ (xb @ w - tb) / len(tb)
    full = optim.sgd(grad, np.zeros(3), (xt, tt), lr=0.05, epochs=200, batch_size=2, rng=0,
                     loss=mse, validation=(xv, tv), rule="momentum")
    assert full.stop_reason == "steps" and len(full.val_losses) == 201
    assert full.best_epoch == int(np.argmin(full.val_losses))
    stopped = optim.sgd(grad, np.zeros(3), (xt, tt), lr=0.05, epochs=200, batch_size=2, rng=0,
                        loss=mse, validation=(xv, tv), rule="momentum", val_patience=10)
    assert stopped.stop_reason == "validation" and stopped.converged
    e = len(stopped.val_losses) - 1
    np.testing.assert_allclose(stopped.val_losses, full.val_losses[:e + 1])
    assert e - stopped.best_epoch == 10
    assert np.all(stopped.val_losses[stopped.best_epoch + 1:] >= stopped.val_losses[stopped.best_epoch])
    # the best parameters are the ones after best_epoch epochs (4 steps per epoch)
    np.testing.assert_allclose(stopped.best_params, stopped.params[4 * stopped.best_epoch])


def test_sgd_carries_the_rule_state_across_minibatches():
    x = np.arange(6.0)
    grad = lambda th, xb: 2 * np.mean(th - xb)
    run = optim.sgd(grad, 0.0, x, lr=0.1, epochs=2, batch_size=2, shuffle=False, rule="adam")
    rule, th, state, path = Adam(), np.array(0.0), Adam().init(0.0), [0.0]
    for _ in range(2):
        for i in range(0, 6, 2):
            th, state = rule.step(th, grad(float(th), x[i:i + 2]), state, 0.1)
            path.append(float(th))
    np.testing.assert_allclose(run.params, path, rtol=1e-13)
    assert run.method == "adam" and run.epochs.tolist() == [0, 0, 0, 1, 1, 1]


def test_descend_runs_every_method_on_a_surface():
    from mlekit.surfaces import QuadraticBowl2D
    bowl = QuadraticBowl2D()
    for method in optim.METHODS:
        run = optim.descend(bowl, lr=0.05, steps=5, method=method)
        assert run.method == method and run.n_steps == 5
    run = optim.descend(bowl, lr=0.05, steps=5, method="adam", beta1=0.5)
    ref = optim.adam(bowl.grad, bowl.default_start, lr=0.05, steps=5, beta1=0.5)
    np.testing.assert_allclose(run.params, ref.params)


def test_step_rules_are_pure():
    for rule in (GD(), Momentum(), Momentum(nesterov=True), AdaGrad(), RMSProp(), Adam()):
        theta = np.array([1.0, -2.0])
        state = rule.init(theta)
        snapshot = {k: np.copy(v) for k, v in state.items()}
        new, new_state = rule.step(theta, np.array([0.5, 3.0]), state, 0.1)
        assert theta.tolist() == [1.0, -2.0] and new_state["t"] == 1
        for k, v in snapshot.items():
            np.testing.assert_array_equal(state[k], v)
        assert make_rule(rule.name if rule.name != "gd" else "gd") is not rule


# ------------------------------------------------------------------ clear errors
@pytest.mark.parametrize("call, exc, words", [
    (lambda: optim.momentum(quad_grad, [1.0, 1.0], beta=1.0), ValueError, "beta must lie in [0, 1)"),
    (lambda: optim.adam(quad_grad, [1.0, 1.0], beta2=-0.1), ValueError, "beta2 must lie in [0, 1)"),
    (lambda: optim.rmsprop(quad_grad, [1.0, 1.0], eps=0.0), ValueError, "eps must be > 0"),
    (lambda: optim.momentum(quad_grad, [1.0, 1.0], nesterov="yes"), TypeError, "nesterov must be True or False"),
    (lambda: make_rule("adamw"), ValueError, "method must be"),
    (lambda: make_rule("adam", beta=0.9), TypeError, "for method='adam'"),
    (lambda: make_rule(Adam(), beta1=0.5), TypeError, "be set on the rule itself"),
    (lambda: optim.gradient_descent(quad_grad, [1.0, 1.0], loss_tol=1e-6), TypeError,
     "loss_tol must come with a loss function"),
    (lambda: optim.gradient_descent(quad_grad, [1.0, 1.0], loss=quad_loss, loss_tol=1e-6, patience=0),
     ValueError, "patience must be an integer >= 1"),
    (lambda: optim.sgd(lambda th, x: th, 0.0, np.arange(3.0), val_patience=2), TypeError,
     "val_patience must come with a validation set"),
    (lambda: optim.sgd(lambda th, x: th, 0.0, np.arange(3.0), validation=np.arange(2.0)), TypeError,
     "validation must come with a loss function"),
    (lambda: optim.newton(quad_grad, lambda th: np.eye(3), [1.0, 1.0]), ValueError,
     "hess(theta) must return an array of shape (2, 2)"),
    (lambda: optim.descend(__import__("mlekit").surfaces.Quadratic1D(), method="newton", beta=0.5),
     TypeError, "first-order method"),
])
def test_bad_arguments_say_what_was_expected(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)
